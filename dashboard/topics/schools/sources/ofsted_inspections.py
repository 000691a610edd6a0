"""Ofsted overall-effectiveness grades by URN with history (waiky8 compilation, March 2020)."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.schools.sources import dfe_common as dfe

DETAILS_FILE = "school_details_2018.csv"
HISTORY_FILE = "ofsted_ratings_2018.csv"
DETAILS_COLUMNS = ["URN", "Name", "Rating", "Inspect Date", "Local Authority"]
HISTORY_COLUMNS = ["URN", "Rating", "Inspection Date"]
# Ofsted's four-point scale; "Satisfactory" was grade 3 until September 2012.
GRADES = {
    "Outstanding": 1,
    "Good": 2,
    "Requires Improvement": 3,
    "Satisfactory": 3,
    "Inadequate": 4,
}
MEASURE = "ofsted_overall_effectiveness"


def inspections(frame: pd.DataFrame, date_column: str, path: Path) -> pd.DataFrame:
    rated = frame[frame["Rating"].ne("")]
    unknown = sorted(set(rated["Rating"]) - set(GRADES))
    if unknown:
        raise ValueError(f"{path.name}: unknown ratings {unknown}")
    dates = pd.to_datetime(rated[date_column], format="%Y%m%d", errors="coerce")
    if dates.isna().any():
        raise ValueError(
            f"{path.name}: unreadable inspection dates "
            f"{rated[date_column][dates.isna()].head().tolist()}"
        )
    return pd.DataFrame(
        {"URN": rated["URN"], "rating": rated["Rating"], "date": dates, "source_file": path.name}
    )


def read(paths: Sequence[Path], keep_las: Iterable[str], dataset: str) -> pd.DataFrame:
    by_name = {p.name: p for p in paths}
    if set(by_name) != {DETAILS_FILE, HISTORY_FILE}:
        raise ValueError(
            f"{dataset}: expected {DETAILS_FILE} and {HISTORY_FILE}, got {sorted(by_name)}"
        )
    details_path, history_path = by_name[DETAILS_FILE], by_name[HISTORY_FILE]
    details = dfe.read_csv(details_path, DETAILS_COLUMNS, encoding="cp1252")
    details = details[details["Local Authority"].isin(set(keep_las))]
    history = dfe.read_csv(history_path, HISTORY_COLUMNS)
    history = history[history["URN"].isin(details["URN"])]
    both = pd.concat(
        [
            inspections(history, "Inspection Date", history_path),
            inspections(details, "Inspect Date", details_path),
        ]
    )
    # The latest inspection appears in both files; the history file is kept as the row's source.
    both = both.drop_duplicates(["URN", "date", "rating"], keep="first")
    clash = both[both.duplicated(["URN", "date"], keep=False)]
    if not clash.empty:
        raise ValueError(
            f"{history_path.name}: different ratings on one day: {clash.head().to_dict('records')}"
        )
    names = details.set_index("URN")["Name"]
    return pd.DataFrame(
        {
            "dataset": dataset,
            "measure": MEASURE,
            "area_type": "school",
            "area_code": both["URN"],
            "area_name": both["URN"].map(names),
            "period_start": both["date"],
            "period_end": both["date"],
            "value": both["rating"].map(GRADES).astype("float64"),
            "unit": "score",
            "rating": both["rating"].astype("string"),
            "status": pd.Series(pd.NA, index=both.index, dtype="string"),
            "source_file": both["source_file"].astype("string"),
        }
    )


def parse(
    paths: Sequence[Path], dataset: str, *, keep_las: Iterable[str] = dfe.KEEP_LAS
) -> dict[str, pd.DataFrame]:
    return {"observations": conform(read(paths, keep_las, dataset))}
