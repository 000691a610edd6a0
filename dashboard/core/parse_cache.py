"""One file's parsed rows, kept between builds, so one new file of a many-file publication (a new
A&E month among 130 files) re-reads that file alone.

A parser opts in by splitting its ``parse`` into ``read_file(path)`` (one file's rows, from the
file's bytes and name alone) and ``combine(frames, dataset)``. An entry is keyed by the file's
path and sha256, the parser's fingerprint and the versions of the libraries that wrote it, so a
changed file, parser or library is read afresh. The cache lives beside the snapshot, never in it
(it is not committed). It is only ever a shortcut: an entry that cannot be read is read from the
file again, with one progress line, and a cache that cannot be written is skipped.

Entries are pickles, the one format that gives back exactly the frame that was stored (dtypes,
missing values, timestamps), which the snapshot's byte-for-byte equality with a full build
needs. They are written by this build on this machine, as trusted as the code beside them.
"""

import hashlib
import json
import os
import pickle
import platform
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

FORMAT = 1
SUFFIX = ".pickle"
LOG_PREFIX = "parse cache: "  # every line it logs starts so (the refresh shows these)


def folder_for(data: Path) -> Path:
    """Beside the snapshot (``data-parse-cache/`` for ``data/``), like the build log."""
    return data.with_name(f"{data.name}-parse-cache")


def entry_key(relative: str, sha256: str, fingerprint: str) -> str:
    versions = [platform.python_version(), pd.__version__, np.__version__]
    text = json.dumps([FORMAT, relative, sha256, fingerprint, versions])
    return hashlib.sha256(text.encode()).hexdigest()


class ParseCache:
    def __init__(self, folder: Path, progress: Callable[[str], None] = lambda message: None):
        self.folder = folder
        self.progress = progress
        self.hits = 0
        self.misses = 0
        self._write_failed = False

    def frames(
        self,
        dataset: str,
        fingerprint: str,
        files: Sequence[tuple[str, str, Path]],
        read_file: Callable[[Path], pd.DataFrame],
    ) -> list[pd.DataFrame]:
        """``read_file`` of each (relative path, sha256, path), from the cache where it holds
        that file; then entries no longer used by ``dataset`` are removed."""
        frames, keys = [], set()
        for relative, sha256, path in files:
            key = entry_key(relative, sha256, fingerprint)
            keys.add(key)
            entry = self.folder / dataset / (key + SUFFIX)
            frame = self._load(entry, key, relative)
            if frame is None:
                self.misses += 1
                frame = read_file(path)
                self._store(entry, key, frame)
            else:
                self.hits += 1
            frames.append(frame)
        self._prune(self.folder / dataset, keys)
        return frames

    def _load(self, entry: Path, key: str, relative: str) -> pd.DataFrame | None:
        try:
            blob = entry.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # not cached (yet)
            return None
        except OSError as error:
            self.progress(f"{LOG_PREFIX}cannot read the entry of {relative} ({error}); re-read")
            return None
        try:
            stored_key, frame = pickle.loads(blob)
            if stored_key != key or not isinstance(frame, pd.DataFrame):
                raise ValueError("the entry is for another file")
        except Exception as error:  # any damage: the file is read again, never a wrong frame
            reason = f"{type(error).__name__}: {error}".splitlines()[0][:120]
            self.progress(f"{LOG_PREFIX}ignored a damaged entry for {relative} ({reason})")
            return None
        return frame

    def _store(self, entry: Path, key: str, frame: pd.DataFrame) -> None:
        if self._write_failed:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, partial = tempfile.mkstemp(dir=entry.parent, suffix=".part")
            with os.fdopen(handle, "wb") as out:
                pickle.dump((key, frame), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, entry)
        except Exception as error:  # a full disk, a read-only folder: the parse goes on
            self._write_failed = True  # one line, not one per file
            self.progress(f"{LOG_PREFIX}cannot write to {self.folder} ({error}); not caching")

    def _prune(self, folder: Path, keep: set[str]) -> None:
        """Entries of replaced files and older parser versions: the cache keeps only what the
        current inputs need."""
        try:
            if not folder.is_dir():
                return
            for path in folder.iterdir():
                if path.name.removesuffix(SUFFIX) not in keep or not path.name.endswith(SUFFIX):
                    path.unlink(missing_ok=True)
        except OSError as error:  # left for the next build; never a failed build
            self.progress(f"{LOG_PREFIX}cannot tidy {folder} ({error})")
