"""Refresh every routed publication from its publisher, build, and report what changed.

For each publication with a route: discover the newest release and download it (the route),
then build the publications whose files a parser reads into the snapshot. The build stages and
swaps atomically; a publication whose download, parse or validation fails is left at its last
good data ("kept from the previous snapshot") while the others are refreshed. The change report
(new periods, revised values, new and ended series, failures) is Markdown written beside the
snapshot, and the manifest records the release each route found.
"""

import datetime as dt
import fnmatch
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.core import build, catalogue, fetch, parse_cache, routes, store

KEY = ["measure", "area_type", "area_code", "period_start", "period_end"]
SERIES = ["measure", "area_type", "area_code"]
# Values equal to this relative precision are not revisions (Parquet round trips, float sums).
REVISION_RTOL = 1e-9
REPORT_ROWS = 20  # revised values listed per publication; the count is always complete
MIRROR = "mirror"  # a manifest input's origin when it was not downloaded (build._input_entries)
REFRESHED, UNCHANGED, FAILED, SKIPPED, NOT_LOADED, NO_ROUTE = (
    "refreshed",
    "unchanged",
    "failed",
    "skipped",
    "downloaded, not loaded",
    "no public route",
)


# --- the diff: pure functions of two observation tables ---------------------------------------


@dataclass
class Diff:
    new_periods: list[str]  # period starts (ISO) in the new table only
    dropped_periods: list[str]  # period starts in the old table only
    revised: pd.DataFrame  # KEY + value_old, value_new where a value changed (null counts)
    new_series: pd.DataFrame  # SERIES rows present only in the new table
    ended_series: pd.DataFrame  # SERIES rows present only in the old table

    @property
    def empty(self) -> bool:
        return not (
            self.new_periods
            or self.dropped_periods
            or len(self.revised)
            or len(self.new_series)
            or len(self.ended_series)
        )


def _plain(frame: pd.DataFrame | None) -> pd.DataFrame:
    """KEY and value with one dtype per column, whatever table they came from. Periods stay
    dates until the end: formatting ~400,000 of them as text cost seconds per refresh."""
    if frame is None or frame.empty:
        frame = pd.DataFrame({c: [] for c in KEY + ["value"]})
    plain = frame[KEY + ["value"]].copy()
    for column in ("measure", "area_type", "area_code"):
        plain[column] = plain[column].astype(str)
    for column in ("period_start", "period_end"):
        plain[column] = pd.to_datetime(plain[column]).astype("datetime64[s]")
    plain["value"] = plain["value"].astype(float)
    return plain.drop_duplicates(KEY)


def _days(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d")


def _period_starts(frame: pd.DataFrame) -> set[str]:
    return set(_days(frame["period_start"].drop_duplicates()))


def _series(frame: pd.DataFrame) -> set[tuple]:
    # Distinct rows first: iterating every row's text cells is slow (Arrow-backed strings).
    return set(frame[SERIES].drop_duplicates().itertuples(index=False, name=None))


def _series_frame(keys: set[tuple]) -> pd.DataFrame:
    return pd.DataFrame(sorted(keys), columns=SERIES)


def diff_observations(old: pd.DataFrame | None, new: pd.DataFrame | None) -> Diff:
    """What changed from ``old`` to ``new`` (observation tables of one publication)."""
    before, after = _plain(old), _plain(new)
    periods_before, periods_after = _period_starts(before), _period_starts(after)
    both = before.merge(after, on=KEY, suffixes=("_old", "_new"))
    old_values, new_values = both["value_old"].to_numpy(), both["value_new"].to_numpy()
    same = (np.isnan(old_values) & np.isnan(new_values)) | np.isclose(
        old_values, new_values, rtol=REVISION_RTOL, atol=0.0
    )
    revised = both.loc[~same].sort_values(KEY).reset_index(drop=True)
    for column in ("period_start", "period_end"):
        revised[column] = _days(revised[column])
    series_before, series_after = _series(before), _series(after)
    return Diff(
        new_periods=sorted(periods_after - periods_before),
        dropped_periods=sorted(periods_before - periods_after),
        revised=revised,
        new_series=_series_frame(series_after - series_before),
        ended_series=_series_frame(series_before - series_after),
    )


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    dataset: str
    status: str
    message: str
    fetched: routes.Fetched | None = None
    diff: Diff | None = None

    @property
    def release(self) -> dict | None:
        return self.fetched.release if self.fetched else None

    @property
    def downloads(self) -> str:
        """How many of the route's files were downloaded and how many it already held."""
        if self.fetched is None:
            return ""
        held = sum(bool(record.get(fetch.HELD)) for record in self.fetched.files.values())
        new = len(self.fetched.files) - held
        return f"{new} new file(s) downloaded, {held} already held"

    @property
    def line(self) -> str:
        """The progress line."""
        downloads = f"; {self.downloads}" if self.downloads else ""
        return f"{self.dataset}: {self.status}: {self.message}{downloads}"


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    data: Path | None = None
    checked_at: str = ""

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]


def select(only: list[str] | None) -> dict[str, routes.Route]:
    """Routes chosen by dataset id or topic folder name (ae, prison, uc, ...); all when empty."""
    every = routes.routes()
    if not only:
        return every
    topics = {p.topic for p in catalogue.CATALOGUE}
    for name in only:
        if name not in topics and name not in every:
            known = ", ".join(sorted(topics))
            raise KeyError(f"unknown topic or dataset {name!r}; topics: {known}")
    return {
        dataset: route
        for dataset, route in every.items()
        if dataset in only or catalogue.get(dataset).topic in only
    }


def one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _declared_files(base: Path, dataset_ids) -> set[Path]:
    """The files under ``base`` that the publications' records name: all their build reads."""
    return {
        path
        for dataset_id in dataset_ids
        for source_file in catalogue.get(dataset_id).files
        for path in base.glob(source_file.path)
        if path.is_file()
    }


def overlay_sources(
    base: Path | None,
    downloads: Path,
    fetched: dict[str, routes.Fetched],
    folder: Path,
    derived: tuple[str, ...] = (),
) -> Path:
    """A sources folder of links: the base files the fetched (and ``derived``) publications'
    records name, with each route's downloads over them. (Only those: linking the whole mirror
    for one publication, and removing the links afterwards, took half a second of a one-month
    refresh.)

    Files matched by a route's ``replaces`` globs come only from its downloads (the publisher's
    complete current set), so a renamed or withdrawn file does not linger beside its successor.
    The download records go in the folder's fetch log, which the build reads for origin and
    retrieval time.
    """
    replaced = [glob for found in fetched.values() for glob in found.replaces]
    if base is not None:
        for path in sorted(_declared_files(base, [*fetched, *derived])):
            relative = path.relative_to(base).as_posix()
            if not any(fnmatch.fnmatchcase(relative, g) for g in replaced):
                target = folder / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(path, target)
    log = {}
    for found in fetched.values():
        for relative, record in found.files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            os.symlink((downloads / relative).resolve(), target)
            if record.get("origin") != MIRROR:  # a reused mirror copy is recorded as the mirror's
                log[relative] = record
    folder.mkdir(parents=True, exist_ok=True)  # even when nothing was fetched
    (folder / build.FETCH_LOG).write_text(json.dumps(log, indent=2, sort_keys=True) + "\n")
    return folder


def hold_recorded_inputs(
    downloads: Path, base: Path | None, data: Path, dataset_ids: list[str]
) -> None:
    """Tell the download folder which files the snapshot was built from, so a route that
    reuses held files (``fetch.held``) downloads only what is new.

    Each input that the manifest records (path, sha256, and the URL of a live download) and
    that the sources folder still holds is logged in the download folder with ``HELD_AT``
    naming that copy; nothing is linked or read here. A download the folder's log records
    from an earlier run is never replaced by such an entry.
    """
    if base is None:
        return
    try:
        datasets = store.read_manifest(data)["datasets"]
    except store.SnapshotError:
        return  # no snapshot yet: nothing recorded to reuse
    log = fetch.read_log(downloads)
    before = dict(log)
    for dataset_id in dataset_ids:
        for entry in (datasets.get(dataset_id) or {}).get("inputs", []):
            relative, copy = entry["path"], base / entry["path"]
            earlier = log.get(relative)
            if earlier is not None and fetch.HELD_AT not in earlier:
                continue  # downloaded by an earlier run: its own record stands
            if copy.is_file():
                fields = ("url", "sha256", "bytes", "retrieved_at", "origin")
                log[relative] = {k: entry.get(k) for k in fields}
                log[relative][fetch.HELD_AT] = str(copy.absolute())  # whatever the working folder
    if log != before:
        fetch.write_log(downloads, log)


def dependents(fetched: dict[str, routes.Fetched]) -> dict[str, str]:
    """Publications without a route of their own that read a file a route just wrote (an
    estimate derived from refreshed counts), each with a line saying so: rebuilt with them."""
    written = {relative: dataset for dataset, found in fetched.items() for relative in found.files}
    found = {}
    for publication in catalogue.CATALOGUE:
        if dict(publication.route).get("kind") != routes.NoRoute.kind:
            continue
        sources = sorted(
            {
                dataset
                for relative, dataset in written.items()
                for source in publication.files
                if fnmatch.fnmatchcase(relative, source.path)
            }
        )
        if sources:
            found[publication.id] = f"rebuilt from the download of {', '.join(sources)}"
    return found


def _observations(data: Path, dataset_id: str) -> pd.DataFrame | None:
    try:
        snapshot = store.Snapshot(data)
        entry = snapshot.manifest["datasets"].get(dataset_id)
        if not entry or store.OBSERVATIONS not in entry["tables"]:
            return None
        return snapshot.observations([dataset_id])
    except store.SnapshotMissing:
        return None


def _build_isolating_failures(
    sources: Path, data: Path, dataset_ids: list[str], progress, cache: Path | None = None
) -> tuple[build.BuildReport | None, dict[str, str]]:
    """Build ``dataset_ids``; when some fail, build again without them, so the others are
    refreshed and the failed ones stay at their last good data (kept from the snapshot)."""
    failures: dict[str, str] = {}
    remaining = list(dataset_ids)
    while remaining:
        try:
            report = build.build(sources, data, only=remaining, progress=progress, cache=cache)
            return report, failures
        except build.BuildFailed as failed:
            failures.update(failed.failures)
            remaining = [d for d in remaining if d not in failed.failures]
    return None, failures


def record_releases(data: Path, outcomes: list[Outcome], checked_at: str) -> None:
    """Write into the manifest the release each route found: ``release`` when the snapshot now
    holds it, ``newer_release`` (with the reason) when a route found one the snapshot lacks."""
    manifest = store.read_manifest(data)
    for outcome in outcomes:
        entry = manifest["datasets"].get(outcome.dataset)
        if entry is None or outcome.release is None:
            continue
        found = {**outcome.release, "checked_at": checked_at}
        if outcome.status in (REFRESHED, UNCHANGED):
            entry["release"] = found
            entry.pop("newer_release", None)
        elif (entry.get("release") or {}).get("url") != found["url"]:
            entry["newer_release"] = {**found, "not_loaded_because": outcome.message}
    partial = data / (store.MANIFEST + ".part")
    partial.write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n",
        encoding="utf-8",
    )
    partial.replace(data / store.MANIFEST)  # one rename: readers see the old or the new file


def refresh(
    *,
    data: Path,
    downloads: Path,
    base_sources: Path | None,
    only: list[str] | None = None,
    base_url: str | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> Run:
    """Fetch every chosen route into ``downloads``, build into ``data`` (a temporary copy of
    it for a dry run), and return what happened to each publication."""
    run = Run(
        dry_run=dry_run,
        data=data,
        checked_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    fetched: dict[str, routes.Fetched] = {}
    chosen = select(only)
    routed = [d for d, route in chosen.items() if route.kind != routes.NoRoute.kind]
    hold_recorded_inputs(downloads, base_sources, data, routed)
    for dataset_id, route in chosen.items():
        if route.kind == routes.NoRoute.kind:  # kept as built (said below, unless rebuilt)
            run.outcomes.append(Outcome(dataset_id, NO_ROUTE, route.reason))
            continue
        publication = catalogue.get(dataset_id)
        try:
            found = route.fetch(publication, downloads, base_url=base_url, progress=lambda m: None)
        except routes.Skipped as skipped:
            run.outcomes.append(Outcome(dataset_id, SKIPPED, one_line(skipped)))
        except Exception as error:  # any failure of one route is reported; the others go on
            run.outcomes.append(Outcome(dataset_id, FAILED, one_line(error)))
        else:
            if found.parsed:
                fetched[dataset_id] = found
                continue
            run.outcomes.append(Outcome(dataset_id, NOT_LOADED, found.message, found))
        progress(run.outcomes[-1].line)
    derived = dependents(fetched)
    run.outcomes = [o for o in run.outcomes if o.dataset not in derived]
    for outcome in run.outcomes:
        if outcome.status == NO_ROUTE:
            progress(outcome.line)

    with tempfile.TemporaryDirectory(prefix="refresh-") as scratch:
        target = data
        if dry_run:
            target = Path(scratch) / "data"
            if data.is_dir():
                shutil.copytree(data, target)
        rebuilt = [*fetched, *derived]
        before = {dataset_id: _observations(data, dataset_id) for dataset_id in rebuilt}
        sources = overlay_sources(
            base_sources, downloads, fetched, Path(scratch) / "sources", tuple(derived)
        )
        # The build's own lines stay quiet, except the parse cache's (a damaged entry, say).
        # A dry run builds a copy but shares the snapshot's cache, so its parses are kept.
        report, failures = _build_isolating_failures(
            sources,
            target,
            rebuilt,
            lambda m: progress(m) if m.startswith(parse_cache.LOG_PREFIX) else None,
            cache=parse_cache.folder_for(data),
        )
        unchanged = set(report.unchanged) if report else set()
        for dataset_id in rebuilt:
            found = fetched.get(dataset_id)
            if dataset_id in failures:
                reason = one_line(Exception(failures[dataset_id]))
                outcome = Outcome(dataset_id, FAILED, reason, found)
            elif dataset_id in unchanged:
                outcome = Outcome(dataset_id, UNCHANGED, "same files as the snapshot", found)
            else:
                after = _observations(target, dataset_id)
                diff = diff_observations(before[dataset_id], after)
                said = found.message if found else derived[dataset_id]
                if diff.empty:  # re-parsed (new file names or parser code), same figures
                    what = "observations" if after is not None else "tables (no observations)"
                    note = f"{said}; re-parsed, no change in the {what}"
                    outcome = Outcome(dataset_id, UNCHANGED, note, found, diff)
                else:
                    outcome = Outcome(dataset_id, REFRESHED, said, found, diff)
            run.outcomes.append(outcome)
            progress(outcome.line)
        if not dry_run and store.MANIFEST in {p.name for p in data.glob("*")}:
            record_releases(data, run.outcomes, run.checked_at)
    order = list(catalogue.BY_ID)
    run.outcomes.sort(key=lambda o: order.index(o.dataset))
    return run


# --- the report -------------------------------------------------------------------------------


def _periods(periods: list[str]) -> str:
    if not periods:
        return ""
    if len(periods) > 6:
        return f"{len(periods)}: {periods[0]} to {periods[-1]}"
    return ", ".join(periods)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _value(number: float) -> str:
    # Every digit a revision changes: "{:g}" printed 4,715,180 households as 4.71518e+06.
    return "null" if pd.isna(number) else f"{number:,.12g}"


def report_markdown(run: Run) -> str:
    title = "Data refresh (dry run: nothing swapped in)" if run.dry_run else "Data refresh"
    routed = [o for o in run.outcomes if o.status != NO_ROUTE]
    unrouted = [o for o in run.outcomes if o.status == NO_ROUTE]
    counts = "; ".join(
        f"{sum(o.status == status for o in routed)} {status}"
        for status in (REFRESHED, UNCHANGED, FAILED, SKIPPED, NOT_LOADED)
    )
    lines = [
        f"# {title}, {run.checked_at[:10]}",
        "",
        f"Checked at {run.checked_at}. Publications with a route: {len(routed)}: {counts} "
        "(each one not refreshed keeps its last good data). Publications with no public "
        f"route: {len(unrouted)} (kept as built, listed at the end).",
        "",
        "| Publication | Outcome | Newest release found | New periods | Revised values "
        "| New series | Ended series | Files |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in routed:
        diff = o.diff
        release = o.release["title"] if o.release else ""
        if o.release and o.release.get("released"):
            release += f" (released {o.release['released']})"
        counts = (
            [_periods(diff.new_periods), len(diff.revised), len(diff.new_series)]
            + [len(diff.ended_series)]
            if diff
            else ["", "", "", ""]
        )
        cells = [f"`{o.dataset}`", o.status, release, *counts, o.downloads]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    problems = [o for o in run.outcomes if o.status in (FAILED, SKIPPED, NOT_LOADED)]
    if problems:
        lines += ["", "## Not refreshed", ""]
        lines += [f"- `{o.dataset}` ({o.status}): {o.message}" for o in problems]
    for o in run.outcomes:
        if not o.diff or o.diff.empty:
            continue
        diff = o.diff
        lines += ["", f"## `{o.dataset}`", ""]
        if diff.new_periods:
            lines.append(f"- New periods: {_periods(diff.new_periods)}")
        if diff.dropped_periods:
            lines.append(f"- Periods no longer published: {_periods(diff.dropped_periods)}")
        for label, series in (("New series", diff.new_series), ("Ended series", diff.ended_series)):
            if len(series):
                rows = series.head(REPORT_ROWS).itertuples(index=False, name=None)
                shown = ", ".join("/".join(row) for row in rows)
                more = f" and {len(series) - REPORT_ROWS} more" if len(series) > REPORT_ROWS else ""
                lines.append(f"- {label} ({len(series)}): {shown}{more}")
        if len(diff.revised):
            lines += [
                f"- Revised values: {len(diff.revised)}"
                + (f" (first {REPORT_ROWS} shown)" if len(diff.revised) > REPORT_ROWS else ""),
                "",
                "| Measure | Area | Period | Was | Now |",
                "|---|---|---|---|---|",
            ]
            for row in diff.revised.head(REPORT_ROWS).itertuples(index=False):
                cells = [row.measure, row.area_code, row.period_start]
                cells += [_value(row.value_old), _value(row.value_new)]
                lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if unrouted:
        lines += ["", "## No public route (kept as built)", ""]
        lines += [f"- `{o.dataset}`: {o.message}" for o in unrouted]
    return "\n".join(lines) + "\n"


def report_path(data: Path) -> Path:
    """Beside the snapshot, like the build log, so the next build does not remove it."""
    return data.with_name(f"{data.name}-refresh-report.md")
