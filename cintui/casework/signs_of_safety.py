"""Signs of Safety mapping in the store (STO 6.3): the child's CIN plan read as "what are we
worried about / what's working well / what needs to happen", with the danger statements,
safety goals and scalings recorded beside it (at a meeting or not), and each person's
scalings over time.

Each write runs inside the caller's `Store.session(actor)`, so it is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from cintui.casework import cases, plans
from cintui.domain import signs_of_safety as rules
from cintui.domain.dates import day_words
from cintui.domain.meeting import KIND_LABELS
from cintui.domain.signs_of_safety import SafetyMap, Scaling, Statement
from cintui.store import models as m


class SafetyError(cases.CaseworkError):
    """A Signs of Safety record that cannot be made, in a worker's words (field, problem)."""


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise SafetyError(*problems[0])


@dataclass(frozen=True)
class ScoreEntry:
    """One person's score in a round of scaling."""

    who: str
    role: str
    score: int | None
    why: str = ""


@dataclass(frozen=True)
class MeetingChoice:
    id: uuid.UUID
    held_on: date
    label: str  # "CIN review meeting 20 Nov 2026"


@dataclass(frozen=True)
class SafetyView:
    """What the Signs of Safety screen and `cintui sos show` show for one child."""

    child: str
    reference: str
    map: SafetyMap
    statements: list[Statement] = field(default_factory=list)  # oldest first
    history: list[tuple[str, str, list[Scaling]]] = field(default_factory=list)


def _label(row: m.Meeting) -> str:
    return f"{KIND_LABELS.get(row.kind, 'meeting')} {day_words(row.held_on)}"


def meeting_choices(session: Session, child_id: uuid.UUID, today: date) -> list[MeetingChoice]:
    """The child's meetings a scaling or statement can be recorded at: not cancelled, not
    in the future; newest first."""
    rows = session.exec(select(m.Meeting).where(m.Meeting.child_id == child_id,
                                                m.Meeting.status != "cancelled",
                                                m.Meeting.held_on <= today)
                        .order_by(col(m.Meeting.held_on).desc(), col(m.Meeting.created_at).desc())).all()
    return [MeetingChoice(r.id, r.held_on, _label(r)) for r in rows]


def meeting_on(session: Session, child_id: uuid.UUID, on: date, today: date) -> uuid.UUID:
    """The child's meeting on `on` (for `--meeting DATE`), else SafetyError."""
    found = [c for c in meeting_choices(session, child_id, today) if c.held_on == on]
    if not found:
        raise SafetyError("meeting", f"no meeting of the child's on {day_words(on)} (not "
                                     "cancelled, not in the future)")
    return found[0].id


def _meeting(session: Session, child_id: uuid.UUID, meeting_id: uuid.UUID | None,
             on: date | None) -> m.Meeting | None:
    if meeting_id is None:
        return None
    row = session.get(m.Meeting, meeting_id)
    if row is None or row.child_id != child_id or row.status == "cancelled":
        raise SafetyError("meeting", "not a meeting of this child's (or it was cancelled)")
    if on is not None and row.held_on != on:
        raise SafetyError("on", f"the {_label(row)} was on {day_words(row.held_on)}: a score "
                                "given there has its date")
    return row


def _statement_rows(session: Session, child_id: uuid.UUID) -> list[m.SafetyStatement]:
    return list(session.exec(select(m.SafetyStatement)
                             .where(m.SafetyStatement.child_id == child_id)
                             .order_by(m.SafetyStatement.kind, m.SafetyStatement.number)).all())


def statements(session: Session, child_id: uuid.UUID) -> list[Statement]:
    """The child's danger statements and safety goals, oldest first."""
    rows = _statement_rows(session, child_id)
    by_id = {r.id: r for r in rows}
    replaced = {r.replaces_id: r.number for r in rows if r.replaces_id}
    meetings = {r.meeting_id: session.get(m.Meeting, r.meeting_id)
                for r in rows if r.meeting_id}
    out = [Statement(r.kind, r.number, r.written_on, r.text, r.by,
                     danger=by_id[r.danger_id].number if r.danger_id in by_id else None,
                     replaces=by_id[r.replaces_id].number if r.replaces_id in by_id else None,
                     replaced_by=replaced.get(r.id),
                     meeting=_label(meetings[r.meeting_id]) if meetings.get(r.meeting_id)
                     else "", ref=str(r.id))
           for r in rows]
    return sorted(out, key=lambda s: (s.on, s.kind, s.number))


def scalings(session: Session, child_id: uuid.UUID) -> list[Scaling]:
    """Every score given for the child, oldest first."""
    rows = session.exec(select(m.SafetyScaling).where(m.SafetyScaling.child_id == child_id)
                        .order_by(m.SafetyScaling.scaled_on,
                                  m.SafetyScaling.created_at)).all()
    meetings: dict[uuid.UUID, str] = {}
    for r in rows:
        if r.meeting_id and r.meeting_id not in meetings:
            found = session.get(m.Meeting, r.meeting_id)
            meetings[r.meeting_id] = _label(found) if found else ""
    return [Scaling(r.scaled_on, r.score, r.who, r.role, r.why,
                    meetings.get(r.meeting_id, "") if r.meeting_id else "", r.recorded_by,
                    ref=str(r.id)) for r in rows]


def record_statement(session: Session, child_id: uuid.UUID, *, kind: str, text: str,
                     on: date | None, by: str, today: date, danger: int | None = None,
                     replaces: int | None = None,
                     meeting_id: uuid.UUID | None = None) -> m.SafetyStatement:
    """STO 6.3: a danger statement or a safety goal (for a danger statement, replacing an
    earlier one of its kind), written at a meeting or not."""
    episode = cases.require_episode(session, child_id, SafetyError)
    cases.require_open_on(session, child_id, on, "a danger statement" if kind == "danger"
                          else "a safety goal", SafetyError, "on")
    _raise(rules.check_statement(kind, text, on, today, episode.referral_date,
                                 statements(session, child_id), danger=danger,
                                 replaces=replaces))
    _meeting(session, child_id, meeting_id, on)
    rows = _statement_rows(session, child_id)
    mine = {r.number: r for r in rows if r.kind == kind}
    dangers = {r.number: r for r in rows if r.kind == "danger"}
    row = m.SafetyStatement(
        child_id=child_id, episode_id=episode.id, kind=kind, number=max(mine, default=0) + 1,
        written_on=on, text=text.strip(), by=by.strip()[:200],
        danger_id=dangers[danger].id if danger else None,
        replaces_id=mine[replaces].id if replaces else None, meeting_id=meeting_id)
    session.add(row)
    session.flush()
    return row


def record_scaling(session: Session, child_id: uuid.UUID, *, on: date | None,
                   entries: tuple[ScoreEntry, ...], recorded_by: str, today: date,
                   meeting_id: uuid.UUID | None = None,
                   question: str = rules.QUESTION) -> list[m.SafetyScaling]:
    """STO 6.3: one round of scaling, each person's score with who they are to the child,
    at a meeting (its date) or not; all or none written."""
    episode = cases.require_episode(session, child_id, SafetyError)
    cases.require_open_on(session, child_id, on, "a scaling", SafetyError, "on")
    _raise(rules.check_scaling(on, today, episode.referral_date,
                               [(e.who, e.role, e.score, e.why) for e in entries]))
    _meeting(session, child_id, meeting_id, on)
    rows = [m.SafetyScaling(child_id=child_id, episode_id=episode.id, scaled_on=on,
                            score=e.score, who=" ".join(e.who.split())[:200],
                            role=" ".join(e.role.split())[:200], why=e.why.strip(),
                            question=question, recorded_by=recorded_by.strip()[:200],
                            meeting_id=meeting_id) for e in entries]
    session.add_all(rows)
    session.flush()
    return rows


def view(session: Session, child_id: uuid.UUID) -> SafetyView:
    """The map of the plan in force (else the draft), the statements and the history."""
    child = cases.require_child(session, child_id, SafetyError)
    plan = plans.current_plan(session, child_id)
    if plan is None and (draft := plans.draft_version_id(session, child_id)):
        plan = plans.load_version(session, draft)
    found, scored = statements(session, child_id), scalings(session, child_id)
    return SafetyView(child=f"{child.first_name} {child.last_name}".strip(),
                      reference=child.reference, map=rules.safety_map(plan, found, scored),
                      statements=found, history=rules.scaling_history(scored))


def chronology(session: Session, child_id: uuid.UUID):
    """The chronology's entries (STO 6.3): statements written and each round of scaling."""
    return rules.chronology_entries(statements(session, child_id), scalings(session, child_id))
