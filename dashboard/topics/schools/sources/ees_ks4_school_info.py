"""DfE Explore Education Statistics: KS4 performance, school information file (2023/24 on)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.topics.schools.sources import dfe_common as dfe

SCHOOL_COLUMNS = {
    "school_urn": "urn",
    "school_name": "name",
    "old_la_code": "la_code",
    "new_la_code": "lad_code",
    "establishment_type_group": "type_group",
    "pcon_code": "pcon2024_code",
    "pcon_name": "pcon2024_name",
}
PERIOD_COLUMNS = {"time_period": "time_period", "time_identifier": "time_identifier"}
# diffn_* are the disadvantaged-pupil gap (the school's disadvantaged pupils against national
# non-disadvantaged pupils), NOT the school's Attainment 8 or Progress 8: this file has neither.
MEASURES = {
    "t_pupils": ("ks4_pupils", "count"),
    "avg_ks2_scaledscore": ("ks4_cohort_avg_ks2_scaled_score", "score"),
    "pt_disadvantaged": ("ks4_cohort_pct_disadvantaged", "percent"),
    "pt_language_not_english": ("ks4_cohort_pct_eal", "percent"),
    "pt_sen": ("ks4_cohort_pct_sen", "percent"),
    "diffn_att8": ("ks4_disadvantaged_gap_attainment8", "score"),
    "diffn_p8mea": ("ks4_disadvantaged_gap_progress8", "score"),
    "p8_banding": ("ks4_progress8_band", "score"),
}
# Explore Education Statistics' symbols for a figure that is not a number.
SPECIAL_VALUES = {
    "z": "not applicable",
    "c": "confidential (suppressed)",
    "x": "not available",
    "low": "rounds to zero",
    "u": "low reliability",
    "": "missing",
}
ACADEMIC_YEAR = "Academic year"


def end_year(time_period: str, path: Path) -> int:
    """EES writes an academic year as '202324'."""
    if len(time_period) != 6 or not time_period.isdigit():
        raise ValueError(f"{path.name}: time_period {time_period!r} is not like 202324")
    start, end = int(time_period[:4]), int(time_period[4:])
    if (start + 1) % 100 != end:
        raise ValueError(f"{path.name}: time_period {time_period!r} is not one academic year")
    return start + 1


def read(path: Path, *, keep_las: Iterable[str] = dfe.KEEP_LAS) -> dict[str, pd.DataFrame]:
    required = [*PERIOD_COLUMNS, *SCHOOL_COLUMNS, *MEASURES, "geographic_level"]
    frame = dfe.read_csv(path, required, encoding="utf-8")
    if set(frame["geographic_level"]) != {"School"}:
        raise ValueError(f"{path.name}: expected only School rows")
    if set(frame["time_identifier"]) != {ACADEMIC_YEAR} or frame["time_period"].nunique() != 1:
        raise ValueError(f"{path.name}: expected one academic year")
    year = end_year(frame["time_period"].iloc[0], path)
    # Checked over the whole national file: a repeated row anywhere means a damaged copy, even
    # where it is a school this dashboard does not keep.
    if frame["school_urn"].duplicated().any():
        raise ValueError(f"{path.name}: school rows without a unique URN")
    kept = frame[frame["old_la_code"].isin(set(keep_las))].copy()
    if kept.empty:
        raise ValueError(f"{path.name}: no schools for LA {sorted(keep_las)}")
    if not kept["school_urn"].str.fullmatch(r"\d{6,7}").all():
        raise ValueError(f"{path.name}: school rows without a unique URN")
    # The band is words; the snapshot keeps DfE's 1 (best) to 5 coding used in earlier files.
    kept["p8_banding"] = kept["p8_banding"].map(lambda v: dfe.P8_BAND_CODES.get(v, v))
    kept["area_type"], kept["area_code"] = "school", kept["school_urn"]
    kept["area_name"] = kept["school_name"]
    kept["period_start"], kept["period_end"] = dfe.academic_year(year)
    values = kept[list(MEASURES)].apply(lambda column: column.str.strip())
    ees = values.apply(lambda column: column.map(SPECIAL_VALUES))
    # EES symbols become DfE's empty-cell marker here; their own reason is put back below.
    kept[list(MEASURES)] = values.where(ees.isna(), "")
    out = dfe.melt_measures(kept, MEASURES, path)
    reasons = pd.concat([ees[c] for c in MEASURES], ignore_index=True)
    out["status"] = reasons.astype("string").where(reasons.notna(), out["status"])
    schools = kept[list(SCHOOL_COLUMNS)].rename(columns=SCHOOL_COLUMNS, errors="raise")
    schools["academic_year"] = f"{year - 1}/{year % 100:02d}"
    return {"observations": out, "schools": schools.reset_index(drop=True)}


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    """Kept LAs' schools only: the file has no LA or England rows."""
    return dfe.observations_and_schools([read(path) for path in paths], dataset)
