"""Filtered CSV exports with a provenance header; text cells are made safe for spreadsheets."""

import datetime as dt

import pandas as pd

from dashboard import __version__
from dashboard.core import catalogue, provenance

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix an apostrophe to text a spreadsheet would treat as a formula; numbers untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _neutralise_column(series: pd.Series) -> pd.Series:
    """Vectorised neutralise_formula: a whole-snapshot export has 775,000 rows."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        renamed = [neutralise_formula(category) for category in series.cat.categories]
        if len(set(renamed)) == len(renamed):  # codes stay valid: rename the few categories
            return series.cat.rename_categories(renamed)
        return series.astype(object).map(neutralise_formula)
    if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
        return series
    try:
        risky = series.str.startswith(FORMULA_PREFIXES, na=False).astype(bool)
    except AttributeError:  # an object column without any text
        return series
    if not risky.any():
        return series
    out = series.astype(object).copy()
    out[risky] = "'" + series[risky].astype(str)
    return out


def safe_for_spreadsheets(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        out[column] = _neutralise_column(out[column])
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


def all_observations_zip(observations, manifest: dict) -> bytes:
    """Every dataset's observations in one long CSV (the contract's columns, plus status and
    source file), zipped with a README giving every dataset's provenance. Written dataset by
    dataset into the zip stream, so memory holds one dataset's text at a time.
    ``observations(dataset_id)`` reads a table from the snapshot."""
    import io
    import zipfile

    from dashboard.core.observations import COLUMNS

    columns = [*COLUMNS, "status", "source_file"]
    chosen = [d for d in sorted(manifest) if "observations" in manifest[d].get("tables", {})]
    readme = "\n".join(provenance_lines(chosen, manifest)) + (
        "\n\nobservations.csv: one row per figure, every dataset in the snapshot (long "
        "format); empty values are missing, suppressed or not reported (never zero); status "
        "says why; source_file names the publisher's file each row came from.\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        with archive.open("observations.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            text.write(",".join(columns) + "\n")
            for dataset_id in chosen:
                frame = observations(dataset_id)
                if frame is None or frame.empty:
                    continue
                out = safe_for_spreadsheets(frame.reindex(columns=columns))
                for column in ("period_start", "period_end"):
                    out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
                out.to_csv(
                    text, index=False, header=False, lineterminator="\n", float_format="%.10g"
                )
            text.flush()
            text.detach()
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
