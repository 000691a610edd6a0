"""`python -m dashboard query` over the committed snapshot."""

import io

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.core import query, store
from dashboard.core.observations import COLUMNS


@pytest.fixture(scope="module")
def observations():
    return store.Snapshot(store.Path(__file__).parent.parent / "data").observations()


def run(capsys, *args):
    code = main(["query", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_population_of_nottingham_east_2010_set(capsys):
    # geography/population/population-2020.csv, row PCON11CD=E14000865, column "total": 113673
    code, out, _ = run(capsys, "--measure", "population_all_ages", "--area", "E14000865")
    assert code == 0
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns) == [*COLUMNS, "status", "source_file"]
    assert frame["source_file"].tolist() == ["population-2020.csv"]
    assert frame.drop(columns=["status", "source_file"]).to_dict("records") == [
        {
            "dataset": "ons_pcon_population",
            "measure": "population_all_ages",
            "area_type": "pcon2010",
            "area_code": "E14000865",
            "area_name": "Nottingham East",
            "period_start": "2020-06-30",
            "period_end": "2020-06-30",
            "value": 113673,
            "unit": "count",
        }
    ]


def test_period_by_day_and_lower_case_code(capsys):
    # geography/population/population.csv, E14001410, "Mid 2022": 124191
    code, out, _ = run(
        capsys, "--measure", "population_all_ages", "--area", "e14001410", "--period", "2022-06-30"
    )
    assert code == 0
    assert "2022-06-30,2022-06-30,124191,count," in out


def test_period_by_month(capsys):
    code, out, _ = run(capsys, "--area", "E14001410", "--period", "2021-06")
    assert code == 0
    assert "119780" in out and "124191" not in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--measure", "population_al"], "Did you mean: population"),
        (["--area", "Z99"], "unknown area code 'Z99'"),
        (["--dataset", "nope"], "unknown dataset 'nope'"),
        (["--period", "June 2022"], "--period must be YYYY-MM or YYYY-MM-DD"),
        (["--period", "2022-13"], "--period must be YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_unknown_values_give_a_message_not_a_traceback(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and message in err and out == ""


def test_no_match_is_exit_1(capsys):
    code, _, err = run(capsys, "--area", "E14000865", "--period", "1999-01")
    assert code == 1 and "no observations match" in err


def test_select_is_pure(observations):
    before = observations.copy()
    query.select(observations, measure="population_all_ages", area="E14000865")
    pd.testing.assert_frame_equal(observations, before)


def test_dfe_la_number_is_an_alias_for_nottingham(capsys):
    # dfe_ks4_provisional_2018_19: Nottingham LA (record type 4) Progress 8 -0.15.
    code, out, _ = run(capsys, "--measure", "ks4_progress8", "--area", "892", "--period", "2018-09")
    assert code == 0 and "E06000018,Nottingham,2018-09-01,2019-08-31,-0.15,score," in out


def test_a_missing_value_keeps_its_reason(capsys, observations):
    # NHS England reported no 4-hour figures for NUH during the field test (May 2019 - May 2023):
    # the value is null, and status says why.
    code, out, _ = run(
        capsys, "--measure", "pct_within_4h_all", "--area", "RX1", "--period", "2020-01"
    )
    assert code == 0
    (row,) = pd.read_csv(io.StringIO(out)).to_dict("records")
    expected = observations[
        (observations["measure"] == "pct_within_4h_all")
        & (observations["area_code"] == "RX1")
        & (observations["period_start"] == "2020-01-01")
    ].iloc[0]
    assert pd.isna(row["value"]) and pd.isna(expected["value"])
    assert row["status"] == expected["status"] and row["status"]
    assert row["source_file"] == expected["source_file"]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_out_file_in_each_format_holds_the_same_rows(capsys, tmp_path, fmt):
    args = ["--measure", "population_all_ages", "--area", "E14000865"]
    code, expected, _ = run(capsys, *args)
    out = tmp_path / f"rows.{fmt}"
    code, printed, err = run(capsys, *args, "--out", str(out))  # the format from the suffix
    assert code == 0 and printed == "" and "1 rows written" in err
    reader = {"csv": pd.read_csv, "parquet": pd.read_parquet, "json": pd.read_json}[fmt]
    frame = reader(out)
    assert list(frame.columns) == [*COLUMNS, "status", "source_file"]
    assert frame["value"].tolist() == [113673]
    assert str(frame["period_start"].iloc[0])[:10] == "2020-06-30"
    if fmt == "csv":
        assert out.read_bytes().decode("utf-8") == expected


def test_parquet_needs_a_file(capsys):
    code, out, err = run(capsys, "--measure", "population_all_ages", "--format", "parquet")
    assert code == 2 and out == "" and "--format parquet needs --out FILE" in err


def listing(capsys, what):
    code = main(["list", what])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return pd.read_csv(io.StringIO(captured.out))


def test_list_measures_has_labels_and_units(capsys, snapshot):
    from dashboard.core import catalogue

    frame = listing(capsys, "measures").set_index("measure")
    held = {m for e in snapshot.manifest["datasets"].values() for m in e.get("measures", [])}
    assert set(frame.index) == held
    record = catalogue.measure("pct_within_4h_all")
    assert frame.loc["pct_within_4h_all", "label"] == record.label
    assert frame.loc["pct_within_4h_all", "unit"] == "percent"
    assert "nhse_ae_monthly" in frame.loc["pct_within_4h_all", "datasets"].split(";")


def test_list_datasets_and_areas(capsys, snapshot, observations):
    datasets = listing(capsys, "datasets").set_index("dataset")
    manifest = snapshot.manifest["datasets"]
    assert set(datasets.index) == set(manifest)
    assert datasets.loc["nhse_ae_monthly", "observations"] == manifest["nhse_ae_monthly"]["rows"]
    areas = listing(capsys, "areas")
    assert len(areas) == len(observations[["area_type", "area_code"]].drop_duplicates())
    rx1 = areas[areas["area_code"] == "RX1"].iloc[0]
    assert (
        rx1["area_type"] == "trust"
        and "NOTTINGHAM UNIVERSITY HOSPITALS" in rx1["area_name"].upper()
    )


def test_no_snapshot_is_one_clear_line(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("DASHBOARD_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    code = main(["query", "--measure", "x", "--data", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "no snapshot found" in err and "--data" in err and "DASHBOARD_DATA" in err
    assert str(tmp_path / "nowhere") in err
