"""The live-download path against a local server over the mirror files, with injected faults."""

import gzip
import json

import pytest

from dashboard.core import build, fetch, http
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
    monkeypatch.setattr(http, "READ_TIMEOUT_S", 0.5)
    with pytest.raises(fetch.FetchError, match="cannot reach.*Timeout"):
        fetch.download(f"{mirror.url}/slow/{CSV}", tmp_path / "p.csv", retries=1)
    assert list(tmp_path.iterdir()) == []


def test_truncated_body_is_retried_then_fails(mirror, tmp_path):
    with pytest.raises(fetch.FetchError, match=r"truncated.*gave up after 2"):
        fetch.download(f"{mirror.url}/truncate/{CSV}", tmp_path / "p.csv", retries=2, backoff_s=0)
    assert list(tmp_path.iterdir()) == []
    assert mirror.seen[f"/truncate/{CSV}"] == 2


def test_a_body_that_stalls_midway_is_a_read_timeout(mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(http, "READ_TIMEOUT_S", 0.5)
    with pytest.raises(fetch.FetchError, match=r"ReadTimeout.*after .*gave up after 1"):
        fetch.download(f"{mirror.url}/slowbody/{CSV}", tmp_path / "p.csv", retries=1)
    assert list(tmp_path.iterdir()) == []


def test_a_gzip_csv_is_decoded_and_its_length_checked_on_the_wire(mirror, sources, tmp_path):
    """The mirror gzips text as real servers do: Content-Length is then the compressed length.
    Comparing it with the decoded length (as fetch once did) fails every such download."""
    record = fetch.download(f"{mirror.url}/{CSV}", tmp_path / "p.csv")
    assert mirror.encodings[f"/{CSV}"] == "gzip"
    original = (sources / CSV).read_bytes()
    assert (tmp_path / "p.csv").read_bytes() == original
    assert record["bytes"] == len(original)
    assert record["wire_bytes"] == len(gzip.compress(original, mtime=0)) < len(original)
    assert record["sha256"] == build.sha256_of(sources / CSV)


def test_a_gzip_body_cut_short_is_truncated_not_accepted(mirror, tmp_path):
    with pytest.raises(fetch.FetchError, match=r"p\.csv: truncated"):
        fetch.download(f"{mirror.url}/truncate/{CSV}", tmp_path / "p.csv", retries=1)
    assert mirror.encodings[f"/truncate/{CSV}"] == "gzip"


def test_429_waits_as_long_as_retry_after_asks_then_succeeds(mirror, tmp_path):
    messages = []
    fetch.download(
        f"{mirror.url}/429/{CSV}", tmp_path / "p.csv", backoff_s=0, progress=messages.append
    )
    assert mirror.seen[f"/429/{CSV}"] == 2
    assert "p.csv: HTTP 429; retrying in 1.0 s as its Retry-After asks (attempt 2)" in messages


def test_429_on_every_attempt_gives_up_in_one_line(mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(mirror, "retry_after", "0")
    with pytest.raises(fetch.FetchError) as raised:
        fetch.download(f"{mirror.url}/429always/{CSV}", tmp_path / "p.csv", retries=3, backoff_s=0)
    assert str(raised.value) == (
        f"p.csv: HTTP 429 from {mirror.url}/429always/{CSV}; gave up after 3 attempts"
    )
    assert mirror.seen[f"/429always/{CSV}"] == 3


@pytest.mark.parametrize("status", ["301", "302", "307", "elsewhere"])
def test_redirects_are_followed(mirror, sources, tmp_path, status):
    record = fetch.download(f"{mirror.url}/{status}/{GEOJSON}", tmp_path / "pcon.geojson")
    assert record["sha256"] == build.sha256_of(sources / GEOJSON)


def test_an_html_error_page_with_503_is_retried_then_named(mirror, tmp_path):
    with pytest.raises(fetch.FetchError, match=r"HTTP 503 .*gave up after 2"):
        fetch.download(f"{mirror.url}/html503/{CSV}", tmp_path / "p.csv", retries=2, backoff_s=0)


def test_a_body_over_the_cap_is_refused_by_its_announced_length(mirror, sources, tmp_path):
    xlsx = "universal_credit/statxplore_exports/uc_la_households.xlsx"
    size = (sources / xlsx).stat().st_size
    url = f"{mirror.url}/{xlsx}"
    with pytest.raises(http.TooLarge) as raised:
        fetch.download(url, tmp_path / "la.xlsx", max_bytes=10_000)
    assert str(raised.value) == (
        f"la.xlsx: {url} is {size:,} bytes, over the 10,000 bytes limit for this file"
    )
    assert list(tmp_path.iterdir()) == []
    assert mirror.seen[f"/{xlsx}"] == 1  # refused at once, not retried


def test_a_gzip_body_that_inflates_past_the_cap_is_stopped_while_streaming(
    mirror, sources, tmp_path
):
    original = (sources / CSV).read_bytes()
    cap = len(gzip.compress(original, mtime=0)) + 1000  # the announced length passes
    assert cap < len(original)
    with pytest.raises(http.TooLarge, match=rf"p\.csv: .* sent more than {cap:,} bytes"):
        fetch.download(f"{mirror.url}/{CSV}", tmp_path / "p.csv", max_bytes=cap)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "fault", ["500", "slow", "truncate", "html", "html503", "drop", "404", "429always"]
)
def test_every_failure_is_one_line_naming_the_file(mirror, tmp_path, monkeypatch, fault):
    monkeypatch.setattr(http, "READ_TIMEOUT_S", 0.5)
    monkeypatch.setattr(mirror, "retry_after", "0")
    with pytest.raises(fetch.FetchError) as raised:
        fetch.download(f"{mirror.url}/{fault}/{CSV}", tmp_path / "p.csv", retries=2, backoff_s=0)
    message = str(raised.value)
    assert message.startswith("p.csv: ") and "\n" not in message and "Traceback" not in message
    assert list(tmp_path.iterdir()) == []


def test_html_error_page_is_not_accepted_as_csv(mirror, tmp_path):
    with pytest.raises(fetch.FetchError, match="HTML page, not a .csv file"):
        fetch.download(f"{mirror.url}/html/{CSV}", tmp_path / "p.csv", retries=1)


def test_404_fails_at_once(mirror, tmp_path):
    before = mirror.seen[f"/404/{CSV}"]
    with pytest.raises(fetch.FetchError, match="HTTP 404"):
        fetch.download(f"{mirror.url}/404/{CSV}", tmp_path / "p.csv", retries=3, backoff_s=5)
    assert mirror.seen[f"/404/{CSV}"] == before + 1


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


@pytest.mark.parametrize("fault, said", [("429always", "HTTP 429"), ("html", "HTML page")])
def test_the_cli_says_a_failed_download_in_one_line(
    mirror, tmp_path, monkeypatch, capsys, fault, said
):
    from dashboard import cli

    monkeypatch.setattr(mirror, "retry_after", "0")
    code = cli.main(
        ["fetch", "--only", "ons_pcon_boundaries", "--base-url", f"{mirror.url}/{fault}",
         "--to", str(tmp_path)]
    )  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len([line for line in err if line.startswith("error: ")]) == 1
    assert said in err[-1] and "Traceback" not in "\n".join(err)
