"""Benchmark: `cintui due --json` on a 5,000-child demo store (issue 7: <= 1 s end to end),
and its ratio to the same reads written as plain SQL and run by the `sqlite3` shell.

    .venv/bin/python bench/due.py [--children 5000] [--runs 7] [--db PATH]

The SQL file holds the queries `cintui due` issues (children in view, their current
episode, last seen visit, held meetings, consents (and those with parental responsibility,
whose consent a child without a valid one needs), the plan and supervision actions with a
date, the short breaks' and direct payments' reviews, the agreement visits owed after a
review, the plans with no positive change (WIR 2.3) and the young people turning 18's
circumstances (WAR 4.2)), verbatim from `cintui.caseload` / `cintui.due`: the shell reads
what cintui reads (until 7 December 2026 it left out the last four, ~45 ms of ~175, so the
ratios printed before then are ~1.3x too high); cintui then also
works out every working-day deadline in Python and writes the JSON. Whole processes are
timed (start-up included), paired A/B so drift cancels out (`_timing.py`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import plain_demo_store  # noqa: E402
from _timing import compiled, report  # noqa: E402

TODAY = date(2026, 11, 23)


def plain_sql(until: str) -> str:
    from cintui.casework import caseload, due, lookup

    ids = caseload.ids_sql("everyone")
    queries = [
        lookup.POLICY_SQL,
        caseload._CHILDREN.format(view="1 = 1"),
        caseload._EPISODES.format(ids=ids),
        caseload._VISITS.format(ids=ids),
        caseload._MEETINGS.format(ids=ids),
        caseload._CONSENTS.format(ids=ids),
        # WAR 4.2: whose consent is needed, asked when a child in view has none valid
        caseload._PARENTS.format(ids=ids),
        due.ACTIONS_SQL.format(ids=ids).replace(":until", f"'{until}'"),
        due.SUPERVISION_ACTIONS_SQL.format(ids=ids).replace(":until", f"'{until}'"),
        due.PACKAGES_SQL.format(ids=ids).replace(":until", f"'{until}'"),  # WAR 7.2.1
        due.AGREEMENTS_SQL.format(ids=ids).replace(":until", f"'{until}'"),  # TRA
        lookup.OPEN_WORRIES.format(ids=ids),  # WIR 2.3
        lookup.LATEST_CHANGE.format(ids=ids),
        # WAR 4.2: asked only when someone in view turns 18, as in every demo of this size
        due.ADULT_CARE_SQL.format(ids=ids),
    ]
    return ";\n".join(q.strip() for q in queries) + ";\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing plain demo store to reuse")
    args = parser.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("the sqlite3 shell is needed for the ratio (Debian: apt install sqlite3)")
    compiled(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or plain_demo_store(Path(tmp), args.children, TODAY, seed=7)
        sql = Path(tmp) / "due.sql"
        sql.write_text(plain_sql("2026-12-13"))
        cintui = Path(sys.executable).with_name("cintui")
        a = f"exec {cintui} due --json --db {db} --today {TODAY}"
        b = f"exec sqlite3 {db} < {sql}"
        print(f"store: {db} ({args.children} children)")
        report("cintui due --json (A) vs the same reads in the sqlite3 shell (B)", a, b,
               args.runs)


if __name__ == "__main__":
    main()
