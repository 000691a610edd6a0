"""The schools page's frames, sentences and figures against the real snapshot, and the page
under AppTest (lazy tabs, controls read from a link).

Expected values were read by hand with `python -m dashboard query` and from the files named in
../shared/sources/schools/PROVENANCE.md: england_ks4provisional.csv (LA 892 row RECTYPE=4:
Attainment 8 42.3, Progress 8 -0.15, E&M 9-4 52.7%; Djanogly City Academy URN 134253: P8 0.73,
A8 43.8, 113 pupils; Nottingham Academy 135881: P8 -0.42, A8 38.9, 361 pupils; England
RECTYPE=7: A8 46.5, P8 -0.03), england_abs.csv (national PRI 4.0 / 8.2, SEC 5.5 / 13.7),
education-attainment.csv (Nottingham East E14000865: A8 39.1, 39.0, 41.74, 41.70; E&M 55% in
2022) and the spine (119 LA 892 establishments).
"""

import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import headlines
from dashboard.topics.schools import figures as charts
from dashboard.topics.schools import model as sd
from dashboard.topics.schools import page as schools
from dashboard.ui import data
from tests import expected

EAST_2010, EAST_2024 = "E14000865", "E14001410"


@pytest.fixture(scope="module")
def obs(snapshot):
    return {
        name: snapshot.table(dataset, "observations")
        for name, dataset in {
            "census": "dfe_census_2018_19",
            "absence": "dfe_absence_2018_19",
            "ks4": "dfe_ks4_provisional_2018_19",
            "ks4_final": "dfe_ks4_final_la",
            "headlines": "dfe_ks_headlines_2016_2018",
            "ofsted": "ofsted_inspections_compiled",
            "hocl": "hocl_constituency_attainment",
        }.items()
    }


@pytest.fixture(scope="module")
def years(obs):
    return sd.frame_years(
        census=obs["census"],
        absence=obs["absence"],
        ks4=obs["ks4"],
        headlines=obs["headlines"],
        ofsted=obs["ofsted"],
    )


@pytest.fixture(scope="module")
def frame(snapshot, obs):
    return sd.school_frame(
        snapshot.table("dfe_school_spine_2017_18", "schools"),
        census=obs["census"],
        absence=obs["absence"],
        ks4=obs["ks4"],
        headlines=obs["headlines"],
        ofsted=obs["ofsted"],
    )


def _school(frame, urn):
    return frame.set_index("urn").loc[urn]


def test_frame_has_one_row_per_spine_school_and_leaves_inputs_alone(snapshot, frame):
    schools = snapshot.table("dfe_school_spine_2017_18", "schools")
    before = schools.copy()
    assert len(frame) == 119 and frame["urn"].is_unique
    pd.testing.assert_frame_equal(schools, before)


def test_named_school_values(frame):
    djanogly = _school(frame, "134253")
    assert djanogly["ks4_progress8"] == pytest.approx(0.73)
    assert djanogly["ks4_attainment8"] == pytest.approx(43.8)
    assert djanogly["ks4_pupils"] == 113
    assert (djanogly["ks4_progress8_ci_lower"], djanogly["ks4_progress8_ci_upper"]) == (
        pytest.approx(0.44),
        pytest.approx(1.03),
    )
    academy = _school(frame, "135881")
    assert academy["ks4_progress8"] == pytest.approx(-0.42)
    assert academy["ofsted_rating"] == "Requires Improvement"
    assert academy["ofsted_date"] == pd.Timestamp("2020-01-08")
    assert academy["ofsted_previous_rating"] == "Good"
    assert _school(frame, "122481")["pct_persistent_absence"] == 17


def test_missing_values_keep_the_publishers_reason(frame):
    woodlands = _school(frame, "144321")  # SUPP in the KS4 file
    assert pd.isna(woodlands["ks4_progress8"])
    assert woodlands["ks4_progress8_status"] == "suppressed"
    assert charts.value_or_reason(woodlands, "ks4_progress8") == "no figure (suppressed)"
    rosehill = _school(frame, "122964")
    assert charts.value_or_reason(rosehill, "ks4_progress8") == "no figure (not eligible)"


def test_closed_urn_is_linked_to_its_successor(frame):
    old, new = _school(frame, "122828"), _school(frame, "146539")  # Ellis Guilford School
    assert old["status_text"] == "Closed 31 Oct 2018; reopened as URN 146539"
    assert new["status_text"] == "Open; replaced URN 122828"


def test_england_absence_by_phase(obs, frame):
    england = sd.england_absence(obs["absence"])
    assert england["pct_overall_absence"] == {"primary": 4.0, "secondary": 5.5, "special": 10.1}
    assert england["pct_persistent_absence"]["secondary"] == 13.7
    assert _school(frame, "122481")["england_pct_persistent_absence"] == 8.2
    assert pd.isna(_school(frame, "122915")["england_pct_persistent_absence"])  # all-through


def test_ks4_summary_and_figure_for_east(obs, frame):
    seat = frame[sd.in_seat(frame, "pcon2010", EAST_2010)]
    rows = charts.ks4_rows(seat)
    text = charts.ks4_summary(rows, obs["ks4"], "Nottingham East")
    assert "Attainment 8 42.3, Progress 8 -0.15" in text
    assert "England (state-funded): 46.5 and -0.03" in text
    figure = charts.ks4_figure(rows, obs["ks4"], "ks4_progress8", "Nottingham East")
    schools = figure.data[0]
    assert list(schools.x) == sorted(rows["ks4_progress8"].dropna())
    assert schools.error_x.array is not None
    names = [trace.name for trace in figure.data]
    assert "Nottingham LA: -0.15" in names and "England, state-funded: -0.03" in names
    assert figure.layout.title.text and figure.layout.xaxis.title.text
    table = charts.ks4_table(rows)
    djanogly = table[table["URN"] == "134253"].iloc[0]
    assert djanogly["Progress 8"] == "0.73" and djanogly["P8 95% CI"] == "0.44 to 1.03"


def test_attention_rules(frame):
    flagged = charts.attention(frame).set_index("URN")
    # Nottingham Academy: P8 CI -0.55 to -0.28 (below 0) and Ofsted RI in January 2020.
    reason = flagged.loc["135881", "Why it is listed"]
    assert "Progress 8 -0.42" in reason and "Requires Improvement" in reason
    # Mellers Primary: persistent absence 17.0% >= 1.5 x England primary 8.2%.
    assert "persistent absence 17.0% vs England 8.2%" in flagged.loc["122481", "Why it is listed"]
    # Djanogly City Academy: P8 significantly above average and Ofsted Good, so it is listed
    # for persistent absence only (26.9% vs England secondary 13.7%).
    assert flagged.loc["134253", "Why it is listed"] == "persistent absence 26.9% vs England 13.7%"


def test_hocl_series_and_dfe_points(obs):
    codes = ["E14000865", "E14000866", "E14000867"]
    rows = charts.hocl_frame(obs["hocl"], codes, "a8")
    east = rows[rows["area_code"] == EAST_2010].set_index("year")["value"]
    assert east.to_dict() == {
        "2016/17": 39.1,
        "2017/18": 39.0,
        "2018/19": 41.74,
        "2021/22": 41.70,
    }
    points = charts.dfe_area_points(
        {"dfe_ks4_provisional_2018_19": obs["ks4"], "dfe_ks4_final_la": obs["ks4_final"]}, "a8"
    ).set_index(["area", "year"])
    # The final England figure replaces the provisional one; Nottingham has only provisional.
    assert points.loc[("England, state-funded", "2018/19"), "value"] == 46.7
    assert points.loc[("Nottingham LA", "2018/19"), "value"] == 42.3
    median = charts.hocl_median(obs["hocl"], "a8")
    figure = charts.hocl_figure(
        rows, median, points.reset_index(), seat_code=EAST_2010, seat_label="x", choice="a8"
    )
    assert isinstance(figure, go.Figure)
    assert all(trace.connectgaps is False for trace in figure.data if trace.mode != "markers")
    for choice in ("pass", "a8"):
        found = headlines.figure(charts.hocl_headline(choice), obs["hocl"], EAST_2010)
        assert charts.hocl_summary(obs["hocl"], EAST_2010, choice) == headlines.line(found)
        assert found.value_format.format(found.value) in headlines.line(found)


def test_ofsted_counts_add_up(frame):
    seat = frame[sd.in_seat(frame, "pcon2024", EAST_2024) & frame["is_open"]]
    counts = charts.ofsted_counts(seat)
    assert counts["Schools"].sum() == len(seat)
    assert list(counts["Latest grade"]) == charts.GRADE_ORDER


def test_map_traces_mark_uncertain_and_missing(frame, years):
    shown = frame.assign(hover=[charts.hover_text(r, years) for r in frame.to_dict("records")])
    traces, colour_axis = charts.school_traces(
        shown,
        boundary_set="pcon2024",
        seat_code=EAST_2024,
        colour_by="ks4_progress8",
        show_rest=False,
        years=years,
    )
    ring = [t for t in traces if t["name"] == "Placement uncertain (near a boundary)"]
    inside = frame[frame["pcon2024_code"] == EAST_2024]
    assert len(ring[0]["x"]) == int(inside["pcon2024_uncertain"].sum()) > 0
    plotted = sum(len(t["x"]) for t in traces if t["x"][0] is not None)
    assert plotted == len(inside) + len(ring[0]["x"])
    assert colour_axis["coloraxis"]["cmid"] == 0
    # Schools without a Progress 8 figure are white, never coloured as if they were 0.
    white = [t for t in traces if t.get("marker", {}).get("color") == "#ffffff"]
    assert sum(len(t["x"]) for t in white if t["x"][0] is not None) == int(
        inside["ks4_progress8"].isna().sum()
    )


def test_map_fades_the_rest_of_the_city(frame, years):
    shown = frame.assign(hover="")
    traces, colour_axis = charts.school_traces(
        shown,
        boundary_set="pcon2010",
        seat_code=EAST_2010,
        colour_by="phase",
        show_rest=True,
        years=years,
    )
    assert colour_axis == {}
    markers = [t for t in traces if t["mode"] == "markers" and t["x"][0] is not None]
    opacities = [o for t in markers if "opacity" in t["marker"] for o in t["marker"]["opacity"]]
    inside = int((frame["pcon2010_code"] == EAST_2010).sum())
    assert opacities.count(1.0) == inside and opacities.count(0.3) == len(frame) - inside


def _trend(obs, urns, measure):
    return charts.school_trend_frame(urns, obs["headlines"], obs["ks4"], measure)


def test_following_one_school_greys_the_others(obs):
    urns = ["134253", "135881"]  # Djanogly City Academy, Nottingham Academy
    trend = _trend(obs, urns, "ks4_progress8")
    names = {"134253": "Djanogly City Academy", "135881": "Nottingham Academy"}
    figure = charts.trend_figure(trend, names, "ks4_progress8", "t", focus="135881")
    assert figure.data[-1].name == "Nottingham Academy"  # drawn last, on top
    assert figure.data[-1].line.width == 4
    assert figure.data[0].line.color == charts.FADED
    assert figure.layout.shapes[0].y0 == 0  # the national average line
    plain = charts.trend_figure(trend, names, "ks4_progress8", "t")
    assert {trace.line.width for trace in plain.data} == {2}
    sentence = charts.focus_sentence(trend, "135881", "Nottingham Academy", "Progress 8")
    assert sentence.startswith("**Nottingham Academy** (URN 135881), Progress 8: ")
    assert "-0.42 in 2018/19" in sentence


def test_focus_sentence_gives_the_reason_for_a_gap(obs):
    trend = _trend(obs, ["144321"], "ks4_progress8")  # SUPP in the 2018/19 KS4 file
    sentence = charts.focus_sentence(trend, "144321", "Woodlands", "Progress 8")
    assert "no figure in 2018/19 (suppressed)" in sentence
    assert charts.focus_sentence(trend, "000000", "Nobody", "Progress 8") == ""


def test_ks2_chart_marks_the_followed_school(obs):
    ks2 = charts.school_trend_frame(
        ["122407", "122481"], obs["headlines"], None, "ks2_pct_rwm_expected"
    )
    names = {"122407": "Bentinck", "122481": "Mellers"}
    figure = charts.ks2_figure(ks2, names, "Nottingham East", focus="122481")
    assert "<b>Mellers</b>" in figure.layout.yaxis.categoryarray
    assert len(figure.layout.shapes) == 1
    assert not charts.ks2_figure(ks2, names, "Nottingham East").layout.shapes


def test_research_table_and_long_export(frame, obs, snapshot, years):
    seat = frame[sd.in_seat(frame, "pcon2010", EAST_2010)]
    table = charts.research_table(seat, years)
    ks4 = expected.school_year(expected.newest_start(snapshot, schools.KS4)).replace("/", "_")
    assert {"urn", "pcon2010_code", f"ks4_{ks4}_progress8", f"ks4_{ks4}_status"} <= set(table)
    long = sd.long_export(obs, list(seat["urn"]))
    assert {"area_code", "period_start", "period_end", "unit", "status"} <= set(long)
    assert set(long["area_code"]) <= set(seat["urn"])
    row = long[(long["area_code"] == "134253") & (long["measure"] == "ks4_progress8")]
    assert row.set_index("dataset").loc["dfe_ks4_provisional_2018_19", "value"] == 0.73


# --- the page under AppTest: lazy tabs, every control read from a link ---------------------

TIMEOUT_S = 120


def render_schools(seat: str = "east", boundary_set: str = "pcon2024") -> None:
    from dashboard.topics.schools import page as schools
    from dashboard.ui.state import Selection

    schools.render(Selection(seat, boundary_set))


def render_schools_from_state() -> None:
    import streamlit as st

    from dashboard.topics.schools import page as schools
    from dashboard.ui.state import Selection

    schools.render(Selection(st.session_state["test_seat"], st.session_state["test_set"]))


def page(seat: str = "east", boundary_set: str = "pcon2024", **params) -> AppTest:
    at = AppTest.from_function(
        render_schools,
        kwargs={"seat": seat, "boundary_set": boundary_set},
        default_timeout=TIMEOUT_S,
    )
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def shown_text(at: AppTest) -> str:
    return " ".join(
        m.value for m in [*at.markdown, *at.caption, *at.subheader, *at.header, *at.info]
    )


def test_default_view_runs_only_the_map_tab():
    at = page()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Nottingham East: school standards"
    assert [tab.label for tab in at.tabs] == list(schools.TABS)
    assert [m.label for m in at.metric][-1] == "Listed for attention"
    assert at.metric[-1].value == "12"
    # Under the tiles, one data-as-of line for them all, only when it says something.
    as_of = data.as_of_text(
        schools.SPINE, schools.CENSUS, schools.OFSTED, schools.KS4, schools.ABSENCE
    )
    lines = [m.value for m in at.markdown if m.value.startswith("Data as of")]
    assert lines == ([as_of] if as_of else [])
    text = shown_text(at)
    assert "Which year these figures are for" in text
    assert "uncertain (ringed)" in text and "A dotted ring marks a school" in text
    assert "flagged uncertain**: 14 of 119 on the July 2024 boundaries" in text
    # Hidden tabs cost nothing: their headings and charts are not drawn.
    for hidden in ("Which schools may need attention", "What this page does not show"):
        assert hidden not in text
    assert len(at.get("plotly_chart")) == 1
    assert at.selectbox(key="schools_map_colour").value == "phase"
    assert at.multiselect(key="schools_map_phases").value == list(charts.PHASES)
    assert at.checkbox(key="schools_map_rest").value is True


def test_a_link_sets_the_map_controls():
    at = page(
        "north",
        "pcon2010",
        schools_map_colour="Progress 8",
        schools_map_phases=["Secondary"],
        schools_map_rest="false",
        schools_map_closed="true",
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="schools_map_colour").value == "ks4_progress8"
    assert at.multiselect(key="schools_map_phases").value == ["secondary"]
    assert at.checkbox(key="schools_map_rest").value is False
    assert at.checkbox(key="schools_map_closed").value is True
    table = at.dataframe[0].value
    assert set(table["Phase"]) == {"Secondary"} and "Progress 8" in table.columns
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    markers = [t for t in figure["data"] if "opacity" in t.get("marker", {})]
    assert markers and all(o == 1 for t in markers for o in t["marker"]["opacity"])


def test_a_link_follows_one_school_on_the_trends_tab():
    at = page(
        schools_tab="Trends",
        schools_trend_school="Nottingham Academy",
        schools_trend_measure="Attainment 8",
        schools_hocl_measure="Attainment 8",
    )
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning
    assert at.selectbox(key="schools_trend_school").value == "135881"
    assert at.radio(key="schools_trend_measure").value == "ks4_attainment8"
    assert at.radio(key="schools_hocl_measure").value == "a8"
    text = shown_text(at)
    assert "**Nottingham Academy** (URN 135881), Attainment 8: " in text
    assert "38.9 in 2018/19" in text
    assert "Where the schools are" not in text
    assert len(at.get("plotly_chart")) == 3  # secondary trend, primary (KS2), constituency


def test_the_followed_school_survives_seat_changes():
    at = AppTest.from_function(render_schools_from_state, default_timeout=TIMEOUT_S)
    at.query_params["schools_tab"] = "Trends"
    for seat, boundary_set in [("east", "pcon2024"), ("east", "pcon2010")]:
        at.session_state["test_seat"], at.session_state["test_set"] = seat, boundary_set
        at.run()
    at.selectbox(key="schools_trend_school").select("135881").run()
    assert "**Nottingham Academy** (URN 135881)" in shown_text(at)
    at.session_state["test_set"] = "pcon2024"  # still in the seat: still followed
    at.run()
    assert at.selectbox(key="schools_trend_school").value == "135881"
    at.session_state["test_seat"] = "south"  # not in this seat: back to every school
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="schools_trend_school").value == schools.EVERY_SCHOOL
    assert "(URN 135881)" not in shown_text(at)


def test_attention_and_notes_tabs_state_their_rules(snapshot):
    at = page(schools_tab="Attention")
    assert not at.exception
    text = shown_text(at)
    assert "A school is listed if **any** of these holds" in text
    assert charts.ATTENTION_P8 in text and charts.ATTENTION_ABSENCE in text
    flagged = at.dataframe[0].value.set_index("URN")
    assert "Progress 8 -0.42" in flagged.loc["135881", "Why it is listed"]
    at = page(schools_tab="Notes")
    text = shown_text(at)
    assert "What this page does not show" in text
    ks4 = expected.school_year(expected.newest_start(snapshot, schools.KS4))
    assert f"GCSE (KS4) results after {ks4} are partial" in text
    assert "2019/20 and 2020/21: not comparable" in text


def test_gcse_and_ofsted_tabs_from_a_link():
    at = page(schools_tab="GCSE", schools_ks4_measure="Attainment 8")
    assert not at.exception
    assert at.radio(key="schools_ks4_measure").value == "ks4_attainment8"
    assert "Attainment 8 42.3, Progress 8 -0.15" in shown_text(at)
    at = page(schools_tab="Ofsted and absence", schools_absence_measure="Overall absence %")
    assert not at.exception
    assert at.radio(key="schools_absence_measure").value == "pct_overall_absence"
    assert len(at.get("plotly_chart")) == 2


def test_the_table_tab_filters_from_a_link():
    at = page(
        schools_tab="All schools",
        schools_table_area="Whole city (LA 892)",
        schools_table_phases=["Primary", "Secondary"],
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="schools_table_area").value == schools.TABLE_AREA_CITY
    table = at.dataframe[0].value
    every = schools._school_frame()
    assert len(table) == int(every["phase"].isin(["primary", "secondary"]).sum())
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(f"Download these {len(table)} schools" in label for label in labels)
    # The selected seat is the default, whatever the seat: its label follows the sidebar.
    at = page("south", "pcon2010", schools_tab="All schools")
    assert at.selectbox(key="schools_table_area").value == schools.TABLE_AREA_SEAT
    assert set(at.dataframe[0].value["pcon2010_code"]) == {"E14000867"}
