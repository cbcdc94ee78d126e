"""A plan agreed at a final meeting (DOMAIN.md §5: the meeting before step-down or closure;
WIR 3, TRA, BEX 3): it is the plan's last version, with no next review. It carried the
earlier version's next review ("next review 3 Nov 2026", already past, after a final
meeting on 26 Oct) and a plan without one failed the review-date check (DRAFT)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from cintui.domain.meeting import Decisions, Minutes, ends_plan, updated_plan
from cintui.domain.plan import Need, PlanAction, PlanVersion
from cintui.domain.plan_checks import check_plan

HELD = date(2026, 10, 26)
PLAN = PlanVersion(
    number=1, status="agreed", next_review=date(2026, 11, 3), objectives="Ada is safe",
    lead_professional="Amira Khan", childs_views="I like school", bottom_lines="Never alone",
    if_not_met="A CP conference", good_enough="Greens for 3 months",
    needs=(Need("Attendance is 87%", "Attendance above 95% for a term", rag="A",
                evidence="87% this term", key=uuid.UUID(int=1),
                actions=(PlanAction("Walk Ada to school", "Mum", date(2027, 1, 15)),)),))


def final(recommendation: str = "step_down", next_review: date | None = None) -> Minutes:
    return Minutes(kind="final", held_on=HELD, decisions=Decisions(
        still_in_need=False, next_review=next_review, recommendation=recommendation))


def test_a_final_meeting_ends_the_plan_with_no_next_review_wir_3():
    """WIR 3, TRA: the version agreed at the final meeting says so, not the old review date."""
    for recommendation in ("step_down", "close"):
        ended = updated_plan(PLAN, final(recommendation), on=HELD, by="Amira",
                             meeting_label="Final CIN meeting 26 Oct 2026")
        assert (ended.next_review, ended.ended_on) == (None, HELD)
        assert ended.headline == ("version 1 (agreed): 1 need, R0 A1 G0, no further review: "
                                  "the plan ended at the final meeting on 26 Oct 2026")
    assert updated_plan(PLAN, final(next_review=date(2027, 1, 26)), on=HELD, by="",
                        meeting_label="").next_review is None  # a date typed: still ended


def test_a_plan_ended_at_a_final_meeting_needs_no_review_date_tra():
    """TRA, WIR 2.7: every plan in force says when it is reviewed; one that ended at its final
    meeting (WIR 3) is not marked DRAFT for having none."""
    ended = updated_plan(PLAN, final(), on=HELD, by="", meeting_label="")
    assert [p.check for p in check_plan(ended, date(2026, 12, 7))] == []
    assert [p.check for p in check_plan(replace(PLAN, next_review=None),
                                        date(2026, 12, 7))] == ["no_review_date"]


def test_a_final_meeting_that_decides_to_continue_sets_the_next_review_wir_2_3():
    """A final meeting that decided the plan goes on ("continue") does not end it: it sets the
    next review as any review does (WIR 2.3)."""
    goes_on = final("continue", next_review=date(2027, 1, 26))
    assert not ends_plan(goes_on)
    kept = updated_plan(PLAN, goes_on, on=HELD, by="", meeting_label="")
    assert (kept.next_review, kept.ended_on) == (date(2027, 1, 26), None)
    assert kept.headline.endswith("next review 26 Jan 2027")
    review = replace(goes_on, kind="review", decisions=Decisions(True, None, "step_down"))
    assert not ends_plan(review)  # a review that recommends step-down: the final meeting ends it
