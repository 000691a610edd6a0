"""Find NHS England's monthly A&E provider CSVs on the statistical work area's yearly pages.

UNTESTED AGAINST THE LIVE PAGES: no recording of them exists here. The extractor relies only on
the two features the publisher has kept stable for years: each month's file is a link whose
text reads "Monthly A&E <Month> <Year> (CSV)", and whose address ends in ``.csv`` (for example
``/statistics/wp-content/uploads/sites/2/2026/05/April-2026-CSV-QD21vf.csv``; the upload
folder is not the data month and the suffix is random, so neither is used). Everything else on
the page (layout, headings, other links) is ignored.
"""

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import requests

from dashboard.core import fetch, http
from dashboard.core.routes import DOCUMENTED, REAL, Fetched
from dashboard.topics.ae.sources.nhse_ae_workbook import MONTHS

HOST = "https://www.england.nhs.uk"
AREA = "/statistics/statistical-work-areas/ae-waiting-times-and-activity/"
FIRST_CSV_YEAR = 2020  # the provider CSVs start in April 2020 (financial year 2020-21)
FOLDER = "ae/nhse_monthly_provider_csv"
LINK_TEXT = re.compile(r"^monthly a&e (?P<month>[a-z]+) (?P<year>\d{4})\b.*\(csv\)$")
PAGE_TIMEOUT_S = (10, 60)


@dataclass(frozen=True)
class Link:
    month: dt.date  # first day of the data month
    text: str
    url: str


class _Anchors(HTMLParser):
    """Every <a href> with its text, in page order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def monthly_csv_links(html: str, page_url: str) -> list[Link]:
    """The monthly provider CSV links of one yearly page, one per month, oldest first.

    When a month is linked twice (a first release and a revision), the link whose text says
    "revised" wins, as the build prefers revisions.
    """
    parser = _Anchors()
    parser.feed(html)
    chosen: dict[dt.date, Link] = {}
    for href, text in parser.anchors:
        found = LINK_TEXT.match(text.lower())
        url = urljoin(page_url, href)
        if not found or not urlsplit(url).path.lower().endswith(".csv"):
            continue
        month_number = MONTHS.get(found["month"])
        if month_number is None:
            continue
        month = dt.date(int(found["year"]), month_number, 1)
        if month not in chosen or "revised" in text.lower():
            chosen[month] = Link(month, text, url)
    return [chosen[month] for month in sorted(chosen)]


def year_page_url(first_year: int, host: str = HOST) -> str:
    """The page of financial year ``first_year``-``first_year + 1``, e.g. ...-2025-26/."""
    slug = f"ae-attendances-and-emergency-admissions-{first_year}-{(first_year + 1) % 100:02d}"
    return f"{host.rstrip('/')}{AREA}{slug}/"


def financial_years(today: dt.date) -> list[int]:
    latest = today.year if today.month >= 4 else today.year - 1
    return list(range(FIRST_CSV_YEAR, latest + 1))


def discover(
    *, host: str = HOST, today: dt.date | None = None, session: requests.Session | None = None
) -> list[Link]:
    """Every monthly CSV link from April 2020 to now. A missing page is an error, except for
    the current financial year's, which NHS England creates with its first month's release."""
    session = session or http.Session()
    years = financial_years(today or dt.date.today())
    links: list[Link] = []
    for year in years:
        url = year_page_url(year, host)
        try:
            response = session.get(url, timeout=PAGE_TIMEOUT_S)
        except requests.RequestException as error:
            raise fetch.FetchError(f"cannot reach {url} ({type(error).__name__})") from None
        if response.status_code == 404 and year == years[-1]:
            continue
        if response.status_code != 200:
            raise fetch.FetchError(f"HTTP {response.status_code} from {url}")
        found = monthly_csv_links(response.text, url)
        if not found:
            raise fetch.FetchError(
                f"{url}: no link reads 'Monthly A&E <Month> <Year> (CSV)' (has the page changed?)"
            )
        links += found
    return links


@dataclass(frozen=True)
class MonthlyProviderCsvs:
    """Every monthly provider CSV since April 2020, from the financial-year pages."""

    kind: ClassVar[str] = "NHS England yearly pages"
    tested_against: ClassVar[str] = (
        f"page links: {DOCUMENTED} (untested against the live page); files: {REAL}"
    )

    def describe(self) -> str:
        return (
            f"links 'Monthly A&E <Month> <Year> (CSV)' on {AREA}ae-attendances-and-emergency-"
            "admissions-<YYYY>-<YY>/"
        )

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        """Download each linked CSV that ``destination`` does not already hold.

        NHS England never changes a published CSV in place: a revision is a new file under a
        new name (the link says "revised"), so a CSV held under the same URL and name, with its
        recorded checksum, is reused without any request (``fetch.held`` says what would make
        that unsafe). The folder's log keeps each download's record for the next refresh.
        """
        session = http.Session()
        links = discover(host=base_url or HOST, session=session)
        log = fetch.read_log(destination)
        files = {}
        for link in links:
            relative = f"{FOLDER}/{PurePosixPath(urlsplit(link.url).path).name}"
            files[relative] = fetch.held(destination, relative, link.url, log)
            if files[relative] is None:
                files[relative] = log[relative] = fetch.download(
                    link.url, destination / relative, session=session
                )
                fetch.write_log(destination, log)  # after each: a failed run keeps what it got
        newest = links[-1]
        progress(f"{publication.id}: {len(files)} monthly CSVs, newest {newest.text!r}")
        return Fetched(
            files=files,
            release={"title": newest.text, "url": newest.url, "released": None},
            parsed=True,
            message=f"{len(files)} monthly CSVs to {newest.month:%B %Y}",
            replaces=(f"{FOLDER}/*.csv",),
        )
