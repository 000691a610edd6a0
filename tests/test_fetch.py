"""The live-download path against a local server over the mirror files, with injected faults."""

import json

import pytest

from dashboard.core import build, fetch
from tests.http_mirror import Mirror

CSV = "geography/population/population.csv"
GEOJSON = (
    "geography/boundaries_ons_buc/Westminster_Parliamentary_Constituencies_July_2024_"
    "Boundaries_UK_BUC.geojson"
)


@pytest.fixture(scope="module")
def mirror(sources):
    with Mirror(sources, slow_s=2.0) as server:
        yield server


def test_download_records_checksum_equal_to_the_mirror_file(mirror, sources, tmp_path):
    record = fetch.download(f"{mirror.url}/{GEOJSON}", tmp_path / "pcon.geojson")
    assert record["sha256"] == build.sha256_of(sources / GEOJSON)
    assert record["bytes"] == (sources / GEOJSON).stat().st_size
    assert (tmp_path / "pcon.geojson").read_bytes() == (sources / GEOJSON).read_bytes()


def test_http_500_retries_then_fails_naming_the_file(mirror, tmp_path):
    with pytest.raises(fetch.FetchError, match=r"population\.csv: HTTP 500.*gave up after 2"):
        fetch.download(
            f"{mirror.url}/500/{CSV}", tmp_path / "population.csv", retries=2, backoff_s=0
        )
    assert not (tmp_path / "population.csv").exists()
    assert mirror.seen[f"/500/{CSV}"] == 2


def test_a_transient_503_is_retried_and_succeeds(mirror, tmp_path):
    messages = []
    fetch.download(
        f"{mirror.url}/flaky/{CSV}", tmp_path / "p.csv", backoff_s=0, progress=messages.append
    )
    assert any("HTTP 503" in m and "retrying" in m for m in messages)
    assert (tmp_path / "p.csv").stat().st_size > 1000


def test_timeout_fails_without_leaving_a_file(mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "READ_TIMEOUT_S", 0.5)
    with pytest.raises(fetch.FetchError, match="cannot reach.*Timeout"):
        fetch.download(f"{mirror.url}/slow/{CSV}", tmp_path / "p.csv", retries=1)
    assert list(tmp_path.iterdir()) == []


def test_truncated_body_is_detected(mirror, tmp_path):
    with pytest.raises(fetch.FetchError, match=r"truncated|dropped"):
        fetch.download(f"{mirror.url}/truncate/{CSV}", tmp_path / "p.csv", retries=1)
    assert list(tmp_path.iterdir()) == []


def test_html_error_page_is_not_accepted_as_csv(mirror, tmp_path):
    with pytest.raises(fetch.FetchError, match="HTML page, not a .csv file"):
        fetch.download(f"{mirror.url}/html/{CSV}", tmp_path / "p.csv", retries=1)


def test_404_fails_at_once(mirror, tmp_path):
    with pytest.raises(fetch.FetchError, match="HTTP 404"):
        fetch.download(f"{mirror.url}/404/{CSV}", tmp_path / "p.csv", retries=3, backoff_s=5)
    assert mirror.seen[f"/404/{CSV}"] == 1


@pytest.mark.parametrize(
    "name, head",
    [
        ("a.xlsx", b"\xd0\xcf\x11\xe0rest"),
        ("a.xls", b"PK\x03\x04"),
        ("a.csv", b"a,b\x00c"),
        ("a.csv", b""),
    ],
)
def test_content_checks_reject_the_wrong_kind_of_file(name, head):
    with pytest.raises(fetch.FetchError, match=name.replace(".", r"\.")):
        fetch.check_content(name, head)


def test_fetch_then_build_records_live_origin(mirror, sources, tmp_path):
    downloads = tmp_path / "downloads"
    fetched = fetch.fetch_catalogue(downloads, only=["ons_pcon_boundaries"], base_url=mirror.url)
    assert len(fetched) == 2
    log = json.loads((downloads / fetch.FETCH_LOG).read_text())
    assert set(log) == {f.path for f in fetch.fetchable(build.catalogue.get("ons_pcon_boundaries"))}
    build.build(downloads, tmp_path / "data", only=["ons_pcon_boundaries"])
    manifest = json.loads((tmp_path / "data" / "manifest.json").read_text())
    inputs = manifest["datasets"]["ons_pcon_boundaries"]["inputs"]
    assert {i["origin"] for i in inputs} == {"live download"}
    assert all(i["url"].startswith(mirror.url) and i["retrieved_at"] for i in inputs)
