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
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from dashboard.core import catalogue, fetch, http

GOVUK = "https://www.gov.uk"
# Schemas whose documents always carry details.attachments (an empty list when there are none);
# a document of one of these without the key means the API changed shape, so it fails loudly.
ATTACHMENT_SCHEMAS = {"publication", "statistical_data_set"}
# A Content API item is a few kB to a few hundred kB (the safety collection is 47 kB).
MAX_ITEM_BYTES = 5 * http.MB
# A collection lists every edition ever published; the newest few are enough to find a file.
DOCUMENTS_TRIED = 3


class FormatError(fetch.FetchError):
    """The Content API answered, but not in the documented shape."""


@dataclass(frozen=True)
class Route:
    """Where the newest file of one dataset is found, and where it lands when downloaded.

    ``document`` picks release pages from a collection's ``links.documents`` by title (a regular
    expression, any case); the newest matching page in the publisher's order is used. Empty when
    ``path`` is itself the page with the attachments. ``attachment`` picks files on that page by
    title the same way.
    """

    path: str  # Content API path: a document collection, or one document with attachments
    document: str
    attachment: str
    folder: str  # destination, relative to a folder laid out like the sources folder
    evidence: str  # what the two patterns were checked against


SAFETY = "/government/collections/safety-in-custody-statistics"
POPULATION = "/government/collections/prison-population-statistics"
HOMELESSNESS_TABLES = "/government/statistical-data-sets/live-tables-on-homelessness"
# Release titles in the recorded collections (recorded/govuk_content_api, 20 November 2024). The
# quarterly pattern matches 47 of the 49 safety documents, in all five wordings used since 2013
# ("Safety in custody: quarterly update to June 2024", "Safety in Custody quarterly: update to
# March 2023", "... quarterly bulletin: June 2015", "Safety in custody statistics quarterly
# update to ..."); it leaves out "Changes to safety in custody national statistics bulletin" and
# "Safety in custody statistics - 2008 - June 2012". The annual tables by establishment come
# with the December update, published each April.
QUARTERLY = r"^safety in custody(?: statistics)?:? quarterly\b"
DECEMBER = QUARTERLY + r".*\bdecember \d{4}"
# From 2024 the yearly page is split into "Prison population: monthly prison figures 2024" and
# "Prison population: weekly estate figures 2024"; until 2023 one page, "Prison population
# figures: 2023", held both.
MONTHLY_FIGURES = r"^prison population(?: figures)?: (?:monthly prison figures )?\d{4}$"
WEEKLY_FIGURES = r"^prison population(?: figures)?: (?:weekly estate figures )?\d{4}$"
RECORDED = "release titles checked against the recorded collection (20 November 2024)"
TITLES_DOCUMENTED = (
    "; attachment titles as prisons/PROVENANCE.md lists them (no release page is recorded: "
    "documented shape only)"
)
ANY_SPREADSHEET = r"\.(?:ods|xlsx|csv)$"  # matched on the file name when titles are unknown

ROUTES: dict[str, tuple[Route, ...]] = {
    "moj_safety_by_prison_2025_26": (
        Route(
            SAFETY,
            QUARTERLY,
            r"^safety in custody summary tables",
            "prisons/moj_safety_in_custody",
            RECORDED + TITLES_DOCUMENTED,
        ),
    ),
    "moj_safety_national": (
        Route(
            SAFETY,
            DECEMBER,
            r"^assaults in prison custody",
            "prisons/moj_safety_in_custody",
            RECORDED + TITLES_DOCUMENTED,
        ),
        Route(
            SAFETY,
            DECEMBER,
            r"^self-harm in prison custody",
            "prisons/moj_safety_in_custody",
            RECORDED + TITLES_DOCUMENTED,
        ),
    ),
    "moj_population_bulletin_nottingham_2018_2026": (
        Route(
            POPULATION,
            MONTHLY_FIGURES,
            ANY_SPREADSHEET,
            "prisons/moj_population_bulletins",
            RECORDED + "; attachments: the page's first spreadsheet (no release page is "
            "recorded: documented shape only)",
        ),
    ),
    "moj_prison_population_weekly": (
        Route(
            POPULATION,
            WEEKLY_FIGURES,
            ANY_SPREADSHEET,
            "prisons/moj_population_bulletins",
            RECORDED + "; attachments: the page's first spreadsheet (no release page is "
            "recorded: documented shape only)",
        ),
    ),
    # No Content API response of this page is recorded: documented shape only. (Rough sleeping
    # is routed in its record: a govuk_document route to the "Tables on rough sleeping" page.)
    "mhclg_hclic_detailed_la": (
        Route(
            HOMELESSNESS_TABLES,
            "",
            r"detailed local authority",
            "homelessness/hclic_detailed_la",
            "page from homelessness/PROVENANCE.md; documented shape only (nothing recorded)",
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
    session: http.Session | None = None,
    progress: Callable[[str], None] = lambda message: None,
    retries: int = fetch.RETRIES,
    backoff_s: float = fetch.BACKOFF_S,
) -> dict:
    """The Content API item at ``path`` (e.g. ``/government/collections/...``) as a dict."""
    if not path.startswith("/"):
        raise ValueError(f"a GOV.UK path starts with '/': {path!r}")
    url = f"{base_url.rstrip('/')}/api/content{path}"
    session = session or http.Session(attempts=retries, backoff_s=backoff_s)
    item = http.call_json(session, url, max_bytes=MAX_ITEM_BYTES, progress=progress)
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
                "file_size": attachment.get("file_size"),
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


def documents_in_order(collection: dict, where: str) -> list[dict]:
    """``links.documents`` of a collection in the publisher's order (``collection_groups``),
    withdrawn ones left out."""
    links = (collection.get("links") or {}).get("documents")
    if not isinstance(links, list):
        raise FormatError(f"{where}: a document collection without links.documents")
    for link in links:
        if not isinstance(link, dict) or not str(link.get("base_path", "")).startswith("/"):
            raise FormatError(f"{where}: an entry of links.documents has no base_path")
    by_id = {link.get("content_id"): link for link in links}
    groups = (collection.get("details") or {}).get("collection_groups") or []
    ordered = [by_id[i] for g in groups for i in g.get("documents", []) if i in by_id]
    ordered += [link for link in links if link not in ordered]
    return [link for link in ordered if not link.get("withdrawn")]


def release_pages(route: Route, collection: dict, where: str) -> list[dict]:
    """The collection's documents whose title matches the route, newest (publisher's order)
    first."""
    wanted = re.compile(route.document, re.IGNORECASE)
    return [d for d in documents_in_order(collection, where) if wanted.search(str(d.get("title")))]


def api_path(link: dict) -> str:
    """The item's path under /api/content: ``api_path`` minus its prefix, else ``base_path``.
    (``api_url`` names www.gov.uk itself, so a mirror's base URL could not stand in for it.)"""
    path = str(link.get("api_path") or "")
    return (
        path.removeprefix("/api/content") if path.startswith("/api/content/") else link["base_path"]
    )


def release_name(link: dict) -> str:
    """A release page as the collection lists it, for messages."""
    listed = str(link.get("public_updated_at") or "")[:10]
    return f"the release page {link.get('title')!r}" + (f" (listed {listed})" if listed else "")


def stopped(error: fetch.FetchError, done: str, step: str, later: str) -> fetch.FetchError:
    """The same kind of error, saying in its one line which steps of the route were done, the
    step it stopped at and the steps it never reached (the change report prints it as is)."""
    where = f"stopped at {step}, before {later}: {error}"
    return type(error)(f"{done}; {where}" if done else where)


def find(
    route: Route,
    *,
    base_url: str = GOVUK,
    session: http.Session | None = None,
    progress: Callable[[str], None] = lambda message: None,
    cache: dict | None = None,
    retries: int = fetch.RETRIES,
    backoff_s: float = fetch.BACKOFF_S,
) -> list[dict]:
    """Attachments matching ``route`` on its newest matching page, in the publisher's order.

    A collection's pages are tried newest first (the publisher's order), at most
    DOCUMENTS_TRIED of them, until one has a matching attachment. ``cache`` (path -> item)
    saves repeat requests in one run. Any failure, including finding no matching attachment,
    raises an error naming the step the route stopped at (collection or page, release page,
    attachment) and what it had read before.
    """
    session = session or http.Session(attempts=retries, backoff_s=backoff_s)
    cache = {} if cache is None else cache

    def get(path: str) -> dict:
        if path not in cache:
            cache[path] = content(path, base_url=base_url, session=session, progress=progress)
        return cache[path]

    first = f"the {'collection' if route.document else 'page'} {route.path}"
    try:
        item = get(route.path)
    except fetch.FetchError as error:
        raise stopped(error, "", first, "the attachment and the download") from None
    if item.get("document_type") == "document_collection":
        where = f"{base_url.rstrip('/')}/api/content{route.path}"
        links = release_pages(route, item, where)
        if not links:
            raise fetch.FetchError(
                f"read {first}; stopped at the release page, before the attachment and the "
                f"download: no document titled like {route.document!r}"
            )
        done = f"read {first}"
        pages = [(api_path(link), release_name(link)) for link in links[:DOCUMENTS_TRIED]]
    else:
        done, pages = "", [(route.path, first)]
    wanted = re.compile(route.attachment, re.IGNORECASE)
    read = [first] if done else []
    for path, name in pages:
        try:
            document = get(path)
        except fetch.FetchError as error:
            raise stopped(error, done, name, "the attachment and the download") from None
        details = document.get("details")
        if not (isinstance(details, dict) and "attachments" in details) and (
            document.get("schema_name") in ATTACHMENT_SCHEMAS or path == route.path
        ):
            changed = FormatError(
                f"{base_url.rstrip('/')}/api/content{path}: no details.attachments in a "
                f"{document.get('schema_name') or 'document'} item (the API's shape has changed?)"
            )
            raise stopped(changed, done, name, "the attachment and the download")
        found = [
            record
            for record in _attachments(document, path, base_url)
            if wanted.search(record["title"]) or wanted.search(record["filename"])
        ]
        if found:
            return found
        read.append(name)
    raise fetch.FetchError(
        f"read {', '.join(read)}; stopped at the attachment, before the download: none titled "
        f"like {route.attachment!r}"
    )


def download_attachment(
    record: dict,
    path: Path,
    *,
    session: http.Session,
    max_bytes: int = http.DEFAULT_MAX_BYTES,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Download one attachment found by ``find`` and check its length against the Content
    API's ``file_size``; a failure names the attachment and the step it stopped at."""
    found = f"found {record['title']!r} on {record['document_title']!r}"
    try:
        downloaded = fetch.download(
            record["url"], path, session=session, max_bytes=max_bytes, progress=progress
        )
    except fetch.FetchError as error:
        raise stopped(error, found, "the download", "the build") from None
    stated = record.get("file_size")
    if isinstance(stated, int) and stated != downloaded["bytes"]:
        path.unlink()
        raise fetch.FetchError(
            f"{found}; stopped at the file check, before the build: {record['filename']}: "
            f"{downloaded['bytes']:,} bytes received, but the Content API says {stated:,} "
            "(file_size)"
        )
    return downloaded


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
    session: http.Session | None = None,
    progress: Callable[[str], None] = lambda message: None,
    cache: dict | None = None,
    retries: int = fetch.RETRIES,
    backoff_s: float = fetch.BACKOFF_S,
) -> list[dict]:
    """The newest matching attachment for each route of one catalogue dataset."""
    session = session or http.Session(attempts=retries, backoff_s=backoff_s)
    cache = {} if cache is None else cache
    chosen = []
    for route in routes(publication_id):
        found = find(route, base_url=base_url, session=session, progress=progress, cache=cache)
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
    session: http.Session | None = None,
    progress: Callable[[str], None] = lambda message: None,
    retries: int = fetch.RETRIES,
    backoff_s: float = fetch.BACKOFF_S,
) -> list[dict]:
    """Download the newest attachment of each routed dataset; log it as ``fetch`` does.

    Each result carries ``message``: either that the build's parser reads the file, or plainly
    that no parser exists yet for the layout, so the snapshot keeps what it was built from.
    """
    destination = Path(destination)
    session = session or http.Session(attempts=retries, backoff_s=backoff_s)
    log_path = destination / fetch.FETCH_LOG
    log = json.loads(log_path.read_text(encoding="utf-8")) if log_path.is_file() else {}
    cache: dict = {}
    results = []
    for dataset in only or list(ROUTES):
        publication = catalogue.get(dataset)
        for record in discover(
            dataset, base_url=base_url, session=session, progress=progress, cache=cache
        ):
            if not record["filename"]:
                raise FormatError(f"{dataset}: attachment {record['title']!r} has no file name")
            relative = f"{record['folder']}/{record['filename']}"
            progress(f"{dataset}: {record['title']!r} from {record['document_title']!r}")
            downloaded = download_attachment(
                record,
                destination / relative,
                session=session,
                max_bytes=publication.max_bytes,
                progress=progress,
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
