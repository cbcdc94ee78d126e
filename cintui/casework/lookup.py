"""One child read with plain SQL, no ORM: finding them by reference or name, and the dated
facts the timescale engine counts from; and the plain-SQL plumbing the readers share.

Everything here takes anything `rows_from` takes: the light reader (`cintui.store.fast`), a
store session, a DB-API connection. So a command that only reads never builds the ORM, and a
use case on a session gives the same answer from the same queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from cintui.domain.calendar import england_time
from cintui.domain.timescales import ChildEvents, MeetingFact, VisitFact

Rows = Callable[[str, dict], list[tuple]]  # run SQL with :named parameters, return tuples


class CaseworkError(ValueError):
    """A request that cannot be carried out, in words a worker understands."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class UnknownChild(CaseworkError):
    pass


class AmbiguousChild(CaseworkError):
    def __init__(self, query: str, candidates: list[ChildRow]) -> None:
        self.candidates = candidates
        listed = "; ".join(f"{c.reference} {c.full_name}" for c in candidates[:10])
        more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        super().__init__("child", f"{query!r} matches {len(candidates)} children: {listed}{more}")


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


def _visit_day(value) -> date:
    """The day in England of a stored visit instant (SQLite: text without its UTC zone)."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return england_time(at).date()


def as_uuid(value) -> uuid.UUID:
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


@dataclass(frozen=True)
class ChildRow:
    id: uuid.UUID
    reference: str
    first_name: str
    last_name: str
    dob: date | None
    expected_dob: date | None
    status: str
    level: str
    service: str
    direct_payments_started: date | None
    last_direct_payment_review: date | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


_CHILD = """
SELECT id, reference, first_name, last_name, dob, expected_dob, status, level, service,
       direct_payments_started, last_direct_payment_review
FROM child
"""
_BY_REFERENCE = _CHILD + "WHERE lower(reference) = :text"
_BY_NAME = _CHILD + "WHERE instr(lower(first_name || ' ' || last_name), :text) > 0 LIMIT 51"


def _child_row(row: tuple) -> ChildRow:
    cid, ref, first, last, dob, due, status, level, service, started, review = row
    return ChildRow(as_uuid(cid), ref, first, last, _date(dob), _date(due), status, level,
                    service, _date(started), _date(review))


def find_child(source, query: str) -> ChildRow:
    """A case reference, or a name that matches exactly one child."""
    rows = rows_from(source)
    text = query.strip()
    if not text:
        raise UnknownChild("child", "give a case reference or a name")
    by_ref = rows(_BY_REFERENCE, {"text": text.lower()})
    if by_ref:
        return _child_row(by_ref[0])
    matches = [_child_row(r) for r in rows(_BY_NAME, {"text": text.lower()})]
    exact = [c for c in matches if c.full_name.lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownChild("child", f"no child with reference or name {query!r}")
    raise AmbiguousChild(query, exact or matches)


_OF_CHILD = "child_id = (SELECT id FROM child WHERE reference = :reference)"
_CURRENT_EPISODE = f"""
SELECT referral_date, assessment_started, assessment_completed, initial_home_visit,
       support_started, cin_plan_start, closure_decided, family_told_of_closure,
       step_down_decided, step_down_completed, moved_in, closure_date
FROM episode WHERE {_OF_CHILD}
ORDER BY referral_date DESC, created_at DESC LIMIT 1
"""
_FINAL_VISITS = f"SELECT visited_at, child_seen FROM visit WHERE {_OF_CHILD} AND status = 'final'"
_MEETINGS = f"""
SELECT held_on, kind, next_review, minutes_circulated, plan_circulated, held
FROM meeting WHERE {_OF_CHILD}
"""


def child_events(source, child) -> ChildEvents:
    """The dated facts the timescale engine needs, from the child's current episode. `child`:
    a `ChildRow` or the store's `Child` (its reference and direct payments are read)."""
    rows = rows_from(source)
    key = {"reference": child.reference}
    episode = rows(_CURRENT_EPISODE, key)
    if not episode:
        return ChildEvents()
    (referral, assess_start, assess_done, home_visit, support, plan_start, closure_decided,
     told, step_down, stepped_down, moved_in, closed) = (_date(v) for v in episode[0])
    visits = ((_visit_day(at), bool(seen)) for at, seen in rows(_FINAL_VISITS, key))
    meetings = [(_date(held_on), *rest) for held_on, *rest in rows(_MEETINGS, key)]
    return ChildEvents(
        referral=referral,
        assessment_started=assess_start,
        assessment_completed=assess_done,
        initial_home_visit=home_visit,
        support_started=support,
        cin_plan_start=plan_start,
        visits=tuple(VisitFact(date=day, child_seen=seen) for day, seen in visits
                     if day >= referral),
        meetings=tuple(
            MeetingFact(date=held_on, kind=kind, next_review=_date(next_review),
                        minutes_circulated=_date(minutes), plan_circulated=_date(plan),
                        held=bool(held))
            for held_on, kind, next_review, minutes, plan, held in meetings
            if held_on >= referral
        ),
        closure_decided=closure_decided,
        family_told_of_closure=told,
        step_down_decided=step_down,
        step_down_completed=stepped_down,
        moved_in=moved_in,
        disabled_with_direct_payments=child.direct_payments_started is not None,
        direct_payments_started=child.direct_payments_started,
        last_direct_payment_review=child.last_direct_payment_review,
        closed=closed,
    )
