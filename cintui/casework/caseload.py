"""The caseload: every open child in view with what is due, for the home screen.

Read with six plain SQL queries whatever the caseload's size (never a query per child), so
it runs on the first-paint reader (`cintui.store.fast`, no ORM) as well as on the store. The
dated facts go through the same timescale engine and consent rules as everywhere else.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from cintui.casework.lookup import (
    Rows,
    _date,
    _visit_day,
    as_uuid,
    of_earlier_episode,
    rows_from,
    store_policy,
)
from cintui.domain.child import age_years, describe_age
from cintui.domain.consent import ConsentFact, service_began, service_consent, service_reason
from cintui.domain.dates import day_short
from cintui.domain.policy import PolicyProfile
from cintui.domain.records import Record
from cintui.domain.text import folded
from cintui.domain.timescales import (
    ChildEvents,
    Deadline,
    DueState,
    MeetingFact,
    VisitFact,
    compute_deadlines,
    overdue_flags,
    plan_visits,
)

VIEWS = {"mine": "My caseload", "team": "My team", "everyone": "Everyone"}

_IN_VIEW = {
    "mine": "c.worker_id = (SELECT id FROM worker WHERE username = :username)",
    "team": "c.team_id = (SELECT team_id FROM worker WHERE username = :username)",
    "everyone": "1 = 1",
    "team_named": "c.team_id = (SELECT id FROM team WHERE name = :team)",
}
_CHILDREN = """
SELECT c.id, c.reference, c.first_name, c.last_name, c.dob, c.expected_dob, c.level,
       c.service, c.status, w.name, w.username, t.name
FROM child AS c
LEFT JOIN worker AS w ON w.id = c.worker_id
LEFT JOIN team AS t ON t.id = c.team_id
WHERE c.status <> 'closed' AND {view}
"""
_IDS = "SELECT c.id FROM child AS c WHERE c.status <> 'closed' AND {view}"
# Each episode with the visit frequency agreed in its plan in force (BEX 3, TRA): the newest
# agreed version since the referral.
_EPISODES = """
SELECT e.child_id, e.referral_date, e.assessment_started, e.assessment_completed,
       e.initial_home_visit, e.support_started, e.cin_plan_start, e.closure_decided,
       e.family_told_of_closure, e.step_down_decided, e.step_down_completed, e.moved_in,
       e.closure_date, v.visit_every_amount, v.visit_every_unit, e.early_review_by,
       e.early_review_asked
FROM episode AS e
LEFT JOIN plan_version AS v ON v.id = (
    SELECT p.id FROM plan_version AS p
    WHERE p.child_id = e.child_id AND p.status = 'agreed' AND p.agreed_on >= e.referral_date
    ORDER BY p.number DESC LIMIT 1)
WHERE e.child_id IN ({ids}) ORDER BY e.referral_date, e.created_at
"""
# WIR 2.11: only a visit where the child was seen (alone, in person, unless the policy says
# otherwise) restarts the visit clock, and the engine counts from the last one. A seen-alone
# visit in person always counts, so only it and the seen visits after it are read: a row or
# two per child, not one per visit.
_VISITS = """
SELECT v.child_id, v.visited_at, v.seen_alone, v.kind FROM visit AS v
LEFT JOIN (
    SELECT child_id, max(visited_at) AS at FROM visit
    WHERE status = 'final' AND child_seen AND seen_alone AND kind <> 'virtual'
      AND child_id IN ({ids}) GROUP BY child_id) AS alone ON alone.child_id = v.child_id
WHERE v.status = 'final' AND v.child_seen AND v.child_id IN ({ids})
  AND (alone.at IS NULL OR v.visited_at >= alone.at)
"""
# Only held meetings: a meeting that has not happened starts, stops or sets no clock (every
# timescale rule reads held meetings only), so the scheduled ones need not be read.
_MEETINGS = """
SELECT child_id, kind, held_on, held, next_review, minutes_circulated, plan_circulated
FROM meeting WHERE held AND child_id IN ({ids})
"""
# Consent to the CIN service only: the caseload's flag and the due list's item are about it
# alone (`consent.service_consent` reads no other scope), so the decisions on sharing
# information and on meetings, two in three of the rows, are not read.
_CONSENTS = """
SELECT s.child_id, s.scope, s.decision, s.decided_on, s.person_id, cp.parental_responsibility,
       s.override_without_consent, s.override_rationale, p.name, cp.relationship
FROM consent AS s
LEFT JOIN child_person AS cp ON cp.child_id = s.child_id AND cp.person_id = s.person_id
LEFT JOIN person AS p ON p.id = s.person_id
WHERE s.child_id IN ({ids}) AND s.scope = 'service'
ORDER BY s.decided_on, s.created_at
"""
# The plan in force per child (the newest agreed version, else the newest draft: a first
# plan not yet agreed), its R/A/G counts, and its Amber or Red needs that break WIR 2.3
# (no action at all, or an action without an owner or a date). Each part is read from an
# index alone (revision 0026): the versions' and needs' texts are never opened.
_PLANS = ("""
WITH pick AS (
    SELECT c.id AS child_id, COALESCE(
        (SELECT p.id FROM plan_version AS p
         WHERE p.child_id = c.id AND p.status = 'agreed' AND NOT """ + of_earlier_episode("p")
    + """ ORDER BY p.number DESC LIMIT 1),
        (SELECT p.id FROM plan_version AS p
         WHERE p.child_id = c.id AND p.status <> 'superseded' AND NOT """
    + of_earlier_episode("p") + """ ORDER BY p.number DESC LIMIT 1)
    ) AS version_id
    FROM child AS c WHERE c.id IN ({ids})
)
SELECT k.child_id,
       SUM(CASE WHEN n.rag = 'R' THEN 1 ELSE 0 END),
       SUM(CASE WHEN n.rag = 'A' THEN 1 ELSE 0 END),
       SUM(CASE WHEN n.rag = 'G' THEN 1 ELSE 0 END),
       SUM(CASE WHEN n.rag IN ('A', 'R') AND (
           NOT EXISTS (SELECT 1 FROM plan_action AS a WHERE a.need_id = n.id)
           OR EXISTS (SELECT 1 FROM plan_action AS a WHERE a.need_id = n.id
                      AND (a.who = '' OR a.by_when IS NULL))) THEN 1 ELSE 0 END),
       COUNT(n.id)
FROM pick AS k LEFT JOIN plan_need AS n ON n.version_id = k.version_id
WHERE k.version_id IS NOT NULL
GROUP BY k.child_id
""")
# Visits typed but not finalised (drafts survive a crash; the caseload says one is waiting).
_DRAFTS = "SELECT DISTINCT child_id FROM draft WHERE kind = 'visit' AND child_id IN ({ids})"


class CaseloadRow(Record):
    id: uuid.UUID
    reference: str
    name: str
    age: str
    worker: str
    worker_username: str
    team: str
    level: str
    service: str
    status: str
    red: int
    amber: int
    green: int  # R/A/G counts of the needs in the plan in force
    last_visit: date | None  # last visit where the child was seen
    next_visit: Deadline | None
    # The next CIN meeting due: the initial (or transfer-in) planning meeting until one is
    # held (WIR 2.3, BEX 4), then the reviews (WIR 2.3: every 3 months).
    next_meeting: Deadline | None
    flags: tuple[str, ...]
    search: str  # name, reference and worker, `folded`, for filter-as-you-type


@contextmanager
def reading(store) -> Iterator[Rows]:
    """Plain SQL over an open `Store`: its DB-API connection for a file (no ORM objects), a
    read-only session for a database URL."""
    if store.path is not None:
        conn = store.raw_connection()
        try:
            yield rows_from(conn)
        finally:
            conn.close()
    else:
        with store.read() as session:
            yield rows_from(session)


class ChildSummary(Record):
    id: uuid.UUID
    reference: str
    name: str
    dob: date | None
    expected_dob: date | None
    age: str
    sex: str
    worker: str
    worker_username: str
    team: str
    status: str
    level: str
    service: str

    def as_json(self) -> dict:
        return {
            "reference": self.reference,
            "name": self.name,
            "dob": self.dob.isoformat() if self.dob else None,
            "expected_dob": self.expected_dob.isoformat() if self.expected_dob else None,
            "worker": self.worker_username or None,
            "team": self.team or None,
            "status": self.status,
            "level": self.level,
            "service": self.service,
        }


_ALL_CHILDREN = """
SELECT c.id, c.reference, c.first_name, c.last_name, c.dob, c.expected_dob, c.sex,
       w.name, w.username, t.name, c.status, c.level, c.service
FROM child AS c
LEFT JOIN worker AS w ON w.id = c.worker_id
LEFT JOIN team AS t ON t.id = c.team_id
WHERE {where}
ORDER BY c.last_name, c.first_name, c.reference
"""


def list_children(source, today: date, *, username: str | None = None,
                  team: str | None = None, open_only: bool = False) -> list[ChildSummary]:
    """Every child on the store (or a worker's by username, a team's by name, only the open
    cases), sorted by surname: one query, and no ORM (`source` as `rows_from` takes it)."""
    params = {key: value for key, value in (("username", username), ("team", team)) if value}
    where = [f"{column} = :{key}" for key, column in (("username", "w.username"),
                                                       ("team", "t.name")) if key in params]
    where += ["c.status <> 'closed'"] if open_only else []
    sql = _ALL_CHILDREN.format(where=" AND ".join(where) or "1 = 1")
    return [
        ChildSummary(id=as_uuid(cid), reference=ref, name=f"{first} {last}".strip(),
                     dob=_date(dob), expected_dob=_date(due),
                     age=describe_age(_date(dob), _date(due), today), sex=sex,
                     worker=w_name or "", worker_username=w_user or "", team=t_name or "",
                     status=status, level=level, service=service)
        for (cid, ref, first, last, dob, due, sex, w_name, w_user, t_name, status, level,
             service) in rows_from(source)(sql, params)
    ]


def load_caseload(source, today: date, *, view: str = "everyone",
                  worker_username: str | None = None,
                  policy: PolicyProfile | None = None) -> list[CaseloadRow]:
    """The open children in `view` ("mine" / "team" need `worker_username`), sorted by
    surname. `source`: anything `rows_from` takes. Seven queries whatever the caseload's
    size (eight when the store's policy is read too); never one per child."""
    if view not in VIEWS:
        raise ValueError(f"unknown caseload view {view!r}")
    if view != "everyone" and not worker_username:
        return []
    policy, children = load_facts(source, view=view, username=worker_username, policy=policy)
    out = [_row(child, facts, today, policy) for child, facts in children]
    out.sort(key=lambda r: (r.name.split()[-1].lower() if r.name else "", r.name.lower()))
    return out


def load_facts(source, *, view: str = "everyone", username: str | None = None,
               team: str | None = None, policy: PolicyProfile | None = None,
               caseload: bool = True) -> tuple[PolicyProfile, list[tuple[tuple, dict]]]:
    """The store's policy and, per open child in view, its row and dated facts (the current
    episode, seen visits, held meetings, consents to the service; with `caseload`, the
    plan's counts and visit drafts too), for the timescale engine. Views: those of `VIEWS`, or "team_named"
    (`team`: a team's name)."""
    rows = rows_from(source)
    if policy is None:
        policy = store_policy(rows)
    where = _IN_VIEW[view]
    params = {"username": username or "", "team": team or ""}
    ids = _IDS.format(view=where)
    by_child: dict = defaultdict(lambda: {"episode": None, "visits": [], "meetings": [],
                                          "consents": [], "plan": None, "draft": False})
    for row in rows(_EPISODES.format(ids=ids), params):
        by_child[row[0]]["episode"] = row  # ordered by referral: the last is current
    for child_id, at, alone, kind in rows(_VISITS.format(ids=ids), params):
        by_child[child_id]["visits"].append(VisitFact(
            date=_visit_day(at), seen_alone=bool(alone), virtual=kind == "virtual"))
    for (child_id,) in rows(_DRAFTS.format(ids=ids), params) if caseload else ():
        by_child[child_id]["draft"] = True
    for child_id, kind, held_on, held, nxt, minutes, plan in rows(
            _MEETINGS.format(ids=ids), params):
        by_child[child_id]["meetings"].append(MeetingFact(
            date=_date(held_on), kind=kind, next_review=_date(nxt),
            minutes_circulated=_date(minutes), plan_circulated=_date(plan), held=bool(held)))
    for child_id, scope, decision, on, person, pr, override, why, name, relation in rows(
            _CONSENTS.format(ids=ids), params):
        by_child[child_id]["consents"].append(ConsentFact(
            scope=scope, decision=decision, decided_on=_date(on),
            person=str(person) if person is not None else None, person_has_pr=bool(pr),
            is_child=person is None, override_without_consent=bool(override),
            override_rationale=why or "",
            person_name=f"{name} ({relation})" if name and relation else name or ""))
    for child_id, red, amber, green, unowned, needs in (rows(_PLANS.format(ids=ids), params)
                                                        if caseload else ()):
        by_child[child_id]["plan"] = (int(red or 0), int(amber or 0), int(green or 0),
                                      int(unowned or 0), int(needs or 0))
    return policy, [(child, by_child.get(child[0]))
                    for child in rows(_CHILDREN.format(view=where), params)]


def ids_sql(view: str) -> str:
    """SQL selecting the ids of the open children in `view` (parameters as `load_facts`)."""
    return _IDS.format(view=_IN_VIEW[view])


def holds_any(source, username: str | None) -> bool:
    """Whether the worker holds an open child (one count: My week's first view)."""
    sql = f"SELECT count(*) FROM ({ids_sql('mine')}) AS mine"
    return bool(rows_from(source)(sql, {"username": username or ""})[0][0])


def is_set_up(source) -> bool:
    """Whether the team is set up: a worker on the store (Ctrl+P → Set up, `cintui worker
    add`), so an empty caseload's next step is its children, not the set-up."""
    return bool(rows_from(source)("SELECT count(*) FROM worker WHERE active", {})[0][0])


def worker_name(source, username: str | None) -> str | None:
    """The worker's name ("Tom Abbiss"), as the app names people (None: not on the store)."""
    found = rows_from(source)("SELECT name FROM worker WHERE username = :username",
                              {"username": username or ""})
    return found[0][0] if found and found[0][0] else None


def deadlines_for(child: tuple, facts: dict | None, today: date,
                  policy: PolicyProfile) -> list[Deadline]:
    """Every running clock for one child of `load_facts`."""
    return compute_deadlines(_events(child, facts, today), policy, today)


def consent_for(child: tuple, facts: dict | None, today: date) -> tuple[bool, tuple[str, ...]]:
    """Whether a CIN service has valid consent for one child of `load_facts`, and why not."""
    dob = _date(child[4])
    age = age_years(dob, today) if dob else None
    return service_consent((facts or {}).get("consents", []), age)


def service_began_for(facts: dict | None) -> bool:
    """Whether a CIN service began in the current episode of one child of `load_facts`
    (`domain.consent.service_began`, as the closure asks it); no episode: as if it had."""
    episode = (facts or {}).get("episode")
    return episode is None or service_began(_date(episode[5]), _date(episode[6]))


# Those with parental responsibility for the open children in view, whose consent to the
# service would make it valid (WAR 4.2): read only when a child's consent is not.
_PARENTS = """
SELECT cp.child_id, p.name FROM child_person AS cp JOIN person AS p ON p.id = cp.person_id
WHERE cp.parental_responsibility AND cp.child_id IN ({ids}) ORDER BY p.name
"""


def load_parents(source, view: str, params: dict) -> dict:
    """Per child (as the store gives its id): the names of those with parental
    responsibility on the child's People."""
    out: dict = {}
    for child_id, name in rows_from(source)(_PARENTS.format(ids=ids_sql(view)), params):
        out.setdefault(child_id, []).append(name)
    return out


def consent_reason_for(child: tuple, facts: dict | None, today: date,
                       parents: list[str]) -> str:
    """Why one child of `load_facts` has no valid consent to a CIN service and whose is
    needed, "" when it has (`domain.consent.service_reason`)."""
    dob = _date(child[4])
    age = age_years(dob, today) if dob and dob <= today else None
    return service_reason((facts or {}).get("consents", []), child[2], age, parents)


def _events(child, facts, today: date) -> ChildEvents:
    if not facts or facts["episode"] is None:
        return ChildEvents()
    (_, referral, a_start, a_done, home_visit, support, plan, closure_decided, told,
     step_decided, step_done, moved_in, closed, every, unit, early_by,
     early_asked) = facts["episode"]
    since = _date(referral)
    return ChildEvents(
        referral=since, assessment_started=_date(a_start), assessment_completed=_date(a_done),
        initial_home_visit=_date(home_visit), support_started=_date(support),
        cin_plan_start=_date(plan), dob=_date(child[4]), plan_visit_every=plan_visits(every, unit),
        visits=tuple(v for v in facts["visits"] if v.date >= since),
        meetings=tuple(m for m in facts["meetings"] if m.date >= since),
        closure_decided=_date(closure_decided), family_told_of_closure=_date(told),
        step_down_decided=_date(step_decided), step_down_completed=_date(step_done),
        moved_in=_date(moved_in),
        closed=_date(closed), early_review_by=_date(early_by),
        early_review_asked=_date(early_asked),
    )


# The caseload's flags for a child with no valid consent to a CIN service (WAR 4.2): once
# the service began, missing; before it (referral, assessment), needed before support starts,
# as the due list says it (`domain.due.consent_item`).
NO_CONSENT = "No valid consent"
CONSENT_BEFORE_SUPPORT = "Consent before support"


def _row(child, facts, today: date, policy: PolicyProfile) -> CaseloadRow:
    (cid, reference, first, last, dob, expected, level, service, status, w_name, w_user,
     team) = child
    dob, expected = _date(dob), _date(expected)
    deadlines = deadlines_for(child, facts, today, policy)
    due = {d.key: d for d in deadlines}
    seen = [v.date for v in (facts or {}).get("visits", ()) if v.child_seen]
    flags = overdue_flags(deadlines)  # first: a statutory clock already broken
    flags += ["Draft visit"] if (facts or {}).get("draft") else []
    if not consent_for(child, facts, today)[0]:  # WAR 4.2: "before support is given"
        flags.append(NO_CONSENT if service_began_for(facts) else CONSENT_BEFORE_SUPPORT)
    minutes, papers = due.get("minutes"), due.get("plan_circulation")
    late_plan = papers is not None and papers.state is DueState.OVERDUE  # WIR 2.3
    if minutes is not None and minutes.state is DueState.OVERDUE:
        flags.append("Minutes and plan overdue" if late_plan else "Minutes overdue")
    else:
        flags += ["Plan circulation overdue"] if late_plan else []
        if minutes is not None:  # shown until they are sent (BEX 3, TRA, WIR 2.3)
            flags.append(f"Minutes due {day_short(minutes.due)}")
    plan = (facts or {}).get("plan")
    if plan is None and status == "cin_plan":  # started (authorised), no version written
        from cintui.domain.plan import PLAN_NOT_WRITTEN  # here: `due` never loads the plan rules

        flags.append(PLAN_NOT_WRITTEN)
    elif plan is not None and not plan[4]:  # a version with no needs: it said "No plan"
        from cintui.domain.plan import PLAN_NO_NEEDS

        flags.append(PLAN_NO_NEEDS)
    elif plan is not None and plan[3]:
        flags.append("Amber without owner or date")  # WIR 2.3
    red, amber, green = plan[:3] if plan else (0, 0, 0)
    name = f"{first} {last}".strip()
    return CaseloadRow(
        id=as_uuid(cid), reference=reference, name=name,
        age=describe_age(dob, expected, today), worker=w_name or "", worker_username=w_user or "",
        team=team or "", level=level or "", service=service or "", status=status,
        red=red, amber=amber, green=green, last_visit=max(seen) if seen else None,
        next_visit=due.get("visit"), next_meeting=next_meeting_due(due),
        flags=tuple(flags), search=folded(f"{name} {reference} {w_name or ''} {w_user or ''}"),
    )


MEETING_CLOCKS = ("initial_meeting", "transfer_in_meeting", "first_review", "review")


def next_meeting_due(due: dict[str, Deadline]) -> Deadline | None:
    """The caseload's "Meeting" column: the child's next CIN meeting due, whichever clock
    runs (the planning meeting before any review)."""
    return next((due[key] for key in MEETING_CLOCKS if key in due), None)


def children_matching(children: list[ChildSummary], text: str,
                      leave_out: set[uuid.UUID] = frozenset()) -> list[ChildSummary]:
    """The children (`list_children`) whose name or reference has every word of `text`, as
    `filter_rows` matches, but those in `leave_out` (the ones the caseload shows): where a
    filter that finds nobody on the caseload sends the worker (a closed child to re-refer,
    WAR 3.4; an open one in another worker's caseload)."""
    words = folded(text).split()
    if not words:
        return []
    return [c for c in children if c.id not in leave_out
            and all(w in folded(f"{c.name} {c.reference}") for w in words)]


def filter_rows(rows: list[CaseloadRow], text: str) -> list[CaseloadRow]:
    """Every word must match somewhere in name, reference or worker, as typed on an English
    keyboard: "zoe nguyen" finds Zoë Nguyễn (`text.folded`)."""
    words = folded(text).split()
    if not words:
        return rows
    return [r for r in rows if all(w in r.search for w in words)]
