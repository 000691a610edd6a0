"""DfE performance-tables parsers (issue 4), checked against values read by hand from the files."""

import math
from datetime import date

import pandas as pd
import pytest

from dashboard.topics.schools.sources import (
    dfe_absence,
    dfe_census,
    dfe_common,
    dfe_ks2_final,
    dfe_ks4_destinations,
    dfe_ks4_final,
    dfe_ks4_provisional,
    dfe_ks_compiled,
)

TRIMMED = "schools/dfe_perf_tables_2018-19_trimmed"
SAMPLES = "schools/layout_samples_hampshire_surrey"
COMPILED = "schools/compiled_perf_ofsted_2016-2018"
Y2019 = (pd.Timestamp("2018-09-01"), pd.Timestamp("2019-08-31"))


def one(frame, measure, code, start=Y2019[0]):
    rows = frame[
        frame["measure"].eq(measure)
        & frame["area_code"].eq(code)
        & pd.to_datetime(frame["period_start"]).eq(start)
    ]
    assert len(rows) == 1, (measure, code, start, len(rows))
    return rows.iloc[0]


@pytest.fixture(scope="module")
def ks4prov(sources):
    return dfe_ks4_provisional.parse(
        [sources / TRIMMED / "england_ks4provisional.csv"], "dfe_ks4_provisional_2018_19"
    )["observations"]


@pytest.fixture(scope="module")
def census(sources):
    return dfe_census.parse([sources / TRIMMED / "england_census.csv"], "dfe_census_2018_19")[
        "observations"
    ]


@pytest.fixture(scope="module")
def absence(sources):
    return dfe_absence.parse([sources / TRIMMED / "england_abs.csv"], "dfe_absence_2018_19")[
        "observations"
    ]


@pytest.fixture(scope="module")
def destinations(sources):
    return dfe_ks4_destinations.parse(
        [sources / TRIMMED / "england_ks4-pupdest.csv"], "dfe_ks4_destinations_2018_19"
    )["observations"]


@pytest.fixture(scope="module")
def compiled(sources):
    folder = sources / COMPILED
    paths = sorted(folder.glob("ks*_perf_*.csv")) + [folder / "school_details_2018.csv"]
    return dfe_ks_compiled.parse(paths, "dfe_ks_headlines_2016_2018")["observations"]


# england_ks4provisional.csv: Djanogly City Academy (URN 134253) row, LA 892 row (RECTYPE 4),
# England rows RECTYPE 7 (state-funded) and 5 (all schools).
@pytest.mark.parametrize(
    ("measure", "code", "expected"),
    [
        ("ks4_progress8", "134253", 0.73),
        ("ks4_attainment8", "134253", 43.8),
        ("ks4_pupils", "134253", 113),
        ("ks4_progress8_ci_lower", "134253", 0.44),
        ("ks4_progress8_ci_upper", "134253", 1.03),
        ("ks4_pct_eng_maths_9_4", "134253", 55.8),
        ("ks4_progress8", "135881", -0.42),  # Nottingham Academy
        ("ks4_attainment8", "E06000018", 42.3),  # RECTYPE 4, LEA 892
        ("ks4_progress8", "E06000018", -0.15),
        ("ks4_pupils", "E06000018", 2763),
        ("ks4_pct_eng_maths_9_4", "E06000018", 52.7),
        ("ks4_pct_eng_maths_9_5", "E06000018", 32.3),
        ("ks4_attainment8", "E92000001", 46.5),  # RECTYPE 7
        ("ks4_progress8", "E92000001", -0.03),
        ("ks4_attainment8_all_schools", "E92000001", 44.5),  # RECTYPE 5
        ("ks4_pupils_all_schools", "E92000001", 605874),
    ],
)
def test_ks4_provisional_values(ks4prov, measure, code, expected):
    row = one(ks4prov, measure, code)
    assert row["value"] == pytest.approx(expected)
    assert row["status"] == "provisional"
    assert row["period_end"] == Y2019[1]


def test_ks4_provisional_record_types(ks4prov):
    types = ks4prov.groupby("area_type")["area_code"].unique()
    assert set(types["lad"]) == {"E06000018"}
    assert set(types["country"]) == {"E92000001"}
    assert ks4prov[ks4prov["area_type"].eq("school")]["area_code"].str.fullmatch(r"\d{6}").all()
    # RECTYPE 2 (special) rows are schools too: Westbury Academy 144320
    assert one(ks4prov, "ks4_attainment8", "144320")["value"] == pytest.approx(10.5)
    # other LAs' rows (e.g. Surrey 936, A8 50.x) are left out
    assert ks4prov["area_code"].nunique() == 32 + 2  # 32 LA 892 school rows


@pytest.mark.parametrize(
    ("urn", "measure", "status"),
    [
        ("144321", "ks4_attainment8", "suppressed"),  # Woodlands Academy: SUPP
        ("122964", "ks4_attainment8", "not eligible"),  # Rosehill School: NE
        ("122912", "ks4_progress8", "not applicable"),  # Hollygirt School (independent): NA
        ("146539", "ks4_attainment8", "missing"),  # new Ellis Guilford URN: blank
    ],
)
def test_ks4_special_values_are_null_with_reason(ks4prov, urn, measure, status):
    row = one(ks4prov, measure, urn)
    assert math.isnan(row["value"])
    assert row["status"] == status


def test_census_values(census):
    # england_census.csv, URN 134253 and the NAT rows (PRI/SEC/SPE)
    assert one(census, "pupils_on_roll_primary", "E92000001")["value"] == 4727089
    assert one(census, "pct_fsm_ever6_secondary", "E92000001")["value"] == pytest.approx(27.7)
    assert one(census, "pct_sen_ehcp_special", "E92000001")["value"] == pytest.approx(98.3)
    # Djanogly City Academy row: NOR 705, PNUMEAL 73.8, PNUMFSMEVER 42
    assert one(census, "pupils_on_roll", "134253")["value"] == 705
    assert one(census, "pct_eal", "134253")["value"] == pytest.approx(73.8)
    assert one(census, "pct_fsm_ever6", "134253")["value"] == 42
    schools = census[census["area_type"].eq("school")]
    assert schools["area_code"].nunique() == 115  # LA 892 rows
    # Hollygirt School (independent, URN 122912): FSM is NA -> null, not 0
    row = one(census, "pct_fsm_ever6", "122912")
    assert math.isnan(row["value"]) and row["status"] == "not applicable"


def test_census_la_892_primary_roll_matches_provenance(sources, census):
    raw = pd.read_csv(sources / TRIMMED / "england_census.csv", dtype=str, encoding="utf-8-sig")
    primary = raw[(raw["LA"] == "892") & (raw["SCHOOLTYPE"] == "State-funded primary")]["URN"]
    rolls = census[census["measure"].eq("pupils_on_roll") & census["area_code"].isin(primary)]
    assert rolls["value"].sum() == 29002


def test_absence_values(absence):
    # england_abs.csv row 892,6905,134253,8.5,26.9 (Djanogly City Academy)
    assert one(absence, "pct_overall_absence", "134253")["value"] == pytest.approx(8.5)
    assert one(absence, "pct_persistent_absence", "134253")["value"] == pytest.approx(26.9)
    assert one(absence, "pct_overall_absence_primary", "E92000001")["value"] == pytest.approx(4.0)
    assert one(absence, "pct_persistent_absence_secondary", "E92000001")["value"] == pytest.approx(
        13.7
    )
    assert one(absence, "pct_persistent_absence_special", "E92000001")["value"] == pytest.approx(
        28.8
    )
    assert absence[absence["area_type"].eq("school")]["area_code"].nunique() == 98
    assert absence["status"].eq("suppressed").sum() == 1


def test_destinations_values(destinations):
    # england_ks4-pupdest.csv, RECTYPE LA / LEA 892 and RECTYPE NAT
    y2018 = pd.Timestamp("2017-09-01")
    assert one(destinations, "ks4_dest_cohort", "E06000018", y2018)["value"] == 2510
    assert one(destinations, "ks4_dest_pct_sustained", "E06000018", y2018)["value"] == 88
    assert one(destinations, "ks4_dest_pct_education", "E06000018", y2018)["value"] == 80
    assert one(destinations, "ks4_dest_pct_not_sustained", "E06000018", y2018)["value"] == 11
    assert one(destinations, "ks4_dest_pct_sustained", "E92000001", y2018)["value"] == 94
    # Djanogly City Academy (RECTYPE 1): COHORT 117, OVERALL_DESTPER 77%
    assert one(destinations, "ks4_dest_cohort", "134253", y2018)["value"] == 117
    assert one(destinations, "ks4_dest_pct_sustained", "134253", y2018)["value"] == 77
    # the _18 and _17 columns: COHORT_18 2543 / OVERALL_DESTPER_18 88%, COHORT_17 2635 / 90%
    assert (
        one(destinations, "ks4_dest_cohort", "E06000018", pd.Timestamp("2016-09-01"))["value"]
        == 2543
    )
    assert (
        one(destinations, "ks4_dest_pct_sustained", "E06000018", pd.Timestamp("2015-09-01"))[
            "value"
        ]
        == 90
    )
    assert set(destinations["area_type"]) == {"school", "lad", "country"}
    assert (destinations["status"] == "suppressed").any()


def test_compiled_headlines(compiled):
    # ks4_perf_2018.csv (2017/18) and ks4_perf_2016.csv rows for URN 134253
    y2018, y2016 = pd.Timestamp("2017-09-01"), pd.Timestamp("2015-09-01")
    assert one(compiled, "ks4_attainment8", "134253", y2018)["value"] == pytest.approx(43.4)
    assert one(compiled, "ks4_progress8", "134253", y2018)["value"] == pytest.approx(0.44)
    assert one(compiled, "ks4_pct_eng_maths_a_c", "134253", y2016)["value"] == 42
    legacy = one(compiled, "ks4_attainment8", "134253", y2016)
    assert legacy["value"] == pytest.approx(40.4) and "pre-9-1" in legacy["status"]
    assert not (
        compiled["measure"].eq("ks4_pct_eng_maths_9_5") & compiled["period_start"].eq(y2016)
    ).any()
    assert set(compiled["area_type"]) == {"school"}
    assert compiled[compiled["measure"].eq("ks2_pct_rwm_expected")]["period_start"].nunique() == 3


def test_compiled_percent_strings_and_blanks(sources):
    names = dfe_ks_compiled.nottingham_schools(
        sources / COMPILED / "school_details_2018.csv", {"892"}
    )
    out = dfe_ks_compiled.read(sources / COMPILED / "ks2_perf_2018.csv", names)
    values = out[out["measure"].eq("ks2_pct_rwm_expected")]["value"].dropna()
    assert values.between(0, 100).all() and values.max() > 1  # "64%" -> 64.0, not 0.64
    assert (out["status"] == "missing").any() and out.loc[
        out["status"] == "missing", "value"
    ].isna().all()


# Layout samples (not Nottingham): the parsers are tested with the sample LAs' codes.
@pytest.fixture(scope="module")
def ks2_hampshire(sources):
    path = sources / SAMPLES / "2018-2019_850_ks2final.csv"
    return dfe_ks2_final.read(path, keep_las={"850"}, la_map=dfe_common.SAMPLE_LA_GSS)


def test_ks2_final_record_types(ks2_hampshire):
    # RECTYPE 3 is the LA in KS2 files; 5 England state-funded, 4 England all schools
    assert one(ks2_hampshire, "ks2_pct_rwm_expected", "E10000014")["value"] == 68
    assert one(ks2_hampshire, "ks2_pupils", "E10000014")["value"] == 14855
    assert one(ks2_hampshire, "ks2_pupils", "E92000001")["value"] == 644967
    assert one(ks2_hampshire, "ks2_pupils_all_schools", "E92000001")["value"] == 649249
    assert one(ks2_hampshire, "ks2_pct_rwm_expected", "E92000001")["value"] == 65
    # Anstey Junior School (115851): PTRWM_EXP 63%, READPROG -1.9
    assert one(ks2_hampshire, "ks2_pct_rwm_expected", "115851")["value"] == 63
    assert one(ks2_hampshire, "ks2_progress_reading", "115851")["value"] == pytest.approx(-1.9)
    # Icknield School (116609, RECTYPE 2): READPROG NA
    row = one(ks2_hampshire, "ks2_progress_reading", "116609")
    assert math.isnan(row["value"]) and row["status"] == "not applicable"


@pytest.mark.parametrize(
    ("name", "year_start", "la", "a8", "p8", "eng_a8"),
    [
        ("2018-2019_936_ks4final.csv", "2018-09-01", 50.3, 0.18, -0.03, 46.7),
        ("2017-2018_936_ks4final.csv", "2017-09-01", 50.3, 0.17, -0.02, 46.5),
    ],
)
def test_ks4_final_samples(sources, name, year_start, la, a8, p8, eng_a8):
    del a8
    out = dfe_ks4_final.read(
        sources / SAMPLES / name, keep_las={"936"}, la_map=dfe_common.SAMPLE_LA_GSS
    )
    start = pd.Timestamp(year_start)
    assert one(out, "ks4_attainment8", "E10000030", start)["value"] == pytest.approx(la)
    assert one(out, "ks4_progress8", "E92000001", start)["value"] == pytest.approx(p8)
    assert one(out, "ks4_attainment8", "E92000001", start)["value"] == pytest.approx(eng_a8)
    assert set(out["area_type"]) == {"school", "lad", "country"}
    assert (out["status"] == "not published").any()  # NP


def test_ks4_final_2019_school_and_pct(sources):
    out = dfe_ks4_final.read(
        sources / SAMPLES / "2018-2019_936_ks4final.csv",
        keep_las={"936"},
        la_map=dfe_common.SAMPLE_LA_GSS,
    )
    # Jubilee High School (139948): P8 0.22, E&M 9-4 63%
    assert one(out, "ks4_progress8", "139948")["value"] == pytest.approx(0.22)
    assert one(out, "ks4_pct_eng_maths_9_4", "139948")["value"] == 63


def test_samples_add_only_england_rows_to_the_snapshot(sources):
    out = dfe_ks4_final.parse(
        sorted((sources / SAMPLES).glob("*_ks4final.csv")), "dfe_ks4_final_la"
    )["observations"]
    assert set(out["area_code"]) == {"E92000001"}
    out2 = dfe_ks2_final.parse(
        [sources / SAMPLES / "2018-2019_850_ks2final.csv"], "dfe_ks2_final_la"
    )["observations"]
    assert set(out2["area_code"]) == {"E92000001"}


def test_unmapped_la_fails_loudly(sources):
    with pytest.raises(ValueError, match="no GSS code for DfE LA"):
        dfe_ks4_final.read(sources / SAMPLES / "2018-2019_936_ks4final.csv", keep_las={"936"})


def test_academic_year():
    assert dfe_common.academic_year(2019) == (date(2018, 9, 1), date(2019, 8, 31))


@pytest.mark.parametrize(
    ("module", "name", "content"),
    [
        (
            dfe_ks4_provisional,
            "england_ks4provisional.csv",
            "<html><body>Service unavailable</body></html>",
        ),
        (dfe_census, "england_census.csv", "URN,LA,ESTAB\n100000,201,3614\n"),
        (
            dfe_absence,
            "england_abs.csv",
            "LA,ESTAB,URN,PERCTOT,PPERSABS10\n892,2045,122407,4.1,x\n",
        ),
        (dfe_ks4_destinations, "england_ks4-pupdest.csv", "RECTYPE,LEA\n1,892\n"),
        (dfe_ks2_final, "2018-2019_892_ks2final.csv", ""),
    ],
)
def test_broken_files_raise_naming_the_file(tmp_path, module, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=name.replace(".", r"\.")):
        module.parse([path], "a_dataset")


def test_truncated_ks4_file_raises(sources, tmp_path):
    lines = (
        (sources / TRIMMED / "england_ks4provisional.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()
    )
    path = tmp_path / "england_ks4provisional.csv"
    path.write_text("\n".join(lines[:100]), encoding="utf-8")  # England rows at the end are lost
    with pytest.raises(ValueError, match="england_ks4provisional.csv: expected one England row"):
        dfe_ks4_provisional.parse([path], "dfe_ks4_provisional_2018_19")
