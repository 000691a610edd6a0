"""Filter observations by dataset, measure, area and period; unknown values fail clearly."""

import difflib
import re

import pandas as pd

from dashboard.core.observations import COLUMNS
from dashboard.topics.schools.sources.dfe_common import LA_GSS

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


def to_csv(frame: pd.DataFrame) -> str:
    out = frame[COLUMNS].copy()
    for column in ("period_start", "period_end"):
        out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n", float_format="%.10g")
