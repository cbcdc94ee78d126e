"""Recording child protection facts on a child in need's current episode (Working Together
2023; DOMAIN.md §3, BEX 3): a strategy discussion and its outcome, the section 47 enquiry,
and the initial child protection conference or that none was needed. The enquiry's ICPC
target is the policy's `icpc` clock from the strategy discussion unless the worker gives
another. Rules in `cintui.domain.child_protection`; the census return reads these rows as
its Section47 modules (`casework.census`)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, col, select

from cintui.casework import cases
from cintui.domain import child_protection as rules
from cintui.domain.calendar import england_calendar
from cintui.domain.timescales import due_date
from cintui.store.models import ChildProtectionEnquiry

InvalidChildProtection = rules.InvalidChildProtection


def fact(row: ChildProtectionEnquiry) -> rules.Enquiry:
    return rules.Enquiry(row.strategy_on, row.strategy_outcome, row.s47_started,
                         row.icpc_target, row.s47_outcome, row.s47_concluded, row.icpc_held)


def enquiries(session: Session, child_id: uuid.UUID) -> list[ChildProtectionEnquiry]:
    """Every strategy discussion on the child's record, oldest first."""
    return list(session.exec(select(ChildProtectionEnquiry)
                             .where(ChildProtectionEnquiry.child_id == child_id)
                             .order_by(col(ChildProtectionEnquiry.strategy_on),
                                       col(ChildProtectionEnquiry.created_at))))


def current_facts(session: Session, child_id: uuid.UUID) -> list[rules.Enquiry]:
    """The strategy discussions on the child's current episode and what followed each,
    oldest first (the case steps screen lists them; the last is what is recorded next)."""
    episode = cases.current_episode(session, child_id)
    return [fact(r) for r in enquiries(session, child_id)
            if episode and r.episode_id == episode.id]


def _latest(session: Session, child_id: uuid.UUID) -> ChildProtectionEnquiry | None:
    episode = cases.current_episode(session, child_id)
    rows = [r for r in enquiries(session, child_id) if episode and r.episode_id == episode.id]
    return rows[-1] if rows else None


def record_strategy(session: Session, child_id: uuid.UUID, on: date, outcome: str, *,
                    notes: str = "", recorded_by: str = "",
                    today: date) -> ChildProtectionEnquiry:
    """A strategy discussion held on `on` that decided a section 47 enquiry (`s47`) or
    not (`no_s47`), on the child's current episode."""
    episode = cases.require_episode(session, child_id, InvalidChildProtection)
    latest = _latest(session, child_id)
    rules.check_strategy(on, outcome, episode.referral_date, episode.closure_date, today,
                         fact(latest) if latest else None)
    row = ChildProtectionEnquiry(child_id=child_id, episode_id=episode.id, strategy_on=on,
                                 strategy_outcome=outcome, strategy_notes=notes.strip(),
                                 recorded_by=recorded_by[:200])
    session.add(row)
    session.flush()
    return row


def icpc_due(session: Session, strategy_on: date) -> date:
    """The policy's `icpc` clock from the strategy discussion (Working Together 2023: 15
    working days)."""
    profile = cases.store_policy(session)
    return due_date(strategy_on, profile.timescale("icpc"), england_calendar())


def start_s47(session: Session, child_id: uuid.UUID, started: date, *, today: date,
              target: date | None = None) -> ChildProtectionEnquiry:
    """The section 47 enquiry the latest strategy discussion decided starts on `started`;
    its ICPC target is `target`, or the policy's clock from the discussion."""
    row = _latest(session, child_id)
    rules.check_s47_start(fact(row) if row else None, started, today)
    assert row is not None  # checked above
    due = target or icpc_due(session, row.strategy_on)
    rules.check_icpc_target(fact(row), due)
    row.s47_started, row.icpc_target = started, due
    session.add(row)
    session.flush()
    return row


def record_outcome(session: Session, child_id: uuid.UUID, outcome: str, on: date, *,
                   today: date) -> ChildProtectionEnquiry:
    """The enquiry's outcome on `on`: the ICPC held (`icpc`) or no conference needed
    (`no_icpc`)."""
    row = _latest(session, child_id)
    rules.check_outcome(fact(row) if row else None, outcome, on, today)
    assert row is not None
    row.s47_outcome, row.s47_concluded = outcome, on
    row.icpc_held = on if outcome == "icpc" else None
    session.add(row)
    session.flush()
    return row


def set_target(session: Session, child_id: uuid.UUID, target: date) -> ChildProtectionEnquiry:
    """Change the ICPC target date of the enquiry in progress."""
    row = _latest(session, child_id)
    if row is None or row.s47_started is None:
        raise InvalidChildProtection("child", "no section 47 enquiry has started")
    rules.check_icpc_target(fact(row), target)
    row.icpc_target = target
    session.add(row)
    session.flush()
    return row
