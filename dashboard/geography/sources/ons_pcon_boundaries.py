"""ONS Westminster constituency boundaries, ultra-generalised (BUC), for both boundary sets."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.geography.sources.geo_common import by_name, read_boundaries

FILE_2010_SET = "Westminster_Parliamentary_Constituencies_Dec_2022_UK_BUC.geojson"
FILE_2024_SET = "Westminster_Parliamentary_Constituencies_July_2024_Boundaries_UK_BUC.geojson"
COLUMNS_2010_SET = {"PCON22CD": "code", "PCON22NM": "name"}
COLUMNS_2024_SET = {"PCON24CD": "code", "PCON24NM": "name"}
EXPECTED_FEATURES = 650


# English codes of the 2010-2024 set end at E14001062; the July 2024 set starts at E14001063,
# so a file of the wrong set is caught by its codes, whatever its name says.
LAST_2010_SET_CODE = "E14001062"


def _read(path: Path, columns: dict[str, str], *, set_2024: bool):
    frame = read_boundaries(path, columns)
    if len(frame) != EXPECTED_FEATURES:
        raise ValueError(f"{path.name}: {len(frame)} constituencies, expected {EXPECTED_FEATURES}")
    english = frame.loc[frame["code"].str.startswith("E14"), "code"]
    in_set = english > LAST_2010_SET_CODE if set_2024 else english <= LAST_2010_SET_CODE
    if not in_set.all():
        raise ValueError(f"{path.name}: English codes belong to the other boundary set")
    return frame.sort_values("code").reset_index(drop=True)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return {
        "pcon2010": _read(by_name(paths, FILE_2010_SET), COLUMNS_2010_SET, set_2024=False),
        "pcon2024": _read(by_name(paths, FILE_2024_SET), COLUMNS_2024_SET, set_2024=True),
    }
