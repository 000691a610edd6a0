"""The Stat-Xplore API refresh against a local server answering with cubes from our exports."""

import json
import logging
import threading
import time
from collections import Counter
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from dashboard import cli
from dashboard.core import settings, store
from dashboard.core.observations import COLUMNS, conform
from dashboard.topics.uc import statxplore_api
from dashboard.topics.uc.sources import statxplore_areas as areas

KEY = "sx-test-key-123"
PCON = "dwp_uc_households_pcon2024"
LAD = "dwp_uc_households_lad_may2025"
HTML_PAGE = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
COMPARED = [*COLUMNS, "status"]
MARKERS = {v: k for k, v in {"p": "provisional", "r": "revised"}.items()}


def snapshot_rows(dataset: str) -> pd.DataFrame:
    snapshot = store.Snapshot(settings.data_dir())
    if dataset not in snapshot.manifest["datasets"]:
        pytest.skip(f"{dataset} is not in the snapshot")
    return snapshot.observations([dataset])


def cube_from(rows: pd.DataFrame, area_type: str) -> dict:
    """A /table response in Stat-Xplore's documented shape holding the snapshot's values."""
    counting = statxplore_api.COUNTINGS["households"]
    prefix = statxplore_api.value_prefix("households", area_type)
    months = sorted(rows["period_start"].unique())
    places = rows.drop_duplicates("area_code")[["area_code", "area_name", "area_type"]]
    place_items = [
        {"type": "RecodeItem", "labels": [areas.TOTAL]}
        if row.area_type == "country"
        else {"type": "RecodeItem", "labels": [row.area_name], "uris": [prefix + row.area_code]}
        for row in places.itertuples()
    ]
    place_items.append({"type": "RecodeItem", "labels": [areas.UNKNOWN], "uris": [prefix + "U"]})
    month_items = []
    for month in months:
        status = rows.loc[rows["period_start"] == month, "status"].dropna().unique()
        marker = f" ({MARKERS[status[0]]})" if len(status) else ""
        month_items.append(
            {
                "type": "RecodeItem",
                "labels": [pd.Timestamp(month).strftime("%B %Y") + marker],
                "uris": [counting.date_value + pd.Timestamp(month).strftime("%Y%m")],
            }
        )
    by_key = rows.set_index(["area_code", "period_start"])["value"]
    values = [[float(by_key[(code, month)]) for month in months] for code in places["area_code"]]
    values.append([None for _ in months])  # Unknown: counted in the Total, no area of its own
    geography = statxplore_api.field_id("households", area_type)
    return {
        "query": {"database": counting.database},
        "database": {"id": counting.database},
        "measures": [{"uri": counting.measure, "label": "Households on Universal Credit"}],
        "fields": [
            {"uri": geography, "label": "Geography", "items": place_items},
            {"uri": counting.date_field, "label": "Month", "items": month_items},
        ],
        "cubes": {counting.measure: {"values": values}},
    }


class TableHandler(BaseHTTPRequestHandler):
    """POST /[fault/]webapi/rest/v1/table; faults: flaky (503 once), html, slow, 400."""

    def __init__(self, *args, server_state, **kwargs):
        self.state = server_state
        super().__init__(*args, **kwargs)

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):  # noqa: N802 (the standard library's name)
        fault, _, rest = self.path.lstrip("/").partition("/")
        if fault not in {"flaky", "html", "slow", "400"}:
            fault, rest = "", self.path.lstrip("/")
        self.state["seen"][self.path] += 1
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.state["requests"].append((self.path, dict(self.headers), body))
        if rest != "webapi/rest/v1/table":
            return self._send(404, b'{"message": "not found"}')
        if self.headers.get("APIKey") != self.state["key"]:
            return self._send(401, b'{"message": "Invalid API key"}')
        if self.headers.get("Content-Type") != "application/json":
            return self._send(415, b'{"message": "Content-Type must be application/json"}')
        if fault == "flaky" and self.state["seen"][self.path] == 1:
            return self._send(503, b"busy")
        if fault == "html":
            return self._send(200, HTML_PAGE, "text/html")
        if fault == "400":
            return self._send(400, b'{"message": "unknown field"}')
        if fault == "slow":
            time.sleep(0.6)
        query = json.loads(body)
        geography = query["dimensions"][0][0]
        cube = self.state["cubes"]["lad" if geography.endswith(":COA_CODE") else "pcon2024"]
        return self._send(200, json.dumps(cube).encode())

    def _send(self, status: int, body: bytes, content_type: str = "application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def rows():
    return {"pcon2024": snapshot_rows(PCON), "lad": snapshot_rows(LAD)}


@pytest.fixture(scope="module")
def server(rows):
    state = {
        "key": KEY,
        "seen": Counter(),
        "requests": [],
        "cubes": {area: cube_from(frame, area) for area, frame in rows.items()},
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(TableHandler, server_state=state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def no_key(monkeypatch):
    monkeypatch.delenv(statxplore_api.KEY_ENV, raising=False)
    monkeypatch.setattr(statxplore_api, "secrets_files", lambda: [])


@pytest.fixture(scope="module")
def lookups(sources):
    return areas.load_lookups([sources / statxplore_api.PCON2024_LOOKUP])


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return conform(frame)[COMPARED].reset_index(drop=True)


def test_query_has_stat_xplore_documented_shape():
    query = statxplore_api.build_query(
        measure="households",
        geography_field="pcon2024",
        month_values=["2025-05", "202504"],
        area_codes=["E14001410"],
    )
    geography = "str:field:UC_Households:V_F_UC_HOUSEHOLDS:PCON24"
    date = statxplore_api.COUNTINGS["households"].date_field
    assert query["database"] == "str:database:UC_Households"
    assert query["measures"] == ["str:count:UC_Households:V_F_UC_HOUSEHOLDS"]
    assert query["dimensions"] == [[geography], [date]]
    assert query["recodes"][geography] == {
        "map": [
            [
                "str:value:UC_Households:V_F_UC_HOUSEHOLDS:PCON24:"
                "V_C_MASTERGEOG21_PARLC24_TO_REGION:E14001410"
            ]
        ],
        "total": True,
    }
    months = query["recodes"][date]["map"]
    assert [m[0][-6:] for m in months] == ["202505", "202504"]
    assert query["recodes"][date]["total"] is False
    json.dumps(query)  # a JSON body as it stands


def test_queries_exist_for_people_and_households_by_every_geography():
    for measure in ("households", "people"):
        for geography in ("pcon2010", "pcon2024", "ward", "lad"):
            query = statxplore_api.build_query(measure=measure, geography_field=geography)
            database = query["database"].removeprefix("str:database:")
            assert query["measures"][0].startswith(f"str:count:{database}:")
            assert all(d[0].startswith(f"str:field:{database}:") for d in query["dimensions"])
    people = statxplore_api.build_query(measure="people", geography_field="ward")
    assert people["database"] == "str:database:UC_Monthly"
    assert people["measures"] == ["str:count:UC_Monthly:V_F_UC_CASELOAD_FULL"]
    with pytest.raises(ValueError, match="YYYY-MM"):
        statxplore_api.build_query(
            measure="people", geography_field="ward", month_values=["May 2025"]
        )


def test_parsed_cube_equals_the_snapshot_rows(server, rows, lookups):
    for area_type, frame in rows.items():
        query = statxplore_api.build_query(
            measure="households",
            geography_field=area_type,
            month_values=["2025-05"],
            area_codes=statxplore_api.area_codes(area_type, lookups),
        )
        table = statxplore_api.fetch_table(query, base_url=server["url"], key=KEY)
        parsed = statxplore_api.cube_to_observations(
            table,
            dataset=frame["dataset"].iloc[0],
            area_type=area_type,
            code_for_label=statxplore_api.label_resolver(area_type, lookups),
        )
        pd.testing.assert_frame_equal(comparable(parsed), comparable(frame))
    _, headers, body = server["requests"][-1]
    assert headers["APIKey"] == KEY
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["measures"] == ["str:count:UC_Households:V_F_UC_HOUSEHOLDS"]


def test_the_three_nottingham_seats_come_through_with_their_official_values(server, sources):
    result = statxplore_api.refresh(
        months=["2025-05"], sources=sources, key=KEY, base_url=server["url"]
    )
    got = result.observations.set_index("area_name")["value"]
    official = pd.concat([snapshot_rows(PCON), snapshot_rows(LAD)]).set_index("area_name")["value"]
    seats = ["Nottingham East", "Nottingham North and Kimberley", "Nottingham South"]
    for name in [*seats, "Nottingham", "Great Britain"]:
        assert got[name].tolist() == official[name].tolist(), name
    assert set(result.observations["dataset"]) == {
        "dwp_uc_households_pcon2024_api",
        "dwp_uc_households_lad_api",
    }


def test_unknown_area_name_fails_loudly(server, lookups):
    table = json.loads(json.dumps(server["cubes"]["pcon2024"]))
    table["fields"][0]["items"][1]["labels"] = ["Nottingham Nowhere"]
    table["fields"][0]["items"][1].pop("uris")
    with pytest.raises(ValueError, match="Nottingham Nowhere"):
        statxplore_api.cube_to_observations(
            table,
            dataset=PCON,
            area_type="pcon2024",
            code_for_label=statxplore_api.label_resolver("pcon2024", lookups),
        )


def test_symbols_and_nulls_are_missing_with_a_status_never_zero(server, lookups):
    table = json.loads(json.dumps(server["cubes"]["lad"]))
    table["cubes"][statxplore_api.COUNTINGS["households"].measure]["values"][1] = [".."]
    table["cubes"][statxplore_api.COUNTINGS["households"].measure]["values"][2] = [None]
    parsed = statxplore_api.cube_to_observations(
        table,
        dataset=LAD,
        area_type="lad",
        code_for_label=statxplore_api.label_resolver("lad", lookups),
    )
    names = [item["labels"][0] for item in table["fields"][0]["items"][1:3]]
    missing = parsed[parsed["area_name"].isin(names)].set_index("area_name")
    assert missing["value"].isna().all()
    assert missing.loc[names[0], "status"] == "provisional; nil or negligible"
    assert missing.loc[names[1], "status"] == f"provisional; {statxplore_api.NULL_STATUS}"


def test_http_401_is_a_key_error_without_the_key(server):
    query = statxplore_api.build_query(measure="households", geography_field="lad")
    with pytest.raises(statxplore_api.StatXploreError, match="rejected the API key") as caught:
        statxplore_api.fetch_table(query, base_url=server["url"], key="sx-wrong-key-999")
    assert "sx-wrong-key-999" not in str(caught.value)


def test_html_body_is_an_error(server):
    query = statxplore_api.build_query(measure="households", geography_field="lad")
    with pytest.raises(statxplore_api.StatXploreError, match="HTML"):
        statxplore_api.fetch_table(query, base_url=f"{server['url']}/html", key=KEY)


def test_a_bad_query_is_reported_with_the_servers_reason(server):
    query = statxplore_api.build_query(measure="households", geography_field="lad")
    with pytest.raises(statxplore_api.StatXploreError, match="HTTP 400.*unknown field"):
        statxplore_api.fetch_table(query, base_url=f"{server['url']}/400", key=KEY)


def test_503_then_200_is_retried(server):
    query = statxplore_api.build_query(measure="households", geography_field="lad")
    messages = []
    table = statxplore_api.fetch_table(
        query, base_url=f"{server['url']}/flaky", key=KEY, backoff_s=0, progress=messages.append
    )
    assert "cubes" in table
    assert server["seen"]["/flaky/webapi/rest/v1/table"] == 2
    assert any("HTTP 503" in m and "retrying" in m for m in messages)


def test_timeouts_are_retried_then_fail(server):
    query = statxplore_api.build_query(measure="households", geography_field="lad")
    with pytest.raises(statxplore_api.StatXploreError, match="Timeout.*gave up after 2"):
        statxplore_api.fetch_table(
            query,
            base_url=f"{server['url']}/slow",
            key=KEY,
            timeout=(2, 0.2),
            retries=2,
            backoff_s=0,
        )


def test_no_key_gives_the_plain_message_and_sends_nothing(server, no_key, capsys):
    before = sum(server["seen"].values())
    assert statxplore_api.api_key() is None
    result = statxplore_api.refresh(base_url=server["url"], progress=print)
    assert result.observations is None
    assert result.message == (
        "no Stat-Xplore API key (set STATXPLORE_API_KEY or st.secrets); the snapshot is unchanged"
    )
    assert capsys.readouterr().out.strip() == result.message
    assert cli.main(["statxplore", "--base-url", server["url"]]) == 0
    assert result.message in capsys.readouterr().err
    assert sum(server["seen"].values()) == before


def test_key_comes_from_the_environment(monkeypatch, no_key):
    monkeypatch.setenv(statxplore_api.KEY_ENV, f"  {KEY}\n")
    assert statxplore_api.api_key() == KEY
    monkeypatch.setenv(statxplore_api.KEY_ENV, "")
    assert statxplore_api.api_key() is None


def test_the_key_never_appears_in_logs_errors_or_output(
    server, sources, monkeypatch, no_key, caplog, capsys, tmp_path
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(statxplore_api.KEY_ENV, KEY)
    out = tmp_path / "uc.csv"
    args = ["statxplore", "--sources", str(sources), "--out", str(out), "--month", "2025-05"]
    server["key"] = "sx-the-server-wants-another-key"
    try:
        assert cli.main([*args, "--base-url", server["url"]]) == 1
    finally:
        server["key"] = KEY
    failed = capsys.readouterr()
    assert "rejected the API key" in failed.err
    assert cli.main([*args, "--base-url", f"{server['url']}/flaky-not-a-fault"]) == 1
    assert cli.main([*args, "--base-url", server["url"]]) == 0
    succeeded = capsys.readouterr()
    written = out.read_text(encoding="utf-8")
    assert "E14001410" in written
    assert "127.0.0.1" in caplog.text  # the HTTP library's debug lines were captured too
    for text in (failed.out, failed.err, succeeded.out, succeeded.err, caplog.text, written):
        assert KEY not in text


def test_secrets_file_is_ignored_by_git():
    ignored = (settings.REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
