"""Small helpers shared by the boundary parsers: reading GeoJSON strictly, picking files by name."""

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd

WGS84 = "EPSG:4326"
BRITISH_NATIONAL_GRID = "EPSG:27700"
# Boundaries are stored projected: every map and every distance in the app is in metres, so the
# app never needs a projection library (pyproj and geopandas cost the server about 20 MB and a
# second of cold start), and British National Grid is the publishers' own grid.
STORED_CRS = BRITISH_NATIONAL_GRID


def by_name(paths: Sequence[Path], name: str) -> Path:
    for path in paths:
        if path.name == name:
            return path
    raise ValueError(f"{name}: expected among the inputs, not found")


def read_boundaries(path: Path, columns: dict[str, str]) -> gpd.GeoDataFrame:
    """Read a GeoJSON, keep and rename the named properties, fail naming the file otherwise."""
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several types; all mean "not a readable GeoJSON"
        raise ValueError(f"{path.name}: not a readable GeoJSON ({error})") from error
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing properties {', '.join(missing)}")
    if frame.empty or frame.geometry.isna().any() or not frame.geometry.is_valid.all():
        frame["geometry"] = frame.geometry.make_valid()
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    frame = frame[[*columns, "geometry"]].rename(columns=columns, errors="raise")
    return frame.to_crs(STORED_CRS)
