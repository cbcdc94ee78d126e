"""Benchmark: `cintui report performance` and `cintui report compliance` on a 5,000-child
demo store (issue 7: `report performance` <= 1 s end to end).

    .venv/bin/python bench/reports.py [--children 5000] [--runs 7] [--db PATH]

Whole processes are timed (start-up included, `_timing.py`): each report as JSON over the
financial year to date, and the performance report for one team. Quote the medians. The
compliance report also judges every plan in force with the plan checks (jargon search over
each need and action), which is most of its time.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import plain_demo_store  # noqa: E402
from _timing import report  # noqa: E402

TODAY = date(2026, 11, 23)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing plain demo store to reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or plain_demo_store(Path(tmp), args.children, TODAY, seed=7)
        conn = sqlite3.connect(db)
        (team,) = conn.execute("SELECT name FROM team ORDER BY name LIMIT 1").fetchone()
        (children,) = conn.execute("SELECT count(*) FROM child").fetchone()
        conn.close()
        cintui = Path(sys.executable).with_name("cintui")
        print(f"store: {db} ({children} children)")
        for label, extra in (("report performance --json", ["performance", "--json"]),
                             ("report performance --team --json",
                              ["performance", "--team", team, "--json"]),
                             ("report compliance --json", ["compliance", "--json"])):
            report(f"cintui {label}", f"{cintui} report {' '.join(extra)} --db {db} "
                   f"--today {TODAY.isoformat()}", runs=args.runs)


if __name__ == "__main__":
    main()
