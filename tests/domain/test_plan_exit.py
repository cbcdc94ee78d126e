"""Plans with an exit (DOMAIN.md §11): BEX 3 "the social worker must clearly explain to a
family any 'bottom lines' … what action may be taken if the plan is not successful";
"If there are significant changes in the family circumstances, an early review should take
place" (BEX 3); STO 6.3 "clearer plans with exit strategies". Hand-worked dates."""

from __future__ import annotations

from datetime import date

from cintui.domain.plan import early_review_problems, red_prompt
from cintui.domain.records import replace
from cintui.domain.timescales import ChildEvents, DueState, MeetingFact, next_deadline
from cintui.reference import policies

TODAY = date(2026, 11, 23)


def review_clock(**early):
    """England: initial meeting 2 Nov 2026, first review 3 months on: 2 Feb 2027."""
    events = ChildEvents(cin_plan_start=date(2026, 10, 14), meetings=(
        MeetingFact(date(2026, 11, 2), "initial", minutes_circulated=date(2026, 11, 2),
                    plan_circulated=date(2026, 11, 2)),), **early)
    return events, next_deadline(events, policies.load_policy("england"), TODAY,
                                 key="first_review")


def test_an_early_review_brings_the_review_clock_forward_bex_3():
    _, normal = review_clock()
    assert normal.due == date(2027, 2, 2)
    _, early = review_clock(early_review_by=date(2026, 12, 4),
                            early_review_asked=date(2026, 11, 20))
    assert (early.due, early.source) == (date(2026, 12, 4), "BEX 3")
    assert early.rule == ("brought forward on 20 Nov 2026 after a significant change in the "
                          "family's circumstances (an early review)")
    assert early.state is DueState.UPCOMING


def test_a_review_held_since_it_was_asked_answers_the_early_review():
    """Once a review is held on or after the day the early review was asked, the clock runs
    from that review again (the request is answered, not carried forward)."""
    events, _ = review_clock(early_review_by=date(2026, 12, 4),
                             early_review_asked=date(2026, 11, 20))
    held = MeetingFact(date(2026, 11, 27), "review", minutes_circulated=date(2026, 11, 27),
                       plan_circulated=date(2026, 11, 27))
    later = replace(events, meetings=(*events.meetings, held))
    d = next_deadline(later, policies.load_policy("england"), TODAY, key="review")
    assert d.due == date(2027, 2, 26)  # 27 Nov + 3 months = Sat 27 Feb: Fri 26 Feb
    assert d.source != "BEX 3"


def test_an_early_review_later_than_the_one_due_changes_nothing():
    _, d = review_clock(early_review_by=date(2027, 3, 1), early_review_asked=TODAY)
    assert d.due == date(2027, 2, 2)


def test_bringing_a_review_forward_needs_a_date_before_the_one_due_and_what_changed():
    due = date(2027, 2, 2)
    assert early_review_problems(date(2026, 12, 4), "Dad has left the home", TODAY, due) == []
    assert dict(early_review_problems(None, "", TODAY, due)) == {
        "by": "give the date the review is brought forward to",
        "reason": "say what has changed in the family's circumstances (BEX 3)"}
    assert dict(early_review_problems(date(2026, 11, 20), "x", TODAY, due))["by"] == \
        "20 Nov 2026 is in the past"
    assert dict(early_review_problems(date(2027, 2, 2), "x", TODAY, due))["by"] == (
        "the review is already due by 2 Feb 2027: an early review comes before that (BEX 3)")


def test_a_need_going_red_prompts_an_early_review_bex_3():
    assert "bringing the review forward (BEX 3" in red_prompt("A", "R")
    assert red_prompt(None, "R") is not None
    assert red_prompt("R", "R") is None and red_prompt("A", "G") is None
