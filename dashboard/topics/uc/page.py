"""Universal Credit: households on UC in the seat and the city, month by month, and compared.

The headline tiles sit above lazy tabs kept in the URL (``?uc_tab=``); only the open tab runs.
Every figure, table and sentence comes from a view model made once per process (``data.memo``)
for each seat, mode and month and shared by every session: what does not depend on the seat
takes no seat argument (the city and GB series, the map's neighbourhood layer for a month, the
comparison table), so a seat change reuses it and builds only the seat's own part. Callers must
not mutate what these return.
"""

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import geography, headlines
from dashboard.core import catalogue
from dashboard.topics import registry
from dashboard.topics.uc import figures as charts
from dashboard.ui import components, data, state
from dashboard.ui.model_types import Tile, TileRow
from dashboard.ui.state import Selection

TAB_KEY, TABS = registry.tabs("universal-credit")
DEFAULT_BASE = pd.Timestamp("2019-01-01")
# Material icons, not emoji: they render in every browser font, and an emoji icon makes
# Streamlit compile its emoji pattern (~0.2 s) on a process's first alert.
ESTIMATE_ICON = ":material/straighten:"
INFO_ICON = ":material/info:"
LAD = "dwp_uc_households_lad"
MSOA = "dwp_uc_households_msoa"
PCON = "dwp_uc_households_pcon2024"
LAD_MAY = "dwp_uc_households_lad_may2025"
ESTIMATE = "uc_households_pcon_estimate"
POPULATION = "ons_pcon_population"
NK_2024 = "E14001411"
MODE_LABELS = {charts.COUNT: "Households", charts.PER_1000: "Per 1,000 residents"}
DERIVED_NOTE = (
    "Derived by this dashboard from DWP's neighbourhood (MSOA) counts: an estimate, not a DWP "
    "figure."
)


@dataclass(frozen=True)
class Trend:
    panel: components.Chart | None
    has_estimate: bool
    denominator_note: str  # per 1,000 residents only
    export: pd.DataFrame | None
    export_sources: tuple[str, ...]


@dataclass(frozen=True)
class MapView:
    panel: components.Chart
    rows: pd.DataFrame  # the month's MSOA rows, for the download


@dataclass(frozen=True)
class Comparison:
    panel: components.Chart
    export: pd.DataFrame


def _styled(table: pd.DataFrame, decimals: int = 0, **column_formats: str) -> pd.DataFrame:
    """Numbers as text with thousands separators and '–' for a missing value.

    st.dataframe prints a null cell as 'None', which reads as 'no households'; a dash does not.
    """
    out = table.copy()
    for column in out.select_dtypes("number").columns:
        spec = column_formats.get(column, f"{{:,.{decimals}f}}")
        out[column] = [("–" if pd.isna(v) else spec.format(v)) for v in out[column]]
    return out


@data.memo
def _official_month() -> str:
    """The month of DWP's one-off constituency table, read from the snapshot."""
    rows = data.observations(PCON)
    if rows is None or rows.empty:
        return "one month"
    return f"{rows['period_start'].max():%B %Y}"


@data.memo
def _monthly_seats() -> str:
    """'' when DWP's constituency figures in the snapshot are one month (the stored export);
    else the months they span ('August 2015 to May 2025'), as the Stat-Xplore refresh loads."""
    rows = data.observations(PCON)
    rows = None if rows is None else rows[rows["area_type"] == "pcon2024"]
    if rows is None or rows["period_start"].nunique() < 2:
        return ""
    return f"{rows['period_start'].min():%B %Y} to {rows['period_start'].max():%B %Y}"


@data.memo
def _months_not_held() -> str:
    """The months the city's monthly DWP series lacks, read from the snapshot."""
    monthly, later = data.observations(LAD), data.observations(LAD_MAY)
    if monthly is None:
        return "**No monthly series** is in the snapshot."
    city = (monthly["area_code"] == charts.CITY) & (monthly["measure"] == "households_on_uc")
    return charts.months_not_held(monthly[city], later)


def _estimate_label() -> str:
    method = (
        "this dashboard's estimate: each neighbourhood's (MSOA's) count shared among the city's "
        "seats by the share of its area inside each."
    )
    months = _monthly_seats()
    if months:
        return (
            "**Estimate, not a DWP figure.** Used only where DWP has none: its monthly figures by "
            f"July 2024 constituency ({months}, Stat-Xplore) are drawn as '<seat>, DWP' and "
            "replace the estimate in every month they cover; the line marked 'estimate' (the "
            "2010-2024 seats, and any month DWP lacks) is " + method
        )
    return (
        "**Estimate, not a DWP figure.** DWP publishes households on UC by constituency only as "
        f"one-off tables (here {_official_month()}, July 2024 seats). The monthly constituency "
        "line is " + method
    )


def _no_estimate_reason(selection: Selection) -> str:
    if selection.code == NK_2024:
        return (
            "Nottingham North and Kimberley (July 2024 boundaries) has no monthly estimate: it "
            "takes in Kimberley from Broxtowe, and the neighbourhood counts in our sources cover "
            "Nottingham city only, so part of the seat would be missing. DWP's own "
            f"{_official_month()} figure for it is in the tiles above and on the Trend chart."
        )
    if selection.code in _estimate_rows():
        return (
            f"DWP publishes {selection.name}'s figure for every month our estimate covered, so "
            "the page shows DWP's monthly figures instead of an estimate."
        )
    return f"No monthly estimate for {selection.name} is in the snapshot."


# --- seat-independent slices, made once per process ----------------------------------------


@data.memo
def _dwp() -> dict:
    """The small tables whole; the local-authority table cut to the city and GB, and the
    population table to all ages, so per-seat work runs on small frames."""
    frames = {d: data.observations(d) for d in (LAD, MSOA, PCON, LAD_MAY, ESTIMATE, POPULATION)}
    if frames[LAD] is not None:
        lad = frames[LAD]
        frames[LAD] = lad[lad["area_code"].isin([charts.CITY, charts.GB])].reset_index(drop=True)
    if frames[POPULATION] is not None:
        population = frames[POPULATION]
        everyone = population["measure"] == "population_all_ages"
        frames[POPULATION] = population[everyone].reset_index(drop=True)
    return {d: _plain_text(frame) for d, frame in frames.items()}


def _plain_text(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """Text columns as Python objects: these frames are small, and every filter and concat on
    them per seat runs several times faster than on Arrow-backed strings."""
    if frame is None:
        return None
    text = frame.select_dtypes(["string", "str", "category"]).columns
    return frame.astype(dict.fromkeys(text, object))


@data.memo
def _estimate_rows() -> dict[str, pd.DataFrame]:
    """Each seat's estimate rows by code, so a seat's view never scans the whole table."""
    estimate = _dwp()[ESTIMATE]
    if estimate is None:
        return {}
    return {
        str(code): rows.reset_index(drop=True)
        for code, rows in estimate.groupby("area_code", observed=True)
    }


@data.memo
def _seat_pieces() -> dict[str, list[pd.DataFrame]]:
    """Every seat's own lines, unfilled: DWP's monthly figures when the snapshot has them, and
    the estimate in the months DWP gives none (charts.series_pieces says why)."""
    pcon = _dwp()[PCON]
    pieces = {}
    for seat in geography.SEATS.values():
        for boundary_set, code in seat.codes.items():
            rows = _estimate_rows().get(code)
            name = seat.names[boundary_set]
            pieces[code] = charts.series_pieces(None, rows, code, name, pcon=pcon)
    return pieces


@data.memo
def _dwp_lines() -> tuple[list[pd.DataFrame], pd.DatetimeIndex]:
    """The city and GB lines with their gaps as rows, over the months of every line on the page
    (any seat's included), so a seat's view only adds its own lines."""
    frames = _dwp()
    pieces = charts.series_pieces(frames[LAD], None, "", "")
    seats = [piece for lines in _seat_pieces().values() for piece in lines]
    months = charts.month_span(*pieces, *seats)
    return [_plain_text(charts.fill_gaps(piece, months)) for piece in pieces], months


@data.memo
def _seat_lines() -> dict[str, list[pd.DataFrame]]:
    """Every seat's lines with their gaps as rows, made in one pass (no seat argument): a seat
    change then only picks its lines."""
    _, months = _dwp_lines()
    return {
        code: [_plain_text(charts.fill_gaps(piece, months)) for piece in pieces]
        for code, pieces in _seat_pieces().items()
    }


@data.memo
def _official_by_seat() -> dict[tuple[str, str], pd.DataFrame]:
    """DWP's May 2025 figures (the city, GB and, for July 2024 seats, the seat) for every seat
    in one pass: a few rows each, so a seat change only looks its rows up."""
    frames = _dwp()
    return {
        (seat, boundary_set): _plain_text(
            charts.latest_official(
                frames[PCON], frames[LAD_MAY], spec.codes[boundary_set], spec.names[boundary_set]
            )
        )
        for seat, spec in geography.SEATS.items()
        for boundary_set in geography.BOUNDARY_SETS
    }


def _official(seat: str, boundary_set: str) -> pd.DataFrame:
    return _official_by_seat()[(seat, boundary_set)]


# --- the latest figures, above the tabs ------------------------------------------------------


def _latest_lines(selection: Selection) -> tuple[str, ...]:
    """The briefing's Universal Credit lines for the seat (one engine: newest month held in any
    dataset, official before our estimate, comparisons only like-for-like)."""
    seat_codes = geography.SEATS[selection.seat].codes
    return headlines.topic_lines("universal-credit", data.observations, seat_codes)


@data.memo
def _headline_view(seat: str, boundary_set: str) -> TileRow:
    selection = Selection(seat, boundary_set)
    by_series = _official(seat, boundary_set).set_index("series")
    # The estimate's months DWP gives no figure for (all of them, until a refresh loads DWP's
    # monthly constituency figures).
    estimate = next(
        (
            p
            for p in _seat_pieces().get(selection.code, [])
            if p["series"].iloc[0].endswith("estimate")
        ),
        None,
    )
    if estimate is not None:
        estimate = estimate.dropna(subset=["value"])
    tiles = []
    seat_row = f"{selection.name}, DWP"
    has_official = seat_row in by_series.index
    if has_official:
        row = by_series.loc[seat_row]
        tiles.append(
            Tile(
                f"DWP, {row['period_start']:%b %Y}{charts.marker(row['status'])}",
                f"{row['value']:,.0f}",
                f"DWP Stat-Xplore: households on UC in {selection.name}, July 2024 boundaries.",
                dataset=PCON,
            )
        )
    else:
        tiles.append(
            Tile(
                "DWP constituency figure",
                "no figure",
                "DWP's constituency table is on the July 2024 boundaries only; it is not "
                "published for the 2010-2024 seats.",
                dataset=PCON,
            )
        )
    has_estimate = estimate is not None and not estimate.empty
    if has_estimate:
        last = estimate.sort_values("period_start").iloc[-1]
        tiles.append(
            Tile(
                f"Our estimate, {last['period_start']:%b %Y}",
                f"{last['value']:,.0f}",
                "This dashboard's estimate from neighbourhood (MSOA) counts, not a DWP figure.",
                caption=DERIVED_NOTE,
                dataset=ESTIMATE,
            )
        )
    else:
        tiles.append(
            Tile("Monthly estimate", "no figure", _no_estimate_reason(selection), dataset=ESTIMATE)
        )
    if "Nottingham (city), DWP" in by_series.index:
        city = by_series.loc["Nottingham (city), DWP"]
        tiles.append(
            Tile(
                f"Nottingham city, {city['period_start']:%b %Y}{charts.marker(city['status'])}",
                f"{city['value']:,.0f}",
                "DWP Stat-Xplore: households on UC in Nottingham local authority (E06000018).",
                dataset=LAD_MAY,
            )
        )
    sources = (
        *((PCON,) if has_official else ()),
        *((ESTIMATE,) if has_estimate else ()),
        LAD_MAY,
    )
    return TileRow(tuple(tiles), sources)


# --- the monthly series ---------------------------------------------------------------------


@data.memo
def _series(seat: str, boundary_set: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The seat's monthly series and May 2025 figures, both with rates, and the denominators."""
    selection = Selection(seat, boundary_set)
    lines, _ = _dwp_lines()
    series = charts.join_series([*lines, *_seat_lines().get(selection.code, [])])
    official = _official(seat, boundary_set)
    denoms = charts.denominators(_dwp()[POPULATION], boundary_set, selection.code)
    return charts.add_rate(series, denoms), charts.add_rate(official, denoms), denoms


@data.memo
def _trend_view(seat: str, boundary_set: str, mode: str) -> Trend:
    selection = Selection(seat, boundary_set)
    series, official, denoms = _series(seat, boundary_set)
    if series.empty:
        return Trend(None, False, "", None, ())
    has_estimate = bool(series["series"].str.endswith("estimate").any())
    names = {charts.CITY: "Nottingham (city)", selection.code: selection.name}
    not_gb = ~series["series"].str.startswith("Great Britain")
    official_not_gb = ~official["series"].str.startswith("Great Britain")
    notes = (
        charts.flags_note(series[not_gb], official[official_not_gb]),
        "The dashed vertical line marks October 2018, the month UC full service reached "
        f"Nottingham: {charts.FULL_SERVICE_SOURCE}. Before it, most neighbourhood counts are "
        "'..' (nil or negligible), which the estimate counts as 0, so it runs slightly low then. "
        "Counts are households on UC in each month's count, not new claims.",
    )
    panel = components.Chart(
        figure=charts.trend_figure(series, official, mode=mode, seat_label=selection.name),
        table=_styled(
            charts.trend_table(series, official, mode=mode), 1 if mode == charts.PER_1000 else 0
        ),
        summary=charts.trend_summary(series, selection.name, _latest_lines(selection)),
        sources=(LAD, LAD_MAY) + ((ESTIMATE,) if has_estimate else ()) + (PCON,),
        notes=notes,
    )
    export_sources = (LAD, LAD_MAY, PCON) + ((ESTIMATE,) if has_estimate else ()) + (POPULATION,)
    return Trend(
        panel=panel,
        has_estimate=has_estimate,
        denominator_note=charts.denominator_text(denoms, names) if mode == charts.PER_1000 else "",
        export=pd.concat([series, official], ignore_index=True),
        export_sources=export_sources,
    )


# --- growth indexed to a common month ---------------------------------------------------------


@data.memo
def _index_base_options() -> tuple[pd.Timestamp, ...]:
    """The same base months for every seat, so the chosen month survives a seat change."""
    frames = _dwp()
    return tuple(charts.common_base_months(frames[LAD], frames[ESTIMATE]))


@data.memo
def _growth_view(seat: str, boundary_set: str, base: pd.Timestamp) -> components.Chart | None:
    series, _, _ = _series(seat, boundary_set)
    if series.empty:
        return None
    has_estimate = bool(series["series"].str.endswith("estimate").any())
    frame = charts.indexed(series, base)
    return components.Chart(
        figure=charts.index_figure(frame, base),
        table=_styled(charts.index_table(frame), 1),
        summary=charts.index_summary(frame, base),
        sources=(LAD,) + ((ESTIMATE,) if has_estimate else ()),
        notes=(
            charts.flags_note(series),
            "Great Britain is DWP's 'Total' row (K03000001) in the same export: DWP's UC "
            "statistics cover Great Britain, so there is no England-only total here. Base months "
            "offered are those in which the city, Great Britain and every seat's estimate have a "
            "positive count, so the same choice works for every seat.",
        ),
    )


# --- neighbourhood (MSOA) map ---------------------------------------------------------------


@data.memo
def _msoa_shapes():
    """MSOA outlines dissolved from LSOAs (the snapshot has no MSOA boundary table)."""
    lsoas = data.table("ons_local_boundaries_2013", "lsoa2011")
    msoa = _dwp()[MSOA]
    if lsoas is None or msoa is None:
        return None
    codes = msoa[msoa["area_type"] == "msoa"][["area_code", "area_name"]]
    return charts.msoa_shapes(lsoas, codes)


@data.memo
def _msoa_months() -> tuple[tuple[pd.Timestamp, ...], float]:
    """The months on the slider and the largest count of any month (fixes the colour classes)."""
    msoa = _dwp()[MSOA]
    if msoa is None or _msoa_shapes() is None:
        return (), 0.0
    rows = msoa[(msoa["area_type"] == "msoa") & (msoa["measure"] == charts.MEASURE)]
    months = tuple(pd.Timestamp(m) for m in sorted(rows["period_start"].unique()))
    return months, float(rows["value"].max())


@data.memo
def _msoa_layer(month: pd.Timestamp) -> tuple[pd.DataFrame, tuple, dict]:
    """One month's neighbourhood rows, filled areas and labels: the same for every seat."""
    shapes = _msoa_shapes()
    _, vmax = _msoa_months()
    rows = charts.msoa_month(_dwp()[MSOA], month)
    traces = charts.msoa_month_traces(shapes, rows, vmax=vmax)
    return rows, traces, charts.msoa_map_layout(shapes, month)


@data.memo
def _city_outlines(boundary_set: str):
    """The city's three seat outlines in metres, made once per boundary set (not per seat):
    (outlines with a ``code`` column, drawn from wards). 2010-2024 seats come from their 2013
    wards, finer than the ultra-generalised constituency outlines."""
    codes = [seat.codes[boundary_set] for seat in geography.SEATS.values()]
    wards = data.table("ons_local_boundaries_2013", "wards2013")
    if boundary_set == "pcon2010" and wards is not None:
        return charts.seat_outlines_from_wards(wards, codes), True
    boundaries = data.table("ons_pcon_boundaries", boundary_set)
    if boundaries is None:
        return None, False
    return charts.seat_outlines(boundaries, codes), False


@data.memo
def _seat_layer(seat: str, boundary_set: str) -> tuple[tuple, str]:
    """The seat's outline over the map (and the city's other seats), and how it was drawn."""
    selection = Selection(seat, boundary_set)
    outlines, from_wards = _city_outlines(boundary_set)
    chosen = outlines["code"] == selection.code
    traces = charts.seat_traces(
        outlines[chosen], f"{selection.name} ({selection.boundary_label})", outlines[~chosen]
    )
    if from_wards:
        note = (
            "The 2010-2024 constituency outlines are drawn as the union of their 2013 wards, "
            "which nest in them."
        )
    else:
        note = (
            "The July 2024 outlines are ONS's ultra-generalised (BUC) versions, the only 2024 "
            "outlines in our sources: a handful of points for a seat this size, so they cut "
            "corners by a few hundred metres. The estimate's area shares use the same outlines."
        )
    return traces, note


@data.memo
def _map_view(seat: str, boundary_set: str, month: pd.Timestamp) -> MapView | None:
    if _msoa_shapes() is None or _city_outlines(boundary_set)[0] is None:
        return None
    selection = Selection(seat, boundary_set)
    rows, month_traces, layout = _msoa_layer(month)
    seat_traces, outline_note = _seat_layer(seat, boundary_set)
    weights = data.table(ESTIMATE, "uc_msoa_pcon_weights")
    panel = components.Chart(
        figure=go.Figure(data=[*month_traces, *seat_traces], layout=layout),
        table=_styled(
            charts.msoa_table(rows, weights, selection.code),
            **{"Share in seat (estimate)": "{:.0%}"},
        ),
        summary=charts.msoa_summary(rows, weights, selection.code, selection.name),
        sources=(MSOA, "ons_local_boundaries_2013")
        + (("ons_pcon_boundaries",) if boundary_set == "pcon2024" else ())
        + ((ESTIMATE,) if weights is not None else ()),
        notes=(
            charts.flags_note(rows),
            outline_note,
            "MSOAs are 2011 middle layer super output areas (about 3,000 to 4,000 households "
            "each); their outlines are drawn by joining their LSOAs, because the snapshot holds "
            "no MSOA boundary table. The colour classes are fixed across months so months can be "
            "compared; the number on each area is its count. 'Share in seat' is the estimate's "
            "area weight (derived by this dashboard, not a DWP figure). Nottingham 003 and 033 "
            "are absent from this export and from the 2013 outlines.",
        ),
    )
    return MapView(panel, rows)


# --- Nottingham's seats against similar places ------------------------------------------------


@data.memo
def _comparison_base() -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    frames = _dwp()
    frame = charts.comparison_frame(frames[PCON], frames[POPULATION])
    if frame.empty:
        return frame, {}, frame
    median = charts.median_constituency(frames[PCON], frames[POPULATION])
    table = _styled(charts.comparison_table(frame), **{"Per 1,000 residents": "{:,.1f}"})
    return frame, median, table


@data.memo
def _comparison_view(highlight: str, mode: str) -> Comparison | None:
    """The chart for one highlighted July 2024 seat; the table and summary are shared."""
    frame, median, table = _comparison_base()
    if frame.empty:
        return None
    panel = components.Chart(
        figure=charts.comparison_figure(frame, highlight=highlight, mode=mode, median=median),
        table=table,
        summary=charts.comparison_summary(frame, median),
        sources=(PCON, POPULATION),
        notes=(
            charts.flags_note(frame),
            "Similar places: the seats of Leicester and Derby, the East Midlands' other two big "
            "cities (our choice: the sources hold no official list of similar constituencies). "
            "Per 1,000 residents uses each seat's mid-2022 population (all ages). Nottingham "
            "North and Kimberley includes Kimberley (Broxtowe), so the three seats add up to "
            "more than the city.",
        ),
    )
    return Comparison(panel, frame.drop(columns=["group"]))


# --- the estimate against DWP's official constituency figure -------------------------------


def _check(code: str) -> dict | None:
    frames = _dwp()
    return charts.estimate_check(
        _estimate_rows().get(code), frames[MSOA], frames[LAD_MAY], frames[PCON], code
    )


@data.memo
def _check_view(seat: str, boundary_set: str) -> tuple[str, bool]:
    """The check in words, and whether it rests on the sources (else it is an explanation)."""
    selection = Selection(seat, boundary_set)
    check = _check(selection.code)
    if check is not None:
        return charts.estimate_check_sentence(check, selection.name), True
    if selection.code == NK_2024:
        return _no_estimate_reason(selection), False
    successor = geography.SEATS[seat].codes["pcon2024"]
    successor_name = geography.SEATS[seat].names["pcon2024"]
    text = (
        f"DWP publishes no figure for {selection.name} on the 2010-2024 boundaries, so this "
        "estimate cannot be checked directly."
    )
    found = _check(successor)
    if found is not None:
        text += " The same method on the July 2024 boundaries: " + charts.estimate_check_sentence(
            found, successor_name
        ).removeprefix("**Estimate against DWP's figure.** ")
    return text, True


# --- drawing ----------------------------------------------------------------------------------


def _mode(key: str) -> str:
    return state.url_choice(
        st.radio,
        "Show",
        list(MODE_LABELS),
        key=key,
        format_func=MODE_LABELS.get,
        horizontal=True,
    )


def _headline(selection: Selection) -> None:
    """The latest figures with their month, release dates and whether each is an estimate."""
    headline = _headline_view(selection.seat, selection.boundary_set)
    st.markdown(
        f"**Latest figures for {selection.name}** ({selection.boundary_label}): households on "
        "Universal Credit, not people; (p) = provisional."
    )
    for column, tile in zip(st.columns(3), headline.tiles, strict=False):
        with column:
            st.metric(tile.label, tile.value, help=tile.help)
            if tile.caption:
                st.caption(tile.caption)
    components.as_of_line(*(tile.dataset for tile in headline.tiles))
    components.source_caption(*headline.sources)


def _trend_tab(selection: Selection) -> None:
    st.header("Households on Universal Credit over time")
    mode = _mode("uc_trend_mode")
    trend = _trend_view(selection.seat, selection.boundary_set, mode)
    if trend.panel is None:
        components.no_data("the monthly series", "The snapshot has no DWP local authority series.")
        return
    if trend.has_estimate:
        st.warning(_estimate_label(), icon=ESTIMATE_ICON)
    else:
        st.info(_no_estimate_reason(selection), icon=INFO_ICON)
    components.chart_with_table(
        trend.panel.figure,
        trend.panel.table,
        summary=trend.panel.summary,
        key="uc_trend",
        sources=trend.panel.sources,
    )
    if trend.denominator_note:
        st.caption(trend.denominator_note)
        components.source_caption(POPULATION)
    for note in trend.panel.notes:
        st.caption(note)
    components.download_csv(
        trend.export,
        dataset_ids=list(trend.export_sources),
        file_name=components.file_name(
            selection.name,
            "households on universal credit",
            components.period_span(trend.export),
        ),
        key="uc_trend_download",
        label=f"Download the monthly series ({len(trend.export):,} rows, CSV with sources)",
    )


def _growth_tab(selection: Selection) -> None:
    st.header("Growth against Great Britain, indexed to a common month")
    bases = _index_base_options()
    if not bases:
        components.no_data("the index", "No month has a positive count for every series.")
        return
    base = state.url_month(
        st,
        "Index month (= 100)",
        bases,
        key="uc_index_base",
        value=DEFAULT_BASE if DEFAULT_BASE in bases else bases[-1],
        format_func=charts.month_label,
    )
    panel = _growth_view(selection.seat, selection.boundary_set, pd.Timestamp(base))
    if panel is None:
        components.no_data("the index", "The snapshot has no DWP local authority series.")
        return
    if ESTIMATE in panel.sources:
        st.caption(
            f"The {selection.name} line is an estimate derived by this dashboard from DWP's "
            "neighbourhood (MSOA) counts, not a DWP figure."
        )
    components.draw(panel, key="uc_index")


def _map_tab(selection: Selection) -> None:
    st.header("Households on UC by neighbourhood")
    months, _ = _msoa_months()
    if not months:
        components.no_data(
            "the neighbourhood map", "The snapshot lacks the MSOA counts or the LSOA outlines."
        )
        return
    month = state.url_month(
        st,
        "Month",
        months,
        key="uc_map_month",
        value=months[-1],
        format_func=charts.month_label,
        help=charts.months_skipped(months),
    )
    month = pd.Timestamp(month)
    view = _map_view(selection.seat, selection.boundary_set, month)
    if view is None:
        components.no_data(
            "the neighbourhood map", "The snapshot lacks the MSOA counts or the LSOA outlines."
        )
        return
    components.draw(view.panel, key="uc_map")
    components.download_csv(
        view.rows,
        dataset_ids=[MSOA],
        file_name=components.file_name(
            selection.name, "households on universal credit by msoa", f"{month:%Y-%m}"
        ),
        key="uc_map_download",
        label=f"Download {charts.month_label(month)} by MSOA ({len(view.rows)} rows, CSV)",
    )


def _compare_tab(selection: Selection) -> None:
    st.header("Nottingham's seats against similar places, latest month")
    seat = geography.SEATS[selection.seat]
    if selection.boundary_set == "pcon2010":
        st.info(
            f"DWP's constituency table is on the July 2024 boundaries only, so {selection.name} "
            f"(2010-2024 boundaries) has no official figure; its successor, "
            f"{seat.names['pcon2024']}, is highlighted.",
            icon=INFO_ICON,
        )
    mode = _mode("uc_compare_mode")
    view = _comparison_view(seat.codes["pcon2024"], mode)
    if view is None:
        components.no_data("the comparison", "The snapshot has no DWP constituency table.")
        return
    components.draw(view.panel, key="uc_compare")
    components.download_csv(
        view.export,
        dataset_ids=[PCON, POPULATION],
        file_name=components.file_name(
            "comparable constituencies",
            "households on universal credit",
            components.period_span(view.export),
        ),
        key="uc_compare_download",
        label=f"Download this comparison ({len(view.export)} rows, CSV with sources)",
    )


def _check_tab(selection: Selection) -> None:
    st.header("How good is the monthly estimate?")
    text, with_sources = _check_view(selection.seat, selection.boundary_set)
    if with_sources:
        st.warning(_estimate_label(), icon=ESTIMATE_ICON)
    st.markdown(text)
    if with_sources:
        components.source_caption(ESTIMATE, MSOA, LAD_MAY, PCON)


def _notes_tab(selection: Selection) -> None:
    st.header("What this page does not show yet")
    st.markdown(
        "- **People rather than households.** DWP's headline figures count people on UC (the "
        "'People on Universal Credit' dataset); every figure here counts households, a smaller "
        "number.\n"
        "- **Ward level.** Our sources have UC counts for neighbourhoods (MSOAs), the city and "
        "the July 2024 seats, not for wards.\n"
        "- **Move to UC by constituency.** DWP's managed-migration ('Move to UC') release figures "
        "are not in our sources.\n"
        f"- {_months_not_held()}\n\n"
        "The data refresh (`python -m dashboard refresh --only uc`, with a Stat-Xplore API key "
        "kept in the app's secrets) asks DWP's Stat-Xplore Open Data API for households on UC "
        "by local authority and by July 2024 constituency, every month; DWP's constituency "
        "series then replaces the estimate for the July 2024 seats. People, wards and the 2010 "
        "seats are not asked for yet. "
        + (
            f"This snapshot holds DWP's monthly constituency figures for {_monthly_seats()}."
            if _monthly_seats()
            else "This snapshot has not been refreshed from the API: every figure on this page "
            "comes from the stored exports listed under each chart."
        )
    )
    st.header("Notes on these figures (from the data catalogue)")
    for dataset_id in (LAD, MSOA, PCON, ESTIMATE):
        publication = catalogue.get(dataset_id)
        st.markdown(f"**{publication.title}**")
        st.markdown("\n".join(f"- {c}" for c in publication.caveats))
        components.source_caption(dataset_id)


def render(selection: Selection) -> None:
    st.title(f"{selection.name}: Universal Credit")
    st.caption(
        f"{selection.code} · {selection.boundary_label} · households on Universal Credit, DWP "
        "Stat-Xplore; "
        + (
            "monthly constituency figures are DWP's where DWP publishes them (July 2024 seats) "
            "and otherwise an estimate derived by this dashboard, labelled 'estimate'"
            if _monthly_seats()
            else "any monthly constituency figure here is an estimate derived by this "
            "dashboard, not a DWP figure"
        )
    )
    _headline(selection)
    state.draw_tabs(
        TABS,
        key=TAB_KEY,
        sections={
            "Trend": lambda: _trend_tab(selection),
            "Growth": lambda: _growth_tab(selection),
            "Map": lambda: _map_tab(selection),
            "Compare": lambda: _compare_tab(selection),
            "Estimate check": lambda: _check_tab(selection),
            "Notes": lambda: _notes_tab(selection),
        },
    )
