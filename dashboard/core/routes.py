"""How each publication is refreshed from its publisher: one route per catalogue record.

A route is declared in its publication's record (``route = { kind = "...", ... }`` in the
topic's publications.toml) and built here into a small object with one common method,
``fetch``, which downloads the newest release into a folder laid out like the sources folder
and says what it found. ``NoRoute`` says plainly why a publication is not refreshed.
``tested_against`` names what the route has met here: a real publisher file or recorded
response served by a local server, the publisher's documented shape only, or nothing.
"""

import dataclasses
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from dashboard.core import catalogue, fetch, govuk, http

REAL = "real publisher files served locally"
RECORDED = "real recorded response"
DOCUMENTED = "documented shape only"
NOTHING = "nothing"

Progress = Callable[[str], None]


class Skipped(Exception):
    """The route cannot run here (no API key, say): not a failure of the publication."""


@dataclass(frozen=True)
class Fetched:
    """What one route brought back."""

    files: dict[str, dict]  # path written (relative to the download folder) -> its download record
    release: dict  # {"title", "url", "released" (ISO date or None)} of the newest release
    parsed: bool  # True when the build reads these files (a parser exists for the layout)
    message: str
    # Globs of the sources folder that the downloads replace (the publisher's complete set).
    replaces: tuple[str, ...] = ()


class Route(Protocol):
    kind: str
    tested_against: str

    def describe(self) -> str: ...

    def fetch(
        self,
        publication: catalogue.Publication,
        destination: Path,
        *,
        base_url: str | None,
        progress: Progress,
    ) -> Fetched: ...


@dataclass(frozen=True)
class NoRoute:
    """No public route: the reason is shown in the README and the change report."""

    reason: str
    kind: ClassVar[str] = "none"
    tested_against: ClassVar[str] = NOTHING

    def describe(self) -> str:
        return f"no public route: {self.reason}"

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        raise Skipped(self.describe())


@dataclass(frozen=True)
class FixedUrl:
    """The catalogue's own fixed official URLs (``fetch.fetch_catalogue``)."""

    where: str  # who serves the URLs, for people
    kind: ClassVar[str] = "fixed URL"
    tested_against: ClassVar[str] = REAL

    def describe(self) -> str:
        return f"{self.where} (the catalogue's file URLs)"

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        records = fetch.fetch_catalogue(
            destination, only=[publication.id], base_url=base_url, progress=progress
        )
        paths = [source.path for source in fetch.fetchable(publication)]
        files = dict(zip(paths, records, strict=True))
        return Fetched(
            files=files,
            release={"title": publication.title, "url": records[0]["url"], "released": None},
            parsed=True,
            message=f"downloaded {len(files)} file(s) from fixed URLs",
        )


UNRECORDED_PAGE = f"{DOCUMENTED} (nothing recorded, so a local run stops at the first request)"


def _parser_note(dataset: str, folders: set[str]) -> str:
    """Says so when no catalogue file lies where the route downloads to: the build reads
    another copy (a compilation), so a downloaded file would not be loaded."""
    under = tuple(f"{folder}/" for folder in folders)
    if any(f.path.startswith(under) for f in catalogue.get(dataset).files):
        return ""
    return "; parser: none for the publisher's layout yet"


@dataclass(frozen=True)
class GovUkCollection:
    """The newest attachment through the GOV.UK Content API (``govuk.download_latest``)."""

    dataset: str  # its routes (collection path, attachment title) live in govuk.ROUTES
    kind: ClassVar[str] = "GOV.UK Content API"
    # Collections with a real recorded response (recorded/govuk_content_api/). No release page
    # behind them was recorded, and the mirror holds no attachment file of any release they
    # list (its prison files are compilations, or a NOMS workforce file from another
    # collection), so a stand-in release page would have to invent which file is the
    # attachment: none is served, and a local run stops at the release page.
    RECORDED_PATHS: ClassVar[frozenset[str]] = frozenset({govuk.SAFETY, govuk.POPULATION})

    @property
    def tested_against(self) -> str:
        found = govuk.ROUTES[self.dataset]
        if {route.path for route in found} <= self.RECORDED_PATHS:
            steps = (
                f"collection: {RECORDED}; release page: {DOCUMENTED} (publishing-api schema "
                "example; none recorded, so a local run stops there); attachment file: nothing "
                "(the mirror holds none of a listed release)"
            )
        else:
            steps = UNRECORDED_PAGE
        return steps + _parser_note(self.dataset, {route.folder for route in found})

    def describe(self) -> str:
        found = govuk.ROUTES[self.dataset]
        return "; ".join(
            f"`{r.path}`"
            + (f", newest page titled like `{r.document}`" if r.document else "")
            + f", attachment titled like `{r.attachment}`"
            for r in found
        )

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        results = govuk.download_latest(
            destination, only=[publication.id], base_url=base_url or govuk.GOVUK, progress=progress
        )
        newest = max(results, key=lambda r: r["published"])
        return Fetched(
            files={r["path"]: r for r in results},
            release={
                "title": newest["document_title"],
                "url": newest["url"],
                "released": newest["published"][:10],
            },
            parsed=all(r["parsed"] for r in results),
            message="; ".join(r["message"].split(": ", 1)[-1] for r in results),
        )


@dataclass(frozen=True)
class GovUkDocument:
    """The newest attachment of one GOV.UK page whose route is not in ``govuk.ROUTES``."""

    path: str  # Content API path of a collection or of one statistical data set page
    title_contains: str
    folder: str  # destination, relative to a folder laid out like the sources folder
    dataset: str
    kind: ClassVar[str] = "GOV.UK Content API"

    @property
    def tested_against(self) -> str:
        return UNRECORDED_PAGE + _parser_note(self.dataset, {self.folder})

    def describe(self) -> str:
        return f"`{self.path}`, attachment titled like '{self.title_contains}'"

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        route = govuk.Route(self.path, "", re.escape(self.title_contains), self.folder, "")
        session = http.Session()
        found = govuk.find(
            route, base_url=base_url or govuk.GOVUK, session=session, progress=progress
        )
        newest = found[0]
        relative = f"{self.folder}/{newest['filename']}"
        record = govuk.download_attachment(
            newest,
            destination / relative,
            session=session,
            max_bytes=publication.max_bytes,
            progress=progress,
        )
        return Fetched(
            files={relative: record},
            release={
                "title": newest["document_title"],
                "url": newest["url"],
                "released": newest["published"][:10],
            },
            parsed=govuk.parsed_by(publication, relative),
            message=f"downloaded {relative}; no parser reads this layout yet",
        )


# catalogue.ROUTE_KINDS -> the route's class: here, or "module:Class" under dashboard for the
# routes that belong to one topic (imported only when asked for, as the build does parsers).
KINDS = {
    "none": "core.routes:NoRoute",
    "fixed_url": "core.routes:FixedUrl",
    "govuk_collection": "core.routes:GovUkCollection",
    "govuk_document": "core.routes:GovUkDocument",
    "nhse_ae_pages": "topics.ae.live:MonthlyProviderCsvs",
    "statxplore": "topics.uc.live:StatXploreHouseholds",
    "ees": "topics.schools.live:EesDataSet",
    "gias": "topics.schools.live:GiasEstablishments",
    "nomis": "geography.live:NomisTable",
    "os_opendata": "geography.live:OsOpenDataCsv",
}


def route_of(publication: catalogue.Publication) -> Route:
    """The route its record declares; a record without one is an error naming it."""
    if not publication.route:
        raise ValueError(f"{publication.id}: no route in its publications.toml record")
    params = dict(publication.route)
    module, name = KINDS[params.pop("kind")].split(":")
    cls = getattr(importlib.import_module(f"dashboard.{module}"), name)
    if "dataset" in {f.name for f in dataclasses.fields(cls)}:
        params["dataset"] = publication.id
    try:
        return cls(**params)
    except TypeError as error:
        raise ValueError(f"{publication.id}: route {publication.route!r}: {error}") from None


def routes() -> dict[str, Route]:
    """Every catalogue publication's route, in catalogue order."""
    return {publication.id: route_of(publication) for publication in catalogue.CATALOGUE}


def readme_table() -> str:
    """The README's route table, one row per catalogue publication (a test keeps them equal)."""
    lines = [
        "| Publication | Route | Tested against |",
        "|---|---|---|",
    ]
    for dataset_id, route in routes().items():
        how = (
            route.describe() if route.kind == NoRoute.kind else f"{route.kind}: {route.describe()}"
        )
        cells = [f"`{dataset_id}`", how, route.tested_against]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m dashboard.core.routes prints the table for the README
    print(readme_table(), end="")
