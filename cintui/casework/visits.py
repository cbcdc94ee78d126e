"""Statutory visits in the store: drafts, finalising, addenda, the visit list (WIR 2.11).

A visit is typed into a **draft** (`cintui.drafts`, saved as it is typed), then
**finalised**: checked (`domain.visit.visit_problems`), written as a locked `visit` row with
the headings, and audited in full. After that it is never edited: a correction or later
information is an **addendum**, dated and attributed, shown under it. Plan actions ticked
as progressed at the visit are recorded on the plan in force (`plans.set_action_status`)
and linked to the visit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlmodel import Session, col, select

from cintui.casework import cases, drafts, lookup, plans
from cintui.domain import visit as rules
from cintui.domain.calendar import (
    WorkingCalendar,
    england_calendar,
    england_time,
    from_england_time,
)
from cintui.domain.dates import day_words
from cintui.domain.plan import ACTION_STATUS_LABELS
from cintui.domain.policy import PolicyProfile, Timescale
from cintui.domain.timescales import (
    ChildEvents,
    next_visit_due,
    restarts_visit_clock,
    visit_rule,
)
from cintui.domain.visit import (
    Addendum,
    Present,
    VisitContent,
    VisitGap,
    VisitRecord,
    with_facts,
)
from cintui.store import models as m

KIND = "visit"


class VisitError(cases.CaseworkError):
    """A visit request that cannot be carried out, in a worker's words (field, problem)."""


def _naive(at: datetime) -> datetime:
    """A wall-clock time in England, to the minute (how visits are typed and shown)."""
    if at.tzinfo is not None:
        at = england_time(at)
    return at.replace(second=0, microsecond=0)


def _stored(at: datetime) -> datetime:
    """The store keeps instants in UTC: a wall-clock time is read as England's."""
    return from_england_time(at)


def local_time(at: datetime | None) -> datetime | None:
    """Back from the store, as England's wall-clock time to the minute."""
    return None if at is None else _naive(england_time(at))


def new_content(now: datetime) -> VisitContent:
    """A blank visit at `now`. Seen alone and bedroom seen start unticked: the worker says
    so, or says why not (WIR 2.11)."""
    return VisitContent(visited_at=_naive(now), child_seen=True, seen_alone=False,
                        bedroom_seen=False)




def _child(session: Session, child_id: uuid.UUID) -> m.Child:
    return cases.require_child(session, child_id, VisitError)


# ---------------------------------------------------------------- drafts


@dataclass(frozen=True)
class VisitDraft:
    id: uuid.UUID
    child_id: uuid.UUID
    owner: str  # the login it belongs to (only they carry it on)
    saved_at: datetime
    content: VisitContent
    owner_name: str = ""  # who, as a record says it (`child_drafts`): never the login


def _draft(row: drafts.DraftRow) -> VisitDraft:
    try:
        content = VisitContent.from_dict(row.payload)
    except (KeyError, TypeError, ValueError):
        content = new_content(row.started_at)
    return VisitDraft(row.id, row.child_id, row.owner, row.saved_at, content)


def start_draft(session: Session, child_id: uuid.UUID, owner: str, now: datetime,
                content: VisitContent | None = None) -> VisitDraft:
    _child(session, child_id)
    row = drafts.create(session, KIND, child_id, owner, (content or new_content(now)).to_dict())
    return _draft(row)


def save_draft(session: Session, draft_id: uuid.UUID, content: VisitContent) -> bool:
    return drafts.save(session, draft_id, content.to_dict())


def load_draft(session: Session, draft_id: uuid.UUID) -> VisitDraft | None:
    row = drafts.get(session, draft_id)
    return _draft(row) if row is not None and row.kind == KIND else None


def child_drafts(session: Session, child_id: uuid.UUID) -> list[VisitDraft]:
    """The child's unfinished visits, newest first (anyone's), each with its owner's name."""
    found = [_draft(r) for r in drafts.for_child(session, child_id, KIND)]
    names = {owner: cases.author(session, owner)[1] for owner in {d.owner for d in found}}
    return [replace(d, owner_name=names[d.owner]) for d in found]


def discard_draft(session: Session, draft_id: uuid.UUID) -> None:
    drafts.discard(session, draft_id)


# ---------------------------------------------------------------- plan actions


@dataclass(frozen=True)
class ActionChoice:
    """An action of the plan in force that a visit can record progress on."""

    version_id: uuid.UUID
    key: uuid.UUID
    need: str
    what: str
    who: str
    by_when: date | None
    status: str


def plan_actions(session: Session, child_id: uuid.UUID) -> list[ActionChoice]:
    """The actions of the agreed plan in force (none when there is no agreed plan)."""
    version_id = plans.current_version_id(session, child_id)
    if version_id is None:
        return []
    version = plans.load_version(session, version_id)
    if version.status != "agreed":
        return []
    return [ActionChoice(version_id, a.key, n.now, a.what, a.who, a.by_when, a.status)
            for n in version.needs for a in n.actions]


# ---------------------------------------------------------------- finalising


def finalise(session: Session, child_id: uuid.UUID, content: VisitContent, *, actor: str,
             now: datetime, draft_id: uuid.UUID | None = None) -> uuid.UUID:
    """Check and record the visit; it is locked from now on. Returns the visit's id."""
    child = _child(session, child_id)
    # TRA, BEX 3: no visit is made on a closed case (one typed late, of a day it was open,
    # is recorded: late recording is normal); said first: nothing else matters then.
    cases.require_open_on(session, child, content.visited_at.date(), "a visit", VisitError,
                          "visited_at")
    found = rules.visit_problems(content, _naive(now), child.dob)
    if found:
        raise VisitError(found[0].field, str(found[0]))
    author_id, author_name = cases.author(session, actor)
    episode = session.exec(select(m.Episode).where(m.Episode.child_id == child_id)
                           .order_by(col(m.Episode.referral_date).desc())).first()
    row = m.Visit(
        child_id=child_id, episode_id=episode.id if episode else None,
        visited_at=_stored(content.visited_at), kind=content.kind,
        child_seen=content.child_seen, seen_alone=content.child_seen and content.seen_alone,
        bedroom_seen=content.bedroom_seen, status="final", author_id=author_id,
        author_name=author_name, finalised_at=_stored(now),
        **{name: content.text(name).strip() for name in rules.TEXT_FIELDS},
    )
    session.add(row)
    for i, p in enumerate(content.present):
        session.add(m.VisitPresent(visit_id=row.id, person_id=p.person_id, position=i,
                                   name=p.name.strip()[:200]))
    _record_progress(session, child_id, row.id, content.progress)
    if draft_id is not None:
        drafts.discard(session, draft_id)
    session.flush()
    return row.id


def next_visit(session: Session, child_id: uuid.UUID, today: date):
    """The visit clock after a visit: the next visit's deadline (its day, rule and source, as
    the caseload and `cintui due` time it), or None where the policy times no visits. What
    the app and `cintui visit record` say once a visit is finalised."""
    child = _child(session, child_id)
    return next((d for d in cases.child_deadlines(session, child, today) if d.key == "visit"),
                None)


def next_visit_words(deadline) -> str:
    """"Next visit due 4 Jan 2027 (every 20 working days, WIR 2.11).", or ""."""
    if deadline is None or deadline.due is None:
        return ""
    return (f"Next visit due {day_words(deadline.due)} "
            f"({deadline.rule}, {deadline.source}).")


def _record_progress(session: Session, child_id: uuid.UUID, visit_id: uuid.UUID,
                     progress: tuple[tuple[uuid.UUID, str], ...]) -> None:
    if not progress:
        return
    choices = {a.key: a for a in plan_actions(session, child_id)}
    for key, status in progress:
        action = choices.get(key)
        if action is None:
            raise VisitError("progress", "an action ticked at this visit is no longer in the "
                             "plan in force: open the plan actions again")
        if status == action.status:
            continue
        plans.set_action_status(session, action.version_id, key, status)
        session.add(m.VisitAction(visit_id=visit_id, version_id=action.version_id,
                                  action_key=key, status=status))


def add_addendum(session: Session, visit_id: uuid.UUID, text: str, *, actor: str,
                 now: datetime) -> Addendum:
    """A dated, attributed addendum under a finalised visit (it is never edited)."""
    visit = session.get(m.Visit, visit_id)
    if visit is None:
        raise VisitError("visit", "no such visit")
    try:
        cleaned = rules.check_addendum(text)
    except rules.InvalidVisit as exc:
        raise VisitError(exc.field, exc.problem) from None
    author_id, author_name = cases.author(session, actor)
    session.add(m.VisitAddendum(visit_id=visit_id, written_at=_stored(now), author_id=author_id,
                                author_name=author_name, text=cleaned))
    session.flush()
    return Addendum(_naive(now), author_name, cleaned)


# ---------------------------------------------------------------- reading


def _content(v: m.Visit, present: list[m.VisitPresent]) -> VisitContent:
    return VisitContent(
        visited_at=local_time(v.visited_at), kind=v.kind, child_seen=v.child_seen,
        seen_alone=v.seen_alone, bedroom_seen=v.bedroom_seen,
        present=tuple(Present(p.name, p.person_id) for p in present),
        **{name: getattr(v, name) or "" for name in rules.TEXT_FIELDS},
    )


def _records(session: Session, rows: list[m.Visit]) -> list[VisitRecord]:
    if not rows:
        return []
    ids = [v.id for v in rows]
    present: dict[uuid.UUID, list[m.VisitPresent]] = {}
    for p in session.exec(select(m.VisitPresent).where(col(m.VisitPresent.visit_id).in_(ids))
                          .order_by(m.VisitPresent.position)).all():
        present.setdefault(p.visit_id, []).append(p)
    addenda: dict[uuid.UUID, list[Addendum]] = {}
    for a in session.exec(select(m.VisitAddendum).where(col(m.VisitAddendum.visit_id).in_(ids))
                          .order_by(m.VisitAddendum.written_at, m.VisitAddendum.created_at)).all():
        addenda.setdefault(a.visit_id, []).append(
            Addendum(local_time(a.written_at), a.author_name, a.text))
    progressed: dict[uuid.UUID, list[tuple[str, str]]] = {}
    links = session.exec(select(m.VisitAction).where(col(m.VisitAction.visit_id).in_(ids))).all()
    if links:
        texts = {(a.version_id, a.key): a.what for a in session.exec(
            select(m.PlanAction).where(col(m.PlanAction.version_id).in_(
                {link.version_id for link in links}))).all()}
        for link in sorted(links, key=lambda x: (x.created_at, x.action_key)):
            progressed.setdefault(link.visit_id, []).append(
                (texts.get((link.version_id, link.action_key), "(action)"),
                 ACTION_STATUS_LABELS.get(link.status, link.status)))
    names = _author_names(session, rows)
    imported_from = cases.imported_from(session, rows[0].child_id)
    return [VisitRecord(
        id=v.id, content=_content(v, present.get(v.id, [])),
        author=v.author_name or names.get(v.author_id, ""),
        finalised_at=local_time(v.finalised_at),
        addenda=tuple(addenda.get(v.id, ())), progressed=tuple(progressed.get(v.id, ())),
        imported=_before_import(v, imported_from),
    ) for v in rows]


def _before_import(v: m.Visit, imported_from: dict[uuid.UUID, date]) -> bool:
    day = local_time(v.visited_at).date()
    return day < imported_from.get(v.episode_id, day)


def _author_names(session: Session, rows: list[m.Visit]) -> dict[uuid.UUID, str]:
    ids = {v.author_id for v in rows if v.author_id and not v.author_name}
    if not ids:
        return {}
    return dict(session.exec(select(m.Worker.id, m.Worker.name)
                             .where(col(m.Worker.id).in_(ids))).all())


def load_visit(session: Session, visit_id: uuid.UUID) -> VisitRecord:
    row = session.get(m.Visit, visit_id)
    if row is None:
        raise VisitError("visit", "no such visit")
    return _records(session, [row])[0]


def child_visits(session: Session, child_id: uuid.UUID, start: date | None = None,
                 end: date | None = None) -> list[VisitRecord]:
    """The child's finalised visits, oldest first, optionally within [start, end]."""
    query = select(m.Visit).where(m.Visit.child_id == child_id, m.Visit.status == "final")
    rows = [v for v in session.exec(query.order_by(
        m.Visit.visited_at, m.Visit.created_at)).all()
            if (start is None or local_time(v.visited_at).date() >= start)
            and (end is None or local_time(v.visited_at).date() <= end)]
    return _records(session, rows)


@dataclass(frozen=True)
class VisitSummary:
    """One line of the Visits tab: the facts, who wrote it, and the gap before it."""

    id: uuid.UUID
    visited_at: datetime
    kind: str
    child_seen: bool
    seen_alone: bool
    bedroom_seen: bool
    author: str
    addenda: int
    gap: VisitGap | None  # the over-long gap this visit ended (WIR 2.11 / BEX 3)
    # Before its case was imported (`episode.recorded_from`): the old system's last visit,
    # its day alone carried over: no time, and whether the child was seen alone or the
    # bedroom seen is not known (the clock takes it as seen alone, WIR 2.11).
    imported: bool = False


@dataclass(frozen=True)
class VisitList:
    visits: list[VisitSummary]  # newest first
    drafts: list[VisitDraft]
    open_gap: VisitGap | None  # since the last visit, still running past its due date
    rule: str  # "every 20 working days, WIR 2.11"


def gaps(seen: list[date], policy: PolicyProfile, today: date | None, start: date | None,
         calendar: WorkingCalendar | None = None, every: Timescale | None = None,
         ) -> list[VisitGap]:
    """Over-long gaps between the days in `seen` (visits that restart the clock), under the
    policy or the frequency agreed in the plan (`every`) when sooner (BEX 3, TRA)."""
    if policy.timescales.get("visit") is None:
        return []
    cal = calendar or england_calendar()
    return rules.visit_gaps(seen, lambda d: next_visit_due(d, policy, every, cal), start=start,
                            today=today, working_days_between=cal.working_days_between)


def summaries(session: Session, child_id: uuid.UUID,
              found: list[VisitGap] | None = None) -> list[VisitSummary]:
    """The child's finalised visits, newest first, with the over-long gap each one ended."""
    rows = session.exec(select(m.Visit).where(m.Visit.child_id == child_id,
                                              m.Visit.status == "final")
                        .order_by(col(m.Visit.visited_at).desc(), col(m.Visit.created_at).desc())).all()
    counts: dict[uuid.UUID, int] = {}
    if rows:
        for visit_id in session.exec(select(m.VisitAddendum.visit_id).where(
                col(m.VisitAddendum.visit_id).in_([v.id for v in rows]))).all():
            counts[visit_id] = counts.get(visit_id, 0) + 1
    names = _author_names(session, list(rows))
    imported_from = cases.imported_from(session, child_id)
    out = []
    for v in rows:
        at = local_time(v.visited_at)
        out.append(VisitSummary(
            v.id, at, v.kind, v.child_seen, v.seen_alone, v.bedroom_seen,
            v.author_name or names.get(v.author_id, ""), counts.get(v.id, 0),
            rules.gap_before(found or [], at.date()) if v.child_seen else None,
            imported=_before_import(v, imported_from)))
    return out


def _counted(session: Session, child_id: uuid.UUID, policy: PolicyProfile,
             ) -> tuple[ChildEvents, list[date]]:
    """The current episode's facts and the days of its visits that restart the visit clock
    (WIR 2.11: seen alone, in person, unless the policy says otherwise; from the plan's
    start), as the timescale engine counts them."""
    events = lookup.child_events(session, _child(session, child_id))
    start = events.cin_plan_start
    return events, [v.date for v in events.visits if start and v.date >= start
                    and restarts_visit_clock(v, policy.visits, events.dob)]


def _known(session: Session, child_id: uuid.UUID, found: list) -> list:
    """The gaps cintui can judge: for an imported case (`episode.recorded_from`), not the
    one that ended with its imported last visit (the visits before were not carried over)."""
    episode = cases.current_episode(session, child_id)
    since = episode.recorded_from if episode is not None else None
    return [g for g in found if since is None or g.until is None or g.until >= since]


def list_visits(session: Session, child_id: uuid.UUID, policy: PolicyProfile, today: date,
                calendar: WorkingCalendar | None = None) -> VisitList:
    """The Visits tab: finalised visits newest first with gaps marked, drafts, the rule."""
    plain = summaries(session, child_id)
    events, seen = _counted(session, child_id, policy)
    start, every = events.cin_plan_start, events.plan_visit_every
    found = _known(session, child_id, gaps(
        seen, policy, None if events.closed else today, start, calendar, every)) \
        if start else []
    marked = [replace(v, gap=rules.gap_before(found, v.visited_at.date()) if v.child_seen
                      else None) for v in plain]
    return VisitList(marked, child_drafts(session, child_id),
                     next((g for g in found if g.until is None), None),
                     visit_rule(policy, every))


def history(session: Session, child_id: uuid.UUID, start: date | None, end: date | None,
            policy: PolicyProfile, today: date) -> rules.VisitHistory:
    """The record of visits in a period, for export (md, docx, json)."""
    child = _child(session, child_id)
    records = child_visits(session, child_id, start, end)
    # Gaps need every visit that counts, not only those in the period.
    events, seen = _counted(session, child_id, policy)
    plan_start, every = events.cin_plan_start, events.plan_visit_every
    until = None if events.closed else min(today, end or today)  # a closed case: no open gap
    found = [g for g in _known(session, child_id, gaps(seen, policy, until, plan_start,
                                                       every=every))
             if (start is None or (g.until or today) >= start)
             and (end is None or g.after <= end)] if plan_start else []
    return rules.VisitHistory(
        child_name=child.full_name, child_reference=child.reference, dob=child.dob,
        start=start, end=end, visits=tuple(records), gaps=tuple(found),
        rule=visit_rule(policy, every) if policy.timescales.get("visit") else "",
        policy=policy.title, produced_on=today,
    )


__all__ = [
    "ActionChoice", "Addendum", "VisitDraft", "VisitError", "VisitList", "VisitSummary",
    "add_addendum", "child_drafts", "child_visits", "discard_draft", "finalise",
    "gaps", "history", "list_visits", "load_draft", "load_visit", "local_time",
    "new_content", "next_visit", "next_visit_words", "plan_actions", "save_draft", "start_draft", "summaries", "with_facts",
]
