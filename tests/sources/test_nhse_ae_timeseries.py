"""NHS England Monthly A&E Time Series (edition to September 2023): values read by hand.

Cells are as Excel shows them in Monthly-AE-Time-Series-September-2023.xlsx: sheet Activity has
its header in row 14 and August 2010 in row 15; sheet Performance starts at November 2010 in row 15.
"""

import pandas as pd
import pytest

from dashboard.core import catalogue
from dashboard.core.validate import validate_observations
from dashboard.topics.ae.sources import nhse_ae_timeseries

FILE = "ae/nhse_england_timeseries/Monthly-AE-Time-Series-September-2023.xlsx"


@pytest.fixture(scope="module")
def obs(sources) -> pd.DataFrame:
    record = catalogue.get("nhse_ae_england_timeseries")
    paths = sorted(p for f in record.files for p in sources.glob(f.path))
    assert [p.name for p in paths] == ["Monthly-AE-Time-Series-September-2023.xlsx"]
    return nhse_ae_timeseries.parse(paths, "nhse_ae_england_timeseries")["observations"]


def value(obs: pd.DataFrame, measure: str, month: str) -> pd.Series:
    hits = obs[(obs["measure"] == measure) & (obs["period_start"] == pd.Timestamp(month))]
    assert len(hits) == 1, (measure, month)
    return hits.iloc[0]


CELLS = [
    ("Activity!C15", "attendances_type1", "2010-08", 1138652),
    ("Activity!N15", "waits_over_12h_dta", "2010-08", 1),
    ("Activity!F116", "attendances_all", "2019-01", 2113413),
    ("Activity!N116", "waits_over_12h_dta", "2019-01", 627),
    ("Performance!J113", "over_4h_all", "2019-01", 330696),
    ("Performance!K113", "pct_within_4h_all", "2019-01", 84.3525141560121),
    ("Performance!L113", "pct_within_4h_type1", "2019-01", 76.06448896644783),
    ("Activity!M163", "waits_over_4h_dta", "2022-12", 170121),
    ("Activity!N163", "waits_over_12h_dta", "2022-12", 54573),
    ("Performance!K160", "pct_within_4h_all", "2022-12", 65.2027207027097),
    ("Activity!N172", "waits_over_12h_dta", "2023-09", 33107),
    ("Activity!J172", "emergency_admissions_via_ae", "2023-09", 388922),
    ("Activity!K172", "emergency_admissions_other", "2023-09", 133119),
    ("Performance!G169", "over_4h_type1", "2023-09", 579854),
]


@pytest.mark.parametrize(("cell", "measure", "month", "expected"), CELLS, ids=[c[0] for c in CELLS])
def test_cells(obs, cell, measure, month, expected):
    assert value(obs, measure, month)["value"] == pytest.approx(expected, rel=1e-12)


def test_statuses(obs):
    # Activity!C32: January 2012 was estimated from weekly data (Notes sheet, note 1).
    estimated = value(obs, "attendances_type1", "2012-01")
    assert estimated["value"] == pytest.approx(1137915.5714285711)
    assert estimated["status"] == nhse_ae_timeseries.STATUS_ESTIMATED
    assert pd.isna(value(obs, "attendances_type1", "2015-06")["status"])
    assert value(obs, "pct_within_4h_all", "2019-05")["status"] == (
        nhse_ae_timeseries.STATUS_EXCLUDES_FIELD_TEST
    )
    assert pd.isna(value(obs, "pct_within_4h_all", "2023-06")["status"])
    assert pd.isna(value(obs, "attendances_all", "2020-01")["status"])


def test_coverage_and_contract(obs):
    validate_observations(obs, label="nhse_ae_england_timeseries")
    activity = obs[obs["measure"] == "attendances_all"]["period_start"]
    performance = obs[obs["measure"] == "pct_within_4h_all"]["period_start"]
    assert (activity.min(), activity.max()) == (
        pd.Timestamp("2010-08-01"),
        pd.Timestamp("2023-09-01"),
    )
    assert performance.min() == pd.Timestamp("2010-11-01")
    assert activity.nunique() == 158
    assert set(obs["measure"]) == set(catalogue.get("nhse_ae_england_timeseries").measures)
    assert set(obs["area_code"]) == {"E92000001"}
    assert obs["value"].notna().all()


def test_broken_file_fails_with_its_name(sources, tmp_path):
    broken = tmp_path / "Monthly-AE-Time-Series-October-2023.xlsx"
    broken.write_bytes((sources / FILE).read_bytes()[:30000])
    with pytest.raises(ValueError, match="Monthly-AE-Time-Series-October-2023.xlsx"):
        nhse_ae_timeseries.parse([broken], "nhse_ae_england_timeseries")
