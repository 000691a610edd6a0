"""House of Commons Library constituency data: educational attainment (Open Innovations copy)."""

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.schools.sources import dfe_common as dfe

ID_COLUMNS = {"Constituency ID": "area_code", "Constituency Name": "area_name", "Region": "region"}
# "<series> / <exam year>" columns; the year is the exam summer (2019 = 2018/19).
VALUE_COLUMN = re.compile(r"(?P<series>.+) / (?P<year>\d{4})$")
SERIES = ("A*-C %", "KS4 Attainment 8", "KS2 met expected")
UNITS = {"A*-C %": "percent", "KS4 Attainment 8": "score", "KS2 met expected": "percent"}
# The Library's single "A*-C %" series changes definition: 5+ A*-C including English and maths
# up to 2015 (England medians jump from 59 to 63 in 2016), English and maths A*-C in 2016,
# English and maths grades 9-4 from 2017.
ENG_MATHS_MEASURE = [
    (2015, "ks4_pct_5ac_eng_maths"),
    (2016, "ks4_pct_eng_maths_a_c"),
    (9999, "ks4_pct_eng_maths_9_4"),
]
OTHER_MEASURES = {"KS4 Attainment 8": "ks4_attainment8", "KS2 met expected": "ks2_pct_rwm_expected"}
# Exams were cancelled in 2020 and 2021: grades were centre- and teacher-assessed.
ASSESSED_YEARS = {2020: "centre-assessed grades", 2021: "teacher-assessed grades"}


def measure_for(series: str, year: int) -> str:
    if series == "A*-C %":
        return next(m for last, m in ENG_MATHS_MEASURE if year <= last)
    return OTHER_MEASURES[series]


def read(path: Path, dataset: str) -> pd.DataFrame:
    frame = dfe.read_csv(path, list(ID_COLUMNS))
    value_columns = [c for c in frame.columns if c not in ID_COLUMNS]
    parsed = {c: VALUE_COLUMN.fullmatch(c) for c in value_columns}
    odd = [c for c, m in parsed.items() if not m or m["series"] not in SERIES]
    if odd:
        raise ValueError(f"{path.name}: unexpected columns {odd}")
    if not frame["Constituency ID"].str.fullmatch(r"E14\d{6}").all():
        raise ValueError(f"{path.name}: Constituency ID is not a 2010-set GSS code throughout")
    long = frame.melt(id_vars=list(ID_COLUMNS), value_vars=value_columns, var_name="column")
    long = long.rename(columns=ID_COLUMNS, errors="raise")
    series = long["column"].map(lambda c: parsed[c]["series"])
    year = long["column"].map(lambda c: int(parsed[c]["year"]))
    # A blank cell means the Library has no figure for that year: no row, rather than a null.
    long = long[long["value"].str.strip().ne("")]
    series, year = series[long.index], year[long.index]
    value, status = dfe.parse_values(long["value"], path, "value columns")
    out = pd.DataFrame(
        {
            "dataset": dataset,
            "measure": [measure_for(s, y) for s, y in zip(series, year, strict=True)],
            "area_type": "pcon2010",
            "area_code": long["area_code"],
            "area_name": long["area_name"],
            "period_start": [dfe.academic_year(y)[0] for y in year],
            "period_end": [dfe.academic_year(y)[1] for y in year],
            "value": value,
            "unit": series.map(UNITS),
            "status": status.fillna(year.map(ASSESSED_YEARS)).astype("string"),
            "source_file": path.name,
        }
    )
    return out


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    if len(paths) != 1:
        raise ValueError(f"{dataset}: expected one file, got {[p.name for p in paths]}")
    return {"observations": conform(read(paths[0], dataset))}
