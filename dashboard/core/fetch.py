"""Download publications from their official URLs: timeouts, retries, type checks, checksums."""

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

import requests

from dashboard.core import catalogue

CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 60
RETRIES = 3
BACKOFF_S = 1.0  # doubles after each failed attempt
CHUNK_BYTES = 1 << 16
FETCH_LOG = "fetch-log.json"
USER_AGENT = "nottingham-east-dashboard (+https://github.com/; official statistics refresh)"
# First bytes of each binary format: an HTML error page served in their place fails this check.
SIGNATURES = {
    ".xlsx": b"PK\x03\x04",
    ".ods": b"PK\x03\x04",
    ".zip": b"PK\x03\x04",
    ".xls": b"\xd0\xcf\x11\xe0",
}
TEXT_SUFFIXES = {".csv", ".json", ".geojson", ".txt", ".hexjson"}
RETRY_STATUSES = {429, 500, 502, 503, 504}


class FetchError(RuntimeError):
    pass


class _Retryable(Exception):
    pass


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def check_content(name: str, head: bytes) -> None:
    """Raise if the first bytes are not what a file with this name should hold."""
    suffix = Path(name).suffix.lower()
    if _looks_like_html(head):
        raise FetchError(f"{name}: the server sent an HTML page, not a {suffix or 'data'} file")
    expected = SIGNATURES.get(suffix)
    if expected and not head.startswith(expected):
        raise FetchError(f"{name}: not a {suffix} file (starts with {head[:8]!r})")
    if suffix in TEXT_SUFFIXES and b"\x00" in head:
        raise FetchError(f"{name}: binary content where {suffix} text was expected")
    if not head:
        raise FetchError(f"{name}: empty file")


def _attempt(session, url: str, part: Path, name: str, on_bytes) -> tuple[str, int, str]:
    try:
        response = session.get(url, stream=True, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S))
    except (requests.ConnectionError, requests.Timeout) as error:
        raise _Retryable(f"{name}: cannot reach {url} ({type(error).__name__})") from error
    with response:
        if response.status_code in RETRY_STATUSES:
            raise _Retryable(f"{name}: HTTP {response.status_code} from {url}")
        if response.status_code != 200:
            raise FetchError(f"{name}: HTTP {response.status_code} from {url}")
        expected = int(response.headers.get("Content-Length") or 0) or None
        digest = hashlib.sha256()
        received = 0
        head = b""
        try:
            with part.open("wb") as handle:
                for chunk in response.iter_content(CHUNK_BYTES):
                    if len(head) < 512:
                        head += chunk[: 512 - len(head)]
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    on_bytes(received, expected)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise _Retryable(f"{name}: connection dropped after {received} bytes") from error
        except requests.exceptions.ChunkedEncodingError as error:
            raise _Retryable(f"{name}: truncated body after {received} bytes") from error
        if expected is not None and received != expected:
            raise _Retryable(f"{name}: truncated: {received} of {expected} bytes")
        check_content(name, head)
        return digest.hexdigest(), received, response.headers.get("Content-Type", "")


def download(
    url: str,
    destination: Path,
    *,
    session: requests.Session | None = None,
    retries: int = RETRIES,
    backoff_s: float = BACKOFF_S,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Fetch ``url`` to ``destination``; the file appears only once complete and checked."""
    session = session or requests.Session()
    session.headers.setdefault("User-Agent", USER_AGENT)
    destination.parent.mkdir(parents=True, exist_ok=True)
    part = destination.with_name(destination.name + ".part")
    name = destination.name
    reported = {"tenth": -1}

    def on_bytes(received: int, expected: int | None) -> None:
        if expected:
            tenth = received * 10 // expected
            if tenth != reported["tenth"]:
                reported["tenth"] = tenth
                progress(f"{name}: {tenth * 10}% of {expected / 1e6:.1f} MB")

    last_problem = ""
    for attempt in range(1, retries + 1):
        try:
            sha256, size, content_type = _attempt(session, url, part, name, on_bytes)
        except _Retryable as problem:
            last_problem = str(problem)
            part.unlink(missing_ok=True)
            if attempt < retries:
                wait = backoff_s * 2 ** (attempt - 1)
                progress(f"{last_problem}; retrying in {wait:.1f} s ({attempt}/{retries})")
                time.sleep(wait)
            continue
        except FetchError:
            part.unlink(missing_ok=True)
            raise
        part.replace(destination)
        return {
            "url": url,
            "sha256": sha256,
            "bytes": size,
            "content_type": content_type,
            "retrieved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    raise FetchError(f"{last_problem} (gave up after {retries} attempts)")


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
    log_path = destination / FETCH_LOG
    log = json.loads(log_path.read_text(encoding="utf-8")) if log_path.is_file() else {}
    fetched = []
    for publication in publications:
        files = fetchable(publication)
        if not files:
            progress(f"{publication.id}: no fixed download URL in the catalogue; not fetched")
            continue
        for source_file in files:
            url = f"{base_url.rstrip('/')}/{source_file.path}" if base_url else source_file.url
            record = download(
                url, destination / source_file.path, progress=progress, **download_options
            )
            log[source_file.path] = record
            fetched.append(record)
            destination.mkdir(parents=True, exist_ok=True)
            log_path.write_text(json.dumps(log, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return fetched
