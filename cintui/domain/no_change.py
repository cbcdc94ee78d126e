"""WIR 2.3: "If a Child in Need Plan fails to bring about significant positive change in a
child's circumstances ... the professionals involved should discuss convening a Child
Protection Case Conference." The rule, apart from `domain.plan` so that a command reading
it (`cintui child show`) does not build the plan's dataclasses. Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import date

from cintui.domain.calendar import add_months
from cintui.domain.dates import day_words

# Read here as: two reviews' worth of the plan (3 months each,
# the usual interval) with a worry still Red or Amber and no need's rating better.
NO_CHANGE_MONTHS = 6
_SEVERITY = {"R": 2, "A": 1, "G": 0}


def improved(previous: str | None, rating: str) -> bool:
    """A rating better than the one before it (Red to Amber or Green, Amber to Green)."""
    return previous in _SEVERITY and rating in _SEVERITY and \
        _SEVERITY[rating] < _SEVERITY[previous]


def no_positive_change(worries: bool, plan_started: date | None, today: date,
                       changes: list[date] | tuple[date, ...] = ()) -> date | None:
    """WIR 2.3: the day since which the plan has brought no positive change when that is
    `NO_CHANGE_MONTHS` or more and a worry is still Red or Amber (`worries`); else None.
    `changes`: the days a need was rated better (`improved`, any need of the child's, one
    since removed from the plan too), and the days a child protection conference was
    considered or a strategy discussion held: each starts the months again."""
    if plan_started is None or not worries:
        return None
    since = max([plan_started, *changes])
    return since if add_months(since, NO_CHANGE_MONTHS) <= today else None


def no_change_prompt(since: date,
                     record_it: str = "D: a decision, \"Child protection conference "
                                      "considered\"") -> str:
    """The words of WIR 2.3's prompt; `record_it`: how to record the discussion where the
    prompt is read (the app's key, or a command)."""
    return (f"No need has improved since {day_words(since)} (WIR 2.3: a plan that "
            "fails to bring about significant positive change): discuss convening a child "
            f"protection conference with the professionals, and record it ({record_it}).")
