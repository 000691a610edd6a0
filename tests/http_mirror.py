"""A local HTTP server over the sources folder, with faults chosen by a path prefix or per file.

/<path>            the file as it is (or the fault set for it in ``Mirror.faults``)
/500/<path>        HTTP 500 on every request
/flaky/<path>      HTTP 503 on the first request for that path, then the file
/slow/<path>       waits longer than the client's read timeout before answering
/truncate/<path>   announces the full length but sends half the body and closes
/html/<path>       an HTML error page with status 200, as some portals do
/drop/<path>       closes the connection without any response
/404/<path>        not found

``Mirror.faults[relative_path] = fault`` breaks one file when the client cannot choose the URL
(``fetch_catalogue`` with a base URL), so the other files of a publication download normally.
"""

import contextlib
import socket
import threading
import time
from collections import Counter
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HTML_PAGE = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
FAULTS = ("500", "flaky", "slow", "truncate", "html", "drop", "404")


class MirrorHandler(BaseHTTPRequestHandler):
    def __init__(self, *args, mirror: "Mirror", **kwargs):
        self.mirror = mirror
        super().__init__(*args, **kwargs)

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 (the standard library's name)
        fault, _, rest = self.path.lstrip("/").partition("/")
        if fault not in FAULTS:
            rest = self.path.lstrip("/")
            fault = self.mirror.faults.get(rest, "")
        self.mirror.seen[self.path] += 1
        root = self.mirror.root
        file = (root / rest).resolve()
        if fault == "404" or not file.is_file() or root not in file.parents:
            return self._send(404, b"not found")
        if fault == "500" or (fault == "flaky" and self.mirror.seen[self.path] == 1):
            return self._send(500 if fault == "500" else 503, b"server error")
        if fault == "html":
            return self._send(200, HTML_PAGE, "text/html")
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        body = file.read_bytes()
        if fault == "slow":
            time.sleep(self.mirror.slow_s)
        if fault == "truncate":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        return self._send(200, body, "application/octet-stream")

    def _send(self, status: int, body: bytes, content_type: str = "text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client left
            self.wfile.write(body)


class Mirror:
    def __init__(self, root: Path, slow_s: float = 3.0):
        self.root = root.resolve()
        self.slow_s = slow_s
        self.faults: dict[str, str] = {}
        self.seen: Counter = Counter()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(MirrorHandler, mirror=self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
