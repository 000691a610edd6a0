"""DfE performance tables 2018/19: school census, January 2019 (england_census.csv)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.topics.schools.sources import dfe_common as dfe

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


def read(
    path: Path,
    *,
    keep_las: Iterable[str] = dfe.KEEP_LAS,
    la_map: dict[str, tuple[str, str]] = dfe.LA_GSS,
) -> pd.DataFrame:
    return dfe.read_by_phase(
        path,
        COLUMNS,
        national_column="URN",
        measures=MEASURES,
        end_year=END_YEAR,
        keep_las=keep_las,
        la_map=la_map,
        exact_layout=True,
    )


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return dfe.parse_one_file(paths, dataset, read)
