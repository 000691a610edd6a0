"""The named places on our maps, placed by postcode and assigned to constituencies and wards."""

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.geography.sources import pcon_overlap
from dashboard.geography.sources.geo_common import (
    BRITISH_NATIONAL_GRID,
    WGS84,
    by_name,
    read_boundaries,
)
from dashboard.geography.sources.os_codepoint_open import HEADER_FILE, read_postcodes

CODEPOINT_FILE = "ng.csv"
PCON2010_FILE = "wpc_by_lad_E06000018.json"
PCON2024_FILE = "Westminster_Parliamentary_Constituencies_July_2024_Boundaries_UK_BUC.geojson"
WARDS2013_FILE = "wards_by_lad_E06000018.json"
# A 2010-set seat that passes at least this share of its area to one 2024 seat decides the 2024
# seat of points inside it; the finer 2013 outline beats the coarse BUC one near boundaries.
WHOLLY_CONTAINED_SHARE = 0.99
BUC_UNCERTAIN_WITHIN_M = 250
SITES = pd.DataFrame(
    [
        {
            "site_id": "qmc",
            "name": "Queen's Medical Centre",
            "postcode": "NG7 2UH",
            "role": "Emergency department of Nottingham University Hospitals NHS Trust (RX1)",
            "org_code": "RX1",
        },
        {
            "site_id": "city_hospital",
            "name": "Nottingham City Hospital",
            "postcode": "NG5 1PB",
            "role": "Hospital of Nottingham University Hospitals NHS Trust (RX1); no type 1 A&E",
            "org_code": "RX1",
        },
        {
            "site_id": "hmp_nottingham",
            "name": "HMP Nottingham",
            "postcode": "NG5 3AG",
            "role": "Category B men's local prison, Perry Road (NOMIS code NMI)",
            "org_code": "NMI",
        },
    ]
)


def _containing(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, prefix: str):
    """Code and name of the polygon holding each point, and how far the point is from its edge."""
    points_bng = points[["geometry"]].to_crs(BRITISH_NATIONAL_GRID)
    polygons_bng = polygons.to_crs(BRITISH_NATIONAL_GRID)
    joined = gpd.sjoin(points_bng, polygons_bng, how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    edges = polygons_bng.set_index("code").boundary
    distance = [
        point.distance(edges[code]) if isinstance(code, str) else float("nan")
        for point, code in zip(joined.geometry, joined["code"], strict=True)
    ]
    return pd.DataFrame(
        {
            f"{prefix}_code": joined["code"],
            f"{prefix}_name": joined["name"],
            f"{prefix}_edge_distance_m": pd.Series(distance, index=joined.index).round(0),
        }
    )


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    postcodes = read_postcodes(by_name(paths, HEADER_FILE), by_name(paths, CODEPOINT_FILE))
    sites = SITES.merge(postcodes, on="postcode", how="left", validate="1:1")
    unplaced = sites.loc[sites["easting"].isna(), "postcode"].tolist()
    if unplaced:
        raise ValueError(f"{CODEPOINT_FILE}: postcodes not found: {', '.join(unplaced)}")
    points = gpd.GeoDataFrame(
        sites,
        geometry=gpd.points_from_xy(sites["easting"], sites["northing"]),
        crs=BRITISH_NATIONAL_GRID,
    ).to_crs(WGS84)
    pcon2010 = read_boundaries(
        by_name(paths, PCON2010_FILE), {"PCON13CD": "code", "PCON13NM": "name"}
    )
    pcon2024 = read_boundaries(
        by_name(paths, PCON2024_FILE), {"PCON24CD": "code", "PCON24NM": "name"}
    )
    wards = read_boundaries(by_name(paths, WARDS2013_FILE), {"WD13CD": "code", "WD13NM": "name"})
    placed = pd.concat(
        [
            sites.rename(columns={"ward_code": "ward2019_code"}),
            _containing(points, pcon2010, "pcon2010"),
            _containing(points, pcon2024, "pcon2024"),
            _containing(points, wards, "ward2013"),
        ],
        axis=1,
    )
    return {"sites": _settle_2024_seat(placed, pcon_overlap.overlap_table(paths))}


def _settle_2024_seat(placed: pd.DataFrame, overlap: pd.DataFrame) -> pd.DataFrame:
    whole = overlap[overlap["share_of_2010_area"] >= WHOLLY_CONTAINED_SHARE]
    successor = whole.set_index("pcon2010_code")["pcon2024_code"]
    inherited = placed["pcon2010_code"].map(successor)
    out = placed.copy()
    out["pcon2024_method"] = "point-in-polygon on the ONS BUC outline" + pd.Series(
        [
            f" (within {BUC_UNCERTAIN_WITHIN_M} m of its edge: uncertain)"
            if distance < BUC_UNCERTAIN_WITHIN_M
            else ""
            for distance in out["pcon2024_edge_distance_m"]
        ],
        index=out.index,
    )
    use_inherited = inherited.notna()
    names = pd.Series(dict(zip(placed["pcon2024_code"], placed["pcon2024_name"], strict=True)))
    out.loc[use_inherited, "pcon2024_code"] = inherited[use_inherited]
    out.loc[use_inherited, "pcon2024_name"] = (
        inherited[use_inherited].map(names).fillna(out.loc[use_inherited, "pcon2024_name"])
    )
    out.loc[use_inherited, "pcon2024_method"] = (
        "inside a 2010-set seat that lies wholly (>=99% of area) in this 2024 seat, "
        "per the mySociety overlap table"
    )
    out["pcon2010_method"] = "point-in-polygon on the 2013 generalised clipped outline"
    out["placement"] = "Code-Point Open postcode centroid"
    return out
