"""Weekly prison population of England and Wales, 2014-2023 (MoJ bulletins, compiled by PRT)."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.prison.sources.moj_prison_common import (
    COUNTRY_CODE,
    COUNTRY_NAME,
    dates,
    numbers,
    read_csv_exact,
)

COLUMNS = ["date", "population"]
# A sanity band for the England and Wales total: a value outside it is a transcription slip.
PLAUSIBLE = (60_000, 120_000)
# Blank weeks are bank-holiday weeks (Good Friday, Christmas) with no figure in the source.
BLANK_STATUS = "blank in source (bank-holiday week)"


def _parse_file(path: Path) -> pd.DataFrame:
    frame = numbers(read_csv_exact(path, COLUMNS), ["population"], path, blank_ok=True)
    frame["date"] = dates(frame["date"], path, "date")
    if frame["date"].duplicated().any():
        raise ValueError(f"{path.name}: duplicate dates")
    low, high = PLAUSIBLE
    if not frame["population"].dropna().between(low, high).all():
        raise ValueError(f"{path.name}: population outside {low:,}-{high:,}")
    return frame.assign(source_file=path.name)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    frame = pd.concat([_parse_file(path) for path in paths], ignore_index=True)
    out = pd.DataFrame(
        {
            "dataset": dataset,
            "measure": "population",
            "area_type": "country",
            "area_code": COUNTRY_CODE,
            "area_name": COUNTRY_NAME,
            "period_start": frame["date"],
            "period_end": frame["date"],
            "value": frame["population"],
            "unit": "count",
            "status": frame["population"]
            .isna()
            .map({True: BLANK_STATUS, False: pd.NA})
            .astype("string"),
            "source_file": frame["source_file"],
        }
    )
    return {"observations": conform(out)}
