"""Cached access to the snapshot: loaded once per process and shared by every session."""

import pandas as pd
import streamlit as st

from dashboard import provenance, settings, store


@st.cache_resource(show_spinner=False)
def snapshot() -> store.Snapshot:
    return store.Snapshot(settings.data_dir())


def manifest_entry(dataset_id: str) -> dict | None:
    try:
        return snapshot().manifest["datasets"].get(dataset_id)
    except store.SnapshotMissing:
        return None


@st.cache_resource(show_spinner=False)
def table(dataset_id: str, name: str) -> pd.DataFrame | None:
    """A snapshot table, or None when the snapshot lacks it. Shared: never mutate the result."""
    try:
        return snapshot().table(dataset_id, name)
    except (KeyError, store.SnapshotMissing, FileNotFoundError):
        return None


def observations(dataset_id: str) -> pd.DataFrame | None:
    return table(dataset_id, store.OBSERVATIONS)


def source_line(dataset_id: str) -> str:
    return provenance.source_line(dataset_id, manifest_entry(dataset_id))
