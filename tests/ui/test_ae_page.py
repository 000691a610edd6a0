"""The A&E page under AppTest: lazy tabs, controls read from a link, the export's rows."""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import geography, headlines
from dashboard.core import catalogue
from dashboard.topics.ae import model as ad
from dashboard.topics.ae import page as ae
from dashboard.ui import data
from tests import expected

TIMEOUT_S = 120
M = pd.Timestamp


def render_ae(seat: str = "east", boundary_set: str = "pcon2024") -> None:
    from dashboard.topics.ae import page as ae
    from dashboard.ui.state import Selection

    ae.render(Selection(seat, boundary_set))


def page(**params) -> AppTest:
    at = AppTest.from_function(render_ae, default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def text(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption, *at.subheader, *at.header])


@pytest.fixture(scope="module")
def latest(snapshot):
    """The newest month the snapshot holds for NUH, read through the query."""
    return expected.latest(snapshot, ad.DATASET, "attendances_all", ad.TRUST)["period_start"]


def test_default_view_runs_only_the_trend_tab(snapshot, latest):
    at = page()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "QMC A&E: Nottingham University Hospitals"
    assert [tab.label for tab in at.tabs] == list(ae.TABS)
    # Five tiles, each with its period text; one as-of line under them all.
    assert len(at.metric) == 5
    as_of = data.as_of_text(ad.DATASET)
    assert as_of and [m.value for m in at.markdown].count(as_of) == 1
    shown = text(at)
    assert f"Latest month: {expected.month(latest)}" in shown
    first = expected.rows(snapshot, ad.DATASET, "attendances_all", ad.TRUST)["period_start"].min()
    assert f"monthly A&E statistics from {expected.month(first)}" in shown
    tiles = {m.label: m.value for m in at.metric}
    four_hours = expected.value(snapshot, ad.DATASET, "pct_within_4h_all", ad.TRUST, latest)
    assert expected.pct(four_hours) in tiles.values()
    assert "**4-hour % (all A&E types)**: NUH" in shown
    assert at.radio(key="ae_peers").value == "region"
    assert at.select_slider(key="ae_range").value == (M("2015-07-01"), latest)
    # Hidden tabs cost nothing: their controls and charts are not drawn.
    for hidden in ("Seasonal pattern", "Where the hospitals are", "Download the figures"):
        assert hidden not in shown
    assert len(at.get("plotly_chart")) == 1


def test_summary_lines_are_the_headline_engines_and_deltas_stay_like_for_like():
    """The tiles' sentences are the briefing's; a tile whose change crosses a shift in the mix
    of A&E types (computed by the engine from the counts) shows no change arrow."""
    at = page()
    found = headlines.topic_figures("ae", data.observations, {})
    shown = text(at)
    for figure in found:
        assert headlines.line(figure) in shown
    shifted = headlines.not_like_for_like(found)
    metrics = {m.label: m for m in at.metric}
    for measure, label in ad.TILE_LABELS.items():
        assert catalogue.measure(measure).definition in metrics[label].proto.help
        if measure in shifted:
            assert not metrics[label].delta
            assert "not like-for-like" in shown


def test_controls_in_the_field_test_years():
    at = page()
    at.radio(key="ae_peers").set_value("none")
    at.radio(key="ae_measure").set_value("pct_within_4h_type1")
    at.select_slider(key="ae_range").set_range(M("2020-01-01"), M("2022-12-01"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = text(at)
    assert "reported no 4-hour % (type 1 emergency department) figures" in shown
    assert "drawn on the all-types view only" in shown
    assert "peer trusts and how they were chosen" not in " ".join(e.label for e in at.expander)


def test_a_link_opens_the_rank_tab_with_its_controls():
    at = page(
        ae_tab="Rank",
        ae_peers=ad.PEER_CHOICES["size"],
        ae_rank_month="Jan 2021",
        ae_rank_measure=ad.MEASURE_LABELS["pct_within_4h_all"],
    )
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning
    assert at.radio(key="ae_peers").value == "size"
    assert at.select_slider(key="ae_rank_month").value == M("2021-01-01")
    assert at.radio(key="ae_rank_measure").value == "pct_within_4h_all"
    shown = text(at)
    assert "no 4-hour % (all A&E types) figure for January 2021" in shown
    assert "not reported (field test)" in shown
    assert "4-hour performance over time" not in shown


def test_a_link_sets_the_months_for_the_waits_tab():
    at = page(
        ae_tab="Waits and attendances",
        ae_range=["Jan 2020", "Dec 2022"],
        ae_waits_view=ae.WAITS_VIEWS["per_admission"],
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.select_slider(key="ae_range").value == (M("2020-01-01"), M("2022-12-01"))
    assert at.radio(key="ae_waits_view").value == "per_admission"
    tables = [t.value for t in at.dataframe]
    assert tables[0]["Month"].iloc[0] == "Dec 2022" and tables[0]["Month"].iloc[-1] == "Jan 2020"
    assert "per 100 emergency admissions via A&E" in text(at)


def test_seasonal_and_notes_tabs():
    at = page(ae_tab="Seasonal", ae_season_measure=ad.MEASURE_LABELS["waits_over_12h_dta"])
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="ae_season_measure").value == "waits_over_12h_dta"
    assert "12-hour waits from decision to admit**: each line" in text(at)
    at = page(ae_tab="Notes")
    assert not at.exception
    shown = text(at)
    assert "England last met the 95% standard in July 2015" in shown
    assert "a change in what the return covers" in shown


@pytest.mark.parametrize("seat", ["east", "south"])
def test_map_tab_follows_the_seat(seat):
    at = AppTest.from_function(
        render_ae, kwargs={"seat": seat, "boundary_set": "pcon2010"}, default_timeout=TIMEOUT_S
    )
    at.query_params["ae_tab"] = "Map"
    at.run()
    assert not at.exception
    assert "lies in Nottingham South" in text(at)
    label = geography.BOUNDARY_SETS["pcon2010"].label
    assert at.dataframe[0].value.columns[-2] == f"Constituency ({label})"
    assert geography.SEATS[seat].names["pcon2010"] in text(at)  # the caption names the seat


def expected_rows(measures, peer_codes, start, end) -> pd.DataFrame:
    """The export's rows, filtered independently of ae_data.export_frame."""
    obs = ae._base().cut.full
    rows = obs[
        obs["measure"].isin(measures)
        & obs["area_code"].isin(["RX1", "E92000001", *peer_codes])
        & obs["period_start"].between(start, end)
    ]
    return rows


@pytest.mark.parametrize("with_peers", ["true", "false"])
def test_the_download_holds_exactly_the_filtered_rows(with_peers):
    measures = ["pct_within_4h_type1", "attendances_type1"]
    at = page(
        ae_tab="Download",
        ae_peers=ad.PEER_CHOICES["size"],
        ae_range=["Jan 2024", "Jun 2025"],
        ae_export_measures=[f"{ad.MEASURE_LABELS[m]} ({m})" for m in measures],
        ae_export_peers=with_peers,
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="ae_export_measures").value == measures
    assert at.checkbox(key="ae_export_peers").value is (with_peers == "true")
    peers = list(ae._peers("size").codes) if with_peers == "true" else []
    model = ae._export_model(
        tuple(measures), "size", with_peers == "true", M("2024-01-01"), M("2025-06-01")
    )
    want = expected_rows(measures, peers, M("2024-01-01"), M("2025-06-01"))
    assert len(model.frame) == len(want) > 0
    assert set(model.frame["area_code"]) == {"RX1", "E92000001", *peers}
    assert f"{len(want):,} rows" in text(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(f"Download these {len(want):,} rows" in label for label in labels)


def test_no_peer_set_means_no_peer_rows(latest):
    at = page(ae_tab="Download", ae_peers=ad.PEER_CHOICES["none"])
    assert not at.exception
    assert not at.checkbox  # nothing to include
    assert "NUH and England only" in text(at)
    model = ae._export_model(ae.EXPORT_DEFAULT, "none", False, M("2015-07-01"), latest)
    assert set(model.frame["area_code"]) == {"RX1", "E92000001"}
