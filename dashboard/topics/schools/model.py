"""One row per Nottingham school, joined from the snapshot's school tables (pure, no streamlit)."""

import re
from dataclasses import dataclass

import pandas as pd

from dashboard.core import observations

ENGLAND = observations.ENGLAND
NOTTINGHAM = "E06000018"

KS4_MEASURES = (
    "ks4_pupils",
    "ks4_attainment8",
    "ks4_progress8",
    "ks4_progress8_ci_lower",
    "ks4_progress8_ci_upper",
    "ks4_progress8_band",
    "ks4_pct_eng_maths_9_4",
    "ks4_pct_eng_maths_9_5",
)
ABSENCE_MEASURES = ("pct_overall_absence", "pct_persistent_absence")
# England absence is published by phase; all-through and 16+ schools have no comparator.
ENGLAND_PHASES = ("primary", "secondary", "special")

GRADE_LABELS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}


def academic_year(start) -> str:
    """'2018/19' for a period starting 1 September 2018."""
    start = pd.Timestamp(start)
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def year_held(
    observations: pd.DataFrame | None,
    measures=None,
    area_type: str = "school",
    *,
    newest: bool = True,
) -> pd.Timestamp | None:
    """The newest (or oldest) period start with a row for any of ``measures`` (every measure
    when None) at ``area_type`` (a row with the publisher's reason for no figure counts), or
    None when there is none: every school year the page names comes from here, so a refreshed
    file moves the words with the numbers."""
    if observations is None or observations.empty:
        return None
    rows = observations[observations["area_type"] == area_type]
    if measures is not None:
        rows = rows[rows["measure"].isin([measures] if isinstance(measures, str) else measures)]
    if rows.empty:
        return None
    return pd.Timestamp(rows["period_start"].max() if newest else rows["period_start"].min())


def newest_year(observations, measures=None, area_type: str = "school") -> pd.Timestamp | None:
    return year_held(observations, measures, area_type, newest=True)


def oldest_year(observations, measures=None, area_type: str = "school") -> pd.Timestamp | None:
    return year_held(observations, measures, area_type, newest=False)


def year_text(start) -> str:
    """'2018/19', or 'no year held' when the snapshot has none."""
    return academic_year(start) if start is not None else "no year held"


def census_month(start) -> str:
    """'January 2019' for the 2018/19 school year: DfE's spring school census, the one the
    performance tables' pupil numbers come from, is taken in the January of the school year."""
    return f"January {pd.Timestamp(start).year + 1}" if start is not None else "no census held"


def is_provisional(observations: pd.DataFrame | None, start) -> bool:
    """Whether the school rows of that year carry the publisher's 'provisional' status."""
    if observations is None or start is None or "status" not in observations:
        return False
    rows = observations[
        (observations["area_type"] == "school") & (observations["period_start"] == start)
    ]
    return bool(rows["status"].eq("provisional").any())


def assessed_years(breaks) -> list[pd.Timestamp]:
    """The school years a measure record's teacher-assessed breaks cover (from its from/to)."""
    years: list[pd.Timestamp] = []
    for b in breaks:
        if b.kind == "teacher_assessed":
            years += list(pd.date_range(b.start, b.end or b.start, freq="YS-SEP"))
    return sorted(set(years))


@dataclass(frozen=True)
class SchoolYears:
    """The period of each source the school frame shows: the newest held at school level."""

    census: pd.Timestamp | None
    ks4: pd.Timestamp | None
    ks4_provisional: bool
    absence: pd.Timestamp | None
    ks2: pd.Timestamp | None  # the compilation's newest KS2 school year
    ofsted_last: pd.Timestamp | None  # the newest inspection day in the compilation

    def ks4_words(self) -> str:
        """'2018/19 provisional', or the bare year for final figures."""
        return year_text(self.ks4) + (" provisional" if self.ks4_provisional else "")


def frame_years(
    *,
    census: pd.DataFrame | None,
    absence: pd.DataFrame | None,
    ks4: pd.DataFrame | None,
    headlines: pd.DataFrame | None,
    ofsted: pd.DataFrame | None,
) -> SchoolYears:
    ks4_year = newest_year(ks4, KS4_MEASURES)
    return SchoolYears(
        census=newest_year(census, "pupils_on_roll"),
        ks4=ks4_year,
        ks4_provisional=is_provisional(ks4, ks4_year),
        absence=newest_year(absence, ABSENCE_MEASURES),
        ks2=newest_year(headlines, "ks2_pct_rwm_expected"),
        ofsted_last=newest_year(ofsted, "ofsted_overall_effectiveness"),
    )


def _wide(observations: pd.DataFrame | None, measures, period: pd.Timestamp | None) -> pd.DataFrame:
    """URN-indexed values for ``measures`` in one period, with each measure's status."""
    if observations is None or period is None:
        return pd.DataFrame()
    rows = observations[
        (observations["area_type"] == "school")
        & observations["measure"].isin(measures)
        & (observations["period_start"] == period)
    ]
    values = rows.pivot_table(
        index="area_code", columns="measure", values="value", aggfunc="first", dropna=False
    )
    status = rows.pivot_table(
        index="area_code",
        columns="measure",
        values="status",
        aggfunc="first",
        dropna=False,
    ).add_suffix("_status")
    return values.join(status, how="outer")


def latest_ofsted(ofsted: pd.DataFrame | None) -> pd.DataFrame:
    """Latest and previous inspection per URN: grade, label and day."""
    columns = [
        "ofsted_grade",
        "ofsted_rating",
        "ofsted_date",
        "ofsted_previous_rating",
        "ofsted_previous_date",
        "ofsted_inspections",
    ]
    if ofsted is None or ofsted.empty:
        return pd.DataFrame(columns=columns)
    rows = ofsted[ofsted["measure"] == "ofsted_overall_effectiveness"].sort_values(
        ["area_code", "period_start"]
    )
    grouped = rows.groupby("area_code")
    latest = grouped.tail(1).set_index("area_code")
    previous = grouped.nth(-2).set_index("area_code")
    out = pd.DataFrame(
        {
            "ofsted_grade": latest["value"],
            "ofsted_rating": latest["rating"].astype("string"),
            "ofsted_date": latest["period_start"],
            "ofsted_inspections": grouped.size(),
        }
    )
    out["ofsted_previous_rating"] = previous["rating"].astype("string").reindex(out.index)
    out["ofsted_previous_date"] = previous["period_start"].reindex(out.index)
    return out[columns]


def _successors(schools: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Closed URN -> the URN that reopened at the same postcode under the same name, and back."""
    closed = schools[~schools["is_open"]]
    opened = schools[schools["is_open"]]
    successor, predecessor = {}, {}
    for row in closed.itertuples():
        match = opened[(opened["name"] == row.name) & (opened["postcode"] == row.postcode)]
        if len(match) == 1:
            successor[row.urn] = match["urn"].iloc[0]
            predecessor[match["urn"].iloc[0]] = row.urn
    return successor, predecessor


def _status_text(row, successor: dict, predecessor: dict) -> str:
    if not row.is_open:
        text = f"Closed {pd.Timestamp(row.close_date):%-d %b %Y}" if row.close_date else "Closed"
        return text + (f"; reopened as URN {successor[row.urn]}" if row.urn in successor else "")
    if row.urn in predecessor:
        return f"Open; replaced URN {predecessor[row.urn]}"
    return "Open"


def school_frame(
    schools: pd.DataFrame,
    *,
    census: pd.DataFrame | None,
    absence: pd.DataFrame | None,
    ks4: pd.DataFrame | None,
    headlines: pd.DataFrame | None,
    ofsted: pd.DataFrame | None,
) -> pd.DataFrame:
    """Every school in the spine with its latest figures, their status and England comparators.

    Never mutates its inputs (they are shared cached frames).
    """
    frame = schools.copy().set_index("urn", drop=False)
    successor, predecessor = _successors(schools)
    frame["status_text"] = [_status_text(r, successor, predecessor) for r in frame.itertuples()]
    frame["predecessor_urn"] = frame["urn"].map(predecessor)
    frame["successor_urn"] = frame["urn"].map(successor)
    years = frame_years(census=census, absence=absence, ks4=ks4, headlines=headlines, ofsted=ofsted)
    frame = frame.join(_wide(census, ["pupils_on_roll"], years.census))
    frame = frame.join(_wide(ks4, KS4_MEASURES, years.ks4))
    frame = frame.join(_wide(absence, ABSENCE_MEASURES, years.absence))
    frame = frame.join(_wide(headlines, ["ks2_pct_rwm_expected", "ks2_pupils"], years.ks2))
    frame = frame.join(latest_ofsted(ofsted))
    for measure in (*KS4_MEASURES, *ABSENCE_MEASURES, "pupils_on_roll"):
        if measure not in frame:
            frame[measure] = float("nan")
        if f"{measure}_status" not in frame:
            frame[f"{measure}_status"] = pd.NA
    for column in ("ks2_pct_rwm_expected", "ks2_pupils"):
        if column not in frame:
            frame[column] = float("nan")
    if "ks2_pct_rwm_expected_status" not in frame:
        frame["ks2_pct_rwm_expected_status"] = pd.NA
    england = england_absence(absence)
    for measure in ABSENCE_MEASURES:
        frame[f"england_{measure}"] = frame["phase"].map(england.get(measure, {}))
    return frame.reset_index(drop=True)


def england_absence(absence: pd.DataFrame | None) -> dict[str, dict[str, float]]:
    """{measure: {phase: England rate}} from the absence file's national rows."""
    out: dict[str, dict[str, float]] = {}
    if absence is None:
        return out
    national = absence[(absence["area_type"] == "country") & (absence["area_code"] == ENGLAND)]
    for measure in ABSENCE_MEASURES:
        for phase in ENGLAND_PHASES:
            rows = national[national["measure"] == f"{measure}_{phase}"]
            if not rows.empty and pd.notna(rows["value"].iloc[0]):
                out.setdefault(measure, {})[phase] = float(rows["value"].iloc[0])
    return out


def area_value(observations: pd.DataFrame | None, measure: str, area_code: str, period) -> float:
    """One LA or England value, or NaN when the snapshot lacks it."""
    if observations is None or period is None:
        return float("nan")
    rows = observations[
        (observations["measure"] == measure)
        & (observations["area_code"] == area_code)
        & (observations["period_start"] == pd.Timestamp(period))
    ]
    return float(rows["value"].iloc[0]) if not rows.empty else float("nan")


def in_seat(frame: pd.DataFrame, boundary_set: str, code: str) -> pd.Series:
    return frame[f"{boundary_set}_code"] == code


def long_export(
    observation_frames: dict[str, pd.DataFrame | None], urns: list[str]
) -> pd.DataFrame:
    """Every school-level observation for ``urns``, long, with codes, units, periods and status."""
    parts = []
    for frame in observation_frames.values():
        if frame is None or frame.empty:
            continue
        rows = frame[(frame["area_type"] == "school") & frame["area_code"].isin(urns)]
        parts.append(rows)
    if not parts:
        return pd.DataFrame()
    columns = [*observations.COLUMNS, "status"]
    out = pd.concat([p.reindex(columns=[*columns, "rating"]) for p in parts], ignore_index=True)
    return out.sort_values(["area_code", "dataset", "measure", "period_start"]).reset_index(
        drop=True
    )


# --- GCSE results after the performance tables' year: placed by each file's own constituency --

# What the school information file publishes after the final results (bands, not scores).
LATER_MEASURES = ("ks4_progress8_band", "ks4_pupils")


def placed_by_publisher(school_tables, boundary_set: str, code: str) -> pd.DataFrame:
    """URN and name of each school a DfE file places in the seat (its own constituency column).

    Each file names one boundary set (the 2022/23 final file ``pcon2010_code``, the 2023/24
    school information file ``pcon2024_code``); a file without the chosen set's column places no
    school.
    """
    column = f"{boundary_set}_code"
    parts = [
        table.loc[table[column] == code, ["urn", "name"]]
        for table in school_tables
        if table is not None and column in table
    ]
    if not parts:
        return pd.DataFrame({"urn": pd.Series(dtype="string"), "name": pd.Series(dtype="string")})
    return pd.concat(parts).drop_duplicates("urn").sort_values("name", ignore_index=True)


def boundary_sets_placing(table: pd.DataFrame | None) -> tuple[str, ...]:
    """The boundary sets whose constituency codes a school table carries (pcon2010, pcon2024)."""
    if table is None:
        return ()
    codes = [c for c in table.columns if re.fullmatch(r"pcon\d{4}_code", c)]
    return tuple(c.removesuffix("_code") for c in codes)


def newer_ks4_frame(
    placed: pd.DataFrame, final: pd.DataFrame | None, info: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per placed school: the final file's newest results, then the school information
    file's newest band and cohort size (columns ``later_*``).

    ``in_final`` says whether the final file has a row for the school at all.
    """
    frame = placed.set_index("urn", drop=False)
    results = _wide(final, KS4_MEASURES, newest_year(final, KS4_MEASURES))
    frame = frame.join(results)
    later = _wide(info, LATER_MEASURES, newest_year(info, LATER_MEASURES))
    frame = frame.join(later.rename(columns=lambda c: f"later_{c}"))
    for column in (*KS4_MEASURES, *(f"later_{m}" for m in LATER_MEASURES)):
        if column not in frame:
            frame[column] = float("nan")
        if f"{column}_status" not in frame:
            frame[f"{column}_status"] = pd.NA
    frame["in_final"] = frame["urn"].isin(results.index)
    frame["label"] = frame["name"]
    return frame.reset_index(drop=True)


def school_years(frames) -> dict[pd.Timestamp, set[str]]:
    """Academic year -> the KS4 measures with at least one school's value, over ``frames``."""
    held: dict[pd.Timestamp, set[str]] = {}
    for frame in frames:
        if frame is None or frame.empty:
            continue
        rows = frame[(frame["area_type"] == "school") & frame["value"].notna()]
        rows = rows[rows["measure"].str.startswith("ks4_")]
        for start, measures in rows.groupby("period_start")["measure"]:
            held.setdefault(pd.Timestamp(start), set()).update(measures)
    return dict(sorted(held.items()))
