"""The store's tables (SQLModel).

Every row has a UUID primary key and created/updated stamps (a later team-server sync
needs them). Coded fields hold DfE CIN census codes (DOMAIN.md §10) and are checked
on write by `check_row` (called from the session's flush hook in `store.audit`).
Names follow DOMAIN.md: child, episode, person, consent, visit, meeting.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from functools import cache
from operator import itemgetter
from types import SimpleNamespace

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlmodel import AutoString, Field, SQLModel

from cintui.domain import steps
from cintui.domain.text import all_plain, control_problem
from cintui.domain.workforce import ROLES
from cintui.reference import codes
from cintui.store import row_rules
from cintui.store.base import InvalidRow  # noqa: F401 (re-exported: m.InvalidRow)

CHILD_STATUSES = ("referral", "assessment", "cin_plan", "closed")
OPEN_STATUSES = ("referral", "assessment", "cin_plan")
WORKER_ROLES = ROLES  # domain.workforce.ROLE_LABELS
PERSON_KINDS = ("family", "professional")
CONSENT_SCOPES = ("service", "information_sharing", "meeting", "transfer")
CONSENT_DECISIONS = ("given", "refused", "withdrawn")
CONSENT_METHODS = ("written", "verbal")
VISIT_KINDS = ("home", "school", "office", "virtual", "other")
DRAFT_KINDS = ("visit", "minutes", "assessment", "form")
MEETING_KINDS = ("initial", "review", "final", "transfer_in")
MEETING_STATUSES = ("scheduled", "held", "cancelled")
ATTENDANCE = ("invited", "present", "apologies_report", "apologies", "absent")
RECOMMENDATIONS = ("", "continue", "step_down", "close", "strategy_discussion")
PLAN_VERSION_STATUSES = ("draft", "agreed", "superseded")  # domain.plan.VERSION_STATUSES
NEED_KINDS = ("worry", "strength")
RAG_RATINGS = ("R", "A", "G")
QUALITY_CHECK_KINDS = ("audit", "case_mapping", "step_audit")  # BEX 3; STO 7.13
ACTION_STATUSES = ("not_started", "in_progress", "done", "not_done")
# Endings (DOMAIN.md §7, BEX 3-4, WIR 3, TRA): revision 0008.
DECISION_KINDS = row_rules.DECISION_KINDS  # domain/endings.py
ENDING_KINDS = ("closure", "step_down", "transfer_out")
ENDING_STATUSES = ("recommended", "approved", "declined", "disputed", "completed", "withdrawn")
ACTIVE_ENDINGS = row_rules.ACTIVE_ENDINGS  # one at a time, of a kind: domain/endings.py
CONSENT_TO_SHARE = ("", "given", "refused", "not_sought")  # BEX 4, transfer to another LA
# Child protection enquiries (revision 0014): domain.child_protection.
STRATEGY_OUTCOMES = ("s47", "no_s47")
S47_OUTCOMES = ("", "icpc", "no_icpc")
FGC_STATUSES = ("referred", "held", "declined")  # domain.fgc.STATUSES (revision 0018)
SAFETY_KINDS = ("danger", "goal")  # domain.signs_of_safety.KINDS (revision 0019)
SHORT_BREAK_KINDS = ("overnight", "day", "community", "other")  # domain.short_breaks (0021)
HOURS_PER = ("week", "month")
PAY_PERIODS = ("week", "four_weeks", "month", "year")


_BLANK = {"server_default": ""}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def deferred_fk(target: str) -> list[ForeignKey]:
    """A foreign key checked at commit (DEFERRABLE INITIALLY DEFERRED), not per statement.

    The tables have no relationship(), so SQLAlchemy does not order one flush's INSERTs by
    foreign key (a child may go in before its team). Checked at commit, a dangling reference
    is still refused, on SQLite and PostgreSQL alike. Index every such column: while a
    violation is pending, SQLite looks up the referencing rows of each parent inserted (a
    table scan per row without an index: minutes for a 5,000-child demo).
    """
    return [ForeignKey(target, deferrable=True, initially="DEFERRED")]


class Row(SQLModel):
    """Columns every table carries."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class StoreMeta(SQLModel, table=True):
    __tablename__ = "store_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str


class Authority(Row, table=True):
    """The local authority the store belongs to (one row): its name on letters and packs,
    its DfE LA number on the census return. Its policy profile is in `store_meta`."""

    __tablename__ = "authority"

    name: str = Field(max_length=200)
    la_number: str = Field(max_length=3)


class Team(Row, table=True):
    __tablename__ = "team"

    name: str = Field(index=True, unique=True, max_length=120)
    service: str = Field(default="", max_length=120)
    manager_id: uuid.UUID | None = Field(  # revision 0009: the team manager
        default=None, index=True, sa_column_args=[ForeignKey(  # a worker has a team too:
            "worker.id", name="fk_team_manager", use_alter=True,  # the cycle is broken here
            deferrable=True, initially="DEFERRED")],
    )


class Worker(Row, table=True):
    __tablename__ = "worker"

    username: str = Field(index=True, unique=True, max_length=64)
    name: str = Field(max_length=120)
    role: str = Field(default="social_worker", max_length=32)
    team_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("team.id"), index=True,
    )
    email: str = Field(default="", max_length=200)
    active: bool = True
    left_on: date | None = None  # revision 0009: left; the history stays theirs


class Family(Row, table=True):
    """A household: siblings share one, so a parent is recorded once."""

    __tablename__ = "family"

    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=400)


class Child(Row, table=True):
    __tablename__ = "child"

    reference: str = Field(index=True, unique=True, max_length=32)  # LA child ID
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    known_as: str = Field(default="", max_length=100)
    dob: date | None = None
    expected_dob: date | None = None  # unborn child (WIR: midwife "if unborn")
    # The census Sex (M, F, U: U for an unborn child or not known; DfE from 2024-25);
    # revision 0014 moved the old GenderCurrent codes here (1 M, 2 F, 0 and 9 U).
    sex: str = Field(default="U", max_length=1)
    gender_identity: str = Field(default="", max_length=100)  # only as the worker records it
    ethnicity: str = Field(default="NOBT", max_length=4)
    disabilities: str = Field(default="NONE", max_length=100)  # space-separated codes
    upn: str = Field(default="", max_length=13)
    upn_unknown: str | None = Field(default=None, max_length=3)
    primary_need: str = Field(default="N0", max_length=2)
    level: str = Field(default="", max_length=80)  # the authority's own name (policy levels)
    service: str = Field(default="", max_length=120)
    team_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("team.id"), index=True,
    )
    worker_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("worker.id"), index=True,
    )
    family_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("family.id"), index=True,
    )
    status: str = Field(default="referral", max_length=16, index=True)
    # WAR 7.2: a disabled child's direct payments are `DirectPayment` rows (revision 0024).

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Episode(Row, table=True):
    """One referral → assessment → CIN plan → closure; a re-referral opens a new one."""

    __tablename__ = "episode"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    referral_date: date
    referral_source: str = Field(default="10", max_length=2)
    referral_nfa: bool = False
    primary_need: str = Field(default="N0", max_length=2)
    assessment_started: date | None = None
    # The census AssessmentAuthorisationDate: the line manager's authorisation (TRA), which
    # stops the assessment clock (DOMAIN.md §6). The worker's completion is below.
    assessment_completed: date | None = None
    assessment_factors: str = Field(default="", max_length=300)  # census: set on authorising
    initial_home_visit: date | None = None  # WAR 4.4.2 support start clock
    support_started: date | None = None
    cin_plan_start: date | None = None
    cin_plan_end: date | None = None
    closure_decided: date | None = None
    family_told_of_closure: date | None = None
    step_down_decided: date | None = None
    step_down_completed: date | None = None
    moved_in: date | None = None  # BEX 4: transfer-in, residence began
    closure_date: date | None = None
    closure_reason: str | None = Field(default=None, max_length=3)
    # STO 3.3: closed and stepped down to Early Help while needs were still unmet.
    unmet_need_stepped_down: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # The case's steps (domain.steps; revision 0010): how the referral came and the
    # decision on it; the assessment record under its headings (JSON), the factors chosen,
    # level of need and outcome, the worker's completion and the manager's authorisation;
    # the CIN plan's authorisation (TRA).
    referral_route: str = Field(default="", max_length=24, sa_column_kwargs=_BLANK)
    early_help_plan_on: date | None = None
    referral_decision: str = Field(default="", max_length=24, sa_column_kwargs=_BLANK)
    referral_decided_on: date | None = None
    referral_decided_by: str = Field(default="", max_length=200, sa_column_kwargs=_BLANK)
    assessment_record: str = Field(default="{}", sa_column_kwargs={"server_default": "{}"})
    factors_chosen: str = Field(default="", max_length=300, sa_column_kwargs=_BLANK)
    assessment_level: str = Field(default="", max_length=80, sa_column_kwargs=_BLANK)
    assessment_outcome: str = Field(default="", max_length=16, sa_column_kwargs=_BLANK)
    assessment_submitted: date | None = None
    assessment_authorised_by: str = Field(default="", max_length=200, sa_column_kwargs=_BLANK)
    cin_plan_authorised_by: str = Field(default="", max_length=200, sa_column_kwargs=_BLANK)
    # BEX 3 "If there are significant changes in the family circumstances, an early review
    # should take place" (revision 0018): the review brought forward, when and why it was
    # asked; a review held on or after `early_review_asked` answers it.
    early_review_by: date | None = None
    early_review_asked: date | None = None
    early_review_reason: str = Field(default="", sa_column_kwargs=_BLANK)
    # Revision 0027: a case imported from another system (`cintui import caseload`) is
    # recorded in full in cintui from this day; its dates before it are the old system's
    # few (the last visit, the last review), so the reports judge no gap that began before.
    recorded_from: date | None = None


class Circumstance(Row, table=True):
    """A fact about the child's circumstances from a date (WAR 2.2.2: young carer, privately
    fostered, asylum seeking, no recourse to public funds, parent in prison, SEN/EHCP).
    Never edited: a later row of the same kind replaces it ("no" ends it)."""

    __tablename__ = "circumstance"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    kind: str = Field(max_length=24)  # domain.steps.CIRCUMSTANCE_KEYS
    value: str = Field(max_length=24)
    recorded_on: date
    recorded_by: str = Field(default="", max_length=200)
    # Adult social care (WAR 4.2): who the family calls there, for the closure letters
    # (RC6): team, worker, phone, as the referral gave it; "" none (revision 0032).
    contact: str = Field(default="", max_length=300)


class ShortBreak(Row, table=True):
    """A disabled child's short-break package (WAR 7; TRA CAN team; BEX short breaks): the
    provider, its type, hours a week or a month, start, next review, end (revision 0021)."""

    __tablename__ = "short_break"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    provider: str = Field(max_length=200)
    kind: str = Field(max_length=16)  # domain.short_breaks.SHORT_BREAK_KINDS
    hours: float
    per: str = Field(max_length=8)  # "week" or "month"
    started_on: date
    review_due: date
    ended_on: date | None = None
    end_reason: str = Field(default="")
    notes: str = Field(default="")
    recorded_by: str = Field(default="", max_length=200)


class DirectPayment(Row, table=True):
    """A disabled child's direct payment (WAR 4.2, 7.2.1): the amount (in pence) a period,
    who manages it, start, next review (at least annually), end (revision 0021). Moved from
    the case steps' record (revision 0024), the amount is None and the period and the
    manager "": not recorded there."""

    __tablename__ = "direct_payment"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    amount_pence: int | None = None  # None: not recorded (moved by revision 0024)
    period: str = Field(max_length=12)  # domain.short_breaks.PAY_PERIODS, "" not recorded
    managed_by: str = Field(max_length=200)
    started_on: date
    review_due: date
    ended_on: date | None = None
    end_reason: str = Field(default="")
    notes: str = Field(default="")
    recorded_by: str = Field(default="", max_length=200)


class SupportReview(Row, table=True):
    """A review of a short break or a direct payment: when, by whom, what was found, the
    next review set. Never edited (revision 0021)."""

    __tablename__ = "support_review"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    short_break_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("short_break.id"), index=True,
    )
    direct_payment_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("direct_payment.id"), index=True,
    )
    reviewed_on: date
    reviewed_by: str = Field(default="", max_length=200)
    notes: str = Field(default="")
    next_due: date


class Person(Row, table=True):
    """Someone around a child: family network or a professional (DOMAIN.md §1)."""

    __tablename__ = "person"

    name: str = Field(max_length=200)
    kind: str = Field(default="family", max_length=16)
    agency: str = Field(default="", max_length=200)  # professionals: school, GP, ...
    role: str = Field(default="", max_length=120)  # professionals: DSL, health visitor, ...
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=400)
    interpreter_language: str = Field(default="", max_length=80)
    access_needs: str = Field(default="", max_length=400)


class ChildPerson(Row, table=True):
    """How a person relates to one child (a mother of two siblings has two rows here)."""

    __tablename__ = "child_person"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    person_id: uuid.UUID = Field(sa_column_args=deferred_fk("person.id"), index=True)
    relationship: str = Field(default="", max_length=80)  # Mother, Grandfather, Class teacher
    parental_responsibility: bool = False
    lives_with_child: bool = False
    notes: str = Field(default="")


class Consent(Row, table=True):
    """DOMAIN.md §2 (WAR 4.2, WIR 2.1-2.2, BEX 4)."""

    __tablename__ = "consent"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    person_id: uuid.UUID | None = Field(  # None: the child
        default=None, sa_column_args=deferred_fk("person.id"), index=True,
    )
    scope: str = Field(max_length=24)
    decision: str = Field(max_length=16)
    decided_on: date
    method: str = Field(default="written", max_length=16)
    notes: str = Field(default="")
    # BEX 4: shared without consent because seeking it would place the child at risk.
    override_without_consent: bool = False
    override_rationale: str = Field(default="")
    # WIR 2.2: the withheld-consent path.
    withheld_reasons: str = Field(default="")
    alternative_support: str = Field(default="")
    alternative_monitoring: str = Field(default="", sa_column_kwargs={"server_default": ""})
    reflective_discussion_on: date | None = None
    withheld_decision: str = Field(default="", max_length=40)
    withheld_analysis: str = Field(default="")
    decided_by_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("worker.id"), index=True,
    )


class Visit(Row, table=True):
    """A statutory visit (WIR 2.11). The visit-logging issue adds the recorded headings."""

    __tablename__ = "visit"
    # Revision 0026: the caseload reads these columns from the index alone.
    __table_args__ = (Index("ix_visit_seen", "child_id", "status", "child_seen", "seen_alone",
                            "kind", "visited_at"),)

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"))  # indexed: __table_args__
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    visited_at: datetime
    kind: str = Field(default="home", max_length=16)
    child_seen: bool = True
    seen_alone: bool = False
    bedroom_seen: bool = False
    status: str = Field(default="final", max_length=16)  # final (drafts live in `draft`)
    author_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("worker.id"), index=True,
    )
    author_name: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    finalised_at: datetime | None = None
    # WIR 2.11 headings (domain.visit.HEADINGS), in order.
    purpose: str = Field(default="", sa_column_kwargs={"server_default": ""})
    childs_comments: str = Field(default="", sa_column_kwargs={"server_default": ""})
    childs_welfare: str = Field(default="", sa_column_kwargs={"server_default": ""})
    parents_comments: str = Field(default="", sa_column_kwargs={"server_default": ""})
    health: str = Field(default="", sa_column_kwargs={"server_default": ""})
    education: str = Field(default="", sa_column_kwargs={"server_default": ""})
    care_and_support: str = Field(default="", sa_column_kwargs={"server_default": ""})
    analysis: str = Field(default="", sa_column_kwargs={"server_default": ""})


class VisitPresent(Row, table=True):
    """Someone else at a visit: from the child's People, or a name typed."""

    __tablename__ = "visit_present"

    visit_id: uuid.UUID = Field(sa_column_args=deferred_fk("visit.id"), index=True)
    person_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("person.id"), index=True,
    )
    position: int = 0
    name: str = Field(max_length=200)


class VisitAddendum(Row, table=True):
    """A dated, attributed correction under a finalised visit (never an edit of it)."""

    __tablename__ = "visit_addendum"

    visit_id: uuid.UUID = Field(sa_column_args=deferred_fk("visit.id"), index=True)
    written_at: datetime
    author_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("worker.id"), index=True,
    )
    author_name: str = Field(default="", max_length=200)
    text: str


class VisitAction(Row, table=True):
    """A plan action progressed at a visit: the status it was given there."""

    __tablename__ = "visit_action"

    visit_id: uuid.UUID = Field(sa_column_args=deferred_fk("visit.id"), index=True)
    version_id: uuid.UUID = Field(sa_column_args=deferred_fk("plan_version.id"), index=True)
    action_key: uuid.UUID
    status: str = Field(max_length=16)


class Draft(Row, table=True):
    """Work in progress saved as it is typed (a visit, minutes, the assessment record):
    survives a killed process.

    Not yet part of the record: starting and ending a draft are audited, the autosaves of
    its text are not (`__audit_quiet__`); finalising writes the record, audited in full."""

    __tablename__ = "draft"
    __audit_quiet__ = ("payload", "saved_at")

    kind: str = Field(max_length=16)  # DRAFT_KINDS
    # None: a child not yet on the record (the new-child form; revision 0029), its owner's
    child_id: uuid.UUID | None = Field(default=None, sa_column_args=deferred_fk("child.id"),
                                       index=True)
    owner: str = Field(max_length=64)  # the actor who writes it
    subject_id: uuid.UUID | None = None  # e.g. the meeting being minuted
    payload: str = Field(default="{}")  # JSON
    saved_at: datetime = Field(default_factory=utcnow)


class Meeting(Row, table=True):
    """A CIN meeting (DOMAIN.md §5). The meetings issue adds minutes and attendance."""

    __tablename__ = "meeting"
    # Revision 0026: the caseload reads these columns from the index alone.
    __table_args__ = (Index("ix_meeting_held", "child_id", "held", "kind", "held_on",
                            "next_review", "minutes_circulated", "plan_circulated"),)

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"))  # indexed: __table_args__
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    kind: str = Field(max_length=16)
    held_on: date
    held: bool = False  # False: scheduled, not yet held
    next_review: date | None = None
    minutes_circulated: date | None = None
    plan_circulated: date | None = None
    # Scheduling (WIR 2.8-2.9, BEX 3) and the outcome (the meetings issue, revision 0006).
    status: str = Field(default="scheduled", max_length=16,
                        sa_column_kwargs={"server_default": "scheduled"})
    starts_at: datetime | None = None
    venue: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    chair: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    chair_role: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    practical: str = Field(default="[]", sa_column_kwargs={"server_default": "[]"})  # JSON
    cancelled_reason: str = Field(default="", sa_column_kwargs={"server_default": ""})
    rebooked_from_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("meeting.id"), index=True,
    )
    minutes: str = Field(default="", sa_column_kwargs={"server_default": ""})  # JSON, once held
    still_in_need: bool | None = None
    recommendation: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    # The plan version it produced links back to it (plan_version.meeting_id).
    # Safeguards (revision 0020): the child invited, or why anyone is not (BEX 3, WIR 2.3);
    # when the papers went out (WIR 2.3); who was told of a cancellation (WIR 2.9), a line
    # each.
    child_invited: bool = False
    not_invited_reason: str = Field(default="", sa_column_kwargs={"server_default": ""})
    papers_sent_on: date | None = None
    cancel_told: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # Who booked (or rebooked) it, by name, written with the booking; the day is `created_at`
    # (revision 0033: the audit trail's insert entry is not readable by a worker's login
    # on a team server, nor on a laptop's replica). "" before it, or brought by an import
    # or an older transfer-in pack; a pack's meeting is dated when it was booked there.
    booked_by: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class MeetingAgreement(Row, table=True):
    """TRA: a parent who did not attend a review, visited to gain their agreement to its
    decisions: due by the policy's working days, then the visit and what they said
    (revision 0020)."""

    __tablename__ = "meeting_agreement"

    meeting_id: uuid.UUID = Field(sa_column_args=deferred_fk("meeting.id"), index=True)
    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    person_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("person.id"), index=True,
    )
    name: str = Field(max_length=200)
    due: date
    visited_on: date | None = None
    outcome: str = Field(default="", max_length=16)  # "", AGREEMENT_OUTCOMES
    notes: str = Field(default="")
    recorded_by: str = Field(default="", max_length=200)


class NonEngagement(Row, table=True):
    """WIR 2.10: the steps taken with a family who is uncooperative or hostile, recorded as
    a guided path per episode (revision 0020); `completed_on` once every step is."""

    __tablename__ = "non_engagement"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    started_on: date
    recorded_by: str = Field(default="", max_length=200)
    why: str = Field(default="")
    history: str = Field(default="")
    culture: str = Field(default="")
    requirements: str = Field(default="")
    communication: str = Field(default="")
    records: str = Field(default="")
    completed_on: date | None = None


class MeetingInvitee(Row, table=True):
    """Someone invited to a meeting, and whether they came (WIR 2.3, 2.8)."""

    __tablename__ = "meeting_invitee"

    meeting_id: uuid.UUID = Field(sa_column_args=deferred_fk("meeting.id"), index=True)
    person_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("person.id"), index=True,
    )
    position: int = 0
    name: str = Field(max_length=200)
    role: str = Field(default="", max_length=200)
    is_parent: bool = False
    attendance: str = Field(default="invited", max_length=20)
    added_on_the_day: bool = False


class MeetingDistribution(Row, table=True):
    """Minutes (and the updated plan) sent to someone, and when (WIR 2.3, 2.7, 2.8)."""

    __tablename__ = "meeting_distribution"

    meeting_id: uuid.UUID = Field(sa_column_args=deferred_fk("meeting.id"), index=True)
    person_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("person.id"), index=True,
    )
    recipient: str = Field(max_length=200)
    sent_on: date
    method: str = Field(default="email", max_length=20)


class Plan(Row, table=True):
    """A child's CIN plan for one episode (DOMAIN.md §3); its content is in versions."""

    __tablename__ = "plan"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )


class PlanVersion(Row, table=True):
    """One version: draft → agreed (at a meeting, or by a named person) → superseded."""

    __tablename__ = "plan_version"
    # Revision 0026: the caseload reads these columns from the index alone.
    __table_args__ = (Index("ix_plan_version_in_force", "child_id", "status", "number", "id"),)

    plan_id: uuid.UUID = Field(sa_column_args=deferred_fk("plan.id"), index=True)
    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"))  # indexed: __table_args__
    number: int
    status: str = Field(default="draft", max_length=16)
    created_on: date
    agreed_on: date | None = None
    agreed_at: str = Field(default="", max_length=200)
    agreed_by: str = Field(default="", max_length=200)
    meeting_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("meeting.id"), index=True,
    )
    objectives: str = Field(default="")
    lead_professional: str = Field(default="", max_length=200)
    review_arrangements: str = Field(default="")
    next_review: date | None = None
    childs_views: str = Field(default="")
    lived_experience: str = Field(default="")
    # The visit frequency agreed in the plan (BEX 3, TRA); None: the policy's.
    visit_every_amount: int | None = None
    visit_every_unit: str | None = Field(default=None, max_length=16)
    # Revision 0018, the plan's exit (BEX 3, STO 6.3): the bottom lines, what happens if the
    # plan is not successful, and what "good enough" looks like for the plan to end.
    bottom_lines: str = Field(default="", sa_column_kwargs=_BLANK)
    if_not_met: str = Field(default="", sa_column_kwargs=_BLANK)
    good_enough: str = Field(default="", sa_column_kwargs=_BLANK)


class PlanService(Row, table=True):
    """A service in a plan version and its purpose (WIR 2.7)."""

    __tablename__ = "plan_service"

    version_id: uuid.UUID = Field(sa_column_args=deferred_fk("plan_version.id"), index=True)
    position: int = 0
    name: str = Field(max_length=200)
    purpose: str = Field(default="")


class PlanNeed(Row, table=True):
    """One row of the three-column plan (BEX 2). `key` is the same in every version of it."""

    __tablename__ = "plan_need"
    # Revision 0026: the caseload reads these columns from the index alone.
    __table_args__ = (Index("ix_plan_need_rag", "version_id", "rag", "id"),)

    version_id: uuid.UUID = Field(sa_column_args=deferred_fk("plan_version.id"))  # indexed: __table_args__
    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    key: uuid.UUID = Field(index=True)
    position: int = 0
    kind: str = Field(default="worry", max_length=16)
    now: str = Field(default="")
    outcome: str = Field(default="")
    evidence: str = Field(default="")
    rag: str = Field(default="A", max_length=1)


class PlanAction(Row, table=True):
    """Column 3: who does what by when; `key` is the same in every version of it."""

    __tablename__ = "plan_action"
    # Revision 0026: the caseload reads these columns from the index alone.
    __table_args__ = (Index("ix_plan_action_owner", "need_id", "who", "by_when"),)

    need_id: uuid.UUID = Field(sa_column_args=deferred_fk("plan_need.id"))  # indexed: __table_args__
    version_id: uuid.UUID = Field(sa_column_args=deferred_fk("plan_version.id"), index=True)
    key: uuid.UUID
    position: int = 0
    what: str = Field(default="")
    who: str = Field(default="", max_length=200)
    person_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("person.id"), index=True,
    )
    by_when: date | None = None
    status: str = Field(default="not_started", max_length=16)
    notes: str = Field(default="")


class RagChange(Row, table=True):
    """A need's rating, dated and attributed (WIR 2.3-2.6), kept across versions by key."""

    __tablename__ = "rag_change"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    need_key: uuid.UUID = Field(index=True)
    version_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("plan_version.id"), index=True,
    )
    rated_on: date
    rating: str = Field(max_length=1)
    previous: str | None = Field(default=None, max_length=1)
    by: str = Field(default="", max_length=200)
    reason: str = Field(default="")
    maintained_for: str = Field(default="", max_length=120)
    agreed_at: str = Field(default="", max_length=200)
    cp_discussion: str = Field(default="")


class QualityCheck(Row, table=True):
    """BEX 3: every child with a CIN plan has a quality-assurance audit or a case-mapping
    reflective discussion, facilitated by the independent professional standards service."""

    __tablename__ = "quality_check"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    kind: str = Field(max_length=16)  # "audit" | "case_mapping"
    held_on: date
    facilitator: str = Field(default="", max_length=200)
    needs_met: bool | None = None  # the check's answer: is the plan meeting the child's needs?
    findings: str = Field(default="")
    recorded_by_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("worker.id"), index=True,
    )


class Supervision(Row, table=True):
    """A manager's supervision of a child's case (STO 4.5, 8.5; WAR 12): who was there,
    the discussion, the decisions (case direction) and when the next is due."""

    __tablename__ = "supervision"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    held_on: date
    manager_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("worker.id"), index=True,
    )
    manager: str = Field(max_length=200)
    present: str = Field(default="")
    discussion: str = Field(default="")
    decisions: str = Field(default="")
    next_due: date | None = None


class SupervisionAction(Row, table=True):
    """An action agreed in supervision: who does what by when (joins the worker's due list)."""

    __tablename__ = "supervision_action"

    supervision_id: uuid.UUID = Field(sa_column_args=deferred_fk("supervision.id"), index=True)
    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    position: int = 0
    what: str = Field(default="")
    who: str = Field(default="", max_length=200)
    by_when: date | None = None
    status: str = Field(default="not_started", max_length=16)


class FamilyGroupConference(Row, table=True):
    """A Family Group Conference (WAR 4.2, 9.3; STO 6.13, 7.5): referred, then held (the
    family's own plan, its actions joined to the CIN plan) or declined (revision 0018)."""

    __tablename__ = "family_group_conference"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    status: str = Field(default="referred", max_length=16)
    referred_on: date
    referred_by: str = Field(default="", max_length=200)
    coordinator: str = Field(default="", max_length=200)
    held_on: date | None = None
    declined_on: date | None = None
    family_plan: str = Field(default="")
    reason: str = Field(default="")
    plan_version_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("plan_version.id"), index=True,
    )


class SafetyStatement(Row, table=True):
    """Signs of Safety (STO 6.3): a danger statement or a safety goal beside the child's CIN
    plan (revision 0019); one rewritten replaces the earlier (`replaces_id`), kept."""

    __tablename__ = "safety_statement"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    kind: str = Field(max_length=16)  # domain.signs_of_safety.KINDS
    number: int  # D1, D2 … / G1 … per child and kind, in the order recorded
    written_on: date
    text: str = Field(default="")
    by: str = Field(default="", max_length=200)
    danger_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("safety_statement.id"), index=True,
    )
    replaces_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("safety_statement.id"), index=True,
    )
    meeting_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("meeting.id"), index=True,
    )


class SafetyScaling(Row, table=True):
    """Signs of Safety (STO 6.3): one person's score (0-10) of how safe the child is, with
    who gave it and their role or relationship, at a meeting or not (revision 0019)."""

    __tablename__ = "safety_scaling"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    scaled_on: date
    score: int
    who: str = Field(max_length=200)
    role: str = Field(max_length=200)
    why: str = Field(default="")
    question: str = Field(default="")
    recorded_by: str = Field(default="", max_length=200)
    meeting_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("meeting.id"), index=True,
    )


class Gcp2Assessment(Row, table=True):
    """A Graded Care Profile 2 (STO 4.3, 6.11, 7.1; TRA): the date, the assessor, a grade
    1-5 per area and the worker's summary; never the scale's licensed text (revision 0019)."""

    __tablename__ = "gcp2_assessment"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    assessed_on: date
    assessor: str = Field(max_length=200)
    physical: int
    safety: int
    love: int
    esteem: int
    summary: str = Field(default="")
    recorded_by: str = Field(default="", max_length=200)


class Gcp2Need(Row, table=True):
    """A GCP2 attached to a need of the CIN plan (by the need's key, the same in every
    version of it)."""

    __tablename__ = "gcp2_need"

    gcp2_id: uuid.UUID = Field(sa_column_args=deferred_fk("gcp2_assessment.id"), index=True)
    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    need_key: uuid.UUID = Field(index=True)
    need_text: str = Field(default="")  # column 1 as it read when attached


class Disclosure(Row, table=True):
    """What was shared outside the service, by whom, for whom and why (STO 4.5 "all agencies
    are aware of the CIN status"; WAR 4.3): one row per export to partners (revision 0018),
    so the audit trail holds who exported what for whom."""

    __tablename__ = "disclosure"

    kind: str = Field(max_length=32)  # "cin_status"
    exported_on: date
    exported_by: str = Field(max_length=200)
    recipient: str = Field(max_length=200)  # for whom: the agency
    purpose: str = Field(default="")
    scope: str = Field(default="", max_length=200)  # the team, or "" for every team
    children: int = 0
    refs: str = Field(default="")  # the case references shared, one per line
    file: str = Field(default="", max_length=400)


class ChildProtectionEnquiry(Row, table=True):
    """A strategy discussion and what followed it (Working Together; BEX 3: a Red need or a
    deteriorating case): a section 47 enquiry, its outcome, and the initial child protection
    conference (ICPC): its target date and when it was held, or that none was needed. One
    census Section47 module once the enquiry has started."""

    __tablename__ = "cp_enquiry"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID = Field(sa_column_args=deferred_fk("episode.id"), index=True)
    strategy_on: date
    strategy_outcome: str = Field(max_length=8)  # STRATEGY_OUTCOMES
    strategy_notes: str = Field(default="")
    s47_started: date | None = None
    icpc_target: date | None = None
    s47_outcome: str = Field(default="", max_length=8)  # S47_OUTCOMES
    s47_concluded: date | None = None
    icpc_held: date | None = None
    recorded_by: str = Field(default="", max_length=200)


class Ending(Row, table=True):
    """One ending process of an episode (DOMAIN.md §7): closure (TRA, BEX 3), step-down to
    early help (WIR 3) or transfer to another authority (BEX 4). Recommended, decided by a
    manager (a `decision` row with the rationale), then completed; a dispute goes to the team
    manager, then the service manager."""

    __tablename__ = "ending"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID = Field(sa_column_args=deferred_fk("episode.id"), index=True)
    kind: str = Field(max_length=16)  # ENDING_KINDS
    status: str = Field(default="recommended", max_length=16)  # ENDING_STATUSES
    recommended_on: date
    recommended_by: str = Field(default="", max_length=200)
    meeting_id: uuid.UUID | None = Field(  # the final meeting that recommended it
        default=None, sa_column_args=deferred_fk("meeting.id"), index=True,
    )
    decided_on: date | None = None
    decided_by: str = Field(default="", max_length=200)
    rationale: str = Field(default="")
    family_told_on: date | None = None  # BEX 3: within 5 working days of the decision
    closure_reason: str | None = Field(default=None, max_length=3)  # RC1-RC9
    unmet_need: bool | None = None  # STO 3.3: stepped down with needs still unmet
    closure_summary: str = Field(default="")
    # The dispute path (BEX 3): team manager, then service manager.
    dispute_raised_on: date | None = None
    dispute_raised_by: str = Field(default="", max_length=200)
    dispute_details: str = Field(default="")
    escalated_to_service_manager_on: date | None = None
    dispute_outcome: str = Field(default="")
    # Step-down (WIR 3) and transfer (BEX 4): the step-down and transfer packs.
    receiving_service: str = Field(default="", max_length=200)
    lead_professional: str = Field(default="", max_length=200)
    lead_contact: str = Field(default="", max_length=200)
    conversation_held: bool | None = None
    conversation_notes: str = Field(default="")
    family_consent: bool | None = None  # to the Level 3 service
    documents: str = Field(default="[]")  # JSON list of the documents that go
    receiving_authority: str = Field(default="", max_length=200)
    receiving_contact: str = Field(default="", max_length=200)
    move_date: date | None = None
    consent_to_share: str = Field(default="", max_length=16)  # CONSENT_TO_SHARE
    consent_not_sought_reason: str = Field(default="")
    moves_count: int | None = None
    trafficking_considered: str = Field(default="")
    # Revision 0028, BEX 4: the move's impact on the child; the parents told to register
    # the child with a school and a GP there; gaps in the new area's services; the agencies
    # asked to pass records to their counterparts; advice before sharing without permission.
    move_impact: str = Field(default="")
    responsibilities_told: str = Field(default="")
    service_gaps: str = Field(default="")
    agencies_asked: str = Field(default="")
    sharing_advice: str = Field(default="")
    completed_on: date | None = None


class Decision(Row, table=True):
    """BEX 4: "all actions, decisions and arrangements … management decisions, which should
    identify the rationale": what was decided, why, by whom and when."""

    __tablename__ = "decision"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    episode_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("episode.id"), index=True,
    )
    kind: str = Field(max_length=16)  # DECISION_KINDS
    made_on: date
    made_by: str = Field(max_length=200)
    made_by_role: str = Field(default="", max_length=120)
    made_by_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("worker.id"), index=True,
    )
    decision: str
    rationale: str
    ending_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("ending.id"), index=True,
    )


class Reallocation(Row, table=True):
    """A child moved from one worker to another (revision 0009): dated, who did it, why.
    The child's worker and team change with it; this row keeps the history."""

    __tablename__ = "reallocation"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    from_worker_id: uuid.UUID | None = Field(  # None: the child had no worker
        default=None, sa_column_args=deferred_fk("worker.id"), index=True,
    )
    to_worker_id: uuid.UUID = Field(sa_column_args=deferred_fk("worker.id"), index=True)
    reallocated_on: date
    by: str = Field(max_length=200)
    reason: str = Field(default="")


class ChildAccess(Row, table=True):
    """A child restricted to named workers (revision 0016), set by a manager: while a child has
    any row here, on a team server only the workers named see its record (row-level
    security, store/server.py). One row per worker named."""

    __tablename__ = "child_access"

    child_id: uuid.UUID = Field(sa_column_args=deferred_fk("child.id"), index=True)
    worker_id: uuid.UUID = Field(sa_column_args=deferred_fk("worker.id"), index=True)


class Erasure(Row, table=True):
    """A manager's decision to erase a closed record past its retention (UK GDPR Art. 5(1)(e);
    revision 0023): the case reference, when, by whom and why, and how much went, without
    the personal data. `entries` lists the audit entries whose recorded values were blanked
    ("seq hash" a line): `audit.verify` accepts a blanked entry only when an erasure names it.
    """

    __tablename__ = "erasure"

    reference: str = Field(max_length=32, index=True)
    erased_on: date
    erased_by: str = Field(max_length=200)
    erased_by_role: str = Field(default="", max_length=120)
    reason: str
    closed_on: date | None = None
    kept_until: date | None = None
    records: int = 0
    entries: str = Field(default="")


SYNC_CONFLICT_KINDS = ("both_changed", "deleted_on_server", "refused")
SYNC_CHOICES = ("", "mine", "theirs")


class SyncDevice(Row, table=True):
    """A laptop that keeps a replica of its worker's cases and syncs with the team server
    (revision 0025; store/sync.py). On the server only: one row a laptop, written by the
    worker's own login as it syncs; a manager revokes one (a lost laptop)."""

    __tablename__ = "sync_device"

    device: str = Field(max_length=64, unique=True, index=True)  # the laptop store's id
    login: str = Field(max_length=64, index=True)
    label: str = Field(default="", max_length=200)  # the laptop's name, as it said
    received_seq: int = 0  # the laptop's audit entries the server holds: 1..received_seq
    received_hash: str = Field(default="0" * 64, max_length=64)
    last_sync_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str = Field(default="", max_length=64)


class DeviceEntry(SQLModel, table=True):
    """A laptop's audit entry as it arrived on the team server (revision 0025): the laptop's
    own chain, kept whole and in order, so `audit verify` on the server checks every
    laptop's chain besides its own, and shows who recorded what, where, and when it
    arrived. Written once by the worker's login; read by the audit role."""

    __tablename__ = "device_entry"

    device: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)
    at: datetime
    actor: str = Field(max_length=64)
    action: str = Field(max_length=8)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=64, index=True)  # the records' entries (revision 0035)
    changes: str
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    arrived_at: datetime = Field(default_factory=utcnow)


class SyncConflict(Row, table=True):
    """A change recorded on a laptop that the team server could not take as it was
    (revision 0025): both sides changed the same field (`both_changed`), the record was
    deleted on the server (`deleted_on_server`), or the server refused it (`refused`, with
    its reason). Both versions are kept (values as canonical JSON) until the worker
    chooses: `mine` or `theirs`. Made by the server as a laptop syncs; resolved on the
    laptop, and the choice travels back as any change does. `theirs_by` and `theirs_at`:
    who last changed the server's copy and when (the worker's login cannot read the trail:
    `cintui_conflict_changes()` on the server, store/server.py)."""

    __tablename__ = "sync_conflict"

    device: str = Field(max_length=64, index=True)
    child_id: uuid.UUID | None = Field(
        default=None, sa_column_args=deferred_fk("child.id"), index=True)
    kind: str = Field(max_length=20)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=64, index=True)
    field: str = Field(default="", max_length=64)  # "" for the whole record
    base: str = Field(default="null")  # what the laptop had before its change
    mine: str = Field(default="null")  # the laptop's version (a whole row: an object)
    theirs: str = Field(default="null")  # the server's version (null: not on the server)
    reason: str = Field(default="")
    recorded_at: datetime = Field(default_factory=utcnow)  # when the laptop made its change
    status: str = Field(default="open", max_length=10)  # open | resolved
    chosen: str = Field(default="", max_length=10)
    resolved_by: str = Field(default="", max_length=64)
    resolved_at: datetime | None = None
    # Who last changed (or deleted) the server's copy, and when: its newest audit entry on
    # the server, read by the server as the conflict is made (revision 0031; "" and None:
    # not known, a conflict made before it, or a change made outside cintui).
    theirs_by: str = Field(default="", max_length=64)
    theirs_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Append-only, hash-chained (STORE_NOTES.md). Written in the same transaction."""

    __tablename__ = "audit_log"

    seq: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=8)  # insert | update | delete
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=64, index=True)
    changes: str  # canonical JSON: {field: [before, after]}
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # Revision 0016: the server transaction that wrote it (set by the server's trigger on a
    # team server; None elsewhere). Not hashed: `verify` matches it against the server's log
    # of changes to find those made around cintui.
    txid: int | None = Field(default=None, sa_type=BigInteger, index=True)


class AppliedRequest(SQLModel, table=True):
    """A CLI write made with `--request-id` (revision 0022): written in the same transaction
    as the write itself, so a retry of the same request applies once (store/requests.py).
    Not a record of the child: no `id`, not audited (the write it names is), not synced."""

    __tablename__ = "applied_request"

    actor: str = Field(primary_key=True, max_length=64)
    request_id: str = Field(primary_key=True, max_length=100)
    command: str = Field(max_length=200)  # "child add", "import caseload", ...
    fingerprint: str = Field(max_length=64)  # sha256 of the command and its options
    applied_at: datetime
    first_seq: int | None = None  # the audit entries the write made
    last_seq: int | None = None
    done: bool = False  # a batched write (an import) is finished
    exit_code: int | None = None
    result: str | None = None  # what the command printed (stdout), once it had printed it


def _one_of(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidRow(field, f"{value!r} is not one of: {', '.join(allowed)}")


@cache
def _text_columns(model: type[SQLModel]) -> tuple[tuple[str, bool], ...]:
    """(name, multi-line) for each text column: one with a length is a line (a name, a code),
    one without is prose (notes, analysis) and may hold line feeds and tabs."""
    return tuple((c.name, c.type.length is None)
                 for c in model.__table__.columns  # type: ignore[attr-defined]
                 if isinstance(c.type, AutoString))


def _check_text(row: object, model: type[SQLModel]) -> None:
    """Plain text only (Trust: output is inert): no escape sequence reaches the store."""
    for name, multiline in _text_columns(model):
        value = getattr(row, name)
        if value and (problem := control_problem(value, multiline)):
            raise InvalidRow(name, problem)


def check_rows(rows: list[dict], model: type[SQLModel]) -> None:
    """`check_row` for each of many plain rows (a bulk insert), with the same first error.

    Each text column is searched once, all its values joined by a space, which every text
    column takes; only when that finds something are the rows' texts checked one by one,
    to name the first row's problem."""
    texts_ok = True
    for name, multiline in _text_columns(model):
        values = list(filter(None, map(itemgetter(name), rows)))  # each column's given texts
        if not set(map(type, values)) <= {str} or not all_plain(values, multiline):
            texts_ok = False
            break
    if texts_ok and not _has_row_rules(model):
        return  # a link, a note of who was present...: its texts were all there was to check
    for row in rows:
        check_row(SimpleNamespace(**row), model, texts=not texts_ok)


class _Read(BaseException):  # not an Exception: no rule's `except` can take it for its own
    """A value of `_Unread` was asked for."""


class _Unread:
    """A row that stops `check_row` at the first value it reads."""

    def __getattr__(self, name: str) -> object:
        raise _Read(name)


@cache
def _has_row_rules(model: type[SQLModel]) -> bool:
    """Does `check_row` check anything of this model's rows but their texts? It reads a
    value of every row it has a rule for (the rules are chosen by the model alone), so one
    row with no values tells, once per model; a bulk insert of a model with none (a third
    of the demo's rows) then skips the rows one by one (issue 21)."""
    try:
        check_row(_Unread(), model, texts=False)
    except _Read:
        return True
    return False


def check_row(row: object, model: type[SQLModel] | None = None, *, texts: bool = True) -> None:
    """Validate text, coded and enumerated fields before they reach the database.

    `row` is a model instance, or any object with its attributes (e.g. a SimpleNamespace
    of a plain row) when `model` names its table: bulk inserts are checked the same way
    (`check_rows`; `texts=False` when it has checked the texts itself).
    """
    model = model or type(row)
    if texts:
        _check_text(row, model)
    if issubclass(model, Child):
        codes.check("sex", row.sex, "sex", required=True)
        codes.check("ethnicity", row.ethnicity, "ethnicity", required=True)
        codes.check_multi("disabilities", row.disabilities, "disability")
        codes.check("primary_need", row.primary_need, "primary_need", required=True)
        codes.check("upn_unknown", row.upn_unknown, "upn_unknown")
        _one_of("status", row.status, CHILD_STATUSES)
        if not row.first_name.strip() and not row.last_name.strip():
            raise InvalidRow("name", "a child needs a first or last name")
        if not row.reference.strip():
            raise InvalidRow("reference", "a child needs a case reference")
        if row.dob is None and row.expected_dob is None:
            raise InvalidRow("dob", "give a date of birth, or an expected date if unborn")
    elif issubclass(model, Episode):
        codes.check("referral_source", row.referral_source, "referral_source", required=True)
        codes.check("primary_need", row.primary_need, "primary_need", required=True)
        codes.check("closure_reason", row.closure_reason, "closure_reason")
        codes.check_multi("assessment_factors", row.assessment_factors, "assessment_factor")
        codes.check_multi("factors_chosen", row.factors_chosen, "assessment_factor")
        _one_of("referral_route", row.referral_route, ("", *steps.ROUTES))
        _one_of("referral_decision", row.referral_decision, ("", *steps.REFERRAL_DECISIONS))
        _one_of("assessment_outcome", row.assessment_outcome, ("", *steps.OUTCOMES))
        if (row.closure_date is None) != (row.closure_reason is None):
            raise InvalidRow("closure_reason", "a closure reason is given iff there is a closure date")
    elif issubclass(model, Circumstance):
        _one_of("kind", row.kind, steps.CIRCUMSTANCE_KEYS)
        _one_of("value", row.value, (steps.NOT_APPLICABLE,
                                     *steps.circumstance(row.kind).values))
    elif issubclass(model, Worker):
        _one_of("role", row.role, WORKER_ROLES)
    elif issubclass(model, Person):
        _one_of("kind", row.kind, PERSON_KINDS)
    elif issubclass(model, Consent):
        _one_of("scope", row.scope, CONSENT_SCOPES)
        _one_of("decision", row.decision, CONSENT_DECISIONS)
        _one_of("method", row.method, CONSENT_METHODS)
    elif issubclass(model, Visit):
        _one_of("kind", row.kind, VISIT_KINDS)
    elif issubclass(model, VisitAction):
        _one_of("status", row.status, ACTION_STATUSES)
    elif issubclass(model, Draft):
        _one_of("kind", row.kind, DRAFT_KINDS)
    elif issubclass(model, Meeting):
        _one_of("kind", row.kind, MEETING_KINDS)
        _one_of("status", row.status, MEETING_STATUSES)
        _one_of("recommendation", row.recommendation, RECOMMENDATIONS)
    elif issubclass(model, MeetingInvitee):
        _one_of("attendance", row.attendance, ATTENDANCE)
    elif issubclass(model, MeetingAgreement):
        _one_of("outcome", row.outcome, ("", "agreed", "not_agreed"))
    elif issubclass(model, PlanVersion):
        _one_of("status", row.status, PLAN_VERSION_STATUSES)
    elif issubclass(model, PlanNeed):
        _one_of("kind", row.kind, NEED_KINDS)
        _one_of("rag", row.rag, RAG_RATINGS)
        if not row.now.strip():
            raise InvalidRow("now", "say what is happening for the child now")
    elif issubclass(model, PlanAction):
        _one_of("status", row.status, ACTION_STATUSES)
    elif issubclass(model, RagChange):
        _one_of("rating", row.rating, RAG_RATINGS)
    elif issubclass(model, QualityCheck):
        _one_of("kind", row.kind, QUALITY_CHECK_KINDS)
    elif issubclass(model, FamilyGroupConference):
        _one_of("status", row.status, FGC_STATUSES)
    elif issubclass(model, SafetyStatement):
        _one_of("kind", row.kind, SAFETY_KINDS)
    elif issubclass(model, SafetyScaling):
        if not 0 <= row.score <= 10:  # STO 6.3: the scale runs from 0 to 10
            raise InvalidRow("score", f"{row.score} is not a score from 0 to 10")
    elif issubclass(model, Gcp2Assessment):
        for area in ("physical", "safety", "love", "esteem"):  # domain.gcp2.AREAS
            if getattr(row, area) not in (1, 2, 3, 4, 5):
                raise InvalidRow(area, f"{getattr(row, area)} is not a grade from 1 to 5")
    elif issubclass(model, ShortBreak):
        _one_of("kind", row.kind, SHORT_BREAK_KINDS)
        _one_of("per", row.per, HOURS_PER)
        if not row.provider.strip():
            raise InvalidRow("provider", "name the provider")
    elif issubclass(model, DirectPayment):
        # "" and None: not recorded (a payment moved from the case steps, revision 0024);
        # `domain.short_breaks.check_direct_payment` asks for them on every add and edit.
        _one_of("period", row.period, ("", *PAY_PERIODS))
        if row.amount_pence is not None and row.amount_pence <= 0:
            raise InvalidRow("amount", "give the amount paid (more than £0)")
    elif issubclass(model, SupportReview):
        if (row.short_break_id is None) == (row.direct_payment_id is None):
            raise InvalidRow("review", "a review is of one short break or one direct payment")
    elif issubclass(model, SupervisionAction):
        _one_of("status", row.status, ACTION_STATUSES)
        if not row.what.strip():
            raise InvalidRow("what", "say what is to be done")
    elif issubclass(model, ChildProtectionEnquiry):
        _one_of("strategy_outcome", row.strategy_outcome, STRATEGY_OUTCOMES)
        _one_of("s47_outcome", row.s47_outcome, S47_OUTCOMES)
    elif issubclass(model, Ending):
        _one_of("kind", row.kind, ENDING_KINDS)
        _one_of("status", row.status, ENDING_STATUSES)
        _one_of("consent_to_share", row.consent_to_share, CONSENT_TO_SHARE)
        codes.check("closure_reason", row.closure_reason, "closure_reason")
    elif issubclass(model, SyncConflict):
        _one_of("kind", row.kind, SYNC_CONFLICT_KINDS)
        _one_of("status", row.status, ("open", "resolved"))
        _one_of("chosen", row.chosen, SYNC_CHOICES)
    elif issubclass(model, Erasure):
        if not row.reason.strip():
            raise InvalidRow("reason", "give the reason for erasing the record")
    elif issubclass(model, Decision):
        row_rules.check_decision(row)  # the light writer's check too


@cache
def table_models() -> dict[str, type[SQLModel]]:
    """Every table's class, by the table's name."""
    return {mp.class_.__tablename__: mp.class_  # type: ignore[attr-defined]
            for mp in SQLModel._sa_registry.mappers}  # type: ignore[attr-defined]
