"""Where a series stops being like-for-like: the catalogue's breaks, read as rules.

A measure's record (``catalogue.measure``: label, unit, the publisher's definition, direction,
breaks) is the only place these facts live. This module says what each kind of break means
for a comparison between two periods of one area's series:

- a *span* (teacher-assessed years, a reporting gap) marks periods that are never compared
  with any other: a figure inside it is shown, never used as a baseline or in a record;
- a *change* (methodology, composition) separates the periods before it from those after,
  and a window of one (``end`` given) separates the periods inside it from those outside: a
  comparison across it is made only when the sentence says so;
- a *boundary* change never separates one area code's periods (a GSS code changes when its
  boundary does), so it is not a comparison rule here; the pages say which set they use;
- *provisional* figures are labelled, not excluded.
"""

import pandas as pd

from dashboard.core import catalogue

SPAN_KINDS = ("teacher_assessed", "reporting_gap")
CHANGE_KINDS = ("methodology", "composition")
LABEL_KINDS = ("provisional",)
# Statuses the parsers write on rows whose figure is not comparable with the rest of its series
# (the kind of break each stands for): the data says so even where no break is recorded.
STATUS_KINDS = {
    "centre-assessed grades": "teacher_assessed",
    "teacher-assessed grades": "teacher_assessed",
    "not reported (field test)": "reporting_gap",
}

measure = catalogue.measure
Break = catalogue.Break


def breaks_for(measure_id: str, area: str, dataset: str) -> tuple[Break, ...]:
    """The measure's breaks that apply to this area's series in this dataset."""
    return tuple(
        b
        for b in measure(measure_id).breaks
        if (b.area is None or b.area == area) and (b.dataset is None or b.dataset == dataset)
    )


def _day(text: str | None) -> pd.Timestamp | None:
    return None if text is None else pd.Timestamp(text)


def covers(found: Break, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    """Whether a period lies (partly) inside the break's dates (a change: its first day)."""
    first = _day(found.start)
    last = _day(found.end) or first
    return start <= last and end >= first


def separates(found: Break, earlier: pd.Timestamp, later: pd.Timestamp) -> bool:
    """Whether a change break lies between two periods (given by their first days)."""
    if found.kind not in CHANGE_KINDS:
        return False
    first = _day(found.start)
    if found.end is None:
        return earlier < first <= later
    last = _day(found.end)
    inside = [first <= day <= last for day in (earlier, later)]
    return inside[0] != inside[1]


def status_break(status, start: pd.Timestamp, end: pd.Timestamp, when: str) -> Break | None:
    """A span break read from a row's status (centre-assessed grades, a field-test gap)."""
    kind = STATUS_KINDS.get(str(status)) if pd.notna(status) else None
    if kind is None:
        return None
    return Break(kind, f"{start:%Y-%m-%d}", f"{when}: {status}", f"{end:%Y-%m-%d}")
