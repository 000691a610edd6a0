"""The view models pages build and cache: a chart with its table, a headline tile, a row of
tiles. Pure dataclasses (no Streamlit), so topic models and figures can make them too and every
page draws the same shapes. Pages cache these (data.memo) and share them between sessions:
never mutate one."""

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go


@dataclass(frozen=True)
class Chart:
    """The figure, the table beside it, its one-line summary, the datasets it shows and any
    notes to caption under it."""

    figure: go.Figure
    table: pd.DataFrame
    summary: str
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tile:
    """One headline figure as ``st.metric`` draws it, with the caption under it and the dataset
    whose release dates go under that."""

    label: str
    value: str
    help: str
    delta: str | None = None
    delta_color: str = "normal"  # st.metric's: "normal", "inverse" (a rise is bad) or "off"
    caption: str = ""
    dataset: str = ""


@dataclass(frozen=True)
class TileRow:
    """A page's headline tiles and the datasets to name under the row."""

    tiles: tuple[Tile, ...]
    sources: tuple[str, ...]
