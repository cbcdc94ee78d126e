"""Supervision and case direction in the store (STO 4.5, 8.5; WAR 12): a manager records a
supervision of the child's case (who was there, the discussion, the decisions, actions with
an owner and a date, the next supervision due); the actions join the worker's due list
(`cintui due`, My week), and the team view shows children overdue supervision.

Each write runs inside the caller's `Store.session(actor)`, so it is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from cintui.casework import cases
from cintui.domain import supervision as rules
from cintui.domain.supervision import SupervisionAction, SupervisionDue, SupervisionFact
from cintui.store import models as m


class SupervisionError(cases.CaseworkError):
    """A supervision that cannot be recorded, in a manager's words (field, problem)."""


@dataclass(frozen=True)
class NewSupervision:
    held_on: date | None
    present: str
    discussion: str
    decisions: str
    actions: tuple[SupervisionAction, ...] = ()
    next_due: date | None = None
    by: str | None = None  # the manager's username or name; None: the app's worker


@dataclass(frozen=True)
class SupervisionView:
    """What the supervision screen and `cintui supervision list` show for one child."""

    child: str
    reference: str
    worker: str
    facts: list[SupervisionFact] = field(default_factory=list)  # newest first
    due: SupervisionDue | None = None
    policy: str = ""  # "every 4 weeks (England default …)"


def _manager(session: Session, text: str | None, actor: str) -> m.Worker | None:
    if text:
        try:
            return cases.find_worker(session, text)
        except cases.CaseworkError as exc:
            raise SupervisionError("by", exc.problem) from None
    return session.exec(select(m.Worker).where(m.Worker.username == actor)).first()


def _start(episode: m.Episode | None) -> date | None:
    if episode is None or episode.closure_date is not None:
        return None
    return episode.cin_plan_start or episode.referral_date


def record_supervision(session: Session, child_id: uuid.UUID, new: NewSupervision, *,
                       actor: str, today: date) -> m.Supervision:
    """Record one supervision; refused (the first problem, with its field) unless a team
    or service manager records it and every field is right."""
    episode, manager = _checked(session, child_id, new, actor=actor, today=today)
    return _write(session, child_id, episode, manager, new)


class SessionError(SupervisionError):
    """A supervision session covering several children refused: which child (its
    reference; "" for the session itself), the field and the problem."""

    def __init__(self, reference: str, field: str, problem: str) -> None:
        self.reference = reference
        super().__init__(field, problem)


def record_session(session: Session, entries: list[tuple[uuid.UUID, NewSupervision]], *,
                   actor: str, today: date) -> list[m.Supervision]:
    """One supervision session covering several of a worker's children (STO 4.5, 8.5): each
    child's record keeps its own supervision (its own discussion, decisions and actions), so
    each child's next supervision clock moves on. All or none: every child is checked before
    anything is written, and the first problem refuses the lot, naming the child."""
    if not entries:
        raise SessionError("", "child", "choose at least one child")
    seen: set[uuid.UUID] = set()
    checked = []
    for child_id, new in entries:
        child = cases.require_child(session, child_id, SupervisionError)
        if child_id in seen:
            raise SessionError(child.reference, "child", "chosen twice: one supervision "
                               "of each child's case a session")
        seen.add(child_id)
        try:
            episode, manager = _checked(session, child_id, new, actor=actor, today=today)
        except SupervisionError as exc:
            raise SessionError(child.reference, exc.field, exc.problem) from None
        checked.append((child_id, episode, manager, new))
    return [_write(session, *c) for c in checked]


def _checked(session: Session, child_id: uuid.UUID, new: NewSupervision, *, actor: str,
             today: date) -> tuple[m.Episode, m.Worker]:
    cases.require_child(session, child_id, SupervisionError)
    episode = cases.require_episode(session, child_id, SupervisionError)
    # TRA, BEX 3: a closed case is not supervised
    cases.require_open_on(session, child_id, new.held_on, "a supervision", SupervisionError,
                          "on")
    manager = _manager(session, new.by, actor)
    policy = cases.store_policy(session)
    problems = rules.check_supervision(
        manager=manager.username if manager else (new.by or actor),
        manager_role=manager.role if manager else "", held_on=new.held_on,
        present=new.present, discussion=new.discussion, decisions=new.decisions,
        actions=new.actions, next_due=new.next_due, today=today,
        referral=episode.referral_date, timescale=policy.timescale("supervision"))
    if problems:
        raise SupervisionError(problems[0].field, problems[0].message)
    assert manager is not None  # check_supervision refuses a manager not on the store
    return episode, manager


def _write(session: Session, child_id: uuid.UUID, episode: m.Episode, manager: m.Worker,
           new: NewSupervision) -> m.Supervision:
    row = m.Supervision(child_id=child_id, episode_id=episode.id, held_on=new.held_on,
                        manager_id=manager.id, manager=manager.name,
                        present=new.present.strip(), discussion=new.discussion.strip(),
                        decisions=new.decisions.strip(), next_due=new.next_due)
    session.add(row)
    for i, a in enumerate(new.actions):
        session.add(m.SupervisionAction(supervision_id=row.id, child_id=child_id, position=i,
                                        what=a.what.strip(), who=a.who.strip(),
                                        by_when=a.by_when, status=a.status))
    session.flush()
    return row


def facts(session: Session, child_id: uuid.UUID) -> list[SupervisionFact]:
    """Every supervision of the child's case, newest first, with its actions."""
    rows = session.exec(select(m.Supervision).where(m.Supervision.child_id == child_id)
                        .order_by(col(m.Supervision.held_on).desc(),
                                  col(m.Supervision.created_at).desc())).all()
    actions: dict[uuid.UUID, list[SupervisionAction]] = {}
    for a in session.exec(select(m.SupervisionAction)
                          .where(m.SupervisionAction.child_id == child_id)
                          .order_by(m.SupervisionAction.position)).all():
        actions.setdefault(a.supervision_id, []).append(
            SupervisionAction(a.what, a.who, a.by_when, a.status, ref=str(a.id)))
    return [SupervisionFact(r.held_on, r.manager, r.present, r.discussion, r.decisions,
                            tuple(actions.get(r.id, ())), r.next_due, ref=str(r.id))
            for r in rows]


def due(session: Session, child_id: uuid.UUID, today: date) -> SupervisionDue | None:
    """When the child's case is next due supervision (None: closed, or no referral)."""
    policy = cases.store_policy(session)
    episode = cases.current_episode(session, child_id)
    # A supervision of an earlier episode (or at another authority, BEX 4) does not count.
    since = episode.referral_date if episode else None
    mine = [f for f in facts(session, child_id) if since is None or f.held_on >= since]
    return rules.supervision_due(rules.latest(mine), _start(episode),
                                 policy.timescale("supervision"), today,
                                 due_soon_working_days=policy.due_soon_working_days,
                                 recorded_from=episode.recorded_from if episode else None)


def view(session: Session, child_id: uuid.UUID, today: date) -> SupervisionView:
    child = cases.require_child(session, child_id, SupervisionError)
    worker = session.get(m.Worker, child.worker_id) if child.worker_id else None
    ts = cases.store_policy(session).timescale("supervision")
    return SupervisionView(
        child=f"{child.first_name} {child.last_name}".strip(), reference=child.reference,
        worker=worker.name if worker else "", facts=facts(session, child_id),
        due=due(session, child_id, today), policy=f"every {ts.describe()} ({ts.source})")


def set_action_status(session: Session, child_id: uuid.UUID, number: int,
                      status: str) -> m.SupervisionAction:
    """The status of an open supervision action, by its number in `open_actions` (1 first)."""
    if status not in rules.ACTION_STATUSES:
        raise SupervisionError("status", f"{status!r} is not one of: "
                               + ", ".join(rules.ACTION_STATUSES))
    rows = open_action_rows(session, child_id)
    if not 1 <= number <= len(rows):
        raise SupervisionError("action", f"no open supervision action {number}: the child "
                               f"has {len(rows)}")
    row = rows[number - 1]
    row.status = status
    session.add(row)
    session.flush()
    return row


def set_action_statuses(session: Session, child_id: uuid.UUID,
                        changes: dict[str, str]) -> list[m.SupervisionAction]:
    """Several open actions' statuses at once, by their `ref` (the app's `a`: each action
    is ticked where it is read, so none is found by a number that moves as others are
    done). All or none: a status not known, or an action not open on this child, refuses."""
    open_rows = {str(r.id): r for r in open_action_rows(session, child_id)}
    for ref, status in changes.items():
        if status not in rules.ACTION_STATUSES:
            raise SupervisionError("status", f"{status!r} is not one of: "
                                   + ", ".join(rules.ACTION_STATUSES))
        if ref not in open_rows:
            raise SupervisionError("action", "that supervision action is not open on this "
                                   "child's record any more (done, or changed elsewhere)")
    changed = []
    for ref, status in changes.items():
        row = open_rows[ref]
        if row.status != status:
            row.status = status
            session.add(row)
            changed.append(row)
    session.flush()
    return changed


def open_action_rows(session: Session, child_id: uuid.UUID) -> list[m.SupervisionAction]:
    """The child's supervision actions not yet done, oldest supervision first."""
    return list(session.exec(
        select(m.SupervisionAction)
        .join(m.Supervision, m.Supervision.id == m.SupervisionAction.supervision_id)
        .where(m.SupervisionAction.child_id == child_id,
               col(m.SupervisionAction.status).in_(rules.OPEN_STATUSES))
        .order_by(m.Supervision.held_on, m.Supervision.created_at,
                  m.SupervisionAction.position)).all())
