"""Ofsted compilations and the Commons Library constituency attainment table (issue 4)."""

import math

import pandas as pd
import pytest

from dashboard.topics.schools.sources import (
    hocl_attainment,
    ofsted_inspections,
    ofsted_ratings_kspdeveloper,
)

COMPILED = "schools/compiled_perf_ofsted_2016-2018"
TRIMMED = "schools/dfe_perf_tables_2018-19_trimmed"
HOCL = "schools/constituency_compilations_commons_library/education-attainment.csv"


@pytest.fixture(scope="module")
def inspections(sources):
    paths = [
        sources / COMPILED / "ofsted_ratings_2018.csv",
        sources / COMPILED / "school_details_2018.csv",
    ]
    return ofsted_inspections.parse(paths, "ofsted_inspections_compiled")["observations"]


def test_djanogly_inspection_history(inspections):
    # ofsted_ratings_2018.csv rows for URN 134253; school_details_2018.csv: Good, 20180424
    rows = inspections[inspections["area_code"] == "134253"].sort_values("period_start")
    assert rows["rating"].tolist() == [
        "Satisfactory",
        "Satisfactory",
        "Satisfactory",
        "Inadequate",
        "Requires Improvement",
        "Good",
    ]
    latest = rows.iloc[-1]
    assert latest["period_start"] == pd.Timestamp("2018-04-24") == latest["period_end"]
    assert latest["value"] == 2 and latest["area_name"] == "Djanogly City Academy"
    assert rows["value"].tolist()[:4] == [3, 3, 3, 4]  # Satisfactory counts as grade 3


def test_latest_grades_match_provenance(inspections):
    latest = inspections.sort_values("period_start").groupby("area_code").tail(1)
    assert latest["area_code"].nunique() == 86  # LA 892 schools with a rating in the details file
    assert set(inspections["measure"]) == {"ofsted_overall_effectiveness"}
    assert inspections["value"].between(1, 4).all()


def test_unknown_rating_raises(sources, tmp_path):
    history = tmp_path / "ofsted_ratings_2018.csv"
    history.write_text("URN,Rating,Inspection Date\n134253,Excellent,20180424\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ofsted_ratings_2018.csv: unknown ratings"):
        ofsted_inspections.parse(
            [history, sources / COMPILED / "school_details_2018.csv"], "ofsted_inspections_compiled"
        )


def test_kspdeveloper_crosscheck(sources):
    out = ofsted_ratings_kspdeveloper.parse(
        [sources / TRIMMED / "OFSTED_Ratings.csv", sources / TRIMMED / "england_census.csv"],
        "ofsted_ratings_kspdeveloper",
    )
    table = out["ofsted_crosscheck"]
    assert out["observations"].empty
    counts = table["rating"].value_counts().to_dict()
    assert counts == {
        "Good": 11,
        "Unknown": 9,
        "Outstanding": 5,
        "Requires Improvement": 3,
        "Inadequate": 2,
    }
    assert table.loc[table["rating"] == "Unknown", "grade"].isna().all()


@pytest.fixture(scope="module")
def hocl(sources):
    return hocl_attainment.parse([sources / HOCL], "hocl_constituency_attainment")["observations"]


def value(frame, measure, code, year):
    rows = frame[
        (frame["measure"] == measure)
        & (frame["area_code"] == code)
        & (frame["period_end"] == pd.Timestamp(f"{year}-08-31"))
    ]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("measure", "code", "year", "expected"),
    [
        ("ks4_attainment8", "E14000865", 2017, 39.1),  # Nottingham East row
        ("ks4_attainment8", "E14000865", 2018, 39.0),
        ("ks4_attainment8", "E14000865", 2019, 41.74),
        ("ks4_attainment8", "E14000865", 2022, 41.70),
        ("ks4_pct_eng_maths_9_4", "E14000865", 2022, 55),
        ("ks4_pct_eng_maths_9_4", "E14000865", 2019, 50),
        ("ks4_pct_eng_maths_a_c", "E14000865", 2016, 49),
        ("ks4_pct_5ac_eng_maths", "E14000865", 2011, 43),
        ("ks2_pct_rwm_expected", "E14000865", 2022, 58),
        ("ks4_attainment8", "E14000866", 2019, 35.00),  # Nottingham North
        ("ks4_attainment8", "E14000867", 2019, 47.88),  # Nottingham South
    ],
)
def test_hocl_values(hocl, measure, code, year, expected):
    row = value(hocl, measure, code, year)
    assert row["value"] == pytest.approx(expected)
    assert row["area_type"] == "pcon2010"


def test_hocl_blank_years_have_no_rows_and_assessed_years_are_flagged(hocl):
    east = hocl[(hocl["area_code"] == "E14000865") & (hocl["measure"] == "ks4_attainment8")]
    assert sorted(east["period_end"].dt.year) == [2017, 2018, 2019, 2022]
    assert (
        value(hocl, "ks4_pct_eng_maths_9_4", "E14000865", 2020)["status"]
        == "centre-assessed grades"
    )
    assert hocl["area_code"].nunique() == 533
    assert not any(math.isnan(v) for v in hocl["value"])


def test_hocl_changed_layout_raises(tmp_path):
    path = tmp_path / "education-attainment.csv"
    path.write_text(
        "Constituency ID,Constituency Name,Region,Progress 8 / 2019\nE14000865,N,E,0.1\n"
    )
    with pytest.raises(ValueError, match="education-attainment.csv: unexpected columns"):
        hocl_attainment.parse([path], "hocl_constituency_attainment")
