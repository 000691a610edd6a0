"""Geography routes: ONS mid-year estimates through the Nomis API, Code-Point Open through the
OS Downloads API. (The ONS boundaries come by the catalogue's fixed Open Geography URLs.)

DOCUMENTED SHAPE ONLY: no recorded answer of either API exists here.

OS Downloads API, read for this module: OS's reference page "Download an OpenData product"
(docs.os.uk/os-apis/accessing-os-apis/os-downloads-api/technical-specification/
download-an-opendata-product). ``GET https://api.os.uk/downloads/v1/products/{productId}/
downloads`` (no key for OpenData) answers a JSON list; each entry's ``url``, ``fileName``,
``area`` and ``format`` are required, ``size`` and ``md5`` optional; ``format`` and ``area`` may
be given as filters. And "OpenData product details" (``GET .../products/{productId}``): its
``version`` (a month, ``YYYY-MM``) is required, and names the release. Each field used is
checked. The zip's layout (``Data/CSV/<area>.csv``
without a header row, column names in ``Doc/Code-Point_Open_Column_Headers.csv``: short codes,
then the long names) is from public code that unpacks it, not from OS's documentation; the route
checks the long names against the parser's and fails naming the file when either is missing.

Nomis API, read for this module: the API's help (nomisweb.co.uk/api/v01/help): a data request
is ``GET /api/v01/dataset/{id}.data.csv`` with one parameter per dimension and ``select=`` for
the columns; ``date=latest`` is the newest period. The dataset (NM_2014_1, population estimates
by five-year age band), the geography type TYPE172 (Westminster constituencies, July 2024 set),
``c_age=200`` (all ages), ``gender=0`` (all persons) and ``measures=20100`` (value) are from
public code that makes this request, not from the codelists themselves; the route checks the
answer's columns and fails naming a missing one.
"""

import csv
import hashlib
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlencode

from dashboard.core import fetch, http
from dashboard.core.routes import DOCUMENTED, Fetched
from dashboard.geography.sources import os_codepoint_open

OS_DOWNLOADS = "https://api.os.uk"  # a base URL given to the refresh stands in for the host
NOMIS = "https://www.nomisweb.co.uk"
MB = http.MB
# Code-Point Open for all of Great Britain is about 10 MB zipped (120 area files unpacked).
MAX_ZIP_BYTES = 100 * MB
HEADERS_MEMBER = "doc/code-point_open_column_headers.csv"  # compared in lower case
NOMIS_COLUMNS = ("DATE_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "OBS_VALUE")


def _member(archive: zipfile.ZipFile, suffix: str, where: str) -> zipfile.ZipInfo:
    """The one member whose path ends with ``suffix`` (any case, any top folder)."""
    found = [m for m in archive.infolist() if m.filename.lower().endswith(suffix)]
    if len(found) != 1:
        raise fetch.FetchError(f"{where}: expected one {suffix} in the zip, found {len(found)}")
    return found[0]


def check_column_headers(text: str, where: str) -> None:
    """The long-name row of OS's column header file is the parser's header, in order."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if os_codepoint_open.EXPECTED_HEADER not in [[c.strip() for c in row] for row in rows]:
        raise fetch.FetchError(
            f"{where}: the column header file does not list the columns the parser reads "
            f"({','.join(os_codepoint_open.EXPECTED_HEADER)})"
        )


def gb_csv(listing, url: str) -> dict:
    """The entry for the whole of Great Britain in CSV of an OS download list."""
    if not isinstance(listing, list):
        raise fetch.FetchError(f"{url}: expected a JSON list of downloads")
    for entry in listing:
        if (http.field(entry, "format", url), http.field(entry, "area", url)) == ("CSV", "GB"):
            http.field(entry, "url", url)
            http.field(entry, "fileName", url)
            return entry
    raise fetch.FetchError(f"{url}: no CSV download for area GB")


@dataclass(frozen=True)
class OsOpenDataCsv:
    """One area's CSV out of an OS OpenData product's GB zip (Code-Point Open's NG file)."""

    product: str  # the OS Downloads API product id, e.g. CodePointOpen
    area_file: str  # the member to keep, e.g. ng.csv (its folder in the zip is not relied on)
    folder: str
    kind: ClassVar[str] = "OS Downloads API"
    tested_against: ClassVar[str] = DOCUMENTED

    def describe(self) -> str:
        return f"product `{self.product}`, GB CSV zip, keeping `{self.area_file}`"

    def find(self, base: str, session: http.Session) -> dict:
        """The GB CSV download's entry in the product's download list, with the product's
        ``version`` (a month, "2025-11": OS's name for the release) added as ``version``."""
        product = f"{base}/downloads/v1/products/{self.product}"
        version = str(http.field(http.call_json(session, product), "version", product))
        url = f"{product}/downloads?{urlencode({'format': 'CSV'})}"
        return {**gb_csv(http.call_json(session, url), url), "version": version}

    def extract(self, archive_path: Path, destination: Path, where: str) -> tuple[str, dict]:
        """Check the column names and copy the area file out of the zip, unchanged."""
        relative = f"{self.folder}/{self.area_file}"
        try:
            with zipfile.ZipFile(archive_path) as archive:
                headers = _member(archive, HEADERS_MEMBER, where)
                check_column_headers(
                    archive.read(headers).decode("utf-8-sig", errors="replace"), where
                )
                member = _member(archive, f"/{self.area_file.lower()}", where)
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                part = target.with_name(target.name + ".part")
                digest = hashlib.sha256()
                with archive.open(member) as source, part.open("wb") as sink:
                    while chunk := source.read(http.CHUNK_BYTES):
                        digest.update(chunk)
                        sink.write(chunk)
                part.replace(target)  # the file appears only once complete
        except (zipfile.BadZipFile, OSError) as error:
            raise fetch.FetchError(f"{where}: a damaged zip ({error})") from None
        return relative, {
            "sha256": digest.hexdigest(),
            "bytes": member.file_size,
            "extracted_from": member.filename,
        }

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        session = http.Session()
        entry = self.find((base_url or OS_DOWNLOADS).rstrip("/"), session)
        return self.download(entry, publication, destination, session)

    def download(self, entry: dict, publication, destination: Path, session=None) -> Fetched:
        """Download the zip ``find`` listed, check it, and keep the area file."""
        name = str(entry["fileName"])
        destination.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=destination, prefix=".os-") as scratch:
            archive = Path(scratch) / name
            record = fetch.download(
                str(entry["url"]), archive, session=session, max_bytes=MAX_ZIP_BYTES
            )
            expected = entry.get("md5")
            if expected:
                digest = hashlib.md5(usedforsecurity=False)
                with archive.open("rb") as handle:
                    while chunk := handle.read(http.CHUNK_BYTES):
                        digest.update(chunk)
                if digest.hexdigest() != str(expected).lower():
                    raise fetch.FetchError(f"{name}: MD5 differs from the API's {expected}")
            relative, extracted = self.extract(archive, destination, name)
        parser = publication.parser.rsplit(".", 1)[-1]
        return Fetched(
            files={
                relative: {
                    **record,
                    "archive": name,
                    "archive_sha256": record["sha256"],
                    "archive_bytes": record["bytes"],
                    **extracted,  # the kept file's own checksum and size
                }
            },
            release={
                "title": f"{self.product} {entry.get('version', '')} ({name})",
                "url": record["url"],
                "released": None,  # OS gives a month (the version), not a release date
            },
            parsed=True,
            message=f"downloaded {name}, kept {relative}; the {parser} parser reads it",
        )


def read_nomis_csv(path: Path, where: str) -> str:
    """The period (DATE_NAME) of a Nomis CSV answer, after checking its columns."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in NOMIS_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise fetch.FetchError(f"{where}: no column {', '.join(missing)} in the Nomis answer")
        first = next(reader, None)
    if first is None:
        raise fetch.FetchError(f"{where}: the Nomis answer has no rows")
    return first["DATE_NAME"].strip()


@dataclass(frozen=True)
class NomisTable:
    """The newest period of one Nomis dataset for one geography type, as CSV."""

    table: str  # the Nomis dataset id, e.g. NM_2014_1
    geography: str  # a Nomis geography (type), e.g. TYPE172
    query: str  # the other dimensions, e.g. "gender=0&c_age=200&measures=20100"
    folder: str
    kind: ClassVar[str] = "Nomis API"
    tested_against: ClassVar[str] = DOCUMENTED

    def describe(self) -> str:
        return f"dataset `{self.table}`, geography `{self.geography}`, newest date, `{self.query}`"

    def url(self, base: str) -> str:
        columns = ",".join(c.lower() for c in NOMIS_COLUMNS)
        return (
            f"{base}/api/v01/dataset/{self.table}.data.csv?geography={self.geography}&date=latest"
            f"&{self.query}&select={columns}"
        )

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        url = self.url((base_url or NOMIS).rstrip("/"))
        destination.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=destination, prefix=".nomis-") as scratch:
            answer = Path(scratch) / f"{self.table}.csv"
            record = fetch.download(url, answer, max_bytes=publication.max_bytes)
            period = read_nomis_csv(answer, url)
            relative = f"{self.folder}/{self.table}_{self.geography}_{period}.csv".replace(" ", "_")
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(answer, destination / relative)
        return Fetched(
            files={relative: record},
            release={"title": f"Nomis {self.table}, {period}", "url": url, "released": None},
            parsed=False,
            message=f"downloaded {relative}; no parser reads the Nomis layout yet",
        )
