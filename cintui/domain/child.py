"""Pure rules about a child's own details: age, unborn children, date checks."""

from __future__ import annotations

import re
from datetime import date

from cintui.domain.calendar import add_months
from cintui.domain.dates import day_words

ADULT_AGE = 18  # s17(10) Children Act 1989: a child is under 18

# A case's status (`child.status`) as a worker reads it; the codes stay in JSON.
STATUS_LABELS = {
    "referral": "Referral",
    "assessment": "Assessment",
    "cin_plan": "CIN plan",
    "closed": "Closed",
}


class InvalidChildDetails(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def age_years(dob: date, today: date) -> int:
    """Whole years of age (a birthday on 29 Feb comes on 1 Mar in other years)."""
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def comes_of_age(dob: date, age: int = ADULT_AGE) -> date:
    """The birthday on which a child born on `dob` is `age` (the 18th: no longer a child,
    s17(10)); one born on 29 Feb has it on 1 Mar in a year without one, as `age_years`."""
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return date(dob.year + age, 3, 1)


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (a month is complete on the day of the month
    `start` fell on: 31 January to 28 February is 0, to 1 March 1)."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def describe_age(dob: date | None, expected_dob: date | None, today: date) -> str:
    """What a worker says: "unborn (due 3 Mar 2027)", "7 weeks", "10 months", "9"."""
    if dob is None:
        if expected_dob is None:
            return "?"
        return f"unborn (due {day_words(expected_dob)})"
    months = whole_months(dob, today)
    if months >= 24:
        return str(months // 12)  # as age_years: a 29 February birthday comes on 1 March
    if months >= 3:
        return f"{months} months"
    weeks = (today - dob).days // 7
    return f"{weeks} weeks" if weeks != 1 else "1 week"


def spoken_age(age: str) -> str:
    """A `describe_age` standing alone in a sentence: "age 9", "10 months", "unborn (…)"."""
    return f"age {age}" if age.isdigit() else age


def is_unborn(dob: date | None, expected_dob: date | None) -> bool:
    return dob is None and expected_dob is not None


def check_birth_dates(dob: date | None, expected_dob: date | None, today: date) -> None:
    """DOB not in the future unless unborn; a child in need is under 18 (s17(10))."""
    if dob is None and expected_dob is None:
        raise InvalidChildDetails("dob", "give a date of birth, or an expected date if unborn")
    if dob is not None and expected_dob is not None:
        raise InvalidChildDetails("expected_dob", "give a date of birth or an expected date, not both")
    if dob is not None:
        if dob > today:
            raise InvalidChildDetails(
                "dob", f"{day_words(dob)} is in the future; for an unborn child give --expected-dob"
            )
        if age_years(dob, today) >= ADULT_AGE:
            raise InvalidChildDetails("dob", f"{day_words(dob)} makes them 18 or over: not a child")
    if expected_dob is not None and expected_dob < add_months(today, -1):
        raise InvalidChildDetails(
            "expected_dob", f"{day_words(expected_dob)} has passed; record the date of birth"
        )


def check_sex(sex: str, dob: date | None, expected_dob: date | None) -> None:
    """The census records no sex before birth: an unborn child's sex is U (DfE 8750)."""
    if dob is None and expected_dob is not None and sex != "U":
        raise InvalidChildDetails("sex", "an unborn child's sex is U (unknown) until the birth")


def check_dates_in_order(*pairs: tuple[str, date | None]) -> None:
    """Each named date must be on or after the one before it (referral → assessment → ...)."""
    last_name, last = None, None
    for name, value in pairs:
        if value is None:
            continue
        if last is not None and value < last:
            raise InvalidChildDetails(
                name, f"{day_words(value)} is before {last_name} ({day_words(last)})"
            )
        last_name, last = name, value


_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,31}$")


def check_reference(reference: str) -> str:
    ref = reference.strip()
    if not _REFERENCE.match(ref):
        raise InvalidChildDetails(
            "reference", f"{reference!r} must be 1-32 letters, digits, '-', '/' or '_'"
        )
    return ref
