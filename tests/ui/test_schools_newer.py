"""GCSE results after the performance tables' year on the schools page: the final file's scores
and the school information file's bands for the schools DfE's own files place in the seat, and a
plain list of the years the snapshot lacks. Every year named is read from the snapshot.

Expected figures come from the snapshot the tests run on (tests/expected.py); the parsers'
values are pinned to the files in tests/sources/test_dfe_ks4_2022_24.py.
"""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import catalogue
from dashboard.topics.schools import figures as charts
from dashboard.topics.schools import model as sd
from dashboard.topics.schools import page as schools
from tests import expected

EAST_2010, EAST_2024 = "E14000865", "E14001410"
FINAL, INFO = schools.KS4_2022_23, schools.KS4_2023_24
TIMEOUT_S = 120


@pytest.fixture(scope="module")
def tables(snapshot):
    return {
        "final": snapshot.table(FINAL, "observations"),
        "info": snapshot.table(INFO, "observations"),
        "places": (snapshot.table(FINAL, "schools"), snapshot.table(INFO, "schools")),
    }


@pytest.fixture(scope="module")
def years(snapshot):
    """(final file's year, information file's year): their newest school rows' period starts."""
    return expected.newest_start(snapshot, FINAL), expected.newest_start(snapshot, INFO)


def seat_rows(tables, boundary_set, code):
    placed = sd.placed_by_publisher(tables["places"], boundary_set, code)
    return sd.newer_ks4_frame(placed, tables["final"], tables["info"])


def test_schools_are_placed_by_the_publishers_own_constituency(snapshot, tables):
    final_schools, info_schools = tables["places"]
    rows_2010 = seat_rows(tables, "pcon2010", EAST_2010)
    in_2010 = final_schools.loc[final_schools["pcon2010_code"] == EAST_2010, "urn"]
    assert set(rows_2010["urn"]) == set(in_2010) and len(in_2010) >= 5
    rows_2024 = seat_rows(tables, "pcon2024", EAST_2024)
    in_2024 = info_schools.loc[info_schools["pcon2024_code"] == EAST_2024, "urn"]
    assert set(rows_2024["urn"]) == set(in_2024) and len(in_2024) >= 5
    # a seat no file names (the 2023/24 file has no 2010 codes) places nobody from it
    assert sd.placed_by_publisher((info_schools,), "pcon2010", EAST_2010).empty


@pytest.mark.parametrize("boundary_set, code", [("pcon2010", EAST_2010), ("pcon2024", EAST_2024)])
def test_each_school_shows_the_snapshots_final_scores_and_later_band(
    snapshot, tables, years, boundary_set, code
):
    rows = seat_rows(tables, boundary_set, code)
    table = charts.newer_ks4_table(rows, *years).set_index("URN")
    final, later = (expected.school_year(y) for y in years)
    scored = 0
    for urn in rows.loc[rows["in_final"], "urn"]:
        a8 = expected.value_or_none(snapshot, FINAL, "ks4_attainment8", urn, years[0])
        p8 = expected.value_or_none(snapshot, FINAL, "ks4_progress8", urn, years[0])
        if p8 is not None:
            assert table.loc[urn, f"Attainment 8, {final}"] == f"{a8:.1f}"
            assert table.loc[urn, f"Progress 8, {final}"] == f"{p8:.2f}"
            scored += 1
        else:
            assert table.loc[urn, f"Progress 8, {final}"].startswith("no figure (")
    assert scored >= 4  # Nottingham East's four state-funded secondaries
    for urn in rows["urn"]:
        band = expected.value_or_none(snapshot, INFO, "ks4_progress8_band", urn, years[1])
        shown = table.loc[urn, f"P8 band, {later}"]
        assert shown == (charts.BAND_LABELS[int(band)] if band is not None else shown)
        assert band is not None or shown.startswith("no figure")


def test_summary_quotes_the_seat_la_and_england(snapshot, tables, years):
    rows = seat_rows(tables, "pcon2024", EAST_2024)
    summary = charts.newer_ks4_summary(rows, tables["final"], tables["info"], "Nottingham East")
    scored = rows["ks4_progress8"].notna().sum()
    final, later = (expected.school_year(y) for y in years)
    assert f"In {final} (final), **{scored}** schools in Nottingham East" in summary
    for code in (sd.NOTTINGHAM, sd.ENGLAND):
        a8 = expected.value(snapshot, FINAL, "ks4_attainment8", code, years[0])
        p8 = expected.value(snapshot, FINAL, "ks4_progress8", code, years[0])
        assert f"{a8:g}" in summary and f"{p8:g}" in summary
    banded = rows["later_ks4_progress8_band"].notna().sum()
    assert f"In {later} DfE published only each school's Progress 8 band" in summary
    assert f"({banded} schools with a band)" in summary


def test_chart_is_the_final_files_year_with_the_la_and_england_lines(snapshot, tables, years):
    rows = seat_rows(tables, "pcon2010", EAST_2010)
    scored = rows[rows["in_final"]]
    figure = charts.ks4_figure(scored, tables["final"], "ks4_progress8", "East")
    assert f"{expected.school_year(years[0])} (final)" in figure.layout.title.text
    (points,) = [t for t in figure.data if t.mode == "markers"]
    assert len(points.x) == scored["ks4_progress8"].notna().sum()
    la = expected.value(snapshot, FINAL, "ks4_progress8", sd.NOTTINGHAM, years[0])
    assert any(t.name == f"Nottingham LA: {la:g}" for t in figure.data)


def test_coverage_lines_flag_the_assessed_years_and_name_what_is_missing():
    breaks = catalogue.measure("ks4_attainment8").breaks
    year = pd.Timestamp
    held = {
        year("2017-09-01"): {"ks4_attainment8", "ks4_progress8"},
        year("2018-09-01"): {"ks4_attainment8", "ks4_progress8"},
        year("2022-09-01"): {"ks4_attainment8", "ks4_progress8"},
        year("2023-09-01"): {"ks4_progress8_band"},
    }
    lines = charts.coverage_lines(
        held,
        year("2017-09-01"),
        breaks,
        {"ks4_progress8_band": "Progress 8 band"},
        {year("2022-09-01"): "Only some schools."},
    )
    assessed = next(b for b in breaks if b.kind == "teacher_assessed")
    assert lines == [
        f"**2019/20 and 2020/21: not comparable, not shown.** {assessed.note}",
        "**2021/22: no school results in the snapshot.**",
        "**2022/23: some schools only.** Only some schools.",
        "**2023/24: no Attainment 8 or Progress 8 scores**; only Progress 8 band.",
        "**After 2023/24: nothing yet**; newer results arrive with the refresh.",
    ]


def render_schools(seat: str = "east", boundary_set: str = "pcon2024") -> None:
    from dashboard.topics.schools import page as schools
    from dashboard.ui.state import Selection

    schools.render(Selection(seat, boundary_set))


def test_gcse_tab_shows_the_final_scores_and_says_what_is_missing(snapshot):
    at = AppTest.from_function(render_schools, default_timeout=TIMEOUT_S)
    at.query_params["schools_tab"] = "GCSE"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in [*at.markdown, *at.caption, *at.subheader, *at.header])
    final_start, later_start = (
        expected.newest_start(snapshot, FINAL),
        expected.newest_start(snapshot, INFO),
    )
    final, later = expected.school_year(final_start), expected.school_year(later_start)
    assert f"GCSE results (key stage 4), {final} and {later}" in text
    assert "2019/20 and 2020/21: not comparable" in text
    assert "2021/22: no school results" in text
    table = at.dataframe[0].value.set_index("URN")
    # Djanogly City Academy (134253), one of the seat's schools in both files
    p8 = expected.value(snapshot, FINAL, "ks4_progress8", "134253", final_start)
    a8 = expected.value(snapshot, FINAL, "ks4_attainment8", "134253", final_start)
    assert table.loc["134253", f"Progress 8, {final}"] == f"{p8:.2f}"
    assert table.loc["134253", f"Attainment 8, {final}"] == f"{a8:.1f}"
    sources = [c.value for c in at.caption if c.value.startswith("Source")]
    assert any("TRANSCRIPTION" in line for line in sources)
