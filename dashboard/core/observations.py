"""The observations contract: one long table that every statistical series lands in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the catalogue reads these names in a no-change build
    import pandas as pd

COLUMNS = [
    "dataset",
    "measure",
    "area_type",
    "area_code",
    "area_name",
    "period_start",
    "period_end",
    "value",
    "unit",
]
ENGLAND = "E92000001"  # the GSS code of England, the comparator of every topic
KEY = ["dataset", "measure", "area_type", "area_code", "period_start", "period_end"]
AREA_TYPES = (
    "trust",
    "prison",
    "pcon2010",
    "pcon2024",
    "lad",
    "ward",
    "msoa",
    "lsoa",
    "school",
    "region",
    "country",
)
# percent is bounded 0-100; percent_of_capacity (crowding) may exceed 100.
UNITS = (
    "count",
    "percent",
    "percent_of_capacity",
    "rate_per_1000",
    "score",
    "ratio",
    "days",
    "gbp",
)
STRING_COLUMNS = ["dataset", "measure", "area_type", "area_code", "area_name", "unit"]


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a parser's output the contract's column order and dtypes; extra columns follow.

    Values become float with NaN for missing, so a suppressed figure can never turn into 0.
    Periods are plain dates (datetime64 at day resolution) so they compare and sort.
    """
    import pandas as pd

    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"observations are missing columns: {', '.join(missing)}")
    out = frame.copy()
    for column in STRING_COLUMNS:
        out[column] = out[column].astype("string")
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).astype("datetime64[s]")
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype("float64")
    extras = [c for c in out.columns if c not in COLUMNS]
    out = out[COLUMNS + extras]
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)
