"""Benchmark: `cintui export census --year 2026` on a 5,000-child demo store (synthetic
people), end to end, and its ratio to the same two reads run by the `sqlite3` shell.

    .venv/bin/python bench/census_export.py [--children 5000] [--runs 7] [--db PATH]

The SQL file holds the queries `cintui.census` issues (the episodes open in the year and
their children), verbatim; cintui then also applies every DfE validation rule and writes
the XML. Whole processes are timed (start-up included, `_timing.py`), paired A/B so
drift cancels out. The export exits 1 when it leaves a child out; the bench ignores that.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import plain_demo_store  # noqa: E402
from _timing import report  # noqa: E402

TODAY = date(2026, 11, 23)
YEAR = 2026


def plain_sql(year: int) -> str:
    from cintui.casework import census

    period = census.census_period(year)
    queries = [census._EPISODES, census._CHILDREN]
    text = ";\n".join(q.strip() for q in queries) + ";\n"
    return text.replace(":start", f"'{period.start}'").replace(":end", f"'{period.end}'")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing plain demo store to reuse")
    args = parser.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("the sqlite3 shell is needed for the ratio (Debian: apt install sqlite3)")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or plain_demo_store(Path(tmp), args.children, TODAY, seed=7)
        sql = Path(tmp) / "census.sql"
        sql.write_text(plain_sql(YEAR))
        out = Path(tmp) / "cin.xml"
        cintui = Path(sys.executable).with_name("cintui")
        a = f"{cintui} export census --year {YEAR} -o {out} --db {db} --today {TODAY}; exit 0"
        b = f"exec sqlite3 {db} < {sql}"
        print(f"store: {db} ({args.children} children)")
        report(f"cintui export census --year {YEAR} (A) vs its queries in sqlite3 (B)", a, b,
               args.runs)
        summary = subprocess.run([str(cintui), "export", "census", "--year", str(YEAR), "-o",
                                  str(out), "--db", str(db), "--today", str(TODAY), "--json"],
                                 capture_output=True, text=True)
        print(summary.stdout[:400])


if __name__ == "__main__":
    main()
