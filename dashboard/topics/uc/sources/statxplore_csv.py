"""DWP Stat-Xplore CSV table exports (with or without their preamble and footer)."""

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.topics.uc.sources import statxplore_common as common

FIRST_LINE = "Stat-Xplore"
ANNOTATIONS_SUFFIX = " - Annotations"
LEGEND_HEADER = ["Symbol", "Description"]
SUFFIXES = (".csv",)


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name}: not UTF-8 text ({error})") from error
    return list(csv.reader(io.StringIO(text)))


def _is_header(row: list[str]) -> bool:
    return len(row) >= 3 and row[2].endswith(ANNOTATIONS_SUFFIX)


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _preamble(path: Path, rows: list[list[str]]) -> tuple[int, str | None]:
    """Index of the header row, and the "Counting:" text when the preamble is still there."""
    if rows and rows[0] == [FIRST_LINE]:
        for index, row in enumerate(rows):
            if _is_header(row):
                lines = [r[0] for r in rows[:index] if r]
                counting = [x for x in lines if x.startswith(common.COUNTING_PREFIX)]
                if len(counting) != 1:
                    raise ValueError(f"{path.name}: preamble has no single 'Counting:' line")
                return index, counting[0].removeprefix(common.COUNTING_PREFIX)
        raise ValueError(f"{path.name}: Stat-Xplore preamble but no table header")
    if rows and _is_header(rows[0]):
        return 0, None
    raise ValueError(f"{path.name}: not a Stat-Xplore CSV export (no header with annotations)")


def _footer(path: Path, rows: list[list[str]], stripped: bool) -> None:
    text = [r[0].strip() for r in rows if r and r[0].strip()]
    if not stripped and common.SOURCE_LINE not in text:
        raise ValueError(f"{path.name}: no '{common.SOURCE_LINE}' footer (truncated?)")
    for index, row in enumerate(rows):
        if row == LEGEND_HEADER:
            symbols = []
            for line in rows[index + 1 :]:
                if _blank(line):
                    break
                symbols.append(line[0])
            common.check_legend(path, symbols)


def read_tables(path: Path) -> list[common.Table]:
    """The one table in a Stat-Xplore CSV: one column field (e.g. Month), any row fields."""
    rows = _rows(path)
    start, counting = _preamble(path, rows)
    header = rows[start]
    names_row = rows[start + 1] if len(rows) > start + 1 else []
    row_fields = [c for c in names_row if c.strip()]
    n = len(row_fields)
    if n == 0 or names_row[:n] != row_fields or any(header[1:n]):
        raise ValueError(f"{path.name}: row field names not on the line after the header")
    labels, annotations = header[n::2], header[n + 1 :: 2]
    if labels[-1] == "" and len(labels) == len(annotations) + 1:
        labels = labels[:-1]  # Stat-Xplore ends every line with a comma
    for label, note in zip(labels, annotations, strict=True):
        if not (
            note.endswith(ANNOTATIONS_SUFFIX) and label.startswith(note[: -len(ANNOTATIONS_SUFFIX)])
        ):
            raise ValueError(f"{path.name}: column {note!r} does not follow {label!r}")
    body = []
    end = start + 2
    for end in range(start + 2, len(rows)):
        if _blank(rows[end]):
            break
        if len(rows[end]) != len(header):
            raise ValueError(
                f"{path.name}: line {end + 1} has {len(rows[end])} cells, header {len(header)}"
            )
        body.append(rows[end])
    else:
        end = len(rows)
    if not body:
        raise ValueError(f"{path.name}: no data rows")
    if counting is None and body[-1][0] != "Total":
        raise ValueError(f"{path.name}: last row is {body[-1][0]!r}, not Total (truncated?)")
    _footer(path, rows[end:], stripped=counting is None)

    grid = np.array(body, dtype=object)
    width = 2 * len(labels)
    row_labels = pd.DataFrame(grid[:, :n], columns=row_fields).replace("", np.nan).ffill()
    values, notes = grid[:, n : n + width : 2], grid[:, n + 1 : n + width : 2]
    column_field = header[0]
    # Long form, column by column, without building a wide frame first (it is 8,500 x 90).
    cells = pd.DataFrame(
        {
            **{f: np.tile(row_labels[f].to_numpy(), len(labels)) for f in row_fields},
            column_field: np.repeat(np.array(labels, dtype=object), len(body)),
            "raw": values.T.ravel(),
            "annotation": notes.T.ravel(),
        }
    )
    return [common.Table(path, counting, (column_field,), tuple(row_fields), cells)]


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return common.parse_with(read_tables, paths, SUFFIXES, dataset)
