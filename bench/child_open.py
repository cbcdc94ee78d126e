"""Benchmark: opening a child's record (issue 3 target <= 100 ms), headless, on a demo store.

    .venv/bin/python bench/child_open.py [--children 5000] [--runs 15]

Times `record.load_record` + the deadlines (what the child screen loads), and the whole
screen (push -> header and Summary filled) in `App.run_test`; prints medians in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        os.environ["CINTUI_CONFIG_DIR"] = str(Path(tmp) / "cfg")
        subprocess.run([sys.executable, "-m", "cintui", "demo", "--children",
                        str(args.children), "--db", str(db), "--no-encrypt"], check=True)
        asyncio.run(measure(db, args.runs))


async def measure(db: Path, runs: int) -> None:
    from cintui import access, casework, record
    from cintui.app import CintuiApp
    from cintui.store.engine import open_store

    store = open_store(db, None)
    today = date.today()
    with store.read() as session:
        ids = [c.id for c in casework.list_children(session, today, open_only=True)][:runs]
    loads = []
    for child_id in ids:
        start = time.perf_counter()
        with store.read() as session:
            record.load_record(session, child_id, today)
            casework.child_deadlines(session, record.get_child(session, child_id), today)
        loads.append((time.perf_counter() - start) * 1000)
    store.close()
    print(f"load_record + deadlines: median {statistics.median(loads):.1f} ms "
          f"(min {min(loads):.1f}, max {max(loads):.1f}) over {len(loads)} children")

    app = CintuiApp(access.StoreLocation(path=db), today=today)
    screens = []
    async with app.run_test(size=(120, 40)) as pilot:
        while type(app.screen).__name__ != "CaseloadScreen":
            await pilot.pause(0.05)
        for child_id in ids:
            start = time.perf_counter()
            app.open_child(child_id)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screens.append((time.perf_counter() - start) * 1000)
            app.pop_screen()
            await pilot.pause()
    print(f"open child screen (push -> filled): median {statistics.median(screens):.1f} ms "
          f"(min {min(screens):.1f}, max {max(screens):.1f})")


if __name__ == "__main__":
    main()
