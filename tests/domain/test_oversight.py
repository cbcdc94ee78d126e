"""Quality checks of each plan (BEX 3: "All children with a child in need support plan will
be subject to either an audit or case mapping reflective discussion")."""

from __future__ import annotations

from datetime import date

from cintui.domain.oversight import QualityCheckFact, check_quality_check, quality_status

TODAY = date(2026, 11, 23)
PLAN = date(2026, 6, 1)


def test_only_a_check_since_the_plan_started_counts():
    """BEX 3: the check is of this plan; one from an earlier plan does not answer it."""
    old = QualityCheckFact("audit", date(2026, 3, 2), "A Synthetic")
    assert not quality_status(PLAN, [old]).checked
    assert quality_status(PLAN, [old]).describe() == "none since the plan started (BEX 3)"
    new = QualityCheckFact("case_mapping", date(2026, 9, 14), "B Synthetic", needs_met=False)
    status = quality_status(PLAN, [old, new])
    assert status.checked and status.last == new
    assert status.describe() == ("Case-mapping reflective discussion 14 Sep 2026, "
                                 "B Synthetic, needs NOT met")


def test_the_short_form_for_a_column_writes_the_year_whole_and_pads_the_day():
    """The team view's "Last QA check" column (BEX 3): "15 Dec 25 NOT met" read a two-digit
    year; now "15 Dec 2025 NOT met" and " 3 Oct 2026 met", the months under each other."""
    def short(held_on, met):
        return quality_status(None, [QualityCheckFact("audit", held_on, "A", met)]).describe(
            short=True)

    assert short(date(2025, 12, 15), False) == "15 Dec 2025 NOT met"
    assert short(date(2026, 10, 3), True) == " 3 Oct 2026 met"
    assert short(date(2026, 10, 3), None) == " 3 Oct 2026"
    assert quality_status(PLAN, []).describe(short=True) == "none yet"
    assert max(len(short(date(2025, 12, 15), m)) for m in (True, False, None)) == 19


def test_the_wide_column_puts_each_part_under_the_one_above():
    """BEX 3: the team view's wide "Last quality check" column wrote the sentence, each
    day where its kind's words ended; now the day, met or NOT met, the kind and who
    facilitated it each start where the line above's did, a long name ending in "…"."""
    def column(kind, held_on, met, by="Jo Whitfield (IPSS)", width=60):
        return quality_status(None, [QualityCheckFact(kind, held_on, by, met)]).column(width)

    assert column("audit", date(2025, 12, 15), False) == \
        "15 Dec 2025 NOT met  audit         Jo Whitfield (IPSS)"
    assert column("case_mapping", date(2026, 10, 3), True) == \
        " 3 Oct 2026 met      case mapping  Jo Whitfield (IPSS)"
    assert column("audit", date(2026, 10, 3), None, by="Sam Okoro (IPSS)") == \
        " 3 Oct 2026          audit         Sam Okoro (IPSS)"
    assert column("audit", date(2026, 10, 3), True, width=46) == \
        " 3 Oct 2026 met      audit         Jo Whitfie…"
    assert quality_status(PLAN, []).column(60) == "none since the plan started (BEX 3)"


def test_a_check_needs_its_kind_a_past_date_in_the_plan_a_facilitator_and_findings():
    assert check_quality_check("audit", date(2026, 9, 1), "IPSS practitioner", "Plan fine",
                               TODAY, PLAN) == []
    problems = dict(check_quality_check("peer chat", date(2026, 11, 24), " ", "", TODAY, PLAN))
    assert set(problems) == {"kind", "held_on", "facilitator", "findings"}
    assert "future" in problems["held_on"]
    assert "independent professional standards" in problems["facilitator"]
    before = dict(check_quality_check("audit", date(2026, 5, 29), "X", "Y", TODAY, PLAN))
    assert "1 Jun 2026" in before["held_on"]
    assert dict(check_quality_check("audit", None, "X", "Y", TODAY, PLAN))["held_on"]


def test_the_last_check_in_a_column_keeps_the_day_and_the_answer_whole_bex_3():
    """BEX 3: a column too narrow for the whole description ("Case-mapping reflective
    discussion 15 Nov 2026, Jo Whitfield (IPSS), needs NOT met") lost the answer off its
    end; now the short form comes first, then the kind in a word and who facilitated it
    where there is room (a name cut ends in "…")."""
    status = quality_status(PLAN, [QualityCheckFact("case_mapping", date(2026, 11, 15),
                                                    "Jo Whitfield (IPSS)", False)])
    assert status.column(56) == "15 Nov 2026 NOT met  case mapping  Jo Whitfield (IPSS)"
    assert status.column(44) == "15 Nov 2026 NOT met  case mapping  Jo Whitf…"
    assert status.column(40) == "15 Nov 2026 NOT met  case mapping"  # no room for a name
    assert status.column(30) == status.column(19) == "15 Nov 2026 NOT met"
    none = quality_status(PLAN, [])
    assert none.column(56) == "none since the plan started (BEX 3)"
    assert none.column(19) == "none yet"
