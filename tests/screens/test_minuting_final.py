"""Minuting a final meeting (DOMAIN.md §5: the meeting before step-down or closure; WIR 3,
TRA): it ends the plan, so the screen offers no next review, says before it ends that the
plan agreed is the last, and the plan tab then says the plan ended (no review date due)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from textual.widgets import Input

from cintui.casework import cases, meetings, plans
from cintui.domain.meeting import Decisions
from cintui.store.engine import open_store
from tests.screens.test_child import read, text_of
from tests.screens.test_minuting import (
    CHILD,
    NOW,
    SIZE,
    MeetingHost,
    asked_to_end,
    book,
    open_minuting,
    to_step,
)
from tests.screens.test_shell import press_to, settle


def prepare_final(path, meeting_id) -> None:
    """Minutes begun (as `prepare`): everyone present, step-down recommended, no review."""
    store = open_store(path, None)
    try:
        with store.session("test.worker") as session:
            draft = meetings.start_minutes(session, meeting_id, "test.worker", NOW)
            m = replace(draft.minutes, attendance=tuple(
                replace(p, attendance="present") for p in draft.minutes.attendance),
                decisions=Decisions(False, None, "step_down"))
            meetings.save_minutes(session, draft.id, m)
    finally:
        store.close()


async def test_a_final_meeting_ends_the_plan_with_no_further_review_wir_3(demo_store):
    """WIR 3, TRA: the screen filled in a next review 3 months on for a final meeting, and
    the plan it agreed carried a review date; now the box is blank, Ctrl+F says the version
    agreed is the plan's last, with no further review, and the plan tab says it ended."""
    meeting_id = book(demo_store, kind="final")
    prepare_final(demo_store, meeting_id)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        await to_step(pilot, "decisions")
        assert app.screen.query_one("#next_review", Input).value == ""
        asked = await asked_to_end(pilot)
        assert ("It is the plan's last version: the plan ends at this final meeting, with no "
                "further review (WIR 3).") in asked
        assert "review date" not in asked
        await press_to(pilot, "y", screen="ChildScreen")
        await press_to(pilot, "p", screen="PlanScreen")
        details = " ".join(text_of(app.screen, "#plan-details").split())
        assert "Next review: none, plan ended" in details
    plan = read(demo_store, lambda s: plans.current_plan(s, cases.find_child(s, CHILD).id))
    assert (plan.next_review, plan.ended_on) == (None, date(2026, 11, 23))
    assert plan.agreed_at == "Final CIN meeting 23 Nov 2026"


async def test_the_ended_plan_says_what_is_next_and_is_not_re_opened_wir_3(demo_store):
    """WIR 3, TRA. Ending the minutes of a final meeting said "Meeting finished: minutes
    stored and the updated plan agreed", nothing of the plan's end or what comes next; and
    an edit key on the ended plan (a, as the title offered: "a change (a e r c) starts the
    next version") began a draft asking for a next review. Now the message says the plan
    ended there and the step-down's command; the plan's title says it ended, and a or n
    says, where the plan's details are, that it is not re-opened: no version written."""
    meeting_id = book(demo_store, kind="final")
    prepare_final(demo_store, meeting_id)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_minuting(pilot, meeting_id)
        await to_step(pilot, "decisions")
        await asked_to_end(pilot)
        await press_to(pilot, "y", screen="ChildScreen")
        said = str(list(app._notifications)[-1].message)
        assert said == (
            "Meeting finished: minutes stored and the plan's last version agreed; the plan "
            "ended at this final meeting: no further review; next, record the step-down for "
            f"the manager to decide: cintui stepdown record {CHILD} --service NAME (S on the "
            "record)")
        await press_to(pilot, "p", screen="PlanScreen")
        plan = app.screen
        title = " ".join(text_of(plan, "#plan-title").split())
        assert "ended at the final meeting: no further review" in title
        assert "a change (a e r c) starts the next version" not in title
        number = plan.version.number
        for key in ("a", "n"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is plan and plan.version.number == number
            assert " ".join(text_of(plan, "#plan-details").split()) == (
                f"Nothing written: {CHILD}: an ended plan is not re-opened (WIR 3, TRA): the "
                "plan ended at the final meeting on 23 Nov 2026: no further review; next, "
                f"record the step-down for the manager to decide: cintui stepdown record "
                f"{CHILD} --service NAME (S on the record).")
    versions = read(demo_store, lambda s: plans.versions(s, cases.find_child(s, CHILD).id))
    assert [v.number for v in versions if v.status == "draft"] == []
