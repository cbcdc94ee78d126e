"""Benchmark: keys a recording task takes in the real app (issue "Half the keys").

    .venv/bin/python bench/keys.py

Drives three journeys headless through Textual's pilot, by keys only (never by moving the
focus in code), and counts the *overhead* keys: every key that is not a character of the
words themselves. Each journey ends by checking that the same work was done and the same
checks passed, so a shorter path cannot cheat:

1. The issue's standard home visit, from the caseload: child seen, seen alone, bedroom
   seen, a sentence under each of WIR 2.11's six headings (the one under "Progress of the
   CIN plan" in its first box, health), finalised; and again with a sentence in each of
   the form's 8 boxes (no target: seven moves between them are the floor).
2. A review meeting minuted from the child's meetings list: everyone present, an update
   under each Amber, all rated as before, decisions, finished.
3. A plan change from the child's record: a new need with an action, one Amber to
   Green, the plan agreed.

Targets (the issue): visit (six headings) <= 10, review <= 40 for 5 Ambers and 6 people, plan change <= 15.
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


async def home_visit(db: Path, worker: str, six_headings: bool = False) -> Keys:
    """From the caseload (the first child highlighted) to a finalised visit: a sentence in
    each of the form's 8 boxes, or (`six_headings`) under each of WIR 2.11's six headings,
    the one under "Progress of the CIN plan" in its first box (health), Ctrl+N on to the
    analysis."""
    from cintui.domain.visit import TEXT_FIELDS, heading_from

    fields = list(TEXT_FIELDS)
    if six_headings:
        fields = ["purpose"]
        while (after := heading_from(fields[-1])) is not None:
            fields.append(after)
    app = app_on(db, worker)
    async with app.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await keys.settle()
        assert keys.screen() == "CaseloadScreen", keys.screen()
        child_id = app.screen.selected_child_id
        await keys.press("v")
        assert keys.screen() == "VisitFormScreen"
        await visit_facts(keys)
        for i, name in enumerate(fields):
            if i:  # Tab to the next box; Ctrl+N past the boxes left under a heading
                tab_next = TEXT_FIELDS[TEXT_FIELDS.index(fields[i - 1]) + 1]
                await keys.press("tab" if tab_next == name else "ctrl+n")
            assert keys.focused() == name, (name, keys.focused())
            await keys.type(SENTENCE)
        await keys.press("ctrl+f")
        assert keys.screen() == "ConfirmScreen", app.screen.query_one("#status-line").render()
        await keys.press("y")
        assert keys.screen() != "VisitFormScreen"
    check_visit(db, child_id, fields)
    return keys


async def visit_facts(keys: Keys) -> None:
    """Child seen, seen alone, bedroom seen: the shortest way the form offers ("a" on
    "Child seen" is seen and seen alone at once)."""
    form = keys.pilot.app.screen
    order = ["child_seen", "seen_alone", "bedroom_seen"]
    assert keys.focused() == "child_seen", keys.focused()  # the facts first
    await keys.press("a")
    assert keys.focused() == "bedroom_seen", keys.focused()
    await keys.press("y")
    assert all(form.query_one(f"#{name}").value for name in order)


def check_visit(db: Path, child_id, fields: list[str]) -> None:
    from cintui.casework import visits
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with store.read() as session:
            latest = visits.summaries(session, child_id)[0]
            content = visits.load_visit(session, latest.id).content
    finally:
        store.close()
    assert latest.child_seen and latest.seen_alone and latest.bedroom_seen, latest
    assert latest.visited_at.date() == TODAY, latest
    assert {name for name in fields if content.text(name) == SENTENCE} == set(fields)


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


REVIEW_CHILD = "DEMO00002"  # Maisie Garside in the demo (seed 7): an agreed plan
REVIEW_PEOPLE = (("Kerry Garside", "Mother"), ("Dean Garside", "Father"),
                 ("Ms Patel", "School DSL"), ("Jo Bloggs", "Family support worker"),
                 ("Sam Hart", "Health visitor"), ("Lee Ames", "Housing officer"))


def book_review(db: Path, worker: str) -> tuple[object, int]:
    """Maisie's plan with 5 Ambers (3 added to her 2) agreed, and a review today at 16:00
    with 6 people invited: the set-up the journey starts from (not counted)."""
    from dataclasses import replace

    from cintui.casework import cases, meetings, plans
    from cintui.domain.meeting import Invitee, Schedule
    from cintui.domain.plan import Need
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with store.session(worker) as session:
            child_id = cases.find_child(session, REVIEW_CHILD).id
            vid = plans.start_version(session, child_id, TODAY, by=worker)
            v = plans.load_version(session, vid)
            extra = [Need(now=f"Worry {i}: bedtimes are late", outcome="In bed by 8.30",
                          rag="A") for i in range(5 - sum(n.rag == "A" for n in v.needs))]
            plans.save_draft(session, vid, replace(v, needs=(*v.needs, *extra)), TODAY,
                             by=worker)
            plans.agree_version(session, vid, TODAY, agreed_by="Tom Reid, team manager")
            ambers = sum(n.rag in "AR" for n in plans.load_version(session, vid).needs)
            meeting_id = meetings.schedule(session, child_id, Schedule(
                "review", datetime(2026, 11, 23, 16, 0), venue="Family home",
                chair="Poppy Jessop", chair_role="Senior practitioner",
                invitees=tuple(Invitee(n, r) for n, r in REVIEW_PEOPLE),
                not_invited_reason="bench: the people the bench minutes"),  # BEX 3
                now=datetime(2026, 11, 23, 9, 0))
    finally:
        store.close()
    return meeting_id, ambers


async def review_meeting(db: Path, worker: str) -> Keys:
    """From the caseload: find Maisie, her meetings, minute the review: everyone present,
    ground rules, an update and its impact under each Amber (all stay Amber), the child's
    and parents' views, still in need, continue the plan, finished."""
    meeting_id, ambers = book_review(db, worker)
    app = app_on(db, worker)
    async with app.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await keys.settle()
        await keys.press("3")  # everyone's children: Maisie may be a colleague's
        await keys.press("slash")
        await keys.type("Maisie")
        await keys.press("enter")
        if keys.screen() == "CaseloadScreen":
            await keys.press("enter")
        assert keys.screen() == "ChildScreen", keys.screen()
        await keys.press("6")
        table = app.screen.query_one("#meetings-table")
        while table.ordered_rows[table.cursor_row].key.value != str(meeting_id):
            await keys.press("down")
        await keys.press("enter")
        assert keys.screen() == "MinutingScreen", keys.screen()
        screen = app.screen
        await review_attendance(keys, screen)
        await keys.press("ctrl+n")
        await keys.type("One at a time, phones off")
        for _ in range(ambers):
            await keys.press("ctrl+n")
            assert keys.focused() == "update"
            await keys.type("Going to plan")
            await keys.press("tab")
            assert keys.focused() == "impact", keys.focused()
            await keys.type("Calmer at home")
        await keys.press("ctrl+n")  # the three boxes: nothing new
        await keys.press("ctrl+n")
        assert keys.focused() == "childs_views"
        await keys.type("I like my school")
        await keys.press("tab")
        await keys.type("Things are better")
        await keys.press("ctrl+n")
        assert keys.focused() == "still_in_need"
        await keys.press("y")
        while keys.focused() != "recommendation":
            await keys.press("tab")
        if screen.query_one("#recommendation").value != "continue":
            await keys.press("1")
        await keys.press("ctrl+f")
        assert keys.screen() == "ConfirmScreen", str(screen.query_one("#problems").render())
        await keys.press("y")
        assert keys.screen() == "ChildScreen", keys.screen()
    check_review(db, meeting_id, ambers)
    return keys


async def review_attendance(keys: Keys, screen) -> None:
    table = screen.query_one("#attendance-table")
    if any(b.action == "all_present" for b in screen.BINDINGS):
        await keys.press("a")
        return
    for i in range(table.row_count):
        if i:
            await keys.press("down")
        await keys.press("space")


def check_review(db: Path, meeting_id, ambers: int) -> None:
    from cintui.casework import meetings
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with store.read() as session:
            detail = meetings.load_meeting(session, meeting_id)
    finally:
        store.close()
    m = detail.minutes
    assert detail.status == "held", detail.status
    assert [p.attendance for p in m.attendance] == ["present"] * len(REVIEW_PEOPLE)
    assert len(m.items) == ambers and all(i.update and i.impact for i in m.items)
    assert m.decisions.still_in_need is True and m.decisions.recommendation == "continue"


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cintui-keys-") as folder:
        os.environ["CINTUI_DATA_DIR"] = str(Path(folder) / "data")
        db = plain_demo_store(Path(folder), 40, TODAY, seed=7)
        worker = first_worker(db)
        results = [("home visit, 6 headings", await home_visit(db, worker, True), 10),
                   ("home visit, 8 boxes", await home_visit(db, worker), None),
                   ("plan change", await plan_change(db, worker), 15),
                   ("review meeting", await review_meeting(db, worker), 40)]
    print(f"{'journey':<24}{'overhead keys':>14}{'target':>8}{'typed':>8}")
    for label, keys, target in results:
        print(f"{label:<24}{len(keys.overhead):>14}{target or '·':>8}{keys.typed:>8}")
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
