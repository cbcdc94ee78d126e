"""Short breaks and direct payments for a disabled child (DOMAIN.md §11): WAR 7.1 (the CwDT
works with children who have a disability), WAR 7.2.1 ("an annual review of the direct
payment"), WAR 4.2 (direct payments so families "take control of the support they need"),
TRA (the Complex and Additional Needs team, its Short Break Duty statement), BEX (the Short
Breaks Procedure). Hand-worked dates."""

from __future__ import annotations

from datetime import date

import pytest

from cintui.domain import short_breaks as sb
from cintui.domain.calendar import england_calendar
from cintui.domain.due import ChildRef, PackageReview, package_items
from cintui.domain.policy import Timescale
from cintui.domain.timescales import DueState

TODAY = date(2026, 11, 23)  # a Monday
YEAR = Timescale("direct_payment_review", 12, "months", "WAR 7.2.1")
SB_YEAR = Timescale("short_break_review", 12, "months", "England default (cf. WAR 7.2.1)")


def fields(problems) -> list[str]:
    return [p.field for p in problems]


def words(problems) -> str:
    return " | ".join(p.message for p in problems)


def short_break(**changes):
    values = dict(provider="Rainbow House", kind="overnight", hours=8.0, per="month",
                  started=date(2026, 10, 1), review_due=None, birth=date(2017, 5, 2),
                  timescale=SB_YEAR)
    return sb.check_short_break(**{**values, **changes})


def direct_payment(**changes):
    values = dict(amount_pence=12050, period="four_weeks", managed_by="Jo Ward (mother)",
                  started=date(2025, 11, 3), review_due=None, birth=date(2017, 5, 2),
                  timescale=YEAR)
    return sb.check_direct_payment(**{**values, **changes})


def test_war_7_1_short_breaks_and_direct_payments_are_a_disabled_childs():
    """WAR 7.1: the CwDT works with families where a child has a disability: a child with no
    disability recorded is refused, naming how to record one."""
    assert sb.check_disabled(True, "short breaks") == []
    (problem,) = sb.check_disabled(False, "direct payments")
    assert problem.field == "child"
    assert "direct payments here are for a disabled child (WAR 7.1)" in problem.message
    assert "cintui child circumstances --disability" in problem.message


def test_war_7_a_short_break_names_provider_type_and_hours_a_week_or_a_month():
    """WAR 7 / TRA CAN team: a package says who provides it, its type and how many hours."""
    assert short_break() == []
    assert fields(short_break(provider="  ")) == ["provider"]
    assert "'weekly' is not one of overnight, day, community, other" in words(
        short_break(kind="weekly"))
    assert fields(short_break(hours=0)) == ["hours"]
    assert fields(short_break(hours=None)) == ["hours"]
    assert "169 hours a week is more than there are (168)" in words(
        short_break(hours=169, per="week"))
    assert short_break(hours=744, per="month") == []
    assert fields(short_break(per="fortnight")) == ["per"]
    assert "before the child's birth (2 May 2017)" in words(short_break(
        started=date(2017, 1, 1)))
    assert fields(short_break(started=None)) == ["start"]


def test_war_7_2_1_a_review_date_set_is_within_the_interval_from_the_start():
    """WAR 7.2.1 "an annual review": a review set at the start is after it and no later than
    12 months on (1 Oct 2027 is a Friday: that day)."""
    assert short_break(review_due=date(2027, 4, 1)) == []
    assert short_break(review_due=date(2027, 10, 1)) == []
    late = short_break(review_due=date(2027, 10, 4))
    assert fields(late) == ["review"]
    assert "reviewed at least every 12 months (England default (cf. WAR 7.2.1)): by 1 Oct " \
           "2027 at the latest" in words(late)
    assert "after the start" in words(short_break(review_due=date(2026, 10, 1)))


def test_war_7_2_1_the_annual_review_falls_on_the_working_day_before_a_weekend():
    """WAR 7.2.1 with DOMAIN.md §11: 12 months from Sun 1 Nov 2025 lands on Sun 1 Nov 2026:
    due Fri 30 Oct 2026; from Tue 25 Dec 2025 -> Fri 25 Dec 2026 is Christmas Day: Thu 24."""
    assert sb.latest_review_due(date(2025, 11, 1), YEAR) == date(2026, 10, 30)
    assert sb.latest_review_due(date(2025, 12, 25), YEAR) == date(2026, 12, 24)


def test_war_4_2_a_direct_payment_has_an_amount_a_period_and_who_manages_it():
    """WAR 4.2: families take control of the support they need through direct payments: the
    amount a period and who manages the money; WAR 7.2.1: reviewed within 12 months."""
    assert direct_payment() == []
    assert fields(direct_payment(amount_pence=0)) == ["amount"]
    assert fields(direct_payment(amount_pence=None)) == ["amount"]
    assert "is more than £100,000.00" in words(direct_payment(amount_pence=10_000_001))
    assert fields(direct_payment(period="fortnightly")) == ["period"]
    assert fields(direct_payment(managed_by="")) == ["managed_by"]
    assert "by 3 Nov 2026 at the latest" in words(direct_payment(
        review_due=date(2026, 11, 4)))


def test_money_and_hours_are_read_as_a_worker_types_them():
    assert sb.parse_money("120") == 12000
    assert sb.parse_money("£120.5") == 12050
    assert sb.parse_money("1,250.05") == 125005
    for bad in ("abc", "12.345", "-5", ""):
        with pytest.raises(ValueError, match="not an amount of money"):
            sb.parse_money(bad)
    assert sb.parse_hours("7.5") == 7.5
    for bad in ("lots", "nan", "inf"):
        with pytest.raises(ValueError, match="not a number of hours"):
            sb.parse_hours(bad)
    assert sb.money_text(12050) == "£120.50"


def test_war_7_2_1_a_review_is_held_in_order_and_sets_the_next_within_a_year():
    """WAR 7.2.1: a review is held (not in the future), after the start and the last
    review, while the package runs; the next is within 12 months of it."""
    ok = dict(on=date(2026, 11, 20), started=date(2025, 11, 3), last=None, ended=None,
              next_due=None, today=TODAY, timescale=YEAR)
    assert sb.check_review(**ok) == []
    assert "in the future" in words(sb.check_review(**{**ok, "on": date(2026, 11, 24)}))
    assert "before the start (3 Nov 2025)" in words(sb.check_review(
        **{**ok, "on": date(2025, 10, 1)}))
    assert "before the last review (21 Nov 2026)" in words(sb.check_review(
        **{**ok, "last": date(2026, 11, 21)}))
    assert "nothing to review" in words(sb.check_review(**{**ok, "ended": date(2026, 6, 1)}))
    assert "by 19 Nov 2027 at the latest" in words(sb.check_review(
        **{**ok, "next_due": date(2028, 1, 1)}))
    assert fields(sb.check_review(**{**ok, "next_due": date(2026, 11, 20)})) == ["next"]


def test_an_end_is_dated_and_says_why():
    ok = dict(on=date(2026, 11, 20), started=date(2026, 1, 5), ended=None,
              reason="Moved to adult services", today=TODAY)
    assert sb.check_end(**ok) == []
    assert fields(sb.check_end(**{**ok, "reason": " "})) == ["reason"]
    assert "already" in words(sb.check_end(**{**ok, "ended": date(2026, 6, 1)}))
    assert "before the start" in words(sb.check_end(**{**ok, "on": date(2025, 1, 1)}))


def test_war_7_2_1_review_clocks_on_the_due_list_overdue_and_due_soon():
    """WAR 7.2.1: each open package's review joins the due list, counted as every other
    clock: overdue after its date, due soon within the policy's 5 working days."""
    child = ChildRef("1", "CIN000001", "Leo Ward")
    reviews = [PackageReview("direct_payment_review", date(2026, 10, 30), "Direct payment",
                             "WAR 7.2.1"),
               PackageReview("short_break_review", date(2026, 11, 27), "Overnight", "x"),
               PackageReview("short_break_review", date(2027, 1, 29), "Day", "x")]
    items = package_items(child, reviews, TODAY, england_calendar(), 5)
    assert [(i.label, i.state, i.working_days_left) for i in items] == [
        ("Direct payment review", DueState.OVERDUE, -16),
        ("Short break review", DueState.DUE_SOON, 4),
        ("Short break review", DueState.UPCOMING, 46)]  # 3 bank holidays
    assert items[0].target == "short_breaks" and items[0].kind == "Direct payments"
    assert items[1].kind == "Short breaks"
    assert sb.review_state(date(2026, 11, 23), TODAY).state is DueState.DUE_TODAY


def test_a_package_reads_as_one_line_with_its_next_review_or_its_end():
    f = sb.ShortBreakFact("Rainbow House", "overnight", 8.0, "month", date(2026, 10, 1),
                          date(2027, 10, 1))
    assert sb.package_line(f) == ("Overnight short break, 8 h a month, Rainbow House: from "
                                  "1 Oct 2026, next review by 1 Oct 2027")
    d = sb.DirectPaymentFact(12050, "four_weeks", "Jo Ward", date(2025, 11, 3),
                             date(2026, 11, 3), date(2026, 11, 20), "Managed account",
                             reviews=(sb.ReviewFact(date(2026, 6, 1)),))
    assert sb.package_line(d) == ("Direct payment of £120.50 every 4 weeks, managed by Jo "
                                  "Ward: from 3 Nov 2025, last reviewed 1 Jun 2026, ended 20 "
                                  "Nov 2026 (Managed account)")


def test_services_to_add_offers_each_running_package_once_wir_2_7():
    """WIR 2.7 (the plan's services), WAR 7.2.1: the running packages the plan's services do
    not name yet; an ended one, or one named ("rainbow house", "Direct payments"), is not."""
    from cintui.domain.plan import Service
    from cintui.domain.short_breaks import (
        DirectPaymentFact,
        ShortBreakFact,
        services_to_add,
    )

    rainbow = ShortBreakFact("Rainbow House", "overnight", 8, "week", date(2026, 10, 5),
                             date(2027, 10, 5))
    ended = ShortBreakFact("Oak Lodge", "day", 6, "month", date(2025, 1, 6),
                           date(2026, 1, 6), ended_on=date(2025, 6, 1))
    paid = DirectPaymentFact(12050, "week", "Jo Keys (mother)", date(2026, 9, 1),
                             date(2027, 9, 1))
    assert services_to_add([], [rainbow, ended, paid]) == (
        Service("Rainbow House", "overnight short breaks, 8 h a week"),
        Service("Direct payment", "£120.50 a week, managed by Jo Keys (mother)"))
    assert services_to_add([Service(" rainbow  house "), Service("Direct payments")],
                           [rainbow, paid]) == ()


# s17(10), WAR 4.2: a child in need is under 18; a package ends, or passes to adult social
# care, by the 18th birthday. Maya is 18 on Wed 20 Jan 2027; Sam on Sat 20 Feb 2027.
MAYA, SAM = date(2009, 1, 20), date(2009, 2, 20)


def test_a_review_date_after_the_18th_birthday_is_refused_naming_it_s17_10_war_4_2():
    kw = dict(provider="Rainbow House", kind="overnight", hours=8, per="month",
              started=date(2026, 12, 1), timescale=SB_YEAR)
    (p,) = sb.check_short_break(review_due=date(2027, 3, 1), birth=MAYA, **kw)
    assert p.field == "review"
    assert p.message == ("1 Mar 2027 is after the 18th birthday (20 Jan 2027), by which the "
                         "package ends or passes to adult social care (s17(10); WAR 4.2)")
    assert sb.check_short_break(review_due=date(2027, 1, 20), birth=MAYA, **kw) == []
    (p,) = sb.check_direct_payment(amount_pence=12000, period="week", managed_by="Mum",
                                   started=date(2027, 1, 20), review_due=None, birth=MAYA,
                                   timescale=YEAR)
    assert p.field == "start"
    assert p.message.startswith("20 Jan 2027 is on or after the 18th birthday (20 Jan 2027)")


def test_a_blank_review_is_the_interval_or_the_18th_birthday_whichever_first_s17_10():
    assert sb.review_due_by(date(2026, 12, 1), YEAR, MAYA) == date(2027, 1, 20)
    # a birthday on a Saturday: the working day before (DOMAIN.md §11)
    assert sb.review_due_by(date(2026, 12, 1), YEAR, SAM) == date(2027, 2, 19)
    # a young child: the interval, as before
    assert sb.review_due_by(date(2026, 12, 1), YEAR, date(2017, 5, 2)) == \
        sb.latest_review_due(date(2026, 12, 1), YEAR)


def test_a_review_at_18_or_setting_the_next_after_it_is_refused_s17_10_war_4_2():
    kw = dict(started=date(2026, 12, 1), last=None, ended=None, timescale=YEAR, birth=MAYA)
    (p,) = sb.check_review(on=date(2026, 12, 7), next_due=date(2027, 2, 1),
                           today=date(2026, 12, 7), **kw)
    assert p.field == "next"
    assert p.message.startswith("1 Feb 2027 is after the 18th birthday (20 Jan 2027)")
    (p,) = sb.check_review(on=date(2027, 1, 21), next_due=None, today=date(2027, 1, 21), **kw)
    assert p.field == "on" and p.message.startswith("they turned 18 on 20 Jan 2027")
    assert sb.check_review(on=date(2026, 12, 7), next_due=None, today=date(2026, 12, 7),
                           **kw) == []
