"""Constituency estimates of households on UC, checked against DWP's own constituency table."""

import pandas as pd
import pytest

from dashboard.core import catalogue
from dashboard.topics.uc.sources import statxplore_xlsx, uc_constituency_estimate

UC = "universal_credit/statxplore_exports"
NOV_2023 = pd.Timestamp("2023-11-01")  # last month of the MSOA series


@pytest.fixture(scope="module")
def parsed(sources):
    record = catalogue.get("uc_households_pcon_estimate")
    paths = sorted(p for f in record.files for p in sources.glob(f.path))
    return uc_constituency_estimate.parse(paths, "uc_households_pcon_estimate")


@pytest.fixture(scope="module")
def estimates(parsed):
    frame = parsed["observations"]
    return frame.pivot_table(index="period_start", columns="area_code", values="value")


@pytest.fixture(scope="module")
def official(sources):
    """DWP's May 2025 tables: households by 2024 constituency and by local authority."""
    pcon = statxplore_xlsx.parse(
        [sources / "geography/lookups/ukparl.2025.csv", sources / f"{UC}/uc_pc_households.xlsx"],
        "dwp_uc_households_pcon2024",
    )["observations"]
    la = statxplore_xlsx.parse(
        [sources / f"{UC}/uc_la_households.xlsx"], "dwp_uc_households_lad_may2025"
    )["observations"]
    return pd.concat([pcon, la]).set_index("area_code")["value"]


def test_labelled_an_estimate_everywhere(parsed):
    obs = parsed["observations"]
    assert set(obs["dataset"]) == {"uc_households_pcon_estimate"}
    assert obs["status"].str.startswith("estimate").all()
    assert set(obs.loc[obs["period_start"] == NOV_2023, "status"]) == {"estimate; provisional"}
    assert catalogue.get("uc_households_pcon_estimate").official is False
    assert set(obs["area_code"]) == {
        "E14000865",  # Nottingham East, 2010 set
        "E14000866",
        "E14000867",
        "E14001410",  # Nottingham East, 2024 set
        "E14001412",
    }
    assert obs.groupby("area_code")["period_start"].nunique().eq(90).all()


def test_weights_share_out_each_msoa_once_per_set(parsed):
    shares = parsed[uc_constituency_estimate.WEIGHTS]
    totals = shares.groupby(["area_type", "msoa_code"])["share"].sum()
    assert totals.round(9).eq(1).all()
    assert shares.groupby("area_type")["msoa_code"].nunique().eq(38).all()
    # Nottingham 015 (E02002882) lies wholly in Nottingham East on both sets of boundaries.
    east = shares[(shares["msoa_code"] == "E02002882")]
    assert set(east["pcon_code"]) == {"E14000865", "E14001410"}


def test_city_seats_add_up_to_the_city(sources, estimates):
    # The 2010 seats tile the city, so they share out every MSOA household: Nov 2023 = 37,201,
    # the sum of the 38 MSOA rows of households_on_UC_msoa_15-22.csv.
    city = estimates[["E14000865", "E14000866", "E14000867"]].sum(axis=1)
    assert abs(city[NOV_2023] - 37201) <= 3  # rounding of each seat to whole households


def test_2024_east_contains_2010_east(estimates):
    # The 2024 seat is the 2010 seat plus part of old Nottingham South.
    after = estimates.index >= pd.Timestamp("2018-10-01")
    assert (estimates.loc[after, "E14001410"] >= estimates.loc[after, "E14000865"]).all()


def test_estimate_against_the_official_may_2025_figure(estimates, official):
    """The like-for-like check: the seat's share of the city, applied to May 2025."""
    city = estimates[["E14000865", "E14000866", "E14000867"]].sum(axis=1)[NOV_2023]
    assert official["E14001410"] == 18520  # uc_pc_households.xlsx, "Nottingham East", D
    assert official["E06000018"] == 47824  # uc_la_households.xlsx, "Nottingham", D
    east = uc_constituency_estimate.compare_with_official(
        estimates.loc[NOV_2023, "E14001410"] / city, official["E14001410"], official["E06000018"]
    )
    south = uc_constituency_estimate.compare_with_official(
        estimates.loc[NOV_2023, "E14001412"] / city, official["E14001412"], official["E06000018"]
    )
    print(f"Nottingham East: {east}\nNottingham South: {south}")
    assert abs(east["difference_pct"]) < 5
    assert abs(south["difference_pct"]) < 5
    # The catalogue states these figures to users: keep them true.
    caveats = " ".join(catalogue.get("uc_households_pcon_estimate").caveats)
    assert f"{east['estimated_share']:.1%}" in caveats
    assert f"{east['official_share']:.1%}" in caveats
    assert f"{round(east['implied_households']):,}" in caveats
    assert f"{round(-east['difference']):,}" in caveats
    assert f"{round(south['implied_households']):,}" in caveats


def test_missing_input_fails_naming_it(sources):
    record = catalogue.get("uc_households_pcon_estimate")
    paths = [
        p
        for f in record.files
        for p in sources.glob(f.path)
        if p.name != uc_constituency_estimate.PCON2010_FILE
    ]
    with pytest.raises(ValueError, match=uc_constituency_estimate.PCON2010_FILE):
        uc_constituency_estimate.parse(paths, "uc_households_pcon_estimate")
