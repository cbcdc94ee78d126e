"""Supervision and case direction (DOMAIN.md §11; STO 4.5 "Improve the quality of
supervision", STO 8.5 "Sharper focus on care planning during supervision preventing drift";
WAR 12, the Supervision Policy).

A manager records each supervision of a child's case: the date, who was there, what was
discussed, the decisions (the case direction), the actions with an owner and a date, and
when the next supervision is due: the policy's `supervision` timescale from this one, or
sooner when the manager sets a date. Before the first supervision the clock runs from the
CIN plan's start (or the referral while there is no plan). Only a team or service manager
records supervision (`workforce.needs_role`).

Pure: plain values in, problems and due dates out; `today` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cintui.domain.calendar import WorkingCalendar, england_calendar
from cintui.domain.dates import day_words
from cintui.domain.policy import Timescale
from cintui.domain.timescales import DueState, due_date, moved_note
from cintui.domain.workforce import MANAGER_ROLES, needs_role

SOURCE = "STO 4.5, 8.5; WAR 12"
ACTION_STATUSES = ("not_started", "in_progress", "done", "not_done")
OPEN_STATUSES = ("not_started", "in_progress")
MAX_ACTIONS = 20


@dataclass(frozen=True)
class Problem:
    """Something wrong with a supervision about to be recorded; `field` names the input."""

    field: str
    message: str


@dataclass(frozen=True)
class SupervisionAction:
    """An action agreed in supervision: who does what by when (as a plan's, WIR 2.3)."""

    what: str
    who: str
    by_when: date | None
    status: str = "not_started"
    ref: str = ""


@dataclass(frozen=True)
class SupervisionFact:
    """One supervision of the child's case, as recorded."""

    held_on: date
    manager: str  # who supervised (the manager's name)
    present: str = ""  # who else was there
    discussion: str = ""
    decisions: str = ""
    actions: tuple[SupervisionAction, ...] = ()
    next_due: date | None = None  # the date the manager set, if any
    ref: str = ""


@dataclass(frozen=True)
class SupervisionDue:
    """When the child's case is next due supervision, and why."""

    due: date
    anchor: date
    anchor_label: str  # "the last supervision (3 Nov 2026)"
    rule: str
    source: str
    state: DueState
    working_days_left: int

    @property
    def overdue(self) -> bool:
        return self.state is DueState.OVERDUE

    def describe(self, short: bool = False) -> str:
        """"overdue since 4 Dec 2026", "due soon: …", "due …"; `short` (a narrow column,
        at most 20 characters): "overdue: 4 Dec 2026", "soon: …", "today: …"."""
        when = f"{day_words(self.due)}"
        if short:
            word = {DueState.OVERDUE: "overdue", DueState.DUE_TODAY: "today",
                    DueState.DUE_SOON: "soon"}.get(self.state, "due")
            return f"{word}{':' if word != 'due' else ''} {when}"
        if self.overdue:
            return f"overdue since {when}"
        return f"{self.state.value}: {when}" if self.state is not DueState.UPCOMING \
            else f"due {when}"

    def column(self, short: bool = False) -> str:
        """`describe` for a table's column, the days under each other as the QA column's
        (`day_words(pad=True)`): the words padded to the longest, the day padded, so the
        months line up whatever the state. `short` (at most 20 characters):
        "due       4 Dec 2026", "overdue: 27 Oct 2025"; else (at most 25):
        "due            4 Dec 2026", "overdue since 27 Oct 2025"."""
        if short:
            word = {DueState.OVERDUE: "overdue:", DueState.DUE_TODAY: "today:",
                    DueState.DUE_SOON: "soon:"}.get(self.state, "due")
        else:
            word = {DueState.OVERDUE: "overdue since", DueState.UPCOMING: "due"}.get(
                self.state, f"{self.state.value}:")
        return f"{word:<{8 if short else 13}} {day_words(self.due, pad=True)}"


def policy_due(held_on: date, ts: Timescale, cal: WorkingCalendar | None = None) -> date:
    """The latest the next supervision may be: the policy's timescale from `held_on`."""
    return due_date(held_on, ts, cal or england_calendar())


def check_supervision(*, manager: str, manager_role: str, held_on: date | None,
                      present: str, discussion: str, decisions: str,
                      actions: Iterable[SupervisionAction], next_due: date | None,
                      today: date, referral: date | None, timescale: Timescale,
                      cal: WorkingCalendar | None = None) -> list[Problem]:
    """Every problem with a supervision about to be recorded, in the form's order."""
    out: list[Problem] = []
    if (refusal := needs_role(manager, manager_role, MANAGER_ROLES)) is not None:
        out.append(Problem("by", f"recording supervision {refusal} (STO 4.5, 8.5)"))
    if held_on is None:
        out.append(Problem("on", "give the date of the supervision"))
    elif held_on > today:
        out.append(Problem("on", f"{day_words(held_on)} is in the future: record a supervision "
                                 "once it has taken place"))
    elif referral is not None and held_on < referral:
        out.append(Problem("on", f"{day_words(held_on)} is before the referral ({day_words(referral)})"))
    if not present.strip():
        out.append(Problem("present", "say who was there (the worker, and anyone else)"))
    if not discussion.strip():
        out.append(Problem("discussion", "say what was discussed: the plan's progress, what "
                                         "is changing for the child (STO 8.5)"))
    if not decisions.strip():
        out.append(Problem("decisions", "record the case direction decided, with the reason "
                                        "(BEX 4: management decisions and their rationale)"))
    actions = list(actions)
    if len(actions) > MAX_ACTIONS:
        out.append(Problem("actions", f"at most {MAX_ACTIONS} actions in one supervision"))
    for i, a in enumerate(actions, start=1):
        out.extend(_action_problems(i, a, held_on))
    if next_due is not None and held_on is not None:
        latest = policy_due(held_on, timescale, cal)
        if next_due <= held_on:
            out.append(Problem("next_due", "the next supervision comes after this one"))
        elif next_due > latest:
            out.append(Problem("next_due", f"the policy says every {timescale.describe()} "
                                           f"({timescale.source}): by {day_words(latest)} at the "
                                           "latest"))
    return out


def _action_problems(i: int, a: SupervisionAction, held_on: date | None) -> list[Problem]:
    out = []
    field = f"action{i}"
    if not a.what.strip():
        out.append(Problem(field, f"action {i}: say what is to be done"))
    if not a.who.strip():
        out.append(Problem(f"{field}_who", f"action {i}: name who will do it (WIR 2.3)"))
    if a.by_when is None:
        out.append(Problem(f"{field}_by", f"action {i}: give the date it is due by (WIR 2.3)"))
    elif held_on is not None and a.by_when < held_on:
        out.append(Problem(f"{field}_by", f"action {i}: {day_words(a.by_when)} is before the "
                                          "supervision"))
    if a.status not in ACTION_STATUSES:
        out.append(Problem(f"{field}_status", f"action {i}: {a.status!r} is not one of "
                                              + ", ".join(ACTION_STATUSES)))
    return out


def supervision_due(last: SupervisionFact | None, start: date | None, ts: Timescale,
                    today: date, cal: WorkingCalendar | None = None,
                    due_soon_working_days: int = 5,
                    recorded_from: date | None = None) -> SupervisionDue | None:
    """When the next supervision is due: `ts` from the last one (or the date the manager
    set then, when sooner); before the first, `ts` from `start` (the CIN plan's start, or
    the referral), or from `recorded_from` for a case imported after it started (its
    supervisions in the old system were not carried over). None: no supervision and
    nothing to count from."""
    cal = cal or england_calendar()
    if last is None:
        if start is None:
            return None
        if recorded_from is not None and recorded_from > start:
            anchor, label = recorded_from, (f"the case's import ({day_words(recorded_from)}); "
                                            "none recorded here yet")
        else:
            anchor, label = start, f"the start of the case ({day_words(start)}); no supervision yet"
    else:
        anchor, label = last.held_on, f"the last supervision ({day_words(last.held_on)})"
    due = due_date(anchor, ts, cal)
    rule = f"within {ts.describe()} of {label}{moved_note(anchor, ts, due, cal)}"
    source = ts.source
    if last is not None and last.next_due is not None and last.next_due < due:
        due = last.next_due
        rule = f"on the date set at the supervision of {day_words(last.held_on)} " \
               f"(sooner than {ts.describe()})"
    left = cal.working_days_between(today, due)
    state = (DueState.OVERDUE if due < today else DueState.DUE_TODAY if due == today
             else DueState.DUE_SOON if left <= due_soon_working_days else DueState.UPCOMING)
    return SupervisionDue(due, anchor, label, rule, source, state, left)


def latest(facts: Iterable[SupervisionFact]) -> SupervisionFact | None:
    return max(facts, key=lambda f: f.held_on, default=None)


def open_action_numbers(facts: Iterable[SupervisionFact]) -> dict[str, int]:
    """The number each open action is updated by (`cintui supervision action CHILD N`, the
    app's `a`), by its `ref`: the child's open actions counted from the oldest supervision,
    each supervision's in the order agreed (1 first). `facts` come newest first, as listed,
    so an action's number is not its place under its supervision ("Action 1" of the newest
    supervision was open action 2 when an older one still had one, and the command marked
    the older done: STO 8.5)."""
    ordered = sorted(enumerate(facts), key=lambda p: (p[1].held_on, -p[0]))
    numbers: dict[str, int] = {}
    for _i, f in ordered:
        for a in f.actions:
            if a.status in OPEN_STATUSES:
                numbers[a.ref] = len(numbers) + 1
    return numbers
