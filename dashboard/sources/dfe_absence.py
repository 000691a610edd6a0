"""DfE performance tables 2018/19: pupil absence by school (england_abs.csv, trimmed copy)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.observations import conform
from dashboard.sources import dfe_common as dfe

DATASET = "dfe_absence_2018_19"
# National rates (primary 4.0%, secondary 5.5%) match 2018/19; the file does not name its year.
END_YEAR = 2019
COLUMNS = ["LA", "ESTAB", "URN"]
MEASURES = {
    "PERCTOT": ("pct_overall_absence", "percent"),
    "PPERSABS10": ("pct_persistent_absence", "percent"),
}
# National rows (LA "NAT") are state-funded totals by phase, so their measures carry the phase.
NATIONAL_PHASES = {"PRI": "_primary", "SEC": "_secondary", "SPE": "_special"}


def read(
    path: Path,
    *,
    keep_las: Iterable[str] = dfe.KEEP_LAS,
    la_map: dict[str, tuple[str, str]] = dfe.LA_GSS,
) -> pd.DataFrame:
    frame = dfe.read_csv(path, COLUMNS + list(MEASURES))
    national = frame["LA"].eq("NAT")
    if sorted(frame.loc[national, "ESTAB"]) != sorted(NATIONAL_PHASES):
        raise ValueError(f"{path.name}: expected national rows for {sorted(NATIONAL_PHASES)}")
    schools = frame[~national & frame["LA"].isin(set(keep_las))].copy()
    dfe.la_areas(schools["LA"], path, la_map)
    if not schools["URN"].str.fullmatch(r"\d{6,7}").all():
        raise ValueError(f"{path.name}: school rows without a URN")
    schools["area_type"] = "school"
    schools["area_code"] = schools["URN"]
    schools["area_name"] = pd.NA
    schools["measure_suffix"] = ""
    england = frame[national].copy()
    england["area_type"] = "country"
    england["area_code"] = dfe.ENGLAND_CODE
    england["area_name"] = dfe.ENGLAND_NAME
    england["measure_suffix"] = england["ESTAB"].map(NATIONAL_PHASES)
    kept = pd.concat([schools, england])
    kept["period_start"], kept["period_end"] = dfe.academic_year(END_YEAR)
    out = dfe.melt_measures(kept, MEASURES, path)
    out["dataset"] = DATASET
    return out


def parse(paths: Sequence[Path]) -> dict[str, pd.DataFrame]:
    if len(paths) != 1:
        raise ValueError(f"{DATASET}: expected one file, got {[p.name for p in paths]}")
    return {"observations": conform(read(paths[0]))}
