"""Shared reading rules for DfE performance-tables files: special values, LA codes, periods."""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.core.observations import ENGLAND as ENGLAND_CODE
from dashboard.core.observations import conform
from dashboard.geography import LA_GSS

# DfE's markers for a figure that is not a number; each becomes NaN with this reason kept.
SPECIAL_VALUES = {
    "SUPP": "suppressed",
    "NE": "not eligible",
    "NA": "not applicable",
    "NP": "not published",
    "LOWCOV": "low coverage",
    "SP": "small percentage (under 0.5%)",
    "DNS": "did not sit",
    "NEW": "new school",
    "": "missing",
}

# The per-LA layout samples in the mirror are Hampshire and Surrey; their tests use this map.
SAMPLE_LA_GSS = {
    "850": ("E10000014", "Hampshire"),
    "936": ("E10000030", "Surrey"),
}
KEEP_LAS = frozenset(LA_GSS)

ENGLAND_NAME = "England"
# National rows that cover all schools (independent ones too) get this measure suffix, so the
# state-funded England figure keeps the plain measure id that LA and school rows use.
ALL_SCHOOLS_SUFFIX = "_all_schools"

# DfE column -> (measure, unit), shared by the KS4 provisional and KS4 final layouts.
KS4_MEASURES = {
    "TPUP": ("ks4_pupils", "count"),
    "ATT8SCR": ("ks4_attainment8", "score"),
    "P8PUP": ("ks4_progress8_pupils", "count"),
    "P8MEA": ("ks4_progress8", "score"),
    "P8CILOW": ("ks4_progress8_ci_lower", "score"),
    "P8CIUPP": ("ks4_progress8_ci_upper", "score"),
    "P8MEA_ORIG": ("ks4_progress8_before_adjustment", "score"),
    "PTL2BASICS_94": ("ks4_pct_eng_maths_9_4", "percent"),
    "PTL2BASICS_95": ("ks4_pct_eng_maths_9_5", "percent"),
    "EBACCAPS": ("ks4_ebacc_aps", "score"),
    "PTEBACC_E_PTQ_EE": ("ks4_pct_ebacc_entered", "percent"),
    "PTEBACC_94": ("ks4_pct_ebacc_9_4", "percent"),
    "PTEBACC_95": ("ks4_pct_ebacc_9_5", "percent"),
    "P8_BANDING": ("ks4_progress8_band", "score"),
}

# DfE's Progress 8 bands, best first: earlier files code them 1 to 5, newer ones write the words.
P8_BANDS = ("Well above average", "Above average", "Average", "Below average", "Well below average")
P8_BAND_CODES = {label: str(code) for code, label in enumerate(P8_BANDS, start=1)}

# KS4 record types: 1/2 schools, 4 the LA, 5 England all schools, 7 England state-funded.
KS4_RECTYPES = {"1": "school", "2": "school", "4": "lad", "5": "england_all", "7": "england"}
# KS2 record types differ: 1/2 schools, 3 the LA, 4 England all schools, 5 England state-funded.
KS2_RECTYPES = {"1": "school", "2": "school", "3": "lad", "4": "england_all", "5": "england"}


def academic_year(end_year: int) -> tuple[date, date]:
    """2019 -> 1 Sep 2018 to 31 Aug 2019 (the exam summer names the year)."""
    return date(end_year - 1, 9, 1), date(end_year, 8, 31)


def read_csv(path: Path, required: Iterable[str], encoding: str = "utf-8-sig") -> pd.DataFrame:
    """Every column as text, so markers such as ``NA`` stay visible; check the header first."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValueError(f"{path.name}: cannot read as CSV ({error})") from error
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: layout changed, missing columns {missing}")
    return frame


def parse_values(raw: pd.Series, path: Path, column: str) -> tuple[pd.Series, pd.Series]:
    """Text cells -> (float value, status); markers become NaN with their reason, never 0."""
    text = raw.astype("string").str.strip()
    status = text.map(SPECIAL_VALUES).astype("string")
    numeric_text = text.where(status.isna()).str.removesuffix("%")
    value = pd.to_numeric(numeric_text, errors="coerce")
    bad = status.isna() & value.isna()
    if bad.any():
        examples = sorted(set(text[bad].tolist()))[:5]
        raise ValueError(f"{path.name}: unexpected values in {column}: {examples}")
    return value.astype("float64"), status


def melt_measures(
    frame: pd.DataFrame,
    measures: dict[str, tuple[str, str]],
    path: Path,
    *,
    base_status: str | None = None,
) -> pd.DataFrame:
    """Wide rows (one per area) -> long observations for the mapped columns.

    ``frame`` must carry area_type, area_code, area_name, period_start, period_end and
    optionally ``measure_suffix``; a normal value gets ``base_status`` (e.g. "provisional").
    """
    keep = ["area_type", "area_code", "area_name", "period_start", "period_end"]
    suffix = frame.get("measure_suffix", "")
    parts = []
    for column, (measure, unit) in measures.items():
        value, status = parse_values(frame[column], path, column)
        if base_status is not None:
            status = status.fillna(base_status)
        part = frame[keep].copy()
        part["measure"] = measure + suffix
        part["value"] = value
        part["unit"] = unit
        part["status"] = status
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["status"] = out["status"].astype("string")
    out["source_file"] = pd.Series(path.name, index=out.index, dtype="string")
    return out


def la_areas(lea: pd.Series, path: Path, la_map: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """DfE LA numbers -> GSS code and name, from the explicit map only."""
    unknown = sorted(set(lea) - set(la_map))
    if unknown:
        raise ValueError(f"{path.name}: no GSS code for DfE LA {unknown}")
    return pd.DataFrame(
        {
            "area_code": [la_map[x][0] for x in lea],
            "area_name": [la_map[x][1] for x in lea],
        },
        index=lea.index,
    )


# School-level files (census, absence) carry state-funded England totals by phase, not one
# England row, so the England measures carry the phase.
NATIONAL_PHASES = {"PRI": "_primary", "SEC": "_secondary", "SPE": "_special"}


def read_by_phase(
    path: Path,
    columns: list[str],
    *,
    national_column: str,
    measures: dict[str, tuple[str, str]],
    end_year: int,
    keep_las: Iterable[str],
    la_map: dict[str, tuple[str, str]],
    exact_layout: bool = False,
) -> pd.DataFrame:
    """Long observations for the kept LAs' schools (by URN) and England's rows by phase.

    England's rows are those whose ``national_column`` reads NAT; ``exact_layout`` also
    refuses a file whose header is not exactly ``columns``.
    """
    frame = read_csv(path, columns)
    if exact_layout and list(frame.columns) != list(columns):
        raise ValueError(f"{path.name}: layout changed: {list(frame.columns)}")
    national = frame[national_column].eq("NAT")
    if sorted(frame.loc[national, "ESTAB"]) != sorted(NATIONAL_PHASES):
        raise ValueError(f"{path.name}: expected national rows for {sorted(NATIONAL_PHASES)}")
    schools = frame[~national & frame["LA"].isin(set(keep_las))].copy()
    la_areas(schools["LA"], path, la_map)  # fails on a kept LA without a GSS code
    if not schools["URN"].str.fullmatch(r"\d{6,7}").all():
        raise ValueError(f"{path.name}: school rows without a URN")
    schools["area_type"] = "school"
    schools["area_code"] = schools["URN"]
    schools["area_name"] = pd.NA  # these files carry no names; the schools table does
    schools["measure_suffix"] = ""
    england = frame[national].copy()
    england["area_type"] = "country"
    england["area_code"] = ENGLAND_CODE
    england["area_name"] = ENGLAND_NAME
    england["measure_suffix"] = england["ESTAB"].map(NATIONAL_PHASES)
    kept = pd.concat([schools, england])
    kept["period_start"], kept["period_end"] = academic_year(end_year)
    return melt_measures(kept, measures, path)


def parse_one_file(
    paths: Sequence[Path], dataset: str, read: Callable[[Path], pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """The observations table of a dataset published as a single file."""
    if len(paths) != 1:
        raise ValueError(f"{dataset}: expected one file, got {[p.name for p in paths]}")
    return {"observations": conform(read(paths[0]).assign(dataset=dataset))}


def observations_and_schools(parts: list[dict], dataset: str) -> dict[str, pd.DataFrame]:
    """One dataset's tables from per-file ``{"observations", "schools"}`` parts."""
    if not parts:
        raise ValueError(f"{dataset}: no file")
    observations = pd.concat([p["observations"] for p in parts], ignore_index=True)
    observations["dataset"] = dataset
    schools = pd.concat([p["schools"] for p in parts], ignore_index=True)
    return {"observations": conform(observations), "schools": schools.astype("string")}


def empty_observations() -> pd.DataFrame:
    columns = ["dataset", "measure", "area_type", "area_code", "area_name"]
    frame = pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    frame["period_start"] = pd.Series(dtype="datetime64[s]")
    frame["period_end"] = pd.Series(dtype="datetime64[s]")
    frame["value"] = pd.Series(dtype="float64")
    frame["unit"] = pd.Series(dtype="string")
    frame["status"] = pd.Series(dtype="string")
    frame["source_file"] = pd.Series(dtype="string")
    return frame


def assign_rectype_areas(
    frame: pd.DataFrame,
    path: Path,
    rectypes: dict[str, str],
    *,
    keep_las: Iterable[str],
    la_map: dict[str, tuple[str, str]],
    la_column: str = "LEA",
) -> pd.DataFrame:
    """Give each kept row its area from the record type; rows of LAs not kept are dropped."""
    unknown = sorted(set(frame["RECTYPE"]) - set(rectypes))
    if unknown:
        raise ValueError(f"{path.name}: unknown RECTYPE values {unknown}")
    kind = frame["RECTYPE"].map(rectypes)
    england = kind.isin(["england", "england_all"])
    expected = sorted(k for k in rectypes.values() if k.startswith("england"))
    if sorted(kind[england]) != expected:
        raise ValueError(f"{path.name}: expected one England row per England record type")
    keep_las = set(keep_las)
    kept = frame[england | frame[la_column].isin(keep_las)].copy()
    kind = kind.loc[kept.index]
    kept["area_type"] = np.where(
        kind.eq("school"), "school", np.where(kind.eq("lad"), "lad", "country")
    )
    kept["measure_suffix"] = np.where(kind.eq("england_all"), ALL_SCHOOLS_SUFFIX, "")
    kept["area_code"] = ENGLAND_CODE
    kept["area_name"] = ENGLAND_NAME
    local = ~kind.isin(["england", "england_all"])
    if local.any():
        las = la_areas(kept.loc[local, la_column], path, la_map)
        is_la = kind.eq("lad") & local
        kept.loc[is_la, "area_code"] = las.loc[is_la[is_la].index, "area_code"]
        kept.loc[is_la, "area_name"] = las.loc[is_la[is_la].index, "area_name"]
        school = kind.eq("school")
        bad_urn = school & ~kept["URN"].str.fullmatch(r"\d{6,7}")
        if bad_urn.any():
            raise ValueError(
                f"{path.name}: school rows without a URN: {kept.loc[bad_urn].index[:5].tolist()}"
            )
        kept.loc[school, "area_code"] = kept.loc[school, "URN"]
        kept.loc[school, "area_name"] = kept.loc[school, "SCHNAME"]
    return kept
