"""Frames, headline figures and plain-English sentences for the A&E page (pure: no streamlit).

Every function takes the snapshot's shared frames and returns new ones: the inputs are never
mutated, because the app's cached frames are shared across sessions.
"""

import string
from dataclasses import dataclass

import pandas as pd

from dashboard.core import catalogue, observations, releases

DATASET = "nhse_ae_monthly"
HISTORY_DATASET = "nhse_ae_england_timeseries"
TRUST = "RX1"
TRUST_NAME = "Nottingham University Hospitals NHS Trust"
SHORT_NAME = "NUH"
ENGLAND = observations.ENGLAND
STANDARD_PCT = 95.0  # NHS Constitution: 95% of A&E patients within 4 hours, all types
COVID_MONTH = pd.Timestamp("2020-03-01")  # first national lockdown began 23 March 2020
FIELD_TEST_STATUS = "not reported (field test)"
PEER_COUNT_BY_SIZE = 10


def coverage_text(entry: dict | None) -> str:
    """The overview's line on what the A&E page covers, with the months the snapshot's monthly
    files span (the manifest's period range for them), so a refresh moves it on."""
    text = (
        f"NHS England monthly A&E statistics for {TRUST_NAME} ({TRUST}), against England and "
        "similar trusts"
    )
    if entry and entry.get("period_start") and entry.get("period_end"):
        first, last = pd.Timestamp(entry["period_start"]), pd.Timestamp(entry["period_end"])
        text += f", from {first:%B %Y} to {last:%B %Y}"
    return text + "."


@dataclass(frozen=True)
class InterimTarget:
    """A national 4-hour target short of the 95% standard, from NHS England's planning guidance."""

    pct: float
    due: pd.Timestamp  # the month the target is for
    year_start: pd.Timestamp  # start of the financial year it governs
    source: str
    url: str


# The 4-hour interim targets (all A&E types, England as a whole), from NHS England's planning
# guidance. 2025/26: "a minimum of 78% of patients admitted, discharged and transferred from ED
# within 4 hours in March 2026".
INTERIM_TARGETS = (
    InterimTarget(
        76.0,
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2023-04-01"),
        "NHS England, 2023/24 priorities and operational planning guidance (23 December 2022) "
        "and the urgent and emergency care recovery plan (January 2023)",
        "https://www.england.nhs.uk/publication/2023-24-priorities-and-operational-planning-guidance/",
    ),
    InterimTarget(
        78.0,
        pd.Timestamp("2025-03-01"),
        pd.Timestamp("2024-04-01"),
        "NHS England, 2024/25 priorities and operational planning guidance (27 March 2024)",
        "https://www.england.nhs.uk/long-read/2024-25-priorities-and-operational-planning-guidance/",
    ),
    InterimTarget(
        78.0,
        pd.Timestamp("2026-03-01"),
        pd.Timestamp("2025-04-01"),
        "NHS England, 2025/26 priorities and operational planning guidance (30 January 2025)",
        "https://www.england.nhs.uk/long-read/2025-26-priorities-and-operational-planning-guidance/",
    ),
)

# Labels are the catalogue's measure records (publications.toml), named once there.
MEASURE_LABELS = {
    m: catalogue.measure(m).label
    for m in (
        "pct_within_4h_all",
        "pct_within_4h_type1",
        "waits_over_12h_dta",
        "waits_over_4h_dta",
        "attendances_type1",
        "attendances_type2",
        "attendances_other",
        "attendances_all",
        "over_4h_type1",
        "over_4h_all",
        "emergency_admissions_via_ae",
        "emergency_admissions_other",
        "emergency_admissions_all",
    )
}
PCT_MEASURES = ("pct_within_4h_all", "pct_within_4h_type1")
# Short labels: each is also the link's ``ae_peers`` value. The help text says the rest.
PEER_CHOICES = {
    "region": "Trusts in the same NHS England region (Midlands)",
    "size": f"The {PEER_COUNT_BY_SIZE} trusts closest in size",
    "none": "No peer set",
}
PEER_HELP = (
    "Peers are trusts with a type 1 (major) emergency department. Size is type 1 attendances "
    "over the last 12 months. The choice applies to the trend, the rank and the download."
)
PEER_LEGEND = {"region": "Midlands trusts", "size": "similar-size trusts"}
# Runs of months in which NUH's "other A&E" attendances were far above their usual level: a
# change in what the trust's return covers, which moves all-types figures but not type 1.
OTHER_JUMP_FACTOR = 4.0
OTHER_JUMP_FLOOR = 1000.0


@dataclass(frozen=True)
class Slices:
    """The page's working sets, cut once from the 370k-row observations (read-only, shared).

    ``local``: every measure for NUH and England; ``ranked``: the 4-hour measures and type 1
    attendances for every provider (for peers and ranks); ``full``: everything (for exports).
    """

    local: pd.DataFrame
    ranked: pd.DataFrame
    full: pd.DataFrame


def slices(obs: pd.DataFrame) -> Slices:
    ranked = obs[obs["measure"].isin([*PCT_MEASURES, "attendances_type1"])]
    return Slices(obs[obs["area_code"].isin([TRUST, ENGLAND])], ranked, obs)


def month_text(month: pd.Timestamp) -> str:
    return f"{month:%B %Y}"


def fy_label(month: pd.Timestamp) -> str:
    start = month.year if month.month >= 4 else month.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def pick(obs: pd.DataFrame, measures, codes) -> pd.DataFrame:
    """Rows for some measures and areas, as a fresh frame."""
    measures = [measures] if isinstance(measures, str) else list(measures)
    codes = [codes] if isinstance(codes, str) else list(codes)
    rows = obs[obs["area_code"].isin(codes)]
    return rows[rows["measure"].isin(measures)].copy()


def series(obs: pd.DataFrame, measure: str, code: str) -> pd.DataFrame:
    """One area's monthly values for one measure, indexed by month (value, status, source_file)."""
    rows = pick(obs, measure, code).sort_values("period_start")
    return rows.set_index("period_start")[["value", "status", "source_file"]]


def months(obs: pd.DataFrame, code: str = TRUST) -> list[pd.Timestamp]:
    rows = pick(obs, "attendances_all", code)
    return sorted(rows["period_start"].unique())


def latest_month(obs: pd.DataFrame) -> pd.Timestamp:
    return months(obs)[-1]


def field_test_gap(obs: pd.DataFrame, code: str = TRUST) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last month with no 4-hour figures because of the field test, or (None, None)."""
    rows = pick(obs, "pct_within_4h_all", code)
    gap = rows[rows["status"] == FIELD_TEST_STATUS]["period_start"]
    if gap.empty:
        return None, None
    return gap.min(), gap.max()


def target_for(month: pd.Timestamp) -> InterimTarget:
    """The interim target governing a month (the latest one set, for months after them all)."""
    current = [t for t in INTERIM_TARGETS if t.year_start <= month]
    return current[-1] if current else INTERIM_TARGETS[0]


# --- headline tiles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureMonth:
    """One tile's numbers: a measure at the trust in a month, the same month a year earlier and
    England's figure. (The Overview's headlines are ``dashboard.headlines``; this is the A&E
    page's month-on-year view of each of its five measures.)"""

    measure: str
    label: str
    month: pd.Timestamp
    value: float | None
    previous: float | None
    england: float | None
    status: str | None
    previous_status: str | None

    @property
    def is_pct(self) -> bool:
        return self.measure in PCT_MEASURES

    @property
    def previous_month(self) -> pd.Timestamp:
        return self.month - pd.DateOffset(years=1)

    def fmt(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        return f"{value:.1f}%" if self.is_pct else f"{value:,.0f}"

    @property
    def value_text(self) -> str:
        return self.fmt(self.value)

    @property
    def delta_text(self) -> str | None:
        if self.value is None or self.previous is None:
            return None
        change = self.value - self.previous
        if self.is_pct:
            return f"{change:+.1f} pts"
        share = f" ({change / self.previous:+.0%})" if self.previous else ""
        return f"{change:+,.0f}{share}"

    @property
    def reference_text(self) -> str:
        parts = [f"England {self.fmt(self.england)}"]
        if self.measure == "pct_within_4h_all":
            target = target_for(self.month)
            parts += [f"target {target.pct:.0f}% by {target.due:%b %Y}", "standard 95%"]
        if self.measure == "pct_within_4h_type1":
            parts.append("no separate type 1 target")
        return " · ".join(parts)


def _value(frame: pd.DataFrame, month: pd.Timestamp) -> tuple[float | None, str | None]:
    if month not in frame.index:
        return None, "no return in the snapshot"
    row = frame.loc[month]
    value = None if pd.isna(row["value"]) else float(row["value"])
    status = None if pd.isna(row["status"]) else str(row["status"])
    return value, status


HEADLINE_MEASURES = (
    "pct_within_4h_all",
    "pct_within_4h_type1",
    "waits_over_12h_dta",
    "attendances_type1",
    "attendances_all",
)
TILE_LABELS = {m: catalogue.measure(m).short_label or MEASURE_LABELS[m] for m in HEADLINE_MEASURES}


def headlines(obs: pd.DataFrame, month: pd.Timestamp | None = None) -> list[MeasureMonth]:
    month = month or latest_month(obs)
    previous = month - pd.DateOffset(years=1)
    out = []
    for measure in HEADLINE_MEASURES:
        trust = series(obs, measure, TRUST)
        value, status = _value(trust, month)
        before, before_status = _value(trust, previous)
        england, _ = _value(series(obs, measure, ENGLAND), month)
        out.append(
            MeasureMonth(
                measure,
                MEASURE_LABELS[measure],
                month,
                value,
                before,
                england,
                status,
                before_status,
            )
        )
    return out


# --- peers ------------------------------------------------------------------------------------


def type1_trusts(trusts: pd.DataFrame) -> pd.DataFrame:
    """Providers still reporting, with type 1 attendances in the last 12 months."""
    current = trusts[trusts["latest_month"] == trusts["latest_month"].max()]
    return current[current["attendances_type1_12m"] > 0].copy()


def peer_table(trusts: pd.DataFrame, choice: str) -> pd.DataFrame:
    """The peer trusts for a choice in PEER_CHOICES (never including NUH itself)."""
    pool = type1_trusts(trusts)
    own = pool[pool["org_code"] == TRUST]
    others = pool[pool["org_code"] != TRUST]
    if choice == "region" and not own.empty:
        chosen = others[others["region"] == own["region"].iloc[0]]
    elif choice == "size" and not own.empty:
        size = float(own["attendances_type1_12m"].iloc[0])
        distance = (others["attendances_type1_12m"] - size).abs()
        chosen = others.assign(distance=distance).nsmallest(PEER_COUNT_BY_SIZE, "distance")
    else:
        chosen = others.iloc[0:0]
    return chosen.sort_values("attendances_type1_12m", ascending=False)[
        ["org_code", "org_name", "region", "attendances_type1_12m"]
    ].reset_index(drop=True)


# --- trend ------------------------------------------------------------------------------------


def trend_frame(
    obs: pd.DataFrame,
    measure: str,
    peer_codes: list[str],
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    """NUH, England and the peer median (with quartiles) for one measure, one row a month."""
    rows = obs[obs["measure"] == measure]
    rows = rows[(rows["period_start"] >= start) & (rows["period_start"] <= end)]
    frame = pd.DataFrame(index=pd.Index(sorted(rows["period_start"].unique()), name="month"))
    for code, name in ((TRUST, "nuh"), (ENGLAND, "england")):
        own = rows[rows["area_code"] == code].set_index("period_start")
        frame[name] = own["value"].reindex(frame.index)
        frame[f"{name}_status"] = own["status"].reindex(frame.index)
    peers = rows[rows["area_code"].isin(peer_codes)].dropna(subset=["value"])
    grouped = peers.groupby("period_start")["value"]
    frame["peer_median"] = grouped.median().reindex(frame.index)
    frame["peer_q1"] = grouped.quantile(0.25).reindex(frame.index)
    frame["peer_q3"] = grouped.quantile(0.75).reindex(frame.index)
    frame["peers_reporting"] = grouped.count().reindex(frame.index).fillna(0).astype(int)
    return frame.reset_index()


def trend_table(frame: pd.DataFrame, peer_label: str) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "Month": frame["month"].dt.strftime("%b %Y"),
            f"{SHORT_NAME} (RX1) %": frame["nuh"].round(1),
            "England %": frame["england"].round(1),
        }
    )
    if frame["peers_reporting"].any():
        table["Peer median %"] = frame["peer_median"].round(1)
        table["Peers reporting"] = frame["peers_reporting"]
    table[f"{SHORT_NAME} note"] = frame["nuh_status"].fillna("")
    table["England note"] = frame["england_status"].fillna("")
    return table.iloc[::-1].reset_index(drop=True)


def trend_sentence(frame: pd.DataFrame, measure: str) -> str:
    reported = frame.dropna(subset=["nuh"])
    if reported.empty:
        return f"{SHORT_NAME} reported no {MEASURE_LABELS[measure]} figures in the chosen months."
    first, last = reported.iloc[0], reported.iloc[-1]
    text = (
        f"**{MEASURE_LABELS[measure]}**: {SHORT_NAME} {first['nuh']:.1f}% in "
        f"{month_text(first['month'])}, {last['nuh']:.1f}% in {month_text(last['month'])}"
    )
    if pd.notna(last["england"]):
        gap = last["nuh"] - last["england"]
        side = "above" if gap > 0 else "below"
        text += f" ({abs(gap):.1f} points {side} England's {last['england']:.1f}%"
        if pd.notna(last["peer_median"]):
            text += f"; peer median {last['peer_median']:.1f}%"
        text += ")"
    missing = int(frame["nuh"].isna().sum())
    if missing:
        text += f". {missing} month(s) in this range have no {SHORT_NAME} figure (shaded)"
    return text + "."


# --- 12-hour waits and attendances ------------------------------------------------------------


def waits_frame(obs: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """12-hour decision-to-admit waits, also per 100 emergency admissions via A&E: NUH, England."""
    rows = pick(obs, ["waits_over_12h_dta", "emergency_admissions_via_ae"], [TRUST, ENGLAND])
    rows = rows[(rows["period_start"] >= start) & (rows["period_start"] <= end)]
    wide = rows.pivot_table(
        index="period_start", columns=["area_code", "measure"], values="value", dropna=False
    )
    out = pd.DataFrame(index=wide.index.rename("month"))
    for code, name in ((TRUST, "nuh"), (ENGLAND, "england")):
        waits = wide.get((code, "waits_over_12h_dta"))
        admissions = wide.get((code, "emergency_admissions_via_ae"))
        out[f"{name}_12h"] = waits
        out[f"{name}_admissions"] = admissions
        out[f"{name}_per_100"] = 100 * waits / admissions.where(admissions > 0)
    return out.reset_index()


def waits_table(frame: pd.DataFrame) -> pd.DataFrame:
    return (
        pd.DataFrame(
            {
                "Month": frame["month"].dt.strftime("%b %Y"),
                f"{SHORT_NAME} 12-hour waits": frame["nuh_12h"],
                f"{SHORT_NAME} admissions via A&E": frame["nuh_admissions"],
                f"{SHORT_NAME} per 100 admissions": frame["nuh_per_100"].round(1),
                "England per 100 admissions": frame["england_per_100"].round(1),
            }
        )
        .iloc[::-1]
        .reset_index(drop=True)
    )


def waits_sentence(frame: pd.DataFrame) -> str:
    rows = frame.dropna(subset=["nuh_12h"])
    if rows.empty:
        return f"No 12-hour wait figures for {SHORT_NAME} in the chosen months."
    peak = rows.loc[rows["nuh_12h"].idxmax()]
    last = rows.iloc[-1]
    text = (
        f"**12-hour waits from decision to admit**: {last['nuh_12h']:,.0f} at {SHORT_NAME} in "
        f"{month_text(last['month'])}"
    )
    if pd.notna(last["nuh_per_100"]) and pd.notna(last["england_per_100"]):
        text += (
            f" ({last['nuh_per_100']:.1f} per 100 emergency admissions via A&E; England "
            f"{last['england_per_100']:.1f})"
        )
    return text + (
        f"; the highest month in the range was {month_text(peak['month'])} "
        f"({peak['nuh_12h']:,.0f})."
    )


def attendances_frame(obs: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    measures = ["attendances_type1", "attendances_type2", "attendances_other", "attendances_all"]
    rows = pick(obs, measures, TRUST)
    rows = rows[(rows["period_start"] >= start) & (rows["period_start"] <= end)]
    wide = rows.pivot_table(index="period_start", columns="measure", values="value", dropna=False)
    return wide.reindex(columns=measures).rename_axis("month").reset_index()


def attendances_table(frame: pd.DataFrame) -> pd.DataFrame:
    return (
        pd.DataFrame(
            {
                "Month": frame["month"].dt.strftime("%b %Y"),
                "Type 1": frame["attendances_type1"],
                "Type 2": frame["attendances_type2"],
                "Other A&E": frame["attendances_other"],
                "All types": frame["attendances_all"],
            }
        )
        .iloc[::-1]
        .reset_index(drop=True)
    )


def other_episodes(obs: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp, float]]:
    """Runs of months when NUH's 'other A&E' attendances were far above their usual level."""
    other = series(obs, "attendances_other", TRUST)["value"].dropna()
    if other.empty:
        return []
    threshold = max(OTHER_JUMP_FLOOR, OTHER_JUMP_FACTOR * other.median())
    high = other > threshold
    runs, start = [], None
    for month, flag in high.items():
        if flag and start is None:
            start = month
        if not flag and start is not None:
            run = other[start:month][:-1]
            runs.append((start, run.index[-1], float(run.mean())))
            start = None
    if start is not None:
        run = other[start:]
        runs.append((start, run.index[-1], float(run.mean())))
    return runs


def other_episodes_sentence(obs: pd.DataFrame) -> str:
    runs = other_episodes(obs)
    if not runs:
        return ""
    usual = series(obs, "attendances_other", TRUST)["value"].median()
    spans = [
        f"{start:%B %Y}–{end:%B %Y} (about {mean:,.0f} a month)"
        if start != end
        else f"{start:%B %Y} ({mean:,.0f})"
        for start, end, mean in runs
    ]
    return (
        f"{SHORT_NAME}'s return counted far more 'other A&E' (type 3/4 unit) attendances in "
        f"{' and '.join(spans)} than usual (median {usual:,.0f} a month), a change in what the "
        "return covers rather than in demand. All-types attendances and the all-types 4-hour % "
        "jump in those months for that reason: compare type 1 figures across them."
    )


def attendances_sentence(frame: pd.DataFrame) -> str:
    rows = frame.dropna(subset=["attendances_type1"])
    if rows.empty:
        return f"No attendance figures for {SHORT_NAME} in the chosen months."
    last = rows.iloc[-1]
    peak = rows.loc[rows["attendances_type1"].idxmax()]
    return (
        f"**Attendances**: {last['attendances_type1']:,.0f} at {SHORT_NAME}'s type 1 emergency "
        f"department in {month_text(last['month'])} ({last['attendances_all']:,.0f} across all "
        f"types); the busiest type 1 month in the range was {month_text(peak['month'])} "
        f"({peak['attendances_type1']:,.0f})."
    )


# --- seasonal view ----------------------------------------------------------------------------

FY_MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
BASELINE_YEARS = ("2016/17", "2017/18", "2018/19")  # the last complete pre-pandemic years


def seasonal_frame(obs: pd.DataFrame, measure: str) -> pd.DataFrame:
    """NUH's months as financial year x month (April first, so each winter stays together)."""
    rows = series(obs, measure, TRUST).reset_index()
    rows["year"] = rows["period_start"].map(fy_label)
    rows["month"] = rows["period_start"].dt.strftime("%b")
    wide = rows.pivot_table(index="month", columns="year", values="value", dropna=False)
    wide = wide.reindex(FY_MONTHS)
    baseline = [y for y in BASELINE_YEARS if y in wide.columns]
    if baseline:
        wide[f"Average {baseline[0]} to {baseline[-1]}"] = wide[baseline].mean(axis=1, skipna=False)
    return wide


def seasonal_table(wide: pd.DataFrame, measure: str) -> pd.DataFrame:
    digits = 1 if measure in PCT_MEASURES else 0
    return wide.round(digits).rename_axis("Month").reset_index()


def seasonal_sentence(wide: pd.DataFrame, measure: str) -> str:
    years = [c for c in wide.columns if "/" in c and not c.startswith("Average")]
    latest = next((y for y in reversed(years) if wide[y].notna().any()), None)
    if latest is None:
        return ""
    worst_is_low = measure in PCT_MEASURES
    column = wide[latest].dropna()
    worst = column.idxmin() if worst_is_low else column.idxmax()
    value = column[worst]
    fmt = f"{value:.1f}%" if measure in PCT_MEASURES else f"{value:,.0f}"
    return (
        f"**Seasonal pattern, {MEASURE_LABELS[measure].lower()}**: each line is one financial "
        f"year (April to March). In {latest} so far, the {'lowest' if worst_is_low else 'highest'}"
        f" month was {worst} ({fmt})."
    )


# --- rank -------------------------------------------------------------------------------------


def rank_frame(
    obs: pd.DataFrame, trusts: pd.DataFrame, month: pd.Timestamp, measure: str
) -> pd.DataFrame:
    """Every provider with type 1 attendances that month and a figure for ``measure``, ranked."""
    rows = obs[(obs["period_start"] == month) & (obs["area_type"] == "trust")]
    type1 = rows[(rows["measure"] == "attendances_type1") & (rows["value"] > 0)]
    values = rows[(rows["measure"] == measure) & rows["area_code"].isin(type1["area_code"])]
    values = values.dropna(subset=["value"])
    region = trusts.set_index("org_code")["region"]
    out = pd.DataFrame(
        {
            "org_code": values["area_code"].to_numpy(),
            "org_name": values["area_name"].to_numpy(),
            "region": values["area_code"].map(region).to_numpy(),
            "value": values["value"].to_numpy(),
        }
    )
    out["rank"] = out["value"].rank(ascending=False, method="min").astype(int)
    return out.sort_values(["rank", "org_name"]).reset_index(drop=True)


def trust_name(name: str) -> str:
    """The publisher's capitals in title case, keeping NHS (and Children's, not Children'S)."""
    words = string.capwords(str(name)).split(" ")
    return " ".join(w.upper() if w.upper() in {"NHS", "UK"} else w for w in words)


def rank_table(ranked: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": ranked["rank"],
            "Trust": ranked["org_name"].map(trust_name),
            "ODS code": ranked["org_code"],
            "Region (latest)": ranked["region"],
            "4-hour %": ranked["value"].round(1),
        }
    )


def rank_sentence(
    ranked: pd.DataFrame, month: pd.Timestamp, measure: str, status: str | None
) -> str:
    own = ranked[ranked["org_code"] == TRUST]
    label = MEASURE_LABELS[measure]
    if own.empty:
        why = f" ({status})" if status else ""
        return (
            f"{SHORT_NAME} has no {label} figure for {month_text(month)}{why}, so it has no rank "
            f"that month; {len(ranked)} trusts with type 1 departments reported."
        )
    row = own.iloc[0]
    return (
        f"**Rank**: in {month_text(month)}, {SHORT_NAME} ({row['value']:.1f}%) ranked "
        f"{row['rank']} of {len(ranked)} trusts with type 1 departments on {label} "
        f"(1 = highest share within 4 hours). The median "
        f"trust: {ranked['value'].median():.1f}%."
    )


# --- export -----------------------------------------------------------------------------------

EXPORT_COLUMNS = [*observations.COLUMNS, "status", "source_file"]


def export_frame(
    obs: pd.DataFrame,
    measures: list[str],
    peer_codes: list[str],
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    """The observations behind the page's charts: NUH, England and the peers, chosen months."""
    rows = pick(obs, measures, [TRUST, ENGLAND, *peer_codes])
    rows = rows[(rows["period_start"] >= start) & (rows["period_start"] <= end)]
    role = {TRUST: "focus trust", ENGLAND: "England"} | dict.fromkeys(peer_codes, "peer")
    out = rows[EXPORT_COLUMNS].assign(role=rows["area_code"].map(role))
    order = {TRUST: 0, ENGLAND: 1}
    return (
        out.assign(_order=out["area_code"].map(order).fillna(2))
        .sort_values(["_order", "area_code", "measure", "period_start"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def history_frame(history: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """England's all-types 4-hour % from the time-series file and from the monthly files."""
    long = series(history, "pct_within_4h_all", ENGLAND).rename(
        columns={"value": "timeseries", "status": "timeseries_status"}
    )
    monthly = series(obs, "pct_within_4h_all", ENGLAND).rename(
        columns={"value": "monthly", "status": "monthly_status"}
    )
    frame = long[["timeseries", "timeseries_status"]].join(
        monthly[["monthly", "monthly_status"]], how="outer"
    )
    return frame.rename_axis("month").reset_index()


def scheduled_release(month: pd.Timestamp) -> pd.Timestamp:
    """NHS England's usual release day for a month's figures: the record's release rule."""
    rule = catalogue.get(DATASET).release_rule
    return pd.Timestamp(releases.scheduled_release(rule, (month + pd.offsets.MonthEnd(0)).date()))


def release_text(source_files: pd.DataFrame | None, month: pd.Timestamp) -> str:
    """Which file a month came from and when it was released (stated, or NHS England's schedule)."""
    if source_files is None:
        return ""
    used = source_files[(source_files["month"] == month) & source_files["used"]]
    if used.empty:
        return ""
    row = used.iloc[0]
    kind = "revised file" if row["is_revision"] else "file"
    if pd.notna(row["issued"]):
        when = f"released {row['issued']:%-d %B %Y} (date stated in the file)"
    else:
        when = (
            f"release date not stated in the file; NHS England's schedule puts it on "
            f"{scheduled_release(month):%-d %B %Y} (second Thursday of the following month)"
        )
    return f"{month_text(month)} figures from NHS England's {kind} {row['source_file']}; {when}."


def history_start(frame: pd.DataFrame) -> str:
    """'November 2010': the first month either England file holds in the history frame."""
    held = frame.loc[frame["monthly"].notna() | frame["timeseries"].notna(), "month"]
    return month_text(held.min()) if not held.empty else "no month held"


def history_sentence(frame: pd.DataFrame) -> str:
    either = frame["monthly"].fillna(frame["timeseries"])
    met = frame[either >= STANDARD_PCT]
    both = frame.dropna(subset=["timeseries", "monthly"])
    text = f"**England since {history_start(frame)}**: "
    if not met.empty:
        text += f"England last met the 95% standard in {month_text(met['month'].iloc[-1])}"
    last = frame.dropna(subset=["monthly"]).iloc[-1] if frame["monthly"].notna().any() else None
    if last is not None:
        text += f"; {last['monthly']:.1f}% in {month_text(last['month'])}"
    if not both.empty:
        diff = (both["timeseries"] - both["monthly"]).abs().max()
        text += (
            f". Where the time-series file and the monthly files overlap ("
            f"{both['month'].iloc[0]:%b %Y} to {both['month'].iloc[-1]:%b %Y}) they differ by at "
            f"most {diff:.2f} points (later revisions)"
        )
    return text + "."
