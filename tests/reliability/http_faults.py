"""A local mirror that breaks one chosen file at a time, for ``fetch_catalogue`` with a base URL.

``tests/http_mirror.py`` picks a fault by URL prefix, which ``fetch_catalogue`` cannot send for one
file only. Here the fault is set per path, so the other files of the same publication download
normally and the test sees which file failed. One more fault: ``drop`` closes the connection
without any response at all.
"""

import contextlib
import socket
import threading
import time
from collections import Counter
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.http_mirror import HTML_PAGE

HTTP_FAULTS = ("404", "500", "slow", "truncate", "drop", "html")


class TargetedHandler(BaseHTTPRequestHandler):
    def __init__(self, *args, mirror: "TargetedMirror", **kwargs):
        self.mirror = mirror
        super().__init__(*args, **kwargs)

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 (the standard library's name)
        relative = self.path.lstrip("/")
        self.mirror.seen[relative] += 1
        fault = self.mirror.faults.get(relative, "")
        file = (self.mirror.root / relative).resolve()
        if fault == "404" or not file.is_file() or self.mirror.root not in file.parents:
            return self._send(404, b"not found")
        if fault == "500":
            return self._send(500, b"server error")
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
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client left
            self.wfile.write(body)


class TargetedMirror:
    """Serves ``root`` on 127.0.0.1; ``faults[relative_path] = fault`` breaks that file only."""

    def __init__(self, root: Path, slow_s: float = 1.5):
        self.root = root.resolve()
        self.slow_s = slow_s
        self.faults: dict[str, str] = {}
        self.seen: Counter = Counter()
        handler = partial(TargetedHandler, mirror=self)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
