"""DfE performance tables 2018/19: KS4 provisional results (england_ks4provisional.csv)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.topics.schools.sources import dfe_common as dfe

# The file does not name its year: national P8 -0.03 / A8 46.5 and 2019 academies date it.
END_YEAR = 2019
ID_COLUMNS = ["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "NFTYPE"]


def read(
    path: Path,
    *,
    keep_las: Iterable[str] = dfe.KEEP_LAS,
    la_map: dict[str, tuple[str, str]] = dfe.LA_GSS,
) -> pd.DataFrame:
    frame = dfe.read_csv(path, ID_COLUMNS + list(dfe.KS4_MEASURES))
    kept = dfe.assign_rectype_areas(frame, path, dfe.KS4_RECTYPES, keep_las=keep_las, la_map=la_map)
    kept["period_start"], kept["period_end"] = dfe.academic_year(END_YEAR)
    out = dfe.melt_measures(kept, dfe.KS4_MEASURES, path, base_status="provisional")
    return out


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return dfe.parse_one_file(paths, dataset, read)
