"""When each source should publish next, from its cadence and its last release (no streamlit).

Only two kinds of basis are used, and the table says which: NHS England's published rule for
A&E (the second Thursday of each month), or the lag between the last period and its stated
release date in our own snapshot. Anything else is shown as unknown rather than guessed.
"""

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.core import catalogue

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
# NHS England: "Monthly A&E statistics are published on the second Thursday of each month."
SECOND_THURSDAY_RULE = {"nhse_ae_monthly"}


@dataclass(frozen=True)
class Expected:
    dataset: str
    latest_period_end: dt.date
    cadence: str
    next_period_end: dt.date | None
    expected_release: dt.date | None
    basis: str
    behind: bool  # a newer release is probably already out


def cadence_months(text: str) -> int | None:
    return CADENCE_MONTHS.get(text.split()[0].rstrip(",").lower()) if text else None


def second_thursday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(days=7)


def expected(dataset_id: str, entry: dict, today: dt.date) -> Expected | None:
    publication = catalogue.get(dataset_id)
    months = cadence_months(publication.cadence)
    if months is None or "period_end" not in entry:
        return None
    latest = pd.Timestamp(entry["period_end"])
    next_end = (latest + pd.DateOffset(months=months) + pd.offsets.MonthEnd(0)).date()
    release, basis = None, "no release date stated in the file, so no forecast"
    if dataset_id in SECOND_THURSDAY_RULE:
        following = pd.Timestamp(next_end) + pd.offsets.MonthBegin(1)
        release = second_thursday(following.year, following.month)
        basis = "NHS England publishes on the second Thursday of the following month"
    elif publication.released:
        lag = pd.Timestamp(publication.released) - latest
        release = (pd.Timestamp(next_end) + lag).date()
        basis = f"the same lag as the last release ({lag.days} days after the period ended)"
    return Expected(
        dataset=dataset_id,
        latest_period_end=latest.date(),
        cadence=publication.cadence,
        next_period_end=next_end,
        expected_release=release,
        basis=basis,
        behind=release is not None and release < today,
    )


def calendar(manifest: dict, today: dt.date) -> pd.DataFrame:
    rows = []
    for dataset_id, entry in sorted(manifest.items()):
        if dataset_id not in catalogue.BY_ID:
            continue
        found = expected(dataset_id, entry, today)
        if found is None:
            continue
        rows.append(
            {
                "Dataset": dataset_id,
                "Data to": found.latest_period_end.isoformat(),
                "Cadence": found.cadence,
                "Next period ends": found.next_period_end.isoformat(),
                "Expected release": found.expected_release.isoformat()
                if found.expected_release
                else "unknown",
                "Basis": found.basis,
                "Snapshot": "behind: a newer release is probably out" if found.behind else "",
            }
        )
    return pd.DataFrame(rows)
