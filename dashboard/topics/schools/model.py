"""One row per Nottingham school, joined from the snapshot's school tables (pure, no streamlit)."""

import pandas as pd

from dashboard.core import observations

ENGLAND = observations.ENGLAND
NOTTINGHAM = "E06000018"

# The academic years each source covers in the snapshot (periods start on 1 September).
YEAR_2018_19 = pd.Timestamp("2018-09-01")
YEAR_2017_18 = pd.Timestamp("2017-09-01")

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


def _wide(observations: pd.DataFrame | None, measures, period: pd.Timestamp) -> pd.DataFrame:
    """URN-indexed values for ``measures`` in one period, with each measure's status."""
    if observations is None:
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
    frame = frame.join(_wide(census, ["pupils_on_roll"], YEAR_2018_19))
    frame = frame.join(_wide(ks4, KS4_MEASURES, YEAR_2018_19))
    frame = frame.join(_wide(absence, ABSENCE_MEASURES, YEAR_2018_19))
    ks2 = _wide(headlines, ["ks2_pct_rwm_expected", "ks2_pupils"], YEAR_2017_18)
    frame = frame.join(ks2.rename(columns=lambda c: c.replace("ks2_", "ks2_1718_")))
    frame = frame.join(latest_ofsted(ofsted))
    for measure in (*KS4_MEASURES, *ABSENCE_MEASURES, "pupils_on_roll"):
        if measure not in frame:
            frame[measure] = float("nan")
        if f"{measure}_status" not in frame:
            frame[f"{measure}_status"] = pd.NA
    for column in ("ks2_1718_pct_rwm_expected", "ks2_1718_pupils"):
        if column not in frame:
            frame[column] = float("nan")
    if "ks2_1718_pct_rwm_expected_status" not in frame:
        frame["ks2_1718_pct_rwm_expected_status"] = pd.NA
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
    if observations is None:
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


# --- GCSE results after 2018/19: placed by the publisher's own constituency column -----------

YEAR_2022_23 = pd.Timestamp("2022-09-01")
YEAR_2023_24 = pd.Timestamp("2023-09-01")
BANDS_2023_24 = ("ks4_progress8_band", "ks4_pupils")


def placed_by_publisher(school_tables, boundary_set: str, code: str) -> pd.DataFrame:
    """URN and name of each school a DfE file places in the seat (its own constituency column).

    Each file names one boundary set (2022/23: ``pcon2010_code``, 2023/24: ``pcon2024_code``);
    a file without the chosen set's column places no school.
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


def newer_ks4_frame(
    placed: pd.DataFrame, final: pd.DataFrame | None, info: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per placed school: 2022/23 final results, then 2023/24 band and cohort size.

    ``in_final`` says whether the 2022/23 file has a row for the school at all.
    """
    frame = placed.set_index("urn", drop=False)
    results = _wide(final, KS4_MEASURES, YEAR_2022_23)
    frame = frame.join(results)
    later = _wide(info, BANDS_2023_24, YEAR_2023_24)
    frame = frame.join(later.rename(columns=lambda c: f"y2324_{c}"))
    for column in (*KS4_MEASURES, *(f"y2324_{m}" for m in BANDS_2023_24)):
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
