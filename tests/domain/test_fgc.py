"""Family Group Conferences (DOMAIN.md §11): WAR 4.2 "ensure strengths of wider family and
friends are utilised through family group conferences"; WAR 9.3 "Increased use of Family
Group Conference"; STO 6.13 families "identify their own solutions and formulate their own
safety plan"; STO 7.5 the service expanded to Child in Need cases; BEX 2 one plan."""

from __future__ import annotations

from datetime import date

from cintui.domain.fgc import (
    FgcFact,
    check_held,
    check_referral,
    family_plan_need,
    fgc_use,
)
from cintui.domain.plan import PlanAction, PlanVersion
from cintui.domain.plan_checks import check_plan
from cintui.domain.reports import ChildFacts, EpisodeFacts, performance

TODAY = date(2026, 11, 23)
GRAN = PlanAction("Leo stays at Gran's on Tuesdays", "Gran", date(2026, 12, 1))


def test_one_referral_at_a_time_dated_in_the_case_war_4_2():
    assert check_referral(date(2026, 11, 2), TODAY, date(2026, 9, 1), None) == []
    assert dict(check_referral(date(2026, 8, 1), TODAY, date(2026, 9, 1), None))["on"] == \
        "1 Aug 2026 is before the child's referral (1 Sep 2026)"
    waiting = FgcFact(date(2026, 11, 2))
    assert "not held or declined yet" in dict(
        check_referral(TODAY, TODAY, date(2026, 9, 1), waiting))["child"]


def test_held_needs_the_familys_plan_and_actions_with_who_and_when_sto_6_13():
    assert check_held(date(2026, 11, 20), date(2026, 11, 2), TODAY, "Gran helps", [GRAN]) == []
    got = dict(check_held(date(2026, 11, 1), date(2026, 11, 2), TODAY, " ",
                          [PlanAction("School run", "", None)]))
    assert got == {"on": "1 Nov 2026 is before the referral (2 Nov 2026)",
                   "family_plan": "write the family's plan as they made it (STO 6.13)",
                   "action1_who": "action 1: name who will do it (WIR 2.3)",
                   "action1_by": "action 1: give the date (WIR 2.3)"}
    assert "at least one action" in dict(check_held(TODAY, TODAY, TODAY, "x", []))["actions"]


def test_the_familys_plan_joins_the_cin_plan_as_one_need_that_passes_the_checks_bex_2():
    """BEX 2 / STO 2.3: one coordinated plan: the family's plan is a need of the CIN plan
    (a strength to build on), its actions column 3; it raises no plan-check problem."""
    need = family_plan_need(date(2026, 11, 20), "Gran has Leo two\nnights a week", [GRAN])
    assert need.now == ("The family made their own plan at a Family Group Conference on "
                        "20 Nov 2026: Gran has Leo two nights a week")
    assert (need.kind, need.rag, need.actions) == ("strength", "G", (GRAN,))
    plan = PlanVersion(number=1, needs=(need,))
    assert [p.check for p in check_plan(plan, TODAY, {}) if p.need == 0] == []


def test_fgc_use_counts_referrals_held_declined_and_children_with_a_plan_war_9_3():
    period = (date(2026, 4, 1), date(2026, 9, 30))
    year_before = (date(2025, 4, 1), date(2025, 9, 30))
    facts = [
        ([FgcFact(date(2026, 4, 10), "held", held_on=date(2026, 5, 1))], date(2026, 3, 1), True),
        ([FgcFact(date(2026, 6, 1), "declined", declined_on=date(2026, 6, 9))],
         date(2026, 2, 1), True),
        ([FgcFact(date(2025, 5, 1), "held", held_on=date(2025, 6, 1))], date(2025, 4, 1), True),
        ([], None, False),
    ]
    use = fgc_use(facts, *period, year_before)
    assert (use.referred, use.held, use.declined, use.held_year_before) == (2, 1, 1, 1)
    # The third child's conference (June 2025) was in the episode still open: it counts.
    assert (use.children_in_need, use.children_with_fgc, use.change) == (3, 2, 0)


def test_the_performance_report_carries_fgc_use_war_9_3():
    child = ChildFacts("1", episodes=(EpisodeFacts(date(2026, 3, 1),
                                                   cin_plan_start=date(2026, 4, 1)),),
                       fgcs=(FgcFact(date(2026, 4, 10), "held", held_on=date(2026, 5, 1)),))
    report = performance([child], date(2026, 4, 1), date(2026, 9, 30))
    assert (report.fgc.held, report.fgc.children_in_need, report.fgc.children_with_fgc) == \
        (1, 1, 1)
