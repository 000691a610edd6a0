"""Postcode lookup and seat helpers on the committed snapshot."""

import pytest

from dashboard import geography
from dashboard.core import settings, store


@pytest.fixture(scope="module")
def tables():
    snapshot = store.Snapshot(settings.data_dir())
    return (
        snapshot.table("os_codepoint_open", "postcodes"),
        snapshot.table("ons_local_boundaries_2013", "pcon2010_detailed"),
        snapshot.table("ons_pcon_boundaries", "pcon2024"),
        snapshot.table("ons_local_boundaries_2013", "wards2013"),
    )


def test_hmp_nottingham_postcode_is_in_nottingham_east(tables):
    found = geography.locate_postcode("ng53ag", *tables)
    # geography/PROVENANCE.md: NG5 3AG is E 456823 N 343355, Nottingham East, Sherwood ward.
    assert (found["easting"], found["northing"]) == (456823, 343355)
    assert found["pcon2010"]["code"] == "E14000865"
    assert found["pcon2024"]["code"] == "E14001410"
    assert found["ward2013"] == "Sherwood"
    assert found["ward2019_code"] == "E05012288"


def test_qmc_postcode_is_in_nottingham_south(tables):
    found = geography.locate_postcode("NG7 2UH", *tables)
    assert found["pcon2010"]["name"] == "Nottingham South"
    assert found["pcon2024"]["code"] == "E14001412"


@pytest.mark.parametrize(
    "text, message",
    [
        ("<b>hi</b>", "does not look like a UK postcode"),
        ("SW1A 1AA", "not in the Code-Point Open NG extract"),
        ("", "does not look like"),
        ("x" * 5000, "does not look like"),
    ],
)
def test_bad_postcodes_get_a_message(tables, text, message):
    assert message in geography.locate_postcode(text, *tables)["error"]


def test_seat_codes_round_trip():
    for seat in geography.SEATS.values():
        for boundary_set, code in seat.codes.items():
            assert geography.seat_for_code(code.lower()) == (seat.key, boundary_set)
    assert geography.seat_for_code("E14000001") is None


def test_seat_map_frames_prefer_finer_2010_outlines():
    snapshot = store.Snapshot(settings.data_dir())
    inputs = {
        "boundaries": {
            s: snapshot.table("ons_pcon_boundaries", s) for s in geography.BOUNDARY_SETS
        },
        "detailed_2010": snapshot.table("ons_local_boundaries_2013", "pcon2010_detailed"),
        "wards_2013": snapshot.table("ons_local_boundaries_2013", "wards2013"),
    }
    layers = geography.map_layers(**inputs)
    east_2010 = geography.seat_map_frames("east", "pcon2010", layers)
    assert set(east_2010.seats["code"]) == {
        "E14000865", "E14000710", "E14000866", "E14000867", "E14000908"
    }  # fmt: skip
    assert set(east_2010.seats["outline"]) == {"2013 generalised clipped"}
    assert len(east_2010.wards) == 6 and east_2010.other_label.endswith("July 2024 boundaries")
    east_2024 = geography.seat_map_frames("east", "pcon2024", layers, ("E14001457",))
    assert east_2024.wards is None and "E14001457" in set(east_2024.seats["code"])
    assert east_2024.other_outline["outline"].iloc[0] == "2013 generalised clipped"
    # British National Grid metres, as stored: Nottingham East is about 5 km across
    minx, miny, maxx, maxy = geography.bounds(
        east_2024.seats[east_2024.seats["code"] == "E14001410"]
    )
    assert 450_000 < minx < maxx < 465_000 and 335_000 < miny < maxy < 350_000
    assert 3_000 < maxx - minx < 10_000
