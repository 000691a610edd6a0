"""Release forecasts follow the stated rule or the last release's own lag."""

import datetime as dt

from dashboard.core import catalogue, releases, settings, store


def test_second_thursday():
    assert releases.second_thursday(2026, 4) == dt.date(2026, 4, 9)
    assert releases.second_thursday(2026, 10) == dt.date(2026, 10, 8)


def test_ae_next_release_is_second_thursday_after_the_next_month():
    entry = {"period_end": "2026-02-28"}
    found = releases.expected("nhse_ae_monthly", entry, dt.date(2026, 3, 1))
    assert found.next_period_end == dt.date(2026, 3, 31)
    assert found.expected_release == dt.date(2026, 4, 9)
    assert not found.behind
    assert releases.expected("nhse_ae_monthly", entry, dt.date(2026, 11, 26)).behind


def test_calendar_over_the_snapshot_names_its_basis():
    manifest = store.Snapshot(settings.data_dir()).manifest["datasets"]
    table = releases.calendar(manifest, dt.date(2026, 11, 26))
    ae = table.set_index("Dataset").loc["nhse_ae_monthly"]
    assert ae["Expected release"] == "2026-04-09" and ae["Snapshot"].startswith("behind")
    assert set(table["Basis"].str.split().str[0]) <= {"NHS", "the", "no"}


def test_a_release_found_by_the_refresh_is_the_release_shown():
    from dashboard.core import catalogue, provenance

    dataset = "moj_safety_by_prison_2025_26"
    stated = catalogue.get(dataset).released
    entry = {"period_start": "2025-04-01", "period_end": "2026-03-31"}
    assert provenance.released(dataset, entry) == stated
    found = {
        **entry,
        "release": {"title": "Safety in custody", "url": "u", "released": "2026-07-30"},
    }
    assert provenance.released(dataset, found) == "2026-07-30"
    assert "released 2026-07-30" in provenance.source_line(dataset, found)
    # A route that found the release but not its date does not fall back to an older edition's.
    undated = {**entry, "release": {"title": "t", "url": "u", "released": None}}
    assert provenance.released(dataset, undated) is None


def test_a_newer_release_that_could_not_be_loaded_marks_the_data_behind():
    entry = {"period_end": "2026-02-28"}
    assert not releases.expected("nhse_ae_monthly", entry, dt.date(2026, 3, 1)).behind
    newer = {**entry, "newer_release": {"title": "Monthly A&E March 2026 (CSV)"}}
    assert releases.expected("nhse_ae_monthly", newer, dt.date(2026, 3, 1)).behind


def test_every_release_rule_has_a_date_and_a_basis():
    for rule in catalogue.RELEASE_RULES:
        assert rule in releases.RULE_BASIS
        assert releases.scheduled_release(rule, dt.date(2026, 2, 28)) == dt.date(2026, 3, 12)
    ruled = [p for p in catalogue.CATALOGUE if p.release_rule]
    assert [p.id for p in ruled] == ["nhse_ae_monthly"]
