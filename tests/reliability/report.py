"""Print the refresh-fault matrix as a table: fault x layout -> outcome.

Run from the repository root: ``python -m tests.reliability.report`` (needs the sources folder).
It runs the same matrix as ``test_refresh_faults.py``, in a temporary folder it removes after.
"""

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


def main() -> int:
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
