"""mySociety's overlap table between 2010-set and July-2024-set constituencies."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.geography.sources.geo_common import by_name

OVERLAP_FILE = "PARL10_PARL25_combo_overlap.csv"
SHORT_CODES_FILE = "ukparl.2025.csv"
OVERLAP_COLUMNS = {
    "PARL10": "pcon2010_code",
    "PARL25": "pcon2024_short_code",
    "percentage_overlap_area": "share_of_2010_area",
    "percentage_overlap_pop": "share_of_2010_population",
    "overlap_pop": "overlap_population",
    "original_pop": "pcon2010_population",
}
SHORT_CODE_COLUMNS = {"UKPARL.2025": "pcon2024_short_code", "PCON24CD": "pcon2024_code"}


def _read_csv(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing columns {', '.join(missing)}")
    return frame[list(columns)].rename(columns=columns, errors="raise")


def overlap_table(paths: Sequence[Path]) -> pd.DataFrame:
    overlap = _read_csv(by_name(paths, OVERLAP_FILE), OVERLAP_COLUMNS)
    short_codes = _read_csv(by_name(paths, SHORT_CODES_FILE), SHORT_CODE_COLUMNS)
    merged = overlap.merge(short_codes, on="pcon2024_short_code", how="left", validate="m:1")
    unmatched = merged.loc[merged["pcon2024_code"].isna(), "pcon2024_short_code"].unique()
    if len(unmatched):
        raise ValueError(f"{OVERLAP_FILE}: short codes not in {SHORT_CODES_FILE}: {unmatched[:5]}")
    for column in ("share_of_2010_area", "share_of_2010_population"):
        merged[column] = pd.to_numeric(merged[column], errors="raise")
    for column in ("overlap_population", "pcon2010_population"):
        merged[column] = pd.to_numeric(merged[column], errors="raise").round(0)
    shares = merged[["share_of_2010_area", "share_of_2010_population"]]
    if not shares.stack().between(0, 1).all():
        raise ValueError(f"{OVERLAP_FILE}: overlap shares outside 0-1")
    if (merged[["overlap_population", "pcon2010_population"]] < 0).any().any():
        raise ValueError(f"{OVERLAP_FILE}: negative populations")
    repeated = merged[merged.duplicated(["pcon2010_code", "pcon2024_code"], keep=False)]
    if not repeated.empty:
        pair = repeated.iloc[0]
        raise ValueError(
            f"{OVERLAP_FILE}: the pair {pair['pcon2010_code']} -> {pair['pcon2024_short_code']} "
            "appears more than once"
        )
    ordered = ["pcon2010_code", "pcon2024_code", "pcon2024_short_code"]
    merged = merged[ordered + [c for c in merged.columns if c not in ordered]]
    return merged.sort_values(ordered[:2]).reset_index(drop=True)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return {"pcon_overlap": overlap_table(paths)}
