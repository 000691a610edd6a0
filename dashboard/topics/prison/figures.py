"""HMP Nottingham page: pure plotly figures (tidy frames in, figure out; no streamlit)."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.topics.prison import model as pdata
from dashboard.ui import style
from dashboard.ui.style import BLACK, BLUE, GREEN, ORANGE, PALE_GREY, PURPLE, SKY, VERMILLION

# Drawn in this order: baseline CNA first, so in-use CNA (equal to it until 2018) shows on top.
CAPACITY_STYLE = {
    "baseline_cna": {"color": PURPLE, "dash": "dashdot", "width": 1.5, "symbol": "x", "size": 4},
    "in_use_cna": {"color": BLUE, "dash": "dot", "width": 2.5, "symbol": "square", "size": 6},
    "operational_capacity": {
        "color": ORANGE,
        "dash": "dash",
        "width": 2,
        "symbol": "triangle-up",
        "size": 6,
    },
    "population": {"color": BLACK, "dash": "solid", "width": 3, "symbol": "circle", "size": 6},
}
GROUP_STYLE = {
    pdata.GROUP_NOTTINGHAM: {"color": VERMILLION, "pattern": ""},
    pdata.GROUP_COMPARATOR: {"color": BLUE, "pattern": "/"},
    pdata.GROUP_OTHER: {"color": PALE_GREY, "pattern": ""},
}
SCORE_COLOURS = {1: VERMILLION, 2: ORANGE, 3: SKY, 4: GREEN}
LABEL_LEVELS = (0.99, 0.91, 0.83)


AXIS = {"showline": True, "linecolor": "#444", "gridcolor": "#e6e6e6"}
NOTE_BACKGROUND = "rgba(255,255,255,0.85)"
# The page's look: style.layout merges each chart's own settings over it.
LOOK = {
    "title": {"font": {"size": 16}},
    "height": 480,
    "hoverlabel": {"font": {"size": 13}},
    "margin": {"l": 60, "r": 20, "t": 85, "b": 60},
    "legend": {"orientation": "h", "yanchor": "top", "x": 0},
}


def _axis(title: str = "", **settings) -> dict:
    return {**AXIS, "title": {"text": title}, **settings}


def _reference_line(y: float, dash: str, text: str = "", where: str = "top right"):
    """A horizontal line across the plot and its label: add_hline's shape and note, built as
    plain dicts (add_hline costs ~16 ms a call)."""
    line = {
        "type": "line",
        "xref": "x domain",
        "x0": 0,
        "x1": 1,
        "y0": y,
        "y1": y,
        "line": {"color": BLACK, "dash": dash, "width": 1.5},
    }
    if not text:
        return line, None
    note = {
        "xref": "x domain",
        "x": 1,
        "y": y,
        "text": text,
        "showarrow": False,
        "xanchor": "right",
        "yanchor": "bottom" if where.startswith("top") else "top",
        "font": {"size": 12},
        "bgcolor": NOTE_BACKGROUND,
    }
    return line, note


def _chart_label(event) -> str:
    """Short, two- or three-line labels: year-only events are shaded bands, so no month is given."""
    if event.kind == "urgent_notification":
        return f"Urgent<br>Notification<br>{event.start.strftime('%-d %b %Y')}"
    name = "Follow-up" if event.kind == "follow_up" else "Inspection"
    if event.year_only:
        return f"{name}<br>{event.start.year}"
    return event.label.replace(", ", "<br>", 1)


def _event_marks(events: pd.DataFrame, x_start, x_end) -> tuple[list[dict], list[dict]]:
    """Inspections as dotted lines (or shaded years when the month is not stated), the Urgent
    Notification as a thick vermillion line, each labelled at one of three heights."""
    shown = events[(events["end"] >= x_start) & (events["start"] <= x_end)]
    shapes, notes = [], []
    for index, event in enumerate(shown.itertuples()):
        urgent = event.kind == "urgent_notification"
        if event.year_only:
            x0, x1 = max(event.start, x_start), min(event.end, x_end)
            shapes.append(
                {
                    "type": "rect",
                    "x0": x0,
                    "x1": x1,
                    "y0": 0,
                    "y1": 1,
                    "yref": "paper",
                    "fillcolor": "rgba(0, 0, 0, 0.06)",
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
            at = x0 + (x1 - x0) / 2
        else:
            at = event.start + (event.end - event.start) / 2
            shapes.append(
                {
                    "type": "line",
                    "x0": at,
                    "x1": at,
                    "y0": 0,
                    "y1": 1,
                    "yref": "paper",
                    "line": {
                        "color": VERMILLION if urgent else "#333333",
                        "width": 3 if urgent else 1.5,
                        "dash": "solid" if urgent else "dot",
                    },
                }
            )
        notes.append(
            {
                "x": at,
                "y": LABEL_LEVELS[index % len(LABEL_LEVELS)],
                "yref": "paper",
                "text": _chart_label(event),
                "showarrow": False,
                "font": {"size": 11, "color": VERMILLION if urgent else "#222"},
                "bgcolor": NOTE_BACKGROUND,
                "xanchor": "center",
                "yanchor": "top",
            }
        )
    return shapes, notes


def population_chart(series: pd.DataFrame, events: pd.DataFrame, first: int, last: int):
    """Population against operational capacity and CNA, monthly, gaps kept, events marked."""
    traces = [
        {
            "type": "scatter",
            "x": series["date"],
            "y": series[measure],
            "mode": "lines+markers",
            "name": pdata.CAPACITY_MEASURES[measure],
            "line": {"color": pen["color"], "dash": pen["dash"], "width": pen["width"]},
            "marker": {"symbol": pen["symbol"], "size": pen["size"], "color": pen["color"]},
            "connectgaps": False,
            "hovertemplate": f"{pdata.CAPACITY_MEASURES[measure]}: %{{y:,.0f}}<br>"
            "%{x|%-d %b %Y}<extra></extra>",
        }
        for measure, pen in CAPACITY_STYLE.items()
    ]
    x_start = pd.Timestamp(year=first, month=1, day=1)
    x_end = pd.Timestamp(year=last, month=12, day=31)
    held = series["date"].dropna()
    if not events.empty and not held.empty and first <= held.min().year:
        # Show inspections just before the first figure too (HMP Nottingham: 2010).
        x_start = min(x_start, events["start"].min())
    shapes, notes = _event_marks(events, x_start, x_end)
    gap = pdata.between_sources_gap(pdata.filter_years(series, first, last))
    if gap is not None:
        notes.append(
            {
                "x": gap[0] + (gap[1] - gap[0]) / 2,
                "y": 0.35,
                "yref": "paper",
                "text": "No figures<br>in our sources<br>"
                f"{gap[0].strftime('%b %Y')}-<br>{gap[1].strftime('%b %Y')}",
                "showarrow": False,
                "font": {"size": 11, "color": "#444"},
            }
        )
    top = series[list(CAPACITY_STYLE)].max().max()
    return style.figure(
        traces,
        style.layout(
            LOOK,
            "HMP Nottingham: population and capacity<br>"
            "<sup>inspections and the Urgent Notification marked</sup>",
            height=540,
            xaxis=_axis("Bulletin date", range=[x_start, x_end]),
            yaxis=_axis(
                "Prisoners or places (count)",
                range=[0, (top if pd.notna(top) else 1000) * 1.45],
                tickformat=",",
            ),
            legend={"y": -0.15},
            hovermode="x unified",
            shapes=shapes,
            annotations=notes,
        ),
    )


def national_population_chart(series: pd.DataFrame) -> go.Figure:
    styles = {
        "Monthly bulletin total": {"color": BLUE, "dash": "solid", "symbol": "circle"},
        "Weekly population figures": {"color": BLACK, "dash": "dot", "symbol": None},
    }
    traces = []
    for label, rows in series.groupby("series", sort=False):
        series_style = styles.get(label, {"color": PALE_GREY, "dash": "solid", "symbol": None})
        traces.append(
            {
                "type": "scatter",
                "x": rows["date"],
                "y": rows["population"],
                "name": label,
                "mode": "lines+markers" if series_style["symbol"] else "lines",
                "line": {"color": series_style["color"], "dash": series_style["dash"], "width": 2},
                "marker": {"symbol": series_style["symbol"] or "circle", "size": 5},
                "connectgaps": False,
                "hovertemplate": f"{label}: %{{y:,.0f}}<br>%{{x|%-d %b %Y}}<extra></extra>",
            }
        )
    return style.figure(
        traces,
        style.layout(
            LOOK,
            "England and Wales: prison population",
            height=400,
            xaxis=_axis("Date"),
            yaxis=_axis("Prisoners (count)", tickformat=","),
            legend={"y": -0.2},
        ),
    )


def _legend_square(name: str, colour: str) -> dict:
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "marker": {"symbol": "square", "size": 14, "color": colour},
        "name": name,
    }


def judgement_grid_chart(grid: pd.DataFrame) -> go.Figure:
    """Inspections down, healthy prison tests across; every cell says its judgement in words."""
    inspections = list(dict.fromkeys(grid["inspection"]))
    tests = list(pdata.TESTS.values())
    wide = grid.pivot(index="inspection", columns="test", values="score").reindex(
        index=inspections, columns=tests
    )
    text = grid.pivot(index="inspection", columns="test", values="short").reindex(
        index=inspections, columns=tests
    )
    x_labels = [
        t.replace(" and ", "<br>and ")
        .replace(" planning", "<br>planning")
        .replace(" activity", "<br>activity")
        for t in tests
    ]
    scale = []
    for score in range(1, 5):
        low, high = (score - 1) / 4, score / 4
        scale += [[low, SCORE_COLOURS[score]], [high, SCORE_COLOURS[score]]]
    missing = wide.isna().to_numpy()
    cells = {"x": x_labels, "y": inspections, "xgap": 3, "ygap": 3, "hoverinfo": "skip"}
    traces = [
        {
            "type": "heatmap",
            "z": wide.to_numpy(dtype=float),
            "zmin": 0.5,
            "zmax": 4.5,
            "colorscale": scale,
            "showscale": False,
            "opacity": 0.6,
            **cells,
        },
        {
            "type": "heatmap",
            "z": [[1.0 if m else None for m in row] for row in missing],
            "colorscale": [[0, "#E4E4E4"], [1, "#E4E4E4"]],
            "showscale": False,
            **cells,
        },
        *(
            _legend_square(f"{pdata.SCORE_LABELS[score]} ({score})", SCORE_COLOURS[score])
            for score in (4, 3, 2, 1)
        ),
        _legend_square("No grade in our sources", "#E4E4E4"),
    ]
    notes = [
        {
            "x": x_labels[column_index],
            "y": inspection,
            "text": str(text.iloc[row_index, column_index]).replace(" ", "<br>", 1),
            "showarrow": False,
            "font": {"size": 10.5, "color": "#111"},
        }
        for row_index, inspection in enumerate(inspections)
        for column_index in range(len(tests))
    ]
    return style.figure(
        traces,
        style.layout(
            LOOK,
            "HMIP judgements on HMP Nottingham",
            height=140 + 52 * len(inspections),
            xaxis=_axis(
                side="top", showgrid=False, showline=False, tickfont={"size": 11}, tickangle=0
            ),
            # Row names such as "2010" or "Sep 2014" would otherwise turn the axis into dates.
            yaxis=_axis(
                type="category",
                autorange="reversed",
                showgrid=False,
                showline=False,
                tickfont={"size": 11},
            ),
            legend={"y": -0.02},
            margin={"l": 10, "r": 10, "t": 120, "b": 70},
            annotations=notes,
        ),
    )


def _yearly_lines(
    series: pd.DataFrame,
    styles: dict[str, tuple],
    names: dict[str, str],
    value_hover: str,
    customdata: str | None = None,
) -> list[dict]:
    """One line a measure over ``year``, styled (colour, dash, marker, width) by ``styles``;
    a missing year is a gap."""
    traces = []
    for measure, rows in series.groupby("measure", sort=False):
        colour, dash, symbol, width = styles[measure]
        trace = {
            "type": "scatter",
            "x": rows["year"],
            "y": rows["value"],
            "name": names[measure],
            "mode": "lines+markers",
            "line": {"color": colour, "dash": dash, "width": width},
            "marker": {"symbol": symbol, "size": 7},
            "connectgaps": False,
            "hovertemplate": f"%{{x}}: {value_hover}<extra>{names[measure]}</extra>",
        }
        if customdata:
            trace["customdata"] = rows[[customdata]].fillna("").to_numpy()
        traces.append(trace)
    return traces


def standards_chart(series: pd.DataFrame) -> go.Figure:
    styles = {
        "pct_prisons_good_safety": (VERMILLION, "solid", "circle", 2.5),
        "pct_prisons_good_respect": (BLUE, "dash", "square", 2),
        "pct_prisons_good_purposeful_activity": (GREEN, "dot", "diamond", 2),
        "pct_prisons_good_rehabilitation_release": (PURPLE, "dashdot", "triangle-up", 2),
    }
    traces = _yearly_lines(series, styles, pdata.STANDARDS_MEASURES, "%{y:.0f}%")
    notes = [
        {
            "x": year,
            "y": 92,
            "text": f"No figure<br>{year}",
            "showarrow": False,
            "font": {"size": 11},
        }
        for year in series[series["value"].isna()]["year"].unique()
    ]
    return style.figure(
        traces,
        style.layout(
            LOOK,
            "England and Wales: prisons inspected<br>"
            "<sup>share judged good or reasonably good, by healthy prison test</sup>",
            height=440,
            xaxis=_axis("Financial year of inspection", type="category", tickangle=-45),
            yaxis=_axis("Judged good or reasonably good (%)", range=[0, 100]),
            legend={"y": -0.32},
            margin={"l": 60, "r": 20, "t": 85, "b": 130},
            annotations=notes,
        ),
    )


def _ranked_bars(
    table: pd.DataFrame,
    value: str,
    *,
    hover_value: str,
    order_ascending: bool,
    label_format: str = "{:,.0f}",
    label_below: bool = False,
) -> tuple[list[dict], list[dict]]:
    """Bars ranked by ``value``, one trace per group, and an arrow naming HMP Nottingham."""
    rows = table.sort_values(value, ascending=order_ascending, ignore_index=True)
    position = pd.Series(range(1, len(rows) + 1))
    traces = []
    for group, group_style in GROUP_STYLE.items():
        mask = (rows["group"] == group).to_numpy()
        cells = rows[mask]
        traces.append(
            {
                "type": "bar",
                "x": position[mask].to_numpy(),
                "y": cells[value].to_numpy(dtype=float),
                "name": group,
                "marker": {
                    "color": group_style["color"],
                    "pattern": {
                        "shape": group_style["pattern"],
                        "fgcolor": "#ffffff",
                        "size": 6,
                        "fillmode": "overlay",
                    },
                    "line": {"width": 0},
                },
                "customdata": cells[["area_name", "area_code"]].to_numpy(),
                "hovertemplate": "<b>%{customdata[0]}</b> (%{customdata[1]})<br>"
                + hover_value
                + "<extra></extra>",
            }
        )
    notes = []
    home = (rows["area_code"] == pdata.PRISON).to_numpy()
    if home.any():
        at = int(home.argmax())
        y = float(rows[value].iloc[at])
        notes.append(
            {
                "x": at + 1,
                "y": y,
                "text": f"<b>HMP Nottingham</b><br>{label_format.format(y)}",
                "showarrow": True,
                "arrowhead": 2,
                "arrowcolor": VERMILLION,
                "ax": 50,
                "ay": 60 if label_below else -60,
                "font": {"size": 13, "color": VERMILLION},
                "bgcolor": "rgba(255,255,255,0.9)",
            }
        )
    return traces, notes


def safety_distribution_chart(table: pd.DataFrame, rate: str) -> go.Figure:
    label = pdata.SAFETY_MEASURES[rate][1]
    traces, notes = _ranked_bars(
        table, rate, hover_value=f"{label}: %{{y:,.1f}}", order_ascending=False
    )
    median, pooled = table[rate].median(), pdata.pooled_rate(table, rate)
    # The two lines can be close: label the higher above its line, the lower below its line.
    shapes = []
    for y, text, dash, where in (
        (median, "Median prison", "dash", "top right" if median >= pooled else "bottom right"),
        (
            pooled,
            f"All {len(table)} together",
            "dot",
            "top right" if pooled > median else "bottom right",
        ),
    ):
        line, note = _reference_line(y, dash, f"{text}: {y:,.0f}", where)
        shapes.append(line)
        notes.append(note)
    return style.figure(
        traces,
        style.layout(
            LOOK,
            f"{pdata.SAFETY_SHORT[rate]}, by prison<br>"
            f"<sup>{pdata.safety_period(table, pdata.SAFETY_MEASURES[rate][0])}; "
            f"{len(table)} prisons; compiled by a third party</sup>",
            height=500,
            xaxis=_axis(
                f"Prisons ranked from highest rate (1) to lowest ({len(table)})",
                range=[0, len(table) + 1],
            ),
            yaxis=_axis("Incidents per 1,000 prisoners", tickformat=","),
            legend={"y": -0.18},
            bargap=0.1,
            barmode="overlay",
            shapes=shapes,
            annotations=notes,
        ),
    )


def national_safety_chart(series: pd.DataFrame) -> go.Figure:
    styles = {
        "assault_rate": (BLUE, "solid", "circle", 2.5),
        "serious_assault_rate": (ORANGE, "dash", "diamond", 2.5),
        "self_harm_rate": (VERMILLION, "dot", "square", 2.5),
    }
    traces = _yearly_lines(
        series,
        styles,
        pdata.NATIONAL_SAFETY_MEASURES,
        "%{y:,.0f}<br>%{customdata[0]}",
        customdata="status",
    )
    return style.figure(
        traces,
        style.layout(
            LOOK,
            "England and Wales: assaults and<br>self-harm per 1,000 prisoners",
            height=440,
            xaxis=_axis("Calendar year", dtick=2),
            yaxis=_axis("Incidents per 1,000 prisoners", tickformat=",", rangemode="tozero"),
            legend={"y": -0.2},
            shapes=[
                {
                    "type": "line",
                    "x0": 2019,
                    "x1": 2019,
                    "y0": 0,
                    "y1": 1,
                    "yref": "y domain",
                    "line": {"color": "#555", "dash": "dot", "width": 1},
                }
            ],
            annotations=[
                {
                    "x": 2019,
                    "y": 1,
                    "yref": "paper",
                    "text": "Assault definition<br>changed in 2019",
                    "showarrow": False,
                    "xanchor": "left",
                    "font": {"size": 11},
                }
            ],
        ),
    )


def staffing_chart(prisons: pd.DataFrame, national: pd.DataFrame, group: str) -> go.Figure:
    """Each prison's staff in post above or below its benchmark, in percent (bars from zero)."""
    label = pdata.STAFF_MEASURES[group]
    traces, notes = _ranked_bars(
        prisons,
        "pct_vs_benchmark",
        hover_value="%{y:+.1f}% against benchmark",
        order_ascending=True,
        label_format="{:+.1f}%",
        label_below=True,
    )
    zero, _ = _reference_line(0, "solid")
    shapes = [zero]
    if not national.empty:
        value = national.iloc[0]["pct_vs_benchmark"]
        line, note = _reference_line(value, "dot", f"All public sector prisons: {value:+.1f}%")
        shapes.append(line)
        notes.append(note)
    return style.figure(
        traces,
        style.layout(
            LOOK,
            f"{label}: staff in post<br>against benchmark, {prisons['day'].iloc[0]}<br>"
            f"<sup>{len(prisons)} public sector prisons; below zero = short of benchmark</sup>",
            height=500,
            xaxis=_axis(
                "Prisons ranked from furthest below benchmark (1) to most staffed "
                f"({len(prisons)})",
                range=[0, len(prisons) + 1],
            ),
            yaxis=_axis("Staff in post against benchmark (%, FTE)", ticksuffix="%", zeroline=False),
            legend={"y": -0.18},
            bargap=0.1,
            barmode="overlay",
            shapes=shapes,
            annotations=notes,
        ),
    )


def highlight_site(figure: go.Figure, sites: pd.DataFrame, site_id: str) -> go.Figure:
    """Ring one named site on a constituency map so it stands out from the others."""
    site = sites[sites["site_id"] == site_id]
    if site.empty:
        return figure
    name, postcode = site.iloc[0]["name"], site.iloc[0]["postcode"]
    figure.add_trace(
        {
            "type": "scatter",
            "x": site["easting"].to_numpy(),
            "y": site["northing"].to_numpy(),
            "mode": "markers",
            "marker": {
                "symbol": "circle-open",
                "size": 30,
                "color": VERMILLION,
                "line": {"width": 4, "color": VERMILLION},
            },
            "name": f"{name} (ringed)",
            "hovertemplate": f"<b>{name}</b><br>{postcode}<extra></extra>",
        }
    )
    return figure
