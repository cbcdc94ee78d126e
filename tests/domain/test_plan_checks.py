"""Plan checks (DOMAIN.md §3; WIR 2.3-2.7, TRA, WAR 8.1, STO 4.4, BEX 2).
Synthetic child: Leo, 9."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cintui.domain.plan import ACTION_STATUSES, Need, PlanAction, PlanVersion, Service
from cintui.domain.plan_checks import (
    check_plan,
    jargon_in,
    need_is_a_service,
    outcome_is_observable,
    passes,
)
from cintui.reference.plain_words import load_plain_words

TODAY = date(2026, 11, 23)
JARGON = load_plain_words()


def good_plan() -> PlanVersion:
    school = Need(
        now="Leo has missed 13 of the last 60 school days; attendance is 87% (94% last year).",
        outcome="Leo attends at least 95% of school days each half term, shown on the register.",
        rag="A", evidence="Register: 87% this half term.",
        actions=(PlanAction("Walk Leo to school each morning", "Mum", date(2026, 12, 18)),
                 PlanAction("Send the attendance figures every Friday", "School safeguarding "
                            "lead", date(2026, 12, 18), "in_progress")))
    sleep = Need(
        now="Leo goes to bed after midnight most nights and falls asleep in class.",
        outcome="Leo is in bed by 8.30pm on school nights and his teacher no longer reports "
                "him tired.",
        rag="R", evidence="Class teacher: asleep in lessons 3 times in 2 weeks.",
        actions=(PlanAction("Keep a bedtime chart on the fridge", "Mum", date(2026, 12, 4),
                            "in_progress"),
                 PlanAction("Two evening visits about routines", "Family support worker",
                            date(2026, 11, 20), "done")))
    gran = Need(now="Leo sees his grandmother every weekend and enjoys it.", kind="strength",
                rag="G")
    return PlanVersion(number=2, status="draft", objectives="Leo is in school every day, "
                       "sleeps well and home is calm.", lead_professional="Amira Shah",
                       next_review=date(2027, 2, 23), childs_views="I like it when Mum walks me.",
                       review_arrangements="Review meeting every 3 months at school.",
                       services=(Service("Family support worker", "Bedtime routines"),),
                       bottom_lines="Leo is not left alone in the flat at night.",
                       if_not_met="If Leo's attendance and sleep have not changed by the "
                                  "review, we will talk about a child protection conference.",
                       good_enough="Leo in school 95% of days and in bed on time for three "
                                   "months: then the plan can end.",
                       needs=(school, sleep, gran))


def found(version: PlanVersion, **kw) -> list:
    return check_plan(version, TODAY, JARGON, **kw)


def checks(version: PlanVersion) -> list[str]:
    return [p.check for p in found(version)]


def with_need(version: PlanVersion, i: int, **changes) -> PlanVersion:
    needs = list(version.needs)
    needs[i] = replace(needs[i], **changes)
    return replace(version, needs=tuple(needs))


def with_action(version: PlanVersion, i: int, j: int, **changes) -> PlanVersion:
    actions = list(version.needs[i].actions)
    actions[j] = replace(actions[j], **changes)
    return with_need(version, i, actions=tuple(actions))


# ---------------------------------------------------------------- a good plan


def test_a_clear_smart_plan_passes_every_check():
    """Leo: attendance 87% → 95% with owners and dates, a Red need with a measurable
    outcome, a Green strength with no actions (WIR 2.3, TRA, BEX 2, STO 4.4, WIR 2.5/2.7)."""
    assert found(good_plan()) == []
    assert passes(found(good_plan()))
    assert not passes(found(replace(good_plan(), childs_views="")))


def test_without_a_word_list_the_other_checks_still_run():
    plan = with_need(good_plan(), 0, evidence="Non-engagement with CAMHS.", outcome="")
    assert [p.check for p in check_plan(plan, TODAY)] == ["amber_no_outcome"]


# ---------------------------------------------------------------- WIR 2.3


def test_amber_without_outcome_or_action_wir_2_3():
    plan = with_need(good_plan(), 0, outcome="", actions=())
    problems = found(plan, child="Leo")
    assert [(p.check, p.rule, p.need, p.field) for p in problems] == [
        ("amber_no_outcome", "WIR 2.3", 0, "outcome"),
        ("amber_no_action", "WIR 2.3", 0, "actions")]
    assert problems[0].message == (
        "Need 1 “Leo has missed 13 of the last 60 school days…” is Amber but has no "
        "outcome: say what will be different for Leo and how everyone will know (WIR 2.3).")
    assert "who will do what to support change, by when (WIR 2.3)" in problems[1].message


def test_a_worry_with_nothing_to_count_asks_for_its_evidence_wir_2_4():
    """WIR 2.4: concerns carry evidence, quantified ("how many appointments missed in which
    timeframe"). A worry that counts nothing, in what is happening now or in its evidence,
    is flagged at its evidence; a number, a frequency or a way of knowing in either passes;
    a strength needs none."""
    vague = with_need(good_plan(), 0, now="Leo's mum finds it hard to get him to school.",
                      evidence="")
    problems = [p for p in found(vague, child="Leo") if p.check == "worry_no_evidence"]
    assert [(p.rule, p.need, p.field) for p in problems] == [("WIR 2.4", 0, "evidence")]
    assert problems[0].message == (
        "Need 1 “Leo's mum finds it hard to get him to school.” is Amber but nothing in it "
        "can be counted: give the evidence — how many, how often, since when (WIR 2.4).")
    for now, evidence in (("Leo's mum finds it hard to get him to school.",
                           "Late 9 times this half term"),
                          ("Leo is late for school most mornings.", ""),
                          ("The school says Leo is often late.", "")):
        assert "worry_no_evidence" not in checks(with_need(good_plan(), 0, now=now,
                                                           evidence=evidence)), now
    strength = with_need(good_plan(), 2, now="Gran is kind to Leo.", evidence="")
    assert "worry_no_evidence" not in checks(strength)


def test_red_is_held_to_the_amber_standard_wir_2_3():
    plan = with_need(good_plan(), 1, outcome="  ", actions=())
    problems = found(plan)
    assert [(p.check, p.need) for p in problems] == [("amber_no_outcome", 1),
                                                       ("amber_no_action", 1)]
    assert "Need 2 “Leo goes to bed after midnight" in problems[0].message
    assert "is Red but has no outcome" in problems[0].message


def test_green_needs_and_strengths_need_no_actions_wir_2_3():
    plan = with_need(good_plan(), 0, rag="G", actions=())
    assert found(plan) == []
    assert found(with_need(good_plan(), 2, outcome="", actions=())) == []


def test_every_action_has_an_owner_and_a_date_wir_2_3():
    plan = with_action(with_action(good_plan(), 0, 0, who=" "), 0, 1, by_when=None)
    problems = found(plan)
    assert [(p.check, p.rule, p.need, p.action, p.field) for p in problems] == [
        ("action_no_owner", "WIR 2.3", 0, 0, "who"),
        ("action_no_date", "WIR 2.3", 0, 1, "by_when")]
    assert problems[0].message == ("Need 1, action 1 “Walk Leo to school each morning” has no "
                                   "owner: name the person or agency (WIR 2.3).")
    assert "action 2 “Send the attendance figures every Friday” has no date" \
        in problems[1].message


def test_a_green_need_with_an_undated_action_is_still_flagged_wir_2_3():
    plan = with_need(good_plan(), 2, actions=(PlanAction("Keep weekend visits going", "Gran"),))
    assert [(p.check, p.need, p.action) for p in found(plan)] == [("action_no_date", 2, 0)]


# ---------------------------------------------------------------- TRA: time-bound


@pytest.mark.parametrize("status", ["not_started", "in_progress", "not_done"])
def test_an_action_past_its_date_and_not_done_is_overdue_tra(status):
    plan = with_action(good_plan(), 0, 0, by_when=date(2026, 11, 1), status=status)
    problems = found(plan)
    assert [(p.check, p.rule, p.need, p.action, p.field) for p in problems] == [
        ("action_overdue", "TRA", 0, 0, "by_when")]
    assert problems[0].message == (
        "Need 1, action 1 “Walk Leo to school each morning” was due 1 Nov 2026 (22 days "
        "ago) and is not done: update its status or agree a new date (TRA).")


def test_done_and_due_today_are_not_overdue_tra():
    assert found(with_action(good_plan(), 0, 0, by_when=date(2026, 1, 1), status="done")) == []
    assert found(with_action(good_plan(), 0, 0, by_when=TODAY)) == []
    one = found(with_action(good_plan(), 0, 0, by_when=date(2026, 11, 22)))
    assert "(1 day ago)" in one[0].message


# ---------------------------------------------------------------- TRA / WAR 8.1: SMART


@pytest.mark.parametrize("outcome", [
    "Mum will engage and things will improve.",
    "Mum will engage with services by March.",  # a date does not make "engage" measurable
    "Leo's behaviour will be better.",
    "Leo will be supported to manage his anger.",
    "Mum will work with the social worker.",
    "Professionals will monitor home conditions.",
    "Home conditions are appropriate.",
    "Leo is happier at home.",  # an Amber with no measure and no time
])
def test_an_outcome_with_nothing_to_observe_is_flagged_tra(outcome):
    problems = found(with_need(good_plan(), 0, outcome=outcome))
    assert [(p.check, p.rule, p.need, p.field) for p in problems
            if p.check != "jargon"] == [("outcome_not_observable", "TRA", 0, "outcome")]
    assert problems[0].message.startswith("Need 1 “Leo has missed 13")
    assert "nothing to observe or count" in problems[0].message
    assert "(SMART: TRA, WAR 8.1)" in problems[0].message


@pytest.mark.parametrize("outcome", [
    "Mum takes Leo to school every day and he is on time 9 days in 10.",
    "Leo has a dental check and any treatment finished by the next review.",
    "Leo names one friend at school and goes to a club each week.",
    "Mum says she feels better most days, and the GP agrees.",
    "Leo tells his teacher he feels safe at home.",
    "No police call-outs to the home by the end of January.",
])
def test_a_measured_or_dated_concrete_outcome_passes_tra(outcome):
    assert found(with_need(good_plan(), 0, outcome=outcome)) == []


def test_a_strength_outcome_needs_no_date_but_must_not_be_vague_tra():
    assert outcome_is_observable("Leo keeps seeing his grandmother.", worry=False)
    assert not outcome_is_observable("Leo's relationship with Gran will improve.", worry=False)
    plan = with_need(good_plan(), 2, outcome="Things continue to improve with Gran.")
    assert [(p.check, p.need) for p in found(plan)] == [("outcome_not_observable", 2)]


# ---------------------------------------------------------------- STO 4.4


@pytest.mark.parametrize("now", [
    "Mum to attend a parenting course.",
    "Mum and Dad to attend couples counselling.",
    "Leo's mum to access the Freedom Programme.",
    "Mum needs to complete the Triple P programme.",
    "Referral to CAMHS.",
    "Parenting course for Mum",
    "Engage with the family support worker.",
    "Leo to have counselling.",
    "Mum to be referred to talking therapies.",
])
def test_a_need_framed_as_a_service_sto_4_4(now):
    problems = found(with_need(good_plan(), 0, now=now), child="Leo")
    service = [p for p in problems if p.check == "need_as_service"]
    assert [(p.rule, p.need, p.field) for p in service] == [("STO 4.4", 0, "now")]
    assert "names a service to use, not what must change for Leo" in service[0].message
    assert service[0].message.startswith("Need 1 “")


@pytest.mark.parametrize("now", [
    "Leo has missed 2 of the last 3 dental appointments.",
    "Leo to attend school every day.",
    "Leo attends football sessions on Saturdays and loves them.",
    "Arguments between the adults happen in front of Leo about twice a week.",
    "Leo needs support with reading.",
])
def test_what_is_happening_for_the_child_is_not_a_service_sto_4_4(now):
    assert not need_is_a_service(now)


# ---------------------------------------------------------------- BEX 2: plain words


def test_jargon_and_acronyms_get_a_plain_alternative_bex_2():
    plan = with_need(good_plan(), 0, evidence="Non-engagement with CAMHS since June.")
    problems = found(plan)
    assert [(p.check, p.rule, p.need, p.field) for p in problems] == [
        ("jargon", "BEX 2", 0, "evidence"), ("jargon", "BEX 2", 0, "evidence")]
    assert problems[0].message == ("Need 1 “Leo has missed 13 of the last 60 school days…”: "
                                   "“non-engagement” is jargon; say “not taking part (say "
                                   "what, and why if known)” (BEX 2).")
    assert "“CAMHS” is jargon; say “the children and young people's mental health service”" \
        in problems[1].message


def test_jargon_is_reported_once_per_term_and_place_bex_2():
    plan = with_need(good_plan(), 0, evidence="CAMHS letter; CAMHS appointment.",
                     outcome="Leo sees CAMHS every 2 weeks (CAMHS's records).")
    problems = [(p.field, p.message.split("”: ")[-1][:7]) for p in found(plan)]
    assert problems == [("outcome", "“CAMHS”"), ("evidence", "“CAMHS”")]


def test_jargon_everywhere_the_family_reads_it_bex_2():
    plan = replace(good_plan(), objectives="Step down to EH by the summer.",
                   services=(Service("Family support worker", "Holistic work at home"),))
    plan = with_action(plan, 1, 0, what="Liaise with the SENCO about tiredness")
    problems = found(plan)
    assert [(p.field, p.need, p.action) for p in problems] == [
        ("objectives", None, None), ("objectives", None, None), ("services", None, None),
        ("what", 1, 0), ("what", 1, 0)]
    messages = [p.message for p in problems]
    assert messages[0] == ("Objectives: “step down” is jargon; say “move to early help "
                           "support” (BEX 2).")
    assert messages[2].startswith("Service “Family support worker”: “holistic” is jargon")
    assert messages[3].startswith("Need 2, action 1 “Liaise with the SENCO about tiredness”: "
                                  "“liaise with” is jargon; say “talk with”")


def test_acronyms_match_as_written_and_words_in_any_case_bex_2():
    assert [t for t, _ in jargon_in("Leo aces his tests; a keen cpu fan; EHCPs; S47", JARGON)] \
        == ["EHCP", "s47"]
    assert [t for t, _ in jargon_in("Toxic Trio and ACEs; DNA'd twice", JARGON)] == [
        "toxic trio", "ACEs", "DNA'd"]
    assert jargon_in("whatever", {"": "x", " ": "y"}) == []


def test_the_shipped_word_list_bex_2():
    words = load_plain_words()
    assert 60 <= len(words) <= 130
    for term in ("CAMHS", "DSL", "LAC", "CLA", "s47", "TAF", "EHCP", "SENCO", "FGC", "IRO",
                 "LADO", "MASH", "PLO", "non-engagement", "disguised compliance", "toxic trio",
                 "presenting needs", "threshold", "interventions", "holistic", "multi-agency",
                 "signposting", "step down"):
        assert words[term].strip(), term
    with pytest.raises(TypeError):
        words["CAMHS"] = "changed"  # type: ignore[index]
    assert load_plain_words() is words
    # Every term is found where a worker would write it.
    for term, plain in words.items():
        assert (term, plain) in jargon_in(f"We talked about {term} today.", words), term


# ---------------------------------------------------------------- WIR 2.7, TRA, WIR 2.5


def test_plan_wide_statements_wir_2_7_tra_and_the_childs_voice_wir_2_5():
    plan = replace(good_plan(), objectives="", lead_professional="", next_review=None,
                   childs_views="")
    problems = found(plan)
    assert [(p.check, p.rule, p.field, p.need) for p in problems] == [
        ("no_objectives", "WIR 2.7", "objectives", None),
        ("no_lead", "WIR 2.7", "lead_professional", None),
        ("no_review_date", "TRA", "next_review", None),
        ("no_childs_voice", "WIR 2.5", "childs_views", None)]
    assert problems[3].message == ("The child's views are missing: what the child said, or "
                                   "what was observed for a young child (WIR 2.5).")
    assert found(plan, child="Leo")[3].message.startswith("Leo's views are missing: what Leo")


def test_a_plan_with_no_needs_bex_2():
    problems = found(replace(good_plan(), needs=()))
    assert [(p.check, p.rule) for p in problems] == [("no_needs", "BEX 2")]
    assert "no needs yet" in problems[0].message


def test_a_blank_need_is_named_by_number_bex_2():
    problems = found(with_need(good_plan(), 2, now=""))
    assert [(p.check, p.need, p.message) for p in problems] == [
        ("need_no_text", 2, "Need 3 is blank: say what is happening for the child now "
                            "(BEX 2).")]


def test_problems_come_plan_wide_first_then_need_by_need():
    plan = replace(with_action(with_need(good_plan(), 1, outcome=""), 0, 0, who=""),
                   lead_professional="")
    assert [(p.check, p.need, p.action) for p in found(plan)] == [
        ("no_lead", None, None), ("action_no_owner", 0, 0), ("amber_no_outcome", 1, None)]


# ---------------------------------------------------------------- never fails

_text = st.text(max_size=60) | st.sampled_from(
    ["Mum to attend a parenting course", "CAMHS", "things will improve", "", " ", "95%"])


@settings(max_examples=200, deadline=None)
@given(needs=st.lists(st.tuples(_text, _text, _text, st.sampled_from(["R", "A", "G", "?"]),
                                st.sampled_from(["worry", "strength"]),
                                st.lists(st.tuples(_text, _text, st.none() | st.dates(),
                                                   st.sampled_from(ACTION_STATUSES)),
                                         max_size=3)), max_size=5),
       views=_text, objectives=_text, review=st.none() | st.dates(), today=st.dates(),
       extra=st.dictionaries(st.text(max_size=12), st.text(max_size=12), max_size=4))
def test_checks_never_fail_on_any_text_and_point_at_real_needs(needs, views, objectives, review,
                                                              today, extra):
    version = PlanVersion(
        number=1, childs_views=views, objectives=objectives, next_review=review,
        services=(Service(views, objectives),),
        needs=tuple(Need(now=now, outcome=out, evidence=ev, rag=rag, kind=kind,
                         actions=tuple(PlanAction(w, who, when, status)
                                       for w, who, when, status in acts))
                    for now, out, ev, rag, kind, acts in needs))
    for jargon in (JARGON, extra):
        for p in check_plan(version, today, jargon, child=views):
            assert p.message and p.rule and p.check
            if p.need is None:
                assert p.action is None
            else:
                assert 0 <= p.need < len(version.needs)
                assert f"Need {p.need + 1}" in p.message
                if p.action is not None:
                    assert 0 <= p.action < len(version.needs[p.need].actions)


# ---------------------------------------------------------------- the plan's exit


def test_a_plan_without_bottom_lines_contingency_or_exit_is_flagged_bex_3_sto_6_3():
    """BEX 3: "the social worker must clearly explain to a family any 'bottom lines' … and
    what action may be taken if the plan is not successful"; STO 6.3: "clearer plans with
    exit strategies"."""
    bare = replace(good_plan(), bottom_lines=" ", if_not_met="", good_enough="")
    got = {p.check: p for p in found(bare)}
    assert set(got) == {"no_bottom_lines", "no_contingency", "no_exit"}
    assert (got["no_bottom_lines"].rule, got["no_bottom_lines"].field) == ("BEX 3",
                                                                          "bottom_lines")
    assert (got["no_contingency"].rule, got["no_contingency"].field) == ("BEX 3", "if_not_met")
    assert (got["no_exit"].rule, got["no_exit"].field) == ("STO 6.3", "good_enough")
    assert "good enough" in got["no_exit"].message and "Leo" in found(
        bare, child="Leo")[-1].message
    assert "not successful" in got["no_contingency"].message


def test_jargon_in_the_exit_is_flagged_bex_2():
    plan = replace(good_plan(), if_not_met="We will hold an ICPC.")
    assert [(p.check, p.field) for p in found(plan)] == [("jargon", "if_not_met")]


def test_the_headline_counts_its_needs_in_words():
    """A first plan from a review with one new concern read "1 needs" on the Plan tab."""
    one = PlanVersion(number=1, status="agreed", agreed_on=date(2026, 12, 7))
    assert one.headline_for({"A": 1}, 1) == "version 1 (agreed 7 Dec 2026): 1 need, R0 A1 G0"
    assert one.headline_for({"A": 2}, 2).startswith("version 1 (agreed 7 Dec 2026): 2 needs")


def test_a_plans_problems_in_a_few_words_for_the_team_views_list_wir_2_3():
    """The team view's list of plans failing (p) says what each plan lacks in a few words,
    a check once, counted: the whole message was cut before what is wrong at 80 columns."""
    from cintui.domain.plan_checks import PlanProblem, in_short

    found = [PlanProblem("no_childs_voice", "WIR 2.5", "…"),
             PlanProblem("action_no_owner", "WIR 2.3", "…", 0, 0, "who"),
             PlanProblem("action_no_owner", "WIR 2.3", "…", 1, 0, "who"),
             PlanProblem("action_overdue", "TRA", "…", 1, 0, "by_when")]
    assert in_short(found) == ("no child's views, 2 actions without an owner, "
                               "an action overdue")
    assert in_short([]) == ""


# ---------------------------------------------------------------- an ended plan (WIR 3, TRA)


def test_an_ended_plans_checks_say_what_it_lacked_when_it_ended_not_a_to_do_wir_3():
    """WIR 3, TRA: a plan ended at its final meeting or the case's closure is never re-opened
    to be fixed, so its checks say what it lacked then ("No bottom lines (BEX 3)."), with no
    instruction the worker cannot carry out, and are judged on the day it ended: an action
    due after that day was not overdue in the plan's life."""
    plan = good_plan()
    school = plan.needs[0]
    late = replace(school.actions[0], by_when=date(2026, 9, 1), status="in_progress")
    after = replace(school.actions[1], by_when=date(2026, 9, 25), status="not_started")
    ended = replace(plan, bottom_lines="", lead_professional="",
                    needs=(replace(school, actions=(late, after)), *plan.needs[1:]),
                    next_review=None, ended_on=date(2026, 9, 18), ended_by="closure")
    said = [p.message for p in check_plan(ended, TODAY, JARGON, child="Leo")]
    assert said == [
        "No lead professional (WIR 2.7).",
        "No bottom lines (BEX 3).",
        "Need 1, action 1 “Walk Leo to school each morning” was due 1 Sep 2026 and was not "
        "done when the plan ended (TRA).",
    ]
    # The same plan still running: the to-dos, and both actions overdue today.
    live = [p.message for p in check_plan(replace(ended, ended_on=None, ended_by="",
                                                  next_review=date(2027, 1, 4)),
                                          TODAY, JARGON, child="Leo")]
    assert live[0] == "No lead professional: name who holds the plan (WIR 2.7)."
    assert sum("is not done: update its status" in m for m in live) == 2


def test_an_ended_plan_with_no_needs_had_none_bex_2():
    """BEX 2 on an ended plan: "The plan has no needs (BEX 2).", not "no needs yet: add"."""
    ended = PlanVersion(number=1, status="agreed", ended_on=date(2026, 9, 18),
                        ended_by="final_meeting")
    said = [p.message for p in check_plan(ended, TODAY, JARGON, child="Leo")]
    assert said[0] == "The plan has no needs (BEX 2)."
    assert not any("yet" in m or ": say" in m or ": add" in m for m in said)


def test_one_reading_of_whether_a_plan_ended_when_and_how_wir_3():
    """WIR 3, TRA: its final meeting (unless it decided the plan goes on), else, for a
    version not superseded, the case's closure."""
    from cintui.domain.plan import plan_ended

    assert plan_ended("agreed", "final", "step_down", date(2026, 10, 1), None) == (
        date(2026, 10, 1), "final_meeting")
    assert plan_ended("agreed", "final", "continue", date(2026, 10, 1),
                      date(2026, 11, 2)) == (date(2026, 11, 2), "closure")
    assert plan_ended("superseded", "review", None, date(2026, 10, 1),
                      date(2026, 11, 2)) == (None, "")
    assert plan_ended("agreed", None, None, None, None) == (None, "")
