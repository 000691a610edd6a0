"""Ordnance Survey Code-Point Open: postcode unit centroids (headerless CSV plus header file)."""

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.geography import normalise_postcode  # shared with the app's postcode finder
from dashboard.geography.sources.geo_common import BRITISH_NATIONAL_GRID, WGS84, by_name

HEADER_FILE = "header.csv"
EXPECTED_HEADER = [
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
]
KEEP = {
    "Postcode": "postcode",
    "Positional_quality_indicator": "quality",
    "Eastings": "easting",
    "Northings": "northing",
    "Admin_district_code": "lad_code",
    "Admin_ward_code": "ward_code",
}


def read_postcodes(header_path: Path, data_path: Path) -> pd.DataFrame:
    header = pd.read_csv(header_path, nrows=0).columns.tolist()
    if header != EXPECTED_HEADER:
        raise ValueError(f"{header_path.name}: unexpected columns {header}")
    frame = pd.read_csv(data_path, header=None, names=header, dtype=str, keep_default_na=False)
    if frame.empty:
        raise ValueError(f"{data_path.name}: no postcodes")
    frame = frame[list(KEEP)].rename(columns=KEEP, errors="raise")
    for column in ("easting", "northing", "quality"):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.isna().any():
            raise ValueError(f"{data_path.name}: non-numeric {column} in some rows")
        frame[column] = numbers.astype("int64")
    frame["postcode"] = frame["postcode"].map(normalise_postcode)
    points = gpd.points_from_xy(frame["easting"], frame["northing"], crs=BRITISH_NATIONAL_GRID)
    lonlat = gpd.GeoSeries(points).to_crs(WGS84)
    frame["lat"] = lonlat.y.round(6)
    frame["lon"] = lonlat.x.round(6)
    return frame.sort_values("postcode").reset_index(drop=True)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    data_files = [p for p in paths if p.name != HEADER_FILE]
    if len(data_files) != 1:
        raise ValueError(f"Code-Point Open: expected one data file, got {len(data_files)}")
    return {"postcodes": read_postcodes(by_name(paths, HEADER_FILE), data_files[0])}
