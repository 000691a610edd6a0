"""NHS England monthly A&E CSVs (MSitAE, April 2020 onwards): one month per file."""

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.topics.ae.sources.nhse_ae_workbook import MONTHS

ID_COLUMNS = {"Period": "period", "Org Code": "code", "Parent Org": "region", "Org name": "name"}
UNBOOKED = {
    "A&E attendances Type 1": "att_t1",
    "A&E attendances Type 2": "att_t2",
    "A&E attendances Other A&E Department": "att_other",
}
BOOKED = {  # from August 2020; April-July 2020 files have 16 columns without them
    "A&E attendances Booked Appointments Type 1": "booked_t1",
    "A&E attendances Booked Appointments Type 2": "booked_t2",
    "A&E attendances Booked Appointments Other Department": "booked_other",
}
OVER_4H = {
    "Attendances over 4hrs Type 1": "br_t1",
    "Attendances over 4hrs Type 2": "br_t2",
    "Attendances over 4hrs Other Department": "br_other",
}
BOOKED_OVER_4H = {
    "Attendances over 4hrs Booked Appointments Type 1": "booked_br_t1",
    "Attendances over 4hrs Booked Appointments Type 2": "booked_br_t2",
    "Attendances over 4hrs Booked Appointments Other Department": "booked_br_other",
}
OTHER = {
    # 4-12 hours only: unlike the workbooks' "> 4 hours" column it excludes the 12+ waits.
    "Patients who have waited 4-12 hs from DTA to admission": "dta_4h_to_12h",
    "Patients who have waited 12+ hrs from DTA to admission": "dta_12h",
    "Emergency admissions via A&E - Type 1": "adm_t1",
    "Emergency admissions via A&E - Type 2": "adm_t2",
    "Emergency admissions via A&E - Other A&E department": "adm_other_ae",
    "Other emergency admissions": "adm_other",
}
HEADER_2020 = [*ID_COLUMNS, *UNBOOKED, *OVER_4H, *OTHER]
HEADER_BOOKED = [*ID_COLUMNS, *UNBOOKED, *BOOKED, *OVER_4H, *BOOKED_OVER_4H, *OTHER]
RENAME = {**ID_COLUMNS, **UNBOOKED, **BOOKED, **OVER_4H, **BOOKED_OVER_4H, **OTHER}
TOTAL_CODE = "TOTAL"  # spelt TOTAL, Total, TOTAl, with or without a trailing space
PERIOD = re.compile(r"^MSitAE-([A-Z]+)-(\d{4})$")
# Revision dates appear only in (some) file names, as revised-DDMMYY.
REVISED_IN_NAME = re.compile(r"revised(?:-(\d{2})(\d{2})(\d{2}))?", re.IGNORECASE)


def _header(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    names = [str(c).strip() for c in frame.columns]
    for expected in (HEADER_BOOKED, HEADER_2020):
        if names[: len(expected)] == expected:
            extra = frame.iloc[:, len(expected) :]
            # Some files carry empty trailing columns (one is headed "a"): drop them only if empty.
            if (extra != "").any().any():
                raise ValueError(f"{path.name}: unexpected non-empty columns {list(extra.columns)}")
            out = frame.iloc[:, : len(expected)]
            out.columns = [RENAME[column] for column in expected]
            return out
    raise ValueError(f"{path.name}: unknown CSV header {names!r}")


def _month(path: Path, periods: pd.Series) -> pd.Timestamp:
    found = set(periods)
    if len(found) != 1:
        raise ValueError(f"{path.name}: expected one Period, found {sorted(found)!r}")
    (text,) = found
    match = PERIOD.fullmatch(text)
    if not match or match.group(1).lower() not in MONTHS:
        raise ValueError(f"{path.name}: unreadable Period {text!r}")
    return pd.Timestamp(year=int(match.group(2)), month=MONTHS[match.group(1).lower()], day=1)


def revision(path: Path) -> tuple[bool, pd.Timestamp]:
    """Whether the file name says 'revised', and the DDMMYY date it gives (NaT if none)."""
    match = REVISED_IN_NAME.search(path.stem)
    if not match:
        return False, pd.NaT
    if match.group(1) is None:
        return True, pd.NaT
    day, month, year = (int(g) for g in match.groups())
    return True, pd.Timestamp(date(2000 + year, month, day))


def read(path: Path) -> pd.DataFrame:
    """One row per provider plus England (the total row), in the workbook's field names."""
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ValueError(f"{path.name}: cannot read CSV ({error})") from error
    frame = _header(path, raw)
    labels = {c: frame[c].str.strip() for c in ("period", "code", "region", "name")}
    is_total = (labels["code"].str.upper() == TOTAL_CODE).to_numpy()
    if is_total.sum() != 1:
        raise ValueError(f"{path.name}: expected one TOTAL row, found {int(is_total.sum())}")
    month = _month(path, labels["period"][~is_total])
    try:
        numbers = frame.iloc[:, 4:].to_numpy().astype(float)
    except ValueError as error:
        raise ValueError(f"{path.name}: missing or non-numeric values ({error})") from error
    v = dict(zip(frame.columns[4:], numbers.T, strict=True))
    no_booking = np.zeros(len(frame))  # no booked-appointment returns before August 2020
    for column in (*BOOKED.values(), *BOOKED_OVER_4H.values()):
        v.setdefault(column, no_booking)
    out = pd.DataFrame(
        {
            "code": labels["code"].where(~is_total, "-"),
            "region": labels["region"].where(~is_total, "-"),
            "name": labels["name"].where(~is_total, "England"),
            "icb": "",
            # Headline figures count booked appointments too, as NHS England's workbooks do.
            "att_t1": v["att_t1"] + v["booked_t1"],
            "att_t2": v["att_t2"] + v["booked_t2"],
            "att_other": v["att_other"] + v["booked_other"],
            "att_all": v["att_t1"]
            + v["att_t2"]
            + v["att_other"]
            + v["booked_t1"]
            + v["booked_t2"]
            + v["booked_other"],
            "br_t1": v["br_t1"] + v["booked_br_t1"],
            "br_all": v["br_t1"]
            + v["br_t2"]
            + v["br_other"]
            + v["booked_br_t1"]
            + v["booked_br_t2"]
            + v["booked_br_other"],
            "pct_t1": np.nan,  # derived later, once the field test's placeholder zeros are known
            "pct_all": np.nan,
            "adm_via_ae": v["adm_t1"] + v["adm_t2"] + v["adm_other_ae"],
            "adm_other": v["adm_other"],
            "adm_all": v["adm_t1"] + v["adm_t2"] + v["adm_other_ae"] + v["adm_other"],
            "dta_4h": v["dta_4h_to_12h"] + v["dta_12h"],
            "dta_12h": v["dta_12h"],
        }
    )
    if out["code"].duplicated().any():
        dupes = ", ".join(out.loc[out["code"].duplicated(), "code"])
        raise ValueError(f"{path.name}: duplicated provider codes {dupes}")
    is_revision, issued = revision(path)
    out["month"] = month
    out["is_england"] = is_total
    out["issued"] = issued
    out["is_revision"] = is_revision
    out["source_file"] = path.name
    out["format"] = "csv"
    return out
