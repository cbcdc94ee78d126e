"""Step-down (`S`, WIR 3) and transfer (`T`, BEX 4) on the child's record, by keys: the
form, the manager's decision, the due date, a completion refused with what is missing, the
hand-over to the closure, the multiple-moves prompt blocking the pack, the pack sent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from cintui.casework import cases, transfer
from cintui.store import access
from cintui.store.engine import open_store
from cintui.store.models import Child
from tests.casework.test_endings import ACTOR, MANAGER, add_staff, new_child
from tests.casework.test_transfer import final_meeting, no_plan_stepping_down, with_plan
from tests.conftest import TODAY, connect
from tests.screens.test_child import SIZE, ChildHost, fill, text_of
from tests.screens.test_meeting_safeguards import meetings_tab
from tests.screens.test_shell import press_to, settle, until

HUB = "Exampleton Early Help Hub"


def prepared(path, *, meeting: bool = True) -> str:
    store = open_store(path, None)
    try:
        add_staff(store)
        child_id = new_child(store)
        with_plan(store, child_id)
        if meeting:
            final_meeting(store, child_id, held_on=date(2026, 11, 13))
        with store.read() as session:
            return session.get(Child, child_id).reference
    finally:
        store.close()


def episode_of(path, ref):
    store = open_store(path, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, ref)
            return child.status, cases.current_episode(session, child.id)
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.both_stores
async def test_the_step_down_path_by_keys(demo_store):
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "StepDownScreen"
        # The meeting the form starts from, as the closure screen says it (it said only
        # "No step-down recorded. Press r to record one.").
        assert ("No step-down recorded. Press r to record one (the final meeting of 13 Nov "
                "2026 recommended step down).") in " ".join(
                    text_of(screen, "#ending-state").split())
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "StepDownFormScreen"
        assert "From the final meeting of 13 Nov 2026" in text_of(form, "#form-info")
        assert form.query_one("#unmet").value == "yes"  # still in need (STO 3.3)
        await fill(pilot, "#service", HUB)
        await fill(pilot, "#lead", "Ms Hill (DSL)")
        form.query_one("#conversation").value = "yes"
        await pilot.pause()
        await press_to(pilot, "ctrl+s", screen="StepDownFormScreen")
        assert type(app.screen).__name__ == "StepDownFormScreen"  # notes needed
        assert "note what was said" in text_of(form, "#notes-error")
        await fill(pilot, "#notes", "Hub will hold a TAF meeting")
        await fill(pilot, "#documents", "plan, visits")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        state = " ".join(text_of(screen, "#ending-state").split())
        assert f"Receiving service: {HUB}" in state
        assert "documents that go: the latest cin plan" in state.lower()
        checklist = text_of(screen, "#ending-checklist")
        assert "record the family's consent to the Level 3 service" in checklist
        await pilot.press("a")
        await settle(pilot)
        decide = app.screen
        assert type(decide).__name__ == "EndingDecideFormScreen"
        assert "Warning" not in text_of(decide, "#form-info")  # WIR 3: the meeting was held
        decide.query_one("#by").value = MANAGER
        await fill(pilot, "#rationale", "Needs can be met at Level 3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        state = " ".join(text_of(screen, "#ending-state").split())
        assert "Complete by: 30 Nov 2026 (WIR 3: 5 working days)" in state  # from 23 Nov
        await pilot.press("x")  # refused: the family's consent is missing
        await settle(pilot)
        await press_to(pilot, "ctrl+s", screen="CompleteStepDownFormScreen")
        assert type(app.screen).__name__ == "CompleteStepDownFormScreen"
        assert "cannot complete yet: record the family's consent to the Level 3 service " \
            "(WIR 3)" in text_of(app.screen, "#form-error")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#consent").value = "yes"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        state = " ".join(text_of(screen, "#ending-state").split())
        checklist = text_of(screen, "#ending-checklist")
        assert "Status: completed" in state and "Completed: 23 Nov 2026" in state
        assert "The closure that follows still needs (C, the closure screen)" in checklist
        assert "The family has been told of the closure decision" in checklist
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("C")  # part A's closure screen takes over
        await settle(pilot)
        assert "approved by the manager" in text_of(app.screen, "#closure-state")
    status, episode = episode_of(demo_store, ref)
    assert status == "cin_plan"
    assert (episode.step_down_decided, episode.step_down_completed) == (TODAY, TODAY)


@pytest.mark.slow
async def test_the_transfer_path_by_keys_with_the_multiple_moves_prompt(demo_store):
    ref = prepared(demo_store, meeting=False)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "TransferScreen"
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        await fill(pilot, "#authority", "Exampleshire County Council")
        await fill(pilot, "#contact", "Duty team")
        await fill(pilot, "#move", "16/11/2026")
        form.query_one("#consent").value = "not_sought"
        await fill(pilot, "#moves", "3")
        assert "moved 3 times: consider trafficking and modern slavery" in text_of(
            form, "#form-info")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "BEX 4: record why" in text_of(form, "#reason-error")
        await fill(pilot, "#reason", "Seeking it would alert the father")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        state = " ".join(text_of(screen, "#ending-state").split())
        assert "NOT YET RECORDED" in state
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#by").value = MANAGER
        await fill(pilot, "#rationale", "The family has moved county")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("x")  # refused: trafficking not yet considered
        await settle(pilot)
        await press_to(pilot, "ctrl+s", screen="SentFormScreen")
        assert type(app.screen).__name__ == "SentFormScreen"
        assert "moved 3 times" in text_of(app.screen, "#form-error")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.focused.id == "trafficking"  # what the pack waits for first
        await fill(pilot, "#trafficking", "No indicators; discussed with the MASH")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("x")  # refused: BEX 4's principles for the move not yet recorded
        await until(pilot, lambda: type(app.screen).__name__ == "SentFormScreen")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "how the move affects the child" in text_of(app.screen, "#form-error")
        await pilot.press("escape")
        await settle(pilot)
        assert "The move's impact on the child: NOT YET RECORDED" in " ".join(text_of(
            screen, "#ending-state").split())
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.focused.id == "impact"  # the first thing the pack waits for
        await fill(pilot, "#impact", "Gran's daily help stops; no known risk there")
        await fill(pilot, "#told", "Told Mum on 16 Nov: school place and GP there")
        await fill(pilot, "#gaps", "None known")
        await fill(pilot, "#agencies", "School and GP asked to send their records on")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Pack sent: 23 Nov 2026; closed here (RC5)" in " ".join(
            text_of(screen, "#ending-state").split())
    status, episode = episode_of(demo_store, ref)
    assert status == "closed" and episode.closure_reason == "RC5"


async def test_the_palette_lists_the_records_hidden_keys_and_runs_them(demo_store):
    """The record's footer has no room for D/C/S/T/R: Ctrl+P finds them by name."""
    from tests.screens.test_shell import type_text

    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "transfer to another")
        await pilot.pause(0.5)
        await press_to(pilot, "enter", screen="TransferScreen")
        assert type(app.screen).__name__ == "TransferScreen"


async def test_transfer_in_from_the_palette_imports_the_pack_and_opens_the_child(
        demo_store, tmp_path, new_db):
    """BEX 4, the receiving worker: Ctrl+P → "Transfer-in", a wrong folder is refused with
    the reason and nothing written; the pack's folder creates the child, whose record opens
    with the transfer-in meeting clock running, and whose Meetings tab says who booked a
    meeting there and when (revision 0033: the pack carries it); the minutes came too, so
    the notice says nothing is missing from the pack."""
    from textual.screen import Screen

    from cintui.app import CintuiApp
    from cintui.export.transfer import write_transfer_pack
    from cintui.store import models as m
    from tests.casework.test_transfer_roundtrip import richest_child
    from tests.screens.test_shell import type_text

    store = open_store(demo_store, None)
    try:
        add_staff(store)
        child_id = richest_child(store)
        with store.session("test.worker") as session:
            session.add(m.Meeting(child_id=child_id, kind="review", held_on=date(2026, 11, 10),
                                  status="cancelled", cancelled_reason="The family moved",
                                  booked_by="Wendy Worker",
                                  created_at=datetime(2026, 11, 5, 10, 0, tzinfo=UTC)))
            transfer.record_transfer(session, child_id, transfer.TransferInput(
                receiving_authority="Exampleshire County Council",
                receiving_contact="Duty team", move_date=date(2026, 11, 16),
                consent_to_share="given", moves_count=1),
                on=date(2026, 11, 16), by="Wendy Worker", today=TODAY)
            transfer.decide_transfer(session, child_id, approve=True, rationale="Moved",
                                     on=date(2026, 11, 17), today=TODAY, by=MANAGER,
                                     actor="test.worker")
        with store.read() as session:
            docs = transfer.transfer_documents(session, child_id, TODAY)
            reference = session.get(Child, child_id).reference
    finally:
        store.close()
    write_transfer_pack(docs, tmp_path / "pack")
    receiving = new_db("receiving.db")

    class Receiving(CintuiApp):
        def on_mount(self, event) -> None:
            event.prevent_default()
            self.store = open_store(receiving, None)
            self.push_screen(Screen())

    app = Receiving(access.locate(receiving), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "transfer-in")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "TransferInFormScreen"
        await fill(pilot, "#folder", str(tmp_path))  # not the pack's folder
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "transfer-pack.json" in text_of(form, "#folder-error")
        await fill(pilot, "#folder", str(tmp_path / "pack"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        assert reference in str(app.screen.query_one("#child-header").render())
        said = " ".join(str(n.message) for n in app._notifications)
        assert "hold the transfer-in meeting" in said and "older cintui" not in said, said
        look = open_store(receiving, None)
        try:
            with look.read() as session:
                booked = session.exec(select(m.Meeting).where(m.Meeting.booked_by != "")).one()
                # BEX 4: what was said and decided came too (the pack carries the minutes)
                assert session.exec(select(m.Meeting).where(m.Meeting.minutes != "")).all()
        finally:
            look.close()
        screen = app.screen
        await meetings_tab(pilot, booked.id)
        await settle(pilot)
        assert text_of(screen, "#meeting-detail") == "Booked by Wendy Worker on 5 Nov 2026"
    check = open_store(receiving, None)
    try:
        with check.read() as session:
            (child,) = session.exec(select(m.Child)).all()
            episode = cases.current_episode(session, child.id)
            assert child.reference == reference and episode.moved_in == date(2026, 11, 16)
    finally:
        check.close()


async def test_a_step_down_whose_closure_is_not_ready_is_completed_without_closing(
        demo_store):
    """WIR 3: completing the step-down with the family-told date and a summary closes the
    case too; when the closure is not ready (a draft left, TRA), the refusal says what is
    missing and that the step-down alone can be completed now, which it then is."""
    with connect(demo_store) as conn:
        (reference,) = conn.execute(
            "SELECT c.reference FROM ending e JOIN child c ON c.id = e.child_id "
            "WHERE e.kind = 'step_down' AND e.status = 'approved'").fetchone()
    app = ChildHost(demo_store, reference)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        await fill(pilot, "#told", TODAY.strftime("%d/%m/%Y"))
        await fill(pilot, "#summary", "Needs met; early help carries on")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Not saved" in text_of(form, "#form-error"))
        said = " ".join(text_of(form, "#form-error").split())
        assert "cannot close yet" in said and "draft still unfinished" in said
        assert said.endswith("To complete the step-down now and close the case later (C), "
                             "empty the family-told date and the closure summary.")
        await fill(pilot, "#told", "")
        await fill(pilot, "#summary", "")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert "Status: completed" in " ".join(text_of(screen, "#ending-state").split())
    status, _ = episode_of(demo_store, reference)
    assert status != "closed"  # closed later, on the closure screen


def test_step_down_screen_snapshot(demo_store, snap_compare):
    """The demo's step-down under way at 120x40: the form, the decision, the due date and
    the checklist (demo seed 7, fixed TODAY)."""
    with connect(demo_store) as conn:
        (reference,) = conn.execute(
            "SELECT c.reference FROM ending e JOIN child c ON c.id = e.child_id "
            "WHERE e.kind = 'step_down' AND e.status = 'approved'").fetchone()
    app = ChildHost(demo_store, reference)

    async def ready(pilot) -> None:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        app.sub_title = "UNENCRYPTED STORE · demo.db"
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_a_step_down_form_without_the_receiving_service_is_not_saved_wir_3(
        demo_store, size):
    """WIR 3: the step-down form names the receiving early help service. Saved with it
    empty, the form said nothing and an empty recommendation went to the manager (as
    `stepdown record CHILD` with no options did); now it says so beside the box, keeps the
    form open and records nothing."""
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press_to(pilot, "S", screen="StepDownScreen")
        await press_to(pilot, "r", screen="StepDownFormScreen")
        form = app.screen
        await fill(pilot, "#lead", "Ms Hill (DSL)")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Not saved" in text_of(form, "#form-error"))
        assert app.screen is form
        assert "name the receiving early help service / TAF (WIR 3)" in " ".join(
            text_of(form, "#service-error").split())
        await fill(pilot, "#service", HUB)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "StepDownScreen")
        await settle(pilot)
        assert HUB in " ".join(text_of(app.screen, "#ending-state").split())
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            state = transfer.step_down_state(session, cases.find_child(session, ref).id, TODAY)
        assert state.ending["receiving_service"] == HUB
    finally:
        store.close()


def documents_recorded(path, ref) -> list[str]:
    store = open_store(path, None)
    try:
        with store.read() as session:
            state = transfer.step_down_state(session, cases.find_child(session, ref).id, TODAY)
        return state.ending["documents"]
    finally:
        store.close()


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_a_new_step_down_form_sends_no_cin_plan_when_there_is_none_wir_3(demo_store,
                                                                            size):
    """WIR 3, "which documents transfer": with no CIN plan on record (a step-down from the
    assessment), a new form listed the plan among the documents that go, while the summary
    said "no CIN plan on record". It now offers the assessment, the minutes and the visits;
    "plan" typed in is refused beside the box, and nothing is recorded until it is gone."""
    ref = no_plan_stepping_down(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press_to(pilot, "S", screen="StepDownScreen")
        await press_to(pilot, "r", screen="StepDownFormScreen")
        form = app.screen
        documents = form.query_one("#documents")
        assert documents.value == "assessment, minutes, visits"
        assert getattr(documents, "full_example", documents.placeholder) == \
            "assessment, minutes, visits"
        await fill(pilot, "#service", HUB)
        await fill(pilot, "#documents", "assessment, plan")
        assert " ".join(text_of(form, "#documents-error").split()) == (
            "there is no CIN plan on record to send: choose from assessment, minutes, visits")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Not saved" in text_of(form, "#form-error"))
        assert app.screen is form
        await fill(pilot, "#documents", "assessment, minutes")
        await press_to(pilot, "ctrl+s", screen="StepDownScreen")
        state = " ".join(text_of(app.screen, "#ending-state").split())
        assert "Documents that go: the assessment, no CIN plan on record, the latest " \
            "meeting minutes" in state, state
    assert documents_recorded(demo_store, ref) == ["assessment", "minutes"]


async def test_a_new_step_down_form_with_a_plan_sends_it_wir_3(demo_store):
    """WIR 3: with a CIN plan in force, the plan is among the documents a new form sends."""
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_to(pilot, "S", screen="StepDownScreen")
        await press_to(pilot, "r", screen="StepDownFormScreen")
        assert app.screen.query_one("#documents").value == "assessment, plan, minutes, visits"


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_the_step_down_screen_lists_no_plan_that_does_not_exist_wir_3(demo_store, size):
    """WIR 3: with no CIN plan (a step-down from the assessment), "Documents that go" named
    "the latest CIN plan (the plan in force)"; it now says there is none on record."""
    store = open_store(demo_store, None)
    try:
        add_staff(store)
        child_id = new_child(store)
        final_meeting(store, child_id, held_on=date(2026, 11, 13))
        with store.session(ACTOR) as session:
            transfer.record_step_down(session, child_id, transfer.StepDownInput(
                receiving_service=HUB), on=TODAY, by="Wendy Worker", today=TODAY)
        with store.read() as session:
            ref = session.get(Child, child_id).reference
    finally:
        store.close()
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press_to(pilot, "S", screen="StepDownScreen")
        state = " ".join(text_of(app.screen, "#ending-state").split())
        assert "Documents that go: the assessment, no CIN plan on record, the latest " \
            "meeting minutes" in state, state
        assert "latest CIN plan" not in state


async def test_the_checklist_wraps_under_its_words_at_80_columns(demo_store):
    """BEX 4 on a laptop's 80 columns: a checklist item too long for its line (the
    transfer's "Permission to share ...", "The move's impact ...") goes on under its own
    words, never back under the ✓ / ✗ marks, with its rule's key whole in the margin; the
    details above it read as a form."""
    from tests.screens.test_child import shown_lines

    with connect(demo_store) as conn:
        reference = conn.all("SELECT c.reference FROM ending AS e JOIN child AS c ON "
                             "c.id = e.child_id WHERE e.kind = 'transfer_out' AND "
                             "e.status = 'approved' ORDER BY c.reference LIMIT 1")[0][0]
    app = ChildHost(demo_store, reference)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        await press_to(pilot, "T", screen="TransferScreen")
        lines = shown_lines(app.screen.query_one("#ending-checklist"))
        marks = [i for i, line in enumerate(lines) if line.startswith(("  ✓ done", "  ✗ to do"))]
        assert len(marks) >= 6, lines
        between = [line for line in lines[marks[0]:marks[-1]] if not line.startswith("  ✓")
                   and not line.startswith("  ✗")]
        assert between and all(line.startswith(" " * 10) and line[10] != " "
                               for line in between), between
        # Each item's rule key whole, at the end of its first line ("[WIR" / "3]" once).
        keys = [lines[i].rsplit("[", 1)[-1] for i in marks]
        assert all(key.endswith("]") and key[:3] in ("BEX", "WIR", "TRA") for key in keys), keys
        assert all(lines[i][lines[i].rindex("[") - 1] == " " for i in marks), lines  # apart
        assert not any("[" in line or "]" in line for line in between), between
        # The details read as a form: a question too long for its column wraps in it, and
        # its answer goes on under itself beside it, never back under the questions.
        state = shown_lines(app.screen.query_one("#ending-state"))
        at = next(i for i, line in enumerate(state) if line.startswith("The move's impact"))
        assert state[at][21] == " " and state[at][22] != " ", state
        assert state[at + 1].startswith("the child:") and state[at + 1][22] != " ", state


async def test_the_closure_checklist_beside_an_agreed_step_down_names_completing_it_wir_3(
        demo_store):
    """WIR 3: with the step-down agreed and not yet completed, the checklist under it on C
    began "no manager's decision to close yet", sending the worker to a decision the
    step-down's own agreement stands for. It says completing the step-down approves it."""
    from tests.screens.test_child import shown_lines

    ref, _ = _step_down_ready(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        shown = " ".join(" ".join(  # the item's words, its rule at the right of its first line
            shown_lines(app.screen.query_one("#closure-checklist"))).split()).replace(
                " [TRA; BEX 3; BEX 4]", "")
        assert "no manager's decision" not in shown
        assert (f"the step-down to {HUB} is approved by the manager, and completing it "
                f"approves the closure (S on the record, then x; `cintui stepdown complete "
                f"{ref}`)") in shown


def _step_down_ready(demo_store) -> tuple[str, object]:
    """The prepared child's step-down recommended, recorded and agreed by the manager, not
    yet completed: its reference and id."""
    from tests.casework.test_transfer import ready_step_down

    ref = prepared(demo_store)
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            child_id = cases.find_child(session, ref).id
        ready_step_down(store, child_id)
    finally:
        store.close()
    return ref, child_id


async def test_the_closure_screen_beside_an_agreed_step_down_sends_to_it_wir_3(demo_store):
    """WIR 3, BEX 4: with the step-down agreed and not yet completed, C said "No closure
    recommended. Press r to recommend closure", and r recommended a second closure that
    completing the step-down left waiting for the manager again. Now the screen says what
    closes the case, and r opens nothing."""
    ref, child_id = _step_down_ready(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        screen = app.screen
        state = " ".join(text_of(screen, "#closure-state").split())
        assert (f"No closure to recommend: the step-down to {HUB} is approved by the "
                "manager, and completing it approves the closure (S on the record).") in state
        assert "Press r" not in state and text_of(screen, "#closure-keys") == ""
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen  # no form
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            from cintui.casework import endings

            assert endings.closure_ending(session, child_id) is None
    finally:
        store.close()


async def test_completing_a_step_down_says_what_closes_the_case_next_wir_3(demo_store):
    """WIR 3, BEX 3: the completion form said "(RC9 or RC7)" and "finish it on the closure
    screen (C)": a census code the worker need not weigh, and not how the family is told
    (the letters, which wait for the completion). Now it says the keys that follow."""
    ref, _ = _step_down_ready(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        said = " ".join(text_of(app.screen, "#form-info").split())
    assert "RC9" not in said and "RC7" not in said
    assert said.endswith("else close it on the closure screen (C): the letters (l), the "
                         "family told (t), close (x).")


async def test_the_closure_screen_of_a_case_closed_by_a_transfer_says_where_its_summary_is(
        demo_store, cli):
    """BEX 4, TRA: a case closed by a transfer out (RC5) has no closure record. C on its
    record said "No closure recommended. Press r to recommend closure." (r did nothing: the
    case is closed); it says the transfer closed it, on its day, and where its case summary
    is: the transfer pack (T then o)."""
    from tests.cli.test_transfer_cli import approved_transfer

    ref = prepared(demo_store)
    approved_transfer(cli, demo_store, ref)
    sent = cli("transfer", "sent", ref, "--on", "2026-11-20", "--db", demo_store, "--today",
               TODAY.isoformat())
    assert sent.code == 0, sent.err
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClosureScreen"
        shown = " ".join(text_of(app.screen, "#closure-state").split())
        assert (f"{ref}'s case was closed by a transfer out to Exampleshire County Council on "
                "20 Nov 2026 (RC5), not by a closure: its case summary is in the transfer "
                "pack") in shown, shown
        assert "T then o on the record" in shown
        assert "recommend" not in shown.lower()
        assert app.screen.check_action("summary", ()) is False


EARLY = ("Warning: no final CIN meeting recommending the step-down is on record: hold one, "
         "or a review, with the recommendation to step down (WIR 3: a step-down is a "
         "multi-agency decision at a final CIN meeting); agreed now, it cannot be completed "
         "until then.")


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_agreeing_a_step_down_before_any_final_meeting_warns_on_the_form_wir_3(
        demo_store, size):
    """WIR 3: a step-down is a multi-agency decision at a final CIN meeting. The manager
    agreeing one that no final meeting has recommended yet (the checklist shows the meeting
    still to do) is told so on the decision form, in the line `cintui stepdown decide` says;
    agreeing is warned, not refused (discussed with the line manager first, DOMAIN.md §7),
    and declining needs no warning. The form agreed it with no word."""
    ref = prepared(demo_store, meeting=False)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        await pilot.press("r")
        await settle(pilot)
        await fill(pilot, "#service", HUB)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "no final CIN meeting recommending" in text_of(screen, "#ending-checklist")
        await pilot.press("a")
        await settle(pilot)
        decide = app.screen
        assert type(decide).__name__ == "EndingDecideFormScreen"
        assert " ".join(text_of(decide, "#form-info").split()) == EARLY
        decide.query_one("#outcome").value = "decline"
        await settle(pilot)
        assert text_of(decide, "#form-info").strip() == ""  # declining needs no meeting
        decide.query_one("#outcome").value = "approve"
        await settle(pilot)
        assert " ".join(text_of(decide, "#form-info").split()) == EARLY
        assert decide.query_one("#form-info").region.height > 0  # in view, not scrolled off
        decide.query_one("#by").value = MANAGER
        await fill(pilot, "#rationale", "Agreed with the worker; the final meeting is booked")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # warned, not refused
        assert "Status: approved by the manager" in " ".join(
            text_of(screen, "#ending-state").split())
        # the checklist still shows the meeting to hold before it can be completed
        assert "no final CIN meeting recommending" in text_of(screen, "#ending-checklist")
