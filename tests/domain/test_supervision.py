"""Supervision and case direction (DOMAIN.md §11): STO 4.5 "Improve the quality of
supervision on cases involving neglect"; STO 8.5 "Sharper focus on care planning during
supervision preventing drift"; WAR 12 (the Supervision Policy). Hand-worked dates."""

from __future__ import annotations

from datetime import date

from cintui.domain.policy import Timescale
from cintui.domain.supervision import (
    SupervisionAction,
    SupervisionFact,
    check_supervision,
    supervision_due,
)
from cintui.domain.timescales import DueState

EVERY_4_WEEKS = Timescale("supervision", 4, "weeks", "England default (cf. STO 4.5, 8.5; WAR 12)")
TODAY = date(2026, 11, 23)


def problems(**changes) -> dict[str, str]:
    values = dict(manager="tom", manager_role="team_manager", held_on=date(2026, 11, 20),
                  present="Amira Khan", discussion="Attendance up; dental check not booked",
                  decisions="Plan continues; ask the GP", today=TODAY,
                  actions=[SupervisionAction("Ask the GP", "Amira", date(2026, 11, 27))],
                  next_due=None, referral=date(2026, 9, 1), timescale=EVERY_4_WEEKS)
    values.update(changes)
    return {p.field: p.message for p in check_supervision(**values)}


def test_a_complete_supervision_by_a_manager_passes_sto_4_5():
    assert problems() == {}
    assert problems(manager_role="service_manager") == {}


def test_only_a_manager_records_supervision_sto_4_5():
    """STO 4.5, 8.5: supervision is the manager's; the refusal names the role needed and
    the person's own (workforce.needs_role)."""
    got = problems(manager="amira", manager_role="social_worker")
    assert got == {"by": "recording supervision needs a team manager or service manager; "
                         "amira is a social worker (STO 4.5, 8.5)"}
    assert "is not a worker on this store" in problems(manager="x", manager_role="")["by"]


def test_discussion_decisions_and_who_was_there_are_required_sto_8_5():
    got = problems(present=" ", discussion="", decisions="")
    assert set(got) == {"present", "discussion", "decisions"}
    assert "STO 8.5" in got["discussion"] and "BEX 4" in got["decisions"]


def test_each_action_has_an_owner_and_a_date_wir_2_3():
    """WIR 2.3 (as a plan's actions): who does what by when; not before the supervision."""
    got = problems(actions=[SupervisionAction("Ask the GP", "", None),
                            SupervisionAction("", "Amira", date(2026, 11, 1))])
    assert got == {"action1_who": "action 1: name who will do it (WIR 2.3)",
                   "action1_by": "action 1: give the date it is due by (WIR 2.3)",
                   "action2": "action 2: say what is to be done",
                   "action2_by": "action 2: 1 Nov 2026 is before the supervision"}


def test_the_date_is_not_in_the_future_nor_before_the_referral():
    assert "in the future" in problems(held_on=date(2026, 11, 24))["on"]
    assert "before the referral (1 Sep 2026)" in problems(held_on=date(2026, 8, 31))["on"]
    assert "give the date" in problems(held_on=None)["on"]


def test_next_supervision_no_later_than_the_policys_timescale():
    """The manager may set the next supervision sooner, never later than the policy's
    4 weeks: 20 Nov + 4 weeks = 18 Dec."""
    assert problems(next_due=date(2026, 12, 18)) == {}
    assert problems(next_due=date(2026, 12, 18 + 1))["next_due"] == (
        "the policy says every 4 weeks (England default (cf. STO 4.5, 8.5; WAR 12)): by "
        "18 Dec 2026 at the latest")
    assert "after this one" in problems(next_due=date(2026, 11, 20))["next_due"]


def test_due_from_the_last_supervision_or_the_date_the_manager_set_sto_8_5():
    last = SupervisionFact(date(2026, 11, 2), "Tom Hale")
    due = supervision_due(last, date(2026, 9, 1), EVERY_4_WEEKS, TODAY)
    assert (due.due, due.state) == (date(2026, 11, 30), DueState.DUE_SOON)
    assert due.rule == "within 4 weeks of the last supervision (2 Nov 2026)"
    sooner = SupervisionFact(date(2026, 11, 2), "Tom Hale", next_due=date(2026, 11, 16))
    due = supervision_due(sooner, date(2026, 9, 1), EVERY_4_WEEKS, TODAY)
    assert (due.due, due.overdue) == (date(2026, 11, 16), True)
    assert due.describe() == "overdue since 16 Nov 2026"
    assert "date set at the supervision of 2 Nov 2026" in due.rule


def test_a_column_of_supervisions_lines_its_months_up_sto_8_5():
    """The team view's Supervision column: the words padded to the longest and the day
    padded (as the QA column's `day_words(pad=True)`), so each month is under the one
    above: "due 4 Dec 2026" and "overdue: 27 Oct 2025" once began their months apart."""
    last = SupervisionFact(date(2026, 11, 2), "Tom Hale")
    soon = supervision_due(last, date(2026, 9, 1), EVERY_4_WEEKS, TODAY)
    late = supervision_due(SupervisionFact(date(2026, 11, 2), "Tom Hale",
                                           next_due=date(2026, 11, 16)),
                           date(2026, 9, 1), EVERY_4_WEEKS, TODAY)
    later = supervision_due(SupervisionFact(date(2026, 11, 23), "Tom Hale",
                                            next_due=date(2026, 12, 4)),
                            date(2026, 9, 1), EVERY_4_WEEKS, TODAY)
    assert [d.column(short=True) for d in (soon, late, later)] == [
        "soon:    30 Nov 2026", "overdue: 16 Nov 2026", "due       4 Dec 2026"]
    assert [d.column() for d in (soon, late, later)] == [
        "due soon:     30 Nov 2026", "overdue since 16 Nov 2026", "due            4 Dec 2026"]
    assert later.describe(short=True) == "due 4 Dec 2026"  # in a sentence, as it was


def test_before_the_first_supervision_the_clock_runs_from_the_start_of_the_case():
    """No supervision yet: from the CIN plan's start (the caller passes it, or the
    referral). None to count from: no clock."""
    due = supervision_due(None, date(2026, 10, 14), EVERY_4_WEEKS, TODAY)
    assert (due.due, due.overdue) == (date(2026, 11, 11), True)
    assert "no supervision yet" in due.anchor_label
    assert supervision_due(None, None, EVERY_4_WEEKS, TODAY) is None


def test_an_imported_case_is_due_supervision_from_the_day_it_came_in():
    """STO 4.5, 8.5: a caseload file carries no supervision history, so a case imported
    months after its plan began is not "overdue since May" the day it arrives; its first
    supervision here is due within the timescale of the import. A supervision recorded
    since counts as ever, and a case imported before its start runs from its start."""
    due = supervision_due(None, date(2026, 4, 14), EVERY_4_WEEKS, TODAY,
                          recorded_from=date(2026, 11, 20))
    assert (due.due, due.overdue) == (date(2026, 12, 18), False)
    assert due.anchor_label.startswith("the case's import (20 Nov 2026)")
    assert supervision_due(None, date(2026, 4, 14), EVERY_4_WEEKS, TODAY).overdue
    after = supervision_due(SupervisionFact(date(2026, 11, 21), ""), date(2026, 4, 14),
                            EVERY_4_WEEKS, TODAY, recorded_from=date(2026, 11, 20))
    assert after.due == date(2026, 12, 18) and "last supervision" in after.anchor_label
    early = supervision_due(None, date(2026, 11, 21), EVERY_4_WEEKS, TODAY,
                            recorded_from=date(2026, 11, 20))
    assert "start of the case" in early.anchor_label


def test_a_due_date_on_a_bank_holiday_moves_to_the_working_day_before():
    """DOMAIN.md §11: 28 Nov + 4 weeks = 26 Dec 2026 (Boxing Day, a Saturday; the 28th is
    its substitute) is due on Thursday 24 Dec."""
    last = SupervisionFact(date(2026, 11, 28), "Tom Hale")
    due = supervision_due(last, None, EVERY_4_WEEKS, TODAY)
    assert due.due == date(2026, 12, 24)
    assert "due the working day before" in due.rule
