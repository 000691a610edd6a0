"""A local stand-in for the publishers' sites, for the refresh tests and the proof run.

It serves the sources folder as ``tests.http_mirror.Mirror`` does, plus pages at fixed paths:

* NHS England's financial-year A&E pages, WRITTEN BY THIS HELPER: no recording of the real
  pages exists, so these are link pages that follow only the documented features the route's
  extractor relies on (anchor text "Monthly A&E <Month> <Year> (CSV)", an href ending in .csv),
  listing the real mirror CSVs. They test the link extractor and the download path; they are
  not a stand-in for a publisher's file, and the CSVs they point to are the real files.
* The GOV.UK Content API collections, answered with the real recorded responses in
  ``recorded/govuk_content_api/``. Their release pages were never recorded, so they 404. No
  stand-in release page is served either: the mirror holds no attachment file of any release
  these collections list (its prison files are third-party compilations, and its one MoJ file,
  the NOMS workforce tables of June 2016, belongs to another collection), so such a page would
  have to invent which file a release carries. A GOV.UK route therefore stops at its release
  page, and its one-line error names the collection it read and the page it stopped at.

Run ``python -m tests.refresh_site [--skip-newest-ae]`` to serve them and print the address.
"""

import argparse
import csv
import datetime as dt
import os
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

from dashboard.core import settings
from dashboard.topics.ae import live
from tests.http_mirror import Mirror, MirrorHandler

AE_CSV = "ae/nhse_monthly_provider_csv"
RECORDED_COLLECTIONS = {
    "/api/content/government/collections/prison-population-statistics": (
        "recorded/govuk_content_api/collection_prison-population-statistics_2024-11-20.json"
    ),
    "/api/content/government/collections/safety-in-custody-statistics": (
        "recorded/govuk_content_api/collection_safety-in-custody-statistics_2024-11-20.json"
    ),
}


def csv_month(path: Path) -> dt.date:
    """The data month of a provider CSV, from its Period column (e.g. MSitAE-JANUARY-2024)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        period = next(csv.DictReader(handle))["Period"]
    _, month, year = period.strip().split("-")
    return dt.date(int(year), live.MONTHS[month.lower()], 1)


def year_pages(sources: Path, skip: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """Path -> a link page per financial year listing the mirror CSVs (see the module note)."""
    by_year: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for path in sorted((sources / AE_CSV).glob("*.csv")):
        if path.name in skip:
            continue
        month = csv_month(path)
        by_year[month.year if month.month >= 4 else month.year - 1].append((month, path.name))
    pages = {}
    for year, files in by_year.items():
        items = "".join(
            f'<li><a href="/{AE_CSV}/{name}">Monthly A&amp;E {month:%B %Y} (CSV)</a> (30K)</li>'
            f'<li><a href="/{AE_CSV}/{name}.xls">Monthly A&amp;E {month:%B %Y} (XLS)</a></li>'
            for month, name in sorted(files)
        )
        body = (
            f"<!DOCTYPE html><html><body><h1>A&amp;E {year}-{(year + 1) % 100:02d}</h1>"
            f'<p><a href="/statistics/">Statistics</a></p><ul>{items}</ul></body></html>'
        )
        path = live.year_page_url(year, host="")
        pages[path] = body.encode()
    return pages


class _SiteHandler(MirrorHandler):
    def do_GET(self):  # noqa: N802 (the standard library's name)
        page = self.mirror.pages.get(self.path.split("?")[0])
        if page is None:
            return super().do_GET()
        self.mirror.seen[self.path] += 1
        self.mirror.sent[self.path] += len(page)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
        return None


class Site(Mirror):
    """The mirror plus ``pages`` (path -> bytes)."""

    def __init__(self, root: Path, pages: dict[str, bytes]):
        super().__init__(root)
        self.pages = pages
        self.server.RequestHandlerClass = partial(_SiteHandler, mirror=self)


def site(sources: Path, skip_ae: frozenset[str] = frozenset()) -> Site:
    pages = year_pages(sources, skip_ae)
    pages |= {path: (sources / file).read_bytes() for path, file in RECORDED_COLLECTIONS.items()}
    return Site(sources, pages)


def newest_ae_csv(sources: Path) -> str:
    return max((sources / AE_CSV).glob("*.csv"), key=csv_month).name


def sources_without_newest_ae(sources: Path, folder: Path) -> tuple[Path, str]:
    """``folder``: links to every mirror file but the newest A&E month's, for a snapshot one
    month behind (the refresh tests and benchmark); returns it and that file's name."""
    newest = newest_ae_csv(sources)
    return link_mirror(sources, folder, leave_out={f"{AE_CSV}/{newest}"}), newest


def link_mirror(sources: Path, folder: Path, leave_out: set[str]) -> Path:
    """``folder``: a link to every mirror file but those in ``leave_out`` (paths relative to
    the mirror), so a build from it reads the real files without copying them."""
    for path in sources.rglob("*"):
        relative = path.relative_to(sources).as_posix()
        if path.is_file() and relative not in leave_out:
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, folder / relative)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-newest-ae", action="store_true")
    args = parser.parse_args()
    sources = settings.sources_dir()
    skip = frozenset({newest_ae_csv(sources)}) if args.skip_newest_ae else frozenset()
    with site(sources, skip) as served:
        print(served.url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
