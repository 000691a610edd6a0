"""NHS England monthly "A&E by provider" workbooks (.xls 2015-2024, .xlsx 2025): one month each."""

import re
from datetime import date
from pathlib import Path

import pandas as pd
import python_calamine

PROVIDER_SHEETS = ("A&E Data", "Provider Level Data")  # 2015-16 name, then 2017 onwards
NOT_APPLICABLE = ("-", "N/A")  # "-" also marks the CRS field test's unreported 4-hour cells
FOOTNOTE_START = "Note"  # some workbooks list non-submitting organisations under the data
ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
ENGLAND_CODE = "-"

_T1, _T2, _T3 = (
    "Type 1 Departments - Major A&E",
    "Type 2 Departments - Single Specialty",
    "Type 3 Departments - Other A&E/Minor Injury Unit",
)
_ID = (("Code", "code"), ("Region", "region"), ("Name", "name"))
_ATTENDANCES = ((_T1, "att_t1"), (_T2, "att_t2"), (_T3, "att_t3"), ("Total attendances", "att_all"))
_UNDER_4H = ((_T1, None), (_T2, None), (_T3, None), ("Total Attendances < 4 hours", None))
_OVER_4H = ((_T1, "br_t1"), (_T2, None), (_T3, None), ("Total Attendances > 4 hours", "br_all"))
_PCT_T1 = ("Percentage in 4 hours or less (type 1)", "pct_t1")
_PCT_ALL = ("Percentage in 4 hours or less (all)", "pct_all")
_PCT_T2_T3 = (
    ("Percentage in 4 hours or less (type 2)", None),
    ("Percentage in 4 hours or less (type 3)", None),
)
_ADMISSIONS = (
    ("Emergency Admissions via Type 1 A&E", None),
    ("Emergency Admissions via Type 2 A&E", None),
    ("Emergency Admissions via Type 3 and 4 A&E", None),
    ("Total Emergency Admissions via A&E", "adm_via_ae"),
    ("Other Emergency admissions (i.e not via A&E)", "adm_other"),
    ("Total Emergency Admissions", "adm_all"),
    ("Number of patients spending >4 hours from decision to admit to admission", "dta_4h"),
    ("Number of patients spending >12 hours from decision to admit to admission", "dta_12h"),
)
# From April 2018 the percentages come all-types first, then one per type.
_FOUR_HOURS_2018 = _UNDER_4H + _OVER_4H + (_PCT_ALL, _PCT_T1, *_PCT_T2_T3)
_ICB = (("", "icb"),)  # STP, later ICB, name in a last column without a header
# Exact header row (column B onwards) of each layout -> our field per column (None = not kept).
LAYOUTS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "2015": _ID + _ATTENDANCES + _OVER_4H + (_PCT_T1, _PCT_ALL) + _ADMISSIONS,
    "2017q1": _ID + _ATTENDANCES + _OVER_4H + (_PCT_T1, _PCT_ALL) + _ADMISSIONS + _ICB,
    "2017": _ID + _ATTENDANCES + _UNDER_4H + _OVER_4H + (_PCT_T1, _PCT_ALL) + _ADMISSIONS + _ICB,
    "2018": _ID + _ATTENDANCES + _FOUR_HOURS_2018 + _ADMISSIONS + _ICB,
}
COUNT_FIELDS = (
    "att_t1",
    "att_t2",
    "att_t3",
    "att_all",
    "br_t1",
    "br_all",
    "adm_via_ae",
    "adm_other",
    "adm_all",
    "dta_4h",
    "dta_12h",
)
PERCENT_FIELDS = ("pct_t1", "pct_all")  # fractions 0-1 in the file
MONTH_NAMES = ("january", "february", "march", "april", "may", "june") + (
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
# "Febuary" is how the 2015 workbooks spell it.
MONTH_SPELLINGS = {**MONTHS, "febuary": 2}


def _metadata(path: Path, rows: list[list]) -> dict[str, str]:
    meta = {}
    for row in rows[:16]:
        if row and isinstance(row[0], str) and row[0].endswith(":"):
            meta[row[0].rstrip(":")] = str(row[1]).strip() if len(row) > 1 else ""
    if "Period" not in meta:
        raise ValueError(f"{path.name}: no 'Period:' cell in the metadata block")
    return meta


def parse_period(path: Path, text: str) -> pd.Timestamp:
    match = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", text.strip())
    if not match or match.group(1).lower() not in MONTHS:
        raise ValueError(f"{path.name}: unreadable Period {text!r}")
    return pd.Timestamp(year=int(match.group(2)), month=MONTHS[match.group(1).lower()], day=1)


def parse_stated_date(path: Path, text: str) -> date | None:
    """'11th Febuary 2016', '11th August  2016' or '12/05/2016' -> a date; '' -> None."""
    text = " ".join(text.split())
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+) (\d{4})", text)
    if match and match.group(2).lower() in MONTH_SPELLINGS:
        day, month, year = match.groups()
        return date(int(year), MONTH_SPELLINGS[month.lower()], int(day))
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        day, month, year = match.groups()
        return date(int(year), int(month), int(day))
    raise ValueError(f"{path.name}: unreadable date {text!r} in the metadata block")


def _layout(path: Path, header: list) -> str:
    names = tuple(str(cell).strip() for cell in header)
    for name, columns in LAYOUTS.items():
        if names == tuple(column for column, _ in columns):
            return name
    raise ValueError(f"{path.name}: unknown provider-sheet header {names!r}")


def _read_rows(path: Path) -> list[list]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own types for corrupt files
        raise ValueError(f"{path.name}: cannot read workbook ({error})") from error
    sheet = next((s for s in PROVIDER_SHEETS if s in workbook.sheet_names), None)
    if sheet is None:
        raise ValueError(f"{path.name}: no provider sheet (found {workbook.sheet_names})")
    try:
        return workbook.get_sheet_by_name(sheet).to_python()
    except Exception as error:
        raise ValueError(f"{path.name}: cannot read sheet {sheet!r} ({error})") from error


def _data_rows(path: Path, rows: list[list], start: int) -> list[list]:
    kept = []
    for row in rows[start:]:
        first = str(row[0]).strip() if row else ""
        if not first and all(cell == "" for cell in row):
            continue
        if first.startswith(FOOTNOTE_START):
            break
        is_england = first == ENGLAND_CODE and str(row[2]).strip() == "England"
        if is_england or ODS_CODE.fullmatch(first):
            kept.append(row)
        else:
            raise ValueError(f"{path.name}: unexpected row {row[:3]!r} in the provider sheet")
    return kept


def _number(path: Path, code: str, field: str, cell) -> float:
    if isinstance(cell, str):
        if cell.strip() in NOT_APPLICABLE:
            return float("nan")
        raise ValueError(f"{path.name}: {code} {field}: unexpected text {cell!r}")
    return float(cell)


def read(path: Path) -> pd.DataFrame:
    """One row per provider plus England, our field names, NaN where the file shows - or N/A."""
    rows = _read_rows(path)
    meta = _metadata(path, rows)
    header_at = next((i for i, r in enumerate(rows) if r and r[0] == "Code"), None)
    if header_at is None:
        raise ValueError(f"{path.name}: no header row starting 'Code'")
    fields = LAYOUTS[_layout(path, rows[header_at])]
    records = []
    for row in _data_rows(path, rows, header_at + 1):
        code = str(row[0]).strip()
        record = {"code": code}
        for (_, field), cell in zip(fields, row, strict=False):
            if field in COUNT_FIELDS or field in PERCENT_FIELDS:
                record[field] = _number(path, code, field, cell)
            elif field in ("region", "name", "icb"):
                record[field] = str(cell).strip()
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    if (frame["code"] == ENGLAND_CODE).sum() != 1:
        raise ValueError(f"{path.name}: expected exactly one England row")
    if frame["code"].duplicated().any():
        dupes = ", ".join(frame.loc[frame["code"].duplicated(), "code"])
        raise ValueError(f"{path.name}: duplicated provider codes {dupes}")
    if "icb" not in frame:
        frame["icb"] = ""
    frame = frame.rename(columns={"att_t3": "att_other"}, errors="raise")
    for field in PERCENT_FIELDS:
        frame[field] = frame[field] * 100
    revised = parse_stated_date(path, meta.get("Revised", ""))
    published = parse_stated_date(path, meta.get("Published", ""))
    frame["month"] = parse_period(path, meta["Period"])
    frame["is_england"] = frame["code"] == ENGLAND_CODE
    frame["issued"] = pd.Timestamp(revised or published) if (revised or published) else pd.NaT
    frame["is_revision"] = revised is not None
    frame["source_file"] = path.name
    frame["format"] = "workbook"
    return frame
