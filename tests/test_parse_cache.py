"""The per-file parse cache on the real A&E files: the same tables with and without it, and a
changed file, a changed parser or a damaged entry never gives back stale rows."""

import shutil

import pandas as pd
import pytest

from dashboard.core import build, catalogue, parse_cache
from dashboard.topics.ae.sources import nhse_ae

AE = "nhse_ae_monthly"
CSV_FOLDER = "ae/nhse_monthly_provider_csv"


@pytest.fixture(scope="module")
def ae_inputs(sources):
    publication = catalogue.get(AE)
    inputs = build.resolve_inputs(publication, sources)
    return publication, inputs, build._input_entries(inputs, sources)


class CountingReader:
    """The real A&E reader, counting the files it was asked to read."""

    def __init__(self):
        self.read: list[str] = []

    def __call__(self, path):
        self.read.append(path.name)
        return nhse_ae.read_file(path)


def _parse(ae_inputs, cache, fingerprint="parser v1"):
    publication, inputs, entries = ae_inputs
    return build.parse_publication(
        publication, inputs, cache=cache, entries=entries, fingerprint=fingerprint
    )


def _assert_same_tables(left, right):
    assert sorted(left) == sorted(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_exact=True)


def test_cached_and_uncached_parses_give_identical_tables(ae_inputs, tmp_path):
    publication, inputs, _ = ae_inputs
    uncached = build.parse_publication(publication, inputs)
    cache = parse_cache.ParseCache(tmp_path / "cache")
    cold = _parse(ae_inputs, cache)
    assert (cache.hits, cache.misses) == (0, len(inputs))
    warm = _parse(ae_inputs, cache)
    assert (cache.hits, cache.misses) == (len(inputs), len(inputs))
    _assert_same_tables(uncached, cold)
    _assert_same_tables(uncached, warm)


def test_a_build_with_a_warm_cache_writes_the_same_bytes(sources, tmp_path):
    cache = tmp_path / "cache"
    build.build(sources, tmp_path / "cold", only=[AE], cache=cache)
    entries = {p: p.stat().st_mtime_ns for p in (cache / AE).glob("*.pickle")}
    assert len(entries) == len(build.resolve_inputs(catalogue.get(AE), sources))
    build.build(sources, tmp_path / "warm", only=[AE], cache=cache)
    assert {p: p.stat().st_mtime_ns for p in (cache / AE).glob("*.pickle")} == entries
    for path in (tmp_path / "cold" / AE).glob("*.parquet"):
        assert path.read_bytes() == (tmp_path / "warm" / AE / path.name).read_bytes(), path.name


def _two_months(sources):
    first, second = sorted((sources / CSV_FOLDER).glob("*.csv"))[:2]
    return first, second


def test_a_changed_file_is_read_again_and_its_old_entry_removed(sources, tmp_path):
    first, second = _two_months(sources)
    path = tmp_path / CSV_FOLDER / "month.csv"
    path.parent.mkdir(parents=True)
    cache = parse_cache.ParseCache(tmp_path / "cache")
    reader = CountingReader()

    def frame_of(source):
        shutil.copyfile(source, path)
        files = [(f"{CSV_FOLDER}/month.csv", build.sha256_of(path), path)]
        return cache.frames(AE, "parser v1", files, reader)[0]

    before = frame_of(first)
    after = frame_of(second)  # same name, other bytes
    assert reader.read == ["month.csv", "month.csv"]
    assert after["month"].iat[0] != before["month"].iat[0]
    pd.testing.assert_frame_equal(after, nhse_ae.read_file(path), check_exact=True)
    assert len(list((tmp_path / "cache" / AE).iterdir())) == 1


def test_a_changed_parser_reads_every_file_again(sources, tmp_path):
    first, _ = _two_months(sources)
    cache = parse_cache.ParseCache(tmp_path / "cache")
    reader = CountingReader()
    files = [(f"{CSV_FOLDER}/{first.name}", build.sha256_of(first), first)]
    for fingerprint in ("parser v1", "parser v1", "parser v2"):
        cache.frames(AE, fingerprint, files, reader)
    assert reader.read == [first.name, first.name]  # v1, then v2; the second v1 was a hit


def test_the_build_keys_entries_on_the_parsers_fingerprint(ae_inputs, tmp_path):
    cache = parse_cache.ParseCache(tmp_path / "cache")
    _parse(ae_inputs, cache, fingerprint=build.parser_fingerprint(catalogue.get(AE).parser))
    _parse(ae_inputs, cache, fingerprint="another version of the parser")
    assert cache.hits == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],
        lambda blob: b"",
        lambda blob: b"not a pickle at all",
        lambda blob: blob[:-40] + bytes(40),
    ],
    ids=["truncated", "empty", "garbage", "zeroed-tail"],
)
def test_a_damaged_entry_is_ignored_with_one_line_and_replaced(sources, tmp_path, damage):
    first, _ = _two_months(sources)
    lines = []
    cache = parse_cache.ParseCache(tmp_path / "cache", lines.append)
    reader = CountingReader()
    files = [(f"{CSV_FOLDER}/{first.name}", build.sha256_of(first), first)]
    cache.frames(AE, "parser v1", files, reader)
    (entry,) = (tmp_path / "cache" / AE).iterdir()
    entry.write_bytes(damage(entry.read_bytes()))
    (frame,) = cache.frames(AE, "parser v1", files, reader)
    pd.testing.assert_frame_equal(frame, nhse_ae.read_file(first), check_exact=True)
    assert reader.read == [first.name, first.name]
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith(parse_cache.LOG_PREFIX + "ignored a damaged entry")
    assert first.name in lines[0]
    cache.frames(AE, "parser v1", files, reader)  # rewritten: a hit again
    assert reader.read == [first.name, first.name] and len(lines) == 1


def test_an_entry_of_another_file_is_not_used(sources, tmp_path):
    """An entry copied over another's name (a hand-tidied folder) is refused by its key."""
    first, second = _two_months(sources)
    lines = []
    cache = parse_cache.ParseCache(tmp_path / "cache", lines.append)
    one = [(f"{CSV_FOLDER}/{first.name}", build.sha256_of(first), first)]
    two = [(f"{CSV_FOLDER}/{second.name}", build.sha256_of(second), second)]
    cache.frames(AE, "v1", one, nhse_ae.read_file)
    (entry_one,) = (tmp_path / "cache" / AE).iterdir()
    blob = entry_one.read_bytes()
    cache.frames(AE, "v1", two, nhse_ae.read_file)
    (entry_two,) = (tmp_path / "cache" / AE).iterdir()
    entry_two.write_bytes(blob)
    (frame,) = cache.frames(AE, "v1", two, nhse_ae.read_file)
    pd.testing.assert_frame_equal(frame, nhse_ae.read_file(second), check_exact=True)
    assert len(lines) == 1 and "another file" in lines[0]


def test_an_unwritable_cache_is_one_line_and_the_parse_goes_on(sources, tmp_path):
    first, second = _two_months(sources)
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    lines = []
    cache = parse_cache.ParseCache(blocked, lines.append)
    files = [(f"{CSV_FOLDER}/{p.name}", build.sha256_of(p), p) for p in (first, second)]
    frames = cache.frames(AE, "v1", files, nhse_ae.read_file)
    assert [f["source_file"].iat[0] for f in frames] == [first.name, second.name]
    assert len(lines) == 1 and lines[0].startswith(parse_cache.LOG_PREFIX + "cannot write")
