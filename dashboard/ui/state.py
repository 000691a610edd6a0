"""The view's whole state in the URL: the shared selection (seat and boundary set) as ``?area=``,
and every page control bound to its own parameter, so opening a link reproduces the view."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from dashboard import geography

AREA_PARAM = "area"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
MAX_PARAM_LENGTH = 40
NOTICES = "url_notices"


@dataclass(frozen=True)
class Selection:
    seat: str
    boundary_set: str

    @property
    def code(self) -> str:
        return geography.SEATS[self.seat].codes[self.boundary_set]

    @property
    def name(self) -> str:
        return geography.SEATS[self.seat].names[self.boundary_set]

    @property
    def boundary_label(self) -> str:
        return geography.BOUNDARY_SETS[self.boundary_set].label


def shown_param(raw: str) -> str:
    """A visitor's URL text, short and escaped for a Markdown notice (links stay text)."""
    shown = raw[:MAX_PARAM_LENGTH] + ("…" if len(raw) > MAX_PARAM_LENGTH else "")
    return MARKDOWN_SPECIAL.sub(r"\\\1", shown)


def parse_area_param(raw: str | None) -> tuple[Selection | None, str | None]:
    """A selection from the ``area`` parameter, or a notice saying why it was ignored."""
    if raw is None or raw == "":
        return None, None
    shown = shown_param(raw)
    found = geography.seat_for_code(raw) if len(raw) <= MAX_PARAM_LENGTH else None
    if found is None:
        codes = ", ".join(c for s in geography.SEATS.values() for c in s.codes.values())
        return None, (
            f"The link's area '{shown}' is not one of this dashboard's seats ({codes}); "
            "showing the default instead."
        )
    return Selection(*found), None


def sidebar_selection() -> Selection:
    """Draw the sidebar controls, seeded once from the URL, and write the choice back to it."""
    if "seat" not in st.session_state:
        from_url, notice = parse_area_param(st.query_params.get(AREA_PARAM))
        chosen = from_url or Selection(geography.DEFAULT_SEAT, geography.DEFAULT_SET)
        st.session_state["seat"] = chosen.seat
        st.session_state["boundary_set"] = chosen.boundary_set
        if notice:  # shown above the page by show_url_notices, once
            st.session_state.setdefault(NOTICES, []).append(notice)
        note_repeated(AREA_PARAM, "Constituency")
    boundary_set = st.sidebar.radio(
        "Boundary set",
        list(geography.BOUNDARY_SETS),
        format_func=lambda key: geography.BOUNDARY_SETS[key].label,
        key="boundary_set",
        help="Constituencies changed at the July 2024 general election.",
    )
    seat = st.sidebar.selectbox(
        "Constituency",
        list(geography.SEATS),
        format_func=lambda key: geography.SEATS[key].names[boundary_set],
        key="seat",
    )
    selection = Selection(seat, boundary_set)
    st.query_params[AREA_PARAM] = selection.code
    return selection


def note_repeated(key: str, label: str) -> None:
    """A single choice named more than once in the link: say so rather than pick one silently."""
    values = st.query_params.get_all(key)
    if len(values) > 1:
        st.session_state.setdefault(NOTICES, []).append(
            f"The link gives {shown_param(key)} {len(values)} times, but \u201c{label}\u201d "
            "takes one value; only one of them is used."
        )


def ignored_values(key: str, allowed: set[str]) -> list[str]:
    """The link's values for ``key`` that are not among ``allowed`` (Streamlit drops them)."""
    return [value for value in st.query_params.get_all(key) if value not in allowed]


def note_ignored(key: str, label: str, values: list[str]) -> None:
    """Queue a notice, shown once above the page, that a link's value was ignored."""
    shown = ", ".join(f"'{shown_param(value)}'" for value in values[:3])
    st.session_state.setdefault(NOTICES, []).append(
        f"The link's {shown_param(key)}={shown} is not one of the choices for "
        f"\u201c{label}\u201d; showing the default instead."
    )


def url_choice(
    widget: Callable,
    label: str,
    options: Sequence,
    *,
    key: str,
    format_func: Callable = str,
    **kwargs,
):
    """A page control (radio, selectbox, select_slider, multiselect, pills, segmented control)
    kept in the URL as ``?key=<shown label>``. Streamlit reads the link and drops values that are
    not choices; this adds the visible notice the issue asks for."""
    options = list(options)
    allowed = {str(format_func(option)) for option in options}
    if getattr(widget, "__name__", "") in ("multiselect", "pills"):  # st.* or a column's
        allowed.add("")  # an empty selection is a valid link
    else:
        note_repeated(key, label)
    bad = ignored_values(key, allowed)
    if bad:
        note_ignored(key, label, bad)
    return widget(label, options, format_func=format_func, key=key, bind="query-params", **kwargs)


def url_month(
    slot,
    label: str,
    options: Sequence,
    *,
    key: str,
    value,
    format_func: Callable = str,
    help: str | None = None,
):
    """A month slid to on a slider kept in the URL (as url_choice), with a list beside it in
    which the month can be typed or picked: reaching a month five years back on a slider takes
    sixty key presses. The list follows the slider; choosing in it moves the slider."""
    typed_key = f"{key}_typed"

    def typed() -> None:
        st.session_state[key] = st.session_state[typed_key]

    slider, typed_slot = slot.columns([3, 1], vertical_alignment="bottom")
    chosen = url_choice(
        slider.select_slider,
        label,
        options,
        key=key,
        value=value,
        format_func=format_func,
        help=help,
    )
    st.session_state[typed_key] = chosen  # the list shows the slider's month
    typed_slot.selectbox(
        f"{label}: type or pick",
        list(options),
        key=typed_key,
        format_func=format_func,
        on_change=typed,
    )
    return chosen


def url_flag(widget: Callable, label: str, *, key: str, **kwargs) -> bool:
    """A checkbox or toggle kept in the URL as ``?key=true|false``."""
    note_repeated(key, label)
    bad = ignored_values(key, {"true", "false", "True", "False"})
    if bad:
        note_ignored(key, label, bad)
    return widget(label, key=key, bind="query-params", **kwargs)


def url_tabs(labels: Sequence[str], *, key: str) -> Sequence:
    """Tabs kept in the URL (``?key=<tab label>``) that run only the open tab's code: each
    container's ``.open`` is True for the open tab. Hidden tabs cost no server time or bytes."""
    labels = list(labels)
    note_repeated(key, "tab")
    bad = ignored_values(key, set(labels))
    if bad:
        note_ignored(key, "tab", bad)
    return st.tabs(labels, key=key, bind="query-params")


def draw_tabs(labels: Sequence[str], *, key: str, sections: dict[str, Callable[[], None]]) -> None:
    """The page's tabs (``url_tabs``), running only the open tab's section: ``sections`` maps
    each label, in order, to the function that draws that tab."""
    if list(sections) != list(labels):
        raise ValueError(f"{key}: sections {list(sections)} do not match the tabs {list(labels)}")
    for tab, section in zip(url_tabs(labels, key=key), sections.values(), strict=True):
        if tab.open:
            with tab:
                section()


def unknown_params(params: Sequence[str], key_prefixes: tuple[str, ...]) -> list[str]:
    """Parameters no page understands (stale or mistyped links): page controls' keys, and so
    their URL parameters, start with their page's prefix (the registry's ``KEY_PREFIXES``)."""
    return [name for name in params if name != AREA_PARAM and not name.startswith(key_prefixes)]


def show_url_notices(slot, key_prefixes: tuple[str, ...]) -> None:
    """After the page ran: say, once, which parts of the link were ignored."""
    notices = st.session_state.pop(NOTICES, [])
    unknown = unknown_params(list(st.query_params), key_prefixes)
    if unknown:
        names = ", ".join(f"'{shown_param(name)}'" for name in unknown[:5])
        notices.append(f"The link's parameter(s) {names} mean nothing here and were ignored.")
        for name in unknown:
            del st.query_params[name]
    for notice in notices:
        slot.warning(notice, icon=":material/warning:")
