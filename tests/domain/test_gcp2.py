"""Graded Care Profile 2 (STO 4.3 "Graded Care Profile assessment which measures success";
STO 6.11 specialist assessments; STO 7.1 "Continue to prioritise Graded care Profile 2";
TRA): a grade 1-5 per area, the worker's summary, attached to needs, grades over time."""

from __future__ import annotations

import uuid
from datetime import date

from cintui.domain import gcp2
from cintui.domain.gcp2 import Gcp2Fact

TODAY = date(2026, 11, 23)
REFERRAL = date(2026, 10, 1)
GRADES = {"physical": 4, "safety": 2, "love": 2, "esteem": 3}


def test_sto_7_1_a_gcp2_grades_every_area_1_to_5_with_the_workers_summary():
    assert gcp2.check_gcp2(TODAY, TODAY, REFERRAL, "Amira Khan", GRADES,
                           "Food and hygiene are the worry", [1], 2) == []
    problems = gcp2.check_gcp2(TODAY, TODAY, REFERRAL, "", {"physical": 6, "safety": 2,
                                                            "love": None}, "", [], 0)
    assert problems == [
        ("assessor", "who completed the GCP2?"),
        ("physical", "Physical care: a grade from 1 (best care) to 5 (poorest)"),
        ("love", "Love and care: a grade from 1 (best care) to 5 (poorest)"),
        ("esteem", "Esteem: a grade from 1 (best care) to 5 (poorest)"),
        ("summary", "write the summary in your own words (what the grades mean for this "
                    "child)")]


def test_sto_4_3_dated_within_the_episode():
    assert gcp2.check_gcp2(date(2026, 9, 30), TODAY, REFERRAL, "A", GRADES, "s", [], 0) == [
        ("on", "30 Sep 2026 is before the child's referral (1 Oct 2026)")]
    assert gcp2.check_gcp2(date(2026, 11, 24), TODAY, REFERRAL, "A", GRADES, "s", [], 0) == [
        ("on", "24 Nov 2026 is in the future")]


def test_sto_6_11_attached_to_needs_of_the_plan():
    assert gcp2.check_gcp2(TODAY, TODAY, REFERRAL, "A", GRADES, "s", [3], 2) == [
        ("needs", "need 3 is not in the plan in force (needs 1 to 2)")]
    assert gcp2.check_gcp2(TODAY, TODAY, REFERRAL, "A", GRADES, "s", [1], 0) == [
        ("needs", "need 1 is not in the plan in force (the plan has no needs yet)")]
    assert gcp2.check_gcp2(TODAY, TODAY, REFERRAL, "A", GRADES, "s", [1, 1], 2) == [
        ("needs", "each need once")]


def test_sto_4_3_a_poor_grade_attached_to_no_need_is_flagged_not_refused():
    assert gcp2.unattached_concerns(GRADES, []) == [
        "Physical care graded 4 or 5 and the GCP2 is attached to no need: attach it to the "
        "need that says what will change, or add one to the plan"]
    assert gcp2.unattached_concerns(GRADES, [1]) == []
    assert gcp2.unattached_concerns({**GRADES, "physical": 3}, []) == []


def test_sto_4_3_grades_over_time_per_area():
    first = Gcp2Fact(date(2026, 10, 10), "A", (("physical", 4), ("safety", 3), ("love", 2),
                                               ("esteem", 3)), "s")
    later = Gcp2Fact(date(2026, 11, 20), "A", (("physical", 2), ("safety", 2), ("love", 2),
                                               ("esteem", 3)), "s")
    history = dict(gcp2.grade_history([later, first]))
    assert gcp2.trend(history["physical"]) == "4 → 2"
    assert history["esteem"] == [(date(2026, 10, 10), 3), (date(2026, 11, 20), 3)]
    assert later.describe() == "Physical care 2, Safety 2, Love and care 2, Esteem 3"


def test_tra_only_area_names_grades_and_the_workers_words():
    # The scale's descriptors are licensed: the areas are names, the grades numbers.
    assert list(gcp2.AREA_LABELS.values()) == ["Physical care", "Safety", "Love and care",
                                               "Esteem"]
    assert gcp2.parse_grade("5") == (5, None)
    assert gcp2.parse_grade("0") == (None, "'0' is not a grade: 1 (best care) to 5 (poorest)")


def test_sto_6_11_a_needs_gcp2_line_says_its_grades_and_what_moved():
    """The plan shows, under a need, its newest GCP2 and each area that moved since the
    first (STO 4.3 "measures success"); a plan's document carries only those attached to its
    needs, with the needs in the plan's order."""
    need, other, gone = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    first = Gcp2Fact(date(2026, 9, 1), "Amira Khan", (("physical", 4), ("safety", 3),
                                                      ("love", 2), ("esteem", 3)), "s",
                     need_keys=(need,))
    later = Gcp2Fact(date(2026, 11, 20), "Amira Khan", (("physical", 2), ("safety", 3),
                                                        ("love", 2), ("esteem", 3)), "s",
                     need_keys=(other, need))
    elsewhere = Gcp2Fact(date(2026, 10, 1), "Jo Bell", first.grades, "s", need_keys=(gone,))
    graded = gcp2.for_need([first, later, elsewhere], need)
    assert graded == [later, first]
    assert gcp2.need_line(graded[0], graded[1:]) == (
        "GCP2 20 Nov 2026: Physical care 2, Safety 3, Love and care 2, Esteem 3 (1 best care, "
        "5 poorest); since 1 Sep 2026: Physical care 4 → 2")
    assert gcp2.need_line(first).endswith("(1 best care, 5 poorest)")
    on_plan = gcp2.on_plan([later, elsewhere, first], [need, other])
    assert [(f.on, f.need_keys, f.summary) for f in on_plan] == [
        (date(2026, 9, 1), (need,), ""), (date(2026, 11, 20), (need, other), "")]
