"""The headline engine's rules, checked against the snapshot's facts and the measure records.

Nothing here pins a sentence or a number: expected values come from the snapshot (through
`query`, as a reviewer would check them) and from the measure records' breaks.
"""

import io

import pandas as pd
import pytest

from dashboard import briefing, comparability, geography, headlines
from dashboard.core import catalogue, query

SEAT_CODES = sorted(
    code for seat in geography.SEATS.values() for code in seat.codes.values()
)  # both boundary sets, all three Nottingham seats
COMPARED = ("previous", "a year earlier")


@pytest.fixture(scope="module")
def load(snapshot):
    cache = {}

    def observations(dataset):
        if dataset not in cache:
            held = dataset in snapshot.manifest["datasets"]
            cache[dataset] = snapshot.observations([dataset]) if held else None
        return cache[dataset]

    return observations


@pytest.fixture(scope="module")
def briefs(snapshot, load):
    return {code: briefing.build(code, load, snapshot.manifest["datasets"]) for code in SEAT_CODES}


def figures(briefs):
    for code, brief in briefs.items():
        for section in brief.sections:
            for found in section.figures:
                yield code, found


def query_value(load, fact: headlines.Fact) -> float:
    frame = query.select(
        load(fact.dataset),
        dataset=fact.dataset,
        measure=fact.measure,
        area=fact.area_code,
        period=fact.period_start.strftime("%Y-%m-%d"),
    )
    return pd.read_csv(io.StringIO(query.to_csv(frame)))["value"].iloc[0]


def test_every_fact_equals_query_and_the_sentence_shows_the_latest(briefs, load):
    checked = 0
    for _code, found in figures(briefs):
        for fact in found.facts:
            if fact.area_code == headlines.MEDIAN_ENGLISH_SEATS:
                continue
            assert fact.value == pytest.approx(query_value(load, fact)), str(fact)
            checked += 1
        latest = found.facts[0]
        assert latest.role == "latest" and latest.measure == found.measure
        assert found.value_format.format(latest.value) in found.sentence
    assert checked >= 6 * 8


def _held_periods(load, datasets, measure, area) -> pd.Series:
    frames = [load(d) for d in datasets]
    rows = pd.concat(
        [f[(f["measure"] == measure) & (f["area_code"] == area)] for f in frames if f is not None]
    )
    return rows.dropna(subset=["value"])["period_start"]


def test_latest_is_the_newest_period_held_in_any_dataset(briefs, load):
    for _code, found in figures(briefs):
        held = _held_periods(load, found.headline.datasets, found.measure, found.area_code)
        assert found.period_start == held.max(), (found.headline.key, found.area_code)


def _breaks(fact: headlines.Fact):
    return comparability.breaks_for(fact.measure, fact.area_code, fact.dataset)


def _spans(fact: headlines.Fact, status) -> bool:
    in_span = any(
        b.kind in comparability.SPAN_KINDS
        and comparability.covers(b, fact.period_start, fact.period_end)
        for b in _breaks(fact)
    )
    return in_span or (pd.notna(status) and str(status) in comparability.STATUS_KINDS)


def _status(load, fact):
    frame = load(fact.dataset)
    row = frame[
        (frame["measure"] == fact.measure)
        & (frame["area_code"] == fact.area_code)
        & (frame["period_start"] == fact.period_start)
    ]
    return row["status"].iloc[0] if "status" in row.columns and not row.empty else None


def test_no_comparison_across_an_unflagged_break(briefs, load):
    """A compared period is never inside a span (teacher-assessed years, reporting gaps); a
    change break between it and the latest is flagged and its note is in the comparison."""
    for _code, found in figures(briefs):
        latest = found.facts[0]
        compared = [f for f in found.facts if f.role in COMPARED]
        assert len({f.period_start for f in compared}) == len(compared)  # one period, named once
        for fact in compared:
            assert fact.measure == latest.measure
            assert headlines.source_kind(fact.dataset) == headlines.source_kind(latest.dataset)
            assert not _spans(fact, _status(load, fact)), str(fact)
            for crossed in {*_breaks(fact), *_breaks(latest)}:
                if comparability.separates(crossed, fact.period_start, latest.period_start):
                    assert crossed in found.flagged
                    said = crossed.note.rstrip(". ")[1:]
                    assert any(said in text for text in found.comparisons)


def test_definitions_are_the_measure_records(briefs):
    """Every figure carries its measure's definition from the catalogue, the briefing prints
    it, and the words a sentence quotes from it are the publisher's, verbatim."""
    for code, found in figures(briefs):
        definition = catalogue.measure(found.measure).definition
        assert found.definition == definition
        assert definition in briefing.to_markdown(briefs[code])
        phrase = found.headline.phrase
        if phrase:
            assert phrase.lower() in definition.lower()
            assert phrase in found.sentence
        if found.headline.rate is not None:
            rate = catalogue.measure(found.headline.rate.measure).definition
            assert rate.rstrip(".") in found.sentence


def test_footnote_periods_equal_the_figures_period(briefs, snapshot):
    for _code, found in figures(briefs):
        latest = found.facts[0]
        words = headlines.period_span(latest.period_start, latest.period_end)
        footnote = briefing.footnote_for(found, snapshot.manifest["datasets"])
        assert f"period {words};" in footnote
    for brief in briefs.values():
        text = briefing.to_markdown(brief)
        for section in brief.sections:
            for found in section.figures:
                assert f"period {found.period_words};" in text


def _shares(load, spec, fact):
    frame = load(fact.dataset)
    at = frame[
        (frame["area_code"] == fact.area_code) & (frame["period_start"] == fact.period_start)
    ]
    counts = at.set_index("measure")["value"]
    return {c: counts[c] / counts[spec.total] for c in spec.components}


def test_a_shift_in_composition_leads_with_the_stable_component(briefs, load):
    """Computed here from the snapshot's counts: if any component's share moved by more than
    the threshold between the periods compared, the figure is the stable component's."""
    spec = headlines.BY_KEY["ae_4h"].composition
    found = next(f for _c, f in figures(briefs) if f.headline.key == "ae_4h")
    totals = [f for f in found.facts if f.measure == "pct_within_4h_all"]
    latest = found.facts[0]
    compared = [f for f in found.facts if f.role in COMPARED]
    now = _shares(load, spec, latest)
    moves = {
        (component, fact.period_start): abs(now[component] - _shares(load, spec, fact)[component])
        for fact in compared
        for component in spec.components
    }
    shifted = max(moves.values()) * 100 > headlines.COMPOSITION_SHIFT_PTS
    assert (found.measure == spec.stable) == shifted
    if shifted:
        (component, _when) = max(moves, key=moves.get)
        assert comparability.measure(component).label.lower() in found.sentence.lower()
        assert len(totals) == 2  # the all-types figures, named as not like-for-like
        for fact in totals:
            assert found.value_format.format(fact.value) in found.sentence


def test_no_record_across_a_break(briefs, load):
    for _code, found in figures(briefs):
        if not found.record:
            continue
        latest = found.facts[0]
        held = _held_periods(load, found.headline.datasets, found.measure, found.area_code)
        earlier = held[held < found.period_start]
        assert not all(
            any(comparability.separates(b, day, found.period_start) for b in _breaks(latest))
            for day in earlier
        ), found.headline.key


def test_schools_never_name_one_year_twice_nor_a_teacher_assessed_baseline(briefs, load):
    found = [f for _c, f in figures(briefs) if f.headline.key == "schools_ks4"]
    assert found
    for figure in found:
        compared = [f for f in figure.facts if f.role in COMPARED]
        assert len(compared) == len({f.period_start for f in compared})
        for fact in compared:
            assert _status(load, fact) not in comparability.STATUS_KINDS


def test_a_third_partys_rate_is_labelled_with_its_method(briefs, load):
    found = next(f for _c, f in figures(briefs) if f.headline.key == "prison_assaults")
    spec = found.headline.rate
    assert found.measure == "assault_incidents"  # the count leads, not the rate
    facts = {f.role: f for f in found.facts}
    rate, base = facts["rate"], facts["rate denominator"]
    assert rate.value == pytest.approx(found.value * spec.per / base.value, abs=0.5)
    if not catalogue.get(found.dataset).official:
        assert "third party" in found.sentence
    assert headlines.period_label(base.period_start, base.period_end) in found.sentence


def test_cli_check_lists_each_sentence_with_its_facts(capsys, briefs):
    from dashboard.cli import main

    assert main(["brief", "--area", "E14001410", "--check"]) == 0
    out = capsys.readouterr().out
    for section in briefs["E14001410"].sections:
        for found in section.figures:
            assert found.sentence in out
            for fact in found.facts:
                assert str(fact) in out


@pytest.mark.parametrize(
    "start, end, words",
    [
        ("2026-02-01", "2026-02-28", "February 2026"),
        ("2025-12-31", "2025-12-31", "31 December 2025"),
        ("2025-10-01", "2025-12-31", "October to December 2025"),
        ("2021-09-01", "2022-08-31", "the 2021/22 school year"),
        ("2025-04-01", "2026-03-31", "the 2025-26 financial year"),
        ("2024-01-01", "2024-12-31", "2024"),
        ("2022-10-01", "2022-11-30", "autumn 2022"),
    ],
)
def test_period_words(start, end, words):
    assert headlines.period_label(pd.Timestamp(start), pd.Timestamp(end)) == words


@pytest.mark.parametrize(
    "start, end, words",
    [
        ("2025-04-01", "2026-03-31", "April 2025 to March 2026"),
        ("2025-10-01", "2025-12-31", "October to December 2025"),
        ("2026-02-01", "2026-02-28", "February 2026"),
        ("2025-12-31", "2025-12-31", "31 December 2025"),
        ("2018-03-23", "2018-04-10", "23 March 2018 to 10 April 2018"),
    ],
)
def test_footnote_period_words(start, end, words):
    assert headlines.period_span(pd.Timestamp(start), pd.Timestamp(end)) == words


def test_missing_values_are_never_the_headline():
    frame = pd.DataFrame(
        {
            "measure": "households_on_uc",
            "area_code": "X",
            "area_name": "X",
            "period_start": pd.to_datetime(["2020-01-01", "2020-02-01"]),
            "period_end": pd.to_datetime(["2020-01-31", "2020-02-29"]),
            "value": [5.0, None],
        }
    )
    spec = headlines.Headline(
        "k", "t", ("dwp_uc_households_lad",), "households_on_uc", "X", "{value} things", "{:.0f}"
    )
    found = headlines.figure(spec, frame, "X")
    assert found.value == 5.0 and found.sentence == "In January 2020, 5 things."


def test_a_pages_line_gives_every_comparison_in_prose(briefs):
    """The paragraph under a page's tiles is quoted as it is: its comparisons are a sentence,
    not a label ("Compared with: ...")."""
    compared = 0
    for _code, found in figures(briefs):
        paragraph = headlines.line(found)
        assert paragraph.startswith(found.sentence)
        assert "Compared with:" not in paragraph
        for comparison in found.comparisons:
            assert comparison in paragraph
        if found.comparisons:
            assert f"That compares with {found.comparisons[0]}" in paragraph
            compared += 1
    assert compared >= 6
