"""Build the snapshot: locate inputs, parse, validate, write, and swap in only when all passed."""

import datetime as dt
import importlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.core import catalogue, fetch, parse_cache, store
from dashboard.core.catalogue import Publication
from dashboard.core.observations import COLUMNS

# Shared with the no-change check, which must not import pandas (see uptodate.py).
from dashboard.core.uptodate import (
    MANIFEST_FORMAT,
    build_lock,
    log_attempt,
    parser_fingerprint,
    resolve_inputs,
    sha256_of,
    stale_folders,
)

FETCH_LOG = "fetch-log.json"  # written by fetch.py beside live downloads
# A refresh that loses more than this share of a table's rows is refused unless allowed: a
# truncated file that still parses must not silently shrink the snapshot.
MAX_SHRINK = 0.05


class BuildFailed(RuntimeError):
    def __init__(self, failures: dict[str, str]):
        self.failures = failures
        lines = [f"{dataset}: {message}" for dataset, message in failures.items()]
        super().__init__("build failed; the last good snapshot is unchanged:\n" + "\n".join(lines))


@dataclass
class BuildReport:
    parsed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def parser_module(publication: Publication):
    return importlib.import_module(f"dashboard.{publication.parser}")


def check_inputs(inputs, publication: Publication) -> None:
    """Catch empty, oversized and zip-bomb files and HTML error pages before a parser meets
    them, naming the file."""
    for _, path in inputs:
        # The first bytes first: an HTML page saved as .xlsx is named as such, not as a bad zip.
        with path.open("rb") as handle:
            fetch.check_content(path.name, handle.read(512))
        fetch.check_size(
            path,
            max_bytes=publication.max_bytes,
            max_unpacked_bytes=publication.max_unpacked_bytes,
        )


def _fetch_log(sources: Path) -> dict:
    path = sources / FETCH_LOG
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _input_entries(inputs, sources: Path) -> list[dict]:
    fetched = _fetch_log(sources)
    entries = []
    for source_file, path in inputs:
        relative = path.relative_to(sources).as_posix()
        live = fetched.get(relative, {})
        entries.append(
            {
                "path": relative,
                "sha256": sha256_of(path),
                "bytes": path.stat().st_size,
                "url": live.get("url") or source_file.url,
                "origin": "live download" if live else "mirror",
                "retrieved_at": live.get("retrieved_at"),
            }
        )
    return entries


def _observation_summary(frame: pd.DataFrame) -> dict:
    if frame.empty:
        return {"rows": 0}
    summary = {
        "rows": len(frame),
        "measures": sorted(frame["measure"].unique().tolist()),
        "area_types": sorted(frame["area_type"].unique().tolist()),
        "period_start": frame["period_start"].min().date().isoformat(),
        "period_end": frame["period_end"].max().date().isoformat(),
        "values_present": int(frame["value"].notna().sum()),
        "values_missing": int(frame["value"].isna().sum()),
    }
    if "source_file" in frame.columns:
        # Grouped by the date itself and named afterwards: turning every row's date into text
        # first took a third of a second on A&E's 370,000 rows.
        by_period = frame.groupby(frame["period_start"].dt.normalize())["source_file"]
        summary["source_file_by_period"] = {
            period.date().isoformat(): sorted(files.dropna().unique().tolist())
            for period, files in by_period
        }
    return summary


def parse_publication(
    publication: Publication,
    inputs,
    *,
    cache: parse_cache.ParseCache | None = None,
    entries: list[dict] | None = None,
    fingerprint: str = "",
) -> dict[str, pd.DataFrame]:
    """Parse and validate one publication. With a ``cache`` (and the inputs' ``entries`` and
    the parser's ``fingerprint``), a parser that reads file by file (``read_file`` and
    ``combine``) reads only the files the cache does not hold."""
    # Imported here: a rebuild where nothing changed never needs the parsers.
    from dashboard.core.validate import validate_dataset_ids, validate_observations

    module = parser_module(publication)
    paths = [path for _, path in inputs]
    # The record tells its parser which dataset it is: no parser repeats a catalogue id.
    if cache is not None and entries is not None and hasattr(module, "read_file"):
        files = [(e["path"], e["sha256"], p) for e, p in zip(entries, paths, strict=True)]
        frames = cache.frames(publication.id, fingerprint, files, module.read_file)
        tables = module.combine(frames, dataset=publication.id)
    else:
        tables = module.parse(paths, dataset=publication.id)
    missing = [name for name in publication.tables if name not in tables]
    unexpected = [name for name in tables if name not in publication.tables]
    if missing or unexpected:
        raise ValueError(
            f"parser returned tables {sorted(tables)}, catalogue declares {publication.tables}"
        )
    if store.OBSERVATIONS in tables:
        label = f"{publication.id} observations"
        validate_observations(tables[store.OBSERVATIONS], label=label)
        validate_dataset_ids(tables[store.OBSERVATIONS], dataset_id=publication.id, label=label)
    return tables


def check_shrinkage(tables, previous: dict | None, inputs: list[dict]) -> None:
    if not previous:
        return
    before_inputs = {i["path"]: i["sha256"] for i in previous.get("inputs", [])}
    changed = [
        i["path"].rsplit("/", 1)[-1] for i in inputs if before_inputs.get(i["path"]) != i["sha256"]
    ]
    for name, frame in tables.items():
        before = previous.get("tables", {}).get(name, {}).get("rows")
        if before and len(frame) < before * (1 - MAX_SHRINK):
            raise ValueError(
                f"{', '.join(changed) or 'inputs'}: table {name} would have {len(frame):,} rows, "
                f"{1 - len(frame) / before:.0%} fewer than the last good snapshot's {before:,} "
                "(a truncated or partial file?); if the drop is real, rebuild with --allow-shrink"
            )


def _write_dataset(publication: Publication, tables, staging: Path) -> dict:
    entries = {}
    summary = {"rows": 0}
    for name, frame in tables.items():
        relative = f"{publication.id}/{name}.parquet"
        store.write_table(frame, staging / relative)
        entries[name] = {
            "file": relative,
            "rows": len(frame),
            "columns": list(map(str, frame.columns)),
        }
        if name == store.OBSERVATIONS:
            summary = _observation_summary(
                frame[COLUMNS + [c for c in frame.columns if c == "source_file"]]
            )
    return {"tables": entries, **summary}


def _unchanged(previous: dict | None, inputs: list[dict], fingerprint: str, live: Path) -> bool:
    if not previous or previous.get("parser_fingerprint") != fingerprint:
        return False
    before = [(i["path"], i["sha256"]) for i in previous.get("inputs", [])]
    now = [(i["path"], i["sha256"]) for i in inputs]
    files_present = all((live / t["file"]).is_file() for t in previous["tables"].values())
    return before == now and files_present


def _log_attempt(data: Path, sources: Path, report: BuildReport, failures: dict) -> None:
    log_attempt(data, sources, parsed=report.parsed, unchanged=report.unchanged, failures=failures)


def _copy_dataset(dataset_id: str, live: Path, staging: Path) -> None:
    shutil.copytree(live / dataset_id, staging / dataset_id)


def remove_stale_folders(data: Path, progress: Callable[[str], None]) -> None:
    """Staging and retired copies left by a build that died. Called under the lock, when no
    other build can own one."""
    for stale in stale_folders(data):
        shutil.rmtree(stale, ignore_errors=True)
        progress(f"removed {stale.name}, left by an earlier build that did not finish")


def build(
    sources: Path,
    data: Path,
    *,
    only: list[str] | None = None,
    progress: Callable[[str], None] = lambda message: None,
    allow_shrink: bool = False,
    cache: Path | None = None,
) -> BuildReport:
    """Build every catalogued dataset (or only some) from ``sources`` into ``data``: one build at
    a time, and every file-system failure one line naming its path. ``cache`` is the per-file
    parse cache's folder (default: beside ``data``, see parse_cache.py)."""
    parses = parse_cache.ParseCache(cache or parse_cache.folder_for(data), progress)
    try:
        with build_lock(data):
            remove_stale_folders(data, progress)
            return _build_locked(
                sources, data, only=only, progress=progress, allow_shrink=allow_shrink, cache=parses
            )
    except OSError as error:
        where = error.filename or data
        raise BuildFailed(
            {"snapshot": f"cannot write {where}: {error.strerror or error}"}
        ) from error


def _build_locked(
    sources: Path,
    data: Path,
    *,
    only: list[str] | None,
    progress: Callable[[str], None],
    allow_shrink: bool,
    cache: parse_cache.ParseCache,
) -> BuildReport:
    chosen = (
        [catalogue.get(dataset_id) for dataset_id in only] if only else list(catalogue.CATALOGUE)
    )
    try:
        previous = store.read_manifest(data)["datasets"]
    except store.SnapshotError:  # none yet, or damaged: every dataset is parsed afresh
        previous = {}
    report = BuildReport()
    failures: dict[str, str] = {}
    staging = store.new_staging_folder(data)
    datasets: dict[str, dict] = {}
    try:
        for publication in chosen:
            try:
                inputs = resolve_inputs(publication, sources)
                input_entries = _input_entries(inputs, sources)
                fingerprint = parser_fingerprint(publication.parser)
                if _unchanged(previous.get(publication.id), input_entries, fingerprint, data):
                    _copy_dataset(publication.id, data, staging)
                    datasets[publication.id] = previous[publication.id]
                    report.unchanged.append(publication.id)
                    progress(f"{publication.id}: inputs unchanged, kept")
                    continue
                check_inputs(inputs, publication)
                progress(f"{publication.id}: parsing {len(inputs)} file(s)")
                tables = parse_publication(
                    publication, inputs, cache=cache, entries=input_entries, fingerprint=fingerprint
                )
                if not allow_shrink:
                    check_shrinkage(tables, previous.get(publication.id), input_entries)
                written = _write_dataset(publication, tables, staging)
                datasets[publication.id] = {
                    "parser": publication.parser,
                    "parser_fingerprint": fingerprint,
                    "inputs": input_entries,
                    "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    **written,
                }
                report.parsed.append(publication.id)
            except Exception as error:  # every failure is collected, named and re-raised below
                failures[publication.id] = f"{type(error).__name__}: {error}"
                progress(f"{publication.id}: FAILED: {error}")
        chosen_ids = {p.id for p in chosen}
        for dataset_id, entry in previous.items():
            if dataset_id not in chosen_ids and dataset_id in catalogue.BY_ID:
                _copy_dataset(dataset_id, data, staging)
                datasets[dataset_id] = entry
                report.kept.append(dataset_id)
        if failures:
            _log_attempt(data, sources, report, failures)
            raise BuildFailed(failures)
        store.write_manifest(staging, {"format": MANIFEST_FORMAT, "datasets": datasets})
        try:
            leftover = store.swap_in(staging, data)
        except OSError as error:
            _log_attempt(data, sources, report, {"snapshot": f"swap failed: {error.strerror}"})
            raise
        # The log says what happened: written only once the new snapshot is in place.
        _log_attempt(data, sources, report, failures)
        if leftover is not None:
            progress(f"the new snapshot is in place; {leftover.name} could not be removed yet")
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return report
