"""2013 generalised clipped boundaries of England's 326 local authority districts (TopoJSON).

The file is martinjc/UK-GeoJSON's `topo_lad.json`: one TopoJSON object `lad` whose features carry
`LAD13CD, LAD13CDO, LAD13NM`. GDAL's TopoJSON driver decodes the arcs. Most rings self-touch
after the conversion, so shapes are repaired (keeping polygons only), then simplified for the
browser: a choropleth of all England at 100 m is indistinguishable from the original and the
table stays well under a megabyte.
"""

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd

from dashboard.geography.sources.geo_common import STORED_CRS, WGS84, by_name

LAD_FILE = "topo_lad_england.json"
LAYER = "lad"
COLUMNS = {"LAD13CD": "code", "LAD13NM": "name"}
EXPECTED_LADS = 326  # English districts, unitaries, metropolitan and London boroughs in 2013
SIMPLIFY_M = 100
LAD_CODE = r"E0[6-9]\d{6}"


def _repair(geometry: gpd.GeoSeries) -> gpd.GeoSeries:
    """Valid (multi)polygons: self-touching rings fixed, collapsed slivers and lines dropped."""
    return geometry.make_valid(method="structure", keep_collapsed=False)


def read_lads(path: Path) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path, layer=LAYER)
    except Exception as error:  # pyogrio raises several types; all mean "not this TopoJSON"
        raise ValueError(
            f"{path.name}: not a readable TopoJSON with object '{LAYER}' ({error})"
        ) from error
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing properties {', '.join(missing)}")
    if len(frame) != EXPECTED_LADS:
        raise ValueError(f"{path.name}: {len(frame)} districts, expected {EXPECTED_LADS}")
    bad = frame[~frame["LAD13CD"].astype(str).str.fullmatch(LAD_CODE)]
    if not bad.empty:
        raise ValueError(
            f"{path.name}: {len(bad)} codes are not English LAD codes, "
            f"for example {bad['LAD13CD'].iloc[0]}"
        )
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        raise ValueError(f"{path.name}: {int(frame.geometry.is_empty.sum())} empty shapes")
    if frame.crs is None:  # the object declares CRS84 (lon/lat), which GDAL does not pass on
        frame = frame.set_crs(WGS84)
    return frame[[*COLUMNS, "geometry"]].rename(columns=COLUMNS, errors="raise")


def parse(paths: Sequence[Path], dataset: str) -> dict[str, gpd.GeoDataFrame]:
    path = by_name(paths, LAD_FILE)
    frame = read_lads(path).to_crs(STORED_CRS)
    repaired = _repair(frame.geometry)
    frame["geometry"] = repaired.simplify(SIMPLIFY_M, preserve_topology=True)
    frame["geometry"] = _repair(frame.geometry)  # simplifying can pinch rings
    if not frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise ValueError(f"{path.name}: shapes that are not polygons after repair")
    frame = frame.sort_values("code").reset_index(drop=True)
    return {"lad2013": gpd.GeoDataFrame(frame, geometry="geometry", crs=STORED_CRS)}
