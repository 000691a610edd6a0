"""Filter observations by dataset, measure, area and period; unknown values fail clearly."""

import difflib
import re
from pathlib import Path

import pandas as pd

from dashboard.core.observations import COLUMNS
from dashboard.geography import LA_GSS

# DfE's three-digit LA numbers (892 is Nottingham) are what school data users type.
AREA_ALIASES = {number: gss for number, (gss, _name) in LA_GSS.items()}

MONTH = re.compile(r"^\d{4}-\d{2}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class QueryError(ValueError):
    pass


def _check_known(value: str, known: pd.Series, what: str) -> None:
    choices = sorted(known.dropna().astype(str).unique())
    if value in choices:
        return
    close = difflib.get_close_matches(value, choices, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise QueryError(f"unknown {what} {value!r}.{hint} ({len(choices)} {what}s in the snapshot)")


def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp | None]:
    """'YYYY-MM' matches periods starting in that month; 'YYYY-MM-DD' those starting that day."""
    try:
        if MONTH.match(period):
            start = pd.Timestamp(f"{period}-01")
            return start, start + pd.offsets.MonthEnd(0)
        if DAY.match(period):
            return pd.Timestamp(period), None
    except ValueError:
        pass
    raise QueryError(f"--period must be YYYY-MM or YYYY-MM-DD, got {period!r}")


def select(
    observations: pd.DataFrame,
    *,
    dataset: str | None = None,
    measure: str | None = None,
    area: str | None = None,
    period: str | None = None,
) -> pd.DataFrame:
    frame = observations
    if dataset:
        _check_known(dataset, frame["dataset"], "dataset")
        frame = frame[frame["dataset"] == dataset]
    if measure:
        _check_known(measure, frame["measure"], "measure")
        frame = frame[frame["measure"] == measure]
    if area:
        code = area.strip().upper()
        code = AREA_ALIASES.get(code, code)
        _check_known(code, frame["area_code"].str.upper(), "area code")
        frame = frame[frame["area_code"].str.upper() == code]
    if period:
        start, month_end = period_bounds(period)
        if month_end is None:
            frame = frame[frame["period_start"] == start]
        else:
            frame = frame[frame["period_start"].between(start, month_end)]
    return frame.sort_values(["dataset", "measure", "area_code", "period_start"]).reset_index(
        drop=True
    )


# The contract's columns, then why a value is missing and the publisher's file it came from:
# a null value with no reason beside it would read as a gap in the data.
OUTPUT_COLUMNS = [*COLUMNS, "status", "source_file"]
FORMATS = ("csv", "parquet", "json")


def for_output(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reindex(columns=OUTPUT_COLUMNS)


def to_csv(frame: pd.DataFrame) -> str:
    from dashboard.core import exports

    return exports.plain_csv(for_output(frame))


def write(frame: pd.DataFrame, out: Path | None, fmt: str, stdout) -> None:
    """A table as CSV (the exports' dialect), Parquet or JSON records (dates as YYYY-MM-DD,
    missing as null), to ``out`` or, for text formats, to ``stdout``."""
    from dashboard.core import exports

    if fmt == "parquet":
        if out is None:
            raise QueryError("--format parquet needs --out FILE")
        frame.to_parquet(out, index=False)
        return
    if fmt == "json":
        text = frame.to_json(orient="records", date_format="iso", indent=1, force_ascii=False)
        text = re.sub(r'"(\d{4}-\d{2}-\d{2})T00:00:00(?:\.000)?"', r'"\1"', text) + "\n"
    else:
        text = exports.plain_csv(frame)
    if out is None:
        stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8", newline="")


def format_for(out: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one the file's suffix names, else CSV."""
    if fmt:
        return fmt
    suffix = out.suffix.lower().lstrip(".") if out else ""
    return suffix if suffix in FORMATS else "csv"


def datasets_table(manifest: dict) -> pd.DataFrame:
    """Every dataset in the snapshot, with its publisher, licence, period and rows."""
    from dashboard.core import catalogue

    rows = []
    for dataset_id, entry in sorted(manifest.items()):
        publication = catalogue.get(dataset_id)
        rows.append(
            {
                "dataset": dataset_id,
                "title": publication.title,
                "publisher": publication.publisher,
                "licence": publication.licence,
                "official_file": publication.official and not publication.derived,
                "period_start": entry.get("period_start"),
                "period_end": entry.get("period_end"),
                "observations": entry.get("rows", 0),
                "tables": ";".join(sorted(entry.get("tables", {}))),
                "url": publication.landing_url,
            }
        )
    return pd.DataFrame(rows)


def measures_table(manifest: dict) -> pd.DataFrame:
    """Every measure in the snapshot with its label, unit and definition (the catalogue's
    measure records) and the datasets that hold it."""
    from dashboard.core import catalogue

    held: dict[str, list[str]] = {}
    for dataset_id, entry in sorted(manifest.items()):
        for measure_id in entry.get("measures", []):
            held.setdefault(measure_id, []).append(dataset_id)
    rows = []
    for measure_id, datasets in sorted(held.items()):
        record = catalogue.MEASURES.get(measure_id)
        rows.append(
            {
                "measure": measure_id,
                "label": record.label if record else None,
                "unit": record.unit if record else None,
                "definition": record.definition if record else None,
                "datasets": ";".join(datasets),
            }
        )
    return pd.DataFrame(rows)


def areas_table(observations: pd.DataFrame) -> pd.DataFrame:
    """Every area in the observations: type, code, the publisher's latest name for it, and
    how many datasets and rows mention it."""
    latest = observations.sort_values("period_start").drop_duplicates(
        ["area_type", "area_code"], keep="last"
    )
    counts = observations.groupby(["area_type", "area_code"], observed=True).agg(
        datasets=("dataset", "nunique"), observations=("dataset", "size")
    )
    out = latest[["area_type", "area_code", "area_name"]].merge(
        counts.reset_index(), on=["area_type", "area_code"]
    )
    return out.sort_values(["area_type", "area_code"]).reset_index(drop=True)
