"""Data & sources: every publication in the catalogue with what the snapshot holds of it."""

import pandas as pd
import streamlit as st

from dashboard.core import catalogue, provenance
from dashboard.topics import registry
from dashboard.ui import components, data, state


def catalogue_table(manifest: dict) -> pd.DataFrame:
    """One row per publication: the catalogue's declared facts joined to the built facts."""
    rows = []
    for publication in catalogue.CATALOGUE:
        entry = manifest.get(publication.id)
        inputs = entry["inputs"] if entry else []
        rows.append(
            {
                "Dataset": publication.id,
                "Publisher": publication.publisher,
                "Title": publication.title,
                "Link": publication.landing_url,
                "Licence": publication.licence,
                "Official file": "no: derived by this dashboard"
                if publication.derived
                else ("yes" if publication.official else "no: compilation"),
                "Released": provenance.released(publication.id, entry) or "not stated in the file",
                "Retrieved": provenance.retrieval_text(entry),
                "Period covered": provenance.period_text(entry) or "-",
                "Rows": entry.get("rows") if entry else None,
                "Files": len(inputs),
                "Cadence": publication.cadence,
                "In snapshot": "yes" if entry else "no",
            }
        )
    return pd.DataFrame(rows)


def _break_text(found: catalogue.Break) -> str:
    span = f"from {found.start}" + (f" to {found.end}" if found.end else "")
    where = f", {found.area} only" if found.area else ""
    return f"{found.kind.replace('_', ' ')} {span}{where}: {found.note}"


def measures_table(dataset_id: str, measure_ids: list[str]) -> pd.DataFrame:
    """What each measure means, in the publisher's words, and where its series breaks."""
    rows = []
    for measure_id in measure_ids:
        measure = catalogue.measure(measure_id)
        breaks = [b for b in measure.breaks if b.dataset in (None, dataset_id)]
        rows.append(
            {
                "Measure": measure_id,
                "Label": measure.label,
                "Unit": measure.unit,
                "Definition": measure.definition,
                "Comparability breaks": "; ".join(_break_text(b) for b in breaks),
            }
        )
    return pd.DataFrame(rows)


def files_table(entry: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "File": i["path"],
                "SHA-256": i["sha256"],
                "Bytes": i["bytes"],
                "Origin": i["origin"],
                "Official URL": i.get("url") or "",
            }
            for i in entry.get("inputs", [])
        ]
    )


def _release_calendar(manifest: dict) -> None:
    import datetime as dt

    from dashboard.core import releases

    today = dt.date.today()
    table = releases.calendar(manifest, today)
    behind = int((table["Snapshot"] != "").sum()) if not table.empty else 0
    st.markdown(
        f"When each source should publish its next period, as of {today:%-d %B %Y}. "
        f"For {behind} dataset(s) a newer release is probably already out: the snapshot is "
        "behind until it is refreshed. Forecasts use only NHS England's stated rule or the "
        "lag of the last stated release; the rest are shown as unknown, not guessed."
    )
    st.dataframe(table, hide_index=True, key="sources_calendar")


@st.cache_resource(show_spinner=False, max_entries=2)
def _heavy_zip(kind: str, manifest_sha256: str) -> bytes:
    """The two whole-snapshot zips, built once per snapshot (the key is the manifest's
    checksum) and shared by every session: every observation took about 9 s and 73 MB per
    click. Tables are read from disk, not through the page caches, so building does not pin
    every table in memory."""
    from dashboard.core import exports

    snapshot = data.snapshot()
    if kind == "observations":
        return exports.all_observations_zip(
            lambda dataset_id: snapshot.table(dataset_id, "observations"),
            snapshot.manifest["datasets"],
        )
    return exports.snapshot_zip(snapshot.folder)


def _downloads(manifest: dict) -> None:
    with_observations = [d for d in sorted(manifest) if "observations" in manifest[d]["tables"]]
    chosen = state.url_choice(
        st.selectbox,
        "One dataset's observations as CSV (with its sources beside it)",
        with_observations,
        key="sources_dataset",
    )
    if chosen:
        st.caption(f"{manifest[chosen].get('rows', 0):,} rows in {chosen}.")
        components.download_csv(
            lambda: data.observations(chosen),
            dataset_ids=[chosen],
            file_name=f"{chosen}.csv",
            key="sources_dataset_download",
        )
    checksum = data.snapshot().checksum
    st.download_button(
        "Download every observation as one long CSV (zip with a README and datapackage.json)",
        data=lambda: _heavy_zip("observations", checksum),
        file_name="nottingham-east-dashboard-observations.zip",
        mime="application/zip",
        key="sources_observations_download",
        on_click="ignore",
        help="All datasets in the contract's long format (dataset, measure, area, period, "
        "value, unit, status, source file); about 775,000 rows, 6 MB zipped; the first "
        "download after a new snapshot takes a few seconds to prepare.",
    )
    st.download_button(
        "Download the whole snapshot (zip of Parquet and GeoParquet tables, the manifest and "
        "a README of every file)",
        data=lambda: _heavy_zip("snapshot", checksum),
        file_name="nottingham-east-dashboard-snapshot.zip",
        mime="application/zip",
        key="sources_snapshot_download",
        on_click="ignore",
        help="Boundaries are GeoParquet in British National Grid (EPSG:27700); the README in "
        "the zip says what each file holds.",
    )


TAB_KEY, TABS = registry.tabs("data-and-sources")


@data.memo
def _catalogue_table() -> pd.DataFrame:
    return catalogue_table(data.snapshot().manifest["datasets"])


def _publications() -> None:
    from dashboard.core import exports

    table = _catalogue_table()
    st.dataframe(
        table,
        hide_index=True,
        key="sources_catalogue",
        column_config={"Link": st.column_config.LinkColumn("Link")},
    )
    st.download_button(
        "Download this table (CSV)",
        lambda: exports.csv_bytes(table),
        file_name="nottingham-east-dashboard-sources.csv",
        mime="text/csv",
        key="sources_download",
        on_click="ignore",
    )


def _files_and_caveats(manifest: dict) -> None:
    """One publication at a time, chosen in the URL (?sources_publication=<id>)."""
    publication = catalogue.get(
        state.url_choice(
            st.selectbox,
            "Publication",
            [p.id for p in catalogue.CATALOGUE],
            key="sources_publication",
        )
    )
    entry = manifest.get(publication.id)
    st.markdown(f"**{publication.title}**")
    st.markdown(f"**Publisher:** {publication.publisher}  \n**Licence:** {publication.licence}")
    st.markdown(f"**Official page:** {publication.landing_url}")
    if publication.attribution:
        st.markdown(f"**Attribution:** {publication.attribution}")
    if publication.mirror_note:
        st.markdown(f"**Our copy:** {publication.mirror_note}")
    for caveat in publication.caveats:
        st.markdown(f"- {caveat}")
    measure_ids = (entry or {}).get("measures") or list(publication.measures)
    if measure_ids:
        st.dataframe(
            measures_table(publication.id, measure_ids), hide_index=True, key="sources_measures"
        )
    if entry is None:
        st.info("Not in the current snapshot: its build has not run or did not pass.")
        return
    st.dataframe(files_table(entry), hide_index=True, key="sources_files")
    st.caption(f"Built {entry.get('built_at', 'unknown')} by parser `{entry['parser']}`.")


def render(selection=None) -> None:  # same signature as every page; unused here
    st.title("Data & sources")
    st.markdown(
        "Every figure in this dashboard comes from the publications below. The snapshot the app "
        "reads is built from them by `python -m dashboard build`; each file's SHA-256 checksum "
        "is recorded so that anyone can check our copy against the publisher's."
    )
    manifest = data.snapshot().manifest["datasets"]
    state.draw_tabs(
        TABS,
        key=TAB_KEY,
        sections={
            "Publications": _publications,
            "Files and caveats": lambda: _files_and_caveats(manifest),
            "Release calendar": lambda: _release_calendar(manifest),
            "Download the data": lambda: _downloads(manifest),
        },
    )
