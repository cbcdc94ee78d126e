"""A day as workers and councils write it in minutes and plans (WIR 2.6: every agreed
action says by when).

`read_day(text, on)` reads one day; `on` is the day the words were written (the meeting's
date) and settles the words that need it:

- 18/12/2026, 18-12-2026, 18.12.26, 2026-12-18;
- 18/12 or 18 Dec without a year: the next 18 December on or after `on`;
- 18 Dec 2026, 18th December, 18-Dec-2026, Dec 18 2026;
- Fri, Friday: the next Friday after `on`; today, tomorrow;
- a weekday before a date ("Fri 18/12/2026") is checked against it;
- a leading "by" ("by Fri", "by 18/12/2026") is read as the deadline it is.

Anything else ("end of term", "ASAP", "next week") is refused with `NotADay`, whose
`problem` says why and how to write the day. Pure: no clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
EXAMPLES = "18/12/2026, 18/12, 18 Dec or Fri"

_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?(?:[\s,-]+(\d{2}|\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{2}|\d{4}))?$")
_LEADING = re.compile(r"^(?:by|on)(?:\s+|$)")


class NotADay(ValueError):
    """Words that are not one day of the calendar, with why and how to write it."""

    def __init__(self, text: str, problem: str) -> None:
        self.text = text
        self.problem = problem
        super().__init__(problem)


def _weekday(word: str) -> int | None:
    """0 for "mon", "monday"; None for anything else ("m" and "t" say too little)."""
    if len(word) < 3:
        return None
    return next((i for i, name in enumerate(WEEKDAYS) if name.startswith(word)), None)


def _month(word: str) -> int | None:
    """1 for "jan", "january"; "sept" too."""
    if len(word) < 3:
        return None
    return next((i for i, name in enumerate(MONTHS, start=1) if name.startswith(word)), None)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _day(raw: str, year: int | None, month: int, day: int, on: date) -> date:
    """The day, or with no year the next one on or after `on`."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            raise NotADay(raw, f"“{raw}” is not a day of the calendar") from None
    for y in range(on.year, on.year + 9):  # 29 February waits for a leap year
        try:
            found = date(y, month, day)
        except ValueError:
            continue
        if found >= on:
            return found
    raise NotADay(raw, f"“{raw}” is not a day of the calendar")


def _dated(raw: str, text: str, on: date) -> date | None:
    """A day written with numbers or a month's name; None when it is not written so."""
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _day(raw, year, month, day, on)
    if match := _NUMERIC.match(text):
        day, month, year = match.groups()
        return _day(raw, _year(year), int(month), int(day), on)
    for pattern, order in ((_DAY_MONTH, (0, 1)), (_MONTH_DAY, (1, 0))):
        if match := pattern.match(text):
            groups = match.groups()
            month = _month(groups[order[1]])
            if month is None:
                return None
            return _day(raw, _year(groups[2]), month, int(groups[order[0]]), on)
    return None


def read_day(text: str, on: date) -> date:
    """The day `text` means when written on `on`; `NotADay` says why it is not one."""
    raw = " ".join(text.split())
    words = _LEADING.sub("", raw.lower()).rstrip(".,;")
    if not words:
        raise NotADay(raw, "no date: write the day, e.g. " + EXAMPLES)
    if words in ("today", "tomorrow"):
        return on + timedelta(days=words == "tomorrow")
    first, _, rest = words.partition(" ")
    weekday = _weekday(first.rstrip(".,"))
    if weekday is not None and not rest:  # the next one after the day it was written
        return on + timedelta(days=(weekday - on.weekday() - 1) % 7 + 1)
    found = _dated(raw, rest if weekday is not None else words, on)
    if found is None:
        raise NotADay(raw, f"“{raw}” is not a date: write the day, e.g. {EXAMPLES}")
    if weekday is not None and found.weekday() != weekday:
        raise NotADay(raw, f"{day_text(found)} is a {WEEKDAYS[found.weekday()].title()}, "
                      f"not a {WEEKDAYS[weekday].title()}")
    return found


_TYPED_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_TYPED_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
TYPED_EXAMPLES = "23/11/2026, 23112026, 23 Nov 2026 or 2026-11-23"


def typed_date(text: str) -> date | None:
    """A whole date as a worker types it in a form's box (a birth, a referral, a visit):
    23/11/2026 (or with dots or hyphens), 23112026 as typed on a number pad, 23 Nov 2026,
    2026-11-23; blank is None. The year is always given: a form's date may be years back.
    `ValueError` says how to type it."""
    raw = " ".join(text.split())
    if not raw:
        return None
    day = month = year = None
    if match := (_TYPED_NUMERIC.match(raw) or _TYPED_COMPACT.match(raw)):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif (match := _DAY_MONTH.match(raw.lower())) and match.group(3) and len(match.group(3)) == 4:
        day, month, year = int(match.group(1)), _month(match.group(2)), int(match.group(3))
    if day is not None and month is not None and year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValueError(f"{raw} is not a date: type it as {TYPED_EXAMPLES}")


_SHORT_MONTHS = tuple(name[:3].title() for name in MONTHS)


def day_words(d: date | None, empty: str = "", *, pad: bool = False) -> str:
    """"3 Dec 2026": a day as the app's screens, messages and the worker's documents write
    it (`empty` for none). In English whatever the locale, and without strftime: a due list
    writes thousands. (Copied as `_day` into some thirty modules once.) `pad` for a table's
    column: " 3 Dec 2026", so "3" and "13" line up under each other."""
    if d is None:
        return empty
    if pad:
        return f"{d.day:>2} {_SHORT_MONTHS[d.month - 1]} {d.year}"
    return f"{d.day} {_SHORT_MONTHS[d.month - 1]} {d.year}"


def day_short(d: date | None, empty: str = "", *, pad: bool = False) -> str:
    """"3 Dec": `day_words` without the year, where a column or a line has no room for it
    and the year goes without saying (a caseload's last visit, this week's due list); `pad`
    as `day_words`'s (" 3 Dec" in a column)."""
    if d is None:
        return empty
    if pad:
        return f"{d.day:>2} {_SHORT_MONTHS[d.month - 1]}"
    return f"{d.day} {_SHORT_MONTHS[d.month - 1]}"


def day_long(d: date | None, empty: str = "") -> str:
    """"3 November 2026": a day as a family reads it in a plan, minutes or a letter (GOV.UK
    style: no leading zero, the month in full), where the app's screens write `day_words`."""
    if d is None:
        return empty
    return f"{d.day} {MONTHS[d.month - 1].title()} {d.year}"


_SHORT_DAY = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(_SHORT_MONTHS)}) (\d{{4}})\b")
_LONG_DAY = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(m.title() for m in MONTHS)}) (\d{{4}})\b")


def days_in_full(text: str) -> str:
    """`text` with each day the app wrote as `day_words` ("3 Nov 2026") written as
    `day_long` ("3 November 2026"): for words the app built for a screen (a check's
    problem, a meeting's name) when a family's document quotes them."""
    return _SHORT_DAY.sub(lambda m: f"{m[1]} {MONTHS[_SHORT_MONTHS.index(m[2])].title()} "
                                    f"{m[3]}", text)


def days_abbreviated(text: str) -> str:
    """`days_in_full` undone: "3 November 2026" as "3 Nov 2026" (a document read back)."""
    return _LONG_DAY.sub(lambda m: f"{m[1]} {m[2][:3]} {m[3]}", text)


def day_text(d: date) -> str:
    """"Fri 18 Dec 2026": the day read back, weekday first, in words no one misreads."""
    return f"{WEEKDAYS[d.weekday()][:3].title()} {d.day} {MONTHS[d.month - 1][:3].title()} " \
           f"{d.year}"


def wall_clock(day: date, real: datetime) -> datetime:
    """Now, when the app or a command is told the day is `day` (`--today`) and the real
    clock reads `real`: the real time on the real day; the end of `day` when it is already
    past (the whole day has happened, so anything recorded on it happened before "now",
    whatever the real time of day); on a day still to come, the real time of day on it."""
    if real.date() == day:
        return real
    if day < real.date():
        return datetime.combine(day, time(23, 59))
    return datetime.combine(day, real.time())


__all__ = ["EXAMPLES", "MONTHS", "TYPED_EXAMPLES", "NotADay", "WEEKDAYS", "day_short",
           "day_long", "day_text", "day_words", "days_abbreviated", "days_in_full", "read_day",
           "typed_date", "wall_clock"]


YEARS = (1900, 2199)  # the dates cintui takes (a census year, a date of birth)


def given_today(text: str, what: str) -> tuple[date, datetime | None]:
    """`--today` or CINTUI_TODAY as (day, moment): a date (YYYY-MM-DD) gives (day, None);
    a date and time ('YYYY-MM-DD HH:MM', in England, no zone) stops the clock there. Raises
    `ValueError` with one line naming `what`."""
    text = text.strip()
    if len(text) > 10:  # more than YYYY-MM-DD: a time as well
        try:
            at = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{what}: {text!r} is not a date and time; use "
                             "'YYYY-MM-DD HH:MM'") from None
        if at.tzinfo is not None:
            raise ValueError(f"{what}: give the time in England without a zone, "
                             "'YYYY-MM-DD HH:MM'")
        day, moment = at.date(), at.replace(second=0, microsecond=0)
    else:
        try:
            day, moment = date.fromisoformat(text), None
        except ValueError:
            raise ValueError(f"{what}: {text!r} is not a date; use YYYY-MM-DD") from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"{what}: {text!r} is not a date cintui can use: give a year from "
                         f"{YEARS[0]} to {YEARS[1]}")
    return day, moment
