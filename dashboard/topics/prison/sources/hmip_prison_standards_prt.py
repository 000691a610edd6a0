"""Share of prisons HMIP judged good or reasonably good, by test and year (compiled by PRT)."""

import re
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

COLUMNS = ["year", "percent", "type"]
# The same measure suffixes as the Nottingham healthy prison scores (hmip_nottingham_curated).
TYPES = {
    "Safety": "pct_prisons_good_safety",
    "Respect": "pct_prisons_good_respect",
    "Purposeful activity": "pct_prisons_good_purposeful_activity",
    "Preparation for release": "pct_prisons_good_rehabilitation_release",
}
# Financial years are written both "2008–09" (en dash) and "2021-22".
YEAR = re.compile(r"(\d{4})[–-](\d{2})")
GAP_STATUS = "no figure in source for this year"


def _start_year(text: str, path: Path) -> int:
    match = YEAR.fullmatch(text.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"{path.name}: bad financial year {text!r}")
    return int(match[1])


def _parse_file(path: Path) -> pd.DataFrame:
    frame = numbers(read_csv_exact(path, COLUMNS), ["percent"], path)
    unknown = set(frame["type"]) - set(TYPES)
    if unknown:
        raise ValueError(f"{path.name}: unknown type(s) {sorted(unknown)}")
    frame["start"] = [_start_year(text, path) for text in frame["year"]]
    if frame.duplicated(["start", "type"]).any():
        raise ValueError(f"{path.name}: a year appears twice for one type")
    # Make the missing years (2020-21) explicit nulls so a chart shows a gap, not a join.
    years = range(frame["start"].min(), frame["start"].max() + 1)
    grid = pd.MultiIndex.from_product([years, list(TYPES)], names=["start", "type"])
    frame = frame.set_index(["start", "type"]).reindex(grid).reset_index()
    frame["status"] = frame["percent"].isna().map({True: GAP_STATUS, False: pd.NA})
    return frame.assign(source_file=path.name)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    frame = pd.concat([_parse_file(path) for path in paths], ignore_index=True)
    start = frame["start"].astype(str)
    end = (frame["start"] + 1).astype(str)
    out = pd.DataFrame(
        {
            "dataset": dataset,
            "measure": frame["type"].map(TYPES),
            "area_type": "country",
            "area_code": COUNTRY_CODE,
            "area_name": COUNTRY_NAME,
            "period_start": pd.to_datetime(start + "-04-01"),
            "period_end": pd.to_datetime(end + "-03-31"),
            "value": frame["percent"],
            "unit": "percent",
            "status": frame["status"].astype("string"),
            "source_file": frame["source_file"],
        }
    )
    return {"observations": conform(out)}
