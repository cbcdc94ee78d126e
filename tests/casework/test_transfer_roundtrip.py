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

    fresh = open_store(new_db("receiving.db"), None)
    try:
        with fresh.session(ACTOR) as session:
            new_id = transfer.import_pack(session, transfer.read_pack(tmp_path / "pack"),
                                          today=TODAY).id
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
