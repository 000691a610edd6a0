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
    assert list(frame.columns) == COLUMNS
    assert frame.to_dict("records") == [
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
    assert out.strip().endswith("2022-06-30,2022-06-30,124191,count")


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
    assert code == 0 and out.strip().endswith(
        "E06000018,Nottingham,2018-09-01,2019-08-31,-0.15,score"
    )
