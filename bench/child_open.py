"""Benchmark: opening a child's record (issue 3 target <= 100 ms), headless, on a demo store.

    .venv/bin/python bench/child_open.py [--children 5000] [--runs 15]

Times `record.load_record` (what the child screen loads, deadlines included), then the real
screen headless in `App.run_test` (120x40): from the push to the first frame the headless
terminal receives for the child screen (header and Summary, read before the first paint), and
to its last frame once the whole record has loaded. Frames are timed at the app's `_display`
(as bench/caseload_filter.py does), not with pilot pauses, which sleep in 20 ms steps.
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
            record.load_record(session, child_id, today)  # deadlines included
        loads.append((time.perf_counter() - start) * 1000)
    store.close()
    print(f"load_record (with deadlines): median {statistics.median(loads):.1f} ms "
          f"(min {min(loads):.1f}, max {max(loads):.1f}) over {len(loads)} children")

    app = CintuiApp(access.StoreLocation(path=db), today=today)
    frames: list[tuple[float, object]] = []  # (when, screen) of each frame sent to the terminal
    display = app._display

    def timed_display(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append((time.perf_counter(), screen))

    app._display = timed_display
    first, full, tabs = [], [], {}
    async with app.run_test(size=(120, 40)) as pilot:
        while type(app.screen).__name__ != "CaseloadScreen":
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        for child_id in ids:
            frames.clear()
            start = time.perf_counter()
            app.open_child(child_id)
            screen = app.screen_stack[-1]
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            mine = [when for when, shown in frames if shown is screen]
            filled = screen.record is not None
            assert mine and filled, "the child screen never painted its record"
            first.append((mine[0] - start) * 1000)
            full.append((mine[-1] - start) * 1000)
            for key, tab in (("2", "people"), ("7", "chronology")):  # built on first showing
                frames.clear()
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause(0.2)
                assert screen.active_tab == tab
                tabs.setdefault(tab, []).append((frames[0][0] - start) * 1000)
            app.pop_screen()
            await pilot.pause(0.3)
    print(f"open child screen -> first frame (header and Summary): median "
          f"{statistics.median(first):.1f} ms (min {min(first):.1f}, max {max(first):.1f})")
    print(f"open child screen -> last frame (whole record loaded): median "
          f"{statistics.median(full):.1f} ms (min {min(full):.1f}, max {max(full):.1f})")
    for tab, times in tabs.items():
        print(f"first showing of the {tab} tab (key -> frame): median "
              f"{statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f})")


if __name__ == "__main__":
    main()
