"""Benchmark speed, memory and bytes against references measured in the same invocation.

``python -m benchmarks [--runs N] [--quick] [--only SECTION ...]`` prints one table. Each
figure is the median of its runs; each ratio compares it with a reference from the same run: a
"framework floor" Streamlit app of the same size (one plotly chart, one table), the naive
raw-file baseline, or the budget. Timings live here, never in tests (issue 9).
"""

import argparse
import atexit
import base64
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.core import settings

SECTIONS = ("build", "render", "interaction", "coldstart", "memory", "bytes", "naive")
DEFAULT_RUNS = 5
# Runs stop early once a section has used its share of this limit, so the default invocation
# stays near ten minutes even on two busy cores; the table shows the runs actually made.
DEFAULT_MAX_MINUTES = 9.0
# Shares of the limit. The browser tour (two servers, ~30 sessions) serves coldstart, memory and
# bytes at once, so it gets the sum of their weights.
WEIGHTS = {
    "build": 2.0,
    "render": 1.0,
    "interaction": 0.7,
    "coldstart": 3.0,
    "memory": 1.0,
    "bytes": 0.3,
    "naive": 1.0,
}
TOUR_SECTIONS = ("coldstart", "memory", "bytes")
MB = 1_000_000  # budgets are decimal megabytes, the stricter reading

# Budgets from issue 9.
FULL_BUILD_S = 20.0
NOCHANGE_BUILD_S = 1.0
RENDER_X_FLOOR = 1.5
INTERACTION_S = 0.150
FIRST_CHART_X_FLOOR = 1.3
RSS_20_SESSIONS = 300 * MB
PAGE_BYTES = 1.5 * MB
NAIVE_MIN_SPEEDUP = 50.0
SESSIONS = 20

APP = settings.REPO_ROOT / "dashboard" / "app.py"
CHROMIUM, CHROMIUM_ARGS = settings.CHROMIUM, settings.CHROMIUM_ARGS
APPTEST_TIMEOUT_S = 120
SERVER_START_TIMEOUT_S = 90
VISIT_TIMEOUT_S = 90
SESSIONS_TIMEOUT_S = 240  # for all 20 sessions together
BUILD_TIMEOUT_S = 300
# Pages for the naive baseline (label -> url_path) and the tables their headline needs; the
# tables each page really reads are recorded from a cold-cache AppTest run and added.
NAIVE_PAGES = {"overview": "overview", "A&E": "ae"}
HEADLINE_TABLES = {
    "overview": [
        ("ons_pcon_population", "observations"),
        ("ons_pcon_boundaries", "pcon2024"),
        ("named_sites", "sites"),
    ],
    "A&E": [("nhse_ae_monthly", "observations")],
}


class BenchError(RuntimeError):
    pass


# ---------------------------------------------------------------- pure helpers (tested)


def median(values: list[float]) -> float:
    if not values:
        raise ValueError("median of no runs")
    return float(statistics.median(values))


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return value / reference


@dataclass(frozen=True)
class Budget:
    """A limit on the figure itself (``on="value"``) or on its ratio to the reference."""

    limit: float
    on: str = "value"
    at_least: bool = False

    def check(self, value: float | None, ratio_: float | None) -> bool | None:
        measured = value if self.on == "value" else ratio_
        if measured is None:
            return None
        return measured >= self.limit if self.at_least else measured <= self.limit

    def describe(self, unit: str) -> str:
        sign = ">=" if self.at_least else "<="
        if self.on == "ratio":
            return f"{sign} {self.limit:g}x"
        return f"{sign} {format_value(self.limit, unit)}"


@dataclass(frozen=True)
class Row:
    section: str
    name: str
    value: float | None
    unit: str  # "s", "bytes" or "x"
    runs: int
    reference: str = ""  # what the ratio divides by, with its figure
    ratio: float | None = None
    budget: Budget | None = None
    note: str = ""
    error: str = ""

    @property
    def result(self) -> str:
        if self.error:
            return "ERROR"
        if self.budget is None:
            return "-"
        verdict = self.budget.check(self.value, self.ratio)
        return "-" if verdict is None else ("PASS" if verdict else "MISS")


def error_row(section: str, name: str, error: BaseException | str) -> Row:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return Row(section, name, None, "", 0, error=" ".join(text.split())[:300])


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"
    if unit == "bytes":
        if value >= MB:
            return f"{value / MB:.2f} MB"
        return f"{value / 1000:.1f} kB"
    if unit == "x":
        return f"{value:.1f}x"
    return f"{value:g}"


def format_table(rows: list[Row]) -> str:
    header = ("section", "measure", "median", "runs", "reference", "ratio", "budget", "result")
    lines = [
        (
            row.section,
            row.name,
            format_value(row.value, row.unit) if not row.error else "-",
            str(row.runs),
            row.reference,
            "-" if row.ratio is None else f"{row.ratio:.2f}x",
            row.budget.describe(row.unit) if row.budget else "",
            row.result,
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def join(cells) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    out = [join(header), join("-" * width for width in widths), *map(join, lines)]
    notes = [(row, row.error or row.note) for row in rows if row.error or row.note]
    if notes:
        out.append("")
        out.extend(f"* {row.section} / {row.name}: {text}" for row, text in notes)
    return "\n".join(out).rstrip() + "\n"


def summary_line(rows: list[Row]) -> str:
    results = [row.result for row in rows]
    return (
        f"{results.count('PASS')} PASS, {results.count('MISS')} MISS, "
        f"{results.count('ERROR')} ERROR, {results.count('-')} without a budget"
    )


FLOOR_TEMPLATE = '''"""Framework floor: one plotly chart, one table, nothing else."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

DEFAULTS = {{"rows": {rows}, "cols": {cols}, "points": {points}}}
LIMIT = 5_000_000


def size(name):
    try:
        return min(max(int(st.query_params.get(name, DEFAULTS[name])), 0), LIMIT)
    except ValueError:
        return DEFAULTS[name]


@st.cache_resource
def content(rows, cols, points):
    # Cached like the app's snapshot, so a session pays for rendering, not for making data.
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.random((rows, cols)), columns=[f"c{{i}}" for i in range(cols)])
    figure = None
    if points:
        # Python lists serialise as JSON numbers, like the app's outlines (numpy would be base64).
        xs = np.linspace(0.0, 1.0, points).tolist()
        ys = rng.random(points).tolist()
        figure = go.Figure(go.Scatter(x=xs, y=ys, mode="lines"))
    return table, figure


st.set_page_config(page_title="Framework floor", layout="wide")
st.title("Framework floor")
table, figure = content(size("rows"), size("cols"), size("points"))
if figure is not None:
    st.plotly_chart(figure, key="floor_chart")
if len(table.columns):
    st.dataframe(table, key="floor_table")
'''


def floor_script(rows: int, cols: int, points: int) -> str:
    """Source of the floor app; query parameters ``rows``, ``cols``, ``points`` override sizes."""
    return FLOOR_TEMPLATE.format(rows=int(rows), cols=int(cols), points=int(points))


def floor_query(rows: int, cols: int, points: int) -> str:
    return f"?rows={rows}&cols={cols}&points={points}"


def count_values(node, in_array: bool = False) -> int:
    """Numbers inside arrays of a plotly figure's JSON (base64 typed arrays counted by item)."""
    if isinstance(node, bool):
        return 0
    if isinstance(node, int | float):
        return 1 if in_array else 0
    if isinstance(node, list):
        return sum(count_values(item, True) for item in node)
    if isinstance(node, dict):
        if isinstance(node.get("bdata"), str) and "dtype" in node:
            import numpy as np

            return len(base64.b64decode(node["bdata"])) // np.dtype(node["dtype"]).itemsize
        return sum(count_values(item) for item in node.values())  # a dict's scalars are not data
    return 0


def figure_values(spec: str) -> int:
    return count_values(json.loads(spec).get("data", []))


def floor_points(values: int) -> int:
    """The floor draws x and y lists, two numbers a point: as many numbers as the page's figure."""
    return 0 if values <= 0 else max(1, values // 2)


def rss_from_status(text: str, field_name: str = "VmRSS") -> int:
    """Bytes from a /proc/<pid>/status field such as ``VmRSS:  123456 kB``."""
    for line in text.splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) * 1024
    raise BenchError(f"no {field_name} in /proc status")


def shares(selected: list[str], limit_s: float) -> dict[str, float]:
    """Seconds each selected section may spend; tour sections share their pooled time."""
    total = sum(WEIGHTS[name] for name in selected)
    out = {name: limit_s * WEIGHTS[name] / total for name in selected}
    tour = sum(out[name] for name in selected if name in TOUR_SECTIONS)
    out.update({name: tour for name in selected if name in TOUR_SECTIONS})
    return out


class Pacer:
    """Allows another run while the section's time, plus one more average run, fits its share."""

    def __init__(self, runs: int, share_s: float, clock: Callable[[], float] = time.perf_counter):
        self.runs, self.share_s, self.clock = runs, share_s, clock
        self.started = clock()

    def another(self, done: int) -> bool:
        if done >= self.runs:
            return False
        if done == 0:
            return True
        elapsed = self.clock() - self.started
        return elapsed + elapsed / done <= self.share_s

    def repeat(self) -> Iterator[int]:
        done = 0
        while self.another(done):
            yield done
            done += 1


# ---------------------------------------------------------------- measuring helpers


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


@dataclass
class PageShape:
    """What a page draws, read from the AppTest element tree of one run."""

    url_path: str
    rows: int = 0
    cols: int = 0
    values: int = 0  # numbers in the largest plotly figure's data arrays
    figure_bytes: int = 0  # JSON size of that figure
    charts: int = 0
    first_run_s: float = 0.0
    error: str = ""

    @property
    def points(self) -> int:
        return floor_points(self.values)

    @property
    def query(self) -> str:
        return floor_query(self.rows, self.cols, self.points)


def _page_script(url_path: str, seat: str, boundary_set: str) -> None:
    """Runs inside AppTest as a script: draw one page for one selection (as tests/test_app.py)."""
    from dashboard.topics import registry
    from dashboard.ui.state import Selection

    spec = next(p for p in registry.PAGES if p.url_path == url_path)
    spec.render(Selection(seat, boundary_set))


def _page_with_sidebar(url_path: str) -> None:
    """Runs inside AppTest: the app's real sidebar controls, then one page."""
    from dashboard.topics import registry
    from dashboard.ui import state

    spec = next(p for p in registry.PAGES if p.url_path == url_path)
    spec.render(state.sidebar_selection())


def _apptest_page(url_path: str):
    from streamlit.testing.v1 import AppTest

    from dashboard import geography

    return AppTest.from_function(
        _page_script,
        kwargs={
            "url_path": url_path,
            "seat": geography.DEFAULT_SEAT,
            "boundary_set": geography.DEFAULT_SET,
        },
        default_timeout=APPTEST_TIMEOUT_S,
    )


def _apptest_floor(path: Path, shape: PageShape):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=APPTEST_TIMEOUT_S)
    at.query_params["rows"] = str(shape.rows)
    at.query_params["cols"] = str(shape.cols)
    at.query_params["points"] = str(shape.points)
    return at


def _run_clean(at) -> float:
    elapsed = _timed(at.run)
    if at.exception:
        raise BenchError("; ".join(str(e.value)[:200] for e in at.exception))
    return elapsed


def _shape_of(url_path: str, at, elapsed: float) -> PageShape:
    shape = PageShape(url_path, first_run_s=elapsed)
    frames = [element.value for element in at.dataframe]
    if frames:
        largest = max(frames, key=lambda f: len(f) * max(len(f.columns), 1))
        shape.rows, shape.cols = len(largest), len(largest.columns)
    specs = [element.proto.spec for element in at.get("plotly_chart")]
    shape.charts = len(specs)
    if specs:
        sized = [(figure_values(spec), len(spec.encode())) for spec in specs]
        shape.values, shape.figure_bytes = max(sized)
    return shape


class Context:
    """What several sections share within one invocation: the page shapes and the floor app."""

    def __init__(self, workdir: Path, runs: int = 1, shares_s: dict[str, float] | None = None):
        self.workdir = workdir
        self.runs = runs
        self.shares_s = shares_s or {}
        self._shapes: list[PageShape] | None = None
        self._floor: Path | None = None
        self._tours: list[dict] | None = None
        self._tour_error: Exception | None = None

    def shapes(self) -> list[PageShape]:
        if self._shapes is None:
            from dashboard.topics import registry

            self._shapes = []
            for spec in registry.PAGES:
                _log(f"probe /{spec.url_path}")
                at = _apptest_page(spec.url_path)
                try:
                    shape = _shape_of(spec.url_path, at, _run_clean(at))
                except Exception as error:  # a broken page is one ERROR row, not a lost table
                    shape = PageShape(spec.url_path, error=f"{type(error).__name__}: {error}")
                self._shapes.append(shape)
        return self._shapes

    def pacer(self, section: str) -> Pacer:
        return Pacer(self.runs, self.shares_s.get(section, float("inf")))

    def floor(self) -> Path:
        if self._floor is None:
            shapes = [s for s in self.shapes() if not s.error] or [PageShape("none")]
            first = shapes[0]  # the app's default page: "/" on the floor matches "/" on the app
            self._floor = self.workdir / "floor_app.py"
            self._floor.write_text(floor_script(first.rows, first.cols, first.points))
        return self._floor


# ---------------------------------------------------------------- servers and browser

_LIVE: list[subprocess.Popen] = []


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if process in _LIVE:
        _LIVE.remove(process)


def _stop_all() -> None:
    for process in list(_LIVE):
        _stop(process)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``streamlit run SCRIPT`` on 127.0.0.1, timed from process start, always stopped."""

    def __init__(self, script: Path):
        self.script = script
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)

    def __enter__(self) -> "Server":
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(self.script),
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=settings.REPO_ROOT,  # the same .streamlit/config.toml for the app and the floor
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        _LIVE.append(self.process)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise BenchError(f"streamlit run {self.script.name} did not start: {self.output()}")

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-1500:]

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            _stop(self.process)
        self._log.close()

    def rss(self, field_name: str = "VmRSS") -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return rss_from_status(status, field_name)


def static_bytes(urls: list[str], root: Path | None = None) -> int:
    """Size of the frontend files behind these URLs, read from Streamlit's static folder.

    Counted from disk rather than asked of the browser: one call per request would slow the
    very page views being timed. Streamlit serves these files uncompressed.
    """
    if root is None:
        import streamlit

        root = Path(streamlit.__file__).parent / "static"
    total = 0
    for url in urls:
        path = urllib.parse.urlsplit(url).path
        if path.startswith("/static/") or path == "/favicon.png":
            file = root / path.lstrip("/")
            total += file.stat().st_size if file.is_file() else 0
    return total


def _is_script_finished(payload: bytes) -> bool:
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        message = ForwardMsg.FromString(payload)
    except DecodeError:
        return False
    return (
        message.WhichOneof("type") == "script_finished"
        and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
    )


@dataclass
class Visit:
    """One page view in a fresh browser context."""

    page: object
    context: object
    opened: float
    received: int = 0
    finished: float | None = None
    chart: float | None = None
    files: list[str] = field(default_factory=list)  # URLs of the HTTP requests (static files)

    @property
    def shown(self) -> float:
        """When the page was shown: its first chart, or the script's finish without charts."""
        return self.chart or self.finished

    def on_frame(self, payload) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        self.received += len(data)
        if self.finished is None and _is_script_finished(data):
            self.finished = time.perf_counter()


def _new_context(browser):
    return browser.new_context(viewport={"width": 1400, "height": 2200})


def _open(browser, url: str, context=None) -> Visit:
    """A view in a fresh browser context (empty cache), or in ``context`` when given."""
    page = (context or _new_context(browser)).new_page()
    visit = Visit(page, page.context, time.perf_counter())
    page.on("websocket", lambda ws: ws.on("framereceived", visit.on_frame))
    page.on("request", lambda request: visit.files.append(request.url))
    page.goto(url, wait_until="commit", timeout=VISIT_TIMEOUT_S * 1000)
    return visit


def _await(visit: Visit, *, chart: bool, deadline: float | None = None) -> Visit:
    """Wait for the first chart (when one is expected) and the script's successful finish."""
    deadline = deadline or visit.opened + VISIT_TIMEOUT_S
    if chart and visit.chart is None:
        left_ms = max(deadline - time.perf_counter(), 0.1) * 1000
        visit.page.wait_for_selector(".js-plotly-plot", state="attached", timeout=left_ms)
        visit.chart = time.perf_counter()
    while visit.finished is None:
        if time.perf_counter() > deadline:
            raise BenchError(f"{visit.page.url}: no finished script run in time")
        visit.page.wait_for_timeout(25)
    return visit


def _view(browser, url: str, *, chart: bool, context=None) -> Visit:
    visit = _await(_open(browser, url, context), chart=chart)
    visit.page.wait_for_timeout(300)  # frames that trail the finish message still count
    if context is None:
        visit.context.close()
    else:
        visit.page.close()
    return visit


@contextlib.contextmanager
def _chromium() -> Iterator[object]:
    if not Path(CHROMIUM).is_file():
        raise BenchError(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _tour(browser, script: Path, shapes: list[PageShape], *, floor: bool, sessions: bool) -> dict:
    """Fresh server: cold first view, one view of every page, then many sessions at once."""
    result: dict = {"pages": {}}
    first = shapes[0]

    def page_path(shape: PageShape) -> str:
        return "/" + shape.query if floor else f"/{shape.url_path}"  # the floor at this size

    with Server(script) as server:
        result["ready_s"] = time.perf_counter() - server.started
        time.sleep(1)  # let the import settle before reading the resting size
        result["rss_start"] = server.rss()
        visit = _await(_open(browser, server.url + "/"), chart=first.charts > 0)
        result["cold_s"] = visit.shown - server.started
        result["cold_finished_s"] = visit.finished - server.started
        visit.page.wait_for_timeout(300)
        result["rss_1"] = server.rss()
        _log(f"{script.name}: cold first view {result['cold_s']:.1f} s")
        visit.context.close()
        for shape in shapes:
            url = server.url + page_path(shape)
            view = _view(browser, url, chart=shape.charts > 0)
            _log(
                f"{script.name} /{shape.url_path}: finished "
                f"{view.finished - view.opened:.1f} s, {view.received / 1000:.0f} kB"
            )
            result["pages"][shape.url_path] = {
                "first_chart_s": view.shown - view.opened,
                "finished_s": view.finished - view.opened,
                "bytes": view.received,
                "files": len(view.files),
                "static_bytes": static_bytes(view.files),
            }
        # A returning visitor: Streamlit marks its hashed frontend files immutable, so a
        # browser that has shown a page once loads none of them again. The first view fills
        # the context's cache; the second is timed.
        returning = _new_context(browser)
        try:
            for shape in shapes:
                url = server.url + page_path(shape)
                _view(browser, url, chart=shape.charts > 0, context=returning)
                again = _view(browser, url, chart=shape.charts > 0, context=returning)
                result["pages"][shape.url_path]["cached_chart_s"] = again.shown - again.opened
        finally:
            returning.close()
        if sessions:
            visits = []
            try:
                for index in range(SESSIONS):
                    shape = shapes[index % len(shapes)]
                    visits.append(_open(browser, server.url + page_path(shape)))
                deadline = time.perf_counter() + SESSIONS_TIMEOUT_S
                for visit in visits:
                    _await(visit, chart=False, deadline=deadline)  # server-side work is done
                _log(f"{script.name}: {SESSIONS} sessions rendered")
                time.sleep(1)
                result["rss_20"] = server.rss()
                result["rss_peak"] = server.rss("VmHWM")
            finally:
                for visit in visits:
                    visit.context.close()
    return result


# ---------------------------------------------------------------- sections


def bench_build(ctx: Context) -> list[Row]:
    sources = settings.sources_dir()
    if sources is None or not sources.is_dir():
        raise BenchError(f"no sources folder; set {settings.SOURCES_ENV}")

    def build(data: Path) -> float:
        command = [sys.executable, "-m", "dashboard", "build", "--data", str(data)]
        start = time.perf_counter()
        done = subprocess.run(
            command,
            cwd=settings.REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            env={**os.environ, settings.SOURCES_ENV: str(sources)},
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise BenchError(f"build exited {done.returncode}: {done.stderr[-800:]}")
        return elapsed

    full, unchanged = [], []
    for run in ctx.pacer("build").repeat():
        with tempfile.TemporaryDirectory(dir=ctx.workdir) as folder:
            data = Path(folder) / "data"
            full.append(build(data))
            unchanged.append(build(data))
        _log(f"build run {run + 1}: full {full[-1]:.1f} s, no-change {unchanged[-1]:.2f} s")
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
    floor = ctx.floor()
    good = [s for s in shapes if not s.error]
    for shape in good:  # warm the floor's cache for every size, as the probe warmed the pages
        _run_clean(_apptest_floor(floor, shape))
    times = {s.url_path: [] for s in good}
    floors = {s.url_path: [] for s in good}
    app_times, app_floor = [], []
    for run in ctx.pacer("render").repeat():
        for shape in good:
            times[shape.url_path].append(_run_clean(_apptest_page(shape.url_path)))
            floors[shape.url_path].append(_run_clean(_apptest_floor(floor, shape)))
        app_times.append(_run_clean(AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S)))
        app_floor.append(_run_clean(_apptest_floor(floor, good[0])))
        _log(f"render run {run + 1}")
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
        _run_clean(at)
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
            elapsed.append(_run_clean(at))
            fresh = (seat, boundary_set) not in seen
            seen.add((seat, boundary_set))
            (first_seen if fresh else repeats).append(elapsed[-1])
        return elapsed

    rows = []
    targets = [
        (
            f"/{spec.url_path}: seat/boundary change",
            lambda path=spec.url_path: AppTest.from_function(
                _page_with_sidebar, kwargs={"url_path": path}, default_timeout=APPTEST_TIMEOUT_S
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
    _log(f"interaction {name}: {value * 1000:.0f} ms")
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
        key, labels = spec.tabs
        if len(labels) < 2:
            continue
        name = f"/{spec.url_path}: open each tab"
        try:
            at = AppTest.from_function(
                _page_with_sidebar,
                kwargs={"url_path": spec.url_path},
                default_timeout=APPTEST_TIMEOUT_S,
            )
            _run_clean(at)
            values = []
            for label in [*labels[1:], labels[0]]:
                at.session_state[key] = label
                values.append(_run_clean(at))
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
    floor = ctx.floor()
    tours = []
    with _chromium() as browser:
        for run in ctx.pacer("coldstart").repeat():
            pair = {}
            order = [("app", APP), ("floor", floor)]
            for label, script in order if run % 2 == 0 else order[::-1]:  # alternate who goes first
                pair[label] = _tour(
                    browser,
                    script,
                    shapes,
                    floor=label == "floor",
                    sessions=sessions and label == "app",
                )
            tours.append(pair)
            _log(
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


def _parse_raw(dataset_id: str) -> dict:
    from dashboard.core import build, catalogue

    publication = catalogue.get(dataset_id)
    inputs = build.resolve_inputs(publication, settings.sources_dir())
    module = build.parser_module(publication)
    return module.parse([path for _, path in inputs], dataset=publication.id)


def _load_snapshot(tables: list[tuple[str, str]]) -> dict[str, dict]:
    from dashboard.ui import data

    loaded: dict[str, dict] = {}
    for dataset_id, name in tables:
        loaded.setdefault(dataset_id, {})[name] = data.table(dataset_id, name)
    return loaded


def tables_read(url_path: str) -> list[tuple[str, str]]:
    """The snapshot tables a page reads, recorded around one run with the process caches empty."""
    import streamlit as st

    from dashboard.core import store

    seen: set[tuple[str, str]] = set()
    original = store.Snapshot.table

    def recording(snapshot, dataset_id, name, *args, **kwargs):
        seen.add((dataset_id, name))
        return original(snapshot, dataset_id, name, *args, **kwargs)

    # Every per-process cache, view models included: a cached model would hide its reads.
    st.cache_resource.clear()
    store.Snapshot.table = recording
    try:
        _run_clean(_apptest_page(url_path))
    finally:
        store.Snapshot.table = original
    return sorted(seen)


def _headline(page: str, tables: dict[str, dict]) -> tuple:
    """What the page shows first: the seat's population and neighbours; the 4-hour figures."""
    from dashboard import geography

    seat = geography.SEATS[geography.DEFAULT_SEAT]
    code = seat.codes[geography.DEFAULT_SET]
    if page == "overview":
        population = tables["ons_pcon_population"]["observations"]
        rows = population[
            (population["area_code"] == code) & (population["measure"] == "population_all_ages")
        ]
        latest = rows.loc[rows["period_end"].idxmax()]
        boundaries = tables["ons_pcon_boundaries"][geography.DEFAULT_SET]
        near = geography.neighbours(boundaries, code)
        return (float(latest["value"]), tuple(sorted(near)), len(tables["named_sites"]["sites"]))
    monthly = tables["nhse_ae_monthly"]["observations"]
    shown = []
    for area in ("RX1", "E92000001"):
        rows = monthly[
            (monthly["area_code"] == area) & (monthly["measure"] == "pct_within_4h_all")
        ].dropna(subset=["value"])
        latest = rows.loc[rows["period_start"].idxmax()]
        shown.append((area, str(latest["period_start"].date()), round(float(latest["value"]), 4)))
    return tuple(shown)


def bench_naive(ctx: Context) -> list[Row]:
    from dashboard.topics import registry
    from dashboard.ui import data

    if settings.sources_dir() is None:
        raise BenchError(f"no sources folder; set {settings.SOURCES_ENV}")
    registered = {spec.url_path for spec in registry.PAGES}
    rows = []
    for page, url_path in NAIVE_PAGES.items():
        if url_path not in registered:
            rows.append(error_row("naive", page, f"no page /{url_path} in the registry"))
            continue
        tables = sorted(set(tables_read(url_path)) | set(HEADLINE_TABLES[page]))
        datasets = sorted({dataset_id for dataset_id, _ in tables})
        raw_times, cold_times, warm_times = [], [], []
        values = set()
        for _ in ctx.pacer("naive").repeat():
            start = time.perf_counter()
            values.add(_headline(page, {d: _parse_raw(d) for d in datasets}))
            raw_times.append(time.perf_counter() - start)
            data.table.clear()  # the first view after a cold start reads the Parquet files
            data.snapshot.clear()
            start = time.perf_counter()
            values.add(_headline(page, _load_snapshot(tables)))
            cold_times.append(time.perf_counter() - start)
            start = time.perf_counter()  # every later view: the process-wide cache
            values.add(_headline(page, _load_snapshot(tables)))
            warm_times.append(time.perf_counter() - start)
        if len(values) != 1:
            rows.append(error_row("naive", page, f"raw and snapshot headlines differ: {values}"))
            continue
        raw = median(raw_times)
        rows.append(
            Row(
                "naive",
                f"{page}: raw files parsed per view",
                raw,
                "s",
                len(raw_times),
                note=(
                    f"parses {', '.join(datasets)}; the page reads {len(tables)} snapshot "
                    f"tables; same headline both ways: {values.pop()}"
                ),
            )
        )
        for label, times, budget in [
            ("per view (cached loaders)", warm_times, Budget(NAIVE_MIN_SPEEDUP, at_least=True)),
            ("first view (Parquet read)", cold_times, None),
        ]:
            snapshot = median(times)
            rows.append(
                Row(
                    "naive",
                    f"{page}: snapshot {label}, speed-up",
                    raw / snapshot,
                    "x",
                    len(times),
                    reference=f"naive {format_value(raw, 's')} / {format_value(snapshot, 's')}",
                    ratio=raw / snapshot,
                    budget=budget,
                )
            )
        _log(f"naive {page}: raw {raw:.2f} s, snapshot {median(cold_times):.3f} s cold")
    return rows


# ---------------------------------------------------------------- entry point


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
            "render": lambda: bench_render(ctx),
            "interaction": lambda: bench_interaction(ctx),
            "coldstart": lambda: bench_coldstart(ctx, sessions=sessions),
            "memory": lambda: bench_memory(ctx),
            "bytes": lambda: bench_bytes(ctx, sessions=sessions),
            "naive": lambda: bench_naive(ctx),
        }
        rows: list[Row] = []
        for name in plan.only:
            _log(f"section {name}")
            started = time.perf_counter()
            try:
                rows.extend(sections[name]())
            except Exception as error:  # reported in the table and in the exit status
                rows.append(error_row(name, "(whole section)", error))
            except (KeyboardInterrupt, SystemExit):  # still print what was measured
                rows.append(error_row(name, "(whole section)", "interrupted"))
                break
            finally:
                _stop_all()
            _log(f"section {name} took {time.perf_counter() - started:.0f} s")
    return rows


def _on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    plan = parse_args(argv)
    atexit.register(_stop_all)
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
