"""cintui.meetings: scheduling, minutes as a draft, finishing into the next plan version,
distribution (DOMAIN.md §5), on a demo store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlmodel import select

from cintui.casework import cases, meetings, plans
from cintui.domain.meeting import (
    ActionUpdate,
    AgreedAction,
    Decisions,
    NewConcern,
    Schedule,
)
from cintui.store.models import AuditEntry, Meeting, Worker

ACTOR = "test.worker"
NOW = datetime(2026, 11, 23, 9, 0)
STARTED = datetime(2026, 11, 30, 16, 2)  # the meeting of 30 Nov 16:00 is being minuted
AFTER = datetime(2026, 11, 30, 18, 0)  # the meeting of 30 Nov is over
WITH_PLAN = "DEMO00002"  # an agreed plan with Ambers and actions


def child_id(store) -> object:
    with store.read() as session:
        return cases.find_child(session, WITH_PLAN).id


def book(store, cid, when=datetime(2026, 11, 30, 16, 0)):
    with store.read() as session:
        invitees = tuple(meetings.invitee_choices(session, cid))
    with store.session(ACTOR) as session:
        return meetings.schedule(session, cid, Schedule(
            "review", when, venue="Family home", chair="Poppy Jessop",
            chair_role="Senior practitioner", practical=(("interpreter", "Arabic booked"),),
            invitees=invitees, child_invited=True), now=NOW)


def test_a_meeting_is_booked_with_its_invitees_and_practicalities(store):
    cid = child_id(store)
    meeting_id = book(store, cid)
    with store.read() as session:
        detail = meetings.load_meeting(session, meeting_id)
        listed = meetings.list_meetings(session, cid, cases.store_policy(session))
    assert detail.status == "scheduled" and detail.schedule.venue == "Family home"
    assert detail.schedule.practical == (("interpreter", "Arabic booked"),)
    assert detail.schedule.invitees and detail.schedule.invitees[0].is_parent
    row = next(r for r in listed if r.id == meeting_id)
    assert row.starts_at == datetime(2026, 11, 30, 16, 0) and row.status == "scheduled"


def test_bad_bookings_are_refused_with_the_field(store):
    cid = child_id(store)
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError) as caught:
        meetings.schedule(session, cid, Schedule("review", datetime(2026, 11, 30, 16, 0),
                                                 venue="Home"), now=NOW)
    assert caught.value.field == "chair"


def test_cancel_and_rebook_keeps_the_reason_and_the_invitees(store):
    """WIR 2.9: cancellation is recorded with its reason; the meeting is rebooked."""
    cid = child_id(store)
    first = book(store, cid)
    with store.session(ACTOR) as session:
        told = [i.name for i in meetings.load_meeting(session, first).schedule.invitees]
        again = meetings.rebook(session, first, datetime(2026, 12, 7, 16, 0),
                                "Mum in hospital", now=NOW, told=told)
    with store.read() as session:
        old, new = meetings.load_meeting(session, first), meetings.load_meeting(session, again)
    assert (old.status, old.cancelled_reason) == ("cancelled", "Mum in hospital")
    assert new.status == "scheduled" and new.schedule.invitees == old.schedule.invitees
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError, match="cancelled"):
        meetings.cancel(session, first, "again", told=told)


def test_a_whole_review_produces_minutes_and_the_next_plan_version(store):
    """WIR 2.6: attendance, an update per Amber, one re-rated Green (maintained 8 weeks),
    a new concern and an agreed action promoted into the plan; decisions; the new version is
    agreed at the meeting; parents who did not attend are listed to receive the record."""
    cid = child_id(store)
    meeting_id = book(store, cid)
    with store.read() as session:
        before = plans.current_plan(session, cid)
    with store.session(ACTOR) as session:
        draft = meetings.start_minutes(session, meeting_id, ACTOR, STARTED)
    m = draft.minutes
    assert [i.need_key for i in m.items] == [n.key for n in before.needs if n.rag in "AR"]
    first = m.items[0]
    need = next(n for n in before.needs if n.key == first.need_key)
    attendance = tuple(replace(p, attendance="present" if i == 0 else "apologies_report")
                       for i, p in enumerate(m.attendance))
    items = (replace(first, update="Held for 8 weeks", impact="Calmer mornings",
                     rag_after="G", maintained_for="8 weeks",
                     actions=tuple(ActionUpdate(a.key, "done") for a in need.actions)),
             *m.items[1:])
    m = replace(m, attendance=attendance, items=items, held_on=date(2026, 11, 30),
                new_concerns=(NewConcern("Dad has lost his job", "Rent and bills are paid"),),
                agreed_actions=(AgreedAction("Citizens Advice appointment", "Dad",
                                             date(2027, 3, 14)),),
                childs_views="I want to stay at my school",
                decisions=Decisions(True, date(2027, 2, 28), "continue"))
    with store.session(ACTOR) as session:
        assert meetings.save_minutes(session, draft.id, m)
    with store.read() as session:  # a crash here: the draft has it all
        assert meetings.minutes_drafts(session, cid)[0].minutes == m
    with store.session(ACTOR) as session:
        version_id = meetings.finish(session, meeting_id, m, actor=ACTOR,
                                     now=datetime(2026, 11, 30, 17, 10), draft_id=draft.id)
    with store.read() as session:
        after = plans.load_version(session, version_id)
        detail = meetings.load_meeting(session, meeting_id)
        assert meetings.minutes_drafts(session, cid) == []
        row = session.get(Meeting, meeting_id)
    assert after.status == "agreed" and after.number == before.number + 1
    assert after.agreed_at == "CIN review meeting 30 Nov 2026"
    rated = next(n for n in after.needs if n.key == first.need_key)
    assert rated.rag == "G" and all(a.status == "done" for a in rated.actions)
    assert rated.rag_history[-1].maintained_for == "8 weeks"
    concern = after.needs[-1]
    assert (concern.now, concern.rag) == ("Dad has lost his job", "A")
    assert [(a.what, a.who) for a in concern.actions] == [("Citizens Advice appointment", "Dad")]
    assert after.next_review == date(2027, 2, 28)
    assert (row.held, row.status, row.next_review, row.recommendation) == (
        True, "held", date(2027, 2, 28), "continue")
    assert detail.minutes.childs_views == "I want to stay at my school"
    assert detail.plan_version_id == version_id
    audit = [json.loads(a.changes) for a in store_audit(store, "meeting", meeting_id)]
    assert any("minutes" in c for c in audit)


def test_ratings_made_at_a_meeting_name_the_worker_not_their_login(store):
    """WIR 2.6: each rating is dated and attributed. A new concern promoted at a review
    said "rated Amber by sam.reed" where the plan editor, the minutes and the chronology
    name the worker; so does a rating made through any other path (`save_draft`)."""
    cid = child_id(store)
    with store.read() as session:
        worker = session.exec(select(Worker).where(Worker.active)).first()
        login, name = worker.username, worker.name
    meeting_id = book(store, cid)
    with store.session(login) as session:
        draft = meetings.start_minutes(session, meeting_id, login, STARTED)
    m = replace(draft.minutes, held_on=date(2026, 11, 30),
                attendance=tuple(replace(p, attendance="present")
                                 for p in draft.minutes.attendance),
                new_concerns=(NewConcern("Dad has lost his job", "Rent and bills are paid"),),
                agreed_actions=(AgreedAction("Citizens Advice appointment", "Dad",
                                             date(2027, 3, 14)),),
                decisions=Decisions(True, date(2027, 2, 28), "continue"))
    with store.session(login) as session:
        version_id = meetings.finish(session, meeting_id, m, actor=login, now=AFTER,
                                     draft_id=draft.id)
    with store.read() as session:
        concern = plans.load_version(session, version_id).needs[-1]
    assert login != name and concern.rag_history[-1].by == name


def store_audit(store, entity, entity_id):
    with store.read() as session:
        return session.exec(select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == entity_id.hex)).all()


def test_a_meeting_still_to_come_cannot_be_finished(store):
    cid = child_id(store)
    meeting_id = book(store, cid)
    with store.session(ACTOR) as session:
        draft = meetings.start_minutes(session, meeting_id, ACTOR, STARTED)
        m = replace(draft.minutes, held_on=date(2026, 11, 30),
                    attendance=tuple(replace(p, attendance="present")
                                     for p in draft.minutes.attendance),
                    decisions=Decisions(True, date(2027, 2, 28), "continue"))
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError) as caught:
        meetings.finish(session, meeting_id, m, actor=ACTOR, now=NOW)
    assert caught.value.field == "held_on"


def test_incomplete_minutes_are_refused_and_nothing_changes(store):
    cid = child_id(store)
    meeting_id = book(store, cid)
    with store.session(ACTOR) as session:
        draft = meetings.start_minutes(session, meeting_id, ACTOR, STARTED)
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError) as caught:
        meetings.finish(session, meeting_id, draft.minutes, actor=ACTOR, now=AFTER)
    assert caught.value.field == "attendance"
    with store.read() as session:
        assert meetings.load_meeting(session, meeting_id).status == "scheduled"


def test_distribution_stops_the_minutes_clock_when_everyone_present_has_them(store):
    """BEX 3 ("distributed to all those present"), TRA ("all attendees"): the clock stops
    when the last person present is sent them, not at the first sending; who and when are
    kept."""
    cid = child_id(store)
    meeting_id = book(store, cid)
    with store.session(ACTOR) as session:
        draft = meetings.start_minutes(session, meeting_id, ACTOR, STARTED)
        m = replace(draft.minutes, held_on=date(2026, 11, 30),
                    attendance=tuple(replace(p, attendance="present")
                                     for p in draft.minutes.attendance),
                    decisions=Decisions(True, date(2027, 2, 26), "continue"))
        meetings.finish(session, meeting_id, m, actor=ACTOR, now=AFTER, draft_id=draft.id)
    present = [p.name for p in m.attendance]
    assert len(present) > 1
    with store.read() as session:
        policy = cases.store_policy(session)
        row = next(r for r in meetings.list_meetings(session, cid, policy) if r.id == meeting_id)
    assert row.minutes_due == date(2026, 12, 14)  # England default: 10 working days
    with store.session(ACTOR) as session:
        owed = meetings.record_distribution(session, meeting_id, [(present[0], None)],
                                            date(2026, 12, 2))
    assert [p.name for p in owed] == present[1:]
    with store.read() as session:
        row = next(r for r in meetings.list_meetings(session, cid, policy) if r.id == meeting_id)
    assert row.minutes_circulated is None and row.minutes_due == date(2026, 12, 14)
    with store.session(ACTOR) as session:
        owed = meetings.record_distribution(session, meeting_id,
                                            [(name, None) for name in present[1:]],
                                            date(2026, 12, 9))
    assert owed == []
    with store.read() as session:
        row = next(r for r in meetings.list_meetings(session, cid, policy) if r.id == meeting_id)
        detail = meetings.load_meeting(session, meeting_id)
    assert row.minutes_circulated == date(2026, 12, 9) and row.minutes_due is None
    assert [(d.recipient, d.sent_on) for d in detail.distribution] == [
        (present[0], date(2026, 12, 2)), *((name, date(2026, 12, 9)) for name in present[1:])]


def test_the_minutes_document_has_the_meeting_the_minutes_and_both_plans(store):
    cid = child_id(store)
    meeting_id = book(store, cid)
    with store.session(ACTOR) as session:
        draft = meetings.start_minutes(session, meeting_id, ACTOR, STARTED)
        m = replace(draft.minutes, held_on=date(2026, 11, 30),
                    attendance=tuple(replace(p, attendance="present" if p.is_parent and i == 0
                                             else "absent")
                                     for i, p in enumerate(draft.minutes.attendance)),
                    decisions=Decisions(True, date(2027, 2, 28), "continue"))
        version_id = meetings.finish(session, meeting_id, m, actor=ACTOR, now=AFTER,
                                     draft_id=draft.id)
    with store.read() as session:
        doc = meetings.minutes_document(session, meeting_id, date(2026, 11, 30))
    assert doc.title == "CIN review meeting, 30 November 2026"
    assert doc.plan.id == version_id and doc.plan_before.number == doc.plan.number - 1
    assert doc.minutes_due == date(2026, 12, 14) and doc.sent_to == ()
    assert all(p.attendance != "present" for p in doc.to_receive)


def test_a_meeting_minuted_on_another_day_says_when_it_was_really_held(store):
    """A meeting booked for 6 January minuted on 2 December: minuting asks first, and the
    record says 2 December at the time given, keeping the booking in the minutes."""
    cid = child_id(store)
    meeting_id = book(store, cid, when=datetime(2027, 1, 6, 16, 0))
    now = datetime(2026, 12, 2, 16, 5)
    with store.read() as session:
        assert meetings.held_at_needed(session, meeting_id, now) == datetime(2027, 1, 6, 16, 0)
        assert meetings.held_at_needed(session, meeting_id, datetime(2027, 1, 6, 16, 3)) is None
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError) as caught:
        meetings.start_minutes(session, meeting_id, ACTOR, now)
    assert caught.value.field == "held_at" and "booked for 6 Jan 2027 at 16:00" in str(caught.value)
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError, match="still to"):
        meetings.start_minutes(session, meeting_id, ACTOR, now, held_at=datetime(2027, 1, 6, 16))
    with store.session(ACTOR) as session:
        draft = meetings.start_minutes(session, meeting_id, ACTOR, now, held_at=now)
    m = draft.minutes
    assert (m.held_on, m.started_at, m.booked_for) == (
        date(2026, 12, 2), now, datetime(2027, 1, 6, 16, 0))
    with store.read() as session:  # asked once: the minutes started carry the answer
        assert meetings.held_at_needed(session, meeting_id, now) is None
    m = replace(m, attendance=tuple(replace(p, attendance="present") for p in m.attendance),
                decisions=Decisions(True, date(2027, 3, 2), "continue"))
    with store.session(ACTOR) as session:
        meetings.finish(session, meeting_id, m, actor=ACTOR, now=datetime(2026, 12, 2, 17, 0),
                        draft_id=draft.id)
    with store.read() as session:
        row = next(r for r in meetings.list_meetings(session, cid, cases.store_policy(session))
                   if r.id == meeting_id)
        doc = meetings.minutes_document(session, meeting_id, date(2026, 12, 2))
    assert (row.held_on, row.starts_at, row.status) == (date(2026, 12, 2), now, "held")
    assert doc.starts_at == now and doc.minutes.booked_for == datetime(2027, 1, 6, 16, 0)
