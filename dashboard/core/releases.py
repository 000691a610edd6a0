"""When each source should publish next, from its cadence and its last release (no streamlit).

Only two kinds of basis are used, and the table says which: the publisher's stated release rule
(a record's ``release_rule``, e.g. NHS England's second Thursday of each month for A&E), or the
lag between the last period and its stated release date in our own snapshot. A record's
``frequency`` gives the next period; anything else is shown as unknown rather than guessed.
"""

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.core import catalogue, provenance

# Frequencies with a next period to forecast (catalogue.FREQUENCIES); the rest have none.
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
# release_rule -> what the basis column says. NHS England: "Monthly A&E statistics are
# published on the second Thursday of each month" (for the month before).
RULE_BASIS = {
    "second_thursday": "NHS England publishes on the second Thursday of the following month",
}


@dataclass(frozen=True)
class Expected:
    dataset: str
    latest_period_end: dt.date
    cadence: str
    next_period_end: dt.date | None
    expected_release: dt.date | None
    basis: str
    behind: bool  # a newer release is probably already out


def second_thursday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(days=7)


def scheduled_release(rule: str, period_end: dt.date) -> dt.date:
    """The day a publisher's stated rule puts the release of the period ending ``period_end``."""
    if rule == "second_thursday":
        following = pd.Timestamp(period_end) + pd.offsets.MonthBegin(1)
        return second_thursday(following.year, following.month)
    raise ValueError(f"unknown release rule {rule!r}")


def expected(dataset_id: str, entry: dict, today: dt.date) -> Expected | None:
    publication = catalogue.get(dataset_id)
    months = FREQUENCY_MONTHS.get(publication.frequency)
    if months is None or "period_end" not in entry:
        return None
    latest = pd.Timestamp(entry["period_end"])
    next_end = (latest + pd.DateOffset(months=months) + pd.offsets.MonthEnd(0)).date()
    release, basis = None, "no release date stated in the file, so no forecast"
    if publication.release_rule:
        release = scheduled_release(publication.release_rule, next_end)
        basis = RULE_BASIS[publication.release_rule]
    elif provenance.released(dataset_id, entry):
        lag = pd.Timestamp(provenance.released(dataset_id, entry)) - latest
        release = (pd.Timestamp(next_end) + lag).date()
        basis = f"the same lag as the last release ({lag.days} days after the period ended)"
    return Expected(
        dataset=dataset_id,
        latest_period_end=latest.date(),
        cadence=publication.cadence,
        next_period_end=next_end,
        expected_release=release,
        basis=basis,
        # A release the last refresh found but could not load is known, not just forecast.
        behind=bool(entry.get("newer_release")) or (release is not None and release < today),
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
