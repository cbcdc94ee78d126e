"""The child's record: header, summary, people, consent, chronology (use cases for the child screen).

Each function takes a store session and plain values and returns plain dataclasses, so the
screen never builds a query. Writes happen inside the caller's `Store.session(actor)`, so
every change lands in the audit trail in the same transaction.

Errors a worker must correct raise an exception carrying `field` and `problem`:
`RecordError` here (a `cases.CaseworkError`), `InvalidContact` (cintui.domain.people),
`InvalidChildDetails` (cintui.domain.child) and `InvalidCode` (cintui.codes); screens show
them beside the field.

This module sits in the layer above `cintui.casework` (see the import-linter contract), so
it uses casework for what the two share: the store's policy profile and the timescale
engine's deadlines, which `child_summary` (and so `load_record`) includes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from cintui.casework import (
    cases,
    child_protection,
    conflicts,
    fgc,
    gcp2,
    lookup,
    meetings,
    plans,
    safeguards,
    short_breaks,
    signs_of_safety,
    supervision,
    visits,
)
from cintui.casework import steps as case_steps
from cintui.domain import child as child_rules
from cintui.domain import steps as step_rules
from cintui.domain.census import upn_problem
from cintui.domain.child_protection import enquiry_entries
from cintui.domain.chronology import (
    ChronologyEntry,
    StepWords,
    allocation_entries,
    build_chronology,
    circumstance_entries,
    consent_entries,
    decision_entries,
    early_review_entry,
    episode_entries,
    fgc_entries,
    package_entries,
    supervision_entries,
)
from cintui.domain.consent import (
    SCOPE_LABELS,
    WITHHELD_DECISIONS,
    ConsentFact,
    ConsentSummary,
    Problem,
    WithheldConsentRecord,
    check_fact,
    check_withheld,
    consent_summary,
    own_words_on,
    service_began,
)
from cintui.domain.consent import service_reason as consent_reason
from cintui.domain.dates import day_words
from cintui.domain.endings import DecisionFact, closure_words, describe_interval
from cintui.domain.meeting import RECOMMENDATION_LABELS
from cintui.domain.meeting_safeguards import AGREEMENT_LABELS
from cintui.domain.people import (
    InvalidContact,
    check_email,
    check_person,
    normalise_phone,
    pr_warning,
    professional_hint,
)
from cintui.domain.plan import PLAN_NOT_STARTED, RAG_NAMES, PlanVersion, not_started_headline
from cintui.domain.text import counted, in_sentence
from cintui.domain.timescales import Deadline
from cintui.domain.visit import KIND_LABELS
from cintui.domain.workforce import ReallocationFact
from cintui.reference import codes
from cintui.store.models import (
    CONSENT_DECISIONS,
    Child,
    ChildPerson,
    Circumstance,
    Consent,
    Ending,
    Episode,
    Person,
    Reallocation,
    Team,
    Visit,
    VisitAddendum,
    Worker,
)

PLAN_HEADLINE = "No plan yet"


class RecordError(cases.CaseworkError):
    """A request on a child's record that cannot be carried out, in a worker's words
    (`field`, `problem`, as every `cases.CaseworkError`)."""


def _child(session: Session, child_id: uuid.UUID) -> Child:
    return cases.require_child(session, child_id, RecordError)


def get_child(session: Session, child_id: uuid.UUID) -> Child:
    """The child's row; `RecordError` if the store has no such child."""
    return _child(session, child_id)


def _policy_levels(session: Session) -> tuple[str, ...]:
    return cases.store_policy(session).levels


# ---------------------------------------------------------------- header and summary


@dataclass(frozen=True)
class ChildHeader:
    id: uuid.UUID
    reference: str
    name: str
    known_as: str
    age: str
    dob: date | None
    expected_dob: date | None
    worker: str
    team: str
    status: str
    level: str
    service: str

    @property
    def born(self) -> str:
        if self.dob is not None:
            return f"DOB {day_words(self.dob)}"
        if self.expected_dob is not None:
            return f"expected {day_words(self.expected_dob)}"
        return "DOB unknown"


def child_header(session: Session, child_id: uuid.UUID, today: date) -> ChildHeader:
    child = _child(session, child_id)
    worker = session.get(Worker, child.worker_id) if child.worker_id else None
    team = session.get(Team, child.team_id) if child.team_id else None
    return ChildHeader(
        id=child.id,
        reference=child.reference,
        name=child.full_name,
        known_as=child.known_as,
        age=child_rules.describe_age(child.dob, child.expected_dob, today),
        dob=child.dob,
        expected_dob=child.expected_dob,
        worker=worker.name if worker else "unallocated",
        team=team.name if team else "",
        status=child_rules.STATUS_LABELS.get(child.status, child.status),
        level=child.level,
        service=child.service,
    )


@dataclass(frozen=True)
class ChildDetails:
    """The Summary tab: who the child is, where the case stands and what is due next."""

    header: ChildHeader
    details: tuple[tuple[str, str], ...]  # (label, value), in reading order
    deadlines: tuple[Deadline, ...] = ()  # timescale engine, soonest first, with rule and source
    plan_headline: str = PLAN_HEADLINE
    visit_drafts: tuple[visits.VisitDraft, ...] = ()  # unfinished visits (offered again)
    episodes: tuple[str, ...] = ()  # every episode, oldest first, in words (re-referrals)
    decisions: tuple[DecisionFact, ...] = ()  # BEX 4: newest first
    next_step: str = ""  # the case's next step (domain.steps), while it is open
    no_change: str = ""  # WIR 2.3: the plan has brought no positive change (a prompt)


def child_summary(session: Session, child_id: uuid.UUID, today: date,
                  actor: str | None = None) -> ChildDetails:
    """Details and deadlines (`cases.child_deadlines`, under the store's policy). With the
    `actor` reading it, a plan not started says who authorises it to someone who may not
    (TRA: `steps.authorisers_for`)."""
    child = _child(session, child_id)
    header = child_header(session, child_id, today)
    episode = _current_episode(session, child_id)
    disabilities = ", ".join(codes.label("disability", c) for c in codes.split_multi(child.disabilities))
    rows = [
        ("Known as", child.known_as or "—"),
        ("Sex", codes.label("sex", child.sex)),
        *([("Gender identity", child.gender_identity)] if child.gender_identity else []),
        ("Ethnicity", codes.label("ethnicity", child.ethnicity)),
        ("Disability", disabilities or "—"),
        ("Primary need", f"{child.primary_need} {codes.label('primary_need', child.primary_need)}"),
        ("UPN", child.upn or (codes.label("upn_unknown", child.upn_unknown) or "—")),
        ("Team", header.team or "—"),
    ]
    if episode is not None:
        rows += _step_rows(session, episode)
    rows += _circumstance_rows(session, child)
    deadlines = tuple(sorted([*cases.child_deadlines(session, child, today),
                              *short_breaks.deadlines(session, child_id, today)],  # WAR 7.2.1
                             key=lambda d: d.due))
    next_step = ""  # while a step of the open case remains
    decisions = decision_facts(session, child_id)
    no_change = ""
    if episode is not None and episode.closure_date is None:
        next_step = step_rules.next_step(case_steps.facts(
            child, episode, case_steps.ending_under_way(session, episode)),
            level_needed=bool(cases.store_policy(session).levels))
        next_step = "" if next_step == step_rules.ALL_RECORDED else next_step
        no_change = no_change_prompt(session, child_id, today, episode)
    headline = plans.headline(session, child_id)
    if actor is not None and headline.startswith(PLAN_NOT_STARTED):
        headline = not_started_headline(case_steps.authorisers_for(
            session, actor, child_id)) + headline.removeprefix(PLAN_NOT_STARTED)
    return ChildDetails(header=header, details=tuple(rows), deadlines=deadlines,
                        next_step=next_step, no_change=no_change,
                        plan_headline=headline,
                        visit_drafts=tuple(visits.child_drafts(session, child_id)),
                        episodes=tuple(episode_lines(session, child_id)),
                        decisions=tuple(reversed(decisions)))


def no_change_prompt(session: Session, child_id: uuid.UUID, today: date,
                     episode: Episode | None = None) -> str:
    """WIR 2.3's prompt ("" for none) when the plan in force has brought no positive change
    for two reviews' worth of time and no child protection conference has been considered
    since: on the Summary and at a meeting's decisions. The reading is the team view's and
    `child show`'s (`lookup.no_positive_change`)."""
    from cintui.domain.no_change import no_change_prompt as words

    episode = episode or _current_episode(session, child_id)
    if episode is None or episode.closure_date is not None:
        return ""
    since = lookup.no_positive_change(session, _child(session, child_id),
                                      episode.cin_plan_start, today)
    return words(since) if since else ""


def _step_rows(session: Session, e: Episode) -> list[tuple[str, str]]:
    """The case's steps as recorded (domain.steps), one line each."""
    rows = [("Referral", f"{day_words(e.referral_date)}" + step_rules.referral_came(
        e.referral_source, codes.label("referral_source", e.referral_source),
        e.referral_route, e.early_help_plan_on))]
    if e.referral_decided_on:
        rows.append(("Decision", f"{step_rules.REFERRAL_DECISION_LABELS[e.referral_decision]}"
                     f" — {e.referral_decided_by}, {day_words(e.referral_decided_on)}; "
                     f"{case_steps.referral_timeliness(session, e)}"))
    outcome = step_rules.OUTCOME_LABELS.get(e.assessment_outcome, "")
    outcome = f"; outcome: {outcome}" if outcome else ""
    if e.assessment_completed and e.assessment_authorised_by:
        rows.append(("Assessment", f"authorised {day_words(e.assessment_completed)} by "
                     f"{e.assessment_authorised_by}{outcome}"))
    elif e.assessment_completed:
        rows.append(("Assessment", f"completed {day_words(e.assessment_completed)}"))
    elif e.assessment_submitted:
        rows.append(("Assessment", f"completed {day_words(e.assessment_submitted)}{outcome}; "
                     "waiting for the line manager's authorisation (TRA)"))
    elif e.assessment_started:
        rows.append(("Assessment", f"started {day_words(e.assessment_started)}"))
    if e.cin_plan_start:
        rows.append(("CIN plan", f"started {day_words(e.cin_plan_start)}, authorised by "
                     f"{e.cin_plan_authorised_by}" if e.cin_plan_authorised_by
                     else f"agreed as needed {day_words(e.cin_plan_start)}"))
    support = "; ".join(x for x in (
        f"initial home visit {day_words(e.initial_home_visit)}" if e.initial_home_visit else "",
        f"support started {day_words(e.support_started)}" if e.support_started else "") if x)
    if support:
        rows.append(("Support", support))
    if e.closure_date:
        rows.append(("Closed", f"{day_words(e.closure_date)}: "
                     f"{codes.label('closure_reason', e.closure_reason)}"))
    return rows


def _circumstance_rows(session: Session, child: Child) -> list[tuple[str, str]]:
    """WAR 2.2.2: the child's circumstances now; WAR 7.2: the short breaks and direct
    payments running."""
    now = case_steps.current_circumstances(session, child.id)
    contact = case_steps.adult_care_contact(session, child.id) if now else ""
    rows = []
    if now:
        rows.append(("Circumstances", "; ".join(step_rules.circumstance_words(
            k, v, contact if k == step_rules.ADULT_SOCIAL_CARE else "")
            for k, v in now.items())))
    for label, facts in (("Short breaks", short_breaks.short_break_facts(session, child.id)),
                         ("Direct payments",
                          short_breaks.direct_payment_facts(session, child.id))):
        running = [f for f in facts if f.open]
        if running:  # BEX short breaks, WAR 7.2.1: what runs, and its review
            rows.append((label, "; ".join(
                f"{f.describe()}, since {day_words(f.started_on)}"
                + (f", last reviewed {day_words(f.reviews[-1].on)}" if f.reviews else "")
                + f", next review by {day_words(f.review_due)}" for f in running)))
    return rows


def _episodes(session: Session, child_id: uuid.UUID) -> list[Episode]:
    return list(session.exec(select(Episode).where(Episode.child_id == child_id)
                             .order_by(Episode.referral_date, Episode.created_at)).all())


def _rereferral_notes(episodes: list[Episode]) -> dict[uuid.UUID, str]:
    """WAR 3.4: a later episode is a re-referral; its interval since the last closure."""
    notes, last_closed = {}, None
    for e in episodes:
        if last_closed is not None:
            notes[e.id] = f"re-referral, {describe_interval(last_closed, e.referral_date)}"
        last_closed = e.closure_date or last_closed
    return notes


def episode_lines(session: Session, child_id: uuid.UUID) -> list[str]:
    """Each episode in a line, oldest first: referred, closed (reason, unmet need stepped
    down), and for a re-referral the interval since the closure before it."""
    episodes = _episodes(session, child_id)
    notes = _rereferral_notes(episodes)
    out = []
    for i, e in enumerate(episodes, start=1):
        line = f"{i}. referred {day_words(e.referral_date)}"
        if e.id in notes:
            line += f" ({notes[e.id]})"
        if e.closure_date:
            said = closure_words(e.closure_reason, codes.label("closure_reason",
                                                               e.closure_reason),
                                 bool(e.referral_nfa))
            line += (f"; closed {day_words(e.closure_date)}, {said}; unmet need stepped down: "
                     f"{'yes' if e.unmet_need_stepped_down else 'no'}")
        else:
            line += "; open"
        out.append(line)
    return out


def decision_facts(session: Session, child_id: uuid.UUID) -> list[DecisionFact]:
    """BEX 4: the child's recorded decisions, oldest first (`lookup.decision_facts`)."""
    return lookup.decision_facts(session, cases.reference_of(session, child_id))


def reallocation_facts(session: Session, child_id: uuid.UUID) -> list[ReallocationFact]:
    """The child's reallocations from one worker to another, oldest first."""
    to, before = aliased(Worker), aliased(Worker)
    rows = session.exec(select(Reallocation, to.name, before.name)
                        .join(to, col(to.id) == col(Reallocation.to_worker_id))
                        .join(before, col(before.id) == col(Reallocation.from_worker_id),
                              isouter=True)
                        .where(Reallocation.child_id == child_id)
                        .order_by(Reallocation.reallocated_on, Reallocation.created_at)).all()
    return [ReallocationFact(r.reallocated_on, to_name, from_name or "", r.by, r.reason,
                             str(r.id)) for r, to_name, from_name in rows]


def _current_episode(session: Session, child_id: uuid.UUID) -> Episode | None:
    return session.exec(
        select(Episode)
        .where(Episode.child_id == child_id)
        .order_by(col(Episode.referral_date).desc(), col(Episode.created_at).desc())
    ).first()


# ---------------------------------------------------------------- editing the child


@dataclass(frozen=True)
class ChildInput:
    """What a worker types to change a child's details; validated by `update_child`."""

    first_name: str
    last_name: str
    dob: date | None = None
    expected_dob: date | None = None
    known_as: str = ""
    sex: str = "U"
    gender_identity: str = ""
    ethnicity: str = "NOBT"
    disabilities: str = "NONE"
    primary_need: str = "N0"
    level: str = ""
    service: str = ""
    worker_id: uuid.UUID | None = None
    upn: str = ""
    # The child's row as the form read it (`conflicts.stamp`); "" checks nothing.
    seen: str = field(default="", compare=False)


def child_input(session: Session, child_id: uuid.UUID) -> ChildInput:
    """The child's current details, to fill the edit form."""
    c = _child(session, child_id)
    return ChildInput(
        first_name=c.first_name, last_name=c.last_name, dob=c.dob, expected_dob=c.expected_dob,
        known_as=c.known_as, sex=c.sex, gender_identity=c.gender_identity, ethnicity=c.ethnicity, disabilities=c.disabilities,
        primary_need=c.primary_need, level=c.level, service=c.service, worker_id=c.worker_id,
        upn=c.upn, seen=conflicts.stamp(c),
    )


def check_child_input(new: ChildInput, today: date, levels: tuple[str, ...] = ()) -> None:
    """Everything `update_child` checks that needs no store (the form runs it as you type).

    DOB not in the future unless unborn, under 18 (s17(10)); a name; census codes.
    """
    if not new.first_name.strip() and not new.last_name.strip():
        raise RecordError("first_name", "a child needs a first or last name")
    child_rules.check_birth_dates(new.dob, new.expected_dob, today)
    codes.check("sex", new.sex, "sex", required=True)
    child_rules.check_sex(new.sex, new.dob, new.expected_dob)
    codes.check("ethnicity", new.ethnicity, "ethnicity", required=True)
    try:
        codes.check_multi("disabilities", new.disabilities, "disability")
    except codes.InvalidCode:
        raise
    except ValueError as exc:
        raise RecordError("disabilities", str(exc).partition(": ")[2]) from exc
    codes.check("primary_need", new.primary_need, "primary_need", required=True)
    if new.level and levels and new.level not in levels:
        raise RecordError("level", f"{new.level!r} is not a level in this store's policy: "
                          + ", ".join(levels))
    if len(new.upn.strip()) > 13:
        raise RecordError("upn", "a UPN is 13 characters")


def update_child(session: Session, child_id: uuid.UUID, new: ChildInput, today: date) -> Child:
    """Validate everything first (as `cases.add_child` does), then change the child."""
    child = _child(session, child_id)
    conflicts.check(session, new.seen, conflicts.stamp(child), "this child's details",
                    [conflicts.row(child)])
    levels = _policy_levels(session)
    if new.level.strip() and levels:  # by words, as census codes: "child in need"
        from cintui.domain.steps import level_meant

        new = replace(new, level=level_meant(new.level, levels))
    check_child_input(new, today, levels)
    upn = new.upn.strip().upper()
    if upn and upn != child.upn.upper() and (problem := upn_problem(upn)):
        raise RecordError("upn", problem)  # one already held is kept as it is
    worker = None
    if new.worker_id is not None:
        worker = session.get(Worker, new.worker_id)
        if worker is None:
            raise RecordError("worker_id", "no such worker")
    child.first_name = new.first_name.strip()
    child.last_name = new.last_name.strip()
    child.known_as = new.known_as.strip()
    child.dob = new.dob
    child.expected_dob = new.expected_dob
    child.sex = new.sex
    child.gender_identity = new.gender_identity.strip()
    child.ethnicity = new.ethnicity
    child.disabilities = " ".join(codes.split_multi(new.disabilities)) or "NONE"
    child.primary_need = new.primary_need
    child.level = new.level
    child.service = new.service.strip()
    child.upn = upn
    if child.upn:
        child.upn_unknown = None
    elif child.dob is None:
        child.upn_unknown = "UN6"  # census: child not yet born / no UPN yet
    if worker is not None:
        child.worker_id = worker.id
        if worker.team_id is not None:
            child.team_id = worker.team_id
    session.add(child)
    session.flush()
    return child


@dataclass(frozen=True)
class WorkerChoice:
    id: uuid.UUID
    username: str
    name: str
    role: str
    team: str


def list_workers(session: Session) -> list[WorkerChoice]:
    """Active workers, for allocation and for who decided (WIR 2.2)."""
    rows = session.exec(
        select(Worker, Team.name)
        .join(Team, col(Worker.team_id) == col(Team.id), isouter=True)
        .where(col(Worker.active).is_(True))
        .order_by(Worker.name, Worker.username)
    ).all()
    return [WorkerChoice(w.id, w.username, w.name, w.role, t or "") for w, t in rows]


def policy_levels(session: Session) -> tuple[str, ...]:
    """The levels of need in this store's policy profile (DOMAIN.md §1: data, not an enum)."""
    return _policy_levels(session)


def level_choices(session: Session) -> tuple[str, ...]:
    """Levels a worker may pick: the policy's, or (a policy without levels) those in use."""
    levels = _policy_levels(session)
    if levels:
        return levels
    used = session.exec(select(Child.level).where(Child.level != "").distinct()).all()
    return tuple(sorted(used))


# ---------------------------------------------------------------- people


@dataclass(frozen=True)
class PersonRow:
    """One person around the child: the meeting contact list (WIR 2.9, DOMAIN.md §1)."""

    person_id: uuid.UUID
    link_id: uuid.UUID
    name: str
    kind: str
    relationship: str
    agency: str
    role: str
    phone: str
    email: str
    address: str
    parental_responsibility: bool
    lives_with_child: bool
    interpreter_language: str
    access_needs: str
    notes: str
    other_children: int  # siblings etc. this person is also linked to
    warnings: tuple[str, ...] = ()
    stamp: str = field(default="", compare=False)  # person and link as read (`conflicts`)

    @property
    def needs(self) -> str:
        parts = []
        if self.interpreter_language:
            parts.append(f"Interpreter: {self.interpreter_language}")
        if self.access_needs:
            parts.append(self.access_needs)
        return "; ".join(parts)


@dataclass(frozen=True)
class PersonInput:
    name: str
    kind: str = "family"
    relationship: str = ""
    agency: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    parental_responsibility: bool = False
    lives_with_child: bool = False
    interpreter_language: str = ""
    access_needs: str = ""
    notes: str = ""


def _link_warnings(name: str, kind: str, relationship: str, pr: bool) -> tuple[str, ...]:
    """What a person's relationship to the child says is probably missing: a mother's
    parental responsibility, or a professional recorded as family."""
    return tuple(w for w in (pr_warning(name, kind, relationship, pr),
                             professional_hint(name, kind, relationship)) if w)


def check_person_input(p: PersonInput) -> tuple[PersonInput, tuple[str, ...]]:
    """WIR 2.9: the person tidied (phone in UK form, email domain lower-case), and warnings.

    Raises `InvalidContact` on the first problem; a professional does not hold parental
    responsibility for a child in need (only parents and others named by a court do).
    """
    warnings = check_person(p.name, p.kind, p.phone, p.email, p.agency, p.role)
    warnings = (*warnings, *_link_warnings(p.name, p.kind, p.relationship,
                                           p.parental_responsibility))
    if p.kind == "professional" and p.parental_responsibility:
        raise InvalidContact(
            "parental_responsibility", "a professional does not hold parental responsibility"
        )
    if len(p.relationship.strip()) > 80:
        raise InvalidContact("relationship", "the relationship is too long (80 characters at most)")
    tidy = replace(
        p,
        name=p.name.strip(),
        relationship=p.relationship.strip(),
        agency=p.agency.strip(),
        role=p.role.strip(),
        phone=normalise_phone(p.phone) if p.phone.strip() else "",
        email=check_email(p.email) if p.email.strip() else "",
        address=p.address.strip(),
        interpreter_language=p.interpreter_language.strip(),
        access_needs=p.access_needs.strip(),
        notes=p.notes.strip(),
    )
    return tidy, warnings


def list_people(session: Session, child_id: uuid.UUID) -> list[PersonRow]:
    """Family network first (PR holders first), then professionals; two queries in all."""
    rows = session.exec(
        select(Person, ChildPerson)
        .join(ChildPerson, col(ChildPerson.person_id) == col(Person.id))
        .where(ChildPerson.child_id == child_id)
    ).all()
    ids = [p.id for p, _ in rows]
    links = dict(session.exec(
        select(ChildPerson.person_id, func.count())
        .where(col(ChildPerson.person_id).in_(ids))
        .group_by(ChildPerson.person_id)
    ).all()) if ids else {}
    people = [_person_row(p, link, links.get(p.id, 1) - 1) for p, link in rows]
    return sorted(people, key=lambda r: (
        r.kind != "family", not r.parental_responsibility, r.relationship.lower(), r.name.lower(),
    ))


def _person_row(p: Person, link: ChildPerson, others: int) -> PersonRow:
    try:
        warnings = check_person(p.name, p.kind, p.phone, p.email, p.agency, p.role)
    except InvalidContact as exc:  # stored before the checks existed: show, don't hide
        warnings = (exc.problem,)
    warnings = (*warnings, *_link_warnings(p.name, p.kind, link.relationship,
                                           link.parental_responsibility))
    return PersonRow(
        person_id=p.id, link_id=link.id, name=p.name, kind=p.kind,
        relationship=link.relationship, agency=p.agency, role=p.role, phone=p.phone,
        email=p.email, address=p.address,
        parental_responsibility=link.parental_responsibility,
        lives_with_child=link.lives_with_child,
        interpreter_language=p.interpreter_language, access_needs=p.access_needs,
        notes=link.notes, other_children=others, warnings=warnings,
        stamp=conflicts.stamp(p, link),
    )


def _link(session: Session, child_id: uuid.UUID, person_id: uuid.UUID) -> ChildPerson:
    link = session.exec(
        select(ChildPerson).where(
            ChildPerson.child_id == child_id, ChildPerson.person_id == person_id
        )
    ).first()
    if link is None:
        raise RecordError("person", "that person is not on this child's record")
    return link


def _apply_person(person: Person, link: ChildPerson, p: PersonInput) -> None:
    person.name, person.kind = p.name, p.kind
    person.agency, person.role = p.agency, p.role
    person.phone, person.email, person.address = p.phone, p.email, p.address
    person.interpreter_language, person.access_needs = p.interpreter_language, p.access_needs
    link.relationship = p.relationship
    link.parental_responsibility = p.parental_responsibility
    link.lives_with_child = p.lives_with_child
    link.notes = p.notes


def add_person(session: Session, child_id: uuid.UUID, new: PersonInput) -> PersonRow:
    """Add someone to the child's family network or professionals (WIR 2.9)."""
    _child(session, child_id)
    tidy, warnings = check_person_input(new)
    person = Person(name=tidy.name)
    link = ChildPerson(child_id=child_id, person_id=person.id)
    _apply_person(person, link, tidy)
    session.add(person)
    session.add(link)
    session.flush()
    return replace(_person_row(person, link, 0), warnings=warnings)


def update_person(
    session: Session, child_id: uuid.UUID, person_id: uuid.UUID, new: PersonInput,
    *, seen: str = "",
) -> PersonRow:
    """Change a person's details (seen by every child they are linked to) and their link.
    `seen`: the `PersonRow.stamp` the form read; changed since, it is an `EditConflict`."""
    link = _link(session, child_id, person_id)
    person = session.get(Person, person_id)
    conflicts.check(session, seen, conflicts.stamp(person, link), f"{person.name}'s details",
                    [conflicts.row(person), conflicts.row(link)])
    tidy, warnings = check_person_input(new)
    _apply_person(person, link, tidy)
    session.add(person)
    session.add(link)
    session.flush()
    others = session.exec(
        select(func.count()).select_from(ChildPerson).where(ChildPerson.person_id == person_id)
    ).one() - 1
    return replace(_person_row(person, link, others), warnings=warnings)


def remove_person(session: Session, child_id: uuid.UUID, person_id: uuid.UUID) -> bool:
    """Take a person off this child's record. Returns True if the person was deleted too.

    A person linked to a sibling stays for them; a person named on a consent decision stays
    too, because that decision is part of the record (DOMAIN.md §9).
    """
    link = _link(session, child_id, person_id)
    session.delete(link)
    session.flush()
    still_linked = session.exec(
        select(ChildPerson.id).where(ChildPerson.person_id == person_id)
    ).first()
    named = session.exec(select(Consent.id).where(Consent.person_id == person_id)).first()
    if still_linked or named:
        return False
    session.delete(session.get(Person, person_id))
    session.flush()
    return True


# ---------------------------------------------------------------- consent


@dataclass(frozen=True)
class ConsentRow:
    id: uuid.UUID
    person_id: uuid.UUID | None
    who: str
    scope: str
    decision: str
    decided_on: date
    method: str
    notes: str
    override_without_consent: bool
    override_rationale: str
    withheld: WithheldConsentRecord | None  # refusals and withdrawals (WIR 2.2)
    decided_by_id: uuid.UUID | None
    missing: tuple[Problem, ...] = ()  # what the withheld-consent path still lacks
    stamp: str = field(default="", compare=False)  # the row as read (`conflicts`)

    @property
    def scope_label(self) -> str:
        return SCOPE_LABELS.get(self.scope, self.scope)

    @property
    def against(self) -> bool:
        return self.decision in ("refused", "withdrawn") and not self.override_without_consent


@dataclass(frozen=True)
class ConsentInput:
    scope: str
    decision: str
    decided_on: date
    person_id: uuid.UUID | None = None  # None: the child (young person) themself
    method: str = "written"
    notes: str = ""
    override_without_consent: bool = False  # BEX 4
    override_rationale: str = ""


@dataclass(frozen=True)
class WithheldInput:
    """WIR 2.2: the withheld-consent path, as far as it has been walked."""

    reasons: str = ""
    alternative_support: str = ""
    alternative_monitoring: str = ""
    reflective_discussion_on: date | None = None
    decision: str = ""  # WITHHELD_DECISIONS or ""
    analysis: str = ""
    decided_by_id: uuid.UUID | None = None


def _withholds_service(c: Consent) -> bool:
    # WIR 2.2 for a s17 service; a meeting refused too: WIR 2.3 needs consent to hold one,
    # and the path records why one goes ahead without it (domain.meeting_safeguards).
    return (c.scope in ("service", "meeting") and c.decision in ("refused", "withdrawn")
            and not c.override_without_consent)


def _withheld(c: Consent, decided_by: str) -> WithheldConsentRecord | None:
    # WIR 2.2: the path follows consent to a s17 *service* being withheld.
    if not _withholds_service(c):
        return None
    return WithheldConsentRecord(
        reasons=c.withheld_reasons, alternative_support=c.alternative_support,
        alternative_monitoring=c.alternative_monitoring, reflective_discussion_on=c.reflective_discussion_on,
        decision=c.withheld_decision, analysis=c.withheld_analysis, decided_by=decided_by,
    )


def _consent_query(session: Session, child_id: uuid.UUID):
    return session.exec(
        select(Consent, Person.name, ChildPerson.relationship,
               ChildPerson.parental_responsibility, Worker.name)
        .join(Person, col(Consent.person_id) == col(Person.id), isouter=True)
        .join(ChildPerson, (col(ChildPerson.person_id) == col(Consent.person_id))
              & (col(ChildPerson.child_id) == col(Consent.child_id)), isouter=True)
        .join(Worker, col(Consent.decided_by_id) == col(Worker.id), isouter=True)
        .where(Consent.child_id == child_id)
        # The id last: rows written together tie on the rest, and PostgreSQL (unlike SQLite)
        # returns ties in a different order once one is updated.
        .order_by(Consent.decided_on, Consent.created_at, Consent.id)
    ).all()


def _who(person_id, name, relationship, own: str = "the child") -> str:
    if person_id is None:
        return own
    name = name or "someone no longer on the record"
    return f"{name} ({relationship})" if relationship else name


def _consent_rows(session: Session, child_id: uuid.UUID, today: date | None):
    rows, facts = [], []
    dob = session.get(Child, child_id).dob
    for c, name, relationship, pr, decider in _consent_query(session, child_id):
        who = _who(c.person_id, name, relationship, own_words_on(dob, c.decided_on))  # WIR 2.1
        withheld = _withheld(c, decider or "")
        missing = tuple(check_withheld(withheld, today)) if withheld is not None else ()
        rows.append(ConsentRow(
            id=c.id, person_id=c.person_id, who=who, scope=c.scope, decision=c.decision,
            decided_on=c.decided_on, method=c.method, notes=c.notes,
            override_without_consent=c.override_without_consent,
            override_rationale=c.override_rationale, withheld=withheld,
            decided_by_id=c.decided_by_id, missing=missing, stamp=conflicts.stamp(c),
        ))
        facts.append(ConsentFact(
            scope=c.scope, decision=c.decision, decided_on=c.decided_on,
            person=str(c.person_id) if c.person_id else None, person_has_pr=bool(pr),
            is_child=c.person_id is None, override_without_consent=c.override_without_consent,
            override_rationale=c.override_rationale, method=c.method, notes=c.notes,
            person_name=who, withheld=withheld, ref=str(c.id),
        ))
    return rows, facts


def list_consents(session: Session, child_id: uuid.UUID, today: date | None = None) -> list[ConsentRow]:
    """Every consent decision, oldest first, with what its WIR 2.2 path still lacks."""
    return _consent_rows(session, child_id, today)[0]


def consent_status(session: Session, child: Child | uuid.UUID, today: date) -> ConsentSummary:
    """Where consent stands (WAR 4.2, WIR 2.1-2.2, BEX 4), via the domain's consent_summary."""
    if not isinstance(child, Child):
        child = _child(session, child)
    age = child_rules.age_years(child.dob, today) if child.dob else None
    return consent_summary(_consent_rows(session, child.id, today)[1], age, today)


def transfer_permission(session: Session, child_id: uuid.UUID) -> str | None:
    """The permission to share with the receiving authority (BEX 4) that the transfer to
    another authority under way in the child's current episode records ("given",
    "refused", "not_sought"; "" not yet), None with no transfer recorded, or one declined
    or withdrawn: consent to share with another authority is sought when the child moves."""
    episode = cases.current_episode(session, child_id)
    if episode is None:
        return None
    ending = session.exec(select(Ending).where(
        Ending.episode_id == episode.id, Ending.kind == "transfer_out",
        col(Ending.status).not_in(("declined", "withdrawn")))
        .order_by(col(Ending.recommended_on).desc(), col(Ending.created_at).desc())).first()
    return None if ending is None else ending.consent_to_share or ""


def service_reason(session: Session, child: Child | uuid.UUID, today: date,
                   people: list[PersonRow] | None = None) -> str:
    """Why consent to a CIN service is not valid and whose is needed, "" when it is: the one
    sentence of `domain.consent.service_reason` (WAR 4.2, WIR 2.1-2.2) for this child."""
    if not isinstance(child, Child):
        child = _child(session, child)
    people = list_people(session, child.id) if people is None else people
    return consent_reason(_consent_rows(session, child.id, today)[1], child.first_name,
                          _age(child, today), [p.name for p in people if p.parental_responsibility])


def support_began(session: Session, child_id: uuid.UUID) -> bool:
    """Whether a CIN service began in the child's current episode (WAR 4.2, 4.4.2: support
    started, or a CIN plan; `domain.consent.service_began`); no episode: as if it had."""
    episode = cases.current_episode(session, child_id)
    return episode is None or service_began(episode.support_started, episode.cin_plan_start)


def _age(child: Child, today: date) -> int | None:
    return child_rules.age_years(child.dob, today) if child.dob and child.dob <= today else None


def record_consent(session: Session, child_id: uuid.UUID, new: ConsentInput, today: date) -> ConsentRow:
    """WAR 4.2 / WIR 2.1: record one person's decision for one scope (BEX 4 overrides too)."""
    _child(session, child_id)
    if new.person_id is not None:
        _link(session, child_id, new.person_id)
    fact = ConsentFact(
        scope=new.scope, decision=new.decision, decided_on=new.decided_on,
        person=str(new.person_id) if new.person_id else None, person_has_pr=False,
        is_child=new.person_id is None, override_without_consent=new.override_without_consent,
        override_rationale=new.override_rationale, method=new.method, notes=new.notes,
    )
    problems = check_fact(fact, today)
    if problems:
        raise RecordError(problems[0].field, problems[0].message)
    consent = Consent(
        child_id=child_id, person_id=new.person_id, scope=new.scope, decision=new.decision,
        decided_on=new.decided_on, method=new.method, notes=new.notes.strip(),
        override_without_consent=new.override_without_consent,
        override_rationale=new.override_rationale.strip(),
    )
    session.add(consent)
    session.flush()
    return _one_consent(session, child_id, consent.id, today)


def _one_consent(session: Session, child_id: uuid.UUID, consent_id: uuid.UUID,
                 today: date | None) -> ConsentRow:
    return next(r for r in list_consents(session, child_id, today) if r.id == consent_id)


def record_withheld_path(
    session: Session, child_id: uuid.UUID, consent_id: uuid.UUID, path: WithheldInput,
    today: date, *, seen: str = "",
) -> ConsentRow:
    """WIR 2.2: save the withheld-consent path as far as it has gone; the returned row's
    `missing` lists the steps still to do. What is given must be right (a decision from
    WITHHELD_DECISIONS, a discussion not in the future, a known worker)."""
    consent = session.get(Consent, consent_id)
    if consent is None or consent.child_id != child_id:
        raise RecordError("consent", "no such consent decision on this child's record")
    conflicts.check(session, seen, conflicts.stamp(consent), "this withheld-consent record",
                    [conflicts.row(consent)])
    if not _withholds_service(consent):
        raise RecordError("consent", "the withheld-consent path (WIR 2.2) follows a refusal or "
                          "withdrawal of consent to a CIN service or meeting")
    if path.decision and path.decision not in WITHHELD_DECISIONS:
        raise RecordError("decision", f"{path.decision!r} is not one of: "
                          + ", ".join(WITHHELD_DECISIONS))
    if path.reflective_discussion_on and path.reflective_discussion_on > today:
        raise RecordError("reflective_discussion_on",
                          f"{day_words(path.reflective_discussion_on)} is in the future")
    if path.reflective_discussion_on and path.reflective_discussion_on < consent.decided_on:
        raise RecordError("reflective_discussion_on",
                          f"{day_words(path.reflective_discussion_on)} is before the refusal "
                          f"({day_words(consent.decided_on)})")
    if path.alternative_monitoring.strip() and not path.alternative_support.strip():
        raise RecordError("alternative_monitoring",
                          "say what the alternative support is before how it is monitored")
    if path.decided_by_id is not None and session.get(Worker, path.decided_by_id) is None:
        raise RecordError("decided_by", "no such worker")
    consent.withheld_reasons = path.reasons.strip()
    consent.alternative_support = path.alternative_support.strip()
    consent.alternative_monitoring = path.alternative_monitoring.strip()
    consent.reflective_discussion_on = path.reflective_discussion_on
    consent.withheld_decision = path.decision
    consent.withheld_analysis = path.analysis.strip()
    consent.decided_by_id = path.decided_by_id
    session.add(consent)
    session.flush()
    return _one_consent(session, child_id, consent.id, today)


# ---------------------------------------------------------------- visits and meetings


# ---------------------------------------------------------------- chronology


def _visit_entries(v: visits.VisitSummary, addenda: list) -> list[ChronologyEntry]:
    # WIR 2.11: the child must be seen, and seen alone.
    if v.imported:  # the old system's last visit: its day alone came over
        seen = "child seen (imported: whether alone and the bedroom not known)"
    elif not v.child_seen:
        seen = "child not seen"
    elif v.seen_alone:
        seen = "child seen alone"
    else:
        seen = "child seen, not alone"
    bedroom = "; bedroom seen" if v.bedroom_seen and not v.imported else ""
    label = KIND_LABELS.get(v.kind, v.kind)
    entries = [ChronologyEntry(v.visited_at, "visit", f"{label} visit: {seen}{bedroom}",
                               who=v.author, ref=str(v.id))]
    entries += [ChronologyEntry(a.written_at, "visit",
                                f"Addendum to the visit of {day_words(v.visited_at.date())}",
                                who=a.author, detail=a.text, ref=str(v.id)) for a in addenda]
    return entries


def _meeting_entries(m: meetings.MeetingRow) -> list[ChronologyEntry]:
    if m.status == "held":
        summary = f"{m.label} held"
        if m.recommendation:
            summary += f": {RECOMMENDATION_LABELS.get(m.recommendation, m.recommendation)}"
        if m.next_review:
            summary += f"; next review {day_words(m.next_review)}"
    elif m.status == "cancelled":
        summary = f"{m.label} cancelled: {m.cancelled_reason}"
    else:
        summary = f"{m.label} scheduled"
    when = m.starts_at or m.held_on
    told = f"Told: {', '.join(m.cancel_told)} (WIR 2.9)" if m.cancel_told else ""
    entries = [ChronologyEntry(when, "meeting", summary, who=m.chair, ref=str(m.id),
                               detail=told if m.status == "cancelled" else "")]
    if m.papers_sent_on:  # WIR 2.3: circulated beforehand
        entries.append(ChronologyEntry(m.papers_sent_on, "meeting",
                                       f"Papers for the {in_sentence(m.label)} circulated", ref=str(m.id)))
    if m.minutes_circulated and not m.imported:  # imported: taken as sent, not a fact
        entries.append(ChronologyEntry(m.minutes_circulated, "meeting",
                                       f"Minutes of the {in_sentence(m.label)} circulated",
                                       ref=str(m.id)))
    return entries


def chronology(session: Session, child_id: uuid.UUID, today: date | None = None) -> list[ChronologyEntry]:
    """Every dated event on the record, oldest first (DOMAIN.md §9; BEX 4)."""
    entries: list[ChronologyEntry] = []
    episodes = _episodes(session, child_id)
    notes = _rereferral_notes(episodes)
    decisions = decision_facts(session, child_id)
    # A closure decided with a decision row shows as that decision, with its rationale.
    decided = {d.made_on for d in decisions if d.kind == "closure"}
    for e in episodes:
        closure_decided = None if e.closure_decided in decided else e.closure_decided
        outcome = step_rules.OUTCOME_LABELS.get(e.assessment_outcome, "")
        steps = StepWords(
            route=e.referral_route or "", source=e.referral_source or "",
            early_help_plan_on=e.early_help_plan_on,
            decision=step_rules.REFERRAL_DECISION_LABELS.get(e.referral_decision, ""),
            decided_on=e.referral_decided_on, decided_by=e.referral_decided_by,
            decision_note=case_steps.referral_timeliness(session, e),
            assessment_submitted=e.assessment_submitted,
            authorised_by=e.assessment_authorised_by, outcome=outcome,
            level=e.assessment_level, plan_authorised_by=e.cin_plan_authorised_by)
        entries += episode_entries(
            e.referral_date, codes.label("referral_source", e.referral_source),
            e.assessment_started, e.assessment_completed, e.cin_plan_start, e.closure_date,
            codes.label("closure_reason", e.closure_reason),
            referral_nfa=e.referral_nfa, moved_in=e.moved_in,
            initial_home_visit=e.initial_home_visit, support_started=e.support_started,
            cin_plan_end=e.cin_plan_end, step_down_decided=e.step_down_decided,
            step_down_completed=e.step_down_completed, closure_decided=closure_decided,
            family_told_of_closure=e.family_told_of_closure, ref=str(e.id),
            referral_note=notes.get(e.id, ""), steps=steps,
        )
        entries += early_review_entry(e.early_review_asked, e.early_review_by,
                                      e.early_review_reason, ref=str(e.id))
    entries += decision_entries(decisions)
    entries += supervision_entries(supervision.facts(session, child_id))
    entries += fgc_entries(fgc.facts(session, child_id))
    # STO 6.3 Signs of Safety; STO 4.3, 6.11, 7.1 Graded Care Profile 2.
    entries += signs_of_safety.chronology(session, child_id)
    entries += gcp2.chronology(session, child_id)
    entries += package_entries([*short_breaks.short_break_facts(session, child_id),
                                *short_breaks.direct_payment_facts(session, child_id)])
    entries += _step_entries(session, child_id)
    entries += allocation_entries(reallocation_facts(session, child_id))
    entries += consent_entries(_consent_rows(session, child_id, today)[1])
    entries += _visits_entries(session, child_id)
    for m in meetings.list_meetings(session, child_id, cases.store_policy(session)):
        entries += _meeting_entries(m)
    entries += _safeguard_entries(session, child_id)
    entries += _plan_entries(session, child_id)
    entries += enquiry_entries(
        (child_protection.fact(q), q.recorded_by, q.strategy_notes, str(q.id))
        for q in child_protection.enquiries(session, child_id))
    return build_chronology(entries)


def _safeguard_entries(session: Session, child_id: uuid.UUID) -> list[ChronologyEntry]:
    """TRA: visits to parents absent from a review; WIR 2.10: the non-engagement path."""
    out = []
    for a in safeguards.agreements(session, child_id):
        if a.visited_on is None:
            continue
        said = AGREEMENT_LABELS.get(a.outcome, a.outcome)
        out.append(ChronologyEntry(a.visited_on, "meeting",
                                   f"{a.name} visited after the review (TRA): {said}",
                                   who=a.recorded_by, detail=a.notes, ref=str(a.meeting_id)))
    path = safeguards.non_engagement(session, child_id)
    if path is not None:
        out.append(ChronologyEntry(path.started_on, "note",
                                   "Non-engagement path started (WIR 2.10)",
                                   who=path.recorded_by, detail=path.path.why,
                                   ref=str(path.id)))
        if path.completed_on:
            out.append(ChronologyEntry(path.completed_on, "note",
                                       "Non-engagement path: every step recorded (WIR 2.10)",
                                       ref=str(path.id)))
    return out


def _step_entries(session: Session, child_id: uuid.UUID) -> list[ChronologyEntry]:
    """The child's circumstances as they changed (WAR 2.2.2); direct payments (WAR 7.2) are
    `package_entries`."""
    rows = session.exec(select(Circumstance).where(Circumstance.child_id == child_id)
                        .order_by(Circumstance.recorded_on, Circumstance.created_at)).all()
    words = step_rules.circumstance_history((r.kind, r.value, r.contact) for r in rows)
    return circumstance_entries((r.recorded_on, said, r.recorded_by)
                                for r, said in zip(rows, words, strict=True))


def _visits_entries(session: Session, child_id: uuid.UUID) -> list[ChronologyEntry]:
    rows = session.exec(select(VisitAddendum.visit_id, VisitAddendum.written_at,
                               VisitAddendum.author_name, VisitAddendum.text)
                        .join(Visit, Visit.id == VisitAddendum.visit_id)
                        .where(Visit.child_id == child_id)
                        .order_by(VisitAddendum.written_at, VisitAddendum.created_at)).all()
    addenda: dict[uuid.UUID, list] = {}
    for visit_id, at, by, text in rows:
        addenda.setdefault(visit_id, []).append(visits.Addendum(visits.local_time(at), by, text))
    out: list[ChronologyEntry] = []
    for v in visits.summaries(session, child_id):
        out += _visit_entries(v, addenda.get(v.id, []))
    return out


def _plan_entries(session: Session, child_id: uuid.UUID) -> list[ChronologyEntry]:
    """Plan versions started and agreed; every RAG rating, with a move to Green's evidence
    of maintained change (WIR 2.4) and a Red's CP-conference discussion (WIR 2.6, BEX 3)."""
    entries = []
    for v in plans.versions(session, child_id):
        entries.append(ChronologyEntry(v.created_on, "plan",
                                       f"CIN plan v{v.number} started ({counted(v.needs, 'need')})",
                                       ref=str(v.id)))
        if v.agreed_on:
            entries.append(ChronologyEntry(
                v.agreed_on, "plan", f"CIN plan v{v.number} agreed"
                + (f" at {v.agreed_at}" if v.agreed_at else ""), who=v.agreed_by,
                ref=str(v.id)))
    names = RAG_NAMES
    for e in plans.rating_events(session, child_id):
        c = e.change
        move = (f"{names[c.previous]} → {names[c.rating]}" if c.previous
                else f"rated {names[c.rating]}")
        detail = []
        if c.maintained_for:
            detail.append(f"change maintained {c.maintained_for}")
        if c.agreed_at:
            detail.append(f"agreed: {c.agreed_at}")
        if c.cp_discussion:
            detail.append(f"CP conference / strategy discussion considered: {c.cp_discussion}")
        if c.reason:
            detail.append(c.reason)
        # The need whole, on one line: the chronology shows each entry whole (cut at 60
        # characters, an Amber rating read "attendance i…").
        need = " ".join(e.need.split())
        entries.append(ChronologyEntry(c.on, "rag", f"{move}: {need}", who=c.by,
                                       detail="; ".join(detail)))
    return entries


# ---------------------------------------------------------------- the whole record


@dataclass(frozen=True)
class ChildRecord:
    """Everything the child screen shows, loaded in one go (in a worker thread)."""

    summary: ChildDetails
    people: list[PersonRow]
    consents: list[ConsentRow]
    consent: ConsentSummary
    visits: visits.VisitList
    meetings: list[meetings.MeetingRow]
    chronology: list[ChronologyEntry]
    workers: list[WorkerChoice] = field(default_factory=list)
    plan: PlanVersion | None = None  # the plan in force (plans.current_plan)
    agreements: list[safeguards.Agreement] = field(default_factory=list)  # TRA
    non_engagement: safeguards.NonEngagementRow | None = None  # WIR 2.10
    consent_reason: str = ""  # why consent to the service is not valid (`service_reason`)
    service_began: bool = True  # a CIN service began (`support_began`): before it, consent
    # is "needed before support starts", as the due list and the caseload say (WAR 4.2)
    first_name: str = ""  # the child's, and their age today: whose own decision it is
    age: int | None = None
    transfer: str | None = None  # a transfer's permission to share (`transfer_permission`)

    @property
    def header(self) -> ChildHeader:
        return self.summary.header


def load_record(session: Session, child_id: uuid.UUID, today: date,
                actor: str | None = None) -> ChildRecord:
    child = _child(session, child_id)
    people = list_people(session, child_id)
    return ChildRecord(
        summary=child_summary(session, child_id, today, actor),
        people=people,
        consents=list_consents(session, child_id, today),
        consent=consent_status(session, child, today),
        visits=visits.list_visits(session, child_id, cases.store_policy(session), today),
        meetings=meetings.list_meetings(session, child_id, cases.store_policy(session)),
        chronology=chronology(session, child_id, today),
        workers=list_workers(session),
        plan=plans.current_plan(session, child_id),
        agreements=safeguards.agreements(session, child_id),
        non_engagement=safeguards.non_engagement(session, child_id),
        consent_reason=service_reason(session, child, today, people),
        service_began=support_began(session, child_id),
        first_name=child.first_name, age=_age(child, today),
        transfer=transfer_permission(session, child_id),
    )


__all__ = [
    "CONSENT_DECISIONS", "ChildDetails", "ChildHeader", "ChildInput", "ChildRecord",
    "ConsentInput", "ConsentRow", "PersonInput", "PersonRow", "RecordError",
    "WithheldInput", "WorkerChoice", "add_person", "check_child_input",
    "check_person_input", "child_header", "child_input", "child_summary", "chronology",
    "consent_status", "decision_facts", "episode_lines", "get_child", "list_consents",
    "level_choices", "list_people", "list_workers", "load_record", "no_change_prompt",
    "policy_levels", "reallocation_facts",
    "record_consent", "record_withheld_path", "remove_person", "support_began",
    "transfer_permission", "update_child", "update_person",
]
