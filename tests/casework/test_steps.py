"""The case's steps in the store (cintui.casework.steps), from an empty store: each step
audited, shown in the chronology and on the Summary, the status following the facts, the
clocks starting and stopping as DOMAIN.md §6 says, and a refused step writing nothing.

Synthetic people only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import cases, lookup, record
from cintui.casework import short_breaks as sb
from cintui.casework import steps as cs
from cintui.domain.steps import Referral
from cintui.store import models as m
from tests.conftest import TODAY

ACTOR = "amira"
REFERRAL = date(2026, 9, 1)
TEXTS = {"developmental_needs": "Attendance 87%, down from 94%.",
         "parenting_capacity": "Warm; routines slip.",
         "family_environment": "Damp flat; dad lost his job.",
         "childs_voice": "Leo, seen alone: tired, worried about mum.",
         "risks_strengths": "Grandmother a strength; missed health care a worry.",
         "analysis": "If not met, health and education decline (WIR 1.1).",
         "how_needs_met": "Family support weekly; school nurse."}


@pytest.fixture
def store(new_store):
    s = new_store("empty.db")
    with s.session("setup") as session:
        cases.set_store_policy(session, "england")
        session.add(m.Worker(username="amira", name="Amira Khan", role="social_worker"))
        session.add(m.Worker(username="tom", name="Tom Hale", role="team_manager"))
    return s


@pytest.fixture
def child_id(store):
    with store.session(ACTOR) as session:
        return cases.add_child(session, cases.NewChild(
            first_name="Leo", last_name="Steps", dob=date(2017, 5, 2),
            referral_date=REFERRAL, worker="amira"), TODAY).id


def step(store, fn, *args, **kw):
    with store.session(ACTOR) as session:
        return fn(session, *args, **kw)


def clocks(store, child_id) -> dict[str, date]:
    with store.read() as session:
        child = session.get(m.Child, child_id)
        return {d.key: d.due for d in cases.child_deadlines(session, child, TODAY)}


def state(store, child_id) -> cs.CaseSteps:
    with store.read() as session:
        return cs.case_steps(session, child_id)


def audited(store, entity: str) -> int:
    with store.read() as session:
        return len(session.exec(select(m.AuditEntry).where(m.AuditEntry.entity == entity,
                                                           m.AuditEntry.actor == ACTOR)).all())


def decided(store, child_id, decision="assessment"):
    step(store, cs.record_referral, child_id, Referral(
        source="police", need="abuse or neglect", route="mash", decision=decision,
        decided_on=REFERRAL, decided_by="tom"), today=TODAY, actor=ACTOR)


def authorised(store, child_id, outcome="cin_plan"):
    decided(store, child_id)
    step(store, cs.start_assessment, child_id, date(2026, 9, 2), TODAY)
    step(store, cs.write_record, child_id, TEXTS)
    step(store, cs.set_factors, child_id, ["neglect"] if outcome != "nfa" else ["21"])
    step(store, cs.set_outcome, child_id, outcome)
    step(store, cs.complete_assessment, child_id, date(2026, 10, 12), TODAY)
    step(store, cs.authorise_assessment, child_id, date(2026, 10, 13), today=TODAY, by="tom",
         actor=ACTOR)


def test_the_referral_records_how_it_came_and_the_decision(store, child_id):
    before = audited(store, "episode")
    decided(store, child_id)
    s = state(store, child_id)
    f = s.facts
    assert (s.source, s.need) == ("6", "N1")
    assert (f.referral_route, f.referral_decision, f.referral_decided_by) == (
        "mash", "assessment", "Tom Hale")
    # Working Together 2023: a decision within 1 working day.
    assert s.referral_timeliness == "in time: 1 working day, Working Together 2023"
    assert audited(store, "episode") == before + 1
    with store.read() as session:
        summary = dict(record.child_summary(session, child_id, TODAY).details)
        chron = [(e.summary, e.who) for e in record.chronology(session, child_id)]
    assert summary["Referral"] == "1 Sep 2026 from Police via MASH (multi-agency safeguarding hub)"
    assert summary["Decision"].startswith("Single assessment (s17) — Tom Hale, 1 Sep 2026")
    assert ("Decision on the referral: Single assessment (s17)", "Tom Hale") in chron


def test_a_late_decision_says_so(store, child_id):
    step(store, cs.record_referral, child_id, Referral(
        decision="assessment", decided_on=date(2026, 9, 4), decided_by="Duty manager"),
        today=TODAY, actor=ACTOR)
    assert state(store, child_id).referral_timeliness == \
        "late: due by 2 Sep 2026, 1 working day, Working Together 2023"


def test_no_further_action_closes_the_referral_as_a_census_nfa(store, child_id):
    decided(store, child_id, decision="nfa")
    with store.read() as session:
        episode = cases.current_episode(session, child_id)
        child = session.get(m.Child, child_id)
        assert (episode.referral_nfa, episode.closure_date, episode.closure_reason) == (
            True, REFERRAL, "RC8")
        assert child.status == "closed"
        # The record and `child episodes` say how it closed: the census label alone, "Case
        # closed after assessment", read as an assessment made.
        lines = record.episode_lines(session, child_id)
        listed = lookup.episodes(session, child.reference)
    assert lines[-1].endswith("closed 1 Sep 2026, RC8: closed at the referral, no assessment "
                              "(no further action); unmet need stepped down: no")
    assert listed[-1].as_json()["referral_nfa"] is True
    assert clocks(store, child_id) == {}  # the assessment clock stops


def test_each_step_starts_and_stops_its_clocks(store, child_id):
    """DOMAIN.md §6: the referral starts the assessment clock (45 working days), the
    manager's authorisation stops it; the plan's start starts the initial meeting (WIR 2.3)
    and visit clocks; the home visit starts the support clock, support stops it (WAR 4.4.2)."""
    assert clocks(store, child_id) == {"assessment": date(2026, 11, 3)}
    decided(store, child_id)
    step(store, cs.start_assessment, child_id, date(2026, 9, 2), TODAY)
    assert state(store, child_id).status == "assessment"
    step(store, cs.record_home_visit, child_id, date(2026, 9, 3), TODAY)
    assert clocks(store, child_id) == {"assessment": date(2026, 11, 3),
                                       "support_start": date(2026, 10, 1)}
    step(store, cs.write_record, child_id, TEXTS)
    step(store, cs.set_factors, child_id, ["domestic violence: child", "neglect"])
    step(store, cs.set_outcome, child_id, "cin_plan")
    step(store, cs.complete_assessment, child_id, date(2026, 10, 12), TODAY)
    assert "assessment" in clocks(store, child_id)  # waiting for the manager
    step(store, cs.authorise_assessment, child_id, date(2026, 10, 13), today=TODAY, by="tom",
         actor=ACTOR)
    assert "assessment" not in clocks(store, child_id)
    step(store, cs.start_plan, child_id, date(2026, 10, 14), today=TODAY, by="tom",
         actor=ACTOR)
    running = clocks(store, child_id)
    assert (running["initial_meeting"], running["visit"]) == (date(2026, 11, 4),
                                                              date(2026, 11, 11))
    step(store, cs.start_support, child_id, date(2026, 10, 15), TODAY)
    assert "support_start" not in clocks(store, child_id)
    s = state(store, child_id)
    assert s.status == "cin_plan"
    assert [st.key for st in s.steps if not st.done] == []
    with store.read() as session:
        episode = cases.current_episode(session, child_id)
        assert (episode.assessment_completed, episode.assessment_factors,
                episode.assessment_authorised_by, episode.cin_plan_authorised_by) == (
            date(2026, 10, 13), "3A 16A", "Tom Hale", "Tom Hale")
        chron = [e.summary for e in record.chronology(session, child_id)]
        summary = dict(record.child_summary(session, child_id, TODAY).details)
    assert chron.index("Assessment completed and sent to the line manager for authorisation "
                       "(TRA)") < chron.index("Assessment authorised by the line manager (TRA)")
    assert "CIN plan started, authorised by the line manager (TRA)" in chron
    assert summary["Assessment"] == "authorised 13 Oct 2026 by Tom Hale; outcome: a CIN plan"
    assert summary["CIN plan"] == "started 14 Oct 2026, authorised by Tom Hale"
    assert summary["Support"] == "initial home visit 3 Sep 2026; support started 15 Oct 2026"


def test_a_worker_cannot_authorise_and_nothing_is_written(store, child_id):
    decided(store, child_id)
    step(store, cs.start_assessment, child_id, date(2026, 9, 2), TODAY)
    step(store, cs.write_record, child_id, TEXTS)
    step(store, cs.set_factors, child_id, ["neglect"])
    step(store, cs.set_outcome, child_id, "cin_plan")
    step(store, cs.complete_assessment, child_id, date(2026, 10, 12), TODAY)
    before = audited(store, "episode")
    with pytest.raises(cs.StepError, match="needs a team manager or service manager; Amira "
                       "Khan is a social worker"):
        step(store, cs.authorise_assessment, child_id, date(2026, 10, 13), today=TODAY,
             actor=ACTOR)
    assert audited(store, "episode") == before
    assert state(store, child_id).facts.assessment_authorised is None


def test_completion_is_refused_until_the_record_is_whole(store, child_id):
    decided(store, child_id)
    step(store, cs.start_assessment, child_id, date(2026, 9, 2), TODAY)
    step(store, cs.write_record, child_id, {"analysis": TEXTS["analysis"]})
    with pytest.raises(cs.StepError, match="still empty: The child's developmental needs"):
        step(store, cs.complete_assessment, child_id, date(2026, 10, 12), TODAY)
    assert [p.field for p in state(store, child_id).missing] == ["record", "factors",
                                                                  "outcome"]


def test_adult_social_cares_contact_changed_alone_is_not_a_second_acceptance_war_4_2(
        store, child_id):
    """WAR 4.2: the worker named once adult social care has taken the young person on,
    given alone, added a second "accepted" line to the chronology dated that day; it reads
    as the contact changed, and the Summary keeps the acceptance with the new contact."""
    with store.session(ACTOR) as session:  # Leo is 16 (adult social care from 13)
        session.get(m.Child, child_id).dob = date(2010, 5, 2)
    step(store, cs.record_circumstances, child_id, {"adult_social_care": "referred"},
         on=date(2026, 9, 5), today=TODAY, by="Amira Khan",
         adult_contact="Adult Social Care front door, 01926 410410")
    step(store, cs.record_circumstances, child_id, {"adult_social_care": "accepted"},
         on=date(2026, 10, 1), today=TODAY, by="Amira Khan")
    step(store, cs.record_circumstances, child_id, {}, on=date(2026, 10, 20), today=TODAY,
         by="Amira Khan", adult_contact="Ana Petrov, Transitions Team, 01926 410500")
    with store.read() as session:
        notes = [(e.when, e.summary) for e in record.chronology(session, child_id)
                 if e.summary.startswith("Circumstances: ")]
        summary = dict(record.child_summary(session, child_id, TODAY).details)
    assert notes == [
        (date(2026, 9, 5), "Circumstances: Adult social care: referred, for support after 18 "
         "(contact: Adult Social Care front door, 01926 410410)"),
        (date(2026, 10, 1), "Circumstances: Adult social care: accepted, supports them from "
         "18 (contact: Adult Social Care front door, 01926 410410)"),
        (date(2026, 10, 20), "Circumstances: Adult social care: contact changed to Ana "
         "Petrov, Transitions Team, 01926 410500 (still accepted, supports them from 18)")]
    assert summary["Circumstances"] == ("Adult social care: accepted, supports them from 18 "
                                        "(contact: Ana Petrov, Transitions Team, 01926 "
                                        "410500)")


def test_an_nfa_outcome_closes_on_authorisation_with_rc8(store, child_id):
    authorised(store, child_id, outcome="nfa")
    with store.read() as session:
        episode = cases.current_episode(session, child_id)
        assert (episode.closure_date, episode.closure_reason, episode.assessment_factors) == (
            date(2026, 10, 13), "RC8", "21")
        assert session.get(m.Child, child_id).status == "closed"
    with pytest.raises(cs.StepError, match="closed on 13 Oct 2026"):
        step(store, cs.start_plan, child_id, date(2026, 10, 14), today=TODAY, by="tom",
             actor=ACTOR)


def test_circumstances_are_dated_facts_feeding_the_census_factors(store, child_id):
    step(store, cs.record_circumstances, child_id, {"young_carer": "yes", "sen": "ehcp"},
         on=date(2026, 9, 5), today=TODAY, by="Amira Khan", disabilities="learning, AUT")
    # Unchanged values are not written again; "no" ends one.
    step(store, cs.record_circumstances, child_id, {"young_carer": "yes", "sen": "no"},
         on=date(2026, 10, 1), today=TODAY, by="Amira Khan")
    with store.read() as session:
        assert cs.current_circumstances(session, child_id) == {"young_carer": "yes"}
        assert session.get(m.Child, child_id).disabilities == "LD AUT"
        notes = [e.summary for e in record.chronology(session, child_id) if e.kind == "note"]
        summary = dict(record.child_summary(session, child_id, TODAY).details)
    assert notes == ["Circumstances: Young carer",
                     "Circumstances: Special educational needs: an education, health and "
                     "care plan (EHCP)", "Circumstances: Special educational needs: no longer"]
    assert summary["Circumstances"] == "Young carer"
    authorised(store, child_id)
    with store.read() as session:
        assert cases.current_episode(session, child_id).assessment_factors == "16A 7A"


@pytest.mark.parametrize("changes, says", [
    ({"young_carer": "perhaps"}, "answer yes, no"),
    ({"asylum": "yes"}, "answer unaccompanied, accompanied, no"),
    ({"pets": "yes"}, "not a circumstance"),
])
def test_bad_circumstances_are_refused(store, child_id, changes, says):
    with pytest.raises(cs.StepError, match=says):
        step(store, cs.record_circumstances, child_id, changes, on=TODAY, today=TODAY)
    with store.read() as session:
        assert cs.current_circumstances(session, child_id) == {}


def test_direct_payments_start_and_reviews_run_the_annual_clock_war_7_2_1(store, child_id):
    """WAR 7.2, 7.2.1: direct payments, recorded once (casework.short_breaks), are reviewed
    at least every 12 months: started Tue 1 Dec 2025, due by Tue 1 Dec 2026; reviewed on
    2 Nov 2026, due by 2 Nov 2027. The case steps show them; the chronology has the start
    and the review; one clock on the record, not two."""
    payment = sb.DirectPaymentInput(9000, "week", "Layla Steps (mother)", date(2025, 12, 1))
    with pytest.raises(sb.SupportError, match="disabled child"):
        step(store, sb.add_direct_payment, child_id, payment, by="Amira Khan")
    step(store, cs.record_circumstances, child_id, {}, on=TODAY, today=TODAY,
         disabilities="MOB")
    step(store, sb.add_direct_payment, child_id, payment, by="Amira Khan")
    assert summary_clocks(store, child_id) == [("direct_payment_review", date(2026, 12, 1))]
    step(store, sb.record_review, child_id, "direct_payment", None, on=date(2026, 11, 2),
         by="Amira Khan", notes="Short breaks working well", today=TODAY)
    assert summary_clocks(store, child_id) == [("direct_payment_review", date(2027, 11, 2))]
    assert "direct_payment_review" not in clocks(store, child_id)  # the episode's: none
    (shown,) = state(store, child_id).direct_payments
    assert (shown.started_on, [r.on for r in shown.reviews]) == (
        date(2025, 12, 1), [date(2026, 11, 2)])
    with store.read() as session:
        chron = [(e.summary, e.detail) for e in record.chronology(session, child_id)
                 if "Direct payment" in e.summary]
    assert chron == [
        ("Direct payment of £90.00 a week, managed by Layla Steps (mother): started", ""),
        ("Direct payment reviewed (WAR 7.2.1): Direct payment of £90.00 a week, managed by "
         "Layla Steps (mother)", "Short breaks working well Next review by 2 Nov 2027.")]


def summary_clocks(store, child_id) -> list[tuple[str, date]]:
    """The record's clocks for direct payments (the Summary's "Next due")."""
    with store.read() as session:
        return [(d.key, d.due) for d in record.child_summary(session, child_id, TODAY).deadlines
                if "direct_payment" in d.key]


def test_a_step_up_keeps_its_early_help_plan_date_until_the_route_changes(store, child_id):
    """WAR 4.4: a step-up from early help names the early help plan; it can be corrected
    later, and goes when the route is no longer a step-up."""
    step(store, cs.record_referral, child_id, Referral(
        route="early_help_step_up", early_help_plan_on=date(2026, 6, 10)), today=TODAY)
    step(store, cs.record_referral, child_id, Referral(early_help_plan_on=date(2026, 7, 1)),
         today=TODAY)
    assert state(store, child_id).facts.early_help_plan_on == date(2026, 7, 1)
    step(store, cs.record_referral, child_id, Referral(route="self_referral"), today=TODAY)
    f = state(store, child_id).facts
    assert (f.referral_route, f.early_help_plan_on) == ("self_referral", None)
