"""Endings in the store (DOMAIN.md §7): management decisions (BEX 4), the closure path (TRA,
BEX 3) from the recommendation to the closed case, its dispute path, closure letters and
the closure summary, and re-referral as a new episode (WAR 3.4).

The closure path, one `ending` row of kind "closure" per attempt:
recommended → the team manager decides (approved / declined, a `decision` row with the
rationale; `episode.closure_decided` starts the engine's `closure_notification` clock) →
the family told (`episode.family_told_of_closure` stops it) → closed, once the checklist
(`domain.endings.closure_checklist`) is met. A dispute of an approved closure goes to the
team manager, then the service manager; each step is a `decision` row.

Every write goes through the caller's `Store.session(actor)`, so it is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session, col, select

from cintui.casework import cases, decisions, drafts, lookup, meetings, plans, record
from cintui.casework import steps as case_steps
from cintui.casework.decisions import Decider, EndingError, NewDecision  # noqa: F401 (re-export)
from cintui.casework.lookup import EpisodeRow
from cintui.domain import endings as rules
from cintui.domain import plan as plan_rules
from cintui.domain import steps as step_rules
from cintui.domain.calendar import england_calendar
from cintui.domain.child import age_years, is_unborn
from cintui.domain.consent import (
    OWN_NOT_GIVEN,
    ConsentStatus,
    consent_command,
    service_began,
)
from cintui.domain.dates import day_words
from cintui.domain.timescales import due_date
from cintui.domain.workforce import needs_role
from cintui.reference import codes
from cintui.store import models as m
from cintui.store.quick import SessionWriter

ACTIVE = m.ACTIVE_ENDINGS  # one closure (or step-down, ...) in progress at a time


class ClosureBlocked(EndingError):
    """Closing refused: the checklist items still unmet, each with its rule."""

    def __init__(self, items: list[rules.ChecklistItem]) -> None:
        self.items = items
        super().__init__("closure", "cannot close yet: " + rules.describe_blockers(items))


def _raise(problems: list[rules.Problem]) -> None:
    if problems:
        raise EndingError(problems[0].field, problems[0].message)


def _child(session: Session, child_id: uuid.UUID) -> m.Child:
    return cases.require_child(session, child_id, EndingError)


def _episode(session: Session, child_id: uuid.UUID) -> m.Episode:
    return cases.require_episode(session, child_id, EndingError)


# ---------------------------------------------------------------- people who decide


def _decider(session: Session, text: str | None, actor: str) -> Decider:
    """A worker by username or name; none given: the app's own worker (`actor`)."""
    return decisions.decider(session, text, actor, cases.server_login(session))


def managers(session: Session) -> list[Decider]:
    """Workers who may decide a closure (TRA, BEX 3): team and service managers."""
    rows = session.exec(select(m.Worker).where(col(m.Worker.role).in_(rules.DECIDER_ROLES),
                                               m.Worker.active == True)  # noqa: E712
                        .order_by(m.Worker.name, m.Worker.username)).all()
    return [Decider(w.id, w.name, w.role, w.username) for w in rows]


def me(session: Session, actor: str) -> Decider:
    return _decider(session, None, actor)


# ---------------------------------------------------------------- decisions (BEX 4)


def record_decision(session: Session, child_id: uuid.UUID, new: NewDecision, *, actor: str,
                    today: date, ending_id: uuid.UUID | None = None) -> m.Decision:
    """BEX 4: record a decision on the child's record with its rationale, who and when
    (`decisions.record`, which the light writer shares)."""
    row = decisions.record(SessionWriter(session, cases.server_login(session)), child_id, new,
                           actor=actor, today=today, ending_id=ending_id)
    return session.get(m.Decision, row["id"])


def list_decisions(session: Session, child_id: uuid.UUID) -> list[rules.DecisionFact]:
    """Oldest first (`lookup.decision_facts`)."""
    return lookup.decision_facts(session, cases.reference_of(session, child_id))


# ---------------------------------------------------------------- the closure ending


def closure_ending(session: Session, child_id: uuid.UUID) -> m.Ending | None:
    """The latest closure ending of the child's current episode (any status)."""
    episode = cases.current_episode(session, child_id)
    if episode is None:
        return None
    return session.exec(select(m.Ending).where(m.Ending.episode_id == episode.id,
                                               m.Ending.kind == "closure")
                        .order_by(col(m.Ending.recommended_on).desc(),
                                  col(m.Ending.created_at).desc())).first()


def under_way_ending(session: Session, child_id: uuid.UUID) -> rules.UnderWay | None:
    """A step-down or transfer out under way (recommended or agreed) that the closure is
    the last step of; None when there is none."""
    episode = cases.current_episode(session, child_id)
    if episode is None:
        return None
    row = session.exec(select(m.Ending).where(
        m.Ending.episode_id == episode.id,
        col(m.Ending.kind).in_(("step_down", "transfer_out")),
        col(m.Ending.status).in_(("recommended", "approved")))
        .order_by(col(m.Ending.created_at).desc())).first()
    if row is None:
        return None
    where = row.receiving_service if row.kind == "step_down" else row.receiving_authority
    return rules.UnderWay(row.kind, row.status, where or "")


def closed_by_transfer(session: Session, child_id: uuid.UUID, letters: bool = False) -> str:
    """BEX 4: the current episode closed by a transfer out (RC5), which leaves no closure
    record, in words (`rules.closed_by_transfer`); "" otherwise."""
    episode = cases.current_episode(session, child_id)
    if episode is None or episode.closure_date is None:
        return ""
    sent = session.exec(select(m.Ending).where(
        m.Ending.episode_id == episode.id, m.Ending.kind == "transfer_out",
        m.Ending.status == "completed")).first()
    if sent is None:
        return ""
    return rules.closed_by_transfer(_child(session, child_id).reference,
                                    sent.completed_on or episode.closure_date,
                                    sent.receiving_authority or "", letters)


def ending_under_way(session: Session, child_id: uuid.UUID) -> str:
    """`under_way` in words (`rules.closure_follows`); "" when there is none."""
    u = under_way_ending(session, child_id)
    return rules.closure_follows(u.kind, u.status, u.where) if u else ""


def _active(session: Session, child_id: uuid.UUID, *statuses: str) -> m.Ending:
    ending = closure_ending(session, child_id)
    if ending is None and (u := under_way_ending(session, child_id)) is not None:
        # WIR 3, BEX 4: the step-down or transfer approves the closure; as `close status`
        reference = _child(session, child_id).reference
        raise EndingError("closure", f"no closure recommended: {u.words(reference)}")
    if ending is None or ending.status not in statuses:
        now = (f"the closure is {rules.ENDING_STATUS_LABELS[ending.status]}" if ending
               else "no closure has been recommended")
        wanted = " or ".join(rules.ENDING_STATUS_LABELS[s] for s in statuses)
        raise EndingError("closure", f"{now}; this step needs a closure {wanted}")
    return ending


@dataclass(frozen=True)
class Prefill:
    """From the latest held meeting when it is a final meeting recommending an ending; or
    from adult social care's acceptance of a young person (WAR 4.2: RC6), or both."""

    meeting_id: uuid.UUID | None
    held_on: date | None
    recommendation: str
    reason: str
    unmet_need: bool | None
    adult_care_on: date | None = None  # adult social care accepted them (the circumstance)

    def words(self) -> str:
        """Where the pre-filled answers come from, as a sentence's end."""
        said = [f"the final meeting of {day_words(self.held_on)} recommended "
                f"{self.recommendation.replace('_', ' ')}" if self.held_on else "",
                f"adult social care accepted them on {day_words(self.adult_care_on)} (RC6)"
                if self.adult_care_on else ""]
        return "; ".join(x for x in said if x)


FINAL_KINDS = ("review", "final")  # a meeting that can recommend the ending


def closure_prefill(session: Session, child_id: uuid.UUID) -> Prefill | None:
    episode = cases.current_episode(session, child_id)
    rows = session.exec(select(m.Meeting).where(m.Meeting.child_id == child_id,
                                                m.Meeting.status == "held")
                        .order_by(col(m.Meeting.held_on).desc(), col(m.Meeting.created_at).desc())).all()
    latest = rows[0] if rows else None
    # The review that recommends the ending is the final CIN meeting (DOMAIN.md §7:
    # "review recommends"): booked as a review, it once did not count, and the step-down
    # said no final meeting had recommended it.
    if (latest is None or latest.kind not in FINAL_KINDS
            or latest.recommendation not in rules.CLOSING_RECOMMENDATIONS):
        return _adult_care(session, child_id, None)
    # STO 3.3: stepped down while still in need counts as "unmet need stepped down".
    unmet = bool(latest.still_in_need) if latest.recommendation == "step_down" else False
    planned = episode is not None and episode.cin_plan_start is not None
    # RC7 after a plan; straight after the assessment, RC9 (early help) or RC8 (no action).
    reason = "RC7" if planned else "RC9" if latest.recommendation == "step_down" else "RC8"
    found = Prefill(latest.id, latest.held_on, latest.recommendation, reason, unmet)
    return found if latest.recommendation == "step_down" else \
        _adult_care(session, child_id, found)


def _adult_care(session: Session, child_id: uuid.UUID, found: Prefill | None
                ) -> Prefill | None:
    """WAR 4.2, s17(10): a young person adult social care has accepted closes on to it:
    RC6, no need stepped down to early help (STO 3.3), whatever a final meeting said."""
    rows = session.exec(select(m.Circumstance).where(
        m.Circumstance.child_id == child_id,
        m.Circumstance.kind == step_rules.ADULT_SOCIAL_CARE)
        .order_by(col(m.Circumstance.recorded_on).desc(),
                  col(m.Circumstance.created_at).desc())).all()
    if not rows or rows[0].value != "accepted":
        return found
    # The acceptance's date: the first row of it (a later one changed only the contact).
    since = rows[0].recorded_on
    for row in rows:
        if row.value != "accepted":
            break
        since = row.recorded_on
    if found is None:
        return Prefill(None, None, "close", "RC6", False, adult_care_on=since)
    return replace(found, reason="RC6", unmet_need=False, adult_care_on=since)


def recommender(session: Session, child_id: uuid.UUID, actor: str) -> str:
    """Who recommends, when not said: the worker recording it (a colleague recording on
    another's case recommends it themselves: their laptop's sync shows it as theirs); where
    the one recording is no worker on the store, the child's worker; else the actor."""
    row = session.exec(select(m.Worker).where(m.Worker.username == actor)).first()
    if row is not None:
        return row.name
    child = _child(session, child_id)
    worker = session.get(m.Worker, child.worker_id) if child.worker_id else None
    return worker.name if worker else actor


def recommend_closure(session: Session, child_id: uuid.UUID, *, on: date, by: str,
                      today: date, summary: str = "", reason: str | None = None,
                      unmet_need: bool | None = None) -> m.Ending:
    """TRA, BEX 3: a review (or the worker) recommends closure; the manager decides next.
    The final meeting's recommendation pre-fills the reason and the unmet-need answer."""
    child = _child(session, child_id)
    if child.status == "closed":
        raise EndingError("child", "the case is already closed")
    current = closure_ending(session, child_id)
    if current is not None and current.status in ACTIVE:
        raise EndingError("closure", f"a closure is already "
                          f"{rules.ENDING_STATUS_LABELS[current.status]}")
    if under_way := ending_under_way(session, child_id):  # WIR 3, BEX 4
        raise EndingError("closure", f"nothing to recommend: {under_way}; withdraw it "
                          "first to close the case another way")
    if on > today:
        raise EndingError("on", f"{day_words(on)} is in the future")
    if not by.strip():
        raise EndingError("by", "say who recommends the closure")
    codes.check("reason", reason, "closure_reason")
    prefill = closure_prefill(session, child_id)
    episode = _episode(session, child_id)
    if on < episode.referral_date:
        raise EndingError("on", f"{day_words(on)} is before the referral "
                          f"({day_words(episode.referral_date)})")
    ending = m.Ending(
        child_id=child_id, episode_id=episode.id, kind="closure", status="recommended",
        recommended_on=on, recommended_by=by.strip()[:200],
        meeting_id=prefill.meeting_id if prefill else None,
        closure_reason=reason or (prefill.reason if prefill else None),
        unmet_need=unmet_need if unmet_need is not None else (
            prefill.unmet_need if prefill else None),
        closure_summary=summary.strip())
    session.add(ending)
    session.flush()
    return ending


def decide_closure(session: Session, child_id: uuid.UUID, *, approve: bool, rationale: str,
                   on: date, today: date, by: str | None = None, actor: str = "") -> m.Ending:
    """TRA, BEX 3-4: the team manager approves or declines, with a rationale (a decision
    row). Approval starts the clock for telling the family (BEX 3: 5 working days)."""
    ending = _active(session, child_id, "recommended")
    who = _decider(session, by, actor)
    _raise(rules.check_closure_decision(approve, rationale, who.role, on,
                                        ending.recommended_on, today, who.username or who.name))
    verdict = "Closure approved" if approve else "Closure declined: the case stays open"
    record_decision(session, child_id, NewDecision(
        "closure", verdict, rationale, on, who.username or who.name), actor=actor,
        today=today, ending_id=ending.id)
    ending.status = "approved" if approve else "declined"
    ending.decided_on, ending.decided_by = on, who.name[:200]
    ending.rationale = rationale.strip()
    session.add(ending)
    if approve:
        episode = session.get(m.Episode, ending.episode_id)
        episode.closure_decided = on
        session.add(episode)
    session.flush()
    return ending


def family_told(session: Session, child_id: uuid.UUID, *, on: date, today: date) -> m.Ending:
    """BEX 3: the family told of the decision; stops the closure_notification clock."""
    ending = _active(session, child_id, "approved")
    _raise(rules.check_family_told(on, ending.decided_on, today))
    ending.family_told_on = on
    episode = session.get(m.Episode, ending.episode_id)
    episode.family_told_of_closure = on
    session.add_all([ending, episode])
    session.flush()
    return ending


def notification_due(session: Session, ending: m.Ending) -> date | None:
    """BEX 3: the date the family must be told by (the store's policy)."""
    if ending.decided_on is None or ending.status == "declined":
        return None
    ts = cases.store_policy(session).timescale("closure_notification")
    return due_date(ending.decided_on, ts, england_calendar())


# ---------------------------------------------------------------- dispute (BEX 3)


def raise_dispute(session: Session, child_id: uuid.UUID, *, by: str, details: str,
                  on: date, today: date) -> m.Ending:
    """BEX 3: the family or a professional disputes the decision: it goes to the team
    manager (then, if need be, the service manager). Closing waits until it is settled."""
    ending = _active(session, child_id, "approved")
    if not by.strip():
        raise EndingError("by", "say who disputes the decision (a parent, a professional)")
    if not details.strip():
        raise EndingError("details", "say what is disputed and why")
    if on > today:
        raise EndingError("on", f"{day_words(on)} is in the future")
    if ending.decided_on and on < ending.decided_on:
        raise EndingError("on", f"{day_words(on)} is before the decision ({day_words(ending.decided_on)})")
    ending.status = "disputed"
    ending.dispute_raised_on, ending.dispute_raised_by = on, by.strip()[:200]
    ending.dispute_details = details.strip()
    ending.escalated_to_service_manager_on, ending.dispute_outcome = None, ""
    session.add(ending)
    session.flush()
    return ending


def service_managers(session: Session) -> str:
    """The service managers by name ("Morgan Fielding"; several: "A or B")."""
    return " or ".join(d.name for d in managers(session) if d.role == "service_manager")


def settle_refusal(session: Session, child_id: uuid.UUID, actor: str) -> str | None:
    """BEX 3: why `actor` may not record the outcome of the child's dispute (None: they
    may, or there is no dispute referred on): once the team manager has referred it to the
    service manager, it is theirs alone, whoever the form names as deciding."""
    ending = closure_ending(session, child_id)
    if ending is None or ending.status != "disputed" or \
            ending.escalated_to_service_manager_on is None:
        return None
    me = _decider(session, None, actor)
    return rules.settling_referred(service_managers(session), me.username or me.name, me.role)


def settle_dispute(session: Session, child_id: uuid.UUID, *, outcome: str, rationale: str,
                   on: date, today: date, by: str | None = None, actor: str = "") -> m.Ending:
    """BEX 3: the team manager upholds, overturns or refers the dispute on; the service
    manager then upholds or overturns. Each step is a decision with its rationale."""
    ending = _active(session, child_id, "disputed")
    at_service = ending.escalated_to_service_manager_on is not None
    if at_service and (refusal := settle_refusal(session, child_id, actor)):
        raise EndingError("dispute", refusal)  # BEX 3: whoever records it, not only who is named
    who = _decider(session, by, actor)
    if outcome not in rules.DISPUTE_OUTCOMES:
        raise EndingError("outcome", f"{outcome!r} is not one of: "
                          + ", ".join(rules.DISPUTE_OUTCOMES))
    if at_service:
        refusal = rules.settling_referred(service_managers(session), who.username or who.name,
                                          who.role)
    else:
        refusal = needs_role(who.username or who.name, who.role, rules.DECIDER_ROLES)
        refusal = refusal and f"BEX 3: a dispute goes to the team manager first: settling it {refusal}"
    if refusal is not None:
        raise EndingError("by", refusal)
    if at_service and outcome == "escalated":
        raise EndingError("outcome", "the service manager is the last step: uphold or overturn")
    if not rationale.strip():
        raise EndingError("rationale", "BEX 4: give the rationale for the decision")
    start = ending.escalated_to_service_manager_on or ending.dispute_raised_on
    if on > today or (start and on < start):
        raise EndingError("on", f"{day_words(on)} is " + ("in the future" if on > today else
                          f"before the dispute reached them ({day_words(start)})"))
    label = rules.DISPUTE_OUTCOME_LABELS[outcome]
    record_decision(session, child_id, NewDecision(
        "dispute", f"Dispute by {ending.dispute_raised_by}: {label}", rationale, on,
        who.username or who.name), actor=actor, today=today, ending_id=ending.id)
    if outcome == "escalated":
        ending.escalated_to_service_manager_on = on
    else:
        ending.dispute_outcome = f"{label} ({who.name}, {day_words(on)})"
        ending.status = "approved" if outcome == "upheld" else "withdrawn"
        if outcome == "overturned":
            episode = session.get(m.Episode, ending.episode_id)
            episode.closure_decided = episode.family_told_of_closure = None
            session.add(episode)
    session.add(ending)
    session.flush()
    return ending


# ---------------------------------------------------------------- closing


@dataclass(frozen=True)
class CloseInput:
    """What closing sets; None: keep what the ending already holds."""

    closure_date: date | None = None
    reason: str | None = None
    unmet_need: bool | None = None
    summary: str | None = None


def _consent_missing(session: Session, child: m.Child, today: date) -> str:
    """Why consent to the service is missing, whose is needed (`domain.consent.service_reason`)
    and where to record it; it said "no decision on consent to the service is recorded" with
    an 11-year-old's own consent there and no parent's."""
    people = record.list_people(session, child.id)
    why = record.service_reason(session, child, today, people)
    then = consent_command(child.reference, [p.name for p in people if p.parental_responsibility],
                           own=OWN_NOT_GIVEN in why)  # WIR 2.1: their own
    return f"{why} (3 on the record, then a; {then})" if why else ""


def _service_began(session: Session, child: m.Child, ending: m.Ending | None) -> bool:
    """WAR 4.2, 4.4.2: CIN support started, or a CIN plan, in the episode closing."""
    if ending is None:
        return record.support_began(session, child.id)
    episode = session.get(m.Episode, ending.episode_id)
    return episode is None or service_began(episode.support_started, episode.cin_plan_start)


def _facts(session: Session, child: m.Child, ending: m.Ending | None, inp: CloseInput,
           today: date) -> rules.ClosureFacts:
    kinds = [d.kind for d in drafts.for_child(session, child.id)]
    consent = record.consent_status(session, child, today)
    e = ending
    return rules.ClosureFacts(
        approved=e is not None and e.status in ("approved", "disputed", "completed"),
        disputed=e is not None and e.status == "disputed",
        visit_drafts=kinds.count("visit"), minutes_drafts=kinds.count("minutes"),
        draft_plan=plans.draft_version_id(session, child.id) is not None,
        consent_recorded=consent.status["service"] is not ConsentStatus.MISSING,
        consent_missing=_consent_missing(session, child, today),
        service_began=_service_began(session, child, e),
        family_told_on=e.family_told_on if e else None,
        summary=inp.summary if inp.summary is not None else (e.closure_summary if e else ""),
        reason=inp.reason if inp.reason is not None else (e.closure_reason if e else None),
        unmet_need=inp.unmet_need if inp.unmet_need is not None else (
            e.unmet_need if e else None),
        closure_date=inp.closure_date or today,
        decided_on=e.decided_on if e else None,
        booked=meetings.booked(session, child.id),
        running=running_packages(session, child.id, e.episode_id if e else None),
        under_way=under_way_ending(session, child.id), reference=child.reference)


def running_packages(session: Session, child_id: uuid.UUID,
                     episode_id: uuid.UUID | None = None) -> tuple[str, ...]:
    """WAR 7.2.1: the child's short breaks and direct payments not ended, in words; none
    after a step-down of the episode (WIR 3), whose pack tells early help what goes on."""
    from cintui.casework import short_breaks

    if episode_id is not None and session.exec(select(m.Ending.id).where(
            m.Ending.episode_id == episode_id, m.Ending.kind == "step_down",
            m.Ending.status == "completed")).first() is not None:
        return ()
    found = (*short_breaks.short_break_facts(session, child_id),
             *short_breaks.direct_payment_facts(session, child_id))
    return tuple(f.describe() for f in found if f.ended_on is None)


def checklist(session: Session, child_id: uuid.UUID, today: date,
              inp: CloseInput | None = None) -> list[rules.ChecklistItem]:
    """The closure checklist as it stands (TRA: records complete before closure)."""
    child = _child(session, child_id)
    return rules.closure_checklist(
        _facts(session, child, closure_ending(session, child_id), inp or CloseInput(), today),
        today, codes.codes("closure_reason"))


def save_details(session: Session, child_id: uuid.UUID, inp: CloseInput) -> m.Ending:
    """Keep the closure reason, unmet-need answer and summary on the ending, closed or not."""
    ending = _active(session, child_id, *ACTIVE)
    if inp.reason is not None:
        codes.check("reason", inp.reason or None, "closure_reason")
        ending.closure_reason = inp.reason or None
    if inp.unmet_need is not None:
        ending.unmet_need = inp.unmet_need
    if inp.summary is not None:
        ending.closure_summary = inp.summary.strip()
    session.add(ending)
    session.flush()
    return ending


def complete_closure(session: Session, child_id: uuid.UUID, inp: CloseInput,
                     today: date) -> m.Ending:
    """Close the case once every checklist item is met (else `ClosureBlocked`, listing
    them): the episode gets its closure date, census reason, plan end and the STO 3.3
    flag; the child's status becomes closed; the ending keeps the closure summary."""
    child = _child(session, child_id)
    ending = _active(session, child_id, "approved", "disputed", "recommended")
    if inp.reason:
        codes.check("reason", inp.reason, "closure_reason")
    items = rules.closure_checklist(_facts(session, child, ending, inp, today), today,
                                    codes.codes("closure_reason"))
    if rules.blockers(items):
        raise ClosureBlocked(rules.blockers(items))
    facts = _facts(session, child, ending, inp, today)
    when = facts.closure_date
    episode = session.get(m.Episode, ending.episode_id)
    episode.closure_date, episode.closure_reason = when, facts.reason
    if episode.cin_plan_start and not episode.cin_plan_end:
        episode.cin_plan_end = when
    episode.unmet_need_stepped_down = bool(facts.unmet_need)
    child.status = "closed"
    ending.status, ending.completed_on = "completed", when
    ending.closure_reason, ending.unmet_need = facts.reason, facts.unmet_need
    ending.closure_summary = facts.summary.strip()
    session.add_all([episode, child, ending])
    session.flush()
    return ending


# ---------------------------------------------------------------- where the closure stands


@dataclass(frozen=True)
class ClosureState:
    """The closure screen and `cintui close status`."""

    child_id: uuid.UUID
    reference: str
    name: str
    child_status: str
    ending: dict | None  # the ending's fields (see `ending_json`)
    notify_by: date | None  # BEX 3: tell the family by
    checklist: tuple[rules.ChecklistItem, ...]
    prefill: Prefill | None
    decisions: tuple[rules.DecisionFact, ...]  # about this closure, oldest first
    # A step-down or transfer under way, whose last step the closure is (in words), or "".
    under_way: str = ""
    # BEX 4: closed by a transfer out, with no closure record (in words), or "".
    transferred: str = ""

    @property
    def status(self) -> str | None:
        return self.ending["status"] if self.ending else None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def ending_json(e: m.Ending) -> dict:
    return {
        "id": e.id.hex, "kind": e.kind, "status": e.status,
        "status_label": rules.ENDING_STATUS_LABELS[e.status],
        "recommended_on": _iso(e.recommended_on), "recommended_by": e.recommended_by,
        "meeting_id": e.meeting_id.hex if e.meeting_id else None,
        "decided_on": _iso(e.decided_on), "decided_by": e.decided_by or None,
        "rationale": e.rationale or None, "family_told_on": _iso(e.family_told_on),
        "closure_reason": e.closure_reason,
        "closure_reason_label": codes.label("closure_reason", e.closure_reason) or None,
        "unmet_need": e.unmet_need, "closure_summary": e.closure_summary,
        "dispute": None if e.dispute_raised_on is None else {
            "raised_on": _iso(e.dispute_raised_on), "raised_by": e.dispute_raised_by,
            "details": e.dispute_details,
            "escalated_to_service_manager_on": _iso(e.escalated_to_service_manager_on),
            "outcome": e.dispute_outcome or None},
        "completed_on": _iso(e.completed_on),
    }


def closure_state(session: Session, child_id: uuid.UUID, today: date) -> ClosureState:
    child = _child(session, child_id)
    ending = closure_ending(session, child_id)
    decisions = ()
    if ending is not None:
        rows = session.exec(select(m.Decision).where(m.Decision.ending_id == ending.id)
                            .order_by(m.Decision.made_on, m.Decision.created_at)).all()
        decisions = tuple(rules.DecisionFact(d.made_on, d.kind, d.decision, d.rationale,
                                             d.made_by, d.made_by_role, str(d.id))
                          for d in rows)
    return ClosureState(
        child_id=child.id, reference=child.reference, name=child.full_name,
        child_status=child.status, ending=ending_json(ending) if ending else None,
        notify_by=notification_due(session, ending) if ending else None,
        checklist=tuple(checklist(session, child_id, today)),
        prefill=closure_prefill(session, child_id), decisions=decisions,
        under_way=ending_under_way(session, child_id),
        transferred="" if ending else closed_by_transfer(session, child_id))


checklist_json = lookup.checklist_json


# ---------------------------------------------------------------- re-referral (WAR 3.4)


def rerefer(session: Session, child_id: uuid.UUID, *, on: date, source: str,
            need: str | None, today: date) -> m.Episode:
    """A closed child re-referred: a new episode (referral date, source, primary need); the
    earlier episodes stay on the record. The interval since the last closure is what the
    performance report's re-referral bands count (WAR 3.2-3.4)."""
    child = _child(session, child_id)
    last = _episode(session, child_id)
    _raise(rules.check_rereferral(child.status, last.closure_date, on, today))
    # By code or by words ("school", "neglect"), as `child add` and the referral take them.
    source = case_steps.find_code(source, "referral_source", "referral source", "source")
    need = (case_steps.find_code(need, "primary_need", "primary need", "need") if need
            else child.primary_need)
    codes.check("need", need, "primary_need", required=True)
    episode = m.Episode(child_id=child_id, referral_date=on, referral_source=source,
                        primary_need=need)
    child.status, child.primary_need = "referral", need
    session.add_all([episode, child])
    session.flush()
    return episode


def episodes(session: Session, child_id: uuid.UUID) -> list[EpisodeRow]:
    """Every episode, oldest first (`lookup.episodes`)."""
    return lookup.episodes(session, cases.reference_of(session, child_id))


# ---------------------------------------------------------------- letters and summary


def _people(session: Session, child_id: uuid.UUID) -> list[rules.PersonFact]:
    rows = session.exec(select(m.Person, m.ChildPerson)
                        .join(m.ChildPerson, col(m.ChildPerson.person_id) == col(m.Person.id))
                        .where(m.ChildPerson.child_id == child_id)
                        .order_by(m.Person.kind, m.Person.name, m.Person.created_at)).all()
    return [rules.PersonFact(p.name, p.kind, link.relationship, link.parental_responsibility,
                             link.lives_with_child, p.agency, p.role, p.address, p.email)
            for p, link in rows]


def letter_context(session: Session, child_id: uuid.UUID, today: date, *,
                   closure_date: date | None = None, reason: str | None = None):
    """Everything the closure letters say (`cintui.export.endings.LetterContext`): the
    child, the closure date and reason (the record's, else those given, else the
    ending's), who decided, and who to contact."""
    from cintui.export.endings import LetterContext

    child = _child(session, child_id)
    episode = _episode(session, child_id)
    ending = closure_ending(session, child_id)
    if ending is None and (transferred := closed_by_transfer(session, child_id, True)):
        raise EndingError("closure", transferred)  # BEX 4: RC5, no closure record
    if ending is None or ending.status not in ("approved", "completed", "disputed"):
        under_way = ending_under_way(session, child_id)
        raise EndingError("closure", "closure letters follow the manager's approval of the "
                          "closure: " + (f"{under_way} (then write them)" if under_way
                                         else "none yet"))
    when = episode.closure_date or closure_date
    why = episode.closure_reason or reason or ending.closure_reason
    if when is None:
        raise EndingError("date", "the case is not closed yet: give the planned closure date")
    if not why:
        raise EndingError("reason", "no reason for closure on record: give one (RC1-RC9)")
    codes.check("reason", why, "closure_reason", required=True)
    worker = session.get(m.Worker, child.worker_id) if child.worker_id else None
    team = session.get(m.Team, child.team_id) if child.team_id else None
    age = age_years(child.dob, when) if child.dob else None
    stepped_down = session.exec(select(m.Ending).where(
        m.Ending.episode_id == episode.id, m.Ending.kind == "step_down",
        m.Ending.status == "completed")).first()
    recipients = rules.letter_recipients(
        child.first_name or child.full_name, age, is_unborn(child.dob, child.expected_dob),
        _people(session, child_id),
        lead=stepped_down.lead_professional if stepped_down else "",
        lead_service=stepped_down.receiving_service if stepped_down else "")
    return LetterContext(
        next_service=stepped_down.receiving_service if stepped_down else "",
        next_lead=stepped_down.lead_professional if stepped_down else "",
        next_contact=stepped_down.lead_contact if stepped_down else "",
        adult_contact=case_steps.adult_care_contact(session, child_id) if why == "RC6" else "",
        child_name=child.full_name, child_first_name=child.known_as or child.first_name,
        child_reference=child.reference, dob=child.dob, closure_date=when, reason_code=why,
        reason_label=codes.label("closure_reason", why),
        reason_plain=rules.PLAIN_REASONS.get(why, codes.label("closure_reason", why)),
        worker_name=worker.name if worker else "the duty social worker",
        worker_role=rules.ROLE_LABELS.get(worker.role, "") if worker else "",
        worker_email=worker.email if worker else "", team_name=team.name if team else "",
        authority=cases.authority_name(session), decided_by=ending.decided_by,
        letter_date=today, recipients=tuple(recipients))


def summary_document(session: Session, child_id: uuid.UUID, today: date):
    """The closure summary document (`cintui.export.endings.ClosureSummary`)."""
    from cintui.export.endings import ClosureSummary

    child = _child(session, child_id)
    ending = closure_ending(session, child_id)
    if ending is None:
        raise EndingError("closure", closed_by_transfer(session, child_id)
                          or "no closure has been recommended for this child")
    state = closure_state(session, child_id, today)
    plan = plans.current_plan(session, child_id)
    episode = cases.current_episode(session, child_id)
    return ClosureSummary(
        child_name=child.full_name, child_reference=child.reference, dob=child.dob,
        status=child.status, ending=state.ending, notify_by=state.notify_by,
        checklist=state.checklist, decisions=tuple(list_decisions(session, child_id)),
        episodes=tuple(e.as_json() for e in episodes(session, child_id)),
        plan_needs=tuple((n.rag, n.now, n.outcome) for n in plan.needs) if plan else (),
        plan_headline=plan.headline if plan else "", today=today,
        plan_words=plan_rules.at_closure_words(
            len(plan.needs) if plan else 0,
            ended=bool(plan.ended_on if plan else episode and episode.closure_date),
            started=episode.cin_plan_start if episode else None, has_plan=plan is not None))


__all__ = [
    "ACTIVE", "CloseInput", "ClosureBlocked", "ClosureState", "Decider", "EndingError",
    "EpisodeRow", "NewDecision", "Prefill", "checklist", "checklist_json", "closure_ending",
    "closed_by_transfer", "closure_prefill", "closure_state", "complete_closure", "decide_closure", "ending_json",
    "ending_under_way", "under_way_ending",
    "episodes", "family_told", "letter_context", "list_decisions", "managers", "me",
    "notification_due", "raise_dispute", "recommend_closure", "recommender", "record_decision", "rerefer",
    "save_details", "service_managers", "settle_dispute", "settle_refusal", "summary_document",
]
