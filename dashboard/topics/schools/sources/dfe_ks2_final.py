"""DfE performance tables: KS2 final results, per-LA download ({year}_{LA}_ks2final.csv)."""

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.schools.sources import dfe_common as dfe

FILE_NAME = re.compile(r"(?P<start>\d{4})-(?P<end>\d{4})_(?P<la>\d{3})_ks2final\.csv$")
ID_COLUMNS = ["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "NFTYPE"]
MEASURES = {
    "TELIG": ("ks2_pupils", "count"),
    "PTRWM_EXP": ("ks2_pct_rwm_expected", "percent"),
    "PTRWM_HIGH": ("ks2_pct_rwm_higher", "percent"),
    # Each subject's progress score and its 95% confidence interval: READPROG, READPROG_LOWER,
    # READPROG_UPPER -> ks2_progress_reading, ..._ci_lower, ..._ci_upper; then writing, maths.
    **{
        f"{prefix}PROG{bound}": (f"ks2_progress_{subject}{suffix}", "score")
        for prefix, subject in (("READ", "reading"), ("WRIT", "writing"), ("MAT", "maths"))
        for bound, suffix in (("", ""), ("_LOWER", "_ci_lower"), ("_UPPER", "_ci_upper"))
    },
    "READ_AVERAGE": ("ks2_scaled_score_reading", "score"),
    "MAT_AVERAGE": ("ks2_scaled_score_maths", "score"),
}


def end_year(path: Path) -> int:
    match = FILE_NAME.search(path.name)
    if not match or int(match["end"]) != int(match["start"]) + 1:
        raise ValueError(f"{path.name}: expected a name like 2018-2019_892_ks2final.csv")
    return int(match["end"])


def read(
    path: Path,
    *,
    keep_las: Iterable[str] = dfe.KEEP_LAS,
    la_map: dict[str, tuple[str, str]] = dfe.LA_GSS,
) -> pd.DataFrame:
    year = end_year(path)
    frame = dfe.read_csv(path, ID_COLUMNS + list(MEASURES))
    kept = dfe.assign_rectype_areas(frame, path, dfe.KS2_RECTYPES, keep_las=keep_las, la_map=la_map)
    kept["period_start"], kept["period_end"] = dfe.academic_year(year)
    out = dfe.melt_measures(kept, MEASURES, path)
    return out


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    """Keeps Nottingham (LA 892) and England; the mirror's Hampshire sample adds nothing."""
    frames = [read(path).assign(dataset=dataset) for path in paths]
    if not frames:
        return {"observations": conform(dfe.empty_observations().assign(dataset=dataset))}
    out = pd.concat(frames, ignore_index=True)
    out = out.drop_duplicates(["measure", "area_type", "area_code", "period_start"])
    return {"observations": conform(out)}
