"""Framework floor: one plotly chart, one table, nothing else.

The benchmark's reference app: ``streamlit run benchmarks/floor_app.py rows=131 cols=5
points=200`` sets the default sizes (those of the app's first page, so "/" on the floor matches
"/" on the app); the query parameters ``rows``, ``cols`` and ``points`` override them per view.
"""

import sys

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

SIZES = ("rows", "cols", "points")
LIMIT = 5_000_000


def defaults(argv: list[str]) -> dict[str, int]:
    """``name=N`` arguments for the three sizes; anything else (AppTest's own argv) ignored."""
    found = dict.fromkeys(SIZES, 0)
    for argument in argv:
        name, _, value = argument.partition("=")
        if name in found and value.isdigit():
            found[name] = int(value)
    return found


def size(name: str, default: int) -> int:
    try:
        return min(max(int(st.query_params.get(name, default)), 0), LIMIT)
    except ValueError:
        return default


@st.cache_resource
def content(rows: int, cols: int, points: int):
    # Cached like the app's snapshot, so a session pays for rendering, not for making data.
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.random((rows, cols)), columns=[f"c{i}" for i in range(cols)])
    figure = None
    if points:
        # Python lists serialise as JSON numbers, like the app's outlines (numpy would be base64).
        xs = np.linspace(0.0, 1.0, points).tolist()
        ys = rng.random(points).tolist()
        figure = go.Figure(go.Scatter(x=xs, y=ys, mode="lines"))
    return table, figure


def main() -> None:
    st.set_page_config(page_title="Framework floor", layout="wide")
    st.title("Framework floor")
    sizes = defaults(sys.argv[1:])
    table, figure = content(*(size(name, sizes[name]) for name in SIZES))
    if figure is not None:
        st.plotly_chart(figure, key="floor_chart")
    if len(table.columns):
        st.dataframe(table, key="floor_table")


main()
