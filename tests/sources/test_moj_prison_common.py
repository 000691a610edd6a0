"""The prison name -> NOMIS code table is backed by the reference files it cites."""

import csv
from pathlib import Path

import pytest

from dashboard.topics.prison.sources import moj_prison_common as common


def test_every_code_is_in_the_nomis_list_or_robinl(sources: Path):
    with (sources / "prisons/reference/nomis-codes.tsv").open(newline="") as handle:
        reference = {row["nomis"]: row["name"] for row in csv.DictReader(handle, delimiter="\t")}
    assert reference["NMI"] == "NOTTINGHAM (HMP)"
    with (sources / "prisons/robinl_monthly_bulletins/final_full_time_series.csv").open() as handle:
        robinl = {row["nomis_id"]: row["moj_prison_name"] for row in csv.DictReader(handle)}
    outside = {name: code for name, code in common.NOMIS_CODES.items() if code not in reference}
    assert outside == {"holloway": "HYI"}
    assert robinl["HYI"] == "Holloway"


def test_no_name_is_both_coded_and_left_out():
    assert not set(common.NOMIS_CODES) & set(common.NOT_CODED)
    assert all(key == key.lower().strip() for key in [*common.NOMIS_CODES, *common.NOT_CODED])


def test_lookup():
    path = Path("some_file.csv")
    assert common.nomis_code("Nottingham", path) == "NMI"
    assert common.nomis_code("  Peterborough (Female) ", path) == "PFI"
    assert common.nomis_code("Usk / Prescoed", path) is None
    with pytest.raises(ValueError, match="some_file.csv: unknown prison name 'Narnia'"):
        common.nomis_code("Narnia", path)
