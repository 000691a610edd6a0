"""Filtered CSV exports with a provenance header; text cells are made safe for spreadsheets."""

import datetime as dt

import pandas as pd

from dashboard import __version__, catalogue, provenance

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix an apostrophe to text a spreadsheet would treat as a formula; numbers untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_for_spreadsheets(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_formula)
    return out


def provenance_lines(dataset_ids: list[str], manifest: dict, view_url: str = "") -> list[str]:
    lines = [
        "Nottingham East issue dashboard export",
        f"Exported: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
        f"App version: {__version__}",
    ]
    if view_url:
        lines.append(f"View: {view_url}")
    for dataset_id in dataset_ids:
        publication = catalogue.get(dataset_id)
        entry = manifest.get(dataset_id) or {}
        hashes = ", ".join(f"{i['path']} sha256:{i['sha256']}" for i in entry.get("inputs", []))
        lines += [
            f"Dataset: {dataset_id}: {publication.title}",
            f"  Publisher: {publication.publisher}",
            f"  Official page: {publication.landing_url}",
            f"  Licence: {publication.licence}",
            f"  Released: {publication.released or 'not stated in the file'}",
            f"  Retrieved: {provenance.retrieval_text(entry)}",
            f"  Period in snapshot: {provenance.period_text(entry) or 'n/a'}",
            f"  Files: {hashes[:2000]}{' ...' if len(hashes) > 2000 else ''}",
        ]
        if publication.derived:
            lines.append("  Note: derived by this dashboard, not an official figure")
        elif not publication.official:
            lines.append("  Note: compiled by a third party, not the publisher's own file")
    return lines


def csv_with_provenance(
    frame: pd.DataFrame, dataset_ids: list[str], manifest: dict, view_url: str = ""
) -> bytes:
    """CSV text whose first lines, each starting '#', say where every number came from."""
    header = "".join(f"# {line}\n" for line in provenance_lines(dataset_ids, manifest, view_url))
    out = safe_for_spreadsheets(frame)
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    body = out.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    return (header + body).encode("utf-8")


def snapshot_zip(folder) -> bytes:
    """The whole snapshot (Parquet tables + manifest + a README) as one zip, for researchers."""
    import io
    import zipfile
    from pathlib import Path

    folder = Path(folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            "Nottingham East issue dashboard: the whole data snapshot.\n"
            "manifest.json lists every dataset, its source files (with sha256), periods and rows.\n"
            "Each <dataset>/observations.parquet is a long table with the columns dataset, "
            "measure, area_type, area_code, area_name, period_start, period_end, value, unit.\n"
            "Missing values are null, never 0; 'status' says why. Licences: see manifest and "
            "the app's Data & sources page.\n",
        )
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def zip_with_readme(
    frame: pd.DataFrame, dataset_ids: list[str], manifest: dict, view_url: str = ""
) -> bytes:
    """A zip of a plain CSV (no comment lines, for tools) and a README with the provenance."""
    import io
    import zipfile

    out = safe_for_spreadsheets(frame)
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    readme = "\n".join(provenance_lines(dataset_ids, manifest, view_url)) + (
        "\n\ndata.csv: one row per figure; empty values are missing, suppressed or not "
        "reported (never zero); the status column, where present, says why.\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr(
            "data.csv", out.to_csv(index=False, lineterminator="\n", float_format="%.10g")
        )
    return buffer.getvalue()
