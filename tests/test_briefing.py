"""The briefing's numbers are the snapshot's numbers, checked against `query`."""

import html
import io
import re

import pandas as pd
import pytest

from dashboard import briefing, headlines
from dashboard.cli import main
from dashboard.core import query


@pytest.fixture(scope="module")
def brief(snapshot):
    cache = {}

    def observations(dataset):
        if dataset not in cache:
            cache[dataset] = snapshot.observations([dataset])
        return cache[dataset]

    return briefing.build("E14000865", observations, snapshot.manifest["datasets"]), cache


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
