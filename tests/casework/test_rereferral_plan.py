"""A re-referral opens a new episode (DOMAIN.md §7; WAR 3.4), and the new episode's work
has its own assessment and plan (TRA, WIR 2.3). The last episode's plan ended at its
closure (WIR 3) and stays readable in the history, read as ended; it is not the new
episode's plan in force: not on the Summary, not in `plan show`, not among the caseload's
ratings nor the due list's plan actions, and the plan editor does not copy it into the
new episode's first version, unless asked to start from it (TRA: so the family need not
tell their story again). Synthetic child: Sam Endingtest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cintui.casework import caseload, cases, due, endings, plans
from cintui.domain.plan import Need, PlanAction
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

PLANNED = date(2026, 11, 2)
CLOSED = date(2026, 11, 18)
SCHOOL = Need(now="Sam has missed 13 of the last 60 school days.",
              outcome="Sam attends 95% of school days, shown on the register.", rag="A",
              evidence="Register: 78%",
              actions=(PlanAction("Walk Sam to school each morning", "Mum",
                                  date(2026, 11, 20), "in_progress"),))


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    add_staff(s)
    yield s
    s.close()


def closed_with_its_plan(store):
    """Sam's plan agreed with one Amber need, then the case closed (TRA, BEX 3)."""
    child_id = new_child(store)
    with store.session(ACTOR) as session:
        draft = plans.start_version(session, child_id, PLANNED, by=ACTOR)
        version = plans.load_version(session, draft)
        plans.save_draft(session, draft, replace(version, needs=(SCHOOL,)), PLANNED, by=ACTOR)
        plans.agree_version(session, draft, PLANNED, agreed_by="Tess Manager")
    walk_to_approved(store, child_id)
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=date(2026, 11, 16), today=TODAY)
    close(store, child_id, closure_date=CLOSED, reason="RC7", unmet_need=False)
    return child_id


def closed_and_rereferred(store, *, plan_started: bool = True):
    """Sam's plan agreed with one Amber need, the case closed, then re-referred today."""
    child_id = closed_with_its_plan(store)
    with store.session(ACTOR) as session:
        endings.rerefer(session, child_id, on=TODAY, source="3A", need="N2", today=TODAY)
        if plan_started:  # the new episode's plan authorised (TRA)
            cases.current_episode(session, child_id).cin_plan_start = TODAY
    return child_id


def test_the_new_episode_has_no_plan_until_its_own_is_written_domain_7(store):
    """DOMAIN.md §7: the old plan is history, not the new episode's plan in force."""
    child_id = closed_and_rereferred(store)
    with store.read() as session:
        assert plans.current_plan(session, child_id) is None
        headline = plans.headline(session, child_id)
        (old,) = plans.versions(session, child_id)
        kept = plans.load_version(session, old.id)
        ref = session.get(m.Child, child_id).reference
        rows = [r for r in caseload.load_caseload(session, TODAY) if r.reference == ref]
        items = due.load_items(session, TODAY, until=date(2027, 1, 31))
    assert headline.startswith("the CIN plan started 23 Nov 2026 is not written yet")
    # The old plan stays readable, as it ended: at the closure, no further review.
    assert old.earlier and old.label.endswith(", an earlier episode's")
    assert (kept.ended_on, kept.ended_by, len(kept.needs)) == (CLOSED, "closure", 1)
    # Not the new episode's ratings, nor its overdue actions.
    assert [(r.red, r.amber, r.green) for r in rows] == [(0, 0, 0)]
    assert not [i for i in items if i.child.reference == ref and i.key == "plan_action"]


def test_the_new_episodes_first_plan_is_a_fresh_one_the_old_kept_whole_domain_7(store):
    """n in the plan editor, `plan exit`: a new plan for the new episode (numbered on from
    the child's versions), not the old needs, ratings and review date copied as its own."""
    child_id = closed_and_rereferred(store)
    with store.session(ACTOR) as session:
        assert plans.ended(session, child_id) is None  # the new episode's plan is writable
        draft = plans.start_version(session, child_id, TODAY, by=ACTOR)
    with store.read() as session:
        new = plans.load_version(session, draft)
        versions = plans.versions(session, child_id)
        row, old_row = session.get(m.PlanVersion, draft), session.get(
            m.PlanVersion, versions[1].id)
        episode = cases.current_episode(session, child_id)
        plan = session.get(m.Plan, row.plan_id)
    assert (new.number, new.status, new.needs, new.ended_on) == (2, "draft", (), None)
    assert new.next_review is None  # not the old plan's review date
    assert row.plan_id != old_row.plan_id and plan.episode_id == episode.id
    assert [(v.number, v.earlier) for v in versions] == [(2, False), (1, True)]
    assert versions[1].status == "agreed"  # the old one, untouched


def test_the_new_plan_may_start_from_the_last_one_tra(store):
    """TRA: the family need not tell their story again. Asked to (L in the plan editor), the
    new episode's first version starts from the last plan: its needs (the same keys, so
    their rating history follows) and statements, its review date set afresh."""
    child_id = closed_and_rereferred(store)
    with store.session(ACTOR) as session:
        draft = plans.start_version(session, child_id, TODAY, by=ACTOR, from_last=True)
    with store.read() as session:
        new = plans.load_version(session, draft)
        old = plans.load_version(session, plans.versions(session, child_id)[1].id)
    assert new.number == 2 and new.status == "draft" and new.ended_on is None
    assert [n.now for n in new.needs] == [SCHOOL.now]
    assert new.needs[0].key == old.needs[0].key
    assert new.needs[0].rag_history == old.needs[0].rag_history


def test_starting_from_the_last_plan_with_none_is_refused_nothing_written(store):
    child_id = new_child(store)
    with store.session(ACTOR) as session, pytest.raises(plans.PlanError,
                                                        match="no earlier episode's plan"):
        plans.start_version(session, child_id, TODAY, by=ACTOR, from_last=True)
    with store.read() as session:
        assert plans.versions(session, child_id) == []


def test_before_the_new_plan_is_authorised_nothing_is_written_tra(store):
    """TRA: the new episode's plan, like a first one, waits for the line manager."""
    child_id = closed_and_rereferred(store, plan_started=False)
    with store.session(ACTOR) as session, pytest.raises(plans.PlanNotStarted):
        plans.start_version(session, child_id, TODAY, by=ACTOR)
    with store.read() as session:
        assert len(plans.versions(session, child_id)) == 1


# ---------------------------------------------------------------- the reports (WIR 3, TRA)


def test_the_reports_read_a_closure_ending_as_the_screens_do_wir_3(store):
    """The compliance report and the team view read each plan in force through the one
    domain rule (`plan.plan_ended`): they knew only a final meeting's ending, so a plan the
    closure ended read as running, asked for its review and was judged on actions due after
    it ended. A re-referred child's old plan is not its plan in force there either."""
    from cintui.casework import reports
    from cintui.casework.lookup import rows_from

    child_id = closed_with_its_plan(store)
    ids = "SELECT id FROM child"
    with store.read() as session:
        shown = plans.load_version(session, plans.versions(session, child_id)[0].id)
        found = reports.load_versions(rows_from(session), ids, {})
    read = next(v for v in found.values() if v.id == shown.id)
    assert (read.ended_on, read.ended_by) == (shown.ended_on, shown.ended_by) == (
        CLOSED, "closure")
    with store.session(ACTOR) as session:
        endings.rerefer(session, child_id, on=TODAY, source="3A", need="N2", today=TODAY)
    with store.read() as session:
        found = reports.load_versions(rows_from(session), ids, {})
    assert not any(v.id == shown.id for v in found.values())


def test_n_on_a_case_rereferred_then_closed_again_writes_nothing_domain_7(store):
    """DOMAIN.md §7 (WAR 3.4; TRA, BEX 3): Sam's case closed with its plan, re-referred,
    the new plan authorised, then closed again before it was written. `n` in the plan
    editor (`start_version`), from the last plan or not, writes no draft on the closed case
    (neither the old plan copied nor a fresh one), and says the case closed without one; a
    third referral's episode, once its plan is authorised, gets a plan of its own."""
    child_id = closed_and_rereferred(store)
    with store.session(ACTOR) as session:
        endings.recommend_closure(session, child_id, on=TODAY, by="Wendy Worker",
                                  today=TODAY, summary="Attendance held; no further need.")
        endings.decide_closure(session, child_id, approve=True, rationale="Needs met.",
                               on=TODAY, today=TODAY, by=MANAGER, actor=ACTOR)
        endings.family_told(session, child_id, on=TODAY, today=TODAY)
    close(store, child_id, closure_date=TODAY, reason="RC7", unmet_need=False)
    for from_last in (False, True):
        with store.session(ACTOR) as session, pytest.raises(plans.PlanError) as refused:
            plans.start_version(session, child_id, TODAY, by=ACTOR, from_last=from_last)
        assert "closed on 23 Nov 2026 without" in str(refused.value), refused.value
    with store.read() as session:
        assert [(v.number, v.earlier) for v in plans.versions(session, child_id)] == [(1, True)]
        assert plans.headline(session, child_id).startswith(
            "No plan: the case closed on 23 Nov 2026 without one")
    with store.session(ACTOR) as session:  # referred a third time, its plan authorised
        endings.rerefer(session, child_id, on=TODAY, source="3A", need="N2", today=TODAY)
        cases.current_episode(session, child_id).cin_plan_start = TODAY
    with store.session(ACTOR) as session:
        draft = plans.start_version(session, child_id, TODAY, by=ACTOR)
    with store.read() as session:
        new = plans.load_version(session, draft)
        episode = cases.current_episode(session, child_id)
        plan = session.get(m.Plan, session.get(m.PlanVersion, draft).plan_id)
    assert (new.number, new.needs, plan.episode_id) == (2, (), episode.id)
