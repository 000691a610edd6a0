"""Stat-Xplore CSV exports: values read by hand from the mirrored files."""

import json
import math

import pandas as pd
import pytest

from dashboard.topics.uc.sources import statxplore_areas, statxplore_csv

UC = "universal_credit/statxplore_exports"
LAD_FILE = f"{UC}/households_on_UC_ltla_15-22.csv"  # preamble stripped
MSOA_FILE = f"{UC}/households_on_UC_msoa_15-22.csv"  # complete export layout
MSOA_LOOKUP = "geography/boundaries_martinjc_2013/msoa_by_lad_E06000018.json"
LAD24_LOOKUP = "geography/lookups/lookup-LAD24CD-PCON24CD.json"


@pytest.fixture(scope="module")
def lad(sources):
    return statxplore_csv.parse([sources / LAD_FILE], "dwp_uc_households_lad")["observations"]


@pytest.fixture(scope="module")
def msoa(sources):
    return statxplore_csv.parse(
        [sources / MSOA_FILE, sources / MSOA_LOOKUP], "dwp_uc_households_msoa"
    )["observations"]


def cell(frame, code, month):
    rows = frame[(frame["area_code"] == code) & (frame["period_start"] == pd.Timestamp(month))]
    assert len(rows) == 1, (code, month, len(rows))
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("code", "month", "value", "status"),
    [
        # households_on_UC_ltla_15-22.csv, row "Nottingham" (line 68), by column header
        ("E06000018", "2015-08-01", 6, None),  # "August 2015"
        ("E06000018", "2018-10-01", 1976, None),  # "October 2018", full service starts
        ("E06000018", "2019-01-01", 4823, None),  # "January 2019"
        ("E06000018", "2019-12-01", 14851, None),  # "December 2019"
        ("E06000018", "2020-06-01", 27195, None),  # "June 2020"
        ("E06000018", "2022-12-01", 34136, "revised"),  # "December 2022 (r)"
        ("E06000018", "2023-11-01", 37208, "provisional"),  # "November 2023 (p)"
        ("K03000001", "2019-01-01", 1471234, None),  # row "Total", "January 2019"
        ("K03000001", "2019-12-01", 2404766, None),  # row "Total", "December 2019"
        ("W06000015", "2019-12-01", None, None),  # "Cardiff / Caerdydd": only that it resolves
    ],
)
def test_local_authority_values(lad, code, month, value, status):
    row = cell(lad, code, month)
    if value is not None:
        assert row["value"] == value
    assert (None if pd.isna(row["status"]) else row["status"]) == status
    assert row["source_file"] == "households_on_UC_ltla_15-22.csv"


def test_local_authority_shape(lad):
    assert set(lad["dataset"]) == {"dwp_uc_households_lad"}
    assert set(lad["measure"]) == {"households_on_uc"}
    assert lad.groupby("area_type")["area_code"].nunique().to_dict() == {"country": 1, "lad": 350}
    assert lad["period_start"].nunique() == 90  # Aug 2015 - Dec 2022, plus Nov 2023
    assert (lad["period_end"] == lad["period_start"] + pd.offsets.MonthEnd(0)).all()
    assert "Unknown" not in set(lad["area_name"])


def test_nil_or_negligible_is_null_not_zero(lad):
    # line 352: "West Lothian",..,,..,,7 -> August and September 2015 are ".."
    row = cell(lad, "S12000040", "2015-08-01")
    assert math.isnan(row["value"]) and row["status"] == "nil or negligible"
    assert cell(lad, "S12000040", "2015-10-01")["value"] == 7
    assert not (lad["value"] == 0).any()


@pytest.mark.parametrize(
    ("name", "code", "month", "value", "status"),
    [
        # households_on_UC_msoa_15-22.csv, rows "Nottingham 001" and "Nottingham 022"
        ("Nottingham 001", "E02002868", "2019-01-01", 41, None),
        ("Nottingham 001", "E02002868", "2019-12-01", 163, None),
        ("Nottingham 001", "E02002868", "2022-12-01", 415, "revised"),
        ("Nottingham 022", "E02002889", "2019-01-01", 151, None),
        ("Nottingham 022", "E02002889", "2019-12-01", 387, None),
        ("Nottingham 022", "E02002889", "2022-12-01", 835, "revised"),
        ("Total", "K03000001", "2015-08-01", 98139, None),
    ],
)
def test_msoa_values(msoa, name, code, month, value, status):
    row = cell(msoa, code, month)
    assert row["value"] == value
    assert (None if pd.isna(row["status"]) else row["status"]) == status
    assert row["area_name"] == ("Great Britain" if name == "Total" else name)


def test_msoa_symbols_and_coverage(msoa):
    # "Nottingham 001",..,,..  -> August 2015 is nil or negligible
    row = cell(msoa, "E02002868", "2015-08-01")
    assert math.isnan(row["value"]) and row["status"] == "nil or negligible"
    msoas = msoa[msoa["area_type"] == "msoa"]
    assert msoas["area_code"].nunique() == 38  # Nottingham 001-040 without 003 and 033
    assert set(msoa["dataset"]) == {"dwp_uc_households_msoa"}


def test_msoas_add_up_to_the_local_authority(lad, msoa):
    city = msoa[msoa["area_type"] == "msoa"].groupby("period_start")["value"].sum()
    la = lad[lad["area_code"] == "E06000018"].set_index("period_start")["value"]
    # Disclosure control perturbs every cell, so the 38 MSOAs miss the authority by up to 25
    # households either way (July 2018: +25; Nov 2023: 37,201 against 37,208); in 2015 every
    # MSOA is ".." and the sum is 0 against the authority's 6-20.
    assert ((city - la).abs() <= 25).all()
    assert city[pd.Timestamp("2023-11-01")] == 37201


def test_la_names_cover_the_ons_code_list(sources):
    lookup = json.loads((sources / LAD24_LOOKUP).read_text())
    gb = {code for code in lookup if code[0] in "EWS"}
    assert set(statxplore_areas.LA_CODES.values()) == gb
    assert len(statxplore_areas.LA_CODES) == len(gb) == 350


def test_same_counts_with_and_without_preamble(sources, tmp_path):
    lines = (sources / MSOA_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if line.startswith('"Month"'))
    total = next(i for i, line in enumerate(lines) if line.startswith('"Total"'))
    stripped = tmp_path / "households_on_UC_ltla_15-22.csv"  # a name with a known counting
    stripped.write_text("".join(lines[header : total + 1]), encoding="utf-8")
    full = statxplore_csv.read_tables(sources / MSOA_FILE)[0]
    bare = statxplore_csv.read_tables(stripped)[0]
    assert bare.counting is None and full.counting == "Households on Universal Credit"
    pd.testing.assert_frame_equal(full.cells, bare.cells)


def _broken(tmp_path, sources, name, edit):
    text = (sources / f"{UC}/{name}").read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(edit(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        (
            "households_on_UC_msoa_15-22.csv",
            lambda t: "".join(t.splitlines(keepends=True)[:3000]),
            "footer",
        ),
        (
            "households_on_UC_ltla_15-22.csv",
            lambda t: "".join(t.splitlines(keepends=True)[:100]),
            "not Total",
        ),
        ("households_on_UC_ltla_15-22.csv", lambda t: t[: len(t) // 2], "cells"),
        ("households_on_UC_ltla_15-22.csv", lambda t: "<html><body>Moved</body></html>", "not a"),
        (
            "households_on_UC_ltla_15-22.csv",
            lambda t: t.replace('"Nottingham",', '"Notingham",'),
            "'Notingham'",
        ),
        (
            "households_on_UC_ltla_15-22.csv",
            lambda t: t.replace('"Nottingham",6,', '"Nottingham",x,'),
            "neither numbers nor symbols",
        ),
        (
            "households_on_UC_msoa_15-22.csv",
            lambda t: t.replace('"Nottingham 040",', '"Nottingham 041",'),
            "Nottingham 041",
        ),
    ],
    ids=[
        "truncated-full",
        "truncated-stripped",
        "cut-mid-line",
        "html",
        "la-name",
        "symbol",
        "msoa",
    ],
)
def test_broken_files_fail_naming_the_file(sources, tmp_path, name, edit, message):
    path = _broken(tmp_path, sources, name, edit)
    with pytest.raises(ValueError, match=name) as error:
        statxplore_csv.parse([path, sources / MSOA_LOOKUP], "dwp_uc_households_msoa")
    assert message in str(error.value)


def test_the_dataset_comes_from_the_record_not_the_file_name(sources, tmp_path, msoa):
    path = tmp_path / "some_new_export.csv"
    path.write_text((sources / MSOA_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    renamed = statxplore_csv.parse([path, sources / MSOA_LOOKUP], "dwp_uc_households_msoa")
    out = renamed["observations"]
    assert set(out["dataset"]) == {"dwp_uc_households_msoa"}
    assert out["value"].equals(msoa["value"])
