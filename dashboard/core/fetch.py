"""Download publications from their official URLs: timeouts, retries, type checks, checksums."""

import datetime as dt
import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from dashboard.core import catalogue, http

RETRIES = http.ATTEMPTS  # attempts in all, the first included
BACKOFF_S = http.BACKOFF_S
FETCH_LOG = "fetch-log.json"
HELD = "held"  # set on the record of a file reused, not downloaded, by ``held``
HELD_AT = "held_at"  # in a download folder's log: the same bytes lie at this path (see ``held``)
# First bytes of each binary format: an HTML error page served in their place fails this check.
SIGNATURES = {
    ".xlsx": b"PK\x03\x04",
    ".ods": b"PK\x03\x04",
    ".zip": b"PK\x03\x04",
    ".xls": b"\xd0\xcf\x11\xe0",
}
TEXT_SUFFIXES = {".csv", ".json", ".geojson", ".txt", ".hexjson"}
ZIP_SUFFIXES = {".xlsx", ".ods", ".zip"}

# One error type for every failed download, whichever route it came by.
FetchError = http.FetchError


def check_content(name: str, head: bytes) -> None:
    """Raise if the first bytes are not what a file with this name should hold."""
    suffix = Path(name).suffix.lower()
    if http.looks_like_html(head):
        raise FetchError(f"{name}: the server sent an HTML page, not a {suffix or 'data'} file")
    expected = SIGNATURES.get(suffix)
    if expected and not head.startswith(expected):
        raise FetchError(f"{name}: not a {suffix} file (starts with {head[:8]!r})")
    if suffix in TEXT_SUFFIXES and b"\x00" in head:
        raise FetchError(f"{name}: binary content where {suffix} text was expected")
    if not head:
        raise FetchError(f"{name}: empty file")


def check_size(path: Path, *, max_bytes: int, max_unpacked_bytes: int) -> None:
    """Raise if the file, or what its zip container declares it unpacks to, is over the limits.

    Reads only the zip's central directory: nothing is decompressed to find out.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise FetchError(
            f"{path.name}: {http.describe_size(size)}, over the {http.describe_size(max_bytes)} "
            "limit for this layout"
        )
    if path.suffix.lower() not in ZIP_SUFFIXES:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise FetchError(f"{path.name}: a damaged {path.suffix} file ({error})") from None
    if unpacked > max_unpacked_bytes:
        raise FetchError(
            f"{path.name}: unpacks to {http.describe_size(unpacked)} "
            f"({http.describe_size(size)} packed), over the "
            f"{http.describe_size(max_unpacked_bytes)} limit for this layout"
        )


def download(
    url: str,
    destination: Path,
    *,
    session: http.Session | None = None,
    retries: int = RETRIES,
    backoff_s: float = BACKOFF_S,
    max_bytes: int = http.DEFAULT_MAX_BYTES,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Fetch ``url`` to ``destination``; the file appears only once complete and checked.

    ``retries`` and ``backoff_s`` shape a new session; a given ``session`` brings its own.
    """
    session = session or http.Session(attempts=retries, backoff_s=backoff_s)
    destination.parent.mkdir(parents=True, exist_ok=True)
    part = destination.with_name(destination.name + ".part")
    name = destination.name
    reported = {"tenth": -1}

    def on_bytes(received: int, expected: int | None) -> None:
        if expected:
            tenth = min(received * 10 // expected, 10)
            if tenth != reported["tenth"]:
                reported["tenth"] = tenth
                progress(f"{name}: {tenth * 10}% of {http.describe_size(expected)}")

    try:
        done = http.download(
            session,
            url,
            part,
            label=name,
            max_bytes=max_bytes,
            progress=progress,
            on_bytes=on_bytes,
        )
        if done.status != 200:
            raise FetchError(f"{name}: HTTP {done.status} from {url}")
        check_content(name, done.head)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    part.replace(destination)
    return {
        "url": url,
        "sha256": done.sha256,
        "bytes": done.bytes,
        "wire_bytes": done.wire_bytes,
        "content_type": done.content_type,
        "retrieved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def read_log(folder: Path) -> dict:
    """A download folder's log: relative path -> the record of the file it holds there."""
    path = folder / FETCH_LOG
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_log(folder: Path, log: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(log, indent=2, sort_keys=True) + "\n"
    (folder / FETCH_LOG).write_text(text, encoding="utf-8")


def held(folder: Path, relative: str, url: str, log: dict) -> dict | None:
    """The record of ``url``'s file when ``folder`` already holds it at ``relative`` (``log`` is
    the folder's log), so it need not be downloaded again; None when it must be.

    Held means: the log records that path with this URL (or, for the mirror's copy, recorded
    without its address, the same file name: ``relative`` ends in it) and the file's bytes
    still have the recorded sha256, so a damaged or replaced local copy is downloaded again.
    A record with ``HELD_AT`` names the same bytes elsewhere (the sources folder the snapshot
    was built from): they are linked in only now, when a route reuses them.

    No request is sent for a held file, not even a conditional one. That is safe only for a
    publisher that never changes a published file in place: NHS England publishes a revision
    as a new file (a new name with its own random suffix, "revised" in the link), so one URL
    always means the same bytes. It would be unsafe for a file rewritten at a fixed address (a
    "latest.csv"): a route for one must not use this. A downloaded file deleted from the folder
    is downloaded again (its record stays, without ``HELD_AT``).
    """
    record = log.get(relative)
    if record is None or record.get("url") not in (url, None):
        return None
    path = folder / relative
    found = path if path.is_file() else Path(record.get(HELD_AT) or path)
    if not found.is_file():
        return None
    with found.open("rb") as handle:
        if hashlib.file_digest(handle, "sha256").hexdigest() != record.get("sha256"):
            return None
    if found != path:  # a link, as for the downloads: the refresh reads the download folder
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # a dangling link left by an earlier run
        os.symlink(found.resolve(), path)
    return {**record, HELD: True}


def fetchable(publication: catalogue.Publication) -> list[catalogue.SourceFile]:
    return [f for f in publication.files if f.url and not any(c in f.path for c in "*?[")]


def fetch_catalogue(
    destination: Path,
    *,
    only: list[str] | None = None,
    base_url: str | None = None,
    progress: Callable[[str], None] = lambda message: None,
    **download_options,
) -> list[dict]:
    """Download every file with a fixed official URL into a folder laid out like the sources.

    ``base_url`` replaces the official hosts with a mirror serving the same relative paths,
    which is how this path is tested without internet.
    """
    destination = Path(destination)
    publications = [catalogue.get(i) for i in only] if only else list(catalogue.CATALOGUE)
    log = read_log(destination)
    fetched = []
    for publication in publications:
        files = fetchable(publication)
        if not files:
            progress(f"{publication.id}: no fixed download URL in the catalogue; not fetched")
            continue
        for source_file in files:
            url = f"{base_url.rstrip('/')}/{source_file.path}" if base_url else source_file.url
            record = download(
                url,
                destination / source_file.path,
                max_bytes=publication.max_bytes,
                progress=progress,
                **download_options,
            )
            log[source_file.path] = record
            fetched.append(record)
            write_log(destination, log)
    return fetched
