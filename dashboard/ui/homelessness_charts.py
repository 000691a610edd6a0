"""Homelessness page figures: pure functions of tidy frames -> plotly figures (no streamlit)."""

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.geography import outline_xy
from dashboard.ui import homelessness_tables as t

BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, BLACK, GREY = "#CC79A7", "#56B4E9", "#000000", "#9a9a9a"
GAP_FILL = "rgba(120, 120, 120, 0.15)"
FONT = {"size": 14}
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


def _layout(
    figure: go.Figure,
    *,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 440,
    subtitle: str = "",
):
    figure.update_layout(
        title={
            "text": title,
            "font": {"size": 16},
            "subtitle": {"text": subtitle, "font": {"size": 13, "color": "#444"}},
        },
        font=FONT,
        height=height,
        margin={"l": 60, "r": 20, "t": 90 if subtitle else 70, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        hovermode="closest",
        plot_bgcolor="white",
    )
    figure.update_xaxes(title_text=x_title, showgrid=False, linecolor="#444")
    figure.update_yaxes(title_text=y_title, gridcolor="#e5e5e5", rangemode="tozero", zeroline=True)
    return figure


def _gap_bands(figure: go.Figure, gaps: list[pd.Timestamp]) -> None:
    # one layout update for all bands: add_vrect per band is slow with many quarters
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
    figure.update_layout(shapes=bands)
    if gaps:
        figure.add_annotation(
            text=f"Grey bands: {len(gaps)} quarter{'s' if len(gaps) > 1 else ''} with no figure "
            "for Nottingham (why: see the table's notes)",
            xref="paper",
            yref="paper",
            x=0,
            y=1.0,
            yanchor="bottom",
            showarrow=False,
            font={"size": 12, "color": "#444"},
            align="left",
        )


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
    figure = go.Figure()
    number = f"%{{y:,.{decimals}f}}"
    for index, (name, rows) in enumerate(frame.groupby(series, sort=False)):
        colour, dash, symbol = STYLES[index % len(STYLES)]
        figure.add_trace(
            go.Scatter(
                x=rows["period_end"],
                y=rows["value"],
                name=str(name),
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 3 if index == 0 else 2},
                marker={"symbol": symbol, "size": 7, "color": colour},
                connectgaps=False,
                customdata=rows[["quarter"]].to_numpy(),
                hovertemplate=f"{name}<br>%{{customdata[0]}}: {number}<extra></extra>",
            )
        )
        derived = rows[rows["status"].map(t.is_derived) & rows["value"].notna()]
        if not derived.empty:
            figure.add_trace(
                go.Scatter(
                    x=derived["period_end"],
                    y=derived["value"],
                    name="Filled from a derived CSV, not an official workbook",
                    legendgroup="derived",
                    showlegend="derived" not in {trace.legendgroup for trace in figure.data},
                    mode="markers",
                    marker={
                        "symbol": "circle-open",
                        "size": 14,
                        "color": BLACK,
                        "line": {"width": 2},
                    },
                    customdata=derived[["quarter"]].to_numpy(),
                    hovertemplate=f"{name}<br>%{{customdata[0]}}: {number}"
                    "<br>derived CSV, not an official workbook<extra></extra>",
                )
            )
    first = frame[series].iloc[0] if not frame.empty else None
    lead = frame[frame[series] == first]
    _gap_bands(figure, list(lead.loc[lead["value"].isna(), "period_end"]))
    return _layout(
        figure,
        title=title,
        subtitle=subtitle,
        x_title="Quarter (plotted at its last day)",
        y_title=y_title,
    )


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


def shares_figure(table: pd.DataFrame, *, title: str, span: str) -> go.Figure:
    """Horizontal bars: Nottingham's and England's shares by category, largest at the top."""
    ordered = table.iloc[::-1]
    figure = go.Figure()
    for area, colour, pattern in (("England", ORANGE, "/"), ("Nottingham", BLUE, "")):
        values = ordered[f"{area} share (%)"]
        figure.add_trace(
            go.Bar(
                y=ordered["Category"],
                x=values,
                orientation="h",
                name=area,
                marker={"color": colour, "pattern": {"shape": pattern}},
                text=[f"{v:.0f}%" if pd.notna(v) else "" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{area}: %{{x:.1f}}%<extra>%{{y}}</extra>",
            )
        )
    _layout(
        figure,
        title=title,
        subtitle=f"Nottingham and England, {span}",
        x_title="Share of households owed a duty (%)",
        y_title="",
        height=max(360, 60 + 46 * len(table)),
    )
    figure.update_layout(
        barmode="group",
        margin={"l": 10},
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
    )
    figure.update_yaxes(automargin=True, gridcolor=None)
    figure.update_xaxes(range=[0, max(5.0, float(table.filter(like="share").max().max())) * 1.2])
    return figure


def ta_types_figure(frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for name, rows in frame.groupby("type", sort=False):
        colour, pattern = TA_TYPE_STYLE.get(name, (GREY, ""))
        figure.add_trace(
            go.Bar(
                x=rows["period_end"],
                y=rows["value"],
                name=name,
                marker={
                    "color": colour,
                    "pattern": {
                        "shape": pattern,
                        "bgcolor": colour,
                        "fgcolor": "white",
                        "fgopacity": 0.8,
                        "size": 7,
                    },
                },
                customdata=rows[["quarter"]].to_numpy(),
                hovertemplate=f"{name}<br>%{{customdata[0]}}: %{{y:,.0f}}<extra></extra>",
            )
        )
    totals = frame.groupby("period_end")["value"].sum(min_count=1)
    _gap_bands(figure, list(totals[totals.isna()].index))
    _layout(
        figure,
        title="Temporary accommodation by type",
        subtitle="Nottingham households placed, on the last day of each quarter",
        x_title="Last day of the quarter",
        y_title="Households",
        height=500,
    )
    figure.update_layout(barmode="stack", bargap=0.15, legend={"y": -0.2})
    return figure


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
    figure = go.Figure(
        go.Bar(
            y=names,
            x=frame["value"],
            orientation="h",
            marker={"color": colours, "pattern": {"shape": patterns}},
            text=[f"{v:.2f}" for v in frame["value"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.2f} per 1,000 households<extra></extra>",
            showlegend=False,
        )
    )
    _layout(
        figure,
        title="Households in temporary accommodation per 1,000",
        subtitle=f"{group_label} and England, {day_label}",
        x_title="Households in temporary accommodation per 1,000 households",
        y_title="",
        height=max(360, 90 + 24 * len(frame)),
    )
    figure.update_yaxes(automargin=True, gridcolor=None)
    figure.update_xaxes(range=[0, float(frame["value"].max()) * 1.15])
    figure.update_layout(margin={"l": 10})
    return figure


def rough_sleeping_figure(frame: pd.DataFrame) -> go.Figure:
    """Small multiples: each core city against Nottingham, the rest faint for context."""
    cities = ["Nottingham", *sorted(c for c in frame["area"].unique() if c != "Nottingham")]
    columns = 4
    rows = -(-len(cities) // columns)
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=cities,
        shared_yaxes=True,
        shared_xaxes=True,
        horizontal_spacing=0.03,
        vertical_spacing=0.12,
    )
    by_city = {city: group for city, group in frame.groupby("area")}
    for index, city in enumerate(cities):
        row, col = index // columns + 1, index % columns + 1
        others = [by_city[o] for o in cities if o not in (city, "Nottingham")]
        # all the faint context lines of a panel in one trace, broken by None: fewer traces
        xs = [v for o in others for v in [*o["year"], None]]
        ys = [v for o in others for v in [*o["value"], None]]
        names = [v for o in others for v in [*o["area"], None]]
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                text=names,
                mode="lines",
                line={"color": "#d0d0d0", "width": 1},
                name="Other core cities",
                legendgroup="others",
                showlegend=index == 1,
                hovertemplate="%{text} %{x}: %{y:,.0f}<extra></extra>",
            ),
            row=row,
            col=col,
        )
        if city != "Nottingham":
            data = by_city[city]
            figure.add_trace(
                go.Scatter(
                    x=data["year"],
                    y=data["value"],
                    mode="lines+markers",
                    line={"color": ORANGE, "width": 2, "dash": "dash"},
                    marker={"symbol": "square", "size": 5},
                    name="The city named above the panel",
                    legendgroup="city",
                    showlegend=index == 1,
                    hovertemplate=f"{city} %{{x}}: %{{y:,.0f}}<extra></extra>",
                ),
                row=row,
                col=col,
            )
        notts = by_city["Nottingham"]
        figure.add_trace(
            go.Scatter(
                x=notts["year"],
                y=notts["value"],
                mode="lines+markers",
                line={"color": BLUE, "width": 3},
                marker={"size": 5},
                name="Nottingham",
                legendgroup="notts",
                showlegend=index == 0,
                hovertemplate="Nottingham %{x}: %{y:,.0f}<extra></extra>",
            ),
            row=row,
            col=col,
        )
    _layout(
        figure,
        title="People sleeping rough on one autumn night",
        subtitle="Nottingham against each English core city, autumn of each year (counts)",
        x_title="",
        y_title="",
        height=560,
    )
    figure.update_layout(legend={"y": -0.1}, margin={"t": 115})
    figure.update_yaxes(title_text="People (count)", col=1)
    figure.update_xaxes(tickvals=[2010, 2014, 2018, 2022])
    figure.update_annotations(font={"size": 13})
    return figure


def city_map_figure(city, seat, *, seat_label: str) -> go.Figure:
    """Nottingham City Council's area filled, the chosen constituency outlined (BNG metres)."""
    figure = go.Figure()
    xs, ys = outline_xy(city.geometry.iloc[0])
    figure.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor="rgba(0, 114, 178, 0.18)",
            line={"color": BLUE, "width": 2},
            name="Nottingham City Council: what the figures cover",
            hoverinfo="skip",
        )
    )
    if seat is not None and not seat.empty:
        xs, ys = outline_xy(seat.geometry.iloc[0])
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": VERMILLION, "width": 3, "dash": "dash"},
                name=seat_label,
                hoverinfo="skip",
            )
        )
    _layout(
        figure, title="The area the homelessness figures cover", x_title="", y_title="", height=420
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x", scaleratio=1, rangemode="normal")
    figure.update_layout(legend={"y": -0.02})
    return figure
