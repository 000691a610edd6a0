"""Source lines and provenance blocks from the catalogue and the manifest (no streamlit)."""

from dashboard.core import catalogue


def retrieval_text(entry: dict | None) -> str:
    """How and when our copy was obtained, from the manifest's input records."""
    if not entry:
        return "not in the snapshot"
    inputs = entry.get("inputs", [])
    live = sorted(i["retrieved_at"] for i in inputs if i.get("retrieved_at"))
    if live:
        return f"downloaded {live[-1][:10]}"
    return "copy from the project's source mirror"


def released(dataset_id: str, entry: dict | None) -> str | None:
    """The publisher's release date of the data in the snapshot: the one the refresh route
    found (the manifest's ``release``, even when the route could not tell the date), else the
    date the catalogue states for the mirror's edition."""
    if entry and "release" in entry:
        return entry["release"].get("released")
    return catalogue.get(dataset_id).released


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
