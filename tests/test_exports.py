"""Exports carry provenance and never hand a spreadsheet a formula."""

import io

import pandas as pd
import pytest

from dashboard import exports, settings, store


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


def test_csv_has_provenance_header_and_reads_back():
    snapshot = store.Snapshot(settings.data_dir())
    frame = snapshot.observations(["ons_pcon_population"]).head(3)
    frame.loc[0, "area_name"] = "=1+1"
    raw = exports.csv_with_provenance(
        frame, ["ons_pcon_population"], snapshot.manifest["datasets"], "http://x/?area=E14001410"
    ).decode()
    header = [line for line in raw.splitlines() if line.startswith("#")]
    assert any("Parliamentary constituency mid-year population estimates" in h for h in header)
    assert any("sha256:" in h for h in header)
    assert any("View: http://x/?area=E14001410" in h for h in header)
    back = pd.read_csv(io.StringIO(raw), comment="#")
    assert len(back) == 3 and back.loc[0, "area_name"] == "'=1+1"
    assert back["value"].tolist() == frame["value"].tolist()


def test_snapshot_zip_holds_the_manifest_and_every_table(tmp_path):
    import zipfile

    raw = exports.snapshot_zip(settings.data_dir())
    names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    manifest = store.Snapshot(settings.data_dir()).manifest["datasets"]
    assert "manifest.json" in names and "README.txt" in names
    for entry in manifest.values():
        for table in entry["tables"].values():
            assert table["file"] in names


def test_source_lines_tell_official_compiled_and_derived_apart():
    from dashboard import provenance

    assert "compiled by a third party" not in provenance.source_line("nhse_ae_monthly", None)
    assert "compiled by a third party" in provenance.source_line("moj_safety_national", None)
    derived = provenance.source_line("uc_households_pcon_estimate", None)
    assert "derived by this dashboard" in derived and "third party" not in derived


def test_zip_export_holds_plain_csv_and_readme():
    import zipfile

    snapshot = store.Snapshot(settings.data_dir())
    frame = snapshot.observations(["ons_pcon_population"]).head(5)
    raw = exports.zip_with_readme(frame, ["ons_pcon_population"], snapshot.manifest["datasets"])
    archive = zipfile.ZipFile(io.BytesIO(raw))
    assert sorted(archive.namelist()) == ["README.txt", "data.csv"]
    readme = archive.read("README.txt").decode()
    assert "Parliamentary constituency mid-year population estimates" in readme
    back = pd.read_csv(io.BytesIO(archive.read("data.csv")))
    assert back["value"].tolist() == frame["value"].tolist()
    assert not archive.read("data.csv").decode().startswith("#")
