"""What a person sees on the Universal Credit page: charts, estimate label, May 2025 check."""

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def _tall_screenshot(page, name: str) -> None:
    # Streamlit scrolls inside its main block, so a full-page shot needs a tall viewport.
    page.set_viewport_size({"width": 1400, "height": 6500})
    page.wait_for_timeout(1500)
    screenshot(page, name)


def _no_errors(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def test_universal_credit_page_for_nottingham_east_2024(page, app_url):
    page.goto(f"{app_url}/universal-credit?area=E14001410")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.wait_for_timeout(1500)
    assert page.get_by_text("Nottingham East: Universal Credit").is_visible()
    assert page.get_by_text("Estimate, not a DWP figure.").is_visible()
    # 4 charts: trend, index, neighbourhood map, comparison.
    assert page.locator(".js-plotly-plot").count() == 4
    # The estimate-against-official sentence, with the numbers checked in tests/ui.
    assert page.get_by_text("18,224").first.is_visible()
    assert page.get_by_text("296 (1.6%) below").first.is_visible()
    assert page.get_by_text("UC full service").first.count() == 1
    assert page.get_by_text("What this page does not show yet").is_visible()
    assert page.get_by_role("button", name="Download the monthly series").count() == 1
    _no_errors(page)
    _tall_screenshot(page, "uc-east-2024")

    page.set_viewport_size({"width": 375, "height": 9000})
    page.wait_for_timeout(1500)
    _no_errors(page)
    screenshot(page, "uc-east-2024-375px")


def test_per_1000_and_north_and_kimberley_has_no_estimate(page, app_url):
    page.goto(f"{app_url}/universal-credit?area=E14001411")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    assert page.get_by_text("has no monthly estimate").first.is_visible()
    page.get_by_text("Per 1,000 residents").first.click()
    # The rerun may not have started when the click returns: wait for its text, not the spinner.
    page.get_by_text("One denominator for every month").wait_for(timeout=60000)
    wait_for_app(page)
    _no_errors(page)
    _tall_screenshot(page, "uc-north-kimberley-2024-per1000")


def test_2010_boundaries_explain_the_missing_official_figure(page, app_url):
    page.goto(f"{app_url}/universal-credit?area=E14000867")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    assert page.get_by_text("has no official figure").first.is_visible()
    assert page.get_by_text("cannot be checked directly").first.is_visible()
    _no_errors(page)
    _tall_screenshot(page, "uc-south-2010")
