"""Small Streamlit building blocks shared by pages: source captions, chart beside its table."""

import json
import logging
import re
import secrets
import weakref
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.core import provenance
from dashboard.ui import data, style
from dashboard.ui.model_types import Chart, Tile

LOG = logging.getLogger("dashboard")


def source_caption(*dataset_ids: str) -> None:
    for dataset_id in dataset_ids:
        st.caption(data.source_line(dataset_id))


def as_of_line(*dataset_ids: str) -> None:
    """Once per section, as body text (it carries dates staff act on): when its data was
    released and when the next release is due, or that newer data exists. Nothing when
    neither is known: the source line already says where the copy came from."""
    line = data.as_of_text(*dataset_ids)
    if line:
        st.markdown(line)


def tiles(row: tuple[Tile, ...]) -> None:
    """Tiles side by side, each with its caption, and one line under the row on how current
    their data is (not one per tile)."""
    for column, tile in zip(st.columns(len(row)), row, strict=True):
        with column:
            st.metric(
                tile.label,
                tile.value,
                delta=tile.delta,
                delta_color=tile.delta_color,
                help=tile.help or None,
            )
            if tile.caption:
                st.caption(tile.caption)
    as_of_line(*(tile.dataset for tile in row if tile.dataset))


# Material icons, not emoji: an emoji icon makes Streamlit load and compile its emoji catalogue
# (~0.25 s of the process's first run), and they render the same in every browser font.
INFO_ICON = ":material/info:"
WARNING_ICON = ":material/warning:"


# Page CSS. A clear focus ring (WCAG 2.4.7) on what the project styles or adds: the sidebar's
# page links, radio buttons (their input is hidden, so the ring goes on the label), tabs,
# buttons, links and expanders. Streamlit's own is faint or missing on several of these.
PAGE_CSS = """
<style>
[data-testid="stSidebarNavLink"]:focus-visible, [role="tab"]:focus-visible,
button:focus-visible, a:focus-visible, summary:focus-visible,
[data-testid="stRadio"] label:has(input:focus-visible),
[data-testid="stCheckbox"] label:has(input:focus-visible) {
  outline: 3px solid #005eb8 !important; outline-offset: 2px; border-radius: 4px;
}
/* Code in a caption: Streamlit gives it a grey of its own, which the caption's 60% opacity
   fades to 3.4:1; the caption's own colour reaches 5:1 like the rest of the caption. */
[data-testid="stCaptionContainer"] code { color: inherit; }
/* A tab bar scrolled into view stays clear of Streamlit's header bar. */
[role="tablist"] { scroll-margin-top: 4rem; }
</style>
"""

# Two things Streamlit does not do: a shared link that names a tab (?ae_tab=Rank) opens with that
# tab in view, not at the top of the page; and on a phone the sidebar closes once a page is
# chosen from it (it otherwise stays over the page). Installed once per browser tab.
BROWSER_AIDS_JS = """
<script>
(() => {
  if (window.__dashboardAids) return;
  window.__dashboardAids = true;
  const tabKeys = %s;
  const params = new URLSearchParams(window.location.search);
  if (tabKeys.some((key) => params.has(key))) {
    // Scroll once the run has settled (charts above the tabs change the layout while they
    // draw), again a moment later, and never after the reader has scrolled themselves.
    let moved = false, settled = 0;
    for (const kind of ["wheel", "touchmove", "keydown", "mousedown"]) {
      window.addEventListener(kind, () => { moved = true; }, {once: true, capture: true});
    }
    const show = () => {
      const tab = document.querySelector('[role="tab"][aria-selected="true"]');
      if (tab && !moved) (tab.closest('[role="tablist"]') || tab).scrollIntoView({block: "start"});
    };
    const started = Date.now();
    const timer = setInterval(() => {
      const tab = document.querySelector('[role="tab"][aria-selected="true"]');
      const running = document.querySelector('[data-testid="stStatusWidget"]');
      settled = tab && !running ? settled + 1 : 0;
      if (settled >= 4) {
        clearInterval(timer);
        show();
        setTimeout(show, 1500);
      } else if (Date.now() - started > 60000) {
        clearInterval(timer);
      }
    }, 250);
  }
  document.addEventListener("click", (event) => {
    if (!event.target.closest('[data-testid="stSidebarNavLink"]')) return;
    if (window.innerWidth > 768) return;  // Streamlit's phone layout overlays the sidebar
    setTimeout(() => {
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }, 300);
  }, true);
})();
</script>
"""


def lines_to_quote(lines: tuple[str, ...]) -> None:
    """The headline engine's sentences for a page (those the briefing prints), folded so that
    the tabs stay in view on a 900 px screen."""
    if not lines:
        return
    with st.expander("These figures in sentences to quote"):
        st.markdown("\n".join(f"- {line}" for line in lines))


def browser_aids(tab_keys: list[str]) -> None:
    """The focus ring and the two browser behaviours above; call once per run from the app."""
    st.html(PAGE_CSS)  # style only: Streamlit puts it out of the layout
    # In the sidebar's foot, so the main column gets no empty element.
    st.sidebar.html(BROWSER_AIDS_JS % json.dumps(tab_keys), unsafe_allow_javascript=True)


def no_data(what: str, why: str, *dataset_ids: str) -> None:
    """A section without data says why: the snapshot lacks it (``why``), or the datasets it reads
    could not be read (the reason recorded when they were loaded)."""
    reasons = data.unavailable(*dataset_ids)
    if reasons:
        st.warning(
            f"**This section's data is unavailable:** {'; '.join(reasons)}. The rest of the "
            "dashboard still works; rebuild the snapshot to restore it.",
            icon=INFO_ICON,
        )
    else:
        st.info(f"**No data for {what}.** {why}", icon=INFO_ICON)


def draw(
    chart: Chart,
    *,
    key: str,
    sources: tuple[str, ...] | None = None,
    chart_width: int = 3,
) -> None:
    """The chart beside its table, its sources (the chart's own unless given), its notes."""
    chart_with_table(
        chart.figure,
        chart.table,
        summary=chart.summary,
        key=key,
        sources=chart.sources if sources is None else sources,
        chart_width=chart_width,
    )
    for note in chart.notes:
        st.caption(note)


def chart_with_table(
    figure: go.Figure,
    table: pd.DataFrame,
    *,
    summary: str,
    key: str,
    sources: tuple[str, ...],
    chart_width: int = 3,
) -> None:
    """A chart, its one-line summary, the data as a table beside it, and the sources under both.

    The chart carries a short source line of its own (``plotly_chart``); the caption stays,
    in full, because it is the table's source too (a table copied from the page has no line of
    its own) and it says what the figure's short line leaves out: the full title, how our
    copy was obtained, the licence and whether it is the publisher's own file."""
    st.markdown(summary)
    chart_column, table_column = st.columns([chart_width, 2])
    with chart_column:
        plotly_chart(figure, key=key, sources=sources)
    with table_column:
        st.dataframe(table, hide_index=True, key=f"{key}_table")
    source_caption(*sources)


def plotly_chart(figure: go.Figure, *, key: str, sources: tuple[str, ...]) -> None:
    """Every chart the app draws goes through here: the figure gains its source line (so a PNG
    saved from its toolbar names its sources, period and release date) and the toolbar its
    file name. Element key ``{key}_chart``."""
    line = provenance.chart_source_line(sources, data.manifest_datasets())
    st.plotly_chart(
        _with_source(figure, line), key=f"{key}_chart", config=chart_config(key, sources)
    )


# Figure (by identity) -> (the line it was given, the copy carrying it). Pages draw figures
# memoised for the process (data.memo), and copying one for its source line cost a quarter of
# the overview's run; under load every millisecond of a run is shared by the sessions on the
# one CPU. The weak reference's callback drops an entry when its figure is freed, so this never
# keeps a figure alive and an id reused by a new figure never meets an old entry.
_SOURCED: dict[int, tuple[str, go.Figure, weakref.ref]] = {}


def _with_source(figure: go.Figure, line: str) -> go.Figure:
    key = id(figure)
    held = _SOURCED.get(key)
    if held is not None and held[0] == line and held[2]() is figure:
        return held[1]
    sourced = style.with_source(figure, line)
    _SOURCED[key] = (line, sourced, weakref.ref(figure, lambda _ref: _SOURCED.pop(key, None)))
    return sourced


def chart_config(key: str, sources: tuple[str, ...] = ()) -> dict:
    """Plotly's toolbar for one chart: the camera saves a PNG at twice the screen's resolution
    (sharp in Word and print) named after the chart, the seat and the first dataset, e.g.
    ``ae_trend_E14001410_nhse_ae_monthly.png``, instead of ``newplot.png``."""
    area = st.query_params.get("area", "")
    parts = [key, area if area.isalnum() else "", *sources[:1]]
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": "_".join(p for p in parts if p),
            "scale": 2,
        },
    }


def download_csv(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    dataset_ids: list[str],
    file_name: str,
    key: str,
    label: str = "",
) -> None:
    """Download buttons for exactly ``frame`` (or what the callable returns, read only when
    clicked): a zip of the CSV with its sources (README.txt and datapackage.json), and the
    same CSV alone. Neither CSV has anything above its header row, so ``pd.read_csv(path)``
    and a spreadsheet open it as it is; the sources travel beside it, never inside."""
    from dashboard.core import exports

    rows = frame if callable(frame) else lambda: frame
    manifest = data.snapshot().manifest["datasets"]
    view_url = current_view_url()
    stem = file_name.removesuffix(".csv")
    count = "" if callable(frame) else f"these {len(frame):,} rows"
    left, right = st.columns(2)
    left.download_button(
        label or f"Download {count or stem} with sources (zip: CSV, README, datapackage.json)",
        data=lambda: exports.zip_with_readme(rows(), dataset_ids, manifest, view_url),
        file_name=f"{stem}.zip",
        mime="application/zip",
        key=f"{key}_zip",
        on_click="ignore",
    )
    right.download_button(
        f"CSV only ({stem}.csv)",
        data=lambda: exports.csv_bytes(rows()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
        help="The same rows as a plain CSV; its sources: "
        + "; ".join(data.source_line(d) for d in dataset_ids),
    )


def file_name(*parts: str, suffix: str = ".csv") -> str:
    """A download's name that says what it holds (area, measure, period), e.g.
    'nottingham-and-england_homelessness_2018-04-to-2025-12.csv', so a saved file is found
    again by its name."""
    slugs = (re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in parts if part)
    return "_".join(slug for slug in slugs if slug) + suffix


def period_span(frame: pd.DataFrame) -> str:
    """The months a long table covers ('2018-04-to-2025-12', or '2025-05' for one month), or ""
    without period columns."""
    if frame is None or "period_start" not in frame.columns or frame.empty:
        return ""
    start = pd.to_datetime(frame["period_start"]).min()
    end = pd.to_datetime(frame.get("period_end", frame["period_start"])).max()
    if f"{start:%Y-%m}" == f"{end:%Y-%m}":
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m}-to-{end:%Y-%m}"


def current_view_url() -> str:
    """The link that reproduces this view, as the browser reported it (empty in tests)."""
    return st.context.url or ""


def run_guarded(page) -> None:
    """Run a page so that no exception reaches the browser: Community Cloud forces
    showErrorDetails to a value that shows tracebacks, so the config alone cannot hide them.
    The server log keeps the traceback under a short reference that the page shows."""
    try:
        page()
    except Exception:  # the last guard; Streamlit's stop and rerun are BaseException
        reference = secrets.token_hex(4)
        LOG.exception("page failed, reference %s", reference)
        st.error(
            "Part of this page could not be shown because of a fault on our side "
            f"(reference {reference}). The other pages still work; please quote the reference "
            "when you report it.",
            icon=":material/error:",
        )
