"""Benchmark: the visit form (issue 4: open <= 100 ms; typing never stutters while the draft
saves), headless, on a demo store.

    .venv/bin/python bench/visit_form.py [--children 5000] [--runs 10] [--encrypted]

1. Open: from the child's record, `app.open_visit(child)` -> the first frame of the form
   (frames timed at the app's `_display`, as bench/child_open.py does).
2. Typing: a paragraph typed one key every 60 ms (a fast typist) into "Child's welfare";
   per key, key sent -> the next frame, with the draft saving about once a second in its
   thread, then the same with saving switched off. Also the time of each draft write (one
   committed transaction, WAL + synchronous=FULL) on the saver's thread.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from _demo import plain_demo_store  # bench/_demo.py (run as bench/<name>.py)

TEXT = ("Tom was chatty and smiled when he talked about football at school. He showed me "
        "his new trainers and said home has been calmer since Mum started the course. ")


def ms(seconds: float) -> float:
    return seconds * 1000


def report(label: str, values: list[float]) -> None:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    print(f"{label}: median {statistics.median(values):.1f} ms, p95 {p95:.1f}, "
          f"max {values[-1]:.1f} (n={len(values)})")


def encrypted_demo_store(folder: Path, children: int) -> Path:
    import subprocess
    import sys

    os.environ["CINTUI_CONFIG_DIR"] = str(folder / "cfg")
    os.environ["CINTUI_PASSPHRASE"] = "benchmark passphrase"
    db = folder / "bench-secret.db"
    subprocess.run([sys.executable, "-m", "cintui", "demo", "--children", str(children),
                    "--db", str(db)], check=True)
    return db


async def measure(db: Path, runs: int, passphrase: str | None) -> None:
    from cintui.app import CintuiApp
    from cintui.casework import caseload
    from cintui.store import access
    from cintui.store.engine import open_store

    today = date.today()
    store = open_store(db, passphrase)
    with store.read() as session:
        ids = [c.id for c in caseload.list_children(session, today, open_only=True)][:runs]

    class Bench(CintuiApp):
        def on_mount(self, event) -> None:
            event.prevent_default()
            self.store = store

    app = Bench(access.StoreLocation(path=db), today=today)
    app.actor = "bench.worker"
    frames: list[tuple[float, object]] = []
    display = app._display

    def timed_display(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append((time.perf_counter(), screen))

    app._display = timed_display
    opened, writes = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        from cintui.app import _freeze_startup_objects

        _freeze_startup_objects()  # as the app does once its store is open
        for child_id in ids:
            app.open_child(child_id)
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            frames.clear()
            start = time.perf_counter()
            app.open_visit(child_id)
            form = app.screen_stack[-1]
            await pilot.pause(0.3)
            mine = [when for when, shown in frames if shown is form]
            assert mine, "the visit form never painted"
            opened.append(ms(mine[0] - start))
            app.pop_screen()
            await pilot.pause(0.1)
            app.pop_screen()
            await pilot.pause(0.1)
        print("each open, ms:", " ".join(f"{x:.0f}" for x in opened))
        report("open the visit form -> first frame (the first includes importing the form)",
               opened)

        for saving in (True, False):
            app.open_child(ids[0])
            await pilot.pause(0.3)
            app.open_visit(ids[0])
            await pilot.pause(0.3)
            form = app.screen
            write = form._write_draft

            def timed_write(content, write=write) -> None:
                start = time.perf_counter()
                write(content)
                writes.append(ms(time.perf_counter() - start))
                if os.environ.get("BENCH_TRACE"):
                    print(f"write at {start:.3f}: {writes[-1]:.1f} ms", flush=True)

            form.saver._write = timed_write
            if not saving:
                form.saver.submit = lambda _state: None
            form.query_one("#childs_welfare").focus()
            lags = []
            for ch in TEXT:
                frames.clear()
                start = time.perf_counter()
                await pilot.press("space" if ch == " " else ch)
                await asyncio.sleep(0.06)
                after = [when for when, _ in frames if when >= start]
                if after:
                    lags.append(ms(after[0] - start))
                    if os.environ.get("BENCH_TRACE") and lags[-1] > 50:
                        print(f"slow key {len(lags)} ({ch!r}): {lags[-1]:.0f} ms, "
                              f"gc counts {__import__('gc').get_count()}", flush=True)
            report(f"typing, key -> next frame, draft saving {'ON' if saving else 'OFF'}",
                   lags)
            form.action_close()
            await pilot.pause(0.2)
            app.pop_screen()
            await pilot.pause(0.2)
        report("draft write on the saver's thread (one committed transaction)", writes)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--encrypted", action="store_true")
    parser.add_argument("--db", type=Path, help="an existing plain demo store (a copy is used)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            import shutil

            db, passphrase = Path(tmp) / "bench.db", None
            shutil.copy(args.db, db)
            os.environ["CINTUI_CONFIG_DIR"] = str(Path(tmp) / "cfg")
        elif args.encrypted:
            db = encrypted_demo_store(Path(tmp), args.children)
            passphrase = os.environ["CINTUI_PASSPHRASE"]
        else:
            db, passphrase = plain_demo_store(Path(tmp), args.children), None
        print(f"{args.children} children, {'encrypted' if args.encrypted else 'plain'} store")
        asyncio.run(measure(db, args.runs, passphrase))


if __name__ == "__main__":
    main()
