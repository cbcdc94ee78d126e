"""The visit record's rules (DOMAIN.md §4; WIR 2.11, BEX 3), on hand-built visits."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cintui.domain.calendar import england_calendar
from cintui.domain.visit import (
    HEADINGS,
    TEXT_FIELDS,
    InvalidVisit,
    Present,
    VisitContent,
    check_addendum,
    check_visit,
    gap_before,
    heading_from,
    visit_gaps,
    visit_problems,
    with_facts,
)

NOW = datetime(2026, 11, 23, 14, 5)
DOB = date(2017, 5, 2)


def good(**changes) -> VisitContent:
    base = VisitContent(visited_at=datetime(2026, 11, 23, 10, 0), kind="home",
                        child_seen=True, seen_alone=True, bedroom_seen=True,
                        purpose="Statutory visit", analysis="Things are improving at home.")
    return with_facts(base, **changes)


def messages(content: VisitContent, dob: date | None = DOB) -> list[str]:
    return [str(p) for p in visit_problems(content, NOW, dob)]


def test_the_headings_are_wir_2_11_in_order():
    """WIR 2.11: purpose, child's comments, welfare, parent's comments, progress (health,
    education, standard of care & support networks), analysis."""
    assert [h.title for h in HEADINGS] == [
        "Purpose of visit", "Child's comments", "Child's welfare", "Parent's comments",
        "Health", "Education", "Standard of care & support networks",
        "Analysis of visit & actions"]
    assert [h.group for h in HEADINGS][4:7] == ["Progress of the CIN plan"] * 3
    assert "bedroom" in HEADINGS[6].prompt  # WIR 2.11: has the bedroom been seen?


def test_wir_2_11_six_headings_the_progress_boxes_are_one():
    """WIR 2.11 has six headings; "Progress of the CIN plan" has three prompts under it
    (health, education, standard of care), shown as three boxes: from any of them the next
    heading is the analysis, and the heading before the analysis starts at health."""
    forward = ["purpose"]
    while (after := heading_from(forward[-1])) is not None:
        forward.append(after)
    assert forward == ["purpose", "childs_comments", "childs_welfare", "parents_comments",
                       "health", "analysis"]
    assert {heading_from(f) for f in ("health", "education", "care_and_support")} == {
        "analysis"}
    assert heading_from("analysis", -1) == "health"
    assert heading_from("care_and_support", -1) == "parents_comments"
    assert heading_from("purpose", -1) is None


def test_a_complete_visit_has_no_problems():
    assert messages(good()) == []


def test_a_visit_in_the_future_or_before_birth_is_refused():
    assert any("in the future" in m for m in messages(good(visited_at=NOW + timedelta(minutes=1))))
    assert messages(good(visited_at=NOW)) == []  # now itself is fine
    born = messages(good(visited_at=datetime(2017, 5, 1, 12, 0)))
    assert any("before the child was born (2 May 2017)" in m for m in born)


def test_not_seen_alone_needs_a_reason_in_analysis():
    """WIR 2.11: the child must be seen and spoken to alone; if not, the analysis says why."""
    found = messages(good(seen_alone=False))
    assert found == ["The child was not seen alone: if they were, record it; if not, say why "
                     "in Analysis of visit & actions (use the word 'alone') (WIR 2.11)"]
    assert messages(good(seen_alone=False, analysis="Not seen alone: Mum would not leave "
                         "the room; arranged a school visit.")) == []
    assert messages(good(seen_alone=False, analysis="Spoke with him on his own in the "
                         "garden.")) == []


def test_bedroom_not_seen_needs_a_reason_on_a_home_visit_only():
    """WIR 2.11: has the child's bedroom been seen? At school the question does not arise."""
    assert any("bedroom" in m for m in messages(good(bedroom_seen=False)))
    assert messages(good(bedroom_seen=False, analysis="Bedroom not seen: the family were "
                         "decorating.")) == []
    assert messages(good(bedroom_seen=False, kind="school")) == []


def test_a_child_not_seen_needs_the_reason_and_cannot_be_seen_alone():
    """WIR 2.11: a visit where the child was not seen says why, and is never 'seen alone'."""
    content = good(child_seen=False, analysis="Improving.")
    assert content.seen_alone is False  # kept consistent
    assert any("not seen: say why" in m for m in messages(content))
    assert messages(good(child_seen=False, analysis="No answer at the door: Tom not seen. "
                         "Visiting again on Thursday.")) == []
    raw = VisitContent(visited_at=NOW, child_seen=False, seen_alone=True, purpose="x",
                       analysis="not seen: away")
    assert any("cannot have been seen alone" in m for m in messages(raw))


def test_purpose_and_analysis_are_required():
    found = messages(good(purpose=" ", analysis=""))
    assert "Write the purpose of the visit (WIR 2.11)" in found
    assert any(m.startswith("Write the analysis") for m in found)


def test_check_visit_raises_with_the_field():
    with pytest.raises(InvalidVisit) as caught:
        check_visit(good(kind="car"), NOW, DOB)
    assert caught.value.field == "kind"


def test_an_addendum_must_say_something():
    assert check_addendum("  Correction: Tuesday  ") == "Correction: Tuesday"
    with pytest.raises(InvalidVisit, match="Write what the addendum adds"):
        check_addendum("   ")


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(st.fixed_dictionaries({name: texts for name in TEXT_FIELDS}),
       st.booleans(), st.booleans(), st.booleans(), st.sampled_from(["home", "school", "other"]),
       st.lists(texts, max_size=3))
def test_a_draft_round_trips_through_its_dict(values, seen, alone, bedroom, kind, others):
    """What a draft stores (JSON-ready) reads back exactly: nothing typed is lost."""
    content = VisitContent(visited_at=datetime(2026, 11, 23, 9, 30), kind=kind,
                           child_seen=seen, seen_alone=alone, bedroom_seen=bedroom,
                           present=(Present("Mum", uuid.uuid4()), *map(Present, others)),
                           progress=((uuid.uuid4(), "done"),), **values)
    assert VisitContent.from_dict(content.to_dict()) == content


# ---------------------------------------------------------------- gaps


def test_gaps_longer_than_20_working_days_are_marked():
    """WIR 2.11: at least every 20 working days. 2 Nov → due 30 Nov; a visit on 1 Dec is 1
    working day late; 1 Dec → 4 Dec is in time. Worked by hand on the England calendar."""
    cal = england_calendar()

    def due(d):
        return cal.add_working_days(d, 20)
    seen = [date(2026, 11, 2), date(2026, 12, 1), date(2026, 12, 4)]
    found = visit_gaps(seen, due, working_days_between=cal.working_days_between)
    assert [(g.after, g.until, g.due, g.days_late) for g in found] == [
        (date(2026, 11, 2), date(2026, 12, 1), date(2026, 11, 30), 1)]
    assert gap_before(found, date(2026, 12, 1)) is found[0]
    assert gap_before(found, date(2026, 12, 4)) is None


def test_the_plan_start_is_the_first_anchor_and_an_open_gap_runs_to_today():
    """The clock starts with the CIN plan; with no visit since, the gap is still open."""
    def due(d):
        return d + timedelta(days=28)  # BEX 3: at least every 4 weeks
    found = visit_gaps([date(2026, 9, 1)], due, start=date(2026, 9, 15),
                       today=date(2026, 11, 23))
    # The 1 Sep visit was before the plan: it does not count.
    assert [(g.after, g.until, g.due, g.days_late) for g in found] == [
        (date(2026, 9, 15), None, date(2026, 10, 13), 41)]
    assert visit_gaps([date(2026, 11, 20)], due, start=date(2026, 11, 1),
                      today=date(2026, 11, 23)) == []
