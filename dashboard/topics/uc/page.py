"""Universal Credit: households on UC in the seat and the city, month by month, and compared.

The headline tiles sit above lazy tabs kept in the URL (``?uc_tab=``); only the open tab runs.
Every figure, table and sentence comes from a view model in ``ui.uc_data``, made once per
process for each seat, mode and month.
"""

import pandas as pd
import streamlit as st

from dashboard import geography
from dashboard.core import catalogue
from dashboard.topics.uc import figures as charts
from dashboard.topics.uc import view_models as models
from dashboard.ui import components, state
from dashboard.ui.state import Selection

TAB_KEY = "uc_tab"
TABS = ("Trend", "Growth", "Map", "Compare", "Estimate check", "Notes")
DEFAULT_BASE = pd.Timestamp("2019-01-01")
# Material icons, not emoji: they render in every browser font, and an emoji icon makes
# Streamlit compile its emoji pattern (~0.2 s) on a process's first alert.
ESTIMATE_ICON = ":material/straighten:"
INFO_ICON = ":material/info:"
ESTIMATE_LABEL = (
    "**Estimate, not a DWP figure.** DWP publishes households on UC by constituency only as "
    "one-off tables (here May 2025, July 2024 seats). The monthly constituency line is this "
    "dashboard's estimate: each neighbourhood's (MSOA's) count shared among the city's seats by "
    "the share of its area inside each."
)


def _mode(key: str) -> str:
    return state.url_choice(
        st.radio,
        "Show",
        list(models.MODE_LABELS),
        key=key,
        format_func=models.MODE_LABELS.get,
        horizontal=True,
    )


def _headline(selection: Selection) -> None:
    """The latest figures with their month, release dates and whether each is an estimate."""
    headline = models.headline(selection.seat, selection.boundary_set)
    st.markdown(
        f"**Latest figures for {selection.name}** ({selection.boundary_label}): households on "
        "Universal Credit, not people; (p) = provisional."
    )
    for column, tile in zip(st.columns(3), headline.tiles, strict=False):
        with column:
            st.metric(tile.label, tile.value, help=tile.help)
            components.as_of_caption(tile.dataset)
            # The estimate's note sits under its release dates here, unlike other pages' tiles.
            if tile.caption:
                st.caption(tile.caption)
    components.source_caption(*headline.sources)


def _trend_tab(selection: Selection) -> None:
    st.subheader("Households on Universal Credit over time")
    mode = _mode("uc_trend_mode")
    trend = models.trend(selection.seat, selection.boundary_set, mode)
    if trend.panel is None:
        components.no_data("the monthly series", "The snapshot has no DWP local authority series.")
        return
    if trend.has_estimate:
        st.warning(ESTIMATE_LABEL, icon=ESTIMATE_ICON)
    else:
        st.info(models.no_estimate_reason(selection), icon=INFO_ICON)
    components.chart_with_table(
        trend.panel.figure,
        trend.panel.table,
        summary=trend.panel.summary,
        key="uc_trend",
        sources=trend.panel.sources,
    )
    if trend.denominator_note:
        st.caption(trend.denominator_note)
        components.source_caption(models.POPULATION)
    for note in trend.panel.notes:
        st.caption(note)
    components.download_csv(
        trend.export,
        dataset_ids=list(trend.export_sources),
        file_name=f"uc_monthly_{selection.code}.csv",
        key="uc_trend_download",
        label=f"Download the monthly series ({len(trend.export):,} rows, CSV with sources)",
    )


def _growth_tab(selection: Selection) -> None:
    st.subheader("Growth against Great Britain, indexed to a common month")
    bases = models.index_base_options()
    if not bases:
        components.no_data("the index", "No month has a positive count for every series.")
        return
    base = state.url_choice(
        st.select_slider,
        "Index month (= 100)",
        bases,
        key="uc_index_base",
        value=DEFAULT_BASE if DEFAULT_BASE in bases else bases[-1],
        format_func=charts.month_label,
    )
    panel = models.growth(selection.seat, selection.boundary_set, pd.Timestamp(base))
    if panel is None:
        components.no_data("the index", "The snapshot has no DWP local authority series.")
        return
    if models.ESTIMATE in panel.sources:
        st.caption(
            f"The {selection.name} line is an estimate derived by this dashboard from DWP's "
            "neighbourhood (MSOA) counts, not a DWP figure."
        )
    components.draw(panel, key="uc_index")


def _map_tab(selection: Selection) -> None:
    st.subheader("Households on UC by neighbourhood")
    months, _ = models.msoa_months()
    if not months:
        components.no_data(
            "the neighbourhood map", "The snapshot lacks the MSOA counts or the LSOA outlines."
        )
        return
    month = state.url_choice(
        st.select_slider,
        "Month",
        months,
        key="uc_map_month",
        value=months[-1],
        format_func=charts.month_label,
        help="January to October 2023 are not in the DWP export, so the slider skips them.",
    )
    month = pd.Timestamp(month)
    view = models.msoa_map(selection.seat, selection.boundary_set, month)
    if view is None:
        components.no_data(
            "the neighbourhood map", "The snapshot lacks the MSOA counts or the LSOA outlines."
        )
        return
    components.draw(view.panel, key="uc_map")
    components.download_csv(
        view.rows,
        dataset_ids=[models.MSOA],
        file_name=f"uc_msoa_{month:%Y-%m}.csv",
        key="uc_map_download",
        label=f"Download {charts.month_label(month)} by MSOA ({len(view.rows)} rows, CSV)",
    )


def _compare_tab(selection: Selection) -> None:
    st.subheader("Nottingham's seats against similar places, latest month")
    seat = geography.SEATS[selection.seat]
    if selection.boundary_set == "pcon2010":
        st.info(
            f"DWP's constituency table is on the July 2024 boundaries only, so {selection.name} "
            f"(2010-2024 boundaries) has no official figure; its successor, "
            f"{seat.names['pcon2024']}, is highlighted.",
            icon=INFO_ICON,
        )
    mode = _mode("uc_compare_mode")
    view = models.comparison(seat.codes["pcon2024"], mode)
    if view is None:
        components.no_data("the comparison", "The snapshot has no DWP constituency table.")
        return
    components.draw(view.panel, key="uc_compare")
    components.download_csv(
        view.export,
        dataset_ids=[models.PCON, models.POPULATION],
        file_name="uc_constituencies_may2025.csv",
        key="uc_compare_download",
        label=f"Download this comparison ({len(view.export)} rows, CSV with sources)",
    )


def _check_tab(selection: Selection) -> None:
    st.subheader("How good is the monthly estimate?")
    text, with_sources = models.estimate_check(selection.seat, selection.boundary_set)
    if with_sources:
        st.warning(ESTIMATE_LABEL, icon=ESTIMATE_ICON)
    st.markdown(text)
    if with_sources:
        components.source_caption(models.ESTIMATE, models.MSOA, models.LAD_MAY, models.PCON)


def _notes_tab(selection: Selection) -> None:
    st.subheader("What this page does not show yet")
    st.markdown(
        "- **People rather than households.** DWP's headline figures count people on UC (the "
        "'People on Universal Credit' dataset); every figure here counts households, a smaller "
        "number.\n"
        "- **Ward level.** Our sources have UC counts for neighbourhoods (MSOAs), the city and "
        "the July 2024 seats, not for wards.\n"
        "- **Move to UC by constituency.** DWP's managed-migration ('Move to UC') release figures "
        "are not in our sources.\n"
        "- **Months after November 2023**, except the single month of May 2025, and January to "
        "October 2023.\n\n"
        "The planned live refresh asks DWP's Stat-Xplore Open Data API for people and households "
        "on UC by 2010 and 2024 constituency, by ward and by local authority, every month, with "
        "an API key kept in the app's secrets. When it is built, the official constituency "
        "series will replace the estimate here and people and wards will be added. It is not "
        "running in this snapshot: every figure on this page comes from the stored exports "
        "listed under each chart."
    )
    st.subheader("Notes on these figures (from the data catalogue)")
    for dataset_id in (models.LAD, models.MSOA, models.PCON, models.ESTIMATE):
        publication = catalogue.get(dataset_id)
        st.markdown(f"**{publication.title}**")
        st.markdown("\n".join(f"- {c}" for c in publication.caveats))
        components.source_caption(dataset_id)


TAB_VIEWS = (_trend_tab, _growth_tab, _map_tab, _compare_tab, _check_tab, _notes_tab)


def render(selection: Selection) -> None:
    st.title(f"{selection.name}: Universal Credit")
    st.caption(
        f"{selection.code} · {selection.boundary_label} · households on Universal Credit, DWP "
        "Stat-Xplore; any monthly constituency figure here is an estimate derived by this "
        "dashboard, not a DWP figure"
    )
    _headline(selection)
    for tab, view in zip(state.url_tabs(TABS, key=TAB_KEY), TAB_VIEWS, strict=True):
        if tab.open:  # hidden tabs cost no server time or bytes
            with tab:
                view(selection)
