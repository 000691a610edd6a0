"""MHCLG/DLUHC annual rough sleeping snapshot (autumn count or estimate), Table 1, 2010 onwards."""

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from dashboard.core.observations import ENGLAND, conform
from dashboard.topics.homelessness.sources.mhclg_la_codes import area_type, current_codes

MEASURE = "rough_sleepers_snapshot"
TABLE_1 = re.compile(r"table 1( total)?", re.IGNORECASE)  # "Table 1", "table 1", "Table 1 Total"
GSS = re.compile(r"E\d{8}")
FIRST_YEAR = 2010
# The 2016 tables print England and London with no code; 2022 puts region codes in column D.
UNCODED_AREAS = {"England": ENGLAND, "London": "E12000007"}
REGION_ROW_MARKER = "---"
SPECIAL_VALUES = {"..": "not available", "-": "not available", "": "blank in source"}


def _open(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types, one per format
        raise ValueError(f"{path.name}: cannot be read as a workbook ({error})") from error


def _year(cell: object) -> int | None:
    text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell).strip()
    return int(text) if re.fullmatch(r"20\d\d", text) else None


def _release(workbook: CalamineWorkbook, table: list[list], path: Path) -> str:
    """Publication date from the Contents sheet (2017 on) or the 'Latest update' line (2016)."""
    if "Contents" in workbook.sheet_names:
        rows = workbook.get_sheet_by_name("Contents").to_python(skip_empty_area=False)
        for cell in (cell for row in rows[:8] for cell in row):
            if isinstance(cell, dt.date):
                return cell.isoformat()[:10]
            if re.fullmatch(r"\d{1,2} [A-Z][a-z]+ 20\d\d", str(cell).strip()):
                return dt.datetime.strptime(str(cell).strip(), "%d %B %Y").date().isoformat()
    for row in table:
        if any(str(cell).strip().lower().startswith("latest update") for cell in row):
            dates = [cell for cell in row[1:] if isinstance(cell, dt.date)]
            if dates:
                return dates[0].strftime("%Y-%m")  # printed as a month, stored as its 1st day
    raise ValueError(f"{path.name}: no publication date in Contents or 'Latest update'")


def _read(path: Path) -> pd.DataFrame:
    workbook = _open(path)
    sheets = [name for name in workbook.sheet_names if TABLE_1.fullmatch(name.strip())]
    if len(sheets) != 1:
        raise ValueError(f"{path.name}: expected one Table 1 sheet, found {sheets}")
    rows = workbook.get_sheet_by_name(sheets[0]).to_python(skip_empty_area=False)
    header = next((i for i, row in enumerate(rows[:10]) if FIRST_YEAR in map(_year, row)), None)
    if header is None or "code" not in str(rows[header][0]).lower():
        raise ValueError(f"{path.name}: no header row with an ONS code column and {FIRST_YEAR}")
    years = {col: year for col, cell in enumerate(rows[header]) if (year := _year(cell))}
    if list(years.values()) != list(range(FIRST_YEAR, FIRST_YEAR + len(years))):
        raise ValueError(f"{path.name}: year columns are not consecutive: {list(years.values())}")
    release = _release(workbook, rows, path)

    records = []
    for row in rows[header + 1 :]:
        first = str(row[0]).strip()
        if GSS.fullmatch(first):
            code, name = first, str(row[1]).strip()
        elif first == REGION_ROW_MARKER and GSS.fullmatch(str(row[3]).strip()):
            code, name = str(row[3]).strip(), str(row[2]).strip()
        elif first == "" and str(row[1]).strip() in UNCODED_AREAS:
            code, name = UNCODED_AREAS[str(row[1]).strip()], str(row[1]).strip()
        else:
            continue  # "% change" lines, Rest of England, notes
        for col, year in years.items():
            cell = row[col]
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                value, status = float(cell), pd.NA
            elif str(cell).strip() in SPECIAL_VALUES:
                value, status = float("nan"), SPECIAL_VALUES[str(cell).strip()]
            else:
                raise ValueError(f"{path.name}: unexpected cell {cell!r} for {code} {year}")
            records.append((code, name, year, value, status))
    frame = pd.DataFrame(records, columns=["area_code", "area_name", "year", "value", "status"])
    # London is printed twice in 2017 (top block and region list), with the same figures.
    frame = frame.drop_duplicates(["area_code", "year"])
    return frame.assign(source_file=path.name, release=release)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    frame = pd.concat([_read(path) for path in paths], ignore_index=True)
    # Each release repeats the back series; the latest release wins for every area and year,
    # and areas abolished before it (e.g. Bournemouth, Poole) keep their older figures.
    frame = frame.sort_values("release", kind="stable").drop_duplicates(
        ["area_code", "year"], keep="last"
    )
    frame = frame.assign(
        dataset=dataset,
        measure=MEASURE,
        area_type=frame["area_code"].map(area_type),
        period_start=pd.to_datetime(frame["year"].astype(str) + "-10-01"),
        period_end=pd.to_datetime(frame["year"].astype(str) + "-11-30"),
        unit="count",
        status=frame["status"].astype("string"),
        release=frame["release"].astype("string"),
        source_file=frame["source_file"].astype("string"),
        current_area_code=current_codes(frame["area_code"]),
    )
    return {"observations": conform(frame.drop(columns="year"))}
