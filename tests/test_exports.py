"""Exports carry provenance and never hand a spreadsheet a formula."""

import io

import pandas as pd
import pytest

from dashboard.core import exports, settings, store


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
    from dashboard.core import provenance

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


def test_whole_snapshot_csv_holds_every_observation():
    import io
    import zipfile

    snapshot = store.Snapshot(settings.data_dir())
    manifest = snapshot.manifest["datasets"]
    raw = exports.all_observations_zip(lambda d: snapshot.observations([d]), manifest)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        readme = archive.read("README.txt").decode()
        frame = pd.read_csv(archive.open("observations.csv"), low_memory=False)
    expected = sum(e["rows"] for e in manifest.values() if "observations" in e["tables"])
    assert len(frame) == expected
    with_rows = {d for d, e in manifest.items() if "observations" in e["tables"] and e["rows"]}
    assert set(frame["dataset"]) == with_rows
    assert "Licence:" in readme and "sha256:" in readme
    ae = frame[(frame["measure"] == "pct_within_4h_all") & (frame["area_code"] == "RX1")]
    assert ae.loc[ae["period_start"] == "2017-01-01", "value"].round(6).tolist() == [77.643369]
