"""What a person sees on the HMP Nottingham page: charts, caveats, links and the download."""

from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def open_page(page, app_url):
    page.goto(f"{app_url}/prison?area=E14001410")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.wait_for_timeout(1500)


def test_prison_page_shows_charts_caveats_and_sources(page, app_url):
    open_page(page, app_url)
    assert page.get_by_role("heading", name="HMP Nottingham").first.is_visible()
    for text in (
        "Population and crowding",
        "What inspectors found",
        "Compiled by a third party from MoJ tables, pending the official file.",
        "What the published record does not tell us",
        "Staffing against benchmark, 30 June 2016",
    ):
        assert page.get_by_text(text).first.is_visible(), text
    # population, national population, grid, standards, safety, national safety, staffing, map
    assert page.locator(".js-plotly-plot").count() >= 8
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Source: ").count() >= 8
    screenshot(page, "prison-full")


def test_prison_download_has_provenance(page, app_url):
    open_page(page, app_url)
    with page.expect_download() as download_info:
        page.get_by_test_id("stDownloadButton").first.locator("button").click()
    path = download_info.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert text.startswith("# Nottingham East issue dashboard export")
    assert "moj_population_bulletin_2011_2016" in text
    assert "compiled by a third party" in text
    assert ",NMI," in text


def test_prison_page_on_a_phone(page, app_url):
    page.set_viewport_size({"width": 375, "height": 2000})
    open_page(page, app_url)
    collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
    if collapse.count():  # the sidebar covers a phone screen until closed
        collapse.first.click()
        page.wait_for_timeout(1000)
    assert page.get_by_text("Population and crowding").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "prison-375")
