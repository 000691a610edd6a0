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
