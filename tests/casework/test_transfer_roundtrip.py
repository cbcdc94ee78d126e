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
    _approved(source, child_id)
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


def _approved(store, child_id) -> None:
    with store.session(ACTOR) as session:
        transfer.record_transfer(session, child_id, transfer.TransferInput(
            receiving_authority="Exampleshire County Council", receiving_contact="Duty team",
            move_date=date(2026, 11, 16), consent_to_share="given", moves_count=1),
            on=date(2026, 11, 16), by="Wendy Worker", today=TODAY)
        transfer.decide_transfer(session, child_id, approve=True, rationale="Moved county",
                                 on=date(2026, 11, 17), today=TODAY, by=MANAGER, actor=ACTOR)


def _said_at_meetings(session, child_id) -> list[tuple]:
    """What a worker reads of each minuted meeting (`cintui export minutes`, the Meetings
    tab): who came and how, each Amber or Red discussed, new concerns, the actions agreed,
    the views and the decisions; and who the minutes went to."""
    from cintui.casework import meetings

    out = []
    for row in session.exec(select(m.Meeting).where(m.Meeting.child_id == child_id,
                                                    m.Meeting.minutes != "")
                            .order_by(m.Meeting.held_on)).all():
        doc = meetings.minutes_document(session, row.id, TODAY)
        said = doc.minutes
        out.append((
            row.kind, row.held_on,
            tuple((p.name, p.role, p.is_parent, p.attendance) for p in said.attendance),
            tuple((i.need, i.rag_before, i.update, i.impact, i.rag_after) for i in said.items),
            tuple(c.text for c in said.new_concerns),
            tuple((a.what, a.who, a.by_when) for a in said.agreed_actions),
            said.childs_views, said.parents_views, said.significant_events, said.decisions,
            doc.sent_to))
    return out


def test_a_meetings_minutes_attendance_and_decisions_go_with_the_child_bex_4(
        source, tmp_path, new_db):
    """BEX 4: the pack carried each past meeting's date and outcome but not its minutes, so
    the receiving worker did not know who came, what was said of each need, the actions
    agreed (what, who, by when), the child's and parents' views or the decisions, nor who
    the minutes went to. They travel now, and read back there as they did here; a person of
    the child's invited is theirs there too."""
    from cintui.casework import meetings

    child_id = richest_child(source)
    _approved(source, child_id)
    with source.read() as session:
        want = _said_at_meetings(session, child_id)
        docs = transfer.transfer_documents(session, child_id, TODAY)
    assert want and all(any(said[n] for said in want) for n in (2, 3, 6, 9, 10))  # carried
    write_transfer_pack(docs, tmp_path / "pack")
    fresh, new_id = received(new_db, tmp_path / "pack")
    try:
        with fresh.read() as session:
            got = _said_at_meetings(session, new_id)
            people = {p.id for p in session.exec(select(m.Person)).all()}
            held = session.exec(select(m.Meeting).where(m.Meeting.child_id == new_id,
                                                        m.Meeting.minutes != "")).all()
            came = [i for r in held
                    for i in meetings.load_meeting(session, r.id).schedule.invitees]
            rows = meetings.list_meetings(session, new_id, plans.cases.store_policy(session))
    finally:
        fresh.close()
    assert got == want
    linked = [i.person_id for i in came if i.person_id]
    assert linked and set(linked) <= people  # the receiving store's people, not the sender's
    assert {r.id for r in rows if r.has_minutes} == {r.id for r in held}


def test_a_pack_made_before_minutes_travelled_imports_and_says_so_bex_4(
        source, tmp_path, new_db):
    """BEX 4: a pack from an older cintui (its meetings without minutes, invitees or who
    the minutes went to) imports as before, and the import says what it lacks."""
    child_id = richest_child(source)
    _approved(source, child_id)
    with source.read() as session:
        data = transfer.pack_data(session, child_id, TODAY)
    assert transfer.older_pack_notes(data) == ()
    for meeting in data["meetings"]:
        del meeting["minutes"], meeting["invitees"], meeting["distribution"]
    assert transfer.older_pack_notes(data) == (
        "The pack does not carry its meetings' minutes (made by an older cintui): ask the "
        "sending authority for them.",)
    fresh = open_store(new_db("receiving.db"), None)
    try:
        with fresh.session(ACTOR) as session:
            new_id = transfer.import_pack(session, data, today=TODAY).id
        with fresh.read() as session:
            rows = session.exec(select(m.Meeting).where(m.Meeting.child_id == new_id)).all()
            assert len(rows) == len(data["meetings"])
            assert all(r.minutes == "" for r in rows)
    finally:
        fresh.close()


def _minuted(data) -> dict:
    return next(r for r in data["meetings"] if r["minutes"] and r["minutes"]["attendance"])


@pytest.mark.parametrize(("spoil", "said"), [
    (lambda r: r["minutes"].update(childs_views="Fine\x1b[2J"),
     r"meetings.minutes.childs_views: contains a control character \(U\+001B ESC\)"),
    (lambda r: r["minutes"].update(agreed_actions=[{"what": "Call", "by_when": "soon"}]),
     "meetings.minutes: a value in them is of the wrong kind"),
    (lambda r: r["minutes"]["attendance"][0].update(is_parent="yes"),
     "meetings.minutes.attendance: not as cintui writes it"),
    (lambda r: r["minutes"].pop("held_on"), "meetings.minutes: 'held_on' is missing"),
    (lambda r: r.update(minutes="Everyone agreed"), "meetings.minutes: not an object"),
    (lambda r: r.update(invitees=[{"name": "Mum", "attendance": "maybe"}]),
     "invitees.attendance: 'maybe' is not one of invited, present"),
    (lambda r: r.update(distribution=[{"recipient": "Mum"}]),
     "distribution: an entry has no sent_on"),
    (lambda r: r.update(invitees="Mum, Dad"), "meetings.invitees: not a list")])
def test_damaged_minutes_in_a_pack_are_refused_and_nothing_written(
        source, tmp_path, new_db, spoil, said):
    """Minutes from another authority's system are checked as the rest of a pack is: a value
    not as cintui writes it, or text with a control character in it (output is inert), is
    refused in one line naming where, and nothing is written."""
    child_id = richest_child(source)
    _approved(source, child_id)
    with source.read() as session:
        data = transfer.pack_data(session, child_id, TODAY)
    spoil(_minuted(data))
    fresh = open_store(new_db("receiving.db"), None)
    try:
        with pytest.raises(transfer.PackError, match=said) as refused, \
                fresh.session(ACTOR) as session:
            transfer.import_pack(session, data, today=TODAY)
        assert "\n" not in str(refused.value)
        with fresh.read() as session:
            assert session.exec(select(m.Child)).all() == []
            assert session.exec(select(m.MeetingInvitee)).all() == []
    finally:
        fresh.close()
