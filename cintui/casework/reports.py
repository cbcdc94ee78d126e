"""Reading the reports' facts from a store: the compliance report (timescales kept,
DOMAIN.md §6) and the performance report (DOMAIN.md §8), for everyone or one team.

A fixed handful of plain SQL queries whatever the store's size (never one per child), through
`caseload.rows_from`; the counting is the pure `cintui.domain.reports`. Every child on the
store counts, closed ones too (closures, re-referrals and past months need them); a child
counts for its allocated worker and team as they are now.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from cintui.casework.caseload import store_policy
from cintui.casework.lookup import (
    CLOSED_ON,
    _date,
    _visit_day,
    of_earlier_episode,
    rows_from,
    team_meant,
)
from cintui.domain.calendar import WorkingCalendar, england_calendar
from cintui.domain.fgc import FgcFact
from cintui.domain.plan import (
    Need,
    PlanAction,
    PlanVersion,
    Service,
    plan_ended,
)
from cintui.domain.policy import PolicyProfile
from cintui.domain.reports import (
    ChildFacts,
    Compliance,
    EpisodeFacts,
    Performance,
    TrendPoint,
    compliance,
    performance,
    visit_trend,
)
from cintui.domain.timescales import MeetingFact, VisitFact, plan_visits

_SCOPE = {None: "1 = 1", "team": "c.team_id = (SELECT id FROM team WHERE name = :team)"}
_CHILDREN = """
SELECT c.id, c.first_name, w.username, w.name, t.name, c.dob
FROM child AS c
LEFT JOIN worker AS w ON w.id = c.worker_id
LEFT JOIN team AS t ON t.id = c.team_id
WHERE {scope}
"""
_IDS = "SELECT c.id FROM child AS c WHERE {scope}"
_EPISODES = """
SELECT child_id, referral_date, closure_date, cin_plan_start, cin_plan_end,
       assessment_completed, unmet_need_stepped_down, recorded_from, step_down_completed,
       closure_reason
FROM episode WHERE child_id IN ({ids})
"""
# WIR 2.11: only final visits where the child was seen are facts for the visit clock (which
# of them restart it is the policy's: `timescales.restarts_visit_clock`).
_VISITS = """
SELECT child_id, visited_at, seen_alone, kind FROM visit
WHERE status = 'final' AND child_seen AND visited_at < :until AND child_id IN ({ids})
"""
# The visit frequency each agreed plan version set, from the day it was agreed (BEX 3, TRA).
_PLAN_VISITS = """
SELECT child_id, agreed_on, visit_every_amount, visit_every_unit FROM plan_version
WHERE status <> 'draft' AND agreed_on IS NOT NULL AND child_id IN ({ids})
"""
_MEETINGS = """
SELECT child_id, kind, held_on, next_review, minutes_circulated, plan_circulated
FROM meeting WHERE held AND held_on <= :end AND child_id IN ({ids})
"""
# The plan in force per child: its newest agreed version of the current episode (an earlier
# episode's, before a re-referral, is history); then that version's parts.
_CURRENT = """
WITH ranked AS (
    SELECT id, child_id, ROW_NUMBER() OVER (PARTITION BY child_id ORDER BY number DESC) AS pick
    FROM plan_version AS v WHERE status = 'agreed' AND child_id IN ({ids})
      AND NOT """ + of_earlier_episode("v") + """
)
"""
# Whether and how each plan ended (WIR 3, TRA): its final meeting, else the closure
# (`lookup.CLOSED_ON`), read by the one domain rule (`plan.plan_ended`) the screens use.
_VERSIONS = _CURRENT + f"""
SELECT v.id, v.child_id, v.number, v.status, v.created_on, v.agreed_on, v.objectives,
       v.lead_professional, v.review_arrangements, v.next_review, v.childs_views,
       v.lived_experience, v.bottom_lines, v.if_not_met, v.good_enough,
       mt.kind, mt.recommendation, mt.held_on, {CLOSED_ON} AS closed_on
FROM ranked AS r JOIN plan_version AS v ON v.id = r.id
LEFT JOIN meeting AS mt ON mt.id = v.meeting_id WHERE r.pick = 1
"""
_SERVICES = _CURRENT + """
SELECT s.version_id, s.name, s.purpose FROM ranked AS r
JOIN plan_service AS s ON s.version_id = r.id WHERE r.pick = 1 ORDER BY s.position
"""
_NEEDS = _CURRENT + """
SELECT n.version_id, n.id, n.now, n.outcome, n.evidence, n.rag, n.kind FROM ranked AS r
JOIN plan_need AS n ON n.version_id = r.id WHERE r.pick = 1 ORDER BY n.position
"""
_ACTIONS = _CURRENT + """
SELECT a.need_id, a.what, a.who, a.by_when, a.status FROM ranked AS r
JOIN plan_action AS a ON a.version_id = r.id WHERE r.pick = 1 ORDER BY a.position
"""
# WAR 9.3: Family Group Conferences, for their use over a period.
_FGCS = """
SELECT child_id, status, referred_on, held_on, declined_on FROM family_group_conference
WHERE child_id IN ({ids}) AND referred_on <= :end ORDER BY referred_on, created_at
"""
# STO 4.5, 8.5; WAR 12: each supervision of a child's case, and the next date set then.
_SUPERVISIONS = """
SELECT child_id, held_on, next_due FROM supervision
WHERE held_on <= :end AND child_id IN ({ids})
"""
_TEAMS = "SELECT name FROM team ORDER BY name"
# Caseloads (WAR 3.5) count every active social worker, those with no children too.
_WORKERS = """
SELECT w.username, w.name FROM worker AS w LEFT JOIN team AS t ON t.id = w.team_id
WHERE w.active AND w.role = 'social_worker' AND ({scope})
"""


_NO_KEY = uuid.UUID(int=0)  # the checks read no keys: skip a random one per need and action


class ReportError(ValueError):
    """A report asked of something the store does not hold (one line for the user)."""


def resolve_team(source, team: str | None) -> str | None:
    """The team's name meant: its name in any case, or words only one team's name has."""
    if team is None:
        return None
    return team_meant(team, [n for (n,) in rows_from(source)(_TEAMS, {})])


def _scope(team: str | None) -> str:
    return _SCOPE["team" if team else None]


def load_children(source, *, team: str | None = None, end: date | None = None,
                  visits: bool = True, plans_on: date | None = None,
                  jargon=None) -> list[ChildFacts]:
    """Every child on the store (or of the team named `team`) with its episodes; with
    `visits`, its seen visits, its plans' visit frequencies and held meetings up to `end`;
    with `plans_on`, whether its plan in force passes the plan checks on that day (BEX 2,
    WIR 2.3). Nine queries at most."""
    rows = rows_from(source)
    params = {"team": team or "", "end": (end or date.max).isoformat(),
              "until": _next_day(end)}
    ids = _IDS.format(scope=_scope(team))
    episodes: dict = defaultdict(list)
    for (cid, ref, closed, plan, plan_end, assessed, unmet, recorded, stepped,
         reason) in rows(_EPISODES.format(ids=ids), params):
        episodes[cid].append(EpisodeFacts(
            referral=_date(ref), closure=_date(closed), cin_plan_start=_date(plan),
            cin_plan_end=_date(plan_end), assessment_completed=_date(assessed),
            unmet_need_stepped_down=bool(unmet), recorded_from=_date(recorded),
            # to Early Help: a step-down completed (WIR 3), closed to early help after the
            # assessment (RC9), or closed with unmet need stepped down (STO 3.3)
            stepped_down=bool(stepped) or reason == "RC9" or bool(unmet)))
    seen: dict = defaultdict(list)
    agreed: dict = defaultdict(list)
    meetings: dict = defaultdict(list)
    supervised: dict = defaultdict(list)
    if visits:
        for cid, held, set_for in rows(_SUPERVISIONS.format(ids=ids), params):
            supervised[cid].append((_date(held), _date(set_for)))
        for cid, at, alone, kind in rows(_VISITS.format(ids=ids), params):
            seen[cid].append(VisitFact(_visit_day(at), seen_alone=bool(alone),
                                       virtual=kind == "virtual"))
        for cid, on, every, unit in rows(_PLAN_VISITS.format(ids=ids), params):
            agreed[cid].append((_date(on), plan_visits(every, unit)))
        for cid, kind, held_on, nxt, minutes, plan in rows(_MEETINGS.format(ids=ids), params):
            meetings[cid].append(MeetingFact(
                date=_date(held_on), kind=kind, next_review=_date(nxt),
                minutes_circulated=_date(minutes), plan_circulated=_date(plan)))
    fgcs: dict = defaultdict(list)
    for cid, status, referred, held, declined in rows(_FGCS.format(ids=ids), params):
        fgcs[cid].append(FgcFact(_date(referred), status, held_on=_date(held),
                                 declined_on=_date(declined)))
    children = rows(_CHILDREN.format(scope=_scope(team)), params)
    found: dict = {}
    if plans_on is not None:
        wanted = {cid for cid, _f, *_ in children
                  if any(e.plan_on(plans_on) for e in episodes.get(cid, ()))}
        first = {cid: first_name for cid, first_name, *_ in children}
        found = plan_problems(rows, ids, params, plans_on, wanted, first, jargon)
    return [ChildFacts(
        id=str(cid), episodes=tuple(episodes.get(cid, ())), worker=user or "",
        worker_name=name or "", team=team_name or "", dob=_date(dob),
        visits=tuple(seen.get(cid, ())), plan_visits=tuple(agreed.get(cid, ())),
        meetings=tuple(meetings.get(cid, ())),
        plan_passes=None if cid not in found else not found[cid][1],
        plan_id=found[cid][0] if cid in found else None,
        plan_problems=found[cid][1] if cid in found else (),
        fgcs=tuple(fgcs.get(cid, ())), supervisions=tuple(supervised.get(cid, ())))
        for cid, _first, user, name, team_name, dob in children]


def _next_day(end: date | None) -> str:
    # Visit instants are UTC; a visit late on `end` in England may be stored as the next day.
    return date.max.isoformat() if end is None or end == date.max else \
        date.fromordinal(end.toordinal() + 2).isoformat()


def load_versions(rows, ids: str, params: dict) -> dict:
    """Per child (as the store gives its id): its plan in force (the newest agreed version)
    as a domain `PlanVersion`, from four queries for all the children in `ids` (the version
    rows, services, needs, actions; rating history is left out: no check reads it)."""
    services: dict = defaultdict(list)
    for vid, name, purpose in rows(_SERVICES.format(ids=ids), params):
        services[vid].append(Service(name, purpose or ""))
    actions: dict = defaultdict(list)
    for need_id, what, who, by_when, status in rows(_ACTIONS.format(ids=ids), params):
        actions[need_id].append(PlanAction(what=what or "", who=who or "",
                                           by_when=_date(by_when), status=status,
                                           key=_NO_KEY))
    needs: dict = defaultdict(list)
    for vid, nid, now, outcome, evidence, rag, kind in rows(_NEEDS.format(ids=ids), params):
        needs[vid].append(Need(now=now or "", outcome=outcome or "", evidence=evidence or "",
                               rag=rag, kind=kind, actions=tuple(actions.get(nid, ())),
                               key=_NO_KEY))
    out: dict = {}
    for (vid, cid, number, status, created, agreed, objectives, lead, review, nxt, views,
         lived, bottom_lines, if_not_met, good_enough, met_kind, recommendation,
         held_on, closed_on) in rows(_VERSIONS.format(ids=ids), params):
        ended_on, ended_by = plan_ended(status, met_kind, recommendation, _date(held_on),
                                        _date(closed_on))
        out[cid] = PlanVersion(
            number=number, status=status, created_on=_date(created), agreed_on=_date(agreed),
            objectives=objectives or "", lead_professional=lead or "",
            review_arrangements=review or "", next_review=_date(nxt), childs_views=views or "",
            lived_experience=lived or "", bottom_lines=bottom_lines or "",
            if_not_met=if_not_met or "", good_enough=good_enough or "",
            ended_on=ended_on, ended_by=ended_by,
            services=tuple(services.get(vid, ())),
            needs=tuple(needs.get(vid, ())), id=_uuid(vid))
    return out


def _uuid(value) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def plans_passing(rows, ids: str, params: dict, on: date, wanted: Iterable,
                  first_names: dict, jargon=None) -> dict:
    """Per child in `wanted`: whether its plan in force passes `check_plan` on `on` (a child
    with no agreed plan is left out: the domain counts it as not passing)."""
    return {cid: not found for cid, (_id, found) in plan_problems(
        rows, ids, params, on, wanted, first_names, jargon).items()}


def plan_problems(rows, ids: str, params: dict, on: date, wanted: Iterable,
                  first_names: dict, jargon=None) -> dict:
    """Per child in `wanted` with an agreed plan: its plan in force on `on` (the version's id)
    and what `check_plan` finds in it (none: it passes), for the team view's list of the
    plans that fail."""
    from cintui.domain.plan_checks import check_plan

    if jargon is None:
        from cintui.reference import plain_words

        jargon = plain_words.load_plain_words()
    wanted = set(wanted)
    if not wanted:
        return {}
    versions = load_versions(rows, ids, params)
    return {cid: (versions[cid].id, tuple(check_plan(versions[cid], on, jargon,
                                                     child=first_names.get(cid, ""))))
            for cid in wanted if cid in versions}


def load_workers(source, team: str | None = None) -> dict[str, str]:
    """Active social workers (username -> name), of one team when `team` names one."""
    scope = "t.name = :team" if team else "1 = 1"
    return dict(rows_from(source)(_WORKERS.format(scope=scope), {"team": team or ""}))


# ---------------------------------------------------------------------- the reports


def compliance_report(source, start: date, end: date, *, team: str | None = None,
                      policy: PolicyProfile | None = None,
                      cal: WorkingCalendar | None = None) -> Compliance:
    """The compliance report over `[start, end]` for everyone or one team (by name)."""
    _check_period(start, end)
    policy = policy or store_policy(source)
    children = load_children(source, team=team, end=end, plans_on=end)
    return compliance(children, start, end, policy, cal or england_calendar())


def trend_report(source, end: date, *, weeks: int = 12, team: str | None = None,
                 worker: str | None = None, policy: PolicyProfile | None = None,
                 cal: WorkingCalendar | None = None) -> list[TrendPoint]:
    """The weekly visit-clock snapshot (WIR 2.11) for the `weeks` Fridays up to `end`."""
    policy = policy or store_policy(source)
    children = load_children(source, team=team, end=end)
    return visit_trend(children, end, weeks, policy, cal or england_calendar(), worker=worker)


def performance_report(source, start: date, end: date, *,
                       team: str | None = None) -> Performance:
    """The performance report over `[start, end]` for everyone or one team (by name)."""
    _check_period(start, end)
    children = load_children(source, team=team, visits=False)
    return performance(children, start, end, workers=load_workers(source, team))


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise ReportError(f"--from {start.isoformat()} is after --to {end.isoformat()}")
