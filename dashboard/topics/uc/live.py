"""The Stat-Xplore refresh route: households on UC by council or constituency, monthly."""

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from dashboard.core import settings
from dashboard.core.routes import RECORDED, Fetched, Skipped
from dashboard.topics.uc import statxplore_api

FOLDER = "universal_credit/statxplore_api"


@dataclass(frozen=True)
class StatXploreHouseholds:
    """Households on UC by one area type, monthly, from the Stat-Xplore Open Data API."""

    area_type: str  # "lad" or "pcon2024"
    kind: ClassVar[str] = "DWP Stat-Xplore API"
    # tests/test_statxplore_api.py answers with cubes made from DWP's table exports.
    # The Great Britain query is answered by a real recording; no council or constituency
    # table of UC is recorded, so those queries are checked id by id against recorded schemas.
    tested_against: ClassVar[str] = (
        f"{RECORDED} for Great Britain by month; council and constituency queries: ids checked "
        "against the recorded /schema, no recorded /table"
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
        relative = f"{FOLDER}/{publication.id}.csv"
        path = destination / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        result.observations.to_csv(path, index=False, date_format="%Y-%m-%d")
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
            parsed=False,
            message=f"{result.message}, written to {relative}; the build does not read the "
            "API's observations yet, so the snapshot keeps the table export",
        )
