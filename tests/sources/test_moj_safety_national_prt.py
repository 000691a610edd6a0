"""England and Wales assault and self-harm series (MoJ via the Prison Reform Trust), by hand."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.topics.prison.sources import moj_safety_national_prt as parser

FOLDER = "prisons/prt_bromley_briefings"
FILES = ["assaults.csv", "self_harm.csv", "self_harm_earlier_version_2004-2023.csv"]


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    return parser.parse(sorted(sources / FOLDER / name for name in FILES), "moj_safety_national")[
        "observations"
    ]


def row(obs, measure, year):
    found = obs[(obs.measure == measure) & (obs.period_start == f"{year}-01-01")]
    assert len(found) == 1
    assert found.period_end.iloc[0] == pd.Timestamp(f"{year}-12-31")
    return found.iloc[0]


@pytest.mark.parametrize(
    ("measure", "year", "expected", "file"),
    [
        ("assault_rate", 2018, 394, "assaults.csv"),  # line 8: 2018,394,46
        ("serious_assault_rate", 2018, 46, "assaults.csv"),
        ("assault_rate", 2024, 351, "assaults.csv"),  # last line: 2024,351,39
        ("self_harm_rate", 2018, 668, "self_harm.csv"),  # line 7: 2018,668,55615
        ("self_harm_incidents", 2018, 55615, "self_harm.csv"),
        ("self_harm_incidents", 2024, 79027, "self_harm.csv"),  # last line: 2024,910,79027
        # newer file's 2019 (762) wins over the earlier edition's 765
        ("self_harm_rate", 2019, 762, "self_harm.csv"),
        # 2004 only in the earlier edition, line 2: 2004,264,19702
        ("self_harm_rate", 2004, 264, "self_harm_earlier_version_2004-2023.csv"),
        ("self_harm_incidents", 2004, 19702, "self_harm_earlier_version_2004-2023.csv"),
    ],
)
def test_hand_read_values(obs, measure, year, expected, file):
    found = row(obs, measure, year)
    assert found.value == expected
    assert found.source_file == file


def test_2013_typo_is_corrected_and_flagged(obs):
    # self_harm.csv line 2: 2013,276,28230; the earlier edition line 11: 2013,276,23230
    found = row(obs, "self_harm_incidents", 2013)
    assert found.value == 23230
    assert "28,230" in found.status
    assert pd.isna(row(obs, "self_harm_rate", 2013).status)


def test_coverage_and_area(obs):
    assert set(obs.area_code) == {"K04000001"}
    years = obs[obs.measure == "self_harm_rate"].period_start.dt.year
    assert (years.min(), years.max(), len(years)) == (2004, 2024, 21)
    assert len(obs[obs.measure == "assault_rate"]) == 13
    assert obs.value.notna().all()


def test_html_names_the_file(sources, tmp_path):
    broken = tmp_path / "assaults.csv"
    broken.write_text("<!doctype html><html></html>")
    paths = [broken, sources / FOLDER / "self_harm.csv"]
    with pytest.raises(ValueError, match="assaults.csv: unrecognised header"):
        parser.parse(paths, "moj_safety_national")


def test_bad_year_names_the_file(sources, tmp_path):
    broken = tmp_path / "self_harm.csv"
    broken.write_text((sources / FOLDER / "self_harm.csv").read_text().replace("2018,", "18,"))
    with pytest.raises(ValueError, match="self_harm.csv: years"):
        parser.parse([sources / FOLDER / "assaults.csv", broken], "moj_safety_national")
