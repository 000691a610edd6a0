"""HMIP judgements on HMP Nottingham and quoted figures: citations and values read by hand."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from dashboard.topics.prison.sources import hmip_nottingham_curated as parser

JUDGEMENTS = "prisons/hmip_nottingham_judgements.csv"
FIGURES = "prisons/hmip_nottingham_quoted_figures.csv"
UN_RELEASE = (
    "https://www.justiceinspectorates.gov.uk/hmiprisons/media/press-releases/2018/01/"
    "hm-chief-inspector-of-prisons-demands-action-from-secretary-of-state-for-justice-over-"
    "fundamentally-unsafe-nottingham-prison/"
)


@pytest.fixture(scope="module")
def tables(sources: Path) -> dict[str, pd.DataFrame]:
    return parser.parse([sources / JUDGEMENTS, sources / FIGURES], "hmip_nottingham")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("file", "table"), [(JUDGEMENTS, "inspections"), (FIGURES, "inspection_figures")]
)
def test_every_row_keeps_its_citation(sources, tables, file, table):
    expected = [(r["source_title"], r["source_url"]) for r in read_rows(sources / file)]
    got = list(zip(tables[table].source_title, tables[table].source_url, strict=True))
    assert got == expected
    assert all(url.startswith("http") and title for title, url in got)


def test_safety_poor_three_times_with_the_urgent_notification_source(tables):
    obs = tables["observations"]
    safety = obs[obs.measure == "healthy_prison_score_safety"].set_index("period_start")
    # judgements lines 10, 14 and 18: 2014-09 / 2016-02 / 2018-01,...,safety,poor,1,...
    for month in ("2014-09-01", "2016-02-01", "2018-01-01"):
        assert safety.loc[month, "value"] == 1
        assert safety.loc[month, "source_url"] == UN_RELEASE
    # lines 2-5: 2010, all four tests reasonably good (3)
    in_2010 = obs[obs.period_start == "2010-01-01"]
    assert len(in_2010) == 4
    assert (in_2010.value == 3).all()


def test_grades_not_stated_are_null_not_zero(tables):
    obs = tables["observations"]
    respect_2016 = obs[
        (obs.measure == "healthy_prison_score_respect") & (obs.period_start == "2016-02-01")
    ].iloc[0]
    assert pd.isna(respect_2016.value)
    assert respect_2016.status == "grade not stated in the source read"
    # the 2022 row (line 23) has no grade; its period is the inspection's two visits
    late = obs[obs.period_start == "2022-05-24"].iloc[0]
    assert late.measure == "healthy_prison_score_rehabilitation_release"
    assert late.period_end == pd.Timestamp("2022-06-10")
    assert pd.isna(late.value)
    assert obs.value.isna().sum() == 10
    assert obs.value.notna().sum() == 7


def test_progress_assessments_and_the_notification_are_not_scores(tables):
    obs = tables["observations"]
    assert not (obs.period_start.dt.year == 2013).any()
    inspections = tables["inspections"]
    notification = inspections[inspections.inspection_date == "2018-01-17"].iloc[0]
    assert notification.report_type.startswith("Urgent Notification")
    assert pd.isna(notification.test)
    assert len(inspections) == 22


@pytest.mark.parametrize(
    ("metric", "value_number", "unit"),
    [
        ("assaults on staff", 103, "count"),  # figures line 8: 2018-01 inspection,...,103
        ("survey: had felt unsafe at some point", 67, "percent"),  # line 11: 67%
        ("capacity", 1060, "count"),  # line 15: "1,060"
        ("apparent self-inflicted deaths", 8, "count"),  # line 6: 8
    ],
)
def test_quoted_figures(tables, metric, value_number, unit):
    found = tables["inspection_figures"].set_index("metric").loc[metric]
    assert found.value_number == value_number
    assert found.value_unit == unit


def test_vague_quotes_stay_text(tables):
    figures = tables["inspection_figures"].set_index("metric")
    assert figures.loc["assaults (all)", "value"] == "more than 200"
    assert pd.isna(figures.loc["assaults (all)", "value_number"])


def test_row_without_citation_names_the_file(sources, tmp_path):
    text = (sources / JUDGEMENTS).read_text()
    broken = tmp_path / "hmip_nottingham_judgements.csv"
    # strip the URL from the last row
    broken.write_text(
        text.replace(",https://doingtime.co.uk/hmp-nottingham/hmip-reports-hmp-nottingham", ",")
    )
    with pytest.raises(
        ValueError, match="hmip_nottingham_judgements.csv: row 23 has no usable citation"
    ):
        parser.parse([broken, sources / FIGURES], "hmip_nottingham")


def test_score_contradicting_words_names_the_file(sources, tmp_path):
    lines = (sources / JUDGEMENTS).read_text().splitlines()
    lines[9] = lines[9].replace(",poor,1,", ",poor,3,")  # line 10: 2014-09 safety
    broken = tmp_path / "judgements.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="judgements.csv: a score disagrees"):
        parser.parse([broken, sources / FIGURES], "hmip_nottingham")


def test_html_names_the_file(sources, tmp_path):
    broken = tmp_path / "hmip_nottingham_quoted_figures.csv"
    broken.write_text("<html><body>Access denied</body></html>")
    with pytest.raises(ValueError, match="hmip_nottingham_quoted_figures.csv"):
        parser.parse([sources / JUDGEMENTS, broken], "hmip_nottingham")
