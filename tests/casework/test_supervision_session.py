"""One supervision session covering several of a worker's children (STO 4.5, 8.5; WAR 12):
each child's record keeps its own supervision, each child's next supervision clock moves on,
and the session is recorded whole or not at all. On the demo store (synthetic people)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import caseload, supervision, team
from cintui.domain.supervision import SupervisionAction
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.conftest import TODAY


def _overdue_and_manager(store):
    """Three children of one worker overdue supervision, and their team manager."""
    with caseload.reading(store) as rows:
        name = team.team_names(rows)[0]
        view = team.load_team(rows, TODAY, name)
    by_worker: dict[str, list] = {}
    for q in view.supervision_overdue:
        by_worker.setdefault(q.worker, []).append(q)
    rows3 = max(by_worker.values(), key=len)
    assert len(rows3) >= 3, "the demo has a worker with three children overdue supervision"
    with store.session("setup") as s:
        manager = s.exec(select(m.Worker).where(m.Worker.role == "team_manager")).first()
        return rows3[:3], manager.username


def _entry(child_id, i: int, *, decisions: str = "Plan continues"):
    return child_id, supervision.NewSupervision(
        held_on=date(2026, 11, 20), present="Amira Khan (social worker), Tom Hale",
        discussion=f"Child {i}: attendance and the dental check", decisions=decisions,
        actions=(SupervisionAction(f"Action for child {i}", "Amira Khan",
                                   date(2026, 11, 30)),))


def test_one_session_records_each_childs_supervision_and_moves_each_clock_sto_8_5(
        demo_store):
    """STO 8.5: a session covering three overdue children keeps a supervision on each
    child's own record (its own discussion and action), and each child's next supervision
    is due by the policy's 4 weeks from the session, none overdue any more."""
    store = open_store(demo_store, None)
    try:
        rows, manager = _overdue_and_manager(store)
        with store.session(manager) as s:
            saved = supervision.record_session(
                s, [_entry(q.child_id, i) for i, q in enumerate(rows)], actor=manager,
                today=TODAY)
        assert len(saved) == 3
        with store.session(manager) as s:
            for i, q in enumerate(rows):
                facts = supervision.facts(s, q.child_id)
                assert facts[0].held_on == date(2026, 11, 20)
                assert facts[0].discussion == f"Child {i}: attendance and the dental check"
                assert [a.what for a in facts[0].actions] == [f"Action for child {i}"]
                due = supervision.due(s, q.child_id, TODAY)
                assert due.due == date(2026, 12, 18) and not due.overdue
        with caseload.reading(store) as r:
            after = team.load_team(r, TODAY, team.team_names(r)[0])
        assert not {q.child_id for q in rows} & {q.child_id for q in after.supervision_overdue}
    finally:
        store.close()


def test_a_session_with_one_child_wrong_records_none_naming_that_child_sto_4_5(demo_store):
    """STO 4.5 / BEX 4: the second child's decisions left blank refuses the whole session,
    naming that child and the field; no child gets a supervision, no clock moves."""
    store = open_store(demo_store, None)
    try:
        rows, manager = _overdue_and_manager(store)
        with store.session(manager) as s:
            before = {q.child_id: len(supervision.facts(s, q.child_id)) for q in rows}
        entries = [_entry(q.child_id, i, decisions="" if i == 1 else "Plan continues")
                   for i, q in enumerate(rows)]
        with pytest.raises(supervision.SessionError) as refused, store.session(manager) as s:
            supervision.record_session(s, entries, actor=manager, today=TODAY)
        assert refused.value.reference == rows[1].reference
        assert refused.value.field == "decisions"
        twice = [entries[0], entries[0]]
        with pytest.raises(supervision.SessionError) as dup, store.session(manager) as s:
            supervision.record_session(s, twice, actor=manager, today=TODAY)
        assert "chosen twice" in dup.value.problem
        with store.session(manager) as s:
            assert {q.child_id: len(supervision.facts(s, q.child_id)) for q in rows} == before
            assert all(supervision.due(s, q.child_id, TODAY).overdue for q in rows)
    finally:
        store.close()


def test_only_a_manager_records_a_session_sto_4_5(demo_store):
    """STO 4.5, 8.5: a social worker cannot record a session for their own children."""
    store = open_store(demo_store, None)
    try:
        rows, _ = _overdue_and_manager(store)
        with store.session("setup") as s:
            worker = s.exec(select(m.Worker).where(m.Worker.role == "social_worker")).first()
            username = worker.username
        with pytest.raises(supervision.SessionError) as refused, store.session(username) as s:
            supervision.record_session(s, [_entry(q.child_id, i) for i, q in enumerate(rows)],
                                       actor=username, today=TODAY)
        assert refused.value.field == "by"
        assert "needs a team manager or service manager" in refused.value.problem
    finally:
        store.close()
