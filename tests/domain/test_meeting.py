"""Meetings and minutes as plain values (DOMAIN.md §5; WIR 2.3-2.9, BEX 3)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from cintui.domain.calendar import england_calendar
from cintui.domain.meeting import (
    ActionUpdate,
    AgreedAction,
    Decisions,
    Invitee,
    Minutes,
    NeedUpdate,
    NewConcern,
    Schedule,
    agreed_action_from_line,
    agreed_action_line,
    agreed_action_problems,
    check_place,
    circulated_on,
    closed_day_warning,
    held_at_problem,
    kind_to_book,
    minutes_for,
    minutes_problems,
    must_receive,
    named_need,
    off_booking,
    parents_to_receive,
    problem_place,
    schedule_problems,
    school_hours_warning,
    soon_after_warning,
    still_to_receive,
    suggested_start,
    updated_plan,
    when_warnings,
)
from cintui.domain.plan import Need, PlanAction, PlanVersion

MON_2PM = datetime(2026, 11, 30, 14, 0)
A1, A2, G1 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
ACT = uuid.uuid4()
PLAN = PlanVersion(number=3, status="agreed", needs=(
    Need("School attendance is 87%", "Attendance above 95% for a term", rag="A", key=A1,
         actions=(PlanAction("Walk Leo to school", "Mum", date(2026, 12, 1), key=ACT),)),
    Need("Leo sees his dad", rag="G", key=G1),
    Need("Mum's low mood", "Mum says she copes", rag="R", key=A2),
))


def test_school_hours_warning_for_school_age_children_on_school_days():
    """WIR 2.8: meetings for school-age children are held outside school hours."""
    assert "WIR 2.8" in school_hours_warning(MON_2PM, 9)
    assert school_hours_warning(datetime(2026, 11, 30, 16, 0), 9) == ""  # after school
    assert school_hours_warning(datetime(2026, 11, 28, 11, 0), 9) == ""  # a Saturday
    assert school_hours_warning(MON_2PM, 3) == ""  # not school age
    assert school_hours_warning(MON_2PM, None) == ""  # unborn


def test_a_meeting_on_a_weekend_or_a_bank_holiday_is_said_never_refused():
    """The professionals invited are seldom at work on a weekend or a bank holiday (a
    family may still ask for a Saturday): the booking says so, by the day's name."""
    cal = england_calendar()
    assert closed_day_warning(MON_2PM, cal) == ""
    assert closed_day_warning(datetime(2027, 3, 7, 10, 0), cal) == (
        "Sun 7 Mar 2027 is a Sunday, not a working day: book it then only if the family "
        "and everyone invited can come")
    boxing_day = closed_day_warning(datetime(2026, 12, 28, 16, 0), cal)  # Boxing Day, moved
    assert boxing_day.startswith("Mon 28 Dec 2026 is a bank holiday (Boxing Day")


def test_a_bookings_time_is_told_everything_at_once_wir_2_8_bex_3():
    """The booking form and `meeting schedule` say the same: the closed day, school hours
    (WIR 2.8) and a review soon after the last (BEX 3), in that order, none refused."""
    cal, held = england_calendar(), ("review", date(2026, 11, 20), None)
    assert when_warnings("review", MON_2PM, 9, None, cal) == [
        school_hours_warning(MON_2PM, 9)]
    # Boxing Day at 10:00: the closed day, and no school hours (there is no school).
    said = when_warnings("review", datetime(2026, 12, 28, 10, 0), 9, held, cal)
    assert len(said) == 1 and said[0].startswith("Mon 28 Dec 2026 is a bank holiday")
    assert when_warnings("review", MON_2PM, 9, held, cal)[1].startswith(
        "this review is 10 days after the CIN review meeting held")
    after_initial = ("initial", date(2026, 11, 20), None)
    assert "10 days after the initial CIN planning meeting held on 20 Nov 2026" in \
        when_warnings("review", MON_2PM, 9, after_initial, cal)[1]
    assert when_warnings("review", datetime(2026, 11, 30, 16, 0), 3, None, cal) == []


def test_a_review_booked_soon_after_the_last_meeting_warns_bex_3():
    """Reviews are 3-monthly (WIR 2.3); an early one follows a significant change (BEX 3):
    booking one within four weeks of the last meeting held says so, never refuses."""
    held = date(2026, 11, 29)
    warning = soon_after_warning("review", MON_2PM, "review", held, date(2027, 2, 26))
    assert warning.startswith("this review is the day after the CIN review meeting held on "
                              "29 Nov 2026; the next review is due by 26 Feb 2027")
    assert "BEX 3" in warning
    assert "27 days after" in soon_after_warning("review", datetime(2026, 12, 26, 10, 0),
                                                 "initial", held, None)
    assert soon_after_warning("review", datetime(2026, 12, 27, 10, 0), "review", held,
                              None) == ""  # four weeks on: as planned
    assert soon_after_warning("initial", MON_2PM, "review", held, None) == ""
    assert soon_after_warning("review", MON_2PM, None, None, None) == ""  # none held yet


def test_the_first_meeting_offered_is_the_initial_one_then_reviews_wir_2_3_bex_4():
    """A booking offers the kind the child's meetings so far call for: the initial CIN
    planning meeting (WIR 2.3), or for a child who moved in the transfer-in one (BEX 4);
    once a meeting is held this episode, a review."""
    assert kind_to_book([], moved_in=False) == "initial"
    assert kind_to_book([], moved_in=True) == "transfer_in"
    assert kind_to_book(["initial"], moved_in=False) == "review"
    assert kind_to_book(iter(["transfer_in"]), moved_in=True) == "review"


def test_a_meeting_needs_a_future_time_a_venue_and_a_chair():
    problems = schedule_problems(Schedule("review", datetime(2026, 11, 20, 10, 0)),
                                 datetime(2026, 11, 23, 9, 0))
    assert [f for f, _ in problems] == ["starts_at", "venue", "chair"]
    ok = Schedule("review", MON_2PM, venue="Family home", chair="Amira Ashdown")
    assert schedule_problems(ok, datetime(2026, 11, 23, 9, 0)) == []


def test_minutes_take_each_amber_and_red_in_plan_order():
    """WIR 2.6: the update against each Amber (and Red) is the minutes; Greens are not
    discussed item by item."""
    m = minutes_for(PLAN, "review", date(2026, 11, 30))
    assert [(i.need_key, i.rag_before) for i in m.items] == [(A1, "A"), (A2, "R")]


def good_minutes(**changes) -> Minutes:
    m = Minutes(
        kind="review", held_on=date(2026, 11, 30),
        attendance=(Invitee("Ava Marsh", "Mother", is_parent=True, attendance="present"),
                    Invitee("Sam Marsh", "Father", is_parent=True, attendance="apologies"),
                    Invitee("Ms Reed", "School DSL", attendance="apologies_report")),
        items=(NeedUpdate(A1, "School attendance is 87%", "A", update="98% for 8 weeks",
                          impact="Leo is keeping up", actions=(ActionUpdate(ACT, "done"),),
                          rag_after="G", maintained_for="8 weeks"),
               NeedUpdate(A2, "Mum's low mood", "R", update="GP appointment made")),
        new_concerns=(NewConcern("Dad has lost his job", "The family can pay rent and bills"),),
        agreed_actions=(AgreedAction("Citizens Advice appointment", "Dad", date(2027, 3, 14)),),
        decisions=Decisions(still_in_need=True, next_review=date(2027, 2, 28),
                            recommendation="continue"))
    return Minutes(**{**m.__dict__, **changes})


def test_complete_minutes_have_no_problems_and_round_trip():
    m = good_minutes()
    assert minutes_problems(m) == []
    assert Minutes.from_dict(m.to_dict()) == m


def test_minutes_problems_name_what_is_missing():
    """Amber → Green needs the change maintained (WIR 2.4); agreed actions need who and
    when (WIR 2.6); the decisions are made (BEX 3, WIR 2.3)."""
    bad = good_minutes(
        items=(NeedUpdate(A1, "School", "A", rag_after="G"),),
        agreed_actions=(AgreedAction("Citizens Advice appointment", "", None),),
        decisions=Decisions(recommendation="continue"),
        attendance=(Invitee("Ava Marsh", "Mother", attendance="invited"),))
    problems = minutes_problems(bad)
    found = " | ".join(p for _, p in problems)
    for part in ("tick who is present", "how long has the change been maintained",
                 "who will do it?", "by when?", "still in need", "next review date"):
        assert part in found
    # Each problem says where it is, so the screen can put the cursor there.
    assert [w for w, _ in problems] == [
        "attendance", "attendance", "items.0.maintained_for", "agreed_actions.0.who",
        "agreed_actions.0.by_when", "decisions.still_in_need", "decisions.next_review"]
    assert [problem_place(w) for w, _ in problems][2:5] == [
        "item 1", "agreed action 1", "agreed action 1"]


def test_an_agreed_action_is_read_from_a_line_as_the_hint_shows_it():
    """WIR 2.6: what ; who ; by when: the hint's own form, and the forms councils write,
    read from the day of the meeting (Monday 30 November 2026)."""
    held = date(2026, 11, 30)
    line = agreed_action_from_line
    assert line("Citizens Advice appointment ; Dad ; by 14/03/2027", held) == AgreedAction(
        "Citizens Advice appointment", "Dad", date(2027, 3, 14))
    assert line("Call school ; Mum ; by Fri", held).by_when == date(2026, 12, 4)
    assert line("Call school ; Mum ; 18/12", held).by_when == date(2026, 12, 18)
    assert line("Call school ; Mum ; 18-Dec-2026", held).by_when == date(2026, 12, 18)
    vague = line("Call school ; Mum ; end of term", held)
    assert (vague.by_when, vague.by_text) == (None, "end of term")
    assert agreed_action_problems(vague, held) == [("by_when", (
        "“end of term” is not a date: write the day, e.g. 18/12/2026, 18/12, 18 Dec or Fri"))]
    assert agreed_action_problems(line("Call school ; Mum ; 1/11/2026", held), held) == [
        ("by_when", "1 Nov 2026 is before the meeting")]
    assert [f for f, _ in agreed_action_problems(line("Call school", held), held)] == [
        "who", "by_when"]
    for a in (AgreedAction("Call school", "Mum", date(2026, 12, 18)), vague,
              AgreedAction("Call school", "", date(2026, 12, 18)), AgreedAction("Call school")):
        assert line(agreed_action_line(a), held) == a  # the box shows what it holds


def test_an_agreed_action_goes_under_the_need_its_for_names_wir_2_6():
    """WIR 2.6: each new concern becomes an Amber with its own action. Every action agreed
    went under the first new concern, so a second concern (rent arrears beside dad's job)
    stayed an Amber without an action. "; for" names the need: a word of a new concern or
    of an Amber on the agenda, or "concern 2"; one naming nothing, or several, is a problem
    of the minutes, said on its line."""
    held = date(2026, 11, 30)
    line = agreed_action_from_line
    assert line("Housing advice ; Mum ; by Fri ; for rent", held) == AgreedAction(
        "Housing advice", "Mum", date(2026, 12, 4), for_text="rent")
    assert line("Housing advice ; Mum ; ; concern 2", held).for_text == "concern 2"
    for a in (AgreedAction("Housing advice", "Mum", date(2026, 12, 4), for_text="rent"),
              AgreedAction("Housing advice", for_text="concern 2")):
        assert line(agreed_action_line(a), held) == a  # the box shows what it holds
    m = good_minutes(
        new_concerns=(NewConcern("Dad has lost his job", "Dad in work by June"),
                      NewConcern("Rent arrears of £600", "Arrears cleared by May")),
        agreed_actions=(line("Citizens Advice ; Dad ; by 14/03/2027", held),
                        line("Housing advice ; Mum ; by Fri ; for rent", held),
                        line("Budget plan ; Mum ; by Fri ; for concern 2", held),
                        line("GP appointment ; Mum ; by Fri ; for low mood", held)))
    assert minutes_problems(m) == []
    assert named_need(m, "RENT") == ("concern", 1) and named_need(m, "mood") == ("item", 1)
    new = updated_plan(PLAN, m, on=held, by="Amira", meeting_label="Review")
    assert {n.now: [a.what for a in n.actions] for n in new.needs
            if n.now in ("Dad has lost his job", "Rent arrears of £600", "Mum's low mood")} == {
        "Dad has lost his job": ["Citizens Advice"],
        "Rent arrears of £600": ["Housing advice", "Budget plan"],
        "Mum's low mood": ["GP appointment"]}
    wrong = good_minutes(new_concerns=m.new_concerns, agreed_actions=(
        line("Call school ; Mum ; by Fri ; for housing", held),
        line("Call school ; Mum ; by Fri ; for concern 3", held),
        line("Call school ; Mum ; by Fri ; for a", held)))
    assert minutes_problems(wrong) == [
        ("agreed_actions.0.for", "no new concern or Amber on the agenda says “housing”: name "
         "one by a word of it, or as 'concern 2'"),
        ("agreed_actions.1.for", "there are 2 new concerns"),
        ("agreed_actions.2.for", "“a” is in 2 needs: use more of its words, or 'concern 2'")]


def test_parents_who_did_not_attend_receive_the_record():
    """WIR 2.8: if parents do not attend, they get the record."""
    assert [p.name for p in parents_to_receive(good_minutes())] == ["Sam Marsh"]


MUM, DAD = uuid.uuid4(), uuid.uuid4()
MET = (Invitee("Sam Marsh", "Mother", MUM, is_parent=True, attendance="absent"),
       Invitee("Joe Marsh", "Father", DAD, is_parent=True, attendance="present"),
       Invitee("Ms Teacher", "School DSL", attendance="present"),
       Invitee("Hal Visitor", "Health visitor", attendance="apologies_report"),
       Invitee("Gran Marsh", "Grandmother", attendance="absent"))


def test_the_minutes_go_to_everyone_present_and_parents_who_did_not_attend():
    """BEX 3 ("distributed to all those present"), TRA ("family ... and all attendees"),
    WIR 2.8 (parents who do not attend are given the record)."""
    assert [p.name for p in must_receive(MET)] == ["Sam Marsh", "Joe Marsh", "Ms Teacher"]


def test_the_minutes_clock_stops_when_the_last_of_them_is_sent_them():
    """BEX 3, TRA, WIR 2.8: sent to Dad and the school on Wed 2 Dec 2026: still owed to Mum,
    not circulated; sent to Mum Wed 9 Dec: circulated 9 Dec, not at the first sending."""
    first = [("Joe Marsh", DAD, date(2026, 12, 2)), ("Ms Teacher", None, date(2026, 12, 2)),
             ("Gran Marsh", None, date(2026, 12, 2))]  # a copy to Gran changes nothing
    assert circulated_on(MET, first) is None
    assert [p.name for p in still_to_receive(MET, [(n, i) for n, i, _ in first])] == \
        ["Sam Marsh"]
    assert circulated_on(MET, [*first, ("Sam Marsh", MUM, date(2026, 12, 9))]) == \
        date(2026, 12, 9)
    everyone = [(p.name, p.person_id, date(2026, 12, 2)) for p in MET]
    assert circulated_on(MET, everyone) == date(2026, 12, 2)


def test_recipients_are_matched_by_person_else_by_name():
    """A recipient typed by name (any case or spacing) is the invitee of that name; one from
    the child's People is that person, whatever the name says."""
    assert still_to_receive(MET, [("sam  MARSH", None), ("Joe", DAD),
                                  ("Ms Teacher", None)]) == []
    assert [p.name for p in still_to_receive(MET, [("Sam Marsh", uuid.uuid4())])] == \
        ["Sam Marsh", "Joe Marsh", "Ms Teacher"]


def test_without_a_recorded_attendance_the_first_sending_circulates_them():
    """A meeting with nobody known to be owed them (an older record without attendance)."""
    assert circulated_on((), [("Ann", None, date(2026, 12, 3)),
                              ("Bo", None, date(2026, 12, 1))]) == date(2026, 12, 1)
    assert circulated_on(MET, []) is None


def test_the_updated_plan_carries_ratings_statuses_concerns_and_actions():
    """WIR 2.6: a new concern becomes a new Amber in column 1; an agreed action an action in
    column 3 with owner and date; Amber → Green records how long and where it was agreed."""
    keys = iter([uuid.UUID(int=1), uuid.UUID(int=2)])
    new = updated_plan(PLAN, good_minutes(), on=date(2026, 11, 30), by="Amira",
                       meeting_label="CIN review meeting 30 Nov 2026",
                       new_key=lambda: next(keys))
    school, dad, mood, concern = new.needs
    assert school.rag == "G" and school.actions[0].status == "done"
    change = school.rag_history[-1]
    assert (change.previous, change.rating, change.maintained_for, change.agreed_at) == (
        "A", "G", "8 weeks", "CIN review meeting 30 Nov 2026")
    assert mood.rag == "R" and dad.rag == "G"  # unchanged
    assert (concern.now, concern.outcome, concern.rag, concern.key) == (
        "Dad has lost his job", "The family can pay rent and bills", "A", uuid.UUID(int=1))
    action = concern.actions[0]
    assert (action.what, action.who, action.by_when) == (
        "Citizens Advice appointment", "Dad", date(2027, 3, 14))
    assert new.next_review == date(2027, 2, 28)


def test_an_agreed_action_under_an_unknown_need_goes_under_the_first_new_concern():
    """Never an internal error: an action whose need is gone lands under the new concern."""
    m = good_minutes(agreed_actions=(AgreedAction("Call the school", "SW", date(2027, 1, 8),
                                                  need_key=uuid.uuid4()),))
    new = updated_plan(PLAN, m, on=date(2026, 11, 30), by="Amira", meeting_label="Review")
    assert [a.what for a in new.needs[-1].actions] == ["Call the school"]


def test_a_check_the_agreed_plan_fails_is_found_where_the_meeting_settles_it():
    """WIR 2.3, TRA: said as the meeting ends, each plan check the agreed version would fail
    names the place in the minutes to settle it: the new concern's line (its words and
    outcome), the agreed action's line (its owner, its date), the agenda's item (an action's
    status); an existing need's words, or a Green need not on the agenda, only the plan
    editor changes (None)."""
    m = good_minutes(
        new_concerns=(NewConcern("Dad has lost his job", "Better"), NewConcern("Rent", "Paid")),
        agreed_actions=(AgreedAction("Citizens Advice", "Dad", date(2027, 3, 14)),
                        AgreedAction("Call school", "", date(2027, 1, 8), need_key=A1)))
    # The next version's needs: school (0), dad (1, Green), mood (2), the concerns (3, 4).
    assert check_place(PLAN, m, 3, None, "outcome") == "new_concerns.0"
    assert check_place(PLAN, m, 4, None, "now") == "new_concerns.1"
    assert check_place(PLAN, m, 3, 0, "who") == "agreed_actions.0"
    assert check_place(PLAN, m, 0, 1, "who") == "agreed_actions.1"  # after school's own one
    assert check_place(PLAN, m, 0, 0, "by_when") == "items.0.actions"  # its status: Space
    assert check_place(PLAN, m, 2, None, "outcome") is None  # the plan's words: the editor
    assert check_place(PLAN, m, 1, None, "rating") is None  # Green: not on the agenda
    assert check_place(PLAN, m, None, None, "") is None
    # An Amber with no action: one is agreed in the box, "; for" it (a new concern, or a
    # need on the agenda); a need not on it (Green) only the plan editor gives one.
    assert check_place(PLAN, m, 3, None, "actions") == "agreed_actions"
    assert check_place(PLAN, m, 4, None, "actions") == "agreed_actions"
    assert check_place(PLAN, m, 2, None, "actions") == "agreed_actions"
    assert check_place(PLAN, m, 1, None, "actions") is None


def test_the_minutes_remember_the_version_reviewed():
    plan = PlanVersion(number=3, status="agreed", id=uuid.uuid4(), needs=PLAN.needs)
    m = minutes_for(plan, "review", date(2026, 11, 30))
    assert m.reviewed_version == plan.id
    assert Minutes.from_dict(m.to_dict()).reviewed_version == plan.id


def test_a_meeting_minuted_off_its_booked_day_asks_when_it_was_held():
    """Booked for Wednesday 6 January 2027 16:00, minuted on 2 December 2026: ask; a time
    still to come is refused; on the booked day, at another hour, nothing to ask."""
    booked = datetime(2027, 1, 6, 16, 0)
    assert off_booking(booked, datetime(2026, 12, 2, 16, 5))
    assert not off_booking(booked, datetime(2027, 1, 6, 16, 40))
    now = datetime(2026, 12, 2, 16, 5)
    assert held_at_problem(datetime(2026, 12, 2, 16, 0), booked, now) == ""
    assert held_at_problem(booked, booked, now) == (
        "6 Jan 2027 at 16:00 is still to come: minute the meeting when it is held (it is "
        "booked for 6 Jan 2027 at 16:00)")


def test_a_new_meeting_is_offered_after_school_on_a_working_day():
    """WIR 2.8: after school (16:00) today; once that has passed, or on a weekend or a bank
    holiday, the next working day (a meeting booked for Saturday once came up by default)."""
    from cintui.domain.calendar import england_calendar

    working = england_calendar().is_working_day
    assert suggested_start(datetime(2026, 11, 30, 9, 5), working) == \
        datetime(2026, 11, 30, 16, 0)  # Monday morning: today
    assert suggested_start(datetime(2026, 12, 4, 17, 30), working) == \
        datetime(2026, 12, 7, 16, 0)  # Friday evening: Monday, not Saturday
    assert suggested_start(datetime(2026, 12, 5, 10, 0), working) == \
        datetime(2026, 12, 7, 16, 0)  # Saturday: Monday
    assert suggested_start(datetime(2026, 12, 24, 16, 0), working) == \
        datetime(2026, 12, 29, 16, 0)  # Christmas Eve at four: past Christmas and Boxing Day


def test_a_meeting_of_a_kind_already_booked_is_said_wir_2_9():
    """WIR 2.9: a booked meeting is moved by cancelling and rebooking it; a second review
    booked beside one still to hold is said (never refused), naming the first; a booked
    review says nothing of a final meeting."""
    from cintui.domain.calendar import england_calendar
    from cintui.domain.meeting import already_booked_warning, when_warnings

    booked = (("review", datetime(2027, 2, 11, 16, 0)), ("review", datetime(2027, 3, 1, 16)))
    said = when_warnings("review", datetime(2026, 12, 9, 16, 0), 9, None, england_calendar(),
                         booked)
    assert said == ["a CIN review meeting is already booked for Thu 11 Feb 2027 at 16:00: to "
                    "move it, cancel and rebook that one (c on Meetings; `cintui meeting "
                    "cancel MEETING --rebook-at`) rather than book a second (WIR 2.9)"]
    assert when_warnings("final", datetime(2026, 12, 9, 16, 0), 9, None, england_calendar(),
                         booked) == []
    # "an initial", not "a initial"
    assert already_booked_warning("initial", [("initial", datetime(2026, 7, 29, 16))]) \
        .startswith("an initial CIN planning meeting is already booked for Wed 29 Jul 2026")


def test_a_review_is_offered_on_the_day_it_is_due_bex_3():
    """WIR 2.3, BEX 3: a review due ahead is offered after school on its due day, or the last
    working day before it, so it is on time; the offer of today once booked a review the
    day after the last (BEX 3: only after a significant change). Due, or past, today's
    offer as before."""
    from cintui.domain.calendar import england_calendar

    working = england_calendar().is_working_day
    now = datetime(2026, 11, 30, 9, 5)  # a Monday morning
    assert suggested_start(now, working, date(2027, 2, 11)) == datetime(2027, 2, 11, 16, 0)
    assert suggested_start(now, working, date(2027, 2, 13)) == \
        datetime(2027, 2, 12, 16, 0)  # due on a Saturday: the Friday before
    assert suggested_start(now, working, date(2026, 12, 28)) == \
        datetime(2026, 12, 24, 16, 0)  # due on the Boxing Day holiday: Christmas Eve
    assert suggested_start(now, working, date(2026, 11, 30)) == \
        datetime(2026, 11, 30, 16, 0)  # due today: today, as before
    assert suggested_start(now, working, date(2026, 11, 2)) == \
        datetime(2026, 11, 30, 16, 0)  # overdue: as soon as it can be
    assert suggested_start(datetime(2026, 12, 4, 17, 30), working, date(2026, 12, 5)) == \
        datetime(2026, 12, 7, 16, 0)  # due tomorrow, a Saturday, after today's four: Monday



def test_a_meetings_name_is_written_in_full_for_the_family_and_short_on_screen():
    """The meeting a plan was agreed at is stored and shown as the screens write a day
    ("CIN review meeting 23 Nov 2026"); a family's document writes it in full, and only the
    meeting's name: a day the worker typed elsewhere in the words is theirs."""
    from cintui.domain.meeting import labels_as_stored, labels_in_full, meeting_label

    assert meeting_label("review", date(2026, 11, 23)) == "CIN review meeting 23 Nov 2026"
    assert meeting_label("final", date(2026, 8, 3)) == "Final CIN meeting 3 Aug 2026"
    said = "New concern at CIN review meeting 23 Nov 2026; school rang 24 Nov 2026"
    full = "New concern at CIN review meeting 23 November 2026; school rang 24 Nov 2026"
    assert labels_in_full(said) == full and labels_as_stored(full) == said
    assert labels_in_full("Initial CIN planning meeting 2 Sep 2026") == \
        "Initial CIN planning meeting 2 September 2026"


def test_who_booked_a_meeting_in_words():
    """"Booked by Olu Other on 12 Nov 2026" (a document: "12 November 2026"); "Booker not
    recorded" when who booked it is not known (brought in held, or booked before cintui kept
    it with no trail entry to say who): nothing read as a meeting no one booked."""
    from cintui.domain.meeting import booked_by_words

    on = date(2026, 11, 12)
    assert booked_by_words("Olu Other", on) == "Booked by Olu Other on 12 Nov 2026"
    assert booked_by_words(" Olu  Other ", on, long=True) == \
        "Booked by Olu Other on 12 November 2026"
    assert booked_by_words("", on) == booked_by_words("  ", None) == "Booker not recorded"
    assert booked_by_words("Olu Other", None) == "Booked by Olu Other"


def test_a_decision_about_a_meeting_whose_booker_is_not_known_says_so_tra_bex_3():
    """TRA, BEX 3: the decision form for a meeting booked after its case closed names who
    booked it, or says the booker was not recorded (a booking from before revision 0033):
    the manager knows whom to ask, or that there is no one the record names."""
    from cintui.domain.waiting import Waiting

    def about(by: str) -> str:
        return Waiting("c1", "CIN1", "Nell Quill", "amira", "after_closure",
                       date(2026, 11, 21), by=by, record="meeting_booked",
                       on=date(2026, 11, 22)).about

    assert about("Amira Khan") == ("About a meeting booked for 22 Nov 2026 by Amira Khan, "
                                   "recorded 21 Nov 2026, kept after the case closed (TRA, "
                                   "BEX 3)")
    assert about("") == ("About a meeting booked for 22 Nov 2026, booker not recorded, "
                         "recorded 21 Nov 2026, kept after the case closed (TRA, BEX 3)")
    visit = Waiting("c1", "CIN1", "Nell Quill", "amira", "after_closure", date(2026, 11, 21),
                    record="visit", on=date(2026, 11, 21))
    assert "not recorded" not in visit.about
