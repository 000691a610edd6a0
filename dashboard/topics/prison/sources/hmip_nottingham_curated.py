"""HMIP on HMP Nottingham: curated judgements and quoted figures, each row with its source."""

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.core.observations import conform
from dashboard.topics.prison.sources.moj_prison_common import read_csv_exact

PRISON_CODE, PRISON_NAME = "NMI", "Nottingham"
JUDGEMENT_COLUMNS = [
    "inspection_date",
    "report_type",
    "healthy_prison_area",
    "judgement",
    "score",
    "source_title",
    "source_url",
]
FIGURE_COLUMNS = [
    "inspection_or_period",
    "metric",
    "value",
    "context",
    "source_title",
    "source_url",
]
# HMIP renamed "resettlement" to "rehabilitation and release planning"; one measure spans both.
TESTS = {
    "safety": "safety",
    "respect": "respect",
    "purposeful activity": "purposeful_activity",
    "resettlement": "rehabilitation_release",
    "rehabilitation and release planning": "rehabilitation_release",
    "overall": None,  # the Urgent Notification row: an event, not a test
}
SCORES = {4: "good", 3: "reasonably good", 2: "not sufficiently good", 1: "poor"}
NOT_A_GRADE = "not a healthy prison grade"  # 2013 progress assessments
NO_GRADE_STATUS = "grade not stated in the source read"
# Dates in the curated files: a year, a month, a day, or a day range "start/end".
DAY, MONTH, YEAR = r"\d{4}-\d{2}-\d{2}", r"\d{4}-\d{2}", r"\d{4}"
# The figures' labels start with the inspection: "2014-09 inspection", "2022-05/06 inspection".
FIGURE_PERIOD = re.compile(r"(\d{4})(?:-(\d{2})(?:/(\d{2}))?)?\b")
NUMBER = re.compile(r"(-?[\d,]+(?:\.\d+)?)(%?)")


def _period(text: str, path: Path) -> tuple[pd.Timestamp, pd.Timestamp]:
    text = text.strip()
    if re.fullmatch(f"{DAY}/{DAY}", text):
        start, end = text.split("/")
        return pd.Timestamp(start), pd.Timestamp(end)
    if re.fullmatch(DAY, text):
        return pd.Timestamp(text), pd.Timestamp(text)
    if re.fullmatch(MONTH, text):
        start = pd.Timestamp(f"{text}-01")
        return start, start + pd.offsets.MonthEnd(0)
    if re.fullmatch(YEAR, text):
        return pd.Timestamp(f"{text}-01-01"), pd.Timestamp(f"{text}-12-31")
    raise ValueError(f"{path.name}: unrecognised inspection date {text!r}")


def _figure_period(text: str, path: Path) -> tuple[pd.Timestamp, pd.Timestamp]:
    match = FIGURE_PERIOD.match(text.strip())
    if not match:
        raise ValueError(f"{path.name}: no inspection year at the start of {text!r}")
    year, first, last = match.groups()
    if first is None:
        return pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31")
    start = pd.Timestamp(f"{year}-{first}-01")
    return start, pd.Timestamp(f"{year}-{last or first}-01") + pd.offsets.MonthEnd(0)


def _check_citations(frame: pd.DataFrame, path: Path) -> None:
    bad = frame[
        (frame["source_title"].str.strip() == "") | ~frame["source_url"].str.match(r"https?://\S+$")
    ]
    if not bad.empty:
        raise ValueError(f"{path.name}: row {bad.index[0] + 2} has no usable citation")


def _judgements(path: Path) -> pd.DataFrame:
    frame = read_csv_exact(path, JUDGEMENT_COLUMNS)
    _check_citations(frame, path)
    unknown = set(frame["healthy_prison_area"]) - set(TESTS)
    if unknown:
        raise ValueError(f"{path.name}: unknown healthy prison area(s) {sorted(unknown)}")
    score = pd.to_numeric(frame["score"].str.strip(), errors="coerce")
    if (score.isna() & (frame["score"].str.strip() != "")).any() or not score.dropna().isin(
        list(SCORES)
    ).all():
        raise ValueError(f"{path.name}: scores must be blank or 1-4")
    graded = score.notna()
    words = score[graded].astype(int).map(SCORES)
    if not (frame.loc[graded, "judgement"].str.strip() == words).all():
        raise ValueError(f"{path.name}: a score disagrees with its judgement words")
    periods = [_period(text, path) for text in frame["inspection_date"]]
    return frame.assign(
        score=score.astype("Int64"),
        test=frame["healthy_prison_area"].map(TESTS).astype("string"),
        period_start=[start for start, _ in periods],
        period_end=[end for _, end in periods],
        prison_code=PRISON_CODE,
        source_file=path.name,
    )


def _figures(path: Path) -> pd.DataFrame:
    frame = read_csv_exact(path, FIGURE_COLUMNS)
    _check_citations(frame, path)
    periods = [_figure_period(text, path) for text in frame["inspection_or_period"]]
    # Only a bare number or percentage becomes numeric; "more than 200" stays text.
    parsed = frame["value"].str.strip().str.fullmatch(NUMBER.pattern)
    numeric = frame["value"].str.strip().str.extract(NUMBER.pattern + "$")
    value_number = pd.to_numeric(numeric[0].str.replace(",", ""), errors="coerce").where(parsed)
    value_unit = numeric[1].map({"%": "percent", "": "count"}).where(parsed).astype("string")
    return frame.assign(
        value_number=value_number,
        value_unit=value_unit,
        period_start=[start for start, _ in periods],
        period_end=[end for _, end in periods],
        prison_code=PRISON_CODE,
        source_file=path.name,
    )


def _observations(inspections: pd.DataFrame, dataset: str) -> pd.DataFrame:
    graded = inspections[
        inspections["test"].notna() & ~inspections["judgement"].str.contains(NOT_A_GRADE)
    ]
    out = pd.DataFrame(
        {
            "dataset": dataset,
            "measure": "healthy_prison_score_" + graded["test"],
            "area_type": "prison",
            "area_code": PRISON_CODE,
            "area_name": PRISON_NAME,
            "period_start": graded["period_start"],
            "period_end": graded["period_end"],
            "value": graded["score"].astype("float64"),
            "unit": "score",
            "status": graded["score"].isna().map({True: NO_GRADE_STATUS, False: pd.NA}),
            "source_file": graded["source_file"],
            "source_title": graded["source_title"],
            "source_url": graded["source_url"],
        }
    )
    return out.astype({"status": "string"})


def parse(paths: Sequence[Path], dataset: str) -> dict[str, pd.DataFrame]:
    inspections, figures = [], []
    for path in paths:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline().strip().split(",")
        if header == JUDGEMENT_COLUMNS:
            inspections.append(_judgements(path))
        elif header == FIGURE_COLUMNS:
            figures.append(_figures(path))
        else:
            raise ValueError(f"{path.name}: unrecognised header {header}")
    if not inspections or not figures:
        raise ValueError("expected both the judgements and the quoted-figures CSV")
    inspections_table = pd.concat(inspections, ignore_index=True)
    return {
        "observations": conform(_observations(inspections_table, dataset)),
        "inspections": inspections_table,
        "inspection_figures": pd.concat(figures, ignore_index=True),
    }
