"""Download names say what the file holds: area, measure and period."""

import re

import pandas as pd

from dashboard.topics.homelessness import model as homelessness
from dashboard.ui import components


def test_names_are_lower_case_slugs_of_area_measure_and_period():
    name = components.file_name("Nottingham East", "Households on Universal Credit", "2025-05")
    assert name == "nottingham-east_households-on-universal-credit_2025-05.csv"
    assert components.file_name("A & B", "", "x", suffix=".zip") == "a-b_x.zip"


def test_the_homelessness_export_is_named_by_its_areas_and_quarters(snapshot):
    hclic = snapshot.observations(["mhclg_hclic_detailed_la"])
    rough = snapshot.observations(["mhclg_rough_sleeping_snapshot"])
    frame = homelessness.export_frame(hclic, rough, [homelessness.NOTTINGHAM, homelessness.ENGLAND])
    span = components.period_span(frame)
    first = pd.to_datetime(frame["period_start"]).min()
    assert span.startswith(f"{first:%Y-%m}-to-")
    name = components.file_name("Nottingham and England", "homelessness", span)
    assert re.fullmatch(r"nottingham-and-england_homelessness_\d{4}-\d\d-to-\d{4}-\d\d\.csv", name)
    assert components.period_span(pd.DataFrame({"x": [1]})) == ""
