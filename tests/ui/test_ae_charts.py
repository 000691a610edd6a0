"""The A&E page's frames, sentences and figures, against the real snapshot.

Expected values were read by hand with `python -m dashboard query` and, where named, from the
NHS England files listed in ../shared/sources/ae/PROVENANCE.md.
"""

import math

import pandas as pd
import pytest

from dashboard import geography
from dashboard.topics.ae import figures as charts
from dashboard.topics.ae import model as ad
from tests import expected

M = pd.Timestamp


@pytest.fixture(scope="module")
def obs(snapshot):
    return snapshot.table(ad.DATASET, "observations")


@pytest.fixture(scope="module")
def cut(obs):
    return ad.slices(obs)


@pytest.fixture(scope="module")
def trusts(snapshot):
    return snapshot.table(ad.DATASET, "trusts")


def test_slices_keep_every_row_they_need(cut, obs):
    assert set(cut.local["area_code"]) == {ad.TRUST, ad.ENGLAND}
    assert len(cut.local) == obs["area_code"].isin([ad.TRUST, ad.ENGLAND]).sum()
    assert set(cut.ranked["measure"]) == {*ad.PCT_MEASURES, "attendances_type1"}


@pytest.fixture(scope="module")
def latest(snapshot):
    """The newest month the snapshot holds for NUH, read through the query."""
    return expected.latest(snapshot, ad.DATASET, "attendances_all", ad.TRUST)["period_start"]


def test_headlines_for_the_latest_month(snapshot, cut, latest):
    heads = {h.measure: h for h in ad.headlines(cut.local)}
    assert heads["pct_within_4h_all"].month == latest
    year_before = latest - pd.DateOffset(years=1)

    def cell(measure, area=ad.TRUST, month=latest):
        return expected.value(snapshot, ad.DATASET, measure, area, month)

    all_types = heads["pct_within_4h_all"]
    assert all_types.value == pytest.approx(cell("pct_within_4h_all"))
    assert all_types.previous == pytest.approx(cell("pct_within_4h_all", month=year_before))
    assert all_types.england == pytest.approx(cell("pct_within_4h_all", ad.ENGLAND))
    change = cell("pct_within_4h_all") - cell("pct_within_4h_all", month=year_before)
    assert all_types.delta_text == f"{change:+.1f} pts"
    # 78% by March 2026 governs every month from April 2025 (the newest guidance in the model).
    assert "target 78% by Mar 2026" in all_types.reference_text
    type1 = heads["pct_within_4h_type1"]
    assert type1.value_text == expected.pct(cell("pct_within_4h_type1"))
    waits = heads["waits_over_12h_dta"]
    assert (waits.value, waits.previous, waits.england) == (
        cell("waits_over_12h_dta"),
        cell("waits_over_12h_dta", month=year_before),
        cell("waits_over_12h_dta", ad.ENGLAND),
    )
    assert heads["attendances_type1"].value_text == expected.count(cell("attendances_type1"))
    assert heads["attendances_type1"].previous == cell("attendances_type1", month=year_before)


def test_a_field_test_month_a_year_back_is_said_not_zero(cut):
    # June 2023 compares with June 2022, inside the field test.
    heads = {h.measure: h for h in ad.headlines(cut.local, M("2023-06-01"))}
    head = heads["pct_within_4h_all"]
    assert head.value == pytest.approx(49.972, abs=1e-3)  # June-2023 revised CSV
    assert head.previous is None and head.delta_text is None
    assert head.previous_status == "not reported (field test)"


def test_field_test_gap_and_targets(cut):
    assert ad.field_test_gap(cut.local) == (M("2019-05-01"), M("2023-05-01"))
    assert ad.target_for(M("2026-02-01")).pct == 78
    assert ad.target_for(M("2026-02-01")).due == M("2026-03-01")
    assert ad.target_for(M("2024-01-01")).pct == 76
    assert ad.scheduled_release(M("2026-02-01")) == M("2026-03-12")


def test_trend_frame_keeps_the_gap_as_missing(cut, trusts, latest):
    peers = ad.peer_table(trusts, "region")["org_code"].tolist()
    frame = ad.trend_frame(cut.ranked, "pct_within_4h_all", peers, M("2015-07-01"), latest)
    row = frame.set_index("month")
    assert row.loc[M("2017-01-01"), "nuh"] == pytest.approx(77.643, abs=1e-3)
    assert row.loc[M("2017-01-01"), "england"] == pytest.approx(85.141, abs=1e-3)
    # January-2019-AE-by-provider-CeyJ9.xls: England 84.35% (all types).
    assert row.loc[M("2019-01-01"), "england"] == pytest.approx(84.35, abs=0.01)
    assert math.isnan(row.loc[M("2022-12-01"), "nuh"])
    assert row.loc[M("2022-12-01"), "nuh_status"] == ad.FIELD_TEST_STATUS
    assert row.loc[M("2022-12-01"), "england_status"] == "excludes field-test trusts"
    assert frame["nuh"].isna().sum() == 49
    # Peer median computed by hand for the newest month: every Midlands peer reports.
    month = cut.ranked[
        (cut.ranked["measure"] == "pct_within_4h_all")
        & (cut.ranked["period_start"] == latest)
        & cut.ranked["area_code"].isin(peers)
    ]["value"].dropna()
    assert row.loc[latest, "peer_median"] == pytest.approx(month.median())
    assert row.loc[latest, "peers_reporting"] == len(month) == len(peers) == 20


def test_peer_sets(snapshot, trusts, latest):
    region = ad.peer_table(trusts, "region")
    assert len(region) == 20
    assert set(region["region"]) == {"NHS ENGLAND MIDLANDS"}
    assert ad.TRUST not in set(region["org_code"])
    assert {"RK5", "RTG", "RWE"} <= set(region["org_code"])  # Sherwood Forest, Derby, Leicester
    # Size is type 1 attendances over the snapshot's last 12 months: NUH's own sum by query.
    type1 = expected.rows(snapshot, ad.DATASET, "attendances_type1", ad.TRUST)
    year = type1[type1["period_start"] > latest - pd.DateOffset(years=1)]
    own = trusts.set_index("org_code").loc[ad.TRUST, "attendances_type1_12m"]
    assert len(year) == 12 and own == year["value"].sum()
    size = ad.peer_table(trusts, "size")
    assert len(size) == ad.PEER_COUNT_BY_SIZE and ad.TRUST not in set(size["org_code"])
    # No trust left out is closer in size to NUH than a trust chosen.
    pool = ad.type1_trusts(trusts)
    distance = (pool.set_index("org_code")["attendances_type1_12m"] - own).abs().drop(ad.TRUST)
    chosen = distance[distance.index.isin(size["org_code"])]
    assert chosen.max() <= distance.drop(chosen.index).min()
    assert ad.peer_table(trusts, "none").empty


def test_trend_figure_shows_a_labelled_gap_not_a_drop(cut, trusts, latest):
    start, end = M("2015-07-01"), latest
    frame = ad.trend_frame(cut.ranked, "pct_within_4h_all", [], start, end)
    gap = ad.field_test_gap(cut.local)
    figure = charts.trend_figure(
        frame, measure="pct_within_4h_all", gap=gap, peer_label="", start=start, end=end
    )
    nuh = next(t for t in figure.data if t.name == "NUH (RX1)")
    assert nuh.connectgaps is False
    values = pd.Series(nuh.y, index=pd.to_datetime(nuh.x))
    assert values[M("2019-05-01") : M("2023-05-01")].isna().all()
    assert (values.dropna() > 0).all()
    texts = " ".join(a.text for a in figure.layout.annotations)
    assert "field test" in texts and "COVID-19" in texts and "95% standard" in texts
    assert "target 76% then 78%" in texts
    hovers = " ".join(t.hovertemplate or "" for t in figure.data)
    assert "target 78% by Mar 2026" in hovers and "target 76% by Mar 2024" in hovers
    rect = next(s for s in figure.layout.shapes if s.type == "rect")
    assert pd.Timestamp(rect.x0) == M("2019-05-01") and pd.Timestamp(rect.x1) == M("2023-06-01")
    assert figure.layout.title.text and figure.layout.yaxis.title.text


def test_type1_trend_draws_no_all_types_targets(cut, latest):
    start, end = M("2023-01-01"), latest
    frame = ad.trend_frame(cut.ranked, "pct_within_4h_type1", [], start, end)
    figure = charts.trend_figure(
        frame, measure="pct_within_4h_type1", gap=(None, None), peer_label="", start=start, end=end
    )
    assert not any("target" in (t.name or "") for t in figure.data)


def test_waits_december_2022(cut):
    frame = ad.waits_frame(cut.local, M("2022-12-01"), M("2022-12-01")).iloc[0]
    # PROVENANCE: December 2022 RX1 12+ h from DTA 799; England 54,573.
    assert (frame["nuh_12h"], frame["england_12h"]) == (799, 54573)
    assert frame["nuh_per_100"] == pytest.approx(100 * 799 / frame["nuh_admissions"])


def test_other_a_and_e_episodes_found_from_the_data(snapshot, cut):
    runs = ad.other_episodes(cut.local)
    assert [(a, b) for a, b, _ in runs[:1]] == [(M("2017-10-01"), M("2018-12-01"))]
    assert len(runs) == 2 and runs[1][0] == M("2025-10-01")
    # Each run is whole: its months are far above the median, the months either side are not.
    other = expected.rows(snapshot, ad.DATASET, "attendances_other", ad.TRUST)
    other = other.set_index("period_start")["value"].dropna()
    high = other > max(ad.OTHER_JUMP_FLOOR, ad.OTHER_JUMP_FACTOR * other.median())
    for start, end, mean in runs:
        assert high[start:end].all() and mean == pytest.approx(other[start:end].mean())
        assert not high[: start - pd.DateOffset(months=1)].tail(1).any()
        assert not high[end + pd.DateOffset(months=1) :].head(1).any()
    start, end, _ = runs[1]
    assert f"{start:%B %Y}–{end:%B %Y}" in ad.other_episodes_sentence(cut.local)


def test_seasonal_frame_january_2019(cut):
    wide = ad.seasonal_frame(cut.local, "pct_within_4h_type1")
    # PROVENANCE: January 2019, RX1 type 1 15,705 attendances, 6,139 over 4 hours = 60.9%.
    assert wide.loc["Jan", "2018/19"] == pytest.approx(100 * (1 - 6139 / 15705))
    assert wide["2020/21"].isna().all()
    assert list(wide.index) == ad.FY_MONTHS
    figure = charts.seasonal_figure(wide, "pct_within_4h_type1")
    assert {"2024/25", "2025/26"} <= {t.name for t in figure.data}


def test_rank_in_the_latest_month(snapshot, cut, trusts, latest):
    ranked = ad.rank_frame(cut.ranked, trusts, latest, "pct_within_4h_type1")
    rows = cut.ranked[cut.ranked["period_start"] == latest]
    rows = rows[rows["area_type"] == "trust"]
    type1 = rows[(rows["measure"] == "attendances_type1") & (rows["value"] > 0)]["area_code"]
    pct = rows[(rows["measure"] == "pct_within_4h_type1") & rows["area_code"].isin(type1)]
    pct = pct.dropna(subset=["value"]).set_index("area_code")["value"]
    assert len(ranked) == len(pct) > 100
    assert pct["RX1"] == expected.value(snapshot, ad.DATASET, "pct_within_4h_type1", "RX1", latest)
    own = ranked.set_index("org_code").loc["RX1"]
    rank = 1 + (pct > pct["RX1"]).sum()
    assert own["rank"] == rank
    sentence = ad.rank_sentence(ranked, latest, "pct_within_4h_type1", None)
    assert f"ranked {rank} of {len(pct)}" in sentence
    england = expected.value(snapshot, ad.DATASET, "pct_within_4h_type1", ad.ENGLAND, latest)
    figure = charts.rank_figure(
        ranked, month=latest, measure="pct_within_4h_type1", peer_codes=[], england=england
    )
    assert any(f"NUH: {rank} of {len(pct)}" in a.text for a in figure.layout.annotations)


def test_rank_in_the_field_test_says_why(cut, trusts):
    month = M("2021-01-01")
    ranked = ad.rank_frame(cut.ranked, trusts, month, "pct_within_4h_all")
    assert ad.TRUST not in set(ranked["org_code"])
    text = ad.rank_sentence(ranked, month, "pct_within_4h_all", ad.FIELD_TEST_STATUS)
    assert "no 4-hour % (all A&E types) figure for January 2021" in text
    assert "field test" in text


def test_export_frame_has_codes_and_provenance(obs, trusts):
    peers = ad.peer_table(trusts, "size")["org_code"].tolist()
    frame = ad.export_frame(obs, ["pct_within_4h_all"], peers, M("2025-01-01"), M("2025-12-01"))
    assert len(frame) == 12 * (2 + len(peers))
    for column in ("area_code", "area_name", "unit", "status", "source_file", "period_start"):
        assert column in frame.columns
    assert frame["role"].iloc[0] == "focus trust" and frame["area_code"].iloc[0] == "RX1"
    assert frame["period_start"].between(M("2025-01-01"), M("2025-12-01")).all()


def test_history_sentence(snapshot, cut):
    history = snapshot.table(ad.HISTORY_DATASET, "observations")
    frame = ad.history_frame(history, cut.local)
    # England 95.0% in July 2015 (July-2015-AE-by-provider-NI2eY.xls), below 95% since.
    assert "last met the 95% standard in July 2015" in ad.history_sentence(frame)
    assert frame["timeseries"].notna().sum() > 150


def test_sites_map_shows_both_hospitals(snapshot):
    boundaries = snapshot.table("ons_pcon_boundaries", "pcon2024")
    sites = snapshot.table("named_sites", "sites")
    sites = sites[sites["org_code"] == "RX1"]
    code = geography.SEATS["east"].codes["pcon2024"]
    codes = {code, "E14001412", *geography.neighbours(boundaries, code)}
    seats = geography.to_map_frame(boundaries[boundaries["code"].isin(codes)])
    figure = charts.sites_map(
        seat_code=code, seats=seats, boundary_label="July 2024 boundaries", sites=sites
    )
    x0, x1 = figure.layout.xaxis.range
    y0, y1 = figure.layout.yaxis.range
    assert (sites["easting"].between(x0, x1) & sites["northing"].between(y0, y1)).all()
    assert set(sites["pcon2024_name"]) == {"Nottingham South", "Nottingham East"}
    qmc = sites.set_index("site_id").loc["qmc"]
    assert qmc["pcon2024_name"] == "Nottingham South" and qmc["pcon2010_name"] == "Nottingham South"


def test_trust_names_read_well():
    assert ad.trust_name("SHEFFIELD CHILDREN'S NHS FOUNDATION TRUST") == (
        "Sheffield Children's NHS Foundation Trust"
    )


def test_reference_lines_span_the_chart(snapshot, cut, trusts, latest):
    """The 95% standard and England's rank line are full-width layout shapes with a label."""
    start, end = M("2015-07-01"), latest
    frame = ad.trend_frame(cut.ranked, "pct_within_4h_all", [], start, end)
    figure = charts.trend_figure(
        frame, measure="pct_within_4h_all", gap=(None, None), peer_label="", start=start, end=end
    )
    standard = [s for s in figure.layout.shapes if s.type == "line" and s.y0 == s.y1 == 95]
    assert len(standard) == 1
    assert (standard[0].xref, standard[0].x0, standard[0].x1) == ("paper", 0, 1)
    ranked = ad.rank_frame(cut.ranked, trusts, latest, "pct_within_4h_type1")
    assert not ranked.empty
    england = expected.value(snapshot, ad.DATASET, "pct_within_4h_type1", ad.ENGLAND, latest)
    figure = charts.rank_figure(
        ranked, month=latest, measure="pct_within_4h_type1", peer_codes=[], england=england
    )
    assert [s.y0 for s in figure.layout.shapes if s.type == "line"] == [england]
    assert any(a.text == f"England {expected.pct(england)}" for a in figure.layout.annotations)
