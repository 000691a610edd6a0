"""Smoke run of the load test: 3 sessions for 10 s against ``streamlit run``, no errors.

Figures (render times, memory) are printed by ``python -m tests.reliability.load``, never
asserted here.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.core import settings
from tests.reliability import load

pytestmark = pytest.mark.browser

SESSIONS = 3
SECONDS = 10


def test_load_smoke(tmp_path):
    if not Path(load.CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {load.CHROMIUM}: apt-get install -y chromium")
    pytest.importorskip("playwright.async_api")
    figures = tmp_path / "load.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.reliability.load",
            "--sessions",
            str(SESSIONS),
            "--seconds",
            str(SECONDS),
            "--json",
            str(figures),
        ],
        cwd=settings.REPO_ROOT,
        capture_output=True,
        text=True,
        # The script bounds itself at SECONDS + 120 s; this only catches a broken bound.
        timeout=SECONDS + load.HARD_LIMIT_EXTRA_S + 30,
    )
    report = result.stdout + result.stderr[-3000:]
    assert figures.is_file(), report
    summary = json.loads(figures.read_text())
    assert summary["errors"] == 0, report
    assert summary["views_served"] >= SESSIONS, report
    assert summary["interrupted"] is None, report
    assert result.returncode == 0, report
