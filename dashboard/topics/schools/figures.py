"""Figures, tables and summary sentences for the schools page: pure functions, no streamlit."""

import math
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from dashboard import headlines
from dashboard.core import catalogue
from dashboard.topics.schools.model import (
    ENGLAND,
    GRADE_LABELS,
    KS4_MEASURES,
    LATER_MEASURES,
    NOTTINGHAM,
    SchoolYears,
    academic_year,
    area_value,
    assessed_years,
    census_month,
    is_provisional,
    newest_year,
    year_text,
)
from dashboard.topics.schools.sources.dfe_common import P8_BANDS
from dashboard.ui import style
from dashboard.ui.style import BLACK, BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, WHITE

# The page's look: style.layout merges each chart's own settings over it. Title at the very
# top, legend just above the plot: a legend below would collide with the axis title at some
# heights.
LOOK = {
    "title": {
        "font": {"size": 16},
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"t": 14},
    },
    "margin": {"l": 10, "r": 10, "t": 110, "b": 60},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "xanchor": "left"},
    "xaxis": {"showgrid": True, "gridcolor": "#e5e5e5", "zeroline": False},
    "yaxis": {"showgrid": False, "automargin": True},
}
PHASES = {  # phase -> (label, marker symbol, colour): shape and colour both carry the phase
    "primary": ("Primary", "circle", BLUE),
    "secondary": ("Secondary", "square", ORANGE),
    "special": ("Special", "diamond", GREEN),
    "all-through": ("All-through", "triangle-up", PURPLE),
    "16 plus": ("16 plus / college", "star", VERMILLION),
}
GRADE_COLOURS = {1: GREEN, 2: SKY, 3: ORANGE, 4: VERMILLION}
NOT_INSPECTED = "No inspection under this URN"
GRADE_ORDER = [*GRADE_LABELS.values(), NOT_INSPECTED]

# Measures a person can colour the map by or compare: column -> (label, unit suffix, source).
# The labels are the measure records' (publications.toml); the source says which of the
# school frame's years (model.SchoolYears) the column holds.
MEASURES = {
    column: (catalogue.measure(column).label, suffix, source)
    for column, suffix, source in (
        ("ks4_progress8", "", "ks4"),
        ("ks4_attainment8", "", "ks4"),
        ("ks4_pct_eng_maths_9_4", "%", "ks4"),
        ("ks4_pct_eng_maths_9_5", "%", "ks4"),
        ("ks2_pct_rwm_expected", "%", "ks2"),
        ("pct_overall_absence", "%", "absence"),
        ("pct_persistent_absence", "%", "absence"),
        ("pupils_on_roll", "", "census"),
    )
}


def period_words(source: str, years: SchoolYears) -> str:
    """The period a school frame column holds, in words: '2018/19 provisional', 'January 2019'."""
    if source == "ks4":
        return years.ks4_words()
    if source == "census":
        return census_month(years.census)
    return year_text(getattr(years, source))


def measure_period(column: str, years: SchoolYears) -> str:
    return period_words(MEASURES[column][2], years)


MAP_COLOUR_OPTIONS = {
    "phase": "Phase",
    "ofsted": "Latest Ofsted grade",
    **{k: v[0] for k, v in MEASURES.items() if k != "pupils_on_roll"},
}

ATTENTION_P8 = "Progress 8 significantly below average: the upper end of its 95% confidence "
ATTENTION_P8 += "interval is below 0 (DfE's 'below' or 'well below average')"
ATTENTION_OFSTED = "latest Ofsted grade Requires improvement or Inadequate (grade 3 or 4)"
PERSISTENT_RATIO = 1.5
ATTENTION_ABSENCE = (
    f"persistent absence at least {PERSISTENT_RATIO:g} times England's state-funded rate for "
    "the school's phase"
)


def grade_label(grade) -> str:
    return GRADE_LABELS.get(int(grade), NOT_INSPECTED) if pd.notna(grade) else NOT_INSPECTED


def _fmt(value, suffix: str = "", digits: int = 1) -> str | None:
    if value is None or pd.isna(value):
        return None
    return f"{value:,.{digits}f}{suffix}"


def value_or_reason(row, column: str, suffix: str = "", digits: int = 1) -> str:
    """The value, or the publisher's reason it is missing: never a bare blank or a 0."""
    shown = _fmt(row.get(column), suffix, digits)
    if shown is not None:
        return shown
    status = row.get(f"{column}_status")
    return f"no figure ({status})" if isinstance(status, str) and status else "no figure"


def school_label(row) -> str:
    label = str(row["name"])
    if not row["is_open"]:
        label += f" (URN {row['urn']}, closed)"
    return label


def _labels(frame: pd.DataFrame) -> list[str]:
    return [school_label(r) for r in frame[["name", "urn", "is_open"]].to_dict("records")]


def _height(rows: int, base: int = 140, per_row: int = 26) -> int:
    return max(320, base + per_row * rows)


def _line(axis: str, at: float, **line) -> dict:
    """A reference line across the plot (a layout shape: cheaper than add_hline/add_vline)."""
    other = "y" if axis == "x" else "x"
    return {
        "type": "line",
        "xref": "x" if axis == "x" else "paper",
        "yref": "y" if axis == "y" else "paper",
        f"{axis}0": at,
        f"{axis}1": at,
        f"{other}0": 0,
        f"{other}1": 1,
        "line": {"color": "#bdbdbd", "width": 1, **line},
    }


# --- map -----------------------------------------------------------------------------------


def hover_text(row, years: SchoolYears) -> str:
    phase = PHASES.get(row["phase"], (row["phase"],))[0]
    lines = [
        f"<b>{row['name']}</b> (URN {row['urn']})",
        f"{phase} · {row['type']} · {row['postcode']}",
        f"Status: {row['status_text']}",
        f"Pupils ({period_words('census', years)}): "
        f"{value_or_reason(row, 'pupils_on_roll', digits=0)}",
        "Ofsted: "
        + (
            f"{row['ofsted_rating']} ({pd.Timestamp(row['ofsted_date']):%b %Y})"
            if pd.notna(row.get("ofsted_grade"))
            else NOT_INSPECTED
        ),
    ]
    if pd.notna(row.get("ks4_progress8_status")) or pd.notna(row.get("ks4_attainment8")):
        p8 = value_or_reason(row, "ks4_progress8", digits=2)
        if pd.notna(row.get("ks4_progress8_ci_lower")):
            low, high = row["ks4_progress8_ci_lower"], row["ks4_progress8_ci_upper"]
            p8 += f" (95% CI {low:.2f} to {high:.2f})"
        lines += [
            f"Progress 8 {period_words('ks4', years)}: {p8}",
            f"Attainment 8: {value_or_reason(row, 'ks4_attainment8')}",
            f"English & maths 4+: {value_or_reason(row, 'ks4_pct_eng_maths_9_4', '%')}",
        ]
    if pd.notna(row.get("ks2_pct_rwm_expected")):
        lines.append(
            f"KS2 RWM expected {period_words('ks2', years)}: {row['ks2_pct_rwm_expected']:.0f}%"
        )
    if pd.notna(row.get("pct_overall_absence")) or pd.notna(row.get("pct_persistent_absence")):
        lines.append(
            f"Absence {period_words('absence', years)}: "
            f"{value_or_reason(row, 'pct_overall_absence', '%')}; "
            f"persistent {value_or_reason(row, 'pct_persistent_absence', '%')}"
        )
    return "<br>".join(lines)


def _marker_sizes(pupils: pd.Series, largest: float) -> list[float]:
    return [8.0 if pd.isna(p) or largest <= 0 else 8 + 16 * math.sqrt(p / largest) for p in pupils]


def school_traces(
    frame: pd.DataFrame,
    *,
    boundary_set: str,
    seat_code: str,
    colour_by: str,
    show_rest: bool,
    years: SchoolYears,
) -> tuple[list[dict], dict]:
    """School markers on a BNG map, and the layout's colour axis: shape = phase, colour =
    ``colour_by``, size = pupils; schools outside the seat are faded (or left off);
    uncertain placements get a ring. ``frame`` needs the ``hover`` column (see hover_text)."""
    largest = float(frame["pupils_on_roll"].max()) if frame["pupils_on_roll"].notna().any() else 0
    measure = colour_by if colour_by in MEASURES else None
    columns = ["easting", "northing", "phase", "pupils_on_roll", "ofsted_grade", "hover"]
    columns += [f"{boundary_set}_uncertain", *([measure] if measure else [])]
    inside = frame[f"{boundary_set}_code"] == seat_code
    # Outside schools first, so the seat's own are drawn over them.
    shown = frame[columns].assign(_inside=inside).sort_values("_inside", kind="stable")
    if not show_rest:
        shown = shown[shown["_inside"]]
    values = frame[measure].dropna() if measure else pd.Series(dtype=float)
    traces = []
    for phase, (label, symbol, phase_colour) in PHASES.items():
        part = shown[shown["phase"] == phase]
        if part.empty:
            continue
        if colour_by == "ofsted":
            colours = [
                GRADE_COLOURS.get(g, GREY) if pd.notna(g) else WHITE for g in part["ofsted_grade"]
            ]
            pieces = [(part, {"color": colours})]
        elif measure:
            has = part[measure].notna()
            pieces = [
                (part[has], {"color": part.loc[has, measure].tolist(), "coloraxis": "coloraxis"}),
                (part[~has], {"color": WHITE}),
            ]
        else:
            pieces = [(part, {"color": phase_colour})]
        for piece, marker in pieces:
            if piece.empty:
                continue
            traces.append(
                {
                    "type": "scatter",
                    "x": piece["easting"].tolist(),
                    "y": piece["northing"].tolist(),
                    "mode": "markers",
                    "marker": {
                        **marker,
                        "symbol": symbol,
                        "size": _marker_sizes(piece["pupils_on_roll"], largest),
                        "opacity": [1.0 if i else 0.3 for i in piece["_inside"]],
                        "line": {"width": 1, "color": "#1f1f1f"},
                    },
                    "hovertext": piece["hover"].tolist(),
                    "hovertemplate": "%{hovertext}<extra></extra>",
                    "name": f"{label} school",
                    "showlegend": False,
                }
            )
    uncertain = shown[shown[f"{boundary_set}_uncertain"].fillna(False).astype(bool)]
    if not uncertain.empty:
        traces.append(
            {
                "type": "scatter",
                "x": uncertain["easting"].tolist(),
                "y": uncertain["northing"].tolist(),
                "mode": "markers",
                "marker": {
                    "symbol": "circle-open",
                    "size": 30,
                    "color": BLACK,
                    "line": {"width": 2, "dash": "dot"},
                },
                "name": "Placement uncertain (near a boundary)",
                "hoverinfo": "skip",
            }
        )
    traces += _map_legend(colour_by, measure)
    return traces, _colour_axis(measure, values, years)


def _legend_dummy(name: str, group_title: str, **marker) -> dict:
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "marker": {"size": 12, "line": {"width": 1, "color": "#1f1f1f"}, **marker},
        "name": name,
        "legendgroup": group_title,
        "legendgrouptitle": {"text": group_title},
    }


def _map_legend(colour_by: str, measure: str | None) -> list[dict]:
    shape_title = "Shape: phase" + (" (and colour)" if colour_by == "phase" else "")
    entries = [
        _legend_dummy(
            label, shape_title, symbol=symbol, color=colour if colour_by == "phase" else "#bdbdbd"
        )
        for label, symbol, colour in PHASES.values()
    ]
    if colour_by == "ofsted":
        entries += [
            _legend_dummy(label, "Colour: latest Ofsted", color=GRADE_COLOURS[grade])
            for grade, label in GRADE_LABELS.items()
        ]
        entries.append(_legend_dummy(NOT_INSPECTED, "Colour: latest Ofsted", color=WHITE))
    if measure:
        entries.append(
            _legend_dummy(
                "No figure (white; hover for the reason)",
                f"Colour: {MEASURES[measure][0]}",
                color=WHITE,
            )
        )
    return entries


def _colour_axis(measure: str | None, values: pd.Series, years: SchoolYears) -> dict:
    if not measure:
        return {}
    label, period = MEASURES[measure][0], measure_period(measure, years)
    diverging = measure == "ks4_progress8"
    extent = float(values.abs().max()) if diverging and not values.empty else None
    return {
        "coloraxis": {
            "colorscale": "RdBu" if diverging else "Cividis",
            "cmid": 0 if diverging else None,
            "cmin": -extent if extent else None,
            "cmax": extent if extent else None,
            "reversescale": measure.startswith("pct_") and not diverging,
            "colorbar": {
                "title": {"text": f"{label}<br>{period}", "side": "right"},
                "thickness": 14,
                "len": 0.6,
            },
        }
    }


def add_schools(
    figure: go.Figure,
    schools: pd.DataFrame,
    *,
    boundary_set: str,
    seat_code: str,
    title: str,
    colour_by: str,
    show_rest: bool,
    years: SchoolYears,
) -> go.Figure:
    """The schools on top of a seat map from ``ui.maps.constituency_map``, in one update."""
    markers, colour_axis = school_traces(
        schools,
        boundary_set=boundary_set,
        seat_code=seat_code,
        colour_by=colour_by,
        show_rest=show_rest,
        years=years,
    )
    figure.add_traces(markers)
    return figure.update_layout(
        title={"text": title},
        height=720,
        margin={"t": 80},
        legend={"font": {"size": 12}},
        **colour_axis,
    )


def map_table(frame: pd.DataFrame, colour_by: str, boundary_set: str) -> pd.DataFrame:
    measure = colour_by if colour_by in MEASURES else None
    table = pd.DataFrame(
        {
            "School": frame["name"],
            "URN": frame["urn"],
            "Phase": frame["phase"].map(lambda p: PHASES.get(p, (p,))[0]),
            "Pupils": frame["pupils_on_roll"].astype("Int64"),
            "Ofsted": [grade_label(g) for g in frame["ofsted_grade"]],
        }
    )
    if measure:
        table[MEASURES[measure][0]] = [
            value_or_reason(r, measure, digits=2 if measure == "ks4_progress8" else 1)
            for r in frame[[measure, f"{measure}_status"]].to_dict("records")
        ]
    table["Placement uncertain"] = frame[f"{boundary_set}_uncertain"].to_numpy()
    return table.sort_values(["Phase", "School"]).reset_index(drop=True)


def map_period(colour_by: str, years: SchoolYears) -> str:
    """The period a map coloured by ``colour_by`` shows: the colour's, else the census's (the
    markers' size); Ofsted grades are each school's latest in the compilation."""
    if colour_by in MEASURES:
        return measure_period(colour_by, years)
    if colour_by == "ofsted":
        last = years.ofsted_last
        return f"Ofsted to {last:%B %Y}" if last is not None else "no Ofsted grades held"
    return year_text(years.census)


def map_summary(
    frame: pd.DataFrame,
    seat_name: str,
    boundary_label: str,
    uncertain: int,
    *,
    school_list: str,
    years: SchoolYears,
) -> str:
    """``school_list`` names the list the schools come from ("the 2017-18 school list")."""
    counts = frame["phase"].value_counts()
    parts = [f"{counts[p]} {PHASES[p][0].lower()}" for p in PHASES if counts.get(p, 0)]
    pupils = frame["pupils_on_roll"].sum()
    return (
        f"**{len(frame)} schools** in {school_list} are placed in {seat_name} "
        f"({boundary_label}): {', '.join(parts)}; {pupils:,.0f} pupils on roll in "
        f"{census_month(years.census)} "
        f"at those with a census return. {uncertain} placement"
        f"{'s are' if uncertain != 1 else ' is'} uncertain (ringed)."
    )


# --- KS4 -----------------------------------------------------------------------------------

KS4_CHOICES = {
    m: catalogue.measure(m).label
    for m in ("ks4_progress8", "ks4_attainment8", "ks4_pct_eng_maths_9_4")
}


def ks4_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Schools that have a KS4 row in the frame's KS4 year (with or without a figure)."""
    return frame[frame["ks4_attainment8_status"].notna()]


def ks4_figure(
    rows: pd.DataFrame,
    ks4_obs: pd.DataFrame | None,
    measure: str,
    seat: str,
):
    """Each school's value in the newest school year of ``ks4_obs``, with the LA and England
    lines of the same year; the title says the year and whether it is provisional or final."""
    label = KS4_CHOICES[measure]
    year = newest_year(ks4_obs, KS4_MEASURES)
    period = f"{year_text(year)} ({ks4_kind(ks4_obs, year)})"
    shown = rows[rows[measure].notna()].sort_values(measure)
    error = None
    if measure == "ks4_progress8":
        error = {
            "type": "data",
            "symmetric": False,
            "array": (shown["ks4_progress8_ci_upper"] - shown[measure]).tolist(),
            "arrayminus": (shown[measure] - shown["ks4_progress8_ci_lower"]).tolist(),
            "color": "#4d4d4d",
            "thickness": 1.5,
        }
    traces = [
        {
            "type": "scatter",
            "x": shown[measure].tolist(),
            "y": shown["label"].tolist() if "label" in shown else _labels(shown),
            "mode": "markers",
            "marker": {"symbol": "square", "size": 11, "color": BLUE},
            "error_x": error,
            "name": f"School, {seat}" + (" (bar: 95% confidence interval)" if error else ""),
            "hovertemplate": "%{y}: %{x}<extra></extra>",
        }
    ]
    for code, name, colour, dash in (
        (NOTTINGHAM, "Nottingham LA", VERMILLION, "dash"),
        (ENGLAND, "England, state-funded", BLACK, "dot"),
    ):
        value = area_value(ks4_obs, measure, code, year)
        if pd.isna(value):
            continue
        traces.append(
            {
                "type": "scatter",
                "x": [value, value],
                "y": [shown.shape[0] - 0.5, -0.5] if not shown.empty else [0, 1],
                "mode": "lines",
                "line": {"color": colour, "dash": dash, "width": 2},
                "name": f"{name}: {value:g}",
                "yaxis": "y2",
                "hoverinfo": "name",
            }
        )
    extent = [-0.5, max(len(shown), 1) - 0.5]
    return style.figure(
        traces,
        style.layout(
            LOOK,
            f"{label} by school, {seat}, {period}",
            xaxis={"title": {"text": f"{label}, {period}"}},
            yaxis={"range": extent},
            yaxis2={"overlaying": "y", "visible": False, "range": extent},
            shapes=[_line("x", 0)] if measure == "ks4_progress8" else [],
            height=_height(len(shown), base=200),
        ),
    )


def ks4_table(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.sort_values("ks4_progress8", ascending=False, na_position="last")
    records = rows.to_dict("records")
    return pd.DataFrame(
        {
            "School": [school_label(r) for r in records],
            "URN": rows["urn"],
            "KS4 pupils": [value_or_reason(r, "ks4_pupils", digits=0) for r in records],
            "Attainment 8": [value_or_reason(r, "ks4_attainment8") for r in records],
            "Progress 8": [value_or_reason(r, "ks4_progress8", digits=2) for r in records],
            "P8 95% CI": [
                f"{r['ks4_progress8_ci_lower']:.2f} to {r['ks4_progress8_ci_upper']:.2f}"
                if pd.notna(r["ks4_progress8_ci_lower"])
                else ""
                for r in records
            ],
            "Eng & maths 4+ %": [value_or_reason(r, "ks4_pct_eng_maths_9_4") for r in records],
            "Eng & maths 5+ %": [value_or_reason(r, "ks4_pct_eng_maths_9_5") for r in records],
        }
    ).reset_index(drop=True)


def ks4_kind(ks4_obs, year) -> str:
    return "provisional" if is_provisional(ks4_obs, year) else "final"


def ks4_summary(rows: pd.DataFrame, ks4_obs, seat: str) -> str:
    year = newest_year(ks4_obs, KS4_MEASURES)
    la_p8 = area_value(ks4_obs, "ks4_progress8", NOTTINGHAM, year)
    la_a8 = area_value(ks4_obs, "ks4_attainment8", NOTTINGHAM, year)
    en_a8 = area_value(ks4_obs, "ks4_attainment8", ENGLAND, year)
    en_p8 = area_value(ks4_obs, "ks4_progress8", ENGLAND, year)
    with_p8 = rows[rows["ks4_progress8"].notna()]
    if with_p8.empty:
        return (
            f"No school in {seat} has a published {year_text(year)} Progress 8 score in this file."
        )
    below = with_p8[with_p8["ks4_progress8_ci_upper"] < 0]
    above = with_p8[with_p8["ks4_progress8_ci_lower"] > 0]
    return (
        f"In {year_text(year)} ({ks4_kind(ks4_obs, year)}), **{len(with_p8)} of {len(rows)}** "
        f"schools in {seat} with a "
        f"KS4 entry have a Progress 8 score: **{len(above)}** significantly above average and "
        f"**{len(below)}** significantly below (95% confidence interval). Nottingham as a whole: "
        f"Attainment 8 {la_a8:g}, Progress 8 {la_p8:g}; England (state-funded): {en_a8:g} and "
        f"{en_p8:g}."
    )


def no_figure_note(rows: pd.DataFrame, measure: str) -> str:
    missing = rows[rows[measure].isna()]
    if missing.empty:
        return ""
    parts = [
        f"{r['name']} ({r.get(f'{measure}_status') or 'no figure'})"
        for r in missing.to_dict("records")
    ]
    return "Not on the chart (no figure, publisher's reason): " + "; ".join(parts) + "."


# --- school trends (the compilation's years, then the DfE KS4 file's) -------------------------

TREND_MARKERS = ["circle", "square", "diamond", "triangle-up", "cross", "star", "x", "hexagon"]
TREND_COLOURS = [BLUE, ORANGE, GREEN, PURPLE, VERMILLION, SKY, BLACK]


def school_trend_frame(
    urns: list[str], headlines: pd.DataFrame | None, ks4: pd.DataFrame | None, measure: str
) -> pd.DataFrame:
    """A school measure by year: the compilation's years, then the DfE KS4 file's."""
    parts = []
    for source in (headlines, ks4):
        if source is None:
            continue
        parts.append(
            source[
                (source["area_type"] == "school")
                & source["area_code"].isin(urns)
                & (source["measure"] == measure)
            ][["dataset", "area_code", "period_start", "period_end", "value", "unit", "status"]]
        )
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True).sort_values(["area_code", "period_start"])
    out["year"] = out["period_start"].map(academic_year)
    return out.reset_index(drop=True)


FADED = "#c4c4c4"


def trend_figure(
    trend: pd.DataFrame, names: dict[str, str], measure: str, title: str, focus: str = ""
):
    """One line per school; with ``focus`` (a URN on the chart) the others are greyed."""
    label = MEASURES.get(measure, (measure,))[0]
    years = sorted(trend["year"].unique()) if not trend.empty else []
    focused = focus in set(trend["area_code"])
    traces, followed = [], []
    for index, (urn, rows) in enumerate(trend.groupby("area_code", sort=False)):
        usable = rows
        if measure == "ks4_attainment8":  # 2015/16 is on the old points scale
            usable = rows.assign(value=rows["value"].where(rows["year"] != "2015/16"))
        faded = focused and urn != focus
        width, size = (1.5, 8) if faded else (4, 13) if focused else (2, 10)
        colour = FADED if faded else TREND_COLOURS[index % len(TREND_COLOURS)]
        # The followed school is drawn last, over the others.
        (followed if focused and not faded else traces).append(
            {
                "type": "scatter",
                "x": usable["year"].tolist(),
                "y": usable["value"].tolist(),
                "mode": "lines+markers",
                "connectgaps": False,
                "name": names.get(urn, urn),
                "marker": {"symbol": TREND_MARKERS[index % len(TREND_MARKERS)], "size": size},
                "line": {"color": colour, "width": width},
                "customdata": usable["status"].fillna("").tolist(),
                "hovertemplate": names.get(urn, urn)
                + "<br>%{x}: %{y} %{customdata}<extra></extra>",
            }
        )
    return style.figure(
        traces + followed,
        style.layout(
            LOOK,
            title,
            xaxis={
                "title": {"text": "Academic year"},
                "categoryorder": "array",
                "categoryarray": years,
                "type": "category",
            },
            yaxis={"title": {"text": label}},
            shapes=[_line("y", 0)] if measure == "ks4_progress8" else [],
            height=500,
            margin={"l": 10, "r": 10, "t": 140, "b": 60},
        ),
    )


def focus_sentence(
    trend: pd.DataFrame, urn: str, name: str, label: str, *, suffix: str = "", digits: int = 2
) -> str:
    """The followed school's figures by year, with the publisher's reason for any gap."""
    rows = trend[trend["area_code"] == urn]
    if rows.empty:
        return ""
    parts = [
        f"{_fmt(value, suffix, digits)} in {year}"
        if pd.notna(value)
        else f"no figure in {year} ({status or 'missing'})"
        for year, value, status in zip(
            rows["year"], rows["value"], rows["status"].fillna(""), strict=True
        )
    ]
    return f"**{name}** (URN {urn}), {label}: " + "; ".join(parts) + "."


def _span(years: list[str]) -> str:
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


def trend_summary(trend: pd.DataFrame, compilation: str, dfe_file: str) -> str:
    """Which years the secondary trend covers and where each comes from, read from its rows:
    ``compilation`` and ``dfe_file`` are the datasets of the two sources."""
    years = sorted(trend["year"].unique())
    if not years:
        return ""
    parts = []
    compiled = sorted(trend.loc[trend["dataset"] == compilation, "year"].unique())
    if compiled:
        parts.append(f"{_span(compiled)} from a third-party compilation of DfE's final tables")
    from_dfe = trend[trend["dataset"] == dfe_file]
    for year, rows in from_dfe.groupby("year"):
        kind = "provisional" if rows["status"].eq("provisional").any() else "final"
        parts.append(f"{year} from DfE's {kind} file")
    return f"Secondary schools' results from {_span(years)}: " + ", ".join(parts) + "."


def england_scale_sentence(
    england: pd.DataFrame | None, measure: str, school_year, *, suffix: str = "%"
) -> str:
    """England's figure to set the schools' year against: the same year when the snapshot holds
    it, else England's newest year, said to be a different year (never passed off as the
    schools' own)."""
    if england is None or school_year is None:
        return ""
    rows = england[
        (england["measure"] == measure)
        & (england["area_code"] == ENGLAND)
        & england["value"].notna()
    ]
    if rows.empty:
        return ""
    same = rows[rows["period_start"] == school_year]
    if not same.empty:
        return f" For scale: England was {same['value'].iloc[0]:g}{suffix} in the same year."
    newest = rows.sort_values("period_start").iloc[-1]
    shown, wanted = academic_year(newest["period_start"]), academic_year(school_year)
    relation = "a later" if newest["period_start"] > school_year else "an earlier"
    return (
        f" For scale: England was {newest['value']:g}{suffix} in {shown} ({relation} year than "
        f"the schools' {wanted}; the snapshot has no {wanted} England figure)."
    )


def trend_table(trend: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    if trend.empty:
        return pd.DataFrame()
    shown = trend.assign(
        school=trend["area_code"].map(names),
        cell=[
            _fmt(v, digits=2) or f"no figure ({s or 'missing'})"
            for v, s in zip(trend["value"], trend["status"].fillna(""), strict=True)
        ],
    )
    wide = shown.pivot_table(
        index=["school", "area_code"], columns="year", values="cell", aggfunc="first"
    )
    return wide.reset_index().rename(columns={"school": "School", "area_code": "URN"})


# --- constituency trend (House of Commons Library) -----------------------------------------

HOCL_SERIES = {
    "pass": [
        ("ks4_pct_5ac_eng_maths", "5+ A*-C incl. E&M", "dot"),
        ("ks4_pct_eng_maths_a_c", "E&M A*-C", "dash"),
        ("ks4_pct_eng_maths_9_4", "E&M grade 4+", "solid"),
    ],
    "a8": [("ks4_attainment8", "Attainment 8", "solid")],
}
HOCL_TITLES = {
    "pass": "English & maths (E&M) pass rate",
    "a8": "Average Attainment 8 score",
}


def hocl_frame(hocl: pd.DataFrame, codes: list[str], choice: str) -> pd.DataFrame:
    measures = [m for m, _, _ in HOCL_SERIES[choice]]
    rows = hocl[hocl["measure"].isin(measures) & hocl["area_code"].isin(codes)].copy()
    rows["year"] = rows["period_start"].map(academic_year)
    return rows.sort_values(["area_code", "measure", "period_start"]).reset_index(drop=True)


def hocl_median(hocl: pd.DataFrame, choice: str) -> pd.DataFrame:
    measures = [m for m, _, _ in HOCL_SERIES[choice]]
    rows = hocl[hocl["measure"].isin(measures) & hocl["area_code"].str.startswith("E14")]
    out = rows.groupby(["measure", "period_start"], as_index=False)["value"].median()
    out["year"] = out["period_start"].map(academic_year)
    return out


def _on_years(part: pd.DataFrame, all_years: list[str]) -> pd.DataFrame:
    """The series on every year between its first and last, so an unpublished year is a gap."""
    if part.empty:
        return part
    span = all_years[all_years.index(part["year"].min()) : all_years.index(part["year"].max()) + 1]
    return part.set_index("year").reindex(span).reset_index()


def hocl_figure(
    rows: pd.DataFrame,
    median: pd.DataFrame,
    dfe_points: pd.DataFrame,
    *,
    seat_code: str,
    seat_label: str,
    choice: str,
) -> go.Figure:
    """The seat, the other Nottingham seats, the median English seat, and DfE LA/England points."""
    traces, shapes, annotations = [], [], []
    all_years = sorted(set(rows["year"]) | set(median["year"]) | set(dfe_points.get("year", [])))
    seat_styles = {seat_code: (BLUE, 4, 11)}
    others = [c for c in rows["area_code"].unique() if c != seat_code]
    for code, colour in zip(others, (ORANGE, GREEN), strict=False):
        seat_styles[code] = (colour, 2, 8)
    for measure, _label, dash in HOCL_SERIES[choice]:
        for code, (colour, width, size) in seat_styles.items():
            part = rows[(rows["area_code"] == code) & (rows["measure"] == measure)]
            if part.empty:
                continue
            name = part["area_name"].iloc[0] + (f" ({seat_label})" if code == seat_code else "")
            part = _on_years(part, all_years)
            traces.append(
                dict(
                    type="scatter",
                    x=part["year"],
                    y=part["value"],
                    mode="lines+markers",
                    connectgaps=False,
                    line={"color": colour, "width": width, "dash": dash},
                    marker={"size": size},
                    name=name,
                    legendgroup=code,
                    showlegend=measure == HOCL_SERIES[choice][-1][0],
                    customdata=part["status"].fillna(""),
                    hovertemplate=f"{name}<br>%{{x}}: %{{y}} %{{customdata}}<extra></extra>",
                )
            )
        part = _on_years(median[median["measure"] == measure], all_years)
        if not part.empty:
            traces.append(
                dict(
                    type="scatter",
                    x=part["year"],
                    y=part["value"],
                    mode="lines",
                    line={"color": "#7f7f7f", "width": 1.5, "dash": dash},
                    connectgaps=False,
                    name="Median English constituency",
                    legendgroup="median",
                    showlegend=measure == HOCL_SERIES[choice][-1][0],
                    hovertemplate="Median English constituency<br>%{x}: %{y}<extra></extra>",
                )
            )
    for area, symbol, colour in (
        ("Nottingham LA", "diamond", PURPLE),
        ("England, state-funded", "x", BLACK),
    ):
        part = dfe_points[dfe_points["area"] == area] if not dfe_points.empty else dfe_points
        if part.empty:
            continue
        traces.append(
            dict(
                type="scatter",
                x=part["year"],
                y=part["value"],
                mode="markers",
                marker={"symbol": symbol, "size": 13, "color": colour},
                name=f"{area} (DfE performance tables)",
                customdata=part["note"],
                hovertemplate=f"{area}<br>%{{x}}: %{{y}} (%{{customdata}})<extra></extra>",
            )
        )
    assessed = assessed_years(catalogue.measure("ks4_attainment8").breaks)
    covid = [y for y in map(academic_year, assessed) if y in all_years]
    if covid:
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": all_years.index(covid[0]) - 0.5,
                "x1": all_years.index(covid[-1]) + 0.5,
                "y0": 0,
                "y1": 1,
                "fillcolor": "#ececec",
                "line": {"width": 0},
                "layer": "below",
            }
        )
        annotations.append(
            dict(
                x=all_years.index(covid[0]) - 0.5 + len(covid) / 2,
                y=0,
                yref="paper",
                yanchor="bottom",
                text="grades set<br>by schools"
                + ("<br>(no Attainment 8<br>in the Library table)" if choice == "a8" else ""),
                showarrow=False,
                font={"size": 11},
            )
        )
    if choice == "pass":  # name each definition once, over the years it covers
        for measure, label, dash in HOCL_SERIES[choice]:
            years = sorted(rows.loc[rows["measure"] == measure, "year"].unique())
            if not years:
                continue
            middle = (all_years.index(years[0]) + all_years.index(years[-1])) / 2
            annotations.append(
                dict(
                    x=middle,
                    y=1,
                    yref="paper",
                    yanchor="top",
                    text=f"{label}<br>({dash} line)" if len(years) > 1 else f"{label}",
                    showarrow=False,
                    font={"size": 11, "color": "#4d4d4d"},
                )
            )
    return style.figure(
        traces,
        style.layout(
            LOOK,
            f"{HOCL_TITLES[choice]} by constituency, 2010-2024 boundaries",
            xaxis={
                "title": {"text": "Academic year (exams in the summer)"},
                "type": "category",
                "categoryorder": "array",
                "categoryarray": all_years,
            },
            yaxis={"title": {"text": "%" if choice == "pass" else "Attainment 8 score"}},
            shapes=shapes,
            annotations=annotations,
            height=560,
            margin={"l": 10, "r": 10, "t": 150, "b": 70},
            legend={
                "orientation": "h",
                "y": 1.01,
                "yanchor": "bottom",
                "x": 0,
                "font": {"size": 12},
            },
        ),
    )


def dfe_area_points(frames: dict[str, pd.DataFrame | None], choice: str) -> pd.DataFrame:
    """Nottingham LA and England values from the DfE KS4 files for the chart's measure."""
    measure = "ks4_pct_eng_maths_9_4" if choice == "pass" else "ks4_attainment8"
    parts = []
    for dataset_id, frame in frames.items():
        if frame is None:
            continue
        rows = frame[(frame["measure"] == measure) & frame["area_code"].isin([NOTTINGHAM, ENGLAND])]
        rows = rows[rows["value"].notna()]
        for row in rows.itertuples():
            parts.append(
                {
                    "area": "Nottingham LA"
                    if row.area_code == NOTTINGHAM
                    else "England, state-funded",
                    "area_code": row.area_code,
                    "year": academic_year(row.period_start),
                    "value": row.value,
                    "note": "provisional" if "provisional" in dataset_id else "final",
                    "dataset": dataset_id,
                }
            )
    out = pd.DataFrame(parts)
    if out.empty:
        return out
    # Where a final figure exists, it replaces the provisional one for the same area and year.
    out["rank"] = out["note"].map({"final": 0, "provisional": 1})
    out = out.sort_values("rank").drop_duplicates(["area_code", "year"]).drop(columns="rank")
    return out.sort_values(["area", "year"]).reset_index(drop=True)


def hocl_table(rows: pd.DataFrame, median: pd.DataFrame, dfe_points: pd.DataFrame) -> pd.DataFrame:
    seats = rows.assign(series=rows["area_name"] + " (" + rows["area_code"] + ")")
    parts = [seats[["series", "measure", "year", "value"]]]
    parts.append(
        median.assign(series="Median English constituency")[["series", "measure", "year", "value"]]
    )
    if not dfe_points.empty:
        parts.append(
            dfe_points.assign(
                series=dfe_points["area"] + ", DfE " + dfe_points["note"], measure=""
            )[["series", "measure", "year", "value"]]
        )
    long = pd.concat(parts, ignore_index=True)
    long["value"] = long["value"].round(2)
    wide = long.pivot_table(index="year", columns="series", values="value", aggfunc="first")
    return wide.reset_index().rename(columns={"year": "Year"})


def hocl_headline(choice: str) -> headlines.Headline:
    """The briefing's schools headline, or the same for Attainment 8: one engine for both."""
    spec = headlines.BY_KEY["schools_ks4"]
    if choice == "pass":
        return spec
    return replace(
        spec,
        key="schools_a8",
        measure="ks4_attainment8",
        what="the {phrase} at the constituency's state schools was {value}",
        value_format="{:.1f}",
        phrase="average Attainment 8 score per pupil",
    )


def hocl_summary(hocl: pd.DataFrame, seat_code: str, choice: str) -> str:
    """The latest Library figure for the seat with its like-for-like comparisons, from the
    headline engine (so teacher-assessed years are never a baseline or a record)."""
    found = headlines.figure(hocl_headline(choice), hocl, seat_code)
    if found is None:
        return "The Library table has no figures for this seat."
    return headlines.line(found)


# --- Ofsted --------------------------------------------------------------------------------


def ofsted_counts(frame: pd.DataFrame) -> pd.DataFrame:
    labels = pd.Series([grade_label(g) for g in frame["ofsted_grade"]], dtype="string")
    counts = labels.value_counts().reindex(GRADE_ORDER, fill_value=0)
    return pd.DataFrame({"Latest grade": counts.index, "Schools": counts.to_numpy()})


def ofsted_figure(counts: pd.DataFrame, seat: str) -> go.Figure:
    colours = [GRADE_COLOURS.get(g, WHITE) for g in (1, 2, 3, 4, None)]
    bar = {
        "type": "bar",
        "y": counts["Latest grade"].tolist(),
        "x": counts["Schools"].tolist(),
        "orientation": "h",
        "marker": {"color": colours, "line": {"color": "#1f1f1f", "width": 1}},
        "text": counts["Schools"].tolist(),
        "textposition": "outside",
        "hovertemplate": "%{y}: %{x} schools<extra></extra>",
        "name": "Schools",
    }
    return style.figure(
        [bar],
        style.layout(
            LOOK,
            f"Latest Ofsted overall effectiveness, schools in {seat}",
            xaxis={"title": {"text": "Number of schools"}, "rangemode": "tozero"},
            yaxis={"categoryorder": "array", "categoryarray": GRADE_ORDER[::-1]},
            height=360,
            showlegend=False,
        ),
    )


def ofsted_table(frame: pd.DataFrame) -> pd.DataFrame:
    return (
        pd.DataFrame(
            {
                "School": frame["name"],
                "Latest grade": [grade_label(g) for g in frame["ofsted_grade"]],
                "Inspected": frame["ofsted_date"].dt.date,
                "Previous": frame["ofsted_previous_rating"],
                "Previous inspection": frame["ofsted_previous_date"].dt.date,
                "Label used then": frame["ofsted_rating"],
                "URN": frame["urn"],
            }
        )
        .sort_values(["Inspected"], na_position="last")
        .reset_index(drop=True)
    )


def ofsted_summary(frame: pd.DataFrame, seat: str) -> str:
    grades = frame["ofsted_grade"]
    good = int(grades.isin([1, 2]).sum())
    weak = int(grades.isin([3, 4]).sum())
    none = int(grades.isna().sum())
    dates = frame["ofsted_date"].dropna()
    text = (
        f"Of **{len(frame)}** schools in {seat}, **{good}** were Good or Outstanding at their "
        f"latest inspection in this compilation, **{weak}** Requires improvement or Inadequate, "
        f"and {none} have no inspection under their current URN."
    )
    if not dates.empty:
        old = int((dates < dates.max() - pd.DateOffset(years=5)).sum())
        text += (
            f" Latest inspections range from {dates.min():%B %Y} to {dates.max():%B %Y}; "
            f"{old} are more than five years older than the newest."
        )
    return text


# --- absence -------------------------------------------------------------------------------

ABSENCE_CHOICES = {
    m: catalogue.measure(m).short_label for m in ("pct_persistent_absence", "pct_overall_absence")
}


def absence_figure(rows: pd.DataFrame, measure: str, seat: str, year) -> go.Figure:
    label = ABSENCE_CHOICES[measure]
    shown = rows[rows[measure].notna()].sort_values(measure)
    names = shown["label"].tolist() if "label" in shown else _labels(shown)
    bars = {
        "type": "bar",
        "x": shown[measure].tolist(),
        "y": names,
        "orientation": "h",
        "marker": {"color": SKY, "line": {"color": BLUE, "width": 1}},
        "name": f"School, {seat}",
        "hovertemplate": "%{y}: %{x}%<extra></extra>",
    }
    england = {
        "type": "scatter",
        "x": shown[f"england_{measure}"].tolist(),
        "y": names,
        "mode": "markers",
        "marker": {"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": BLACK}},
        "name": "England, same phase (state-funded)",
        "hovertemplate": "England, same phase: %{x}%<extra></extra>",
    }
    return style.figure(
        [bars, england],
        style.layout(
            LOOK,
            f"{label} by school, {seat}, {year_text(year)}",
            xaxis={
                "title": {"text": f"{label}, {year_text(year)}"},
                "rangemode": "tozero",
                "automargin": True,
            },
            height=_height(len(shown)),
        ),
    )


def absence_table(rows: pd.DataFrame) -> pd.DataFrame:
    records = rows.to_dict("records")
    return pd.DataFrame(
        {
            "School": [school_label(r) for r in records],
            "URN": rows["urn"],
            "Phase": rows["phase"],
            "Overall absence %": [value_or_reason(r, "pct_overall_absence") for r in records],
            "Persistent absence %": [value_or_reason(r, "pct_persistent_absence") for r in records],
            "England, same phase: overall %": rows["england_pct_overall_absence"],
            "England, same phase: persistent %": rows["england_pct_persistent_absence"],
        }
    ).reset_index(drop=True)


def absence_summary(rows: pd.DataFrame, seat: str, year) -> str:
    both = rows[
        rows["pct_persistent_absence"].notna() & rows["england_pct_persistent_absence"].notna()
    ]
    if both.empty:
        return f"No school in {seat} has a published {year_text(year)} persistent absence rate."
    above = int((both["pct_persistent_absence"] > both["england_pct_persistent_absence"]).sum())
    return (
        f"In {year_text(year)}, **{above} of {len(both)}** schools in {seat} with a published "
        "rate had more persistently absent pupils (missing 10% or more of sessions) than England's "
        "state-funded schools of the same phase."
    )


# --- which schools need attention ----------------------------------------------------------


ATTENTION_COLUMNS = [
    "ks4_progress8",
    "ks4_progress8_ci_lower",
    "ks4_progress8_ci_upper",
    "ofsted_grade",
    "ofsted_rating",
    "ofsted_date",
    "pct_persistent_absence",
    "england_pct_persistent_absence",
]


def attention(frame: pd.DataFrame) -> pd.DataFrame:
    """Schools meeting any of the three stated rules, with the reason and the figures."""
    reasons: list[str] = []
    keep = []
    for row in frame[ATTENTION_COLUMNS].to_dict("records"):
        found = []
        if pd.notna(row["ks4_progress8_ci_upper"]) and row["ks4_progress8_ci_upper"] < 0:
            found.append(
                f"Progress 8 {row['ks4_progress8']:.2f} (95% CI {row['ks4_progress8_ci_lower']:.2f}"
                f" to {row['ks4_progress8_ci_upper']:.2f})"
            )
        if row["ofsted_grade"] in (3, 4):
            found.append(
                f"Ofsted {row['ofsted_rating']} ({pd.Timestamp(row['ofsted_date']):%b %Y})"
            )
        england = row["england_pct_persistent_absence"]
        if (
            pd.notna(row["pct_persistent_absence"])
            and pd.notna(england)
            and (row["pct_persistent_absence"] >= PERSISTENT_RATIO * england)
        ):
            found.append(
                f"persistent absence {row['pct_persistent_absence']:.1f}% vs England {england:.1f}%"
            )
        if found:
            keep.append(True)
            reasons.append("; ".join(found))
        else:
            keep.append(False)
    chosen = frame[keep]
    return pd.DataFrame(
        {
            "School": _labels(chosen),
            "URN": chosen["urn"],
            "Phase": chosen["phase"],
            "Why it is listed": reasons,
        }
    ).reset_index(drop=True)


# --- researchers' table --------------------------------------------------------------------


def _slug(start) -> str:
    """'2018_19' for a column name, from the school year the column holds."""
    return year_text(start).replace("/", "_").replace(" ", "_")


RESEARCH_KS4_COLUMNS = (
    "ks4_pupils",
    "ks4_attainment8",
    "ks4_progress8",
    "ks4_progress8_ci_lower",
    "ks4_progress8_ci_upper",
    "ks4_pct_eng_maths_9_4",
    "ks4_pct_eng_maths_9_5",
)


def research_table(frame: pd.DataFrame, years: SchoolYears) -> pd.DataFrame:
    """One row per URN with codes, placement and figures; column names carry each period,
    read from the years the frame holds."""
    ks4, ks2, absence = _slug(years.ks4), _slug(years.ks2), _slug(years.absence)
    census = census_month(years.census).lower().replace(" ", "")
    return pd.DataFrame(
        {
            "urn": frame["urn"],
            "la_code": frame["la_code"],
            "school_name": frame["name"],
            "phase": frame["phase"],
            "type": frame["type"],
            "status": frame["status_text"],
            "postcode": frame["postcode"],
            "easting": frame["easting"],
            "northing": frame["northing"],
            "pcon2010_code": frame["pcon2010_code"],
            "pcon2010_name": frame["pcon2010_name"],
            "pcon2010_uncertain": frame["pcon2010_uncertain"],
            "pcon2024_code": frame["pcon2024_code"],
            "pcon2024_name": frame["pcon2024_name"],
            "pcon2024_uncertain": frame["pcon2024_uncertain"],
            f"pupils_on_roll_{census}": frame["pupils_on_roll"],
            "ofsted_grade": frame["ofsted_grade"],
            "ofsted_rating": frame["ofsted_rating"],
            "ofsted_inspection_date": frame["ofsted_date"],
            **{
                f"ks4_{ks4}_{column.removeprefix('ks4_')}": frame[column]
                for column in RESEARCH_KS4_COLUMNS
            },
            f"ks4_{ks4}_status": frame["ks4_progress8_status"],
            f"ks2_{ks2}_pct_rwm_expected": frame["ks2_pct_rwm_expected"],
            f"ks2_{ks2}_status": frame["ks2_pct_rwm_expected_status"],
            f"absence_{absence}_pct_overall": frame["pct_overall_absence"],
            f"absence_{absence}_pct_persistent": frame["pct_persistent_absence"],
            f"absence_{absence}_status": frame["pct_persistent_absence_status"],
            "england_same_phase_pct_persistent": frame["england_pct_persistent_absence"],
        }
    ).reset_index(drop=True)


KS2_YEAR_STYLES = [("circle-open", SKY), ("diamond", ORANGE), ("square", BLUE)]


def ks2_figure(ks2: pd.DataFrame, names: dict[str, str], seat: str, focus: str = "") -> go.Figure:
    """Each primary school's three years as markers on one row, sorted by the latest year;
    the row of ``focus`` (a URN), if it is on the chart, is shaded and its name bold."""
    years = sorted(ks2["year"].unique())
    latest = ks2[ks2["year"] == years[-1]].set_index("area_code")["value"]
    order = sorted(
        ks2["area_code"].unique(),
        key=lambda urn: (pd.isna(latest.get(urn)), latest.get(urn, 0)),
    )
    order = [urn for urn in order if pd.notna(latest.get(urn))] + [
        urn for urn in order if pd.isna(latest.get(urn))
    ]
    labels = {urn: names.get(urn, urn) for urn in order}
    if focus in labels:
        labels[focus] = f"<b>{labels[focus]}</b>"
    styles = KS2_YEAR_STYLES[-len(years) :] if len(years) <= 3 else KS2_YEAR_STYLES
    traces = []
    for year, (symbol, colour) in zip(years, styles, strict=False):
        part = ks2[(ks2["year"] == year) & ks2["value"].notna()]
        traces.append(
            {
                "type": "scatter",
                "x": part["value"].tolist(),
                "y": part["area_code"].map(labels).tolist(),
                "mode": "markers",
                "marker": {
                    "symbol": symbol,
                    "size": 11,
                    "color": colour,
                    "line": {"width": 1.5, "color": colour},
                },
                "name": year,
                "hovertemplate": "%{y}<br>" + year + ": %{x}%<extra></extra>",
            }
        )
    shapes = []
    if focus in labels:
        row = order.index(focus)
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": row - 0.5,
                "y1": row + 0.5,
                "fillcolor": "#fff3c4",
                "line": {"width": 0},
                "layer": "below",
            }
        )
    return style.figure(
        traces,
        style.layout(
            LOOK,
            f"KS2 results by primary school, {seat}, {years[0]} to {years[-1]}",
            xaxis={
                "title": {"text": "% at expected standard (reading, writing, maths)"},
                "range": [0, 105],
            },
            yaxis={"categoryorder": "array", "categoryarray": [labels[u] for u in order]},
            shapes=shapes,
            height=_height(len(order)),
            legend={
                "orientation": "h",
                "y": 1.0,
                "yanchor": "bottom",
                "x": 0,
                "title": {"text": "Year: "},
            },
        ),
    )


# --- GCSE results after the performance tables' year ------------------------------------------

BAND_LABELS = dict(enumerate(P8_BANDS, start=1))  # the snapshot's 1 to 5 coding


def band_or_reason(row, column: str) -> str:
    value = row.get(column)
    if value is not None and pd.notna(value):
        return BAND_LABELS[int(value)]
    return value_or_reason(row, column)


def newer_ks4_table(frame: pd.DataFrame, final_year, later_year) -> pd.DataFrame:
    """The final file's results and the school information file's Progress 8 band, school by
    school; the headers carry each file's year (``newest_year`` of each)."""
    rows = frame.sort_values("ks4_progress8", ascending=False, na_position="last")
    records = rows.to_dict("records")
    final, later = year_text(final_year), year_text(later_year)
    not_in_file = f"not in the {final} rows held"
    return pd.DataFrame(
        {
            "School": rows["name"],
            "URN": rows["urn"],
            f"Attainment 8, {final}": [
                value_or_reason(r, "ks4_attainment8") if r["in_final"] else not_in_file
                for r in records
            ],
            f"Progress 8, {final}": [
                value_or_reason(r, "ks4_progress8", digits=2) if r["in_final"] else not_in_file
                for r in records
            ],
            f"P8 95% CI, {final}": [
                f"{r['ks4_progress8_ci_lower']:.2f} to {r['ks4_progress8_ci_upper']:.2f}"
                if pd.notna(r["ks4_progress8_ci_lower"])
                else ""
                for r in records
            ],
            f"Eng & maths 4+ %, {final}": [
                value_or_reason(r, "ks4_pct_eng_maths_9_4") if r["in_final"] else not_in_file
                for r in records
            ],
            f"P8 band, {later}": [band_or_reason(r, "later_ks4_progress8_band") for r in records],
            f"KS4 pupils, {later}": [
                value_or_reason(r, "later_ks4_pupils", digits=0) for r in records
            ],
        }
    ).reset_index(drop=True)


def newer_ks4_summary(
    frame: pd.DataFrame, final: pd.DataFrame | None, info: pd.DataFrame | None, seat: str
) -> str:
    """Plain sentences on the final file's scores and the information file's bands, with
    Nottingham and England, each naming its file's newest year."""
    year = newest_year(final, KS4_MEASURES)
    later = newest_year(info, LATER_MEASURES)
    scored = frame[frame["ks4_progress8"].notna()]
    parts = []
    if scored.empty:
        parts.append(
            f"No school placed in {seat} has a {year_text(year)} Progress 8 score in the rows held."
        )
    else:
        below = scored[scored["ks4_progress8_ci_upper"] < 0]
        above = scored[scored["ks4_progress8_ci_lower"] > 0]
        parts.append(
            f"In {year_text(year)} ({ks4_kind(final, year)}), **{len(scored)}** schools in "
            f"{seat} have a Progress 8 score: "
            f"**{len(above)}** significantly above average and **{len(below)}** significantly "
            "below (95% confidence interval); Attainment 8 ranged from "
            f"{scored['ks4_attainment8'].min():.1f} to {scored['ks4_attainment8'].max():.1f}."
        )
    la_a8, la_p8, en_a8, en_p8 = (
        area_value(final, measure, code, year)
        for code in (NOTTINGHAM, ENGLAND)
        for measure in ("ks4_attainment8", "ks4_progress8")
    )
    if pd.notna(la_a8) and pd.notna(en_a8):
        parts.append(
            f"Nottingham as a whole: Attainment 8 {la_a8:g}, Progress 8 {la_p8:g}; England "
            f"(state-funded): {en_a8:g} and {en_p8:g}."
        )
    banded = frame["later_ks4_progress8_band"].dropna().astype(int)
    if not banded.empty:
        counts = banded.map(BAND_LABELS).value_counts()
        listed = ", ".join(
            f"{counts[label]} {label.lower()}" for label in BAND_LABELS.values() if label in counts
        )
        parts.append(
            f"In {year_text(later)} DfE published only each school's Progress 8 band in the file "
            "held: "
            f"{listed} ({len(banded)} schools with a band)."
        )
    return " ".join(parts)


def coverage_lines(
    held: dict, first: pd.Timestamp, breaks, labels: dict[str, str], partial: dict | None = None
) -> list[str]:
    """One plain line per school year from ``first`` that lacks something, and what it lacks.

    ``held``: academic year start -> KS4 measures with a school value; ``breaks``: the measure
    record's breaks (a teacher-assessed span is flagged as not comparable, in its own words);
    ``partial``: year start -> why a year's scores cover only some schools.
    """
    partial = partial or {}
    spans = [b for b in breaks if b.kind == "teacher_assessed"]
    last = max(held) if held else first
    lines, assessed = [], {}
    for start in pd.date_range(first, last, freq="YS-SEP"):
        year = academic_year(start)
        span = next(
            (b for b in spans if pd.Timestamp(b.start) <= start <= pd.Timestamp(b.end)), None
        )
        measures = held.get(start, set())
        if span is not None:
            if span not in assessed:  # one line for the span's years, in its own words
                assessed[span] = len(lines)
                lines.append([])
            lines[assessed[span]].append(year)
        elif not measures:
            lines.append(f"**{year}: no school results in the snapshot.**")
        elif not {"ks4_attainment8", "ks4_progress8"} <= measures:
            shown = "; ".join(sorted(labels.get(m, m) for m in measures))
            lines.append(f"**{year}: no Attainment 8 or Progress 8 scores**; only {shown}.")
        elif start in partial:
            lines.append(f"**{year}: some schools only.** {partial[start]}")
    for span, index in assessed.items():
        years = " and ".join(lines[index])
        lines[index] = f"**{years}: not comparable, not shown.** {span.note}"
    lines.append(
        f"**After {academic_year(last)}: nothing yet**; newer results arrive with the refresh."
    )
    return lines


# --- the page's statements of which years it shows (all read from the data) ----------------


def years_list(*starts) -> str:
    """'2022/23 and 2023/24' for the distinct school years given, oldest first."""
    shown = [academic_year(s) for s in sorted({pd.Timestamp(s) for s in starts if s is not None})]
    if not shown:
        return "no year held"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def years_statement(
    years: SchoolYears,
    *,
    final_year,
    later_year,
    trend: tuple,
    teacher_assessed: str,
) -> str:
    """The page's opening statement of which period each source covers: ``final_year`` and
    ``later_year`` are the newer GCSE files' years, ``trend`` the compilation's (first, last)
    years, ``teacher_assessed`` the break's years in words ("2019/20 and 2020/21")."""
    ofsted = f"{years.ofsted_last:%B %Y}" if years.ofsted_last is not None else "no date held"
    first, last = trend
    return (
        "**Which year these figures are for.** GCSE results on the map and in the table are "
        f"for **{year_text(years.ks4)}** ({'provisional' if years.ks4_provisional else 'final'}"
        f"), absence for **{year_text(years.absence)}** and pupil numbers from the "
        f"**{census_month(years.census)}** census. The GCSE tab also shows "
        f"**{year_text(final_year)}** final results for the state-funded schools DfE's own "
        f"file places in the seat and each school's **{year_text(later_year)}** Progress 8 "
        "band. Primary (KS2) results and the school-by-school trend come from a compilation "
        f"covering **{year_text(first)} to {year_text(last)}**. Ofsted grades are as compiled "
        f"to **{ofsted}**. {teacher_assessed} exams were cancelled (COVID-19): grades were "
        "centre- and teacher-assessed and are not comparable. Other newer figures (GIAS "
        "locations, Ofsted's own monthly file) arrive with the live refresh from DfE and Ofsted."
    )


def none_after(items: dict[str, object]) -> str:
    """'primary (KS2) results after 2017/18, or absence or census figures after 2018/19':
    what the snapshot lacks after each source's newest year, sources of one year together."""
    by_year: dict[pd.Timestamp, list[str]] = {}
    for label, start in items.items():
        if start is not None:
            by_year.setdefault(pd.Timestamp(start), []).append(label)
    return ", or ".join(
        f"{' or '.join(labels)} after {academic_year(start)}"
        for start, labels in sorted(by_year.items())
    )


def ks4_caption(kind: str, year, england_final: float) -> str:
    """The KS4 chart's note: provisional or final, and the final England figure if held."""
    text = f"{kind.capitalize()} figures for {year_text(year)}"
    if kind == "provisional" and pd.notna(england_final):
        text += f"; the final England Attainment 8 for that year was {england_final:g}"
        text += " (DfE final KS4 file)"
    return text + ". "


def placement_caption(files: list[tuple[object, tuple[str, ...]]], labels: dict) -> str:
    """Which constituency column of each DfE file places its schools: ``files`` is (year,
    boundary sets the file carries) per file, ``labels`` a boundary set's name in words."""
    parts = [
        f"the {year_text(year)} file by its constituency on the "
        + " and ".join(labels.get(s, s) for s in sets)
        for year, sets in files
        if sets
    ]
    return "Schools are those DfE's own files place in the seat: " + ", ".join(parts) + ". "


def years_span(years: SchoolYears) -> str:
    """'2017-18-to-2018-19': the school years the one-row-per-school table's figures span, for
    its download name."""
    held = sorted(y for y in (years.ks2, years.ks4, years.absence, years.census) if y is not None)
    if not held:
        return ""
    first, last = (year_text(y).replace("/", "-") for y in (held[0], held[-1]))
    return first if first == last else f"{first}-to-{last}"
