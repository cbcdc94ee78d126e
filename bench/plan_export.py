"""Benchmark: batch export of every plan in a 5,000-child demo store (issue 5 target:
>= 50 plans/s for DOCX and for PDF on this 2-core machine).

    .venv/bin/python bench/plan_export.py [--children 5000] [--db PATH]

Runs the real command, `cintui export plans --all --format F -o DIR`, once per format
(store reads, plan checks, and the files written in a process per core) and prints plans
per second; then the renderer alone, in one process, on the first 200 plans.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _demo import plain_demo_store  # bench/_demo.py (run as bench/<name>.py)

TODAY = date(2026, 11, 23)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--db", type=Path, help="an existing plain demo store to reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CINTUI_CONFIG_DIR"] = str(Path(tmp) / "cfg")
        db = args.db or plain_demo_store(Path(tmp), args.children, TODAY)
        for fmt in ("pdf", "docx"):
            out = Path(tmp) / fmt
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "cintui", "export", "plans", "--all",
                            "--format", fmt, "-o", str(out), "--db", str(db), "--today",
                            TODAY.isoformat()], check=True)
            seconds = time.perf_counter() - start
            count = len(list(out.iterdir()))
            print(f"export plans --all --format {fmt}: {count} plans in {seconds:.1f} s = "
                  f"{count / seconds:.0f} plans/s")
        renderer(db)


def renderer(db: Path) -> None:
    from cintui import plans
    from cintui.export import plan as plan_export
    from cintui.store.engine import open_store

    store = open_store(db, None)
    with store.read() as session:
        docs = [plans.plan_document(session, child_id, TODAY)
                for child_id in plans.children_with_plans(session)[:200]]
    store.close()
    for fmt in ("pdf", "docx", "md", "json"):
        plan_export.render(docs[0], fmt)
        start = time.perf_counter()
        for doc in docs:
            plan_export.render(doc, fmt)
        print(f"render {fmt}, one process: {len(docs) / (time.perf_counter() - start):.0f} "
              "plans/s")


if __name__ == "__main__":
    main()
