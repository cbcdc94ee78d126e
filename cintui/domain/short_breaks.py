"""Disabled children: short breaks and direct payments on the child's record (DOMAIN.md §11;
WAR 7 the Children with Disability Team; TRA the Complex and Additional Needs team and its
Short Break Duty statement; BEX "For children who are in receipt of Short Breaks, see also
the Short Breaks Procedure").

A *short break* is a package from a provider: its type (overnight, day, community), how
many hours a week or a month, when it started, when it is next reviewed, and when it ended.
A *direct payment* is money paid so the family arrange the support themselves (WAR 4.2
"families will be supported through direct payments to take control of the support they
need"): the amount and its period, who manages it, when it started, the next review, the
end. Each has a review clock (WAR 7.2.1 "an annual review of the direct payment"): the
review date set is never later than the policy's interval (`direct_payment_review`,
`short_break_review`) from the start or the last review; a review sets the next.

Pure: plain values in, problems, amounts and due states out; `today` is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from cintui.domain.calendar import WorkingCalendar, england_calendar
from cintui.domain.child import comes_of_age
from cintui.domain.dates import day_words
from cintui.domain.plan import Service
from cintui.domain.policy import Timescale
from cintui.domain.text import first_upper
from cintui.domain.timescales import Deadline, DueState, due_date

SHORT_BREAK_SOURCE = "WAR 7; TRA CAN team; BEX short breaks"
DIRECT_PAYMENT_SOURCE = "WAR 7.2.1"
SHORT_BREAK_KINDS = ("overnight", "day", "community", "other")
KIND_LABELS = {"overnight": "overnight", "day": "day care", "community": "community",
               "other": "other"}
HOURS_PER = ("week", "month")
MAX_HOURS = {"week": 168, "month": 744}  # every hour of a week / a 31-day month
PAY_PERIODS = ("week", "four_weeks", "month", "year")
PERIOD_WORDS = {"week": "a week", "four_weeks": "every 4 weeks", "month": "a month",
                "year": "a year"}
MAX_PENCE = 10_000_000  # £100,000 a period: beyond it, a typing slip
_MONEY = re.compile(r"^£?\s*(\d{1,7})(?:\.(\d{1,2}))?$")


@dataclass(frozen=True)
class Problem:
    """Something wrong with what is about to be recorded; `field` names the input."""

    field: str
    message: str


@dataclass(frozen=True)
class ReviewFact:
    """One review of a short break or a direct payment (never edited)."""

    on: date
    by: str = ""
    notes: str = ""
    next_due: date | None = None
    ref: str = ""


@dataclass(frozen=True)
class ShortBreakFact:
    provider: str
    kind: str  # SHORT_BREAK_KINDS
    hours: float
    per: str  # HOURS_PER
    started_on: date
    review_due: date
    ended_on: date | None = None
    end_reason: str = ""
    notes: str = ""
    recorded_by: str = ""
    reviews: tuple[ReviewFact, ...] = ()
    ref: str = ""

    @property
    def open(self) -> bool:
        return self.ended_on is None

    def describe(self) -> str:
        """"Overnight short break, 8 h a month, Rainbow House"."""
        return f"{first_upper(KIND_LABELS.get(self.kind, self.kind))} short break, " \
               f"{hours_text(self.hours)} a {self.per}, {self.provider}"


NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class DirectPaymentFact:
    amount_pence: int | None  # None: not recorded (moved from the case steps, 0024)
    period: str  # PAY_PERIODS; "": not recorded
    managed_by: str  # "": not recorded
    started_on: date
    review_due: date
    ended_on: date | None = None
    end_reason: str = ""
    notes: str = ""
    recorded_by: str = ""
    reviews: tuple[ReviewFact, ...] = ()
    ref: str = ""

    @property
    def open(self) -> bool:
        return self.ended_on is None

    @property
    def manager(self) -> str:
        return self.managed_by or f"manager {NOT_RECORDED}"

    def describe(self) -> str:
        """"Direct payment of £120.00 a week, managed by Jo Smith (mother)"; one moved from
        the case steps' record: "Direct payment (amount not recorded), manager not
        recorded"."""
        return direct_payment_words(self.amount_pence, self.period, self.managed_by)


def hours_text(hours: float) -> str:
    return f"{hours:g} h"


def money_text(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def direct_payment_words(amount_pence: int | None, period: str, managed_by: str) -> str:
    """One direct payment in words; what the record does not hold says "not recorded"."""
    if amount_pence is None:
        what = f"Direct payment (amount {NOT_RECORDED})"
    else:
        what = f"Direct payment of {money_text(amount_pence)}"
        what += f" {PERIOD_WORDS.get(period, period)}" if period else f" (period {NOT_RECORDED})"
    return what + (f", managed by {managed_by}" if managed_by else f", manager {NOT_RECORDED}")


def parse_money(text: str) -> int:
    """"120", "£120.50", "45.5" -> pence; anything else is a ValueError in plain words."""
    match = _MONEY.match(text.strip().replace(",", ""))
    if not match:
        raise ValueError(f"{text.strip()!r} is not an amount of money: write it as 120.50")
    pounds, pence = match.groups()
    return int(pounds) * 100 + int((pence or "0").ljust(2, "0"))


def parse_hours(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number of hours: write it as 8 or "
                         "7.5") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{text.strip()!r} is not a number of hours")
    return value


def latest_review_due(anchor: date, ts: Timescale, cal: WorkingCalendar | None = None) -> date:
    """The latest the next review may be: the policy's interval from `anchor` (the start
    or the last review), on a working day (DOMAIN.md §11)."""
    return due_date(anchor, ts, cal or england_calendar())


def review_due_by(anchor: date, ts: Timescale, birth: date | None,
                  cal: WorkingCalendar | None = None) -> date:
    """The review date a blank gives: the policy's interval from `anchor`, or the 18th
    birthday when that comes first (s17(10): children's services' package ends, or passes
    to adult social care, by then: WAR 4.2), on the working day before it if it is not one
    (DOMAIN.md §11)."""
    cal = cal or england_calendar()
    latest = latest_review_due(anchor, ts, cal)
    if birth is None or latest <= (adult := comes_of_age(birth)):
        return latest
    day = cal.working_day_for(adult, anchor)
    return day if day <= adult else adult


def check_by_18(due: date | None, birth: date | None, name: str) -> list[Problem]:
    """s17(10), WAR 4.2: a package of children's services ends at 18, or passes to adult
    social care: its review is set no later than the 18th birthday, which the message
    names. `name`: the input the date came from."""
    if due is None or birth is None or due <= (adult := comes_of_age(birth)):
        return []
    return [Problem(name, f"{day_words(due)} is after the 18th birthday ({day_words(adult)}), by "
                          "which the package ends or passes to adult social care (s17(10); "
                          "WAR 4.2)")]


def _check_dates(started: date | None, birth: date | None, review_due: date | None,
                 ts: Timescale, cal: WorkingCalendar | None, what: str) -> list[Problem]:
    out = []
    if started is None:
        out.append(Problem("start", f"give the date the {what} started (or starts)"))
        return out
    if birth is not None and started < birth:
        out.append(Problem("start", f"{day_words(started)} is before the child's birth "
                                    f"({day_words(birth)})"))
    elif birth is not None and started >= (adult := comes_of_age(birth)):
        out.append(Problem("start", f"{day_words(started)} is on or after the 18th birthday "
                                    f"({day_words(adult)}): a {what} from children's services "
                                    "is for a child (s17(10)); after 18, adult social care "
                                    "arranges support (WAR 4.2)"))
        return out
    if review_due is not None:
        latest = latest_review_due(started, ts, cal)
        if review_due <= started:
            out.append(Problem("review", "the review comes after the start"))
        elif review_due > latest:
            out.append(Problem("review", f"reviewed at least every {ts.describe()} "
                                         f"({ts.source}): by {day_words(latest)} at the latest"))
        else:
            out += check_by_18(review_due, birth, "review")
    return out


def check_disabled(disabled: bool, what: str) -> list[Problem]:
    """WAR 7.1 "CwDT will work with children and families where a child has a disability";
    short breaks and direct payments here are the disabled child's (TRA, BEX)."""
    if disabled:
        return []
    return [Problem("child", f"{what} here are for a disabled child (WAR 7.1): record the "
                             "child's disability first (cintui child circumstances "
                             "--disability)")]


def check_short_break(*, provider: str, kind: str, hours: float | None, per: str,
                      started: date | None, review_due: date | None, birth: date | None,
                      timescale: Timescale,
                      cal: WorkingCalendar | None = None) -> list[Problem]:
    """A short-break package: who provides it, its type, how many hours a week or a month
    (at most the hours there are), its start, and a review within the policy's interval."""
    out = []
    if not provider.strip():
        out.append(Problem("provider", "name the provider (a unit, a carer, a scheme)"))
    if kind not in SHORT_BREAK_KINDS:
        out.append(Problem("kind", f"{kind!r} is not one of " + ", ".join(SHORT_BREAK_KINDS)))
    if per not in HOURS_PER:
        out.append(Problem("per", f"{per!r}: hours are a week or a month"))
    if hours is None or hours <= 0:
        out.append(Problem("hours", "give the hours of short breaks (more than 0)"))
    elif per in MAX_HOURS and hours > MAX_HOURS[per]:
        out.append(Problem("hours", f"{hours:g} hours a {per} is more than there are "
                                    f"({MAX_HOURS[per]})"))
    out += _check_dates(started, birth, review_due, timescale, cal, "short break")
    return out


def check_direct_payment(*, amount_pence: int | None, period: str, managed_by: str,
                         started: date | None, review_due: date | None, birth: date | None,
                         timescale: Timescale,
                         cal: WorkingCalendar | None = None) -> list[Problem]:
    """A direct payment: the amount and its period, who manages it, its start, and a review
    at least every 12 months (WAR 7.2.1, the policy's `direct_payment_review`)."""
    out = []
    if amount_pence is None or amount_pence <= 0:
        out.append(Problem("amount", "give the amount paid (more than £0)"))
    elif amount_pence > MAX_PENCE:
        out.append(Problem("amount", f"{money_text(amount_pence)} is more than "
                                     f"{money_text(MAX_PENCE)}: check the amount"))
    if period not in PAY_PERIODS:
        typed = period.replace("_", "-")  # as the command line takes it: four-weeks
        out.append(Problem("period", f"{typed!r} is not one of "
                           + ", ".join(p.replace("_", "-") for p in PAY_PERIODS)))
    if not managed_by.strip():
        out.append(Problem("managed_by", "say who manages the payment (a parent, the young "
                                         "person, a managed account)"))
    out += _check_dates(started, birth, review_due, timescale, cal, "direct payment")
    return out


def check_review(*, on: date | None, started: date, last: date | None, ended: date | None,
                 next_due: date | None, today: date, timescale: Timescale,
                 cal: WorkingCalendar | None = None,
                 birth: date | None = None) -> list[Problem]:
    """A review: held (not in the future), after the start and the last review, while the
    package is open, before the 18th birthday; the next review after it, within the
    policy's interval and by the 18th birthday (s17(10); WAR 4.2)."""
    if ended is not None:
        return [Problem("child", f"it ended on {day_words(ended)}: nothing to review")]
    out = []
    if on is None:
        out.append(Problem("on", "give the date of the review"))
    elif on > today:
        out.append(Problem("on", f"{day_words(on)} is in the future: record a review once held"))
    elif on < started:
        out.append(Problem("on", f"{day_words(on)} is before the start ({day_words(started)})"))
    elif last is not None and on < last:
        out.append(Problem("on", f"{day_words(on)} is before the last review ({day_words(last)})"))
    elif birth is not None and on >= (adult := comes_of_age(birth)):
        return [Problem("on", f"they turned 18 on {day_words(adult)}: the package ends there, "
                              "or passes to adult social care (s17(10); WAR 4.2): end it "
                              "rather than set another review")]
    if on is not None and next_due is not None:
        latest = latest_review_due(on, timescale, cal)
        if next_due <= on:
            out.append(Problem("next", "the next review comes after this one"))
        elif next_due > latest:
            out.append(Problem("next", f"reviewed at least every {timescale.describe()} "
                                       f"({timescale.source}): by {day_words(latest)} at the "
                                       "latest"))
        else:
            out += check_by_18(next_due, birth, "next")
    return out


def check_end(*, on: date | None, started: date, ended: date | None, reason: str,
              today: date) -> list[Problem]:
    """An end: dated (not in the future, not before the start), with the reason."""
    if ended is not None:
        return [Problem("child", f"it ended on {day_words(ended)} already")]
    out = []
    if on is None:
        out.append(Problem("on", "give the date it ended"))
    elif on > today:
        out.append(Problem("on", f"{day_words(on)} is in the future: end it on the day"))
    elif on < started:
        out.append(Problem("on", f"{day_words(on)} is before the start ({day_words(started)})"))
    if not reason.strip():
        out.append(Problem("reason", "say why it ended (e.g. no longer needed, moved to "
                                     "adult services, family's choice)"))
    return out


@dataclass(frozen=True)
class ReviewDue:
    """When a package is next reviewed, and how near that is."""

    due: date
    state: DueState
    working_days_left: int

    @property
    def overdue(self) -> bool:
        return self.state is DueState.OVERDUE


def review_state(due: date, today: date, cal: WorkingCalendar | None = None,
                 due_soon_working_days: int = 5) -> ReviewDue:
    """The review clock's state, counted as every other clock is (DOMAIN.md §6)."""
    cal = cal or england_calendar()
    left = cal.working_days_between(today, due)
    state = (DueState.OVERDUE if due < today else DueState.DUE_TODAY if due == today
             else DueState.DUE_SOON if left <= due_soon_working_days else DueState.UPCOMING)
    return ReviewDue(due, state, left)


def package_line(f: ShortBreakFact | DirectPaymentFact,
                 day: Callable[[date | None], str] = day_words) -> str:
    """One line for a pack or a list: what, since when, the review due or the end. `day`
    writes each day (`day_long` in the step-down pack, which the family reads)."""
    line = f"{f.describe()}: from {day(f.started_on)}"
    if f.reviews:
        line += f", last reviewed {day(f.reviews[-1].on)}"
    if f.ended_on:
        return line + f", ended {day(f.ended_on)}" + (f" ({f.end_reason})"
                                                  if f.end_reason else "")
    return line + f", next review by {day(f.review_due)}"


def package_deadline(f: ShortBreakFact | DirectPaymentFact, source: str, today: date,
                     policy: str = "", cal: WorkingCalendar | None = None,
                     due_soon_working_days: int = 5) -> Deadline | None:
    """An open package's review as one of the record's clocks (WAR 7.2.1); None: ended."""
    if not f.open:
        return None
    short = isinstance(f, ShortBreakFact)
    state = review_state(f.review_due, today, cal, due_soon_working_days)
    last = f.reviews[-1].on if f.reviews else None
    anchor_label = f"the last review ({day_words(last)})" if last else \
        f"the start ({day_words(f.started_on)})"
    return Deadline(
        key="short_break_review" if short else "direct_payment_review",
        label=("Short break review: " if short else "Direct payment review: ")
        + (f.provider if short else f.manager),
        due=f.review_due, anchor=last or f.started_on, anchor_label=anchor_label,
        rule=f"by the review date set at {anchor_label}", source=source,
        state=state.state, working_days_left=state.working_days_left, policy=policy)


def open_ones(facts: Iterable[ShortBreakFact | DirectPaymentFact]):
    return [f for f in facts if f.open]


def _service_words(text: str) -> str:
    return text.replace(";", ",").replace(":", ",")  # the plan's box splits on ; and :


def plan_service(f: ShortBreakFact | DirectPaymentFact) -> Service:
    """A package as a service of the CIN plan (WIR 2.7): "Rainbow House: overnight short
    breaks, 8 h a week"; "Direct payment: £120.50 a week, managed by Jo Smith (mother)"."""
    if isinstance(f, ShortBreakFact):
        return Service(_service_words(f.provider), _service_words(
            f"{KIND_LABELS.get(f.kind, f.kind)} short breaks, {hours_text(f.hours)} a {f.per}"))
    what = f.describe().removeprefix("Direct payment").removeprefix(" of ").lstrip(" ,")
    return Service("Direct payment", _service_words(what))


def _service_name(name: str) -> str:
    return " ".join(name.lower().split()).removesuffix("s")


def services_to_add(listed: Iterable[Service],
                    facts: Iterable[ShortBreakFact | DirectPaymentFact]) -> tuple[Service, ...]:
    """The running packages the plan's services do not name yet, to offer, so the worker
    does not type them again. A package is named by a service of its name, case, spaces
    and a plural aside: "Rainbow House" for a short break, "Direct payments" for each
    direct payment."""
    named = {_service_name(s.name) for s in listed}
    return tuple(dict.fromkeys(
        s for s in (plan_service(f) for f in open_ones(facts))
        if _service_name(s.name) not in named))


__all__ = [
    "DIRECT_PAYMENT_SOURCE", "DirectPaymentFact", "HOURS_PER", "KIND_LABELS", "NOT_RECORDED",
    "PAY_PERIODS", "direct_payment_words", "plan_service", "services_to_add",
    "PERIOD_WORDS", "Problem", "ReviewDue", "ReviewFact", "SHORT_BREAK_KINDS",
    "SHORT_BREAK_SOURCE", "ShortBreakFact", "check_direct_payment", "check_disabled",
    "check_by_18", "check_end", "check_review", "check_short_break", "review_due_by", "hours_text", "latest_review_due",
    "money_text", "open_ones", "package_deadline", "package_line", "parse_hours", "parse_money", "review_state",
]
