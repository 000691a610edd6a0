"""The shared selection (seat and boundary set), kept in the URL so a link reproduces the view."""

import re
from dataclasses import dataclass

import streamlit as st

from dashboard import geography

AREA_PARAM = "area"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
MAX_PARAM_LENGTH = 40


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


def parse_area_param(raw: str | None) -> tuple[Selection | None, str | None]:
    """A selection from the ``area`` parameter, or a notice saying why it was ignored."""
    if raw is None or raw == "":
        return None, None
    shown = raw[:MAX_PARAM_LENGTH] + ("…" if len(raw) > MAX_PARAM_LENGTH else "")
    # The notice is Markdown: escape the visitor's text so a link or image in a URL stays text.
    shown = MARKDOWN_SPECIAL.sub(r"\\\1", shown)
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
        st.session_state["url_notice"] = notice
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
    notice = st.session_state.pop("url_notice", None)
    if notice:  # shown once, on the run that read the bad link
        st.warning(notice, icon="⚠️")
    return selection
