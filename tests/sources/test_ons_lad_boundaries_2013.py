"""England's 2013 local authority districts from the TopoJSON, checked against hand-read facts.

geography/PROVENANCE.md section 2: `topo_lad_england.json` is TopoJSON, object `lad`, 326 English
LADs with `LAD13CD, LAD13CDO, LAD13NM`, including E06000018 Nottingham. Nottingham's area (74.6
km²) is the union of its 20 wards in `wards_by_lad_E06000018.json` (tests/sources/test_geography).
"""

import json
import shutil

import pytest
from shapely.geometry import Point

from dashboard.core import build, catalogue
from dashboard.geography.sources import ons_lad_boundaries_2013 as lad
from dashboard.geography.sources.geo_common import STORED_CRS


@pytest.fixture(scope="module")
def topo_file(sources):
    inputs = build.resolve_inputs(catalogue.get("ons_lad_boundaries_2013"), sources)
    return [path for _, path in inputs]


@pytest.fixture(scope="module")
def lads(topo_file):
    return lad.parse(topo_file, "ons_lad_boundaries_2013")["lad2013"]


def area_km2(frame, code):
    return frame.set_index("code").loc[[code]].area.iloc[0] / 1e6  # stored in metres


def test_every_english_district_once_with_names(lads):
    assert list(lads.columns) == ["code", "name", "geometry"]
    assert lads.crs == STORED_CRS  # British National Grid metres
    assert len(lads) == 326 and lads["code"].is_unique
    names = lads.set_index("code")["name"]
    assert names["E06000018"] == "Nottingham"
    assert names["E07000176"] == "Rushcliffe"
    assert names["E08000019"] == "Sheffield"  # 2013 code: E08000039 since April 2025
    # the 2013 vintage: districts since merged are still there, the new unitaries are not
    assert {"E07000049", "E07000150", "E07000027"} <= set(lads["code"])  # E Dorset, Corby, Barrow
    assert "E06000059" not in set(lads["code"])  # Dorset (2019)


def test_shapes_are_valid_polygons_with_true_areas(lads):
    assert lads.geometry.is_valid.all()
    assert set(lads.geom_type) <= {"Polygon", "MultiPolygon"}
    # Nottingham: 74.6 km², the same as the union of its 2013 wards, after simplifying to 100 m
    assert area_km2(lads, "E06000018") == pytest.approx(74.6, abs=0.5)
    # Rushcliffe 409.3 km² and England 130,457 km² measured on the unsimplified (repaired) file
    assert area_km2(lads, "E07000176") == pytest.approx(409.3, abs=1.0)
    total = lads.area.sum() / 1e6
    assert total == pytest.approx(130_457, rel=0.001)
    # a point in Nottingham's centre (Old Market Square, about E 457250, N 339880) lies inside it
    inside = lads[lads.contains(Point(457250, 339880))]
    assert list(inside["code"]) == ["E06000018"]


def test_table_is_small_enough_for_the_browser(lads, tmp_path):
    path = tmp_path / "lad.parquet"
    lads.to_parquet(path, compression="zstd")
    assert path.stat().st_size < 1_500_000


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<html><body>Service unavailable</body></html>",
        '{"type": "FeatureCollection", "features": []}',
        "TRUNCATED",
    ],
)
def test_a_broken_file_fails_naming_it(topo_file, tmp_path, text):
    path = tmp_path / lad.LAD_FILE
    if text == "TRUNCATED":
        path.write_bytes(topo_file[0].read_bytes()[:20000])
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=lad.LAD_FILE):
        lad.parse([path], "ons_lad_boundaries_2013")


def test_a_file_with_too_few_districts_fails(topo_file, tmp_path):
    topology = json.loads(topo_file[0].read_text(encoding="utf-8"))
    topology["objects"]["lad"]["geometries"] = topology["objects"]["lad"]["geometries"][:300]
    path = tmp_path / lad.LAD_FILE
    path.write_text(json.dumps(topology), encoding="utf-8")
    with pytest.raises(ValueError, match="300 districts, expected 326"):
        lad.parse([path], "ons_lad_boundaries_2013")


def test_missing_file_is_named(tmp_path):
    other = tmp_path / "topo_wpc_england.json"
    shutil.copyfile(__file__, other)
    with pytest.raises(ValueError, match=lad.LAD_FILE):
        lad.parse([other], "ons_lad_boundaries_2013")
