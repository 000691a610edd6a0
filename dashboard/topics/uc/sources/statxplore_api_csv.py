"""The CSV the Stat-Xplore refresh route writes, and a publication read from it and its export.

The contract between the route (dashboard/topics/uc/live.py, which calls ``write``) and the
build (``parse``, named as the parser of the publications it feeds): one UTF-8 CSV per
publication at ``FOLDER/<publication id>.csv`` with exactly these columns, in this order, one
row per area and month, areas and months making a complete grid (every area of an area type has
every month of it, as the API's cube does):

    measure       our measure id ("households_on_uc")
    area_type     "country" (Great Britain, K03000001), "lad", "pcon2024" or "msoa" (2011)
    area_code     the GSS code
    area_name     Stat-Xplore's label
    period_start  first day of the count's month, YYYY-MM-DD
    period_end    last day of that month, YYYY-MM-DD
    value         the count; empty when Stat-Xplore gives none ('..' or null), never 0
    unit          "count"
    status        empty, or "; "-joined: provisional, revised (the month's annotation),
                  nil or negligible, no value returned by Stat-Xplore (the cell's)

A publication with this parser reads its Stat-Xplore table export (CSV or xlsx, required) and,
when a refresh has written it, the API's CSV (an optional file in its record). For an area and
month in both, the API's figure is kept and the export's dropped: the API is the newer extract
of the same DWP table (a month the export marked provisional may since have been revised), and
one figure per area and month is kept, so no month is ever counted twice. Months only the export
holds stay, labelled with the export as their source file.
"""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core import observations
from dashboard.core.observations import conform
from dashboard.topics.uc.sources import statxplore_common as common
from dashboard.topics.uc.sources import statxplore_csv, statxplore_xlsx

FOLDER = "universal_credit/statxplore_api"
# The observations contract without its dataset (the build's record says which), with status.
COLUMNS = (*observations.COLUMNS[1:], "status")
MEASURES = frozenset(common.COUNTING.values())
AREA_TYPES = frozenset({"country", "lad", "pcon2024", "msoa"})
STATUSES = frozenset(
    {*common.LABEL_MARKERS.values(), *common.CELL_SYMBOLS.values(), common.NULL_STATUS}
)
# A cell without a count must say why; the month's own markers do not.
MISSING_STATUSES = frozenset({*common.CELL_SYMBOLS.values(), common.NULL_STATUS})
GSS_CODE = r"^[EWSNK]\d{8}$"
KEY = ["measure", "area_type", "area_code", "period_start"]
READERS = {".csv": statxplore_csv.read_tables, ".xlsx": statxplore_xlsx.read_tables}


def path_for(dataset: str) -> str:
    """Where the route writes a publication's CSV, relative to a folder laid out like sources."""
    return f"{FOLDER}/{dataset}.csv"


def is_api_file(path: Path) -> bool:
    return path.parent.name == Path(FOLDER).name and path.suffix == ".csv"


def write(observations: pd.DataFrame, path: Path) -> None:
    """The route's half of the contract: ``observations`` (any extra columns dropped) to
    ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    observations[list(COLUMNS)].to_csv(path, index=False, date_format="%Y-%m-%d")


def _fail(path: Path, message: str) -> None:
    raise ValueError(f"{path.name}: {message} (not the Stat-Xplore route's CSV, or damaged)")


def read(path: Path) -> pd.DataFrame:
    """The build's half: the CSV back as observations (no dataset yet), every rule checked."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        _fail(path, f"unreadable ({first})")
    if tuple(frame.columns) != COLUMNS:
        _fail(path, f"columns {list(frame.columns)[:10]}, expected {list(COLUMNS)}")
    if frame.empty:
        _fail(path, "no rows")
    if frame.isna().any().any():  # a line with fewer cells than the header
        _fail(path, f"line {int(frame.isna().any(axis=1).to_numpy().argmax()) + 2} is short")
    for column, allowed in (("measure", MEASURES), ("area_type", AREA_TYPES), ("unit", {"count"})):
        unknown = sorted(set(frame[column]) - allowed)
        if unknown:
            _fail(path, f"unknown {column} {unknown[:3]}")
    bad_codes = frame.loc[~frame["area_code"].str.match(GSS_CODE), "area_code"]
    if len(bad_codes):
        _fail(path, f"area codes that are not GSS codes: {sorted(set(bad_codes))[:3]}")
    dates = {}
    for column in ("period_start", "period_end"):
        dates[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
        if dates[column].isna().any():
            _fail(
                path,
                f"{column} not YYYY-MM-DD: {frame.loc[dates[column].isna(), column].iloc[0]!r}",
            )
    start, end = dates["period_start"], dates["period_end"]
    if (start.dt.day != 1).any() or (end != start + pd.offsets.MonthEnd(0)).any():
        _fail(path, "a period that is not one calendar month")
    value = pd.to_numeric(frame["value"].replace("", None), errors="coerce")
    if (value.isna() & (frame["value"] != "")).any() or (value < 0).any():
        _fail(path, "a value that is not a count")
    parts = frame["status"].str.split(common.STATUS_SEPARATOR)
    unknown = sorted({p for ps in parts for p in ps if p} - STATUSES)
    if unknown:
        _fail(path, f"unknown status {unknown[:3]}")
    explained = parts.map(lambda ps: bool(MISSING_STATUSES.intersection(ps)))
    if (value.isna() & ~explained).any():
        _fail(path, "an empty value without a status saying why")
    out = frame.assign(period_start=start, period_end=end, value=value)
    out["status"] = out["status"].replace("", None).astype("string")
    if out.duplicated(KEY).any():
        _fail(path, "an area and month given twice")
    # A file cut at a line break still parses: the grid check finds the area it cut short.
    months = out.groupby("area_type")["period_start"].nunique()
    held = out.groupby(["area_type", "area_code"])["period_start"].nunique()
    short = held[held.to_numpy() != months.reindex(held.index.get_level_values(0)).to_numpy()]
    if len(short):
        area_type, code = short.index[0]
        _fail(path, f"{code} has {short.iloc[0]} of the {months[area_type]} {area_type} months")
    return out


def _export(path: Path) -> list[common.Table]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"{path.name}: neither a Stat-Xplore CSV nor an xlsx export")
    return reader(path)


def supersede(export: pd.DataFrame, api: pd.DataFrame) -> pd.DataFrame:
    """The export's rows for the areas and months the API lacks, then every API row."""
    held = pd.MultiIndex.from_frame(api[KEY].astype({"period_start": "datetime64[s]"}))
    mine = pd.MultiIndex.from_frame(export[KEY].astype({"period_start": "datetime64[s]"}))
    return pd.concat([export[~mine.isin(held)], api], ignore_index=True)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    api_files = [p for p in paths if is_api_file(p)]
    exports = [p for p in paths if not is_api_file(p)]
    tables = common.parse_with(_export, exports, tuple(READERS), dataset)
    if not api_files:
        return tables
    api = pd.concat([read(p).assign(source_file=p.name) for p in api_files], ignore_index=True)
    api.insert(0, "dataset", dataset)
    if api.duplicated(KEY).any():
        raise ValueError(f"{', '.join(p.name for p in api_files)}: an area and month twice")
    observations = conform(tables["observations"])
    # The API is asked for every area the export's code list holds, so an area missing from its
    # answer means a file cut short at a line break (which the grid check cannot see when the
    # cut falls between two areas).
    places = ["area_type", "area_code"]
    missing = observations[places].merge(api[places].drop_duplicates(), how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"]
    if len(missing):
        names = ", ".join(p.name for p in api_files)
        raise ValueError(
            f"{names}: {missing['area_code'].nunique()} area(s) of the table export missing, "
            f"such as {missing['area_code'].iloc[0]} (cut short, or asked for other areas)"
        )
    return {**tables, "observations": conform(supersede(observations, conform(api)))}
