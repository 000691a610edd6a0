"""Checks on the observations table that gather every failure and raise once."""

import pandas as pd

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


# The contract's dtypes (observations.conform gives them) and which columns may hold nulls.
# Plain pandas, not a schema library: nine column checks did not earn pandera's 17 MB.
DTYPES = {
    "dataset": "string",
    "measure": "string",
    "area_type": "string",
    "area_code": "string",
    "area_name": "string",
    "period_start": "datetime64[s]",
    "period_end": "datetime64[s]",
    "value": "float64",
    "unit": "string",
}
NULLABLE = {"area_name", "value"}
MEASURE_ID = r"^[a-z][a-z0-9_]*$"


def _examples(frame: pd.DataFrame, columns: list[str]) -> str:
    rows = frame[columns].head(MAX_EXAMPLES).astype(str).agg(" | ".join, axis=1)
    more = f" (and {len(frame) - MAX_EXAMPLES} more)" if len(frame) > MAX_EXAMPLES else ""
    return "; ".join(rows) + more


def _listed(values: pd.Series) -> str:
    unique = values.drop_duplicates()
    shown = ", ".join(repr(v) for v in unique.head(MAX_EXAMPLES))
    return shown + (
        f" (and {len(unique) - MAX_EXAMPLES} more)" if len(unique) > MAX_EXAMPLES else ""
    )


def schema_failures(frame: pd.DataFrame) -> list[str]:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    failures = [
        f"column {column}: dtype {frame[column].dtype}, expected {dtype}"
        for column, dtype in DTYPES.items()
        if str(frame[column].dtype) != dtype
        and not (dtype == "string" and pd.api.types.is_string_dtype(frame[column]))
    ]
    if failures:  # the value checks below assume the right dtypes
        return failures
    for column in DTYPES.keys() - NULLABLE:
        nulls = int(frame[column].isna().sum())
        if nulls:
            failures.append(f"column {column}: {nulls} null value(s)")
    bad_measure = frame["measure"][~frame["measure"].str.fullmatch(MEASURE_ID).fillna(False)]
    if len(bad_measure):
        failures.append(f"column measure: not a snake_case id: {_listed(bad_measure)}")
    for column, allowed in (("area_type", AREA_TYPES), ("unit", UNITS)):
        unknown = frame[column][~frame[column].isin(allowed)]
        if len(unknown):
            failures.append(f"column {column}: unknown value(s) {_listed(unknown)}")
    return failures


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
    # unique() first: a set of every row's text took a fifth of a second on A&E's rows.
    others = sorted(set(frame["dataset"].dropna().unique()) - {dataset_id})
    if others:
        raise ValidationError(label, [f"rows belong to other datasets: {', '.join(others)}"])
    return frame
