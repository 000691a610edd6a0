"""QMC A&E: Nottingham University Hospitals' 4-hour, 12-hour and attendance figures since 2015."""

import pandas as pd
import streamlit as st

from dashboard import catalogue, geography
from dashboard.ui import ae_charts as charts
from dashboard.ui import ae_data as ad
from dashboard.ui import components, data
from dashboard.ui.state import Selection

# The catalogue's note on the 'other A&E' jump names the wrong month; the page states what the
# data shows instead (ae_data.other_episodes_sentence).
REPLACED_CAVEAT = "'other A&E' attendances jump"


@st.cache_resource(show_spinner=False)
def _slices() -> ad.Slices | None:
    """Cut once per process and shared by every session: read-only, never mutated."""
    obs = data.observations(ad.DATASET)
    return None if obs is None else ad.slices(obs)


def _tiles(obs: pd.DataFrame, source_files: pd.DataFrame | None) -> None:
    heads = ad.headlines(obs)
    month = heads[0].month
    st.subheader(f"Latest month: {ad.month_text(month)}")
    st.caption(
        f"Arrows: change on {ad.month_text(heads[0].previous_month)}. A 12-hour trolley wait is "
        "12 hours or more from the decision to admit to admission."
    )
    columns = st.columns(len(heads))
    inverse = {"waits_over_12h_dta"}
    for column, head in zip(columns, heads, strict=True):
        with column:
            st.metric(
                ad.TILE_LABELS[head.measure],
                head.value_text,
                delta=head.delta_text,
                delta_color="inverse"
                if head.measure in inverse
                else ("normal" if head.is_pct else "off"),
                help=f"{head.label}, {ad.month_text(month)}; change on the same month a year "
                "earlier.",
            )
            st.caption(head.reference_text)
    for head in heads:
        st.markdown(f"- {ad.headline_sentence(head)}")
    release = ad.release_text(source_files, month)
    if release:
        st.caption(release)
    components.source_caption(ad.DATASET)
    st.caption(
        "Interim targets: "
        + "; ".join(
            f"{t.pct:.0f}% by {ad.month_text(t.due)} ([{t.source}]({t.url}))"
            for t in ad.INTERIM_TARGETS
        )
        + ". They and the 95% standard apply to all A&E types together, for England as a whole."
    )


def _trend(obs, trusts, months, gap) -> tuple:
    st.subheader("4-hour performance over time")
    controls = st.columns([2, 2, 3])
    measure = controls[0].radio(
        "Measure", ad.PCT_MEASURES, format_func=ad.MEASURE_LABELS.get, key="ae_measure"
    )
    choice = controls[1].radio(
        "Compare with", list(ad.PEER_CHOICES), format_func=ad.PEER_CHOICES.get, key="ae_peers"
    )
    start, end = controls[2].select_slider(
        "Months shown (applies to every chart over time)",
        options=months,
        value=(months[0], months[-1]),
        format_func=lambda m: f"{m:%b %Y}",
        key="ae_range",
    )
    peers = ad.peer_table(trusts, choice) if trusts is not None else pd.DataFrame()
    peer_codes = peers["org_code"].tolist() if not peers.empty else []
    peer_label = {"region": "Midlands trusts", "size": "similar-size trusts"}.get(choice, "")
    frame = ad.trend_frame(obs, measure, peer_codes, start, end)
    figure = charts.trend_figure(
        frame, measure=measure, gap=gap, peer_label=peer_label, start=start, end=end
    )
    components.chart_with_table(
        figure,
        ad.trend_table(frame, peer_label),
        summary=ad.trend_sentence(frame, measure),
        key="ae_trend",
        sources=(ad.DATASET,),
        chart_width=4,
    )
    notes = [
        f"Missing is not zero: {ad.SHORT_NAME} took part in NHS England's Clinical Review of "
        "Standards field test and reported no 4-hour figures from "
        f"{ad.month_text(gap[0])} to {ad.month_text(gap[1])}; the line breaks there. England's "
        "4-hour figures in those months leave out the field-test trusts, as NHS England's do."
        if gap[0] is not None
        else "",
        "The peer median is the middle value of the peers that reported that month (the count "
        "is in the table), not an average; the orange band holds the middle half of them."
        if peer_codes
        else "",
        "The 95% standard and interim targets are set for all A&E types together, so they are "
        "drawn on the all-types view only."
        if measure == "pct_within_4h_type1"
        else "",
    ]
    for note in filter(None, notes):
        st.caption(note)
    if peer_codes:
        with st.expander(f"The {len(peer_codes)} peer trusts and how they were chosen"):
            st.dataframe(
                peers.rename(
                    columns={
                        "org_code": "ODS code",
                        "org_name": "Trust",
                        "region": "NHS England region",
                        "attendances_type1_12m": "Type 1 attendances, last 12 months",
                    }
                ),
                hide_index=True,
                key="ae_peer_list",
            )
            st.caption(
                "Peers are providers still reporting with type 1 attendances in the last 12 "
                "months; size is their type 1 attendances over those months. Trusts that merged "
                "or changed code have figures only under their current code."
            )
            components.source_caption(ad.DATASET)
    return start, end, peer_codes


def _waits_and_attendances(obs, gap, start, end) -> None:
    st.subheader("12-hour waits and attendances")
    view = st.radio(
        "Show 12-hour waits as",
        ["count", "per_admission"],
        format_func={
            "count": f"Number of patients ({ad.SHORT_NAME})",
            "per_admission": f"Per 100 emergency admissions via A&E ({ad.SHORT_NAME} and England)",
        }.get,
        horizontal=True,
        key="ae_waits_view",
    )
    waits = ad.waits_frame(obs, start, end)
    components.chart_with_table(
        charts.waits_figure(
            waits, per_admission=view == "per_admission", gap=gap, start=start, end=end
        ),
        ad.waits_table(waits),
        summary=ad.waits_sentence(waits),
        key="ae_waits",
        sources=(ad.DATASET,),
    )
    st.caption(
        "A 12-hour wait is counted from the decision to admit a patient to their admission (a "
        "'trolley wait'), not from arrival. The rate per 100 admissions is calculated here, not "
        "published by NHS England."
    )
    attendances = ad.attendances_frame(obs, start, end)
    episodes = ad.other_episodes(obs)
    components.chart_with_table(
        charts.attendances_figure(attendances, episodes=episodes, start=start, end=end),
        ad.attendances_table(attendances),
        summary=ad.attendances_sentence(attendances),
        key="ae_attendances",
        sources=(ad.DATASET,),
    )
    sentence = ad.other_episodes_sentence(obs)
    if sentence:
        st.caption(sentence)


def _seasonal(obs) -> None:
    st.subheader("Seasonal pattern")
    measure = st.selectbox(
        "Measure",
        ["pct_within_4h_type1", "pct_within_4h_all", "waits_over_12h_dta", "attendances_type1"],
        format_func=ad.MEASURE_LABELS.get,
        key="ae_season_measure",
    )
    wide = ad.seasonal_frame(obs, measure)
    components.chart_with_table(
        charts.seasonal_figure(wide, measure),
        ad.seasonal_table(wide, measure),
        summary=ad.seasonal_sentence(wide, measure),
        key="ae_season",
        sources=(ad.DATASET,),
    )
    st.caption(
        "Years run April to March, as NHS years do, so each winter is one line. Older years are "
        "grey (hover for the year); years with no 4-hour figures (the field test) have no line."
    )


def _rank(obs, trusts, months, peer_codes) -> None:
    st.subheader(f"{ad.SHORT_NAME}'s rank among trusts")
    controls = st.columns([3, 2])
    month = controls[0].select_slider(
        "Month",
        options=months,
        value=months[-1],
        format_func=lambda m: f"{m:%b %Y}",
        key="ae_rank_month",
    )
    measure = controls[1].radio(
        "Rank on",
        ad.PCT_MEASURES[::-1],  # type 1 first: the like-for-like comparison
        format_func=ad.MEASURE_LABELS.get,
        key="ae_rank_measure",
    )
    ranked = ad.rank_frame(obs, trusts, month, measure)
    if ranked.empty:
        components.no_data("the ranking", f"No trust reported {measure} for {month:%B %Y}.")
        return
    own = ad.series(obs, measure, ad.TRUST)
    status = own["status"].get(month) if month in own.index else "no return"
    england = ad.series(obs, measure, ad.ENGLAND)["value"].get(month)
    components.chart_with_table(
        charts.rank_figure(
            ranked,
            month=month,
            measure=measure,
            peer_codes=peer_codes,
            england=None if england is None or pd.isna(england) else float(england),
        ),
        ad.rank_table(ranked),
        summary=ad.rank_sentence(ranked, month, measure, None if pd.isna(status) else status),
        key="ae_rank",
        sources=(ad.DATASET,),
        chart_width=4,
    )
    st.caption(
        "Ranked: every provider with type 1 (major emergency department) attendances that "
        "month and a 4-hour figure. All-types figures depend on which walk-in and urgent "
        "treatment units each trust's return covers, so type 1 is the fairer comparison."
    )


def _map(selection: Selection) -> None:
    st.subheader("Where the hospitals are")
    sites = data.table("named_sites", "sites")
    south = geography.SEATS["south"].codes[selection.boundary_set]
    # QMC's seat is drawn even when it is not a neighbour of the chosen one.
    frames = data.seat_map(selection.seat, selection.boundary_set, (south,))
    if frames is None or sites is None:
        components.no_data("the map", "The snapshot has no boundaries or sites; rebuild it.")
        return
    sites = sites[sites["org_code"] == ad.TRUST]
    figure = charts.sites_map(
        seat_code=selection.code,
        seats=frames.seats,
        boundary_label=selection.boundary_label,
        sites=sites,
        other_outline=frames.other_outline,
        other_label=frames.other_label,
    )
    name_col, code_col = f"{selection.boundary_set}_name", f"{selection.boundary_set}_code"
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
        f"{row['name']} lies in {row[name_col]} ({row[code_col]})" for _, row in sites.iterrows()
    )
    components.chart_with_table(
        figure,
        table,
        summary=(
            f"{places}. QMC runs the trust's type 1 emergency department: it lies in "
            "Nottingham South, but it is the A&E Nottingham East residents use."
        ),
        key="ae_map",
        sources=("named_sites", "ons_pcon_boundaries", "ons_local_boundaries_2013"),
    )
    st.caption(
        "Each site is placed at its postcode's centroid (Ordnance Survey Code-Point Open), "
        "not at the building. The July 2024 outlines are ONS's ultra-generalised ones, so a "
        "site near an edge can look outside its seat; the dashed line is the same seat on the "
        "other boundary set."
    )


def _export(obs, peer_codes, start, end) -> None:
    st.subheader("Download the figures")
    measures = st.multiselect(
        "Measures",
        list(ad.MEASURE_LABELS),
        default=[
            "pct_within_4h_all",
            "pct_within_4h_type1",
            "waits_over_12h_dta",
            "attendances_type1",
            "attendances_all",
        ],
        format_func=lambda m: f"{ad.MEASURE_LABELS[m]} ({m})",
        key="ae_export_measures",
    )
    include_peers = st.checkbox(
        f"Include the {len(peer_codes)} peer trusts",
        value=bool(peer_codes),
        disabled=not peer_codes,
        key="ae_export_peers",
    )
    frame = ad.export_frame(obs, measures, peer_codes if include_peers else [], start, end)
    st.caption(
        f"{len(frame):,} rows: {ad.SHORT_NAME} (RX1), England (E92000001)"
        + (" and the peers" if include_peers and peer_codes else "")
        + f", {start:%b %Y} to {end:%b %Y} (the months chosen above). Each row carries its ODS "
        "or GSS code, unit, status (why a value is blank) and the NHS England file it came "
        "from; the file opens with the sources and their checksums."
    )
    components.download_csv(
        frame,
        dataset_ids=[ad.DATASET],
        file_name=f"nuh_ae_{start:%Y%m}_{end:%Y%m}.csv",
        key="ae_download",
    )


def _history(obs) -> None:
    history = data.observations(ad.HISTORY_DATASET)
    if history is None:
        return
    with st.expander("England's longer record, since 2010"):
        frame = ad.history_frame(history, obs)
        table = pd.DataFrame(
            {
                "Month": frame["month"].dt.strftime("%b %Y"),
                "Time series %": frame["timeseries"].round(1),
                "Note": frame["timeseries_status"].fillna(""),
                "Monthly files %": frame["monthly"].round(1),
            }
        ).iloc[::-1]
        components.chart_with_table(
            charts.history_figure(frame),
            table,
            summary=ad.history_sentence(frame),
            key="ae_history",
            sources=(ad.HISTORY_DATASET, ad.DATASET),
        )
        st.caption(
            "November 2010 to May 2015 are estimated from weekly data; from May 2019 to May 2023 "
            "England's figure leaves out the field-test trusts."
        )


def _caveats(obs) -> None:
    with st.expander("What these figures do and do not show"):
        for caveat in catalogue.get(ad.DATASET).caveats:
            if REPLACED_CAVEAT not in caveat:
                st.markdown(f"- {caveat}")
        sentence = ad.other_episodes_sentence(obs)
        if sentence:
            st.markdown(f"- {sentence}")
        st.markdown(
            "- The figures count attendances and waits; they say nothing about the quality of "
            "care, ambulance handover delays or waits before arrival."
        )


def render(selection: Selection) -> None:
    st.title("QMC A&E: Nottingham University Hospitals")
    st.caption(
        f"{ad.TRUST_NAME} (ODS code RX1) · NHS England monthly A&E statistics from July 2015 · "
        f"seen from {selection.name} ({selection.code})"
    )
    cut = _slices()
    if cut is None:
        components.no_data("A&E", "The snapshot has no NHS England A&E statistics; rebuild it.")
        return
    trusts = data.table(ad.DATASET, "trusts")
    st.info(
        "**Figures are for the whole trust**: Queen's Medical Centre and Nottingham City "
        "Hospital together. NHS England publishes no QMC-only figure. The trust's type 1 "
        "(major) emergency department is at QMC; City Hospital has no type 1 A&E.",
        icon="ℹ️",
    )
    months = ad.months(cut.local)
    gap = ad.field_test_gap(cut.local)
    _tiles(cut.local, data.table(ad.DATASET, "source_files"))
    start, end, peer_codes = _trend(cut.ranked, trusts, months, gap)
    _waits_and_attendances(cut.local, gap, start, end)
    _seasonal(cut.local)
    if trusts is not None:
        _rank(cut.ranked, trusts, months, peer_codes)
    _map(selection)
    _export(cut.full, peer_codes, start, end)
    _history(cut.local)
    _caveats(cut.local)
