"""What a person sees on the HMP Nottingham page: tiles, lazy tabs kept in the link, charts,
third-party labels, caveats, sources and the download."""

import zipfile
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from dashboard.ui import data
from tests import expected
from tests.browser.conftest import close_sidebar, screenshot, wait_for_app

POPULATION = "moj_population_bulletin_nottingham_2018_2026"
pytestmark = pytest.mark.browser


def open_page(page, app_url, **params):
    query = urlencode({"area": "E14001410", **params})
    page.goto(f"{app_url}/prison?{query}")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.wait_for_timeout(1500)


def _tab(page, name):
    return page.get_by_role("tab", name=name, exact=True)


def _clipped_tile_labels(page) -> list[str]:
    """Tile labels that the page cuts short with an ellipsis (wider than their box)."""
    return page.get_by_test_id("stMetricLabel").evaluate_all(
        "els => els.flatMap(e => [e, ...e.querySelectorAll('*')])"
        ".filter(n => n.scrollWidth > n.clientWidth + 1).map(n => n.innerText)"
    )


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_prison_default_tab_shows_tiles_chart_and_sources(page, app_url, snapshot):
    open_page(page, app_url)
    assert page.get_by_role("heading", name="HMP Nottingham").first.is_visible()
    newest = expected.latest(snapshot, POPULATION, "population", "NMI")
    assert page.get_by_text(f"Population, {expected.day(newest['period_start'])}").is_visible()
    as_of = data.as_of_text(POPULATION)  # one line under the tiles, only when it says something
    assert page.get_by_text("Data as of").count() == (1 if as_of else 0)
    assert _clipped_tile_labels(page) == []
    assert _tab(page, "Crowding").get_attribute("aria-selected") == "true"
    for name in ("Inspections", "Assaults and self-harm", "Staffing", "Map", "Gaps in the record"):
        assert _tab(page, name).is_visible(), name
    assert page.get_by_text("Population and crowding").first.is_visible()
    assert page.get_by_text("Third-party compilation").first.is_visible()
    # population against capacity, and the national population; other tabs are not drawn
    assert page.locator(".js-plotly-plot").count() == 2
    assert page.get_by_text("Every judgement with its citation").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Source: ").count() >= 3
    screenshot(page, "prison-desktop")


def test_a_link_opens_a_tab_with_its_controls(page, app_url):
    open_page(
        page,
        app_url,
        prison_tab="Assaults and self-harm",
        prison_safety_measure="Self-harm incidents per 1,000 prisoners",
        prison_safety_only_group="true",
    )
    assert _tab(page, "Assaults and self-harm").get_attribute("aria-selected") == "true"
    assert page.get_by_role("radio", name="Self-harm incidents per 1,000 prisoners").is_checked()
    assert page.get_by_role("switch", name="only HMP Nottingham").is_checked()
    assert page.get_by_text("628 self-harm incidents").is_visible()
    assert page.get_by_text("Compiled by a third party from MoJ tables").first.is_visible()
    assert page.locator(".js-plotly-plot").count() == 2
    assert page.get_by_text("Population and crowding").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    params = _params(page)
    assert params["prison_tab"] == ["Assaults and self-harm"]
    assert params["prison_safety_measure"] == ["Self-harm incidents per 1,000 prisoners"]
    screenshot(page, "prison-safety-link")


def test_choosing_a_tab_and_a_control_writes_the_link(page, app_url):
    open_page(page, app_url)
    _tab(page, "Staffing").click()
    page.get_by_role("heading", name="Staffing against benchmark").wait_for(timeout=60000)
    page.get_by_text("Prison officers (bands 3-5)", exact=True).click()
    page.get_by_text("210.1 FTE prison officers (bands 3-5)").wait_for(timeout=60000)
    wait_for_app(page)
    params = _params(page)
    assert params["prison_tab"] == ["Staffing"]
    assert params["prison_staff_group"] == ["Prison officers (bands 3-5)"]
    # The link just written opens the same view in a new visit.
    link = page.url
    page.goto("about:blank")
    page.goto(link)
    wait_for_app(page)
    page.get_by_text("210.1 FTE prison officers (bands 3-5)").wait_for(timeout=60000)
    assert _tab(page, "Staffing").get_attribute("aria-selected") == "true"
    assert page.get_by_role("radio", name="Prison officers (bands 3-5)").is_checked()


def test_gaps_and_inspections_tabs(page, app_url):
    open_page(page, app_url, prison_tab="Inspections")
    assert page.get_by_role("heading", name="What inspectors found").is_visible()
    assert page.get_by_text("8 inspections").is_visible()
    assert page.locator(".js-plotly-plot").count() == 2  # the grid and the national standards
    open_page(page, app_url, prison_tab="Map")
    _tab(page, "Gaps in the record").click()
    page.get_by_role("heading", name="What the published record does not tell us").wait_for(
        timeout=60000
    )
    wait_for_app(page)
    page.get_by_text("No official safety series by prison.").wait_for(timeout=60000)
    assert _params(page)["prison_tab"] == ["Gaps in the record"]
    assert page.locator("[data-testid='stException']").count() == 0


def test_prison_download_has_provenance(page, app_url):
    open_page(page, app_url)
    with page.expect_download() as download_info:
        page.get_by_test_id("stDownloadButton").first.locator("button").click()
    with zipfile.ZipFile(download_info.value.path()) as archive:
        readme = archive.read("README.txt").decode()
        text = archive.read("data.csv").decode()
    assert readme.startswith("Nottingham East issue dashboard export")
    assert "moj_population_bulletin_2011_2016" in readme
    assert "compiled by a third party" in readme
    assert ",NMI," in text


def test_prison_page_on_a_phone(page, app_url):
    page.set_viewport_size({"width": 375, "height": 2000})
    open_page(page, app_url)
    close_sidebar(page)
    assert page.get_by_text("Population and crowding").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    assert _clipped_tile_labels(page) == []
    screenshot(page, "prison-375")
