"""Constituency maps drawn in British National Grid metres: no tile server, no world map needed."""

import pandas as pd
import plotly.graph_objects as go
import shapely

from dashboard.geography import label_points, outlines_xy
from dashboard.ui.style import BLACK, DARK_GREY, VERMILLION, WHITE

SELECTED_FILL = "rgba(0, 94, 184, 0.18)"
SELECTED_LINE = "#005eb8"
NEIGHBOUR_FILL = "rgba(120, 120, 120, 0.08)"
NEIGHBOUR_LINE = DARK_GREY
OTHER_SET_LINE = VERMILLION  # Okabe-Ito: distinct from blue for colour-blind readers
WARD_LINE = "#4d4d4d"
VIEW_MARGIN = 0.35  # of the seat's larger side, so the neighbours show around it
SITE_SYMBOLS = {"qmc": "cross", "city_hospital": "cross-open", "hmp_nottingham": "square"}


def metre_axes(bounds: tuple[float, float, float, float], pad: float) -> dict:
    """Hidden x/y axes over ``bounds`` (BNG metres) plus ``pad``, at one metre to one metre,
    so shapes keep their true proportions without a tile server."""
    minx, miny, maxx, maxy = bounds
    return {
        "xaxis": {"visible": False, "range": [minx - pad, maxx + pad]},
        "yaxis": {
            "visible": False,
            "range": [miny - pad, maxy + pad],
            "scaleanchor": "x",
            "scaleratio": 1,
        },
    }


def _outlines(frame: pd.DataFrame, label, **trace) -> dict:
    """One line trace for every outline in ``frame``; hover names the area under the pointer."""
    xs, ys, labels = outlines_xy(frame, label)
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "text": labels,
        "hovertemplate": "%{text}<extra></extra>",
        **trace,
    }


def constituency_map(
    *,
    seat_code: str,
    seats: pd.DataFrame,
    boundary_label: str,
    other_outline: pd.DataFrame | None = None,
    other_label: str = "",
    wards: pd.DataFrame | None = None,
    sites: pd.DataFrame | None = None,
) -> go.Figure:
    """The chosen seat filled, its neighbours outlined, wards, the other set's outline, sites.

    All frames hold shapely shapes in British National Grid metres (EPSG:27700) with
    ``code``/``name`` columns (sites: easting/northing).
    Built as one figure from plain trace dicts, one trace per layer, which keeps a seat change
    fast (plotly validates each trace once, not once per area).
    """
    chosen = seats[seats["code"] == seat_code]
    selected = chosen.iloc[0]
    traces = [
        _outlines(
            seats[seats["code"] != seat_code],
            lambda row: f"{row.name} ({row.code})",
            fill="toself",
            fillcolor=NEIGHBOUR_FILL,
            line={"color": NEIGHBOUR_LINE, "width": 1},
            name="Neighbouring constituencies",
        )
    ]
    if wards is not None and not wards.empty:
        centre_x, centre_y = label_points(wards["geometry"])
        traces += [
            _outlines(
                wards,
                lambda row: f"{row.name} ward ({row.code}, 2013 boundaries)",
                line={"color": WARD_LINE, "width": 0.6, "dash": "dot"},
                name="Wards (2013 boundaries)",
            ),
            {
                "type": "scatter",
                "x": centre_x,
                "y": centre_y,
                "mode": "text",
                "text": wards["name"].tolist(),
                "textfont": {"size": 10, "color": WARD_LINE},
                "hoverinfo": "skip",
                "showlegend": False,
            },
        ]
    traces.append(
        _outlines(
            chosen,
            lambda row: f"{row.name} ({row.code})",
            fill="toself",
            fillcolor=SELECTED_FILL,
            line={"color": SELECTED_LINE, "width": 3},
            name=f"{selected['name']} ({boundary_label})",
        )
    )
    if other_outline is not None and not other_outline.empty:
        traces.append(
            _outlines(
                other_outline.iloc[:1],
                lambda row: f"{row.name} ({row.code}), {other_label}",
                line={"color": OTHER_SET_LINE, "width": 2, "dash": "dash"},
                name=other_label,
            )
        )
    if sites is not None and not sites.empty:
        traces.append(
            {
                "type": "scatter",
                "x": sites["easting"].to_numpy(dtype=float),
                "y": sites["northing"].to_numpy(dtype=float),
                "mode": "markers+text",
                "marker": {
                    "size": 13,
                    "color": BLACK,
                    "symbol": [SITE_SYMBOLS.get(s, "circle") for s in sites["site_id"]],
                    "line": {"width": 1.5, "color": WHITE},
                },
                "text": sites["name"].tolist(),
                "textposition": "top center",
                "textfont": {"size": 12, "color": BLACK},
                "customdata": sites[["role", "postcode"]].to_numpy(),
                "hovertemplate": (
                    "<b>%{text}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"
                ),
                "name": "Named sites",
            }
        )
    minx, miny, maxx, maxy = selected["geometry"].bounds
    pad = max(maxx - minx, maxy - miny) * VIEW_MARGIN
    view = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    # Label each seat inside the view, so a big rural neighbour's name stays on screen.
    visible = shapely.intersection(seats["geometry"].to_numpy(), view)
    shown = ~shapely.is_empty(visible)
    label_x, label_y = label_points(visible[shown])
    traces.append(
        {
            "type": "scatter",
            "x": label_x,
            "y": label_y,
            "mode": "text",
            "text": seats.loc[shown, "name"].tolist(),
            "textfont": {"size": 13, "color": "#1f1f1f"},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    layout = {
        "title": {"text": f"{selected['name']} and its neighbours, {boundary_label}"},
        "height": 640,
        "margin": {"l": 0, "r": 0, "t": 50, "b": 0},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
        "plot_bgcolor": WHITE,
        "dragmode": "pan",
        **metre_axes((minx, miny, maxx, maxy), pad),
    }
    return go.Figure(data=traces, layout=layout)
