"""The compliance and performance reports (DOMAIN.md §6, §8) over small hand-built histories.

Dates are chosen in Sep 2026 - Feb 2027, which hold no bank holiday in England except
Christmas, so the working-day arithmetic can be checked on a calendar by hand. The England
default profile: visits every 20 working days, first review 3 months after the initial
meeting, later reviews 3 months, minutes within 10 working days, initial meeting within 15
working days of the CIN plan start."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cintui.domain.policy import Timescale
from cintui.domain.records import replace
from cintui.domain.reports import (
    DURATION_BANDS,
    REREFERRAL_BANDS,
    ChildFacts,
    ComplianceLine,
    EpisodeFacts,
    Measure,
    child_compliance,
    compliance,
    duration_band,
    financial_quarter,
    fridays,
    month_ends,
    performance,
    rereferral_band,
    step_down_outcomes,
    visit_trend,
)
from cintui.domain.timescales import MeetingFact, VisitFact
from cintui.reference import policies

ENGLAND = policies.load_policy("england")
PLAN = EpisodeFacts(referral=date(2026, 8, 20), assessment_completed=date(2026, 9, 4),
                    cin_plan_start=date(2026, 9, 7))  # a Monday


def child(**kw) -> ChildFacts:
    kw.setdefault("id", "c1")
    kw.setdefault("episodes", (PLAN,))
    kw.setdefault("worker", "asmith")
    kw.setdefault("worker_name", "Alex Smith")
    kw.setdefault("team", "North")
    return ChildFacts(**kw)


def seen(*days: date) -> tuple[VisitFact, ...]:
    """Visits where the child was seen alone, in person (WIR 2.11)."""
    return tuple(VisitFact(d) for d in days)


def line(c: ChildFacts, start: date, end: date, policy=ENGLAND) -> ComplianceLine:
    return child_compliance(c, start, end, policy)


# ---------------------------------------------------------------------- visits


def test_visits_counted_against_the_previous_seen_visit():
    # WIR 2.11 (England default 20 working days). Plan starts Mon 7 Sep: first visit due
    # Mon 5 Oct; seen Fri 2 Oct -> in policy. Next due 20 wd after Fri 2 Oct = Fri 30 Oct;
    # seen Tue 3 Nov -> late. At the end (Mon 30 Nov) the clock runs from 3 Nov, due Tue 1 Dec:
    # not overdue. 1 of 2.
    c = child(visits=seen(date(2026, 10, 2), date(2026, 11, 3)))
    assert line(c, date(2026, 10, 1), date(2026, 11, 30)).visits == Measure(1, 2, 50.0)


def test_a_running_gap_counts_once_at_the_end():
    # Same visits; at Wed 2 Dec the visit due Tue 1 Dec is overdue: one more out of policy.
    c = child(visits=seen(date(2026, 10, 2), date(2026, 11, 3)))
    assert line(c, date(2026, 10, 1), date(2026, 12, 2)).visits == Measure(1, 3, 33.3)


def test_a_child_never_visited_is_not_compliant():
    # WIR 2.11: plan from 7 Sep, first visit due 5 Oct, none by 30 Nov: 0 of 1, not "—".
    assert line(child(), date(2026, 10, 1), date(2026, 11, 30)).visits == Measure(0, 1, 0.0)


def test_visits_where_the_child_was_not_seen_or_before_the_plan_do_not_count():
    # Only seen visits are facts at all; a seen visit before the plan started (1 Sep) is not
    # in the plan's cadence. The first visit after the plan is due 5 Oct: seen 5 Oct -> met.
    c = child(visits=seen(date(2026, 9, 1), date(2026, 10, 5)))
    assert line(c, date(2026, 9, 1), date(2026, 10, 30)).visits == Measure(1, 1, 100.0)


def test_visits_outside_the_period_set_the_clock_but_are_not_counted():
    # Visit 2 Oct (before the period) anchors the clock: 29 Oct is within 20 wd of it
    # (due 30 Oct) -> in policy; 2 Oct itself is not counted. 1 of 1.
    c = child(visits=seen(date(2026, 10, 2), date(2026, 10, 29)))
    assert line(c, date(2026, 10, 15), date(2026, 11, 6)).visits == Measure(1, 1, 100.0)


def test_no_plan_no_visit_measure():
    c = child(episodes=(EpisodeFacts(referral=date(2026, 9, 1)),),
              visits=seen(date(2026, 9, 10)))
    assert line(c, date(2026, 9, 1), date(2026, 11, 30)).visits == Measure(0, 0, None)


def test_bank_holidays_stretch_the_visit_timescale():
    # Seen Mon 14 Dec 2026; 20 working days skipping 25 and 28 Dec (Christmas, Boxing Day
    # substitute) and 1 Jan 2027: Thu 14 Jan (without the holidays: Mon 11 Jan).
    # Seen 14 Jan -> in policy; seen 15 Jan -> late.
    history = (date(2026, 10, 2), date(2026, 10, 29), date(2026, 11, 25), date(2026, 12, 14))
    on_time = child(visits=seen(*history, date(2027, 1, 14)))
    late = child(visits=seen(*history, date(2027, 1, 15)))
    assert line(on_time, date(2027, 1, 1), date(2027, 1, 15)).visits == Measure(1, 1, 100.0)
    assert line(late, date(2027, 1, 1), date(2027, 1, 15)).visits == Measure(0, 1, 0.0)


def test_visits_that_do_not_restart_the_clock_are_not_counted_either():
    """WIR 2.11, as the timescale engine: seen alone 2 Oct (due 5 Oct: met); a video call on
    29 Oct restarts nothing by default, so at Fri 6 Nov the clock from 2 Oct (due 30 Oct) is
    overdue: 1 of 2. Where the policy lets a virtual visit count, 29 Oct is met (due 30 Oct)
    and the clock from it runs to 26 Nov: 2 of 2."""
    c = child(visits=(VisitFact(date(2026, 10, 2)), VisitFact(date(2026, 10, 29), virtual=True)))
    period = (date(2026, 10, 1), date(2026, 11, 6))
    assert line(c, *period).visits == Measure(1, 2, 50.0)
    relaxed = replace(ENGLAND, visits=replace(ENGLAND.visits, virtual_restarts_clock=True))
    assert line(c, *period, policy=relaxed).visits == Measure(2, 2, 100.0)
    alone = child(visits=(VisitFact(date(2026, 10, 2)),
                          VisitFact(date(2026, 10, 29), seen_alone=False)), dob=date(2016, 1, 1))
    assert line(alone, *period).visits == Measure(1, 2, 50.0)
    baby = replace(alone, dob=date(2026, 1, 1))  # too young to be spoken to alone
    assert line(baby, *period).visits == Measure(2, 2, 100.0)


EVERY_2_WEEKS = Timescale("visit", 2, "weeks", "CIN plan (BEX 3, TRA)")


def test_visits_are_judged_by_the_frequency_agreed_in_the_plan():
    """BEX 3, TRA: visits every 2 weeks agreed on 7 Sep. Seen 18 Sep (due 21 Sep: met) and
    9 Oct (due 2 Oct, not the policy's 16 Oct: late); at 9 Oct the clock runs to 23 Oct.
    1 of 2, where the policy alone would give 2 of 2."""
    c = child(visits=seen(date(2026, 9, 18), date(2026, 10, 9)),
              plan_visits=((date(2026, 9, 7), EVERY_2_WEEKS),))
    period = (date(2026, 9, 1), date(2026, 10, 9))
    assert line(c, *period).visits == Measure(1, 2, 50.0)
    assert line(replace(c, plan_visits=()), *period).visits == Measure(2, 2, 100.0)
    # Agreed only on 5 Oct: 18 Sep is judged by the policy (met), 9 Oct by the plan (late).
    later = replace(c, plan_visits=((date(2026, 10, 5), EVERY_2_WEEKS),))
    assert line(later, *period).visits == Measure(1, 2, 50.0)
    # A later version without a frequency of its own: the policy again from 5 Oct.
    dropped = replace(c, plan_visits=((date(2026, 9, 7), EVERY_2_WEEKS),
                                      (date(2026, 10, 5), None)))
    assert line(dropped, *period).visits == Measure(2, 2, 100.0)


# ---------------------------------------------------------------------- reviews etc.

MEETINGS = (
    MeetingFact(date(2026, 9, 14), "initial", minutes_circulated=date(2026, 9, 25)),
    MeetingFact(date(2026, 12, 10), "review", next_review=date(2027, 2, 1)),
    MeetingFact(date(2027, 2, 5), "review", minutes_circulated=date(2027, 2, 19)),
)


def test_reviews_first_from_the_initial_meeting_then_the_date_set():
    # BEX 3 / TRA: first review due 3 months after 14 Sep = 14 Dec; held 10 Dec -> met.
    # The 10 Dec review set 1 Feb (sooner than 10 Mar: the meeting's date wins, DOMAIN §6);
    # held 5 Feb -> late. At 28 Feb the next (5 May) is not overdue. 1 of 2.
    c = child(meetings=MEETINGS)
    assert line(c, date(2026, 9, 1), date(2027, 2, 28)).reviews == Measure(1, 2, 50.0)


def test_an_overdue_review_at_the_end_counts_once():
    # Only the initial meeting held: first review due 14 Dec; at 31 Dec it is overdue.
    c = child(meetings=MEETINGS[:1])
    assert line(c, date(2026, 9, 1), date(2026, 12, 31)).reviews == Measure(0, 1, 0.0)
    assert line(c, date(2026, 9, 1), date(2026, 12, 14)).reviews == Measure(0, 0, None)


def test_minutes_judged_once_their_deadline_has_passed():
    # BEX 3: 10 working days. 14 Sep -> due 28 Sep, sent 25 Sep: met. 10 Dec -> due Thu
    # 24 Dec, never sent: not met. 5 Feb -> due 19 Feb, sent 19 Feb: met. 2 of 3.
    c = child(meetings=MEETINGS)
    assert line(c, date(2026, 9, 1), date(2027, 2, 28)).minutes == Measure(2, 3, 66.7)
    # At 20 Dec the 10 Dec minutes are not yet due: only the initial meeting's are judged.
    assert line(c, date(2026, 9, 1), date(2026, 12, 20)).minutes == Measure(1, 1, 100.0)


def test_initial_meeting_within_its_timescale_from_the_profiles_anchor():
    # WIR 2.3 (England default): 15 wd from the plan start 7 Sep = Mon 28 Sep; held 14 Sep.
    c = child(meetings=(MeetingFact(date(2026, 9, 30), "initial"),))
    assert line(c, date(2026, 9, 1), date(2026, 10, 30)).initial_meetings == Measure(0, 1, 0.0)
    # BEX 3: within 10 days of the assessment's completion (4 Sep) = 14 Sep: 14 Sep is met.
    bexley = policies.load_policy("bexley")
    assert bexley.timescales["initial_meeting"].anchor == "assessment_completed"
    on_time = child(meetings=MEETINGS[:1])
    assert line(on_time, date(2026, 9, 1), date(2026, 10, 30),
                bexley).initial_meetings.met == 1


def test_plans_passing_counts_children_with_a_plan_at_the_end():
    # BEX 2, WIR 2.3: the current plan passes the checks; no agreed plan fails.
    start, end = date(2026, 9, 1), date(2026, 11, 30)
    assert line(child(plan_passes=True), start, end).plans == Measure(1, 1, 100.0)
    assert line(child(plan_passes=False), start, end).plans == Measure(0, 1, 0.0)
    assert line(child(plan_passes=None), start, end).plans == Measure(0, 1, 0.0)
    closed = EpisodeFacts(referral=date(2026, 8, 20), cin_plan_start=date(2026, 9, 7),
                          closure=date(2026, 11, 1))
    assert line(child(episodes=(closed,), plan_passes=True), start, end).plans.total == 0


def test_sto_8_5_supervision_in_time_against_the_one_before_and_overdue_at_the_end():
    # STO 4.5, 8.5; WAR 12 (England default: every 4 weeks). Plan starts Mon 7 Sep: the first
    # supervision due Mon 5 Oct; held Fri 2 Oct -> in time. The next due Fri 30 Oct; held
    # Tue 3 Nov -> late. At the end (Mon 30 Nov) the next is due Tue 1 Dec: not overdue.
    held = ((date(2026, 10, 2), None), (date(2026, 11, 3), None))
    start, end = date(2026, 10, 1), date(2026, 11, 30)
    assert line(child(supervisions=held), start, end).supervision == Measure(1, 2, 50.0)
    # The manager set the next for 17 Nov at the one of 3 Nov: overdue at the end, once.
    sooner = (held[0], (date(2026, 11, 3), date(2026, 11, 17)))
    assert line(child(supervisions=sooner), start, end).supervision == Measure(1, 3, 33.3)
    # Never supervised: overdue since 5 Oct, counted once at the end (as the team view).
    assert line(child(), start, end).supervision == Measure(0, 1, 0.0)
    # An earlier episode's supervision does not count for a re-referral (STO 8.5).
    old = EpisodeFacts(referral=date(2026, 1, 5), cin_plan_start=date(2026, 1, 12),
                       closure=date(2026, 6, 30))
    again = child(episodes=(old, PLAN), supervisions=((date(2026, 6, 1), None),))
    assert line(again, start, end).supervision == Measure(0, 1, 0.0)


def test_compliance_by_worker_and_team_add_up():
    a = child(id="a", visits=seen(date(2026, 10, 2)), plan_passes=True)
    b = child(id="b", worker="bjones", worker_name="Bo Jones", team="South")
    c = child(id="c", worker="", worker_name="", team="South")
    got = compliance([a, b, c], date(2026, 10, 1), date(2026, 10, 30), ENGLAND)
    # a: 2 Oct in policy, next due 30 Oct not overdue on 30 Oct -> 1/1; b, c never visited,
    # due 5 Oct -> 0/1 each. Plans: a passes, b and c have none agreed.
    assert got.total.visits == Measure(1, 3, 33.3)
    assert got.total.plans == Measure(1, 3, 33.3)
    assert set(got.by_worker) == {"asmith", "bjones", ""}
    assert got.by_worker["bjones"].name == "Bo Jones" and got.by_worker["bjones"].children == 1
    assert got.by_team["South"].visits == Measure(0, 2, 0.0)
    total = ComplianceLine()
    for w in got.by_worker.values():
        total = total + w.line
    assert total == got.total
    assert sum((t for t in got.by_team.values()), ComplianceLine()) == got.total


def test_compliance_rejects_a_backwards_period():
    with pytest.raises(ValueError):
        compliance([], date(2026, 2, 1), date(2026, 1, 1), ENGLAND)


# ---------------------------------------------------------------------- the trend


def test_fridays_end_on_or_before_the_end():
    assert fridays(date(2026, 11, 23), 3) == [date(2026, 11, 6), date(2026, 11, 13),
                                              date(2026, 11, 20)]
    assert fridays(date(2026, 11, 20), 1) == [date(2026, 11, 20)]


def test_visit_trend_is_a_weekly_snapshot_of_clocks_not_overdue():
    # Plan from 7 Sep, first visit due 5 Oct, seen 16 Oct, next due 13 Nov.
    # Fri 2 Oct: not overdue; 9 Oct: overdue; 16 Oct: seen that day; 13 Nov: due that day
    # (not overdue); 20 Nov: overdue. The second child has no plan: never counted.
    a = child(visits=seen(date(2026, 10, 16)))
    b = child(id="b", episodes=(EpisodeFacts(referral=date(2026, 9, 1)),))
    trend = visit_trend([a, b], date(2026, 11, 22), 8, ENGLAND)
    assert [p.day for p in trend][0] == date(2026, 10, 2)
    assert [p.measure.met for p in trend] == [1, 0, 1, 1, 1, 1, 1, 0]
    assert all(p.measure.total == 1 for p in trend)
    assert visit_trend([a, b], date(2026, 11, 22), 8, ENGLAND, team="South")[0].measure \
        == Measure(0, 0, None)


def test_an_imported_case_is_judged_only_from_the_day_its_record_began():
    """A case imported on Mon 30 Nov (`cintui import caseload`) brings its plan start (7 Sep),
    its initial meeting (14 Sep, no review since) and its last visit (Tue 3 Nov): the visits
    and reviews between were not carried over. WIR 2.11, BEX 3: the gap that ended with the
    3 Nov visit is not judged (it is not "late" against the plan start), the minutes taken
    as sent are not counted; a clock running at the end, and a visit after the import
    (against the 3 Nov one), are judged as the app shows them; the trend has no point for
    the child before 30 Nov."""
    imported = replace(PLAN, recorded_from=date(2026, 11, 30))
    c = child(episodes=(imported,), visits=seen(date(2026, 11, 3)),
              meetings=(MeetingFact(date(2026, 9, 14), "initial",
                                    minutes_circulated=date(2026, 9, 14)),))
    before = line(c, date(2026, 9, 1), date(2026, 11, 30))
    assert before.visits == Measure(0, 0, None)  # the 3 Nov visit: its gap is not known
    assert before.minutes == Measure(0, 0, None)  # assumed sent on the day: not a fact
    assert before.initial_meetings == Measure(1, 1, 100.0)  # two real dates: judged
    # At 31 Dec the first review (due 14 Dec) is overdue and the visit clock (due 1 Dec)
    # too: both running after the record began, both counted, as the app shows them.
    after = line(c, date(2026, 9, 1), date(2026, 12, 31))
    assert after.visits == Measure(0, 1, 0.0) and after.reviews == Measure(0, 1, 0.0)
    # A visit in cintui after the import is judged against the imported last one: seen Wed
    # 2 Dec, within 20 working days of 3 Nov (due 1 Dec)? No: one day late.
    visited = replace(c, visits=seen(date(2026, 11, 3), date(2026, 12, 2)))
    assert line(visited, date(2026, 9, 1), date(2026, 12, 4)).visits == Measure(0, 1, 0.0)
    # The same case entered in cintui from the start: the 3 Nov visit was late.
    assert line(child(episodes=(PLAN,), visits=seen(date(2026, 11, 3))), date(2026, 9, 1),
                date(2026, 11, 30)).visits == Measure(0, 1, 0.0)
    trend = visit_trend([c], date(2026, 12, 4), 4, ENGLAND)
    assert [(p.day, p.measure.total) for p in trend] == [
        (date(2026, 11, 13), 0), (date(2026, 11, 20), 0), (date(2026, 11, 27), 0),
        (date(2026, 12, 4), 1)]


# ---------------------------------------------------------------------- performance


def test_bands_and_quarters():
    # STO 3.2: 10 May + 3 months = 10 Aug: closed 9 Aug is under 3, 10 Aug is 3 to 6.
    assert duration_band(date(2025, 5, 10), date(2025, 8, 9)) == "under 3 months"
    assert duration_band(date(2025, 5, 10), date(2025, 8, 10)) == "3 to 6 months"
    assert duration_band(date(2025, 5, 10), date(2026, 2, 10)) == "9 months and over"
    # WAR 3.4: within 1 month of 9 Jul is up to 9 Aug inclusive.
    assert rereferral_band(date(2025, 7, 9), date(2025, 8, 9)) == "within 1 month"
    assert rereferral_band(date(2025, 7, 9), date(2025, 8, 10)) == "1 to 3 months"
    assert rereferral_band(date(2024, 9, 1), date(2025, 10, 15)) == "over 12 months"
    assert financial_quarter(date(2026, 3, 31))[:2] == (2025, 4)
    assert financial_quarter(date(2026, 4, 1))[1:] == (1, date(2026, 4, 1), date(2026, 6, 30))
    assert month_ends(date(2026, 1, 15), date(2026, 3, 30)) == [date(2026, 1, 31),
                                                                 date(2026, 2, 28)]


def test_performance_over_a_hand_built_year():
    a = ChildFacts("a", (
        EpisodeFacts(date(2025, 5, 10), closure=date(2025, 7, 9)),
        EpisodeFacts(date(2025, 8, 1), closure=date(2026, 2, 1), unmet_need_stepped_down=True),
    ), worker="w2", worker_name="Wyn Two")
    b = ChildFacts("b", (
        EpisodeFacts(date(2024, 6, 1), closure=date(2024, 9, 1)),
        EpisodeFacts(date(2025, 10, 15)),
    ), worker="w1", worker_name="Wen One")
    c = ChildFacts("c", (EpisodeFacts(date(2025, 4, 1)),), worker="w1", worker_name="Wen One")
    p = performance([a, b, c], date(2025, 4, 1), date(2026, 3, 31),
                    workers={"w1": "Wen One", "w2": "Wyn Two"})
    # STO 3.1: referrals 1 Apr (c), 10 May (a), 1 Aug (a), 15 Oct (b) = 4. Q1 2025: 2, against
    # Q1 2024: 1 (b, 1 Jun 2024) -> +1, +100%. Q2: 1 against 0 (no %). Q3: 1. Q4: 0.
    assert p.referrals == 4
    assert [(q.label, q.count, q.year_before, q.change, q.change_percent)
            for q in p.quarters] == [("2025-26 Q1", 2, 1, 1, 100.0),
                                     ("2025-26 Q2", 1, 0, 1, None),
                                     ("2025-26 Q3", 1, 0, 1, None),
                                     ("2025-26 Q4", 0, 0, 0, None)]
    # STO 3.2: a closed 9 Jul (2 months), 1 Feb (1 Aug + 6 months = 1 Feb: 6 to 9).
    assert p.closures == 2
    assert p.duration_bands == {"under 3 months": 1, "3 to 6 months": 0, "6 to 9 months": 1,
                                "9 months and over": 0}
    # STO 3.3: one of the two closures stepped down with unmet need.
    assert p.stepped_down_unmet_need == Measure(1, 2, 50.0)
    # WAR 3.2-3.4: a back 1 Aug, 23 days after 9 Jul; b back 15 Oct 2025, 13 months after
    # 1 Sep 2024. Rate: 1 within 12 months of 4 referrals = 25%.
    assert p.rereferrals == 2
    assert p.rereferral_bands["within 1 month"] == 1
    assert p.rereferral_bands["over 12 months"] == 1
    assert p.rereferral_rate == Measure(1, 4, 25.0)
    # WAR 3.1: open at each month end: Apr c; May-Jun a, c; Jul c; Aug-Sep a, c;
    # Oct-Jan a, b, c; Feb-Mar b, c.
    assert [m.count for m in p.open_by_month] == [1, 2, 2, 1, 2, 2, 3, 3, 3, 3, 2, 2]
    # WAR 3.5: at 31 Mar 2026 w1 holds b and c; w2 none.
    assert p.caseload.by_worker == {"w1": ("Wen One", 2), "w2": ("Wyn Two", 0)}
    assert (p.caseload.mean, p.caseload.min, p.caseload.max) == (1.0, 0, 2)


# ---------------------------------------------------------------------- reconciliation

DAY0 = date(2025, 1, 1)


@st.composite
def histories(draw):
    children = []
    for i in range(draw(st.integers(0, 6))):
        day = DAY0 + timedelta(days=draw(st.integers(0, 200)))
        episodes, days, meetings = [], [], []
        for _ in range(draw(st.integers(1, 3))):
            plan = day + timedelta(days=draw(st.integers(0, 40))) if draw(st.booleans()) else None
            closure = None
            if draw(st.booleans()):
                closure = day + timedelta(days=draw(st.integers(0, 400)))
            episodes.append(EpisodeFacts(day, closure=closure, cin_plan_start=plan,
                                         assessment_completed=plan,
                                         unmet_need_stepped_down=draw(st.booleans())))
            for _ in range(draw(st.integers(0, 4))):
                days.append(day + timedelta(days=draw(st.integers(0, 300))))
            for kind in draw(st.lists(st.sampled_from(["initial", "review", "final"]),
                                      max_size=3)):
                at = day + timedelta(days=draw(st.integers(0, 300)))
                sent = at + timedelta(days=draw(st.integers(0, 30))) if draw(st.booleans()) \
                    else None
                meetings.append(MeetingFact(at, kind, minutes_circulated=sent))
            day = (closure or day) + timedelta(days=draw(st.integers(1, 500)))
        children.append(ChildFacts(
            str(i), tuple(episodes), worker=draw(st.sampled_from(["", "w1", "w2"])),
            team=draw(st.sampled_from(["", "North", "South"])), visits=seen(*days),
            meetings=tuple(meetings), plan_passes=draw(st.sampled_from([None, True, False]))))
    start = DAY0 + timedelta(days=draw(st.integers(0, 700)))
    return children, start, start + timedelta(days=draw(st.integers(0, 500)))


@settings(max_examples=60, deadline=None)
@given(histories())
def test_reports_reconcile_over_random_histories(case):
    children, start, end = case
    p = performance(children, start, end)
    assert sum(p.duration_bands.values()) == p.closures
    assert set(p.duration_bands) == set(DURATION_BANDS)
    assert sum(p.rereferral_bands.values()) == p.rereferrals <= p.referrals
    assert set(p.rereferral_bands) == set(REREFERRAL_BANDS)
    assert p.rereferrals_within_12_months == p.rereferrals - p.rereferral_bands["over 12 months"]
    assert sum(q.count for q in p.quarters) == p.referrals
    assert p.stepped_down_unmet_need.total == p.closures
    assert sum(n for _name, n in p.caseload.by_worker.values()) + p.caseload.unallocated \
        == sum(any(e.open_on(end) for e in c.episodes) for c in children)
    c = compliance(children, start, end, ENGLAND)
    for _key, m in c.total.measures():
        assert 0 <= m.met <= m.total
    assert sum((w.line for w in c.by_worker.values()), ComplianceLine()) == c.total
    assert sum((t for t in c.by_team.values()), ComplianceLine()) == c.total
    assert sum(child_compliance(ch, start, end, ENGLAND).plans.total for ch in children) \
        == c.total.plans.total == sum(any(e.plan_on(end) for e in ch.episodes)
                                      for ch in children)


def test_a_step_down_is_sustained_when_no_referral_follows_within_12_months_war_9_3():
    """WAR 9.3 "Increase in the number of sustainable step downs to Early Help": of the
    step-downs closed in the period, those whose 12 months have passed with no re-referral
    are sustained; one re-referred within them is not; the rest are too recent to tell. A
    closure that is not a step-down is not counted."""
    def stepped(closed: date, again: date | None = None, down: bool = True) -> ChildFacts:
        first = EpisodeFacts(referral=closed - timedelta(days=60), closure=closed,
                             stepped_down=down)
        later = (EpisodeFacts(referral=again),) if again else ()
        return child(id=f"c{closed}{again}{down}", episodes=(first, *later))

    children = [
        stepped(date(2025, 3, 3)),  # 12 months passed by the end: sustained
        stepped(date(2025, 3, 3), again=date(2026, 3, 2)),  # back a day short of 12 months
        stepped(date(2025, 3, 3), again=date(2026, 3, 4)),  # back after: still sustained
        stepped(date(2025, 9, 1), again=date(2025, 10, 1)),  # back in a month: judged now
        stepped(date(2025, 10, 1)),  # not 12 months by the end: too recent
        stepped(date(2025, 3, 3), down=False),  # an ordinary closure
        stepped(date(2024, 12, 2)),  # closed before the period
    ]
    assert step_down_outcomes(children, date(2025, 1, 1), date(2026, 6, 30)) == (2, 4, 1)
    report = performance(children, date(2025, 1, 1), date(2026, 6, 30))
    assert (report.sustained_step_downs, report.step_downs_too_recent) == (
        Measure.of(2, 4), 1)
