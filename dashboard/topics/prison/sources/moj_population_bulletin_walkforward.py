"""HMP Nottingham rows of the MoJ monthly population bulletins, 2018-2026 (Walk Forward extract)."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.prison.sources.moj_prison_common import (
    dates,
    nomis_code,
    numbers,
    pct_of_cna,
    read_csv_exact,
)

COLUMNS = [
    "month",
    "report_date",
    "prison",
    "section",
    "published_uoc",
    "baseline_cna",
    "in_use_cna",
    "op_cap",
    "population",
    "prison_key",
    "cells_out_of_use",
    "crowding",
]
MEASURES = {
    "baseline_cna": "baseline_cna",
    "in_use_cna": "in_use_cna",
    "op_cap": "operational_capacity",
    "population": "population",
}
NUMERIC = [*MEASURES, "published_uoc", "cells_out_of_use", "crowding"]
SECTION = "prison"  # the bulletin's establishment table, as opposed to its IRC/other sections


def _check(frame: pd.DataFrame, path: Path) -> None:
    # The two derived columns must follow from the bulletin columns, or the transcription slipped.
    if not (frame["cells_out_of_use"] == frame["baseline_cna"] - frame["in_use_cna"]).all():
        raise ValueError(f"{path.name}: cells_out_of_use is not baseline_cna - in_use_cna")
    if not (frame["crowding"] == frame["op_cap"] - frame["in_use_cna"]).all():
        raise ValueError(f"{path.name}: crowding is not op_cap - in_use_cna")
    if not (frame["report_date"].dt.to_period("M") == frame["month"].dt.to_period("M")).all():
        raise ValueError(f"{path.name}: report_date falls outside its month")
    if set(frame["section"]) != {SECTION}:
        raise ValueError(f"{path.name}: unexpected section {sorted(set(frame['section']))}")


def _parse_file(path: Path) -> pd.DataFrame:
    frame = numbers(read_csv_exact(path, COLUMNS), NUMERIC, path)
    frame["month"] = dates(frame["month"], path, "month")
    frame["report_date"] = dates(frame["report_date"], path, "report_date")
    _check(frame, path)
    frame["area_code"] = frame["prison_key"].map(lambda key: nomis_code(key, path))
    if frame["area_code"].isna().any():
        raise ValueError(f"{path.name}: a prison without a NOMIS code")
    if frame.duplicated(["area_code", "report_date"]).any():
        raise ValueError(f"{path.name}: duplicate prison-month rows")
    ids = {
        "area_code": frame["area_code"],
        "area_name": frame["prison"],
        "date": frame["report_date"],
    }
    parts = [
        pd.DataFrame({**ids, "measure": measure, "value": frame[column], "unit": "count"})
        for column, measure in MEASURES.items()
    ]
    parts.append(
        pd.DataFrame(
            {
                **ids,
                "measure": "pct_of_cna",
                "value": pct_of_cna(frame["population"], frame["in_use_cna"]),
                "unit": "percent_of_capacity",
            }
        )
    )
    return pd.concat(parts, ignore_index=True).assign(source_file=path.name)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    out = pd.concat([_parse_file(path) for path in paths], ignore_index=True)
    out = out.assign(
        dataset=dataset,
        area_type="prison",
        period_start=out["date"],
        period_end=out["date"],
        status=pd.Series(pd.NA, index=out.index, dtype="string"),
    )
    return {"observations": conform(out.drop(columns="date"))}
