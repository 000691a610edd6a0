"""H-CLIC detailed LA tables: values read by hand from the real workbooks (file, sheet, cell)."""

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.core.observations import KEY
from dashboard.topics.homelessness.sources import mhclg_hclic_detailed_la as hclic

FOLDER = "homelessness/hclic_detailed_la"
DERIVED = "homelessness/derived/DERIVED_hclic_headlines_nottingham_england_2018Q2-2025Q4.csv"
NOTTINGHAM, ENGLAND = "E06000018", "E92000001"


def all_paths(sources: Path) -> list[Path]:
    folder = sources / FOLDER
    return sorted([*folder.glob("*.xlsx"), *folder.glob("*.ods"), sources / DERIVED])


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    return hclic.parse(all_paths(sources), "mhclg_hclic_detailed_la")["observations"]


def row(obs: pd.DataFrame, measure: str, area: str, start: str, end: str | None = None):
    """The one observation for a measure, area and period (end defaults to the quarter's end)."""
    start_ts = pd.Timestamp(start)
    end_ts = pd.Timestamp(end) if end else start_ts + pd.offsets.QuarterEnd(0)
    hit = obs[
        (obs["measure"] == measure)
        & (obs["area_code"] == area)
        & (obs["period_start"] == start_ts)
        & (obs["period_end"] == end_ts)
    ]
    assert len(hit) == 1, (measure, area, start, len(hit))
    return hit.iloc[0]


def period(text: str) -> tuple[str, str]:
    """'2018Q2' is the quarter (flows); '2018-06-30' is that day (temporary accommodation)."""
    if "Q" in text:
        quarter = pd.Period(text, freq="Q")
        return str(quarter.start_time.date()), str(quarter.end_time.date())
    return text, text


F1806, F1812, F1912 = "DetailedLA_201806.xlsx", "DetailedLA_201812.xlsx", "DetailedLA_201912.xlsx"
F2006, F2112, F2403 = "DetailedLA_202006.ods", "DetailedLA_202112.ods", "Detailed_LA_202403.xlsx"
F2312 = "Detailed_LA_202312.ods"
F2512 = "Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods"
A1_18, TA1_18 = "A1 - Apr-Jun 18", "TA1 - Apr-Jun 18"
TA, TA_KIDS = "households_in_temporary_accommodation", "households_in_ta_with_children"
OWED, PREV, RELIEF = "households_owed_duty", "households_prevention_duty", "households_relief_duty"
ASSESSED, AST = "households_assessed", "reason_end_of_private_rented_tenancy_ast"
N, E = NOTTINGHAM, ENGLAND

# (file, sheet!cell, measure, area, period, value)
HAND_READ = [
    # 2018 layout, .xlsx: sheets named with the quarter; the December 2019 revision
    (F1806, f"{A1_18}!E6", ASSESSED, E, "2018Q2", 67830),
    (F1806, f"{A1_18}!G6", OWED, E, "2018Q2", 61210),
    (F1806, f"{A1_18}!H6", PREV, E, "2018Q2", 34940),
    (F1806, f"{A1_18}!J6", RELIEF, E, "2018Q2", 26270),
    (F1806, f"{A1_18}!E212", ASSESSED, N, "2018Q2", 699),
    (F1806, f"{A1_18}!G212", OWED, N, "2018Q2", 628),
    (F1806, f"{A1_18}!H212", PREV, N, "2018Q2", 406),
    (F1806, f"{A1_18}!J212", RELIEF, N, "2018Q2", 222),
    (F1806, f"{TA1_18}!E210", TA, N, "2018-06-30", 247),
    (F1806, f"{TA1_18}!H210", TA_KIDS, N, "2018-06-30", 168),
    (F1806, f"{TA1_18}!E4", TA, E, "2018-06-30", 82390),
    (F1806, f"{TA1_18}!F210 (000s)", "households_in_area", N, "2018Q2", 129214),
    (F1812, "A1 - Oct-Dec 18!G6 (revised)", OWED, E, "2018Q4", 64080),
    (F1812, "TA1 - Oct-Dec 18!E4 (revised)", TA, E, "2018-12-31", 83540),
    # 2019-2020 layout, .xlsx, plain sheet names
    (F1912, "A1!H6", PREV, E, "2019Q4", 34010),
    (F1912, "A1!J6", RELIEF, E, "2019Q4", 33270),
    (F1912, "A1!G210", OWED, N, "2019Q4", 632),
    (F1912, "TA1!E4", TA, E, "2019-12-31", 88330),
    (F1912, "TA1!E208", TA, N, "2019-12-31", 325),
    # .ods from April-June 2020; "TA1_" sheet in 202112; .xlsx again in 2024
    (F2006, "TA1!E207", TA, N, "2020-06-30", 355),
    (F2112, "TA1_!E207", TA, N, "2021-12-31", 474),
    (F2403, "TA1!E200", TA, N, "2024-03-31", 776),
    # 2025 file name, .ods
    (F2512, "A1!E8", ASSESSED, E, "2025Q4", 84250),
    (F2512, "A1!G8", OWED, E, "2025Q4", 76270),
    (F2512, "A1!E200", ASSESSED, N, "2025Q4", 734),
    (F2512, "A1!G200", OWED, N, "2025Q4", 692),
    (F2512, "A1!H200", PREV, N, "2025Q4", 347),
    (F2512, "A1!J200", RELIEF, N, "2025Q4", 345),
    (F2512, "TA1!E8", TA, E, "2025-12-31", 134210),
    (F2512, "TA1!E200", TA, N, "2025-12-31", 687),
    (F2512, "TA1!H200", TA_KIDS, N, "2025-12-31", 554),
    (F2512, "TA1!I200", "children_in_temporary_accommodation", N, "2025-12-31", 1123),
    (F2512, "TA1!K200", "households_in_bed_and_breakfast", N, "2025-12-31", 28),
    # reasons (A2 to June 2020; A2P + A2R after) and household types (A5P + A5R)
    (F1806, "A2 - Apr-Jun 18!G213", AST, N, "2018Q2", 122),
    (F1806, "A2 - Apr-Jun 18!W213", "reason_family_or_friends_no_longer_willing_or_able", N,
     "2018Q2", 168),
    (F1806, "A2 - Apr-Jun 18!Y213", "reason_domestic_abuse", N, "2018Q2", 49),
    (F2512, "A2P!G200 75 + A2R!G200 25", AST, N, "2025Q4", 100),
    (F2312, "A2P!BD200 1 + A2R!BD200 1",
     "reason_home_no_longer_suitable_disability_or_ill_health", N, "2023Q4", 2),
    (F1806, "A5P!H,J,L212 7+142+0 + A5R!H,J,L212 5+36+0",
     "household_type_single_parent_with_children", N, "2018Q2", 190),
    (F1806, "A5P!O,Q,S212 107+74+0 + A5R!O,Q,S212 122+38+0", "household_type_single_adult", N,
     "2018Q2", 341),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "cell", "measure", "area", "when", "value"),
    HAND_READ,
    ids=[f"{f}:{c}:{m}" for f, c, m, *_ in HAND_READ],
)
def test_hand_read_values(obs, file, cell, measure, area, when, value):
    hit = row(obs, measure, area, *period(when))
    assert hit["value"] == value
    assert pd.isna(hit["status"])
    assert hit["source_file"] == file
    assert hit["unit"] == "count"


def test_missing_return_is_null_not_zero(obs):
    # DetailedLA_201812.xlsx, TA1 - Oct-Dec 18!E210 and H210 are "..": Nottingham sent no TA return.
    for measure in ("households_in_temporary_accommodation", "households_in_ta_with_children"):
        hit = row(obs, measure, NOTTINGHAM, "2018-12-31", "2018-12-31")
        assert math.isnan(hit["value"])
        assert hit["status"].startswith("not available")
    rate = row(
        obs,
        "households_in_temporary_accommodation_per_1000",
        NOTTINGHAM,
        "2018-12-31",
        "2018-12-31",
    )
    assert math.isnan(rate["value"]) and rate["status"].startswith("not available")


def test_suppressed_dash_is_null(obs):
    # DetailedLA_201806.xlsx, TA1 - Apr-Jun 18!L18: Adur's B&B households with children is "-".
    hit = row(
        obs,
        "households_in_bed_and_breakfast_with_children",
        "E07000223",
        "2018-06-30",
        "2018-06-30",
    )
    assert math.isnan(hit["value"]) and hit["status"] == "suppressed"


def test_printed_rates_are_kept(obs):
    # DetailedLA_201912.xlsx, A1!O210 and P210; TA1!G208 (Nottingham).
    assert row(obs, "households_prevention_duty_per_1000", NOTTINGHAM, "2019-10-01")[
        "value"
    ] == pytest.approx(1.7449177340776256)
    assert row(obs, "households_relief_duty_per_1000", NOTTINGHAM, "2019-10-01")[
        "value"
    ] == pytest.approx(3.1346752213960887)
    ta = row(
        obs,
        "households_in_temporary_accommodation_per_1000",
        NOTTINGHAM,
        "2019-12-31",
        "2019-12-31",
    )
    assert ta["value"] == pytest.approx(2.5092843521027803) and pd.isna(ta["status"])


def test_rates_calculated_where_not_printed(obs):
    # DetailedLA_201806.xlsx: A1!H212 406 prevention duties / TA1!F210 129.214 thousand households.
    hit = row(obs, "households_prevention_duty_per_1000", NOTTINGHAM, "2018-04-01")
    assert hit["value"] == pytest.approx(406 / 129.214)
    assert hit["status"].startswith("calculated") and hit["unit"] == "rate_per_1000"
    # DetailedLA_201912.xlsx: A1!G210 632 owed / A1!N210 129.519.
    owed = row(obs, "households_owed_duty_per_1000", NOTTINGHAM, "2019-10-01")
    assert owed["value"] == pytest.approx(632 / 129.519)


def test_inconsistent_printed_rate_is_replaced(obs):
    # DetailedLA_202006.ods, A1!P6 prints 0.619 for England's relief rate;
    # J6 38,040 / N6 23,542.797 thousand households is 1.616.
    hit = row(obs, "households_relief_duty_per_1000", ENGLAND, "2020-04-01")
    assert hit["value"] == pytest.approx(38040 / 23542.797)
    assert "0.619" in hit["status"]


def test_release_and_revisions(obs):
    releases = obs.drop_duplicates("source_file").set_index("source_file")["release"]
    assert releases["DetailedLA_201806.xlsx"] == "2019-12-18 (revised)"  # Contents!D7
    assert releases["DetailedLA_202006.ods"] == "2020-10"  # "October 2020"
    assert (
        releases["Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods"] == "2026-04-30"
    )


def test_derived_csv_only_fills_absent_quarters(obs):
    derived = obs[obs["source_file"] == Path(DERIVED).name]
    quarters = sorted(derived["period_end"].dt.strftime("%Y-%m").unique())
    assert quarters == ["2021-03", "2021-09", "2022-03", "2022-06", "2023-03", "2023-09", "2024-09"]
    assert derived["status"].str.startswith(hclic.DERIVED_STATUS).all()
    # DERIVED csv, 2022Q2: Nottingham TA 518 (from the uncopied Detailed_LA_202206.ods); A1 "..".
    ta = row(obs, "households_in_temporary_accommodation", NOTTINGHAM, "2022-06-30", "2022-06-30")
    assert ta["value"] == 518 and ta["status"] == hclic.DERIVED_STATUS
    a1 = row(obs, "households_owed_duty", NOTTINGHAM, "2022-04-01")
    assert math.isnan(a1["value"]) and "not available" in a1["status"]


def test_agrees_with_independent_positional_extract(obs, sources):
    """The helper's CSV read fixed positions from the same files: every overlapping value agrees."""
    csv = pd.read_csv(sources / DERIVED, dtype=str, keep_default_na=False)
    csv = csv[csv["source_file"].isin(set(obs["source_file"]))]
    assert len(csv) == 24 * 16
    for _, line in csv.iterrows():
        quarter = pd.Period(line["quarter"], freq="Q")
        measure = hclic.DERIVED_MEASURES[line["measure"]]
        start = quarter.end_time.normalize() if line["table"] == "TA1" else quarter.start_time
        hit = row(
            obs, measure, line["geography_code"], str(start.date()), str(quarter.end_time.date())
        )
        expected = float(line["value"]) if line["value"] else np.nan
        assert hit["value"] == expected or (np.isnan(expected) and np.isnan(hit["value"])), (
            line.to_dict()
        )


def test_contract(obs):
    assert not obs.duplicated(KEY).any()
    assert set(obs["area_type"]) == {"country", "region", "lad"}
    assert obs["area_code"].str.fullmatch(r"E\d{8}").all()
    assert (obs["period_start"] <= obs["period_end"]).all()
    assert not (obs["value"] < 0).any()
    assert set(obs["unit"]) == {"count", "rate_per_1000"}
    assert obs.loc[obs["value"].isna(), "status"].notna().all()  # every null says why
    assert row(obs, "households_owed_duty", "E12000007", "2019-10-01")["area_type"] == "region"


def test_retired_codes_point_to_successors(obs):
    sheffield = obs[obs["area_code"].isin(["E08000019", "E08000039"])]
    assert set(sheffield["current_area_code"]) == {"E08000039"}
    assert sheffield.loc[sheffield["area_code"] == "E08000039", "period_end"].min() == pd.Timestamp(
        "2025-06-30"
    )
    notts = obs[obs["area_code"] == NOTTINGHAM]
    assert (notts["current_area_code"] == NOTTINGHAM).all()


def test_header_check_names_the_file(sources):
    path = sources / FOLDER / "DetailedLA_201912.xlsx"
    table = hclic.Table(hclic._open(path), "TA1", path)
    with pytest.raises(ValueError, match="DetailedLA_201912.xlsx, sheet TA1: column 4"):
        table.expect(4, r"bed and breakfast")


def test_html_page_raises_naming_the_file(tmp_path):
    fake = tmp_path / "Detailed_LA_202412.ods"
    fake.write_text("<!DOCTYPE html><html><body>Page not found</body></html>")
    with pytest.raises(ValueError, match="Detailed_LA_202412.ods"):
        hclic.parse([fake], "mhclg_hclic_detailed_la")


def test_truncated_workbook_raises_naming_the_file(sources, tmp_path):
    real = sources / FOLDER / "DetailedLA_202003.xlsx"
    cut = tmp_path / "DetailedLA_202003.xlsx"
    cut.write_bytes(real.read_bytes()[:50_000])
    with pytest.raises(ValueError, match="DetailedLA_202003.xlsx"):
        hclic.parse([cut], "mhclg_hclic_detailed_la")


def test_misnamed_quarter_raises(sources, tmp_path):
    wrong = tmp_path / "DetailedLA_202009.xlsx"
    shutil.copy(sources / FOLDER / "DetailedLA_202003.xlsx", wrong)
    with pytest.raises(ValueError, match="DetailedLA_202009.xlsx: Contents!D5"):
        hclic.parse([wrong], "mhclg_hclic_detailed_la")
