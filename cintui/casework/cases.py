"""Use cases the TUI and the CLI share.

Each takes a store session and plain values, applies the domain rules, writes through the
store (so every change is audited) and returns plain results. Screens and commands never
build queries themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from cintui.domain import child as child_rules
from cintui.domain.calendar import england_time
from cintui.domain.policy import PolicyProfile
from cintui.domain.timescales import (
    ChildEvents,
    Deadline,
    EnquiryFact,
    MeetingFact,
    VisitFact,
    compute_deadlines,
    plan_visits,
)
from cintui.domain.workforce import WorkerSummary, typical_worker  # noqa: F401 (re-export)
from cintui.reference import codes, policies
from cintui.store import fast
from cintui.store.models import (
    OPEN_STATUSES,
    Authority,
    Child,
    ChildProtectionEnquiry,
    Episode,
    Meeting,
    PlanVersion,
    StoreMeta,
    Team,
    Visit,
    Worker,
)

POLICY_META_KEY = "policy"
DEMO_META_KEY = "demo"


class CaseworkError(ValueError):
    """A request that cannot be carried out, in words a worker understands."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class UnknownChild(CaseworkError):
    pass


class AmbiguousChild(CaseworkError):
    def __init__(self, query: str, candidates: list[Child]) -> None:
        self.candidates = candidates
        listed = "; ".join(f"{c.reference} {c.full_name}" for c in candidates[:10])
        more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        super().__init__("child", f"{query!r} matches {len(candidates)} children: {listed}{more}")


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
    """The authority's name as set up (`cintui authority set`), else its policy profile's."""
    row = session.exec(select(Authority)).first()
    return row.name if row else store_policy(session).authority


def is_demo_store(session: Session) -> bool:
    return session.get(StoreMeta, DEMO_META_KEY) is not None


def mark_demo_store(session: Session) -> None:
    """Synthetic data only: the app opens such a store as a typical worker."""
    if not is_demo_store(session):
        session.add(StoreMeta(key=DEMO_META_KEY, value="synthetic"))


# ---------------------------------------------------------------- workers and teams


def find_worker(session: Session, text: str) -> Worker:
    needle = text.strip().lower()
    rows = session.exec(
        select(Worker).where(
            or_(func.lower(Worker.username) == needle, func.lower(Worker.name) == needle)
        )
    ).all()
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise CaseworkError("worker", f"no worker called {text!r}")
    raise CaseworkError("worker", f"{text!r} matches {len(rows)} workers; use their username")


def list_workers(session: Session) -> list[WorkerSummary]:
    """Every active worker with their open caseload size (one query, shared with the
    first-paint reader so both give the same answer)."""
    rows = session.connection().exec_driver_sql(fast.WORKERS_SQL).all()
    return [WorkerSummary(u, n, r, t or "", c or 0) for u, n, r, t, c in rows]


def find_team(session: Session, text: str) -> Team:
    """A team by its name, or by a word of it that only one team has ("south")."""
    wanted = text.strip().lower()
    team = session.exec(select(Team).where(func.lower(Team.name) == wanted)).first()
    if team is not None:
        return team
    found = [t for t in session.exec(select(Team).order_by(Team.name)).all()
             if wanted and wanted in t.name.lower()]
    if len(found) == 1:
        return found[0]
    if found:
        names = "; ".join(t.name for t in found[:8]) + (" …" if len(found) > 8 else "")
        raise CaseworkError("team", f"{text!r} matches {len(found)} teams: {names}")
    raise CaseworkError("team", f"no team called {text!r}")


# ---------------------------------------------------------------- children


@dataclass(frozen=True)
class ChildSummary:
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


def list_children(
    session: Session,
    today: date,
    *,
    worker: str | None = None,
    team: str | None = None,
    open_only: bool = False,
) -> list[ChildSummary]:
    """One query, however many children (never a query per row)."""
    stmt = (
        select(Child, Worker.name, Worker.username, Team.name)
        .join(Worker, col(Child.worker_id) == col(Worker.id), isouter=True)
        .join(Team, col(Child.team_id) == col(Team.id), isouter=True)
        .order_by(Child.last_name, Child.first_name, Child.reference)
    )
    if worker:
        stmt = stmt.where(col(Child.worker_id) == find_worker(session, worker).id)
    if team:
        stmt = stmt.where(col(Child.team_id) == find_team(session, team).id)
    if open_only:
        stmt = stmt.where(col(Child.status).in_(OPEN_STATUSES))
    return [
        ChildSummary(
            id=c.id,
            reference=c.reference,
            name=c.full_name,
            dob=c.dob,
            expected_dob=c.expected_dob,
            age=child_rules.describe_age(c.dob, c.expected_dob, today),
            sex=c.sex,
            worker=w_name or "",
            worker_username=w_user or "",
            team=t_name or "",
            status=c.status,
            level=c.level,
            service=c.service,
        )
        for c, w_name, w_user, t_name in session.exec(stmt).all()
    ]


def find_child(session: Session, query: str) -> Child:
    """A case reference, or a name that matches exactly one child."""
    text = query.strip()
    if not text:
        raise UnknownChild("child", "give a case reference or a name")
    by_ref = session.exec(select(Child).where(func.lower(Child.reference) == text.lower())).first()
    if by_ref is not None:
        return by_ref
    full = func.lower(Child.first_name + " " + Child.last_name)
    matches = session.exec(
        select(Child).where(or_(full == text.lower(), full.contains(text.lower()))).limit(51)
    ).all()
    exact = [c for c in matches if c.full_name.lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownChild("child", f"no child with reference or name {query!r}")
    raise AmbiguousChild(query, list(exact or matches))


def _next_reference(session: Session) -> str:
    count = session.exec(select(func.count()).select_from(Child)).one()
    n = count + 1
    while session.exec(select(Child.id).where(Child.reference == f"CIN{n:06d}")).first():
        n += 1
    return f"CIN{n:06d}"


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
        raise CaseworkError("referral_date", f"{new.referral_date.isoformat()} is in the future")
    codes.check("sex", new.sex, "sex", required=True)
    child_rules.check_sex(new.sex, new.dob, new.expected_dob)
    codes.check("ethnicity", new.ethnicity, "ethnicity", required=True)
    codes.check_multi("disabilities", new.disabilities, "disability")
    codes.check("primary_need", new.primary_need, "primary_need", required=True)
    codes.check("referral_source", new.referral_source, "referral_source", required=True)
    codes.check("upn_unknown", new.upn_unknown, "upn_unknown")
    if len(new.upn.strip()) > 13:
        raise CaseworkError("upn", "a UPN is 13 characters")
    if new.upn.strip() and new.upn_unknown:
        raise CaseworkError("upn_unknown", "give a UPN or the reason it is unknown, not both")
    profile = store_policy(session)
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
        upn=new.upn.strip(),
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


def child_events(session: Session, child: Child) -> ChildEvents:
    """The dated facts the timescale engine needs, from the child's current episode."""
    episode = current_episode(session, child.id)
    if episode is None:
        return ChildEvents()
    since = episode.referral_date
    visits = session.exec(
        select(Visit.visited_at, Visit.child_seen, Visit.seen_alone, Visit.kind).where(
            Visit.child_id == child.id, Visit.status == "final"
        )
    ).all()
    meetings = session.exec(
        select(Meeting).where(Meeting.child_id == child.id, Meeting.held_on >= since)
    ).all()
    # The visit frequency agreed in the plan in force in this episode (BEX 3, TRA).
    plan = session.exec(
        select(PlanVersion.visit_every_amount, PlanVersion.visit_every_unit)
        .where(PlanVersion.child_id == child.id, PlanVersion.status == "agreed",
               PlanVersion.agreed_on >= since)
        .order_by(col(PlanVersion.number).desc())
    ).first()
    enquiries = session.exec(
        select(ChildProtectionEnquiry).where(ChildProtectionEnquiry.episode_id == episode.id)
        .order_by(ChildProtectionEnquiry.strategy_on)
    ).all()
    return ChildEvents(
        referral=episode.referral_date,
        assessment_started=episode.assessment_started,
        assessment_completed=episode.assessment_completed,
        initial_home_visit=episode.initial_home_visit,
        support_started=episode.support_started,
        cin_plan_start=episode.cin_plan_start,
        dob=child.dob,
        plan_visit_every=plan_visits(*plan) if plan else None,
        visits=tuple(
            VisitFact(date=day, child_seen=seen, seen_alone=alone, virtual=kind == "virtual")
            for day, seen, alone, kind in (
                (england_time(at).date(), seen, alone, kind) for at, seen, alone, kind in visits)
            if day >= since
        ),
        meetings=tuple(
            MeetingFact(
                date=m.held_on,
                kind=m.kind,
                next_review=m.next_review,
                minutes_circulated=m.minutes_circulated,
                plan_circulated=m.plan_circulated,
                held=m.held,
            )
            for m in meetings
        ),
        closure_decided=episode.closure_decided,
        family_told_of_closure=episode.family_told_of_closure,
        step_down_decided=episode.step_down_decided,
        step_down_completed=episode.step_down_completed,
        moved_in=episode.moved_in,
        disabled_with_direct_payments=child.direct_payments_started is not None,
        direct_payments_started=child.direct_payments_started,
        last_direct_payment_review=child.last_direct_payment_review,
        closed=episode.closure_date,
        enquiries=tuple(
            EnquiryFact(strategy_on=q.strategy_on, decided_s47=q.strategy_outcome == "s47",
                        s47_started=q.s47_started, icpc_held=q.icpc_held,
                        icpc_not_required=q.s47_outcome == "no_icpc")
            for q in enquiries
        ),
    )


def child_deadlines(
    session: Session, child: Child, today: date, profile: PolicyProfile | None = None
) -> list[Deadline]:
    profile = profile or store_policy(session)
    return compute_deadlines(child_events(session, child), profile, today)


def deadline_json(d: Deadline) -> dict:
    return {
        "key": d.key,
        "label": d.label,
        "due": d.due.isoformat(),
        "state": str(d.state),
        "working_days_left": d.working_days_left,
        "rule": d.rule,
        "source": d.source,
        "anchor": d.anchor.isoformat(),
        "anchor_label": d.anchor_label,
        "policy": d.policy,
    }
