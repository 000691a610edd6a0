"""Universal Credit page: tidy frames, figures, tables and sentences (pure; no streamlit)."""

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import observations
from dashboard.geography import outline_xy
from dashboard.sources.geo_common import BRITISH_NATIONAL_GRID

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

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
)
GREY = "#8a8a8a"
FONT = {"size": 14}
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
    lad = _households(lad)
    pieces = [
        lad[lad["area_code"] == CITY].assign(series="Nottingham (city), DWP"),
        lad[lad["area_code"] == GB].assign(series="Great Britain, DWP"),
    ]
    est = _households(estimate)
    seat = est[est["area_code"] == seat_code]
    if not seat.empty:
        pieces.append(seat.assign(series=f"{seat_label}, estimate"))
    frame = pd.concat(pieces, ignore_index=True)[EXPORT_COLUMNS]
    if frame.empty:
        return frame
    months = pd.date_range(frame["period_start"].min(), frame["period_start"].max(), freq="MS")
    filled = []
    for _, rows in frame.groupby("series", sort=False):
        template = rows.iloc[0]
        missing = sorted(set(months) - set(rows["period_start"]))
        gap = pd.DataFrame(
            {
                **{c: template[c] for c in ["series", "dataset", "measure", "area_type"]},
                **{c: template[c] for c in ["area_code", "area_name", "unit"]},
                "period_start": missing,
                "period_end": [m + pd.offsets.MonthEnd(0) for m in missing],
                "value": np.nan,
                "status": MISSING_STATUS,
            }
        )
        filled.append(pd.concat([rows, gap], ignore_index=True) if missing else rows)
    out = pd.concat(filled, ignore_index=True).sort_values(["series", "period_start"])
    return out.reset_index(drop=True)


def latest_official(
    pcon: pd.DataFrame | None, lad_may: pd.DataFrame | None, seat_code: str, seat_label: str
) -> pd.DataFrame:
    """DWP's one-month exports (May 2025): the city, GB and, on July 2024 seats, the seat."""
    lad_may = _households(lad_may)
    pcon = _households(pcon)
    pieces = [
        lad_may[lad_may["area_code"] == CITY].assign(series="Nottingham (city), DWP"),
        lad_may[lad_may["area_code"] == GB].assign(series="Great Britain, DWP"),
        pcon[pcon["area_code"] == seat_code].assign(series=f"{seat_label}, DWP"),
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
        return {"color": GREY, "dash": "dot"}
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
    traces = []
    shown = series[~series["series"].str.startswith("Great Britain")]
    for name, rows in shown.groupby("series", sort=False):
        style = _series_style(name)
        if rows[column].notna().sum() == 0:
            continue
        traces.append(
            go.Scatter(
                x=rows["period_start"],
                y=rows[column],
                mode="lines",
                name=name,
                line={"color": style["color"], "dash": style["dash"], "width": 2.5},
                connectgaps=False,
                customdata=rows["status"].map(_status_text),
                hovertemplate="%{x|%B %Y}: %{y:,.1f} %{customdata}<extra>" + name + "</extra>"
                if mode == PER_1000
                else "%{x|%B %Y}: %{y:,.0f} %{customdata}<extra>" + name + "</extra>",
            )
        )
    points = official[~official["series"].str.startswith("Great Britain")]
    for row in points.itertuples():
        value = getattr(row, column)
        if pd.isna(value):
            continue
        is_city = row.series.startswith("Nottingham (city)")
        text = f"{value:,.1f}" if mode == PER_1000 else f"{value:,.0f}"
        traces.append(
            go.Scatter(
                x=[row.period_start],
                y=[value],
                mode="markers+text",
                name=f"{row.series}, {month_label(row.period_start)} (p)",
                marker={
                    "color": BLUE if is_city else VERMILLION,
                    "size": 12,
                    "symbol": "diamond" if is_city else "star",
                    "line": {"color": BLACK, "width": 1},
                },
                text=[f"{text} (p)"],
                textposition="middle left",
                textfont={"size": 12},
                hovertemplate=f"{row.series}, %{{x|%B %Y}}: {text}, provisional<extra></extra>",
            )
        )
    values = pd.concat([shown[column], points[column]]).dropna()
    y_top = float(values.max()) * 1.08 if not values.empty else 1.0
    figure = go.Figure(data=traces, layout=_marks(y_top, shown))
    unit = "per 1,000 residents" if mode == PER_1000 else "number of households"
    figure.update_layout(
        title={"text": f"Households on UC, {seat_label} and the city<br><sup>{unit}</sup>"},
        font=FONT,
        height=470,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        hovermode="closest",
        plot_bgcolor="#ffffff",
    )
    figure.update_xaxes(title="Month of the count", showgrid=True, gridcolor="#e5e5e5")
    figure.update_yaxes(
        title=f"Households on UC ({unit})" if mode == PER_1000 else "Households on UC",
        rangemode="tozero",
        range=[0, y_top * 1.02],
        showgrid=True,
        gridcolor="#e5e5e5",
        tickformat=",",
    )
    return figure


def _column_name(series: str) -> str:
    """Short table headers: 'Nottingham East, estimate' -> 'Nottingham East (estimate)'."""
    if series.startswith(("Nottingham (city)", "Great Britain")):
        return series.removesuffix(", DWP")
    place, _, source = series.rpartition(", ")
    return f"{place} ({source})"


def trend_table(series: pd.DataFrame, official: pd.DataFrame, *, mode: str) -> pd.DataFrame:
    """The chart's numbers: one row per month, one column per series; statuses in words."""
    column = "per_1000_residents" if mode == PER_1000 else "value"
    rows = pd.concat(
        [series[~series["series"].str.startswith("Great Britain")], official], ignore_index=True
    )
    rows = rows[~rows["series"].str.startswith("Great Britain")]
    wide = rows.pivot_table(
        index="period_start", columns="series", values=column, aggfunc="first", dropna=False
    )
    flags = (
        rows.assign(flag=rows["status"].map(_status_text))
        .groupby("period_start")["flag"]
        .agg(lambda s: "; ".join(sorted({p.strip() for f in s for p in f.split(";") if p.strip()})))
    )
    # Months with no figure at all (the 2023 gap) are named in the flags line, not listed.
    wide = wide.dropna(how="all").sort_index(ascending=False).rename(columns=_column_name)
    wide.insert(0, "Month", [month_label(m) for m in wide.index])
    wide["Flags"] = flags.reindex(wide.index).fillna("").to_numpy()
    return wide.reset_index(drop=True).rename_axis(None, axis=1)


def trend_summary(series: pd.DataFrame, official: pd.DataFrame, seat_label: str) -> str:
    city = series[series["series"].str.startswith("Nottingham (city)")].dropna(subset=["value"])
    if city.empty:
        return "No monthly figures for Nottingham are in the snapshot."
    at_start = city[city["period_start"] == FULL_SERVICE_MONTH]["value"]
    last = city.iloc[-1]
    text = (
        f"Nottingham had **{last['value']:,.0f}** households on Universal Credit in "
        f"{month_label(last['period_start'])} ({_status_text(last['status']) or 'final'})"
    )
    if not at_start.empty:
        text += f", up from {at_start.iloc[0]:,.0f} in October 2018, when full service arrived"
    seat = series[series["series"].str.endswith("estimate")].dropna(subset=["value"])
    if not seat.empty:
        text += (
            f". An estimated **{seat['value'].iloc[-1]:,.0f}** of them lived in {seat_label} "
            "(our estimate from neighbourhood counts, not a DWP figure)"
        )
    city_may = official[official["series"].str.startswith("Nottingham (city)")]
    if not city_may.empty:
        row = city_may.iloc[0]
        text += (
            f". DWP's provisional figure for {month_label(row['period_start'])} is "
            f"{row['value']:,.0f} for the city"
        )
        seat_may = official[official["series"] == f"{seat_label}, DWP"]
        if not seat_may.empty:
            text += f" and {seat_may['value'].iloc[0]:,.0f} for {seat_label}"
    return text + "."


# --- growth indexed to a common month -----------------------------------------------------


def index_base_months(series: pd.DataFrame) -> list[pd.Timestamp]:
    """Months where every series has a positive count, so each can be indexed to 100."""
    positive = series[series["value"] > 0]
    counts = positive.groupby("period_start")["series"].nunique()
    return sorted(counts[counts == series["series"].nunique()].index)


def indexed(series: pd.DataFrame, base: pd.Timestamp) -> pd.DataFrame:
    base_values = series[series["period_start"] == base].set_index("series")["value"]
    out = series.copy()
    out["index"] = (out["value"] / out["series"].map(base_values) * 100).round(1)
    return out


def index_figure(frame: pd.DataFrame, base: pd.Timestamp) -> go.Figure:
    traces, labels = [], []
    for name, rows in frame.groupby("series", sort=False):
        style = _series_style(name)
        traces.append(
            go.Scatter(
                x=rows["period_start"],
                y=rows["index"],
                mode="lines",
                name=name,
                line={"color": style["color"], "dash": style["dash"], "width": 2.5},
                connectgaps=False,
                hovertemplate="%{x|%B %Y}: %{y:,.0f}<extra>" + name + "</extra>",
            )
        )
        last = rows.dropna(subset=["index"]).iloc[-1:]
        if not last.empty:
            labels.append(
                {
                    "x": last["period_start"].iloc[0],
                    "y": last["index"].iloc[0],
                    "text": f"{last['index'].iloc[0]:,.0f}",
                    "showarrow": False,
                    "xanchor": "left",
                    "xshift": 6,
                    "font": {"size": 12, "color": style["color"]},
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
    figure = go.Figure(data=traces, layout=_marks(y_top, city, [base_line], labels))
    figure.update_layout(
        title={
            "text": f"Growth in households on UC<br><sup>indexed: {month_label(base)} = 100</sup>"
        },
        font=FONT,
        height=440,
        margin={"l": 10, "r": 40, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        plot_bgcolor="#ffffff",
    )
    figure.update_xaxes(title="Month of the count", showgrid=True, gridcolor="#e5e5e5")
    figure.update_yaxes(
        title=f"Index ({month_label(base)} = 100)",
        rangemode="tozero",
        range=[0, y_top * 1.02],
        showgrid=True,
        gridcolor="#e5e5e5",
    )
    return figure


def index_table(frame: pd.DataFrame) -> pd.DataFrame:
    wide = (
        frame.pivot_table(
            index="period_start", columns="series", values="index", aggfunc="first", dropna=False
        )
        .dropna(how="all")
        .sort_index(ascending=False)
        .rename(columns=_column_name)
    )
    wide.insert(0, "Month", [month_label(m) for m in wide.index])
    return wide.reset_index(drop=True).rename_axis(None, axis=1)


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


def msoa_shapes(lsoas: gpd.GeoDataFrame, msoa_codes: pd.DataFrame) -> gpd.GeoDataFrame:
    """MSOA 2011 outlines dissolved from their LSOAs ("Nottingham 018A" is in "Nottingham 018").

    The snapshot has no MSOA boundary table; LSOAs nest exactly in MSOAs, so dissolving them by
    the name prefix gives the MSOA outline. ``msoa_codes`` (area_code, area_name) adds the codes.
    """
    projected = lsoas.to_crs(BRITISH_NATIONAL_GRID)
    projected = projected.assign(msoa_name=projected["name"].str[:-1])
    shapes = projected[["msoa_name", "geometry"]].dissolve(by="msoa_name").reset_index()
    shapes["geometry"] = shapes.geometry.buffer(0).simplify(15, preserve_topology=True)
    codes = msoa_codes.drop_duplicates("area_name").set_index("area_name")["area_code"]
    shapes["msoa_code"] = shapes["msoa_name"].map(codes)
    return shapes


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


def _rings(geometries) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for geometry in geometries:
        x, y = outline_xy(geometry)
        xs.extend(x)
        ys.extend(y)
    return xs, ys


def msoa_map_figure(
    shapes: gpd.GeoDataFrame,
    month_rows: pd.DataFrame,
    *,
    month: pd.Timestamp,
    vmax: float,
    seat: gpd.GeoDataFrame,
    seat_label: str,
    other_seats: gpd.GeoDataFrame | None = None,
) -> go.Figure:
    """Households on UC by MSOA in classes fixed across months, each area labelled with its count.

    One filled trace per class (not per area) keeps the figure small and quick to build; the
    labels carry each area's hover text.
    """
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
        xs, ys = _rings(shapes.geometry.iloc[members])
        colour = _colour((index + 0.5) / len(classes))
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=colour,
                line={"color": "#ffffff", "width": 0.8},
                name=f"{low:,.0f} to {high - 1:,.0f}",
                legendrank=100 + index,
                hoverinfo="skip",
            )
        )
    missing = [i for i, k in enumerate(klass) if k is None]
    if missing:
        nil = all(status.iloc[i] == NIL_STATUS for i in missing)
        xs, ys = _rings(shapes.geometry.iloc[missing])
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor="#f2f2f2",
                fillpattern={"shape": "/", "fgcolor": GREY, "size": 6},
                line={"color": "#ffffff", "width": 0.8},
                name="'..' nil or negligible (not zero)" if nil else "No figure",
                legendrank=200,
                hoverinfo="skip",
            )
        )
    centres = shapes.geometry.representative_point()
    hover = [
        f"{n} ({c}): "
        + ("'..' nil or negligible" if pd.isna(v) else f"{v:,.0f} households")
        + (f" ({st})" if st else "")
        for n, c, v, st in zip(shapes["msoa_name"], shapes["msoa_code"], value, status, strict=True)
    ]
    labels = ["" if pd.isna(v) else f"{v:,.0f}" for v in value]
    dark = np.array([k is not None and (k + 0.5) / len(classes) > 0.55 for k in klass])
    for is_dark in (False, True):
        mask = dark == is_dark
        traces.append(
            go.Scatter(
                x=centres.x[mask],
                y=centres.y[mask],
                mode="markers+text",
                marker={"size": 14, "opacity": 0},
                text=[t for t, m in zip(labels, mask, strict=True) if m],
                textfont={"size": 10, "color": "#ffffff" if is_dark else "#1f1f1f"},
                hovertext=[h for h, m in zip(hover, mask, strict=True) if m],
                hoverinfo="text",
                showlegend=False,
            )
        )
    if other_seats is not None and not other_seats.empty:
        xs, ys = _rings(other_seats.geometry)
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
    xs, ys = _rings(seat.geometry)
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
    figure = go.Figure(data=traces)
    minx, miny, maxx, maxy = shapes.total_bounds
    pad = 400
    figure.update_layout(
        title={"text": f"Households on UC by MSOA<br><sup>{month_label(month)}</sup>"},
        font=FONT,
        height=760,
        margin={"l": 0, "r": 0, "t": 60, "b": 10},
        legend={
            "title": {"text": "Households on UC: "},
            "orientation": "h",
            "x": 0,
            "y": -0.01,
            "yanchor": "top",
            "font": {"size": 12},
        },
        plot_bgcolor="#ffffff",
        dragmode="pan",
        hovermode="closest",
    )
    figure.update_xaxes(visible=False, range=[minx - pad, maxx + pad])
    figure.update_yaxes(
        visible=False, range=[miny - pad, maxy + pad], scaleanchor="x", scaleratio=1
    )
    return figure


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
    if known.empty:
        return "No neighbourhood figures for this month."
    top = known.sort_values("value").iloc[-1]
    text = (
        f"In {month_label(known['period_start'].iloc[0])}, {len(known)} of Nottingham's "
        f"{len(month_rows)} neighbourhoods (MSOAs) had a figure; the most households on UC were "
        f"in {top['area_name']} ({top['value']:,.0f})"
    )
    nil = (month_rows["status"] == NIL_STATUS).sum()
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


def seat_outlines(boundaries: gpd.GeoDataFrame, codes: list[str]) -> gpd.GeoDataFrame:
    """Seat outlines in BNG from a boundary table with code/name columns."""
    chosen = boundaries[boundaries["code"].isin(codes)].to_crs(BRITISH_NATIONAL_GRID)
    return chosen.assign(geometry=chosen.geometry.simplify(15, preserve_topology=True))


def seat_outlines_from_wards(wards: gpd.GeoDataFrame, codes: list[str]) -> gpd.GeoDataFrame:
    """2010-2024 seats as the union of their 2013 wards, which nest in them.

    The snapshot's constituency outlines are ultra-generalised (a dozen points for a city seat);
    the wards come from the same 2013 clipped boundaries as the LSOAs, so their edges line up
    with the neighbourhoods on the map.
    """
    chosen = wards[wards["pcon2010_code"].isin(codes)].to_crs(BRITISH_NATIONAL_GRID)
    merged = chosen[["pcon2010_code", "pcon2010_name", "geometry"]].dissolve("pcon2010_code")
    merged = merged.reset_index().rename(columns={"pcon2010_code": "code", "pcon2010_name": "name"})
    merged["geometry"] = merged.geometry.buffer(1).buffer(-1).simplify(15, preserve_topology=True)
    return merged


# --- comparison, latest month -------------------------------------------------------------


def comparison_frame(pcon: pd.DataFrame | None, population: pd.DataFrame | None):
    """May 2025 (official) for the three Nottingham seats and the similar seats, with rates."""
    rows = _households(pcon)
    rows = rows[rows["area_type"] == "pcon2024"]
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
    rows = rows[rows["area_type"] == "pcon2024"]
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
        VERMILLION if c == highlight else (BLUE if g == "Nottingham" else GREY)
        for c, g in zip(ordered["area_code"], ordered["group"], strict=True)
    ]
    fmt = "{:,.1f}" if mode == PER_1000 else "{:,.0f}"
    figure = go.Figure(
        go.Bar(
            x=ordered[column],
            y=labels,
            orientation="h",
            marker={"color": colours},
            text=[fmt.format(v) if pd.notna(v) else "n/a" for v in ordered[column]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,.1f}<extra></extra>",
            showlegend=False,
        )
    )
    reference = median[column]
    figure.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=reference,
        x1=reference,
        y0=0,
        y1=1,
        line={"color": BLACK, "width": 1.5, "dash": "dash"},
    )
    figure.add_annotation(
        x=reference,
        y=1.0,
        yref="paper",
        text=f"Median GB seat: {fmt.format(reference)}",
        showarrow=False,
        yanchor="bottom",
        font={"size": 12},
    )
    unit = "households on UC per 1,000 residents" if mode == PER_1000 else "households on UC"
    month = month_label(frame["period_start"].iloc[0]) if not frame.empty else ""
    figure.update_layout(
        title={
            "text": f"Nottingham's seats and similar city seats, {month} (provisional)<br><sup>"
            "▶ vermillion: the selected seat · blue: other Nottingham seats · grey: Leicester "
            "and Derby</sup>"
        },
        font=FONT,
        height=460,
        margin={"l": 10, "r": 60, "t": 80, "b": 10},
        plot_bgcolor="#ffffff",
    )
    figure.update_xaxes(
        title=unit[0].upper() + unit[1:] + " (July 2024 constituencies)",
        tickformat=",",
        showgrid=True,
        gridcolor="#e5e5e5",
        range=[0, float(ordered[column].max()) * 1.18 if not ordered.empty else 1],
    )
    return figure


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
    city_may = city_may[city_may["area_code"] == CITY]
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
