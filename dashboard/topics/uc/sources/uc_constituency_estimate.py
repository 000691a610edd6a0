"""Estimated monthly households on UC in Nottingham's seats, from MSOA counts by area overlap.

Method (area-weighted apportionment, an estimate, never an official figure):
1. DWP counts households on UC by 2011 MSOA (Stat-Xplore export). Every Nottingham MSOA lies in
   the city, and the city is covered by the three city seats of each set (2010 set: East, North,
   South; 2024 set: East, North and Kimberley, South, per the ONS LAD24 -> PCON24 lookup).
2. Each MSOA's households are shared among those seats in proportion to the MSOA's area inside
   each, measured in British National Grid (EPSG:27700). The 2024 outlines are ultra-generalised
   (BUC), so slivers of the city fall in Broxtowe or Gedling on the map: shares are taken among
   the city seats only, shares under MIN_SHARE are dropped as boundary noise, and the rest are
   rescaled to sum to 1.
3. A seat's estimate is the sum of its shares of each MSOA's count; ".." (nil or negligible)
   counts as 0. Only seats wholly inside the city are published (see TARGETS).
"""

import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.core.observations import conform
from dashboard.geography.sources.geo_common import BRITISH_NATIONAL_GRID, by_name, read_boundaries
from dashboard.topics.uc.sources import statxplore_api_csv

MEASURE = "households_on_uc"
STATUS = "estimate"
CITY = "E06000018"
UC_MSOA_FILE = "households_on_UC_msoa_15-22.csv"
MSOA_FILE = "msoa_by_lad_E06000018.json"
PCON2010_FILE = "wpc_by_lad_E06000018.json"
PCON2024_FILE = "Westminster_Parliamentary_Constituencies_July_2024_Boundaries_UK_BUC.geojson"
LAD_PCON2024_LOOKUP = "lookup-LAD24CD-PCON24CD.json"
MSOA_COLUMNS = {"MSOA11CD": "msoa_code", "MSOA11NM": "msoa_name"}
PCON_COLUMNS = {
    "pcon2010": {"PCON13CD": "pcon_code", "PCON13NM": "pcon_name"},
    "pcon2024": {"PCON24CD": "pcon_code", "PCON24NM": "pcon_name"},
}
# Seats wholly inside the city, so that the city's MSOAs cover all of them. Nottingham North
# and Kimberley (E14001411) also takes in Kimberley from Broxtowe, which these MSOAs miss.
TARGETS = {
    "pcon2010": ("E14000865", "E14000866", "E14000867"),
    "pcon2024": ("E14001410", "E14001412"),
}
MIN_SHARE = 0.01
WEIGHTS = "uc_msoa_pcon_weights"


def _city_seats_2024(path: Path) -> list[str]:
    try:
        shares = json.loads(path.read_text(encoding="utf-8"))[CITY]
    except (ValueError, KeyError) as error:
        raise ValueError(f"{path.name}: no {CITY} entry in the LAD24 -> PCON24 lookup") from error
    for seat in TARGETS["pcon2024"]:
        if seat not in shares:
            raise ValueError(f"{path.name}: {seat} is not a seat of {CITY}")
    return sorted(shares)


def weights(msoas: gpd.GeoDataFrame, seats: gpd.GeoDataFrame, area_type: str) -> pd.DataFrame:
    """Share of each MSOA's area in each seat, among the given (city) seats."""
    msoas = msoas.to_crs(BRITISH_NATIONAL_GRID)
    seats = seats.to_crs(BRITISH_NATIONAL_GRID)
    pieces = gpd.overlay(msoas, seats, how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.geometry.area
    frame = pd.DataFrame(pieces.drop(columns="geometry"))
    frame["share"] = frame["area"] / frame.groupby("msoa_code")["area"].transform("sum")
    frame = frame[frame["share"] >= MIN_SHARE].copy()
    frame["share"] = frame["share"] / frame.groupby("msoa_code")["share"].transform("sum")
    frame["area_type"] = area_type
    columns = ["area_type", "pcon_code", "pcon_name", "msoa_code", "msoa_name", "share"]
    return frame[columns].sort_values(columns[:4]).reset_index(drop=True)


def _month_status(counts: pd.DataFrame) -> pd.Series:
    """'estimate', plus 'revised'/'provisional' when DWP flags the month's figures so."""
    flags = counts["status"].fillna("").str.split("; ").explode()
    flags = flags[flags.isin(["revised", "provisional"])]
    by_month = flags.groupby(counts.loc[flags.index, "period_start"]).agg(
        lambda s: "; ".join(sorted(set(s)))
    )
    months = pd.Series(pd.unique(counts["period_start"]))
    extra = months.map(by_month).fillna("")
    status = (STATUS + "; " + extra).str.rstrip("; ")
    return pd.Series(status.to_numpy(), index=months)


def estimate(counts: pd.DataFrame, shares: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Monthly estimates per seat in TARGETS from MSOA counts (observations) and shares."""
    msoa = counts[counts["area_type"] == "msoa"]
    joined = shares.merge(msoa, left_on="msoa_code", right_on="area_code", how="inner")
    joined["part"] = joined["share"] * joined["value"].fillna(0.0)
    joined["nil"] = joined["value"].isna()
    grouped = joined.groupby(["area_type_x", "pcon_code", "pcon_name", "period_start"])
    out = grouped.agg(
        value=("part", "sum"),
        period_end=("period_end", "first"),
        msoas=("msoa_code", "nunique"),
        msoas_nil_or_negligible=("nil", "sum"),
    ).reset_index()
    out = out.rename(
        columns={"area_type_x": "area_type", "pcon_code": "area_code", "pcon_name": "area_name"}
    )
    targets = [code for codes in TARGETS.values() for code in codes]
    out = out[out["area_code"].isin(targets)].copy()
    out["value"] = out["value"].round(0)
    out["status"] = out["period_start"].map(_month_status(msoa)).astype("string")
    out["dataset"] = dataset
    out["measure"] = MEASURE
    out["unit"] = "count"
    # The export's name, or the Stat-Xplore API download's for the months a refresh loaded.
    files = msoa.groupby("period_start")["source_file"].agg(lambda s: "; ".join(sorted(set(s))))
    out["source_file"] = out["period_start"].map(files)
    return out


def compare_with_official(
    estimate_share: float, official_seat: float, official_city: float
) -> dict[str, float]:
    """Check an estimated share of the city's households against an official seat figure.

    The MSOA series ends before the official constituency month, so the like-for-like check is
    the seat's share of the city: the estimated share applied to the official city count.
    """
    share, seat, city = float(estimate_share), float(official_seat), float(official_city)
    implied = share * city
    return {
        "estimated_share": share,
        "official_share": seat / city,
        "implied_households": implied,
        "official_households": seat,
        "difference": implied - seat,
        "difference_pct": 100 * (implied - seat) / seat,
    }


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    msoa_path = by_name(paths, MSOA_FILE)
    # The MSOA counts as dwp_uc_households_msoa reads them: the export, with the API's
    # download over it when a refresh has written one.
    downloads = [p for p in paths if statxplore_api_csv.is_api_file(p)]
    inputs = [by_name(paths, UC_MSOA_FILE), msoa_path, *downloads]
    counts = statxplore_api_csv.parse(inputs, dataset)["observations"]
    # The MSOA dataset's own validation is not run on this path: a repeated row would be
    # weighted twice, so refuse it here.
    repeated = counts[counts.duplicated(["area_code", "period_start"], keep=False)]
    if not repeated.empty:
        first = repeated.iloc[0]
        raise ValueError(
            f"{UC_MSOA_FILE}: {len(repeated)} repeated area-month rows, e.g. "
            f"{first['area_code']} {first['period_start']:%Y-%m}"
        )
    msoas = read_boundaries(msoa_path, MSOA_COLUMNS)
    seats_2010 = read_boundaries(by_name(paths, PCON2010_FILE), PCON_COLUMNS["pcon2010"])
    seats_2024 = read_boundaries(by_name(paths, PCON2024_FILE), PCON_COLUMNS["pcon2024"])
    city_2024 = _city_seats_2024(by_name(paths, LAD_PCON2024_LOOKUP))
    seats_2024 = seats_2024[seats_2024["pcon_code"].isin(city_2024)]
    if len(seats_2024) != len(city_2024):
        raise ValueError(f"{PCON2024_FILE}: missing city seats {city_2024}")
    shares = pd.concat(
        [weights(msoas, seats_2010, "pcon2010"), weights(msoas, seats_2024, "pcon2024")],
        ignore_index=True,
    )
    for area_type, group in shares.groupby("area_type"):
        missing = set(msoas["msoa_code"]) - set(group["msoa_code"])
        if missing:
            raise ValueError(f"{MSOA_FILE}: MSOAs in no {area_type} city seat: {sorted(missing)}")
    observations = estimate(counts, shares, dataset)
    return {"observations": conform(observations), WEIGHTS: shares}
