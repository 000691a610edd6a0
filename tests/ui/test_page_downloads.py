"""Every CSV a page offers loads with ``pd.read_csv(path)`` and no arguments (issue 19).

Each tab of each page runs under AppTest with ``download_button`` wrapped, so the test sees
exactly what the page would hand a browser (the callable is made only when clicked), then
writes each file to disk and reads it back as a researcher would.
"""

import inspect
import zipfile

import pandas as pd
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from dashboard.topics import registry

# Built once per snapshot and checked in tests/test_exports.py (every observation, the snapshot).
WHOLE_SNAPSHOT = (
    "nottingham-east-dashboard-observations.zip",
    "nottingham-east-dashboard-snapshot.zip",
)


def render(url_path: str) -> None:
    from dashboard.topics import registry
    from dashboard.ui.state import Selection

    registry.page(url_path).render(Selection("east", "pcon2024"))


@pytest.fixture
def offered(monkeypatch):
    """(file name, data) of every download button drawn while the fixture is active."""
    seen: dict[str, object] = {}
    original = DeltaGenerator.download_button
    signature = inspect.signature(original)

    def record(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        seen[bound.arguments["file_name"]] = bound.arguments["data"]
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: record(st._main, *a, **k))
    return seen


def _csvs(name: str, raw: bytes, folder) -> list:
    """The CSV files a download holds, written to disk: itself, or the CSVs inside its zip."""
    path = folder / name
    path.write_bytes(raw)
    if name.endswith(".csv"):
        return [path]
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.namelist() if m.endswith(".csv")]
        assert {"README.txt", "datapackage.json"} <= set(archive.namelist()), name
        archive.extractall(folder / name.removesuffix(".zip"), members)
    return [folder / name.removesuffix(".zip") / m for m in members]


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda spec: spec.url_path)
def test_every_csv_download_loads_with_plain_read_csv(spec, offered, tmp_path):
    key, tabs = spec.tab_key, spec.tabs
    for tab in tabs or (None,):
        at = AppTest.from_function(render, kwargs={"url_path": spec.url_path}, default_timeout=120)
        if tab:
            at.query_params[key] = tab
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    files = {n: d for n, d in offered.items() if n.endswith((".csv", ".zip"))}
    if spec.url_path == "overview":
        assert not files  # the overview offers briefings (Word, HTML), not tables
        return
    assert files, f"{spec.url_path} offers no CSV"
    for name, data in files.items():
        if name in WHOLE_SNAPSHOT:
            continue
        raw = data() if callable(data) else data
        for path in _csvs(name, raw.encode() if isinstance(raw, str) else raw, tmp_path):
            frame = pd.read_csv(path)
            assert len(frame.columns) > 1 and len(frame) > 0, path.name
            assert not str(frame.columns[0]).startswith("#"), path.name


@pytest.mark.parametrize("url_path", ["ae", "prison"])
def test_charts_save_as_png_named_after_the_chart_seat_and_source(url_path):
    import json

    at = AppTest.from_function(render, kwargs={"url_path": url_path}, default_timeout=120)
    at.query_params["area"] = "E14001410"
    at.run()
    charts = at.get("plotly_chart")
    assert charts
    for chart in charts:
        options = json.loads(chart.proto.config)["toImageButtonOptions"]
        assert options["format"] == "png" and options["scale"] == 2
        name = options["filename"]
        assert name.startswith(url_path) and "_E14001410_" in name, name
        assert name != "newplot"
