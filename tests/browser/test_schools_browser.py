"""What a person sees on the schools page: the map, the charts beside their tables, no errors."""

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, timeout_ms=180000)
    page.wait_for_selector(".js-plotly-plot", timeout=180000)
    page.wait_for_timeout(1500)


def test_schools_page_east_2024(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 12000})  # the whole page in one picture
    _open(page, f"{app_url}/schools?area=E14001410")
    assert page.get_by_text("Nottingham East: school standards").is_visible()
    assert page.get_by_text("Which year these figures are for").first.is_visible()
    assert page.get_by_text("Which schools may need attention").first.is_visible()
    assert page.get_by_text("on the 2010-2024 boundaries").first.is_visible()
    assert page.get_by_text("What this page does not show").first.is_visible()
    assert page.locator(".js-plotly-plot").count() >= 6
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "schools-east-2024")


def test_schools_page_colour_by_progress8_and_2010_set(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 3000})
    _open(page, f"{app_url}/schools?area=E14000866")
    assert page.get_by_text("Nottingham North: school standards").is_visible()
    page.locator("[data-testid='stSelectbox']").filter(
        has_text="Colour the schools by"
    ).first.click()
    page.get_by_role("option", name="Progress 8").click()
    wait_for_app(page, timeout_ms=180000)
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "schools-north-2010-progress8")


def test_schools_page_phone_width(page, app_url):
    page.set_viewport_size({"width": 375, "height": 6000})
    _open(page, f"{app_url}/schools?area=E14001410")
    collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
    if collapse.count():  # on a phone the open sidebar covers the page
        collapse.first.click()
        page.wait_for_timeout(800)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "schools-east-375px")
