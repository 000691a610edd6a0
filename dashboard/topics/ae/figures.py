"""Figures for the A&E page: pure functions from the frames in ``ae_data`` to plotly figures.

Each figure is made in one ``style.figure(traces, layout)`` call, with reference lines,
bands and labels as plain ``layout.shapes``/``annotations`` entries: plotly validates a figure once
that way, where ``add_hline``/``update_*`` calls validate it again on every call.
"""

import pandas as pd
import plotly.graph_objects as go

from dashboard import geography
from dashboard.topics.ae import model as ad
from dashboard.ui import maps, style
from dashboard.ui.style import BLACK, BLUE, GREEN, GREY, ORANGE, PURPLE, VERMILLION

GAP_FILL = "rgba(90, 90, 90, 0.13)"
PEER_BAND = "rgba(230, 159, 0, 0.18)"
LABEL_BACKGROUND = "rgba(255,255,255,0.8)"
# The page's look: style.layout merges each chart's own settings over it.
LOOK = {
    "title": {"font": {"size": 17}},
    "height": 470,
    "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
    "legend": {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
    "hovermode": "x unified",
    "xaxis": {"gridcolor": "#f0f0f0"},
    "yaxis": {"gridcolor": "#e5e5e5", "zeroline": False},
    "shapes": [],
    "annotations": [],
}


def _month_end(month: pd.Timestamp) -> pd.Timestamp:
    return month + pd.offsets.MonthBegin(1)


def _x_range(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    return [start - pd.Timedelta(days=20), end + pd.Timedelta(days=20)]


def _month_axis(start, end) -> dict:
    # A fixed range: plotly's autorange would stretch to fit a label on a phone.
    return {"title": {"text": "Month"}, "range": _x_range(start, end)}


def _hline(y: float, text: str, colour: str, *, dash: str, width: float, below: bool = False):
    """A full-width reference line and its label at the left: what ``add_hline`` draws."""
    shape = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": y,
        "y1": y,
        "line": {"color": colour, "width": width, "dash": dash},
    }
    label = {
        "text": text,
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "y",
        "y": y,
        "yanchor": "top" if below else "bottom",
        "showarrow": False,
        "font": {"color": colour, "size": 12},
    }
    return shape, label


def _band(x0, x1, fill: str) -> dict:
    return {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": x0,
        "x1": x1,
        "y0": 0,
        "y1": 1,
        "fillcolor": fill,
        "line": {"width": 0},
        "layer": "below",
    }


def _gap_marks(gap, start, end, *, y_text: float = 0.98) -> tuple[list, list]:
    """The field-test months shaded, clipped to the chart's range, with a label saying why."""
    gap_start, gap_end = gap
    if gap_start is None or gap_end < start or gap_start > end:
        return [], []
    x0, x1 = max(gap_start, start), min(_month_end(gap_end), _month_end(end))
    label = {
        "x": x0 + (x1 - x0) / 2,
        "y": y_text,
        "xref": "x",
        "yref": "paper",
        "yanchor": "top",
        "showarrow": False,
        "text": (
            f"No {ad.SHORT_NAME} 4-hour figures<br>(field test, {gap_start:%b %Y}–"
            f"{gap_end:%b %Y})<br>not zero: not reported"
        ),
        "font": {"size": 12, "color": "#333333"},
        "bgcolor": LABEL_BACKGROUND,
    }
    return [_band(x0, x1, GAP_FILL)], [label]


def _covid_marks(start, end) -> tuple[list, list]:
    if not start <= ad.COVID_MONTH <= end:
        return [], []
    line = {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": ad.COVID_MONTH,
        "x1": ad.COVID_MONTH,
        "y0": 0,
        "y1": 1,
        "line": {"color": PURPLE, "width": 2, "dash": "dot"},
    }
    label = {
        "x": ad.COVID_MONTH,
        "y": 0.02,
        "xref": "x",
        "yref": "paper",
        "yanchor": "bottom",
        "xanchor": "left",
        "showarrow": False,
        "text": "COVID-19 (March 2020)",
        "font": {"size": 12, "color": PURPLE},
        "bgcolor": LABEL_BACKGROUND,
    }
    return [line], [label]


def _target_marks(start, end) -> tuple[list, list]:
    """The interim targets as short lines over the years they govern, with one label."""
    traces, drawn = [], []
    for target in ad.INTERIM_TARGETS:
        x0, x1 = max(target.year_start, start), min(_month_end(target.due), _month_end(end))
        if x0 >= x1:
            continue
        traces.append(
            go.Scatter(
                x=[x0, x1],
                y=[target.pct, target.pct],
                mode="lines",
                line={"color": VERMILLION, "width": 2.5, "dash": "longdash"},
                name="Interim target (England, all types)",
                legendgroup="target",
                showlegend=not drawn,
                hovertemplate=f"target {target.pct:.0f}% by {target.due:%b %Y}<extra></extra>",
            )
        )
        drawn.append(target)
    if not drawn:
        return traces, []
    pcts = sorted({f"{t.pct:.0f}%" for t in drawn})
    label = {
        "x": max(drawn[0].year_start, start),
        "y": drawn[0].pct,
        "xanchor": "right",
        "yanchor": "middle",
        "showarrow": False,
        "text": f"interim<br>target {' then '.join(pcts)}",  # full wording in hover and caption
        "align": "right",
        "font": {"size": 11, "color": VERMILLION},
        "bgcolor": "rgba(255,255,255,0.85)",
    }
    return traces, [label]


def trend_figure(
    frame: pd.DataFrame, *, measure: str, gap, peer_label: str, start, end
) -> go.Figure:
    """NUH against England and the peer median, with the gap, COVID-19 and the targets marked."""
    months = frame["month"]
    traces, shapes, annotations = [], [], []
    has_peers = bool(frame["peers_reporting"].any())
    if has_peers:
        traces += [
            go.Scatter(
                x=months,
                y=frame["peer_q3"],
                mode="lines",
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup="peers",
            ),
            go.Scatter(
                x=months,
                y=frame["peer_q1"],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=PEER_BAND,
                legendgroup="peers",
                name="Peers: middle half (25th to 75th percentile)",
                hoverinfo="skip",
            ),
            go.Scatter(
                x=months,
                y=frame["peer_median"],
                mode="lines",
                line={"color": ORANGE, "width": 2.5, "dash": "dot"},
                legendgroup="peers",
                name=f"Peer median ({peer_label})",
                customdata=frame["peers_reporting"],
                hovertemplate="%{y:.1f}% (median of %{customdata} trusts)<extra>Peers</extra>",
            ),
        ]
    traces += [
        go.Scatter(
            x=months,
            y=frame["england"],
            mode="lines",
            line={"color": BLACK, "width": 2, "dash": "dash"},
            name="England",
            customdata=frame["england_status"].fillna(""),
            hovertemplate="%{y:.1f}% %{customdata}<extra>England</extra>",
        ),
        go.Scatter(
            x=months,
            y=frame["nuh"],
            mode="lines+markers",
            connectgaps=False,
            line={"color": BLUE, "width": 3},
            marker={"size": 5, "symbol": "circle"},
            name=f"{ad.SHORT_NAME} (RX1)",
            hovertemplate="%{y:.1f}%<extra>" + ad.SHORT_NAME + "</extra>",
        ),
    ]
    for marks in (_gap_marks(gap, start, end), _covid_marks(start, end)):
        shapes += marks[0]
        annotations += marks[1]
    if measure == "pct_within_4h_all":
        line, label = _hline(ad.STANDARD_PCT, "95% standard", GREEN, dash="dashdot", width=2)
        # Listed after the gap's label, so on a narrow chart it is drawn over that label's box.
        label["bgcolor"] = LABEL_BACKGROUND
        targets, target_labels = _target_marks(start, end)
        traces += targets
        shapes.append(line)
        annotations += [label, *target_labels]
    values = pd.concat([frame["nuh"], frame["england"], frame["peer_q1"]]).dropna()
    low = min(values.min() if not values.empty else 50, 70)
    title = (
        f"{ad.MEASURE_LABELS[measure]}<br><sup>{ad.SHORT_NAME} vs England"
        + (" vs peers" if has_peers else "")
        + f", {start:%b %Y} to {end:%b %Y}</sup>"
    )
    layout = style.layout(
        LOOK,
        title,
        y_title="% of attendances within 4 hours",
        height=520,
        xaxis=_month_axis(start, end),
        yaxis={"range": [max(0, (low // 10) * 10 - 5), 100], "ticksuffix": "%"},
        shapes=shapes,
        annotations=annotations,
    )
    return style.figure(traces, layout)


def _monthly_line(frame: pd.DataFrame, column: str, name: str, pen: dict, value: str):
    """One series over ``frame["month"]``; a missing month is a gap, never joined across."""
    return go.Scatter(
        x=frame["month"],
        y=frame[column],
        mode="lines",
        line=pen,
        name=name,
        connectgaps=False,
        hovertemplate=value + "<extra>" + name + "</extra>",
    )


def waits_figure(frame: pd.DataFrame, *, per_admission: bool, gap, start, end) -> go.Figure:
    if per_admission:
        traces = [
            _monthly_line(frame, column, name, pen, "%{y:.1f}")
            for column, name, pen in (
                ("nuh_per_100", f"{ad.SHORT_NAME} (RX1)", {"color": BLUE, "width": 3}),
                ("england_per_100", "England", {"color": BLACK, "width": 2, "dash": "dash"}),
            )
        ]
        title = (
            "12-hour trolley waits per 100 admissions"
            "<br><sup>per 100 emergency admissions via A&E, NUH vs England"
        )
        y_title = "Waits per 100 admissions via A&E"
    else:
        traces = [
            go.Bar(
                x=frame["month"],
                y=frame["nuh_12h"],
                marker={"color": BLUE},
                name=f"{ad.SHORT_NAME} (RX1): patients waiting over 12 hours",
                hovertemplate="%{y:,.0f}<extra></extra>",
            )
        ]
        title = f"12-hour trolley waits at {ad.SHORT_NAME}<br><sup>12+ hours from decision to admit"
        y_title = "Patients (count)"
    shapes, annotations = _covid_marks(start, end)
    layout = style.layout(
        LOOK,
        f"{title}, {start:%b %Y} to {end:%b %Y}</sup>",
        y_title=y_title,
        xaxis=_month_axis(start, end),
        yaxis={"rangemode": "tozero"},
        shapes=shapes,
        annotations=annotations,
    )
    return style.figure(traces, layout)


def attendances_figure(frame: pd.DataFrame, *, episodes, start, end) -> go.Figure:
    traces = [
        _monthly_line(frame, column, name, pen, "%{y:,.0f}")
        for column, name, pen in (
            ("attendances_all", "All types", {"color": BLACK, "width": 2, "dash": "dash"}),
            ("attendances_type1", "Type 1 (QMC emergency department)", {"color": BLUE, "width": 3}),
            (
                "attendances_other",
                "Other A&E (type 3/4 units)",
                {"color": VERMILLION, "width": 2, "dash": "dot"},
            ),
        )
    ]
    shapes, annotations = [], []
    for first, last, _ in episodes:
        if last < start or first > end:
            continue
        x0, x1 = max(first, start), min(_month_end(last), _month_end(end))
        shapes.append(_band(x0, x1, "rgba(213, 94, 0, 0.08)"))
        # A band in the right half is labelled leftwards from its end, so a narrow chart keeps
        # the label inside the plot.
        late = x0 - start > (end - start) / 2
        annotations.append(
            {
                "x": x1 if late else x0,
                "y": 0.98,
                "xref": "x",
                "yref": "paper",
                "xanchor": "right" if late else "left",
                "yanchor": "top",
                "showarrow": False,
                "text": "return covers<br>more 'other A&E'",
                "font": {"size": 11, "color": VERMILLION},
            }
        )
    covid_shapes, covid_labels = _covid_marks(start, end)
    layout = style.layout(
        LOOK,
        f"{ad.SHORT_NAME} A&E attendances<br><sup>{start:%b %Y} to {end:%b %Y}</sup>",
        y_title="Attendances a month",
        xaxis=_month_axis(start, end),
        yaxis={"rangemode": "tozero", "tickformat": ","},
        shapes=shapes + covid_shapes,
        annotations=annotations + covid_labels,
    )
    return style.figure(traces, layout)


def seasonal_figure(wide: pd.DataFrame, measure: str) -> go.Figure:
    """Each financial year's months overlaid: the latest two in colour, older years in grey."""
    years = [c for c in wide.columns if not c.startswith("Average")]
    shown = [y for y in years if wide[y].notna().any()]
    latest = shown[-2:] if len(shown) >= 2 else shown
    is_pct = measure in ad.PCT_MEASURES
    value_format = "%{y:.1f}%" if is_pct else "%{y:,.0f}"
    traces = []
    for year in shown:
        if year in latest:
            is_last = year == latest[-1]
            pen = {
                "color": BLUE if is_last else ORANGE,
                "width": 3.5 if is_last else 2.5,
                "dash": "solid" if is_last else "dash",
            }
            marker = {"size": 7, "symbol": "circle" if is_last else "diamond"}
            mode = "lines+markers+text"
        else:
            pen, marker, mode = {"color": GREY, "width": 1}, {"size": 1}, "lines"
        last_month = wide[year].last_valid_index()
        labels = [year if (m == last_month and year in latest) else "" for m in wide.index]
        traces.append(
            go.Scatter(
                x=wide.index,
                y=wide[year],
                mode=mode,
                line=pen,
                marker=marker,
                name=year,
                connectgaps=False,
                text=labels,
                textposition="top left",  # ends at the last point: never past the edge
                textfont={"size": 12, "color": pen["color"]},
                hovertemplate=value_format + "<extra>" + year + "</extra>",
            )
        )
    traces += [
        go.Scatter(
            x=wide.index,
            y=wide[column],
            mode="lines",
            line={"color": GREEN, "width": 3, "dash": "dot"},
            name=column + " (pre-pandemic)",
            hovertemplate=value_format + "<extra>pre-pandemic average</extra>",
        )
        for column in wide.columns
        if column.startswith("Average")
    ]
    layout = style.layout(
        LOOK,
        f"{ad.MEASURE_LABELS[measure]}<br><sup>{ad.SHORT_NAME}, each financial year (April to "
        "March)</sup>",
        y_title="% within 4 hours" if is_pct else "Count a month",
        xaxis={"title": {"text": "Month (financial year, April to March)"}},
        yaxis={"ticksuffix": "%"} if is_pct else {"rangemode": "tozero", "tickformat": ","},
    )
    return style.figure(traces, layout)


def rank_figure(
    ranked: pd.DataFrame, *, month, measure: str, peer_codes: list[str], england: float | None
) -> go.Figure:
    """Every trust's bar, best to worst; NUH marked by colour, an arrow and a label."""
    groups = (
        ("other", "Other trusts with type 1 departments", "#c9c9c9", ""),
        ("peer", "Chosen peers", ORANGE, "/"),
        ("nuh", f"{ad.SHORT_NAME} (RX1)", VERMILLION, ""),
    )
    peers = set(peer_codes)
    kind = ranked["org_code"].map(
        lambda c: "nuh" if c == ad.TRUST else ("peer" if c in peers else "other")
    )
    ranked = ranked.assign(kind=kind.to_numpy(), position=range(1, len(ranked) + 1))
    traces = []
    for key, name, colour, pattern in groups:
        rows = ranked[ranked["kind"] == key]
        if rows.empty:
            continue
        traces.append(
            go.Bar(
                x=rows["position"],
                y=rows["value"],
                name=name,
                marker={"color": colour, "pattern": {"shape": pattern}},
                customdata=rows[["org_name", "org_code", "rank"]],
                hovertemplate="%{customdata[0]} (%{customdata[1]})<br>rank %{customdata[2]}: "
                "%{y:.1f}%<extra></extra>",
            )
        )
    shapes, annotations = [], []
    own = ranked[ranked["kind"] == "nuh"]
    if not own.empty:
        row = own.iloc[0]
        annotations.append(
            {
                "x": row["position"],
                "y": row["value"],
                "text": f"{ad.SHORT_NAME}: {row['rank']} of {len(ranked)}<br>{row['value']:.1f}%",
                "showarrow": True,
                "arrowhead": 2,
                "arrowwidth": 2,
                "arrowcolor": VERMILLION,
                "ax": 0,
                "ay": -60,
                "font": {"size": 13, "color": VERMILLION},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    if england is not None:
        line, label = _hline(england, f"England {england:.1f}%", BLACK, dash="dash", width=1.5)
        label["bgcolor"] = LABEL_BACKGROUND  # readable over the bars
        shapes.append(line)
        annotations.append(label)
    layout = style.layout(
        LOOK,
        f"{ad.MEASURE_LABELS[measure]}<br><sup>every trust with a type 1 department, "
        f"{month:%B %Y}</sup>",
        y_title="% within 4 hours",
        xaxis={"title": {"text": "Trusts, highest to lowest (1 = highest)"}},
        yaxis={"range": [0, 100], "ticksuffix": "%"},
        shapes=shapes,
        annotations=annotations,
        hovermode="closest",
        bargap=0.15,
        barmode="overlay",
    )
    return style.figure(traces, layout)


def sites_map(
    *,
    seat_code: str,
    seats: pd.DataFrame,
    boundary_label: str,
    sites: pd.DataFrame,
    other_outline: pd.DataFrame | None = None,
    other_label: str = "",
) -> go.Figure:
    """The shared constituency map, widened so both hospital sites are always in view."""
    figure = maps.constituency_map(
        seat_code=seat_code,
        seats=seats,
        boundary_label=boundary_label,
        sites=sites,
        other_outline=other_outline,
        other_label=other_label,
    )
    minx, miny, maxx, maxy = geography.bounds(seats[seats["code"] == seat_code])
    minx, maxx = min(minx, sites["easting"].min()), max(maxx, sites["easting"].max())
    miny, maxy = min(miny, sites["northing"].min()), max(maxy, sites["northing"].max())
    pad = max(maxx - minx, maxy - miny) * 0.15
    return figure.update_layout(
        {
            "xaxis.range": [minx - pad, maxx + pad],
            "yaxis.range": [miny - pad, maxy + pad],
            "title.text": f"{ad.SHORT_NAME}'s hospitals<br><sup>{boundary_label}</sup>",
            "height": 560,
        }
    )


def _held(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.loc[frame[column].notna(), "month"]


def history_figure(frame: pd.DataFrame) -> go.Figure:
    """England's 4-hour share from both files; legend and title name the months each holds."""
    series, monthly = _held(frame, "timeseries"), _held(frame, "monthly")
    first = min([*series.head(1), *monthly.head(1)], default=None)
    traces = [
        go.Scatter(
            x=frame["month"],
            y=frame["timeseries"],
            mode="lines",
            line={"color": GREY, "width": 4},
            name="England, time-series file"
            + (f" (to {series.max():%b %Y})" if not series.empty else ""),
            customdata=frame["timeseries_status"].fillna(""),
            hovertemplate="%{y:.1f}% %{customdata}<extra>time series</extra>",
        ),
        go.Scatter(
            x=frame["month"],
            y=frame["monthly"],
            mode="lines",
            line={"color": BLACK, "width": 1.5, "dash": "dash"},
            name="England, monthly provider files"
            + (f" (from {monthly.min():%b %Y})" if not monthly.empty else ""),
            hovertemplate="%{y:.1f}%<extra>monthly files</extra>",
        ),
    ]
    line, label = _hline(
        ad.STANDARD_PCT, "95% standard", GREEN, dash="dashdot", width=2, below=True
    )
    covid_shapes, covid_labels = _covid_marks(frame["month"].min(), frame["month"].max())
    layout = style.layout(
        LOOK,
        f"England: 4-hour % since {first:%Y}<br><sup>all A&E types, {first:%B %Y} on</sup>"
        if first is not None
        else "England: 4-hour %",
        y_title="% of attendances within 4 hours",
        xaxis={"title": {"text": "Month"}},
        yaxis={"range": [50, 100], "ticksuffix": "%"},
        shapes=[line, *covid_shapes],
        annotations=[label, *covid_labels],
    )
    return style.figure(traces, layout)
