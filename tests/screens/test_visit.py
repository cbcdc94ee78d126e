"""Recording a statutory visit by keyboard (issue 4): the WIR 2.11 form, drafts saved as
typed and offered again, finalising with its checks, addenda, the next-visit clock, and
plan actions ticked at a visit.

Synthetic people only: the demo store (seed 7) at the fixed TODAY, with the clock fixed at
14:05 so nothing depends on the real time.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select
from textual import events
from textual.widgets import Checkbox, Input, Select, TextArea

from cintui.casework import cases, plans, visits
from cintui.domain.visit import HEADINGS, TEXT_FIELDS
from cintui.store.models import AuditEntry, Draft, Visit, VisitAddendum
from tests.conftest import TODAY
from tests.screens.test_child import ChildHost, cells, read, text_of
from tests.screens.test_shell import (
    caseload_app,
    post_burst,
    press_to,
    settle,
    type_text,
    until,
    words,
)

SIZE = (120, 40)
NOW = datetime(2026, 11, 23, 14, 5)
BABY = "DEMO00001"  # Priya Kenyon, 19 months; her next visit is overdue
WITH_PLAN = "DEMO00002"  # Maisie Garside, 12, an agreed plan with actions
ROOT = Path(__file__).resolve().parents[2]


class VisitHost(ChildHost):
    def __init__(self, path, reference: str = BABY) -> None:
        super().__init__(path, reference)
        self._now = NOW


async def open_form(pilot) -> None:
    await settle(pilot)
    await pilot.press("v")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "VisitFormScreen")
    assert type(pilot.app.screen).__name__ == "VisitFormScreen"


async def write(pilot, field: str, text: str) -> None:
    area = pilot.app.screen.query_one(f"#{field}", TextArea)
    area.focus()
    await type_text(pilot, text)
    await pilot.pause()


async def tick(pilot, name: str) -> None:
    box = pilot.app.screen.query_one(f"#{name}", Checkbox)
    box.focus()
    await pilot.press("space")
    await pilot.pause()


def drafts_of(path) -> list[dict]:
    """The test worker's drafts (the demo leaves one per demo worker too)."""
    return read(path, workers_drafts)


def workers_drafts(session) -> list[dict]:
    return [json.loads(d.payload) for d in session.exec(
        select(Draft).where(Draft.owner == "test.worker")).all()]


def standard_visit(first: list[tuple[str, str | None]]):
    """WIR 2.11's standard visit as one burst after the keys `first`: a sentence under each
    of the eight headings with Tab between, Ctrl+F, y. Returns (what was said, the keys)."""
    said = {field: f"Under {field} today" for field in TEXT_FIELDS}
    burst = list(first)
    for i, field in enumerate(TEXT_FIELDS):
        if i:
            burst.append(("tab", "\t"))
        burst += words(said[field])
    return said, [*burst, ("ctrl+f", None), ("y", "y")]


def visit_rows(path, reference: str = BABY) -> list[Visit]:
    def get(session):
        child = cases.find_child(session, reference)
        return session.exec(select(Visit).where(Visit.child_id == child.id)
                            .order_by(Visit.visited_at)).all()
    return read(path, get)


def next_visit(path, reference: str = BABY):
    def get(session):
        child = cases.find_child(session, reference)
        return next(d for d in cases.child_deadlines(session, child, TODAY)
                    if d.key == "visit")
    return read(path, get)


# ---------------------------------------------------------------- the form


async def test_the_form_has_the_wir_headings_in_order_with_prompts(demo_store):
    """WIR 2.11: purpose; child's comments; child's welfare; parent's comments; progress under
    health, education, standard of care; analysis. Facts default to now, at home."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        areas = list(screen.query(TextArea))
        assert [a.id for a in areas] == list(TEXT_FIELDS)
        assert [str(a.placeholder) for a in areas] == [h.prompt for h in HEADINGS]
        assert screen.query_one("#when", Input).value == "23/11/2026 14:05"
        assert str(screen.query_one("#kind").value) == "home"
        # Seen alone and bedroom start unticked, in words as well as colour.
        assert str(screen.query_one("#seen_alone", Checkbox).label) == "Seen alone: no"
        assert "Priya Kenyon" in text_of(screen, "#visit-title")
        # Opening the form writes nothing: a draft starts with the first change.
        await pilot.pause(1.2)
        assert drafts_of(demo_store) == []


async def test_fill_and_finalise_resets_the_next_visit_due_everywhere(demo_store):
    """WIR 2.11: a visit where the child was seen alone restarts the 20-working-day clock;
    the child's Summary shows the new due date as soon as the form closes."""
    assert str(next_visit(demo_store).state) == "overdue"
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await write(pilot, "purpose", "Planned visit")
        await write(pilot, "childs_welfare", "Smiling and babbling")
        await write(pilot, "analysis", "Home warm and safe")
        await tick(pilot, "seen_alone")
        await tick(pilot, "bedroom_seen")
        await press_to(pilot, "ctrl+f", screen="ConfirmScreen")
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ChildScreen"
        rows = cells(screen.query_one("#deadlines"))
        visit = next(r for r in rows if r[1] == "Next visit")
        assert visit[0] == "21 Dec 2026"  # 20 working days after Mon 23 Nov 2026
        assert "OVERDUE" not in visit[2]
        # Said as `cintui visit record` says it (casework.visits.next_visit_words).
        assert any(str(n.message).startswith("Visit finalised and locked. Next visit due "
                                             "21 Dec 2026 (within 20 working days")
                   for n in app._notifications)
        await pilot.press("5")
        listed = cells(screen.query_one("#visits-table"))
        assert listed[0][:3] == ["23 Nov 2026", "14:05", "Home"]
        assert listed[0][3:6] == ["✓ yes", "✓ yes", "✓ yes"]
    stored = visit_rows(demo_store)[-1]
    assert (stored.purpose, stored.childs_welfare, stored.analysis) == (
        "Planned visit", "Smiling and babbling", "Home warm and safe")
    assert stored.finalised_at is not None and stored.author_name
    assert drafts_of(demo_store) == []  # the draft became the visit
    assert str(next_visit(demo_store).due) == "2026-12-21"
    audit = read(demo_store, lambda s: s.exec(
        select(AuditEntry).where(AuditEntry.entity == "visit")).all())
    assert any(json.loads(a.changes)["purpose"] == [None, "Planned visit"] for a in audit)


async def test_not_seen_alone_or_bedroom_needs_a_reason_in_analysis(demo_store):
    """WIR 2.11: the child is seen alone and the bedroom seen, or the analysis says why not.
    Nothing is written while a check fails."""
    before = len(visit_rows(demo_store))
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await write(pilot, "purpose", "Planned visit")
        await write(pilot, "analysis", "Calm visit")
        await pilot.press("ctrl+f")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "VisitFormScreen"
        problems = text_of(screen, "#analysis-problem")
        assert "not seen alone" in problems and "bedroom was not seen" in problems
        assert "WIR 2.11" in problems
        assert screen.focused.id == "analysis"
        await write(pilot, "analysis", ". Mum stayed as Priya is 19 months, so not alone. "
                                       "Bedroom not seen: Mum was unwell")
        await press_to(pilot, "ctrl+f", screen="ConfirmScreen")
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(pilot)
    assert len(visit_rows(demo_store)) == before + 1


async def test_a_bedroom_seen_but_not_ticked_is_ticked_from_the_refusal_in_keys(demo_store):
    """WIR 2.11: the worker saw the bedroom but pressed Tab past the box. The refusal says to
    tick it if it was seen, and how: Ctrl+B heading by heading back to Purpose, once more to
    the box still "no", and y; then the visit finalises with no reason to invent."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pilot.press("a", "tab")  # seen alone; Tab past "Bedroom seen"
        await write(pilot, "purpose", "Planned visit")
        await write(pilot, "analysis", "Calm visit")
        await pilot.press("ctrl+f")
        await settle(pilot)
        form = app.screen
        problems = text_of(form, "#analysis-problem")
        assert "bedroom was not seen: if it was, record it" in problems
        assert "Bedroom seen: ctrl+b from Purpose, then y" in problems
        assert "not seen alone" not in problems
        assert form.focused.id == "analysis"
        for _heading in range(5):  # analysis, progress, parent's, welfare, child's: Purpose
            await pilot.press("ctrl+b")
        assert form.focused.id == "purpose"
        await pilot.press("ctrl+b")
        assert form.focused.id == "bedroom_seen"
        await pilot.press("y")
        assert form.query_one("#bedroom_seen", Checkbox).value is True
        await press_to(pilot, "ctrl+f", screen="ConfirmScreen")
        await pilot.press("y")
        await settle(pilot)
    stored = visit_rows(demo_store)[-1]
    assert (stored.seen_alone, stored.bedroom_seen, stored.analysis) == (True, True,
                                                                         "Calm visit")


async def test_dates_in_the_future_or_before_birth_are_refused(demo_store):
    """A visit cannot be recorded before it happened, nor before the child was born."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        await write(pilot, "purpose", "Visit")
        await write(pilot, "analysis", "Seen alone in the bedroom")
        await tick(pilot, "seen_alone")
        await tick(pilot, "bedroom_seen")
        for typed, expected in (("24/11/2026 10:00", "in the future"),
                                ("01/01/2025 10:00", "before the child was born"),
                                ("31/02/2026", "not a date")):
            box = screen.query_one("#when", Input)
            box.value = typed
            await press_to(pilot, "ctrl+f", screen="VisitFormScreen")
            assert type(app.screen).__name__ == "VisitFormScreen"
            assert expected in text_of(screen, "#when-error")
    assert all(v.purpose != "Visit" for v in visit_rows(demo_store))


@pytest.mark.both_stores
async def test_a_visit_where_the_child_was_not_seen_does_not_reset_the_clock(demo_store):
    """WIR 2.11: only a visit where the child was seen counts."""
    due = next_visit(demo_store)
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await tick(pilot, "child_seen")
        assert app.screen.query_one("#seen_alone", Checkbox).disabled
        await write(pilot, "purpose", "Planned visit")
        await write(pilot, "analysis", "No answer at the door; Priya not seen. Visit again "
                                       "tomorrow")
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert visit_rows(demo_store)[-1].child_seen is False
    assert next_visit(demo_store).due == due.due


async def test_the_facts_answer_to_y_and_n(demo_store):
    """Seen, seen alone, bedroom seen: a new visit opens on them, in the order they are
    decided; y says yes and n says no, one key each, and moves to the next (seen alone only
    when the child was seen), then to the first heading. The box says it in words and the
    draft holds it (WIR 2.11; issue "Half the keys")."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        assert "facts: y yes, n no, a seen alone" in text_of(screen, "#status-line")
        assert app.focused.id == "child_seen"
        for key, name, said in (("y", "child_seen", "yes"), ("n", "seen_alone", "no"),
                                ("y", "bedroom_seen", "yes")):
            assert app.focused.id == name
            await pilot.press(key)
            await settle(pilot)
            assert str(screen.query_one(f"#{name}", Checkbox).label).endswith(f": {said}")
        assert app.focused.id == "purpose"
        while app.focused.id != "child_seen":  # back up: n now, and seen alone is skipped
            await pilot.press("shift+tab")
        await pilot.press("n")
        await settle(pilot)
        assert screen.query_one("#seen_alone", Checkbox).disabled
        assert app.focused.id == "bedroom_seen"
        await pilot.press("n")
        await settle(pilot)
        assert str(screen.query_one("#bedroom_seen", Checkbox).label) == "Bedroom seen: no"
        assert app.focused.id == "purpose"
        await type_text(pilot, "Planned visit")
        await pilot.pause(1.5)
        await settle(pilot)
    assert [(d["child_seen"], d["seen_alone"], d["bedroom_seen"])
            for d in drafts_of(demo_store)] == [(False, False, False)]


async def test_a_on_child_seen_records_seen_and_seen_alone_in_one_key(demo_store):
    """WIR 2.11: the child seen, and seen alone, is the usual visit: "a" on "Child seen"
    answers both and moves to the bedroom, so the standard visit's facts take two keys
    (a, y). Anywhere else "a" is only a letter: in a heading it is typed as one."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        assert app.focused.id == "child_seen"
        await pilot.press("a")
        await settle(pilot)
        assert str(screen.query_one("#child_seen", Checkbox).label) == "Child seen: yes"
        alone = screen.query_one("#seen_alone", Checkbox)
        assert not alone.disabled and str(alone.label) == "Seen alone: yes"
        assert app.focused.id == "bedroom_seen"
        await pilot.press("y")
        await settle(pilot)
        assert app.focused.id == "purpose"
        await type_text(pilot, "a planned visit")
        assert screen.query_one("#purpose", TextArea).text == "a planned visit"
        await write(pilot, "analysis", "Priya seen alone in her room; all well")
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    visit = visit_rows(demo_store)[-1]
    assert (visit.child_seen, visit.seen_alone, visit.bedroom_seen) == (True, True, True)


async def test_words_typed_on_a_fact_go_under_the_first_heading_and_answer_nothing(
        demo_store):
    """Nothing typed is lost, and WIR 2.11's facts are answered only by their keys: Tab
    from "Child seen" is "Seen alone", not the purpose, and a sentence typed there lost its
    letters up to the first y ("Statutory"), which answered "Seen alone: yes" unasked, and
    its space ticked the bedroom. Now the first letter that is not a fact's key takes the
    words to the first heading still empty; y and n still answer, a on "Child seen" too."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        form = app.screen
        facts = {name: str(form.query_one(f"#{name}", Checkbox).label)
                 for name in ("child_seen", "seen_alone", "bedroom_seen")}
        post_burst(app, [("tab", None), *words("Statutory visit after school, planned")])
        await settle(pilot)
        assert form.query_one("#purpose", TextArea).text == "Statutory visit after school, planned"
        assert {name: str(form.query_one(f"#{name}", Checkbox).label)
                for name in facts} == facts
        # With the purpose written, a letter typed on a fact ("a" too, off "Child seen")
        # goes to the next heading still empty.
        form.query_one("#bedroom_seen", Checkbox).focus()
        post_burst(app, words("a good week at school, he said"))
        await settle(pilot)
        assert form.query_one("#childs_comments", TextArea).text == "a good week at school, he said"
        assert str(form.query_one("#bedroom_seen", Checkbox).label) == "Bedroom seen: no"


async def test_a_visit_typed_in_one_burst_puts_each_sentence_under_its_heading(demo_store):
    """WIR 2.11: the standard visit as one burst of keys, every key queued before the first
    is handled (a fast typist, a text expander): "y y y", a sentence under each of the
    eight headings with Tab between, Ctrl+F, y. Each sentence is under its own heading (the
    keys after Tab once landed in the heading before), Ctrl+F reads them all, and the "y"
    after it answers the question (it was once typed into the last heading)."""

    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        said, burst = standard_visit([("y", "y")] * 3)
        post_burst(app, burst)
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
    visit = visit_rows(demo_store)[-1]
    assert (visit.child_seen, visit.seen_alone, visit.bedroom_seen) == (True, True, True)
    assert {f: getattr(visit, f) for f in TEXT_FIELDS} == said


async def test_corrections_typed_in_a_burst_are_made_where_they_were_typed(demo_store):
    """Backspace, the arrows and Ctrl+W typed among the letters, faster than the screen
    handles them (a quick typist; a laptop over a slow link): each acts where it was
    typed. Textual acted on a box's own editing keys only after the letters typed behind
    them, so "Mum is tierd Backspace Backspace Backspace red" under a heading came out "Mum
    is tierd", and a word put in with ← ended up at the end."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pilot.press("y", "y", "y")
        area = app.screen.focused
        assert isinstance(area, TextArea)
        post_burst(app, [*words("Mum is tierd"), *[("backspace", None)] * 3, *words("red"),
                         *words(" and low"), *[("left", None)] * 4, *words(" very"),
                         ("end", None), *words(" spare"), ("ctrl+w", None),
                         *words("today")])
        await settle(pilot)
        assert area.text == "Mum is tired and very low today"


async def test_a_name_typed_on_also_there_goes_in_someone_else(demo_store):
    """WIR 2.11, who was there: on the list of the child's people, typing a name (someone
    not on the record) starts "Someone else" beside it; its spaces once ticked and unticked
    the highlighted person and the name was lost. Space on the list still ticks."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        form = app.screen
        listed = form.query_one("#present")
        listed.focus()
        await settle(pilot)
        assert listed.option_count and not listed.selected
        post_burst(app, [*words("Gran Rose, grandmother")])
        await settle(pilot)
        assert form.query_one("#present-other", Input).value == "Gran Rose, grandmother"
        assert not listed.selected
        await pilot.press("shift+tab", "space")
        await settle(pilot)
        assert app.focused is listed and len(listed.selected) == 1
        # Back into the box and on typing: added to, never replaced (its text was selected
        # as it took the focus: the next letter replaced what was there, and a first letter
        # typed on the list, in the box before its focus was handled, was lost).
        await pilot.press("tab")
        post_burst(app, words(" (and her dog)"))
        await settle(pilot)
        assert form.query_one("#present-other", Input).value == \
            "Gran Rose, grandmother (and her dog)"


async def test_tab_from_someone_else_goes_to_the_purpose_and_keeps_every_word(demo_store):
    """Nothing typed is lost: "a", Tab to who was there, a name typed (into "Someone
    else"), Tab, and the purpose typed on, all at once. Tab from "Someone else" stopped on
    the scrolling column of headings itself, where the purpose went nowhere."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        form = app.screen
        post_burst(app, [("a", "a"), ("tab", None), ("tab", None), *words("Gran Rose, gran"),
                         ("tab", None), *words("Planned visit after the review")])
        await settle(pilot)
        assert form.query_one("#present-other", Input).value == "Gran Rose, gran"
        assert form.query_one("#purpose", TextArea).text == "Planned visit after the review"
        await pilot.press("shift+tab")
        assert form.focused is form.query_one("#present-other")  # and back, box to box


async def test_ctrl_n_goes_to_the_next_wir_2_11_heading_past_the_progress_boxes(demo_store):
    """WIR 2.11's six headings, a sentence under each, typed at once: Ctrl+N from the
    health box (the first under "Progress of the CIN plan") goes to the analysis, where
    Tab takes three; Ctrl+B goes back a heading."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        form = app.screen
        await pilot.press("a", "y")  # seen, seen alone; bedroom seen
        burst = []
        for i, text in enumerate(["Planned visit", "Happy at school", "Smiling, chatty",
                                  "Mum: a good week", "Dental check booked"]):
            burst += [*([("tab", "\t")] if i else []), *words(text)]
        post_burst(app, [*burst, ("ctrl+n", None), *words("Plan on track")])
        await settle(pilot)
        texts = {name: form.query_one(f"#{name}", TextArea).text for name in TEXT_FIELDS}
        assert texts == {"purpose": "Planned visit", "childs_comments": "Happy at school",
                         "childs_welfare": "Smiling, chatty",
                         "parents_comments": "Mum: a good week",
                         "health": "Dental check booked", "education": "",
                         "care_and_support": "", "analysis": "Plan on track"}
        await pilot.press("ctrl+b")
        assert app.focused.id == "health"


async def test_a_draft_reopens_at_the_first_empty_heading(demo_store):
    """Carrying on with a draft starts where the writing stopped, not on the facts."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pilot.press("y", "y", "y")
        await type_text(pilot, "Planned visit")
        await pilot.press("tab")
        await type_text(pilot, "Said school is better")
        await pilot.press("escape")
        await settle(pilot)
        await open_form(pilot)
        assert app.focused.id == "childs_welfare"


async def test_a_draft_with_every_heading_written_carries_on_after_its_last_word(demo_store):
    """The battery dies mid-sentence in the analysis (JOURNEYS, Monday 11:00); reopened, the
    words typed next finish that sentence. Every heading written, the draft reopened on the
    purpose with the cursor before its first word: "ool." went to the start of the purpose.
    Any heading gone back to adds after its last word too (WIR 2.11)."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pilot.press("a", "y")  # seen, seen alone; bedroom seen: on to the purpose
        burst = []
        for i, name in enumerate(TEXT_FIELDS):
            burst += [*([("tab", "\t")] if i else []), *words(f"On {name}")]
        post_burst(app, [*burst, *words(" then speak to the sch"), ("escape", None)])
        await settle(pilot)
        await open_form(pilot)
        form = app.screen
        assert app.focused.id == "analysis"
        await type_text(pilot, "ool.")
        await pilot.press("shift+tab")  # back to the standard of care
        await type_text(pilot, ", warm")
        await settle(pilot)
        texts = {name: form.query_one(f"#{name}", TextArea).text for name in TEXT_FIELDS}
        assert texts["analysis"] == "On analysis then speak to the school."
        assert texts["care_and_support"] == "On care_and_support, warm"
        assert texts["purpose"] == "On purpose"


# ---------------------------------------------------------------- drafts


async def test_a_draft_is_saved_as_typed_and_offered_again(demo_store):
    """Nothing typed is lost: the draft reaches the store within about a second, and the
    child's record offers it again (v carries on)."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await write(pilot, "childs_comments", "Wants to see Gran")
        await pilot.pause(1.5)
        await settle(pilot)
        saved = drafts_of(demo_store)
        assert [d["childs_comments"] for d in saved] == ["Wants to see Gran"]
        assert "Draft saved" in text_of(app.screen, "#saved")
        # Draft text is not copied into the audit log; starting the draft is.
        audit = [a for a in read(demo_store, lambda s: s.exec(
            select(AuditEntry).where(AuditEntry.entity == "draft")).all())
            if json.loads(a.changes)["owner"][1] == "test.worker"]
        assert [a.action for a in audit] == ["insert"]
        assert "Gran" not in audit[0].changes
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Your unfinished visit" in text_of(app.screen, "#child-header")
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.query_one("#childs_comments", TextArea).text == "Wants to see Gran"


@pytest.mark.both_stores
async def test_escape_keeps_the_draft_and_x_discards_it(demo_store):
    """Esc keeps the draft, saved at once on close. Typed in one burst ("…written Esc 5"),
    the key after Esc opens the record's Visits tab and is never typed into the draft."""
    from textual import events

    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        app.screen.query_one("#purpose", TextArea).focus()
        burst = [("space", " ") if ch == " " else (ch, ch) for ch in "Half written"]
        for key, character in [*burst, ("escape", None), ("5", "5")]:
            app.post_message(events.Key(key, character))  # all queued before the first
        await until(pilot, lambda: getattr(app.screen, "active_tab", "") == "visits")
        assert [d["purpose"] for d in drafts_of(demo_store)] == ["Half written"]
        rows = cells(app.screen.query_one("#visits-table"))
        assert rows[0][0] == "DRAFT" and rows[0][6] == "test.worker"
        assert "Discard draft" in footer_keys(app)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert drafts_of(demo_store) == []
        assert all(r[6] != "test.worker" for r in cells(app.screen.query_one("#visits-table")))
        # With no draft of yours left, x is not offered: it was, on every child's Visits
        # tab, and said "Choose one of your own draft visits to discard" where there was none.
        assert "Discard draft" not in footer_keys(app)
        assert "Visit" in footer_keys(app)


def footer_keys(app) -> list[str]:
    return [k.description for k in app.screen.query("FooterKey")]


async def test_escape_on_the_open_visit_type_list_closes_the_list_not_the_form(demo_store):
    """Esc closes the form at once (a priority key, so the keys after it never reach the
    draft), except while the visit type's list is open: there it closes the list."""
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        kind = app.screen.query_one("#kind", Select)
        kind.focus()
        await pilot.press("enter")
        await until(pilot, lambda: kind.expanded)
        await pilot.press("escape")
        await settle(pilot)
        assert not kind.expanded and type(app.screen).__name__ == "VisitFormScreen"
        await press_to(pilot, "escape", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"


CRASH_SCRIPT = """
import asyncio, sys
from datetime import datetime
from pathlib import Path
from tests.screens.test_child import ChildHost
from tests.screens.test_shell import settle, type_text, until

async def main():
    app = ChildHost(sys.argv[1], "DEMO00001")
    app._now = datetime(2026, 11, 23, 14, 5)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        app.screen.query_one("#childs_welfare").focus()
        await type_text(pilot, "Tired but smiling")
        print("TYPED", flush=True)
        await asyncio.sleep(120)  # killed long before this ends

asyncio.run(main())
"""


@pytest.mark.both_stores
def test_killing_the_process_mid_draft_loses_nothing_saved_as_typed(demo_store, tmp_path):
    """A visit typed in a real process, never saved: once the store holds the text (saved
    as typed), the process is killed (SIGKILL: no clean-up runs); the text is in the store,
    whole, one draft."""
    from tests.crashing import kill_after_typing

    def welfare(session):
        return [d.get("childs_welfare") for d in workers_drafts(session)]

    kill_after_typing(CRASH_SCRIPT, demo_store, tmp_path,
                      lambda session: welfare(session) == ["Tired but smiling"])
    assert read(demo_store, welfare) == ["Tired but smiling"]


# ---------------------------------------------------------------- addenda


async def test_an_addendum_is_added_under_a_finalised_visit_never_an_edit(demo_store):
    """Corrections are dated, attributed addenda (ICO: amend, don't overwrite); the visit's
    own text is unchanged."""
    app = VisitHost(demo_store, WITH_PLAN)  # a child with visits on the demo store
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        table = app.screen.query_one("#visits-table")
        row = next(i for i, r in enumerate(cells(table)) if r[0] != "DRAFT")
        first = cells(table)[row]
        table.move_cursor(row=row)
        await press_to(pilot, "enter", screen="VisitViewScreen")
        assert type(app.screen).__name__ == "VisitViewScreen"
        body = text_of(app.screen, "#visit-read")
        assert "Purpose of visit" in body and "locked" in body
        await pilot.press("a")
        await settle(pilot)
        # The words and Ctrl+S in one burst, all queued before the first is handled: the
        # save waits for the last word (it once saved "Correction: Dad was al").
        said = "Correction: Dad was also there"
        for key, character in [*[("space" if ch == " " else ch, ch) for ch in said],
                               ("ctrl+s", None)]:
            app.post_message(events.Key(key, character))
        await until(pilot, lambda: type(app.screen).__name__ == "VisitViewScreen")
        await settle(pilot)
        body = text_of(app.screen, "#visit-read")
        assert "Addenda" in body and "Correction: Dad was also there" in body
        assert "23 Nov 2026 14:05, " in body  # dated and attributed
        await pilot.press("escape")
        await settle(pilot)
        again = cells(app.screen.query_one("#visits-table"))[row]
        assert again[:3] == first[:3] and again[7] == str(int(first[7] or 0) + 1)
    added = read(demo_store, lambda s: s.exec(select(VisitAddendum).where(
        VisitAddendum.author_name == "test.worker")).all())
    assert [a.text for a in added] == ["Correction: Dad was also there"]


async def open_a_finalised_visit(pilot) -> None:
    """The Visits tab (5), then Enter on the first finalised visit."""
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    table = pilot.app.screen.query_one("#visits-table")
    table.move_cursor(row=next(i for i, r in enumerate(cells(table)) if r[0] != "DRAFT"))
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.both_stores
async def test_an_empty_addendum_is_refused(demo_store):
    app = VisitHost(demo_store, WITH_PLAN)
    async with app.run_test(size=SIZE) as pilot:
        await open_a_finalised_visit(pilot)
        await pilot.press("a")
        await settle(pilot)
        await press_to(pilot, "ctrl+s", screen="AddendumScreen")
        assert type(app.screen).__name__ == "AddendumScreen"
        assert "Write what the addendum adds" in text_of(app.screen, "#addendum-error")
    assert read(demo_store, lambda s: s.exec(select(VisitAddendum).where(
        VisitAddendum.author_name == "test.worker")).all()) == []


async def test_esc_on_an_addendum_with_words_asks_before_discarding_them(demo_store):
    """Nothing typed is ever lost: Esc on an addendum with words in it asks first; n goes
    back with the words there (one Esc once closed it and they were gone)."""
    app = VisitHost(demo_store, WITH_PLAN)
    async with app.run_test(size=SIZE) as pilot:
        await open_a_finalised_visit(pilot)
        post_burst(app, [("a", "a"), *words("Mum rang: the date was 3 Dec"), ("escape", None)])
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        assert "Addendum to the visit" in text_of(app.screen, "#confirm-message")
        await press_to(pilot, "n", screen="AddendumScreen")
        assert app.screen.query_one("TextArea").text == "Mum rang: the date was 3 Dec"


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_a_long_notice_over_an_addendum_leaves_what_is_typed_and_save_in_view(
        demo_store, size):
    """An addendum written on a laptop's 80x24 and at 120x40 (toasts drawn): a notice of
    six lines comes up while the worker types. It shows over the top of the screen in three
    lines, the third ending in "…", its whole text under the mouse; the box typed in, its
    cursor and Save stay in view and uncovered (at the bottom right it sat over the box and
    Save), and typing goes on into the box."""
    from tests.screens.test_small_terminal import LONG_NOTICE, notices_over, the_long_notice

    app = VisitHost(demo_store, WITH_PLAN)
    async with app.run_test(size=size, notifications=True) as pilot:  # toasts drawn
        await open_a_finalised_visit(pilot)
        await press_to(pilot, "a", screen="AddendumScreen")
        form = app.screen
        await type_text(pilot, "Mum rang: the date was 3 Dec, not 2 Dec, as she said at the "
                        "door. " * 4)
        app.notify(LONG_NOTICE, severity="warning", timeout=10)
        await settle(pilot)
        box = form.query_one("#addendum-text", TextArea)
        assert app.focused is box
        assert notices_over(app, box=box, save=form.query_one("#save")) == []
        notice = the_long_notice(app)
        assert notice is not None and str(notice.render()).endswith("…")
        assert notice.region.height == 3 and notice.tooltip == LONG_NOTICE
        assert not notice.region.contains(*box.cursor_screen_offset)
        await pilot.press("x")  # what is typed goes where it was going
        assert box.text.endswith("door. x")


# ---------------------------------------------------------------- plan actions


@pytest.mark.both_stores
async def test_plan_actions_ticked_at_a_visit_are_recorded_on_the_plan(demo_store):
    """The plan seam: an action progressed at a visit is saved on the agreed plan in force
    when the visit is finalised, and shown with the visit."""
    def first_action(session):
        child = cases.find_child(session, WITH_PLAN)
        return visits.plan_actions(session, child.id)[0]
    before = read(demo_store, first_action)
    app = VisitHost(demo_store, WITH_PLAN)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await press_to(pilot, "ctrl+t", screen="VisitActionsScreen")
        assert type(app.screen).__name__ == "VisitActionsScreen"
        order = (None, "in_progress", "done", "not_done", "not_started")
        wanted = next(s for s in order[1:] if s != before.status)
        for _ in range(order.index(wanted)):
            await pilot.press("space")
        await pilot.press("enter")
        await settle(pilot)
        assert "1 plan action progressed" in text_of(app.screen, "#status-line")
        await write(pilot, "purpose", "Review of the plan")
        await write(pilot, "analysis", "Seen alone in her bedroom")
        await tick(pilot, "seen_alone")
        await tick(pilot, "bedroom_seen")
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    after = read(demo_store, first_action)
    assert after.status == wanted and after.key == before.key
    record = read(demo_store, lambda s: visits.load_visit(
        s, visit_rows(demo_store, WITH_PLAN)[-1].id))
    assert record.progressed and record.progressed[0][0] == before.what
    assert read(demo_store, lambda s: plans.load_version(s, before.version_id).status) \
        == "agreed"  # progress against the agreement, not a new version


async def test_the_second_actions_status_typed_at_once_changes_the_second(demo_store):
    """Ctrl+T, ↓ and Space typed at once: the Space acted as read, before the ↓ had moved
    the cursor, and changed the first action. The arrows now act as read too."""
    app = VisitHost(demo_store, WITH_PLAN)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await press_to(pilot, "ctrl+t", screen="VisitActionsScreen")
        screen = app.screen
        assert len(screen.actions) >= 2
        post_burst(app, [("down", None), ("space", " ")])
        await settle(pilot)
        assert list(screen.progress) == [screen.actions[1].key]


# ---------------------------------------------------------------- from the caseload


async def test_v_on_the_caseload_opens_the_form_for_the_highlighted_child(demo_store):
    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        expected = app.screen.selected_child_id
        await press_to(pilot, "v", screen="VisitFormScreen")
        assert type(app.screen).__name__ == "VisitFormScreen"
        assert app.screen.child_id == expected


async def test_keys_typed_faster_than_the_screens_open_each_reach_their_place(demo_store):
    """WIR 2.11, nothing typed is lost: from the caseload, Enter (the child's record), v (a
    visit), the facts and a sentence under each heading, Ctrl+F and y, all read before the
    record has opened (a fast typist, a text expander). The keys after Enter and after v
    once reached a screen with nothing focused yet, or the caseload's table, and were lost:
    each now waits for the screen it was typed for."""
    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        child_id = app.screen.selected_child_id
        said, burst = standard_visit([("enter", None), ("v", "v"), ("a", "a"), ("y", "y")])
        post_burst(app, burst)
        def visits() -> list[Visit]:
            return read(demo_store, lambda session: session.exec(
                select(Visit).where(Visit.child_id == child_id)
                .order_by(Visit.visited_at)).all())

        before = len(visits())
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen"
                    and len(visits()) > before)
        assert [type(s).__name__ for s in app.screen_stack[-2:]] == ["CaseloadScreen",
                                                                      "ChildScreen"]
        assert app.screen.child_id == child_id
    visit = visits()[-1]
    assert (visit.child_seen, visit.seen_alone, visit.bedroom_seen) == (True, True, True)
    assert {f: getattr(visit, f) for f in TEXT_FIELDS} == said


async def test_a_burst_keeps_its_order_down_then_v_is_the_child_below(demo_store):
    """WIR 2.11: "↓ v" typed faster than the table moves is a visit for the child below,
    never the one above: every key of the caseload acts as read, its table's arrows too
    (the opening keys alone acting as read once put v before the ↓ typed ahead of it)."""

    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#children")
        second = table.rows[1].id
        post_burst(app, [("down", None), ("v", "v")])
        await until(pilot, lambda: type(app.screen).__name__ == "VisitFormScreen")
        assert app.screen.child_id == second


async def test_a_filter_typed_then_enter_and_v_is_a_visit_for_the_child_found(demo_store):
    """"/ name Enter v", typed faster than the filter applies, is a visit for the child the
    filter finds, never for the one highlighted before it: Enter waits for the letters
    typed before it to reach the filter, and the keys after it for the rows."""

    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.screen.query_one("#children").rows
        wanted = rows[-1]
        assert rows[0].id != wanted.id
        post_burst(app, [("slash", "/"), *words(wanted.name.split()[0].lower()),
                         ("enter", None), ("v", "v")])
        await until(pilot, lambda: type(app.screen).__name__ == "VisitFormScreen")
        assert app.screen.child_id == wanted.id


async def test_on_a_record_a_burst_keeps_its_order_down_then_e_edits_the_person_below(
        demo_store):
    """The same on a child's record: "2 ↓ e" typed at once is the People tab, the second
    person, and the form to edit them, not the first."""

    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        record = app.screen
        post_burst(app, [("2", "2"), ("down", None), ("e", "e")])
        await until(pilot, lambda: type(app.screen).__name__ == "PersonFormScreen")
        people = record.query_one("#people-table")
        assert people.cursor_row == 1
        second = people.coordinate_to_cell_key((1, 0)).row_key.value
        assert str(app.screen.person.person_id) == str(second)


async def test_letters_typed_in_the_caseload_filter_are_typed_not_keys(demo_store):
    """v, p and n open a visit, a plan and a new child as soon as they are read, but not
    while the filter is being typed in: "vip" there is a search."""
    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "v", "i", "p", "n")
        await settle(pilot)
        assert type(app.screen).__name__ == "CaseloadScreen"
        assert app.screen.query_one("#filter", Input).value == "vipn"


def test_the_visit_form_snapshot(demo_store, snap_compare):
    async def run_before(pilot) -> None:
        await open_form(pilot)
        await write(pilot, "purpose", "Planned statutory visit")
        await pilot.pause(1.3)  # the autosave's timer has run: the saved line is stable
        pilot.app.screen.saver.flush()
        for area in pilot.app.screen.query(TextArea):  # a blinking cursor is not a change
            area.cursor_blink = False
        await settle(pilot)

    assert snap_compare(VisitHost(demo_store), terminal_size=SIZE, run_before=run_before)


def test_the_visit_form_snapshot_at_80x24(demo_store, snap_compare):
    """A laptop terminal: the facts and the headings fit the width; the rest scrolls."""
    async def run_before(pilot) -> None:
        await open_form(pilot)
        await pilot.pause(1.3)  # the autosave's timer has run: the saved line is stable
        pilot.app.screen.saver.flush()
        for area in pilot.app.screen.query(TextArea):  # a blinking cursor is not a change
            area.cursor_blink = False
        await settle(pilot)

    assert snap_compare(VisitHost(demo_store), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_the_visit_facts_are_whole_at_every_width(demo_store, width):
    """Child seen, seen alone and bedroom seen are read whole at any width: beside the date
    and type where they fit, under them where they do not (at 100 columns "Bedroom seen"
    was cut off at the edge)."""
    app = VisitHost(demo_store)
    async with app.run_test(size=(width, 30)) as pilot:
        await open_form(pilot)
        await settle(pilot)
        facts = list(app.screen.query("YesNo"))
        assert len(facts) == 3
        assert all(box.region.right <= width - 1 for box in facts)
        assert "Bedroom seen" in str(facts[-1].render())


async def test_ctrl_e_writes_a_heading_in_your_own_editor_and_the_draft_keeps_it(
        demo_store, tmp_path, monkeypatch):
    """Ctrl+E in a heading's box: the app saves the draft, hands the text to $EDITOR
    (here a script that adds a sentence), and the box and then the draft hold what the
    editor wrote (issue "Half the keys": write in your own editor)."""
    script = tmp_path / "editor.py"
    script.write_text("import sys\np = sys.argv[1]\ntext = open(p).read()\n"
                      "open(p, 'w').write(text + ' She showed me her room.\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pilot.press("y", "y", "y")
        assert app.focused.id == "purpose"
        await type_text(pilot, "Planned visit.")
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert app.screen.query_one("#purpose", TextArea).text == (
            "Planned visit. She showed me her room.")
        await pilot.pause(1.5)
        await settle(pilot)
    assert [d["purpose"] for d in drafts_of(demo_store)] == [
        "Planned visit. She showed me her room."]
    assert not list((tmp_path / "data" / "editing").glob("*"))  # the hand-over file is gone


async def test_ctrl_e_outside_a_text_box_says_where_it_works(demo_store):
    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        assert app.focused.id == "child_seen"
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert "move into one first" in " ".join(str(n.message) for n in app._notifications)




# ---------------------------------------------------------------- a closed case (TRA, BEX 3)


def closed_child(path) -> str:
    """A child whose case closed on 16 Nov 2026 through the closure path: its reference."""
    from cintui.store.engine import open_store
    from tests.casework.test_after_closure import closed_child as close_one
    from tests.casework.test_endings import add_staff

    store = open_store(path, None)
    try:
        add_staff(store)
        return close_one(store)[1]
    finally:
        store.close()


async def fill_visit(pilot) -> None:
    await write(pilot, "purpose", "Check-in after the move")
    await write(pilot, "analysis", "Settled; seen alone in her bedroom")
    await tick(pilot, "seen_alone")
    await tick(pilot, "bedroom_seen")


@pytest.mark.both_stores
async def test_tra_bex_3_a_visit_after_the_closure_is_refused_beside_the_date_and_kept(
        demo_store):
    """The form says the case is closed; Ctrl+F on a visit dated after the closure (WIR 2.11
    visits; TRA, BEX 3 closure) shows the refusal under When, asks nothing, writes no visit
    and keeps the draft; the same visit dated on the closure day (typed late) is finalised."""
    reference = closed_child(demo_store)
    app = VisitHost(demo_store, reference)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        assert "case closed 16 Nov 2026" in text_of(screen, "#visit-title")
        await fill_visit(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert type(app.screen).__name__ == "VisitFormScreen"  # no "Finalise?" asked
        said = " ".join(text_of(screen, "#when-error").split())
        assert said == (f"⚠ {reference}'s case closed on 16 Nov 2026: a visit on 23 Nov 2026 "
                        "needs the case open again (re-referral: `cintui child rerefer "
                        f"{reference} --date DATE --source SOURCE`, or R on the record, or "
                        "Ctrl+P → re-refer)")
        assert screen.focused is screen.query_one("#when", Input)
        await until(pilot, lambda: drafts_of(demo_store))
        assert [d["purpose"] for d in drafts_of(demo_store)] == ["Check-in after the move"]
        assert [v.visited_at.day for v in visit_rows(demo_store, reference)] == [10]
        # Late recording of the visit made on the closure day is normal.
        screen.query_one("#when", Input).value = "16/11/2026 11:00"
        await press_to(pilot, "ctrl+f", screen="ConfirmScreen")
        await press_to(pilot, "y", screen="ChildScreen")
    assert [v.visited_at.day for v in visit_rows(demo_store, reference)] == [10, 16]
    assert drafts_of(demo_store) == []


async def test_tra_bex_3_a_blank_visit_after_the_closure_is_told_the_closure_first(
        demo_store):
    """TRA, BEX 3: nothing else matters on a closed case. Ctrl+F on a blank visit dated after
    the closure listed the purpose, the analysis and the child seen alone first, and the
    closure only once they were written; it says the closure beside When, alone."""
    reference = closed_child(demo_store)
    app = VisitHost(demo_store, reference)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert type(app.screen).__name__ == "VisitFormScreen"
        said = " ".join(text_of(screen, "#when-error").split())
        assert said.startswith(f"⚠ {reference}'s case closed on 16 Nov 2026: a visit on 23 "
                               "Nov 2026 needs the case open again"), said
        assert "⚠" not in said[1:]  # the closure alone beside When
        for h in HEADINGS:
            assert "⚠" not in text_of(screen, f"#{h.field}-problem"), h.field
    assert [v.visited_at.day for v in visit_rows(demo_store, reference)] == [10]


async def test_a_case_closed_while_the_visit_was_typed_refuses_it_beside_the_date(demo_store):
    """On a team server a manager may close the case while the worker types: the store's own
    check (TRA, BEX 3) refuses the visit after the confirmation, shown under When, and the
    draft stays for the worker to date or to keep until a re-referral."""
    from datetime import date

    from cintui.store.models import Episode

    app = VisitHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        await fill_visit(pilot)

        def close_it(session):
            child = cases.find_child(session, BABY)
            episode = cases.current_episode(session, child.id)
            row = session.get(Episode, episode.id)
            row.closure_date, row.closure_reason = date(2026, 11, 20), "RC1"

        from cintui.store.engine import open_store
        store = open_store(demo_store, None)
        with store.session("test.worker") as session:
            close_it(session)
        store.close()
        await press_to(pilot, "ctrl+f", screen="ConfirmScreen")
        await pilot.press("y")
        await until(pilot, lambda: "closed on 20 Nov 2026" in text_of(screen, "#when-error"))
        assert type(app.screen).__name__ == "VisitFormScreen"
        assert "a visit on 23 Nov 2026 needs the case open again" in " ".join(
            text_of(screen, "#when-error").split())
    assert [d["purpose"] for d in drafts_of(demo_store)] == ["Check-in after the move"]
    assert all(v.purpose != "Check-in after the move" for v in visit_rows(demo_store))


async def test_at_80x24_a_notice_is_never_over_the_box_being_typed_in(demo_store):
    """A visit typed up on a laptop's 80x24 (WIR 2.11): a notice, such as the warning that
    someone changed the child's record while the visit was open (10 seconds), sits at the
    bottom right while the cursor is high on the screen (the date), and over the top of the
    screen while it is low (the analysis, at the foot of the sections): it sat at the bottom
    right over the box typed in."""
    from textual.widgets._toast import Toast

    app = VisitHost(demo_store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # toasts drawn
        await open_form(pilot)
        form = app.screen
        for box in ("when", "analysis"):
            if box == "when":
                form.query_one("#when").focus()
                await settle(pilot)
            else:
                await write(pilot, box, "Home warm and safe; Kit showed me his room. " * 3)
            app.notify("Updated: someone recorded a visit to this child while this was open: "
                       "what you typed stays; saving checks for a clash with it.",
                       severity="warning", timeout=10)
            await settle(pilot)
            typed = app.focused
            assert typed is form.query_one(f"#{box}") and typed.region.area
            cursor = typed.cursor_screen_offset
            assert form.region.contains(*cursor) and typed.region.contains(*cursor)
            toasts = list(form.query(Toast))
            assert toasts and not any(toast.region.contains(*cursor) for toast in toasts)
            assert not any(toast.region.overlaps(typed.region) for toast in toasts), box
            above = box == "analysis"  # the cursor in the screen's lower half
            assert all((toast.region.bottom <= typed.region.y) == above for toast in toasts)
            app.clear_notifications()
            await settle(pilot)
