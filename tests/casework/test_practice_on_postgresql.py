"""Issue 23's use cases on the team server's store (PostgreSQL), the same as on SQLite:
supervision and its due list and team view (STO 4.5, 8.5), the plan's exit and an early
review (BEX 3, STO 6.3), a Family Group Conference joined to the plan and counted (WAR 4.2,
9.3), and the CIN status for partners with its disclosure (STO 4.5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import select

from cintui.casework import cases, fgc, meetings, partners, plans, reports, supervision, team
from cintui.casework import due as due_cases
from cintui.domain.plan import PlanAction
from cintui.domain.supervision import SupervisionAction
from cintui.store import models as m
from cintui.store.engine import open_url
from tests.conftest import TODAY


def test_the_practice_use_cases_on_postgresql(pg_url):
    store = open_url(pg_url)
    try:
        with store.session("setup") as s:
            cases.set_store_policy(s, "england")
            t = m.Team(name="South Safeguarding and Support")
            s.add(t)
            s.add(m.Worker(username="amira", name="Amira Khan", role="social_worker",
                           team_id=t.id))
            s.add(m.Worker(username="tom", name="Tom Hale", role="team_manager", team_id=t.id))
        with store.session("amira") as s:
            child = cases.add_child(s, cases.NewChild(
                first_name="Leo", last_name="Ward", dob=date(2017, 5, 2), reference="PG1",
                referral_date=date(2026, 9, 1), worker="amira"), TODAY)
            child_id = child.id
            episode = cases.current_episode(s, child_id)
            episode.cin_plan_start = date(2026, 10, 14)
            child.status = "cin_plan"
            s.add_all([episode, child])
        with store.session("tom") as s:
            supervision.record_supervision(s, child_id, supervision.NewSupervision(
                held_on=date(2026, 11, 2), present="Amira Khan", discussion="Attendance",
                decisions="Plan continues", actions=(SupervisionAction(
                    "Ask the GP", "Amira Khan", date(2026, 11, 27)),)),
                actor="tom", today=TODAY)
        with store.session("amira") as s:
            fgc.refer(s, child_id, on=date(2026, 11, 3), by="amira", coordinator="Sam",
                      today=TODAY)
            _row, number = fgc.record_held(s, child_id, held_on=date(2026, 11, 20),
                                           family_plan="Gran helps", today=TODAY,
                                           actions=(PlanAction("School run", "Joe",
                                                               date(2026, 11, 30)),))
            draft = plans.draft_version_id(s, child_id)
            version = plans.load_version(s, draft)
            plans.save_draft(s, draft, replace(version, bottom_lines="Never alone at night",
                                               if_not_met="A CP conference is considered",
                                               good_enough="In school 95% for a term"), TODAY)
            plans.agree_version(s, draft, TODAY, agreed_by="Layla Ward")
            meeting = m.Meeting(child_id=child_id, episode_id=episode.id, kind="initial",
                                status="held", held=True, held_on=date(2026, 11, 2))
            s.add(meeting)
        with store.session("amira") as s:
            meetings.bring_review_forward(s, child_id, by=date(2026, 12, 4),
                                          reason="Dad left", today=TODAY)
            assert plans.current_plan(s, child_id).good_enough == "In school 95% for a term"
            assert number == 1
        with store.session("amira") as s:
            shared = partners.cin_status(s, team="south")
            partners.record_disclosure(s, shared, recipient="Police", purpose="NICHE flags",
                                       by="amira", on=TODAY, team="south", file="x.csv")
        with store.read() as s:
            conn = s.connection()
            items = due_cases.load_items(conn, TODAY, view="mine", username="amira",
                                         until=date(2026, 12, 31))
            keys = {(i.key, i.due) for i in items}
            assert ("supervision_action", date(2026, 11, 27)) in keys
            assert ("plan_action", date(2026, 11, 30)) in keys
            assert ("first_review", date(2026, 12, 4)) in keys  # brought forward (BEX 3)
            view = team.load_team(conn, TODAY, "South Safeguarding and Support")
            assert view.total.supervision_overdue == 0
            assert view.quality[0].supervision.due == date(2026, 11, 30)
            perf = reports.performance_report(conn, date(2026, 10, 1), TODAY)
            assert (perf.fgc.held, perf.fgc.children_with_fgc) == (1, 1)
            assert [c.reference for c in shared] == ["PG1"]
            assert s.exec(select(m.Disclosure)).one().children == 1
    finally:
        store.close()
