"""Geography parsers on the real files, with values read from named features and rows."""

import pytest

from dashboard.core import build, catalogue
from dashboard.geography.sources import (
    named_sites,
    ons_local_boundaries_2013,
    ons_pcon_boundaries,
    ons_pcon_population,
    os_codepoint_open,
    pcon_overlap,
)
from dashboard.geography.sources.geo_common import BRITISH_NATIONAL_GRID


def parse(sources, dataset_id, module):
    inputs = build.resolve_inputs(catalogue.get(dataset_id), sources)
    return module.parse([path for _, path in inputs], dataset_id)


@pytest.fixture(scope="module")
def boundaries(sources):
    return parse(sources, "ons_pcon_boundaries", ons_pcon_boundaries)


@pytest.fixture(scope="module")
def local(sources):
    return parse(sources, "ons_local_boundaries_2013", ons_local_boundaries_2013)


def area_km2(frame, code):
    return frame.set_index("code").loc[[code]].to_crs(BRITISH_NATIONAL_GRID).area.iloc[0] / 1e6


def test_both_constituency_sets_have_650_seats_and_nottingham_east(boundaries):
    assert len(boundaries["pcon2010"]) == len(boundaries["pcon2024"]) == 650
    # PROVENANCE: E14000865 about 17.6 km2 on the BUC outline; E14001410 about 18.8 km2.
    assert area_km2(boundaries["pcon2010"], "E14000865") == pytest.approx(17.6, abs=0.2)
    assert area_km2(boundaries["pcon2024"], "E14001410") == pytest.approx(18.8, abs=0.2)
    names = boundaries["pcon2024"].set_index("code")["name"]
    assert names["E14001411"] == "Nottingham North and Kimberley"


def test_city_wards_assigned_to_their_2010_constituency(local):
    wards = local["wards2013"]
    city = wards[wards["lad_code"] == "E06000018"]
    assert len(city) == 20
    east = set(city.loc[city["pcon2010_code"] == "E14000865", "name"])
    # Statutory 2010 definition of Nottingham East, as in geography/PROVENANCE.md section 2.
    assert east == {"Arboretum", "Berridge", "Dales", "Mapperley", "St Ann's", "Sherwood"}
    assert (city["pcon2010_area_share"] >= 0.997).all()
    assert (city["pcon2010_code"] == "E14000866").sum() == 6
    assert (city["pcon2010_code"] == "E14000867").sum() == 8
    assert len(local["lsoa2011"]) == 182
    # Nottingham's area is about 74.6 km2 (the union of its 20 wards).
    assert area_km2(local["city_boundary"], "E06000018") == pytest.approx(74.6, abs=0.5)


def test_overlap_table_maps_short_codes_to_gss(sources):
    overlap = parse(sources, "pcon_overlap_2010_2024", pcon_overlap)["pcon_overlap"]
    # PARL10_PARL25_combo_overlap.csv row E14000865,UKPARL.2025.NGE: 111,779 of 111,826 people.
    row = overlap[(overlap["pcon2010_code"] == "E14000865")].iloc[0]
    assert row["pcon2024_code"] == "E14001410"
    assert row["overlap_population"] == 111779
    south = overlap[overlap["pcon2010_code"] == "E14000867"].set_index("pcon2024_code")
    assert south.loc["E14001410", "share_of_2010_population"] == 0.15


def test_population_values(sources):
    obs = parse(sources, "ons_pcon_population", ons_pcon_population)["observations"]
    lookup = obs.set_index(["measure", "area_code", obs["period_start"].dt.year])["value"]
    # population-2020.csv E14000865: total 113,673; <18 22,611; 18-64 80,166; 65+ 10,896.
    assert lookup[("population_all_ages", "E14000865", 2020)] == 113673
    assert lookup[("population_under_18", "E14000865", 2020)] == 22611
    assert lookup[("population_18_to_64", "E14000865", 2020)] == 80166
    assert lookup[("population_65_plus", "E14000865", 2020)] == 10896
    # population.csv E14001410: Mid 2021 119,780; population_2022.csv total 124,191, 65+ 11,387.
    assert lookup[("population_all_ages", "E14001410", 2021)] == 119780
    assert lookup[("population_all_ages", "E14001410", 2022)] == 124191
    assert lookup[("population_65_plus", "E14001410", 2022)] == 11387
    assert (obs["period_start"].dt.strftime("%m-%d") == "06-30").all()


def test_population_rejects_inconsistent_totals(sources, tmp_path):
    inputs = [p for _, p in build.resolve_inputs(catalogue.get("ons_pcon_population"), sources)]
    totals = next(p for p in inputs if p.name == "population.csv")
    changed = tmp_path / "population.csv"
    changed.write_text(totals.read_text().replace("119780,124191", "119780,124000"))
    with pytest.raises(ValueError, match="population.csv: mid-2022 totals differ"):
        ons_pcon_population.parse(
            [changed if p == totals else p for p in inputs], "ons_pcon_population"
        )


def test_codepoint_postcodes(sources):
    postcodes = parse(sources, "os_codepoint_open", os_codepoint_open)["postcodes"]
    assert len(postcodes) == 29401
    # ng.csv row "NG1 1AA",10,457804,340087,...,"E06000018","E05012287"
    row = postcodes.set_index("postcode").loc["NG1 1AA"]
    assert (row["easting"], row["northing"], row["ward_code"]) == (457804, 340087, "E05012287")
    assert row["lat"] == pytest.approx(52.955, abs=0.001)
    assert (postcodes["lad_code"] == "E06000018").sum() == 6742


@pytest.mark.parametrize("text", ["ng72uh", " NG7  2UH ", "Ng7 2uh"])
def test_postcode_normalisation(text):
    assert os_codepoint_open.normalise_postcode(text) == "NG7 2UH"


def test_named_sites_lie_where_provenance_says(sources):
    sites = parse(sources, "named_sites", named_sites)["sites"].set_index("site_id")
    qmc, prison = sites.loc["qmc"], sites.loc["hmp_nottingham"]
    # geography/PROVENANCE.md: QMC E 454800 N 338800 in Nottingham South, ward Dunkirk and Lenton.
    assert (qmc["easting"], qmc["northing"]) == (454800, 338800)
    assert (qmc["pcon2010_code"], qmc["pcon2024_code"]) == ("E14000867", "E14001412")
    assert qmc["ward2013_name"] == "Dunkirk and Lenton" and qmc["ward2019_code"] == "E05012283"
    # HMP Nottingham E 456823 N 343355 in Nottingham East, Sherwood ward (2019 code E05012288).
    assert (prison["easting"], prison["northing"]) == (456823, 343355)
    assert (prison["pcon2010_code"], prison["pcon2024_code"]) == ("E14000865", "E14001410")
    assert prison["ward2013_name"] == "Sherwood" and prison["ward2019_code"] == "E05012288"
    # City Hospital's postcode point is 74 m inside the coarse BUC outline of North and
    # Kimberley, but it lies in 2010-set Nottingham East, which passes wholly to 2024 East.
    hospital = sites.loc["city_hospital"]
    assert hospital["pcon2010_code"] == "E14000865"
    assert hospital["pcon2024_code"] == "E14001410"
    assert "wholly" in hospital["pcon2024_method"]
    assert "BUC" in qmc["pcon2024_method"] and "uncertain" not in qmc["pcon2024_method"]


def test_a_truncated_geojson_fails_naming_the_file(sources, tmp_path):
    inputs = [p for _, p in build.resolve_inputs(catalogue.get("ons_pcon_boundaries"), sources)]
    broken = tmp_path / inputs[0].name
    broken.write_bytes(inputs[0].read_bytes()[:5000])
    with pytest.raises(ValueError, match=inputs[0].name):
        ons_pcon_boundaries.parse([broken, inputs[1]], "ons_pcon_boundaries")
