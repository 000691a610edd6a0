"""The homelessness page's frames, sentences and figures, against the real snapshot.

The newest quarter's figures come from the snapshot under test (tests/expected.py), so these
tests survive a refresh. Fixed past quarters were read by hand with `python -m dashboard query`
(dataset, measure, area, period given beside each check) and agree with the files the snapshot
names in `source_file`: Detailed_LA_202403.xlsx (Nottingham TA on 31 March 2024: 776),
DetailedLA_201912.xlsx (England prevention duty Oct-Dec 2019: 34,010).
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from dashboard.topics.homelessness import figures as charts
from dashboard.topics.homelessness import model as t
from dashboard.topics.homelessness import page as view
from dashboard.ui import data
from tests import expected

D = pd.Timestamp
TIMEOUT_S = 120
TA = "households_in_temporary_accommodation"
TA_RATE = "households_in_temporary_accommodation_per_1000"
YEAR = pd.offsets.QuarterEnd(4)


@pytest.fixture(scope="module")
def hclic(snapshot):
    return snapshot.table(t.HCLIC, "observations")


@pytest.fixture(scope="module")
def rough(snapshot):
    return snapshot.table(t.ROUGH, "observations")


@pytest.fixture(scope="module")
def cell(snapshot):
    """A Nottingham (or another area's) H-CLIC figure for the quarter ending ``end``."""

    def value(measure, end, area=t.NOTTINGHAM):
        return expected.value(snapshot, t.HCLIC, measure, area, end=end)

    return value


@pytest.fixture(scope="module")
def newest(snapshot):
    """The last quarter end with Nottingham's duties, and the last day with its TA count."""
    owed = expected.latest(snapshot, t.HCLIC, "households_owed_duty", t.NOTTINGHAM)
    ta = expected.latest(snapshot, t.HCLIC, TA_RATE, t.NOTTINGHAM)
    return owed["period_end"], ta["period_end"]


@pytest.fixture(scope="module")
def ta_day(snapshot, newest):
    """Every council's TA rate on the newest day, as the query prints it (nulls kept)."""
    rates = expected.on(snapshot, t.HCLIC, TA_RATE, "lad", end=newest[1])
    assert rates["value"].notna().sum() > 250
    return rates.drop_duplicates("current_area_code").set_index("current_area_code")


def test_quarter_labels():
    assert t.quarter_words(D("2025-12-31"), stock=False) == "October to December 2025"
    assert t.quarter_words(D("2024-03-31"), stock=True) == "31 March 2024"
    assert t.quarter_label(D("2025-12-31"), stock=False) == "Oct-Dec 2025"
    assert t.quarter_label(D("2018-06-30"), stock=False) == "Apr-Jun 2018"
    assert t.quarter_label(D("2024-03-31"), stock=True) == "31 Mar 2024"


def quarters_since_2018(end) -> int:
    return len(pd.date_range("2018-06-30", end, freq="QE"))


def test_count_series_keeps_every_quarter_and_missing_is_null(hclic, newest):
    # query: households_in_temporary_accommodation E06000018 2024-03-31 -> 776
    series = t.count_series(hclic, "households_in_temporary_accommodation", t.NOTTINGHAM)
    by_day = series.set_index("period_end")
    assert len(series) == quarters_since_2018(newest[0])  # from Apr-Jun 2018
    assert by_day.loc[D("2024-03-31"), "value"] == 776
    # Nottingham's TA return for 31 Dec 2018 is '..' in DetailedLA_201812.xlsx: null, not 0
    assert pd.isna(by_day.loc[D("2018-12-31"), "value"])
    assert "missing" in by_day.loc[D("2018-12-31"), "status"]
    assert t.is_derived(by_day.loc[D("2021-03-31"), "status"])  # no 2021 Q1 workbook


def test_rates_use_printed_or_calculated_values_and_derived_quarters_have_none(hclic, cell, newest):
    end = newest[0]
    rates = t.rate_series(hclic, "households_owed_duty", t.NOTTINGHAM).set_index("period_end")
    printed = cell("households_owed_duty_per_1000", end)
    assert rates.loc[end, "value"] == pytest.approx(printed)
    by_hand = cell("households_owed_duty", end) / cell("households_in_area", end) * 1000
    assert printed == pytest.approx(by_hand, abs=0.01)
    assert pd.isna(rates.loc[D("2021-03-31"), "value"])
    assert rates.loc[D("2021-03-31"), "count"] == 651
    assert rates.loc[D("2021-03-31"), "status"].startswith("count only")
    # no printed rate for TA with children: count / households in area, same file
    children = t.rate_series(hclic, "households_in_ta_with_children", t.NOTTINGHAM)
    latest = children.set_index("period_end").loc[newest[1]]
    with_children = cell("households_in_ta_with_children", newest[1])
    households = cell("households_in_area", newest[1])
    assert latest["value"] == pytest.approx(with_children / households * 1000)
    assert latest["status"].startswith("calculated")


def test_headline_latest_quarter_against_a_year_earlier(snapshot, hclic, cell, newest):
    end, day = newest
    owed = t.headline(hclic, "households_owed_duty")
    assert owed["quarter"] == expected.quarter(end)
    assert owed["count"] == cell("households_owed_duty", end)
    assert owed["year_before_count"] == cell("households_owed_duty", end - YEAR)
    assert owed["england_rate"] == pytest.approx(
        cell("households_owed_duty_per_1000", end, t.ENGLAND)
    )
    ta = t.headline(hclic, TA)
    assert ta["quarter"] == expected.day(day) and ta["count"] == cell(TA, day)
    assert ta["year_before_count"] == cell(TA, day - YEAR)
    assert ta["england_rate"] == pytest.approx(cell(TA_RATE, day, t.ENGLAND))
    # a quarter with no official workbook (2024 Q3 has none) is flagged as derived
    rows = expected.rows(snapshot, t.HCLIC, TA, t.NOTTINGHAM).set_index("period_end")["status"]
    assert ta["derived"] is str(rows[day]).startswith("derived")
    assert ta["year_before_derived"] is str(rows[day - YEAR]).startswith("derived")


def test_england_prevention_duty_october_december_2019(hclic):
    # query: households_prevention_duty E92000001 2019-10 -> 34010 (DetailedLA_201912.xlsx)
    frame = t.count_series(hclic, "households_prevention_duty", t.ENGLAND)
    assert frame.set_index("period_end").loc[D("2019-12-31"), "value"] == 34010


def test_trend_frame_table_summary_and_figure(hclic, cell, newest):
    frame = t.trend_frame(hclic, "households_owed_duty", "rate")
    assert set(frame["area"]) == {"Nottingham", "England"}
    table = t.trend_table(frame, "rate")
    assert list(table.columns) == ["Quarter", "Nottingham", "England", "Note (Nottingham)"]
    assert len(table) == quarters_since_2018(newest[0])
    row = table[table["Quarter"] == "Jan-Mar 2021"].iloc[0]
    assert pd.isna(row["Nottingham"]) and "derived" in row["Note (Nottingham)"]
    summary = t.trend_summary(frame, "households_owed_duty", "rate")
    rate = cell("households_owed_duty_per_1000", newest[0])
    assert f"{rate:.2f} per 1,000 households" in summary and "April to June 2018" in summary
    assert "7 quarters without a figure" in summary
    figure = charts.trend_figure(frame, "households_owed_duty", "rate")
    assert isinstance(figure, go.Figure)
    assert figure.layout.title.text and figure.layout.yaxis.title.text
    assert all(trace.connectgaps is False for trace in figure.data)
    assert len(figure.layout.shapes) == 7  # one grey band per quarter without a rate


def test_count_mode_marks_derived_quarters(hclic):
    frame = t.trend_frame(hclic, "households_in_temporary_accommodation", "count")
    figure = charts.trend_figure(frame, "households_in_temporary_accommodation", "count")
    derived = [trace for trace in figure.data if trace.legendgroup == "derived"]
    assert len(derived) == 1 and len(derived[0].x) == 7


def test_reasons_for_the_latest_four_quarters(snapshot, hclic, newest):
    quarters = t.latest_quarters(hclic, t.REASON_PREFIX)
    assert quarters[-1] == newest[0] and quarters[0] == newest[0] - pd.offsets.QuarterEnd(3)
    table = t.shares_table(hclic, t.REASON_PREFIX, t.REASON_LABELS, quarters)
    # each reason's households over the four quarters, summed from the query (A2P + A2R)
    by_hand = {
        measure: sum(
            expected.value_or_none(snapshot, t.HCLIC, measure, t.NOTTINGHAM, end=q) or 0
            for q in quarters
        )
        for measure in table["measure"]
    }
    top = table.iloc[0]
    assert top["measure"] == max(by_hand, key=by_hand.get)
    assert top["Nottingham households"] == by_hand[top["measure"]] > 0
    assert table["Nottingham share (%)"].sum() == pytest.approx(100, abs=0.5)
    summary = t.shares_summary(table, "reason", t.span_label(quarters))
    first = quarters[0] - pd.offsets.QuarterBegin(startingMonth=1)
    assert f"{expected.month(first)} to {expected.month(quarters[-1])}" in summary
    assert f"{expected.count(by_hand[top['measure']])} households" in summary
    figure = charts.shares_figure(table, title="Reasons", span=t.span_label(quarters))
    assert [trace.name for trace in figure.data] == ["England", "Nottingham"]


def test_temporary_accommodation_by_type(hclic, cell, newest):
    day = newest[1]
    frame = t.ta_types_frame(hclic)
    latest = frame[frame["period_end"] == day].set_index("measure")["value"]
    for measure in ("households_in_ta_social_housing", "households_in_bed_and_breakfast"):
        assert latest[measure] == cell(measure, day)
    assert latest.sum() == cell(TA, day)  # the types add up to the total on that day
    top = latest.idxmax()
    assert t.TA_TYPES[top].lower() in t.ta_types_summary(frame)
    assert len(t.ta_types_table(frame)) == quarters_since_2018(day)


def test_ta_rank_among_authorities(hclic, newest, ta_day):
    ranking, day = t.ta_rate_ranking(hclic)
    assert day == newest[1]
    rates = hclic[
        (hclic["measure"] == "households_in_temporary_accommodation_per_1000")
        & (hclic["period_end"] == day)
        & (hclic["area_type"] == "lad")
    ]["value"].dropna()
    nottingham = ranking[ranking["area_code"] == t.NOTTINGHAM].iloc[0]
    assert nottingham["rank"] == int((rates > nottingham["value"]).sum()) + 1
    assert nottingham["of"] == len(rates)
    core = t.comparator_frame(ranking, hclic, "core", day)
    assert "Sheffield" in set(core["area"]) and "England" in set(core["area"])
    east_midlands = t.comparator_frame(ranking, hclic, "em", day)
    with_figure = ta_day.reindex(t.EAST_MIDLANDS)["value"].notna().sum()
    assert len(east_midlands) == with_figure + 1  # the councils with a figure, and England
    sentence = t.rank_sentence(ranking, day, core)
    rate = ta_day.loc[t.NOTTINGHAM, "value"]
    assert f"{rate:.2f} households in temporary accommodation per 1,000" in sentence
    for name in ta_day.loc[ta_day["value"].isna(), "area_name"]:
        assert name in sentence  # every council with no figure is named


def test_rough_sleeping_core_cities(rough, hclic):
    frame = t.rough_sleeping_frame(rough)
    assert set(frame["area"]) == {"Nottingham", *t.CORE_CITIES.values()}
    table = t.rough_sleeping_table(frame)
    assert list(table.columns[:2]) == ["Autumn", "Nottingham"]
    # query: rough_sleepers_snapshot E06000018 2022-10 -> 27
    assert table.set_index("Autumn").loc["2022", "Nottingham"] == 27
    assert table.set_index("Autumn").loc["2022", "Sheffield"] == 15  # E08000019 in 2022
    summary = t.rough_sleeping_summary(frame)
    assert "27 people sleeping rough" in summary and "peak of 43 in 2017" in summary
    rates = t.rough_sleeping_rates(frame, t.households_for(hclic, 2022)).set_index("City")
    # query: households_in_area E06000018 2022-10 -> 130598
    assert rates.loc["Nottingham", "Per 10,000 households"] == pytest.approx(2.07, abs=0.01)
    figure = charts.rough_sleeping_figure(frame)
    assert len(figure.layout.annotations) >= 8  # a titled panel per city


def test_export_frame_keeps_codes_periods_and_status(hclic, rough):
    frame = t.export_frame(hclic, rough, [t.NOTTINGHAM, t.ENGLAND])
    assert set(frame["area_code"]) == {t.NOTTINGHAM, t.ENGLAND}
    assert {"period_start", "period_end", "unit", "status", "source_file"} <= set(frame.columns)
    assert set(frame["dataset"]) == {t.HCLIC, t.ROUGH}


@pytest.fixture(scope="module")
def lads(snapshot):
    try:
        return snapshot.table("ons_lad_boundaries_2013", "lad2013")
    except KeyError:
        pytest.skip("no ons_lad_boundaries_2013 in the snapshot: build it first")


def test_map_bins_never_put_a_missing_figure_in_the_lowest_colour():
    assert charts.map_bin(0.0) == 0 and charts.map_bin(0.99) == 0
    assert charts.map_bin(1.0) == 1 and charts.map_bin(5.29) == 3 and charts.map_bin(12.4) == 4
    assert charts.map_bin(float("nan")) is None and charts.map_bin(None) is None


def test_ta_map_of_east_midlands_councils(hclic, lads, cell, ta_day):
    ranking, day = t.ta_rate_ranking(hclic)
    frame, not_on_map = charts.ta_map_frame(lads, hclic, t.EAST_MIDLANDS, day)
    assert len(frame) == 35 and not_on_map.empty  # every council has a shape
    assert type(frame) is pd.DataFrame  # a plain frame of shapely shapes, no geopandas
    by_code = frame.set_index("current_area_code")
    notts = by_code.loc[t.NOTTINGHAM]
    national = ta_day["value"].dropna()
    rate = national[t.NOTTINGHAM]
    rank = int((national > rate).sum()) + 1
    assert notts["value"] == pytest.approx(rate) and notts["bin"] == charts.map_bin(rate)
    assert notts["rank"] == rank == ranking.set_index("area_code").loc[t.NOTTINGHAM, "rank"]
    assert notts["geometry"].area / 1e6 == pytest.approx(74.6, abs=0.5)  # stored in BNG metres
    # a council whose return is missing that day: no figure, no bin, hatched, not zero
    region = ta_day.reindex(t.EAST_MIDLANDS)
    missing = region[region["value"].isna()]
    for code in missing.index:
        assert pd.isna(by_code.loc[code, "value"]) and pd.isna(by_code.loc[code, "bin"])
    # North and West Northamptonshire (2021) are drawn as their 2013 districts
    assert [c for c, _ in by_code.loc["E06000061", "drawn_from"]] == [
        "E07000150",
        "E07000152",
        "E07000153",
        "E07000156",
    ]
    assert len(by_code.loc["E06000062", "drawn_from"]) == 3
    notes = charts.ta_map_notes(frame, not_on_map)
    assert any("North Northamptonshire" in n and "Kettering" in n for n in notes)
    table = charts.ta_map_table(frame, not_on_map)
    rank_header = f"Rank (of {len(national)})"
    assert list(table.columns) == ["Council", "Per 1,000", rank_header, "Code"]
    assert table.set_index("Code").loc[t.NOTTINGHAM, rank_header] == str(rank)
    highest = region["value"].idxmax()
    assert table.iloc[0]["Code"] == highest  # the region's highest rate first
    if not missing.empty:
        assert table.iloc[-1]["Code"] in set(missing.index)
        assert table.iloc[-1][rank_header] == "no figure"
    label = expected.day(day)
    figure = charts.ta_map_figure(frame, lads, day_label=label, group_label="EM")
    # one filled trace per colour band and one for Nottingham's heavier outline, not one per
    # council: each council falls in the trace of its band, no figure hatched, never the 0 colour
    filled = [tr for tr in figure.data if tr.fill == "toself" and tr.x[0] is not None]
    bands = {b for b in frame["bin"].dropna()}
    assert len(filled) == len(bands) + (not missing.empty) + 1
    for row in frame.itertuples():
        point = row.geometry.point_on_surface()
        (trace,) = [tr for tr in filled if _polygons(tr).contains(point)]
        if pd.isna(row.bin):
            assert trace.fillpattern.shape == "/" and trace.name == charts.NO_FIGURE
        else:
            assert trace.fillcolor == charts.MAP_COLOURS[row.bin]
        notts = row.current_area_code == t.NOTTINGHAM
        assert (trace.line.color, trace.line.width) == (
            (charts.BLACK, 2.5) if notts else (charts.MAP_LINE, 1)
        )
    hatched = [tr for tr in filled if tr.fillpattern.shape == "/"]
    assert len(hatched) == (not missing.empty)
    assert all(tr.fillcolor == "white" for tr in hatched)
    # hover: each council's name, code, rate and rank from one point inside it
    (hover,) = [tr for tr in figure.data if tr.mode == "markers"]
    details = {row[1]: list(row) for row in hover.customdata}
    for code in missing.index:
        assert details[code][2:] == ["no figure", ""]
    assert details[t.NOTTINGHAM] == [
        "Nottingham",
        t.NOTTINGHAM,
        f"{rate:.2f}",
        f"<br>rank {rank} of {len(national)} in England",
    ]
    assert "per 1,000 households" in hover.hovertemplate
    legend = [tr.name for tr in figure.data if tr.showlegend is not False]
    assert legend == [*charts.MAP_BIN_LABELS, *([charts.NO_FIGURE] if len(missing) else [])]
    texts = [a.text for a in figure.layout.annotations]
    assert f"<b>Nottingham</b>: <b>{rate:.2f}</b>" in texts
    assert figure.layout.yaxis.scaleanchor == "x"  # metres on equal axes, no tile server
    england = cell(TA_RATE, day, t.ENGLAND)
    summary = charts.ta_map_summary(frame, not_on_map, day_label=label, england_rate=england)
    present = region["value"].dropna().sort_values(ascending=False)
    top_name = by_code.loc[highest, "area"]
    assert f"{top_name}'s ({present.iloc[0]:.2f} per 1,000)" in summary
    above = int((present > england).sum())
    assert f"{above} of the {len(present)} councils with a figure" in summary
    assert f"above England's {england:.2f}" in summary
    position = list(present.index).index(t.NOTTINGHAM) + 1
    assert f"{expected.ordinal(position)} highest of the {len(present)}" in summary
    for code in missing.index:
        assert by_code.loc[code, "area"] in summary.split("No figure for")[1]


def test_ta_map_of_core_cities_and_a_council_without_a_2013_shape(hclic, lads, ta_day):
    _, day = t.ta_rate_ranking(hclic)
    codes = [t.NOTTINGHAM, *t.CORE_CITIES]
    frame, not_on_map = charts.ta_map_frame(lads, hclic, codes, day)
    assert len(frame) == 8 and not_on_map.empty
    # Sheffield is E08000039 since April 2025; its 2013 shape is E08000019
    sheffield = frame.set_index("current_area_code").loc["E08000039"]
    assert sheffield["drawn_from"] == [("E08000019", "Sheffield")]
    figure = charts.ta_map_figure(
        frame, lads, day_label=expected.day(day), group_label="core", named=True
    )
    texts = {a.text for a in figure.layout.annotations}
    for code, name in t.CORE_CITIES.items():
        rate = ta_day["value"].get(code)
        shown = "no figure" if pd.isna(rate) else f"{rate:.2f}"
        assert f"{name}: <b>{shown}</b>" in texts
    # without Sheffield's 2013 district the council is listed, not drawn and not dropped
    frame, not_on_map = charts.ta_map_frame(lads[lads["code"] != "E08000019"], hclic, codes, day)
    assert list(not_on_map["area"]) == ["Sheffield"] and len(frame) == 7
    assert "Not on the map" in charts.ta_map_notes(frame, not_on_map)[-1]
    assert "Sheffield" in set(charts.ta_map_table(frame, not_on_map)["Council"])


def test_map_outlines_are_typed_arrays_broken_by_gaps_and_skip_hidden_districts(hclic, lads):
    _, day = t.ta_rate_ranking(hclic)
    frame, _ = charts.ta_map_frame(lads, hclic, t.EAST_MIDLANDS, day)
    figure = charts.ta_map_figure(frame, lads, day_label="31 Dec 2025", group_label="EM")
    context = figure.data[0]
    assert context.name == "Other councils (not compared)"
    # whole metres as float32 (exact below 16.7 million), NaN between rings: a gap, as None was
    assert context.x.dtype == np.float32 and np.isnan(context.x).any()
    assert np.array_equal(
        context.x[~np.isnan(context.x)], np.round(context.x[~np.isnan(context.x)])
    )
    assert '"bdata"' in figure.to_json()  # sent as typed arrays, not lists of numbers
    # the compared councils' own districts would be hidden under their fills: not sent twice
    drawn = {code for sources in frame["drawn_from"] for code, _ in sources}
    hidden = shapely.union_all(lads.loc[lads["code"].isin(drawn), "geometry"].to_numpy())
    xs, ys = context.x[~np.isnan(context.x)], context.y[~np.isnan(context.y)]
    inside = hidden.buffer(-2000).contains(shapely.points(np.column_stack([xs, ys])))
    assert not inside.any()
    # simplified to about a pixel, every ring is kept: islands smaller than a pixel too
    minx, miny, maxx, maxy = shapely.total_bounds(frame["geometry"].to_numpy())
    pad = max(maxx - minx, maxy - miny) * 0.06  # the map's view, as ta_map_figure pads it
    box = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    near = ~lads["code"].isin(drawn) & shapely.intersects(lads["geometry"].to_numpy(), box)
    parts = shapely.get_num_geometries(lads.loc[near, "geometry"].to_numpy()).sum()
    assert np.isnan(context.x).sum() == parts


def _polygons(trace) -> shapely.MultiPolygon:
    """The rings of a filled trace (x, y broken by NaN) as polygons."""
    xy = np.column_stack([trace.x, trace.y]).astype(float)
    ends = np.flatnonzero(np.isnan(xy[:, 0]))
    starts = np.r_[0, ends[:-1] + 1]
    return shapely.MultiPolygon(
        [shapely.Polygon(xy[a:b]) for a, b in zip(starts, ends, strict=True)]
    )


def test_a_council_inside_another_is_drawn_on_top_and_every_band_stays_in_the_legend():
    # a council with a hole and one filling it: fills cover holes, so the enclave comes after
    outer = shapely.Polygon([(0, 0), (30000, 0), (30000, 30000), (0, 30000)]).difference(
        shapely.box(10000, 10000, 20000, 20000)
    )
    frame = pd.DataFrame(
        {
            "area": ["Ring", "Enclave"],
            "area_code": ["E07000001", "E07000002"],
            "current_area_code": ["E07000001", "E07000002"],
            "value": [9.0, 0.5],  # the enclave's band comes first in the legend's order
            "rank": [1, 2],
            "of": [2, 2],
            "drawn_from": [[("E07000001", "Ring")], [("E07000002", "Enclave")]],
            "geometry": [outer, shapely.box(10000, 10000, 20000, 20000)],
            "bin": pd.array([4, 0], dtype="Int64"),
        }
    )
    lads = pd.DataFrame({"code": ["E07000001", "E07000002"], "geometry": frame["geometry"]})
    figure = charts.ta_map_figure(frame, lads, day_label="d", group_label="g")
    filled = [tr.fillcolor for tr in figure.data if tr.fill == "toself" and tr.x[0] is not None]
    assert filled == [charts.MAP_COLOURS[4], charts.MAP_COLOURS[0]]
    legend = [tr.name for tr in figure.data if tr.showlegend is not False]
    assert legend == list(charts.MAP_BIN_LABELS)  # no "no figure" key: every council has one


# --- the page under AppTest: lazy tabs, controls from a link, tiles -----------------------


def render_homelessness(seat: str = "east", boundary_set: str = "pcon2024") -> None:
    from dashboard.topics.homelessness import page as homelessness
    from dashboard.ui.state import Selection

    homelessness.render(Selection(seat, boundary_set))


def page(seat: str = "east", boundary_set: str = "pcon2024", **params) -> AppTest:
    at = AppTest.from_function(
        render_homelessness,
        kwargs={"seat": seat, "boundary_set": boundary_set},
        default_timeout=TIMEOUT_S,
    )
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def text(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption, *at.subheader, *at.header])


def test_default_view_runs_only_the_trend_tab(snapshot, cell, newest):
    at = page()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Homelessness in Nottingham"
    assert [tab.label for tab in at.tabs] == list(view.TABS)
    # five tiles, each with its own period text; one as-of line under them all
    assert [m.label for m in at.metric] == [
        "Owed a duty",
        "In TA",
        "In TA, with children",
        "In B&B",
        "Sleeping rough",
    ]
    end = newest[0]
    rough = expected.latest(snapshot, t.ROUGH, "rough_sleepers_snapshot", t.NOTTINGHAM)
    assert at.metric[0].value == expected.count(cell("households_owed_duty", end))
    assert at.metric[4].value == expected.count(rough["value"])
    as_of = data.as_of_text(t.HCLIC, t.ROUGH)
    assert as_of and [m.value for m in at.markdown].count(as_of) == 1
    shown = text(at)
    rate = cell("households_owed_duty_per_1000", end)
    england = cell("households_owed_duty_per_1000", end, t.ENGLAND)
    assert f"**{expected.quarter(end)}**: {rate:.2f} per 1,000 households" in shown
    assert f"(England {england:.2f})" in shown
    rough_england = expected.value(
        snapshot, t.ROUGH, "rough_sleepers_snapshot", t.ENGLAND, rough["period_start"]
    )
    autumn = f"**Autumn {rough['period_start'].year}**: England {expected.count(rough_england)}"
    assert autumn in shown
    assert "not Nottingham East" in " ".join(i.value for i in at.info)
    # the lines to quote are the briefing engine's: the newest quarter held, in H-CLIC's words
    owed = cell("households_owed_duty", end)
    assert f"In {end - pd.DateOffset(months=2):%B} to {end:%B %Y}, {owed:,.0f} households" in shown
    ta_day, ta_rate = newest[1], cell(TA_RATE, newest[1])
    assert (
        f"On {ta_day.day} {ta_day:%B %Y}, there were {ta_rate:.1f} households in temporary "
        "accommodation per 1,000 households in Nottingham"
    ) in shown
    # the trend and its controls; hidden tabs cost nothing: their sections are not drawn
    assert at.selectbox(key="homeless_trend_measure").value == "households_owed_duty"
    assert at.radio(key="homeless_trend_mode").value == "rate"
    for hidden in (
        "Temporary accommodation on the map",
        "Download the figures",
        "Rough sleeping: Nottingham and the core cities",
    ):
        assert hidden not in shown
    assert len(at.get("plotly_chart")) == 1 and len(at.dataframe) == 1


def test_a_link_sets_the_trend_measure_and_mode(snapshot, cell, newest):
    at = page(
        homeless_trend_measure=t.TREND_MEASURES["households_in_temporary_accommodation"][0],
        homeless_trend_mode=view.MODES["count"],
    )
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning
    assert at.selectbox(key="homeless_trend_measure").value == (
        "households_in_temporary_accommodation"
    )
    assert at.radio(key="homeless_trend_mode").value == "count"
    day = newest[1]
    on_day = f"on {day.day} {day:%B %Y}"
    assert f"**{expected.count(cell(TA, day))} households** {on_day}" in text(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Quarter", "Nottingham", "Note (Nottingham)"]


def test_a_link_opens_the_compare_tab_with_both_groups(snapshot, ta_day):
    at = page(
        homeless_tab="Compare",
        homeless_compare_group=view.GROUPS["em"],
        homeless_map_group=view.MAP_GROUPS["core"],
    )
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning
    assert at.radio(key="homeless_compare_group").value == "em"
    assert at.radio(key="homeless_map_group").value == "core"
    shown = text(at)
    region = ta_day.reindex(t.EAST_MIDLANDS)["value"].dropna().sort_values(ascending=False)
    position = list(region.index).index(t.NOTTINGHAM) + 1
    where = f"{expected.ordinal(position)} highest of the {len(region)} authorities with a figure"
    assert where in shown
    cities = ta_day.reindex([t.NOTTINGHAM, *t.CORE_CITIES])["value"]
    top = cities.idxmax()
    top_name = t.CORE_CITIES.get(top, "Nottingham")
    assert f"{top_name}'s ({cities[top]:.2f} per 1,000)" in shown
    for code in cities[cities.isna()].index:
        assert t.CORE_CITIES[code] in shown.split("No figure for")[1]
    assert "Sheffield (E08000039) is drawn on its 2013 boundary" in shown
    assert "Since the Homelessness Reduction Act" not in shown  # the trend tab did not run
    assert len(at.get("plotly_chart")) == 2


def test_the_download_tab_exports_the_chosen_areas(snapshot):
    at = page(homeless_tab="Download")
    assert not at.exception, [e.value for e in at.exception]
    labels = [at.get("download_button")[0].proto.label]
    at.radio(key="homeless_export_areas").set_value("core").run()
    assert not at.exception, [e.value for e in at.exception]
    labels.append(at.get("download_button")[0].proto.label)
    rows = [int(label.split()[2].replace(",", "")) for label in labels]
    assert rows[1] > rows[0] > 0  # the core cities add rows to Nottingham and England


def test_a_bad_control_value_in_a_link_falls_back_with_a_notice(snapshot):
    from dashboard.ui import state

    at = page(homeless_trend_mode="<b>all</b>")
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="homeless_trend_mode").value == "rate"
    notices = at.session_state[state.NOTICES]
    assert any("homeless\\_trend\\_mode" in n and "<b>" not in n for n in notices)


@pytest.mark.parametrize("seat, boundary_set, name", [("south", "pcon2010", "Nottingham South")])
def test_only_the_coverage_tab_depends_on_the_seat(snapshot, seat, boundary_set, name):
    at = page(seat, boundary_set, homeless_tab="Coverage and limits")
    assert not at.exception, [e.value for e in at.exception]
    shown = text(at)
    assert f"{name} covers about" in shown
    assert "What these figures do not show" in shown
    table = at.dataframe[0].value
    assert list(table["GSS code"]) == [t.NOTTINGHAM, "E14000867"]
