"""The app and the framework floor under AppTest: a page's shape (its largest table and figure),
and the context the sections share (shapes, the floor's sizes); whole-process runs of the
command line."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import BenchError, Pacer, figure_values, floor_points, log, timed
from dashboard.core import settings

APP = settings.REPO_ROOT / "dashboard" / "app.py"

APPTEST_TIMEOUT_S = 120


FLOOR_APP = Path(__file__).with_name("floor_app.py")


def run_dashboard(arguments: list[str], sources: Path, *, timeout_s: float) -> tuple[float, str]:
    """``python -m dashboard <arguments>`` as its own process: (seconds, its output)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", *arguments],
        cwd=settings.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**os.environ, settings.SOURCES_ENV: str(sources)},
    )
    elapsed = time.perf_counter() - start
    output = done.stderr + done.stdout
    if done.returncode != 0:
        raise BenchError(f"{arguments[0]} exited {done.returncode}: {output[-800:]}")
    return elapsed, output


def floor_args(rows: int, cols: int, points: int) -> list[str]:
    """The floor app's default sizes, as ``streamlit run floor_app.py`` passes them to it."""
    return [f"rows={rows}", f"cols={cols}", f"points={points}"]


def floor_query(rows: int, cols: int, points: int) -> str:
    return f"?rows={rows}&cols={cols}&points={points}"


@dataclass
class PageShape:
    """What a page draws, read from the AppTest element tree of one run."""

    url_path: str
    rows: int = 0
    cols: int = 0
    values: int = 0  # numbers in the largest plotly figure's data arrays
    figure_bytes: int = 0  # JSON size of that figure
    charts: int = 0
    first_run_s: float = 0.0
    error: str = ""

    @property
    def points(self) -> int:
        return floor_points(self.values)

    @property
    def floor_args(self) -> list[str]:
        return floor_args(self.rows, self.cols, self.points)

    @property
    def query(self) -> str:
        return floor_query(self.rows, self.cols, self.points)


def page_script(url_path: str, seat: str, boundary_set: str) -> None:
    """Runs inside AppTest as a script: draw one page for one selection (as tests/test_app.py)."""
    from dashboard.topics import registry
    from dashboard.ui.state import Selection

    spec = registry.page(url_path)
    spec.render(Selection(seat, boundary_set))


def page_with_sidebar(url_path: str) -> None:
    """Runs inside AppTest: the app's real sidebar controls, then one page."""
    from dashboard.topics import registry
    from dashboard.ui import state

    spec = registry.page(url_path)
    spec.render(state.sidebar_selection())


def apptest_page(url_path: str):
    from streamlit.testing.v1 import AppTest

    from dashboard import geography

    return AppTest.from_function(
        page_script,
        kwargs={
            "url_path": url_path,
            "seat": geography.DEFAULT_SEAT,
            "boundary_set": geography.DEFAULT_SET,
        },
        default_timeout=APPTEST_TIMEOUT_S,
    )


def apptest_floor(shape: PageShape):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(FLOOR_APP), default_timeout=APPTEST_TIMEOUT_S)
    at.query_params["rows"] = str(shape.rows)
    at.query_params["cols"] = str(shape.cols)
    at.query_params["points"] = str(shape.points)
    return at


def run_clean(at) -> float:
    elapsed = timed(at.run)
    if at.exception:
        raise BenchError("; ".join(str(e.value)[:200] for e in at.exception))
    return elapsed


def shape_of(url_path: str, at, elapsed: float) -> PageShape:
    shape = PageShape(url_path, first_run_s=elapsed)
    frames = [element.value for element in at.dataframe]
    if frames:
        largest = max(frames, key=lambda f: len(f) * max(len(f.columns), 1))
        shape.rows, shape.cols = len(largest), len(largest.columns)
    specs = [element.proto.spec for element in at.get("plotly_chart")]
    shape.charts = len(specs)
    if specs:
        sized = [(figure_values(spec), len(spec.encode())) for spec in specs]
        shape.values, shape.figure_bytes = max(sized)
    return shape


class Context:
    """What several sections share within one invocation: the page shapes."""

    def __init__(self, workdir: Path, runs: int = 1, shares_s: dict[str, float] | None = None):
        self.workdir = workdir
        self.runs = runs
        self.shares_s = shares_s or {}
        self._shapes: list[PageShape] | None = None
        self._tours: list[dict] | None = None
        self._tour_error: Exception | None = None

    def shapes(self) -> list[PageShape]:
        if self._shapes is None:
            from dashboard.topics import registry

            self._shapes = []
            for spec in registry.PAGES:
                log(f"probe /{spec.url_path}")
                at = apptest_page(spec.url_path)
                try:
                    shape = shape_of(spec.url_path, at, run_clean(at))
                except Exception as error:  # a broken page is one ERROR row, not a lost table
                    shape = PageShape(spec.url_path, error=f"{type(error).__name__}: {error}")
                self._shapes.append(shape)
        return self._shapes

    def pacer(self, section: str) -> Pacer:
        return Pacer(self.runs, self.shares_s.get(section, float("inf")))
