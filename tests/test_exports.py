"""Exports carry provenance and never hand a spreadsheet a formula."""

import csv
import io
import json
import re
import zipfile

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st

from dashboard.core import catalogue, exports, settings, store


@pytest.mark.parametrize(
    "text, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Nottingham East", "Nottingham East"),
        (-3.5, -3.5),
    ],
)
def test_formula_prefixes_are_neutralised(text, expected):
    assert exports.neutralise_formula(text) == expected


def test_csv_is_plain_and_reads_back_with_no_arguments(tmp_path):
    snapshot = store.Snapshot(settings.data_dir())
    frame = snapshot.observations(["ons_pcon_population"]).head(3)
    frame.loc[0, "area_name"] = "=1+1"
    path = tmp_path / "population.csv"
    path.write_bytes(exports.csv_bytes(frame))
    assert path.read_text(encoding="utf-8").startswith("dataset,measure,")
    back = pd.read_csv(path)
    assert len(back) == 3 and back.loc[0, "area_name"] == "'=1+1"
    assert back["value"].tolist() == frame["value"].tolist()
    assert back["period_start"].tolist() == frame["period_start"].dt.strftime("%Y-%m-%d").tolist()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nottingham\r=2+5*cmd|' /C calc'!A0", "Nottingham\r'=2+5*cmd|' /C calc'!A0"),
        ("a\n@SUM(A1)\r\n-1", "a\n'@SUM(A1)\r\n'-1"),
        ("\r=1", "'\r'=1"),
        ("x\ny", "x\ny"),
    ],
)
def test_the_formula_guard_applies_after_every_line_break(text, expected):
    assert exports.neutralise_formula(text) == expected


CELL = st.text(
    alphabet=st.sampled_from(list("ab ,\"'=+-@\t\r\n1.;#")) | st.characters(codec="utf-8"),
    max_size=12,
)


@settings_h(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CELL, CELL), min_size=1, max_size=8))
def test_any_text_round_trips_through_csv_and_pandas_with_no_formula_at_a_line_start(rows):
    frame = pd.DataFrame(rows, columns=["first", "second"])
    raw = exports.csv_bytes(frame).decode("utf-8")
    expected = [[exports.neutralise_formula(v) for v in row] for row in rows]

    # Python's csv module: the same rows and cells, quotes and line breaks kept inside cells.
    parsed = list(csv.reader(io.StringIO(raw, newline="")))
    assert parsed[0] == ["first", "second"] and parsed[1:] == expected
    # pandas, as a researcher reads it (text kept as text; an empty cell is missing).
    back = pd.read_csv(io.StringIO(raw, newline=""), dtype=str, keep_default_na=False)
    assert back.values.tolist() == expected
    # A reader that ignores quotes and starts a row at every \r or \n meets no formula there.
    for line in re.split(r"[\r\n]", raw):
        assert not line.lstrip('"').startswith(("=", "+", "-", "@")), (line, raw)


def test_snapshot_zip_holds_the_manifest_and_every_table(tmp_path):
    import zipfile

    raw = exports.snapshot_zip(settings.data_dir())
    archive = zipfile.ZipFile(io.BytesIO(raw))
    names = set(archive.namelist())
    readme = archive.read("README.txt").decode()
    manifest = store.Snapshot(settings.data_dir()).manifest["datasets"]
    assert "manifest.json" in names and "README.txt" in names
    for entry in manifest.values():
        for table in entry["tables"].values():
            assert table["file"] in names
            # Every file is explained under its dataset, the boundaries with their grid.
            assert f"  {table['file'].rsplit('/', 1)[1]}: " in readme, table["file"]
    boundaries = readme.split("ons_pcon_boundaries/", 1)[1].split("\n\n", 1)[0]
    assert "pcon2024.parquet: GeoParquet" in boundaries and "CRS EPSG:27700" in boundaries


def test_source_lines_tell_official_compiled_and_derived_apart():
    from dashboard.core import provenance

    assert "compiled by a third party" not in provenance.source_line("nhse_ae_monthly", None)
    assert "compiled by a third party" in provenance.source_line("moj_safety_national", None)
    derived = provenance.source_line("uc_households_pcon_estimate", None)
    assert "derived by this dashboard" in derived and "third party" not in derived


def test_zip_export_holds_plain_csv_readme_and_datapackage():
    snapshot = store.Snapshot(settings.data_dir())
    manifest = snapshot.manifest["datasets"]
    frame = snapshot.observations(["ons_pcon_population"]).head(5)
    raw = exports.zip_with_readme(frame, ["ons_pcon_population"], manifest, "http://x/?area=1")
    archive = zipfile.ZipFile(io.BytesIO(raw))
    assert sorted(archive.namelist()) == ["README.txt", "data.csv", "datapackage.json"]
    readme = archive.read("README.txt").decode()
    assert "Parliamentary constituency mid-year population estimates" in readme
    assert "sha256:" in readme and "View: http://x/?area=1" in readme
    back = pd.read_csv(io.BytesIO(archive.read("data.csv")))
    assert back["value"].tolist() == frame["value"].tolist()
    package = json.loads(archive.read("datapackage.json"))
    (source,) = package["sources"]
    entry = manifest["ons_pcon_population"]
    assert source["dataset"] == "ons_pcon_population" and source["licence"]
    assert source["period"] == f"{entry['period_start']} to {entry['period_end']}"
    assert [f["sha256"] for f in source["files"]] == [i["sha256"] for i in entry["inputs"]]
    (resource,) = package["resources"]
    assert resource["path"] == "data.csv"
    assert [f["name"] for f in resource["schema"]["fields"]] == list(back.columns)
    assert {f["name"]: f["type"] for f in resource["schema"]["fields"]}["value"] == "number"


def test_export_headers_give_each_measures_definition_from_the_catalogue():
    snapshot = store.Snapshot(settings.data_dir())
    manifest = snapshot.manifest["datasets"]
    dataset = "nhse_ae_monthly"
    frame = snapshot.observations([dataset]).head(5)
    archive = zipfile.ZipFile(io.BytesIO(exports.zip_with_readme(frame, [dataset], manifest)))
    readme = archive.read("README.txt").decode()
    (source,) = json.loads(archive.read("datapackage.json"))["sources"]
    measures = catalogue.get(dataset).measures
    assert measures and [m["id"] for m in source["measures"]] == list(measures)
    for found in source["measures"]:
        definition = catalogue.measure(found["id"]).definition
        assert found["definition"] == definition and definition in readme


def test_category_and_mixed_columns_are_neutralised_too():
    frame = pd.DataFrame(
        {
            "area_name": pd.Series(["=HYPERLINK(1)", "Nottingham", None, "-1+2"], dtype="category"),
            "mixed": ["@SUM(A1)", 3, None, "+cmd"],
            "value": [1.0, -2.0, None, 3.0],
        }
    )
    safe = exports.safe_for_spreadsheets(frame)
    assert list(safe["area_name"].astype(object))[:2] == ["'=HYPERLINK(1)", "Nottingham"]
    assert pd.isna(safe["area_name"].iloc[2]) and safe["area_name"].iloc[3] == "'-1+2"
    assert list(safe["mixed"])[0] == "'@SUM(A1)" and safe["mixed"].iloc[1] == 3
    assert safe["mixed"].iloc[3] == "'+cmd" and safe["value"].iloc[1] == -2.0


# pandas reads the long file in chunks and warns that status is empty in some (float) and text
# in others; it still loads, which is what a researcher needs.
@pytest.mark.filterwarnings("ignore::pandas.errors.DtypeWarning")
def test_whole_snapshot_csv_holds_every_observation(tmp_path):
    snapshot = store.Snapshot(settings.data_dir())
    manifest = snapshot.manifest["datasets"]
    raw = exports.all_observations_zip(lambda d: snapshot.observations([d]), manifest)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        readme = archive.read("README.txt").decode()
        package = json.loads(archive.read("datapackage.json"))
        archive.extract("observations.csv", tmp_path)
    frame = pd.read_csv(tmp_path / "observations.csv")  # as a researcher would: no arguments
    expected = sum(e["rows"] for e in manifest.values() if "observations" in e["tables"])
    assert len(frame) == expected
    with_rows = {d for d, e in manifest.items() if "observations" in e["tables"] and e["rows"]}
    assert set(frame["dataset"]) == with_rows
    assert "Licence:" in readme and "sha256:" in readme
    assert {s["dataset"] for s in package["sources"]} == {
        d for d, e in manifest.items() if "observations" in e["tables"]
    }
    ae = frame[(frame["measure"] == "pct_within_4h_all") & (frame["area_code"] == "RX1")]
    assert ae.loc[ae["period_start"] == "2017-01-01", "value"].round(6).tolist() == [77.643369]
