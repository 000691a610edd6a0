"""Shared fixtures: the real sources folder, or a clear skip when it is absent."""

from pathlib import Path

import pytest

from dashboard.core import settings, store


@pytest.fixture(scope="session")
def sources() -> Path:
    folder = settings.sources_dir()
    if folder is None or not folder.is_dir():
        pytest.skip(
            f"no sources folder: set {settings.SOURCES_ENV} or place the mirror at "
            f"{settings.DEFAULT_SOURCES}"
        )
    return folder


@pytest.fixture(scope="session")
def snapshot() -> store.Snapshot:
    """The committed snapshot under data/ (or $DASHBOARD_DATA), read in place."""
    try:
        return store.Snapshot(settings.data_dir())
    except store.SnapshotMissing:
        pytest.skip("no snapshot in data/: run the build first")


@pytest.fixture(scope="session")
def observations(snapshot):
    """``observations(dataset_id)`` over the snapshot, each dataset read once: what the
    briefing and the headlines take."""
    cache = {}

    def read(dataset: str):
        if dataset not in cache:
            cache[dataset] = snapshot.observations([dataset])
        return cache[dataset]

    read.cache = cache
    return read
