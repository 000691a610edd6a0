"""Load on the deploy target's box: the server in a cgroup the size of Community Cloud's smallest
app (1 CPU, 690 MB), 25 light websocket clients outside it.

Run as root from the repository root::

    python -m tests.reliability.box [--sessions 25] [--seconds 60]

The server runs ``streamlit run dashboard/app.py`` inside cgroup v1 ``cpu`` (quota one CPU) and
``memory`` (690 MB, no swap) groups made for the run and removed after it. It logs the time of
every script run (``DASHBOARD_LOG_RUN_TIMES``), so the figures are the server's own, not the
clients'. The clients speak Streamlit's websocket protocol (protobuf BackMsg/ForwardMsg), which
costs far less than a browser per session: each asks for a page, waits for the run to finish,
pauses as a reader would (``--think`` seconds, 1 to 3 by default, drawn at random so the
sessions do not march in step; 0 makes it a saturation test), and moves to the next page, until
the time is up. First quiet sessions, one at a time and each starting on another page, visit every
page (three rounds, after a warm-up), giving each page's quiet time; the budget is p95 under load
within 3x that. Run it on an otherwise idle machine: the box caps the server at one CPU, but
other work on the host still takes that CPU away.

Errors: a run that did not finish, an exception element, the page guard's "could not be shown"
message, a closed socket, a Traceback in the server log, an OOM kill. Exit 0 when the budget is
met with no error, 1 otherwise, 2 when the box cannot be made (not root, no cgroup v1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.core import settings
from dashboard.topics import registry

CGROUP_ROOT = Path("/sys/fs/cgroup")
CPU_QUOTA_US = 100_000  # one CPU: the whole period
CPU_PERIOD_US = 100_000
MEMORY_LIMIT = 690 * 10**6  # MB as 10^6 bytes, as everywhere in this project
RUN_TIMEOUT_S = 120
QUIET_VISITS = 3
P95_BUDGET = 3.0
AREA = "area=E14001410"
RUN_LINE = re.compile(r"^dashboard-run (\S+) ([0-9.]+)$")


class BoxUnavailable(RuntimeError):
    pass


@dataclass
class Box:
    """A pair of cgroup v1 groups (cpu, memory) for one process tree."""

    name: str = field(default_factory=lambda: f"dashboard-box-{os.getpid()}")

    @property
    def cpu(self) -> Path:
        return CGROUP_ROOT / "cpu" / self.name

    @property
    def memory(self) -> Path:
        return CGROUP_ROOT / "memory" / self.name

    def create(self) -> None:
        if os.geteuid() != 0:
            raise BoxUnavailable("the box needs root (cgroup v1 groups are made under /sys)")
        if not (CGROUP_ROOT / "cpu").is_dir() or not (CGROUP_ROOT / "memory").is_dir():
            raise BoxUnavailable("no cgroup v1 cpu and memory controllers under /sys/fs/cgroup")
        self.cpu.mkdir()
        self.memory.mkdir()
        (self.cpu / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
        (self.cpu / "cpu.cfs_quota_us").write_text(str(CPU_QUOTA_US))
        (self.memory / "memory.limit_in_bytes").write_text(str(MEMORY_LIMIT))
        swap = self.memory / "memory.memsw.limit_in_bytes"
        if swap.exists():  # no swap either: Community Cloud has none
            swap.write_text(str(MEMORY_LIMIT))

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside the box from its first instruction (children inherit it)."""
        enter = f"echo $$ > {self.cpu}/cgroup.procs && echo $$ > {self.memory}/cgroup.procs"
        return ["sh", "-c", f'{enter} && exec "$@"', "box", *argv]

    def peak_bytes(self) -> int:
        return int((self.memory / "memory.max_usage_in_bytes").read_text())

    def oom_kills(self) -> int:
        control = (self.memory / "memory.oom_control").read_text()
        found = re.search(r"oom_kill (\d+)", control)
        return int(found[1]) if found else 0

    def remove(self) -> None:
        for group in (self.cpu, self.memory):
            if group.exists():
                for _ in range(50):  # the processes leave the group a moment after they exit
                    try:
                        group.rmdir()
                        break
                    except OSError:
                        time.sleep(0.1)


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    runs: list[tuple[float, str, float]] = field(default_factory=list)  # (at, page, ms)
    errors: list[str] = field(default_factory=list)

    def read_log(self) -> None:
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            found = RUN_LINE.match(line)
            if found:
                self.runs.append((time.monotonic(), found[1], float(found[2])))
            elif "Traceback" in line:
                self.errors.append(f"server log: {line}")


def start_server(box: Box) -> Server:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    argv = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py"]
    argv += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    argv += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(
        box.command(argv),
        cwd=settings.REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "DASHBOARD_LOG_RUN_TIMES": "1"},
    )
    server = Server(process, f"127.0.0.1:{port}")
    threading.Thread(target=server.read_log, daemon=True).start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{server.url}/_stcore/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise BoxUnavailable("the server did not start inside the box within 90 s")


async def visit(socket_, page: str) -> str | None:
    """Ask for one page and read until its run finishes; the error, or None."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    message.rerun_script.query_string = AREA
    message.rerun_script.page_name = page
    await socket_.send(message.SerializeToString())
    error = None
    while True:
        received = ForwardMsg()
        received.ParseFromString(await asyncio.wait_for(socket_.recv(), RUN_TIMEOUT_S))
        kind = received.WhichOneof("type")
        if kind == "delta" and received.delta.WhichOneof("type") == "new_element":
            element = received.delta.new_element
            if element.WhichOneof("type") == "exception":
                error = f"{page}: exception element ({element.exception.type})"
            elif element.WhichOneof("type") == "alert" and "could not be shown" in (
                element.alert.body
            ):
                error = f"{page}: the page guard caught a fault"
        elif kind == "script_finished":
            status = received.script_finished
            if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                return error
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                return f"{page}: compile error"


async def session(
    url: str,
    pages: list[str],
    errors: list[str],
    *,
    start: int = 0,
    until: float | None = None,
    visits: int | None = None,
    think: tuple[float, float] = (0.0, 0.0),
):
    """One browser tab's worth of traffic: pages in rotation from ``start``, until a time or
    for a number of visits."""
    import websockets

    # Readers arrive over the first pause, not all in the same millisecond: a burst of 25 first
    # visits at once would measure the queue of that instant, not the load.
    await asyncio.sleep(random.uniform(0, think[1]))
    async with websockets.connect(
        f"ws://{url}/_stcore/stream",
        subprotocols=["streamlit"],
        origin=f"http://{url}",
        max_size=None,
    ) as socket_:
        index = start
        while (until is None or time.monotonic() < until) and (
            visits is None or index - start < visits
        ):
            page = pages[index % len(pages)]
            try:
                failure = await visit(socket_, page)
            except (TimeoutError, OSError, websockets.ConnectionClosed) as error:
                errors.append(f"{page}: {type(error).__name__}")
                return
            if failure:
                errors.append(failure)
            index += 1
            await asyncio.sleep(random.uniform(*think))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.box", description=__doc__)
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="seconds each session pauses between views (0 0: back to back, a saturation test)",
    )
    args = parser.parse_args(argv)
    pages = [spec.url_path for spec in registry.PAGES]
    box = Box()
    try:
        box.create()
    except (BoxUnavailable, OSError) as error:
        print(f"box: {error}", file=sys.stderr)
        return 2
    server = None
    try:
        server = start_server(box)
        errors: list[str] = []
        # Warm-up (first runs fill the process caches), then the quiet single-session times.
        asyncio.run(session(server.url, pages, errors, visits=len(pages)))
        quiet_from = time.monotonic()
        # A new session at a time, each starting on another page, as the loaded sessions do:
        # a session's first page also pays for setting the session up.
        for _ in range(QUIET_VISITS):
            for start in range(len(pages)):
                asyncio.run(session(server.url, pages, errors, start=start, visits=len(pages)))
        load_from = time.monotonic()
        until = load_from + args.seconds

        async def load() -> None:
            await asyncio.gather(
                *(
                    session(server.url, pages, errors, start=n, until=until, think=args.think)
                    for n in range(args.sessions)
                )
            )

        asyncio.run(load())
        time.sleep(0.5)  # the last log lines
        quiet = [(p, ms) for at, p, ms in server.runs if quiet_from <= at < load_from]
        loaded = [(p, ms) for at, p, ms in server.runs if at >= load_from]
        errors += server.errors
        oom = box.oom_kills()
        peak_mb = box.peak_bytes() / 10**6
        print(
            f"box: 1 CPU, {MEMORY_LIMIT / 10**6:.0f} MB; "
            f"{args.sessions} sessions for {args.seconds:.0f} s, "
            f"{args.think[0]:g}-{args.think[1]:g} s between views"
        )
        print(f"{'page':<18}{'quiet ms':>10}{'runs':>7}{'p50 ms':>9}{'p95 ms':>9}{'p95/quiet':>11}")
        within = True
        for page in pages:
            quiet_ms = statistics.median([ms for p, ms in quiet if p == page] or [float("nan")])
            under = [ms for p, ms in loaded if p == page]
            if not under:
                print(f"{page:<18}{quiet_ms:>10.0f}{0:>7}")
                within = False
                continue
            p95 = percentile(under, 0.95)
            ratio = p95 / quiet_ms
            within &= ratio <= P95_BUDGET
            print(
                f"{page:<18}{quiet_ms:>10.0f}{len(under):>7}"
                f"{statistics.median(under):>9.0f}{p95:>9.0f}{ratio:>10.2f}x"
            )
        print(f"errors: {len(errors)}; OOM kills: {oom}; server peak memory: {peak_mb:.0f} MB")
        for error in errors[:10]:
            print(f"  {error}")
        return 0 if (not errors and not oom and within) else 1
    except BoxUnavailable as error:
        print(f"box: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.process.terminate()
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()
        box.remove()


if __name__ == "__main__":
    sys.exit(main())
