"""HTTP faults per fetchable file, through ``fetch_catalogue`` with a mirror base URL.

Each case breaks one file only: the fetch fails with a FetchError naming that file, nothing is
left half-written (no ``.part``, no file under the broken name), and files fetched before it in
the same publication are complete.
"""

import re

import pytest

from dashboard.core import build, catalogue, fetch, http
from tests.http_mirror import Mirror

HTTP_FAULTS = ("404", "500", "slow", "truncate", "drop", "html")

FETCHABLE = [
    (publication.id, source_file.path)
    for publication in catalogue.CATALOGUE
    for source_file in fetch.fetchable(publication)
]
EXPECTED = {  # what the FetchError says, besides the file name
    "404": r"HTTP 404",
    "500": r"HTTP 500.*gave up after 2 attempts",
    "slow": r"cannot reach.*Timeout.*gave up",
    "truncate": r"(truncated|dropped).*gave up",
    "drop": r"cannot reach.*ConnectionError.*gave up",
    "html": r"HTML page, not a \.\w+ file",
}


@pytest.fixture(scope="module")
def mirror(sources):
    with Mirror(sources, slow_s=1.5) as server:
        yield server


def test_every_fetchable_file_is_covered():
    assert FETCHABLE, "the catalogue has files with fixed official URLs"


@pytest.mark.parametrize("fault", HTTP_FAULTS)
@pytest.mark.parametrize(
    "dataset, path", FETCHABLE, ids=[p.rsplit("/", 1)[-1][:40] for _, p in FETCHABLE]
)
def test_http_fault_fails_naming_the_file_and_leaves_no_partial_file(
    mirror, sources, tmp_path, monkeypatch, dataset, path, fault
):
    monkeypatch.setattr(http, "READ_TIMEOUT_S", 0.5)
    monkeypatch.setattr(http, "CONNECT_TIMEOUT_S", 2)
    mirror.faults = {path: fault}
    downloads = tmp_path / "downloads"
    name = path.rsplit("/", 1)[-1]
    with pytest.raises(fetch.FetchError) as raised:
        fetch.fetch_catalogue(
            downloads, only=[dataset], base_url=mirror.url, retries=2, backoff_s=0
        )
    message = str(raised.value)
    assert message.startswith(f"{name}: "), message
    assert re.search(EXPECTED[fault], message), message
    assert "\n" not in message and "Traceback" not in message
    left = [p for p in downloads.rglob("*") if p.is_file()] if downloads.exists() else []
    assert not [p for p in left if p.name.endswith(".part")], left
    assert not (downloads / path).exists()
    for other in left:  # anything left is a complete, logged earlier file of the publication
        if other.name == fetch.FETCH_LOG:
            continue
        relative = other.relative_to(downloads).as_posix()
        assert build.sha256_of(other) == build.sha256_of(sources / relative)
