"""The briefing's numbers are the snapshot's numbers, checked against `query`."""

import html
import io
import re

import pandas as pd
import pytest

from dashboard import briefing, briefing_charts, headlines
from dashboard.cli import main
from dashboard.core import catalogue, query, settings


@pytest.fixture(scope="module")
def brief(snapshot, observations):
    built = briefing.build("E14000865", observations, snapshot.manifest["datasets"])
    return built, observations.cache


def test_every_sentence_number_equals_query(brief):
    built, cache = brief
    checked = 0
    for section in built.sections:
        for figure in section.figures:
            selected = query.select(
                cache[figure.dataset],
                dataset=figure.dataset,
                measure=figure.measure,
                area=figure.area_code,
                period=figure.period_start.strftime("%Y-%m-%d"),
            )
            value = pd.read_csv(io.StringIO(query.to_csv(selected)))["value"].iloc[0]
            assert figure.value_format.format(value) in figure.sentence
            checked += 1
    assert checked >= 7


def test_markdown_has_five_sections_with_sources(brief):
    text = briefing.to_markdown(brief[0])
    assert text.startswith("# Nottingham East: briefing")
    for title in briefing.TOPICS.values():
        assert f"## {title}" in text
    assert len(re.findall(r"^\[\d+\] Source: ", text, flags=re.MULTILINE)) >= 5
    for section in brief[0].sections:
        for figure in section.figures:
            assert figure.sentence in text


def test_docx_opens_and_holds_the_sentences(brief):
    from docx import Document

    raw = briefing.to_docx(brief[0])
    document = Document(io.BytesIO(raw))
    text = "\n".join(p.text for p in document.paragraphs)
    for section in brief[0].sections:
        for figure in section.figures:
            assert figure.sentence in text
    assert len(document.inline_shapes) >= 3  # small charts


def test_cli_brief_and_unknown_area(capsys):
    assert main(["brief", "--area", "E14001410"]) == 0
    assert "# Nottingham East: briefing" in capsys.readouterr().out
    assert main(["brief", "--area", "E14000001"]) == 2
    assert "unknown area" in capsys.readouterr().err


def test_headline_sentences_say_on_for_a_day():
    assert headlines.with_preposition(pd.Timestamp("2026-06-29"), pd.Timestamp("2026-06-29")) == (
        "on 29 June 2026"
    )


def test_html_is_self_contained_escaped_and_holds_the_sentences(brief):
    built = brief[0]
    text = briefing.to_html(built)
    assert text.startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    for section in built.sections:
        assert f"<h2>{section.title}</h2>" in text
        for figure in section.figures:
            assert html.escape(figure.sentence) in text
    assert text.count('src="data:image/png;base64,') >= 3  # small charts, inline
    assert 'alt="Line chart of ' in text
    assert "http://" not in text.split("<body>")[0]  # nothing fetched from elsewhere


def test_html_escapes_names_from_the_data(brief):
    built = brief[0]
    hostile = briefing.Brief(
        built.area_code,
        "<script>alert(1)</script>",
        built.boundary_label,
        built.generated_at,
        [briefing.Section("<img src=x onerror=alert(1)>", missing=["<b>bold</b>"])],
    )
    text = briefing.to_html(hostile)
    assert "<script>" not in text and "<img src=x" not in text and "<b>bold" not in text
    assert "&lt;script&gt;" in text


def test_cli_brief_html(tmp_path):
    out = tmp_path / "brief.html"
    assert main(["brief", "--area", "E14001410", "--format", "html", "--out", str(out)]) == 0
    assert "Nottingham East: briefing" in out.read_text(encoding="utf-8")


def test_docx_is_a4_one_issue_per_page_with_alt_text_on_every_chart(brief):
    from docx import Document
    from docx.shared import Cm

    built = brief[0]
    document = Document(io.BytesIO(briefing.to_docx(built)))
    page = document.sections[0]
    assert (round(page.page_width / Cm(1), 1), round(page.page_height / Cm(1), 1)) == (21, 29.7)
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h.text for h in headings] == [s.title for s in built.sections]
    assert [bool(h.paragraph_format.page_break_before) for h in headings] == [False] + [True] * (
        len(headings) - 1
    )
    charted = [s.chart for s in built.sections if s.chart is not None]
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert descriptions == [briefing_charts.alt_text(chart) for chart in charted]
    assert len(charted) >= 4


def test_charts_speak_words_and_numbers_as_people_write_them(brief):
    built = brief[0]
    charts = {s.title: s.chart for s in built.sections if s.chart is not None}
    for chart in charts.values():
        text = briefing_charts.alt_text(chart)
        # The label is the catalogue's words, never the measure's code.
        assert chart.label == catalogue.measure(chart.measure).label and "_" not in chart.label
        assert re.search(r": it (rose|fell|was about the same), from ", text), text
        assert not re.search(r"\d[eE][+-]\d", text), text
        present = chart.series.dropna(subset=["value"])
        last = present.sort_values("period_start").iloc[-1]["value"]
        assert briefing_charts.number(last, chart.unit) in text
        assert briefing_charts.png(chart).startswith(b"\x89PNG")
    # England, or the median seat, is drawn where the headline compares with it; the A&E
    # all-types measure carries its interim targets.
    for section in built.sections:
        if section.chart is not None and section.figures[0].headline.comparator:
            assert section.chart.reference is not None and section.chart.reference_label
    assert briefing_charts.targets_for("pct_within_4h_all")
    assert briefing_charts.number(37210.0, "count") == "37,210"


def test_html_charts_carry_the_trend_sentence_and_print_on_a4(brief):
    built = brief[0]
    text = briefing.to_html(built)
    assert "@page { size: A4" in text
    for section in built.sections:
        if section.chart is not None:
            alt = html.escape(briefing_charts.alt_text(section.chart), quote=True)
            assert f'alt="{alt}"' in text
    assert "e+0" not in text.split("<body>")[1].split("data:image")[0]


def test_briefing_charts_never_use_pyplot():
    """pyplot's global figure state is shared by Streamlit's session threads."""
    source = (settings.REPO_ROOT / "dashboard" / "briefing_charts.py").read_text()
    source += (settings.REPO_ROOT / "dashboard" / "briefing.py").read_text()
    assert "matplotlib.pyplot" not in source and "import pyplot" not in source
