"""What waits for a manager's decision (cintui.domain.waiting, casework.team), from an empty
store set up as a team would: each step only a manager may take appears when the worker has
done theirs and goes when the manager has decided. Synthetic people only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from cintui.casework import admin, cases, endings, record
from cintui.casework import steps as cs
from cintui.casework.team import waiting_for_manager
from cintui.domain.calendar import england_calendar, england_time
from cintui.domain.steps import Referral
from cintui.domain.waiting import Waiting, oldest_first
from cintui.store.engine import open_store
from tests.casework.test_steps import TEXTS
from tests.conftest import TODAY

ACTOR = "amira.ashdown"


@pytest.fixture
def store(new_db):
    """South (Tom manages Amira) and North (Cara); Leo is Amira's, Mia Cara's."""
    s = open_store(new_db("team.db"), None)
    with s.session("setup") as session:
        admin.add_team(session, admin.TeamInput("Safeguarding South", "Support"))
        admin.add_team(session, admin.TeamInput("Disability North", "Disability"))
        for username, name, role, team in (
                ("tom.hale", "Tom Hale", "TM", "south"),
                ("amira.ashdown", "Amira Ashdown", "social worker", "south"),
                ("cara.dune", "Cara Dune", "social worker", "north")):
            admin.add_worker(session, username, admin.WorkerInput(name, role, team, ""))
    yield s
    s.close()


def add(store, first: str, worker: str):
    with store.session(ACTOR) as session:
        return cases.add_child(session, cases.NewChild(
            first_name=first, last_name="Waits", dob=date(2017, 5, 2),
            referral_date=date(2026, 9, 1), worker=worker), TODAY).id


def sent(store, child_id, on: date = date(2026, 10, 12)) -> None:
    """The worker's part of the assessment, sent to the line manager (TRA)."""
    with store.session(ACTOR) as session:
        cs.record_referral(session, child_id, Referral(
            source="police", need="abuse or neglect", route="mash", decision="assessment",
            decided_on=date(2026, 9, 1), decided_by="tom.hale"), today=TODAY, actor=ACTOR)
        cs.start_assessment(session, child_id, date(2026, 9, 2), TODAY)
        cs.write_record(session, child_id, TEXTS)
        cs.set_factors(session, child_id, ["neglect"])
        cs.set_outcome(session, child_id, "cin_plan")
        cs.complete_assessment(session, child_id, on, TODAY)


def waiting(store, team: str | None = None) -> list[tuple[str, str, date, str]]:
    with store.read() as session:
        found = waiting_for_manager(session, team)
    assert all(w.team == {"Leo Waits": "Safeguarding South", "Mia Waits": "Disability North"}[
        w.name] for w in found)  # each with the child's team
    return [(w.name, w.kind, w.since, w.by) for w in found]


@pytest.mark.both_stores
def test_each_managers_step_waits_until_the_manager_has_taken_it_tra_bex_3(store):
    leo, mia = add(store, "Leo", "amira.ashdown"), add(store, "Mia", "cara.dune")
    assert waiting(store) == []  # a referral waits for its worker, not a manager
    sent(store, leo)
    sent(store, mia, on=date(2026, 10, 9))
    # Every team's, the longest waiting first; or one team's.
    assert waiting(store) == [("Mia Waits", "assessment", date(2026, 10, 9), ""),
                              ("Leo Waits", "assessment", date(2026, 10, 12), "")]
    assert waiting(store, "Safeguarding South") == [
        ("Leo Waits", "assessment", date(2026, 10, 12), "")]
    with store.session(ACTOR) as session:  # TRA: the line manager authorises
        cs.authorise_assessment(session, leo, date(2026, 10, 13), today=TODAY, by="tom.hale",
                                actor=ACTOR)
    # A CIN plan as the outcome: its start is the manager's too (TRA).
    assert waiting(store, "Safeguarding South") == [
        ("Leo Waits", "plan_start", date(2026, 10, 13), "")]
    with store.session(ACTOR) as session:
        cs.start_plan(session, leo, date(2026, 10, 14), today=TODAY, by="tom.hale",
                      actor=ACTOR)
    assert waiting(store, "Safeguarding South") == []
    # TRA, BEX 3: the review (or the worker) recommends closure; the team manager decides.
    with store.session(ACTOR) as session:
        endings.recommend_closure(session, leo, on=date(2026, 11, 13), by="Amira Ashdown",
                                  today=TODAY)
    assert waiting(store, "Safeguarding South") == [
        ("Leo Waits", "closure", date(2026, 11, 13), "Amira Ashdown")]
    with store.session(ACTOR) as session:
        endings.decide_closure(session, leo, approve=True, rationale="Needs met.",
                               on=date(2026, 11, 16), today=TODAY, by="tom.hale", actor=ACTOR)
    assert waiting(store, "Safeguarding South") == []
    # A dispute goes back to the team manager (BEX 3).
    with store.session(ACTOR) as session:
        endings.raise_dispute(session, leo, by="Leo's mum", details="Not ready.",
                              on=date(2026, 11, 18), today=TODAY)
    assert waiting(store, "Safeguarding South") == [
        ("Leo Waits", "dispute", date(2026, 11, 18), "Leo's mum")]
    assert waiting(store, "Disability North") == [
        ("Mia Waits", "assessment", date(2026, 10, 9), "")]


def test_how_long_a_decision_has_waited_is_counted_in_working_days():
    cal = england_calendar()
    w = Waiting("id", "CIN1", "Leo Waits", "Amira", "closure", date(2026, 11, 13),
                "Amira Ashdown")
    # Fri 13 Nov to Mon 23 Nov: 6 working days (the weekends not counted).
    assert w.days(TODAY, cal) == 6
    assert w.describe_since(TODAY, cal) == ("recommended 13 Nov by Amira Ashdown, "
                                            "6 working days")
    assert w.describe_since(TODAY, cal, short=True) == "13 Nov, 6 days"
    assert w.describe_since(date(2026, 11, 13), cal, short=True) == "13 Nov, today"
    assert w.as_json(TODAY, cal) == {
        "child": "CIN1", "name": "Leo Waits", "worker": "Amira", "team": "",
        "waiting_for": "closure",
        "what": "decide the closure recommended (TRA, BEX 3)", "since": "2026-11-13",
        "by": "Amira Ashdown", "working_days": 6}
    later = Waiting("id2", "CIN2", "Ada Brook", "Amira", "assessment", date(2026, 11, 20))
    assert oldest_first([later, w]) == [w, later]


def closure_before_the_plan(store):
    """Leo's assessment authorised with "a CIN plan" on 13 Oct; closure recommended on 20 Oct,
    before the plan started (the family moved on, the need met)."""
    leo = add(store, "Leo", "amira.ashdown")
    sent(store, leo)
    with store.session(ACTOR) as session:
        cs.authorise_assessment(session, leo, date(2026, 10, 13), today=TODAY, by="tom.hale",
                                actor=ACTOR)
        endings.recommend_closure(session, leo, on=date(2026, 10, 20), by="Amira Ashdown",
                                  today=TODAY)
    return leo


def decide(store, leo, approve: bool) -> None:
    with store.session(ACTOR) as session:
        endings.decide_closure(session, leo, approve=approve, rationale="Needs met." if approve
                               else "Needs remain.", on=date(2026, 10, 21), today=TODAY,
                               by="tom.hale", actor=ACTOR)


@pytest.mark.both_stores
def test_a_plan_start_is_not_asked_for_once_the_case_is_being_closed_tra_bex_3(store):
    """TRA, BEX 3: closure recommended before the plan started: the manager decides the
    closure, and once it is approved nothing is left asking to authorise a plan that will
    not start; the case steps and the record say the closure comes next."""
    leo = closure_before_the_plan(store)
    assert waiting(store) == [("Leo Waits", "closure", date(2026, 10, 20), "Amira Ashdown")]
    decide(store, leo, approve=True)
    assert waiting(store) == []
    with store.read() as session:  # the case steps and the record say what comes next
        assert cs.case_steps(session, leo).next_step.startswith(
            "Closure approved: the plan does not start")
        assert record.child_summary(session, leo, TODAY).next_step.startswith(
            "Closure approved: the plan does not start")
    # Disputed: the dispute waits, still not the plan's start.
    with store.session(ACTOR) as session:
        endings.raise_dispute(session, leo, by="Leo's mum", details="Not ready.",
                              on=date(2026, 10, 22), today=TODAY)
    assert waiting(store) == [("Leo Waits", "dispute", date(2026, 10, 22), "Leo's mum")]


@pytest.mark.both_stores
def test_a_closure_declined_before_the_plan_started_asks_for_the_plan_start_again_tra(store):
    leo = closure_before_the_plan(store)
    decide(store, leo, approve=False)
    assert waiting(store) == [("Leo Waits", "plan_start", date(2026, 10, 13), "")]


def recorded(day: date, hour: int = 18) -> dict:
    """When a laptop recorded a row (its created_at and updated_at, as its sync writes them):
    what the manager's list counts the wait from (TRA, BEX 3)."""
    at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return {"created_at": at, "updated_at": at}


def closed_with_a_later_visit(store, child_id, author: str) -> None:
    """The case closed on Fri 20 Nov 2026 on the server; a visit of 20 Nov and one of Sat 21
    Nov arrive afterwards from a laptop (as its sync writes them: finalised rows, each
    recorded the day of the visit)."""
    from cintui.store import models as m

    with store.session(ACTOR) as session:
        child = session.get(m.Child, child_id)
        episode = session.get(m.Episode, cases.current_episode(session, child_id).id)
        episode.closure_date, episode.closure_reason = date(2026, 11, 20), "RC1"
        child.status = "closed"
    with store.session(ACTOR) as session:
        for day in (20, 21):
            session.add(m.Visit(
                child_id=child_id, visited_at=datetime(2026, 11, day, 10, 0, tzinfo=UTC),
                kind="home", child_seen=True, seen_alone=True, bedroom_seen=True,
                status="final", author_name=author, purpose="Check on the family",
                analysis="Seen alone", finalised_at=datetime(2026, 11, day, 12, 0, tzinfo=UTC),
                **recorded(date(2026, 11, day))))


@pytest.mark.both_stores
def test_a_visit_after_the_closure_waits_for_the_manager_until_rereferral_or_decision(store):
    """TRA, BEX 3: a visit dated after the case closed (a laptop's, recorded offline) is kept,
    and the manager finds it in the list of what waits for them, dated the day of the visit
    and by whom; the visit of the closure day itself is not listed. A re-referral from the
    day of the visit (WAR 3.4) or a decision recorded since (BEX 4) ends the wait."""
    leo, mia = add(store, "Leo", "amira.ashdown"), add(store, "Mia", "cara.dune")
    closed_with_a_later_visit(store, leo, "Amira Ashdown")
    closed_with_a_later_visit(store, mia, "Cara Dune")
    assert waiting(store) == [
        ("Leo Waits", "after_closure", date(2026, 11, 21), "Amira Ashdown"),
        ("Mia Waits", "after_closure", date(2026, 11, 21), "Cara Dune")]
    assert waiting(store, "Disability North") == [
        ("Mia Waits", "after_closure", date(2026, 11, 21), "Cara Dune")]
    with store.session(ACTOR) as session:
        endings.rerefer(session, leo, on=date(2026, 11, 21), source="3A", need=None,
                        today=TODAY)
    with store.session("tom.hale") as session:
        endings.record_decision(session, mia, endings.NewDecision(
            "case_direction", "The case stays closed; the visit is kept on the record",
            "The family had moved; it was a goodbye visit", date(2026, 11, 23), "tom.hale"),
            actor="tom.hale", today=TODAY)
    assert waiting(store) == []


@pytest.mark.both_stores
def test_a_decision_answers_casework_only_once_it_reached_the_server_bex_4_tra(store):
    """BEX 4, TRA: Cara's laptop recorded, offline, a visit on Sat 21 Nov (the case had
    closed on the server as of 20 Nov). Tom decided on Mia on Mon 23 Nov, before the laptop
    synced on Tue 24 Nov (`device_entry.arrived_at`, as the server keeps what arrived): his
    decision had not seen the visit, so the visit still waits for him; it said nothing
    (the decision, saved after the laptop's clock recorded the visit, seemed to answer it).
    His decision of 25 Nov, made after it arrived, answers it; a later correction of its
    analysis does not bring it anew. Read as the team view reads a file (its plain
    connection) and through a session alike."""
    from cintui.store import models as m

    mia = add(store, "Mia", "cara.dune")
    closed_with_a_later_visit(store, mia, "Cara Dune")

    def decide(on: date) -> None:
        with store.session("tom.hale") as session:
            endings.record_decision(session, mia, endings.NewDecision(
                "case_direction", "The case stays closed", "The family moved away", on,
                "tom.hale"), actor="tom.hale", today=on)
            [made] = [d for d in session.exec(select(m.Decision)).all() if d.made_on == on]
            made.created_at = made.updated_at = datetime(on.year, on.month, on.day, 9,
                                                          tzinfo=UTC)

    decide(date(2026, 11, 23))
    with store.read() as session:
        [visit] = [v.id for v in session.exec(select(m.Visit)).all()
                   if england_time(v.visited_at).day == 21]
    def arrived(seq: int, action: str, changes: str, day: int) -> None:
        with store.engine.begin() as conn:  # as the sync keeps a laptop's entry (sync.py)
            conn.execute(m.DeviceEntry.__table__.insert(), {
                "device": "cara-laptop", "seq": seq,
                "at": datetime(2026, 11, 21, 18, tzinfo=UTC), "actor": "cara.dune",
                "action": action, "entity": "visit", "entity_id": visit.hex,
                "changes": changes, "prev_hash": "0" * 64, "hash": "1" * 64,
                "arrived_at": datetime(2026, 11, day, 8, tzinfo=UTC)})

    arrived(7, "insert", '{"purpose":[null,"Check on the family"]}', 24)
    visit_waits = [("Mia Waits", "decide on a visit after the closure (BEX 3)",
                    date(2026, 11, 21), "Cara Dune")]
    assert kept_waiting(store) == visit_waits
    assert kept_waiting(store, raw=True) == visit_waits
    decide(date(2026, 11, 25))
    assert kept_waiting(store) == kept_waiting(store, raw=True) == []
    # Its analysis corrected on the laptop, arriving on 26 Nov, does not bring it anew: the
    # visit the decision answered still stands as it was.
    arrived(8, "update", '{"analysis":["Seen alone","Seen alone in her room"]}', 26)
    assert kept_waiting(store) == kept_waiting(store, raw=True) == []


def closed_with_later_casework(store, child_id, by: str) -> None:
    """The case closed on Fri 20 Nov 2026 on the server; casework of every other kind a
    laptop may record offline arrives afterwards (as its sync writes it: the rows whole),
    each once on the closure day itself (in order: not listed) and once from 21 Nov, each
    recorded its own day, but the meeting booked the day before its day."""
    from cintui.store import models as m

    with store.session(ACTOR) as session:
        child = session.get(m.Child, child_id)
        episode = session.get(m.Episode, cases.current_episode(session, child_id).id)
        episode.closure_date, episode.closure_reason = date(2026, 11, 20), "RC1"
        child.status = "closed"
    for late in (0, 1):
        def on(day: int, late: int = late) -> date:
            return date(2026, 11, 20 + late * day)

        with store.session(ACTOR) as session:
            session.add_all([
                m.Meeting(child_id=child_id, kind="review", held_on=on(1), held=True,
                          status="held", chair=by,
                          starts_at=datetime(2026, 11, on(1).day, 10, tzinfo=UTC), **recorded(on(1))),
                m.Meeting(child_id=child_id, kind="review", held_on=on(2), status="scheduled",
                          starts_at=datetime(2026, 11, on(2).day, 10, tzinfo=UTC), booked_by=by,
                          **recorded(on(1))),
                m.Supervision(child_id=child_id, held_on=on(3), manager=by, **recorded(on(3))),
                m.Gcp2Assessment(child_id=child_id, assessed_on=on(4), assessor=by,
                                 physical=3, safety=3, love=3, esteem=3, recorded_by=by,
                                 **recorded(on(4))),
                m.SafetyStatement(child_id=child_id, kind="danger", number=1 + late,
                                  written_on=on(5), text="Danger", by=by, **recorded(on(5))),
                m.SafetyStatement(child_id=child_id, kind="goal", number=1 + late,
                                  written_on=on(5), text="Goal", by=by, **recorded(on(5))),
                *(m.SafetyScaling(child_id=child_id, scaled_on=on(6), score=5, who=who,
                                  role="mum", recorded_by=by, **recorded(on(6))) for who in ("Ann", "Bo")),
                m.FamilyGroupConference(child_id=child_id, status="referred",
                                        referred_on=on(7), referred_by=by,
                                        **recorded(on(7))),
                m.FamilyGroupConference(child_id=child_id, status="held", referred_on=on(1),
                                        held_on=on(8), referred_by=by,
                                        **recorded(on(8))),
                m.ShortBreak(child_id=child_id, provider="Oak House", kind="day", hours=6,
                             per="week", started_on=on(9), review_due=date(2027, 5, 1),
                             recorded_by=by, **recorded(on(9))),
                m.DirectPayment(child_id=child_id, period="month", managed_by="Mum",
                                started_on=on(10), review_due=date(2027, 5, 1),
                                recorded_by=by, **recorded(on(10)))])


KEPT_WORDS = [  # each kind in its own words, the day of each, by whom (TRA, BEX 3)
    ("decide on a meeting held after the closure (BEX 3)", date(2026, 11, 21), "Amira Ashdown"),
    ("decide on a meeting booked after the closure (BEX 3)", date(2026, 11, 22),
     "Amira Ashdown"),  # who booked it (`meeting.booked_by`)
    ("decide on a supervision after the closure (BEX 3)", date(2026, 11, 23), "Amira Ashdown"),
    ("decide on a GCP2 assessment after the closure (BEX 3)", date(2026, 11, 24),
     "Amira Ashdown"),
    ("decide on a danger statement after the closure (BEX 3)", date(2026, 11, 25),
     "Amira Ashdown"),
    ("decide on a safety goal after the closure (BEX 3)", date(2026, 11, 25), "Amira Ashdown"),
    ("decide on a scaling after the closure (BEX 3)", date(2026, 11, 26), "Amira Ashdown"),
    ("decide on an FGC referral after the closure (BEX 3)", date(2026, 11, 27),
     "Amira Ashdown"),
    ("decide on an FGC held after the closure (BEX 3)", date(2026, 11, 28), "Amira Ashdown"),
    ("decide on a short break after the closure (BEX 3)", date(2026, 11, 29), "Amira Ashdown"),
    ("decide on a direct payment after the closure (BEX 3)", date(2026, 11, 30),
     "Amira Ashdown")]


def kept_waiting(store, raw: bool = False) -> list[tuple[str, str, date, str]]:
    """What waits, as the team view reads it (`raw`: the app's and the CLI's plain
    connection to a file, not a session)."""
    if raw:
        from cintui.casework.caseload import reading

        with reading(store) as rows:
            found = waiting_for_manager(rows)
    else:
        with store.read() as session:
            found = waiting_for_manager(session)
    return [(w.name, w.what, w.on, w.by) for w in found if w.kind == "after_closure"]


@pytest.mark.both_stores
def test_every_kind_of_casework_after_the_closure_waits_for_the_manager_in_its_words(store):
    """TRA, BEX 3: a meeting held or booked, a supervision, a GCP2, Signs of Safety, an FGC
    referred or held, a short break or direct payment starting, dated after the case closed
    (a laptop's, kept by the sync), each waits for the manager in its own words, dated its
    own day, and by whom, as a visit does; what is dated the closure day itself does not.
    A decision recorded since (BEX 4) ends the wait for them all (it listed none of them)."""
    mia = add(store, "Mia", "cara.dune")
    closed_with_later_casework(store, mia, "Amira Ashdown")
    expected = [("Mia Waits", *w) for w in KEPT_WORDS]
    assert kept_waiting(store) == expected
    with store.read() as session:  # each waits from when it was recorded (the booking: 21 Nov)
        assert [w.since for w in waiting_for_manager(session)] == [
            date(2026, 11, 21), date(2026, 11, 21), *(on for _, on, _ in KEPT_WORDS[2:])]
    if store.path is not None:
        assert kept_waiting(store, raw=True) == expected
    with store.session("tom.hale") as session:
        endings.record_decision(session, mia, endings.NewDecision(
            "case_direction", "The case stays closed; what was recorded is kept",
            "The family had moved", date(2026, 11, 30), "tom.hale"),
            actor="tom.hale", today=date(2026, 11, 30))
    assert kept_waiting(store) == []


@pytest.mark.both_stores
def test_casework_kept_after_a_closure_waits_from_when_it_was_recorded_tra_bex_3(store):
    """TRA, BEX 3: on Fri 20 Nov a laptop recorded offline, after the case closed on the
    server as of 19 Nov, a visit of that morning and a meeting booked for 18 Dec. Each waits
    from when it was recorded: on Mon 23 Nov both have waited a working day. The booking read
    "today" until 18 Dec (its wait was counted from the meeting's day)."""
    from cintui.store import models as m

    mia = add(store, "Mia", "cara.dune")
    with store.session(ACTOR) as session:
        child = session.get(m.Child, mia)
        episode = session.get(m.Episode, cases.current_episode(session, mia).id)
        episode.closure_date, episode.closure_reason = date(2026, 11, 19), "RC1"
        child.status = "closed"
    with store.session(ACTOR) as session:
        session.add_all([
            m.Meeting(child_id=mia, kind="review", held_on=date(2026, 12, 18),
                      status="scheduled", starts_at=datetime(2026, 12, 18, 10, tzinfo=UTC),
                      **recorded(date(2026, 11, 20), hour=15)),
            m.Visit(child_id=mia, visited_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
                    kind="home", child_seen=True, seen_alone=True, bedroom_seen=True,
                    status="final", author_name="Cara Dune", purpose="Check",
                    analysis="Seen alone", finalised_at=datetime(2026, 11, 20, 16, tzinfo=UTC),
                    **recorded(date(2026, 11, 20), hour=16))])
    with store.read() as session:
        found = [w for w in waiting_for_manager(session) if w.kind == "after_closure"]
    cal = england_calendar()
    assert [(w.record, w.on, w.since, w.describe_since(TODAY, cal, short=True))
            for w in found] == [
        ("visit", date(2026, 11, 20), date(2026, 11, 20), "20 Nov, 1 day"),
        ("meeting_booked", date(2026, 12, 18), date(2026, 11, 20), "20 Nov, 1 day")]
    # Its own day is said beside it where it differs (`cintui team waiting`).
    assert [w.describe_since(TODAY, cal) for w in found] == [
        "visited 20 Nov by Cara Dune, 1 working day",
        "booked for 18 Dec, recorded 20 Nov, 1 working day"]
    booked = found[1].as_json(TODAY, cal)
    assert (booked["since"], booked["on"], booked["working_days"]) == (
        "2026-11-20", "2026-12-18", 1)


@pytest.mark.both_stores
def test_a_rereferral_ends_the_wait_for_casework_from_its_day_on_war_3_4(store):
    """WAR 3.4: re-referred on 25 Nov, the case is open again from that day: what was
    recorded from then on no longer waits; what fell between the closure and the
    re-referral still does (the case stood closed that day)."""
    leo = add(store, "Leo", "amira.ashdown")
    closed_with_later_casework(store, leo, "Amira Ashdown")
    with store.session(ACTOR) as session:
        endings.rerefer(session, leo, on=date(2026, 11, 25), source="3A", need=None,
                        today=date(2026, 11, 30))
    assert kept_waiting(store) == [("Leo Waits", *w) for w in KEPT_WORDS[:4]]


def test_casework_after_the_closure_reads_in_a_fixed_number_of_queries(store):
    """The manager's list stays cheap: as many queries for four children's casework after
    their closures as for one child's, never one per record or per child (TRA, BEX 3), with
    a decision on each child, so when their casework arrived is read too (BEX 4)."""
    from sqlalchemy import event

    def read() -> tuple[int, int]:
        seen: list[int] = []

        def listener(*_args) -> None:
            seen.append(1)

        event.listen(store.engine, "before_cursor_execute", listener)
        try:
            with store.read() as session:
                found = waiting_for_manager(session)
        finally:
            event.remove(store.engine, "before_cursor_execute", listener)
        return len(seen), sum(1 for w in found if w.kind == "after_closure")

    def child() -> None:  # with a decision on it of 21 Nov, saved before its casework came
        mia = add(store, "Mia", "cara.dune")
        closed_with_later_casework(store, mia, "Amira Ashdown")
        on = date(2026, 11, 21)
        with store.session("tom.hale") as session:
            row = endings.record_decision(session, mia, endings.NewDecision(
                "case_direction", "The case stays closed", "Moved away", on, "tom.hale"),
                actor="tom.hale", today=on)
            row.created_at = row.updated_at = datetime(2026, 11, 21, 9, tzinfo=UTC)

    child()
    queries, listed = read()
    assert listed == len(KEPT_WORDS)  # BEX 4: the decision had not seen them
    for _ in range(3):
        child()
    assert read() == (queries, 4 * len(KEPT_WORDS))
