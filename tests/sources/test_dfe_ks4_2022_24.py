"""KS4 2022/23 (national final file, trimmed transcription) and 2023/24 (EES school information)
parsers, checked against values read by hand from the named files (line = line in the file,
counting the header as line 1; column = the file's own column name)."""

import pandas as pd
import pytest

from dashboard.topics.schools.sources import dfe_ks4_final_england, ees_ks4_school_info

FINAL_2023 = (
    "schools/dfe_perf_tables_2022-23_ks4final_trimmed_beataylor/"
    "england_ks4final_2022-23_TRIMMED_nottingham_east_la892_england.csv"
)
INFO_2024 = "schools/ees_ks4_performance_2023-24_pvhee/ks4_school_info_2024.csv"
Y2023 = pd.Timestamp("2022-09-01")
Y2024 = pd.Timestamp("2023-09-01")


def one(frame, measure, code, start):
    rows = frame[
        frame["measure"].eq(measure) & frame["area_code"].eq(code) & frame["period_start"].eq(start)
    ]
    assert len(rows) == 1, (measure, code, start, len(rows))
    return rows.iloc[0]


@pytest.fixture(scope="module")
def final_2023(sources):
    return dfe_ks4_final_england.parse([sources / FINAL_2023], "dfe_ks4_final_2022_23")


@pytest.fixture(scope="module")
def info_2024(sources):
    return ees_ks4_school_info.parse([sources / INFO_2024], "dfe_ks4_school_info_2023_24")


@pytest.mark.parametrize(
    "line, code, measure, expected",
    [
        (2, "134253", "ks4_pupils", 153),  # Djanogly City Academy, TPUP
        (2, "134253", "ks4_attainment8", 39.9),  # ATT8SCR
        (2, "134253", "ks4_progress8", -0.14),  # P8MEA
        (2, "134253", "ks4_progress8_ci_lower", -0.40),  # P8CILOW
        (2, "134253", "ks4_progress8_ci_upper", 0.13),  # P8CIUPP
        (2, "134253", "ks4_pct_eng_maths_9_4", 52),  # PTL2BASICS_94 "52%"
        (2, "134253", "ks4_progress8_band", 3),  # P8_BANDING "Average"
        (3, "135881", "ks4_attainment8", 40.6),  # Nottingham Academy
        (3, "135881", "ks4_progress8", -0.59),
        (3, "135881", "ks4_progress8_band", 5),  # "Well below average"
        (4, "141010", "ks4_attainment8", 50.5),  # Nottingham Free School
        (4, "141010", "ks4_progress8", 0.09),
        (6, "147456", "ks4_attainment8", 38.5),  # The Wells Academy
        (6, "147456", "ks4_progress8", -0.64),
        (7, "E06000018", "ks4_pupils", 3144),  # RECTYPE 4, LEA 892
        (7, "E06000018", "ks4_attainment8", 42.5),
        (7, "E06000018", "ks4_progress8", -0.23),
        (7, "E06000018", "ks4_pct_eng_maths_9_4", 57),
        (7, "E06000018", "ks4_pct_eng_maths_9_5", 36),
        (7, "E06000018", "ks4_ebacc_aps", 3.63),
        (7, "E06000018", "ks4_progress8_band", 4),  # "Below average"
        (8, "E92000001", "ks4_attainment8_all_schools", 44.6),  # RECTYPE 5
        (9, "E92000001", "ks4_attainment8", 46.3),  # RECTYPE 7, state-funded
        (9, "E92000001", "ks4_progress8", -0.03),
        (9, "E92000001", "ks4_pct_eng_maths_9_4", 65),
    ],
)
def test_final_2022_23_values(final_2023, line, code, measure, expected):
    row = one(final_2023["observations"], measure, code, Y2023)
    assert row["value"] == pytest.approx(expected), f"line {line}"
    assert row["period_end"] == pd.Timestamp("2023-08-31")


def test_final_2022_23_gaps_are_null_with_reason(final_2023):
    obs = final_2023["observations"]
    # line 5, Rosehill School (special, RECTYPE 2): ATT8SCR "NE"; its row stops before P8_BANDING
    rosehill = one(obs, "ks4_attainment8", "122964", Y2023)
    assert pd.isna(rosehill["value"]) and rosehill["status"] == "not eligible"
    band = one(obs, "ks4_progress8_band", "122964", Y2023)
    assert pd.isna(band["value"]) and band["status"] == dfe_ks4_final_england.PAST_ROW_END
    # line 8, England all schools (RECTYPE 5): 503 fields; P8MEA is an empty cell
    england_p8 = one(obs, "ks4_progress8_all_schools", "E92000001", Y2023)
    assert pd.isna(england_p8["value"]) and england_p8["status"] == "missing"
    assert (obs["value"].notna() | obs["status"].notna()).all()


def test_final_2022_23_schools_carry_the_publishers_2010_constituency(final_2023):
    schools = final_2023["schools"].set_index("urn")
    # lines 2-6, column PCON_CODE: all five are Nottingham East on the 2010-2024 boundaries
    assert sorted(schools.index) == ["122964", "134253", "135881", "141010", "147456"]
    assert set(schools["pcon2010_code"]) == {"E14000865"}
    assert schools.loc["147456", "name"] == "The Wells Academy"
    assert set(schools["academic_year"]) == {"2022/23"}


@pytest.mark.parametrize(
    "line, urn, measure, expected",
    [
        (4452, "134253", "ks4_pupils", 193),  # Djanogly City Academy, t_pupils
        (4452, "134253", "ks4_cohort_avg_ks2_scaled_score", 101.2),  # avg_ks2_scaledscore
        (4452, "134253", "ks4_cohort_pct_disadvantaged", 46.6),  # pt_disadvantaged
        (4452, "134253", "ks4_cohort_pct_eal", 70.5),  # pt_language_not_english
        (4452, "134253", "ks4_disadvantaged_gap_attainment8", -17.2),  # diffn_att8
        (4452, "134253", "ks4_disadvantaged_gap_progress8", -0.7),  # diffn_p8mea
        (4452, "134253", "ks4_progress8_band", 3),  # p8_banding "Average"
        (4441, "141010", "ks4_progress8_band", 2),  # Nottingham Free School "Above average"
        (4441, "141010", "ks4_pupils", 111),
        (4439, "147456", "ks4_progress8_band", 5),  # The Wells Academy "Well below average"
        (4439, "147456", "ks4_pupils", 132),
        (4454, "135881", "ks4_pupils", 278),  # Nottingham Academy
        (4443, "139765", "ks4_progress8_band", 4),  # The Nottingham Emmanuel School
    ],
)
def test_school_info_2023_24_values(info_2024, line, urn, measure, expected):
    row = one(info_2024["observations"], measure, urn, Y2024)
    assert row["value"] == pytest.approx(expected), f"line {line}"


def test_school_info_2023_24_symbols_are_null_with_reason(info_2024):
    obs = info_2024["observations"]
    # line 4440, Bluecoat Trent Academy (new): t_pupils "0" is a real zero, p8_banding "z"
    assert one(obs, "ks4_pupils", "148548", Y2024)["value"] == 0
    band = one(obs, "ks4_progress8_band", "148548", Y2024)
    assert pd.isna(band["value"]) and band["status"] == "not applicable"
    # line 4457, Rosehill School: diffn_att8 "c"
    gap = one(obs, "ks4_disadvantaged_gap_attainment8", "122964", Y2024)
    assert pd.isna(gap["value"]) and gap["status"] == "confidential (suppressed)"
    # the file has no Attainment 8 or Progress 8 score (diffn_* are gaps, not scores)
    assert not obs["measure"].isin(["ks4_attainment8", "ks4_progress8"]).any()


def test_school_info_2023_24_keeps_la_892_with_2024_constituencies(info_2024):
    schools = info_2024["schools"].set_index("urn")
    assert len(schools) == 31  # LA 892 rows (old_la_code 892) of 5,709
    assert (schools["pcon2024_code"] == "E14001410").sum() == 12  # Nottingham East
    # line 4443: LA 892 but in Rushcliffe on the 2024 boundaries
    assert schools.loc["139765", "pcon2024_code"] == "E14001457"
    assert schools.loc["134253", "type_group"] == "Sponsored academies"


@pytest.mark.parametrize(
    "module, name, content, message",
    [
        (dfe_ks4_final_england, "england_ks4final_2022-23.csv", "RECTYPE,LEA\n1,892\n", "missing"),
        (dfe_ks4_final_england, "england_ks4final.csv", "RECTYPE\n1\n", "academic year"),
        (ees_ks4_school_info, "ks4_school_info_2024.csv", "time_period\n202324\n", "missing"),
    ],
)
def test_broken_files_raise_naming_the_file(tmp_path, module, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ValueError, match=f"{name}.*{message}"):
        module.parse([path], "test")
