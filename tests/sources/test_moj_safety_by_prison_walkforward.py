"""Assault and self-harm incidents by prison, Apr 2025-Mar 2026 (third-party workings), by hand."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.topics.prison.sources import moj_safety_by_prison_walkforward as parser

FILE = "prisons/prisoncap_walkforward/safety_capacity_test.csv"


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    return parser.parse([sources / FILE], "moj_safety_by_prison_2025_26")["observations"]


def row(obs, measure, code):
    found = obs[(obs.measure == measure) & (obs.area_code == code)]
    assert len(found) == 1
    return found.iloc[0]


@pytest.mark.parametrize(
    ("code", "measure", "expected"),
    [
        # line 79: nottingham,457.0,628.0,885.0,0.0,241.0,516.384,709.605,False
        ("NMI", "assault_incidents", 457),
        ("NMI", "self_harm_incidents", 628),
        ("NMI", "population", 885),
        ("NMI", "assault_rate", 516.384),
        ("NMI", "self_harm_rate", 709.605),
        # line 13: bronzefield,294.0,2253.0,433.0,...,678.984,5203.233
        ("BZI", "self_harm_incidents", 2253),
        ("BZI", "self_harm_rate", 5203.233),
        # line 4: askham grange,0.0,0.0,89.0: a real zero stays zero
        ("AGI", "assault_incidents", 0),
    ],
)
def test_hand_read_values(obs, code, measure, expected):
    assert row(obs, measure, code).value == expected


def test_periods_and_units(obs):
    count = row(obs, "assault_incidents", "NMI")
    assert (count.period_start, count.period_end) == (
        pd.Timestamp("2025-04-01"),
        pd.Timestamp("2026-03-31"),
    )
    assert row(obs, "assault_rate", "NMI").unit == "rate_per_1000"
    pop = row(obs, "population", "NMI")
    assert (pop.period_start, pop.period_end) == (
        pd.Timestamp("2026-04-01"),
        pd.Timestamp("2026-04-30"),
    )


def test_every_row_carries_the_third_party_caveat(obs):
    assert set(obs.caveat) == {
        "compiled by a third party from MoJ tables, pending the official file"
    }


def test_prisons_without_a_code_are_left_out(obs):
    # 111 keys in the file; five wells, fosse way and millsike have no NOMIS code in our list
    assert obs.area_code.nunique() == 108
    assert not obs.area_name.isin(["Five Wells", "Fosse Way", "Millsike"]).any()
    assert row(obs, "assault_rate", "IWI").area_name == "Isle of Wight"


def test_nottingham_rank_on_assault_rate(obs):
    rates = obs[obs.measure == "assault_rate"].set_index("area_code").value
    # 31st of 111 in PROVENANCE; the three left out (170.5, 290.0, 150.1 per 1,000) all rank
    # below Nottingham's 516.4, so it is 31st of the 108 here too.
    assert int(rates.rank(ascending=False)["NMI"]) == 31


def test_rate_that_does_not_recompute_names_the_file(sources, tmp_path):
    text = (sources / FILE).read_text()
    broken = tmp_path / "safety.csv"
    broken.write_text(text.replace("516.384", "516.999"))
    with pytest.raises(ValueError, match="safety.csv: assault_rate does not recompute"):
        parser.parse([broken], "moj_safety_by_prison_2025_26")


def test_html_names_the_file(tmp_path):
    broken = tmp_path / "safety_capacity_test.csv"
    broken.write_text("<html><head><title>404</title></head></html>")
    with pytest.raises(ValueError, match="safety_capacity_test.csv"):
        parser.parse([broken], "moj_safety_by_prison_2025_26")
