"""Safety at HMP Nottingham: crowding, inspections, violence and self-harm, staffing, the map."""

import pandas as pd
import streamlit as st

from dashboard import catalogue
from dashboard.ui import components, data, maps
from dashboard.ui import prison_charts as charts
from dashboard.ui import prison_data as pdata
from dashboard.ui.state import Selection

SAFETY_ID = "moj_safety_by_prison_2025_26"
NATIONAL_SAFETY_ID = "moj_safety_national"
WEEKLY_ID = "moj_prison_population_weekly"
STAFF_ID = "noms_workforce_june_2016"
STANDARDS_ID = "hmip_prison_standards_national"
HMIP_ID = "hmip_nottingham"

# Building plotly figures is most of this page's render time; their inputs are small frames,
# cheap to hash, so each figure is built once per input and reused across reruns and sessions.
_cache = st.cache_data(show_spinner=False, max_entries=64)
_population_chart = _cache(charts.population_chart)
_national_population_chart = _cache(charts.national_population_chart)
_judgement_grid_chart = _cache(charts.judgement_grid_chart)
_standards_chart = _cache(charts.standards_chart)
_safety_distribution_chart = _cache(charts.safety_distribution_chart)
_national_safety_chart = _cache(charts.national_safety_chart)
_staffing_chart = _cache(charts.staffing_chart)


def _third_party(*dataset_ids: str) -> None:
    note = pdata.third_party_note(dataset_ids)
    if note:
        st.markdown(f":orange-badge[Third-party compilation] {note.split(': ', 1)[1]}")


def _caveats(dataset_id: str, label: str = "Caveats on this source") -> None:
    with st.expander(label):
        for caveat in catalogue.get(dataset_id).caveats:
            st.markdown(f"- {caveat}")


def _tiles(series: pd.DataFrame) -> None:
    held = series[series["population"].notna()]
    if held.empty:
        return
    latest = held.iloc[-1]
    day = latest["date"].strftime("%-d %B %Y")
    columns = st.columns(4)
    columns[0].metric(f"Population, {day}", f"{latest['population']:,.0f}")
    columns[1].metric("Operational capacity", f"{latest['operational_capacity']:,.0f}")
    columns[2].metric("In-use CNA (uncrowded places)", f"{latest['in_use_cna']:,.0f}")
    columns[3].metric(
        "Population as % of in-use CNA",
        f"{latest['pct_of_cna']:.0f}%",
        help="Over 100% means more prisoners than certified normal accommodation: crowding.",
    )
    components.source_caption(latest["dataset"])


def _population_section(events: pd.DataFrame) -> pd.DataFrame:
    st.header("Population and crowding")
    frames = {d: data.observations(d) for d in pdata.POPULATION_DATASETS}
    frames = {d: f for d, f in frames.items() if f is not None}
    if not frames:
        components.no_data("population", "The snapshot has no population bulletins; rebuild it.")
        return pd.DataFrame(columns=["date", "population", "dataset", "status"])
    series = pdata.population_series(frames)
    _tiles(series)
    years = sorted(series["date"].dt.year.unique().tolist())
    first, last = st.select_slider(
        "Years shown",
        options=years,
        value=(years[0], years[-1]),
        key="prison_years",
    )
    shown = pdata.filter_years(series, first, last)
    _third_party(*frames)
    components.chart_with_table(
        _population_chart(shown, events, first, last),
        pdata.population_table(shown),
        summary=pdata.population_summary(shown)
        + " Certified normal accommodation (CNA) is the prison's uncrowded capacity; operational "
        "capacity is the most it may safely hold.",
        key="prison_population",
        sources=tuple(frames),
        chart_width=4,
    )
    st.caption(
        "Gaps in the lines are months with no figure in our sources, not zero: the 2011-2016 "
        "bulletins skip 12 months, nothing is held from June 2016 to February 2018, and from "
        "2018 only 15 sampled months are held. Shaded bands mark inspections whose month is "
        "not stated."
    )
    for dataset_id in frames:
        _caveats(dataset_id, f"Caveats: {catalogue.get(dataset_id).title}")
    components.download_csv(
        pdata.population_export(frames, first, last),
        dataset_ids=list(frames),
        file_name=f"hmp_nottingham_population_{first}_{last}.csv",
        key="prison_population_csv",
    )
    weekly = data.observations(WEEKLY_ID)
    bulletin = frames.get(pdata.POPULATION_DATASETS[0])
    national = pdata.national_population_series(weekly, bulletin)
    if not national.empty:
        used = tuple(national["dataset"].unique())
        latest = national.sort_values("date").iloc[-1]
        _third_party(*used)
        components.chart_with_table(
            _national_population_chart(national),
            national.sort_values("date", ascending=False)
            .rename(
                columns={
                    "date": "Date",
                    "population": "Prisoners",
                    "series": "Series",
                    "dataset": "Dataset",
                    "status": "Status",
                }
            )
            .assign(Date=lambda f: f["Date"].dt.date),
            summary=f"For context, England and Wales held **{latest['population']:,.0f}** "
            f"prisoners on {latest['date'].strftime('%-d %B %Y')} (the latest national figure in "
            "our sources). Bank-holiday weeks blank in the source are gaps.",
            key="prison_national_population",
            sources=used,
        )
    return series


def _inspection_section(events: pd.DataFrame, inspections: pd.DataFrame | None) -> None:
    st.header("What inspectors found")
    if inspections is None or events.empty:
        components.no_data("inspections", "The snapshot has no HMIP records for HMP Nottingham.")
        return
    _third_party(HMIP_ID)
    grid = pdata.judgement_grid(inspections, events)
    timeline = pdata.timeline_table(inspections, events)
    summary = pdata.inspection_summary(inspections, events)
    st.markdown(summary)
    # Full width, with the timeline table under it: at two fifths of the page neither the grid's
    # four columns of words nor the table's links are readable.
    st.plotly_chart(
        _judgement_grid_chart(grid),
        key="prison_grid_chart",
        config={"displaylogo": False},
    )
    st.caption(pdata.GRID_FOOTNOTE.replace("*", "\\*"))
    st.dataframe(
        timeline,
        hide_index=True,
        key="prison_timeline_table",
        column_config={
            "Source": st.column_config.LinkColumn(
                "Source", display_text=r"https?://(?:www\.)?([^/]+)/.*"
            ),
            "Also cited": st.column_config.LinkColumn(
                "Also cited", display_text=r"https?://(?:www\.)?([^/]+)/.*"
            ),
        },
    )
    urgent = events[events["kind"] == "urgent_notification"]
    for event in urgent.itertuples():
        st.markdown(
            f"**{event.label}**: the Chief Inspector wrote to the Secretary of State for Justice "
            f"under the Urgent Notification protocol for the first time "
            f"([{event.source_title}]({event.source_url}))."
        )
    components.source_caption(HMIP_ID)
    with st.expander("Every judgement with its citation"):
        st.dataframe(
            pdata.citations_table(inspections),
            hide_index=True,
            key="prison_citations_table",
            column_config={"Link": st.column_config.LinkColumn("Link")},
        )
        figures = data.table(HMIP_ID, "inspection_figures")
        if figures is not None:
            st.markdown("**Figures quoted by inspectors and in reports of the inspections**")
            st.dataframe(
                figures[
                    [
                        "inspection_or_period",
                        "metric",
                        "value",
                        "context",
                        "source_title",
                        "source_url",
                    ]
                ].rename(
                    columns={
                        "inspection_or_period": "Inspection",
                        "metric": "Figure",
                        "value": "Value (as quoted)",
                        "context": "Context",
                        "source_title": "Source",
                        "source_url": "Link",
                    }
                ),
                hide_index=True,
                key="prison_figures_table",
                column_config={"Link": st.column_config.LinkColumn("Link")},
            )
        components.source_caption(HMIP_ID)
    _caveats(HMIP_ID, "Caveats on the inspection records")
    components.download_csv(
        pdata.inspections_export(inspections),
        dataset_ids=[HMIP_ID],
        file_name="hmp_nottingham_inspections.csv",
        key="prison_inspections_csv",
    )
    standards = data.observations(STANDARDS_ID)
    if standards is None:
        components.no_data("national inspection results", "Not in the snapshot.")
        return
    series = pdata.standards_series(standards)
    _third_party(STANDARDS_ID)
    components.chart_with_table(
        _standards_chart(series),
        pdata.standards_table(series),
        summary=pdata.standards_summary(series, inspections),
        key="prison_standards",
        sources=(STANDARDS_ID,),
    )


def _safety_section() -> None:
    st.header("Violence and self-harm, April 2025 to March 2026")
    observations = data.observations(SAFETY_ID)
    if observations is None:
        components.no_data("violence and self-harm", "The 2025-26 compilation is not loaded.")
        return
    st.warning(
        "**Compiled by a third party from MoJ tables, pending the official file.** Walk Forward "
        "Research summed MoJ's monthly incident counts by prison (Safety in Custody Tables 8a "
        "and 9a) and divided by one month's population (April 2026), not MoJ's average, so these "
        "are not the official rates; months MoJ suppresses (2 or fewer incidents) count as none.",
        icon="⚠️",
    )
    table = pdata.safety_by_prison(observations)
    rate = st.radio(
        "Measure",
        list(pdata.SAFETY_MEASURES),
        format_func=lambda key: pdata.SAFETY_MEASURES[key][1],
        horizontal=True,
        key="prison_safety_measure",
    )
    only = st.toggle(
        "Table and download: only HMP Nottingham and its comparator group",
        value=False,
        key="prison_safety_only_group",
    )
    components.chart_with_table(
        _safety_distribution_chart(table, rate),
        pdata.safety_table(table, rate, only),
        summary=pdata.safety_summary(table, rate),
        key="prison_safety",
        sources=(SAFETY_ID,),
    )
    st.caption(
        f"Highlighted: {pdata.COMPARATOR_SOURCE} Hatched blue bars are that group; HMP "
        "Nottingham is vermillion and labelled."
    )
    _caveats(SAFETY_ID)
    components.download_csv(
        pdata.safety_export(observations, table, only),
        dataset_ids=[SAFETY_ID, pdata.POPULATION_DATASETS[0]],
        file_name="prison_safety_2025_26.csv",
        key="prison_safety_csv",
    )
    national = data.observations(NATIONAL_SAFETY_ID)
    if national is None:
        components.no_data("the national trend", "Not in the snapshot.")
        return
    series = pdata.national_safety_series(national)
    _third_party(NATIONAL_SAFETY_ID)
    components.chart_with_table(
        _national_safety_chart(series),
        pdata.national_safety_table(series),
        summary=pdata.national_safety_summary(series),
        key="prison_national_safety",
        sources=(NATIONAL_SAFETY_ID,),
    )
    _caveats(NATIONAL_SAFETY_ID)


def _staffing_section() -> None:
    st.header("Staffing against benchmark, 30 June 2016")
    observations = data.observations(STAFF_ID)
    if observations is None:
        components.no_data("staffing", "The NOMS workforce table is not loaded.")
        return
    group = st.radio(
        "Staff group",
        list(pdata.STAFF_MEASURES),
        format_func=lambda key: pdata.STAFF_MEASURES[key],
        horizontal=True,
        key="prison_staff_group",
    )
    prisons, national, excluded = pdata.staffing_by_prison(observations, group)
    components.chart_with_table(
        _staffing_chart(prisons, national, group),
        pdata.staffing_table(prisons),
        summary=pdata.staffing_summary(prisons, national, group)
        + " The benchmark is the staffing level NOMS set for each prison.",
        key="prison_staffing",
        sources=(STAFF_ID,),
    )
    if not excluded.empty:
        st.caption(
            f"Left out of the ranking ({len(excluded)}): "
            + "; ".join(f"{r.area_name} ({r.status})" for r in excluded.itertuples())
            + ". Private prisons are not in this table."
        )
    _caveats(STAFF_ID)
    components.download_csv(
        pdata.staffing_export(observations, group),
        dataset_ids=[STAFF_ID, pdata.POPULATION_DATASETS[0]],
        file_name=f"prison_staffing_june_2016_{group}.csv",
        key="prison_staffing_csv",
    )


def _gaps_box(series: pd.DataFrame, events: pd.DataFrame) -> None:
    with st.container(border=True):
        st.subheader("What the published record does not tell us")
        for gap in pdata.record_gaps(series, events):
            st.markdown(f"- {gap}")
        st.caption(
            "MoJ: 'When interpreting figures for particular establishments there is no "
            "substitute for knowledge of local factors.'"
        )


def _map_section(selection: Selection) -> None:
    st.header("Where it is")
    sites = data.table("named_sites", "sites")
    prison = sites[sites["site_id"] == "hmp_nottingham"] if sites is not None else None
    # The prison's own seat is drawn even when it is not a neighbour of the chosen one.
    home = (
        ()
        if prison is None or prison.empty
        else (prison.iloc[0][f"{selection.boundary_set}_code"],)
    )
    frames = data.seat_map(selection.seat, selection.boundary_set, home)
    if frames is None or sites is None:
        components.no_data("the map", "The snapshot has no boundaries or named sites.")
        return
    figure = maps.constituency_map(
        seat_code=selection.code,
        seats=frames.seats,
        boundary_label=selection.boundary_label,
        other_outline=frames.other_outline,
        other_label=frames.other_label,
        sites=sites,
    )
    charts.highlight_site(figure, sites, "hmp_nottingham")
    table = sites[["name", "postcode", "role", f"{selection.boundary_set}_name", "ward2013_name"]]
    table = table.rename(
        columns={
            "name": "Site",
            "postcode": "Postcode",
            "role": "Role",
            f"{selection.boundary_set}_name": f"Constituency ({selection.boundary_label})",
            "ward2013_name": "Ward (2013 boundaries)",
        }
    )
    if prison.empty:
        summary = "HMP Nottingham is not in the named sites table."
    else:
        row = prison.iloc[0]
        where = row[f"{selection.boundary_set}_name"]
        summary = (
            f"**HMP Nottingham** (Perry Road, {row['postcode']}) lies in **{where}** "
            f"({row[f'{selection.boundary_set}_code']}, {selection.boundary_label}), in the "
            f"{row['ward2013_name']} ward (2013 boundaries); it is ringed in vermillion."
        )
        if row[f"{selection.boundary_set}_code"] != selection.code:
            summary += f" It is outside {selection.name}, the seat selected in the sidebar."
    components.chart_with_table(
        figure,
        table,
        summary=summary,
        key="prison_map",
        sources=("ons_pcon_boundaries", "named_sites"),
    )


def render(selection: Selection) -> None:
    st.title("HMP Nottingham")
    st.caption(
        "Perry Road, Nottingham NG5 3AG · NOMIS code NMI · a men's local prison in Nottingham "
        "East · is it safer than it was, and how does it compare?"
    )
    inspections = data.table(HMIP_ID, "inspections")
    figures = data.table(HMIP_ID, "inspection_figures")
    events = (
        pdata.inspection_events(inspections, figures)
        if inspections is not None
        else pd.DataFrame(
            columns=["key", "kind", "start", "end", "label", "year_only", "judgements_held"]
        )
    )
    series = _population_section(events)
    _inspection_section(events, inspections)
    _safety_section()
    _staffing_section()
    _gaps_box(series, events)
    _map_section(selection)
