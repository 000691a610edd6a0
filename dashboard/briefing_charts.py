"""The briefing's one chart per issue, drawn for print: titled and labelled in words with units,
England (or the median seat) and any target as reference lines, and described in a sentence.

Drawn on ``matplotlib.figure.Figure`` objects, never pyplot: pyplot keeps global state that
Streamlit's session threads would share.
"""

import io
import textwrap
from dataclasses import dataclass

import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from dashboard import comparability, headlines
from dashboard.core import catalogue
from dashboard.topics.ae import model as ae_model
from dashboard.ui import style

# Axis titles in words for the catalogue's units.
UNIT_AXIS = {
    "percent": "Per cent",
    "percent_of_capacity": "Per cent of in-use capacity",
    "count": "Number",
    "rate_per_1000": "Rate per 1,000",
}
ENGLAND = "E92000001"
# The pages' colours: the area in blue, England dashed in black, targets and standards in
# vermillion (dashboard.ui.style, which loads no plotly for its colours).
AREA_COLOUR = style.BLUE
REFERENCE_COLOUR = style.BLACK
TARGET_COLOUR = style.VERMILLION
# Standards that hold for every period of a measure (the 4-hour standard is in NHS England's
# constitution); interim targets come from the A&E model with the years they govern.
STANDARDS = {"pct_within_4h_all": (95.0, "95% standard")}


@dataclass(frozen=True)
class Target:
    value: float
    start: pd.Timestamp
    end: pd.Timestamp
    label: str


@dataclass(frozen=True)
class ChartData:
    measure: str
    area_name: str
    series: pd.DataFrame  # period_start, value (null where not reported: drawn as a gap)
    reference: pd.DataFrame | None = None  # the same for England or the median seat
    reference_label: str = ""
    targets: tuple[Target, ...] = ()

    @property
    def label(self) -> str:
        return measure_label(self.measure)

    @property
    def unit(self) -> str:
        try:
            return catalogue.measure(self.measure).unit
        except KeyError:
            return comparability.measure(self.measure).unit


def chart_for(figure: headlines.Figure, observations) -> ChartData | None:
    """The chart of a headline figure's series (every dataset that holds it, the first listed
    winning a period held twice), with its comparator's series as the reference; None with
    fewer than three values to draw. ``observations(dataset_id)`` reads the snapshot."""
    frames = [observations(dataset) for dataset in figure.headline.datasets]
    columns = ["area_code", "period_start", "period_end", "value"]
    rows = pd.concat(
        [f.loc[f["measure"] == figure.measure, columns] for f in frames if f is not None],
        ignore_index=True,
    )
    rows["area_code"] = rows["area_code"].astype(str)

    def one_area(frame: pd.DataFrame) -> pd.DataFrame:
        kept = frame.drop_duplicates("period_start").sort_values("period_start")
        return kept[["period_start", "period_end", "value"]].reset_index(drop=True)

    series = one_area(rows[rows["area_code"] == figure.area_code])
    if series["value"].notna().sum() < 3:
        return None
    comparator = figure.headline.comparator
    reference, label = None, ""
    if comparator == headlines.MEDIAN_ENGLISH_SEATS:
        seats = rows[rows["area_code"].str.startswith("E14")]
        reference = seats.groupby(["period_start", "period_end"], as_index=False)["value"].median()
        label = "Median English constituency"
    elif comparator:
        reference = one_area(rows[rows["area_code"] == comparator])
        label = "England" if comparator == ENGLAND else comparator
    return ChartData(
        measure=figure.measure,
        area_name=display_name(figure.area_name),
        series=series,
        reference=reference,
        reference_label=label,
        targets=targets_for(figure.measure),
    )


def display_name(name: str) -> str:
    """Publishers' capitals as a reader writes them: 'Nottingham University Hospitals NHS
    Trust', not 'NOTTINGHAM UNIVERSITY HOSPITALS NHS TRUST'."""
    if not name.isupper():
        return name
    return " ".join(w if w in ("NHS", "HMP") else w.capitalize() for w in name.split())


def measure_label(measure: str) -> str:
    try:
        return catalogue.measure(measure).label
    except KeyError:
        return comparability.measure(measure).label


def targets_for(measure: str) -> tuple[Target, ...]:
    if measure != "pct_within_4h_all":
        return ()
    return tuple(
        Target(t.pct, t.year_start, t.due + pd.offsets.MonthEnd(0), f"{t.pct:.0f}% interim target")
        for t in ae_model.INTERIM_TARGETS
    )


def number(value: float, unit: str) -> str:
    """A value as people write it: 63.5%, 37,210, 5.3 (never 3.721e+04)."""
    if unit.startswith("percent"):
        return f"{value:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _axis_number(value: float, unit: str) -> str:
    if unit.startswith("percent"):
        return f"{value:.0f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}".removesuffix(".0")


def _period(row) -> str:
    return headlines.period_label(row["period_start"], row["period_end"])


def _when(row) -> str:
    return headlines.with_preposition(row["period_start"], row["period_end"])


def alt_text(chart: ChartData) -> str:
    """The chart in a sentence or two: its trend, its extremes, the reference in the latest
    period, and any gap, for screen readers and for anyone who cannot see it."""
    unit = chart.unit
    present = chart.series.dropna(subset=["value"]).sort_values("period_start")
    first, last = present.iloc[0], present.iloc[-1]
    change = last["value"] - first["value"]
    scale = max(abs(first["value"]), 1e-9)
    if abs(change) / scale < 0.02:
        direction = "was about the same"
    else:
        direction = "rose" if change > 0 else "fell"
    text = (
        f"Line chart of {chart.label} for {chart.area_name}, "
        f"{_period(first)} to {_period(last)}: it {direction}, "
        f"from {number(first['value'], unit)} to {number(last['value'], unit)}."
    )
    high = present.loc[present["value"].idxmax()]
    low = present.loc[present["value"].idxmin()]
    if len(present) >= 3:
        text += (
            f" Highest {number(high['value'], unit)} {_when(high)}; "
            f"lowest {number(low['value'], unit)} {_when(low)}."
        )
    span = chart.series[
        chart.series["period_start"].between(first["period_start"], last["period_start"])
    ]
    if span["value"].isna().any():
        text += " The line breaks where no figure was reported."
    if chart.reference is not None:
        same = chart.reference[chart.reference["period_start"] == last["period_start"]]
        if not same.empty and pd.notna(same["value"].iloc[0]):
            text += (
                f" {chart.reference_label} {_when(last)}: {number(same['value'].iloc[0], unit)}."
            )
    if chart.measure in STANDARDS:
        text += f" A line marks the {STANDARDS[chart.measure][1]}."
    if chart.targets:
        latest = chart.targets[-1]
        text += f" The latest interim target is {number(latest.value, unit)} by {latest.end:%B %Y}."
    return text


def png(chart: ChartData, *, width_in: float = 6.3, height_in: float = 2.7) -> bytes:
    """The chart as a PNG sized for an A4 page (16 cm wide), at print resolution."""
    unit = chart.unit
    figure = Figure(figsize=(width_in, height_in), dpi=200, layout="constrained")
    axes = figure.add_subplot()
    ordered = chart.series.sort_values("period_start")
    axes.plot(
        ordered["period_start"],
        ordered["value"],
        color=AREA_COLOUR,
        linewidth=2,
        # Dots on sparse series (snapshots, annual figures), so joined points are not read as
        # months of data.
        marker="o" if ordered["value"].notna().sum() <= 40 else None,
        markersize=3,
        label=chart.area_name,
    )
    start = ordered["period_start"].min()
    if chart.reference is not None and not chart.reference.empty:
        reference = chart.reference[chart.reference["period_start"] >= start].sort_values(
            "period_start"
        )
        axes.plot(
            reference["period_start"],
            reference["value"],
            color=REFERENCE_COLOUR,
            linewidth=1.4,
            linestyle="--",
            label=chart.reference_label,
        )
    for index, target in enumerate(chart.targets):
        axes.hlines(
            target.value,
            max(target.start, start),
            target.end,
            color=TARGET_COLOUR,
            linewidth=2,
            label="Interim targets" if index == 0 else None,
        )
    if chart.measure in STANDARDS:
        value, label = STANDARDS[chart.measure]
        axes.axhline(value, color=TARGET_COLOUR, linewidth=1, linestyle=":", label=label)
    # The area is in the legend; the title says what is measured, wrapped to the chart's width.
    axes.set_title(textwrap.fill(chart.label, 80), fontsize=10, loc="left")
    axes.set_ylabel(UNIT_AXIS.get(unit, unit.replace("_", " ").capitalize()), fontsize=8)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _axis_number(value, unit)))
    locator = AutoDateLocator(maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))
    axes.tick_params(labelsize=8)
    axes.grid(axis="y", color=style.GRID, linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="best")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
