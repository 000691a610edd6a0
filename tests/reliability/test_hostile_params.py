"""Hostile ``area`` URL parameters on every registered page: it renders, with a notice, no error.

Each page is drawn the way the app draws it: the shared sidebar reads the parameter (as
``st.query_params`` gives it, already URL-decoded), then the page renders for the selection.
The full app is also run for a few values, to cover navigation.
"""

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.topics import registry

APP = "../../dashboard/app.py"
TIMEOUT_S = 180
NOTICE = "not one of this dashboard's seats"
HOSTILE = {
    "unknown-code": "E14099999",
    "welsh-shape": "W07000999",
    "sql": "'; DROP TABLE observations; --",
    "sql-or": "1' OR '1'='1",
    "html-script": "<script>alert(1)</script>",
    "html-img": '<img src=x onerror="alert(1)">',
    "js-url": "javascript:alert(document.cookie)",
    "10000-chars": "A" * 10_000,
    "10000-unicode": "Ω🏴‍☠️" * 2_500,
    "unicode": "Nøttingham Ēast 東 🏴",
    "rtl-override": "\u202eE14001410",
    "zero-width": "E1400\u200b1410",
    "fullwidth": "Ｅ１４００１４１０",
    "percent-encoded": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "encoded-nul": "E14001410%00",
    "nul": "E14001410\x00",
    "newline": "E14001410\n<b>x</b>",
    "path": "../../etc/passwd",
}
# Markdown that st.warning would render: a link or an image fetched from another host.
MARKDOWN = {
    "md-image": "![x](https://evil.example/p.png)",
    "md-link": "[click me](https://evil.example)",
}


def render_page(url_path: str) -> None:
    """Runs inside AppTest as a script, as app.py does: the shared sidebar, a slot for the
    link notices, one page, then the notices."""
    import streamlit as st

    from dashboard.topics import registry
    from dashboard.ui.state import show_url_notices, sidebar_selection

    selection = sidebar_selection()
    slot = st.container()
    registry.page(url_path).render(selection)
    show_url_notices(slot, registry.KEY_PREFIXES)


def run_page(url_path: str, area) -> AppTest:
    at = AppTest.from_function(
        render_page, kwargs={"url_path": url_path}, default_timeout=TIMEOUT_S
    )
    at.query_params["area"] = area
    return at.run()


def assert_rendered_with_notice(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "the page drew its title"
    notices = [w.value for w in at.warning if NOTICE in w.value]
    assert len(notices) == 1, [w.value for w in at.warning]
    assert len(notices[0]) < 400
    assert at.query_params["area"] in (["E14001410"], "E14001410"), "URL reset to the default"
    return notices[0]


# The parameter is read by the shared sidebar, the same code on every page: every value on the
# first page, and a few of each kind on every page (the pages differ in what they then draw).
EVERY_PAGE = ["unknown-code", "html-script", "10000-unicode", "percent-encoded"]
CASES = [(registry.PAGES[0], name) for name in HOSTILE] + [
    (spec, name) for spec in registry.PAGES[1:] for name in EVERY_PAGE
]


@pytest.mark.parametrize(
    "spec, name", CASES, ids=[f"{spec.url_path}-{name}" for spec, name in CASES]
)
def test_hostile_area_on_every_page(spec, name):
    notice = assert_rendered_with_notice(run_page(spec.url_path, HOSTILE[name]))
    # Shown as escaped text, never as a tag: "<" arrives as "\<" in the Markdown.
    assert "<script" not in notice.lower().replace("\\<script", "")


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda spec: spec.url_path)
def test_repeated_area_parameter(spec):
    assert_rendered_with_notice(run_page(spec.url_path, ["E14001410", "<b>x</b>"]))


@pytest.mark.parametrize("area", list(MARKDOWN.values()), ids=list(MARKDOWN))
def test_markdown_in_the_area_is_not_rendered_as_markup(area):
    notice = assert_rendered_with_notice(run_page(registry.PAGES[0].url_path, area))
    assert not re.search(r"(?<!\\)\]\(", notice), notice


@pytest.mark.parametrize("area", ["<script>alert(1)</script>", "x" * 10_000, "%E2%80%AE"])
def test_full_app_with_hostile_area(area):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["area"] = area
    at.run()
    assert_rendered_with_notice(at)


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "x" * 10_000, "[a](https://e.x)"])
@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda spec: spec.url_path)
def test_hostile_page_parameters_are_ignored_with_a_notice(spec, value):
    """A page's own parameters (its tab) and unknown ones: ignored, said so, never markup."""
    tab_key = spec.tab_key
    at = AppTest.from_function(
        render_page, kwargs={"url_path": spec.url_path}, default_timeout=TIMEOUT_S
    )
    at.query_params["area"] = "E14001410"
    at.query_params["evil"] = value
    if tab_key:
        at.query_params[tab_key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning]
    assert any("mean nothing here" in n for n in notices)
    if tab_key:
        assert any("not one of the choices" in n for n in notices)
    for notice in notices:
        assert "<script>" not in notice and "](https" not in notice and len(notice) < 600


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda spec: spec.url_path)
def test_a_repeated_single_choice_gets_the_same_visible_notice(spec):
    """Valid values, but two of them for one choice: the page says it used only one."""
    tab_key, tabs = spec.tab_key, spec.tabs
    at = AppTest.from_function(
        render_page, kwargs={"url_path": spec.url_path}, default_timeout=TIMEOUT_S
    )
    at.query_params["area"] = ["E14001410", "E14001411"]
    if tab_key:
        at.query_params[tab_key] = list(tabs[:2])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    repeated = [w.value for w in at.warning if "2 times" in w.value]
    assert len(repeated) == (2 if tab_key else 1), [w.value for w in at.warning]
