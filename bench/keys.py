"""Benchmark: keys a recording task takes in the real app (issue "Half the keys").

    .venv/bin/python bench/keys.py

Drives three journeys headless through Textual's pilot, by keys only (never by moving the
focus in code), and counts the *overhead* keys: every key that is not a character of the
words themselves. Each journey ends by checking that the same work was done and the same
checks passed, so a shorter path cannot cheat:

1. A standard home visit, from the caseload: child seen, seen alone, bedroom seen, a
   sentence under each of the 8 WIR 2.11 headings, finalised.
2. A review meeting minuted from the child's meetings list: everyone present, an update
   under each Amber, all rated as before, decisions, finished.
3. A plan change from the child's record: a new need with an action, one Amber to
   Green, the plan agreed.

Targets (the issue): visit <= 10, review <= 40 for 5 Ambers and 6 people, plan change <= 15.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _demo import plain_demo_store  # noqa: E402  bench/_demo.py

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 0)
SIZE = (120, 40)
SENTENCE = "Calm and chatty."


@dataclass
class Keys:
    """A pilot that counts: `press` for overhead keys, `type` for the words."""

    pilot: object
    overhead: list[str] = field(default_factory=list)
    typed: int = 0

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.pilot.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def press(self, *keys: str) -> None:
        self.overhead.extend(keys)
        for key in keys:
            await self.pilot.press(key)
            await self.settle()

    async def type(self, text: str) -> None:
        self.typed += len(text)
        await self.pilot.press(*[("space" if ch == " " else ch) for ch in text])
        await self.settle()

    def screen(self) -> str:
        return type(self.pilot.app.screen).__name__

    def focused(self) -> str:
        widget = self.pilot.app.focused
        return widget.id or type(widget).__name__ if widget else ""


def app_on(db: Path, worker: str):
    from cintui.app import CintuiApp
    from cintui.store import access

    return CintuiApp(access.StoreLocation(path=db), today=TODAY, worker=worker, now=NOW)


async def home_visit(db: Path, worker: str) -> Keys:
    """From the caseload (the first child highlighted) to a finalised visit."""
    from cintui.domain.visit import HEADINGS

    app = app_on(db, worker)
    async with app.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await keys.settle()
        assert keys.screen() == "CaseloadScreen", keys.screen()
        child_id = app.screen.selected_child_id
        await keys.press("v")
        assert keys.screen() == "VisitFormScreen"
        await visit_facts(keys)
        for i, heading in enumerate(HEADINGS):
            if i:
                await keys.press("tab")
            assert keys.focused() == heading.field, (heading.field, keys.focused())
            await keys.type(SENTENCE)
        await keys.press("ctrl+f")
        assert keys.screen() == "ConfirmScreen", app.screen.query_one("#status-line").render()
        await keys.press("y")
        assert keys.screen() != "VisitFormScreen"
    check_visit(db, child_id)
    return keys


async def visit_facts(keys: Keys) -> None:
    """Child seen, seen alone, bedroom seen: the shortest way the form offers."""
    form = keys.pilot.app.screen
    order = ["child_seen", "seen_alone", "bedroom_seen"]
    if keys.focused() == "child_seen":  # the facts first, each its own key
        for name in order:
            assert keys.focused() == name, (name, keys.focused())
            await keys.press("y")
    else:  # the first heading first: back up to the facts, answer, return
        while keys.focused() != "bedroom_seen":
            await keys.press("shift+tab")
        await keys.press("y")
        while keys.focused() != "child_seen":
            await keys.press("shift+tab")
        await keys.press("y", "tab", "y")
        while keys.focused() != "purpose":
            await keys.press("tab")
    assert all(form.query_one(f"#{name}").value for name in order)


def check_visit(db: Path, child_id) -> None:
    from cintui.casework import visits
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with store.read() as session:
            latest = visits.summaries(session, child_id)[0]
    finally:
        store.close()
    assert latest.child_seen and latest.seen_alone and latest.bedroom_seen, latest
    assert latest.visited_at.date() == TODAY, latest


async def plan_change(db: Path, worker: str) -> Keys:
    """From the caseload (the first child highlighted): the first Amber need to Green, a new
    need with one action, the plan agreed (`p` opens the plan from the caseload)."""
    app = app_on(db, worker)
    async with app.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await keys.settle()
        child_id = app.screen.selected_child_id
        await keys.press("p")
        assert keys.screen() == "PlanScreen"
        before = app.screen.version
        amber_key = next(n.key for n in before.needs if n.rag == "A")
        assert keys.screen() == "PlanScreen", keys.screen()
        plan = app.screen
        while plan.version.needs[plan._current()].key != amber_key:
            await keys.press("down")
        await keys.press("r")
        assert keys.screen() == "RateFormScreen"
        await keys.press("g")
        while keys.focused() != "maintained_for":
            await keys.press("tab")
        await keys.type("8 weeks")
        await keys.press("tab")
        await keys.type("Mum and school")
        await keys.press("ctrl+s")
        assert keys.screen() == "PlanScreen", keys.screen()
        await keys.press("a")
        assert keys.screen() == "NeedFormScreen"
        await keys.type("Maisie is often late for school")
        await keys.press("tab")
        await keys.type("Maisie is in class by 8.50 every day")
        await keys.press("tab")  # the new need's first action, on the same form
        assert keys.focused() == "action_what", keys.focused()
        await keys.type("Walk Maisie to school")
        await keys.press("tab")
        await keys.type("Mum")
        await keys.press("tab")
        await keys.type("18/12")
        await keys.press("ctrl+s")
        assert keys.screen() == "PlanScreen", keys.screen()
        await keys.press("g")
        assert keys.screen() == "AgreeFormScreen"
        if keys.focused() == "agreed_at" and not app.screen.text_of("agreed_at"):
            await keys.type("Home visit with Mum")
        await keys.press("ctrl+s")
        assert keys.screen() == "PlanScreen", keys.screen()
    check_plan(db, child_id, before, amber_key)
    return keys


def check_plan(db: Path, child_id, before, amber_key) -> None:
    from cintui.casework import plans
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with store.read() as session:
            plan = plans.current_plan(session, child_id)
    finally:
        store.close()
    assert plan.number == before.number + 1 and plan.agreed_on == TODAY, plan
    new = plan.needs[-1]
    assert new.now == "Maisie is often late for school" and new.rag == "A"
    assert [(a.what, a.who) for a in new.actions] == [("Walk Maisie to school", "Mum")]
    rated = next(n for n in plan.needs if n.key == amber_key)
    assert rated.rag == "G" and rated.rag_history[-1].maintained_for == "8 weeks"


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cintui-keys-") as folder:
        os.environ["CINTUI_DATA_DIR"] = str(Path(folder) / "data")
        db = plain_demo_store(Path(folder), 40, TODAY, seed=7)
        worker = first_worker(db)
        results = [("home visit", await home_visit(db, worker), 10),
                   ("plan change", await plan_change(db, worker), 15)]
    print(f"{'journey':<16}{'overhead keys':>14}{'target':>8}{'typed':>8}")
    for label, keys, target in results:
        print(f"{label:<16}{len(keys.overhead):>14}{target:>8}{keys.typed:>8}")
        print(f"  {' '.join(keys.overhead)}")


def first_worker(db: Path) -> str:
    from cintui.casework import cases
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with store.read() as session:
            workers = [w for w in cases.list_workers(session) if w.open_children]
    finally:
        store.close()
    return workers[0].username


if __name__ == "__main__":
    asyncio.run(main())
