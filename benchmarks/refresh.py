"""The refresh of one new A&E month, whole process, against the local stand-in site.

Set up once (not timed): a copy of the committed snapshot whose A&E lacks the mirror's newest
month, built from the mirror minus that file, and the parse cache that build left. Each run then
restores that state (an empty download folder) and times ``python -m dashboard refresh --only ae
--base-url <stand-in>``: discover the month pages, download the one monthly CSV the snapshot was
not built from (the others are its recorded inputs, held in the sources folder), build A&E,
diff, write the report. The
reference, in the same run, is the same refresh with an empty parse cache (every one of the
publication's files parsed, as before the cache). Both must give the same A&E Parquet bytes.
"""

import shutil
from pathlib import Path

from benchmarks.apps import Context, run_dashboard
from benchmarks.report import (
    REFRESH_NEW_MONTH_S,
    BenchError,
    Budget,
    Row,
    format_value,
    log,
    median,
    ratio,
)
from dashboard.core import build, parse_cache, settings
from tests import refresh_site

AE = "nhse_ae_monthly"
REFRESH_TIMEOUT_S = 300


def _state_without_newest_month(sources: Path, folder: Path) -> tuple[Path, Path]:
    """The committed snapshot with A&E rebuilt from the mirror minus its newest CSV, and the
    parse cache beside it; returns (data, cache) to copy for each run."""
    linked, _ = refresh_site.sources_without_newest_ae(sources, folder / "sources")
    data = folder / "before"
    shutil.copytree(settings.data_dir(), data)
    build.build(linked, data, only=[AE])
    return data, parse_cache.folder_for(data)


def _refresh(url: str, data: Path, downloads: Path, sources: Path) -> float:
    arguments = ["refresh", "--only", "ae", "--base-url", url]
    arguments += ["--data", str(data), "--sources", str(downloads)]
    elapsed, output = run_dashboard(arguments, sources, timeout_s=REFRESH_TIMEOUT_S)
    if f"{AE}: refreshed" not in output:
        raise BenchError(f"the refresh did not refresh A&E: {output[-800:]}")
    return elapsed


def _tables(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((data / AE).glob("*.parquet"))}


def bench_refresh(ctx: Context) -> list[Row]:
    sources = settings.sources_dir()
    if sources is None or not sources.is_dir():
        raise BenchError(f"no sources folder; set {settings.SOURCES_ENV}")
    before, cache_before = _state_without_newest_month(sources, ctx.workdir / "refresh")
    new_month, reparse = [], []
    with refresh_site.site(sources) as served:
        for run in ctx.pacer("refresh").repeat():
            results = {}
            for label, cached, times in (("cached", True, new_month), ("empty", False, reparse)):
                place = ctx.workdir / "refresh" / f"run-{run}-{label}"
                data = place / "data"
                shutil.copytree(before, data)
                if cached:
                    shutil.copytree(cache_before, parse_cache.folder_for(data))
                times.append(_refresh(served.url, data, place / "downloads", sources))
                results[label] = _tables(data)
                shutil.rmtree(place)
            if results["cached"] != results["empty"]:
                raise BenchError("the cached refresh wrote other A&E tables than a full re-parse")
            log(
                f"refresh run {run + 1}: new month {new_month[-1]:.2f} s, "
                f"empty cache {reparse[-1]:.2f} s"
            )
    value, reference = median(new_month), median(reparse)
    return [
        Row(
            "refresh",
            "one new A&E month refreshed (whole process)",
            value,
            "s",
            len(new_month),
            reference=f"empty parse cache {format_value(reference, 's')}",
            ratio=ratio(value, reference),
            budget=Budget(REFRESH_NEW_MONTH_S),
            note="against the local stand-in site (tests/refresh_site.py); the new monthly CSV "
            "downloaded (the snapshot's other inputs held), A&E built, diffed and reported; "
            "tables identical to the re-parse's",
        ),
        Row(
            "refresh",
            "the same refresh, empty parse cache (reference)",
            reference,
            "s",
            len(reparse),
        ),
    ]
