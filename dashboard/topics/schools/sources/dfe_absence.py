"""DfE performance tables 2018/19: pupil absence by school (england_abs.csv, trimmed copy)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.topics.schools.sources import dfe_common as dfe

# National rates (primary 4.0%, secondary 5.5%) match 2018/19; the file does not name its year.
END_YEAR = 2019
COLUMNS = ["LA", "ESTAB", "URN"]
MEASURES = {
    "PERCTOT": ("pct_overall_absence", "percent"),
    "PPERSABS10": ("pct_persistent_absence", "percent"),
}


def read(
    path: Path,
    *,
    keep_las: Iterable[str] = dfe.KEEP_LAS,
    la_map: dict[str, tuple[str, str]] = dfe.LA_GSS,
) -> pd.DataFrame:
    return dfe.read_by_phase(
        path,
        COLUMNS + list(MEASURES),
        national_column="LA",
        measures=MEASURES,
        end_year=END_YEAR,
        keep_las=keep_las,
        la_map=la_map,
    )


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return dfe.parse_one_file(paths, dataset, read)
