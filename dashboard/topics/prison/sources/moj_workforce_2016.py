"""NOMS workforce statistics June 2016, Table 12: staff in post against benchmark by prison."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.prison.sources.moj_prison_common import COUNTRY_CODE, nomis_code

SHEET = "12 Benchmark vs SIP"
TITLE = (
    "Table 12: Staff in Post (Full Time Equivalent) and Benchmark Staffing Level, "
    "as at 30 June 2016"
)
SNAPSHOT = "2016-06-30"
# Row 4 (0-based 3) names the staff groups over four columns each; row 5 the four columns.
GROUP_ROW, HEADER_ROW, FIRST_ROW = 3, 4, 5
MARKER_COL, NAME_COL, FIRST_VALUE_COL = 1, 2, 3
GROUPS = {
    "Band 3-5 Officers": "band_3_5",
    "Operational Support Grade (OSG)": "osg",
    "Other Grades": "other_grades",
    "All Staff": "all_staff",
}
SUBHEADERS = ["Staff in Post", "Benchmark Target1", "Difference2", "% Diff"]
TOTAL_NAME = "Establishment Total"
TOTAL_AREA_NAME = "All public sector prisons, England and Wales"
NO_VALUE = "-"
# The sheet's own footnote markers (column B), kept as each row's status.
FOOTNOTES = {
    "C": "establishment not operational; no benchmark (excluded from the total)",
    "#": "no benchmark set (immigration removal centre, or Humber not yet benchmarked); "
    "figure is a staffing target",
    "#C": "immigration removal centre not operational; no benchmark",
    "3": "not yet fully staffed following re-opening; benchmark included in the total",
}
TOLERANCE = 1e-6


def _read(path: Path) -> pd.DataFrame:
    try:
        sheet = pd.read_excel(path, sheet_name=SHEET, header=None, engine="calamine")
    except ValueError as error:
        raise ValueError(f"{path.name}: no sheet {SHEET!r} ({error})") from error
    except Exception as error:  # calamine raises its own types for non-workbooks
        raise ValueError(f"{path.name}: not a readable workbook ({error})") from error
    if sheet.shape[1] < FIRST_VALUE_COL + 16 or str(sheet.iat[0, 1]).strip() != TITLE:
        raise ValueError(f"{path.name}: sheet {SHEET!r} does not start with {TITLE!r}")
    groups = [str(sheet.iat[GROUP_ROW, FIRST_VALUE_COL + 4 * i]).strip() for i in range(4)]
    subheaders = [
        str(v).strip() for v in sheet.iloc[HEADER_ROW, FIRST_VALUE_COL : FIRST_VALUE_COL + 16]
    ]
    if groups != list(GROUPS) or subheaders != SUBHEADERS * 4:
        raise ValueError(f"{path.name}: unexpected Table 12 headers {groups} / {subheaders}")
    names = sheet.iloc[FIRST_ROW:, NAME_COL].astype("string").str.strip()
    ends = names.index[names == TOTAL_NAME]
    if len(ends) != 1:
        raise ValueError(f"{path.name}: no single {TOTAL_NAME!r} row")
    return sheet.loc[FIRST_ROW : ends[0]]


def _values(rows: pd.DataFrame, column: int, path: Path) -> pd.Series:
    raw = rows[column]
    dash = raw.astype("string").str.strip() == NO_VALUE
    values = pd.to_numeric(raw.where(~dash), errors="coerce")
    bad = raw[values.isna() & ~dash]
    if not bad.empty:
        raise ValueError(f"{path.name}: unexpected cell {bad.iloc[0]!r} in Table 12")
    return values.astype("float64")


def _parse_file(path: Path) -> pd.DataFrame:
    rows = _read(path)
    names = rows[NAME_COL].astype("string").str.strip()
    markers = rows[MARKER_COL].astype("string").str.strip().fillna("")
    unknown = set(markers) - set(FOOTNOTES) - {""}
    if unknown:
        raise ValueError(f"{path.name}: unknown footnote marker(s) {sorted(unknown)}")
    is_total = names == TOTAL_NAME
    codes = names.map(lambda name: None if name == TOTAL_NAME else nomis_code(name, path))
    keep = is_total | codes.notna()
    base = pd.DataFrame(
        {
            "area_type": is_total.map({True: "country", False: "prison"}),
            "area_code": codes.where(~is_total, COUNTRY_CODE),
            "area_name": names.where(~is_total, TOTAL_AREA_NAME),
            "status": markers.map(FOOTNOTES).astype("string"),
        }
    )[keep]
    parts = []
    for i, group in enumerate(GROUPS.values()):
        first = FIRST_VALUE_COL + 4 * i
        staff, benchmark, difference, pct = (_values(rows, first + k, path)[keep] for k in range(4))
        with_benchmark = benchmark.notna()
        if ((staff - benchmark - difference).abs()[with_benchmark] > TOLERANCE).any() or (
            (difference / benchmark * 100 - pct).abs()[with_benchmark] > TOLERANCE
        ).any():
            raise ValueError(f"{path.name}: Table 12 differences do not add up for {group}")
        for measure, values, unit in (
            (f"staff_in_post_fte_{group}", staff, "count"),
            (f"benchmark_fte_{group}", benchmark, "count"),
            # A ratio rather than the sheet's % difference, which is negative when short-staffed.
            (f"staff_to_benchmark_ratio_{group}", staff / benchmark, "ratio"),
        ):
            parts.append(base.assign(measure=measure, value=values, unit=unit))
    return pd.concat(parts, ignore_index=True).assign(source_file=path.name)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    out = pd.concat([_parse_file(path) for path in paths], ignore_index=True)
    out = out.assign(dataset=dataset, period_start=SNAPSHOT, period_end=SNAPSHOT)
    return {"observations": conform(out)}
