"""What a person sees on the QMC A&E page: tiles, the trend with its gap, tabs opened from a
link with their controls, the export, and the page on a phone."""

import csv
import io
import urllib.parse
import zipfile

import pytest

from dashboard.topics.ae import model as ad
from dashboard.ui import data
from tests import expected
from tests.browser.conftest import (
    close_sidebar,
    open_app_page,
    screenshot,
    selected_tab,
    wait_for_app,
)

pytestmark = pytest.mark.browser
TIMEOUT_MS = 180000


def open_page(page, app_url, *, chart: bool = True, **params) -> None:
    query = urllib.parse.urlencode(params, doseq=True)
    open_app_page(page, f"{app_url}/ae" + (f"?{query}" if query else ""), charts=int(chart))


def test_ae_default_tab_shows_tiles_and_the_trend(page, app_url, snapshot):
    newest = expected.latest(snapshot, ad.DATASET, "pct_within_4h_all", ad.TRUST)
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_page(page, app_url)
    assert page.get_by_text("QMC A&E: Nottingham University Hospitals").first.is_visible()
    assert page.get_by_text("Figures are for the whole trust").first.is_visible()
    assert page.get_by_text(f"Latest month: {expected.month(newest['period_start'])}").is_visible()
    assert page.get_by_text(expected.pct(newest["value"])).first.is_visible()
    # One under the tiles, not one per tile.
    assert page.get_by_text(data.as_of_text(ad.DATASET), exact=True).count() == 1
    assert selected_tab(page) == "4-hour trend"
    # Only the open tab is drawn: one chart, with the field-test gap and COVID-19 labelled.
    assert page.locator(".js-plotly-plot").count() == 1
    chart = page.locator(".js-plotly-plot")
    assert chart.get_by_text("No NUH 4-hour figures").count() >= 1
    assert chart.get_by_text("COVID-19 (March 2020)").count() >= 1
    assert chart.get_by_text("95% standard").count() >= 1
    assert page.get_by_text("Source: NHS England, A&E Attendances").count() >= 2
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "ae-desktop")

    # Opening another tab runs it and puts it in the link.
    page.get_by_role("tab", name="Seasonal").click()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    page.get_by_text("Seasonal pattern").first.wait_for(timeout=TIMEOUT_MS)
    assert "ae_tab=Seasonal" in page.url
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_link_opens_the_rank_tab_with_its_controls(page, app_url):
    open_page(
        page,
        app_url,
        ae_tab="Rank",
        ae_peers=ad.PEER_CHOICES["size"],
        ae_rank_month="Jan 2021",
        ae_rank_measure=ad.MEASURE_LABELS["pct_within_4h_all"],
    )
    assert selected_tab(page) == "Rank"
    peers = page.get_by_role("radio", name=ad.PEER_CHOICES["size"])
    assert peers.is_checked()
    assert page.get_by_role("radio", name=ad.MEASURE_LABELS["pct_within_4h_all"]).is_checked()
    rank_slider = page.get_by_role("slider").last
    assert rank_slider.get_attribute("aria-valuetext") == "Jan 2021"
    assert page.get_by_text(
        "NUH has no 4-hour % (all A&E types) figure for January 2021"
    ).is_visible()
    assert page.get_by_text("Chosen peers").count() >= 1  # the peers' bars in the legend
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlert']", has_text="not one of the choices").count() == 0
    screenshot(page, "ae-rank-link")


def test_the_download_is_the_filtered_rows(page, app_url):
    open_page(
        page,
        app_url,
        chart=False,
        ae_tab="Download",
        ae_peers=ad.PEER_CHOICES["none"],
        ae_range=["Jan 2024", "Jun 2025"],
    )
    assert selected_tab(page) == "Download"
    assert page.locator(".js-plotly-plot").count() == 0  # the download tab draws no chart
    caption = page.get_by_text("rows: NUH (RX1), England (E92000001), Jan 2024 to Jun 2025")
    rows = int(caption.inner_text().split(" rows")[0].replace(",", ""))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download these").click()
    with zipfile.ZipFile(download_info.value.path()) as archive:
        assert archive.read("README.txt").decode().startswith("Nottingham East issue dashboard")
        text = archive.read("data.csv").decode()
    body = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(body) == rows
    assert {row["area_code"] for row in body} == {"RX1", "E92000001"}
    assert min(row["period_start"] for row in body) == "2024-01-01"
    assert max(row["period_start"] for row in body) == "2025-06-01"


def test_ae_page_on_a_phone(page, app_url):
    page.set_viewport_size({"width": 375, "height": 7000})  # the whole page in one picture
    open_page(page, app_url)
    close_sidebar(page)
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stException']").count() == 0
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375 + 1, "nothing wider than the phone"
    screenshot(page, "ae-phone")
