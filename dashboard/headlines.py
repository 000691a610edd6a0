"""The headline figure of each issue, computed one way for the briefing, What's new and tiles.

Each headline names a measure, an area (possibly the selected seat) and the datasets that hold
it. ``figure()`` is a pure function of the observations and the measure's record
(``comparability.measure``): it takes the newest period held in any of the datasets (official
before derived when two hold the same period), compares it only with periods that are
like-for-like, or says why not, and returns a sentence with the facts it rests on.

Rules, each computed from the data and the measure records, never typed into a sentence:
- the definition in the sentence is the measure record's (the publisher's words);
- a period inside a span break (teacher-assessed years, a reporting gap) is never a baseline;
  a comparison across a change break (methodology, composition, boundary) says so;
- when a component's share of a total moves by more than COMPOSITION_SHIFT_PTS between the
  periods compared, the sentence leads with the stable component and names the change;
- figures from different kinds of source (official, third party, this dashboard's estimate) are
  never compared with each other; a third party's rate is labelled with its method;
- "highest/lowest" is claimed only over periods comparable with the latest.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from dashboard import comparability
from dashboard.core import catalogue, observations

MEDIAN_ENGLISH_SEATS = "median of English constituencies"
# A component whose share of the total moves by more than this many percentage points between
# the two periods compared makes the total's change a change in what is counted.
COMPOSITION_SHIFT_PTS = 5.0

Loader = Callable[[str], pd.DataFrame | None]


@dataclass(frozen=True)
class Composition:
    """A total made of components, and the component whose figure stays like-for-like."""

    total: str  # the count measure of the whole, e.g. attendances_all
    components: tuple[str, ...]  # count measures that add up to it
    stable: str  # the measure to lead with when the mix shifts, e.g. pct_within_4h_type1
    stable_what: str  # its sentence, like Headline.what
    total_words: str  # the headline measure in words, e.g. "the trust's figure for all types"


@dataclass(frozen=True)
class Rate:
    """A rate published beside the headline count, with the denominator it divides by."""

    measure: str
    denominator: str
    per: int
    words: str  # what the rate counts, e.g. "assault incidents per 1,000 prisoners"


@dataclass(frozen=True)
class Headline:
    key: str
    topic: str  # the page's url_path
    datasets: tuple[str, ...]  # every dataset that may hold the measure for the area
    measure: str
    area: str  # a code, or "{pcon2010}" / "{pcon2024}" for the selected seat in that set
    what: str  # the words after "In <period>, ", with {value} and {definition}
    value_format: str  # e.g. "{:.0f}%"
    comparator: str | None = None  # an area code in the same dataset, or MEDIAN_ENGLISH_SEATS
    comparator_label: str = ""
    note: str = ""
    composition: Composition | None = None
    rate: Rate | None = None
    # Words from the measure's definition (the publisher's, verbatim) that the sentence quotes
    # as {phrase}; tests hold them to the catalogue record. Empty when none fit a sentence: the
    # briefing prints the whole definition under every figure anyway.
    phrase: str = ""

    @property
    def dataset(self) -> str:
        """The main dataset: the one its page and sources are named by."""
        return self.datasets[0]


NUH = "Nottingham University Hospitals"

HEADLINES: tuple[Headline, ...] = (
    Headline(
        "ae_4h",
        "ae",
        ("nhse_ae_monthly",),
        "pct_within_4h_all",
        "RX1",
        "{value} of A&E attendances (all types) at " + NUH + " {phrase}",
        "{:.1f}%",
        observations.ENGLAND,
        "across England",
        composition=Composition(
            total="attendances_all",
            components=("attendances_type1", "attendances_type2", "attendances_other"),
            stable="pct_within_4h_type1",
            stable_what="{value} of type 1 A&E attendances at " + NUH + "' emergency department "
            "(QMC) {phrase}",
            total_words="The trust's figure for all A&E types",
        ),
        phrase="spent 4 hours or less in A&E",
    ),
    Headline(
        "ae_12h",
        "ae",
        ("nhse_ae_monthly",),
        "waits_over_12h_dta",
        "RX1",
        "the number of patients at " + NUH + " {phrase} was {value}",
        "{:,.0f}",
        phrase="spending more than 12 hours from decision to admit to admission",
    ),
    Headline(
        "prison_crowding",
        "prison",
        ("moj_population_bulletin_nottingham_2018_2026",),
        "pct_of_cna",
        "NMI",
        "HMP Nottingham's {phrase} was {value} (above 100%, it holds more prisoners than it "
        "has uncrowded places)",
        "{:.0f}%",
        phrase="population as a percentage of in use Certified Normal Accommodation",
    ),
    Headline(
        "prison_assaults",
        "prison",
        ("moj_safety_by_prison_2025_26",),
        "assault_incidents",
        "NMI",
        "{value} {phrase} were recorded at HMP Nottingham",
        "{:,.0f}",
        rate=Rate("assault_rate", "population", 1000, "assault incidents per 1,000 prisoners"),
        phrase="assault incidents",
    ),
    Headline(
        "uc_city",
        "universal-credit",
        ("dwp_uc_households_lad", "dwp_uc_households_lad_may2025"),
        "households_on_uc",
        "E06000018",
        "there were {value} {phrase} in Nottingham",
        "{:,.0f}",
        phrase="households on Universal Credit",
    ),
    Headline(
        "uc_seat",
        "universal-credit",
        ("dwp_uc_households_pcon2024", "uc_households_pcon_estimate"),
        "households_on_uc",
        "{pcon2024}",
        "there were {value} {phrase} in the constituency (July 2024 boundaries)",
        "{:,.0f}",
        MEDIAN_ENGLISH_SEATS,
        "in the median English constituency",
        phrase="households on Universal Credit",
    ),
    Headline(
        "homeless_ta",
        "homelessness",
        ("mhclg_hclic_detailed_la",),
        "households_in_temporary_accommodation_per_1000",
        "E06000018",
        "there were {value} {phrase} in Nottingham",
        "{:.1f}",
        observations.ENGLAND,
        "across England",
        "City-wide (Nottingham City Council) figure; there are no constituency figures.",
        phrase="households in temporary accommodation per 1,000 households",
    ),
    Headline(
        "homeless_owed",
        "homelessness",
        ("mhclg_hclic_detailed_la",),
        "households_owed_duty",
        "E06000018",
        "{value} households in Nottingham were {phrase}",
        "{:,.0f}",
        note="City-wide (Nottingham City Council) figure; there are no constituency figures.",
        phrase="owed a prevention or relief duty",
    ),
    Headline(
        "schools_ks4",
        "schools",
        ("hocl_constituency_attainment",),
        "ks4_pct_eng_maths_9_4",
        "{pcon2010}",
        "the share of pupils at the constituency's state schools {phrase} was {value}",
        "{:.0f}%",
        MEDIAN_ENGLISH_SEATS,
        "in the median English constituency",
        "House of Commons Library figures, on 2010-2024 constituency boundaries.",
        phrase="achieving standard 9-4 passes in both English and mathematics GCSEs",
    ),
)
BY_KEY = {headline.key: headline for headline in HEADLINES}


@dataclass(frozen=True)
class Fact:
    """One number a sentence rests on, as `python -m dashboard query` would print it."""

    role: str  # "latest", "previous", "a year earlier", "comparator", ...
    dataset: str
    measure: str
    area_code: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    value: float

    def __str__(self) -> str:
        return (
            f"{self.role}: {self.dataset} / {self.measure} / {self.area_code} / "
            f"{period_span(self.period_start, self.period_end)} = {self.value:,.6g}"
        )


@dataclass(frozen=True)
class Figure:
    headline: Headline  # as asked for; `measure` may be its like-for-like substitute
    dataset: str  # where the latest value comes from
    measure: str
    area_code: str
    area_name: str
    value: float
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    previous: float | None
    previous_period: str | None  # with its preposition: "in January 2026", "on 30 June 2025"
    year_ago: float | None
    comparator: float | None
    record: str | None  # "highest on record (series from ...)", or None
    first_period: str
    sentence: str  # the lead sentence and every note on comparability, ready to paste
    lead: str = ""  # the lead sentence alone
    comparisons: tuple[str, ...] = ()  # "47.4% in February 2025", each flagged when needed
    notes: tuple[str, ...] = ()  # breaks and composition changes, said out loud
    facts: tuple[Fact, ...] = ()
    flagged: tuple[comparability.Break, ...] = ()  # breaks a comparison crossed, each said
    value_format: str = "{}"
    definition: str = ""  # the measure's definition in the publisher's words (the catalogue's)

    @property
    def period_words(self) -> str:
        """The period the figure covers, for a footnote: "April 2025 to March 2026"."""
        return period_span(self.period_start, self.period_end)


def resolve_area(headline: Headline, seat_codes: dict[str, str]) -> str:
    return headline.area.format(**seat_codes)


# --- periods in words -------------------------------------------------------------------------


def period_label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """Words for a period: a day, a month, a quarter, a school, financial or calendar year."""
    days = (end - start).days + 1
    if days == 1:
        return f"{end.day} {end:%B %Y}"
    if days <= 31:
        return f"{start:%B %Y}"
    if days <= 62 and start.month == 10:  # rough sleeping: one night in October-November
        return f"autumn {start.year}"
    if days <= 92 and start.month in (1, 4, 7, 10):
        return f"{start:%B} to {end:%B %Y}"  # as H-CLIC heads its tables
    if days >= 365:
        if start.month == 9:
            return f"the {start.year}/{str(end.year)[2:]} school year"
        if start.month == 4:
            return f"the {start.year}-{str(end.year)[2:]} financial year"
        if start.month == 1 and days <= 366:
            return str(start.year)
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def period_span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """The exact span a figure covers, for footnotes: "April 2025 to March 2026"."""
    if start == end:
        return f"{end:%-d %B %Y}"
    whole_months = start.day == 1 and (end + pd.Timedelta(days=1)).day == 1
    if not whole_months:
        return f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    if start.year == end.year:  # as H-CLIC heads a quarter: "October to December 2025"
        return f"{start:%B} to {end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


def with_preposition(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return ("on " if start == end else "in ") + period_label(start, end)


# --- the engine -------------------------------------------------------------------------------

# Said after every lead sentence whose figure is not the publisher's own file.
KIND_WORDS = {
    "official": "",
    "third party": " Official figures, compiled by a third party.",
    "estimate": " This dashboard's estimate, not an official figure.",
}


def _clause(text: str) -> str:
    """A note or label as a clause inside a sentence: no capital, no full stop."""
    text = text.rstrip(". ")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


_COLUMNS = ["measure", "area_code", "area_name", "period_start", "period_end", "value"]
_KIND_RANK = {"official": 0, "third party": 1, "estimate": 2}


def source_kind(dataset: str) -> str:
    """Official, a third party's compilation, or this dashboard's estimate."""
    publication = catalogue.get(dataset)
    if publication.derived:
        return "estimate"
    return "official" if publication.official else "third party"


def _rows(frame: pd.DataFrame | None, measure: str, area: str | None = None) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame(columns=[*_COLUMNS, "status"])
    # Mask on the measure alone first (cheap on categoricals), then copy only the columns used.
    columns = _COLUMNS + (["status"] if "status" in frame.columns else [])
    rows = frame.loc[frame["measure"] == measure, columns]
    if area is not None:
        rows = rows[rows["area_code"] == area]
    if "status" not in rows.columns:
        rows = rows.assign(status=pd.NA)
    return rows


def _held(load: Loader, datasets: tuple[str, ...], measure: str, area: str) -> pd.DataFrame:
    """Every non-missing value of the measure for the area, one row per period: the official
    figure when several datasets hold the same period."""
    parts = []
    for order, dataset in enumerate(datasets):
        rows = _rows(load(dataset), measure, area)
        rows = rows[rows["value"].notna()]
        kind = source_kind(dataset)
        parts.append(rows.assign(dataset=dataset, kind=kind, rank=_KIND_RANK[kind], order=order))
    held = pd.concat([p for p in parts if not p.empty] or parts, ignore_index=True)
    held = held.sort_values(["period_start", "rank", "order"]).drop_duplicates("period_start")
    return held.reset_index(drop=True)


def _breaks(measure: str, row) -> tuple[comparability.Break, ...]:
    return comparability.breaks_for(measure, str(row["area_code"]), str(row["dataset"]))


def _excluded(measure: str, row) -> comparability.Break | None:
    """The span that keeps this period out of any comparison, from the record or the data."""
    for found in _breaks(measure, row):
        if found.kind in comparability.SPAN_KINDS and comparability.covers(
            found, row["period_start"], row["period_end"]
        ):
            return found
    when = period_label(row["period_start"], row["period_end"])
    return comparability.status_break(row["status"], row["period_start"], row["period_end"], when)


def _changes(measure: str, earlier, later) -> list[comparability.Break]:
    """Change breaks between two rows (those recorded for either row's dataset)."""
    found = dict.fromkeys((*_breaks(measure, earlier), *_breaks(measure, later)))
    return [
        b
        for b in found
        if comparability.separates(b, earlier["period_start"], later["period_start"])
    ]


def _provisional(measure: str, row) -> bool:
    if pd.notna(row["status"]) and "provisional" in str(row["status"]):
        return True
    return any(
        b.kind in comparability.LABEL_KINDS
        and comparability.covers(b, row["period_start"], row["period_end"])
        for b in _breaks(measure, row)
    )


def _fact(role: str, row, measure: str) -> Fact:
    return Fact(
        role,
        str(row["dataset"]),
        measure,
        str(row["area_code"]),
        row["period_start"],
        row["period_end"],
        float(row["value"]),
    )


@dataclass
class _Draft:
    """What the comparisons collect while a figure is put together."""

    comparisons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    flagged: list[comparability.Break] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def _compare(
    measure: str, fmt: str, held: pd.DataFrame, latest, draft: _Draft
) -> tuple[object | None, object | None]:
    """The previous comparable period and the same period a year earlier (never the same one
    twice), each flagged when a change break lies between it and the latest."""
    same_kind = held[
        (held["kind"] == latest["kind"]) & (held["period_start"] < latest["period_start"])
    ]
    usable = []
    for _, row in same_kind.iterrows():
        span = _excluded(measure, row)
        if span is None:
            usable.append(row)
        elif row["period_start"] == same_kind["period_start"].max() or (
            row["period_start"] == latest["period_start"] - pd.DateOffset(years=1)
        ):
            when = period_label(row["period_start"], row["period_end"])
            draft.note(f"Not compared with {when}: {_clause(span.note)}.")
    previous = usable[-1] if usable else None
    year_ago = next(
        (r for r in usable if r["period_start"] == latest["period_start"] - pd.DateOffset(years=1)),
        None,
    )
    if (
        previous is not None
        and year_ago is not None
        and (previous["period_start"] == year_ago["period_start"])
    ):
        previous = None  # an annual series: name the one earlier period once
    skipped_to = (
        previous is not None
        and not same_kind.empty
        and previous["period_start"] != same_kind["period_start"].max()
    )
    for role, row in (("previous", previous), ("a year earlier", year_ago)):
        if row is None:
            continue
        text = (
            f"{fmt.format(row['value'])} {with_preposition(row['period_start'], row['period_end'])}"
        )
        if role == "a year earlier":
            when = period_label(row["period_start"], row["period_end"])
            text = f"{fmt.format(row['value'])} a year earlier ({when})"
        elif skipped_to:
            text += ", the latest earlier figure outside those years"
        crossed = _changes(measure, row, latest)
        if crossed:
            text += " (not like-for-like: " + "; ".join(_clause(b.note) for b in crossed) + ")"
            draft.flagged.extend(crossed)
        draft.comparisons.append(text)
        draft.facts.append(_fact(role, row, measure))
    return previous, year_ago


def _record(measure: str, held: pd.DataFrame, latest) -> tuple[str | None, str]:
    """Highest or lowest among the periods comparable with the latest (at least three)."""
    rows = held[held["kind"] == latest["kind"]]
    keep = [
        row
        for _, row in rows.iterrows()
        if _excluded(measure, row) is None
        and (row["period_start"] == latest["period_start"] or not _changes(measure, row, latest))
    ]
    first = period_label(keep[0]["period_start"], keep[0]["period_end"]) if keep else ""
    if len(keep) < 3:
        return None, first
    values = pd.Series([float(r["value"]) for r in keep])
    if values.iloc[-1] >= values.max():
        which = "highest"
    elif values.iloc[-1] <= values.min():
        which = "lowest"
    else:
        return None, first
    comparable_all = len(keep) == len(rows)
    contiguous = all(
        b["period_start"] == a["period_end"] + pd.Timedelta(days=1)
        for a, b in zip(keep, keep[1:], strict=False)
    )
    if comparable_all and contiguous:
        return f"{which} on record (series from {first})", first
    return f"{which} of the {len(keep)} comparable figures held since {first}", first


def _shares(load: Loader, dataset: str, spec: Composition, area: str, row) -> dict[str, float]:
    frame = load(dataset)
    counts = {}
    for measure in (spec.total, *spec.components):
        rows = _rows(frame, measure, area)
        at = rows.loc[rows["period_start"] == row["period_start"], "value"]
        counts[measure] = float(at.iloc[0]) if not at.empty and pd.notna(at.iloc[0]) else None
    return counts


def _composition_shift(
    load: Loader, spec: Composition, latest, earlier_rows: list
) -> tuple[str, object, dict, dict] | None:
    """The component whose share of the total moved most, when it moved by more than
    COMPOSITION_SHIFT_PTS between the latest period and one it is compared with."""
    now = _shares(load, latest["dataset"], spec, latest["area_code"], latest)
    if not now.get(spec.total):
        return None
    worst = None
    for row in earlier_rows:
        then = _shares(load, row["dataset"], spec, row["area_code"], row)
        if not then.get(spec.total):
            continue
        for component in spec.components:
            if now.get(component) is None or then.get(component) is None:
                continue
            move = abs(now[component] / now[spec.total] - then[component] / then[spec.total])
            if move * 100 > COMPOSITION_SHIFT_PTS and (worst is None or move > worst[0]):
                worst = (move, component, row, now, then)
    return None if worst is None else worst[1:]


def _comparator(headline: Headline, load: Loader, measure: str, latest, draft: _Draft):
    if not headline.comparator:
        return None
    rows = _rows(load(latest["dataset"]), measure)
    same = rows[rows["period_start"] == latest["period_start"]]
    if headline.comparator == MEDIAN_ENGLISH_SEATS:
        seats = same[same["area_code"].str.startswith("E14")]["value"].dropna()
        if seats.empty:
            return None
        value = float(seats.median())
        draft.facts.append(
            Fact(
                f"comparator (median of {len(seats)} English constituencies)",
                str(latest["dataset"]),
                measure,
                MEDIAN_ENGLISH_SEATS,
                latest["period_start"],
                latest["period_end"],
                value,
            )
        )
        return value
    found = same[(same["area_code"] == headline.comparator) & same["value"].notna()]
    if found.empty:
        return None
    draft.facts.append(
        _fact("comparator", found.iloc[0].to_dict() | {"dataset": latest["dataset"]}, measure)
    )
    return float(found.iloc[0]["value"])


def _rate_note(headline: Headline, load: Loader, latest, draft: _Draft) -> None:
    """A rate beside the count, labelled with whose it is and what it divides by."""
    spec = headline.rate
    frame = load(latest["dataset"])
    rate = _rows(frame, spec.measure, latest["area_code"])
    rate = rate[(rate["period_start"] == latest["period_start"]) & rate["value"].notna()]
    if rate.empty:
        return
    info = comparability.measure(spec.measure)
    row = rate.iloc[0].to_dict() | {"dataset": latest["dataset"]}
    draft.facts.append(_fact("rate", row, spec.measure))
    text = f"{float(row['value']):,.0f} {spec.words}"
    denominator = _rows(frame, spec.denominator, latest["area_code"]).dropna(subset=["value"])
    # The denominator the rate used: the one that gives it back from the count.
    implied = float(latest["value"]) * spec.per / float(row["value"])
    used = denominator[(denominator["value"] - implied).abs() <= 0.5]
    kind = source_kind(str(latest["dataset"]))
    whose = "A third party's rate" if kind == "third party" else f"The {kind} rate"
    sentence = f'{whose} gives {text}, defined as "{info.definition.rstrip(".")}"'
    if not used.empty:
        base = used.iloc[0].to_dict() | {"dataset": latest["dataset"]}
        draft.facts.append(_fact("rate denominator", base, spec.denominator))
        sentence += (
            f": here {spec.per:,} x {float(latest['value']):,.0f} / "
            f"{float(base['value']):,.0f}, the population in "
            f"{period_label(base['period_start'], base['period_end'])}"
        )
    draft.note(sentence + ".")


def figure(headline: Headline, load: Loader | pd.DataFrame, area_code: str) -> Figure | None:
    """The headline for one area, or None if no dataset holds a value for it.

    ``load(dataset_id)`` returns a dataset's observations (or None); a single frame is accepted
    for a headline with one dataset.
    """
    if isinstance(load, pd.DataFrame):
        frame = load
        load = lambda _dataset: frame  # noqa: E731 - a one-dataset loader
    held = _held(load, headline.datasets, headline.measure, area_code)
    if held.empty:
        return None
    latest = held.iloc[-1]
    draft = _Draft()
    previous, year_ago = _compare(headline.measure, headline.value_format, held, latest, draft)
    spec = headline.composition
    if spec is not None:
        shift = _composition_shift(
            load, spec, latest, [r for r in (year_ago, previous) if r is not None]
        )
        if shift is not None:
            return _like_for_like(headline, load, area_code, latest, draft, shift)
    return _finish(headline, load, held, latest, previous, year_ago, draft)


def _like_for_like(headline, load, area_code, total_latest, total_draft, shift) -> Figure | None:
    """Lead with the stable component, and say what changed in the total and why."""
    spec = headline.composition
    component, then_row, now, then = shift
    stable = replace(headline, measure=spec.stable, what=spec.stable_what, composition=None)
    led = figure(stable, load, area_code)
    if led is None:
        return None
    fmt = headline.value_format
    label = comparability.measure(component).label
    when_now = period_label(total_latest["period_start"], total_latest["period_end"])
    when_then = period_label(then_row["period_start"], then_row["period_end"])
    move = (
        f"{spec.total_words} was {fmt.format(total_latest['value'])} in {when_now} against "
        f"{fmt.format(then_row['value'])} in {when_then}, but that is not like-for-like: "
        f"{_clause(label)} were {now[component] / now[spec.total]:.0%} of its attendances in "
        f"{when_now} ({now[component]:,.0f}) against {then[component] / then[spec.total]:.0%} "
        f"in {when_then} ({then[component]:,.0f})."
    )
    # The recorded break, when there is one, says what changed in the return.
    recorded = [
        b.note
        for b in _changes(headline.measure, then_row, total_latest)
        if b.kind == "composition"
    ]
    move = " ".join([move, *recorded])
    facts = [
        _fact("total (not like-for-like)", total_latest, headline.measure),
        _fact("total (not like-for-like)", then_row, headline.measure),
    ]
    for row, counts in ((total_latest, now), (then_row, then)):
        for measure in (component, spec.total):
            facts.append(
                Fact(
                    "composition",
                    str(row["dataset"]),
                    measure,
                    area_code,
                    row["period_start"],
                    row["period_end"],
                    counts[measure],
                )
            )
    notes = (move, *led.notes)
    return replace(
        led,
        headline=headline,
        notes=notes,
        facts=(*led.facts, *facts),
        sentence=_join(led.lead, notes),
        flagged=(
            *led.flagged,
            comparability.Break("composition", f"{total_latest['period_start']:%Y-%m-%d}", move),
        ),
    )


def _join(lead: str, notes) -> str:
    return " ".join([lead, *notes])


def _finish(headline, load, held, latest, previous, year_ago, draft) -> Figure:
    fmt = headline.value_format
    draft.facts.insert(0, _fact("latest", latest, headline.measure))
    comparator = _comparator(headline, load, headline.measure, latest, draft)
    if headline.rate is not None:
        _rate_note(headline, load, latest, draft)
    record, first = _record(headline.measure, held, latest)
    start, end = latest["period_start"], latest["period_end"]
    when = with_preposition(start, end)
    if _provisional(headline.measure, latest):
        when += " (provisional)"
    value_text = fmt.format(latest["value"])
    lead = f"{when[0].upper()}{when[1:]}, " + headline.what.format(
        value=value_text, phrase=headline.phrase
    )
    if comparator is not None:
        lead += f", against {fmt.format(comparator)} {headline.comparator_label}"
    lead += "." + KIND_WORDS[latest["kind"]]
    return Figure(
        headline=headline,
        dataset=str(latest["dataset"]),
        measure=headline.measure,
        area_code=str(latest["area_code"]),
        area_name=str(latest["area_name"]),
        value=float(latest["value"]),
        period_start=start,
        period_end=end,
        previous=None if previous is None else float(previous["value"]),
        previous_period=None
        if previous is None
        else with_preposition(previous["period_start"], previous["period_end"]),
        year_ago=None if year_ago is None else float(year_ago["value"]),
        comparator=comparator,
        record=record,
        first_period=first,
        sentence=_join(lead, draft.notes),
        lead=lead,
        comparisons=tuple(draft.comparisons),
        notes=tuple(draft.notes),
        facts=tuple(draft.facts),
        flagged=tuple(draft.flagged),
        value_format=fmt,
        definition=comparability.measure(headline.measure).definition,
    )


def earlier_values_text(figure: Figure) -> str:
    """The figure's like-for-like earlier values in words: what the Overview's "What's new"
    and the briefing pack both print beside the latest value."""
    return "; ".join(figure.comparisons)


def line(figure: Figure) -> str:
    """The figure as one paragraph: sentence, like-for-like comparisons, any record. What's new
    and the topic pages print this; the briefing lays the same parts out as bullets."""
    parts = [figure.sentence]
    if figure.comparisons:
        # Prose, not a label: this paragraph is what a press officer would quote.
        parts.append(f"That compares with {' and '.join(figure.comparisons)}.")
    if figure.record:
        parts.append(f"{figure.record[0].upper()}{figure.record[1:]}.")
    return " ".join(parts)


def topic_figures(topic: str, load: Loader, seat_codes: dict[str, str]) -> list[Figure]:
    """The figures of one topic's headlines for a seat (those with a value)."""
    found = (
        figure(headline, load, resolve_area(headline, seat_codes))
        for headline in HEADLINES
        if headline.topic == topic
    )
    return [f for f in found if f is not None]


def topic_lines(topic: str, load: Loader, seat_codes: dict[str, str]) -> tuple[str, ...]:
    """A topic's headlines as the lines its page prints under the tiles (``line`` of each)."""
    return tuple(line(found) for found in topic_figures(topic, load, seat_codes))


def not_like_for_like(figures: list[Figure]) -> set[str]:
    """Measures whose change on the compared periods is not like-for-like because the mix of
    their components shifted (the engine led with the stable component instead)."""
    shifted = set()
    for found in figures:
        spec = found.headline.composition
        if spec is not None and found.measure != found.headline.measure:
            shifted |= {found.headline.measure, spec.total}
    return shifted
