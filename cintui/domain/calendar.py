"""Working days in England, and calendar arithmetic for timescales.

DOMAIN.md §6: "working days" are Monday-Friday excluding bank holidays in England,
including substitute ("observed") days and one-off holidays (e.g. the 2022 state
funeral). The holidays come from the `holidays` package, never a hand-typed list.

Speed matters: the caseload computes deadlines for thousands of children, so each
calendar keeps a sorted array of working-day ordinals for a span of years, built
lazily, and answers every question with `bisect` (O(log n), no day-by-day loops).
"""

from __future__ import annotations

import functools
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, timedelta

LOCAL_CLOSURE = "Local closure"
_MARGIN_YEARS = 2  # built around the years asked about, so nearby questions reuse the table
_COUNTS_KEPT = 1 << 16  # working_days_between's answers a calendar keeps (then starts again)


HolidaySource = Callable[[int, int], Mapping[date, str]]


def package_holidays(first: int, last: int) -> dict[date, str]:
    """England's bank holidays for the years first..last, from the `holidays` package."""
    import holidays  # ~40 ms with its first use: imported only when a table is built

    england = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    return {d: str(name) for d, name in england.items()}


_source: HolidaySource = package_holidays


def set_holiday_source(source: HolidaySource) -> None:
    """Where bank holidays come from (the app passes a cache of the package's answers)."""
    global _source
    _source = source
    england_calendar.cache_clear()


class _Table:
    """Working days for the years first..last, immutable once built (safe to share)."""

    def __init__(self, first: int, last: int, closures: frozenset[date]) -> None:
        self.first, self.last = first, last
        names = dict(_source(first, last))
        for d in closures:
            if first <= d.year <= last:
                names.setdefault(d, LOCAL_CLOSURE)
        self.names = names
        start, end = date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal()
        self.ordinals = [
            o for o in range(start, end + 1)
            if (o + 6) % 7 < 5 and date.fromordinal(o) not in names  # (o+6)%7 == weekday()
        ]

    def covers(self, first: int, last: int) -> bool:
        return self.first <= first and last <= self.last


class WorkingCalendar:
    """England working days, optionally minus an authority's own closure days."""

    def __init__(self, extra_closures: Iterable[date] = ()) -> None:
        self._closures = frozenset(extra_closures)
        self._table: _Table | None = None
        self._lock = threading.Lock()
        # (start, end) -> working days in (start, end]. A due list asks from the same today
        # to the same few hundred due dates ~13,000 times for 5,000 children; the answer
        # never changes (a table only ever grows, and a new holiday source is a new calendar).
        self._counts: dict[tuple[date, date], int] = {}

    # ------------------------------------------------------------------ table

    def _cover(self, first: int, last: int) -> _Table:
        table = self._table
        if table is not None and table.covers(first, last):
            return table
        with self._lock:
            table = self._table
            if table is None or not table.covers(first, last):
                lo, hi = first - _MARGIN_YEARS, last + _MARGIN_YEARS
                if table is not None:
                    lo, hi = min(lo, table.first), max(hi, table.last)
                table = _Table(max(lo, MINYEAR), min(hi, MAXYEAR), self._closures)
                self._table = table
            return table

    # ------------------------------------------------------------------ questions

    def is_working_day(self, d: date) -> bool:
        table = self._cover(d.year, d.year)
        return d.weekday() < 5 and d not in table.names

    def add_working_days(self, d: date, n: int) -> date:
        """n > 0: the nth working day strictly after d (d need not be a working day).
        n == 0: d if it is a working day, else the next one. n < 0: the |n|th before d."""
        if n == 0:
            return d if self.is_working_day(d) else self.add_working_days(d, 1)
        o = d.toordinal()
        # About 253 working days a year: cover enough years first, widen if still short.
        span = abs(n) // 250 + 1
        first, last = (d.year, d.year + span) if n > 0 else (d.year - span, d.year)
        while True:
            table = self._cover(max(first, MINYEAR), min(last, MAXYEAR))
            ords = table.ordinals
            index = bisect_right(ords, o) + n - 1 if n > 0 else bisect_left(ords, o) + n
            if 0 <= index < len(ords):
                return date.fromordinal(ords[index])
            if (n > 0 and table.last == MAXYEAR) or (n < 0 and table.first == MINYEAR):
                raise OverflowError(f"{n} working days from {d} is outside the calendar")
            first, last = (first, last + span) if n > 0 else (first - span, last)

    def working_day_for(self, due: date, start: date) -> date:
        """DOMAIN.md §11: a date counted in calendar days, weeks or months from `start` that
        lands on a weekend or bank holiday is due on the working day before it, unless that
        is not after `start` (2 days from a Friday): then the working day after it."""
        if self.is_working_day(due):
            return due
        before = self.add_working_days(due, -1)
        return before if before > start else self.add_working_days(due, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative (minus those in (end, start]) if end < start."""
        counts = self._counts
        found = counts.get((start, end))
        if found is not None:
            return found
        table = self._cover(min(start, end).year, max(start, end).year)
        ords = table.ordinals
        found = bisect_right(ords, end.toordinal()) - bisect_right(ords, start.toordinal())
        if len(counts) >= _COUNTS_KEPT:
            counts.clear()
        counts[(start, end)] = found
        return found

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Bank holidays (and local closures) from start to end inclusive, weekends included."""
        start, end = min(start, end), max(start, end)
        table = self._cover(start.year, end.year)
        return sorted((d, name) for d, name in table.names.items() if start <= d <= end)


@functools.cache
def _england_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/London")


def england_time(at: datetime) -> datetime:
    """A stored instant as the wall-clock time in England, without a zone. A time without a
    zone is taken as UTC (SQLite hands instants back that way): a visit at 00:30 in British
    Summer Time is 23:30 the day before in UTC, and counts as the day it happened here."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(_england_zone()).replace(tzinfo=None)


_ONE_HOUR_AHEAD_SINCE = 1972  # England's clocks since: GMT, or BST an hour ahead (earlier: +2, LMT)


def england_day(at: datetime) -> date:
    """The day in England of a stored instant (`england_time(at).date()`): the day a visit
    happened there, which the visit clock counts from (WIR 2.11). Since 1972 England is
    never more than an hour ahead of UTC, nor behind it, so an instant stored without a zone
    (UTC) before 23:00 is that same day; only the hour before midnight UTC needs the zone
    (a due list's ~5,000 visits, each ~4 µs through `zoneinfo`)."""
    if at.tzinfo is None and at.hour < 23 and at.year >= _ONE_HOUR_AHEAD_SINCE:
        return at.date()
    return england_time(at).date()


def from_england_time(at: datetime) -> datetime:
    """A wall-clock time in England (no zone) as a UTC instant, for storing."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=_england_zone())
    return at.astimezone(UTC)


def add_days(d: date, n: int) -> date:
    return d + timedelta(days=n)


def add_weeks(d: date, n: int) -> date:
    return d + timedelta(weeks=n)


def add_months(d: date, n: int) -> date:
    """Calendar months, clamped to the month's end (DOMAIN.md §6: 30 Nov + 3 months = 28 Feb).

    Plain arithmetic (as `relativedelta(months=n)`, a tenth of its cost: reports call it
    for every episode)."""
    months = d.month - 1 + n
    year, month = d.year + months // 12, months % 12 + 1
    return d.replace(year=year, month=month, day=min(d.day, _month_days(year, month)))


def counted_end(start: date, amount: int, unit: str) -> date | None:
    """The calendar end of `amount` days, weeks or months from `start` (None: working days,
    which only a calendar counts)."""
    if unit == "working_days":
        return None
    if unit == "days":
        return add_days(start, amount)
    if unit == "weeks":
        return add_weeks(start, amount)
    if unit == "months":
        return add_months(start, amount)
    raise ValueError(f"unknown unit {unit!r}")


def due_after(start: date, amount: int, unit: str,
              calendar: WorkingCalendar | None = None) -> date:
    """The day `amount` `unit` (working_days, days, weeks, months) from `start` ends
    (DOMAIN.md §6). One counted in calendar days, weeks or months that lands on a weekend
    or bank holiday is due on the working day before it (DOMAIN.md §11: no review is due on
    Christmas Day)."""
    cal = calendar or england_calendar()
    counted = counted_end(start, amount, unit)
    if counted is None:
        return cal.add_working_days(start, amount)
    return cal.working_day_for(counted, start)


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@functools.cache
def england_calendar() -> WorkingCalendar:
    """The one shared England calendar (its tables are built once per process)."""
    return WorkingCalendar()
