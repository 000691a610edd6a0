"""What a person sees on the homelessness page: tiles with their as-of lines, the trend, a tab
opened from a link with its controls, the council map, the download, and the page on a phone."""

import csv
import io
import urllib.parse
import zipfile

import pytest

from dashboard.topics.homelessness import model as t
from dashboard.topics.homelessness import page as view
from dashboard.ui import data
from tests import expected
from tests.browser.conftest import (
    ARTIFACTS,
    close_sidebar,
    no_errors,
    open_app_page,
    screenshot,
    selected_tab,
    wait_for_app,
)

pytestmark = pytest.mark.browser
TIMEOUT_MS = 180000
TA_RATE = "households_in_temporary_accommodation_per_1000"


@pytest.fixture(scope="module")
def ta_rates(snapshot):
    """Every council's TA rate on the newest day, from the query (nulls kept), by current code."""
    day = expected.latest(snapshot, t.HCLIC, TA_RATE, t.NOTTINGHAM)["period_end"]
    rates = expected.on(snapshot, t.HCLIC, TA_RATE, "lad", end=day)
    rates = rates.drop_duplicates("current_area_code").set_index("current_area_code")
    names = zip(rates.index, rates["area_name"], strict=True)
    rates["area"] = [t.area_label(code, name) for code, name in names]
    return rates


def open_page(page, app_url, *, charts: int = 1, **params) -> None:
    query = urllib.parse.urlencode(params)
    open_app_page(page, f"{app_url}/homelessness" + (f"?{query}" if query else ""), charts=charts)


def test_default_tab_shows_tiles_and_the_trend(page, app_url, snapshot):
    owed = expected.latest(snapshot, t.HCLIC, "households_owed_duty_per_1000", t.NOTTINGHAM)
    rough = expected.latest(snapshot, t.ROUGH, "rough_sleepers_snapshot", t.NOTTINGHAM)
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_page(page, app_url)
    assert page.get_by_text("Homelessness in Nottingham").first.is_visible()
    assert page.get_by_text("not Nottingham East", exact=False).first.is_visible()
    assert page.get_by_text("Owed a duty", exact=True).is_visible()
    quarter = expected.quarter(owed["period_end"])
    assert page.get_by_text(quarter, exact=True).first.is_visible()  # the tile's quarter
    assert page.get_by_text("Sleeping rough", exact=True).is_visible()
    autumn = f"Autumn {rough['period_start'].year}"
    assert page.get_by_text(autumn, exact=True).is_visible()
    # one data-as-of line under the five tiles, naming both publications
    assert page.get_by_text(data.as_of_text(t.HCLIC, t.ROUGH), exact=True).count() == 1
    assert selected_tab(page) == view.TABS[0]
    # only the open tab is drawn: the trend, its table and its gaps
    assert page.locator(".js-plotly-plot").count() == 1
    chart = page.locator(".js-plotly-plot")
    assert chart.get_by_text("Grey bands: 7 quarters", exact=False).count() == 1
    rate = f"{owed['value']:.2f} per 1,000 households"
    assert page.get_by_text(rate, exact=False).first.is_visible()
    assert page.get_by_text("What these figures do not show").count() == 0
    no_errors(page)
    screenshot(page, "homelessness-desktop")

    # switching the view puts it in the link
    page.get_by_text(view.MODES["count"], exact=True).click()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    page.get_by_text("Filled from a derived CSV", exact=False).first.wait_for(timeout=TIMEOUT_MS)
    assert "homeless_trend_mode=Number+of+households" in page.url.replace("%20", "+")
    page.get_by_role("tab", name="Rough sleeping").click()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    sleeping = f"{expected.count(rough['value'])} people sleeping rough"
    page.get_by_text(sleeping, exact=False).wait_for(timeout=TIMEOUT_MS)
    assert "homeless_tab=Rough+sleeping" in page.url.replace("%20", "+")
    no_errors(page)


def test_a_link_opens_the_compare_tab_with_its_controls(page, app_url, ta_rates):
    region = ta_rates.reindex(t.EAST_MIDLANDS)
    cities = ta_rates.reindex([t.NOTTINGHAM, *t.CORE_CITIES])
    top_city = ta_rates.loc[cities["value"].idxmax()]
    notts = ta_rates.loc[t.NOTTINGHAM, "value"]
    page.set_viewport_size({"width": 1400, "height": 3000})
    open_page(
        page,
        app_url,
        charts=2,
        homeless_tab="Compare",
        homeless_compare_group=view.GROUPS["em"],
        homeless_map_group=view.MAP_GROUPS["core"],
    )
    assert selected_tab(page) == "Compare"
    assert page.get_by_role("radio", name=view.GROUPS["em"]).is_checked()
    assert page.get_by_role("radio", name=view.MAP_GROUPS["core"]).is_checked()
    among = f"highest of the {region['value'].notna().sum()} authorities"
    assert page.get_by_text(among, exact=False).is_visible()
    top_text = f"{top_city['area']}'s ({top_city['value']:.2f} per 1,000)"
    assert page.get_by_text(top_text, exact=False).is_visible()
    for name in cities.loc[cities["value"].isna(), "area"]:
        assert page.get_by_text(f"No figure for {name}", exact=False).is_visible()
    assert page.get_by_text("Since the Homelessness Reduction Act").count() == 0
    chart = page.locator(".js-plotly-plot").filter(has_text=f"Nottingham: {notts:.2f}")
    assert chart.count() == 1
    assert chart.get_by_text(f"{top_city['area']}: {top_city['value']:.2f}").count() == 1
    no_errors(page)
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / "homelessness-map-core.png"))

    # the other group: the East Midlands councils, with the one that has no figure hatched
    page.get_by_text(view.MAP_GROUPS["em"], exact=True).click()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    top = ta_rates.loc[region["value"].idxmax()]
    top_text = f"{top['area']}'s ({top['value']:.2f} per 1,000)"
    page.get_by_text(top_text, exact=False).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("North Northamptonshire (E06000061) is drawn", exact=False).count()
    # a council with no figure that day is named under the map (hatched on it, not zero)
    summary = page.get_by_text(top_text, exact=False).inner_text()
    for name in ta_rates.loc[region.index[region["value"].isna()], "area"]:
        assert name in summary.split("No figure for")[1]
    assert "homeless_map_group" not in page.url  # the default is left out of the link
    assert "homeless_compare_group=East+Midlands+authorities" in page.url.replace("%20", "+")
    no_errors(page)
    screenshot(page, "homelessness-compare-link")


def test_the_download_is_the_chosen_areas(page, app_url):
    open_page(
        page,
        app_url,
        charts=0,
        homeless_tab="Download",
        homeless_export_areas=view.EXPORT_AREAS["core"],
    )
    assert selected_tab(page) == "Download"
    assert page.get_by_role("radio", name=view.EXPORT_AREAS["core"]).is_checked()
    assert page.locator(".js-plotly-plot").count() == 0  # the download tab draws no chart
    button = page.get_by_role("button", name="Download these")
    rows = int(button.inner_text().split()[2].replace(",", ""))
    with page.expect_download() as download_info:
        button.click()
    with zipfile.ZipFile(download_info.value.path()) as archive:
        assert archive.read("README.txt").decode().startswith("Nottingham East issue dashboard")
        text = archive.read("data.csv").decode()
    body = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(body) == rows
    codes = {row["current_area_code"] or row["area_code"] for row in body}
    assert {t.NOTTINGHAM, t.ENGLAND, *t.CORE_CITIES} <= codes
    assert {row["dataset"] for row in body} == {t.HCLIC, t.ROUGH}


def test_homelessness_page_on_a_phone(page, app_url):
    page.set_viewport_size({"width": 375, "height": 5000})  # the whole page in one picture
    open_page(page, app_url)
    close_sidebar(page)
    page.wait_for_timeout(1500)
    no_errors(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375 + 1, "nothing wider than the phone"
    screenshot(page, "homelessness-375px")
