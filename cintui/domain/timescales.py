"""The timescale engine: what is due for one child, by when, and under which rule.

Input is plain dated facts (`ChildEvents`); output is `Deadline`s, one per running clock,
each carrying its rule in plain words and its source so a worker can check it (DOMAIN.md §6).
A clock runs only while its step is outstanding: a completed step yields no deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

from cintui.domain.calendar import (
    WorkingCalendar,
    counted_end,
    due_after,
    england_calendar,
)
from cintui.domain.child import ADULT_AGE, age_years, comes_of_age
from cintui.domain.dates import day_words
from cintui.domain.policy import (
    TIMESCALE_KEYS,
    PolicyProfile,
    Timescale,
    VisitRules,
    less_often,
    parse_every,
)
from cintui.domain.records import Record, replace

PLANNING_KINDS = ("initial", "transfer_in")  # meetings that set up (or re-set) a plan
REVIEW_KINDS = ("review", "final")  # meetings that review it

LABELS = {
    "referral_decision": "Referral decided",
    "assessment": "Assessment completed",
    "support_start": "CIN support started",
    "initial_meeting": "Initial CIN meeting",
    "visit": "Next visit",
    "first_review": "First review",
    "review": "Next review",
    "minutes": "Minutes circulated",
    "plan_circulation": "Plan circulated",
    "closure_notification": "Family told of closure",
    "step_down": "Step-down completed",
    "transfer_in_meeting": "Transfer-in meeting",
    "direct_payment_review": "Direct payment review",
    "s47_start": "Section 47 enquiry started",
    "icpc": "Initial child protection conference",
    "supervision": "Next supervision",
    "short_break_review": "Short break review",
    "turns_18": "Turns 18: CIN support ends",
}
# s17(10) Children Act 1989: a child in need is under 18. In a child's last year as one the
# case's end is a clock of its own (`_turns_18`), set by law, not by any policy.
ADULT_SOURCE = "s17(10) Children Act 1989"
# The caseload's flag for a clock that is overdue and has no column of its own there (the
# visit and the meetings have theirs; the meeting's papers, minutes and plan, one flag):
# an assessment past its 45 working days is drift a worker must see at a glance, not only
# in the due list.
OVERDUE_FLAGS = {
    "referral_decision": "Referral decision overdue",
    "assessment": "Assessment overdue",
    "support_start": "Support start overdue",
    "closure_notification": "Closure letter overdue",
    "step_down": "Step-down overdue",
    "s47_start": "S47 enquiry overdue",
    "icpc": "ICPC overdue",
    "turns_18": "18 and still open",
}
PLAN_SOURCE = "CIN plan (BEX 3, TRA)"  # a visit frequency agreed in the child's plan


class VisitFact(Record):
    date: date
    child_seen: bool = True
    seen_alone: bool = True
    virtual: bool = False


class MeetingFact(Record):
    date: date
    kind: str  # "initial" | "review" | "final" | "transfer_in"
    next_review: date | None = None
    minutes_circulated: date | None = None
    plan_circulated: date | None = None
    held: bool = True  # False: scheduled, not yet held


class EnquiryFact(Record):
    """A strategy discussion and what followed (Working Together 2023): the section 47
    enquiry it decided, and the initial child protection conference or that none is needed."""

    strategy_on: date
    decided_s47: bool = True
    s47_started: date | None = None
    icpc_held: date | None = None
    icpc_not_required: bool = False


class ChildEvents(Record):
    referral: date | None = None
    assessment_started: date | None = None
    assessment_completed: date | None = None
    initial_home_visit: date | None = None
    support_started: date | None = None
    cin_plan_start: date | None = None  # CIN plan agreed as needed
    dob: date | None = None  # None: unborn (or not known), so never asked to be seen alone
    plan_visit_every: Timescale | None = None  # agreed in the plan in force (BEX 3, TRA)
    visits: tuple[VisitFact, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()
    closure_decided: date | None = None
    family_told_of_closure: date | None = None
    step_down_decided: date | None = None
    step_down_completed: date | None = None
    moved_in: date | None = None  # transfer-in: residence in this authority began
    closed: date | None = None  # episode closed: only the closure notification can be due
    enquiries: tuple[EnquiryFact, ...] = ()  # strategy discussions, oldest first
    # BEX 3: "If there are significant changes in the family circumstances, an early review
    # should take place": the review brought forward to this date, asked on that one; a
    # review (or planning) meeting held since it was asked answers it.
    early_review_by: date | None = None
    early_review_asked: date | None = None


class DueState(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due today"
    DUE_SOON = "due soon"
    UPCOMING = "upcoming"


class Deadline(Record):
    key: str  # timescale key, e.g. "visit"
    label: str  # "Next visit"
    due: date
    anchor: date  # the event the clock runs from
    anchor_label: str  # "last visit (child seen alone, in person)"
    rule: str  # "within 20 working days of the last visit where the child was seen alone, ..."
    source: str  # "WIR 2.11"
    state: DueState
    working_days_left: int  # negative when overdue: working days in (due, today]
    policy: str  # profile name


def due_date(start: date, ts: Timescale, calendar: WorkingCalendar | None = None) -> date:
    """The day a timescale of `ts.amount` `ts.unit` from `start` ends (`calendar.due_after`:
    DOMAIN.md §6 and §11)."""
    return due_after(start, ts.amount, ts.unit, calendar)


def moved_note(start: date, ts: Timescale, due: date,
               calendar: WorkingCalendar | None = None) -> str:
    """Why `due` is not the counted calendar date (DOMAIN.md §11), or "": e.g.
    " (25 Dec 2026 is Christmas Day: due the working day before)"."""
    counted = counted_end(start, ts.amount, ts.unit)
    if counted is None or counted == due:
        return ""
    names = dict((calendar or england_calendar()).holidays_between(counted, counted))
    what = names.get(counted) or f"a {counted:%A}"
    return f" ({day_words(counted)} is {what}: due the working day " \
           f"{'before' if due < counted else 'after'})"


@lru_cache(maxsize=1 << 16)
def _due_and_note(start: date, amount: int, unit: str,
                  calendar: WorkingCalendar) -> tuple[date, str]:
    """`due_date` and `moved_note` of a timescale from `start`, kept for the process: a due
    list of 5,000 children asks ~20,000 times about a few thousand distinct days (each a
    month's arithmetic, a working-day search and a holiday's name). A calendar's answers
    never change (a new holiday source makes a new calendar)."""
    ts = Timescale("", amount, unit, "")
    due = due_date(start, ts, calendar)
    return due, moved_note(start, ts, due, calendar)


def restarts_visit_clock(v: VisitFact, rules: VisitRules, dob: date | None) -> bool:
    """WIR 2.11: the child must be seen, and seen and spoken to alone. A virtual visit, or
    one where the child was not seen alone, restarts the clock only where the policy says
    so (`VisitRules`); an unborn child, or one too young to be spoken to alone, need only
    have been seen."""
    if not v.child_seen or (v.virtual and not rules.virtual_restarts_clock):
        return False
    if v.seen_alone or rules.not_alone_restarts_clock or dob is None or v.date < dob:
        return True
    return age_years(dob, v.date) < rules.seen_alone_from_age


def next_visit_due(last: date, policy: PolicyProfile, every: Timescale | None = None,
                   calendar: WorkingCalendar | None = None) -> date | None:
    """When the visit after one on `last` is due: the policy's timescale, or the frequency
    agreed in the plan (`every`) when sooner (BEX 3, TRA). None: the policy sets none."""
    ts = policy.timescales.get("visit")
    if ts is None:
        return None
    due = due_date(last, ts, calendar)
    return min(due, due_date(last, every, calendar)) if every else due


def visit_rule(policy: PolicyProfile, every: Timescale | None = None) -> str:
    """The visit rule in plain words, for the Visits tab and the visit history."""
    ts = policy.timescales.get("visit")
    if ts is None:
        return "no visit timescale in this policy"
    limit = f"every {ts.describe()}, {ts.source}"
    if every is not None and less_often(ts, every):
        limit = f"every {every.describe()}, as agreed in the CIN plan (BEX 3, TRA)"
    return f"{limit}; counting visits where the child was {policy.visits.describe()}"


def plan_visits(amount: int | None, unit: str | None) -> Timescale | None:
    """A plan's stored visit frequency as a timescale (None: the policy's)."""
    return Timescale("visit", amount, unit, PLAN_SOURCE) if amount and unit else None


def parse_plan_visits(text: str) -> Timescale:
    """A visit frequency typed for a plan ("2 weeks", "10 working days"); ValueError if
    not understood."""
    return parse_every(text, "visit", PLAN_SOURCE)


def plan_visit_problem(every: Timescale, policy: PolicyProfile) -> str:
    """BEX 3 ("agree the frequency ... no less than every 4 weeks"), TRA ("as agreed in the
    Child in Need Plan"): a plan may agree visits more often than the policy, never less
    often. "" when `every` is allowed."""
    ts = policy.timescales.get("visit")
    if ts is None or not less_often(every, ts):
        return ""
    return (f"every {every.describe()} is less often than the policy's every "
            f"{ts.describe()} ({ts.source}): a plan may agree visits more often, never less "
            "(BEX 3, TRA)")


# ---------------------------------------------------------------------- the rules
# Each rule yields (key, anchor date, anchor label, what the rule counts from) for a running
# clock; `compute_deadlines` applies the profile's timescale to it.

_Clock = tuple[str, date, str, str]
_PAST_PLANNING = ("initial", *REVIEW_KINDS)  # held: the plan's first meeting is behind it
_MEETING_WORDS = {"initial": "initial meeting", "transfer_in": "transfer-in meeting",
                  "review": "review meeting", "final": "final meeting"}






def _held(
    events: ChildEvents, kinds: tuple[str, ...], since: date | None = None
) -> list[MeetingFact]:
    """Held meetings of `kinds`, oldest first (`compute_deadlines` sorts them once)."""
    return [m for m in events.meetings
            if m.held and m.kind in kinds and (since is None or m.date >= since)]


def _assessment(e: ChildEvents) -> Iterator[_Clock]:
    # A CIN plan follows the assessment: a plan started (here, not brought from another
    # authority, BEX 4) means it is past. A caseload imported with the plan's start and no
    # assessment dates once showed every such child's assessment months late.
    if e.cin_plan_start and not e.moved_in:
        return
    if e.referral and not e.assessment_completed:
        yield "assessment", e.referral, "referral", "the referral"


def _support_start(e: ChildEvents) -> Iterator[_Clock]:
    # WAR 4.4.2: support initiated within 20 working days from the initial home visit.
    if e.initial_home_visit and not e.support_started:
        yield "support_start", e.initial_home_visit, "initial home visit", "the initial home visit"


def _initial_meeting(e: ChildEvents, policy: PolicyProfile,
                     met: list[MeetingFact]) -> Iterator[_Clock]:
    ts = policy.timescales.get("initial_meeting")
    # A review held means the plan is past its planning meeting: a caseload imported with
    # its last review and no initial meeting's date once showed that meeting months late.
    if ts is None or any(m.kind in _PAST_PLANNING for m in met):
        return
    if e.moved_in:
        # BEX 4: a child who moved in with a plan has the transfer-in meeting (within 20
        # working days of residence) as their planning meeting, not a second initial one.
        return
    if ts.anchor == "assessment_completed":  # BEX 3
        if e.assessment_completed:
            yield ("initial_meeting", e.assessment_completed, "assessment completed",
                   "the assessment's completion")
    elif e.cin_plan_start:  # WIR 2.3
        yield ("initial_meeting", e.cin_plan_start, "CIN plan agreed",
               "the agreement that a CIN plan is needed")


def _visit(e: ChildEvents, policy: PolicyProfile) -> Iterator[_Clock]:
    # The clock runs while the child is subject to a CIN plan. WIR 2.11: the child must be
    # seen and spoken to alone, so only a visit that does so (or that the policy accepts,
    # `restarts_visit_clock`) restarts it. A visit before the plan started does not count
    # either: the plan's own cadence starts with the plan.
    if not e.cin_plan_start:
        return
    counted = [v.date for v in e.visits if v.date >= e.cin_plan_start
               and restarts_visit_clock(v, policy.visits, e.dob)]
    which = policy.visits.describe()
    if counted:
        yield "visit", max(counted), f"last visit (child {which})", \
            f"the last visit where the child was {which}"
    else:
        yield "visit", e.cin_plan_start, "CIN plan start", "the CIN plan starting"


def _review(e: ChildEvents, met: list[MeetingFact]) -> Iterator[_Clock]:
    # The first review counts from the planning meeting, later ones from the last review
    # (a final meeting counts as one until its ending is decided, below: an open case never
    # drops off the review list).
    # Scheduled (not held) meetings do not stop the clock.
    # A final meeting ends the plan (WIR 3, TRA): once the step-down or closure it led to
    # is decided, no review is due (reviews are while the plan is in force, BEX 3); the
    # ending's own clocks run instead (step-down completed, family told of closure).
    if met:
        last = met[-1]
        if last.kind == "final" and (e.closure_decided or e.step_down_decided):
            return
        key = "first_review" if last.kind in PLANNING_KINDS else "review"
        what = "last review" if last.kind == "review" else _MEETING_WORDS[last.kind]
        yield key, last.date, f"{what} ({day_words(last.date)})", f"the {what}"


def _circulation(met: list[MeetingFact], key: str,
                 done: Callable[[MeetingFact], date | None]) -> Iterator[_Clock]:
    # BEX 3, TRA, WIR 2.3 / 2.7: each held meeting's minutes and updated plan go out; the
    # oldest outstanding one is reported.
    waiting = [m for m in met if done(m) is None]
    if waiting:
        m = waiting[0]
        more = f" ({len(waiting)} meetings outstanding)" if len(waiting) > 1 else ""
        yield key, m.date, f"{_MEETING_WORDS[m.kind]} ({day_words(m.date)})", f"the meeting{more}"


def _closure(e: ChildEvents) -> Iterator[_Clock]:
    # BEX 3: the family is told of the manager's decision within 5 working days.
    if e.closure_decided and not e.family_told_of_closure:
        yield ("closure_notification", e.closure_decided, "closure decided",
               "the manager's decision to close")


def _step_down(e: ChildEvents) -> Iterator[_Clock]:
    # WIR 3: step-down completed within 5 working days.
    if e.step_down_decided and not e.step_down_completed:
        yield "step_down", e.step_down_decided, "step-down decided", "the step-down decision"


def _transfer_in(e: ChildEvents) -> Iterator[_Clock]:
    # BEX 4: the receiving authority meets within 20 working days of residence.
    if e.moved_in and not _held(e, PLANNING_KINDS, since=e.moved_in):
        yield ("transfer_in_meeting", e.moved_in, "moved into the area",
               "the family becoming resident here")


def _child_protection(e: ChildEvents) -> Iterator[_Clock]:
    # Working Together 2023: a strategy discussion that decides on a section 47 enquiry
    # starts it as soon as possible, and the ICPC is held within 15 working days of it.
    for q in e.enquiries:
        if not q.decided_s47:
            continue
        when = f"strategy discussion ({day_words(q.strategy_on)})"
        if q.s47_started is None:
            yield ("s47_start", q.strategy_on, when,
                   "the strategy discussion that decided a section 47 enquiry")
        if q.icpc_held is None and not q.icpc_not_required:
            yield ("icpc", q.strategy_on, when,
                   "the strategy discussion at which the section 47 enquiry was started")


def _clocks(e: ChildEvents, policy: PolicyProfile, met: list[MeetingFact]) \
        -> Iterator[_Clock]:
    """`met`: the child's held planning and review meetings, oldest first."""
    yield from _closure(e)
    if e.closed:
        return  # a closed episode owes nothing more than telling the family
    yield from _assessment(e)
    yield from _support_start(e)
    yield from _initial_meeting(e, policy, met)
    yield from _visit(e, policy)
    yield from _review(e, met)
    yield from _circulation(met, "minutes", lambda m: m.minutes_circulated)
    yield from _circulation(met, "plan_circulation", lambda m: m.plan_circulated)
    yield from _step_down(e)
    yield from _transfer_in(e)
    # WAR 7.2.1: a direct payment's review is its own clock (domain.short_breaks).
    yield from _child_protection(e)


# ---------------------------------------------------------------------- assembling


def _state(due: date, today: date, left: int, policy: PolicyProfile) -> DueState:
    if due < today:
        return DueState.OVERDUE
    if due == today:
        return DueState.DUE_TODAY
    if left <= policy.due_soon_working_days:
        return DueState.DUE_SOON
    return DueState.UPCOMING


def _early_review(e: ChildEvents, met: list[MeetingFact]) -> date | None:
    """BEX 3: the date a review was brought forward to, until a meeting answers it."""
    if e.early_review_by is None or e.early_review_asked is None:
        return None
    answered = any(m.date >= e.early_review_asked for m in met)
    return None if answered else e.early_review_by


def _last_review_date_set(met: list[MeetingFact]) -> MeetingFact | None:
    return met[-1] if met and met[-1].next_review else None


# Deadlines on one day: this order.
_ORDER = {key: i for i, key in enumerate((*TIMESCALE_KEYS, "turns_18"))}


def _turns_18(e: ChildEvents, today: date, policy: PolicyProfile,
              cal: WorkingCalendar) -> Deadline | None:
    """s17(10): a child in need is under 18. From the 17th birthday, a clock to the 18th:
    by then the case is closed, or passed on to adult social care where support must go on
    (RC6; WAR 4.2: smooth transitional arrangements where lifelong support is needed).
    Not for a closed episode, nor once its closure or step-down is decided (their own
    clocks run then). Due on the birthday itself, whatever the day: a change of status in
    law, not a step counted in working days."""
    if e.dob is None or e.closed or e.closure_decided or e.step_down_decided:
        return None
    if age_years(e.dob, today) < ADULT_AGE - 1:
        return None
    due = comes_of_age(e.dob)
    left = cal.working_days_between(today, due)
    return Deadline(
        key="turns_18", label=LABELS["turns_18"], due=due, anchor=e.dob,
        anchor_label="date of birth",  # short: My week says it all in 5 lines at 80 columns
        rule=("no longer a child in need at 18: close the case, or pass it on to adult "
              "social care (RC6; WAR 4.2)"),
        source=ADULT_SOURCE, state=_state(due, today, left, policy), working_days_left=left,
        policy=policy.name)


def compute_deadlines(
    events: ChildEvents,
    policy: PolicyProfile,
    today: date,
    calendar: WorkingCalendar | None = None,
) -> list[Deadline]:
    """Every running clock for one child, soonest first."""
    cal = calendar or england_calendar()
    if any(a.date > b.date for a, b in pairwise(events.meetings)):
        events = replace(events, meetings=tuple(sorted(events.meetings, key=lambda m: m.date)))
    met = _held(events, PLANNING_KINDS + REVIEW_KINDS)
    out: list[Deadline] = []
    for key, anchor, anchor_label, counted_from in _clocks(events, policy, met):
        ts = policy.timescales.get(key)
        if ts is None:
            continue
        due, moved = _due_and_note(anchor, ts.amount, ts.unit, cal)
        rule = f"within {ts.describe()} of {counted_from}{moved}"
        source = ts.source
        every = events.plan_visit_every if key == "visit" else None
        if every is not None:
            sooner, moved = _due_and_note(anchor, every.amount, every.unit, cal)
            if sooner < due:
                # BEX 3, TRA: the frequency agreed in the plan, when more often than the
                # policy.
                due, source = sooner, every.source
                rule = (f"within {every.describe()} of {counted_from}, as agreed in the CIN "
                        f"plan{moved}")
        setter = _last_review_date_set(met) if key in ("first_review", "review") else None
        if setter is not None and setter.next_review < due:
            # DOMAIN.md §6, WIR 2.3: a meeting's own next review date wins when earlier.
            due = setter.next_review
            rule = (f"on the review date set at the meeting of {day_words(setter.date)} "
                    f"(sooner than {ts.describe()})")
        early = _early_review(events, met) if key in ("first_review", "review") else None
        if early is not None and early < due:
            due, source = early, "BEX 3"
            rule = (f"brought forward on {day_words(events.early_review_asked)} after a "
                    "significant change in the family's circumstances (an early review)")
        left = cal.working_days_between(today, due)
        out.append(Deadline(
            key=key, label=LABELS[key], due=due, anchor=anchor, anchor_label=anchor_label,
            rule=rule, source=source, state=_state(due, today, left, policy),
            working_days_left=left, policy=policy.name,
        ))
    if events.dob is not None:
        adult = _turns_18(events, today, policy, cal)
        out += [adult] if adult else []
    return sorted(out, key=lambda d: (d.due, _ORDER[d.key]))


def overdue_flags(deadlines: Iterable[Deadline]) -> list[str]:
    """The caseload's flags for the overdue clocks no column shows (`OVERDUE_FLAGS`), in
    the order of `deadlines` (`compute_deadlines`: the longest overdue first)."""
    return [OVERDUE_FLAGS[d.key] for d in deadlines
            if d.state is DueState.OVERDUE and d.key in OVERDUE_FLAGS]


def next_deadline(
    events: ChildEvents,
    policy: PolicyProfile,
    today: date,
    calendar: WorkingCalendar | None = None,
    *,
    key: str,
) -> Deadline | None:
    """The deadline for one timescale key, or None when that clock is not running."""
    return next((d for d in compute_deadlines(events, policy, today, calendar) if d.key == key),
                None)
