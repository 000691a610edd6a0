"""What a person sees on the QMC A&E page: tiles, charts with the gap labelled, map, export."""

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_ae_page_shows_tiles_charts_gap_and_map(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 9000})  # the whole page in one picture
    page.goto(f"{app_url}/ae")
    wait_for_app(page, timeout_ms=180000)
    page.wait_for_selector(".js-plotly-plot", timeout=180000)
    page.wait_for_timeout(1500)
    assert page.get_by_text("QMC A&E: Nottingham University Hospitals").first.is_visible()
    assert page.get_by_text("Figures are for the whole trust").first.is_visible()
    assert page.get_by_text("Latest month: February 2026").is_visible()
    assert page.get_by_text("63.5%").first.is_visible()
    assert page.locator(".js-plotly-plot").count() >= 6
    # The field-test gap is labelled on the chart, and COVID-19 is annotated.
    assert page.locator(".js-plotly-plot").get_by_text("No NUH 4-hour figures").count() >= 1
    assert page.locator(".js-plotly-plot").get_by_text("COVID-19 (March 2020)").count() >= 1
    assert page.get_by_text("lies in Nottingham South").first.is_visible()
    assert page.get_by_text("Source: NHS England, A&E Attendances").count() >= 5
    assert page.locator("[data-testid='stException']").count() == 0
    page.get_by_text("England's longer record, since 2010").click()
    page.get_by_text("What these figures do and do not show").click()
    page.wait_for_timeout(1500)
    assert page.get_by_text("England last met the 95% standard in July 2015").is_visible()
    assert page.get_by_text("a change in what the return covers").first.is_visible()
    screenshot(page, "ae-desktop")

    page.get_by_text("The 10 trusts closest in size").click()
    wait_for_app(page, timeout_ms=180000)
    page.wait_for_timeout(1000)
    assert page.get_by_text("Peer median (similar-size trusts)").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download these").click()
    text = download_info.value.path().read_text()
    assert text.startswith("# Nottingham East issue dashboard export")
    assert "RX1" in text and "E92000001" in text and "not reported (field test)" in text


def test_ae_page_on_a_phone(page, app_url):
    page.set_viewport_size({"width": 375, "height": 6000})
    page.goto(f"{app_url}/ae")
    wait_for_app(page, timeout_ms=180000)
    page.wait_for_selector(".js-plotly-plot", timeout=180000)
    collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
    if collapse.count() and collapse.first.is_visible():
        collapse.first.click()  # the app opens with the sidebar expanded, even on a phone
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "ae-phone")
