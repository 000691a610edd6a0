"""NOMS workforce statistics June 2016, Table 12 (staff in post against benchmark), by hand."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.topics.prison.sources import moj_workforce_2016 as parser

FILE = "prisons/bbc_data_unit/noms-workforce-statistics-june-2016-tables.xlsx"


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    return parser.parse([sources / FILE], "noms_workforce_june_2016")["observations"]


def row(obs, measure, code):
    found = obs[(obs.measure == measure) & (obs.area_code == code)]
    assert len(found) == 1
    return found.iloc[0]


@pytest.mark.parametrize(
    ("cell", "code", "measure", "expected"),
    [
        # sheet "12 Benchmark vs SIP", row 81 (C81 "Nottingham")
        ("D81", "NMI", "staff_in_post_fte_band_3_5", 210.067221),
        ("E81", "NMI", "benchmark_fte_band_3_5", 229),
        ("H81", "NMI", "staff_in_post_fte_osg", 42.715177),
        ("P81", "NMI", "staff_in_post_fte_all_staff", 341.458073),
        ("Q81", "NMI", "benchmark_fte_all_staff", 382.6),
        # row 116 "Establishment Total"
        ("P116", "K04000001", "staff_in_post_fte_all_staff", 31090.592664),
        ("Q116", "K04000001", "benchmark_fte_all_staff", 33064.69),
        # row 53 "Holloway": code HYI from RobinL's nomis_id column
        ("P53", "HYI", "staff_in_post_fte_all_staff", 273.35151),
    ],
)
def test_hand_read_values(obs, cell, code, measure, expected):
    assert row(obs, measure, code).value == pytest.approx(expected, abs=1e-6)


def test_ratio_matches_the_sheets_percent_difference(obs):
    # S81 (% Diff, all staff) is -10.753248 and G81 (band 3-5) is -8.267589
    assert (row(obs, "staff_to_benchmark_ratio_all_staff", "NMI").value - 1) * 100 == (
        pytest.approx(-10.753248, abs=1e-6)
    )
    assert (row(obs, "staff_to_benchmark_ratio_band_3_5", "NMI").value - 1) * 100 == (
        pytest.approx(-8.267589, abs=1e-6)
    )
    assert row(obs, "staff_to_benchmark_ratio_all_staff", "NMI").unit == "ratio"


def test_no_benchmark_is_null_with_the_footnote(obs):
    # row 10: B10 "C", C10 "Berwyn", D10 10.679487, E10 "-"
    berwyn = row(obs, "benchmark_fte_band_3_5", "BWI")
    assert pd.isna(berwyn.value)
    assert berwyn.status.startswith("establishment not operational")
    assert row(obs, "staff_in_post_fte_band_3_5", "BWI").value == pytest.approx(10.679487, 1e-6)
    # row 56: B56 "#", Humber has a staffing target, not a benchmark
    assert row(obs, "benchmark_fte_band_3_5", "HMI").status.startswith("no benchmark set")
    assert pd.isna(row(obs, "benchmark_fte_band_3_5", "NMI").status)


def test_shape(obs):
    assert obs.period_start.eq(pd.Timestamp("2016-06-30")).all()
    # 110 establishments less Usk/Prescoed (combined), plus the total
    assert obs.area_code.nunique() == 110
    assert len(obs) == 110 * 12


def test_html_names_the_file(tmp_path):
    broken = tmp_path / "noms-workforce-statistics-june-2016-tables.xlsx"
    broken.write_text("<html><body>Moved</body></html>")
    with pytest.raises(ValueError, match="noms-workforce-statistics-june-2016-tables.xlsx"):
        parser.parse([broken], "noms_workforce_june_2016")


def test_truncated_workbook_names_the_file(sources, tmp_path):
    broken = tmp_path / "truncated.xlsx"
    broken.write_bytes((sources / FILE).read_bytes()[:4096])
    with pytest.raises(ValueError, match="truncated.xlsx"):
        parser.parse([broken], "noms_workforce_june_2016")
