"""Find and download the newest attachments of GOV.UK publications through the Content API.

The files behind MoJ's Safety in Custody and prison population releases (and MHCLG's homelessness
live tables) move to a new assets URL with every release, so no fixed URL can live in the
catalogue. The Content API (JSON, no key) gives the route: a document collection lists its
documents in ``links.documents``, and each document lists its files in ``details.attachments``.
Schemas: https://docs.publishing.service.gov.uk/content-schemas/document_collection.html and
.../publication.html.
"""

import datetime as dt
import fnmatch
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

import requests

from dashboard.core import catalogue, fetch

GOVUK = "https://www.gov.uk"
# Schemas whose documents always carry details.attachments (an empty list when there are none);
# a document of one of these without the key means the API changed shape, so it fails loudly.
ATTACHMENT_SCHEMAS = {"publication", "statistical_data_set"}


class FormatError(fetch.FetchError):
    """The Content API answered, but not in the documented shape."""


@dataclass(frozen=True)
class Route:
    """Where the newest file of one dataset is found, and where it lands when downloaded."""

    path: str  # Content API path: a document collection, or one document with attachments
    title_contains: str  # case-insensitive text of the attachment title
    folder: str  # destination, relative to a folder laid out like the sources folder
    basis: str  # where the path and the title come from


SAFETY = "/government/collections/safety-in-custody-statistics"
POPULATION = "/government/collections/prison-population-statistics"
HOMELESSNESS_TABLES = "/government/statistical-data-sets/live-tables-on-homelessness"
SAFETY_BASIS = "collection and attachment title as listed in prisons/PROVENANCE.md"
BULLETIN_BASIS = (
    "collection from prisons/PROVENANCE.md; the word in the attachment title is assumed "
    "(the bulletins are called 'Population bulletin: weekly/monthly ...'); check it live"
)

ROUTES: dict[str, tuple[Route, ...]] = {
    "moj_safety_by_prison_2025_26": (
        Route(
            SAFETY,
            "Safety in custody summary tables",
            "prisons/moj_safety_in_custody",
            SAFETY_BASIS,
        ),
    ),
    "moj_safety_national": (
        Route(SAFETY, "Assaults in prison custody", "prisons/moj_safety_in_custody", SAFETY_BASIS),
        Route(SAFETY, "Self-harm in prison custody", "prisons/moj_safety_in_custody", SAFETY_BASIS),
    ),
    "moj_population_bulletin_nottingham_2018_2026": (
        Route(POPULATION, "monthly", "prisons/moj_population_bulletins", BULLETIN_BASIS),
    ),
    "moj_prison_population_weekly": (
        Route(POPULATION, "weekly", "prisons/moj_population_bulletins", BULLETIN_BASIS),
    ),
    "mhclg_hclic_detailed_la": (
        Route(
            HOMELESSNESS_TABLES,
            "detailed local authority",
            "homelessness/hclic_detailed_la",
            "page from homelessness/PROVENANCE.md; the attachment title is assumed; check it live",
        ),
    ),
}
# Catalogue entries that look refreshable but are not, and why (so --only says so plainly).
NOT_ON_GOVUK = {
    "moj_population_bulletin_2011_2016": "a closed series (January 2011 to May 2016); the current "
    "monthly bulletins come with moj_population_bulletin_nottingham_2018_2026",
    "noms_workforce_june_2016": "one fixed edition (30 June 2016), not a series to refresh",
    "hmip_nottingham": "HM Inspectorate of Prisons publishes on its own site, not GOV.UK",
    "hmip_prison_standards_national": "a Prison Reform Trust compilation of HMIP annual reports, "
    "not a GOV.UK attachment",
}


def content(
    path: str,
    *,
    base_url: str = GOVUK,
    session: requests.Session | None = None,
    progress: Callable[[str], None] = lambda message: None,
    **download_options,
) -> dict:
    """The Content API item at ``path`` (e.g. ``/government/collections/...``) as a dict.

    It goes through ``fetch.download``, so it gets the same timeouts, retries with back-off on
    429/5xx, truncation check and HTML-page check as every other download.
    """
    if not path.startswith("/"):
        raise ValueError(f"a GOV.UK path starts with '/': {path!r}")
    url = f"{base_url.rstrip('/')}/api/content{path}"
    session = session or requests.Session()
    session.headers.setdefault("Accept", "application/json")
    name = (PurePosixPath(path).name or "content") + ".json"
    with tempfile.TemporaryDirectory(prefix="govuk-") as folder:
        target = Path(folder) / name
        # Pass on retries only: percentages of a few kB of JSON are noise.
        fetch.download(
            url,
            target,
            session=session,
            progress=lambda message: progress(message) if "retrying" in message else None,
            **download_options,
        )
        text = target.read_text(encoding="utf-8", errors="replace")
    try:
        item = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"{url}: not JSON ({error.msg} at character {error.pos})") from None
    if not isinstance(item, dict):
        raise FormatError(f"{url}: expected a JSON object, got {type(item).__name__}")
    return item


def _date(item: dict, key: str, where: str) -> dt.datetime | None:
    text = item.get(key)
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise FormatError(f"{where}: {key} is {text!r}, not an ISO date") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _attachments(document: dict, path: str, base_url: str) -> list[dict]:
    where = f"{base_url.rstrip('/')}/api/content{path}"
    details = document.get("details")
    attachments = details.get("attachments") if isinstance(details, dict) else None
    if attachments is None:
        return []
    if not isinstance(attachments, list):
        raise FormatError(f"{where}: details.attachments is not a list")
    first = _date(document, "first_published_at", where)
    updated = _date(document, "public_updated_at", where)
    if first is None and updated is None:
        raise FormatError(f"{where}: neither first_published_at nor public_updated_at is given")
    records = []
    for attachment in attachments:
        if not isinstance(attachment, dict):
            raise FormatError(f"{where}: an entry of details.attachments is not an object")
        # HTML attachments are web pages (no file name); external ones live elsewhere.
        if attachment.get("attachment_type", "file") != "file" or not attachment.get("url"):
            continue
        url = urljoin(base_url.rstrip("/") + "/", attachment["url"])
        filename = PurePosixPath(attachment.get("filename") or urlsplit(url).path).name
        records.append(
            {
                "title": str(attachment.get("title") or ""),
                "url": url,
                "filename": filename,
                "content_type": attachment.get("content_type"),
                "document_title": document.get("title"),
                "document_path": path,
                "first_published_at": first.isoformat() if first else None,
                "public_updated_at": updated.isoformat() if updated else None,
                # A correction to an old release moves public_updated_at, so the release order
                # comes from first_published_at when the API gives it.
                "published": (first or updated).isoformat(),
            }
        )
    return records


def latest_documents(
    collection_path: str,
    *,
    title_contains: str,
    base_url: str = GOVUK,
    session: requests.Session | None = None,
    progress: Callable[[str], None] = lambda message: None,
    cache: dict | None = None,
    **download_options,
) -> list[dict]:
    """Attachments whose title contains ``title_contains`` (any case), newest document first.

    ``collection_path`` may also be a single document (a statistical data set page): its own
    attachments are then the candidates, in the publisher's order. Attachments of one document
    keep the publisher's order too. ``cache`` (path -> item) saves repeat requests in one run.
    """
    session = session or requests.Session()
    cache = {} if cache is None else cache

    def get(path: str) -> dict:
        if path not in cache:
            cache[path] = content(
                path, base_url=base_url, session=session, progress=progress, **download_options
            )
        return cache[path]

    where = f"{base_url.rstrip('/')}/api/content{collection_path}"
    item = get(collection_path)
    if item.get("document_type") == "document_collection":
        links = (item.get("links") or {}).get("documents")
        if not isinstance(links, list):
            raise FormatError(f"{where}: a document collection without links.documents")
        documents = []
        for link in links:
            if not isinstance(link, dict) or not str(link.get("base_path", "")).startswith("/"):
                raise FormatError(f"{where}: an entry of links.documents has no base_path")
            if link.get("withdrawn"):
                continue
            documents.append((link["base_path"], get(link["base_path"])))
    else:
        documents = [(collection_path, item)]

    wanted = title_contains.casefold()
    records = []
    for path, document in documents:
        details = document.get("details")
        has_key = isinstance(details, dict) and "attachments" in details
        if not has_key and (
            document.get("schema_name") in ATTACHMENT_SCHEMAS or path == collection_path
        ):
            raise FormatError(
                f"{base_url.rstrip('/')}/api/content{path}: no details.attachments in a "
                f"{document.get('schema_name') or 'document'} item (the API's shape has changed?)"
            )
        found = _attachments(document, path, base_url)
        records += [r for r in found if wanted in r["title"].casefold()]
    # sorted() is stable, so attachments of one document stay in the publisher's order.
    return sorted(records, key=lambda r: r["published"], reverse=True)


def routes(publication_id: str) -> tuple[Route, ...]:
    catalogue.get(publication_id)  # an unknown id fails here, listing the known ones
    if publication_id in ROUTES:
        return ROUTES[publication_id]
    reason = NOT_ON_GOVUK.get(publication_id, "not published through a GOV.UK collection")
    known = ", ".join(ROUTES)
    raise fetch.FetchError(
        f"{publication_id}: no GOV.UK Content API route: {reason}. Routes exist for {known}"
    )


def discover(
    publication_id: str,
    *,
    base_url: str = GOVUK,
    session: requests.Session | None = None,
    progress: Callable[[str], None] = lambda message: None,
    cache: dict | None = None,
    **download_options,
) -> list[dict]:
    """The newest matching attachment for each route of one catalogue dataset."""
    session = session or requests.Session()
    cache = {} if cache is None else cache
    chosen = []
    for route in routes(publication_id):
        found = latest_documents(
            route.path,
            title_contains=route.title_contains,
            base_url=base_url,
            session=session,
            progress=progress,
            cache=cache,
            **download_options,
        )
        if not found:
            raise fetch.FetchError(
                f"{publication_id}: no attachment titled like {route.title_contains!r} at "
                f"{base_url.rstrip('/')}/api/content{route.path}"
            )
        chosen.append({**found[0], "dataset": publication_id, "folder": route.folder})
    return chosen


def parsed_by(publication: catalogue.Publication, relative: str) -> bool:
    """True when the build would read a file at ``relative``: it matches a catalogue path."""
    return any(fnmatch.fnmatchcase(relative, f.path) for f in publication.files)


def download_latest(
    destination: Path,
    *,
    only: list[str] | None = None,
    base_url: str = GOVUK,
    session: requests.Session | None = None,
    progress: Callable[[str], None] = lambda message: None,
    **download_options,
) -> list[dict]:
    """Download the newest attachment of each routed dataset; log it as ``fetch`` does.

    Each result carries ``message``: either that the build's parser reads the file, or plainly
    that no parser exists yet for the layout, so the snapshot keeps what it was built from.
    """
    destination = Path(destination)
    session = session or requests.Session()
    log_path = destination / fetch.FETCH_LOG
    log = json.loads(log_path.read_text(encoding="utf-8")) if log_path.is_file() else {}
    cache: dict = {}
    results = []
    for dataset in only or list(ROUTES):
        publication = catalogue.get(dataset)
        for record in discover(
            dataset,
            base_url=base_url,
            session=session,
            progress=progress,
            cache=cache,
            **download_options,
        ):
            if not record["filename"]:
                raise FormatError(f"{dataset}: attachment {record['title']!r} has no file name")
            relative = f"{record['folder']}/{record['filename']}"
            progress(f"{dataset}: {record['title']!r} from {record['document_title']!r}")
            downloaded = fetch.download(
                record["url"],
                destination / relative,
                session=session,
                progress=progress,
                **download_options,
            )
            log[relative] = {
                **downloaded,
                "dataset": dataset,
                "title": record["title"],
                "document": record["document_path"],
                "published": record["published"],
            }
            destination.mkdir(parents=True, exist_ok=True)
            log_path.write_text(json.dumps(log, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            parsed = parsed_by(publication, relative)
            if parsed:
                parser = publication.parser.rsplit(".", 1)[-1]
                message = f"{dataset}: downloaded {relative}; the {parser} parser reads this layout"
            else:
                ours = ", ".join(f.path for f in publication.files)
                message = (
                    f"{dataset}: downloaded {relative}; no parser yet for this layout (we parse "
                    f"only {ours}): the snapshot keeps {dataset}"
                )
            progress(message)
            results.append(
                {**record, **downloaded, "path": relative, "parsed": parsed, "message": message}
            )
    return results
