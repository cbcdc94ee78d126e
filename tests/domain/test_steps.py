"""The case's steps (cintui.domain.steps): their order, dates in order and not in the
future, who may authorise, the status that follows the facts, the assessment record's
headings, circumstances feeding census factors, and census codes by words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cintui.domain import steps as s
from cintui.reference import codes

TODAY = date(2026, 11, 23)
REFERRAL = date(2026, 9, 1)
FULL_RECORD = {h.key: f"{h.title}: written" for h in s.HEADINGS}
FACTORS = codes.short_names("assessment_factor")

REFERRED = s.StepFacts(referral=REFERRAL, birth=date(2017, 5, 2))
DECIDED = replace(REFERRED, referral_decision="assessment", referral_decided_on=REFERRAL,
                  referral_decided_by="Tom Hale", referral_route="mash")
STARTED = replace(DECIDED, assessment_started=date(2026, 9, 2))
WRITTEN = replace(STARTED, record=FULL_RECORD, factors=("16A",), outcome="cin_plan")
COMPLETED = replace(WRITTEN, assessment_submitted=date(2026, 10, 12))
AUTHORISED = replace(COMPLETED, assessment_authorised=date(2026, 10, 13),
                     assessment_authorised_by="Tom Hale")
PLANNED = replace(AUTHORISED, cin_plan_start=date(2026, 10, 14), cin_plan_authorised_by="Tom")


def fields(problems) -> list[str]:
    return [p.field for p in problems]


def words(problems) -> str:
    return " | ".join(p.message for p in problems)


# ---------------------------------------------------------------- status


@pytest.mark.parametrize("facts, status", [
    (REFERRED, "referral"), (DECIDED, "referral"), (STARTED, "assessment"),
    (AUTHORISED, "assessment"), (PLANNED, "cin_plan"),
    (replace(PLANNED, closed=date(2027, 1, 21)), "closed"),
])
def test_the_status_follows_the_steps(facts, status):
    assert s.status_of(facts) == status


def test_next_step_in_words_at_each_stage():
    assert s.next_step(REFERRED).startswith("Record the decision on the referral")
    assert s.next_step(DECIDED) == "Start the assessment."
    assert s.next_step(STARTED) == (
        "The assessment: write it under its headings (7 of 7 still empty), choose the "
        "factors, the level of need and the outcome, then complete it.")
    assert s.next_step(COMPLETED) == "The line manager authorises the assessment (TRA)."
    assert s.next_step(AUTHORISED).startswith("Start the CIN plan")
    assert "WAR 4.4.2" in s.next_step(PLANNED)
    visited = replace(PLANNED, initial_home_visit=date(2026, 10, 15))
    # WAR 4.4.2: once the home visit is recorded, only the support start is left to do.
    assert s.next_step(visited).startswith("Record the day CIN support started")
    assert s.next_step(replace(visited, support_started=date(2026, 10, 20))) == s.ALL_RECORDED
    assert s.next_step(replace(AUTHORISED, outcome="escalate")).startswith("Escalated")


def test_a_plan_not_started_gives_way_to_an_ending_under_way_tra_bex_3_wir_3():
    """TRA, BEX 3, WIR 3: authorised with "a CIN plan", then a closure or step-down
    recommended before the plan started. What comes next is the manager's decision on the
    ending, then its completion; never "start the CIN plan" for a case being closed."""
    def ending(kind, status):
        return s.next_step(replace(AUTHORISED, ending_kind=kind, ending_status=status))

    assert ending("closure", "recommended") == (
        "Closure recommended: the team manager decides it (C on the record, or cintui close "
        "decide); the plan does not start meanwhile (TRA, BEX 3).")
    assert ending("closure", "approved") == (
        "Closure approved: the plan does not start; complete it (C on the record, or "
        "cintui close complete).")
    assert ending("closure", "disputed").startswith("Closure disputed: the team manager settles")
    assert ending("step_down", "approved").startswith("Step-down to early help approved")
    assert "cintui stepdown complete" in ending("step_down", "approved")
    # Declined or withdrawn: the plan's start is next again; a started plan goes on.
    assert ending("closure", "declined").startswith("Start the CIN plan")
    assert "WAR 4.4.2" in s.next_step(replace(PLANNED, ending_kind="closure",
                                              ending_status="recommended"))


def test_steps_list_each_step_done_or_not():
    done = {st.key: st.done for st in s.steps(PLANNED)}
    assert done == {"referral": True, "decision": True, "assessment_start": True,
                    "assessment_record": True, "assessment_complete": True,
                    "assessment_authorise": True, "plan_start": True, "home_visit": False,
                    "support_start": False}
    record = next(st for st in s.steps(STARTED) if st.key == "assessment_record")
    assert (record.done, record.detail) == (False, "0 of 7 headings")


def all_taken_before(facts: s.StepFacts, detail: str) -> None:
    """Every step done: those not recorded here as taken before (with `detail`), none left
    to do, the assessment record the old system's or the pack's."""
    found = {st.key: st for st in s.steps(facts)}
    assert all(st.done for st in found.values())
    assert {k: st.detail for k, st in found.items() if st.before_import} == dict.fromkeys(
        ("decision", "assessment_record", "assessment_complete", "home_visit",
         "support_start"), detail)
    assert s.next_step(facts) == s.ALL_RECORDED
    assert s.record_in_old_system(facts)


def test_an_imported_case_shows_the_steps_its_file_left_out_as_taken_before_it():
    """WAR 4.4.2, TRA: a caseload file gives a case on a CIN plan its referral, assessment
    and plan dates, seldom the referral decision, the date the assessment was sent for
    authorisation, the initial home visit or the day support started. Those were taken in
    the old system: the steps say so, and the next step is not "record the initial home
    visit" for a plan months old (every imported child once said so)."""
    imported = s.StepFacts(referral=REFERRAL, assessment_started=date(2026, 9, 2),
                           assessment_authorised=date(2026, 10, 13),
                           cin_plan_start=date(2026, 10, 14), recorded_from=TODAY)
    all_taken_before(imported, s.IMPORTED_DETAIL)
    # Entered in cintui, the same facts still leave those steps to do.
    typed = replace(imported, recorded_from=None)
    assert not any(st.before_import for st in s.steps(typed))
    assert "WAR 4.4.2" in s.next_step(typed) and not s.record_in_old_system(typed)


def test_the_next_step_of_an_assessment_under_way_is_what_it_still_lacks_tra():
    """WIR 1.1, TRA: the assessment under its headings, the factors, the level of need and
    the outcome, then completed. With every heading written the next step still said "Write
    the assessment under its headings"; it names only what is left, and no level of need
    where the policy has none (England's, Bexley's)."""
    written = replace(STARTED, record=FULL_RECORD)
    assert s.next_step(written) == ("The assessment: choose the factors, the level of need "
                                    "and the outcome, then complete it.")
    assert s.next_step(written, level_needed=False) == (
        "The assessment: choose the factors and the outcome, then complete it.")
    half = replace(WRITTEN, record={k: v for k, v in list(FULL_RECORD.items())[:5]},
                   level="Level 3")
    assert s.next_step(half) == ("The assessment: write it under its headings (2 of 7 still "
                                 "empty), then complete it.")
    assert s.next_step(replace(WRITTEN, level="Level 3")) == (
        "Complete the assessment: the date it was completed (TRA).")


def test_an_imported_case_still_in_assessment_has_only_what_follows_to_do():
    """TRA: a case imported mid-assessment had its referral decided in the old system; the
    assessment itself is still to write here, and the steps after it are still to come."""
    imported = s.StepFacts(referral=REFERRAL, assessment_started=date(2026, 11, 2),
                           recorded_from=TODAY)
    found = {st.key: st for st in s.steps(imported)}
    assert found["decision"].before_import
    assert not any(found[k].done for k in ("assessment_record", "assessment_complete",
                                           "home_visit", "support_start"))
    assert s.next_step(imported).startswith("The assessment: write it under its headings")
    # A plan started after the import day is cintui's to follow: WAR 4.4.2 still asked.
    later = replace(imported, assessment_authorised=TODAY, outcome="cin_plan",
                    cin_plan_start=date(2026, 11, 24))
    assert "WAR 4.4.2" in s.next_step(later)
    assert not {st.key: st for st in s.steps(later)}["home_visit"].done


def test_a_transferred_in_case_shows_what_the_other_authority_did_as_taken_there_bex_4():
    """BEX 4: a child moving in brings the assessment and the plan; the episode here starts
    with the move, the plan in force from it. The referral decision, the assessment's
    writing and its sending for authorisation, the initial home visit and the support's
    start (WAR 4.4.2) were done where the child came from: taken, said so, never "to do";
    the next step is not "record the initial home visit" for a plan the family has had for
    months. Without a plan in the pack, the plan is still to start here."""
    move = date(2026, 11, 16)
    moved = s.StepFacts(referral=move, assessment_started=date(2026, 3, 9),
                        assessment_authorised=date(2026, 3, 27), cin_plan_start=move,
                        moved_in=move)
    all_taken_before(moved, s.TRANSFERRED_DETAIL)
    # A pack without the assessment's dates (none recorded where the child came from).
    bare = replace(moved, assessment_started=None, assessment_authorised=None)
    assert all(st.done for st in s.steps(bare)) and s.next_step(bare) == s.ALL_RECORDED
    no_plan = replace(moved, cin_plan_start=None)
    assert s.next_step(no_plan).startswith("Start the CIN plan")
    assert not {st.key: st for st in s.steps(no_plan)}["home_visit"].done


# ---------------------------------------------------------------- referral


def test_a_referral_decided_in_time_passes():
    r = s.Referral(route="mash", decision="assessment", decided_on=REFERRAL, decided_by="Tom")
    assert s.check_referral(r, REFERRED, TODAY) == []


@pytest.mark.parametrize("referral, field, says", [
    (s.Referral(on=date(2026, 11, 24)), "on", "in the future"),
    # Census 8606: no more than 40 weeks before the birth.
    (s.Referral(on=date(2016, 7, 1)), "on", "40 weeks before the birth"),
    (s.Referral(route="post"), "route", "not a route"),
    # WAR 4.4: a step-up from early help names the early help plan.
    (s.Referral(route="early_help_step_up"), "early_help_plan", "date of the early help plan"),
    (s.Referral(route="early_help_step_up", early_help_plan_on=date(2026, 9, 2)),
     "early_help_plan", "after the referral"),
    (s.Referral(route="mash", early_help_plan_on=date(2026, 8, 1)), "early_help_plan",
     "goes with a step-up"),
    (s.Referral(decision="maybe", decided_by="Tom"), "decision", "not a decision"),
    (s.Referral(decision="assessment", decided_on=date(2026, 8, 31), decided_by="Tom"),
     "decided_on", "before the referral"),
    (s.Referral(decision="assessment", decided_by=""), "by", "who made the decision"),
    (s.Referral(decided_by="Tom"), "decision", "say what was decided"),
])
def test_bad_referrals_are_refused(referral, field, says):
    problems = s.check_referral(referral, REFERRED, TODAY)
    assert field in fields(problems) and says in words(problems)


def test_the_referral_is_fixed_once_the_assessment_starts_or_the_episode_closes():
    assert "can no longer be changed" in words(s.check_referral(s.Referral(), STARTED, TODAY))
    closed = replace(DECIDED, closed=REFERRAL)
    assert "rerefer" in words(s.check_referral(s.Referral(), closed, TODAY))


def test_decision_timeliness_against_the_policy():
    # Working Together 2023: a decision within 1 working day of the referral.
    rule = "1 working day, Working Together 2023"
    assert s.decision_timeliness(REFERRAL, date(2026, 9, 2), date(2026, 9, 2), rule) == \
        f"in time: {rule}"
    assert s.decision_timeliness(REFERRAL, date(2026, 9, 4), date(2026, 9, 2), rule) == \
        f"late: due by 2 Sep 2026, {rule}"


# ---------------------------------------------------------------- assessment


def test_an_assessment_follows_a_decision_to_assess():
    assert "record it first" in words(s.check_assessment_start(REFERRAL, REFERRED, TODAY))
    nfa = replace(REFERRED, referral_decision="nfa", referral_decided_on=REFERRAL)
    assert "no further action" in words(s.check_assessment_start(REFERRAL, nfa, TODAY))
    assert s.check_assessment_start(date(2026, 9, 2), DECIDED, TODAY) == []


@pytest.mark.parametrize("on, says", [
    (date(2026, 8, 31), "before the referral"),  # census 1103
    (date(2026, 11, 24), "in the future"),
    (None, "give the date the assessment started"),
])
def test_assessment_start_dates(on, says):
    assert says in words(s.check_assessment_start(on, DECIDED, TODAY))


def test_the_record_is_written_until_it_is_authorised():
    assert s.check_record({"analysis": "x"}, STARTED) == []
    assert "not a heading" in words(s.check_record({"feelings": "x"}, STARTED))
    assert "has not started" in words(s.check_record({"analysis": "x"}, DECIDED))
    assert "it is final" in words(s.check_record({"analysis": "x"}, AUTHORISED))


def test_completion_needs_every_heading_factors_level_and_outcome():
    """WIR 1.1 and TRA: the assessment covers every heading, including the analysis of what
    happens if the needs are not met; the level of vulnerability; the outcome."""
    missing = s.missing_for_completion(STARTED, {}, ("Level 3", "Level 4"))
    assert fields(missing) == ["record", "factors", "level", "outcome"]
    assert "The child's developmental needs" in missing[0].message
    # The outcomes in words a worker knows, with what the command line takes.
    assert missing[3].message.startswith("choose the outcome: a CIN plan (cin_plan), no "
                                         "further action (nfa), step down to early help")
    assert s.missing_for_completion(replace(WRITTEN, level="Level 4"), {},
                                    ("Level 3", "Level 4")) == []
    # A policy without levels does not ask for one.
    assert s.missing_for_completion(WRITTEN, {}, ()) == []
    # Census 8873: "no factors identified" goes only with no further action.
    none = replace(WRITTEN, factors=("21",))
    assert "census 8873" in words(s.missing_for_completion(none, {}, ()))
    assert s.missing_for_completion(replace(none, outcome="nfa"), {}, ()) == []


def test_what_completion_needs_in_one_sentence_for_the_form_wir_1_1():
    """WIR 1.1, TRA: the form writing the assessment shows its headings and choices, so it
    says what completing needs by count or name, not each explained again."""
    levels = ("Level 3", "Level 4")
    assert s.missing_briefly(STARTED, {}, levels) == (
        "write under all 7 headings; choose the factors, the level of need and the outcome")
    most = replace(WRITTEN, record={**WRITTEN.record, "analysis": "", "childs_voice": " ",
                                    "risks_strengths": ""})
    assert s.missing_briefly(most, {}, ()) == "write under 3 more headings"
    two = replace(WRITTEN, record={**WRITTEN.record, "analysis": ""}, outcome="")
    assert s.missing_briefly(two, {}, levels) == (
        "write “Analysis”; choose the level of need and the outcome")
    assert s.missing_briefly(replace(WRITTEN, level="Level 4"), {}, levels) == ""
    # Census 8873, said in full: the outcome is chosen, but not one "no factors" goes with.
    none = replace(WRITTEN, factors=("21",))
    assert "census 8873" in s.missing_briefly(none, {}, ())


def test_completion_date_and_order():
    assert s.check_completion(date(2026, 10, 12), WRITTEN, {}, (), TODAY) == []
    assert "before the assessment's start" in words(
        s.check_completion(date(2026, 9, 1), WRITTEN, {}, (), TODAY))
    assert "waits for authorisation" in words(
        s.check_completion(date(2026, 10, 12), COMPLETED, {}, (), TODAY))


def test_factors_are_census_codes_and_21_stands_alone():
    labels = codes.codes("assessment_factor")
    assert s.check_factors(["3A", "16A"], STARTED, {}, labels) == []
    assert "census 8869" in words(s.check_factors(["21", "3A"], STARTED, {}, labels))
    assert "not a census assessment factor" in words(s.check_factors(["99Z"], STARTED, {},
                                                                     labels))
    # A young carer (WAR 2.2.2) has factor 7A, so "no factors" cannot be chosen.
    assert "feed 7A" in words(s.check_factors(["21"], STARTED, {"young_carer": "yes"}, labels))


def test_only_a_manager_authorises_after_completion():
    """TRA: the assessment is sent to the line manager for authorisation."""
    assert s.check_authorisation(date(2026, 10, 13), COMPLETED, "team_manager", "Tom",
                                 TODAY) == []
    assert s.check_authorisation(date(2026, 10, 13), COMPLETED, "service_manager", "Sue",
                                 TODAY) == []
    refused = words(s.check_authorisation(date(2026, 10, 13), COMPLETED, "social_worker",
                                          "Amira Khan", TODAY))
    assert "TRA: authorising the assessment needs a team manager or service manager; Amira Khan is a social worker" in refused
    assert "not a worker on this store" in words(
        s.check_authorisation(date(2026, 10, 13), COMPLETED, "", "Someone", TODAY))
    assert "not completed yet" in words(
        s.check_authorisation(date(2026, 10, 13), WRITTEN, "team_manager", "Tom", TODAY))
    assert "before its completion" in words(
        s.check_authorisation(date(2026, 10, 11), COMPLETED, "team_manager", "Tom", TODAY))


# ---------------------------------------------------------------- plan and support


def test_the_plan_follows_an_authorised_assessment_with_outcome_cin_plan():
    on = date(2026, 10, 14)
    assert s.check_plan_start(on, AUTHORISED, "team_manager", "Tom", TODAY) == []
    assert "none yet" in words(s.check_plan_start(on, COMPLETED, "team_manager", "Tom", TODAY))
    nfa = replace(AUTHORISED, outcome="nfa")
    assert "not a CIN plan" in words(s.check_plan_start(on, nfa, "team_manager", "Tom", TODAY))
    assert "TRA: authorising the CIN plan needs a team manager" in words(
        s.check_plan_start(on, AUTHORISED, "senior_practitioner", "Sam", TODAY))
    assert "before the assessment's authorisation" in words(
        s.check_plan_start(date(2026, 10, 12), AUTHORISED, "team_manager", "Tom", TODAY))
    assert "started on" in words(s.check_plan_start(on, PLANNED, "team_manager", "Tom", TODAY))


def test_support_follows_the_home_visit_and_the_assessment():
    """WAR 4.4.2: support initiated after the assessment, within 20 working days from the
    initial home visit."""
    assert s.check_home_visit(date(2026, 9, 3), STARTED, TODAY) == []
    assert "before the referral" in words(s.check_home_visit(date(2026, 8, 3), STARTED, TODAY))
    assert "initial home visit first" in words(
        s.check_support_start(date(2026, 10, 15), AUTHORISED, TODAY))
    visited = replace(AUTHORISED, initial_home_visit=date(2026, 9, 3))
    assert s.check_support_start(date(2026, 10, 15), visited, TODAY) == []
    assert "authorised assessment" in words(
        s.check_support_start(date(2026, 10, 15), replace(visited, outcome="nfa"), TODAY))
    assert "before the assessment's authorisation" in words(
        s.check_support_start(date(2026, 10, 1), visited, TODAY))


# ---------------------------------------------------------------- circumstances


def test_circumstances_feed_their_census_factors():
    """WAR 2.2.2 → DfE factors: young carer 7A, privately fostered 8B-8F, unaccompanied
    asylum-seeking child 9A; those without a factor of their own go in 20 "other"."""
    assert s.circumstance_factors({"young_carer": "yes"}) == ("7A",)
    assert s.circumstance_factors({"private_fostering": "education"}) == ("8D",)
    assert s.circumstance_factors({"asylum": "unaccompanied", "parent_in_prison": "yes",
                                   "no_recourse": "yes"}) == ("9A", "20")
    assert s.circumstance_factors({"sen": "ehcp", "young_carer": "no"}) == ()
    assert s.census_factors(["16A"], {"young_carer": "yes"}) == ("16A", "7A")
    assert s.census_factors(["21"], {}) == ("21",)
    assert s.census_factors(["21"], {"asylum": "unaccompanied"}) == ("9A",)


def test_circumstance_words():
    assert s.circumstance_words("young_carer", "yes") == "Young carer"
    assert s.circumstance_words("private_fostering", "overseas_stay") == \
        "Privately fostered: from overseas, intends to stay"
    assert s.circumstance_words("sen", "no") == "Special educational needs: no longer"


# ---------------------------------------------------------------- direct payments


def test_direct_payments_are_for_a_disabled_child_and_reviewed_after_they_start():
    """WAR 7.2, 7.2.1: direct payments for a disabled child, reviewed at least annually; a
    review follows the start and the last review (the one record: domain.short_breaks)."""
    from cintui.domain import short_breaks as dp
    from cintui.domain.policy import Timescale

    start, year = date(2026, 1, 5), Timescale("direct_payment_review", 12, "months",
                                                "WAR 7.2.1")
    assert "disabled child" in words(dp.check_disabled(False, "direct payments"))
    assert dp.check_disabled(True, "direct payments") == []
    payment = {"amount_pence": 9000, "period": "week", "managed_by": "Mother",
               "review_due": None, "timescale": year}
    assert dp.check_direct_payment(started=start, birth=date(2017, 5, 2), **payment) == []
    assert "before the child's birth" in words(dp.check_direct_payment(
        started=start, birth=date(2026, 2, 1), **payment))
    review = {"started": start, "ended": None, "next_due": None, "today": TODAY,
              "timescale": year}
    assert "before the start" in words(dp.check_review(on=date(2025, 12, 1), last=None,
                                                       **review))
    assert "before the last review" in words(dp.check_review(
        on=date(2026, 6, 1), last=date(2026, 7, 1), **review))
    assert dp.check_review(on=date(2026, 11, 2), last=date(2026, 7, 1), **review) == []


# ---------------------------------------------------------------- by words


@pytest.mark.parametrize("query, code", [
    ("domestic violence: child", "3A"), ("Domestic violence child", "3A"),
    ("mental health parent", "4B"), ("young carer", "7A"), ("neglect", "16A"),
    ("other", "20"), ("3b", "3B"), ("no factors", "21"), ("unaccompanied", "9A"),
])
def test_factors_are_picked_by_words(query, code):
    assert s.pick_code(query, FACTORS, "assessment factor", "factor") == code


def test_words_that_match_several_or_none_say_which():
    with pytest.raises(s.NoSuchCode, match="matches 2 assessment factors: sexual abuse: child "
                       "on child; sexual abuse: adult on child; add a word"):
        s.pick_code("sexual abuse", FACTORS, "assessment factor", "factor")
    with pytest.raises(s.NoSuchCode, match="did you mean: domestic violence: child"):
        s.pick_code("domestc violence child", FACTORS, "assessment factor", "factor")
    with pytest.raises(s.NoSuchCode, match="no assessment factor matches"):
        s.pick_code("zzz", FACTORS, "assessment factor", "factor")


def test_referral_sources_by_words():
    sources = codes.codes("referral_source")
    assert s.pick_code("police", sources, "referral source", "source") == "6"
    assert s.pick_code("health visitor", sources, "referral source", "source") == "3B"
    assert s.pick_code("early help", sources, "referral source", "source") == "5D"
    # A name in the singular: "school" is Schools (2A), not also "school nurse" (3C); a word
    # that is only the start of names still asks for another.
    assert s.pick_code("school", sources, "referral source", "source") == "2A"
    assert s.pick_code("schools", sources, "referral source", "source") == "2A"
    assert s.pick_code("school nurse", sources, "referral source", "source") == "3C"
    with pytest.raises(s.NoSuchCode, match="matches 6 referral sources"):
        s.pick_code("health", sources, "referral source", "source")


def test_the_record_from_markdown_by_heading_words():
    text = ("## The child's developmental needs\nHealthy.\n\n## parenting\nWarm.\n"
            "# analysis\nIf not met: decline.\n")
    assert s.record_from_text(text) == {"developmental_needs": "Healthy.",
                                        "parenting_capacity": "Warm.",
                                        "analysis": "If not met: decline."}
    with pytest.raises(s.NoSuchCode, match="start with a heading"):
        s.record_from_text("Some text\n## Analysis\nx")
    with pytest.raises(s.NoSuchCode, match="heading of the assessment record"):
        s.record_from_text("## Housing\nx")


def test_how_a_referral_came_names_a_step_up_once_war_2_4():
    """The record and chronology say how a referral came. A step-up from early help (its
    census source 5D) once, with its plan's date; any other route after the source."""
    from cintui.domain.steps import referral_came

    assert referral_came("5D", "LA services – early help", "early_help_step_up",
                         date(2026, 7, 17)) == ": a step-up from early help, its plan 17 Jul 2026"
    assert referral_came("2A", "Schools", "early_help_step_up") == \
        ": a step-up from early help (from Schools)"
    assert referral_came("6", "Police", "mash") == \
        " from Police via MASH (multi-agency safeguarding hub)"
    assert referral_came("6", "Police", "") == " from Police"
    assert referral_came("", "", "") == ""


def test_a_referral_from_early_help_is_prompted_as_a_step_up_until_recorded_sto_7_13():
    """STO 7.13 audits the month's step-ups from early help; a referral whose source is
    early help (census 5D) but not recorded as a step-up would be missed, so the case steps
    prompt it (never refuse) while how it came can still be recorded: before the
    assessment starts."""
    def said(f, source="5D"):
        return [p.text for p in s.case_prompts(f, source, "NONE", "", "")]

    (text,) = said(REFERRED)
    assert "step-up" in text and "STO 7.13" in text
    (prompt,) = s.case_prompts(REFERRED, "5D", "NONE", "", "")
    assert prompt.for_shell("CIN000007").endswith(
        "(cintui referral record CIN000007 --route early-help-step-up "
        "--early-help-plan YYYY-MM-DD)")
    assert said(replace(REFERRED, referral_route="early_help_step_up")) == []
    assert said(replace(REFERRED, referral_route="mash")) == []  # the worker said how
    assert said(REFERRED, source="2A") == []
    assert said(replace(REFERRED, assessment_started=date(2026, 11, 3))) == []
    assert said(replace(REFERRED, closed=date(2026, 11, 3))) == []


def test_a_level_of_need_is_taken_by_its_words_tra():
    """TRA: the level of vulnerability in the policy's names. "child in need" was refused
    for Warwickshire's "Child in need (s17)", the whole assessment record with it."""
    levels = ("Early help", "Targeted support", "Child in need (s17)", "Section 47")
    assert s.level_meant("child in need", levels) == "Child in need (s17)"
    assert s.level_meant("  SECTION 47 ", levels) == "Section 47"
    assert s.level_meant("targeted", levels) == "Targeted support"
    assert s.level_meant("e", levels) == "e"  # in three of them: as typed, refused
    assert s.level_meant("s47", levels) == "s47"


def test_adult_social_cares_contact_is_one_line_with_a_referral_war_4_2():
    """WAR 4.2: the contact for the closure letters (RC6) goes with a referral or its
    answer, on one line of at most 300 characters."""
    from cintui.domain.steps import check_adult_contact, circumstance_words

    assert check_adult_contact("Ana Petrov, 01926 410500", "referred") == ""
    assert check_adult_contact("", "no") == ""  # clearing it is always allowed
    assert check_adult_contact("Ana Petrov", "no").startswith(
        "a contact goes with a referral to adult social care")
    assert check_adult_contact("Ana\n01926", "accepted").startswith("the contact is one line")
    assert "at most 300" in check_adult_contact("x" * 301, "accepted")
    assert circumstance_words("adult_social_care", "accepted", "Ana Petrov") == (
        "Adult social care: accepted, supports them from 18 (contact: Ana Petrov)")


def test_adult_social_care_is_for_a_young_person_preparing_for_adulthood_war_4_2():
    """WAR 4.2 ("smooth transitional arrangements"), Care Act s58: a referral to adult
    social care was accepted for a 4-year-old without a word. It is recorded from 13 on
    the day it is recorded (Year 9, whose EHCP review starts preparing for adulthood, begins
    at 13; a transition assessment), never
    before birth; clearing it ("no") always may."""
    from cintui.domain.steps import TRANSITION_AGE, check_adult_care_age

    assert TRANSITION_AGE == 13
    on = date(2026, 12, 7)
    assert check_adult_care_age("referred", date(2022, 5, 10), on) == (
        "the child is 4 on 7 Dec 2026: adult social care is for a young person preparing "
        "for adulthood, from Year 9, 13 (WAR 4.2; a Care Act s58 transition assessment): is this "
        "the right child?")
    assert check_adult_care_age("referred", date(2013, 12, 8), on).startswith(
        "the child is 12 on 7 Dec 2026")  # 13 tomorrow
    assert check_adult_care_age("referred", date(2013, 12, 7), on) == ""  # 13 today: Year 9
    for value in ("accepted", "declined", "not_needed"):
        assert check_adult_care_age(value, date(2020, 1, 1), on).startswith("the child is 6")
    assert check_adult_care_age("referred", None, on).startswith("the child is not born yet")
    assert check_adult_care_age("no", date(2022, 5, 10), on) == ""
    assert check_adult_care_age("no", None, on) == ""


def test_the_circumstances_held_now_with_the_day_of_each_answer_war_2_2_2():
    """WAR 2.2.2, 4.2 (the transfer pack's assessment summary): the circumstances held,
    in the order listed, each with the day its answer was first recorded; a contact changed
    alone keeps the acceptance's day and shows the newest contact; "no" is not held."""
    from cintui.domain.steps import circumstances_held

    assert circumstances_held([]) == []
    assert circumstances_held([
        ("adult_social_care", "referred", date(2026, 10, 5), "Front door"),
        ("young_carer", "yes", date(2026, 10, 5), ""),
        ("parent_in_prison", "yes", date(2026, 10, 6), ""),
        ("adult_social_care", "accepted", date(2026, 11, 2), "Front door"),
        ("adult_social_care", "accepted", date(2026, 11, 9), "Ana Petrov, 01926 410500"),
        ("parent_in_prison", "no", date(2026, 11, 10), "")]) == [
        "Young carer, since 5 Oct 2026",
        "Adult social care: accepted, supports them from 18, since 2 Nov 2026 (contact: Ana "
        "Petrov, 01926 410500)"]


def test_a_contact_changed_alone_reads_as_the_contact_changed_not_a_new_answer_war_4_2():
    """WAR 4.2: a contact given alone later is a new row of the same answer; the
    chronology read it as a second acceptance, dated the day of the change."""
    rows = [("adult_social_care", "referred", "Front door, 01926 410410"),
            ("adult_social_care", "accepted", "Front door, 01926 410410"),
            ("young_carer", "yes", ""),
            ("adult_social_care", "accepted", "Ana Petrov, Transitions Team, 01926 410500"),
            ("adult_social_care", "accepted", ""),
            ("adult_social_care", "no", ""),
            ("adult_social_care", "referred", "")]
    assert s.circumstance_history(rows) == [
        "Adult social care: referred, for support after 18 (contact: Front door, 01926 "
        "410410)",
        "Adult social care: accepted, supports them from 18 (contact: Front door, 01926 "
        "410410)",
        "Young carer",
        "Adult social care: contact changed to Ana Petrov, Transitions Team, 01926 410500 "
        "(still accepted, supports them from 18)",
        "Adult social care: contact cleared (still accepted, supports them from 18)",
        "Adult social care: no referral",
        "Adult social care: referred, for support after 18"]


def test_the_circumstances_open_at_adult_social_care_from_the_17th_birthday_war_4_2():
    from cintui.domain.steps import circumstance_first

    today = date(2026, 12, 7)
    assert circumstance_first(date(2009, 12, 7), today) == "adult_social_care"  # 17 today
    assert circumstance_first(date(2009, 12, 8), today) == "young_carer"  # 16
    assert circumstance_first(None, today) == "young_carer"
    assert circumstance_first(date(2027, 3, 1), today) == "young_carer"  # unborn
