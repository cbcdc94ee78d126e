"""The case's steps in the store (DOMAIN.md §11; rules in `cintui.domain.steps`): the
referral and the decision on it, the assessment (start, record under its headings, factors,
level of need, outcome, completion, the line manager's authorisation), the CIN plan's start
with the manager's authorisation, the initial home visit and support start (WAR 4.4.2), the
child's circumstances (WAR 2.2.2). Direct payments (WAR 7.2) are recorded in
`casework.short_breaks`; the case steps show them from there.

One function per step. Each checks everything first and writes nothing when a check fails
(`StepError`: field and problem); writes go through the caller's `Store.session(actor)`, so
each step is audited. The child's status is set from the facts after every step, never
typed. The clocks (DOMAIN.md §6) read the episode's dates: the referral starts the
assessment clock, the manager's authorisation stops it (and starts Bexley's initial meeting
clock), the plan's start starts the initial meeting (WIR 2.3) and visit clocks, the initial
home visit starts the support clock and support starting stops it (WAR 4.4.2).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from cintui.casework import cases, conflicts, drafts, short_breaks
from cintui.casework.cases import current_circumstances
from cintui.domain import steps as rules
from cintui.domain.calendar import england_calendar
from cintui.domain.endings import ENDINGS_BEFORE_A_PLAN
from cintui.domain.short_breaks import DirectPaymentFact
from cintui.domain.timescales import due_date
from cintui.domain.workforce import role_label
from cintui.reference import codes
from cintui.store import models as m


class StepError(cases.CaseworkError):
    """A step that cannot be recorded, in a worker's words (field, problem)."""


def _raise(problems: Iterable[rules.Problem]) -> None:
    for p in problems:
        raise StepError(p.field, p.message)


def _child(session: Session, child_id: uuid.UUID) -> m.Child:
    return cases.require_child(session, child_id, StepError)


def _episode(session: Session, child_id: uuid.UUID) -> m.Episode:
    return cases.require_episode(session, child_id, StepError)


def assessment_record(episode: m.Episode) -> dict[str, str]:
    """The assessment record's text by heading key."""
    try:
        data = json.loads(episode.assessment_record or "{}")
    except ValueError:
        return {}
    return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def ending_under_way(session: Session, episode: m.Episode) -> tuple[str, str]:
    """The episode's closure or step-down recommended, approved or disputed, as (kind,
    status); ("", "") when none is under way."""
    row = session.exec(
        select(m.Ending.kind, m.Ending.status)
        .where(m.Ending.episode_id == episode.id,
               col(m.Ending.kind).in_(ENDINGS_BEFORE_A_PLAN),
               col(m.Ending.status).in_(m.ACTIVE_ENDINGS))
        .order_by(col(m.Ending.recommended_on).desc(), col(m.Ending.created_at).desc())
    ).first()
    return (row[0], row[1]) if row else ("", "")


def facts(child: m.Child, episode: m.Episode,
          ending: tuple[str, str] = ("", "")) -> rules.StepFacts:
    """The episode's steps as the rules read them; `ending` from `ending_under_way`, where
    what comes next is asked (a write's checks do not need it)."""
    return rules.StepFacts(
        referral=episode.referral_date, birth=child.dob or child.expected_dob,
        referral_route=episode.referral_route, early_help_plan_on=episode.early_help_plan_on,
        referral_decision=episode.referral_decision,
        referral_decided_on=episode.referral_decided_on,
        referral_decided_by=episode.referral_decided_by,
        assessment_started=episode.assessment_started, record=assessment_record(episode),
        factors=tuple(codes.split_multi(episode.factors_chosen)),
        level=episode.assessment_level, outcome=episode.assessment_outcome,
        assessment_submitted=episode.assessment_submitted,
        assessment_authorised=episode.assessment_completed,
        assessment_authorised_by=episode.assessment_authorised_by,
        cin_plan_start=episode.cin_plan_start,
        cin_plan_authorised_by=episode.cin_plan_authorised_by,
        initial_home_visit=episode.initial_home_visit, support_started=episode.support_started,
        closed=episode.closure_date, closure_reason=episode.closure_reason,
        recorded_from=episode.recorded_from, moved_in=episode.moved_in,
        ending_kind=ending[0], ending_status=ending[1], reference=child.reference)


def _load(session: Session, child_id: uuid.UUID) -> tuple[m.Child, m.Episode, rules.StepFacts]:
    child = _child(session, child_id)
    episode = _episode(session, child_id)
    return child, episode, facts(child, episode)


def _save(session: Session, child: m.Child, episode: m.Episode) -> None:
    """Write the step; the child's status follows the facts (never typed by hand)."""
    child.status = rules.status_of(facts(child, episode))
    session.add_all([child, episode])
    session.flush()


def find_code(text: str, code_list: str, what: str, field: str) -> str:
    """A census code from its code or from words ("police", "domestic violence: child")."""
    try:
        return rules.pick_code(text, codes.short_names(code_list), what, field)
    except rules.NoSuchCode as exc:
        raise StepError(exc.field, exc.problem) from None


# ---------------------------------------------------------------- who acts


@dataclass(frozen=True)
class Staff:
    """Someone who acts on the record: a worker on the store, or a name typed."""

    name: str
    role: str = ""  # Worker.role, or "" for someone not on the store
    username: str = ""


def _who(session: Session, by: str | None, actor: str) -> Staff:
    """A worker by username or name; none given: the worker using cintui (`actor`)."""
    if by and by.strip():
        try:
            w = cases.find_worker(session, by)
        except cases.CaseworkError:
            cases.check_self(session, "", by)  # on a team server, no one else at all
            return Staff(by.strip())
        cases.check_self(session, w.username, by)
    else:
        w = session.exec(select(m.Worker).where(m.Worker.username == actor)).first()
        if w is None:
            return Staff(actor)
    return Staff(w.name, w.role, w.username)


def me(session: Session, actor: str) -> Staff:
    """The worker using cintui, with their role ("" when not on the store)."""
    return _who(session, None, actor)


def managers(session: Session) -> list[Staff]:
    """Who may authorise (TRA: the line manager): active team and service managers."""
    rows = session.exec(select(m.Worker).where(col(m.Worker.role).in_(rules.MANAGER_ROLES),
                                               m.Worker.active == True)  # noqa: E712
                        .order_by(m.Worker.name, m.Worker.username)).all()
    return [Staff(w.name, w.role, w.username) for w in rows]


def line_managers(session: Session, child_id: uuid.UUID) -> list[Staff]:
    """The child's line manager (TRA): the manager of the child's team, else of its
    worker's team; with neither, every team and service manager on the store."""
    child = session.get(m.Child, child_id)
    worker = session.get(m.Worker, child.worker_id) if child and child.worker_id else None
    for team_id in (child.team_id if child else None, worker.team_id if worker else None):
        team = session.get(m.Team, team_id) if team_id else None
        manager = session.get(m.Worker, team.manager_id) if team and team.manager_id else None
        if manager is not None and manager.active:
            return [Staff(manager.name, manager.role, manager.username)]
    return managers(session)


def authorisers_for(session: Session, actor: str, child_id: uuid.UUID) -> str | None:
    """For someone who may not authorise (TRA), who may, in words (`who_authorises`, the
    child's line manager); None for a manager, who may themselves."""
    if rules.may_authorise(me(session, actor).role):
        return None
    return who_authorises(line_managers(session, child_id))


def who_authorises(managers_: list[Staff]) -> str:
    """Who may authorise, in words for someone who may not (TRA): "Tom Abbiss (Team
    manager)", or that no manager is on the store yet; more than three (a child with no
    team on a large store), counted."""
    if len(managers_) > 3:
        return f"any of the {len(managers_)} team and service managers on this store"
    return ", ".join(f"{p.name} ({role_label(p.role)})" for p in managers_) or (
        "no team or service manager is on this store yet")


# ---------------------------------------------------------------- referral


def record_referral(session: Session, child_id: uuid.UUID, r: rules.Referral, *, today: date,
                    actor: str = "") -> m.Episode:
    """The referral (date, source, primary need, how it came) and the decision on it, who
    made it and when. A decision of no further action (or to early help) closes the episode
    on its date as a census referral NFA."""
    child, episode, f = _load(session, child_id)
    source = find_code(r.source, "referral_source", "referral source", "source") \
        if r.source else None
    need = find_code(r.need, "primary_need", "primary need", "need") if r.need else None
    _raise(rules.check_referral(r, f, today))
    decided_by = _who(session, r.decided_by, actor).name if r.decided_by else None
    if r.on is not None:
        episode.referral_date = r.on
    if source:
        episode.referral_source = source
    if need:
        episode.primary_need = child.primary_need = need
    route = episode.referral_route if r.route is None else r.route
    episode.referral_route = route
    episode.early_help_plan_on = (r.early_help_plan_on or episode.early_help_plan_on) \
        if route == "early_help_step_up" else None
    if r.decision:
        episode.referral_decision = r.decision
        episode.referral_decided_on = r.decided_on or episode.referral_decided_on or today
        if decided_by is not None:
            episode.referral_decided_by = decided_by[:200]
    if episode.referral_decision in rules.NFA_DECISIONS:
        episode.referral_nfa = True
        episode.closure_date = episode.referral_decided_on
        episode.closure_reason = rules.NFA_CLOSURE_REASON
    _save(session, child, episode)
    return episode


def referral_timeliness(session: Session, episode: m.Episode) -> str:
    """Whether the decision came within the policy's time (Working Together: 1 working
    day), in words; "" before a decision."""
    if episode.referral_decided_on is None:
        return ""
    ts = cases.store_policy(session).timescale("referral_decision")
    due = due_date(episode.referral_date, ts, england_calendar())
    return rules.decision_timeliness(episode.referral_date, episode.referral_decided_on, due,
                                     f"{ts.describe()}, {ts.source}")


# ---------------------------------------------------------------- assessment


def start_assessment(session: Session, child_id: uuid.UUID, on: date, today: date) -> m.Episode:
    child, episode, f = _load(session, child_id)
    _raise(rules.check_assessment_start(on, f, today))
    episode.assessment_started = on
    _save(session, child, episode)
    return episode


def record_stamp(f: rules.StepFacts) -> str:
    """The version of the assessment record a form read: its text, level and outcome."""
    return conflicts.values(sorted(f.record.items()), f.level, f.outcome)


def factors_stamp(f: rules.StepFacts) -> str:
    """The version of the assessment factors a form read."""
    return conflicts.values(f.factors)


def write_record(session: Session, child_id: uuid.UUID, texts: Mapping[str, str], *,
                 seen: str = "") -> m.Episode:
    """Text under the assessment record's headings (WIR 1.1, TRA); a heading given blank
    is cleared, one not given is kept. Written until the manager authorises it. `seen`:
    the `record_stamp` the form read; changed since, an `EditConflict` and nothing saved
    ("": the CLI, which reads and writes at once)."""
    child, episode, f = _load(session, child_id)
    conflicts.check(session, seen, record_stamp(f), "this child's assessment record",
                    [conflicts.row(episode)])
    _raise(rules.check_record(texts, f))
    record = assessment_record(episode)
    for key, text in texts.items():
        if text.strip():
            record[key] = text.strip()
        else:
            record.pop(key, None)
    episode.assessment_record = json.dumps({k: record[k] for k in rules.HEADING_KEYS
                                            if k in record}, ensure_ascii=False)
    _save(session, child, episode)
    return episode


# The assessment record typed in the app is saved as typed (`drafts`), one draft per
# worker and child: a flat battery mid-assessment loses nothing; saving the record ends it.
RECORD_DRAFT = "assessment"


def record_draft(session: Session, child_id: uuid.UUID, owner: str) -> drafts.DraftRow | None:
    """`owner`'s unsaved assessment record for the child, if any: its payload is
    {"texts": {heading key: text}, "level", "outcome", "seen": the record_stamp it began on}."""
    return next((d for d in drafts.for_child(session, child_id, RECORD_DRAFT)
                 if d.owner == owner), None)


def save_record_draft(session: Session, child_id: uuid.UUID, owner: str,
                      draft_id: uuid.UUID | None, payload: dict) -> uuid.UUID:
    """Write the draft's newest state (made on the first save); returns its id."""
    if draft_id is not None and drafts.save(session, draft_id, payload):
        return draft_id
    return drafts.create(session, RECORD_DRAFT, child_id, owner, payload).id


def parse_record(text: str) -> dict[str, str]:
    """An assessment record written as Markdown, by heading (`domain.steps.record_from_text`)."""
    try:
        return rules.record_from_text(text)
    except rules.NoSuchCode as exc:
        raise StepError(exc.field, exc.problem) from None


def set_level(session: Session, child_id: uuid.UUID, level: str) -> m.Episode:
    """TRA: the child's level of vulnerability, in the policy's own names of the levels."""
    child, episode, f = _load(session, child_id)
    levels = cases.store_policy(session).levels
    level = rules.level_meant(level, levels) if level.strip() else ""
    _raise(rules.check_level(level, f, levels))
    episode.assessment_level = level.strip()
    _save(session, child, episode)
    return episode


def set_factors(session: Session, child_id: uuid.UUID, wanted: Iterable[str], *,
                seen: str = "") -> tuple[str, ...]:
    """The assessment factors, each by words or code ("domestic violence: child"); replaces
    those chosen before. Returns the codes. `seen`: the `factors_stamp` the form read."""
    child, episode, f = _load(session, child_id)
    conflicts.check(session, seen, factors_stamp(f), "this child's assessment factors",
                    [conflicts.row(episode)])
    chosen = list(dict.fromkeys(
        find_code(w, "assessment_factor", "assessment factor", "factor") for w in wanted))
    _raise(rules.check_factors(chosen, f, current_circumstances(session, child_id),
                               codes.codes("assessment_factor")))
    episode.factors_chosen = " ".join(chosen)
    _save(session, child, episode)
    return tuple(chosen)


def set_outcome(session: Session, child_id: uuid.UUID, outcome: str) -> m.Episode:
    """The outcome the assessment recommends: a CIN plan, no further action, step down to
    early help, or escalate to a strategy discussion / s47 enquiry."""
    child, episode, f = _load(session, child_id)
    _raise(rules.check_outcome(outcome, f))
    episode.assessment_outcome = outcome
    _save(session, child, episode)
    return episode


def complete_assessment(session: Session, child_id: uuid.UUID, on: date,
                        today: date) -> m.Episode:
    """The worker completes the assessment and sends it to the line manager (TRA): every
    heading written, the factors, level of need and outcome chosen."""
    child, episode, f = _load(session, child_id)
    _raise(rules.check_completion(on, f, current_circumstances(session, child_id),
                                  cases.store_policy(session).levels, today))
    episode.assessment_submitted = on
    _save(session, child, episode)
    return episode


def authorise_assessment(session: Session, child_id: uuid.UUID, on: date, *, today: date,
                         by: str | None = None, actor: str = "") -> m.Episode:
    """TRA: the line manager authorises the completed assessment. Its date is the census
    authorisation date (the assessment clock stops); the factors go to the census with those
    the circumstances feed; the level of need becomes the child's; an outcome of no further
    action (RC8) or early help (RC9) closes the episode that day."""
    child, episode, f = _load(session, child_id)
    who = _who(session, by, actor)
    _raise(rules.check_authorisation(on, f, who.role, who.name, today))
    current = current_circumstances(session, child_id)
    episode.assessment_completed = on
    episode.assessment_authorised_by = who.name[:200]
    episode.assessment_factors = " ".join(rules.census_factors(f.factors, current))
    if f.level:
        child.level = f.level
    reason = rules.OUTCOME_CLOSURE.get(f.outcome)
    if reason:
        episode.closure_date, episode.closure_reason = on, reason
    _save(session, child, episode)
    return episode


# ---------------------------------------------------------------- plan and support


def start_plan(session: Session, child_id: uuid.UUID, on: date, *, today: date,
               by: str | None = None, actor: str = "") -> m.Episode:
    """TRA: the CIN plan starts with the line manager's authorisation, after an authorised
    assessment whose outcome is a CIN plan. Starts the initial meeting clock (WIR 2.3: 15
    working days) and the visit clock."""
    child, episode, f = _load(session, child_id)
    who = _who(session, by, actor)
    _raise(rules.check_plan_start(on, f, who.role, who.name, today))
    episode.cin_plan_start = on
    episode.cin_plan_authorised_by = who.name[:200]
    _save(session, child, episode)
    return episode


def record_home_visit(session: Session, child_id: uuid.UUID, on: date, today: date) -> m.Episode:
    """WAR 4.4.2: the initial home visit, from which support starts within 20 working days."""
    child, episode, f = _load(session, child_id)
    _raise(rules.check_home_visit(on, f, today))
    episode.initial_home_visit = on
    _save(session, child, episode)
    return episode


def start_support(session: Session, child_id: uuid.UUID, on: date, today: date) -> m.Episode:
    """WAR 4.4.2: CIN support started (stops the support clock)."""
    child, episode, f = _load(session, child_id)
    _raise(rules.check_support_start(on, f, today))
    episode.support_started = on
    _save(session, child, episode)
    return episode


# ---------------------------------------------------------------- circumstances (WAR 2.2.2)


def _value(key: str, text: str) -> str:
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    allowed = rules.circumstance(key).values
    if value in ("yes", "y", "true") and len(allowed) == 1:
        value = next(iter(allowed))
    if value in ("no", "n", "false", "none"):
        value = rules.NOT_APPLICABLE
    if value != rules.NOT_APPLICABLE and value not in allowed:
        choices = ", ".join([*(allowed if len(allowed) > 1 else ("yes",)), "no"])
        raise StepError(key, f"{text!r}: answer {choices}")
    return value


def record_circumstances(session: Session, child_id: uuid.UUID, changes: Mapping[str, str],
                         *, on: date, today: date, by: str = "",
                         disabilities: str | None = None,
                         adult_contact: str | None = None) -> dict[str, str]:
    """The child's circumstances as dated facts, each feeding its census factor (young carer
    7A, privately fostered 8B-8F, unaccompanied asylum seeking 9A, ...); the child's
    disabilities as census codes or words; adult social care's contact (WAR 4.2: None
    unchanged, "" none), carried on by each later row of adult social care. Only what
    changes is written. Returns the circumstances now."""
    child = _child(session, child_id)
    unknown = [k for k in changes if k not in rules.CIRCUMSTANCE_KEYS]
    if unknown:
        raise StepError(unknown[0], "not a circumstance: " + ", ".join(rules.CIRCUMSTANCE_KEYS))
    values = {k: _value(k, v) for k, v in changes.items()}
    _raise(rules.check_date("on", on, today, [(child.dob, "the child's birth")],
                            what="the date"))
    new_disabilities = None
    if disabilities is not None:
        picked = [find_code(w, "disability", "disability", "disability")
                  for w in disabilities.replace(",", ";").split(";") if w.strip()] or ["NONE"]
        new_disabilities = " ".join(dict.fromkeys(picked))
        try:
            codes.check_multi("disability", new_disabilities, "disability")
        except ValueError as exc:
            raise StepError("disability", str(exc).partition(": ")[2]) from None
    current = current_circumstances(session, child_id)
    asked = values.get(rules.ADULT_SOCIAL_CARE, rules.NOT_APPLICABLE)
    if asked != current.get(rules.ADULT_SOCIAL_CARE, rules.NOT_APPLICABLE) and (
            problem := rules.check_adult_care_age(asked, child.dob, on)):
        raise StepError(rules.ADULT_SOCIAL_CARE, problem)
    held = adult_care_contact(session, child_id)
    contact = held if adult_contact is None else " ".join(adult_contact.split())
    if adult_contact is not None:
        problem = rules.check_adult_contact(adult_contact, values.get(
            rules.ADULT_SOCIAL_CARE, current.get(rules.ADULT_SOCIAL_CARE, "")))
        if problem:
            raise StepError("adult_contact", problem)
        if contact != held and rules.ADULT_SOCIAL_CARE not in values:
            # WAR 4.2: a contact changed alone is a new row of the same answer
            values[rules.ADULT_SOCIAL_CARE] = current[rules.ADULT_SOCIAL_CARE]
    for key, value in values.items():
        changed = key == rules.ADULT_SOCIAL_CARE and value != rules.NOT_APPLICABLE \
            and contact != held
        if current.get(key, rules.NOT_APPLICABLE) != value or changed:
            session.add(m.Circumstance(
                child_id=child_id, kind=key, value=value, recorded_on=on,
                recorded_by=by[:200],
                contact=contact if key == rules.ADULT_SOCIAL_CARE
                and value != rules.NOT_APPLICABLE else ""))
    if new_disabilities is not None and new_disabilities != child.disabilities:
        child.disabilities = new_disabilities
        session.add(child)
    session.flush()
    return current_circumstances(session, child_id)


def date_of_birth(session: Session, child_id: uuid.UUID) -> date | None:
    """The child's date of birth (None: unborn), for the circumstances form's check of
    adult social care against their age (WAR 4.2, `rules.check_adult_care_age`)."""
    return _child(session, child_id).dob


def adult_care_contact(session: Session, child_id: uuid.UUID) -> str:
    """Adult social care's contact recorded with the young person's referral or its answer
    (WAR 4.2), for the closure letters (RC6); "" none, or none held now."""
    row = session.exec(select(m.Circumstance).where(
        m.Circumstance.child_id == child_id, m.Circumstance.kind == rules.ADULT_SOCIAL_CARE)
        .order_by(col(m.Circumstance.recorded_on).desc(),
                  col(m.Circumstance.created_at).desc())).first()
    return row.contact if row is not None and row.value != rules.NOT_APPLICABLE else ""


# ---------------------------------------------------------------- where the case stands


@dataclass(frozen=True)
class CaseSteps:
    """The Case steps screen and `cintui referral show`."""

    child_id: uuid.UUID
    reference: str
    name: str
    status: str
    facts: rules.StepFacts
    steps: tuple[rules.Step, ...]
    next_step: str
    source: str  # census referral source code
    need: str  # census primary need code
    referral_timeliness: str
    factor_names: tuple[tuple[str, str], ...]  # chosen: (code, short name)
    census_factors: tuple[str, ...]  # as the census will have them on authorisation
    circumstances: Mapping[str, str]
    disabilities: str
    levels: tuple[str, ...]
    # WAR 7.2: the child's direct payments, oldest first (casework.short_breaks).
    direct_payments: tuple[DirectPaymentFact, ...]
    missing: tuple[rules.Problem, ...]  # what completing the assessment still needs
    prompts: tuple[rules.Prompt, ...] = ()  # WAR 4.4.1, STO 7.13 (rules.case_prompts)
    adult_contact: str = ""  # WAR 4.2: adult social care's contact (`adult_care_contact`)


def circumstances_now(session: Session, child_id: uuid.UUID) -> tuple[dict[str, str], str]:
    """The child's circumstances now and their disabilities (census codes), as the
    circumstances form opens with them."""
    child = session.get(m.Child, child_id)
    if child is None:
        raise StepError("child", "no such child")
    return current_circumstances(session, child_id), child.disabilities or ""


def _prompts(child: m.Child, episode: m.Episode, f: rules.StepFacts,
             policy) -> tuple[rules.Prompt, ...]:
    return rules.case_prompts(f, episode.referral_source or "", child.disabilities or "",
                              child.service or "", policy.disability_service)


def prompts(session: Session, child_id: uuid.UUID) -> tuple[rules.Prompt, ...]:
    """What the case steps prompt (WAR 4.4.1, STO 7.13), without the rest of them: for a
    command that only says them (`cintui child add`)."""
    child, episode, f = _load(session, child_id)
    return _prompts(child, episode, f, cases.store_policy(session))


def case_steps(session: Session, child_id: uuid.UUID) -> CaseSteps:
    child, episode = _child(session, child_id), _episode(session, child_id)
    f = facts(child, episode, ending_under_way(session, episode))  # what comes next, too
    current = current_circumstances(session, child_id)
    names = codes.short_names("assessment_factor")
    policy = cases.store_policy(session)
    levels = policy.levels
    said = _prompts(child, episode, f, policy)
    census = (tuple(codes.split_multi(episode.assessment_factors)) if f.assessment_authorised
              else rules.census_factors(f.factors, current))
    return CaseSteps(
        child_id=child.id, reference=child.reference, name=child.full_name,
        status=child.status, facts=f, steps=tuple(rules.steps(f)),
        next_step=rules.next_step(f, level_needed=bool(levels)),
        source=episode.referral_source, need=episode.primary_need,
        referral_timeliness=referral_timeliness(session, episode),
        factor_names=tuple((c, names.get(c, c)) for c in f.factors),
        census_factors=census, circumstances=current, disabilities=child.disabilities,
        levels=levels,
        direct_payments=tuple(short_breaks.direct_payment_facts(session, child_id)),
        missing=tuple(rules.missing_for_completion(f, current, levels)),
        prompts=said, adult_contact=adult_care_contact(session, child_id))


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def steps_json(s: CaseSteps) -> dict:
    f = s.facts
    return {
        "reference": s.reference, "name": s.name, "status": s.status,
        "next_step": s.next_step, "prompts": [p.text for p in s.prompts],
        "referral": {"date": _iso(f.referral),
                     "source": codes.label("referral_source", s.source),
                     "primary_need": codes.label("primary_need", s.need),
                     "route": f.referral_route or None,
                     "early_help_plan_on": _iso(f.early_help_plan_on),
                     "decision": f.referral_decision or None,
                     "decided_on": _iso(f.referral_decided_on),
                     "decided_by": f.referral_decided_by or None,
                     "timeliness": s.referral_timeliness or None},
        "assessment": {"started": _iso(f.assessment_started),
                       "record": {h.key: f.record.get(h.key, "") for h in rules.HEADINGS},
                       "factors": [{"code": c, "name": n} for c, n in s.factor_names],
                       "census_factors": list(s.census_factors),
                       "level": f.level or None, "outcome": f.outcome or None,
                       "completed": _iso(f.assessment_submitted),
                       "authorised": _iso(f.assessment_authorised),
                       "authorised_by": f.assessment_authorised_by or None,
                       "missing": [p.message for p in s.missing]},
        "cin_plan": {"start": _iso(f.cin_plan_start),
                     "authorised_by": f.cin_plan_authorised_by or None},
        "initial_home_visit": _iso(f.initial_home_visit),
        "support_started": _iso(f.support_started),
        "closed": _iso(f.closed), "closure_reason": f.closure_reason,
        "circumstances": dict(s.circumstances), "disabilities": s.disabilities,
        # WAR 7.2, 7.2.1: one object per direct payment (`cintui direct-payment list`).
        "direct_payments": [{"started": _iso(p.started_on), "review_due": _iso(p.review_due),
                             "ended": _iso(p.ended_on), "describe": p.describe(),
                             "reviews": [_iso(r.on) for r in p.reviews]}
                            for p in s.direct_payments],
        "steps": [{"key": st.key, "title": st.title, "done": st.done,
                   "done_on": _iso(st.done_on),
                   "who": st.who or None, "detail": st.detail or None} for st in s.steps],
    }


__all__ = [
    "CaseSteps", "Staff", "StepError", "assessment_record", "authorise_assessment",
    "case_steps", "complete_assessment", "current_circumstances",
    "facts", "find_code", "managers", "me", "parse_record", "prompts", "record_circumstances",
    "record_home_visit", "record_referral", "referral_timeliness",
    "set_factors", "set_level", "set_outcome", "start_assessment",
    "start_plan", "start_support", "steps_json", "write_record",
]
