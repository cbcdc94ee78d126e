"""England working days and calendar arithmetic (DOMAIN.md §6).

Every expected date below was worked out by hand from a printed calendar; the reasoning
is in the docstring or a comment so a reader can check it without running anything.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cintui.domain.calendar import (
    WorkingCalendar,
    add_days,
    add_months,
    add_weeks,
    england_calendar,
    england_day,
    england_time,
)

CAL = england_calendar()
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


def naive_add(cal: WorkingCalendar, d: date, n: int) -> date:
    """Reference: walk day by day (what the bisect tables must agree with)."""
    step = timedelta(days=1 if n > 0 else -1)
    while n:
        d += step
        if cal.is_working_day(d):
            n -= 1 if n > 0 else -1
    return d


# --------------------------------------------------------------- Christmas and New Year


@pytest.mark.parametrize("day, name", [
    # 2021: 25 Dec is a Saturday and 26 Dec a Sunday, so both substitute days fall on the
    # following Monday 27 and Tuesday 28; 1 Jan 2022 is a Saturday -> Monday 3 Jan.
    (date(2021, 12, 27), "Christmas Day (observed)"),
    (date(2021, 12, 28), "Boxing Day (observed)"),
    (date(2022, 1, 3), "New Year's Day (observed)"),
    # 2022: 25 Dec is a Sunday; Boxing Day (Mon 26) keeps its own day, so Christmas's
    # substitute is Tuesday 27. 1 Jan 2023 is a Sunday -> Monday 2 Jan.
    (date(2022, 12, 26), "Boxing Day"),
    (date(2022, 12, 27), "Christmas Day (observed)"),
    (date(2023, 1, 2), "New Year's Day (observed)"),
    # 2026: 25 Dec is a Friday (its own day); 26 Dec is a Saturday -> Monday 28 Dec.
    (date(2026, 12, 25), "Christmas Day"),
    (date(2026, 12, 28), "Boxing Day (observed)"),
    (date(2027, 1, 1), "New Year's Day"),
    # 2027: same shape as 2021 (Sat/Sun) -> Monday 27 and Tuesday 28.
    (date(2027, 12, 27), "Christmas Day (observed)"),
    (date(2027, 12, 28), "Boxing Day (observed)"),
])
def test_christmas_and_new_year_substitute_days_are_not_working_days(day, name):
    """DOMAIN.md §6: working days exclude bank holidays in England incl. substitute days."""
    assert not CAL.is_working_day(day)
    assert (day, name) in CAL.holidays_between(day, day)


def test_christmas_eve_and_the_days_between_are_working_days():
    """DOMAIN.md §6: only bank holidays and weekends are excluded (24, 29-31 Dec work)."""
    for day in (date(2026, 12, 24), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)):
        assert CAL.is_working_day(day)


def test_twenty_working_days_over_christmas_2026():
    """DOMAIN.md §6 (WIR 2.11's 20 working days), from Monday 14 Dec 2026.

    Dec 15-18 (4), 21-24 (8), [25 Fri Christmas, 28 Mon Boxing Day substitute], 29-31 (11),
    [1 Jan Fri New Year], Jan 4-8 (16), Jan 11-14 (20) -> Thursday 14 Jan 2027, three
    working days later than the weekday-only answer (Monday 11 Jan).
    """
    assert CAL.add_working_days(date(2026, 12, 14), 20) == date(2027, 1, 14)
    assert CAL.working_days_between(date(2026, 12, 14), date(2027, 1, 14)) == 20


def test_ten_working_days_over_christmas_2021():
    """DOMAIN.md §6: from Friday 17 Dec 2021. Dec 20-24 (5), [27, 28 substitutes],
    Dec 29-31 (8), [3 Jan New Year substitute], Jan 4-5 (10) -> Wednesday 5 Jan 2022."""
    assert CAL.add_working_days(date(2021, 12, 17), 10) == date(2022, 1, 5)


def test_five_working_days_over_christmas_2022():
    """DOMAIN.md §6: from Friday 23 Dec 2022. [26 Boxing Day, 27 Christmas substitute],
    Dec 28-30 (3), [2 Jan New Year substitute], Jan 3-4 (5) -> Wednesday 4 Jan 2023."""
    assert CAL.add_working_days(date(2022, 12, 23), 5) == date(2023, 1, 4)


def test_christmas_2027_substitutes_skip_to_wednesday():
    """DOMAIN.md §6: Friday 24 Dec 2027 + 1 working day: 25-26 weekend, 27-28 substitutes
    -> Wednesday 29 Dec."""
    assert CAL.add_working_days(date(2027, 12, 24), 1) == date(2027, 12, 29)


# --------------------------------------------------------------- Easter and May-August


@pytest.mark.parametrize("before, after, good_friday, easter_monday", [
    # 2026: Good Friday 3 Apr, Easter Monday 6 Apr: Thursday 2 Apr + 1 -> Tuesday 7 Apr.
    (date(2026, 4, 2), date(2026, 4, 7), date(2026, 4, 3), date(2026, 4, 6)),
    # 2027: Good Friday 26 Mar, Easter Monday 29 Mar: Thursday 25 Mar + 1 -> Tuesday 30 Mar.
    (date(2027, 3, 25), date(2027, 3, 30), date(2027, 3, 26), date(2027, 3, 29)),
])
def test_easter_takes_four_days_out(before, after, good_friday, easter_monday):
    """DOMAIN.md §6: Good Friday and Easter Monday are bank holidays in England."""
    assert not CAL.is_working_day(good_friday)
    assert not CAL.is_working_day(easter_monday)
    assert CAL.add_working_days(before, 1) == after
    assert CAL.working_days_between(before, after) == 1


@pytest.mark.parametrize("day", [
    date(2026, 5, 4), date(2026, 5, 25), date(2026, 8, 31),  # early May, spring, summer 2026
    date(2027, 5, 3), date(2027, 5, 31), date(2027, 8, 30),  # and 2027 (all Mondays)
])
def test_may_spring_and_summer_bank_holidays(day):
    """DOMAIN.md §6: the three Monday bank holidays; Friday before + 1 -> Tuesday after."""
    assert day.weekday() == 0 and not CAL.is_working_day(day)
    assert CAL.add_working_days(day - timedelta(days=3), 1) == day + timedelta(days=1)


@pytest.mark.parametrize("day", [
    date(2022, 6, 2), date(2022, 6, 3),  # spring bank holiday moved + Platinum Jubilee
    date(2022, 9, 19),  # state funeral of Queen Elizabeth II
    date(2023, 5, 8),  # coronation of King Charles III
])
def test_one_off_bank_holidays(day):
    """DOMAIN.md §6: one-off bank holidays count too (they come from `holidays`)."""
    assert not CAL.is_working_day(day)


# --------------------------------------------------------------- the API's edges


def test_weekends_are_not_working_days():
    """DOMAIN.md §6: Monday to Friday only (Sat 21 / Sun 22 Nov 2026)."""
    assert CAL.is_working_day(date(2026, 11, 20))
    assert not CAL.is_working_day(date(2026, 11, 21))
    assert not CAL.is_working_day(date(2026, 11, 22))


def test_adding_from_a_non_working_day_counts_from_the_next():
    """The nth working day strictly after d, d itself need not be one: Sat 21 Nov 2026
    + 1 -> Mon 23; + 5 -> Fri 27."""
    assert CAL.add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)
    assert CAL.add_working_days(date(2026, 11, 21), 5) == date(2026, 11, 27)


def test_zero_working_days_is_today_or_the_next_working_day():
    assert CAL.add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)
    assert CAL.add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 23)  # Sat -> Mon
    assert CAL.add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 29)  # Fri hol -> Tue


def test_negative_working_days_go_backwards_over_holidays():
    """Tue 29 Dec 2026 - 1 -> Thu 24 Dec (25 Fri, weekend, 28 Mon substitute skipped);
    Sat 2 Jan 2027 - 1 -> Thu 31 Dec 2026 (1 Jan is New Year's Day)."""
    assert CAL.add_working_days(date(2026, 12, 29), -1) == date(2026, 12, 24)
    assert CAL.add_working_days(date(2027, 1, 2), -1) == date(2026, 12, 31)
    assert CAL.add_working_days(date(2027, 1, 14), -20) == date(2026, 12, 14)


def test_a_calendar_due_date_on_a_non_working_day_is_the_working_day_before():
    """DOMAIN.md §11: Fri 25 Dec 2026 (Christmas Day) -> Thu 24 Dec; Mon 28 Dec (Boxing Day
    substitute) -> Thu 24 Dec too; Sat 2 Jan 2027 -> Thu 31 Dec (1 Jan is New Year's Day);
    a working day stays. Where the day before is not after the start (Sun 29 Nov 2026 from
    Fri 27 Nov), the working day after: Mon 30 Nov."""
    start = date(2026, 11, 1)
    assert CAL.working_day_for(date(2026, 12, 25), start) == date(2026, 12, 24)
    assert CAL.working_day_for(date(2026, 12, 28), start) == date(2026, 12, 24)
    assert CAL.working_day_for(date(2027, 1, 2), start) == date(2026, 12, 31)
    assert CAL.working_day_for(date(2026, 11, 23), start) == date(2026, 11, 23)
    assert CAL.working_day_for(date(2026, 11, 29), date(2026, 11, 27)) == date(2026, 11, 30)


def test_working_days_between_counts_the_half_open_interval():
    """(start, end]: Fri 24 Dec 2021 to Wed 29 Dec 2021 holds only the 29th (27, 28 are
    substitutes); the other way round it is negative; equal dates give 0."""
    assert CAL.working_days_between(date(2021, 12, 24), date(2021, 12, 29)) == 1
    assert CAL.working_days_between(date(2021, 12, 29), date(2021, 12, 24)) == -1
    assert CAL.working_days_between(date(2021, 12, 29), date(2021, 12, 29)) == 0
    assert CAL.working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1  # Fri -> Mon


def test_holidays_between_lists_names_inclusive_and_in_order():
    assert CAL.holidays_between(date(2026, 12, 20), date(2027, 1, 5)) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Boxing Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2027, 1, 1), "New Year's Day"),
    ]
    assert CAL.holidays_between(date(2026, 12, 26), date(2026, 12, 25)) == [
        (date(2026, 12, 25), "Christmas Day"), (date(2026, 12, 26), "Boxing Day"),
    ]
    assert CAL.holidays_between(date(2026, 11, 1), date(2026, 11, 30)) == []


def test_local_closure_days_are_not_working_days():
    """An authority may close its offices on extra days (e.g. Christmas Eve)."""
    cal = WorkingCalendar(extra_closures=[date(2026, 12, 24)])
    assert not cal.is_working_day(date(2026, 12, 24))
    assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)
    assert (date(2026, 12, 24), "Local closure") in cal.holidays_between(
        date(2026, 12, 24), date(2026, 12, 24))
    assert CAL.is_working_day(date(2026, 12, 24))  # the shared calendar is unaffected


def test_the_table_grows_to_distant_years_on_demand():
    """Built lazily per span of years: far-apart questions still agree with a day walk."""
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2026, 6, 1), 3) == date(2026, 6, 4)
    assert cal.add_working_days(date(1995, 1, 2), 10) == naive_add(cal, date(1995, 1, 2), 10)
    far = cal.add_working_days(date(2026, 6, 1), 2_000)  # about 8 years ahead
    assert far == naive_add(cal, date(2026, 6, 1), 2_000)
    assert cal.working_days_between(date(2026, 6, 1), far) == 2_000
    assert cal.add_working_days(far, -2_000) == date(2026, 6, 1)


def test_england_calendar_is_a_shared_singleton():
    assert england_calendar() is england_calendar()


# --------------------------------------------------------------- calendar arithmetic


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 11, 30), 3, date(2027, 2, 28)),  # DOMAIN.md §6: 30 Nov + 3 months = 28 Feb
    (date(2027, 11, 30), 3, date(2028, 2, 29)),  # ... 29 Feb in a leap year
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 3, 31), 6, date(2026, 9, 30)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),  # annual review from a leap day
    (date(2026, 5, 31), -3, date(2026, 2, 28)),
    (date(2026, 3, 2), 3, date(2026, 6, 2)),
])
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    """DOMAIN.md §6: "within 3 months" is calendar-month arithmetic."""
    assert add_months(start, months) == expected


def test_days_and_weeks_are_calendar_days():
    """DOMAIN.md §6: "days" without "working" are calendar days (BEX 3: 10 days, 4 weeks)."""
    assert add_days(date(2026, 12, 20), 10) == date(2026, 12, 30)
    assert add_weeks(date(2026, 12, 14), 4) == date(2027, 1, 11)
    assert add_days(date(2026, 3, 1), -1) == date(2026, 2, 28)


# --------------------------------------------------------------- properties


@given(dates)
def test_is_working_day_matches_the_holidays_package(d):
    england = holidays.country_holidays("GB", subdiv="ENG", years=d.year)
    assert CAL.is_working_day(d) == (d.weekday() < 5 and d not in england)


@given(dates, st.integers(min_value=1, max_value=600))
def test_adding_working_days_lands_on_a_working_day(d, n):
    assert CAL.is_working_day(CAL.add_working_days(d, n))
    assert CAL.is_working_day(CAL.add_working_days(d, -n))


@given(dates, st.integers(min_value=1, max_value=600))
def test_working_days_between_inverts_adding(d, n):
    assert CAL.working_days_between(d, CAL.add_working_days(d, n)) == n
    # Going back is exact when counting from a working day ((start, end] is half-open).
    w = CAL.add_working_days(d, 0)
    assert CAL.working_days_between(w, CAL.add_working_days(w, -n)) == -n


@given(dates, st.integers(min_value=-60, max_value=60))
def test_bisect_tables_agree_with_a_day_by_day_walk(d, n):
    expected = naive_add(CAL, d, n) if n else (d if CAL.is_working_day(d) else naive_add(CAL, d, 1))
    assert CAL.add_working_days(d, n) == expected


@given(dates, st.integers(min_value=-300, max_value=300),
       st.integers(min_value=-300, max_value=300))
def test_adding_working_days_is_monotone(d, a, b):
    a, b = min(a, b), max(a, b)
    earlier, later = CAL.add_working_days(d, a), CAL.add_working_days(d, b)
    assert earlier <= later
    # Strictly, except that from a non-working day 0 and 1 both give the next working day.
    if a < b and (CAL.is_working_day(d) or (a, b) != (0, 1)):
        assert earlier < later


def test_zero_and_one_agree_only_from_a_non_working_day():
    saturday = date(2026, 11, 21)
    assert CAL.add_working_days(saturday, 0) == CAL.add_working_days(saturday, 1)


@given(dates, dates)
def test_working_days_between_is_antisymmetric_and_bounded(a, b):
    forward = CAL.working_days_between(a, b)
    assert forward == -CAL.working_days_between(b, a)
    assert abs(forward) <= abs((b - a).days)


def naive_between(cal: WorkingCalendar, start: date, end: date) -> int:
    """Reference: working days in (start, end] counted one day at a time (minus those in
    (end, start] when end is earlier)."""
    lo, hi = min(start, end), max(start, end)
    count = sum(cal.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    return count if end >= start else -count


# Calendars of this module's own (not the shared one), asked across every example: each
# remembers its answers from the first ask on, and its table grows as far dates are asked.
_OWN = (WorkingCalendar(), WorkingCalendar(extra_closures=[date(2026, 12, 24)]))


# No deadline: a far date grows a calendar's table (a few years of holidays), slower on a
# busy machine than hypothesis's 200 ms; timing belongs in bench/.
@settings(deadline=None)
@given(st.dates(min_value=date(2018, 1, 1), max_value=date(2032, 12, 31)),
       st.lists(st.integers(min_value=-400, max_value=400), min_size=1, max_size=8))
def test_working_days_left_remembered_agree_with_a_day_by_day_count(today, offsets):
    """DOMAIN.md §6: the working days left to a due date (weekends and England's bank
    holidays, substitute days included, left out) are the same when a calendar is asked
    again from its remembered answers, after its table grew to other years, and with an
    authority's own closure day."""
    for cal in _OWN:
        for offset in offsets * 2:  # each asked twice: the second from the remembered count
            due = today + timedelta(days=offset)
            assert cal.working_days_between(today, due) == naive_between(cal, today, due)
        far = cal.add_working_days(today, 3_000)  # the table grows: an answer still holds
        for offset in offsets:
            due = today + timedelta(days=offset)
            assert cal.working_days_between(today, due) == naive_between(cal, today, due)
        assert cal.working_days_between(today, far) == 3_000


def test_a_closure_day_counts_out_of_the_working_days_left():
    """DOMAIN.md §6 with an authority's closure (Christmas Eve 2026, a Thursday): from
    Monday 21 December to Tuesday 29 December is 22, 23 and 29 December (24 closed, 25 and
    28 the bank holidays): 3 working days; on the shared calendar 4."""
    closed = WorkingCalendar(extra_closures=[date(2026, 12, 24)])
    assert closed.working_days_between(date(2026, 12, 21), date(2026, 12, 29)) == 3
    assert closed.working_days_between(date(2026, 12, 21), date(2026, 12, 29)) == 3
    assert CAL.working_days_between(date(2026, 12, 21), date(2026, 12, 29)) == 4


@given(st.datetimes(min_value=datetime(1840, 1, 1), max_value=datetime(2100, 12, 31)))
def test_a_visits_day_in_england_is_its_wall_clock_day(at):
    """WIR 2.11: the visit clock counts from the day a visit happened in England. The
    quick answer (the UTC day before 23:00, since 1972) is the zone's own, every year from
    before railway time (1847) through double summer time (1941-1947, 2 hours ahead)."""
    assert england_day(at) == england_time(at).date()


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 12, 31)),
       st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))]))
def test_a_visits_day_read_with_its_zone_is_the_day_in_england(at, zone):
    """A server gives instants with their zone: the day is England's, not that zone's."""
    at = at.replace(tzinfo=zone)
    assert england_day(at) == england_time(at).date()


def test_a_visit_late_in_the_evening_in_summer_is_the_next_day_in_utc():
    """WIR 2.11: 23:30 UTC on 1 July 2026 is 00:30 on 2 July in British Summer Time (the day
    the visit counts from); the same hour on 1 December (GMT) stays 1 December, as does
    22:59 UTC in summer (23:59 here)."""
    assert england_day(datetime(2026, 7, 1, 23, 30)) == date(2026, 7, 2)
    assert england_day(datetime(2026, 12, 1, 23, 30)) == date(2026, 12, 1)
    assert england_day(datetime(2026, 7, 1, 22, 59)) == date(2026, 7, 1)
