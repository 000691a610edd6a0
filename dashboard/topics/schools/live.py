"""DfE routes: the Explore Education Statistics (EES) API and Get Information about Schools.

DOCUMENTED SHAPE ONLY: no recorded response of either service exists here, so the discovery
steps follow the publishers' documentation and have never met a real answer (the KS4 school
information CSV download step is tested with DfE's real file). EES public API v1 (base
https://api.education.gov.uk/statistics). Read for this module: the API's reference page
"Download a data set as CSV" (api.education.gov.uk/statistics/docs/reference-v1/endpoints/
DownloadDataSetCsv: ``GET /v1/data-sets/{dataSetId}/csv``, the data set's CSV, sent with
``Content-Encoding: gzip``) and the API's published view models (DfE's
explore-education-statistics repository, Public.Data.Api): a publication list has ``results``
with ``id`` and ``title``; a publication's data sets (``GET /v1/publications/{id}/data-sets``)
have ``results`` with ``id``, ``title`` and ``latestVersion``, whose ``version``, ``published``
and ``timePeriods.end`` (a human-readable period such as "2023/24") are required fields there.
``GET /v1/publications?search=`` is from the API's quick-start guide. Each of these fields is
checked: a changed shape fails in one line naming the missing field.

The CSV is the data set's underlying file ("every data set is created from an underlying CSV
file", the API's guide "How to get CSV data") in EES's tidy layout (``time_period``,
``geographic_level``, ...), which is what the ``ees_*`` parsers read; a route whose
``file_name`` puts it where a publication's catalogue path matches is parsed, the others are
downloaded and reported as not loaded.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import quote

from dashboard.core import fetch, http
from dashboard.core.govuk import parsed_by
from dashboard.core.routes import DOCUMENTED, REAL, Fetched

EES = "https://api.education.gov.uk"  # a base URL given to the refresh stands in for the host
API = "/statistics/v1"
GIAS = "https://ea-edubase-api-prod.azurewebsites.net/edubase/downloads/public"
# "2023/24" (academic or financial year) or "2024" (calendar year), with any suffix ("Q1").
PERIOD = re.compile(r"^(?P<start>\d{4})(?:/(?P<end>\d{2}))?\b")


def _results(body, url: str) -> list[dict]:
    results = http.field(body, "results", url)
    if not isinstance(results, list):
        raise fetch.FetchError(f"{url}: 'results' is not a list (the documented shape changed?)")
    return results


def end_year(period: str, where: str) -> int:
    """The year a period ends in: 2024 for "2023/24" and for "2024"."""
    found = PERIOD.match(period.strip())
    if not found:
        raise fetch.FetchError(f"{where}: timePeriods.end {period!r} is not a year like 2023/24")
    start = int(found["start"])
    return start + 1 if found["end"] else start


@dataclass(frozen=True)
class Found:
    """The newest version of one data set, as the API lists it."""

    csv_url: str
    title: str
    version: str
    published: str  # ISO date
    period_end: str


@dataclass(frozen=True)
class EesDataSet:
    """The newest version of one EES data set, found by publication and data set title.

    ``file_name`` (optional, with ``{year}``: the year the data set's newest period ends) names
    the download so the publication's catalogue path matches it; the download then replaces any
    sources file of that name in the topic (the same year, re-published) and is parsed.
    """

    publication: str  # the publication's title, exactly as EES lists it
    data_set: str  # text in the data set's title
    folder: str
    file_name: str = ""
    kind: ClassVar[str] = "DfE Explore Education Statistics API"

    @property
    def tested_against(self) -> str:
        if self.file_name:
            return f"discovery: {DOCUMENTED}; data set CSV: {REAL}"
        return DOCUMENTED

    def describe(self) -> str:
        return f"EES publication '{self.publication}', data set titled like '{self.data_set}'"

    def find(self, base: str, session: http.Session) -> Found:
        url = f"{base}{API}/publications?search={quote(self.publication)}"
        matches = [
            p
            for p in _results(http.call_json(session, url), url)
            if str(http.field(p, "title", url)).casefold() == self.publication.casefold()
        ]
        if not matches:
            raise fetch.FetchError(f"{url}: no publication titled {self.publication!r}")
        url = f"{base}{API}/publications/{http.field(matches[0], 'id', url)}/data-sets"
        data_sets = [
            d
            for d in _results(http.call_json(session, url), url)
            if self.data_set.casefold() in str(http.field(d, "title", url)).casefold()
        ]
        if not data_sets:
            raise fetch.FetchError(f"{url}: no data set titled like {self.data_set!r}")
        chosen = data_sets[0]
        return Found(
            csv_url=f"{base}{API}/data-sets/{http.field(chosen, 'id', url)}/csv",
            title=str(chosen["title"]),
            version=str(http.field(chosen, "latestVersion.version", url)),
            published=str(http.field(chosen, "latestVersion.published", url))[:10],
            period_end=str(http.field(chosen, "latestVersion.timePeriods.end", url)),
        )

    def download(self, found: Found, publication, destination, session=None) -> Fetched:
        """Download the CSV that ``find`` found into ``folder``, named as the route says."""
        if self.file_name:
            year = end_year(found.period_end, found.csv_url)
            name = self.file_name.format(year=year)
            replaces = (f"{self.folder.split('/')[0]}/*/{name}",)
        else:
            name = f"{found.csv_url.rstrip('/').split('/')[-2]}-{found.version}.csv"
            replaces = ()
        relative = f"{self.folder}/{name}"
        record = fetch.download(
            found.csv_url,
            destination / relative,
            session=session,
            max_bytes=publication.max_bytes,
        )
        parsed = parsed_by(publication, relative)
        parser = publication.parser.rsplit(".", 1)[-1]
        reads = f"the {parser} parser reads it" if parsed else "no parser reads it"
        return Fetched(
            files={relative: record},
            release={
                "title": f"{self.publication}: {found.title} (version {found.version})",
                "url": found.csv_url,
                "released": found.published or None,
            },
            parsed=parsed,
            message=f"downloaded {relative} ({found.period_end}); {reads}",
            replaces=replaces if parsed else (),
        )

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        session = http.Session()
        found = self.find((base_url or EES).rstrip("/"), session)
        return self.download(found, publication, destination, session)


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
