"""Periods the prison page names beside its population chart, in its gaps list and in its
download names come from the rows they describe.

Expected months are read from the snapshot's rows here; each text is also given the rows with the
newest figures dropped, standing in for a refresh, and must follow.
"""

import pandas as pd
import pytest

from dashboard.topics.prison import model as pdata
from dashboard.ui import components


@pytest.fixture(scope="module")
def series(snapshot):
    frames = {d: snapshot.table(d, "observations") for d in pdata.POPULATION_DATASETS}
    return pdata.population_series(frames)


@pytest.fixture(scope="module")
def events(snapshot):
    return pdata.inspection_events(
        snapshot.table("hmip_nottingham", "inspections"),
        snapshot.table("hmip_nottingham", "inspection_figures"),
    )


def _spans(series):
    held = series[series["population"].notna()]
    out = []
    for _, rows in held.groupby("dataset"):
        months = pd.PeriodIndex(rows["month"], freq="M")
        out.append((months.min(), months.max(), months.nunique()))
    return sorted(out)


def test_population_gaps_are_the_months_missing(series):
    text = pdata.population_gaps(series)
    (first_a, last_a, held_a), (first_b, last_b, held_b) = _spans(series)
    span_a, span_b = (last_a - first_a).n + 1, (last_b - first_b).n + 1
    assert f"the {first_a:%Y}-{last_a:%Y} figures skip {span_a - held_a} of their {span_a}" in text
    assert f"nothing is held from {last_a + 1:%B %Y} to {first_b - 1:%B %Y}" in text
    assert f"the {first_b:%Y}-{last_b:%Y} figures skip {span_b - held_b} of their {span_b}" in text


def test_population_gaps_follow_a_snapshot_without_its_newest_month(series):
    held = series[series["population"].notna()]
    newest = held["month"].max()
    older = series[series["month"] < newest]
    (_, last_before, _), *_ = reversed(_spans(series))
    *_, (first_b, last_b, held_b) = _spans(older)
    assert last_b < last_before
    text = pdata.population_gaps(older)
    span = (last_b - first_b).n + 1
    assert f"the {first_b:%Y}-{last_b:%Y} figures skip {span - held_b} of their {span}" in text


def test_staffing_gap_and_download_name_give_the_tables_day(snapshot, series, events):
    staff = snapshot.table("noms_workforce_june_2016", "observations")
    day = pd.Timestamp(staff["period_end"].max())
    words = pdata.staffing_day(staff)
    assert words == f"{day.day} {day:%B %Y}"
    gaps = " ".join(pdata.record_gaps(series, events, words))
    assert f"**Staffing is a single day, {words}.**" in gaps
    assert "Staffing is a single day" not in " ".join(pdata.record_gaps(series, events))
    name = components.file_name("prison staffing", words, "all_staff")
    assert name == f"prison-staffing_{day.day}-{day:%B-%Y}_all-staff.csv".lower()
