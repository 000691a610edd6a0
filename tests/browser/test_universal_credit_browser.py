"""What a person sees on the Universal Credit page: tiles with their dates, the labelled estimate,
tabs and controls opened from a link, the neighbourhood map, and the page on a phone."""

import urllib.parse

import pytest

from tests import expected
from tests.browser.conftest import no_errors, open_app_page, screenshot, selected_tab, wait_for_app

pytestmark = pytest.mark.browser
TIMEOUT_MS = 180000


def open_page(page, app_url, *, chart: bool = True, **params) -> None:
    query = urllib.parse.urlencode(params)
    open_app_page(page, f"{app_url}/universal-credit?{query}", charts=int(chart))


def test_default_tab_shows_tiles_the_labelled_estimate_and_the_trend(page, app_url, snapshot):
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_page(page, app_url, area="E14001410")
    assert page.get_by_text("Nottingham East: Universal Credit").is_visible()
    assert selected_tab(page) == "Trend"
    # the newest official seat figure, our estimate and the newest city figure in the snapshot
    uc = "households_on_uc"
    rows = [
        expected.latest(snapshot, "dwp_uc_households_pcon2024", uc, "E14001410"),
        expected.latest(snapshot, "uc_households_pcon_estimate", uc, "E14001410"),
        max(
            (
                expected.latest(snapshot, d, uc, "E06000018")
                for d in ("dwp_uc_households_lad", "dwp_uc_households_lad_may2025")
            ),
            key=lambda row: row["period_start"],
        ),
    ]
    for value in (expected.count(row["value"]) for row in rows):
        assert page.get_by_test_id("stMetricValue").get_by_text(value).is_visible()
    assert page.get_by_text("Data as of").count() <= 1  # one for the tiles at most
    assert page.get_by_text("Derived by this dashboard from DWP's neighbourhood").is_visible()
    assert page.get_by_text("Estimate, not a DWP figure.", exact=True).is_visible()
    # Only the open tab is drawn: the trend, with full service marked and the 2023 gap named.
    assert page.locator(".js-plotly-plot").count() == 1
    chart = page.locator(".js-plotly-plot")
    assert chart.get_by_text("UC full service").count() == 1
    assert chart.get_by_text("not in the").count() == 1
    assert page.get_by_role("button", name="Download the monthly series").count() == 1
    no_errors(page)
    screenshot(page, "uc-east-2024")

    page.set_viewport_size({"width": 375, "height": 3000})
    page.wait_for_timeout(1500)
    no_errors(page)
    screenshot(page, "uc-east-2024-375px")


def test_a_link_opens_the_map_at_a_month(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_page(page, app_url, area="E14000865", uc_tab="Map", uc_map_month="January 2019")
    assert selected_tab(page) == "Map"
    slider = page.get_by_role("slider")
    assert slider.count() == 1 and slider.get_attribute("aria-valuetext") == "January 2019"
    summary = "In January 2019, 38 of Nottingham's 38 neighbourhoods (MSOAs) had a figure"
    assert page.get_by_text(summary).is_visible()
    assert page.locator(".js-plotly-plot").count() == 1
    chart = page.locator(".js-plotly-plot")
    assert chart.get_by_text("January 2019").count() >= 1  # the map's subtitle
    assert chart.get_by_text("Nottingham East (2010-2024 boundaries)").count() == 1
    # Every neighbourhood had under 250 households then: one colour class, filled.
    assert chart.get_by_text("0 to 249").count() == 1
    assert chart.locator("path.js-fill").count() >= 1
    assert page.get_by_role("button", name="Download January 2019 by MSOA").count() == 1
    no_errors(page)
    screenshot(page, "uc-east-2010-map-jan-2019")

    # Moving to another tab runs it and puts it in the link; the month stays in the link.
    page.get_by_role("tab", name="Estimate check").click()
    page.get_by_text("cannot be checked directly").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    assert "uc_tab=Estimate+check" in page.url or "uc_tab=Estimate%20check" in page.url
    no_errors(page)


def test_per_1000_from_a_link_and_north_and_kimberley_has_no_estimate(page, app_url):
    open_page(page, app_url, area="E14001411", uc_trend_mode="Per 1,000 residents")
    assert page.get_by_role("radio", name="Per 1,000 residents").is_checked()
    assert page.get_by_text("has no monthly estimate").first.is_visible()
    assert page.get_by_text("One denominator for every month").is_visible()
    no_errors(page)


def test_2010_boundaries_explain_the_missing_official_figure(page, app_url):
    open_page(page, app_url, area="E14000867", uc_tab="Compare", uc_compare_mode="Households")
    assert selected_tab(page) == "Compare"
    assert page.get_by_text("has no official figure").first.is_visible()
    assert page.get_by_role("radio", name="Households").is_checked()
    no_errors(page)
