"""Benchmark speed, memory and bytes against references measured in the same invocation.

``python -m benchmarks [--runs N] [--quick] [--only SECTION ...]`` prints one table. Each
figure is the median of its runs; each ratio compares it with a reference from the same run: a
"framework floor" Streamlit app of the same size (one plotly chart, one table), the naive
raw-file baseline, or the budget. Timings live here, never in tests (issue 9).
"""

import argparse
import atexit
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.apps import (
    APP,
    APPTEST_TIMEOUT_S,
    FLOOR_APP,
    Context,
    apptest_floor,
    apptest_page,
    page_with_sidebar,
    run_clean,
    run_dashboard,
)
from benchmarks.browser import (
    SESSIONS,
    chromium,
    stop_all,
    tour,
)
from benchmarks.naive import (
    bench_naive,
)
from benchmarks.refresh import bench_refresh
from benchmarks.report import (
    FIRST_CHART_X_FLOOR,
    FULL_BUILD_S,
    INTERACTION_S,
    NOCHANGE_BUILD_S,
    PAGE_BYTES,
    RENDER_X_FLOOR,
    RSS_20_SESSIONS,
    SECTIONS,
    BenchError,
    Budget,
    Row,
    error_row,
    format_table,
    format_value,
    log,
    median,
    ratio,
    shares,
    summary_line,
)
from dashboard.core import settings

DEFAULT_RUNS = 5

# Runs stop early once a section has used its share of this limit, so the default invocation
# stays near ten minutes even on two busy cores; the table shows the runs actually made.
DEFAULT_MAX_MINUTES = 9.0

BUILD_TIMEOUT_S = 300


def bench_build(ctx: Context) -> list[Row]:
    sources = settings.sources_dir()
    if sources is None or not sources.is_dir():
        raise BenchError(f"no sources folder; set {settings.SOURCES_ENV}")

    def build(data: Path) -> float:
        return run_dashboard(["build", "--data", str(data)], sources, timeout_s=BUILD_TIMEOUT_S)[0]

    full, unchanged = [], []
    for run in ctx.pacer("build").repeat():
        with tempfile.TemporaryDirectory(dir=ctx.workdir) as folder:
            data = Path(folder) / "data"
            full.append(build(data))
            unchanged.append(build(data))
        log(f"build run {run + 1}: full {full[-1]:.1f} s, no-change {unchanged[-1]:.2f} s")
    rows = []
    for name, values, limit in [
        ("full build (whole process)", full, FULL_BUILD_S),
        ("no-change rebuild (whole process)", unchanged, NOCHANGE_BUILD_S),
    ]:
        value = median(values)
        rows.append(
            Row(
                "build",
                name,
                value,
                "s",
                len(values),
                reference=f"budget {format_value(limit, 's')}",
                ratio=ratio(value, limit),
                budget=Budget(limit),
            )
        )
    return rows


def bench_render(ctx: Context) -> list[Row]:
    from streamlit.testing.v1 import AppTest

    shapes = ctx.shapes()
    good = [s for s in shapes if not s.error]
    for shape in good:  # warm the floor's cache for every size, as the probe warmed the pages
        run_clean(apptest_floor(shape))
    times = {s.url_path: [] for s in good}
    floors = {s.url_path: [] for s in good}
    app_times, app_floor = [], []
    for run in ctx.pacer("render").repeat():
        for shape in good:
            times[shape.url_path].append(run_clean(apptest_page(shape.url_path)))
            floors[shape.url_path].append(run_clean(apptest_floor(shape)))
        app_times.append(run_clean(AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S)))
        app_floor.append(run_clean(apptest_floor(good[0])))
        log(f"render run {run + 1}")
    rows = [error_row("render", f"/{s.url_path}", s.error) for s in shapes if s.error]
    entries = [(f"/{s.url_path}", s, times[s.url_path], floors[s.url_path]) for s in good]
    entries.append(("app.py: sidebar + default page", good[0], app_times, app_floor))
    for name, shape, values, floor_values in entries:
        value, reference = median(values), median(floor_values)
        rows.append(
            Row(
                "render",
                name,
                value,
                "s",
                len(values),
                reference=f"floor {format_value(reference, 's')}",
                ratio=ratio(value, reference),
                budget=Budget(RENDER_X_FLOOR, on="ratio"),
                note=(
                    f"floor: {shape.rows} rows x {shape.cols} cols, "
                    f"{shape.points} points; first (cold-cache) run {shape.first_run_s:.2f} s"
                ),
            )
        )
    return rows


def _median_text(values: list[float]) -> str:
    return f"median {format_value(median(values), 's')} of {len(values)}" if values else "none"


def bench_interaction(ctx: Context) -> list[Row]:
    from streamlit.testing.v1 import AppTest

    from dashboard import geography
    from dashboard.topics import registry

    seats, sets = list(geography.SEATS), list(geography.BOUNDARY_SETS)

    pacer = ctx.pacer("interaction")
    pacer.runs = ctx.runs * (len(registry.PAGES) + 1)  # reruns on every page, paced together
    made = [0]

    def changes(at) -> list[float]:
        run_clean(at)
        seat, boundary_set = geography.DEFAULT_SEAT, geography.DEFAULT_SET
        elapsed, seen = [], {(seat, boundary_set)}
        for index in range(ctx.runs):
            if index and not pacer.another(made[0]):
                break
            made[0] += 1
            if index % 2 == 0:
                seat = seats[(seats.index(seat) + 1) % len(seats)]
                at.selectbox(key="seat").select(seat)
            else:
                boundary_set = sets[(sets.index(boundary_set) + 1) % len(sets)]
                at.radio(key="boundary_set").set_value(boundary_set)
            elapsed.append(run_clean(at))
            fresh = (seat, boundary_set) not in seen
            seen.add((seat, boundary_set))
            (first_seen if fresh else repeats).append(elapsed[-1])
        return elapsed

    rows = []
    targets = [
        (
            f"/{spec.url_path}: seat/boundary change",
            lambda path=spec.url_path: AppTest.from_function(
                page_with_sidebar, kwargs={"url_path": path}, default_timeout=APPTEST_TIMEOUT_S
            ),
        )
        for spec in registry.PAGES
    ]
    targets.append(
        (
            "app.py (default page): seat/boundary change",
            lambda: AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S),
        )
    )
    for name, make in targets:
        first_seen: list[float] = []
        repeats: list[float] = []
        try:
            values = changes(make())
        except Exception as error:  # one broken page is one ERROR row
            rows.append(error_row("interaction", name, error))
            continue
        rows.append(
            _interaction_row(
                name,
                values,
                f"slowest {format_value(max(values), 's')}; selections new to the process: "
                f"{_median_text(first_seen)}; seen before: {_median_text(repeats)}",
            )
        )
    rows += _tab_switches(ctx)
    return rows


def _interaction_row(name: str, values: list[float], note: str) -> Row:
    value = median(values)
    log(f"interaction {name}: {value * 1000:.0f} ms")
    return Row(
        "interaction",
        name,
        value,
        "s",
        len(values),
        reference=f"budget {format_value(INTERACTION_S, 's')}",
        ratio=ratio(value, INTERACTION_S),
        budget=Budget(INTERACTION_S),
        note=note,
    )


def _tab_switches(ctx: Context) -> list[Row]:
    """A page's own control: open each of its tabs in turn (server time per switch)."""
    from streamlit.testing.v1 import AppTest

    from dashboard.topics import registry

    rows = []
    for spec in registry.PAGES:
        key, labels = spec.tab_key, spec.tabs
        if len(labels) < 2:
            continue
        name = f"/{spec.url_path}: open each tab"
        try:
            at = AppTest.from_function(
                page_with_sidebar,
                kwargs={"url_path": spec.url_path},
                default_timeout=APPTEST_TIMEOUT_S,
            )
            run_clean(at)
            values = []
            for label in [*labels[1:], labels[0]]:
                at.session_state[key] = label
                values.append(run_clean(at))
        except Exception as error:  # one broken page is one ERROR row
            rows.append(error_row("interaction", name, error))
            continue
        note = (
            f"{len(labels)} tabs, each opened once (first time in the process); "
            f"slowest {format_value(max(values), 's')}"
        )
        rows.append(_interaction_row(name, values, note))
    return rows


def _tours(ctx: Context, *, sessions: bool) -> list[dict]:
    """Pairs of app and floor tours, shared by coldstart, memory and bytes."""
    if ctx._tour_error is not None:  # a failed tour is reported once, not retried per section
        raise ctx._tour_error
    if ctx._tours is not None and (not sessions or all("rss_20" in t["app"] for t in ctx._tours)):
        return ctx._tours
    try:
        ctx._tours = _tour_pairs(ctx, sessions=sessions)
    except Exception as error:
        ctx._tour_error = error
        raise
    return ctx._tours


def _tour_pairs(ctx: Context, *, sessions: bool) -> list[dict]:
    shapes = [s for s in ctx.shapes() if not s.error]
    if not shapes:
        raise BenchError("no page rendered in AppTest")
    tours = []
    with chromium() as browser:
        for run in ctx.pacer("coldstart").repeat():
            pair = {}
            order = [("app", APP), ("floor", FLOOR_APP)]
            for label, script in order if run % 2 == 0 else order[::-1]:  # alternate who goes first
                pair[label] = tour(
                    browser,
                    script,
                    shapes,
                    floor=label == "floor",
                    sessions=sessions and label == "app",
                )
            tours.append(pair)
            log(
                f"browser run {run + 1}: app cold {pair['app']['cold_s']:.1f} s, "
                f"floor cold {pair['floor']['cold_s']:.1f} s"
            )
    return tours


def _paired(tours: list[dict], pick: Callable[[dict], float]) -> tuple[float, float]:
    return median([pick(t["app"]) for t in tours]), median([pick(t["floor"]) for t in tours])


def _page_time_row(
    tours: list[dict], key: str, field_name: str, name: str, *, budget=None, note=""
) -> Row:
    """One page's browser time (median over tours) against the floor drawn at its size."""
    app, floor = _paired(tours, lambda t: t["pages"][key][field_name])
    return Row(
        "coldstart",
        name,
        app,
        "s",
        len(tours),
        reference=f"floor {format_value(floor, 's')}",
        ratio=ratio(app, floor),
        budget=budget,
        note=note(app, floor) if callable(note) else note,
    )


def bench_coldstart(ctx: Context, *, sessions: bool = False) -> list[Row]:
    tours = _tours(ctx, sessions=sessions)
    shapes = [s for s in ctx.shapes() if not s.error]
    budget = Budget(FIRST_CHART_X_FLOOR, on="ratio")
    app, floor = _paired(tours, lambda t: t["cold_s"])
    finished = _paired(tours, lambda t: t["cold_finished_s"])[0]
    ready = _paired(tours, lambda t: t["ready_s"])[0]
    rows = [
        Row(
            "coldstart",
            "fresh `streamlit run` -> default page rendered",
            app,
            "s",
            len(tours),
            reference=f"floor {format_value(floor, 's')}",
            ratio=ratio(app, floor),
            budget=budget,
            note=(
                "from process start to the first chart in Chromium (script finished at "
                f"{format_value(finished, 's')}); health endpoint up at {format_value(ready, 's')}"
            ),
        )
    ]
    for shape in shapes:
        key = shape.url_path
        what = "first chart" if shape.charts else "script finished (no chart)"
        files = _paired(tours, lambda t, key=key: t["pages"][key]["files"])
        weight = _paired(tours, lambda t, key=key: t["pages"][key]["static_bytes"])
        rows.append(
            _page_time_row(
                tours,
                key,
                "first_chart_s",
                f"/{key}: {what}",
                budget=budget,
                note=(
                    f"empty browser cache: {files[0]:.0f} requests, "
                    f"{format_value(weight[0], 'bytes')} of frontend files; the floor "
                    f"{files[1]:.0f} requests, {format_value(weight[1], 'bytes')}"
                ),
            )
        )
        rows.append(
            _page_time_row(
                tours,
                key,
                "cached_chart_s",
                f"/{key}: {what}, returning browser",
                note=lambda app, floor: (
                    f"{format_value(app - floor, 's')} after the floor; the page shown once "
                    "before in the same browser, so its frontend files come from the cache; "
                    "information: the budget is the first visit's row above"
                ),
            )
        )
    return rows


def snapshot_memory() -> tuple[int, int]:
    """(bytes of every snapshot table held as the app holds it in memory, bytes on disk)."""
    from dashboard.core import store
    from dashboard.ui import data

    snapshot = store.Snapshot(settings.data_dir())
    in_memory = 0
    for dataset_id, entry in snapshot.manifest["datasets"].items():
        for name in entry["tables"]:
            frame = data.table(dataset_id, name)  # as the app reads it: big tables categorical
            for column in frame.columns:
                series = frame[column]
                if column == "geometry":  # shapely shapes, which pandas cannot size
                    import numpy as np
                    import shapely

                    wkb = shapely.to_wkb(np.asarray(series.values))
                    in_memory += sum(len(item) for item in wkb if item is not None)
                else:
                    in_memory += int(series.memory_usage(deep=True, index=False))
    on_disk = sum(path.stat().st_size for path in snapshot.folder.rglob("*") if path.is_file())
    return in_memory, on_disk


def bench_memory(ctx: Context) -> list[Row]:
    rows = []
    tours = _tours(ctx, sessions=True)
    for name, key in [("server RSS after start", "rss_start"), ("server RSS, 1 session", "rss_1")]:
        app, floor = _paired(tours, lambda t, key=key: t[key])
        rows.append(
            Row(
                "memory",
                name,
                app,
                "bytes",
                len(tours),
                reference=f"floor {format_value(floor, 'bytes')}",
                ratio=ratio(app, floor),
            )
        )
    rss_20 = median([t["app"]["rss_20"] for t in tours])
    rss_1 = median([t["app"]["rss_1"] for t in tours])
    peak = median([t["app"]["rss_peak"] for t in tours])
    rows.append(
        Row(
            "memory",
            f"server RSS, {SESSIONS} sessions on different pages",
            rss_20,
            "bytes",
            len(tours),
            reference=f"budget {format_value(RSS_20_SESSIONS, 'bytes')}",
            ratio=ratio(rss_20, RSS_20_SESSIONS),
            budget=Budget(RSS_20_SESSIONS),
            note=(
                f"{format_value((rss_20 - rss_1) / (SESSIONS - 1), 'bytes')} per extra session; "
                f"peak (VmHWM) {format_value(peak, 'bytes')}"
            ),
        )
    )
    held, on_disk = snapshot_memory()
    rows.append(
        Row(
            "memory",
            "snapshot: every table in memory",
            held,
            "bytes",
            1,
            reference=f"on disk {format_value(on_disk, 'bytes')}",
            ratio=ratio(held, on_disk),
            note="as the app loads them (categories for big tables); pandas deep memory_usage; "
            "geometry columns counted as WKB bytes",
        )
    )
    return rows


def bench_bytes(ctx: Context, *, sessions: bool = False) -> list[Row]:
    tours = _tours(ctx, sessions=sessions)
    rows = []
    for shape in [s for s in ctx.shapes() if not s.error]:
        key = shape.url_path
        app, floor = _paired(tours, lambda t, key=key: t["pages"][key]["bytes"])
        rows.append(
            Row(
                "bytes",
                f"/{key}: websocket payload, one view",
                app,
                "bytes",
                len(tours),
                reference=f"floor {format_value(floor, 'bytes')}",
                ratio=ratio(app, floor),
                budget=Budget(PAGE_BYTES),
            )
        )
        if shape.charts:
            label = "map geometry" if key == "overview" else "largest chart"
            rows.append(
                Row(
                    "bytes",
                    f"/{key}: {label} (plotly JSON)",
                    shape.figure_bytes,
                    "bytes",
                    1,
                    reference=f"page {format_value(app, 'bytes')}",
                    ratio=ratio(shape.figure_bytes, app),
                    note=f"{shape.values} numbers in its data arrays; {shape.charts} chart(s)",
                )
            )
    return rows


@dataclass
class Plan:
    runs: int
    only: list[str] = field(default_factory=lambda: list(SECTIONS))
    max_minutes: float = DEFAULT_MAX_MINUTES


def parse_args(argv: list[str] | None = None) -> Plan:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per figure (max)")
    parser.add_argument("--quick", action="store_true", help="one run of everything (smoke)")
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="sections to run (repeatable)"
    )
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=DEFAULT_MAX_MINUTES,
        help="stop repeating runs once a section used its share of this (every section runs once)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    only = [s for s in SECTIONS if s in (args.only or SECTIONS)]
    return Plan(runs=1 if args.quick else args.runs, only=only, max_minutes=args.max_minutes)


def run(plan: Plan) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as workdir:
        ctx = Context(Path(workdir), plan.runs, shares(plan.only, plan.max_minutes * 60))
        sessions = "memory" in plan.only  # one tour then serves coldstart, memory and bytes
        sections = {
            "build": lambda: bench_build(ctx),
            "refresh": lambda: bench_refresh(ctx),
            "render": lambda: bench_render(ctx),
            "interaction": lambda: bench_interaction(ctx),
            "coldstart": lambda: bench_coldstart(ctx, sessions=sessions),
            "memory": lambda: bench_memory(ctx),
            "bytes": lambda: bench_bytes(ctx, sessions=sessions),
            "naive": lambda: bench_naive(ctx),
        }
        rows: list[Row] = []
        for name in plan.only:
            log(f"section {name}")
            started = time.perf_counter()
            try:
                rows.extend(sections[name]())
            except Exception as error:  # reported in the table and in the exit status
                rows.append(error_row(name, "(whole section)", error))
            except (KeyboardInterrupt, SystemExit):  # still print what was measured
                rows.append(error_row(name, "(whole section)", "interrupted"))
                break
            finally:
                stop_all()
            log(f"section {name} took {time.perf_counter() - started:.0f} s")
    return rows


def _on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    plan = parse_args(argv)
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    from streamlit import logger

    logger.set_log_level("error")  # AppTest and bare cached calls warn about a missing runtime
    sys.path.insert(0, str(settings.REPO_ROOT))  # AppTest scripts import the dashboard package
    started = time.perf_counter()
    rows = run(plan)
    print(
        f"dashboard benchmark: medians of up to {plan.runs} run(s), fewer where a section "
        f"used its share of {plan.max_minutes:g} min; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
        f"took {time.perf_counter() - started:.0f} s"
    )
    print(format_table(rows), end="")
    print(summary_line(rows))
    return 1 if any(row.error for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
