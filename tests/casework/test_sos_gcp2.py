"""Signs of Safety (STO 6.3) and Graded Care Profile 2 (STO 4.3, 6.11, 7.1; TRA) in the
store, on SQLite and PostgreSQL: scalings recorded at a meeting take its date; they go in
the step-down pack (WIR 3) and the transfer pack (BEX 4), and a transferred child arrives
with them. Synthetic people only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from cintui.casework import gcp2, plans, record, transfer
from cintui.casework import signs_of_safety as sos
from cintui.casework.signs_of_safety import ScoreEntry
from cintui.export.transfer import render_step_down
from cintui.store import models as m
from tests.casework.test_endings import ACTOR, new_child
from tests.casework.test_transfer import (
    agree_move,
    final_meeting,
    ready_step_down,
    record_move,
    store,  # noqa: F401 (fixture)
    visit,
    with_plan,
)
from tests.conftest import TODAY

GRADES = {"physical": 4, "safety": 2, "love": 2, "esteem": 3}


def _practice(store, child_id) -> None:  # noqa: F811
    """A danger statement rewritten, a goal for it, two rounds of scaling, two GCP2s (the
    second attached to the plan's first need)."""
    with store.session(ACTOR) as session:
        sos.record_statement(session, child_id, kind="danger", text="Sam may be left alone "
                             "at night", on=date(2026, 10, 1), by="Wendy Worker", today=TODAY)
        sos.record_statement(session, child_id, kind="danger", text="If Layla goes out at "
                             "night, Sam may be left alone and hurt", on=date(2026, 11, 2),
                             by="Wendy Worker", today=TODAY, replaces=1)
        sos.record_statement(session, child_id, kind="goal", text="An adult Sam knows is "
                             "with him every night", on=date(2026, 11, 2), by="Wendy Worker",
                             today=TODAY, danger=2)
        for day, mum, me in ((date(2026, 10, 1), 4, 3), (date(2026, 11, 2), 7, 6)):
            sos.record_scaling(session, child_id, on=day, entries=(
                ScoreEntry("Layla Endingtest", "Mum", mum, "Gran sits now"),
                ScoreEntry("Wendy Worker", "social worker", me)), recorded_by="Wendy Worker",
                today=TODAY)
        gcp2.record(session, child_id, on=date(2026, 10, 5), assessor="Wendy Worker",
                    grades=GRADES, summary="Food short at weekends", recorded_by="W",
                    today=TODAY)
        gcp2.record(session, child_id, on=date(2026, 11, 5), assessor="Wendy Worker",
                    grades={**GRADES, "physical": 2}, summary="Meals most days now",
                    needs=[1], recorded_by="W", today=TODAY)


def test_sto_6_3_a_score_given_at_a_meeting_has_its_date(store):  # noqa: F811
    child_id = new_child(store)
    final_meeting(store, child_id, held_on=date(2026, 11, 13))
    with store.session(ACTOR) as session:
        (meeting,) = sos.meeting_choices(session, child_id, TODAY)
        assert meeting.label == "Final CIN meeting 13 Nov 2026"
        with pytest.raises(sos.SafetyError, match="was on 13 Nov 2026"):
            sos.record_scaling(session, child_id, on=date(2026, 11, 12), entries=(
                ScoreEntry("Layla", "Mum", 5),), recorded_by="W", today=TODAY,
                meeting_id=meeting.id)
    with store.session(ACTOR) as session:
        session.add(m.Meeting(child_id=child_id, kind="review", held_on=date(2026, 11, 20),
                              status="cancelled", cancelled_reason="Mum unwell",
                              starts_at=datetime(2026, 11, 20, 10, tzinfo=UTC)))
    with store.session(ACTOR) as session:
        assert len(sos.meeting_choices(session, child_id, TODAY)) == 1  # not the cancelled
        sos.record_scaling(session, child_id, on=date(2026, 11, 13), entries=(
            ScoreEntry("Layla", "Mum", 5),), recorded_by="W", today=TODAY,
            meeting_id=meeting.id)
    with store.read() as session:
        (scaled,) = sos.scalings(session, child_id)
        assert (scaled.meeting, scaled.score) == ("Final CIN meeting 13 Nov 2026", 5)


def test_sto_6_3_statements_are_numbered_per_child_and_kind(store):  # noqa: F811
    child_id = new_child(store)
    with_plan(store, child_id)
    _practice(store, child_id)
    with store.read() as session:
        found = {s.label: s for s in sos.statements(session, child_id)}
        view = sos.view(session, child_id)
    assert found["D1"].replaced_by == 2 and found["D2"].replaces == 1
    assert found["G1"].danger == 2
    assert [line.source for line in view.map.worried] == ["D2", "need 1 (Amber)"]
    assert [(who, [s.score for s in scores]) for who, _r, scores in view.history] == [
        ("Layla Endingtest", [4, 7]), ("Wendy Worker", [3, 6])]


def test_wir_3_the_step_down_pack_carries_the_safety_map_and_gcp2(store):  # noqa: F811
    child_id = new_child(store)
    with_plan(store, child_id)
    final_meeting(store, child_id)
    visit(store, child_id)
    _practice(store, child_id)
    ready_step_down(store, child_id)
    with store.read() as session:
        doc = transfer.step_down_pack(session, child_id, TODAY)
    md = render_step_down(doc, "md").decode()
    assert "## Signs of Safety\n" in md  # the family reads it: no rule keys, no arrows
    assert "Danger statement D2: If Layla goes out at night" in md
    assert "Sam may be left alone at night" not in md  # D1 was replaced
    assert "Safety goal G1 (for D2): An adult Sam knows is with him every night" in md
    # The family reads it: each day in full (it said "4 (1 Oct 2026) to 7 (2 Nov 2026)")
    assert ("Scaling by Layla Endingtest (Mum), 0-10: 4 (1 October 2026) to 7 (2 November "
            "2026). Latest why: Gran sits now") in md
    assert "5 November 2026 · Wendy Worker: Physical care 2" in md
    assert ("Physical care 2, Safety 2, Love and care 2, Esteem 3. Meals most days now "
            "Attached to: Sam misses school most Mondays") in md
    data = json.loads(render_step_down(doc, "json"))
    assert [g["grades"]["physical"] for g in data["gcp2"]] == [4, 2]
    assert len(data["signs_of_safety"]["scalings"]) == 4


def test_bex_4_a_transferred_child_arrives_with_its_safety_map_and_gcp2(
        store, new_store):  # noqa: F811
    child_id = new_child(store, first="Robin")
    with_plan(store, child_id)
    _practice(store, child_id)
    record_move(store, child_id)
    agree_move(store, child_id)
    with store.read() as session:
        docs = transfer.transfer_documents(session, child_id, TODAY)
        want = [e for e in record.chronology(session, child_id, TODAY)
                if "Signs of Safety" in e.summary or "Graded Care" in e.summary]
    from cintui.export.transfer import case_summary_sections

    summary = dict(case_summary_sections(docs.data))
    assert "Danger statement D2: If Layla goes out at night, Sam may be left alone and " \
           "hurt" in summary["Signs of Safety (STO 6.3)"]
    other = new_store("receiving.db")
    try:
        with other.session(ACTOR) as session:
            new_id = transfer.import_pack(session, json.loads(json.dumps(docs.data)),
                                          today=TODAY).id
        with other.read() as session:
            got = {s.label: s for s in sos.statements(session, new_id)}
            history = sos.view(session, new_id).history
            facts = gcp2.facts(session, new_id)
            plan = plans.current_plan(session, new_id)
            chron = [e for e in record.chronology(session, new_id, TODAY)
                     if "Signs of Safety" in e.summary or "Graded Care" in e.summary]
    finally:
        other.close()
    assert got["D1"].replaced_by == 2 and got["G1"].danger == 2
    assert [[s.score for s in scores] for _w, _r, scores in history] == [[4, 7], [3, 6]]
    assert [f.grade("physical") for f in facts] == [4, 2]
    assert facts[1].need_keys == (plan.needs[0].key,)  # the need found again by its words
    assert [(e.when, e.summary) for e in chron] == [(e.when, e.summary) for e in want]
