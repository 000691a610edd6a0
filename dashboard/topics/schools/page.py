"""School standards: every school in the seat on a map, with results, inspections and absence.

The sections sit in lazy tabs kept in the URL (``?schools_tab=``), and every control is bound to
its own ``schools_*`` parameter, so a link reproduces the view. Each section's figure, table and
sentences come from a view model memoised per process (``data.memo``) on simple arguments; what
does not depend on the seat (the school list, hover texts, who meets an attention rule) is built
once per process, so a seat change only picks rows."""

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import geography
from dashboard.core import catalogue
from dashboard.topics import registry
from dashboard.topics.schools import figures as charts
from dashboard.topics.schools import model as sd
from dashboard.ui import components, data, maps, state
from dashboard.ui.model_types import Chart
from dashboard.ui.state import Selection

SPINE = "dfe_school_spine_2017_18"
CENSUS = "dfe_census_2018_19"
ABSENCE = "dfe_absence_2018_19"
KS4 = "dfe_ks4_provisional_2018_19"
KS4_FINAL = "dfe_ks4_final_la"
KS4_2022_23 = "dfe_ks4_final_2022_23"
KS4_2023_24 = "dfe_ks4_school_info_2023_24"
KS2_FINAL = "dfe_ks2_final_la"
HEADLINES = "dfe_ks_headlines_2016_2018"
# Every dataset with school-level KS4 figures: what the snapshot holds, year by year.
KS4_SCHOOL_DATASETS = (HEADLINES, KS4, KS4_2022_23, KS4_2023_24)
OFSTED = "ofsted_inspections_compiled"
OFSTED_CHECK = "ofsted_ratings_kspdeveloper"
HOCL = "hocl_constituency_attainment"
SCHOOL_DATASETS = (SPINE, CENSUS, ABSENCE, KS4, HEADLINES, OFSTED)
THIRD_PARTY = (
    "Third-party compilation (not the publisher's own file): figures are DfE's or Ofsted's, "
    "copied by a third party; check important figures against the official service."
)

# The school list is one fixed edition (its record's route is "none": DfE's register, GIAS,
# replaces it rather than a newer spine), so its year is the record's, not the data's.
SCHOOL_LIST = "DfE's 2017-18 school list"

TAB_KEY, TABS = registry.tabs("schools")
EVERY_SCHOOL = ""  # the trend picker's "follow no school" option
HOCL_CHOICES = {"pass": "English & maths pass rate", "a8": "Attainment 8"}
TABLE_AREA_SEAT, TABLE_AREA_CITY = "seat", "city"


def _notes(*notes: str) -> tuple[str, ...]:
    return tuple(note for note in notes if note)


# --- view models: built once per process per argument set, shared by every session ----------


@data.memo
def _years() -> sd.SchoolYears:
    """The year of each source the school frame shows: the newest the snapshot holds."""
    return sd.frame_years(
        census=data.observations(CENSUS),
        absence=data.observations(ABSENCE),
        ks4=data.observations(KS4),
        headlines=data.observations(HEADLINES),
        ofsted=data.observations(OFSTED),
    )


@data.memo
def _newer_years() -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The newest school year of the final KS4 file and of the school information file."""
    return (
        sd.newest_year(data.observations(KS4_2022_23), sd.KS4_MEASURES),
        sd.newest_year(data.observations(KS4_2023_24), sd.LATER_MEASURES),
    )


@data.memo
def _school_frame() -> pd.DataFrame | None:
    """One row per school with its figures, its map hover text and its shown name."""
    schools = data.table(SPINE, "schools")
    if schools is None:
        return None
    frame = sd.school_frame(
        schools,
        census=data.observations(CENSUS),
        absence=data.observations(ABSENCE),
        ks4=data.observations(KS4),
        headlines=data.observations(HEADLINES),
        ofsted=data.observations(OFSTED),
    )
    records = frame.to_dict("records")
    return frame.assign(
        hover=[charts.hover_text(r, _years()) for r in records],
        label=[charts.school_label(r) for r in records],
    )


@dataclass(frozen=True)
class SeatSchools:
    rows: pd.DataFrame  # every URN placed in the seat, open or closed
    open_rows: pd.DataFrame
    flagged: pd.DataFrame  # the attention table


@data.memo
def _attention_all() -> pd.DataFrame:
    """Every school in the city that meets a rule: a school's reasons do not depend on the seat."""
    return charts.attention(_school_frame())


@data.memo
def _seat_schools(seat: str, boundary_set: str) -> SeatSchools:
    frame = _school_frame()
    rows = frame[sd.in_seat(frame, boundary_set, Selection(seat, boundary_set).code)]
    flagged = _attention_all()
    flagged = flagged[flagged["URN"].isin(rows["urn"])].reset_index(drop=True)
    return SeatSchools(rows, rows[rows["is_open"]], flagged)


@data.memo
def _shown_schools(phases: tuple[str, ...], include_closed: bool) -> pd.DataFrame:
    frame = _school_frame()
    shown = frame[frame["phase"].isin(phases)]
    return shown if include_closed else shown[shown["is_open"]]


@data.memo
def _map_view(
    seat: str,
    boundary_set: str,
    colour_by: str,
    phases: tuple[str, ...],
    show_rest: bool,
    include_closed: bool,
) -> Chart | None:
    frames = data.seat_map(seat, boundary_set)
    if frames is None:
        return None
    selection = Selection(seat, boundary_set)
    shown = _shown_schools(phases, include_closed)
    figure = maps.constituency_map(
        seat_code=selection.code,
        seats=frames.seats,
        boundary_label=selection.boundary_label,
        wards=frames.wards,
    )
    charts.add_schools(
        figure,
        shown,
        boundary_set=boundary_set,
        seat_code=selection.code,
        # Two short lines: one long title line is cut off on a phone.
        title=f"Schools in {selection.name}<br>({selection.boundary_label}), "
        + charts.map_period(colour_by, _years()),
        colour_by=colour_by,
        show_rest=show_rest,
        years=_years(),
    )
    in_seat = shown[sd.in_seat(shown, boundary_set, selection.code)]
    uncertain = int(in_seat[f"{boundary_set}_uncertain"].sum())
    return Chart(
        figure,
        charts.map_table(in_seat, colour_by, boundary_set),
        charts.map_summary(
            in_seat,
            selection.name,
            selection.boundary_label,
            uncertain,
            school_list=SCHOOL_LIST,
            years=_years(),
        ),
    )


@data.memo
def _placement(boundary_set: str) -> tuple[str, pd.DataFrame]:
    """How many schools are uncertainly placed on a boundary set, and which (seat-independent)."""
    frame = _school_frame()
    uncertain = frame[frame[f"{boundary_set}_uncertain"]]
    outside = frame[f"{boundary_set}_method"].str.contains("outside", na=False)
    label = geography.BOUNDARY_SETS[boundary_set].label
    counts = f"{len(uncertain)} of {len(frame)} on the {label} ({int(outside.sum())} outside the "
    table = uncertain[
        ["name", "urn", "postcode", f"{boundary_set}_name", f"{boundary_set}_edge_distance_m"]
    ].rename(
        columns={
            "name": "School",
            "urn": "URN",
            "postcode": "Postcode",
            f"{boundary_set}_name": "Placed in",
            f"{boundary_set}_edge_distance_m": "Distance to nearest edge (m)",
        }
    )
    return counts + "outlines)", table.assign(Method=uncertain[f"{boundary_set}_method"])


@data.memo
def _ks4_view(seat: str, boundary_set: str, measure: str) -> Chart | None:
    ks4_obs = data.observations(KS4)
    rows = charts.ks4_rows(_seat_schools(seat, boundary_set).rows)
    if ks4_obs is None or rows.empty:
        return None
    name = Selection(seat, boundary_set).name
    return Chart(
        charts.ks4_figure(rows, ks4_obs, measure, name),
        charts.ks4_table(rows),
        charts.ks4_summary(rows, ks4_obs, name),
        sources=(KS4,),
        notes=_notes(charts.no_figure_note(rows, measure)),
    )


@data.memo
def _newer_ks4_rows(seat: str, boundary_set: str) -> pd.DataFrame:
    """Schools the newer DfE files (final results, school information) place in the seat."""
    placed = sd.placed_by_publisher(
        (data.table(KS4_2022_23, "schools"), data.table(KS4_2023_24, "schools")),
        boundary_set,
        Selection(seat, boundary_set).code,
    )
    return sd.newer_ks4_frame(
        placed, data.observations(KS4_2022_23), data.observations(KS4_2023_24)
    )


@data.memo
def _newer_ks4_view(seat: str, boundary_set: str, measure: str) -> Chart | None:
    rows = _newer_ks4_rows(seat, boundary_set)
    if rows.empty:
        return None
    final, info = data.observations(KS4_2022_23), data.observations(KS4_2023_24)
    name = Selection(seat, boundary_set).name
    scored = rows[rows["in_final"]]
    return Chart(
        charts.ks4_figure(scored, final, measure, name),
        charts.newer_ks4_table(rows, *_newer_years()),
        charts.newer_ks4_summary(rows, final, info, name),
        sources=(KS4_2022_23, KS4_2023_24),
        notes=_notes(charts.no_figure_note(scored, measure)),
    )


@data.memo
def _ks4_coverage() -> tuple[str, ...]:
    """One line per school year the snapshot lacks KS4 scores for, the assessed years flagged."""
    held = sd.school_years(data.observations(d) for d in KS4_SCHOOL_DATASETS)
    labels = {m: catalogue.measure(m).label for m in set().union(*held.values())}
    breaks = catalogue.measure("ks4_attainment8").breaks
    first = min(held) if held else _years().ks4
    partial = {_newer_years()[0]: catalogue.get(KS4_2022_23).caveats[0]}
    return tuple(charts.coverage_lines(held, first, breaks, labels, partial))


@data.memo
def _england_final_a8() -> float:
    return sd.area_value(data.observations(KS4_FINAL), "ks4_attainment8", sd.ENGLAND, _years().ks4)


@dataclass(frozen=True)
class TrendSchools:
    secondary: pd.DataFrame  # the KS4 trend's schools
    primary: pd.DataFrame  # the KS2 chart's schools
    names: dict[str, str]  # URN -> shown name, for every school in the seat
    picker: tuple[str, ...]  # URNs a person can follow: those on either chart


@data.memo
def _trend_schools(seat: str, boundary_set: str) -> TrendSchools:
    rows = _seat_schools(seat, boundary_set).rows
    secondary = rows[rows["ks4_attainment8_status"].notna() | rows["phase"].eq("secondary")]
    primary = rows[rows["phase"].isin(["primary", "all-through"])]
    headlines = data.observations(HEADLINES)
    ks4 = data.observations(KS4)
    on_chart = set()
    for measure in ("ks4_progress8", "ks4_attainment8"):
        trend = charts.school_trend_frame(list(secondary["urn"]), headlines, ks4, measure)
        if not trend.empty:
            on_chart |= set(trend.loc[trend["value"].notna(), "area_code"])
    ks2 = charts.school_trend_frame(list(primary["urn"]), headlines, None, "ks2_pct_rwm_expected")
    if not ks2.empty:
        on_chart |= set(ks2["area_code"])
    names = dict(zip(rows["urn"], rows["label"], strict=True))
    # A shown name is the link's value, so it must pick one school: add the URN to repeats.
    repeated = rows["label"][rows["label"].duplicated(keep=False)]
    for urn in rows.loc[repeated.index, "urn"]:
        names[urn] = f"{names[urn]} (URN {urn})"
    picker = tuple(sorted(on_chart, key=lambda urn: names[urn].lower()))
    return TrendSchools(secondary, primary, names, picker)


@data.memo
def _ks4_trend_view(seat: str, boundary_set: str, measure: str, focus: str) -> Chart | None:
    schools = _trend_schools(seat, boundary_set)
    trend = charts.school_trend_frame(
        list(schools.secondary["urn"]),
        data.observations(HEADLINES),
        data.observations(KS4),
        measure,
    )
    if trend.empty:
        return None
    trend = trend[trend["area_code"].isin(trend.loc[trend["value"].notna(), "area_code"])]
    if trend.empty:
        return None
    name = Selection(seat, boundary_set).name
    label = charts.MEASURES[measure][0]
    summary = charts.trend_summary(trend, HEADLINES, KS4)
    comparable = trend
    if measure == "ks4_attainment8":
        summary += " 2015/16 Attainment 8 was on the old points scale and is not plotted."
        comparable = trend[trend["year"] != "2015/16"]
    if focus:
        digits = 2 if measure == "ks4_progress8" else 1
        followed = charts.focus_sentence(
            comparable, focus, schools.names[focus], label, digits=digits
        )
        summary += f" {followed}" if followed else ""
    return Chart(
        charts.trend_figure(
            trend, schools.names, measure, f"{label} by secondary school, {name}", focus
        ),
        charts.trend_table(trend, schools.names),
        summary,
    )


@data.memo
def _ks2_view(seat: str, boundary_set: str, focus: str) -> Chart | None:
    schools = _trend_schools(seat, boundary_set)
    urns = list(schools.primary["urn"])
    headlines = data.observations(HEADLINES)
    ks2 = charts.school_trend_frame(urns, headlines, None, "ks2_pct_rwm_expected")
    if ks2.empty:
        return None
    pupils = charts.school_trend_frame(urns, headlines, None, "ks2_pupils")
    name = Selection(seat, boundary_set).name
    summary = _ks2_summary(ks2, pupils, name)
    if focus:
        label = "reading, writing & maths expected standard"
        followed = charts.focus_sentence(
            ks2, focus, schools.names[focus], label, suffix="%", digits=0
        )
        summary += f" {followed}" if followed else ""
    return Chart(
        charts.ks2_figure(ks2, schools.names, name, focus),
        charts.trend_table(ks2, schools.names),
        summary,
    )


def _ks2_summary(ks2: pd.DataFrame, pupils: pd.DataFrame, name: str) -> str:
    year = ks2["year"].max()
    latest = ks2[ks2["year"] == year].dropna(subset=["value"])
    summary = (
        f"In {year}, **{len(latest)}** primary schools in {name} published the share of "
        "pupils reaching the expected standard in reading, writing and maths: from "
        f"{latest['value'].min():.0f}% to {latest['value'].max():.0f}% (median "
        f"{latest['value'].median():.0f}%). Cohorts are small (median "
        f"{pupils.loc[pupils['year'] == year, 'value'].median():.0f} pupils), so single years "
        "swing widely."
    )
    school_year = ks2.loc[ks2["year"] == year, "period_start"].iloc[0]
    return summary + charts.england_scale_sentence(
        data.observations(KS2_FINAL), "ks2_pct_rwm_expected", school_year
    )


@data.memo
def _hocl_view(code_2010: str, choice: str) -> Chart | None:
    """Depends on the seat only through its 2010-2024 code (the Library table's set)."""
    hocl = data.observations(HOCL)
    if hocl is None:
        return None
    codes = [s.codes["pcon2010"] for s in geography.SEATS.values()]
    rows = charts.hocl_frame(hocl, codes, choice)
    median = charts.hocl_median(hocl, choice)
    points = charts.dfe_area_points(
        {KS4: data.observations(KS4), KS4_FINAL: data.observations(KS4_FINAL)}, choice
    )
    figure = charts.hocl_figure(
        rows, median, points, seat_code=code_2010, seat_label="2010-2024 boundaries", choice=choice
    )
    return Chart(
        figure,
        charts.hocl_table(rows, median, points),
        charts.hocl_summary(hocl, code_2010, choice),
    )


@data.memo
def _ofsted_view(seat: str, boundary_set: str) -> Chart:
    open_rows = _seat_schools(seat, boundary_set).open_rows
    name = Selection(seat, boundary_set).name
    return Chart(
        charts.ofsted_figure(charts.ofsted_counts(open_rows), name),
        charts.ofsted_table(open_rows),
        charts.ofsted_summary(open_rows, name),
        notes=_notes(_ofsted_check(open_rows)),
    )


def _ofsted_check(seat: pd.DataFrame) -> str:
    check = data.table(OFSTED_CHECK, "ofsted_crosscheck")
    if check is None:
        return ""
    joined = seat.merge(check, on="urn", how="inner")
    both = joined[joined["grade"].notna() & joined["ofsted_grade"].notna()]
    agree = int((both["grade"] == both["ofsted_grade"]).sum())
    return (
        f"Cross-check: a second, undated compilation (KSPDeveloper) rates {len(both)} of "
        f"these schools; it agrees with the latest grade above for {agree}."
    )


@data.memo
def _absence_view(seat: str, boundary_set: str, measure: str) -> Chart | None:
    seat_rows = _seat_schools(seat, boundary_set).rows
    rows = seat_rows[
        seat_rows["pct_overall_absence"].notna()
        | seat_rows["pct_persistent_absence_status"].notna()
    ]
    if rows.empty:
        return None
    name = Selection(seat, boundary_set).name
    return Chart(
        charts.absence_figure(rows, measure, name, _years().absence),
        charts.absence_table(rows),
        charts.absence_summary(rows, name, _years().absence),
        notes=_notes(charts.no_figure_note(rows, measure)),
    )


@data.memo
def _school_types() -> list[str]:
    return sorted(_school_frame()["minor_group"].dropna().unique())


@data.memo
def _research_view(
    boundary_set: str,
    area: str,
    phases: tuple[str, ...],
    grades: tuple[str, ...],
    groups: tuple[str, ...],
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The filtered one-row-per-school table and its URNs; ``area`` is a GSS code or 'city'."""
    frame = _school_frame()
    grade_labels = pd.Series([charts.grade_label(g) for g in frame["ofsted_grade"]], frame.index)
    keep = (
        frame["phase"].isin(phases) & grade_labels.isin(grades) & frame["minor_group"].isin(groups)
    )
    if area != TABLE_AREA_CITY:
        keep &= frame[f"{boundary_set}_code"] == area
    rows = frame[keep]
    return charts.research_table(rows, _years()), tuple(rows["urn"])


@data.memo
def _long_export(urns: tuple[str, ...]) -> pd.DataFrame:
    frames = {d: data.observations(d) for d in (CENSUS, ABSENCE, KS4, HEADLINES, OFSTED)}
    return sd.long_export(frames, list(urns))


@data.memo
def _not_in_list() -> int:
    """Establishments in the census that the school list lacks."""
    census = data.observations(CENSUS)
    if census is None:
        return 0
    urns = set(census.loc[census["area_type"] == "school", "area_code"])
    return len(urns - set(_school_frame()["urn"]))


@data.memo
def _last_closure() -> str:
    """The month of the newest closure in the school list (what 'closed' can include)."""
    closed = pd.to_datetime(_school_frame()["close_date"]).dropna()
    return f"{closed.max():%B %Y}" if not closed.empty else "the list's date"


def _ofsted_to() -> str:
    last = _years().ofsted_last
    return f"{last:%B %Y}" if last is not None else "no date held"


# --- drawing --------------------------------------------------------------------------------


@data.memo
def _years_text() -> str:
    headlines = data.observations(HEADLINES)
    return charts.years_statement(
        _years(),
        final_year=_newer_years()[0],
        later_year=_newer_years()[1],
        trend=(sd.oldest_year(headlines), sd.newest_year(headlines)),
        teacher_assessed=_assessed(),
    )


def _assessed() -> str:
    """The teacher-assessed years in words, from the measure record's break."""
    return charts.years_list(*sd.assessed_years(catalogue.measure("ks4_attainment8").breaks))


def _years_statement() -> None:
    st.info(_years_text(), icon=":material/event:")


def _tiles(schools: SeatSchools, selection: Selection) -> None:
    seat = schools.open_rows
    columns = st.columns(4)
    with columns[0]:
        st.metric("Schools placed in the seat", f"{len(seat)}")
    with columns[1]:
        st.metric(
            f"Pupils on roll, {sd.census_month(_years().census)}",
            f"{seat['pupils_on_roll'].sum():,.0f}",
        )
    with columns[2]:
        st.metric(
            "Good or better (Ofsted)",
            f"{seat['ofsted_grade'].isin([1, 2]).sum()} of {seat['ofsted_grade'].notna().sum()}",
            help="Among schools inspected under their current URN (compilation to "
            f"{_ofsted_to()}).",
        )
    with columns[3]:
        st.metric(
            "Listed for attention",
            f"{len(schools.flagged)}",
            help="Schools meeting any of three stated rules (Progress 8, Ofsted, persistent "
            "absence): see the Attention tab.",
        )
    st.caption(
        f"Open schools in {SCHOOL_LIST} placed in {selection.name} "
        f"({selection.boundary_label}) by postcode."
    )
    components.as_of_line(SPINE, CENSUS, OFSTED, KS4, ABSENCE)
    components.source_caption(SPINE, CENSUS, OFSTED)


def _map_tab(selection: Selection) -> None:
    st.header("Where the schools are")
    controls = st.columns([2, 3, 2])
    colour_by = state.url_choice(
        controls[0].selectbox,
        "Colour the schools by",
        list(charts.MAP_COLOUR_OPTIONS),
        key="schools_map_colour",
        format_func=charts.MAP_COLOUR_OPTIONS.get,
    )
    with controls[1]:  # st.multiselect itself, so url_choice accepts an empty selection
        phases = state.url_choice(
            st.multiselect,
            "Phases",
            list(charts.PHASES),
            key="schools_map_phases",
            format_func=lambda p: charts.PHASES[p][0],
            default=list(charts.PHASES),
        )
    show_rest = state.url_flag(
        controls[2].checkbox,
        "Show the rest of the city (faded)",
        key="schools_map_rest",
        value=True,
    )
    include_closed = state.url_flag(
        controls[2].checkbox,
        f"Include URNs closed up to {_last_closure()}",
        key="schools_map_closed",
        value=False,
        help="Schools that closed and reopened (usually as academies) under a new URN at the "
        "same postcode: the old URN carries its last results.",
    )
    view = _map_view(
        selection.seat,
        selection.boundary_set,
        colour_by,
        tuple(p for p in charts.PHASES if p in phases),
        show_rest,
        include_closed,
    )
    if view is None:
        components.no_data("the map", "The snapshot has no constituency boundaries.")
        return
    components.chart_with_table(
        view.figure,
        view.table,
        summary=view.summary,
        key="schools_map",
        chart_width=5,
        sources=(SPINE, CENSUS, "ons_pcon_boundaries")
        + ((OFSTED,) if colour_by == "ofsted" else ())
        + ((KS4,) if colour_by.startswith("ks4_") else ())
        + ((HEADLINES,) if colour_by.startswith("ks2_") else ())
        + ((ABSENCE,) if colour_by.startswith("pct_") else ())
        + (("ons_local_boundaries_2013",) if selection.boundary_set == "pcon2010" else ()),
    )
    st.caption(
        f"Marker size shows pupils on roll ({sd.census_month(_years().census)} census; "
        "smallest size = no census "
        "return). A dotted ring marks a school placed near a boundary (uncertain). Hover over "
        "a school for its figures. Ward outlines are drawn on the 2010-2024 set only (2013 wards)."
    )
    _placement_note(selection)


def _placement_note(selection: Selection) -> None:
    counts, table = _placement(selection.boundary_set)
    with st.expander("How schools were placed, and how accurate that is"):
        st.markdown(
            "- Each school is placed at the **centre of its postcode** (Ordnance Survey "
            "Code-Point Open, all 119 postcodes matched at the best positional quality), not "
            "at its buildings: a postcode centre is usually within about 100 m of the "
            "addresses it covers, and large sites can straddle a boundary.\n"
            "- The constituency is found by **point in polygon**: 2010-2024 seats in the 2013 "
            "generalised clipped outlines; July 2024 seats in the ONS ultra-generalised (BUC) "
            "outlines of the three city seats. The outlines drawn on the map are the "
            "snapshot's own, so a school very near an edge can appear just across it.\n"
            "- A school within 50 m (2010 set) or 100 m (2024 set) of an edge, or outside "
            f"the outlines (then the nearest seat is taken), is **flagged uncertain**: {counts}.\n"
            "- GIAS, DfE's register, gives each school's own coordinates and constituency; "
            "the live refresh will replace this placement with it."
        )
        st.dataframe(table, hide_index=True, key="schools_uncertain_table")
        components.source_caption(SPINE)


def _attention_tab(flagged: pd.DataFrame, selection: Selection) -> None:
    st.header("Which schools may need attention")
    st.markdown(
        "A school is listed if **any** of these holds: "
        f"(1) {charts.ATTENTION_P8} in the {_years().ks4_words()} results; (2) "
        f"{charts.ATTENTION_OFSTED} "
        f"in the compilation to {_ofsted_to()}; (3) {charts.ATTENTION_ABSENCE} in "
        f"{sd.year_text(_years().absence)}. It is a prompt to look "
        "closer, not a judgement: small cohorts swing from year to year and inspections "
        "can be years old."
    )
    if flagged.empty:
        st.success(f"No school placed in {selection.name} meets any of the three rules.")
    else:
        st.markdown(f"**{len(flagged)}** schools in {selection.name} meet at least one rule.")
        st.dataframe(flagged, hide_index=True, key="schools_attention_table")
    components.source_caption(KS4, OFSTED, ABSENCE)


def _newer_ks4_section(selection: Selection, measure: str) -> None:
    final_year, later_year = _newer_years()
    st.header(f"GCSE results (key stage 4), {charts.years_list(final_year, later_year)}")
    view = _newer_ks4_view(selection.seat, selection.boundary_set, measure)
    if view is None:
        components.no_data(
            f"GCSE results after {sd.year_text(_years().ks4)}",
            f"Neither DfE file held places a school in {selection.name} "
            f"({selection.boundary_label}).",
            KS4_2022_23,
            KS4_2023_24,
        )
    else:
        components.draw(view, key="schools_ks4_newer")
    files = [
        (year, sd.boundary_sets_placing(data.table(dataset, "schools")))
        for year, dataset in ((final_year, KS4_2022_23), (later_year, KS4_2023_24))
    ]
    labels = {key: s.label for key, s in geography.BOUNDARY_SETS.items()}
    st.caption(charts.placement_caption(files, labels) + catalogue.get(KS4_2022_23).caveats[0])
    st.markdown(
        "**Which school years have no GCSE scores here**\n\n"
        + "\n".join(f"- {line}" for line in _ks4_coverage())
    )


def _ks4_tab(selection: Selection) -> None:
    measure = state.url_choice(
        st.radio,
        "Measure",
        list(charts.KS4_CHOICES),
        key="schools_ks4_measure",
        format_func=charts.KS4_CHOICES.get,
        horizontal=True,
    )
    _newer_ks4_section(selection, measure)
    year = sd.year_text(_years().ks4)
    st.header(f"GCSE results (key stage 4), {year}")
    view = _ks4_view(selection.seat, selection.boundary_set, measure)
    if view is None:
        components.no_data(
            "GCSE results", f"No school placed in {selection.name} has a {year} KS4 entry."
        )
        return
    components.draw(view, key="schools_ks4")
    kind = "provisional" if _years().ks4_provisional else "final"
    st.caption(
        charts.ks4_caption(kind, _years().ks4, _england_final_a8())
        + "Progress 8 compares pupils with others "
        "nationally who had similar KS2 results: 0 is the national average; the bar is "
        "DfE's 95% confidence interval. Independent schools are not in Progress 8 (not applicable)."
    )


def _trends_tab(selection: Selection) -> None:
    st.header("Each school's own trend")
    schools = _trend_schools(selection.seat, selection.boundary_set)
    controls = st.columns([3, 2])
    focus = state.url_choice(
        controls[0].selectbox,
        "Follow one school",
        [EVERY_SCHOOL, *schools.picker],
        key="schools_trend_school",
        # An unknown URN must not format as a valid label, or Streamlit would keep it.
        format_func=lambda urn: (
            "Every school (none highlighted)"
            if urn == EVERY_SCHOOL
            else schools.names.get(urn, f"URN {urn}")
        ),
        help="Highlights the school on the charts below and quotes its figures by year.",
    )
    choice = state.url_choice(
        controls[1].radio,
        "Secondary measure",
        ["ks4_progress8", "ks4_attainment8"],
        key="schools_trend_measure",
        format_func=lambda m: charts.MEASURES[m][0],
        horizontal=True,
    )
    view = _ks4_trend_view(selection.seat, selection.boundary_set, choice, focus)
    if view is None:
        components.no_data("secondary trends", f"No secondary school in {selection.name} has one.")
    else:
        components.chart_with_table(
            view.figure,
            view.table,
            summary=view.summary,
            key="schools_trend_ks4",
            sources=(HEADLINES, KS4),
        )
        st.caption(THIRD_PARTY)
    view = _ks2_view(selection.seat, selection.boundary_set, focus)
    if view is None:
        components.no_data("primary (KS2) results", f"No primary school in {selection.name}.")
    else:
        components.chart_with_table(
            view.figure,
            view.table,
            summary=view.summary,
            key="schools_trend_ks2",
            sources=(HEADLINES, KS2_FINAL),
        )
        st.caption(THIRD_PARTY)
    _constituency_section(selection)


def _constituency_section(selection: Selection) -> None:
    st.header("The constituency, the city and England over time")
    seat = geography.SEATS[selection.seat]
    code_2010 = seat.codes["pcon2010"]
    if selection.boundary_set == "pcon2024":
        st.markdown(
            f"The House of Commons Library table is on the **2010-2024 boundaries**: this "
            f"chart shows **{seat.names['pcon2010']} ({code_2010})**, the predecessor of the "
            f"selected {selection.name} ({selection.code})."
        )
    choice = state.url_choice(
        st.radio,
        "Constituency measure",
        list(HOCL_CHOICES),
        key="schools_hocl_measure",
        format_func=HOCL_CHOICES.get,
        horizontal=True,
    )
    view = _hocl_view(code_2010, choice)
    if view is None:
        components.no_data("constituency attainment", "The Library table is not in the snapshot.")
        return
    components.chart_with_table(
        view.figure,
        view.table,
        summary=view.summary,
        key="schools_hocl",
        sources=(HOCL, KS4, KS4_FINAL),
    )
    st.caption(
        "Figures are for pupils at schools in each constituency, wherever they live. The pass "
        "measure changed: 5+ A*-C including English and maths to 2014/15, English and maths "
        "A*-C in 2015/16, grade 4+ from 2016/17 (different line styles; do not join them up). "
        f"{_assessed()} grades were centre- and teacher-assessed. The grey line is the "
        "median of English constituencies in the Library table, not England's average; the "
        "England and Nottingham markers are DfE's state-funded figures. "
        + THIRD_PARTY.replace("Third-party", "The Library table is a third-party copy: a")
    )


def _ofsted_absence_tab(selection: Selection) -> None:
    st.header("Ofsted inspections")
    view = _ofsted_view(selection.seat, selection.boundary_set)
    components.chart_with_table(
        view.figure, view.table, summary=view.summary, key="schools_ofsted", sources=(OFSTED,)
    )
    st.caption(
        "Grade 3 was called Satisfactory before September 2012 ('Label used then'). "
        + THIRD_PARTY
        + " New academies are usually not inspected under their new URN for years."
    )
    for note in view.notes:
        st.caption(note)
        components.source_caption(OFSTED_CHECK)

    st.header(f"Absence, {sd.year_text(_years().absence)}")
    measure = state.url_choice(
        st.radio,
        "Absence measure",
        list(charts.ABSENCE_CHOICES),
        key="schools_absence_measure",
        format_func=charts.ABSENCE_CHOICES.get,
        horizontal=True,
    )
    view = _absence_view(selection.seat, selection.boundary_set, measure)
    if view is None:
        components.no_data("absence", f"No school placed in {selection.name} is in the file.")
        return
    components.chart_with_table(
        view.figure, view.table, summary=view.summary, key="schools_absence", sources=(ABSENCE,)
    )
    st.caption(
        "Overall absence: share of half-day sessions missed. Persistently absent: pupils "
        "missing 10% or more of sessions. England is state-funded schools of the same phase "
        "(no comparator for all-through schools). There is no Nottingham-wide figure in this "
        "file. " + "".join(view.notes)
    )


def _research_tab(selection: Selection) -> None:
    st.header("All schools: filter and export")
    boundary_set = selection.boundary_set
    names = {s.codes[boundary_set]: s.names[boundary_set] for s in geography.SEATS.values()}
    others = [code for code in names if code != selection.code]
    shown_area = {
        TABLE_AREA_SEAT: f"{selection.name} (the selected seat)",
        TABLE_AREA_CITY: "Whole city (LA 892)",
        **names,
    }
    columns = st.columns(4)
    area = state.url_choice(
        columns[0].selectbox,
        f"Constituency ({selection.boundary_label})",
        [TABLE_AREA_SEAT, *others, TABLE_AREA_CITY],
        key="schools_table_area",
        format_func=shown_area.get,
    )
    with columns[1]:  # st.multiselect itself, so url_choice accepts an empty selection
        phases = state.url_choice(
            st.multiselect,
            "Phase",
            list(charts.PHASES),
            key="schools_table_phases",
            format_func=lambda p: charts.PHASES[p][0],
            default=list(charts.PHASES),
        )
    with columns[2]:
        grades = state.url_choice(
            st.multiselect,
            "Latest Ofsted grade",
            charts.GRADE_ORDER,
            key="schools_table_grades",
            default=charts.GRADE_ORDER,
        )
    groups = _school_types()
    with columns[3]:
        chosen_groups = state.url_choice(
            st.multiselect, "Type", groups, key="schools_table_types", default=groups
        )
    code = selection.code if area == TABLE_AREA_SEAT else area
    table, urns = _research_view(
        boundary_set, code, tuple(phases), tuple(grades), tuple(chosen_groups)
    )
    st.markdown(
        f"**{len(table)}** schools match. Missing figures are blank with the publisher's "
        "reason in the status columns (suppressed, not eligible, not applicable, missing)."
    )
    st.dataframe(table, hide_index=True, key="schools_research_table")
    download_columns = st.columns(2)
    with download_columns[0]:
        components.download_csv(
            table,
            dataset_ids=list(SCHOOL_DATASETS),
            file_name=components.file_name(
                "schools", code, boundary_set, charts.years_span(_years())
            ),
            key="schools_download_wide",
            label=f"Download these {len(table)} schools (one row each, CSV with sources)",
        )
    long = _long_export(urns)
    with download_columns[1]:
        components.download_csv(
            long,
            dataset_ids=[CENSUS, ABSENCE, KS4, HEADLINES, OFSTED],
            file_name=components.file_name(
                "schools figures", code, boundary_set, components.period_span(long)
            ),
            key="schools_download_long",
            label=f"Download all {len(long):,} figures for them (long, with periods and units)",
        )
    components.source_caption(*SCHOOL_DATASETS)


def _notes_tab() -> None:
    st.header("What this page does not show")
    years = _years()
    missing = charts.none_after(
        {
            "primary (KS2) school results": years.ks2,
            "absence": years.absence,
            "census figures": years.census,
        }
    )
    st.markdown(
        "- **No Nottingham-wide KS2 result or absence rate**: DfE's per-LA files for "
        "Nottingham (LA 892) were not available; they come with the live refresh. The "
        "Nottingham KS4 figures are DfE's own LA row.\n"
        f"- **GCSE (KS4) results after {sd.year_text(years.ks4)} are partial**, year by year:\n"
        + "".join(f"  - {line}\n" for line in _ks4_coverage())
        + f"- **No {missing}**, and none from the live DfE and Ofsted services yet.\n"
        f"- **The schools are those in {SCHOOL_LIST}**: schools opened since are missing, and "
        f"{_not_in_list()} establishments in the {sd.census_month(years.census)} census "
        "(pupil referral units and a nursery school) are not in it, so they are not on the "
        "map.\n"
        f"- **Ofsted grades come from a third-party compilation** to {_ofsted_to()}, not "
        "Ofsted's management-information file; single-word grades ended in September 2024.\n"
        "- **Placement by postcode**, not DfE's own coordinates (see the note under the map).\n"
        "- Pupils' home addresses: results are by where pupils go to school, not where they live."
    )
    components.source_caption(SPINE, CENSUS, "dfe_gias")


def render(selection: Selection) -> None:
    st.title(f"{selection.name}: school standards")
    st.caption(
        f"{selection.code} · {selection.boundary_label} · Nottingham City schools (LA 892): "
        "results, inspections and absence, each sourced and dated"
    )
    if _school_frame() is None:
        components.no_data(
            "schools",
            "The snapshot has no school list; rebuild it.",
            "dfe_gias",
            "dfe_school_spine_2017_18",
        )
        return
    _years_statement()
    schools = _seat_schools(selection.seat, selection.boundary_set)
    _tiles(schools, selection)
    state.draw_tabs(
        TABS,
        key=TAB_KEY,
        sections={
            "Map": lambda: _map_tab(selection),
            "Attention": lambda: _attention_tab(schools.flagged, selection),
            "GCSE": lambda: _ks4_tab(selection),
            "Trends": lambda: _trends_tab(selection),
            "Ofsted and absence": lambda: _ofsted_absence_tab(selection),
            "All schools": lambda: _research_tab(selection),
            "Notes": _notes_tab,
        },
    )
