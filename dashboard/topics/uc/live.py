"""The Stat-Xplore refresh route: households on UC by council or constituency, monthly."""

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from dashboard.core import govuk, settings
from dashboard.core.routes import RECORDED, Fetched, Skipped
from dashboard.topics.uc import statxplore_api
from dashboard.topics.uc.sources import statxplore_api_csv as api_csv


@dataclass(frozen=True)
class StatXploreHouseholds:
    """Households on UC by one area type, monthly, from the Stat-Xplore Open Data API."""

    area_type: str  # "lad" or "pcon2024"
    kind: ClassVar[str] = "DWP Stat-Xplore API"
    # tests/test_statxplore_api.py answers the Great Britain query with a real recording. No
    # council, constituency or MSOA table of UC is recorded: those queries are checked id by id
    # against the recorded schemas and answered with cubes (in the recorded shape) of DWP's
    # real table exports, and the refresh loads them into the snapshot.
    tested_against: ClassVar[str] = (
        f"{RECORDED} for Great Britain by month; council, constituency and MSOA queries: ids "
        "checked against the recorded /schema, no recorded /table (answered locally with DWP's "
        "real table exports in the recorded cube shape)"
    )

    def describe(self) -> str:
        return f"POST /table, UC_Households by {self.area_type} and month; key from secrets"

    def fetch(self, publication, destination, *, base_url, progress) -> Fetched:
        result = statxplore_api.refresh(
            area_types=(self.area_type,),
            sources=settings.sources_dir(),
            base_url=base_url or statxplore_api.BASE_URL,
            progress=progress,
        )
        if result.observations is None:
            raise Skipped(result.message)
        # The file the publication's record lists as optional: the build reads it over the
        # table export (statxplore_api_csv says how, and documents the columns).
        relative = api_csv.path_for(publication.id)
        api_csv.write(result.observations, destination / relative)
        newest = result.observations["period_start"].max()
        url = (base_url or statxplore_api.BASE_URL) + statxplore_api.TABLE_PATH
        return Fetched(
            files={
                relative: {
                    "url": url,
                    "retrieved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
            },
            release={
                "title": f"Households on Universal Credit, to {newest:%B %Y}",
                "url": url,
                "released": None,
            },
            parsed=govuk.parsed_by(publication, relative),
            message=f"{result.message}, written to {relative}",
        )
