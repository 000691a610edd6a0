"""The Stat-Xplore client against the real recorded /schema and /table responses.

recorded/statxplore/ (see its PROVENANCE.md) holds the House of Commons Library's March 2019
recordings and johnjhill/openstats' September 2025 ones. The local mirror serves them as
Stat-Xplore would (gzip, the APIKey header, a JSON message for what it cannot answer): a POST
/table gets the recorded response whose echoed query answers it, else 404.

What the recordings cover, and so what is proven here: Universal Credit households in Great
Britain by month (August 2015 to May 2025), the UC_Households schema, and Housing Benefit by
region and by 2010 constituency. No UC table by council, constituency or MSOA is recorded, so
the client's queries of those are checked id by id against the schemas and earlier recordings;
the shared mirror answers them 404, and the refresh tests at the end answer them with cubes of
DWP's real table exports (tests/statxplore_cubes.py).
"""

import json
import logging
import shutil

import pandas as pd
import pytest

from dashboard import cli
from dashboard.core import build, catalogue, refresh, settings, store
from dashboard.topics.uc import live
from dashboard.topics.uc import statxplore_api as api
from dashboard.topics.uc.sources import statxplore_api_csv as api_csv
from dashboard.topics.uc.sources import statxplore_areas as areas
from tests import statxplore_cubes
from tests.http_mirror import Mirror

KEY = "sx-test-key-123"
RECORDED = "recorded/statxplore"
UC_MONTHS = "table_response_UC_Households_month_openstats.json"
# The request behind UC_MONTHS, as recorded/statxplore/PROVENANCE.md states it.
UC_MONTHS_REQUEST = {
    "database": "str:database:UC_Households",
    "measures": ["str:count:UC_Households:V_F_UC_HOUSEHOLDS"],
    "dimensions": [["str:field:UC_Households:F_UC_HH_DATE:DATE_NAME"]],
}
HB_REGIONS = "table_response_hb_new_region_month_openstats.json"
NOT_RECORDED = "the mirror holds no recorded response to this query"


def recorded(sources, name: str) -> dict:
    path = sources / RECORDED / name
    if not path.is_file():
        pytest.skip(f"recorded response absent: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def schema_ids(node: dict) -> set[str]:
    return {node["id"], *(i for child in node.get("children", []) for i in schema_ids(child))}


@pytest.fixture(scope="module")
def mirror(sources):
    recorded(sources, UC_MONTHS)
    with Mirror(sources, api_key=KEY) as server:
        yield server


@pytest.fixture
def no_key(monkeypatch):
    monkeypatch.delenv(api.KEY_ENV, raising=False)
    monkeypatch.setattr(api, "secrets_files", lambda: [])


@pytest.fixture(scope="module")
def lookups(sources):
    return areas.load_lookups([sources / api.PCON2024_LOOKUP, sources / api.MSOA_LOOKUP])


def test_household_ids_are_the_recorded_schemas(sources):
    households = api.COUNTINGS["households"]
    schema = schema_ids(recorded(sources, "schema_database_UC_Households_openstats.json"))
    assert {households.database, households.measure, households.date_field} <= schema
    assert "str:group:UC_Households:X_Geography+%28residence-based%29" in schema
    # The month field was renamed between the two recordings.
    assert "str:field:UC_Households:F_UC_DATE:DATE_NAME" not in schema
    old = recorded(sources, "table_response_hoclib_example_a.json")
    assert old["query"]["dimensions"][1] == ["str:field:UC_Households:F_UC_DATE:DATE_NAME"]
    months = recorded(sources, UC_MONTHS)["fields"][0]["items"]
    assert all(item["uris"][0].startswith(households.date_value) for item in months)
    # Council: UC_Households' COA_CODE field (2019), and the LA value set of the same DWP
    # hierarchy in hb_new's 2025 schema.
    assert old["query"]["dimensions"][0] == [api.field_id("households", "lad")]
    hb_coa = schema_ids(recorded(sources, "schema_field_hb_new_COA_CODE_openstats.json"))
    for area_type in ("lad", "msoa"):
        value_set = api.GEOGRAPHIES[area_type].value_set
        assert f"str:valueset:hb_new:V_F_HB_NEW:COA_CODE:{value_set}" in hb_coa
    # Constituencies and wards: the fields of hb_new's recorded geography group.
    group = schema_ids(recorded(sources, "schema_group_hb_new_geography_residence_openstats.json"))
    for area_type in ("pcon2024", "pcon2010", "ward", "lad"):
        assert f"str:field:hb_new:V_F_HB_NEW:{api.GEOGRAPHIES[area_type].field}" in group
    hb_pcon = recorded(sources, "table_response_hoclib_example_c.json")["fields"][0]["items"][0]
    assert f":PARLC_CODE:{api.GEOGRAPHIES['pcon2010'].value_set}:" in hb_pcon["uris"][0]
    # What no recording shows is said so where the ids live.
    assert "value set is not recorded" in api.GEOGRAPHIES["pcon2024"].evidence
    assert api.COUNTINGS["people"].evidence.startswith("not recorded")


def test_every_recorded_table_walks_cell_by_cell_and_every_value_is_a_float(sources):
    for path in sorted((sources / RECORDED).glob("table_response_*.json")):
        table = json.loads(path.read_text(encoding="utf-8"))
        sizes = [len(field["items"]) for field in table["fields"]]
        cells = list(api.cells(table))
        assert len(cells) == len(table["cubes"]) * pd.Series(sizes).prod(), path.name
        assert all(type(value) is float for _, _, value in cells), path.name
        assert {measure for measure, _, _ in cells} == set(table["cubes"])


def test_the_gb_query_is_the_recorded_one_and_keeps_provisional_months(mirror):
    query = api.build_query(measure="households", geography_field=None)
    assert query == UC_MONTHS_REQUEST
    table = api.fetch_table(query, base_url=mirror.url, key=KEY)
    assert mirror.encodings["/webapi/rest/v1/table"] == "gzip"
    parsed = api.cube_to_observations(table, dataset="dwp_uc_households_gb_api", area_type="x")
    assert len(parsed) == 118
    assert set(parsed["area_code"]) == {"K03000001"}
    by_month = parsed.set_index(parsed["period_start"].dt.strftime("%Y-%m"))
    # Values read by hand from table_response_UC_Households_month_openstats.json: the first
    # month and the last three. May 2025 equals Great Britain's total in the May 2025 export
    # universal_credit/statxplore_exports/uc_la_households.xlsx (6,575,050, provisional).
    assert by_month.loc["2015-08", "value"] == 98139.0
    assert pd.isna(by_month.loc["2015-08", "status"])
    assert by_month.loc["2025-03", ["value", "status"]].tolist() == [6443343.0, "revised"]
    assert by_month.loc["2025-04", ["value", "status"]].tolist() == [6513685.0, "provisional"]
    assert by_month.loc["2025-05", ["value", "status"]].tolist() == [6575050.0, "provisional"]


def test_a_geography_by_month_table_leaves_its_partial_total_out(sources):
    table = recorded(sources, HB_REGIONS)
    parsed = api.cube_to_observations(
        table,
        dataset="hb",
        area_type="region",
        measure_ids={"str:count:hb_new:V_F_HB_NEW": "housing_benefit_claimants"},
    )
    got = parsed.set_index(["area_code", parsed["period_start"].dt.strftime("%Y-%m")])["value"]
    # North East and London, October to December 2024; the recorded Total (450,397 in October)
    # sums these two only and is no national figure, so it is not an observation.
    assert got[("E12000001", "2024-10")] == 104951.0
    assert got[("E12000007", "2024-12")] == 329053.0
    assert len(parsed) == 6 and 450397.0 not in parsed["value"].tolist()


def test_abroad_and_unknown_are_no_areas_and_codes_come_from_the_value_ids(sources):
    items = recorded(sources, "table_response_hoclib_example_c.json")["fields"][0]["items"]
    places = [api._place(item, "pcon2010", lambda label: None) for item in items[:-1]]
    assert places[0] == ("pcon2010", "E14000554", "Berwick-upon-Tweed")
    assert places[-2:] == [None, None]  # "Abroad" XXZZZZZZZ, "Unknown" ZZXXXXXXX
    assert sum(p is not None for p in places) == 632  # Great Britain's 2010 constituencies


def test_the_client_asks_for_councils_and_2024_constituencies_and_says_what_is_missing(
    mirror, sources
):
    before = len(mirror.requests)
    with pytest.raises(api.StatXploreError) as raised:
        api.refresh(sources=sources, key=KEY, base_url=mirror.url)
    assert str(raised.value) == (
        f'HTTP 404 from {mirror.url}/webapi/rest/v1/table: {{"message": "' + NOT_RECORDED + '"}'
    )
    sent = [json.loads(body) for _, _, _, body in mirror.requests[before:]]
    assert sent[0] == UC_MONTHS_REQUEST  # answered from the recording
    constituencies = sent[1]
    field = "str:field:UC_Households:V_F_UC_HOUSEHOLDS:PCON24"
    assert constituencies["dimensions"] == [[field], [api.COUNTINGS["households"].date_field]]
    codes = [m[0].rsplit(":", 1)[-1] for m in constituencies["recodes"][field]["map"]]
    assert "E14001410" in codes and len(codes) == 632  # Great Britain's 2024 seats
    assert constituencies["recodes"][field]["total"] is False


def test_council_query_uses_the_recorded_hierarchy(lookups):
    query = api.build_query(
        measure="households",
        geography_field="lad",
        month_values=["2025-05"],
        area_codes=["E06000018"],
    )
    assert query["recodes"]["str:field:UC_Households:V_F_UC_HOUSEHOLDS:COA_CODE"]["map"] == [
        [
            "str:value:UC_Households:V_F_UC_HOUSEHOLDS:COA_CODE:"
            "V_C_MASTERGEOG11_LA_TO_REGION:E06000018"
        ]
    ]
    assert query["recodes"][api.COUNTINGS["households"].date_field]["map"] == [
        ["str:value:UC_Households:F_UC_HH_DATE:DATE_NAME:C_UC_HH_DATE:202505"]
    ]
    with pytest.raises(ValueError, match="YYYY-MM"):
        api.build_query(measure="people", geography_field="ward", month_values=["May 2025"])


def test_429_waits_as_retry_after_asks_and_503_is_retried(mirror):
    messages = []
    query = api.build_query(measure="households", geography_field=None)
    for fault in ("429", "flaky"):
        table = api.fetch_table(
            query, base_url=f"{mirror.url}/{fault}", key=KEY, backoff_s=0, progress=messages.append
        )
        assert len(table["fields"][0]["items"]) == 118
        assert mirror.seen[f"/{fault}/webapi/rest/v1/table"] == 2
    assert any("HTTP 429; retrying in 1.0 s as its Retry-After asks" in m for m in messages)
    assert any("HTTP 503; retrying" in m for m in messages)


def test_the_key_follows_a_same_host_redirect_only(mirror, sources):
    query = api.build_query(measure="households", geography_field=None)
    table = api.fetch_table(query, base_url=f"{mirror.url}/307", key=KEY)
    assert len(table["fields"][0]["items"]) == 118
    # Another host name on the same port (localhost, not 127.0.0.1), then another port.
    with Mirror(sources, api_key=KEY) as other:
        for elsewhere in (mirror.elsewhere, other.url):
            mirror.elsewhere = elsewhere
            before = len(mirror.requests)
            with pytest.raises(api.StatXploreError) as raised:
                api.fetch_table(query, base_url=f"{mirror.url}/elsewhere", key=KEY)
            assert str(raised.value) == (
                f"{mirror.url}/elsewhere/webapi/rest/v1/table: HTTP 307 redirect to "
                f"{elsewhere}; a request carrying APIKey is not followed to another host"
            )
            after = mirror.requests[before:]
            assert [r[2].get("Host") for r in after] == [mirror.url.removeprefix("http://")]
        assert other.requests == []


def test_http_401_is_a_key_error_without_the_key(mirror):
    query = api.build_query(measure="households", geography_field=None)
    with pytest.raises(api.StatXploreError, match="rejected the API key") as caught:
        api.fetch_table(query, base_url=mirror.url, key="sx-wrong-key-999")
    assert "sx-wrong-key-999" not in str(caught.value)


def test_html_body_is_an_error(mirror):
    query = api.build_query(measure="households", geography_field=None)
    with pytest.raises(api.StatXploreError, match="HTML page, not a JSON table"):
        api.fetch_table(query, base_url=f"{mirror.url}/html", key=KEY)


def test_timeouts_are_retried_then_fail_in_one_line(mirror, monkeypatch):
    monkeypatch.setattr(mirror, "slow_s", 1.0)
    query = api.build_query(measure="households", geography_field=None)
    with pytest.raises(api.StatXploreError, match=r"ReadTimeout.*gave up after 2 attempts$"):
        api.fetch_table(
            query,
            base_url=f"{mirror.url}/slow",
            key=KEY,
            timeout=(2, 0.2),
            retries=2,
            backoff_s=0,
        )


def test_no_key_gives_the_plain_message_and_sends_nothing(mirror, no_key, capsys):
    before = len(mirror.requests)
    assert api.api_key() is None
    result = api.refresh(base_url=mirror.url, progress=print)
    assert result.observations is None
    assert result.message == (
        "no Stat-Xplore API key (set STATXPLORE_API_KEY or st.secrets); the snapshot is unchanged"
    )
    assert capsys.readouterr().out.strip() == result.message
    assert cli.main(["statxplore", "--base-url", mirror.url]) == 0
    assert result.message in capsys.readouterr().err
    assert len(mirror.requests) == before


def test_key_comes_from_the_environment(monkeypatch, no_key):
    monkeypatch.setenv(api.KEY_ENV, f"  {KEY}\n")
    assert api.api_key() == KEY
    monkeypatch.setenv(api.KEY_ENV, "")
    assert api.api_key() is None


def test_the_key_never_appears_in_logs_errors_or_output(
    mirror, sources, monkeypatch, no_key, caplog, capsys, tmp_path
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(api.KEY_ENV, KEY)
    args = ["statxplore", "--sources", str(sources), "--out", str(tmp_path / "uc.csv")]
    monkeypatch.setattr(mirror, "api_key", "sx-the-server-wants-another-key")
    assert cli.main([*args, "--base-url", mirror.url]) == 1
    rejected = capsys.readouterr()
    assert "rejected the API key" in rejected.err
    monkeypatch.setattr(mirror, "api_key", KEY)
    assert cli.main([*args, "--base-url", mirror.url]) == 1  # no recorded constituency table
    unanswered = capsys.readouterr()
    assert NOT_RECORDED in unanswered.err and len(unanswered.err.strip().splitlines()) <= 3
    assert "127.0.0.1" in caplog.text  # the HTTP library's debug lines were captured too
    for text in (rejected.out, rejected.err, unanswered.out, unanswered.err, caplog.text):
        assert KEY not in text


def test_secrets_file_is_ignored_by_git():
    ignored = (settings.REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored


# --- the refresh end to end: council and constituency cubes made from DWP's real exports -------

LAD, PCON, MSOA = "dwp_uc_households_lad", "dwp_uc_households_pcon2024", "dwp_uc_households_msoa"
ESTIMATE = "uc_households_pcon_estimate"
# The route's area type -> (the publication it refreshes, the export whose newest month the
# cube holds: May 2025 for councils and seats, November 2023 for Nottingham's MSOAs).
CUBES = {
    "lad": (LAD, "dwp_uc_households_lad_may2025"),
    "pcon2024": (PCON, PCON),
    "msoa": (MSOA, MSOA),
}
GB = areas.GREAT_BRITAIN[1]


@pytest.fixture
def export_server(sources, lookups, tmp_path, monkeypatch, no_key):
    """A local Stat-Xplore answering the route's queries: Great Britain by month from the real
    recording; councils, 2024 constituencies and MSOAs from cubes of DWP's exports."""
    uc_months = recorded(sources, UC_MONTHS)
    monkeypatch.setenv(api.KEY_ENV, KEY)
    cubes = {}
    with Mirror(sources, api_key=KEY) as server:
        for area_type, (_, export_id) in CUBES.items():
            export_record = catalogue.get(export_id)
            inputs = build.resolve_inputs(export_record, sources)
            export = build.parse_publication(export_record, inputs)["observations"]
            export = export[export["period_start"] == export["period_start"].max()]
            query = api.build_query(
                measure="households",
                geography_field=area_type,
                area_codes=api.area_codes(area_type, lookups),
            )
            echo, cubes[area_type] = statxplore_cubes.cube(query, area_type, export, uc_months)
            statxplore_cubes.serve(server, tmp_path, area_type, echo, cubes[area_type])
        yield server, cubes


def cube_values(response: dict) -> tuple[str, dict[str, float], str]:
    """(newest month YYYYMM, area code -> its value that month, that month's annotation)."""
    areas_field, months = response["fields"]
    newest = months["items"][-1]
    values = response["cubes"][api.COUNTINGS["households"].measure]["values"]
    codes = [item["uris"][0].rsplit(":", 1)[-1] for item in areas_field["items"]]
    by_code = {code: row[-1] for code, row in zip(codes, values, strict=True)}
    return newest["uris"][0].rsplit(":", 1)[-1], by_code, newest["annotationKeys"][0]


def snapshot_copy(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir(), data)
    return data


def run_refresh(server, sources, data, tmp_path):
    return refresh.refresh(
        data=data,
        downloads=tmp_path / "downloads",
        base_sources=sources,
        only=[LAD, PCON, MSOA],
        base_url=server.url,
    )


def test_a_refresh_loads_the_api_months_over_the_table_export(export_server, sources, tmp_path):
    server, cubes = export_server
    data = snapshot_copy(tmp_path)
    before = {d: store.Snapshot(data).observations([d]) for d in (LAD, PCON, MSOA)}
    run = run_refresh(server, sources, data, tmp_path)
    outcomes = {o.dataset: o for o in run.outcomes}
    assert {d: outcomes[d].status for d in (LAD, PCON, MSOA)} == {
        LAD: refresh.REFRESHED,
        PCON: refresh.REFRESHED,
        MSOA: refresh.REFRESHED,
    }, [o.message for o in run.outcomes]
    snapshot = store.Snapshot(data)
    for area_type, (dataset, _) in CUBES.items():
        after = snapshot.observations([dataset])
        assert not after.duplicated(["measure", "area_code", "period_start"]).any()
        month, expected, marker = cube_values(cubes[area_type])
        mine = after[after["area_type"] == area_type]
        newest = mine[mine["period_start"] == mine["period_start"].max()]
        assert f"{newest['period_start'].iloc[0]:%Y%m}" == month
        places = newest[newest["area_type"] == area_type].set_index("area_code")
        assert places["value"].to_dict() == expected
        assert set(places["status"]) == {api.ANNOTATION_STATUS[marker]}
        assert set(places["source_file"]) == {f"{dataset}.csv"}
        # Great Britain: each month of the recorded series once, the export's months superseded.
        gb = after[after["area_code"] == GB]
        assert len(gb) == 118 and gb["period_start"].is_unique
        assert gb.set_index(gb["period_start"].dt.strftime("%Y-%m"))["value"]["2025-04"] == (
            6513685.0  # table_response_UC_Households_month_openstats.json, read by hand
        )
        # The export's months the API file lacks are kept as they were.
        old = before[dataset]
        kept = old[
            (old["area_type"] == area_type) & (old["period_start"] < newest["period_start"].iloc[0])
        ]
        merged = kept.merge(after, on=["area_code", "period_start"], suffixes=("_old", ""))
        assert len(merged) == len(kept)
        pd.testing.assert_series_equal(merged["value"], merged["value_old"], check_names=False)
        entry = snapshot.manifest["datasets"][dataset]
        live_inputs = [i for i in entry["inputs"] if i["origin"] == "live download"]
        assert [i["path"] for i in live_inputs] == [
            f"universal_credit/statxplore_api/{dataset}.csv"
        ]
    # The council series gains May 2025, which the change report names.
    assert "2025-05-01" in outcomes[LAD].diff.new_periods
    report = refresh.report_markdown(run)
    assert "2025-05-01" in report
    # Great Britain's November 2023, provisional in the export, revised by the API's answer:
    # the report gives both counts in full.
    gb_before, gb_after = (
        frame.set_index(["area_code", "period_start"])["value"][(GB, pd.Timestamp("2023-11-01"))]
        for frame in (before[LAD], snapshot.observations([LAD]))
    )
    assert gb_before != gb_after
    assert f"| {GB} | 2023-11-01 | {gb_before:,.0f} | {gb_after:,.0f} |" in report
    # The estimate has no route: it is rebuilt because it reads the MSOA route's download, and
    # the months that download holds name it as their source.
    assert outcomes[ESTIMATE].message.startswith(f"rebuilt from the download of {MSOA}")
    estimate = snapshot.observations([ESTIMATE])
    month, _, _ = cube_values(cubes["msoa"])
    in_month = estimate["period_start"].dt.strftime("%Y%m") == month
    assert set(estimate.loc[in_month, "source_file"]) == {f"{MSOA}.csv"}
    assert set(estimate.loc[~in_month, "source_file"]) == {"households_on_UC_msoa_15-22.csv"}


@pytest.mark.parametrize("cut", ["mid_line", "at_a_line_break"])
def test_a_damaged_api_csv_keeps_the_last_good_data(
    export_server, sources, tmp_path, monkeypatch, cut
):
    server, _ = export_server
    route = live.StatXploreHouseholds.fetch

    def fetch_then_damage(self, publication, destination, **options):
        found = route(self, publication, destination, **options)
        if publication.id == LAD:
            path = destination / api_csv.path_for(LAD)
            body = path.read_bytes()
            end = len(body) // 2
            if cut == "at_a_line_break":
                end = body.rindex(b"\n", 0, end) + 1
            path.write_bytes(body[:end])
        return found

    monkeypatch.setattr(live.StatXploreHouseholds, "fetch", fetch_then_damage)
    data = snapshot_copy(tmp_path)
    before = store.Snapshot(data).observations([LAD])
    run = run_refresh(server, sources, data, tmp_path)
    outcomes = {o.dataset: o for o in run.outcomes}
    assert outcomes[LAD].status == refresh.FAILED
    message = outcomes[LAD].message
    assert "dwp_uc_households_lad.csv" in message and "\n" not in message
    assert outcomes[PCON].status == refresh.REFRESHED
    pd.testing.assert_frame_equal(store.Snapshot(data).observations([LAD]), before)
