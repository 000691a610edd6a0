"""DfE performance tables: KS4 final results, national file (england_ks4final.csv, 2022/23 on)."""

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.topics.schools.sources import dfe_common as dfe

# The download service's folder names the year ("2022-2023/england_ks4final.csv"); the mirror's
# transcription carries it in the file name ("england_ks4final_2022-23_TRIMMED_...csv").
YEAR = re.compile(r"(?P<start>20\d\d)-(?:20)?(?P<end>\d\d)")
SCHOOL_COLUMNS = {
    "URN": "urn",
    "SCHNAME": "name",
    "LEA": "la_code",
    "NFTYPE": "nftype",
    "PCON_CODE": "pcon2010_code",
    "PCON_NAME": "pcon2010_name",
}
# The columns read, mapped as in the other KS4 layouts (the EBacc entry columns are not read).
MEASURES = {
    column: dfe.KS4_MEASURES[column]
    for column in ("TPUP", "ATT8SCR", "P8PUP", "P8MEA", "P8CILOW", "P8CIUPP")
    + ("PTL2BASICS_94", "PTL2BASICS_95", "EBACCAPS", "P8_BANDING")
}
# Rows end early in the published file (the all-schools England row stops at column 503, the
# state-funded one and special schools before P8_BANDING): a cell past a row's end is this.
PAST_ROW_END = "past the end of this row in the file"


def end_year(path: Path) -> int:
    match = YEAR.search(path.name) or YEAR.search(path.parent.name)
    if not match or int(match["end"]) != (int(match["start"]) + 1) % 100:
        raise ValueError(f"{path.name}: no academic year like 2022-23 in the file or folder name")
    return int(match["start"]) + 1


def read_rows(path: Path) -> pd.DataFrame:
    """Every cell as text; a short row is padded with None (not ""), so the gap stays visible."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise ValueError(f"{path.name}: empty file")
    header, body = [c.strip() for c in rows[0]], rows[1:]
    long = [i + 2 for i, row in enumerate(body) if len(row) > len(header)]
    if long:
        raise ValueError(f"{path.name}: rows longer than the header, e.g. lines {long[:5]}")
    missing = [c for c in ["RECTYPE", *SCHOOL_COLUMNS, *MEASURES] if c not in header]
    if missing:
        raise ValueError(f"{path.name}: layout changed, missing columns {missing}")
    return pd.DataFrame([row + [None] * (len(header) - len(row)) for row in body], columns=header)


def read(path: Path, *, keep_las: Iterable[str] = dfe.KEEP_LAS) -> dict[str, pd.DataFrame]:
    year = end_year(path)
    frame = read_rows(path)
    # From 2022/23 the band is words; the snapshot keeps DfE's earlier 1 (best) to 5 coding.
    frame["P8_BANDING"] = frame["P8_BANDING"].map(lambda v: dfe.P8_BAND_CODES.get(v, v))
    # A cell past the row's end has no value and says so; "" keeps DfE's own empty cell.
    short = frame[list(MEASURES)].isna()
    frame = frame.fillna("")
    kept = dfe.assign_rectype_areas(
        frame, path, dfe.KS4_RECTYPES, keep_las=keep_las, la_map=dfe.LA_GSS
    )
    kept["period_start"], kept["period_end"] = dfe.academic_year(year)
    out = dfe.melt_measures(kept, MEASURES, path)
    cut = pd.concat([short.loc[kept.index, c] for c in MEASURES], ignore_index=True)
    out.loc[cut.to_numpy(), "status"] = PAST_ROW_END
    schools = kept[kept["area_type"] == "school"][list(SCHOOL_COLUMNS)]
    schools = schools.rename(columns=SCHOOL_COLUMNS, errors="raise").reset_index(drop=True)
    schools["academic_year"] = f"{year - 1}/{year % 100:02d}"
    return {"observations": out, "schools": schools}


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    """Kept LAs' schools and LA rows, and England; one file per year."""
    return dfe.observations_and_schools([read(path) for path in paths], dataset)
