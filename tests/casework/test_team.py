"""The team view's numbers (issue 7 §2) reconcile with the due list and the caseload, on the
demo store (synthetic people)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from cintui.casework import caseload, cases, due, team
from cintui.domain.timescales import DueState
from cintui.domain.workforce import CASE_HOLDING_ROLES
from cintui.store.engine import open_store
from tests.conftest import TODAY, reading


@pytest.fixture
def conn(demo_store):
    with reading(demo_store) as rows:
        yield rows


def test_each_workers_line_matches_their_caseload_and_due_list(conn):
    name = team.team_names(conn)[0]
    view = team.load_team(conn, TODAY, name)
    assert view.workers
    for w in view.workers:
        rows = caseload.load_caseload(conn, TODAY, view="mine", worker_username=w.username)
        assert w.children == len(rows)
        items = due.load_items(conn, TODAY, view="mine", username=w.username,
                               until=date(2026, 11, 23))
        overdue = Counter(i.kind for i in items if i.state is DueState.OVERDUE)
        assert w.overdue == dict(overdue)
        # Visits in timescale: the children whose visit clock is not overdue.
        clocks = [r.next_visit for r in rows if r.next_visit is not None]
        assert (w.visits.met, w.visits.total) == (
            sum(d.state is not DueState.OVERDUE for d in clocks), len(clocks))
    total = view.total
    assert total.children == sum(w.children for w in view.workers)
    assert total.overdue_total == sum(w.overdue_total for w in view.workers)
    with_plan = [q for q in view.quality]
    assert total.no_quality_check == sum(not q.status.checked for q in with_plan)


def test_a_recorded_check_counts_and_a_bad_one_is_refused_with_nothing_written(demo_store):
    """BEX 3: a child with a plan and no audit or case-mapping yet leaves the "none" list
    once one is recorded; a check dated in the future is refused and nothing is written."""
    store = open_store(demo_store, None)
    try:
        with caseload.reading(store) as rows:
            name = team.team_names(rows)[0]
            before = team.load_team(rows, TODAY, name)
        unchecked = [q for q in before.quality if not q.status.checked]
        assert unchecked and len(unchecked) < len(before.quality)  # the demo has both
        child_id = unchecked[0].child_id
        with pytest.raises(cases.CaseworkError) as refused, store.session("t.manager") as s:
            team.record_quality_check(s, child_id, kind="audit", held_on=date(2026, 12, 1),
                                      facilitator="X", findings="Y", needs_met=True,
                                      recorded_by=None, today=TODAY)
        assert refused.value.field == "held_on"
        with caseload.reading(store) as rows:
            assert team.load_team(rows, TODAY, name).total.no_quality_check == \
                before.total.no_quality_check
        with store.session("t.manager") as s:
            team.record_quality_check(s, child_id, kind="audit", held_on=TODAY,
                                      facilitator="Sam Synthetic", findings="Plan meets needs",
                                      needs_met=True, recorded_by=None, today=TODAY)
        with caseload.reading(store) as rows:
            view = team.load_team(rows, TODAY, name)
        row = next(q for q in view.quality if q.child_id == child_id)
        assert row.status.checked and row.status.last.needs_met is True
        assert row.status.last.held_on == TODAY
        assert view.total.no_quality_check == before.total.no_quality_check - 1
    finally:
        store.close()


def test_the_views_plans_and_trend_come_from_the_report_rules(conn):
    """Plans passing checks (BEX 2, WIR 2.3) counted over the children with a CIN plan, and
    the weekly visit snapshot (WIR 2.11) over 12 Fridays, the last on or before today."""
    from cintui.casework import reports

    name = team.team_names(conn)[0]
    view = team.load_team_view(conn, TODAY, name)
    assert view.total.plans.total == len(view.quality)
    judged = {c.id: c.plan_passes for c in reports.load_children(conn, team=name,
                                                                 plans_on=TODAY)}
    assert view.total.plans.met == sum(1 for v in judged.values() if v)
    assert [p.day for p in view.trend][-1] == date(2026, 11, 20)
    assert len(view.trend) == 12 and all(p.day.weekday() == 4 for p in view.trend)
    assert all(p.measure.met <= p.measure.total for p in view.trend)


def test_the_team_manager_without_children_has_no_line(conn):
    """A manager sees the workers holding cases; their own empty line would only say 0."""
    name = team.team_names(conn)[0]
    managers = {u for (u,) in conn(
        "SELECT w.username FROM worker w JOIN team t ON t.id = w.team_id "
        "WHERE t.name = :name AND w.role = 'team_manager'", {"name": name})}
    assert managers
    view = team.load_team(conn, TODAY, name)
    assert view.workers and not {w.username for w in view.workers} & managers
    assert all(w.children or w.role in CASE_HOLDING_ROLES for w in view.workers)
