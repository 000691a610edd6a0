"""DfE performance tables: KS4 final results, national file (england_ks4final.csv, 2022/23 on)."""

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
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
MEASURES = {
    "TPUP": ("ks4_pupils", "count"),
    "ATT8SCR": ("ks4_attainment8", "score"),
    "P8PUP": ("ks4_progress8_pupils", "count"),
    "P8MEA": ("ks4_progress8", "score"),
    "P8CILOW": ("ks4_progress8_ci_lower", "score"),
    "P8CIUPP": ("ks4_progress8_ci_upper", "score"),
    "PTL2BASICS_94": ("ks4_pct_eng_maths_9_4", "percent"),
    "PTL2BASICS_95": ("ks4_pct_eng_maths_9_5", "percent"),
    "EBACCAPS": ("ks4_ebacc_aps", "score"),
    "P8_BANDING": ("ks4_progress8_band", "score"),
}
# From 2022/23 the band is words; the snapshot keeps DfE's earlier 1 (best) to 5 coding.
BANDS = {
    "Well above average": "1",
    "Above average": "2",
    "Average": "3",
    "Below average": "4",
    "Well below average": "5",
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
    frame["P8_BANDING"] = frame["P8_BANDING"].map(lambda v: BANDS.get(v, v))
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
    parts = [read(path) for path in paths]
    if not parts:
        raise ValueError(f"{dataset}: no file")
    observations = pd.concat([p["observations"] for p in parts], ignore_index=True)
    observations["dataset"] = dataset
    schools = pd.concat([p["schools"] for p in parts], ignore_index=True)
    return {"observations": conform(observations), "schools": schools.astype("string")}
