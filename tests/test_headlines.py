"""Headline figures equal what `python -m dashboard query` prints for the same cells."""

import io

import pandas as pd
import pytest

from dashboard import geography, headlines
from dashboard.core import query, settings, store


class CachedSnapshot(store.Snapshot):
    """Reads each dataset once for the module: the figures, not the disk, are under test."""

    def observations(self, dataset_ids=None):
        cache = self.__dict__.setdefault("_cache", {})
        key = tuple(dataset_ids or ())
        if key not in cache:
            cache[key] = super().observations(dataset_ids)
        return cache[key]


@pytest.fixture(scope="module")
def snapshot():
    return CachedSnapshot(settings.data_dir())


def query_value(snapshot, dataset, measure, area, period):
    frame = query.select(
        snapshot.observations([dataset]),
        dataset=dataset,
        measure=measure,
        area=area,
        period=period,
    )
    return pd.read_csv(io.StringIO(query.to_csv(frame)))["value"].iloc[0]


@pytest.mark.parametrize("headline", headlines.HEADLINES, ids=lambda h: h.key)
@pytest.mark.parametrize("seat", sorted(geography.SEATS))
def test_headline_value_matches_query(snapshot, headline, seat):
    area = headlines.resolve_area(headline, geography.SEATS[seat].codes)
    found = headlines.figure(headline, snapshot.observations([headline.dataset]), area)
    if found is None:
        pytest.skip(f"no {headline.measure} for {area} in the snapshot")
    expected = query_value(
        snapshot, headline.dataset, headline.measure, area, found.period_start.strftime("%Y-%m-%d")
    )
    assert found.value == pytest.approx(expected)
    assert headline.value_format.format(found.value) in found.sentence


def test_ae_headline_for_february_2026(snapshot):
    # nhse_monthly_provider_csv/February-2026-CSV-Dl8t54.csv, RX1 and England rows.
    found = headlines.figure(
        headlines.BY_KEY["ae_4h"], snapshot.observations(["nhse_ae_monthly"]), "RX1"
    )
    assert found.period_start == pd.Timestamp("2026-02-01")
    assert found.sentence.startswith("In February 2026, 64% of patients")
    assert "against 74% across England" in found.sentence


@pytest.mark.parametrize(
    "start, end, words",
    [
        ("2026-02-01", "2026-02-28", "February 2026"),
        ("2025-12-31", "2025-12-31", "31 December 2025"),
        ("2025-10-01", "2025-12-31", "October-December 2025"),
        ("2021-09-01", "2022-08-31", "the 2021/22 school year"),
        ("2025-04-01", "2026-03-31", "the 2025-26 financial year"),
        ("2024-01-01", "2024-12-31", "2024"),
        ("2022-10-01", "2022-11-30", "autumn 2022"),
    ],
)
def test_period_words(start, end, words):
    assert headlines.period_label(pd.Timestamp(start), pd.Timestamp(end)) == words


def test_missing_values_are_never_the_headline():
    frame = pd.DataFrame(
        {
            "measure": "m",
            "area_code": "X",
            "area_name": "X",
            "period_start": pd.to_datetime(["2020-01-01", "2020-02-01"]),
            "period_end": pd.to_datetime(["2020-01-31", "2020-02-29"]),
            "value": [5.0, None],
        }
    )
    spec = headlines.Headline("k", "t", "d", "m", "X", "{value} things", "{:.0f}")
    found = headlines.figure(spec, frame, "X")
    assert found.value == 5.0 and found.sentence == "In January 2020, 5 things."
