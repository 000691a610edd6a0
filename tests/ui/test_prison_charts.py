"""HMP Nottingham page helpers against the real snapshot, with values read by hand.

Hand checks: `python -m dashboard query --dataset D --area NMI` and the PROVENANCE.md facts in
shared/sources/prisons (sections 4 to 8), which quote the named files' cells.
"""

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import comparability, headlines
from dashboard.topics.prison import figures as charts
from dashboard.topics.prison import model as pdata
from dashboard.ui import components


@pytest.fixture(scope="module")
def series(snapshot):
    frames = {d: snapshot.table(d, "observations") for d in pdata.POPULATION_DATASETS}
    return pdata.population_series(frames)


@pytest.fixture(scope="module")
def inspections(snapshot):
    return snapshot.table("hmip_nottingham", "inspections")


@pytest.fixture(scope="module")
def events(snapshot, inspections):
    return pdata.inspection_events(
        inspections, snapshot.table("hmip_nottingham", "inspection_figures")
    )


@pytest.fixture(scope="module")
def safety(snapshot):
    return snapshot.table("moj_safety_by_prison_2025_26", "observations")


def _on(series, day):
    return series[series["date"] == pd.Timestamp(day)].iloc[0]


# --- population ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, population, op_cap, in_use, pct",
    [
        # final_full_time_series.csv, nomis_id NMI, date 2011-01-28 (PROVENANCE section 4)
        ("2011-01-28", 1021, 1060, 723, 141.2),
        # same file, 2014-06-27: the 2011-2016 peak, op. capacity 1,100
        ("2014-06-27", 1097, 1100, 723, 151.7),
        # same file, 2014-09-26: the Sept 2014 bulletin text "Nottingham 723 723 1,060 1,054"
        ("2014-09-26", 1054, 1060, 723, 145.8),
        # monthly_establishments_nottingham_extract.csv, month 2019-03 (147 places out of use)
        ("2019-03-29", 794, 800, 576, 137.8),
        # same file, month 2026-04 (the population the 2025-26 rates divide by)
        ("2026-04-27", 885, 960, 719, 123.1),
    ],
)
def test_population_values_read_by_hand(series, day, population, op_cap, in_use, pct):
    row = _on(series, day)
    assert row["population"] == population
    assert row["operational_capacity"] == op_cap
    assert row["in_use_cna"] == in_use
    assert row["pct_of_cna"] == pytest.approx(pct, abs=0.05)


def test_missing_months_are_gaps_with_a_reason_not_zero(series):
    by_month = series.set_index("month")
    # No bulletin for 2012-09 in the 2011-2016 compilation.
    assert pd.isna(by_month.loc[pd.Period("2012-09"), "population"])
    assert (
        by_month.loc[pd.Period("2012-09"), "status"] == "no bulletin for this month in our source"
    )
    # Nothing at all between May 2016 and March 2018.
    assert by_month.loc[pd.Period("2017-06"), "status"] == pdata.BETWEEN_SOURCES_REASON
    assert pdata.between_sources_gap(series) == (
        pd.Timestamp("2016-06-01"),
        pd.Timestamp("2018-02-28"),
    )
    # 2018-2026 is 15 sampled months: 2021-04 was not read.
    assert by_month.loc[pd.Period("2021-04"), "status"] == "month not sampled (15 months held)"
    assert (series["population"] == 0).sum() == 0
    assert series["population"].notna().sum() == 53 + 15


def test_population_table_and_summary(series):
    table = pdata.population_table(series)
    assert len(table) == 68
    assert table.iloc[0]["Population"] == 939  # July 2026, newest first
    summary = pdata.population_summary(series)
    assert "27 July 2026" in summary and "**939**" in summary and "131% of CNA" in summary
    assert "1,097 on 27 June 2014" in summary


def test_population_chart_draws_gaps_and_marks_events(series, events):
    figure = charts.population_chart(series, events, 2011, 2026)
    assert isinstance(figure, go.Figure)
    assert all(trace.connectgaps is False for trace in figure.data)
    population = next(t for t in figure.data if t.name == "Population")
    assert any(pd.isna(v) for v in population.y)
    texts = " ".join(a.text for a in figure.layout.annotations)
    assert "Urgent<br>Notification<br>17 Jan 2018" in texts
    assert "Inspection<br>2010" in texts  # shown before the first figure, as a shaded year
    assert "No figures" in texts
    assert figure.layout.yaxis.title.text == "Prisoners or places (count)"


def test_population_export_filters_years(snapshot):
    frames = {d: snapshot.table(d, "observations") for d in pdata.POPULATION_DATASETS}
    out = pdata.population_export(frames, 2018, 2026)
    assert set(out["dataset"]) == {"moj_population_bulletin_nottingham_2018_2026"}
    assert len(out) == 75
    assert {"area_code", "area_name", "unit", "period_start", "period_end"} <= set(out.columns)


# --- inspections -----------------------------------------------------------------------------


def test_every_inspection_is_an_event_with_a_source(events):
    labels = list(events["label"])
    assert labels == [
        "Inspection, 2010 (month not stated)",
        "Follow-up inspection, 2013 (month not stated)",
        "Inspection, Sep 2014",
        "Inspection, Feb 2016",
        "Inspection, Jan 2018",
        "Urgent Notification, 17 Jan 2018",
        "Inspection, Jan 2020",  # from the quoted-figures table only
        "Inspection, May-Jun 2022",
        "Inspection, May 2024",  # from the quoted-figures table only
    ]
    assert events["source_url"].str.startswith("https://").all()


def test_timeline_table_cites_every_row(inspections, events):
    table = pdata.timeline_table(inspections, events)
    assert len(table) == 8
    assert table["Source"].str.startswith("https://").all()
    row_2016 = table[table["Inspection"] == "Inspection, Feb 2016"].iloc[0]
    # hmip_nottingham_judgements.csv: 2016-02 safety "poor" (score 1), cited to the HMIP
    # press release of 18 Jan 2018; other tests "not sufficiently good or poor" (Doing Time).
    assert row_2016["Safety"] == "Poor (1)"
    assert row_2016["Respect"].startswith("not sufficiently good or poor")
    assert "press-releases/2018/01" in row_2016["Source"]
    assert "doingtime.co.uk" in row_2016["Also cited"]
    row_2010 = table[table["Inspection"].str.contains("2010")].iloc[0]
    assert row_2010["Rehabilitation and release planning"] == "Reasonably good (3)"
    row_2024 = table[table["Inspection"] == "Inspection, May 2024"].iloc[0]
    assert row_2024["Safety"] == pdata.NOT_IN_SOURCES
    assert "reports-published-19-august" in row_2024["Source"]


def test_citations_table_keeps_every_curated_row(inspections):
    table = pdata.citations_table(inspections)
    assert len(table) == len(inspections) == 22
    assert table["Link"].notna().all() and table["Source"].notna().all()


def test_grid_never_turns_a_missing_grade_into_a_score(inspections, events):
    grid = pdata.judgement_grid(inspections, events)
    assert len(grid) == 8 * 4
    scored = grid.dropna(subset=["score"])
    assert len(scored) == 7  # 2010 x 4, and safety poor in 2014, 2016, 2018
    assert set(scored["score"]) == {1.0, 3.0}
    assert (grid[grid["score"].isna()]["short"] != "").all()
    figure = charts.judgement_grid_chart(grid)
    assert len(figure.layout.annotations) == 32
    assert figure.layout.yaxis.type == "category"  # "2010" must not become a date axis
    rows = list(figure.data[0].y)
    assert rows[:3] == ["2010 inspection", "2013 follow-up", "Sep 2014"]
    assert not any(row.isdigit() for row in rows)


def test_inspection_summary(inspections, events):
    text = pdata.inspection_summary(inspections, events)
    assert "**8 inspections**" in text
    assert "poor** at 3 inspections in a row (2014, 2016, 2018)" in text
    assert "Jan 2020, May-Jun 2022, May 2024" in text
    urgent = events.loc[events["kind"] == "urgent_notification", "start"].min()
    assert f"the first ever Urgent Notification in {urgent:%B %Y}." in text


def test_national_standards_summary(snapshot, inspections):
    series = pdata.standards_series(
        snapshot.table("hmip_prison_standards_national", "observations")
    )
    text = pdata.standards_summary(series, inspections)
    # prison_standards.csv: Safety 55% in 2024-25 and 36% in 2017-18 (PROVENANCE section 7)
    assert "55% of the prisons inspected in 2024-25" in text
    assert "36% in 2017-18" in text
    assert series[series["year"] == "2020-21"]["value"].isna().all()


# --- violence and self-harm ------------------------------------------------------------------


def test_nottingham_2025_26_counts_rates_and_rank(safety):
    table = pdata.safety_by_prison(safety)
    home = table[table["area_code"] == "NMI"].iloc[0]
    # safety_capacity_test.csv, key "nottingham": assaults 457, selfharm 628, pop 885
    assert home["assault_incidents"] == 457
    assert home["self_harm_incidents"] == 628
    assert home["population"] == 885
    assert home["assault_rate"] == pytest.approx(516.384, abs=0.001)
    assert home["self_harm_rate"] == pytest.approx(709.605, abs=0.001)
    # 31st of 111 on assaults in the file; the three prisons we drop rank lower, so 31 of 108.
    # On self-harm 44th of 111 there; Five Wells (918.2) is dropped, so 43 of 108.
    assert len(table) == 108
    assert home["assault_rate_rank"] == 31
    assert home["self_harm_rate_rank"] == 43


def test_safety_summary_and_group(safety):
    table = pdata.safety_by_prison(safety)
    text = pdata.safety_summary(table, "assault_rate")
    assert "**457 assault incidents**" in text and "**516 per 1,000 prisoners**" in text
    assert "**31 of 108**" in text and "10 of 21 in its comparator group" in text
    definition = comparability.measure("assault_rate").definition.rstrip(".")
    assert f"a third party's rate: {definition}" in text
    # the periods are the rows': the incidents' span and the population's month
    for measure, words in (
        ("assault_incidents", "From {} HMP"),
        ("population", "population in {}"),
    ):
        rows = safety[safety["measure"] == measure]
        span = headlines.period_span(rows["period_start"].min(), rows["period_end"].max())
        assert words.format(span) in text
        assert any(
            column.endswith(span) for column in pdata.safety_table(table, "assault_rate", False)
        )
    assert set(table[table["group"] != pdata.GROUP_OTHER]["area_code"]) == set(
        pdata.LOCAL_CAT_B_MEN
    )
    only = pdata.safety_table(table, "self_harm_rate", only_comparators=True)
    assert len(only) == 21 and "HMP Nottingham" in set(only["Group"])


def test_safety_chart_marks_nottingham_and_reference_lines(safety):
    table = pdata.safety_by_prison(safety)
    figure = charts.safety_distribution_chart(table, "self_harm_rate")
    assert sum(len(t.x) for t in figure.data) == 108
    texts = " ".join(a.text for a in figure.layout.annotations)
    assert "HMP Nottingham" in texts and "710" in texts
    assert "Median prison" in texts and "All 108 together" in texts
    assert "third party" in figure.layout.title.text


def test_safety_export_keeps_the_caveat(safety):
    table = pdata.safety_by_prison(safety)
    out = pdata.safety_export(safety, table, only_comparators=True)
    assert out["area_code"].nunique() == 21
    assert out["caveat"].str.contains("third party").all()
    assert "assault_rate_rank_of_108" in out


def test_comparator_list_matches_its_stated_source(sources):
    """LOCAL_CAT_B_MEN is the rule stated in COMPARATOR_SOURCE applied to the 2016 rows."""
    raw = pd.read_csv(sources / "prisons/robinl_monthly_bulletins/final_full_time_series.csv")
    last = raw[raw["date"] == raw["date"].max()]
    chosen = last[(last["local"] == 1) & (last["cat_b"] == 1) & (last["male"] == 1)]
    by_name = {"Elmley (Sheppey)": "EYI", "Thameside": "TSI"}
    codes = {
        code if isinstance(code, str) else by_name[name]
        for code, name in zip(chosen["nomis_id"], chosen["moj_prison_name"], strict=True)
    }
    assert codes == set(pdata.LOCAL_CAT_B_MEN)


def test_national_safety_trend(snapshot):
    series = pdata.national_safety_series(snapshot.table("moj_safety_national", "observations"))
    values = series.set_index(["measure", "year"])["value"]
    # assaults.csv 2018: 394 and 46 per 1,000; self_harm.csv 2024: 910 per 1,000
    assert values[("assault_rate", 2018)] == 394
    assert values[("serious_assault_rate", 2018)] == 46
    assert values[("self_harm_rate", 2024)] == 910
    text = pdata.national_safety_summary(series)
    assert "**351** in 2024" in text and "**910** in 2024" in text


# --- staffing --------------------------------------------------------------------------------


def test_staffing_against_benchmark(snapshot):
    observations = snapshot.table("noms_workforce_june_2016", "observations")
    prisons, national, excluded = pdata.staffing_by_prison(observations, "all_staff")
    home = prisons[prisons["area_code"] == "NMI"].iloc[0]
    # Table 12: Nottingham all staff 341.5 FTE against 382.6 (-10.8%); all 31,090.6 v 33,064.7
    assert home["staff_in_post"] == pytest.approx(341.46, abs=0.01)
    assert home["benchmark"] == pytest.approx(382.6)
    assert home["pct_vs_benchmark"] == pytest.approx(-10.75, abs=0.01)
    assert national.iloc[0]["pct_of_benchmark"] == pytest.approx(94.03, abs=0.01)
    assert "HRI" in set(excluded["area_code"]) and "HRI" not in set(prisons["area_code"])
    officers, _, _ = pdata.staffing_by_prison(observations, "band_3_5")
    # Band 3-5 officers: 210.1 FTE against a benchmark of 229 (-8.3%)
    row = officers[officers["area_code"] == "NMI"].iloc[0]
    assert row["pct_vs_benchmark"] == pytest.approx(-8.27, abs=0.01)
    text = pdata.staffing_summary(prisons, national, "all_staff")
    assert "89.2% of benchmark" in text and "15th furthest" in text
    figure = charts.staffing_chart(prisons, national, "all_staff")
    assert sum(len(t.x) for t in figure.data) == len(prisons)


# --- gaps and third-party labels --------------------------------------------------------------


def test_record_gaps_name_what_is_missing(series, events):
    gaps = " ".join(pdata.record_gaps(series, events))
    assert "No official safety series by prison" in gaps
    assert "June 2016 to February 2018" in gaps
    assert "Jan 2020, May 2024" in gaps
    assert "not zero" in gaps


def test_third_party_note_names_the_compiler():
    note = pdata.third_party_note(("moj_safety_by_prison_2025_26", "noms_workforce_june_2016"))
    assert "Walk Forward Research" in note
    assert "National Offender" not in note  # the workforce table is MoJ's own file
    assert pdata.third_party_note(("noms_workforce_june_2016",)) == ""


def test_highlight_site_rings_the_prison(snapshot):
    sites = snapshot.table("named_sites", "sites")
    figure = charts.highlight_site(go.Figure(), sites, "hmp_nottingham")
    assert figure.data[0].x[0] == 456823 and figure.data[0].y[0] == 343355


# --- periods named beside the population chart, in the gaps list and in download names -----
# Read from the rows; each text is also given the rows with the newest figures dropped.


def _spans(series):
    held = series[series["population"].notna()]
    out = []
    for _, rows in held.groupby("dataset"):
        months = pd.PeriodIndex(rows["month"], freq="M")
        out.append((months.min(), months.max(), months.nunique()))
    return sorted(out)


def test_population_gaps_are_the_months_missing(series):
    text = pdata.population_gaps(series)
    (first_a, last_a, held_a), (first_b, last_b, held_b) = _spans(series)
    span_a, span_b = (last_a - first_a).n + 1, (last_b - first_b).n + 1
    assert f"the {first_a:%Y}-{last_a:%Y} figures skip {span_a - held_a} of their {span_a}" in text
    assert f"nothing is held from {last_a + 1:%B %Y} to {first_b - 1:%B %Y}" in text
    assert f"the {first_b:%Y}-{last_b:%Y} figures skip {span_b - held_b} of their {span_b}" in text


def test_population_gaps_follow_a_snapshot_without_its_newest_month(series):
    held = series[series["population"].notna()]
    newest = held["month"].max()
    older = series[series["month"] < newest]
    (_, last_before, _), *_ = reversed(_spans(series))
    *_, (first_b, last_b, held_b) = _spans(older)
    assert last_b < last_before
    text = pdata.population_gaps(older)
    span = (last_b - first_b).n + 1
    assert f"the {first_b:%Y}-{last_b:%Y} figures skip {span - held_b} of their {span}" in text


def test_staffing_gap_and_download_name_give_the_tables_day(snapshot, series, events):
    staff = snapshot.table("noms_workforce_june_2016", "observations")
    day = pd.Timestamp(staff["period_end"].max())
    words = pdata.staffing_day(staff)
    assert words == f"{day.day} {day:%B %Y}"
    gaps = " ".join(pdata.record_gaps(series, events, words))
    assert f"**Staffing is a single day, {words}.**" in gaps
    assert "Staffing is a single day" not in " ".join(pdata.record_gaps(series, events))
    name = components.file_name("prison staffing", words, "all_staff")
    assert name == f"prison-staffing_{day.day}-{day:%B-%Y}_all-staff.csv".lower()
