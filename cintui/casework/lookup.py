"""One child read with plain SQL, no ORM: finding them by reference or name, the dated facts
the timescale engine counts from, their plan's versions; and the plumbing the readers share.

Everything here takes anything `rows_from` takes: the light reader (`cintui.store.fast`), a
store session, a DB-API connection. So a command that only reads never builds the ORM, and a
use case on a session gives the same answer from the same queries.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from cintui.domain.calendar import england_day, england_time
from cintui.domain.dates import day_words
from cintui.domain.policy import PolicyProfile
from cintui.domain.records import Record
from cintui.domain.text import close_name, did_you_mean, folded
from cintui.domain.timescales import (
    ChildEvents,
    EnquiryFact,
    MeetingFact,
    VisitFact,
    plan_visits,
)

if TYPE_CHECKING:
    from cintui.domain.plan import PlanVersion

Rows = Callable[[str, dict], list[tuple]]  # run SQL with :named parameters, return tuples


class CaseworkError(ValueError):
    """A request that cannot be carried out, in words a worker understands."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class UnknownChild(CaseworkError):
    pass


class UnknownScope(CaseworkError):
    """A worker or team named that the store does not hold, or that names several."""


class NotOnStore(UnknownScope):
    """No worker (or team) of that name on this store: a new team adds them in set-up, or,
    when names on the store are close (`meant`), it was mistyped. A team's is the one of
    `known` closest; a worker's are found by the caller (`workforce.workers_meant`)."""

    def __init__(self, field: str, text: str, known: list[str] | None = None,
                 meant: list[str] | None = None) -> None:
        self.meant = meant if meant is not None else list(filter(None, [
            close_name(text, known or [])]))
        super().__init__(field, f"no {field} called {text!r}" + _meant(self.meant))


def names_meant(text: str, names: Iterable[str]) -> list[str]:
    """The names `text` may mean: the one it is in any case; else those holding it whole
    ("south"); else those holding each of its words ("disability north" for "Children with
    Disability Team North"). The caller says which when there are several."""
    names = list(names)
    wanted = " ".join(text.lower().split())
    if not wanted:
        return []
    return ([n for n in names if n.lower() == wanted]
            or [n for n in names if wanted in n.lower()]
            or [n for n in names if all(w in n.lower() for w in wanted.split())])


def _meant(close: list[str]) -> str:
    return did_you_mean(close)


def team_meant(text: str, names: Iterable[str]) -> str:
    """The team's name `text` means (`names_meant`), as every command and form that takes a
    team says it: none is `NotOnStore` ("no team called 'north'", with the name it was
    likely meant as), several name them."""
    names = list(names)
    found = names_meant(text, names)
    if not found:
        raise NotOnStore("team", text, names)
    if len(found) > 1:
        shown = "; ".join(found[:8]) + (" …" if len(found) > 8 else "")
        raise UnknownScope("team", f"{text!r} matches {len(found)} teams: {shown}")
    return found[0]


class NotYou(CaseworkError):
    """On a team server, a step named as taken by someone other than the login."""


def check_self(server_login: str | None, username: str, named: str) -> None:
    """On a team server who acts is who logged in (issue 18): a step named as taken by
    anyone else (`--by`) is refused; elsewhere anyone may be named."""
    if server_login is not None and username != server_login:
        raise NotYou("by", f"on the team server you act as yourself: you are logged in as "
                     f"{server_login}, not {named.strip() or username}")


class WorkerRow(NamedTuple):
    id: uuid.UUID
    name: str
    role: str
    username: str


_WORKERS = ("SELECT id, name, role, username FROM worker "
            "WHERE lower(username) = :needle OR lower(name) = :needle")


def find_worker(source, text: str) -> WorkerRow:
    """A worker by username or name (any case), else NotOnStore or "use their username"."""
    found = rows_from(source)(_WORKERS, {"needle": text.strip().lower()})
    if len(found) == 1:
        wid, name, role, username = found[0]
        return WorkerRow(as_uuid(wid), name, role, username)
    if not found:
        from cintui.domain.workforce import workers_meant

        workers = rows_from(source)("SELECT username, name FROM worker", {})
        raise NotOnStore("worker", text, meant=workers_meant(text, workers))
    raise UnknownScope("worker", f"{text!r} matches {len(found)} workers; use their username")


class PlanError(CaseworkError):
    """A plan request that cannot be carried out, in a worker's words (field, problem)."""


class PlanNotWritten(PlanError):
    """The CIN plan is started (the manager's authorisation) but no version is written:
    nothing to show or check yet (`domain.plan.PLAN_NOT_WRITTEN`)."""

    def __init__(self, reference: str, started: date, before: str = "") -> None:
        from cintui.domain.plan import not_written

        self.reference, self.started = reference, started
        self.next_step = (f"write it in the app's plan editor: p on the record, then n; or "
                          f"start its draft with cintui plan exit {reference} --good-enough "
                          "TEXT")
        if before:  # after a re-referral: L in the editor starts it from the last plan
            self.next_step = ("write it in the app's plan editor: p on the record, then n, "
                              "or L to start from the last plan; or start its draft with "
                              f"cintui plan exit {reference} --good-enough TEXT{before}")
        super().__init__("plan", f"{reference}: {not_written(started, self.next_step)}")


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


def _instant(value) -> datetime:
    """A stored instant as read (SQLite: text without its UTC zone)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _visit_day(value) -> date:
    """The day in England of a stored visit instant."""
    return england_day(_instant(value))


def as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


_HEX_ID = re.compile("[0-9a-f]{32}")


def uuid_text(value) -> str:
    """`str(as_uuid(value))`: an id as its hyphenated text. SQLite gives ids as their 32
    hex digits, written here without making a `UUID` (a due list writes ~20,000)."""
    if type(value) is str and _HEX_ID.fullmatch(value):
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(as_uuid(value))


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


POLICY_SQL = "SELECT value FROM store_meta WHERE key = 'policy'"


def store_policy(source) -> PolicyProfile:
    """The store's policy profile (the default when the store names none)."""
    from cintui.reference import policies

    named = rows_from(source)(POLICY_SQL, {})
    return policies.load_policy(named[0][0] if named and named[0][0] else
                                policies.DEFAULT_POLICY)


def authority_name(source) -> str:
    """The authority's name as set up (`cintui authority set`), else its policy profile's;
    "" under the England default profile (England is not an authority a family deals with)."""
    named = rows_from(source)("SELECT name FROM authority", {})
    if named and named[0][0]:
        return named[0][0]
    from cintui.reference import policies

    profile = store_policy(source)
    return "" if profile.name == policies.DEFAULT_POLICY else profile.authority


class ChildRow(Record):
    id: uuid.UUID
    reference: str
    first_name: str
    last_name: str
    dob: date | None
    expected_dob: date | None
    status: str
    level: str
    service: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


_CHILD = """
SELECT id, reference, first_name, last_name, dob, expected_dob, status, level, service
FROM child
"""
_BY_REFERENCE = _CHILD + "WHERE lower(reference) = :text"
_BY_NAME = _CHILD + "WHERE lower(first_name || ' ' || last_name) LIKE :text ESCAPE '!' LIMIT 51"


def _child_row(row: tuple) -> ChildRow:
    cid, ref, first, last, dob, due, status, level, service = row
    return ChildRow(as_uuid(cid), ref, first, last, _date(dob), _date(due), status, level,
                    service)


def find_child(source, query: str) -> ChildRow:
    """A case reference, or a name that matches exactly one child."""
    rows = rows_from(source)
    text = query.strip()
    if not text:
        raise UnknownChild("child", "give a case reference or a name")
    by_ref = rows(_BY_REFERENCE, {"text": text.lower()})
    if by_ref:
        return _child_row(by_ref[0])
    pattern = "%" + re.sub(r"([!%_])", r"!\1", text.lower()) + "%"  # the text, no wildcards
    matches = [_child_row(r) for r in rows(_BY_NAME, {"text": pattern})]
    if not matches:
        # "Zoe Nguyen" for Zoë Nguyễn (and the other way round): as typed on an English
        # keyboard (`text.folded`), read in Python as SQL cannot fold on every store.
        want = folded(text)
        matches = [_child_row(r) for r in rows(_CHILD, {})
                   if want in folded(f"{r[2]} {r[3]}")][:51]
    exact = ([c for c in matches if c.full_name.lower() == text.lower()]
             or [c for c in matches if folded(c.full_name) == folded(text)])
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownChild("child", f"no child with reference or name {query!r}")
    raise AmbiguousChild(query, exact or matches)


_OF_CHILD = "child_id = (SELECT id FROM child WHERE reference = :reference)"


def of_earlier_episode(v: str) -> str:
    """SQL: plan version `v` (an alias) is an earlier episode's: an episode closed on or after
    it was begun (`CLOSED_ON`), and another was referred since (a re-referral opens a new
    episode, DOMAIN.md §7; WAR 3.4). Never the plan in force: the new episode's work has its
    own assessment and plan; the old one stays in the history, read as ended at the closure."""
    return ("EXISTS (SELECT 1 FROM episode AS pe JOIN episode AS pf ON pf.child_id = "
            "pe.child_id AND pf.id <> pe.id AND pf.referral_date >= pe.closure_date "
            f"WHERE pe.child_id = {v}.child_id AND pe.closure_date >= "
            f"COALESCE({v}.created_on, {v}.agreed_on))")


_CURRENT_EPISODE = f"""
SELECT id, referral_date, assessment_started, assessment_completed, initial_home_visit,
       support_started, cin_plan_start, closure_decided, family_told_of_closure,
       step_down_decided, step_down_completed, moved_in, closure_date, early_review_by,
       early_review_asked
FROM episode WHERE {_OF_CHILD}
ORDER BY referral_date DESC, created_at DESC LIMIT 1
"""
_FINAL_VISITS = ("SELECT visited_at, child_seen, seen_alone, kind FROM visit "
                 f"WHERE {_OF_CHILD} AND status = 'final'")
# The visit frequency agreed in the plan in force in the episode (BEX 3, TRA).
_AGREED_VISITS = f"""
SELECT agreed_on, visit_every_amount, visit_every_unit FROM plan_version AS v
WHERE v.{_OF_CHILD} AND v.status = 'agreed' AND NOT {of_earlier_episode("v")}
ORDER BY v.number DESC
"""
_MEETINGS = f"""
SELECT held_on, kind, next_review, minutes_circulated, plan_circulated, held
FROM meeting WHERE {_OF_CHILD}
"""
_ENQUIRIES = """
SELECT strategy_on, strategy_outcome, s47_started, icpc_held, s47_outcome
FROM cp_enquiry WHERE episode_id = :episode ORDER BY strategy_on, created_at
"""


# WIR 2.3, for the plans with no positive change: the children whose plan in force has a
# worry still Red or Amber, and each child's latest change: a need rated better
# (`domain.no_change.improved`), a child protection conference considered, a strategy
# discussion. As `record.no_change_prompt` reads them for one child; `{ids}` selects the
# children; the plan in force is picked per child from its index, as the caseload picks it.
OPEN_WORRIES = """
WITH pick AS (
    SELECT c.id AS child_id,
           (SELECT p.id FROM plan_version AS p WHERE p.child_id = c.id AND p.status = 'agreed'
            AND NOT """ + of_earlier_episode("p") + """
            ORDER BY p.number DESC LIMIT 1) AS version_id
    FROM child AS c WHERE c.id IN ({ids})
)
SELECT k.child_id FROM pick AS k
WHERE EXISTS (SELECT 1 FROM plan_need AS n WHERE n.version_id = k.version_id
              AND n.kind = 'worry' AND n.rag IN ('R', 'A'))
"""
LATEST_CHANGE = """
SELECT child_id, MAX(day) FROM (
    SELECT child_id, rated_on AS day FROM rag_change
    WHERE ((previous = 'R' AND rating IN ('A', 'G')) OR (previous = 'A' AND rating = 'G'))
      AND child_id IN ({ids})
    UNION ALL
    SELECT child_id, made_on FROM decision WHERE kind = 'cp_conference' AND child_id IN ({ids})
    UNION ALL
    SELECT child_id, strategy_on FROM cp_enquiry WHERE child_id IN ({ids})
) AS changes GROUP BY child_id
"""



def no_positive_change(source, child, plan_start: date | None, today: date) -> date | None:
    """WIR 2.3: the day since which the child's plan in force has brought no positive
    change, when that is six months or more (`domain.plan.no_positive_change`); the same
    reading as the team view's, for one child (`child_show`)."""
    from cintui.domain.no_change import no_positive_change as rule

    rows = rows_from(source)
    ids, key = "SELECT id FROM child WHERE reference = :reference", {"reference": child.reference}
    worried = bool(rows(OPEN_WORRIES.format(ids=ids), key))
    changed = [_date(day) for _cid, day in rows(LATEST_CHANGE.format(ids=ids), key) if day]
    return rule(worried, plan_start, today, changed)


def child_events(source, child) -> ChildEvents:
    """The dated facts the timescale engine needs, from the child's current episode. `child`:
    a `ChildRow` or the store's `Child` (its reference and direct payments are read)."""
    rows = rows_from(source)
    key = {"reference": child.reference}
    episode = rows(_CURRENT_EPISODE, key)
    if not episode:
        return ChildEvents()
    episode_id, *dates = episode[0]
    (referral, assess_start, assess_done, home_visit, support, plan_start, closure_decided,
     told, step_down, stepped_down, moved_in, closed, early_by, early_asked) = \
        (_date(v) for v in dates)
    visits = [(_visit_day(at), bool(seen), bool(alone), kind == "virtual")
              for at, seen, alone, kind in rows(_FINAL_VISITS, key)]
    agreed = next(((amount, unit) for on, amount, unit in rows(_AGREED_VISITS, key)
                   if _date(on) and _date(on) >= referral), None)
    meetings = [(_date(held_on), *rest) for held_on, *rest in rows(_MEETINGS, key)]
    return ChildEvents(
        referral=referral,
        assessment_started=assess_start,
        assessment_completed=assess_done,
        initial_home_visit=home_visit,
        support_started=support,
        cin_plan_start=plan_start,
        dob=child.dob,
        plan_visit_every=plan_visits(*agreed) if agreed else None,
        visits=tuple(VisitFact(date=day, child_seen=seen, seen_alone=alone, virtual=virtual)
                     for day, seen, alone, virtual in visits if day >= referral),
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
        closed=closed,
        early_review_by=early_by, early_review_asked=early_asked,
        enquiries=tuple(
            EnquiryFact(strategy_on=_date(strategy_on), decided_s47=outcome == "s47",
                        s47_started=_date(s47_started), icpc_held=_date(icpc_held),
                        icpc_not_required=s47_outcome == "no_icpc")
            for strategy_on, outcome, s47_started, icpc_held, s47_outcome
            in rows(_ENQUIRIES, {"episode": episode_id})
        ),
    )


# ---------------------------------------------------------------- the child's plan


class VersionInfo(Record):
    id: uuid.UUID
    number: int
    status: str
    created_on: date
    agreed_on: date | None
    agreed_at: str
    agreed_by: str
    needs: int
    earlier: bool = False  # an earlier episode's (`of_earlier_episode`): history, not in force

    @property
    def label(self) -> str:
        before = ", an earlier episode's" if self.earlier else ""
        if self.status == "agreed":
            where = self.agreed_at or self.agreed_by
            return f"v{self.number} agreed {day_words(self.agreed_on)}" + (
                f" ({where})" if where else "") + before
        return f"v{self.number} {self.status}, started {day_words(self.created_on)}{before}"


_VERSIONS = f"""
SELECT v.id, v.number, v.status, v.created_on, v.agreed_on, v.agreed_at, v.agreed_by,
       (SELECT count(*) FROM plan_need AS n WHERE n.version_id = v.id),
       CASE WHEN {of_earlier_episode("v")} THEN 1 ELSE 0 END
FROM plan_version AS v WHERE v.{_OF_CHILD} ORDER BY v.number DESC
"""
# The closure that ended plan version `v` (WIR 3, TRA: the plan in force ends with the
# case): the first of the child's episodes closed on or after the version was begun. A
# version begun after a re-referral is not ended by the closure before it.
CLOSED_ON = """(SELECT MIN(e.closure_date) FROM episode AS e WHERE e.child_id = v.child_id
  AND e.closure_date >= COALESCE(v.created_on, v.agreed_on))"""
# A version is the child's (by reference) with that number: versions are numbered per child.
_VERSION = f"""
SELECT v.id, v.number, v.status, v.created_on, v.agreed_on, v.agreed_at, v.agreed_by,
       v.objectives, v.lead_professional, v.review_arrangements, v.next_review,
       v.childs_views, v.lived_experience, v.visit_every_amount, v.visit_every_unit,
       v.bottom_lines, v.if_not_met, v.good_enough,
       mt.kind, mt.recommendation, mt.held_on, {CLOSED_ON} AS closed_on
FROM plan_version AS v LEFT JOIN meeting AS mt ON mt.id = v.meeting_id
WHERE v.{_OF_CHILD} AND v.number = :number
"""
_OF_VERSION = ("version_id = (SELECT v.id FROM plan_version AS v "
               f"WHERE v.{_OF_CHILD} AND v.number = :number)")
_SERVICES = f"SELECT name, purpose FROM plan_service WHERE {_OF_VERSION} ORDER BY position"
_NEEDS = ("SELECT id, key, now, outcome, evidence, rag, kind FROM plan_need "
          f"WHERE {_OF_VERSION} ORDER BY position")
_ACTIONS = ("SELECT need_id, what, who, by_when, status, notes, person_id, key "
            f"FROM plan_action WHERE {_OF_VERSION} ORDER BY position")
_RATINGS = f"""
SELECT need_key, rated_on, rating, previous, "by", reason, maintained_for, agreed_at,
       cp_discussion
FROM rag_change WHERE need_key IN (SELECT key FROM plan_need WHERE {_OF_VERSION})
ORDER BY rated_on, created_at
"""


def plan_versions(source, reference: str) -> list[VersionInfo]:
    """Every version of the child's plans, newest first."""
    return [VersionInfo(as_uuid(vid), number, status, _date(created), _date(agreed), at or "",
                        by or "", needs, bool(earlier))
            for vid, number, status, created, agreed, at, by, needs, earlier
            in rows_from(source)(_VERSIONS, {"reference": reference})]


def in_force(versions: list[VersionInfo]) -> VersionInfo | None:
    """The plan in force: the newest agreed version, else the newest draft (a first plan not
    yet agreed), of the child's current episode (an earlier episode's plan, before a
    re-referral, is history)."""
    versions = [v for v in versions if not v.earlier]
    agreed = [v for v in versions if v.status == "agreed"]
    return agreed[0] if agreed else next((v for v in versions if v.status == "draft"), None)


def plan_version(source, reference: str, number: int) -> PlanVersion | None:
    """Version `number` of the child's plan with its services, needs (in order), actions and
    each need's RAG history; None when the child has no such version."""
    from cintui.domain.plan import (
        Need,
        PlanAction,
        PlanVersion,
        RagChange,
        Service,
    )

    rows = rows_from(source)
    key = {"reference": reference, "number": number}
    found = rows(_VERSION, key)
    if not found:
        return None
    (vid, number, status, created, agreed, agreed_at, agreed_by, objectives, lead, review,
     next_review, views, lived, every, unit, bottom_lines, if_not_met, good_enough,
     met_kind, recommendation, met_on, closed_on) = found[0]
    history: dict[uuid.UUID, list[RagChange]] = {}
    for need_key, on, rating, previous, by, reason, kept, at, cp in rows(_RATINGS, key):
        history.setdefault(as_uuid(need_key), []).append(RagChange(
            on=_date(on), rating=rating, previous=previous, by=by, reason=reason,
            maintained_for=kept, agreed_at=at, cp_discussion=cp))
    by_need: dict = {}
    for need_id, what, who, by_when, state, notes, person, action_key in rows(_ACTIONS, key):
        by_need.setdefault(need_id, []).append(PlanAction(
            what=what, who=who, by_when=_date(by_when), status=state, notes=notes,
            person_id=as_uuid(person) if person else None, key=as_uuid(action_key)))
    needs = []
    for need_id, need_key, now, outcome, evidence, rag, kind in rows(_NEEDS, key):
        need_key = as_uuid(need_key)
        needs.append(Need(now=now, outcome=outcome, evidence=evidence, rag=rag, kind=kind,
                          actions=tuple(by_need.get(need_id, ())),
                          rag_history=tuple(history.get(need_key, ())), key=need_key))
    ended_on, ended_by = ended(status, met_kind, recommendation, met_on, closed_on)
    return PlanVersion(
        id=as_uuid(vid), number=number, status=status, created_on=_date(created),
        agreed_on=_date(agreed), agreed_at=agreed_at, agreed_by=agreed_by,
        objectives=objectives, lead_professional=lead, review_arrangements=review,
        # An ended plan asks for no review (WIR 3): the one set before its end is let go.
        next_review=None if ended_on else _date(next_review), childs_views=views,
        lived_experience=lived,
        visit_every=plan_visits(every, unit), bottom_lines=bottom_lines or "",
        if_not_met=if_not_met or "", good_enough=good_enough or "",
        ended_on=ended_on, ended_by=ended_by,
        services=tuple(Service(name, purpose) for name, purpose in rows(_SERVICES, key)),
        needs=tuple(needs))


def ended(status: str, met_kind: str | None, recommendation: str | None, met_on,
          closed_on) -> tuple[date | None, str]:
    """`domain.plan.plan_ended` for the days as the store gives them."""
    from cintui.domain.plan import plan_ended

    return plan_ended(status, met_kind, recommendation, _date(met_on), _date(closed_on))


def check_plan(version: PlanVersion, today: date, child: str = "") -> list:
    """The plan checks (`domain.plan_checks`) with the shipped plain-words list; `child` is
    the child's first name, as the app's checks name them ("the child" without it)."""
    from cintui.domain.plan_checks import check_plan as check
    from cintui.reference import plain_words

    return check(version, today, plain_words.load_plain_words(), child=child)


_PLAN_CHILD = """
SELECT c.first_name, c.last_name, c.dob, c.expected_dob, w.name
FROM child AS c LEFT JOIN worker AS w ON w.id = c.worker_id WHERE c.reference = :reference
"""


def plan_document(source, reference: str, today: date, *, number: int | None = None,
                  final: bool = False):
    """What an export of the child's plan holds (`cintui.export.plan.PlanDocument`): the
    plan in force unless version `number`, its check results, the child's details."""
    from cintui.domain.child import describe_age, spoken_age
    from cintui.export.plan import PlanDocument

    rows = rows_from(source)
    found = rows(_PLAN_CHILD, {"reference": reference})
    if not found:
        raise PlanError("child", "no such child on this store")
    first, last, dob, expected, worker = found[0]
    name, dob, expected = f"{first} {last}".strip(), _date(dob), _date(expected)
    if number is None:
        every = plan_versions(rows, reference)
        chosen = in_force(every)
        if chosen is None:
            # A re-referral's new episode has no plan of its own yet (DOMAIN.md §7): the last
            # episode's stays readable by its version.
            last = next((v for v in every if v.earlier and v.status == "agreed"), None)
            before = (f" (the last episode's plan: cintui plan show {reference} --version "
                      f"{last.number})" if last else "")
            episode = rows(_CURRENT_EPISODE, {"reference": reference})
            started = _date(episode[0][6]) if episode else None
            if started is not None and episode[0][12] is None:  # started, open, not written
                raise PlanNotWritten(reference, started, before)
            if episode and episode[0][12] is not None:  # TRA: nothing to start on it
                from cintui.domain.endings import closed_without_plan

                raise PlanError("plan", closed_without_plan(name, reference,
                                                            _date(episode[0][12])) + before)
            raise PlanError("plan", f"{name} ({reference}) has no plan "
                            f"{'for this episode ' if last else ''}yet: the manager's "
                            f"authorisation starts it (cintui plan start {reference} "
                            f"--authorised-by MANAGER){before}")
        number = chosen.number
    version = plan_version(rows, reference, number)
    if version is None:
        raise PlanError("plan", f"no version {number} of this plan")
    if dob:
        born = f"{day_words(dob)} ({spoken_age(describe_age(dob, None, today))})"
    else:
        born = f"expected {day_words(expected)}" if expected else ""
    problems = tuple(p.message for p in check_plan(version, today, first or ""))
    return PlanDocument(
        child_name=name, child_reference=reference, dob_text=born, worker=worker or "",
        authority=authority_name(rows), version=version, problems=problems,
        generated_on=today, final=final, gcp2=plan_gcp2(rows, reference, version))


_PLAN_GCP2 = """
SELECT a.id, a.assessed_on, a.assessor, a.physical, a.safety, a.love, a.esteem, n.need_key
FROM gcp2_assessment AS a JOIN gcp2_need AS n ON n.gcp2_id = a.id
WHERE a.child_id = (SELECT id FROM child WHERE reference = :reference)
ORDER BY a.assessed_on, a.created_at, n.created_at
"""


def plan_gcp2(rows, reference: str, version: PlanVersion) -> tuple:
    """The child's GCP2s attached to needs of `version` (STO 4.3, 6.11, 7.1: the grades that
    informed them), as the plan's export shows them under each need (`gcp2.on_plan`)."""
    from cintui.domain import gcp2

    found: dict = {}
    for gid, on, assessor, *grades, need_key in rows(_PLAN_GCP2, {"reference": reference}):
        fact = found.setdefault(as_uuid(gid), [_date(on), assessor, grades, []])
        fact[3].append(as_uuid(need_key))
    facts = [gcp2.Gcp2Fact(on, assessor, tuple(zip(gcp2.AREAS, map(int, grades), strict=True)),
                           "", need_keys=tuple(keys))
             for on, assessor, grades, keys in found.values()]
    return gcp2.on_plan(facts, [n.key for n in version.needs])


# ---------------------------------------------------------------- episodes and decisions


class EpisodeRow(Record):
    number: int
    referral_date: date
    referral_source: str
    primary_need: str
    closure_date: date | None
    closure_reason: str | None
    unmet_need_stepped_down: bool
    days_since_last_closure: int | None
    band: str | None
    referral_nfa: bool = False  # closed at the referral with no assessment (census)

    def as_json(self) -> dict:
        from cintui.reference import codes

        return {"number": self.number, "referral_date": _iso(self.referral_date),
                "referral_source": self.referral_source, "primary_need": self.primary_need,
                "closure_date": _iso(self.closure_date), "closure_reason": self.closure_reason,
                "closure_reason_label": codes.label("closure_reason", self.closure_reason)
                or None, "unmet_need_stepped_down": self.unmet_need_stepped_down,
                "days_since_last_closure": self.days_since_last_closure,
                "rereferral_band": self.band, "referral_nfa": self.referral_nfa}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


_EPISODES = f"""
SELECT referral_date, referral_source, primary_need, closure_date, closure_reason,
       unmet_need_stepped_down, referral_nfa
FROM episode WHERE {_OF_CHILD} ORDER BY referral_date, created_at
"""


def episodes(source, reference: str) -> list[EpisodeRow]:
    """Every episode of the child, oldest first, with the interval since the closure before
    it (WAR 3.4)."""
    from cintui.domain.endings import rereferral_band

    out, last = [], None
    for number, (referred, referral_source, need, closed, reason, unmet, nfa) in enumerate(
            rows_from(source)(_EPISODES, {"reference": reference}), start=1):
        referred, closed = _date(referred), _date(closed)
        out.append(EpisodeRow(number, referred, referral_source, need, closed, reason,
                              bool(unmet), (referred - last).days if last else None,
                              rereferral_band(last, referred) if last else None, bool(nfa)))
        last = closed or last
    return out


_DECISIONS = f"""
SELECT made_on, kind, decision, rationale, made_by, made_by_role, id
FROM decision WHERE {_OF_CHILD} ORDER BY made_on, created_at
"""


def decision_facts(source, reference: str) -> list:
    """BEX 4: the child's recorded decisions (`domain.endings.DecisionFact`), oldest first."""
    from cintui.domain.endings import DecisionFact

    return [DecisionFact(_date(made_on), kind, decision, rationale, made_by, role or "",
                         uuid_text(did))
            for made_on, kind, decision, rationale, made_by, role, did
            in rows_from(source)(_DECISIONS, {"reference": reference})]


# ---------------------------------------------------------------- step-down and transfer


def checklist_json(items) -> list[dict]:
    return [{"key": i.key, "text": i.text, "rule": i.rule, "met": i.met,
             "problem": i.problem or None} for i in items]


class EndingState(Record):
    """The step-down or transfer screen, and `cintui stepdown|transfer status`."""

    kind: str
    child_id: uuid.UUID
    reference: str
    name: str
    child_status: str
    ending: dict | None
    due: date | None  # step-down: to complete by (WIR 3)
    checklist: tuple  # of domain.endings.ChecklistItem
    decisions: tuple  # of domain.endings.DecisionFact
    prefill: object | None = None  # casework.endings.Prefill
    remaining: tuple = ()  # the closure still to do
    has_plan: bool = True  # step-down: a CIN plan to go with it (WIR 3; none: RC9)

    @property
    def status(self) -> str | None:
        return self.ending["status"] if self.ending else None

    def as_json(self) -> dict:
        return {"kind": self.kind, "reference": self.reference, "name": self.name,
                "child_status": self.child_status, "ending": self.ending,
                "due": _iso(self.due), "checklist": checklist_json(self.checklist),
                "decisions": [{"made_on": d.made_on.isoformat(), "kind": d.kind,
                               "decision": d.decision, "rationale": d.rationale,
                               "made_by": d.made_by, "made_by_role": d.made_by_role}
                              for d in self.decisions],
                "closure_remaining": checklist_json(self.remaining)}


# The transfer's words, each recorded once it is not empty (BEX 4; `casework.transfer`).
TRANSFER_WORDS = ("trafficking_considered", "move_impact", "responsibilities_told",
                  "service_gaps", "agencies_asked", "sharing_advice")
_TRANSFER_FIELDS = (
    "id", "kind", "status", "recommended_on", "recommended_by", "meeting_id", "decided_on",
    "decided_by", "rationale", "family_told_on", "closure_reason", "unmet_need",
    "closure_summary", "dispute_raised_on", "dispute_raised_by", "dispute_details",
    "escalated_to_service_manager_on", "dispute_outcome", "receiving_authority",
    "receiving_contact", "move_date", "consent_to_share", "consent_not_sought_reason",
    "moves_count", *TRANSFER_WORDS, "completed_on")
# The latest ending of a kind in the child's current episode (casework.transfer.latest_ending).
_LATEST_ENDING = f"""
SELECT {", ".join(_TRANSFER_FIELDS)} FROM ending
WHERE episode_id = (SELECT id FROM episode WHERE {_OF_CHILD}
                    ORDER BY referral_date DESC, created_at DESC LIMIT 1)
  AND kind = :kind
ORDER BY recommended_on DESC, created_at DESC LIMIT 1
"""
_ENDING_DECISIONS = """
SELECT made_on, kind, decision, rationale, made_by, made_by_role, id
FROM decision WHERE ending_id = :ending ORDER BY made_on, created_at
"""
_DRAFTS = f"SELECT count(*) FROM draft WHERE {_OF_CHILD}"
_DRAFT_PLANS = f"SELECT count(*) FROM plan_version WHERE {_OF_CHILD} AND status = 'draft'"
_BOOKED = (f"SELECT kind, starts_at FROM meeting WHERE {_OF_CHILD} AND held = :no "
           "AND status <> 'cancelled' AND starts_at IS NOT NULL")


def _flag(value) -> bool | None:
    return None if value is None else bool(value)


def _ending_json(e: dict) -> dict:
    """`casework.endings.ending_json` and the transfer's fields, from a row."""
    from cintui.domain import endings as rules
    from cintui.domain.transfer import moved_repeatedly
    from cintui.reference import codes

    day = lambda name: _iso(_date(e[name]))  # noqa: E731
    return {
        "id": as_uuid(e["id"]).hex, "kind": e["kind"], "status": e["status"],
        "status_label": rules.ENDING_STATUS_LABELS[e["status"]],
        "recommended_on": day("recommended_on"), "recommended_by": e["recommended_by"],
        "meeting_id": as_uuid(e["meeting_id"]).hex if e["meeting_id"] else None,
        "decided_on": day("decided_on"), "decided_by": e["decided_by"] or None,
        "rationale": e["rationale"] or None, "family_told_on": day("family_told_on"),
        "closure_reason": e["closure_reason"],
        "closure_reason_label": codes.label("closure_reason", e["closure_reason"]) or None,
        "unmet_need": _flag(e["unmet_need"]), "closure_summary": e["closure_summary"],
        "dispute": None if e["dispute_raised_on"] is None else {
            "raised_on": day("dispute_raised_on"), "raised_by": e["dispute_raised_by"],
            "details": e["dispute_details"],
            "escalated_to_service_manager_on": day("escalated_to_service_manager_on"),
            "outcome": e["dispute_outcome"] or None},
        "completed_on": day("completed_on"),
        "receiving_authority": e["receiving_authority"] or None,
        "receiving_contact": e["receiving_contact"] or None,
        "move_date": day("move_date"),
        "consent_to_share": e["consent_to_share"] or None,
        "consent_reason": e["consent_not_sought_reason"] or None,
        "moves_count": e["moves_count"],
        "moved_repeatedly": moved_repeatedly(e["moves_count"]),
        **{name: e[name] or None for name in TRANSFER_WORDS},
    }


def transfer_state(source, child: ChildRow, today: date) -> EndingState:
    """`casework.transfer.transfer_state` in plain SQL: the transfer out (BEX 4) of the
    child's current episode, its decisions and the checklist for sending the pack."""
    from cintui.domain import transfer as rules
    from cintui.domain.endings import DecisionFact

    rows = rows_from(source)
    ref = {"reference": child.reference}
    found = rows(_LATEST_ENDING, {**ref, "kind": "transfer_out"})
    if not found:
        return EndingState("transfer_out", child.id, child.reference, child.full_name,
                           child.status, None, None, (), ())
    e = dict(zip(_TRANSFER_FIELDS, found[0], strict=True))
    decisions = tuple(
        DecisionFact(_date(made_on), kind, decision, rationale, made_by, role, uuid_text(i))
        for made_on, kind, decision, rationale, made_by, role, i
        in rows(_ENDING_DECISIONS, {"ending": e["id"]}))
    facts = rules.TransferFacts(
        receiving_authority=e["receiving_authority"], receiving_contact=e["receiving_contact"],
        move_date=_date(e["move_date"]), consent_to_share=e["consent_to_share"],
        consent_reason=e["consent_not_sought_reason"], moves_count=e["moves_count"],
        **{name: e[name] for name in TRANSFER_WORDS},
        approved=e["status"] in ("approved", "completed"), decided_on=_date(e["decided_on"]),
        sent_on=today, drafts=rows(_DRAFTS, ref)[0][0],
        draft_plan=rows(_DRAFT_PLANS, ref)[0][0] > 0,
        booked=tuple((kind, england_time(_instant(at)).replace(second=0, microsecond=0))
                     for kind, at in rows(_BOOKED, {**ref, "no": False})))
    return EndingState("transfer_out", child.id, child.reference, child.full_name,
                       child.status, _ending_json(e), None,
                       tuple(rules.transfer_checklist(facts, today)), decisions)


_OPEN_PACKAGES = """
SELECT 'short_break', p.id, p.started_on, p.review_due, p.provider, p.kind, p.hours, p.per
FROM short_break AS p JOIN child AS c ON c.id = p.child_id
WHERE c.reference = :reference AND p.ended_on IS NULL
UNION ALL
SELECT 'direct_payment', p.id, p.started_on, p.review_due, p.managed_by, p.period,
       p.amount_pence, ''
FROM direct_payment AS p JOIN child AS c ON c.id = p.child_id
WHERE c.reference = :reference AND p.ended_on IS NULL
"""
_LAST_REVIEWS = """
SELECT r.short_break_id, r.direct_payment_id, MAX(r.reviewed_on)
FROM support_review AS r JOIN child AS c ON c.id = r.child_id
WHERE c.reference = :reference
GROUP BY r.short_break_id, r.direct_payment_id
"""


def package_deadlines(source, reference: str, today: date, policy: PolicyProfile) -> list:
    """As `short_breaks.deadlines`, from plain SQL rows (the first-paint reader of
    `cintui child show`): each open package's review clock (WAR 7.2.1)."""
    rows = rows_from(source)
    key = {"reference": reference}
    found_open = rows(_OPEN_PACKAGES, key)
    if not found_open:  # most children: no package, and no rules module to load for them
        return []
    from cintui.domain import short_breaks as packages  # ~3-6 ms: only for a package

    last = {as_uuid(sb or dp): _date(on) for sb, dp, on in rows(_LAST_REVIEWS, key)}
    out = []
    for kind, pid, started, due, who, what, amount, per in found_open:
        reviewed = last.get(as_uuid(pid))
        reviews = (packages.ReviewFact(reviewed),) if reviewed else ()
        started, due = _date(started), _date(due)
        if kind == "short_break":
            fact = packages.ShortBreakFact(who, what, float(amount), per, started, due,
                                           reviews=reviews)
        else:
            fact = packages.DirectPaymentFact(None if amount is None else int(amount),
                                              what or "", who or "", started, due,
                                              reviews=reviews)
        source_key = policy.timescale(f"{kind}_review").source
        found = packages.package_deadline(
            fact, source_key, today, policy.name,
            due_soon_working_days=policy.due_soon_working_days)
        if found is not None:
            out.append(found)
    return out


# ------------------------------------------------------------------ workers and teams named

_TEAM_NAMES = "SELECT name FROM team ORDER BY name"


def resolve_scope(source, *, worker: str | None = None,
                  team: str | None = None) -> tuple[str | None, str | None]:
    """The worker's username and the team's name meant: a worker by username or full name,
    a team by its name or words only one team's name has ("south", "disability north"), as
    `child list` and `export plans` take them."""
    rows = rows_from(source)
    username = name = None
    if worker:  # as every command taking a worker finds one, and refuses one not there
        username = find_worker(rows, worker).username
    if team:
        name = team_meant(team, [n for (n,) in rows(_TEAM_NAMES, {})])
    return username, name
