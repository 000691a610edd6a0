"""Periods named in the overview's topic list and the A&E history chart come from the data.

Expected months are read from the snapshot (its manifest and tables); each text is also given the
snapshot's data with the newest months dropped, standing in for a refresh, and must follow.
"""

import pandas as pd
import pytest

from dashboard.site_pages import overview
from dashboard.topics.ae import figures as charts
from dashboard.topics.ae import model as ad
from dashboard.topics.homelessness import model as homelessness
from dashboard.topics.uc import figures as uc
from dashboard.ui import components


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


@pytest.fixture(scope="module")
def msoa_months(snapshot):
    rows = snapshot.table("dwp_uc_households_msoa", "observations")
    rows = rows[(rows["area_type"] == "msoa") & (rows["measure"] == uc.MEASURE)]
    return sorted(pd.Timestamp(m) for m in rows["period_start"].unique())


def _missing(months) -> list[pd.Timestamp]:
    return list(pd.date_range(months[0], months[-1], freq="MS").difference(months))


def test_uc_map_note_names_the_months_the_export_lacks(msoa_months):
    missing = _missing(msoa_months)
    note = uc.months_skipped(msoa_months)
    if not missing:
        assert note.startswith(f"Every month from {msoa_months[0]:%B %Y}")
    else:
        assert f"{missing[-1]:%B %Y}" in note and "not in the DWP export" in note
    # the months up to the last one before the gap: nothing is skipped any more
    before_gap = [m for m in msoa_months if not missing or m < missing[0]]
    assert uc.months_skipped(before_gap) == (
        f"Every month from {before_gap[0]:%B %Y} to {before_gap[-1]:%B %Y} is held."
    )


def test_one_month_download_is_named_by_that_month(snapshot):
    rows = snapshot.table("dwp_uc_households_pcon2024", "observations")
    month = pd.Timestamp(rows["period_start"].max())
    latest = rows[rows["period_start"] == month]
    assert components.period_span(latest) == f"{month:%Y-%m}"
    earlier = rows[rows["period_start"] < month]
    if not earlier.empty:  # a snapshot with more months names the span it holds
        assert components.period_span(rows).endswith(f"-to-{month:%Y-%m}")


@pytest.fixture(scope="module")
def hclic(snapshot):
    return snapshot.table(homelessness.HCLIC, "observations")


def _derived_ends(hclic) -> list[pd.Timestamp]:
    rows = hclic[
        (hclic["area_code"] == homelessness.NOTTINGHAM)
        & hclic["status"].fillna("").str.startswith("derived")
    ]
    return sorted(pd.Timestamp(d) for d in rows["period_end"].unique())


def test_homelessness_notes_count_the_derived_quarters(hclic):
    ends = _derived_ends(hclic)
    assert homelessness.derived_quarters(hclic) == ends
    note = homelessness.trend_note(hclic)
    assert f"{len(ends)} quarters have no workbook in the mirror" in note
    types = homelessness.ta_types_frame(hclic)
    assert f"the {len(ends)} quarters filled from the derived CSV" in (
        homelessness.ta_types_note(types, ends)
    )
    # a snapshot without the newest derived quarter counts one fewer
    older = hclic[hclic["period_end"] < ends[-1]]
    assert f"{len(ends) - 1} quarters have no workbook" in homelessness.trend_note(older)


def test_homelessness_ta_note_names_each_other_empty_quarter_with_its_reason(hclic):
    types = homelessness.ta_types_frame(hclic)
    ends = _derived_ends(hclic)
    note = homelessness.ta_types_note(types, ends)
    empty = types.groupby("period_end")["value"].apply(lambda v: v.isna().all())
    for day in empty[empty].index:
        if pd.Timestamp(day) not in ends:
            reason = "; ".join(
                sorted(set(types.loc[types["period_end"] == day, "status"].dropna()))
            )
            assert f"{pd.Timestamp(day).day} {pd.Timestamp(day):%B %Y} ({reason})" in note


def test_homelessness_duty_rates_printed_from_the_first_printed_quarter(hclic):
    duties = ("households_prevention_duty_per_1000", "households_relief_duty_per_1000")
    rows = hclic[
        (hclic["area_code"] == homelessness.NOTTINGHAM)
        & hclic["measure"].isin(duties)
        & hclic["value"].notna()
        & ~hclic["status"].fillna("").str.startswith("calculated")
    ]
    first = pd.Timestamp(rows["period_end"].min())
    start = first - pd.offsets.QuarterBegin(startingMonth=1)
    assert f"for duties from {start:%B} to {first:%B %Y}" in homelessness.trend_note(hclic)


def test_england_record_says_when_it_starts(history):
    held = history.loc[history["timeseries"].notna() | history["monthly"].notna(), "month"]
    assert ad.history_start(history) == f"{held.min():%B %Y}"
    assert ad.history_sentence(history).startswith(f"**England since {held.min():%B %Y}**: ")
    # without the time-series file the record starts with the monthly files
    monthly_only = history.assign(timeseries=float("nan"))
    first_monthly = history.loc[history["monthly"].notna(), "month"].min()
    assert ad.history_start(monthly_only) == f"{first_monthly:%B %Y}"
