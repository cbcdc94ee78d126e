"""Step-down (WIR 3), transfer out (BEX 4) and transfer-in in the store: the paths, their
clocks on the due list, what blocks them, and the packs re-read.

Synthetic people only. Each test adds its own child and managers to the demo store.
"""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime

import pytest
from docx import Document
from pypdf import PdfReader
from sqlmodel import select

from cintui.casework import cases, due, endings, plans, record, transfer
from cintui.casework.caseload import reading
from cintui.domain.plan import Need, PlanAction, PlanVersion, Service
from cintui.export.transfer import write_step_down, write_transfer_pack
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.casework.test_endings import ACTOR, MANAGER, WORKER, add_staff, new_child
from tests.conftest import TODAY

HUB = "Exampleton Early Help Hub"
COUNTY = "Exampleshire County Council"


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    add_staff(s)
    yield s
    s.close()


def with_plan(store, child_id) -> None:
    """An agreed plan: two needs (Amber, Green), one action still to do, one done."""
    with store.session(ACTOR) as session:
        vid = plans.start_version(session, child_id, date(2026, 4, 1), by="Wendy Worker")
        plans.save_draft(session, vid, PlanVersion(
            number=1, status="draft", created_on=date(2026, 4, 1),
            objectives="Sam is safe, settled and at school every day",
            lead_professional="Wendy Worker", services=(Service("Family support", "Routines"),),
            needs=(
                Need("Sam misses school most Mondays", "Attendance above 95% for a term",
                     (PlanAction("Walk Sam to school on Mondays", "Layla Endingtest",
                                 date(2026, 12, 18)),
                      PlanAction("Attendance report", "Ms Hill", date(2026, 10, 1),
                                 status="done")), rag="A"),
                Need("Sam has a warm bond with his grandmother", "It continues", rag="G",
                     kind="strength"))), date(2026, 4, 1), by="Wendy Worker")
        plans.agree_version(session, vid, date(2026, 4, 1), agreed_at="Initial CIN meeting")


def final_meeting(store, child_id, *, recommendation="step_down", still_in_need=True,
                  held_on=date(2026, 11, 13), kind="final") -> None:
    with store.session(ACTOR) as session:
        session.add(m.Meeting(child_id=child_id, kind=kind, held_on=held_on, held=True,
                              status="held", chair="Chris Chair",
                              starts_at=datetime(2026, 11, 13, 10, 0, tzinfo=UTC),
                              recommendation=recommendation, still_in_need=still_in_need))


def no_plan_stepping_down(path) -> str:
    """A child stepping down from the assessment, in the store at `path`: a final meeting,
    no CIN plan (WIR 3); its reference."""
    store = open_store(path, None)
    try:
        add_staff(store)
        child_id = new_child(store)
        final_meeting(store, child_id)
        with store.read() as session:
            return session.get(m.Child, child_id).reference
    finally:
        store.close()


def visit(store, child_id, at=datetime(2026, 10, 20, 9, 30, tzinfo=UTC)) -> None:
    with store.session(ACTOR) as session:
        session.add(m.Visit(child_id=child_id, visited_at=at, kind="home", child_seen=True,
                            seen_alone=True, author_name="Wendy Worker",
                            purpose="Statutory visit", analysis="Settled"))


def ready_step_down(store, child_id, *, decided=date(2026, 11, 16),
                    lead: str = "Ms Hill (DSL)") -> None:
    with store.session(ACTOR) as session:
        has_plan = plans.current_version_id(session, child_id) is not None  # WIR 3: its plan
        transfer.record_step_down(session, child_id, transfer.StepDownInput(  # goes, if any
            receiving_service=HUB, lead_professional=lead,
            lead_contact="hill@example.org", conversation_held=True,
            conversation_notes="Spoke with the hub's coordinator", family_consent=True,
            documents=("plan", "minutes", "visits")[0 if has_plan else 1:]),
            on=date(2026, 11, 13),
            by="Wendy Worker", today=TODAY)
        transfer.decide_step_down(session, child_id, approve=True,
                                  rationale="Needs now met at Level 3 with TAF support",
                                  on=decided, today=TODAY, by=MANAGER, actor=ACTOR)


def due_keys(store, child_id) -> dict[str, date]:
    with store.read() as session:
        ref = session.get(m.Child, child_id).reference
    with reading(store) as rows:
        items = due.load_items(rows, TODAY)
    return {i.key: i.due for i in items if i.child.reference == ref}


def summary_keys(store, child_id) -> dict[str, date]:
    with store.read() as session:
        return {d.key: d.due for d in record.child_summary(session, child_id, TODAY).deadlines}


# ---------------------------------------------------------------- step-down (WIR 3)


def test_step_down_path_is_due_in_five_working_days_until_done(store):
    child_id = new_child(store)
    with_plan(store, child_id)
    final_meeting(store, child_id)
    ready_step_down(store, child_id)
    with store.read() as session:
        state = transfer.step_down_state(session, child_id, TODAY)
        episode = cases.current_episode(session, child_id)
        facts = endings.list_decisions(session, child_id)
    # WIR 3: 5 working days from Mon 16 Nov 2026 is Mon 23 Nov 2026.
    assert state.due == date(2026, 11, 23)
    assert episode.step_down_decided == date(2026, 11, 16)
    assert state.ending["unmet_need"] is True  # the final meeting: still in need (STO 3.3)
    assert facts[-1].kind == "step_down" and facts[-1].decision == f"Step-down to {HUB} agreed"
    assert due_keys(store, child_id)["step_down"] == date(2026, 11, 23)
    assert summary_keys(store, child_id)["step_down"] == date(2026, 11, 23)  # the Summary tab
    with store.session(ACTOR) as session:
        transfer.complete_step_down(session, child_id, on=date(2026, 11, 20), today=TODAY)
    assert "step_down" not in due_keys(store, child_id)
    assert "step_down" not in summary_keys(store, child_id)
    with store.read() as session:
        state = transfer.step_down_state(session, child_id, TODAY)
        closing = endings.closure_ending(session, child_id)
        episode = cases.current_episode(session, child_id)
    assert episode.step_down_completed == date(2026, 11, 20)
    # The closure follows, approved with the step-down decision: RC7 after a CIN plan.
    assert (closing.status, closing.closure_reason, closing.unmet_need) == (
        "approved", "RC7", True)
    assert episode.closure_decided == date(2026, 11, 16)
    assert [i.key for i in state.remaining] == ["family_told", "summary"]


def stepped_down_and_closed(store, lead: str = "Ms Hill (DSL)") -> object:
    """Sam (8), not still in need at the final meeting, stepped down and closed at once."""
    child_id = new_child(store)
    final_meeting(store, child_id, still_in_need=False)
    ready_step_down(store, child_id, lead=lead)
    with store.session(ACTOR) as session:
        transfer.complete_step_down(session, child_id, on=date(2026, 11, 20), today=TODAY,
                                    family_told_on=date(2026, 11, 19),
                                    summary="Stepped down to the hub; TAF plan agreed.")
    return child_id


def test_completing_with_the_family_told_and_a_summary_closes_the_case(store):
    child_id = stepped_down_and_closed(store)
    with store.read() as session:
        child = session.get(m.Child, child_id)
        episode = cases.current_episode(session, child_id)
    assert child.status == "closed"
    # new_child puts the child on a plan: RC7; not still in need: no unmet need (STO 3.3).
    assert (episode.closure_reason, episode.unmet_need_stepped_down) == ("RC7", False)
    assert episode.closure_date == date(2026, 11, 20)


def test_wir_3_the_closure_letters_after_a_step_down_say_who_helps_now(store):
    """TRA: the family need not tell their story again. The letters that close a case
    stepped down name the service and the lead professional who take over, and how to
    reach them, in each reader's words; a letter to the child no longer calls them "the
    child". They said only that the help had finished."""
    from cintui.export import endings as letters_export

    child_id = stepped_down_and_closed(store)
    with store.read() as session:
        ctx = endings.letter_context(session, child_id, TODAY)
    by_audience = {}
    for letter in letters_export.letters(ctx):
        by_audience.setdefault(letter.recipient.audience, " ".join(letter.paragraphs))
    assert (f"From now on, Ms Hill (DSL) from {HUB} will support you and Sam. You can "
            "reach them on hill@example.org.") in by_audience["parent"]
    assert f"From now on, Ms Hill (DSL) from {HUB} will help you and your family." \
        in by_audience["child"]
    assert "the child is" not in by_audience["child"]
    assert (f"The case steps down to {HUB}; the lead professional for the Team Around the "
            "Family is Ms Hill (DSL) (hill@example.org).") in by_audience["professional"]
    # TRA: closure letters to all professionals; the lead professional is one of the
    # child's People here (Ms Hill, the class teacher): one letter to her, not two.
    assert [r.name for r in ctx.recipients if r.audience == "professional"] == [
        "Dr Ames", "Ms Hill"]


def test_the_lead_professional_taking_the_family_on_gets_a_closure_letter_wir_3(store):
    """TRA (all professionals), WIR 3: a lead professional from early help, who is not among
    the child's People, had no letter: only those on the People tab were written to."""
    from cintui.export import endings as letters_export

    child_id = stepped_down_and_closed(store, lead="Jane Smith")
    with store.read() as session:
        ctx = endings.letter_context(session, child_id, TODAY)
    to = {letter.recipient.name: letter for letter in letters_export.letters(ctx)}
    assert [name for name, letter in to.items()
            if letter.recipient.audience == "professional"] == ["Dr Ames", "Ms Hill", "Jane Smith"]
    assert to["Jane Smith"].recipient.role == f"Lead professional ({HUB})"


def test_no_final_meeting_or_no_family_consent_blocks_completion(store):
    child_id = new_child(store)
    with store.session(ACTOR) as session:
        transfer.record_step_down(session, child_id, transfer.StepDownInput(
            receiving_service=HUB, lead_professional="Ms Hill", conversation_held=False,
            family_consent=False, documents=("minutes",)), on=date(2026, 11, 13), by="W",
            today=TODAY)
        transfer.decide_step_down(session, child_id, approve=True, rationale="Level 3",
                                  on=date(2026, 11, 16), today=TODAY, by=MANAGER, actor=ACTOR)
    with pytest.raises(endings.EndingError) as err, store.session(ACTOR) as session:
        transfer.complete_step_down(session, child_id, on=date(2026, 11, 20), today=TODAY)
    assert "no final CIN meeting" in str(err.value) and "voluntary" in str(err.value)
    with store.read() as session:
        assert cases.current_episode(session, child_id).step_down_completed is None


def test_wir_3_a_review_recommending_step_down_after_the_form_is_the_final_meeting(store):
    """The step-down form filled in as the receiving team is lined up, then the review that
    recommends it (booked as a review: DOMAIN.md §7, "review recommends"). That review is
    the final CIN meeting: the checklist, the completion and the pack name it. The
    checklist once said no final meeting had recommended the step-down."""
    child_id = new_child(store)
    ready_step_down(store, child_id)
    with store.read() as session:
        checks = {i.key: i.met for i in transfer.step_down_checklist(session, child_id,
                                                                      TODAY)}
    assert checks["meeting"] is False
    final_meeting(store, child_id, kind="review", still_in_need=False,
                  held_on=date(2026, 11, 17))
    with store.read() as session:
        checks = {i.key: i.met for i in transfer.step_down_checklist(session, child_id,
                                                                      TODAY)}
        pack = transfer.step_down_pack(session, child_id, TODAY)
    assert checks["meeting"] is True
    assert pack.why[0] == "Recommended at the final CIN meeting on 17 November 2026."
    with store.session(ACTOR) as session:
        transfer.complete_step_down(session, child_id, on=date(2026, 11, 20), today=TODAY)
    with store.read() as session:
        ending = transfer.latest_ending(session, child_id, "step_down")
        meeting = session.get(m.Meeting, ending.meeting_id)
        closing = endings.closure_ending(session, child_id)
    assert (meeting.kind, meeting.held_on) == ("review", date(2026, 11, 17))
    assert closing.meeting_id == meeting.id


def test_only_a_manager_agrees_a_step_down_and_with_a_rationale(store):
    child_id = new_child(store)
    final_meeting(store, child_id)
    with store.session(ACTOR) as session:
        transfer.record_step_down(session, child_id, transfer.StepDownInput(receiving_service=HUB),
                                  on=date(2026, 11, 13), by="W", today=TODAY)
    with pytest.raises(endings.EndingError, match="team manager or service manager"), \
            store.session(ACTOR) as session:
        transfer.decide_step_down(session, child_id, approve=True, rationale="ok",
                                  on=TODAY, today=TODAY, by=WORKER, actor=ACTOR)
    with pytest.raises(endings.EndingError, match="BEX 4"), store.session(ACTOR) as session:
        transfer.decide_step_down(session, child_id, approve=True, rationale=" ",
                                  on=TODAY, today=TODAY, by=MANAGER, actor=ACTOR)


def test_unknown_document_is_refused_in_a_workers_words(store):
    child_id = new_child(store)
    with pytest.raises(endings.EndingError, match="'letters' is not a document"), \
            store.session(ACTOR) as session:
        transfer.record_step_down(session, child_id, transfer.StepDownInput(
            documents=("letters",)), on=TODAY, by="W", today=TODAY)


def test_step_down_pack_reads_back_in_every_format(store, tmp_path):
    child_id = new_child(store)
    with_plan(store, child_id)
    final_meeting(store, child_id)
    visit(store, child_id)
    ready_step_down(store, child_id)
    with store.read() as session:
        doc = transfer.step_down_pack(session, child_id, TODAY)
    for fmt in ("md", "docx", "pdf", "json"):
        write_step_down(doc, tmp_path / f"pack.{fmt}", fmt)
        assert stat.S_IMODE((tmp_path / f"pack.{fmt}").stat().st_mode) == 0o600
    md = (tmp_path / "pack.md").read_text()
    docx_text = "\n".join(p.text for p in Document(tmp_path / "pack.docx").paragraphs)
    pdf_text = "".join(p.extract_text() for p in PdfReader(tmp_path / "pack.pdf").pages)
    for text in (md, docx_text, pdf_text.replace("\n", " ")):
        assert f"Receiving service: {HUB}" in text
        assert "Lead professional: Ms Hill (DSL) (hill@example.org)" in text
        assert "Amber (A): Sam misses school most Mondays" in text
        assert "Walk Sam to school on Mondays" in text
        assert "Attendance report" not in text  # done: not "still to do"
        assert "Needs now met at Level 3 with TAF support" in text
        assert "The latest CIN plan (the plan in force)" in text
        assert "1 visit on 20 October 2026" in text  # the family reads it: days in full
    data = json.loads((tmp_path / "pack.json").read_text())
    assert data["step_down"]["documents"] == ["plan", "minutes", "visits"]
    assert [n["rag"] for n in data["plan"]["needs"]] == ["A", "G"]


# ---------------------------------------------------------------- transfer (BEX 4)


# BEX 4's principles, as a worker records them.
PRACTICE = dict(
    move_impact="Gran's daily help stops; no known risk from anyone in the new area",
    responsibilities_told="Told Mum at the visit on 12 Nov: school place and GP there",
    service_gaps="None known: the county runs the same family support",
    agencies_asked="School and GP asked to send their records on")


def record_move(store, child_id, **kw) -> None:
    values = dict(receiving_authority=COUNTY, receiving_contact="Duty team 01234 567890",
                  move_date=date(2026, 11, 16), consent_to_share="given", moves_count=1,
                  **PRACTICE)
    values.update(kw)
    with store.session(ACTOR) as session:
        transfer.record_transfer(session, child_id, transfer.TransferInput(**values),
                                 on=date(2026, 11, 16), by="Wendy Worker", today=TODAY)


def agree_move(store, child_id) -> None:
    with store.session(ACTOR) as session:
        transfer.decide_transfer(session, child_id, approve=True, rationale="Family moved",
                                 on=date(2026, 11, 17), today=TODAY, by=MANAGER, actor=ACTOR)


def test_transfer_path_closes_the_episode_with_rc5(store):
    child_id = new_child(store)
    record_move(store, child_id)
    agree_move(store, child_id)
    with store.session(ACTOR) as session:
        transfer.mark_sent(session, child_id, on=date(2026, 11, 20), today=TODAY)
    with store.read() as session:
        child = session.get(m.Child, child_id)
        episode = cases.current_episode(session, child_id)
        decisions = endings.list_decisions(session, child_id)
        chronology = record.chronology(session, child_id, TODAY)
    assert child.status == "closed"
    assert (episode.closure_date, episode.closure_reason) == (date(2026, 11, 20), "RC5")
    assert decisions[-1].decision == f"Transfer to {COUNTY} agreed"
    assert any(e.kind == "decision" and COUNTY in e.summary for e in chronology)


def test_multiple_moves_block_sending_until_trafficking_is_considered(store):
    child_id = new_child(store)
    record_move(store, child_id, moves_count=3)
    agree_move(store, child_id)
    with pytest.raises(endings.EndingError, match="moved 3 times.*trafficking"), \
            store.session(ACTOR) as session:
        transfer.mark_sent(session, child_id, on=date(2026, 11, 20), today=TODAY)
    record_move(store, child_id, trafficking_considered="No indicators; discussed with MASH")
    with store.session(ACTOR) as session:
        transfer.mark_sent(session, child_id, on=date(2026, 11, 20), today=TODAY)


def test_the_pack_goes_only_once_bex_4s_principles_for_the_move_are_recorded(store):
    """BEX 4, a child in need moving away: the move's impact on the child assessed, the
    parents told to register the child with a school and a GP there, gaps in the new area's
    services noted, the other agencies asked to pass their records to their counterparts.
    Each missing one is named, and the pack cannot be marked sent until all are there."""
    child_id = new_child(store)
    record_move(store, child_id, **{k: "" for k in PRACTICE})
    agree_move(store, child_id)
    with store.read() as session:
        left = [i.key for i in transfer.transfer_checklist(session, child_id, TODAY) if not i.met]
    assert left == ["impact", "responsibilities", "gaps", "agencies"]
    with pytest.raises(endings.EndingError, match="how the move affects the child"), \
            store.session(ACTOR) as session:
        transfer.mark_sent(session, child_id, on=date(2026, 11, 20), today=TODAY)
    for name, words in PRACTICE.items():
        record_move(store, child_id, **{name: words})
    with store.session(ACTOR) as session:
        transfer.mark_sent(session, child_id, on=date(2026, 11, 20), today=TODAY)
    with store.read() as session:
        e = transfer.transfer_state(session, child_id, TODAY).ending
    assert {k: e[k] for k in PRACTICE} == PRACTICE


def test_sharing_against_a_refusal_needs_the_caldicott_guardians_or_legal_advice(store):
    """BEX 4: parents who refuse permission to share: the worker or manager seeks the
    Caldicott Guardian's or legal services' advice, and records it, before the pack goes."""
    child_id = new_child(store)
    record_move(store, child_id, consent_to_share="refused",
                consent_reason="Risk to the child outweighs the refusal")
    agree_move(store, child_id)
    with pytest.raises(endings.EndingError, match="Caldicott Guardian"), \
            store.session(ACTOR) as session:
        transfer.mark_sent(session, child_id, on=date(2026, 11, 20), today=TODAY)
    record_move(store, child_id, sharing_advice="Caldicott Guardian (J. Hale), 18 Nov: share")
    with store.session(ACTOR) as session:
        transfer.mark_sent(session, child_id, on=date(2026, 11, 20), today=TODAY)


def test_consent_not_sought_needs_the_reason(store):
    child_id = new_child(store)
    record_move(store, child_id, consent_to_share="not_sought")
    agree_move(store, child_id)
    with pytest.raises(endings.EndingError, match="increase the risk"), \
            store.session(ACTOR) as session:
        transfer.mark_sent(session, child_id, on=date(2026, 11, 20), today=TODAY)
    with pytest.raises(endings.EndingError, match="choose one of"):
        record_move(store, child_id, consent_to_share="maybe")


def test_a_step_down_and_a_transfer_cannot_run_at_once(store):
    child_id = new_child(store)
    record_move(store, child_id)
    with pytest.raises(endings.EndingError, match="transfer is already"), \
            store.session(ACTOR) as session:
        transfer.record_step_down(session, child_id, transfer.StepDownInput(), on=TODAY,
                                  by="W", today=TODAY)


def test_transfer_pack_folder_files_and_json(store, tmp_path):
    child_id = new_child(store)
    with_plan(store, child_id)
    visit(store, child_id)
    record_move(store, child_id)
    agree_move(store, child_id)
    with store.read() as session:
        docs = transfer.transfer_documents(session, child_id, TODAY)
    written = write_transfer_pack(docs, tmp_path / "pack")
    folder = tmp_path / "pack"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)
    assert sorted(p.name for p in written) == [
        "assessment-summary.docx", "assessment-summary.pdf", "case-summary-chronology.docx",
        "case-summary-chronology.pdf", "cin-plan.docx", "cin-plan.pdf", "transfer-pack.json"]
    summary = "\n".join(p.text for p in Document(folder / "assessment-summary.docx").paragraphs)
    assert f"Receiving authority: {COUNTY}, contact Duty team 01234 567890" in summary
    assert "Permission to share: given" in summary
    assert f"The move's impact on the child: {PRACTICE['move_impact']}" in summary  # BEX 4
    assert ("Agencies asked to pass their records on: School and GP asked to send their "
            "records on") in summary
    assert "Advice before sharing" not in summary  # permission was given
    assert "Layla Endingtest: Mother; parental responsibility; lives with the child" in summary
    chron = "".join(p.extract_text() for p in
                    PdfReader(folder / "case-summary-chronology.pdf").pages)
    assert f"Transfer to {COUNTY} agreed" in chron.replace("\n", " ")
    data = json.loads((folder / "transfer-pack.json").read_text())
    assert data["format"] == "cintui-transfer-pack"
    assert data["transfer"]["move_date"] == "2026-11-16"
    assert len(data["people"]) == 4 and len(data["visits"]) == 1


def test_no_pack_before_the_manager_agrees(store):
    child_id = new_child(store)
    record_move(store, child_id)
    with pytest.raises(endings.EndingError, match="manager's agreement"), store.read() as session:
        transfer.pack_data(session, child_id, TODAY)


# ---------------------------------------------------------------- transfer-in (BEX 4)


def a_pack(store, tmp_path) -> dict:
    child_id = new_child(store, first="Robin")
    with_plan(store, child_id)
    visit(store, child_id)
    record_move(store, child_id)
    agree_move(store, child_id)
    with store.read() as session:
        return transfer.pack_data(session, child_id, TODAY)


def fresh_store(new_store):
    return new_store("fresh.db")


def test_import_starts_the_transfer_in_meeting_clock(store, tmp_path, new_store):
    data = a_pack(store, tmp_path)
    other = fresh_store(new_store)
    try:
        with other.session(ACTOR) as session:
            team = m.Team(name="Receiving Team")
            session.add(team)
            session.add(m.Worker(username="rita.receiver", name="Rita Receiver",
                                 team_id=team.id))
        with other.session(ACTOR) as session:
            child = transfer.import_pack(session, data, today=TODAY, worker="rita.receiver")
            child_id = child.id
            assert session.get(m.Worker, child.worker_id).name == "Rita Receiver"
            assert session.get(m.Team, child.team_id).name == "Receiving Team"
        with other.read() as session:
            episode = cases.current_episode(session, child_id)
            plan = plans.current_plan(session, child_id)
            people = record.list_people(session, child_id)
        assert episode.moved_in == date(2026, 11, 16)
        assert (plan.number, plan.status) == (1, "agreed")
        assert plan.agreed_at.startswith("received from")
        assert len(people) == 4
        # BEX 4: the transfer-in meeting within 20 working days of Mon 16 Nov 2026.
        assert due_keys(other, child_id)["transfer_in_meeting"] == date(2026, 12, 14)
        assert summary_keys(other, child_id)["transfer_in_meeting"] == date(2026, 12, 14)
    finally:
        other.close()


def test_a_reference_already_on_the_store_is_refused_and_nothing_written(store, tmp_path):
    data = a_pack(store, tmp_path)
    with store.read() as session:
        before = len(session.exec(select(m.Child)).all())
    with pytest.raises(transfer.PackError, match="already a child on this store"), \
            store.session(ACTOR) as session:
        transfer.import_pack(session, data, today=TODAY)
    with store.read() as session:
        assert len(session.exec(select(m.Child)).all()) == before


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d.pop("child"), "child: missing"),
    (lambda d: d["transfer"].pop("move_date"), "transfer.move_date: missing"),
    (lambda d: d.update(format="cintui-plan"), "not a cintui transfer pack"),
    (lambda d: d["visits"][0].pop("visited_at"), "incomplete transfer pack"),
    (lambda d: d["consents"][0].update(person_key="nobody"), "not in the pack's people"),
    # Trust: output is inert. An escape sequence in a pack is refused, naming where it is.
    (lambda d: d["child"].update(first_name="Robin\x1b]0;pwned\x07"),
     r"child.first_name: contains a control character \(U\+001B ESC\)"),
    (lambda d: d["visits"][0].update(analysis="Fine\x1b[2J"),
     r"visits.analysis: contains a control character \(U\+001B ESC\)"),
])
def test_bad_or_incomplete_pack_writes_nothing(store, tmp_path, breakage, message, new_store):
    data = a_pack(store, tmp_path)
    breakage(data)
    other = fresh_store(new_store)
    try:
        with pytest.raises(transfer.PackError, match=message), other.session(ACTOR) as session:
            transfer.import_pack(session, data, today=TODAY)
        with other.read() as session:
            assert session.exec(select(m.Child)).all() == []
            assert session.exec(select(m.Person)).all() == []
    finally:
        other.close()


def test_a_packs_adult_social_care_for_a_child_under_13_is_refused_war_4_2(store, tmp_path,
                                                                         new_store):
    """WAR 4.2 (`check_adult_care_age`): adult social care is recorded for a young person
    preparing for adulthood, from 13, as `child circumstances` and the app refuse it
    younger. A pack's circumstances were read in as sent: a referral for an 8-year-old (the
    wrong child, most likely) came in unchecked. Now the pack is refused naming the row and
    the reason, nothing written; for a 14-year-old it is read in."""
    data = a_pack(store, tmp_path)  # Robin, born 4 May 2018
    data["circumstances"] = [
        {"kind": "young_carer", "value": "yes", "recorded_on": "2026-09-01",
         "recorded_by": "Wendy Worker", "contact": ""},
        {"kind": "adult_social_care", "value": "referred", "recorded_on": "2026-10-01",
         "recorded_by": "Wendy Worker", "contact": "Adult Social Care front door"}]
    other = fresh_store(new_store)
    try:
        with pytest.raises(transfer.PackError) as refused, other.session(ACTOR) as session:
            transfer.import_pack(session, data, today=TODAY)
        assert refused.value.problem == (
            "circumstances row 2 (adult social care: referred): the child is 8 on 1 Oct "
            "2026: adult social care is for a young person preparing for adulthood, from "
            "Year 9, 13 (WAR 4.2; a Care Act s58 transition assessment): is this the right "
            "child?")
        with other.read() as session:
            assert session.exec(select(m.Child)).all() == []
            assert session.exec(select(m.Circumstance)).all() == []
        data["child"]["dob"] = "2012-05-04"  # 14 on the day it was recorded
        with other.session(ACTOR) as session:
            child_id = transfer.import_pack(session, data, today=TODAY).id
        with other.read() as session:
            kinds = {c.kind: c.value for c in session.exec(
                select(m.Circumstance).where(m.Circumstance.child_id == child_id))}
        assert kinds == {"young_carer": "yes", "adult_social_care": "referred"}
    finally:
        other.close()


def test_transfer_status_in_plain_sql_is_the_use_cases_answer(demo_store):
    """BEX 4: `cintui transfer status` reads with plain SQL (no ORM); for every child of the
    demo (transfers recorded, approved, sent; none) it says what the use case says: the
    ending, its decisions, the checklist for sending the pack."""
    from cintui.casework import lookup

    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            children = session.exec(select(m.Child)).all()
            want = {c.reference: transfer.transfer_state(session, c.id, TODAY).as_json()
                    for c in children}
        with reading(store) as rows:
            got = {c.reference: lookup.transfer_state(
                rows, lookup.find_child(rows, c.reference), TODAY).as_json() for c in children}
    finally:
        store.close()
    assert got == want
    assert json.dumps(got, sort_keys=False) == json.dumps(want, sort_keys=False)  # key order
    with_ending = [s for s in want.values() if s["ending"]]
    assert with_ending and any(s["decisions"] for s in with_ending)
    assert any(s["checklist"] for s in with_ending)
