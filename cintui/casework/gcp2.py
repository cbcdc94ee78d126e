"""Graded Care Profile 2 in the store (STO 4.3, 6.11, 7.1; TRA): record one (the date, the
assessor, a grade per area, the worker's summary), attached to needs of the CIN plan in
force, and read the child's GCP2s with each area's grades over time. Only the grades and
the worker's words are kept: the scale's text is licensed.

Each write runs inside the caller's `Store.session(actor)`, so it is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from cintui.casework import cases, plans
from cintui.domain import gcp2 as rules
from cintui.domain.gcp2 import Gcp2Fact
from cintui.store import models as m


class Gcp2Error(cases.CaseworkError):
    """A GCP2 that cannot be recorded, in a worker's words (field, problem)."""


@dataclass(frozen=True)
class Gcp2View:
    child: str
    reference: str
    facts: list[Gcp2Fact] = field(default_factory=list)  # oldest first
    history: list[tuple[str, list[tuple[date, int]]]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # the plan in force's needs, numbered 1…


def _plan_needs(session: Session, child_id: uuid.UUID):
    plan = plans.current_plan(session, child_id)
    if plan is None and (draft := plans.draft_version_id(session, child_id)):
        plan = plans.load_version(session, draft)
    return list(plan.needs) if plan else []


def facts(session: Session, child_id: uuid.UUID) -> list[Gcp2Fact]:
    rows = session.exec(select(m.Gcp2Assessment).where(m.Gcp2Assessment.child_id == child_id)
                        .order_by(m.Gcp2Assessment.assessed_on,
                                  m.Gcp2Assessment.created_at)).all()
    links: dict[uuid.UUID, list[m.Gcp2Need]] = {}
    for link in session.exec(select(m.Gcp2Need).where(m.Gcp2Need.child_id == child_id)
                             .order_by(col(m.Gcp2Need.created_at))).all():
        links.setdefault(link.gcp2_id, []).append(link)
    return [Gcp2Fact(r.assessed_on, r.assessor,
                     tuple((a, getattr(r, a)) for a in rules.AREAS), r.summary,
                     tuple(n.need_text for n in links.get(r.id, ())),
                     tuple(n.need_key for n in links.get(r.id, ())), r.recorded_by,
                     ref=str(r.id)) for r in rows]


def record(session: Session, child_id: uuid.UUID, *, on: date | None, assessor: str,
           grades: Mapping[str, int | None], summary: str, needs: Iterable[int] = (),
           recorded_by: str, today: date) -> tuple[m.Gcp2Assessment, list[str]]:
    """Record a GCP2, attached to needs of the plan in force by their numbers (1 first).
    Returns the row and any warnings (a poor grade attached to no need)."""
    episode = cases.require_episode(session, child_id, Gcp2Error)
    in_plan = _plan_needs(session, child_id)
    needs = list(needs)
    # TRA, BEX 3: no assessment of care on a closed case
    cases.require_open_on(session, child_id, on, "a GCP2 assessment", Gcp2Error, "on")
    problems = rules.check_gcp2(on, today, episode.referral_date, assessor, grades, summary,
                                needs, len(in_plan))
    if problems:
        raise Gcp2Error(*problems[0])
    row = m.Gcp2Assessment(child_id=child_id, episode_id=episode.id, assessed_on=on,
                           assessor=" ".join(assessor.split())[:200],
                           summary=summary.strip(), recorded_by=recorded_by.strip()[:200],
                           **{a: grades[a] for a in rules.AREAS})
    session.add(row)
    for n in needs:
        need = in_plan[n - 1]
        session.add(m.Gcp2Need(gcp2_id=row.id, child_id=child_id, need_key=need.key,
                               need_text=need.now))
    session.flush()
    return row, rules.unattached_concerns(grades, needs)


def view(session: Session, child_id: uuid.UUID) -> Gcp2View:
    child = cases.require_child(session, child_id, Gcp2Error)
    found = facts(session, child_id)
    return Gcp2View(child=f"{child.first_name} {child.last_name}".strip(),
                    reference=child.reference, facts=found,
                    history=rules.grade_history(found),
                    needs=[n.now for n in _plan_needs(session, child_id)])


def chronology(session: Session, child_id: uuid.UUID):
    """The chronology's entries: each GCP2 with its grades (STO 4.3, 6.11, 7.1)."""
    return rules.chronology_entries(facts(session, child_id))
