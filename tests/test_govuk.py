"""GOV.UK Content API discovery and download against a local server in the API's documented shape.

The JSON below follows the content schemas (document_collection: ``links.documents``;
publication and statistical_data_set: ``details.attachments`` with ``url``, ``title``,
``content_type``, ``filename``). The files it points to are the real mirror files, served in
place, so a download can be compared byte for byte with them.

/api/content/<path>            the item
/500/api/content/<path>        HTTP 500 on every request
/html/api/content/<path>       an HTML page with status 200, as a CDN error page would be
/noattach/api/content/<path>   documents without details.attachments
/files/<path>                  a file from the sources folder
"""

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dashboard import cli
from dashboard.core import fetch, govuk

NEWEST = "prisons/prisoncap_walkforward/safety_capacity_test.csv"
OLDER = "prisons/prisoncap_walkforward/monthly_establishments_nottingham_extract.csv"
CORRECTED = "prisons/prt_bromley_briefings/self_harm_earlier_version_2004-2023.csv"
ASSAULTS = "prisons/prt_bromley_briefings/assaults.csv"
SELF_HARM = "prisons/prt_bromley_briefings/self_harm.csv"
HCLIC_NEW = (
    "homelessness/hclic_detailed_la/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods"
)
HCLIC_OLD = (
    "homelessness/hclic_detailed_la/Statutory_Homelessness_Detailed_Local_Authority_Data_202509.ods"
)
SERVED = (NEWEST, OLDER, CORRECTED, ASSAULTS, SELF_HARM, HCLIC_NEW, HCLIC_OLD)
HTML_PAGE = b"<!DOCTYPE html><html><body><h1>GOV.UK is busy</h1></body></html>"
CONTENT_TYPES = {".csv": "text/csv", ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


def attachment(host: str, title: str, path: str) -> dict:
    name = path.rsplit("/", 1)[-1]
    return {
        "attachment_type": "file",
        "id": name,
        "title": title,
        "url": f"{host}/files/{path}",
        "content_type": CONTENT_TYPES[name[name.rindex(".") :]],
        "filename": name,
    }


def release(slug: str, title: str, first: str, updated: str, attachments: list) -> dict:
    return {
        "base_path": f"/government/statistics/{slug}",
        "document_type": "official_statistics",
        "schema_name": "publication",
        "title": title,
        "first_published_at": first,
        "public_updated_at": updated,
        "details": {"attachments": attachments},
        "links": {},
    }


def items(host: str) -> dict:
    """Content API items by path; attachment URLs point back at this server."""
    releases = [
        release(
            "safety-in-custody-quarterly-update-to-december-2025",
            "Safety in custody: quarterly update to December 2025",
            "2026-04-30T09:30:00.000+01:00",
            "2026-04-30T09:30:00.000+01:00",
            [
                attachment(host, "Safety in custody summary tables", OLDER),
                attachment(host, "Assaults in prison custody 2000 to 2025", ASSAULTS),
                attachment(host, "Self-harm in prison custody 2004 to 2025", SELF_HARM),
            ],
        ),
        release(
            # An old edition corrected last: its public_updated_at is the latest of all.
            "safety-in-custody-quarterly-update-to-june-2023",
            "Safety in custody: quarterly update to June 2023",
            "2023-10-26T09:30:00.000+01:00",
            "2026-08-14T12:00:00.000+01:00",
            [attachment(host, "Safety in custody summary tables", CORRECTED)],
        ),
        release(
            "safety-in-custody-self-harm-and-assaults-to-march-2026",
            "Safety in custody: self-harm and assaults to March 2026",
            "2026-07-30T09:30:00.000+01:00",
            "2026-07-30T09:30:00.000+01:00",
            [
                {
                    "attachment_type": "html",
                    "id": "1",
                    "title": "Safety in custody summary tables (accessible version)",
                    "url": "/government/statistics/safety-in-custody-march-2026/summary",
                },
                attachment(host, "Safety in custody summary tables", NEWEST),
            ],
        ),
    ]
    collection = {
        "base_path": govuk.SAFETY,
        "document_type": "document_collection",
        "schema_name": "document_collection",
        "title": "Safety in custody statistics",
        "first_published_at": "2014-07-31T09:30:00.000+01:00",
        "public_updated_at": "2026-08-14T12:00:00.000+01:00",
        "details": {"collection_groups": [{"title": "Quarterly", "documents": []}]},
        "links": {
            "documents": [
                {
                    "api_path": f"/api/content{r['base_path']}",
                    "base_path": r["base_path"],
                    "document_type": r["document_type"],
                    "schema_name": "publication",
                    "title": r["title"],
                    "public_updated_at": r["public_updated_at"],
                    "withdrawn": False,
                }
                for r in releases
            ]
        },
    }
    live_tables = {
        "base_path": govuk.HOMELESSNESS_TABLES,
        "document_type": "statistical_data_set",
        "schema_name": "statistical_data_set",
        "title": "Live tables on homelessness",
        "first_published_at": "2012-12-13T09:30:00.000+00:00",
        "public_updated_at": "2026-04-30T09:30:00.000+01:00",
        "details": {
            "attachments": [
                attachment(
                    host,
                    "Statutory homelessness: detailed local authority-level tables: "
                    "October to December 2025",
                    HCLIC_NEW,
                ),
                attachment(
                    host,
                    "Statutory homelessness: detailed local authority-level tables: "
                    "July to September 2025",
                    HCLIC_OLD,
                ),
            ]
        },
    }
    found = {r["base_path"]: r for r in releases}
    found[govuk.SAFETY] = collection
    found[govuk.HOMELESSNESS_TABLES] = live_tables
    return found


class ContentApiHandler(BaseHTTPRequestHandler):
    sources = None  # set on a subclass per server
    seen: list

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.seen.append(self.path)
        fault, _, rest = self.path.lstrip("/").partition("/")
        if fault not in {"500", "html", "noattach"}:
            fault, rest = "", self.path.lstrip("/")
        if rest.startswith("files/"):
            file = (self.sources / rest.removeprefix("files/")).resolve()
            if self.sources not in file.parents or not file.is_file():
                return self._send(404, b"not found")
            return self._send(200, file.read_bytes(), "application/octet-stream")
        if not rest.startswith("api/content/"):
            return self._send(404, b"not found")
        if fault == "500":
            return self._send(500, b"server error")
        if fault == "html":
            return self._send(200, HTML_PAGE, "text/html")
        item = items(f"http://{self.headers['Host']}").get(rest.removeprefix("api/content"))
        if item is None:
            return self._send(404, b'{"error": "not found"}', "application/json")
        if fault == "noattach" and "attachments" in item["details"]:
            item["details"] = {"body": "<p>Tables are attached.</p>"}
        return self._send(200, json.dumps(item).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str = "text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server(sources):
    missing = [path for path in SERVED if not (sources / path).is_file()]
    if missing:
        pytest.skip(f"mirror files absent from {sources}: {', '.join(missing)}")
    handler = type("Handler", (ContentApiHandler,), {"sources": sources.resolve(), "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.seen = handler.seen
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_attachments_come_newest_release_first_by_first_publication(server):
    found = govuk.latest_documents(
        govuk.SAFETY, title_contains="safety in custody SUMMARY tables", base_url=server.url
    )
    # The corrected 2023 edition has the latest public_updated_at but is the oldest release;
    # the HTML attachment of the newest release is a web page, not a file, and is left out.
    assert [r["url"].split("/files/")[1] for r in found] == [NEWEST, OLDER, CORRECTED]
    newest = found[0]
    assert newest["published"] == "2026-07-30T09:30:00+01:00"
    assert newest["document_title"] == "Safety in custody: self-harm and assaults to March 2026"
    assert newest["filename"] == "safety_capacity_test.csv"
    assert newest["content_type"] == "text/csv"


def test_discover_uses_the_catalogue_route_and_one_request_per_item(server):
    before = len(server.seen)
    chosen = govuk.discover("moj_safety_national", base_url=server.url)
    assert [r["title"] for r in chosen] == [
        "Assaults in prison custody 2000 to 2025",
        "Self-harm in prison custody 2004 to 2025",
    ]
    assert {r["folder"] for r in chosen} == {"prisons/moj_safety_in_custody"}
    assert len(server.seen) - before == 4  # the collection and its three releases, once each


def test_download_latest_is_byte_identical_logged_and_says_no_parser_yet(server, sources, tmp_path):
    messages = []
    results = govuk.download_latest(
        tmp_path,
        only=["moj_safety_by_prison_2025_26"],
        base_url=server.url,
        progress=messages.append,
    )
    (result,) = results
    relative = "prisons/moj_safety_in_custody/safety_capacity_test.csv"
    assert result["path"] == relative
    assert result["sha256"] == sha256(sources / NEWEST) == sha256(tmp_path / relative)
    assert result["bytes"] == (sources / NEWEST).stat().st_size
    assert result["parsed"] is False
    assert result["message"] == (
        f"moj_safety_by_prison_2025_26: downloaded {relative}; no parser yet for this layout (we "
        "parse only prisons/prisoncap_walkforward/safety_capacity_test.csv): the snapshot keeps "
        "moj_safety_by_prison_2025_26"
    )
    assert result["message"] in messages
    log = json.loads((tmp_path / fetch.FETCH_LOG).read_text())
    assert set(log) == {relative}
    entry = log[relative]
    assert entry["url"] == f"{server.url}/files/{NEWEST}"
    assert entry["sha256"] == result["sha256"] and entry["retrieved_at"]
    assert entry["dataset"] == "moj_safety_by_prison_2025_26"
    assert entry["document"] == (
        "/government/statistics/safety-in-custody-self-harm-and-assaults-to-march-2026"
    )


def test_a_layout_we_parse_lands_where_the_build_reads_it(server, sources, tmp_path):
    (result,) = govuk.download_latest(
        tmp_path, only=["mhclg_hclic_detailed_la"], base_url=server.url
    )
    # One page, one date: the publisher's order decides, and it lists the newest quarter first.
    assert result["path"] == HCLIC_NEW
    assert result["parsed"] is True
    assert "the mhclg_hclic_detailed_la parser reads this layout" in result["message"]
    assert sha256(tmp_path / HCLIC_NEW) == sha256(sources / HCLIC_NEW)
    assert set(json.loads((tmp_path / fetch.FETCH_LOG).read_text())) == {HCLIC_NEW}


def test_http_500_retries_then_fails_naming_the_url(server, tmp_path):
    with pytest.raises(
        fetch.FetchError, match=r"HTTP 500 from .*/500/api/content.*gave up after 2"
    ):
        govuk.download_latest(
            tmp_path,
            only=["moj_safety_by_prison_2025_26"],
            base_url=f"{server.url}/500",
            retries=2,
            backoff_s=0,
        )
    assert list(tmp_path.iterdir()) == []


def test_an_html_page_instead_of_json_fails_at_once(server):
    with pytest.raises(fetch.FetchError, match="sent an HTML page, not a .json file"):
        govuk.content(govuk.SAFETY, base_url=f"{server.url}/html", backoff_s=5)


def test_json_without_details_attachments_fails_clearly(server):
    with pytest.raises(govuk.FormatError, match=r"/noattach/api/content/government/statistics/"):
        govuk.discover("moj_safety_by_prison_2025_26", base_url=f"{server.url}/noattach")
    with pytest.raises(govuk.FormatError, match=r"no details\.attachments in a statistical_data"):
        govuk.discover("mhclg_hclic_detailed_la", base_url=f"{server.url}/noattach")


def test_a_dataset_without_a_route_says_why():
    with pytest.raises(fetch.FetchError, match="hmip_nottingham: no GOV.UK Content API route"):
        govuk.discover("hmip_nottingham")
    with pytest.raises(KeyError, match="unknown dataset"):
        govuk.discover("no_such_dataset")


def test_cli_reports_the_download_and_fails_in_one_line(server, tmp_path, capsys):
    ok = cli.main(
        ["govuk", "--only", "moj_safety_by_prison_2025_26", "--base-url", server.url,
         "--to", str(tmp_path)]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert ok == 0
    assert "no parser yet for this layout" in err
    assert (tmp_path / "prisons/moj_safety_in_custody/safety_capacity_test.csv").is_file()

    failed = cli.main(
        ["govuk", "--only", "moj_safety_by_prison_2025_26", "--base-url", f"{server.url}/html",
         "--to", str(tmp_path / "other")]
    )  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert failed == 1
    assert len(err) == 1 and err[0].startswith("error: ") and "HTML page" in err[0]

    assert cli.main(["govuk", "--only", "hmip_nottingham", "--to", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("error: hmip_nottingham: no GOV.UK")
