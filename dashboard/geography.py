"""Constituency codes, boundary sets and map geometry; pure functions, no streamlit."""

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
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
    return _near(boundaries.to_crs(BRITISH_NATIONAL_GRID), code, within_m)


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


def outlines_xy(frame: gpd.GeoDataFrame, label) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every outline in ``frame`` as one pair of float arrays broken by NaN (plotly draws a gap
    there), with ``label(row)`` repeated for each point so one trace still names each area on
    hover. One numeric-array trace is many times faster to build and send than one list-based
    trace per area."""
    xs, ys, labels = [], [], []
    for row in frame.itertuples():
        x, y = outline_xy(row.geometry)
        xs.append(np.array(x, dtype=float))
        ys.append(np.array(y, dtype=float))
        labels.extend([label(row)] * len(x))
    if not xs:
        return np.array([]), np.array([]), []
    return np.concatenate(xs), np.concatenate(ys), labels


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


@dataclass(frozen=True)
class MapLayers:
    """Every outline the seat maps draw, projected and simplified once per process, so a seat
    change only picks rows (projecting all 650 seats per change cost ~150 ms)."""

    drawn: dict[str, gpd.GeoDataFrame]  # per boundary set, BNG, simplified; finer 2013 for 2010
    neighbours: dict[str, gpd.GeoDataFrame]  # per boundary set, BNG, simplified, as published
    wards_2013: gpd.GeoDataFrame | None  # BNG, simplified


def map_layers(
    boundaries: dict[str, gpd.GeoDataFrame],
    detailed_2010: gpd.GeoDataFrame | None,
    wards_2013: gpd.GeoDataFrame | None,
) -> MapLayers:
    # Neighbours are found on the published outlines, simplified as drawn (25 m is far below
    # the 500 m margin used); one projected copy per set is all the memory this needs.
    published = {key: to_map_frame(frame) for key, frame in boundaries.items()}
    drawn = dict(published)
    # The 2010-2024 seats around Nottingham have finer 2013 outlines: use them wherever drawn.
    finer = None if detailed_2010 is None else to_map_frame(detailed_2010)
    drawn["pcon2010"] = prefer_detailed(published["pcon2010"], finer)
    wards = None if wards_2013 is None else to_map_frame(wards_2013)
    return MapLayers(drawn=drawn, neighbours=published, wards_2013=wards)


def _near(projected: gpd.GeoDataFrame, code: str, within_m: float = 500) -> list[str]:
    shape = projected.loc[projected["code"] == code, "geometry"]
    if shape.empty:
        raise KeyError(f"no boundary for {code}")
    near = projected[projected.intersects(shape.iloc[0].buffer(within_m))]
    return sorted(c for c in near["code"] if c != code)


def seat_map_frames(
    seat: str, boundary_set: str, layers: MapLayers, extra_codes: tuple[str, ...] = ()
) -> SeatMapFrames:
    """The seat with its neighbours (and any extra seats), the same seat on the other boundary
    set, and its 2013 wards on the 2010-2024 set; all rows picked from ``layers``."""
    code = SEATS[seat].codes[boundary_set]
    other_set = "pcon2010" if boundary_set == "pcon2024" else "pcon2024"
    near = {code, *_near(layers.neighbours[boundary_set], code), *extra_codes}
    current = layers.drawn[boundary_set]
    other = layers.drawn[other_set]
    wards = None
    if layers.wards_2013 is not None and boundary_set == "pcon2010":
        wards = layers.wards_2013[layers.wards_2013["pcon2010_code"] == code]
    return SeatMapFrames(
        seats=current[current["code"].isin(near)],
        other_outline=other[other["code"] == SEATS[seat].codes[other_set]],
        other_label=f"Same seat, {BOUNDARY_SETS[other_set].label}",
        wards=wards,
    )
