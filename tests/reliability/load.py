"""Load test: N concurrent browser sessions browse every page of ``streamlit run`` for a while.

Run from the repository root::

    python -m tests.reliability.load [--sessions 25] [--seconds 60]

It starts ``streamlit run dashboard/app.py`` on a free port on 127.0.0.1, launches one Chromium
(Debian's, as the browser tests do) and opens one Playwright context per session. Every session
visits the pages of ``dashboard.views.registry.PAGES`` in rotation (``/<url_path>``), starting
on a different page, until the time is up. A page view counts as rendered when the page shows
no running indicator (``stStatusWidget``) and at least one ``stMainBlockContainer`` with an
element in it, still so 0.3 s later.
``--detect frames`` also waits for the server's ``script_finished`` message on the websocket; it
is exact, but decoding every frame of 25 sessions (in Playwright's driver and here) overloads a
two-core machine, so it is the default only for ``--navigate sidebar``, where the previous page
stays shown until the new run replaces it.

Errors: an exception element on the page (or in the websocket messages), an open dialog (the app
has none; Streamlit's "Page not found" is one), a navigation failure or timeout, a script run that
failed to compile, and every server log line containing "Traceback" or "Error". The server's RSS
(VmRSS of its process and all descendants) is sampled every second.

It is bounded: each view has a timeout, the whole run has a hard wall-clock limit of
``--seconds`` + 120 s (a watchdog kills whatever it started and exits), and the server and the
browser are always stopped, also on Ctrl-C or SIGTERM. Only 127.0.0.1 is used.

Exit status: 0 with no errors, 1 with errors, 2 when the server or browser could not start,
128 + signal number when interrupted, 3 when the hard limit was hit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dashboard.core import settings

CHROMIUM, CHROMIUM_ARGS = settings.CHROMIUM, settings.CHROMIUM_ARGS
HOST = "127.0.0.1"
HARD_LIMIT_EXTRA_S = 120  # the whole run never takes longer than --seconds plus this
SERVER_START_TIMEOUT_S = 45
SHUTDOWN_RESERVE_S = 20  # of the hard limit, kept for closing the browser and the server
VIEW_TIMEOUT_S = 60
WARMUP_MAX_S = 60  # memory is compared with its value after this warm-up (or half the run)
STABLE_TOLERANCE = 0.10
LOG_ERROR = re.compile(r"Traceback|Error")
DONE_JS = (
    "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"
    " && !!document.querySelector(\"[data-testid='stMainBlockContainer']\")"
)
# Without the websocket messages: a fresh document has no element yet, so also ask for one.
DONE_DOM_JS = (
    "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"
    " && !!document.querySelector("
    "\"[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']\")"
)
DOM_SETTLE_S = 0.3
SMALL_FRAME = 4096  # websocket frames larger than this are not decoded
EXCEPTION_SELECTOR = "[data-testid='stException']"
DIALOG_SELECTOR = "[role='dialog']"
MB = 1_000_000


def _log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes and memory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (every thread's children list), [] once it is gone."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError, ValueError):
                found.extend(int(c) for c in (task / "children").read_text().split())
    return found


def descendants(pid: int) -> list[int]:
    result, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in result:
                result.append(child)
                todo.append(child)
    return result


def rss_of(pid: int) -> int:
    """VmRSS in bytes of ``pid``; 0 when it is gone (or a zombie without memory)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def tree_rss(pid: int) -> int:
    return sum(rss_of(p) for p in [pid, *descendants(pid)])


def cpu_of(pid: int) -> float:
    """CPU seconds of ``pid`` and of its children it has reaped; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pids: list[int]) -> float:
    return sum(cpu_of(p) for p in pids)


class Server:
    """``streamlit run dashboard/app.py`` on 127.0.0.1, its log collected line by line."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen | None = None
        self.lines: list[tuple[float, str]] = []
        self._reader: threading.Thread | None = None

    def start(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard/app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                HOST,
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=settings.REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopped as one, never by Ctrl-C's group
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        tail = "".join(line for _, line in self.lines[-30:])
        raise RuntimeError(f"streamlit did not start within {timeout_s:g} s:\n{tail}")

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in self.process.stdout:
            self.lines.append((time.monotonic(), raw.decode(errors="replace")))

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def error_lines(self) -> list[str]:
        return [line.rstrip() for _, line in self.lines if LOG_ERROR.search(line)]

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if self._reader is not None:
            self._reader.join(timeout=5)


class Sampler:
    """The server's RSS (with descendants) once a second, in a thread of its own."""

    def __init__(self, pid: int, interval_s: float = 1.0) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.samples: list[tuple[float, int]] = []  # (monotonic time, bytes)
        self.cpu: list[tuple[float, float, float]] = []  # (time, server s, browser s)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            server = [self.pid, *descendants(self.pid)]
            rss = sum(rss_of(p) for p in server)
            now = time.monotonic()
            if rss:
                self.samples.append((now, rss))
            browser = [p for p in descendants(os.getpid()) if p not in server]
            self.cpu.append((now, tree_cpu(server), tree_cpu(browser)))
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class Watchdog:
    """At the hard limit: SIGKILL every process this one started (server, driver, Chromium)."""

    def __init__(self, limit_s: float, server: Server) -> None:
        self.limit_s = limit_s
        self.server = server
        self._timer = threading.Timer(limit_s, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        print(
            f"load test: hard limit of {self.limit_s:.0f} s reached; killing the server and "
            "the browser",
            file=sys.stderr,
            flush=True,
        )
        if self.server.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGKILL)
        for pid in reversed(descendants(os.getpid())):  # ours only: started by this process
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os._exit(3)


# ---------------------------------------------------------------- the sessions


@dataclass
class View:
    session: int
    page: str
    started: float  # seconds since the load began
    seconds: float | None  # time to finished render; None when it failed
    error: str | None = None
    first: bool = False  # the session's first view (a cold browser context)
    connect_s: float | None = None  # navigation start to the websocket opening (browser side)
    run_s: float | None = None  # websocket (or click) to the finished script run (server side)


class Frames:
    """Watches one page's websocket messages: script-run finishes and exception elements."""

    def __init__(self, watching: bool = True) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.watching = watching  # False: the page's DOM alone says when a run finished
        self._forward = ForwardMsg
        self.finishes: list[int] = []
        self.exceptions = 0
        self.opened: float | None = None  # perf_counter when the latest websocket opened

    def attach(self, websocket) -> None:
        self.opened = time.perf_counter()
        websocket.on("framereceived", self.on_frame)

    def on_frame(self, payload) -> None:
        from google.protobuf.message import DecodeError

        if len(payload) > SMALL_FRAME:  # deltas with data; finishes and exceptions are small
            return
        data = payload.encode() if isinstance(payload, str) else payload
        try:
            message = self._forward.FromString(data)
        except DecodeError:
            return
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            self.finishes.append(message.script_finished)
        elif (
            kind == "delta"
            and message.delta.WhichOneof("type") == "new_element"
            and message.delta.new_element.WhichOneof("type") == "exception"
        ):
            self.exceptions += 1

    @property
    def succeeded(self) -> set[int]:
        names = ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
        return {getattr(self._forward, n) for n in names if hasattr(self._forward, n)}

    @property
    def failed(self) -> set[int]:
        return {self._forward.FINISHED_WITH_COMPILE_ERROR}


async def view_page(page, frames: Frames, go, timeout_s: float, timing: dict) -> float:
    """Navigate with ``go()`` and wait for the finished render; seconds taken, or raise.

    ``timing`` receives ``connect_s`` (to the websocket opening, on a full load) and ``run_s``
    (from then, or from the click, to the finished script run) as they become known.
    """
    before, exceptions = len(frames.finishes), frames.exceptions
    opened_before = frames.opened
    started = time.perf_counter()
    deadline = started + timeout_s
    await go()
    ok, bad = frames.succeeded, frames.failed
    while frames.watching:
        new = frames.finishes[before:]
        if frames.opened != opened_before and "connect_s" not in timing:
            timing["connect_s"] = frames.opened - started
        if any(status in bad for status in new):
            raise AssertionError("the script run failed to compile")
        if any(status in ok for status in new):
            break
        if time.perf_counter() > deadline:
            where = "after the websocket opened" if "connect_s" in timing else "no websocket"
            raise TimeoutError(f"no finished script run within {timeout_s:g} s ({where})")
        await asyncio.sleep(0.02)
    if frames.watching:
        timing["run_s"] = time.perf_counter() - started - timing.get("connect_s", 0.0)
    done_js = DONE_JS if frames.watching else DONE_DOM_JS
    while True:
        left_ms = max(deadline - time.perf_counter(), 0.5) * 1000
        await page.wait_for_function(done_js, timeout=left_ms)
        seconds = time.perf_counter() - started
        if frames.watching:
            break
        await asyncio.sleep(DOM_SETTLE_S)  # the DOM alone: still done a moment later?
        if await page.evaluate(done_js):
            break
    shown = await page.locator(EXCEPTION_SELECTOR).count()
    if shown or frames.exceptions > exceptions:
        raise AssertionError(
            f"exception on the page ({shown} shown, {frames.exceptions - exceptions} sent)"
        )
    dialogs = await page.locator(DIALOG_SELECTOR).all_inner_texts()
    if dialogs:  # the app opens none: this is Streamlit's "Page not found" or similar
        raise AssertionError("dialog open: " + " | ".join(" ".join(d.split()) for d in dialogs))
    return seconds


async def run_session(
    browser,
    index: int,
    base_url: str,
    paths: list[str],
    urls: dict[str, str],
    began: float,
    end_at: float,
    views: list[View],
    *,
    navigate: str,
    detect: str,
    view_timeout_s: float,
) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        frames = Frames(watching=detect == "frames")
        if frames.watching:
            page.on("websocket", frames.attach)
        step = 0
        while time.monotonic() < end_at:
            path = paths[(index + step) % len(paths)]
            url = f"{base_url}/{urls[path]}"
            if navigate == "sidebar" and step > 0:
                link = page.locator(f"[data-testid='stSidebarNav'] a[href='{url}']")

                async def go(link=link):
                    await link.click(timeout=view_timeout_s * 1000)

            else:

                async def go(url=url):
                    await page.goto(url, wait_until="commit", timeout=view_timeout_s * 1000)

            started = time.monotonic() - began
            timing: dict = {}
            try:
                seconds = await view_page(page, frames, go, view_timeout_s, timing)
                views.append(View(index, path, started, seconds, first=step == 0, **timing))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # every failure is a counted error, then carry on
                text = [line.strip() for line in str(error).splitlines() if line.strip()]
                message = f"{type(error).__name__}: {text[0][:200] if text else ''}"
                if len(text) > 1:  # Playwright's call log: its last step says what blocked
                    message += f" ... {text[-1][:200]}"
                views.append(View(index, path, started, None, message, first=step == 0, **timing))
                _log(f"session {index} /{path}: {message}")
                if navigate == "sidebar":
                    step = -1  # start over from a fresh document on the next page
            step += 1
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(context.close(), timeout=10)


# ---------------------------------------------------------------- figures


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0-100) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def slope_mb_per_min(samples: list[tuple[float, int]]) -> float | None:
    if len(samples) < 3:
        return None
    xs = [t for t, _ in samples]
    ys = [rss / MB for _, rss in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return cov / var * 60


@dataclass
class Summary:
    sessions: int
    seconds: float
    navigate: str
    detect: str
    browser_nice: int
    cpus: int
    load_before: float
    load_average: float = 0.0
    views_attempted: int = 0
    views_served: int = 0
    view_errors: int = 0
    log_errors: int = 0
    errors: int = 0
    p50_s: float | None = None
    p95_s: float | None = None
    p50_warm_s: float | None = None
    p95_warm_s: float | None = None
    max_s: float | None = None
    connect_p50_s: float | None = None
    connect_p95_s: float | None = None
    run_p50_s: float | None = None
    run_p95_s: float | None = None
    server_cpu_pct: float | None = None  # of one core, over the load
    browser_cpu_pct: float | None = None
    rss_start: int | None = None
    rss_warm: int | None = None
    warmup_s: float | None = None
    rss_peak: int | None = None
    rss_end: int | None = None
    rss_after: int | None = None
    slope_mb_min: float | None = None
    memory_stable: bool | None = None
    interrupted: str | None = None
    per_page: dict = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)


def summarise(
    summary: Summary,
    views: list[View],
    samples: list[tuple[float, int]],
    cpu: list[tuple[float, float, float]],
    log_errors: list[str],
    began: float | None,
    load_end: float | None,
    paths: list[str],
) -> Summary:
    served = [v for v in views if v.error is None]
    times = [v.seconds for v in served if v.seconds is not None]
    warm = [v.seconds for v in served if v.seconds is not None and not v.first]
    summary.views_attempted = len(views)
    summary.views_served = len(served)
    summary.view_errors = len(views) - len(served)
    summary.log_errors = len(log_errors)
    summary.errors = summary.view_errors + summary.log_errors
    summary.p50_s, summary.p95_s = percentile(times, 50), percentile(times, 95)
    summary.p50_warm_s, summary.p95_warm_s = percentile(warm, 50), percentile(warm, 95)
    summary.max_s = max(times) if times else None
    connects = [v.connect_s for v in served if v.connect_s is not None]
    runs = [v.run_s for v in served if v.run_s is not None]
    summary.connect_p50_s, summary.connect_p95_s = (
        percentile(connects, 50),
        percentile(connects, 95),
    )
    summary.run_p50_s, summary.run_p95_s = percentile(runs, 50), percentile(runs, 95)
    if began is not None:
        window = [c for c in cpu if began <= c[0] <= (load_end or c[0])]
        if len(window) >= 2 and window[-1][0] > window[0][0]:
            wall = window[-1][0] - window[0][0]
            summary.server_cpu_pct = (window[-1][1] - window[0][1]) / wall * 100
            summary.browser_cpu_pct = (window[-1][2] - window[0][2]) / wall * 100
    for path in paths:
        here = [v for v in views if v.page == path]
        ok = [v.seconds for v in here if v.error is None and v.seconds is not None]
        summary.per_page[path] = {
            "views": len(ok),
            "errors": len(here) - len(ok),
            "p50_s": percentile(ok, 50),
            "p95_s": percentile(ok, 95),
        }
    summary.error_samples = [
        f"session {v.session} /{v.page} at {v.started:.0f} s: {v.error}" for v in views if v.error
    ][:10] + [f"server log: {line[:200]}" for line in log_errors[:10]]
    if samples and began is not None:
        load_end = load_end or samples[-1][0]
        during = [(t - began, rss) for t, rss in samples if began <= t <= load_end]
        summary.rss_start = next((rss for t, rss in samples if t >= began), samples[0][1])
        summary.rss_peak = max(rss for _, rss in samples)
        summary.rss_end = during[-1][1] if during else None
        summary.rss_after = samples[-1][1]
        summary.warmup_s = min(WARMUP_MAX_S, summary.seconds / 2)
        after = [(t, rss) for t, rss in during if t >= summary.warmup_s]
        if after and summary.rss_end:
            summary.rss_warm = after[0][1]
            summary.slope_mb_min = slope_mb_per_min(after)
            change = abs(summary.rss_end - summary.rss_warm) / summary.rss_warm
            summary.memory_stable = change <= STABLE_TOLERANCE
    return summary


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / MB:.0f} MB"


def format_table(s: Summary) -> str:
    if s.memory_stable is None:
        stable = "not measured (too few samples after the warm-up)"
    else:
        change = (s.rss_end - s.rss_warm) / s.rss_warm * 100
        slope = "-" if s.slope_mb_min is None else f"{s.slope_mb_min:+.1f} MB/min"
        verdict = "stable" if s.memory_stable else "NOT stable"
        stable = (
            f"{verdict}: end {change:+.1f}% vs {_mb(s.rss_warm)} at {s.warmup_s:.0f} s "
            f"(limit ±{STABLE_TOLERANCE:.0%}); slope after warm-up {slope}"
        )
    rows = [
        (
            "sessions",
            f"{s.sessions} (one Chromium, nice {s.browser_nice}; {s.navigate}, {s.detect})",
        ),
        (
            "duration",
            f"{s.seconds:g} s" + (f" (interrupted: {s.interrupted})" if s.interrupted else ""),
        ),
        (
            "machine",
            f"{s.cpus} CPUs, load average {s.load_before:.1f} before, {s.load_average:.1f} after",
        ),
        ("page views served", f"{s.views_served} of {s.views_attempted} attempted"),
        ("errors", f"{s.errors} ({s.view_errors} in page views, {s.log_errors} server log lines)"),
        ("render time p50 / p95", f"{_s(s.p50_s)} / {_s(s.p95_s)} (max {_s(s.max_s)})"),
        ("  excluding first views", f"{_s(s.p50_warm_s)} / {_s(s.p95_warm_s)}"),
        ("  to websocket (browser)", f"{_s(s.connect_p50_s)} / {_s(s.connect_p95_s)}"),
        ("  then script run (server)", f"{_s(s.run_p50_s)} / {_s(s.run_p95_s)}"),
        (
            "CPU during the load",
            f"server {_pct(s.server_cpu_pct)}, browser {_pct(s.browser_cpu_pct)} of one core",
        ),
        ("server RSS start", _mb(s.rss_start)),
        ("server RSS peak", _mb(s.rss_peak)),
        ("server RSS end of load", _mb(s.rss_end)),
        ("server RSS sessions closed", _mb(s.rss_after)),
        ("memory", stable),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'figure'.ljust(width)}  value", f"{'-' * width}  {'-' * 40}"]
    lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
    lines += ["", "page                  views  errors  p50       p95"]
    for path, figures in s.per_page.items():
        lines.append(
            f"{path:<20}  {figures['views']:>5}  {figures['errors']:>6}  "
            f"{_s(figures['p50_s']):<8}  {_s(figures['p95_s'])}"
        )
    if s.error_samples:
        lines += ["", "first errors:"] + [f"  {line}" for line in s.error_samples]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- entry point


@dataclass
class Plan:
    sessions: int = 25
    seconds: float = 60.0
    navigate: str = "url"
    view_timeout_s: float = VIEW_TIMEOUT_S
    json_path: Path | None = None
    browser_nice: int = 10
    detect: str = "dom"


def parse_args(argv: list[str] | None = None) -> Plan:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.load", description=__doc__)
    parser.add_argument("--sessions", type=int, default=25, help="concurrent sessions (25)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of the load (60)")
    parser.add_argument(
        "--navigate",
        choices=("url", "sidebar"),
        default="url",
        help="url: load /<url_path> for every view (default); sidebar: one document per "
        "session, later pages by clicking the sidebar links",
    )
    parser.add_argument(
        "--detect",
        choices=("frames", "dom"),
        default=None,
        help="dom: the DOM alone, twice 0.3 s apart (default with --navigate url); frames: also "
        "the script_finished websocket message (exact, but decoding every frame of 25 sessions "
        "in this process and Playwright's driver overloads a small machine)",
    )
    parser.add_argument(
        "--view-timeout", type=float, default=VIEW_TIMEOUT_S, help="seconds per page view (60)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=10,
        choices=range(20),
        metavar="0-19",
        help="niceness of the browser (and this process) so it does not starve the server (10)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 200:
        parser.error("--sessions must be 1 to 200")
    if not 1 <= args.seconds <= 3600:
        parser.error("--seconds must be 1 to 3600")
    if args.detect is None:
        args.detect = "frames" if args.navigate == "sidebar" else "dom"
    if args.detect == "dom" and args.navigate == "sidebar":
        parser.error("--detect dom needs --navigate url (a click keeps the old page shown)")
    return Plan(
        args.sessions,
        args.seconds,
        args.navigate,
        args.view_timeout,
        args.json,
        args.browser_nice,
        args.detect,
    )


async def load(plan: Plan, server: Server, hard_deadline: float, summary: Summary) -> None:
    from playwright.async_api import async_playwright
    from streamlit import logger

    logger.set_log_level("error")  # importing the pages here warns about a missing runtime
    from dashboard.topics import registry

    paths = [spec.url_path for spec in registry.PAGES]
    # Every page has its own path (the bare address only forwards to /overview).
    urls = {path: path for path in paths}
    views: list[View] = []
    sampler: Sampler | None = None
    began = load_end = None
    try:
        _log(f"starting streamlit on {server.url}")
        await asyncio.to_thread(server.start)
        sampler = Sampler(server.pid)
        sampler.start()
        if plan.browser_nice:
            # The load generator shares the machine with the server: lower the priority of
            # this thread, so of the Playwright driver and Chromium it starts (they inherit it),
            # so that the browsers do not starve the server they measure. The server keeps 0.
            os.nice(plan.browser_nice)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                began = time.monotonic()
                end_at = began + plan.seconds
                _log(f"{plan.sessions} sessions over {len(paths)} pages for {plan.seconds:g} s")
                tasks = [
                    asyncio.create_task(
                        run_session(
                            browser,
                            index,
                            server.url,
                            paths,
                            urls,
                            began,
                            end_at,
                            views,
                            navigate=plan.navigate,
                            detect=plan.detect,
                            view_timeout_s=plan.view_timeout_s,
                        )
                    )
                    for index in range(plan.sessions)
                ]
                budget = hard_deadline - SHUTDOWN_RESERVE_S - time.monotonic()
                try:
                    done, pending = await asyncio.wait(tasks, timeout=max(budget, 1))
                except asyncio.CancelledError:  # Ctrl-C or SIGTERM: stop the sessions first
                    load_end = time.monotonic()
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    raise
                load_end = time.monotonic()
                for task in pending:  # views still running at the cut-off count as errors
                    task.cancel()
                    views.append(View(-1, "?", load_end - began, None, "cut off at hard limit"))
                await asyncio.gather(*pending, return_exceptions=True)
                for task in done:
                    if task.exception() is not None:
                        views.append(View(-1, "?", load_end - began, None, repr(task.exception())))
                _log(f"load over after {load_end - began:.0f} s; closing sessions")
                await asyncio.sleep(3)  # the server notices closed sessions; RSS afterwards
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(browser.close(), timeout=10)
    finally:
        if sampler is not None:
            sampler.stop()
        await asyncio.to_thread(server.stop)
        summarise(
            summary,
            views,
            sampler.samples if sampler else [],
            sampler.cpu if sampler else [],
            server.error_lines(),
            began,
            load_end,
            paths,
        )


def main(argv: list[str] | None = None) -> int:
    plan = parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"no Chromium at {CHROMIUM}: apt-get install -y chromium", file=sys.stderr)
        return 2
    limit_s = plan.seconds + HARD_LIMIT_EXTRA_S
    hard_deadline = time.monotonic() + limit_s
    server = Server()
    watchdog = Watchdog(limit_s, server)
    watchdog.start()
    summary = Summary(
        plan.sessions,
        plan.seconds,
        plan.navigate,
        plan.detect,
        plan.browser_nice,
        os.cpu_count() or 0,
        os.getloadavg()[0],
    )
    status = 0

    async def guarded() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        stop_reason: list[str] = []

        def on_signal(signum: int) -> None:
            if not stop_reason:
                stop_reason.append(signal.Signals(signum).name)
                assert task is not None
                task.cancel()

        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, on_signal, signum)
        try:
            await load(plan, server, hard_deadline, summary)
        except asyncio.CancelledError:
            summary.interrupted = stop_reason[0] if stop_reason else "cancelled"

    try:
        asyncio.run(guarded())
    except Exception as error:  # the server or the browser did not start
        print(f"load test: {type(error).__name__}: {error}", file=sys.stderr)
        status = 2
    finally:
        server.stop()
        watchdog.cancel()
    summary.load_average = os.getloadavg()[0]
    print(format_table(summary), end="", flush=True)
    if plan.json_path is not None:
        plan.json_path.write_text(json.dumps(asdict(summary), indent=2))
    if summary.interrupted:
        return 128 + getattr(signal, summary.interrupted, signal.SIGINT)
    return status or (1 if summary.errors or not summary.views_served else 0)


if __name__ == "__main__":
    sys.exit(main())
