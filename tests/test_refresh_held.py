"""A refresh downloads only what it does not already hold: the A&E route against the local
stand-in site, whose request counts per path (``seen``) show what was asked for.

The publisher's contract (NHS England never changes a published CSV in place; a revision is a
new file name) is what lets a held file be reused without any request; see ``fetch.held``.
"""

import datetime as dt
import os

import pytest

from dashboard.core import build, fetch, refresh, store
from dashboard.topics.ae import live
from tests import refresh_site

AE = "nhse_ae_monthly"
AE_CSV = refresh_site.AE_CSV


def _year_pages() -> set[str]:
    """The paths of every financial-year page the route asks for today."""
    return {live.year_page_url(year, host="") for year in live.financial_years(dt.date.today())}


def _sources_without_ae_csvs(sources, folder):
    """Links to every mirror file but the A&E monthly CSVs: a sources folder that cannot supply
    them, so each one the refresh holds must have come from its own download folder."""
    for path in sources.rglob("*"):
        relative = path.relative_to(sources).as_posix()
        if path.is_file() and not relative.startswith(f"{AE_CSV}/"):
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, folder / relative)
    return folder


@pytest.fixture
def one_month_behind(sources, tmp_path):
    """A snapshot of A&E built from the mirror minus its newest month, and that month's file."""
    linked, newest = refresh_site.sources_without_newest_ae(sources, tmp_path / "old-sources")
    data = tmp_path / "data"
    build.build(linked, data, only=[AE])
    return data, newest


def _refresh(site, data, downloads, base_sources):
    lines = []
    run = refresh.refresh(
        data=data,
        downloads=downloads,
        base_sources=base_sources,
        only=[AE],
        base_url=site.url,
        progress=lines.append,
    )
    (outcome,) = run.outcomes
    (line,) = [line for line in lines if line.startswith(f"{AE}: ")]
    return outcome, line, refresh.report_markdown(run)


def _inputs(data) -> dict[str, dict]:
    return {i["path"]: i for i in store.read_manifest(data)["datasets"][AE]["inputs"]}


def test_the_next_refresh_asks_only_for_the_year_pages_and_the_new_month(
    sources, one_month_behind, tmp_path
):
    """Downloads kept between runs: the second refresh requests the year pages and the new
    CSV, nothing else; a held copy damaged on disk is downloaded again."""
    data, newest = one_month_behind
    base = _sources_without_ae_csvs(sources, tmp_path / "base")
    downloads = tmp_path / "downloads"
    older = sorted(p.name for p in (sources / AE_CSV).glob("*.csv") if p.name != newest)

    with refresh_site.site(sources, frozenset({newest})) as served:
        outcome, line, _ = _refresh(served, data, downloads, base)
        first = dict(served.seen)
        assert outcome.status == refresh.UNCHANGED
        assert line.endswith(f"; {len(older)} new file(s) downloaded, 0 already held")
        assert first == dict.fromkeys(_year_pages() | {f"/{AE_CSV}/{n}" for n in older}, 1)

        # A week later, on the same host: the publisher has added the newest month.
        served.pages |= refresh_site.year_pages(sources)
        served.seen.clear()
        damaged = downloads / AE_CSV / older[0]
        damaged.write_bytes(damaged.read_bytes()[:100])
        outcome, line, report = _refresh(served, data, downloads, base)
        second = dict(served.seen)
    expected = _year_pages() | {f"/{AE_CSV}/{newest}", f"/{AE_CSV}/{older[0]}"}
    assert second == dict.fromkeys(expected, 1)
    held = len(older) - 1
    assert outcome.status == refresh.REFRESHED and len(outcome.diff.new_periods) == 1
    assert line.endswith(f"; 2 new file(s) downloaded, {held} already held")
    assert f"| 2 new file(s) downloaded, {held} already held |" in report
    assert damaged.read_bytes() == (sources / AE_CSV / older[0]).read_bytes()
    # The folder's log: the CSVs as downloaded (each with its URL), and the snapshot's other
    # inputs (the workbooks) as held in the sources folder, named there.
    log = fetch.read_log(downloads)
    downloaded = {path: r for path, r in log.items() if fetch.HELD_AT not in r}
    assert set(downloaded) == {f"{AE_CSV}/{n}" for n in [*older, newest]}
    assert all(r["url"] == f"{served.url}/{path}" for path, r in downloaded.items())
    elsewhere = [r[fetch.HELD_AT] for r in log.values() if fetch.HELD_AT in r]
    assert elsewhere and all(p.startswith(f"{base}/ae/") for p in elsewhere)
    assert not any(p.startswith(f"{base}/{AE_CSV}/") for p in elsewhere)


def test_the_snapshot_inputs_held_in_the_sources_folder_are_not_downloaded(
    sources, one_month_behind, tmp_path
):
    """A first refresh with an empty download folder: the CSVs the snapshot was built from
    (recorded with their sha256) come from the sources folder; only the new month is asked for
    and recorded as a live download, the others stay recorded as the mirror's."""
    data, newest = one_month_behind
    held = len(list((sources / AE_CSV).glob("*.csv"))) - 1
    with refresh_site.site(sources) as served:
        outcome, line, _ = _refresh(served, data, tmp_path / "downloads", sources)
        seen = dict(served.seen)
    assert seen == dict.fromkeys(_year_pages() | {f"/{AE_CSV}/{newest}"}, 1)
    assert outcome.status == refresh.REFRESHED
    assert line.endswith(f"; 1 new file(s) downloaded, {held} already held")
    origins = {path: i["origin"] for path, i in _inputs(data).items() if path.startswith(AE_CSV)}
    assert origins.pop(f"{AE_CSV}/{newest}") == "live download"
    assert len(origins) == held and set(origins.values()) == {refresh.MIRROR}


def test_a_file_changed_in_place_on_the_server_is_not_asked_for_and_the_held_copy_stays(
    sources, one_month_behind, tmp_path
):
    """The decided behaviour when a publisher breaks its contract: the server now sends other
    bytes (another real month's CSV) under a held file's name; no request is sent for it, the
    held bytes stay in the snapshot, and only the new month changes the figures."""
    data, newest = one_month_behind
    names = sorted(p.name for p in (sources / AE_CSV).glob("*.csv") if p.name != newest)
    changed, other = names[0], names[1]
    recorded = _inputs(data)[f"{AE_CSV}/{changed}"]["sha256"]
    with refresh_site.site(sources) as served:
        served.replaced[f"{AE_CSV}/{changed}"] = sources / AE_CSV / other
        outcome, _, _ = _refresh(served, data, tmp_path / "downloads", sources)
        asked = set(served.seen)
    assert f"/{AE_CSV}/{changed}" not in asked
    assert _inputs(data)[f"{AE_CSV}/{changed}"]["sha256"] == recorded
    assert outcome.status == refresh.REFRESHED
    assert len(outcome.diff.new_periods) == 1 and outcome.diff.revised.empty


def test_a_held_file_is_reused_only_for_the_same_url_and_its_recorded_bytes(sources, tmp_path):
    """``fetch.held`` alone, on a real mirror CSV named by a log entry as the refresh writes it."""
    name = sorted((sources / AE_CSV).glob("*.csv"))[0]
    relative = f"{AE_CSV}/{name.name}"
    sha = build.sha256_of(name)
    url = f"https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/2024/05/{name.name}"
    folder = tmp_path / "downloads"
    log = {relative: {"url": url, "sha256": sha, fetch.HELD_AT: str(name)}}
    assert fetch.held(folder, relative, url.replace("/2024/05/", "/2024/06/"), log) is None
    assert not (folder / relative).exists()
    record = fetch.held(folder, relative, url, log)
    assert record[fetch.HELD] and (folder / relative).resolve() == name.resolve()
    # The mirror's copy, recorded without its address: the file name is the match.
    assert fetch.held(folder, relative, url, {relative: {**log[relative], "url": None}})
    damaged = {relative: {**log[relative], "sha256": "0" * 64}}
    (folder / relative).unlink()
    assert fetch.held(folder, relative, url, damaged) is None
