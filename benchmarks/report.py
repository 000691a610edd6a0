"""The benchmark table's pieces: budgets, rows and their verdicts, formatting, the pacer that
shares the time limit among sections. Pure: no timings, no servers (tests/test_bench.py)."""

import base64
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

SECTIONS = ("build", "refresh", "render", "interaction", "coldstart", "memory", "bytes", "naive")

# Shares of the limit. The browser tour (two servers, ~30 sessions) serves coldstart, memory and
# bytes at once, so it gets the sum of their weights.
WEIGHTS = {
    "build": 2.0,
    "refresh": 1.0,
    "render": 1.0,
    "interaction": 0.7,
    "coldstart": 3.0,
    "memory": 1.0,
    "bytes": 0.3,
    "naive": 1.0,
}

TOUR_SECTIONS = ("coldstart", "memory", "bytes")

MB = 1_000_000  # budgets are decimal megabytes, the stricter reading

# Budgets from issue 9.
FULL_BUILD_S = 20.0

NOCHANGE_BUILD_S = 1.0

REFRESH_NEW_MONTH_S = 3.0  # DESIGN.md, "Performance budgets": one new month refreshed

RENDER_X_FLOOR = 1.5

INTERACTION_S = 0.150

FIRST_CHART_X_FLOOR = 1.3

RSS_20_SESSIONS = 300 * MB

PAGE_BYTES = 1.5 * MB

NAIVE_MIN_SPEEDUP = 50.0


class BenchError(RuntimeError):
    pass


def median(values: list[float]) -> float:
    if not values:
        raise ValueError("median of no runs")
    return float(statistics.median(values))


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return value / reference


@dataclass(frozen=True)
class Budget:
    """A limit on the figure itself (``on="value"``) or on its ratio to the reference."""

    limit: float
    on: str = "value"
    at_least: bool = False

    def check(self, value: float | None, ratio_: float | None) -> bool | None:
        measured = value if self.on == "value" else ratio_
        if measured is None:
            return None
        return measured >= self.limit if self.at_least else measured <= self.limit

    def describe(self, unit: str) -> str:
        sign = ">=" if self.at_least else "<="
        if self.on == "ratio":
            return f"{sign} {self.limit:g}x"
        return f"{sign} {format_value(self.limit, unit)}"


@dataclass(frozen=True)
class Row:
    section: str
    name: str
    value: float | None
    unit: str  # "s", "bytes" or "x"
    runs: int
    reference: str = ""  # what the ratio divides by, with its figure
    ratio: float | None = None
    budget: Budget | None = None
    note: str = ""
    error: str = ""

    @property
    def result(self) -> str:
        if self.error:
            return "ERROR"
        if self.budget is None:
            return "-"
        verdict = self.budget.check(self.value, self.ratio)
        return "-" if verdict is None else ("PASS" if verdict else "MISS")


def error_row(section: str, name: str, error: BaseException | str) -> Row:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return Row(section, name, None, "", 0, error=" ".join(text.split())[:300])


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"
    if unit == "bytes":
        if value >= MB:
            return f"{value / MB:.2f} MB"
        return f"{value / 1000:.1f} kB"
    if unit == "x":
        return f"{value:.1f}x"
    return f"{value:g}"


def format_table(rows: list[Row]) -> str:
    header = ("section", "measure", "median", "runs", "reference", "ratio", "budget", "result")
    lines = [
        (
            row.section,
            row.name,
            format_value(row.value, row.unit) if not row.error else "-",
            str(row.runs),
            row.reference,
            "-" if row.ratio is None else f"{row.ratio:.2f}x",
            row.budget.describe(row.unit) if row.budget else "",
            row.result,
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def join(cells) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    out = [join(header), join("-" * width for width in widths), *map(join, lines)]
    notes = [(row, row.error or row.note) for row in rows if row.error or row.note]
    if notes:
        out.append("")
        out.extend(f"* {row.section} / {row.name}: {text}" for row, text in notes)
    return "\n".join(out).rstrip() + "\n"


def summary_line(rows: list[Row]) -> str:
    results = [row.result for row in rows]
    return (
        f"{results.count('PASS')} PASS, {results.count('MISS')} MISS, "
        f"{results.count('ERROR')} ERROR, {results.count('-')} without a budget"
    )


def count_values(node, in_array: bool = False) -> int:
    """Numbers inside arrays of a plotly figure's JSON (base64 typed arrays counted by item)."""
    if isinstance(node, bool):
        return 0
    if isinstance(node, int | float):
        return 1 if in_array else 0
    if isinstance(node, list):
        return sum(count_values(item, True) for item in node)
    if isinstance(node, dict):
        if isinstance(node.get("bdata"), str) and "dtype" in node:
            import numpy as np

            return len(base64.b64decode(node["bdata"])) // np.dtype(node["dtype"]).itemsize
        return sum(count_values(item) for item in node.values())  # a dict's scalars are not data
    return 0


def figure_values(spec: str) -> int:
    return count_values(json.loads(spec).get("data", []))


def floor_points(values: int) -> int:
    """The floor draws x and y lists, two numbers a point: as many numbers as the page's figure."""
    return 0 if values <= 0 else max(1, values // 2)


def rss_from_status(text: str, field_name: str = "VmRSS") -> int:
    """Bytes from a /proc/<pid>/status field such as ``VmRSS:  123456 kB``."""
    for line in text.splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) * 1024
    raise BenchError(f"no {field_name} in /proc status")


def shares(selected: list[str], limit_s: float) -> dict[str, float]:
    """Seconds each selected section may spend; tour sections share their pooled time."""
    total = sum(WEIGHTS[name] for name in selected)
    out = {name: limit_s * WEIGHTS[name] / total for name in selected}
    tour = sum(out[name] for name in selected if name in TOUR_SECTIONS)
    out.update({name: tour for name in selected if name in TOUR_SECTIONS})
    return out


class Pacer:
    """Allows another run while the section's time, plus one more average run, fits its share."""

    def __init__(self, runs: int, share_s: float, clock: Callable[[], float] = time.perf_counter):
        self.runs, self.share_s, self.clock = runs, share_s, clock
        self.started = clock()

    def another(self, done: int) -> bool:
        if done >= self.runs:
            return False
        if done == 0:
            return True
        elapsed = self.clock() - self.started
        return elapsed + elapsed / done <= self.share_s

    def repeat(self) -> Iterator[int]:
        done = 0
        while self.another(done):
            yield done
            done += 1


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start
