"""Meeting safeguards in the store (issue 23 item 3): bookings refused without consent,
the right chair or the invitations (WIR 2.1, 2.3; BEX 3; TRA); papers (WIR 2.3);
cancellations (WIR 2.9); agreement visits on the due list (TRA); the non-engagement path
(WIR 2.10); each audited and in the chronology. On a demo store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlmodel import select

from cintui.casework import cases, due, meetings, record, safeguards
from cintui.domain.meeting import Decisions, Schedule
from cintui.domain.meeting_safeguards import NonEngagement
from cintui.store.models import AuditEntry

ACTOR = "test.worker"
NOW = datetime(2026, 11, 23, 9, 0)
TODAY = NOW.date()
WITH_PLAN = "DEMO00002"  # mother with PR has consented to meetings; a school-age child


def child_id(store):
    with store.read() as session:
        return cases.find_child(session, WITH_PLAN).id


def schedule(store, cid, **changes):
    with store.read() as session:
        invitees = tuple(meetings.invitee_choices(session, cid))
    s = Schedule("review", datetime(2026, 11, 30, 16, 0), venue="Family home",
                 chair="Poppy Jessop", chair_role="Senior practitioner", invitees=invitees,
                 child_invited=True)
    with store.session(ACTOR) as session:
        return meetings.schedule(session, cid, replace(s, **changes), now=NOW)


def refused(store, cid, **changes) -> meetings.MeetingError:
    with store.read() as session:
        before = len(meetings.list_meetings(session, cid, cases.store_policy(session)))
    with pytest.raises(meetings.MeetingError) as caught:
        schedule(store, cid, **changes)
    with store.read() as session:  # nothing booked
        assert len(meetings.list_meetings(session, cid, cases.store_policy(session))) == before
    return caught.value


def mother(store, cid):
    with store.read() as session:
        return next(p for p in record.list_people(session, cid) if p.parental_responsibility)


def consent(store, cid, decision: str, **kw) -> None:
    with store.session(ACTOR) as session:
        record.record_consent(session, cid, record.ConsentInput(
            scope="meeting", decision=decision, decided_on=TODAY,
            person_id=mother(store, cid).person_id, **kw), TODAY)


def audit(store, entity: str) -> list[dict]:
    with store.read() as session:
        return [json.loads(a.changes) for a in session.exec(
            select(AuditEntry).where(AuditEntry.entity == entity)).all()]


def test_wir_2_1_2_3_a_meeting_is_not_booked_once_consent_is_withdrawn(store):
    cid = child_id(store)
    consent(store, cid, "withdrawn")
    problem = refused(store, cid)
    assert problem.field == "consent"
    assert problem.problem.startswith("WIR 2.1, 2.3: consent to the meeting")
    assert "withdrawn" in problem.problem and "record the meeting as held without" in \
        problem.problem


def test_wir_2_1_the_childs_own_refusal_is_the_childs_under_16_and_the_young_persons_at_16(
        store):
    """WIR 2.1: "the young person" is one of 16 or 17. The booking's refusal called a
    child's own decision "the young person" at any age; now it says it as the consent tab
    and the chronology do, by their age on the day of the decision."""
    from cintui.store.models import Child

    cid = child_id(store)
    consent(store, cid, "withdrawn")  # under 16 the child's own decision alone stops nothing
    with store.session(ACTOR) as session:
        record.record_consent(session, cid, record.ConsentInput(
            scope="meeting", decision="refused", decided_on=TODAY, person_id=None), TODAY)
    said = refused(store, cid).problem
    assert " withdrawn and the child refused: " in said, said
    with store.session(ACTOR) as session:  # 16 on the day of the decision
        session.get(Child, cid).dob = date(2010, TODAY.month, TODAY.day)
    said = refused(store, cid).problem
    assert " withdrawn and the young person refused: " in said, said
    with store.read() as session:  # the chronology says it alike
        assert any(e.who == "the young person" for e in record.chronology(session, cid)
                   if e.kind == "consent")


def test_wir_2_3_held_without_consent_with_the_reason_is_booked(store):
    cid = child_id(store)
    consent(store, cid, "withdrawn")
    consent(store, cid, "given", override_without_consent=True,
            override_rationale="Very exceptional: the school and health must meet before "
            "the holiday")
    assert schedule(store, cid)


def test_bex_3_the_initial_meeting_chaired_by_a_social_worker_is_refused(store):
    cid = child_id(store)
    problem = refused(store, cid, kind="initial", chair="Ann Chair",
                      chair_role="Social worker")
    assert problem.field == "chair"
    assert problem.problem.startswith("BEX 3: the initial CIN planning meeting is chaired by "
                                      "a team manager or a service manager")
    assert schedule(store, cid, kind="initial", chair="Ann Chair", chair_role="Team manager")


def test_bex_3_a_worker_of_the_store_chairs_in_their_recorded_role(store):
    """A worker's recorded role decides: typing another role does not change it."""
    cid = child_id(store)
    with store.read() as session:
        sw = next(c for c in safeguards.chair_choices(session) if c.role == "social_worker")
    problem = refused(store, cid, kind="initial", chair=sw.name, chair_role="Team manager")
    assert "not a social worker" in problem.problem


def test_bex_3_the_child_and_people_left_out_need_a_reason(store):
    cid = child_id(store)
    with store.read() as session:
        choices = tuple(meetings.invitee_choices(session, cid))
    problem = refused(store, cid, invitees=choices[:1], child_invited=False)
    assert problem.field == "not_invited_reason"
    assert problem.problem.startswith("BEX 3, WIR 2.3: not invited: ")
    assert "(the child)" in problem.problem and choices[1].name in problem.problem
    meeting_id = schedule(store, cid, invitees=choices[:1], child_invited=False,
                          not_invited_reason="Only mum this time: a professionals' review")
    with store.read() as session:
        detail = meetings.load_meeting(session, meeting_id)
    assert detail.schedule.not_invited_reason.startswith("Only mum")


def test_bex_3_a_reason_with_everyone_invited_is_refused_but_an_old_booking_rebooks(store):
    """A reason someone is not invited, given with everyone invited, the child too, is
    refused (the child would be listed as invited beside why not). A meeting booked before
    the rule with such a reason is still rebooked as it was (WIR 2.9)."""
    from cintui.store import models as m

    cid = child_id(store)
    problem = refused(store, cid, not_invited_reason="She chose not to come")
    assert problem.field == "not_invited_reason"
    assert problem.problem.startswith("BEX 3: a reason someone is not invited, but everyone")
    old = schedule(store, cid)
    with store.session(ACTOR) as session:
        session.get(m.Meeting, old).not_invited_reason = "n/a"
    with store.session(ACTOR) as session:
        told = [i.name for i in meetings.load_meeting(session, old).schedule.invitees]
        again = meetings.rebook(session, old, datetime(2026, 12, 2, 16, 0), "Venue flooded",
                                now=NOW, told=told)
    with store.read() as session:
        assert meetings.load_meeting(session, again).schedule.not_invited_reason == "n/a"


def test_the_child_invited_is_an_invitee_after_the_people(store):
    cid = child_id(store)
    meeting_id = schedule(store, cid)
    with store.read() as session:
        detail = meetings.load_meeting(session, meeting_id)
        child = cases.find_child(session, WITH_PLAN)
    assert detail.schedule.child_invited
    assert (detail.schedule.invitees[-1].name, detail.schedule.invitees[-1].role) == (
        child.full_name, "Child")


def test_wir_2_3_papers_are_recorded_before_the_meeting_and_flagged_until(store):
    cid = child_id(store)
    meeting_id = schedule(store, cid)
    with store.read() as session:
        row = next(r for r in meetings.list_meetings(session, cid, cases.store_policy(session))
                   if r.id == meeting_id)
    assert row.papers_flag == "papers not circulated yet (WIR 2.3)"
    with store.session(ACTOR) as session, pytest.raises(safeguards.SafeguardError) as caught:
        safeguards.record_papers(session, meeting_id, date(2026, 11, 24), TODAY)
    assert caught.value.field == "sent_on" and "still to come" in caught.value.problem
    with store.session(ACTOR) as session:
        safeguards.record_papers(session, meeting_id, TODAY, TODAY)
    with store.read() as session:
        row = next(r for r in meetings.list_meetings(session, cid, cases.store_policy(session))
                   if r.id == meeting_id)
        chronology = record.chronology(session, cid, TODAY)
    assert row.papers_sent_on == TODAY and row.papers_flag == ""
    assert any(e.summary == "Papers for the CIN review meeting circulated" for e in chronology)
    assert any(c.get("papers_sent_on") for c in audit(store, "meeting"))


def test_wir_2_9_a_cancellation_records_who_was_told(store):
    cid = child_id(store)
    meeting_id = schedule(store, cid)
    with store.read() as session:
        invitees = meetings.load_meeting(session, meeting_id).schedule.invitees
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError) as caught:
        meetings.cancel(session, meeting_id, "Chair unwell", told=[invitees[0].name])
    assert caught.value.field == "told"
    assert caught.value.problem.startswith("WIR 2.9: tell everyone invited: not yet told")
    with store.session(ACTOR) as session:
        meetings.cancel(session, meeting_id, "Chair unwell", told=[i.name for i in invitees])
    with store.read() as session:
        chronology = record.chronology(session, cid, TODAY)
    entry = next(e for e in chronology if e.ref == str(meeting_id))
    assert entry.summary == "CIN review meeting cancelled: Chair unwell"
    assert entry.detail.startswith(f"Told: {invitees[0].name}") and "WIR 2.9" in entry.detail


def hold_with_mother_absent(store, cid, meeting_id):
    with store.session(ACTOR) as session:
        draft = meetings.start_minutes(session, meeting_id, ACTOR, datetime(2026, 11, 30, 16))
        minutes = replace(
            draft.minutes, held_on=date(2026, 11, 30),
            attendance=tuple(replace(p, attendance="apologies" if p.is_parent else "present")
                             for p in draft.minutes.attendance),
            decisions=Decisions(True, date(2027, 2, 26), "continue"))
        meetings.finish(session, meeting_id, minutes, actor=ACTOR,
                        now=datetime(2026, 11, 30, 18), draft_id=draft.id)


def test_tra_a_parent_absent_from_a_review_is_due_a_visit_for_agreement(store):
    cid = child_id(store)
    meeting_id = schedule(store, cid)
    hold_with_mother_absent(store, cid, meeting_id)
    with store.read() as session:
        owed = safeguards.agreements(session, cid, meeting_id)
        items = [i for i in due.load_items(session.connection(), date(2026, 12, 1))
                 if i.key == "agreement_visit" and i.child.reference == WITH_PLAN]
    parents = [a.name for a in owed]
    assert parents and all(a.due == date(2026, 12, 7) for a in owed)  # 5 working days
    assert [i.due for i in items] == [date(2026, 12, 7)] * len(parents)
    assert items[0].source == "TRA" and items[0].target == "meetings"
    assert items[0].detail.startswith(f"Visit {parents[0]} to gain agreement to the review")
    with store.session(ACTOR) as session, pytest.raises(safeguards.SafeguardError) as caught:
        safeguards.record_agreement(session, owed[0].id, visited_on=date(2026, 12, 2),
                                    outcome="not_agreed", notes="", by=ACTOR,
                                    today=date(2026, 12, 2))
    assert caught.value.field == "notes"
    with store.session(ACTOR) as session:
        safeguards.record_agreement(session, owed[0].id, visited_on=date(2026, 12, 2),
                                    outcome="agreed", notes="Agrees the new actions", by=ACTOR,
                                    today=date(2026, 12, 2))
    with store.read() as session:
        items = [i for i in due.load_items(session.connection(), date(2026, 12, 2))
                 if i.key == "agreement_visit" and i.child.reference == WITH_PLAN]
        chronology = record.chronology(session, cid, date(2026, 12, 2))
    assert len(items) == len(parents) - 1
    assert any(e.summary == f"{parents[0]} visited after the review (TRA): Agreed the "
               "review's decisions" for e in chronology)
    assert any(c.get("outcome") == ["", "agreed"] for c in audit(store, "meeting_agreement"))


def test_wir_2_10_the_non_engagement_path_is_saved_unfinished_and_completed(store):
    cid = child_id(store)
    with store.session(ACTOR) as session, pytest.raises(safeguards.SafeguardError) as caught:
        safeguards.save_non_engagement(session, cid, NonEngagement(), by=ACTOR, today=TODAY)
    assert caught.value.field == "why" and caught.value.problem.startswith("WIR 2.10:")
    with store.session(ACTOR) as session:
        row = safeguards.save_non_engagement(session, cid, NonEngagement(
            why="Dad's own time in care"), by=ACTOR, today=TODAY)
    assert len(row.missing) == 5 and row.completed_on is None
    with store.session(ACTOR) as session:
        row = safeguards.save_non_engagement(session, cid, NonEngagement(
            *("recorded",) * 6), by=ACTOR, today=date(2026, 11, 25))
    assert row.missing == () and row.completed_on == date(2026, 11, 25)
    assert row.started_on == TODAY  # the same path, carried on
    with store.read() as session:
        chronology = record.chronology(session, cid, date(2026, 11, 25))
    summaries = [e.summary for e in chronology]
    assert "Non-engagement path started (WIR 2.10)" in summaries
    assert "Non-engagement path: every step recorded (WIR 2.10)" in summaries
    assert len(audit(store, "non_engagement")) == 2
