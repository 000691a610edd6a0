"""Weekly England and Wales prison population (MoJ via the Prison Reform Trust), by hand."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.topics.prison.sources import moj_population_weekly_prt as parser

FILE = "prisons/prt_prison_population/prison_population.csv"


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    return parser.parse([sources / FILE], "moj_prison_population_weekly")["observations"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2014-01-03", 83193), ("2023-09-22", 87685)],  # first and last lines
)
def test_hand_read_values(obs, day, expected):
    found = obs[obs.period_start == day]
    assert found.value.tolist() == [expected]
    assert found.area_code.tolist() == ["K04000001"]


def test_blank_bank_holiday_week_is_null_not_zero(obs):
    # line 17: "2014-04-18," (Good Friday) has no figure
    found = obs[obs.period_start == "2014-04-18"].iloc[0]
    assert pd.isna(found.value)
    assert found.status == "blank in source (bank-holiday week)"
    assert obs.value.isna().sum() == 13


def test_html_names_the_file(tmp_path):
    broken = tmp_path / "prison_population.csv"
    broken.write_text("<html><body>rate limited</body></html>\n")
    with pytest.raises(ValueError, match="prison_population.csv"):
        parser.parse([broken], "moj_prison_population_weekly")


def test_implausible_value_names_the_file(sources, tmp_path):
    broken = tmp_path / "prison_population.csv"
    broken.write_text((sources / FILE).read_text().replace("2014-01-03,83193", "2014-01-03,8319"))
    with pytest.raises(ValueError, match="prison_population.csv: population outside"):
        parser.parse([broken], "moj_prison_population_weekly")
