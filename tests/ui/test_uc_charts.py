"""The Universal Credit page's frames, sentences and figures, against the real snapshot.

Expected values were read by hand with `python -m dashboard query` and from the Stat-Xplore
exports named in ../shared/sources/universal_credit/PROVENANCE.md:
households_on_UC_ltla_15-22.csv (row "Nottingham": January 2019 4,823, December 2019 14,851,
November 2023 (p) 37,208; row "Total": January 2019 1,471,234), households_on_UC_msoa_15-22.csv
(row "Nottingham 001": January 2019 41, December 2019 163) and uc_pc_households.xlsx (Data
Sheet 0, "Nottingham East" 18,520; "Nottingham South" 12,442, May 2025 (p)).
"""

import io
import json
import zipfile

import pandas as pd
import plotly.graph_objects as go
import pytest
import shapely

from dashboard import headlines
from dashboard.core import catalogue
from dashboard.topics.uc import figures as charts
from dashboard.ui import data
from tests import expected

M = pd.Timestamp
UC = "households_on_uc"
CITY = "E06000018"
LAD_MAY = "dwp_uc_households_lad_may2025"
EAST_2024, EAST_2010, NK_2024, SOUTH_2024 = "E14001410", "E14000865", "E14001411", "E14001412"


@pytest.fixture(scope="module")
def t(snapshot):
    ids = {
        "lad": "dwp_uc_households_lad",
        "msoa": "dwp_uc_households_msoa",
        "pcon": "dwp_uc_households_pcon2024",
        "lad_may": "dwp_uc_households_lad_may2025",
        "est": "uc_households_pcon_estimate",
        "pop": "ons_pcon_population",
    }
    return {key: snapshot.table(d, "observations") for key, d in ids.items()}


def _value(frame, series_start, month):
    rows = frame[frame["series"].str.startswith(series_start) & (frame["period_start"] == month)]
    return rows["value"].iloc[0]


def _held(frame, code) -> pd.Series:
    """One area's households on UC by month, as the snapshot holds them (a refresh included)."""
    rows = frame[(frame["area_code"] == code) & (frame["measure"] == UC)]
    return rows.set_index("period_start")["value"].sort_index()


def _newest(frame, code) -> tuple[pd.Timestamp, float]:
    """An area's newest month of households on UC and its figure, as the snapshot holds them
    (the May 2025 export today; the Stat-Xplore API's newest month after a refresh). The
    hand-read export values are pinned by tests/sources/test_statxplore_xlsx.py."""
    held = _held(frame, code).dropna()
    return held.index[-1], float(held.iloc[-1])


def _newest_2024_seats(frame) -> pd.DataFrame:
    rows = frame[(frame["measure"] == UC) & (frame["area_type"] == "pcon2024")]
    return rows[rows["period_start"] == rows["period_start"].max()].set_index("area_code")


def _lines(t) -> dict[str, pd.Series]:
    return {
        "Nottingham (city), DWP": _held(t["lad"], CITY),
        "Great Britain, DWP": _held(t["lad"], charts.GB),
        "Nottingham East, estimate": _held(t["est"], EAST_2024),
    }


def _span(t) -> pd.DatetimeIndex:
    starts = pd.concat(list(_lines(t).values())).index
    return pd.date_range(starts.min(), starts.max(), freq="MS")


def test_full_service_month_matches_the_catalogue_notes():
    notes = " ".join(catalogue.get("dwp_uc_households_msoa").caveats)
    assert f"full-service date ({charts.month_label(charts.FULL_SERVICE_MONTH)})" in notes


def test_monthly_series_city_gb_and_estimate(t):
    series = charts.monthly_series(t["lad"], t["est"], EAST_2024, "Nottingham East")
    assert set(series["series"]) == {
        "Nottingham (city), DWP",
        "Great Britain, DWP",
        "Nottingham East, estimate",
    }
    # Each line holds the snapshot's figures; a month it lacks inside the span (January to
    # October 2023 in the stored exports) is a gap row, never a zero.
    months = _span(t)
    for name, held in _lines(t).items():
        line = series[series["series"] == name].set_index("period_start")
        assert line["value"].reindex(held.index).equals(held), name
        gaps = line.drop(held.index)
        assert set(gaps.index) == set(months) - set(held.index), name
        assert gaps["value"].isna().all() and set(gaps["status"]) <= {charts.MISSING_STATUS}


def test_north_and_kimberley_has_no_estimate_and_no_check(t):
    series = charts.monthly_series(t["lad"], t["est"], NK_2024, "Nottingham North and Kimberley")
    assert not series["series"].str.endswith("estimate").any()
    assert charts.estimate_check(t["est"], t["msoa"], t["lad_may"], t["pcon"], NK_2024) is None
    official = charts.latest_official(t["pcon"], t["lad_may"], NK_2024, "N&K")
    assert official.set_index("series").loc["N&K, DWP", "value"] == _newest(t["pcon"], NK_2024)[1]


def test_official_may_2025_and_rates(t):
    official = charts.latest_official(t["pcon"], t["lad_may"], EAST_2024, "Nottingham East")
    by_series = official.set_index("series")["value"]
    assert by_series["Nottingham East, DWP"] == _newest(t["pcon"], EAST_2024)[1]
    assert by_series["Nottingham (city), DWP"] == _newest(t["lad_may"], CITY)[1]
    assert by_series["Great Britain, DWP"] == _newest(t["lad_may"], charts.GB)[1]
    assert (official["status"] == "provisional").all()
    denoms = charts.denominators(t["pop"], "pcon2024", EAST_2024)
    assert denoms[EAST_2024] == (124191.0, M("2022-06-30"))
    # The city is the three 2010-2024 seats at mid-2020: 113,673 + 99,752 + 123,673.
    assert denoms[charts.CITY] == (337098.0, M("2020-06-30"))
    rated = charts.add_rate(official, denoms).set_index("series")["per_1000_residents"]
    east = _newest(t["pcon"], EAST_2024)[1]
    assert rated["Nottingham East, DWP"] == pytest.approx(
        round(east / denoms[EAST_2024][0] * 1000, 1)
    )
    assert pd.isna(rated["Great Britain, DWP"])  # no GB denominator: empty, not zero


def test_estimate_against_the_official_figure(t):
    check = charts.estimate_check(t["est"], t["msoa"], t["lad_may"], t["pcon"], EAST_2024)
    assert check["estimate"] == 14176 and check["msoa_total"] == 37201
    assert round(check["implied"]) == 18224  # 14,176 / 37,201 x 47,824
    assert round(check["difference"]) == -296
    assert round(check["difference_pct"], 1) == -1.6
    sentence = charts.estimate_check_sentence(check, "Nottingham East")
    assert "18,520" in sentence and "18,224" in sentence and "296 (1.6%) below" in sentence
    south = charts.estimate_check(t["est"], t["msoa"], t["lad_may"], t["pcon"], SOUTH_2024)
    assert round(south["implied"]) == 12149 and south["official"] == 12442
    # 2010-2024 seats have no official constituency figure to check against.
    assert charts.estimate_check(t["est"], t["msoa"], t["lad_may"], t["pcon"], EAST_2010) is None


def test_index_to_a_common_month(t):
    series = charts.monthly_series(t["lad"], t["est"], EAST_2024, "Nottingham East")
    assert M("2019-01-01") in charts.index_base_months(series)
    frame = charts.indexed(series, M("2019-01-01"))
    city = _held(t["lad"], CITY)
    newest = frame.dropna(subset=["index"])["period_start"].max()
    last = frame[frame["period_start"] == newest].set_index("series")["index"]
    growth = city[newest] / city[M("2019-01-01")]  # 37,208 / 4,823 in the stored export
    assert last["Nottingham (city), DWP"] == pytest.approx(growth * 100, abs=0.05)
    figure = charts.index_figure(frame, M("2019-01-01"))
    assert "January 2019 = 100" in figure.layout.title.text
    assert f"Nottingham (city) ×{growth:,.1f}" in charts.index_summary(frame, M("2019-01-01"))


def test_trend_figure_breaks_at_gaps_and_marks_full_service(t):
    series = charts.monthly_series(t["lad"], t["est"], EAST_2024, "Nottingham East")
    official = charts.latest_official(t["pcon"], t["lad_may"], EAST_2024, "Nottingham East")
    figure = charts.trend_figure(series, official, mode=charts.COUNT, seat_label="Nottingham East")
    lines = [tr for tr in figure.data if tr.mode == "lines"]
    assert {tr.name for tr in lines} == {"Nottingham (city), DWP", "Nottingham East, estimate"}
    assert all(tr.connectgaps is False for tr in lines)
    assert any(s.x0 == charts.FULL_SERVICE_MONTH for s in figure.layout.shapes)
    assert any("full service" in a.text for a in figure.layout.annotations)
    assert figure.layout.yaxis.title.text and figure.layout.xaxis.title.text
    table = charts.trend_table(series, official, mode=charts.COUNT)
    assert table.columns[0] == "Month" and "Nottingham East (estimate)" in table.columns
    seat = official[official["series"] == "Nottingham East, DWP"].iloc[0]
    row = table[table["Month"] == charts.month_label(seat["period_start"])].iloc[0]
    assert row["Nottingham East (DWP)"] == seat["value"]  # 18,520 in May 2025's export
    in_month = pd.concat([series, official])
    in_month = in_month[in_month["period_start"] == seat["period_start"]]
    flags = {p.strip() for status in in_month["status"].dropna() for p in status.split(";")}
    assert row["Flags"] == "; ".join(sorted(flags))
    # A month with no figure in any line (a gap in every series) is not a row.
    numbers = table.drop(columns=["Month", "Flags"])
    assert numbers.notna().any(axis=1).all()
    summary = charts.trend_summary(series, "Nottingham East")
    city = _held(t["lad"], CITY).dropna()
    assert f"{city.iloc[-1]:,.0f}" in summary  # 37,208 in November 2023's export
    assert f"{city[charts.FULL_SERVICE_MONTH]:,.0f}" in summary and "estimate" in summary


def test_trend_summary_leads_with_the_newest_month_held(snapshot):
    """The engine's lines come first: their latest month is the newest any dataset holds, so
    the monthly series (which stops earlier) is never presented as the latest."""
    load = lambda dataset: snapshot.observations([dataset])  # noqa: E731
    found = headlines.topic_figures("universal-credit", load, {"pcon2024": EAST_2024})
    lines = tuple(headlines.line(figure) for figure in found)
    lad = load("dwp_uc_households_lad")
    series = charts.monthly_series(lad, load("uc_households_pcon_estimate"), EAST_2024, "x")
    summary = charts.trend_summary(series, "x", lines)
    assert summary.startswith(lines[0])
    city = next(f for f in found if f.headline.key == "uc_city")
    assert city.period_start >= lad.loc[lad["area_code"] == city.area_code, "period_start"].max()


def test_flags_note_names_the_months(t):
    series = charts.monthly_series(t["lad"], t["est"], EAST_2024, "Nottingham East")
    note = charts.flags_note(series)
    assert "provisional: November 2023" in note
    assert "revised: December 2021 to December 2022" in note
    assert "not in the export: January 2023 to October 2023" in note


def test_msoa_map_table_and_shapes(snapshot, t):
    msoa = t["msoa"]
    codes = msoa[msoa["area_type"] == "msoa"][["area_code", "area_name"]]
    shapes = charts.msoa_shapes(snapshot.table("ons_local_boundaries_2013", "lsoa2011"), codes)
    assert len(shapes) == 38 and shapes["msoa_code"].notna().all()
    month_rows = charts.msoa_month(msoa, M("2019-01-01"))
    assert len(month_rows) == 38
    assert month_rows.set_index("area_name").loc["Nottingham 001", "value"] == 41
    weights = snapshot.table("uc_households_pcon_estimate", "uc_msoa_pcon_weights")
    table = charts.msoa_table(month_rows, weights, EAST_2024)
    assert table["Share in seat (estimate)"].between(0, 1).all()
    wards = snapshot.table("ons_local_boundaries_2013", "wards2013")
    seat = charts.seat_outlines_from_wards(wards, [EAST_2010])
    figure = charts.msoa_map_figure(
        shapes, month_rows, month=M("2019-01-01"), vmax=2000, seat=seat, seat_label="East"
    )
    assert isinstance(figure, go.Figure)
    assert len(figure.to_json()) < 1_000_000
    early = charts.msoa_month(msoa, M("2016-01-01"))
    nil = (early["status"] == charts.NIL_STATUS).sum()
    assert nil > 0 and early.loc[early["status"] == charts.NIL_STATUS, "value"].isna().all()
    figure = charts.msoa_map_figure(
        shapes, early, month=M("2016-01-01"), vmax=2000, seat=seat, seat_label="East"
    )
    assert any(tr.name and "nil or negligible" in tr.name for tr in figure.data)


def test_outlines_are_dissolved_from_plain_boundary_tables(snapshot, t):
    # Boundary tables are plain frames of shapely shapes in BNG metres: no geopandas at run time.
    lsoas = snapshot.table("ons_local_boundaries_2013", "lsoa2011")
    wards = snapshot.table("ons_local_boundaries_2013", "wards2013")
    assert type(lsoas) is pd.DataFrame and type(wards) is pd.DataFrame
    msoa = t["msoa"]
    codes = msoa[msoa["area_type"] == "msoa"][["area_code", "area_name"]]
    shapes = charts.msoa_shapes(lsoas, codes)
    assert shapes["msoa_name"].is_monotonic_increasing
    row = shapes.set_index("msoa_name").loc["Nottingham 001"]
    assert row["msoa_code"] == "E02002868"
    # Joining LSOAs keeps their area; simplifying at 15 m moves it by well under 1%.
    area = shapely.area(shapes["geometry"].to_numpy()).sum()
    assert area == pytest.approx(shapely.area(lsoas["geometry"].to_numpy()).sum(), rel=0.01)
    seats = charts.seat_outlines_from_wards(wards, [EAST_2010])
    assert seats[["code", "name"]].values.tolist() == [[EAST_2010, "Nottingham East"]]
    east_wards = wards.loc[wards["pcon2010_code"] == EAST_2010, "geometry"].to_numpy()
    assert shapely.area(seats["geometry"].iloc[0]) == pytest.approx(
        shapely.area(east_wards).sum(), rel=0.01
    )


def test_comparison_latest_month(t):
    frame = charts.comparison_frame(t["pcon"], t["pop"])
    assert len(frame) == 8
    values = frame.set_index("area_code")["value"]
    newest = _newest_2024_seats(t["pcon"])
    for code in (EAST_2024, NK_2024, SOUTH_2024):
        assert values[code] == newest.loc[code, "value"], code
    median = charts.median_constituency(t["pcon"], t["pop"])
    assert median["value"] == newest["value"].median()
    figure = charts.comparison_figure(
        frame, highlight=EAST_2024, mode=charts.PER_1000, median=median
    )
    assert any("▶ Nottingham East" in label for label in figure.data[0].y)
    summary = charts.comparison_summary(frame, median)
    assert f"Nottingham East {values[EAST_2024]:,.0f}" in summary
    assert f"{median['value']:,.0f}" in summary


def test_monthly_export_has_codes_flags_and_provenance(snapshot, t):
    from dashboard.core import exports

    series = charts.monthly_series(t["lad"], t["est"], EAST_2024, "Nottingham East")
    official = charts.latest_official(t["pcon"], t["lad_may"], EAST_2024, "Nottingham East")
    denoms = charts.denominators(t["pop"], "pcon2024", EAST_2024)
    frame = pd.concat([charts.add_rate(series, denoms), charts.add_rate(official, denoms)])
    ids = ["dwp_uc_households_lad", "uc_households_pcon_estimate", "dwp_uc_households_pcon2024"]
    raw = exports.zip_with_readme(frame, ids, snapshot.manifest["datasets"])
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        readme = archive.read("README.txt").decode()
        text = archive.read("data.csv").decode()
    assert "Dataset: uc_households_pcon_estimate" in readme
    assert "derived by this dashboard, not an official figure" in readme  # the estimate is ours
    month, value = _newest(t["pcon"], EAST_2024)
    assert f"E14001410,Nottingham East,{month:%Y-%m-%d}" in text and f"{value:.0f}" in text
    assert "estimate; provisional" in text and charts.MISSING_STATUS in text


def test_base_months_are_the_same_for_every_seat(t):
    common = charts.common_base_months(t["lad"], t["est"])
    assert M("2019-01-01") in common
    for code in (EAST_2024, EAST_2010, NK_2024, SOUTH_2024):
        series = charts.monthly_series(t["lad"], t["est"], code, "Seat")
        assert set(common) <= set(charts.index_base_months(series))
    # Before March 2016 some seats' estimates are 0 (every MSOA '..'): no base for all of them.
    assert min(common) == M("2016-03-01")


def test_gap_rows_from_pieces_match_the_whole_series(t):
    pieces = charts.series_pieces(t["lad"], t["est"], EAST_2024, "Nottingham East")
    months = charts.month_span(*pieces)
    assert months.equals(_span(t))  # August 2015 to November 2023 in the stored exports
    joined = charts.join_series([charts.fill_gaps(piece, months) for piece in pieces])
    whole = charts.monthly_series(t["lad"], t["est"], EAST_2024, "Nottingham East")
    pd.testing.assert_frame_equal(joined, whole)


def test_map_layers_use_typed_arrays_and_an_all_nil_month_says_so(snapshot, t):
    msoa = t["msoa"]
    codes = msoa[msoa["area_type"] == "msoa"][["area_code", "area_name"]]
    shapes = charts.msoa_shapes(snapshot.table("ons_local_boundaries_2013", "lsoa2011"), codes)
    early = charts.msoa_month(msoa, M("2015-08-01"))
    traces = charts.msoa_month_traces(shapes, early, vmax=2000)
    fills = [tr for tr in traces if tr.fill == "toself"]
    assert [tr.name for tr in fills] == ["'..' nil or negligible (not zero)"]
    # Rings are numpy arrays broken by NaN: plotly sends them as compact typed arrays.
    assert fills[0].x.dtype == "float32" and pd.isna(fills[0].x).any()
    summary = charts.msoa_summary(early, None, EAST_2024, "East")
    assert summary == (
        "In August 2015, no neighbourhood (MSOA) had a count: 38 of the 38 showed '..' "
        "(nil or negligible, not zero)."
    )


# --- the page under AppTest: lazy tabs, controls read from a link ---------------------------

TIMEOUT_S = 120


def render_uc(seat: str = "east", boundary_set: str = "pcon2024") -> None:
    import streamlit as st

    from dashboard.topics import registry
    from dashboard.topics.uc import page as universal_credit
    from dashboard.ui import state
    from dashboard.ui.state import Selection

    slot = st.container()
    seat = st.session_state.get("test_seat", seat)
    boundary_set = st.session_state.get("test_set", boundary_set)
    universal_credit.render(Selection(seat, boundary_set))
    state.show_url_notices(slot, registry.KEY_PREFIXES)


def page(seat: str = "east", boundary_set: str = "pcon2024", **params):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(
        render_uc, kwargs={"seat": seat, "boundary_set": boundary_set}, default_timeout=TIMEOUT_S
    )
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at) -> str:
    parts = [*at.markdown, *at.caption, *at.subheader, *at.header, *at.warning, *at.info]
    return " ".join(str(p.value) for p in parts)


@pytest.fixture(scope="module")
def monthly_end(snapshot):
    """The newest month of DWP's monthly council series in the snapshot, from the query."""
    return expected.latest(snapshot, "dwp_uc_households_lad", UC, CITY)["period_start"]


def test_default_view_runs_only_the_trend_tab(snapshot, monthly_end):
    from dashboard.topics.uc import page as view

    at = page()
    assert at.title[0].value == "Nottingham East: Universal Credit"
    assert [tab.label for tab in at.tabs] == list(view.TABS)
    # Three tiles, each keeping its own period, one as-of line under them when there is news:
    # the newest official seat figure, our estimate, and the newest city figure in any dataset.
    dwp = expected.latest(snapshot, "dwp_uc_households_pcon2024", UC, EAST_2024)
    estimate = expected.latest(snapshot, "uc_households_pcon_estimate", UC, EAST_2024)
    city = max(
        (expected.latest(snapshot, d, UC, CITY) for d in ("dwp_uc_households_lad", LAD_MAY)),
        key=lambda row: row["period_start"],
    )
    labels = [m.label for m in at.metric]
    assert labels[0].startswith(f"DWP, {expected.short_month(dwp['period_start'])}")
    assert labels[1] == f"Our estimate, {expected.short_month(estimate['period_start'])}"
    assert labels[2].startswith(f"Nottingham city, {expected.short_month(city['period_start'])}")
    values = [expected.count(row["value"]) for row in (dwp, estimate, city)]
    assert [m.value for m in at.metric] == values
    assert sum(m.value.startswith("Data as of") for m in [*at.markdown, *at.caption]) <= 1
    assert "release date not stated" not in shown(at) and "unknown" not in shown(at)
    text = shown(at)
    assert "Derived by this dashboard from DWP's neighbourhood (MSOA) counts" in text
    assert "Estimate, not a DWP figure." in text
    assert f"The monthly series runs to {expected.month(monthly_end)}" in text
    city = headlines.BY_KEY["uc_city"]
    assert headlines.figure(city, data.observations, city.area).lead in text
    assert at.radio(key="uc_trend_mode").value == charts.COUNT
    # Hidden tabs cost nothing: their controls and charts are not drawn.
    assert len(at.get("plotly_chart")) == 1
    assert not at.select_slider and "How good is the monthly estimate?" not in text
    # one table row per month with a figure in any of the trend's series
    series = [
        expected.rows(snapshot, d, UC, code)
        for d, code in (
            ("dwp_uc_households_lad", CITY),
            (LAD_MAY, CITY),
            ("uc_households_pcon_estimate", EAST_2024),
            ("dwp_uc_households_pcon2024", EAST_2024),
        )
    ]
    months = pd.concat(series).dropna(subset=["value"])["period_start"].nunique()
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == months


def test_a_link_opens_the_map_at_a_month():
    at = page(uc_tab="Map", uc_map_month="January 2019")
    assert at.select_slider(key="uc_map_month").value == M("2019-01-01")
    text = shown(at)
    assert "In January 2019, 38 of Nottingham's 38 neighbourhoods (MSOAs) had a figure" in text
    assert "17 of them lie wholly or partly in Nottingham East" in text
    assert "derived by this dashboard" in text  # the share-in-seat column is ours
    table = at.dataframe[0].value.set_index("MSOA")
    assert table.loc["Nottingham 001", "Households on UC"] == "41"
    assert len(at.get("plotly_chart")) == 1 and not at.radio
    assert at.query_params["uc_map_month"] == "January 2019"


def test_a_month_typed_in_the_list_moves_the_slider_and_the_link():
    at = page(uc_tab="Map")
    assert (
        at.selectbox(key="uc_map_month_typed").value == at.select_slider(key="uc_map_month").value
    )
    at.selectbox(key="uc_map_month_typed").set_value(M("2019-01-01")).run()
    assert not at.exception
    assert at.select_slider(key="uc_map_month").value == M("2019-01-01")
    assert at.query_params["uc_map_month"] == "January 2019"
    assert "In January 2019, 38 of Nottingham's 38 neighbourhoods" in shown(at)
    # Sliding moves the list with it.
    at.select_slider(key="uc_map_month").set_value(M("2020-01-01")).run()
    assert at.selectbox(key="uc_map_month_typed").value == M("2020-01-01")


def test_a_link_sets_growth_base_and_per_1000_residents(monthly_end):
    at = page(uc_tab="Growth", uc_index_base="June 2020")
    assert at.select_slider(key="uc_index_base").value == M("2020-06-01")
    text = shown(at)
    assert f"From June 2020 to {expected.month(monthly_end)}" in text
    assert "line is an estimate derived by this dashboard" in text
    at = page(uc_trend_mode="Per 1,000 residents")
    assert at.radio(key="uc_trend_mode").value == charts.PER_1000
    assert "One denominator for every month" in shown(at)
    at = page(uc_tab="Compare", uc_compare_mode="Per 1,000 residents")
    assert at.radio(key="uc_compare_mode").value == charts.PER_1000


def test_a_bad_control_value_is_ignored_with_a_notice(snapshot):
    at = page(uc_tab="Map", uc_map_month="<b>Smarch 2019</b>")
    # the map falls back to its newest month
    rows = snapshot.table("dwp_uc_households_msoa", "observations")
    newest = rows.loc[rows["area_type"] == "msoa", "period_start"].max()
    assert at.select_slider(key="uc_map_month").value == newest
    notices = [w.value for w in at.warning if "not one of the choices" in w.value]
    assert notices and "<b>" not in notices[0] and "Month" in notices[0]


def test_chosen_base_month_survives_seat_and_boundary_changes(monthly_end):
    at = page(uc_tab="Growth", uc_index_base="March 2016")
    for seat, boundary_set in [("north", "pcon2024"), ("south", "pcon2010"), ("east", "pcon2024")]:
        at.session_state["test_seat"] = seat
        at.session_state["test_set"] = boundary_set
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.select_slider(key="uc_index_base").value == M("2016-03-01")
        assert f"From March 2016 to {expected.month(monthly_end)}" in shown(at)


def test_seats_without_an_estimate_or_an_official_figure_say_why():
    at = page("north", "pcon2024")
    assert at.metric[1].value == "no figure"
    assert "has no monthly estimate" in shown(at)
    at = page("south", "pcon2010", uc_tab="Estimate check")
    text = shown(at)
    assert "cannot be checked directly" in text and "derived by this dashboard" in text
    at = page("south", "pcon2010", uc_tab="Compare")
    assert "has no official figure" in shown(at)


def test_months_not_held_are_read_from_the_series(t):
    lad = t["lad"]
    city = lad[(lad["area_code"] == charts.CITY) & (lad["measure"] == "households_on_uc")]
    text = charts.months_not_held(city, t["lad_may"])
    held = city.loc[city["value"].notna(), "period_start"]
    assert text.startswith(f"**Months after {held.max():%B %Y}**")
    for day in t["lad_may"]["period_start"].unique():
        assert f"except {pd.Timestamp(day):%B %Y}" in text
    # the months missing inside the series are named: the first and last of them
    missing = pd.date_range(held.min(), held.max(), freq="MS").difference(held)
    if len(missing):
        assert f"{missing.min():%B}" in text and f"{missing.max():%B %Y}" in text


@pytest.fixture(scope="module")
def gb_from_api(sources):
    """Great Britain by month from the real recorded Stat-Xplore /table (August 2015 to May
    2025), as the refresh loads it."""
    from dashboard.topics.uc import statxplore_api as api

    path = sources / "recorded/statxplore/table_response_UC_Households_month_openstats.json"
    if not path.is_file():
        pytest.skip(f"recorded response absent: {path}")
    table = json.loads(path.read_text(encoding="utf-8"))
    return api.cube_to_observations(table, dataset="api", area_type="country")


def test_dwp_monthly_figures_replace_the_estimate_month_by_month(t, gb_from_api):
    """No real constituency series of more than one month is in the sources (DWP's only table is
    May 2025), so the rule is shown on the one real pair of a monthly DWP series and an older
    series of the same area: Great Britain from the API (here from January 2020) over the
    export's, standing in the estimate's place. Where both have a month, DWP's figure is the
    line and the other is dropped; the other stays only in months DWP lacks."""
    gb = charts.GB
    api = gb_from_api[gb_from_api["period_start"] >= M("2020-01-01")]
    export = t["lad"][t["lad"]["area_code"] == gb]
    pieces = charts.series_pieces(None, export, gb, "GB", pcon=api)
    by_name = {piece["series"].iloc[0]: piece for piece in pieces}
    assert set(by_name) == {"GB, DWP", "GB, estimate"}
    assert by_name["GB, DWP"]["value"].tolist() == api["value"].tolist()
    kept = by_name["GB, estimate"]
    assert kept["period_start"].max() < M("2020-01-01")
    assert len(kept) == (export["period_start"] < M("2020-01-01")).sum()
    # One month of DWP figures is a point (latest_official draws it), not a line.
    one = charts.series_pieces(None, export, gb, "GB", pcon=api.tail(1))
    assert [piece["series"].iloc[0] for piece in one] == ["GB, estimate"]
    # The newest official point is DWP's newest month, whatever the series holds.
    official = charts.latest_official(api, None, gb, "GB")
    assert official["period_start"].tolist() == [M("2025-05-01")]
    assert official["value"].tolist() == [6575050.0]  # read by hand from the recording
    series = charts.join_series(pieces)
    figure = charts.trend_figure(series, official, mode=charts.COUNT, seat_label="GB")
    assert "GB, DWP" in {trace.name for trace in figure.data if trace.mode == "lines"}
    assert "GB, DWP, May 2025 (p)" in {trace.name for trace in figure.data}
