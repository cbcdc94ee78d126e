"""Pure rules about a child's own details (DOMAIN.md §1: under 18, unborn children included)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.child import (
    InvalidChildDetails,
    age_years,
    check_birth_dates,
    check_dates_in_order,
    check_reference,
    describe_age,
    spoken_age,
    whole_months,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "dob, expected, text",
    [
        (None, date(2027, 3, 3), "unborn (due 3 Mar 2027)"),
        (date(2026, 10, 12), None, "6 weeks"),
        (date(2026, 11, 16), None, "1 week"),
        (date(2026, 1, 23), None, "10 months"),
        (date(2024, 11, 24), None, "23 months"),
        (date(2024, 11, 23), None, "2"),
        (date(2009, 11, 24), None, "16"),
    ],
)
def test_age_reads_as_a_worker_says_it(dob, expected, text):
    assert describe_age(dob, expected, TODAY) == text


def test_dob_in_the_future_is_refused_unless_unborn():
    """DOMAIN.md §1 (WIR: midwife "if unborn"): an unborn child has an expected date instead."""
    with pytest.raises(InvalidChildDetails, match="future"):
        check_birth_dates(date(2026, 12, 1), None, TODAY)
    check_birth_dates(None, date(2026, 12, 1), TODAY)


def test_eighteen_or_over_is_not_a_child():
    """DOMAIN.md §1, s17(10): a child in need is under 18."""
    check_birth_dates(date(2008, 11, 24), None, TODAY)  # 17, eighteenth birthday tomorrow
    with pytest.raises(InvalidChildDetails, match="18"):
        check_birth_dates(date(2008, 11, 23), None, TODAY)


def test_both_or_neither_birth_date_is_refused():
    with pytest.raises(InvalidChildDetails, match="not both"):
        check_birth_dates(date(2020, 1, 1), date(2027, 1, 1), TODAY)
    with pytest.raises(InvalidChildDetails, match="date of birth"):
        check_birth_dates(None, None, TODAY)


def test_dates_must_run_in_order():
    check_dates_in_order(("referral", date(2026, 1, 1)), ("assessment", None),
                         ("plan", date(2026, 2, 1)))
    with pytest.raises(InvalidChildDetails, match="before referral"):
        check_dates_in_order(("referral", date(2026, 3, 1)), ("assessment", date(2026, 2, 1)))


@given(st.text(max_size=40))
def test_references_are_accepted_only_in_a_safe_shape(text):
    try:
        ref = check_reference(text)
    except InvalidChildDetails as exc:
        assert exc.field == "reference"
    else:
        assert 1 <= len(ref) <= 32 and ref == ref.strip()
        assert all(ch.isascii() and (ch.isalnum() or ch in "/_-") for ch in ref)


def test_an_age_in_years_reads_as_age_n_on_its_own():
    assert spoken_age("9") == "age 9"
    assert spoken_age("10 months") == "10 months"
    assert spoken_age("unborn (due 3 Mar 2027)") == "unborn (due 3 Mar 2027)"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_an_age_in_years_is_the_one_the_rules_count(dob, today):
    """The age shown ("9") is the age the rules count (`age_years`: under 18, seen alone
    from 4, a young person of 16), on every pair of days, 29 February birthdays included."""
    if dob > today:
        dob, today = today, dob
    shown = describe_age(dob, None, today)
    if shown.isdigit():
        assert int(shown) == age_years(dob, today) >= 2
    else:
        assert age_years(dob, today) < 2


@pytest.mark.parametrize(("start", "end", "months"), [
    (date(2026, 1, 31), date(2026, 2, 28), 0), (date(2026, 1, 31), date(2026, 3, 1), 1),
    (date(2024, 2, 29), date(2025, 2, 28), 11), (date(2024, 2, 29), date(2025, 3, 1), 12),
    (date(2026, 11, 23), date(2026, 11, 23), 0), (date(2025, 11, 23), date(2026, 11, 22), 11)])
def test_whole_months_are_complete_on_the_day_of_the_month(start, end, months):
    assert whole_months(start, end) == months
