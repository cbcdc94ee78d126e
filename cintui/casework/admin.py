"""Set-up and the people who use cintui: the authority (name, DfE LA number, policy
profile), teams and their managers, workers (add, edit, leave), and reallocating children
from one worker to another, so a team can start from an empty store (`cintui db init`).

A worker who leaves keeps their history (visits, decisions, reallocations stay theirs);
their open children are reallocated first. A reallocation is a manager's step (the role
check of `domain.workforce`), dated, audited (through the caller's `Store.session(actor)`)
and in the child's chronology; the child's team follows the new worker's team.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from cintui.casework import cases, conflicts, drafts
from cintui.domain import workforce as rules
from cintui.domain.dates import day_words
from cintui.domain.policy import profile_named_in as profile_named_in_rule
from cintui.domain.text import counted
from cintui.reference import policies
from cintui.store import server
from cintui.store.models import (
    OPEN_STATUSES,
    Authority,
    Child,
    ChildAccess,
    Reallocation,
    StoreMeta,
    Team,
    Worker,
)

# The keeper's steps, kept in the store's settings so the audit trail shows who took them
# and when (issue "Trust": every change of store metadata is audited).
PASSPHRASE_CHANGED = "passphrase_changed"
RESTORED_FROM = "restored_from"


class AdminError(cases.CaseworkError):
    """A set-up request that cannot be carried out, in a worker's words (field, problem)."""


def _raise(problems: list[rules.Problem]) -> None:
    if problems:
        raise AdminError(problems[0].field, problems[0].message)


# ---------------------------------------------------------------- the authority


@dataclass(frozen=True)
class AuthorityInfo:
    name: str  # "" until set up
    la_number: str
    policy: str
    policy_title: str

    def as_json(self) -> dict:
        return {"name": self.name or None, "la_number": self.la_number or None,
                "policy": self.policy, "policy_title": self.policy_title}


def authority(session: Session) -> AuthorityInfo:
    row = session.exec(select(Authority)).first()
    profile = cases.store_policy(session)
    return AuthorityInfo(row.name if row else "", row.la_number if row else "",
                         profile.name, profile.title)


def set_authority(session: Session, *, name: str | None = None, la: str | None = None,
                  policy: str | None = None) -> AuthorityInfo:
    """Set the authority's name, DfE LA number and policy profile; None keeps what is set
    (the first time, the name and the LA number are both needed: an authority with a profile
    of its own gives its LA number by its name, `la_number_named_in`)."""
    if name is None and la is None and policy is None:
        raise AdminError("name", "nothing to set: give the authority's name, its DfE LA "
                         "number or its policy profile")
    row = session.exec(select(Authority)).first()
    naming = name is not None or la is not None
    if la is None and name and name.strip() and not (row and row.la_number):
        la = la_number_named_in(name)  # the first time: an authority cintui knows
        if not la:
            raise AdminError("la", f"{name.strip()!r} is not an authority cintui knows: give "
                             "its DfE LA number (three digits, e.g. 820)")
    if naming:
        name = (name if name is not None else row.name if row else "").strip()
        la = (la if la is not None else row.la_number if row else "").strip()
        _raise(rules.check_authority(name, la))
    if policy is not None:
        cases.set_store_policy(session, policy.strip())  # UnknownPolicy: one line
    if naming:
        row = row or Authority(name=name, la_number=la)
        row.name, row.la_number = name, la
        session.add(row)
    session.flush()
    return authority(session)


DEFAULT_POLICY = policies.DEFAULT_POLICY


def policy_choices() -> list[tuple[str, str]]:
    """(name, title) of every policy profile there is, for the set-up form."""
    return [(p.name, p.title) for p in policies.list_policies()]


def profile_named_in(name: str) -> str | None:
    """The policy profile of its own that an authority's name names ("London Borough of
    Bexley": bexley), among every profile there is but the England default; None if none."""
    return profile_named_in_rule(name, [(p.name, p.authority) for p in policies.list_policies()
                                        if p.name != policies.DEFAULT_POLICY])


def la_number_named_in(name: str) -> str:
    """The DfE LA number of the authority a name names ("London Borough of Bexley": 303),
    from the profile it names (`profile_named_in`); "" when cintui knows none."""
    return la_number_of(profile_named_in(name))


def la_number_of(profile: str | None) -> str:
    """The DfE LA number a policy profile gives its authority; "" for none (England's)."""
    return policies.load_policy(profile).la_number if profile else ""


def la_number_warning(name: str, la: str) -> str:
    """One line when `name` names an authority whose profile gives another DfE LA number
    than `la` ("Stockton Council" with 123: Stockton-on-Tees's profile says 808), "" when
    it does not (no profile named, none with a number, the same, or `la` not a number yet).
    What the worker gave is kept: the census return's header carries it, so they check it.
    The set-up form and `cintui authority set` say it alike."""
    profile = profile_named_in(name)
    la = la.strip()
    if profile is None or rules.check_la_number(la) is not None:
        return ""
    said = policies.load_policy(profile)
    if not said.la_number or said.la_number == la:
        return ""
    return (f"{said.authority}'s profile gives DfE LA number {said.la_number}, not {la}: "
            "the census return carries the LA number, so check it")


# ---------------------------------------------------------------- teams


@dataclass(frozen=True)
class TeamRow:
    id: uuid.UUID
    name: str
    service: str
    manager: str  # the manager's name, "" for none
    manager_username: str
    workers: int  # active workers in the team
    open_children: int

    def as_json(self) -> dict:
        return {"name": self.name, "service": self.service or None,
                "manager": self.manager_username or None, "manager_name": self.manager or None,
                "workers": self.workers, "open_children": self.open_children}


def list_teams(session: Session) -> list[TeamRow]:
    teams = session.exec(select(Team).order_by(Team.name)).all()
    workers = dict(session.exec(select(Worker.team_id, func.count()).where(
        col(Worker.active).is_(True)).group_by(Worker.team_id)).all())
    children = dict(session.exec(select(Child.team_id, func.count()).where(
        col(Child.status).in_(OPEN_STATUSES)).group_by(Child.team_id)).all())
    managers = {w.id: w for w in session.exec(select(Worker).where(
        col(Worker.id).in_([t.manager_id for t in teams if t.manager_id]))).all()}
    out = []
    for t in teams:
        m = managers.get(t.manager_id)
        out.append(TeamRow(t.id, t.name, t.service, m.name if m else "",
                           m.username if m else "", workers.get(t.id, 0),
                           children.get(t.id, 0)))
    return out


def _team_row(session: Session, team: Team) -> TeamRow:
    return next(t for t in list_teams(session) if t.id == team.id)


def _manager(session: Session, text: str) -> Worker:
    """A team's manager: an active team or service manager."""
    worker = _worker(session, text, "manager")
    if not worker.active:
        raise AdminError("manager", f"{worker.username} left on {day_words(worker.left_on)}")
    refusal = rules.needs_role(worker.username, worker.role, rules.MANAGER_ROLES)
    if refusal is not None:
        raise AdminError("manager", f"managing a team {refusal}")
    return worker


def _check_team_name(session: Session, name: str, team: Team | None = None) -> None:
    clash = session.exec(select(Team).where(
        func.lower(Team.name) == name.strip().lower())).first()
    if clash is not None and clash is not team:
        raise AdminError("name", f"there is already a team called {clash.name!r}")


@dataclass(frozen=True)
class TeamInput:
    """A team as typed; in an edit, None keeps what is there (manager "": none)."""

    name: str | None = None
    service: str | None = None
    manager: str | None = None  # a username or name


def _service(session: Session, typed: str) -> str:
    """The policy's own name of the service typed, where the policy names its services
    (WAR 4.4.3) and the words typed are in one of them ("Children with Disability" is the
    "Children with Disability Team"); else as typed. A disabled child's team whose service
    was typed short was told on every step that the child was with another service than
    the one that assesses them (WAR 4.4.1)."""
    from cintui.casework.lookup import names_meant

    found = names_meant(typed, cases.store_policy(session).services) if typed else []
    return found[0] if len(found) == 1 else typed


def add_team(session: Session, new: TeamInput) -> TeamRow:
    name, service = (new.name or "").strip(), _service(session, (new.service or "").strip())
    _raise(rules.check_team(name, service))
    _check_team_name(session, name)
    manager = _manager(session, new.manager) if new.manager else None
    team = Team(name=name, service=service, manager_id=manager.id if manager else None)
    session.add(team)
    session.flush()
    return _team_row(session, team)


def team_stamp(row: TeamRow) -> str:
    """The version of a team as a form read it: what the form edits (not its counts)."""
    return conflicts.values(row.id, row.name, row.service, row.manager_username)


def edit_team(session: Session, team_name: str, changes: TeamInput, *,
              seen: str = "") -> TeamRow:
    """`seen`: `team_stamp` of the team as the form read it; changed since, an
    `EditConflict` and nothing saved ("": the CLI, which reads and writes at once)."""
    team = cases.find_team(session, team_name)
    conflicts.check(session, seen, team_stamp(_team_row(session, team)),
                    f"the team {team.name}", [conflicts.row(team)])
    name = changes.name.strip() if changes.name is not None else team.name
    service = _service(session, changes.service.strip()) if changes.service is not None \
        else team.service
    _raise(rules.check_team(name, service))
    _check_team_name(session, name, team)
    if changes.manager is not None:
        manager = _manager(session, changes.manager) if changes.manager.strip() else None
        team.manager_id = manager.id if manager else None
    team.name, team.service = name, service
    session.add(team)
    session.flush()
    return _team_row(session, team)


# ---------------------------------------------------------------- workers


@dataclass(frozen=True)
class WorkerRow:
    id: uuid.UUID
    username: str
    name: str
    role: str
    team: str
    email: str
    left_on: date | None
    open_children: int

    @property
    def role_label(self) -> str:
        return rules.role_label(self.role)

    @property
    def active(self) -> bool:
        return self.left_on is None

    def as_json(self) -> dict:
        return {"username": self.username, "name": self.name, "role": self.role,
                "role_label": self.role_label, "team": self.team or None,
                "email": self.email or None, "active": self.active,
                "left_on": self.left_on.isoformat() if self.left_on else None,
                "open_children": self.open_children}


def open_children(session: Session, worker_id: uuid.UUID) -> int:
    return session.exec(select(func.count()).select_from(Child).where(
        Child.worker_id == worker_id, col(Child.status).in_(OPEN_STATUSES))).one()


def list_workers(session: Session, *, team: str | None = None,
                 include_left: bool = False) -> list[WorkerRow]:
    """Workers by name, with their open caseload; those who left only when asked."""
    counts = dict(session.exec(select(Child.worker_id, func.count()).where(
        col(Child.status).in_(OPEN_STATUSES)).group_by(Child.worker_id)).all())
    stmt = (select(Worker, Team.name).join(Team, col(Worker.team_id) == col(Team.id),
                                           isouter=True)
            .order_by(Worker.name, Worker.username))
    if team is not None:
        stmt = stmt.where(col(Worker.team_id) == cases.find_team(session, team).id)
    if not include_left:
        stmt = stmt.where(col(Worker.active).is_(True))
    return [WorkerRow(w.id, w.username, w.name, w.role, t or "", w.email, w.left_on,
                      counts.get(w.id, 0)) for w, t in session.exec(stmt).all()]


def _worker(session: Session, text: str, what: str = "worker") -> Worker:
    try:
        return cases.find_worker(session, text)
    except cases.CaseworkError as exc:
        raise AdminError(what, exc.problem) from None


def _row(session: Session, worker: Worker) -> WorkerRow:
    return next(w for w in list_workers(session, include_left=True) if w.id == worker.id)


def role_code(text: str) -> str:
    """The role typed in words ("team manager", "team_manager", "TM"), else one line
    listing the roles."""
    role = rules.parse_role(text)
    if role is None:
        raise AdminError("role", f"{text.strip()!r} is not a role: choose one of "
                         + rules.role_choices())
    return role


@dataclass(frozen=True)
class WorkerInput:
    """A worker as typed; in an edit, None keeps what is there (team "": no team)."""

    name: str | None = None
    role: str | None = None  # in words or as a code
    team: str | None = None
    email: str | None = None


def _team_of(session: Session, text: str | None) -> Team | None:
    if not (text or "").strip():
        return None
    try:
        return cases.find_team(session, text)
    except cases.CaseworkError as exc:
        raise AdminError("team", exc.problem) from None


def _login(session: Session, worker: Worker, password: str | None = None) -> None:
    """On a team server, the worker's own login role follows the worker: made when they are
    added (with `password`, else none until the DBA sets one), a manager's group while they
    are a manager, NOLOGIN once they have left. Nothing elsewhere."""
    if cases.server_login(session) is None:
        return
    try:
        server.set_login(session.connection(), worker.username, password=password,
                         manager=worker.role in rules.MANAGER_ROLES, can_login=worker.active)
    except server.ServerError as exc:
        raise AdminError("username", str(exc)) from None


def add_worker(session: Session, username: str, new: WorkerInput, *,
               password: str | None = None) -> WorkerRow:
    """A new worker: username (what they sign in as), name, role, team, email. On a team
    server their login too (`password`: None for a login the DBA gives a password)."""
    username = username.strip().lower()
    role = role_code(new.role or "")
    name, email = (new.name or "").strip(), (new.email or "").strip()
    _raise(rules.check_worker(username, name, role, email))
    clash = session.exec(select(Worker).where(func.lower(Worker.username) == username)).first()
    if clash is not None:
        raise AdminError("username", f"{username} is already the username of {clash.name}"
                         + (" (who has left)" if not clash.active else ""))
    team = _team_of(session, new.team)
    worker = Worker(username=username, name=name, role=role, email=email,
                    team_id=team.id if team else None)
    session.add(worker)
    session.flush()
    if team is not None and role == "team_manager" and team.manager_id is None:
        # Set-up adds a team before its people: its first team manager manages it.
        team.manager_id = worker.id
        session.add(team)
        session.flush()
    _login(session, worker, password)
    return _row(session, worker)


def managed_teams(session: Session, username: str) -> list[str]:
    """The names of the teams `username` manages."""
    return [t.name for t in _managed(session, _worker(session, username))]


def _managed(session: Session, worker: Worker) -> list[Team]:
    return list(session.exec(select(Team).where(Team.manager_id == worker.id)
                             .order_by(Team.name)).all())


def worker_stamp(row: WorkerRow) -> str:
    """The version of a worker as a form read it: what the form edits, and whether they
    left (not their caseload)."""
    return conflicts.values(row.id, row.name, row.role, row.team, row.email, row.left_on)


def edit_worker(session: Session, username: str, changes: WorkerInput, *,
                seen: str = "", password: str | None = None) -> WorkerRow:
    """`seen`: `worker_stamp` of the worker as the form read them; changed since, an
    `EditConflict` and nothing saved ("": the CLI, which reads and writes at once).
    `password`: on a team server, their login's new one (a lost laptop, a forgotten one)."""
    worker = _worker(session, username)
    conflicts.check(session, seen, worker_stamp(_row(session, worker)),
                    f"{worker.name}'s details", [conflicts.row(worker)])
    role = role_code(changes.role) if changes.role is not None else worker.role
    name = changes.name.strip() if changes.name is not None else worker.name
    email = changes.email.strip() if changes.email is not None else worker.email
    _raise([p for p in rules.check_worker(worker.username, name, role, email)
            if p.field != "username"])  # fixed once added, whatever it was
    managed = _managed(session, worker)
    if managed and role not in rules.MANAGER_ROLES:
        raise AdminError("role", f"{worker.username} manages {managed[0].name}: choose another "
                         f"manager for the team first (cintui team edit {managed[0].name!r} "
                         "--manager USERNAME)")
    if changes.team is not None:
        team = _team_of(session, changes.team)
        worker.team_id = team.id if team else None
    worker.name, worker.role, worker.email = name, role, email
    session.add(worker)
    session.flush()
    if password is not None and cases.server_login(session) is None:
        raise AdminError("password", "this store is not a team server: workers have no "
                         "logins of their own here (cintui server init)")
    _login(session, worker, password)
    return _row(session, worker)


@dataclass(frozen=True)
class HandedForm:
    """One of the leaver's kept forms, now another worker's (`Left.forms_to`)."""

    form: str  # in words: "new child", "need"
    child: str  # the child's name and reference, "" for a child not yet on the record
    started_at: datetime

    def as_json(self) -> dict:
        return {"form": self.form, "child": self.child or None,
                "started_at": self.started_at.isoformat()}


@dataclass(frozen=True)
class Left:
    worker: WorkerRow
    teams_without_manager: tuple[str, ...]  # the teams they managed
    forms: tuple[HandedForm, ...] = ()  # their kept forms, now `forms_to`'s
    forms_to: str = ""  # "Tom Hale (tom.hale)"

    def forms_said(self) -> list[str]:
        """What became of their forms part typed, a line each after the first; [] if none."""
        if not self.forms:
            return []
        n = len(self.forms)
        lines = [f"{counted(n, 'form')} they had part typed now belong{'s' if n == 1 else ''} "
                 f"to {self.forms_to}; opening the same form in the app puts it back, to "
                 "finish or discard:"]
        for form in self.forms:
            about = f" for {form.child}" if form.child else ""
            lines.append(f"  {form.form}{about}, started {day_words(form.started_at.date())}")
        return lines


def leave(session: Session, username: str, *, on: date, today: date,
          by: str | None = None) -> Left:
    """The worker leaves on `on`: no longer offered for allocation or sign-in; everything
    they recorded stays theirs. Refused while they hold open children (reallocate first);
    the teams they managed are left without a manager. The forms they were part way
    through (kept as typed: a new child's details, a need) become their team manager's,
    else `by`'s (the login recording the leaving) if a worker here, who finishes or
    discards each by opening it; with neither, they stay the leaver's."""
    worker = _worker(session, username)
    if not worker.active:
        raise AdminError("worker", f"{worker.username} left on {day_words(worker.left_on)}")
    by = by if by is not None else session.info.get("actor")
    _raise(rules.check_leaving(worker.username, on, today, open_children(session, worker.id)))
    managed = _managed(session, worker)
    heir = _team_manager(session, worker) or _working_here(session, by, worker)
    for team in managed:
        team.manager_id = None
        session.add(team)
    worker.active, worker.left_on = False, on
    session.add(worker)
    session.flush()
    _login(session, worker)  # NOLOGIN on a team server
    forms = _hand_over(session, worker, heir) if heir else ()
    return Left(_row(session, worker), tuple(t.name for t in managed), forms,
                f"{heir.name} ({heir.username})" if heir and forms else "")


def hand_over_forms(session: Session, username: str, to: str) -> Left:
    """A worker who has left: the forms they had part typed become `to`'s (a worker still
    here), as leaving hands them over; for one who left before it did, or with no one to
    take them."""
    worker, heir = _worker(session, username), _worker(session, to, "to")
    if worker.active:
        raise AdminError("worker", f"{worker.username} has not left: their forms are theirs "
                         f"(cintui worker leave {worker.username} hands them over)")
    if not heir.active:
        raise AdminError("to", f"{heir.username} left on {day_words(heir.left_on)}: choose a "
                         "worker still here")
    if heir.id == worker.id:
        raise AdminError("to", "choose another worker to take them")
    forms = _hand_over(session, worker, heir)
    return Left(_row(session, worker), (), forms,
                f"{heir.name} ({heir.username})" if forms else "")


def _hand_over(session: Session, worker: Worker, heir: Worker) -> tuple[HandedForm, ...]:
    handed = drafts.hand_over_forms(session, worker.username, heir.username)
    names = {c.id: f"{c.first_name} {c.last_name} ({c.reference})" for c in (
        session.get(Child, h.child_id) for h in handed if h.child_id) if c is not None}
    return tuple(HandedForm(h.form, names.get(h.child_id, ""), h.started_at) for h in handed)


def _working_here(session: Session, username: str | None, leaver: Worker) -> Worker | None:
    """The worker `username`, if still working here (who can open the forms)."""
    if not username or username == leaver.username:
        return None
    found = session.exec(select(Worker).where(Worker.username == username)).first()
    return found if found is not None and found.active else None


def _team_manager(session: Session, worker: Worker) -> Worker | None:
    """The worker's team's manager, if another, still here."""
    team = session.get(Team, worker.team_id) if worker.team_id else None
    manager = session.get(Worker, team.manager_id) if team and team.manager_id else None
    if manager is None or not manager.active or manager.id == worker.id:
        return None
    return manager


# ---------------------------------------------------------------- reallocation


@dataclass(frozen=True)
class Moved:
    reference: str
    name: str
    from_worker: str  # a name, "" when the child had no worker
    to_worker: str
    team: str

    def as_json(self) -> dict:
        return {"reference": self.reference, "name": self.name,
                "from": self.from_worker or None, "to": self.to_worker,
                "team": self.team or None}


@dataclass(frozen=True)
class ReallocationInput:
    children: tuple[str | uuid.UUID, ...]  # references, names or ids
    to: str  # a username or name
    on: date
    by: str  # who reallocates: a manager's username or name
    reason: str = ""


def decider(session: Session, by: str) -> Worker:
    """Who takes a manager's step: an active team or service manager, else refused naming
    the role needed and theirs."""
    try:
        worker = cases.find_worker(session, by)
    except cases.CaseworkError:
        worker = None
    cases.check_self(session, worker.username if worker else "", by)
    if worker is not None and not worker.active:
        raise AdminError("by", f"{worker.username} left on {day_words(worker.left_on)}")
    refusal = rules.needs_role(worker.username if worker else by.strip(),
                               worker.role if worker else "", rules.MANAGER_ROLES)
    if refusal is not None:
        raise AdminError("by", f"reallocating a child {refusal}")
    return worker


def _children(session: Session, wanted: Iterable[str | uuid.UUID]) -> list[Child]:
    found: dict[uuid.UUID, Child] = {}
    for item in wanted:
        child = (session.get(Child, item) if isinstance(item, uuid.UUID)
                 else cases.find_child(session, item))
        if child is None:
            raise AdminError("child", "no such child on this store")
        found.setdefault(child.id, child)
    if not found:
        raise AdminError("child", "choose at least one child to reallocate")
    return list(found.values())


def reallocate(session: Session, new: ReallocationInput, *, today: date) -> list[Moved]:
    """Move each child to the worker `to` on `on` (all or none: every child is checked
    before anything is written). Each move is a `reallocation` row, in the chronology;
    the child's team (and service) follow the new worker's."""
    by = decider(session, new.by)
    to = _worker(session, new.to, "to")
    _raise(rules.check_receiver(to.username, to.role, to.active))
    children = _children(session, new.children)
    for child in children:
        if child.status not in OPEN_STATUSES:
            raise AdminError("child", f"{child.reference} {child.full_name}: the case is "
                             "closed; only open children are reallocated")
        episode = cases.current_episode(session, child.id)
        problems = rules.check_reallocation(
            new.on, today, referral=episode.referral_date if episode else None,
            same_worker=child.worker_id == to.id, to=to.username)
        if problems:
            raise AdminError(problems[0].field, f"{child.reference} {child.full_name}: "
                             f"{problems[0].message}")
    team = session.get(Team, to.team_id) if to.team_id else None
    names = {w.id: w.name for w in session.exec(select(Worker).where(col(Worker.id).in_(
        [c.worker_id for c in children if c.worker_id]))).all()}
    moved = []
    for child in children:
        session.add(Reallocation(child_id=child.id, from_worker_id=child.worker_id,
                                 to_worker_id=to.id, reallocated_on=new.on,
                                 by=by.name[:200], reason=new.reason.strip()))
        moved.append(Moved(child.reference, child.full_name, names.get(child.worker_id, ""),
                           to.name, team.name if team else ""))
        child.worker_id = to.id
        if team is not None:
            child.team_id = team.id
            child.service = team.service or child.service
        session.add(child)
    session.flush()
    return moved


# ---------------------------------------------------------------- restricted children


@dataclass(frozen=True)
class Restriction:
    reference: str
    name: str
    workers: tuple[str, ...]  # usernames; () when the child is not restricted

    def as_json(self) -> dict:
        return {"reference": self.reference, "name": self.name,
                "restricted": bool(self.workers), "workers": list(self.workers)}


def restriction(session: Session, child_id: uuid.UUID) -> tuple[str, ...]:
    """The usernames a child is restricted to; () when it is not restricted."""
    return tuple(session.exec(select(Worker.username).join(
        ChildAccess, col(ChildAccess.worker_id) == col(Worker.id)).where(
        ChildAccess.child_id == child_id).order_by(Worker.username)).all())


def restrict(session: Session, child: str | uuid.UUID, workers: Iterable[str], *,
             by: str) -> Restriction:
    """A manager restricts a child to named workers (a staff member's relative, a
    high-profile family): on a team server no one else sees the child's record, nor
    anything linked to it (row-level security). The manager who sets it and the child's
    allocated worker are always among them. No workers: the restriction is lifted."""
    who = decider_for(session, by, "restricting a child's record")
    found = _children(session, [child])[0]
    wanted: dict[uuid.UUID, Worker] = {who.id: who}
    for text in workers:
        if text.strip():
            w = _worker(session, text, "to")
            if not w.active:
                raise AdminError("to", f"{w.username} left on {day_words(w.left_on)}")
            wanted.setdefault(w.id, w)
    lifting = len(wanted) == 1 and not any(t.strip() for t in workers)
    if not lifting and found.worker_id is not None:
        allocated = session.get(Worker, found.worker_id)
        if allocated is not None:
            wanted.setdefault(allocated.id, allocated)
    rows = list(session.exec(select(ChildAccess).where(ChildAccess.child_id == found.id)).all())
    have = {r.worker_id: r for r in rows}
    # On a team server a row naming the manager goes in first and out last: in between,
    # the child stays visible to them (row-level security checks each statement).
    if not lifting:
        for w in wanted.values():
            if w.id not in have:
                session.add(ChildAccess(child_id=found.id, worker_id=w.id))
                session.flush()
    keep = set() if lifting else set(wanted)
    for r in rows:
        if r.worker_id not in keep and r.worker_id != who.id:
            session.delete(r)
    session.flush()
    if lifting and who.id in have:
        session.delete(have[who.id])
        session.flush()
    return Restriction(found.reference, found.full_name, restriction(session, found.id))


def decider_for(session: Session, by: str, what: str) -> Worker:
    """`decider`, naming the step in the refusal."""
    try:
        return decider(session, by)
    except AdminError as exc:
        raise AdminError(exc.field, exc.problem.replace("reallocating a child", what)) from None


def note_keeping(session: Session, key: str, value: str) -> None:
    """Record a keeper's step (`PASSPHRASE_CHANGED`, `RESTORED_FROM`) in the store's
    settings: audited as any change of a setting."""
    if key not in (PASSPHRASE_CHANGED, RESTORED_FROM):
        raise AdminError("key", f"{key!r} is not a keeper's step")
    meta = session.get(StoreMeta, key)
    if meta is None:
        session.add(StoreMeta(key=key, value=value))
    else:
        meta.value = value
        session.add(meta)


__all__ = [
    "PASSPHRASE_CHANGED", "RESTORED_FROM", "note_keeping",
    "Restriction", "decider_for", "restrict", "restriction",
    "AdminError", "AuthorityInfo", "Left", "Moved", "ReallocationInput", "TeamInput",
    "TeamRow", "WorkerInput", "WorkerRow", "add_team", "add_worker", "authority",
    "managed_teams",
    "decider", "edit_team", "edit_worker", "leave", "list_teams", "list_workers",
    "open_children", "policy_choices", "reallocate", "role_code", "set_authority",
]
