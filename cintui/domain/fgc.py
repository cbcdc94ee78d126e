"""Family Group Conferences (DOMAIN.md §11; WAR 4.2 "ensure strengths of wider family and
friends are utilised through family group conferences"; WAR 9.3 "Increased use of Family
Group Conference"; STO 6.13 the families "identify their own solutions and formulate their
own safety plan"; STO 7.5 expand the FGC service to Child in Need cases).

An FGC is referred (to a coordinator), then held or declined. When held, the family's own
plan is recorded and its actions join the child's CIN plan as one need ("one coordinated
plan", BEX 2, STO 2.3): the family's plan is integrated, not kept beside it. The
performance report counts FGC use (WAR 9.3).

Pure: plain values in, problems, the joined need and counts out; `today` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cintui.domain.dates import day_words
from cintui.domain.plan import Need, PlanAction

STATUSES = ("referred", "held", "declined")
STATUS_LABELS = {"referred": "referred", "held": "held", "declined": "declined by the family"}
MAX_ACTIONS = 20


@dataclass(frozen=True)
class FgcFact:
    """One Family Group Conference for a child."""

    referred_on: date
    status: str = "referred"  # STATUSES
    referred_by: str = ""
    coordinator: str = ""
    held_on: date | None = None
    declined_on: date | None = None
    family_plan: str = ""  # the family's own plan, in their words (held)
    reason: str = ""  # why declined
    plan_version: int | None = None  # the CIN plan version its actions joined
    ref: str = ""

    def describe(self) -> str:
        if self.status == "held" and self.held_on:
            return f"held {day_words(self.held_on)}"
        if self.status == "declined" and self.declined_on:
            return f"declined {day_words(self.declined_on)}"
        return f"referred {day_words(self.referred_on)}" + \
            (f" to {self.coordinator}" if self.coordinator else "")


def check_referral(on: date | None, today: date, referral: date | None,
                   open_fgc: FgcFact | None) -> list[tuple[str, str]]:
    """A referral to the FGC service: dated (not in the future, not before the child's
    referral); one at a time (an open referral is held or declined first)."""
    out = []
    if open_fgc is not None:
        out.append(("child", f"an FGC was referred on {day_words(open_fgc.referred_on)} and is not "
                             "held or declined yet: record that first (`cintui fgc edit` "
                             "changes its coordinator or date)"))
    if on is None:
        out.append(("on", "give the date of the referral to the FGC service"))
    elif on > today:
        out.append(("on", f"{day_words(on)} is in the future"))
    elif referral is not None and on < referral:
        out.append(("on", f"{day_words(on)} is before the child's referral ({day_words(referral)})"))
    return out


def check_held(held_on: date | None, referred_on: date, today: date, family_plan: str,
               actions: Iterable[PlanAction]) -> list[tuple[str, str]]:
    """The conference held: its date (after the referral, not in the future), the family's
    plan in their words, and each of its actions with who and by when (WIR 2.3)."""
    out = []
    if held_on is None:
        out.append(("on", "give the date the conference was held"))
    elif held_on > today:
        out.append(("on", f"{day_words(held_on)} is in the future: record it once it is held"))
    elif held_on < referred_on:
        out.append(("on", f"{day_words(held_on)} is before the referral ({day_words(referred_on)})"))
    if not family_plan.strip():
        out.append(("family_plan", "write the family's plan as they made it (STO 6.13)"))
    actions = list(actions)
    if not actions:
        out.append(("actions", "the family's plan says who will do what by when: give at "
                               "least one action (WIR 2.3)"))
    if len(actions) > MAX_ACTIONS:
        out.append(("actions", f"at most {MAX_ACTIONS} actions"))
    for i, a in enumerate(actions, start=1):
        if not a.what.strip():
            out.append((f"action{i}", f"action {i}: say what is to be done"))
        if not a.who.strip():
            out.append((f"action{i}_who", f"action {i}: name who will do it (WIR 2.3)"))
        if a.by_when is None:
            out.append((f"action{i}_by", f"action {i}: give the date (WIR 2.3)"))
        elif held_on is not None and a.by_when < held_on:
            out.append((f"action{i}_by", f"action {i}: {day_words(a.by_when)} is before the "
                                         "conference"))
    return out


def check_declined(on: date | None, referred_on: date, today: date,
                   reason: str) -> list[tuple[str, str]]:
    out = []
    if on is None or on > today or on < referred_on:
        out.append(("on", "give the date the family declined (after the referral, not in "
                          "the future)"))
    if not reason.strip():
        out.append(("reason", "say why, in the family's words if they gave them"))
    return out


def family_plan_need(held_on: date, family_plan: str,
                     actions: Iterable[PlanAction]) -> Need:
    """The family's plan as one need of the CIN plan (BEX 2: one coordinated plan): a
    strength to build on (WAR 4.2: the wider family's strengths), its actions column 3."""
    return Need(
        now=f"The family made their own plan at a Family Group Conference on "
            f"{day_words(held_on)}: {' '.join(family_plan.split())}",
        outcome="Everyone in the family plan does what they agreed, by the dates agreed, "
                "and the family tells us at each visit how it is going.",
        actions=tuple(actions), rag="G", kind="strength")


@dataclass(frozen=True)
class FgcUse:
    """WAR 9.3 "Increased use of Family Group Conference", over a period."""

    referred: int  # referrals to the FGC service in the period
    held: int  # conferences held in the period
    declined: int
    held_year_before: int  # held in the same days a year earlier
    children_in_need: int  # children subject to a CIN plan at some time in the period
    children_with_fgc: int  # of them, with a conference held in their episode by the end

    @property
    def change(self) -> int:
        return self.held - self.held_year_before


def fgc_use(facts: Iterable[tuple[Iterable[FgcFact], date | None, bool]], start: date,
            end: date, year_before: tuple[date, date]) -> FgcUse:
    """`facts`: per child, its FGCs, the start of its episode in the period (None: none),
    and whether it was subject to a CIN plan in the period."""
    referred = held = declined = before = in_need = with_fgc = 0
    for fgcs, episode_start, had_plan in facts:
        fgcs = list(fgcs)
        referred += sum(start <= f.referred_on <= end for f in fgcs)
        held += sum(f.held_on is not None and start <= f.held_on <= end for f in fgcs)
        declined += sum(f.declined_on is not None and start <= f.declined_on <= end
                        for f in fgcs)
        before += sum(f.held_on is not None and year_before[0] <= f.held_on <= year_before[1]
                      for f in fgcs)
        if had_plan:
            in_need += 1
            with_fgc += any(f.held_on is not None and f.held_on <= end
                            and (episode_start is None or f.held_on >= episode_start)
                            for f in fgcs)
    return FgcUse(referred, held, declined, before, in_need, with_fgc)
