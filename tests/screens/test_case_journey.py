"""A real team's first week by keys in the TUI: the pilot twin of
tests/cli/test_case_journey.py. The store, the team and its two workers come from the CLI
(setting up by keys is tested in test_admin.py); from there every step is pressed in the
app, as the worker or the manager who does it, each on the day it happens (a new app run
per day, with that day as its `today`): the child added from the caseload, the referral and
its decision, the assessment written, completed and authorised, the plan started, the
mother and her consent, the initial meeting booked and minuted, visits and a review, the
closure recommended and approved, the family told and the case closed. Each clock is read off the child's Summary as it starts and stops (DOMAIN.md §6).

Synthetic people only."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date, datetime

import pytest
from textual.widgets import TextArea

from cintui.app import CintuiApp
from cintui.casework import cases, plans
from cintui.casework import steps as cs
from cintui.store import access
from tests.casework.test_steps import TEXTS
from tests.screens.test_child import cells, fill, read, text_of
from tests.screens.test_shell import SIZE, screen_name, settle, type_text, until

WORKER, MANAGER = "amira", "tom"


def set_up(cli, path) -> None:
    """An empty store, the council, a team with a social worker and a team manager."""
    for args in (("db", "init", "--no-encrypt"),
                 ("authority", "set", "--name", "Exampleshire County Council", "--la", "820"),
                 ("team", "add", "South Safeguarding and Support", "--service",
                  "Safeguarding and Support"),
                 ("worker", "add", WORKER, "--name", "Amira Khan", "--role", "social worker",
                  "--team", "south"),
                 ("worker", "add", MANAGER, "--name", "Tom Hale", "--role", "team manager",
                  "--team", "south")):
        result = cli(*args, "--db", path)
        assert result.code == 0, result.err


@asynccontextmanager
async def day(path, on: date, worker: str, at: str = "09:00"):
    """cintui opened on the plain store by `worker` on the day `on` (the clock at `at`)."""
    now = datetime.combine(on, datetime.strptime(at, "%H:%M").time())
    app = CintuiApp(access.locate(path), today=on, worker=worker, now=now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        yield pilot


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def open_leo(pilot) -> None:
    """From the caseload: everyone's children (one: Leo), Enter opens his record."""
    await press(pilot, "3")
    await press(pilot, "enter")
    assert screen_name(pilot.app) == "ChildScreen"


def clocks(screen) -> dict[str, str]:
    """The Summary's running clocks: what is due -> its due date, as the worker sees them."""
    return {row[1]: row[0].strip() for row in cells(screen.query_one("#deadlines"))}  # " 3 Nov"


def facts(path):
    return read(path, lambda s: cs.case_steps(s, cases.find_child(s, "CIN000001").id).facts)


async def write(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await type_text(pilot, text)


async def tick(pilot, selector: str) -> None:
    """Answer yes (y), whatever the box held: "Mother" has ticked parental responsibility
    already, which Space would untick."""
    pilot.app.screen.query_one(selector).focus()
    await press(pilot, "y")


async def save(pilot) -> None:
    await press(pilot, "ctrl+s")


@pytest.mark.slow
@pytest.mark.both_stores
async def test_a_childs_case_by_keys(cli, new_location):
    db = new_location("team.db")
    set_up(cli, db)

    # Tuesday 1 September 2026: a referral from the police through the MASH.
    async with day(db, date(2026, 9, 1), WORKER) as pilot:
        app = pilot.app
        await press(pilot, "n")
        form = app.screen
        assert screen_name(app) == "ChildFormScreen"
        await type_text(pilot, "Leo")
        await fill(pilot, "#last_name", "Ward")
        await fill(pilot, "#dob", "02/05/2017")
        form.query_one("#sex").value = "M"
        form.query_one("#ethnicity").value = "WBRI"
        form.query_one("#worker_id").value = next(
            k for k, w in form.worker_choices.items() if w.username == WORKER)
        await save(pilot)
        assert screen_name(app) == "CaseloadScreen"
        await press(pilot, "enter")
        child = app.screen
        assert screen_name(app) == "ChildScreen"
        assert "Leo Ward" in text_of(child, "#child-header")
        # Working Together 2023: the assessment within 45 working days of the referral.
        assert clocks(child) == {"Assessment completed": "3 Nov 2026"}

        await press(pilot, "K")
        steps = app.screen
        assert screen_name(app) == "CaseStepsScreen"
        await press(pilot, "r")
        form = app.screen
        assert screen_name(app) == "ReferralFormScreen"
        form.query_one("#source").value = "1A"
        form.query_one("#need").value = "N1"
        form.query_one("#route").value = "mash"
        form.query_one("#decision").value = "assessment"
        await fill(pilot, "#by", "Tom Hale")
        await save(pilot)
        assert app.screen is steps
        assert "in time: 1 working day" in text_of(steps, "#steps-state")
        await press(pilot, "s")  # the assessment starts today
        await save(pilot)
        assert facts(db).assessment_started == date(2026, 9, 1)
        await press(pilot, "escape")
        assert "Assessment:   started 1 Sep 2026" in text_of(app.screen, "#details")

    # Monday 12 October: the assessment written under its headings, its factor and outcome,
    # completed; it goes to the line manager and its clock runs on until he authorises.
    async with day(db, date(2026, 10, 12), WORKER) as pilot:
        app = pilot.app
        await open_leo(pilot)
        await press(pilot, "K")
        steps = app.screen
        await press(pilot, "e")
        form = app.screen
        assert screen_name(app) == "RecordFormScreen"
        for key, text in TEXTS.items():
            form.query_one(f"#{key}", TextArea).focus()
            await type_text(pilot, text[:30])  # the start of each section: enough here
        form.query_one("#outcome").value = "cin_plan"
        await save(pilot)
        assert app.screen is steps
        await press(pilot, "f")  # factors, picked by words
        await type_text(pilot, "neglect")
        await press(pilot, "enter", "space")  # to the list; tick the first
        assert "Chosen: neglect" in text_of(app.screen, "#form-info")
        await save(pilot)
        await press(pilot, "c")  # completed today
        await save(pilot)
        f = facts(db)
        assert (f.outcome, f.factors, f.assessment_submitted) == (
            "cin_plan", ("16A",), date(2026, 10, 12))
        assert "the line manager's (TRA): Tom Hale (Team manager)" in text_of(
            steps, "#steps-keys")
        await press(pilot, "escape")
        assert clocks(app.screen) == {"Assessment completed": "3 Nov 2026"}

    # Wednesday 14 October: the manager opens cintui as himself, authorises the assessment
    # and the CIN plan (TRA). The assessment clock stops; the initial meeting clock (15
    # working days, WIR 2.3) and the visit clock start.
    async with day(db, date(2026, 10, 14), MANAGER) as pilot:
        app = pilot.app
        await open_leo(pilot)
        await press(pilot, "K")
        assert "a authorise it" in text_of(app.screen, "#steps-keys")
        await press(pilot, "a")
        assert app.screen.query_one("#by").value == MANAGER
        await save(pilot)
        await press(pilot, "p")  # the plan, authorised by the line manager
        await save(pilot)
        f = facts(db)
        assert (f.assessment_authorised, f.assessment_authorised_by,
                f.cin_plan_authorised_by) == (date(2026, 10, 14), "Tom Hale", "Tom Hale")
        await press(pilot, "escape")
        child = app.screen
        assert "Status: CIN plan" in text_of(child, "#child-header")
        assert clocks(child) == {"Initial CIN meeting": "4 Nov 2026",
                                 "Next visit": "11 Nov 2026"}

    # Wednesday 21 October: Leo's mother on the record and her consent to the service
    # (WAR 4.2); the visit of yesterday afternoon, Leo seen alone (the visit clock moves
    # on, WIR 2.11: 20 working days); the initial meeting booked.
    async with day(db, date(2026, 10, 21), WORKER) as pilot:
        app = pilot.app
        await open_leo(pilot)
        child = app.screen
        await press(pilot, "2", "a")
        assert screen_name(app) == "PersonFormScreen"
        await fill(pilot, "#name", "Layla Ward")
        await fill(pilot, "#relationship", "Mother")
        await fill(pilot, "#phone", "07700 900123")
        assert app.screen.query_one("#parental_responsibility").value  # by law (s2)
        await tick(pilot, "#parental_responsibility")
        await tick(pilot, "#lives_with_child")
        await save(pilot)
        assert cells(child.query_one("#people-table"))[0][:2] == ["Layla Ward", "Mother"]
        await press(pilot, "3", "a")  # her decision (she holds PR), to the service, given
        assert screen_name(app) == "ConsentFormScreen"
        await save(pilot)
        assert "CIN service GIVEN" in text_of(child, "#consent-status")
        await press(pilot, "a")  # and to CIN meetings (WIR 2.1, 2.3): none without it
        app.screen.query_one("#scope").value = "meeting"
        await save(pilot)
        assert "CIN meeting GIVEN" in text_of(child, "#consent-status")
        await press(pilot, "v")
        assert screen_name(app) == "VisitFormScreen"
        await fill(pilot, "#when", "20/10/2026 16:30")
        await write(pilot, "#purpose", "Meet Leo at home after school")
        await write(pilot, "#analysis", "Leo seen alone in his bedroom; damp noted.")
        await tick(pilot, "#seen_alone")
        await tick(pilot, "#bedroom_seen")
        await press(pilot, "ctrl+f")
        assert screen_name(app) == "ConfirmScreen"
        await press(pilot, "y")
        assert app.screen is child
        assert clocks(child)["Next visit"] == "17 Nov 2026"

        await press(pilot, "6", "m")
        form = app.screen
        assert screen_name(app) == "ScheduleFormScreen"
        # No meeting held yet: the initial planning meeting is offered (WIR 2.3).
        assert form.query_one("#kind").value == "initial"
        await fill(pilot, "#when", "28/10/2026 16:00")
        await fill(pilot, "#venue", "Family home")
        await fill(pilot, "#chair", "Tom Hale")
        await save(pilot)
        assert app.screen is child
        assert cells(child.query_one("#meetings-table"))[0][:4] == [
            "28 Oct 2026", "16:00", "Initial planning", "booked"]

    # Wednesday 28 October, after the meeting: the worker minutes it (WIR 2.6).
    async with day(db, date(2026, 10, 28), WORKER, at="17:00") as pilot:
        app = pilot.app
        await open_leo(pilot)
        await press(pilot, "6", "enter")
        screen = app.screen
        assert screen_name(app) == "MinutingScreen"
        # Introductions: mum and Leo, both invited (BEX 3), are here (a: all present).
        screen.query_one("#attendance-table").focus()
        await press(pilot, "a")
        assert cells(screen.query_one("#attendance-table")) == [
            ["Present", "Layla Ward", "Mother"], ["Present", "Leo Ward", "Child"]]
        await press(pilot, "ctrl+n")
        await type_text(pilot, "One at a time")
        await press(pilot, "ctrl+n")
        await write(pilot, "#new_concerns", "Damp in Leo's room -> Leo's bedroom is dry")
        await write(pilot, "#agreed_actions", "Chase the landlord ; Amira Khan ; by 13/11/2026")
        await press(pilot, "ctrl+n")
        await type_text(pilot, "Wants mum to feel better")
        await press(pilot, "ctrl+n")
        await press(pilot, "y")  # still in need
        screen.query_one("#recommendation").focus()
        await press(pilot, "1")  # continue the CIN plan
        assert screen.query_one("#next_review").value == "28/01/2027"  # TRA: 3 months
        await fill(pilot, "#next_review", "20/01/2027")
        await press(pilot, "ctrl+f")
        assert screen_name(app) == "ConfirmScreen", text_of(screen, "#problems")
        await press(pilot, "y")
        child = app.screen
        assert screen_name(app) == "ChildScreen"
        # The initial meeting clock stops; the first review (the date the meeting set,
        # sooner than 3 months), the minutes and the plan's circulation clocks start (BEX 3).
        # (The record reads itself again as it comes back: waited for, as a person sees it a
        # moment later; once, on a loaded machine, this read the clocks before that.)
        await until(pilot, lambda: "Initial CIN meeting" not in clocks(child))
        assert clocks(child) == {"Minutes circulated": "11 Nov 2026",
                                 "Plan circulated": "11 Nov 2026",
                                 "Next visit": "17 Nov 2026", "First review": "20 Jan 2027"}
        plan = read(db, lambda s: plans.current_plan(s, cases.find_child(s, "CIN000001").id))
        assert plan.agreed_at == "Initial CIN planning meeting 28 Oct 2026"
        assert [(n.now, n.rag) for n in plan.needs] == [("Damp in Leo's room", "A")]

    # Monday 16 November: another visit, and the review booked for January.
    async with day(db, date(2026, 11, 16), WORKER) as pilot:
        app = pilot.app
        await open_leo(pilot)
        child = app.screen
        await press(pilot, "v")
        await fill(pilot, "#when", "13/11/2026 16:00")
        await write(pilot, "#purpose", "Progress of the plan")
        await write(pilot, "#analysis", "Seen alone; bedroom dry now.")
        await tick(pilot, "#seen_alone")
        await tick(pilot, "#bedroom_seen")
        await press(pilot, "ctrl+f", "y")
        assert clocks(child)["Next visit"] == "11 Dec 2026"
        await press(pilot, "6", "m")
        form = app.screen
        assert form.query_one("#kind").value == "review"  # after the initial one (WIR 2.3)
        await fill(pilot, "#when", "18/01/2027 16:00")
        await fill(pilot, "#venue", "Family home")
        await fill(pilot, "#chair", "Tom Hale")
        await save(pilot)
        assert app.screen is child

    # Monday 18 January 2027, after the review: Leo no longer in need; it recommends
    # closure, and the worker puts the recommendation to the manager (TRA).
    async with day(db, date(2027, 1, 18), WORKER, at="17:00") as pilot:
        app = pilot.app
        await open_leo(pilot)
        child = app.screen
        await press(pilot, "6")
        assert cells(child.query_one("#meetings-table"))[0][:4] == [
            "18 Jan 2027", "16:00", "Review", "booked"]
        await press(pilot, "enter")  # the first row: the review
        screen = app.screen
        assert screen_name(app) == "MinutingScreen"
        screen.query_one("#attendance-table").focus()
        await press(pilot, "a", "ctrl+n")  # mum and Leo are here
        await type_text(pilot, "One at a time")
        await press(pilot, "ctrl+n")  # the Amber: damp in Leo's room
        await type_text(pilot, "Landlord fixed the damp in November")
        await write(pilot, "#impact", "Leo sleeps well")
        screen.query_one("#rag_after").focus()
        await press(pilot, "g")
        await write(pilot, "#maintained_for", "8 weeks")
        await press(pilot, "ctrl+n", "ctrl+n")
        await type_text(pilot, "Happy at home")
        await press(pilot, "ctrl+n", "n")  # no longer in need
        screen.query_one("#recommendation").focus()
        await press(pilot, "3")  # close
        await press(pilot, "ctrl+f")
        assert screen_name(app) == "ConfirmScreen", text_of(screen, "#problems")
        await press(pilot, "y")
        assert app.screen is child
        # the Summary reads the store again when the child's screen is back in front: on a
        # loaded machine that read can still be running after the first settle
        await until(pilot, lambda: "First review" not in clocks(child))
        assert clocks(child)["Next review"] == "16 Apr 2027"

        await press(pilot, "C")
        closure = app.screen
        assert screen_name(app) == "ClosureScreen"
        await press(pilot, "r")  # recommend
        await fill(pilot, "#summary", "Needs met: attendance back to 95%")
        await save(pilot)
        assert "waiting for the manager" in text_of(closure, "#closure-state")

    # Tuesday 19 January: the manager approves the closure (TRA, BEX 3); the family is to
    # be told within 5 working days.
    async with day(db, date(2027, 1, 19), MANAGER) as pilot:
        app = pilot.app
        await open_leo(pilot)
        child = app.screen
        await press(pilot, "C")
        closure = app.screen
        await press(pilot, "a")
        decide = app.screen
        assert screen_name(app) == "DecideFormScreen"
        assert decide.query_one("#by").value == MANAGER
        await type_text(pilot, "Change maintained for three months")
        await save(pilot)
        state = text_of(closure, "#closure-state")
        assert "approved by the manager" in state
        assert "Tell the family by 26 Jan 2027 (BEX 3)" in state
        await press(pilot, "escape")
        assert clocks(child)["Family told of closure"] == "26 Jan 2027"

    # Wednesday 20 January: the worker tells the family, and closes the case (STO 3.3):
    # off the caseload, and no clock runs.
    async with day(db, date(2027, 1, 20), WORKER) as pilot:
        app = pilot.app
        await open_leo(pilot)
        child = app.screen
        await press(pilot, "C")
        closure = app.screen
        await press(pilot, "t")  # family told today
        await save(pilot)
        assert "Family told 20 Jan 2027" in text_of(closure, "#closure-state")
        await press(pilot, "x")
        form = app.screen
        form.query_one("#reason").value = "RC7"
        form.query_one("#unmet").value = "no"
        await save(pilot)
        assert app.screen is closure, text_of(form, "#form-error")
        assert "Closed 20 Jan 2027: RC7" in text_of(closure, "#closure-state")
        await press(pilot, "escape")
        assert "Status: Closed" in text_of(child, "#child-header")
        assert clocks(child) == {"Nothing due: no clock running": ""}
        await press(pilot, "escape")
        assert "No open children" in text_of(app.screen, "#empty")  # off the caseload
