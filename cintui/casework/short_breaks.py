"""Short breaks and direct payments in the store (WAR 7; TRA CAN team; BEX short breaks;
WAR 7.2.1 reviewed at least annually): add a package, change it, review it (the next
review set), end it; their review clocks join the worker's due list (`casework.due`).

A package is named by its number in the child's list of its kind (oldest first, from 1),
as `cintui short-break list` and the screen show it; with one open package the number may
be left out. Each write runs inside the caller's `Store.session(actor)`, so it is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from cintui.casework import cases, conflicts
from cintui.domain import short_breaks as rules
from cintui.domain.dates import day_words
from cintui.domain.policy import Timescale
from cintui.domain.short_breaks import DirectPaymentFact, ReviewFact, ShortBreakFact
from cintui.reference import codes
from cintui.store import models as m

KINDS = ("short_break", "direct_payment")
WORDS = {"short_break": "short break", "direct_payment": "direct payment"}
TIMESCALES = {"short_break": "short_break_review", "direct_payment": "direct_payment_review"}


class SupportError(cases.CaseworkError):
    """A short break or direct payment that cannot be recorded (field, problem)."""


@dataclass(frozen=True)
class ShortBreakInput:
    provider: str
    kind: str
    hours: float | None
    per: str
    started_on: date | None
    review_due: date | None = None  # None: the policy's interval from the start
    notes: str = ""


@dataclass(frozen=True)
class DirectPaymentInput:
    amount_pence: int | None
    period: str
    managed_by: str
    started_on: date | None
    review_due: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class SupportView:
    """What the screen and `list` show for one child."""

    child: str
    reference: str
    disabled: bool
    short_breaks: list[ShortBreakFact] = field(default_factory=list)  # oldest first
    direct_payments: list[DirectPaymentFact] = field(default_factory=list)
    short_break_policy: str = ""  # "every 12 months (England default (cf. WAR 7.2.1))"
    direct_payment_policy: str = ""


def _raise(problems: list[rules.Problem]) -> None:
    if problems:
        raise SupportError(problems[0].field, problems[0].message)


def timescale(session: Session, kind: str) -> Timescale:
    return cases.store_policy(session).timescale(TIMESCALES[kind])


def _model(kind: str):
    return m.ShortBreak if kind == "short_break" else m.DirectPayment


def _rows(session: Session, child_id: uuid.UUID, kind: str) -> list:
    model = _model(kind)
    return list(session.exec(select(model).where(model.child_id == child_id)
                             .order_by(col(model.started_on), col(model.created_at),
                                       col(model.id))).all())


def _reviews(session: Session, child_id: uuid.UUID) -> dict[uuid.UUID, list[ReviewFact]]:
    out: dict[uuid.UUID, list[ReviewFact]] = {}
    for r in session.exec(select(m.SupportReview).where(m.SupportReview.child_id == child_id)
                          .order_by(col(m.SupportReview.reviewed_on),
                                    col(m.SupportReview.created_at))).all():
        key = r.short_break_id or r.direct_payment_id
        out.setdefault(key, []).append(ReviewFact(r.reviewed_on, r.reviewed_by, r.notes,
                                                  r.next_due, ref=str(r.id)))
    return out


def _sb_fact(row: m.ShortBreak, reviews) -> ShortBreakFact:
    return ShortBreakFact(row.provider, row.kind, row.hours, row.per, row.started_on,
                          row.review_due, row.ended_on, row.end_reason, row.notes,
                          row.recorded_by, tuple(reviews.get(row.id, ())), ref=str(row.id))


def _dp_fact(row: m.DirectPayment, reviews) -> DirectPaymentFact:
    return DirectPaymentFact(row.amount_pence, row.period, row.managed_by, row.started_on,
                             row.review_due, row.ended_on, row.end_reason, row.notes,
                             row.recorded_by, tuple(reviews.get(row.id, ())), ref=str(row.id))


def short_break_facts(session: Session, child_id: uuid.UUID) -> list[ShortBreakFact]:
    reviews = _reviews(session, child_id)
    return [_sb_fact(r, reviews) for r in _rows(session, child_id, "short_break")]


def direct_payment_facts(session: Session, child_id: uuid.UUID) -> list[DirectPaymentFact]:
    reviews = _reviews(session, child_id)
    return [_dp_fact(r, reviews) for r in _rows(session, child_id, "direct_payment")]


def deadlines(session: Session, child_id: uuid.UUID, today: date) -> list:
    """The open packages' reviews as the record's clocks (WAR 7.2.1)."""
    policy = cases.store_policy(session)
    out = []
    for kind, found in (("short_break", short_break_facts(session, child_id)),
                        ("direct_payment", direct_payment_facts(session, child_id))):
        source = timescale(session, kind).source
        out += [d for f in found if (d := rules.package_deadline(
            f, source, today, policy.name, due_soon_working_days=policy.due_soon_working_days))]
    return out


def disabled(child: m.Child) -> bool:
    return any(c != "NONE" for c in codes.split_multi(child.disabilities))


def view(session: Session, child_id: uuid.UUID) -> SupportView:
    child = cases.require_child(session, child_id, SupportError)
    sb, dp = timescale(session, "short_break"), timescale(session, "direct_payment")
    return SupportView(
        child=child.full_name, reference=child.reference, disabled=disabled(child),
        short_breaks=short_break_facts(session, child_id),
        direct_payments=direct_payment_facts(session, child_id),
        short_break_policy=f"every {sb.describe()} ({sb.source})",
        direct_payment_policy=f"every {dp.describe()} ({dp.source})")


def _child(session: Session, child_id: uuid.UUID, kind: str) -> m.Child:
    child = cases.require_child(session, child_id, SupportError)
    _raise(rules.check_disabled(disabled(child), WORDS[kind] + "s"))
    return child


def _row(session: Session, child_id: uuid.UUID, kind: str, number: int | None):
    """The package meant: by its number (1 the oldest), or the only open one."""
    rows = _rows(session, child_id, kind)
    word = WORDS[kind]
    if not rows:
        raise SupportError("child", f"no {word} on the child's record")
    if number is None:
        open_rows = [r for r in rows if r.ended_on is None]
        if len(open_rows) == 1:
            return open_rows[0]
        if not open_rows:
            raise SupportError("child", f"no open {word}: every one has ended")
        raise SupportError("number", f"the child has {len(open_rows)} open {word}s: say "
                           f"which (1 to {len(rows)}, as the list numbers them)")
    if not 1 <= number <= len(rows):
        raise SupportError("number", f"no {word} {number}: the child has {len(rows)}")
    return rows[number - 1]


def _default_due(session: Session, kind: str, anchor: date | None,
                 given: date | None, birth: date | None) -> date | None:
    """The date given, else the policy's interval from `anchor` or the 18th birthday,
    whichever comes first (s17(10); WAR 4.2)."""
    if given is not None or anchor is None:
        return given
    return rules.review_due_by(anchor, timescale(session, kind), birth)


def add_short_break(session: Session, child_id: uuid.UUID, new: ShortBreakInput, *,
                    by: str) -> m.ShortBreak:
    """A short-break package for a disabled child (WAR 7); its review due the date given or
    the policy's interval from its start."""
    # TRA, BEX 3: the closure first, as for a visit: nothing else matters on a closed case
    # (one running at a step-down runs on, and is reviewed and ended as before)
    cases.require_open_on(session, child_id, new.started_on, "a short break starting",
                          SupportError, "start")
    child = _child(session, child_id, "short_break")
    cases.require_episode(session, child_id, SupportError)
    _raise(rules.check_short_break(
        provider=new.provider, kind=new.kind, hours=new.hours, per=new.per,
        started=new.started_on, review_due=new.review_due, birth=child.dob,
        timescale=timescale(session, "short_break")))
    row = m.ShortBreak(child_id=child_id, provider=new.provider.strip(), kind=new.kind,
                       hours=float(new.hours), per=new.per, started_on=new.started_on,
                       review_due=_default_due(session, "short_break", new.started_on,
                                               new.review_due, child.dob),
                       notes=new.notes.strip(), recorded_by=by.strip()[:200])
    session.add(row)
    session.flush()
    return row


def add_direct_payment(session: Session, child_id: uuid.UUID, new: DirectPaymentInput, *,
                       by: str) -> m.DirectPayment:
    """A direct payment for a disabled child (WAR 4.2, 7.2.1): reviewed at least annually."""
    # TRA, BEX 3: the closure first, as for a visit: nothing else matters on a closed case
    cases.require_open_on(session, child_id, new.started_on, "a direct payment starting",
                          SupportError, "start")
    child = _child(session, child_id, "direct_payment")
    cases.require_episode(session, child_id, SupportError)
    _raise(rules.check_direct_payment(
        amount_pence=new.amount_pence, period=new.period, managed_by=new.managed_by,
        started=new.started_on, review_due=new.review_due, birth=child.dob,
        timescale=timescale(session, "direct_payment")))
    row = m.DirectPayment(child_id=child_id, amount_pence=new.amount_pence, period=new.period,
                          managed_by=new.managed_by.strip(), started_on=new.started_on,
                          review_due=_default_due(session, "direct_payment", new.started_on,
                                                  new.review_due, child.dob),
                          notes=new.notes.strip(), recorded_by=by.strip()[:200])
    session.add(row)
    session.flush()
    return row


def _last_review(session: Session, row) -> date | None:
    column = (m.SupportReview.short_break_id if isinstance(row, m.ShortBreak)
              else m.SupportReview.direct_payment_id)
    return session.exec(select(m.SupportReview.reviewed_on).where(column == row.id)
                        .order_by(col(m.SupportReview.reviewed_on).desc(),
                                  col(m.SupportReview.created_at).desc())).first()


def fact_stamp(fact: ShortBreakFact | DirectPaymentFact) -> str:
    """The version of a package as a form read it (`conflicts.values`): its row, what it
    says, its reviews."""
    return conflicts.values(fact)


def _check_seen(session: Session, child_id: uuid.UUID, kind: str, row, seen: str) -> None:
    """Refuse to save over a change made since the form read the package (or a package the
    number now means that is not the one the form read: one added with an earlier start)."""
    if not seen:
        return
    reviews = _reviews(session, child_id)
    fact = _sb_fact(row, reviews) if kind == "short_break" else _dp_fact(row, reviews)
    conflicts.check(session, seen, fact_stamp(fact), f"this {WORDS[kind]}",
                    [conflicts.row(row)])


def edit_short_break(session: Session, child_id: uuid.UUID, number: int | None,
                     new: ShortBreakInput, *, seen: str = "") -> m.ShortBreak:
    """Change an open package (the provider, type, hours, start, the review date set);
    its review date stays within the interval of its last review, or of its start.
    `seen`: `fact_stamp` of the package as the form read it; changed since, an
    `EditConflict` and nothing saved ("": the CLI, which reads and writes at once)."""
    child = _child(session, child_id, "short_break")
    row = _row(session, child_id, "short_break", number)
    _check_seen(session, child_id, "short_break", row, seen)
    _raise(_still_open(row))
    ts = timescale(session, "short_break")
    _raise(rules.check_short_break(
        provider=new.provider, kind=new.kind, hours=new.hours, per=new.per,
        started=new.started_on, review_due=None, birth=child.dob, timescale=ts))
    due = new.review_due or row.review_due
    _raise(_due_problems(session, row, new.started_on, due, ts, child.dob))
    row.provider, row.kind, row.hours, row.per = (new.provider.strip(), new.kind,
                                                  float(new.hours), new.per)
    row.started_on, row.review_due, row.notes = new.started_on, due, new.notes.strip()
    session.add(row)
    session.flush()
    return row


def edit_direct_payment(session: Session, child_id: uuid.UUID, number: int | None,
                        new: DirectPaymentInput, *, seen: str = "") -> m.DirectPayment:
    child = _child(session, child_id, "direct_payment")
    row = _row(session, child_id, "direct_payment", number)
    _check_seen(session, child_id, "direct_payment", row, seen)
    _raise(_still_open(row))
    ts = timescale(session, "direct_payment")
    _raise(rules.check_direct_payment(
        amount_pence=new.amount_pence, period=new.period, managed_by=new.managed_by,
        started=new.started_on, review_due=None, birth=child.dob, timescale=ts))
    due = new.review_due or row.review_due
    _raise(_due_problems(session, row, new.started_on, due, ts, child.dob))
    row.amount_pence, row.period = new.amount_pence, new.period
    row.managed_by, row.started_on = new.managed_by.strip(), new.started_on
    row.review_due, row.notes = due, new.notes.strip()
    session.add(row)
    session.flush()
    return row


def _still_open(row) -> list[rules.Problem]:
    if row.ended_on is not None:
        return [rules.Problem("child", f"it ended on {day_words(row.ended_on)}: it can no "
                                       "longer change")]
    return []


def _due_problems(session: Session, row, started: date, due: date,
                  ts: Timescale, birth: date | None) -> list[rules.Problem]:
    anchor = _last_review(session, row) or started
    latest = rules.latest_review_due(anchor, ts)
    if due <= anchor:
        return [rules.Problem("review", "the review comes after the start and the last "
                                        "review")]
    if due > latest:
        return [rules.Problem("review", f"reviewed at least every {ts.describe()} "
                                        f"({ts.source}): by {day_words(latest)} "
                                        "at the latest")]
    return rules.check_by_18(due, birth, "review")  # s17(10); WAR 4.2


def record_review(session: Session, child_id: uuid.UUID, kind: str, number: int | None, *,
                  on: date | None, by: str, notes: str = "", next_due: date | None = None,
                  today: date) -> m.SupportReview:
    """A review held (WAR 7.2.1); the next is due the date given or the policy's interval
    from this one."""
    child = cases.require_child(session, child_id, SupportError)
    row = _row(session, child_id, kind, number)
    ts = timescale(session, kind)
    _raise(rules.check_review(on=on, started=row.started_on, last=_last_review(session, row),
                              ended=row.ended_on, next_due=next_due, today=today,
                              timescale=ts, birth=child.dob))
    due = next_due or rules.review_due_by(on, ts, child.dob)
    review = m.SupportReview(child_id=child_id, reviewed_on=on, reviewed_by=by.strip()[:200],
                             notes=notes.strip(), next_due=due,
                             **{f"{kind}_id": row.id})
    row.review_due = due
    session.add_all([review, row])
    session.flush()
    return review


def end(session: Session, child_id: uuid.UUID, kind: str, number: int | None, *,
        on: date | None, reason: str, today: date):
    """The package ended: its review clock stops."""
    cases.require_child(session, child_id, SupportError)
    row = _row(session, child_id, kind, number)
    _raise(rules.check_end(on=on, started=row.started_on, ended=row.ended_on, reason=reason,
                           today=today))
    row.ended_on, row.end_reason = on, reason.strip()
    session.add(row)
    session.flush()
    return row


__all__ = [
    "DirectPaymentInput", "KINDS", "ShortBreakInput", "SupportError", "SupportView",
    "add_direct_payment", "add_short_break", "direct_payment_facts", "disabled",
    "edit_direct_payment", "edit_short_break", "end", "record_review", "short_break_facts",
    "timescale", "view",
]
