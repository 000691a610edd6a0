"""MoJ monthly population bulletins by establishment, Jan 2011-May 2016 (RobinL's compilation)."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.prison.sources.moj_prison_common import (
    COUNTRY_CODE,
    COUNTRY_NAME,
    dates,
    nomis_code,
    numbers,
    pct_of_cna,
    read_csv_exact,
)

COLUMNS = [
    "source",
    "date",
    "baseline_cna",
    "in_use_cna",
    "operational_capacity",
    "population",
    "moj_prison_name",
    "lat",
    "lng",
    "nomis_id",
    "perc_pop_to_used_cna",
    "perc_acc_available",
    "cat_a",
    "cat_b",
    "cat_c",
    "cat_d",
    "open",
    "male",
    "youth",
    "adult",
    "local",
    "high_security",
    "sex_offender",
    "operator",
    "opened",
]
MEASURES = {
    "baseline_cna": "baseline_cna",
    "in_use_cna": "in_use_cna",
    "operational_capacity": "operational_capacity",
    "population": "population",
}
TOTAL_NAME = "Total"
# "Sub Total" equals "Total" from Aug 2011 and is a different aggregate before; its operational
# capacity and Total's differ by 2,000 (usable capacity), so neither capacity is an estate figure.
SKIPPED_NAMES = {"Sub Total"}


def _establishments(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    rows = frame[~frame["moj_prison_name"].isin(SKIPPED_NAMES | {TOTAL_NAME})].copy()
    given = rows["nomis_id"].str.strip()
    # Only names without a nomis_id go through the table; the file's own ids are kept as given.
    looked_up = rows.loc[given == "", "moj_prison_name"].map(lambda name: nomis_code(name, path))
    rows["area_code"] = given.where(given != "", looked_up)
    rows = rows[rows["area_code"].notna()]
    bad = rows.loc[~rows["area_code"].str.fullmatch(r"[A-Z]{3}"), "area_code"]
    if not bad.empty:
        raise ValueError(f"{path.name}: malformed nomis_id {bad.iloc[0]!r}")
    # The compilation repeats some establishments verbatim (Norwich three times a month).
    rows = rows.drop_duplicates(["area_code", "date", *MEASURES])
    clash = rows[rows.duplicated(["area_code", "date"], keep=False)]
    if not clash.empty:
        first = clash.iloc[0]
        raise ValueError(
            f"{path.name}: two different rows for {first['area_code']} on {first['date']:%Y-%m-%d}"
        )
    rows["area_type"] = "prison"
    rows["area_name"] = rows["moj_prison_name"]
    long = rows.melt(
        id_vars=["area_type", "area_code", "area_name", "date"],
        value_vars=list(MEASURES),
        var_name="measure",
        value_name="value",
    )
    long["measure"] = long["measure"].map(MEASURES)
    long["unit"] = "count"
    crowding = rows[["area_type", "area_code", "area_name", "date"]].assign(
        measure="pct_of_cna",
        value=pct_of_cna(rows["population"], rows["in_use_cna"]),
        unit="percent_of_capacity",
    )
    return pd.concat([long, crowding], ignore_index=True)


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    total = frame[frame["moj_prison_name"] == TOTAL_NAME]
    return pd.DataFrame(
        {
            "area_type": "country",
            "area_code": COUNTRY_CODE,
            "area_name": COUNTRY_NAME,
            "date": total["date"],
            "measure": "population",
            "value": total["population"],
            "unit": "count",
        }
    )


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    frames = []
    for path in paths:
        frame = read_csv_exact(path, COLUMNS)
        frame = numbers(frame, list(MEASURES), path)
        frame["date"] = dates(frame["date"], path, "date")
        if (frame[list(MEASURES)] < 0).any().any():
            raise ValueError(f"{path.name}: negative capacity or population")
        long = pd.concat([_establishments(frame, path), _totals(frame)], ignore_index=True)
        status = pd.Series(pd.NA, index=long.index, dtype="string")
        status[(long["measure"] == "pct_of_cna") & long["value"].isna()] = "in-use CNA is zero"
        frames.append(long.assign(status=status, source_file=path.name))
    out = pd.concat(frames, ignore_index=True)
    out = out.assign(dataset=dataset, period_start=out["date"], period_end=out["date"])
    return {"observations": conform(out.drop(columns="date"))}
