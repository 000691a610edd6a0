"""Homelessness page data: tidy series, headline figures, shares, ranks and summary sentences.

Pure functions of the snapshot's observation frames (no streamlit), so they can be unit-tested.
"""

import pandas as pd

from dashboard import headlines
from dashboard.core import catalogue, observations

HCLIC = "mhclg_hclic_detailed_la"
ROUGH = "mhclg_rough_sleeping_snapshot"
NOTTINGHAM = "E06000018"
ENGLAND = observations.ENGLAND
HRA_START = pd.Timestamp("2018-04-01")  # Homelessness Reduction Act 2017 in force

# The English members of Core Cities UK, the group of large regional cities outside London that
# Nottingham belongs to: similar urban councils. Matched on `current_area_code`, so
# Sheffield's April 2025 code change (E08000019 -> E08000039) does not break its series.
CORE_CITIES = {
    "E08000025": "Birmingham",
    "E06000023": "Bristol",
    "E08000035": "Leeds",
    "E08000012": "Liverpool",
    "E08000003": "Manchester",
    "E08000021": "Newcastle upon Tyne",
    "E08000039": "Sheffield",
}
CORE_CITIES_REASON = (
    "Comparators: the other English core cities (Birmingham, Bristol, Leeds, Liverpool, "
    "Manchester, Newcastle upon Tyne, Sheffield): with Nottingham, the English members of Core "
    "Cities UK, large regional cities outside London with similar urban housing pressures."
)
# The 35 East Midlands authorities with housing duties since the April 2021 Northamptonshire
# reorganisation (ONS region E12000004).
EAST_MIDLANDS = [
    "E06000015",
    "E06000016",
    "E06000017",
    "E06000018",
    "E06000061",
    "E06000062",
    "E07000032",
    "E07000033",
    "E07000034",
    "E07000035",
    "E07000036",
    "E07000037",
    "E07000038",
    "E07000039",
    "E07000129",
    "E07000130",
    "E07000131",
    "E07000132",
    "E07000133",
    "E07000134",
    "E07000135",
    "E07000136",
    "E07000137",
    "E07000138",
    "E07000139",
    "E07000140",
    "E07000141",
    "E07000142",
    "E07000170",
    "E07000171",
    "E07000172",
    "E07000173",
    "E07000174",
    "E07000175",
    "E07000176",
]

# measure -> (label, printed rate measure or None, stock measured on the quarter's last day);
# labels, units and definitions live in the measure records (publications.toml).
TREND_MEASURES = {
    measure: (catalogue.measure(measure).label, rate, stock)
    for measure, rate, stock in (
        ("households_owed_duty", "households_owed_duty_per_1000", False),
        ("households_prevention_duty", "households_prevention_duty_per_1000", False),
        ("households_relief_duty", "households_relief_duty_per_1000", False),
        (
            "households_in_temporary_accommodation",
            "households_in_temporary_accommodation_per_1000",
            True,
        ),
        ("households_in_ta_with_children", None, True),
        ("households_in_bed_and_breakfast", None, True),
    )
}
TA_TYPES = {  # the kinds of temporary accommodation, by their records' short labels
    m: catalogue.measure(m).short_label
    for m in (
        "households_in_bed_and_breakfast",
        "households_in_ta_nightly_paid",
        "households_in_ta_hostel",
        "households_in_ta_private_sector_leased",
        "households_in_ta_social_housing",
        "households_in_ta_other",
    )
}
REASON_PREFIX = "reason_"
HOUSEHOLD_TYPE_PREFIX = "household_type_"
REASON_LABELS = {
    m: catalogue.measure(m).label
    for m in (
        "reason_end_of_private_rented_tenancy_ast",
        "reason_end_of_private_rented_tenancy_non_ast",
        "reason_family_or_friends_no_longer_willing_or_able",
        "reason_relationship_breakdown_non_violent",
        "reason_domestic_abuse",
        "reason_other_violence_or_harassment",
        "reason_end_of_social_rented_tenancy",
        "reason_eviction_from_supported_housing",
        "reason_left_institution",
        "reason_left_asylum_support_accommodation",
        "reason_home_no_longer_suitable_disability_or_ill_health",
        "reason_loss_of_resettlement_scheme_placement",
        "reason_other_or_not_known",
    )
}
HOUSEHOLD_TYPE_LABELS = {
    m: catalogue.measure(m).label
    for m in (
        "household_type_single_adult",
        "household_type_single_parent_with_children",
        "household_type_couple_with_children",
        "household_type_couple_without_children",
        "household_type_three_or_more_adults_with_children",
        "household_type_three_or_more_adults_without_children",
        "household_type_not_known",
    )
}
DERIVED = "derived"


def area_label(code: str, name: str | None = None) -> str:
    if code == ENGLAND:
        return "England"
    if code == NOTTINGHAM:
        return "Nottingham"
    return CORE_CITIES.get(code) or (name or code)


def quarter_label(period_end: pd.Timestamp, stock: bool) -> str:
    """'31 Dec 2025' for a stock on the quarter's last day, 'Oct-Dec 2025' for a quarter's flow."""
    if stock:
        return period_end.strftime("%-d %b %Y")
    start = period_end - pd.offsets.QuarterBegin(startingMonth=1)
    return f"{start.strftime('%b')}-{period_end.strftime('%b %Y')}"


def quarter_words(period_end: pd.Timestamp, stock: bool) -> str:
    """The quarter as H-CLIC's tables say it in a sentence: '31 December 2025' for a stock,
    'October to December 2025' for a quarter's flow."""
    start = period_end if stock else period_end - pd.offsets.QuarterBegin(startingMonth=1)
    return headlines.period_label(start, period_end)


def quarter_ends(observations: pd.DataFrame) -> pd.DatetimeIndex:
    """Every quarter end from the first to the last in the data, so absent quarters show as gaps."""
    ends = observations["period_end"]
    return pd.date_range(ends.min(), ends.max(), freq="QE")


def is_derived(status) -> bool:
    return isinstance(status, str) and status.startswith(DERIVED)


CALCULATED = "calculated"  # a rate this build computed because the file printed none


def derived_quarters(observations: pd.DataFrame, code: str = NOTTINGHAM) -> list[pd.Timestamp]:
    """The quarters whose figures for ``code`` come from the derived CSV, not a workbook."""
    rows = observations[
        (observations["area_code"] == code) & observations["status"].map(is_derived)
    ]
    return sorted(pd.Timestamp(d) for d in rows["period_end"].unique())


def first_printed_rate(observations: pd.DataFrame, measures, code: str = NOTTINGHAM):
    """The first quarter end from which the files print these rates themselves (a value not
    calculated by the build), or None."""
    rows = observations[
        (observations["area_code"] == code)
        & observations["measure"].isin(measures)
        & observations["value"].notna()
    ]
    printed = rows[~rows["status"].fillna("").str.startswith(CALCULATED)]
    return pd.Timestamp(printed["period_end"].min()) if not printed.empty else None


def trend_note(observations: pd.DataFrame) -> str:
    """The trend chart's note on printed and calculated rates and derived quarters."""
    duties = ("households_prevention_duty_per_1000", "households_relief_duty_per_1000")
    first = first_printed_rate(observations, duties)
    printed = (
        f"and for duties from {quarter_words(first, False)}; earlier duty rates"
        if first is not None
        else "and never for duties; duty rates"
    )
    derived = derived_quarters(observations)
    text = (
        "Rates per 1,000 households are printed for temporary accommodation throughout "
        f"{printed}, and all rates for TA with children and B&B, are count / households in "
        "area from the same file."
    )
    if derived:
        text += (
            f" {len(derived)} quarter{'s have' if len(derived) != 1 else ' has'} no workbook in "
            "the mirror: their counts come from a derived CSV (marked with a ring in the count "
            "view) and they have no rate."
        )
    return text


def ta_types_note(types: pd.DataFrame, derived_ends: list[pd.Timestamp]) -> str:
    """Which quarters the breakdown by type lacks, and why, from ``ta_types_frame`` rows;
    ``derived_ends`` are the quarters filled from the derived CSV (``derived_quarters``)."""
    empty = types.groupby("period_end").filter(lambda rows: rows["value"].isna().all())
    derived, other = 0, []
    for day, rows in empty.groupby("period_end"):
        reasons = sorted(set(rows["status"].dropna()))
        if pd.Timestamp(day) in derived_ends:
            derived += 1
        else:
            other.append(f"{quarter_words(pd.Timestamp(day), True)} ({'; '.join(reasons)})")
    parts = [f"the {derived} quarters filled from the derived CSV"] if derived else []
    parts += other
    text = "The breakdown by type comes from the official workbooks only"
    if parts:
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
        text += f": {listed}, {'have' if derived or len(parts) > 1 else 'has'} none"
    return text + ". Households placed in another district are counted within these types."


def _rows(observations: pd.DataFrame, measure: str, code: str) -> pd.DataFrame:
    rows = observations[(observations["measure"] == measure) & (observations["area_code"] == code)]
    return rows.drop_duplicates("period_end", keep="last").set_index("period_end")


def count_series(observations: pd.DataFrame, measure: str, code: str) -> pd.DataFrame:
    """Counts for one area on every quarter end (absent quarters are rows with a null value)."""
    rows = _rows(observations, measure, code)
    out = rows.reindex(quarter_ends(observations))[["value", "status", "source_file", "release"]]
    out["status"] = (
        out["status"]
        .astype(object)
        .where(
            rows.reindex(out.index)["dataset"].notna(), "no figure in the snapshot for this quarter"
        )
    )
    return out.rename_axis("period_end").reset_index()


def rate_series(observations: pd.DataFrame, measure: str, code: str) -> pd.DataFrame:
    """Rate per 1,000 households: the printed rate, else count / households in area (000s).

    Quarters filled from the derived CSV carry counts only: their rate is null, with the reason.
    """
    counts = count_series(observations, measure, code).set_index("period_end")
    rate_measure = TREND_MEASURES.get(measure, (None, None, None))[1]
    if rate_measure:
        rates = count_series(observations, rate_measure, code).set_index("period_end")
    else:
        households = _rows(observations, "households_in_area", code)["value"]
        rates = counts.copy()
        rates["value"] = counts["value"] / households.reindex(counts.index) * 1000
        calculated = "calculated: count / households in area (000s) in the same file"
        rates["status"] = counts["status"].where(counts["status"].notna(), calculated)
        rates.loc[rates["value"].isna() & counts["value"].notna(), "status"] = (
            "no households-in-area figure for this quarter"
        )
    out = rates[["value", "status", "source_file", "release"]].copy()
    absent = out["status"] == "no figure in the snapshot for this quarter"
    out.loc[absent, "status"] = counts["status"].where(counts["status"].notna(), out["status"])
    no_rate = out["value"].isna() & counts["value"].notna()
    out.loc[no_rate & counts["status"].map(is_derived), "status"] = (
        "count only: quarter filled from a derived CSV, not an official workbook; no rate"
    )
    out["count"], out["count_status"] = counts["value"], counts["status"]
    return out.rename_axis("period_end").reset_index()


def trend_frame(observations: pd.DataFrame, measure: str, mode: str) -> pd.DataFrame:
    """Tidy trend for chart and table: Nottingham and England rates, or Nottingham counts."""
    label, _, stock = TREND_MEASURES[measure]
    frames = []
    codes = [NOTTINGHAM, ENGLAND] if mode == "rate" else [NOTTINGHAM]
    for code in codes:
        series = (
            rate_series(observations, measure, code)
            if mode == "rate"
            else count_series(observations, measure, code)
        )
        series.insert(0, "area_code", code)
        series.insert(1, "area", area_label(code))
        frames.append(series)
    out = pd.concat(frames, ignore_index=True)
    out["quarter"] = out["period_end"].map(lambda d: quarter_label(d, stock))
    out["measure"] = measure
    out["unit"] = "rate_per_1000" if mode == "rate" else "count"
    return out


def trend_table(frame: pd.DataFrame, mode: str) -> pd.DataFrame:
    """Quarters down, areas across, with a note for every gap or derived figure."""
    wide = frame.pivot_table(index="period_end", columns="area", values="value", dropna=False)
    wide = wide[[a for a in ("Nottingham", "England") if a in wide.columns]]
    wide = wide.round(2 if mode == "rate" else 0)
    notts = frame[frame["area_code"] == NOTTINGHAM].set_index("period_end")
    wide.insert(0, "Quarter", notts["quarter"].reindex(wide.index))
    wide["Note (Nottingham)"] = notts["status"].reindex(wide.index).map(short_note)
    return wide.reset_index(drop=True)


def short_note(status) -> str:
    """A few words for a table cell from the long `status` text (the export keeps it whole)."""
    if not isinstance(status, str) or not status:
        return ""
    if status.startswith("count only"):
        return "derived CSV: count only, no rate"
    if "missing or incomplete" in status:
        return "missing or incomplete return"
    if status.startswith(DERIVED):
        return "from a derived CSV, not an official workbook"
    if status.startswith("suppressed"):
        return "suppressed (fewer than 5)"
    if status.startswith("calculated"):
        return "rate calculated, not printed"
    if status.startswith("no "):
        return status
    return status[:40]


def _fmt(value: float, mode: str) -> str:
    return f"{value:.2f} per 1,000 households" if mode == "rate" else f"{value:,.0f} households"


def trend_summary(frame: pd.DataFrame, measure: str, mode: str) -> str:
    label = TREND_MEASURES[measure][0]
    notts = frame[(frame["area_code"] == NOTTINGHAM) & frame["value"].notna()]
    if notts.empty:
        return f"No figures for {label.lower()} in Nottingham."
    first, last = notts.iloc[0], notts.iloc[-1]
    when = "on" if TREND_MEASURES[measure][2] else "in"
    stock = TREND_MEASURES[measure][2]
    text = (
        f"{label} in Nottingham: **{_fmt(last['value'], mode)}** {when} "
        f"{quarter_words(last['period_end'], stock)}, against {_fmt(first['value'], mode)} "
        f"{when} {quarter_words(first['period_end'], stock)}, the first quarter under the "
        "Homelessness Reduction Act"
    )
    if mode == "rate":
        eng = frame[(frame["area_code"] == ENGLAND)].set_index("period_end")["value"]
        e_last, e_first = eng.get(last["period_end"]), eng.get(first["period_end"])
        if pd.notna(e_last) and pd.notna(e_first):
            text += f" (England: {e_last:.2f}, from {e_first:.2f})"
    gaps = int(frame[frame["area_code"] == NOTTINGHAM]["value"].isna().sum())
    text += "."
    if gaps:
        text += (
            f" {gaps} quarter{'s' if gaps > 1 else ''} without a figure "
            f"{'are' if gaps > 1 else 'is'} left as {'gaps' if gaps > 1 else 'a gap'}."
        )
    return text


def headline(observations: pd.DataFrame, measure: str) -> dict | None:
    """Latest Nottingham count, its rate and England's, and the count a year earlier."""
    label, _, stock = TREND_MEASURES[measure]
    notts = rate_series(observations, measure, NOTTINGHAM)
    present = notts[notts["count"].notna()]
    if present.empty:
        return None
    latest = present.iloc[-1]
    england = rate_series(observations, measure, ENGLAND).set_index("period_end")
    year_before = latest["period_end"] - pd.offsets.QuarterEnd(4)
    before = notts.set_index("period_end").reindex([year_before]).iloc[0]
    return {
        "measure": measure,
        "label": label,
        "period_end": latest["period_end"],
        "quarter": quarter_label(latest["period_end"], stock),
        "quarter_words": quarter_words(latest["period_end"], stock),
        "count": latest["count"],
        "rate": latest["value"],
        "england_rate": england["value"].get(latest["period_end"]),
        "year_before_quarter": quarter_label(year_before, stock),
        "year_before_count": before["count"],
        "year_before_derived": is_derived(before["count_status"]),
        "derived": is_derived(latest["count_status"]),
    }


def latest_quarters(observations: pd.DataFrame, prefix: str, n: int = 4) -> list[pd.Timestamp]:
    """The last ``n`` quarter ends (present or not), ending at the latest with ``prefix`` data."""
    rows = observations[
        observations["measure"].str.startswith(prefix) & observations["value"].notna()
    ]
    last = rows["period_end"].max()
    return list(pd.date_range(end=last, periods=n, freq="QE"))


def shares_table(
    observations: pd.DataFrame, prefix: str, labels: dict[str, str], quarters: list
) -> pd.DataFrame:
    """Nottingham and England households by category over ``quarters``, and each one's share."""
    rows = observations[
        observations["measure"].str.startswith(prefix)
        & observations["period_end"].isin(quarters)
        & observations["area_code"].isin([NOTTINGHAM, ENGLAND])
    ]
    sums = rows.pivot_table(
        index="measure", columns="area_code", values="value", aggfunc="sum", min_count=1
    ).reindex(columns=[NOTTINGHAM, ENGLAND])
    out = pd.DataFrame(
        {
            "measure": sums.index,
            "Category": [labels.get(m, m) for m in sums.index],
            "Nottingham households": sums[NOTTINGHAM].to_numpy(),
            "England households": sums[ENGLAND].to_numpy(),
        }
    )
    for area in ("Nottingham", "England"):
        column = out[f"{area} households"]
        out["Nottingham share (%)" if area == "Nottingham" else "England share (%)"] = (
            100 * column / column.sum()
        ).round(1)
    out = out[out["Nottingham households"].fillna(0) + out["England households"].fillna(0) > 0]
    return out.sort_values("Nottingham share (%)", ascending=False, ignore_index=True)


def quarters_covered(observations: pd.DataFrame, prefix: str, quarters: list) -> list:
    rows = observations[
        observations["measure"].str.startswith(prefix)
        & observations["period_end"].isin(quarters)
        & (observations["area_code"] == NOTTINGHAM)
        & observations["value"].notna()
    ]
    return sorted(rows["period_end"].unique())


def span_label(quarters: list) -> str:
    first, last = min(quarters), max(quarters)
    start = first - pd.offsets.QuarterBegin(startingMonth=1)
    return f"{start.strftime('%B %Y')} to {last.strftime('%B %Y')}"


def shares_summary(table: pd.DataFrame, what: str, span: str) -> str:
    if table.empty:
        return f"No {what} for Nottingham in {span}."
    top = table.iloc[0]
    gap = top["Nottingham share (%)"] - top["England share (%)"]
    direction = "above" if gap > 0 else "below"
    return (
        f"From {span}, the most common {what} among Nottingham households owed a duty was "
        f"**{top['Category'].lower()}**: {top['Nottingham share (%)']:.0f}% "
        f"({top['Nottingham households']:,.0f} households), {abs(gap):.0f} percentage points "
        f"{direction} England's {top['England share (%)']:.0f}%."
    )


def ta_types_frame(observations: pd.DataFrame, code: str = NOTTINGHAM) -> pd.DataFrame:
    """Households in temporary accommodation by type on each quarter end (official files only)."""
    frames = []
    for measure, label in TA_TYPES.items():
        series = count_series(observations, measure, code)
        series["measure"], series["type"] = measure, label
        frames.append(series)
    out = pd.concat(frames, ignore_index=True)
    out["quarter"] = out["period_end"].map(lambda d: quarter_label(d, True))
    out["area_code"], out["unit"] = code, "count"
    return out


def ta_types_table(frame: pd.DataFrame) -> pd.DataFrame:
    wide = frame.pivot_table(index="period_end", columns="type", values="value", dropna=False)
    wide = wide[[t for t in TA_TYPES.values() if t in wide.columns]].round(0).astype("Int64")
    wide.insert(0, "Date", [quarter_label(d, True) for d in wide.index])
    return wide.reset_index(drop=True)


def ta_types_summary(frame: pd.DataFrame) -> str:
    present = frame[frame["value"].notna()]
    if present.empty:
        return "No breakdown of temporary accommodation by type."
    last_day = present["period_end"].max()
    latest = present[present["period_end"] == last_day].sort_values("value", ascending=False)
    total = latest["value"].sum()
    top = latest.iloc[0]
    bb = latest[latest["measure"] == "households_in_bed_and_breakfast"]["value"]
    text = (
        f"On {quarter_words(last_day, True)}, the largest type of temporary accommodation used by "
        f"Nottingham was **{top['type'].lower()}** ({top['value']:,.0f} of {total:,.0f} households "
        f"placed, {top['value'] / total:.0%})"
    )
    if not bb.empty:
        text += f"; {bb.iloc[0]:,.0f} were in bed and breakfast"
    return text + "."


def ta_rate_ranking(observations: pd.DataFrame) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Every local authority's TA rate on the latest quarter end, ranked (1 = highest rate)."""
    rows = observations[observations["measure"] == "households_in_temporary_accommodation_per_1000"]
    day = rows.loc[rows["value"].notna(), "period_end"].max()
    latest = rows[(rows["period_end"] == day) & (rows["area_type"] == "lad")]
    latest = latest[latest["value"].notna()].copy()
    latest["rank"] = latest["value"].rank(ascending=False, method="min").astype(int)
    latest["of"] = len(latest)
    latest["area"] = [
        area_label(c, n)
        for c, n in zip(latest["current_area_code"], latest["area_name"], strict=True)
    ]
    missing = rows[
        (rows["period_end"] == day) & (rows["area_type"] == "lad") & rows["value"].isna()
    ]
    latest.attrs["missing"] = sorted(missing["area_name"])
    return latest.sort_values("rank", ignore_index=True), day


def comparator_frame(
    ranking: pd.DataFrame, observations: pd.DataFrame, group: str, day: pd.Timestamp
) -> pd.DataFrame:
    """Nottingham, the chosen comparators and England on one day, lowest rate first."""
    codes = list(CORE_CITIES) if group == "core" else EAST_MIDLANDS
    chosen = ranking[
        ranking["current_area_code"].isin([NOTTINGHAM, *codes])
        | ranking["area_code"].isin([NOTTINGHAM, *codes])
    ]
    england = observations[
        (observations["measure"] == "households_in_temporary_accommodation_per_1000")
        & (observations["area_code"] == ENGLAND)
        & (observations["period_end"] == day)
    ].copy()
    england["area"], england["rank"], england["of"] = "England", pd.NA, pd.NA
    out = pd.concat([chosen, england], ignore_index=True)
    return out.sort_values("value", ignore_index=True)


def comparator_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.sort_values("value", ascending=False)[["area", "area_code", "value", "rank"]]
    out = out.rename(
        columns={
            "area": "Area",
            "area_code": "GSS code",
            "value": "Per 1,000",
            "rank": "Rank (1 = highest)",
        }
    )
    out["Per 1,000"] = out["Per 1,000"].round(2)
    return out.reset_index(drop=True)


def rank_sentence(ranking: pd.DataFrame, day: pd.Timestamp, group_frame: pd.DataFrame) -> str:
    notts = ranking[ranking["area_code"] == NOTTINGHAM]
    if notts.empty:
        return "Nottingham has no temporary accommodation rate on the latest date."
    row = notts.iloc[0]
    areas = group_frame[group_frame["area"] != "England"].sort_values("value", ascending=False)
    position = list(areas["area_code"]).index(NOTTINGHAM) + 1
    missing = ranking.attrs.get("missing", [])
    text = (
        f"On {quarter_words(day, True)}, Nottingham had **{row['value']:.2f} households in "
        f"temporary accommodation per 1,000**: {_ordinal(int(row['rank']))} highest of "
        f"{int(row['of'])} English local authorities with a figure, and {_ordinal(position)} "
        f"highest of the {len(areas)} authorities with a figure shown here."
    )
    if missing:
        text += f" No figure for {len(missing)} authorities ({', '.join(missing)})."
    return text


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rough_sleeping_frame(rough: pd.DataFrame) -> pd.DataFrame:
    """Autumn snapshot counts for Nottingham and the core cities, 2010 onwards."""
    codes = [NOTTINGHAM, *CORE_CITIES]
    rows = rough[
        (rough["measure"] == "rough_sleepers_snapshot")
        & (rough["current_area_code"].isin(codes) | rough["area_code"].isin(codes))
        & (rough["area_type"] == "lad")
    ].copy()
    rows["area"] = [
        area_label(c, n) for c, n in zip(rows["current_area_code"], rows["area_name"], strict=True)
    ]
    rows["year"] = rows["period_start"].dt.year
    return rows.sort_values(["area", "year"], ignore_index=True)


def rough_sleeping_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Years down, cities across (Nottingham first), counts as whole numbers."""
    wide = frame.pivot_table(index="year", columns="area", values="value")
    order = ["Nottingham", *[c for c in sorted(CORE_CITIES.values()) if c in wide.columns]]
    wide = wide[order].round(0).astype("Int64")
    wide.insert(0, "Autumn", wide.index.astype(str))
    return wide.reset_index(drop=True)


def rough_sleeping_rates(frame: pd.DataFrame, households: pd.Series) -> pd.DataFrame:
    """The latest autumn's count per 10,000 households (H-CLIC households in area, Oct-Dec)."""
    last = frame["year"].max()
    counts = frame[frame["year"] == last].set_index("area")["value"]
    rows = [
        {
            "City": area,
            f"People sleeping rough, autumn {last}": int(counts[area]),
            f"Households, 31 Dec {last}": int(households[area]),
            "Per 10,000 households": round(counts[area] / households[area] * 10000, 2),
        }
        for area in counts.index
        if area in households.index and pd.notna(households[area])
    ]
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values("Per 10,000 households", ascending=False, ignore_index=True)


def households_for(observations: pd.DataFrame, year: int) -> pd.Series:
    """H-CLIC 'households in area' for Oct-Dec of ``year``, by city label (the rate denominator)."""
    codes = [NOTTINGHAM, *CORE_CITIES]
    rows = observations[
        (observations["measure"] == "households_in_area")
        & (observations["period_end"] == pd.Timestamp(f"{year}-12-31"))
        & (observations["current_area_code"].isin(codes))
    ]
    return pd.Series(
        rows["value"].to_numpy(),
        index=[area_label(c) for c in rows["current_area_code"]],
    )


def rough_sleeping_summary(frame: pd.DataFrame) -> str:
    notts = frame[frame["area"] == "Nottingham"].set_index("year")["value"]
    if notts.empty:
        return "No rough sleeping figures for Nottingham."
    last = notts.index.max()
    peak_year = notts.idxmax()
    latest = frame[frame["year"] == last].sort_values("value", ascending=False)
    position = list(latest["area"]).index("Nottingham") + 1
    return (
        f"On one night in autumn {last}, Nottingham counted or estimated **{notts[last]:,.0f} "
        f"people sleeping rough**, against {notts[notts.index.min()]:,.0f} in "
        f"{notts.index.min()} and a peak of {notts.max():,.0f} in {peak_year}; "
        f"{_ordinal(position)} highest of the {len(latest)} English core cities that autumn "
        "(counts, not rates: the cities differ in size)."
    )


def export_frame(hclic: pd.DataFrame, rough: pd.DataFrame | None, codes: list[str]) -> pd.DataFrame:
    """Every observation shown on the page for the chosen areas, with status and file."""
    frames = [hclic[hclic["area_code"].isin(codes) | hclic["current_area_code"].isin(codes)]]
    if rough is not None:
        frames.append(
            rough[rough["area_code"].isin(codes) | rough["current_area_code"].isin(codes)]
        )
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["dataset", "area_code", "measure", "period_end"], ignore_index=True)
