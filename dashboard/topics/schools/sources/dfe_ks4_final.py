"""DfE performance tables: KS4 final results, per-LA download ({year}_{LA}_ks4final.csv)."""

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.schools.sources import dfe_common as dfe

# The download service names the year in the folder/file: "2018-2019_892_ks4final.csv".
FILE_NAME = re.compile(r"(?P<start>\d{4})-(?P<end>\d{4})_(?P<la>\d{3})_ks4final\.csv$")
ID_COLUMNS = ["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "NFTYPE"]


def end_year(path: Path) -> int:
    match = FILE_NAME.search(path.name)
    if not match or int(match["end"]) != int(match["start"]) + 1:
        raise ValueError(f"{path.name}: expected a name like 2018-2019_892_ks4final.csv")
    return int(match["end"])


def read(
    path: Path,
    *,
    keep_las: Iterable[str] = dfe.KEEP_LAS,
    la_map: dict[str, tuple[str, str]] = dfe.LA_GSS,
) -> pd.DataFrame:
    year = end_year(path)
    frame = dfe.read_csv(path, ID_COLUMNS + list(dfe.KS4_MEASURES))
    kept = dfe.assign_rectype_areas(frame, path, dfe.KS4_RECTYPES, keep_las=keep_las, la_map=la_map)
    kept["period_start"], kept["period_end"] = dfe.academic_year(year)
    out = dfe.melt_measures(kept, dfe.KS4_MEASURES, path)
    return out


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    """Keeps Nottingham (LA 892) and England; the mirror's Hampshire/Surrey samples add nothing."""
    frames = [read(path).assign(dataset=dataset) for path in paths]
    if not frames:
        return {"observations": conform(dfe.empty_observations().assign(dataset=dataset))}
    out = pd.concat(frames, ignore_index=True)
    # England rows come with every LA's file: keep one copy per year.
    out = out.drop_duplicates(["measure", "area_type", "area_code", "period_start"])
    return {"observations": conform(out)}
