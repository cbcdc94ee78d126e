"""Child protection facts for a child in need (Working Together 2023; DOMAIN.md §3: a Red
need or a deteriorating case means considering a strategy discussion and s47 enquiry, BEX
3): the strategy discussion and its outcome, the section 47 enquiry it decides, and the
initial child protection conference (ICPC): its target date (15 working days from the
strategy discussion, the policy's `icpc` clock) and when it was held, or that none was
needed. The rules here are the ones a worker is told at once, so that nothing recorded
breaks the DfE's census rules for the Section47 module (1104, 2889, 8615, 8868, 8870Q,
8875). Pure: no I/O, no clock (`today` passed in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cintui.domain.chronology import ChronologyEntry
from cintui.domain.dates import day_words

STRATEGY_OUTCOMES = {"s47": "Section 47 enquiry", "no_s47": "No section 47 enquiry"}
S47_OUTCOMES = {"icpc": "Initial child protection conference",
                "no_icpc": "No conference needed"}


class InvalidChildProtection(ValueError):
    """A child protection fact that cannot be recorded: one line, the field and why."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Enquiry:
    """What is recorded so far of one strategy discussion and what followed it."""

    strategy_on: date
    strategy_outcome: str  # STRATEGY_OUTCOMES
    s47_started: date | None = None
    icpc_target: date | None = None
    s47_outcome: str = ""  # "", or S47_OUTCOMES
    s47_concluded: date | None = None
    icpc_held: date | None = None

    @property
    def open(self) -> bool:
        """A discussion that decided an enquiry whose outcome is not yet known."""
        return self.strategy_outcome == "s47" and not self.s47_outcome

    def describe(self) -> str:
        parts = [f"strategy discussion {_day(self.strategy_on)}: "
                 f"{STRATEGY_OUTCOMES[self.strategy_outcome].lower()}"]
        if self.s47_started:
            parts.append(f"s47 started {_day(self.s47_started)}")
        if self.icpc_held:
            parts.append(f"ICPC held {_day(self.icpc_held)}")
        elif self.s47_outcome == "no_icpc":
            parts.append(f"no conference needed ({_day(self.s47_concluded)})")
        elif self.icpc_target and self.s47_started:
            parts.append(f"ICPC due by {_day(self.icpc_target)}")
        return "; ".join(parts)


def _day(d: date | None) -> str:
    return day_words(d, "—")


def next_record(latest: Enquiry | None) -> str:
    """What a worker records next about child protection on the current episode, from its
    latest strategy discussion: "strategy" (a discussion; none open), "s47" (the enquiry a
    discussion decided starts) or "outcome" (the ICPC held, or that none is needed)."""
    if latest is None or not latest.open:
        return "strategy"
    return "s47" if latest.s47_started is None else "outcome"


def _not_future(field: str, d: date, today: date) -> None:
    if d > today:
        raise InvalidChildProtection(field, f"{day_words(d)} is in the future")


def _weekday(field: str, d: date, what: str) -> None:
    if d.weekday() >= 5:
        raise InvalidChildProtection(field, f"{day_words(d)} is a {d:%A}: {what} is on a "
                                     "working day (DfE census)")


def check_strategy(on: date, outcome: str, referral: date, closed: date | None,
                   today: date, previous: Enquiry | None = None) -> None:
    """A strategy discussion on the child's current episode: on or after the referral, not
    in the future, not after the case closed, and not while an enquiry is still open (the
    DfE allows one open section 47 enquiry at a time: 8839, 8890)."""
    if outcome not in STRATEGY_OUTCOMES:
        raise InvalidChildProtection("outcome", f"{outcome!r} is not one of: "
                                     + ", ".join(k.replace("_", "-") for k in STRATEGY_OUTCOMES))
    _not_future("on", on, today)
    if on < referral:
        raise InvalidChildProtection("on", f"{day_words(on)} is before the referral "
                                     f"({day_words(referral)})")
    if closed is not None:
        raise InvalidChildProtection("child", f"the case closed on {day_words(closed)}: "
                                     "re-refer the child first")
    if previous is not None and previous.open and outcome == "s47":
        raise InvalidChildProtection(
            "on", f"the section 47 enquiry decided on {day_words(previous.strategy_on)} has "
            "no outcome yet: record its ICPC or that none is needed first")


def check_s47_start(enquiry: Enquiry | None, started: date, today: date) -> None:
    """The enquiry starts on or after the strategy discussion that decided it (2889)."""
    if enquiry is None or enquiry.strategy_outcome != "s47":
        raise InvalidChildProtection("child", "no strategy discussion has decided a section 47 "
                                     "enquiry: record it first (x on the case steps, or "
                                     "cintui cp strategy)")
    if enquiry.s47_started is not None:
        raise InvalidChildProtection("started", "the section 47 enquiry decided on "
                                     f"{day_words(enquiry.strategy_on)} started on "
                                     f"{day_words(enquiry.s47_started)}")
    _not_future("started", started, today)
    if started < enquiry.strategy_on:
        raise InvalidChildProtection("started", f"{day_words(started)} is before the strategy "
                                     f"discussion ({day_words(enquiry.strategy_on)})")


def check_icpc_target(enquiry: Enquiry, target: date) -> None:
    """A target date for the conference: after the discussion, on a working day (8870Q)."""
    if target < enquiry.strategy_on:
        raise InvalidChildProtection("target", f"{day_words(target)} is before the strategy "
                                     f"discussion ({day_words(enquiry.strategy_on)})")
    _weekday("target", target, "the conference target")


def check_outcome(enquiry: Enquiry | None, outcome: str, on: date, today: date) -> None:
    """The enquiry's outcome: the ICPC held on a working day on or after the enquiry's
    start (8615, 8875), or no conference needed; one or the other, once (8868)."""
    if enquiry is None or enquiry.s47_started is None:
        raise InvalidChildProtection("child", "no section 47 enquiry has started: record its "
                                     "start first (x on the case steps, or cintui cp "
                                     "s47)")
    if enquiry.s47_outcome:
        raise InvalidChildProtection("child", "the enquiry started on "
                                     f"{day_words(enquiry.s47_started)} already has its "
                                     f"outcome: {S47_OUTCOMES[enquiry.s47_outcome].lower()}")
    if outcome not in S47_OUTCOMES:
        raise InvalidChildProtection("outcome", f"{outcome!r} is not one of: "
                                     + ", ".join(S47_OUTCOMES))
    field = "held" if outcome == "icpc" else "not-required"
    _not_future(field, on, today)
    if on < enquiry.s47_started:
        raise InvalidChildProtection(field, f"{day_words(on)} is before the section 47 "
                                     f"enquiry started ({day_words(enquiry.s47_started)})")
    if outcome == "icpc":
        _weekday(field, on, "a conference")


def enquiry_entries(enquiries: Iterable[tuple[Enquiry, str, str, str]]) -> list[ChronologyEntry]:
    """The chronology's lines for each (enquiry, who recorded it, notes, row id): the
    strategy discussion and its outcome, the enquiry starting, the conference or that none
    was needed."""
    out: list[ChronologyEntry] = []
    for q, who, notes, ref in enquiries:
        out.append(ChronologyEntry(q.strategy_on, "protection", "Strategy discussion: "
                                   f"{STRATEGY_OUTCOMES[q.strategy_outcome].lower()}",
                                   who=who, detail=notes, ref=ref))
        if q.s47_started:
            target = f" (ICPC target {day_words(q.icpc_target)})" if q.icpc_target else ""
            out.append(ChronologyEntry(q.s47_started, "protection",
                                       f"Section 47 enquiry started{target}", who=who, ref=ref))
        if q.icpc_held:
            out.append(ChronologyEntry(q.icpc_held, "protection",
                                       "Initial child protection conference held", who=who,
                                       ref=ref))
        elif q.s47_outcome == "no_icpc" and q.s47_concluded:
            out.append(ChronologyEntry(q.s47_concluded, "protection", "Section 47 enquiry "
                                       "concluded: no child protection conference needed",
                                       who=who, ref=ref))
    return out
