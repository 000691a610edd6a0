"""The reliability report: the hardening probes with their results, then the refresh-fault
matrix as a table (fault x layout -> outcome).

Run from the repository root: ``python -m tests.reliability.report [--probes-only]`` (the matrix
needs the sources folder). Each probe is the tests that prove it, run here and reported PASS or
FAIL; the matrix is the same as ``test_refresh_faults.py``'s, in a temporary folder removed after.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.core import settings
from tests.reliability import faults
from tests.reliability.test_refresh_faults import HARMLESS, WRONGLY_ACCEPTED

SHORT = {"rejected": "REJECTED", "accepted": "ACCEPTED", "n.a.": "n.a."}


def first_line(outcome: faults.Outcome) -> str:
    text = outcome.message.splitlines()
    if not text:
        return ""
    line = text[0]
    if len(text) > 1:  # a validation failure: its first listed check says what was wrong
        line += " " + text[1].strip()
    return line[:160]


# Each probe of the hardening issue, and the tests that show it holds.
PROBES = {
    "A corrupted table: a plain message on its section, no traceback (Chromium, "
    "showErrorDetails=false)": [
        "tests/browser/test_damaged_snapshot_browser.py::test_a_damaged_table_is_one_plain_message_on_its_section"
    ],
    "An invalid or empty manifest: a plain message on every page, no traceback": [
        "tests/browser/test_damaged_snapshot_browser.py::test_a_damaged_manifest_is_one_plain_message_on_every_page",
        "tests/test_store.py",
    ],
    "Any other fault in a page: a plain message with a logged reference": [
        "tests/ui/test_guard.py"
    ],
    "CSV exports: \\r, \\n, quotes and commas quoted; formula guard after line breaks": [
        "tests/test_exports.py::test_the_formula_guard_applies_after_every_line_break",
        "tests/test_exports.py::test_any_text_round_trips_through_csv_and_pandas_with_no_formula_at_a_line_start",
    ],
    "The Stat-Xplore key never follows a redirect to another host": [
        "tests/test_statxplore_api.py::test_the_key_follows_a_same_host_redirect_only"
    ],
    "Oversized inputs refused before parsing (NUL padding, zip bombs)": [
        "tests/test_build.py::test_a_valid_csv_followed_by_a_gigabyte_of_nul_bytes_is_refused_before_parsing",
        "tests/test_build.py::test_a_spreadsheet_that_unzips_past_its_limit_is_refused_from_its_directory",
    ],
    "Builds: one at a time, stale folders removed, file-system failures one line, honest log": [
        "tests/test_build.py::test_a_second_build_stops_at_once_while_one_runs",
        "tests/test_build.py::test_folders_left_by_a_dead_build_are_removed_by_the_next",
        "tests/test_build.py::test_an_unwritable_place_is_a_plain_error_naming_the_path",
        "tests/test_build.py::test_the_log_records_what_happened",
    ],
    "Repeated and over-long link parameters get a visible notice": [
        "tests/reliability/test_hostile_params.py::test_a_repeated_single_choice_gets_the_same_visible_notice",
        "tests/reliability/test_hostile_params.py::test_repeated_area_parameter",
    ],
    "Load in the deploy target's box (1 CPU, 690 MB): no error, no OOM kill": [
        "tests/reliability/test_box_smoke.py"
    ],
}


def run_probes() -> bool:
    print("Hardening probes (each: the tests that prove it)\n")
    passed_all = True
    for probe, tests in PROBES.items():
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
            cwd=settings.REPO_ROOT,
            capture_output=True,
            text=True,
        )
        summary = (result.stdout.strip().splitlines() or ["no output"])[-1]
        verdict = "PASS" if result.returncode == 0 and "skipped" not in summary else "FAIL"
        passed_all &= verdict == "PASS"
        print(f"{verdict}  {probe}\n      {summary}")
    print()
    return passed_all


def main() -> int:
    probes_ok = run_probes()
    if "--probes-only" in sys.argv[1:]:
        return 0 if probes_ok else 1
    sources = settings.sources_dir()
    if sources is None or not sources.is_dir():
        print(f"no sources folder: set {settings.SOURCES_ENV}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fault-matrix-") as work:
        work = Path(work)
        targets = faults.targets(sources)
        good = work / "good" / "data"
        faults.good_build(sources, good, sorted({t.dataset for t in targets}))
        matrix = faults.Matrix(sources, work, good)
        for fault in faults.FAULTS:
            for target in targets:
                matrix.outcome(fault, target)
        elapsed = time.perf_counter() - started
        width = max(len(t.label) for t in targets)
        print(
            "Fault x layout: R = rejected with a message; ok = accepted, harmlessly; "
            "BUG = accepted, should be rejected (strict xfail); - = n.a.\n"
        )
        print(f"{'target':<{width}}  " + " ".join(f"{f[:8]:>8}" for f in faults.FAULTS))
        for target in targets:
            cells = []
            for fault in faults.FAULTS:
                status = matrix.outcomes[(fault, target.label)].status
                if status == "accepted":
                    key = (target.label, fault)
                    cells.append(
                        "ok" if key in HARMLESS else "BUG" if key in WRONGLY_ACCEPTED else "A?"
                    )
                else:
                    cells.append({"rejected": "R", "n.a.": "-"}[status])
            print(f"{target.label:<{width}}  " + " ".join(f"{c:>8}" for c in cells))
        print("\nDetails (target | fault | outcome | what was done | message or reason)\n")
        for target in targets:
            for fault in faults.FAULTS:
                o = matrix.outcomes[(fault, target.label)]
                key = (target.label, fault)
                why = HARMLESS.get(key) or WRONGLY_ACCEPTED.get(key, "")
                detail = first_line(o) if o.status == "rejected" else o.message or why
                checks = ""
                if o.status != "n.a.":
                    checks = (
                        f" [exit {o.returncode}, snapshot "
                        f"{'unchanged' if o.snapshot_unchanged else 'CHANGED'}, "
                        f"log {'records failure' if o.logged_failure else 'no failure'}"
                        f"{', TRACEBACK' if 'Traceback' in o.stderr else ''}]"
                    )
                print(f"{target.label} | {fault} | {SHORT[o.status]}{checks} | {o.note} | {detail}")
        counts = {}
        for o in matrix.outcomes.values():
            counts[o.status] = counts.get(o.status, 0) + 1
        print(f"\n{counts}; {len(matrix.runs)} build runs; {elapsed:.0f} s")
    return 0 if probes_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
