"""The CIN census return's rules (DOMAIN.md §10), worked by hand: the collection year, which
episodes a year's return holds and how they look on its reference date, and the DfE CIN
census validation rules (cited by their DfE numbers; a descriptive id where the DfE's
rule is the schema's or none was found)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cintui.domain.census import (
    CensusChild,
    CensusEpisode,
    InvalidCensusInput,
    InvalidCensusYear,
    as_at,
    build,
    census_period,
    child_problems,
    in_return,
    la_number,
    return_episodes,
    upn_check_letter,
)
from cintui.reference import codes

LISTS = {name: codes.codes(name) for name in codes.CODE_LISTS}
Y2026 = census_period(2026)  # 1 April 2025 to 31 March 2026

GOOD_EPISODE = CensusEpisode(
    referral_date=date(2025, 5, 6), referral_source="2A", primary_need="N1",
    assessment_started=date(2025, 5, 8), assessment_completed=date(2025, 6, 20),
    assessment_factors=("2A", "3A"), cin_plan_start=date(2025, 7, 1),
    cin_plan_end=date(2026, 1, 15), closure_date=date(2026, 2, 2), closure_reason="RC1")
GOOD_CHILD = CensusChild(
    reference="CIN0001", upn="U820100000001", dob=date(2015, 9, 1), gender="2",
    ethnicity="WBRI", disabilities=("NONE",), episodes=(GOOD_EPISODE,))


def rules(child: CensusChild, period=Y2026) -> list[str]:
    return [p.rule for p in child_problems(child, period, LISTS)]


def with_episode(**changes) -> CensusChild:
    return replace(GOOD_CHILD, episodes=(replace(GOOD_EPISODE, **changes),))


def test_a_complete_record_breaks_no_rule():
    assert child_problems(GOOD_CHILD, Y2026, LISTS) == []


# ------------------------------------------------------------ the collection year


def test_the_2026_collection_runs_1_april_2025_to_31_march_2026():
    assert (Y2026.start, Y2026.end, Y2026.reference_date) == (
        date(2025, 4, 1), date(2026, 3, 31), date(2026, 3, 31))


@pytest.mark.parametrize("year", ["26", "20266", "two", "1999", ""])
def test_a_year_must_be_four_digits_from_2000(year):
    with pytest.raises(InvalidCensusYear, match="--year"):
        census_period(year)


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
    ("", "UN1", []),
    ("", None, ["upn-or-reason"]),  # a UPN or a reason it is unknown
    ("", "UN9", ["upn-unknown-code"]),
    ("A820100000001", None, ["1510"]),  # wrong check letter
    ("U82010000001", None, ["upn-format"]),  # 12 characters
    ("U8201000000011", None, ["upn-format"]),  # 14 characters
    ("U820100000001", "UN2", ["upn-and-reason"]),
])
def test_upn_format_check_letter_or_a_reason_it_is_unknown(upn, unknown, expected):
    assert rules(replace(GOOD_CHILD, upn=upn, upn_unknown=unknown)) == expected


def test_un7_means_every_referral_was_no_further_action():
    # 8772: UN7 "referral with no further action" with a referral that led to an assessment.
    assert rules(replace(GOOD_CHILD, upn="", upn_unknown="UN7")) == ["8772"]
    nfa = replace(GOOD_EPISODE, referral_nfa=True, assessment_started=None,
                  assessment_completed=None, assessment_factors=(), cin_plan_start=None,
                  cin_plan_end=None, closure_date=date(2025, 5, 7), closure_reason="RC1")
    assert rules(replace(GOOD_CHILD, upn="", upn_unknown="UN7", episodes=(nfa,))) == []


def test_a_date_of_birth_or_an_expected_one_not_both_nor_neither():
    # 8525
    assert rules(replace(GOOD_CHILD, dob=None)) == ["8525"]
    assert rules(replace(GOOD_CHILD, expected_dob=date(2026, 6, 1), gender="0")) == ["8525"]
    # 8520: born after the reference date (and so 330 days after the referral: 8606).
    assert rules(replace(GOOD_CHILD, dob=date(2026, 4, 1))) == ["8520", "8606"]


def test_an_unborn_child_is_gender_0_and_referred_at_most_40_weeks_before_birth():
    unborn = replace(GOOD_CHILD, dob=None, expected_dob=date(2026, 2, 10), gender="0",
                     upn="", upn_unknown="UN1")
    # 10 Feb 2026 - 280 days = 6 May 2025: the 6 May 2025 referral is just in time.
    assert rules(unborn) == []
    assert rules(replace(unborn, gender="2")) == ["8750"]
    early = replace(unborn, expected_dob=date(2026, 2, 11))  # 280 days back: 7 May 2025
    assert rules(early) == ["8606"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"gender": "3"}, ["4180"]),
    ({"gender": None}, ["4180"]),
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
    assert "2026-01-15" in problems[0].message and "2025-12-01" in problems[0].message
    # The same day is in order: plan ends and case closes on 15 January.
    assert rules(with_episode(closure_date=date(2026, 1, 15))) == []


def test_a_closure_date_needs_a_reason_and_a_reason_needs_a_closure_date():
    assert rules(with_episode(closure_reason=None)) == ["8805"]
    assert rules(with_episode(closure_date=None)) == ["8810"]
    assert rules(with_episode(closure_date=None, closure_reason=None)) == []


def test_rc8_closed_after_assessment_no_further_action_means_no_cin_plan():
    # 2990
    assert rules(with_episode(closure_reason="RC8")) == ["2990"]
    assert rules(with_episode(closure_reason="RC8", cin_plan_start=None,
                              cin_plan_end=None)) == []


def test_no_factors_found_means_the_case_closed_rc8():
    # 8873: one assessment, factors "21" only, closed with another reason.
    no_plan = {"cin_plan_start": None, "cin_plan_end": None, "assessment_factors": ("21",)}
    assert rules(with_episode(**no_plan)) == ["8873"]
    assert rules(with_episode(**no_plan, closure_reason="RC8")) == []
    # 8869: 21 with another factor (and, closed RC1 with a 21 recorded, 8873 too).
    assert rules(with_episode(assessment_factors=("21", "2A"))) == ["8873", "8869"]
    # 8898: a factor twice.
    assert rules(with_episode(assessment_factors=("2A", "2A"))) == ["8898"]


def test_factors_belong_to_a_completed_assessment():
    open_ep = {"closure_date": None, "closure_reason": None, "assessment_completed": None,
               "cin_plan_start": None, "cin_plan_end": None}
    # 8614: factors on an assessment not yet completed.
    assert rules(with_episode(**open_ep)) == ["8614"]
    assert rules(with_episode(**open_ep, assessment_factors=())) == []
    # 8897: a completed assessment with no factors.
    assert rules(with_episode(assessment_factors=())) == ["8897"]
    # 8867: a case closed with its assessment still open.
    assert rules(with_episode(assessment_completed=None, assessment_factors=(),
                              cin_plan_start=None, cin_plan_end=None)) == ["8867"]


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
    assert "2025-04-10" in problems[0].message and "2025-07-01" in problems[0].message


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
