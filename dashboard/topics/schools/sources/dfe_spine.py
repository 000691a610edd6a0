"""DfE school information "spine" 2017-18: Nottingham's schools, placed by their postcodes."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from python_calamine import CalamineError

from dashboard.core.observations import conform
from dashboard.geography.sources.geo_common import BRITISH_NATIONAL_GRID, by_name, read_boundaries
from dashboard.geography.sources.os_codepoint_open import normalise_postcode, read_postcodes
from dashboard.topics.schools.sources import dfe_common as dfe

SPINE_FILE = "2017-2018_england_spine.xlsx"
SPINE_SHEET = "england"
CODEPOINT_HEADER = "header.csv"
CODEPOINT_FILE = "ng.csv"
PCON2010_FILE = "wpc_by_lad_E06000018.json"
PCON2024_FILE = "Westminster_Parliamentary_Constituencies_July_2024_Boundaries_UK_BUC.geojson"
SPINE_COLUMNS = {
    "URN": "urn",
    "LA": "la_code",
    "ESTAB": "estab",
    "SCHNAME": "name",
    "POSTCODE": "postcode",
    "ICLOSE": "iclose",
    "OPENDATE": "open_date",
    "CLOSEDATE": "close_date",
    "MINORGROUP": "minor_group",
    "NFTYPE": "type",
    "ISPRIMARY": "is_primary",
    "ISSECONDARY": "is_secondary",
    "ISPOST16": "is_post16",
    "AGEL": "age_low",
    "AGEH": "age_high",
    "GENDER": "gender",
    "RELDENOM": "religious_character",
}
STATE_FUNDED_GROUPS = {"Academy", "Maintained School", "Special School"}
NOT_STATE_FUNDED_TYPES = {"Non-maintained special school"}
# A point this close to an edge may sit in the neighbouring seat: the 2013 outlines are
# generalised (about 20 m), the 2024 BUC outlines ultra-generalised (hundreds of metres).
UNCERTAIN_WITHIN_M = {"pcon2010": 50, "pcon2024": 100}
# The seats that cover each kept LA (ONS LAD24->PCON24 shares for E06000018: 0.29, 0.277,
# 0.433, summing to 1). A city school is placed among these only: the coarse BUC outlines
# otherwise drop several city schools into Gedling or Broxtowe.
LA_PCON2024 = {"892": ("E14001410", "E14001411", "E14001412")}
METHODS = {
    "pcon2010": "postcode centroid (Code-Point Open) in the 2013 generalised clipped outline",
    "pcon2024": "postcode centroid (Code-Point Open) in the July 2024 BUC (ultra-generalised) "
    "outline of one of the LA's seats",
}


def phase(row: pd.Series) -> str:
    if row["minor_group"] == "Special School" or "special" in str(row["type"]).lower():
        return "special"
    if row["minor_group"] == "College":
        return "16 plus"
    primary, secondary = row["is_primary"] == "1", row["is_secondary"] == "1"
    if primary and secondary:
        return "all-through"
    if primary:
        return "primary"
    if secondary:
        return "secondary"
    return "16 plus" if row["is_post16"] == "1" else "other"


def read_spine(path: Path, keep_las: Iterable[str]) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=SPINE_SHEET, engine="calamine", dtype=str)
    except (ValueError, KeyError, OSError, CalamineError) as error:
        raise ValueError(f"{path.name}: cannot read sheet {SPINE_SHEET!r} ({error})") from error
    missing = [c for c in SPINE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: layout changed, missing columns {missing}")
    frame = frame[list(SPINE_COLUMNS)].rename(columns=SPINE_COLUMNS, errors="raise")
    frame = frame[frame["la_code"].isin(set(keep_las))].copy()
    if frame.empty:
        raise ValueError(f"{path.name}: no schools for LA {sorted(keep_las)}")
    if not frame["urn"].str.fullmatch(r"\d{6,7}").all() or frame["urn"].duplicated().any():
        raise ValueError(f"{path.name}: URNs missing or repeated")
    frame["lad_code"] = frame["la_code"].map(
        lambda la: dfe.la_areas(pd.Series([la]), path, dfe.LA_GSS).iat[0, 0]
    )
    frame["phase"] = frame.apply(phase, axis=1)
    frame["state_funded"] = frame["minor_group"].isin(STATE_FUNDED_GROUPS) & ~frame["type"].isin(
        NOT_STATE_FUNDED_TYPES
    )
    for column in ("open_date", "close_date"):
        frame[column] = pd.to_datetime(frame[column], errors="raise").dt.date
    frame["is_open"] = frame["close_date"].isna()
    frame["postcode"] = frame["postcode"].fillna("").map(normalise_postcode)
    for column in ("age_low", "age_high"):
        frame[column] = pd.to_numeric(frame[column], errors="raise").astype("Int64")
    return frame.drop(columns=["is_primary", "is_secondary", "is_post16", "iclose"])


def place(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, prefix: str) -> pd.DataFrame:
    """The seat holding each point; a point outside every seat takes the nearest, said so."""
    polygons = polygons.to_crs(BRITISH_NATIONAL_GRID)
    located = points[points.geometry.notna()]
    inside = gpd.sjoin(located[["geometry"]], polygons, how="left", predicate="within")
    inside = inside[~inside.index.duplicated()]
    outside = inside["code"].isna()
    nearest = gpd.sjoin_nearest(
        located.loc[outside[outside].index, ["geometry"]], polygons, distance_col="gap"
    )
    nearest = nearest[~nearest.index.duplicated()]
    code = inside["code"].copy()
    code.loc[nearest.index] = nearest["code"]
    names = polygons.set_index("code")["name"]
    edges = polygons.set_index("code").boundary
    edge = pd.Series(
        [geom.distance(edges[c]) for geom, c in zip(located.geometry, code, strict=True)],
        index=located.index,
    )
    method = pd.Series(METHODS[prefix], index=located.index)
    method.loc[nearest.index] = [
        f"postcode centroid {gap:.0f} m outside the LA's seat outlines: nearest seat"
        for gap in nearest["gap"]
    ]
    out = pd.DataFrame(index=points.index)
    out[f"{prefix}_code"] = code.astype("string")
    out[f"{prefix}_name"] = code.map(names).astype("string")
    out[f"{prefix}_edge_distance_m"] = edge.round(0)
    out[f"{prefix}_uncertain"] = (edge < UNCERTAIN_WITHIN_M[prefix]) | code.index.isin(
        nearest.index
    )
    out[f"{prefix}_method"] = method.astype("string")
    out[f"{prefix}_method"] = out[f"{prefix}_method"].fillna("no postcode match: not placed")
    return out


def parse(
    paths: Sequence[Path], dataset: str, *, keep_las: Iterable[str] = dfe.KEEP_LAS
) -> dict[str, pd.DataFrame]:
    """No observations: a ``schools`` table with location and constituency in both sets."""
    spine_path = by_name(paths, SPINE_FILE)
    schools = read_spine(spine_path, keep_las)
    postcodes = read_postcodes(by_name(paths, CODEPOINT_HEADER), by_name(paths, CODEPOINT_FILE))
    postcodes = postcodes.rename(
        columns={"quality": "postcode_quality", "ward_code": "ward_code_cpo"}
    )
    schools = schools.merge(
        postcodes[
            ["postcode", "postcode_quality", "easting", "northing", "lat", "lon", "ward_code_cpo"]
        ],
        on="postcode",
        how="left",
        validate="m:1",
    )
    geometry = gpd.points_from_xy(schools["easting"], schools["northing"])
    geometry = np.where(schools["easting"].notna(), geometry, None)
    points = gpd.GeoDataFrame(schools, geometry=list(geometry), crs=BRITISH_NATIONAL_GRID)
    pcon2010 = read_boundaries(
        by_name(paths, PCON2010_FILE), {"PCON13CD": "code", "PCON13NM": "name"}
    )
    pcon2024 = read_boundaries(
        by_name(paths, PCON2024_FILE), {"PCON24CD": "code", "PCON24NM": "name"}
    )
    seats = {code for la in keep_las for code in LA_PCON2024[la]}
    pcon2024 = pcon2024[pcon2024["code"].isin(seats)]
    if len(pcon2024) != len(seats):
        raise ValueError(f"{PCON2024_FILE}: missing seats {sorted(seats - set(pcon2024['code']))}")
    table = pd.concat(
        [schools, place(points, pcon2010, "pcon2010"), place(points, pcon2024, "pcon2024")], axis=1
    )
    table["placement"] = "Code-Point Open postcode centroid"
    table["source_file"] = spine_path.name
    empty = dfe.empty_observations().assign(dataset=dataset)
    return {"observations": conform(empty), "schools": table.sort_values("urn", ignore_index=True)}
