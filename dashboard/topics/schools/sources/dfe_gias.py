"""DfE Get Information about Schools (GIAS) CSV download: establishments with location and seat."""

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.core.observations import conform
from dashboard.geography.sources.geo_common import BRITISH_NATIONAL_GRID, WGS84
from dashboard.topics.schools.sources import dfe_common as dfe

COLUMNS = {
    "URN": "urn",
    "LA (code)": "la_code",
    "LA (name)": "la_name",
    "EstablishmentName": "name",
    "TypeOfEstablishment (name)": "type",
    "EstablishmentTypeGroup (name)": "type_group",
    "EstablishmentStatus (name)": "status",
    "PhaseOfEducation (name)": "phase",
    "OpenDate": "open_date",
    "CloseDate": "close_date",
    "Postcode": "postcode",
    "CensusDate": "census_date",
    "NumberOfPupils": "pupils_on_roll",
    "PercentageFSM": "pct_fsm",
    "AdministrativeWard (name)": "ward_name",
    "ParliamentaryConstituency (name)": "pcon_name",
    "GSSLACode (name)": "lad_code",
    "Easting": "easting",
    "Northing": "northing",
    "MSOA (code)": "msoa_code",
    "LSOA (code)": "lsoa_code",
    "OfstedRating (name)": "ofsted_rating",
    "OfstedLastInsp": "ofsted_last_inspection",
}
# The full daily extract (edubasealldata) also has these; the search-results download does not.
OPTIONAL_COLUMNS = {
    "ParliamentaryConstituency (code)": "pcon_code",
    "AdministrativeWard (code)": "ward_code",
}
LAST_COLUMN = "Linked establishments"
DATE_FORMAT = "%d-%m-%Y"
OBSERVED = {"pupils_on_roll": ("pupils_on_roll", "count"), "pct_fsm": ("pct_fsm", "percent")}


def read_rows(path: Path) -> pd.DataFrame:
    """GIAS writes several linked establishments as extra unquoted fields: fold them back."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # the daily extract is Windows-1252
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValueError(f"{path.name}: empty file")
    header, body = rows[0], rows[1:]
    if not header or header[-1] != LAST_COLUMN:
        raise ValueError(f"{path.name}: not a GIAS download (last column is not {LAST_COLUMN!r})")
    width = len(header)
    short = [i + 2 for i, row in enumerate(body) if len(row) < width]
    if short:
        raise ValueError(f"{path.name}: rows with too few fields, e.g. lines {short[:5]}")
    folded = [row[: width - 1] + [",".join(row[width - 1 :])] for row in body]
    return pd.DataFrame(folded, columns=header, dtype="string")


def read(path: Path, keep_las: Iterable[str]) -> pd.DataFrame:
    frame = read_rows(path)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: layout changed, missing columns {missing}")
    present = {**COLUMNS, **{k: v for k, v in OPTIONAL_COLUMNS.items() if k in frame.columns}}
    table = frame[list(present)].rename(columns=present, errors="raise")
    table = table[table["la_code"].isin(set(keep_las))].copy()
    if not table["urn"].str.fullmatch(r"\d{6,7}").all() or table["urn"].duplicated().any():
        raise ValueError(f"{path.name}: URNs missing or repeated")
    for column in ("open_date", "close_date", "census_date", "ofsted_last_inspection"):
        table[column] = pd.to_datetime(table[column].replace("", pd.NA), format=DATE_FORMAT).dt.date
    for column in ("easting", "northing"):
        table[column] = pd.to_numeric(table[column].replace("", pd.NA), errors="raise").astype(
            "Int64"
        )
    located = table["easting"].notna() & table["northing"].notna()
    table["lat"] = pd.Series(float("nan"), index=table.index)
    table["lon"] = pd.Series(float("nan"), index=table.index)
    if located.any():
        points = gpd.GeoSeries(
            gpd.points_from_xy(table.loc[located, "easting"], table.loc[located, "northing"]),
            index=table.index[located],
            crs=BRITISH_NATIONAL_GRID,
        ).to_crs(WGS84)
        table.loc[located, "lat"] = points.y.round(6)
        table.loc[located, "lon"] = points.x.round(6)
    table["pcon_method"] = "GIAS ParliamentaryConstituency (DfE's assignment of the school)"
    table["source_file"] = path.name
    return table.sort_values("urn", ignore_index=True)


def observations(table: pd.DataFrame, path: Path, dataset: str) -> pd.DataFrame:
    """Pupils and % FSM at each school's census date (a stock on that day)."""
    rows = table[table["census_date"].notna()].copy()
    rows["area_type"] = "school"
    rows["area_code"] = rows["urn"]
    rows["area_name"] = rows["name"]
    rows["period_start"] = rows["census_date"]
    rows["period_end"] = rows["census_date"]
    rows = rows.rename(columns={"pupils_on_roll": "raw_pupils", "pct_fsm": "raw_fsm"})
    out = dfe.melt_measures(
        rows, {"raw_pupils": OBSERVED["pupils_on_roll"], "raw_fsm": OBSERVED["pct_fsm"]}, path
    )
    out["dataset"] = dataset
    return out


def parse(
    paths: Sequence[Path], dataset: str, *, keep_las: Iterable[str] = dfe.KEEP_LAS
) -> dict[str, pd.DataFrame]:
    """Keeps LA 892 only: the mirror's Hampshire/Surrey layout sample yields empty tables."""
    tables = [read(path, keep_las) for path in paths]
    table = (
        pd.concat(tables, ignore_index=True)
        if tables
        else pd.DataFrame(columns=list(COLUMNS.values()))
    )
    obs = [observations(t, p, dataset) for t, p in zip(tables, paths, strict=True) if not t.empty]
    frame = (
        pd.concat(obs, ignore_index=True)
        if obs
        else dfe.empty_observations().assign(dataset=dataset)
    )
    return {"observations": conform(frame), "schools_gias": table}
