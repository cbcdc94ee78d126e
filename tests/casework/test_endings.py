"""Endings in the store (DOMAIN.md §7): decisions with rationale in the chronology (BEX 4),
the closure path and its clock (BEX 3: family told within 5 working days), the checklist
that blocks closing (TRA), the dispute path (team manager → service manager), and
re-referral as a new episode (WAR 3.4).

Synthetic people only. Each test adds its own child and managers to the demo store, so the
demo's own children may change without breaking these tests.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import caseload, cases, drafts, endings, record
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.conftest import TODAY

ACTOR = "test.worker"
MANAGER, SERVICE, WORKER = "tess.manager", "sam.service", "wendy.worker"


def add_staff(store) -> None:
    with store.session(ACTOR) as session:
        team = session.exec(select(m.Team)).first()
        for username, name, role in ((MANAGER, "Tess Manager", "team_manager"),
                                     (SERVICE, "Sam Service", "service_manager"),
                                     (WORKER, "Wendy Worker", "social_worker")):
            session.add(m.Worker(username=username, name=name, role=role,
                                 team_id=team.id if team else None,
                                 email=f"{username}@example.org"))


def new_child(store, *, first="Sam", dob=date(2018, 5, 4), consent=True,
              referral=date(2026, 3, 2)) -> object:
    """A child on a CIN plan, with a mother, a father without PR, a teacher and a GP."""
    with store.session(ACTOR) as session:
        child = cases.add_child(session, cases.NewChild(
            first_name=first, last_name="Endingtest", dob=dob, referral_date=referral,
            primary_need="N1", referral_source="2A", worker=WORKER), TODAY)
        child.status = "cin_plan"
        cases.current_episode(session, child.id).cin_plan_start = date(2026, 4, 1)
        people = [
            record.PersonInput("Layla Endingtest", "family", "Mother",
                               parental_responsibility=True, lives_with_child=True,
                               address="1 Test Row, Exampleton, EX1 1AA"),
            record.PersonInput("Ivan Endingtest", "family", "Father"),
            record.PersonInput("Ms Hill", "professional", "Class teacher",
                               agency="Hill Primary", role="Class teacher"),
            record.PersonInput("Dr Ames", "professional", "GP", agency="Ames Surgery",
                               role="GP"),
        ]
        added = [record.add_person(session, child.id, p) for p in people]
        if consent:
            record.record_consent(session, child.id, record.ConsentInput(
                "service", "given", date(2026, 3, 10), person_id=added[0].person_id), TODAY)
        return child.id


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    add_staff(s)
    yield s
    s.close()


def walk_to_approved(store, child_id, decided=date(2026, 11, 16)):
    with store.session(ACTOR) as session:
        endings.recommend_closure(session, child_id, on=date(2026, 11, 13), by="Wendy Worker",
                                  today=TODAY, summary="Needs met and held for 6 months.")
        endings.decide_closure(session, child_id, approve=True, rationale="Needs met.",
                               on=decided, today=TODAY, by=MANAGER, actor=ACTOR)


def close(store, child_id, **kw):
    with store.session(ACTOR) as session:
        return endings.complete_closure(session, child_id, endings.CloseInput(**kw), TODAY)


# ---------------------------------------------------------------- decisions (BEX 4)


def test_a_decision_is_in_the_chronology_with_who_and_rationale(store):
    child_id = new_child(store)
    with store.session(ACTOR) as session:
        endings.record_decision(session, child_id, endings.NewDecision(
            "case_direction", "Hold a professionals' meeting", "School and GP disagree",
            date(2026, 11, 20), MANAGER), actor=ACTOR, today=TODAY)
    with store.read() as session:
        entries = [e for e in record.chronology(session, child_id) if e.kind == "decision"]
        summary = record.child_summary(session, child_id, TODAY)
    (entry,) = entries
    assert entry.summary == "Case direction: Hold a professionals' meeting"
    assert entry.who == "Tess Manager (Team manager)"
    assert entry.detail == "Rationale: School and GP disagree"
    assert summary.decisions[0].decision == "Hold a professionals' meeting"


def test_a_decision_without_rationale_is_refused_and_nothing_written(store):
    child_id = new_child(store)
    with pytest.raises(endings.EndingError, match="BEX 4"), store.session(ACTOR) as session:
        endings.record_decision(session, child_id, endings.NewDecision(
            "other", "Something", " ", TODAY, MANAGER), actor=ACTOR, today=TODAY)
    with store.read() as session:
        assert endings.list_decisions(session, child_id) == []


def test_someone_not_on_the_store_decides_with_their_role(store):
    child_id = new_child(store)
    with store.session(ACTOR) as session:
        row = endings.record_decision(session, child_id, endings.NewDecision(
            "other", "Agreed", "Why", TODAY, "Chris Chair", "IRO"), actor=ACTOR, today=TODAY)
        assert (row.made_by, row.made_by_role, row.made_by_id) == ("Chris Chair", "IRO", None)


# ---------------------------------------------------------------- the closure path


def deadline_keys(store, child_id) -> dict:
    with store.read() as session:
        child = session.get(m.Child, child_id)
        return {d.key: d for d in cases.child_deadlines(session, child, TODAY)}


def test_approval_starts_the_5_working_day_clock_and_telling_the_family_stops_it(store):
    child_id = new_child(store)
    walk_to_approved(store, child_id, decided=date(2026, 11, 16))
    clock = deadline_keys(store, child_id)["closure_notification"]
    # BEX 3: Mon 16 Nov + 5 working days = Mon 23 Nov (today): due today.
    assert clock.due == date(2026, 11, 23) and clock.working_days_left == 0
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=date(2026, 11, 20), today=TODAY)
    assert "closure_notification" not in deadline_keys(store, child_id)
    with store.read() as session:
        episode = cases.current_episode(session, child_id)
        assert (episode.closure_decided, episode.family_told_of_closure) == (
            date(2026, 11, 16), date(2026, 11, 20))


def test_only_a_manager_decides(store):
    child_id = new_child(store)
    with store.session(ACTOR) as session:
        endings.recommend_closure(session, child_id, on=TODAY, by="Wendy", today=TODAY)
    with pytest.raises(endings.EndingError, match="closure needs a team manager or service manager; wendy.worker is a social"), \
            store.session(ACTOR) as session:
        endings.decide_closure(session, child_id, approve=True, rationale="ok", on=TODAY,
                               today=TODAY, by=WORKER, actor=ACTOR)


def test_closing_is_blocked_until_recording_is_complete(store):
    child_id = new_child(store, consent=False)
    walk_to_approved(store, child_id)
    with store.session(ACTOR) as session:
        drafts.create(session, "visit", child_id, ACTOR, {"purpose": "half typed"})
    with pytest.raises(endings.ClosureBlocked) as blocked:
        close(store, child_id)
    assert [i.key for i in blocked.value.items] == [
        "no_drafts", "consent", "family_told", "reason", "unmet_need"]
    assert "1 visit draft still unfinished" in str(blocked.value)
    with store.read() as session:
        assert session.get(m.Child, child_id).status == "cin_plan"  # nothing written


def test_a_complete_closure_sets_the_episode_and_takes_the_child_off_the_caseload(store):
    child_id = new_child(store)
    walk_to_approved(store, child_id)
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=date(2026, 11, 18), today=TODAY)
    close(store, child_id, closure_date=date(2026, 11, 20), reason="RC7", unmet_need=False)
    with store.read() as session:
        episode = cases.current_episode(session, child_id)
        ending = endings.closure_ending(session, child_id)
        open_refs = {c.reference for c in caseload.list_children(session, TODAY,
                                                                   open_only=True)}
        child = session.get(m.Child, child_id)
    assert (episode.closure_date, episode.closure_reason, episode.cin_plan_end,
            episode.unmet_need_stepped_down) == (date(2026, 11, 20), "RC7",
                                                 date(2026, 11, 20), False)
    assert child.status == "closed" and child.reference not in open_refs
    assert ending.status == "completed"
    assert ending.closure_summary == "Needs met and held for 6 months."


def book_review(store, child_id) -> tuple[object, list[str]]:
    """A review booked for Tue 12 Jan 2027 (the mother's consent to meet recorded, WIR 2.1,
    2.3): its id, and everyone to tell were it cancelled (WIR 2.9)."""
    from datetime import datetime

    from cintui.casework import meetings
    from cintui.domain.meeting import Schedule

    with store.session(ACTOR) as session:
        mother = next(p for p in record.list_people(session, child_id)
                      if p.relationship == "Mother")
        record.record_consent(session, child_id, record.ConsentInput(
            "meeting", "given", date(2026, 11, 18), person_id=mother.person_id), TODAY)
        invitees = tuple(meetings.invitee_choices(session, child_id))
        meeting_id = meetings.schedule(session, child_id, Schedule(
            "review", datetime(2027, 1, 12, 16, 0), venue="Family home", chair="Wendy Worker",
            chair_role="Social worker", invitees=invitees, child_invited=True),
            now=datetime(2026, 11, 18, 9, 0))
        child = session.get(m.Child, child_id)
    return meeting_id, [p.name for p in invitees] + [child.full_name]


def test_a_review_still_booked_is_cancelled_and_told_before_the_case_closes_wir_2_9(store):
    """WIR 2.9: tell everyone of a cancelled meeting. A case closed with its next review
    still booked left the family and the agencies invited to come to it: closing is refused
    naming the meeting, nothing written; cancelled with everyone told, the case closes."""
    from cintui.casework import meetings

    child_id = new_child(store)
    walk_to_approved(store, child_id)
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=date(2026, 11, 18), today=TODAY)
    meeting_id, told = book_review(store, child_id)
    with pytest.raises(endings.ClosureBlocked) as blocked:
        close(store, child_id, closure_date=date(2026, 11, 20), reason="RC7", unmet_need=False)
    assert [i.key for i in blocked.value.items] == ["no_meetings_booked"]
    assert ("the CIN review meeting of Tue 12 Jan 2027 is still booked: cancel it and tell "
            "everyone invited") in str(blocked.value)
    with store.session(ACTOR) as session:
        assert session.get(m.Child, child_id).status == "cin_plan"  # nothing written
        meetings.cancel(session, meeting_id, "The case closes: needs met", told=told)
    close(store, child_id, closure_date=date(2026, 11, 20), reason="RC7", unmet_need=False)
    with store.read() as session:
        assert session.get(m.Child, child_id).status == "closed"


def test_a_final_meeting_recommending_step_down_prefills_the_recommendation(store):
    child_id = new_child(store)
    with store.session(ACTOR) as session:
        episode = cases.current_episode(session, child_id)
        session.add(m.Meeting(child_id=child_id, episode_id=episode.id, kind="final",
                              held_on=date(2026, 11, 10), held=True, status="held",
                              recommendation="step_down", still_in_need=False))
    with store.session(ACTOR) as session:
        ending = endings.recommend_closure(session, child_id, on=TODAY, by="W", today=TODAY)
        assert (ending.closure_reason, ending.unmet_need) == ("RC7", False)
        assert ending.meeting_id is not None


def test_a_referred_dispute_is_settled_by_the_service_manager_alone_bex_3(store):
    """DOMAIN.md §7 (TRA, BEX 3): disputes go to the team manager, then the service manager.
    Once referred on it is the service manager's: the team manager (or anyone else) who
    records its outcome is refused, naming who it waits on, even with the service manager
    named as deciding; nothing is written."""
    child_id = new_child(store)
    walk_to_approved(store, child_id)
    with store.session(MANAGER) as session:
        endings.raise_dispute(session, child_id, by="Layla Endingtest (mother)",
                              details="Still struggling with the rent", on=date(2026, 11, 17),
                              today=TODAY)
        assert endings.settle_refusal(session, child_id, MANAGER) is None  # theirs first
        endings.settle_dispute(session, child_id, outcome="escalated",
                               rationale="Mother wants a second view", on=date(2026, 11, 18),
                               today=TODAY, actor=MANAGER)
    for actor in (MANAGER, WORKER, ACTOR):
        with store.session(actor) as session, pytest.raises(endings.EndingError) as refused:
            endings.settle_dispute(session, child_id, outcome="upheld", rationale="x",
                                   on=TODAY, today=TODAY, by=SERVICE, actor=actor)
        assert "the dispute waits on the service manager (Morgan Fielding or Sam Service)" \
            in str(refused.value)
    assert str(refused.value).endswith("needs a service manager; test.worker is not a worker "
                                       "on this store")
    with store.read() as session:
        state = endings.closure_state(session, child_id, TODAY)
        assert endings.settle_refusal(session, child_id, SERVICE) is None
    assert state.status == "disputed" and len(state.decisions) == 2  # nothing written
    with store.session(SERVICE) as session:
        endings.settle_dispute(session, child_id, outcome="upheld", rationale="Rent plan agreed",
                               on=TODAY, today=TODAY, actor=SERVICE)
    with store.read() as session:
        assert endings.closure_state(session, child_id, TODAY).status == "approved"


def test_dispute_goes_to_the_team_manager_then_the_service_manager(store):
    child_id = new_child(store)
    walk_to_approved(store, child_id)
    with store.session(ACTOR) as session:
        endings.raise_dispute(session, child_id, by="Layla Endingtest (mother)",
                              details="Still struggling with the rent", on=date(2026, 11, 17),
                              today=TODAY)
        with pytest.raises(endings.EndingError, match="goes to the team manager first"):
            endings.settle_dispute(session, child_id, outcome="upheld", rationale="x",
                                   on=TODAY, today=TODAY, by=WORKER, actor=ACTOR)
        endings.settle_dispute(session, child_id, outcome="escalated",
                               rationale="Mother wants a second view", on=date(2026, 11, 18),
                               today=TODAY, by=MANAGER, actor=ACTOR)
    with pytest.raises(endings.ClosureBlocked, match="dispute"):
        close(store, child_id, reason="RC7", unmet_need=False)
    with store.session(SERVICE) as session:
        with pytest.raises(endings.EndingError, match="settling it needs a service manager; tess.manager is a team manager"):
            endings.settle_dispute(session, child_id, outcome="upheld", rationale="x",
                                   on=TODAY, today=TODAY, by=MANAGER, actor=SERVICE)
        endings.settle_dispute(session, child_id, outcome="upheld",
                               rationale="Rent plan in place with housing", on=TODAY,
                               today=TODAY, by=SERVICE, actor=SERVICE)
    with store.read() as session:
        state = endings.closure_state(session, child_id, TODAY)
    assert state.status == "approved"
    assert [(d.kind, d.made_by) for d in state.decisions] == [
        ("closure", "Tess Manager"), ("dispute", "Tess Manager"), ("dispute", "Sam Service")]
    assert state.decisions[-1].decision == ("Dispute by Layla Endingtest (mother): closure "
                                            "decision upheld")


# ---------------------------------------------------------------- re-referral


def test_rereferral_opens_a_new_episode_and_keeps_the_old_one(store):
    child_id = new_child(store)
    walk_to_approved(store, child_id)
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=date(2026, 11, 16), today=TODAY)
    close(store, child_id, closure_date=date(2026, 11, 16), reason="RC7", unmet_need=False)
    with store.session(ACTOR) as session:
        with pytest.raises(endings.EndingError, match="before the last closure"):
            endings.rerefer(session, child_id, on=date(2026, 11, 13), source="3A", need=None,
                            today=TODAY)
        endings.rerefer(session, child_id, on=TODAY, source="3a", need="N2", today=TODAY)
    with store.read() as session:
        rows = endings.episodes(session, child_id)
        child = session.get(m.Child, child_id)
        summary = record.child_summary(session, child_id, TODAY)
        chronology = record.chronology(session, child_id)
    assert [(r.number, r.closure_reason, r.days_since_last_closure, r.band) for r in rows] == [
        (1, "RC7", None, None), (2, None, 7, "within 1 month")]
    assert (child.status, child.primary_need) == ("referral", "N2")
    assert summary.episodes[1].startswith("2. referred 23 Nov 2026 (re-referral, 7 days")
    assert any("re-referral, 7 days after the last closure" in e.summary for e in chronology)
    assert any(e.summary.startswith("Case closed") for e in chronology)  # still readable


def test_the_closure_ends_the_plan_in_force_with_no_review_wir_3(store):
    """WIR 3, TRA: a closure ends the plan in force with the case, as a final meeting does.
    The Summary's line says so with the day and asks for nothing more: no review, and not
    "p opens the plan, then a adds a need" of a plan with no needs; the plan itself is not
    re-opened (a re-referral opens a new episode)."""
    from cintui.casework import plans

    child_id = new_child(store)
    with store.session(ACTOR) as session:
        draft = plans.start_version(session, child_id, date(2026, 11, 2), by=ACTOR)
        plans.agree_version(session, draft, date(2026, 11, 2), agreed_by="Tess Manager")
        assert plans.headline(session, child_id).startswith(
            "version 1 (agreed 2 Nov 2026): no needs yet (p opens the plan, then a adds")
    walk_to_approved(store, child_id)
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=date(2026, 11, 16), today=TODAY)
    close(store, child_id, closure_date=date(2026, 11, 18), reason="RC1", unmet_need=False,
          summary="Adopted")
    with store.read() as session:
        assert plans.headline(session, child_id) == (
            "version 1 (agreed 2 Nov 2026): no needs, no further review: the plan ended "
            "at the closure on 18 Nov 2026")
        version = plans.current_plan(session, child_id)
        assert (version.ended_on, version.ended_by, version.next_review) == (
            date(2026, 11, 18), "closure", None)
        said = plans.ended(session, child_id)
        ref = session.get(m.Child, child_id).reference
    assert said == (f"{ref}: an ended plan is not re-opened (WIR 3, TRA): the plan ended at the "
                    "closure on 18 Nov 2026: no further review; a re-referral opens a new "
                    f"episode: cintui child rerefer {ref} (R on the record)")
    with store.session(ACTOR) as session, pytest.raises(plans.PlanEnded):
        plans.start_version(session, child_id, TODAY, by=ACTOR)
