"""Source lines and provenance blocks from the catalogue and the manifest (no streamlit)."""

import datetime as dt
import re
import textwrap

from dashboard.core import catalogue

# A chart's source line wraps at this many characters: at 11 px Arial about 310 px, which fits
# a chart on a phone (340 px wide, a 375 px screen) as well as on a 1366 px screen (535 px).
CHART_LINE_CHARS = 58


def downloaded(entry: dict | None) -> str | None:
    """The day our newest input was downloaded from the publisher (ISO), or None for a copy
    from the source mirror, whose retrieval date is unknown."""
    inputs = (entry or {}).get("inputs", [])
    live = sorted(i["retrieved_at"] for i in inputs if i.get("retrieved_at"))
    return live[-1][:10] if live else None


def retrieval_text(entry: dict | None) -> str:
    """How and when our copy was obtained, from the manifest's input records."""
    if not entry:
        return "not in the snapshot"
    day = downloaded(entry)
    return f"downloaded {day}" if day else "copy from the project's source mirror"


def released(dataset_id: str, entry: dict | None) -> str | None:
    """The publisher's release date of the data in the snapshot: the one the refresh route
    found (the manifest's ``release``, even when the route could not tell the date), else the
    date the catalogue states for the mirror's edition."""
    if entry and "release" in entry:
        return entry["release"].get("released")
    return catalogue.get(dataset_id).released


def release_words(dataset_id: str, entry: dict | None) -> str:
    """'released 30 Apr 2026', or "" when no release date is known."""
    release_date = released(dataset_id, entry)
    return f"released {day_words(release_date)}" if release_date else ""


def day_words(iso: str) -> str:
    """'2026-04-30' as '30 Apr 2026'."""
    day = dt.date.fromisoformat(iso[:10])
    return f"{day.day} {day:%b %Y}"


def short_title(dataset_id: str) -> str:
    """A publication's title up to its first qualifier: 'Statutory homelessness'."""
    return re.split(r"[:(,]", catalogue.get(dataset_id).title)[0].strip()


def short_publisher(dataset_id: str) -> str:
    """The publisher without its parenthesised qualifiers (who compiled or converted the copy,
    former names): 'Department for Work and Pensions'. The caption keeps them."""
    return re.sub(r"\s*\([^)]*\)", "", catalogue.get(dataset_id).publisher).strip()


def month_span(entry: dict | None) -> str:
    """The months the snapshot holds, in words: 'Jul 2015 to Feb 2026', 'May 2025', or ""."""
    if not entry or not entry.get("period_start"):
        return ""
    start, end = (dt.date.fromisoformat(entry[k][:10]) for k in ("period_start", "period_end"))
    first, last = f"{start:%b %Y}", f"{end:%b %Y}"
    return first if first == last else f"{first} to {last}"


def period_text(entry: dict | None) -> str:
    if not entry or "period_start" not in entry:
        return ""
    start, end = entry["period_start"], entry["period_end"]
    return start if start == end else f"{start} to {end}"


def source_line(dataset_id: str, entry: dict | None, period: str | None = None) -> str:
    """One line naming publisher, title, period, release and retrieval, and licence; ``period``
    is the period of the figure quoted, when the line sits under one figure."""
    publication = catalogue.get(dataset_id)
    parts = [f"Source: {publication.publisher}, {publication.title}"]
    period = period or period_text(entry)
    if period:
        parts.append(f"period {period}")
    release_date = released(dataset_id, entry)
    if release_date:
        parts.append(f"released {release_date}")
    parts.append(retrieval_text(entry))
    parts.append(publication.licence)
    if publication.derived:
        parts.append("derived by this dashboard from the sources named, not an official figure")
    elif not publication.official:
        parts.append("compiled by a third party, not the publisher's own file")
    return "; ".join(parts) + "."


def chart_source_line(
    dataset_ids: tuple[str, ...], datasets: dict, width: int = CHART_LINE_CHARS
) -> str:
    """The short source line a chart carries inside its figure, so that a saved PNG keeps it:
    each publisher once, then each of its publications with the months held and the release
    date (else the download date; a mirror copy of an undated file has neither and says
    nothing rather than guess), e.g. 'Source: NHS England, A&E Attendances and Emergency
    Admissions (Jul 2015 to Feb 2026, released 12 Mar 2026).' Broken with <br> at ``width``
    characters, never inside a date. ``datasets`` is the manifest's datasets. The caption under
    the chart (``source_line``) gives the rest: the full publisher and title, how our copy was
    obtained, the licence."""
    # publisher -> title -> what is known of each dataset published under it, in order
    cited: dict[str, dict[str, list[str]]] = {}
    for dataset_id in dict.fromkeys(dataset_ids):
        entry = datasets.get(dataset_id)
        day = downloaded(entry)
        facts = [
            month_span(entry),
            release_words(dataset_id, entry) or (f"downloaded {day_words(day)}" if day else ""),
        ]
        # A date never breaks across lines: its spaces are non-breaking.
        known = ", ".join(fact.replace(" ", "\N{NO-BREAK SPACE}") for fact in facts if fact)
        titles = cited.setdefault(short_publisher(dataset_id), {})
        titles.setdefault(short_title(dataset_id), []).extend([known] if known else [])
    parts = [
        publisher
        + ", "
        + ", ".join(
            title + (f" ({'; '.join(known)})" if known else "") for title, known in titles.items()
        )
        for publisher, titles in cited.items()
    ]
    lead = "Sources: " if len(parts) > 1 else "Source: "
    text = lead + ". ".join(parts) + "."
    return "<br>".join(textwrap.wrap(text, width, break_on_hyphens=False))
