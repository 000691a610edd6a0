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
    """The snapshot folder: flag, then environment, then ``data/`` in the working directory,
    then the checkout's own ``data/``. An installed package (``pip install .``) has no
    checkout beside it, so outside one the working directory is where the snapshot is found."""
    chosen = override or os.environ.get(DATA_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    candidates = snapshot_candidates()
    return next((c for c in candidates if (c / "manifest.json").is_file()), candidates[-1])


def snapshot_candidates() -> list[Path]:
    """Where ``data_dir`` looks when neither the flag nor the environment names a folder."""
    here = (Path.cwd() / "data").resolve()
    checkout = REPO_ROOT / "data"
    in_checkout = (REPO_ROOT / "pyproject.toml").is_file()
    return [here, checkout] if in_checkout and checkout != here else [here]


# No path in it: pages show this message as it is (the command line adds where it looked).
NO_SNAPSHOT = (
    f"no snapshot found (no manifest.json): pass --data DIR, set {DATA_ENV}=DIR, or run from "
    "the folder that holds data/ (a clone of the repository has one)"
)


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
