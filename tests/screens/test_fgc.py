"""The Family Group Conference screen (`F` on the child's record), by keys, from a store
with one referred child (WAR 4.2 "strengths of wider family and friends are utilised
through family group conferences"; STO 6.13 families "formulate their own safety plan";
BEX 2 one coordinated plan). Synthetic people only."""

from __future__ import annotations

from datetime import date

from cintui.casework import cases, plans, record
from cintui.store.engine import open_store
from tests.conftest import TODAY, plan_started
from tests.screens.test_child import SIZE, ChildHost, audit_entities, cells, fill, text_of
from tests.screens.test_shell import (
    held_back,
    post_burst,
    press_to,
    settle,
    until,
    until_shown,
    words,
)
from tests.screens.test_supervision import empty_store  # noqa: F401 (fixture)


async def test_fgc_referred_held_and_its_actions_join_the_cin_plan(empty_store):  # noqa: F811
    store = open_store(empty_store, None)
    with store.session("amira") as session:  # TRA: the family's plan joins a plan started
        plan_started(session, cases.find_child(session, "SUP1").id)
    store.close()
    app = ChildHost(empty_store, "SUP1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "FgcScreen"
        assert "r refers the family" in text_of(screen, "#fgc-detail")
        await pilot.press("h")  # nothing referred yet: told to refer first
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("r")
        await settle(pilot)
        await fill(pilot, "#coordinator", "Sam Reed (FGC service)")
        await fill(pilot, "#on", "09/11/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert cells(screen.query_one("#fgc-table"))[0][:3] == [
            " 9 Nov 2026", "Sam Reed (FGC service)", "referred 9 Nov 2026 to Sam Reed (FGC "
            "service)"]
        # The coordinator's name and the month as written (it read "Referred 9 nov 2026 to
        # sam reed (fgc service)": str.capitalize lowered them).
        assert text_of(screen, "#fgc-detail").startswith(
            "Referred 9 Nov 2026 to Sam Reed (FGC service). ")

        await pilot.press("h")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "FgcHeldFormScreen"
        await fill(pilot, "#on", "20/11/2026")
        await fill(pilot, "#family_plan", "Gran has Leo two nights a week; Uncle Joe does "
                                          "the school run")
        await fill(pilot, "#action1", "Leo stays at Gran's Tuesday and Thursday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # the action has no owner or date
        assert "name who will do it" in text_of(form, "#action1_who-error")
        await fill(pilot, "#action1_who", "Gran")
        await fill(pilot, "#action1_by", "27/11/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert cells(screen.query_one("#fgc-table"))[0][2:] == ["held 20 Nov 2026", "v1"]
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "joined CIN plan v1" in shown

    store = open_store(empty_store, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, "SUP1")
            draft = plans.load_version(session, plans.draft_version_id(session, child.id))
            (need,) = draft.needs
            assert need.now.startswith("The family made their own plan at a Family Group "
                                       "Conference on 20 Nov 2026: Gran has Leo")
            assert [(a.what, a.who, a.by_when) for a in need.actions] == [
                ("Leo stays at Gran's Tuesday and Thursday", "Gran", date(2026, 11, 27))]
            chron = [e.summary for e in record.chronology(session, child.id, TODAY)]
            assert "Referred for a Family Group Conference (coordinator Sam Reed (FGC " \
                   "service))" in chron
            assert "Family Group Conference held: the family's own plan; joined to CIN " \
                   "plan v1" in chron
    finally:
        store.close()
    entities = {(a, e) for a, e, _c, _who in audit_entities(empty_store)}
    assert ("insert", "family_group_conference") in entities
    assert ("update", "family_group_conference") in entities


async def test_r_on_a_referral_waiting_adds_its_coordinator_war_4_2(empty_store):  # noqa: F811
    """A family referred before the FGC service names a coordinator: r opens the referral
    waiting, with what it has, and the name typed is added to it. r once opened a new
    referral, refused ("not held or declined yet"), and nothing added the name."""
    app = ChildHost(empty_store, "SUP1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        post_burst(app, [("F", "F"), ("r", "r"), ("ctrl+s", None)])  # no coordinator yet
        await until(pilot, lambda: type(app.screen).__name__ == "FgcScreen"
                    and bool(cells(app.screen.query_one("#fgc-table"))))
        screen = app.screen
        assert cells(screen.query_one("#fgc-table"))[0][:2] == ["23 Nov 2026", "—"]
        assert "r: its coordinator or date" in text_of(screen, "#fgc-detail")
        post_burst(app, [("r", "r"), *words("Sam Reed"), ("ctrl+s", None)])
        await until(pilot, lambda: app.screen is screen
                    and cells(screen.query_one("#fgc-table"))[0][1] == "Sam Reed")
        assert len(cells(screen.query_one("#fgc-table"))) == 1  # the same referral
        await press_to(pilot, "r", screen="FgcReferFormScreen")
        form = app.screen
        assert "The FGC referral of 23 Nov 2026, waiting" in text_of(form, "#form-title")
        assert form.query_one("#coordinator").value == "Sam Reed"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    entities = [(a, e) for a, e, _c, _who in audit_entities(empty_store)
                if e == "family_group_conference"]
    assert entities == [("insert", "family_group_conference"),
                        ("update", "family_group_conference")]


async def test_a_form_opens_past_the_date_filled_in_with_today(empty_store):  # noqa: F811
    """Half the keys: "F r" and the coordinator's name typed at once is the referral, dated
    today, with its coordinator. The form once opened on "Referred on" (today, right as it
    is), so the name went into the date and the save was refused."""
    app = ChildHost(empty_store, "SUP1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        post_burst(app, [("F", "F"), ("r", "r"), *words("Sam Reed"), ("ctrl+s", None)])
        await until(pilot, lambda: type(app.screen).__name__ == "FgcScreen"
                    and bool(cells(app.screen.query_one("#fgc-table"))))
        assert cells(app.screen.query_one("#fgc-table"))[0][:2] == ["23 Nov 2026", "Sam Reed"]
        # Shift+Tab goes back to the date, for a referral made on another day
        await press_to(pilot, "h", screen="FgcHeldFormScreen")
        form = app.screen
        assert form.focused is form.query_one("#family_plan")
        await pilot.press("shift+tab")
        assert form.focused is form.query_one("#on")


async def test_a_key_needing_what_the_screen_reads_waits_for_it(empty_store,  # noqa: F811
                                                                monkeypatch):
    """"F h" typed at once, a family already referred, on a slow store: the screen reads its
    conferences in the background, and the "h" waits for them, then opens "held". It once
    acted first and said "Refer the family first" of a family already referred."""
    from cintui.casework import fgc as fgc_cases

    store = open_store(empty_store, None)
    try:
        with store.session("amira") as session:
            child = cases.find_child(session, "SUP1")
            fgc_cases.refer(session, child.id, on=TODAY, by="amira", coordinator="Sam Reed",
                            today=TODAY)
    finally:
        store.close()
    app = ChildHost(empty_store, "SUP1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        released = held_back(monkeypatch, fgc_cases, "facts")  # the record read already
        post_burst(app, [("F", "F"), ("h", "h"), *words("Gran has Leo on Tuesdays")])
        await until_shown(pilot, lambda: type(app.screen).__name__ == "FgcScreen")
        await pilot.pause(0.3)  # the key read meanwhile has not acted yet
        assert type(app.screen).__name__ == "FgcScreen"
        released.set()
        await until(pilot, lambda: type(app.screen).__name__ == "FgcHeldFormScreen")
        await settle(pilot)
        said = " ".join(str(n.message) for n in app._notifications)
        assert "Refer the family first" not in said
        assert app.screen.query_one("#family_plan").value == "Gran has Leo on Tuesdays"
