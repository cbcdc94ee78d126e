"""The chronology (DOMAIN.md §9; BEX 4: "All actions, decisions and arrangements should be
fully recorded on the child's case record … management decisions … the rationale")."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.chronology import (
    KIND_LABELS,
    KINDS,
    ChronologyEntry,
    build_chronology,
    consent_entries,
    episode_entries,
    filter_chronology,
)
from cintui.domain.consent import ConsentFact, WithheldConsentRecord

MAR3 = date(2026, 3, 3)


def entry(when: date, kind: str, summary: str = "x", **kw) -> ChronologyEntry:
    return ChronologyEntry(when, kind, summary, **kw)


# ---------------------------------------------------------------------- kinds


def test_kinds_in_case_order_each_with_a_label():
    assert KINDS == ("referral", "assessment", "protection", "plan", "visit", "meeting", "rag",
                     "consent", "decision", "supervision", "allocation", "closure", "note")
    assert set(KIND_LABELS) == set(KINDS)
    assert entry(MAR3, "rag").label == "RAG rating"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="'phone call' is not a chronology kind"):
        entry(MAR3, "phone call")


# ---------------------------------------------------------------------- ordering


def test_oldest_first():
    late, early = entry(date(2026, 5, 1), "note"), entry(date(2026, 1, 2), "note")
    assert build_chronology([late, early]) == [early, late]


def test_same_day_in_case_order():
    """A decision reads before the closure it led to; a referral before its assessment."""
    closure, decision = entry(MAR3, "closure"), entry(MAR3, "decision")
    assessment, referral = entry(MAR3, "assessment"), entry(MAR3, "referral")
    assert build_chronology([closure, decision, assessment, referral]) == [
        referral, assessment, decision, closure,
    ]


def test_same_day_same_kind_keeps_the_order_given():
    first, second = entry(MAR3, "note", "first"), entry(MAR3, "note", "second")
    assert build_chronology([first, second]) == [first, second]
    assert build_chronology([second, first]) == [second, first]


def test_a_visit_with_a_time_sorts_with_plain_dates():
    """A visit may carry its time (Visit.visited_at); it sits on its day among the rest."""
    morning = entry(datetime(2026, 3, 3, 9, 30), "visit", "morning")
    afternoon = entry(datetime(2026, 3, 3, 15, 0), "visit", "afternoon")
    note = entry(MAR3, "note")
    before = entry(date(2026, 3, 2), "note")
    assert build_chronology([note, afternoon, before, morning]) == [before, morning, afternoon, note]


_entries = st.lists(
    st.builds(entry, st.dates(date(2025, 1, 1), date(2026, 12, 31)), st.sampled_from(KINDS),
              st.text(max_size=5)),
    max_size=30,
)


@given(_entries)
def test_build_is_a_sorted_permutation(entries):
    built = build_chronology(entries)
    assert sorted(map(id, built)) == sorted(map(id, entries))
    keys = [(e.when, KINDS.index(e.kind)) for e in built]
    assert keys == sorted(keys)
    assert build_chronology(built) == built


# ---------------------------------------------------------------------- filtering

DENTAL = entry(date(2026, 2, 1), "visit", "Home visit: Leo seen alone",
               detail="Missed dental appointment, second in 3 months", who="Amira Khan")
SCHOOL = entry(date(2026, 2, 8), "meeting", "Review meeting", detail="Attendance 87%",
               who="Oak Primary DSL")
CONSENT = entry(date(2026, 2, 9), "consent", "Information sharing: consent withdrawn",
                who="Jo Smith (Mother)")
ALL = [DENTAL, SCHOOL, CONSENT]


def test_no_filter_keeps_everything():
    assert filter_chronology(ALL) == ALL


def test_filter_by_kinds():
    assert filter_chronology(ALL, kinds={"visit", "consent"}) == [DENTAL, CONSENT]
    assert filter_chronology(ALL, kinds=set()) == []


def test_text_matches_summary_detail_and_who_ignoring_case():
    assert filter_chronology(ALL, text="DENTAL") == [DENTAL]  # detail
    assert filter_chronology(ALL, text="review") == [SCHOOL]  # summary
    assert filter_chronology(ALL, text="jo smith") == [CONSENT]  # who
    assert filter_chronology(ALL, text="nothing like this") == []


def test_every_word_must_match_in_any_order():
    assert filter_chronology(ALL, text="dental missed") == [DENTAL]
    assert filter_chronology(ALL, text="dental attendance") == []


def test_kinds_and_text_combine():
    assert filter_chronology(ALL, kinds={"meeting"}, text="87%") == [SCHOOL]
    assert filter_chronology(ALL, kinds={"visit"}, text="87%") == []


def test_unknown_kinds_in_a_filter_are_a_mistake():
    with pytest.raises(ValueError, match="not chronology kinds: visits"):
        filter_chronology(ALL, kinds={"visits"})


# ---------------------------------------------------------------------- episode


def test_a_whole_episode_in_case_order():
    """DOMAIN.md §10 episode dates, each a milestone; labels come from the code lists."""
    entries = episode_entries(
        date(2026, 1, 5), "Schools (3A)",
        assessment_started=date(2026, 1, 6), assessment_completed=date(2026, 2, 20),
        cin_plan_start=date(2026, 2, 20), closure_date=date(2026, 9, 30),
        closure_reason_label="RC7 Services ceased: no longer in need",
        initial_home_visit=date(2026, 1, 9), support_started=date(2026, 3, 2),
        cin_plan_end=date(2026, 9, 25), closure_decided=date(2026, 9, 22),
        family_told_of_closure=date(2026, 9, 24), ref="ep-1",
    )
    assert [(e.when, e.kind, e.summary) for e in build_chronology(entries)] == [
        (date(2026, 1, 5), "referral", "Referral received from Schools (3A)"),
        (date(2026, 1, 6), "assessment", "Assessment started"),
        (date(2026, 1, 9), "visit", "Initial home visit"),
        (date(2026, 2, 20), "assessment", "Assessment completed"),
        (date(2026, 2, 20), "plan", "CIN plan agreed as needed"),
        (date(2026, 3, 2), "plan", "CIN support started"),
        (date(2026, 9, 22), "decision", "Closure decided"),
        (date(2026, 9, 24), "closure", "Family told of the closure decision"),
        (date(2026, 9, 25), "plan", "CIN plan ended"),
        (date(2026, 9, 30), "closure", "Case closed: RC7 Services ceased: no longer in need"),
    ]
    assert {e.ref for e in entries} == {"ep-1"}


def test_a_new_referral_has_one_entry():
    (only,) = episode_entries(date(2026, 11, 20))
    assert only == ChronologyEntry(date(2026, 11, 20), "referral", "Referral received")


def test_referral_nfa_is_a_decision_on_the_referral_day():
    entries = episode_entries(MAR3, "Police (5A)", referral_nfa=True)
    assert [(e.kind, e.summary) for e in build_chronology(entries)] == [
        ("referral", "Referral received from Police (5A)"),
        ("decision", "Referral: no further action"),
    ]


def test_step_down_and_transfer_in():
    """WIR 3 step-down (agreed, then completed); BEX 4 transfer-in (moved into the area)."""
    entries = episode_entries(date(2026, 1, 10), moved_in=date(2026, 1, 4),
                              step_down_decided=date(2026, 6, 1),
                              step_down_completed=date(2026, 6, 5))
    assert [e.summary for e in build_chronology(entries)] == [
        "Moved into this authority's area (transfer-in, BEX 4)",
        "Referral received",
        "Step-down agreed",
        "Step-down completed",
    ]


# ---------------------------------------------------------------------- consent


def test_consent_decisions_become_entries_with_who_and_notes():
    """DOMAIN.md §2: record who, scope, decision, date, how, notes."""
    fact = ConsentFact("information_sharing", "withdrawn", MAR3, "p-mum", True, method="verbal",
                       notes="Upset after school meeting", person_name="Jo Smith (Mother)",
                       ref="c-1")
    assert consent_entries([fact]) == [ChronologyEntry(
        MAR3, "consent", "Information sharing: consent withdrawn (verbal)",
        who="Jo Smith (Mother)", detail="Upset after school meeting", ref="c-1",
    )]


def test_an_override_carries_its_rationale():
    """BEX 4: the override and its rationale are recorded."""
    fact = ConsentFact("transfer", "refused", MAR3, "p-mum", True, override_without_consent=True,
                       override_rationale="Seeking consent would alert the alleged abuser.")
    (e,) = consent_entries([fact])
    assert e.summary == "Transfer to another authority: went ahead without consent (BEX 4)"
    assert e.detail == "Seeking consent would alert the alleged abuser."


def test_an_override_without_rationale_says_so():
    fact = ConsentFact("information_sharing", "refused", MAR3, "p-mum", True,
                       override_without_consent=True)
    (e,) = consent_entries([fact])
    assert e.summary.endswith("— no rationale recorded")


def test_a_withheld_consent_decision_is_a_management_decision_entry():
    """WIR 2.2: "Decisions should be clearly recorded on the child's file including the
    analysis behind the decision"; BEX 4: management decisions with their rationale."""
    record = WithheldConsentRecord(
        reasons="Father disagrees", reflective_discussion_on=date(2026, 3, 10),
        decision="consider_s47", analysis="Neglect of medical needs is escalating.",
        decided_by="Tom Hughes (Team Manager)",
    )
    fact = ConsentFact("service", "refused", MAR3, "p-dad", True, withheld=record,
                       person_name="Lee Smith (Father)")
    refused, decided = build_chronology(consent_entries([fact]))
    assert (refused.when, refused.kind) == (MAR3, "consent")
    assert decided == ChronologyEntry(
        date(2026, 3, 10), "decision",
        "Withheld consent (WIR 2.2): Need likely to significantly impair health or development: "
        "consider s47 assessment",
        who="Tom Hughes (Team Manager)", detail="Neglect of medical needs is escalating.",
    )


def test_a_discussion_without_a_decision_is_a_note_and_no_discussion_no_entry():
    discussed = WithheldConsentRecord(reasons="r", reflective_discussion_on=date(2026, 3, 10))
    fact = ConsentFact("service", "refused", MAR3, "p-dad", True, withheld=discussed)
    assert [e.kind for e in consent_entries([fact])] == ["consent", "note"]
    fact = ConsentFact("service", "refused", MAR3, "p-dad", True,
                       withheld=WithheldConsentRecord(reasons="r"))
    assert [e.kind for e in consent_entries([fact])] == ["consent"]


def test_a_reallocation_shows_to_whom_from_whom_who_and_why():
    from cintui.domain.chronology import allocation_entries
    from cintui.domain.workforce import ReallocationFact

    entries = allocation_entries([
        ReallocationFact(date(2026, 11, 20), "Ben Cole", "Amira Ashdown", "Tom Hale",
                         "Amira is leaving", "r1"),
        ReallocationFact(date(2026, 11, 2), "Amira Ashdown"),
    ])
    assert [(e.when, e.kind, e.summary, e.who, e.detail) for e in entries] == [
        (date(2026, 11, 20), "allocation", "Reallocated to Ben Cole (from Amira Ashdown)",
         "Tom Hale", "Amira is leaving"),
        (date(2026, 11, 2), "allocation", "Allocated to Amira Ashdown", "", "")]
    assert entries[0].label == "Allocation"
