"""Signs of Safety mapping (STO 6.3 "A Signs of Safety approach has been included in
documentation … to ensure clearer plans with exit strategies"): the plan read as three
columns, danger statements, safety goals and each person's scaling 0-10 over time."""

from __future__ import annotations

from datetime import date

from cintui.domain import signs_of_safety as sos
from cintui.domain.plan import Need, PlanAction, PlanVersion
from cintui.domain.signs_of_safety import Scaling, Statement

TODAY = date(2026, 11, 23)
REFERRAL = date(2026, 10, 1)


def _plan() -> PlanVersion:
    return PlanVersion(number=2, status="agreed", agreed_on=date(2026, 11, 3),
                       good_enough="Leo in school every day for a term", needs=(
        Need("Leo misses school most Mondays", rag="A", actions=(
            PlanAction("Walk Leo to school", "Mum", date(2026, 12, 1)),
            PlanAction("Attendance panel", "School", date(2026, 11, 10), status="done"))),
        Need("No food in the house at weekends", rag="R"),
        Need("Gran visits every Sunday", kind="strength", rag="G"),
        Need("Leo's asthma reviews were missed", rag="G"),
    ))


def test_sto_6_3_the_map_is_the_same_plan_in_three_columns():
    danger = Statement("danger", 1, date(2026, 11, 3), "If Mum keeps drinking at weekends "
                       "Leo may go hungry and be left alone")
    goal = Statement("goal", 1, date(2026, 11, 3), "Leo has food and a sober adult every "
                     "weekend", danger=1)
    found = sos.safety_map(_plan(), [danger, goal], [])
    assert found.heading == "Signs of Safety map of the CIN plan v2 (agreed 3 Nov 2026)"
    # Worries: the danger statement first, then Red before Amber; Green is not a worry.
    assert [(line.source, line.text) for line in found.worried] == [
        ("D1", danger.text),
        ("need 2 (Red)", "No food in the house at weekends"),
        ("need 1 (Amber)", "Leo misses school most Mondays")]
    assert [line.source for line in found.working_well] == [
        "need 3 (strength)", "need 4 (Green)", "action of need 1"]
    assert found.working_well[-1].text == "Attendance panel — School (done)"
    assert [(line.source, line.text) for line in found.needs_to_happen] == [
        ("G1 (for D1)", goal.text),
        ("good enough to close", "Leo in school every day for a term"),
        ("action of need 1", "Walk Leo to school — Mum by 1 Dec 2026")]


def test_sto_6_3_a_replaced_statement_leaves_the_map():
    old = Statement("danger", 1, date(2026, 10, 5), "old words", replaced_by=2)
    new = Statement("danger", 2, date(2026, 11, 3), "new words", replaces=1)
    found = sos.safety_map(None, [old, new], [])
    assert found.heading == "Signs of Safety map (no CIN plan written yet)"
    assert [line.text for line in found.worried] == ["new words"]


def test_sto_6_3_a_statement_is_dated_and_in_words():
    assert sos.check_statement("danger", "", None, TODAY, REFERRAL, []) == [
        ("on", "give the date of the danger statement"),
        ("text", "write the danger statement: what are we worried will happen to the child "
                 "if nothing changes? (STO 6.3)")]
    assert sos.check_statement("goal", "x", date(2026, 9, 1), TODAY, REFERRAL, [])[0] == (
        "on", "1 Sep 2026 is before the child's referral (1 Oct 2026)")
    assert sos.check_statement("goal", "x", date(2026, 11, 24), TODAY, REFERRAL, []) == [
        ("on", "24 Nov 2026 is in the future")]


def test_sto_6_3_a_goal_is_for_a_current_danger_statement():
    current = [Statement("danger", 1, REFERRAL, "a"),
               Statement("danger", 2, REFERRAL, "b", replaced_by=3),
               Statement("danger", 3, REFERRAL, "c", replaces=2)]
    assert sos.check_statement("goal", "g", TODAY, TODAY, REFERRAL, current, danger=3) == []
    assert sos.check_statement("goal", "g", TODAY, TODAY, REFERRAL, current, danger=2) == [
        ("danger", "no current danger statement D2: D1, D3")]
    assert sos.check_statement("danger", "d", TODAY, TODAY, REFERRAL, current,
                               replaces=2) == [
        ("replaces", "no current danger statement D2 to replace")]


def test_sto_6_3_scores_run_from_0_to_10():
    assert sos.parse_score("0") == (0, None)
    assert sos.parse_score("10") == (10, None)
    assert sos.parse_score("11") == (None, "'11' is not a score: a whole number from 0 to 10")
    assert sos.parse_score("6.5")[0] is None
    assert sos.parse_score("-1")[0] is None


def test_sto_6_3_each_score_says_who_gave_it_and_who_they_are_to_the_child():
    ok = [("Sara Keys", "Mum", 6, "she is getting up on Mondays"),
          ("Amira Khan", "social worker", 4, "")]
    assert sos.check_scaling(TODAY, TODAY, REFERRAL, ok) == []
    problems = sos.check_scaling(TODAY, TODAY, REFERRAL,
                                 [("", "", 11, ""), ("sara keys", "mum", 3, ""),
                                  ("Sara  Keys", "Mum", 5, "")])
    assert ("who1", "score 1: who gave it?") in problems
    assert ("role1", "score 1: their role or relationship to the child (e.g. Mum, class "
                     "teacher, social worker)") in problems
    assert ("score1", "score 1: a whole number from 0 to 10") in problems
    assert ("who3", "Sara  Keys (Mum) scores once a round") in problems
    assert sos.check_scaling(TODAY, TODAY, REFERRAL, []) == [
        ("who1", "give at least one person's score")]


def test_sto_6_3_each_persons_scores_over_time():
    scores = [Scaling(date(2026, 10, 20), 3, "Sara Keys", "Mum"),
              Scaling(date(2026, 10, 20), 2, "Amira Khan", "social worker"),
              Scaling(date(2026, 11, 20), 6, "sara keys", "mum", meeting="CIN review meeting"),
              Scaling(date(2026, 11, 3), 5, "Sara Keys", "Mum")]
    history = sos.scaling_history(scores)
    assert [(who, role, sos.trend(found)) for who, role, found in history] == [
        ("sara keys", "mum", "3 → 5 → 6"), ("Amira Khan", "social worker", "2")]
    latest = sos.latest_scalings(scores)
    assert [(s.who, s.score) for s in latest] == [("sara keys", 6), ("Amira Khan", 2)]


def test_sto_6_3_scaling_in_the_chronology_one_entry_a_round():
    scores = [Scaling(date(2026, 11, 20), 6, "Sara Keys", "Mum", "up on Mondays",
                      meeting="CIN review meeting 20 Nov 2026", recorded_by="amira"),
              Scaling(date(2026, 11, 20), 4, "Amira Khan", "social worker",
                      meeting="CIN review meeting 20 Nov 2026", recorded_by="amira")]
    (entry,) = sos.chronology_entries([], scores)
    assert entry.kind == "meeting"
    assert entry.summary == ("Signs of Safety scaling at the CIN review meeting 20 Nov 2026: "
                             "Sara Keys (Mum) 6; Amira Khan (social worker) 4")
    assert entry.detail == "Sara Keys: up on Mondays"
