"""The validator lists every failure of a table at once."""

import pandas as pd
import pytest

from dashboard.core.observations import conform
from dashboard.core.validate import ValidationError, validate_observations


def _frame(**overrides):
    row = {
        "dataset": "d",
        "measure": "pct_within_4h_all",
        "area_type": "trust",
        "area_code": "RX1",
        "area_name": "Nottingham University Hospitals NHS Trust",
        "period_start": "2019-01-01",
        "period_end": "2019-01-31",
        "value": 80.0,
        "unit": "percent",
    }
    row.update(overrides)
    return row


def test_a_good_table_passes_unchanged():
    frame = conform(pd.DataFrame([_frame(), _frame(area_code="E92000001", area_type="country")]))
    assert validate_observations(frame, label="t") is frame


def test_every_failure_is_reported_together():
    frame = conform(
        pd.DataFrame(
            [
                _frame(value=140.0),
                _frame(area_type="lad", area_code="892", period_start="2019-02-01"),
                _frame(unit="count", measure="attendances_all", value=-3.0),
                _frame(period_start="2019-03-31", period_end="2019-03-01"),
                _frame(area_code="E92000001", area_type="country"),
                _frame(area_code="E92000001", area_type="country"),
            ]
        )
    )
    with pytest.raises(ValidationError) as caught:
        validate_observations(frame, label="demo")
    text = str(caught.value)
    assert "outside 0-100" in text and "140" in text
    assert "lad code(s) not matching" in text and "892" in text
    assert "negative" in text
    assert "end before they start" in text
    assert "share a key" in text
    assert len(caught.value.failures) == 5


def test_missing_is_null_and_passes():
    frame = conform(pd.DataFrame([_frame(value=None)]))
    validate_observations(frame, label="t")
    assert frame["value"].isna().all()


def test_schema_rejects_unknown_units_and_area_types():
    frame = conform(pd.DataFrame([_frame(unit="furlongs", area_type="parish")]))
    with pytest.raises(ValidationError, match="furlongs") as caught:
        validate_observations(frame, label="t")
    assert "parish" in str(caught.value)
