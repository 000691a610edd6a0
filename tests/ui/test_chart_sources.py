"""Every chart carries its source inside the figure, so a PNG saved from its toolbar keeps it.

The page test opens every page and tab under AppTest, records the datasets each chart was
drawn with, and reads each drawn chart's figure JSON: the source line must name each
dataset's publisher, the last month the snapshot holds and, when one is known, the release
date, all taken from the catalogue and the snapshot's manifest.
"""

import datetime as dt
import json

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import catalogue, provenance, settings, store
from dashboard.topics import registry
from dashboard.ui import components, style

# The figure's foot: a second legend whose one entry is the source line.
SOURCE = style.SOURCE_LEGEND


def render(url_path: str) -> None:
    from dashboard.topics import registry
    from dashboard.ui.state import Selection

    registry.page(url_path).render(Selection("east", "pcon2024"))


def source_text(spec: dict) -> str:
    """The source line of a drawn figure, as one line of plain text."""
    lines = [t["name"] for t in spec["data"] if t.get("legend") == SOURCE]
    assert len(lines) == 1, f"{len(lines)} source lines"
    return lines[0].replace("<br>", " ").replace("\N{NO-BREAK SPACE}", " ")


def day(iso: str) -> str:
    date = dt.date.fromisoformat(iso[:10])
    return f"{date.day} {date:%b %Y}"


def expected_phrases(dataset_id: str, entry: dict | None) -> list[str]:
    """What the line must say of one dataset: the publisher's name (without its bracketed
    qualifiers), the last month held, and the release date when one is known."""
    phrases = [catalogue.get(dataset_id).publisher.split(" (")[0]]
    if entry and entry.get("period_end"):
        phrases.append(f"{dt.date.fromisoformat(entry['period_end'][:10]):%b %Y}")
    release = provenance.released(dataset_id, entry)
    if release:
        phrases.append(f"released {day(release)}")
    return phrases


@pytest.fixture
def drawn(monkeypatch):
    """(key, datasets) of every chart drawn while the fixture is active, in order."""
    calls: list[tuple[str, tuple[str, ...]]] = []
    original = components.plotly_chart

    def record(figure, *, key, sources):
        calls.append((key, tuple(sources)))
        return original(figure, key=key, sources=sources)

    monkeypatch.setattr(components, "plotly_chart", record)
    return calls


PAGE_TABS = [(spec, tab) for spec in registry.PAGES for tab in spec.tabs or (None,)]


@pytest.mark.parametrize(
    "spec, tab", PAGE_TABS, ids=[f"{spec.url_path}-{tab or 'page'}" for spec, tab in PAGE_TABS]
)
def test_every_chart_names_its_sources_inside_the_figure(spec, tab, drawn):
    manifest = store.Snapshot(settings.data_dir()).manifest["datasets"]
    at = AppTest.from_function(render, kwargs={"url_path": spec.url_path}, default_timeout=120)
    if tab:
        at.query_params[spec.tab_key] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    charts = at.get("plotly_chart")
    # Every chart on the page went through the one drawing function, none around it.
    assert len(charts) == len(drawn), (len(charts), drawn)
    for chart, (key, sources) in zip(charts, drawn, strict=True):
        assert chart.proto.id.endswith(f"-{key}_chart"), (chart.proto.id, key)
        assert sources, f"{key} is drawn without naming its datasets"
        text = source_text(json.loads(chart.proto.spec))
        assert text.startswith("Source"), (key, text)
        for dataset_id in sources:
            for phrase in expected_phrases(dataset_id, manifest.get(dataset_id)):
                assert phrase in text, (key, dataset_id, phrase, text)


# --- the pure functions ---------------------------------------------------------------------


def test_the_line_names_publisher_period_and_release_and_keeps_dates_whole(snapshot):
    # The months the snapshot holds; a release date a fortnight after the last of them.
    held = snapshot.manifest["datasets"]["nhse_ae_monthly"]
    entry = {key: held[key] for key in ("period_start", "period_end")}
    start, end = (dt.date.fromisoformat(entry[key]) for key in ("period_start", "period_end"))
    release = end + dt.timedelta(days=14)
    released = {**entry, "release": {"released": release.isoformat()}}
    publisher = catalogue.get("nhse_ae_monthly").publisher
    line = provenance.chart_source_line(("nhse_ae_monthly",), {"nhse_ae_monthly": released})
    plain = line.replace("\N{NO-BREAK SPACE}", " ").replace("<br>", " ")
    assert plain.startswith(f"Source: {publisher}, ")
    months = f"{start:%b %Y} to {end:%b %Y}"
    release_words = f"released {release.day} {release:%b %Y}"
    assert f"({months}, {release_words})." in plain
    # A line may break between the months and the release, never inside either.
    assert release_words.replace(" ", "\N{NO-BREAK SPACE}") in line
    assert months.replace(" ", "\N{NO-BREAK SPACE}") in line
    # Unknown release and a mirror copy: the months, and no guessed date.
    undated = provenance.chart_source_line(("nhse_ae_monthly",), {"nhse_ae_monthly": entry})
    assert "released" not in undated and "downloaded" not in undated
    # A copy downloaded from the publisher, with no release date: the download date.
    fetched = {**entry, "inputs": [{"retrieved_at": "2026-12-01T09:00:00+00:00"}]}
    assert "downloaded\N{NO-BREAK SPACE}1\N{NO-BREAK SPACE}Dec" in provenance.chart_source_line(
        ("nhse_ae_monthly",), {"nhse_ae_monthly": fetched}
    )


def test_the_line_names_each_publisher_once_and_wraps_short():
    ids = ("nhse_ae_england_timeseries", "nhse_ae_monthly", "mhclg_hclic_detailed_la")
    line = provenance.chart_source_line(ids, {}, width=60)
    assert line.startswith("Sources: ")
    plain = line.replace("<br>", " ")
    assert plain.count(catalogue.get("nhse_ae_monthly").publisher) == 1
    assert all(len(part) <= 60 for part in line.split("<br>"))
    # Missing from the manifest: no months, no dates, still the publisher and title.
    assert provenance.short_title("mhclg_hclic_detailed_la") in plain


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_source_grey_reads_on_white():
    ratio = (1.05) / (_luminance(style.SOURCE_GREY) + 0.05)
    assert ratio >= 4.5, ratio


def test_with_source_leaves_the_figure_alone_and_adds_a_valid_foot():
    figure = go.Figure(
        data=[go.Bar(x=["a", "b"], y=[1, 2])],
        layout={
            "showlegend": False,
            "margin": {"b": 80, "t": 40},
            "legend": {"y": -0.2},
            "height": 400,
        },
    )
    before = figure.to_dict()
    sourced = style.with_source(figure, "Source: a<br>b")
    assert figure.to_dict() == before, "the shared figure was changed"
    spec = go.Figure(sourced.to_dict()).to_dict()  # plotly's own validation accepts it
    foot = spec["layout"][SOURCE]
    assert (foot["xref"], foot["yref"], foot["y"], foot["yanchor"]) == (
        "container",
        "container",
        0,
        "bottom",
    )
    assert source_text(spec) == "Source: a b"
    entry = next(t for t in spec["data"] if t.get("legend") == SOURCE)
    assert entry["hoverinfo"] == "skip" and entry["showlegend"] is True
    # The figure hid its own legend: still hidden, while the source's shows.
    assert spec["layout"]["showlegend"] is True and spec["layout"]["legend"]["visible"] is False
    # plotly sizes the bottom margin from what stands under the plot; the figure grows by the
    # two lines' band, so the plot keeps its height.
    assert spec["layout"]["margin"] == {"b": 0, "t": 40}
    assert spec["layout"]["height"] == 400 + 2 * style.SOURCE_LINE_PX + style.SOURCE_PAD_PX
    # Legends in a font the saved PNG draws as the screen does.
    assert foot["font"]["family"] == style.SAVED_FONT_FAMILY
    assert spec["layout"]["legend"]["font"]["family"] == style.SAVED_FONT_FAMILY
    assert spec["data"][0] == before["data"][0]


def test_a_figure_is_copied_for_its_source_line_once_and_never_kept_alive():
    import gc

    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    first = components._with_source(figure, "Source: one.")
    assert components._with_source(figure, "Source: one.") is first
    other = components._with_source(figure, "Source: two.")
    assert other is not first and "Source: two." in {trace.name for trace in other.data}
    key = id(figure)
    del figure, first, other
    gc.collect()
    assert key not in components._SOURCED
