"""Refresh faults x publication layouts: a broken input fails the build, loudly and harmlessly.

For every catalogue publication (its first input file, and one file per layout family where a
publication mixes .xls/.xlsx/.ods/.csv), each fault from ``faults.FAULTS`` is written into a
symlinked copy of the sources folder and ``python -m dashboard build`` runs over a copy of the
last good snapshot. A rejected fault must: exit 1; name the dataset, and the file or the fault, on
its lines of stderr, with no traceback; leave the snapshot byte-for-byte as it was; and appear in
the build log as a failed attempt.

Faults the parsers accept fall in two kinds: accepted correctly (the change cannot alter any
figure; listed in ``HARMLESS`` and asserted as accepted) and accepted wrongly (``WRONGLY_ACCEPTED``,
strict expected failures naming the parser and the fix, so a fix shows up as an XPASS).
``python -m tests.reliability.report`` prints the same matrix as a table.
"""

import pytest

from dashboard.core import settings
from tests.reliability import faults

_SOURCES = settings.sources_dir()
TARGETS = faults.targets(_SOURCES) if _SOURCES is not None and _SOURCES.is_dir() else []
# Words that name the fault when a message does not name the file (validation failures).
FAULT_WORDS = ("share a key", "duplicate", "outside 0-100", "negative", "empty", "html", "sheet")

HARMLESS = {
    ("os_codepoint_open[.csv]", "extra_header_row"): "header.csv is read for its column names "
    "only (nrows=0); a repeated line there changes nothing",
    ("named_sites[.csv]", "extra_header_row"): "the same header.csv, read for names only",
    ("moj_population_bulletin_2011_2016[.csv]", "duplicated_row"): "the compilation repeats "
    "rows verbatim and the parser drops exact copies on purpose; a differing copy is rejected",
    ("dfe_census_2018_19[.csv]", "extra_header_row"): "the stray header row has LA='LA' and is "
    "dropped with every non-892 LA; no figure changes",
    ("dfe_absence_2018_19[.csv]", "extra_header_row"): "as for the census: filtered out by LA",
    ("ofsted_inspections_compiled[.csv]", "extra_header_row"): "URN='URN' matches no Nottingham "
    "school and is filtered out",
    ("ofsted_inspections_compiled[.csv]", "duplicated_row"): "an exact copy of an inspection "
    "(URN, date, rating) is dropped on purpose: the latest inspection is in both files",
    ("dfe_gias[.csv]", "extra_header_row"): "the mirror's GIAS file is a Hampshire/Surrey sample; "
    "the parser keeps LA 892 only, so nothing in it reaches the snapshot",
    ("dfe_gias[.csv]", "duplicated_row"): "Hampshire/Surrey sample, filtered out (LA 892 only)",
    ("dfe_gias[.csv]", "out_of_range"): "Hampshire/Surrey sample, filtered out (LA 892 only)",
}
# Faults a parser accepted though it should not; each was fixed and is now rejected. Keep the
# mapping for any future finding (it becomes a strict xfail with the reason).
WRONGLY_ACCEPTED: dict[tuple[str, str], str] = {}
CASES = [
    pytest.param(
        target,
        fault,
        id=f"{fault}-{target.label}",
        marks=[pytest.mark.xfail(strict=True, reason=WRONGLY_ACCEPTED[(target.label, fault)])]
        if (target.label, fault) in WRONGLY_ACCEPTED
        else [],
    )
    for fault in faults.FAULTS
    for target in TARGETS
]


@pytest.fixture(scope="module")
def matrix(sources, tmp_path_factory):
    """The last good snapshot, built once, and the matrix that runs each fault once per group."""
    work = tmp_path_factory.mktemp("faults")
    good = work / "good" / "data"
    faults.good_build(sources, good, sorted({t.dataset for t in TARGETS}))
    return faults.Matrix(sources, work, good)


def test_every_publication_has_a_target(sources):
    covered = {t.dataset for t in TARGETS}
    assert covered == {p.id for p in faults.catalogue.CATALOGUE}


@pytest.mark.parametrize("target, fault", CASES)
def test_fault_fails_the_build_and_keeps_the_snapshot(matrix, target, fault):
    outcome = matrix.outcome(fault, target)
    if outcome.status == "n.a.":
        pytest.skip(f"n.a. for {target.family}: {outcome.message}")
    if (target.label, fault) in HARMLESS:
        assert outcome.status == "accepted", outcome.message
        return
    assert outcome.status == "rejected", f"accepted: {outcome.note} in {target.path}"
    assert outcome.returncode == 1, outcome.stderr[-2000:]
    assert "Traceback" not in outcome.stderr
    assert outcome.snapshot_unchanged, "the last good snapshot changed"
    assert outcome.logged_failure, "the build log does not record the failed attempt"
    lines = outcome.message.splitlines()
    assert lines and lines[0].startswith(f"{target.dataset}: "), outcome.stderr[-2000:]
    said = " ".join(lines[:2])  # the dataset's line, and the first check a validation lists
    assert target.name in said or any(word in said.lower() for word in FAULT_WORDS), said
    assert len(lines[0]) < 1000
