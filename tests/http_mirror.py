"""A local HTTP server over the sources folder, with faults chosen by a path prefix.

/<path>            the file as it is
/500/<path>        HTTP 500 on every request
/flaky/<path>      HTTP 503 on the first request for that path, then the file
/slow/<path>       waits longer than the client's read timeout before answering
/truncate/<path>   announces the full length but sends half the body and closes
/html/<path>       an HTML error page with status 200, as some portals do
/404/<path>        not found
"""

import threading
import time
from collections import Counter
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HTML_PAGE = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"


class MirrorHandler(BaseHTTPRequestHandler):
    def __init__(self, *args, root: Path, seen: Counter, slow_s: float, **kwargs):
        self.root, self.seen, self.slow_s = root, seen, slow_s
        super().__init__(*args, **kwargs)

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 (the standard library's name)
        fault, _, rest = self.path.lstrip("/").partition("/")
        if fault not in {"500", "flaky", "slow", "truncate", "html", "404"}:
            fault, rest = "", self.path.lstrip("/")
        self.seen[self.path] += 1
        file = (self.root / rest).resolve()
        if fault == "404" or not file.is_file() or self.root not in file.parents:
            return self._send(404, b"not found")
        if fault == "500" or (fault == "flaky" and self.seen[self.path] == 1):
            return self._send(500 if fault == "500" else 503, b"server error")
        if fault == "html":
            return self._send(200, HTML_PAGE, "text/html")
        body = file.read_bytes()
        if fault == "slow":
            time.sleep(self.slow_s)
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
        self.wfile.write(body)


class Mirror:
    def __init__(self, root: Path, slow_s: float = 3.0):
        self.seen: Counter = Counter()
        handler = partial(MirrorHandler, root=root.resolve(), seen=self.seen, slow_s=slow_s)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
