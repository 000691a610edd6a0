"""Constituency codes, boundary sets and map geometry; pure functions, no streamlit."""

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from dashboard.sources.geo_common import BRITISH_NATIONAL_GRID

ENGLAND = "E92000001"
EAST_MIDLANDS = "E12000004"
NOTTINGHAM_LAD = "E06000018"


@dataclass(frozen=True)
class BoundarySet:
    key: str  # the area_type of its observations and the name of its boundary table
    label: str
    in_force: str


BOUNDARY_SETS = {
    "pcon2024": BoundarySet("pcon2024", "July 2024 boundaries", "from the 4 July 2024 election"),
    "pcon2010": BoundarySet("pcon2010", "2010-2024 boundaries", "6 May 2010 to 30 May 2024"),
}


@dataclass(frozen=True)
class Seat:
    key: str
    codes: dict[str, str]  # boundary set -> GSS code
    names: dict[str, str]


SEATS = {
    "east": Seat(
        "east",
        {"pcon2010": "E14000865", "pcon2024": "E14001410"},
        {"pcon2010": "Nottingham East", "pcon2024": "Nottingham East"},
    ),
    "north": Seat(
        "north",
        {"pcon2010": "E14000866", "pcon2024": "E14001411"},
        {"pcon2010": "Nottingham North", "pcon2024": "Nottingham North and Kimberley"},
    ),
    "south": Seat(
        "south",
        {"pcon2010": "E14000867", "pcon2024": "E14001412"},
        {"pcon2010": "Nottingham South", "pcon2024": "Nottingham South"},
    ),
}
DEFAULT_SEAT = "east"
DEFAULT_SET = "pcon2024"


def seat_for_code(code: str) -> tuple[str, str] | None:
    """(seat key, boundary set) for a GSS code of one of our seats, else None."""
    for seat in SEATS.values():
        for boundary_set, seat_code in seat.codes.items():
            if seat_code == code.strip().upper():
                return seat.key, boundary_set
    return None


def neighbours(boundaries: gpd.GeoDataFrame, code: str, within_m: float = 500) -> list[str]:
    """Codes of the seats touching (or within ``within_m`` of) the seat ``code``."""
    projected = boundaries.to_crs(BRITISH_NATIONAL_GRID)
    shape = projected.loc[projected["code"] == code, "geometry"]
    if shape.empty:
        raise KeyError(f"no boundary for {code}")
    near = projected[projected.intersects(shape.iloc[0].buffer(within_m))]
    return sorted(c for c in near["code"] if c != code)


def to_map_frame(boundaries: gpd.GeoDataFrame, tolerance_m: float = 25) -> gpd.GeoDataFrame:
    """Project to British National Grid (metres) and simplify for the browser.

    Plotting in metres on equal axes keeps shapes true without a tile server or world map.
    """
    projected = boundaries.to_crs(BRITISH_NATIONAL_GRID)
    projected["geometry"] = projected.geometry.simplify(tolerance_m, preserve_topology=True)
    return projected


def outline_xy(geometry) -> tuple[list[float | None], list[float | None]]:
    """Exterior rings of a (multi)polygon as x/y lists broken by None, for one scatter trace."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        x, y = polygon.exterior.coords.xy
        xs.extend([*x, None])
        ys.extend([*y, None])
    return xs, ys


def population_table(observations: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Latest all-ages population per seat, with its reference day."""
    rows = observations[
        (observations["measure"] == "population_all_ages") & observations["area_code"].isin(codes)
    ]
    latest = rows.sort_values("period_end").groupby("area_code").tail(1)
    return latest.set_index("area_code").reindex(codes).reset_index()


def prefer_detailed(coarse: gpd.GeoDataFrame, detailed: gpd.GeoDataFrame | None):
    """Swap in a finer outline wherever one exists for the same code; mark which was used."""
    out = coarse.copy()
    out["outline"] = "ONS ultra-generalised (BUC)"
    if detailed is None or detailed.empty:
        return out
    finer = detailed.set_index("code").geometry.to_crs(out.crs)
    has = out["code"].isin(finer.index)
    out.loc[has, "geometry"] = out.loc[has, "code"].map(finer).values
    out.loc[has, "outline"] = "2013 generalised clipped"
    return out


POSTCODE_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"


def locate_postcode(
    text: str,
    postcodes: pd.DataFrame,
    seats_2010: gpd.GeoDataFrame,
    seats_2024: gpd.GeoDataFrame,
    wards_2013: gpd.GeoDataFrame | None = None,
) -> dict:
    """Where a postcode's centroid lies: seat in both sets, 2013 ward, distance to seat edges.

    Returns {"error": ...} for text that is not a postcode or not in the extract.
    """
    from dashboard.sources.os_codepoint_open import normalise_postcode

    cleaned = normalise_postcode(text[:20])
    if not pd.Series([cleaned]).str.fullmatch(POSTCODE_PATTERN).iloc[0]:
        return {"error": "That does not look like a UK postcode (for example NG3 1AA)."}
    match = postcodes[postcodes["postcode"] == cleaned]
    if match.empty:
        return {
            "error": f"{cleaned} is not in the Code-Point Open NG extract (NG postcodes only, "
            "about 2023): it may be newer, retired, or outside the NG area."
        }
    row = match.iloc[0]
    point = gpd.GeoSeries(
        gpd.points_from_xy([row["easting"]], [row["northing"]]), crs=BRITISH_NATIONAL_GRID
    ).iloc[0]
    found = {"postcode": cleaned, "easting": int(row["easting"]), "northing": int(row["northing"])}
    for key, seats in (("pcon2010", seats_2010), ("pcon2024", seats_2024)):
        projected = seats.to_crs(BRITISH_NATIONAL_GRID)
        inside = projected[projected.contains(point)]
        if inside.empty:
            found[key] = None
            continue
        seat = inside.iloc[0]
        found[key] = {
            "code": seat["code"],
            "name": seat["name"],
            "edge_distance_m": round(seat.geometry.boundary.distance(point)),
        }
    if wards_2013 is not None:
        projected = wards_2013.to_crs(BRITISH_NATIONAL_GRID)
        inside = projected[projected.contains(point)]
        found["ward2013"] = None if inside.empty else inside.iloc[0]["name"]
    found["ward2019_code"] = row["ward_code"] or None
    return found


@dataclass(frozen=True)
class SeatMapFrames:
    """What every constituency map draws, in British National Grid metres."""

    seats: gpd.GeoDataFrame  # the seat, its neighbours and any extra seats asked for
    other_outline: gpd.GeoDataFrame  # the same seat on the other boundary set
    other_label: str
    wards: gpd.GeoDataFrame | None  # 2013 wards of the seat (2010-2024 set only)


def seat_map_frames(
    seat: str,
    boundary_set: str,
    *,
    boundaries: dict[str, gpd.GeoDataFrame],
    detailed_2010: gpd.GeoDataFrame | None,
    wards_2013: gpd.GeoDataFrame | None,
    extra_codes: tuple[str, ...] = (),
) -> SeatMapFrames:
    """The seat with its neighbours, preferring the finer 2013 outlines for the 2010-2024 set
    (the July 2024 set has only ONS's ultra-generalised ones)."""
    code = SEATS[seat].codes[boundary_set]
    other_set = "pcon2010" if boundary_set == "pcon2024" else "pcon2024"
    current = boundaries[boundary_set]
    shown = current[current["code"].isin({code, *neighbours(current, code), *extra_codes})]
    other = boundaries[other_set]
    other_shape = other[other["code"] == SEATS[seat].codes[other_set]]
    if boundary_set == "pcon2010":
        shown = prefer_detailed(shown, detailed_2010)
    else:
        other_shape = prefer_detailed(other_shape, detailed_2010)
    wards = None
    if wards_2013 is not None and boundary_set == "pcon2010":
        wards = to_map_frame(wards_2013[wards_2013["pcon2010_code"] == code])
    return SeatMapFrames(
        seats=to_map_frame(shown),
        other_outline=to_map_frame(other_shape),
        other_label=f"Same seat, {BOUNDARY_SETS[other_set].label}",
        wards=wards,
    )
