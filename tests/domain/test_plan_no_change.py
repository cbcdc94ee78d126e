"""WIR 2.3: "If a Child in Need Plan fails to bring about significant positive change in a
child's circumstances ... the professionals involved should discuss convening a Child
Protection Case Conference." The prompt's rule: two reviews' worth of the plan (6 months)
with a worry still Red or Amber and no need's rating better, and no conference considered
since."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.no_change import improved, no_change_prompt, no_positive_change
from cintui.domain.plan import Need, RagChange, open_worries

START = date(2026, 4, 14)


def need(*changes: tuple[date, str, str | None], kind: str = "worry") -> Need:
    history = tuple(RagChange(on, rating, previous) for on, rating, previous in changes)
    return Need("School attendance is low", rag=history[-1].rating, kind=kind,
                rag_history=history)


AMBER = need((START, "A", None))


def stalled(needs, today, considered=()) -> date | None:
    """As the Summary and the team view ask it: the needs' better ratings, and the days a
    conference was considered, as the changes."""
    better = [c.on for n in needs for c in n.rag_history if improved(c.previous, c.rating)]
    return no_positive_change(open_worries(needs), START, today, [*better, *considered])


def test_six_months_of_a_plan_with_no_need_better_prompts_from_its_start_wir_2_3():
    assert stalled([AMBER], date(2026, 10, 14)) == START
    assert stalled([AMBER], date(2026, 10, 13)) is None  # a day short
    words = no_change_prompt(START)
    assert words.startswith("No need has improved since 14 Apr 2026 (WIR 2.3")
    assert "child protection conference" in words


def test_a_need_rated_better_restarts_the_six_months():
    better = need((START, "A", None), (date(2026, 8, 3), "G", "A"))
    assert stalled([AMBER, better], date(2026, 11, 23)) is None
    assert stalled([AMBER, better], date(2027, 2, 3)) == date(2026, 8, 3)
    worse = need((START, "A", None), (date(2026, 8, 3), "R", "A"))  # not better
    assert stalled([worse], date(2026, 11, 23)) == START


def test_a_conference_considered_restarts_it_and_nothing_open_never_prompts():
    considered = [date(2026, 9, 30)]
    assert stalled([AMBER], date(2026, 11, 23), considered) is None
    assert stalled([AMBER], date(2027, 3, 30), considered) == date(2026, 9, 30)
    green = need((START, "G", None))
    strength = need((START, "A", None), kind="strength")
    assert stalled([green, strength], date(2027, 1, 1)) is None
    assert no_positive_change(True, None, date(2027, 1, 1)) is None  # no plan started


@given(st.dates(min_value=START, max_value=date(2030, 1, 1)))
def test_the_prompt_never_comes_before_six_months_of_the_plan(today):
    since = stalled([AMBER], today)
    assert (since is not None) == (today >= date(2026, 10, 14))


def test_on_the_due_list_a_conference_to_consider_is_due_when_the_six_months_ran_out_wir_2_3():
    """My week and `cintui due`: the item is due the day the six months ran out (due today
    on that day, overdue after it, in working days), with the day since which nothing
    improved."""
    from cintui.domain.calendar import england_calendar
    from cintui.domain.due import ChildRef, describe_left, no_change_item
    from cintui.domain.timescales import DueState

    cal, child = england_calendar(), ChildRef("1", "CIN000001", "Ava Brook")
    on_the_day = no_change_item(child, START, date(2026, 10, 14), cal)
    assert (on_the_day.due, on_the_day.state) == (date(2026, 10, 14), DueState.DUE_TODAY)
    later = no_change_item(child, START, date(2026, 10, 21), cal)  # Wed to the next Wed
    assert later.state is DueState.OVERDUE and describe_left(later) == "5 wd overdue"
    assert later.detail == "no need rated better since 14 Apr 2026"
    assert later.source == "WIR 2.3" and later.target == "no_change"
