"""QMC A&E: Nottingham University Hospitals' 4-hour, 12-hour and attendance figures since 2015.

The page's state is in its link: the tab (``ae_tab``) and every control. Only the open tab's
code runs, and each section's figures, tables and sentences come from a view model cached per
process (``data.memo``) keyed by the controls it reads; only the map takes the seat, so a seat
change redraws the page from cache.
"""

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import geography, headlines
from dashboard.core import catalogue
from dashboard.topics import registry
from dashboard.topics.ae import figures as charts
from dashboard.topics.ae import model as ad
from dashboard.ui import components, data, state
from dashboard.ui.model_types import Tile, TileRow
from dashboard.ui.state import Selection

TAB_KEY, TABS = registry.tabs("ae")
SEASONAL_MEASURES = (
    "pct_within_4h_type1",
    "pct_within_4h_all",
    "waits_over_12h_dta",
    "attendances_type1",
)
WAITS_VIEWS = {
    "count": f"Number of patients ({ad.SHORT_NAME})",
    "per_admission": f"Per 100 emergency admissions via A&E ({ad.SHORT_NAME} and England)",
}
EXPORT_DEFAULT = (
    "pct_within_4h_all",
    "pct_within_4h_type1",
    "waits_over_12h_dta",
    "attendances_type1",
    "attendances_all",
)
PEER_COLUMNS = {
    "org_code": "ODS code",
    "org_name": "Trust",
    "region": "NHS England region",
    "attendances_type1_12m": "Type 1 attendances, last 12 months",
}
INVERSE_TILES = {"waits_over_12h_dta"}  # more is worse: a rise shows red


def month_label(month: pd.Timestamp) -> str:
    return f"{month:%b %Y}"


# --- view models: cached per process, read-only -----------------------------------------------


@dataclass(frozen=True)
class Base:
    """The page's shared working sets and the facts every tab reads."""

    cut: ad.Slices
    trusts: pd.DataFrame | None
    months: tuple[pd.Timestamp, ...]
    gap: tuple


@data.memo
def _base() -> Base | None:
    obs = data.observations(ad.DATASET)
    if obs is None:
        return None
    cut = ad.slices(obs)
    return Base(
        cut,
        data.table(ad.DATASET, "trusts"),
        tuple(ad.months(cut.local)),
        ad.field_test_gap(cut.local),
    )


def _tile_help(head: ad.MeasureMonth, month: pd.Timestamp) -> str:
    """The tile's measure in the publisher's words (its catalogue record)."""
    return (
        f"{catalogue.measure(head.measure).definition} {ad.month_text(month)}; change on the "
        "same month a year earlier."
    )


@dataclass(frozen=True)
class LatestMonth:
    """The tiles' heading, their row, the sentences under them and the release and target lines."""

    heading: str
    note: str
    row: TileRow
    sentences: tuple[str, ...]
    release: str
    targets: str


@data.memo
def _tiles_model() -> LatestMonth:
    base = _base()
    heads = ad.headlines(base.cut.local)
    month = heads[0].month
    # The trust's headlines are the briefing's (one engine), so the same comparability rules
    # apply here: a year-on-year change across a shift in the mix of A&E types is not shown.
    found = headlines.topic_figures("ae", data.observations, {})
    shifted = headlines.not_like_for_like(found)
    tiles = tuple(
        Tile(
            label=ad.TILE_LABELS[head.measure],
            value=head.value_text,
            help=_tile_help(head, month),
            delta=None if head.measure in shifted else head.delta_text,
            delta_color=(
                "inverse" if head.measure in INVERSE_TILES else ("normal" if head.is_pct else "off")
            ),
            caption=head.reference_text
            + (" · change on a year earlier not like-for-like" if head.measure in shifted else ""),
            dataset=ad.DATASET,
        )
        for head in heads
    )
    targets = "; ".join(
        f"{t.pct:.0f}% by {ad.month_text(t.due)} ([{t.source}]({t.url}))"
        for t in ad.INTERIM_TARGETS
    )
    return LatestMonth(
        heading=f"Latest month: {ad.month_text(month)}",
        note=(
            f"Arrows: change on {ad.month_text(heads[0].previous_month)}. A 12-hour trolley "
            "wait is 12 hours or more from the decision to admit to admission."
        ),
        row=TileRow(tiles, (ad.DATASET,)),
        sentences=tuple(headlines.line(figure) for figure in found),
        release=ad.release_text(data.table(ad.DATASET, "source_files"), month),
        targets=(
            f"Interim targets: {targets}. They and the 95% standard apply to all A&E types "
            "together, for England as a whole."
        ),
    )


@dataclass(frozen=True)
class Peers:
    table: pd.DataFrame  # shown as it is: columns already renamed for people
    codes: tuple[str, ...]
    legend: str


@data.memo
def _peers(choice: str) -> Peers:
    trusts = _base().trusts
    peers = ad.peer_table(trusts, choice) if trusts is not None else pd.DataFrame()
    codes = tuple(peers["org_code"]) if not peers.empty else ()
    return Peers(peers.rename(columns=PEER_COLUMNS), codes, ad.PEER_LEGEND.get(choice, ""))


@dataclass(frozen=True)
class Trend:
    chart: components.Chart
    notes: tuple[str, ...]


@data.memo
def _trend_model(measure: str, choice: str, start: pd.Timestamp, end: pd.Timestamp) -> Trend:
    base, peers = _base(), _peers(choice)
    frame = ad.trend_frame(base.cut.ranked, measure, list(peers.codes), start, end)
    figure = charts.trend_figure(
        frame, measure=measure, gap=base.gap, peer_label=peers.legend, start=start, end=end
    )
    gap = base.gap
    notes = [
        f"Missing is not zero: {ad.SHORT_NAME} took part in NHS England's Clinical Review of "
        "Standards field test and reported no 4-hour figures from "
        f"{ad.month_text(gap[0])} to {ad.month_text(gap[1])}; the line breaks there. England's "
        "4-hour figures in those months leave out the field-test trusts, as NHS England's do."
        if gap[0] is not None
        else "",
        "The peer median is the middle value of the peers that reported that month (the count "
        "is in the table), not an average; the orange band holds the middle half of them."
        if peers.codes
        else "",
        "The 95% standard and interim targets are set for all A&E types together, so they are "
        "drawn on the all-types view only."
        if measure == "pct_within_4h_type1"
        else "",
    ]
    chart = components.Chart(
        figure, ad.trend_table(frame, peers.legend), ad.trend_sentence(frame, measure)
    )
    return Trend(chart, tuple(filter(None, notes)))


@data.memo
def _waits_model(per_admission: bool, start: pd.Timestamp, end: pd.Timestamp) -> components.Chart:
    base = _base()
    waits = ad.waits_frame(base.cut.local, start, end)
    figure = charts.waits_figure(
        waits, per_admission=per_admission, gap=base.gap, start=start, end=end
    )
    return components.Chart(figure, ad.waits_table(waits), ad.waits_sentence(waits))


@data.memo
def _attendances_model(start: pd.Timestamp, end: pd.Timestamp) -> components.Chart:
    local = _base().cut.local
    frame = ad.attendances_frame(local, start, end)
    figure = charts.attendances_figure(
        frame, episodes=ad.other_episodes(local), start=start, end=end
    )
    return components.Chart(figure, ad.attendances_table(frame), ad.attendances_sentence(frame))


@data.memo
def _other_sentence() -> str:
    return ad.other_episodes_sentence(_base().cut.local)


@data.memo
def _seasonal_model(measure: str) -> components.Chart:
    wide = ad.seasonal_frame(_base().cut.local, measure)
    return components.Chart(
        charts.seasonal_figure(wide, measure),
        ad.seasonal_table(wide, measure),
        ad.seasonal_sentence(wide, measure),
    )


@data.memo
def _rank_model(month: pd.Timestamp, measure: str, choice: str) -> components.Chart | None:
    base = _base()
    obs = base.cut.ranked
    ranked = ad.rank_frame(obs, base.trusts, month, measure)
    if ranked.empty:
        return None
    own = ad.series(obs, measure, ad.TRUST)
    status = own["status"].get(month) if month in own.index else "no return"
    england = ad.series(obs, measure, ad.ENGLAND)["value"].get(month)
    figure = charts.rank_figure(
        ranked,
        month=month,
        measure=measure,
        peer_codes=list(_peers(choice).codes),
        england=None if england is None or pd.isna(england) else float(england),
    )
    summary = ad.rank_sentence(ranked, month, measure, None if pd.isna(status) else status)
    return components.Chart(figure, ad.rank_table(ranked), summary)


@data.memo
def _map_model(seat: str, boundary_set: str) -> components.Chart | None:
    selection = Selection(seat, boundary_set)
    sites = data.table("named_sites", "sites")
    south = geography.SEATS["south"].codes[boundary_set]
    # QMC's seat is drawn even when it is not a neighbour of the chosen one.
    frames = data.seat_map(seat, boundary_set, (south,))
    if frames is None or sites is None:
        return None
    sites = sites[sites["org_code"] == ad.TRUST]
    figure = charts.sites_map(
        seat_code=selection.code,
        seats=frames.seats,
        boundary_label=selection.boundary_label,
        sites=sites,
        other_outline=frames.other_outline,
        other_label=frames.other_label,
    )
    name_col, code_col = f"{boundary_set}_name", f"{boundary_set}_code"
    table = pd.DataFrame(
        {
            "Site": sites["name"],
            "Postcode": sites["postcode"],
            "Role": sites["role"],
            f"Constituency ({selection.boundary_label})": sites[name_col],
            "GSS code": sites[code_col],
        }
    )
    places = "; ".join(
        f"{name} lies in {seat_name} ({code})"
        for name, seat_name, code in zip(
            sites["name"], sites[name_col], sites[code_col], strict=True
        )
    )
    summary = (
        f"{places}. QMC runs the trust's type 1 emergency department: it lies in "
        "Nottingham South, but it is the A&E Nottingham East residents use."
    )
    return components.Chart(figure, table, summary)


@dataclass(frozen=True)
class Export:
    frame: pd.DataFrame
    caption: str


@data.memo
def _export_model(
    measures: tuple[str, ...], choice: str, with_peers: bool, start: pd.Timestamp, end: pd.Timestamp
) -> Export:
    codes = list(_peers(choice).codes) if with_peers else []
    frame = ad.export_frame(_base().cut.full, list(measures), codes, start, end)
    caption = (
        f"{len(frame):,} rows: {ad.SHORT_NAME} (RX1), England ({ad.ENGLAND})"
        + (f" and the {len(codes)} peers" if codes else "")
        + f", {start:%b %Y} to {end:%b %Y} (the months chosen above). Each row carries its ODS "
        "or GSS code, unit, status (why a value is blank) and the NHS England file it came "
        "from; the file opens with the sources and their checksums."
    )
    return Export(frame, caption)


@data.memo
def _history_frame() -> pd.DataFrame | None:
    history = data.observations(ad.HISTORY_DATASET)
    if history is None:
        return None
    return ad.history_frame(history, _base().cut.local)


@data.memo
def _history_model() -> components.Chart | None:
    frame = _history_frame()
    if frame is None:
        return None
    table = pd.DataFrame(
        {
            "Month": frame["month"].dt.strftime("%b %Y"),
            "Time series %": frame["timeseries"].round(1),
            "Note": frame["timeseries_status"].fillna(""),
            "Monthly files %": frame["monthly"].round(1),
        }
    ).iloc[::-1]
    return components.Chart(charts.history_figure(frame), table, ad.history_sentence(frame))


# --- drawing ----------------------------------------------------------------------------------


def _tiles() -> None:
    model = _tiles_model()
    st.header(model.heading)
    st.caption(model.note)
    components.tiles(model.row.tiles)
    components.source_caption(*model.row.sources)
    # Folded, so that the tabs are in view on a 900 px screen; one click opens the sentences.
    with st.expander("These figures in sentences to quote, the release and the targets"):
        st.markdown("\n".join(f"- {sentence}" for sentence in model.sentences))
        if model.release:
            st.caption(model.release)
        st.caption(model.targets)


def _trend(choice: str, start, end) -> None:
    st.header("4-hour performance over time")
    measure = state.url_choice(
        st.radio,
        "Measure",
        ad.PCT_MEASURES,
        format_func=ad.MEASURE_LABELS.get,
        horizontal=True,
        key="ae_measure",
    )
    model = _trend_model(measure, choice, start, end)
    components.draw(model.chart, key="ae_trend", sources=(ad.DATASET,), chart_width=4)
    for note in model.notes:
        st.caption(note)
    peers = _peers(choice)
    if peers.codes:
        with st.expander(f"The {len(peers.codes)} peer trusts and how they were chosen"):
            st.dataframe(peers.table, hide_index=True, key="ae_peer_list")
            st.caption(
                "Peers are providers still reporting with type 1 attendances in the last 12 "
                "months; size is their type 1 attendances over those months. Trusts that merged "
                "or changed code have figures only under their current code."
            )
            components.source_caption(ad.DATASET)
    if _history_frame() is not None:
        since = ad.history_start(_history_frame())
        st.caption(f"England's 4-hour record since {since} is under Notes.")


def _waits_and_attendances(start, end) -> None:
    st.header("12-hour waits and attendances")
    view = state.url_choice(
        st.radio,
        "Show 12-hour waits as",
        list(WAITS_VIEWS),
        format_func=WAITS_VIEWS.get,
        horizontal=True,
        key="ae_waits_view",
    )
    components.draw(
        _waits_model(view == "per_admission", start, end), key="ae_waits", sources=(ad.DATASET,)
    )
    st.caption(
        "A 12-hour wait is counted from the decision to admit a patient to their admission (a "
        "'trolley wait'), not from arrival. The rate per 100 admissions is calculated here, not "
        "published by NHS England."
    )
    components.draw(_attendances_model(start, end), key="ae_attendances", sources=(ad.DATASET,))
    sentence = _other_sentence()
    if sentence:
        st.caption(sentence)


def _seasonal() -> None:
    st.header("Seasonal pattern")
    measure = state.url_choice(
        st.selectbox,
        "Measure",
        SEASONAL_MEASURES,
        format_func=ad.MEASURE_LABELS.get,
        key="ae_season_measure",
    )
    components.draw(_seasonal_model(measure), key="ae_season", sources=(ad.DATASET,))
    st.caption(
        "Years run April to March, as NHS years do, so each winter is one line. Older years are "
        "grey (hover for the year); years with no 4-hour figures (the field test) have no line."
    )


def _rank(months, choice: str) -> None:
    st.header(f"{ad.SHORT_NAME}'s rank among trusts")
    controls = st.columns([3, 2])
    month = state.url_month(
        controls[0],
        "Month",
        months,
        value=months[-1],
        format_func=month_label,
        key="ae_rank_month",
    )
    measure = state.url_choice(
        controls[1].radio,
        "Rank on",
        ad.PCT_MEASURES[::-1],  # type 1 first: the like-for-like comparison
        format_func=ad.MEASURE_LABELS.get,
        key="ae_rank_measure",
    )
    model = _rank_model(month, measure, choice)
    if model is None:
        components.no_data("the ranking", f"No trust reported {measure} for {month:%B %Y}.")
        return
    components.draw(model, key="ae_rank", sources=(ad.DATASET,), chart_width=4)
    st.caption(
        "Ranked: every provider with type 1 (major emergency department) attendances that "
        "month and a 4-hour figure. All-types figures depend on which walk-in and urgent "
        "treatment units each trust's return covers, so type 1 is the fairer comparison."
    )


def _map(selection: Selection) -> None:
    st.header("Where the hospitals are")
    model = _map_model(selection.seat, selection.boundary_set)
    if model is None:
        components.no_data(
            "the map",
            "The snapshot has no boundaries or sites; rebuild it.",
            "ons_pcon_boundaries",
            "named_sites",
        )
        return
    components.draw(
        model,
        key="ae_map",
        sources=("named_sites", "ons_pcon_boundaries", "ons_local_boundaries_2013"),
    )
    st.caption(
        "Each site is placed at its postcode's centroid (Ordnance Survey Code-Point Open), "
        "not at the building. The July 2024 outlines are ONS's ultra-generalised ones, so a "
        "site near an edge can look outside its seat; the dashed line is the same seat on the "
        "other boundary set."
    )


def _export(choice: str, start, end) -> None:
    st.header("Download the figures")
    measures = state.url_choice(
        st.multiselect,
        "Measures",
        list(ad.MEASURE_LABELS),
        default=list(EXPORT_DEFAULT),
        format_func=lambda m: f"{ad.MEASURE_LABELS[m]} ({m})",
        key="ae_export_measures",
    )
    peer_count = len(_peers(choice).codes)
    if peer_count:
        with_peers = state.url_flag(
            st.checkbox,
            f"Include the {peer_count} peer trusts (chosen above)",
            value=True,
            key="ae_export_peers",
        )
    else:
        with_peers = False
        st.caption("No peer set is chosen above, so the file holds NUH and England only.")
    model = _export_model(tuple(measures), choice, with_peers, start, end)
    st.caption(model.caption)
    components.download_csv(
        model.frame,
        dataset_ids=[ad.DATASET],
        file_name=f"nuh_ae_{start:%Y%m}_{end:%Y%m}.csv",
        key="ae_download",
    )


def _notes() -> None:
    model = _history_model()
    if model is not None:
        st.header(f"England's longer record, since {ad.history_start(_history_frame())}")
        components.draw(model, key="ae_history", sources=(ad.HISTORY_DATASET, ad.DATASET))
        st.caption(
            "November 2010 to May 2015 are estimated from weekly data; from May 2019 to May 2023 "
            "England's figure leaves out the field-test trusts."
        )
    st.header("What these figures do and do not show")
    # The 'other A&E' jumps are measure breaks, not caveats: the sentence says what the data shows.
    lines = list(catalogue.get(ad.DATASET).caveats)
    lines += [
        _other_sentence(),
        "The figures count attendances and waits; they say nothing about the quality of care, "
        "ambulance handover delays or waits before arrival.",
    ]
    st.markdown("\n".join(f"- {line}" for line in lines if line))


def _rank_tab(months, choice: str, base: Base) -> None:
    if base.trusts is None:
        components.no_data(
            "the ranking", "The snapshot has no trust list; rebuild it.", "nhse_ae_monthly"
        )
    else:
        _rank(months, choice)


def render(selection: Selection) -> None:
    st.title("QMC A&E: Nottingham University Hospitals")
    base = _base()
    since = f" from {ad.month_text(min(base.months))}" if base is not None and base.months else ""
    st.caption(
        f"{ad.TRUST_NAME} (ODS code RX1) · NHS England monthly A&E statistics{since} · "
        f"seen from {selection.name} ({selection.code})"
    )
    if base is None:
        components.no_data(
            "A&E",
            "The snapshot has no NHS England A&E statistics; rebuild it.",
            "nhse_ae_monthly",
            "nhse_ae_england_timeseries",
        )
        return
    st.info(
        "**Figures are for the whole trust**: Queen's Medical Centre and Nottingham City "
        "Hospital together. NHS England publishes no QMC-only figure. The trust's type 1 "
        "(major) emergency department is at QMC; City Hospital has no type 1 A&E.",
        icon=components.INFO_ICON,
    )
    _tiles()
    months = base.months
    controls = st.columns([3, 4])
    # Above the tabs: the trend, waits, attendances, rank and download all read these.
    choice = state.url_choice(
        controls[0].radio,
        "Compare with",
        list(ad.PEER_CHOICES),
        format_func=ad.PEER_CHOICES.get,
        help=ad.PEER_HELP,
        key="ae_peers",
    )
    start, end = state.url_choice(
        controls[1].select_slider,
        "Months shown (applies to every chart over time)",
        months,
        value=(months[0], months[-1]),
        format_func=month_label,
        key="ae_range",
    )
    state.draw_tabs(
        TABS,
        key=TAB_KEY,
        sections={
            "4-hour trend": lambda: _trend(choice, start, end),
            "Waits and attendances": lambda: _waits_and_attendances(start, end),
            "Seasonal": _seasonal,
            "Rank": lambda: _rank_tab(months, choice, base),
            "Map": lambda: _map(selection),
            "Download": lambda: _export(choice, start, end),
            "Notes": _notes,
        },
    )
