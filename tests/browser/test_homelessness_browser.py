"""What a person sees on the homelessness page: tiles, charts beside tables, caveats, download."""

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_homelessness_page_shows_city_figures_and_charts(page, app_url):
    # tall enough for the whole page: Streamlit scrolls inside its own container
    page.set_viewport_size({"width": 1400, "height": 8000})
    page.goto(f"{app_url}/homelessness")
    wait_for_app(page)
    # a cold start builds every figure once: wait for all of them, not just the first
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 9", timeout=180000
    )
    page.wait_for_timeout(1500)
    assert page.get_by_text("Homelessness in Nottingham").first.is_visible()
    assert page.get_by_text("not Nottingham East", exact=False).first.is_visible()
    assert page.get_by_text("Owed a duty", exact=True).is_visible()
    assert page.get_by_text("Oct-Dec 2025", exact=True).first.is_visible()  # the tile's quarter
    assert page.get_by_text("Sleeping rough", exact=True).is_visible()
    assert page.get_by_text("Autumn 2022", exact=True).is_visible()
    assert page.locator(".js-plotly-plot").count() >= 9
    assert page.get_by_text("What these figures do not show", exact=True).is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "homelessness-east-2024")

    # the council map: East Midlands first, then the core cities
    assert page.get_by_text("Temporary accommodation on the map", exact=True).is_visible()
    assert page.get_by_text("Oadby & Wigston's (5.59 per 1,000)", exact=False).is_visible()
    assert page.get_by_text("North Northamptonshire (E06000061) is drawn", exact=False).is_visible()
    page.get_by_text("Nottingham and the core cities", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Manchester's (12.38 per 1,000)", exact=False).wait_for(timeout=60000)
    assert page.get_by_text("No figure for Bristol", exact=False).is_visible()
    chart = page.locator(".js-plotly-plot").filter(has_text="Nottingham: 5.29")
    assert chart.count() == 1
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / "homelessness-map-core.png"))
    page.get_by_text("East Midlands councils", exact=True).click()
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0

    page.get_by_text("Number of households: Nottingham").click()
    wait_for_app(page)
    assert page.get_by_text("Filled from a derived CSV", exact=False).first.is_visible()
    page.get_by_text("East Midlands authorities", exact=True).click()
    wait_for_app(page)
    assert page.get_by_text("highest of the 34 authorities", exact=False).is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "homelessness-counts-east-midlands")

    with page.expect_download() as download_info:
        page.get_by_text("Download these", exact=False).click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Nottingham East issue dashboard export")
    assert "mhclg_hclic_detailed_la" in text and "E06000018" in text


def test_homelessness_page_on_a_phone(page, app_url):
    page.set_viewport_size({"width": 375, "height": 6000})
    page.goto(f"{app_url}/homelessness")
    wait_for_app(page)
    # a cold start builds every figure once: wait for all of them, not just the first
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 9", timeout=180000
    )
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stException']").count() == 0
    collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
    if collapse.count() and collapse.first.is_visible():
        collapse.first.click()  # phones start collapsed; close it if it is open
    page.wait_for_timeout(1000)
    screenshot(page, "homelessness-375px")
