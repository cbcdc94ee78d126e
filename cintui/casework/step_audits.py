"""STO 7.13: each month, the cases that stepped down to early help or stepped up from it,
audited for learning. The month's cases in two queries whatever the store's size; an audit
is a quality check (`quality_check`, kind "step_audit") on the episode that stepped."""

from __future__ import annotations

import uuid
from datetime import date

from cintui.casework.lookup import rows_from, uuid_text
from cintui.domain.oversight import (
    STEP_AUDIT,
    QualityCheckFact,
    StepAuditCase,
    check_step_audit,
)

_SCOPE = {None: "1 = 1", "team": "c.team_id = (SELECT id FROM team WHERE name = :team)"}
# A step-down to early help: a WIR 3 step-down completed, or a closure to early help after
# the assessment (RC9) or with unmet need stepped down (STO 3.3), as the reports count them.
_STEPPED = """
SELECT e.id, c.id, c.reference, c.first_name, c.last_name, w.name, e.referral_route,
       e.referral_date, COALESCE(e.step_down_completed, e.closure_date),
       (e.step_down_completed IS NOT NULL OR e.closure_reason = 'RC9'
        OR e.unmet_need_stepped_down)
FROM episode AS e JOIN child AS c ON c.id = e.child_id
LEFT JOIN worker AS w ON w.id = c.worker_id
WHERE {scope} AND {child}
  AND ((e.referral_route = 'early_help_step_up' AND e.referral_date BETWEEN :start AND :end)
       OR (COALESCE(e.step_down_completed, e.closure_date) BETWEEN :start AND :end
           AND (e.step_down_completed IS NOT NULL OR e.closure_reason = 'RC9'
                OR e.unmet_need_stepped_down)))
"""
_AUDITS = """
SELECT q.episode_id, q.held_on, q.facilitator, q.needs_met, q.findings
FROM quality_check AS q JOIN child AS c ON c.id = q.child_id
WHERE q.kind = 'step_audit' AND {scope}
ORDER BY q.held_on
"""


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def month_cases(source, start: date, end: date, *, team: str | None = None,
                reference: str | None = None) -> list[StepAuditCase]:
    """The cases that stepped down or up between `start` and `end`, with their audits:
    not yet audited first, then by the day they stepped."""
    rows = rows_from(source)
    scope = _SCOPE["team" if team else None]
    child = "c.reference = :reference" if reference else "1 = 1"
    params = {"start": start.isoformat(), "end": end.isoformat(), "team": team or "",
              "reference": reference or ""}
    audits: dict = {}
    for episode, held, by, right, learning in rows(_AUDITS.format(scope=scope), params):
        audits[episode] = (QualityCheckFact(STEP_AUDIT, _day(held), by or "",
                                            None if right is None else bool(right)), learning)
    out = []
    for (episode, cid, ref, first, last, worker, route, referred, ended,
         down) in rows(_STEPPED.format(scope=scope, child=child), params):
        audit, learning = audits.get(episode, (None, ""))
        steps = []
        if route == "early_help_step_up" and start <= _day(referred) <= end:
            steps.append(("up", _day(referred)))
        if down and ended is not None and start <= _day(ended) <= end:
            steps.append(("down", _day(ended)))
        for direction, on in steps:
            out.append(StepAuditCase(
                uuid_text(episode), uuid_text(cid), ref, f"{first} {last}".strip(),
                worker or "", direction, on, audit, learning or ""))
    out.sort(key=lambda c: (c.audited, c.stepped_on, c.name.lower()))
    return out


def month_to_audit(source, today: date, *, team: str | None = None, back: int = 2) -> date:
    """The first day of the month to open on: the newest of this month and the `back`
    before it with a case not yet audited (at the start of a month, last month's audits are
    the work), else this month."""
    from cintui.domain.calendar import add_months
    from cintui.domain.oversight import month_of

    this = date(today.year, today.month, 1)
    for step in range(back + 1):
        first = add_months(this, -step)
        start, end = month_of(f"{first:%Y-%m}", today)
        if any(not c.audited for c in month_cases(source, start, end, team=team)):
            return first
    return this


def auditor(source, username: str | None) -> str:
    """Who audits, as the form offers it: the worker at the keyboard, "Name (Role)"."""
    from cintui.domain.roles import role_label

    found = rows_from(source)("SELECT name, role FROM worker WHERE username = :u",
                              {"u": username or ""}) if username else []
    return f"{found[0][0]} ({role_label(found[0][1])})" if found else ""


class StepAuditError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field, self.problem = field, problem


def record_step_audit(session, episode_id: uuid.UUID | str, *, held_on: date | None, auditor: str,
                      learning: str, step_was_right: bool | None, today: date,
                      stepped_on: date | None, recorded_by: str = ""):
    """STO 7.13: the audit of one case that stepped (its episode), with what was learned."""
    from sqlmodel import select

    from cintui.store.models import Episode, QualityCheck, Worker

    problems = check_step_audit(held_on, auditor, learning, today, stepped_on)
    if problems:
        raise StepAuditError(*problems[0])
    episode = session.get(Episode, uuid.UUID(str(episode_id)))
    if episode is None:
        raise StepAuditError("episode", "no such episode on this store")
    by = session.exec(select(Worker).where(Worker.username == recorded_by)).first() \
        if recorded_by else None
    row = QualityCheck(child_id=episode.child_id, episode_id=episode.id, kind=STEP_AUDIT,
                       held_on=held_on, facilitator=auditor.strip()[:200],
                       needs_met=step_was_right, findings=learning.strip(),
                       recorded_by_id=by.id if by else None)
    session.add(row)
    session.flush()
    return row
