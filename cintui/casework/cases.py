"""Use cases the TUI and the CLI share.

Each takes a store session and plain values, applies the domain rules, writes through the
store (so every change is audited) and returns plain results. Screens and commands never
build queries themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from cintui.casework import lookup
from cintui.casework.lookup import (  # noqa: F401 (re-export: the errors of every use case)
    AmbiguousChild,
    CaseworkError,
    NotOnStore,
    NotYou,
    UnknownChild,
)
from cintui.domain import child as child_rules
from cintui.domain.census import upn_problem
from cintui.domain.dates import day_words
from cintui.domain.policy import PolicyProfile
from cintui.domain.timescales import (
    Deadline,
    compute_deadlines,
)
from cintui.domain.workforce import WorkerSummary, typical_worker  # noqa: F401 (re-export)
from cintui.reference import codes, policies
from cintui.store import fast
from cintui.store.models import (
    Child,
    Episode,
    StoreMeta,
    Team,
    Worker,
)

POLICY_META_KEY = "policy"
DEMO_META_KEY = "demo"


# ---------------------------------------------------------------- policy of this store


def store_policy_name(session: Session) -> str:
    meta = session.get(StoreMeta, POLICY_META_KEY)
    return meta.value if meta else policies.DEFAULT_POLICY


def store_policy(session: Session) -> PolicyProfile:
    return policies.load_policy(store_policy_name(session))


def set_store_policy(session: Session, name: str) -> PolicyProfile:
    profile = policies.load_policy(name)  # raises UnknownPolicy / PolicyError
    meta = session.get(StoreMeta, POLICY_META_KEY)
    if meta is None:
        session.add(StoreMeta(key=POLICY_META_KEY, value=profile.name))
    else:
        meta.value = profile.name
    return profile


def authority_name(session: Session) -> str:
    """The authority's name as set up (`cintui authority set`), else its policy profile's
    (`lookup.authority_name`)."""
    return lookup.authority_name(session)


def is_demo_store(session: Session) -> bool:
    return session.get(StoreMeta, DEMO_META_KEY) is not None


def mark_demo_store(session: Session) -> None:
    """Synthetic data only: the app opens such a store as a typical worker."""
    if not is_demo_store(session):
        session.add(StoreMeta(key=DEMO_META_KEY, value="synthetic"))


# ---------------------------------------------------------------- workers and teams


def server_login(session: Session) -> str | None:
    """The team server login this session writes as (store/server.py); None elsewhere."""
    return session.info.get("login")


def check_self(session: Session, username: str, named: str) -> None:
    """`lookup.check_self` for the login this session writes as."""
    lookup.check_self(server_login(session), username, named)


def author(session: Session, actor: str) -> tuple[uuid.UUID | None, str]:
    """The worker writing as `actor` (a username), by id and name; else the actor's name.
    A record says who by name (a visit's author, a rating's "by"), never by login."""
    row = session.exec(select(Worker).where(Worker.username == actor)).first()
    return (row.id, row.name) if row else (None, actor)


def imported_from(session: Session, child_id: uuid.UUID) -> dict[uuid.UUID, date]:
    """Each of the child's episodes imported from a caseload file, with the day it came in
    (`episode.recorded_from`): what is dated before it is the old system's record."""
    return dict(session.exec(select(Episode.id, Episode.recorded_from).where(
        Episode.child_id == child_id, col(Episode.recorded_from).is_not(None))).all())


def find_worker(session: Session, text: str) -> Worker:
    """`lookup.find_worker` (the same query and words), as the worker's row object."""
    session.flush()  # a worker added in this session is found, as a query would autoflush
    return session.get(Worker, lookup.find_worker(session, text).id)


def worker_name_and_role(session: Session, username: str) -> list[tuple[str, str]]:
    """The worker's name and role ([] for no such worker), for the app's header."""
    return [(w.name, w.role) for w in session.exec(
        select(Worker).where(Worker.username == username)).all()]


def list_workers(session: Session) -> list[WorkerSummary]:
    """Every active worker with their open caseload size (one query, shared with the
    first-paint reader so both give the same answer)."""
    rows = session.connection().exec_driver_sql(fast.WORKERS_SQL).all()
    return [WorkerSummary(u, n, r, t or "", c or 0) for u, n, r, t, c in rows]


def find_team(session: Session, text: str) -> Team:
    """A team by its name, or by words of it that only one team has ("south", "disability
    north")."""
    wanted = text.strip().lower()
    team = session.exec(select(Team).where(func.lower(Team.name) == wanted)).first()
    if team is not None:
        return team
    teams = session.exec(select(Team).order_by(Team.name)).all()
    meant = lookup.team_meant(text, [t.name for t in teams])  # no team: its one refusal
    return next(t for t in teams if t.name == meant)


# ---------------------------------------------------------------- children


def reference_of(session: Session, child_id: uuid.UUID) -> str:
    """The child's case reference (the plain-SQL reads in `lookup` take it)."""
    return require_child(session, child_id, UnknownChild).reference


def find_child(session: Session, query: str) -> Child:
    """A case reference, or a name that matches exactly one child (`lookup.find_child`)."""
    return session.get(Child, lookup.find_child(session, query).id)


REFERENCE_SEQUENCE = "cin_reference"  # PostgreSQL only (migration 0015)


def _next_reference(session: Session) -> str:
    """The next free CINnnnnnn. On PostgreSQL from a sequence (two workers adding a child at
    once never draw the same number, whatever the isolation); on SQLite by counting, safe
    under its write lock. A number taken by hand (`--reference`), or by a child hidden from
    this login on a team server, is skipped either way."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        draw = lambda: conn.exec_driver_sql(  # noqa: E731
            f"SELECT nextval('{REFERENCE_SEQUENCE}')").scalar_one()
        n = draw()
    else:
        n = session.exec(select(func.count()).select_from(Child)).one() + 1
        draw = None
    while _reference_taken(session, f"CIN{n:06d}"):
        n = draw() if draw else n + 1
    return f"CIN{n:06d}"


def _reference_taken(session: Session, reference: str) -> bool:
    if server_login(session) is not None:  # counting the children hidden from this login
        return session.connection().exec_driver_sql(
            "SELECT cintui_reference_taken(%(r)s)", {"r": reference}).scalar()
    return session.exec(select(Child.id).where(Child.reference == reference)).first() \
        is not None


@dataclass(frozen=True)
class NewChild:
    """What a worker types to add a child; validated by `add_child`."""

    first_name: str
    last_name: str
    referral_date: date
    dob: date | None = None
    expected_dob: date | None = None
    reference: str | None = None
    sex: str = "U"
    gender_identity: str = ""
    ethnicity: str = "NOBT"
    disabilities: str = "NONE"
    primary_need: str = "N0"
    referral_source: str = "10"
    level: str = ""
    service: str = ""
    team: str | None = None
    worker: str | None = None
    upn: str = ""
    upn_unknown: str | None = None  # census UN1-UN7 (default UN6 for an unborn child)


def add_child(session: Session, new: NewChild, today: date) -> Child:
    """Validate everything first; write the child and its first episode together."""
    if not new.first_name.strip() and not new.last_name.strip():
        raise CaseworkError("name", "a child needs a first or last name")
    child_rules.check_birth_dates(new.dob, new.expected_dob, today)
    if new.referral_date > today:
        raise CaseworkError("referral_date", f"{day_words(new.referral_date)} is in the future")
    codes.check("sex", new.sex, "sex", required=True)
    child_rules.check_sex(new.sex, new.dob, new.expected_dob)
    codes.check("ethnicity", new.ethnicity, "ethnicity", required=True)
    codes.check_multi("disabilities", new.disabilities, "disability")
    codes.check("primary_need", new.primary_need, "primary_need", required=True)
    codes.check("referral_source", new.referral_source, "referral_source", required=True)
    codes.check("upn_unknown", new.upn_unknown, "upn_unknown")
    if new.upn.strip() and (problem := upn_problem(new.upn)):
        raise CaseworkError("upn", problem)
    if new.upn.strip() and new.upn_unknown:
        raise CaseworkError("upn_unknown", "give a UPN or the reason it is unknown, not both")
    profile = store_policy(session)
    if new.level.strip() and profile.levels:  # by words, as census codes: "child in need"
        from cintui.domain.steps import level_meant

        new = replace(new, level=level_meant(new.level, profile.levels))
    if new.level and profile.levels and new.level not in profile.levels:
        raise CaseworkError(
            "level", f"{new.level!r} is not a level in the {profile.name} policy: "
            + ", ".join(profile.levels)
        )
    worker = find_worker(session, new.worker) if new.worker else None
    team = find_team(session, new.team) if new.team else None
    if team is None and worker is not None and worker.team_id is not None:
        team = session.get(Team, worker.team_id)
    if new.reference:
        reference = child_rules.check_reference(new.reference)
        clash = session.exec(
            select(Child.id).where(func.lower(Child.reference) == reference.lower())
        ).first()
        if clash:
            raise CaseworkError("reference", f"{reference} is already used by another child")
    else:
        reference = _next_reference(session)
    child = Child(
        reference=reference,
        first_name=new.first_name.strip(),
        last_name=new.last_name.strip(),
        dob=new.dob,
        expected_dob=new.expected_dob,
        sex=new.sex,
        gender_identity=new.gender_identity.strip(),
        ethnicity=new.ethnicity,
        disabilities=" ".join(codes.split_multi(new.disabilities)) or "NONE",
        upn=new.upn.strip().upper(),
        upn_unknown=new.upn_unknown or ("UN6" if new.dob is None and not new.upn.strip()
                                        else None),
        primary_need=new.primary_need,
        level=new.level,
        service=new.service or (team.service if team else ""),
        team_id=team.id if team else None,
        worker_id=worker.id if worker else None,
        status="referral",
    )
    session.add(child)
    session.add(
        Episode(
            child_id=child.id,
            referral_date=new.referral_date,
            referral_source=new.referral_source,
            primary_need=new.primary_need,
        )
    )
    session.flush()
    return child


# ---------------------------------------------------------------- timescales


def require_child(session: Session, child_id: uuid.UUID,
                  error: type[CaseworkError] = CaseworkError) -> Child:
    """The child, else `error` ("no such child on this store") for the use case to raise."""
    child = session.get(Child, child_id)
    if child is None:
        raise error("child", "no such child on this store")
    return child


def require_episode(session: Session, child_id: uuid.UUID,
                    error: type[CaseworkError] = CaseworkError) -> Episode:
    """The child's current episode, else `error`: a step needs a referral on record."""
    episode = current_episode(session, child_id)
    if episode is None:
        raise error("child", "the child has no referral on record")
    return episode


def current_episode(session: Session, child_id: uuid.UUID) -> Episode | None:
    return session.exec(
        select(Episode)
        .where(Episode.child_id == child_id)
        .order_by(col(Episode.referral_date).desc(), col(Episode.created_at).desc())
    ).first()


def episode_days(session: Session, child_id: uuid.UUID) -> list[tuple[date, date | None]]:
    """Each of the child's episodes as (referral day, closure day or None), oldest first:
    when the case was open (`domain.endings.closed_on`)."""
    return [tuple(r) for r in session.exec(
        select(Episode.referral_date, Episode.closure_date).where(Episode.child_id == child_id)
        .order_by(Episode.referral_date)).all()]


def closed_on(session: Session, child_id: uuid.UUID, day: date):
    """Whether the child's case stood closed on `day` (`domain.endings.closed_on`)."""
    from cintui.domain.endings import closed_on as rule

    return rule(episode_days(session, child_id), day)


def closure_refusal(session: Session, child: Child, day: date, what: str) -> str:
    """The one line refusing casework (`what`: "a visit") dated after the case closed,
    unless re-referred by then (TRA, BEX 3; WAR 3.4), naming the child, the closure and the
    way on; "" when the case was open that day."""
    from cintui.domain.endings import after_closure

    closed = closed_on(session, child.id, day)
    return after_closure(child.reference, what, day, closed) if closed is not None else ""


def require_open_on(session: Session, child: Child | uuid.UUID, day: date | None, what: str,
                    error: type[CaseworkError] = CaseworkError, field: str = "child") -> None:
    """Refuse casework dated after the case closed (`closure_refusal`), TRA, BEX 3: a
    re-referral opens the case again. `child`: the row or its id; no `day` yet: nothing to
    refuse (the form's own checks ask for it)."""
    if day is None:
        return
    if not isinstance(child, Child):
        child = require_child(session, child, error)
    if problem := closure_refusal(session, child, day, what):
        raise error(field, problem)


def child_deadlines(
    session: Session, child: Child, today: date, profile: PolicyProfile | None = None
) -> list[Deadline]:
    profile = profile or store_policy(session)
    return compute_deadlines(lookup.child_events(session, child), profile, today)


def current_circumstances(session: Session, child_id: uuid.UUID) -> dict[str, str]:
    """The child's circumstances now (WAR 2.2.2): kind -> value, the latest of each ("no"
    left out)."""
    from cintui.domain.steps import NOT_APPLICABLE
    from cintui.store.models import Circumstance

    rows = session.exec(select(Circumstance).where(Circumstance.child_id == child_id)
                        .order_by(Circumstance.recorded_on, Circumstance.created_at)).all()
    latest = {r.kind: r.value for r in rows}
    return {k: v for k, v in latest.items() if v != NOT_APPLICABLE}
