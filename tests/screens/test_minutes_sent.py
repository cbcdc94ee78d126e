"""Recording who the minutes went to, from the child's Meetings tab (`s`): the clock stops
only when everyone present and every parent who did not attend has them (BEX 3, TRA,
WIR 2.8). Synthetic people only: the demo store (seed 7) at the fixed TODAY."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from textual.widgets import SelectionList

from cintui.casework import cases, meetings
from cintui.domain.meeting import Decisions, Invitee, Schedule
from cintui.store.engine import open_store
from tests.meeting_consent import consent_to_meetings
from tests.screens.test_child import REFERENCE, SIZE, ChildHost, read
from tests.screens.test_shell import press_to, settle

ACTOR = "test.worker"


def held_review(path) -> object:
    """A review held Fri 20 Nov 2026: Mum absent, Dad and the school present."""
    store = open_store(path, None)
    try:
        with store.session(ACTOR) as session:
            child_id = cases.find_child(session, REFERENCE).id
            at = datetime(2026, 11, 20, 16, 0)
            consent_to_meetings(session, child_id, at.date())  # WIR 2.1, 2.3
            meeting_id = meetings.schedule(session, child_id, Schedule(
                "review", at, venue="Family home", chair="Tom Reid", chair_role="Team manager",
                invitees=(
                    Invitee("Sam Synthetic", "Mother", is_parent=True),
                    Invitee("Joe Synthetic", "Father", is_parent=True),
                    Invitee("Ms Class", "School DSL")),
                not_invited_reason="The rest of the network sent reports"),
                now=at.replace(hour=8))
            draft = meetings.start_minutes(session, meeting_id, ACTOR, at)
            came = {"Sam Synthetic": "absent", "Joe Synthetic": "present", "Ms Class": "present"}
            minutes = replace(draft.minutes, decisions=Decisions(True, date(2027, 2, 19),
                                                                 "continue"),
                              attendance=tuple(replace(p, attendance=came[p.name])
                                               for p in draft.minutes.attendance))
            meetings.finish(session, meeting_id, minutes, actor=ACTOR,
                            now=at.replace(hour=18), draft_id=draft.id)
    finally:
        store.close()
    return meeting_id


async def test_minutes_sent_to_some_say_who_is_still_owed_them(demo_store):
    meeting_id = held_review(demo_store)
    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")  # the Meetings tab
        await settle(pilot)
        table = app.screen.query_one("#meetings-table")
        table.move_cursor(row=table.get_row_index(str(meeting_id)))
        await press_to(pilot, "s", screen="SentFormScreen")
        assert type(app.screen).__name__ == "SentFormScreen"
        app.screen.query_one("#recipients", SelectionList).deselect(0)  # not Mum yet
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "Not circulated yet: still to send to Sam Synthetic" in shown
        assert "BEX 3, WIR 2.8" in shown
    row = read(demo_store, lambda s: next(
        r for r in meetings.list_meetings(s, cases.find_child(s, REFERENCE).id,
                                          cases.store_policy(s)) if r.id == meeting_id))
    assert row.minutes_circulated is None and row.minutes_due is not None
