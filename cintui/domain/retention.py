"""Storage limitation (UK GDPR Art. 5(1)(e)): how long a closed record is kept, and which
records are due for a manager's review.

A closed child's record is kept until the later of the child's birthday at the policy's
`retain_until_age` (25 by default: what council retention schedules commonly set for
children in need records) and `retain_years_after_closure` after the case closed. From that
day it is listed for review; a manager decides whether it is erased (casework.privacy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cintui.domain.calendar import add_months
from cintui.domain.dates import day_words
from cintui.domain.policy import PrivacyRules


@dataclass(frozen=True)
class RetentionFact:
    """One closed child's record and when its retention ends."""

    child_id: object
    reference: str
    name: str
    born: date | None  # the date of birth, or the expected date for an unborn child
    closed_on: date | None
    keep_until: date | None  # None: not closed, or no date to count from
    worker: str = ""

    def due(self, today: date) -> bool:
        return self.keep_until is not None and today >= self.keep_until


def keep_until(born: date | None, closed_on: date | None, rules: PrivacyRules) -> date | None:
    """The day a closed record's retention ends (a 29 February birthday falls on the 28th
    in other years); None for a record that is not closed or has no date of birth."""
    if closed_on is None or born is None:
        return None
    birthday = add_months(born, 12 * rules.retain_until_age)  # as relativedelta(years=n)
    after_closure = add_months(closed_on, 12 * rules.retain_years_after_closure)
    return max(birthday, after_closure)


def describe(rules: PrivacyRules) -> str:
    """"until the child's 25th birthday" (and "and at least 2 years after closure")."""
    n = rules.retain_until_age
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    text = f"until the child's {n}{suffix} birthday"
    years = rules.retain_years_after_closure
    if years:
        text += f", and at least {years} year{'s' if years != 1 else ''} after the case closed"
    return text


def check_erasure(reason: str, *, status: str, keep: date | None, today: date) -> str | None:
    """Why a record may not be erased now (one line), or None."""
    if not reason.strip():
        return "give the reason for erasing the record (it is kept with the decision)"
    if status != "closed":
        return "the case is open: only a closed record past its retention can be erased"
    if keep is None:
        return "the record has no closure date to count its retention from"
    if today < keep:
        return f"the record is kept until {day_words(keep)} (its retention has not ended)"
    return None
