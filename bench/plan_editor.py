"""Benchmark: the plan editor opening a 15-need plan (issue 5 target <= 150 ms).

    .venv/bin/python bench/plan_editor.py [--children 5000] [--runs 15]

On a demo store, one child's plan is given a draft of 15 needs (2 actions each, varied
ratings); then the real app headless (`App.run_test`, 140x45) pushes the plan editor and
times push -> the first frame the headless terminal receives for it (the app's `_display`,
as bench/child_open.py does), and the same with the plan checks alone.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from _demo import plain_demo_store  # bench/_demo.py (run as bench/<name>.py)

TODAY = date(2026, 11, 23)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = plain_demo_store(Path(tmp), args.children, TODAY)
        child_id = fifteen_needs(db)
        asyncio.run(measure(db, child_id, args.runs))


def fifteen_needs(db: Path):
    from cintui.casework import caseload, plans
    from cintui.domain.plan import Need, PlanAction
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with store.read() as session:
            child_id = next(c.id for c in caseload.list_children(session, TODAY, open_only=True)
                            if plans.versions(session, c.id)
                            and plans.ended(session, c.id) is None)  # WIR 3: not re-opened
        with store.session("bench") as session:
            vid = plans.start_version(session, child_id, TODAY)
            draft = plans.load_version(session, vid)
            needs = tuple(
                Need(now=f"Need {i}: attendance is {80 + i}% this half term, down from 94%.",
                     outcome=f"Attendance of at least 95% by {TODAY + timedelta(days=60):%d %B}.",
                     rag="AG"[i % 2], evidence=f"Register: {80 + i}%.",
                     rag_history=(),
                     actions=(PlanAction("Walk to school each morning", "Mum",
                                         TODAY + timedelta(days=20)),
                              PlanAction("Weekly attendance figures", "School DSL",
                                         TODAY + timedelta(days=30), "in_progress")))
                for i in range(15))
            # A brand-new Green need is allowed (no previous rating to move from).
            plans.save_draft(session, vid, replace(draft, needs=needs), TODAY, by="bench")
    finally:
        store.close()
    return child_id


async def measure(db: Path, child_id, runs: int) -> None:
    from cintui.app import CintuiApp
    from cintui.casework import lookup, plans
    from cintui.store import access
    from cintui.store.engine import open_store

    store = open_store(db, None)
    with store.read() as session:
        version = plans.load_version(session, plans.draft_version_id(session, child_id))
    checks = []
    for _ in range(runs):
        start = time.perf_counter()
        found = lookup.check_plan(version, TODAY)
        checks.append((time.perf_counter() - start) * 1000)
    store.close()
    print(f"plan checks on {len(version.needs)} needs: median {statistics.median(checks):.2f} ms "
          f"({len(found)} problems)")

    app = CintuiApp(access.StoreLocation(path=db), today=TODAY)
    frames: list = []
    display = app._display

    def timed_display(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append((time.perf_counter(), screen))

    app._display = timed_display
    opened = []
    async with app.run_test(size=(140, 45)) as pilot:
        while type(app.screen).__name__ != "CaseloadScreen":
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        for _ in range(runs):
            frames.clear()
            start = time.perf_counter()
            app.push_screen(app.make_screen("plan", child_id=child_id))
            screen = app.screen_stack[-1]
            await pilot.pause(0.3)
            mine = [when for when, shown in frames if shown is screen]
            assert mine and len(screen.version.needs) == 15
            opened.append((mine[0] - start) * 1000)
            app.pop_screen()
            await pilot.pause(0.2)
    print(f"plan editor, 15 needs: push -> first frame: median {statistics.median(opened):.1f} ms "
          f"(min {min(opened):.1f}, max {max(opened):.1f}, n={len(opened)})")


if __name__ == "__main__":
    main()
