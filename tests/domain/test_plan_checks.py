"""Plan checks (DOMAIN.md §3) and the version diff. Synthetic child: Leo, 9."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cintui.domain.plan import Need, PlanAction, PlanVersion, Service
from cintui.domain.plan_checks import check_plan, diff_versions
from cintui.plain_words import load_plain_words

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
    gran = Need(now="Leo sees his grandmother every weekend and enjoys it.", kind="strength",
                rag="G")
    return PlanVersion(number=2, status="draft", objectives="Leo is in school every day and "
                       "home is calm.", lead_professional="Amira Shah",
                       next_review=date(2027, 2, 23), childs_views="I like it when Mum walks me.",
                       services=(Service("Family support worker", "Mornings"),),
                       needs=(school, gran))


def checks(version: PlanVersion) -> list[str]:
    return [p.check for p in check_plan(version, TODAY, JARGON)]


def with_need(version: PlanVersion, i: int, **changes) -> PlanVersion:
    needs = list(version.needs)
    needs[i] = replace(needs[i], **changes)
    return replace(version, needs=tuple(needs))


def test_a_clear_smart_plan_passes():
    assert check_plan(good_plan(), TODAY, JARGON) == []


def test_amber_without_outcome_or_action_wir_2_3():
    plan = with_need(good_plan(), 0, outcome="", actions=())
    found = check_plan(plan, TODAY, JARGON)
    assert [p.check for p in found] == ["amber_no_outcome", "amber_no_action"]
    assert all(p.rule == "WIR 2.3" and p.need == 0 for p in found)
    assert found[0].message.startswith("Need 1 “Leo has missed 13")
    # A Red need is held to the same standard; a Green strength needs no action.
    assert checks(with_need(plan, 0, rag="R"))[:2] == ["amber_no_outcome", "amber_no_action"]
    assert checks(with_need(good_plan(), 1, actions=())) == []


def test_action_without_owner_or_date_wir_2_3():
    need = good_plan().needs[0]
    plan = with_need(good_plan(), 0, actions=(replace(need.actions[0], who=""),
                                              replace(need.actions[1], by_when=None)))
    found = check_plan(plan, TODAY, JARGON)
    assert [(p.check, p.need, p.action, p.field) for p in found] == [
        ("action_no_owner", 0, 0, "who"), ("action_no_date", 0, 1, "by_when")]
    assert "Need 1, action 1 “Walk Leo to school each morning” has no owner" in found[0].message


def test_an_action_past_its_date_and_not_done_tra():
    need = good_plan().needs[0]
    late = replace(need.actions[0], by_when=date(2026, 11, 1), status="not_done")
    found = check_plan(with_need(good_plan(), 0, actions=(late,)), TODAY, JARGON)
    assert [(p.check, p.rule) for p in found] == [("action_overdue", "TRA")]
    assert "22 days ago" in found[0].message
    done = replace(late, status="done")
    assert checks(with_need(good_plan(), 0, actions=(done,))) == []


def test_an_outcome_with_nothing_observable_tra():
    plan = with_need(good_plan(), 0, outcome="Mum will engage and things will improve.")
    found = check_plan(plan, TODAY, JARGON)
    assert [p.check for p in found] == ["outcome_not_observable"]
    assert "SMART" in found[0].message
    measured = "Mum takes Leo to school every day and he is on time 9 days in 10."
    assert checks(with_need(good_plan(), 0, outcome=measured)) == []


def test_a_need_framed_as_a_service_sto_4_4():
    plan = with_need(good_plan(), 0, now="Mum to attend a parenting course.")
    found = check_plan(plan, TODAY, JARGON)
    assert [(p.check, p.rule) for p in found] == [("need_as_service", "STO 4.4")]
    assert "what must change for the child" in found[0].message
    # Saying what is happening for the child, with the course in column 3, is fine.
    assert checks(good_plan()) == []


def test_jargon_and_acronyms_get_a_plain_alternative_bex_2():
    plan = with_need(good_plan(), 0, evidence="Non-engagement with CAMHS since June.")
    found = check_plan(plan, TODAY, JARGON)
    assert {p.check for p in found} == {"jargon"}
    words = " ".join(p.message for p in found)
    assert "“CAMHS” is jargon; say “the children and young people's mental health service”" \
        in words
    assert "non-engagement" in words.lower() and all(p.rule == "BEX 2" for p in found)
    # Acronyms match as written: "cp" inside a word or lower case is not "CP".
    assert checks(with_need(good_plan(), 0, evidence="Register: 87%; he's a keen cpu fan.")) \
        == []


def test_plan_wide_statements_wir_2_7_tra_and_the_childs_voice_wir_2_5():
    plan = replace(good_plan(), objectives="", lead_professional="", next_review=None,
                   childs_views="")
    found = check_plan(plan, TODAY, JARGON)
    assert [(p.check, p.rule) for p in found] == [
        ("no_objectives", "WIR 2.7"), ("no_lead", "WIR 2.7"), ("no_review_date", "TRA"),
        ("no_childs_voice", "WIR 2.5")]
    assert checks(replace(good_plan(), needs=())) == ["no_needs"]


_text = st.text(max_size=80)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_text, _text, st.sampled_from("RAG"),
                          st.lists(st.tuples(_text, _text, st.none() | st.dates(),
                                             st.sampled_from(("not_started", "in_progress",
                                                              "done", "not_done"))),
                                   max_size=3)), max_size=5), _text, st.none() | st.dates())
def test_checks_never_fail_on_any_text_and_point_at_real_needs(needs, views, review):
    version = PlanVersion(
        number=1, childs_views=views, next_review=review,
        needs=tuple(Need(now=now, outcome=out, rag=rag,
                         actions=tuple(PlanAction(w, who, when, status)
                                       for w, who, when, status in acts))
                    for now, out, rag, acts in needs))
    for p in check_plan(version, TODAY, JARGON):
        assert p.message and p.rule
        if p.need is not None:
            assert 0 <= p.need < len(version.needs)
            if p.action is not None:
                assert 0 <= p.action < len(version.needs[p.need].actions)


def test_what_changed_between_versions():
    old = good_plan()
    school = old.needs[0]
    walked = replace(school.actions[0], status="done")
    worry = Need(now="Dad has lost his job.", outcome="A budget they keep to by March.",
                 actions=(PlanAction("Citizens Advice appointment", "Dad", date(2027, 3, 14)),))
    new = replace(old, number=3, needs=(
        replace(school, rag="G", actions=(walked,)), worry))
    diff = diff_versions(old, new)
    assert diff.added == (worry,) and diff.removed == (old.needs[1],)
    assert [(o, n) for _, o, n in diff.rag_changes] == [("A", "G")]
    assert diff.actions_done == (walked,)
    assert [a.what for a in diff.actions_added] == ["Citizens Advice appointment"]
    assert [a.what for a in diff.actions_removed] == ["Send the attendance figures every Friday"]
    lines = diff.summary()
    assert lines[0] == "Added: “Dad has lost his job.” (Amber)"
    assert any(line.startswith("Amber → Green: “Leo has missed 13") for line in lines)
    assert any(line.startswith("Done: “Walk Leo to school each morning” (Mum)") for line in lines)
    assert diff_versions(old, old).is_empty
