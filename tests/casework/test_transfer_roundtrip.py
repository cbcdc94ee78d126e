"""The transfer pack round-trips (issue 8, BEX 4): export a demo child's pack from one store,
import its JSON into a fresh store, and the plan and the chronology are equal.

"Equal" here: the plan in force has the same needs (words, kind, rating, evidence), the
same actions (what, who, by when, status, notes), the same RAG history, services and
version fields except its number and where it was agreed (it is v1 "received from" the
sending authority); the chronology has the same entries (date and time, kind, summary,
who, detail) except the episodes' own (the receiving authority opens a new one with the
move), the plan versions' "started / agreed" lines, and meetings booked but not yet held
(the receiving authority books its own: the transfer-in meeting).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest
from sqlmodel import select

from cintui.casework import plans, record, supervision, transfer
from cintui.export.transfer import write_transfer_pack
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.casework.test_endings import ACTOR, MANAGER, add_staff
from tests.conftest import TODAY

SKIP_VERSION = {"id", "number", "status", "agreed_at", "needs"}


def plan_facts(version) -> tuple:
    head = tuple((f.name, getattr(version, f.name)) for f in fields(version)
                 if f.name not in SKIP_VERSION and f.compare)  # not the store's stamp
    needs = tuple((n.now, n.outcome, n.evidence, n.rag, n.kind, n.rag_history,
                   tuple((a.what, a.who, a.by_when, a.status, a.notes) for a in n.actions))
                  for n in version.needs)
    return head, needs


def chronology_facts(session, child_id) -> list[tuple]:
    episodes = {str(e.id) for e in session.exec(select(m.Episode)).all()}
    return [(e.when, e.kind, e.summary, e.who, e.detail)
            for e in record.chronology(session, child_id, TODAY)
            if e.ref not in episodes and e.kind != "plan"
            and not (e.kind == "meeting" and e.summary.endswith(" scheduled"))]


@pytest.fixture
def source(demo_store):
    store = open_store(demo_store, None)
    add_staff(store)
    yield store
    store.close()


def richest_child(store):
    """An open demo child with a plan in force (no draft: only the plan in force travels,
    and a draft blocks sending), minutes and visits: the most to carry."""
    with store.read() as session:
        minuted = set(session.exec(select(m.Meeting.child_id).where(m.Meeting.minutes != ""))
                      .all())
        visited = set(session.exec(select(m.Visit.child_id)).all())
        open_ = {c.id: c.reference for c in session.exec(select(m.Child)).all()
                 if c.status != "closed"}
        choices = sorted((ref, cid) for cid, ref in open_.items()
                         if cid in minuted and cid in visited
                         and plans.current_plan(session, cid) is not None
                         and plans.draft_version_id(session, cid) is None)
    assert choices, "the demo store has no open child with a plan, minutes and visits"
    return choices[0][1]


def received(new_db, pack):
    """A new receiving store with `pack` imported, as `cintui import transfer-pack` does:
    the store (to close) and the new child's id."""
    fresh = open_store(new_db("receiving.db"), None)
    try:
        with fresh.session(ACTOR) as session:
            return fresh, transfer.import_pack(session, transfer.read_pack(pack),
                                               today=TODAY).id
    except BaseException:
        fresh.close()
        raise


def test_pack_round_trips_plan_and_chronology(source, tmp_path, new_db):
    child_id = richest_child(source)
    with source.session(ACTOR) as session:
        transfer.record_transfer(session, child_id, transfer.TransferInput(
            receiving_authority="Exampleshire County Council", receiving_contact="Duty team",
            move_date=date(2026, 11, 16), consent_to_share="given", moves_count=1),
            on=date(2026, 11, 16), by="Wendy Worker", today=TODAY)
        transfer.decide_transfer(session, child_id, approve=True, rationale="Moved county",
                                 on=date(2026, 11, 17), today=TODAY, by=MANAGER, actor=ACTOR)
    with source.read() as session:
        docs = transfer.transfer_documents(session, child_id, TODAY)
        want_plan = plan_facts(plans.current_plan(session, child_id))
        want_chronology = chronology_facts(session, child_id)
        want_people = sorted((p.name, p.relationship) for p in
                             record.list_people(session, child_id))
    written = {p.name for p in write_transfer_pack(docs, tmp_path / "pack")}
    assert {"cin-plan.pdf", "latest-review-minutes.docx", "transfer-pack.json"} <= written

    fresh, new_id = received(new_db, tmp_path / "pack")
    try:
        with fresh.read() as session:
            got_plan = plans.current_plan(session, new_id)
            got_chronology = chronology_facts(session, new_id)
            got_people = sorted((p.name, p.relationship) for p in
                                record.list_people(session, new_id))
            child = session.get(m.Child, new_id)
            got_supervision = supervision.due(session, new_id, TODAY)
            move = session.exec(select(m.Episode).where(m.Episode.child_id == new_id)
                                ).one().referral_date
    finally:
        fresh.close()
    assert plan_facts(got_plan) == want_plan
    assert (got_plan.number, got_plan.status) == (1, "agreed")
    assert got_chronology == want_chronology
    kinds = {k for _, k, *_ in want_chronology}
    assert {"visit", "meeting", "rag", "decision", "supervision"} <= kinds  # carries something
    # STO 4.5, 8.5: the case direction decided in supervision travels (in the chronology
    # above); the receiving authority's own supervision clock starts with its episode.
    assert docs.data["supervisions"] and got_supervision.anchor == move
    assert got_people == want_people
    assert child.reference == docs.data["child"]["reference"]


def _agreed_with_circumstances(store, child_id) -> None:
    from cintui.casework import steps

    with store.session(ACTOR) as session:
        # 16: adult social care is for a young person preparing for adulthood (WAR 4.2)
        session.get(m.Child, child_id).dob = date(2010, 3, 14)
        steps.record_circumstances(session, child_id, {"adult_social_care": "referred",
                                                       "young_carer": "yes"},
                                   on=date(2026, 10, 5), today=TODAY, by="Wendy Worker",
                                   adult_contact="Adult Social Care front door, 01926 410410")
        steps.record_circumstances(session, child_id, {"adult_social_care": "accepted"},
                                   on=date(2026, 11, 2), today=TODAY, by="Wendy Worker")
        steps.record_circumstances(session, child_id, {}, on=date(2026, 11, 9), today=TODAY,
                                   by="Wendy Worker",
                                   adult_contact="Ana Petrov, Transitions Team, 01926 410500")
        transfer.record_transfer(session, child_id, transfer.TransferInput(
            receiving_authority="Exampleshire County Council", receiving_contact="Duty team",
            move_date=date(2026, 11, 16), consent_to_share="given", moves_count=1),
            on=date(2026, 11, 16), by="Wendy Worker", today=TODAY)
        transfer.decide_transfer(session, child_id, approve=True, rationale="Moved county",
                                 on=date(2026, 11, 17), today=TODAY, by=MANAGER, actor=ACTOR)


def test_the_pack_carries_the_circumstances_and_adult_social_cares_contact_war_4_2(
        source, tmp_path, new_db):
    """BEX 4, WAR 4.2, WAR 2.2.2: a young person accepted by adult social care, with its
    contact, moved: the pack left the circumstances behind (only the chronology's words
    went), so the receiving authority's record, closure (RC6) and letters had no referral
    and no one to call. They travel as dated facts and are read back on import."""
    from cintui.casework import steps

    child_id = richest_child(source)
    _agreed_with_circumstances(source, child_id)
    with source.read() as session:
        docs = transfer.transfer_documents(session, child_id, TODAY)
        want = [(e.when, e.summary, e.who) for e in record.chronology(session, child_id, TODAY)
                if e.summary.startswith("Circumstances: ")]
    assert sorted((c["recorded_on"], c["kind"], c["value"], c["contact"])
                  for c in docs.data["circumstances"]) == [
        ("2026-10-05", "adult_social_care", "referred",
         "Adult Social Care front door, 01926 410410"),
        ("2026-10-05", "young_carer", "yes", ""),
        ("2026-11-02", "adult_social_care", "accepted",
         "Adult Social Care front door, 01926 410410"),
        ("2026-11-09", "adult_social_care", "accepted",
         "Ana Petrov, Transitions Team, 01926 410500")]
    write_transfer_pack(docs, tmp_path / "pack")
    fresh, new_id = received(new_db, tmp_path / "pack")
    try:
        with fresh.read() as session:
            now = steps.current_circumstances(session, new_id)
            contact = steps.adult_care_contact(session, new_id)
            got = [(e.when, e.summary, e.who) for e in record.chronology(session, new_id, TODAY)
                   if e.summary.startswith("Circumstances: ")]
    finally:
        fresh.close()
    assert now == {"adult_social_care": "accepted", "young_carer": "yes"}
    assert contact == "Ana Petrov, Transitions Team, 01926 410500"
    assert got == want and (date(2026, 11, 9), "Circumstances: Adult social care: contact "
                            "changed to Ana Petrov, Transitions Team, 01926 410500 (still "
                            "accepted, supports them from 18)", "Wendy Worker") in got


def test_the_packs_assessment_summary_lists_the_circumstances_and_whom_to_call_war_4_2(
        source, tmp_path):
    """BEX 4, WAR 4.2, WAR 2.2.2: the pack's JSON carried the circumstances, but its
    readable documents did not: a social worker reading the assessment summary in the
    receiving authority did not learn that adult social care had accepted the young
    person, nor whom to call there. The summary (DOCX and PDF) now lists each held, with
    the day its answer was recorded and the contact."""
    from docx import Document
    from pypdf import PdfReader

    child_id = richest_child(source)
    _agreed_with_circumstances(source, child_id)
    with source.read() as session:
        docs = transfer.transfer_documents(session, child_id, TODAY)
    write_transfer_pack(docs, tmp_path / "pack")
    paragraphs = [p.text for p in Document(tmp_path / "pack" / "assessment-summary.docx")
                  .paragraphs]
    at = paragraphs.index("Circumstances (WAR 2.2.2)")
    assert paragraphs[at + 1:at + 3] == [
        "Young carer, since 5 Oct 2026",
        "Adult social care: accepted, supports them from 18, since 2 Nov 2026 (contact: Ana "
        "Petrov, Transitions Team, 01926 410500)"]
    pdf = " ".join(" ".join(page.extract_text() for page in PdfReader(
        tmp_path / "pack" / "assessment-summary.pdf").pages).split())
    assert "Circumstances (WAR 2.2.2)" in pdf and "(contact: Ana Petrov, Transitions Team, " \
        "01926 410500)" in pdf


@pytest.mark.parametrize(("entry", "said"), [
    ({"kind": "pet_owner", "value": "yes", "recorded_on": "2026-10-05"},
     "circumstances.kind: 'pet_owner' is not a circumstance"),
    ({"kind": "adult_social_care", "value": "maybe", "recorded_on": "2026-10-05"},
     "circumstances.value: 'maybe' is not an answer for adult_social_care"),
    ({"kind": "young_carer", "value": "yes", "recorded_on": "2026-10-05", "contact": "Ana"},
     "circumstances.contact: only adult social care has one"),
    ({"kind": "young_carer", "value": "yes"}, "circumstances: an entry has no recorded_on")])
def test_a_bad_circumstance_in_a_pack_is_refused_and_nothing_written(
        source, tmp_path, new_db, entry, said):
    child_id = richest_child(source)
    _agreed_with_circumstances(source, child_id)
    with source.read() as session:
        data = transfer.pack_data(session, child_id, TODAY)
    data["circumstances"].append(entry)
    fresh = open_store(new_db("receiving.db"), None)
    try:
        with pytest.raises(transfer.PackError, match=said), fresh.session(ACTOR) as session:
            transfer.import_pack(session, data, today=TODAY)
        with fresh.read() as session:
            assert session.exec(select(m.Child)).all() == []
    finally:
        fresh.close()
