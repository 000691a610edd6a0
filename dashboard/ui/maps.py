"""Constituency maps drawn in British National Grid metres: no tile server, no world map needed."""

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
from shapely.geometry import box

from dashboard.geography import outline_xy

SELECTED_FILL = "rgba(0, 94, 184, 0.18)"
SELECTED_LINE = "#005eb8"
NEIGHBOUR_FILL = "rgba(120, 120, 120, 0.08)"
NEIGHBOUR_LINE = "#8a8a8a"
OTHER_SET_LINE = "#d55e00"  # Okabe-Ito vermillion: distinct from blue for colour-blind readers
WARD_LINE = "#4d4d4d"
VIEW_MARGIN = 0.35  # of the seat's larger side, so the neighbours show around it
SITE_SYMBOLS = {"qmc": "cross", "city_hospital": "cross-open", "hmp_nottingham": "square"}


def _outline(geometry, **trace) -> go.Scatter:
    xs, ys = outline_xy(geometry)
    return go.Scatter(x=xs, y=ys, mode="lines", **trace)


def constituency_map(
    *,
    seat_code: str,
    seats: gpd.GeoDataFrame,
    boundary_label: str,
    other_outline: gpd.GeoDataFrame | None = None,
    other_label: str = "",
    wards: gpd.GeoDataFrame | None = None,
    sites: pd.DataFrame | None = None,
) -> go.Figure:
    """The chosen seat filled, its neighbours outlined, wards, the other set's outline, sites.

    All frames are in EPSG:27700 with ``code``/``name`` columns (sites: easting/northing).
    """
    figure = go.Figure()
    selected = seats[seats["code"] == seat_code].iloc[0]
    for index, row in enumerate(seats[seats["code"] != seat_code].itertuples()):
        figure.add_trace(
            _outline(
                row.geometry,
                fill="toself",
                fillcolor=NEIGHBOUR_FILL,
                line={"color": NEIGHBOUR_LINE, "width": 1},
                name="Neighbouring constituencies",
                legendgroup="neighbours",
                showlegend=index == 0,
                hovertemplate=f"{row.name} ({row.code})<extra></extra>",
            )
        )
    if wards is not None and not wards.empty:
        for index, row in enumerate(wards.itertuples()):
            figure.add_trace(
                _outline(
                    row.geometry,
                    line={"color": WARD_LINE, "width": 0.6, "dash": "dot"},
                    name="Wards (2013 boundaries)",
                    legendgroup="wards",
                    showlegend=index == 0,
                    hovertemplate=f"{row.name} ward ({row.code}, 2013 boundaries)<extra></extra>",
                )
            )
        centres = wards.geometry.representative_point()
        figure.add_trace(
            go.Scatter(
                x=centres.x,
                y=centres.y,
                mode="text",
                text=wards["name"],
                textfont={"size": 10, "color": WARD_LINE},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    figure.add_trace(
        _outline(
            selected.geometry,
            fill="toself",
            fillcolor=SELECTED_FILL,
            line={"color": SELECTED_LINE, "width": 3},
            name=f"{selected['name']} ({boundary_label})",
            hovertemplate=f"{selected['name']} ({seat_code})<extra></extra>",
        )
    )
    if other_outline is not None and not other_outline.empty:
        other = other_outline.iloc[0]
        figure.add_trace(
            _outline(
                other.geometry,
                line={"color": OTHER_SET_LINE, "width": 2, "dash": "dash"},
                name=other_label,
                hovertemplate=f"{other['name']} ({other['code']}), {other_label}<extra></extra>",
            )
        )
    if sites is not None and not sites.empty:
        figure.add_trace(
            go.Scatter(
                x=sites["easting"],
                y=sites["northing"],
                mode="markers+text",
                marker={
                    "size": 13,
                    "color": "#000000",
                    "symbol": [SITE_SYMBOLS.get(s, "circle") for s in sites["site_id"]],
                    "line": {"width": 1.5, "color": "#ffffff"},
                },
                text=sites["name"],
                textposition="top center",
                textfont={"size": 12, "color": "#000000"},
                customdata=sites[["role", "postcode"]],
                hovertemplate="<b>%{text}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
                name="Named sites",
            )
        )
    minx, miny, maxx, maxy = selected.geometry.bounds
    pad = max(maxx - minx, maxy - miny) * VIEW_MARGIN
    view = box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    # Label each seat inside the view, so a big rural neighbour's name stays on screen.
    visible = seats.geometry.intersection(view)
    labels = seats.assign(point=visible.representative_point())[~visible.is_empty]
    figure.add_trace(
        go.Scatter(
            x=labels["point"].x,
            y=labels["point"].y,
            mode="text",
            text=labels["name"],
            textfont={"size": 13, "color": "#1f1f1f"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.update_layout(
        title={"text": f"{selected['name']} and its neighbours, {boundary_label}"},
        height=640,
        margin={"l": 0, "r": 0, "t": 50, "b": 0},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
        plot_bgcolor="#ffffff",
        dragmode="pan",
    )
    figure.update_xaxes(visible=False, range=[minx - pad, maxx + pad])
    figure.update_yaxes(
        visible=False, range=[miny - pad, maxy + pad], scaleanchor="x", scaleratio=1
    )
    return figure
