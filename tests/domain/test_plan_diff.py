"""What changed between two versions of a CIN plan (DOMAIN.md §3: each review meeting
produces the updated plan; the old one is kept). Synthetic child: Leo, 9."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cintui.domain.plan import ACTION_STATUSES, Need, PlanAction, PlanVersion
from cintui.domain.plan_checks import PlanDiff, diff_versions

WALK = PlanAction("Walk Leo to school each morning", "Mum", date(2026, 12, 18))
FIGURES = PlanAction("Send the attendance figures every Friday", "School safeguarding lead",
                     date(2026, 12, 18), "in_progress")
SCHOOL = Need(now="Leo has missed 13 of the last 60 school days.",
              outcome="Leo attends at least 95% of school days each half term.", rag="A",
              actions=(WALK, FIGURES))
GRAN = Need(now="Leo sees his grandmother every weekend.", kind="strength", rag="G")
OLD = PlanVersion(number=2, status="agreed", needs=(SCHOOL, GRAN))


def test_the_same_version_has_no_changes():
    diff = diff_versions(OLD, replace(OLD, number=3, status="draft"))
    assert diff.is_empty and diff.summary() == [] and diff == PlanDiff()


def test_needs_added_and_removed_are_matched_by_key():
    money = Need(now="Dad has lost his job.", outcome="A budget they keep to by March.",
                 actions=(PlanAction("Citizens Advice appointment", "Dad", date(2027, 3, 14)),))
    reworded = replace(SCHOOL, now="Leo has missed 9 of the last 60 school days.")
    diff = diff_versions(OLD, replace(OLD, needs=(reworded, money)))
    assert diff.added == (money,) and diff.removed == (GRAN,)
    assert diff.rag_changes == () and not diff.is_empty
    assert diff.summary() == ["Added: “Dad has lost his job.” (Amber)",
                              "Removed: “Leo sees his grandmother every weekend.”",
                              "New action: “Citizens Advice appointment” (Dad)"]
    # A need with a new key is a different need, even with the same words.
    copy = Need(now=SCHOOL.now, outcome=SCHOOL.outcome, actions=SCHOOL.actions)
    diff = diff_versions(OLD, replace(OLD, needs=(copy, GRAN)))
    assert diff.added == (copy,) and diff.removed == (SCHOOL,)


def test_rag_changes_wir_2_4():
    """Amber → Green when change has held; a need can also worsen (WIR 2.4, 2.6)."""
    new = replace(OLD, needs=(replace(SCHOOL, rag="G"), replace(GRAN, rag="A")))
    diff = diff_versions(OLD, new)
    assert [(n.key, old, now) for n, old, now in diff.rag_changes] == [
        (SCHOOL.key, "A", "G"), (GRAN.key, "G", "A")]
    assert diff.rag_changes[0][0] is new.needs[0]  # the need as it is now
    assert diff.summary() == ["Amber → Green: “Leo has missed 13 of the last 60 school days.”",
                              "Green → Amber: “Leo sees his grandmother every weekend.”"]


def test_actions_done_since_the_last_version():
    walked = replace(WALK, status="done")
    already = PlanAction("Two evening visits about routines", "Family support worker",
                         date(2026, 11, 20), "done")
    new = replace(OLD, needs=(replace(SCHOOL, actions=(walked, FIGURES, already)), GRAN))
    diff = diff_versions(OLD, new)
    assert diff.actions_done == (walked, already)
    assert diff.actions_added == (already,) and diff.actions_removed == ()
    assert diff.summary() == [
        "Done: “Walk Leo to school each morning” (Mum)",
        "Done: “Two evening visits about routines” (Family support worker)",
        "New action: “Two evening visits about routines” (Family support worker)"]
    # Done in both versions is not news.
    assert diff_versions(new, new).actions_done == ()


def test_actions_not_done_are_not_reported_done():
    new = replace(OLD, needs=(replace(SCHOOL, actions=(replace(WALK, status="not_done"),
                                                       FIGURES)), GRAN))
    assert diff_versions(OLD, new).is_empty


def test_actions_dropped_and_moved_between_needs():
    new = replace(OLD, needs=(replace(SCHOOL, actions=(WALK,)), replace(GRAN, actions=())))
    diff = diff_versions(OLD, new)
    assert diff.actions_removed == (FIGURES,)
    assert diff.summary() == ["Action dropped: “Send the attendance figures every Friday”"]
    moved = replace(OLD, needs=(replace(SCHOOL, actions=(WALK,)),
                                replace(GRAN, actions=(FIGURES,))))
    assert diff_versions(OLD, moved).is_empty


def test_summary_says_no_owner_and_shortens_long_needs():
    long = Need(now="Leo " + "finds mornings very hard and " * 5 + "cries at the gate.",
                actions=(PlanAction("Ask the school for a quiet start"),))
    lines = diff_versions(OLD, replace(OLD, needs=(SCHOOL, GRAN, long))).summary()
    assert lines[0].startswith("Added: “Leo finds mornings very hard")
    assert lines[0].endswith("…” (Amber)") and len(lines[0]) < 90
    assert lines[1] == "New action: “Ask the school for a quiet start” (no owner)"


_need = st.builds(
    Need, now=st.text(max_size=30), rag=st.sampled_from(["R", "A", "G", "x"]),
    actions=st.lists(st.builds(PlanAction, what=st.text(max_size=20), who=st.text(max_size=8),
                               status=st.sampled_from(ACTION_STATUSES)),
                     max_size=3).map(tuple))


@settings(max_examples=150, deadline=None)
@given(st.lists(_need, max_size=4), st.lists(_need, max_size=4), st.data())
def test_diff_never_fails_and_every_change_is_one_summary_line(old, extra, data):
    kept = [replace(n, rag=data.draw(st.sampled_from(["R", "A", "G"])),
                    actions=tuple(replace(a, status=data.draw(st.sampled_from(ACTION_STATUSES)))
                                  for a in n.actions)) for n in old]
    before = PlanVersion(number=1, needs=tuple(old))
    after = PlanVersion(number=2, needs=tuple(kept[: len(kept) // 2] + extra))
    diff = diff_versions(before, after)
    assert len(diff.summary()) == (len(diff.added) + len(diff.removed) + len(diff.rag_changes)
                                   + len(diff.actions_done) + len(diff.actions_added)
                                   + len(diff.actions_removed))
    assert diff.is_empty == (diff.summary() == [])
    assert diff_versions(after, after).is_empty
