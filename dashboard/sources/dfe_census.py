"""DfE performance tables 2018/19: school census, January 2019 (england_census.csv)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.observations import conform
from dashboard.sources import dfe_common as dfe

DATASET = "dfe_census_2018_19"
END_YEAR = 2019
COLUMNS = [
    "URN", "LA", "ESTAB", "SCHOOLTYPE", "NOR", "NORG", "NORB", "PNORG", "PNORB", "TSENELSE",
    "PSENELSE", "TSENELK", "PSENELK", "NUMEAL", "NUMENGFL", "NUMUNCFL", "PNUMEAL", "PNUMENGFL",
    "PNUMUNCFL", "NUMFSM", "NUMFSMEVER", "PNUMFSMEVER",
]  # fmt: skip
MEASURES = {
    "NOR": ("pupils_on_roll", "count"),
    "NUMFSM": ("pupils_fsm_eligible", "count"),
    "PNUMFSMEVER": ("pct_fsm_ever6", "percent"),
    "PNUMEAL": ("pct_eal", "percent"),
    "PSENELSE": ("pct_sen_ehcp", "percent"),
    "PSENELK": ("pct_sen_support", "percent"),
}
# The national rows (URN "NAT") are state-funded totals by phase, so their measures carry the phase.
NATIONAL_PHASES = {"PRI": "_primary", "SEC": "_secondary", "SPE": "_special"}


def read(
    path: Path,
    *,
    keep_las: Iterable[str] = dfe.KEEP_LAS,
    la_map: dict[str, tuple[str, str]] = dfe.LA_GSS,
) -> pd.DataFrame:
    frame = dfe.read_csv(path, COLUMNS)
    if list(frame.columns) != COLUMNS:
        raise ValueError(f"{path.name}: layout changed: {list(frame.columns)}")
    national = frame["URN"].eq("NAT")
    if sorted(frame.loc[national, "ESTAB"]) != sorted(NATIONAL_PHASES):
        raise ValueError(f"{path.name}: expected national rows for {sorted(NATIONAL_PHASES)}")
    schools = frame[~national & frame["LA"].isin(set(keep_las))].copy()
    dfe.la_areas(schools["LA"], path, la_map)  # fails on a kept LA without a GSS code
    if not schools["URN"].str.fullmatch(r"\d{6,7}").all():
        raise ValueError(f"{path.name}: school rows without a URN")
    schools["area_type"] = "school"
    schools["area_code"] = schools["URN"]
    schools["area_name"] = pd.NA  # the census file carries no names; the schools table does
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
