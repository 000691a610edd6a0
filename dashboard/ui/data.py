"""Cached access to the snapshot: loaded once per process and shared by every session."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import geography
from dashboard.core import memory, provenance, releases, settings, store


@st.cache_resource(show_spinner=False)
def snapshot() -> store.Snapshot:
    # Once per process: fewer malloc arenas for Streamlit's per-session script threads, so
    # less freed memory is held back (see dashboard.memory).
    memory.limit_arenas()
    return store.Snapshot(settings.data_dir())


def memo(function):
    """Cache a page's view model (figures, tables, sentences) per process, keyed by its simple
    arguments (seat, measure, months...): every session that asks for the same view shares one
    read-only result, so a page costs only its drawing. Callers must not mutate what it returns."""
    return st.cache_resource(show_spinner=False, max_entries=256)(function)


def manifest_datasets() -> dict:
    """The manifest's record of each dataset, or none when the snapshot cannot be read."""
    try:
        return snapshot().manifest["datasets"]
    except store.SnapshotError:
        return {}


def manifest_entry(dataset_id: str) -> dict | None:
    return manifest_datasets().get(dataset_id)


# Why a dataset's table could not be read, for the section that needed it: one plain line per
# dataset, kept for the process (the failed read is cached like a good one).
_UNAVAILABLE: dict[str, str] = {}


def unavailable(*dataset_ids: str) -> list[str]:
    """The reasons recorded for these datasets' unreadable tables, in the order asked."""
    return [_UNAVAILABLE[d] for d in dataset_ids if d in _UNAVAILABLE]


# Observation tables at least this long hold their identifier columns as categories: a quarter
# to a sixth of the memory as text (A&E 368,836 rows, H-CLIC 310,250, UC by council and prison
# bulletins about 31,600 each), which matters on Community Cloud (690 MB) with every table
# shared by all sessions.
CATEGORY_MIN_ROWS = 30000
# Identifier columns only: pages fill and edit free-text columns such as status, which a
# category column would refuse.
CATEGORY_COLUMNS = frozenset(
    {
        "dataset",
        "measure",
        "area_type",
        "area_code",
        "area_name",
        "unit",
        "source_file",
        "release",
        "current_area_code",
    }
)


# Every (dataset, table) this process has read from the snapshot: what a page needs, for the
# benchmark (benchmarks/naive.py), which clears the caches, runs a page and reads this.
_READ: set[tuple[str, str]] = set()


def tables_read() -> set[tuple[str, str]]:
    return set(_READ)


def forget_tables_read() -> None:
    _READ.clear()


@st.cache_resource(show_spinner=False)
def table(dataset_id: str, name: str) -> pd.DataFrame | None:
    """A snapshot table, or None when the snapshot lacks it. Shared: never mutate the result."""
    try:
        entry = snapshot().manifest["datasets"].get(dataset_id) or {}
        rows = entry.get("tables", {}).get(name, {}).get("rows", 0)
        categories = CATEGORY_COLUMNS if rows >= CATEGORY_MIN_ROWS else frozenset()
        _READ.add((dataset_id, name))
        return snapshot().table(dataset_id, name, categories)
    except KeyError:  # the manifest does not list this table: the section says "no data"
        return None
    except store.SnapshotError as error:
        _UNAVAILABLE[dataset_id] = str(error)
        return None


def observations(dataset_id: str) -> pd.DataFrame | None:
    return table(dataset_id, store.OBSERVATIONS)


def release_text(dataset_id: str) -> str:
    """When the figures were published, or "" when the file states no release date (the
    source line already says how our copy was obtained)."""
    return provenance.release_words(dataset_id, manifest_entry(dataset_id))


def next_release_text(dataset_id: str, today: dt.date | None = None) -> str:
    """When the next release is due, that a newer one is out (known to the last refresh, or
    due by the calendar), or "" when unknown."""
    entry = manifest_entry(dataset_id) or {}
    if entry.get("newer_release"):
        return f"newer data exists ({entry['newer_release']['title']})"
    found = releases.expected(dataset_id, entry, today or dt.date.today())
    if found is None or found.expected_release is None:
        return ""
    if found.behind:
        return f"newer data exists (a release was due {found.expected_release:%-d %b %Y})"
    return f"next release due {found.expected_release:%-d %b %Y}"


NEWER = "newer data exists"


def as_of_text(*dataset_ids: str, today: dt.date | None = None) -> str:
    """One line for a section: what staff can act on about how current its data is, e.g.
    'Data as of: released 30 Apr 2026 · next release due 29 Jul 2026', or "" when nothing is
    known beyond the source line (no "not stated · unknown" noise). With several sources that
    each say something, each is named; a stale one asks for a refresh, once."""
    said = {}
    for dataset_id in dict.fromkeys(dataset_ids):
        parts = [release_text(dataset_id), next_release_text(dataset_id, today)]
        if any(parts):
            said[dataset_id] = " · ".join(filter(None, parts))
    if not said:
        return ""
    stale = any(NEWER in text for text in said.values())
    if len(said) == 1:
        return "Data as of: " + next(iter(said.values())) + (": refresh the snapshot" * stale)
    named = "; ".join(
        f"{provenance.short_title(dataset_id)} {text}" for dataset_id, text in said.items()
    )
    return f"Data as of: {named}." + (" Refresh the snapshot." * stale)


def source_line(dataset_id: str) -> str:
    return provenance.source_line(dataset_id, manifest_entry(dataset_id))


@st.cache_resource(show_spinner=False)
def map_layers() -> geography.MapLayers | None:
    """All map outlines projected and simplified once per process; None without boundaries."""
    boundaries = {key: table("ons_pcon_boundaries", key) for key in geography.BOUNDARY_SETS}
    if any(frame is None for frame in boundaries.values()):
        return None
    return geography.map_layers(
        boundaries,
        detailed_2010=table("ons_local_boundaries_2013", "pcon2010_detailed"),
        wards_2013=table("ons_local_boundaries_2013", "wards2013"),
    )


@st.cache_resource(show_spinner=False)
def seat_map(
    seat: str, boundary_set: str, extra_codes: tuple[str, ...] = ()
) -> geography.SeatMapFrames | None:
    """Map frames for one selection, picked once per process and shared: never mutate them."""
    layers = map_layers()
    if layers is None:
        return None
    return geography.seat_map_frames(seat, boundary_set, layers, extra_codes)
