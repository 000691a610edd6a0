"""HMP Nottingham bulletin rows 2018-2026 (Walk Forward Research extract), read by hand."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.topics.prison.sources import moj_population_bulletin_walkforward as parser

FILE = "prisons/prisoncap_walkforward/monthly_establishments_nottingham_extract.csv"


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    return parser.parse([sources / FILE], "moj_population_bulletin_nottingham_2018_2026")[
        "observations"
    ]


def value(obs, measure, day):
    row = obs[(obs.measure == measure) & (obs.period_start == day)]
    assert len(row) == 1
    return row.value.iloc[0]


@pytest.mark.parametrize(
    ("day", "measure", "expected"),
    [
        # line 2: 2018-03-01,2018-03-23,Nottingham,prison,86515.0,723.0,723.0,1021.0,892.0,...
        ("2018-03-23", "population", 892),
        ("2018-03-23", "operational_capacity", 1021),
        # line 3: 2019-03-29 after the Urgent Notification: 723.0,576.0,800.0,794.0
        ("2019-03-29", "population", 794),
        ("2019-03-29", "in_use_cna", 576),
        ("2019-03-29", "baseline_cna", 723),
        ("2019-03-29", "operational_capacity", 800),
        # line 14: 2026-04-27: 724.0,719.0,960.0,885.0
        ("2026-04-27", "population", 885),
        ("2026-04-27", "operational_capacity", 960),
        # line 16: 2026-07-27 population 939
        ("2026-07-27", "population", 939),
    ],
)
def test_hand_read_values(obs, day, measure, expected):
    assert value(obs, measure, day) == expected


def test_crowding_over_100_percent(obs):
    # 794 / 576 * 100 = 137.8 (line 3)
    assert value(obs, "pct_of_cna", "2019-03-29") == 137.8
    assert set(obs.loc[obs.measure == "pct_of_cna", "unit"]) == {"percent_of_capacity"}


def test_shape(obs):
    assert set(obs.area_code) == {"NMI"}
    assert len(obs) == 15 * 5
    assert (obs.period_start == obs.period_end).all()


def test_derived_column_mismatch_names_the_file(sources, tmp_path):
    text = (sources / FILE).read_text()
    broken = tmp_path / "extract.csv"
    # line 3's cells_out_of_use 147.0 -> 146.0 no longer equals 723 - 576
    broken.write_text(text.replace(",nottingham,147.0,", ",nottingham,146.0,"))
    with pytest.raises(ValueError, match="extract.csv: cells_out_of_use"):
        parser.parse([broken], "moj_population_bulletin_nottingham_2018_2026")


def test_truncated_file_names_the_file(sources, tmp_path):
    broken = tmp_path / "monthly_establishments_nottingham_extract.csv"
    broken.write_text((sources / FILE).read_text()[:200])
    with pytest.raises(ValueError, match="monthly_establishments_nottingham_extract.csv"):
        parser.parse([broken], "moj_population_bulletin_nottingham_2018_2026")
