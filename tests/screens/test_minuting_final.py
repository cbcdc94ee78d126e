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
from tests.screens.test_shell import settle, until


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
        await pilot.press("y")
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
        await pilot.press("p")
        await until(pilot, lambda: type(app.screen).__name__ == "PlanScreen")
        await settle(pilot)
        details = " ".join(text_of(app.screen, "#plan-details").split())
        assert "Next review: none, plan ended" in details
    plan = read(demo_store, lambda s: plans.current_plan(s, cases.find_child(s, CHILD).id))
    assert (plan.next_review, plan.ended_on) == (None, date(2026, 11, 23))
    assert plan.agreed_at == "Final CIN meeting 23 Nov 2026"
