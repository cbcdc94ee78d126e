"""cintui.plans: a child's CIN plan in the store (DOMAIN.md §3), on a demo store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import cases, plans
from cintui.domain.plan import Need, PlanAction, Service
from cintui.store import models as m
from cintui.store.models import AuditEntry
from tests.conftest import TODAY, plan_started

ACTOR = "test.worker"


@pytest.fixture
def child_id(store):
    """A new child with no plan written yet (the manager has started it, TRA), allocated to
    a demo worker."""
    with store.read() as session:
        worker = cases.list_workers(session)[0]
    with store.session(ACTOR) as session:
        child = cases.add_child(session, cases.NewChild(
            first_name="Leo", last_name="Marsh", dob=date(2017, 5, 2),
            referral_date=date(2026, 9, 1), worker=worker.username), TODAY)
        plan_started(session, child.id, date(2026, 10, 14))
        return child.id


def leo_plan(version):
    school = Need(
        now="Leo has missed 13 of the last 100 school days (87%, down from 94%).",
        outcome="Leo attends at least 95% of school days each half term, checked with the "
                "school register.",
        rag="A", evidence="Register: 87% this half term.",
        actions=(PlanAction("Walk Leo to school each morning", who="Mum",
                            by_when=date(2026, 12, 18)),
                 PlanAction("Send weekly attendance figures", who="School DSL",
                            by_when=date(2026, 12, 18), status="in_progress")))
    strength = Need(now="Leo is close to his grandmother and sees her every weekend.",
                    kind="strength", rag="G")
    return replace(version, objectives="Leo is in school and his home is calm.",
                   next_review=date(2027, 2, 23), childs_views="I like football at school.",
                   services=(Service("Family support", "Morning routine"),),
                   needs=(school, strength))


def test_a_first_plan_is_a_draft_led_by_the_childs_worker(store, child_id):
    with store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, TODAY, by=ACTOR)
    with store.read() as session:
        version = plans.load_version(session, vid)
        info = plans.versions(session, child_id)
    assert (version.number, version.status, version.needs) == (1, "draft", ())
    assert version.lead_professional  # the allocated worker's name
    assert [v.label for v in info] == [f"v1 draft, started {TODAY:%d %b %Y}"]


def test_no_first_plan_is_written_before_the_manager_starts_it_tra(store):
    """TRA: the CIN plan is authorised by the line manager ("sent to the Social Care line
    manager for authorisation") before it is written: a child still at referral gets no
    draft from `start_version` (the way in of `plan exit`, the plan editor's n and an FGC's
    family plan), only the step and its command, and nothing is written. A plan the demo
    (or an older store) already began before that start stays editable."""
    with store.session(ACTOR) as session:
        child = cases.add_child(session, cases.NewChild(
            first_name="Ivy", last_name="Early", dob=date(2016, 4, 2), reference="NEW3",
            referral_date=date(2026, 11, 2)), TODAY)
        ivy = child.id
    with pytest.raises(plans.PlanNotStarted) as refused, store.session(ACTOR) as session:
        plans.start_version(session, ivy, TODAY, by=ACTOR)
    assert refused.value.problem == (
        "NEW3 has no CIN plan to write yet: it starts with the line manager's authorisation "
        "(TRA): cintui plan start NEW3 --authorised-by MANAGER (in the app: K on the record, "
        "then p)")
    with store.read() as session:
        assert plans.versions(session, ivy) == []
        assert plans.headline(session, ivy) == (
            "No plan yet: the line manager's authorisation starts it (K, then p)")
    # A draft an older store (or the demo before it kept this rule) began before the start.
    with store.session(ACTOR) as session:
        begun = cases.add_child(session, cases.NewChild(
            first_name="Ada", last_name="Begun", dob=date(2015, 1, 9), reference="OLD1",
            referral_date=date(2026, 11, 2)), TODAY).id
        episode = session.exec(select(m.Episode.id).where(m.Episode.child_id == begun)).one()
        plan = m.Plan(child_id=begun, episode_id=episode)
        session.add(plan)
        session.flush()
        session.add(m.PlanVersion(plan_id=plan.id, child_id=begun, number=1,
                                  created_on=date(2026, 11, 3)))
    with store.session(ACTOR) as session:
        assert plans.not_started(session, begun) is None
        draft = plans.start_version(session, begun, TODAY, by=ACTOR)
        assert draft == plans.draft_version_id(session, begun)
        plans.save_draft(session, draft, replace(plans.load_version(session, draft),
                                                 objectives="Still editable"), TODAY)


def test_a_plan_ended_at_a_final_meeting_is_not_re_opened_by_an_edit_wir_3(store, child_id):
    """WIR 3, TRA: the version a final meeting agrees is the plan's last, with no further
    review. An edit (`plan exit`, the editor, an FGC's family plan) began a next version
    asking for a review date; now it is refused with the next step, nothing written. A
    meeting held after the final one (`at_meeting`, as `meetings.finish` asks) still agrees
    the next version."""
    from datetime import UTC, datetime

    with store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, date(2026, 10, 14), by=ACTOR)
        plans.save_draft(session, vid, leo_plan(plans.load_version(session, vid)),
                         date(2026, 10, 14))
        final = m.Meeting(child_id=child_id, kind="final", held_on=date(2026, 11, 20),
                          held=True, status="held", chair="Tom Hale",
                          starts_at=datetime(2026, 11, 20, 16, 0, tzinfo=UTC),
                          recommendation="step_down", still_in_need=False)
        session.add(final)
        session.flush()
        plans.agree_version(session, vid, date(2026, 11, 20),
                            agreed_at="Final CIN meeting 20 Nov 2026", meeting_id=final.id)
        reference = session.get(m.Child, child_id).reference
    with pytest.raises(plans.PlanEnded) as refused, store.session(ACTOR) as session:
        plans.start_version(session, child_id, TODAY, by=ACTOR)
    assert refused.value.problem == (
        f"{reference}: an ended plan is not re-opened (WIR 3, TRA): the plan ended at the "
        "final meeting on 20 Nov 2026: no further review; next, record the step-down for "
        f"the manager to decide: cintui stepdown record {reference} --service NAME (S on the "
        "record)")
    with store.read() as session:
        assert [(v.number, v.status) for v in plans.versions(session, child_id)] == [
            (1, "agreed")]
    with store.session(ACTOR) as session:  # a review held after it carries the plan on
        later = plans.start_version(session, child_id, TODAY, by=ACTOR, at_meeting=True)
        assert plans.load_version(session, later).number == 2


def test_saving_a_draft_writes_needs_actions_and_first_ratings(store, child_id):
    with store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, TODAY)
        draft = plans.load_version(session, vid)
        saved = plans.save_draft(session, vid, leo_plan(draft), TODAY, by="Amira Shah")
    assert [n.rag for n in saved.needs] == ["A", "G"]
    assert saved.needs[0].actions[1].who == "School DSL"
    assert saved.services == (Service("Family support", "Morning routine"),)
    # Every need gets its first, dated rating (WIR 2.3: every need is rated).
    assert [(h.rating, h.previous, h.by) for h in saved.needs[0].rag_history] == [
        ("A", None, "Amira Shah")]
    with store.read() as session:
        assert plans.current_plan(session, child_id).rag_counts() == {"R": 0, "A": 1, "G": 1}


def test_amber_to_green_needs_maintained_change_and_agreement_wir_2_4(store, child_id):
    with store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, TODAY)
        saved = plans.save_draft(session, vid, leo_plan(plans.load_version(session, vid)), TODAY)
    school = saved.needs[0]
    with pytest.raises(plans.PlanError) as err:
        plans.with_rating(school, "G", TODAY, "Amira Shah")
    assert err.value.field == "maintained_for"
    with pytest.raises(plans.PlanError) as err:
        plans.with_rating(school, "G", TODAY, "Amira Shah", maintained_for="8 weeks")
    assert err.value.field == "agreed_at"
    # Changing the letter without the details is refused by the store as well.
    with pytest.raises(plans.PlanError), store.session(ACTOR) as session:
        plans.save_draft(session, vid, replace(saved, needs=(
            replace(school, rag="G"), saved.needs[1])), TODAY)
    green = plans.with_rating(school, "G", TODAY, "Amira Shah", maintained_for="8 weeks",
                              agreed_at="Review meeting 23 Nov 2026")
    with store.session(ACTOR) as session:
        saved = plans.save_draft(session, vid, replace(saved, needs=(green, saved.needs[1])),
                                 TODAY)
    history = saved.needs[0].rag_history
    assert [(h.previous, h.rating) for h in history] == [(None, "A"), ("A", "G")]
    assert history[-1].maintained_for == "8 weeks"
    assert history[-1].agreed_at == "Review meeting 23 Nov 2026"


def test_red_records_the_child_protection_discussion_wir_2_6(store, child_id):
    with store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, TODAY)
        saved = plans.save_draft(session, vid, leo_plan(plans.load_version(session, vid)), TODAY)
    with pytest.raises(plans.PlanError) as err:
        plans.with_rating(saved.needs[0], "R", TODAY, "Amira Shah")
    assert err.value.field == "cp_discussion"
    red = plans.with_rating(saved.needs[0], "R", TODAY, "Amira Shah",
                            cp_discussion="Discussed with TM: no CP conference yet; review "
                                          "in 2 weeks")
    with store.session(ACTOR) as session:
        saved = plans.save_draft(session, vid, replace(saved, needs=(red, saved.needs[1])), TODAY)
    assert saved.needs[0].rag == "R"
    assert "no CP conference" in saved.needs[0].rag_history[-1].cp_discussion


def test_agreed_plans_are_not_edited_a_new_version_starts_from_the_last(store, child_id):
    with store.session(ACTOR) as session:
        v1 = plans.start_version(session, child_id, TODAY)
        first = plans.save_draft(session, v1, leo_plan(plans.load_version(session, v1)), TODAY)
        with pytest.raises(plans.PlanError):
            plans.agree_version(session, v1, TODAY)  # where or by whom?
        plans.agree_version(session, v1, TODAY, agreed_at="Initial CIN meeting 23 Nov 2026")
    with pytest.raises(plans.PlanError) as err, store.session(ACTOR) as session:
        plans.save_draft(session, v1, first, TODAY)
    assert "start a new version" in err.value.problem
    with store.session(ACTOR) as session:
        v2 = plans.start_version(session, child_id, date(2026, 12, 1))
        second = plans.load_version(session, v2)
        assert plans.start_version(session, child_id, TODAY) == v2  # one draft at a time
    assert second.number == 2 and second.status == "draft"
    assert [n.key for n in second.needs] == [n.key for n in first.needs]
    assert [a.key for a in second.needs[0].actions] == [a.key for a in first.needs[0].actions]
    assert second.needs[0].rag_history == first.needs[0].rag_history  # follows the need
    with store.session(ACTOR) as session:
        plans.agree_version(session, v2, date(2026, 12, 1), agreed_by="Tom Reid (TM)")
    with store.read() as session:
        statuses = [(v.number, v.status) for v in plans.versions(session, child_id)]
        assert plans.current_version_id(session, child_id) == v2
    assert statuses == [(2, "agreed"), (1, "superseded")]


def test_action_progress_is_recorded_on_the_agreed_plan(store, child_id):
    with store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, TODAY)
        saved = plans.save_draft(session, vid, leo_plan(plans.load_version(session, vid)), TODAY)
        plans.agree_version(session, vid, TODAY, agreed_by="Amira Shah")
    key = saved.needs[0].actions[0].key
    with store.session(ACTOR) as session:
        plans.set_action_status(session, vid, key, "done", notes="Walking daily since 1 Dec")
        with pytest.raises(plans.PlanError):
            plans.set_action_status(session, vid, key, "finished")
    with store.read() as session:
        action = plans.load_version(session, vid).needs[0].actions[0]
    assert (action.status, action.notes) == ("done", "Walking daily since 1 Dec")


def test_every_plan_change_is_audited_and_edits_touch_only_what_changed(store, child_id):
    with store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, TODAY)
        saved = plans.save_draft(session, vid, leo_plan(plans.load_version(session, vid)), TODAY)
    with store.read() as session:
        before = session.exec(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())).first()
    edited = replace(saved.needs[0], outcome="Leo attends 95% of days this term.")
    with store.session("amira.shah") as session:
        plans.save_draft(session, vid, replace(saved, needs=(edited, saved.needs[1])), TODAY)
    with store.read() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.seq > before)).all()
    assert [(e.action, e.entity, e.actor) for e in entries] == [
        ("update", "plan_need", "amira.shah")]
    assert json.loads(entries[0].changes)["outcome"][1] == "Leo attends 95% of days this term."
