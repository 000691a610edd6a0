"""What a person sees on the homelessness page: tiles with their as-of lines, the trend, a tab
opened from a link with its controls, the council map, the download, and the page on a phone."""

import csv
import io
import urllib.parse
import zipfile

import pytest

from dashboard.topics.homelessness import model as t
from dashboard.topics.homelessness import page as view
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


def open_page(page, app_url, *, charts: int = 1, **params) -> None:
    query = urllib.parse.urlencode(params)
    open_app_page(page, f"{app_url}/homelessness" + (f"?{query}" if query else ""), charts=charts)


def test_default_tab_shows_tiles_and_the_trend(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_page(page, app_url)
    assert page.get_by_text("Homelessness in Nottingham").first.is_visible()
    assert page.get_by_text("not Nottingham East", exact=False).first.is_visible()
    assert page.get_by_text("Owed a duty", exact=True).is_visible()
    assert page.get_by_text("Oct-Dec 2025", exact=True).first.is_visible()  # the tile's quarter
    assert page.get_by_text("Sleeping rough", exact=True).is_visible()
    assert page.get_by_text("Autumn 2022", exact=True).is_visible()
    # one data-as-of line under each of the five tiles
    assert page.get_by_text("released 30 Apr 2026", exact=False).count() == 4
    assert page.get_by_text("released 28 Feb 2023", exact=False).count() == 1
    assert selected_tab(page) == view.TABS[0]
    # only the open tab is drawn: the trend, its table and its gaps
    assert page.locator(".js-plotly-plot").count() == 1
    chart = page.locator(".js-plotly-plot")
    assert chart.get_by_text("Grey bands: 7 quarters", exact=False).count() == 1
    assert page.get_by_text("5.33 per 1,000 households", exact=False).first.is_visible()
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
    page.get_by_text("27 people sleeping rough", exact=False).wait_for(timeout=TIMEOUT_MS)
    assert "homeless_tab=Rough+sleeping" in page.url.replace("%20", "+")
    no_errors(page)


def test_a_link_opens_the_compare_tab_with_its_controls(page, app_url):
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
    assert page.get_by_text("highest of the 34 authorities", exact=False).is_visible()
    assert page.get_by_text("Manchester's (12.38 per 1,000)", exact=False).is_visible()
    assert page.get_by_text("No figure for Bristol", exact=False).is_visible()
    assert page.get_by_text("Since the Homelessness Reduction Act").count() == 0
    chart = page.locator(".js-plotly-plot").filter(has_text="Nottingham: 5.29")
    assert chart.count() == 1
    assert chart.get_by_text("Manchester: 12.38").count() == 1
    no_errors(page)
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / "homelessness-map-core.png"))

    # the other group: the East Midlands councils, with the one that has no figure hatched
    page.get_by_text(view.MAP_GROUPS["em"], exact=True).click()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    page.get_by_text("Oadby & Wigston's (5.59 per 1,000)", exact=False).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("North Northamptonshire (E06000061) is drawn", exact=False).count()
    assert page.locator(".js-plotly-plot").filter(has_text="Leicester: no figure").count() == 1
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
