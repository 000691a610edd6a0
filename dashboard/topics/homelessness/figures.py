"""Homelessness page figures: pure functions of tidy frames -> plotly figures (no streamlit).

Each figure is made in one ``style.figure(traces, layout)`` call: plotly validates every
update, so one pass is far cheaper than many ``update_*``/``add_*`` calls.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from dashboard.geography import outline_xy
from dashboard.topics.homelessness import model as t
from dashboard.ui import style
from dashboard.ui.style import BLACK, BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION

GAP_FILL = "rgba(120, 120, 120, 0.15)"
# series -> (colour, dash, marker symbol): colour is never the only difference
STYLES = [
    (BLUE, "solid", "circle"),
    (ORANGE, "dash", "square"),
    (GREEN, "dot", "diamond"),
    (VERMILLION, "dashdot", "triangle-up"),
]
TA_TYPE_STYLE = {
    "Bed and breakfast": (VERMILLION, "x"),
    "Nightly paid, privately managed": (ORANGE, "/"),
    "Hostel (incl. refuges)": (PURPLE, "."),
    "Private sector leased": (SKY, "\\"),
    "Social housing (council or housing association)": (BLUE, ""),
    "Other": (GREY, "+"),
}


# The page's look: style.layout merges each chart's own settings over it. A chart with a
# subtitle needs a taller top margin (90).
LOOK = {
    "title": {
        "font": {"size": 16},
        "subtitle": {"text": "", "font": {"size": 13, "color": "#444"}},
    },
    "height": 440,
    "margin": {"l": 60, "r": 20, "t": 70, "b": 60},
    "legend": {"orientation": "h", "yanchor": "top", "y": -0.24, "x": 0},
    "hovermode": "closest",
    "plot_bgcolor": "white",
    "xaxis": {"showgrid": False, "linecolor": "#444"},
    "yaxis": {"gridcolor": "#e5e5e5", "rangemode": "tozero", "zeroline": True},
}


def _gap_bands(gaps: list[pd.Timestamp]) -> dict:
    """Layout shapes and a note for quarters with no figure (grey bands, never zero)."""
    if not gaps:
        return {"shapes": []}
    bands = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": day - pd.Timedelta(days=45),
            "x1": day + pd.Timedelta(days=45),
            "y0": 0,
            "y1": 1,
            "fillcolor": GAP_FILL,
            "line": {"width": 0},
            "layer": "below",
        }
        for day in gaps
    ]
    note = {
        # two short lines, so the note fits a phone's width (plotly does not wrap annotations)
        "text": f"Grey bands: {len(gaps)} quarter{'s' if len(gaps) > 1 else ''} with no figure "
        "for Nottingham<br>(why: see the table's notes)",
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 1.0,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": "#444"},
        "align": "left",
    }
    # the title and subtitle at the top of the figure, the note's two lines under them
    title = {"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}}
    return {"shapes": bands, "annotations": [note], "margin": {"t": 112}, "title": title}


def series_figure(
    frame: pd.DataFrame,
    *,
    series: str,
    title: str,
    y_title: str,
    decimals: int,
    subtitle: str = "",
) -> go.Figure:
    """Lines over quarter ends, one per ``series`` value, gaps where null, derived points hollow.

    ``frame`` has period_end, quarter, value, status and the ``series`` column.
    """
    traces = []
    number = f"%{{y:,.{decimals}f}}"
    derived_shown = False
    for index, (name, rows) in enumerate(frame.groupby(series, sort=False)):
        colour, dash, symbol = STYLES[index % len(STYLES)]
        traces.append(
            {
                "type": "scatter",
                "x": rows["period_end"],
                "y": rows["value"],
                "name": str(name),
                "mode": "lines+markers",
                "line": {"color": colour, "dash": dash, "width": 3 if index == 0 else 2},
                "marker": {"symbol": symbol, "size": 7, "color": colour},
                "connectgaps": False,
                "customdata": rows[["quarter"]].to_numpy(),
                "hovertemplate": f"{name}<br>%{{customdata[0]}}: {number}<extra></extra>",
            }
        )
        derived = rows[rows["status"].map(t.is_derived) & rows["value"].notna()]
        if not derived.empty:
            traces.append(
                {
                    "type": "scatter",
                    "x": derived["period_end"],
                    "y": derived["value"],
                    "name": "Filled from a derived CSV, not an official workbook",
                    "legendgroup": "derived",
                    "showlegend": not derived_shown,
                    "mode": "markers",
                    "marker": {
                        "symbol": "circle-open",
                        "size": 14,
                        "color": BLACK,
                        "line": {"width": 2},
                    },
                    "customdata": derived[["quarter"]].to_numpy(),
                    "hovertemplate": f"{name}<br>%{{customdata[0]}}: {number}"
                    "<br>derived CSV, not an official workbook<extra></extra>",
                }
            )
            derived_shown = True
    first = frame[series].iloc[0] if not frame.empty else None
    lead = frame[frame[series] == first]
    layout = style.layout(
        LOOK,
        title=title,
        subtitle=subtitle,
        margin={"t": 90 if subtitle else 70},
        x_title="Quarter (plotted at its last day)",
        y_title=y_title,
    )
    gaps = _gap_bands(list(lead.loc[lead["value"].isna(), "period_end"]))
    return style.figure(traces, style.merged(layout, gaps))


def trend_figure(frame: pd.DataFrame, measure: str, mode: str) -> go.Figure:
    label = t.TREND_MEASURES[measure][0]
    if mode == "rate":
        subtitle = "Nottingham and England, per 1,000 households"
        y_title, decimals = "Per 1,000 households", 2
    else:
        subtitle = "Nottingham, number of households"
        y_title, decimals = "Households", 0
    return series_figure(
        frame, series="area", title=label, subtitle=subtitle, y_title=y_title, decimals=decimals
    )


def ta_counts_frame(observations: pd.DataFrame) -> pd.DataFrame:
    """Nottingham's households in TA, with children, and in B&B on each quarter end."""
    frames = []
    for measure, name in (
        ("households_in_temporary_accommodation", "All households in TA"),
        ("households_in_ta_with_children", "Households with children"),
        ("households_in_bed_and_breakfast", "In bed and breakfast"),
    ):
        series = t.count_series(observations, measure, t.NOTTINGHAM)
        series["series"], series["measure"] = name, measure
        frames.append(series)
    out = pd.concat(frames, ignore_index=True)
    out["quarter"] = out["period_end"].map(lambda d: t.quarter_label(d, True))
    out["area_code"], out["unit"] = t.NOTTINGHAM, "count"
    return out


def ta_counts_figure(frame: pd.DataFrame) -> go.Figure:
    return series_figure(
        frame,
        series="series",
        title="Households in temporary accommodation",
        subtitle="Nottingham, on the last day of each quarter",
        y_title="Households",
        decimals=0,
    )


def ta_counts_table(frame: pd.DataFrame) -> pd.DataFrame:
    wide = frame.pivot_table(index="period_end", columns="series", values="value", dropna=False)
    wide = wide[list(dict.fromkeys(frame["series"]))].round(0).astype("Int64")
    total = frame[frame["measure"] == "households_in_temporary_accommodation"]
    total = total.set_index("period_end")
    wide.insert(0, "Date", total["quarter"].reindex(wide.index))
    wide["Note"] = total["status"].reindex(wide.index).fillna("")
    return wide.reset_index(drop=True)


def _category_axis() -> dict:
    """A bar chart's category axis: room for long labels, no grid lines across the bars."""
    return {"title": {"text": ""}, "rangemode": "tozero", "zeroline": True, "automargin": True}


def shares_figure(table: pd.DataFrame, *, title: str, span: str) -> go.Figure:
    """Horizontal bars: Nottingham's and England's shares by category, largest at the top."""
    ordered = table.iloc[::-1]
    traces = []
    for area, colour, pattern in (("England", ORANGE, "/"), ("Nottingham", BLUE, "")):
        values = ordered[f"{area} share (%)"]
        traces.append(
            {
                "type": "bar",
                "y": ordered["Category"],
                "x": values,
                "orientation": "h",
                "name": area,
                "marker": {"color": colour, "pattern": {"shape": pattern}},
                "text": [f"{v:.0f}%" if pd.notna(v) else "" for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": f"{area}: %{{x:.1f}}%<extra>%{{y}}</extra>",
            }
        )
    top = max(5.0, float(table.filter(like="share").max().max())) * 1.2
    layout = style.layout(
        LOOK,
        title=title,
        subtitle=f"Nottingham and England, {span}",
        x_title="Share of households owed a duty (%)",
        y_title="",
        height=max(360, 60 + 46 * len(table)),
        barmode="group",
        margin={"l": 10, "t": 90},
        # inside the plot, bottom right, where the smallest categories leave room
        legend={
            "traceorder": "reversed",
            "orientation": "v",
            "x": 0.98,
            "xanchor": "right",
            "y": 0.02,
            "yanchor": "bottom",
            "bgcolor": "rgba(255, 255, 255, 0.85)",
        },
        xaxis={"range": [0, top]},
    )
    layout["yaxis"] = _category_axis()
    return style.figure(traces, layout)


def ta_types_figure(frame: pd.DataFrame) -> go.Figure:
    traces = []
    for name, rows in frame.groupby("type", sort=False):
        colour, pattern = TA_TYPE_STYLE.get(name, (GREY, ""))
        traces.append(
            {
                "type": "bar",
                "x": rows["period_end"],
                "y": rows["value"],
                "name": name,
                "marker": {
                    "color": colour,
                    "pattern": {
                        "shape": pattern,
                        "bgcolor": colour,
                        "fgcolor": "white",
                        "fgopacity": 0.8,
                        "size": 7,
                    },
                },
                "customdata": rows[["quarter"]].to_numpy(),
                "hovertemplate": f"{name}<br>%{{customdata[0]}}: %{{y:,.0f}}<extra></extra>",
            }
        )
    totals = frame.groupby("period_end")["value"].sum(min_count=1)
    layout = style.layout(
        LOOK,
        title="Temporary accommodation by type",
        subtitle="Nottingham households placed, on the last day of each quarter",
        margin={"t": 90},
        x_title="Last day of the quarter",
        y_title="Households",
        height=500,
        barmode="stack",
        bargap=0.15,
        legend={"y": -0.2},
    )
    gaps = _gap_bands(list(totals[totals.isna()].index))
    return style.figure(traces, style.merged(layout, gaps))


def comparator_figure(frame: pd.DataFrame, *, day_label: str, group_label: str) -> go.Figure:
    """Horizontal bars of the TA rate; Nottingham and England differ by colour, pattern, label."""
    colours, patterns, names = [], [], []
    for row in frame.itertuples():
        if row.area_code == t.NOTTINGHAM:
            colours.append(BLUE)
            patterns.append("")
            names.append("<b>Nottingham</b>")
        elif row.area == "England":
            colours.append(ORANGE)
            patterns.append("/")
            names.append("<i>England</i>")
        else:
            colours.append("#b0b0b0")
            patterns.append("")
            names.append(row.area)
    bars = {
        "type": "bar",
        "y": names,
        "x": frame["value"],
        "orientation": "h",
        "marker": {"color": colours, "pattern": {"shape": patterns}},
        "text": [f"{v:.2f}" for v in frame["value"]],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{y}: %{x:.2f} per 1,000 households<extra></extra>",
        "showlegend": False,
    }
    layout = style.layout(
        LOOK,
        title="Households in temporary accommodation per 1,000",
        subtitle=f"{group_label} and England, {day_label}",
        x_title="Households in temporary accommodation per 1,000 households",
        y_title="",
        height=max(360, 90 + 24 * len(frame)),
        margin={"l": 10, "t": 90},
        xaxis={"range": [0, float(frame["value"].max()) * 1.15]},
    )
    layout["yaxis"] = _category_axis()
    return style.figure([bars], layout)


def _grid(rows: int, cols: int, titles: list[str], *, h_space: float, v_space: float) -> dict:
    """Axes and panel titles of a ``rows`` x ``cols`` grid sharing x by column and y by row,
    laid out as plotly's ``make_subplots`` does (without its cost)."""
    width = (1 - h_space * (cols - 1)) / cols
    height = (1 - v_space * (rows - 1)) / rows
    layout: dict = {}
    annotations = []
    for index in range(rows * cols):
        row, col = divmod(index, cols)
        number = "" if index == 0 else str(index + 1)
        bottom = (rows - 1) * cols + col + 1  # the panel at the foot of this column
        first = row * cols + 1  # the panel at the left of this row
        x0 = col * (width + h_space)
        y0 = (rows - 1 - row) * (height + v_space)
        xaxis = {"anchor": f"y{number}", "domain": [x0, x0 + width]}
        yaxis = {"anchor": f"x{number}", "domain": [y0, y0 + height]}
        if row < rows - 1:
            xaxis.update(matches=f"x{bottom}", showticklabels=False)
        if col > 0:
            yaxis.update(matches="y" if first == 1 else f"y{first}", showticklabels=False)
        layout[f"xaxis{number}"], layout[f"yaxis{number}"] = xaxis, yaxis
        if index < len(titles):
            annotations.append(
                {
                    "font": {"size": 13},
                    "showarrow": False,
                    "text": titles[index],
                    "x": x0 + width / 2,
                    "xanchor": "center",
                    "xref": "paper",
                    "y": y0 + height,
                    "yanchor": "bottom",
                    "yref": "paper",
                }
            )
    layout["annotations"] = annotations
    return layout


def rough_sleeping_figure(frame: pd.DataFrame) -> go.Figure:
    """Small multiples: each core city against Nottingham, the rest faint for context."""
    cities = ["Nottingham", *sorted(c for c in frame["area"].unique() if c != "Nottingham")]
    columns = 4
    rows = -(-len(cities) // columns)
    by_city = {city: group for city, group in frame.groupby("area")}
    traces = []
    for index, city in enumerate(cities):
        number = "" if index == 0 else str(index + 1)
        axes = {"xaxis": f"x{number}", "yaxis": f"y{number}"}
        others = [by_city[o] for o in cities if o not in (city, "Nottingham")]
        # all the faint context lines of a panel in one trace, broken by None: fewer traces
        traces.append(
            {
                "type": "scatter",
                "x": [v for o in others for v in [*o["year"], None]],
                "y": [v for o in others for v in [*o["value"], None]],
                "text": [v for o in others for v in [*o["area"], None]],
                "mode": "lines",
                "line": {"color": "#d0d0d0", "width": 1},
                "name": "Other core cities",
                "legendgroup": "others",
                "showlegend": index == 1,
                "hovertemplate": "%{text} %{x}: %{y:,.0f}<extra></extra>",
                **axes,
            }
        )
        if city != "Nottingham":
            data = by_city[city]
            traces.append(
                {
                    "type": "scatter",
                    "x": data["year"],
                    "y": data["value"],
                    "mode": "lines+markers",
                    "line": {"color": ORANGE, "width": 2, "dash": "dash"},
                    "marker": {"symbol": "square", "size": 5},
                    "name": "The city named above the panel",
                    "legendgroup": "city",
                    "showlegend": index == 1,
                    "hovertemplate": f"{city} %{{x}}: %{{y:,.0f}}<extra></extra>",
                    **axes,
                }
            )
        notts = by_city["Nottingham"]
        traces.append(
            {
                "type": "scatter",
                "x": notts["year"],
                "y": notts["value"],
                "mode": "lines+markers",
                "line": {"color": BLUE, "width": 3},
                "marker": {"size": 5},
                "name": "Nottingham",
                "legendgroup": "notts",
                "showlegend": index == 0,
                "hovertemplate": "Nottingham %{x}: %{y:,.0f}<extra></extra>",
                **axes,
            }
        )
    grid = _grid(rows, columns, cities, h_space=0.03, v_space=0.12)
    base = style.layout(
        LOOK,
        title="People sleeping rough on one autumn night",
        subtitle="Nottingham against each English core city, autumn of each year (counts)",
        x_title="",
        y_title="",
        height=560,
        legend={"y": -0.1},
        margin={"t": 115},
    )
    x_style = style.merged(base.pop("xaxis"), {"tickvals": [2010, 2014, 2018, 2022]})
    y_style = base.pop("yaxis")
    for name in [key for key in grid if key.startswith(("xaxis", "yaxis"))]:
        grid[name] = style.merged(x_style if name.startswith("x") else y_style, grid[name])
    for row in range(rows):  # the left-hand panel of each row names the unit
        name = "yaxis" if row == 0 else f"yaxis{row * columns + 1}"
        grid[name] = style.merged(grid[name], {"title": {"text": "People (count)"}})
    return style.figure(traces, {**base, **grid})


def city_map_figure(city: pd.DataFrame, seat: pd.DataFrame | None, *, seat_label: str) -> go.Figure:
    """Nottingham City Council's area filled, the chosen constituency outlined (BNG metres)."""
    xs, ys = outline_xy(city["geometry"].iloc[0])
    traces = [
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines",
            "fill": "toself",
            "fillcolor": "rgba(0, 114, 178, 0.18)",
            "line": {"color": BLUE, "width": 2},
            "name": "Nottingham City Council: what the figures cover",
            "hoverinfo": "skip",
        }
    ]
    if seat is not None and not seat.empty:
        xs, ys = outline_xy(seat["geometry"].iloc[0])
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "line": {"color": VERMILLION, "width": 3, "dash": "dash"},
                "name": seat_label,
                "hoverinfo": "skip",
            }
        )
    layout = style.layout(
        LOOK,
        title="The area the homelessness figures cover",
        x_title="",
        y_title="",
        height=420,
        legend={"y": -0.02},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1, "rangemode": "normal"},
    )
    return style.figure(traces, layout)


# --- map of councils coloured by the temporary accommodation rate --------------------------
TA_RATE = "households_in_temporary_accommodation_per_1000"
# Fixed, doubling bins so one colour means the same rate in both views (England was about 5.5
# per 1,000 at the end of 2025). ColorBrewer YlGnBu, 5 classes: sequential, colour-blind safe.
MAP_BREAKS = (1.0, 2.0, 4.0, 8.0)
MAP_COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
MAP_BIN_LABELS = ("Under 1", "1 to 2", "2 to 4", "4 to 8", "8 or more")  # lower bound included
HALO = "1px 1px 2px white, -1px -1px 2px white, 1px -1px 2px white, -1px 1px 2px white"
NO_FIGURE = "No figure"
NO_FIGURE_STYLE = {
    "fillcolor": "white",
    "fillpattern": {"shape": "/", "fgcolor": "#6b6b6b", "bgcolor": "white", "size": 6},
}
MAP_LINE = "#3a3a3a"
CONTEXT_LINE = "#c8c8c8"
SMALL_COUNCIL_M2 = 80e6  # below 80 km² a council's value goes beside the map, not on it


def map_bin(value) -> int | None:
    """Index of the colour bin for a rate; None when there is no figure (never bin 0)."""
    if value is None or pd.isna(value):
        return None
    return sum(value >= b for b in MAP_BREAKS)


def _code_lookup(observations: pd.DataFrame) -> dict[str, str]:
    """Older GSS code -> the council's current code, from the H-CLIC `current_area_code` column."""
    pairs = observations[["area_code", "current_area_code"]].drop_duplicates().astype(str)
    changed = pairs[pairs["area_code"] != pairs["current_area_code"]]
    return dict(zip(changed["area_code"], changed["current_area_code"], strict=True))


def _current_shapes(lads: pd.DataFrame, lookup: dict[str, str], wanted: set[str]) -> pd.DataFrame:
    """The ``wanted`` councils' shapes (BNG metres), by current code: a merged council is its
    old districts."""
    rows_of: dict[str, list[int]] = {}
    for row, code in enumerate(lads["code"]):
        current = lookup.get(code, code)
        if current in wanted:
            rows_of.setdefault(current, []).append(row)
    codes, names = lads["code"].to_numpy(), lads["name"].to_numpy()
    geometries = lads["geometry"].to_numpy()
    groups = []
    for current, rows in sorted(rows_of.items()):
        shape = geometries[rows[0]]
        if len(rows) > 1:  # close the hairline gaps left between simplified neighbours
            shape = shapely.union_all(geometries[rows]).buffer(60).buffer(-60)
        groups.append(
            {
                "current_code": current,
                "drawn_from": [(codes[r], names[r]) for r in rows],
                "geometry": shape,
            }
        )
    return pd.DataFrame(groups, columns=["current_code", "drawn_from", "geometry"])


def ta_map_frame(
    lads: pd.DataFrame, observations: pd.DataFrame, codes: list[str], day: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Councils of ``codes`` on ``day`` with their TA rate, national rank and a map shape.

    ``lads`` are the 2013 districts as the snapshot stores them (``code``, ``name``, shapely
    ``geometry`` in BNG metres). A council is drawn from the 2013 district with its code, else
    from the 2013 districts whose code maps to its current one in ``observations``
    (``current_area_code``). Returns the councils with a shape and a frame of those without one
    ("not on the map").
    """
    lad = (observations["measure"] == TA_RATE) & (observations["area_type"] == "lad")
    rates = observations.loc[lad, ["area_code", "current_area_code"]]
    # only the columns kept: each one filtered costs time on the Compare tab's first opening
    columns = ["area_code", "current_area_code", "area_name", "value", "status"]
    latest = observations.loc[lad & (observations["period_end"] == day), columns]
    for column in ("area_code", "current_area_code", "area_name"):
        latest[column] = latest[column].astype(str)
    chosen = latest[latest["current_area_code"].isin(codes) | latest["area_code"].isin(codes)]
    chosen = chosen.drop_duplicates("current_area_code")
    national = latest.loc[latest["value"].notna(), "value"].to_numpy()
    # rank 1 = the highest rate among English councils with a figure that day (as elsewhere)
    chosen["rank"] = [
        pd.NA if pd.isna(v) else int((national > v).sum()) + 1 for v in chosen["value"]
    ]
    chosen["of"] = len(national)
    chosen["area"] = [
        t.area_label(c, n)
        for c, n in zip(chosen["current_area_code"], chosen["area_name"], strict=True)
    ]
    wanted = set(chosen["current_area_code"])
    shapes = _current_shapes(lads, _code_lookup(rates), wanted).set_index("current_code")
    keep = ["area", "area_code", "current_area_code", "value", "rank", "of", "status"]
    out = chosen[keep].join(shapes, on="current_area_code")
    missing = out[out["geometry"].isna()]
    on_map = out[out["geometry"].notna()].reset_index(drop=True)
    on_map["bin"] = pd.array([map_bin(v) for v in on_map["value"]], dtype="Int64")
    # the largest first, so a council enclosed by another is drawn on top of it
    order = np.argsort(shapely.area(on_map["geometry"].to_numpy()))[::-1]
    on_map = on_map.iloc[order].reset_index(drop=True)
    return on_map, missing[keep].reset_index(drop=True)


def _callouts(
    frame: pd.DataFrame, xs: np.ndarray, ys: np.ndarray, view
) -> tuple[list[dict], set[str]]:
    """Name and value in a column left or right of the map, with a leader line to the council
    (at ``xs``, ``ys``): for small councils, whose shapes a label would hide. Returns the
    annotations and the sides used.
    """
    height = view[3] - view[1]
    gap = height * 0.055  # about two lines of text at the map's height
    middle = np.median(xs)
    sides, annotations = set(), []
    for side, chosen in (("left", xs <= middle), ("right", xs > middle)):
        if chosen.any():
            sides.add(side)
        rows = np.flatnonzero(chosen)
        rows = rows[np.argsort(-ys[rows], kind="stable")]  # north first
        edge = view[0] - height * 0.05 if side == "left" else view[2] + height * 0.05
        last = None
        for index in rows:
            x, y = float(xs[index]), float(ys[index])
            label_y = y if last is None else min(y, last - gap)
            last = label_y
            row = frame.iloc[index]
            name = "<b>Nottingham</b>" if row["current_area_code"] == t.NOTTINGHAM else row["area"]
            annotations.append(
                {
                    "x": x,
                    "y": y,
                    "ax": edge,
                    "ay": label_y,
                    "axref": "x",
                    "ayref": "y",
                    "text": f"{name}: <b>{_rate_text(row['value'])}</b>",
                    "xanchor": "right" if side == "left" else "left",
                    "showarrow": True,
                    "arrowhead": 0,
                    "arrowwidth": 1,
                    "arrowcolor": MAP_LINE,
                    "font": {"size": 13, "color": BLACK},
                    "bgcolor": "rgba(255, 255, 255, 0.9)",
                }
            )
    return annotations, sides


def _map_xy(geometries, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Exterior rings at about a pixel's detail, in whole metres, each followed by NaN (plotly
    draws a gap there, and ``fill="toself"`` closes each ring on its own): float32 holds whole
    metres exactly, and plotly sends it as a typed array, not a long list of numbers.

    Each ring is simplified on its own as a line, without GEOS's topology checks (about eight
    times faster, and a pixel's detail cannot show a crossing); a ring that collapses at that
    detail (an island under a pixel) is kept as it is rather than lost."""
    rings = shapely.get_exterior_ring(shapely.get_parts(np.asarray(geometries, dtype=object)))
    rings = rings[~shapely.is_empty(rings)]
    if not len(rings):
        return np.array([], dtype=np.float32), np.array([], dtype=np.float32)
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    lines = shapely.linestrings(coords, indices=ring)
    lines = shapely.simplify(lines, tolerance, preserve_topology=False)
    collapsed = shapely.get_num_coordinates(lines) < 4
    lines[collapsed] = rings[collapsed]
    coords, ring = shapely.get_coordinates(lines, return_index=True)
    xy = np.full((len(coords) + len(lines), 2), np.nan)
    xy[np.arange(len(coords)) + ring] = coords  # ring i moves down i rows: a NaN row after each
    xy = np.round(xy).astype(np.float32)
    return xy[:, 0], xy[:, 1]


def _rate_text(value) -> str:
    return "no figure" if pd.isna(value) else f"{value:.2f}"


def _depths(geometries: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """How many other councils' outer rings enclose each council's point (``xs``, ``ys``).
    Fills cover holes, so an enclave must be drawn after the council around it."""
    parts, owner = shapely.get_parts(geometries, return_index=True)
    outer = shapely.polygons(shapely.get_exterior_ring(parts))
    inside = shapely.contains_xy(outer[:, None], xs[None, :], ys[None, :])
    inside[owner[:, None] == np.arange(len(xs))[None, :]] = False  # not its own outer ring
    encloses = np.zeros((len(xs), len(xs)), dtype=bool)
    np.logical_or.at(encloses, owner, inside)
    return encloses.sum(axis=0)


def _fill_trace(xs, ys, *, name: str, group: str, pen: dict, line: dict) -> dict:
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "fill": "toself",
        "line": line,
        "name": name,
        "legendgroup": group,
        # inside a fill, plotly names the trace: the colour band, as the legend does
        "hoveron": "fills",
        **pen,
    }


def ta_map_figure(
    frame: pd.DataFrame,
    lads: pd.DataFrame,
    *,
    day_label: str,
    group_label: str,
    england_rate: float | None = None,
    named: bool = False,
) -> go.Figure:
    """Councils filled by binned TA rate (BNG metres); no figure = hatched, never the 0 colour.

    ``frame`` comes from :func:`ta_map_frame`; ``lads`` (2013 districts, BNG metres) give the
    faint context outlines around the chosen councils. ``named`` labels each council with its
    name too.

    One filled trace per colour band (its councils' rings broken by NaN), Nottingham's own with
    its heavier outline, and one invisible point per council for the hover: a handful of traces
    whatever the number of councils, as one trace per council made the figure slow to build.
    """
    geometries = frame["geometry"].to_numpy()
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    pad = max(maxx - minx, maxy - miny) * 0.06
    view = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    # the councils not compared, in faint outline; the compared ones' own districts would be
    # hidden under their fills, so they are not sent
    drawn = {code for sources in frame["drawn_from"] for code, _ in sources}
    others = lads["geometry"].to_numpy()
    near = ~lads["code"].isin(drawn).to_numpy() & shapely.intersects(others, shapely.box(*view))
    tolerance = max(view[2] - view[0], view[3] - view[1]) / 1500  # about a pixel
    xs, ys = _map_xy(others[near], tolerance)
    traces = [
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines",
            "line": {"color": CONTEXT_LINE, "width": 0.7},
            "name": "Other councils (not compared)",
            "showlegend": False,
            "hoverinfo": "skip",
        }
    ]
    points = shapely.point_on_surface(geometries)
    px, py = shapely.get_x(points), shapely.get_y(points)
    is_notts = (frame["current_area_code"] == t.NOTTINGHAM).to_numpy()
    # (label, pen, legend group) of each colour band, then of "no figure": hatched, last
    bands = [
        (label, {"fillcolor": colour}, f"bin{i}")
        for i, (label, colour) in enumerate(zip(MAP_BIN_LABELS, MAP_COLOURS, strict=True))
    ]
    bands.append((NO_FIGURE, NO_FIGURE_STYLE, "none"))
    band = [len(bands) - 1 if pd.isna(b) else int(b) for b in frame["bin"]]
    # enclaves after the councils around them; within a layer fills do not overlap, and
    # Nottingham comes last so its heavy outline is not half covered by a neighbour's fill
    layers = pd.DataFrame(
        {"depth": _depths(geometries, px, py), "notts": is_notts, "band": band}
    ).groupby(["depth", "notts", "band"], sort=True)
    for (_, notts, index), rows in layers:
        xs, ys = _map_xy(geometries[rows.index], tolerance / 2)
        name, pen, group = bands[index]
        line = {"color": BLACK if notts else MAP_LINE, "width": 2.5 if notts else 1}
        trace = _fill_trace(xs, ys, name=name, group=group, pen=pen, line=line)
        traces.append({**trace, "showlegend": False})
    # the legend shows every band, in order, even when no council falls in it; "no figure"
    # only when a council has none
    line = {"color": MAP_LINE, "width": 1}
    traces += [
        _fill_trace([None], [None], name=name, group=group, pen=pen, line=line)
        for name, pen, group in (bands if band.count(len(bands) - 1) else bands[:-1])
    ]
    # the council's name, code, rate and rank on hover, from a point inside it
    ranks = [
        f"<br>rank {r} of {o} in England" if pd.notna(r) else ""
        for r, o in zip(frame["rank"], frame["of"], strict=True)
    ]
    traces.append(
        {
            "type": "scatter",
            "x": px,
            "y": py,
            "mode": "markers",
            "marker": {"size": 14, "color": "rgba(0, 0, 0, 0)"},
            "customdata": np.column_stack(
                [
                    frame["area"],
                    frame["current_area_code"],
                    [_rate_text(v) for v in frame["value"]],
                    ranks,
                ]
            ),
            "hovertemplate": "<b>%{customdata[0]}</b> (%{customdata[1]})<br>"
            "%{customdata[2]} per 1,000 households%{customdata[3]}<extra></extra>",
            "hoverlabel": {"bgcolor": np.where(is_notts, BLACK, MAP_LINE)},
            "showlegend": False,
        }
    )
    # named: every council beside the map; else only the small ones and Nottingham, whose
    # centred label would cover the council and its neighbours
    beside = (
        np.ones(len(frame), dtype=bool)
        if named
        else (shapely.area(geometries) < SMALL_COUNCIL_M2) | is_notts
    )
    annotations, sides = (
        _callouts(frame[beside], px[beside], py[beside], view) if beside.any() else ([], set())
    )
    traces.append(
        {
            "type": "scatter",
            "x": px[~beside],
            "y": py[~beside],
            "mode": "text",
            "text": [_rate_text(v) for v in frame.loc[~beside, "value"]],
            "textfont": {"size": 12, "color": BLACK, "shadow": HALO},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    subtitle = f"{group_label}, {day_label}"
    if england_rate is not None and pd.notna(england_rate):
        subtitle += f" (England {england_rate:.2f})"
    room = (view[3] - view[1]) * 0.42  # for the label columns
    layout = style.layout(
        LOOK,
        title="Households in temporary accommodation per 1,000 households",
        subtitle=subtitle,
        x_title="",
        y_title="",
        height=640,
        xaxis={
            "visible": False,
            "range": [view[0] - room * ("left" in sides), view[2] + room * ("right" in sides)],
        },
        yaxis={
            "visible": False,
            "range": [view[1], view[3]],
            "scaleanchor": "x",
            "scaleratio": 1,
            "rangemode": "normal",
        },
        # below the map, so the map and its label columns keep the width of a narrow column
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top", "font": {"size": 13}},
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
        dragmode="pan",
        annotations=annotations,
    )
    return style.figure(traces, layout)


def ta_map_table(frame: pd.DataFrame, not_on_map: pd.DataFrame) -> pd.DataFrame:
    """Council, rate, rank in England and code, highest rate first; no figure last."""
    rows = pd.concat([pd.DataFrame(frame.drop(columns="geometry")), not_on_map], ignore_index=True)
    rows = rows.sort_values(["value", "area"], ascending=[False, True], na_position="last")
    of = rows["of"].dropna()
    rank_header = f"Rank (of {int(of.iloc[0])})" if not of.empty else "Rank"
    # the rate and rank first: in a narrow column the code is the one left to scroll to
    out = pd.DataFrame(
        {
            "Council": rows["area"],
            "Per 1,000": rows["value"].astype(float).round(2),
            rank_header: [str(int(r)) if pd.notna(r) else "no figure" for r in rows["rank"]],
            "Code": rows["current_area_code"],
        }
    )
    return out.reset_index(drop=True)


def ta_map_notes(frame: pd.DataFrame, not_on_map: pd.DataFrame) -> list[str]:
    """Plain sentences: councils drawn from older districts, councils not on the map."""
    notes = []
    for row in frame.itertuples():
        sources = [code for code, _ in row.drawn_from]
        if sources == [row.current_area_code]:
            continue
        if len(sources) == 1:
            notes.append(
                f"{row.area} ({row.current_area_code}) is drawn on its 2013 boundary, "
                f"code {sources[0]}."
            )
        else:
            names = ", ".join(name for _, name in row.drawn_from)
            notes.append(
                f"{row.area} ({row.current_area_code}) is drawn as its {len(sources)} former "
                f"districts of 2013 ({names})."
            )
    if not not_on_map.empty:
        listed = ", ".join(
            f"{a} ({c}, {_rate_text(v)})"
            for a, c, v in zip(
                not_on_map["area"],
                not_on_map["current_area_code"],
                not_on_map["value"],
                strict=True,
            )
        )
        notes.append(f"Not on the map (no 2013 boundary matches its code): {listed}.")
    return notes


def ta_map_summary(
    frame: pd.DataFrame, not_on_map: pd.DataFrame, *, day_label: str, england_rate
) -> str:
    """One sentence: how many councils shown are above England, the highest, and Nottingham."""
    rows = pd.concat([pd.DataFrame(frame.drop(columns="geometry")), not_on_map])
    present = rows[rows["value"].notna()].sort_values("value", ascending=False)
    if present.empty:
        return f"No council shown has a temporary accommodation rate on {day_label}."
    top = present.iloc[0]
    text = (
        f"On {day_label}, the highest rate shown was {top['area']}'s ({top['value']:.2f} per 1,000)"
    )
    if pd.notna(england_rate):
        above = int((present["value"] > england_rate).sum())
        verb = "was" if above == 1 else "were"
        text += f"; {above} of the {len(present)} councils with a figure {verb} above England's "
        text += f"{england_rate:.2f}"
    notts = present[present["current_area_code"] == t.NOTTINGHAM]
    if not notts.empty:
        position = list(present["current_area_code"]).index(t.NOTTINGHAM) + 1
        text += (
            f". Nottingham: **{notts['value'].iloc[0]:.2f}**, {t._ordinal(position)} highest of "
            f"the {len(present)}"
        )
    missing = rows[rows["value"].isna()]
    if not missing.empty:
        text += f". No figure for {', '.join(missing['area'])} (hatched, not zero)"
    return text + "."
