"""School entity tables: the 2017-18 spine placed by postcode, and the GIAS download layout."""

import math

import pytest

from dashboard.topics.schools.sources import dfe_gias, dfe_spine

SPINE = "schools/dfe_spine_2017-18/2017-2018_england_spine.xlsx"
GIAS = "schools/layout_samples_hampshire_surrey/20220420_gias.csv"
GEO = [
    "geography/postcodes_codepoint_open/header.csv",
    "geography/postcodes_codepoint_open/ng.csv",
    "geography/boundaries_martinjc_2013/wpc_by_lad_E06000018.json",
    "geography/boundaries_ons_buc/"
    "Westminster_Parliamentary_Constituencies_July_2024_Boundaries_UK_BUC.geojson",
]


@pytest.fixture(scope="module")
def schools(sources):
    paths = [sources / SPINE, *(sources / p for p in GEO)]
    out = dfe_spine.parse(paths, "dfe_school_spine_2017_18")
    assert out["observations"].empty
    return out["schools"].set_index("urn")


def test_spine_has_every_nottingham_establishment(schools):
    assert len(schools) == 119  # LA 892 rows in the spine
    assert schools["easting"].notna().all()  # all 119 postcodes are in Code-Point Open
    assert set(schools["lad_code"]) == {"E06000018"}


def test_djanogly_city_academy_is_placed_by_its_postcode(schools):
    school = schools.loc["134253"]
    assert school["name"] == "Djanogly City Academy"
    assert school["postcode"] == "NG7 6ND"
    # ng.csv row "NG7 6ND": E 456243, N 341384
    assert (school["easting"], school["northing"]) == (456243, 341384)
    assert school["lat"] == pytest.approx(52.9669, abs=1e-3)
    assert school["lon"] == pytest.approx(-1.1640, abs=1e-3)
    assert school["phase"] == "secondary" and bool(school["state_funded"])
    assert school["pcon2010_code"] == "E14000865"
    assert school["pcon2024_code"] == "E14001410"
    assert not school["pcon2010_uncertain"] and not school["pcon2024_uncertain"]
    assert "2013 generalised clipped" in school["pcon2010_method"]


def test_nottingham_east_count_matches_provenance(schools):
    state = schools[schools["is_open"] & schools["state_funded"]]
    assert len(state) == 98
    assert (state["pcon2010_code"] == "E14000865").sum() == 28
    assert set(state["pcon2024_code"]) <= {"E14001410", "E14001411", "E14001412"}


def test_schools_outside_the_outlines_take_the_nearest_seat_and_are_flagged(schools):
    # Warren Primary Academy, NG5 9PJ: the postcode centroid lies just over the city edge
    warren = schools.loc["137443"]
    assert warren["pcon2010_code"] == "E14000866"
    assert "outside" in warren["pcon2010_method"] and warren["pcon2010_uncertain"]


def test_closed_schools_are_kept_and_marked(schools):
    ellis = schools.loc["122828"]  # Ellis Guilford School, closed 31 Oct 2018
    assert not ellis["is_open"] and str(ellis["close_date"]) == "2018-10-31"


def test_spine_broken_file_raises_naming_it(sources, tmp_path):
    broken = tmp_path / "2017-2018_england_spine.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ValueError, match="2017-2018_england_spine.xlsx"):
        dfe_spine.parse([broken, *(sources / p for p in GEO)], "dfe_school_spine_2017_18")


@pytest.fixture(scope="module")
def gias(sources):
    return dfe_gias.parse([sources / GIAS], "dfe_gias", keep_las={"850", "936"})


def test_gias_layout_sample(gias):
    table = gias["schools_gias"].set_index("urn")
    assert len(table) == 1096
    assert table["la_name"].value_counts().to_dict() == {"Surrey": 576, "Hampshire": 520}
    # row 2: Alton Infant School, E 472080 N 139716, East Hampshire, GSS LA E10000014
    alton = table.loc["115850"]
    assert alton["name"] == "Alton Infant School"
    assert (alton["easting"], alton["northing"]) == (472080, 139716)
    assert alton["pcon_name"] == "East Hampshire"
    assert alton["lad_code"] == "E10000014"
    assert alton["lat"] == pytest.approx(51.152, abs=1e-3)
    obs = gias["observations"]
    row = obs[(obs["area_code"] == "115850") & (obs["measure"] == "pupils_on_roll")].iloc[0]
    assert row["value"] == 138 and str(row["period_start"].date()) == "2021-01-21"


def test_gias_folds_spilled_linked_establishments(gias):
    links = gias["schools_gias"]
    assert links["urn"].is_unique and len(links) == 1096  # 69 rows had 112-113 fields


def test_gias_blank_coordinates_are_null(gias):
    table = gias["schools_gias"]
    missing = table[table["easting"].isna()]
    assert len(missing) == 27  # 2.5% of 1,096 rows
    assert all(math.isnan(x) for x in missing["lat"])


def test_gias_sample_adds_nothing_for_nottingham(sources):
    out = dfe_gias.parse([sources / GIAS], "dfe_gias")
    assert out["schools_gias"].empty and out["observations"].empty


def test_gias_broken_file_raises(tmp_path):
    path = tmp_path / "edubasealldata20240101.csv"
    path.write_text("<!DOCTYPE html><html>Maintenance</html>\n", encoding="utf-8")
    with pytest.raises(ValueError, match="edubasealldata20240101.csv"):
        dfe_gias.parse([path], "dfe_gias")
