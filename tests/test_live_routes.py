"""The routes declared for DfE's EES data sets, OS Code-Point Open, Nomis and MHCLG's rough
sleeping tables, against the local mirror server.

No recorded answer of these APIs exists, so their discovery steps are tested only for their
documented failure behaviour (an HTTP error, an HTML page, a real JSON answer of another shape:
one line naming what is wrong). The download steps fetch real publisher files from the mirror:
the EES KS4 school information CSV, which the build then parses from where the route put it.
"""

import fnmatch
import json
import re

import pytest

from dashboard.core import catalogue, fetch, http, refresh, routes
from dashboard.geography import live as geography_live
from dashboard.topics.schools import live as schools_live
from dashboard.topics.schools.sources import ees_ks4_school_info
from tests.http_mirror import Mirror

KS4_INFO = "dfe_ks4_school_info_2023_24"
KS4_INFO_FILE = "schools/ees_ks4_performance_2023-24_pvhee/ks4_school_info_2024.csv"
SAFETY_COLLECTION = (
    "recorded/govuk_content_api/collection_safety-in-custody-statistics_2024-11-20.json"
)


@pytest.fixture
def mirror(sources):
    with Mirror(sources) as served:
        yield served


def route(dataset_id: str):
    return routes.route_of(catalogue.get(dataset_id))


def mirror_copy(mirror, *, published: str, period_end: str) -> schools_live.Found:
    """What the EES route's ``find`` returns, pointing at the mirror's copy of DfE's file."""
    return schools_live.Found(
        csv_url=f"{mirror.url}/{KS4_INFO_FILE}",
        title="school information (the mirror's copy)",
        version="1.0",
        published=published,
        period_end=period_end,
    )


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


# --- EES: the KS4 school information data set -------------------------------------------------


def test_ees_periods_end_in_the_year_named_last():
    assert schools_live.end_year("2023/24", "here") == 2024
    assert schools_live.end_year("1999/00", "here") == 2000
    assert schools_live.end_year("2024", "here") == 2024
    with pytest.raises(fetch.FetchError, match=r"here: timePeriods.end 'Autumn term' is not"):
        schools_live.end_year("Autumn term", "here")


def test_ees_csv_download_is_named_for_its_year_and_parsed_in_place_of_the_mirror_copy(
    sources, mirror, tmp_path
):
    """The real school information CSV, served as EES serves it (gzip), lands where the
    publication's catalogue path finds it, replaces the mirror's copy of the same year, and
    the parser reads it."""
    publication = catalogue.get(KS4_INFO)
    ees = route(KS4_INFO)
    found = mirror_copy(mirror, published="2025-03-20", period_end="2023/24")
    downloads = tmp_path / "downloads"
    fetched = ees.download(found, publication, downloads)

    relative = "schools/ees_ks4_school_info/ks4_school_info_2024.csv"
    assert list(fetched.files) == [relative]
    assert mirror.encodings[f"/{KS4_INFO_FILE}"] == "gzip"
    assert (downloads / relative).read_bytes() == (sources / KS4_INFO_FILE).read_bytes()
    assert fetched.files[relative]["wire_bytes"] < fetched.files[relative]["bytes"]
    assert fetched.parsed and "ees_ks4_school_info parser reads it" in fetched.message
    assert fetched.release["released"] == "2025-03-20"

    overlay = refresh.overlay_sources(sources, downloads, {KS4_INFO: fetched}, tmp_path / "src")
    (pattern,) = [f.path for f in publication.files]
    matched = sorted(p for p in overlay.glob(pattern))
    assert [p.relative_to(overlay).as_posix() for p in matched] == [relative]
    tables = ees_ks4_school_info.parse(matched, KS4_INFO)
    djanogly = tables["observations"].query("area_code == '134253' and measure == 'ks4_pupils'")
    assert djanogly["value"].tolist() == [193]


def test_ees_data_set_of_a_new_year_is_added_beside_the_mirror_copy(sources, mirror, tmp_path):
    publication = catalogue.get(KS4_INFO)
    found = mirror_copy(mirror, published="2026-03-19", period_end="2024/25")
    fetched = route(KS4_INFO).download(found, publication, tmp_path / "downloads")
    assert list(fetched.files) == ["schools/ees_ks4_school_info/ks4_school_info_2025.csv"]
    assert not any(fnmatch.fnmatchcase(KS4_INFO_FILE, g) for g in fetched.replaces)


def test_an_ees_route_without_a_file_name_is_downloaded_but_not_parsed(mirror, tmp_path):
    publication = next(
        p
        for p in catalogue.CATALOGUE
        if p.route and dict(p.route)["kind"] == "ees" and "file_name" not in dict(p.route)
    )
    found = mirror_copy(mirror, published="2025-03-20", period_end="2023/24")
    fetched = routes.route_of(publication).download(found, publication, tmp_path)
    assert not fetched.parsed and fetched.replaces == ()
    assert "no parser reads it" in fetched.message


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", r"/statistics/v1/publications\?search=Key%20stage.*: HTTP 404"),
        ("/html", "an HTML page"),
    ],
)
def test_ees_discovery_failures_are_one_line(mirror, tmp_path, prefix, expected):
    with pytest.raises(fetch.FetchError) as error:
        route(KS4_INFO).fetch(
            catalogue.get(KS4_INFO), tmp_path, base_url=mirror.url + prefix, progress=print
        )
    assert re.search(expected, one_line(error))


def test_ees_answers_without_results_name_the_missing_field(sources):
    """A real JSON answer of another API (a recorded GOV.UK collection) has no 'results'."""
    item = json.loads((sources / SAFETY_COLLECTION).read_text(encoding="utf-8"))
    with pytest.raises(fetch.FetchError, match=r"^where: no 'results' in the answer"):
        schools_live._results(item, "where")
    with pytest.raises(fetch.FetchError, match=r"no 'latestVersion.published'"):
        http.field({"latestVersion": {"version": "1.0"}}, "latestVersion.published", "where")


# --- OS Code-Point Open -----------------------------------------------------------------------


def test_os_download_list_of_another_shape_fails_naming_the_field(sources):
    item = json.loads((sources / SAFETY_COLLECTION).read_text(encoding="utf-8"))
    with pytest.raises(fetch.FetchError, match=r"^u: expected a JSON list of downloads$"):
        geography_live.gb_csv(item, "u")
    # A real list of real objects, not download entries: the first field asked for is named.
    with pytest.raises(fetch.FetchError, match=r"^u: no 'format' in the answer"):
        geography_live.gb_csv(item["links"]["documents"], "u")


def test_os_discovery_failures_are_one_line(mirror, tmp_path):
    publication = catalogue.get("os_codepoint_open")
    with pytest.raises(fetch.FetchError) as error:
        route("os_codepoint_open").fetch(publication, tmp_path, base_url=mirror.url, progress=print)
    assert one_line(error).endswith("/downloads/v1/products/CodePointOpen: HTTP 404")
    with pytest.raises(fetch.FetchError) as error:
        route("os_codepoint_open").fetch(
            publication, tmp_path, base_url=f"{mirror.url}/html", progress=print
        )
    assert "an HTML page, not JSON" in one_line(error)


def test_os_column_headers_are_checked_against_the_parser(sources):
    folder = sources / "geography/postcodes_codepoint_open"
    # The mirror's header file is the long-name row of OS's column header file.
    geography_live.check_column_headers((folder / "header.csv").read_text(), "here")
    with (folder / "ng.csv").open() as handle:
        first_row = handle.readline()
    with pytest.raises(fetch.FetchError, match=r"^here: the column header file does not list"):
        geography_live.check_column_headers(first_row, "here")


def test_os_download_that_is_not_a_zip_fails_and_leaves_nothing(mirror, tmp_path):
    """The real NG CSV served where the zip was listed: refused before anything is kept."""
    entry = {"url": f"{mirror.url}/geography/postcodes_codepoint_open/ng.csv"}
    entry["fileName"] = "codepo_gb.zip"
    publication = catalogue.get("os_codepoint_open")
    with pytest.raises(fetch.FetchError) as error:
        route("os_codepoint_open").download(entry, publication, tmp_path)
    assert one_line(error).startswith("codepo_gb.zip: not a .zip file")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --- Nomis ------------------------------------------------------------------------------------


def test_nomis_answer_of_another_layout_fails_naming_the_columns(sources):
    with pytest.raises(fetch.FetchError) as error:
        geography_live.read_nomis_csv(sources / "geography/lookups/ukparl.2025.csv", "here")
    assert one_line(error) == (
        "here: no column DATE_NAME, GEOGRAPHY_CODE, GEOGRAPHY_NAME, OBS_VALUE in the Nomis answer"
    )


def test_nomis_http_error_is_one_line_and_leaves_nothing(mirror, tmp_path):
    publication = catalogue.get("ons_pcon_population")
    with pytest.raises(fetch.FetchError) as error:
        route("ons_pcon_population").fetch(
            publication, tmp_path, base_url=mirror.url, progress=print
        )
    assert re.search(
        r"HTTP 404 from \S+/api/v01/dataset/NM_2014_1\.data\.csv\?geography=TYPE172",
        one_line(error),
    )
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --- MHCLG rough sleeping tables --------------------------------------------------------------


def test_rough_sleeping_route_asks_for_the_tables_page_and_reports_its_absence(mirror, tmp_path):
    """No recording of the page exists: the mirror answers 404 as GOV.UK would for a
    withdrawn page, and the refresh names it."""
    publication = catalogue.get("mhclg_rough_sleeping_snapshot")
    with pytest.raises(fetch.FetchError) as error:
        route(publication.id).fetch(publication, tmp_path, base_url=mirror.url, progress=print)
    assert "/api/content/government/statistical-data-sets/tables-on-rough-sleeping: HTTP 404" in (
        one_line(error)
    )
