"""The caseload query: who is in view, what is due, flags — with a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from cintui import casework, policies
from cintui.caseload import POLICY_SQL, filter_rows, load_caseload
from cintui.store import fast
from cintui.store.engine import open_store
from cintui.store.models import Consent, Meeting, Visit
from tests.conftest import TODAY


@pytest.fixture
def reader(demo_store):
    r = fast.open_reader(demo_store, None)
    yield r
    r.close()


def load(reader, **kw):
    policy = policies.load_policy(reader.rows(POLICY_SQL)[0][0])
    return load_caseload(reader.rows, TODAY, policy, **kw)


def workers(path):
    store = open_store(path, None)
    with store.read() as session:
        out = casework.list_workers(session), casework.list_children(session, TODAY,
                                                                      open_only=True)
    store.close()
    return out


def test_views_hold_the_right_children(reader, demo_store):
    staff, open_children = workers(demo_store)
    everyone = load(reader, view="everyone")
    assert {r.reference for r in everyone} == {c.reference for c in open_children}
    busiest = max(staff, key=lambda w: w.open_children)
    mine = load(reader, view="mine", worker=busiest.username)
    assert len(mine) == busiest.open_children
    assert {r.worker_username for r in mine} == {busiest.username}
    team = load(reader, view="team", worker=busiest.username)
    assert len(team) == sum(w.open_children for w in staff if w.team == busiest.team)
    assert load(reader, view="mine", worker=None) == []


def test_next_visit_matches_the_timescale_engine_on_the_child_record(reader, demo_store):
    """The caseload and the child's record give the same due dates (WIR 2.11 via policy)."""
    rows = {r.reference: r for r in load(reader, view="everyone")}
    store = open_store(demo_store, None)
    with store.read() as session:
        for ref in sorted(rows)[:15]:
            child = casework.find_child(session, ref)
            due = {d.key: d for d in casework.child_deadlines(session, child, TODAY)}
            assert (rows[ref].next_visit and rows[ref].next_visit.due) == (
                due.get("visit") and due["visit"].due), ref
    store.close()


def _child_with_visit_clock(reader):
    return next(r for r in load(reader, view="everyone") if r.next_visit is not None)


def test_a_visit_where_the_child_was_not_seen_does_not_reset_the_clock(reader, demo_store):
    """WIR 2.11: the child must be seen; an unseen visit does not restart the 20 wd clock."""
    row = _child_with_visit_clock(reader)
    store = open_store(demo_store, None)
    with store.session("test.worker") as session:
        session.add(Visit(child_id=row.id, visited_at=datetime.combine(TODAY, datetime.min.time(),
                                                                        tzinfo=UTC),
                          child_seen=False, seen_alone=False, status="final"))
    store.close()
    after = next(r for r in load(reader, view="everyone") if r.id == row.id)
    assert after.next_visit.due == row.next_visit.due
    assert after.last_visit == row.last_visit


def test_flags_for_missing_consent_and_overdue_minutes(reader, demo_store):
    """DOMAIN.md §2 (consent to a CIN service) and BEX 3 (minutes within 10 working days)."""
    row = next(r for r in load(reader, view="everyone") if r.next_visit is not None)
    store = open_store(demo_store, None)
    with store.session("test.worker") as session:
        for consent in session.exec(select(Consent).where(Consent.child_id == row.id)).all():
            session.delete(consent)
        session.add(Meeting(child_id=row.id, kind="review", held=True,
                            held_on=TODAY - timedelta(days=40)))
    store.close()
    after = next(r for r in load(reader, view="everyone") if r.id == row.id)
    assert "No valid consent" in after.flags
    assert "Minutes overdue" in after.flags


def test_a_fixed_number_of_queries_whatever_the_size(reader):
    calls = []

    def counting(sql, params):
        calls.append(sql)
        return reader.rows(sql, params)

    policy = policies.load_policy("england")
    load_caseload(counting, TODAY, policy, view="everyone")
    everyone = len(calls)
    calls.clear()
    staff = reader.rows("SELECT username FROM worker LIMIT 1")[0][0]
    load_caseload(counting, TODAY, policy, view="mine", worker=staff)
    assert everyone == len(calls) == 5


def test_filter_matches_every_word_in_name_reference_or_worker(reader):
    rows = load(reader, view="everyone")
    target = rows[3]
    first, last = target.name.split()[0], target.name.split()[-1]
    assert target in filter_rows(rows, f"{last.upper()} {first.lower()}")
    assert filter_rows(rows, target.reference) == [target]
    assert filter_rows(rows, "zzzz-nobody") == []
