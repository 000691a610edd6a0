"""GOV.UK Content API routes against the real recorded responses, served by the local mirror.

recorded/govuk_content_api/ holds two real collection responses (prison population statistics
and safety in custody statistics, 20 November 2024) and alphagov's publishing-api schema
examples. No release page with ``details.attachments`` is recorded, so the release pages a route
chooses are proven by title against the collections, and attachment parsing against the schema
example; the mirror answers a page it has no recording of with 404, as GOV.UK does for an
unknown path.
"""

import json

import pytest

from dashboard import cli
from dashboard.core import fetch, govuk
from tests.http_mirror import Mirror

RECORDED = "recorded/govuk_content_api"
SAFETY_FILE = f"{RECORDED}/collection_safety-in-custody-statistics_2024-11-20.json"
POPULATION_FILE = f"{RECORDED}/collection_prison-population-statistics_2024-11-20.json"
# alphagov/publishing-api content_schemas/examples/publication/frontend/
# publication-with-featured-attachments.json: the one schema example with details.attachments.
EXAMPLE_PAGE = "/government/publications/number-of-ex-regular-service-personnel-in-fr20"
# .../publication/frontend/best-practice-official-statistics.json: an older publication whose
# files are links in details.body only.
BODY_ONLY_PAGE = "/government/statistics/fostering-in-england-1-april-2013-to-31-march-2014"


@pytest.fixture(scope="module")
def mirror(sources):
    for path in (SAFETY_FILE, POPULATION_FILE):
        if not (sources / path).is_file():
            pytest.skip(f"recorded response absent from {sources}: {path}")
    with Mirror(sources) as server:
        yield server


@pytest.fixture(scope="module")
def collections(mirror):
    return {
        path: govuk.content(path, base_url=mirror.url) for path in (govuk.SAFETY, govuk.POPULATION)
    }


def chosen(route: govuk.Route, collections) -> list[str]:
    collection = collections[route.path]
    return [link["base_path"] for link in govuk.release_pages(route, collection, route.path)]


def test_the_recorded_collection_arrives_gzipped_and_whole(mirror, sources, collections):
    assert mirror.encodings[f"/api/content{govuk.SAFETY}"] == "gzip"
    recorded = json.loads((sources / SAFETY_FILE).read_text(encoding="utf-8"))
    assert collections[govuk.SAFETY] == recorded
    assert len(collections[govuk.SAFETY]["links"]["documents"]) == 49


def test_quarterly_pattern_takes_every_release_and_leaves_out_the_two_other_pages(collections):
    (route,) = govuk.ROUTES["moj_safety_by_prison_2025_26"]
    pages = chosen(route, collections)
    assert len(pages) == 47
    every = {d["title"] for d in collections[govuk.SAFETY]["links"]["documents"]}
    left_out = every - {
        d["title"]
        for d in collections[govuk.SAFETY]["links"]["documents"]
        if d["base_path"] in pages
    }
    assert left_out == {
        "Changes to safety in custody national statistics bulletin",
        "Safety in custody statistics - 2008 - June 2012",
    }
    # The publisher's order is newest first: the first is the latest release in the recording.
    assert pages[0] == "/government/statistics/safety-in-custody-quarterly-update-to-june-2024"


def test_the_annual_tables_come_from_the_newest_december_update(collections):
    for route in govuk.ROUTES["moj_safety_national"]:
        pages = chosen(route, collections)
        assert pages[:3] == [
            "/government/statistics/safety-in-custody-quarterly-update-to-december-2023",
            "/government/statistics/safety-in-custody-quarterly-update-to-december-2022",
            "/government/statistics/safety-in-custody-quarterly-update-to-december-2021",
        ]
        assert len(pages) == 12  # every December edition, 2012 to 2023


def test_population_routes_pick_the_monthly_and_weekly_pages_apart(collections):
    (monthly,) = govuk.ROUTES["moj_population_bulletin_nottingham_2018_2026"]
    (weekly,) = govuk.ROUTES["moj_prison_population_weekly"]
    monthly_pages, weekly_pages = chosen(monthly, collections), chosen(weekly, collections)
    assert monthly_pages[:2] == [
        "/government/publications/prison-population-monthly-prison-figures-2024",
        "/government/publications/prison-population-figures-2023",
    ]
    assert weekly_pages[:2] == [
        "/government/publications/prison-population-figures-2024",  # "weekly estate figures"
        "/government/publications/prison-population-figures-2023",
    ]
    # Both split 2024 pages exist; until 2023 one yearly page serves both (2013 to 2023 + 2011,
    # 2012; "Population in custody: Jan 2009 to Aug 2010" is another series).
    assert len(monthly_pages) == len(weekly_pages) == 14


def test_a_route_asks_only_for_the_newest_pages_not_all_49(mirror):
    (route,) = govuk.ROUTES["moj_safety_by_prison_2025_26"]
    before = len(mirror.requests)
    with pytest.raises(fetch.FetchError) as raised:
        govuk.find(route, base_url=mirror.url)
    # No release page is recorded: the mirror answers 404 for the newest, and the route stops.
    # The message says what was read and where the route stopped, so the change report can.
    assert str(raised.value) == (
        "read the collection /government/collections/safety-in-custody-statistics; stopped at "
        "the release page 'Safety in custody: quarterly update to June 2024' (listed "
        "2024-10-31), before the attachment and the download: "
        f"{mirror.url}/api/content/government/statistics/"
        "safety-in-custody-quarterly-update-to-june-2024: HTTP 404"
    )
    assert len(mirror.requests) - before == 2


def test_attachments_are_read_in_the_documented_shape(mirror):
    route = govuk.Route(EXAMPLE_PAGE, "", r"ex-regular", "x", "schema example")
    (found,) = govuk.find(route, base_url=mirror.url)
    assert found["title"] == "Number of ex-regular service personnel now part of FR20"
    assert found["url"] == (
        "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/"
        "attachment_data/file/315163/PUBLIC_1392629965.pdf"
    )
    assert found["filename"] == "PUBLIC_1392629965.pdf"
    assert found["content_type"] == "application/pdf"
    assert found["file_size"] == 1932905
    assert found["published"] == "2014-05-29T10:48:35+00:00"


def test_a_page_without_a_matching_attachment_stops_at_the_attachment(mirror):
    route = govuk.Route(EXAMPLE_PAGE, "", r"^no such title$", "x", "schema example")
    with pytest.raises(fetch.FetchError) as raised:
        govuk.find(route, base_url=mirror.url)
    assert str(raised.value) == (
        f"read the page {EXAMPLE_PAGE}; stopped at the attachment, before the download: none "
        "titled like '^no such title$'"
    )


def test_an_attachment_that_fails_or_differs_from_its_file_size_names_the_step(
    mirror, sources, tmp_path
):
    """A record as ``find`` returns it, pointing at a real mirror file: the download and the
    Content API's file_size are checked, and each failure says which step it stopped at."""
    real = sources / POPULATION_FILE
    record = {
        "title": "Prison population statistics",
        "document_title": "a release",
        "url": f"{mirror.url}/{POPULATION_FILE}",
        "filename": real.name,
        "file_size": real.stat().st_size + 1,
    }
    session = govuk.http.Session(attempts=1)
    with pytest.raises(fetch.FetchError) as raised:
        govuk.download_attachment(record, tmp_path / real.name, session=session)
    assert str(raised.value).startswith(
        "found 'Prison population statistics' on 'a release'; stopped at the file check, "
        f"before the build: {real.name}: {real.stat().st_size:,} bytes received, but the "
        f"Content API says {real.stat().st_size + 1:,} (file_size)"
    )
    assert not (tmp_path / real.name).exists()
    missing = {**record, "url": f"{mirror.url}/recorded/no-such-file.json"}
    with pytest.raises(fetch.FetchError, match=r"; stopped at the download, before the build: "):
        govuk.download_attachment(missing, tmp_path / real.name, session=session)


def test_a_publication_without_details_attachments_fails_clearly(mirror):
    route = govuk.Route(BODY_ONLY_PAGE, "", r".", "x", "schema example")
    with pytest.raises(govuk.FormatError, match=r"no details\.attachments in a publication item"):
        govuk.find(route, base_url=mirror.url)


def test_http_500_retries_then_fails_naming_the_url(mirror, tmp_path):
    with pytest.raises(
        fetch.FetchError, match=r"HTTP 500 from .*/500/api/content.*gave up after 2 attempts$"
    ):
        govuk.download_latest(
            tmp_path,
            only=["moj_safety_by_prison_2025_26"],
            base_url=f"{mirror.url}/500",
            retries=2,
            backoff_s=0,
        )
    assert list(tmp_path.iterdir()) == []


def test_an_html_page_instead_of_json_fails_at_once(mirror):
    with pytest.raises(fetch.FetchError, match="sent an HTML page, not JSON"):
        govuk.content(govuk.SAFETY, base_url=f"{mirror.url}/html", backoff_s=5)


def test_a_dataset_without_a_route_says_why():
    with pytest.raises(fetch.FetchError, match="hmip_nottingham: no GOV.UK Content API route"):
        govuk.discover("hmip_nottingham")
    with pytest.raises(KeyError, match="unknown dataset"):
        govuk.discover("no_such_dataset")


def test_every_route_names_its_evidence_and_the_unrecorded_ones_say_so():
    for dataset, routes in govuk.ROUTES.items():
        for route in routes:
            recorded = route.path in (govuk.SAFETY, govuk.POPULATION)
            assert ("recorded collection" in route.evidence) == recorded, dataset
            assert "documented shape only" in route.evidence, dataset


def test_cli_fails_in_one_line(mirror, tmp_path, capsys):
    failed = cli.main(
        ["govuk", "--only", "moj_safety_by_prison_2025_26", "--base-url", f"{mirror.url}/html",
         "--to", str(tmp_path / "other")]
    )  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert failed == 1
    assert len(err) == 1 and err[0].startswith("error: ") and "HTML page" in err[0]

    assert cli.main(["govuk", "--only", "hmip_nottingham", "--to", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("error: hmip_nottingham: no GOV.UK")
