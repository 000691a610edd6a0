"""DfE routes: the Explore Education Statistics (EES) API and Get Information about Schools.

DOCUMENTED SHAPE ONLY: no recorded response of either service exists here, so these follow the
publishers' documentation and have never met a real answer. EES public API v1 (base
https://api.education.gov.uk/statistics, documented at find-and-use-an-api.education.gov.uk):
``GET /v1/publications?search=`` lists publications (``results``: id, title),
``GET /v1/publications/{id}/data-sets`` lists a publication's data sets (``results``: id,
title, ``latestVersion`` with ``version`` and ``published``), and
``GET /v1/data-sets/{id}/csv`` downloads one as CSV. Only the base URL and the CSV operation
were confirmed from the documentation page read for this module; the list operations'
field names are from the same API's documentation as remembered, so a changed name fails with
a message naming it.
"""

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import quote

import requests

from dashboard.core import fetch, http
from dashboard.core.routes import DOCUMENTED, Fetched

EES = "https://api.education.gov.uk/statistics"
GIAS = "https://ea-edubase-api-prod.azurewebsites.net/edubase/downloads/public"
TIMEOUT_S = (10, 60)


def _json(session: requests.Session, url: str) -> dict:
    try:
        response = session.get(url, timeout=TIMEOUT_S, headers={"Accept": "application/json"})
    except requests.RequestException as error:
        raise fetch.FetchError(f"cannot reach {url} ({type(error).__name__})") from None
    if response.status_code != 200:
        raise fetch.FetchError(f"HTTP {response.status_code} from {url}")
    try:
        return response.json()
    except ValueError:
        raise fetch.FetchError(f"{url}: not JSON") from None


def _results(body: dict, url: str) -> list[dict]:
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise fetch.FetchError(f"{url}: no 'results' list (the documented shape has changed?)")
    return results


@dataclass(frozen=True)
class EesDataSet:
    """The newest version of one EES data set, found by publication and data set title."""

    publication: str  # the publication's title, exactly as EES lists it
    data_set: str  # text in the data set's title
    folder: str
    kind: ClassVar[str] = "DfE Explore Education Statistics API"
    tested_against: ClassVar[str] = DOCUMENTED

    def describe(self) -> str:
        return f"EES publication '{self.publication}', data set titled like '{self.data_set}'"

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        base = (base_url or EES).rstrip("/")
        session = http.Session()
        url = f"{base}/v1/publications?search={quote(self.publication)}"
        matches = [
            p
            for p in _results(_json(session, url), url)
            if str(p.get("title", "")).casefold() == self.publication.casefold()
        ]
        if not matches:
            raise fetch.FetchError(f"{url}: no publication titled {self.publication!r}")
        url = f"{base}/v1/publications/{matches[0]['id']}/data-sets"
        data_sets = [
            d
            for d in _results(_json(session, url), url)
            if self.data_set.casefold() in str(d.get("title", "")).casefold()
        ]
        if not data_sets:
            raise fetch.FetchError(f"{url}: no data set titled like {self.data_set!r}")
        chosen = data_sets[0]
        version = chosen.get("latestVersion") or {}
        csv_url = f"{base}/v1/data-sets/{chosen['id']}/csv"
        relative = f"{self.folder}/{chosen['id']}-{version.get('version', 'latest')}.csv"
        record = fetch.download(csv_url, destination / relative, session=session)
        return Fetched(
            files={relative: record},
            release={
                "title": f"{self.publication}: {chosen.get('title')}",
                "url": csv_url,
                "released": str(version.get("published") or "")[:10] or None,
            },
            parsed=False,
            message=f"downloaded {relative}; no parser reads the EES CSV layout yet",
        )


@dataclass(frozen=True)
class GiasEstablishments:
    """Get Information about Schools' daily all-establishments CSV (edubasealldataYYYYMMDD)."""

    folder: str
    kind: ClassVar[str] = "GIAS daily download"
    tested_against: ClassVar[str] = DOCUMENTED

    def describe(self) -> str:
        return "edubasealldata<YYYYMMDD>.csv, published daily"

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        name = f"edubasealldata{dt.date.today():%Y%m%d}.csv"
        url = f"{(base_url or GIAS).rstrip('/')}/{name}"
        relative = f"{self.folder}/{name}"
        record = fetch.download(url, destination / relative)
        return Fetched(
            files={relative: record},
            release={"title": name, "url": url, "released": dt.date.today().isoformat()},
            parsed=False,
            message=f"downloaded {relative}; the build reads the per-LA layout, not this one",
        )
