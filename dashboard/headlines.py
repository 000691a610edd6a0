"""The headline figure of each issue, computed one way for the Overview, briefings and tests.

Each headline names a dataset, a measure and an area (possibly the selected seat), and what to
compare it with. ``figure()`` is a pure function of the observations: the latest value, the
previous period, the same period a year earlier, the comparator, whether it is a record, and a
sentence a caseworker can paste into a letter.
"""

from dataclasses import dataclass

import pandas as pd

MEDIAN_ENGLISH_SEATS = "median of English constituencies"


@dataclass(frozen=True)
class Headline:
    key: str
    topic: str  # the page's url_path
    dataset: str
    measure: str
    area: str  # a code, or "{pcon2010}" / "{pcon2024}" for the selected seat in that set
    what: str  # the sentence after "In <period>, ", with {value} where the figure goes
    value_format: str  # e.g. "{:.0f}%"
    comparator: str | None = None  # an area code in the same dataset, or MEDIAN_ENGLISH_SEATS
    comparator_label: str = ""
    higher_is_better: bool | None = None
    note: str = ""


HEADLINES: tuple[Headline, ...] = (
    Headline(
        "ae_4h",
        "ae",
        "nhse_ae_monthly",
        "pct_within_4h_all",
        "RX1",
        "{value} of patients at Nottingham University Hospitals' A&E departments (QMC) were "
        "seen within four hours",
        "{:.0f}%",
        "E92000001",
        "across England",
        True,
        "Trust-level figure: QMC and City Hospital together.",
    ),
    Headline(
        "ae_12h",
        "ae",
        "nhse_ae_monthly",
        "waits_over_12h_dta",
        "RX1",
        "{value} patients at Nottingham University Hospitals waited 12 hours or more in A&E "
        "from a decision to admit them",
        "{:,.0f}",
        None,
        "",
        False,
    ),
    Headline(
        "prison_crowding",
        "prison",
        "moj_population_bulletin_nottingham_2018_2026",
        "pct_of_cna",
        "NMI",
        "HMP Nottingham held {value} of the prisoners its certified normal accommodation is "
        "for (over 100% means crowded)",
        "{:.0f}%",
        None,
        "",
        False,
    ),
    Headline(
        "prison_assaults",
        "prison",
        "moj_safety_by_prison_2025_26",
        "assault_rate",
        "NMI",
        "{value} assault incidents per 1,000 prisoners were recorded at HMP Nottingham",
        "{:.0f}",
        None,
        "",
        False,
        "Compiled by a third party from Ministry of Justice tables, pending the official file.",
    ),
    Headline(
        "uc_city",
        "universal-credit",
        "dwp_uc_households_lad",
        "households_on_uc",
        "E06000018",
        "{value} households in Nottingham were on Universal Credit",
        "{:,.0f}",
        None,
        "",
        None,
    ),
    Headline(
        "uc_seat",
        "universal-credit",
        "dwp_uc_households_pcon2024",
        "households_on_uc",
        "{pcon2024}",
        "{value} households in the constituency (July 2024 boundaries) were on Universal Credit",
        "{:,.0f}",
        MEDIAN_ENGLISH_SEATS,
        "in the median English constituency",
        None,
    ),
    Headline(
        "homeless_ta",
        "homelessness",
        "mhclg_hclic_detailed_la",
        "households_in_temporary_accommodation_per_1000",
        "E06000018",
        "{value} households in every 1,000 in Nottingham were in temporary accommodation",
        "{:.1f}",
        "E92000001",
        "across England",
        False,
        "City-wide (Nottingham City Council) figure; there are no constituency figures.",
    ),
    Headline(
        "schools_ks4",
        "schools",
        "hocl_constituency_attainment",
        "ks4_pct_eng_maths_9_4",
        "{pcon2010}",
        "{value} of pupils at the constituency's state schools got grade 4 or above in GCSE "
        "English and maths",
        "{:.0f}%",
        MEDIAN_ENGLISH_SEATS,
        "in the median English constituency",
        True,
        "House of Commons Library figures, on 2010-2024 constituency boundaries.",
    ),
)
BY_KEY = {headline.key: headline for headline in HEADLINES}


@dataclass(frozen=True)
class Figure:
    headline: Headline
    area_code: str
    area_name: str
    value: float
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    previous: float | None
    previous_period: str | None  # with its preposition: "in January 2026", "on 30 June 2025"
    year_ago: float | None
    comparator: float | None
    record: str | None  # "highest on record" / "lowest on record" since the first period
    first_period: str
    sentence: str


def resolve_area(headline: Headline, seat_codes: dict[str, str]) -> str:
    return headline.area.format(**seat_codes)


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
        return f"{start:%B}-{end:%B %Y}"
    if days >= 365:
        if start.month == 9:
            return f"the {start.year}/{str(end.year)[2:]} school year"
        if start.month == 4:
            return f"the {start.year}-{str(end.year)[2:]} financial year"
        if start.month == 1 and days <= 366:
            return str(start.year)
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def with_preposition(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return ("on " if start == end else "in ") + period_label(start, end)


def _value_at(series: pd.DataFrame, when: pd.Timestamp) -> float | None:
    match = series.loc[series["period_start"] == when, "value"]
    return None if match.empty or pd.isna(match.iloc[0]) else float(match.iloc[0])


def figure(headline: Headline, observations: pd.DataFrame, area_code: str) -> Figure | None:
    """The headline for one area from one dataset's observations, or None if it has no value."""
    # Mask on the measure column alone (cheap on categoricals: it compares codes), then copy
    # only the columns used: boolean selection copies every column, and datasets carry many.
    columns = ["measure", "area_code", "area_name", "period_start", "period_end", "value"]
    rows = observations.loc[observations["measure"] == headline.measure, columns]
    series = rows[rows["area_code"] == area_code].sort_values("period_start")
    present = series[series["value"].notna()]
    if present.empty:
        return None
    latest = present.iloc[-1]
    start, end = latest["period_start"], latest["period_end"]
    earlier = present[present["period_start"] < start]
    previous = earlier.iloc[-1] if not earlier.empty else None
    year_ago = _value_at(series, start - pd.DateOffset(years=1))
    comparator = None
    same_period = rows[rows["period_start"] == start]
    if headline.comparator == MEDIAN_ENGLISH_SEATS:
        seats = same_period[same_period["area_code"].str.startswith("E14")]
        comparator = float(seats["value"].median()) if seats["value"].notna().any() else None
    elif headline.comparator:
        comparator = _value_at(
            same_period.assign(period_start=start).loc[
                same_period["area_code"] == headline.comparator
            ],
            start,
        )
    record = None
    if len(present) >= 3:
        if latest["value"] >= present["value"].max():
            record = "highest on record"
        elif latest["value"] <= present["value"].min():
            record = "lowest on record"
    value_text = headline.value_format.format(latest["value"])
    when = with_preposition(start, end)
    sentence = f"{when[0].upper()}{when[1:]}, " + headline.what.format(value=value_text)
    if comparator is not None:
        sentence += (
            f", against {headline.value_format.format(comparator)} {headline.comparator_label}"
        )
    sentence += "."
    return Figure(
        headline=headline,
        area_code=area_code,
        area_name=str(latest["area_name"]),
        value=float(latest["value"]),
        period_start=start,
        period_end=end,
        previous=None if previous is None else float(previous["value"]),
        previous_period=None
        if previous is None
        else with_preposition(previous["period_start"], previous["period_end"]),
        year_ago=year_ago,
        comparator=comparator,
        record=record,
        first_period=period_label(present.iloc[0]["period_start"], present.iloc[0]["period_end"]),
        sentence=sentence,
    )


def earlier_values_text(figure: Figure) -> str:
    """The figure's previous period and the same period a year earlier, in words: what the
    Overview's "What's new" and the briefing pack both print beside the latest value."""
    fmt = figure.headline.value_format
    parts = []
    if figure.previous is not None:
        parts.append(f"{fmt.format(figure.previous)} {figure.previous_period}")
    if figure.year_ago is not None:
        parts.append(f"{fmt.format(figure.year_ago)} a year earlier")
    return "; ".join(parts)
