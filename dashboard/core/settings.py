"""Where the sources folder and the snapshot live; one setting each, no streamlit here."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCES_ENV = "DASHBOARD_SOURCES"
DATA_ENV = "DASHBOARD_DATA"
# The shared mirror sits beside the checkout on the team's machines; elsewhere there is none.
DEFAULT_SOURCES = REPO_ROOT.parent / "shared" / "sources"


def sources_dir(override: str | os.PathLike | None = None) -> Path | None:
    """The folder laid out like ``shared/sources``: flag, then environment, then the default."""
    chosen = override or os.environ.get(SOURCES_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return DEFAULT_SOURCES if DEFAULT_SOURCES.is_dir() else None


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The snapshot folder the app reads; the committed ``data/`` unless told otherwise."""
    chosen = override or os.environ.get(DATA_ENV)
    return Path(chosen).expanduser().resolve() if chosen else REPO_ROOT / "data"


# Debian's Chromium, headless, for the browser tests, the benchmark and the load test alike.
CHROMIUM = os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
