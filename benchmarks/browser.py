"""Real servers and a real browser: ``streamlit run`` on 127.0.0.1 and headless Chromium
(Playwright), timing what a person waits for, and the bytes a view costs."""

import contextlib
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.apps import PageShape
from benchmarks.report import BenchError, log, rss_from_status
from dashboard.core import settings

SESSIONS = 20

CHROMIUM, CHROMIUM_ARGS = settings.CHROMIUM, settings.CHROMIUM_ARGS

SERVER_START_TIMEOUT_S = 90

VISIT_TIMEOUT_S = 90

SESSIONS_TIMEOUT_S = 240  # for all 20 sessions together

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


def stop_all() -> None:
    for process in list(_LIVE):
        _stop(process)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``streamlit run SCRIPT`` on 127.0.0.1, timed from process start, always stopped."""

    def __init__(self, script: Path, args: list[str] | None = None):
        self.script = script
        self.args = args or []  # the script's own arguments
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
                *self.args,
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


def new_context(browser):
    return browser.new_context(viewport={"width": 1400, "height": 2200})


def open_page(browser, url: str, context=None) -> Visit:
    """A view in a fresh browser context (empty cache), or in ``context`` when given."""
    page = (context or new_context(browser)).new_page()
    visit = Visit(page, page.context, time.perf_counter())
    page.on("websocket", lambda ws: ws.on("framereceived", visit.on_frame))
    page.on("request", lambda request: visit.files.append(request.url))
    page.goto(url, wait_until="commit", timeout=VISIT_TIMEOUT_S * 1000)
    return visit


def await_visit(visit: Visit, *, chart: bool, deadline: float | None = None) -> Visit:
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


def view_page(browser, url: str, *, chart: bool, context=None) -> Visit:
    visit = await_visit(open_page(browser, url, context), chart=chart)
    visit.page.wait_for_timeout(300)  # frames that trail the finish message still count
    if context is None:
        visit.context.close()
    else:
        visit.page.close()
    return visit


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).is_file():
        raise BenchError(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def tour(browser, script: Path, shapes: list[PageShape], *, floor: bool, sessions: bool) -> dict:
    """Fresh server: cold first view, one view of every page, then many sessions at once."""
    result: dict = {"pages": {}}
    first = shapes[0]

    def page_path(shape: PageShape) -> str:
        return "/" + shape.query if floor else f"/{shape.url_path}"  # the floor at this size

    # The floor's "/" draws the app's first page's sizes, so "/" on both compare like for like.
    with Server(script, first.floor_args if floor else None) as server:
        result["ready_s"] = time.perf_counter() - server.started
        time.sleep(1)  # let the import settle before reading the resting size
        result["rss_start"] = server.rss()
        visit = await_visit(open_page(browser, server.url + "/"), chart=first.charts > 0)
        result["cold_s"] = visit.shown - server.started
        result["cold_finished_s"] = visit.finished - server.started
        visit.page.wait_for_timeout(300)
        result["rss_1"] = server.rss()
        log(f"{script.name}: cold first view {result['cold_s']:.1f} s")
        visit.context.close()
        for shape in shapes:
            url = server.url + page_path(shape)
            view = view_page(browser, url, chart=shape.charts > 0)
            log(
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
        returning = new_context(browser)
        try:
            for shape in shapes:
                url = server.url + page_path(shape)
                view_page(browser, url, chart=shape.charts > 0, context=returning)
                again = view_page(browser, url, chart=shape.charts > 0, context=returning)
                result["pages"][shape.url_path]["cached_chart_s"] = again.shown - again.opened
        finally:
            returning.close()
        if sessions:
            visits = []
            try:
                for index in range(SESSIONS):
                    shape = shapes[index % len(shapes)]
                    visits.append(open_page(browser, server.url + page_path(shape)))
                deadline = time.perf_counter() + SESSIONS_TIMEOUT_S
                for visit in visits:
                    await_visit(visit, chart=False, deadline=deadline)  # server-side work is done
                log(f"{script.name}: {SESSIONS} sessions rendered")
                time.sleep(1)
                result["rss_20"] = server.rss()
                result["rss_peak"] = server.rss("VmHWM")
            finally:
                for visit in visits:
                    visit.context.close()
    return result
