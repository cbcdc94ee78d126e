"""Endings rules (DOMAIN.md §7), worked by hand: decisions need a rationale (BEX 4), only a
manager decides a closure (TRA, BEX 3), the closure checklist blocks closing until the
record is complete (TRA, §9), letters by the child's age, and re-referral intervals
(WAR 3.2-3.4)."""

from __future__ import annotations

from datetime import date, datetime

from cintui.domain import endings as rules
from cintui.domain.calendar import england_calendar
from cintui.domain.endings import ClosureFacts, PersonFact

TODAY = date(2026, 11, 23)  # a Monday


def keys(problems) -> list[str]:
    return [p.field for p in problems]


# ---------------------------------------------------------------- BEX 4 decisions


def test_a_decision_needs_what_why_who_and_a_date_not_in_the_future():
    assert rules.check_decision("closure", "Close", "Needs met", "Noah", TODAY, TODAY) == []
    problems = rules.check_decision("whim", " ", "", "", date(2026, 11, 24), TODAY)
    assert keys(problems) == ["kind", "decision", "rationale", "made_by", "made_on"]
    assert "BEX 4" in problems[2].message
    assert "24 Nov 2026 is in the future" in problems[4].message


def test_only_a_team_or_service_manager_decides_a_closure():  # TRA, BEX 3
    for role in ("team_manager", "service_manager"):
        assert rules.check_closure_decision(True, "why", role, TODAY, TODAY, TODAY) == []
    problems = rules.check_closure_decision(True, "why", "social_worker", TODAY,
                                            date(2026, 11, 20), TODAY, "amira.ashdown")
    assert keys(problems) == ["by"]
    assert problems[0].message == ("TRA, BEX 3: deciding a closure needs a team manager or "
                                   "service manager; amira.ashdown is a social worker")


def test_the_decision_is_not_before_the_recommendation():
    problems = rules.check_closure_decision(True, "why", "team_manager", date(2026, 11, 19),
                                            date(2026, 11, 20), TODAY)
    assert problems[0].message == "19 Nov 2026 is before the recommendation (20 Nov 2026)"
    assert keys(rules.check_closure_decision(False, " ", "team_manager", TODAY,
                                             TODAY, TODAY)) == ["rationale"]


def test_the_family_is_told_on_or_after_the_decision():  # BEX 3
    decided = date(2026, 11, 18)
    assert rules.check_family_told(date(2026, 11, 20), decided, TODAY) == []
    assert "before the decision" in rules.check_family_told(date(2026, 11, 17), decided,
                                                            TODAY)[0].message
    assert "not approved" in rules.check_family_told(TODAY, None, TODAY)[0].message


# ---------------------------------------------------------------- the closure checklist


COMPLETE = ClosureFacts(approved=True, consent_recorded=True,
                        family_told_on=date(2026, 11, 20), summary="Needs met.",
                        reason="RC7", unmet_need=False, closure_date=TODAY,
                        decided_on=date(2026, 11, 18))


def test_a_complete_record_meets_every_item():
    items = rules.closure_checklist(COMPLETE, TODAY)
    assert [i.key for i in items] == ["approved", "no_drafts", "no_meetings_booked",
                                      "no_packages", "plan_final", "consent", "family_told",
                                      "summary", "reason", "unmet_need", "date"]
    assert rules.blockers(items) == []


def test_a_short_break_or_direct_payment_still_running_is_ended_before_the_case_closes():
    """WAR 7.2.1 (each package reviewed at least annually) and TRA (records accurate before
    closure): a young person closed on to adult social care at 18 kept their short break
    and direct payment running on the closed record, a review due there that nobody's due
    list showed. Closing waits until each is ended, and says how."""
    running = ("Overnight short break, 24 h a month, Rainbow House",
               "Direct payment of £240.00 every 4 weeks, managed by Claire Morgan (mother)")
    facts = ClosureFacts(**{**COMPLETE.__dict__, "running": running})
    (item,) = rules.blockers(rules.closure_checklist(facts, TODAY))
    assert (item.key, item.rule) == ("no_packages", "WAR 7.2.1; TRA")
    assert item.problem == (
        "Overnight short break, 24 h a month, Rainbow House is still running (and 1 more): "
        "end it (x on the child's short breaks and direct payments, H; or cintui "
        "direct-payment end / short-break end)")
    one = ClosureFacts(**{**COMPLETE.__dict__, "running": running[1:]})
    (item,) = rules.blockers(rules.closure_checklist(one, TODAY))
    assert item.problem.startswith("Direct payment of £240.00 every 4 weeks, managed by "
                                   "Claire Morgan (mother) is still running: end it")


def test_a_meeting_still_booked_is_cancelled_before_the_case_closes_wir_2_9():
    """WIR 2.9: a cancelled meeting is told to everyone invited. A case closed with a review
    still booked left the family, the school and the GP to come to a meeting for a case
    that had gone: closing waits until each is cancelled, and says which, soonest first."""
    booked = (("review", datetime(2027, 1, 12, 16, 0)), ("final", datetime(2026, 12, 8, 10, 0)))
    facts = ClosureFacts(**{**COMPLETE.__dict__, "booked": booked})
    (item,) = rules.blockers(rules.closure_checklist(facts, TODAY))
    assert (item.key, item.rule) == ("no_meetings_booked", "WIR 2.9")
    assert item.problem == (
        "the final CIN meeting of Tue 8 Dec 2026 is still booked (and 1 more): cancel it and "
        "tell everyone invited (c on the Meetings tab, or cintui meeting cancel)")
    # One whose day has come may have been held, its minutes not written: say that first,
    # with the command as well as the app's key (a shell user had only "Enter").
    past = ClosureFacts(**{**COMPLETE.__dict__, "booked": (("review", datetime(2026, 11, 2, 16)),)})
    (item,) = rules.blockers(rules.closure_checklist(past, TODAY))
    assert item.problem.startswith(
        "the CIN review meeting of Mon 2 Nov 2026 is still booked: minute it if it was held "
        "(Enter on the Meetings tab, or cintui meeting hold), else cancel it and tell everyone "
        "invited")


def test_a_closure_before_any_cin_service_began_needs_no_consent_to_one_war_4_2():
    """WAR 4.2 "Parents must consent to receive a children in need service"; WAR 4.4.2:
    support is initiated after the assessment "if ... the family consent". The closure's
    own list (TRA, BEX 3: records, summary, sign-off, letters) names no consent. A case
    closed at the referral or after the assessment (RC8, RC9), no support started and no
    plan, was refused for "no decision on consent to the service"; it closes now. Once a
    service began, the decision is still needed, and the item says why it is missing."""
    before = ClosureFacts(**{**COMPLETE.__dict__, "consent_recorded": False,
                             "service_began": False})
    items = rules.closure_checklist(before, TODAY)
    assert rules.blockers(items) == []
    (consent,) = [i for i in items if i.key == "consent"]
    assert consent.text == "No CIN service began: no consent to one needed"
    why = "Jude (11) consented on 3 Dec 2026, but at 11 a parent's consent is needed"
    begun = ClosureFacts(**{**COMPLETE.__dict__, "consent_recorded": False,
                            "consent_missing": why})
    (item,) = rules.blockers(rules.closure_checklist(begun, TODAY))
    assert (item.key, item.text, item.problem) == (
        "consent", "Consent to the CIN service recorded", why)


def test_an_incomplete_record_lists_each_missing_item_with_its_rule():  # TRA, §9
    facts = ClosureFacts(approved=False, visit_drafts=1, minutes_drafts=2, draft_plan=True,
                         closure_date=TODAY)
    missing = {i.key: i for i in rules.blockers(rules.closure_checklist(facts, TODAY))}
    assert list(missing) == ["approved", "no_drafts", "plan_final", "consent", "family_told",
                             "summary", "reason", "unmet_need"]
    assert missing["no_drafts"].problem == (  # and where each is
        "1 visit draft and 2 minutes drafts still unfinished: finalise or discard them (a "
        "visit on the Visits tab and the minutes on the Meetings tab)")
    one = ClosureFacts(approved=False, minutes_drafts=1, closure_date=TODAY)
    (drafts,) = [i for i in rules.blockers(rules.closure_checklist(one, TODAY))
                 if i.key == "no_drafts"]
    assert drafts.problem == ("1 minutes draft still unfinished: finalise or discard it (the "
                              "minutes on the Meetings tab)")
    assert missing["unmet_need"].rule == "STO 3.3"
    assert missing["family_told"].rule == "BEX 3"
    line = rules.describe_blockers(missing.values())
    assert "no manager's decision to close yet (TRA; BEX 3; BEX 4)" in line


def test_a_step_down_agreed_says_completing_it_approves_the_closure_wir_3():
    """WIR 3: with a step-down agreed, the closure follows from completing it; the first
    item said "no manager's decision to close yet", as though one were still to be asked."""
    facts = ClosureFacts(approved=False, closure_date=TODAY, reference="CIN000101",
                         under_way=rules.UnderWay("step_down", "approved", "Hub"))
    first = rules.closure_checklist(facts, TODAY)[0]
    assert first.key == "approved" and not first.met
    assert first.problem == (
        "the step-down to Hub is approved by the manager, and completing it approves the "
        "closure (S on the record, then x; `cintui stepdown complete CIN000101`)")
    assert "no manager's decision" not in first.problem


def test_a_step_down_or_transfer_not_yet_agreed_names_the_managers_step_wir_3_bex_4():
    step_down = ClosureFacts(approved=False, closure_date=TODAY, reference="CIN000101",
                             under_way=rules.UnderWay("step_down", "recommended", "Hub"))
    assert rules.closure_checklist(step_down, TODAY)[0].problem == (
        "the step-down to Hub is recommended, waiting for the manager's decision, and "
        "completing it approves the closure (S on the record, then a; `cintui stepdown "
        "decide CIN000101 --approve`)")
    transfer = ClosureFacts(approved=False, closure_date=TODAY, reference="CIN000101",
                            under_way=rules.UnderWay("transfer_out", "approved", "Kent"))
    assert rules.closure_checklist(transfer, TODAY)[0].problem == (
        "the transfer to Kent is approved by the manager, and marking its pack sent closes "
        "the case (T on the record, then x; `cintui transfer sent CIN000101`)")


def test_an_open_dispute_blocks_closing():  # BEX 3
    facts = ClosureFacts(**{**COMPLETE.__dict__, "disputed": True})
    (item,) = rules.blockers(rules.closure_checklist(facts, TODAY))
    assert item.key == "approved" and "service manager" in item.problem


def test_the_closure_date_is_not_before_the_family_was_told_nor_in_the_future():
    early = ClosureFacts(**{**COMPLETE.__dict__, "closure_date": date(2026, 11, 19)})
    (item,) = rules.blockers(rules.closure_checklist(early, TODAY))
    assert item.problem == ("the closure date 19 Nov 2026 is before the family was told "
                            "(20 Nov 2026)")
    late = ClosureFacts(**{**COMPLETE.__dict__, "closure_date": date(2026, 11, 24)})
    assert "in the future" in rules.blockers(rules.closure_checklist(late, TODAY))[0].problem


def test_a_reason_outside_rc1_to_rc9_is_not_a_reason():
    facts = ClosureFacts(**{**COMPLETE.__dict__, "reason": "RC0"})
    assert [i.key for i in rules.blockers(rules.closure_checklist(facts, TODAY))] == ["reason"]


# ---------------------------------------------------------------- letters (TRA)


def test_child_letters_by_age():
    # TRA "child (where appropriate)": none unborn or under 5; simple 5-11; young person 12+.
    assert rules.child_letter_audience(None, True) is None
    assert rules.child_letter_audience(4, False) is None
    assert rules.child_letter_audience(5, False) == "child"
    assert rules.child_letter_audience(11, False) == "child"
    assert rules.child_letter_audience(12, False) == "young_person"
    assert rules.child_letter_audience(17, False) == "young_person"


def test_letters_go_to_parents_carers_the_child_and_each_professional():
    people = [
        PersonFact("Layla Example", "family", "Mother", parental_responsibility=True),
        PersonFact("Gran Example", "family", "Grandmother", lives_with_child=True),
        PersonFact("Uncle Example", "family", "Uncle"),  # neither: no letter
        PersonFact("Ms Teach", "professional", agency="Hill School", role="Class teacher"),
    ]
    got = rules.letter_recipients("Sam", 8, False, people, child_address="1 Road")
    assert [(r.name, r.audience, r.role) for r in got] == [
        ("Layla Example", "parent", "Mother"), ("Gran Example", "parent", "Grandmother"),
        ("Sam", "child", ""), ("Ms Teach", "professional", "Class teacher (Hill School)")]
    assert got[0].address == "1 Road"
    assert [r.audience for r in rules.letter_recipients("Baby", None, True, people)] == [
        "parent", "parent", "professional"]
    # After a step-down (WIR 3) its lead professional too, once, whether or not a person.
    led = rules.letter_recipients("Sam", 8, False, people, lead="Jane Smith",
                                  lead_service="Stretford Early Help Hub")
    assert [(r.name, r.role) for r in led[-2:]] == [
        ("Ms Teach", "Class teacher (Hill School)"),
        ("Jane Smith", "Lead professional (Stretford Early Help Hub)")]
    assert len(rules.letter_recipients("Sam", 8, False, people, lead="ms  teach (DSL)")) == \
        len(got)


def test_every_census_reason_has_plain_words():
    assert sorted(rules.PLAIN_REASONS) == [f"RC{i}" for i in range(1, 10)]


# ---------------------------------------------------------------- re-referral (WAR 3.4)


def test_rereferral_bands_count_calendar_months():
    closed = date(2026, 11, 30)
    assert rules.rereferral_band(closed, date(2026, 12, 30)) == "within 1 month"
    assert rules.rereferral_band(closed, date(2026, 12, 31)) == "1 to 3 months"
    # 30 Nov + 3 months = 28 Feb (§6): 28 Feb is within 3 months, 1 Mar is not.
    assert rules.rereferral_band(closed, date(2027, 2, 28)) == "1 to 3 months"
    assert rules.rereferral_band(closed, date(2027, 3, 1)) == "3 to 6 months"
    assert rules.rereferral_band(closed, date(2027, 11, 30)) == "6 to 12 months"
    assert rules.rereferral_band(closed, date(2027, 12, 1)) == "over 12 months"
    assert rules.describe_interval(closed, date(2027, 1, 9)) == (
        "40 days after the last closure (1 to 3 months)")


def test_only_a_closed_case_is_rereferred_and_not_before_its_closure():
    closed = date(2026, 6, 3)
    assert rules.check_rereferral("closed", closed, date(2026, 6, 3), TODAY) == []
    assert keys(rules.check_rereferral("cin_plan", None, TODAY, TODAY)) == ["child"]
    assert rules.check_rereferral("closed", closed, date(2026, 6, 2), TODAY)[0].message == (
        "2 Jun 2026 is before the last closure (3 Jun 2026)")
    assert "future" in rules.check_rereferral("closed", closed, date(2026, 11, 24),
                                              TODAY)[0].message


def test_a_letter_closing_on_to_adult_social_care_names_its_contact_rc6_war_4_2():
    """RC6, WAR 4.2: who to call at adult social care, in each reader's words; nothing
    where no contact was recorded (the letter as it was)."""
    contact = "Ana Petrov, Transitions Team, 01926 410500"
    assert rules.adult_help("parent", contact, "Kai") == (
        "From now on, adult social care services support Kai. Who to contact there: "
        "Ana Petrov, Transitions Team, 01926 410500.")
    assert rules.adult_help("young_person", contact, "Kai").startswith(
        "From now on, adult social care services support you.")
    assert rules.adult_help("professional", contact, "Kai") == (
        "Adult social care services now support Kai; their contact: Ana Petrov, "
        "Transitions Team, 01926 410500.")
    assert rules.adult_help("parent", "", "Kai") == ""


def test_a_lead_professional_typed_with_their_role_is_written_to_by_name_wir_3():
    """WIR 3, TRA: a lead professional typed "Chris Demo, family support worker" (the
    demo's) had a letter to "Dear Chris Demo, family support worker," and the family's said
    "From now on, Chris Demo, family support worker from …". The name is now the name, the
    rest what they are; "Ms Hill (DSL)" reads as before, and "Smith, Jane" is kept whole."""
    assert rules.lead_parts("Chris Demo, family support worker") == (
        "Chris Demo", "family support worker")
    assert rules.lead_parts("Ms Hill (DSL)") == ("Ms Hill", "DSL")
    assert rules.lead_parts("Smith, Jane") == ("Smith, Jane", "")
    assert rules.lead_parts("Jane Smith") == ("Jane Smith", "")
    [lead] = rules.letter_recipients("Sam", None, True, [],
                                     lead="Chris Demo, family support worker",
                                     lead_service="Early Help Hub")
    assert (lead.name, lead.role) == (
        "Chris Demo", "Lead professional, family support worker (Early Help Hub)")
    assert rules.next_help("parent", "Early Help Hub", "Chris Demo, family support worker",
                           "01632 960 101", "Sam") == (
        "From now on, Chris Demo (family support worker) from Early Help Hub will support "
        "you and Sam. You can reach them on 01632 960 101.")
    assert rules.next_help("parent", "Hub", "Ms Hill (DSL)", "", "Sam") == \
        "From now on, Ms Hill (DSL) from Hub will support you and Sam."


# ---------------------------------------------------------------- after the closure (TRA, BEX 3)


def test_a_day_after_the_closure_finds_the_case_closed_and_the_closure_day_does_not():
    """TRA, BEX 3: no casework on a closed case; what was done by the closure day may be
    recorded later (late recording is normal), and a re-referral opens the case again."""
    one = [(date(2026, 6, 29), date(2026, 9, 18))]
    assert rules.closed_on(one, date(2026, 9, 18)) is None  # the closure day itself
    assert rules.closed_on(one, date(2026, 7, 1)) is None
    assert rules.closed_on(one, date(2026, 6, 1)) is None  # before the referral: not this rule
    assert rules.closed_on(one, date(2026, 12, 1)) == rules.ClosedOn(date(2026, 9, 18))
    two = [(date(2026, 11, 2), None), *one]  # WAR 3.4: re-referred on 2 Nov
    assert rules.closed_on(two, date(2026, 12, 1)) is None
    assert rules.closed_on(two, date(2026, 11, 2)) is None
    assert rules.closed_on(two, date(2026, 10, 1)) == rules.ClosedOn(date(2026, 9, 18),
                                                                      date(2026, 11, 2))


def test_the_refusal_names_the_child_the_closure_and_the_way_forward():
    said = rules.after_closure("DEMO00070", "a visit", date(2026, 12, 1),
                               rules.ClosedOn(date(2026, 9, 18)))
    assert said == ("DEMO00070's case closed on 18 Sep 2026: a visit on 1 Dec 2026 needs the "
                    "case open again (re-referral: `cintui child rerefer DEMO00070 --date DATE "
                    "--source SOURCE`, or R on the record, or Ctrl+P → re-refer)")
    between = rules.after_closure("DEMO00070", "a visit", date(2026, 10, 1),
                                  rules.ClosedOn(date(2026, 9, 18), date(2026, 11, 2)))
    assert between == ("DEMO00070's case was closed from 18 Sep 2026 until its re-referral on "
                       "2 Nov 2026: a visit on 1 Oct 2026 falls between (date it on or before "
                       "18 Sep 2026, or from 2 Nov 2026)")


def test_casework_kept_after_a_closure_is_said_in_the_visits_form_for_its_kind_tra_bex_3():
    """TRA, BEX 3: what a laptop recorded offline after the server closed the case is said
    at the sync in one form for every kind (what, its day, the child, the closure), and
    waits for the manager in words for its kind: whole in the list's 20 columns at 80."""
    from datetime import UTC

    from cintui.domain.waiting import Waiting

    closed = rules.ClosedOn(date(2026, 11, 27))
    assert rules.kept_arrived("DEMO00070", "supervision", date(2026, 12, 1), closed) == (
        "Supervision on 1 Dec 2026 for DEMO00070 arrived after the case closed on 27 Nov "
        "2026: kept; re-refer if the case is open again")
    assert rules.kept_arrived("DEMO00070", "meeting_booked", date(2026, 12, 3), closed) == (
        "Meeting booked for 3 Dec 2026 for DEMO00070 arrived after the case closed on 27 Nov "
        "2026: kept; re-refer if the case is open again")
    assert rules.kept_arrived("DEMO00070", "visit", date(2026, 12, 1), closed).startswith(
        "Visit on 1 Dec 2026 for DEMO00070 arrived")  # as it always was
    assert all(len(k.short) <= 20 for k in rules.KEPT.values())
    w = Waiting("id", "DEMO00070", "Ava Quayle", "Esme Holloway", "after_closure",
                date(2026, 12, 1), "Tom Hale", record="fgc_held")
    assert (w.what, w.what_for(None, short=True)) == (
        "decide on an FGC held after the closure (BEX 3)", "FGC held, closed")
    assert w.describe_since(date(2026, 12, 1), england_calendar()) == (
        "held 1 Dec by Tom Hale, today")
    assert w.as_json(date(2026, 12, 1), england_calendar())["record"] == "fgc_held"
    # BEX 4: a decision recorded since, made after the closure day, answers it; the closure's
    # own decision, made by then, does not, nor one recorded before it arrived.
    at = datetime(2026, 12, 2, 9, tzinfo=UTC)
    assert not rules.decided_since(date(2026, 11, 27), at, [
        (date(2026, 11, 27), datetime(2026, 12, 2, 10, tzinfo=UTC))])
    assert not rules.decided_since(date(2026, 11, 27), at, [
        (date(2026, 12, 1), datetime(2026, 12, 2, 8, tzinfo=UTC))])
    assert rules.decided_since(date(2026, 11, 27), at, [
        (date(2026, 11, 28), datetime(2026, 12, 2, 10, tzinfo=UTC))])
    # One a laptop made offline answers it if that laptop held it then, whatever its clock.
    assert rules.decided_since(date(2026, 11, 27), at, [(date(2026, 11, 28), True)])
    assert not rules.decided_since(date(2026, 11, 27), at, [(date(2026, 11, 28), False)])
    assert not rules.decided_since(date(2026, 11, 27), at, [(date(2026, 11, 27), True)])


def test_a_dispute_referred_on_is_the_service_managers_alone_bex_3():
    """DOMAIN.md §7 (BEX 3): the team manager, then the service manager. Referred on, only a
    service manager settles it; anyone else is refused naming who it waits on, and the
    waiting list says so to them instead of asking them to settle it."""

    from cintui.domain.endings import settling_referred
    from cintui.domain.waiting import Waiting

    assert settling_referred("Morgan Fielding", "morgan.fielding", "service_manager") is None
    assert settling_referred("Morgan Fielding", "tom.abbiss", "team_manager") == (
        "BEX 3: the dispute waits on the service manager (Morgan Fielding): settling it "
        "needs a service manager; tom.abbiss is a team manager")
    w = Waiting("id", "DEMO00063", "Ava Quayle", "Esme Holloway", "dispute_referred",
                date(2026, 11, 26), waits_on="Morgan Fielding")
    assert not w.theirs("team_manager") and w.theirs("service_manager") and w.theirs(None)
    assert w.what_for("team_manager") == "with Morgan Fielding (service manager)"
    assert w.what_for("team_manager", short=True) == "with Morgan Fielding"
    assert w.what_for("service_manager") == "settle the dispute referred on (BEX 3)"
