"""The A&E page under AppTest, after a person changes its controls: no exception, right words."""

import pandas as pd
from streamlit.testing.v1 import AppTest

TIMEOUT_S = 120


def render_ae() -> None:
    from dashboard.ui.state import Selection
    from dashboard.views import ae

    ae.render(Selection("east", "pcon2024"))


def test_controls_in_the_field_test_years():
    at = AppTest.from_function(render_ae, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "QMC A&E: Nottingham University Hospitals"
    at.radio(key="ae_peers").set_value("none")
    at.radio(key="ae_measure").set_value("pct_within_4h_type1")
    at.select_slider(key="ae_range").set_range(
        pd.Timestamp("2020-01-01"), pd.Timestamp("2022-12-01")
    )
    at.radio(key="ae_waits_view").set_value("per_admission")
    at.select_slider(key="ae_rank_month").set_value(pd.Timestamp("2021-01-01"))
    at.selectbox(key="ae_season_measure").set_value("waits_over_12h_dta")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "reported no 4-hour % (type 1 emergency department) figures" in text
    assert "no 4-hour % (type 1 emergency department) figure for January 2021" in text
    assert "not reported (field test)" in text
