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

from dashboard import comparability, geography, headlines
from dashboard.core import catalogue, provenance

TOPICS = {
    "ae": "QMC Emergency Department",
    "prison": "Safety at HMP Nottingham",
    "universal-credit": "Universal Credit",
    "homelessness": "Homelessness",
    "schools": "School standards",
}


@dataclass
class Section:
    title: str
    figures: list[headlines.Figure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    series: list[tuple[str, pd.DataFrame]] = field(default_factory=list)  # (measure, its values)
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


def _sparkline_png(label: str, series: pd.DataFrame) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = series.sort_values("period_start")
    figure, axes = plt.subplots(figsize=(4.2, 1.4), dpi=150)
    axes.plot(ordered["period_start"], ordered["value"], color="#0072B2", linewidth=1.4)
    axes.set_title(label, fontsize=8, loc="left")
    axes.tick_params(labelsize=7)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _chart_alt(label: str, series: pd.DataFrame) -> str:
    """The small chart in words, for screen readers and for anyone who cannot see it."""
    ordered = series.dropna(subset=["value"]).sort_values("period_start")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    return (
        f"Line chart of {label} from {first['period_start']:%B %Y} ({first['value']:,.4g}) to "
        f"{last['period_start']:%B %Y} ({last['value']:,.4g})."
    )


HTML_STYLE = """
body { font-family: Arial, Helvetica, sans-serif; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; color: #1f1f1f; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; border-top: 1px solid #ccc;
       padding-top: 0.8rem; } .compare { color: #444; }
.notes { font-size: 0.8rem; color: #333; } img { max-width: 100%; height: auto; }
@media print { body { margin: 0; } h2 { break-after: avoid; } section { break-inside: avoid; } }
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
        for key, series in section.series[:1]:
            if series["value"].notna().sum() >= 3:
                label = comparability.measure(key).label
                encoded = base64.b64encode(_sparkline_png(label, series)).decode("ascii")
                alt = e(_chart_alt(label, series), quote=True)
                parts.append(f'<img src="data:image/png;base64,{encoded}" alt="{alt}">')
        parts.append(f'<ol class="notes" start="{number + 1}">')
        for footnote in section.footnotes:
            number += 1
            parts.append(f"<li>{e(footnote)}</li>")
        parts.append("</ol></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def to_docx(brief: Brief) -> bytes:
    """A Word document: heading, then per issue the sentences, a small chart, footnotes."""
    from docx import Document
    from docx.shared import Inches, Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(f"{brief.area_name}: briefing on five local issues", level=0)
    document.add_paragraph(
        f"{brief.area_code}, {brief.boundary_label}. Generated {brief.generated_at} from the "
        "Nottingham East issue dashboard's data snapshot. Official statistics; sources under "
        "each section."
    )
    for section in brief.sections:
        document.add_heading(section.title, level=1)
        for figure in section.figures:
            document.add_paragraph(figure.sentence, style="List Bullet")
            comparison = _comparison(figure)
            if comparison:
                document.add_paragraph(f"Compared with: {comparison}.", style="List Bullet 2")
            document.add_paragraph(_definition(figure), style="List Bullet 2")
        for missing in section.missing:
            document.add_paragraph(missing, style="List Bullet")
        for key, series in section.series[:1]:
            if series["value"].notna().sum() >= 3:
                label = comparability.measure(key).label
                document.add_picture(io.BytesIO(_sparkline_png(label, series)), width=Inches(4.2))
        for footnote in section.footnotes:
            paragraph = document.add_paragraph(footnote)
            paragraph.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
