"""CIN meetings in the store: scheduling, cancelling and rebooking, live minutes kept as a
draft, finishing (minutes + the new plan version), distribution (DOMAIN.md §5).

Minutes are typed into a **draft** (`cintui.drafts`, kind "minutes", saved as typed), so a
crash mid-meeting resumes where it stopped. **Finishing** checks the minutes
(`domain.meeting.minutes_problems`), stores them on the meeting (held, next review,
decisions, attendance) and produces the next plan version from them
(`domain.meeting.updated_plan`), agreed at this meeting. Every write is audited.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlmodel import Session, col, select

from cintui.casework import cases, drafts, plans, safeguards
from cintui.domain import meeting as rules
from cintui.domain import meeting_safeguards as safeguards_rules
from cintui.domain.calendar import england_time, from_england_time
from cintui.domain.child import age_years
from cintui.domain.dates import day_words
from cintui.domain.meeting import Invitee, Minutes, Schedule
from cintui.domain.policy import PolicyProfile
from cintui.domain.text import in_sentence
from cintui.domain.timescales import PLANNING_KINDS, due_date
from cintui.store import models as m

KIND = "minutes"
PARENT_WORDS = ("mother", "father", "mum", "dad", "parent", "carer", "stepmother",
                "stepfather", "step-mother", "step-father", "guardian")


class MeetingError(cases.CaseworkError):
    """A meeting request that cannot be carried out, in a worker's words (field, problem)."""


def _local(at: datetime | None) -> datetime | None:
    return None if at is None else england_time(at).replace(second=0, microsecond=0)


def _meeting(session: Session, meeting_id: uuid.UUID) -> m.Meeting:
    row = session.get(m.Meeting, meeting_id)
    if row is None:
        raise MeetingError("meeting", "no such meeting")
    return row


def status_of(row: m.Meeting) -> str:
    if row.status == "cancelled":
        return "cancelled"
    return "held" if row.held else "scheduled"


# ---------------------------------------------------------------- who can be invited


def invitee_choices(session: Session, child_id: uuid.UUID) -> list[Invitee]:
    """The child's People as invitees: parents and carers (with parental responsibility, or
    named so) first (WIR 2.3)."""
    rows = session.exec(select(m.Person, m.ChildPerson)
                        .join(m.ChildPerson, col(m.ChildPerson.person_id) == col(m.Person.id))
                        .where(m.ChildPerson.child_id == child_id)).all()
    out = []
    for p, link in rows:
        relationship = link.relationship or ""
        parent = p.kind == "family" and (link.parental_responsibility or any(
            w in relationship.lower() for w in PARENT_WORDS))
        role = relationship if p.kind == "family" else " ".join(
            x for x in (p.role, f"({p.agency})" if p.agency else "") if x)
        out.append(Invitee(name=p.name, role=role or p.kind, person_id=p.id, is_parent=parent))
    return sorted(out, key=lambda i: (not i.is_parent, i.role.lower(), i.name.lower()))


# ---------------------------------------------------------------- scheduling


def schedule(session: Session, child_id: uuid.UUID, s: Schedule, *, now: datetime,
             rebook_of: uuid.UUID | None = None) -> uuid.UUID:
    """Book a meeting (WIR 2.8-2.9): kind, when, venue, practicalities, chair, invitees;
    booked by whoever the session writes as (its audit entries' actor), kept by name on the
    meeting (`Meeting.booked_by`: the trail is not readable everywhere it is shown)."""
    child = session.get(m.Child, child_id)
    if child is None:
        raise MeetingError("child", "no such child")
    # TRA, BEX 3: a closed case has no meetings (a re-referral opens it again).
    cases.require_open_on(session, child, s.starts_at.date(), "a meeting", MeetingError,
                          "starts_at")
    problems = rules.schedule_problems(s, now)
    # The safeguards (WIR 2.1, 2.3; BEX 3; TRA): consent, the chair, who is invited.
    problems += safeguards.booking_problems(session, child_id, s,
                                            invitee_choices(session, child_id), now.date(),
                                            cases.store_policy(session),
                                            rebooking=rebook_of is not None)
    if problems:
        raise MeetingError(*problems[0])
    episode = cases.current_episode(session, child_id)
    invitees = tuple(s.invitees)
    if s.child_invited and not any(_is_child(i) for i in invitees):
        invitees = (*invitees, Invitee(child.full_name, CHILD_ROLE))  # after the parents
    row = m.Meeting(child_id=child_id, episode_id=episode.id if episode else None,
                    kind=s.kind, held_on=s.starts_at.date(), held=False, status="scheduled",
                    starts_at=from_england_time(s.starts_at), venue=s.venue.strip(),
                    chair=safeguards.chair_name(session, s.chair),
                    chair_role=safeguards.chair_role_text(session, s),
                    practical=json.dumps([[k, v] for k, v in s.practical]),
                    rebooked_from_id=rebook_of, child_invited=s.child_invited,
                    not_invited_reason=s.not_invited_reason.strip(),
                    booked_by=cases.author(session, session.info.get("actor") or "")[1][:200])
    session.add(row)
    _write_invitees(session, row.id, invitees)
    session.flush()
    return row.id


CHILD_ROLE = "Child"  # the child's own invitation (BEX 3, WIR 2.3): no person row


def _is_child(i: Invitee) -> bool:
    return i.person_id is None and i.role == CHILD_ROLE


def _write_invitees(session: Session, meeting_id: uuid.UUID, invitees) -> None:
    for old in session.exec(select(m.MeetingInvitee)
                            .where(m.MeetingInvitee.meeting_id == meeting_id)).all():
        session.delete(old)
    for i, p in enumerate(invitees):
        session.add(m.MeetingInvitee(meeting_id=meeting_id, person_id=p.person_id, position=i,
                                     name=p.name.strip()[:200], role=p.role[:200],
                                     is_parent=p.is_parent, attendance=p.attendance,
                                     added_on_the_day=p.added_on_the_day))


def cancel(session: Session, meeting_id: uuid.UUID, reason: str, *,
           told: list[str] | tuple[str, ...]) -> None:
    """WIR 2.9: tell everyone and rebook as soon as possible; the reason is kept, and who
    was told (the family and every agency invited)."""
    row = _meeting(session, meeting_id)
    if status_of(row) != "scheduled":
        raise MeetingError("meeting", f"this meeting is {status_of(row)}: only a scheduled "
                           "meeting can be cancelled")
    if not reason.strip():
        raise MeetingError("reason", "say why the meeting is cancelled")
    problem = safeguards_rules.cancel_problem(told, load_meeting(session,
                                                                 meeting_id).schedule.invitees)
    if problem:
        raise MeetingError("told", problem)
    row.status, row.cancelled_reason = "cancelled", reason.strip()
    row.cancel_told = "\n".join(" ".join(t.split()) for t in told if t.strip())
    session.add(row)
    session.flush()


def rebook(session: Session, meeting_id: uuid.UUID, starts_at: datetime, reason: str, *,
           now: datetime, told: list[str] | tuple[str, ...]) -> uuid.UUID:
    """Cancel with a reason and book the same meeting again (same invitees and details)."""
    detail = load_meeting(session, meeting_id)
    cancel(session, meeting_id, reason, told=told)
    return schedule(session, detail.child_id, replace(detail.schedule, starts_at=starts_at),
                    now=now, rebook_of=meeting_id)


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class MeetingRow:
    """One line of the Meetings tab."""

    id: uuid.UUID
    kind: str
    status: str  # scheduled | held | cancelled
    starts_at: datetime | None
    held_on: date
    venue: str
    chair: str
    next_review: date | None
    minutes_circulated: date | None
    minutes_due: date | None  # held, not yet circulated: by this date (policy)
    recommendation: str
    cancelled_reason: str
    has_minutes: bool
    papers_sent_on: date | None = None  # WIR 2.3
    cancel_told: tuple[str, ...] = ()  # WIR 2.9
    # Held before its case was imported (`episode.recorded_from`): its papers and minutes
    # are the old system's, taken as sent, neither flagged nor counted here.
    imported: bool = False
    booked_by: str = ""  # who booked it, by name ("" not known: `Meeting.booked_by`)
    booked_on: date | None = None  # the day they booked it, in England

    @property
    def booked_words(self) -> str:
        """"Booked by Olu Other on 12 Nov 2026", or "" when not known."""
        return rules.booked_by_words(self.booked_by, self.booked_on)

    @property
    def label(self) -> str:
        return rules.KIND_LABELS.get(self.kind, self.kind)

    @property
    def short_label(self) -> str:
        return rules.SHORT_KIND_LABELS.get(self.kind, self.kind)

    @property
    def papers_flag(self) -> str:
        """WIR 2.3: "" or why this meeting's papers are a worry."""
        if self.imported:
            return ""
        return safeguards_rules.papers_flag(self.status, self.papers_sent_on)


def minutes_due(held_on: date, policy: PolicyProfile) -> date | None:
    """BEX 10 wd, TRA 5 wd, WIR 14 days: when the minutes must be out."""
    ts = policy.timescales.get("minutes")
    return due_date(held_on, ts) if ts else None


def list_meetings(session: Session, child_id: uuid.UUID, policy: PolicyProfile,
                  ) -> list[MeetingRow]:
    """Newest first: scheduled, held and cancelled."""
    rows = session.exec(select(m.Meeting).where(m.Meeting.child_id == child_id)
                        .order_by(col(m.Meeting.held_on).desc(),
                                  col(m.Meeting.starts_at).desc(), col(m.Meeting.created_at).desc())).all()
    imported_from = cases.imported_from(session, child_id)
    return [MeetingRow(
        id=r.id, kind=r.kind, status=status_of(r), starts_at=_local(r.starts_at),
        held_on=r.held_on, venue=r.venue, chair=r.chair, next_review=r.next_review,
        minutes_circulated=r.minutes_circulated,
        minutes_due=minutes_due(r.held_on, policy) if r.held and not r.minutes_circulated
        else None,
        recommendation=r.recommendation, cancelled_reason=r.cancelled_reason,
        has_minutes=bool(r.minutes), papers_sent_on=r.papers_sent_on,
        cancel_told=tuple(t for t in r.cancel_told.split("\n") if t),
        imported=r.held and r.held_on < imported_from.get(r.episode_id, r.held_on),
        booked_by=r.booked_by, booked_on=_booked_on(r))
        for r in rows]


def _booked_on(row: m.Meeting) -> date | None:
    """The day, in England, the meeting was booked (its row was made), when who booked it is
    known."""
    return england_time(row.created_at).date() if row.booked_by else None


def last_held(session: Session, child_id: uuid.UUID) -> tuple[str, date, date | None] | None:
    """(kind, held on, next review set there) of the child's most recent meeting held."""
    row = session.exec(select(m.Meeting).where(m.Meeting.child_id == child_id,
                                               col(m.Meeting.held).is_(True))
                       .order_by(col(m.Meeting.held_on).desc())).first()
    return (row.kind, row.held_on, row.next_review) if row else None


@dataclass(frozen=True)
class MinutedMeeting:
    """A meeting held and minuted, as a plan written after it names it."""

    id: uuid.UUID
    label: str  # "Initial CIN meeting 23 Nov 2026", as `finish` names it on a version
    held_on: date
    childs_views: str  # as minuted (WIR 2.3: the child's voice)


def meeting_to_agree_at(session: Session, child_id: uuid.UUID) -> MinutedMeeting | None:
    """The child's newest meeting held and minuted, while no plan version has been agreed
    at it or since it: the meeting a plan written after it (a first plan, which `finish`
    leaves to the plan editor) was agreed at, to fill the Agree form and the child's views
    with, not typed again. None: no such meeting."""
    row = session.exec(select(m.Meeting).where(m.Meeting.child_id == child_id,
                                               col(m.Meeting.held).is_(True),
                                               m.Meeting.minutes != "")
                       .order_by(col(m.Meeting.held_on).desc(),
                                 col(m.Meeting.created_at).desc())).first()
    if row is None:
        return None
    agreed = session.exec(select(m.PlanVersion.id).where(
        m.PlanVersion.child_id == child_id,
        (m.PlanVersion.meeting_id == row.id) | (m.PlanVersion.agreed_on >= row.held_on))
    ).first()
    if agreed is not None:
        return None
    minutes = Minutes.from_dict(json.loads(row.minutes))
    return MinutedMeeting(row.id, _agreed_at(row, minutes), row.held_on,
                          minutes.childs_views.strip())


def kind_to_book(session: Session, child_id: uuid.UUID) -> str:
    """The kind a new booking for the child is offered (domain.meeting.kind_to_book): the
    meetings held since the current episode's referral decide it."""
    episode = cases.current_episode(session, child_id)
    held = session.exec(select(m.Meeting.kind).where(
        m.Meeting.child_id == child_id, col(m.Meeting.held).is_(True),
        col(m.Meeting.held_on) >= (episode.referral_date if episode else date.min))).all()
    return rules.kind_to_book(held, bool(episode and episode.moved_in))


def booked(session: Session, child_id: uuid.UUID) -> tuple[tuple[str, datetime], ...]:
    """(kind, start in English time) of each of the child's meetings still to be held."""
    rows = session.exec(select(m.Meeting).where(m.Meeting.child_id == child_id,
                                               col(m.Meeting.held).is_(False),
                                               m.Meeting.status != "cancelled")).all()
    return tuple((r.kind, _local(r.starts_at)) for r in rows if r.starts_at is not None)


def booking_warnings(session: Session, child_id: uuid.UUID, kind: str,
                     starts_at: datetime, invitees: Iterable[Invitee] = ()) -> list[str]:
    """What a booking should be told before it is made (never refused): a weekend or a bank
    holiday; a school-age child in school hours (WIR 2.8); a review soon after the last
    meeting (BEX 3); a partner the assessment's findings call to the meeting and not invited
    (STO 4.4)."""
    from cintui.domain.calendar import england_calendar
    from cintui.domain.meeting_safeguards import partner_prompts

    age = child_age(session, child_id, starts_at.date())
    return [*rules.when_warnings(kind, starts_at, age, last_held(session, child_id),
                                 england_calendar(), booked(session, child_id)),
            *partner_prompts(*safeguards.partner_findings(session, child_id), invitees)]


@dataclass(frozen=True)
class Distribution:
    recipient: str
    sent_on: date
    method: str
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class MeetingDetail:
    id: uuid.UUID
    child_id: uuid.UUID
    status: str
    schedule: Schedule
    held_on: date
    minutes: Minutes | None
    distribution: tuple[Distribution, ...]
    cancelled_reason: str
    plan_version_id: uuid.UUID | None  # the version agreed at this meeting


def load_meeting(session: Session, meeting_id: uuid.UUID) -> MeetingDetail:
    row = _meeting(session, meeting_id)
    invitees = tuple(Invitee(i.name, i.role, i.person_id, i.is_parent, i.attendance,
                             i.added_on_the_day)
                     for i in session.exec(select(m.MeetingInvitee)
                                           .where(m.MeetingInvitee.meeting_id == meeting_id)
                                           .order_by(m.MeetingInvitee.position)).all())
    starts = _local(row.starts_at) or datetime.combine(row.held_on, datetime.min.time())
    try:
        practical = tuple((str(k), str(v)) for k, v in json.loads(row.practical or "[]"))
    except (ValueError, TypeError):
        practical = ()
    sent = tuple(Distribution(d.recipient, d.sent_on, d.method, d.person_id)
                 for d in session.exec(select(m.MeetingDistribution)
                                       .where(m.MeetingDistribution.meeting_id == meeting_id)
                                       .order_by(m.MeetingDistribution.sent_on,
                                                 m.MeetingDistribution.created_at)).all())
    version = session.exec(select(m.PlanVersion.id)
                           .where(m.PlanVersion.meeting_id == meeting_id)).first()
    minutes = Minutes.from_dict(json.loads(row.minutes)) if row.minutes else None
    if not invitees and minutes is not None:
        invitees = minutes.attendance  # who was there is in the minutes
    return MeetingDetail(
        id=row.id, child_id=row.child_id, status=status_of(row),
        schedule=Schedule(kind=row.kind, starts_at=starts, venue=row.venue, chair=row.chair,
                          chair_role=row.chair_role, practical=practical, invitees=invitees,
                          child_invited=row.child_invited,
                          not_invited_reason=row.not_invited_reason),
        held_on=row.held_on,
        minutes=minutes, distribution=sent, cancelled_reason=row.cancelled_reason, plan_version_id=version)


# ---------------------------------------------------------------- minuting


@dataclass(frozen=True)
class MinutesDraft:
    id: uuid.UUID
    meeting_id: uuid.UUID
    owner: str
    saved_at: datetime
    minutes: Minutes


def _draft(row: drafts.DraftRow) -> MinutesDraft | None:
    try:
        minutes = Minutes.from_dict(row.payload)
    except (KeyError, TypeError, ValueError):
        return None
    return MinutesDraft(row.id, row.subject_id, row.owner, row.saved_at, minutes)


def minutes_drafts(session: Session, child_id: uuid.UUID) -> list[MinutesDraft]:
    return [d for d in (_draft(r) for r in drafts.for_child(session, child_id, KIND)) if d]


def _booked(row: m.Meeting) -> datetime:
    return _local(row.starts_at) or datetime.combine(row.held_on, datetime.min.time())


def _existing_draft(session: Session, row: m.Meeting) -> MinutesDraft | None:
    return next((d for d in minutes_drafts(session, row.child_id) if d.meeting_id == row.id),
                None)


def held_at_needed(session: Session, meeting_id: uuid.UUID, now: datetime) -> datetime | None:
    """The time the meeting is booked for, when minuting it now must first ask when it is
    really held (another day than booked, no minutes started yet); else None."""
    row = _meeting(session, meeting_id)
    booked = _booked(row)
    if not rules.off_booking(booked, now) or _existing_draft(session, row):
        return None
    return booked


def start_minutes(session: Session, meeting_id: uuid.UUID, owner: str,
                  now: datetime, held_at: datetime | None = None) -> MinutesDraft:
    """The minutes draft for a meeting: the existing one (resume after a crash), else new,
    with one item per Amber and Red of the agreed plan in force and the invitees. Held on
    another day than booked, `held_at` says when it really is (or was) held: never the
    booked time by default."""
    row = _meeting(session, meeting_id)
    if status_of(row) != "scheduled":
        raise MeetingError("meeting", f"this meeting is {status_of(row)}")
    existing = _existing_draft(session, row)
    if existing is not None:
        return existing
    booked = _booked(row)
    held = (held_at or now).replace(microsecond=0)
    if held_at is None and rules.off_booking(booked, now):
        raise MeetingError("held_at", f"this meeting is booked for {day_words(booked)} at {booked:%H:%M}: "
                           "say when it is really held")
    problem = rules.held_at_problem(held, booked, now)
    if problem:
        raise MeetingError("held_at", problem)
    _open_on(session, row, held.date(), "held_at")
    detail = load_meeting(session, meeting_id)
    version_id = plans.current_version_id(session, row.child_id)
    plan = plans.load_version(session, version_id) if version_id else None
    minutes = replace(rules.minutes_for(plan, row.kind, held.date(), detail.schedule.invitees),
                      started_at=held,
                      booked_for=booked if rules.off_booking(booked, held) else None)
    created = drafts.create(session, KIND, row.child_id, owner, minutes.to_dict(),
                            subject_id=meeting_id)
    return MinutesDraft(created.id, meeting_id, owner, created.saved_at, minutes)


def save_minutes(session: Session, draft_id: uuid.UUID, minutes: Minutes) -> bool:
    return drafts.save(session, draft_id, minutes.to_dict())


def suggested_next_review(held_on: date, policy: PolicyProfile, kind: str) -> date | None:
    """From the policy: after a planning meeting the first review's timescale (TRA: within
    3 months of the initial meeting), after a review the later reviews' (TRA: 6 months).
    None after a final meeting: it ends the plan (`rules.ends_plan`; WIR 3)."""
    if kind == "final":
        return None
    ts = policy.timescales.get("first_review" if kind in PLANNING_KINDS else "review")
    return due_date(held_on, ts) if ts else None


def finish(session: Session, meeting_id: uuid.UUID, minutes: Minutes, *, actor: str,
           now: datetime, draft_id: uuid.UUID | None = None) -> uuid.UUID | None:
    """Close the meeting: minutes stored, decisions recorded, and the next plan version
    (agreed at this meeting) made from them. Returns that version's id (None when the
    child has no plan to update)."""
    row = _meeting(session, meeting_id)
    if status_of(row) != "scheduled":
        raise MeetingError("meeting", f"this meeting is {status_of(row)}")
    _open_on(session, row, minutes.held_on, "held_on")
    problems = rules.minutes_problems(minutes, now.date())
    if problems:
        raise MeetingError(*problems[0])
    minutes = replace(minutes, ended_at=now.replace(microsecond=0))
    label = _agreed_at(row, minutes)
    version_id = None
    # New concerns begin a first plan only once the plan is started (TRA: the manager's
    # authorisation comes before it is written); before that they stay in the minutes.
    if plans.current_version_id(session, row.child_id) is not None or (
            minutes.new_concerns and plans.not_started(session, row.child_id) is None):
        version_id = plans.start_version(session, row.child_id, minutes.held_on, by=actor,
                                         at_meeting=True)
        draft = plans.load_version(session, version_id)
        updated = rules.updated_plan(draft, minutes, on=minutes.held_on,
                                     by=cases.author(session, actor)[1], meeting_label=label)
        plans.save_draft(session, version_id, updated, minutes.held_on, by=actor)
        plans.agree_version(session, version_id, minutes.held_on, agreed_at=label,
                            meeting_id=meeting_id)
    row.held, row.status, row.held_on = True, "held", minutes.held_on
    if minutes.booked_for is not None and minutes.started_at is not None:
        row.starts_at = from_england_time(minutes.started_at)  # when it was really held
    row.next_review = minutes.decisions.next_review
    row.still_in_need = minutes.decisions.still_in_need
    row.recommendation = minutes.decisions.recommendation
    row.minutes = json.dumps(minutes.to_dict(), ensure_ascii=False)
    session.add(row)
    _write_invitees(session, meeting_id, minutes.attendance)
    # TRA: a parent absent from a review is visited to gain agreement (the due list).
    safeguards.add_agreements(session, row, minutes.attendance, cases.store_policy(session))
    if draft_id is not None:
        drafts.discard(session, draft_id)
    session.flush()
    return version_id


def _open_on(session: Session, row: m.Meeting, held_on: date | None, field: str) -> None:
    """TRA, BEX 3: no CIN meeting is held on a closed case; minutes of one held by the
    closure day, typed later, are recorded."""
    what = "the " + in_sentence(rules.KIND_LABELS.get(row.kind, "meeting")) + " held"
    cases.require_open_on(session, row.child_id, held_on, what, MeetingError, field)


def _agreed_at(row: m.Meeting, minutes: Minutes) -> str:
    """The meeting the plan version was agreed at: "CIN review meeting 23 Nov 2026"."""
    return rules.meeting_label(row.kind, minutes.held_on)


def plan_checks_after(session: Session, meeting_id: uuid.UUID, minutes: Minutes,
                      today: date) -> list[tuple[str, str | None]]:
    """What the plan version agreed at this meeting would fail of the plan checks (WIR 2.3,
    BEX 3, TRA): said before the meeting ends, while the family is in the room to settle it,
    each with where in the minutes it is settled (`rules.check_place`; None: only in the
    plan editor). The version is the one `finish` makes (the draft in progress, else the
    newest version, updated from the minutes), built here and not stored. Empty when the
    child has no plan: a first plan made at a meeting is written in the plan editor."""
    row = _meeting(session, meeting_id)
    basis = plans.next_version_basis(session, row.child_id)
    if basis is None:
        return []
    plan = plans.load_version(session, basis)
    updated = rules.updated_plan(plan, minutes, on=minutes.held_on, by="",
                                 meeting_label=_agreed_at(row, minutes))
    from cintui.casework.lookup import check_plan

    first = session.get(m.Child, row.child_id).first_name  # "Mila's views" (WIR 2.5)
    return [(p.message, rules.check_place(plan, minutes, p.need, p.action, p.field))
            for p in check_plan(updated, today, first)]


# ---------------------------------------------------------------- distribution


DISTRIBUTION_METHODS = ("email", "post", "hand")


def record_distribution(session: Session, meeting_id: uuid.UUID,
                        recipients: list[tuple[str, uuid.UUID | None]], sent_on: date,
                        method: str = "email", today: date | None = None) -> list[Invitee]:
    """Who the minutes (and the updated plan) went to, and when. They are circulated (the
    clock on the caseload stops) once everyone present and every parent who did not attend
    has been sent them (BEX 3, TRA, WIR 2.8). Returns those still owed them."""
    row = _meeting(session, meeting_id)
    if not row.held:
        raise MeetingError("meeting", "minutes go out after the meeting is held")
    if not recipients:
        raise MeetingError("recipients", "say who the minutes were sent to")
    if sent_on < row.held_on:
        raise MeetingError("sent_on", "the minutes cannot go out before the meeting")
    if today is not None and sent_on > today:  # a day ahead would stop the clock early
        raise MeetingError("sent_on", f"{day_words(sent_on)} is in the future")
    if method not in DISTRIBUTION_METHODS:
        raise MeetingError("method", "email, post or hand")
    for name, person_id in recipients:
        session.add(m.MeetingDistribution(meeting_id=meeting_id, person_id=person_id,
                                          recipient=name.strip()[:200], sent_on=sent_on,
                                          method=method))
    session.flush()
    detail = load_meeting(session, meeting_id)
    attendance = detail.schedule.invitees
    sent = [(d.recipient, d.person_id, d.sent_on) for d in detail.distribution]
    if row.minutes_circulated is None:
        row.minutes_circulated = rules.circulated_on(attendance, sent)
    if row.plan_circulated is None:
        row.plan_circulated = rules.circulated_on(attendance, sent)
    session.add(row)
    session.flush()
    return rules.still_to_receive(attendance, [(name, person) for name, person, _ in sent])


def minutes_document(session: Session, meeting_id: uuid.UUID, today: date,
                     policy: PolicyProfile | None = None) -> rules.MinutesDocument:
    """The minutes of a held meeting with the plan agreed at it attached (for export)."""
    detail = load_meeting(session, meeting_id)
    if detail.minutes is None:
        raise MeetingError("meeting", "this meeting has no minutes yet: minute it first")
    child = session.get(m.Child, detail.child_id)
    plan = plans.load_version(session, detail.plan_version_id) \
        if detail.plan_version_id else None
    reviewed = detail.minutes.reviewed_version
    if reviewed is None and plan is not None and plan.number > 1:  # minutes before 0006
        reviewed = next((v.id for v in plans.versions(session, detail.child_id)
                         if v.number == plan.number - 1), None)
    before = plans.load_version(session, reviewed) if reviewed else None
    row = _meeting(session, meeting_id)
    due = None if row.minutes_circulated else minutes_due(
        detail.held_on, policy or cases.store_policy(session))
    s = detail.schedule
    worker = session.get(m.Worker, child.worker_id) if child.worker_id else None
    from cintui.casework.lookup import authority_name

    return rules.MinutesDocument(
        child_name=child.full_name, child_reference=child.reference, dob=child.dob,
        kind=s.kind, starts_at=_local(row.starts_at), venue=s.venue, chair=s.chair,
        chair_role=s.chair_role, minutes=detail.minutes, plan=plan, plan_before=before,
        sent_to=tuple((d.recipient, d.sent_on) for d in detail.distribution),
        minutes_due=due, produced_on=today, worker=worker.name if worker else "",
        authority=authority_name(session), booked_by=row.booked_by, booked_on=_booked_on(row))


def child_age(session: Session, child_id: uuid.UUID, on: date) -> int | None:
    child = session.get(m.Child, child_id)
    return age_years(child.dob, on) if child and child.dob else None


__all__ = [
    "Distribution", "MeetingDetail", "MeetingError", "MeetingRow", "MinutesDraft", "cancel",
    "child_age", "finish", "held_at_needed", "invitee_choices", "list_meetings",
    "load_meeting", "meeting_to_agree_at", "MinutedMeeting",
    "minutes_document", "minutes_drafts", "minutes_due", "rebook", "record_distribution", "save_minutes",
    "booked", "schedule", "start_minutes", "status_of", "suggested_next_review",
]


# ---------------------------------------------------------------- an early review (BEX 3)


def review_due(session: Session, child_id: uuid.UUID, today: date) -> date | None:
    """When the child's next review is due now (the engine's first_review or review)."""
    child = cases.require_child(session, child_id, MeetingError)
    due = [d.due for d in cases.child_deadlines(session, child, today)
           if d.key in ("first_review", "review")]
    return min(due) if due else None


def bring_review_forward(session: Session, child_id: uuid.UUID, *, by: date | None,
                         reason: str, today: date) -> m.Episode:
    """BEX 3: after a significant change in the family's circumstances, the review is
    brought forward to `by`: the review clock is due then until a meeting is held."""
    from cintui.domain.plan import early_review_problems

    episode = cases.require_episode(session, child_id, MeetingError)
    if episode.cin_plan_start is None or episode.closure_date is not None:
        raise MeetingError("child", "an early review is of a CIN plan: the child has none "
                           "open")
    current = review_due(session, child_id, today)
    problems = early_review_problems(by, reason, today, current)
    if problems:
        raise MeetingError(*problems[0])
    episode.early_review_by, episode.early_review_asked = by, today
    episode.early_review_reason = reason.strip()
    session.add(episode)
    session.flush()
    return episode
