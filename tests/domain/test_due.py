"""What is due (issue 7 §1): items from the timescale engine, the plan's own dates (WIR 2.3)
and consent (WAR 4.2), grouped overdue / today / this week / next two weeks. Hand-worked
dates around Monday 23 November 2026 (England: no bank holiday until 25 December)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.calendar import england_calendar
from cintui.domain.consent import ConsentFact, service_consent
from cintui.domain.due import (
    ActionFact,
    AdultCare,
    ChildRef,
    DueItem,
    action_items,
    consent_item,
    counts_by_kind,
    describe_left,
    due_day,
    from_deadline,
    group_items,
    group_of,
    horizon,
    item_day,
    then_command,
    turning_18,
    week_end,
)
from cintui.domain.timescales import ChildEvents, DueState, VisitFact, compute_deadlines
from cintui.reference.policies import load_policy

TODAY = date(2026, 11, 23)  # a Monday
CAL = england_calendar()
CHILD = ChildRef(id="c1", reference="SYN001", name="Ada Synthetic", worker="W One",
                 worker_username="w.one", team="North")


def _item(due: date | None, key: str = "visit") -> DueItem:
    left = CAL.working_days_between(TODAY, due) if due else 0
    state = DueState.OVERDUE if due is None or due < TODAY else DueState.UPCOMING
    return DueItem(child=CHILD, key=key, label=key, due=due, state=state,
                   working_days_left=left, rule="r", source="s")


def test_the_week_ends_on_sunday_and_two_more_weeks_follow():
    assert week_end(TODAY) == date(2026, 11, 29)
    assert week_end(date(2026, 11, 29)) == date(2026, 11, 29)
    assert horizon(TODAY, CAL, None) == date(2026, 12, 13)
    # --within 5: five working days after Monday 23 Nov is Monday 30 Nov.
    assert horizon(TODAY, CAL, 5) == date(2026, 11, 30)
    assert horizon(TODAY, CAL, 0) == TODAY


def test_items_fall_in_the_group_a_worker_plans_by():
    assert group_of(_item(date(2026, 11, 20)), TODAY) == "overdue"
    assert group_of(_item(None, "consent"), TODAY) == "overdue"  # needed now
    assert group_of(_item(TODAY), TODAY) == "today"
    assert group_of(_item(date(2026, 11, 29)), TODAY) == "this_week"  # Sunday
    assert group_of(_item(date(2026, 11, 30)), TODAY) == "next_two_weeks"
    assert group_of(_item(date(2026, 12, 13)), TODAY) == "next_two_weeks"
    assert group_of(_item(date(2026, 12, 14)), TODAY) == "later"


def test_grouping_keeps_everything_overdue_and_drops_what_is_beyond_the_window():
    items = [_item(date(2025, 1, 6)), _item(date(2026, 12, 14)), _item(TODAY),
             _item(date(2026, 11, 24))]
    grouped = group_items(items, TODAY, horizon(TODAY, CAL, None))
    assert [i.due for i in grouped.items()] == [date(2025, 1, 6), TODAY, date(2026, 11, 24)]
    assert grouped.count("overdue") == 1 and grouped.count("later") == 0


def test_a_visit_clock_becomes_an_item_with_its_rule_and_source():
    """WIR 2.11 (Wirral profile): seen every 20 working days. Last seen Mon 26 Oct 2026:
    20 working days later is Mon 23 Nov (no bank holiday between): due today."""
    policy = load_policy("wirral")
    events = ChildEvents(referral=date(2026, 6, 1), assessment_completed=date(2026, 7, 1),
                         cin_plan_start=date(2026, 7, 1),
                         visits=(VisitFact(date(2026, 10, 26)),))
    visit = next(d for d in compute_deadlines(events, policy, TODAY) if d.key == "visit")
    item = from_deadline(CHILD, visit)
    assert item.due == TODAY and item.state is DueState.DUE_TODAY
    assert item.source == "WIR 2.11" and "20 working days" in item.rule
    assert item.target == "visit" and describe_left(item) == "due today"
    assert group_of(item, TODAY) == "today"


def test_plan_actions_past_their_date_are_overdue_and_done_ones_are_not_listed():
    """WIR 2.3: who does what by when. Fri 20 Nov is one working day before Mon 23 Nov."""
    actions = [
        ActionFact("Book the dentist", "Mum", date(2026, 11, 20), "in_progress", "n1"),
        ActionFact("Referral to CAMHS", "SW", date(2026, 11, 26), "not_started", "n2"),
        ActionFact("Parenting course", "Dad", date(2026, 11, 2), "done", "n3"),
        ActionFact("School meeting", "DSL", date(2026, 11, 2), "not_done", "n4"),
    ]
    items = action_items(CHILD, actions, TODAY, CAL, due_soon_working_days=5)
    assert [(i.detail, i.state, i.working_days_left, i.need_key) for i in items] == [
        ("Book the dentist (Mum)", DueState.OVERDUE, -1, "n1"),
        ("Referral to CAMHS (SW)", DueState.DUE_SOON, 3, "n2"),
    ]
    assert items[0].source == "WIR 2.3" and items[0].target == "plan"
    assert describe_left(items[0]) == "1 wd overdue"
    assert describe_left(items[1]) == "3 wd left"


def test_missing_consent_is_needed_now_and_opens_the_consent_tab():
    """WAR 4.2: consent to the service before support is given."""
    item = consent_item(CHILD, ("No valid consent to a CIN service",))
    assert item.due is None and item.state is DueState.OVERDUE
    assert item.target == "consent" and describe_left(item) == "now"
    assert item.source == "WAR 4.2"


def test_missing_consent_names_the_command_that_records_whose_is_missing():
    """WAR 4.2: consent to a CIN service comes from a parent with parental responsibility;
    WIR 2.1: a young person of 16 or 17 consents too. `cintui due` named the command that
    clears minutes or a conference but none for consent: it names `cintui child consent`,
    with a parent's name to give where no parent has consented, and as the young person
    (the command's default) where only their own decision is missing."""
    _valid, none_given = service_consent([], 10)
    assert then_command(consent_item(CHILD, none_given)) == (
        "cintui child consent SYN001 --decision given --person NAME")
    mum = ConsentFact("service", "given", date(2026, 11, 2), "p-mum", True)
    _valid, own_missing = service_consent([mum], 16)
    assert then_command(consent_item(CHILD, own_missing)) == (
        "cintui child consent SYN001 --decision given")


def test_missing_consent_before_any_service_is_needed_before_support_not_overdue():
    """WAR 4.2: consent to the service is recorded "before support is given". At the
    referral or the assessment (no support started, no CIN plan: `consent.service_began`)
    it was "now", under Overdue, counted in the team's overdue Consent: it is something to
    do before support starts, shown under Later whatever the window, never overdue."""
    none_given = ("No valid consent to a CIN service: no one's consent is recorded (WAR 4.2): "
                  "record Sam Smith's or another parent's",)  # as `casework.due` says it
    item = consent_item(CHILD, none_given, began=False, parents=("Sam Smith",))
    assert item.state is not DueState.OVERDUE and item.pinned
    assert group_of(item, TODAY) == "later"
    assert describe_left(item) == "before support" and item_day(item, TODAY) == "—"
    assert item.detail.startswith("Consent to a CIN service needed before support starts: "
                                  "no one's consent is recorded")
    assert counts_by_kind([item]) == {}  # not overdue
    grouped = group_items([item], TODAY, horizon(TODAY, CAL, 1))
    assert grouped.groups["later"] == [item] and grouped.count("overdue") == 0
    assert then_command(item) == (
        'cintui child consent SYN001 --decision given --person "Sam Smith"')
    began = consent_item(CHILD, none_given, began=True)
    assert group_of(began, TODAY) == "overdue" and describe_left(began) == "now"
    assert item_day(began, TODAY) == "now"


def test_missing_consent_names_the_one_parent_with_pr_in_its_command_war_4_2():
    """WAR 4.2: with exactly one person with parental responsibility on the record, the
    command names them, quoted as a worker types it; two: NAME, to choose."""
    _valid, none_given = service_consent([], 10)
    assert then_command(consent_item(CHILD, none_given, parents=("Jo Smith",))) == (
        'cintui child consent SYN001 --decision given --person "Jo Smith"')
    assert then_command(consent_item(CHILD, none_given, parents=("Jo Smith", "Lee Smith"))
                        ).endswith("--person NAME")


def test_overdue_items_are_counted_by_kind_with_reviews_together():
    items = [_item(date(2026, 11, 2), "visit"), _item(date(2026, 11, 3), "visit"),
             _item(date(2026, 11, 4), "review"), _item(date(2026, 11, 5), "first_review"),
             _item(date(2026, 12, 1), "visit")]
    assert counts_by_kind(items) == {"Visits": 2, "Reviews": 2}
    assert counts_by_kind(items, overdue_only=False) == {"Visits": 3, "Reviews": 2}


@given(st.lists(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
                max_size=30), st.integers(min_value=0, max_value=60))
def test_every_item_in_the_window_is_in_exactly_one_group_in_date_order(days, within):
    items = [_item(d) for d in days]
    until = horizon(TODAY, CAL, within)
    grouped = group_items(items, TODAY, until)
    shown = grouped.items()
    assert len(shown) == sum(1 for d in days if d <= until)
    assert [i.due for i in shown] == sorted(i.due for i in shown)
    assert all(i.due < TODAY for i in grouped.groups["overdue"])



# ---------------------------------------------------------------- turning 18 (s17(10), WAR 4.2)


def _turning(today: date = TODAY) -> DueItem:
    """Kai, born 15 Feb 2010: 18 on Tue 15 Feb 2028, the clock running from his 17th."""
    events = ChildEvents(referral=date(2026, 6, 1), dob=date(2010, 2, 15))
    (d,) = [d for d in compute_deadlines(events, load_policy("warwickshire"), today)
            if d.key == "turns_18"]
    return from_deadline(CHILD, d)


def test_a_disabled_young_person_is_planned_for_a_year_ahead_not_in_the_last_two_weeks():
    """WAR 4.2: "smooth transitional arrangements where lifelong support is required". The
    18th birthday was on the due list only in its last two weeks: no prompt to refer a
    disabled young person to adult social care in good time. From the 17th birthday, with
    no referral recorded, the item stays on the list whatever the window (pinned), says
    what to do, and Enter records the referral."""
    today = date(2027, 2, 16)  # the day after his 17th birthday
    item = turning_18(_turning(today), AdultCare(lifelong=True))
    assert (item.pinned, item.target, item.label) == (True, "adult_social_care",
                                                      "Plan for adulthood")
    assert item.rule.startswith("plan for adulthood: where support must go on after 18, "
                                "refer to adult social care in good time")
    assert "(WAR 4.2)" in item.rule and item.detail == "no referral to adult social care recorded"
    grouped = group_items([item], today, horizon(today, CAL, None))
    assert grouped.count("later") == 1 and grouped.items() == [item]
    assert item.due == date(2028, 2, 15) and item.source == "s17(10) Children Act 1989"


def test_once_the_referral_is_recorded_the_item_says_it_in_the_usual_window():
    today = date(2027, 3, 1)
    base = _turning(today)
    said = {value: turning_18(base, AdultCare(True, value, date(2027, 2, 20)))
            for value in ("referred", "accepted", "declined", "not_needed")}
    assert not any(i.pinned for i in said.values())
    assert all(i.target == "closure" and i.label == base.label for i in said.values())
    assert said["referred"].rule.startswith("referred to adult social care on 20 Feb 2027, "
                                            "its decision awaited")
    assert said["accepted"].rule == ("adult social care accepted them on 20 Feb 2027: close "
                                     "the case on to it (RC6) by the 18th birthday")
    assert "declined the referral on 20 Feb 2027" in said["declined"].rule
    assert said["not_needed"].rule.startswith("support not needed after 18")
    assert group_items(list(said.values()), today, horizon(today, CAL, None)).items() == []


def test_referred_or_accepted_with_no_adult_contact_the_item_says_so_war_4_2():
    """WAR 4.2, RC6: the closure letters name adult social care's contact; with none
    recorded, the turning-18 item says so (its rule unchanged); declined or not needed,
    nobody is to be called there."""
    base = _turning(date(2027, 3, 1))
    for value in ("referred", "accepted"):
        item = turning_18(base, AdultCare(True, value, date(2027, 2, 20)))
        assert item.detail == ("no contact at adult social care recorded: the closure "
                               "letters name it (WAR 4.2)")
        named = turning_18(base, AdultCare(True, value, date(2027, 2, 20), "Ana, 0151 606"))
        assert named.detail == base.detail and named.rule == item.rule
    for value in ("declined", "not_needed"):
        assert turning_18(base, AdultCare(True, value, date(2027, 2, 20))).detail == \
            base.detail


def test_a_young_person_without_a_disability_or_sen_keeps_the_two_week_window():
    """WAR 4.2 names children with special educational needs or a disability: for others
    the 18th birthday is on the list as before, in its last two weeks."""
    base = _turning(date(2027, 3, 1))
    assert turning_18(base, AdultCare(lifelong=False)) == base
    assert turning_18(base, None) == base
    other = _item(date(2027, 3, 1))
    assert turning_18(other, AdultCare(lifelong=True)) is other


def test_a_due_date_in_another_year_says_its_year():
    """A list a year long read "07 Jan" above "14 Dec" (13 months apart) as last month."""
    assert due_day(date(2026, 12, 14), TODAY) == "14 Dec"
    assert due_day(date(2028, 2, 15), TODAY) == "15 Feb 2028"
    assert due_day(date(2025, 1, 7), TODAY) == " 7 Jan 2025"  # under "15 Feb 2028"
    assert due_day(None, TODAY) == "now"


def test_each_item_names_the_command_that_records_it_done_or_none():
    """BEX 3, WIR 2.8 (minutes and plan sent), WIR 2.3 (a conference considered), WAR 4.2
    (the referral to adult social care): the command `cintui due` names in its text and its
    JSON's `then`; none for an item the work itself clears (a visit)."""
    assert then_command(_item(TODAY, "minutes")) == (
        "cintui meeting sent SYN001 --to NAME|everyone")
    assert then_command(_item(TODAY, "plan_circulation")).startswith("cintui meeting sent")
    assert then_command(_item(TODAY, "no_change")) == (
        "cintui decision add SYN001 --kind cp_conference")
    planning = turning_18(_item(TODAY, "turns_18"), AdultCare(lifelong=True))
    assert then_command(planning) == (
        "cintui child circumstances SYN001 --adult-social-care referred")
    assert then_command(_item(TODAY, "turns_18")) == ""  # not one for adult social care
    assert then_command(_item(TODAY)) == ""
