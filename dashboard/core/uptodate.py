"""What a snapshot was built from, and whether a build would change it, with the standard library
alone: a rebuild where nothing changed answers from here without importing pandas or pyarrow
(about half a second of the process), and ``build.py`` records and compares the same facts.

Every input is hashed afresh on each check (about 0.1 s for the mirror's 110 MB): the sha256 of
the bytes is the only test of "unchanged", never a file's size or modification time, so an edit
that keeps both is still seen.
"""

import ast
import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
from pathlib import Path

from dashboard.core import catalogue

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the dashboard package
MANIFEST = "manifest.json"  # store.MANIFEST (store imports pandas, which this module avoids)
MANIFEST_FORMAT = 1


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _module_file(dotted: str) -> Path | None:
    """The file of a module under ``dashboard`` (``core.store``), or None for a name inside one."""
    path = PACKAGE_ROOT.joinpath(*dotted.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _project_imports(source: str) -> list[str]:
    """Every ``dashboard`` module a source file imports, read from its syntax tree, so that
    ``import dashboard.x``, ``from dashboard.x import y`` and imports inside functions all count."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names if alias.name.startswith("dashboard.")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dashboard"):
            # "from dashboard.x import y": y is a module or a name in x; both are followed.
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return [name.removeprefix("dashboard").lstrip(".") for name in names]


def parser_fingerprint(parser: str) -> str:
    """Hash of the parser module and the project modules it imports, so a code change re-parses."""
    digest = hashlib.sha256()
    seen: set[str] = set()
    pending = [parser, "core.observations", "core.validate"]
    while pending:
        name = pending.pop()
        if name in seen or not name:
            continue
        seen.add(name)
        read = _read_module(name)
        if read is None:  # an imported function or constant, not a module
            continue
        source, imports = read
        digest.update(name.encode() + b"\0" + source.encode())
        pending.extend(imports)
    return digest.hexdigest()


@functools.cache
def _read_module(name: str) -> tuple[str, tuple[str, ...]] | None:
    """A module's source and the project modules it imports, read and parsed once per process:
    most parsers share their topic's common module and the contract's modules."""
    path = _module_file(name)
    if path is None:
        return None
    source = path.read_text(encoding="utf-8")
    return source, tuple(_project_imports(source))


def resolve_inputs(
    publication: catalogue.Publication, sources: Path
) -> list[tuple[catalogue.SourceFile, Path]]:
    found = []
    for source_file in publication.files:
        matches = sorted(path for path in sources.glob(source_file.path) if path.is_file())
        if not matches and not source_file.optional:
            raise FileNotFoundError(f"no file matches {source_file.path} under {sources}")
        found.extend((source_file, path) for path in matches)
    return found


class BuildRunning(RuntimeError):
    """Another build holds the snapshot's lock."""


def lock_path(data: Path) -> Path:
    return data.with_name(f".{data.name}.build-lock")


@contextlib.contextmanager
def build_lock(data: Path):
    """One build at a time per snapshot: a second one stops at once with a plain message
    instead of racing the first to the swap (the last one would silently win)."""
    path = lock_path(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildRunning(
                f"another build of {data} is running; try again when it has finished"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stale_folders(data: Path) -> list[Path]:
    """Staging and retired copies left by a build that died (see store.swap_in)."""
    return sorted(data.parent.glob(f"{data.name}.tmp-*")) + sorted(
        data.parent.glob(f"{data.name}.old-*")
    )


def build_log_path(data: Path) -> Path:
    """Beside the snapshot, not in it: the log must survive a failed build untouched."""
    return data.with_name(f"{data.name}-build-log.jsonl")


def log_attempt(
    data: Path, sources: Path, *, parsed: list[str], unchanged: list[str], failures: dict
) -> None:
    record = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sources": str(sources),
        "outcome": "failed" if failures else "ok",
        "parsed": parsed,
        "unchanged": unchanged,
        "failures": failures,
    }
    with build_log_path(data).open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, sort_keys=True) + "\n")


def manifest_text(manifest: dict) -> str:
    """The manifest's bytes as the build writes them (store.write_manifest)."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def unchanged_datasets(
    sources: Path, data: Path, only: list[str] | None = None
) -> tuple[list[str], list[str]] | None:
    """(unchanged, kept) when a build of ``only`` (default: the whole catalogue) would leave
    ``data`` byte for byte as it is, else None.

    That is when the snapshot holds exactly its manifest and the tables it names, in the form the
    build writes; every chosen dataset's files resolve to the recorded paths with the recorded
    sha256 and its parser's fingerprint matches; and the datasets not chosen are all still in the
    catalogue (the build would drop one that is not). Any doubt is None, and the full build
    decides: it also names every error (unknown dataset, missing file) in its own words."""
    if stale_folders(data):  # the build removes them, and says so
        return None
    try:
        text = (data / MANIFEST).read_text(encoding="utf-8")
        manifest = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if (
        not isinstance(manifest, dict)
        or manifest.keys() != {"format", "datasets"}
        or manifest["format"] != MANIFEST_FORMAT
        or not isinstance(manifest["datasets"], dict)
        or manifest_text(manifest) != text
    ):
        return None
    previous = manifest["datasets"]
    try:
        chosen = [catalogue.get(i) for i in only] if only else list(catalogue.CATALOGUE)
    except KeyError:
        return None
    unchanged = [publication.id for publication in chosen]
    kept = [i for i in previous if i not in unchanged and i in catalogue.BY_ID]
    if set(unchanged) | set(kept) != previous.keys() or not _holds_exactly(data, previous):
        return None
    for publication in chosen:
        entry = previous[publication.id]
        if entry.get("parser_fingerprint") != parser_fingerprint(publication.parser):
            return None
        if not _same_inputs(publication, sources, entry.get("inputs")):
            return None
    return unchanged, kept


def _holds_exactly(data: Path, datasets: dict) -> bool:
    """The snapshot folder holds the manifest and each dataset's table files, nothing else: the
    build writes a fresh folder, so anything more (or less) would change."""
    expected = {MANIFEST}
    for entry in datasets.values():
        tables = entry.get("tables") if isinstance(entry, dict) else None
        if not isinstance(tables, dict):
            return False
        for table in tables.values():
            if not isinstance(table, dict) or not isinstance(table.get("file"), str):
                return False
            expected.add(table["file"])
    expected |= {Path(name).parent.as_posix() for name in expected} - {"."}
    found = set()
    for folder, folders, files in os.walk(data):
        relative = Path(folder).relative_to(data)
        found.update((relative / name).as_posix() for name in folders + files)
    return found == expected


def _same_inputs(publication: catalogue.Publication, sources: Path, recorded) -> bool:
    if not isinstance(recorded, list) or not all(isinstance(i, dict) for i in recorded):
        return False
    try:
        paths = [path for _, path in resolve_inputs(publication, sources)]
    except OSError:
        return False
    names = [path.relative_to(sources).as_posix() for path in paths]
    if names != [i.get("path") for i in recorded]:  # paths first: a new file costs no hashing
        return False
    return all(sha256_of(path) == i.get("sha256") for path, i in zip(paths, recorded, strict=True))


def check_unchanged(
    sources: Path, data: Path, only: list[str] | None = None
) -> tuple[list[str], list[str]] | None:
    """``unchanged_datasets`` under the build's lock, logged as the build logs a build that
    kept everything. None (run the build) when the check cannot be made or logged: the build
    reports a held lock or an unwritable place in its own words."""
    try:
        with build_lock(data):
            found = unchanged_datasets(sources, data, only)
            if found is not None:
                log_attempt(data, sources, parsed=[], unchanged=found[0], failures={})
            return found
    except (OSError, BuildRunning):
        return None
