"""What a person sees: the overview map, the sidebar, and the URL following the selection."""

from pathlib import Path

import pytest

from tests.browser.conftest import close_sidebar, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def wait_for_query(page, text: str) -> None:
    # Streamlit rewrites the URL with history.replaceState: there is no navigation to wait for.
    page.wait_for_function(f"() => location.search.includes({text!r})", timeout=30000)


def test_overview_shows_map_and_sidebar_and_url_follows_selection(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    assert page.get_by_text("Nottingham East: overview").is_visible()
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text("Constituency").is_visible()
    assert sidebar.get_by_text("Boundary set").is_visible()
    assert "area=E14001410" in page.url
    screenshot(page, "overview-east-2024")

    sidebar.locator("[data-testid='stSelectbox']").click()
    page.get_by_role("option", name="Nottingham South").click()

    wait_for_query(page, "area=E14001412")
    wait_for_app(page)
    assert page.get_by_text("Nottingham South: overview").is_visible()
    assert page.locator(".js-plotly-plot").count() >= 1

    sidebar.get_by_text("2010-2024 boundaries").click()
    wait_for_query(page, "area=E14000867")
    wait_for_app(page)
    screenshot(page, "overview-south-2010")


def test_a_link_reproduces_the_view_and_a_bad_link_shows_a_notice(page, app_url):
    page.goto(f"{app_url}/?area=E14000866")
    wait_for_app(page)
    assert page.get_by_text("Nottingham North: overview").is_visible()
    page.goto(f"{app_url}/?area=%3Cscript%3Ealert(1)%3C/script%3E")
    wait_for_app(page)
    # The bare address forwards to /overview with a second run, which shows the notice: on a
    # busy machine the first run's end can look like the page's.
    page.get_by_text("is not one of this dashboard's seats").wait_for(timeout=30000)
    assert page.get_by_text("Nottingham East: overview").is_visible()
    assert page.locator("[data-testid='stException']").count() == 0


def test_data_and_sources_page_lists_checksums(page, app_url):
    page.goto(f"{app_url}/data-and-sources")
    wait_for_app(page)
    page.get_by_role("heading", name="Data & sources").wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()  # the publications table
    # A link opens one publication's files, checksums and caveats.
    page.goto(
        f"{app_url}/data-and-sources?sources_tab=Files+and+caveats"
        "&sources_publication=ons_pcon_boundaries"
    )
    wait_for_app(page)
    page.get_by_text("Westminster Parliamentary Constituencies (December 2022").first.wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()  # files and checksums
    assert page.get_by_role("tab", name="Files and caveats").get_attribute("aria-selected") == (
        "true"
    )
    screenshot(page, "data-and-sources")
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize(
    "path, title",
    [("overview", "Nottingham East: overview"), ("data-and-sources", "Data & sources")],
)
def test_shell_pages_on_a_phone(page, app_url, path, title):
    """375 px wide: the sidebar starts closed, text wraps, tables scroll, nothing overflows."""
    page.set_viewport_size({"width": 375, "height": 1800})
    page.goto(f"{app_url}/{path}?area=E14001410")
    wait_for_app(page)
    close_sidebar(page)
    heading = page.get_by_role("heading", name=title).first
    heading.wait_for(timeout=60000)
    wait_for_app(page)  # the heading comes first; let the widgets and tables arrive
    page.wait_for_timeout(1500)
    assert heading.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    # Nothing wider than the screen except inside scrollable tables and charts.
    overflow = page.evaluate(
        "() => document.querySelector(\"[data-testid='stMainBlockContainer']\").scrollWidth"
    )
    assert overflow <= 375 + 1, overflow
    screenshot(page, f"{path}-375")


def test_briefing_downloads_as_word_and_html(page, app_url):
    page.goto(f"{app_url}/overview?area=E14001410")
    wait_for_app(page)
    for label, suffix in (("(Word)", ".docx"), ("print it to PDF", ".html")):
        with page.expect_download(timeout=60000) as info:
            page.get_by_role("button", name=label).click()
        assert info.value.suggested_filename == f"briefing-E14001410{suffix}"
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert "Nottingham East: briefing" in html and "data:image/png;base64," in html
