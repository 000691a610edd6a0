"""Share of prisons judged good or reasonably good (HMIP via the Prison Reform Trust), by hand."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.topics.prison.sources import hmip_prison_standards_prt as parser

FILE = "prisons/prt_bromley_briefings/prison_standards.csv"


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    return parser.parse([sources / FILE], "hmip_prison_standards_national")["observations"]


def row(obs, measure, start_year):
    found = obs[(obs.measure == measure) & (obs.period_start == f"{start_year}-04-01")]
    assert len(found) == 1
    assert found.period_end.iloc[0] == pd.Timestamp(f"{start_year + 1}-03-31")
    return found.iloc[0]


@pytest.mark.parametrize(
    ("measure", "start_year", "expected"),
    [
        ("pct_prisons_good_safety", 2017, 36),  # "2017–18,36,Safety" (en dash)
        ("pct_prisons_good_safety", 2024, 55),  # "2024-25,55,Safety" (hyphen)
        ("pct_prisons_good_purposeful_activity", 2022, 7),  # "2022-23,7,Purposeful activity"
        ("pct_prisons_good_respect", 2008, 69),  # "2008–09,69,Respect"
        ("pct_prisons_good_rehabilitation_release", 2024, 76),  # "2024-25,76,Preparation..."
    ],
)
def test_hand_read_values(obs, measure, start_year, expected):
    found = row(obs, measure, start_year)
    assert found.value == expected
    assert found.unit == "percent"


def test_missing_2020_21_is_an_explicit_null(obs):
    gap = obs[obs.period_start == "2020-04-01"]
    assert len(gap) == 4
    assert gap.value.isna().all()
    assert set(gap.status) == {"no figure in source for this year"}
    assert obs.value.notna().sum() == 64


def test_unknown_type_names_the_file(sources, tmp_path):
    broken = tmp_path / "prison_standards.csv"
    text = (sources / FILE).read_text().replace(",Respect", ",Decency")
    broken.write_text(text)
    with pytest.raises(ValueError, match=r"prison_standards.csv: unknown type\(s\) \['Decency'\]"):
        parser.parse([broken], "hmip_prison_standards_national")


def test_html_names_the_file(tmp_path):
    broken = tmp_path / "prison_standards.csv"
    broken.write_text("<html></html>")
    with pytest.raises(ValueError, match="prison_standards.csv"):
        parser.parse([broken], "hmip_prison_standards_national")
