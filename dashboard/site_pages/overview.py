"""Overview: the chosen constituency on a map, its population, and what the dashboard covers."""

from dataclasses import dataclass

import pandas as pd
import shapely
import streamlit as st

from dashboard import geography, headlines
from dashboard.core import provenance
from dashboard.topics.ae import model as ae
from dashboard.ui import components, data, maps
from dashboard.ui.state import Selection


def coverage(ae_entry: dict | None) -> list[tuple[str, str]]:
    """What each page covers; the A&E months come from the snapshot's manifest entry."""
    return [("QMC Emergency Department", ae.coverage_text(ae_entry)), *FIXED_COVERAGE]


# The other pages in words: none of these names a period.
FIXED_COVERAGE = [
    (
        "Safety at HMP Nottingham",
        "Population against capacity, violence and self-harm, "
        "staffing and HM Inspectorate of Prisons judgements.",
    ),
    (
        "Universal Credit",
        "Households on Universal Credit in the city and the constituency, "
        "month by month, during the move from legacy benefits.",
    ),
    (
        "Homelessness",
        "Households owed prevention and relief duties, temporary accommodation and "
        "rough sleeping in Nottingham, against England.",
    ),
    (
        "School standards",
        "Every school in the constituency on a map, with results, inspections and attendance.",
    ),
]


def _boundary_change_sentence(
    overlap: pd.DataFrame, names_2010: pd.Series, selection: Selection
) -> str:
    seat = geography.SEATS[selection.seat]
    old, new = seat.codes["pcon2010"], seat.codes["pcon2024"]
    kept = overlap[(overlap["pcon2010_code"] == old) & (overlap["pcon2024_code"] == new)]
    gained = overlap[(overlap["pcon2024_code"] == new) & (overlap["pcon2010_code"] != old)]
    if kept.empty:
        return ""
    row = kept.iloc[0]
    text = (
        f"**Boundary change.** {int(row['overlap_population']):,} of the "
        f"{int(row['pcon2010_population']):,} people in the 2010-2024 {seat.names['pcon2010']} "
        f"({row['share_of_2010_population']:.0%}) live in the July 2024 {seat.names['pcon2024']}"
    )
    if not gained.empty:
        parts = [
            f"{int(r.overlap_population):,} people from "
            f"{names_2010.get(r.pcon2010_code, r.pcon2010_code)}"
            for r in gained.itertuples()
        ]
        text += f", which also took in {', '.join(parts)}"
    return text + " (mySociety population overlap estimates)."


@data.memo
def _map_parts(seat: str, boundary_set: str):
    """The map figure, its table and summary for one selection: fixed for the snapshot's life."""
    selection = Selection(seat, boundary_set)
    frames = data.seat_map(seat, boundary_set)
    sites = data.table("named_sites", "sites")
    if frames is None:
        return None
    seats = frames.seats
    near = [c for c in seats["code"] if c != selection.code]
    figure = maps.constituency_map(
        seat_code=selection.code,
        seats=seats,
        boundary_label=selection.boundary_label,
        other_outline=frames.other_outline,
        other_label=frames.other_label,
        wards=frames.wards,
        sites=sites,
    )
    table = pd.DataFrame(
        {
            "Constituency": seats["name"],
            "GSS code": seats["code"],
            "Area (km²)": (shapely.area(seats["geometry"].to_numpy()) / 1e6).round(1),
        }
    )
    inside = sites[sites[f"{boundary_set}_code"] == selection.code]["name"].tolist()
    summary = (
        f"**{selection.name}** ({selection.code}, {selection.boundary_label}) and its "
        f"{len(near)} neighbouring constituencies. "
        + (
            f"Inside it: {', '.join(inside)}. "
            if inside
            else "None of the named sites is inside it. "
        )
        + "Queen's Medical Centre lies in Nottingham South, but it is the emergency department "
        "Nottingham East residents use."
    )
    return figure, table, summary, frames.wards is not None


def _map_section(selection: Selection) -> None:
    parts = _map_parts(selection.seat, selection.boundary_set)
    if parts is None:
        components.no_data(
            "the map",
            "The snapshot has no constituency boundaries; rebuild it.",
            "ons_pcon_boundaries",
            "ons_local_boundaries_2013",
        )
        return
    figure, table, summary, has_wards = parts
    sites = data.table("named_sites", "sites")
    components.chart_with_table(
        figure,
        table,
        summary=summary,
        key="overview_map",
        sources=("ons_pcon_boundaries", "ons_local_boundaries_2013", "named_sites"),
    )
    st.caption(
        "Outlines: July 2024 seats are ONS's ultra-generalised (BUC) outlines, the only 2024 "
        "boundaries in our sources, which cut corners by up to a few hundred metres; 2010-2024 "
        "seats around Nottingham use the finer 2013 generalised clipped outlines. Part of the "
        "gap between the solid and dashed lines is this difference in detail, not a boundary "
        "change."
    )
    if not has_wards:
        st.caption(
            "Ward outlines are drawn on the 2010-2024 boundary set only: the mirror holds the "
            "2013 wards, which match those seats; Nottingham's May 2019 wards are not yet in it."
        )
    sites_table = sites[
        ["name", "postcode", "role", "pcon2010_name", "pcon2024_name", "ward2013_name"]
    ].rename(
        columns={
            "name": "Site",
            "postcode": "Postcode",
            "role": "Role",
            "pcon2010_name": "Constituency (2010-2024)",
            "pcon2024_name": "Constituency (July 2024)",
            "ward2013_name": "Ward (2013 boundaries)",
        }
    )
    with st.expander("Where the named sites are, and how they were placed"):
        st.dataframe(sites_table, hide_index=True, key="overview_sites")
        st.caption(
            "Each site is placed at its postcode's centroid (Ordnance Survey Code-Point Open) "
            "and assigned by point-in-polygon; for the July 2024 set, a site inside a 2010-2024 "
            "seat that passed wholly to one new seat takes that seat, because the ONS "
            "ultra-generalised 2024 outline is too coarse near edges."
        )


@dataclass(frozen=True)
class PopulationTiles:
    day: str
    total: float
    median: float
    bands: tuple[tuple[str, float | None], ...]  # (label, value or None when not published)


AGE_BANDS = (
    ("population_under_18", "Under 18"),
    ("population_18_to_64", "Aged 18 to 64"),
    ("population_65_plus", "Aged 65 and over"),
)


@data.memo
def _population(code: str, boundary_set: str) -> PopulationTiles | str:
    """The seat's latest population and England's median seat, or why there is none."""
    observations = data.observations("ons_pcon_population")
    if observations is None:
        return "The snapshot has no population estimates."
    rows = observations[
        (observations["area_code"] == code) & (observations["area_type"] == boundary_set)
    ]
    if rows.empty:
        return f"No estimate for {code} in the snapshot."
    latest_day = rows["period_end"].max()
    latest = rows[rows["period_end"] == latest_day].set_index("measure")["value"]
    same_set = observations[
        (observations["area_type"] == boundary_set)
        & (observations["measure"] == "population_all_ages")
        & (observations["period_end"] == latest_day)
        & observations["area_code"].str.startswith("E14")
    ]
    bands = tuple(
        (label, None if pd.isna(latest.get(measure)) else float(latest[measure]))
        for measure, label in AGE_BANDS
    )
    return PopulationTiles(
        day=latest_day.strftime("%-d %B %Y"),
        total=float(latest["population_all_ages"]),
        median=float(same_set["value"].median()),
        bands=bands,
    )


def _population_tiles(selection: Selection) -> None:
    tiles = _population(selection.code, selection.boundary_set)
    if isinstance(tiles, str):
        components.no_data("population", tiles)
        return
    columns = st.columns(4)
    with columns[0]:
        st.metric(
            f"Residents, {tiles.day}",
            f"{tiles.total:,.0f}",
            help=f"England's median constituency on these boundaries: {tiles.median:,.0f}.",
        )
    for column, (label, value) in zip(columns[1:], tiles.bands, strict=True):
        with column:
            if value is None:
                st.metric(label, "n/a", help="Not in the source for this boundary set and year.")
            else:
                st.metric(f"{label} ({value / tiles.total:.0%} of residents)", f"{value:,.0f}")
    st.markdown(
        f"{selection.name} had **{tiles.total:,.0f}** residents at {tiles.day}, against a "
        f"median of {tiles.median:,.0f} for English constituencies on the same boundaries."
    )
    components.as_of_line("ons_pcon_population")
    components.source_caption("ons_pcon_population")


def _postcode_finder() -> None:
    """Which seat a postcode is in: the first question of much casework."""
    st.header("Which constituency is a postcode in?")
    # Deliberately not in the URL: a postcode in a shared link can point at a constituent.
    text = st.text_input(
        "Postcode (NG area)", key="overview_postcode", max_chars=10, placeholder="e.g. NG3 1AA"
    )
    if not text:
        return
    postcodes = data.table("os_codepoint_open", "postcodes")
    seats_2010 = data.table("ons_local_boundaries_2013", "pcon2010_detailed")
    seats_2024 = data.table("ons_pcon_boundaries", "pcon2024")
    wards = data.table("ons_local_boundaries_2013", "wards2013")
    if postcodes is None or seats_2010 is None or seats_2024 is None:
        components.no_data("postcodes", "The snapshot has no postcode or boundary tables.")
        return
    found = geography.locate_postcode(text, postcodes, seats_2010, seats_2024, wards)
    if "error" in found:
        st.warning(found["error"])
        return
    lines = [
        f"**{found['postcode']}** (Code-Point Open centroid E {found['easting']}, "
        f"N {found['northing']}):"
    ]
    for key, label in (("pcon2010", "2010-2024 boundaries"), ("pcon2024", "July 2024 boundaries")):
        seat = found.get(key)
        if seat is None:
            lines.append(f"- {label}: outside the seats we hold outlines for")
            continue
        near = seat["edge_distance_m"] < (250 if key == "pcon2024" else 50)
        note = f" — only {seat['edge_distance_m']} m from the edge: check" if near else ""
        lines.append(f"- {label}: **{seat['name']}** ({seat['code']}){note}")
    if found.get("ward2013"):
        lines.append(f"- Ward (2013 boundaries): {found['ward2013']}")
    st.markdown("\n".join(lines))
    st.caption(
        "A postcode's point is the centre of its addresses, so a postcode that straddles a "
        "boundary can belong partly to another seat; near an edge, check the address. July 2024 "
        "seats use ONS's ultra-generalised outlines."
    )
    components.source_caption(
        "os_codepoint_open", "ons_pcon_boundaries", "ons_local_boundaries_2013"
    )


def _whats_new(selection: Selection) -> None:
    """The latest figure of each issue, what it moved from, and whether it is a record: the
    briefing's lines (``headlines.line``)."""
    st.header("What's new")
    st.caption(
        "The latest period held for each issue, against the period before and the same period "
        "a year earlier where they are like-for-like (a change in what is counted is said). "
        "Each line can be pasted into a letter with its source."
    )
    for row in _whats_new_rows(selection.seat):
        if not row.get("Sentence"):
            continue
        st.markdown(f"- {row['Sentence']}")
        due = row["Next"]  # kept as written: capitalize() would lower-case the month
        st.caption(row["Source"] + (f" {due[0].upper()}{due[1:]}." if due else ""))


def _whats_new_rows(seat: str) -> list[dict]:
    """One row per headline; most are city- or trust-wide, so a seat change reuses them."""
    seat_codes = geography.SEATS[seat].codes
    return [
        _whats_new_row(headline.key, headlines.resolve_area(headline, seat_codes))
        for headline in headlines.HEADLINES
    ]


@data.memo
def _whats_new_row(key: str, area: str) -> dict:
    """Small and fixed for the life of the snapshot, so computed once per area per process."""
    headline = headlines.BY_KEY[key]
    found = headlines.figure(headline, data.observations, area)
    if found is None:
        return {"Issue": headline.key, "Latest": "no data", "Sentence": ""}
    return {
        "Issue": headline.key,
        "Latest": found.value_format.format(found.value),
        "Period": headlines.period_label(found.period_start, found.period_end),
        "Before": headlines.earlier_values_text(found),
        "Record": found.record or "",
        "Sentence": headlines.line(found) + (f" {headline.note}" if headline.note else ""),
        "Source": provenance.source_line(
            found.dataset, data.manifest_entry(found.dataset), period=found.period_words
        ),
        "Next": data.next_release_text(found.dataset),
    }


@data.memo
def _brief(code: str):
    from dashboard import briefing

    return briefing.build(code, data.observations, data.snapshot().manifest["datasets"])


def _briefing_file(code: str, kind: str) -> bytes | str:
    # Imported when a button is clicked, not when the page is drawn: the briefing's charts
    # bring matplotlib, tens of MB that most sessions never need.
    from dashboard import briefing

    return briefing.to_docx(_brief(code)) if kind == "docx" else briefing.to_html(_brief(code))


def _briefing_buttons(selection: Selection) -> None:
    """Word for the office; HTML opens in any browser and prints to PDF. Made when clicked."""
    word, page = st.columns(2)
    word.download_button(
        f"Briefing pack for {selection.name} (Word)",
        data=lambda: _briefing_file(selection.code, "docx"),
        file_name=f"briefing-{selection.code}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="overview_briefing",
        on_click="ignore",
        help="One section per issue: the latest figure, its comparison, a small chart, a "
        "sentence to paste into a letter, and footnoted sources.",
    )
    page.download_button(
        "Same briefing as a web page (print it to PDF)",
        data=lambda: _briefing_file(selection.code, "html"),
        file_name=f"briefing-{selection.code}.html",
        mime="text/html",
        key="overview_briefing_html",
        on_click="ignore",
        help="A single HTML file with the charts inside it: open it in a browser and use "
        "Print > Save as PDF for a PDF.",
    )


def render(selection: Selection) -> None:
    st.title(f"{selection.name}: overview")
    st.caption(
        f"{selection.code} · {selection.boundary_label} · official statistics on five local "
        "issues, each sourced and dated"
    )
    _briefing_buttons(selection)
    _population_tiles(selection)
    _whats_new(selection)
    _map_section(selection)
    overlap = data.table("pcon_overlap_2010_2024", "pcon_overlap")
    old_seats = data.table("ons_pcon_boundaries", "pcon2010")
    if overlap is not None and old_seats is not None:
        names_2010 = old_seats.set_index("code")["name"]
        sentence = _boundary_change_sentence(overlap, names_2010, selection)
        if sentence:
            st.markdown(sentence)
            components.source_caption("pcon_overlap_2010_2024")
    _postcode_finder()
    st.header("What this dashboard covers")
    for title, text in coverage(data.manifest_entry(ae.DATASET)):
        st.markdown(f"- **{title}**: {text}")
    st.caption(
        "Pages for each issue are added as their data is built; the Data & sources page lists "
        "every file in the snapshot."
    )
