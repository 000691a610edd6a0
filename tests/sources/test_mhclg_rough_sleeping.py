"""Rough sleeping snapshot Table 1: values read by hand from the real files (file, sheet, cell)."""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.core.observations import KEY
from dashboard.topics.homelessness.sources import mhclg_rough_sleeping as rough

FOLDER = "homelessness/rough_sleeping"
FILE_2016 = "Rough_Sleeping_Autumn_2016_Final_Tables.xls"
FILE_2017 = "Rough_sleeping_statistics_England_autumn_2017.xlsx"
FILE_2022 = "Rough_sleeping_snapshot_autumn_2022_tables_Numbers-export.xlsx"


@pytest.fixture(scope="module")
def obs(sources: Path) -> pd.DataFrame:
    paths = [sources / FOLDER / name for name in (FILE_2016, FILE_2017, FILE_2022)]
    return rough.parse(paths, "mhclg_rough_sleeping_snapshot")["observations"]


def value(frame: pd.DataFrame, area: str, year: int) -> pd.Series:
    hit = frame[(frame["area_code"] == area) & (frame["period_start"] == pd.Timestamp(year, 10, 1))]
    assert len(hit) == 1
    return hit.iloc[0]


@pytest.mark.parametrize(
    ("cell", "area", "year", "expected", "file"),
    [
        ("Table 1 Total!Q201", "E06000018", 2022, 27, FILE_2022),  # Nottingham
        ("Table 1 Total!E201", "E06000018", 2010, 3, FILE_2022),
        ("Table 1 Total!L201", "E06000018", 2017, 43, FILE_2022),
        ("Table 1 Total!Q5 (England)", "E92000001", 2022, 3069, FILE_2022),
        ("table 1!J66 (Bournemouth, abolished 2019)", "E06000028", 2016, 39, FILE_2017),
    ],
)
def test_hand_read_values(obs, cell, area, year, expected, file):
    hit = value(obs, area, year)
    assert hit["value"] == expected, cell
    assert hit["source_file"] == file
    assert hit["period_end"] == pd.Timestamp(year, 11, 30)


def test_older_releases_read_the_same_figures(sources):
    # Rough_Sleeping_Autumn_2016_Final_Tables.xls, Table 1!I207: Nottingham 35 in autumn 2016;
    # the England row there has no code.
    old = rough._read(sources / FOLDER / FILE_2016)
    assert old.query("area_code == 'E06000018' and year == 2016")["value"].item() == 35
    assert old.query("area_code == 'E92000001' and year == 2010")["value"].item() == 1768
    assert set(old["release"]) == {"2017-01"}
    # Rough_sleeping_statistics_England_autumn_2017.xlsx, table 1!K232 and K6.
    mid = rough._read(sources / FOLDER / FILE_2017)
    assert mid.query("area_code == 'E06000018' and year == 2017")["value"].item() == 43
    assert mid.query("area_code == 'E92000001' and year == 2017")["value"].item() == 4751
    assert set(mid["release"]) == {"2018-01-25"}


def test_latest_release_wins(obs):
    assert value(obs, "E06000018", 2012)["release"] == "2023-02-28"
    assert set(obs["source_file"]) == {FILE_2017, FILE_2022}  # 2016 wholly superseded


def test_successor_codes(obs):
    assert value(obs, "E06000028", 2016)["current_area_code"] == "E06000058"
    assert value(obs, "E06000018", 2022)["current_area_code"] == "E06000018"


def test_contract(obs):
    assert not obs.duplicated(KEY).any()
    assert obs["area_code"].str.fullmatch(r"E\d{8}").all()
    assert set(obs["measure"]) == {"rough_sleepers_snapshot"}
    assert not (obs["value"] < 0).any() and not obs["value"].isna().any()
    assert value(obs, "E12000004", 2022)["area_type"] == "region"
    years = obs["period_start"].dt.year
    assert (years.min(), years.max()) == (2010, 2022)


def test_html_page_raises_naming_the_file(tmp_path):
    fake = tmp_path / FILE_2022
    fake.write_text("<html><body>Moved</body></html>")
    with pytest.raises(ValueError, match=FILE_2022):
        rough.parse([fake], "mhclg_rough_sleeping_snapshot")


def test_wrong_workbook_raises_naming_the_file(sources):
    other = sources / "homelessness/hclic_detailed_la/DetailedLA_201912.xlsx"
    with pytest.raises(ValueError, match="DetailedLA_201912.xlsx: expected one Table 1 sheet"):
        rough.parse([other], "mhclg_rough_sleeping_snapshot")
