"""The benchmark's pure helpers: medians, ratios, verdicts, the table, the floor app. No timings."""

import ast
import base64
import json

import numpy as np
import pytest

from benchmarks import apps, bench, browser, report


def test_median_and_ratio():
    assert report.median([3.0, 1.0, 2.0]) == 2.0
    assert report.median([1.0, 2.0]) == 1.5
    with pytest.raises(ValueError):
        report.median([])
    assert report.ratio(3.0, 2.0) == 1.5
    assert report.ratio(3.0, 0) is None
    assert report.ratio(None, 2.0) is None


@pytest.mark.parametrize(
    "budget, value, ratio, verdict",
    [
        (report.Budget(20.0), 17.8, None, True),
        (report.Budget(1.0), 1.2, None, False),
        (report.Budget(1.5, on="ratio"), 9.0, 1.49, True),
        (report.Budget(1.5, on="ratio"), 0.1, 1.51, False),
        (report.Budget(50.0, at_least=True), 49.0, None, False),
        (report.Budget(50.0, at_least=True), 50.0, None, True),
        (report.Budget(1.5, on="ratio"), 1.0, None, None),
    ],
)
def test_budget_check(budget, value, ratio, verdict):
    assert budget.check(value, ratio) is verdict


def test_budget_and_value_formatting():
    assert report.Budget(0.150).describe("s") == "<= 150 ms"
    assert report.Budget(1.3, on="ratio").describe("s") == "<= 1.3x"
    assert report.Budget(50.0, at_least=True).describe("x") == ">= 50.0x"
    assert report.Budget(report.PAGE_BYTES).describe("bytes") == "<= 1.50 MB"
    assert report.format_value(17.84, "s") == "17.84 s"
    assert report.format_value(0.0423, "s") == "42 ms"
    assert report.format_value(12_345, "bytes") == "12.3 kB"
    assert report.format_value(None, "s") == "n/a"


def test_row_results():
    passed = report.Row("build", "full", 10.0, "s", 5, budget=report.Budget(20.0))
    missed = report.Row(
        "render", "/x", 3.0, "s", 5, ratio=2.0, budget=report.Budget(1.5, on="ratio")
    )
    plain = report.Row("memory", "snapshot", 1e6, "bytes", 1)
    broken = report.error_row("coldstart", "(whole section)", RuntimeError("no\nChromium"))
    assert [r.result for r in (passed, missed, plain, broken)] == ["PASS", "MISS", "-", "ERROR"]
    assert broken.error == "RuntimeError: no Chromium"
    assert report.summary_line([passed, missed, plain, broken]) == (
        "1 PASS, 1 MISS, 1 ERROR, 1 without a budget"
    )


def test_table_aligns_columns_and_lists_notes():
    rows = [
        report.Row(
            "render",
            "/overview",
            0.42,
            "s",
            5,
            reference="floor 300 ms",
            ratio=1.4,
            budget=report.Budget(1.5, on="ratio"),
            note="floor: 3 rows",
        ),
        report.error_row("bytes", "(whole section)", "no Chromium"),
    ]
    text = report.format_table(rows)
    lines = text.splitlines()
    assert lines[0].split() == [
        "section",
        "measure",
        "median",
        "runs",
        "reference",
        "ratio",
        "budget",
        "result",
    ]
    assert lines[1].startswith("-------")
    assert "420 ms" in lines[2] and "1.40x" in lines[2] and lines[2].rstrip().endswith("PASS")
    assert lines[3].rstrip().endswith("ERROR")
    assert lines[0].index("median") == lines[2].index("420 ms")
    assert "* render / /overview: floor: 3 rows" in text
    assert "* bytes / (whole section): no Chromium" in text


def test_floor_app_takes_its_default_sizes_from_its_arguments():
    source = apps.FLOOR_APP.read_text()
    tree = ast.parse(source)
    assert "st.plotly_chart" in source and "st.dataframe" in source
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported == {"sys", "numpy", "pandas", "plotly.graph_objects", "streamlit"}
    # The argument parsing alone, without running the app: SIZES and defaults().
    parsing = [
        node
        for node in tree.body
        if getattr(node, "name", None) == "defaults"
        or (isinstance(node, ast.Assign) and node.targets[0].id == "SIZES")
    ]
    namespace: dict = {}
    exec(compile(ast.Module(parsing, []), "floor_app", "exec"), namespace)  # noqa: S102
    args = apps.floor_args(131, 5, 200)
    assert args == ["rows=131", "cols=5", "points=200"]
    assert namespace["defaults"]([*args, "--quick"]) == {"rows": 131, "cols": 5, "points": 200}
    assert apps.floor_query(131, 5, 200) == "?rows=131&cols=5&points=200"


def test_figure_values_count_array_numbers_only():
    spec = {
        "data": [
            {"type": "scatter", "x": [1.0, 2.0, None, 3.0], "y": [4, 5, None, 6], "opacity": 0.5},
            {"type": "scatter", "x": [[0.1, 0.2], [0.3, 0.4]], "showlegend": True},
            {"type": "bar", "y": {"dtype": "f8", "bdata": base64.b64encode(np.zeros(10)).decode()}},
        ],
        "layout": {"xaxis": {"range": [0, 100]}},
    }
    assert report.figure_values(json.dumps(spec)) == 3 + 3 + 4 + 10
    assert report.floor_points(0) == 0
    assert report.floor_points(1) == 1
    assert report.floor_points(304) == 152


def test_rss_from_proc_status():
    status = "Name:\tpython\nVmHWM:\t  250000 kB\nVmRSS:\t  204800 kB\nThreads:\t9\n"
    assert report.rss_from_status(status) == 204800 * 1024
    assert report.rss_from_status(status, "VmHWM") == 250000 * 1024
    with pytest.raises(report.BenchError):
        report.rss_from_status("Name:\tpython\n")


def test_arguments():
    assert bench.parse_args([]).runs == bench.DEFAULT_RUNS
    assert bench.parse_args([]).only == list(report.SECTIONS)
    quick = bench.parse_args(["--quick", "--only", "naive", "--only", "build"])
    assert quick.runs == 1 and quick.only == ["build", "naive"]
    assert quick.max_minutes == bench.DEFAULT_MAX_MINUTES
    with pytest.raises(SystemExit):
        bench.parse_args(["--only", "everything"])


def test_shares_pool_the_browser_tour():
    shares = report.shares(["build", "coldstart", "memory"], 600)
    weights = report.WEIGHTS
    total = weights["build"] + weights["coldstart"] + weights["memory"]
    assert shares["build"] == pytest.approx(600 * weights["build"] / total)
    assert shares["coldstart"] == shares["memory"] == pytest.approx(600 - shares["build"])
    assert report.shares(["naive"], 60) == {"naive": 60}


def test_pacer_stops_when_another_run_would_overrun_the_share():
    now = [0.0]
    pacer = report.Pacer(runs=5, share_s=100, clock=lambda: now[0])
    made = []
    for run in pacer.repeat():
        made.append(run)
        now[0] += 30  # each run takes 30 s: 30, 60, 90 fit; a fourth would end at 120
    assert made == [0, 1, 2]
    slow = report.Pacer(runs=5, share_s=1, clock=lambda: now[0])
    made = []
    for run in slow.repeat():
        made.append(run)
        now[0] += 30
    assert made == [0]  # the first run always happens, however slow
    assert list(report.Pacer(runs=2, share_s=1e9).repeat()) == [0, 1]


def test_static_bytes_counts_frontend_files_once_per_request(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "chart.abc.js").write_bytes(b"x" * 300)
    (tmp_path / "favicon.png").write_bytes(b"y" * 20)
    urls = [
        "http://127.0.0.1:8501/prison",  # the page itself: not a static file
        "http://127.0.0.1:8501/static/js/chart.abc.js",
        "http://127.0.0.1:8501/static/js/chart.abc.js?v=2",  # requested twice, counted twice
        "http://127.0.0.1:8501/favicon.png",
        "http://127.0.0.1:8501/static/js/missing.js",  # not on disk: nothing to count
        "http://127.0.0.1:8501/_stcore/health",
    ]
    assert browser.static_bytes(urls, root=tmp_path) == 620
    assert browser.static_bytes([], root=tmp_path) == 0


def test_page_time_row_pairs_app_and_floor_medians():
    def tour(app_s, floor_s):
        return {
            "app": {"pages": {"prison": {"first_chart_s": app_s}}},
            "floor": {"pages": {"prison": {"first_chart_s": floor_s}}},
        }

    tours = [tour(3.0, 2.0), tour(3.3, 2.2), tour(9.0, 2.1)]
    row = bench._page_time_row(
        tours,
        "prison",
        "first_chart_s",
        "/prison: first chart",
        budget=report.Budget(report.FIRST_CHART_X_FLOOR, on="ratio"),
        note=lambda app, floor: f"gap {app - floor:.1f}",
    )
    assert (row.value, row.runs, row.reference) == (3.3, 3, "floor 2.10 s")
    assert row.ratio == pytest.approx(3.3 / 2.1)
    assert row.result == "MISS"
    assert row.note == "gap 1.2"
