"""Nothing statutory is recorded as done on a case after it closed (TRA, BEX 3 closure;
WIR 2.11 visits; WAR 3.4 re-referral), on both stores: a visit, a meeting booked or held, a
supervision, a GCP2 or a scaling dated after the closure day is refused in one line naming
the child, the closure and the way forward, and nothing is written. What was done by the
closure day may be recorded later; a decision after it is recorded; a re-referred child
takes visits again. Synthetic children added to the demo store."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from cintui.casework import endings, gcp2, meetings, supervision, visits
from cintui.casework import signs_of_safety as sos
from cintui.casework.signs_of_safety import ScoreEntry
from cintui.domain.meeting import Schedule, minutes_for
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.casework.test_endings import (
    ACTOR,
    MANAGER,
    add_staff,
    close,
    new_child,
    walk_to_approved,
)
from tests.conftest import TODAY

CLOSED = date(2026, 11, 16)
NOW = datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    add_staff(s)
    yield s
    s.close()


def closed_child(store, first="Mila"):
    """A child whose case closed on Mon 16 Nov 2026 (the closure path: recommended,
    approved, family told, closed), with a visit of 10 Nov."""
    child_id = new_child(store, first=first)
    with store.session(ACTOR) as session:
        visits.finalise(session, child_id, visit(datetime(2026, 11, 10, 15, 0)), actor=ACTOR,
                        now=datetime(2026, 11, 10, 18, 0))
    walk_to_approved(store, child_id, decided=CLOSED)
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=CLOSED, today=TODAY)
    close(store, child_id, closure_date=CLOSED, reason="RC1", unmet_need=False)
    with store.read() as session:
        reference = session.get(m.Child, child_id).reference
    return child_id, reference


def visit(at: datetime) -> visits.VisitContent:
    return visits.with_facts(visits.new_content(at), purpose="Statutory visit",
                             analysis="Seen alone in her bedroom.", seen_alone=True,
                             bedroom_seen=True)


def counts(store) -> tuple[int, ...]:
    """Visits, meetings, supervisions, GCP2s, scalings and audit entries on the store."""
    with store.read() as session:
        return tuple(session.exec(select(func.count()).select_from(t)).one() for t in (
            m.Visit, m.Meeting, m.Supervision, m.Gcp2Assessment, m.SafetyScaling, m.AuditEntry))


def test_tra_bex_3_a_visit_after_the_closure_is_refused_naming_the_way_forward(store):
    child_id, ref = closed_child(store)
    before = counts(store)
    with store.session(ACTOR) as session, pytest.raises(visits.VisitError) as refused:
        visits.finalise(session, child_id, visit(datetime(2026, 11, 20, 10, 0)), actor=ACTOR,
                        now=NOW)
    assert refused.value.field == "visited_at"
    assert refused.value.problem == (
        f"{ref}'s case closed on 16 Nov 2026: a visit on 20 Nov 2026 needs the case open again "
        f"(re-referral: `cintui child rerefer {ref} --date DATE --source SOURCE`, or R on the "
        "record, or Ctrl+P → re-refer)")
    assert counts(store) == before  # nothing written


def test_a_visit_of_the_closure_day_typed_a_week_later_is_recorded(store):
    """Late recording is normal: the visit was made while the case was open (WIR 2.11)."""
    child_id, _ref = closed_child(store)
    with store.session(ACTOR) as session:
        visits.finalise(session, child_id, visit(datetime(2026, 11, 16, 11, 0)), actor=ACTOR,
                        now=NOW)
    with store.read() as session:
        days = [v.content.visited_at.date() for v in visits.child_visits(session, child_id)]
    assert days == [date(2026, 11, 10), CLOSED]


def test_war_3_4_a_re_referred_child_takes_visits_again_but_not_in_the_closed_weeks(store):
    child_id, ref = closed_child(store)
    with store.session(ACTOR) as session:
        endings.rerefer(session, child_id, on=date(2026, 11, 20), source="3A", need=None,
                        today=TODAY)
    with store.session(ACTOR) as session:
        visits.finalise(session, child_id, visit(datetime(2026, 11, 23, 9, 0)), actor=ACTOR,
                        now=NOW)
    with store.session(ACTOR) as session, pytest.raises(visits.VisitError) as refused:
        visits.finalise(session, child_id, visit(datetime(2026, 11, 18, 9, 0)), actor=ACTOR,
                        now=NOW)
    assert refused.value.problem == (
        f"{ref}'s case was closed from 16 Nov 2026 until its re-referral on 20 Nov 2026: a "
        "visit on 18 Nov 2026 falls between (date it on or before 16 Nov 2026, or from 20 Nov "
        "2026)")


def test_tra_bex_3_no_meeting_is_booked_or_held_on_a_closed_case(store):
    child_id, ref = closed_child(store)
    with store.session(ACTOR) as session:
        invitees = tuple(meetings.invitee_choices(session, child_id))
    before = counts(store)
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError) as refused:
        meetings.schedule(session, child_id, Schedule(
            "review", datetime(2026, 12, 8, 16, 0), venue="Family home",
            chair="Wendy Worker", chair_role="Social worker", invitees=invitees),
            now=NOW)
    assert refused.value.problem.startswith(
        f"{ref}'s case closed on 16 Nov 2026: a meeting on 8 Dec 2026 needs the case open")
    assert counts(store) == before
    # A review booked before (as a laptop's sync may bring one): not held after the closure.
    with store.session(ACTOR) as session:
        episode = session.exec(select(m.Episode).where(m.Episode.child_id == child_id)).one()
        row = m.Meeting(child_id=child_id, episode_id=episode.id, kind="review",
                        held_on=date(2026, 11, 20), status="scheduled",
                        starts_at=datetime(2026, 11, 20, 16, 0, tzinfo=UTC))
        session.add(row)
        meeting_id = row.id
    with store.session(ACTOR) as session, pytest.raises(meetings.MeetingError) as refused:
        meetings.finish(session, meeting_id, minutes_for(None, "review", date(2026, 11, 20), ()),
                        actor=ACTOR, now=NOW)
    assert refused.value.problem.startswith(
        f"{ref}'s case closed on 16 Nov 2026: the CIN review meeting held on 20 Nov 2026 "
        "needs the case open again")
    with store.read() as session:
        assert session.get(m.Meeting, meeting_id).status == "scheduled"


def test_tra_bex_3_no_supervision_gcp2_or_scaling_of_a_closed_case(store):
    child_id, ref = closed_child(store)
    before = counts(store)
    after = date(2026, 11, 20)
    with store.session(MANAGER) as session, pytest.raises(supervision.SupervisionError) as s:
        supervision.record_supervision(session, child_id, supervision.NewSupervision(
            held_on=after, present="Wendy Worker", discussion="Attendance",
            decisions="Plan continues", by=MANAGER), actor=MANAGER, today=TODAY)
    with store.session(ACTOR) as session, pytest.raises(gcp2.Gcp2Error) as g:
        gcp2.record(session, child_id, on=after, assessor="Wendy Worker",
                    grades={"physical": 4, "safety": 2, "love": 2, "esteem": 3},
                    summary="Food short", recorded_by="W", today=TODAY)
    with store.session(ACTOR) as session, pytest.raises(sos.SafetyError) as k:
        sos.record_scaling(session, child_id, on=after, entries=(
            ScoreEntry("Layla Endingtest", "Mother", 7, "Better"),), recorded_by="W",
            today=TODAY)
    for refused, what in ((s, "a supervision"), (g, "a GCP2 assessment"), (k, "a scaling")):
        assert refused.value.problem.startswith(
            f"{ref}'s case closed on 16 Nov 2026: {what} on 20 Nov 2026 needs the case open")
    assert counts(store) == before


def test_tra_bex_3_the_closure_is_said_first_whatever_else_is_missing(store):
    """TRA, BEX 3: nothing else matters on a closed case. A supervision, GCP2, danger
    statement, scaling, FGC referral, short break or visit dated after the closure, with
    nothing else filled in, said first what else was missing ("say what was discussed", a
    grade, the purpose); the closure was said only once all that was put right. Now the
    closure comes first, as for a meeting; nothing is written."""
    from cintui.casework import fgc, short_breaks

    child_id, ref = closed_child(store)
    before = counts(store)
    after = date(2026, 11, 20)
    said = []
    for who, record in (
        (MANAGER, lambda s: supervision.record_supervision(s, child_id, supervision.
         NewSupervision(held_on=after, present="", discussion="", decisions="", by=MANAGER),
         actor=MANAGER, today=TODAY)),
        (ACTOR, lambda s: gcp2.record(s, child_id, on=after, assessor="", grades={},
                                      summary="", recorded_by="W", today=TODAY)),
        (ACTOR, lambda s: sos.record_statement(s, child_id, kind="danger", text="", on=after,
                                               by="W", today=TODAY)),
        (ACTOR, lambda s: sos.record_scaling(s, child_id, on=after, entries=(),
                                             recorded_by="W", today=TODAY)),
        (ACTOR, lambda s: fgc.refer(s, child_id, on=after, by="W", coordinator="",
                                    today=TODAY)),
        (ACTOR, lambda s: short_breaks.add_short_break(s, child_id, short_breaks.
         ShortBreakInput(provider="", kind="", hours=None, per="", started_on=after),
         by="W")),
        (ACTOR, lambda s: visits.finalise(s, child_id, visits.new_content(
            datetime(2026, 11, 20, 10, 0)), actor=ACTOR, now=NOW)),
    ):
        with store.session(who) as session, pytest.raises(ValueError) as refused:
            record(session)
        said.append(refused.value.problem)
    assert [p.split(" on 20 Nov 2026")[0] for p in said] == [
        f"{ref}'s case closed on 16 Nov 2026: {what}" for what in (
            "a supervision", "a GCP2 assessment", "a danger statement", "a scaling",
            "a referral to a Family Group Conference", "a short break starting",
            "a visit")]
    assert counts(store) == before


def test_a_decision_after_the_closure_is_still_recorded_bex_4(store):
    """Management decisions, disputes and letters follow the closure: not casework."""
    child_id, _ref = closed_child(store)
    with store.session(ACTOR) as session:
        endings.record_decision(session, child_id, endings.NewDecision(
            "other", "Reply to the family's complaint", "The family asked why",
            date(2026, 11, 20), MANAGER), actor=ACTOR, today=TODAY)
    with store.read() as session:
        assert session.exec(select(m.Decision).where(
            m.Decision.child_id == child_id, m.Decision.made_on == date(2026, 11, 20))).first()
