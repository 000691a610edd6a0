"""Safety at HMP Nottingham: crowding, inspections, violence and self-harm, staffing, the map.

The title, the population tiles and the intro are always drawn; the sections are tabs kept in
the link (``?prison_tab=``) and only the open one runs. Each tab's figures, tables and sentences
come from a view model cached per process (``data.memo``) and keyed by the tab's controls, so a
session pays only for drawing them. Only the map depends on the seat.
"""

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import headlines
from dashboard.core import catalogue
from dashboard.topics import registry
from dashboard.topics.prison import figures as charts
from dashboard.topics.prison import model as pdata
from dashboard.ui import components, data, maps, state
from dashboard.ui.model_types import Tile
from dashboard.ui.state import Selection

SAFETY_ID = "moj_safety_by_prison_2025_26"
NATIONAL_SAFETY_ID = "moj_safety_national"
WEEKLY_ID = "moj_prison_population_weekly"
STAFF_ID = "noms_workforce_june_2016"
STANDARDS_ID = "hmip_prison_standards_national"
HMIP_ID = "hmip_nottingham"
SITE_ID = "hmp_nottingham"

TAB_KEY, TABS = registry.tabs("prison")
EVENT_COLUMNS = ["key", "kind", "start", "end", "label", "year_only", "judgements_held"]
LINK_TEXT = r"https?://(?:www\.)?([^/]+)/.*"


@dataclass(frozen=True)
class Population:
    datasets: tuple[str, ...]
    series: pd.DataFrame
    years: tuple[int, ...]
    tiles: tuple[Tile, ...]  # the latest month
    tile_dataset: str


@dataclass(frozen=True)
class PopulationView:
    chart: components.Chart
    export: pd.DataFrame


@dataclass(frozen=True)
class Inspections:
    summary: str
    grid: go.Figure
    timeline: pd.DataFrame
    urgent: tuple[str, ...]
    citations: pd.DataFrame
    figures: pd.DataFrame | None
    export: pd.DataFrame
    standards: components.Chart | None


@dataclass(frozen=True)
class Staffing:
    chart: components.Chart
    excluded: str
    export: pd.DataFrame


# --- view models: built once per process and input, shared read-only by every session ---------


@data.memo
def _events() -> pd.DataFrame:
    inspections = data.table(HMIP_ID, "inspections")
    if inspections is None:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    return pdata.inspection_events(inspections, data.table(HMIP_ID, "inspection_figures"))


@data.memo
def _population_rows() -> dict[str, pd.DataFrame]:
    """HMP Nottingham's capacity rows of each bulletin, sliced once from the national tables."""
    rows = {}
    for dataset_id in pdata.POPULATION_DATASETS:
        frame = data.observations(dataset_id)
        if frame is not None:
            mask = (frame["area_code"] == pdata.PRISON) & frame["measure"].isin(
                pdata.CAPACITY_MEASURES
            )
            rows[dataset_id] = frame[mask]
    return rows


@data.memo
def _population() -> Population | None:
    frames = _population_rows()
    if not frames:
        return None
    series = pdata.population_series(frames)
    held = series[series["population"].notna()]
    tiles: tuple[Tile, ...] = ()
    tile_dataset = ""
    if not held.empty:
        latest = held.iloc[-1]
        tile_dataset = latest["dataset"]
        # The first tile names the day, which all four share; the labels stay short so that a
        # quarter of a laptop-wide row does not cut them off.
        day = latest["date"].strftime("%-d %b %Y")
        same_day = f"On {day}, the latest month held."
        tiles = (
            Tile(f"Population, {day}", f"{latest['population']:,.0f}", "", dataset=tile_dataset),
            Tile(
                "Operational capacity",
                f"{latest['operational_capacity']:,.0f}",
                f"The most prisoners the prison may safely hold. {same_day}",
                dataset=tile_dataset,
            ),
            Tile(
                "In-use CNA",
                f"{latest['in_use_cna']:,.0f}",
                "Certified normal accommodation in use: the prison's uncrowded capacity. "
                + same_day,
                dataset=tile_dataset,
            ),
            Tile(
                "% of in-use CNA",
                f"{latest['pct_of_cna']:.0f}%",
                "Population as % of in-use CNA: over 100% means more prisoners than certified "
                f"normal accommodation, crowding. {same_day}",
                dataset=tile_dataset,
            ),
        )
    years = tuple(sorted(int(year) for year in series["date"].dt.year.unique()))
    return Population(tuple(frames), series, years, tiles, tile_dataset)


@data.memo
def _population_view(first: int, last: int) -> PopulationView:
    population = _population()
    shown = pdata.filter_years(population.series, first, last)
    chart = components.Chart(
        charts.population_chart(shown, _events(), first, last),
        pdata.population_table(shown),
        pdata.population_summary(shown)
        + " Certified normal accommodation (CNA) is the prison's uncrowded capacity; "
        "operational capacity is the most it may safely hold.",
        population.datasets,
    )
    return PopulationView(chart, pdata.population_export(_population_rows(), first, last))


@data.memo
def _national_population() -> components.Chart | None:
    bulletin = data.observations(pdata.POPULATION_DATASETS[0])
    national = pdata.national_population_series(data.observations(WEEKLY_ID), bulletin)
    if national.empty:
        return None
    latest = national.sort_values("date").iloc[-1]
    table = (
        national.sort_values("date", ascending=False)
        .rename(
            columns={
                "date": "Date",
                "population": catalogue.measure("population").short_label,
                "series": "Series",
                "dataset": "Dataset",
                "status": "Status",
            }
        )
        .assign(Date=lambda f: f["Date"].dt.date)
    )
    return components.Chart(
        charts.national_population_chart(national),
        table,
        f"For context, England and Wales held **{latest['population']:,.0f}** prisoners on "
        f"{latest['date'].strftime('%-d %B %Y')} (the latest national figure in our sources). "
        "Bank-holiday weeks blank in the source are gaps.",
        tuple(national["dataset"].unique()),
    )


def _figures_table(figures: pd.DataFrame | None) -> pd.DataFrame | None:
    if figures is None:
        return None
    columns = {
        "inspection_or_period": "Inspection",
        "metric": "Figure",
        "value": "Value (as quoted)",
        "context": "Context",
        "source_title": "Source",
        "source_url": "Link",
    }
    return figures[list(columns)].rename(columns=columns)


@data.memo
def _inspections() -> Inspections | None:
    inspections = data.table(HMIP_ID, "inspections")
    events = _events()
    if inspections is None or events.empty:
        return None
    urgent = tuple(
        f"**{event.label}**: the Chief Inspector wrote to the Secretary of State for Justice "
        f"under the Urgent Notification protocol for the first time "
        f"([{event.source_title}]({event.source_url}))."
        for event in events[events["kind"] == "urgent_notification"].itertuples()
    )
    standards = None
    observations = data.observations(STANDARDS_ID)
    if observations is not None:
        series = pdata.standards_series(observations)
        standards = components.Chart(
            charts.standards_chart(series),
            pdata.standards_table(series),
            pdata.standards_summary(series, inspections),
            (STANDARDS_ID,),
        )
    return Inspections(
        summary=pdata.inspection_summary(inspections, events),
        grid=charts.judgement_grid_chart(pdata.judgement_grid(inspections, events)),
        timeline=pdata.timeline_table(inspections, events),
        urgent=urgent,
        citations=pdata.citations_table(inspections),
        figures=_figures_table(data.table(HMIP_ID, "inspection_figures")),
        export=pdata.inspections_export(inspections),
        standards=standards,
    )


@data.memo
def _safety_by_prison() -> pd.DataFrame | None:
    observations = data.observations(SAFETY_ID)
    return None if observations is None else pdata.safety_by_prison(observations)


@data.memo
def _safety_figure(rate: str) -> go.Figure:
    return charts.safety_distribution_chart(_safety_by_prison(), rate)


@data.memo
def _safety_view(rate: str, only_group: bool) -> components.Chart:
    table = _safety_by_prison()
    return components.Chart(
        _safety_figure(rate),
        pdata.safety_table(table, rate, only_group),
        pdata.safety_summary(table, rate),
        (SAFETY_ID,),
    )


@data.memo
def _safety_export(only_group: bool) -> pd.DataFrame:
    return pdata.safety_export(data.observations(SAFETY_ID), _safety_by_prison(), only_group)


@data.memo
def _national_safety() -> components.Chart | None:
    observations = data.observations(NATIONAL_SAFETY_ID)
    if observations is None:
        return None
    series = pdata.national_safety_series(observations)
    return components.Chart(
        charts.national_safety_chart(series),
        pdata.national_safety_table(series),
        pdata.national_safety_summary(series),
        (NATIONAL_SAFETY_ID,),
    )


@data.memo
def _staffing(group: str) -> Staffing | None:
    observations = data.observations(STAFF_ID)
    if observations is None:
        return None
    prisons, national, excluded = pdata.staffing_by_prison(observations, group)
    chart = components.Chart(
        charts.staffing_chart(prisons, national, group),
        pdata.staffing_table(prisons),
        pdata.staffing_summary(prisons, national, group)
        + " The benchmark is the staffing level NOMS set for each prison.",
        (STAFF_ID,),
    )
    left_out = (
        f"Left out of the ranking ({len(excluded)}): "
        + "; ".join(f"{r.area_name} ({r.status})" for r in excluded.itertuples())
        + ". Private prisons are not in this table."
        if not excluded.empty
        else ""
    )
    return Staffing(chart, left_out, pdata.staffing_export(observations, group))


@data.memo
def _gaps() -> tuple[str, ...]:
    population = _population()
    series = (
        population.series
        if population is not None
        else pd.DataFrame(columns=["month", "date", "dataset", "status"])
    )
    staff = data.observations(STAFF_ID)
    staffing = pdata.staffing_day(staff) if staff is not None else None
    return tuple(pdata.record_gaps(series, _events(), staffing))


@data.memo
def _map(seat: str, boundary_set: str) -> components.Chart | None:
    selection = Selection(seat, boundary_set)
    sites = data.table("named_sites", "sites")
    prison = sites[sites["site_id"] == SITE_ID] if sites is not None else None
    # The prison's own seat is drawn even when it is not a neighbour of the chosen one.
    home = () if prison is None or prison.empty else (prison.iloc[0][f"{boundary_set}_code"],)
    frames = data.seat_map(seat, boundary_set, home)
    if frames is None or sites is None:
        return None
    figure = maps.constituency_map(
        seat_code=selection.code,
        seats=frames.seats,
        boundary_label=selection.boundary_label,
        other_outline=frames.other_outline,
        other_label=frames.other_label,
        sites=sites,
    )
    charts.highlight_site(figure, sites, SITE_ID)
    table = sites[["name", "postcode", "role", f"{boundary_set}_name", "ward2013_name"]].rename(
        columns={
            "name": "Site",
            "postcode": "Postcode",
            "role": "Role",
            f"{boundary_set}_name": f"Constituency ({selection.boundary_label})",
            "ward2013_name": "Ward (2013 boundaries)",
        }
    )
    if prison.empty:
        summary = "HMP Nottingham is not in the named sites table."
    else:
        row = prison.iloc[0]
        summary = (
            f"**HMP Nottingham** (Perry Road, {row['postcode']}) lies in "
            f"**{row[f'{boundary_set}_name']}** ({row[f'{boundary_set}_code']}, "
            f"{selection.boundary_label}), in the {row['ward2013_name']} ward (2013 "
            "boundaries); it is ringed in vermillion."
        )
        if row[f"{boundary_set}_code"] != selection.code:
            summary += f" It is outside {selection.name}, the seat selected in the sidebar."
    return components.Chart(figure, table, summary, ("ons_pcon_boundaries", "named_sites"))


# --- drawing ----------------------------------------------------------------------------------


def _third_party(*dataset_ids: str) -> None:
    note = pdata.third_party_note(dataset_ids)
    if note:
        st.markdown(f":orange-badge[Third-party compilation] {note.split(': ', 1)[1]}")


def _caveats(dataset_id: str, label: str = "Caveats on this source") -> None:
    with st.expander(label):
        st.markdown("\n".join(f"- {caveat}" for caveat in catalogue.get(dataset_id).caveats))


@data.memo
def _sentences() -> tuple[str, ...]:
    """The briefing's HMP Nottingham lines (one engine: the newest period held, the measure
    records' definitions, a third party's rate labelled with its method)."""
    return headlines.topic_lines("prison", data.observations, {})


def _tiles(population: Population | None) -> None:
    if population is None or not population.tiles:
        return
    components.tiles(population.tiles)
    components.lines_to_quote(_sentences())
    components.source_caption(population.tile_dataset)


def _crowding_tab(population: Population | None) -> None:
    st.header("Population and crowding")
    if population is None:
        components.no_data(
            "population",
            "The snapshot has no population bulletins; rebuild it.",
            "moj_population_bulletin_2011_2016",
            "moj_population_bulletin_nottingham_2018_2026",
        )
        return
    years = population.years
    first, last = state.url_choice(
        st.select_slider,
        "Years shown",
        years,
        key="prison_years",
        value=(years[0], years[-1]),
    )
    view = _population_view(first, last)
    _third_party(*population.datasets)
    components.draw(view.chart, key="prison_population", chart_width=4)
    st.caption(
        pdata.population_gaps(population.series)
        + " Shaded bands mark inspections whose month is not stated."
    )
    for dataset_id in population.datasets:
        _caveats(dataset_id, f"Caveats: {catalogue.get(dataset_id).title}")
    components.download_csv(
        view.export,
        dataset_ids=list(population.datasets),
        file_name=f"hmp_nottingham_population_{first}_{last}.csv",
        key="prison_population_csv",
    )
    national = _national_population()
    if national is not None:
        _third_party(*national.sources)
        components.draw(national, key="prison_national_population")


def _inspections_tab() -> None:
    st.header("What inspectors found")
    view = _inspections()
    if view is None:
        components.no_data("inspections", "The snapshot has no HMIP records for HMP Nottingham.")
        return
    _third_party(HMIP_ID)
    st.markdown(view.summary)
    # Full width, with the timeline table under it: at two fifths of the page neither the grid's
    # four columns of words nor the table's links are readable.
    components.plotly_chart(view.grid, key="prison_grid", sources=(HMIP_ID,))
    st.caption(pdata.GRID_FOOTNOTE.replace("*", "\\*"))
    st.dataframe(
        view.timeline,
        hide_index=True,
        key="prison_timeline_table",
        column_config={
            "Source": st.column_config.LinkColumn("Source", display_text=LINK_TEXT),
            "Also cited": st.column_config.LinkColumn("Also cited", display_text=LINK_TEXT),
        },
    )
    for sentence in view.urgent:
        st.markdown(sentence)
    components.source_caption(HMIP_ID)
    with st.expander("Every judgement with its citation"):
        link = {"Link": st.column_config.LinkColumn("Link")}
        st.dataframe(
            view.citations, hide_index=True, key="prison_citations_table", column_config=link
        )
        if view.figures is not None:
            st.markdown("**Figures quoted by inspectors and in reports of the inspections**")
            st.dataframe(
                view.figures, hide_index=True, key="prison_figures_table", column_config=link
            )
        components.source_caption(HMIP_ID)
    _caveats(HMIP_ID, "Caveats on the inspection records")
    components.download_csv(
        view.export,
        dataset_ids=[HMIP_ID],
        file_name="hmp_nottingham_inspections.csv",
        key="prison_inspections_csv",
    )
    if view.standards is None:
        components.no_data("national inspection results", "Not in the snapshot.")
        return
    _third_party(STANDARDS_ID)
    components.draw(view.standards, key="prison_standards")


def _safety_tab() -> None:
    table = _safety_by_prison()
    if table is None:
        st.header("Violence and self-harm")
        components.no_data("violence and self-harm", "The by-prison compilation is not loaded.")
        return
    incidents = pdata.safety_period(table, pdata.SAFETY_MEASURES["assault_rate"][0])
    st.header(f"Violence and self-harm, {incidents}")
    st.warning(
        "**Compiled by a third party from MoJ tables, pending the official file.** Walk Forward "
        "Research summed MoJ's monthly incident counts by prison (Safety in Custody Tables 8a "
        "and 9a) and divided by one month's population "
        f"({pdata.safety_period(table, 'population')}), not MoJ's average, so these "
        "are not the official rates; months MoJ suppresses (2 or fewer incidents) count as none.",
        icon=components.WARNING_ICON,
    )
    rate = state.url_choice(
        st.radio,
        "Measure",
        pdata.SAFETY_MEASURES,
        key="prison_safety_measure",
        format_func=lambda key: pdata.SAFETY_MEASURES[key][1],
        horizontal=True,
    )
    only = state.url_flag(
        st.toggle,
        "Table and download: only HMP Nottingham and its comparator group",
        key="prison_safety_only_group",
        value=False,
    )
    components.draw(_safety_view(rate, only), key="prison_safety")
    st.caption(
        f"Highlighted: {pdata.COMPARATOR_SOURCE} Hatched blue bars are that group; HMP "
        "Nottingham is vermillion and labelled."
    )
    _caveats(SAFETY_ID)
    components.download_csv(
        _safety_export(only),
        dataset_ids=[SAFETY_ID, pdata.POPULATION_DATASETS[0]],
        file_name=components.file_name("prison safety", incidents),
        key="prison_safety_csv",
    )
    national = _national_safety()
    if national is None:
        components.no_data("the national trend", "Not in the snapshot.")
        return
    _third_party(NATIONAL_SAFETY_ID)
    components.draw(national, key="prison_national_safety")
    _caveats(NATIONAL_SAFETY_ID)


def _staffing_tab() -> None:
    staff = data.observations(STAFF_ID)
    if staff is None:
        st.header("Staffing against benchmark")
        components.no_data("staffing", "The NOMS workforce table is not loaded.")
        return
    st.header(f"Staffing against benchmark, {pdata.staffing_day(staff)}")
    group = state.url_choice(
        st.radio,
        "Staff group",
        pdata.STAFF_MEASURES,
        key="prison_staff_group",
        format_func=lambda key: pdata.STAFF_MEASURES[key],
        horizontal=True,
    )
    view = _staffing(group)
    components.draw(view.chart, key="prison_staffing")
    if view.excluded:
        st.caption(view.excluded)
    _caveats(STAFF_ID)
    components.download_csv(
        view.export,
        dataset_ids=[STAFF_ID, pdata.POPULATION_DATASETS[0]],
        file_name=components.file_name("prison staffing", pdata.staffing_day(staff), group),
        key="prison_staffing_csv",
    )


def _gaps_tab() -> None:
    with st.container(border=True):
        st.header("What the published record does not tell us")
        st.markdown("\n".join(f"- {gap}" for gap in _gaps()))
        st.caption(
            "MoJ: 'When interpreting figures for particular establishments there is no "
            "substitute for knowledge of local factors.'"
        )


def _map_tab(selection: Selection) -> None:
    st.header("Where it is")
    view = _map(selection.seat, selection.boundary_set)
    if view is None:
        components.no_data("the map", "The snapshot has no boundaries or named sites.")
        return
    components.draw(view, key="prison_map")


def render(selection: Selection) -> None:
    st.title("HMP Nottingham")
    st.caption(
        "Perry Road, Nottingham NG5 3AG · NOMIS code NMI · a men's local prison in Nottingham "
        "East · is it safer than it was, and how does it compare?"
    )
    population = _population()
    _tiles(population)
    since = f" since {population.years[0]}" if population and population.years else ""
    st.markdown(
        f"Crowding against capacity{since}, what inspectors found, assaults and self-harm "
        "among all prisons, staffing against benchmark, and what the published record does "
        "not tell us. Figures compiled by third parties are labelled where they appear."
    )
    state.draw_tabs(
        TABS,
        key=TAB_KEY,
        sections={
            "Crowding": lambda: _crowding_tab(population),
            "Inspections": _inspections_tab,
            "Assaults and self-harm": _safety_tab,
            "Staffing": _staffing_tab,
            "Map": lambda: _map_tab(selection),
            "Gaps in the record": _gaps_tab,
        },
    )
