"""PRIV 2, auto-lock (issue 24): after the policy's idle time the app saves the draft, clears
its screens, drops the key and asks for the passphrase; after unlocking the worker is back
where they were, with what they typed. The idle clock is injected: no real waiting."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
from textual.widgets import TextArea

from cintui.app import CintuiApp
from cintui.casework import drafts
from cintui.store import access
from cintui.store.engine import open_store
from tests.conftest import PASSPHRASE, TODAY
from tests.screens.test_shell import press_to, settle, type_text, until

SIZE = (120, 40)
NOW = datetime(2026, 11, 23, 14, 5)
TYPED = "Talked with Sam about school"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def shown(app) -> str:
    """Everything on screen, as text (the screenshot's text, tags left out)."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace(
        "\xa0", " ")


async def locked_after_a_minute_idle(app, pilot) -> None:
    """The idle lock set to a minute, a minute and a second gone: it locks (no waiting)."""
    lock = app.idle_lock
    lock.clock, lock.minutes = Clock(), 1
    lock.touch()
    lock.clock.now += 61
    assert lock.check() is True
    await until(pilot, lambda: type(app.screen).__name__ == "LockScreen")


async def test_idle_app_locks_saves_the_draft_and_comes_back_to_it_priv_2(encrypted_demo_store):
    """PRIV 2: idle past the policy's time: draft saved, screens cleared, key dropped, the
    unlock screen; the passphrase again brings back the visit form with the text typed."""
    app = CintuiApp(access.locate(encrypted_demo_store), today=TODAY, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, PASSPHRASE)
        await press_to(pilot, "enter", screen="CaseloadScreen")
        assert type(app.screen).__name__ == "CaseloadScreen"
        lock = app.idle_lock
        assert lock.limit_seconds == 10 * 60  # the England profile's default
        child_id, label, _ = next(c for c in app.child_index() if c[2])
        name = label.rsplit(" ", 1)[0]
        app.open_child(child_id)
        await settle(pilot)
        app.open_visit(child_id)
        await settle(pilot)
        area = app.screen.query_one("#purpose", TextArea)
        area.focus()
        await type_text(pilot, TYPED)
        await pilot.pause()
        assert name in shown(app) and TYPED in shown(app)

        clock = Clock()
        lock.clock, lock.minutes = clock, 2  # a short idle time for the test
        await pilot.press("end")  # a key: the idle time starts again
        clock.now += 119
        assert lock.check() is False  # not yet
        clock.now += 2
        assert lock.check() is True
        await settle(pilot)

        assert type(app.screen).__name__ == "LockScreen"
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["LockScreen"]
        assert app.reader is None and app._full.store is None
        assert app._full._passphrase is None
        screen = shown(app)
        assert "Locked" in screen and name not in screen and TYPED not in screen
        assert lock.check() is False  # locked already: nothing more

        # The draft was saved before the key went.
        store = open_store(encrypted_demo_store, PASSPHRASE)
        try:
            with store.read() as session:
                saved = drafts.for_child(session, child_id, "visit")
        finally:
            store.close()
        assert TYPED in saved[0].payload["purpose"]

        await type_text(pilot, "not-the-passphrase")
        await press_to(pilot, "enter", screen="LockScreen")
        assert type(app.screen).__name__ == "LockScreen"
        assert "wrong passphrase" in str(app.screen.query_one("#error").render())

        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "CaseloadScreen", "ChildScreen", "VisitFormScreen"]
        assert app.screen.query_one("#purpose", TextArea).text.startswith(TYPED)
        assert app.screen.draft_id == saved[0].id  # the same draft, not a new one
        assert lock.locked is False and name in shown(app)


async def test_a_plain_file_locks_too_and_opens_again_with_enter_priv_2(sqlite_demo_store):
    """PRIV 2: an unencrypted store has no secret to ask for, but its screens are cleared
    and its store closed all the same."""
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        assert type(app.screen).__name__ == "CaseloadScreen"
        child_id, label, _ = app.child_index()[0]
        app.open_child(child_id)
        await settle(pilot)
        await locked_after_a_minute_idle(app, pilot)
        assert type(app.screen).__name__ == "LockScreen"
        assert label.rsplit(" ", 1)[0] not in shown(app) and "Press Enter" in shown(app)
        assert app.reader is None and app._full.store is None
        await pilot.press("enter")
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "CaseloadScreen", "ChildScreen"]
        assert app.screen.child_id == child_id


async def test_a_form_half_typed_is_kept_through_the_lock_priv_2(sqlite_demo_store):
    """Nothing typed is ever lost: the lock closes every screen, forms too. A supervision
    half typed (STO 4.5, 8.5) is in the store as a draft (written as typed, and flushed
    before the lock) and is back when the form opens again, said so; saving it ends the
    draft. (It was gone after the lock.)"""
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        child_id = await supervision_form(app, pilot)
        app.screen.query_one("#discussion").focus()
        await type_text(pilot, "Attendance up; dental check booked")
        assert app.screen.saver.flush()  # written as typed, a second or so behind
        assert [d["discussion"] for d in kept_supervision(sqlite_demo_store, child_id)] \
            == ["Attendance up; dental check booked"]

        await locked_after_a_minute_idle(app, pilot)
        assert "Attendance up" not in shown(app)
        assert [d["discussion"] for d in kept_supervision(sqlite_demo_store, child_id)] \
            == ["Attendance up; dental check booked"]

        await pilot.press("enter")  # a plain file: no passphrase
        await settle(pilot)
        assert type(app.screen).__name__ == "SupervisionScreen"  # where it was, less the form
        await press_to(pilot, "n", screen="SupervisionFormScreen")
        form = app.screen
        assert form.query_one("#discussion").text == "Attendance up; dental check booked"
        # What was not reached yet is not called wrong on coming back (STO 8.5's decisions).
        assert str(form.query_one("#decisions-error").render()) == ""
        said = " ".join(str(n.message) for n in app._notifications)
        assert "What you typed here before and did not save is back" in said
        form.query_one("#present").value = "The worker"
        form.query_one("#decisions").text = "Plan continues"
        await settle(pilot)
        form.action_save()
        form._keep()  # a change that arrives once saving has begun (seen in CI) keeps nothing
        await until(pilot, lambda: type(app.screen).__name__ == "SupervisionScreen")
        await settle(pilot)
    assert kept_supervision(sqlite_demo_store, child_id) == []


async def supervision_form(app, pilot):
    """A team manager on the first child with a plan: their supervision form (U, n).
    Returns the child's id."""
    from sqlmodel import select

    from cintui.store import models as m

    await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
    with app.store.read() as session:
        app.actor = session.exec(select(m.Worker.username).where(
            m.Worker.role == "team_manager")).first()
        # an open case: nothing is recorded as done on a closed one (TRA, BEX 3)
        open_ids = set(session.exec(select(m.Child.id).where(
            m.Child.status.in_(("referral", "assessment", "cin_plan")))))
    child_id = next(c for c in app.child_index() if c[2] and c[0] in open_ids)[0]
    app.open_child(child_id)
    await settle(pilot)
    await pilot.press("U")
    await settle(pilot)
    await press_to(pilot, "n", screen="SupervisionFormScreen")
    return child_id


def kept_supervision(path, child_id) -> list[dict]:
    store = open_store(path, None)
    try:
        with store.read() as session:
            return [d.payload["values"] for d in drafts.for_child(session, child_id, "form")
                    if d.payload.get("form") == "SupervisionFormScreen"]
    finally:
        store.close()


async def test_esc_discards_what_a_form_kept_and_a_late_change_does_not_keep_it_again(
        sqlite_demo_store):
    """Esc, then y, on a form adding to the record is a choice to drop what was typed: its
    draft goes, and a change arriving as the form closes does not write it back."""
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        child_id = await supervision_form(app, pilot)
        form = app.screen
        form.query_one("#discussion").focus()
        await type_text(pilot, "Attendance up")
        assert form.saver.flush() and kept_supervision(sqlite_demo_store, child_id)
        await press_to(pilot, "escape", screen="ConfirmScreen")
        await pilot.press("y")
        form._keep()  # a change arriving as it closes
        await until(pilot, lambda: type(app.screen).__name__ == "SupervisionScreen")
        await settle(pilot)
    assert kept_supervision(sqlite_demo_store, child_id) == []


async def test_a_manager_with_no_children_of_their_own_locks_and_opens_again_priv_2(
        sqlite_demo_store):
    """A team manager holds no children: their own caseload (1) is empty and hands keys to
    the screen once drawn. Locking from the team view's overdue list brings that caseload back
    for a moment before the lock replaces it; the app used to stop there ("No nodes match
    '#filter'", found idle in a real terminal). It locks, and Enter brings it all back."""
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY, now=NOW,
                    worker="noah.elswick")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        await settle(pilot)
        await pilot.press("1")  # it opens on the team's: their own is the empty one
        await settle(pilot)
        assert app.screen.query_one("#children").display is False  # holds none
        await press_to(pilot, "f4", screen="TeamScreen")
        await pilot.press("o")
        await settle(pilot)
        await locked_after_a_minute_idle(app, pilot)
        await settle(pilot)
        assert app.is_running and app._exception is None
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app._exception is None
        assert [type(s).__name__ for s in app.screen_stack[1:3]] == ["CaseloadScreen",
                                                                      "TeamScreen"]


@pytest.mark.parametrize(("key", "screen"), [("o", "SupervisionOverdueScreen"),
                                             ("s", "StepAuditScreen")])
async def test_a_list_over_the_team_view_comes_back_after_the_lock_priv_2(
        sqlite_demo_store, key, screen):
    """PRIV 2: a manager locked out while reading the overdue supervisions (STO 8.5) or the
    month's step audits (STO 7.13) is back on that list after unlocking, not on the team
    view under it; Enter on an overdue child still opens their supervision."""
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY, now=NOW,
                    worker="noah.elswick")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        await press_to(pilot, "f4", screen="TeamScreen")
        await pilot.press(key)
        await until(pilot, lambda: type(app.screen).__name__ == screen)
        await locked_after_a_minute_idle(app, pilot)
        await pilot.press("enter")  # a plain file: no passphrase
        await until(pilot, lambda: type(app.screen).__name__ == screen)
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "CaseloadScreen", "TeamScreen", screen]
        if screen == "SupervisionOverdueScreen":
            await press_to(pilot, "enter", screen="SupervisionScreen")
            assert type(app.screen).__name__ == "SupervisionScreen"


async def test_a_service_managers_all_teams_come_back_after_the_lock_and_still_pick_priv_2(
        make_demo):
    """PRIV 2: a service manager locked out on all teams (their F4) is back on that list
    after unlocking, once (the team view under it does not open it again), and Enter on a
    team still shows it in the team view; Esc there is all teams again."""
    from cintui.casework import cases

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")  # 2 teams
    store = open_store(path, None)
    try:
        with store.read() as session:
            manager = next(w for w in cases.list_workers(session)
                           if w.role == "service_manager")
    finally:
        store.close()
    app = CintuiApp(access.locate(path), today=TODAY, now=NOW, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        await settle(pilot)
        await pilot.press("f4")
        await until(pilot, lambda: type(app.screen).__name__ == "ServiceScreen"
                    and app.screen.views is not None)
        await locked_after_a_minute_idle(app, pilot)
        await pilot.press("enter")  # a plain file: no passphrase
        await until(pilot, lambda: type(app.screen).__name__ == "ServiceScreen"
                    and app.screen.views is not None)
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "CaseloadScreen", "TeamScreen", "ServiceScreen"]
        service = app.screen
        team = service.views[1].team
        service.query_one("#service").move_cursor(row=1)
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "TeamScreen"
                    and app.screen.view is not None and app.screen.view.team == team)
        assert app.screen.view.team == team
        await press_to(pilot, "escape", screen="ServiceScreen")
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "CaseloadScreen", "TeamScreen", "ServiceScreen"]


@pytest.mark.parametrize(("key", "screen"), [("C", "ClosureScreen"), ("S", "StepDownScreen"),
                                             ("T", "TransferScreen")])
async def test_the_closure_step_down_and_transfer_screens_come_back_after_the_lock_priv_2(
        sqlite_demo_store, key, screen):
    """PRIV 2: "after unlocking the worker is back where they were": on a case's closure,
    step-down or transfer screen too (they were left out: the record came back, not them)."""
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY, now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        child_id, _, _ = app.child_index()[0]
        app.open_child(child_id)
        await settle(pilot)
        await pilot.press(key)
        await until(pilot, lambda: type(app.screen).__name__ == screen)
        await locked_after_a_minute_idle(app, pilot)
        await pilot.press("enter")  # a plain file: no passphrase
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "CaseloadScreen", "ChildScreen", screen]
        assert app.screen.child_id == child_id
