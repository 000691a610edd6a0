"""Expected figures read from the snapshot the tests run on, never typed in.

A refresh adds periods and revises values, so page, briefing and export tests take the newest
figure from the snapshot through `dashboard.core.query` (not through the page's own code) and
format it as a reader sees it. Each lookup insists on exactly one row with a value, so a test
built on it still fails when the page shows a different number or the figure is missing.
"""

import pandas as pd

from dashboard.core import query


def rows(snapshot, dataset: str, measure: str, area: str) -> pd.DataFrame:
    """Every period of one measure for one area, oldest first."""
    frame = snapshot.table(dataset, "observations")
    return query.select(frame, dataset=dataset, measure=measure, area=area)


def latest(snapshot, dataset: str, measure: str, area: str) -> pd.Series:
    """The newest row with a value (what a page calls "latest")."""
    found = rows(snapshot, dataset, measure, area).dropna(subset=["value"])
    assert not found.empty, f"no {measure} with a value for {area} in {dataset}"
    return found.sort_values("period_end").iloc[-1]


def _cell(snapshot, dataset, measure, area, start, end) -> pd.DataFrame:
    found = rows(snapshot, dataset, measure, area)
    if start is not None:
        found = found[found["period_start"] == pd.Timestamp(start)]
    if end is not None:
        found = found[found["period_end"] == pd.Timestamp(end)]
    return found


def value(snapshot, dataset: str, measure: str, area: str, start=None, *, end=None) -> float:
    """The one value of a cell, by its period's first and/or last day; null fails the test."""
    found = _cell(snapshot, dataset, measure, area, start, end)
    where = f"{dataset} {measure} {area} {start or ''}..{end or ''}"
    assert len(found) == 1, f"{len(found)} rows for {where}"
    assert pd.notna(found["value"].iloc[0]), f"{where} is null"
    return float(found["value"].iloc[0])


def value_or_none(snapshot, dataset: str, measure: str, area: str, start=None, *, end=None):
    """As `value`, for a cell that may be absent or null (shown as a gap, never as zero)."""
    found = _cell(snapshot, dataset, measure, area, start, end).dropna(subset=["value"])
    return None if found.empty else float(found["value"].iloc[0])


def pct(number: float, places: int = 1) -> str:
    return f"{number:.{places}f}%"


def count(number: float) -> str:
    return f"{number:,.0f}"


def month(day) -> str:
    return f"{pd.Timestamp(day):%B %Y}"


def short_month(day) -> str:
    return f"{pd.Timestamp(day):%b %Y}"


def quarter(end) -> str:
    """'Oct-Dec 2025' for the quarter ending on ``end``, as the pages label a quarter's flow."""
    end = pd.Timestamp(end)
    return f"{end - pd.DateOffset(months=2):%b}-{end:%b %Y}"


def day(end) -> str:
    """'31 Dec 2025', as the pages label a count on one day."""
    return f"{pd.Timestamp(end).day} {pd.Timestamp(end):%b %Y}"


def on(snapshot, dataset: str, measure: str, area_type: str, *, end) -> pd.DataFrame:
    """Every area of one type for one measure on the period ending ``end`` (nulls kept)."""
    frame = query.select(snapshot.table(dataset, "observations"), dataset=dataset, measure=measure)
    return frame[(frame["area_type"] == area_type) & (frame["period_end"] == pd.Timestamp(end))]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def newest_start(snapshot, dataset: str, area_type: str = "school") -> pd.Timestamp:
    """The newest period start of a dataset's rows at one level, read straight from the table:
    the year a page must name for that file, whatever year the snapshot holds."""
    frame = snapshot.table(dataset, "observations")
    found = frame.loc[frame["area_type"] == area_type, "period_start"]
    assert not found.empty, f"no {area_type} rows in {dataset}"
    return pd.Timestamp(found.max())


def school_year(start) -> str:
    """'2018/19' for a school year starting in September 2018."""
    start = pd.Timestamp(start)
    return f"{start.year}/{(start.year + 1) % 100:02d}"
