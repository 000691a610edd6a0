"""Undated Ofsted ratings by URN (KSPDeveloper compilation, circa 2019-2020): a cross-check only."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.schools.sources import dfe_common as dfe

RATINGS_FILE = "OFSTED_Ratings.csv"
CENSUS_FILE = "england_census.csv"
GRADES = {
    "Outstanding": 1,
    "Good": 2,
    "Requires Improvement": 3,
    "Satisfactory": 3,
    "Inadequate": 4,
    "Unknown": None,
}


def parse(
    paths: Sequence[Path], dataset: str, *, keep_las: Iterable[str] = dfe.KEEP_LAS
) -> dict[str, pd.DataFrame]:
    """No inspection date, so no observations: a ``ofsted_crosscheck`` table (URN, rating)."""
    by_name = {p.name: p for p in paths}
    if set(by_name) != {RATINGS_FILE, CENSUS_FILE}:
        raise ValueError(
            f"{dataset}: expected {RATINGS_FILE} and {CENSUS_FILE}, got {sorted(by_name)}"
        )
    ratings_path = by_name[RATINGS_FILE]
    ratings = dfe.read_csv(ratings_path, ["Rating", "URN"])
    unknown = sorted(set(ratings["Rating"]) - set(GRADES))
    if unknown:
        raise ValueError(f"{ratings_path.name}: unknown ratings {unknown}")
    if ratings["URN"].duplicated().any():
        raise ValueError(f"{ratings_path.name}: duplicate URNs")
    # The compilation has no LA: the census file of the same repository gives each URN's LA.
    census = dfe.read_csv(by_name[CENSUS_FILE], ["URN", "LA"])
    local = set(census.loc[census["LA"].isin(set(keep_las)), "URN"])
    kept = ratings[ratings["URN"].isin(local)]
    table = pd.DataFrame(
        {
            "urn": kept["URN"].astype("string"),
            "rating": kept["Rating"].astype("string"),
            "grade": pd.array(kept["Rating"].map(GRADES), dtype="Int64"),
            "source_file": ratings_path.name,
        }
    ).sort_values("urn", ignore_index=True)
    empty = dfe.empty_observations().assign(dataset=dataset)
    return {"observations": conform(empty), "ofsted_crosscheck": table}
