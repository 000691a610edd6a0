"""The HMP Nottingham page in AppTest: widgets change what is shown, with no exception."""

from streamlit.testing.v1 import AppTest


def render_page():
    from dashboard.ui.state import Selection
    from dashboard.views import prison

    prison.render(Selection("east", "pcon2024"))


def _table_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _markdown(at, needle):
    return [m.value for m in at.markdown if needle in m.value]


def test_widgets_switch_measure_group_and_years():
    at = AppTest.from_function(render_page, default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "HMP Nottingham"
    assert _markdown(at, "**457 assault incidents**")
    assert any("Compiled by a third party from MoJ tables" in w.value for w in at.warning)

    at.radio(key="prison_safety_measure").set_value("self_harm_rate").run()
    assert _markdown(at, "**628 self-harm incidents**")
    at.toggle(key="prison_safety_only_group").set_value(True).run()
    assert len(_table_with(at, "Rank of 108")) == 21

    at.radio(key="prison_staff_group").set_value("band_3_5").run()
    assert _markdown(at, "**210.1 FTE prison officers (bands 3-5)**")

    at.select_slider(key="prison_years").set_value((2018, 2026)).run()
    assert len(_table_with(at, "Bulletin date")) == 15
    assert not at.exception
