"""Universal Credit: households on UC in the seat and the city, month by month, and compared."""

import pandas as pd
import streamlit as st

from dashboard import catalogue, geography
from dashboard.ui import components, data
from dashboard.ui import uc_charts as charts
from dashboard.ui.state import Selection

LAD = "dwp_uc_households_lad"
MSOA = "dwp_uc_households_msoa"
PCON = "dwp_uc_households_pcon2024"
LAD_MAY = "dwp_uc_households_lad_may2025"
ESTIMATE = "uc_households_pcon_estimate"
POPULATION = "ons_pcon_population"
ESTIMATE_LABEL = (
    "**Estimate, not a DWP figure.** DWP publishes households on UC by constituency only as "
    "one-off tables (here May 2025, July 2024 seats). The monthly constituency line is this "
    "dashboard's estimate: each neighbourhood's (MSOA's) count shared among the city's seats by "
    "the share of its area inside each."
)


@st.cache_resource(show_spinner=False)
def _msoa_shapes():
    """MSOA outlines dissolved from LSOAs once per process (shared: never mutate)."""
    lsoas = data.table("ons_local_boundaries_2013", "lsoa2011")
    msoa = data.observations(MSOA)
    if lsoas is None or msoa is None:
        return None
    codes = msoa[msoa["area_type"] == "msoa"][["area_code", "area_name"]]
    return charts.msoa_shapes(lsoas, codes)


@st.cache_resource(show_spinner=False)
def _outlines(boundary_set: str, codes: tuple[str, ...]):
    """Seat outlines in metres, made once per process (shared: never mutate). 2010-2024 seats
    come from their 2013 wards (finer than the ultra-generalised constituency outlines)."""
    wards = data.table("ons_local_boundaries_2013", "wards2013")
    if boundary_set == "pcon2010" and wards is not None:
        return charts.seat_outlines_from_wards(wards, list(codes)), True
    boundaries = data.table("ons_pcon_boundaries", boundary_set)
    if boundaries is None:
        return None, False
    return charts.seat_outlines(boundaries, list(codes)), False


def _no_estimate_reason(selection: Selection) -> str:
    if selection.code == "E14001411":
        return (
            "Nottingham North and Kimberley (July 2024 boundaries) has no monthly estimate: it "
            "takes in Kimberley from Broxtowe, and the neighbourhood counts in our sources cover "
            "Nottingham city only, so part of the seat would be missing. DWP's own May 2025 "
            "figure for it is shown below."
        )
    return f"No monthly estimate for {selection.name} is in the snapshot."


def _styled(table: pd.DataFrame, decimals: int = 0, **column_formats: str) -> pd.DataFrame:
    """Numbers as text with thousands separators and '–' for a missing value.

    st.dataframe prints a null cell as 'None', which reads as 'no households'; a dash does not.
    """
    out = table.copy()
    for column in out.select_dtypes("number").columns:
        spec = column_formats.get(column, f"{{:,.{decimals}f}}")
        out[column] = [("–" if pd.isna(v) else spec.format(v)) for v in out[column]]
    return out


def _flags_caption(*frames: pd.DataFrame) -> None:
    st.caption(charts.flags_note(*frames))


def _headline(selection: Selection, frames: dict) -> None:
    """The latest figures with their month and whether each is official or an estimate."""
    official = charts.latest_official(frames[PCON], frames[LAD_MAY], selection.code, selection.name)
    by_series = official.set_index("series")
    est = frames[ESTIMATE]
    est = (
        est[est["area_code"] == selection.code].dropna(subset=["value"]) if est is not None else est
    )
    has_estimate = est is not None and not est.empty
    st.markdown(
        f"**Latest figures for {selection.name}** ({selection.boundary_label}): households on "
        "Universal Credit, not people; (p) = provisional."
    )
    columns = st.columns(3)
    seat_row = f"{selection.name}, DWP"
    if seat_row in by_series.index:
        row = by_series.loc[seat_row]
        columns[0].metric(
            f"DWP, {row['period_start']:%b %Y} (p)",
            f"{row['value']:,.0f}",
            help=f"DWP Stat-Xplore: households on UC in {selection.name}, July 2024 boundaries.",
        )
    else:
        columns[0].metric(
            "DWP constituency figure",
            "no figure",
            help="DWP's constituency table is on the July 2024 boundaries only; it is not "
            "published for the 2010-2024 seats.",
        )
    if has_estimate:
        last = est.sort_values("period_start").iloc[-1]
        columns[1].metric(
            f"Our estimate, {last['period_start']:%b %Y}",
            f"{last['value']:,.0f}",
            help="This dashboard's estimate from neighbourhood (MSOA) counts, not a DWP figure.",
        )
    else:
        columns[1].metric(
            "Monthly estimate",
            "no figure",
            help=_no_estimate_reason(selection),
        )
    if "Nottingham (city), DWP" in by_series.index:
        city = by_series.loc["Nottingham (city), DWP"]
        columns[2].metric(
            f"Nottingham city, {city['period_start']:%b %Y} (p)",
            f"{city['value']:,.0f}",
            help="DWP Stat-Xplore: households on UC in Nottingham local authority (E06000018).",
        )
    components.source_caption(
        *((PCON,) if seat_row in by_series.index else ()),
        *((ESTIMATE,) if has_estimate else ()),
        LAD_MAY,
    )


def _trend_section(selection: Selection, frames: dict) -> None:
    st.subheader("Households on Universal Credit over time")
    series = charts.monthly_series(frames[LAD], frames[ESTIMATE], selection.code, selection.name)
    if series.empty:
        components.no_data("the monthly series", "The snapshot has no DWP local authority series.")
        return
    has_estimate = series["series"].str.endswith("estimate").any()
    if has_estimate:
        st.warning(ESTIMATE_LABEL, icon="📐")
    else:
        st.info(_no_estimate_reason(selection), icon="ℹ️")
    official = charts.latest_official(frames[PCON], frames[LAD_MAY], selection.code, selection.name)
    denoms = charts.denominators(frames[POPULATION], selection.boundary_set, selection.code)
    series = charts.add_rate(series, denoms)
    official = charts.add_rate(official, denoms)
    mode = st.radio(
        "Show",
        [charts.COUNT, charts.PER_1000],
        format_func=lambda m: "Households" if m == charts.COUNT else "Per 1,000 residents",
        horizontal=True,
        key="uc_trend_mode",
    )
    figure = charts.trend_figure(series, official, mode=mode, seat_label=selection.name)
    table = charts.trend_table(series, official, mode=mode)
    components.chart_with_table(
        figure,
        _styled(table, 1 if mode == charts.PER_1000 else 0),
        summary=charts.trend_summary(series, official, selection.name),
        key="uc_trend",
        sources=(LAD, LAD_MAY) + ((ESTIMATE,) if has_estimate else ()) + (PCON,),
    )
    names = {charts.CITY: "Nottingham (city)", selection.code: selection.name}
    if mode == charts.PER_1000:
        st.caption(charts.denominator_text(denoms, names))
        components.source_caption(POPULATION)
    shown = series[~series["series"].str.startswith("Great Britain")]
    _flags_caption(shown, official[~official["series"].str.startswith("Great Britain")])
    st.caption(
        f"The dashed vertical line marks October 2018, the month UC full service reached "
        f"Nottingham: {charts.FULL_SERVICE_SOURCE}. Before it, most neighbourhood counts are '..' "
        "(nil or negligible), which the estimate counts as 0, so it runs slightly low then. "
        "Counts are households on UC in each month's count, not new claims."
    )

    st.markdown("##### Growth against Great Britain, indexed to a common month")
    bases = charts.index_base_months(series)
    if not bases:
        components.no_data("the index", "No month has a positive count for every series.")
        return
    default = pd.Timestamp("2019-01-01") if pd.Timestamp("2019-01-01") in bases else bases[-1]
    base = st.select_slider(
        "Index month (= 100)",
        options=bases,
        value=default,
        format_func=charts.month_label,
        key="uc_index_base",
    )
    frame = charts.indexed(series, base)
    components.chart_with_table(
        charts.index_figure(frame, base),
        _styled(charts.index_table(frame), 1),
        summary=charts.index_summary(frame, base),
        key="uc_index",
        sources=(LAD,) + ((ESTIMATE,) if has_estimate else ()),
    )
    _flags_caption(series)
    st.caption(
        "Great Britain is DWP's 'Total' row (K03000001) in the same export: DWP's UC statistics "
        "cover Great Britain, so there is no England-only total here."
    )
    export = pd.concat([series, official], ignore_index=True)
    components.download_csv(
        export,
        dataset_ids=[LAD, LAD_MAY, PCON] + ([ESTIMATE] if has_estimate else []) + [POPULATION],
        file_name=f"uc_monthly_{selection.code}.csv",
        key="uc_trend_download",
        label=f"Download the monthly series ({len(export):,} rows, CSV with sources)",
    )


def _map_section(selection: Selection, frames: dict) -> None:
    st.subheader("Households on UC by neighbourhood")
    msoa = frames[MSOA]
    shapes = _msoa_shapes()
    boundaries = data.table("ons_pcon_boundaries", selection.boundary_set)
    if msoa is None or shapes is None or boundaries is None:
        components.no_data(
            "the neighbourhood map", "The snapshot lacks the MSOA counts or the LSOA outlines."
        )
        return
    rows = msoa[(msoa["area_type"] == "msoa") & (msoa["measure"] == charts.MEASURE)]
    months = sorted(rows["period_start"].unique())
    month = st.select_slider(
        "Month",
        options=months,
        value=months[-1],
        format_func=charts.month_label,
        key="uc_map_month",
        help="January to October 2023 are not in the DWP export, so the slider skips them.",
    )
    month = pd.Timestamp(month)
    month_rows = charts.msoa_month(msoa, month)
    weights = data.table(ESTIMATE, "uc_msoa_pcon_weights")
    city_seats = [
        s.codes[selection.boundary_set]
        for s in geography.SEATS.values()
        if s.codes[selection.boundary_set] != selection.code
    ]
    seat, from_wards = _outlines(selection.boundary_set, (selection.code,))
    others, _ = _outlines(selection.boundary_set, tuple(city_seats))
    if from_wards:
        outline_note = (
            "The 2010-2024 constituency outlines are drawn as the union of their 2013 wards, "
            "which nest in them."
        )
    else:
        outline_note = (
            "The July 2024 outlines are ONS's ultra-generalised (BUC) versions, the only 2024 "
            "outlines in our sources: a handful of points for a seat this size, so they cut "
            "corners by a few hundred metres. The estimate's area shares use the same outlines."
        )
    figure = charts.msoa_map_figure(
        shapes,
        month_rows,
        month=month,
        vmax=float(rows["value"].max()),
        seat=seat,
        seat_label=f"{selection.name} ({selection.boundary_label})",
        other_seats=others,
    )
    components.chart_with_table(
        figure,
        _styled(
            charts.msoa_table(month_rows, weights, selection.code),
            **{"Share in seat (estimate)": "{:.0%}"},
        ),
        summary=charts.msoa_summary(month_rows, weights, selection.code, selection.name),
        key="uc_map",
        sources=(MSOA, "ons_local_boundaries_2013")
        + (("ons_pcon_boundaries",) if selection.boundary_set == "pcon2024" else ()),
    )
    _flags_caption(month_rows)
    st.caption(outline_note)
    st.caption(
        "MSOAs are 2011 middle layer super output areas (about 3,000 to 4,000 households each); "
        "their outlines are drawn by joining their LSOAs, because the snapshot holds no MSOA "
        "boundary table. The colour classes are fixed across months so months can be compared; the "
        "number on each area is its count. 'Share in seat' is the estimate's area weight. "
        "Nottingham 003 and 033 are absent from this export and from the 2013 outlines."
    )
    components.download_csv(
        month_rows,
        dataset_ids=[MSOA],
        file_name=f"uc_msoa_{month:%Y-%m}.csv",
        key="uc_map_download",
        label=f"Download {charts.month_label(month)} by MSOA ({len(month_rows)} rows, CSV)",
    )


def _comparison_section(selection: Selection, frames: dict) -> None:
    st.subheader("Nottingham's seats against similar places, latest month")
    frame = charts.comparison_frame(frames[PCON], frames[POPULATION])
    if frame.empty:
        components.no_data("the comparison", "The snapshot has no DWP constituency table.")
        return
    seat = geography.SEATS[selection.seat]
    highlight = seat.codes["pcon2024"]
    if selection.boundary_set == "pcon2010":
        st.info(
            f"DWP's constituency table is on the July 2024 boundaries only, so {selection.name} "
            f"(2010-2024 boundaries) has no official figure; its successor, "
            f"{seat.names['pcon2024']}, is highlighted.",
            icon="ℹ️",
        )
    mode = st.radio(
        "Show",
        [charts.COUNT, charts.PER_1000],
        format_func=lambda m: "Households" if m == charts.COUNT else "Per 1,000 residents",
        horizontal=True,
        key="uc_compare_mode",
    )
    median = charts.median_constituency(frames[PCON], frames[POPULATION])
    components.chart_with_table(
        charts.comparison_figure(frame, highlight=highlight, mode=mode, median=median),
        _styled(charts.comparison_table(frame), **{"Per 1,000 residents": "{:,.1f}"}),
        summary=charts.comparison_summary(frame, median),
        key="uc_compare",
        sources=(PCON, POPULATION),
    )
    _flags_caption(frame)
    st.caption(
        "Similar places: the seats of Leicester and Derby, the East Midlands' other two big "
        "cities (our choice: the sources hold no official list of similar constituencies). "
        "Per 1,000 residents uses each seat's mid-2022 population (all ages). Nottingham North "
        "and Kimberley includes Kimberley (Broxtowe), so the three seats add up to more than the "
        "city."
    )
    components.download_csv(
        frame.drop(columns=["group"]),
        dataset_ids=[PCON, POPULATION],
        file_name="uc_constituencies_may2025.csv",
        key="uc_compare_download",
        label=f"Download this comparison ({len(frame)} rows, CSV with sources)",
    )


def _estimate_check_section(selection: Selection, frames: dict) -> None:
    st.subheader("How good is the monthly estimate?")
    check = charts.estimate_check(
        frames[ESTIMATE], frames[MSOA], frames[LAD_MAY], frames[PCON], selection.code
    )
    if check is not None:
        st.markdown(charts.estimate_check_sentence(check, selection.name))
        components.source_caption(ESTIMATE, MSOA, LAD_MAY, PCON)
        return
    if selection.code == "E14001411":
        st.markdown(_no_estimate_reason(selection))
        return
    successor = geography.SEATS[selection.seat].codes["pcon2024"]
    succ_name = geography.SEATS[selection.seat].names["pcon2024"]
    text = (
        f"DWP publishes no figure for {selection.name} on the 2010-2024 boundaries, so this "
        "estimate cannot be checked directly."
    )
    succ = charts.estimate_check(
        frames[ESTIMATE], frames[MSOA], frames[LAD_MAY], frames[PCON], successor
    )
    if succ is not None:
        text += " The same method on the July 2024 boundaries: " + charts.estimate_check_sentence(
            succ, succ_name
        ).removeprefix("**Estimate against DWP's figure.** ")
    st.markdown(text)
    components.source_caption(ESTIMATE, MSOA, LAD_MAY, PCON)


def _not_yet_shown() -> None:
    st.subheader("What this page does not show yet")
    st.markdown(
        "- **People rather than households.** DWP's headline figures count people on UC (the "
        "'People on Universal Credit' dataset); every figure here counts households, a smaller "
        "number.\n"
        "- **Ward level.** Our sources have UC counts for neighbourhoods (MSOAs), the city and "
        "the July 2024 seats, not for wards.\n"
        "- **Move to UC by constituency.** DWP's managed-migration ('Move to UC') release figures "
        "are not in our sources.\n"
        "- **Months after November 2023**, except the single month of May 2025, and January to "
        "October 2023.\n\n"
        "The planned live refresh asks DWP's Stat-Xplore Open Data API for people and households "
        "on UC by 2010 and 2024 constituency, by ward and by local authority, every month, with "
        "an API key kept in the app's secrets. When it is built, the official constituency "
        "series will replace the estimate here and people and wards will be added. It is not "
        "running in this snapshot: every figure on this page comes from the stored exports "
        "listed under each chart."
    )


def _caveats() -> None:
    with st.expander("Notes on these figures (from the data catalogue)"):
        for dataset_id in (LAD, MSOA, PCON, ESTIMATE):
            publication = catalogue.get(dataset_id)
            st.markdown(f"**{publication.title}**")
            st.markdown("\n".join(f"- {c}" for c in publication.caveats))


def render(selection: Selection) -> None:
    st.title(f"{selection.name}: Universal Credit")
    st.caption(
        f"{selection.code} · {selection.boundary_label} · households on Universal Credit, DWP "
        "Stat-Xplore; any monthly constituency figure here is an estimate, not a DWP figure"
    )
    frames = {d: data.observations(d) for d in (LAD, MSOA, PCON, LAD_MAY, ESTIMATE, POPULATION)}
    _headline(selection, frames)
    _trend_section(selection, frames)
    _map_section(selection, frames)
    _comparison_section(selection, frames)
    _estimate_check_section(selection, frames)
    _not_yet_shown()
    _caveats()
