"""School standards: every school in the seat on a map, with results, inspections and absence."""

import pandas as pd
import streamlit as st

from dashboard import geography
from dashboard.ui import components, data, maps
from dashboard.ui import schools_charts as charts
from dashboard.ui import schools_data as sd
from dashboard.ui.state import Selection

SPINE = "dfe_school_spine_2017_18"
CENSUS = "dfe_census_2018_19"
ABSENCE = "dfe_absence_2018_19"
KS4 = "dfe_ks4_provisional_2018_19"
KS4_FINAL = "dfe_ks4_final_la"
KS2_FINAL = "dfe_ks2_final_la"
HEADLINES = "dfe_ks_headlines_2016_2018"
OFSTED = "ofsted_inspections_compiled"
OFSTED_CHECK = "ofsted_ratings_kspdeveloper"
HOCL = "hocl_constituency_attainment"
SCHOOL_DATASETS = (SPINE, CENSUS, ABSENCE, KS4, HEADLINES, OFSTED)
THIRD_PARTY = (
    "Third-party compilation (not the publisher's own file): figures are DfE's or Ofsted's, "
    "copied by a third party; check important figures against the official service."
)


@st.cache_data(show_spinner=False)
def _school_frame() -> pd.DataFrame | None:
    schools = data.table(SPINE, "schools")
    if schools is None:
        return None
    return sd.school_frame(
        schools,
        census=data.observations(CENSUS),
        absence=data.observations(ABSENCE),
        ks4=data.observations(KS4),
        headlines=data.observations(HEADLINES),
        ofsted=data.observations(OFSTED),
    )


def _seat_rows(seat_key: str, boundary_set: str) -> pd.DataFrame:
    frame = _school_frame()
    selection = Selection(seat_key, boundary_set)
    return frame[sd.in_seat(frame, boundary_set, selection.code)]


@st.cache_data(show_spinner=False, max_entries=128)
def _parts(section: str, seat_key: str, boundary_set: str, option: str = "") -> dict:
    """Each section's figure, table and sentences for one choice, built once per process.

    Building plotly figures and formatting tables takes most of a run; the inputs only change
    with the snapshot, so caching them keeps reruns (widget clicks) fast.
    """
    seat = _seat_rows(seat_key, boundary_set)
    name = Selection(seat_key, boundary_set).name
    if section == "attention":
        return {"table": charts.attention(seat)}
    if section == "ks4":
        ks4_obs = data.observations(KS4)
        rows = charts.ks4_rows(seat)
        if ks4_obs is None or rows.empty:
            return {}
        return {
            "figure": charts.ks4_figure(rows, ks4_obs, option, name),
            "table": charts.ks4_table(rows),
            "summary": charts.ks4_summary(rows, ks4_obs, name),
            "note": charts.no_figure_note(rows, option),
        }
    names = dict(
        zip(seat["urn"], [charts.school_label(r) for r in seat.to_dict("records")], strict=True)
    )
    headlines = data.observations(HEADLINES)
    if section == "trend_ks4":
        secondary = seat[seat["ks4_attainment8_status"].notna() | seat["phase"].eq("secondary")]
        trend = charts.school_trend_frame(
            list(secondary["urn"]), headlines, data.observations(KS4), option
        )
        trend = trend[trend["area_code"].isin(trend.loc[trend["value"].notna(), "area_code"])]
        if trend.empty:
            return {}
        title = f"{charts.MEASURES[option][0]} by secondary school, {name}"
        return {
            "figure": charts.trend_figure(trend, names, option, title),
            "table": charts.trend_table(trend, names),
        }
    if section == "trend_ks2":
        primary = seat[seat["phase"].isin(["primary", "all-through"])]
        ks2 = charts.school_trend_frame(
            list(primary["urn"]), headlines, None, "ks2_pct_rwm_expected"
        )
        if ks2.empty:
            return {}
        pupils = charts.school_trend_frame(list(primary["urn"]), headlines, None, "ks2_pupils")
        return {
            "figure": charts.ks2_figure(ks2, names, name),
            "table": charts.trend_table(ks2, names),
            "summary": _ks2_summary(ks2, pupils, name),
        }
    if section == "ofsted":
        open_seat = seat[seat["is_open"]]
        return {
            "figure": charts.ofsted_figure(charts.ofsted_counts(open_seat), name),
            "table": charts.ofsted_table(open_seat),
            "summary": charts.ofsted_summary(open_seat, name),
            "check": _ofsted_check(open_seat),
        }
    if section == "absence":
        rows = seat[
            seat["pct_overall_absence"].notna() | seat["pct_persistent_absence_status"].notna()
        ]
        if rows.empty:
            return {}
        return {
            "figure": charts.absence_figure(rows, option, name),
            "table": charts.absence_table(rows),
            "summary": charts.absence_summary(rows, name),
            "note": charts.no_figure_note(rows, option),
        }
    raise KeyError(section)


def _ks2_summary(ks2: pd.DataFrame, pupils: pd.DataFrame, name: str) -> str:
    year = ks2["year"].max()
    latest = ks2[ks2["year"] == year].dropna(subset=["value"])
    england = sd.area_value(
        data.observations(KS2_FINAL), "ks2_pct_rwm_expected", sd.ENGLAND, sd.YEAR_2018_19
    )
    summary = (
        f"In {year}, **{len(latest)}** primary schools in {name} published the share of "
        "pupils reaching the expected standard in reading, writing and maths: from "
        f"{latest['value'].min():.0f}% to {latest['value'].max():.0f}% (median "
        f"{latest['value'].median():.0f}%). Cohorts are small (median "
        f"{pupils.loc[pupils['year'] == year, 'value'].median():.0f} pupils), so single years "
        "swing widely."
    )
    if pd.notna(england):
        summary += (
            f" For scale: England was {england:g}% in 2018/19 (a later year; no 2017/18 "
            "England or Nottingham figure is in the snapshot)."
        )
    return summary


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


def _years_statement() -> None:
    st.info(
        "**Which year these figures are for.** School results, absence and pupil numbers are "
        "for the **2018/19** school year (GCSE results provisional, published October 2019; "
        "census January 2019). Primary (KS2) results and the school-by-school trend come from "
        "a compilation covering **2015/16 to 2017/18**. Ofsted grades are as compiled in "
        "**January 2020**. Newer figures (2019/20 onwards, GIAS locations, Ofsted's own "
        "monthly file) are not shown yet: they arrive with the live refresh from DfE and "
        "Ofsted. 2019/20 and 2020/21 exams were cancelled (COVID-19), so grades for those "
        "years are not comparable anyway.",
        icon=":material/event:",
    )


def _tiles(seat: pd.DataFrame, flagged: int, selection: Selection) -> None:
    columns = st.columns(4)
    columns[0].metric("Schools placed in the seat", f"{len(seat)}")
    columns[1].metric("Pupils on roll, Jan 2019", f"{seat['pupils_on_roll'].sum():,.0f}")
    inspected = seat["ofsted_grade"].notna().sum()
    good = seat["ofsted_grade"].isin([1, 2]).sum()
    columns[2].metric(
        "Good or better (Ofsted)",
        f"{good} of {inspected}",
        help="Among schools inspected under their current URN (compilation to January 2020).",
    )
    columns[3].metric("Listed for attention (rules below)", f"{flagged}")
    st.caption(
        f"Schools in the DfE 2017-18 school list placed in {selection.name} "
        f"({selection.boundary_label}) by postcode."
    )
    components.source_caption(SPINE, CENSUS, OFSTED)


@st.cache_data(show_spinner=False, max_entries=64)
def _map_figure(seat_key, boundary_set, colour_by, phases, show_rest, include_closed):
    """The whole map for one set of choices: plotly figures are slow to build, so keep them."""
    selection = Selection(seat_key, boundary_set)
    frame = _school_frame()
    frames = data.seat_map(seat_key, boundary_set)
    if frame is None or frames is None:
        return None
    shown = frame[frame["phase"].isin(phases)]
    if not include_closed:
        shown = shown[shown["is_open"]]
    figure = maps.constituency_map(
        seat_code=selection.code,
        seats=frames.seats,
        boundary_label=selection.boundary_label,
        wards=frames.wards,
    )
    charts.add_school_traces(
        figure,
        shown,
        boundary_set=boundary_set,
        seat_code=selection.code,
        colour_by=colour_by,
        show_rest=show_rest,
    )
    figure.update_layout(
        title={"text": f"Schools in {selection.name} ({selection.boundary_label}), 2018/19"},
        height=720,
        legend={"font": {"size": 12}},
    )
    return figure


def _map_section(frame: pd.DataFrame, selection: Selection) -> None:
    st.subheader("Where the schools are")
    controls = st.columns([2, 3, 2])
    colour_by = controls[0].selectbox(
        "Colour the schools by",
        list(charts.MAP_COLOUR_OPTIONS),
        format_func=charts.MAP_COLOUR_OPTIONS.get,
        key="schools_map_colour",
    )
    phases = controls[1].multiselect(
        "Phases",
        list(charts.PHASES),
        default=list(charts.PHASES),
        format_func=lambda p: charts.PHASES[p][0],
        key="schools_map_phases",
    )
    show_rest = controls[2].checkbox(
        "Show the rest of the city (faded)", value=True, key="schools_map_rest"
    )
    include_closed = controls[2].checkbox(
        "Include URNs closed by 2019",
        value=False,
        key="schools_map_closed",
        help="Schools that closed and reopened (usually as academies) under a new URN at the "
        "same postcode: the old URN carries its last results.",
    )
    shown = frame[frame["phase"].isin(phases)]
    if not include_closed:
        shown = shown[shown["is_open"]]
    figure = _map_figure(
        selection.seat, selection.boundary_set, colour_by, tuple(phases), show_rest, include_closed
    )
    if figure is None:
        components.no_data("the map", "The snapshot has no constituency boundaries.")
        return
    seat_wards = selection.boundary_set == "pcon2010"
    in_seat = shown[sd.in_seat(shown, selection.boundary_set, selection.code)]
    uncertain = int(in_seat[f"{selection.boundary_set}_uncertain"].sum())
    components.chart_with_table(
        figure,
        charts.map_table(in_seat, colour_by, selection.boundary_set),
        summary=charts.map_summary(in_seat, selection.name, selection.boundary_label, uncertain),
        key="schools_map",
        chart_width=5,
        sources=(SPINE, CENSUS, "ons_pcon_boundaries")
        + ((OFSTED,) if colour_by == "ofsted" else ())
        + ((KS4,) if colour_by.startswith("ks4_") else ())
        + ((HEADLINES,) if colour_by.startswith("ks2_") else ())
        + ((ABSENCE,) if colour_by.startswith("pct_") else ())
        + (("ons_local_boundaries_2013",) if seat_wards else ()),
    )
    st.caption(
        "Marker size shows pupils on roll (January 2019 census; smallest size = no census "
        "return). Hover over a school for its figures. Ward outlines are drawn on the "
        "2010-2024 set only (2013 wards)."
    )
    _placement_note(frame, selection)


def _placement_note(frame: pd.DataFrame, selection: Selection) -> None:
    column = selection.boundary_set
    uncertain = frame[frame[f"{column}_uncertain"]]
    outside = frame[frame[f"{column}_method"].str.contains("outside", na=False)]
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
            f"- A school within 50 m (2010 set) or 100 m (2024 set) of an edge, or outside "
            f"the outlines (then the nearest seat is taken), is **flagged uncertain**: "
            f"{len(uncertain)} of {len(frame)} on the {selection.boundary_label} "
            f"({len(outside)} outside the outlines).\n"
            "- GIAS, DfE's register, gives each school's own coordinates and constituency; "
            "the live refresh will replace this placement with it."
        )
        table = uncertain[
            ["name", "urn", "postcode", f"{column}_name", f"{column}_edge_distance_m"]
        ].rename(
            columns={
                "name": "School",
                "urn": "URN",
                "postcode": "Postcode",
                f"{column}_name": "Placed in",
                f"{column}_edge_distance_m": "Distance to nearest edge (m)",
            }
        )
        table["Method"] = uncertain[f"{column}_method"].to_numpy()
        st.dataframe(table, hide_index=True, key="schools_uncertain_table")
        components.source_caption(SPINE)


def _attention_section(flagged: pd.DataFrame, selection: Selection) -> None:
    st.subheader("Which schools may need attention")
    st.markdown(
        "A school is listed if **any** of these holds: "
        f"(1) {charts.ATTENTION_P8}; (2) {charts.ATTENTION_OFSTED} in the compilation to "
        f"January 2020; (3) {charts.ATTENTION_ABSENCE} in 2018/19. It is a prompt to look "
        "closer, not a judgement: small cohorts swing from year to year and inspections "
        "can be years old."
    )
    if flagged.empty:
        st.success(f"No school placed in {selection.name} meets any of the three rules.")
    else:
        st.markdown(f"**{len(flagged)}** schools in {selection.name} meet at least one rule.")
        st.dataframe(flagged, hide_index=True, key="schools_attention_table")
    components.source_caption(KS4, OFSTED, ABSENCE)


def _ks4_section(selection: Selection) -> None:
    st.subheader("GCSE results (key stage 4), 2018/19")
    measure = st.radio(
        "Measure",
        list(charts.KS4_CHOICES),
        format_func=charts.KS4_CHOICES.get,
        horizontal=True,
        key="schools_ks4_measure",
    )
    parts = _parts("ks4", selection.seat, selection.boundary_set, measure)
    if not parts:
        components.no_data(
            "GCSE results", f"No school placed in {selection.name} has a 2018/19 KS4 entry."
        )
        return
    components.chart_with_table(
        parts["figure"],
        parts["table"],
        summary=parts["summary"],
        key="schools_ks4",
        sources=(KS4,),
    )
    if parts["note"]:
        st.caption(parts["note"])
    final_a8 = sd.area_value(
        data.observations(KS4_FINAL), "ks4_attainment8", sd.ENGLAND, sd.YEAR_2018_19
    )
    st.caption(
        f"Provisional figures (published October 2019); the final England Attainment 8 was "
        f"{final_a8:g} (DfE final KS4 file). Progress 8 compares pupils with others "
        "nationally who had similar KS2 results: 0 is the national average; the bar is "
        "DfE's 95% confidence interval. Independent schools are not in Progress 8 (not applicable)."
    )


def _trends_section(selection: Selection) -> None:
    st.subheader("Each school's own trend")
    choice = st.radio(
        "Secondary measure",
        ["ks4_progress8", "ks4_attainment8"],
        format_func=lambda m: charts.MEASURES[m][0],
        horizontal=True,
        key="schools_trend_measure",
    )
    parts = _parts("trend_ks4", selection.seat, selection.boundary_set, choice)
    if not parts:
        components.no_data("secondary trends", f"No secondary school in {selection.name} has one.")
    else:
        components.chart_with_table(
            parts["figure"],
            parts["table"],
            summary="Secondary schools' results from 2015/16 to 2018/19: the first three years "
            "from a third-party compilation of DfE's final tables, 2018/19 from DfE's "
            "provisional file."
            + (
                " 2015/16 Attainment 8 was on the old points scale and is not plotted."
                if choice == "ks4_attainment8"
                else ""
            ),
            key="schools_trend_ks4",
            sources=(HEADLINES, KS4),
        )
        st.caption(THIRD_PARTY)
    parts = _parts("trend_ks2", selection.seat, selection.boundary_set)
    if not parts:
        components.no_data("primary (KS2) results", f"No primary school in {selection.name}.")
        return
    components.chart_with_table(
        parts["figure"],
        parts["table"],
        summary=parts["summary"],
        key="schools_trend_ks2",
        sources=(HEADLINES, KS2_FINAL),
    )
    st.caption(THIRD_PARTY)


@st.cache_data(show_spinner=False, max_entries=16)
def _hocl_parts(code_2010: str, choice: str):
    hocl = data.observations(HOCL)
    codes = [s.codes["pcon2010"] for s in geography.SEATS.values()]
    rows = charts.hocl_frame(hocl, codes, choice)
    median = charts.hocl_median(hocl, choice)
    points = charts.dfe_area_points(
        {KS4: data.observations(KS4), KS4_FINAL: data.observations(KS4_FINAL)}, choice
    )
    figure = charts.hocl_figure(
        rows, median, points, seat_code=code_2010, seat_label="2010-2024 boundaries", choice=choice
    )
    return (
        figure,
        charts.hocl_table(rows, median, points),
        charts.hocl_summary(rows, code_2010, choice),
    )


def _constituency_section(selection: Selection) -> None:
    st.subheader("The constituency, the city and England over time")
    hocl = data.observations(HOCL)
    if hocl is None:
        components.no_data("constituency attainment", "The Library table is not in the snapshot.")
        return
    seat = geography.SEATS[selection.seat]
    code_2010 = seat.codes["pcon2010"]
    if selection.boundary_set == "pcon2024":
        st.markdown(
            f"The House of Commons Library table is on the **2010-2024 boundaries**: this "
            f"chart shows **{seat.names['pcon2010']} ({code_2010})**, the predecessor of the "
            f"selected {selection.name} ({selection.code})."
        )
    choice = st.radio(
        "Measure",
        list(charts.HOCL_TITLES),
        format_func=lambda c: {"pass": "English & maths pass rate", "a8": "Attainment 8"}[c],
        horizontal=True,
        key="schools_hocl_measure",
    )
    figure, table, summary = _hocl_parts(code_2010, choice)
    components.chart_with_table(
        figure,
        table,
        summary=summary,
        key="schools_hocl",
        sources=(HOCL, KS4, KS4_FINAL),
    )
    st.caption(
        "Figures are for pupils at schools in each constituency, wherever they live. The pass "
        "measure changed: 5+ A*-C including English and maths to 2014/15, English and maths "
        "A*-C in 2015/16, grade 4+ from 2016/17 (different line styles; do not join them up). "
        "2019/20 and 2020/21 grades were centre- and teacher-assessed. The grey line is the "
        "median of English constituencies in the Library table, not England's average; the "
        "England and Nottingham markers are DfE's state-funded figures. "
        + THIRD_PARTY.replace("Third-party", "The Library table is a third-party copy: a")
    )


def _ofsted_section(selection: Selection) -> None:
    st.subheader("Ofsted inspections")
    parts = _parts("ofsted", selection.seat, selection.boundary_set)
    components.chart_with_table(
        parts["figure"],
        parts["table"],
        summary=parts["summary"],
        key="schools_ofsted",
        sources=(OFSTED,),
    )
    st.caption(
        "Grade 3 was called Satisfactory before September 2012 ('Label used then'). "
        + THIRD_PARTY
        + " New academies are usually not inspected under their new URN for years."
    )
    if parts["check"]:
        st.caption(parts["check"])
        components.source_caption(OFSTED_CHECK)


def _absence_section(selection: Selection) -> None:
    st.subheader("Absence, 2018/19")
    measure = st.radio(
        "Measure",
        list(charts.ABSENCE_CHOICES),
        format_func=charts.ABSENCE_CHOICES.get,
        horizontal=True,
        key="schools_absence_measure",
    )
    parts = _parts("absence", selection.seat, selection.boundary_set, measure)
    if not parts:
        components.no_data("absence", f"No school placed in {selection.name} is in the file.")
        return
    components.chart_with_table(
        parts["figure"],
        parts["table"],
        summary=parts["summary"],
        key="schools_absence",
        sources=(ABSENCE,),
    )
    st.caption(
        "Overall absence: share of half-day sessions missed. Persistently absent: pupils "
        "missing 10% or more of sessions. England is state-funded schools of the same phase "
        "(no comparator for all-through schools). There is no Nottingham-wide figure in this "
        "file. " + parts["note"]
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _long_export(urns: tuple[str, ...]) -> pd.DataFrame:
    frames = {d: data.observations(d) for d in (CENSUS, ABSENCE, KS4, HEADLINES, OFSTED)}
    return sd.long_export(frames, list(urns))


def _research_section(frame: pd.DataFrame, selection: Selection) -> None:
    st.subheader("All schools: filter and export")
    boundary_set = selection.boundary_set
    seat_codes = {s.codes[boundary_set]: s.names[boundary_set] for s in geography.SEATS.values()}
    area_options = [selection.code, *[c for c in seat_codes if c != selection.code], "city"]
    columns = st.columns(4)
    area = columns[0].selectbox(
        f"Constituency ({selection.boundary_label})",
        area_options,
        format_func=lambda c: "Whole city (LA 892)" if c == "city" else seat_codes[c],
        key=f"schools_table_area_{boundary_set}",  # options differ by boundary set
    )
    phases = columns[1].multiselect(
        "Phase",
        list(charts.PHASES),
        default=list(charts.PHASES),
        format_func=lambda p: charts.PHASES[p][0],
        key="schools_table_phases",
    )
    grades = columns[2].multiselect(
        "Latest Ofsted grade",
        charts.GRADE_ORDER,
        default=charts.GRADE_ORDER,
        key="schools_table_grades",
    )
    groups = sorted(frame["minor_group"].dropna().unique())
    chosen_groups = columns[3].multiselect(
        "Type", groups, default=groups, key="schools_table_types"
    )
    rows = frame[
        frame["phase"].isin(phases)
        & pd.Series(
            [charts.grade_label(g) in grades for g in frame["ofsted_grade"]], index=frame.index
        )
        & frame["minor_group"].isin(chosen_groups)
    ]
    if area != "city":
        rows = rows[rows[f"{boundary_set}_code"] == area]
    table = charts.research_table(rows)
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
            file_name=f"schools_{area}_{boundary_set}.csv",
            key="schools_download_wide",
            label=f"Download these {len(table)} schools (one row each, CSV with sources)",
        )
    long = _long_export(tuple(rows["urn"]))
    with download_columns[1]:
        components.download_csv(
            long,
            dataset_ids=[CENSUS, ABSENCE, KS4, HEADLINES, OFSTED],
            file_name=f"schools_figures_{area}_{boundary_set}.csv",
            key="schools_download_long",
            label=f"Download all {len(long):,} figures for them (long, with periods and units)",
        )
    components.source_caption(*SCHOOL_DATASETS)


def _missing_section(frame: pd.DataFrame) -> None:
    census = data.observations(CENSUS)
    not_in_list = 0
    if census is not None:
        urns = set(census.loc[census["area_type"] == "school", "area_code"])
        not_in_list = len(urns - set(frame["urn"]))
    st.subheader("What this page does not show")
    st.markdown(
        "- **No Nottingham-wide KS2 result or absence rate**: DfE's per-LA files for "
        "Nottingham (LA 892) were not available; they come with the live refresh. The "
        "Nottingham KS4 figures are DfE's own LA row.\n"
        "- **No figures after 2018/19**, and none at school level from the live DfE and "
        "Ofsted services yet.\n"
        f"- **The school list is the 2017-18 one**: schools opened since are missing, and "
        f"{not_in_list} establishments in the January 2019 census (pupil referral units and "
        "a nursery school) are not in it, so they are not on the map.\n"
        "- **Ofsted grades come from a third-party compilation** to January 2020, not "
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
    frame = _school_frame()
    if frame is None:
        components.no_data("schools", "The snapshot has no school list; rebuild it.")
        return
    _years_statement()
    seat = frame[sd.in_seat(frame, selection.boundary_set, selection.code)]
    flagged = _parts("attention", selection.seat, selection.boundary_set)["table"]
    _tiles(seat[seat["is_open"]], len(flagged), selection)
    _map_section(frame, selection)
    _attention_section(flagged, selection)
    _ks4_section(selection)
    _trends_section(selection)
    _constituency_section(selection)
    _ofsted_section(selection)
    _absence_section(selection)
    _research_section(frame, selection)
    _missing_section(frame)
