"""ONS mid-year population estimates by constituency, as compiled by Open Innovations."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.geography.sources.geo_common import by_name

FILE_2010_SET_MID_2020 = "population-2020.csv"  # mid-2020 by its file name only
FILE_2024_SET_TOTALS = "population.csv"
FILE_2024_SET_AGES_MID_2022 = "population_2022.csv"
NAMES_2010_SET = "constituencies-2010.csv"
NAMES_2024_SET = "ukparl.2025.csv"
# Age-band columns as the compiler named them -> our measure ids.
AGE_BANDS = {
    "total": "population_all_ages",
    "<18": "population_under_18",
    "18-64": "population_18_to_64",
    "65+": "population_65_plus",
}
TOTAL_COLUMNS_2024_SET = {"Mid 2021": 2021, "Mid 2022": 2022}


def _mid_year(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=6, day=30)


def _read(path: Path, required: list[str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing columns {', '.join(missing)}")
    return frame


def _numbers(path: Path, series: pd.Series) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce")
    if values.isna().any():
        raise ValueError(f"{path.name}: non-numeric population in {series.name!r}")
    return values


def _check_ages(path: Path, frame: pd.DataFrame, code_column: str) -> None:
    """Every age count is a non-negative number, and the single years add up to the total."""
    single_years = [c for c in frame.columns if c.isdigit() or c == "90+"]
    ages = frame[single_years].apply(pd.to_numeric, errors="coerce")
    if ages.isna().any().any() or (ages < 0).any().any():
        raise ValueError(f"{path.name}: missing, non-numeric or negative single-year counts")
    total = _numbers(path, frame["total"])
    # In the mid-2022 compilation the 57 Scottish seats' single years fall short of their totals
    # by 250-970 people (the compiler's Scottish ages differ); the check covers England and Wales.
    checked = frame[code_column].str.match(r"^[EW]")
    off = frame.loc[checked & ((ages.sum(axis=1) - total).abs() > 1), code_column]
    if not off.empty:
        raise ValueError(f"{path.name}: single years do not add up to the total for {off.iloc[0]}")


def _age_bands(path: Path, code_column: str, area_type: str, year: int, names: pd.Series):
    frame = _read(path, [code_column, *AGE_BANDS])
    _check_ages(path, frame, code_column)
    rows = []
    for column, measure in AGE_BANDS.items():
        rows.append(
            pd.DataFrame(
                {
                    "measure": measure,
                    "area_code": frame[code_column],
                    "value": _numbers(path, frame[column]),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["area_type"] = area_type
    out["area_name"] = out["area_code"].map(names)
    out["period_start"] = out["period_end"] = _mid_year(year)
    out["source_file"] = path.name
    return out


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    names_2010 = _read(by_name(paths, NAMES_2010_SET), ["PCON10CD", "Name"])
    names_2010 = names_2010.set_index("PCON10CD")["Name"]

    totals_path = by_name(paths, FILE_2024_SET_TOTALS)
    totals = _read(totals_path, ["PCON25CD", "PCON25NM", *TOTAL_COLUMNS_2024_SET])
    # The totals file covers England and Wales only; the code list names all 650 seats.
    names_2024 = _read(by_name(paths, NAMES_2024_SET), ["PCON24CD", "PCON24NM"])
    names_2024 = names_2024.set_index("PCON24CD")["PCON24NM"]

    pcon2010 = _age_bands(
        by_name(paths, FILE_2010_SET_MID_2020), "PCON11CD", "pcon2010", 2020, names_2010
    )
    ages_path = by_name(paths, FILE_2024_SET_AGES_MID_2022)
    pcon2024_ages = _age_bands(ages_path, "PCON24CD", "pcon2024", 2022, names_2024)

    # The totals file repeats mid-2022 all-ages; check the two agree, then take mid-2021 from it.
    mid_2022 = pcon2024_ages[pcon2024_ages["measure"] == "population_all_ages"]
    mid_2022 = mid_2022.set_index("area_code")["value"]
    repeated = _numbers(totals_path, totals["Mid 2022"]).set_axis(totals["PCON25CD"])
    differ = (repeated - mid_2022.reindex(repeated.index)).abs() > 0
    if differ.any():
        raise ValueError(
            f"{totals_path.name}: mid-2022 totals differ from {ages_path.name} for "
            f"{', '.join(repeated.index[differ][:5])}"
        )
    mid_2021 = pd.DataFrame(
        {
            "measure": "population_all_ages",
            "area_type": "pcon2024",
            "area_code": totals["PCON25CD"],
            "area_name": totals["PCON25NM"],
            "value": _numbers(totals_path, totals["Mid 2021"]),
            "period_start": _mid_year(2021),
            "period_end": _mid_year(2021),
            "source_file": totals_path.name,
        }
    )
    observations = pd.concat([pcon2010, pcon2024_ages, mid_2021], ignore_index=True)
    observations["dataset"] = dataset
    observations["unit"] = "count"
    return {"observations": conform(observations)}
