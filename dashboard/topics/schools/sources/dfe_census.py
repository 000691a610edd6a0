"""DfE performance tables 2018/19: school census, January 2019 (england_census.csv)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
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
    frame = dfe.read_csv(path, COLUMNS)
    if list(frame.columns) != COLUMNS:
        raise ValueError(f"{path.name}: layout changed: {list(frame.columns)}")
    national = frame["URN"].eq("NAT")
    out = dfe.schools_and_england_by_phase(
        frame,
        national,
        path,
        keep_las=keep_las,
        la_map=la_map,
        measures=MEASURES,
        end_year=END_YEAR,
    )
    return out


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    if len(paths) != 1:
        raise ValueError(f"{dataset}: expected one file, got {[p.name for p in paths]}")
    return {"observations": conform(read(paths[0]).assign(dataset=dataset))}
