"""What a person sees on the schools page: the tiles and the map, a tab and its controls opened
from a link, and the page on a phone."""

import urllib.parse

import pytest

from dashboard.topics.schools import model as sd
from dashboard.topics.schools.page import (
    ABSENCE,
    CENSUS,
    KS4,
    KS4_2022_23,
    KS4_2023_24,
    OFSTED,
    SPINE,
)
from dashboard.ui import data
from tests import expected
from tests.browser.conftest import (
    close_sidebar,
    no_errors,
    open_app_page,
    screenshot,
    selected_tab,
    wait_for_app,
)

pytestmark = pytest.mark.browser
TIMEOUT_MS = 180000


def open_page(page, app_url, **params) -> None:
    query = urllib.parse.urlencode({"area": "E14001410", **params}, doseq=True)
    open_app_page(page, f"{app_url}/schools?{query}")


def test_schools_default_tab_shows_tiles_and_the_map(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2600})
    open_page(page, app_url)
    assert page.get_by_text("Nottingham East: school standards").is_visible()
    assert page.get_by_text("Which year these figures are for").first.is_visible()
    assert page.get_by_text("Listed for attention", exact=True).is_visible()
    # One as-of line for the tiles, and only when something is known.
    as_of = data.as_of_text(SPINE, CENSUS, OFSTED, KS4, ABSENCE)
    assert page.get_by_text("Data as of").count() == (1 if as_of else 0)
    assert selected_tab(page) == "Map"
    assert page.locator(".js-plotly-plot").count() == 1  # hidden tabs are not drawn
    chart = page.locator(".js-plotly-plot")
    assert chart.get_by_text("Placement uncertain (near a boundary)").count() >= 1
    assert page.get_by_text("uncertain (ringed)").first.is_visible()
    no_errors(page)
    screenshot(page, "schools-desktop")

    # Opening another tab runs it and puts it in the link.
    page.get_by_role("tab", name="Attention").click()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    page.get_by_text("Which schools may need attention").wait_for(timeout=TIMEOUT_MS)
    assert "schools_tab=Attention" in page.url
    assert page.get_by_text("A school is listed if any of these holds").is_visible()
    no_errors(page)


def test_a_link_follows_one_school_on_the_trends_tab(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 3000})
    open_page(
        page,
        app_url,
        schools_tab="Trends",
        schools_trend_school="Nottingham Academy",
        schools_trend_measure="Attainment 8",
    )
    assert selected_tab(page) == "Trends"
    picker = page.get_by_role("combobox", name="Follow one school")
    assert picker.input_value() == "Nottingham Academy"
    assert page.get_by_role("radio", name="Attainment 8").first.is_checked()
    assert page.get_by_text("Nottingham Academy (URN 135881), Attainment 8:").is_visible()
    assert page.locator(".js-plotly-plot").count() == 3
    assert page.get_by_text("Where the schools are").count() == 0
    no_errors(page)
    screenshot(page, "schools-trends-link")


def test_gcse_tab_shows_the_final_results_and_the_missing_years(page, app_url, snapshot):
    page.set_viewport_size({"width": 1400, "height": 3400})
    open_page(page, app_url, schools_tab="GCSE", schools_ks4_measure="Progress 8")
    open_app_page(page, page.url, charts=2)
    assert selected_tab(page) == "GCSE"
    final_start = expected.newest_start(snapshot, KS4_2022_23)
    final = expected.school_year(final_start)
    later = expected.school_year(expected.newest_start(snapshot, KS4_2023_24))
    page.get_by_text(f"GCSE results (key stage 4), {final} and {later}").wait_for()
    # the first chart is the final file's year with the LA's own score from the snapshot
    chart = page.locator(".js-plotly-plot").first
    assert chart.get_by_text(f"{final} (final)").count() >= 1
    la = expected.value(snapshot, KS4_2022_23, "ks4_progress8", sd.NOTTINGHAM, final_start)
    assert chart.get_by_text(f"Nottingham LA: {la:g}").count() == 1
    assert page.get_by_text("2019/20 and 2020/21: not comparable", exact=False).is_visible()
    assert page.get_by_text("2021/22: no school results", exact=False).is_visible()
    assert page.get_by_text("TRANSCRIPTION", exact=False).first.is_visible()  # the source line
    no_errors(page)
    screenshot(page, "schools-gcse-2022-23")


def test_schools_page_on_a_phone(page, app_url):
    page.set_viewport_size({"width": 375, "height": 5000})
    open_page(page, app_url)
    close_sidebar(page)
    page.wait_for_timeout(1500)
    no_errors(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375 + 1, "nothing wider than the phone"
    screenshot(page, "schools-phone")
