"""DWP Stat-Xplore .xlsx table exports: row fields down the side, column fields across the top."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.topics.uc.sources import statxplore_common as common

DATA_SHEET_PREFIX = "Data Sheet"
# 0-based rows of the heading block in every Data Sheet.
TITLE_ROW, COUNTING_ROW, FIRST_FIELD_ROW = 2, 4, 6
LEGEND_HEADER = "Symbol"
SUFFIXES = (".xlsx",)


def _text(value) -> str:
    return "" if pd.isna(value) else str(value).strip()


def _sheets(path: Path) -> dict[str, pd.DataFrame]:
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, engine="calamine", dtype=object)
    except Exception as error:  # calamine raises its own types for anything not a workbook
        raise ValueError(f"{path.name}: not a readable workbook ({error})") from error
    sheets = {name: frame for name, frame in book.items() if name.startswith(DATA_SHEET_PREFIX)}
    if not sheets:
        raise ValueError(
            f"{path.name}: no '{DATA_SHEET_PREFIX} N' sheet (not a Stat-Xplore export)"
        )
    return sheets


def _table(path: Path, sheet: pd.DataFrame) -> common.Table:
    grid = sheet.to_numpy(dtype=object)
    text = np.vectorize(_text, otypes=[object])(grid)
    if len(text) <= FIRST_FIELD_ROW or not text[COUNTING_ROW, 0].startswith(common.COUNTING_PREFIX):
        raise ValueError(f"{path.name}: no 'Counting:' line in A{COUNTING_ROW + 1}")
    counting = text[COUNTING_ROW, 0].removeprefix(common.COUNTING_PREFIX)

    # Column fields: name in column A, items across; then the row-field names row, A empty.
    row = FIRST_FIELD_ROW
    column_rows = []
    while row < len(text) and text[row, 0]:
        column_rows.append(row)
        row += 1
    if not column_rows or row >= len(text):
        raise ValueError(f"{path.name}: no column fields from row {FIRST_FIELD_ROW + 1}")
    names_row = row
    row_fields = []
    for cell in text[names_row, 1:]:
        if not cell:
            break
        row_fields.append(cell)
    first_value = 1 + len(row_fields)
    last_items = text[column_rows[-1], first_value:]
    width = int(np.flatnonzero(last_items != "")[-1]) + 1 if (last_items != "").any() else 0
    if not row_fields or width == 0:
        raise ValueError(f"{path.name}: no row fields or no columns of values")
    value_columns = slice(first_value, first_value + width)
    column_labels = {}
    for r in column_rows:
        # Stat-Xplore merges an outer item across the inner items below it.
        items = pd.Series(text[r, value_columns]).replace("", np.nan).ffill()
        column_labels[text[r, 0]] = items.to_numpy()

    end = names_row + 1
    while end < len(text) and (text[end, 1:first_value] != "").any():
        end += 1
    if end == names_row + 1:
        raise ValueError(f"{path.name}: no data rows under row {names_row + 1}")
    footer = text[end:, 0]
    if common.SOURCE_LINE not in footer:
        raise ValueError(f"{path.name}: no '{common.SOURCE_LINE}' footer (truncated?)")
    legend_at = np.flatnonzero(footer == LEGEND_HEADER)
    if len(legend_at):
        symbols = [s for s in footer[legend_at[0] + 1 :] if s and s != common.SOURCE_LINE]
        common.check_legend(path, symbols)

    body = slice(names_row + 1, end)
    labels = pd.DataFrame(text[body, 1:first_value], columns=row_fields).replace("", np.nan).ffill()
    values = pd.DataFrame(grid[body, value_columns], columns=range(width))
    cells = pd.concat([labels, values], axis=1).melt(
        id_vars=row_fields, var_name="column", value_name="raw"
    )
    for name, items in column_labels.items():
        cells[name] = items[cells["column"].to_numpy(dtype=int)]
    cells = cells.drop(columns="column").assign(annotation=pd.NA)
    if cells["raw"].isna().any():
        raise ValueError(f"{path.name}: empty cells inside the table")
    return common.Table(path, counting, tuple(column_labels), tuple(row_fields), cells)


def read_tables(path: Path) -> list[common.Table]:
    return [_table(path, sheet) for sheet in _sheets(path).values()]


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return common.parse_with(read_tables, paths, SUFFIXES, dataset)
