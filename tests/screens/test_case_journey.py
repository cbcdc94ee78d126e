"""A real team's first week by keys in the TUI: the pilot twin of
tests/cli/test_case_journey.py. The store, the team and its two workers come from the CLI
(setting up by keys is tested in test_admin.py); from there every step is pressed in the
app, as the worker or the manager who does it, each on the day it happens (a new app run
per day, with that day as its `today`): the child added from the caseload, the referral and
its decision, the assessment written, completed and authorised, the plan started, the
initial meeting booked and minuted, a visit and a review, the closure recommended and
decided. Each clock is read off the child's Summary as it starts and stops (DOMAIN.md §6).

Synthetic people only."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date, datetime

from textual.widgets import TextArea

from cintui.app import CintuiApp
from cintui.casework import cases
from cintui.casework import steps as cs
from cintui.store import access
from tests.casework.test_steps import TEXTS
from tests.screens.test_child import cells, fill, read, text_of
from tests.screens.test_shell import SIZE, screen_name, settle, type_text

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
    app = CintuiApp(access.StoreLocation(path=path), today=on, worker=worker, now=now)
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
    return {row[1]: row[0] for row in cells(screen.query_one("#deadlines"))}


def facts(path):
    return read(path, lambda s: cs.case_steps(s, cases.find_child(s, "CIN000001").id).facts)


async def save(pilot) -> None:
    await press(pilot, "ctrl+s")


async def test_a_childs_case_by_keys(cli, tmp_path):
    db = tmp_path / "team.db"
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
            await type_text(pilot, text)
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
