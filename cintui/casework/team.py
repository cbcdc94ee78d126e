"""The team view for a team manager (issue 7 §2): per worker, the caseload, what is overdue
by kind, visits and reviews in timescale, plans passing their checks; which children with a
plan have had no quality check (BEX 3); and the team's visit timeliness over 12 weeks.

Read with a fixed handful of queries for the whole team (the due list's, plus the quality
checks and the plans), never one per child."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from cintui.casework import reports
from cintui.casework.caseload import ids_sql, load_facts
from cintui.casework.due import (
    _day,
    child_items,
    child_ref,
    load_actions,
    load_packages,
    no_change_facts,
    no_change_since,
    supervision_due_sql,
)
from cintui.casework.lookup import as_uuid, rows_from, uuid_text
from cintui.domain.calendar import england_calendar
from cintui.domain.due import counts_by_kind, no_change_item
from cintui.domain.endings import ACTIVE_ENDINGS, ENDINGS_BEFORE_A_PLAN
from cintui.domain.oversight import (
    QualityCheckFact,
    QualityStatus,
    check_quality_check,
    quality_status,
)
from cintui.domain.reports import NONE, Measure, TrendPoint, visit_trend
from cintui.domain.supervision import SupervisionDue, SupervisionFact, supervision_due
from cintui.domain.timescales import DueState
from cintui.domain.waiting import Waiting, oldest_first
from cintui.domain.workforce import CASE_HOLDING_ROLES

TEAMS_SQL = "SELECT name FROM team ORDER BY name"
MY_TEAM_SQL = ("SELECT t.name FROM worker AS w JOIN team AS t ON t.id = w.team_id "
               "WHERE w.username = :username")
MY_ROLE_SQL = "SELECT role FROM worker WHERE username = :username"
_WORKERS = """
SELECT w.username, w.name, w.role FROM worker AS w JOIN team AS t ON t.id = w.team_id
WHERE t.name = :team AND w.active ORDER BY w.name, w.username
"""
_CHECKS = """
SELECT child_id, kind, held_on, facilitator, needs_met FROM quality_check
WHERE child_id IN ({ids}) AND kind <> 'step_audit' ORDER BY held_on, created_at
"""


@dataclass
class WorkerLine:
    username: str
    name: str
    role: str = ""
    children: int = 0
    overdue: dict[str, int] = field(default_factory=dict)  # "Visits": 3
    visits: Measure = NONE  # children whose visit clock is not overdue today
    reviews: Measure = NONE  # children whose review clock is not overdue today
    plans: Measure = NONE  # children with a CIN plan whose plan in force passes its checks
    no_quality_check: int = 0
    supervision_overdue: int = 0  # STO 4.5, 8.5: children overdue supervision
    no_change: int = 0  # WIR 2.3: plans with no positive change in six months

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())


@dataclass(frozen=True)
class QualityRow:
    child_id: uuid.UUID
    reference: str
    name: str
    worker: str
    status: QualityStatus
    supervision: SupervisionDue | None = None  # STO 4.5, 8.5


@dataclass(frozen=True)
class PlanFailing:
    """A child of the team whose CIN plan in force fails the plan checks (BEX 2, WIR 2.3),
    with what they found; none: no plan agreed yet."""

    child_id: uuid.UUID
    reference: str
    name: str
    worker: str
    problems: tuple = ()  # plan_checks.PlanProblem, plan-wide first, then need by need
    version_id: uuid.UUID | None = None  # the plan in force the checks read (a draft may follow)

    def describe(self) -> str:
        from cintui.domain.plan_checks import in_short

        return in_short(self.problems) if self.problems else "no plan agreed yet"


@dataclass
class TeamView:
    team: str
    today: date
    workers: list[WorkerLine]
    quality: list[QualityRow]  # children with a CIN plan: none checked first
    trend: list[TrendPoint] = field(default_factory=list)  # visits in timescale, weekly
    # STO 4.5, 8.5: every open child overdue supervision, the longest overdue first.
    supervision_overdue: list[QualityRow] = field(default_factory=list)
    # Decisions only a manager may take (domain.waiting), the longest waiting first: this
    # team's, and every team's.
    waiting: list[Waiting] = field(default_factory=list)
    waiting_all: list[Waiting] = field(default_factory=list)
    # The role of whoever reads the view (None: not known): what waits is theirs to decide,
    # or another's (BEX 3: a dispute referred on is the service manager's).
    role: str | None = None
    # The children behind "Plans pass": those whose plan fails the checks, by worker.
    plans_failing: list[PlanFailing] = field(default_factory=list)
    # WIR 2.3: the children behind "No change", (row, no need rated better since), longest
    # first.
    no_change: list[tuple[QualityRow, date]] = field(default_factory=list)

    @property
    def to_decide(self) -> list[Waiting]:
        """This team's decisions that are the reader's to take."""
        return [w for w in self.waiting if w.theirs(self.role)]

    @property
    def total(self) -> WorkerLine:
        line = WorkerLine(username="", name="Team")
        for w in self.workers:
            line.children += w.children
            for kind, n in w.overdue.items():
                line.overdue[kind] = line.overdue.get(kind, 0) + n
            line.visits += w.visits
            line.reviews += w.reviews
            line.plans += w.plans
            line.no_quality_check += w.no_quality_check
            line.supervision_overdue += w.supervision_overdue
            line.no_change += w.no_change
        return line


# The open episodes imported from a caseload file, with the day they came in.
_IMPORTED = """
SELECT child_id, recorded_from FROM episode
WHERE recorded_from IS NOT NULL AND closure_date IS NULL AND child_id IN ({ids})
"""


def team_names(source) -> list[str]:
    return [name for (name,) in rows_from(source)(TEAMS_SQL, {})]


def my_team(source, username: str | None) -> str | None:
    found = rows_from(source)(MY_TEAM_SQL, {"username": username or ""})
    return found[0][0] if found else None


def my_role(source, username: str | None) -> str | None:
    found = rows_from(source)(MY_ROLE_SQL, {"username": username or ""})
    return found[0][0] if found else None


def load_team(source, today: date, team: str, *, plans_passing=None) -> TeamView:
    """The team view of the team named `team`. `plans_passing(child_ids) -> {id: bool}`
    judges the plans in force (left out: the plans column shows "—"); a child with a CIN plan
    and no agreed plan counts as not passing."""
    rows = rows_from(source)
    policy, children = load_facts(rows, view="team_named", team=team, caseload=False)
    params = {"team": team, "username": "", "until": today.isoformat()}
    lines = {u: WorkerLine(username=u, name=n, role=r)
             for u, n, r in rows(_WORKERS, params)}
    actions = load_actions(rows, "team_named", params)
    packages = load_packages(rows, "team_named", params, policy)  # WAR 7.2.1 reviews
    checks: dict = defaultdict(list)
    for cid, kind, held_on, facilitator, needs_met in rows(
            _CHECKS.format(ids=ids_sql("team_named")), params):
        checks[cid].append(QualityCheckFact(kind, _day(held_on), facilitator or "",
                                            None if needs_met is None else bool(needs_met)))
    last_supervision = {cid: SupervisionFact(_day(held), "", next_due=_day(nxt) if nxt else None)
                        for cid, held, nxt in rows(supervision_due_sql(
                            ids_sql("team_named")), params)}
    imported = {cid: _day(day) for cid, day in rows(_IMPORTED.format(
        ids=ids_sql("team_named")), params)}  # supervision before the import: not carried
    worried, changed = no_change_facts(rows, "team_named", params)
    every = policy.timescale("supervision")
    cal = england_calendar()
    with_plan = [as_uuid(c[0]) for c, _f in children if c[8] == "cin_plan"]
    passing = plans_passing(with_plan) if plans_passing else {}
    quality: list[QualityRow] = []
    overdue: list[QualityRow] = []
    stuck: list[tuple[QualityRow, date]] = []
    for child, facts in children:
        ref = child_ref(child)
        line = lines.setdefault(ref.worker_username or "", WorkerLine(
            username=ref.worker_username or "", name=ref.worker or "(unallocated)"))
        line.children += 1
        items = child_items(child, facts, actions.get(child[0], ()), today, policy, cal,
                            packages.get(child[0], ()))
        stalled = no_change_since(child, facts, worried, changed, today)  # WIR 2.3
        if stalled is not None:  # as on the worker's due list
            items.append(no_change_item(ref, stalled, today, cal))
        for kind, n in counts_by_kind(items).items():
            line.overdue[kind] = line.overdue.get(kind, 0) + n
        by_key = {i.key: i for i in items if i.key in ("visit", "review", "first_review")}
        visit = by_key.get("visit")
        if visit is not None:
            line.visits = _add(line.visits, visit.state is not DueState.OVERDUE)
        review = by_key.get("review") or by_key.get("first_review")
        if review is not None:
            line.reviews = _add(line.reviews, review.state is not DueState.OVERDUE)
        cid = as_uuid(child[0])
        episode = (facts or {}).get("episode")
        start = (_day(episode[6]) if episode[6] else _day(episode[1])) if episode else None
        last = last_supervision.get(child[0])
        if last is not None and episode and last.held_on < _day(episode[1]):
            last = None  # an earlier episode's (or another authority's, BEX 4)
        sup = supervision_due(last, start, every, today, cal,
                              policy.due_soon_working_days, imported.get(child[0]))
        if sup is not None and sup.overdue:
            line.supervision_overdue += 1
            overdue.append(QualityRow(cid, ref.reference, ref.name, ref.worker,
                                      quality_status(None, []), sup))
        if child[8] == "cin_plan" and plans_passing:
            line.plans = _add(line.plans, passing.get(cid, False))  # no agreed plan: fails
        if child[8] == "cin_plan":
            plan_start = _day(episode[6]) if episode and episode[6] else None
            status = quality_status(plan_start, checks.get(child[0], []))
            if not status.checked:
                line.no_quality_check += 1
            row = QualityRow(cid, ref.reference, ref.name, ref.worker, status, sup)
            if stalled is not None:  # WIR 2.3
                line.no_change += 1
                stuck.append((row, stalled))
            quality.append(row)
    quality.sort(key=lambda q: (q.status.checked, q.name.split()[-1].lower()))
    # A manager or business support officer holding no children has no line of their own.
    workers = sorted((w for w in lines.values() if w.children or w.role in CASE_HOLDING_ROLES),
                     key=lambda w: (w.username == "", w.name.lower()))
    overdue.sort(key=lambda q: (q.supervision.due, q.name.split()[-1].lower()))
    stuck.sort(key=lambda r: (r[1], r[0].name.split()[-1].lower()))
    return TeamView(team=team, today=today, workers=workers, quality=quality,
                    supervision_overdue=overdue, no_change=stuck)


def _add(m: Measure, met: bool) -> Measure:
    return m + Measure.of(int(met), 1)


# ------------------------------------------------------------------ recording a check


def record_quality_check(session, child_id: uuid.UUID, *, kind: str, held_on: date | None,
                         facilitator: str, findings: str, needs_met: bool | None,
                         recorded_by: str | None, today: date):
    """Record a quality-assurance audit or case-mapping discussion of a child's plan (BEX 3).
    Refused with the field and the reason (nothing written) when something is missing."""
    from sqlmodel import select

    from cintui.casework.cases import CaseworkError, current_episode
    from cintui.store.models import Child, QualityCheck, Worker

    child = session.get(Child, child_id)
    if child is None:
        raise CaseworkError("child", "no such child on this store")
    episode = current_episode(session, child_id)
    plan_start = episode.cin_plan_start if episode else None
    if child.status != "cin_plan" or plan_start is None:
        raise CaseworkError("child", f"{child.full_name} has no CIN plan to check")
    problems = check_quality_check(kind, held_on, facilitator, findings, today, plan_start)
    if problems:
        raise CaseworkError(*problems[0])
    by = session.exec(select(Worker).where(Worker.username == (recorded_by or ""))).first()
    row = QualityCheck(child_id=child_id, episode_id=episode.id, kind=kind, held_on=held_on,
                       facilitator=facilitator.strip(), needs_met=needs_met,
                       findings=findings.strip(), recorded_by_id=by.id if by else None)
    session.add(row)
    session.flush()
    return row


def _sql_words(words: tuple[str, ...]) -> str:
    """Constant words (the domain's own, never typed input) as an SQL list."""
    return ", ".join(f"'{w}'" for w in words)


_OF_TEAM = {True: "c.team_id = (SELECT id FROM team WHERE name = :team)", False: "1 = 1"}
# The case's steps that wait for the line manager (TRA): an assessment sent, not authorised;
# one authorised with "a CIN plan" as its outcome, the plan not started.
# A plan's start is not asked for once its episode is being closed or stepped down: the
# manager decides that ending instead (TRA, BEX 3, WIR 3).
_WAITING_STEPS = f"""
SELECT c.id, c.reference, c.first_name, c.last_name, w.name, t.name,
       e.assessment_submitted, e.assessment_completed
FROM episode AS e JOIN child AS c ON c.id = e.child_id
LEFT JOIN worker AS w ON w.id = c.worker_id LEFT JOIN team AS t ON t.id = c.team_id
WHERE c.status <> 'closed' AND e.closure_date IS NULL AND {{team}}
  AND ((e.assessment_submitted IS NOT NULL AND e.assessment_completed IS NULL)
       OR (e.assessment_completed IS NOT NULL AND e.assessment_outcome = 'cin_plan'
           AND e.cin_plan_start IS NULL
           AND NOT EXISTS (SELECT 1 FROM ending AS n WHERE n.episode_id = e.id
                           AND n.kind IN ({_sql_words(ENDINGS_BEFORE_A_PLAN)})
                           AND n.status IN ({_sql_words(ACTIVE_ENDINGS)}))))
"""
# Endings recommended (closure, step-down, transfer) or disputed (BEX 3).
_WAITING_ENDINGS = """
SELECT c.id, c.reference, c.first_name, c.last_name, w.name, t.name, n.kind, n.status,
       n.recommended_on, n.recommended_by, n.dispute_raised_on, n.dispute_raised_by,
       n.escalated_to_service_manager_on
FROM ending AS n JOIN child AS c ON c.id = n.child_id
LEFT JOIN worker AS w ON w.id = c.worker_id LEFT JOIN team AS t ON t.id = c.team_id
WHERE c.status <> 'closed' AND n.status IN ('recommended', 'disputed') AND {team}
"""

_SERVICE_MANAGERS = "SELECT name FROM worker WHERE role = 'service_manager' AND active ORDER BY name"


# Casework dated after its case closed (TRA, BEX 3; store.kept: a visit, a meeting, a
# supervision, a GCP2, Signs of Safety, an FGC, a short break or direct payment), with the
# child's name, worker and team.
_KEPT_COLUMNS = "c.id, c.reference, c.first_name, c.last_name, w.name, t.name"
_KEPT_JOINS = ("LEFT JOIN worker AS w ON w.id = c.worker_id "
               "LEFT JOIN team AS t ON t.id = c.team_id")


def _after_closure(rows, where: str, params: dict) -> list[Waiting]:
    """The casework dated after its case closed (domain.endings.closed_on), each kind, child
    and day once, until a decision on the child since (BEX 4) or a re-referral from its day
    (WAR 3.4). A decision answers only a record it had seen: on a team server, by its own
    order of transactions (`kept.seen`: one saved there, what had committed then; one a
    manager's laptop made offline, what that laptop held then). Elsewhere, and on a server
    set up before that, from when the record reached the team server (a laptop's, at its
    sync; `kept.reached`), not when the laptop recorded it, and a laptop's decision by the
    order of its chain (`kept.offline`). A fixed handful of queries, whatever the numbers:
    the records, their children's episodes and decisions, and what the decisions saw."""
    from cintui.domain.endings import decided_since
    from cintui.store import kept

    server = kept.on_server(rows)  # asked once: each list below then one array there
    found = kept.judged(rows, rows(kept.waiting_sql(_KEPT_COLUMNS, _KEPT_JOINS, where),
                                   params), server)
    decided = kept.decisions(rows, found, server)
    answered = [f for f in found if decided.get(str(f.child_id))]
    # BEX 4: what each decision saw, by the team server's own order of transactions.
    told = kept.seen(rows, decided, answered, server)
    arrived, laptop, held = {}, set(), set()
    if told is None:  # a store that cannot tell: by when it arrived, or what a laptop held
        told = {}
        arrived = kept.reached(rows, answered, server)
        laptop, held = kept.offline(rows, decided, answered, server) or (set(), set())
    out = []
    for f in found:
        rid = kept.uuid_hex(f.extra[0])
        # Its arrival, not the laptop's clock (a day ahead, it would outlast a decision).
        seen = arrived.get(rid, f.recorded)
        # BEX 4: one a manager's laptop made offline answers only what it held then.
        made = [(on, told.get((did, rid), (did, rid) in held if did in laptop else at))
                for did, on, at in decided.get(str(f.child_id), ())]
        if decided_since(f.closed.closed, seen, made):
            continue
        _rid, cid, ref, first, last, worker, team_name = f.extra
        out.append(Waiting(uuid_text(cid), ref, f"{first} {last}", worker or "",
                           "after_closure", f.since, f.by, team=team_name or "",
                           record=f.record, on=f.day))
    return out


def waiting_for_manager(source, team: str | None = None) -> list[Waiting]:
    """Every decision waiting for a manager (domain.waiting) for the open children of `team`
    (None: every team's), the longest waiting first. Six queries at most, whatever the numbers."""
    rows = rows_from(source)
    params = {"team": team or ""}
    where = _OF_TEAM[team is not None]
    found = []
    for cid, ref, first, last, worker, team_name, sent, authorised in rows(
            _WAITING_STEPS.format(team=where), params):
        kind, since = ("assessment", sent) if authorised is None else ("plan_start", authorised)
        found.append(Waiting(uuid_text(cid), ref, f"{first} {last}", worker or "",
                             kind, _day(since), team=team_name or ""))
    service_managers: str | None = None
    for (cid, ref, first, last, worker, team_name, kind, status, on, by, raised_on,
         raised_by, referred_on) in rows(_WAITING_ENDINGS.format(team=where), params):
        disputed = status == "disputed"
        if disputed and referred_on is not None:  # BEX 3: the service manager's alone now
            if service_managers is None:
                service_managers = " or ".join(n for (n,) in rows(_SERVICE_MANAGERS, {}))
            found.append(Waiting(uuid_text(cid), ref, f"{first} {last}", worker or "",
                                 "dispute_referred", _day(referred_on), team=team_name or "",
                                 waits_on=service_managers))
            continue
        found.append(Waiting(uuid_text(cid), ref, f"{first} {last}", worker or "",
                             "dispute" if disputed else kind,
                             _day(raised_on if disputed and raised_on else on),
                             (raised_by if disputed else by) or "", team=team_name or ""))
    found += _after_closure(rows, where, params)  # TRA, BEX 3: kept, for the manager to see
    return oldest_first(found)


def load_team_view(source, today: date, team: str, weeks: int = 12,
                   role: str | None = None) -> TeamView:
    """The team view as the screen shows it: with the plans judged by the plan checks (BEX 2,
    WIR 2.3) and the weekly trend of visits in timescale (WIR 2.11) over `weeks` weeks."""
    from cintui.casework.caseload import store_policy

    facts = reports.load_children(source, team=team, end=today, plans_on=today)
    judged = {as_uuid(c.id): c.plan_passes for c in facts if c.plan_passes is not None}
    view = load_team(source, today, team, plans_passing=lambda _ids: judged)
    found = {as_uuid(c.id): (c.plan_problems, c.plan_id) for c in facts}
    view.plans_failing = sorted(  # as "Plans pass" counts them: no agreed plan fails
        (PlanFailing(q.child_id, q.reference, q.name, q.worker,
                     *found.get(q.child_id, ((), None)))
         for q in view.quality if not judged.get(q.child_id, False)),
        key=lambda p: (p.worker.lower(), p.name.split()[-1].lower()))
    view.trend = visit_trend(facts, today, weeks, store_policy(rows_from(source)),
                             england_calendar(), team=team)
    view.waiting_all = waiting_for_manager(source)  # every team's: the list's t
    view.waiting = [w for w in view.waiting_all if w.team == team]
    view.role = role
    return view


def load_service(source, today: date) -> list[TeamView]:
    """Every team's view (its lines, without the weekly trend), for a service manager: the
    numbers a monthly performance meeting reads team by team (WAR 3.5 caseloads, WAR 8.1,
    9.3 and STO 8.4-8.5 visits, reviews and plans in timescale; WIR 2.3 drift)."""
    waiting = waiting_for_manager(source)
    views = []
    for team in team_names(source):
        facts = reports.load_children(source, team=team, end=today, plans_on=today)
        judged = {as_uuid(c.id): c.plan_passes for c in facts if c.plan_passes is not None}
        view = load_team(source, today, team, plans_passing=lambda _ids, j=judged: j)
        view.waiting = [w for w in waiting if w.team == team]
        views.append(view)
    return views
