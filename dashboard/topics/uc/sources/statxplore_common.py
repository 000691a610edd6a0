"""What every DWP Stat-Xplore export shares: symbols, month labels, and cells -> observations."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.uc.sources import statxplore_areas as areas

SOURCE_LINE = "Source: Department for Work and Pensions"
COUNTING_PREFIX = "Counting: "
# Footnote ids Stat-Xplore prints after the title and explains in the legend under the table.
LEGEND_SYMBOLS = frozenset({"I", "II", "III", "IV", "z", "p", "r"})
# Cell symbols: never numbers.
CELL_SYMBOLS = {"..": "nil or negligible"}
# A cell the Stat-Xplore API answers with null (its JSON has no symbol).
NULL_STATUS = "no value returned by Stat-Xplore"
# Markers on time labels, "May 2025 (p)".
LABEL_MARKERS = {"p": "provisional", "r": "revised"}
TIME_FIELDS = ("Month",)
MONTH_LABEL = re.compile(r"^(?P<month>[A-Z][a-z]+ \d{4})(?: \((?P<marker>[a-z])\))?$")
# What a table counts (its "Counting:" line, or its measure field) -> our measure id.
COUNTING = {
    "Households on Universal Credit": "households_on_uc",
    "People on Universal Credit": "people_on_uc",
}
# Exports whose preamble was stripped no longer say what they count: it is stated here instead.
STRIPPED_COUNTING = {"households_on_UC_ltla_15-22.csv": "Households on Universal Credit"}
BREAKDOWNS = "statxplore_breakdowns"
STATUS_SEPARATOR = "; "


@dataclass(frozen=True)
class Table:
    """One Stat-Xplore table as printed: its fields and one row per cell, labels as printed."""

    path: Path
    counting: str | None  # the "Counting:" line, without its prefix; None when stripped
    column_fields: tuple[str, ...]
    row_fields: tuple[str, ...]
    cells: pd.DataFrame  # a column per field, then "raw" (cell as printed), "annotation"


def check_legend(path: Path, symbols: Sequence[str]) -> None:
    unknown = sorted(set(symbols) - LEGEND_SYMBOLS)
    if unknown:
        raise ValueError(f"{path.name}: legend has unknown symbol(s) {unknown}")


def _join(*parts: pd.Series) -> pd.Series:
    """Join the non-missing statuses of each row with "; "."""
    result = parts[0].astype("string")
    for part in parts[1:]:
        part = part.astype("string")
        both = result + STATUS_SEPARATOR + part
        result = both.fillna(result).fillna(part)
    return result


def cell_values(path: Path, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as floats; Stat-Xplore symbols become NaN with their meaning as status."""
    text = raw.astype("string").str.strip().str.replace(",", "", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    status = text.map(CELL_SYMBOLS).astype("string")
    bad = values.isna() & status.isna()
    if bad.any():
        examples = sorted(set(raw[bad].astype(str)))[:5]
        raise ValueError(f"{path.name}: cells that are neither numbers nor symbols: {examples}")
    if (values < 0).any():
        raise ValueError(f"{path.name}: negative counts")
    return values.astype("float64"), status


def annotation_status(path: Path, annotations: pd.Series) -> pd.Series:
    text = annotations.astype("string").str.strip().replace("", pd.NA)
    known = {**LABEL_MARKERS, **CELL_SYMBOLS}
    status = text.map(known).astype("string")
    bad = text.notna() & status.isna()
    if bad.any():
        raise ValueError(f"{path.name}: unknown annotations {sorted(set(text[bad]))[:5]}")
    return status


def months(path: Path, labels: pd.Series) -> pd.DataFrame:
    """Month labels -> period_start, period_end (the calendar month) and the label's status."""
    parsed = {}
    for label in pd.unique(labels):
        match = MONTH_LABEL.match(str(label).strip())
        if match is None:
            raise ValueError(f"{path.name}: month label {label!r} not like 'May 2025 (p)'")
        marker = match["marker"]
        if marker is not None and marker not in LABEL_MARKERS:
            raise ValueError(f"{path.name}: unknown marker ({marker}) on {label!r}")
        start = pd.to_datetime(match["month"], format="%B %Y")
        parsed[label] = (start, start + pd.offsets.MonthEnd(0), LABEL_MARKERS.get(marker))
    table = pd.DataFrame.from_dict(
        parsed, orient="index", columns=["period_start", "period_end", "label_status"]
    )
    table["label_status"] = table["label_status"].astype("string")
    return table.reindex(labels.to_numpy()).set_axis(labels.index)


def _measures(table: Table) -> tuple[str | None, pd.Series]:
    """The field holding measure names (if any) and each cell's measure id."""
    fields = [f for f in (*table.row_fields, *table.column_fields) if f in COUNTING]
    path = table.path
    if len(fields) > 1:
        raise ValueError(f"{path.name}: several measure fields {fields}")
    if fields:
        labels = table.cells[fields[0]]
        ids = labels.map(COUNTING)
        if ids.isna().any():
            raise ValueError(f"{path.name}: unknown measures {sorted(set(labels[ids.isna()]))}")
        return fields[0], ids
    counting = table.counting or STRIPPED_COUNTING.get(path.name)
    if counting not in COUNTING:
        raise ValueError(f"{path.name}: counts {counting!r}, not one of {sorted(COUNTING)}")
    return None, pd.Series(COUNTING[counting], index=table.cells.index)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


def to_frames(
    table: Table, dataset: str, lookups: areas.Lookups
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Cells -> (observations, breakdowns).

    Observations keep the cells that are totals over every field other than time, geography
    and measure; the full cross-tabulation of such fields goes to the breakdowns table.
    """
    path, cells = table.path, table.cells
    fields = (*table.row_fields, *table.column_fields)
    time_fields = [f for f in fields if f in TIME_FIELDS]
    if len(time_fields) != 1:
        raise ValueError(f"{path.name}: expected one time field {TIME_FIELDS}, found {fields}")
    geography = [f for f in fields if f in areas.GEOGRAPHY_FIELDS]
    if len(geography) > 1:
        raise ValueError(f"{path.name}: several geography fields {geography}")
    geography_field = geography[0] if geography else None
    measure_field, measure = _measures(table)
    others = [f for f in fields if f not in (time_fields[0], geography_field, measure_field)]

    labels = cells[geography_field] if geography_field else pd.Series("Total", index=cells.index)
    resolved = areas.resolve(path, geography_field, labels, lookups).set_index("label")
    keep = labels.isin(resolved.index)
    cells, labels, measure = cells[keep], labels[keep], measure[keep]

    values, cell_status = cell_values(path, cells["raw"])
    period = months(path, cells[time_fields[0]])
    place = resolved.reindex(labels.to_numpy()).set_axis(labels.index)
    out = pd.DataFrame(
        {
            "dataset": dataset,
            "measure": measure,
            "area_type": place["area_type"],
            "area_code": place["area_code"],
            "area_name": place["area_name"],
            "period_start": period["period_start"],
            "period_end": period["period_end"],
            "value": values,
            "unit": "count",
            "status": _join(
                period["label_status"], cell_status, annotation_status(path, cells["annotation"])
            ),
            "source_file": path.name,
        }
    )
    for name in others:
        out[slug(name)] = cells[name].astype("string")

    totals = pd.Series(True, index=out.index)
    for name in others:
        if not (out[slug(name)] == areas.TOTAL).any():
            raise ValueError(f"{path.name}: field {name!r} has no Total")
        totals &= out[slug(name)] == areas.TOTAL
    observations = out[totals].drop(columns=[slug(n) for n in others])
    breakdowns = out.reset_index(drop=True) if others else None
    return observations, breakdowns


def parse_with(
    read, paths: Sequence[Path], suffixes: tuple[str, ...], dataset: str
) -> dict[str, pd.DataFrame]:
    """Shared body of the CSV and xlsx parsers: read each export, resolve areas, conform."""
    lookups = areas.load_lookups(paths)
    exports = [p for p in paths if p.suffix.lower() in suffixes and not areas.is_lookup(p)]
    if not exports:
        raise ValueError(f"no Stat-Xplore {'/'.join(suffixes)} export among the inputs")
    observations, breakdowns = [], []
    for path in exports:
        for table in read(path):
            obs, extra = to_frames(table, dataset, lookups)
            observations.append(obs)
            if extra is not None:
                breakdowns.append(extra)
    tables = {"observations": conform(pd.concat(observations, ignore_index=True))}
    if breakdowns:
        tables[BREAKDOWNS] = pd.concat(breakdowns, ignore_index=True)
    return tables
