"""The refresh-fault matrix: which file of each publication to break, how, and what happened.

Shared by ``test_refresh_faults.py`` (assertions) and ``report.py`` (the printed table). Each fault
is written into a copy of the sources folder made of symlinks to the real files, so the real files
are never touched and nothing from them lands in the repository.

To keep the matrix within a few minutes, targets that cannot see each other's broken file are
built together, one ``python -m dashboard build --only A B C`` per group: the build parses and
judges every dataset independently and the build log records each dataset's own failure, so the
outcome per dataset is the same as building it alone (the snapshot check is per run).
"""

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.core import build, catalogue, settings, uptodate
from dashboard.topics.ae.sources import nhse_ae_timeseries, nhse_ae_workbook
from dashboard.topics.homelessness.sources import mhclg_hclic_detailed_la, mhclg_rough_sleeping
from dashboard.topics.prison.sources import moj_workforce_2016
from dashboard.topics.schools.sources import dfe_spine
from dashboard.topics.uc.sources import statxplore_xlsx

HTML_PAGE = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
FAULTS = (
    "truncated",
    "empty",
    "html_page",
    "renamed_column",
    "missing_sheet",
    "extra_header_row",
    "duplicated_row",
    "out_of_range",
    "utf16",
)
WORKBOOK = {".xlsx", ".xls", ".ods"}
JSON = {".json", ".geojson"}
# Datasets mixing layout families (old .xls, .xlsx, .ods, CSV): one target per file suffix.
FAMILY_DATASETS = {"nhse_ae_monthly", "mhclg_hclic_detailed_la", "mhclg_rough_sleeping_snapshot"}
# The sheet(s) each workbook parser reads, from the parsers' own constants.
SHEETS_READ = {
    "nhse_ae": "|".join(map(re.escape, nhse_ae_workbook.PROVIDER_SHEETS)),
    "nhse_ae_timeseries": "|".join(map(re.escape, nhse_ae_timeseries.SHEETS)),
    "noms_workforce": re.escape(moj_workforce_2016.SHEET),
    "statxplore_xlsx": re.escape(statxplore_xlsx.DATA_SHEET_PREFIX) + ".*",
    "mhclg_hclic_detailed_la": mhclg_hclic_detailed_la.SHEETS["A1"],
    "mhclg_rough_sleeping": mhclg_rough_sleeping.TABLE_1.pattern,
    "dfe_spine": re.escape(dfe_spine.SPINE_SHEET),
}
SHEET_KEY = {"nhse_ae_monthly": "nhse_ae", "noms_workforce_june_2016": "noms_workforce"}
# CSV header line when it is not the first line with two or more cells.
HEADER_STARTS = {"households_on_UC_msoa_15-22.csv": '"Month"'}
# Which data row to duplicate or damage (one the parser keeps), and the out-of-range value.
# Rows are chosen by cell values; the column and value follow the layout's units.
ROWS = {
    "PARL10_PARL25_combo_overlap.csv": {"PARL10": "E14000865"},
    "population-2020.csv": {"PCON11CD": "E14000865"},
    "final_full_time_series.csv": {"nomis_id": "NMI"},
    "monthly_establishments_nottingham_extract.csv": {"month": "2019-03-01"},
    "safety_capacity_test.csv": {"key": "nottingham"},
    "households_on_UC_ltla_15-22.csv": {"Month": "Nottingham"},
    "households_on_UC_msoa_15-22.csv": {"Month": "Nottingham 001"},
    "england_census.csv": {"LA": "892"},
    "england_abs.csv": {"LA": "892"},
    "england_ks4provisional.csv": {"LEA": "892", "RECTYPE": "1"},
    "england_ks4-pupdest.csv": {"LEA": "892", "RECTYPE": "1"},
    "education-attainment.csv": {"Constituency ID": "E14000865"},
    "2018-2019_850_ks2final.csv": {"RECTYPE": "5"},
    "2017-2018_936_ks4final.csv": {"RECTYPE": "7"},
    "ks2_perf_2016.csv": {"URN": "122407"},  # a Nottingham school
    "ofsted_ratings_2018.csv": {"URN": "122407"},
    # A period no official workbook in the mirror covers, so the derived row is the one kept.
    "DERIVED_hclic_headlines_nottingham_england_2018Q2-2025Q4.csv": {
        "quarter": "2021Q1",
        "geography_code": "E92000001",
        "measure": "children_in_TA",
    },
}
BAD_CELLS = {  # file name -> (column, value); None: the layout has no range-checked value
    "PARL10_PARL25_combo_overlap.csv": ("percentage_overlap_pop", "1.4"),  # a share, 1.0 = 100%
    "population-2020.csv": ("0", "-5"),
    "header.csv": None,
    "final_full_time_series.csv": ("population", "-5"),
    "monthly_establishments_nottingham_extract.csv": ("population", "-5"),
    "safety_capacity_test.csv": ("assaults", "-5"),
    "assaults.csv": ("assaults", "-5"),
    "prison_population.csv": ("population", "-5"),
    "prison_standards.csv": ("percent", "140"),
    "hmip_nottingham_judgements.csv": ("score", "140"),  # judgements are scored 1-4
    "households_on_UC_ltla_15-22.csv": ("August 2015", "-5"),
    "households_on_UC_msoa_15-22.csv": ("August 2016", "-5"),
    "england_census.csv": ("NOR", "-5"),
    "england_abs.csv": ("PERCTOT", "140"),
    "england_ks4provisional.csv": ("PTL2BASICS_94", "140"),
    "england_ks4-pupdest.csv": ("COHORT", "-5"),
    "ks2_perf_2016.csv": ("KS2 Pupils", "-5"),
    "ofsted_ratings_2018.csv": None,
    "OFSTED_Ratings.csv": None,
    "education-attainment.csv": ("A*-C % / 2011", "140"),
    "2018-2019_850_ks2final.csv": ("PTRWM_EXP", "140"),
    "2017-2018_936_ks4final.csv": ("TPUP", "-5"),
    "20220420_gias.csv": ("NumberOfPupils", "-5"),
    "DERIVED_hclic_headlines_nottingham_england_2018Q2-2025Q4.csv": ("value", "-5"),
}
NHSE_CSV_ROW = {"Org Code": "RX1"}
NHSE_CSV_CELL = ("A&E attendances Type 1", "-5")


class NotApplicable(Exception):
    """This fault has no meaning for this file's layout; the message says why."""


@dataclass(frozen=True)
class Target:
    dataset: str
    path: str  # relative to the sources folder
    family: str  # file suffix

    @property
    def label(self) -> str:
        return f"{self.dataset}[{self.family}]"

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass
class Outcome:
    target: Target
    fault: str
    status: str  # "rejected", "accepted", "n.a."
    message: str = ""  # the dataset's lines of stderr, or why the fault is not applicable
    returncode: int | None = None
    stderr: str = ""
    snapshot_unchanged: bool | None = None
    logged_failure: bool | None = None
    note: str = ""  # what was done to the file, when it is a variant
    extra: dict = field(default_factory=dict)


def targets(sources: Path) -> list[Target]:
    """The first input of every publication, plus one per file suffix for mixed-family ones."""
    chosen = []
    for publication in catalogue.CATALOGUE:
        inputs = [path for _, path in build.resolve_inputs(publication, sources)]
        seen = set()
        for path in inputs:
            suffix = path.suffix.lower()
            if suffix in seen:
                continue
            seen.add(suffix)
            chosen.append(Target(publication.id, path.relative_to(sources).as_posix(), suffix))
            if publication.id not in FAMILY_DATASETS:
                break
    return chosen


# --- fault injection ---------------------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, bool, str]:
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig" if bom else "utf-8", errors="surrogateescape")
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    return text, bom, newline


def _encode(text: str, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", errors="surrogateescape")


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]), [])


def _header_index(lines: list[str], name: str) -> int:
    start = HEADER_STARTS.get(name)
    for index, line in enumerate(lines[:50]):
        if start is not None:
            if line.startswith(start):
                return index
        elif sum(1 for cell in _cells(line) if cell.strip()) >= 2:
            return index
    raise NotApplicable("no header line found in the first 50 lines")


def _data_row(lines: list[str], header: int, name: str) -> int:
    columns = _cells(lines[header])
    wanted = NHSE_CSV_ROW if name not in ROWS and "Org Code" in columns else ROWS.get(name, {})
    for index in range(header + 1, len(lines)):
        cells = _cells(lines[index])
        if not cells or not any(c.strip() for c in cells):
            continue
        row = dict(zip(columns, cells, strict=False))
        if all(row.get(column) == value for column, value in wanted.items()):
            return index
    raise NotApplicable(f"no data row matching {wanted or 'any'}")


def _csv_line(cells: list[str], newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow(cells)
    return buffer.getvalue()


def _csv_fault(fault: str, raw: bytes, name: str) -> tuple[bytes, str]:
    if fault == "utf16":
        text, _, _ = _decode(raw)
        return text.encode("utf-16"), "re-encoded as UTF-16 (with BOM)"
    if fault == "missing_sheet":
        raise NotApplicable("a CSV has no sheets")
    text, bom, newline = _decode(raw)
    lines = text.splitlines(keepends=True)
    header = _header_index(lines, name)
    if fault == "renamed_column":
        cells = _cells(lines[header])
        first = next(cell for cell in cells if cell.strip())
        lines[header] = lines[header].replace(first, first + " (renamed)", 1)
        return _encode("".join(lines), bom), f"header cell {first!r} renamed"
    if fault == "extra_header_row":
        copy = lines[header] if lines[header].endswith(("\n", "\r")) else lines[header] + newline
        lines.insert(header + 1, copy)
        if not lines[header].endswith(("\n", "\r")):
            lines[header] += newline
        return _encode("".join(lines), bom), "header line repeated below itself"
    row = _data_row(lines, header, name)
    if fault == "duplicated_row":
        line = lines[row] if lines[row].endswith(("\n", "\r")) else lines[row] + newline
        lines[row] = line
        lines.insert(row + 1, line)
        return _encode("".join(lines), bom), f"data line {row + 1} duplicated"
    if fault == "out_of_range":
        columns = _cells(lines[header])
        spec = NHSE_CSV_CELL if "Org Code" in columns else BAD_CELLS.get(name)
        if spec is None:
            raise NotApplicable("no percentage or count in this layout (codes and categories)")
        column, value = spec
        cells = _cells(lines[row])
        index = columns.index(column)
        old = cells[index]
        cells[index] = value
        ending = newline if lines[row].endswith(("\n", "\r")) else ""
        lines[row] = _csv_line(cells, newline)[: -len(newline)] + ending
        return _encode("".join(lines), bom), f"line {row + 1}, {column}: {old!r} -> {value}"
    raise AssertionError(fault)


def _json_fault(fault: str, raw: bytes) -> tuple[bytes, str]:
    if fault == "utf16":
        return raw.decode("utf-8").encode("utf-16"), "re-encoded as UTF-16 (with BOM)"
    if fault in ("missing_sheet", "extra_header_row", "out_of_range"):
        raise NotApplicable(
            {
                "missing_sheet": "GeoJSON has no sheets",
                "extra_header_row": "GeoJSON has no header row",
                "out_of_range": "boundary files carry no statistical values",
            }[fault]
        )
    document = json.loads(raw)
    features = document.get("features") or []
    if not features:
        raise NotApplicable("not a FeatureCollection")
    if fault == "renamed_column":
        first = next(iter(features[0]["properties"]))
        for feature in features:
            props = feature["properties"]
            feature["properties"] = {
                (key + " (renamed)" if key == first else key): value for key, value in props.items()
            }
        note = f"property {first!r} renamed in every feature"
    else:  # duplicated_row
        features.insert(1, features[0])
        note = "first feature duplicated"
    return json.dumps(document).encode("utf-8"), note


def _rename_sheets_xml(text: str, pattern: str, attribute: str) -> tuple[str, list[str]]:
    renamed = []

    def swap(match: re.Match) -> str:
        name = html.unescape(match.group(2))
        if re.fullmatch(pattern, name.strip(), flags=re.IGNORECASE):
            renamed.append(name)
            return f'{match.group(1)}"{html.escape("Renamed " + name, quote=True)}"'
        return match.group(0)

    text = re.sub(rf'(<{attribute}[^>]*?\bname=)"([^"]*)"', swap, text)
    return text, renamed


def _zip_rename(raw: bytes, member: str, pattern: str, element: str) -> tuple[bytes, list[str]]:
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    renamed: list[str] = []
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                text, renamed = _rename_sheets_xml(data.decode("utf-8"), pattern, element)
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out.getvalue(), renamed


def _xls_rename(raw: bytes, pattern: str) -> tuple[bytes, list[str]]:
    """Rename sheets in place in the BIFF8 BOUNDSHEET records: same length, first byte '#'."""
    from python_calamine import CalamineWorkbook

    names = CalamineWorkbook.from_filelike(io.BytesIO(raw)).sheet_names
    renamed = []
    for name in names:
        if not re.fullmatch(pattern, name.strip(), flags=re.IGNORECASE):
            continue
        encoded = name.encode("latin-1")
        needle = bytes([len(encoded), 0]) + encoded
        if needle in raw:
            raw = raw.replace(needle, bytes([len(encoded), 0]) + b"#" + encoded[1:])
            renamed.append(name)
    return raw, renamed


def _workbook_fault(fault: str, raw: bytes, suffix: str, dataset: str, parser: str):
    if fault == "renamed_column":
        return (
            b"Column A (renamed),Column B\n1,2\n",
            "variant: CSV text saved under the workbook's name (no workbook writer here)",
        )
    if fault == "missing_sheet":
        pattern = SHEETS_READ.get(SHEET_KEY.get(dataset, parser))
        if pattern is None:
            raise NotApplicable(f"sheet read by {parser} not known to the fault matrix")
        if suffix == ".xlsx":
            data, renamed = _zip_rename(raw, "xl/workbook.xml", pattern, "sheet")
        elif suffix == ".ods":
            data, renamed = _zip_rename(raw, "content.xml", pattern, "table:table")
        else:
            data, renamed = _xls_rename(raw, pattern)
        if not renamed:
            raise NotApplicable(f"no sheet matching {pattern!r} found to remove")
        return data, f"sheet(s) {renamed} renamed, so the one the parser reads is missing"
    raise NotApplicable(
        {
            "extra_header_row": "needs a workbook writer (openpyxl is not installed)",
            "duplicated_row": "needs a workbook writer (openpyxl is not installed)",
            "out_of_range": "needs a workbook writer (openpyxl is not installed)",
            "utf16": "a workbook is binary; text encodings do not apply",
        }[fault]
    )


def corrupt(fault: str, target: Target, raw: bytes) -> tuple[bytes, str]:
    """The broken bytes for this file, and a note of what was done; or NotApplicable."""
    if fault == "truncated":
        return raw[: len(raw) // 2], "first half of the bytes"
    if fault == "empty":
        return b"", "zero bytes"
    if fault == "html_page":
        return HTML_PAGE, "an HTML error page saved under the file's name"
    suffix = target.family
    if suffix == ".csv":
        return _csv_fault(fault, raw, target.name)
    if suffix in JSON:
        return _json_fault(fault, raw)
    if suffix in WORKBOOK:
        parser = catalogue.get(target.dataset).parser.rsplit(".", 1)[-1]
        return _workbook_fault(fault, raw, suffix, target.dataset, parser)
    raise NotApplicable(f"no injector for {suffix} files")


# --- running the matrix ------------------------------------------------------------------------


def dataset_inputs(sources: Path, dataset: str) -> set[str]:
    publication = catalogue.get(dataset)
    return {
        p.relative_to(sources).as_posix() for _, p in build.resolve_inputs(publication, sources)
    }


def groups(sources: Path, chosen: list[Target]) -> list[list[Target]]:
    """Greedy colouring: no target in a group reads another's broken file or shares a dataset."""
    reads = {t.dataset: dataset_inputs(sources, t.dataset) for t in chosen}
    result: list[list[Target]] = []
    for target in chosen:
        for group in result:
            clash = any(
                other.dataset == target.dataset
                or other.path in reads[target.dataset]
                or target.path in reads[other.dataset]
                for other in group
            )
            if not clash:
                group.append(target)
                break
        else:
            result.append([target])
    return result


def linked_copy(sources: Path, root: Path, broken: dict[str, bytes]) -> Path:
    """A sources folder of symlinks to the real files, except the broken ones, written out."""
    for path in sources.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(sources).as_posix()
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative in broken:
            target.write_bytes(broken[relative])
        else:
            os.symlink(path, target)
    return root


def good_build(sources: Path, data: Path, datasets: list[str]) -> None:
    """The last good snapshot every fault is applied against."""
    build.build(sources, data, only=datasets)


def snapshot_bytes(data: Path) -> dict[str, bytes]:
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in data.rglob("*") if p.is_file()}


def run_build(sources: Path, data: Path, datasets: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "build", "--sources", str(sources)]
        + ["--data", str(data)]
        + [arg for dataset in datasets for arg in ("--only", dataset)],
        capture_output=True,
        text=True,
        cwd=settings.REPO_ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=600,
    )


def dataset_lines(stderr: str, dataset: str) -> str:
    """The BuildFailed lines for one dataset: its 'dataset: ...' line and indented follow-ons."""
    lines = stderr.splitlines()
    after = next(
        (i for i, line in enumerate(lines) if line.startswith("error: build failed")), None
    )
    if after is None:
        return ""
    start = next(
        (i for i in range(after + 1, len(lines)) if lines[i].startswith(f"{dataset}: ")), None
    )
    if start is None:
        return ""
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return "\n".join(block)


class Matrix:
    """Runs each fault once per group, lazily, and remembers the outcome per target."""

    def __init__(self, sources: Path, work: Path, good_data: Path):
        self.sources, self.work, self.good_data = sources, work, good_data
        self.targets = targets(sources)
        self.raw = {t.path: (sources / t.path).read_bytes() for t in self.targets}
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        self.runs: list[dict] = []
        self._groups = groups(sources, self.targets)

    def outcome(self, fault: str, target: Target) -> Outcome:
        key = (fault, target.label)
        if key not in self.outcomes:
            self._run_fault(fault)
        return self.outcomes[key]

    def _run_fault(self, fault: str) -> None:
        for index, group in enumerate(self._groups):
            broken: dict[str, tuple[bytes, str]] = {}
            live = []
            for target in group:
                try:
                    broken[target.path] = corrupt(fault, target, self.raw[target.path])
                    live.append(target)
                except NotApplicable as reason:
                    self.outcomes[(fault, target.label)] = Outcome(
                        target, fault, "n.a.", str(reason)
                    )
            if live:
                self._run_group(fault, index, live, broken)

    def _run_group(self, fault: str, index: int, live: list[Target], broken: dict) -> None:
        folder = self.work / f"{fault}-{index}"
        sources = linked_copy(
            self.sources, folder / "sources", {p: data for p, (data, _) in broken.items()}
        )
        data = folder / "data"
        shutil.copytree(self.good_data, data)
        before = snapshot_bytes(data)
        datasets = [t.dataset for t in live]
        result = run_build(sources, data, datasets)
        unchanged = snapshot_bytes(data) == before
        log_path = uptodate.build_log_path(data)
        records = (
            [json.loads(x) for x in log_path.read_text().splitlines()] if log_path.is_file() else []
        )
        last = records[-1] if records else {}
        self.runs.append({"fault": fault, "group": index, "datasets": datasets})
        for target in live:
            failures = last.get("failures", {})
            status = "rejected" if target.dataset in failures else "accepted"
            self.outcomes[(fault, target.label)] = Outcome(
                target,
                fault,
                status,
                message=dataset_lines(result.stderr, target.dataset),
                returncode=result.returncode,
                stderr=result.stderr,
                snapshot_unchanged=unchanged,
                logged_failure=last.get("outcome") == "failed" and target.dataset in failures,
                note=broken[target.path][1],
            )
        shutil.rmtree(sources)  # thousands of symlinks per run otherwise pile up in tmp
