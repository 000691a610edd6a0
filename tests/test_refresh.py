"""The refresh: the change report's diff on real snapshot tables, the A&E link extractor, and
a whole refresh against a local server serving the real mirror files (one of them damaged)."""

import datetime as dt
import json

import pandas as pd
import pytest

from dashboard.core import build, catalogue, govuk, parse_cache, refresh, routes, settings, store
from dashboard.topics.ae import live
from dashboard.topics.ae.sources import nhse_ae
from dashboard.topics.uc import statxplore_api
from tests import refresh_site

AE = "nhse_ae_monthly"
BOUNDARIES = "ons_pcon_boundaries"
BOUNDARY_FILE = (
    "geography/boundaries_ons_buc/Westminster_Parliamentary_Constituencies_Dec_2022_UK_BUC.geojson"
)


# --- the diff, on the committed A&E observations ----------------------------------------------


@pytest.fixture(scope="module")
def ae_observations(snapshot):
    return snapshot.observations([AE])


def test_dropping_the_newest_month_shows_it_as_the_only_new_period(ae_observations):
    newest = ae_observations["period_start"].max()
    older = ae_observations[ae_observations["period_start"] < newest]
    diff = refresh.diff_observations(older, ae_observations)
    assert diff.new_periods == [newest.date().isoformat()]
    assert diff.dropped_periods == []
    assert diff.revised.empty
    # A series that first reports in the newest month is new; none has ended.
    first_month = ae_observations.groupby(["measure", "area_type", "area_code"], observed=True)[
        "period_start"
    ].min()
    assert len(diff.new_series) == int((first_month == newest).sum())
    assert diff.ended_series.empty


def test_a_changed_value_and_a_value_turned_null_are_revisions(ae_observations):
    rx1 = ae_observations[
        (ae_observations["area_code"] == "RX1")
        & (ae_observations["measure"] == "attendances_type1")
        & ae_observations["value"].notna()
    ].sort_values("period_start")
    changed, nulled = rx1.index[-1], rx1.index[-2]
    revised = ae_observations.copy()
    revised.loc[changed, "value"] = revised.loc[changed, "value"] + 1
    revised.loc[nulled, "value"] = float("nan")
    diff = refresh.diff_observations(ae_observations, revised)
    assert diff.new_periods == [] and diff.new_series.empty
    assert len(diff.revised) == 2
    was = dict(zip(diff.revised["period_start"], diff.revised["value_old"], strict=True))
    now = dict(zip(diff.revised["period_start"], diff.revised["value_new"], strict=True))
    key = ae_observations.loc[changed, "period_start"].date().isoformat()
    assert now[key] == was[key] + 1
    assert pd.isna(now[ae_observations.loc[nulled, "period_start"].date().isoformat()])


def test_a_series_missing_from_the_new_table_has_ended(ae_observations):
    without = ae_observations[ae_observations["area_code"] != "RX1"]
    diff = refresh.diff_observations(ae_observations, without)
    assert set(diff.ended_series["area_code"]) == {"RX1"}
    assert (
        len(diff.ended_series)
        == ae_observations.loc[ae_observations["area_code"] == "RX1", "measure"].nunique()
    )
    assert diff.new_periods == [] and diff.revised.empty


def test_identical_tables_have_an_empty_diff(ae_observations):
    assert refresh.diff_observations(ae_observations, ae_observations.copy()).empty


# --- the A&E link extractor, on a page this test writes --------------------------------------

# Written here, following only the documented features (anchor text, .csv href): a test of the
# link extractor, not a copy of NHS England's page, which was never recorded.
UPLOADS = "/statistics/wp-content/uploads/sites/2"
LINK_EXTRACTOR_TEST_PAGE = f"""<!DOCTYPE html><html><body>
<h2>Monthly A&amp;E data</h2>
<p><a href="{UPLOADS}/2026/05/April-2026-AE-by-provider-x1.xls">
Monthly A&amp;E April 2026 (XLS, 250K)</a></p>
<p><a href="{UPLOADS}/2026/05/April-2026-CSV-QD21vf.csv">Monthly
 A&amp;E April 2026 (CSV)</a></p>
<p><a href="https://www.england.nhs.uk{UPLOADS}/2026/06/May-2026-CSV-a1.csv">
Monthly A&amp;E May 2026 (CSV, 30K)</a></p>
<p><a href="{UPLOADS}/2027/06/May-2026-CSV-revised-b2.csv">
Monthly A&amp;E May 2026 revised (CSV)</a></p>
<p><a href="{UPLOADS}/2026/06/Timeseries.csv">A&amp;E time series (CSV)</a></p>
<p><a href="{UPLOADS}/2026/06/Notes.pdf">Monthly A&amp;E June 2026 (CSV)</a></p>
</body></html>"""


def test_link_extractor_finds_one_csv_per_month_preferring_revisions():
    page = live.year_page_url(2026)
    links = live.monthly_csv_links(LINK_EXTRACTOR_TEST_PAGE, page)
    assert [link.month for link in links] == [dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    assert links[0].url == (
        "https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/2026/05/"
        "April-2026-CSV-QD21vf.csv"
    )
    assert links[0].text == "Monthly A&E April 2026 (CSV)"
    assert links[1].url.endswith("/2027/06/May-2026-CSV-revised-b2.csv")


def test_year_pages_run_from_2020_21_to_the_current_financial_year():
    assert live.financial_years(dt.date(2026, 3, 31))[-1] == 2025
    assert live.financial_years(dt.date(2026, 4, 1)) == list(range(2020, 2027))
    assert live.year_page_url(2025).endswith("/ae-attendances-and-emergency-admissions-2025-26/")


def test_every_publication_has_a_route_or_a_reason():
    declared = routes.routes()
    for dataset_id, route in declared.items():
        assert route.describe(), dataset_id
        assert route.tested_against, dataset_id


# --- a whole refresh against the local server ------------------------------------------------


def _built_without_newest_ae(sources, tmp_path, dataset_ids):
    """A snapshot of ``dataset_ids`` built from the mirror minus its newest A&E month."""
    linked, newest = refresh_site.sources_without_newest_ae(sources, tmp_path / "old-sources")
    data = tmp_path / "data"
    build.build(linked, data, only=dataset_ids)
    return data, newest


@pytest.fixture
def before_refresh(sources, tmp_path):
    """A snapshot of A&E and the boundaries built from the mirror minus its newest A&E month."""
    return _built_without_newest_ae(sources, tmp_path, [AE, BOUNDARIES])


def _refresh_ae(sources, data, tmp_path, **options) -> refresh.Run:
    """A refresh of A&E alone from the stand-in site serving the whole mirror."""
    with refresh_site.site(sources) as served:
        return refresh.refresh(
            data=data,
            downloads=tmp_path / "downloads",
            base_sources=sources,
            only=[AE],
            base_url=served.url,
            **options,
        )


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_refresh_adds_the_new_month_and_keeps_a_damaged_publication_at_its_last_good_data(
    sources, before_refresh, tmp_path
):
    data, newest = before_refresh
    boundaries_before = _files(data / BOUNDARIES)
    entry_before = store.read_manifest(data)["datasets"][BOUNDARIES]
    with refresh_site.site(sources) as served:
        served.faults[BOUNDARY_FILE] = "html"  # damaged: an HTML error page in place of the file
        lines = []
        run = refresh.refresh(
            data=data,
            downloads=tmp_path / "downloads",
            base_sources=sources,
            only=["ae", BOUNDARIES],
            base_url=served.url,
            progress=lines.append,
        )
    outcomes = {o.dataset: o for o in run.outcomes}
    assert outcomes[BOUNDARIES].status == refresh.FAILED
    assert "HTML page" in outcomes[BOUNDARIES].message
    assert _files(data / BOUNDARIES) == boundaries_before
    manifest = store.read_manifest(data)["datasets"]
    assert manifest[BOUNDARIES]["inputs"] == entry_before["inputs"]

    ae = outcomes[AE]
    assert ae.status == refresh.REFRESHED
    month = refresh_site.csv_month(sources / refresh_site.AE_CSV / newest)
    assert ae.diff.new_periods == [month.isoformat()]
    assert ae.diff.revised.empty
    assert (
        manifest[AE]["period_end"]
        == (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date().isoformat()
    )
    assert manifest[AE]["release"]["title"] == f"Monthly A&E {month:%B %Y} (CSV)"
    newest_input = next(i for i in manifest[AE]["inputs"] if i["path"].endswith(newest))
    assert newest_input["origin"] == "live download"
    assert any(line.startswith(f"{AE}: refreshed") for line in lines)
    assert any(line.startswith(f"{BOUNDARIES}: failed") for line in lines)

    report = refresh.report_markdown(run)
    assert f"New periods: {month.isoformat()}" in report
    assert f"`{BOUNDARIES}` (failed): " in report


def test_a_file_that_downloads_but_does_not_parse_keeps_the_last_good_data(
    sources, before_refresh, tmp_path
):
    """The build's failure, not the download's: the others are still built and swapped in."""
    data, _ = before_refresh
    ae_before = _files(data / AE)
    with refresh_site.site(sources) as served:
        # The newest month's link leads to a real CSV of another layout (a lookup table).
        page = live.year_page_url(2025, host="")
        served.pages[page] = served.pages[page].replace(
            b"</ul>",
            b'<li><a href="/geography/lookups/ukparl.2025.csv">Monthly A&amp;E March 2026 (CSV)'
            b"</a></li></ul>",
        )
        run = refresh.refresh(
            data=data,
            downloads=tmp_path / "downloads",
            base_sources=sources,
            only=["ae", BOUNDARIES],
            base_url=served.url,
        )
    outcomes = {o.dataset: o for o in run.outcomes}
    assert outcomes[AE].status == refresh.FAILED
    assert "ukparl.2025.csv" in outcomes[AE].message
    assert outcomes[BOUNDARIES].status == refresh.UNCHANGED
    assert _files(data / AE) == ae_before
    manifest = store.read_manifest(data)["datasets"]
    assert manifest[AE]["newer_release"]["title"] == "Monthly A&E March 2026 (CSV)"
    assert manifest[BOUNDARIES]["release"]["url"].endswith(BOUNDARY_FILE)


def test_a_dry_run_reports_without_swapping(sources, before_refresh, tmp_path):
    data, newest = before_refresh
    everything = _files(data)
    run = _refresh_ae(sources, data, tmp_path, dry_run=True)
    assert _files(data) == everything
    (outcome,) = run.outcomes
    assert outcome.status == refresh.REFRESHED and len(outcome.diff.new_periods) == 1
    assert refresh.report_markdown(run).startswith("# Data refresh (dry run")
    assert json.loads((data / store.MANIFEST).read_text())["datasets"][AE].get("release") is None


def test_readme_route_table_matches_the_routes():
    readme = (settings.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- routes:start -->\n", 1)[1].split("<!-- routes:end -->", 1)[0]
    assert table == routes.readme_table(), "regenerate it: python -m dashboard.core.routes"
    assert table.count("\n| `") == len(catalogue.CATALOGUE)


def test_govuk_route_reads_the_recorded_collection_and_names_the_unrecorded_release(
    sources, tmp_path
):
    """The recorded Safety in Custody collection (a real response) leads to its newest release
    page, which was never recorded: the route fails there, naming that page, as it would if
    GOV.UK were down, and the publication is reported failed rather than half-refreshed."""
    recorded = json.loads(
        (
            sources
            / refresh_site.RECORDED_COLLECTIONS[
                "/api/content/government/collections/safety-in-custody-statistics"
            ]
        ).read_text()
    )
    release_paths = {d["base_path"] for d in recorded["links"]["documents"]}
    data = tmp_path / "data"
    with refresh_site.site(sources) as served:
        run = refresh.refresh(
            data=data,
            downloads=tmp_path / "downloads",
            base_sources=sources,
            only=["moj_safety_by_prison_2025_26"],
            base_url=served.url,
        )
        asked = set(served.seen)
    (outcome,) = run.outcomes
    assert outcome.status == refresh.FAILED
    assert "/api/content/government/collections/safety-in-custody-statistics" in asked
    assert "HTTP 404" in outcome.message
    assert any(path in outcome.message for path in release_paths)


# Where each GOV.UK route stops against the local site. The MoJ collections are real recordings
# (20 November 2024), so each route reads its collection and stops at the newest release page it
# chose there (titles as recorded), which was never recorded; the mirror holds no attachment file
# of any listed release, so no stand-in page is served. MHCLG's homelessness pages were never
# recorded at all, so those routes stop at their first request.
GOVUK_STOPS = {
    "moj_population_bulletin_nottingham_2018_2026": (
        govuk.POPULATION,
        "Prison population: monthly prison figures 2024",
    ),
    "moj_safety_by_prison_2025_26": (
        govuk.SAFETY,
        "Safety in custody: quarterly update to June 2024",
    ),
    "moj_safety_national": (govuk.SAFETY, "Safety in custody: quarterly update to December 2023"),
    "moj_prison_population_weekly": (
        govuk.POPULATION,
        "Prison population: weekly estate figures 2024",
    ),
    "mhclg_hclic_detailed_la": (govuk.HOMELESSNESS_TABLES, None),
    "mhclg_rough_sleeping_snapshot": (
        "/government/statistical-data-sets/tables-on-rough-sleeping",
        None,
    ),
}
NO_ROUTE = "noms_workforce_june_2016"  # one fixed edition


def test_one_run_over_every_publication_refreshes_ae_and_says_where_each_govuk_route_stopped(
    sources, tmp_path, monkeypatch
):
    monkeypatch.delenv(statxplore_api.KEY_ENV, raising=False)  # Stat-Xplore: skipped, no key
    monkeypatch.setattr(statxplore_api, "secrets_files", lambda: [])
    data, newest = _built_without_newest_ae(sources, tmp_path, [AE, BOUNDARIES, *GOVUK_STOPS])
    kept = {dataset: _files(data / dataset) for dataset in GOVUK_STOPS}
    inputs = {d: e["inputs"] for d, e in store.read_manifest(data)["datasets"].items()}
    lines = []
    with refresh_site.site(sources) as served:
        run = refresh.refresh(
            data=data,
            downloads=tmp_path / "downloads",
            base_sources=sources,
            base_url=served.url,
            progress=lines.append,
        )
    outcomes = {o.dataset: o for o in run.outcomes}
    # Every publication is reported once, with one progress line each.
    assert list(outcomes) == list(catalogue.BY_ID)
    assert sorted(line.split(":", 1)[0] for line in lines) == sorted(catalogue.BY_ID)
    assert all("\n" not in o.message for o in run.outcomes)

    month = refresh_site.csv_month(sources / refresh_site.AE_CSV / newest)
    assert outcomes[AE].status == refresh.REFRESHED
    assert outcomes[AE].diff.new_periods == [month.isoformat()]
    assert outcomes[BOUNDARIES].status == refresh.UNCHANGED

    manifest = store.read_manifest(data)["datasets"]
    for dataset, (path, release) in GOVUK_STOPS.items():
        outcome = outcomes[dataset]
        assert outcome.status == refresh.FAILED, dataset
        if release:
            assert outcome.message.startswith(
                f"read the collection {path}; stopped at the release page {release!r}"
            ), outcome.message
        else:
            assert outcome.message.startswith(f"stopped at the page {path}, "), outcome.message
        assert "before the attachment and the download" in outcome.message
        assert outcome.message.endswith("HTTP 404"), outcome.message
        assert _files(data / dataset) == kept[dataset], dataset  # its last good data
        assert manifest[dataset]["inputs"] == inputs[dataset], dataset
    assert outcomes[NO_ROUTE].status == refresh.NO_ROUTE

    report = refresh.report_markdown(run).splitlines()
    for dataset in GOVUK_STOPS:
        assert f"- `{dataset}` (failed): {outcomes[dataset].message}" in report
    assert f"- `{NO_ROUTE}`: {outcomes[NO_ROUTE].message}" in report
    assert any(
        line.startswith(f"| `{AE}` | refreshed | Monthly A&E {month:%B %Y}") for line in report
    )


def test_a_route_of_unknown_kind_fails_naming_the_record(tmp_path):
    bad = tmp_path / "publications.toml"
    text = (settings.REPO_ROOT / "dashboard/topics/ae/publications.toml").read_text()
    bad.write_text(
        text.replace('route = { kind = "nhse_ae_pages" }', 'route = { kind = "scrape" }')
    )
    with pytest.raises(catalogue.CatalogueError, match=r"nhse_ae_monthly.*route kind 'scrape'"):
        catalogue.load_file(bad, "ae")


def _counting(reader, read: list):
    """A real A&E reader that notes the name of each file it reads."""

    def counted(path):
        read.append(path.name)
        return reader(path)

    return counted


def test_a_new_month_reads_its_file_alone_and_equals_a_full_build(
    sources, before_refresh, tmp_path, monkeypatch
):
    """The parse cache the first build left beside the snapshot serves every older month; one
    damaged entry is read again, with one progress line. The A&E tables come out byte for byte
    as a build from scratch writes them."""
    data, newest = before_refresh
    cache = parse_cache.folder_for(data) / AE
    damaged = sorted(cache.iterdir())[0]
    damaged.write_bytes(damaged.read_bytes()[:100])
    read = []
    for suffix, reader in list(nhse_ae.READERS.items()):
        monkeypatch.setitem(nhse_ae.READERS, suffix, _counting(reader, read))
    lines = []
    run = _refresh_ae(sources, data, tmp_path, progress=lines.append)
    assert [o.status for o in run.outcomes] == [refresh.REFRESHED]
    (warning,) = [line for line in lines if line.startswith(parse_cache.LOG_PREFIX)]
    assert "damaged entry" in warning
    (other,) = [name for name in read if name != newest]
    assert len(read) == 2 and newest in read and other in warning
    scratch = tmp_path / "scratch"
    build.build(sources, scratch / "data", only=[AE], cache=scratch / "no-cache")
    for table in (scratch / "data" / AE).glob("*.parquet"):
        assert (data / AE / table.name).read_bytes() == table.read_bytes(), table.name
