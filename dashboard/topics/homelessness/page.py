"""Homelessness in Nottingham: duties owed, temporary accommodation and rough sleeping."""

import pandas as pd
import streamlit as st

from dashboard import geography, headlines
from dashboard.core import catalogue
from dashboard.topics import registry
from dashboard.topics.homelessness import figures as charts
from dashboard.topics.homelessness import model as t
from dashboard.ui import components, data, state
from dashboard.ui.model_types import Tile
from dashboard.ui.state import Selection

HCLIC, ROUGH = t.HCLIC, t.ROUGH
LAD_BOUNDARIES = "ons_lad_boundaries_2013"
TAB_KEY, TABS = registry.tabs("homelessness")
MAP_GROUPS = {"em": "East Midlands councils", "core": "Nottingham and the core cities"}
MODES = {
    "rate": "Per 1,000 households: Nottingham and England",
    "count": "Number of households: Nottingham",
}
GROUPS = {
    "core": "English core cities",
    "em": "East Midlands authorities",
}
TILES = (
    ("households_owed_duty", "Owed a duty"),
    ("households_in_temporary_accommodation", "In TA"),
    ("households_in_ta_with_children", "In TA, with children"),
    ("households_in_bed_and_breakfast", "In B&B"),
)
EXPORT_AREAS = {
    "england": "Nottingham and England",
    "core": "Nottingham, England and the other core cities",
    "em": "Nottingham, England and the East Midlands authorities",
}
SHARES = (
    (
        t.REASON_PREFIX,
        "reason for losing a settled home",
        "Main reason for loss of last settled home",
        "homeless_reasons",
    ),
    (t.HOUSEHOLD_TYPE_PREFIX, "household type", "Household type", "homeless_household_types"),
)


@data.memo
def _hclic() -> pd.DataFrame | None:
    """The rows this page uses: shared across sessions, never mutated."""
    observations = data.observations(HCLIC)
    if observations is None:
        return None
    codes = [t.NOTTINGHAM, t.ENGLAND, *t.CORE_CITIES, *t.EAST_MIDLANDS]
    keep = (
        observations["area_code"].isin(codes)
        | observations["current_area_code"].isin(codes)
        | (observations["measure"] == "households_in_temporary_accommodation_per_1000")
    )
    return observations[keep].reset_index(drop=True)


# View models: each figure, table and sentence is computed once per process and choice and
# shared read-only by every session, so a rerun costs only the drawing. None of them depends
# on the seat except the coverage map: figures are for the whole council.
def _count_tile(item: dict | None, name: str) -> Tile:
    if item is None:
        return Tile(name, "n/a", "No figure in the snapshot.", delta_color="inverse", dataset=HCLIC)
    delta = None
    if pd.notna(item["year_before_count"]):
        change = item["count"] - item["year_before_count"]
        delta = f"{change:+,.0f} on {item['year_before_quarter']}"
    notes = [f"**{item['quarter']}**"]
    if pd.notna(item["rate"]):
        england = item["england_rate"]
        notes.append(
            f"{item['rate']:.2f} per 1,000 households"
            + (f" (England {england:.2f})" if pd.notna(england) else "")
        )
    if item["derived"]:
        notes.append("figure from a derived CSV, not an official workbook")
    if item["year_before_derived"]:
        notes.append("the year-earlier figure is from a derived CSV")
    return Tile(
        name,
        f"{item['count']:,.0f}",
        f"{item['label']}, Nottingham City Council, {item['quarter_words']}. "
        "An increase is shown in red.",
        delta=delta,
        delta_color="inverse",
        caption=": ".join(notes[:2]) + "".join(f"; {n}" for n in notes[2:]),
        dataset=HCLIC,
    )


def _rough_tile(rough: pd.DataFrame | None) -> Tile:
    name = "Sleeping rough"
    rows = rough[rough["measure"] == "rough_sleepers_snapshot"] if rough is not None else rough
    if rows is None or not (rows["area_code"] == t.NOTTINGHAM).any():
        return Tile(
            name,
            "n/a",
            "No rough sleeping snapshot in the data.",
            delta_color="inverse",
            dataset=ROUGH,
        )
    notts = rows[rows["area_code"] == t.NOTTINGHAM].set_index("period_start")["value"]
    england = rows[rows["area_code"] == t.ENGLAND].set_index("period_start")["value"]
    last = notts.index.max()
    before = notts.get(last - pd.DateOffset(years=1))
    return Tile(
        name,
        f"{notts[last]:,.0f}" if pd.notna(notts[last]) else "n/a",
        "People seen or estimated sleeping rough on one night in October-November.",
        delta=(
            f"{notts[last] - before:+,.0f} on autumn {last.year - 1}" if pd.notna(before) else None
        ),
        delta_color="inverse",
        caption=f"**Autumn {last.year}**: England {england.get(last, float('nan')):,.0f}; a "
        "one-night count, the latest in this data",
        dataset=ROUGH,
    )


@data.memo
def _tiles() -> tuple[Tile, ...]:
    hclic = _hclic()
    counts = tuple(_count_tile(t.headline(hclic, measure), name) for measure, name in TILES)
    return (*counts, _rough_tile(data.observations(ROUGH)))


@data.memo
def _trend_chart(measure: str, mode: str) -> components.Chart:
    frame = t.trend_frame(_hclic(), measure, mode)
    return components.Chart(
        charts.trend_figure(frame, measure, mode),
        t.trend_table(frame, mode),
        t.trend_summary(frame, measure, mode),
    )


@data.memo
def _notes() -> tuple[str, str]:
    """The trend chart's and the TA breakdown's notes, from the H-CLIC rows."""
    hclic = _hclic()
    if hclic is None:
        return "", ""
    return t.trend_note(hclic), t.ta_types_note(t.ta_types_frame(hclic), t.derived_quarters(hclic))


@data.memo
def _ta_charts() -> tuple[components.Chart, components.Chart]:
    hclic = _hclic()
    counts = charts.ta_counts_frame(hclic)
    total = t.trend_frame(hclic, "households_in_temporary_accommodation", "count")
    types = t.ta_types_frame(hclic)
    return (
        components.Chart(
            charts.ta_counts_figure(counts),
            charts.ta_counts_table(counts),
            t.trend_summary(total, "households_in_temporary_accommodation", "count"),
        ),
        components.Chart(
            charts.ta_types_figure(types), t.ta_types_table(types), t.ta_types_summary(types)
        ),
    )


@data.memo
def _ta_rates() -> pd.DataFrame:
    """The TA rate rows (every area, every quarter): about 15% of the page's rows, so the
    Compare tab's ranking, comparators and map filter this rather than the whole table."""
    hclic = _hclic()
    return hclic[hclic["measure"] == charts.TA_RATE]


@data.memo
def _ta_ranking() -> tuple[pd.DataFrame, pd.Timestamp]:
    return t.ta_rate_ranking(_ta_rates())


@data.memo
def _comparison_chart(group: str) -> components.Chart:
    ranking, day = _ta_ranking()
    frame = t.comparator_frame(ranking, _ta_rates(), group, day)
    figure = charts.comparator_figure(
        frame, day_label=t.quarter_label(day, True), group_label=GROUPS[group]
    )
    return components.Chart(figure, t.comparator_table(frame), t.rank_sentence(ranking, day, frame))


@data.memo
def _ta_map(group: str) -> tuple[components.Chart, tuple[str, ...]] | None:
    # stored in BNG metres and simplified to 100 m: drawn as read, no projection
    lads = data.table(LAD_BOUNDARIES, "lad2013")
    if lads is None:
        return None
    rates = _ta_rates()
    _, day = _ta_ranking()
    codes = [t.NOTTINGHAM, *t.CORE_CITIES] if group == "core" else t.EAST_MIDLANDS
    frame, not_on_map = charts.ta_map_frame(lads, rates, codes, day)
    england = rates[(rates["area_code"] == t.ENGLAND) & (rates["period_end"] == day)]["value"]
    england_rate = england.iloc[0] if not england.empty else None
    day_label = t.quarter_label(day, True)
    figure = charts.ta_map_figure(
        frame,
        lads,
        day_label=day_label,
        group_label=MAP_GROUPS[group],
        england_rate=england_rate,
        named=group == "core",
    )
    chart = components.Chart(
        figure,
        charts.ta_map_table(frame, not_on_map),
        charts.ta_map_summary(frame, not_on_map, day_label=day_label, england_rate=england_rate),
    )
    return chart, tuple(charts.ta_map_notes(frame, not_on_map))


@data.memo
def _share_chart(prefix: str, what: str, title: str) -> tuple[components.Chart, str] | None:
    hclic = _hclic()
    labels = t.REASON_LABELS if prefix == t.REASON_PREFIX else t.HOUSEHOLD_TYPE_LABELS
    quarters = t.latest_quarters(hclic, prefix)
    covered = t.quarters_covered(hclic, prefix, quarters)
    if not covered:
        return None
    span = t.span_label(quarters)
    table = t.shares_table(hclic, prefix, labels, covered)
    note = (
        f"Only {len(covered)} of the {len(quarters)} quarters have this breakdown."
        if len(covered) < len(quarters)
        else ""
    )
    chart = components.Chart(
        charts.shares_figure(table, title=title, span=span),
        table.drop(columns="measure"),
        t.shares_summary(table, what, span),
    )
    return chart, note


@data.memo
def _rough_chart() -> tuple[components.Chart, int, pd.DataFrame] | None:
    rough = data.observations(ROUGH)
    if rough is None:
        return None
    frame = t.rough_sleeping_frame(rough)
    last = int(frame["year"].max())
    chart = components.Chart(
        charts.rough_sleeping_figure(frame),
        t.rough_sleeping_table(frame),
        t.rough_sleeping_summary(frame),
    )
    return chart, last, t.rough_sleeping_rates(frame, t.households_for(_hclic(), last))


@data.memo
def _export_frame(choice: str) -> pd.DataFrame:
    codes = [t.NOTTINGHAM, t.ENGLAND]
    if choice == "core":
        codes += list(t.CORE_CITIES)
    elif choice == "em":
        codes += t.EAST_MIDLANDS
    return t.export_frame(_hclic(), data.observations(ROUGH), codes)


@data.memo
def _coverage_chart(seat: str, boundary_set: str) -> components.Chart | None:
    """The one seat-dependent view: the council's area with the chosen seat outlined."""
    city = data.table("ons_local_boundaries_2013", "city_boundary")
    seats = data.table("ons_pcon_boundaries", boundary_set)
    if city is None or seats is None:
        return None
    selection = Selection(seat, boundary_set)
    code, name = selection.code, selection.name
    city_shape = geography.to_map_frame(city)
    seat_shape = geography.to_map_frame(seats[seats["code"] == code])
    city_outline, seat_outline = city_shape["geometry"].iloc[0], seat_shape["geometry"].iloc[0]
    city_area, seat_area = city_outline.area, seat_outline.area
    inside = seat_outline.intersection(city_outline).area
    table = pd.DataFrame(
        {
            "Area": ["Nottingham City Council", name],
            "GSS code": [t.NOTTINGHAM, code],
            "Area (km²)": [round(city_area / 1e6, 1), round(seat_area / 1e6, 1)],
            "Share of the seat inside the city (%)": [None, round(100 * inside / seat_area)],
        }
    )
    summary = (
        f"Every figure on this page is for the whole of Nottingham City Council. {name} covers "
        f"about {inside / city_area:.0%} of the city's area, and {inside / seat_area:.0%} of the "
        "constituency lies inside the city (by area, from simplified boundaries: not a share of "
        "homeless households)."
    )
    figure = charts.city_map_figure(
        city_shape, seat_shape, seat_label=f"{name} ({selection.boundary_label})"
    )
    return components.Chart(figure, table, summary)


@data.memo
def _sentences() -> tuple[str, ...]:
    """The briefing's homelessness lines (one engine: newest quarter in the snapshot, the
    measure records' definitions, comparisons only like-for-like). The page says above them that
    every figure is the whole council's."""
    return headlines.topic_lines("homelessness", data.observations, {})


def _headlines() -> None:
    components.tiles(_tiles())
    components.lines_to_quote(_sentences())
    st.caption(
        "Households owed a prevention or relief duty during the quarter; temporary accommodation "
        "(TA) and bed and breakfast are households placed on the quarter's last day. Changes are "
        "on the same quarter a year earlier. Rates for TA with children and B&B are calculated "
        "here from the households-in-area figure the same file prints."
    )
    components.source_caption(HCLIC, ROUGH)


def _trends() -> None:
    st.header("Since the Homelessness Reduction Act (April 2018)")
    left, right = st.columns([2, 3])
    measure = state.url_choice(
        left.selectbox,
        "Measure",
        t.TREND_MEASURES,
        key="homeless_trend_measure",
        format_func=lambda m: t.TREND_MEASURES[m][0],
    )
    mode = state.url_choice(
        right.radio,
        "Show",
        MODES,
        key="homeless_trend_mode",
        format_func=MODES.get,
        horizontal=True,
        help="Counts are not comparable between a city and England: compare rates.",
    )
    components.draw(_trend_chart(measure, mode), key="homeless_trend", sources=(HCLIC,))
    st.caption(_notes()[0])


def _temporary_accommodation() -> None:
    st.header("Temporary accommodation")
    for chart, key in zip(_ta_charts(), ("homeless_ta_counts", "homeless_ta_types"), strict=True):
        components.draw(chart, key=key, sources=(HCLIC,))
    st.caption(_notes()[1])


def _comparison() -> None:
    st.header("How Nottingham compares on temporary accommodation")
    group = state.url_choice(
        st.radio,
        "Compare with",
        GROUPS,
        key="homeless_compare_group",
        format_func=GROUPS.get,
        horizontal=True,
    )
    components.draw(_comparison_chart(group), key="homeless_compare", sources=(HCLIC,))
    st.caption(
        (
            t.CORE_CITIES_REASON
            if group == "core"
            else "Comparators: the 35 local authorities "
            "of the East Midlands region (E12000004), Nottingham's neighbours."
        )
        + " Rank 1 is the highest rate among English authorities with a figure that day."
    )


def _ta_map_section() -> None:
    st.header("Temporary accommodation on the map")
    group = state.url_choice(
        st.radio,
        "Councils",
        MAP_GROUPS,
        key="homeless_map_group",
        format_func=MAP_GROUPS.get,
        horizontal=True,
    )
    parts = _ta_map(group)
    if parts is None:
        components.no_data("the council map", "The snapshot has no local authority boundaries.")
        return
    chart, notes = parts
    components.draw(chart, key="homeless_ta_map", sources=(HCLIC, LAD_BOUNDARIES), chart_width=4)
    for note in notes:
        st.caption(note)
    st.caption(
        "Households in temporary accommodation per 1,000 households in the area, on the last "
        "day of the latest quarter, as printed in the H-CLIC tables. Colours are fixed bands, "
        "each double the one before and including its lower bound, the same in both views. "
        "Councils are drawn on 2013 boundaries, simplified to about 100 m; a council formed "
        "since is drawn as its former districts. Rank: 1 is the highest rate among all English "
        "councils with a figure that day."
    )


def _shares() -> None:
    st.header("Why households lose a settled home, and who they are")
    for prefix, what, title, key in SHARES:
        parts = _share_chart(prefix, what, title)
        if parts is None:
            components.no_data(title.lower(), "No quarter in the last year has this breakdown.")
            continue
        chart, note = parts
        components.draw(chart, key=key, sources=(HCLIC,))
        if note:
            st.caption(note)
    st.caption(
        "Shares of households owed a prevention or relief duty in the four latest quarters "
        "(prevention and relief tables added together). 'Home no longer suitable' has been a "
        "separate reason since October-December 2023 and 'loss of resettlement scheme placement' "
        "since October-December 2024; before, they fell under other reasons."
    )


def _rough_sleeping() -> None:
    st.header("Rough sleeping: Nottingham and the core cities")
    parts = _rough_chart()
    if parts is None:
        components.no_data("rough sleeping", "The snapshot has no rough sleeping tables.")
        return
    chart, last, rates = parts
    components.draw(chart, key="homeless_rough", sources=(ROUGH,))
    if not rates.empty:
        st.markdown(
            f"Cities differ in size, so for autumn {last} the counts are also shown per 10,000 "
            f"households, using the households-in-area figure of the H-CLIC tables for 31 "
            f"December {last} (calculated here; the rough sleeping tables print no rate)."
        )
        st.dataframe(rates, hide_index=True, key="homeless_rough_rates")
        components.source_caption(ROUGH, HCLIC)
    st.caption(
        t.CORE_CITIES_REASON + " A snapshot is one night chosen by each council between 1 October "
        "and 30 November, a count or an estimate; 2020 onwards is affected by COVID-19 and "
        "'Everyone In'. MHCLG has published later snapshots; they are not in this data yet."
    )


def _export() -> None:
    st.header("Download the figures")
    choice = state.url_choice(
        st.radio, "Areas", EXPORT_AREAS, key="homeless_export_areas", format_func=EXPORT_AREAS.get
    )
    frame = _export_frame(choice)
    components.download_csv(
        frame,
        dataset_ids=[HCLIC, ROUGH],
        file_name=components.file_name(
            EXPORT_AREAS[choice], "homelessness", components.period_span(frame)
        ),
        key="homeless_download",
    )
    st.caption(
        "Every measure on this page for the chosen areas, one row per area, measure and period, "
        "with GSS codes, units, periods, `status` (why a value is missing, calculated or derived), "
        "the source file and its release. The header lines say where each number came from."
    )
    components.source_caption(HCLIC, ROUGH)


def _coverage(selection: Selection) -> None:
    st.header("What the figures cover")
    chart = _coverage_chart(selection.seat, selection.boundary_set)
    if chart is None:
        components.no_data("the coverage map", "The snapshot has no city or seat boundary.")
        return
    components.draw(
        chart, key="homeless_map", sources=("ons_local_boundaries_2013", "ons_pcon_boundaries")
    )


def _limits() -> None:
    st.header("What these figures do not show")
    years = _rough_years()
    st.markdown(
        "- **No constituency figures.** MHCLG publishes homelessness statistics for local "
        "authorities only: nothing here is for Nottingham East, North or South alone.\n"
        "- **Hidden homelessness.** Sofa surfing, overcrowding and people who never approach the "
        "council are not counted; the duties count households the council assessed.\n"
        "- **People, not households.** Duties and temporary accommodation count households; "
        "rough sleeping counts people on one night, and is not a measure of everyone who sleeps "
        "rough over a year.\n"
        "- **Outcomes.** Whether prevention or relief succeeded, and how long households stay "
        "in temporary accommodation, are published by MHCLG but not yet in this data.\n"
        + (f"- **Rough sleeping after autumn {years[1]}** is not in this data." if years else "")
    )
    with st.expander("Caveats from the publishers and from how this data was built"):
        for dataset_id in (HCLIC, ROUGH):
            publication = catalogue.get(dataset_id)
            st.markdown(f"**{publication.title}**")
            st.markdown("\n".join(f"- {caveat}" for caveat in publication.caveats))


def _compare_tab() -> None:
    _comparison()
    _ta_map_section()


def _coverage_tab(selection: Selection) -> None:
    _coverage(selection)
    _limits()


def _rough_years() -> tuple[int, int] | None:
    """The first and last autumn of the rough sleeping snapshot held (None if none)."""
    rough = data.observations(ROUGH)
    if rough is None or rough.empty:
        return None
    return rough["period_start"].min().year, rough["period_start"].max().year


@data.memo
def _coverage_line() -> str:
    """What the page covers, its periods read from the snapshot."""
    parts = ["Nottingham City Council (E06000018)"]
    hclic = _hclic()
    if hclic is not None:
        first = hclic["period_start"].min()
        parts.append(f"statutory homelessness (H-CLIC), quarterly from {first:%B %Y}")
    years = _rough_years()
    if years is not None:
        parts.append(f"rough sleeping snapshot, autumn {years[0]}-{years[1]}")
    return " · ".join(parts)


def render(selection: Selection) -> None:
    st.title("Homelessness in Nottingham")
    st.caption(_coverage_line())
    st.info(
        f"**These figures are for the whole of Nottingham City Council (E06000018), not "
        f"{selection.name}.** MHCLG publishes homelessness statistics for local authorities only, "
        "so no figure here is for the constituency alone.",
        icon=components.INFO_ICON,
    )
    if _hclic() is None:
        components.no_data(
            "homelessness",
            "The snapshot has no H-CLIC tables; rebuild it with the sources.",
            "mhclg_hclic_detailed_la",
        )
        return
    _headlines()
    state.draw_tabs(
        TABS,
        key=TAB_KEY,
        sections={
            "Trend": _trends,
            "Temporary accommodation": _temporary_accommodation,
            "Compare": _compare_tab,
            "Reasons and households": _shares,
            "Rough sleeping": _rough_sleeping,
            "Download": _export,
            "Coverage and limits": lambda: _coverage_tab(selection),
        },
    )
