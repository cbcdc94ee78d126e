"""The timescale engine (DOMAIN.md §6): one test or more per rule, with dates worked by hand
across the 2026 Christmas bank holidays (Fri 25 Dec, Mon 28 Dec substitute for Boxing Day,
Fri 1 Jan 2027). Working days count strictly after the starting day."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.calendar import (
    WorkingCalendar,
    add_days,
    add_months,
    add_weeks,
    england_calendar,
)
from cintui.domain.policy import TIMESCALE_KEYS, Timescale
from cintui.domain.records import replace
from cintui.domain.timescales import (
    ChildEvents,
    Deadline,
    DueState,
    MeetingFact,
    VisitFact,
    compute_deadlines,
    due_date,
    next_deadline,
    overdue_flags,
    parse_plan_visits,
    plan_visit_problem,
)
from cintui.reference import policies

TODAY = date(2026, 11, 23)  # a Monday, as in tests/conftest.py
SHIPPED = ["england", "bexley", "trafford", "wirral", "warwickshire", "stockton"]


def profile(name: str):
    return policies.load_policy(name)


def only(events: ChildEvents, policy: str, key: str, today: date = TODAY) -> Deadline:
    found = next_deadline(events, profile(policy), today, key=key)
    assert found is not None, f"no {key} deadline"
    return found


def keys(events: ChildEvents, policy: str = "england", today: date = TODAY) -> list[str]:
    return [d.key for d in compute_deadlines(events, profile(policy), today)]


def initial(on: date, **kw) -> MeetingFact:
    return MeetingFact(on, "initial", minutes_circulated=on, plan_circulated=on, **kw)


def review(on: date, **kw) -> MeetingFact:
    kw.setdefault("minutes_circulated", on)
    kw.setdefault("plan_circulated", on)
    return MeetingFact(on, "review", **kw)


# ---------------------------------------------------------------------- assessment


def test_assessment_within_45_working_days_of_referral():
    """Working Together 2023: 45 working days from the referral. From Mon 2 Nov 2026:
    Nov 3-6 (4), four full weeks to Dec 4 (24), Dec 7-18 (34), Dec 21-24 (38), [25, 28],
    Dec 29-31 (41), [1 Jan], Jan 4-7 (45) -> Thu 7 Jan 2027."""
    d = only(ChildEvents(referral=date(2026, 11, 2)), "england", "assessment")
    assert (d.due, d.anchor, d.anchor_label) == (date(2027, 1, 7), date(2026, 11, 2), "referral")
    assert d.rule == "within 45 working days of the referral"
    assert d.source == "Working Together 2023" and d.policy == "england"
    assert d.working_days_left == 30  # (23 Nov, 7 Jan]: 45 less the 15 already gone
    assert d.state is DueState.UPCOMING


def test_trafford_assessment_within_35_working_days():
    """TRA: assessment within 35 working days: from Mon 2 Nov 2026 -> Mon 21 Dec 2026."""
    d = only(ChildEvents(referral=date(2026, 11, 2)), "trafford", "assessment")
    assert d.due == date(2026, 12, 21)
    assert d.source.startswith("TRA")


def test_a_completed_assessment_stops_its_clock():
    events = ChildEvents(referral=date(2026, 11, 2), assessment_completed=date(2026, 11, 20))
    assert "assessment" not in keys(events)


def test_a_cin_plan_started_means_the_assessment_is_past_tra():
    """TRA: the CIN plan follows the assessment. A plan started with no assessment dates (a
    caseload imported from a system that gave only the plan's start) shows no assessment
    clock, never one months overdue. A child who moved in with a plan (BEX 4) keeps the
    clock: the assessment is the receiving authority's to do."""
    plan = ChildEvents(referral=date(2026, 6, 3), cin_plan_start=date(2026, 7, 20))
    assert "assessment" not in keys(plan, "trafford")
    moved = replace(plan, moved_in=date(2026, 7, 20))
    assert "assessment" in keys(moved, "trafford")


# ---------------------------------------------------------------------- support start


def test_support_within_20_working_days_of_the_initial_home_visit():
    """WAR 4.4.2: from Thu 10 Dec 2026: Dec 11 (1), 14-18 (6), 21-24 (10), [25, 28],
    29-31 (13), [1 Jan], Jan 4-8 (18), Jan 11-12 (20) -> Tue 12 Jan 2027."""
    d = only(ChildEvents(initial_home_visit=date(2026, 12, 10)), "warwickshire",
             "support_start", today=date(2026, 12, 10))
    assert d.due == date(2027, 1, 12)
    assert d.source == "WAR 4.4.2"
    assert d.rule == "within 20 working days of the initial home visit"
    done = ChildEvents(initial_home_visit=date(2026, 12, 10), support_started=date(2027, 1, 5))
    assert "support_start" not in keys(done, "warwickshire")


# ---------------------------------------------------------------------- initial meeting


def test_wirral_initial_meeting_15_working_days_after_plan_agreed():
    """WIR 2.3: within 15 working days of agreeing a CIN plan is needed. From Mon 7 Dec
    2026: Dec 8-11 (4), 14-18 (9), 21-24 (13), [25, 28], 29-30 (15) -> Wed 30 Dec 2026."""
    events = ChildEvents(assessment_completed=date(2026, 12, 1), cin_plan_start=date(2026, 12, 7))
    d = only(events, "wirral", "initial_meeting")
    assert (d.due, d.anchor, d.source) == (date(2026, 12, 30), date(2026, 12, 7), "WIR 2.3")
    assert d.anchor_label == "CIN plan agreed"


def test_bexley_initial_meeting_10_calendar_days_after_assessment():
    """BEX 3: "within 10 days of the completion of the ... assessment": calendar days, so
    Fri 18 Dec 2026 + 10 = Mon 28 Dec 2026, a bank holiday (Boxing Day observed): DOMAIN.md
    §11 moves it to the working day before, over Sun 27, Sat 26 and Christmas Day, to Thu 24
    Dec 2026, and the rule says why."""
    events = ChildEvents(assessment_completed=date(2026, 12, 18), cin_plan_start=date(2026, 12, 1))
    d = only(events, "bexley", "initial_meeting")
    assert (d.due, d.anchor_label) == (date(2026, 12, 24), "assessment completed")
    assert d.rule == ("within 10 days of the assessment's completion (28 Dec 2026 is Boxing "
                      "Day (observed): due the working day before)")
    # Counted from the assessment, so without one there is no clock yet (BEX 3).
    assert "initial_meeting" not in keys(ChildEvents(cin_plan_start=date(2026, 12, 1)), "bexley")


def test_a_review_held_means_the_initial_meeting_is_past_wir_2_3():
    """WIR 2.3, TRA: a plan reviewed has had its planning meeting, whether or not its date
    is known (a caseload imported with its last review and no initial meeting): the
    initial meeting is not shown overdue. A review only booked says nothing of it."""
    plan = date(2026, 7, 20)
    reviewed = ChildEvents(cin_plan_start=plan,
                           meetings=(MeetingFact(date(2026, 10, 20), "review"),))
    assert "initial_meeting" not in keys(reviewed, "trafford")
    assert "review" in keys(reviewed, "trafford")
    booked = ChildEvents(cin_plan_start=plan,
                         meetings=(MeetingFact(date(2026, 12, 20), "review", held=False),))
    assert "initial_meeting" in keys(booked, "trafford")


def test_initial_meeting_clock_stops_only_when_the_meeting_is_held():
    """DOMAIN.md §6: a meeting that is only scheduled has not happened yet."""
    plan = date(2026, 12, 7)
    booked = ChildEvents(cin_plan_start=plan,
                         meetings=(MeetingFact(date(2026, 12, 21), "initial", held=False),))
    assert "initial_meeting" in keys(booked, "wirral")
    held = ChildEvents(cin_plan_start=plan, meetings=(initial(date(2026, 12, 21)),))
    assert "initial_meeting" not in keys(held, "wirral")


# ---------------------------------------------------------------------- visits


def test_visits_every_20_working_days_from_the_last_seen_visit():
    """WIR 2.11: at least every 20 working days. Last seen Mon 7 Dec 2026: Dec 8-11 (4),
    14-18 (9), 21-24 (13), [25, 28], 29-31 (16), [1 Jan], Jan 4-7 (20) -> Thu 7 Jan 2027."""
    events = ChildEvents(cin_plan_start=date(2026, 10, 1),
                         visits=(VisitFact(date(2026, 11, 9)), VisitFact(date(2026, 12, 7))))
    d = only(events, "wirral", "visit", today=date(2026, 12, 22))
    assert (d.due, d.anchor, d.source) == (date(2027, 1, 7), date(2026, 12, 7), "WIR 2.11")
    assert d.anchor_label == "last visit (child seen alone, in person)"
    assert d.rule == ("within 20 working days of the last visit where the child was seen "
                      "alone, in person")
    assert d.working_days_left == 9  # Dec 23-24, 29-31, Jan 4-7
    assert d.state is DueState.UPCOMING


def test_a_visit_where_the_child_was_not_seen_does_not_reset_the_clock():
    """WIR 2.11: a visit where the child was not seen does not reset the 20-working-day
    clock (the child must be seen and spoken to alone)."""
    seen = (VisitFact(date(2026, 12, 7)),)
    unseen = (VisitFact(date(2026, 12, 21), child_seen=False),)
    before = ChildEvents(cin_plan_start=date(2026, 10, 1), visits=seen)
    after = ChildEvents(cin_plan_start=date(2026, 10, 1), visits=seen + unseen)
    today = date(2026, 12, 22)
    assert only(after, "wirral", "visit", today).due == only(before, "wirral", "visit", today).due
    assert only(after, "wirral", "visit", today).due == date(2027, 1, 7)


def test_bexley_visits_at_least_every_4_weeks():
    """BEX 3: no less than every 4 weeks (calendar): last seen Mon 30 Nov 2026 -> Mon 28 Dec
    2026, a bank holiday, so (DOMAIN.md §11) the working day before: Thu 24 Dec 2026."""
    events = ChildEvents(cin_plan_start=date(2026, 10, 1), visits=(VisitFact(date(2026, 11, 30)),))
    d = only(events, "bexley", "visit", today=date(2026, 12, 1))
    assert (d.due, d.source) == (date(2026, 12, 24), "BEX 3")
    assert d.rule == ("within 4 weeks of the last visit where the child was seen alone, in "
                      "person (28 Dec 2026 is Boxing Day (observed): due the working day "
                      "before)")


def test_the_first_visit_is_due_from_the_plan_start():
    """WIR 2.11: the cadence applies to a child subject to a CIN plan, from its start; a
    visit before the plan started does not count towards it."""
    early = VisitFact(date(2026, 11, 2))
    events = ChildEvents(cin_plan_start=date(2026, 12, 7), visits=(early,))
    d = only(events, "wirral", "visit", today=date(2026, 12, 7))
    assert (d.due, d.anchor_label) == (date(2027, 1, 7), "CIN plan start")


def test_no_visit_clock_before_a_cin_plan():
    """DOMAIN.md §4: visits are to children subject to a CIN plan."""
    events = ChildEvents(referral=date(2026, 11, 2), visits=(VisitFact(date(2026, 11, 5)),))
    assert "visit" not in keys(events, "wirral")


# ---------------------------------------------------------------------- reviews


def test_first_review_within_3_months_of_the_initial_meeting():
    """BEX 3 / TRA: first review within 3 months; Mon 30 Nov 2026 + 3 months = Sun 28 Feb
    2027 (calendar months clamp to the month's end, DOMAIN.md §6), a Sunday, so due on the
    working day before (DOMAIN.md §11): Fri 26 Feb 2027."""
    events = ChildEvents(cin_plan_start=date(2026, 11, 2), meetings=(initial(date(2026, 11, 30)),))
    d = only(events, "bexley", "first_review")
    assert (d.due, d.anchor, d.source) == (date(2027, 2, 26), date(2026, 11, 30), "BEX 3")
    assert d.rule == ("within 3 months of the initial meeting (28 Feb 2027 is a Sunday: due "
                      "the working day before)")
    assert d.label == "First review"
    assert d.anchor_label == "initial meeting (30 Nov 2026)"
    assert "review" not in keys(events, "bexley")


def test_trafford_later_reviews_within_6_months():
    """TRA: later reviews within 6 months: last review Mon 1 Jun 2026 -> Tue 1 Dec 2026;
    on Mon 23 Nov that is 6 working days away (24-27 Nov, 30 Nov, 1 Dec): upcoming; a day
    later, 5 left: due soon."""
    events = ChildEvents(cin_plan_start=date(2026, 2, 2),
                         meetings=(initial(date(2026, 3, 2)), review(date(2026, 6, 1))))
    d = only(events, "trafford", "review")
    assert (d.due, d.label, d.anchor_label) == (date(2026, 12, 1), "Next review",
                                                "last review (1 Jun 2026)")
    assert (d.working_days_left, d.state) == (6, DueState.UPCOMING)
    later = only(events, "trafford", "review", today=date(2026, 11, 24))
    assert (later.working_days_left, later.state) == (5, DueState.DUE_SOON)
    assert "first_review" not in keys(events, "trafford")


def test_a_meetings_own_next_review_date_wins_when_earlier():
    """DOMAIN.md §6 (WIR 2.3 "each meeting sets next"): the 1 Jun 2026 review set the next
    for Tue 1 Sep 2026, sooner than TRA's 6 months. On Mon 23 Nov it is 59 working days
    overdue: Sep 2-4 (3), eight weeks to 30 Oct (43), Nov 2-20 (58), Nov 23 (59)."""
    events = ChildEvents(cin_plan_start=date(2026, 2, 2), meetings=(
        initial(date(2026, 3, 2)), review(date(2026, 6, 1), next_review=date(2026, 9, 1))))
    d = only(events, "trafford", "review")
    assert d.due == date(2026, 9, 1)
    assert d.rule == "on the review date set at the meeting of 1 Jun 2026 (sooner than 6 months)"
    assert (d.state, d.working_days_left) == (DueState.OVERDUE, -59)


def test_a_later_next_review_date_does_not_extend_the_cadence():
    """DOMAIN.md §6: the meeting's date only wins when earlier; the cadence is the limit."""
    events = ChildEvents(cin_plan_start=date(2026, 2, 2), meetings=(
        initial(date(2026, 3, 2)), review(date(2026, 6, 1), next_review=date(2027, 2, 1))))
    assert only(events, "trafford", "review").due == date(2026, 12, 1)


def test_a_scheduled_review_does_not_stop_the_clock():
    """DOMAIN.md §6: only a held review resets the cadence; a booked one does not (Sun 28 Feb
    2027 is due on Fri 26 Feb, DOMAIN.md §11)."""
    events = ChildEvents(cin_plan_start=date(2026, 11, 2), meetings=(
        initial(date(2026, 11, 30)), MeetingFact(date(2027, 3, 1), "review", held=False)))
    assert only(events, "england", "first_review").due == date(2027, 2, 26)


def test_stockton_plans_evaluated_6_weekly():
    """STO 6.2: no less than 6-weekly: Mon 2 Nov 2026 -> Mon 14 Dec; again -> Mon 25 Jan."""
    first = ChildEvents(meetings=(initial(date(2026, 11, 2)),))
    assert only(first, "stockton", "first_review").due == date(2026, 12, 14)
    later = ChildEvents(meetings=(initial(date(2026, 11, 2)), review(date(2026, 12, 14))))
    assert only(later, "stockton", "review", today=date(2026, 12, 14)).due == date(2027, 1, 25)


def test_a_final_meeting_keeps_the_review_clock_running_until_closure():
    """DOMAIN.md §6-7: the product exists to prevent drift; an open case after its final
    meeting still needs a review if it has not closed (England: 3 months)."""
    events = ChildEvents(meetings=(initial(date(2026, 6, 1)),
                                   MeetingFact(date(2026, 9, 1), "final", minutes_circulated=date(
                                       2026, 9, 2), plan_circulated=date(2026, 9, 2))))
    d = only(events, "england", "review")
    assert (d.due, d.anchor_label) == (date(2026, 12, 1), "final meeting (1 Sep 2026)")


def test_no_review_after_a_final_meeting_once_its_ending_is_decided_wir_3():
    """WIR 3, TRA: the final meeting ends the plan; reviews are every 3 months while it is in
    force (BEX 3). Once the step-down (or closure) it led to is decided, `due` listed "Next
    review from final meeting" 3 months on; now no review is due and the ending's own clock
    runs (step-down completed within 5 working days)."""
    held = date(2026, 10, 26)
    events = ChildEvents(meetings=(initial(date(2026, 8, 3)), MeetingFact(
        held, "final", minutes_circulated=held, plan_circulated=held)))
    stepping = replace(events, step_down_decided=date(2026, 12, 2))
    assert "review" not in keys(stepping, today=date(2026, 12, 7))
    assert "step_down" in keys(stepping, today=date(2026, 12, 7))
    closing = replace(events, closure_decided=date(2026, 12, 2))
    assert "review" not in keys(closing, today=date(2026, 12, 7))
    assert "review" in keys(events, today=date(2026, 12, 7))  # no ending decided: drift


# ---------------------------------------------------------------------- minutes and plan


def test_bexley_minutes_and_plan_within_10_working_days():
    """BEX 3: record and updated plan out within 10 working days. Wed 16 Dec 2026: Dec 17-18
    (2), 21-24 (6), [25, 28], 29-31 (9), [1 Jan], Mon 4 Jan 2027 (10)."""
    events = ChildEvents(meetings=(MeetingFact(date(2026, 12, 16), "review"),))
    minutes = only(events, "bexley", "minutes", today=date(2026, 12, 17))
    plan = only(events, "bexley", "plan_circulation", today=date(2026, 12, 17))
    assert minutes.due == plan.due == date(2027, 1, 4)
    assert (minutes.label, plan.label) == ("Minutes circulated", "Plan circulated")
    assert minutes.anchor_label == "review meeting (16 Dec 2026)"


def test_wirral_minutes_14_days_plan_10_working_days():
    """WIR 2.3: minutes usually within 14 days (calendar: Wed 16 Dec -> Wed 30 Dec 2026);
    WIR 2.7: plan within 10 working days (-> Mon 4 Jan 2027)."""
    events = ChildEvents(meetings=(MeetingFact(date(2026, 12, 16), "review"),))
    assert only(events, "wirral", "minutes").due == date(2026, 12, 30)
    assert only(events, "wirral", "plan_circulation").due == date(2027, 1, 4)
    assert only(events, "wirral", "plan_circulation").source == "WIR 2.7"


def test_trafford_notes_within_5_working_days():
    """TRA: meeting notes sent within 5 working days: Wed 16 Dec 2026 -> Wed 23 Dec 2026."""
    events = ChildEvents(meetings=(MeetingFact(date(2026, 12, 16), "initial"),))
    assert only(events, "trafford", "minutes").due == date(2026, 12, 23)


def test_the_oldest_outstanding_minutes_are_reported():
    """DOMAIN.md §6: each held meeting's minutes are due; the oldest one missing shows."""
    events = ChildEvents(meetings=(
        MeetingFact(date(2026, 9, 1), "initial", minutes_circulated=date(2026, 9, 3)),
        MeetingFact(date(2026, 10, 1), "review"),
        MeetingFact(date(2026, 11, 2), "review", plan_circulated=date(2026, 11, 3)),
        MeetingFact(date(2026, 12, 1), "review", held=False),  # not held: nothing owed
    ))
    minutes = only(events, "bexley", "minutes")
    assert minutes.anchor == date(2026, 10, 1)
    assert minutes.rule == "within 10 working days of the meeting (2 meetings outstanding)"
    assert minutes.state is DueState.OVERDUE
    plan = only(events, "bexley", "plan_circulation")
    assert plan.anchor == date(2026, 9, 1)


def test_circulated_minutes_owe_nothing():
    events = ChildEvents(meetings=(initial(date(2026, 11, 2)),))
    assert not {"minutes", "plan_circulation"} & set(keys(events))


# ---------------------------------------------------------------------- endings


def test_family_told_of_closure_within_5_working_days():
    """BEX 3: notify the family of the closure decision within 5 working days. Wed 23 Dec
    2026: Dec 24 (1), [25, 28], 29-31 (4), [1 Jan], Mon 4 Jan 2027 (5)."""
    events = ChildEvents(closure_decided=date(2026, 12, 23))
    d = only(events, "bexley", "closure_notification", today=date(2026, 12, 23))
    assert (d.due, d.source) == (date(2027, 1, 4), "BEX 3")
    told = ChildEvents(closure_decided=date(2026, 12, 23),
                       family_told_of_closure=date(2026, 12, 24))
    assert "closure_notification" not in keys(told, "bexley")


def test_step_down_completed_within_5_working_days():
    """WIR 3: Thu 24 Dec 2026: [25, 28], Dec 29-31 (3), [1 Jan], Jan 4-5 (5) -> Tue 5 Jan."""
    events = ChildEvents(step_down_decided=date(2026, 12, 24))
    d = only(events, "wirral", "step_down", today=date(2026, 12, 24))
    assert (d.due, d.source, d.label) == (date(2027, 1, 5), "WIR 3", "Step-down completed")
    done = ChildEvents(step_down_decided=date(2026, 12, 24),
                       step_down_completed=date(2026, 12, 30))
    assert "step_down" not in keys(done, "wirral")


def test_a_closed_episode_owes_only_the_closure_notification():
    """DOMAIN.md §7: once closed nothing further is due except telling the family."""
    events = ChildEvents(
        referral=date(2026, 6, 1), cin_plan_start=date(2026, 7, 1),
        meetings=(MeetingFact(date(2026, 8, 3), "initial"),),
        closure_decided=date(2026, 11, 16), closed=date(2026, 11, 20))
    assert keys(events, "bexley") == ["closure_notification"]
    told = ChildEvents(closure_decided=date(2026, 11, 16), family_told_of_closure=date(
        2026, 11, 17), closed=date(2026, 11, 20), cin_plan_start=date(2026, 7, 1))
    assert compute_deadlines(told, profile("bexley"), TODAY) == []


def test_the_caseload_flags_the_broken_clocks_no_column_shows_longest_overdue_first():
    """BEX 3: the family told within 5 working days of the closure decision; Working
    Together 2023 (DOMAIN.md §6): the assessment within 45 working days. Both past on a
    child whose plan runs: two flags, the longer overdue first. The visit and the meetings
    have columns of their own, so their clocks, however late, are not flags; a clock due
    but not yet past is not one either."""
    late = ChildEvents(
        referral=date(2026, 7, 1), assessment_started=date(2026, 7, 2),
        closure_decided=date(2026, 11, 2))
    deadlines = compute_deadlines(late, profile("bexley"), TODAY)
    assert {d.key for d in deadlines if d.state is DueState.OVERDUE} >= {
        "assessment", "closure_notification"}
    assert overdue_flags(deadlines) == ["Assessment overdue", "Closure letter overdue"]
    in_time = replace(late, closure_decided=date(2026, 11, 20))
    assert overdue_flags(compute_deadlines(in_time, profile("bexley"), TODAY)) == [
        "Assessment overdue"]
    visit_late = ChildEvents(
        referral=date(2026, 6, 1), assessment_started=date(2026, 6, 2),
        assessment_completed=date(2026, 7, 1), support_started=date(2026, 7, 2),
        initial_home_visit=date(2026, 7, 2), cin_plan_start=date(2026, 7, 2),
        visits=(VisitFact(date(2026, 8, 3)),))
    late_keys = {d.key for d in compute_deadlines(visit_late, profile("bexley"), TODAY)
                 if d.state is DueState.OVERDUE}
    assert "visit" in late_keys
    assert overdue_flags(compute_deadlines(visit_late, profile("bexley"), TODAY)) == []


def test_a_childs_last_year_runs_a_clock_to_the_18th_birthday_s17_10():
    """s17(10) Children Act 1989: a child in need is under 18. From the 17th birthday the
    record and the due list show the day the case must have ended (closed, or on to adult
    social care, RC6); after it, overdue, and the caseload flags it. A closure or step-down
    decided stops it (their own clocks run); a closed episode owes nothing."""
    plan = dict(referral=date(2026, 6, 1), assessment_started=date(2026, 6, 2),
                assessment_completed=date(2026, 7, 1), support_started=date(2026, 7, 2),
                initial_home_visit=date(2026, 7, 2), cin_plan_start=date(2026, 7, 2))
    sixteen = ChildEvents(dob=date(2009, 11, 24), **plan)  # 17 tomorrow
    assert "turns_18" not in keys(sixteen)
    seventeen = ChildEvents(dob=date(2009, 11, 23), **plan)  # 17 today
    d = only(seventeen, "england", "turns_18")
    assert (d.due, d.source, d.state) == (date(2027, 11, 23), "s17(10) Children Act 1989",
                                          DueState.UPCOMING)
    assert "no longer a child in need" in d.rule and "adult social care (RC6" in d.rule
    adult = ChildEvents(dob=date(2008, 11, 20), **plan)  # 18 on Friday, still open
    d = only(adult, "england", "turns_18")
    assert (d.due, d.state, d.working_days_left) == (date(2026, 11, 20), DueState.OVERDUE, -1)
    assert "18 and still open" in overdue_flags(compute_deadlines(adult, profile("england"),
                                                                   TODAY))
    for ending in (dict(closure_decided=date(2026, 11, 16)),
                   dict(step_down_decided=date(2026, 11, 16)),
                   dict(closed=date(2026, 11, 20))):
        assert "turns_18" not in keys(replace(adult, **ending)), ending
    leap = ChildEvents(dob=date(2008, 2, 29), **plan)  # 18 on 1 Mar 2026 (no 29 Feb)
    assert only(leap, "england", "turns_18").due == date(2026, 3, 1)


# ---------------------------------------------------------------------- transfer in


def test_receiving_authority_meets_within_20_working_days_of_residence():
    """BEX 4: Mon 14 Dec 2026 + 20 working days: Dec 15-18 (4), 21-24 (8), [25, 28],
    29-31 (11), [1 Jan], Jan 4-8 (16), Jan 11-14 (20) -> Thu 14 Jan 2027."""
    events = ChildEvents(moved_in=date(2026, 12, 14))
    d = only(events, "bexley", "transfer_in_meeting", today=date(2026, 12, 14))
    assert (d.due, d.source, d.anchor_label) == (date(2027, 1, 14), "BEX 4",
                                                 "moved into the area")


def test_only_a_meeting_after_the_move_stops_the_transfer_in_clock():
    """BEX 4: the receiving authority's own meeting (transfer-in or initial) counts; the
    previous authority's earlier meetings do not."""
    moved = date(2026, 12, 14)
    old = MeetingFact(date(2026, 10, 1), "review", minutes_circulated=date(2026, 10, 2),
                      plan_circulated=date(2026, 10, 2))
    assert "transfer_in_meeting" in keys(ChildEvents(moved_in=moved, meetings=(old,)), "bexley")
    for kind in ("transfer_in", "initial"):
        met = MeetingFact(date(2027, 1, 6), kind, minutes_circulated=date(2027, 1, 6),
                          plan_circulated=date(2027, 1, 6))
        events = ChildEvents(moved_in=moved, meetings=(old, met))
        assert "transfer_in_meeting" not in keys(events, "bexley", today=date(2027, 1, 7))


def test_a_child_who_moved_in_with_a_plan_has_one_planning_meeting_clock():
    """BEX 4: the transfer-in meeting is the receiving authority's planning meeting; the
    plan and assessment dates carried over from the previous authority must not start an
    initial-meeting clock beside it (nor one already overdue under Bexley's BEX 3 anchor)."""
    moved = date(2026, 11, 16)
    events = ChildEvents(moved_in=moved, cin_plan_start=moved,
                         assessment_completed=date(2026, 6, 1))
    for policy in ("england", "wirral", "bexley"):
        found = keys(events, policy)
        assert "transfer_in_meeting" in found and "initial_meeting" not in found, policy
    # A child who did not move in keeps the initial meeting clock (WIR 2.3).
    assert "initial_meeting" in keys(ChildEvents(cin_plan_start=moved), "wirral")


# ---------------------------------------------------------------------- direct payments


def test_direct_payments_reviewed_annually():
    """WAR 7.2.1: an annual review of the direct payment (its one record, a package of
    domain.short_breaks): last reviewed Fri 15 Jan 2026 -> Fri 15 Jan 2027; started Thu 29
    Feb 2024 with no review since -> Fri 28 Feb 2025. Never a clock of the episode's."""
    from cintui.domain import short_breaks as dp

    ts = profile("warwickshire").timescale("direct_payment_review")
    started = date(2024, 2, 29)
    last = dp.ReviewFact(date(2026, 1, 15), next_due=dp.latest_review_due(date(2026, 1, 15),
                                                                           ts))
    reviewed = dp.DirectPaymentFact(9000, "week", "Mother", started, last.next_due,
                                    reviews=(last,))
    d = dp.package_deadline(reviewed, ts.source, TODAY)
    assert (d.key, d.due, d.source, d.anchor_label) == (
        "direct_payment_review", date(2027, 1, 15), "WAR 7.2.1",
        "the last review (15 Jan 2026)")
    never = dp.DirectPaymentFact(9000, "week", "Mother", started,
                                 dp.latest_review_due(started, ts))
    d = dp.package_deadline(never, ts.source, TODAY)
    assert (d.due, d.state) == (date(2025, 2, 28), DueState.OVERDUE)
    assert "direct_payment_review" not in keys(ChildEvents(cin_plan_start=started),
                                               "warwickshire")


# ---------------------------------------------------------------------- states and order


@pytest.mark.parametrize("today, state, left", [
    (date(2027, 1, 11), DueState.OVERDUE, -2),  # Mon: Fri 8 and Mon 11 have gone by
    (date(2027, 1, 8), DueState.OVERDUE, -1),
    (date(2027, 1, 7), DueState.DUE_TODAY, 0),
    (date(2027, 1, 6), DueState.DUE_SOON, 1),
    (date(2026, 12, 30), DueState.DUE_SOON, 5),  # Dec 31, Jan 4-7: 8 days but 5 working
    (date(2026, 12, 29), DueState.UPCOMING, 6),  # Dec 30-31, Jan 4-7
    (date(2026, 12, 24), DueState.UPCOMING, 7),  # Dec 29-31, Jan 4-7
])
def test_states_count_working_days_left(today, state, left):
    """DOMAIN.md §6: a visit due Thu 7 Jan 2027 (WIR 2.11) is "due soon" within the
    profile's 5 working days, counted over the Christmas bank holidays; overdue counts the
    working days since."""
    events = ChildEvents(cin_plan_start=date(2026, 10, 1), visits=(VisitFact(date(2026, 12, 7)),))
    d = only(events, "wirral", "visit", today=today)
    assert (d.state, d.working_days_left) == (state, left)


def test_deadlines_come_soonest_first_with_their_policy():
    """Initial meeting Tue 20 Oct 2026 without minutes: WIR 2.3 minutes 14 days -> Tue 3 Nov;
    WIR 2.7 plan 10 working days (Oct 21-23, 26-30, Nov 2-3) -> Tue 3 Nov too (ties keep
    the profile's order); visit from Mon 16 Nov + 20 working days -> Mon 14 Dec; first
    review 20 Jan 2027."""
    events = ChildEvents(
        referral=date(2026, 9, 1), assessment_completed=date(2026, 10, 1),
        cin_plan_start=date(2026, 10, 5),
        meetings=(MeetingFact(date(2026, 10, 20), "initial"),),
        visits=(VisitFact(date(2026, 11, 16)),),
    )
    found = compute_deadlines(events, profile("wirral"), TODAY)
    assert [d.due for d in found] == sorted(d.due for d in found)
    assert [d.key for d in found] == ["minutes", "plan_circulation", "visit", "first_review"]
    assert {d.policy for d in found} == {"wirral"}
    assert next_deadline(events, profile("wirral"), TODAY, key="review") is None


def test_nothing_is_due_for_a_child_with_no_events():
    assert compute_deadlines(ChildEvents(), profile("england"), TODAY) == []


def test_a_local_closure_day_moves_working_day_deadlines():
    """An authority's own closure (24 Dec 2026) is not a working day: WIR 3 step-down from
    Wed 23 Dec: [24, 25, 28], Dec 29-31 (3), [1 Jan], Jan 4-5 (5) -> Tue 5 Jan, not Mon 4."""
    events = ChildEvents(step_down_decided=date(2026, 12, 23))
    cal = WorkingCalendar(extra_closures=[date(2026, 12, 24)])
    d = next_deadline(events, profile("wirral"), TODAY, cal, key="step_down")
    assert d is not None and d.due == date(2027, 1, 5)
    assert only(events, "wirral", "step_down").due == date(2027, 1, 4)


@pytest.mark.parametrize("amount, unit, expected", [
    (20, "working_days", date(2027, 1, 14)),  # from Mon 14 Dec 2026, as BEX 4 above
    (10, "days", date(2026, 12, 24)),
    (4, "weeks", date(2027, 1, 11)),
    (3, "months", date(2027, 3, 12)),  # Sun 14 Mar 2027: the Friday before (DOMAIN.md §11)
])
def test_due_date_applies_the_unit(amount, unit, expected):
    """DOMAIN.md §6: working days skip weekends and bank holidays; days, weeks and months
    are calendar arithmetic, moved to the working day before a weekend or bank holiday
    (DOMAIN.md §11)."""
    ts = Timescale("custom", amount, unit, "")
    assert due_date(date(2026, 12, 14), ts, england_calendar()) == expected


def test_due_date_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="fortnights"):
        due_date(TODAY, Timescale("custom", 1, "fortnights", ""), england_calendar())


# ---------------------------------------------------------------------- non-working days


def test_a_review_due_on_christmas_day_is_due_on_24_december():
    """DOMAIN.md §11, TRA: first review within 3 months of the initial meeting. Fri 25 Sep
    2026 + 3 months = Fri 25 Dec 2026, Christmas Day: due Thu 24 Dec, and the rule says so."""
    events = ChildEvents(cin_plan_start=date(2026, 9, 1), meetings=(initial(date(2026, 9, 25)),))
    d = only(events, "trafford", "first_review")
    assert d.due == date(2026, 12, 24)
    assert d.rule == ("within 3 months of the initial meeting (25 Dec 2026 is Christmas Day: "
                      "due the working day before)")
    assert d.source == "TRA (Timing of CiN Meetings)"


def test_four_weeks_onto_easter_monday_is_due_the_thursday_before():
    """DOMAIN.md §11, BEX 3 (visits at least every 4 weeks): seen Mon 1 Mar 2027 + 4 weeks =
    Mon 29 Mar 2027, Easter Monday; Sun 28, Sat 27 and Good Friday 26 Mar are not working
    days either: due Thu 25 Mar 2027."""
    events = ChildEvents(cin_plan_start=date(2027, 1, 4), visits=(VisitFact(date(2027, 3, 1)),))
    d = only(events, "bexley", "visit", today=date(2027, 3, 1))
    assert d.due == date(2027, 3, 25)
    assert d.rule.endswith("(29 Mar 2027 is Easter Monday: due the working day before)")


def test_wirral_minutes_14_days_onto_a_bank_holiday():
    """DOMAIN.md §11, WIR 2.3 (minutes within 14 days): Mon 14 Dec 2026 + 14 days = Mon 28
    Dec, the Boxing Day substitute: due Thu 24 Dec 2026."""
    events = ChildEvents(meetings=(MeetingFact(date(2026, 12, 14), "review"),))
    assert only(events, "wirral", "minutes", today=date(2026, 12, 14)).due == date(2026, 12, 24)


def test_working_day_timescales_never_move():
    """DOMAIN.md §6: working days already skip weekends and bank holidays; nothing to add
    to the rule (BEX 3: 10 working days from Wed 16 Dec 2026 -> Mon 4 Jan 2027)."""
    d = only(ChildEvents(meetings=(MeetingFact(date(2026, 12, 16), "review"),)), "bexley",
             "minutes", today=date(2026, 12, 17))
    assert d.due == date(2027, 1, 4) and "working day before" not in d.rule


def test_a_short_period_over_a_weekend_moves_forward_not_before_its_start():
    """DOMAIN.md §11: 2 days from Fri 27 Nov 2026 is Sun 29 Nov; the working day before is
    the start itself, so the working day after: Mon 30 Nov."""
    ts = Timescale("custom", 2, "days", "")
    assert due_date(date(2026, 11, 27), ts, england_calendar()) == date(2026, 11, 30)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
       st.integers(1, 40), st.sampled_from(["days", "weeks", "months"]))
def test_calendar_due_dates_are_the_last_working_day_on_or_before(start, amount, unit):
    """DOMAIN.md §11: a due date counted in days, weeks or months is a working day with no
    working day between it and the counted date; it is later only when the working day
    before would not be after the start."""
    cal = england_calendar()
    counted = {"days": add_days, "weeks": add_weeks, "months": add_months}[unit](start, amount)
    due = due_date(start, Timescale("custom", amount, unit, ""), cal)
    assert cal.is_working_day(due) and due > start
    if due <= counted:
        assert cal.working_days_between(due, counted) == 0
    else:
        assert due == cal.add_working_days(counted, 1)
        assert cal.add_working_days(counted, -1) <= start


# ---------------------------------------------------------------------- which visits count

NOV2, NOV16, NOV18 = date(2026, 11, 2), date(2026, 11, 16), date(2026, 11, 18)
TEN = date(2016, 1, 1)  # a child of 10


def visits_of(*visits: VisitFact, dob: date | None = TEN, **kw) -> ChildEvents:
    return ChildEvents(cin_plan_start=date(2026, 10, 1), dob=dob, visits=visits, **kw)


def wirral(**visits):
    """Wirral's profile with its `[visits]` settings changed."""
    p = profile("wirral")
    return replace(p, visits=replace(p.visits, **visits))


MIXED = (VisitFact(NOV2), VisitFact(NOV16, virtual=True),
         VisitFact(NOV18, seen_alone=False))


def test_a_virtual_visit_or_one_not_alone_does_not_restart_the_clock_by_default():
    """WIR 2.11: "The child must be seen and spoken to alone". Seen alone at home Mon 2 Nov
    2026; a video call Mon 16 Nov; at home, not alone, Wed 18 Nov. The clock runs from 2 Nov:
    Nov 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19), Mon 30 Nov (20)."""
    d = next_deadline(visits_of(*MIXED), profile("wirral"), TODAY, key="visit")
    assert (d.due, d.anchor) == (date(2026, 11, 30), NOV2)
    assert d.anchor_label == "last visit (child seen alone, in person)"
    assert d.rule == ("within 20 working days of the last visit where the child was seen "
                      "alone, in person")


def test_the_policy_may_let_a_virtual_visit_restart_the_clock():
    """The policy's setting (`virtual_restarts_clock`): the video call of Mon 16 Nov counts;
    Nov 17-20 (4), 23-27 (9), 30 Nov-4 Dec (14), 7-11 Dec (19), Mon 14 Dec (20)."""
    d = next_deadline(visits_of(*MIXED), wirral(virtual_restarts_clock=True), TODAY,
                      key="visit")
    assert (d.due, d.anchor) == (date(2026, 12, 14), NOV16)
    assert d.rule.endswith("where the child was seen alone")


def test_the_policy_may_let_a_visit_not_alone_restart_the_clock():
    """The policy's setting (`not_alone_restarts_clock`): Wed 18 Nov counts; Nov 19-20 (2),
    23-27 (7), 30 Nov-4 Dec (12), 7-11 Dec (17), 14-16 Dec (20) -> Wed 16 Dec."""
    d = next_deadline(visits_of(*MIXED), wirral(not_alone_restarts_clock=True), TODAY,
                      key="visit")
    assert (d.due, d.anchor) == (date(2026, 12, 16), NOV18)
    assert d.rule.endswith("where the child was seen, in person")


def test_a_baby_or_an_unborn_child_need_only_be_seen():
    """WIR 2.11 "seen and spoken to alone": a child under the policy's `seen_alone_from_age`
    (2) or not yet born cannot be spoken to alone, so the visit of Wed 18 Nov counts (due
    Wed 16 Dec); at 2 it does not (due Mon 30 Nov, from 2 Nov). A video call never does."""
    baby, two = date(2025, 6, 1), date(2024, 11, 1)
    policy = profile("wirral")
    for dob, due in ((baby, date(2026, 12, 16)), (None, date(2026, 12, 16)),
                     (two, date(2026, 11, 30))):
        d = next_deadline(visits_of(*MIXED, dob=dob), policy, TODAY, key="visit")
        assert d.due == due, dob
    only_video = visits_of(VisitFact(NOV2), VisitFact(NOV16, virtual=True), dob=baby)
    assert next_deadline(only_video, policy, TODAY, key="visit").anchor == NOV2


# ---------------------------------------------------------------------- the plan's own visits


def test_visits_agreed_in_the_plan_more_often_than_the_policy():
    """BEX 3 "agree the frequency ... no less than every 4 weeks", TRA "as agreed in the
    Child in Need Plan": every 2 weeks agreed; seen alone Mon 2 Nov 2026 -> Mon 16 Nov (not
    the policy's Mon 30 Nov)."""
    events = visits_of(VisitFact(NOV2), plan_visit_every=parse_plan_visits("2 weeks"))
    d = only(events, "bexley", "visit")
    assert (d.due, d.source) == (date(2026, 11, 16), "CIN plan (BEX 3, TRA)")
    assert d.rule == ("within 2 weeks of the last visit where the child was seen alone, in "
                      "person, as agreed in the CIN plan")


def test_the_plan_never_makes_visits_less_often_than_the_policy():
    """BEX 3 ("no less than every 4 weeks"): a frequency less often than the policy cannot
    be agreed (`plan_visit_problem`), and were one stored the policy's date still stands
    (WIR 2.11: 2 Nov + 20 working days = Mon 30 Nov)."""
    events = visits_of(VisitFact(NOV2), plan_visit_every=parse_plan_visits("6 weeks"))
    d = only(events, "wirral", "visit")
    assert (d.due, d.source) == (date(2026, 11, 30), "WIR 2.11")


def test_four_weeks_agreed_is_sooner_than_20_working_days_over_christmas():
    """BEX 3 / WIR 2.11: seen Mon 7 Dec 2026; 4 weeks = Mon 4 Jan 2027, sooner than the 20
    working days (Thu 7 Jan) the bank holidays stretch: the plan's date applies."""
    events = visits_of(VisitFact(date(2026, 12, 7)),
                       plan_visit_every=parse_plan_visits("4 weeks"))
    assert only(events, "wirral", "visit", today=date(2026, 12, 8)).due == date(2027, 1, 4)


@pytest.mark.parametrize("typed, policy, refused", [
    ("2 weeks", "bexley", False), ("4 weeks", "bexley", False),
    ("20 working days", "bexley", False),  # 28 days either way
    ("5 weeks", "bexley", True), ("1 month", "bexley", True),  # longer than 4 weeks
    ("every 10 working days", "wirral", False), ("4 weeks", "wirral", False),
    ("30 days", "wirral", True), ("6 weeks", "england", True),
])
def test_a_plan_may_agree_visits_more_often_never_less(typed, policy, refused):
    """BEX 3, TRA: the problem names the policy's rule and source."""
    problem = plan_visit_problem(parse_plan_visits(typed), profile(policy))
    assert bool(problem) is refused
    if refused:
        source = profile(policy).timescale("visit").source
        assert source in problem and "never less (BEX 3, TRA)" in problem


@pytest.mark.parametrize("typed, amount, unit", [
    ("2 weeks", 2, "weeks"), ("every 10 working days", 10, "working_days"),
    ("10 wd", 10, "working_days"), ("1 Month", 1, "months"), ("every  3 days", 3, "days"),
])
def test_a_visit_frequency_is_typed_in_plain_words(typed, amount, unit):
    every = parse_plan_visits(typed)
    assert (every.amount, every.unit, every.source) == (amount, unit, "CIN plan (BEX 3, TRA)")


@pytest.mark.parametrize("typed", ["fortnightly", "0 weeks", "2", "weeks", "2 fortnights"])
def test_a_visit_frequency_not_understood_says_how_to_write_it(typed):
    with pytest.raises(ValueError, match="e.g. 2 weeks"):
        parse_plan_visits(typed)


# ---------------------------------------------------------------------- properties

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
maybe = st.none() | days
meetings = st.builds(MeetingFact, date=days,
                     kind=st.sampled_from(["initial", "review", "final", "transfer_in"]),
                     next_review=maybe, minutes_circulated=maybe, plan_circulated=maybe,
                     held=st.booleans())
any_events = st.builds(
    ChildEvents, referral=maybe, assessment_completed=maybe, initial_home_visit=maybe,
    support_started=maybe, cin_plan_start=maybe,
    visits=st.lists(st.builds(VisitFact, date=days, child_seen=st.booleans()),
                    max_size=5).map(tuple),
    meetings=st.lists(meetings, max_size=5).map(tuple),
    closure_decided=maybe, family_told_of_closure=maybe, step_down_decided=maybe,
    step_down_completed=maybe, moved_in=maybe, closed=maybe,
)


@given(any_events, days, st.sampled_from(SHIPPED))
def test_every_deadline_is_consistent(events, today, name):
    """Whatever the facts: one deadline per key, soonest first, each after its anchor
    (or on the date a meeting set), with a state that matches its date and count."""
    policy = profile(name)
    found = compute_deadlines(events, policy, today)
    assert [d.due for d in found] == sorted(d.due for d in found)
    assert len({d.key for d in found}) == len(found)
    for d in found:
        assert d.key in TIMESCALE_KEYS and d.source and d.policy == name
        assert d.due > d.anchor or d.rule.startswith("on the review date set")
        assert d.working_days_left == england_calendar().working_days_between(today, d.due)
        expected = (DueState.OVERDUE if d.due < today else DueState.DUE_TODAY if d.due == today
                    else DueState.DUE_SOON if d.working_days_left <= policy.due_soon_working_days
                    else DueState.UPCOMING)
        assert d.state is expected
    if events.closed:
        assert {d.key for d in found} <= {"closure_notification"}


@given(any_events, days)
def test_unseen_visits_never_move_the_visit_deadline(events, when):
    """WIR 2.11: a visit where the child was not seen does not reset the clock."""
    extra = replace(events, visits=events.visits + (VisitFact(when, child_seen=False),))
    wirral = profile("wirral")
    assert next_deadline(events, wirral, TODAY, key="visit") == \
        next_deadline(extra, wirral, TODAY, key="visit")


@given(any_events, days, st.booleans(), st.sampled_from(SHIPPED))
def test_virtual_visits_never_move_the_visit_deadline_by_default(events, when, alone, name):
    """WIR 2.11 with every shipped profile's default: a virtual visit restarts nothing."""
    extra = replace(events, visits=events.visits + (VisitFact(when, seen_alone=alone,
                                                              virtual=True),))
    policy = profile(name)
    assert not policy.visits.virtual_restarts_clock
    assert next_deadline(events, policy, TODAY, key="visit") == \
        next_deadline(extra, policy, TODAY, key="visit")
