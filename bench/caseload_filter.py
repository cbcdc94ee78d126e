"""Benchmark: the caseload on a 5,000-child demo store (issue 3: filter keystroke <= 50 ms).

    .venv/bin/python bench/caseload_filter.py [--children 5000] [--runs 7] [--db PATH]

1. `load_caseload`, "everyone" view, through the first-paint reader: median of --runs.
2. The real app headless (`App.run_test`, 120x40): "everyone" view, then a filter typed one
   key at a time (letters, backspaces, letters). Per keystroke: the screen's handler (filter
   + sort + hand the rows to the table), and key sent -> the next frame rendered (the
   compositor's update handed to the headless driver, after the handler ran). Medians, ms.
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

TODAY = date(2026, 11, 23)  # fixed, so runs compare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing plain demo store to reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CINTUI_CONFIG_DIR"] = str(Path(tmp) / "cfg")
        db = args.db
        if db is None:
            db = Path(tmp) / "bench.db"
            subprocess.run([sys.executable, "-m", "cintui", "demo", "--children",
                            str(args.children), "--db", str(db), "--no-encrypt", "--seed", "7",
                            "--today", TODAY.isoformat()], check=True)
        load(db, args.runs)
        asyncio.run(keystrokes(db))


def ms(seconds: float) -> float:
    return seconds * 1000


def report(what: str, times: list[float]) -> None:
    print(f"{what}: median {statistics.median(times):.1f} ms "
          f"(min {min(times):.1f}, max {max(times):.1f}, n={len(times)})")


def load(db: Path, runs: int) -> None:
    from cintui.casework import caseload
    from cintui.store import fast

    reader = fast.open_reader(db, None)
    policy = caseload.store_policy(reader)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        rows = caseload.load_caseload(reader, TODAY, view="everyone", policy=policy)
        times.append(ms(time.perf_counter() - start))
    reader.close()
    report(f"load_caseload everyone ({len(rows)} open children)", times)


async def keystrokes(db: Path) -> None:
    from cintui.app import CintuiApp
    from cintui.store import access

    app = CintuiApp(access.StoreLocation(path=db), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        while type(app.screen).__name__ != "CaseloadScreen":
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.press("3")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#children")
        total = table.row_count
        handled: list[tuple[float, float]] = []  # (start, end) of each filter refresh
        frames: list[float] = []  # each time the app hands a frame to the (headless) terminal
        refresh, display = screen._refresh_table, app._display

        def timed_refresh() -> None:
            start = time.perf_counter()
            refresh()
            handled.append((start, time.perf_counter()))

        def timed_display(screen_, renderable) -> None:
            display(screen_, renderable)
            if renderable is not None:
                frames.append(time.perf_counter())

        screen._refresh_table, app._display = timed_refresh, timed_display
        # A worker's surname narrows slowly (hundreds of rows per letter); back out letter by
        # letter; then a child's surname and reference, which narrow to one row.
        middle = table.rows[len(table.rows) // 2]
        worker = middle.worker.split()[-1].lower()[:7]
        child = middle.name.split()[-1].lower()[:5]
        keys = [*worker, *["backspace"] * len(worker), *child, "space", *middle.reference[:5]]
        await pilot.press("slash")
        to_frame, shown = [], []
        for key in keys:
            before = len(handled)
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause(0.05)  # let the next frame go out
            if len(handled) > before:
                done = handled[-1][1]
                frame = next((f for f in frames if f >= done), None)
                if frame is not None:
                    to_frame.append(ms(frame - start))
            shown.append(table.row_count)
    print(f"filter over {total} rows, keys {' '.join(keys)}\n  -> rows {shown}")
    report("filter keystroke: handler (filter + sort + hand rows to the table)",
           [ms(end - start) for start, end in handled])
    report("filter keystroke: key sent -> next frame rendered", to_frame)


if __name__ == "__main__":
    main()
