"""One chart style for every page: the palette, the font, and one way to lay out and make a figure.

Pure (plotly only, no Streamlit), so topic figures modules use it. A page's own look (title size,
margins, legend place, gridlines) is a ``look`` dict in its figures module: data, passed to
``layout()``, which merges it over the shared base and the chart's own settings over both.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # plotly is imported when a figure is made: the briefing needs only colours
    import plotly.graph_objects as go

# Okabe and Ito's colour-blind-safe palette: every line also differs by dash or marker.
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, BLACK = "#CC79A7", "#56B4E9", "#000000"
# Greys for context (England, other areas, past years), from darkest to palest.
DARK_GREY, GREY, PALE_GREY = "#8a8a8a", "#9a9a9a", "#B8B8B8"
WHITE = "#ffffff"
GRID = "#e5e5e5"  # gridlines, behind everything
FONT = {"size": 14}
BASE = {"font": FONT, "plot_bgcolor": WHITE}


def merged(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, nested dicts merged (as plotly's ``update_layout``)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def layout(
    look: dict,
    title: str | None = None,
    *,
    subtitle: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    **settings,
) -> dict:
    """The shared base, then the page's ``look``, then the chart's title, axis titles and
    ``settings`` (``xaxis={...}`` adds to the look's axis rather than replacing it)."""
    chart: dict = {}
    if title is not None:
        chart["title"] = {"text": title}
    if subtitle is not None:
        chart.setdefault("title", {})["subtitle"] = {"text": subtitle}
    if x_title is not None:
        chart["xaxis"] = {"title": {"text": x_title}}
    if y_title is not None:
        chart["yaxis"] = {"title": {"text": y_title}}
    return merged(merged(merged(BASE, look), chart), settings)


def figure(traces: list, layout: dict) -> "go.Figure":
    """One validated constructor call: every ``add_*``/``update_*`` call reruns plotly's
    validators, which made figures several times slower to build than to draw."""
    import plotly.graph_objects as go

    return go.Figure(data=traces, layout=layout)


# The source line inside every drawn chart: grey at 7.0:1 on white (WCAG AA asks 4.5:1), small.
SOURCE_GREY = "#595959"
SOURCE_FONT = {"size": 11, "color": SOURCE_GREY}
SOURCE_LEGEND = "legend2"  # no figure uses a second legend of its own
# The height of the source line's band: each line of text, and the legend's padding.
SOURCE_LINE_PX, SOURCE_PAD_PX = 14, 5
PLOTLY_DEFAULT_HEIGHT = 450
# The legends' font (the source line's and the chart's own): one every computer has (Liberation
# Sans is Arial's metric twin on Linux). Streamlit's theme gives charts its web font, which a
# PNG saved from the toolbar cannot load: plotly lays a legend out in the narrow web font and
# the image draws it in a wider system one, which cut entries off at the legend's edge and ran
# them into each other. In a system font the screen and the PNG agree. Titles, ticks and
# notes keep the theme's font: nothing clips them, and in Arial some long ones would no
# longer fit a 535 px chart.
SAVED_FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif"


def with_source(figure: "go.Figure", line: str) -> "go.Figure":
    """A copy of ``figure`` that carries ``line`` (a source line, <br> between its lines) at
    its foot, so that a PNG saved from the chart's toolbar keeps its source; its legends are
    set in a font the PNG draws as the screen does (``SAVED_FONT_FAMILY``).

    The line is the one entry of a second legend anchored to the bottom of the whole figure
    (yref "container"), not an annotation: plotly moves the plot up to make room for what sits
    below it (tick labels, axis titles, a legend under the plot) by an amount known only in the
    browser, so an annotation placed under the plot cannot know where to stand clear of them,
    while a container-anchored legend reserves its own band under all of them. Its entry is an
    empty trace with no marker or line, hidden from hover and clicks.

    ``figure`` is left as it is (pages share cached figures); the copy is made without plotly's
    validation, which costs more than drawing the chart (the two parts added here are checked
    in tests/ui/test_chart_sources.py)."""
    import plotly.graph_objects as go

    spec = figure.to_dict()
    layout = spec.setdefault("layout", {})
    spec["data"].append(
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "lines",
            "line": {"width": 0},
            "name": line,
            "legend": SOURCE_LEGEND,
            "showlegend": True,
            "hoverinfo": "skip",
        }
    )
    layout[SOURCE_LEGEND] = {
        "xref": "container",
        "yref": "container",
        "x": 0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "bottom",
        "orientation": "h",
        "font": {**SOURCE_FONT, "family": SAVED_FONT_FAMILY},
        "bgcolor": "rgba(0,0,0,0)",
        "itemclick": False,
        "itemdoubleclick": False,
        "itemwidth": 30,
        "indentation": -15,  # the entry has no symbol: its text starts near the figure's edge
    }
    # The figure's own bottom margin goes: plotly sets it from what stands under the plot, and
    # gives the source's band all of its height only when no declared margin is left over
    # (a declared margin larger than the tick labels' needs would leave the band overlapping a
    # legend placed under the plot by a fraction of the plot's height).
    layout["margin"] = {**layout.get("margin", {}), "b": 0}
    # The figure grows by the band, so the plot keeps its height and what is placed under it
    # by a fraction of that height (a legend at y=-0.18) keeps its place.
    band = SOURCE_LINE_PX * (line.count("<br>") + 1) + SOURCE_PAD_PX
    layout["height"] = (layout.get("height") or PLOTLY_DEFAULT_HEIGHT) + band
    legend = layout.get("legend", {})
    layout["legend"] = {**legend, "font": {"family": SAVED_FONT_FAMILY, **legend.get("font", {})}}
    if layout.get("showlegend") is False:
        # plotly's showlegend switches every legend: keep the source's, hide the figure's own.
        layout["showlegend"] = True
        layout["legend"]["visible"] = False
    return go.Figure(spec, _validate=False)
