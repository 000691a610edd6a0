"""Every school year the schools page names is read from the data it describes.

Expected years come from the snapshot's own rows (tests/expected.py reads the tables directly,
not through the functions under test). Each sentence is also fed the snapshot's rows with the
newest year dropped, standing in for a refresh that moves the year on: the words must follow.
"""

import pandas as pd
import pytest

from dashboard.core import catalogue
from dashboard.topics.schools import figures as charts
from dashboard.topics.schools import model as sd
from dashboard.topics.schools import page as schools
from tests import expected


@pytest.fixture(scope="module")
def obs(snapshot):
    datasets = {
        "census": schools.CENSUS,
        "absence": schools.ABSENCE,
        "ks4": schools.KS4,
        "headlines": schools.HEADLINES,
        "ofsted": schools.OFSTED,
        "ks2_final": schools.KS2_FINAL,
        "ks4_final": schools.KS4_FINAL,
    }
    return {name: snapshot.table(dataset, "observations") for name, dataset in datasets.items()}


def _without_newest(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of every year but the newest: a snapshot one school year behind."""
    return frame[frame["period_start"] < frame["period_start"].max()]


def _years(obs, **replaced) -> sd.SchoolYears:
    frames = {k: obs[k] for k in ("census", "absence", "ks4", "headlines", "ofsted")}
    return sd.frame_years(**{**frames, **replaced})


def test_newest_and_oldest_year_are_the_snapshots(snapshot, obs):
    for name, dataset in (("ks4", schools.KS4), ("headlines", schools.HEADLINES)):
        rows = obs[name][obs[name]["area_type"] == "school"]
        assert sd.newest_year(obs[name]) == expected.newest_start(snapshot, dataset)
        assert sd.oldest_year(obs[name]) == rows["period_start"].min()
    ks2 = obs["headlines"][obs["headlines"]["measure"] == "ks2_pct_rwm_expected"]
    assert sd.newest_year(obs["headlines"], "ks2_pct_rwm_expected") == ks2["period_start"].max()
    # England's rows are another level: the school level never answers for them
    england = obs["ks2_final"][obs["ks2_final"]["area_type"] == "country"]
    assert sd.newest_year(obs["ks2_final"], area_type="country") == england["period_start"].max()
    assert sd.newest_year(obs["ks2_final"]) is None
    assert sd.newest_year(None) is None


def test_frame_years_are_each_sources_newest(snapshot, obs):
    years = _years(obs)
    assert years.census == expected.newest_start(snapshot, schools.CENSUS)
    assert years.absence == expected.newest_start(snapshot, schools.ABSENCE)
    assert years.ks4 == expected.newest_start(snapshot, schools.KS4)
    ofsted = obs["ofsted"]["period_start"].max()
    assert years.ofsted_last == ofsted
    provisional = obs["ks4"].loc[obs["ks4"]["period_start"] == years.ks4, "status"]
    assert years.ks4_provisional == bool(provisional.eq("provisional").any())


def test_a_snapshot_a_year_behind_names_that_year(snapshot, spine_frame_inputs):
    """The school frame, hover text, map colour bar, research export and opening statement all
    move to the compilation's previous year when its newest is gone."""
    spine, obs = spine_frame_inputs
    older = _without_newest(obs["headlines"])
    before, after = _years(obs).ks2, _years(obs, headlines=older).ks2
    assert after == older["period_start"].max() < before
    frame = sd.school_frame(spine, **{**_frames(obs), "headlines": older})
    # the KS2 column holds the earlier year's figures, one school checked against the table
    shown = frame.dropna(subset=["ks2_pct_rwm_expected"]).iloc[0]
    cell = older[
        (older["area_code"] == shown["urn"])
        & (older["measure"] == "ks2_pct_rwm_expected")
        & (older["period_start"] == after)
    ]
    assert shown["ks2_pct_rwm_expected"] == cell["value"].iloc[0]
    years = _years(obs, headlines=older)
    word, old_word = expected.school_year(after), expected.school_year(before)
    hover = charts.hover_text(shown, years)
    assert f"KS2 RWM expected {word}:" in hover and old_word not in hover.split("KS2")[1]
    assert charts.measure_period("ks2_pct_rwm_expected", years) == word
    table = charts.research_table(frame, years)
    assert f"ks2_{word.replace('/', '_')}_pct_rwm_expected" in table
    statement = charts.years_statement(
        years,
        final_year=None,
        later_year=None,
        trend=(sd.oldest_year(older), sd.newest_year(older)),
        teacher_assessed="2019/20 and 2020/21",
    )
    first = expected.school_year(older["period_start"].min())
    assert f"covering **{first} to {word}**" in statement


@pytest.fixture(scope="module")
def spine_frame_inputs(snapshot, obs):
    return snapshot.table(schools.SPINE, "schools"), obs


def _frames(obs):
    return {k: obs[k] for k in ("census", "absence", "ks4", "headlines", "ofsted")}


def test_trend_summary_names_the_years_its_rows_hold(obs):
    urns = list(obs["ks4"].loc[obs["ks4"]["area_type"] == "school", "area_code"].unique())
    trend = charts.school_trend_frame(urns, obs["headlines"], obs["ks4"], "ks4_progress8")
    compiled = sorted(trend.loc[trend["dataset"] == schools.HEADLINES, "year"].unique())
    dfe = expected.school_year(obs["ks4"]["period_start"].max())
    text = charts.trend_summary(trend, schools.HEADLINES, schools.KS4)
    assert f"{compiled[0]} to {compiled[-1]} from a third-party compilation" in text
    assert f"{dfe} from DfE's provisional file" in text
    # without the DfE file's year the sentence ends at the compilation's last year
    shorter = trend[trend["dataset"] == schools.HEADLINES]
    text = charts.trend_summary(shorter, schools.HEADLINES, schools.KS4)
    assert text.startswith(f"Secondary schools' results from {compiled[0]} to {compiled[-1]}:")
    assert dfe not in text


def test_england_for_scale_says_when_its_year_differs(obs):
    england = obs["ks2_final"]
    rows = england[
        (england["measure"] == "ks2_pct_rwm_expected") & (england["area_code"] == sd.ENGLAND)
    ]
    newest = rows.sort_values("period_start").iloc[-1]
    same = charts.england_scale_sentence(england, "ks2_pct_rwm_expected", newest["period_start"])
    assert same == f" For scale: England was {newest['value']:g}% in the same year."
    earlier = newest["period_start"] - pd.DateOffset(years=1)
    text = charts.england_scale_sentence(england, "ks2_pct_rwm_expected", earlier)
    shown, wanted = expected.school_year(newest["period_start"]), expected.school_year(earlier)
    assert (
        f"England was {newest['value']:g}% in {shown} (a later year than the schools' {wanted}"
        in text
    )
    assert f"the snapshot has no {wanted} England figure" in text


def test_ks4_sentences_follow_the_files_year(obs):
    """The KS4 summary and chart name the newest year of the rows they are given: the DfE file,
    then the compilation and the DfE file together with the DfE file's year dropped."""
    ks4 = obs["ks4"]
    year = expected.school_year(ks4["period_start"].max())
    rows = pd.DataFrame({"ks4_progress8": [float("nan")], "ks4_attainment8_status": ["x"]})
    assert f"published {year} Progress 8" in charts.ks4_summary(rows, ks4, "Seat")
    older = _without_newest(pd.concat([obs["headlines"], ks4], ignore_index=True))
    older_year = expected.school_year(older["period_start"].max())
    assert older_year != year
    assert f"published {older_year} Progress 8" in charts.ks4_summary(rows, older, "Seat")
    # one school's real Progress 8 in that year, on the chart
    p8 = older[(older["measure"] == "ks4_progress8") & older["value"].notna()].iloc[-1]
    scored = pd.DataFrame(
        {
            "ks4_progress8": [p8["value"]],
            "ks4_progress8_ci_lower": [float("nan")],
            "ks4_progress8_ci_upper": [float("nan")],
            "label": [p8["area_code"]],
        }
    )
    figure = charts.ks4_figure(scored, older, "ks4_progress8", "Seat")
    assert f"{older_year} (final)" in figure.layout.title.text  # the compilation is final


def test_coverage_and_assessed_years_come_from_the_break_record():
    breaks = catalogue.measure("ks4_attainment8").breaks
    span = next(b for b in breaks if b.kind == "teacher_assessed")
    assessed = sd.assessed_years(breaks)
    assert assessed[0] == pd.Timestamp(span.start)
    assert assessed[-1] <= pd.Timestamp(span.end) < assessed[-1] + pd.DateOffset(years=1)
    assert charts.years_list(*assessed) == " and ".join(map(expected.school_year, assessed))


def test_none_after_groups_sources_by_year():
    a, b = pd.Timestamp("2017-09-01"), pd.Timestamp("2018-09-01")
    text = charts.none_after({"KS2": a, "absence": b, "census": b, "missing": None})
    assert text == "KS2 after 2017/18, or absence or census after 2018/19"


def test_download_name_spans_the_tables_years(obs):
    years = _years(obs)
    starts = [obs[k]["period_start"].max() for k in ("census", "absence", "ks4")]
    ks2 = obs["headlines"]
    starts.append(ks2.loc[ks2["measure"] == "ks2_pct_rwm_expected", "period_start"].max())
    first, last = (expected.school_year(d).replace("/", "-") for d in (min(starts), max(starts)))
    assert charts.years_span(years) == (first if first == last else f"{first}-to-{last}")
    # one year behind on every source: the name moves with them
    older = _years(obs, **{k: _without_newest(obs[k]) for k in ("headlines",)})
    assert charts.years_span(older) != charts.years_span(years)
