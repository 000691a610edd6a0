"""Constituency codes, boundary sets and map geometry; pure functions, no streamlit.

Boundary frames are plain DataFrames whose ``geometry`` column holds shapely shapes in British
National Grid metres, as the snapshot stores them (``store.read_geometry_table``): the app never
reprojects, so it never imports geopandas or pyproj.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

EAST_MIDLANDS = "E12000004"
NOTTINGHAM_LAD = "E06000018"
# DfE's three-digit LA numbers -> (GSS code, name): only the LAs the dashboard needs, so any
# other LA's rows in a DfE file are skipped on purpose, never guessed.
LA_GSS = {
    "892": (NOTTINGHAM_LAD, "Nottingham"),
}


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


def neighbours(boundaries: pd.DataFrame, code: str, within_m: float = 500) -> list[str]:
    """Codes of the seats touching (or within ``within_m`` of) the seat ``code``."""
    return _near(boundaries, code, within_m)


def to_map_frame(boundaries: pd.DataFrame, tolerance_m: float = 25) -> pd.DataFrame:
    """A simplified copy for the browser (the input is shared between sessions: not changed).

    Plotting in metres on equal axes keeps shapes true without a tile server or world map.
    """
    shapes = shapely.simplify(
        boundaries["geometry"].to_numpy(), tolerance_m, preserve_topology=True
    )
    return boundaries.assign(geometry=shapes)


def bounds(frame: pd.DataFrame) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of every shape in ``frame``."""
    return tuple(shapely.total_bounds(frame["geometry"].to_numpy()).tolist())


def label_points(geometries) -> tuple[np.ndarray, np.ndarray]:
    """A point inside each shape, for its label: x and y arrays."""
    points = shapely.point_on_surface(np.asarray(geometries, dtype=object))
    return shapely.get_x(points), shapely.get_y(points)


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


def outlines_xy(frame: pd.DataFrame, label) -> tuple[np.ndarray, np.ndarray, list[str]]:
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


def prefer_detailed(coarse: pd.DataFrame, detailed: pd.DataFrame | None):
    """Swap in a finer outline wherever one exists for the same code; mark which was used."""
    out = coarse.copy()
    out["outline"] = "ONS ultra-generalised (BUC)"
    if detailed is None or detailed.empty:
        return out
    finer = detailed.set_index("code")["geometry"]
    has = out["code"].isin(finer.index)
    out.loc[has, "geometry"] = out.loc[has, "code"].map(finer).values
    out.loc[has, "outline"] = "2013 generalised clipped"
    return out


def normalise_postcode(text: str) -> str:
    """'ng72uh' or ' NG7  2UH ' -> 'NG7 2UH' (outward code, one space, inward code)."""
    compact = "".join(str(text).split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


POSTCODE_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"


def locate_postcode(
    text: str,
    postcodes: pd.DataFrame,
    seats_2010: pd.DataFrame,
    seats_2024: pd.DataFrame,
    wards_2013: pd.DataFrame | None = None,
) -> dict:
    """Where a postcode's centroid lies: seat in both sets, 2013 ward, distance to seat edges.

    Returns {"error": ...} for text that is not a postcode or not in the extract.
    """
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
    x, y = float(row["easting"]), float(row["northing"])
    found = {"postcode": cleaned, "easting": int(row["easting"]), "northing": int(row["northing"])}
    for key, seats in (("pcon2010", seats_2010), ("pcon2024", seats_2024)):
        inside = seats[_contains(seats, x, y)]
        if inside.empty:
            found[key] = None
            continue
        seat = inside.iloc[0]
        found[key] = {
            "code": seat["code"],
            "name": seat["name"],
            "edge_distance_m": round(seat["geometry"].boundary.distance(shapely.Point(x, y))),
        }
    if wards_2013 is not None:
        inside = wards_2013[_contains(wards_2013, x, y)]
        found["ward2013"] = None if inside.empty else inside.iloc[0]["name"]
    found["ward2019_code"] = row["ward_code"] or None
    return found


def _contains(frame: pd.DataFrame, x: float, y: float) -> np.ndarray:
    """Which shapes hold the point (x, y); a point on an edge counts for neither side."""
    return shapely.contains_xy(frame["geometry"].to_numpy(), x, y)


@dataclass(frozen=True)
class SeatMapFrames:
    """What every constituency map draws, in British National Grid metres."""

    seats: pd.DataFrame  # the seat, its neighbours and any extra seats asked for
    other_outline: pd.DataFrame  # the same seat on the other boundary set
    other_label: str
    wards: pd.DataFrame | None  # 2013 wards of the seat (2010-2024 set only)


@dataclass(frozen=True)
class MapLayers:
    """Every outline the seat maps draw, simplified once per process, so a seat change only
    picks rows (simplifying all 650 seats per change cost tens of milliseconds)."""

    drawn: dict[str, pd.DataFrame]  # per boundary set, simplified; finer 2013 for 2010
    neighbours: dict[str, pd.DataFrame]  # per boundary set, simplified, as published
    wards_2013: pd.DataFrame | None  # simplified


def map_layers(
    boundaries: dict[str, pd.DataFrame],
    detailed_2010: pd.DataFrame | None,
    wards_2013: pd.DataFrame | None,
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


def _near(seats: pd.DataFrame, code: str, within_m: float = 500) -> list[str]:
    shape = seats.loc[seats["code"] == code, "geometry"]
    if shape.empty:
        raise KeyError(f"no boundary for {code}")
    near = seats[shapely.intersects(seats["geometry"].to_numpy(), shape.iloc[0].buffer(within_m))]
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
