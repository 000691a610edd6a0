"""Prove the tests survive a refresh: run them on a snapshot one release behind.

Builds, into a temporary folder (never the committed ``data/``), a snapshot from the sources
mirror minus its newest A&E monthly CSV and its newest H-CLIC quarter, checks that it really is
older than the committed one, then runs the page, briefing, headline, export, query and UI tests
against it with ``DASHBOARD_DATA`` and ``DASHBOARD_SOURCES`` pointing there. Tests that typed
today's figure or period fail here; tests that read them from the snapshot pass on both.

H-CLIC's newest quarter is two things in the mirror: its workbook, and that quarter's rows in the
helper-made headline CSV (which fills quarters without a workbook, so it would otherwise bring
the quarter back as "derived"). The workbook is left out and the CSV is written to the temporary
folder without that quarter's rows; every other file is a link to the mirror's own.

    python -m tests.older_snapshot [--keep DIR] [pytest arguments...]

With no pytest arguments it runs DEFAULT_TESTS. Exit status is pytest's.
"""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from dashboard.core import build, settings, store
from tests import refresh_site

AE = "nhse_ae_monthly"
HCLIC = "mhclg_hclic_detailed_la"
HCLIC_WORKBOOKS = "homelessness/hclic_detailed_la"
HCLIC_DERIVED = "homelessness/derived"
DEFAULT_TESTS = [
    "tests/ui",
    "tests/test_app.py",
    "tests/test_briefing.py",
    "tests/test_headlines.py",
    "tests/test_exports.py",
    "tests/test_query_cli.py",
]


def hclic_quarter(path: Path) -> pd.Period:
    """The quarter a detailed LA workbook covers, from the year and month ending its name
    (DetailedLA_201806.xlsx, Statutory_Homelessness_..._202512.ods)."""
    year, month = re.findall(r"(20\d\d)(\d\d)", path.stem)[-1]
    return pd.Period(f"{year}-{month}", freq="M").asfreq("Q")


def older_sources(sources: Path, folder: Path) -> tuple[Path, str, pd.Period]:
    """``folder`` laid out like the mirror, without its newest A&E CSV and H-CLIC quarter;
    returns it, the A&E file left out and the quarter left out."""
    newest_ae = refresh_site.newest_ae_csv(sources)
    workbooks = [p for p in (sources / HCLIC_WORKBOOKS).iterdir() if p.is_file()]
    newest_quarter = max(hclic_quarter(p) for p in workbooks)
    leave_out = {f"{refresh_site.AE_CSV}/{newest_ae}"}
    leave_out |= {
        f"{HCLIC_WORKBOOKS}/{p.name}" for p in workbooks if hclic_quarter(p) == newest_quarter
    }
    derived = sorted((sources / HCLIC_DERIVED).glob("*.csv"))
    leave_out |= {f"{HCLIC_DERIVED}/{p.name}" for p in derived}
    refresh_site.link_mirror(sources, folder, leave_out)
    for path in derived:
        _write_without_quarter(path, folder / HCLIC_DERIVED / path.name, newest_quarter)
    return folder, newest_ae, newest_quarter


def _write_without_quarter(source: Path, target: Path, quarter: pd.Period) -> None:
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        kept = [row for row in reader if pd.Period(row["quarter"], freq="Q") < quarter]
        columns = reader.fieldnames
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)


def newest_period(data: Path, dataset: str) -> pd.Timestamp:
    return pd.Timestamp(store.Snapshot(data).table(dataset, "observations")["period_end"].max())


def check_older(data: Path, committed: Path) -> None:
    """The proof is empty unless the built snapshot's newest A&E and H-CLIC periods are older."""
    for dataset in (AE, HCLIC):
        old, new = newest_period(data, dataset), newest_period(committed, dataset)
        if not old < new:
            ends = f"{old:%d %b %Y}, the committed one {new:%d %b %Y}"
            sys.exit(f"{dataset}: the older snapshot ends {ends}")
        print(f"{dataset}: newest period {old:%d %b %Y} (committed: {new:%d %b %Y})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    args, pytest_args = parser.parse_known_args()
    pytest_args = [a for a in pytest_args if a != "--"]
    sources = settings.sources_dir()
    if sources is None or not sources.is_dir():
        sys.exit(f"no sources folder: set {settings.SOURCES_ENV}")
    committed = settings.data_dir()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="older-snapshot-"))
    started = time.monotonic()
    linked, ae_file, quarter = older_sources(sources, folder / "sources")
    print(f"left out: {refresh_site.AE_CSV}/{ae_file} and H-CLIC {quarter}", flush=True)
    data = folder / "data"
    build.build(linked, data, progress=lambda line: None)
    built = time.monotonic()
    print(f"built {data} in {built - started:.0f} s", flush=True)
    check_older(data, committed)
    env = os.environ | {settings.DATA_ENV: str(data), settings.SOURCES_ENV: str(linked)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += pytest_args or DEFAULT_TESTS
    status = subprocess.call(command, env=env)
    print(f"tests on the older snapshot: {time.monotonic() - built:.0f} s", flush=True)
    if args.keep is None:
        shutil.rmtree(folder)
    return status


if __name__ == "__main__":
    sys.exit(main())
