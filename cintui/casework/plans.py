"""A child's CIN plan in the store: versions, needs, actions, RAG history (DOMAIN.md §3).

Reads return the pure values of `cintui.domain.plan`; writes take them and go through the
caller's `Store.session(actor)`, so every change lands in the audit trail. Content is edited
on a **draft** version only: an agreed version is the written agreement with the family and
is never silently changed; a new version starts from the last (`start_version`). Action
progress (`set_action_status`) may be recorded on the agreed version: it is progress
against the agreement, not a change to it (visits and meetings tick actions here).

A version's rows are saved by comparing keys (`Need.key`, `PlanAction.key`): a need edited
is one audited update, not a delete and re-insert of the plan.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, literal, union_all
from sqlmodel import Session, col, select

from cintui.casework import cases, conflicts, lookup
from cintui.casework.lookup import PlanError, VersionInfo
from cintui.domain import plan as plan_rules
from cintui.domain.dates import day_words
from cintui.domain.plan import (
    NO_NEEDS_NEXT,
    Need,
    PlanAction,
    PlanVersion,
    RagChange,
    Service,
    ends_plan_at,
)
from cintui.domain.timescales import (
    PLANNING_KINDS,
    REVIEW_KINDS,
    plan_visit_problem,
    plan_visits,
)
from cintui.store import models as m


def versions(session: Session, child_id: uuid.UUID) -> list[VersionInfo]:
    """Every version of the child's plans, newest first."""
    return lookup.plan_versions(session, _reference(session, child_id))


def _reference(session: Session, child_id: uuid.UUID) -> str:
    return cases.require_child(session, child_id, PlanError).reference


def current_version_id(session: Session, child_id: uuid.UUID) -> uuid.UUID | None:
    """The plan in force (`lookup.in_force`)."""
    chosen = lookup.in_force(versions(session, child_id))
    return chosen.id if chosen else None


def draft_version_id(session: Session, child_id: uuid.UUID) -> uuid.UUID | None:
    return next((v.id for v in versions(session, child_id)
                 if v.status == "draft" and not v.earlier), None)


def load_version(session: Session, version_id: uuid.UUID) -> PlanVersion:
    """A version with its services, needs (in order), actions and each need's RAG history."""
    v = _version_row(session, version_id)
    version = lookup.plan_version(session, _reference(session, v.child_id), v.number)
    return replace(version, stamp=draft_stamp(session, version_id))


class PlanConflict(conflicts.EditConflict, PlanError):
    """The draft changed, or was agreed, after the screen read it."""


_DRAFT_ROWS = (m.PlanVersion, m.PlanService, m.PlanNeed, m.PlanAction)


def _draft_rows(session: Session, version_id: uuid.UUID) -> list[tuple[str, uuid.UUID, object]]:
    """(table, id, updated_at) of a version's own row and its services, needs and actions:
    one query (a round trip to a server costs more than the rows)."""
    parts = []
    for model in _DRAFT_ROWS:
        owner = model.id if model is m.PlanVersion else model.version_id  # type: ignore[attr-defined]
        parts.append(select(literal(model.__tablename__).label("entity"),  # type: ignore[attr-defined]
                            model.id, model.updated_at).where(owner == version_id))  # type: ignore[attr-defined]
    rows = session.exec(union_all(*parts)).all()  # type: ignore[call-overload]
    return [(table, i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)), at)
            for table, i, at in rows]


def draft_stamp(session: Session, version_id: uuid.UUID) -> str:
    """The version of a plan version's rows (itself, services, needs, actions) as stored."""
    return conflicts.digest((i, at) for _, i, at in _draft_rows(session, version_id))


def _check_draft(session: Session, version_id: uuid.UUID, seen: str) -> None:
    if not seen:
        return
    rows = _draft_rows(session, version_id)
    conflicts.check(
        session, seen, conflicts.digest((i, at) for _, i, at in rows), "this plan draft",
        rows, error=PlanConflict,
        again="what you typed is still here to copy; close and reopen the plan to see "
              "their change")


def current_plan(session: Session, child_id: uuid.UUID) -> PlanVersion | None:
    vid = current_version_id(session, child_id)
    return load_version(session, vid) if vid else None


# ---------------------------------------------------------------- writing


def _version_row(session: Session, version_id: uuid.UUID) -> m.PlanVersion:
    v = session.get(m.PlanVersion, version_id)
    if v is None:
        raise PlanError("plan", "no such plan version on this store")
    return v


def _draft_row(session: Session, version_id: uuid.UUID) -> m.PlanVersion:
    v = _version_row(session, version_id)
    if v.status != "draft":
        raise PlanError("plan", f"version {v.number} is {v.status}: an agreed plan is not "
                        "changed; start a new version from it")
    return v


def _newest_version(session: Session, child_id: uuid.UUID) -> m.PlanVersion | None:
    """The newest version of the current episode's plan: an earlier episode's, before a
    re-referral (`lookup.of_earlier_episode`), is its history, not this episode's plan."""
    earlier = {v.id for v in versions(session, child_id) if v.earlier}
    return next((v for v in session.exec(
        select(m.PlanVersion).where(m.PlanVersion.child_id == child_id)
        .order_by(col(m.PlanVersion.number).desc())) if v.id not in earlier), None)


def last_earlier_plan(session: Session, child_id: uuid.UUID) -> VersionInfo | None:
    """The plan the last episode ended with (before a re-referral), when the current episode
    has no plan of its own yet: what a new plan may start from, so the family need not tell
    their story again (TRA)."""
    found = versions(session, child_id)
    if any(not v.earlier for v in found):
        return None
    return next((v for v in found if v.earlier and v.status == "agreed"), None)


def from_last_refusal(session: Session, child_id: uuid.UUID) -> str | None:
    """Why the child's plan cannot start from the last episode's (L in the plan editor,
    `plan draft --from-last`), or None: that is a re-referred child's new plan, before the
    new episode has one of its own (TRA)."""
    if last_earlier_plan(session, child_id) is not None:
        return None
    return plan_rules.from_last_refused(
        False, any(not v.earlier for v in versions(session, child_id)))


def next_version_basis(session: Session, child_id: uuid.UUID) -> uuid.UUID | None:
    """What the next version is made from (`start_version`): the draft, else the newest
    version; None when the child has no plan yet."""
    draft = draft_version_id(session, child_id)
    if draft is not None:
        return draft
    newest = _newest_version(session, child_id)
    return newest.id if newest is not None else None


class PlanNotStarted(PlanError):
    """The child's first plan is not written before the line manager has authorised the
    plan (TRA; `cintui plan start`)."""


def not_started(session: Session, child_id: uuid.UUID,
                authorisers: str | None = None) -> str | None:
    """Why no plan can be written for the child yet (`plan_rules.not_started`), or None: a
    first version waits for the plan's start (the manager's authorisation, TRA) on the
    current episode. A plan already begun (a version written, as an older store or the
    demo may hold before that start) stays editable. With `authorisers` (the app, to
    someone who may not authorise: `steps.authorisers_for`), they are told who may."""
    if _newest_version(session, child_id) is not None:
        return None
    child = cases.require_child(session, child_id, PlanError)
    episode = cases.current_episode(session, child_id)
    if episode is not None and episode.closure_date is not None:  # TRA, BEX 3; WAR 3.4
        from cintui.domain.endings import closed_without_plan

        return closed_without_plan(child.full_name, child.reference, episode.closure_date)
    if episode is not None and episode.cin_plan_start is not None:
        return None
    return plan_rules.not_started(child.reference, authorisers)


class PlanEnded(PlanError):
    """The plan ended at a final meeting: not re-opened by an edit (WIR 3, TRA)."""


def ended(session: Session, child_id: uuid.UUID) -> str | None:
    """Why the plan in force is not re-opened for a new version, or None: it was agreed at
    the final meeting of this episode, which ended it (`ends_plan_at`; WIR 3, TRA: the
    meeting before step-down or closure, no further review), or the case's closure ended it
    with the case (a closed case's plan is not re-opened: a re-referral is). A draft begun
    before stays editable; a meeting held after the final one agrees the next version
    (`start_version`'s `at_meeting`)."""
    if draft_version_id(session, child_id) is not None:
        return None
    latest = _newest_version(session, child_id)
    held = session.get(m.Meeting, latest.meeting_id) if latest and latest.meeting_id else None
    if held is None or held.held_on is None or not ends_plan_at(held.kind, held.recommendation):
        return _ended_at_closure(session, child_id, latest)
    plan, episode = session.get(m.Plan, latest.plan_id), cases.current_episode(session, child_id)
    if plan is not None and plan.episode_id and episode and plan.episode_id != episode.id:
        return None  # a re-referral's new episode: its plan is a new one
    reference = _reference(session, child_id)
    return (f"{reference}: an ended plan is not re-opened (WIR 3, TRA): "
            + plan_rules.ended_at_final(held.held_on, reference, held.recommendation))


def _ended_at_closure(session: Session, child_id: uuid.UUID,
                      latest: m.PlanVersion | None) -> str | None:
    """Why a closed case's plan is not re-opened (WIR 3, TRA): the closure ended it, and a
    re-referral, not an edit, opens the next piece of work."""
    if latest is None:
        return None
    episode = cases.current_episode(session, child_id)
    closed = _closed_on(session, latest)
    if episode is None or episode.closure_date is None or closed is None:
        return None  # open, or re-referred since: its new episode's plan goes on
    reference = _reference(session, child_id)
    return (f"{reference}: an ended plan is not re-opened (WIR 3, TRA): "
            + plan_rules.ended_at_closure(closed, reference))


def start_version(session: Session, child_id: uuid.UUID, today: date, by: str = "", *,
                  at_meeting: bool = False, from_last: bool = False) -> uuid.UUID:
    """The draft to edit: the existing draft, else a new version copied from the latest
    (needs and actions keep their keys, so RAG history and the diff follow them), else a
    first, empty plan for the child's current episode, once the plan is started (TRA: the
    line manager authorises it first; PlanNotStarted otherwise, nothing written). A plan
    that ended at a final meeting is not re-opened (PlanEnded), but by a meeting held after
    it (`at_meeting`: its minutes agree the next version). After a re-referral the new
    episode's first plan is a fresh one (DOMAIN.md §7: a new episode), numbered on from the
    child's versions; `from_last` starts it from the plan the last episode ended with
    (`last_earlier_plan`), its needs, ratings and actions to review with the family."""
    existing = draft_version_id(session, child_id)
    if existing:
        return existing
    problem = None if at_meeting else ended(session, child_id)
    if problem:
        raise PlanEnded("plan", problem)
    latest = _newest_version(session, child_id)
    if latest is None:
        problem = not_started(session, child_id)
        if problem:
            raise PlanNotStarted("plan", problem)
        child = session.get(m.Child, child_id)
        if child is None:
            raise PlanError("child", "no such child on this store")
        episode = cases.current_episode(session, child_id)
        plan = m.Plan(child_id=child_id, episode_id=episode.id if episode else None)
        session.add(plan)
        worker = session.get(m.Worker, child.worker_id) if child.worker_id else None
        # Versions are numbered per child: an earlier episode's plan keeps its numbers.
        number = (session.exec(select(func.max(m.PlanVersion.number)).where(
            m.PlanVersion.child_id == child_id)).first() or 0) + 1
        last = last_earlier_plan(session, child_id) if from_last else None
        if from_last and last is None:
            raise PlanError("plan", f"{child.reference} has no earlier episode's plan to "
                            "start from")
        draft = m.PlanVersion(plan_id=plan.id, child_id=child_id, number=number,
                              created_on=today,
                              lead_professional=worker.name if worker else by,
                              next_review=_review_set(session, child_id, episode, today))
        if last is not None:
            _copy_details(session.get(m.PlanVersion, last.id), draft)
            draft.next_review = _review_set(session, child_id, episode, today)
        session.add(draft)
        if last is not None:
            _write_content(session, draft, load_version(session, last.id))
        session.flush()
        return draft.id
    source = load_version(session, latest.id)
    draft = m.PlanVersion(plan_id=latest.plan_id, child_id=child_id, number=latest.number + 1,
                          created_on=today)
    _copy_details(latest, draft)
    session.add(draft)
    _write_content(session, draft, source)
    session.flush()
    return draft.id


def _copy_details(source: m.PlanVersion, draft: m.PlanVersion) -> None:
    """The plan-wide statements (WIR 2.7; BEX 3; STO 6.3) a next version starts from."""
    for name in ("objectives", "lead_professional", "review_arrangements", "next_review",
                 "childs_views", "lived_experience", "visit_every_amount", "visit_every_unit",
                 "bottom_lines", "if_not_met", "good_enough"):
        setattr(draft, name, getattr(source, name))


def _review_set(session: Session, child_id: uuid.UUID, episode, today: date) -> date | None:
    """WIR 2.7 (every plan says when it will be reviewed), for a first plan written after a
    meeting of this episode (an imported case, whose file gave the meetings): the date that
    meeting set, else the review the caseload shows due (the policy's timescale from it),
    when still to come; the worker can change it."""
    query = select(m.Meeting).where(
        m.Meeting.child_id == child_id, col(m.Meeting.held),
        col(m.Meeting.kind).in_(PLANNING_KINDS + REVIEW_KINDS))
    if episode is not None:
        query = query.where(m.Meeting.held_on >= episode.referral_date)
    last = session.exec(query.order_by(col(m.Meeting.held_on).desc()).limit(1)).first()
    if last is None:
        return None
    found = last.next_review
    if found is None:
        child = session.get(m.Child, child_id)
        found = next((d.due for d in cases.child_deadlines(session, child, today)
                      if d.key in ("first_review", "review")), None) if child else None
    return found if found is not None and found >= today else None


def _write_content(session: Session, row: m.PlanVersion, version: PlanVersion) -> None:
    for i, s in enumerate(version.services):
        session.add(m.PlanService(version_id=row.id, position=i, name=s.name, purpose=s.purpose))
    for i, need in enumerate(version.needs):
        n = m.PlanNeed(version_id=row.id, child_id=row.child_id, key=need.key, position=i,
                       kind=need.kind, now=need.now, outcome=need.outcome,
                       evidence=need.evidence, rag=need.rag)
        session.add(n)
        for j, a in enumerate(need.actions):
            session.add(m.PlanAction(need_id=n.id, version_id=row.id, key=a.key, position=j,
                                     what=a.what, who=a.who, person_id=a.person_id,
                                     by_when=a.by_when, status=a.status, notes=a.notes))


VERSION_FIELDS = ("objectives", "lead_professional", "review_arrangements", "next_review",
                  "childs_views", "lived_experience", "bottom_lines", "if_not_met",
                  "good_enough")


def save_draft(session: Session, version_id: uuid.UUID, version: PlanVersion, today: date,
               by: str = "") -> PlanVersion:
    """Make the draft's rows say what `version` says, touching only what changed.

    A need whose rating differs from the stored one gets a dated RagChange (the screen
    asks for the details first: `rate_need` checks them); a new need gets its first rating.
    Returns the version as stored. A changed visit frequency is refused when less often than
    the store's policy (BEX 3, TRA)."""
    by = cases.author(session, by)[1] if by else by  # a rating says who by name, not login
    row = _version_row(session, version_id)
    if row.status != "draft" and version.stamp:  # agreed (or superseded) since it was opened
        who, when = conflicts.last_change(session, [conflicts.row(row)])
        raise PlanConflict(
            f"{who} marked version {row.number} {row.status} {when}, after you opened it: "
            "an agreed plan is not changed; what you typed is still here to copy: start a "
            "new version from it", "")
    row = _draft_row(session, version_id)
    _check_draft(session, version_id, version.stamp)
    for name in VERSION_FIELDS:
        if getattr(row, name) != getattr(version, name):
            setattr(row, name, getattr(version, name))
    _set_visit_every(session, row, version)
    session.add(row)
    _sync_services(session, row, version.services)
    stored = {n.key: n for n in session.exec(
        select(m.PlanNeed).where(m.PlanNeed.version_id == version_id)).all()}
    wanted = {n.key for n in version.needs}
    for key, n in stored.items():
        if key not in wanted:
            for a in session.exec(select(m.PlanAction).where(m.PlanAction.need_id == n.id)):
                session.delete(a)
            session.delete(n)
    for i, need in enumerate(version.needs):
        n = stored.get(need.key)
        if n is None:
            n = m.PlanNeed(version_id=version_id, child_id=row.child_id, key=need.key,
                           position=i, kind=need.kind, now=need.now, outcome=need.outcome,
                           evidence=need.evidence, rag=need.rag)
            session.add(n)
            last = _last_rating(session, need.key)
            if last is None or last.rating != need.rag:
                _add_rating(session, row, need, today, by, previous=last.rating if last else None)
        else:
            previous = n.rag
            for name, value in (("position", i), ("kind", need.kind), ("now", need.now),
                                ("outcome", need.outcome), ("evidence", need.evidence),
                                ("rag", need.rag)):
                if getattr(n, name) != value:
                    setattr(n, name, value)
            session.add(n)
            if previous != need.rag:
                _add_rating(session, row, need, today, by, previous=previous)
        _sync_actions(session, row, n, need.actions)
    session.flush()
    return load_version(session, version_id)


def _set_visit_every(session: Session, row: m.PlanVersion, version: PlanVersion) -> None:
    every = version.visit_every
    wanted = (every.amount, every.unit) if every else (None, None)
    if wanted == (row.visit_every_amount, row.visit_every_unit):
        return
    problem = every and plan_visit_problem(every, cases.store_policy(session))
    if problem:
        raise PlanError("visit_every", problem)
    row.visit_every_amount, row.visit_every_unit = wanted


def _last_rating(session: Session, key: uuid.UUID) -> m.RagChange | None:
    return session.exec(select(m.RagChange).where(m.RagChange.need_key == key)
                        .order_by(col(m.RagChange.rated_on).desc(),
                                  col(m.RagChange.created_at).desc())).first()


def _add_rating(session: Session, row: m.PlanVersion, need: Need, today: date, by: str,
                previous: str | None) -> None:
    # The details of this change, if the screen gathered them, are the need's last history
    # entry for this rating (see `with_rating`).
    detail = need.rag_history[-1] if need.rag_history and need.rag_history[-1].rating == need.rag \
        else RagChange(on=today, rating=need.rag)
    problems = plan_rules.rag_change_problems(
        previous, need.rag, maintained_for=detail.maintained_for, agreed_at=detail.agreed_at,
        cp_discussion=detail.cp_discussion)
    if problems:
        field, problem = problems[0]
        raise PlanError(field, problem)
    session.add(m.RagChange(
        child_id=row.child_id, need_key=need.key, version_id=row.id, rated_on=detail.on,
        rating=need.rag, previous=previous, by=detail.by or by, reason=detail.reason,
        maintained_for=detail.maintained_for, agreed_at=detail.agreed_at,
        cp_discussion=detail.cp_discussion))


def with_rating(need: Need, rating: str, on: date, by: str, *, reason: str = "",
                maintained_for: str = "", agreed_at: str = "", cp_discussion: str = "",
                ) -> Need:
    """`need` re-rated, with the change's details (checked by `rag_change_problems`;
    raises PlanError naming the field that is missing)."""
    problems = plan_rules.rag_change_problems(
        need.rag, rating, maintained_for=maintained_for, agreed_at=agreed_at,
        cp_discussion=cp_discussion)
    if problems:
        raise PlanError(*problems[0])
    change = RagChange(on=on, rating=rating, previous=need.rag, by=by, reason=reason,
                       maintained_for=maintained_for, agreed_at=agreed_at,
                       cp_discussion=cp_discussion)
    return replace(need, rag=rating, rag_history=(*need.rag_history, change))


def _sync_services(session: Session, row: m.PlanVersion, services: tuple[Service, ...]) -> None:
    stored = session.exec(select(m.PlanService).where(m.PlanService.version_id == row.id)
                          .order_by(m.PlanService.position)).all()
    if [(s.name, s.purpose) for s in stored] == [(s.name, s.purpose) for s in services]:
        return
    for s in stored:
        session.delete(s)
    for i, s in enumerate(services):
        session.add(m.PlanService(version_id=row.id, position=i, name=s.name, purpose=s.purpose))


def _sync_actions(session: Session, row: m.PlanVersion, need: m.PlanNeed,
                  actions: tuple[PlanAction, ...]) -> None:
    stored = {a.key: a for a in session.exec(
        select(m.PlanAction).where(m.PlanAction.need_id == need.id)).all()}
    wanted = {a.key for a in actions}
    for key, a in stored.items():
        if key not in wanted:
            session.delete(a)
    for j, action in enumerate(actions):
        a = stored.get(action.key)
        if a is None:
            session.add(m.PlanAction(need_id=need.id, version_id=row.id, key=action.key,
                                     position=j, what=action.what, who=action.who,
                                     person_id=action.person_id, by_when=action.by_when,
                                     status=action.status, notes=action.notes))
            continue
        for name, value in (("position", j), ("what", action.what), ("who", action.who),
                            ("person_id", action.person_id), ("by_when", action.by_when),
                            ("status", action.status), ("notes", action.notes)):
            if getattr(a, name) != value:
                setattr(a, name, value)
        session.add(a)


def agree_version(session: Session, version_id: uuid.UUID, on: date, *, agreed_at: str = "",
                  agreed_by: str = "", meeting_id: uuid.UUID | None = None,
                  today: date | None = None) -> None:
    """The draft becomes the plan in force; the version it replaces is superseded. With
    `today`, a day after it is refused: a plan is agreed once it has been."""
    row = _draft_row(session, version_id)
    if not (agreed_at.strip() or agreed_by.strip()):
        raise PlanError("agreed_at", "say at which meeting, or by whom, the plan was agreed")
    if today is not None and on > today:
        raise PlanError("agreed_on", f"{day_words(on)} is in the future: give the day "
                        "the plan was agreed")
    for other in session.exec(select(m.PlanVersion).where(
            m.PlanVersion.plan_id == row.plan_id, m.PlanVersion.status == "agreed")).all():
        other.status = "superseded"
        session.add(other)
    row.status, row.agreed_on = "agreed", on
    row.agreed_at, row.agreed_by, row.meeting_id = agreed_at.strip(), agreed_by.strip(), meeting_id
    session.add(row)
    session.flush()


def set_action_status(session: Session, version_id: uuid.UUID, action_key: uuid.UUID,
                      status: str, notes: str | None = None) -> None:
    """Record progress on an action of the draft or the agreed version (the seam visits and
    meetings use to tick actions as progressed)."""
    if status not in plan_rules.ACTION_STATUSES:
        raise PlanError("status", f"{status!r} is not one of: "
                        f"{', '.join(plan_rules.ACTION_STATUS_LABELS.values())}")
    row = _version_row(session, version_id)
    if row.status == "superseded":
        raise PlanError("plan", f"version {row.number} has been superseded")
    action = session.exec(select(m.PlanAction).where(
        m.PlanAction.version_id == version_id, m.PlanAction.key == action_key)).first()
    if action is None:
        raise PlanError("action", "no such action in this plan")
    action.status = status
    if notes is not None:
        action.notes = notes
    session.add(action)
    session.flush()


@dataclass(frozen=True)
class RatingEvent:
    """A need's rating as the chronology shows it."""

    change: RagChange
    need: str  # the need's column 1, as last written


def rating_events(session: Session, child_id: uuid.UUID) -> list[RatingEvent]:
    """Every RAG rating given on the child's plans, oldest first."""
    changes = session.exec(select(m.RagChange).where(m.RagChange.child_id == child_id)
                           .order_by(m.RagChange.rated_on, m.RagChange.created_at)).all()
    texts: dict[uuid.UUID, str] = {}
    for n in session.exec(select(m.PlanNeed).join(
            m.PlanVersion, m.PlanVersion.id == m.PlanNeed.version_id)
            .where(m.PlanNeed.child_id == child_id).order_by(m.PlanVersion.number)).all():
        texts[n.key] = n.now  # the newest version's wording wins
    return [RatingEvent(RagChange(
        on=r.rated_on, rating=r.rating, previous=r.previous, by=r.by, reason=r.reason,
        maintained_for=r.maintained_for, agreed_at=r.agreed_at,
        cp_discussion=r.cp_discussion), texts.get(r.need_key, "")) for r in changes]


def _closed_on(session: Session, row: m.PlanVersion) -> date | None:
    """The closure that ended the version's plan (`lookup.CLOSED_ON`): the first of the
    child's episodes closed on or after the version was begun."""
    begun = row.created_on or row.agreed_on
    if begun is None:
        return None
    return session.exec(select(func.min(m.Episode.closure_date)).where(
        m.Episode.child_id == row.child_id, m.Episode.closure_date >= begun)).first()


def _ended(session: Session, row: m.PlanVersion) -> tuple[date | None, str]:
    """When and by what the version's plan ended (`lookup.ended`): its final meeting, else
    the case's closure."""
    held = session.get(m.Meeting, row.meeting_id) if row.meeting_id else None
    return lookup.ended(row.status, held.kind if held else None,
                        held.recommendation if held else None,
                        held.held_on if held else None,
                        _closed_on(session, row) if row.status != "superseded" else None)


def headline(session: Session, child_id: uuid.UUID) -> str:
    """The Summary's plan line: the plan in force, and a draft in progress if there is one
    (of the current episode: an earlier episode's plan is history)."""
    every = versions(session, child_id)
    found = [v for v in every if not v.earlier]
    if not found:
        # After a re-referral (DOMAIN.md §7): the last episode's plan, history, named.
        last = next((v for v in every if v.status == "agreed"), None)
        before = ""
        if last is not None:
            ended = load_version(session, last.id).ended_where
            before = (f"; the last episode's plan, v{last.number}, ended at {ended} (p, "
                      "then [ reads it)")
        episode = cases.current_episode(session, child_id)
        if episode is not None and episode.cin_plan_start and episode.closure_date is None:
            # Started (the manager's authorisation, `cintui plan start`) but not written:
            # "No plan yet ... starts one" beside "CIN plan: started" read as a contradiction.
            return plan_rules.not_written(
                episode.cin_plan_start, "p opens the plan; n there writes it"
                + ("; L starts it from the last plan" if last else "")) + before
        if episode is not None and episode.closure_date is not None:  # TRA, BEX 3
            return plan_rules.closed_no_plan(episode.closure_date) + before
        return plan_rules.PLAN_NOT_STARTED + before
    agreed = [v for v in found if v.status == "agreed"]
    draft = next((v for v in found if v.status == "draft"), None)
    chosen = agreed[0] if agreed else draft
    if chosen is None:
        return f"No plan in force (v{found[0].number} {found[0].status})"
    row = session.get(m.PlanVersion, chosen.id)
    # Only what the line shows: the ratings counted in SQL, not the whole plan loaded.
    counts = dict(session.exec(select(m.PlanNeed.rag, func.count()).where(
        m.PlanNeed.version_id == chosen.id).group_by(m.PlanNeed.rag)).all())
    ended_on, ended_by = _ended(session, row)
    shown = PlanVersion(number=row.number, status=row.status, agreed_on=row.agreed_on,
                        next_review=None if ended_on else row.next_review, ended_on=ended_on,
                        ended_by=ended_by,
                        visit_every=plan_visits(row.visit_every_amount, row.visit_every_unit))
    line = shown.headline_for(counts, chosen.needs)
    if not chosen.needs and ended_on is None:  # what to do next, beside "no needs yet"
        line += f" ({NO_NEEDS_NEXT})"
    if draft and draft.id != chosen.id:
        line += f"; draft v{draft.number} in progress"
    return line


# ---------------------------------------------------------------- checks and exports


def plan_document(session: Session, child_id: uuid.UUID, today: date, *,
                  version_id: uuid.UUID | None = None, final: bool = False):
    """What an export of the child's plan holds (`lookup.plan_document`): the plan in force
    unless `version_id`."""
    number = _version_row(session, version_id).number if version_id else None
    return lookup.plan_document(session, _reference(session, child_id), today, number=number,
                                final=final)


def children_with_plans(session: Session, *, worker: str | None = None,
                        team: str | None = None) -> list[uuid.UUID]:
    """Open children with a plan, optionally one worker's or one team's, by reference."""
    query = (select(m.Child.id).where(m.Child.status != "closed")
             .where(col(m.Child.id).in_(select(m.PlanVersion.child_id)))
             .order_by(m.Child.reference))
    return list(session.exec(_whose(session, query, worker, team)).all())


def children_without_plans(session: Session, *, worker: str | None = None,
                           team: str | None = None) -> list[tuple[str, str]]:
    """(reference, name) of each child on a CIN plan with no plan written yet (a caseload
    imported without plans), optionally one worker's or one team's, by reference: what a
    batch export of plans cannot write."""
    query = (select(m.Child.reference, m.Child.first_name, m.Child.last_name)
             .where(m.Child.status == "cin_plan")
             .where(col(m.Child.id).not_in(select(m.PlanVersion.child_id)))
             .order_by(m.Child.reference))
    return [(ref, f"{first} {last}")
            for ref, first, last in session.exec(_whose(session, query, worker, team)).all()]


def _whose(session: Session, query, worker: str | None, team: str | None):
    if worker:
        query = query.where(m.Child.worker_id == cases.find_worker(session, worker).id)
    if team:
        query = query.where(m.Child.team_id == cases.find_team(session, team).id)
    return query
