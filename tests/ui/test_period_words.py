"""Periods named in the overview's topic list and the A&E history chart come from the data.

Expected months are read from the snapshot (its manifest and tables); each text is also given the
snapshot's data with the newest months dropped, standing in for a refresh, and must follow.
"""

import pandas as pd
import pytest

from dashboard.site_pages import overview
from dashboard.topics.ae import figures as charts
from dashboard.topics.ae import model as ad


@pytest.fixture(scope="module")
def ae_entry(snapshot):
    return snapshot.manifest["datasets"][ad.DATASET]


def test_overview_names_the_months_the_ae_files_span(ae_entry):
    first, last = pd.Timestamp(ae_entry["period_start"]), pd.Timestamp(ae_entry["period_end"])
    (title, text), *rest = overview.coverage(ae_entry)
    assert title == "QMC Emergency Department"
    assert f"from {first:%B %Y} to {last:%B %Y}." in text
    assert rest == overview.FIXED_COVERAGE
    # a snapshot a year behind: the sentence names its own last month
    older = {**ae_entry, "period_end": str((last - pd.DateOffset(years=1)).date())}
    moved = overview.coverage(older)[0][1]
    assert f"to {last - pd.DateOffset(years=1):%B %Y}." in moved
    assert f"{last:%B %Y}" not in moved
    # without a period range (no A&E data) the line names no months at all
    assert " from " not in overview.coverage(None)[0][1]


@pytest.fixture(scope="module")
def history(snapshot):
    monthly = ad.slices(snapshot.table(ad.DATASET, "observations")).local
    return ad.history_frame(snapshot.table(ad.HISTORY_DATASET, "observations"), monthly)


def _legend(figure) -> list[str]:
    return [trace.name for trace in figure.data]


def test_history_chart_names_each_files_months(history):
    series = history.loc[history["timeseries"].notna(), "month"]
    monthly = history.loc[history["monthly"].notna(), "month"]
    figure = charts.history_figure(history)
    assert f"England, time-series file (to {series.max():%b %Y})" in _legend(figure)
    assert f"England, monthly provider files (from {monthly.min():%b %Y})" in _legend(figure)
    first = min(series.min(), monthly.min())
    assert f"{first:%B %Y} on" in figure.layout.title.text


def test_history_chart_follows_a_shorter_time_series(history):
    """The time-series file's newest year dropped: the legend says where it now ends."""
    series = history.loc[history["timeseries"].notna(), "month"]
    cut_at = series.max() - pd.DateOffset(years=1)
    shorter = history.assign(timeseries=history["timeseries"].where(history["month"] <= cut_at))
    names = _legend(charts.history_figure(shorter))
    assert f"England, time-series file (to {cut_at:%b %Y})" in names
    assert f"England, time-series file (to {series.max():%b %Y})" not in names
