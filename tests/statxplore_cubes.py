"""Stat-Xplore /table answers to council and constituency queries, made from DWP's real exports.

No UC /table by council or constituency is recorded (recorded/statxplore/PROVENANCE.md), so the
local server answers those queries with a cube in the recorded responses' shape (the database,
measures and annotationMap of the recorded UC_Households response; items, nesting and float
values as its PROVENANCE.md's shape facts describe) holding the figures of a real DWP table
export of the same counting, parsed by our export parser: every value a DWP figure, one per
requested area and month, none made up. An area the export lacks stops the test.
"""

import json
from pathlib import Path

import pandas as pd

from dashboard.topics.uc import statxplore_api as api
from dashboard.topics.uc.sources import statxplore_areas as areas

UC_MONTHS = "table_response_UC_Households_month_openstats.json"
# Field labels as the recorded responses print them (hoclib example a for the council field,
# which also holds MSOAs); the 2024 constituency field is labelled as DWP's exports print it (no
# recording shows it).
FIELD_LABELS = {
    "lad": areas.HIERARCHY_FIELD,
    "msoa": areas.HIERARCHY_FIELD,
    "pcon2024": areas.PCON2024_FIELD,
}
MARKERS = {"provisional": "p", "revised": "r"}


def cube(query: dict, area_type: str, export: pd.DataFrame, recorded: dict) -> tuple[dict, dict]:
    """(the query as Stat-Xplore echoes it, the /table response) for ``query`` (geography by
    month, every month) from ``export``'s observations of ``area_type``."""
    geography, month_field = query["dimensions"][0][0], query["dimensions"][1][0]
    rows = export[export["area_type"] == area_type]
    if rows["value"].isna().any():
        raise ValueError("the export has empty cells: the API's form of them is not recorded")
    by_code = rows.set_index(["area_code", rows["period_start"].dt.strftime("%Y%m")])
    months = sorted(by_code.index.get_level_values(1).unique())
    counting = api.COUNTINGS["households"]
    month_items = []
    for code in months:
        statuses = set(by_code.xs(code, level=1)["status"].dropna())
        item = {
            "type": "RecodeItem",
            "uris": [counting.date_value + code],
            "labels": [f"{pd.Timestamp(code + '01'):%B %Y}"],
        }
        if statuses:
            item["annotationKeys"] = [MARKERS[s] for s in sorted(statuses)]
        month_items.append(item)
    area_items, values = [], []
    for (uri,) in query["recodes"][geography]["map"]:
        code = uri.rsplit(":", 1)[-1]
        area = by_code.xs(code, level=0)  # KeyError: the export lacks an area the client asks
        area_items.append(
            {"type": "RecodeItem", "uris": [uri], "labels": [area["area_name"].iloc[0]]}
        )
        values.append([float(area.loc[m, "value"]) for m in months])
    echo = {
        **query,
        "recodes": {
            **query["recodes"],
            month_field: {"map": [item["uris"] for item in month_items], "total": False},
        },
    }
    response = {
        "query": echo,
        "database": recorded["database"],
        "measures": recorded["measures"],
        "fields": [
            {"uri": geography, "label": FIELD_LABELS[area_type], "items": area_items},
            {"uri": month_field, "label": "Month", "items": month_items},
        ],
        "cubes": {counting.measure: {"values": values, "precision": 0}},
        "annotationMap": recorded["annotationMap"],
    }
    return echo, response


def serve(mirror, folder: Path, name: str, echo: dict, response: dict) -> None:
    """Make ``mirror`` answer the query ``echo`` answers with ``response`` (as a recording)."""
    path = folder / f"{name}.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    mirror.tables.append((echo, path))
