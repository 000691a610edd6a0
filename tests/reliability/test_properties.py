"""Property-based tests (hypothesis) for the validator, the query helpers, exports and URL state."""

import datetime as dt
import re
import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import geography
from dashboard.core import exports, query
from dashboard.core.observations import KEY, conform
from dashboard.core.validate import ValidationError, validate_observations
from dashboard.geography.sources.os_codepoint_open import normalise_postcode
from dashboard.ui.state import MAX_PARAM_LENGTH, parse_area_param

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CODES = {  # valid codes for each area type, as the validator's patterns expect
    "trust": ["RX1", "RTG", "R0A"],
    "prison": ["NMI", "LEI"],
    "school": ["122407", "1000001"],
    "pcon2024": ["E14001410", "E14001411"],
    "pcon2010": ["E14000865"],
    "lad": ["E06000018"],
    "country": ["E92000001"],
}
BAD_CODES = {"trust": "rx-1", "prison": "NM1", "school": "12AB", "pcon2024": "X1400141"}
UNIT_VALUES = {
    "count": st.floats(0, 1e7),
    "percent": st.floats(0, 100),
    "rate_per_1000": st.floats(0, 1000),
    "score": st.floats(-100, 100),
}


@st.composite
def observation(draw):
    area_type = draw(st.sampled_from(sorted(CODES)))
    unit = draw(st.sampled_from(sorted(UNIT_VALUES)))
    start = draw(st.dates(dt.date(2001, 1, 1), dt.date(2025, 12, 1))).replace(day=1)
    return {
        "dataset": "prop_test",
        "measure": draw(st.sampled_from(["attendances", "pct_within_4h", "pupils"])),
        "area_type": area_type,
        "area_code": draw(st.sampled_from(CODES[area_type])),
        "area_name": draw(st.text(max_size=30)),
        "period_start": start,
        "period_end": start + dt.timedelta(days=27),
        "value": draw(st.one_of(st.none(), UNIT_VALUES[unit])),
        "unit": unit,
    }


def frame_of(rows: list[dict]) -> pd.DataFrame:
    return conform(pd.DataFrame(rows, columns=list(rows[0]) if rows else None))


valid_frames = st.lists(
    observation(), min_size=1, max_size=25, unique_by=lambda r: tuple(r[k] for k in KEY)
).map(frame_of)


@SETTINGS
@given(valid_frames)
def test_valid_frames_pass_unchanged(frame):
    before = frame.copy()
    assert validate_observations(frame, label="generated") is frame
    pd.testing.assert_frame_equal(frame, before)


@st.composite
def broken_frame(draw):
    rows = draw(
        st.lists(
            observation(), min_size=1, max_size=15, unique_by=lambda r: tuple(r[k] for k in KEY)
        )
    )
    index = draw(st.integers(0, len(rows) - 1))
    kind = draw(st.sampled_from(["percent", "negative", "duplicate", "code"]))
    row = dict(rows[index])
    if kind == "percent":
        row["unit"] = "percent"
        row["value"] = draw(
            st.one_of(st.floats(100, 1e9, exclude_min=True), st.floats(-1e9, 0, exclude_max=True))
        )
        rows[index], expected = row, "percentage(s) outside 0-100"
    elif kind == "negative":
        row["unit"] = draw(st.sampled_from(["count", "rate_per_1000", "days"]))
        row["value"] = draw(st.floats(-1e9, 0, exclude_max=True))
        rows[index], expected = row, "negative count(s)"
    elif kind == "duplicate":
        row["value"] = draw(st.one_of(st.none(), st.floats(0, 100)))
        rows.insert(draw(st.integers(0, len(rows))), row)
        expected = "rows share a key"
    else:
        area_type = draw(st.sampled_from(sorted(BAD_CODES)))
        row.update(area_type=area_type, area_code=BAD_CODES[area_type])
        rows[index], expected = row, f"{area_type} code(s) not matching"
    return frame_of(rows), expected


@SETTINGS
@given(broken_frame())
def test_any_bad_row_is_rejected_and_listed(case):
    frame, expected = case
    with pytest.raises(ValidationError) as raised:
        validate_observations(frame, label="generated")
    assert any(expected in failure for failure in raised.value.failures), raised.value.failures
    assert str(raised.value).startswith("generated: ")


OBSERVATIONS = frame_of(
    [
        {
            "dataset": "nhse_ae_monthly",
            "measure": "pct_within_4h_all",
            "area_type": "trust",
            "area_code": "RX1",
            "area_name": "Nottingham University Hospitals NHS Trust",
            "period_start": dt.date(2017, 1, 1),
            "period_end": dt.date(2017, 1, 31),
            "value": 80.5,
            "unit": "percent",
        }
    ]
)


@SETTINGS
@given(st.text(max_size=40))
def test_period_bounds_raises_only_query_error(text):
    try:
        start, end = query.period_bounds(text)
    except query.QueryError as error:
        assert repr(text) in str(error)
    else:
        assert isinstance(start, pd.Timestamp) and (end is None or end >= start)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "dataset": st.text(max_size=30),
            "measure": st.text(max_size=30),
            "area": st.text(max_size=30),
            "period": st.one_of(st.text(max_size=12), st.from_regex(r"\d{4}-\d{2}(-\d{2})?")),
        },
    )
)
def test_select_raises_only_query_error(filters):
    try:
        selected = query.select(OBSERVATIONS, **filters)
    except query.QueryError:
        return
    assert set(selected.columns) == set(OBSERVATIONS.columns)
    assert len(selected) <= len(OBSERVATIONS)


FORMULA_TEXT = st.one_of(
    st.text(max_size=20),
    st.builds(lambda p, t: p + t, st.sampled_from(exports.FORMULA_PREFIXES), st.text(max_size=20)),
)


@SETTINGS
@given(FORMULA_TEXT)
def test_neutralise_formula_never_returns_a_formula(text):
    out = exports.neutralise_formula(text)
    # No line of the cell (a spreadsheet may read \r or \n as a new row) starts a formula, and
    # the only change is an apostrophe before such a line.
    for line in re.split(r"(?<=[\r\n])", out):
        assert not line.startswith(exports.FORMULA_PREFIXES) or line.startswith(("\r", "\n"))
    assert out.replace("'", "") == text.replace("'", "")


@SETTINGS
@given(
    st.lists(FORMULA_TEXT, min_size=1, max_size=10),
    st.sampled_from(["object", "string"]),
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=10, max_size=10),
)
def test_safe_for_spreadsheets_leaves_no_formula_cell(texts, dtype, numbers):
    frame = pd.DataFrame({"name": pd.Series(texts, dtype=dtype)})
    frame["value"] = numbers[: len(frame)]
    out = exports.safe_for_spreadsheets(frame)
    cells = [c for c in out["name"].tolist() if isinstance(c, str)]
    assert len(cells) == len(texts)
    assert not [c for c in cells if c.startswith(exports.FORMULA_PREFIXES)]
    assert out["value"].tolist() == frame["value"].tolist()  # numbers untouched


def test_safe_for_spreadsheets_covers_categorical_text():
    """A Parquet dictionary column can come back as category: it is neutralised too."""
    frame = pd.DataFrame({"name": pd.Series(['=HYPERLINK("http://x")', "ok"], dtype="category")})
    out = exports.safe_for_spreadsheets(frame)
    assert not any(str(c).startswith(exports.FORMULA_PREFIXES) for c in out["name"])


@SETTINGS
@given(st.one_of(st.none(), st.text(), st.text(min_size=5000, max_size=10000)))
def test_parse_area_param_never_raises_and_bounds_its_notice(raw):
    selection, notice = parse_area_param(raw)
    assert selection is None or notice is None
    if notice is not None:
        assert len(notice) < 400
        assert raw[: MAX_PARAM_LENGTH + 1] not in notice or len(raw) <= MAX_PARAM_LENGTH


@SETTINGS
@given(st.sampled_from([c for s in geography.SEATS.values() for c in s.codes.values()]), st.data())
def test_parse_area_param_accepts_every_seat_code_in_any_case(code, data):
    spaced = data.draw(st.sampled_from(["", " ", "\t"]))
    raw = spaced + "".join(data.draw(st.sampled_from([ch.lower(), ch])) for ch in code) + spaced
    selection, notice = parse_area_param(raw)
    assert notice is None and selection is not None and selection.code == code


POSTCODE = st.builds(
    lambda area, district, sector, unit: f"{area}{district} {sector}{unit}",
    st.sampled_from(["NG", "N", "DE", "LE"]),
    st.integers(1, 99).map(str),
    st.integers(0, 9).map(str),
    st.text(alphabet="ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
)


@SETTINGS
@given(POSTCODE, st.data())
def test_normalise_postcode_canonical_form_from_any_spacing_and_case(postcode, data):
    messy = "".join(
        data.draw(st.sampled_from(["", " ", "  ", "\t"]))
        + data.draw(st.sampled_from([c, c.lower()]))
        for c in postcode.replace(" ", "")
    )
    assert normalise_postcode(messy) == postcode


@SETTINGS
@given(st.text(max_size=30))
def test_normalise_postcode_is_idempotent_and_trimmed(text):
    once = normalise_postcode(text)
    assert normalise_postcode(once) == once
    assert once == once.strip() and "  " not in once
    assert not any(c in string.whitespace for c in once.replace(" ", ""))
