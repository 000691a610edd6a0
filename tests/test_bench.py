"""The benchmark's pure helpers: medians, ratios, verdicts, the table, the floor app. No timings."""

import ast
import base64
import json

import numpy as np
import pytest

from benchmarks import bench


def test_median_and_ratio():
    assert bench.median([3.0, 1.0, 2.0]) == 2.0
    assert bench.median([1.0, 2.0]) == 1.5
    with pytest.raises(ValueError):
        bench.median([])
    assert bench.ratio(3.0, 2.0) == 1.5
    assert bench.ratio(3.0, 0) is None
    assert bench.ratio(None, 2.0) is None


@pytest.mark.parametrize(
    "budget, value, ratio, verdict",
    [
        (bench.Budget(20.0), 17.8, None, True),
        (bench.Budget(1.0), 1.2, None, False),
        (bench.Budget(1.5, on="ratio"), 9.0, 1.49, True),
        (bench.Budget(1.5, on="ratio"), 0.1, 1.51, False),
        (bench.Budget(50.0, at_least=True), 49.0, None, False),
        (bench.Budget(50.0, at_least=True), 50.0, None, True),
        (bench.Budget(1.5, on="ratio"), 1.0, None, None),
    ],
)
def test_budget_check(budget, value, ratio, verdict):
    assert budget.check(value, ratio) is verdict


def test_budget_and_value_formatting():
    assert bench.Budget(0.150).describe("s") == "<= 150 ms"
    assert bench.Budget(1.3, on="ratio").describe("s") == "<= 1.3x"
    assert bench.Budget(50.0, at_least=True).describe("x") == ">= 50.0x"
    assert bench.Budget(bench.PAGE_BYTES).describe("bytes") == "<= 1.50 MB"
    assert bench.format_value(17.84, "s") == "17.84 s"
    assert bench.format_value(0.0423, "s") == "42 ms"
    assert bench.format_value(12_345, "bytes") == "12.3 kB"
    assert bench.format_value(None, "s") == "n/a"


def test_row_results():
    passed = bench.Row("build", "full", 10.0, "s", 5, budget=bench.Budget(20.0))
    missed = bench.Row("render", "/x", 3.0, "s", 5, ratio=2.0, budget=bench.Budget(1.5, on="ratio"))
    plain = bench.Row("memory", "snapshot", 1e6, "bytes", 1)
    broken = bench.error_row("coldstart", "(whole section)", RuntimeError("no\nChromium"))
    assert [r.result for r in (passed, missed, plain, broken)] == ["PASS", "MISS", "-", "ERROR"]
    assert broken.error == "RuntimeError: no Chromium"
    assert bench.summary_line([passed, missed, plain, broken]) == (
        "1 PASS, 1 MISS, 1 ERROR, 1 without a budget"
    )


def test_table_aligns_columns_and_lists_notes():
    rows = [
        bench.Row(
            "render",
            "/overview",
            0.42,
            "s",
            5,
            reference="floor 300 ms",
            ratio=1.4,
            budget=bench.Budget(1.5, on="ratio"),
            note="floor: 3 rows",
        ),
        bench.error_row("bytes", "(whole section)", "no Chromium"),
    ]
    text = bench.format_table(rows)
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


def test_floor_script_is_valid_python_with_the_sizes_as_defaults():
    source = bench.floor_script(rows=131, cols=5, points=200)
    tree = ast.parse(source)
    assert 'DEFAULTS = {"rows": 131, "cols": 5, "points": 200}' in source
    assert "st.plotly_chart" in source and "st.dataframe" in source
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported == {"numpy", "pandas", "plotly.graph_objects", "streamlit"}
    assert bench.floor_query(131, 5, 200) == "?rows=131&cols=5&points=200"


def test_figure_values_count_array_numbers_only():
    spec = {
        "data": [
            {"type": "scatter", "x": [1.0, 2.0, None, 3.0], "y": [4, 5, None, 6], "opacity": 0.5},
            {"type": "scatter", "x": [[0.1, 0.2], [0.3, 0.4]], "showlegend": True},
            {"type": "bar", "y": {"dtype": "f8", "bdata": base64.b64encode(np.zeros(10)).decode()}},
        ],
        "layout": {"xaxis": {"range": [0, 100]}},
    }
    assert bench.figure_values(json.dumps(spec)) == 3 + 3 + 4 + 10
    assert bench.floor_points(0) == 0
    assert bench.floor_points(1) == 1
    assert bench.floor_points(304) == 152


def test_rss_from_proc_status():
    status = "Name:\tpython\nVmHWM:\t  250000 kB\nVmRSS:\t  204800 kB\nThreads:\t9\n"
    assert bench.rss_from_status(status) == 204800 * 1024
    assert bench.rss_from_status(status, "VmHWM") == 250000 * 1024
    with pytest.raises(bench.BenchError):
        bench.rss_from_status("Name:\tpython\n")


def test_arguments():
    assert bench.parse_args([]).runs == bench.DEFAULT_RUNS
    assert bench.parse_args([]).only == list(bench.SECTIONS)
    quick = bench.parse_args(["--quick", "--only", "naive", "--only", "build"])
    assert quick.runs == 1 and quick.only == ["build", "naive"]
    assert quick.max_minutes == bench.DEFAULT_MAX_MINUTES
    with pytest.raises(SystemExit):
        bench.parse_args(["--only", "everything"])


def test_shares_pool_the_browser_tour():
    shares = bench.shares(["build", "coldstart", "memory"], 600)
    weights = bench.WEIGHTS
    total = weights["build"] + weights["coldstart"] + weights["memory"]
    assert shares["build"] == pytest.approx(600 * weights["build"] / total)
    assert shares["coldstart"] == shares["memory"] == pytest.approx(600 - shares["build"])
    assert bench.shares(["naive"], 60) == {"naive": 60}


def test_pacer_stops_when_another_run_would_overrun_the_share():
    now = [0.0]
    pacer = bench.Pacer(runs=5, share_s=100, clock=lambda: now[0])
    made = []
    for run in pacer.repeat():
        made.append(run)
        now[0] += 30  # each run takes 30 s: 30, 60, 90 fit; a fourth would end at 120
    assert made == [0, 1, 2]
    slow = bench.Pacer(runs=5, share_s=1, clock=lambda: now[0])
    made = []
    for run in slow.repeat():
        made.append(run)
        now[0] += 30
    assert made == [0]  # the first run always happens, however slow
    assert list(bench.Pacer(runs=2, share_s=1e9).repeat()) == [0, 1]


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
    assert bench.static_bytes(urls, root=tmp_path) == 620
    assert bench.static_bytes([], root=tmp_path) == 0


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
        budget=bench.Budget(bench.FIRST_CHART_X_FLOOR, on="ratio"),
        note=lambda app, floor: f"gap {app - floor:.1f}",
    )
    assert (row.value, row.runs, row.reference) == (3.3, 3, "floor 2.10 s")
    assert row.ratio == pytest.approx(3.3 / 2.1)
    assert row.result == "MISS"
    assert row.note == "gap 1.2"
