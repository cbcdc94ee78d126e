"""A day as written in minutes and plans (WIR 2.6: every agreed action says by when).

The meeting below is on Wednesday 2 December 2026 (checked on a printed calendar: 1 Dec 2026
is a Tuesday), so "Fri" is Friday 4 December and "18/12" is 18 December 2026.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.dates import NotADay, day_text, read_day, typed_date, wall_clock

MEETING = date(2026, 12, 2)  # a Wednesday
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31))


@pytest.mark.parametrize("text, day", [
    ("18/12/2026", date(2026, 12, 18)),
    ("by 18/12/2026", date(2026, 12, 18)),
    ("By 18/12/2026.", date(2026, 12, 18)),
    ("18-12-2026", date(2026, 12, 18)),
    ("18.12.26", date(2026, 12, 18)),
    ("2026-12-18", date(2026, 12, 18)),
    ("18/12", date(2026, 12, 18)),
    ("by 18/12", date(2026, 12, 18)),
    ("18-Dec-2026", date(2026, 12, 18)),
    ("18 Dec", date(2026, 12, 18)),
    ("18th December 2026", date(2026, 12, 18)),
    ("December 18, 2026", date(2026, 12, 18)),
    ("by 14 March", date(2027, 3, 14)),  # March has passed in 2026: the next one
    ("14 Sept 2027", date(2027, 9, 14)),
    ("Fri 18/12/2026", date(2026, 12, 18)),
    ("by Fri", date(2026, 12, 4)),
    ("friday", date(2026, 12, 4)),
    ("Mon", date(2026, 12, 7)),
    ("Wed", date(2026, 12, 9)),  # the meeting is on a Wednesday: a week today
    ("today", MEETING),
    ("tomorrow", date(2026, 12, 3)),
])
def test_the_forms_councils_write_are_read_as_the_day_they_mean(text, day):
    assert read_day(text, MEETING) == day


def test_a_day_and_month_is_the_next_one_on_or_after_the_meeting():
    assert read_day("02/12", MEETING) == MEETING
    assert read_day("01/12", MEETING) == date(2027, 12, 1)
    assert read_day("29/02", MEETING) == date(2028, 2, 29)  # the next leap year


@pytest.mark.parametrize("text", ["end of term", "by end of term", "ASAP", "next week",
                                  "ongoing", "TBC", "half term", "by the review"])
def test_vague_words_are_refused_with_how_to_write_the_day(text):
    with pytest.raises(NotADay) as refused:
        read_day(text, MEETING)
    assert refused.value.problem == (f"“{text}” is not a date: write the day, e.g. "
                                     "18/12/2026, 18/12, 18 Dec or Fri")


def test_days_that_do_not_exist_and_weekdays_that_do_not_match_are_refused():
    with pytest.raises(NotADay, match="“31/02/2027” is not a day of the calendar"):
        read_day("31/02/2027", MEETING)
    with pytest.raises(NotADay, match="Thu 17 Dec 2026 is a Thursday, not a Friday"):
        read_day("Fri 17/12/2026", MEETING)
    with pytest.raises(NotADay, match="no date"):
        read_day("by ", MEETING)


def test_the_day_is_read_back_weekday_first():
    assert day_text(date(2026, 12, 4)) == "Fri 4 Dec 2026"


@given(dates, dates)
def test_a_full_date_in_every_written_form_is_that_day(day, on):
    for text in (f"{day:%d/%m/%Y}", f"by {day.day}-{day:%b-%Y}", day.isoformat(),
                 f"{day:%A} {day.day} {day:%B %Y}", day_text(day)):
        assert read_day(text, on) == day, text


@given(dates, dates)
def test_a_day_without_a_year_is_never_before_the_meeting_and_within_a_year(day, on):
    if (day.month, day.day) == (2, 29):
        return
    found = read_day(f"{day.day}/{day.month}", on)
    assert (found.month, found.day) == (day.month, day.day)
    assert on <= found < on.replace(year=on.year + 1) if (on.month, on.day) != (2, 29) \
        else on <= found


@given(dates, st.integers(0, 6))
def test_a_weekday_is_the_next_one_after_the_meeting(on, weekday):
    name = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[weekday]
    found = read_day(f"by {name}", on)
    assert found.weekday() == weekday and on < found <= on + timedelta(days=7)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1)),
       st.integers(-400, 400))
def test_now_on_a_day_given_with_today_does_not_depend_on_the_real_time_of_day(real, apart):
    """`--today` a past day: anything at any time on it has happened (a visit recorded
    for it is never "in the future" because the command ran before that hour); the real
    day: the real time; a day to come: the real time of day on it."""
    day = real.date() + timedelta(days=apart)
    now = wall_clock(day, real)
    assert now.date() == day
    if apart == 0:
        assert now == real
    elif apart < 0:
        assert now == datetime.combine(day, time(23, 59))
        assert all(datetime.combine(day, time(h, m)) <= now for h in range(24) for m in (0, 59))
    else:
        assert now.time() == real.time()


@pytest.mark.parametrize("text, day", [
    ("23/11/2026", date(2026, 11, 23)), ("3/1/2019", date(2019, 1, 3)),
    ("23.11.2026", date(2026, 11, 23)), ("23-11-2026", date(2026, 11, 23)),
    ("23112026", date(2026, 11, 23)), ("02052017", date(2017, 5, 2)),
    ("23 Nov 2026", date(2026, 11, 23)), ("23rd November 2026", date(2026, 11, 23)),
    (" 2026-11-23 ", date(2026, 11, 23)),
])
def test_a_date_typed_in_a_form_box(text, day):
    """A form's date (a birth, a referral) as workers type it: with slashes, dots or
    hyphens, without them on a number pad, or with the month's name."""
    assert typed_date(text) == day


@pytest.mark.parametrize("text", ["23/11/26", "2311", "20261123", "31/02/2026", "23 Nov",
                                  "Fri", "next week"])
def test_a_form_date_without_a_whole_day_is_refused_saying_how_to_type_it(text):
    """A form's date may be years back, so a date without its year in full is not guessed
    (a two-digit year, "23 Nov", a weekday), nor a day the calendar does not have."""
    with pytest.raises(ValueError, match="is not a date: type it as 23/11/2026, 23112026"):
        typed_date(text)


def test_a_blank_form_date_is_no_date():
    assert typed_date("  ") is None


def test_day_words_is_the_one_way_a_day_is_written_on_screen():
    """"3 Dec 2026" (no leading zero, English month whatever the locale); none is blank, or
    what the caller says ("—"). One helper: some thirty modules had their own copy."""
    from cintui.domain.dates import day_words

    assert day_words(date(2026, 12, 3)) == "3 Dec 2026"
    assert day_words(date(2027, 1, 31)) == "31 Jan 2027"
    assert day_words(None) == "" and day_words(None, "—") == "—"
    assert [day_words(date(2026, m, 1)).split()[1] for m in range(1, 13)] == [
        f"{date(2026, m, 1):%b}" for m in range(1, 13)]


def test_day_short_is_day_words_without_the_year():
    """"3 Dec", never "03 Dec": the caseload's Seen column wrote "03 Dec" where the child's
    record wrote "3 Dec 2026"."""
    from cintui.domain.dates import day_short, day_words

    assert day_short(date(2026, 12, 3)) == "3 Dec"
    assert day_short(None) == "" and day_short(None, "—") == "—"
    assert all(day_words(d).startswith(day_short(d) + " ")
               for d in (date(2026, 1, 1), date(2027, 9, 30)))


def test_day_long_is_how_a_family_reads_a_day():
    """"3 November 2026" (GOV.UK style: no leading zero, the month in full, English whatever
    the locale) in a plan, minutes or a letter; the screens keep `day_words`."""
    from cintui.domain.dates import day_long

    assert day_long(date(2026, 11, 3)) == "3 November 2026"
    assert day_long(date(2027, 9, 30)) == "30 September 2027"
    assert day_long(None) == "" and day_long(None, "not set") == "not set"
    assert [day_long(date(2026, m, 1)).split()[1] for m in range(1, 13)] == [
        f"{date(2026, m, 1):%B}" for m in range(1, 13)]


def test_days_in_full_rewrites_each_day_the_app_wrote_and_nothing_else():
    """A check's problem or a meeting's name, built for a screen, quoted in a family's
    document: each "3 Nov 2026" in full; a month with no day, a day with no year, a word
    that starts like a month are left; `days_abbreviated` undoes it."""
    from cintui.domain.dates import days_abbreviated, days_in_full

    built = "Need 1, action 2 was due 13 Nov 2026 (24 days ago); agreed at CIN review 3 Sep 2026"
    full = ("Need 1, action 2 was due 13 November 2026 (24 days ago); agreed at CIN review "
            "3 September 2026")
    assert days_in_full(built) == full and days_abbreviated(full) == built
    for kept in ("Nov 2026", "3 Nov", "3 Novices 2026", "2 May 2026", "13 November 2026"):
        assert days_in_full(kept) == kept


@given(st.dates(date(1900, 1, 1), date(2199, 12, 31)))
def test_days_in_full_is_day_long_of_day_words(d):
    from cintui.domain.dates import day_long, day_words, days_abbreviated, days_in_full

    assert days_in_full(f"on {day_words(d)}.") == f"on {day_long(d)}."
    assert days_abbreviated(day_long(d)) == day_words(d)


def test_a_padded_day_lines_up_in_a_column():
    """A table's column writes " 3 Dec" under "13 Dec" (the caseload's Seen said "3 Dec" a
    column left of "13 Dec"); a sentence never pads."""
    from cintui.domain.dates import day_short, day_words

    assert day_short(date(2026, 12, 3), pad=True) == " 3 Dec"
    assert day_short(date(2026, 12, 13), pad=True) == "13 Dec"
    assert day_words(date(2026, 12, 3), pad=True) == " 3 Dec 2026"
    assert day_words(date(2026, 12, 13), pad=True) == "13 Dec 2026"
    assert day_words(None, "—", pad=True) == "—" and day_short(None, pad=True) == ""
    assert day_words(date(2026, 12, 3)) == "3 Dec 2026"
