"""Meeting safeguards in the store (issue 23 item 3; rules in `domain.meeting_safeguards`):
what a booking must have (consent WIR 2.1/2.3, the chair's role BEX 3/TRA, the child,
parents and network invited or why not BEX 3), papers circulated before a meeting
(WIR 2.3), the visit to a parent absent from a review to gain their agreement (TRA, on the
due list) and the non-engagement path (WIR 2.10).

Each write runs inside the caller's `Store.session(actor)`, so it is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date

from sqlmodel import Session, col, func, select

from cintui.casework import cases, conflicts
from cintui.domain import meeting_safeguards as rules
from cintui.domain import steps as step_rules
from cintui.domain.calendar import england_calendar
from cintui.domain.child import age_years
from cintui.domain.consent import ConsentFact, WithheldConsentRecord, own_words_on
from cintui.domain.dates import day_words
from cintui.domain.meeting import Invitee, Schedule
from cintui.domain.policy import PolicyProfile
from cintui.domain.workforce import parse_role, role_label
from cintui.reference import codes
from cintui.store import models as m


class SafeguardError(cases.CaseworkError):
    """A safeguard not met, in a worker's words (field, problem)."""


# ---------------------------------------------------------------- booking


def meeting_consents(session: Session, child_id: uuid.UUID) -> list[ConsentFact]:
    """The child's decisions on consent to a CIN meeting, oldest first (WIR 2.1, 2.3)."""
    rows = session.exec(
        select(m.Consent, m.Person.name, m.ChildPerson.relationship,
               m.ChildPerson.parental_responsibility, m.Worker.name)
        .join(m.Person, col(m.Consent.person_id) == col(m.Person.id), isouter=True)
        .join(m.ChildPerson, (col(m.ChildPerson.person_id) == col(m.Consent.person_id))
              & (col(m.ChildPerson.child_id) == col(m.Consent.child_id)), isouter=True)
        .join(m.Worker, col(m.Consent.decided_by_id) == col(m.Worker.id), isouter=True)
        .where(m.Consent.child_id == child_id, m.Consent.scope == "meeting")
        .order_by(m.Consent.decided_on, m.Consent.created_at, m.Consent.id)).all()
    out = []
    dob = session.get(m.Child, child_id).dob
    for c, name, relationship, pr, decider in rows:
        who = f"{name} ({relationship})" if name and relationship else (name or "")
        if c.person_id is None:  # WIR 2.1: "the young person" only at 16 or 17 that day
            who = own_words_on(dob, c.decided_on)
        withheld = WithheldConsentRecord(
            reasons=c.withheld_reasons, alternative_support=c.alternative_support,
            alternative_monitoring=c.alternative_monitoring,
            reflective_discussion_on=c.reflective_discussion_on,
            decision=c.withheld_decision, analysis=c.withheld_analysis,
            decided_by=decider or "") if c.decision != "given" else None
        out.append(ConsentFact(
            scope=c.scope, decision=c.decision, decided_on=c.decided_on,
            person=str(c.person_id) if c.person_id else None, person_has_pr=bool(pr),
            is_child=c.person_id is None, override_without_consent=c.override_without_consent,
            override_rationale=c.override_rationale, person_name=who, withheld=withheld,
            ref=str(c.id)))
    return out


def child_age(session: Session, child_id: uuid.UUID, on: date) -> int | None:
    child = session.get(m.Child, child_id)
    return age_years(child.dob, on) if child and child.dob else None


def consent_problem(session: Session, child_id: uuid.UUID, on: date) -> str:
    """Why a meeting may not be booked for want of consent ("" when it may; WIR 2.1, 2.3)."""
    facts = [f for f in meeting_consents(session, child_id) if f.decided_on <= on]
    parents = len(session.exec(select(m.ChildPerson.id).where(
        m.ChildPerson.child_id == child_id,
        col(m.ChildPerson.parental_responsibility).is_(True))).all())
    child = session.get(m.Child, child_id)
    return rules.consent_problem(facts, child_age(session, child_id, on), parents,
                                 child.reference if child else "CHILD")


@dataclass(frozen=True)
class ChairChoice:
    """A worker of the store who may be named as chair, with their role."""

    name: str
    role: str  # domain.workforce.ROLES


def chair_choices(session: Session) -> list[ChairChoice]:
    rows = session.exec(select(m.Worker.name, m.Worker.role)
                        .where(col(m.Worker.active).is_(True)).order_by(m.Worker.name, m.Worker.username)).all()
    return [ChairChoice(name, role) for name, role in rows]


def _chair_worker(session: Session, chair: str) -> m.Worker | None:
    """The worker of this store named as chair, by their name or their username (as every
    command takes a worker: `--chair sam.okafor` was refused, "say the chair's role")."""
    wanted = " ".join(chair.split()).lower()
    if not wanted:
        return None
    by_name = session.exec(select(m.Worker).where(func.lower(m.Worker.name) == wanted)).first()
    return by_name or session.exec(
        select(m.Worker).where(func.lower(m.Worker.username) == wanted)).first()


def chair_name(session: Session, chair: str) -> str:
    """The name kept on the meeting: a worker's name for their username, else as typed."""
    worker = _chair_worker(session, chair)
    return worker.name if worker is not None else chair.strip()


def chair_role(session: Session, chair: str, typed: str) -> str:
    """The chair's role: a worker of this store named as chair (by name or username) has
    their recorded role (a role typed cannot change it); anyone else, the role typed (""
    when none is)."""
    worker = _chair_worker(session, chair)
    if worker is not None:
        return worker.role
    return parse_role(typed) or "" if typed.strip() else ""


def booking_problems(session: Session, child_id: uuid.UUID, s: Schedule,
                     choices: list[Invitee], today: date,
                     policy: PolicyProfile, *, rebooking: bool = False) -> list[tuple[str, str]]:
    """What stops a booking, as (field, problem) in the form's order: consent (WIR 2.1,
    2.3), the chair (BEX 3, TRA: by the policy), who is invited (BEX 3, WIR 2.3)."""
    out = []
    consent = consent_problem(session, child_id, today)
    if consent:
        out.append(("consent", consent))
    role = chair_role(session, s.chair, s.chair_role)
    chair = rules.chair_problem(s.kind, role, policy.meetings) if s.chair.strip() else ""
    if chair:
        out.append(("chair_role" if not role else "chair", chair))
    child = session.get(m.Child, child_id)
    missing = rules.left_out(choices, s.invitees, s.child_invited,
                             child_age(session, child_id, s.starts_at.date()),
                             child.first_name if child else "the child")
    invited = rules.invitation_problem(missing, s.not_invited_reason)
    if not invited and not rebooking:  # a meeting booked before this rule is rebooked as it was
        invited = rules.reason_but_all_invited(choices, s.invitees, s.child_invited,
                                               s.not_invited_reason,
                                               child.first_name if child else "the child")
    if invited:
        out.append(("not_invited_reason", invited))
    return out


def chair_role_text(session: Session, s: Schedule) -> str:
    """The role kept on the meeting: the one typed, else the worker's recorded role."""
    if s.chair_role.strip():
        return s.chair_role.strip()
    role = chair_role(session, s.chair, "")
    return role_label(role) if role else ""


# ---------------------------------------------------------------- papers (WIR 2.3)


def record_papers(session: Session, meeting_id: uuid.UUID, sent_on: date | None,
                  today: date) -> m.Meeting:
    """WIR 2.3: when the papers for a meeting went out (before it)."""
    row = session.get(m.Meeting, meeting_id)
    if row is None:
        raise SafeguardError("meeting", "no such meeting")
    if row.status == "cancelled":
        raise SafeguardError("meeting", "this meeting is cancelled: record the papers of the "
                             "one rebooked")
    problem = rules.papers_problem(sent_on, row.held_on, today)
    if problem:
        raise SafeguardError("sent_on", problem)
    row.papers_sent_on = sent_on
    session.add(row)
    session.flush()
    return row


# ---------------------------------------------------------------- agreement visits (TRA)


@dataclass(frozen=True)
class Agreement:
    id: uuid.UUID
    meeting_id: uuid.UUID
    child_id: uuid.UUID
    name: str
    due: date
    visited_on: date | None
    outcome: str
    notes: str
    recorded_by: str
    person_id: uuid.UUID | None = None

    @property
    def done(self) -> bool:
        return self.visited_on is not None


def _agreement(r: m.MeetingAgreement) -> Agreement:
    return Agreement(r.id, r.meeting_id, r.child_id, r.name, r.due, r.visited_on, r.outcome,
                     r.notes, r.recorded_by, r.person_id)


def agreement_due(held_on: date, policy: PolicyProfile) -> date:
    return england_calendar().add_working_days(
        held_on, policy.meetings.agreement_visit_working_days)


def add_agreements(session: Session, row: m.Meeting, attendance: tuple[Invitee, ...],
                   policy: PolicyProfile) -> list[m.MeetingAgreement]:
    """TRA: each parent who did not attend a review, to be visited to gain agreement."""
    out = []
    for p in rules.absent_parents(row.kind, attendance):
        agreement = m.MeetingAgreement(meeting_id=row.id, child_id=row.child_id,
                                       person_id=p.person_id, name=p.name.strip()[:200],
                                       due=agreement_due(row.held_on, policy))
        session.add(agreement)
        out.append(agreement)
    return out


def agreements(session: Session, child_id: uuid.UUID,
               meeting_id: uuid.UUID | None = None) -> list[Agreement]:
    q = select(m.MeetingAgreement).where(m.MeetingAgreement.child_id == child_id)
    if meeting_id is not None:
        q = q.where(m.MeetingAgreement.meeting_id == meeting_id)
    return [_agreement(r) for r in session.exec(
        q.order_by(m.MeetingAgreement.due, m.MeetingAgreement.name,
                   m.MeetingAgreement.created_at)).all()]


def record_agreement(session: Session, agreement_id: uuid.UUID, *, visited_on: date | None,
                     outcome: str, notes: str, by: str, today: date) -> Agreement:
    """TRA: the visit to a parent absent from a review, and whether they agreed."""
    row = session.get(m.MeetingAgreement, agreement_id)
    if row is None:
        raise SafeguardError("agreement", "no such agreement visit")
    if row.visited_on is not None:
        raise SafeguardError("agreement", f"{row.name} was visited on "
                             f"{day_words(row.visited_on)}: already recorded")
    meeting = session.get(m.Meeting, row.meeting_id)
    field, problem = rules.agreement_problem(visited_on, outcome, notes, meeting.held_on,
                                             today)
    if problem:
        raise SafeguardError(field, problem)
    row.visited_on, row.outcome, row.notes = visited_on, outcome, notes.strip()
    row.recorded_by = by[:200]
    session.add(row)
    session.flush()
    return _agreement(row)


# ---------------------------------------------------------------- non-engagement (WIR 2.10)

STEP_FIELDS = tuple(f.name for f in fields(rules.NonEngagement))


@dataclass(frozen=True)
class NonEngagementRow:
    id: uuid.UUID
    started_on: date
    recorded_by: str
    path: rules.NonEngagement
    completed_on: date | None
    missing: tuple[tuple[str, str], ...]


def non_engagement(session: Session, child_id: uuid.UUID) -> NonEngagementRow | None:
    """The child's non-engagement path for the current episode, if one is started."""
    episode = cases.current_episode(session, child_id)
    q = select(m.NonEngagement).where(m.NonEngagement.child_id == child_id)
    if episode is not None:
        q = q.where(m.NonEngagement.episode_id == episode.id)
    row = session.exec(q.order_by(col(m.NonEngagement.started_on).desc(),
                                 col(m.NonEngagement.created_at).desc())).first()
    if row is None:
        return None
    path = rules.NonEngagement(**{f: getattr(row, f) for f in STEP_FIELDS})
    return NonEngagementRow(row.id, row.started_on, row.recorded_by, path, row.completed_on,
                            tuple(rules.non_engagement_missing(path)))


def non_engagement_stamp(current: NonEngagementRow | None) -> str:
    """The version of the WIR 2.10 path as a form read it (none yet is a version too: two
    people starting it at once do not overwrite each other)."""
    if current is None:
        return conflicts.values(None)
    return conflicts.values(current.id, current.path, current.completed_on)


def save_non_engagement(session: Session, child_id: uuid.UUID, path: rules.NonEngagement, *,
                        by: str, today: date, seen: str = "") -> NonEngagementRow:
    """Start or carry on the WIR 2.10 path: the steps recorded so far; an unfinished path
    is saved, and it is complete once every step is recorded. `seen`: the
    `non_engagement_stamp` the form read; changed since, an `EditConflict` and nothing saved
    ("": the CLI, which reads and writes at once)."""
    cases.require_child(session, child_id, SafeguardError)
    if not any(getattr(path, f).strip() for f in STEP_FIELDS):
        raise SafeguardError("why", rules.NON_ENGAGEMENT_STEPS["why"][1])
    current = non_engagement(session, child_id)
    row = session.get(m.NonEngagement, current.id) if current else None
    conflicts.check(session, seen, non_engagement_stamp(current),
                    "this child's non-engagement record (WIR 2.10)",
                    [conflicts.row(row)] if row is not None else [])
    if row is None:
        episode = cases.current_episode(session, child_id)
        row = m.NonEngagement(child_id=child_id, episode_id=episode.id if episode else None,
                              started_on=today, recorded_by=by[:200])
    for f in STEP_FIELDS:
        setattr(row, f, getattr(path, f).strip())
    if row.completed_on is None and not rules.non_engagement_missing(path):
        row.completed_on = today
    session.add(row)
    session.flush()
    return non_engagement(session, child_id)



# ------------------------------------------------------------------ partners (STO 4.4)


def partner_findings(session: Session, child_id: uuid.UUID) -> tuple[tuple[str, ...], bool]:
    """What STO 4.4's partners follow from, for booking a meeting: the assessment's factors
    (chosen, and those the census takes from the circumstances) on the current episode, and
    whether a parent is in prison. Nothing for a child with no episode open."""
    circumstances = cases.current_circumstances(session, child_id)
    prison = circumstances.get("parent_in_prison") == "yes"
    episode = cases.current_episode(session, child_id)
    if episode is None:
        return (), prison
    chosen = tuple(codes.split_multi(episode.factors_chosen))
    codes_ = set(chosen) | set(step_rules.census_factors(chosen, circumstances))
    if episode.assessment_factors:
        codes_ |= set(codes.split_multi(episode.assessment_factors))
    return tuple(sorted(codes_)), prison


__all__ = [
    "Agreement", "ChairChoice", "NonEngagementRow", "SafeguardError", "add_agreements",
    "agreement_due", "agreements", "booking_problems", "chair_choices", "chair_role",
    "chair_role_text", "child_age", "consent_problem", "meeting_consents", "non_engagement",
    "non_engagement_stamp",
    "partner_findings", "record_agreement", "record_papers", "save_non_engagement",
]
