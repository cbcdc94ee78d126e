"""Benchmark: opening a child's record (issue 3 target <= 100 ms), headless, on a demo store.

    .venv/bin/python bench/child_open.py [--children 5000] [--runs 15]

Times `record.load_record` (what the child screen loads, deadlines included), then the real
screen headless in `App.run_test` (120x40): from the push to the first frame the headless
terminal receives for the child screen (header and Summary, read before the first paint), and
to its last frame once the whole record has loaded. Frames are timed at the app's `_display`
(as bench/caseload_filter.py does), not with pilot pauses, which sleep in 20 ms steps.
Then, if tmux is installed, in a real terminal: Enter on a caseload row -> the Summary on
screen, polling the pane (as ../shared/tools/tui_first_paint.py does for launch).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _demo import plain_demo_store  # bench/_demo.py (run as bench/<name>.py)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = plain_demo_store(Path(tmp), args.children)
        asyncio.run(measure(db, args.runs))
        if shutil.which("tmux"):
            in_terminal(db, Path(tmp) / "cfg", args.runs)


def in_terminal(db: Path, cfg: Path, runs: int) -> None:
    """The same in a real terminal: the app in a tmux pane on the demo worker's caseload;
    Enter on a row, then poll the pane until the child's Summary shows; Escape; next row."""
    name = f"bench-child-{os.getpid()}"
    cintui = str(Path(sys.executable).parent / "cintui")
    env = f"env TERM=xterm-256color CINTUI_CONFIG_DIR={cfg}"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                    f"{env} {cintui} --db {db}"], check=True)

    def pane() -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", name],
                              capture_output=True, text=True).stdout

    def wait_for(pattern: str, timeout: float = 20) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if re.search(pattern, pane()):
                return time.perf_counter()
            time.sleep(0.002)
        raise SystemExit(f"never showed {pattern!r}:\n{pane()}")

    try:
        wait_for(r"DEMO\d{5}")
        time.sleep(1.5)  # the full store opens in the background after the first paint
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(["tmux", "send-keys", "-t", name, "Enter"], check=True)
            times.append((wait_for(r"Next due \(timescale") - start) * 1000)
            subprocess.run(["tmux", "send-keys", "-t", name, "Escape"], check=True)
            wait_for(r"My caseload")
            subprocess.run(["tmux", "send-keys", "-t", name, "Down"], check=True)
            time.sleep(0.3)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    print(f"real terminal (tmux 120x40): Enter on the caseload -> Summary on screen: median "
          f"{statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}, "
          f"n={len(times)}; includes ~2-5 ms per pane poll)")


async def measure(db: Path, runs: int) -> None:
    from cintui.app import CintuiApp
    from cintui.casework import caseload, record
    from cintui.store import access
    from cintui.store.engine import open_store

    store = open_store(db, None)
    today = date.today()
    with store.read() as session:
        ids = [c.id for c in caseload.list_children(session, today, open_only=True)][:runs]
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
