"""NHS England "Monthly A&E Time Series": England totals by month from August 2010."""

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import python_calamine

from dashboard.core import observations
from dashboard.core.observations import conform

ENGLAND = (observations.ENGLAND, "England")
_T1, _T2, _T3 = (
    "Type 1 Departments - Major A&E",
    "Type 2 Departments - Single Specialty",
    "Type 3 Departments - Other A&E/Minor Injury Unit",
)
# Exact headers of each sheet -> measure (None = not kept).
ACTIVITY = (
    ("Period", None),
    (_T1, "attendances_type1"),
    (_T2, "attendances_type2"),
    (_T3, "attendances_other"),
    ("Total Attendances", "attendances_all"),
    ("Emergency Admissions via Type 1 A&E", None),
    ("Emergency Admissions via Type 2 A&E", None),
    ("Emergency Admissions via Type 3 and 4 A&E", None),
    ("Total Emergency Admissions via A&E", "emergency_admissions_via_ae"),
    ("Other Emergency Admissions (i.e not via A&E)", "emergency_admissions_other"),
    ("Total Emergency Admissions", "emergency_admissions_all"),
    (
        "Number of patients spending >4 hours from decision to admit to admission",
        "waits_over_4h_dta",
    ),
    (
        "Number of patients spending >12 hours from decision to admit to admission",
        "waits_over_12h_dta",
    ),
)
PERFORMANCE = (
    ("Period", None),
    (_T1, None),
    (_T2, None),
    (_T3, None),
    ("Total Attendances < 4 hours", None),
    (_T1, "over_4h_type1"),
    (_T2, None),
    (_T3, None),
    ("Total Attendances > 4 hours", "over_4h_all"),
    ("Percentage in 4 hours or less (all)", "pct_within_4h_all"),
    ("Percentage in 4 hours or less (type 1)", "pct_within_4h_type1"),
    ("Percentage in 4 hours or less (type 2)", None),
    ("Percentage in 4 hours or less (type 3)", None),
)
SHEETS = {"Activity": ACTIVITY, "Performance": PERFORMANCE}
PERCENT_MEASURES = ("pct_within_4h_all", "pct_within_4h_type1")
FOUR_HOUR_MEASURES = ("over_4h_type1", "over_4h_all", *PERCENT_MEASURES)
# From the workbook's Notes sheet (notes 1-3).
ESTIMATED = (pd.Timestamp("2010-11-01"), pd.Timestamp("2015-05-01"))
STATUS_ESTIMATED = "estimated from weekly data"
CRS_FIELD_TEST = (pd.Timestamp("2019-05-01"), pd.Timestamp("2023-05-01"))
STATUS_EXCLUDES_FIELD_TEST = "excludes field-test trusts"


def _sheet(path: Path, workbook, name: str, columns) -> pd.DataFrame:
    if name not in workbook.sheet_names:
        raise ValueError(f"{path.name}: no sheet {name!r}")
    rows = workbook.get_sheet_by_name(name).to_python()
    header_at = next((i for i, r in enumerate(rows) if r and r[0] == "Period"), None)
    expected = [column for column, _ in columns]
    if header_at is None or [str(c).strip() for c in rows[header_at][: len(expected)]] != expected:
        raise ValueError(f"{path.name}: sheet {name!r} does not have the expected header")
    records = []
    for row in rows[header_at + 1 :]:
        if not any(str(cell).strip() for cell in row[: len(expected)]):
            continue
        if not isinstance(row[0], date | datetime):
            raise ValueError(f"{path.name}: sheet {name!r}: unexpected row {row[:3]!r}")
        for (_, measure), cell in zip(columns, row, strict=False):
            if measure is None:
                continue
            if isinstance(cell, str):
                raise ValueError(f"{path.name}: {name} {row[0]} {measure}: text {cell!r}")
            records.append((pd.Timestamp(row[0]), measure, float(cell)))
    return pd.DataFrame.from_records(records, columns=["period_start", "measure", "value"])


def read(path: Path, dataset: str) -> pd.DataFrame:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own types for corrupt files
        raise ValueError(f"{path.name}: cannot read workbook ({error})") from error
    frame = pd.concat(
        [_sheet(path, workbook, name, columns) for name, columns in SHEETS.items()],
        ignore_index=True,
    )
    percent = frame["measure"].isin(PERCENT_MEASURES)
    frame.loc[percent, "value"] *= 100
    frame["unit"] = "percent"
    frame.loc[~percent, "unit"] = "count"
    frame["status"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    month = frame["period_start"]
    frame.loc[month.between(*ESTIMATED), "status"] = STATUS_ESTIMATED
    in_field_test = month.between(*CRS_FIELD_TEST) & frame["measure"].isin(FOUR_HOUR_MEASURES)
    frame.loc[in_field_test, "status"] = STATUS_EXCLUDES_FIELD_TEST
    frame["period_end"] = month + pd.offsets.MonthEnd(0)
    frame["dataset"] = dataset
    frame["area_type"] = "country"
    frame["area_code"], frame["area_name"] = ENGLAND
    frame["source_file"] = path.name
    return frame


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    if not paths:
        raise ValueError(f"{dataset}: no time-series file given")
    frames = [read(path, dataset) for path in paths]
    out = pd.concat(frames, ignore_index=True)
    # Several editions: the one published last (latest file, by its last month) wins.
    out["last_month"] = out.groupby("source_file")["period_start"].transform("max")
    out = out.sort_values("last_month").drop_duplicates(["measure", "period_start"], keep="last")
    return {"observations": conform(out.drop(columns="last_month"))}
