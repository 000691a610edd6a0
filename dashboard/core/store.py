"""The snapshot on disk: one folder per dataset of Parquet tables, and a manifest.

Writes go to a sibling temporary folder that replaces the live one only when complete, so a
failed or interrupted build never leaves the app without its last good snapshot.
"""

import json
import os
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.core import memory, settings

memory.arrow_uses_system_malloc()  # before the first table is read (see dashboard.memory)

MANIFEST = "manifest.json"
OBSERVATIONS = "observations"


class SnapshotError(Exception):
    """The snapshot cannot be read; the message is one plain line, with no path or exception
    name, so that pages can show it as it is."""


class SnapshotMissing(SnapshotError, FileNotFoundError):
    pass


class SnapshotUnreadable(SnapshotError):
    pass


def _check_manifest(manifest) -> dict:
    """The structure every reader relies on: datasets -> tables -> file."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("datasets"), dict):
        raise SnapshotUnreadable("the snapshot manifest lists no datasets")
    for dataset_id, entry in manifest["datasets"].items():
        tables = entry.get("tables") if isinstance(entry, dict) else None
        if not isinstance(tables, dict) or not all(
            isinstance(t, dict) and isinstance(t.get("file"), str) for t in tables.values()
        ):
            raise SnapshotUnreadable(f"the snapshot manifest's entry for {dataset_id} is damaged")
    return manifest


def write_table(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if hasattr(frame, "geometry") and hasattr(frame, "crs"):  # a GeoDataFrame
        frame.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)
    else:
        frame.to_parquet(path, index=False, compression="zstd")


def read_table(path: Path, categories: frozenset[str] = frozenset()) -> pd.DataFrame:
    """A snapshot table; text columns named in ``categories`` come back as categoricals with
    sorted categories, decoded straight from Parquet's dictionary pages (never as one Python
    string per row, which for the big tables cost about 120 MB of peak memory)."""
    schema = pq.read_schema(path)
    if b"geo" in (schema.metadata or {}):
        frame = read_geometry_table(path)
    elif categories:
        text = [
            name
            for name, kind in zip(schema.names, schema.types, strict=True)
            if name in categories and (pa.types.is_string(kind) or pa.types.is_large_string(kind))
        ]
        frame = pq.read_table(path, read_dictionary=text).to_pandas()
        for name in text:  # sorted, as astype("category") gives: sorting by them stays A-Z
            frame[name] = frame[name].cat.set_categories(sorted(frame[name].cat.categories))
    else:
        frame = pd.read_parquet(path)
    # The decoding's temporary buffers are freed now; hand the pages back to the system, as the
    # app reads every table once and keeps only the frames.
    memory.trim()
    return frame


def read_geometry_table(path: Path) -> pd.DataFrame:
    """A boundary table as a plain DataFrame whose ``geometry`` column holds shapely shapes in
    the stored grid (British National Grid metres, see ``geo_common.STORED_CRS``).

    Not a GeoDataFrame on purpose: geopandas brings pyproj, and the two cost the server about
    20 MB of memory and a second of cold start for nothing, as the app never reprojects."""
    import shapely

    frame = pq.read_table(path).to_pandas()
    frame["geometry"] = shapely.from_wkb(frame["geometry"].to_numpy())
    return frame


def write_manifest(folder: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise SnapshotMissing(settings.NO_SNAPSHOT)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = "it cannot be read" if isinstance(error, OSError) else "it is not valid JSON"
        raise SnapshotUnreadable(f"the snapshot manifest is damaged: {reason}") from error
    return _check_manifest(manifest)


def new_staging_folder(live: Path) -> Path:
    staging = live.with_name(f"{live.name}.tmp-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def swap_in(staging: Path, live: Path) -> Path | None:
    """Replace ``live`` with ``staging``: two renames, the old copy removed only afterwards.
    Returns the old copy's folder when it could not be removed (the next build removes it)."""
    retired = live.with_name(f"{live.name}.old-{os.getpid()}")
    if live.exists():
        live.rename(retired)
    try:
        staging.rename(live)
    except OSError:
        if retired.exists():  # put the last good snapshot back before reporting
            retired.rename(live)
        raise
    if retired.exists():
        shutil.rmtree(retired, ignore_errors=True)
        if retired.exists():
            return retired
    return None


@dataclass
class Snapshot:
    """Read-only view of a built snapshot folder."""

    folder: Path

    @cached_property
    def manifest(self) -> dict:
        return read_manifest(self.folder)

    @cached_property
    def checksum(self) -> str:
        """The manifest's sha256: a new build gives a new value, so caches key on it."""
        import hashlib

        return hashlib.sha256((self.folder / MANIFEST).read_bytes()).hexdigest()

    @property
    def dataset_ids(self) -> list[str]:
        return sorted(self.manifest["datasets"])

    def table_path(self, dataset_id: str, table: str) -> Path:
        entry = self.manifest["datasets"].get(dataset_id)
        if entry is None or table not in entry["tables"]:
            raise KeyError(f"the snapshot has no table {table!r} for dataset {dataset_id!r}")
        return self.folder / entry["tables"][table]["file"]

    def table(
        self, dataset_id: str, table: str, categories: frozenset[str] = frozenset()
    ) -> pd.DataFrame:
        path = self.table_path(dataset_id, table)
        if not path.is_file():
            raise SnapshotUnreadable(f"{dataset_id}: its {table} table is missing")
        try:
            return read_table(path, categories)
        except (OSError, ValueError, pa.ArrowException) as error:
            # pyarrow's messages carry paths and internals; the reader needs only what broke.
            raise SnapshotUnreadable(f"{dataset_id}: its {table} table is damaged") from error

    def observations(self, dataset_ids: list[str] | None = None) -> pd.DataFrame:
        chosen = dataset_ids or [
            d for d in self.dataset_ids if OBSERVATIONS in self.manifest["datasets"][d]["tables"]
        ]
        frames = [self.table(d, OBSERVATIONS) for d in chosen]
        if not frames:
            return pd.DataFrame()
        # Extra columns differ by dataset; concat keeps the union and the contract's order first.
        return pd.concat(frames, ignore_index=True)
