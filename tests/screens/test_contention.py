"""Contention (issue "Trust", Done when): the visit form under another process's write lock
held as long as a long import holds it (30 s and more) loses nothing. The typed text stays
in the form, the form says the draft is NOT SAVED YET because the store is busy, Esc offers
to wait rather than close, saving is retried by itself for as long as the lock is held, and
once it goes the draft holds every word, the words typed while waiting too.

A 30-second lock without a 30-second test: each save waits for the lock for a store's busy
timeout (5 s) and then retries on the saver's schedule (0.5, 1, 2, 4, 4 ... s), so 30 s of
lock is about 5 failed saves. Here the wait and the schedule are shortened and the lock is
held through more failed saves than 30 s would give (and more typing between them)."""

from __future__ import annotations

import subprocess
import sys

from cintui.casework import drafts
from cintui.store import engine
from tests.pipes import line_within
from tests.screens.test_child import text_of
from tests.screens.test_shell import settle, type_text
from tests.screens.test_visit import SIZE, VisitHost, drafts_of, open_form

# Failed saves a 30-second lock gives: 5 s of waiting each, then 0.5, 1, 2, 4, 4 s apart.
FAILURES_IN_30_SECONDS = 5

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # the write lock, as another cintui's long import holds it
print("HELD", flush=True)
sys.stdin.readline()  # until told to let go
conn.rollback()
print("RELEASED", flush=True)
"""


async def test_a_long_write_lock_by_another_process_loses_nothing_typed(
        sqlite_demo_store, monkeypatch):
    from cintui.screens import visit as visit_screen

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(drafts.DraftSaver, "RETRY_SECONDS", (0.05, 0.1))
    failures: list[str] = []
    original = visit_screen.VisitFormScreen._write_failed

    def counted(self, exc):
        failures.append(str(exc))
        original(self, exc)

    monkeypatch.setattr(visit_screen.VisitFormScreen, "_write_failed", counted)
    # `with` closes its pipes when it ends (left open, the garbage collector found them later:
    # a ResourceWarning in another test, or at the worker's end).
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(sqlite_demo_store)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as holder:
        try:
            assert line_within(holder, waiting_for="HELD").strip() == "HELD"
            app = VisitHost(sqlite_demo_store)
            async with app.run_test(size=SIZE) as pilot:
                await open_form(pilot)
                await pilot.press("y", "y", "y")
                await type_text(pilot, "Planned visit")
                words = ["Planned visit"]
                rounds = 0
                while len(failures) < 3 * FAILURES_IN_30_SECONDS and rounds < 400:
                    await pilot.pause(0.1)
                    rounds += 1
                    if rounds % 10 == 0 and len(words) < 6:  # typing on while it waits
                        await type_text(pilot, f" w{len(words)}")
                        words.append(f"w{len(words)}")
                assert len(failures) >= 3 * FAILURES_IN_30_SECONDS, failures
                assert all("busy" in f for f in failures), failures[:2]
                status = text_of(app.screen, "#saved")
                assert "NOT SAVED YET" in status and "busy" in status
                assert drafts_of(sqlite_demo_store) == []  # nothing could be written yet
                await pilot.press("escape")  # closing is not allowed to drop the text
                await pilot.pause(0.5)
                assert type(app.screen).__name__ == "ConfirmScreen"
                assert "Not saved yet" in text_of(app.screen, "#confirm-message")
                await pilot.press("n")  # keep waiting
                await pilot.pause()
                assert type(app.screen).__name__ == "VisitFormScreen"
                holder.stdin.write("\n")  # the import ends
                holder.stdin.flush()
                assert line_within(holder, waiting_for="RELEASED").strip() == "RELEASED"
                for _ in range(100):
                    await pilot.pause(0.1)
                    if "Draft saved" in text_of(app.screen, "#saved"):
                        break
                assert "Draft saved" in text_of(app.screen, "#saved")
                await pilot.press("escape")
                await settle(pilot)
                assert type(app.screen).__name__ != "VisitFormScreen"
        finally:
            if holder.poll() is None:
                holder.kill()
            holder.wait(timeout=30)
    purposes = [d["purpose"] for d in drafts_of(sqlite_demo_store)]
    assert purposes == [" ".join(words)]
