"""What a measure means and where its series stops being like-for-like, as data.

``measure(id)`` is the one interface the headline engine reads: a label, a unit, the
publisher's definition and the series' breaks. Breaks come in two shapes:

- a *span* (teacher-assessed years, a reporting gap) marks periods that are not compared with
  any other: a figure inside it is shown, never used as the baseline of a change;
- a *change* (methodology, composition, boundary) separates the periods before it from those
  after: a comparison across it is allowed only when the sentence says so.

Provisional figures are labelled, not excluded.
"""

from dataclasses import dataclass

import pandas as pd

SPAN_KINDS = ("teacher_assessed", "reporting_gap")
CHANGE_KINDS = ("methodology", "composition", "boundary")
LABEL_KINDS = ("provisional",)
# Statuses the parsers write on rows whose figure is not comparable with the rest of its series
# (the kind it stands for): the data says so even when no break is typed in the metadata.
STATUS_KINDS = {
    "centre-assessed grades": "teacher_assessed",
    "teacher-assessed grades": "teacher_assessed",
    "not reported (field test)": "reporting_gap",
}


@dataclass(frozen=True)
class Break:
    kind: str  # one of SPAN_KINDS, CHANGE_KINDS or LABEL_KINDS
    start: pd.Timestamp  # first day affected (a change takes effect on this day)
    end: pd.Timestamp | None  # last day affected, for a span; None for a change
    note: str  # why, in words a reader can quote

    def covers(self, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        """Whether a period lies (partly) inside the span."""
        last = self.end if self.end is not None else self.start
        return start <= last and end >= self.start

    def separates(self, earlier: pd.Timestamp, later: pd.Timestamp) -> bool:
        """Whether this break lies between two periods (by their start days)."""
        if self.kind in CHANGE_KINDS:
            if self.end is None:
                return earlier < self.start <= later
            return (earlier < self.start <= later) or self.covers(later, later)
        return False


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    unit: str
    definition: str  # the publisher's words; sentences quote it verbatim
    higher_is_better: bool | None = None
    breaks: tuple[Break, ...] = ()


def _span(kind: str, start: str, end: str | None, note: str) -> Break:
    return Break(kind, pd.Timestamp(start), None if end is None else pd.Timestamp(end), note)


# Interim home of the measure records used by the headlines, until the catalogue holds them.
_MEASURES = {
    m.id: m
    for m in (
        Measure(
            "pct_within_4h_all",
            "4-hour %, all A&E types",
            "percent",
            "within 4 hours of arrival: admitted, transferred or discharged",
            True,
        ),
        Measure(
            "pct_within_4h_type1",
            "4-hour %, type 1 emergency department",
            "percent",
            "within 4 hours of arrival: admitted, transferred or discharged",
            True,
        ),
        Measure(
            "waits_over_12h_dta",
            "12-hour waits from decision to admit",
            "count",
            "spent more than 12 hours from decision to admit to admission",
            False,
        ),
        Measure("attendances_all", "Attendances, all A&E types", "count", "attendances at A&E"),
        Measure(
            "attendances_type1",
            "type 1 (major emergency department) attendances",
            "count",
            "attendances at a consultant-led 24-hour major emergency department",
        ),
        Measure(
            "attendances_type2",
            "type 2 (single-specialty) attendances",
            "count",
            "attendances at a consultant-led single-specialty A&E service",
        ),
        Measure(
            "attendances_other",
            '"Other A&E department" attendances',
            "count",
            "attendances at other A&E departments (types 3 and 4: urgent treatment centres, "
            "minor injury units, walk-in centres)",
        ),
        Measure(
            "pct_of_cna",
            "Population as % of certified normal accommodation",
            "percent",
            "population as a percentage of certified normal accommodation (its uncrowded capacity)",
            False,
        ),
        Measure(
            "assault_incidents",
            "Assault incidents",
            "count",
            "assault incidents were recorded",
            False,
        ),
        Measure(
            "assault_rate",
            "Assault incidents per 1,000 prisoners (third party's rate)",
            "rate_per_1000",
            "the year's incidents divided by one month's population, not by the year's "
            "average population as the Ministry of Justice does",
            False,
        ),
        Measure(
            "self_harm_rate",
            "Self-harm incidents per 1,000 prisoners (third party's rate)",
            "rate_per_1000",
            "the year's incidents divided by one month's population, not by the year's "
            "average population as the Ministry of Justice does",
            False,
        ),
        Measure(
            "population",
            "Prison population",
            "count",
            "prisoners held",
        ),
        Measure(
            "households_on_uc",
            "Households on Universal Credit",
            "count",
            "households on Universal Credit",
            None,
        ),
        Measure(
            "households_in_temporary_accommodation_per_1000",
            "Households in temporary accommodation per 1,000 households",
            "rate_per_1000",
            "households in temporary accommodation per 1,000 households",
            False,
        ),
        Measure(
            "ks4_pct_eng_maths_9_4",
            "GCSE English and maths, grade 4 or above",
            "percent",
            "achieving grade 4 or above in English and maths GCSEs",
            True,
            (
                _span(
                    "teacher_assessed",
                    "2019-09-01",
                    "2021-08-31",
                    "exams were cancelled in 2019/20 and 2020/21 and grades were centre- and "
                    "teacher-assessed; DfE says they are not comparable with exam years",
                ),
                _span(
                    "methodology",
                    "2021-09-01",
                    "2022-08-31",
                    "exams returned in 2021/22 with grades set at a midpoint between 2019 and "
                    "2021, so DfE advises caution in comparing with earlier years",
                ),
            ),
        ),
    )
}


_EXAM_BREAKS = _MEASURES["ks4_pct_eng_maths_9_4"].breaks
_MEASURES["ks4_attainment8"] = Measure(
    "ks4_attainment8",
    "Attainment 8",
    "score",
    "Attainment 8 score (a pupil's results across eight qualifications)",
    True,
    (
        _span(
            "methodology",
            "2016-09-01",
            None,
            "from 2016/17 Attainment 8 uses the 9 to 1 points scale; earlier scores are on the "
            "old scale",
        ),
        *_EXAM_BREAKS,
    ),
)


def measure(measure_id: str) -> Measure:
    """The measure's record; a KeyError names the missing id (a headline must have one)."""
    try:
        return _MEASURES[measure_id]
    except KeyError:
        raise KeyError(f"no measure record for {measure_id!r}") from None
