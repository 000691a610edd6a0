"""A local HTTP server over the sources folder that behaves like the publishers' servers.

It serves the mirror files and the real recorded API responses in ``<sources>/recorded/`` (see
its PROVENANCE.md), and sends what real servers send: gzip when the client accepts it (text
types only, as nginx and CDNs do), redirects, 429 with Retry-After, slow and truncated bodies,
HTML error pages.

GET  /<path>                           the file as it is (or the fault set in ``Mirror.faults``)
GET  /api/content/<base path>          a recorded GOV.UK Content API item with that base_path
GET  /webapi/rest/v1/schema/<id>       a recorded Stat-Xplore /schema response with that id
POST /webapi/rest/v1/table             the recorded Stat-Xplore /table response whose echoed
                                       query answers the request; needs ``APIKey: <api_key>``;
                                       404 with a JSON message when no recording answers it

Faults, as a first path segment before any of the above:
/500/      HTTP 500 on every request           /404/       not found
/flaky/    HTTP 503 once per path, then OK     /drop/      closes without any response
/slow/     answers after ``slow_s``            /slowbody/  headers and half the body, then
/truncate/ announces the full length, sends                stalls ``slow_s`` before the rest
           half and closes                     /html/      an HTML page with status 200
/html503/  an HTML page with status 503        /429/       429 with ``Retry-After: retry_after``
/429always/ 429 with Retry-After on every                  once per path, then OK
           request                             /301/ /302/ /307/  a redirect to /<path> here
/elsewhere/ a 307 redirect to ``elsewhere`` + /<path> (default: the same port on "localhost",
           which is another origin than 127.0.0.1 for a browser and for requests)

``Mirror.faults[relative_path] = fault`` breaks one file when the client cannot choose the URL
(``fetch_catalogue`` with a base URL), so the other files of a publication download normally.
``Mirror.replaced[relative_path] = path`` serves another real file's bytes at that path, as a
publisher that changed a file in place would. ``Mirror.sent`` counts the body bytes sent per
path, as they went on the wire (after gzip).
"""

import contextlib
import gzip
import json
import socket
import threading
import time
from collections import Counter
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

HTML_PAGE = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
FAULTS = (
    "500",
    "flaky",
    "slow",
    "slowbody",
    "truncate",
    "html",
    "html503",
    "drop",
    "404",
    "429",
    "429always",
    "301",
    "302",
    "307",
    "elsewhere",
)
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".txt": "text/plain",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".xls": "application/vnd.ms-excel",
}
COMPRESSED_TYPES = ("text/", "application/json", "application/geo+json")
GOVUK_PREFIX = "api/content"
STATXPLORE_PREFIX = "webapi/rest/v1/"
KEY_HEADER = "APIKey"


def recorded_items(recorded: Path) -> dict[str, Path]:
    """GOV.UK base_path -> recorded Content API file (collections and schema examples)."""
    found = {}
    for path in sorted((recorded / "govuk_content_api").glob("*.json")):
        base_path = json.loads(path.read_text(encoding="utf-8")).get("base_path")
        if base_path:
            found[base_path] = path
    return found


def recorded_schemas(recorded: Path) -> dict[str, Path]:
    """Stat-Xplore schema id -> recorded /schema file."""
    return {
        json.loads(path.read_text(encoding="utf-8"))["id"]: path
        for path in sorted((recorded / "statxplore").glob("schema_*.json"))
    }


def recorded_tables(recorded: Path) -> list[tuple[dict, Path]]:
    """(the query each recorded /table response echoes, its file)."""
    return [
        (json.loads(path.read_text(encoding="utf-8"))["query"], path)
        for path in sorted((recorded / "statxplore").glob("table_response_*.json"))
    ]


def answers(echo: dict, query: dict) -> bool:
    """A recording answers a query with the same database, measures and dimensions whose every
    recode it echoes (Stat-Xplore echoes the recodes it filled in for fields without one)."""
    same = all(echo.get(k) == query.get(k) for k in ("database", "measures", "dimensions"))
    recodes = query.get("recodes") or {}
    return same and all(echo.get("recodes", {}).get(f) == r for f, r in recodes.items())


class MirrorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as nginx sets on keep-alive connections: without it the body, written after
    # the headers, waits for the client's delayed ACK (about 40 ms a response on Linux), a
    # stall of this stand-in that no publisher's server has.
    disable_nagle_algorithm = True

    def __init__(self, *args, mirror: "Mirror", **kwargs):
        self.mirror = mirror
        super().__init__(*args, **kwargs)

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self._answer(None)

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(self.rfile.read(length))

    def _answer(self, body: bytes | None):
        mirror = self.mirror
        fault, _, rest = self.path.lstrip("/").partition("/")
        if fault not in FAULTS:
            rest = self.path.lstrip("/")
            fault = mirror.faults.get(rest, "")
        with mirror.lock:
            mirror.seen[self.path] += 1
            count = mirror.seen[self.path]
            mirror.requests.append((self.command, self.path, dict(self.headers), body))
        if fault == "404":
            return self._send(404, b"not found")
        if fault == "500" or (fault == "flaky" and count == 1):
            return self._send(500 if fault == "500" else 503, b"server error")
        if fault == "429always" or (fault == "429" and count == 1):
            return self._send(429, b"Too Many Requests", retry_after=mirror.retry_after)
        if fault in ("html", "html503"):
            return self._send(200 if fault == "html" else 503, HTML_PAGE, "text/html")
        if fault in ("301", "302", "307"):
            return self._redirect(int(fault), f"/{rest}")
        if fault == "elsewhere":
            return self._redirect(307, f"{mirror.elsewhere}/{rest}")
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        found = self._content(rest, body)
        if found is None:
            return None
        status, content, content_type = found
        if fault == "slow":
            time.sleep(mirror.slow_s)
        return self._send(status, content, content_type, fault=fault)

    def _content(self, rest: str, body: bytes | None) -> tuple[int, bytes, str] | None:
        """(status, body, content type) for the path without its fault, or None once answered."""
        mirror = self.mirror
        rest = rest.split("?", 1)[0]
        if rest.startswith(GOVUK_PREFIX + "/"):
            item = mirror.items.get(unquote(rest.removeprefix(GOVUK_PREFIX)))
            if item is None:
                return 404, b'{"error": {"code": "not_found"}}', "application/json"
            return 200, item.read_bytes(), "application/json;charset=UTF-8"
        if rest.startswith(STATXPLORE_PREFIX):
            return self._statxplore(rest.removeprefix(STATXPLORE_PREFIX), body)
        file = (mirror.replaced.get(unquote(rest)) or mirror.root / unquote(rest)).resolve()
        if body is not None or not file.is_file() or mirror.root not in file.parents:
            return 404, b"not found", "text/plain"
        return 200, file.read_bytes(), CONTENT_TYPES.get(file.suffix.lower(), "application/octet")

    def _statxplore(self, endpoint: str, body: bytes | None) -> tuple[int, bytes, str]:
        mirror = self.mirror
        json_type = "application/json;charset=UTF-8"
        if self.headers.get(KEY_HEADER) != mirror.api_key:
            return 401, b'{"message": "Invalid API key"}', json_type
        if endpoint.startswith("schema/") and body is None:
            schema = mirror.schemas.get(unquote(endpoint.removeprefix("schema/")))
            if schema is None:
                return 404, b'{"message": "the mirror holds no recording of this id"}', json_type
            return 200, schema.read_bytes(), json_type
        if endpoint == "table" and body is not None:
            if not self.headers.get("Content-Type", "").startswith("application/json"):
                return 415, b'{"message": "Content-Type must be application/json"}', json_type
            try:
                query = json.loads(body)
            except ValueError:
                return 400, b'{"message": "the request body is not JSON"}', json_type
            for echo, path in mirror.tables:
                if answers(echo, query):
                    return 200, path.read_bytes(), json_type
            message = {"message": "the mirror holds no recorded response to this query"}
            return 404, json.dumps(message).encode(), json_type
        return 404, b'{"message": "not found"}', json_type

    def _redirect(self, status: int, location: str):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/plain",
        *,
        fault: str = "",
        retry_after: str | None = None,
    ):
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        compress = accepts_gzip and content_type.startswith(COMPRESSED_TYPES)
        if compress:
            body = gzip.compress(body, mtime=0)
        with self.mirror.lock:
            self.mirror.encodings[self.path] = "gzip" if compress else "identity"
            self.mirror.sent[self.path] += len(body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if compress:
            self.send_header("Content-Encoding", "gzip")
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client left
            if fault in ("truncate", "slowbody"):
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                if fault == "truncate":
                    self.close_connection = True
                    return
                time.sleep(self.mirror.slow_s)
                self.wfile.write(body[len(body) // 2 :])
                return
            self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up (a timeout test, a refused body) is expected here


class Mirror:
    def __init__(self, root: Path, slow_s: float = 3.0, api_key: str = "sx-mirror-key"):
        self.root = root.resolve()
        self.slow_s = slow_s
        self.api_key = api_key
        self.retry_after = "1"
        self.faults: dict[str, str] = {}
        self.replaced: dict[str, Path] = {}
        self.seen: Counter = Counter()
        self.sent: Counter = Counter()
        self.requests: list[tuple[str, str, dict, bytes | None]] = []
        self.encodings: dict[str, str] = {}
        self.lock = threading.Lock()
        recorded = self.root / "recorded"
        self.items = recorded_items(recorded)
        self.schemas = recorded_schemas(recorded)
        self.tables = recorded_tables(recorded)
        self.server = QuietServer(("127.0.0.1", 0), partial(MirrorHandler, mirror=self))
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.elsewhere = f"http://localhost:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
