"""Reports for managers and committees: compliance with timescales (the drift the product
exists to prevent, DOMAIN.md §6, STO 8.4-8.5, WAR 8.1 / 9.3) and performance (DOMAIN.md §8:
STO 3.1-3.3, WAR 3.1-3.5).

Pure: plain dated facts in (`ChildFacts`), counts out. Every timescale comes from the policy
profile through `timescales.due_date`, never a number written here. Every measure is a
`Measure(met, total, percent)`, and every banded count adds up to its total.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from cintui.domain.calendar import WorkingCalendar, add_months, england_calendar
from cintui.domain.endings import REREFERRAL_BANDS, rereferral_band  # WAR 3.2-3.4: one rule
from cintui.domain.fgc import FgcFact, FgcUse, fgc_use
from cintui.domain.policy import PolicyProfile, Timescale
from cintui.domain.timescales import (
    PLANNING_KINDS,
    REVIEW_KINDS,
    MeetingFact,
    VisitFact,
    due_date,
    restarts_visit_clock,
)

# ---------------------------------------------------------------------- facts


@dataclass(frozen=True)
class EpisodeFacts:
    """One episode of a child's CIN history, referral to closure."""

    referral: date
    closure: date | None = None
    cin_plan_start: date | None = None
    cin_plan_end: date | None = None
    assessment_completed: date | None = None
    unmet_need_stepped_down: bool = False  # STO 3.3: closed with unmet need, to Early Help
    stepped_down: bool = False  # closed stepping down to Early Help (WIR 3 step-down, RC9)
    # An imported case: held in full in cintui from this day. Its earlier dates are the old
    # system's few (the last visit, the last review): the gap that ended with one of them
    # cannot be judged (the visits or reviews in it were not carried over), nor the minutes
    # taken as sent. A gap that ends on or after this day runs from a known last one.
    recorded_from: date | None = None

    def known_from(self, day: date) -> bool:
        """Whether cintui holds everything that happened from `day` on."""
        return self.recorded_from is None or day >= self.recorded_from

    def open_on(self, day: date) -> bool:
        return self.referral <= day and (self.closure is None or self.closure > day)

    def plan_on(self, day: date) -> bool:
        """Subject to a CIN plan on `day` (started, not ended, episode not closed)."""
        if self.cin_plan_start is None or self.cin_plan_start > day or not self.open_on(day):
            return False
        return self.cin_plan_end is None or self.cin_plan_end > day


@dataclass(frozen=True)
class ChildFacts:
    """What the reports read about one child: its episodes (any order), its visits where it
    was seen, the visit frequencies its plans agreed, its held meetings, and whether its
    current agreed plan passes the plan checks (`plan_checks.check_plan`; None: no agreed
    plan)."""

    id: str
    episodes: tuple[EpisodeFacts, ...] = ()
    worker: str = ""  # the allocated worker's username ("" unallocated)
    worker_name: str = ""
    team: str = ""
    dob: date | None = None  # None: unborn (or not known)
    visits: tuple[VisitFact, ...] = ()  # final visits where the child was seen (WIR 2.11)
    # (agreed on, the visit frequency agreed or None) of each agreed plan version (BEX 3, TRA)
    plan_visits: tuple[tuple[date, Timescale | None], ...] = ()
    meetings: tuple[MeetingFact, ...] = ()  # held meetings
    plan_passes: bool | None = None
    plan_id: object = None  # the plan in force (its version's id), when judged
    plan_problems: tuple = ()  # what the plan checks found in it (plan_checks.PlanProblem)
    fgcs: tuple[FgcFact, ...] = ()  # Family Group Conferences (WAR 9.3)
    # (held on, the next date the manager set or None) of each supervision (STO 4.5, 8.5)
    supervisions: tuple[tuple[date, date | None], ...] = ()


class Measure(NamedTuple):
    met: int
    total: int
    percent: float | None  # None when total is 0

    @classmethod
    def of(cls, met: int, total: int) -> Measure:
        return cls(met, total, round(100 * met / total, 1) if total else None)

    def __add__(self, other) -> Measure:  # type: ignore[override]
        return Measure.of(self.met + other.met, self.total + other.total)

    def describe(self) -> str:
        return "—" if not self.total else f"{self.percent:.0f}% ({self.met}/{self.total})"


NONE = Measure.of(0, 0)
COMPLIANCE_MEASURES = ("visits", "reviews", "minutes", "initial_meetings", "plans",
                       "supervision")
COMPLIANCE_LABELS = {
    "visits": "Visits within policy",
    "reviews": "Reviews within policy",
    "minutes": "Minutes circulated in time",
    "initial_meetings": "Initial meetings in time",
    "plans": "Plans passing checks",
    "supervision": "Supervision in time",
}
COMPLIANCE_SOURCES = {
    "visits": "WIR 2.11, BEX 3, WAR 9.3",
    "reviews": "BEX 3, TRA, WAR 8.1",
    "minutes": "BEX 3, WIR 2.3",
    "initial_meetings": "BEX 3, WIR 2.3",
    "plans": "BEX 2, WIR 2.3, WAR 8.1",
    "supervision": "STO 4.5, 8.5; WAR 12",
}


@dataclass(frozen=True)
class ComplianceLine:
    visits: Measure = NONE
    reviews: Measure = NONE
    minutes: Measure = NONE
    initial_meetings: Measure = NONE
    plans: Measure = NONE
    supervision: Measure = NONE

    def __add__(self, other: ComplianceLine) -> ComplianceLine:
        return ComplianceLine(*(getattr(self, k) + getattr(other, k)
                                for k in COMPLIANCE_MEASURES))

    def measures(self) -> list[tuple[str, Measure]]:
        return [(k, getattr(self, k)) for k in COMPLIANCE_MEASURES]


@dataclass(frozen=True)
class WorkerCompliance:
    username: str
    name: str
    team: str
    line: ComplianceLine
    children: int


@dataclass(frozen=True)
class Compliance:
    start: date
    end: date
    policy: str
    total: ComplianceLine
    by_worker: dict[str, WorkerCompliance] = field(default_factory=dict)
    by_team: dict[str, ComplianceLine] = field(default_factory=dict)


# ---------------------------------------------------------------------- helpers


def _episodes(child: ChildFacts) -> list[tuple[EpisodeFacts, date | None]]:
    """Episodes oldest first, each with the next one's referral (its facts end there)."""
    eps = sorted(child.episodes, key=lambda e: e.referral)
    return [(e, eps[i + 1].referral if i + 1 < len(eps) else None) for i, e in enumerate(eps)]


def _within(day: date, first: date, before: date | None) -> bool:
    return day >= first and (before is None or day < before)


def _in(day: date, start: date, end: date) -> bool:
    return start <= day <= end


class _Ctx:
    """The policy's timescales with a cache of due dates (the same anchors recur)."""

    def __init__(self, policy: PolicyProfile, cal: WorkingCalendar | None) -> None:
        self.policy = policy
        self.cal = cal or england_calendar()
        self._cache: dict = {}

    def due(self, key: str, start: date) -> date | None:
        ts = self.policy.timescales.get(key)
        return None if ts is None else self.due_in(ts, start)

    def due_in(self, ts: Timescale, start: date) -> date:
        got = self._cache.get((ts.key, ts.amount, ts.unit, start))
        if got is None:
            got = self._cache[(ts.key, ts.amount, ts.unit, start)] = \
                due_date(start, ts, self.cal)
        return got


def _seen_in_plan(child: ChildFacts, ep: EpisodeFacts, before: date | None,
                  ctx: _Ctx) -> list[date]:
    # WIR 2.11: only a visit where the child was seen alone, in person (or as the policy
    # says) counts; the plan's cadence starts with the plan, so a visit before it does not
    # count (as `timescales._visit`).
    start = ep.cin_plan_start
    stop = min((d for d in (ep.cin_plan_end, ep.closure, before) if d), default=None)
    return sorted({v.date for v in child.visits
                   if start <= v.date and (stop is None or v.date <= stop)
                   and restarts_visit_clock(v, ctx.policy.visits, child.dob)})


def _visit_due(child: ChildFacts, ep: EpisodeFacts, anchor: date, day: date,
               ctx: _Ctx) -> date | None:
    """The next visit after one on `anchor`, judged on `day`: the policy's timescale, or the
    frequency agreed in the plan in force that day when sooner (BEX 3, TRA; as
    `compute_deadlines`)."""
    due = ctx.due("visit", anchor)
    agreed = [(on, every) for on, every in child.plan_visits if ep.referral <= on <= day]
    every = max(agreed, key=lambda a: a[0])[1] if agreed else None
    if due is not None and every is not None:
        due = min(due, ctx.due_in(every, anchor))
    return due


def _visit_overdue(child: ChildFacts, seen: list[date], ep: EpisodeFacts, day: date,
                   ctx: _Ctx) -> bool | None:
    """Whether the visit clock is overdue on `day` (None: not subject to a plan that day, or
    a day before an imported case's record in cintui began)."""
    if not ep.plan_on(day) or not ep.known_from(day):
        return None
    anchor = max((d for d in seen if d <= day), default=ep.cin_plan_start)
    due = _visit_due(child, ep, anchor, day, ctx)
    return None if due is None else due < day


def _meetings(child: ChildFacts, ep: EpisodeFacts, before: date | None,
              kinds: tuple[str, ...]) -> list[MeetingFact]:
    return sorted((m for m in child.meetings
                   if m.held and m.kind in kinds and _within(m.date, ep.referral, before)),
                  key=lambda m: m.date)


def _review_due(prev: MeetingFact, ctx: _Ctx) -> date | None:
    # First review from the planning meeting, later ones from the last review; a meeting's own
    # next review date wins when earlier (DOMAIN.md §6, WIR 2.3; as `compute_deadlines`).
    due = ctx.due("first_review" if prev.kind in PLANNING_KINDS else "review", prev.date)
    if prev.next_review is not None and (due is None or prev.next_review < due):
        return prev.next_review
    return due


# ---------------------------------------------------------------------- compliance


def _visits(child, ep, before, start, end, ctx) -> tuple[int, int]:
    if ep.cin_plan_start is None or ctx.policy.timescales.get("visit") is None:
        return 0, 0
    seen = _seen_in_plan(child, ep, before, ctx)
    met = total = 0
    previous = ep.cin_plan_start
    for day in seen:
        if _in(day, start, end) and ep.known_from(day):  # the imported visit: its gap unknown
            total += 1
            met += day <= _visit_due(child, ep, previous, day, ctx)
        previous = day
    # The running gap: a child never visited must not look compliant (WIR 2.11, BEX 3).
    if _visit_overdue(child, seen, ep, end, ctx):
        total += 1
    return met, total


def _reviews(child, ep, before, start, end, ctx) -> tuple[int, int]:
    meetings = _meetings(child, ep, before, PLANNING_KINDS + REVIEW_KINDS)
    met = total = 0
    for prev, m in zip(meetings, meetings[1:], strict=False):
        if m.kind in REVIEW_KINDS and _in(m.date, start, end) and ep.known_from(m.date):
            due = _review_due(prev, ctx)
            if due is not None:
                total += 1
                met += m.date <= due
    # A review overdue at the end of the period counts once (BEX 3, TRA: reviews in timescale).
    held = [m for m in meetings if m.date <= end]
    if held and ep.open_on(end) and ep.known_from(end):
        due = _review_due(held[-1], ctx)
        if due is not None and due < end:
            total += 1
    return met, total


def _minutes(child, ep, before, start, end, ctx) -> tuple[int, int]:
    # BEX 3, WIR 2.3: minutes go out within the policy's timescale of the meeting; only
    # meetings whose deadline has passed by the end of the period are judged.
    met = total = 0
    for m in _meetings(child, ep, before, PLANNING_KINDS + REVIEW_KINDS):
        if not _in(m.date, start, end) or not ep.known_from(m.date):  # imported: assumed sent
            continue
        due = ctx.due("minutes", m.date)
        if due is None or due > end:
            continue
        total += 1
        met += m.minutes_circulated is not None and m.minutes_circulated <= due
    return met, total


def _initial(child, ep, before, start, end, ctx) -> tuple[int, int]:
    # BEX 3 counts from the assessment's completion, WIR 2.3 from the plan being agreed as
    # needed: the profile's `from` says which (as `timescales._initial_meeting`).
    ts = ctx.policy.timescales.get("initial_meeting")
    if ts is None:
        return 0, 0
    anchor = ep.assessment_completed if ts.anchor == "assessment_completed" \
        else ep.cin_plan_start
    met = total = 0
    for m in _meetings(child, ep, before, ("initial",)):
        if anchor is None or not _in(m.date, start, end):
            continue
        total += 1
        met += m.date <= ctx.due("initial_meeting", anchor)
    return met, total


def _supervision(child, ep, before, start, end, ctx) -> tuple[int, int]:
    """STO 4.5, 8.5; WAR 12: each supervision in the period held by its due date (the
    policy's timescale from the one before, or the date set then when sooner; before the
    first, from the plan's start, else the referral, else the import), plus one not in time
    for an episode overdue supervision at the end, as the team view counts it. Only the
    episode's own supervisions count (a re-referral starts afresh)."""
    ts = ctx.policy.timescales.get("supervision")
    if ts is None:
        return 0, 0
    anchor = ep.cin_plan_start or ep.referral
    if ep.recorded_from is not None and ep.recorded_from > anchor:
        anchor = ep.recorded_from
    due = ctx.due_in(ts, anchor)
    met = total = 0
    for held, set_for in sorted(s for s in child.supervisions
                                if _within(s[0], ep.referral, before)
                                and (ep.closure is None or s[0] <= ep.closure)):
        if held > end:
            break
        if _in(held, start, end):
            total += 1
            met += held <= due
        due = ctx.due_in(ts, held)
        if set_for is not None and set_for < due:
            due = set_for
    if ep.open_on(end) and due < end:
        total += 1
    return met, total


def _counts(child: ChildFacts, start: date, end: date, ctx: _Ctx) -> list[int]:
    """[met, total] of each measure in `COMPLIANCE_MEASURES` order, flattened."""
    out = [0] * (2 * len(COMPLIANCE_MEASURES))
    plan_at_end = False
    for ep, before in _episodes(child):
        if ep.referral > end or (ep.closure is not None and ep.closure < start):
            continue
        for i, rule in ((0, _visits), (1, _reviews), (2, _minutes), (3, _initial),
                        (5, _supervision)):
            met, total = rule(child, ep, before, start, end, ctx)
            out[2 * i] += met
            out[2 * i + 1] += total
        plan_at_end = plan_at_end or ep.plan_on(end)
    if plan_at_end:  # BEX 2, WIR 2.3, WAR 8.1: the plan in force passes the checks
        out[8] += bool(child.plan_passes)
        out[9] += 1
    return out


def _as_line(counts: list[int]) -> ComplianceLine:
    return ComplianceLine(*(Measure.of(counts[2 * i], counts[2 * i + 1])
                            for i in range(len(COMPLIANCE_MEASURES))))


def child_compliance(child: ChildFacts, start: date, end: date, policy: PolicyProfile,
                     cal: WorkingCalendar | None = None) -> ComplianceLine:
    """The compliance measures over `[start, end]` for one child."""
    return _as_line(_counts(child, start, end, _Ctx(policy, cal)))


def compliance(children: Iterable[ChildFacts], start: date, end: date,
               policy: PolicyProfile, cal: WorkingCalendar | None = None) -> Compliance:
    """The compliance measures over `[start, end]`: in total, per worker, per team. A child
    counts for its allocated worker and team (`""`: unallocated)."""
    if start > end:
        raise ValueError(f"the period starts {start} after it ends {end}")
    ctx = _Ctx(policy, cal)
    size = 2 * len(COMPLIANCE_MEASURES)
    total = [0] * size
    workers: dict[str, list] = {}
    teams: dict[str, list[int]] = {}
    for child in children:
        counts = _counts(child, start, end, ctx)
        w = workers.setdefault(child.worker, [child.worker_name, child.team, [0] * size, 0])
        w[3] += 1
        for acc in (total, w[2], teams.setdefault(child.team, [0] * size)):
            for i, n in enumerate(counts):
                acc[i] += n
    return Compliance(
        start=start, end=end, policy=policy.name, total=_as_line(total),
        by_worker={u: WorkerCompliance(u, n, t, _as_line(c), count)
                   for u, (n, t, c, count) in sorted(workers.items())},
        by_team={t: _as_line(c) for t, c in sorted(teams.items())})


def last_full_month(today: date) -> tuple[date, date]:
    """The calendar month before `today`'s: the default period of the compliance report. A
    manager at month end (or in the first days of the next) reads the month just gone, as
    the monthly performance meeting does; the financial year to date read nearly nothing in
    April (10 April: ten days, every visit "late")."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def financial_year_start(day: date) -> date:
    """1 April of `day`'s financial year."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


# The periods a report names for itself (the CLI's defaults, the app's choices).
NAMED_PERIODS = ("last_full_month", "this_month", "financial_year")


def named_period(which: str, today: date) -> tuple[date, date, str]:
    """`which` of NAMED_PERIODS as `(first, last, its name)`: "November 2026, the last full
    month", "December 2026 so far", "financial year 2026-27 to date"."""
    if which == "last_full_month":
        first, last = last_full_month(today)
        return first, last, f"{first:%B %Y}, the last full month"
    if which == "this_month":
        first = today.replace(day=1)
        return first, today, f"{first:%B %Y} so far"
    if which == "financial_year":
        first = financial_year_start(today)
        return first, today, f"financial year {first.year}-{(first.year + 1) % 100:02d} to date"
    raise ValueError(f"no such period: {which!r}")


# ---------------------------------------------------------------------- the trend


class TrendPoint(NamedTuple):
    day: date  # a Friday
    measure: Measure  # children with a plan that day whose visit clock was not overdue


def fridays(end: date, weeks: int) -> list[date]:
    """The last `weeks` Fridays, oldest first; the last is the Friday on or before `end`."""
    last = end - timedelta(days=(end.weekday() - 4) % 7)
    return [last - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]


def visit_trend(children: Iterable[ChildFacts], end: date, weeks: int = 12,
                policy: PolicyProfile | None = None, cal: WorkingCalendar | None = None, *,
                team: str | None = None, worker: str | None = None) -> list[TrendPoint]:
    """Each week's drift snapshot (WIR 2.11, WAR 9.3 "regular visits"): of the children
    subject to a CIN plan on that Friday, how many had a visit clock not overdue that day.
    `team` / `worker` (a username) narrow it."""
    if policy is None:
        raise ValueError("visit_trend needs the store's policy profile")
    ctx = _Ctx(policy, cal)
    days = fridays(end, weeks)
    met, total = [0] * len(days), [0] * len(days)
    for child in children:
        if (team is not None and child.team != team) or \
                (worker is not None and child.worker != worker):
            continue
        for ep, before in _episodes(child):
            if ep.cin_plan_start is None or ep.cin_plan_start > days[-1]:
                continue
            seen = _seen_in_plan(child, ep, before, ctx)
            for i, day in enumerate(days):
                overdue = _visit_overdue(child, seen, ep, day, ctx)
                if overdue is not None:
                    total[i] += 1
                    met[i] += not overdue
    return [TrendPoint(d, Measure.of(m, t)) for d, m, t in zip(days, met, total, strict=True)]


# ---------------------------------------------------------------------- performance

DURATION_BANDS = ("under 3 months", "3 to 6 months", "6 to 9 months", "9 months and over")


class QuarterCount(NamedTuple):
    label: str  # "2026-27 Q1" (financial year: April-June is Q1)
    start: date  # the part of the quarter inside the period
    end: date
    count: int
    year_before: int  # the same days a year earlier
    change: int
    change_percent: float | None  # None when there were none a year earlier


class MonthCount(NamedTuple):
    day: date  # a month end
    count: int


@dataclass(frozen=True)
class Caseload:
    by_worker: dict[str, tuple[str, int]]  # username -> (name, open children)
    unallocated: int
    mean: float | None
    min: int | None
    max: int | None


@dataclass(frozen=True)
class Performance:
    start: date
    end: date
    referrals: int
    quarters: list[QuarterCount]
    closures: int
    duration_bands: dict[str, int]
    stepped_down_unmet_need: Measure  # of closures
    rereferrals: int
    rereferral_bands: dict[str, int]
    rereferrals_within_12_months: int
    rereferral_rate: Measure  # re-referrals within 12 months of a closure / all referrals
    open_by_month: list[MonthCount]
    caseload: Caseload
    fgc: FgcUse | None = None  # WAR 9.3 "Increased use of Family Group Conference"
    # WAR 9.3 "Increase in the number of sustainable step downs to Early Help": of the
    # step-downs closed in the period whose 12 months have passed, those not re-referred in
    # them; the rest are too recent to tell.
    sustained_step_downs: Measure = field(default_factory=lambda: Measure.of(0, 0))
    step_downs_too_recent: int = 0


def financial_quarter(day: date) -> tuple[int, int, date, date]:
    """(year the financial year starts, quarter 1-4, first day, last day): April-June is Q1."""
    fy = day.year if day.month >= 4 else day.year - 1
    q = (day.month - 4) % 12 // 3 + 1
    first = date(fy, 4, 1)
    first = add_months(first, 3 * (q - 1))
    return fy, q, first, add_months(first, 3) - timedelta(days=1)


def _quarters(start: date, end: date) -> Iterator[tuple[str, date, date]]:
    day = start
    while day <= end:
        fy, q, _first, last = financial_quarter(day)
        yield f"{fy}-{(fy + 1) % 100:02d} Q{q}", day, min(last, end)
        day = last + timedelta(days=1)


SUSTAINED_MONTHS = 12  # a step-down is sustained when no re-referral follows in 12 months


def step_down_outcomes(children: Iterable[ChildFacts], start: date,
                       end: date) -> tuple[int, int, int]:
    """WAR 9.3, sustainable step-downs to Early Help: of the episodes closed in
    `[start, end]` stepping down to Early Help, (sustained: no referral of the child within
    `SUSTAINED_MONTHS` of the closure, judged: those whose months have passed by `end` or
    that were re-referred within them, too recent: the rest). The same 12 months as the
    re-referral rate (WAR 3.2-3.4)."""
    sustained = judged = recent = 0
    for child in children:
        referrals = sorted(e.referral for e in child.episodes)
        for e in child.episodes:
            if not e.stepped_down or e.closure is None or not _in(e.closure, start, end):
                continue
            horizon = add_months(e.closure, SUSTAINED_MONTHS)
            if any(e.closure <= r <= min(horizon, end) and r > e.referral for r in referrals):
                judged += 1  # back within the 12 months: not sustained
            elif horizon <= end:
                judged += 1
                sustained += 1
            else:
                recent += 1
    return sustained, judged, recent


def month_ends(start: date, end: date) -> list[date]:
    out, day = [], date(start.year, start.month, 1)
    while True:
        last = add_months(day, 1) - timedelta(days=1)
        if last > end:
            return out
        if last >= start:
            out.append(last)
        day = add_months(day, 1)


def duration_band(referral: date, closure: date) -> str:
    """STO 3.2: referral to closure in calendar months, banded."""
    for months, band in zip((3, 6, 9), DURATION_BANDS, strict=False):
        if closure < add_months(referral, months):
            return band
    return DURATION_BANDS[-1]


def _shift_year(d: date) -> date:
    return add_months(d, -12)


def performance(children: Iterable[ChildFacts], start: date, end: date, *,
                workers: Mapping[str, str] | None = None) -> Performance:
    """The committee measures over `[start, end]` (DOMAIN.md §8). `workers` (username ->
    name) lists the workers whose caseloads count even when empty (WAR 3.5)."""
    if start > end:
        raise ValueError(f"the period starts {start} after it ends {end}")
    children = list(children)
    referrals: list[date] = []
    closures: list[EpisodeFacts] = []
    bands = dict.fromkeys(DURATION_BANDS, 0)
    rebands = dict.fromkeys(REREFERRAL_BANDS, 0)
    within_12 = 0
    months = month_ends(start, end)
    open_counts = [0] * len(months)
    caseload: dict[str, int] = dict.fromkeys(workers or (), 0)
    names = dict(workers or {})
    unallocated = 0
    for child in children:
        eps = sorted(child.episodes, key=lambda e: e.referral)
        open_at_end = False
        for i, ep in enumerate(eps):
            referrals.append(ep.referral)
            if ep.closure is not None and _in(ep.closure, start, end):
                closures.append(ep)
                bands[duration_band(ep.referral, ep.closure)] += 1  # STO 3.2
            if _in(ep.referral, start, end):
                # WAR 3.2-3.4: a re-referral is a referral for a child with an earlier episode
                # closed on or before it; the interval runs from the latest such closure.
                closed = [e.closure for e in eps[:i]
                          if e.closure is not None and e.closure <= ep.referral]
                if closed:
                    band = rereferral_band(max(closed), ep.referral)
                    rebands[band] += 1
                    within_12 += band != REREFERRAL_BANDS[-1]
            for j, day in enumerate(months):  # WAR 3.1
                open_counts[j] += ep.open_on(day)
            open_at_end = open_at_end or ep.open_on(end)
        if open_at_end:  # WAR 3.5: open children per allocated worker
            if child.worker:
                caseload[child.worker] = caseload.get(child.worker, 0) + 1
                names.setdefault(child.worker, child.worker_name)
            else:
                unallocated += 1
    in_period = sorted(d for d in referrals if _in(d, start, end))
    quarters = []
    for label, q_start, q_end in _quarters(start, end):  # STO 3.1
        count = sum(1 for d in in_period if _in(d, q_start, q_end))
        before = sum(1 for d in referrals if _in(d, _shift_year(q_start), _shift_year(q_end)))
        quarters.append(QuarterCount(
            label, q_start, q_end, count, before, count - before,
            round(100 * (count - before) / before, 1) if before else None))
    stepped = sum(1 for e in closures if e.unmet_need_stepped_down)  # STO 3.3
    sustained, judged, recent = step_down_outcomes(children, start, end)  # WAR 9.3
    fgc = fgc_use(((c.fgcs, _episode_start(c, start, end), any(
        e.cin_plan_start is not None and e.cin_plan_start <= end
        and (e.cin_plan_end is None or e.cin_plan_end >= start)
        and (e.closure is None or e.closure >= start) for e in c.episodes))
        for c in children), start, end, (_shift_year(start), _shift_year(end)))
    loads = list(caseload.values())
    rereferrals = sum(rebands.values())
    return Performance(
        start=start, end=end, referrals=len(in_period), quarters=quarters,
        closures=len(closures), duration_bands=bands,
        stepped_down_unmet_need=Measure.of(stepped, len(closures)),
        sustained_step_downs=Measure.of(sustained, judged), step_downs_too_recent=recent,
        rereferrals=rereferrals, rereferral_bands=rebands,
        rereferrals_within_12_months=within_12,
        rereferral_rate=Measure.of(within_12, len(in_period)),
        open_by_month=[MonthCount(d, c) for d, c in zip(months, open_counts, strict=True)],
        caseload=Caseload(
            by_worker={u: (names.get(u, ""), n) for u, n in sorted(caseload.items())},
            unallocated=unallocated,
            mean=round(sum(loads) / len(loads), 1) if loads else None,
            min=min(loads) if loads else None, max=max(loads) if loads else None),
        fgc=fgc)


def _episode_start(child: ChildFacts, start: date, end: date) -> date | None:
    """The referral of the child's latest episode open in `[start, end]` (FGCs count within
    it, WAR 9.3)."""
    found = [e.referral for e in child.episodes if e.referral <= end
             and (e.closure is None or e.closure >= start)]
    return max(found) if found else None
