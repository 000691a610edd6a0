"""HMP Nottingham page: pure frames, tables and sentences built from the snapshot (no streamlit)."""

import pandas as pd

from dashboard import comparability, headlines
from dashboard.core import catalogue, observations

PRISON = "NMI"
PRISON_NAME = "HMP Nottingham"
ENGLAND_AND_WALES = "K04000001"

POPULATION_DATASETS = (
    "moj_population_bulletin_2011_2016",
    "moj_population_bulletin_nottingham_2018_2026",
)
# Labels, units and definitions live in the measure records (publications.toml).
CAPACITY_MEASURES = {
    m: catalogue.measure(m).label
    for m in ("population", "operational_capacity", "in_use_cna", "baseline_cna", "pct_of_cna")
}
# Why a month has no figure: the dataset whose span covers it says; outside every span, no source.
MONTH_GAP_REASON = {
    "moj_population_bulletin_2011_2016": "no bulletin for this month in our source",
    "moj_population_bulletin_nottingham_2018_2026": "month not sampled (15 months held)",
}
BETWEEN_SOURCES_REASON = "no figures for HMP Nottingham in our sources"

# Comparator group. Our snapshot has no prison category field, so the group is written out here.
# Rule: establishments flagged local = 1, cat_b = 1 and male = 1 in the 27 May 2016 rows of Robin
# Linacre's compilation of the MoJ monthly bulletins (final_full_time_series.csv, the file behind
# moj_population_bulletin_2011_2016). Elmley and Thameside have no NOMIS id there; matched by name.
LOCAL_CAT_B_MEN = {
    "BFI": "Bedford",
    "BMI": "Birmingham",
    "BLI": "Bristol",
    "BNI": "Bullingdon",
    "CFI": "Cardiff",
    "CDI": "Chelmsford",
    "DNI": "Doncaster",
    "DMI": "Durham",
    "EYI": "Elmley",
    "FBI": "Forest Bank",
    "HOI": "High Down",
    "HLI": "Hull",
    "LEI": "Leeds",
    "LPI": "Liverpool",
    "NMI": "Nottingham",
    "PVI": "Pentonville",
    "PNI": "Preston",
    "TSI": "Thameside",
    "WWI": "Wandsworth",
    "WCI": "Winchester",
    "WSI": "Wormwood Scrubs",
}
COMPARATOR_SOURCE = (
    "Comparator group: the men's local category B prisons as flagged in Robin Linacre's "
    "compilation of the MoJ monthly population bulletins (classification columns local, cat_b "
    "and male in the May 2016 bulletin rows). MoJ's own files in our snapshot carry no prison "
    "category, so this is the compiler's 2016 classification, not an official list: some prisons "
    "have changed role since, and some local prisons that the compiler did not flag as category B "
    "(such as Exeter, Leicester and Lewes) are not in the group."
)
GROUP_NOTTINGHAM = "HMP Nottingham"
GROUP_COMPARATOR = "Local category B men's prison (2016 list)"
GROUP_OTHER = "Other prison"

SAFETY_COUNTS = {"assault_rate": "assault_incidents", "self_harm_rate": "self_harm_incidents"}
SAFETY_MEASURES = {
    rate: (count, catalogue.measure(rate).label) for rate, count in SAFETY_COUNTS.items()
}
SAFETY_SHORT = {rate: catalogue.measure(rate).short_label for rate in SAFETY_COUNTS}
NATIONAL_SAFETY_MEASURES = {
    m: catalogue.measure(m).label
    for m in ("assault_rate", "serious_assault_rate", "self_harm_rate")
}
# HMIP's four healthy prison tests, named as the measure records name them.
TESTS = {
    key: catalogue.measure(f"healthy_prison_score_{key}").short_label
    for key in ("safety", "respect", "purposeful_activity", "rehabilitation_release")
}
STANDARDS_MEASURES = {
    f"pct_prisons_good_{key}": catalogue.measure(f"pct_prisons_good_{key}").short_label
    for key in TESTS
}
SCORE_LABELS = {4: "Good", 3: "Reasonably good", 2: "Not sufficiently good", 1: "Poor"}
NOT_IN_SOURCES = "not in our sources"
STAFF_MEASURES = {
    "all_staff": "All staff",
    "band_3_5": "Prison officers (bands 3-5)",
    "osg": "Operational support grades",
    "other_grades": "Other grades",
}
TIDY_COLUMNS = [*observations.COLUMNS, "status"]


def third_party_note(dataset_ids: tuple[str, ...]) -> str:
    """A visible label for figures from third-party compilations (catalogue official=False)."""
    names = [catalogue.get(d).publisher for d in dataset_ids if not catalogue.get(d).official]
    if not names:
        return ""
    return "Third-party compilation: " + "; ".join(dict.fromkeys(names)) + "."


def _month_end(stamp: pd.Timestamp) -> pd.Timestamp:
    return stamp.to_period("M").to_timestamp(how="end").normalize()


# --- population and capacity -------------------------------------------------------------------


def population_series(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """HMP Nottingham monthly, one row per month from the first to the last held, wide by measure.

    Months with no figure are rows of nulls with a ``status`` saying why, so charts draw gaps.
    """
    held = []
    spans = {}
    for dataset_id, frame in frames.items():
        rows = frame[(frame["area_code"] == PRISON) & frame["measure"].isin(CAPACITY_MEASURES)]
        if rows.empty:
            continue
        wide = rows.pivot_table(
            index="period_end", columns="measure", values="value", aggfunc="first"
        ).reset_index()
        wide["dataset"] = dataset_id
        held.append(wide)
        spans[dataset_id] = (rows["period_end"].min(), rows["period_end"].max())
    if not held:
        return pd.DataFrame(columns=["month", "date", "dataset", *CAPACITY_MEASURES, "status"])
    out = pd.concat(held, ignore_index=True)
    out["date"] = pd.to_datetime(out["period_end"])
    out["month"] = out["date"].dt.to_period("M")
    out["status"] = pd.NA
    all_months = pd.period_range(out["month"].min(), out["month"].max(), freq="M")
    missing = [m for m in all_months if m not in set(out["month"])]
    gap_rows = []
    for month in missing:
        reason = BETWEEN_SOURCES_REASON
        for dataset_id, (start, end) in spans.items():
            if start.to_period("M") <= month <= end.to_period("M"):
                reason = MONTH_GAP_REASON.get(dataset_id, "not held")
        gap_rows.append(
            {"month": month, "date": month.to_timestamp(how="end").normalize(), "status": reason}
        )
    if gap_rows:
        out = pd.concat([out, pd.DataFrame(gap_rows)], ignore_index=True)
    for measure in CAPACITY_MEASURES:
        if measure not in out:
            out[measure] = float("nan")
    out = out.sort_values("date", ignore_index=True)
    return out[["month", "date", "dataset", *CAPACITY_MEASURES, "status"]]


def filter_years(series: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    years = series["date"].dt.year
    return series[(years >= first) & (years <= last)]


def between_sources_gap(series: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last month of the stretch that no source covers, if there is one."""
    gap = series[series["status"] == BETWEEN_SOURCES_REASON]
    if gap.empty:
        return None
    return gap["month"].min().to_timestamp(), gap["month"].max().to_timestamp(how="end").normalize()


def population_table(series: pd.DataFrame) -> pd.DataFrame:
    """The months with figures, as shown in the chart, for the table beside it."""
    held = series[series["population"].notna()]
    table = pd.DataFrame(
        {
            "Bulletin date": held["date"].dt.date,
            "Population": held["population"].astype("Int64"),
            "Operational capacity": held["operational_capacity"].astype("Int64"),
            "In-use CNA": held["in_use_cna"].astype("Int64"),
            "Baseline CNA": held["baseline_cna"].astype("Int64"),
            "% of in-use CNA": held["pct_of_cna"].round(1),
            "Dataset": held["dataset"],
        }
    )
    return table.sort_values("Bulletin date", ascending=False, ignore_index=True)


def population_gaps(series: pd.DataFrame) -> str:
    """Where the population lines have gaps, read from the months held: per source, how many
    of its span's months it skips, and the months between sources with nothing at all."""
    held = series[series["population"].notna()]
    spans = []
    for _, rows in held.groupby("dataset"):
        months = pd.PeriodIndex(rows["month"], freq="M")
        spans.append((months.min(), months.max(), months.nunique()))
    parts = []
    previous = None
    for first, last, count in sorted(spans):
        if previous is not None and (first - previous).n > 1:
            parts.append(f"nothing is held from {previous + 1:%B %Y} to {first - 1:%B %Y}")
        span = (last - first).n + 1
        if count < span:
            parts.append(
                f"the {first:%Y}-{last:%Y} figures skip {span - count} of their {span} months"
            )
        previous = last if previous is None else max(previous, last)
    if not parts:
        return "Every month in the range has a figure."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
    return f"Gaps in the lines are months with no figure in our sources, not zero: {listed}."


def population_summary(series: pd.DataFrame) -> str:
    held = series[series["population"].notna()]
    if held.empty:
        return "No population figures for HMP Nottingham are held."
    first, latest = held.iloc[0], held.iloc[-1]
    peak = held.loc[held["population"].idxmax()]
    day = "%-d %B %Y"
    text = (
        f"On {latest['date'].strftime(day)} HMP Nottingham held **{latest['population']:,.0f}** "
        f"men against an operational capacity of {latest['operational_capacity']:,.0f} and "
        f"{latest['in_use_cna']:,.0f} places of in-use certified normal accommodation (CNA): "
        f"**{latest['pct_of_cna']:.0f}% of CNA**, so it was overcrowded by the official "
        f"measure (over 100%). In the figures shown, the population was highest at "
        f"{peak['population']:,.0f} on {peak['date'].strftime(day)} ({peak['pct_of_cna']:.0f}% "
        f"of CNA); on {first['date'].strftime(day)} it was {first['population']:,.0f}."
    )
    return text


def population_export(frames: dict[str, pd.DataFrame], first: int, last: int) -> pd.DataFrame:
    """The tidy observations behind the chart, for the years chosen."""
    parts = []
    for frame in frames.values():
        rows = frame[(frame["area_code"] == PRISON) & frame["measure"].isin(CAPACITY_MEASURES)]
        years = rows["period_end"].dt.year
        parts.append(rows[(years >= first) & (years <= last)])
    if not parts:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    keep = [c for c in [*TIDY_COLUMNS, "source_file"] if c in out]
    return out[keep].sort_values(["period_end", "measure"], ignore_index=True)


def national_population_series(
    weekly: pd.DataFrame | None, bulletin: pd.DataFrame | None
) -> pd.DataFrame:
    """England and Wales totals: monthly bulletins (2011-2016) and weekly figures (2014-2023)."""
    parts = []
    for frame, label in (
        (bulletin, "Monthly bulletin total"),
        (weekly, "Weekly population figures"),
    ):
        if frame is None:
            continue
        rows = frame[(frame["area_code"] == ENGLAND_AND_WALES) & (frame["measure"] == "population")]
        parts.append(
            pd.DataFrame(
                {
                    "date": rows["period_end"],
                    "population": rows["value"],
                    "series": label,
                    "dataset": rows["dataset"],
                    "status": rows["status"],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["date", "population", "series", "dataset", "status"])
    return pd.concat(parts, ignore_index=True).sort_values(["series", "date"], ignore_index=True)


# --- inspections ---------------------------------------------------------------------------------


def _event_label(kind: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    if kind == "urgent_notification":
        return f"Urgent Notification, {start.strftime('%-d %b %Y')}"
    if (end - start).days >= 300:
        when = f"{start.year} (month not stated)"
    elif start.to_period("M") != end.to_period("M"):
        when = f"{start.strftime('%b')}-{end.strftime('%b %Y')}"
    else:
        when = start.strftime("%b %Y")
    name = "Follow-up inspection" if kind == "follow_up" else "Inspection"
    return f"{name}, {when}"


def inspection_events(inspections: pd.DataFrame, figures: pd.DataFrame | None) -> pd.DataFrame:
    """Each inspection (and the Urgent Notification) once, dated, with the source that dates it.

    Inspections whose judgements we lack appear only in the quoted-figures table: they are added
    from there so that every inspection is marked.
    """
    rows = []
    for key, group in inspections.groupby("inspection_date", sort=False):
        first = group.iloc[0]
        report = str(first["report_type"])
        kind = (
            "urgent_notification"
            if "Urgent Notification" in report
            else "follow_up"
            if "follow-up" in report
            else "inspection"
        )
        rows.append(
            {
                "key": key,
                "kind": kind,
                "report_type": report,
                "start": first["period_start"],
                "end": first["period_end"],
                "source_title": first["source_title"],
                "source_url": first["source_url"],
                "judgements_held": group["test"].notna().any(),
            }
        )
    if figures is not None:
        quoted = figures[figures["inspection_or_period"].str.endswith(" inspection")]
        for key, group in quoted.groupby("inspection_or_period", sort=False):
            first = group.iloc[0]
            start, end = first["period_start"], first["period_end"]
            if any(r["start"] <= end and start <= r["end"] for r in rows):
                continue
            rows.append(
                {
                    "key": key.removesuffix(" inspection"),
                    "kind": "inspection",
                    "report_type": "inspection (judgements not in our sources; dated by a "
                    "report quoting it)",
                    "start": start,
                    "end": end,
                    "source_title": first["source_title"],
                    "source_url": first["source_url"],
                    "judgements_held": False,
                }
            )
    events = pd.DataFrame(rows)
    events["start"] = pd.to_datetime(events["start"])
    events["end"] = pd.to_datetime(events["end"])
    events["label"] = [
        _event_label(k, s, e)
        for k, s, e in zip(events["kind"], events["start"], events["end"], strict=True)
    ]
    events["year_only"] = (events["end"] - events["start"]).dt.days >= 300
    return events.sort_values("start", ignore_index=True)


def short_judgement(judgement: str, score) -> str:
    if pd.notna(score):
        return f"{SCORE_LABELS[int(score)]} ({int(score)})"
    text = str(judgement).split(" (")[0].split(";")[0].strip()
    if "not a healthy prison grade" in str(judgement):
        return f"{text} (follow-up, not a grade)"
    if "not stated" in str(judgement):
        return f"{text} (grade not stated)"
    return text


GRID_FOOTNOTE = (
    "* exact grade not stated in the text read. † progress against the 2010 recommendations at "
    "a short follow-up inspection, not a grade."
)


def grid_label(judgement: str, score) -> str:
    """A cell-sized judgement: the grade when stated, else a few words with a footnote mark."""
    if pd.notna(score):
        return f"{SCORE_LABELS[int(score)]} ({int(score)})"
    text = str(judgement)
    if "not a healthy prison grade" in text:
        return text.split(" (")[0].capitalize() + " †"
    if text.startswith("not sufficiently good or poor"):
        return "Not sufficient *"
    if "got worse" in text:
        return "Got worse *"
    clause = text.split(" (")[0].split(";")[0]
    return (clause[:24] + "…" if len(clause) > 25 else clause).capitalize() + " *"


def timeline_table(inspections: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per inspection: its four judgements, and links to every page cited for them."""
    rows = []
    for event in events[events["kind"] != "urgent_notification"].itertuples():
        group = inspections[inspections["inspection_date"] == event.key]
        row = {"Inspection": event.label}
        for test, label in TESTS.items():
            found = group[group["test"] == test]
            row[label] = (
                short_judgement(found.iloc[0]["judgement"], found.iloc[0]["score"])
                if not found.empty
                else NOT_IN_SOURCES
            )
        row["Type"] = event.report_type
        cited = list(dict.fromkeys(group["source_url"])) or [event.source_url]
        # Links second, so they stay on screen when the wide judgement columns scroll.
        rows.append(
            {
                "Inspection": row.pop("Inspection"),
                "Source": cited[0],
                "Also cited": cited[1] if len(cited) > 1 else None,
                **row,
            }
        )
    return pd.DataFrame(rows)


def _grid_row_label(event) -> str:
    """Short row names for the grid; the table beside it gives the full description."""
    if event.year_only:
        # Never a bare year: plotly reads "2010" on a category axis as position 2010.
        return f"{event.start.year} {'follow-up' if event.kind == 'follow_up' else 'inspection'}"
    when = event.label.split(", ", 1)[1]
    return f"{when} follow-up" if event.kind == "follow_up" else when


def judgement_grid(inspections: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Long frame (inspection x test) with score and short text, for the grid chart."""
    rows = []
    for event in events[events["kind"] != "urgent_notification"].itertuples():
        group = inspections[inspections["inspection_date"] == event.key]
        for test, label in TESTS.items():
            found = group[group["test"] == test]
            score = found.iloc[0]["score"] if not found.empty else pd.NA
            text = (
                short_judgement(found.iloc[0]["judgement"], score)
                if not found.empty
                else NOT_IN_SOURCES
            )
            rows.append(
                {
                    "inspection": _grid_row_label(event),
                    "test": label,
                    "score": float(score) if pd.notna(score) else float("nan"),
                    "text": text,
                    "short": grid_label(found.iloc[0]["judgement"], score)
                    if not found.empty
                    else "Not in sources",
                }
            )
    return pd.DataFrame(rows)


def citations_table(inspections: pd.DataFrame) -> pd.DataFrame:
    """Every judgement row as curated, with its source title and link."""
    return pd.DataFrame(
        {
            "Inspection": inspections["inspection_date"],
            "Report type": inspections["report_type"],
            "Healthy prison test": inspections["healthy_prison_area"],
            "Judgement (as stated in the source)": inspections["judgement"],
            "Score (1-4)": inspections["score"],
            "Source": inspections["source_title"],
            "Link": inspections["source_url"],
        }
    )


def inspections_export(inspections: pd.DataFrame) -> pd.DataFrame:
    out = inspections.drop(columns=["source_file"], errors="ignore").copy()
    out.insert(0, "area_code", PRISON)
    out.insert(1, "area_name", PRISON_NAME)
    return out


def inspection_summary(inspections: pd.DataFrame, events: pd.DataFrame) -> str:
    safety = inspections[(inspections["test"] == "safety") & inspections["score"].notna()]
    poor = safety[safety["score"] == 1]
    visits = events[events["kind"] != "urgent_notification"]
    no_safety = [
        e.label.replace("Inspection, ", "")
        for e in visits[visits["kind"] == "inspection"].itertuples()
        if inspections[
            (inspections["inspection_date"] == e.key) & (inspections["test"] == "safety")
        ].empty
    ]
    text = f"Our sources record **{len(visits)} inspections** of HMP Nottingham. "
    if not poor.empty:
        years = [str(d)[:4] for d in poor["inspection_date"]]
        urgent = events.loc[events["kind"] == "urgent_notification", "start"]
        text += (
            f"Inspectors judged safety **poor** at {len(poor)} inspections in a row "
            f"({', '.join(years)}), which led to the first ever Urgent Notification"
            + (f" in {urgent.min():%B %Y}" if not urgent.empty else "")
            + ". "
        )
    if no_safety:
        text += (
            f"The safety judgements for {', '.join(no_safety)} are not in our sources (they "
            "are in the report PDFs), so the page cannot say whether safety has improved since."
        )
    return text


def standards_series(observations: pd.DataFrame) -> pd.DataFrame:
    rows = observations[
        (observations["area_code"] == ENGLAND_AND_WALES)
        & observations["measure"].isin(STANDARDS_MEASURES)
    ]
    return pd.DataFrame(
        {
            "measure": rows["measure"],
            "test": rows["measure"].map(STANDARDS_MEASURES),
            "year_start": rows["period_start"],
            "year": rows["period_start"].dt.year.astype(str)
            + "-"
            + (rows["period_start"].dt.year + 1).astype(str).str[-2:],
            "value": rows["value"],
            "status": rows["status"],
        }
    ).sort_values(["measure", "year_start"], ignore_index=True)


def standards_table(series: pd.DataFrame) -> pd.DataFrame:
    wide = series.pivot(index="year", columns="test", values="value")
    wide = wide[[t for t in TESTS.values() if t in wide]].sort_index(ascending=False)
    return wide.reset_index().rename(columns={"year": "Financial year"})


def standards_summary(series: pd.DataFrame, inspections: pd.DataFrame) -> str:
    safety = series[series["measure"] == "pct_prisons_good_safety"].set_index("year_start")
    held = safety["value"].dropna()
    if held.empty:
        return ""
    latest_start = held.index.max()
    text = (
        f"Across England and Wales, {held[latest_start]:.0f}% of the prisons inspected in "
        f"{safety.loc[latest_start, 'year']} were judged good or reasonably good on safety. "
    )
    poor = inspections[(inspections["test"] == "safety") & (inspections["score"] == 1)]
    notes = []
    for start in poor["period_start"]:
        fy_start = pd.Timestamp(year=start.year - (start.month < 4), month=4, day=1)
        if fy_start in held.index:
            notes.append(f"{held[fy_start]:.0f}% in {safety.loc[fy_start, 'year']}")
    if notes:
        text += (
            "In the years Nottingham was judged poor on safety the national share was "
            + ", ".join(notes)
            + "."
        )
    return text


# --- violence and self-harm --------------------------------------------------------------------


def group_of(code: str) -> str:
    if code == PRISON:
        return GROUP_NOTTINGHAM
    return GROUP_COMPARATOR if code in LOCAL_CAT_B_MEN else GROUP_OTHER


def safety_by_prison(observations: pd.DataFrame) -> pd.DataFrame:
    """One row per prison: counts, rates, the population they divide by, ranks and group, with
    the period each count and the population cover in words (``<measure>_period``), read from
    the rows so that no sentence or heading types a year in."""
    wide = observations.pivot_table(
        index=["area_code", "area_name"], columns="measure", values="value", aggfunc="first"
    ).reset_index()
    wide.columns.name = None
    for measure in (*(count for count, _ in SAFETY_MEASURES.values()), "population"):
        rows = observations[observations["measure"] == measure].groupby("area_code")
        words = rows.apply(
            lambda r: headlines.period_span(r["period_start"].min(), r["period_end"].max()),
            include_groups=False,
        )
        wide[f"{measure}_period"] = wide["area_code"].map(words)
    for rate in SAFETY_MEASURES:
        wide[f"{rate}_rank"] = wide[rate].rank(ascending=False, method="min").astype("Int64")
    wide["group"] = wide["area_code"].map(group_of)
    return wide


def safety_period(table: pd.DataFrame, measure: str) -> str:
    """The period a count (or the population) covers, as the table's rows give it."""
    return str(table[f"{measure}_period"].dropna().iloc[0])


def pooled_rate(table: pd.DataFrame, rate: str) -> float:
    """All the listed prisons together, by the same method (incidents / one month's
    population)."""
    count = SAFETY_MEASURES[rate][0]
    return 1000 * table[count].sum() / table["population"].sum()


def safety_table(table: pd.DataFrame, rate: str, only_comparators: bool) -> pd.DataFrame:
    count, label = SAFETY_MEASURES[rate]
    rows = table.sort_values(rate, ascending=False)
    if only_comparators:
        rows = rows[rows["group"] != GROUP_OTHER]
    return pd.DataFrame(
        {
            f"Rank of {len(table)}": rows[f"{rate}_rank"],
            "Prison": rows["area_name"],
            "NOMIS code": rows["area_code"],
            "Group": rows["group"],
            label: rows[rate].round(1),
            f"Incidents, {safety_period(table, count)}": rows[count].astype("Int64"),
            f"Population, {safety_period(table, 'population')}": rows["population"].astype("Int64"),
        }
    )


def safety_summary(table: pd.DataFrame, rate: str) -> str:
    count, label = SAFETY_MEASURES[rate]
    home = table[table["area_code"] == PRISON]
    if home.empty:
        return "HMP Nottingham is not in this compilation."
    home = home.iloc[0]
    comparators = table[table["group"] != GROUP_OTHER].sort_values(rate, ascending=False)
    position = list(comparators["area_code"]).index(PRISON) + 1
    top = table.sort_values(rate, ascending=False).head(3)["area_name"]
    noun = "assault" if rate == "assault_rate" else "self-harm"
    return (
        f"From {home[f'{count}_period']} HMP Nottingham recorded **{home[count]:,.0f} {noun} "
        f"incidents**, **{home[rate]:,.0f} per 1,000 prisoners** (a third party's rate: "
        f"{comparability.measure(rate).definition.rstrip('.')}; here its population in "
        f"{home['population_period']} of "
        f"{home['population']:,.0f}). That ranks **{home[f'{rate}_rank']} of {len(table)}** "
        f"prisons (1 = highest rate) and {position} of {len(comparators)} in its comparator "
        f"group; the median prison had {table[rate].median():,.0f} and all {len(table)} together "
        f"{pooled_rate(table, rate):,.0f} per 1,000. Highest: {', '.join(top)}."
    )


def safety_export(
    observations: pd.DataFrame, table: pd.DataFrame, only_comparators: bool
) -> pd.DataFrame:
    rows = observations.copy()
    if only_comparators:
        rows = rows[rows["area_code"].map(group_of) != GROUP_OTHER]
    rows["comparator_group"] = rows["area_code"].map(group_of)
    ranks = table.set_index("area_code")
    for rate in SAFETY_MEASURES:
        rows[f"{rate}_rank_of_{len(table)}"] = rows["area_code"].map(ranks[f"{rate}_rank"])
    keep = [c for c in [*TIDY_COLUMNS, "caveat"] if c in rows]
    extra = [c for c in rows.columns if c.endswith(f"_of_{len(table)}")]
    return rows[[*keep, "comparator_group", *extra]].sort_values(
        ["measure", "area_name"], ignore_index=True
    )


def national_safety_series(observations: pd.DataFrame) -> pd.DataFrame:
    rows = observations[
        (observations["area_code"] == ENGLAND_AND_WALES)
        & observations["measure"].isin(NATIONAL_SAFETY_MEASURES)
    ]
    return pd.DataFrame(
        {
            "measure": rows["measure"],
            "label": rows["measure"].map(NATIONAL_SAFETY_MEASURES),
            "year": rows["period_start"].dt.year,
            "value": rows["value"],
            "status": rows["status"],
        }
    ).sort_values(["measure", "year"], ignore_index=True)


def national_safety_table(series: pd.DataFrame) -> pd.DataFrame:
    wide = series.pivot(index="year", columns="label", values="value")
    wide = wide[[v for v in NATIONAL_SAFETY_MEASURES.values() if v in wide]]
    return wide.sort_index(ascending=False).reset_index().rename(columns={"year": "Year"})


def national_safety_summary(series: pd.DataFrame) -> str:
    parts = []
    for measure in ("assault_rate", "self_harm_rate"):
        rows = series[(series["measure"] == measure) & series["value"].notna()]
        if rows.empty:
            continue
        latest = rows.iloc[-1]
        low = rows.loc[rows["value"].idxmin()]
        parts.append(
            f"{NATIONAL_SAFETY_MEASURES[measure].lower()} were **{latest['value']:,.0f}** in "
            f"{latest['year']} (lowest in the series: {low['value']:,.0f} in {low['year']})"
        )
    if not parts:
        return ""
    return (
        "Nationally, "
        + "; ".join(parts)
        + ". These are MoJ's rates on its average population, so they are not on the same basis "
        "as the by-prison figures above."
    )


# --- staffing ----------------------------------------------------------------------------------


def staffing_by_prison(
    observations: pd.DataFrame, group: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Benchmarked establishments (status empty) with staff in post, benchmark and ratio."""
    names = {
        f"staff_in_post_fte_{group}": "staff_in_post",
        f"benchmark_fte_{group}": "benchmark",
        f"staff_to_benchmark_ratio_{group}": "ratio",
    }
    rows = observations[observations["measure"].isin(names)]
    flagged = rows[rows["status"].notna()].drop_duplicates("area_code")
    clean = rows[rows["status"].isna() & ~rows["area_code"].isin(flagged["area_code"])]
    wide = clean.pivot_table(
        index=["area_type", "area_code", "area_name"],
        columns="measure",
        values="value",
        aggfunc="first",
    ).rename(columns=names)
    wide = wide.reset_index()
    wide.columns.name = None
    wide["pct_of_benchmark"] = 100 * wide["ratio"]
    days = clean.groupby("area_code")["period_end"].max()
    wide["day"] = wide["area_code"].map(days).map(lambda day: headlines.period_span(day, day))
    wide["pct_vs_benchmark"] = wide["pct_of_benchmark"] - 100
    prisons = wide[wide["area_type"] == "prison"].copy()
    prisons["rank"] = prisons["ratio"].rank(method="min").astype("Int64")
    prisons["group"] = prisons["area_code"].map(group_of)
    national = wide[wide["area_type"] == "country"]
    excluded = flagged[flagged["area_type"] == "prison"][["area_code", "area_name", "status"]]
    return prisons.sort_values("ratio", ignore_index=True), national, excluded


def staffing_day(observations: pd.DataFrame) -> str:
    """The day the workforce table counts staff on, in words, from its rows."""
    day = observations["period_end"].max()
    return headlines.period_span(day, day)


def staffing_table(prisons: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            f"Rank of {len(prisons)} (1 = furthest below)": prisons["rank"],
            "Prison": prisons["area_name"],
            "NOMIS code": prisons["area_code"],
            "Group": prisons["group"],
            "Staff in post (FTE)": prisons["staff_in_post"].round(1),
            "Benchmark (FTE)": prisons["benchmark"].round(1),
            "% of benchmark": prisons["pct_of_benchmark"].round(1),
        }
    )


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def staffing_summary(prisons: pd.DataFrame, national: pd.DataFrame, group: str) -> str:
    home = prisons[prisons["area_code"] == PRISON]
    if home.empty:
        return "HMP Nottingham has no benchmark in this table."
    home = home.iloc[0]
    text = (
        f"On {home['day']} HMP Nottingham had **{home['staff_in_post']:,.1f} FTE "
        f"{STAFF_MEASURES[group].lower()}** against a benchmark of {home['benchmark']:,.1f}: "
        f"**{home['pct_of_benchmark']:.1f}% of benchmark** "
        f"({100 - home['pct_of_benchmark']:.1f}% short), {_ordinal(int(home['rank']))} furthest "
        f"below benchmark of {len(prisons)} benchmarked public sector prisons"
    )
    if not national.empty:
        text += (
            f"; all public sector prisons together were at "
            f"{national.iloc[0]['pct_of_benchmark']:.1f}%"
        )
    return text + "."


def staffing_export(observations: pd.DataFrame, group: str) -> pd.DataFrame:
    rows = observations[observations["measure"].str.endswith(f"_{group}")].copy()
    rows["comparator_group"] = rows["area_code"].map(group_of)
    keep = [c for c in [*TIDY_COLUMNS, "source_file"] if c in rows]
    return rows[[*keep, "comparator_group"]].sort_values(
        ["measure", "area_name"], ignore_index=True
    )


# --- what the record does not tell us ----------------------------------------------------------


def record_gaps(
    series: pd.DataFrame, events: pd.DataFrame, staffing: str | None = None
) -> list[str]:
    """Plain statements of what our sources lack, computed where the data can say it;
    ``staffing`` is the workforce table's day in words (``staffing_day``), if it is loaded."""
    gaps = [
        "**No official safety series by prison.** MoJ publishes assaults, serious assaults, "
        "assaults on staff and self-harm by establishment in its Safety in Custody tables, but "
        "those files are not yet loaded. The only by-prison figures here are one year's, "
        "compiled by a third party, with rates on one month's population. There "
        "is no yearly trend for HMP Nottingham.",
        "**No deaths in custody for HMP Nottingham** (MoJ's deaths tables and the Prisons and "
        "Probation Ombudsman's reports are not loaded). Absent here means not loaded, not zero.",
    ]
    gap = between_sources_gap(series)
    if gap is not None:
        sampled = series[series["dataset"] == POPULATION_DATASETS[1]]
        after = f"{sampled['month'].min():%Y}" if not sampled.empty else "then"
        gaps.append(
            f"**No population or capacity figures from {gap[0].strftime('%B %Y')} to "
            f"{gap[1].strftime('%B %Y')}**, the months around the Urgent Notification; from "
            f"{after} only {len(sampled)} sampled months are held, not a monthly series."
        )
    missing = [
        e.label.replace("Inspection, ", "")
        for e in events[(events["kind"] == "inspection") & ~events["judgements_held"]].itertuples()
    ]
    if missing:
        gaps.append(
            f"**HMIP's grades for the {', '.join(missing)} inspections** are not in our sources, "
            "nor the exact non-safety grades for 2014, 2016 and 2018, nor most grades for "
            "2022: they are in the report PDFs, which we have not read."
        )
    if staffing:
        gaps.append(
            f"**Staffing is a single day, {staffing}.** Later staff-in-post figures by prison "
            "are not loaded, so the page cannot say whether staffing recovered."
        )
    gaps += [
        "**No per-prison Annual Prison Performance Rating**, and no figures on drugs, use of "
        "force, time out of cell or purposeful activity beyond what inspectors are quoted as "
        "saying.",
    ]
    return gaps
