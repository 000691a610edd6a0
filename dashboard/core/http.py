"""One HTTP layer for every download: one retry policy, timeouts, redirects, a size cap, checks.

fetch (files with fixed URLs), govuk (Content API) and Stat-Xplore all go through ``transfer``:
- urllib3's ``Retry`` retries connection errors, timeouts and 429/5xx with back-off, waiting as
  long as a ``Retry-After`` header asks (capped); a body that breaks off mid-way (truncated,
  dropped, stalled) is counted against the same ``Retry``, so one bounded total covers both;
- gzip and deflate bodies are decoded, and the length check compares the bytes received on the
  wire (``raw.tell()``) with ``Content-Length``, which is the compressed length;
- the size cap counts decoded bytes while streaming, so a small gzip that inflates to gigabytes
  stops at the cap;
- a request carrying a secret header (Stat-Xplore's ``APIKey``) is never followed to another
  origin: requests strips only ``Authorization`` on such a redirect, so this layer refuses it.
Every failure is an ``FetchError`` whose message is one line naming the URL.
"""

import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

USER_AGENT = "nottingham-east-dashboard (+https://github.com/; official statistics refresh)"
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 60  # between two reads, not for the whole body
ATTEMPTS = 3
BACKOFF_S = 1.0  # urllib3 retries once at once, then waits BACKOFF_S * 2 ** (n - 1)
MAX_WAIT_S = 120  # a Retry-After longer than this is cut to it
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MB = 1_000_000
DEFAULT_MAX_BYTES = 200 * MB
CHUNK_BYTES = 1 << 16
HEAD_BYTES = 512
ERROR_BODY_BYTES = 64 * 1024  # enough of an error page for a message, never the whole thing
# Request headers that carry a credential besides Authorization (which requests handles itself).
SECRET_HEADERS = frozenset({"apikey"})


class FetchError(RuntimeError):
    """A download failed; the message is one line naming what and where."""


class TooLarge(FetchError):
    pass


def _quiet(message: str) -> None:
    pass


def describe_size(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size >= MB else f"{size:,} bytes"


def looks_like_html(head: bytes) -> bool:
    """An error page served where data was expected (portals and CDNs answer 200 with one)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def gave_up(attempts: int) -> str:
    return f"gave up after {attempts} attempt{'' if attempts == 1 else 's'}"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Policy(Retry):
    """urllib3's Retry, telling ``notify`` why it retries and how long it waits."""

    notify: Callable[[str], None] = staticmethod(_quiet)

    def new(self, **changes) -> "Policy":
        fresh = super().new(**changes)
        fresh.notify = self.notify
        return fresh

    def sleep(self, response=None) -> None:
        asked = self.get_retry_after(response) if response is not None else None
        wait = asked if asked else self.get_backoff_time()
        last = self.history[-1] if self.history else None
        if last is not None and last.status:
            cause = f"HTTP {last.status}"
        elif isinstance(last.error if last else None, BodyBrokeOff):
            cause = str(last.error)
        elif last is not None and last.error is not None:
            cause = _reason(last.error)
        else:
            cause = "a failed attempt"
        why = " as its Retry-After asks" if asked else ""
        attempt = len(self.history) + 1
        self.notify(f"{cause}; retrying in {wait:.1f} s{why} (attempt {attempt})")
        super().sleep(response)


class CrossOriginRedirect(FetchError):
    pass


class Session(requests.Session):
    """A requests Session with the retry policy mounted; secret headers stay on their origin.

    Used from one thread: ``transfer`` sets the adapter's retry state per request.
    """

    def __init__(
        self,
        *,
        attempts: int = ATTEMPTS,
        backoff_s: float = BACKOFF_S,
        methods: Iterable[str] = ("GET", "HEAD"),
    ):
        super().__init__()
        self.headers["User-Agent"] = USER_AGENT
        self.max_redirects = MAX_REDIRECTS
        self.attempts = max(1, attempts)
        self.policy = Policy(
            total=self.attempts - 1,
            allowed_methods=frozenset(m.upper() for m in methods),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff_s,
            retry_after_max=MAX_WAIT_S,
            raise_on_status=False,  # the last response comes back, so its status can be named
            raise_on_redirect=False,
        )
        self.adapter = HTTPAdapter(max_retries=self.policy)
        self.mount("http://", self.adapter)
        self.mount("https://", self.adapter)

    def rebuild_auth(self, prepared_request, response) -> None:
        secret = [n for n in prepared_request.headers if n.lower() in SECRET_HEADERS]
        old, new = response.request.url, prepared_request.url
        if secret and self.should_strip_auth(old, new):
            for name in secret:
                del prepared_request.headers[name]
            raise CrossOriginRedirect(
                f"{old}: HTTP {response.status_code} redirect to {origin(new)}; a request "
                f"carrying {', '.join(secret)} is not followed to another host"
            )
        super().rebuild_auth(prepared_request, response)


@dataclass
class Transfer:
    """What came back: the final status and URL, and the body's facts."""

    status: int
    url: str
    headers: dict
    sha256: str = ""
    bytes: int = 0  # decoded, as written
    wire_bytes: int = 0  # as received, before gzip/deflate decoding
    head: bytes = b""  # the first bytes of the decoded body
    error_body: bytes = b""  # the start of the body of a non-2xx answer

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def _reason(error: BaseException) -> str:
    """A short, fixed description of why a connection failed (no addresses, no reprs)."""
    if isinstance(error, requests.RequestException) and error.args:
        inner = error.args[0]
        if isinstance(inner, MaxRetryError) and inner.reason is not None:
            error = inner.reason
        elif isinstance(inner, BaseException):
            error = inner
    if isinstance(error, ReadTimeoutError | requests.ReadTimeout):
        return "ReadTimeout: no data within the read timeout"
    if isinstance(error, ConnectTimeoutError | requests.ConnectTimeout):
        return "ConnectTimeout: no connection within the connect timeout"
    if isinstance(error, NewConnectionError):
        return "ConnectionError: the connection was refused"
    if isinstance(error, ProtocolError):
        return "ConnectionError: the connection closed early"
    return f"ConnectionError: {type(error).__name__}"


class _BodyFailed(Exception):
    pass


class BodyBrokeOff(ProtocolError):
    """A body that stopped short: counted by the retry policy as a read error."""


def _read_body(response, target: BinaryIO, *, label, url, max_bytes, on_bytes) -> Transfer:
    expected = response.headers.get("Content-Length")
    expected = int(expected) if expected and expected.isdigit() else None
    if expected is not None and expected > max_bytes:
        raise TooLarge(
            f"{label}: {url} is {describe_size(expected)}, over the "
            f"{describe_size(max_bytes)} limit for this file"
        )
    digest = hashlib.sha256()
    received = 0
    head = b""
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            received += len(chunk)
            if received > max_bytes:
                raise TooLarge(
                    f"{label}: {url} sent more than {describe_size(max_bytes)}, the limit for "
                    "this file; stopped"
                )
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            target.write(chunk)
            digest.update(chunk)
            on_bytes(received, expected)
    except requests.exceptions.ChunkedEncodingError as error:
        wire = response.raw.tell()
        of = f" of {describe_size(expected)}" if expected is not None else ""
        raise _BodyFailed(f"truncated: {describe_size(wire)}{of} received") from error
    except requests.ConnectionError as error:
        raise _BodyFailed(f"{_reason(error)} after {describe_size(received)}") from error
    except requests.exceptions.ContentDecodingError:
        encoding = response.headers.get("Content-Encoding", "")
        raise FetchError(f"{label}: {url} sent a body that is not valid {encoding}") from None
    wire = response.raw.tell()
    if expected is not None and wire != expected:
        raise _BodyFailed(f"truncated: {describe_size(wire)} of {describe_size(expected)} received")
    return Transfer(
        status=response.status_code,
        url=response.url,
        headers=dict(response.headers),
        sha256=digest.hexdigest(),
        bytes=received,
        wire_bytes=wire,
        head=head,
    )


def transfer(
    session: Session,
    method: str,
    url: str,
    target: Callable[[], BinaryIO],
    *,
    label: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: tuple[float, float] | None = None,
    progress: Callable[[str], None] = _quiet,
    on_bytes: Callable[[int, int | None], None] = lambda received, expected: None,
    **request_options,
) -> Transfer:
    """Send one request and stream a 2xx body into ``target()`` (opened afresh per attempt).

    Returns the Transfer for any final status; a non-2xx body is kept only as ``error_body``
    (a few kB), for the caller's message. Raises FetchError when the retries run out, the body
    is over ``max_bytes``, or a keyed request is redirected to another host.
    """
    label = label or url
    timeout = timeout or (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
    policy = session.policy.new()
    policy.notify = lambda message: progress(f"{label}: {message}")
    while True:
        session.adapter.max_retries = policy
        try:
            response = session.request(method, url, stream=True, timeout=timeout, **request_options)
        except FetchError:
            raise
        except requests.TooManyRedirects:
            raise FetchError(f"{label}: more than {MAX_REDIRECTS} redirects from {url}") from None
        except (requests.ConnectionError, requests.Timeout) as error:
            raise FetchError(
                f"{label}: cannot reach {url} ({_reason(error)}); {gave_up(session.attempts)}"
            ) from None
        except requests.RequestException as error:
            raise FetchError(f"{label}: cannot request {url} ({type(error).__name__})") from None
        finally:
            session.adapter.max_retries = session.policy
        with response:
            status = response.status_code
            if status in RETRY_STATUSES:  # urllib3 gave back the last answer: retries ran out
                raise FetchError(f"{label}: HTTP {status} from {url}; {gave_up(session.attempts)}")
            if not 200 <= status < 300:
                error_body = response.raw.read(ERROR_BODY_BYTES, decode_content=True) or b""
                return Transfer(status, response.url, dict(response.headers), error_body=error_body)
            try:
                with target() as sink:
                    return _read_body(
                        response,
                        sink,
                        label=label,
                        url=url,
                        max_bytes=max_bytes,
                        on_bytes=on_bytes,
                    )
            except _BodyFailed as problem:
                try:
                    policy = policy.increment(method, url, error=BodyBrokeOff(str(problem)))
                except MaxRetryError:
                    raise FetchError(
                        f"{label}: {problem} from {url}; {gave_up(session.attempts)}"
                    ) from None
        policy.sleep()


def download(
    session: Session,
    url: str,
    part: Path,
    *,
    label: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[str], None] = _quiet,
    on_bytes: Callable[[int, int | None], None] = lambda received, expected: None,
) -> Transfer:
    """GET ``url`` into ``part`` (rewritten on each attempt)."""
    return transfer(
        session,
        "GET",
        url,
        lambda: part.open("wb"),
        label=label,
        max_bytes=max_bytes,
        progress=progress,
        on_bytes=on_bytes,
    )


class _Buffer(io.BytesIO):
    """A BytesIO that keeps its content after the ``with`` block closes it."""

    def close(self) -> None:
        self.content = self.getvalue()
        super().close()


def call(
    session: Session,
    method: str,
    url: str,
    *,
    label: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: tuple[float, float] | None = None,
    progress: Callable[[str], None] = _quiet,
    **request_options,
) -> tuple[Transfer, bytes]:
    """A request whose answer is small enough to hold in memory (JSON APIs): (facts, body)."""
    buffers: list[_Buffer] = []

    def target() -> _Buffer:
        buffers.append(_Buffer())
        return buffers[-1]

    done = transfer(
        session,
        method,
        url,
        target,
        label=label,
        max_bytes=max_bytes,
        timeout=timeout,
        progress=progress,
        **request_options,
    )
    body = buffers[-1].content if buffers and 200 <= done.status < 300 else done.error_body
    return done, body


MAX_JSON_BYTES = 5 * MB  # an API's listing is kB; anything near this is not the documented answer


def call_json(session: Session, url: str, *, max_bytes: int = MAX_JSON_BYTES, progress=_quiet):
    """GET a JSON API answer; any failure (status, HTML, not JSON) is one line naming ``url``.

    Returns the decoded value, whatever its type: the caller checks the documented shape.
    """
    done, body = call(
        session,
        "GET",
        url,
        max_bytes=max_bytes,
        progress=progress,
        headers={"Accept": "application/json"},
    )
    if done.status != 200:
        raise FetchError(f"{url}: HTTP {done.status}")
    if looks_like_html(body[:HEAD_BYTES]):
        raise FetchError(f"{url}: the server sent an HTML page, not JSON")
    try:
        return json.loads(body.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as error:
        raise FetchError(f"{url}: not JSON ({error.msg} at character {error.pos})") from None


def field(item, path: str, where: str):
    """``item``'s value at a dotted ``path`` of a documented answer; absent or null fails in one
    line naming the field, so a changed shape says what changed."""
    value = item
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            raise FetchError(f"{where}: no '{path}' in the answer (the documented shape changed?)")
    return value
