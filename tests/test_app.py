"""AppTest smoke tests: every page, every seat and boundary set, no exception tolerated."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import geography
from dashboard.topics import registry

APP = "../dashboard/app.py"
TIMEOUT_S = 120


def render_page(url_path: str, seat: str, boundary_set: str) -> None:
    """Runs inside AppTest as a script: draw one page for one selection."""
    from dashboard.topics import registry
    from dashboard.ui.state import Selection

    spec = registry.page(url_path)
    spec.render(Selection(seat, boundary_set))


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda spec: spec.url_path)
@pytest.mark.parametrize("seat", sorted(geography.SEATS))
@pytest.mark.parametrize("boundary_set", sorted(geography.BOUNDARY_SETS))
def test_every_page_renders_for_every_selection(spec, seat, boundary_set):
    at = AppTest.from_function(
        render_page,
        kwargs={"url_path": spec.url_path, "seat": seat, "boundary_set": boundary_set},
        default_timeout=TIMEOUT_S,
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"


def test_app_defaults_to_nottingham_east_2024_and_writes_the_url():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "Nottingham East: overview"
    assert at.query_params["area"] == ["E14001410"] or at.query_params["area"] == "E14001410"


def test_sidebar_change_updates_page_and_url():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    at.selectbox(key="seat").select("south").run()
    at.radio(key="boundary_set").set_value("pcon2010").run()
    assert not at.exception
    assert at.title[0].value == "Nottingham South: overview"
    assert "E14000867" in str(at.query_params["area"])


@pytest.mark.parametrize(
    "area, title",
    [
        ("E14000866", "Nottingham North: overview"),
        ("e14001411", "Nottingham North and Kimberley: overview"),
    ],
)
def test_link_selects_the_seat(area, title):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["area"] = area
    at.run()
    assert not at.exception and at.title[0].value == title


@pytest.mark.parametrize(
    "bad",
    ["E99999999", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 10000, ""],
    ids=["unknown-code", "html", "sql", "10000-chars", "empty"],
)
def test_bad_area_parameter_is_ignored_with_a_notice(bad):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["area"] = bad
    at.run()
    assert not at.exception
    assert at.title[0].value == "Nottingham East: overview"
    if bad:
        assert any("not one of this dashboard's seats" in w.value for w in at.warning)
        assert all(len(w.value) < 400 for w in at.warning)


def test_postcode_finder_names_the_seat():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    at.text_input(key="overview_postcode").input("ng5 3ag").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "NG5 3AG" in text and "Nottingham East" in text and "E14001410" in text


def render_page_from_state(url_path: str) -> None:
    """Runs inside AppTest: draw one page for the selection the test put in session state."""
    import streamlit as st

    from dashboard.topics import registry
    from dashboard.ui.state import Selection

    spec = registry.page(url_path)
    spec.render(Selection(st.session_state["test_seat"], st.session_state["test_set"]))


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda spec: spec.url_path)
def test_changing_seat_and_boundary_set_in_one_session(spec):
    """Widgets whose options depend on the seat must survive the seat changing under them."""
    at = AppTest.from_function(
        render_page_from_state, kwargs={"url_path": spec.url_path}, default_timeout=TIMEOUT_S
    )
    for seat, boundary_set in [
        ("east", "pcon2024"),
        ("south", "pcon2024"),
        ("south", "pcon2010"),
        ("north", "pcon2010"),
        ("east", "pcon2024"),
    ]:
        at.session_state["test_seat"] = seat
        at.session_state["test_set"] = boundary_set
        at.run()
        assert not at.exception, (spec.url_path, seat, boundary_set, at.exception)


TABBED = [(spec, label) for spec in registry.PAGES for label in spec.tabs]


@pytest.mark.parametrize(
    "spec, label", TABBED, ids=[f"{spec.url_path}-{label}" for spec, label in TABBED]
)
@pytest.mark.parametrize("boundary_set", sorted(geography.BOUNDARY_SETS))
def test_every_tab_renders_from_a_link(spec, label, boundary_set):
    """Only the open tab's code runs, so each tab is opened by its link and checked on its own."""
    key = spec.tab_key
    at = AppTest.from_function(
        render_page,
        kwargs={"url_path": spec.url_path, "seat": "east", "boundary_set": boundary_set},
        default_timeout=TIMEOUT_S,
    )
    at.query_params[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning or all("not one of the choices" not in w.value for w in at.warning)


@pytest.mark.parametrize("spec", [s for s in registry.PAGES if s.tabs], ids=str)
def test_a_bad_tab_in_a_link_is_ignored_with_a_notice(spec):
    key = spec.tab_key
    at = AppTest.from_function(
        render_page_with_notices, kwargs={"url_path": spec.url_path}, default_timeout=TIMEOUT_S
    )
    at.query_params[key] = "<script>alert(1)</script>"
    at.run()
    assert not at.exception
    notices = [w.value for w in at.warning if "not one of the choices" in w.value]
    assert notices and all("<script>" not in notice for notice in notices)


def render_page_with_notices(url_path: str) -> None:
    """Runs inside AppTest: one page for the default selection, then the link notices."""
    import streamlit as st

    from dashboard import geography
    from dashboard.topics import registry
    from dashboard.ui import state
    from dashboard.ui.state import Selection

    spec = registry.page(url_path)
    slot = st.container()
    spec.render(Selection(geography.DEFAULT_SEAT, geography.DEFAULT_SET))
    state.show_url_notices(slot, registry.KEY_PREFIXES)


def test_unknown_link_parameters_are_dropped_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["utm_source"] = "<b>x</b>"
    at.query_params["area"] = "E14001410"
    at.run()
    assert not at.exception
    assert any("mean nothing here" in w.value for w in at.warning)
    assert "utm_source" not in at.query_params


def test_every_topic_folder_is_registered_once():
    folders = {path.parent.name for path in Path(registry.__file__).parent.glob("*/page.py")}
    keys = [topic.key for topic in registry.TOPICS]
    assert sorted(keys) == sorted(folders)
    assert len({page.url_path for page in registry.PAGES}) == len(registry.PAGES)


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda spec: spec.url_path)
def test_a_page_tab_parameter_is_one_of_its_own(spec):
    """A link's parameters are known by their page's prefix, the tab's included."""
    assert spec.tab_key.startswith(spec.key_prefix) or not spec.tabs
    assert len(set(registry.KEY_PREFIXES)) == len(registry.PAGES)
