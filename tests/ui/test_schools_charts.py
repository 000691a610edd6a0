"""The schools page's frames, sentences and figures, against the real snapshot.

Expected values were read by hand with `python -m dashboard query` and from the files named in
../shared/sources/schools/PROVENANCE.md: england_ks4provisional.csv (LA 892 row RECTYPE=4:
Attainment 8 42.3, Progress 8 -0.15, E&M 9-4 52.7%; Djanogly City Academy URN 134253: P8 0.73,
A8 43.8, 113 pupils; Nottingham Academy 135881: P8 -0.42, A8 38.9, 361 pupils; England
RECTYPE=7: A8 46.5, P8 -0.03), england_abs.csv (national PRI 4.0 / 8.2, SEC 5.5 / 13.7),
education-attainment.csv (Nottingham East E14000865: A8 39.1, 39.0, 41.74, 41.70; E&M 55% in
2022) and the spine (119 LA 892 establishments).
"""

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import settings, store
from dashboard.ui import schools_charts as charts
from dashboard.ui import schools_data as sd

EAST_2010, EAST_2024 = "E14000865", "E14001410"


@pytest.fixture(scope="module")
def snapshot():
    try:
        return store.Snapshot(settings.data_dir())
    except store.SnapshotMissing:
        pytest.skip("no snapshot in data/: run the build first")


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
    passes = charts.hocl_frame(obs["hocl"], codes, "pass")
    assert "55% in 2021/22" in charts.hocl_summary(passes, EAST_2010, "pass")


def test_ofsted_counts_add_up(frame):
    seat = frame[sd.in_seat(frame, "pcon2024", EAST_2024) & frame["is_open"]]
    counts = charts.ofsted_counts(seat)
    assert counts["Schools"].sum() == len(seat)
    assert list(counts["Latest grade"]) == charts.GRADE_ORDER


def test_map_traces_mark_uncertain_and_missing(frame):
    figure = go.Figure()
    charts.add_school_traces(
        figure,
        frame,
        boundary_set="pcon2024",
        seat_code=EAST_2024,
        colour_by="ks4_progress8",
        show_rest=False,
    )
    ring = [t for t in figure.data if t.name == "Placement uncertain (near a boundary)"]
    inside = frame[frame["pcon2024_code"] == EAST_2024]
    assert len(ring[0].x) == int(inside["pcon2024_uncertain"].sum())
    plotted = sum(len(t.x) for t in figure.data if t.x is not None and t.x[0] is not None)
    assert plotted == len(inside) + len(ring[0].x)
    assert figure.layout.coloraxis.cmid == 0


def test_research_table_and_long_export(frame, obs):
    seat = frame[sd.in_seat(frame, "pcon2010", EAST_2010)]
    table = charts.research_table(seat)
    assert {"urn", "pcon2010_code", "ks4_2018_19_progress8", "ks4_2018_19_status"} <= set(table)
    long = sd.long_export(obs, list(seat["urn"]))
    assert {"area_code", "period_start", "period_end", "unit", "status"} <= set(long)
    assert set(long["area_code"]) <= set(seat["urn"])
    row = long[(long["area_code"] == "134253") & (long["measure"] == "ks4_progress8")]
    assert row.set_index("dataset").loc["dfe_ks4_provisional_2018_19", "value"] == 0.73
