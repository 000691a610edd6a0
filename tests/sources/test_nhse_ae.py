"""NHS England A&E monthly statistics: values read by hand from the publisher's files.

Workbook cells are named as Excel shows them (sheet "A&E Data" in 2015-16, "Provider Level
Data" later; Code in column B, England in row 17). CSV values are named by Org Code and column.
"""

import math
from pathlib import Path

import pandas as pd
import pytest

from dashboard.core import catalogue
from dashboard.core.validate import validate_observations
from dashboard.topics.ae.sources import nhse_ae, nhse_ae_csv, nhse_ae_timeseries, nhse_ae_workbook

XLS = "ae/nhse_monthly_provider_xls"
XLSX = "ae/nhse_monthly_provider_xlsx"
CSV = "ae/nhse_monthly_provider_csv"
TIMESERIES = "ae/nhse_england_timeseries/Monthly-AE-Time-Series-September-2023.xlsx"
ENGLAND = "E92000001"
FOUR_HOUR = ("over_4h_type1", "over_4h_all", "pct_within_4h_type1", "pct_within_4h_all")


def catalogue_paths(sources: Path, dataset: str) -> list[Path]:
    record = catalogue.get(dataset)
    return sorted(p for f in record.files for p in sources.glob(f.path))


@pytest.fixture(scope="module")
def parsed(sources):
    return nhse_ae.parse(catalogue_paths(sources, "nhse_ae_monthly"), "nhse_ae_monthly")


@pytest.fixture(scope="module")
def obs(parsed) -> pd.DataFrame:
    return parsed["observations"]


@pytest.fixture(scope="module")
def single(sources):
    """Each file parsed alone, so a file's own figures can be checked even where it lost."""
    cache: dict[str, pd.DataFrame] = {}

    def get(relative: str) -> pd.DataFrame:
        if relative not in cache:
            cache[relative] = nhse_ae.parse([sources / relative], "nhse_ae_monthly")["observations"]
        return cache[relative]

    return get


def row(frame: pd.DataFrame, code: str, measure: str, month: str) -> pd.Series:
    hits = frame[
        (frame["area_code"] == code)
        & (frame["measure"] == measure)
        & (frame["period_start"] == pd.Timestamp(month))
    ]
    assert len(hits) == 1, (code, measure, month, len(hits))
    return hits.iloc[0]


# Each file and the month it covers.
JUL_2015 = (f"{XLS}/July-2015-AE-by-provider-NI2eY.xls", "2015-07")
JAN_2017 = (f"{XLS}/January-2017-AE-by-provider-qD8a6.xls", "2017-01")
JAN_2018 = (f"{XLS}/January-2018-AE-by-provider-revised-14.06.18-D44fd-1.xls", "2018-01")
MAR_2019 = (f"{XLS}/March-AE-by-provider-drsf5.xls", "2019-03")
JAN_2019 = (f"{XLS}/January-2019-AE-by-provider-CeyJ9.xls", "2019-01")
JAN_2020 = (f"{XLS}/Monthly-AE-January-2020-revised-220720-9EPnl.xls", "2020-01")
JAN_2021 = (f"{XLS}/January-2021-AE-by-provider-revised-280421-4OYWC.xls", "2021-01")
JAN_2024 = (f"{XLS}/January-2024-AE-revised-130624-by-provider-4qYV2-1.xls", "2024-01")
JUN_2025 = (f"{XLSX}/June-2025-AE-by-provider-3euC4-1.xlsx", "2025-06")
APR_2020_CSV = (f"{CSV}/April-2020-revised-260421-abc123.csv", "2020-04")
AUG_2021_CSV = (f"{CSV}/August-2021-revised-120522-CCC324.csv", "2021-08")
DEC_2022_CSV = (f"{CSV}/December-2022-revised-110523-iii999.csv", "2022-12")
JAN_2024_CSV = (f"{CSV}/January-2024-revised-130624-ddff.csv", "2024-01")
SEP_2024_CSV = (f"{CSV}/Monthly-AE-September-2024.csv", "2024-09")
JUN_2025_CSV = (f"{CSV}/June-2025-CSV-revised.csv", "2025-06")
JAN_2026_CSV = (f"{CSV}/January-2026-CSV-S6H81b.csv", "2026-01")
FEB_2026_CSV = (f"{CSV}/February-2026-CSV-Dl8t54.csv", "2026-02")

# (file, cell, area code, measure, value); percentages are the file's fraction x 100.
WORKBOOK_CELLS = [
    # One-sheet 2015-16 layout.
    (JUL_2015, "E106", "RX1", "attendances_type1", 14653),
    (JUL_2015, "I106", "RX1", "over_4h_type1", 968),
    (JUL_2015, "U106", "RX1", "waits_over_4h_dta", 65),
    (JUL_2015, "N17", ENGLAND, "pct_within_4h_all", 95.00869222359625),
    (JUL_2015, "T17", ENGLAND, "emergency_admissions_all", 473914),
    # January-March 2017: the same columns plus an STP column.
    (JAN_2017, "N99", "RX1", "pct_within_4h_all", 77.64336917562724),
    (JAN_2017, "L99", "RX1", "over_4h_all", 3493),
    (JAN_2017, "V99", "RX1", "waits_over_12h_dta", 2),
    (JAN_2017, "H17", ENGLAND, "attendances_all", 1895272),
    # April 2017-March 2018: adds the < 4 hours block.
    (JAN_2018, "G97", "RX1", "attendances_other", 2895),
    (JAN_2018, "P97", "RX1", "over_4h_all", 4285),
    (JAN_2018, "Q97", "RX1", "pct_within_4h_type1", 64.51911739935995),
    (JAN_2018, "R17", ENGLAND, "pct_within_4h_all", 85.29918213516818),
    # April 2018 onwards: four percentage columns, all types first.
    (JAN_2019, "E87", "RX1", "attendances_type1", 15705),
    (JAN_2019, "M87", "RX1", "over_4h_type1", 6139),
    (JAN_2019, "R87", "RX1", "pct_within_4h_type1", 60.91053804520853),
    (JAN_2019, "Q87", "RX1", "pct_within_4h_all", 64.52634609847394),
    (JAN_2019, "AA87", "RX1", "waits_over_4h_dta", 1493),
    (JAN_2019, "AB87", "RX1", "waits_over_12h_dta", 0),
    (JAN_2019, "E17", ENGLAND, "attendances_type1", 1344354),
    (JAN_2019, "H17", ENGLAND, "attendances_all", 2113413),
    (JAN_2019, "P17", ENGLAND, "over_4h_all", 330696),
    (JAN_2019, "AB17", ENGLAND, "waits_over_12h_dta", 627),
    (MAR_2019, "E17", ENGLAND, "attendances_type1", 1373061),
    (JAN_2020, "E93", "RX1", "attendances_type1", 15894),
    (JAN_2020, "AB93", "RX1", "waits_over_12h_dta", 92),
    (JAN_2021, "X86", "RX1", "emergency_admissions_via_ae", 4223),
    (JAN_2021, "E17", ENGLAND, "attendances_type1", 941194),
    (JAN_2024, "E82", "RX1", "attendances_type1", 15260),
    (JAN_2024, "M82", "RX1", "over_4h_type1", 8576),
    (JAN_2024, "AB82", "RX1", "waits_over_12h_dta", 902),
    (JAN_2024, "AB17", ENGLAND, "waits_over_12h_dta", 54312),
    # The 2025 .xlsx.
    (JUN_2025, "H17", ENGLAND, "attendances_all", 2350478),
    (JUN_2025, "Q17", ENGLAND, "pct_within_4h_all", 75.54501680083796),
    (JUN_2025, "R17", ENGLAND, "pct_within_4h_type1", 61.71880414094443),
    (JUN_2025, "AB17", ENGLAND, "waits_over_12h_dta", 38683),
    (JUN_2025, "H81", "RX1", "attendances_all", 15264),
    (JUN_2025, "Q81", "RX1", "pct_within_4h_all", 56.35482180293501),
    (JUN_2025, "AB81", "RX1", "waits_over_12h_dta", 518),
]


@pytest.mark.parametrize(
    ("file", "code", "measure", "expected"),
    [(c[0], c[2], c[3], c[4]) for c in WORKBOOK_CELLS],
    ids=[f"{Path(c[0][0]).name}!{c[1]}-{c[3]}" for c in WORKBOOK_CELLS],
)
def test_workbook_cells(single, file, code, measure, expected):
    relative, month = file
    found = row(single(relative), code, measure, month)
    assert found["value"] == pytest.approx(expected, rel=1e-12)
    assert found["source_file"] == Path(relative).name


# (file, area code, measure, value, how it is read from the CSV row)
CSV_CELLS = [
    # 16-column April-July 2020 layout (no booked columns).
    (APR_2020_CSV, "RX1", "attendances_type1", 8393, "Type 1"),
    (APR_2020_CSV, "RX1", "waits_over_4h_dta", 259, "4-12 hs 259 + 12+ 0"),
    (APR_2020_CSV, "RX1", "emergency_admissions_all", 4608, "3078 + 0 + 0 + 1530"),
    (APR_2020_CSV, ENGLAND, "attendances_all", 916575, "TOTAL 689720 + 19726 + 207129"),
    # Starts with a byte-order mark.
    (AUG_2021_CSV, "RX1", "attendances_type1", 15829, "15326 + booked 503"),
    (AUG_2021_CSV, ENGLAND, "waits_over_12h_dta", 2787, "TOTAL 12+ hrs"),
    (DEC_2022_CSV, "RX1", "attendances_type1", 17094, "16655 + booked 439"),
    (DEC_2022_CSV, "RX1", "waits_over_12h_dta", 799, "12+ hrs"),
    (DEC_2022_CSV, "RX1", "waits_over_4h_dta", 1707, "4-12 hs 908 + 12+ 799"),
    (DEC_2022_CSV, ENGLAND, "waits_over_12h_dta", 54573, "TOTAL 12+ hrs"),
    (DEC_2022_CSV, ENGLAND, "waits_over_4h_dta", 170121, "115548 + 54573"),
    (JAN_2024_CSV, "RX1", "attendances_type1", 15260, "14774 + booked 486"),
    (JAN_2024_CSV, "RX1", "over_4h_type1", 8576, "8296 + booked 280"),
    (JAN_2024_CSV, "RX1", "waits_over_12h_dta", 902, "12+ hrs"),
    (JAN_2024_CSV, ENGLAND, "waits_over_12h_dta", 54312, "Total 12+ hrs"),
    # Six empty trailing columns, the last headed "a".
    (SEP_2024_CSV, "RX1", "attendances_type1", 15408, "14885 + booked 523"),
    (SEP_2024_CSV, "RX1", "over_4h_all", 7234, "6937 + 75 + 5 + booked 217"),
    (JUN_2025_CSV, "RX1", "over_4h_type1", 6606, "Type 1"),
    (JAN_2026_CSV, ENGLAND, "waits_over_12h_dta", 71517, "Total 12+ hrs"),
    # The TOTAL row has its Period filled in.
    (FEB_2026_CSV, "RX1", "attendances_type1", 11557, "Type 1, no booked"),
    (FEB_2026_CSV, "RX1", "attendances_other", 8695, "8456 + booked 239"),
    (FEB_2026_CSV, "RX1", "over_4h_type1", 6776, "Type 1"),
    (FEB_2026_CSV, "RX1", "waits_over_12h_dta", 1066, "12+ hrs"),
    (FEB_2026_CSV, ENGLAND, "attendances_type1", 1298005, "1271830 + booked 26175"),
]


@pytest.mark.parametrize(
    ("file", "code", "measure", "expected"),
    [c[:4] for c in CSV_CELLS],
    ids=[f"{Path(c[0][0]).name}-{c[1]}-{c[2]}" for c in CSV_CELLS],
)
def test_csv_cells(single, file, code, measure, expected):
    relative, month = file
    found = row(single(relative), code, measure, month)
    assert found["value"] == expected
    assert found["source_file"] == Path(relative).name


def test_rx1_january_2017_percentage_is_the_published_value(obs):
    # January-2017-AE-by-provider-qD8a6.xls, Provider Level Data!N99 = 0.7764336917562724.
    found = row(obs, "RX1", "pct_within_4h_all", "2017-01")
    assert found["value"] == pytest.approx(77.64336917562724, rel=1e-12)
    assert round(found["value"], 1) == 77.6
    assert found["source_file"] == "January-2017-AE-by-provider-qD8a6.xls"
    assert pd.isna(found["status"])


def test_rx1_field_test_months_are_null_not_zero(obs):
    rx1 = obs[(obs["area_code"] == "RX1") & obs["measure"].isin(FOUR_HOUR)]
    window = rx1["period_start"].between("2019-05-01", "2023-05-01")
    assert rx1.loc[window, "period_start"].nunique() == 49  # May 2019 to May 2023
    assert rx1.loc[window, "value"].isna().all()
    assert (rx1.loc[window, "status"] == nhse_ae.STATUS_FIELD_TEST).all()
    # Either side of the gap the trust reported again.
    assert row(obs, "RX1", "over_4h_type1", "2019-04")["value"] == 5814
    assert row(obs, "RX1", "pct_within_4h_all", "2023-06")["value"] == pytest.approx(
        100 * (1 - 8994 / 17978)
    )
    # Attendances and DTA waits were still reported: the CSVs' 0 is only for 4-hour cells.
    assert row(obs, "RX1", "attendances_type1", "2021-08")["value"] == 15829
    assert row(obs, "RX1", "waits_over_12h_dta", "2022-12")["value"] == 799


def test_every_field_test_trust_is_null_for_the_whole_window(obs):
    nulled = obs[obs["status"] == nhse_ae.STATUS_FIELD_TEST]
    assert set(nulled["area_code"]) == nhse_ae.CRS_FIELD_TEST_TRUSTS
    assert set(nulled["measure"]) == set(FOUR_HOUR)
    assert nulled["value"].isna().all()
    # 14 trusts x 49 months x 4 measures: Poole (RD3) to Sep 2020, then Dorset (R0D).
    assert len(nulled) == 14 * 49 * 4


def test_field_test_list_matches_the_workbooks_dashes(sources):
    # The May 2019-March 2020 workbooks show "-" in the 4-hour cells of exactly these trusts,
    # April 2019 in none; January 2021 has Dorset (R0D) in place of Poole (RD3).
    expected = {
        "2019-04": set(),
        "2019-05": nhse_ae.CRS_FIELD_TEST_TRUSTS - {"R0D"},
        "2020-03": nhse_ae.CRS_FIELD_TEST_TRUSTS - {"R0D"},
        "2021-01": nhse_ae.CRS_FIELD_TEST_TRUSTS - {"RD3"},
    }
    seen = set()
    for path in sorted((sources / XLS).glob("*.xls")):
        frame = nhse_ae_workbook.read(path)
        month = frame["month"].iat[0].strftime("%Y-%m")
        dashed = set(frame.loc[frame["br_all"].isna(), "code"])
        if month in expected:
            assert dashed == expected[month], path.name
            seen.add(month)
        elif "2019-05" < month < "2020-03":
            assert dashed == expected["2019-05"], path.name
        else:
            assert not dashed, path.name
    assert seen == set(expected)


def test_england_matches_the_time_series(obs, parsed, sources):
    """England's monthly figures, the CRS-adjusted 4-hour % included, equal NHS England's series.

    Months whose file was revised after the series was published (12 Oct 2023) may differ.
    """
    series = nhse_ae_timeseries.parse([sources / TIMESERIES], "nhse_ae_england_timeseries")[
        "observations"
    ]
    england = obs[obs["area_code"] == ENGLAND]
    both = england.merge(series, on=["measure", "period_start"], suffixes=("", "_ts"))
    files = parsed["source_files"]
    revised_later = set(files.loc[files["issued"] > pd.Timestamp("2023-10-12"), "source_file"])
    # April 2022 and April-September 2023 were revised again in June 2024.
    assert len(revised_later & set(both["source_file"])) == 7
    same = both[~both["source_file"].isin(revised_later)]
    assert same["period_start"].nunique() >= 90
    assert same["measure"].nunique() == 13
    assert (same["value"] - same["value_ts"]).abs().max() < 1e-6
    crs_pct = same[
        (same["measure"] == "pct_within_4h_all")
        & same["period_start"].between("2019-05-01", "2023-03-01")
    ]
    assert len(crs_pct) == 46  # May 2019 to March 2023, less April 2022
    later = both[both["source_file"].isin(revised_later)]
    assert ((later["value"] - later["value_ts"]).abs() <= 0.05 * later["value_ts"]).all()


def test_england_december_2022_percentage_leaves_out_field_test_trusts(obs):
    # Time series Performance!K160 = 0.652027207027097; a plain TOTAL-row ratio would be higher.
    found = row(obs, ENGLAND, "pct_within_4h_all", "2022-12")
    assert found["value"] == pytest.approx(65.2027207027097, rel=1e-12)
    assert found["status"] == nhse_ae.STATUS_EXCLUDES_FIELD_TEST
    naive = 100 * (1 - 711881 / 2294079)
    assert found["value"] < naive


def test_later_revision_wins(parsed):
    files = parsed["source_files"].set_index("source_file")
    # Jan 2021: the workbook says Revised 13 May 2021; the CSV's name says revised 28 Apr 2021.
    assert files.loc["January-2021-AE-by-provider-revised-280421-4OYWC.xls", "used"]
    assert not files.loc["January-2021-revised-280421-er231.csv", "used"]
    # Jan 2024: both revised 13 Jun 2024; the workbook wins the tie.
    assert files.loc["January-2024-AE-revised-130624-by-provider-4qYV2-1.xls", "used"]
    # Jun 2025: the .xlsx is the first release (Published 10 Jul 2025); the CSV is revised.
    assert files.loc["June-2025-CSV-revised.csv", "used"]
    assert not files.loc["June-2025-AE-by-provider-3euC4-1.xlsx", "used"]
    used = parsed["source_files"][parsed["source_files"]["used"]]
    assert used["month"].is_unique


def test_one_file_per_month_and_no_gaps(obs, parsed):
    months = pd.date_range("2015-07-01", "2026-02-01", freq="MS")
    per_month = obs.groupby("period_start")["source_file"].nunique()
    assert list(per_month.index) == list(months)
    assert (per_month == 1).all()
    used = set(parsed["source_files"].loc[parsed["source_files"]["used"], "source_file"])
    assert set(obs["source_file"]) == used


def test_month_comes_from_the_contents(obs):
    # The file name has no year; its Period cell says March 2019.
    march = obs[obs["source_file"] == "March-AE-by-provider-drsf5.xls"]
    assert set(march["period_start"]) == {pd.Timestamp("2019-03-01")}
    assert set(march["period_end"]) == {pd.Timestamp("2019-03-31")}


def test_workbook_and_csv_agree_for_january_2024(single):
    book = single(JAN_2024[0])
    csv = single(JAN_2024_CSV[0])
    keys = ["measure", "area_code", "period_start"]
    both = book.merge(csv, on=keys, suffixes=("_book", "_csv"))
    assert len(both) == len(book) == len(csv)
    values = both[["value_book", "value_csv"]].dropna()
    assert len(values) > 2000
    assert ((values["value_book"] - values["value_csv"]).abs() < 1e-9).all()


def test_percentage_of_no_attendances_is_not_applicable(obs):
    # Derbyshire Community Health Services (RY8) has no type 1 department.
    assert row(obs, "RY8", "attendances_type1", "2022-12")["value"] == 0
    found = row(obs, "RY8", "pct_within_4h_type1", "2022-12")
    assert math.isnan(found["value"])
    assert found["status"] == nhse_ae.STATUS_NOT_APPLICABLE
    # The 2015-16 workbooks write N/A there (November-2015 workbook, NL7 column M).
    found = row(obs, "NL7", "pct_within_4h_type1", "2015-11")
    assert math.isnan(found["value"])
    assert found["status"] == nhse_ae.STATUS_NOT_APPLICABLE


def test_passes_the_platform_validator(obs):
    validate_observations(obs, label="nhse_ae_monthly")
    assert set(obs["measure"]) == set(catalogue.get("nhse_ae_monthly").measures)
    assert set(obs["area_type"]) == {"trust", "country"}
    assert (obs["dataset"] == "nhse_ae_monthly").all()
    assert obs.loc[obs["area_type"] == "country", "area_code"].unique().tolist() == [ENGLAND]


def test_trusts_table(parsed, obs):
    trusts = parsed["trusts"].set_index("org_code")
    rx1 = trusts.loc["RX1"]
    assert rx1["org_name"] == "NOTTINGHAM UNIVERSITY HOSPITALS NHS TRUST"
    assert rx1["region"] == "NHS ENGLAND MIDLANDS"
    # June-2025 .xlsx, Provider Level Data!AC81: the latest workbook, though its month's
    # figures come from the revised CSV.
    assert rx1["icb"] == "NHS Nottingham And Nottinghamshire Integrated Care Board"
    assert rx1["icb_as_of"] == pd.Timestamp("2025-06-01")
    assert rx1["latest_month"] == pd.Timestamp("2026-02-01")
    last_year = obs[
        (obs["area_code"] == "RX1")
        & (obs["measure"] == "attendances_type1")
        & obs["period_start"].between("2025-03-01", "2026-02-01")
    ]
    assert rx1["attendances_type1_12m"] == last_year["value"].sum()
    assert rx1["months_in_12m"] == 12
    assert ENGLAND not in trusts.index and "-" not in trusts.index


def test_unreadable_workbook_fails_with_its_name(sources, tmp_path):
    original = sources / XLS / "January-2019-AE-by-provider-CeyJ9.xls"
    truncated = tmp_path / "Truncated-2022-AE-by-provider.xls"
    truncated.write_bytes(original.read_bytes()[:20000])
    with pytest.raises(ValueError, match="Truncated-2022-AE-by-provider.xls"):
        nhse_ae.parse([truncated], "nhse_ae_monthly")


def test_html_page_instead_of_a_file_fails_with_its_name(tmp_path):
    for name in ("Monthly-AE-March-2026.csv", "March-2026-AE-by-provider.xls"):
        page = tmp_path / name
        page.write_text("<!DOCTYPE html><html><body>Page not found</body></html>\n")
        with pytest.raises(ValueError, match=name):
            nhse_ae.parse([page], "nhse_ae_monthly")


def test_changed_csv_layout_fails_with_its_name(sources, tmp_path):
    lines = (sources / CSV / "Monthly-AE-January-2025.csv").read_text().splitlines()
    renamed = tmp_path / "Monthly-AE-January-2025.csv"
    renamed.write_text("\n".join([lines[0].replace("Type 1", "Type One", 1), *lines[1:]]))
    with pytest.raises(ValueError, match="Monthly-AE-January-2025.csv: unknown CSV header"):
        nhse_ae_csv.read(renamed)
    cut = tmp_path / "Monthly-AE-December-2024.csv"
    text = (sources / CSV / "Monthly-AE-December-2024.csv").read_text()
    cut.write_text(text[: len(text) // 2])  # ends part-way through a row, with no TOTAL row
    with pytest.raises(ValueError, match="Monthly-AE-December-2024.csv"):
        nhse_ae_csv.read(cut)


def test_time_series_is_not_a_provider_workbook(sources):
    with pytest.raises(ValueError, match="Monthly-AE-Time-Series-September-2023.xlsx: no provider"):
        nhse_ae.parse([sources / TIMESERIES], "nhse_ae_monthly")
