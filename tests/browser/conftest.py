"""Start the app with `streamlit run` and drive it with Playwright in Debian's Chromium."""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dashboard.core import settings

CHROMIUM, CHROMIUM_ARGS = settings.CHROMIUM, settings.CHROMIUM_ARGS
ARTIFACTS = settings.REPO_ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(*extra_args: str, env: dict[str, str] | None = None):
    """``streamlit run dashboard/app.py`` on a free port of 127.0.0.1; yields its URL."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            *extra_args,
        ],
        cwd=settings.REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(
            "streamlit did not start within 60 s: " + process.stdout.read().decode()[-2000:]
        )
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2200}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page, timeout_ms: int = 60000) -> None:
    """Wait for the app shell, then for the script run to finish (no running indicator)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    if urlparse(page.url).path in ("", "/"):  # the bare address forwards to /overview
        page.wait_for_url(re.compile(r"/overview"), timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"
        " && document.querySelector(\"[data-testid='stMainBlockContainer']\")",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(500)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_app_page(page, url: str, *, charts: int = 1, timeout_ms: int = 180000) -> None:
    """Go to ``url`` and wait for the run to end and for ``charts`` plotly charts (a cold
    start builds the figures once, so this can take a while on a busy machine)."""
    page.goto(url)
    wait_for_app(page, timeout_ms=timeout_ms)
    if charts:
        page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}",
            timeout=timeout_ms,
        )
    page.wait_for_timeout(1500)


def selected_tab(page) -> str:
    return page.locator("[role='tab'][aria-selected='true']").inner_text().strip()


def no_errors(page) -> None:
    """No exception on the page and no notice that a link's value was refused."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlert']", has_text="not one of the choices").count() == 0


def close_sidebar(page) -> None:
    """A sidebar left open covers a phone screen: close it if it is showing."""
    collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
    if collapse.count() and collapse.first.is_visible():
        collapse.first.click()
        page.wait_for_timeout(1000)
