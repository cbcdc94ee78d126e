"""`cintui demo` meetings (issue 6): past meetings with minutes, some not yet circulated,
and reviews booked ahead with their invitees; synthetic people only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import cases, meetings
from cintui.domain.meeting import minutes_problems
from cintui.store.engine import open_store
from cintui.store.models import Child, Meeting
from tests.conftest import TODAY


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    yield s
    s.close()


def test_open_children_have_minutes_of_their_latest_meeting(store):
    """WIR 2.6: each Amber's update is the minutes; the latest held meeting of every open
    child has them, complete enough to have been finished (attendance, decisions)."""
    with store.read() as session:
        policy = cases.store_policy(session)
        kids = session.exec(select(Child).where(Child.status == "cin_plan")).all()
        latest = []
        for child in kids:
            held = [r for r in meetings.list_meetings(session, child.id, policy)
                    if r.status == "held"]
            if held:
                latest.append(meetings.load_meeting(session, held[0].id))
    assert latest
    for detail in latest:
        m = detail.minutes
        assert m is not None and detail.schedule.chair and detail.schedule.venue
        assert minutes_problems(m, TODAY) == []
        assert all(i.update and i.impact for i in m.items)


def test_some_minutes_are_not_yet_circulated_and_some_reviews_are_booked(store):
    """BEX 3 / WIR 2.3: minutes due shows until they are sent; booked reviews have their
    invitees from the child's People (WIR 2.3)."""
    with store.read() as session:
        policy = cases.store_policy(session)
        rows = [r for c in session.exec(select(Child)).all()
                for r in meetings.list_meetings(session, c.id, policy)]
        booked = [meetings.load_meeting(session, r.id) for r in rows if r.status == "scheduled"]
    waiting = [r for r in rows if r.status == "held" and r.minutes_due]
    sent = [r for r in rows if r.status == "held" and r.minutes_circulated]
    assert waiting and sent and booked
    assert all(d.schedule.invitees and d.schedule.starts_at.hour == 16 for d in booked)
    assert all(d.held_on > TODAY - date.resolution * 3 for d in booked)


def test_circulated_minutes_record_who_they_went_to(store):
    with store.read() as session:
        held = session.exec(select(Meeting).where(Meeting.minutes != "",
                                                  Meeting.minutes_circulated != None)  # noqa: E711
                            ).all()
        details = [meetings.load_meeting(session, m.id) for m in held]
    assert details and all(d.distribution for d in details)
    assert all(s.sent_on == m.minutes_circulated for d, m in zip(details, held, strict=True)
               for s in d.distribution)


def test_a_plan_agreed_at_a_meeting_names_the_meeting_as_the_app_does(store):
    """WIR 2.6: the demo's plans say where they were agreed in the words minuting a meeting
    writes ("Final CIN meeting 23 Aug 2026"); a final meeting was once called a review."""
    from cintui.domain.meeting import KIND_LABELS
    from cintui.store.models import PlanVersion

    with store.read() as session:
        pairs = session.exec(select(PlanVersion.agreed_at, Meeting.kind, Meeting.held_on)
                             .join(Meeting, Meeting.id == PlanVersion.meeting_id)).all()
    assert {kind for _, kind, _ in pairs} >= {"initial", "review", "final"}
    for agreed_at, kind, held_on in pairs:
        if agreed_at.startswith("received from"):  # a transfer-in's plan (BEX 4)
            continue
        assert agreed_at == f"{KIND_LABELS[kind]} {held_on.day} {held_on:%b %Y}", agreed_at


def test_no_closed_child_has_a_meeting_still_booked_wir_2_9(store):
    """WIR 2.9: closing waits until each booked meeting is cancelled and everyone told; the
    demo's closed cases are as a team closing through cintui would leave them (a review
    booked ahead for a child later closed was left booked)."""
    with store.read() as session:
        closed = {c.id for c in session.exec(select(Child).where(Child.status == "closed"))}
        left = [mt for mt in session.exec(select(Meeting).where(
            Meeting.held.is_(False), Meeting.status != "cancelled")) if mt.child_id in closed]
        cancelled = session.exec(select(Meeting).where(Meeting.status == "cancelled")).all()
    assert closed and left == []
    assert all(mt.cancelled_reason and mt.cancel_told for mt in cancelled)
