"""England and Wales assault and self-harm series by calendar year (MoJ, compiled by PRT)."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.prison.sources.moj_prison_common import (
    COUNTRY_CODE,
    COUNTRY_NAME,
    numbers,
    read_csv_exact,
)

ASSAULT_COLUMNS = ["year", "assaults", "serious"]
SELF_HARM_COLUMNS = ["year", "rate", "incidents"]
ASSAULT_MEASURES = {"assaults": "assault_rate", "serious": "serious_assault_rate"}
SELF_HARM_MEASURES = {
    "rate": ("self_harm_rate", "rate_per_1000"),
    "incidents": ("self_harm_incidents", "count"),
}
# The earlier edition of self_harm.csv (2004-2023) fills the years the newer one lacks.
EARLIER_SELF_HARM = "self_harm_earlier_version_2004-2023.csv"
EARLIER_STATUS = "earlier edition of the series"
# The newer file's 2013 count, 28,230, breaks the series (2012: 23,158; 2014: 25,843) and its own
# rate (276 per 1,000 of about 84,000 prisoners is about 23,200); the earlier edition has 23,230.
TYPO = {(2013, "incidents"): (28230.0, 23230.0)}
TYPO_STATUS = "corrected from 28,230 in the newer file (typo) to the earlier edition's 23,230"


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        return handle.readline().strip().split(",")


def _years(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    if not frame["year"].str.fullmatch(r"(19|20)\d\d").all() or frame["year"].duplicated().any():
        raise ValueError(f"{path.name}: years are not unique four-digit years")
    return frame.assign(year=frame["year"].astype(int))


def _long(frame: pd.DataFrame, column: str, measure: str, unit: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": frame["year"],
            "measure": measure,
            "value": frame[column],
            "unit": unit,
            "status": frame.get(f"{column}_status", pd.Series(pd.NA, index=frame.index)),
            "source_file": frame["source_file"],
        }
    )


def _assaults(path: Path) -> pd.DataFrame:
    frame = _years(numbers(read_csv_exact(path, ASSAULT_COLUMNS), ASSAULT_COLUMNS[1:], path), path)
    frame["source_file"] = path.name
    return pd.concat(
        [
            _long(frame, column, measure, "rate_per_1000")
            for column, measure in ASSAULT_MEASURES.items()
        ]
    )


def _self_harm(newer: Path, earlier: Path | None) -> pd.DataFrame:
    def load(path: Path) -> pd.DataFrame:
        frame = numbers(read_csv_exact(path, SELF_HARM_COLUMNS), SELF_HARM_COLUMNS[1:], path)
        return _years(frame, path).assign(source_file=path.name).set_index("year")

    frame = load(newer)
    frame["rate_status"] = pd.NA
    frame["incidents_status"] = pd.NA
    for (year, column), (wrong, right) in TYPO.items():
        if year in frame.index and frame.at[year, column] == wrong:
            frame.at[year, column] = right
            frame.at[year, f"{column}_status"] = TYPO_STATUS
    if earlier is not None:
        older = load(earlier)
        older = older[~older.index.isin(frame.index)]
        older = older.assign(rate_status=EARLIER_STATUS, incidents_status=EARLIER_STATUS)
        frame = pd.concat([older, frame]).sort_index()
    frame = frame.reset_index()
    return pd.concat(
        [
            _long(frame, column, measure, unit)
            for column, (measure, unit) in SELF_HARM_MEASURES.items()
        ]
    )


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    assaults, newer, earlier = [], [], None
    for path in paths:
        header = _header(path)
        if header == ASSAULT_COLUMNS:
            assaults.append(path)
        elif header == SELF_HARM_COLUMNS and path.name == EARLIER_SELF_HARM:
            earlier = path
        elif header == SELF_HARM_COLUMNS:
            newer.append(path)
        else:
            raise ValueError(f"{path.name}: unrecognised header {header}")
    if len(assaults) != 1 or len(newer) != 1:
        raise ValueError(
            "expected one assaults file and one current self-harm file, got "
            f"{[p.name for p in assaults]} and {[p.name for p in newer]}"
        )
    out = pd.concat([_assaults(assaults[0]), _self_harm(newer[0], earlier)], ignore_index=True)
    out = out.assign(
        dataset=dataset,
        area_type="country",
        area_code=COUNTRY_CODE,
        area_name=COUNTRY_NAME,
        period_start=pd.to_datetime(out["year"].astype(str) + "-01-01"),
        period_end=pd.to_datetime(out["year"].astype(str) + "-12-31"),
        status=out["status"].astype("string"),
    )
    return {"observations": conform(out.drop(columns="year"))}
