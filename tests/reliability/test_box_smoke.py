"""Smoke run of the box load test: the server in a 1 CPU / 690 MB cgroup, two websocket clients
for a few seconds, no error and no OOM kill. Figures are printed by ``python -m
tests.reliability.box``, never asserted here (this machine's load decides them)."""

import subprocess
import sys

import pytest

from dashboard.core import settings


def test_box_smoke():
    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.box", "--sessions", "2", "--seconds", "4"],
        cwd=settings.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=400,
    )
    if result.returncode == 2:
        pytest.skip(result.stderr.strip() or "the box could not be made here")
    assert "errors: 0; OOM kills: 0" in result.stdout, result.stdout + result.stderr
    assert result.stdout.count("\n") >= 9, "a row per page"
