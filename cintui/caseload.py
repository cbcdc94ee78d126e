"""The caseload: every open child in view with what is due, for the home screen.

Read with five plain SQL queries whatever the caseload's size (never a query per child), so
it runs on the first-paint reader (`cintui.store.fast`, no ORM) as well as on the store. The
dated facts go through the same timescale engine and consent rules as everywhere else.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from cintui.domain.child import age_years, describe_age
from cintui.domain.consent import ConsentFact, consent_summary
from cintui.domain.policy import PolicyProfile
from cintui.domain.timescales import (
    ChildEvents,
    Deadline,
    DueState,
    MeetingFact,
    VisitFact,
    compute_deadlines,
)

VIEWS = {"mine": "My caseload", "team": "My team", "everyone": "Everyone"}
Rows = Callable[[str, dict], list[tuple]]  # run SQL with :named parameters, return tuples

_IN_VIEW = {
    "mine": "c.worker_id = (SELECT id FROM worker WHERE username = :username)",
    "team": "c.team_id = (SELECT team_id FROM worker WHERE username = :username)",
    "everyone": "1 = 1",
}
_CHILDREN = """
SELECT c.id, c.reference, c.first_name, c.last_name, c.dob, c.expected_dob, c.level,
       c.service, c.status, c.direct_payments_started, c.last_direct_payment_review,
       w.name, w.username, t.name
FROM child AS c
LEFT JOIN worker AS w ON w.id = c.worker_id
LEFT JOIN team AS t ON t.id = c.team_id
WHERE c.status <> 'closed' AND {view}
"""
_IDS = "SELECT c.id FROM child AS c WHERE c.status <> 'closed' AND {view}"
_EPISODES = """
SELECT child_id, referral_date, assessment_started, assessment_completed, initial_home_visit,
       support_started, cin_plan_start, closure_decided, family_told_of_closure,
       step_down_decided, step_down_completed, moved_in, closure_date
FROM episode WHERE child_id IN ({ids}) ORDER BY referral_date, created_at
"""
# WIR 2.11: only a visit where the child was seen restarts the visit clock, and the timescale
# engine counts from the last one; so one row per child, not one per visit.
_VISITS = ("SELECT child_id, max(visited_at) FROM visit "
           "WHERE status = 'final' AND child_seen AND child_id IN ({ids}) GROUP BY child_id")
# Only held meetings: a meeting that has not happened starts, stops or sets no clock (every
# timescale rule reads held meetings only), so the scheduled ones need not be read.
_MEETINGS = """
SELECT child_id, kind, held_on, held, next_review, minutes_circulated, plan_circulated
FROM meeting WHERE held AND child_id IN ({ids})
"""
_CONSENTS = """
SELECT s.child_id, s.scope, s.decision, s.decided_on, s.person_id, cp.parental_responsibility,
       s.override_without_consent, s.override_rationale
FROM consent AS s
LEFT JOIN child_person AS cp ON cp.child_id = s.child_id AND cp.person_id = s.person_id
WHERE s.child_id IN ({ids})
ORDER BY s.decided_on, s.created_at
"""
POLICY_SQL = "SELECT value FROM store_meta WHERE key = 'policy'"


@dataclass(frozen=True)
class CaseloadRow:
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
    green: int  # R/A/G counts of plan needs: filled when plans arrive (plan issue)
    last_visit: date | None  # last visit where the child was seen
    next_visit: Deadline | None
    next_review: Deadline | None
    flags: tuple[str, ...]
    search: str  # lower-case name, reference and worker, for filter-as-you-type


_DATES: dict = {}  # ISO text -> date: the same few thousand dates recur across 5,000 children


def _date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        d = _DATES.get(value)
        if d is None:
            d = _DATES[value] = date.fromisoformat(value[:10])
        return d
    return value.date() if isinstance(value, datetime) else value


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def rows_from(source) -> Rows:
    """A `Rows` function over what the caller holds: a `Rows` callable already, the
    first-paint reader (`.rows`), a SQLAlchemy session or connection, or a DB-API connection."""
    if hasattr(source, "rows"):
        return source.rows
    if hasattr(source, "cursor"):  # DB-API (also SQLAlchemy's pooled raw connection)
        def rows(sql: str, params: dict) -> list[tuple]:
            cursor = source.cursor()
            try:
                cursor.execute(sql, params)
                return cursor.fetchall()
            finally:
                cursor.close()

        return rows
    if type(source).__module__.startswith(("sqlalchemy", "sqlmodel")):  # Session, Connection
        from sqlalchemy import text

        return lambda sql, params: source.execute(text(sql), params).all()
    if callable(source):
        return source
    raise TypeError(f"cannot read a caseload from {type(source).__name__}")


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


def store_policy(source) -> PolicyProfile:
    """The store's policy profile (the default when the store names none)."""
    from cintui import policies

    named = rows_from(source)(POLICY_SQL, {})
    return policies.load_policy(named[0][0] if named and named[0][0] else
                                policies.DEFAULT_POLICY)


def load_caseload(source, today: date, *, view: str = "everyone",
                  worker_username: str | None = None,
                  policy: PolicyProfile | None = None) -> list[CaseloadRow]:
    """The open children in `view` ("mine" / "team" need `worker_username`), sorted by
    surname. `source`: anything `rows_from` takes. Five queries whatever the caseload's
    size (six when the store's policy is read too); never one per child."""
    if view not in VIEWS:
        raise ValueError(f"unknown caseload view {view!r}")
    rows = rows_from(source)
    if view != "everyone" and not worker_username:
        return []
    if policy is None:
        policy = store_policy(rows)
    where = _IN_VIEW[view]
    params = {"username": worker_username or ""}
    ids = _IDS.format(view=where)
    by_child: dict = defaultdict(lambda: {"episode": None, "visits": [], "meetings": [],
                                          "consents": []})
    for row in rows(_EPISODES.format(ids=ids), params):
        by_child[row[0]]["episode"] = row  # ordered by referral: the last is current
    for child_id, at in rows(_VISITS.format(ids=ids), params):
        by_child[child_id]["visits"].append(VisitFact(date=_date(at), child_seen=True))
    for child_id, kind, held_on, held, nxt, minutes, plan in rows(
            _MEETINGS.format(ids=ids), params):
        by_child[child_id]["meetings"].append(MeetingFact(
            date=_date(held_on), kind=kind, next_review=_date(nxt),
            minutes_circulated=_date(minutes), plan_circulated=_date(plan), held=bool(held)))
    for child_id, scope, decision, on, person, pr, override, why in rows(
            _CONSENTS.format(ids=ids), params):
        by_child[child_id]["consents"].append(ConsentFact(
            scope=scope, decision=decision, decided_on=_date(on),
            person=str(person) if person is not None else None, person_has_pr=bool(pr),
            is_child=person is None, override_without_consent=bool(override),
            override_rationale=why or ""))
    out = [_row(child, by_child.get(child[0]), today, policy)
           for child in rows(_CHILDREN.format(view=where), params)]
    out.sort(key=lambda r: (r.name.split()[-1].lower() if r.name else "", r.name.lower()))
    return out


def _events(child, facts, today: date) -> ChildEvents:
    if not facts or facts["episode"] is None:
        return ChildEvents()
    (_, referral, a_start, a_done, home_visit, support, plan, closure_decided, told,
     step_decided, step_done, moved_in, closed) = facts["episode"]
    since = _date(referral)
    return ChildEvents(
        referral=since, assessment_started=_date(a_start), assessment_completed=_date(a_done),
        initial_home_visit=_date(home_visit), support_started=_date(support),
        cin_plan_start=_date(plan),
        visits=tuple(v for v in facts["visits"] if v.date >= since),
        meetings=tuple(m for m in facts["meetings"] if m.date >= since),
        closure_decided=_date(closure_decided), family_told_of_closure=_date(told),
        step_down_decided=_date(step_decided), step_down_completed=_date(step_done),
        moved_in=_date(moved_in), disabled_with_direct_payments=child[9] is not None,
        direct_payments_started=_date(child[9]), last_direct_payment_review=_date(child[10]),
        closed=_date(closed),
    )


def _row(child, facts, today: date, policy: PolicyProfile) -> CaseloadRow:
    (cid, reference, first, last, dob, expected, level, service, status, _dp, _dpr,
     w_name, w_user, team) = child
    dob, expected = _date(dob), _date(expected)
    deadlines = compute_deadlines(_events(child, facts, today), policy, today)
    due = {d.key: d for d in deadlines}
    seen = [v.date for v in (facts or {}).get("visits", ()) if v.child_seen]
    flags = []
    consents = (facts or {}).get("consents", [])
    age = age_years(dob, today) if dob else None
    summary = consent_summary(consents, age, today)
    if not summary.valid_for_service:
        flags.append("No valid consent")
    minutes = due.get("minutes")
    if minutes is not None and minutes.state is DueState.OVERDUE:
        flags.append("Minutes overdue")
    flags.extend(_plan_flags(facts))
    name = f"{first} {last}".strip()
    return CaseloadRow(
        id=_uuid(cid), reference=reference, name=name,
        age=describe_age(dob, expected, today), worker=w_name or "", worker_username=w_user or "",
        team=team or "", level=level or "", service=service or "", status=status,
        red=0, amber=0, green=0, last_visit=max(seen) if seen else None,
        next_visit=due.get("visit"), next_review=due.get("first_review") or due.get("review"),
        flags=tuple(flags), search=f"{name} {reference} {w_name or ''} {w_user or ''}".lower(),
    )


def _plan_flags(facts) -> tuple[str, ...]:
    """Hook for the plan issue: "Amber without owner or date" (an Amber need's action with no
    owner or no date) and the R/A/G counts come from the child's current plan, read with one
    more query over the plans of the children in view. No plans exist yet: nothing to flag."""
    return ()


def filter_rows(rows: list[CaseloadRow], text: str) -> list[CaseloadRow]:
    """Every word must match somewhere in name, reference or worker."""
    words = text.lower().split()
    if not words:
        return rows
    return [r for r in rows if all(w in r.search for w in words)]
