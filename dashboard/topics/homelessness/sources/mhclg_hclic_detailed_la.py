"""MHCLG statutory homelessness detailed local authority tables (H-CLIC), one file per quarter."""

import datetime as dt
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from dashboard.core.observations import conform
from dashboard.topics.homelessness.sources.mhclg_la_codes import area_type, current_codes

WORKBOOK_SUFFIXES = (".xlsx", ".ods")
DERIVED_PREFIX = "DERIVED_hclic_headlines"
FILE_QUARTER = re.compile(r"_(20\d\d)(03|06|09|12)(?=[_.])")
GSS = re.compile(r"E\d{8}")
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

# Sheet names drift: "A1 - Apr-Jun 18" (2018-19), then "A1"; "TA1_" in some 2021-22 files; "A2p".
SHEETS = {
    "A1": r"A1(?: - .+)?",
    "A2": r"A2(?: - .+)?",  # prevention and relief together, April 2018 to June 2020
    "A2P": r"A2[Pp]_?",
    "A2R": r"A2R_?",
    "A5P": r"A5P_?(?: - .+)?",
    "A5R": r"A5R_?(?: - .+)?",
    "TA1": r"TA1_?(?: - .+)?",
}

# Cell symbols, from the tables' own notes. Values become NaN, never 0.
SPECIAL_VALUES = {
    "..": "not available: missing or incomplete return",
    "-": "suppressed",
    "": "blank in source",
}
DERIVED_STATUS = "derived: not from an official workbook"

# 0-based column -> (measure, text its header must contain). The positions have not moved since
# 2018; the header check makes a future move fail loudly instead of shifting measures.
A1_COLUMNS = {
    4: ("households_assessed", r"total (initial assessments|number of households assessed)"),
    6: ("households_owed_duty", r"owed a duty"),
    7: ("households_prevention_duty", r"prevention duty owed"),
    8: ("households_prevention_duty_section_21", r"section 21"),
    9: ("households_relief_duty", r"relief duty owed"),
}
A1_DENOMINATOR = r"number of households\s*in area"  # absent before April-June 2019
TA1_DENOMINATOR = "households_in_area"
TA1_COLUMNS = {
    4: ("households_in_temporary_accommodation", r"households in (ta|temporary accommodation)"),
    5: (TA1_DENOMINATOR, r"number of households.*\(000s\)"),
    7: ("households_in_ta_with_children", r"households in ta with children"),
    8: ("children_in_temporary_accommodation", r"children in ta"),
    10: ("households_in_bed_and_breakfast", r"bed and breakfast"),
    11: ("households_in_bed_and_breakfast_with_children", r"with children"),
    12: ("households_with_children_in_bed_and_breakfast_over_6_weeks", r"more than 6 weeks"),
    16: ("households_in_ta_nightly_paid", r"nightly paid"),
    19: ("households_in_ta_hostel", r"hostel"),
    22: ("households_in_ta_private_sector_leased", r"private sector accommodation leased"),
    25: ("households_in_ta_social_housing", r"la/ha"),
    28: ("households_in_ta_other", r"any other type"),
    31: ("households_in_ta_in_another_district", r"another local authority district"),
}
# A5P/A5R: household type groups (sex breakdowns summed), first column's header checked.
HOUSEHOLD_TYPES = {
    "household_type_single_parent_with_children": ((7, 9, 11), r"single parent"),
    "household_type_single_adult": ((14, 16, 18), r"single adult"),
    "household_type_couple_with_children": ((21,), r"two adults with dependent children"),
    "household_type_couple_without_children": ((23,), r"two adults without dependent children"),
    "household_type_three_or_more_adults_with_children": ((25,), r"three or more adults with "),
    "household_type_three_or_more_adults_without_children": (
        (27,),
        r"three or more adults without",
    ),
    "household_type_not_known": ((29,), r"not known"),
}
# A2/A2P/A2R: top-level reasons, found by name because their columns moved in October 2023.
REASONS = (
    (r"end of assured shorthold", "reason_end_of_private_rented_tenancy_ast"),
    (r"end of non-ast private rented", "reason_end_of_private_rented_tenancy_non_ast"),
    (r"family or friends no longer willing", "reason_family_or_friends_no_longer_willing_or_able"),
    (r"non-violent relationship breakdown", "reason_relationship_breakdown_non_violent"),
    (r"domestic abuse", "reason_domestic_abuse"),
    (r"other violence or harr?assment", "reason_other_violence_or_harassment"),
    (r"end of social rented tenancy", "reason_end_of_social_rented_tenancy"),
    (r"eviction from supported housing", "reason_eviction_from_supported_housing"),
    (r"left institution|departure from institution", "reason_left_institution"),
    (r"accommodation provided by home office", "reason_left_asylum_support_accommodation"),
    (r"home no longer suitable", "reason_home_no_longer_suitable_disability_or_ill_health"),
    (r"resettlement scheme", "reason_loss_of_resettlement_scheme_placement"),
    (r"other reasons / not known", "reason_other_or_not_known"),
)
REASON_CATEGORY_ROW = r"total owed an? (prevention|relief)"
# Rates per 1,000 households: the tables print some (from unrounded counts); the others are
# count / households in area (000s), the denominator the same tables print.
RATES = {  # rate measure -> (count measure, header of the printed rate column or None)
    "households_owed_duty_per_1000": ("households_owed_duty", None),
    "households_prevention_duty_per_1000": (
        "households_prevention_duty",
        r"assessed as threatened with homelessness\s*per",  # printed from April-June 2019
    ),
    "households_relief_duty_per_1000": (
        "households_relief_duty",
        r"assessed as homeless\s*per",
    ),
}
TA_RATE = (
    "households_in_temporary_accommodation_per_1000",
    "households_in_temporary_accommodation",
)
TA_RATE_COLUMN = (6, r"households in ta per \(000s\)")
# A printed rate further than this from count / households is a publisher's slip (England's
# relief rate for April-June 2020 is printed as 0.62 for 38,040 households out of 23.5 million).
RATE_TOLERANCE = 0.02
CALCULATED = "calculated: count / households in area (000s); no rate printed"
CORRECTED = "calculated: the printed rate {:.3f} disagrees with count / households in area"
DERIVED_MEASURES = {
    "total_initial_assessments": "households_assessed",
    "total_owed_prevention_or_relief_duty": "households_owed_duty",
    "owed_prevention_duty": "households_prevention_duty",
    "owed_prevention_duty_of_which_section21": "households_prevention_duty_section_21",
    "owed_relief_duty": "households_relief_duty",
    "households_in_temporary_accommodation": "households_in_temporary_accommodation",
    "households_in_TA_with_children": "households_in_ta_with_children",
    "children_in_TA": "children_in_temporary_accommodation",
}
DERIVED_COLUMNS = [
    "quarter",
    "geography_code",
    "geography_name",
    "table",
    "measure",
    "value",
    "value_note",
    "source_file",
]


Cells = tuple[np.ndarray, np.ndarray]  # float values (NaN for symbols), status (None = normal)
Measures = dict[str, Cells]


class Table:
    """One sheet split into header rows and data rows keyed by GSS code."""

    def __init__(self, workbook: CalamineWorkbook, sheet: str, path: Path):
        self.where = f"{path.name}, sheet {sheet}"
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        keys = [str(row[0]).strip() if row else "" for row in rows]
        data = [i for i, key in enumerate(keys) if GSS.fullmatch(key)]
        if not data:
            raise ValueError(f"{self.where}: no rows with an ONS code in column A")
        width = max(len(row) for row in rows)
        self.header = [
            [str(cell) for cell in row] + [""] * (width - len(row)) for row in rows[: data[0]]
        ]
        # London is printed twice (top block and region list), with the same figures.
        seen: dict[str, int] = {}
        for i in data:
            seen.setdefault(keys[i], i)
        self.rows = [rows[i] + [""] * (width - len(rows[i])) for i in seen.values()]
        self.codes = pd.Index(list(seen), dtype=object)
        self.names = {row[0].strip(): str(row[1]).strip() for row in self.rows}

    def header_text(self, column: int) -> str:
        cells = [row[column] for row in self.header[1:] if column < len(row)]  # row 0: title
        return re.sub(r"\s+", " ", " ".join(cells)).strip().lower()

    def expect(self, column: int, pattern: str) -> None:
        if not re.search(pattern, self.header_text(column)):
            raise ValueError(
                f"{self.where}: column {column} header {self.header_text(column)!r} "
                f"does not match {pattern!r}; the layout has changed"
            )

    def find(self, pattern: str, start: int = 0) -> int | None:
        width = len(self.header[0]) if self.header else 0
        return next(
            (c for c in range(start, width) if re.search(pattern, self.header_text(c))), None
        )

    def column(self, column: int) -> Cells:
        values = np.full(len(self.rows), np.nan)
        status = np.full(len(self.rows), None, dtype=object)
        for i, row in enumerate(self.rows):
            cell = row[column]
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                values[i] = cell
                continue
            text = "" if cell is None else str(cell).strip()
            if text not in SPECIAL_VALUES:
                raise ValueError(f"{self.where}: unexpected cell {text!r} in column {column}")
            status[i] = SPECIAL_VALUES[text]
        return values, status


def _sum(parts: list[Cells]) -> Cells:
    """Sum of published parts; NaN (with the first part's reason) when any part is missing."""
    total = np.sum([values for values, _ in parts], axis=0)  # NaN if any part is NaN
    status = parts[0][1].copy()
    for _, other in parts[1:]:
        empty = status == None  # noqa: E711 (elementwise on an object array)
        status[empty] = other[empty]
    return total, status


def _align(cells: Cells, codes: pd.Index, target: pd.Index) -> Cells:
    if codes.equals(target):
        return cells
    where = codes.get_indexer(target)
    values = np.where(where >= 0, cells[0][where], np.nan)
    status = np.where(where >= 0, cells[1][where], "not available: missing from one of the tables")
    return values, status.astype(object)


def _open(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types, one per format
        raise ValueError(f"{path.name}: cannot be read as a workbook ({error})") from error


def _sheets(workbook: CalamineWorkbook, path: Path) -> dict[str, str]:
    found = {}
    for key, pattern in SHEETS.items():
        matches = [name for name in workbook.sheet_names if re.fullmatch(pattern, name.strip())]
        if len(matches) > 1:
            raise ValueError(f"{path.name}: several sheets match {key}: {matches}")
        if matches:
            found[key] = matches[0]
    missing = [key for key in ("A1", "A5P", "A5R", "TA1") if key not in found]
    if "A2" not in found and not {"A2P", "A2R"} <= set(found):
        missing.append("A2 or A2P+A2R")
    if missing:
        raise ValueError(f"{path.name}: sheets not found: {', '.join(missing)}")
    return found


def _release(cell: object) -> str:
    """ISO date of the release printed on the Contents sheet, '(revised)' kept when stated."""
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()[:10]
    text = str(cell)
    cleaned = re.sub(r"(?i)revised|[()*]", "", text)
    cleaned = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", cleaned)
    cleaned = re.sub(r"(?i)^\s*[a-z]+day,", "", cleaned).strip()
    if re.fullmatch(r"[A-Za-z]+ \d{4}", cleaned):
        iso = dt.datetime.strptime(cleaned, "%B %Y").strftime("%Y-%m")
    else:
        iso = pd.to_datetime(cleaned, dayfirst=True).date().isoformat()
    return iso + (" (revised)" if "revis" in text.lower() else "")


def _quarter(path: Path, workbook: CalamineWorkbook) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """Quarter from the file name, checked against the Contents sheet; and the release."""
    match = FILE_QUARTER.search(path.name)
    if not match:
        raise ValueError(f"{path.name}: no YYYYMM quarter in the file name")
    end = pd.Timestamp(int(match[1]), int(match[2]), 1) + pd.offsets.MonthEnd(0)
    start = end - pd.offsets.MonthBegin(3)
    if "Contents" not in workbook.sheet_names:
        raise ValueError(f"{path.name}: no Contents sheet")
    rows = workbook.get_sheet_by_name("Contents").to_python(skip_empty_area=False)

    def cell(row: int, col: int) -> object:
        return rows[row][col] if len(rows) > row and len(rows[row]) > col else ""

    if "statutory homelessness" not in str(cell(3, 3)).lower():
        raise ValueError(f"{path.name}: Contents!D4 is {cell(3, 3)!r}, not the H-CLIC title")
    period = str(cell(4, 3))
    if str(end.year) not in period or MONTHS[end.month - 1] not in period:
        raise ValueError(f"{path.name}: Contents!D5 says {period!r}, not the file name's quarter")
    return start, end, _release(cell(6, 3))


def _fixed(table: Table, columns: dict[int, tuple[str, str]]) -> Measures:
    out = {}
    for column, (measure, pattern) in columns.items():
        table.expect(column, pattern)
        out[measure] = table.column(column)
    return out


def _household_types(table: Table) -> Measures:
    out = {}
    for measure, (columns, pattern) in HOUSEHOLD_TYPES.items():
        table.expect(columns[0], pattern)
        out[measure] = _sum([table.column(column) for column in columns])
    return out


def _reasons(table: Table) -> Measures:
    rows = [row for row in table.header if re.match(REASON_CATEGORY_ROW, row[4].strip().lower())]
    if len(rows) != 1:
        raise ValueError(f"{table.where}: cannot find the reasons header row")
    out = {}
    for column in range(6, len(rows[0])):
        label = re.sub(r"\s+", " ", rows[0][column]).strip().lower()
        if not label:
            continue
        measures = [measure for pattern, measure in REASONS if re.search(pattern, label)]
        if len(measures) != 1 or measures[0] in out:
            raise ValueError(f"{table.where}: unknown reason column {column} {label!r}")
        out[measures[0]] = table.column(column)
    return out


def _combine(tables: list[Table], read) -> tuple[pd.Index, Measures]:
    """Measures summed across tables (prevention + relief), aligned on the area code."""
    parts = [read(table) for table in tables]
    if any(part.keys() != parts[0].keys() for part in parts):
        raise ValueError(f"{tables[0].where}: prevention and relief tables differ in categories")
    codes = tables[0].codes
    for table in tables[1:]:
        codes = codes.union(table.codes, sort=False)
    out = {}
    for measure in parts[0]:
        cells = [
            _align(part[measure], t.codes, codes) for part, t in zip(parts, tables, strict=True)
        ]
        out[measure] = _sum(cells) if len(cells) > 1 else cells[0]
    return codes, out


def _rate(count: Cells, thousands: np.ndarray, printed: Cells | None) -> Cells:
    """The printed rate when there is one and it agrees with count / households; else the latter."""
    with np.errstate(divide="ignore", invalid="ignore"):
        calculated = count[0] / thousands
    calculated[~np.isfinite(calculated)] = np.nan
    status = count[1].copy()
    if printed is None:
        rate = calculated
        status[~np.isnan(rate)] = CALCULATED
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            off = np.abs(printed[0] / calculated - 1) > RATE_TOLERANCE
        rate = np.where(off | np.isnan(printed[0]), calculated, printed[0])
        for i in np.flatnonzero(off):
            status[i] = CORRECTED.format(printed[0][i])
        status[np.isnan(printed[0]) & ~np.isnan(rate)] = CALCULATED
    status[np.isnan(rate) & (status == None)] = "not available: no households figure"  # noqa: E711
    return rate, status


def _block(codes: pd.Index, measures: Measures, unit: str, start, end) -> dict[str, np.ndarray]:
    n = len(codes)
    return {
        "area_code": np.tile(codes.to_numpy(object), len(measures)),
        "measure": np.repeat(np.array(list(measures), dtype=object), n),
        "value": np.concatenate([values for values, _ in measures.values()]),
        "status": np.concatenate([status for _, status in measures.values()]),
        "unit": np.full(n * len(measures), unit, dtype=object),
        "period_start": np.full(n * len(measures), start),
        "period_end": np.full(n * len(measures), end),
    }


def _parse_workbook(path: Path) -> tuple[pd.Timestamp, str, pd.DataFrame]:
    workbook = _open(path)
    start, end, release = _quarter(path, workbook)
    sheets = _sheets(workbook, path)
    a1, ta1 = Table(workbook, sheets["A1"], path), Table(workbook, sheets["TA1"], path)
    flows, stocks = _fixed(a1, A1_COLUMNS), _fixed(ta1, TA1_COLUMNS)
    keys = ["A2"] if "A2" in sheets else ["A2P", "A2R"]
    reason_codes, reasons = _combine([Table(workbook, sheets[k], path) for k in keys], _reasons)
    type_codes, types = _combine(
        [Table(workbook, sheets[k], path) for k in ("A5P", "A5R")], _household_types
    )

    # Before April-June 2019 A1 printed no households figure: use TA1's, from the same release.
    households = stocks.pop(TA1_DENOMINATOR)
    column = a1.find(A1_DENOMINATOR, start=10)
    if column is not None:
        thousands = a1.column(column)[0]
    else:
        thousands = _align(households, ta1.codes, a1.codes)[0]
    rates = {}
    for rate, (count, header) in RATES.items():
        printed = a1.find(header, start=10) if header else None
        cells = a1.column(printed) if printed is not None else None
        rates[rate] = _rate(flows[count], thousands, cells)
    ta_rate, ta_count = TA_RATE
    ta1.expect(*TA_RATE_COLUMN)
    ta_rates = {ta_rate: _rate(stocks[ta_count], households[0], ta1.column(TA_RATE_COLUMN[0]))}
    households = {TA1_DENOMINATOR: (np.round(households[0] * 1000), households[1])}

    blocks = [
        _block(a1.codes, flows, "count", start, end),
        _block(a1.codes, rates, "rate_per_1000", start, end),
        _block(reason_codes, reasons, "count", start, end),
        _block(type_codes, types, "count", start, end),
        _block(ta1.codes, households, "count", start, end),
        _block(ta1.codes, stocks, "count", end, end),
        _block(ta1.codes, ta_rates, "rate_per_1000", end, end),
    ]
    out = pd.DataFrame({key: np.concatenate([b[key] for b in blocks]) for key in blocks[0]})
    names = {**ta1.names, **a1.names}
    out["area_name"] = out["area_code"].map(names)
    return end, release, out.assign(source_file=path.name, release=release)


def _parse_derived(path: Path, covered: set[pd.Timestamp]) -> pd.DataFrame:
    """Headline rows from the helper-made CSV, only for quarters with no workbook present."""
    try:
        frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ValueError(f"{path.name}: cannot be read as CSV ({error})") from error
    missing = [c for c in DERIVED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing}")
    unknown = set(frame["measure"]) - set(DERIVED_MEASURES)
    if unknown:
        raise ValueError(f"{path.name}: unknown measures {sorted(unknown)}")
    quarter = pd.PeriodIndex(frame["quarter"], freq="Q")
    end = quarter.end_time.normalize()
    frame = frame.assign(period_end=end, period_start=quarter.start_time)
    frame = frame[~frame["period_end"].isin(covered)]
    stock = frame["table"].eq("TA1")
    value = pd.to_numeric(frame["value"].replace("", pd.NA), errors="raise").astype("float64")
    note = frame["value_note"].map(lambda s: SPECIAL_VALUES.get(s.strip(), s) if s else "")
    return pd.DataFrame(
        {
            "measure": frame["measure"].map(DERIVED_MEASURES),
            "area_code": frame["geography_code"],
            "area_name": frame["geography_name"],
            "period_start": frame["period_start"].where(~stock, frame["period_end"]),
            "period_end": frame["period_end"],
            "value": value,
            "unit": "count",
            "status": (DERIVED_STATUS + "; " + note).where(note != "", DERIVED_STATUS),
            "source_file": path.name,
            "release": pd.NA,
        }
    )


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    workbooks = [p for p in paths if p.suffix.lower() in WORKBOOK_SUFFIXES]
    derived = [p for p in paths if p.name.startswith(DERIVED_PREFIX)]
    others = set(paths) - set(workbooks) - set(derived)
    if others:
        raise ValueError(f"unexpected files for {dataset}: {sorted(p.name for p in others)}")
    # calamine releases the GIL while it unzips and parses, so threads overlap the .ods reads.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        parsed = list(pool.map(_parse_workbook, workbooks))
    # A quarter may come in several releases (first and revised): the latest release wins.
    latest: dict[pd.Timestamp, tuple[str, pd.DataFrame]] = {}
    for end, release, frame in parsed:
        if end not in latest or release > latest[end][0]:
            latest[end] = (release, frame)
    frames = [frame for _, frame in latest.values()]
    frames += [_parse_derived(path, set(latest)) for path in derived]
    out = pd.concat(frames, ignore_index=True)
    codes = pd.Series(out["area_code"].unique())
    out = out.assign(
        dataset=dataset,
        area_type=out["area_code"].map(dict(zip(codes, codes.map(area_type), strict=True))),
        current_area_code=out["area_code"]
        .map(dict(zip(codes, current_codes(codes), strict=True)))
        .astype("string"),
        source_file=out["source_file"].astype("string"),
        status=out["status"].astype("string"),
        release=out["release"].astype("string"),
    )
    return {"observations": conform(out)}
