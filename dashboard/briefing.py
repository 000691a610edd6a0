"""Briefing packs for a constituency: one section per issue, from the shared headline figures.

Markdown for the command line, Word (.docx) for the office, and one self-contained HTML page
that prints to PDF from any browser (no system packages, so it works on Community Cloud).
Every number comes from
``dashboard.headlines``, the same computation as the Overview's "What's new" panel.
"""

import base64
import datetime as dt
import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from dashboard import briefing_charts, geography, headlines
from dashboard.core import catalogue, provenance
from dashboard.topics import registry

# Headline topic (the page's URL path) -> section title, in the menu's order.
TOPICS = {topic.url_path: topic.briefing_title for topic in registry.TOPICS}


@dataclass
class Section:
    title: str
    figures: list[headlines.Figure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    series: list[tuple[str, pd.DataFrame]] = field(default_factory=list)  # (measure, its values)
    chart: briefing_charts.ChartData | None = None  # the first figure with a series to draw
    footnotes: list[str] = field(default_factory=list)


@dataclass
class Brief:
    area_code: str
    area_name: str
    boundary_label: str
    generated_at: str
    sections: list[Section]


def build(
    area_code: str, observations: Callable[[str], pd.DataFrame | None], manifest: dict
) -> Brief:
    """The brief for one of our seats; ``observations(dataset_id)`` reads the snapshot."""
    found = geography.seat_for_code(area_code)
    if found is None:
        codes = ", ".join(c for s in geography.SEATS.values() for c in s.codes.values())
        raise ValueError(f"unknown area {area_code!r}; briefs cover {codes}")
    seat_key, boundary_set = found
    seat = geography.SEATS[seat_key]
    sections = []
    for topic, title in TOPICS.items():
        section = Section(title)
        notes: list[str] = []
        for headline in (h for h in headlines.HEADLINES if h.topic == topic):
            area = headlines.resolve_area(headline, seat.codes)
            figure = headlines.figure(headline, observations, area)
            if figure is None:
                section.missing.append(f"No {headline.measure} for {area} in the snapshot.")
                continue
            section.figures.append(figure)
            frame = observations(figure.dataset)
            series = frame[(frame["measure"] == figure.measure) & (frame["area_code"] == area)]
            section.series.append((figure.measure, series[["period_start", "value"]]))
            if section.chart is None:
                section.chart = briefing_charts.chart_for(figure, observations)
            if headline.note and headline.note not in notes:
                notes.append(headline.note)
            footnote = footnote_for(figure, manifest)
            if footnote not in section.footnotes:
                section.footnotes.append(footnote)
        section.footnotes = notes + section.footnotes
        sections.append(section)
    return Brief(
        area_code=seat.codes[boundary_set],
        area_name=seat.names[boundary_set],
        boundary_label=geography.BOUNDARY_SETS[boundary_set].label,
        generated_at=dt.datetime.now(dt.UTC).strftime("%-d %B %Y"),
        sections=sections,
    )


def footnote_for(figure: headlines.Figure, manifest: dict) -> str:
    """The figure's source, stating the period the figure covers (not the dataset's range)."""
    line = provenance.source_line(
        figure.dataset, manifest.get(figure.dataset), period=figure.period_words
    )
    return f"{line} {catalogue.get(figure.dataset).landing_url}"


def check(brief: Brief) -> str:
    """Each sentence with the facts it rests on, for a reviewer to audit against `query`."""
    lines = [f"# Check: {brief.area_name} ({brief.area_code}, {brief.boundary_label})", ""]
    for section in brief.sections:
        lines += [f"## {section.title}", ""]
        for figure in section.figures:
            lines += _figure_lines(figure)
            lines += [f"  * {fact}" for fact in figure.facts]
        lines += [f"- {missing}" for missing in section.missing]
        lines.append("")
    return "\n".join(lines)


def _figure_lines(figure: headlines.Figure) -> list[str]:
    """A figure as Markdown bullets: its sentence, then its comparisons and definition."""
    lines = [f"- {figure.sentence}"]
    comparison = _comparison(figure)
    if comparison:
        lines.append(f"  - Compared with: {comparison}.")
    return [*lines, f"  - {_definition(figure)}"]


def _definition(figure: headlines.Figure) -> str:
    return f"Definition (publisher's words): {figure.definition}"


def _comparison(figure: headlines.Figure) -> str:
    parts = [headlines.earlier_values_text(figure)]
    if figure.record:
        parts.append(figure.record)
    return "; ".join(filter(None, parts))


def to_markdown(brief: Brief) -> str:
    lines = [
        f"# {brief.area_name}: briefing on five local issues",
        "",
        f"{brief.area_code}, {brief.boundary_label}. Generated {brief.generated_at} from the "
        "Nottingham East issue dashboard's data snapshot. Official statistics; sources below "
        "each section.",
        "",
    ]
    number = 0
    for section in brief.sections:
        lines += [f"## {section.title}", ""]
        for figure in section.figures:
            lines += _figure_lines(figure)
        for missing in section.missing:
            lines.append(f"- {missing}")
        lines.append("")
        for footnote in section.footnotes:
            number += 1
            lines.append(f"[{number}] {footnote}")
        lines.append("")
    return "\n".join(lines)


def _chart_png(chart: briefing_charts.ChartData) -> bytes:
    # Charts are the slow part of a brief (about 0.1 s each): one per section and chart.
    return briefing_charts.png(chart)


# On screen a narrow column; printed, A4 with each issue on its own page (one page at most).
HTML_STYLE = """
body { font-family: Arial, Helvetica, sans-serif; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; color: #0b0c0c; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; border-top: 1px solid #ccc;
       padding-top: 0.8rem; } .compare { color: #3b3b3b; }
.notes { font-size: 0.8rem; color: #3b3b3b; } img { width: 100%; max-width: 36rem; height: auto; }
@page { size: A4; margin: 18mm; }
@media print { body { margin: 0; max-width: none; font-size: 10.5pt; } img { max-width: 100%; }
  section + section { break-before: page; } section { break-inside: avoid; }
  h2 { break-after: avoid; } }
"""


def to_html(brief: Brief) -> str:
    """One HTML page, images inline, every text escaped (names in the data are data, not
    markup); File > Print > Save as PDF gives the PDF."""
    e = html.escape
    title = f"{brief.area_name}: briefing on five local issues"
    parts = [
        "<!doctype html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{HTML_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>{e(brief.area_code)}, {e(brief.boundary_label)}. Generated {e(brief.generated_at)}"
        " from the Nottingham East issue dashboard's data snapshot. Official statistics; "
        "sources under each section.</p>",
    ]
    number = 0
    for section in brief.sections:
        parts.append(f"<section><h2>{e(section.title)}</h2><ul>")
        for figure in section.figures:
            comparison = _comparison(figure)
            extra = f'<br><span class="compare">Compared with: {e(comparison)}.</span>'
            definition = f'<br><span class="compare">{e(_definition(figure))}</span>'
            parts.append(f"<li>{e(figure.sentence)}{extra if comparison else ''}{definition}</li>")
        parts += [f"<li>{e(missing)}</li>" for missing in section.missing]
        parts.append("</ul>")
        if section.chart is not None:
            encoded = base64.b64encode(_chart_png(section.chart)).decode("ascii")
            alt = e(briefing_charts.alt_text(section.chart), quote=True)
            parts.append(f'<img src="data:image/png;base64,{encoded}" alt="{alt}">')
        parts.append(f'<ol class="notes" start="{number + 1}">')
        for footnote in section.footnotes:
            number += 1
            parts.append(f"<li>{e(footnote)}</li>")
        parts.append("</ol></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _describe(picture, chart: briefing_charts.ChartData) -> None:
    """Alt text on a Word picture (its description, as Word's "Alt Text" pane writes it)."""
    properties = picture._inline.docPr
    properties.set("descr", briefing_charts.alt_text(chart))
    properties.set("title", f"{chart.label}, {chart.area_name}")


def to_docx(brief: Brief) -> bytes:
    """A Word document: heading, then per issue the sentences, a small chart, footnotes."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    page = document.sections[0]  # A4, not python-docx's default US Letter
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.left_margin = page.right_margin = Cm(2)
    page.top_margin = page.bottom_margin = Cm(1.8)
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(f"{brief.area_name}: briefing on five local issues", level=0)
    document.add_paragraph(
        f"{brief.area_code}, {brief.boundary_label}. Generated {brief.generated_at} from the "
        "Nottingham East issue dashboard's data snapshot. Official statistics; sources under "
        "each section."
    )
    for index, section in enumerate(brief.sections):
        heading = document.add_heading(section.title, level=1)
        # Each issue on its own page, so a page can be handed over alone (one page at most).
        heading.paragraph_format.page_break_before = index > 0
        for figure in section.figures:
            document.add_paragraph(figure.sentence, style="List Bullet")
            comparison = _comparison(figure)
            if comparison:
                document.add_paragraph(f"Compared with: {comparison}.", style="List Bullet 2")
            document.add_paragraph(_definition(figure), style="List Bullet 2")
        for missing in section.missing:
            document.add_paragraph(missing, style="List Bullet")
        if section.chart is not None:
            picture = document.add_picture(io.BytesIO(_chart_png(section.chart)), width=Cm(16))
            _describe(picture, section.chart)
        for footnote in section.footnotes:
            paragraph = document.add_paragraph(footnote)
            paragraph.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
