"""The CIN census return's rules (DOMAIN.md §10), worked by hand: the collection year, which
episodes a year's return holds and how they look on its reference date, and the DfE CIN
census validation rules (cited by their DfE numbers, a query's ending in Q; a descriptive
id where the rule is the schema's). The year chooses the rules: 2024 is the 2023-24
collection (GenderCurrent), 2025-2027 return Sex and add 1570, 1580, 8945Q, 8950Q."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cintui.domain.census import (
    CensusChild,
    CensusEpisode,
    CensusS47,
    InvalidCensusInput,
    InvalidCensusYear,
    as_at,
    build,
    census_period,
    child_problems,
    in_return,
    la_number,
    return_episodes,
    return_queries,
    school_age_born_by,
    upn_check_letter,
)
from cintui.reference import codes

LISTS = codes.year_lists(2026)
Y2026 = census_period(2026)  # 1 April 2025 to 31 March 2026
Y2024 = census_period(2024)  # the 2023-24 collection: GenderCurrent, no 1570/1580

GOOD_EPISODE = CensusEpisode(
    referral_date=date(2025, 5, 6), referral_source="2A", primary_need="N1",
    assessment_started=date(2025, 5, 8), assessment_completed=date(2025, 6, 20),
    assessment_factors=("2A", "3A"), cin_plan_start=date(2025, 7, 1),
    cin_plan_end=date(2026, 1, 15), closure_date=date(2026, 2, 2), closure_reason="RC1")
GOOD_CHILD = CensusChild(
    reference="CIN0001", upn="U820100000001", dob=date(2015, 9, 1), sex="F",
    ethnicity="WBRI", disabilities=("NONE",), episodes=(GOOD_EPISODE,))


def rules(child: CensusChild, period=Y2026) -> list[str]:
    return [p.rule for p in child_problems(child, period, codes.year_lists(period.year))]


def with_episode(**changes) -> CensusChild:
    return replace(GOOD_CHILD, episodes=(replace(GOOD_EPISODE, **changes),))


def test_a_complete_record_breaks_no_rule():
    assert child_problems(GOOD_CHILD, Y2026, LISTS) == []


# ------------------------------------------------------------ the collection year


def test_the_2026_collection_runs_1_april_2025_to_31_march_2026():
    assert (Y2026.start, Y2026.end, Y2026.reference_date) == (
        date(2025, 4, 1), date(2026, 3, 31), date(2026, 3, 31))


@pytest.mark.parametrize("year", ["26", "20266", "two", ""])
def test_a_year_must_be_four_digits(year):
    with pytest.raises(InvalidCensusYear, match="--year: .* is not a year"):
        census_period(year)


@pytest.mark.parametrize("year", ["2023", "1999", "2028"])
def test_only_the_collections_2023_24_to_2026_27_are_returned(year):
    with pytest.raises(InvalidCensusYear, match="not a collection cintui returns .2024 to 2027"):
        census_period(year)
    assert [census_period(y).label for y in (2024, 2025, 2026, 2027)] == [
        "2023-24", "2024-25", "2025-26", "2026-27"]
    assert [census_period(y).uses_sex for y in (2024, 2025)] == [False, True]


def test_a_collection_that_has_not_started_is_refused():
    # The 2027 collection opens 1 April 2026: refused on 31 March, accepted on 1 April.
    with pytest.raises(InvalidCensusYear, match="has not started"):
        census_period(2027, today=date(2026, 3, 31))
    assert census_period(2027, today=date(2026, 4, 1)).end == date(2027, 3, 31)


def test_the_la_number_is_three_digits():
    assert la_number(" 820 ") == "820"
    for bad in ("82", "8200", "LA1", ""):
        with pytest.raises(InvalidCensusInput, match="--la"):
            la_number(bad)


def test_the_return_holds_every_episode_open_at_some_point_in_the_year():
    ep = CensusEpisode(referral_date=date(2024, 11, 1))
    assert in_return(ep, Y2026)  # open across the whole year
    assert in_return(replace(ep, closure_date=date(2025, 4, 1), closure_reason="RC1"), Y2026)
    assert not in_return(replace(ep, closure_date=date(2025, 3, 31), closure_reason="RC1"),
                         Y2026)  # closed the day before the year began
    assert in_return(replace(ep, referral_date=date(2026, 3, 31)), Y2026)
    assert not in_return(replace(ep, referral_date=date(2026, 4, 1)), Y2026)
    # 8569: an NFA referral from before the year was in last year's return.
    assert not in_return(replace(ep, referral_nfa=True), Y2026)
    assert in_return(replace(ep, referral_date=date(2025, 4, 1), referral_nfa=True), Y2026)


def test_the_return_shows_an_episode_as_it_stood_on_the_reference_date():
    # Closed on 10 April 2026, after the 2026 reference date: still open in the 2026 return.
    later = replace(GOOD_EPISODE, cin_plan_end=date(2026, 4, 2), closure_date=date(2026, 4, 10))
    seen = as_at(later, Y2026)
    assert (seen.closure_date, seen.closure_reason, seen.cin_plan_end) == (None, None, None)
    assert seen.cin_plan_start == date(2025, 7, 1)
    # An assessment authorised after 31 March is still open, so has no factors yet (8614).
    ep = replace(GOOD_EPISODE, assessment_started=date(2026, 3, 20),
                 assessment_completed=date(2026, 4, 8), cin_plan_start=None, cin_plan_end=None,
                 closure_date=None, closure_reason=None)
    seen = as_at(ep, Y2026)
    assert (seen.assessment_started, seen.assessment_completed, seen.assessment_factors) == (
        date(2026, 3, 20), None, ())
    # 8696 / 4013: an assessment authorised, or a plan ended, before the year is left out.
    old = replace(GOOD_EPISODE, referral_date=date(2024, 6, 3), assessment_started=date(2024, 6, 4),
                  assessment_completed=date(2024, 7, 1), cin_plan_start=date(2024, 7, 2),
                  cin_plan_end=date(2025, 3, 1), closure_date=None, closure_reason=None)
    seen = as_at(old, Y2026)
    assert (seen.assessment_started, seen.cin_plan_start, seen.cin_plan_end) == (None, None, None)
    assert as_at(GOOD_EPISODE, Y2026) is GOOD_EPISODE


def test_return_episodes_filters_trims_and_orders_by_referral():
    second = replace(GOOD_EPISODE, referral_date=date(2026, 2, 20), assessment_started=None,
                     assessment_completed=None, assessment_factors=(), cin_plan_start=None,
                     cin_plan_end=None, closure_date=None, closure_reason=None)
    gone = replace(GOOD_EPISODE, referral_date=date(2023, 1, 1), closure_date=date(2023, 6, 1))
    assert return_episodes([second, gone, GOOD_EPISODE], Y2026) == (GOOD_EPISODE, second)


# ------------------------------------------------------------ the child


def test_upn_check_letter_worked_by_hand():
    # Characters 2-13 weighted 2..13, sum mod 23 over ABCDEFGHJKLMNPQRTUVWXYZ:
    # 820100000001 -> 8*2 + 2*3 + 0*4 + 1*5 + 1*13 = 40; 40 mod 23 = 17 -> U.
    assert upn_check_letter("U820100000001") == "U"
    assert upn_check_letter("?000000000001") == "P"  # 1*13 = 13 -> P
    # A temporary UPN ends in a letter, counted by its place: A = 0 -> 27 mod 23 = 4 -> E.
    assert upn_check_letter("E82010000000A") == "E"
    assert upn_check_letter("U8201000X0001") is None


@pytest.mark.parametrize(("upn", "unknown", "expected"), [
    ("U820100000001", None, []),
    ("E82010000000A", None, []),
    ("", "UN2", []),
    ("", None, ["8770Q"]),  # school age (born 2015): a UPN or why not is expected
    ("", "UN1", ["8770Q"]),  # UN1 is for a child not of school age
    ("", "UN9", ["upn-unknown-code"]),
    ("A820100000001", None, ["1510"]),  # wrong check letter
    ("U82010000001", None, ["upn-format"]),  # 12 characters
    ("U8201000000011", None, ["upn-format"]),  # 14 characters
    ("U820100000001", "UN2", []),  # the UPN is returned
    ("H999100000001", None, ["1530"]),  # 999 is no LA code (the check letter is right)
    ("Z001100000001", None, []),  # 001: a pseudo-LA code 1530 accepts
    ("L82010000000I", None, ["1510", "1550"]),  # I is never a check letter, so no check
])
def test_upn_format_check_letter_or_a_reason_it_is_unknown(upn, unknown, expected):
    assert rules(replace(GOOD_CHILD, upn=upn, upn_unknown=unknown)) == expected


def test_un7_means_every_referral_was_no_further_action():
    # 8772: UN7 "referral with no further action" with a referral that led to an assessment.
    assert rules(replace(GOOD_CHILD, upn="", upn_unknown="UN7")) == ["8772"]  # not 8770Q
    nfa = replace(GOOD_EPISODE, referral_nfa=True, assessment_started=None,
                  assessment_completed=None, assessment_factors=(), cin_plan_start=None,
                  cin_plan_end=None, closure_date=date(2025, 5, 7), closure_reason="RC1")
    assert rules(replace(GOOD_CHILD, upn="", upn_unknown="UN7", episodes=(nfa,))) == []


def test_a_date_of_birth_or_an_expected_one_not_both_nor_neither():
    # 8525Q: a query, so the child stays in the file.
    assert rules(replace(GOOD_CHILD, dob=None)) == ["8525Q"]
    assert rules(replace(GOOD_CHILD, expected_dob=date(2026, 6, 1))) == ["8525Q"]
    # 8520: born after the reference date (and so 330 days after the referral: 8606).
    assert rules(replace(GOOD_CHILD, dob=date(2026, 4, 1))) == ["8520", "8606"]


UNBORN = replace(GOOD_CHILD, dob=None, expected_dob=date(2026, 4, 20), sex="U", upn="",
                 upn_unknown="UN6", disabilities=(), episodes=(CensusEpisode(
                     referral_date=date(2025, 7, 14), referral_source="3A", primary_need="N3"),))


def test_an_unborn_child_is_sex_u_and_referred_at_most_40_weeks_before_birth():
    # 20 April 2026 - 280 days = 14 July 2025: the 14 July 2025 referral is just in time.
    assert rules(UNBORN) == []
    assert rules(replace(UNBORN, sex="F")) == ["8750"]
    early = replace(UNBORN, expected_dob=date(2026, 4, 21))  # 280 days back: 15 July 2025
    assert rules(early) == ["8606"]


def test_the_2023_24_return_has_gender_from_sex():
    # 2024: GenderCurrent 1, 2, 0 from sex M, F, U (4180); an unborn child's is 0 (8750).
    unborn = replace(UNBORN, expected_dob=date(2024, 4, 20), episodes=(
        replace(UNBORN.episodes[0], referral_date=date(2023, 7, 15)),))  # 280 days: leap year
    assert rules(unborn, Y2024) == []
    assert rules(replace(unborn, sex="F"), Y2024) == ["8750"]
    assert rules(replace(unborn, sex="1"), Y2024) == ["4180"]
    assert [replace(GOOD_CHILD, sex=s).gender_current() for s in "MFU"] == ["1", "2", "0"]


def test_an_expected_birth_far_from_the_reference_date_is_queried():
    # 8530Q: from 30 days before 31 March 2026 to before 31 December 2026.
    assert rules(replace(UNBORN, expected_dob=date(2026, 3, 2))) == []
    assert rules(replace(UNBORN, expected_dob=date(2026, 3, 1))) == ["8530Q"]
    assert rules(replace(UNBORN, expected_dob=date(2026, 12, 30))) == ["8606"]
    assert rules(replace(UNBORN, expected_dob=date(2026, 12, 31))) == ["8530Q", "8606"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"sex": "1"}, ["4180"]),  # the old GenderCurrent code is not a sex
    ({"sex": None}, ["4180"]),
    ({"ethnicity": "WXYZ"}, ["4220"]),
    ({"disabilities": ("MOB", "FLY")}, ["8540"]),
    ({"disabilities": ()}, ["8540"]),  # none recorded for a child referred on
    ({"disabilities": ("NONE", "MOB")}, ["8790"]),
    ({"disabilities": ("MOB", "MOB")}, ["8794"]),
    ({"reference": " "}, ["8500"]),
])
def test_child_codes_come_from_the_census_lists(changes, expected):
    assert rules(replace(GOOD_CHILD, **changes)) == expected


# ------------------------------------------------------------ an episode


@pytest.mark.parametrize(("changes", "expected"), [
    ({"referral_source": "11"}, ["8866"]),
    ({"referral_source": None}, ["8866"]),
    ({"primary_need": "N10"}, ["8650"]),
    ({"primary_need": None}, ["8610"]),
    ({"closure_reason": "RC10"}, ["8640"]),
    ({"assessment_factors": ("2A", "99Z")}, ["factor-code"]),
])
def test_episode_codes_come_from_the_census_lists(changes, expected):
    assert rules(with_episode(**changes)) == expected


def test_referral_date_not_after_the_reference_date():
    # 8600: referred 1 April 2026 is after the 2026 collection period.
    assert rules(with_episode(referral_date=date(2026, 4, 1), assessment_started=None,
                              assessment_completed=None, assessment_factors=(),
                              cin_plan_start=None, cin_plan_end=None, closure_date=None,
                              closure_reason=None)) == ["8600"]
    assert rules(with_episode(referral_date=None)) == ["8600"]


def test_dates_in_order_within_an_episode():
    # 1103 assessment start before the referral (6 May 2025).
    assert rules(with_episode(assessment_started=date(2025, 5, 5))) == ["1103"]
    # 8608 authorised before it started.
    assert rules(with_episode(assessment_completed=date(2025, 5, 7))) == ["8608"]
    # 4015 plan before the referral; 4011 plan ends before it starts.
    assert rules(with_episode(cin_plan_start=date(2025, 5, 1))) == ["4015"]
    assert rules(with_episode(cin_plan_end=date(2025, 6, 30))) == ["4011"]
    # 8630 closed before the referral (and so before everything else: 8565).
    assert rules(with_episode(closure_date=date(2025, 5, 5))) == ["8630", "8565"]
    # 8565 closed (1 Dec 2025) before the plan ended (15 Jan 2026).
    problems = child_problems(with_episode(closure_date=date(2025, 12, 1)), Y2026, LISTS)
    assert [p.rule for p in problems] == ["8565"]
    assert "15 Jan 2026" in problems[0].message and "1 Dec 2025" in problems[0].message
    # The same day is in order: plan ends and case closes on 15 January.
    assert rules(with_episode(closure_date=date(2026, 1, 15))) == []


def test_a_closure_date_needs_a_reason_and_a_reason_needs_a_closure_date():
    assert rules(with_episode(closure_reason=None)) == ["8805"]
    assert rules(with_episode(closure_date=None)) == ["8810"]
    assert rules(with_episode(closure_date=None, closure_reason=None)) == []


def test_rc8_closed_after_assessment_no_further_action_means_no_cin_plan():
    # 2990: RC8 (no further action) or RC9 (early help) after assessment, with a plan.
    assert rules(with_episode(closure_reason="RC8")) == ["2990"]
    assert rules(with_episode(closure_reason="RC9")) == ["2990"]
    assert rules(with_episode(closure_reason="RC8", cin_plan_start=None,
                              cin_plan_end=None)) == []


def test_no_factors_found_means_the_case_closed_rc8_or_rc9():
    # 8873Q: one assessment, factors "21" only, closed with another reason (or still open).
    no_plan = {"cin_plan_start": None, "cin_plan_end": None, "assessment_factors": ("21",)}
    assert rules(with_episode(**no_plan)) == ["8873Q"]
    assert rules(with_episode(**no_plan, closure_reason="RC8")) == []
    assert rules(with_episode(**no_plan, closure_reason="RC9")) == []
    assert rules(with_episode(**no_plan, closure_date=None, closure_reason=None)) == ["8873Q"]
    # 8869: 21 with another factor (and, closed RC1 with a 21 recorded, 8873Q too).
    assert rules(with_episode(assessment_factors=("21", "2A"))) == ["8869", "8873Q"]
    # 8898: a factor twice.
    assert rules(with_episode(assessment_factors=("2A", "2A"))) == ["8898"]


def test_factors_belong_to_a_completed_assessment():
    open_ep = {"closure_date": None, "closure_reason": None, "assessment_completed": None,
               "cin_plan_start": None, "cin_plan_end": None}
    # 8614: factors on an assessment not yet completed (and, started 8 May 2025 and still
    # open on 31 March 2026, more than 45 working days: 8670Q).
    assert rules(with_episode(**open_ep)) == ["8670Q", "8614"]
    assert rules(with_episode(**open_ep, assessment_factors=())) == ["8670Q"]
    # 8897Q: a completed assessment with no factors (a query).
    assert rules(with_episode(assessment_factors=())) == ["8897Q"]
    # 8867: a case closed with its assessment still open.
    assert rules(with_episode(assessment_completed=None, assessment_factors=(),
                              cin_plan_start=None, cin_plan_end=None)) == ["8867", "8670Q"]


def test_a_referral_with_no_further_action_has_no_assessment_or_plan():
    # 8831 (and 8897 does not apply: the assessment is the problem).
    assert "8831" in rules(with_episode(referral_nfa=True))
    nfa = with_episode(referral_nfa=True, assessment_started=None, assessment_completed=None,
                       assessment_factors=(), cin_plan_start=None, cin_plan_end=None,
                       closure_date=date(2025, 5, 6))
    assert rules(nfa) == []


# ------------------------------------------------------------ a child's episodes


def _episode(referral: date, closed: date | None = None) -> CensusEpisode:
    return CensusEpisode(referral_date=referral, referral_source="1A", primary_need="N4",
                         closure_date=closed, closure_reason="RC7" if closed else None)


def test_a_re_referral_after_closure_is_in_order():
    child = replace(GOOD_CHILD, episodes=(
        _episode(date(2025, 4, 10), date(2025, 8, 1)), _episode(date(2025, 8, 1))))
    assert rules(child) == []  # the new referral the day the last one closed


def test_episodes_may_not_overlap():
    # 8820: referred again on 1 July while the April episode ran to 1 August.
    child = replace(GOOD_CHILD, episodes=(
        _episode(date(2025, 4, 10), date(2025, 8, 1)), _episode(date(2025, 7, 1))))
    problems = child_problems(child, Y2026, LISTS)
    assert [p.rule for p in problems] == ["8820"]
    assert "10 Apr 2025" in problems[0].message and "1 Jul 2025" in problems[0].message


def test_at_most_one_open_episode_and_it_is_the_latest():
    # 8815 two open episodes (and so they overlap: 8820).
    both_open = replace(GOOD_CHILD, episodes=(_episode(date(2025, 4, 10)),
                                              _episode(date(2025, 9, 1))))
    assert rules(both_open) == ["8815", "8820"]
    # 8816 the open one is not the latest (and runs on past the later one's start: 8820).
    first_open = replace(GOOD_CHILD, episodes=(
        _episode(date(2025, 4, 10)), _episode(date(2025, 9, 1), date(2025, 10, 1))))
    assert rules(first_open) == ["8816", "8820"]


# ------------------------------------------------------------ the return


def test_a_child_breaking_a_rule_is_left_out_with_every_reason():
    bad = replace(GOOD_CHILD, reference="CIN0002", upn="A820100000001", ethnicity="XXXX")
    ret = build([GOOD_CHILD, bad, replace(GOOD_CHILD, reference="CIN0003", episodes=())],
                Y2026, LISTS)
    assert [c.reference for c in ret.children] == ["CIN0001"]  # CIN0003: no episode this year
    assert ret.episodes == 1
    assert [(e.reference, e.rule) for e in ret.excluded] == [("CIN0002", "1510"),
                                                             ("CIN0002", "4220")]
    assert ret.excluded_children == ("CIN0002",)


def test_two_children_with_one_upn_are_both_left_out():
    # 1520: more than one record with the same UPN.
    twin = replace(GOOD_CHILD, reference="CIN0002")
    ret = build([GOOD_CHILD, twin], Y2026, LISTS)
    assert ret.children == ()
    assert [(e.reference, e.rule) for e in ret.excluded] == [("CIN0001", "1520"),
                                                             ("CIN0002", "1520")]


# ------------------------------------------------------------ rules by year (2024-25 on)


def test_the_la_child_id_is_at_most_20_letters_and_digits_from_2024_25():
    # 1570 (longer than 20) and 1580 (not alphanumeric): rules from the 2024-25 collection.
    assert rules(replace(GOOD_CHILD, reference="A" * 20)) == []
    assert rules(replace(GOOD_CHILD, reference="A" * 21)) == ["1570"]
    assert rules(replace(GOOD_CHILD, reference="CIN-0001")) == ["1580"]
    assert rules(replace(GOOD_CHILD, reference="CIN/0001/" + "A" * 12)) == ["1570", "1580"]
    two_years_back = replace(
        GOOD_EPISODE, referral_date=date(2023, 5, 6), assessment_started=date(2023, 5, 8),
        assessment_completed=date(2023, 6, 20), cin_plan_start=date(2023, 7, 1),
        cin_plan_end=date(2024, 1, 15), closure_date=date(2024, 2, 2))
    old = replace(GOOD_CHILD, reference="CIN-0001/" + "A" * 12, episodes=(two_years_back,))
    assert rules(old, Y2024) == []  # 2023-24 had neither rule


def test_school_age_for_the_missing_upn_query_moved_to_the_school_year():
    # 8770Q 2023-24: six by 31 March 2024 (born by 31 March 2018). From 2024-25: of school
    # age by the next school year, 31 August six years before (2026: born by 31 Aug 2020).
    assert school_age_born_by(Y2024) == date(2018, 3, 31)
    assert school_age_born_by(Y2026) == date(2020, 8, 31)
    no_upn = replace(GOOD_CHILD, upn="", upn_unknown=None)
    assert rules(replace(no_upn, dob=date(2020, 8, 31))) == ["8770Q"]
    assert rules(replace(no_upn, dob=date(2020, 9, 1))) == []
    # Only for a child whose referral went on to further action.
    nfa = replace(no_upn, episodes=(CensusEpisode(
        referral_date=date(2025, 5, 6), referral_nfa=True, closure_date=date(2025, 5, 6),
        closure_reason="RC8"),))
    assert "8770Q" not in rules(nfa)


def test_retired_assessment_factors_18a_and_19a_are_queried_and_refused():
    # 8945Q / 8950Q from 2024-25; no year's schema has 18A or 19A, so the child is also
    # left out until they are recoded (factor-code).
    problems = rules(with_episode(assessment_factors=("18A", "19A")))
    assert problems == ["factor-code", "8945Q", "8950Q"]
    assert rules(with_episode(assessment_factors=("18B", "19C"))) == []


def test_a_child_over_25_still_open_is_queried():
    # 8775Q: born before 31 March 2001 (25 on the 2026 reference date), episode open after.
    old = replace(GOOD_CHILD, dob=date(2001, 3, 30), upn="", upn_unknown="UN2")
    assert rules(replace(old, episodes=(replace(GOOD_EPISODE, closure_date=None,
                                                closure_reason=None),))) == ["8775Q"]
    assert rules(replace(old, dob=date(2001, 4, 1), episodes=(replace(
        GOOD_EPISODE, closure_date=None, closure_reason=None),))) == []


@pytest.mark.parametrize(("changes", "expected"), [
    # 8585Q: closed as died with no date of death (the store keeps none).
    ({"closure_reason": "RC2"}, ["8585Q"]),
    # 8825Q: closed after assessment (RC8, RC9) with no assessment on the episode.
    ({"closure_reason": "RC8", "assessment_started": None, "assessment_completed": None,
      "assessment_factors": (), "cin_plan_start": None, "cin_plan_end": None}, ["8825Q"]),
    # 4012Q: a CIN plan starting and ending the same day.
    ({"cin_plan_end": date(2025, 7, 1)}, ["4012Q"]),
    # 4000: a CIN plan for a referral with no further action (and an assessment: 8831).
    ({"referral_nfa": True}, ["8831", "4000"]),
])
def test_episode_queries_and_errors(changes, expected):
    assert rules(with_episode(**changes)) == expected


def test_an_open_assessment_is_queried_after_45_working_days_and_refused_after_a_year():
    open_ep = {"assessment_completed": None, "assessment_factors": (), "cin_plan_start": None,
               "cin_plan_end": None, "closure_date": None, "closure_reason": None}
    # 8670Q: 45 working days before 31 March 2026 is 27 January 2026 (no bank holidays).
    assert rules(with_episode(**open_ep, assessment_started=date(2026, 1, 27))) == []
    assert rules(with_episode(**open_ep, assessment_started=date(2026, 1, 26))) == ["8670Q"]
    # 8736: started before the year (1 April 2025) and still not authorised: an error.
    early = with_episode(**open_ep, referral_date=date(2025, 3, 1),
                         assessment_started=date(2025, 3, 3))
    assert rules(early) == ["8736"]


def test_duplicate_la_child_ids_leave_both_out():
    # 8510: two children with the same LA child ID.
    twin = replace(GOOD_CHILD, upn="")
    ret = build([GOOD_CHILD, replace(twin, upn_unknown="UN2")], Y2026, LISTS)
    assert [(e.reference, e.rule) for e in ret.excluded] == [("CIN0001", "8510"),
                                                             ("CIN0001", "8510")]


def test_queries_keep_the_child_in_the_file_and_are_listed():
    queried = replace(GOOD_CHILD, reference="CIN0002", upn="", upn_unknown=None)  # 8770Q
    ret = build([GOOD_CHILD, queried], Y2026, LISTS)
    assert [c.reference for c in ret.children] == ["CIN0001", "CIN0002"]
    assert ret.excluded == ()
    assert [(q.reference, q.rule) for q in ret.queries if q.reference] == [("CIN0002", "8770Q")]
    assert all(q.query for q in ret.queries)


def test_queries_on_the_return_as_a_whole():
    # 2886Q: more than 2% of children (unborn aside) with sex U; 2887Q: fewer than 8
    # disability codes used; 2888Q: no child with more than one disability.
    kids = [replace(GOOD_CHILD, reference=f"C{n}", disabilities=("MOB",)) for n in range(49)]
    assert [p.rule for p in return_queries(kids, Y2026)] == ["2887Q", "2888Q"]
    one_u = [*kids, replace(GOOD_CHILD, sex="U", disabilities=("HEAR", "VIS"))]
    assert [p.rule for p in return_queries(one_u, Y2026)] == ["2887Q"]  # 1 in 50: 2%
    two_u = [*one_u, replace(GOOD_CHILD, sex="U")]
    assert "2886Q" in [p.rule for p in return_queries(two_u, Y2026)]  # 2 in 51
    codes8 = [replace(GOOD_CHILD, disabilities=(d,)) for d in
              ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR")] + [
        replace(GOOD_CHILD, disabilities=("VIS", "BEH"))]
    assert return_queries(codes8, Y2026) == []


# ------------------------------------------------------------ section 47 enquiries


def s47(start, icpc=None, target=None, not_required=False, concluded=None) -> CensusS47:
    return CensusS47(start=start, icpc_date=icpc, icpc_target=target,
                     icpc_not_required=not_required, concluded=concluded)


def with_s47(*enquiries: CensusS47, **changes) -> CensusChild:
    return with_episode(section47=enquiries, **changes)


def test_a_section_47_enquiry_with_its_icpc_breaks_no_rule():
    # Strategy discussion 12 May 2025 (a Monday), s47 the same day, ICPC target 15 working
    # days later (2 June; the 26 May bank holiday skipped), held 30 May.
    assert rules(with_s47(s47(date(2025, 5, 12), date(2025, 5, 30), date(2025, 6, 2)))) == []


@pytest.mark.parametrize(("enquiry", "expected"), [
    # Before the referral; the case closed with it open; open since long before 31 March.
    (s47(date(2025, 5, 5)), ["8868", "2889", "8675Q"]),
    (s47(date(2025, 5, 12), date(2025, 5, 9)), ["8615"]),  # ICPC before the s47 start
    (s47(date(2025, 5, 12), date(2025, 5, 31)), ["8875"]),  # ICPC on a Saturday
    (s47(date(2025, 5, 12), date(2025, 5, 30), date(2025, 6, 1)), ["8870Q"]),  # target Sun
    (s47(date(2025, 5, 12), date(2025, 5, 30), not_required=True,
         concluded=date(2025, 5, 30)), ["8868"]),  # both an ICPC and 'not required'
    (s47(date(2025, 5, 12), not_required=True, concluded=date(2025, 5, 20)), []),
])
def test_section_47_rules(enquiry, expected):
    assert rules(with_s47(enquiry)) == expected


def test_an_icpc_before_the_referral():
    # 1104 (and 8615: the s47, started the day of the referral, starts after it).
    assert rules(with_s47(s47(date(2025, 5, 6), date(2025, 5, 5)))) == ["1104", "8615"]


def test_an_open_enquiry_is_queried_after_15_working_days_and_refused_from_last_year():
    open_ep = {"closure_date": None, "closure_reason": None}
    # 8675Q: 15 working days before 31 March 2026 is 10 March 2026.
    assert rules(with_s47(s47(date(2026, 3, 10)), **open_ep)) == []
    assert rules(with_s47(s47(date(2026, 3, 9)), **open_ep)) == ["8675Q"]
    # 8740: started before the year and still no ICPC nor 'not required'.
    early = with_s47(s47(date(2025, 3, 10)), referral_date=date(2025, 3, 3),
                     assessment_started=date(2025, 3, 4), **open_ep)
    assert "8740" in rules(early)


def test_two_enquiries_at_once_in_one_episode():
    open_ep = {"closure_date": None, "closure_reason": None}
    # 8839 (two open) and 8890 (the second starts while the first is ongoing).
    both = with_s47(s47(date(2026, 3, 16)), s47(date(2026, 3, 20)), **open_ep)
    assert rules(both) == ["8839", "8890"]
    after = with_s47(s47(date(2025, 5, 12), date(2025, 5, 30)), s47(date(2025, 9, 1),
                                                                    date(2025, 9, 12)))
    assert rules(after) == []


def test_an_enquiry_on_a_referral_with_no_assessment_or_no_further_action():
    # 2991Q: an s47 with no assessment on the episode.
    assert rules(with_s47(s47(date(2025, 5, 12), date(2025, 5, 30)), assessment_started=None,
                          assessment_completed=None, assessment_factors=())) == ["2991Q"]
    # 2990: closed RC8 after assessment with an s47 (and the plan).
    assert rules(with_s47(s47(date(2025, 5, 12), date(2025, 5, 30)),
                          closure_reason="RC8")) == ["2990"]


def test_the_return_shows_an_enquiry_as_it_stood_on_31_march():
    ep = replace(GOOD_EPISODE, closure_date=None, closure_reason=None, section47=(
        s47(date(2026, 3, 20), date(2026, 4, 9), date(2026, 4, 10)),  # ICPC after 31 March
        s47(date(2025, 3, 1), date(2025, 3, 20)),  # held before the year: last year's
        s47(date(2025, 2, 1), not_required=True, concluded=date(2025, 4, 2)),  # this year's
        s47(date(2026, 4, 2))))  # not started by 31 March
    seen = as_at(ep, Y2026).section47
    assert seen == (s47(date(2026, 3, 20), None, date(2026, 4, 10)),
                    s47(date(2025, 2, 1), not_required=True, concluded=date(2025, 4, 2)))
    late = s47(date(2026, 3, 2), not_required=True, concluded=date(2026, 4, 1))
    assert as_at(replace(ep, section47=(late,)), Y2026).section47 == (s47(date(2026, 3, 2)),)
