"""CSV exports that load with a plain ``pd.read_csv(path)``, provenance beside them (a README and
a Frictionless ``datapackage.json``), and text cells made safe for spreadsheets."""

import datetime as dt
import io
import json
import re
import zipfile

import pandas as pd

from dashboard import __version__
from dashboard.core import catalogue, provenance

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# ... and so is a line inside a cell, for any reader that splits a quoted value at a line break.
FORMULA_START = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r])")
# RFC 4180's line end: the csv writer then quotes every value holding a \r or \n (as well as
# a comma or a quote), so no reader can take part of a value for a new row.
LINE_END = "\r\n"


def neutralise_formula(value):
    """An apostrophe before text a spreadsheet would treat as a formula, at the cell's start and
    after every line break inside it; numbers untouched."""
    if isinstance(value, str):
        return FORMULA_START.sub("'", value)
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
        # Plain-text tests first: a regex over every cell of a 775,000-row export is slow.
        risky = (
            series.str.startswith(FORMULA_PREFIXES, na=False)
            | series.str.contains("\n", regex=False, na=False)
            | series.str.contains("\r", regex=False, na=False)
        ).astype(bool)
    except AttributeError:  # an object column without any text
        return series
    if not risky.any():
        return series
    out = series.astype(object).copy()
    out[risky] = series[risky].map(neutralise_formula)
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
            f"  Released: {provenance.released(dataset_id, entry) or 'not stated in the file'}",
            f"  Retrieved: {provenance.retrieval_text(entry)}",
            f"  Period in snapshot: {provenance.period_text(entry) or 'n/a'}",
            f"  Files: {hashes[:2000]}{' ...' if len(hashes) > 2000 else ''}",
        ]
        if publication.derived:
            lines.append("  Note: derived by this dashboard, not an official figure")
        elif not publication.official:
            lines.append("  Note: compiled by a third party, not the publisher's own file")
        lines += [
            f"  Measure {m['id']} ({m['unit']}): {m['definition']}" for m in _measures(publication)
        ]
    return lines


def _measures(publication: catalogue.Publication) -> list[dict]:
    """Each measure's record as exports state it: the definition is the publisher's words."""
    records = [catalogue.MEASURES.get(m) for m in publication.measures]
    return [
        {"id": r.id, "label": r.label, "unit": r.unit, "definition": r.definition}
        for r in records
        if r is not None
    ]


def plain_csv(frame: pd.DataFrame, handle=None, *, header: bool = True) -> str | None:
    """The one CSV dialect of every export: a header row and nothing above it, dates as
    YYYY-MM-DD, empty for missing, RFC 4180 quoting, formulas neutralised. Written to
    ``handle`` when given, else returned."""
    out = safe_for_spreadsheets(frame)
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_csv(
        handle, index=False, header=header, lineterminator=LINE_END, float_format="%.10g"
    )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return plain_csv(frame).encode("utf-8")


FIELD_TYPES = {"b": "boolean", "i": "integer", "u": "integer", "f": "number", "M": "date"}


def _fields(frame: pd.DataFrame) -> list[dict]:
    return [
        {"name": str(name), "type": FIELD_TYPES.get(frame[name].dtype.kind, "string")}
        for name in frame.columns
    ]


def datapackage(
    resources: dict[str, pd.DataFrame | list[dict]],
    dataset_ids: list[str],
    manifest: dict,
    view_url: str = "",
) -> str:
    """A Frictionless Data Package descriptor (datapackage.json): each CSV's columns, and each
    dataset's publisher, URL, licence, release, retrieval, period and file checksums."""
    sources = []
    for dataset_id in dataset_ids:
        publication = catalogue.get(dataset_id)
        entry = manifest.get(dataset_id) or {}
        sources.append(
            {
                "title": publication.title,
                "path": publication.landing_url,
                "dataset": dataset_id,
                "publisher": publication.publisher,
                "licence": publication.licence,
                "released": provenance.released(dataset_id, entry),
                "retrieved": provenance.retrieval_text(entry),
                "period": provenance.period_text(entry) or None,
                "official_file": publication.official and not publication.derived,
                "derived_by_this_dashboard": publication.derived,
                "measures": _measures(publication),
                "files": [
                    {"path": i["path"], "sha256": i["sha256"], "url": i.get("url") or None}
                    for i in entry.get("inputs", [])
                ],
            }
        )
    descriptor = {
        "name": "nottingham-east-dashboard-export",
        "title": "Nottingham East issue dashboard export",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "homepage": view_url or None,
        "licenses": [
            {"title": licence} for licence in dict.fromkeys(s["licence"] for s in sources)
        ],
        "sources": sources,
        "resources": [
            {
                "name": path.rsplit(".", 1)[0].replace("/", "-"),
                "path": path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields if isinstance(fields, list) else _fields(fields)},
            }
            for path, fields in resources.items()
        ],
    }
    return json.dumps(descriptor, indent=2, ensure_ascii=False)


OBSERVATIONS_TEXT = (
    "the observations contract, one row per figure: dataset, measure, area_type, area_code "
    "(GSS, ODS, NOMIS code or URN), area_name, period_start, period_end, value (float; null "
    "when missing, suppressed or not reported, never 0), unit; status says why a value is "
    "missing and source_file names the publisher's file the row came from"
)


def _describe_table(path, dataset_id: str, name: str, rows: int) -> str:
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    geo = json.loads((schema.metadata or {}).get(b"geo", b"null"))
    if geo:
        column = geo["primary_column"]
        crs = (geo["columns"][column].get("crs") or {}).get("id") or {}
        where = f"{crs.get('authority')}:{crs.get('code')}" if crs else "not stated"
        grid = " (British National Grid, metres)" if where == "EPSG:27700" else ""
        what = (
            f"GeoParquet {geo.get('version', '')} boundaries: {rows} shapes, geometry in "
            f"column {column!r} as {geo['columns'][column].get('encoding', 'WKB')}, CRS "
            f"{where}{grid}; read with geopandas.read_parquet(path), and call "
            ".to_crs(4326) for longitude and latitude"
        )
    elif name == "observations":
        what = f"{rows} rows; {OBSERVATIONS_TEXT}"
    else:
        what = f"{rows} rows; a table of {dataset_id} with the columns " + ", ".join(schema.names)
    return f"{path.name}: {what}."


def snapshot_readme(folder, manifest: dict) -> str:
    """What every file in the snapshot zip is, table by table."""
    lines = [
        "Nottingham East issue dashboard: the whole data snapshot.",
        "",
        "manifest.json: every dataset's source files (path, sha256, bytes, official URL, "
        "retrieval), parser, build time, rows, measures, period range and tables.",
        "<dataset>/<table>.parquet: Apache Parquet (zstd); read with pandas.read_parquet(path).",
        "Licences, publishers and caveats: the app's Data & sources page and README.",
        "",
    ]
    for dataset_id, entry in sorted(manifest.items()):
        publication = catalogue.get(dataset_id)
        lines.append(
            f"{dataset_id}/ ({publication.publisher}: {publication.title}; {publication.licence})"
        )
        for name, table in sorted(entry.get("tables", {}).items()):
            path = folder / table["file"]
            if path.is_file():
                lines.append("  " + _describe_table(path, dataset_id, name, table["rows"]))
        lines.append("")
    return "\n".join(lines)


def snapshot_zip(folder) -> bytes:
    """The whole snapshot (Parquet tables + manifest + a README of every file), for
    researchers."""
    from pathlib import Path

    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["datasets"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", snapshot_readme(folder, manifest))
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def all_observations_zip(observations, manifest: dict) -> bytes:
    """Every dataset's observations in one long CSV (the contract's columns, plus status and
    source file), zipped with a README and a datapackage.json giving every dataset's
    provenance. Written dataset by dataset into the zip stream, so memory holds one dataset's
    text at a time. ``observations(dataset_id)`` reads a table from the snapshot."""
    from dashboard.core.observations import COLUMNS

    columns = [*COLUMNS, "status", "source_file"]
    chosen = [d for d in sorted(manifest) if "observations" in manifest[d].get("tables", {})]
    readme = "\n".join(provenance_lines(chosen, manifest)) + (
        "\n\nobservations.csv: one row per figure, every dataset in the snapshot (long "
        "format); empty values are missing, suppressed or not reported (never zero); status "
        "says why; source_file names the publisher's file each row came from.\n"
    )
    types = {"period_start": "date", "period_end": "date", "value": "number"}
    fields = [{"name": c, "type": types.get(c, "string")} for c in columns]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr(
            "datapackage.json", datapackage({"observations.csv": fields}, chosen, manifest)
        )
        with archive.open("observations.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            text.write(",".join(columns) + LINE_END)
            for dataset_id in chosen:
                frame = observations(dataset_id)
                if frame is None or frame.empty:
                    continue
                plain_csv(frame.reindex(columns=columns), text, header=False)
            text.flush()
            text.detach()
    return buffer.getvalue()


def zip_with_readme(
    frame: pd.DataFrame, dataset_ids: list[str], manifest: dict, view_url: str = ""
) -> bytes:
    """A zip of the plain CSV, a README with its provenance and the same as datapackage.json."""
    readme = "\n".join(provenance_lines(dataset_ids, manifest, view_url)) + (
        "\n\ndata.csv: one row per figure; empty values are missing, suppressed or not "
        "reported (never zero); the status column, where present, says why.\n"
        "datapackage.json: the same provenance and data.csv's columns, as a Frictionless "
        "Data Package (https://datapackage.org).\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr(
            "datapackage.json", datapackage({"data.csv": frame}, dataset_ids, manifest, view_url)
        )
        archive.writestr("data.csv", plain_csv(frame))
    return buffer.getvalue()
