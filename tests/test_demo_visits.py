"""`cintui demo` writes a realistic visit history (WIR 2.11): text under every heading,
who recorded it and when, who else was there, addenda, plan actions progressed, and one
unfinished visit per worker. Synthetic people only: the demo store (seed 7) at TODAY."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from cintui import demo
from cintui.casework import cases, visits
from cintui.domain.visit import TEXT_FIELDS, VisitContent, visit_problems
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.conftest import TODAY


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    yield s
    s.close()


def on_plan(session) -> list[m.Child]:
    """Children open on a CIN plan."""
    kids = session.exec(select(m.Child).where(m.Child.status == "cin_plan")).all()
    return [c for c in kids if cases.current_episode(session, c.id).closure_date is None]


def all_records(session) -> list[tuple[m.Child, visits.VisitRecord]]:
    return [(c, r) for c in session.exec(select(m.Child)).all()
            for r in visits.child_visits(session, c.id)]


def test_every_open_plan_child_with_visits_has_text_under_every_heading(store):
    with store.read() as session:
        kids = on_plan(session)
        assert len(kids) >= 10
        with_visits = 0
        for child in kids:
            records = visits.child_visits(session, child.id)
            with_visits += bool(records)
            for record in records:
                for name in TEXT_FIELDS:
                    text = record.content.text(name)
                    assert text.strip(), (child.reference, record.visited_at, name)
                    assert len(text) < 800 and "{" not in text  # short, no template left
                assert any(child.first_name in record.content.text(name)
                           for name in TEXT_FIELDS)
        # The rest started their plan too recently for a visit yet (the demo's spread of
        # timescale states: their first visit is due, due soon or overdue).
        assert with_visits >= len(kids) // 2


def test_every_demo_visit_passes_the_wir_checks_when_it_was_finalised(store):
    with store.read() as session:
        found = all_records(session)
        assert len(found) > 50
        workers = {w.id: w.name for w in session.exec(select(m.Worker)).all()}
        for child, record in found:
            assert visit_problems(record.content, record.finalised_at, child.dob) == [], \
                (child.reference, record.content)
            assert record.author == workers[child.worker_id]
            # Written up the same day or within a few working days, never after today.
            assert record.visited_at < record.finalised_at
            assert record.finalised_at - record.visited_at < timedelta(days=8)
            assert record.finalised_at.date() <= TODAY


def test_the_facts_and_the_analysis_agree(store):
    """Not seen, not alone, bedroom not seen: the analysis says why, in those words; a
    visit away from home never saw the bedroom."""
    with store.read() as session:
        found = [r.content for _, r in all_records(session)]
    kinds = {c.kind for c in found}
    assert {"home", "school"} <= kinds
    for c in found:
        if not c.child_seen:
            assert "not seen" in c.analysis and not c.seen_alone
        elif not c.seen_alone:
            assert "alone" in c.analysis
        if c.kind != "home":
            assert not c.bedroom_seen
        if c.child_seen and not c.bedroom_seen:
            assert "bedroom" in c.analysis
    assert any(not c.child_seen for c in found)
    assert any(c.child_seen and not c.seen_alone for c in found)


def test_someone_else_was_there_at_some_visits_from_the_childs_people(store):
    with store.read() as session:
        people = {(link.child_id, link.person_id): link.relationship
                  for link in session.exec(select(m.ChildPerson)).all()}
        names = {p.id: p.name for p in session.exec(select(m.Person)).all()}
        present = [(c, p) for c, r in all_records(session) for p in r.content.present]
    assert present
    parents = 0
    for child, p in present:
        if p.person_id is not None:
            assert (child.id, p.person_id) in people and names[p.person_id] == p.name
            parents += people[(child.id, p.person_id)] in ("Mother", "Father")
    assert parents >= len(present) // 2


def test_some_visits_have_a_dated_attributed_addendum(store):
    with store.read() as session:
        found = [(c, r) for c, r in all_records(session) if r.addenda]
        kids = {c.id for c, _ in all_records(session)}
        workers = {w.id: w.name for w in session.exec(select(m.Worker)).all()}
    assert found and len({c.id for c, _ in found}) <= len(kids) // 2
    for child, record in found:
        for addendum in record.addenda:
            assert addendum.written_at > record.finalised_at
            assert addendum.written_at.date() <= TODAY
            assert addendum.author == workers[child.worker_id]
            assert addendum.text.startswith(("Correction:", "Later information:"))


def test_plan_actions_progressed_at_visits_match_the_plan_in_force(store):
    with store.read() as session:
        links = session.exec(select(m.VisitAction)).all()
        assert links
        for link in links:
            visit = session.get(m.Visit, link.visit_id)
            version = session.get(m.PlanVersion, link.version_id)
            assert version.child_id == visit.child_id and version.status == "agreed"
            assert visits.local_time(visit.visited_at).date() >= version.agreed_on
            action = session.exec(select(m.PlanAction).where(
                m.PlanAction.version_id == version.id,
                m.PlanAction.key == link.action_key)).one()
            assert action.status == link.status
            record = visits.load_visit(session, visit.id)
            assert (action.what, {"done": "Done", "in_progress": "In progress"}[link.status]) \
                in record.progressed
            assert f'"{action.what}"' in record.content.analysis


def test_one_unfinished_visit_per_worker_on_one_of_their_plan_children(store):
    with store.read() as session:
        workers = session.exec(select(m.Worker).where(
            m.Worker.role == "social_worker")).all()
        plan_kids = on_plan(session)
        assert workers
        for worker in workers:
            mine = [c for c in plan_kids if c.worker_id == worker.id]
            rows = session.exec(select(m.Draft).where(m.Draft.owner == worker.username)).all()
            assert len(rows) == (1 if mine else 0), worker.username
            for row in rows:
                assert row.kind == "visit" and row.child_id in {c.id for c in mine}
                (draft,) = [d for d in visits.child_drafts(session, row.child_id)
                            if d.owner == worker.username]
                content = draft.content
                assert content == VisitContent.from_dict(json.loads(row.payload))
                assert content.visited_at.date() == TODAY and content.purpose
                assert content.childs_comments and not content.analysis  # part-written
                listed = visits.list_visits(session, row.child_id,
                                            cases.store_policy(session), TODAY)
                assert [d.id for d in listed.drafts] == [draft.id]
                assert listed.visits  # beside the finalised history
        # Starting a draft is audited; its text is not copied into the audit log.
        entries = session.exec(select(m.AuditEntry).where(m.AuditEntry.entity == "draft")).all()
        assert len(entries) == session.exec(select(m.Draft)).all().__len__()
        assert all("payload" not in json.loads(e.changes) for e in entries)


def test_the_visit_list_shows_the_demo_history_newest_first(store):
    with store.read() as session:
        policy = cases.store_policy(session)
        child = next(c for c in on_plan(session) if visits.child_visits(session, c.id))
        listed = visits.list_visits(session, child.id, policy, TODAY)
    times = [v.visited_at for v in listed.visits]
    assert times == sorted(times, reverse=True) and all(v.author for v in listed.visits)


def _texts(out: demo.DemoCounts) -> list[tuple]:
    rows = [r for r in out.rows if r.model in (m.Visit, m.VisitAddendum, m.VisitPresent,
                                              m.VisitAction, m.Draft)]
    keep = (*TEXT_FIELDS, "visited_at", "finalised_at", "author_name", "text", "name",
            "written_at", "status", "owner", "saved_at")
    return [(r.model.__name__, *(str(r.get(k)) for k in keep)) for r in rows]


def test_the_same_seed_gives_the_same_visit_records():
    first = _texts(demo.build(60, 7, TODAY))
    assert first == _texts(demo.build(60, 7, TODAY))
    assert first != _texts(demo.build(60, 8, TODAY))


def test_visit_records_draw_apart_from_the_rest_of_the_demo(monkeypatch):
    """Changing the visit records' generator changes their text, never the caseload: the
    visit dates and facts, meetings and plans stay as they were."""
    def facts(out: demo.DemoCounts) -> list[tuple]:
        keep = ("visited_at", "child_seen", "held_on", "next_review", "what", "by_when",
                "first_name", "dob", "referral_date", "cin_plan_start")
        return [(r.model.__name__, *(str(r.get(k)) for k in keep)) for r in out.rows
                if r.model not in (m.VisitAddendum, m.VisitPresent, m.VisitAction, m.Draft)]

    before = demo.build(120, 5, TODAY)
    monkeypatch.setattr(demo, "VISIT_SEED", demo.VISIT_SEED + 1)
    after = demo.build(120, 5, TODAY)
    assert facts(before) == facts(after)
    assert _texts(before) != _texts(after)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_demo_visits_pass_the_wir_checks(seed):
    """Built without a store (fast), across ages: unborn, babies, teenagers."""
    out = demo.build(300, seed, TODAY)
    dob = {r.id: r.dob for r in out.rows if r.model is m.Child}
    rows = [r for r in out.rows if r.model is m.Visit]
    assert rows
    for r in rows:
        content = VisitContent(
            visited_at=visits.local_time(r.visited_at), kind=r.kind, child_seen=r.child_seen,
            seen_alone=r.seen_alone, bedroom_seen=r.bedroom_seen,
            **{name: r[name] for name in TEXT_FIELDS})
        assert visit_problems(content, visits.local_time(r.finalised_at), dob[r.child_id]) \
            == [], content
        assert r.finalised_at.tzinfo is UTC and r.author_name
    assert sum(r.model is m.VisitAddendum for r in out.rows) >= 3
    assert out.drafts == sum(r.model is m.Draft for r in out.rows) > 0


def test_trimming_the_last_family_leaves_no_orphans():
    """The last family's extra children go with their visits' addenda, people present and
    plan links; every row still points at a row that is there."""
    for children in (7, 13, 41):
        out = demo.build(children, 11, TODAY)
        ids = {r.id for r in out.rows}
        for r in out.rows:
            for key in ("visit_id", "child_id", "version_id", "person_id"):
                if r.get(key) is not None:
                    assert r[key] in ids, (r.model.__name__, key)


def test_audit_verify_passes_on_the_demo_store(cli, demo_store):
    result = cli("audit", "verify", "--db", demo_store)
    assert result.code == 0, result.out
    assert "intact" in result.out


def test_demo_visit_times_are_aware_utc(store):
    with store.read() as session:
        row = session.exec(select(m.Visit)).first()
        draft = session.exec(select(m.Draft)).first()
    # SQLite hands back naive instants: they are UTC, and England's wall clock reads them.
    assert visits.local_time(row.finalised_at) >= visits.local_time(row.visited_at)
    assert draft.saved_at.replace(tzinfo=UTC) <= datetime.combine(
        TODAY, datetime.max.time(), tzinfo=UTC)
