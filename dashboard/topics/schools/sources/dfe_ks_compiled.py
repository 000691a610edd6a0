"""KS2/KS4 headline measures 2016-2018 by URN (waiky8 compilation of DfE ks2final/ks4final)."""

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.schools.sources import dfe_common as dfe

FILE_NAME = re.compile(r"(?P<stage>ks[24])_perf_(?P<year>\d{4})\.csv$")
DETAILS_FILE = "school_details_2018.csv"
DETAILS_COLUMNS = ["URN", "Name", "Local Authority"]
# The compilation's "Academic Year" is the exam summer: 2018 = 2017/18.
KS2_MEASURES = {
    "KS2 Pupils": ("ks2_pupils", "count"),
    "Overall Meet Std": ("ks2_pct_rwm_expected", "percent"),
    "Overall Exceed Std": ("ks2_pct_rwm_higher", "percent"),
    "Reading Progress": ("ks2_progress_reading", "score"),
    "Writing Progress": ("ks2_progress_writing", "score"),
    "Maths Progress": ("ks2_progress_maths", "score"),
    "Reading Score": ("ks2_scaled_score_reading", "score"),
    "Maths Score": ("ks2_scaled_score_maths", "score"),
}
KS4_MEASURES = {
    "KS4 Pupils": ("ks4_pupils", "count"),
    "Attainment 8": ("ks4_attainment8", "score"),
    "Progress 8": ("ks4_progress8", "score"),
    "Eng Maths Grade 5": ("ks4_pct_eng_maths_9_5", "percent"),
    "Entering EBacc": ("ks4_pct_ebacc_entered", "percent"),
    "EBacc Avg Score": ("ks4_ebacc_aps", "score"),
}
# 2015/16 was the last year of letter grades: the "grade 5" column then holds English and maths
# A*-C, and EBacc APS did not exist yet.
KS4_2016_MEASURES = {
    **{k: v for k, v in KS4_MEASURES.items() if k not in ("Eng Maths Grade 5", "EBacc Avg Score")},
    "Eng Maths Grade 5": ("ks4_pct_eng_maths_a_c", "percent"),
}
KS4_2017_MEASURES = {k: v for k, v in KS4_MEASURES.items() if k != "EBacc Avg Score"}
LEGACY_A8_STATUS = "2016 Attainment 8 uses the pre-9-1 points scale"


def nottingham_schools(path: Path, keep_las: Iterable[str]) -> pd.DataFrame:
    """URN -> name for the kept LAs; the compilation's own files carry no LA."""
    details = dfe.read_csv(path, DETAILS_COLUMNS, encoding="cp1252")
    kept = details[details["Local Authority"].isin(set(keep_las))]
    if kept["URN"].duplicated().any():
        raise ValueError(f"{path.name}: duplicate URNs")
    return kept.set_index("URN")["Name"]


def measures_for(stage: str, year: int) -> dict[str, tuple[str, str]]:
    if stage == "ks2":
        return KS2_MEASURES
    return {2016: KS4_2016_MEASURES, 2017: KS4_2017_MEASURES}.get(year, KS4_MEASURES)


def read(path: Path, names: pd.Series) -> pd.DataFrame:
    match = FILE_NAME.search(path.name)
    if not match:
        raise ValueError(f"{path.name}: expected a name like ks4_perf_2018.csv")
    stage, year = match["stage"], int(match["year"])
    measures = measures_for(stage, year)
    frame = dfe.read_csv(path, ["URN", "Academic Year", *measures])
    if set(frame["Academic Year"]) != {str(year)}:
        raise ValueError(f"{path.name}: Academic Year is not {year} throughout")
    if frame["URN"].duplicated().any():
        raise ValueError(f"{path.name}: duplicate URNs")
    kept = frame[frame["URN"].isin(names.index)].copy()
    kept["area_type"] = "school"
    kept["area_code"] = kept["URN"]
    kept["area_name"] = kept["URN"].map(names)
    kept["period_start"], kept["period_end"] = dfe.academic_year(year)
    out = dfe.melt_measures(kept, measures, path)
    if stage == "ks4" and year == 2016:
        legacy = out["measure"].eq("ks4_attainment8") & out["value"].notna()
        out.loc[legacy, "status"] = LEGACY_A8_STATUS
    return out


def parse(
    paths: Sequence[Path], dataset: str, *, keep_las: Iterable[str] = dfe.KEEP_LAS
) -> dict[str, pd.DataFrame]:
    details = [p for p in paths if p.name == DETAILS_FILE]
    tables = [p for p in paths if p.name != DETAILS_FILE]
    if len(details) != 1 or not tables:
        raise ValueError(
            f"{dataset}: expected {DETAILS_FILE} and ks*_perf_*.csv, got {[p.name for p in paths]}"
        )
    names = nottingham_schools(details[0], keep_las)
    out = pd.concat([read(path, names) for path in tables], ignore_index=True)
    out["dataset"] = dataset
    return {"observations": conform(out)}
