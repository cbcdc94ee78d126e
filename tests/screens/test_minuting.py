"""Chairing and minuting a CIN review live, by keyboard (issue 6): attendance, each Amber in
turn, a re-rating to Green, a new concern and an agreed action promoted into the plan,
decisions; the minutes autosave and a crash resumes where it stopped.

Synthetic people only: the demo store (seed 7), fixed clock 23 Nov 2026 16:05.
"""

from __future__ import annotations

import json
import os
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Input, Select, SelectionList, TextArea

from cintui.casework import cases, meetings, plans
from cintui.domain.meeting import Decisions, Schedule
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.conftest import TODAY
from tests.screens.test_child import ChildHost, read, text_of
from tests.screens.test_shell import post_burst, press_to, settle, type_text, until, words

SIZE = (120, 40)
CHILD = "DEMO00002"  # Maisie Garside, 12: an agreed plan with two Ambers and their actions
NOW = datetime(2026, 11, 23, 16, 5)


def book(path, child: str = CHILD, kind: str = "review") -> object:
    """A CIN meeting of `kind` booked for 23 Nov 2026 at 16:00, everyone on the child's
    People invited but the child (BEX 3: she asked mum to speak for her)."""
    store = open_store(path, None)
    try:
        with store.read() as session:
            child_id = cases.find_child(session, child).id
            invitees = tuple(meetings.invitee_choices(session, child_id))
        with store.session("test.worker") as session:
            return meetings.schedule(session, child_id, Schedule(
                kind, datetime(2026, 11, 23, 16, 0), venue="Family home",
                chair="Poppy Jessop", chair_role="Senior practitioner", invitees=invitees,
                not_invited_reason="Chloe asked mum to speak for her"),  # BEX 3
                now=datetime(2026, 11, 23, 9, 0))
    finally:
        store.close()


class MeetingHost(ChildHost):
    def __init__(self, path, child: str = CHILD) -> None:
        super().__init__(path, child)
        self._now = NOW


async def open_minuting(pilot, meeting_id) -> None:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    table = pilot.app.screen.query_one("#meetings-table", DataTable)
    keys = [r.key.value for r in table.ordered_rows]
    table.move_cursor(row=keys.index(str(meeting_id)))
    await pilot.press("enter")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "MinutingScreen")
    assert type(pilot.app.screen).__name__ == "MinutingScreen"


@asynccontextmanager
async def begun(path, step: str | None = None, size: tuple[int, int] = SIZE, **run):
    """The meeting booked and its minutes begun (`prepare`), the minuting screen open (on
    `step`'s panel if given): yields the app, the pilot and the meeting's id. `run` goes to
    `run_test` (notifications=True: toasts drawn)."""
    meeting_id = book(path)
    prepare(path, meeting_id)
    app = MeetingHost(path)
    async with app.run_test(size=size, **run) as pilot:
        await open_minuting(pilot, meeting_id)
        if step:
            await to_step(pilot, step)
        yield app, pilot, meeting_id


async def to_step(pilot, panel: str) -> None:
    """Ctrl+N to the first step showing `panel` ("boxes": the three boxes)."""
    steps = pilot.app.screen.steps
    await pilot.press(*["ctrl+n"] * next(i for i, (p, _) in enumerate(steps) if p == panel))


async def asked_to_end(pilot) -> str:
    """Ctrl+F: the question "End the meeting?" asks, on one line."""
    await pilot.press("ctrl+f")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmScreen")
    return " ".join(text_of(pilot.app.screen, "#confirm-message").split())


async def write(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await type_text(pilot, text)
    await pilot.pause()


@pytest.mark.slow
async def test_a_whole_review_by_keyboard_updates_the_plan(demo_store):
    """WIR 2.6 agenda: attendance; ground rules; each Amber in turn with its update and the
    impact on the child; one re-rated Amber → Green (maintained 8 weeks, WIR 2.4); a new
    concern becomes a new Amber and an agreed action an action with owner and date;
    decisions (BEX 3). The meeting produces the next plan version, agreed at it."""
    meeting_id = book(demo_store)
    before = read(demo_store, lambda s: plans.current_plan(
        s, cases.find_child(s, CHILD).id))
    ambers = [n for n in before.needs if n.rag in "AR"]
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        people = screen.minutes.attendance
        table = screen.query_one("#attendance-table", DataTable)
        table.focus()
        for i in range(len(people)):
            table.move_cursor(row=i)
            # present; the father (first) sends apologies without a report: 3 presses
            await pilot.press(*(["space"] * (3 if i == 0 else 1)))
        await write(pilot, "#add-person", "Jo Bloggs, Family support worker")
        await pilot.press("enter")
        await pilot.press("ctrl+n")
        await type_text(pilot, "One at a time")
        await pilot.press("ctrl+n")
        assert "Amber 1" in text_of(screen, "#bar")
        await type_text(pilot, "Attendance 97 percent for 8 weeks")
        await write(pilot, "#impact", "Maisie is keeping up in class")
        screen.query_one("#item-actions", DataTable).focus()
        await pilot.press("space")  # in progress → done
        screen.query_one("#rag_after").focus()
        await pilot.press("g")  # one key per rating: u unchanged, r, a, g
        await write(pilot, "#maintained_for", "8 weeks")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Arguments less often")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Maisie started at a new club")
        await write(pilot, "#new_concerns", "Dad has lost his job -> Rent and bills are paid")
        await write(pilot, "#agreed_actions",  # the form the box's hint shows
                    "Citizens Advice appointment ; Dad ; by 14/03/2027")
        assert text_of(screen, "#agreed-check") == (
            "✓ line 1: Citizens Advice appointment — Dad — by Sun 14 Mar 2027")
        await pilot.press("ctrl+n")
        await type_text(pilot, "I want to stay at my school")
        await pilot.press("ctrl+n")
        await pilot.press("y")  # still in need: y or n
        screen.query_one("#recommendation").focus()
        await pilot.press("1")  # 1 Continue the CIN plan
        assert screen.query_one("#next_review", Input).value == "23/02/2027"  # 3 months
        screen.query_one("#decision_notes").focus()
        # The last words, Ctrl+F and y in one burst, every key queued before the first is
        # handled: the words are read by Ctrl+F, and the y answers its question (it was once
        # typed into the notes while the question waited).
        burst = [("space" if ch == " " else ch, ch) for ch in "Agreed by all"]
        for key, character in [*burst, ("ctrl+f", None), ("y", "y")]:
            app.post_message(events.Key(key, character))
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen", text_of(screen, "#problems")
    def after(session):
        child_id = cases.find_child(session, CHILD).id
        return plans.current_plan(session, child_id), meetings.load_meeting(session, meeting_id)
    plan, detail = read(demo_store, after)
    assert plan.number == before.number + 1
    assert plan.agreed_at == "CIN review meeting 23 Nov 2026"
    rated = next(n for n in plan.needs if n.key == ambers[0].key)
    assert rated.rag == "G" and rated.rag_history[-1].maintained_for == "8 weeks"
    assert rated.actions[0].status == "done"
    concern = plan.needs[-1]
    assert (concern.now, concern.outcome, concern.rag) == (
        "Dad has lost his job", "Rent and bills are paid", "A")
    assert [(a.what, a.who, a.by_when) for a in concern.actions] == [
        ("Citizens Advice appointment", "Dad", date(2027, 3, 14))]
    m = detail.minutes
    assert detail.status == "held" and m.decisions.still_in_need is True
    assert m.items[0].update == "Attendance 97 percent for 8 weeks"
    assert m.items[0].impact == "Maisie is keeping up in class"
    assert m.items[1].update == "Arguments less often"
    assert m.childs_views == "I want to stay at my school"
    assert m.decisions.notes == "Agreed by all"
    assert m.attendance[0].attendance == "apologies"
    assert m.attendance[-1].name == "Jo Bloggs" and m.attendance[-1].added_on_the_day
    assert plan.next_review == date(2027, 2, 23)


async def test_finishing_with_gaps_is_refused_with_what_to_settle(demo_store):
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        await press_to(pilot, "ctrl+f", screen="MinutingScreen")
        assert type(app.screen).__name__ == "MinutingScreen"
        problems = text_of(app.screen, "#problems")
        assert "tick who is present" in problems
    assert read(demo_store, lambda s: meetings.load_meeting(s, meeting_id).status) == "scheduled"


def prepare(path, meeting_id, **changes) -> None:
    """Minutes begun before the screen opens (as after a pause): everyone present, the
    decisions made, and `changes`."""
    store = open_store(path, None)
    try:
        with store.session("test.worker") as session:
            draft = meetings.start_minutes(session, meeting_id, "test.worker", NOW)
            m = draft.minutes
            m = replace(m, attendance=tuple(replace(p, attendance="present")
                                            for p in m.attendance),
                        decisions=Decisions(True, date(2027, 2, 23), "continue"), **changes)
            meetings.save_minutes(session, draft.id, m)
    finally:
        store.close()


async def test_agreed_actions_take_the_hints_form_and_the_forms_councils_write(demo_store):
    """WIR 2.6: what ; who ; by when, as the hint shows it ("by 18/12/2026") and as councils
    write it ("by Fri", "18/12", "18-Dec-2026"), read from the day of the meeting (Monday
    23 November 2026); "end of term" is refused on the spot with the reason, and Ctrl+F puts
    the cursor on that line with every problem listed."""
    async with begun(demo_store, "boxes") as (app, pilot, _):
        screen = app.screen
        await write(pilot, "#agreed_actions", "Citizens Advice appointment ; Dad ; by Fri")
        await pilot.press("enter")
        await type_text(pilot, "Dentist check ; Mum ; 18/12")
        await pilot.press("enter")
        await type_text(pilot, "School meeting ; Ann Lee ; 18-Dec-2026")
        await pilot.press("enter")
        await type_text(pilot, "Tidy bedroom ; Maisie ; end of term")
        await pilot.pause()
        assert text_of(screen, "#agreed-check").splitlines() == [
            "✓ line 1: Citizens Advice appointment — Dad — by Fri 27 Nov 2026",
            "✓ line 2: Dentist check — Mum — by Fri 18 Dec 2026",
            "✓ line 3: School meeting — Ann Lee — by Fri 18 Dec 2026",
            "⚠ line 4: “end of term” is not a date: write the day, e.g. 18/12/2026, 18/12, "
            "18 Dec or Fri"]
        screen.query_one("#childs_views", TextArea).focus()  # the cursor elsewhere
        await press_to(pilot, "ctrl+f", screen="MinutingScreen")
        assert type(app.screen).__name__ == "MinutingScreen"
        box = screen.query_one("#agreed_actions", TextArea)
        assert screen.focused is box and box.cursor_location == (3, 35)
        assert text_of(screen, "#problems").splitlines() == [
            "Not finished yet: 1 to settle",
            "• agreed action 4: “end of term” is not a date: write the day, e.g. 18/12/2026, "
            "18/12, 18 Dec or Fri"]
        await pilot.press(*["backspace"] * len("end of term"))
        await type_text(pilot, "by 18/12/2026")
        await press_to(pilot, "ctrl+f", screen="ConfirmScreen")
        assert type(app.screen).__name__ == "ConfirmScreen", text_of(screen, "#problems")
        await pilot.press("y")
        await settle(pilot)
    plan = read(demo_store, lambda s: plans.current_plan(s, cases.find_child(s, CHILD).id))
    by_when = {a.what: a.by_when for n in plan.needs for a in n.actions}
    assert [by_when[what] for what in ("Citizens Advice appointment", "Dentist check",
                                       "School meeting", "Tidy bedroom")] == [
        date(2026, 11, 27), date(2026, 12, 18), date(2026, 12, 18), date(2026, 12, 18)]


@pytest.mark.both_stores
async def test_ending_the_meeting_says_what_the_agreed_plan_would_still_fail(demo_store):
    """WIR 2.3, BEX 3, TRA: the plan agreed at the meeting is checked before it ends, while
    the family is in the room: a new concern with nothing to observe and no action is named
    in the question, n takes the cursor to where the first is settled (it stayed on the
    decisions, and where to settle it was for the chair to find), and what is settled is
    no longer named."""
    async with begun(demo_store, "boxes") as (app, pilot, meeting_id):
        screen = app.screen
        await write(pilot, "#new_concerns", "Dad has lost his job -> Things get better")
        await pilot.press("ctrl+n", "ctrl+n")  # on to the decisions, as a chair ends
        asked = await asked_to_end(pilot)
        assert "The plan would still fail" in asked
        assert "n goes to the first to settle here, the agreed actions, now" in asked
        assert "“Dad has lost his job” is Amber but has no action" in asked
        assert "the outcome “Things get better” has nothing to observe or count" in asked
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and app.focused.id == "agreed_actions"
        await type_text(pilot, "Citizens Advice appointment ; Dad ; by Fri")
        asked = await asked_to_end(pilot)
        assert "is Amber but has no action" not in asked
        assert "“Things get better” has nothing to observe" in asked
        assert "n goes to the first to settle here, new concern 1, now" in asked
        await pilot.press("n")  # the concern's line, the cursor at its end: the outcome
        await settle(pilot)
        concerns = screen.query_one("#new_concerns", TextArea)
        assert app.focused is concerns and concerns.cursor_location == (0, 41)
        await type_text(pilot, ": rent paid each month for 3 months")
        asked = await asked_to_end(pilot)
        assert "has nothing to observe" not in asked
        await press_to(pilot, "y", screen="ChildScreen")
    assert read(demo_store, lambda s: meetings.load_meeting(s, meeting_id).status) == "held"


async def test_two_new_concerns_each_get_their_own_action_by_for_wir_2_6(demo_store):
    """WIR 2.6: each new concern becomes an Amber with its action. Every agreed action went
    under the first new concern, so a second (rent arrears beside dad's job) was agreed as
    an Amber with no action. "; for rent" puts it under that concern, and the line under
    the box says where it goes (or, naming no need, why not, as it is typed)."""
    async with begun(demo_store, "boxes") as (app, pilot, meeting_id):
        screen = app.screen
        await write(pilot, "#new_concerns", "Dad has lost his job -> Dad in work by June")
        await pilot.press("enter")
        await type_text(pilot, "Rent arrears of 600 pounds -> Arrears cleared by May")
        await write(pilot, "#agreed_actions", "Citizens Advice ; Dad ; by 14/03/2027")
        await pilot.press("enter")
        await type_text(pilot, "Housing advice ; Mum ; by 18/12/2026 ; for rnet")
        await pilot.pause()
        assert text_of(screen, "#agreed-check").splitlines()[1] == (
            "⚠ line 2: no new concern or Amber on the agenda says “rnet”: name one by a word "
            "of it, or as 'concern 2'")
        for _ in "net":
            await pilot.press("backspace")
        await type_text(pilot, "ent")
        assert text_of(screen, "#agreed-check").splitlines() == [
            "✓ line 1: Citizens Advice — Dad — by Sun 14 Mar 2027",
            "✓ line 2: Housing advice — Mum — by Fri 18 Dec 2026 — for “Rent arrears of 600 "
            "pounds”"]
        await to_step(pilot, "decisions")
        await pilot.press("y")
        asked = await asked_to_end(pilot)
        assert "has no action" not in asked
        await press_to(pilot, "y", screen="ChildScreen")
    plan = read(demo_store, lambda s: plans.current_plan(s, cases.find_child(s, CHILD).id))
    assert [(n.now, [a.what for a in n.actions]) for n in plan.needs[-2:]] == [
        ("Dad has lost his job", ["Citizens Advice"]),
        ("Rent arrears of 600 pounds", ["Housing advice"])]


async def test_an_amber_typed_in_one_burst_puts_each_part_in_its_box(demo_store):
    """WIR 2.6: the update, Tab, the impact on the child, as one burst of keys (a fast typist,
    or keys over a slow link), every key queued before the first is handled: the words after
    Tab go to the impact, not on the end of the update (Tab once moved only once the update
    box got to it)."""
    async with begun(demo_store) as (app, pilot, _):
        screen = app.screen
        await pilot.press("ctrl+n", "ctrl+n")
        assert app.focused.id == "update"
        burst = [*[(ch, ch) for ch in "Better"], ("tab", "\t"), *[(ch, ch) for ch in "Calmer"]]
        for key, character in burst:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert screen.query_one("#update", TextArea).text == "Better"
        assert screen.query_one("#impact", TextArea).text == "Calmer"


async def test_ctrl_f_lists_every_problem_and_puts_the_cursor_on_the_first(demo_store):
    """From the last step: the attendance step opens on the first person whose attendance
    is not said; every problem is listed, each with where it is."""
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        await pilot.press(*["ctrl+n"] * (len(screen.steps) - 1))
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert screen.steps[screen.step][0] == "attendance"
        assert screen.focused is screen.query_one("#attendance-table", DataTable)
        problems = text_of(screen, "#problems").splitlines()
        assert problems == [
            "Not finished yet: 4 to settle",
            "• attendance: tick who is present",
            "• attendance: say for everyone invited whether they came, sent apologies (with or "
            "without a report) or were absent",
            "• decisions: is the child still in need? (BEX 3)",
            "• decisions: choose the recommendation"]
        people = len(screen.minutes.attendance)
        for i in range(people):
            screen.query_one("#attendance-table", DataTable).move_cursor(row=i)
            await pilot.press("space")
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert screen.steps[screen.step][0] == "decisions"
        assert screen.focused is screen.query_one("#still_in_need")
        await pilot.press("n")  # (y would offer "continue": nothing left to settle)
        await pilot.pause(1.3)  # the list shrinks as things are settled
        assert text_of(screen, "#problems").splitlines() == [
            "Not finished yet: 1 to settle", "• decisions: choose the recommendation"]


async def test_rating_yes_no_and_recommendation_each_take_one_key(demo_store):
    """u r a g rate an Amber; y n say whether the child is still in need; 1 to 4 choose the
    recommendation; the keys show beside each choice. Nothing is preset: no Red before r."""
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        await pilot.press("ctrl+n", "ctrl+n")
        rating = screen.query_one("#rag_after")
        assert text_of(screen, "#rag_after #label") == "unchanged (u)"
        rating.focus()
        for key, value in (("r", "R"), ("a", "A"), ("g", "G"), ("u", "")):
            await pilot.press(key)
            assert rating.value == value
        await pilot.press("r")
        await pilot.press(*["ctrl+n"] * (len(screen.steps) - 3))
        await pilot.press("n")
        assert screen.query_one("#still_in_need").value == "no"
        assert text_of(screen, "#still_in_need #label") == "No (n)"
        screen.query_one("#recommendation").focus()
        await pilot.press("4")
        assert screen.query_one("#recommendation").value == "strategy_discussion"
        await pilot.press("ctrl+b")
    m = screen.minutes
    assert m.items[0].rag_after == "R" and m.decisions.still_in_need is False
    assert m.decisions.recommendation == "strategy_discussion"


async def test_a_marks_everyone_present_and_still_in_need_offers_continuing(demo_store):
    """The usual meeting in few keys (issue "Half the keys"): a on the attendance table
    marks everyone not yet marked present, Space then changes the one who sent apologies;
    y to "still in need" offers "Continue the CIN plan" as the recommendation, changed by
    its number, while n leaves the choice to the worker (BEX 3)."""
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        assert app.focused.id == "attendance-table"
        await pilot.press("a")
        await settle(pilot)
        assert {p.attendance for p in screen.minutes.attendance} == {"present"}
        await pilot.press("space")  # the first person: present -> apologies with a report
        await pilot.press("a")  # a again changes no one already marked
        await settle(pilot)
        marks = [p.attendance for p in screen.minutes.attendance]
        assert marks[0] != "present" and set(marks[1:]) == {"present"}
        await pilot.press(*["ctrl+n"] * (len(screen.steps) - 1))
        assert app.focused.id == "still_in_need"
        await pilot.press("n")
        await settle(pilot)
        assert screen.query_one("#recommendation").value is Select.NULL
        screen.query_one("#still_in_need").focus()
        await pilot.press("y")
        await settle(pilot)
        assert screen.query_one("#recommendation").value == "continue"
        assert app.focused.id == "recommendation"
        await pilot.press("2")
        assert screen.query_one("#recommendation").value == "step_down"


async def test_a_name_typed_on_the_attendance_table_adds_someone_who_came(demo_store):
    """WIR 2.6 introductions: "a", then the two who came on the spot typed straight away,
    as one burst. Their names went to the table as its keys before: every space changed
    the selected person's attendance and the names were lost. Now a letter no key of the
    table claims starts "someone else here", and the rest of the burst follows it."""
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        invited = [p.name for p in screen.minutes.attendance]
        assert app.focused.id == "attendance-table"
        post_burst(app, [("a", "a"), *words("Dan Rose, Dad"), ("enter", "\r"),
                         *words("Jo Smith, School DSL"), ("enter", "\r")])
        await settle(pilot)
        people = screen.minutes.attendance
        assert [p.name for p in people] == [*invited, "Dan Rose", "Jo Smith"]
        assert {p.attendance for p in people} == {"present"}  # no space reached the table
        assert [(p.role, p.added_on_the_day) for p in people[-2:]] == [
            ("Dad", True), ("School DSL", True)]
        assert app.focused.id == "add-person" and app.focused.value == ""
        await pilot.press("shift+tab", "a")  # back on the table its own keys still act
        await settle(pilot)
        assert app.focused.id == "attendance-table"
        assert len(screen.minutes.attendance) == len(people)
        # ↓ and Space at once: the second person's attendance changes (the Space, acting as
        # read, once came before the table had moved)
        table = screen.query_one("#attendance-table", DataTable)
        table.move_cursor(row=0)
        post_burst(app, [("down", None), ("space", " ")])
        await settle(pilot)
        assert [p.attendance for p in screen.minutes.attendance][:2] == [
            "present", "apologies_report"]


async def test_at_80_columns_an_actions_status_is_seen_as_space_changes_it(demo_store):
    """WIR 2.6, each Amber's action statuses: at 80x24 the status was the last of four
    columns, off the screen, and Space changed what no one could see."""
    from tests.screens.test_lock import shown

    async with begun(demo_store, "item", size=(80, 24)) as (app, pilot, _meeting):
        table = app.screen.query_one("#item-actions", DataTable)
        table.focus()
        await settle(pilot)
        assert "In progress" in shown(app) and "Done" not in shown(app)
        await pilot.press("space")
        await settle(pilot)
        assert "Done" in shown(app)


async def test_ctrl_n_in_a_burst_keeps_each_amber_and_box_its_own_words(demo_store):
    """WIR 2.6, each Amber in turn, then the three boxes, typed faster than the screen
    moves (keys arrive in bursts over tmux or SSH). Every Amber is shown in the same boxes:
    the words typed after Ctrl+N reached the step before, were overwritten by the next
    Amber, and only the last box kept anything. And Space on the actions, then Tab: the
    Space acted only after the Tab had moved on, and changed nothing."""
    async with begun(demo_store, "item", size=(80, 24)) as (app, pilot, _meeting):
        screen = app.screen
        screen.query_one("#impact").focus()
        await settle(pilot)
        first = screen.minutes.items[0]
        post_burst(app, [("tab", "\t"), ("space", " "), ("tab", "\t"), ("g", "g"),
                         ("tab", "\t"), *words("8 weeks"),
                         ("ctrl+n", None), *words("Arguments less often"),
                         ("ctrl+n", None), *words("Dad lost his job"), ("tab", "\t"),
                         *words("Dad out of work -> enough money for food and rent"),
                         ("tab", "\t"), *words("Citizens Advice ; Dad ; by 14/03/2027")])
        await settle(pilot)
        screen._collect()
        m = screen.minutes
        assert [(i.update, i.maintained_for) for i in m.items] == [
            ("", "8 weeks"), ("Arguments less often", "")]
        # Space on the actions, read before the Tab after it moved on: the next status
        statuses = dict(screen._item_actions(m.items[0]))
        before = dict(screen._item_actions(first))
        assert list(before.values()) == ["in_progress", "in_progress"]
        assert [statuses[k] for k in before] == ["done", "in_progress"]
        assert m.items[0].rag_after == "G"
        assert m.significant_events == "Dad lost his job"
        assert [(c.text, c.outcome) for c in m.new_concerns] == [
            ("Dad out of work", "enough money for food and rent")]
        assert [(a.what, a.who, a.by_when) for a in m.agreed_actions] == [
            ("Citizens Advice", "Dad", date(2027, 3, 14))]


async def test_back_to_an_amber_the_words_typed_go_after_what_it_says(demo_store):
    """WIR 2.6: the chair goes back to an Amber (Ctrl+B) to add what dad said after the
    next one was reached: the words go after the update already written. They went before
    its first word ("as wellSchool says ..."): each Amber was filled with its cursor at the
    start."""
    async with begun(demo_store, "item") as (app, pilot, _meeting):
        screen = app.screen
        await type_text(pilot, "School says much better")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Arguments less often")
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert app.focused.id == "update"
        await type_text(pilot, "; dad agrees")
        await settle(pilot)
        screen._collect()
        assert [i.update for i in screen.minutes.items] == [
            "School says much better; dad agrees", "Arguments less often"]


async def test_still_in_need_and_the_recommendation_typed_in_one_burst(demo_store):
    """BEX 3 decisions, "y 2" typed at once: y offers "Continue the CIN plan" and moves to
    the recommendation, whose 2 is then the step-down. The 2 once reached the yes/no box
    before the move and was lost: the minutes said continue. "n" moves on too: "n 3" once
    left the cursor on the question and lost the 3."""
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        await to_step(pilot, "decisions")
        assert app.focused.id == "still_in_need"
        post_burst(app, [("y", "y"), ("2", "2")])
        await settle(pilot)
        assert screen.query_one("#still_in_need").value == "yes"
        assert screen.query_one("#recommendation").value == "step_down"
        # "n 3": no longer in need, and the cursor on to the recommendation: close.
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused.id == "still_in_need"
        post_burst(app, [("n", "n"), ("3", "3")])
        await settle(pilot)
        assert screen.query_one("#still_in_need").value == "no"
        assert screen.query_one("#recommendation").value == "close"


async def test_a_meeting_booked_for_another_day_asks_when_it_is_held(demo_store):
    """Booked for 6 January 2027, minuted on 23 November 2026: cintui asks, defaulting to
    now; a time still to come is refused; the minutes and then the meetings list say when it
    was really held, not the booked time."""
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            child_id = cases.find_child(session, CHILD).id
        with store.session("test.worker") as session:
            meeting_id = meetings.schedule(session, child_id, Schedule(
                "review", datetime(2027, 1, 6, 16, 0), venue="Family home",
                chair="Poppy Jessop", chair_role="Senior practitioner",
                not_invited_reason="A professionals' review: the family are visited after"),
                now=datetime(2026, 11, 23, 9, 0))
    finally:
        store.close()
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one("#meetings-table", DataTable)
        table.move_cursor(row=[r.key.value for r in table.ordered_rows].index(str(meeting_id)))
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "HeldWhenFormScreen"
        assert "booked for Wed 6 Jan 2027 at 16:00, not today" in text_of(form, "#form-title")
        assert form.query_one("#held_at", Input).value == "23/11/2026 16:05"
        form.query_one("#held_at", Input).value = "06/01/2027 16:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "still to come" in text_of(form, "#held_at-error")
        form.query_one("#held_at", Input).value = "23/11/2026 16:05"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "MinutingScreen"
        assert screen.minutes.held_on == date(2026, 11, 23)
        await pilot.press("escape")  # pause: reopening does not ask again
        await settle(pilot)
        await press_to(pilot, "enter", screen="MinutingScreen")
        assert type(app.screen).__name__ == "MinutingScreen"
        await pilot.press("escape")
        await settle(pilot)
    draft = read(demo_store, lambda s: meetings.minutes_drafts(s, child_id))[0]
    assert (draft.minutes.held_on, draft.minutes.started_at, draft.minutes.booked_for) == (
        date(2026, 11, 23), datetime(2026, 11, 23, 16, 5), datetime(2027, 1, 6, 16, 0))


async def test_escape_pauses_with_every_word_and_the_key_after_it_acts_on_the_record(
        demo_store):
    """Esc pauses the meeting with the minutes saved as typed. Typed in one burst ("…rules
    Esc 5"), the key after Esc opens the record's Visits tab and never reaches the minutes;
    on an open list Esc closes the list first."""
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        recommendation = screen.query_one("#recommendation", Select)
        recommendation.expanded = True
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and not recommendation.expanded
        await pilot.press("ctrl+n")
        await settle(pilot)
        screen.query_one("#ground_rules", TextArea).focus()
        burst = [("space", " ") if ch == " " else (ch, ch) for ch in "One at a time"]
        for key, character in [*burst, ("escape", None), ("5", "5")]:
            app.post_message(events.Key(key, character))  # all queued before the first
        await until(pilot, lambda: getattr(app.screen, "active_tab", "") == "visits")
        assert getattr(app.screen, "active_tab", "") == "visits"
    child_id = read(demo_store, lambda s: cases.find_child(s, CHILD).id)
    draft = read(demo_store, lambda s: meetings.minutes_drafts(s, child_id))[0]
    assert draft.minutes.ground_rules == "One at a time"


CRASH_SCRIPT = """
import asyncio, sys
from datetime import datetime
from pathlib import Path
from tests.screens.test_minuting import MeetingHost, open_minuting
from tests.screens.test_shell import settle, type_text, until
import uuid

async def main():
    app = MeetingHost(sys.argv[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await open_minuting(pilot, uuid.UUID(sys.argv[2]))
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        await type_text(pilot, "School says much better")
        print("TYPED", flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""


@pytest.mark.both_stores
@pytest.mark.slow
async def test_a_crash_mid_meeting_resumes_where_it_stopped(demo_store, tmp_path):
    """Nothing lost: an update is typed at the first Amber in a real process; once the
    store holds it (the minutes saved as typed, never told to save), the process is killed
    (SIGKILL) mid-item; reopening the meeting resumes at the same Amber with the words
    typed."""
    from tests.crashing import kill_after_typing

    meeting_id = book(demo_store)
    child_id = read(demo_store, lambda s: cases.find_child(s, CHILD).id)

    def at_amber_1(session):  # the step after attendance and ground rules, and its words
        return [(d.minutes.step, d.minutes.items[0].update)
                for d in meetings.minutes_drafts(session, child_id)
                if d.meeting_id == meeting_id and d.minutes.items]

    typed = [(2, "School says much better")]
    kill_after_typing(CRASH_SCRIPT, demo_store, tmp_path,
                      lambda session: at_amber_1(session) == typed, meeting_id)
    assert read(demo_store, at_amber_1) == typed
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        assert "Amber 1" in text_of(screen, "#bar")
        assert screen.query_one("#update", TextArea).text == "School says much better"
        assert "Resumed" in text_of(screen, "#saved")


async def test_new_concerns_are_on_the_agenda_as_they_are_typed_wir_2_6(demo_store):
    """WIR 2.6: a concern raised in the room is on the agenda the chair reads, under the step
    it is raised in, as it is typed, and is still there on the steps after it. The agenda
    listed only the plan's Ambers and Reds, so a new concern was on no list (80x24: the
    laptop the chair projects from)."""
    async with begun(demo_store, "boxes", size=(80, 24)) as (app, pilot, meeting_id):
        screen = app.screen
        agenda = lambda: [" ".join(line.split()) for line in  # noqa: E731
                          text_of(screen, "#agenda").splitlines()]
        assert not any(line.startswith("new A") for line in agenda())
        await write(pilot, "#new_concerns", "Dad has lost his job -> Dad in work by June")
        await pilot.press("enter")
        await type_text(pilot, "Rent arrears of 600 pounds -> Arrears cleared by May")
        await pilot.pause()
        lines = agenda()
        at = lines.index("▶ Events, concerns, actions")
        assert lines[at + 1:at + 3] == ["new A Dad has lost his job", "new A Rent arrears of 600"]
        await pilot.press("ctrl+n")
        lines = agenda()
        assert lines[lines.index("Events, concerns, actions") + 1] == \
            "new A Dad has lost his job"


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_a_long_notice_while_minuting_leaves_the_box_and_the_foot_in_view(
        demo_store, size):
    """Minuting live on a laptop's 80x24 and at 120x40 (WIR 2.6, toasts drawn): a notice of
    six lines comes up while the worker writes an Amber's update (high on the screen),
    then the agreed actions (low on it). Each time it shows in three lines, the third
    ending in "…", its whole text under the mouse, over neither the box written in nor its
    cursor, nor the line saying the minutes are saved, nor the keys (Ctrl+F finishes): at
    the bottom right, eight lines high, it sat over the box and the foot. The words typed
    go on into the box."""
    from textual.widgets import Footer

    from tests.screens.test_small_terminal import LONG_NOTICE, notices_over, the_long_notice

    async with begun(demo_store, size=size, notifications=True) as (app, pilot, _):
        screen = app.screen
        panels = [panel for panel, _index in screen.steps]
        for step, box, said in (
                ("item", "#update", "Dad has started the course and goes on Tuesdays. " * 3),
                ("boxes", "#agreed_actions", "Course certificate ; Dad ; by Fri; " * 3)):
            await pilot.press(*["ctrl+n"] * (panels.index(step) - screen.step))
            await settle(pilot)
            await write(pilot, box, said)
            app.notify(LONG_NOTICE, severity="warning", timeout=10)
            await settle(pilot)
            typed = screen.query_one(box, TextArea)
            assert app.focused is typed
            assert notices_over(app, box=typed, saved=screen.query_one("#saved"),
                                keys=screen.query_one(Footer)) == [], step
            notice = the_long_notice(app)
            assert notice is not None and str(notice.render()).endswith("…")
            assert notice.region.height == 3 and notice.tooltip == LONG_NOTICE
            assert not notice.region.contains(*typed.cursor_screen_offset)
            await pilot.press("x")  # what is typed goes where it was going
            assert typed.text == said + "x"
            app.clear_notifications()
            await settle(pilot)


@pytest.mark.parametrize("projecting", [False, True])
def test_the_minuting_screen_snapshot(demo_store, snap_compare, projecting):
    meeting_id = book(demo_store)

    async def run_before(pilot) -> None:
        await open_minuting(pilot, meeting_id)
        await pilot.press("ctrl+n", "ctrl+n")
        await type_text(pilot, "School says much better")
        if projecting:
            await pilot.press("ctrl+l")
        await pilot.pause(1.3)  # the autosave's timer has run: the saved line is stable
        pilot.app.screen.saver.flush()
        for area in pilot.app.screen.query(TextArea):  # a blinking cursor is not a change
            area.cursor_blink = False
        await settle(pilot)

    assert snap_compare(MeetingHost(demo_store), terminal_size=SIZE, run_before=run_before)


def test_the_minuting_screen_snapshot_at_80x24(demo_store, snap_compare):
    """A laptop terminal: the first item, attendance, is on screen with its table."""
    meeting_id = book(demo_store)

    async def run_before(pilot) -> None:
        await open_minuting(pilot, meeting_id)
        for area in pilot.app.screen.query(TextArea):  # a blinking cursor is not a change
            area.cursor_blink = False
        await settle(pilot)

    assert snap_compare(MeetingHost(demo_store), terminal_size=(80, 24), run_before=run_before)


# ---------------------------------------------------------------- booking and after


async def test_booking_a_meeting_warns_about_school_hours_and_lists_it(demo_store):
    """WIR 2.8: a school-age child's meeting outside school hours; a weekend said; WIR 2.3:
    the family and professionals from People are invited; the chair is named."""
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        before = app.screen.query_one("#meetings-table", DataTable).row_count
        await pilot.press("m")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ScheduleFormScreen"
        when = form.query_one("#when", Input)
        # Offered on the day the review is due (set at the last one), after school: it
        # offered today, 19 days after the last review (BEX 3).
        assert when.value == "11/02/2027 16:00"
        # "Final" chosen instead: offered as soon as it can be, not on the review's day;
        # back to a review, its day again. A time typed stays whatever the kind.
        form.query_one("#kind").value = "final"
        await pilot.pause()
        assert when.value == f"{form.soonest:%d/%m/%Y %H:%M}" != "11/02/2027 16:00"
        assert form.soonest.date() < date(2026, 12, 1)
        form.query_one("#kind").value = "review"
        await pilot.pause()
        assert when.value == "11/02/2027 16:00"
        when.value = "30/11/2026 14:00"
        await pilot.pause()
        assert "WIR 2.8" in text_of(form, "#form-info")
        when.value = "28/11/2026 16:00"  # a Saturday: said, never refused
        await pilot.pause()
        assert text_of(form, "#form-info").startswith(
            "⚠ Sat 28 Nov 2026 is a Saturday, not a working day: book it then only if")
        when.value = "30/11/2026 16:00"
        await write(pilot, "#venue", "Family home")
        await pilot.pause()
        # After school; but 19 days after the last review, which is said too (BEX 3), and
        # a review is already booked for the day it is due (WIR 2.9: move that one).
        assert text_of(form, "#form-info") == (
            "⚠ this review is 19 days after the CIN review meeting held on 11 Nov 2026; the "
            "next review is due by 11 Feb 2027. Book it early only after a significant "
            "change (BEX 3)\n⚠ a CIN review meeting is already booked for Thu 11 Feb 2027 at "
            "16:00: to move it, cancel and rebook that one (c on Meetings; `cintui meeting "
            "cancel MEETING --rebook-at`) rather than book a second (WIR 2.9)")
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        table = app.screen.query_one("#meetings-table", DataTable)
        assert table.row_count == before + 1
    def booked(session):
        child_id = cases.find_child(session, CHILD).id
        policy = cases.store_policy(session)
        row = next(r for r in meetings.list_meetings(session, child_id, policy)
                   if r.starts_at == datetime(2026, 11, 30, 16, 0))
        return meetings.load_meeting(session, row.id)
    detail = read(demo_store, booked)
    assert detail.schedule.venue == "Family home" and detail.schedule.chair
    assert any(p.is_parent for p in detail.schedule.invitees)


async def test_cancel_with_a_reason_and_rebook(demo_store):
    """WIR 2.9: cancelled with the reason kept and who was told (everyone invited: until
    each is ticked, the form says who is not, with the cursor on the list), and rebooked."""
    meeting_id = book(demo_store)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one("#meetings-table", DataTable)
        keys = [r.key.value for r in table.ordered_rows]
        table.move_cursor(row=keys.index(str(meeting_id)))
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, "Mum in hospital")
        await write(pilot, "#rebook", "25/12/2026 16:00")  # Christmas Day: said, not refused
        assert text_of(form, "#form-info").startswith(
            "⚠ Fri 25 Dec 2026 is a bank holiday (Christmas Day), not a working day")
        form.query_one("#rebook", Input).value = ""
        await write(pilot, "#rebook", "07/12/2026 16:00")
        assert text_of(form, "#form-info") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form is app.screen and form.focused is form.query_one("#told")
        assert text_of(form, "#told-error").startswith("WIR 2.9: record who was told")
        # Space ticks the first (the list highlights it as it takes the focus); a name
        # typed on the list is someone else told, never the list's keys
        await pilot.press("space")
        post_burst(app, words("Dr Khan (GP)"))
        await settle(pilot)
        assert form.query_one("#told", SelectionList).selected == [0]
        assert form.query_one("#told_others", Input).value == "Dr Khan (GP)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "WIR 2.9: tell everyone invited: not yet told" in text_of(form, "#told-error")
        form.query_one("#told", SelectionList).select_all()
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
    detail = read(demo_store, lambda s: meetings.load_meeting(s, meeting_id))
    assert (detail.status, detail.cancelled_reason) == ("cancelled", "Mum in hospital")
    row = read(demo_store, lambda s: next(
        r for r in meetings.list_meetings(s, cases.find_child(s, CHILD).id,
                                          cases.store_policy(s)) if r.id == meeting_id))
    assert list(row.cancel_told) == [i.name for i in detail.schedule.invitees] + [
        "Dr Khan (GP)"]


async def test_enter_on_a_held_meeting_reads_its_minutes_and_x_exports_them(demo_store):
    """The minutes as they will be circulated: attendance, each Amber's update beside the
    plan, the decisions, the parents to receive them (WIR 2.8), the updated plan; each
    Amber's actions as they stand even when the meeting did not touch them."""
    meeting_id = book(demo_store)
    before = read(demo_store, lambda s: plans.current_plan(s, cases.find_child(s, CHILD).id))
    store = open_store(demo_store, None)
    try:
        with store.session("test.worker") as session:
            draft = meetings.start_minutes(session, meeting_id, "test.worker", NOW)
            m = draft.minutes
            m = replace(m, attendance=tuple(replace(p, attendance="present" if i else "absent")
                                            for i, p in enumerate(m.attendance)),
                        items=(replace(m.items[0], update="Much better at school"),
                               *m.items[1:]),
                        decisions=Decisions(True, date(2027, 2, 23), "continue"))
            meetings.finish(session, meeting_id, m, actor="test.worker", now=NOW,
                            draft_id=draft.id)
    finally:
        store.close()
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one("#meetings-table", DataTable)
        keys = [r.key.value for r in table.ordered_rows]
        table.move_cursor(row=keys.index(str(meeting_id)))
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "MinutesViewScreen"
        for part in ("Much better at school", "Paul Garside", "Updated plan"):
            assert part in screen.markdown
        assert "No actions under this need" not in screen.markdown
        for need in (n for n in before.needs if n.rag in "AR"):
            for a in need.actions:
                assert f"- {a.what} — {a.who}, by " in screen.markdown, a.what
        await pilot.press("x")
        await settle(pilot)
    exports = Path(os.environ["CINTUI_DATA_DIR"]) / "exports"
    written = sorted(p.suffix for p in exports.glob("DEMO00002-minutes-*"))
    assert written == [".docx", ".pdf"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in exports.glob("DEMO00002-minutes-*"))


async def test_wir_2_3_the_decisions_step_says_when_the_plan_has_brought_no_change(demo_store):
    """WIR 2.3: "If a Child in Need Plan fails to bring about significant positive change
    ... the professionals involved should discuss convening a Child Protection Case
    Conference": said at the meeting's decisions, where they decide, for a demo child
    whose needs have not improved in six months; not for one whose have."""
    from cintui.casework import caseload, record

    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            stalled = [c for c in caseload.list_children(session, TODAY, open_only=True)
                       if record.no_change_prompt(session, c.id, TODAY)]
            invitees = {c.id: tuple(meetings.invitee_choices(session, c.id)) for c in stalled}
        meeting_id = None
        for c in stalled:
            try:
                with store.session("test.worker") as session:
                    meeting_id = meetings.schedule(session, c.id, Schedule(
                        "review", datetime(2026, 11, 23, 16, 0), venue="Family home",
                        chair="Poppy Jessop", chair_role="Senior practitioner",
                        invitees=invitees[c.id], not_invited_reason="n/a"),
                        now=datetime(2026, 11, 23, 9, 0))
                break
            except ValueError:
                continue  # no consent to a meeting, say: the next child
        assert meeting_id is not None, "no stalled demo child could have a review booked"
        with store.read() as session:
            reference = session.get(m.Child, c.id).reference
    finally:
        store.close()

    class Host(MeetingHost):
        def __init__(self, path) -> None:
            ChildHost.__init__(self, path, reference)
            self._now = NOW

    app = Host(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        screen = app.screen
        said = " ".join(text_of(screen, "#no-change").split())
        assert said.startswith("⚠ No need has improved since")
        assert "discuss convening a child protection conference" in said
        assert screen.query_one("#no-change").display
    booked = book(demo_store)
    app = MeetingHost(demo_store)  # DEMO00002: needs improving, nothing said
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, booked)
        assert not app.screen.query_one("#no-change").display


def new_child_booked(demo_store, cli, monkeypatch) -> tuple[str, object]:
    """A child added by the command line today, a mother with PR who consented to a
    meeting, and a review booked: (their reference, the meeting's id). No plan started."""
    db = ("--db", demo_store)
    monkeypatch.setenv("CINTUI_TODAY", TODAY.isoformat())
    assert cli("child", "add", "--first-name", "Nell", "--last-name", "Quill", "--dob",
               "2016-05-04", *db).code == 0
    reference = next(c["reference"] for c in json.loads(cli("child", "list", "--json",
                                                            *db).out)
                     if c["name"] == "Nell Quill")
    assert cli("person", "add", reference, "--name", "Rose Quill", "--relationship",
               "Mother", "--pr", "--lives-with", *db).code == 0
    assert cli("child", "consent", reference, "--person", "Rose", "--decision", "given",
               "--scope", "meeting", *db).code == 0
    return reference, book(demo_store, reference)


async def test_a_meeting_on_a_record_with_no_plan_says_so_before_it_ends(demo_store, cli,
                                                                         monkeypatch):
    """A review on a record with no plan (a case imported mid-plan, its plan still on
    paper), closing: the question before the meeting ends says there is no plan for it to
    update, where it said "the plan's next version is agreed at this meeting", and the
    notice after says the minutes are stored, not that a plan was agreed."""
    reference, meeting_id = new_child_booked(demo_store, cli, monkeypatch)
    app = MeetingHost(demo_store, reference)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        await pilot.press("a")  # everyone present
        await to_step(pilot, "decisions")
        post_burst(app, [("n", "n"), ("3", "3")])  # no longer in need: close
        await settle(pilot)
        question = await asked_to_end(pilot)
        assert "There is no plan on this record for the meeting to update" in question
        assert "next version" not in question
        await press_to(pilot, "y", screen="ChildScreen")
        assert any(str(n.message) == "Meeting finished: minutes stored (no plan to update)"
                   for n in app._notifications)
    assert read(demo_store, lambda s: s.get(m.Meeting, meeting_id).recommendation) == "close"


async def test_new_concerns_before_the_plan_is_started_stay_in_the_minutes_tra(
        demo_store, cli, monkeypatch):
    """TRA: the plan is authorised by the line manager before it is written. A meeting
    minuted for a child still at referral, with a new concern, said "the plan's next version
    is agreed at this meeting, with 1 new concern as an Amber" and wrote a first plan. Now
    the question says there is no plan to update, the concern stays in the minutes, and why
    (the step and its command); no plan is written."""
    reference, meeting_id = new_child_booked(demo_store, cli, monkeypatch)
    app = MeetingHost(demo_store, reference)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        await pilot.press("a")  # everyone present
        await to_step(pilot, "boxes")
        await write(pilot, "#new_concerns", "Dad has lost his job -> Dad in work by June")
        await write(pilot, "#agreed_actions", "Citizens Advice ; Dad ; by 14/03/2027")
        await to_step(pilot, "decisions")
        post_burst(app, [("n", "n"), ("3", "3")])  # no longer in need: close
        await settle(pilot)
        question = await asked_to_end(pilot)
        assert "There is no plan on this record for the meeting to update" in question
        assert "next version" not in question
        # Said to the worker chairing: who authorises it, and where it waits for them.
        assert (f"The 1 new concern stays in the minutes: {reference} has no CIN plan to "
                "write yet: it starts with the line manager's authorisation (TRA), given in "
                "cintui as themselves (K on the record, then p; it waits on their team view, "
                "F4 then w): ") in " ".join(question.split())
        await press_to(pilot, "y", screen="ChildScreen")
        assert any(str(n.message) == "Meeting finished: minutes stored (no plan to update)"
                   for n in app._notifications)
    child_id = read(demo_store, lambda s: s.get(m.Meeting, meeting_id).child_id)
    assert read(demo_store, lambda s: plans.versions(s, child_id)) == []
    minutes = read(demo_store, lambda s: meetings.load_meeting(s, meeting_id).minutes)
    assert [c.text for c in minutes.new_concerns] == ["Dad has lost his job"]


async def test_tab_in_every_step_goes_from_box_to_box_never_to_nowhere(demo_store):
    """Live minuting is typed fast: on each step of the agenda, Tab and Shift+Tab stop only
    where words or a choice go. A step's scrolling column was a stop of its own (Shift+Tab
    from the update box, or Tab round from the last), where what was typed next went
    nowhere."""
    from textual.widgets import Button, Checkbox

    takes_keys = (Input, TextArea, DataTable, Select, SelectionList, Checkbox, Button)
    async with begun(demo_store) as (app, pilot, _meeting_id):
        screen = app.screen
        for step, (panel, _what) in enumerate(screen.steps):
            if step:
                await pilot.press("ctrl+n")
                await settle(pilot)
            stops = [w for w in screen.focus_chain if screen.query_one("#panels").current
                     in [a.id for a in w.ancestors_with_self]]
            assert stops, panel
            assert [w for w in stops if not isinstance(w, takes_keys)] == [], panel
