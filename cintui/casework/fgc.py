"""Family Group Conferences in the store (WAR 4.2, 9.3; STO 6.13, 7.5): the referral to the
FGC service, then the conference held (the family's own plan, its actions joined to the
child's CIN plan as one need of the draft: BEX 2 "one coordinated plan") or declined.

Each write runs inside the caller's `Store.session(actor)`, so it is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from sqlmodel import Session, col, select

from cintui.casework import cases, plans
from cintui.domain import fgc as rules
from cintui.domain.fgc import FgcFact
from cintui.domain.plan import PlanAction
from cintui.store import models as m


class FgcError(cases.CaseworkError):
    """An FGC step that cannot be recorded, in a worker's words (field, problem)."""


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise FgcError(*problems[0])


def _rows(session: Session, child_id: uuid.UUID) -> list[m.FamilyGroupConference]:
    return list(session.exec(
        select(m.FamilyGroupConference).where(m.FamilyGroupConference.child_id == child_id)
        .order_by(col(m.FamilyGroupConference.referred_on),
                  col(m.FamilyGroupConference.created_at))).all())


def _fact(session: Session, row: m.FamilyGroupConference) -> FgcFact:
    version = session.get(m.PlanVersion, row.plan_version_id) if row.plan_version_id else None
    return FgcFact(row.referred_on, row.status, row.referred_by, row.coordinator, row.held_on,
                   row.declined_on, row.family_plan, row.reason,
                   version.number if version else None, ref=str(row.id))


def facts(session: Session, child_id: uuid.UUID) -> list[FgcFact]:
    """The child's FGCs, oldest referral first."""
    return [_fact(session, r) for r in _rows(session, child_id)]


def _open(session: Session, child_id: uuid.UUID) -> m.FamilyGroupConference | None:
    return next((r for r in reversed(_rows(session, child_id)) if r.status == "referred"),
                None)


def refer(session: Session, child_id: uuid.UUID, *, on: date | None, by: str,
          coordinator: str, today: date) -> m.FamilyGroupConference:
    """WAR 4.2, STO 7.5: the child's family referred to the FGC service."""
    episode = cases.require_episode(session, child_id, FgcError)
    current = _open(session, child_id)
    cases.require_open_on(session, child_id, on, "a referral to a Family Group Conference",
                          FgcError, "on")
    _raise(rules.check_referral(on, today, episode.referral_date,
                                _fact(session, current) if current else None))
    row = m.FamilyGroupConference(child_id=child_id, episode_id=episode.id, referred_on=on,
                                  referred_by=by.strip()[:200],
                                  coordinator=coordinator.strip()[:200])
    session.add(row)
    session.flush()
    return row


def edit_referral(session: Session, child_id: uuid.UUID, *, on: date | None = None,
                  coordinator: str | None = None, today: date) -> m.FamilyGroupConference:
    """The referral waiting, changed: its coordinator, once the FGC service names one (a
    referral is often made before), or its date put right. None: left as it is."""
    row = _referred(session, child_id)
    episode = cases.require_episode(session, child_id, FgcError)
    day = row.referred_on if on is None else on
    _raise(rules.check_referral(day, today, episode.referral_date, None))
    row.referred_on = day
    if coordinator is not None:
        row.coordinator = coordinator.strip()[:200]
    session.add(row)
    session.flush()
    return row


def _referred(session: Session, child_id: uuid.UUID) -> m.FamilyGroupConference:
    cases.require_child(session, child_id, FgcError)
    row = _open(session, child_id)
    if row is None:
        raise FgcError("child", "no FGC referral waiting: refer the family first")
    return row


def record_held(session: Session, child_id: uuid.UUID, *, held_on: date | None,
                family_plan: str, actions: tuple[PlanAction, ...], today: date,
                by: str = "") -> tuple[m.FamilyGroupConference, int]:
    """The conference held: the family's plan recorded, its actions joined to the CIN
    plan's draft (started from the plan in force when there is none) as one need (BEX 2).
    Returns the row and the draft's version number; the draft is agreed as any other."""
    row = _referred(session, child_id)
    cases.require_open_on(session, child_id, held_on, "a Family Group Conference held",
                          FgcError, "on")
    _raise(rules.check_held(held_on, row.referred_on, today, family_plan, actions))
    try:
        draft_id = plans.start_version(session, child_id, today, by=by)
    except cases.CaseworkError as exc:
        raise FgcError("plan", f"the family's plan joins the CIN plan: {exc.problem}") \
            from None
    version = plans.load_version(session, draft_id)
    need = rules.family_plan_need(held_on, family_plan, actions)
    plans.save_draft(session, draft_id, replace(version, needs=(*version.needs, need)),
                     today, by=by)
    row.status, row.held_on = "held", held_on
    row.family_plan, row.plan_version_id = family_plan.strip(), draft_id
    session.add(row)
    session.flush()
    return row, version.number


def record_declined(session: Session, child_id: uuid.UUID, *, on: date | None, reason: str,
                    today: date) -> m.FamilyGroupConference:
    row = _referred(session, child_id)
    _raise(rules.check_declined(on, row.referred_on, today, reason))
    row.status, row.declined_on, row.reason = "declined", on, reason.strip()
    session.add(row)
    session.flush()
    return row
