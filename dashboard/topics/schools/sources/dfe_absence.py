"""DfE performance tables 2018/19: pupil absence by school (england_abs.csv, trimmed copy)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
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
    frame = dfe.read_csv(path, COLUMNS + list(MEASURES))
    national = frame["LA"].eq("NAT")
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
