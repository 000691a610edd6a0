"""2013 generalised clipped wards, constituencies and LSOAs for Nottingham and its neighbours."""

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.geography.sources.geo_common import STORED_CRS, by_name, read_boundaries

CITY_LAD = "E06000018"
CITY_LAD_NAME = "Nottingham"
WARD_COLUMNS = {"WD13CD": "code", "WD13NM": "name"}
PCON_COLUMNS = {"PCON13CD": "code", "PCON13NM": "name"}
LSOA_COLUMNS = {"LSOA11CD": "code", "LSOA11NM": "name"}
WARD_FILE_PREFIX = "wards_by_lad_"
PCON_FILE_PREFIX = "wpc_by_lad_"
CITY_PCON_FILE = f"{PCON_FILE_PREFIX}{CITY_LAD}.json"
LSOA_FILE = f"lsoa_by_lad_{CITY_LAD}.json"
EXPECTED_CITY_WARDS = 20


def _wards(paths: Sequence[Path]) -> gpd.GeoDataFrame:
    frames = []
    for path in paths:
        if path.name.startswith(WARD_FILE_PREFIX):
            frame = read_boundaries(path, WARD_COLUMNS)
            frame["lad_code"] = path.stem.removeprefix(WARD_FILE_PREFIX)
            frames.append(frame)
    if not frames:
        raise ValueError(f"{WARD_FILE_PREFIX}*.json: no ward files among the inputs")
    wards = pd.concat(frames, ignore_index=True)
    city = wards[wards["lad_code"] == CITY_LAD]
    if len(city) != EXPECTED_CITY_WARDS:
        raise ValueError(
            f"{WARD_FILE_PREFIX}{CITY_LAD}.json: {len(city)} wards, expected {EXPECTED_CITY_WARDS}"
        )
    return gpd.GeoDataFrame(wards, geometry="geometry", crs=STORED_CRS)


def _assign_city_wards(wards: gpd.GeoDataFrame, constituencies: gpd.GeoDataFrame):
    """Each city ward goes to the 2010-set constituency holding most of its area."""
    wards_bng = wards  # stored in metres already: areas need no projection
    pcon_bng = constituencies
    pieces = gpd.overlay(
        wards_bng[wards_bng["lad_code"] == CITY_LAD][["code", "geometry"]],
        pcon_bng.rename(columns={"code": "pcon2010_code", "name": "pcon2010_name"}),
        how="intersection",
        keep_geom_type=True,
    )
    pieces["area"] = pieces.geometry.area
    ward_area = wards_bng.set_index("code").geometry.area
    pieces["share"] = pieces["area"] / pieces["code"].map(ward_area)
    best = pieces.sort_values("share", ascending=False).drop_duplicates("code")
    best = best.set_index("code")[["pcon2010_code", "pcon2010_name", "share"]]
    out = wards.join(best, on="code")
    out = out.rename(columns={"share": "pcon2010_area_share"})
    out["pcon2010_area_share"] = out["pcon2010_area_share"].round(4)
    return out


def _constituencies(paths: Sequence[Path]) -> gpd.GeoDataFrame:
    """Every 2010-set seat in the city and its neighbouring districts, once each."""
    frames = [
        read_boundaries(path, PCON_COLUMNS)
        for path in paths
        if path.name.startswith(PCON_FILE_PREFIX)
    ]
    seats = pd.concat(frames, ignore_index=True).drop_duplicates("code")
    return gpd.GeoDataFrame(seats, geometry="geometry", crs=STORED_CRS)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    wards = _wards(paths)
    city_constituencies = read_boundaries(by_name(paths, CITY_PCON_FILE), PCON_COLUMNS)
    wards = _assign_city_wards(wards, city_constituencies)
    city = wards[wards["lad_code"] == CITY_LAD]
    boundary = gpd.GeoDataFrame(
        {"code": [CITY_LAD], "name": [CITY_LAD_NAME]},
        geometry=[city.union_all()],
        crs=STORED_CRS,
    )
    lsoas = read_boundaries(by_name(paths, LSOA_FILE), LSOA_COLUMNS)
    return {
        "wards2013": wards.sort_values(["lad_code", "code"]).reset_index(drop=True),
        "city_boundary": boundary,
        "lsoa2011": lsoas.sort_values("code").reset_index(drop=True),
        "pcon2010_detailed": _constituencies(paths).sort_values("code").reset_index(drop=True),
    }
