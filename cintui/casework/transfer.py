"""Step-down to early help (WIR 3) and transfer to another authority (BEX 4) in the store,
and transfer-in: recreating a child from another authority's transfer pack.

Step-down, one `ending` row of kind "step_down": recorded (receiving service, lead
professional, conversation, family consent, documents; pre-filled from the final meeting
recommending it) → the manager decides (a `decision` row of kind "step_down";
`episode.step_down_decided` starts the engine's 5-working-day `step_down` clock) →
completed once its checklist is met (`episode.step_down_completed` stops the clock). The
closure then follows part A's path: completing the step-down leaves a closure approved
with the step-down decision (reason RC9 or RC7, "unmet need stepped down" answered), and
the family told, the closure summary and the close itself remain (the closure screen, C).

Transfer, one `ending` row of kind "transfer_out": recorded (receiving authority and
contact, move date, permission to share, moves and the trafficking consideration) → the
manager decides (kind "transfer") → the pack sent: the episode closes with RC5.

Transfer-in: `import_pack` writes the child, their people and consents, the plan in force
(an agreed v1, received from the other authority), past visits, meetings and decisions,
and a new episode with `moved_in` (the engine's `transfer_in_meeting` clock) — in the
caller's one transaction, all or nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from cintui.casework import (
    cases,
    drafts,
    endings,
    meetings,
    plans,
    record,
    short_breaks,
    visits,
)
from cintui.casework.endings import EndingError
from cintui.casework.lookup import TRANSFER_WORDS, EndingState
from cintui.domain import endings as end_rules
from cintui.domain import steps as step_rules
from cintui.domain import transfer as rules
from cintui.domain.calendar import england_calendar
from cintui.domain.census import SEX_FROM_GENDER
from cintui.domain.dates import day_long, day_words
from cintui.domain.meeting import ATTENDANCE, Minutes
from cintui.domain.short_breaks import package_line
from cintui.domain.text import control_problem
from cintui.domain.timescales import due_date
from cintui.domain.workforce import needs_role
from cintui.reference import codes
from cintui.store import models as m

ACTIVE = ("recommended", "approved")
PACK_FORMAT = "cintui-transfer-pack"
PACK_VERSION = 1
PACK_JSON = "transfer-pack.json"


def _iso(d: date | datetime | None) -> str | None:
    return d.isoformat() if d else None


def _raise_first(items) -> None:
    blocked = end_rules.blockers(items)
    if blocked:
        raise EndingError(blocked[0].key, "cannot complete yet: "
                          + end_rules.describe_blockers(items))


_child, _episode = endings._child, endings._episode  # the same refusals as a closure


def latest_ending(session: Session, child_id: uuid.UUID, kind: str) -> m.Ending | None:
    """The latest ending of `kind` ("step_down" | "transfer_out") of the current episode."""
    episode = cases.current_episode(session, child_id)
    if episode is None:
        return None
    return session.exec(select(m.Ending).where(m.Ending.episode_id == episode.id,
                                               m.Ending.kind == kind)
                        .order_by(col(m.Ending.recommended_on).desc(),
                                  col(m.Ending.created_at).desc())).first()


WORDS = {"step_down": "step-down", "transfer_out": "transfer"}


def _active(session: Session, child_id: uuid.UUID, kind: str, *statuses: str) -> m.Ending:
    ending = latest_ending(session, child_id, kind)
    if ending is None or ending.status not in statuses:
        what = WORDS[kind]
        now = (f"the {what} is {end_rules.ENDING_STATUS_LABELS[ending.status]}" if ending
               else f"no {what} has been recorded")
        wanted = " or ".join(end_rules.ENDING_STATUS_LABELS[s] for s in statuses)
        raise EndingError(kind, f"{now}; this step needs a {what} {wanted}")
    return ending


def _documents(e: m.Ending) -> tuple[str, ...]:
    try:
        return tuple(json.loads(e.documents or "[]"))
    except ValueError:
        return ()


def _start(session: Session, child_id: uuid.UUID, kind: str, *, on: date, by: str,
           today: date, on_given: bool = False) -> m.Ending:
    """The active ending of `kind`, else a new one recommended `on` by `by`. Updating an
    active one keeps its date: a date given that differs is refused, never ignored."""
    child = _child(session, child_id)
    current = latest_ending(session, child_id, kind)
    if current is not None and current.status in ACTIVE:
        if on_given and current.recommended_on is not None and on != current.recommended_on:
            raise EndingError("on", f"the {WORDS[kind]} was recorded on "
                              f"{day_words(current.recommended_on)}; an update keeps that date "
                              "(withdraw it and record it again to change it)")
        return current
    if child.status == "closed":
        raise EndingError("child", "the case is closed")
    other = "transfer_out" if kind == "step_down" else "step_down"
    clash = latest_ending(session, child_id, other)
    if clash is not None and clash.status in ACTIVE:
        raise EndingError(kind, f"a {WORDS[other]} is already "
                          f"{end_rules.ENDING_STATUS_LABELS[clash.status]}: withdraw it first")
    episode = _episode(session, child_id)
    if on > today:
        raise EndingError("on", f"{day_words(on)} is in the future")
    if on < episode.referral_date:
        raise EndingError("on", f"{day_words(on)} is before the referral "
                          f"({day_words(episode.referral_date)})")
    if not by.strip():
        raise EndingError("by", f"say who records the {WORDS[kind]}")
    ending = m.Ending(child_id=child_id, episode_id=episode.id, kind=kind,
                      status="recommended", recommended_on=on, recommended_by=by.strip()[:200])
    session.add(ending)
    return ending


def _decide(session: Session, child_id: uuid.UUID, kind: str, *, approve: bool,
            rationale: str, on: date, today: date, by: str | None, actor: str) -> m.Ending:
    """WIR 3, BEX 4: the team (or service) manager decides, with a rationale; a decision row."""
    ending = _active(session, child_id, kind, "recommended")
    who = endings._decider(session, by, actor)
    what = WORDS[kind]
    refusal = needs_role(who.username or who.name, who.role, end_rules.DECIDER_ROLES)
    if refusal is not None:
        raise EndingError("by", f"WIR 3, BEX 4: deciding a {what} {refusal}")
    if not rationale.strip():
        raise EndingError("rationale", "BEX 4: give the rationale for the decision")
    if on > today:
        raise EndingError("on", f"{day_words(on)} is in the future")
    if on < ending.recommended_on:
        raise EndingError("on", f"{day_words(on)} is before the {what} was recorded "
                          f"({day_words(ending.recommended_on)})")
    if kind == "step_down":
        target = ending.receiving_service or "early help"
        verdict = (f"Step-down to {target} agreed" if approve
                   else "Step-down declined: the case stays open")
    else:
        target = ending.receiving_authority or "another authority"
        verdict = (f"Transfer to {target} agreed" if approve
                   else "Transfer declined: the case stays here")
    endings.record_decision(session, child_id, endings.NewDecision(
        "step_down" if kind == "step_down" else "transfer", verdict, rationale, on,
        who.username or who.name), actor=actor, today=today, ending_id=ending.id)
    ending.status = "approved" if approve else "declined"
    ending.decided_on, ending.decided_by = on, who.name[:200]
    ending.rationale = rationale.strip()
    session.add(ending)
    if approve and kind == "step_down":
        episode = session.get(m.Episode, ending.episode_id)
        episode.step_down_decided = on  # WIR 3: the 5-working-day clock starts
        session.add(episode)
    session.flush()
    return ending


def withdraw(session: Session, child_id: uuid.UUID, kind: str) -> m.Ending:
    """Stop a step-down or transfer not yet completed (the case stays open)."""
    ending = _active(session, child_id, kind, *ACTIVE)
    ending.status = "withdrawn"
    if kind == "step_down":
        episode = session.get(m.Episode, ending.episode_id)
        episode.step_down_decided = None
        session.add(episode)
    session.add(ending)
    session.flush()
    return ending


def ending_json(e: m.Ending) -> dict:
    """Part A's fields of the ending, and step-down's or transfer's."""
    out = endings.ending_json(e)
    if e.kind == "step_down":
        out.update({"receiving_service": e.receiving_service or None,
                    "lead_professional": e.lead_professional or None,
                    "lead_contact": e.lead_contact or None,
                    "conversation_held": e.conversation_held,
                    "conversation_notes": e.conversation_notes or None,
                    "family_consent": e.family_consent,
                    "documents": list(_documents(e))})
    else:
        out.update({"receiving_authority": e.receiving_authority or None,
                    "receiving_contact": e.receiving_contact or None,
                    "move_date": _iso(e.move_date),
                    "consent_to_share": e.consent_to_share or None,
                    "consent_reason": e.consent_not_sought_reason or None,
                    "moves_count": e.moves_count,
                    "moved_repeatedly": rules.moved_repeatedly(e.moves_count),
                    **{name: getattr(e, name) or None for name in TRANSFER_WORDS}})
    return out


def _decisions(session: Session, ending: m.Ending | None) -> tuple[end_rules.DecisionFact, ...]:
    if ending is None:
        return ()
    rows = session.exec(select(m.Decision).where(m.Decision.ending_id == ending.id)
                        .order_by(m.Decision.made_on, m.Decision.created_at)).all()
    return tuple(end_rules.DecisionFact(d.made_on, d.kind, d.decision, d.rationale, d.made_by,
                                        d.made_by_role, str(d.id)) for d in rows)


# ---------------------------------------------------------------- step-down (WIR 3)


@dataclass(frozen=True)
class StepDownInput:
    """What the step-down form records; None: keep what the ending holds."""

    receiving_service: str | None = None
    lead_professional: str | None = None
    lead_contact: str | None = None
    conversation_held: bool | None = None
    conversation_notes: str | None = None
    family_consent: bool | None = None
    documents: tuple[str, ...] | None = None
    unmet_need: bool | None = None


def step_down_prefill(session: Session, child_id: uuid.UUID) -> endings.Prefill | None:
    """The final meeting that recommended a step-down (its date, and whether the child was
    still in need: STO 3.3), when it is the latest held meeting."""
    prefill = endings.closure_prefill(session, child_id)
    return prefill if prefill and prefill.recommendation == "step_down" else None


def record_step_down(session: Session, child_id: uuid.UUID, inp: StepDownInput, *, on: date,
                     by: str, today: date, on_given: bool = False) -> m.Ending:
    """Start (or update, until it is completed) the step-down: WIR 3's form."""
    has_plan = plans.current_version_id(session, child_id) is not None  # (before: it flushes)
    ending = _start(session, child_id, "step_down", on=on, by=by, today=today,
                    on_given=on_given)
    if inp.documents is None and inspect(ending).pending:  # a new form: all go, as the
        # app's form has them (the CIN plan only if there is one: WIR 3, RC9)
        inp = replace(inp, documents=rules.documents_that_can_go(has_plan=has_plan))
    prefill = step_down_prefill(session, child_id)
    if ending.meeting_id is None and prefill is not None:
        ending.meeting_id = prefill.meeting_id
        if ending.unmet_need is None:
            ending.unmet_need = prefill.unmet_need
    for name in ("receiving_service", "lead_professional", "lead_contact"):
        value = getattr(inp, name)
        if value is not None:
            setattr(ending, name, value.strip()[:200])
    if inp.conversation_held is not None:
        ending.conversation_held = inp.conversation_held
    if inp.conversation_notes is not None:
        ending.conversation_notes = inp.conversation_notes.strip()
    if inp.family_consent is not None:
        ending.family_consent = inp.family_consent
    if inp.documents is not None:
        try:
            ending.documents = json.dumps(list(rules.parse_documents(inp.documents,
                                                                     has_plan=has_plan)))
        except ValueError as exc:
            raise EndingError("documents", str(exc)) from None
    if inp.unmet_need is not None:
        ending.unmet_need = inp.unmet_need
    problems = rules.check_step_down(rules.StepDownFacts(
        receiving_service=ending.receiving_service or ""))
    if problems:
        raise EndingError(problems[0].field, problems[0].message)
    session.add(ending)
    session.flush()
    return ending


def decide_step_down(session: Session, child_id: uuid.UUID, *, approve: bool, rationale: str,
                     on: date, today: date, by: str | None = None, actor: str = "") -> m.Ending:
    return _decide(session, child_id, "step_down", approve=approve, rationale=rationale,
                   on=on, today=today, by=by, actor=actor)


def _final_meeting(session: Session, e: m.Ending) -> m.Meeting | None:
    """The final CIN meeting that recommended the step-down: the one named when the form
    was recorded, or, until it is completed, one held since (the form filled in before the
    meeting, as the receiving team was lined up)."""
    if e.meeting_id is None and e.status != "completed":
        prefill = step_down_prefill(session, e.child_id)
        return session.get(m.Meeting, prefill.meeting_id) if prefill else None
    return session.get(m.Meeting, e.meeting_id) if e.meeting_id else None


def _step_down_facts(session: Session, e: m.Ending | None, when: date | None,
                     ) -> rules.StepDownFacts:
    if e is None:
        return rules.StepDownFacts(completed_on=when)
    meeting = _final_meeting(session, e)
    return rules.StepDownFacts(
        receiving_service=e.receiving_service, lead_professional=e.lead_professional,
        conversation_held=e.conversation_held, conversation_notes=e.conversation_notes,
        family_consent=e.family_consent, documents=_documents(e),
        approved=e.status in ("approved", "completed"), decided_on=e.decided_on,
        completed_on=when or e.completed_on,
        final_meeting_on=meeting.held_on if meeting else None)


def step_down_checklist(session: Session, child_id: uuid.UUID, today: date,
                        on: date | None = None) -> list[end_rules.ChecklistItem]:
    e = latest_ending(session, child_id, "step_down")
    return rules.step_down_checklist(_step_down_facts(session, e, on or today), today)


def step_down_decision_warning(session: Session, child_id: uuid.UUID,
                               today: date) -> str | None:
    """WIR 3: what the manager is told as they agree a step-down no final CIN meeting has
    recommended yet (the decision form, `stepdown decide`); None when one has."""
    return rules.agreed_before_final_meeting(step_down_checklist(session, child_id, today))


def step_down_due(session: Session, ending: m.Ending | None) -> date | None:
    """WIR 3: completed within 5 working days of the decision (the store's policy)."""
    if ending is None or ending.decided_on is None or ending.status != "approved":
        return None
    ts = cases.store_policy(session).timescale("step_down")
    return due_date(ending.decided_on, ts, england_calendar()) if ts else None


def _hand_to_closure(session: Session, child: m.Child, sd: m.Ending) -> m.Ending:
    """The step-down decision is the manager's decision to end the CIN involvement: the
    closure it leads to is approved with it (reason RC9 or RC7; unmet need answered)."""
    closing = endings.closure_ending(session, child.id)
    if closing is not None and closing.status in endings.ACTIVE:
        return closing
    episode = session.get(m.Episode, sd.episode_id)
    unmet = sd.unmet_need if sd.unmet_need is not None else False
    closing = m.Ending(
        child_id=child.id, episode_id=episode.id, kind="closure", status="approved",
        recommended_on=sd.recommended_on, recommended_by=sd.recommended_by,
        meeting_id=sd.meeting_id, decided_on=sd.decided_on, decided_by=sd.decided_by,
        rationale=f"Stepped down to {sd.receiving_service}: {sd.rationale}",
        closure_reason=rules.step_down_reason(episode.cin_plan_start is not None),
        unmet_need=rules.unmet_need_stepped_down(unmet))
    episode.closure_decided = sd.decided_on  # BEX 3: the family told within 5 working days
    session.add_all([closing, episode])
    return closing


def complete_step_down(session: Session, child_id: uuid.UUID, *, on: date, today: date,
                       family_told_on: date | None = None, summary: str | None = None,
                       ) -> m.Ending:
    """WIR 3: the step-down done (every checklist item met, else EndingError naming them):
    the `step_down` clock stops; the closure it leads to is approved. With the date the
    family was told and a closure summary, the case is closed too (part A's checklist)."""
    child = _child(session, child_id)
    ending = _active(session, child_id, "step_down", "approved")
    _raise_first(rules.step_down_checklist(_step_down_facts(session, ending, on), today))
    if ending.meeting_id is None:  # held after the form: the checklist found it
        prefill = step_down_prefill(session, child_id)
        ending.meeting_id = prefill.meeting_id
        if ending.unmet_need is None:
            ending.unmet_need = prefill.unmet_need
    episode = session.get(m.Episode, ending.episode_id)
    episode.step_down_completed = on
    ending.status, ending.completed_on = "completed", on
    session.add_all([episode, ending])
    closing = _hand_to_closure(session, child, ending)
    session.flush()
    if family_told_on is not None and closing.family_told_on is None:
        endings.family_told(session, child_id, on=family_told_on, today=today)
    if summary is not None:
        endings.complete_closure(session, child_id, endings.CloseInput(
            closure_date=max(on, family_told_on or on), summary=summary), today)
    return ending


def step_down_state(session: Session, child_id: uuid.UUID, today: date) -> EndingState:
    child = _child(session, child_id)
    e = latest_ending(session, child_id, "step_down")
    remaining = ()
    if e is not None and e.status == "completed" and child.status != "closed":
        remaining = tuple(end_rules.blockers(endings.checklist(session, child_id, today)))
    return EndingState(
        "step_down", child.id, child.reference, child.full_name, child.status,
        ending_json(e) if e else None, step_down_due(session, e),
        tuple(step_down_checklist(session, child_id, today)) if e else (),
        _decisions(session, e), step_down_prefill(session, child_id), remaining,
        has_plan=plans.current_version_id(session, child_id) is not None)


# ---------------------------------------------------------------- transfer (BEX 4)


@dataclass(frozen=True)
class TransferInput:
    """What the transfer form records; None: keep what the ending holds."""

    receiving_authority: str | None = None
    receiving_contact: str | None = None
    move_date: date | None = None
    consent_to_share: str | None = None  # given | refused | not_sought
    consent_reason: str | None = None
    moves_count: int | None = None
    trafficking_considered: str | None = None
    move_impact: str | None = None  # BEX 4: the move's impact on the child
    responsibilities_told: str | None = None  # parents told: school and GP there
    service_gaps: str | None = None  # gaps in the new area's services
    agencies_asked: str | None = None  # agencies asked to pass records on
    sharing_advice: str | None = None  # Caldicott Guardian or legal advice




def record_transfer(session: Session, child_id: uuid.UUID, inp: TransferInput, *, on: date,
                    by: str, today: date, on_given: bool = False) -> m.Ending:
    """Start (or update, until the pack is sent) the transfer to another authority."""
    ending = _start(session, child_id, "transfer_out", on=on, by=by, today=today,
                    on_given=on_given)
    for name in ("receiving_authority", "receiving_contact"):
        value = getattr(inp, name)
        if value is not None:
            setattr(ending, name, value.strip()[:200])
    if inp.move_date is not None:
        ending.move_date = inp.move_date
    if inp.consent_to_share is not None:
        value = inp.consent_to_share.strip().lower().replace("-", "_").replace(" ", "_")
        if value and value not in rules.CONSENT_TO_SHARE:
            raise EndingError("consent_to_share", f"{inp.consent_to_share!r}: choose one of "
                              + ", ".join(rules.CONSENT_TO_SHARE))
        ending.consent_to_share = value
    if inp.consent_reason is not None:
        ending.consent_not_sought_reason = inp.consent_reason.strip()
    if inp.moves_count is not None:
        if inp.moves_count < 1:
            raise EndingError("moves", "count the moves, this one included (1 or more)")
        ending.moves_count = inp.moves_count
    for name in TRANSFER_WORDS:
        value = getattr(inp, name)
        if value is not None:
            setattr(ending, name, value.strip())
    problems = rules.check_transfer(_transfer_facts(session, ending, None), today)
    if problems:
        raise EndingError(problems[0].field, problems[0].message)
    session.add(ending)
    session.flush()
    return ending


def decide_transfer(session: Session, child_id: uuid.UUID, *, approve: bool, rationale: str,
                    on: date, today: date, by: str | None = None, actor: str = "") -> m.Ending:
    return _decide(session, child_id, "transfer_out", approve=approve, rationale=rationale,
                   on=on, today=today, by=by, actor=actor)


def _transfer_facts(session: Session, e: m.Ending, when: date | None) -> rules.TransferFacts:
    return rules.TransferFacts(
        receiving_authority=e.receiving_authority, receiving_contact=e.receiving_contact,
        move_date=e.move_date, consent_to_share=e.consent_to_share,
        consent_reason=e.consent_not_sought_reason, moves_count=e.moves_count,
        **{name: getattr(e, name) for name in TRANSFER_WORDS},
        approved=e.status in ("approved", "completed"), decided_on=e.decided_on,
        sent_on=when or e.completed_on, drafts=len(drafts.for_child(session, e.child_id)),
        draft_plan=plans.draft_version_id(session, e.child_id) is not None,
        booked=meetings.booked(session, e.child_id))


def transfer_checklist(session: Session, child_id: uuid.UUID, today: date,
                       on: date | None = None) -> list[end_rules.ChecklistItem]:
    e = latest_ending(session, child_id, "transfer_out")
    if e is None:
        return []
    return rules.transfer_checklist(_transfer_facts(session, e, on or today), today)


def mark_sent(session: Session, child_id: uuid.UUID, *, on: date, today: date) -> m.Ending:
    """BEX 4: the transfer pack sent to the receiving authority, once every checklist item
    is met (the trafficking consideration first, when the family has moved repeatedly).
    The episode closes here with RC5; the child's status becomes closed."""
    child = _child(session, child_id)
    ending = _active(session, child_id, "transfer_out", "approved")
    _raise_first(rules.transfer_checklist(_transfer_facts(session, ending, on), today))
    episode = session.get(m.Episode, ending.episode_id)
    episode.closure_date, episode.closure_reason = on, rules.TRANSFER_REASON
    if episode.cin_plan_start and not episode.cin_plan_end:
        episode.cin_plan_end = on
    child.status = "closed"
    ending.status, ending.completed_on = "completed", on
    ending.closure_reason = rules.TRANSFER_REASON
    session.add_all([episode, child, ending])
    session.flush()
    return ending


def transfer_state(session: Session, child_id: uuid.UUID, today: date) -> EndingState:
    child = _child(session, child_id)
    e = latest_ending(session, child_id, "transfer_out")
    return EndingState(
        "transfer_out", child.id, child.reference, child.full_name, child.status,
        ending_json(e) if e else None, None,
        tuple(transfer_checklist(session, child_id, today)), _decisions(session, e))


# ---------------------------------------------------------------- what the packs say


def _visits_summary(session: Session, child_id: uuid.UUID, day=day_words) -> list[str]:
    """The visits in two lines; `day` writes each day (`day_long` in the step-down pack)."""
    rows = visits.summaries(session, child_id)
    if not rows:
        return ["No visits recorded."]
    seen = sum(1 for v in rows if v.child_seen)
    # An imported last visit (`VisitSummary.imported`): only its day came over, so whether
    # the child was alone is not known, and its "author" is the file it came from.
    alone = sum(1 for v in rows if v.seen_alone and not v.imported)
    first, last = rows[-1].visited_at.date(), rows[0].visited_at.date()
    unknown = sum(1 for v in rows if v.imported)
    alone_at = f"seen alone at {alone}" + (f" ({unknown} imported: not known)" if unknown else "")
    how = ("from the previous system's record" if rows[0].imported else
           f"{rows[0].kind}, by {rows[0].author or 'not named'}")
    when = (f"{len(rows)} visits from {day(first)} to {day(last)}" if len(rows) > 1
            else f"1 visit on {day(last)}")
    return [f"{when}; the child seen at {seen}, {alone_at} (WIR 2.11).",
            f"Last visit: {day(last)}, {how}."]


def _latest_minutes(session: Session, child_id: uuid.UUID, today: date):
    """The minutes of the latest held meeting that has minutes, or None."""
    row = session.exec(select(m.Meeting).where(m.Meeting.child_id == child_id,
                                               m.Meeting.status == "held",
                                               m.Meeting.minutes != "")
                       .order_by(col(m.Meeting.held_on).desc())).first()
    if row is None:
        return None
    try:
        return meetings.minutes_document(session, row.id, today)
    except cases.CaseworkError:
        return None


def step_down_pack(session: Session, child_id: uuid.UUID, today: date):
    """The step-down pack (`cintui.export.transfer.StepDownPack`), built from the final plan
    so the family need not tell their story again (TRA). The family reads it with the early
    help team (WIR 3): each day in its words is written in full (`day_long`)."""
    from cintui.export import minutes as minutes_export
    from cintui.export.transfer import StepDownPack

    child = _child(session, child_id)
    e = latest_ending(session, child_id, "step_down")
    if e is None:
        raise EndingError("step_down", "no step-down has been recorded for this child")
    plan = plans.current_plan(session, child_id)
    worker = session.get(m.Worker, child.worker_id) if child.worker_id else None
    minutes = _latest_minutes(session, child_id, today)
    why = [f"The manager's decision ({e.decided_by}, {day_long(e.decided_on)}): {e.rationale}"
           if e.decided_on else "The manager has not decided yet."]
    meeting = _final_meeting(session, e)
    if meeting is not None:
        why.insert(0, f"Recommended at the final CIN meeting on {day_long(meeting.held_on)}.")
    return StepDownPack(
        child_name=child.full_name, child_reference=child.reference, dob=child.dob,
        authority=cases.authority_name(session),
        worker=worker.name if worker else "", ending=ending_json(e), why=tuple(why),
        plan=plan, minutes_decisions=tuple(minutes_export.decisions(minutes)) if minutes
        else (), minutes_held_on=minutes.minutes.held_on if minutes else None,
        visits=tuple(_visits_summary(session, child_id, day_long)), today=today,
        practice=practice_json(session, child_id),
        packages=tuple(package_line(f, day_long) for f in (
            *short_breaks.short_break_facts(session, child_id),
            *short_breaks.direct_payment_facts(session, child_id)) if f.open))


# ---------------------------------------------------------------- named practice tools


def practice_json(session: Session, child_id: uuid.UUID) -> dict:
    """The Signs of Safety statements and scalings (STO 6.3) and the GCP2s (STO 4.3, 7.1),
    as the step-down and transfer packs carry them (grades and words only: no scale text)."""
    from cintui.casework import gcp2, signs_of_safety

    return {
        "signs_of_safety": {
            "statements": [{"kind": st.kind, "number": st.number, "on": _iso(st.on),
                            "text": st.text, "by": st.by, "danger": st.danger,
                            "replaces": st.replaces, "current": st.current,
                            "meeting": st.meeting}
                           for st in signs_of_safety.statements(session, child_id)],
            "scalings": [{"on": _iso(sc.on), "score": sc.score, "who": sc.who,
                          "role": sc.role, "why": sc.why, "meeting": sc.meeting,
                          "recorded_by": sc.recorded_by}
                         for sc in signs_of_safety.scalings(session, child_id)]},
        "gcp2": [{"on": _iso(f.on), "assessor": f.assessor, "grades": dict(f.grades),
                  "summary": f.summary, "needs": list(f.needs), "recorded_by": f.recorded_by}
                 for f in gcp2.facts(session, child_id)],
    }


# ---------------------------------------------------------------- the transfer pack


def _person_json(p: m.Person, link: m.ChildPerson) -> dict:
    return {"key": str(p.id), "name": p.name, "kind": p.kind, "agency": p.agency,
            "role": p.role, "phone": p.phone, "email": p.email, "address": p.address,
            "interpreter_language": p.interpreter_language, "access_needs": p.access_needs,
            "relationship": link.relationship,
            "parental_responsibility": link.parental_responsibility,
            "lives_with_child": link.lives_with_child, "notes": link.notes}


CONSENT_FIELDS = ("scope", "decision", "decided_on", "method", "notes",
                  "override_without_consent", "override_rationale", "withheld_reasons",
                  "alternative_support", "alternative_monitoring",
                  "reflective_discussion_on", "withheld_decision", "withheld_analysis")
VISIT_FIELDS = ("visited_at", "kind", "child_seen", "seen_alone", "bedroom_seen",
                "author_name", "finalised_at", "purpose", "childs_comments", "childs_welfare",
                "parents_comments", "health", "education", "care_and_support", "analysis")
MEETING_FIELDS = ("kind", "held_on", "held", "next_review", "minutes_circulated",
                  "plan_circulated", "status", "starts_at", "venue", "chair", "chair_role",
                  "cancelled_reason", "still_in_need", "recommendation",
                  # the meeting safeguards (revision 0020): WIR 2.3, 2.9; BEX 3
                  "papers_sent_on", "cancel_told", "child_invited", "not_invited_reason",
                  # who booked it (revision 0033); its `booked_at` travels beside it
                  "booked_by")
DECISION_FIELDS = ("kind", "made_on", "made_by", "made_by_role", "decision", "rationale")
SUPERVISION_FIELDS = ("held_on", "manager", "present", "discussion", "decisions", "next_due")
PACKAGE_FIELDS = ("started_on", "review_due", "ended_on", "end_reason", "notes", "recorded_by")
SHORT_BREAK_FIELDS = ("provider", "kind", "hours", "per", *PACKAGE_FIELDS)
DIRECT_PAYMENT_FIELDS = ("amount_pence", "period", "managed_by", *PACKAGE_FIELDS)
REVIEW_FIELDS = ("reviewed_on", "reviewed_by", "notes", "next_due")
CIRCUMSTANCE_FIELDS = ("kind", "value", "recorded_on", "recorded_by", "contact")
CHILD_FIELDS = ("reference", "first_name", "last_name", "known_as", "dob", "expected_dob",
                "sex", "gender_identity", "ethnicity", "disabilities", "upn", "upn_unknown", "primary_need")
EPISODE_FIELDS = ("referral_date", "referral_source", "primary_need", "assessment_started",
                  "assessment_completed", "assessment_factors", "initial_home_visit",
                  "support_started", "cin_plan_start")


def _fields(row, names) -> dict:
    return {n: _iso(v) if isinstance(v, date | datetime) else v
            for n in names for v in [getattr(row, n)]}


def _written_by(session: Session, visit: m.Visit) -> str:
    if visit.author_name or visit.author_id is None:
        return visit.author_name
    w = session.get(m.Worker, visit.author_id)
    return w.name if w else ""


INVITEE_FIELDS = ("name", "role", "is_parent", "attendance", "added_on_the_day")
DISTRIBUTION_FIELDS = ("recipient", "sent_on", "method")


def _minutes_json(row: m.Meeting) -> dict | None:
    """The meeting's minutes as cintui writes them (`Minutes.to_dict`): who came, each need
    discussed, new concerns, the actions agreed, the child's and parents' views and the
    decisions. None when it has none (or none this version can read)."""
    if not row.minutes:
        return None
    try:
        return Minutes.from_dict(json.loads(row.minutes)).to_dict()
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _meeting_json(row: m.Meeting, invitees: list[m.MeetingInvitee],
                  sent: list[m.MeetingDistribution]) -> dict:
    """A meeting as the pack carries it: its fields, when it was booked (`booked_at`, its
    row's making here, which is the day `booked_by` is shown with) when who booked it is
    known, its minutes, who was invited (and came) and who the minutes were sent to; a
    person of the child's named by their key in the pack's people."""
    def key(person_id: uuid.UUID | None) -> str | None:
        return str(person_id) if person_id else None

    return {**_fields(row, MEETING_FIELDS),
            "booked_at": _iso(row.created_at) if row.booked_by else None,
            "minutes": _minutes_json(row),
            "invitees": [{**_fields(i, INVITEE_FIELDS), "person_key": key(i.person_id)}
                         for i in invitees],
            "distribution": [{**_fields(d, DISTRIBUTION_FIELDS),
                              "person_key": key(d.person_id)} for d in sent]}


def pack_data(session: Session, child_id: uuid.UUID, today: date) -> dict:
    """Everything the receiving authority needs to recreate the child (the pack's JSON):
    the child, the episode's assessment, people, consents, the plan in force, past visits,
    meetings and decisions, the transfer itself and the chronology as it reads here."""
    from cintui.export.plan import _jsonable

    child = _child(session, child_id)
    e = latest_ending(session, child_id, "transfer_out")
    if e is None or e.status not in ("approved", "completed"):
        raise EndingError("transfer", "the transfer pack follows the manager's agreement to "
                          "the transfer: none yet")
    episode = session.get(m.Episode, e.episode_id)
    people = session.exec(select(m.Person, m.ChildPerson)
                          .join(m.ChildPerson, col(m.ChildPerson.person_id) == col(m.Person.id))
                          .where(m.ChildPerson.child_id == child_id)
                          .order_by(m.Person.kind, m.Person.name, m.Person.created_at)).all()
    consents = session.exec(select(m.Consent).where(m.Consent.child_id == child_id)
                            .order_by(m.Consent.decided_on, m.Consent.created_at, m.Consent.id)).all()
    visit_rows = session.exec(select(m.Visit).where(m.Visit.child_id == child_id,
                                                    m.Visit.status == "final")
                              .order_by(m.Visit.visited_at, m.Visit.created_at)).all()
    addenda: dict[uuid.UUID, list[dict]] = {}
    if visit_rows:
        for a in session.exec(select(m.VisitAddendum).where(
                col(m.VisitAddendum.visit_id).in_([v.id for v in visit_rows]))
                .order_by(m.VisitAddendum.written_at, m.VisitAddendum.created_at)).all():
            addenda.setdefault(a.visit_id, []).append(
                {"written_at": _iso(a.written_at), "author_name": a.author_name,
                 "text": a.text})
    meeting_rows = session.exec(select(m.Meeting).where(
        m.Meeting.child_id == child_id, m.Meeting.status != "scheduled")
        .order_by(m.Meeting.held_on, m.Meeting.created_at)).all()
    invitees: dict[uuid.UUID, list[m.MeetingInvitee]] = {}
    sent: dict[uuid.UUID, list[m.MeetingDistribution]] = {}
    if meeting_rows:
        ids = [r.id for r in meeting_rows]
        for i in session.exec(select(m.MeetingInvitee).where(
                col(m.MeetingInvitee.meeting_id).in_(ids))
                .order_by(m.MeetingInvitee.position, m.MeetingInvitee.created_at)).all():
            invitees.setdefault(i.meeting_id, []).append(i)
        for d in session.exec(select(m.MeetingDistribution).where(
                col(m.MeetingDistribution.meeting_id).in_(ids))
                .order_by(m.MeetingDistribution.sent_on,
                          m.MeetingDistribution.created_at)).all():
            sent.setdefault(d.meeting_id, []).append(d)
    decision_rows = session.exec(select(m.Decision).where(m.Decision.child_id == child_id)
                                 .order_by(m.Decision.made_on, m.Decision.created_at)).all()
    supervision_rows = session.exec(select(m.Supervision)
                                    .where(m.Supervision.child_id == child_id)
                                    .order_by(m.Supervision.held_on, m.Supervision.created_at)).all()
    plan = plans.current_plan(session, child_id)
    worker = session.get(m.Worker, child.worker_id) if child.worker_id else None
    chronology = record.chronology(session, child_id, today)
    reviews: dict[uuid.UUID, list[dict]] = {}
    for r in session.exec(select(m.SupportReview).where(m.SupportReview.child_id == child_id)
                          .order_by(m.SupportReview.reviewed_on, m.SupportReview.created_at)).all():
        reviews.setdefault(r.short_break_id or r.direct_payment_id, []).append(
            _fields(r, REVIEW_FIELDS))
    circumstances = session.exec(select(m.Circumstance).where(
        m.Circumstance.child_id == child_id)
        .order_by(m.Circumstance.recorded_on, m.Circumstance.created_at)).all()
    packages = {kind: [{**_fields(r, names), "reviews": reviews.get(r.id, [])}
                       for r in session.exec(select(model).where(model.child_id == child_id)
                                             .order_by(model.started_on, model.created_at)).all()]
                for kind, model, names in (
                    ("short_breaks", m.ShortBreak, SHORT_BREAK_FIELDS),
                    ("direct_payments", m.DirectPayment, DIRECT_PAYMENT_FIELDS))}
    return {
        "format": PACK_FORMAT, "format_version": PACK_VERSION, "produced": today.isoformat(),
        "from_authority": cases.authority_name(session),
        "from_worker": {"name": worker.name, "email": worker.email} if worker else None,
        "child": {**_fields(child, CHILD_FIELDS), "full_name": child.full_name},
        "episode": {**_fields(episode, EPISODE_FIELDS),
                    "referral_source_label": codes.label("referral_source",
                                                         episode.referral_source),
                    "primary_need_label": codes.label("primary_need", episode.primary_need)},
        "transfer": {**{k: v for k, v in ending_json(e).items() if k not in ("id",)}},
        "people": [_person_json(p, link) for p, link in people],
        "consents": [{**_fields(c, CONSENT_FIELDS),
                      "person_key": str(c.person_id) if c.person_id else None}
                     for c in consents],
        "plan": _jsonable(plan) if plan else None,
        "visits": [{**_fields(v, VISIT_FIELDS), "author_name": _written_by(session, v),
                    "addenda": addenda.get(v.id, [])} for v in visit_rows],
        "meetings": [_meeting_json(r, invitees.get(r.id, []), sent.get(r.id, []))
                     for r in meeting_rows],
        "decisions": [_fields(d, DECISION_FIELDS) for d in decision_rows],
        # STO 4.5, 8.5: the case direction decided in supervision goes with the child.
        "supervisions": [_fields(r, SUPERVISION_FIELDS) for r in supervision_rows],
        # STO 6.3 Signs of Safety; STO 4.3, 7.1 GCP2: they go with the child (BEX 4).
        **practice_json(session, child_id),
        # WAR 7, 7.2.1: the disabled child's short breaks and direct payments, with their
        # reviews, so the receiving authority's review clocks run on.
        **packages,
        # WAR 2.2.2, 4.2: the circumstances as dated facts, a young person's referral to
        # adult social care and its contact among them (the closure letters name it, RC6).
        "circumstances": [_fields(r, CIRCUMSTANCE_FIELDS) for r in circumstances],
        "chronology": [{"when": _iso(c.when), "kind": c.kind, "summary": c.summary,
                        "who": c.who, "detail": c.detail} for c in chronology],
    }


def transfer_documents(session: Session, child_id: uuid.UUID, today: date):
    """The pack's documents (`cintui.export.transfer.TransferDocuments`)."""
    from cintui.export.transfer import TransferDocuments

    data = pack_data(session, child_id, today)
    try:
        plan_doc = plans.plan_document(session, child_id, today, final=True)
    except plans.PlanError:
        plan_doc = None
    return TransferDocuments(data=data, plan=plan_doc,
                             minutes=_latest_minutes(session, child_id, today),
                             visits=tuple(_visits_summary(session, child_id)), today=today)


# ---------------------------------------------------------------- transfer-in (BEX 4)


class PackError(EndingError):
    """A transfer pack that cannot be imported: what is wrong, in one line."""


def read_pack(path: Path) -> dict:
    """The pack's JSON from a folder (its transfer-pack.json) or the file itself; refused
    with PackError naming what is wrong."""
    path = Path(path)
    file = path / PACK_JSON if path.is_dir() else path
    if not file.is_file():
        raise PackError("pack", f"{file}: no such file (a transfer pack folder holds "
                        f"{PACK_JSON})")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError("pack", f"{file.name}: not valid JSON (not UTF-8 text: byte "
                        f"{exc.start + 1} is not)") from None
    except OSError as exc:
        raise PackError("pack", f"{file.name}: cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackError("pack", f"{file.name}: not valid JSON (broken at line {exc.lineno}, "
                        f"column {exc.colno})") from None
    except (ValueError, RecursionError):  # a number too long, a value nested too deep
        raise PackError("pack", f"{file.name}: not valid JSON for a transfer pack (nested "
                        "too deep, or a number too long)") from None
    return check_pack(data)


def check_pack(data: object) -> dict:
    if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
        raise PackError("pack", f"not a cintui transfer pack (no \"format\": \"{PACK_FORMAT}\")")
    if data.get("format_version") != PACK_VERSION:
        raise PackError("pack", f"transfer pack format version {data.get('format_version')!r}"
                        f" is not one this version reads ({PACK_VERSION})")
    missing = rules.check_pack_child(data.get("child"))
    for key in ("episode", "transfer"):
        if not isinstance(data.get(key), dict):
            missing.append(f"{key}: missing or not an object")
    for key in ("people", "consents", "visits", "meetings", "decisions", "supervisions",
                "gcp2", "short_breaks", "direct_payments", "circumstances"):
        if not isinstance(data.get(key, []), list):
            missing.append(f"{key}: not a list")
    if not isinstance(data.get("signs_of_safety", {}), dict):
        missing.append("signs_of_safety: not an object")
    if isinstance(data.get("transfer"), dict) and not data["transfer"].get("move_date"):
        missing.append("transfer.move_date: missing")
    if missing:
        raise PackError("pack", "incomplete transfer pack: " + "; ".join(missing))
    return data


def _d(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value) -> datetime | None:
    """Times travel as ISO with their offset; one without is UTC, as the store keeps them."""
    if not value:
        return None
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


REQUIRED = {"visits": ("visited_at",), "meetings": ("kind", "held_on"),
            "decisions": ("kind", "made_on", "made_by", "decision"),
            "supervisions": ("held_on", "manager", "decisions"),
            "short_breaks": ("provider", "kind", "hours", "per", "started_on", "review_due"),
            # WAR 7.2: amount, period and manager may be "not recorded" (moved from the
            # case steps' record by revision 0024): null and "" travel as they are.
            "direct_payments": ("started_on", "review_due"),
            "reviews": ("reviewed_on", "next_due"),
            "invitees": ("name",), "distribution": ("recipient", "sent_on"),
            "consents": ("scope", "decision", "decided_on"),
            "circumstances": ("kind", "value", "recorded_on")}


def _typed(model, names, raw: dict, what: str = "") -> dict:
    """Row values from a pack's dict: dates and datetimes back from ISO; a required value
    missing is a PackError naming it."""
    if not isinstance(raw, dict):
        raise PackError("pack", f"incomplete transfer pack: an entry of {what} is not an object")
    for n in REQUIRED.get(what, ()):
        if raw.get(n) in (None, ""):
            raise PackError("pack", f"incomplete transfer pack: {what}: an entry has no {n}")
    out = {}
    for n in names:
        if n not in raw:
            continue
        v = raw[n]
        if isinstance(v, str) and (problem := control_problem(v, multiline=True)):
            raise PackError("pack", f"{what}.{n}: {problem}")  # Trust: output is inert
        kind = model.model_fields[n].annotation
        text = str(kind)
        _check_kind(v, text, f"{what}.{n}" if what else n)
        try:
            if isinstance(v, str) and "datetime" in text:
                v = _dt(v)
            elif isinstance(v, str) and "date" in text:
                v = _d(v)
        except ValueError:
            raise PackError("pack", f"{what}.{n}: {v[:40]!r} is not a date") from None
        out[n] = v
    return out


def _check_kind(value, annotation: str, where: str) -> None:
    """A pack's value of the kind its column holds (text, a date, yes/no, a whole number),
    else a PackError naming where: never the database's own words about binding types."""
    if value is None or "UUID" in annotation:
        return
    if "date" in annotation or "str" in annotation:
        wanted, ok = "text", isinstance(value, str)
    elif "bool" in annotation:
        wanted, ok = "true or false", isinstance(value, bool)
    elif "int" in annotation:
        wanted = "a whole number"
        ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2 ** 62
    else:
        return
    if not ok:
        raise PackError("pack", f"incomplete transfer pack: {where}: should be {wanted}")


def import_pack(session: Session, data: dict, *, today: date, worker: str | None = None,
                team: str | None = None, actor: str = "") -> m.Child:
    """Transfer-in (BEX 4): recreate the child from a pack in the caller's transaction — all
    or nothing. A reference already on this store is refused. The new episode's `moved_in`
    is the move date: the 20-working-day transfer-in meeting clock starts."""
    from cintui.export.plan import _version_from

    data = check_pack(data)
    c, ep, tr = data["child"], data["episode"], data["transfer"]
    try:
        move = _d(tr["move_date"])
        reference = str(c["reference"]).strip()
        clash = session.exec(select(m.Child.id).where(
            func.lower(m.Child.reference) == reference.lower())).first()
        if clash:
            raise PackError("reference", f"{reference} is already a child on this store: "
                            "the pack was imported before, or the reference is taken")
        if move > today:
            raise PackError("move_date", f"the move date {day_words(move)} is in the future")
        authority = str(data.get("from_authority") or "another authority")
        child = cases.add_child(session, cases.NewChild(
            first_name=c.get("first_name") or "", last_name=c.get("last_name") or "",
            referral_date=move, dob=_d(c.get("dob")), expected_dob=_d(c.get("expected_dob")),
            reference=reference, gender_identity=c.get("gender_identity") or "",
            # A pack from before revision 0014 has the old GenderCurrent code.
            sex=c.get("sex") or SEX_FROM_GENDER.get(str(c.get("gender")), "U"),
            ethnicity=c.get("ethnicity") or "NOBT", disabilities=c.get("disabilities") or "NONE",
            primary_need=c.get("primary_need") or ep.get("primary_need") or "N0",
            referral_source=ep.get("referral_source") or "10", team=team, worker=worker),
            today)
        child.known_as, child.upn = c.get("known_as") or "", c.get("upn") or ""
        child.upn_unknown = c.get("upn_unknown")
        episode = cases.current_episode(session, child.id)
        # The episode here starts with the move (BEX 4); the assessment travels with the
        # child (its dates stop the assessment clock), the plan is in force from the move.
        for name in ("assessment_started", "assessment_completed"):
            setattr(episode, name, _d(ep.get(name)))
        episode.assessment_factors = ep.get("assessment_factors") or ""
        episode.cin_plan_start = move if data.get("plan") else None
        episode.moved_in = move
        child.status = "cin_plan" if data.get("plan") else "assessment"
        session.add_all([child, episode])
        session.flush()  # moved in: a team server keeps a carried meeting's booker for it
        keys: dict[str, uuid.UUID] = {}
        for p in data.get("people", []):
            person = m.Person(name=p["name"], kind=p.get("kind") or "family",
                              agency=p.get("agency") or "", role=p.get("role") or "",
                              phone=p.get("phone") or "", email=p.get("email") or "",
                              address=p.get("address") or "",
                              interpreter_language=p.get("interpreter_language") or "",
                              access_needs=p.get("access_needs") or "")
            session.add(person)
            session.add(m.ChildPerson(
                child_id=child.id, person_id=person.id, relationship=p.get("relationship") or "",
                parental_responsibility=bool(p.get("parental_responsibility")),
                lives_with_child=bool(p.get("lives_with_child")), notes=p.get("notes") or ""))
            keys[str(p.get("key"))] = person.id
        for raw in data.get("consents", []):
            pk = raw.get("person_key")
            if pk and pk not in keys:
                raise PackError("consents", f"a consent names person {pk}, not in the pack's "
                                "people")
            session.add(m.Consent(child_id=child.id, person_id=keys.get(pk) if pk else None,
                                  **_typed(m.Consent, CONSENT_FIELDS, raw, "consents")))
        for raw in data.get("visits", []):
            visit = m.Visit(child_id=child.id, episode_id=None, status="final",
                            **_typed(m.Visit, VISIT_FIELDS, raw, "visits"))
            session.add(visit)
            for a in raw.get("addenda", []):
                session.add(m.VisitAddendum(visit_id=visit.id, written_at=_dt(a["written_at"]),
                                            author_name=a.get("author_name") or "",
                                            text=a["text"]))
        carried = []
        for raw in data.get("meetings", []):
            row = _meeting(child, raw)
            session.add(row)
            carried.append((row, raw))
        for raw in data.get("decisions", []):
            session.add(m.Decision(child_id=child.id, episode_id=None,
                                   **_typed(m.Decision, DECISION_FIELDS, raw, "decisions")))
        for raw in data.get("supervisions", []):
            session.add(m.Supervision(child_id=child.id, episode_id=None,
                                      **_typed(m.Supervision, SUPERVISION_FIELDS, raw,
                                               "supervisions")))
        for key, model, names in (("short_breaks", m.ShortBreak, SHORT_BREAK_FIELDS),
                                  ("direct_payments", m.DirectPayment, DIRECT_PAYMENT_FIELDS)):
            for raw in data.get(key, []):
                row = model(child_id=child.id, **_typed(model, names, raw, key))
                session.add(row)
                for r in raw.get("reviews", []):
                    session.add(m.SupportReview(
                        child_id=child.id, **{f"{key[:-1]}_id": row.id},
                        **_typed(m.SupportReview, REVIEW_FIELDS, r, "reviews")))
        for row, raw in enumerate(data.get("circumstances", []), start=1):
            session.add(_circumstance(child, raw, row))
        renamed = _import_plan(session, child, episode, _version_from(data["plan"]),
                               authority, move) if data.get("plan") else {}
        for row, raw in carried:
            _meeting_record(session, row, raw, keys, renamed)
        _import_practice(session, child, data)
        session.flush()
    except PackError:
        raise
    except cases.CaseworkError as exc:
        raise PackError(exc.args[0] if exc.args else "pack",
                        exc.args[1] if len(exc.args) > 1 else str(exc)) from None
    except KeyError as exc:
        raise PackError("pack", f"incomplete transfer pack: {exc} is missing") from None
    except (TypeError, ValueError, AttributeError, OverflowError, RecursionError,
            SQLAlchemyError):
        # Python's or the database's words would name types, not what is wrong: say it.
        raise PackError("pack", "bad transfer pack: a value in it is of the wrong kind or out "
                        "of range (text where a date or a number belongs?)") from None
    return child


def booked_by_carried(data: dict) -> bool:
    """Whether the pack says who booked its meetings: False for a pack with meetings made
    before revision 0033, which has no `booked_by` (it imports all the same)."""
    return all(not isinstance(raw, dict) or "booked_by" in raw
               for raw in data.get("meetings", []))


def _meeting(child: m.Child, raw) -> m.Meeting:
    """A past meeting from the pack. Who booked it keeps the day they booked it there: the
    row is dated then (`booked_at`), as the day shown with the booker is its row's making;
    without `booked_at` (or from a pack made before revision 0033, which has no `booked_by`)
    nothing is said of who booked it."""
    row = _typed(m.Meeting, MEETING_FIELDS, raw, "meetings")
    at = raw.get("booked_at")
    _check_kind(at, "datetime", "meetings.booked_at")
    try:
        booked_at = _dt(at)
    except ValueError:
        raise PackError("pack", f"meetings.booked_at: {at[:40]!r} is not a date and time"
                        ) from None
    if not (row.get("booked_by") or "").strip() or booked_at is None:
        row["booked_by"] = ""
        return m.Meeting(child_id=child.id, episode_id=None, **row)
    return m.Meeting(child_id=child.id, episode_id=None, created_at=booked_at, **row)


def minutes_carried(data: dict) -> bool:
    """Whether the pack carries its meetings' minutes, who was invited and who the minutes
    went to: False for a pack with meetings made before they travelled (no `minutes`), which
    imports all the same."""
    return all(not isinstance(raw, dict) or "minutes" in raw
               for raw in data.get("meetings", []))


def older_pack_notes(data: dict) -> tuple[str, ...]:
    """What a pack made by an older cintui leaves out, a sentence each (the import says
    them; nothing is refused for them)."""
    return tuple(note for carried, note in (
        (booked_by_carried(data), "The pack does not say who booked its meetings (made by an "
         "older cintui): the record says their booker was not recorded."),
        (minutes_carried(data), "The pack does not carry its meetings' minutes (made by an "
         "older cintui): ask the sending authority for them.")) if not carried)


def _each(raw: dict, name: str) -> list:
    value = raw.get(name) or []
    if not isinstance(value, list):
        raise PackError("pack", f"meetings.{name}: not a list")
    return value


def _meeting_record(session: Session, row: m.Meeting, raw: dict,
                    people: dict[str, uuid.UUID], renamed: dict[uuid.UUID, uuid.UUID]) -> None:
    """What was said and decided at a pack's meeting: its minutes, who was invited (and
    came) and who the minutes were sent to (BEX 4: the receiving worker reads them as the
    sending authority held them). A person of the child's is theirs here by their key in the
    pack's people, else named only (one no longer linked to the child there)."""
    def person(key) -> uuid.UUID | None:
        return people.get(str(key)) if key else None

    row.minutes = _minutes(raw.get("minutes"), person, renamed)
    for position, r in enumerate(_each(raw, "invitees")):
        values = _typed(m.MeetingInvitee, INVITEE_FIELDS, r, "invitees")
        if values.get("attendance", "invited") not in ATTENDANCE:
            raise PackError("pack", f"invitees.attendance: {str(values['attendance'])[:40]!r} "
                            "is not one of " + ", ".join(ATTENDANCE))
        session.add(m.MeetingInvitee(
            meeting_id=row.id, person_id=person(r.get("person_key")), position=position,
            **{**values, "name": values["name"][:200], "role": (values.get("role") or "")[:200]}))
    for r in _each(raw, "distribution"):
        values = _typed(m.MeetingDistribution, DISTRIBUTION_FIELDS, r, "distribution")
        if values.get("method", "email") not in meetings.DISTRIBUTION_METHODS:
            raise PackError("pack", f"distribution.method: {str(values['method'])[:40]!r} is "
                            "not one of " + ", ".join(meetings.DISTRIBUTION_METHODS))
        session.add(m.MeetingDistribution(
            meeting_id=row.id, person_id=person(r.get("person_key")),
            **{**values, "recipient": values["recipient"][:200]}))
    session.add(row)


def _minutes(held, person, renamed: dict[uuid.UUID, uuid.UUID]) -> str:
    """The minutes from the pack as the store keeps them (JSON), "" for none: each value as
    cintui writes it (else refused, naming it), plain text (output is inert), its people
    and the plan's needs and actions under their keys here (a need no longer in the plan
    keeps the key it had there, naming nothing here); the plan version it reviewed is not
    here, so not named."""
    if held is None:
        return ""
    if not isinstance(held, dict):
        raise PackError("pack", "meetings.minutes: not an object (the minutes as cintui "
                        "writes them)")
    try:
        minutes = Minutes.from_dict(held)
    except KeyError as exc:
        raise PackError("pack", f"meetings.minutes: {str(exc)[:40]} is missing") from None
    except (TypeError, ValueError, AttributeError, OverflowError):
        raise PackError("pack", "meetings.minutes: a value in them is of the wrong kind "
                        "(text where a date, a key or a number belongs?)") from None
    for name, value in minutes.to_dict().items():
        if name in held and held[name] != value:
            raise PackError("pack", f"meetings.minutes.{name}: not as cintui writes it (a "
                            "value of the wrong kind?)")
        if problem := _control_in(value):
            raise PackError("pack", f"meetings.minutes.{name}: {problem}")  # output is inert

    def key(k: uuid.UUID | None) -> uuid.UUID | None:
        return renamed.get(k, k) if k else k

    minutes = replace(
        minutes, reviewed_version=None,
        attendance=tuple(replace(i, person_id=person(i.person_id)) for i in minutes.attendance),
        items=tuple(replace(i, need_key=key(i.need_key), actions=tuple(
            replace(a, key=key(a.key)) for a in i.actions)) for i in minutes.items),
        new_concerns=tuple(replace(c, key=key(c.key)) for c in minutes.new_concerns),
        agreed_actions=tuple(replace(a, need_key=key(a.need_key))
                             for a in minutes.agreed_actions))
    return json.dumps(minutes.to_dict())


def _control_in(value) -> str | None:
    """The first control character's problem in any text of `value` (lists and objects
    looked into), or None."""
    if isinstance(value, str):
        return control_problem(value, multiline=True)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return next((p for v in value if (p := _control_in(v))), None)
    return None


def _circumstance(child: m.Child, raw, number: int) -> m.Circumstance:
    """One dated fact of the child's circumstances from the pack (WAR 2.2.2), a kind and
    answer this version knows, adult social care's contact only with a referral, and adult
    social care itself only for a young person preparing for adulthood on the day it was
    recorded (WAR 4.2, `check_adult_care_age`, as `child circumstances` and the app check
    it): `number` names the row refused."""
    child_id = child.id
    row = _typed(m.Circumstance, CIRCUMSTANCE_FIELDS, raw, "circumstances")
    kind, value = row["kind"], row["value"]
    if kind not in step_rules.CIRCUMSTANCE_KEYS:
        raise PackError("pack", f"circumstances.kind: {kind[:40]!r} is not a circumstance: "
                        + ", ".join(step_rules.CIRCUMSTANCE_KEYS))
    answers = (*step_rules.circumstance(kind).values, step_rules.NOT_APPLICABLE)
    if value not in answers:
        raise PackError("pack", f"circumstances.value: {value[:40]!r} is not an answer for "
                        f"{kind}: " + ", ".join(answers))
    contact = row.get("contact") or ""
    if contact and kind != step_rules.ADULT_SOCIAL_CARE:
        raise PackError("pack", f"circumstances.contact: only adult social care has one, "
                        f"not {kind}")
    if problem := step_rules.check_adult_contact(contact, value):
        raise PackError("pack", f"circumstances.contact: {problem}")
    on = row["recorded_on"]
    on = on.date() if isinstance(on, datetime) else on  # `_typed` reads "date" as a datetime
    if kind == step_rules.ADULT_SOCIAL_CARE and (problem := step_rules.check_adult_care_age(
            value, child.dob, on)):
        raise PackError("pack", f"circumstances row {number} (adult social care: {value}): "
                        f"{problem}")
    return m.Circumstance(child_id=child_id, kind=kind, value=value,
                          recorded_on=row["recorded_on"],
                          recorded_by=(row.get("recorded_by") or "")[:200],
                          contact=" ".join(contact.split()))


def _text(raw: dict, name: str, what: str) -> str:
    value = raw.get(name) or ""
    if not isinstance(value, str):
        raise PackError("pack", f"{what}.{name}: not text")
    if problem := control_problem(value, multiline=True):
        raise PackError("pack", f"{what}.{name}: {problem}")  # Trust: output is inert
    return value


def _import_practice(session: Session, child: m.Child, data: dict) -> None:
    """Signs of Safety statements and scalings (STO 6.3) and GCP2s (STO 4.3, 7.1) from the
    pack: the same numbers and replacements; a GCP2's needs found again in the plan received
    (by their words). Where they were written (a meeting there) is kept in the words only."""
    sos = data.get("signs_of_safety") or {}
    rows: dict[tuple[str, int], m.SafetyStatement] = {}
    for raw in sorted(sos.get("statements", []), key=lambda st: (st["kind"], st["number"])):
        row = m.SafetyStatement(
            child_id=child.id, kind=raw["kind"], number=int(raw["number"]),
            written_on=_d(raw["on"]), text=_text(raw, "text", "statements"),
            by=_text(raw, "by", "statements")[:200],
            danger_id=rows[("danger", raw["danger"])].id if raw.get("danger") else None,
            replaces_id=rows[(raw["kind"], raw["replaces"])].id if raw.get("replaces")
            else None)
        session.add(row)
        rows[(row.kind, row.number)] = row
    for raw in sos.get("scalings", []):
        where = _text(raw, "meeting", "scalings")
        session.add(m.SafetyScaling(
            child_id=child.id, scaled_on=_d(raw["on"]), score=int(raw["score"]),
            who=_text(raw, "who", "scalings")[:200], role=_text(raw, "role", "scalings")[:200],
            why=_text(raw, "why", "scalings") + (f" (at the {where})" if where else ""),
            recorded_by=_text(raw, "recorded_by", "scalings")[:200]))
    plan = plans.current_plan(session, child.id)
    keys = {n.now: n.key for n in plan.needs} if plan else {}
    for raw in data.get("gcp2", []):
        grades = raw["grades"]
        row = m.Gcp2Assessment(
            child_id=child.id, assessed_on=_d(raw["on"]),
            assessor=_text(raw, "assessor", "gcp2")[:200], summary=_text(raw, "summary", "gcp2"),
            recorded_by=_text(raw, "recorded_by", "gcp2")[:200],
            **{a: int(grades[a]) for a in ("physical", "safety", "love", "esteem")})
        session.add(row)
        for text in raw.get("needs", []):
            if text in keys:
                session.add(m.Gcp2Need(gcp2_id=row.id, child_id=child.id, need_key=keys[text],
                                       need_text=text))


def _import_plan(session: Session, child: m.Child, episode: m.Episode, version, authority: str,
                 move: date) -> dict[uuid.UUID, uuid.UUID]:
    """The plan in force, as an agreed v1 received from the other authority: new keys (the
    RAG history follows them), the same needs, actions, ratings and services. Returns each
    need's and action's key there -> its key here (the minutes carried name them)."""
    plan = m.Plan(child_id=child.id, episode_id=episode.id)
    session.add(plan)
    row = m.PlanVersion(
        plan_id=plan.id, child_id=child.id, number=1, status="agreed",
        created_on=version.created_on or move, agreed_on=version.agreed_on or move,
        agreed_at=f"received from {authority} (transfer-in)"[:200],
        agreed_by=version.agreed_by, objectives=version.objectives,
        lead_professional=version.lead_professional,
        review_arrangements=version.review_arrangements, next_review=version.next_review,
        childs_views=version.childs_views, lived_experience=version.lived_experience,
        bottom_lines=version.bottom_lines, if_not_met=version.if_not_met,
        good_enough=version.good_enough)
    session.add(row)
    needs, renamed = [], {}
    for need in version.needs:
        key = uuid.uuid4()
        actions = tuple(replace(a, key=uuid.uuid4(), person_id=None) for a in need.actions)
        renamed.update({old.key: new.key for old, new in zip(need.actions, actions,
                                                              strict=True) if old.key})
        if need.key:
            renamed[need.key] = key
        needs.append(replace(need, key=key, actions=actions))
        for h in need.rag_history:
            session.add(m.RagChange(
                child_id=child.id, need_key=key, version_id=row.id, rated_on=h.on,
                rating=h.rating, previous=h.previous, by=h.by, reason=h.reason,
                maintained_for=h.maintained_for, agreed_at=h.agreed_at,
                cp_discussion=h.cp_discussion))
    plans._write_content(session, row, replace(version, needs=tuple(needs)))
    return renamed


__all__ = [
    "ACTIVE", "CONSENT_FIELDS", "EndingState", "PACK_FORMAT", "PACK_JSON", "PACK_VERSION",
    "PackError", "StepDownInput", "TransferInput", "booked_by_carried", "check_pack",
    "minutes_carried", "older_pack_notes",
    "complete_step_down",
    "decide_step_down", "decide_transfer", "ending_json", "import_pack", "latest_ending",
    "mark_sent", "pack_data", "read_pack", "record_step_down", "record_transfer",
    "step_down_checklist", "step_down_decision_warning", "step_down_due", "step_down_pack",
    "step_down_prefill",
    "step_down_state", "transfer_checklist", "transfer_documents", "transfer_state",
    "withdraw",
]
