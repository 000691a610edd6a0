"""The no-change build: answered without pandas, leaves the snapshot byte for byte, and never
hides a changed input byte or a changed parser (both rebuild)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.core import build, settings, store, uptodate

DATASET = "ons_pcon_population"  # one quick dataset of the real geography files
POPULATION = "geography/population/population.csv"
HEAVY = ("pandas", "numpy", "pyarrow")

# Runs the command line in a fresh process and reports what it imported, so a test can tell
# the no-change answer from the build without timing anything.
RUNNER = f"""
import json, sys
import dashboard
from dashboard.cli import main
code = main(sys.argv[1:])
heavy = [name for name in {HEAVY!r} if name in sys.modules]
print(json.dumps({{"code": code, "heavy": heavy, "package": dashboard.__file__}}))
"""


def run_build(sources: Path, data: Path, package_root: Path = settings.REPO_ROOT) -> dict:
    args = ["build", "--sources", str(sources), "--data", str(data), "--only", DATASET]
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        capture_output=True,
        text=True,
        cwd=package_root,
        env={**os.environ, "PYTHONPATH": str(package_root), "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 0, done.stderr
    assert Path(result["package"]).parent.parent == package_root
    return {**result, "stderr": done.stderr}


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def linked_sources(sources, tmp_path):
    """The population layout's real files as symlinks, so one can be replaced by an edited copy."""
    root = tmp_path / "sources"
    for source_file in build.catalogue.get(DATASET).files:
        for path in sources.glob(source_file.path):
            target = root / path.relative_to(sources)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, target)
    return root


@pytest.fixture
def built(linked_sources, tmp_path):
    data = tmp_path / "data"
    first = run_build(linked_sources, data)
    assert "built: 1 parsed" in first["stderr"]
    return data


def test_a_no_change_build_leaves_the_snapshot_as_it_was_without_importing_pandas(
    linked_sources, built
):
    before = folder_bytes(built)
    again = run_build(linked_sources, built)
    assert again["heavy"] == [], again["stderr"]
    assert "built: 0 parsed, 1 unchanged" in again["stderr"]
    assert folder_bytes(built) == before
    last = json.loads(uptodate.build_log_path(built).read_text().splitlines()[-1])
    assert (last["outcome"], last["parsed"], last["unchanged"]) == ("ok", [], [DATASET])


def test_one_changed_byte_rebuilds_even_with_the_same_size_and_modification_time(
    linked_sources, built
):
    path = linked_sources / POPULATION
    original = path.read_bytes()
    stat = path.stat()
    # population.csv, row "E14001063,"Aldershot",118166,119256": Mid 2021's 118166 becomes
    # 118167 (Mid 2022 is checked against another file; Mid 2021 is read from this one alone).
    edited = original.replace(b"118166,119256", b"118167,119256", 1)
    assert edited != original and len(edited) == len(original)
    path.unlink()
    path.write_bytes(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)

    again = run_build(linked_sources, built)
    assert "built: 1 parsed" in again["stderr"]
    inputs = store.read_manifest(built)["datasets"][DATASET]["inputs"]
    recorded = {i["path"]: i["sha256"] for i in inputs}
    assert recorded[POPULATION] == uptodate.sha256_of(path)


def test_a_changed_parser_rebuilds(linked_sources, built, tmp_path):
    """On a copy of the package, so the checkout's parser is never touched."""
    copy = tmp_path / "package"
    shutil.copytree(
        settings.REPO_ROOT / "dashboard",
        copy / "dashboard",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    unchanged = run_build(linked_sources, built, package_root=copy)
    assert "built: 0 parsed, 1 unchanged" in unchanged["stderr"]
    parser = copy / "dashboard/geography/sources/ons_pcon_population.py"
    parser.write_text(parser.read_text() + "\n# a changed parser must be run again\n")
    again = run_build(linked_sources, built, package_root=copy)
    assert "built: 1 parsed" in again["stderr"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: (data / "manifest.json").unlink(),
        lambda data: (data / "manifest.json").write_text("{"),
        lambda data: (data / "stray.txt").write_text("not the build's"),
        lambda data: next(data.rglob("*.parquet")).unlink(),
        lambda data: (data.parent / "data.tmp-999999").mkdir(),
    ],
    ids=["no-manifest", "bad-manifest", "stray-file", "missing-table", "dead-build-folder"],
)
def test_any_doubt_leaves_the_decision_to_the_build(linked_sources, built, damage):
    assert uptodate.unchanged_datasets(linked_sources, built, [DATASET]) == ([DATASET], [])
    damage(built)
    assert uptodate.unchanged_datasets(linked_sources, built, [DATASET]) is None


def test_unchanged_means_the_build_itself_would_write_the_same_bytes(linked_sources, built):
    assert uptodate.unchanged_datasets(linked_sources, built, [DATASET]) is not None
    before = folder_bytes(built)
    report = build.build(linked_sources, built, only=[DATASET])
    assert report.unchanged == [DATASET] and report.parsed == []
    assert folder_bytes(built) == before
