"""NHS England A&E attendances and emergency admissions, by provider and England, every month."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.core import observations
from dashboard.core.observations import conform
from dashboard.topics.ae.sources import nhse_ae_csv, nhse_ae_workbook

ENGLAND = (observations.ENGLAND, "England")
READERS = {".xls": nhse_ae_workbook.read, ".xlsx": nhse_ae_workbook.read, ".csv": nhse_ae_csv.read}
# Field in the readers' frames -> measure id. Percentages are the fields in
# PERCENT_DENOMINATORS; every other field is a count.
MEASURES = {
    "att_t1": "attendances_type1",
    "att_t2": "attendances_type2",
    "att_other": "attendances_other",
    "att_all": "attendances_all",
    "br_t1": "over_4h_type1",
    "br_all": "over_4h_all",
    "pct_t1": "pct_within_4h_type1",
    "pct_all": "pct_within_4h_all",
    "adm_via_ae": "emergency_admissions_via_ae",
    "adm_other": "emergency_admissions_other",
    "adm_all": "emergency_admissions_all",
    "dta_4h": "waits_over_4h_dta",
    "dta_12h": "waits_over_12h_dta",
}
FOUR_HOUR_FIELDS = ("br_t1", "br_all", "pct_t1", "pct_all")
PERCENT_DENOMINATORS = {"pct_t1": "att_t1", "pct_all": "att_all"}
# The 14 trusts in the Clinical Review of Standards field test reported no 4-hour figures from
# May 2019 to May 2023 (time-series Notes sheet): "-" in the workbooks, 0 in the CSVs. These are
# the codes whose 4-hour cells are "-" in the May 2019 to March 2020 and January 2021 workbooks;
# Poole (RD3) became part of University Hospitals Dorset (R0D) in September 2020.
CRS_FIELD_TEST_TRUSTS = frozenset(
    {"RC9", "RD3", "R0D", "RDU", "RFR", "RGR", "RGT", "RHU", "RK9", "RNQ", "RQM", "RVW", "RX1"}
    | {"RXF", "RYJ"}
)
CRS_FIELD_TEST = (pd.Timestamp("2019-05-01"), pd.Timestamp("2023-05-01"))
STATUS_FIELD_TEST = "not reported (field test)"
STATUS_EXCLUDES_FIELD_TEST = "excludes field-test trusts"
STATUS_NOT_APPLICABLE = "not applicable"  # a percentage of no attendances
STATUS_NOT_REPORTED = "not reported"
# When two files cover one month: a revision beats a first release, then the later stated date,
# then a workbook beats a CSV (the workbook is the publisher's fuller presentation).
FORMAT_RANK = {"csv": 0, "workbook": 1}
NO_DATE = pd.Timestamp("1900-01-01")  # an undated file sorts before any dated one


def read_file(path: Path) -> pd.DataFrame:
    """One workbook's or CSV's rows, from its bytes and name alone: the build keeps them in its
    per-file parse cache (core/parse_cache.py), so a new month reads one file."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"{path.name}: not an A&E workbook or CSV")
    return reader(path)


def choose_revisions(frames: Sequence[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one file per month; return (kept rows, a table of every file and whether it won)."""
    files = pd.DataFrame(
        [
            {
                "month": f["month"].iat[0],
                "source_file": f["source_file"].iat[0],
                "is_revision": bool(f["is_revision"].iat[0]),
                "issued": f["issued"].iat[0],
                "format_rank": FORMAT_RANK[f["format"].iat[0]],
            }
            for f in frames
        ]
    )
    files["issued_key"] = files["issued"].fillna(NO_DATE)
    files = files.sort_values(["month", "is_revision", "issued_key", "format_rank"])
    files["used"] = ~files.duplicated("month", keep="last")
    winners = set(files.loc[files["used"], "source_file"])
    kept = pd.concat([f for f in frames if f["source_file"].iat[0] in winners], ignore_index=True)
    return kept, files.drop(columns=["issued_key", "format_rank"]).reset_index(drop=True)


def _field_test(wide: pd.DataFrame) -> pd.Series:
    """Rows of field-test trusts whose 4-hour figures are absent ("-") or a placeholder 0."""
    in_window = wide["month"].between(*CRS_FIELD_TEST)
    absent = wide["br_all"].isna() | (wide["br_all"] == 0)
    return in_window & wide["code"].isin(CRS_FIELD_TEST_TRUSTS) & absent & ~wide["is_england"]


def _percentages(wide: pd.DataFrame, field_test: pd.Series) -> pd.DataFrame:
    """Fill the CSVs' 4-hour percentages; England's leaves out field-test trusts, as NHSE does."""
    csv = wide["format"] == "csv"
    excluded = wide[field_test & csv].groupby("month")[["att_t1", "att_all"]].sum()
    for pct, denominator in PERCENT_DENOMINATORS.items():
        attendances = wide[denominator].copy()
        england = csv & wide["is_england"]
        less = wide.loc[england, "month"].map(excluded[denominator]).fillna(0)
        attendances.loc[england] = attendances.loc[england] - less
        breaches = wide["br_t1" if pct == "pct_t1" else "br_all"]
        computed = 100 * (1 - breaches / attendances.where(attendances > 0))
        wide.loc[csv, pct] = computed[csv]
    return wide


def _status(wide: pd.DataFrame, field_test: pd.Series) -> dict[str, pd.Series]:
    statuses = {}
    england_in_window = wide["is_england"] & wide["month"].between(*CRS_FIELD_TEST)
    for field in MEASURES:
        status = pd.Series(pd.NA, index=wide.index, dtype="string")
        missing = wide[field].isna()
        status[missing] = STATUS_NOT_REPORTED
        if field in PERCENT_DENOMINATORS:
            status[missing & (wide[PERCENT_DENOMINATORS[field]] == 0)] = STATUS_NOT_APPLICABLE
        if field in FOUR_HOUR_FIELDS:
            status[field_test] = STATUS_FIELD_TEST
            status[england_in_window] = STATUS_EXCLUDES_FIELD_TEST
        statuses[field] = status
    return statuses


def _observations(wide: pd.DataFrame, field_test: pd.Series, dataset: str) -> pd.DataFrame:
    for field in FOUR_HOUR_FIELDS:
        wide.loc[field_test, field] = np.nan
    statuses = _status(wide, field_test)
    england = wide["is_england"]
    base = pd.DataFrame(
        {
            "area_type": np.where(england, "country", "trust"),
            "area_code": wide["code"].where(~england, ENGLAND[0]),
            "area_name": wide["name"].where(~england, ENGLAND[1]),
            "period_start": wide["month"],
            "period_end": wide["month"] + pd.offsets.MonthEnd(0),
            "source_file": wide["source_file"],
        }
    )
    parts = []
    for field, measure in MEASURES.items():
        part = base.copy()
        part["measure"] = measure
        part["unit"] = "percent" if field in PERCENT_DENOMINATORS else "count"
        part["value"] = wide[field].to_numpy()
        part["status"] = statuses[field].to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["dataset"] = dataset
    out["status"] = out["status"].astype("string")
    return conform(out)


def trusts(wide: pd.DataFrame, every_file: pd.DataFrame) -> pd.DataFrame:
    """Each provider's latest name and region, its latest STP/ICB, and its recent size.

    The STP/ICB column exists only in workbooks, so it is taken from every workbook read, even
    one that lost its month to a later CSV revision.
    """
    providers = wide[~wide["is_england"]].sort_values("month")
    latest = providers.groupby("code").agg(
        org_name=("name", "last"),
        region=("region", "last"),
        first_month=("month", "min"),
        latest_month=("month", "max"),
    )
    books = every_file[~every_file["is_england"]].sort_values("month")
    with_icb = books[books["icb"].fillna("").str.strip() != ""]
    icb = with_icb.groupby("code").agg(icb=("icb", "last"), icb_as_of=("month", "last"))
    last = providers["month"].max()
    window = providers[providers["month"] > last - pd.DateOffset(months=12)]
    size = window.groupby("code").agg(
        attendances_type1_12m=("att_t1", "sum"), months_in_12m=("month", "nunique")
    )
    out = latest.join(icb).join(size).reset_index(names="org_code")
    out["first_month"] = out["first_month"].astype("datetime64[s]")
    out["latest_month"] = out["latest_month"].astype("datetime64[s]")
    out["icb_as_of"] = out["icb_as_of"].astype("datetime64[s]")
    out["months_in_12m"] = out["months_in_12m"].astype("Int64")
    for column in ("org_code", "org_name", "region", "icb"):
        out[column] = out[column].astype("string")
    return out


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    return combine([read_file(path) for path in paths], dataset)


def combine(frames: Sequence[pd.DataFrame], dataset: str) -> dict[str, pd.DataFrame]:
    """The publication's tables from every file's rows (``read_file``); the frames are not
    changed, as they may be the parse cache's."""
    if not frames:
        raise ValueError(f"{dataset}: no files given")
    wide, files = choose_revisions(frames)
    field_test = _field_test(wide)
    wide = _percentages(wide, field_test)
    every_file = pd.concat([f[["code", "icb", "month", "is_england"]] for f in frames])
    return {
        "observations": _observations(wide, field_test, dataset),
        "trusts": trusts(wide, every_file),
        "source_files": files,
    }
