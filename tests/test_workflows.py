"""Every GitHub Actions workflow passes actionlint (syntax, expressions, shell via shellcheck)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.core import settings

WORKFLOWS = sorted((settings.REPO_ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which(
        "actionlint"
    )
    assert found, "actionlint is missing: install requirements-test.txt"
    return found


def test_there_is_a_scheduled_refresh_workflow():
    text = (settings.REPO_ROOT / ".github/workflows/refresh.yml").read_text()
    assert "schedule:" in text and "workflow_dispatch:" in text
    assert "secrets.STATXPLORE_API_KEY" in text
    assert "python -m dashboard" in text and "refresh" in text
    assert "body-path: refresh-report.md" in text


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_workflow_passes_actionlint(workflow):
    result = subprocess.run(
        [actionlint(), "-no-color", str(workflow)],
        capture_output=True,
        text=True,
        cwd=settings.REPO_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_a_real_mistake(tmp_path):
    """The linter is really checking: an unknown expression context fails."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ secret.KEY }}\n"
    )
    result = subprocess.run([actionlint(), "-no-color", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "secret" in result.stdout
