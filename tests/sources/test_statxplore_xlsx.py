"""Stat-Xplore .xlsx exports: values read by hand from the mirrored workbooks."""

import zipfile

import pandas as pd
import pytest

from dashboard.topics.uc.sources import statxplore_xlsx

UC = "universal_credit/statxplore_exports"
PCON_FILE = f"{UC}/uc_pc_households.xlsx"
LA_FILE = f"{UC}/uc_la_households.xlsx"
BANDS_FILE = f"{UC}/uc_national_payment_dist.xlsx"
PCON_LOOKUP = "geography/lookups/ukparl.2025.csv"
MAY_2025 = pd.Timestamp("2025-05-01")


@pytest.fixture(scope="module")
def pcon(sources):
    return statxplore_xlsx.parse(
        [sources / PCON_LOOKUP, sources / PCON_FILE], "dwp_uc_households_pcon2024"
    )["observations"]


@pytest.fixture(scope="module")
def la(sources):
    return statxplore_xlsx.parse([sources / LA_FILE], "dwp_uc_households_lad_may2025")[
        "observations"
    ]


@pytest.fixture(scope="module")
def bands(sources):
    return statxplore_xlsx.parse([sources / BANDS_FILE], "dwp_uc_award_bands_gb")


def value(frame, code):
    rows = frame[frame["area_code"] == code]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("code", "name", "households"),
    [
        # uc_pc_households.xlsx, Data Sheet 0: name in column B, count in D ("May 2025 (p)")
        ("E14001410", "Nottingham East", 18520),
        ("E14001411", "Nottingham North and Kimberley", 17935),
        ("E14001412", "Nottingham South", 12442),
        ("W07000102", "Montgomeryshire and Glyndwr", None),  # printed without the accent
        ("K03000001", "Great Britain", 6575050),  # row "Total"
    ],
)
def test_constituency_values(pcon, code, name, households):
    row = value(pcon, code)
    assert row["area_name"] == name
    if households is not None:
        assert row["value"] == households
    assert row["status"] == "provisional"
    assert row["period_start"] == MAY_2025 and row["period_end"] == pd.Timestamp("2025-05-31")


def test_constituency_shape(pcon):
    assert pcon.groupby("area_type")["area_code"].nunique().to_dict() == {
        "country": 1,
        "pcon2024": 632,
    }
    assert set(pcon["dataset"]) == {"dwp_uc_households_pcon2024"}
    assert "Unknown" not in set(pcon["area_name"])  # 12,428 households DWP could not place


@pytest.mark.parametrize(
    ("code", "households"),
    # uc_la_households.xlsx, Data Sheet 0: authority name in column C, count in D
    [("E06000018", 47824), ("E07000172", 8450), ("E07000173", 9879), ("K03000001", 6575050)],
)
def test_local_authority_values(la, code, households):
    row = value(la, code)
    assert row["value"] == households and row["status"] == "provisional"


def test_local_authority_shape(la):
    assert la.groupby("area_type")["area_code"].nunique().to_dict() == {"country": 1, "lad": 350}
    assert set(la["dataset"]) == {"dwp_uc_households_lad_may2025"}


def test_award_bands_column_field_layout(bands):
    obs = bands["observations"]
    # Row "Total", column H "Total": every band and family type.
    assert obs[["area_code", "value"]].values.tolist() == [["K03000001", 6573051.0]]
    table = bands["statxplore_breakdowns"]
    assert len(table) == 29 * 5  # 28 bands plus Total, by 4 family types plus Total

    def band(award, family):
        rows = table[
            (table["monthly_award_amount_bands"] == award) & (table["family_type"] == family)
        ]
        assert len(rows) == 1
        return rows.iloc[0]["value"]

    assert band("No payment", "Total") == 477409  # row 10, column H
    assert band("No payment", "Single, no children") == 309971  # row 10, column D
    assert band("Total", "Single, no children") == 3177985  # row 38, column D
    assert band("£2500.01 or over", "Couple, with children") == 61727  # row 37, column G


def _rewritten(source, target, old: bytes, new: bytes):
    """Copy a workbook, replacing text in its shared strings (the cells' printed labels)."""
    with zipfile.ZipFile(source) as inp, zipfile.ZipFile(target, "w") as out:
        for item in inp.infolist():
            data = inp.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                assert old in data
                data = data.replace(old, new)
            out.writestr(item, data)
    return target


def test_unmatched_constituency_name_fails(sources, tmp_path):
    path = _rewritten(
        sources / PCON_FILE, tmp_path / "uc_pc_households.xlsx", b"Nottingham East", b"Notts East"
    )
    with pytest.raises(ValueError, match=r"uc_pc_households.xlsx: 1 area name.*'Notts East'"):
        statxplore_xlsx.parse([sources / PCON_LOOKUP, path], "dwp_uc_households_pcon2024")


def test_unknown_symbol_in_legend_fails(sources, tmp_path):
    path = _rewritten(
        sources / LA_FILE, tmp_path / "uc_la_households.xlsx", b"<t>IV</t>", b"<t>V</t>"
    )
    with pytest.raises(ValueError, match=r"uc_la_households.xlsx: legend has unknown symbol"):
        statxplore_xlsx.parse([path], "dwp_uc_households_lad_may2025")


@pytest.mark.parametrize("kind", ["truncated", "html"])
def test_broken_workbook_fails_naming_the_file(sources, tmp_path, kind):
    data = (sources / LA_FILE).read_bytes()
    path = tmp_path / "uc_la_households.xlsx"
    path.write_bytes(data[: len(data) // 2] if kind == "truncated" else b"<html>Sign in</html>")
    with pytest.raises(ValueError, match="uc_la_households.xlsx: not a readable workbook"):
        statxplore_xlsx.parse([path], "dwp_uc_households_lad_may2025")
