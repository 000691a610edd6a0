"""Universal Credit page: tidy frames, figures, tables and sentences (pure; no streamlit)."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from dashboard.core import observations
from dashboard.ui import maps, style
from dashboard.ui.style import BLACK, BLUE, DARK_GREY, ORANGE, VERMILLION, WHITE

CITY = "E06000018"
GB = "K03000001"
MEASURE = "households_on_uc"
# Nottingham's Universal Credit full-service month. It is not a snapshot dataset: the catalogue
# notes for dwp_uc_households_msoa and uc_households_pcon_estimate state it (October 2018), from
# the third-party compilation of DWP's "transition to full service" schedule in the sources
# (universal_credit/compilations/ltla_UC_rollout.xlsx). A test keeps the two in step.
FULL_SERVICE_MONTH = pd.Timestamp("2018-10-01")
FULL_SERVICE_SOURCE = (
    "DWP's 'Universal Credit transition to full service' schedule, as compiled by a third party "
    "(MatteoLarrode/ChildrenLowIncomeHouseholdsUK); quoted in our catalogue notes, not yet a "
    "dataset in the snapshot"
)
# "Similar places": the East Midlands' other two big cities. Our choice, stated on the page:
# the sources hold no official list of similar constituencies.
SIMILAR_SEATS = ("E14001326", "E14001327", "E14001328", "E14001193", "E14001194")
NOTTINGHAM_2024 = ("E14001410", "E14001411", "E14001412")

# The page's look: style.layout merges each chart's own settings over it.
LOOK = {"legend": {"orientation": "h", "yanchor": "top", "x": 0}}
MISSING_STATUS = "not in the export"
NIL_STATUS = "nil or negligible"
PER_1000 = "per_1000"
COUNT = "count"
EXPORT_COLUMNS = ["series", *observations.COLUMNS, "status"]


def month_label(month: pd.Timestamp) -> str:
    return pd.Timestamp(month).strftime("%B %Y")


def _households(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    return frame[frame["measure"] == MEASURE]


def _status_text(status) -> str:
    return "" if status is None or pd.isna(status) else str(status)


def newest_month(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of the newest month held: DWP's constituency table is one month in the stored
    export, and every month to the newest once the Stat-Xplore refresh has loaded the API's."""
    if rows.empty:
        return rows
    return rows[rows["period_start"] == rows["period_start"].max()]


def marker(status) -> str:
    """' (p)' or ' (r)' for a provisional or revised figure, as DWP marks them; else ''."""
    text = _status_text(status)
    return " (p)" if "provisional" in text else " (r)" if "revised" in text else ""


# --- denominators -------------------------------------------------------------------------


def denominators(population: pd.DataFrame | None, boundary_set: str, seat_code: str) -> dict:
    """Residents (all ages) to divide by: the seat's latest mid-year estimate, and the city's.

    The city has no population row of its own in the snapshot; the three 2010-2024 seats tile
    Nottingham exactly, so their mid-2020 sum is the city's population. Each value maps a code to
    (residents, mid-year date).
    """
    if population is None:
        return {}
    everyone = population[population["measure"] == "population_all_ages"]
    found: dict[str, tuple[float, pd.Timestamp]] = {}
    seat = everyone[
        (everyone["area_code"] == seat_code) & (everyone["area_type"] == boundary_set)
    ].sort_values("period_end")
    if not seat.empty:
        found[seat_code] = (float(seat["value"].iloc[-1]), seat["period_end"].iloc[-1])
    city_seats = everyone[
        everyone["area_code"].isin(["E14000865", "E14000866", "E14000867"])
        & (everyone["area_type"] == "pcon2010")
    ]
    latest = city_seats[city_seats["period_end"] == city_seats["period_end"].max()]
    if latest["area_code"].nunique() == 3:
        found[CITY] = (float(latest["value"].sum()), latest["period_end"].iloc[0])
    return found


def denominator_text(denoms: dict, names: dict[str, str]) -> str:
    parts = [
        f"{names.get(code, code)}: {residents:,.0f} residents at mid-{day.year}"
        for code, (residents, day) in denoms.items()
    ]
    if not parts:
        return "No population denominator is in the snapshot."
    return (
        "Per 1,000 residents of all ages (ONS mid-year estimates compiled by Open Innovations; the "
        "city's is the sum of its three 2010-2024 seats). One denominator for every month: "
        + "; ".join(parts)
        + "."
    )


# --- the monthly series -------------------------------------------------------------------


SERIES_COLUMNS = ["series", "dataset", "measure", "area_type", "area_code", "area_name", "unit"]


def series_pieces(
    lad: pd.DataFrame | None,
    estimate: pd.DataFrame | None,
    seat_code: str,
    seat_label: str,
    pcon: pd.DataFrame | None = None,
) -> list[pd.DataFrame]:
    """The rows of each line, unfilled: the city and GB (DWP), the seat's monthly DWP figures
    when ``pcon`` holds more than one month of them (named '<seat>, DWP'; one month is a point,
    drawn by ``latest_official``), and the seat's estimate (named '<seat>, estimate') in the
    months DWP gives no figure for the seat: where DWP publishes one, it replaces the estimate."""
    lad = _households(lad)
    pieces = [
        lad[lad["area_code"] == CITY].assign(series="Nottingham (city), DWP"),
        lad[lad["area_code"] == GB].assign(series="Great Britain, DWP"),
    ]
    official = _households(pcon)
    official = official[(official["area_code"] == seat_code) & official["value"].notna()]
    if official["period_start"].nunique() > 1:
        pieces.append(official.assign(series=f"{seat_label}, DWP"))
    est = _households(estimate)
    seat = est[
        (est["area_code"] == seat_code) & ~est["period_start"].isin(official["period_start"])
    ]
    if not seat.empty:
        pieces.append(seat.assign(series=f"{seat_label}, estimate"))
    return [piece[EXPORT_COLUMNS] for piece in pieces if not piece.empty]


def month_span(*frames: pd.DataFrame) -> pd.DatetimeIndex:
    """Every month from the first to the last ``period_start`` in any of the frames."""
    starts = [f["period_start"] for f in frames if not f.empty]
    if not starts:
        return pd.DatetimeIndex([])
    first = min(s.min() for s in starts)
    last = max(s.max() for s in starts)
    return pd.date_range(first, last, freq="MS")


def fill_gaps(rows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """One line's rows plus an empty row (status 'not in the export') for each of ``months`` it
    lacks, so the line breaks there instead of joining across the gap."""
    missing = months.difference(pd.DatetimeIndex(rows["period_start"]))
    if rows.empty or missing.empty:
        return rows
    template = rows.iloc[0]
    gap = pd.DataFrame(
        {
            **{c: template[c] for c in SERIES_COLUMNS},
            "period_start": missing,
            "period_end": missing + pd.offsets.MonthEnd(0),
            "value": np.nan,
            "status": MISSING_STATUS,
        }
    )
    return pd.concat([rows, gap], ignore_index=True)


def join_series(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    if not pieces:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    out = pd.concat(pieces, ignore_index=True).sort_values(["series", "period_start"])
    return out.reset_index(drop=True)


def monthly_series(
    lad: pd.DataFrame | None,
    estimate: pd.DataFrame | None,
    seat_code: str,
    seat_label: str,
) -> pd.DataFrame:
    """City and GB (DWP) and the seat's estimate, one row per series and month, gaps as rows.

    Months missing from the export (January to October 2023) are added as empty rows with status
    'not in the export', so lines break there instead of joining across the gap.
    """
    pieces = series_pieces(lad, estimate, seat_code, seat_label)
    months = month_span(*pieces)
    return join_series([fill_gaps(piece, months) for piece in pieces])


def latest_official(
    pcon: pd.DataFrame | None, lad_may: pd.DataFrame | None, seat_code: str, seat_label: str
) -> pd.DataFrame:
    """DWP's newest figures for the city and GB (the May 2025 export) and, on July 2024 seats,
    the seat (its newest month: the export's, or the Stat-Xplore API's after a refresh)."""
    lad_may = _households(lad_may)
    pcon = _households(pcon)
    pieces = [
        newest_month(lad_may[lad_may["area_code"] == CITY]).assign(series="Nottingham (city), DWP"),
        newest_month(lad_may[lad_may["area_code"] == GB]).assign(series="Great Britain, DWP"),
        newest_month(pcon[pcon["area_code"] == seat_code]).assign(series=f"{seat_label}, DWP"),
    ]
    return pd.concat(pieces, ignore_index=True)[EXPORT_COLUMNS].reset_index(drop=True)


def add_rate(frame: pd.DataFrame, denoms: dict) -> pd.DataFrame:
    """A per-1,000-residents column where the area has a denominator (else empty)."""
    out = frame.copy()
    residents = out["area_code"].map({c: v[0] for c, v in denoms.items()})
    out["per_1000_residents"] = (out["value"] / residents * 1000).round(1)
    out["residents_denominator"] = residents
    return out


def _series_style(series: str) -> dict:
    if series.startswith("Great Britain"):
        return {"color": DARK_GREY, "dash": "dot"}
    if series.startswith("Nottingham (city)"):
        return {"color": BLUE, "dash": "solid"}
    return {"color": ORANGE, "dash": "dash"}


def _full_service_marks(y_top: float) -> tuple[list[dict], list[dict]]:
    # Layout dicts, not add_vline: plotly's spanning-shape helpers are slow to build.
    shape = {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": FULL_SERVICE_MONTH,
        "x1": FULL_SERVICE_MONTH,
        "y0": 0,
        "y1": 1,
        "line": {"color": BLACK, "width": 1.5, "dash": "dash"},
    }
    note = {
        "x": FULL_SERVICE_MONTH,
        "y": y_top,
        "text": "UC full service<br>reaches Nottingham,<br>October 2018",
        "showarrow": False,
        "xanchor": "right",
        "yanchor": "top",
        "align": "right",
        "font": {"size": 12},
        "xshift": -4,
    }
    return [shape], [note]


def _gap_marks(frame: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    gap = frame[frame["status"] == MISSING_STATUS]
    if gap.empty:
        return [], []
    start, end = gap["period_start"].min(), gap["period_end"].max()
    shape = {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": start,
        "x1": end,
        "y0": 0,
        "y1": 1,
        "fillcolor": "#eeeeee",
        "line": {"width": 0},
        "layer": "below",
    }
    note = {
        "x": start + (end - start) / 2,
        "y": 0,
        "text": f"{start:%b}–{end:%b %Y}:<br>not in the<br>DWP export",
        "showarrow": False,
        "yanchor": "bottom",
        "yshift": 4,
        "font": {"size": 11},
        "bgcolor": "#eeeeee",
    }
    return [shape], [note]


def _axis(title: str, **extra) -> dict:
    return {"title": {"text": title}, "showgrid": True, "gridcolor": "#e5e5e5", **extra}


def _marks(y_top: float, gap_frame: pd.DataFrame, extra_shapes=(), extra_notes=()) -> dict:
    shapes, notes = _full_service_marks(y_top)
    gap_shapes, gap_notes = _gap_marks(gap_frame)
    return {
        "shapes": [*extra_shapes, *shapes, *gap_shapes],
        "annotations": [*extra_notes, *notes, *gap_notes],
    }


def trend_figure(
    series: pd.DataFrame, official: pd.DataFrame, *, mode: str, seat_label: str
) -> go.Figure:
    """Households on UC by month (or per 1,000 residents): city, seat estimate, May 2025 points."""
    column = "per_1000_residents" if mode == PER_1000 else "value"
    # Traces as dicts: go.Figure validates them once, where go.Scatter objects are validated
    # twice (when made and again when the figure copies them).
    traces = []
    shown = series[~series["series"].str.startswith("Great Britain")]
    for name, rows in shown.groupby("series", sort=False):
        pen = _series_style(name)
        values = rows[column].to_numpy(dtype=float, na_value=np.nan)
        if np.isnan(values).all():
            continue
        traces.append(
            {
                "type": "scatter",
                "x": rows["period_start"].to_numpy(),
                "y": values,
                "mode": "lines",
                "name": name,
                "line": {"color": pen["color"], "dash": pen["dash"], "width": 2.5},
                "connectgaps": False,
                "customdata": [_status_text(s) for s in rows["status"]],
                "hovertemplate": "%{x|%B %Y}: %{y:,.1f} %{customdata}<extra>" + name + "</extra>"
                if mode == PER_1000
                else "%{x|%B %Y}: %{y:,.0f} %{customdata}<extra>" + name + "</extra>",
            }
        )
    points = official[~official["series"].str.startswith("Great Britain")]
    for label, start, value, status in zip(
        points["series"], points["period_start"], points[column], points["status"], strict=True
    ):
        if pd.isna(value):
            continue
        is_city = label.startswith("Nottingham (city)")
        text = f"{value:,.1f}" if mode == PER_1000 else f"{value:,.0f}"
        flag = marker(status)
        said = _status_text(status) or "final"
        traces.append(
            {
                "type": "scatter",
                "x": [start],
                "y": [float(value)],
                "mode": "markers+text",
                "name": f"{label}, {month_label(start)}{flag}",
                "marker": {
                    "color": BLUE if is_city else VERMILLION,
                    "size": 12,
                    "symbol": "diamond" if is_city else "star",
                    "line": {"color": BLACK, "width": 1},
                },
                "text": [f"{text}{flag}"],
                "textposition": "middle left",
                "textfont": {"size": 12},
                "hovertemplate": f"{label}, %{{x|%B %Y}}: {text}, {said}<extra></extra>",
            }
        )
    values = pd.concat([shown[column], points[column]]).dropna()
    y_top = float(values.max()) * 1.08 if not values.empty else 1.0
    unit = "per 1,000 residents" if mode == PER_1000 else "number of households"
    layout = style.layout(
        LOOK,
        **_marks(y_top, shown),
        title=f"Households on UC, {seat_label} and the city<br><sup>{unit}</sup>",
        height=470,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"y": -0.2},
        hovermode="closest",
        xaxis=_axis("Month of the count"),
        yaxis=_axis(
            f"Households on UC ({unit})" if mode == PER_1000 else "Households on UC",
            rangemode="tozero",
            range=[0, y_top * 1.02],
            tickformat=",",
        ),
    )
    # One constructor call: each update_* call would run plotly's validators again.
    return style.figure(traces, layout)


def _column_name(series: str) -> str:
    """Short table headers: 'Nottingham East, estimate' -> 'Nottingham East (estimate)'."""
    if series.startswith(("Nottingham (city)", "Great Britain")):
        return series.removesuffix(", DWP")
    place, _, source = series.rpartition(", ")
    return f"{place} ({source})"


def _records(frame: pd.DataFrame, column: str = "value") -> list[tuple]:
    """(series, month, value, status) per row, in the frame's order. Plain tuples, not pandas
    filters: these run for every seat, and a dozen filters cost more than the rest."""
    columns = (frame["series"], frame["period_start"], frame[column], frame["status"])
    return [
        (name, month, np.nan if pd.isna(value) else float(value), status)
        for name, month, value, status in zip(*columns, strict=True)
    ]


def trend_table(series: pd.DataFrame, official: pd.DataFrame, *, mode: str) -> pd.DataFrame:
    """The chart's numbers: one row per month, one column per series; statuses in words."""
    column = "per_1000_residents" if mode == PER_1000 else "value"
    wide: dict[str, dict] = {}
    flags: dict[pd.Timestamp, set] = {}
    for name, month, value, status in _records(series, column) + _records(official, column):
        if name.startswith("Great Britain"):
            continue
        wide.setdefault(name, {}).setdefault(month, value)
        parts = {p.strip() for p in _status_text(status).split(";") if p.strip()}
        flags.setdefault(month, set()).update(parts)
    names = sorted(wide)
    # Months with no figure at all (the 2023 gap) are named in the flags line, not listed.
    months = sorted(
        {m for name in names for m, v in wide[name].items() if not np.isnan(v)}, reverse=True
    )
    table = {"Month": [month_label(m) for m in months]}
    for name in names:
        table[_column_name(name)] = np.array([wide[name].get(m, np.nan) for m in months])
    table["Flags"] = ["; ".join(sorted(flags.get(m, ()))) for m in months]
    return pd.DataFrame(table)


def trend_summary(series: pd.DataFrame, seat_label: str, latest: tuple[str, ...] = ()) -> str:
    """The latest figures first (``latest``: the headline engine's lines, which take the
    newest month held in any dataset), then what the monthly series shows."""
    rows = [r for r in _records(series) if not np.isnan(r[2])]
    city = [r for r in rows if r[0].startswith("Nottingham (city)")]
    if not city:
        return " ".join(latest) or "No monthly figures for Nottingham are in the snapshot."
    _, last_month, last_value, last_status = city[-1]
    text = (
        f"The monthly series runs to {month_label(last_month)}, when Nottingham had "
        f"**{last_value:,.0f}** households on Universal Credit "
        f"({_status_text(last_status) or 'final'})"
    )
    at_start = [value for _, month, value, _ in city if month == FULL_SERVICE_MONTH]
    if at_start:
        text += f", up from {at_start[0]:,.0f} in October 2018, when full service arrived"
    official = [r for r in rows if r[0] == f"{seat_label}, DWP"]
    seat = [r for r in rows if r[0].endswith("estimate")]
    if official:
        text += (
            f". DWP counted **{official[-1][2]:,.0f}** of them in {seat_label} in "
            f"{month_label(official[-1][1])}"
        )
    elif seat:
        text += (
            f". An estimated **{seat[-1][2]:,.0f}** of them lived in {seat_label} "
            "(our estimate from neighbourhood counts, not a DWP figure)"
        )
    return " ".join([*latest, text + "."])


# --- growth indexed to a common month -----------------------------------------------------


def index_base_months(series: pd.DataFrame) -> list[pd.Timestamp]:
    """Months where every series has a positive count, so each can be indexed to 100."""
    positive = series[series["value"] > 0]
    counts = positive.groupby("period_start")["series"].nunique()
    return sorted(counts[counts == series["series"].nunique()].index)


def common_base_months(
    lad: pd.DataFrame | None, estimate: pd.DataFrame | None
) -> list[pd.Timestamp]:
    """Months where the city, GB and every seat's estimate have a positive count: base months
    that suit any seat's chart, so a chosen month survives a change of seat."""
    lad = _households(lad)
    est = _households(estimate)
    rows = [lad[lad["area_code"] == code] for code in (CITY, GB)]
    rows += [group for _, group in est.groupby("area_code", observed=True)]
    months = [set(r.loc[r["value"] > 0, "period_start"]) for r in rows]
    return sorted(set.intersection(*months)) if months else []


def indexed(series: pd.DataFrame, base: pd.Timestamp) -> pd.DataFrame:
    base_values = series[series["period_start"] == base].set_index("series")["value"]
    out = series.copy()
    out["index"] = (out["value"] / out["series"].map(base_values) * 100).round(1)
    return out


def index_figure(frame: pd.DataFrame, base: pd.Timestamp) -> go.Figure:
    lines: dict[str, list[tuple]] = {}
    for record in _records(frame, "index"):
        lines.setdefault(record[0], []).append(record)
    traces, labels = [], []
    for name, rows in lines.items():
        pen = _series_style(name)
        traces.append(
            {
                "type": "scatter",
                "x": [month for _, month, _, _ in rows],
                "y": np.array([value for _, _, value, _ in rows]),
                "mode": "lines",
                "name": name,
                "line": {"color": pen["color"], "dash": pen["dash"], "width": 2.5},
                "connectgaps": False,
                "hovertemplate": "%{x|%B %Y}: %{y:,.0f}<extra>" + name + "</extra>",
            }
        )
        known = [(month, value) for _, month, value, _ in rows if not np.isnan(value)]
        if known:
            month, value = known[-1]
            labels.append(
                {
                    "x": month,
                    "y": value,
                    "text": f"{value:,.0f}",
                    "showarrow": False,
                    "xanchor": "left",
                    "xshift": 6,
                    "font": {"size": 12, "color": pen["color"]},
                }
            )
    y_top = float(frame["index"].max()) * 1.08 if frame["index"].notna().any() else 200.0
    base_line = {
        "type": "line",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": 100,
        "y1": 100,
        "line": {"color": BLACK, "width": 1},
    }
    city = frame[frame["series"].str.startswith("Nottingham (city)")]
    layout = style.layout(
        LOOK,
        **_marks(y_top, city, [base_line], labels),
        title=f"Growth in households on UC<br><sup>indexed: {month_label(base)} = 100</sup>",
        height=440,
        margin={"l": 10, "r": 40, "t": 60, "b": 10},
        legend={"y": -0.2},
        xaxis=_axis("Month of the count"),
        yaxis=_axis(
            f"Index ({month_label(base)} = 100)", rangemode="tozero", range=[0, y_top * 1.02]
        ),
    )
    return style.figure(traces, layout)


def index_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The index chart's numbers: one row per month with any figure, one column per series."""
    wide: dict[str, dict] = {}
    for name, month, value, _ in _records(frame, "index"):
        wide.setdefault(name, {}).setdefault(month, value)
    names = sorted(wide)
    months = sorted(
        {m for name in names for m, v in wide[name].items() if not np.isnan(v)}, reverse=True
    )
    table = {"Month": [month_label(m) for m in months]}
    for name in names:
        table[_column_name(name)] = np.array([wide[name].get(m, np.nan) for m in months])
    return pd.DataFrame(table)


def index_summary(frame: pd.DataFrame, base: pd.Timestamp) -> str:
    latest = frame.dropna(subset=["index"])
    if latest.empty:
        return ""
    end = latest["period_start"].max()
    at_end = latest[latest["period_start"] == end].set_index("series")["index"]
    parts = [f"{name.removesuffix(', DWP')} ×{value / 100:,.1f}" for name, value in at_end.items()]
    return (
        f"From {month_label(base)} to {month_label(end)} the number of households on UC "
        "multiplied: "
        + ", ".join(parts)
        + ". Indexing puts places of very different size on one scale; it says nothing "
        "about how many households were on UC to begin with."
    )


# --- neighbourhood (MSOA) map -------------------------------------------------------------


def msoa_shapes(lsoas: pd.DataFrame, msoa_codes: pd.DataFrame) -> pd.DataFrame:
    """MSOA 2011 outlines dissolved from their LSOAs ("Nottingham 018A" is in "Nottingham 018").

    The snapshot has no MSOA boundary table; LSOAs nest exactly in MSOAs, so dissolving them by
    the name prefix gives the MSOA outline. ``msoa_codes`` (area_code, area_name) adds the codes.
    ``lsoas`` is a boundary table from ``data.table`` (shapely shapes in BNG metres).
    """
    names, merged = _dissolve(lsoas["geometry"].to_numpy(), lsoas["name"].str[:-1])
    # buffer(0) repairs any invalid ring the union leaves before simplifying.
    geometry = shapely.simplify(shapely.buffer(merged, 0), 15, preserve_topology=True)
    codes = msoa_codes.drop_duplicates("area_name").set_index("area_name")["area_code"]
    shapes = pd.DataFrame({"msoa_name": names, "geometry": geometry})
    shapes["msoa_code"] = shapes["msoa_name"].map(codes)
    return shapes


def _dissolve(geometry: np.ndarray, keys: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The union of each key's shapes, keys sorted as geopandas' dissolve did: (keys, shapes).
    A plain loop: a few dozen groups of a few shapes each."""
    keys = keys.to_numpy()
    unique = np.unique(keys)
    merged = np.empty(len(unique), dtype=object)
    merged[:] = [shapely.union_all(geometry[keys == key]) for key in unique]
    return unique, merged


def msoa_month(msoa: pd.DataFrame, month: pd.Timestamp) -> pd.DataFrame:
    rows = _households(msoa)
    rows = rows[(rows["area_type"] == "msoa") & (rows["period_start"] == month)]
    return rows[EXPORT_COLUMNS[1:]].reset_index(drop=True)


RAMP = [(0.0, (239, 243, 255)), (0.5, (107, 174, 214)), (1.0, (8, 48, 107))]
NICE_STEPS = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)
MAX_CLASSES = 8


def _colour(t: float) -> str:
    """A sequential blue ramp (light to dark): lightness carries the value, not hue."""
    t = min(max(t, 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(RAMP, RAMP[1:], strict=False):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            r, g, b = (round(x + (y - x) * f) for x, y in zip(c0, c1, strict=True))
            return f"rgb({r},{g},{b})"
    return "rgb(8,48,107)"


def map_classes(vmax: float) -> list[tuple[float, float]]:
    """Equal-width classes with a round width, fixed for every month: [(low, high), ...]."""
    step = next((s for s in NICE_STEPS if vmax / s <= MAX_CLASSES), NICE_STEPS[-1])
    count = max(1, int(np.ceil(vmax / step)))
    return [(i * step, (i + 1) * step) for i in range(count)]


def _class_of(value: float, classes: list[tuple[float, float]]) -> int:
    for index, (_, high) in enumerate(classes):
        if value < high:
            return index
    return len(classes) - 1


GAP = np.full((1, 2), np.nan)  # breaks a line trace between rings


def _rings(geometries) -> tuple[np.ndarray, np.ndarray]:
    """Exterior rings as x/y arrays broken by NaN, rounded to the metre.

    Numpy arrays, not lists: plotly validates and serialises them (as typed arrays) an order of
    magnitude faster, which matters for a map redrawn per seat and month.
    """
    pieces = []
    for geometry in geometries:
        for polygon in getattr(geometry, "geoms", [geometry]):
            pieces.append(np.asarray(polygon.exterior.coords)[:, :2])
            pieces.append(GAP)
    if not pieces:
        return np.empty(0, np.float32), np.empty(0, np.float32)
    xy = np.round(np.concatenate(pieces)).astype(np.float32)
    return xy[:, 0], xy[:, 1]


def msoa_month_traces(
    shapes: pd.DataFrame, month_rows: pd.DataFrame, *, vmax: float
) -> tuple[go.Scatter, ...]:
    """The seat-independent layer of the map: one filled trace per class (not per area, which
    keeps the figure small and quick to build), the nil/no-figure areas, and count labels that
    carry each area's hover text. Classes are fixed across months by ``vmax``."""
    values = month_rows.set_index("area_name")
    value = shapes["msoa_name"].map(values["value"])
    status = shapes["msoa_name"].map(values["status"]).map(_status_text)
    classes = map_classes(vmax)
    klass = [None if pd.isna(v) else _class_of(v, classes) for v in value]
    traces = []
    for index, (low, high) in enumerate(classes):
        members = [i for i, k in enumerate(klass) if k == index]
        if not members:
            continue
        xs, ys = _rings(shapes["geometry"].iloc[members])
        colour = _colour((index + 0.5) / len(classes))
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=colour,
                line={"color": WHITE, "width": 0.8},
                name=f"{low:,.0f} to {high - 1:,.0f}",
                legendrank=100 + index,
                hoverinfo="skip",
            )
        )
    missing = [i for i, k in enumerate(klass) if k is None]
    if missing:
        nil = all(status.iloc[i] == NIL_STATUS for i in missing)
        xs, ys = _rings(shapes["geometry"].iloc[missing])
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor="#f2f2f2",
                fillpattern={"shape": "/", "fgcolor": DARK_GREY, "size": 6},
                line={"color": WHITE, "width": 0.8},
                name="'..' nil or negligible (not zero)" if nil else "No figure",
                legendrank=200,
                hoverinfo="skip",
            )
        )
    centres = shapely.point_on_surface(shapes["geometry"].to_numpy())
    hover = [
        f"{n} ({c}): "
        + ("'..' nil or negligible" if pd.isna(v) else f"{v:,.0f} households")
        + (f" ({st})" if st else "")
        for n, c, v, st in zip(shapes["msoa_name"], shapes["msoa_code"], value, status, strict=True)
    ]
    labels = ["" if pd.isna(v) else f"{v:,.0f}" for v in value]
    dark = np.array([k is not None and (k + 0.5) / len(classes) > 0.55 for k in klass])
    centre_x = np.round(shapely.get_x(centres)).astype(np.float32)
    centre_y = np.round(shapely.get_y(centres)).astype(np.float32)
    for is_dark in (False, True):
        mask = dark == is_dark
        traces.append(
            go.Scatter(
                x=centre_x[mask],
                y=centre_y[mask],
                mode="markers+text",
                marker={"size": 14, "opacity": 0},
                text=[t for t, m in zip(labels, mask, strict=True) if m],
                textfont={"size": 10, "color": WHITE if is_dark else "#1f1f1f"},
                hovertext=[h for h, m in zip(hover, mask, strict=True) if m],
                hoverinfo="text",
                showlegend=False,
            )
        )
    return tuple(traces)


def seat_traces(
    seat: pd.DataFrame, seat_label: str, other_seats: pd.DataFrame | None = None
) -> tuple[go.Scatter, ...]:
    """The selected seat's outline (and the city's other seats, dotted) over the map."""
    traces = []
    if other_seats is not None and not other_seats.empty:
        xs, ys = _rings(other_seats["geometry"])
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#4d4d4d", "width": 2, "dash": "dot"},
                name="Other city constituencies",
                legendrank=2,
                hoverinfo="skip",
            )
        )
    xs, ys = _rings(seat["geometry"])
    traces.append(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": VERMILLION, "width": 3.5},
            name=seat_label,
            legendrank=1,
            hoverinfo="skip",
        )
    )
    return tuple(traces)


def msoa_map_layout(shapes: pd.DataFrame, month: pd.Timestamp) -> dict:
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(shapes["geometry"].to_numpy()))
    pad = 400
    return style.layout(
        LOOK,
        title=f"Households on UC by MSOA<br><sup>{month_label(month)}</sup>",
        height=760,
        margin={"l": 0, "r": 0, "t": 60, "b": 10},
        legend={
            "title": {"text": "Households on UC: "},
            "y": -0.01,
            "font": {"size": 12},
        },
        dragmode="pan",
        hovermode="closest",
        **maps.metre_axes((minx, miny, maxx, maxy), pad),
    )


def msoa_map_figure(
    shapes: pd.DataFrame,
    month_rows: pd.DataFrame,
    *,
    month: pd.Timestamp,
    vmax: float,
    seat: pd.DataFrame,
    seat_label: str,
    other_seats: pd.DataFrame | None = None,
) -> go.Figure:
    """Households on UC by MSOA in classes fixed across months, each area labelled with its count,
    under the selected seat's outline."""
    return go.Figure(
        data=[
            *msoa_month_traces(shapes, month_rows, vmax=vmax),
            *seat_traces(seat, seat_label, other_seats),
        ],
        layout=msoa_map_layout(shapes, month),
    )


def msoa_table(month_rows: pd.DataFrame, weights: pd.DataFrame | None, seat_code: str):
    out = month_rows[["area_name", "area_code", "value", "status"]].copy()
    if weights is not None:
        share = weights[weights["pcon_code"] == seat_code].set_index("msoa_code")["share"]
        out["Share in seat (estimate)"] = out["area_code"].map(share).fillna(0).round(3)
    out["status"] = out["status"].map(_status_text)
    out = out.rename(
        columns={
            "area_name": "MSOA",
            "area_code": "MSOA code",
            "value": "Households on UC",
            "status": "Flag",
        }
    )
    return out.sort_values("Households on UC", ascending=False, na_position="last").reset_index(
        drop=True
    )


def msoa_summary(month_rows: pd.DataFrame, weights, seat_code: str, seat_label: str) -> str:
    known = month_rows.dropna(subset=["value"])
    nil = (month_rows["status"] == NIL_STATUS).sum()
    if known.empty and nil:
        return (
            f"In {month_label(month_rows['period_start'].iloc[0])}, no neighbourhood (MSOA) had "
            f"a count: {nil} of the {len(month_rows)} showed '..' (nil or negligible, not zero)."
        )
    if known.empty:
        return "No neighbourhood figures for this month."
    top = known.sort_values("value").iloc[-1]
    text = (
        f"In {month_label(known['period_start'].iloc[0])}, {len(known)} of Nottingham's "
        f"{len(month_rows)} neighbourhoods (MSOAs) had a figure; the most households on UC were "
        f"in {top['area_name']} ({top['value']:,.0f})"
    )
    if nil:
        text += f"; {nil} showed '..' (nil or negligible, not zero)"
    if weights is not None:
        inside = weights[weights["pcon_code"] == seat_code]
        if not inside.empty:
            text += (
                f". {len(inside)} of them lie wholly or partly in {seat_label}, on which the "
                "seat's estimate rests"
            )
    return text + "."


def seat_outlines(boundaries: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Seat outlines from a boundary table with code/name columns (BNG metres), simplified."""
    chosen = boundaries[boundaries["code"].isin(codes)]
    simplified = shapely.simplify(chosen["geometry"].to_numpy(), 15, preserve_topology=True)
    return chosen.assign(geometry=simplified)


def seat_outlines_from_wards(wards: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """2010-2024 seats as the union of their 2013 wards, which nest in them.

    The snapshot's constituency outlines are ultra-generalised (a dozen points for a city seat);
    the wards come from the same 2013 clipped boundaries as the LSOAs, so their edges line up
    with the neighbourhoods on the map.
    """
    chosen = wards[wards["pcon2010_code"].isin(codes)]
    seat_codes, merged = _dissolve(chosen["geometry"].to_numpy(), chosen["pcon2010_code"])
    names = chosen.drop_duplicates("pcon2010_code").set_index("pcon2010_code")["pcon2010_name"]
    # Growing by a metre and shrinking back closes the hairline gaps between wards' edges.
    # 16 segments per quarter circle: geopandas' default, so the outlines are as before.
    closed = shapely.buffer(shapely.buffer(merged, 1, quad_segs=16), -1, quad_segs=16)
    return pd.DataFrame(
        {
            "code": seat_codes,
            "name": names.reindex(seat_codes).to_list(),
            "geometry": shapely.simplify(closed, 15, preserve_topology=True),
        }
    )


# --- comparison, latest month -------------------------------------------------------------


def comparison_frame(pcon: pd.DataFrame | None, population: pd.DataFrame | None):
    """DWP's newest month for the three Nottingham seats and the similar seats, with rates."""
    rows = _households(pcon)
    rows = newest_month(rows[rows["area_type"] == "pcon2024"])
    if rows.empty:
        return rows.assign(per_1000_residents=[], residents_denominator=[])
    wanted = rows[rows["area_code"].isin(NOTTINGHAM_2024 + SIMILAR_SEATS)][EXPORT_COLUMNS[1:]]
    residents = _latest_population(population)
    out = wanted.assign(residents_denominator=wanted["area_code"].map(residents))
    out["per_1000_residents"] = (out["value"] / out["residents_denominator"] * 1000).round(1)
    out["group"] = np.where(out["area_code"].isin(NOTTINGHAM_2024), "Nottingham", "Similar city")
    return out.sort_values("value", ascending=False).reset_index(drop=True)


def _latest_population(population: pd.DataFrame | None) -> pd.Series:
    if population is None:
        return pd.Series(dtype=float)
    rows = population[
        (population["measure"] == "population_all_ages") & (population["area_type"] == "pcon2024")
    ]
    rows = rows[rows["period_end"] == rows["period_end"].max()]
    return rows.set_index("area_code")["value"]


def median_constituency(pcon: pd.DataFrame | None, population: pd.DataFrame | None) -> dict:
    rows = _households(pcon)
    rows = newest_month(rows[rows["area_type"] == "pcon2024"])
    residents = rows["area_code"].map(_latest_population(population))
    rates = rows["value"] / residents * 1000
    return {"value": float(rows["value"].median()), "per_1000_residents": float(rates.median())}


def comparison_figure(
    frame: pd.DataFrame, *, highlight: str | None, mode: str, median: dict
) -> go.Figure:
    column = "per_1000_residents" if mode == PER_1000 else "value"
    ordered = frame.sort_values(column)
    labels = [
        f"<b>▶ {n}</b>" if c == highlight else n
        for n, c in zip(ordered["area_name"], ordered["area_code"], strict=True)
    ]
    colours = [
        VERMILLION if c == highlight else (BLUE if g == "Nottingham" else DARK_GREY)
        for c, g in zip(ordered["area_code"], ordered["group"], strict=True)
    ]
    fmt = "{:,.1f}" if mode == PER_1000 else "{:,.0f}"
    bar = go.Bar(
        x=ordered[column].to_numpy(dtype=float),
        y=labels,
        orientation="h",
        marker={"color": colours},
        text=[fmt.format(v) if pd.notna(v) else "n/a" for v in ordered[column]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:,.1f}<extra></extra>",
        showlegend=False,
    )
    reference = median[column]
    median_line = {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": reference,
        "x1": reference,
        "y0": 0,
        "y1": 1,
        "line": {"color": BLACK, "width": 1.5, "dash": "dash"},
    }
    median_note = {
        "x": reference,
        "y": 1.0,
        "yref": "paper",
        "text": f"Median GB seat: {fmt.format(reference)}",
        "showarrow": False,
        "yanchor": "bottom",
        "font": {"size": 12},
    }
    unit = "households on UC per 1,000 residents" if mode == PER_1000 else "households on UC"
    month = month_label(frame["period_start"].iloc[0]) if not frame.empty else ""
    layout = style.layout(
        LOOK,
        title=(
            f"Nottingham's seats and similar city seats, {month} (provisional)<br><sup>"
            "▶ vermillion: the selected seat · blue: other Nottingham seats · grey: Leicester "
            "and Derby</sup>"
        ),
        shapes=[median_line],
        annotations=[median_note],
        height=460,
        margin={"l": 10, "r": 60, "t": 80, "b": 10},
        xaxis=_axis(
            unit[0].upper() + unit[1:] + " (July 2024 constituencies)",
            tickformat=",",
            range=[0, float(ordered[column].max()) * 1.18 if not ordered.empty else 1],
        ),
    )
    return style.figure([bar], layout)


def comparison_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[
        ["area_name", "area_code", "group", "value", "per_1000_residents", "status"]
    ].rename(
        columns={
            "area_name": "Constituency (July 2024)",
            "area_code": "GSS code",
            "group": "Group",
            "value": "Households on UC",
            "per_1000_residents": "Per 1,000 residents",
            "status": "Flag",
        }
    )
    return out.reset_index(drop=True)


def comparison_summary(frame: pd.DataFrame, median: dict) -> str:
    if frame.empty:
        return "No constituency figures are in the snapshot."
    notts = frame[frame["group"] == "Nottingham"].set_index("area_code")
    month = month_label(frame["period_start"].iloc[0])
    parts = [
        f"{notts.loc[c, 'area_name']} {notts.loc[c, 'value']:,.0f}"
        for c in NOTTINGHAM_2024
        if c in notts.index
    ]
    text = f"In {month} (provisional), DWP counted households on UC in " + ", ".join(parts)
    text += f", against {median['value']:,.0f} in the median GB constituency"
    rank = frame.sort_values("per_1000_residents", ascending=False).reset_index(drop=True)
    if rank["per_1000_residents"].notna().any():
        top = rank.iloc[0]
        text += (
            f". Per 1,000 residents, the highest of these seats is {top['area_name']} "
            f"({top['per_1000_residents']:,.1f})"
        )
    return text + "."


# --- the estimate against DWP's official constituency figure -----------------------------


def estimate_check(
    estimate: pd.DataFrame | None,
    msoa: pd.DataFrame | None,
    lad_may: pd.DataFrame | None,
    pcon: pd.DataFrame | None,
    seat_code: str,
) -> dict | None:
    """The estimate's share of the city's MSOA total in its last month, applied to DWP's May 2025
    city figure, against DWP's May 2025 figure for the seat (July 2024 seats only)."""
    est = _households(estimate)
    est = est[est["area_code"] == seat_code].dropna(subset=["value"])
    official = _households(pcon)
    official = official[official["area_code"] == seat_code]
    city_may = _households(lad_may)
    city_may = newest_month(city_may[city_may["area_code"] == CITY])
    # The seat's figure of the same month as the city's (the API gives every month).
    official = official[official["period_start"].isin(city_may["period_start"])]
    msoas = _households(msoa)
    if est.empty or official.empty or city_may.empty or msoas.empty:
        return None
    last = est.sort_values("period_start").iloc[-1]
    month = last["period_start"]
    msoa_total = msoas[(msoas["area_type"] == "msoa") & (msoas["period_start"] == month)][
        "value"
    ].sum()
    share = last["value"] / msoa_total
    implied = share * city_may["value"].iloc[0]
    official_value = official["value"].iloc[0]
    official_share = official_value / city_may["value"].iloc[0]
    return {
        "estimate_month": month,
        "estimate": float(last["value"]),
        "msoa_total": float(msoa_total),
        "share": float(share),
        "official_month": official["period_start"].iloc[0],
        "city_official": float(city_may["value"].iloc[0]),
        "implied": float(implied),
        "official": float(official_value),
        "official_share": float(official_share),
        "difference": float(implied - official_value),
        "difference_pct": float((implied - official_value) / official_value * 100),
    }


def estimate_check_sentence(check: dict, seat_label: str) -> str:
    direction = "below" if check["difference"] < 0 else "above"
    return (
        f"**Estimate against DWP's figure.** DWP's provisional count for {seat_label} in "
        f"{month_label(check['official_month'])} is **{check['official']:,.0f}** households "
        f"({check['official_share']:.1%} of the city's {check['city_official']:,.0f}). Our "
        f"estimate put {check['share']:.1%} of the city's neighbourhood total in the seat in "
        f"{month_label(check['estimate_month'])} ({check['estimate']:,.0f} of "
        f"{check['msoa_total']:,.0f}); that share applied to the city's "
        f"{month_label(check['official_month'])} figure gives {check['implied']:,.0f}, "
        f"**{abs(check['difference']):,.0f} ({abs(check['difference_pct']):.1f}%) {direction}** "
        "the official figure. The months differ (the monthly series ends in "
        f"{month_label(check['estimate_month'])}), so this checks the seat's share of the city, "
        "not the level."
    )


# --- flags under the charts ---------------------------------------------------------------


def flags_note(*frames: pd.DataFrame) -> str:
    """Which months carry which Stat-Xplore flag, in words, for the rows on a chart."""
    rows = pd.concat([f[["period_start", "status"]] for f in frames if not f.empty])
    found: dict[str, set] = {}
    for period, status in zip(rows["period_start"], rows["status"], strict=True):
        for part in _status_text(status).split(";"):
            part = part.strip()
            if part and part != "estimate":
                found.setdefault(part, set()).add(pd.Timestamp(period))
    if not found:
        return "Flags: none (all figures final)."
    parts = []
    for flag in ("provisional", "revised", NIL_STATUS, MISSING_STATUS):
        months = sorted(found.pop(flag, set()))
        if months:
            parts.append(f"{flag}: {_month_ranges(months)}")
    for flag, months in found.items():
        parts.append(f"{flag}: {_month_ranges(sorted(months))}")
    return "Flags: " + "; ".join(parts) + "."


def _month_ranges(months: list[pd.Timestamp]) -> str:
    runs: list[list[pd.Timestamp]] = []
    for month in months:
        if runs and month == runs[-1][-1] + pd.offsets.MonthBegin(1):
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(
        month_label(r[0]) if len(r) == 1 else f"{month_label(r[0])} to {month_label(r[-1])}"
        for r in runs
    )


def _missing_runs(held: pd.DatetimeIndex) -> list[str]:
    """Each run of months missing between the first and last held, in words."""
    missing = pd.date_range(held.min(), held.max(), freq="MS").difference(held)
    index = pd.Series(missing.year * 12 + missing.month)
    runs = []
    for _, run in pd.Series(missing).groupby((index.diff() != 1).cumsum()):
        first, last = run.iloc[0], run.iloc[-1]
        if first == last:
            runs.append(f"{first:%B %Y}")
        elif first.year == last.year:
            runs.append(f"{first:%B} to {last:%B %Y}")
        else:
            runs.append(f"{first:%B %Y} to {last:%B %Y}")
    return runs


def months_skipped(months) -> str:
    """The map slider's note: which months inside its range the export lacks, from the months
    it offers."""
    held = pd.DatetimeIndex(sorted(pd.Timestamp(m) for m in months))
    if held.empty:
        return "No month is held."
    runs = _missing_runs(held)
    if not runs:
        return f"Every month from {held.min():%B %Y} to {held.max():%B %Y} is held."
    listed = runs[0] if len(runs) == 1 else ", ".join(runs[:-1]) + " and " + runs[-1]
    one = len(runs) == 1 and " to " not in runs[0]
    return f"{listed} {'is' if one else 'are'} not in the DWP export, so the slider skips " + (
        "it." if one else "them."
    )


def months_not_held(monthly: pd.DataFrame, later: pd.DataFrame | None) -> str:
    """What the monthly series lacks, in words, from its rows: the months after its last,
    except those a one-off table holds (``later``), and any run of months missing inside it."""
    held = pd.DatetimeIndex(sorted(monthly.loc[monthly["value"].notna(), "period_start"].unique()))
    if held.empty:
        return ""
    runs = _missing_runs(held)
    text = f"**Months after {held.max():%B %Y}**"
    if later is not None and not later.empty:
        single = sorted({f"{day:%B %Y}" for day in later["period_start"]})
        text += f", except {' and '.join(single)}"
    if runs:
        text += f", and {', '.join(runs)}"
    return text + "."
