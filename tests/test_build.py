"""The build end to end on the real geography files, and what happens when an input breaks."""

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from dashboard.core import build, settings, store, uptodate

GEOGRAPHY_DATASETS = [
    "ons_pcon_boundaries",
    "ons_local_boundaries_2013",
    "pcon_overlap_2010_2024",
    "ons_pcon_population",
    "os_codepoint_open",
    "named_sites",
]


@pytest.fixture
def linked_sources(sources, tmp_path):
    """A sources folder of symlinks to the real files, so one file can be swapped for a bad one."""
    root = tmp_path / "sources"
    for path in (sources / "geography").rglob("*"):
        if path.is_file():
            target = root / path.relative_to(sources)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, target)
    return root


def run_cli(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True,
        text=True,
        cwd=settings.REPO_ROOT,
        env=env,
        timeout=300,
    )


def test_build_writes_manifest_with_checksums_and_periods(linked_sources, tmp_path):
    data = tmp_path / "data"
    report = build.build(linked_sources, data, only=GEOGRAPHY_DATASETS)
    assert sorted(report.parsed) == sorted(GEOGRAPHY_DATASETS)
    manifest = store.read_manifest(data)["datasets"]
    population = manifest["ons_pcon_population"]
    assert population["period_start"] == "2020-06-30"
    assert population["period_end"] == "2022-06-30"
    assert population["tables"]["observations"]["rows"] == population["rows"] == 5775
    inputs = {i["path"]: i for i in population["inputs"]}
    real = linked_sources / "geography/population/population.csv"
    assert inputs["geography/population/population.csv"]["sha256"] == build.sha256_of(real)
    assert not list(tmp_path.glob("data.tmp-*")), "staging folder left behind"


def test_unchanged_inputs_are_not_reparsed(linked_sources, tmp_path):
    data = tmp_path / "data"
    build.build(linked_sources, data, only=["ons_pcon_population", "pcon_overlap_2010_2024"])
    again = build.build(linked_sources, data, only=["ons_pcon_population"])
    assert again.unchanged == ["ons_pcon_population"] and again.parsed == []
    assert again.kept == ["pcon_overlap_2010_2024"]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"<!DOCTYPE html><html><body>Error 503</body></html>", "population.csv"),
        (b"PCON25CD,PCON25NM,Mid 2021,Mid 2022\nE14001410,Nottingham East,119780", "population"),
        (b"", "population.csv"),
    ],
    ids=["html-page", "truncated", "empty"],
)
def test_a_bad_input_fails_the_build_and_keeps_the_last_good_snapshot(
    linked_sources, tmp_path, content, expected
):
    data = tmp_path / "data"
    build.build(linked_sources, data, only=["ons_pcon_population"])
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    bad = linked_sources / "geography/population/population.csv"
    bad.unlink()
    bad.write_bytes(content)
    result = run_cli(
        "build",
        "--sources",
        str(linked_sources),
        "--data",
        str(data),
        "--only",
        "ons_pcon_population",
    )
    assert result.returncode == 1
    assert "ons_pcon_population" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob("data.tmp-*"))
    attempts = [json.loads(line) for line in uptodate.build_log_path(data).read_text().splitlines()]
    assert attempts[-1]["outcome"] == "failed"
    assert "ons_pcon_population" in attempts[-1]["failures"]


def test_missing_input_is_named(linked_sources, tmp_path):
    (linked_sources / "geography/lookups/ukparl.2025.csv").unlink()
    with pytest.raises(build.BuildFailed, match=r"ukparl\.2025\.csv"):
        build.build(linked_sources, tmp_path / "data", only=["pcon_overlap_2010_2024"])


def test_unknown_dataset_is_a_clear_error(tmp_path, sources):
    result = run_cli("build", "--data", str(tmp_path / "d"), "--only", "nope")
    assert result.returncode == 2 and "unknown dataset 'nope'" in result.stderr


def test_committed_snapshot_rebuilds_to_the_same_values(sources, tmp_path):
    """Every table in data/ equals a fresh build from the sources folder."""
    committed = store.Snapshot(settings.data_dir())
    manifest = committed.manifest["datasets"]
    rebuilt_folder = tmp_path / "data"
    build.build(sources, rebuilt_folder, only=sorted(manifest))
    rebuilt = store.Snapshot(rebuilt_folder)
    for dataset_id, entry in manifest.items():
        fresh = rebuilt.manifest["datasets"][dataset_id]
        assert [i["sha256"] for i in fresh["inputs"]] == [i["sha256"] for i in entry["inputs"]]
        for table in entry["tables"]:
            old = committed.table(dataset_id, table)
            new = rebuilt.table(dataset_id, table)
            pd.testing.assert_frame_equal(
                pd.DataFrame(old).reset_index(drop=True), pd.DataFrame(new).reset_index(drop=True)
            )


def test_manifest_is_valid_json_listing_every_catalogued_dataset():
    manifest = json.loads((settings.data_dir() / store.MANIFEST).read_text())
    from dashboard.core import catalogue

    assert set(manifest["datasets"]) <= set(catalogue.BY_ID)
    for entry in manifest["datasets"].values():
        assert entry["inputs"] and all(len(i["sha256"]) == 64 for i in entry["inputs"])


def test_a_file_that_still_parses_but_lost_rows_is_refused(linked_sources, tmp_path):
    data = tmp_path / "data"
    build.build(linked_sources, data, only=["pcon_overlap_2010_2024"])
    overlap = linked_sources / "geography/lookups/PARL10_PARL25_combo_overlap.csv"
    lines = overlap.read_text().splitlines()
    overlap.unlink()
    overlap.write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    with pytest.raises(build.BuildFailed, match=r"PARL10_PARL25_combo_overlap\.csv: table"):
        build.build(linked_sources, data, only=["pcon_overlap_2010_2024"])
    report = build.build(linked_sources, data, only=["pcon_overlap_2010_2024"], allow_shrink=True)
    assert report.parsed == ["pcon_overlap_2010_2024"]


SMALL = ["ons_pcon_population"]  # one quick dataset: these tests are about the file system


def test_a_second_build_stops_at_once_while_one_runs(linked_sources, tmp_path):
    data = tmp_path / "data"
    with build.build_lock(data), pytest.raises(uptodate.BuildRunning, match="another build"):
        build.build(linked_sources, data, only=SMALL)
    assert not data.exists()
    build.build(linked_sources, data, only=SMALL)  # the lock is released with its holder
    assert store.read_manifest(data)["datasets"].keys() == set(SMALL)


def test_folders_left_by_a_dead_build_are_removed_by_the_next(linked_sources, tmp_path):
    data = tmp_path / "data"
    for stale in ("data.tmp-999999", "data.old-999999"):
        (tmp_path / stale / "x").mkdir(parents=True)
    messages = []
    build.build(linked_sources, data, only=SMALL, progress=messages.append)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("data")) == [
        "data",
        "data-build-log.jsonl",
    ]
    assert any("data.tmp-999999" in m for m in messages)


def test_an_unwritable_place_is_a_plain_error_naming_the_path(linked_sources, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the snapshot's parent folder should be")
    result = run_cli("build", "--sources", str(linked_sources), "--data", str(blocker / "data"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"snapshot: cannot write {blocker}" in result.stderr


def test_the_log_records_what_happened(linked_sources, tmp_path):
    data = tmp_path / "data"
    build.build(linked_sources, data, only=SMALL)
    (linked_sources / "geography/population/population.csv").unlink()
    with pytest.raises(build.BuildFailed):
        build.build(linked_sources, data, only=SMALL)
    outcomes = [
        json.loads(line)["outcome"]
        for line in uptodate.build_log_path(data).read_text().splitlines()
    ]
    assert outcomes == ["ok", "failed"]


def test_a_valid_csv_followed_by_a_gigabyte_of_nul_bytes_is_refused_before_parsing(
    linked_sources, tmp_path
):
    """A sparse file: 1 GB long on paper, a few kB on disk, and never read by the check."""
    data = tmp_path / "data"
    build.build(linked_sources, data, only=["ons_pcon_population"])
    padded = linked_sources / "geography/population/population.csv"
    content = padded.read_bytes()
    padded.unlink()
    padded.write_bytes(content)
    size = len(content) + 1_000_000_000
    os.truncate(padded, size)
    limit = build.catalogue.get("ons_pcon_population").max_bytes
    with pytest.raises(build.BuildFailed) as raised:
        build.build(linked_sources, data, only=["ons_pcon_population"])
    assert raised.value.failures == {
        "ons_pcon_population": f"FetchError: population.csv: {size / 1e6:,.1f} MB, over the "
        f"{limit / 1e6:,.1f} MB limit for this layout"
    }


def test_a_spreadsheet_that_unzips_past_its_limit_is_refused_from_its_directory(tmp_path):
    import zipfile

    from dashboard.core import fetch

    bomb = tmp_path / "tables.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 20_000_000)
    packed = bomb.stat().st_size
    assert packed < 100_000
    with pytest.raises(fetch.FetchError) as raised:
        fetch.check_size(bomb, max_bytes=1_000_000, max_unpacked_bytes=10_000_000)
    assert str(raised.value) == (
        f"tables.xlsx: unpacks to 20.0 MB ({packed:,} bytes packed), over the 10.0 MB limit "
        "for this layout"
    )
    fetch.check_size(bomb, max_bytes=1_000_000, max_unpacked_bytes=20_000_000)  # at the limit


def test_every_layout_states_limits_its_mirror_files_are_within(sources):
    from dashboard.core import fetch

    for publication in build.catalogue.CATALOGUE:
        assert 0 < publication.max_bytes <= publication.max_unpacked_bytes, publication.id
        for _, path in build.resolve_inputs(publication, sources):
            fetch.check_size(
                path,
                max_bytes=publication.max_bytes,
                max_unpacked_bytes=publication.max_unpacked_bytes,
            )
