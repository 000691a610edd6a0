"""The HMP Nottingham page in AppTest: lazy tabs and controls opened from a link, widgets change
what is shown, with no exception."""

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import headlines
from dashboard.topics.prison import page as prison
from dashboard.ui import data
from tests import expected

POPULATION = "moj_population_bulletin_nottingham_2018_2026"


@pytest.fixture(scope="module")
def newest(snapshot):
    """The newest month's population row for HMP Nottingham (NOMIS NMI), from the query."""
    return expected.latest(snapshot, POPULATION, "population", "NMI")


@pytest.fixture(scope="module")
def held_2018_2026(snapshot):
    """The months with a population figure from 2018 to 2026, oldest first, from the query."""
    rows = expected.rows(snapshot, POPULATION, "population", "NMI").dropna(subset=["value"])
    return rows[rows["period_start"].dt.year.between(2018, 2026)]


def render_page():
    from dashboard.topics.prison import page as prison
    from dashboard.ui.state import Selection

    prison.render(Selection("east", "pcon2024"))


def _open(**params) -> AppTest:
    at = AppTest.from_function(render_page, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _markdown(at, needle):
    return [m.value for m in at.markdown if needle in m.value]


def test_tiles_and_intro_sit_above_the_tabs_with_the_data_date(snapshot, newest):
    at = _open()
    assert at.title[0].value == "HMP Nottingham"
    metrics = {m.label: m.value for m in at.metric}
    day, held = newest["period_start"], expected.count(newest["value"])
    assert metrics[f"Population, {expected.day(day)}"] == held
    pct = expected.value(snapshot, POPULATION, "pct_of_cna", "NMI", day)
    assert metrics["% of in-use CNA"] == f"{pct:.0f}%"
    assert len(at.metric) == 4
    # One as-of line under the tiles, and only when something is known: no noise.
    as_of = data.as_of_text(POPULATION)
    lines = [m.value for m in [*at.markdown, *at.caption] if m.value.startswith("Data as of")]
    assert lines == ([as_of] if as_of else [])
    # The default tab is the crowding chart; hidden tabs' code does not run.
    assert [h.value for h in at.header] == ["Population and crowding"]
    assert _markdown(at, f"HMP Nottingham held **{held}** men")
    assert not _markdown(at, "HMP Nottingham recorded")  # the safety tab's summary
    # Above the tabs, the briefing engine's lines: the newest crowding figure held, on its day.
    assert _markdown(
        at,
        f"On {day.day} {day:%B %Y}, HMP Nottingham's population as a percentage of in use "
        f"Certified Normal Accommodation was {pct:.0f}%",
    )


def _span(snapshot, dataset, measure=None):
    """The period a dataset's rows (of one measure) cover, in words, from the snapshot."""
    rows = snapshot.table(dataset, "observations")
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    return headlines.period_span(rows["period_start"].min(), rows["period_end"].max())


def test_every_tab_has_its_content_and_labels(snapshot):
    safety = _span(snapshot, prison.SAFETY_ID, "assault_incidents")
    staffing = _span(snapshot, prison.STAFF_ID)
    headers = {
        "Crowding": "Population and crowding",
        "Inspections": "What inspectors found",
        "Assaults and self-harm": f"Violence and self-harm, {safety}",
        "Staffing": f"Staffing against benchmark, {staffing}",
        "Map": "Where it is",
    }
    assert set(headers) | {"Gaps in the record"} == set(prison.TABS)
    for tab, header in headers.items():
        at = _open(prison_tab=tab)
        assert [h.value for h in at.header] == [header], tab
    at = _open(prison_tab="Assaults and self-harm")
    assert any("Compiled by a third party from MoJ tables" in w.value for w in at.warning)
    assert _markdown(at, ":orange-badge[Third-party compilation]")
    at = _open(prison_tab="Gaps in the record")
    assert at.header[0].value == "What the published record does not tell us"
    assert _markdown(at, "No official safety series by prison")


def test_widgets_switch_measure_group_and_years(held_2018_2026):
    at = _open(prison_tab="Assaults and self-harm")
    assert _markdown(at, "**457 assault incidents**")
    at.radio(key="prison_safety_measure").set_value("self_harm_rate").run()
    assert _markdown(at, "**628 self-harm incidents**")
    at.toggle(key="prison_safety_only_group").set_value(True).run()
    assert len(_table_with(at, "Rank of 108")) == 21

    at = _open(prison_tab="Staffing")
    at.radio(key="prison_staff_group").set_value("band_3_5").run()
    assert _markdown(at, "**210.1 FTE prison officers (bands 3-5)**")

    at = _open()
    at.select_slider(key="prison_years").set_value((2018, 2026)).run()
    assert len(_table_with(at, "Bulletin date")) == len(held_2018_2026) > 0
    assert not at.exception


@pytest.mark.parametrize(
    "params, widget, key, value, shown",
    [
        (
            {
                "prison_tab": "Assaults and self-harm",
                "prison_safety_measure": "Self-harm incidents per 1,000 prisoners",
                "prison_safety_only_group": "true",
            },
            "radio",
            "prison_safety_measure",
            "self_harm_rate",
            "**628 self-harm incidents**",
        ),
        (
            {"prison_tab": "Staffing", "prison_staff_group": "Operational support grades"},
            "radio",
            "prison_staff_group",
            "osg",
            "FTE operational support grades**",
        ),
        (
            {"prison_years": ["2018", "2026"]},
            "select_slider",
            "prison_years",
            (2018, 2026),
            "On {day} HMP Nottingham held **{held}**",  # the newest month up to 2026
        ),
    ],
    ids=["safety", "staffing", "years"],
)
def test_a_link_reproduces_the_view(params, widget, key, value, shown, held_2018_2026):
    at = _open(**params)
    assert getattr(at, widget)(key=key).value == value
    last = held_2018_2026.iloc[-1]
    day = f"{last['period_start'].day} {last['period_start']:%B %Y}"
    assert _markdown(at, shown.format(day=day, held=expected.count(last["value"])))
    if "prison_safety_only_group" in params:
        assert at.toggle(key="prison_safety_only_group").value is True
        assert len(_table_with(at, "Rank of 108")) == 21
    if key == "prison_years":
        assert len(_table_with(at, "Bulletin date")) == len(held_2018_2026)


def test_the_map_follows_the_seat():
    at = _open(prison_tab="Map")
    assert _markdown(at, "lies in **Nottingham East** (E14001410")
    assert not _markdown(at, "It is outside")
