"""Assaults and self-harm by prison, Apr 2025-Mar 2026: a third party's workings on MoJ tables."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.prison.sources.moj_prison_common import nomis_code, numbers, read_csv_exact

COLUMNS = [
    "key",
    "assaults",
    "selfharm",
    "pop",
    "d_opcap",
    "crowding_start",
    "assault_rate",
    "selfharm_rate",
    "cut",
]
CAVEAT = "compiled by a third party from MoJ tables, pending the official file"
# Incident window of Safety in Custody Tables 8a/9a summed by the author; the denominator is the
# April 2026 monthly bulletin (one month, not MoJ's average population).
WINDOW = ("2025-04-01", "2026-03-31")
POPULATION_MONTH = ("2026-04-01", "2026-04-30")
# (measure, column, unit, period)
MEASURES = (
    ("assault_incidents", "assaults", "count", WINDOW),
    ("self_harm_incidents", "selfharm", "count", WINDOW),
    ("assault_rate", "assault_rate", "rate_per_1000", WINDOW),
    ("self_harm_rate", "selfharm_rate", "rate_per_1000", WINDOW),
    ("population", "pop", "count", POPULATION_MONTH),
)
RATE_TOLERANCE = 0.0005  # the file rounds rates to 3 decimals
SMALL_WORDS = {"of"}


def _display_name(key: str) -> str:
    return " ".join(w if w in SMALL_WORDS else w.capitalize() for w in key.split())


def _check_rates(frame: pd.DataFrame, path: Path) -> None:
    for count, rate in (("assaults", "assault_rate"), ("selfharm", "selfharm_rate")):
        recomputed = 1000 * frame[count] / frame["pop"]
        off = frame.loc[(recomputed - frame[rate]).abs() > RATE_TOLERANCE, "key"]
        if not off.empty:
            raise ValueError(
                f"{path.name}: {rate} does not recompute from {count}/pop for {off.iloc[0]!r}"
            )


def _parse_file(path: Path) -> pd.DataFrame:
    frame = numbers(read_csv_exact(path, COLUMNS), COLUMNS[1:-1], path)
    if not frame["cut"].isin(["True", "False"]).all():
        raise ValueError(f"{path.name}: column 'cut' is not True/False")
    if frame["key"].duplicated().any():
        raise ValueError(f"{path.name}: duplicate prison keys")
    if (frame["pop"] <= 0).any():
        raise ValueError(f"{path.name}: a non-positive population")
    _check_rates(frame, path)
    frame["area_code"] = frame["key"].map(lambda key: nomis_code(key, path))
    frame = frame[frame["area_code"].notna()]
    parts = [
        pd.DataFrame(
            {
                "area_code": frame["area_code"],
                "area_name": frame["key"].map(_display_name),
                "measure": measure,
                "value": frame[column],
                "unit": unit,
                "period_start": period[0],
                "period_end": period[1],
            }
        )
        for measure, column, unit, period in MEASURES
    ]
    return pd.concat(parts, ignore_index=True).assign(source_file=path.name)


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    out = pd.concat([_parse_file(path) for path in paths], ignore_index=True)
    out = out.assign(
        dataset=dataset,
        area_type="prison",
        status=pd.Series(pd.NA, index=out.index, dtype="string"),
        caveat=CAVEAT,
    )
    return {"observations": conform(out)}
