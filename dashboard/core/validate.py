"""Checks on the observations table that gather every failure and raise once."""

import pandas as pd
import pandera.pandas as pa

from dashboard.core.observations import AREA_TYPES, COLUMNS, KEY, UNITS

GSS = r"^[EWSNK]\d{8}$"
AREA_CODE_PATTERNS = {
    "trust": r"^[A-Z0-9]{3,6}$",
    "prison": r"^[A-Z]{3}$",
    "school": r"^\d{6,7}$",
    **{code: GSS for code in AREA_TYPES if code not in ("trust", "prison", "school")},
}
# Oldest period any of our publications covers (rough sleeping from 2010) and a little headroom.
EARLIEST_PERIOD = pd.Timestamp("2000-01-01")
MAX_EXAMPLES = 5


class ValidationError(ValueError):
    """Every failed check of one table, listed together."""

    def __init__(self, label: str, failures: list[str]):
        self.failures = failures
        listed = "\n  - ".join(failures)
        super().__init__(f"{label}: {len(failures)} check(s) failed:\n  - {listed}")


SCHEMA = pa.DataFrameSchema(
    {
        "dataset": pa.Column("string", nullable=False),
        "measure": pa.Column("string", pa.Check.str_matches(r"^[a-z][a-z0-9_]*$")),
        "area_type": pa.Column("string", pa.Check.isin(AREA_TYPES)),
        "area_code": pa.Column("string", nullable=False),
        "area_name": pa.Column("string", nullable=True),
        "period_start": pa.Column("datetime64[s]", nullable=False),
        "period_end": pa.Column("datetime64[s]", nullable=False),
        "value": pa.Column("float64", nullable=True),
        "unit": pa.Column("string", pa.Check.isin(UNITS)),
    },
    strict=False,
    ordered=False,
)


def _examples(frame: pd.DataFrame, columns: list[str]) -> str:
    rows = frame[columns].head(MAX_EXAMPLES).astype(str).agg(" | ".join, axis=1)
    more = f" (and {len(frame) - MAX_EXAMPLES} more)" if len(frame) > MAX_EXAMPLES else ""
    return "; ".join(rows) + more


def schema_failures(frame: pd.DataFrame) -> list[str]:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    try:
        SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        return [
            f"column {row.column}: {row.check} failed for {row.failure_case!r}"
            for row in cases.head(20).itertuples()
        ]
    return []


def domain_failures(frame: pd.DataFrame) -> list[str]:
    failures: list[str] = []
    for area_type, pattern in AREA_CODE_PATTERNS.items():
        rows = frame[frame["area_type"] == area_type]
        bad = rows[~rows["area_code"].str.fullmatch(pattern).fillna(False)]
        if len(bad):
            failures.append(
                f"{len(bad)} {area_type} code(s) not matching {pattern}: "
                + _examples(bad.drop_duplicates("area_code"), ["area_code", "area_name"])
            )
    reversed_periods = frame[frame["period_start"] > frame["period_end"]]
    if len(reversed_periods):
        failures.append(
            f"{len(reversed_periods)} period(s) end before they start: "
            + _examples(reversed_periods, ["measure", "area_code", "period_start", "period_end"])
        )
    too_old = frame[frame["period_start"] < EARLIEST_PERIOD]
    too_new = frame[frame["period_end"] > pd.Timestamp.now() + pd.DateOffset(years=2)]
    for label, rows in (("before 2000", too_old), ("in the far future", too_new)):
        if len(rows):
            failures.append(
                f"{len(rows)} period(s) {label}: "
                + _examples(rows, ["measure", "area_code", "period_start"])
            )
    percent = frame[(frame["unit"] == "percent") & ~frame["value"].between(0, 100)]
    percent = percent[percent["value"].notna()]
    if len(percent):
        failures.append(
            f"{len(percent)} percentage(s) outside 0-100: "
            + _examples(percent, ["measure", "area_code", "period_start", "value"])
        )
    non_negative = frame["unit"].isin(["count", "rate_per_1000", "percent_of_capacity", "days"])
    negative = frame[non_negative & (frame["value"] < 0)]
    if len(negative):
        failures.append(
            f"{len(negative)} negative count(s) or rate(s): "
            + _examples(negative, ["measure", "area_code", "period_start", "value"])
        )
    duplicated = frame[frame.duplicated(KEY, keep=False)]
    if len(duplicated):
        failures.append(
            f"{len(duplicated)} rows share a key ({', '.join(KEY)}): "
            + _examples(duplicated, ["measure", "area_code", "period_start", "period_end"])
        )
    return failures


def validate_observations(frame: pd.DataFrame, *, label: str) -> pd.DataFrame:
    """Return the frame unchanged, or raise once listing every failed check."""
    failures = schema_failures(frame)
    if not failures:
        failures = domain_failures(frame)
    if failures:
        raise ValidationError(label, failures)
    return frame


def validate_dataset_ids(frame: pd.DataFrame, *, dataset_id: str, label: str) -> pd.DataFrame:
    others = sorted(set(frame["dataset"].dropna()) - {dataset_id})
    if others:
        raise ValidationError(label, [f"rows belong to other datasets: {', '.join(others)}"])
    return frame
