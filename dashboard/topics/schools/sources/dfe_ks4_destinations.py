"""DfE performance tables 2018/19: KS4 destination measures (england_ks4-pupdest.csv)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.topics.schools.sources import dfe_common as dfe

# In the 2018/19 tables the headline cohort finished KS4 in 2016/17 and its destinations were
# sustained during 2017/18; the period is that destination year. Columns suffixed _18 and _17
# repeat the measure from the two earlier tables, so one year earlier each.
DESTINATION_END_YEAR = {"": 2018, "_18": 2017, "_17": 2016}
RECTYPES = {"1": "school", "2": "school", "LA": "lad", "NAT": "england"}
ID_COLUMNS = ["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "NFTYPE"]
MEASURES = {
    "COHORT": ("ks4_dest_cohort", "count"),
    "OVERALL_DESTPER": ("ks4_dest_pct_sustained", "percent"),
    "EDUCATIONPER": ("ks4_dest_pct_education", "percent"),
    "APPRENPER": ("ks4_dest_pct_apprenticeship", "percent"),
    "EMPLOYMENTPER": ("ks4_dest_pct_employment", "percent"),
    "NOT_SUSTAINEDPER": ("ks4_dest_pct_not_sustained", "percent"),
    "UNKNOWNPER": ("ks4_dest_pct_unknown", "percent"),
    "OVERALL_DESTPER_DIS": ("ks4_dest_pct_sustained_disadvantaged", "percent"),
}
# The earlier tables' columns repeat only these three.
EARLIER_MEASURES = {c: MEASURES[c] for c in ("COHORT", "OVERALL_DESTPER", "OVERALL_DESTPER_DIS")}


def read(
    path: Path,
    *,
    keep_las: Iterable[str] = dfe.KEEP_LAS,
    la_map: dict[str, tuple[str, str]] = dfe.LA_GSS,
) -> pd.DataFrame:
    earlier = {f"{c}{s}": m for s in ("_18", "_17") for c, m in EARLIER_MEASURES.items()}
    frame = dfe.read_csv(path, ID_COLUMNS + list(MEASURES) + list(earlier))
    kept = dfe.assign_rectype_areas(frame, path, RECTYPES, keep_las=keep_las, la_map=la_map)
    parts = []
    for suffix, year in DESTINATION_END_YEAR.items():
        columns = (
            MEASURES if not suffix else {f"{c}{suffix}": m for c, m in EARLIER_MEASURES.items()}
        )
        kept["period_start"], kept["period_end"] = dfe.academic_year(year)
        parts.append(dfe.melt_measures(kept, columns, path))
    out = pd.concat(parts, ignore_index=True)
    return out


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return dfe.parse_one_file(paths, dataset, read)
