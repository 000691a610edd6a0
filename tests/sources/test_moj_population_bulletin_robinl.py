"""RobinL's compilation of the MoJ monthly bulletins, 2011-2016, against values read by hand."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.topics.prison.sources import moj_population_bulletin_robinl as parser

FILE = "prisons/robinl_monthly_bulletins/final_full_time_series.csv"


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    return parser.parse([sources / FILE], "moj_population_bulletin_2011_2016")["observations"]


def value(obs: pd.DataFrame, measure: str, code: str, day: str) -> float:
    row = obs[(obs.measure == measure) & (obs.area_code == code) & (obs.period_start == day)]
    assert len(row) == 1, (measure, code, day)
    assert (row.period_end == row.period_start).all()
    return row.value.iloc[0]


@pytest.mark.parametrize(
    ("line", "code", "day", "measure", "expected"),
    [
        # line 4850: 10004C44pop_bull_jan_11.txt,2011-01-28,723,723,1060,1021,Nottingham,...,NMI
        (4850, "NMI", "2011-01-28", "population", 1021),
        (4850, "NMI", "2011-01-28", "in_use_cna", 723),
        (4850, "NMI", "2011-01-28", "baseline_cna", 723),
        (4850, "NMI", "2011-01-28", "operational_capacity", 1060),
        # line 4885: June 2014 bulletin, the peak: 723,723,1100,1097
        (4885, "NMI", "2014-06-27", "population", 1097),
        (4885, "NMI", "2014-06-27", "operational_capacity", 1100),
        # line 4886: September 2014, matching the raw bulletin text "723 723 1,060 1,054"
        (4886, "NMI", "2014-09-26", "population", 1054),
        # line 1412: Dovegate has no nomis_id in the file; the name table gives DGI
        (1412, "DGI", "2013-02-22", "population", 1027),
        (1412, "DGI", "2013-02-22", "in_use_cna", 1060),
        # line 3874: "Lindholme (IRC)" with no nomis_id -> LHI
        (3874, "LHI", "2011-01-28", "population", 1080),
        # line 4691 (repeated verbatim on 4692-4693): Norwich, 746 on 2011-01-28
        (4691, "NWI", "2011-01-28", "population", 746),
        # line 6246: the bulletin's Total row for March 2011
        (6246, "K04000001", "2011-03-25", "population", 85454),
    ],
)
def test_hand_read_values(obs, line, code, day, measure, expected):
    assert value(obs, measure, code, day) == expected


def test_crowding_is_percent_of_in_use_cna_and_may_exceed_100(obs):
    # 1,021 / 723 on 2011-01-28 (line 4850; the file's own ratio is 1.41217150761)
    assert value(obs, "pct_of_cna", "NMI", "2011-01-28") == 141.2
    assert value(obs, "pct_of_cna", "NMI", "2014-06-27") == 151.7
    crowding = obs[obs.measure == "pct_of_cna"]
    assert set(crowding.unit) == {"percent_of_capacity"}
    assert (crowding.value > 100).any()


def test_nottingham_has_every_bulletin(obs):
    notts = obs[(obs.area_code == "NMI") & (obs.measure == "population")]
    assert len(notts) == 53
    assert notts.period_start.min() == pd.Timestamp("2011-01-28")
    assert notts.period_start.max() == pd.Timestamp("2016-05-27")


def test_verbatim_repeats_collapse_and_keys_are_unique(obs):
    key = ["measure", "area_code", "period_start"]
    assert not obs.duplicated(key).any()


def test_combined_and_uncoded_sites_are_left_out(obs):
    names = set(obs.area_name)
    assert not names & {"Usk / Prescoed", "Grendon / Spring Hill", "Sub Total", "Reading"}
    assert set(obs.loc[obs.area_type == "country", "area_name"]) == {"England and Wales"}
    assert obs.area_code[obs.area_type == "prison"].str.fullmatch(r"[A-Z]{3}").all()


def test_html_instead_of_csv_names_the_file(tmp_path):
    broken = tmp_path / "final_full_time_series.csv"
    broken.write_text("<!DOCTYPE html><html><body>Not found</body></html>\n")
    with pytest.raises(ValueError, match="final_full_time_series.csv"):
        parser.parse([broken], "moj_population_bulletin_2011_2016")


def test_unknown_prison_name_names_the_file(sources, tmp_path):
    lines = (sources / FILE).read_text().splitlines()
    # line 1412 is Dovegate with an empty nomis_id: rename it to something not in the table
    lines[1411] = lines[1411].replace(",Dovegate,", ",Atlantis,")
    broken = tmp_path / "renamed.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"renamed.csv: unknown prison name 'Atlantis'"):
        parser.parse([broken], "moj_population_bulletin_2011_2016")


def test_conflicting_duplicate_names_the_file(sources, tmp_path):
    lines = (sources / FILE).read_text().splitlines()
    lines[4692] = lines[4692].replace(",746,", ",747,")  # second Norwich copy now disagrees
    broken = tmp_path / "clash.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="clash.csv: two different rows for NWI"):
        parser.parse([broken], "moj_population_bulletin_2011_2016")
