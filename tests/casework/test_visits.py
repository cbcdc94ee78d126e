"""cintui.visits and cintui.drafts: visits in the store (WIR 2.11), on a demo store."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from cintui.casework import cases, drafts, visits
from cintui.store.engine import open_store
from cintui.store.models import AuditEntry, Draft, Visit
from tests.conftest import TODAY

ACTOR = "test.worker"
NOW = datetime(2026, 11, 23, 14, 5)


@pytest.fixture
def store(demo_store):
    s = open_store(demo_store, None)
    yield s
    s.close()


@pytest.fixture
def child_id(store):
    """A new child on a CIN plan since 1 Sep 2026, no visits yet."""
    with store.read() as session:
        worker = cases.list_workers(session)[0]
    with store.session(ACTOR) as session:
        child = cases.add_child(session, cases.NewChild(
            first_name="Leo", last_name="Marsh", dob=date(2017, 5, 2),
            referral_date=date(2026, 8, 3), worker=worker.username), TODAY)
        episode = cases.current_episode(session, child.id)
        episode.cin_plan_start = date(2026, 9, 1)
        session.add(episode)
        return child.id


def content(at: datetime, **changes) -> visits.VisitContent:
    values = {"purpose": "Statutory visit", "analysis": "Seen alone in his bedroom.",
              "seen_alone": True, "bedroom_seen": True, **changes}
    return visits.with_facts(visits.new_content(at), **values)


def finalise(store, child_id, c, now=NOW, draft_id=None):
    with store.session(ACTOR) as session:
        return visits.finalise(session, child_id, c, actor=ACTOR, now=now, draft_id=draft_id)


# ---------------------------------------------------------------- the saver


def test_the_saver_writes_the_newest_state_and_skips_stale_ones():
    """Typing faster than the disk: only the newest state needs writing, never an old one
    after a newer one."""
    written: list[int] = []
    gate = threading.Event()

    def slow(state: int) -> None:
        gate.wait(1)
        written.append(state)

    saver = drafts.DraftSaver(slow)
    for i in range(1, 51):
        saver.submit(i)
    gate.set()
    assert saver.flush(5)
    saver.close()
    assert written[-1] == 50 and written == sorted(written) and len(written) < 50


def test_a_failed_save_is_reported_and_the_next_one_retries():
    attempts: list[int] = []
    errors: list[BaseException] = []

    def flaky(state: int) -> None:
        attempts.append(state)
        if state == 1:
            raise OSError("disk full")

    saver = drafts.DraftSaver(flaky, errors.append)
    saver.submit(1)
    assert saver.flush(5) is False and isinstance(saver.error, OSError)
    saver.submit(2)
    assert saver.flush(5) is True and saver.error is None
    saver.close()
    assert attempts == [1, 2] and len(errors) == 1


def test_a_failed_save_is_retried_by_itself_until_it_is_written():
    """Issue "Trust": a save that fails (the store busy with another cintui's import) is
    tried again on its own, with nothing new typed, until it is written."""
    attempts: list[int] = []

    def busy_twice(state: int) -> None:
        attempts.append(state)
        if len(attempts) <= 2:
            raise OSError("database is locked")

    saver = drafts.DraftSaver(busy_twice)
    saver.RETRY_SECONDS = (0.05,)
    saver.submit(7)
    assert saver.flush(5) is False and saver.unsaved  # the first try failed
    deadline = time.monotonic() + 5
    while saver.unsaved and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not saver.unsaved and saver.error is None
    saver.close()
    assert attempts == [7, 7, 7]


# ---------------------------------------------------------------- drafts and finalising


def test_a_draft_becomes_the_visit_when_finalised(store, child_id):
    with store.session(ACTOR) as session:
        draft = visits.start_draft(session, child_id, ACTOR, NOW)
    typed = content(datetime(2026, 11, 23, 10, 0), childs_comments="Likes football")
    with store.session(ACTOR) as session:
        assert visits.save_draft(session, draft.id, typed)
    with store.read() as session:
        assert visits.child_drafts(session, child_id)[0].content == typed
    visit_id = finalise(store, child_id, typed, draft_id=draft.id)
    with store.read() as session:
        assert visits.child_drafts(session, child_id) == []
        record = visits.load_visit(session, visit_id)
        assert record.content.childs_comments == "Likes football"
        assert record.visited_at == datetime(2026, 11, 23, 10, 0)
        # A late autosave after finalising is refused quietly, not resurrected.
    with store.session(ACTOR) as session:
        assert visits.save_draft(session, draft.id, typed) is False


def test_a_draft_is_listed_with_its_owners_name_not_their_login(store, child_id, cli,
                                                                 demo_store):
    """A colleague's unfinished visit says whose it is by name (as a finalised visit's
    author does): the Visits tab and `cintui visit list` once showed the login."""
    with store.read() as session:
        worker = cases.list_workers(session)[0]
    with store.session(worker.username) as session:
        visits.start_draft(session, child_id, worker.username, NOW)
    with store.read() as session:
        draft = visits.child_drafts(session, child_id)[0]
        reference = cases.require_child(session, child_id).reference
    assert (draft.owner, draft.owner_name) == (worker.username, worker.name)
    listed = cli("visit", "list", reference, "--db", demo_store)
    assert f"by {worker.name}, last saved" in " ".join(listed.out.split())


def test_an_invalid_visit_is_refused_and_nothing_is_written(store, child_id):
    """WIR 2.11: not seen alone without a reason is refused with the field and the rule."""
    with store.session(ACTOR) as session:
        draft = visits.start_draft(session, child_id, ACTOR, NOW)
    bad = content(datetime(2026, 11, 23, 10, 0), seen_alone=False, analysis="Fine.")
    with pytest.raises(visits.VisitError) as caught:
        finalise(store, child_id, bad, draft_id=draft.id)
    assert caught.value.field == "analysis" and "WIR 2.11" in str(caught.value)
    with store.read() as session:
        assert session.exec(select(Visit).where(Visit.child_id == child_id)).all() == []
        assert len(visits.child_drafts(session, child_id)) == 1  # the draft is kept


def test_visits_are_audited_in_full_and_drafts_without_their_text(store, child_id):
    with store.session(ACTOR) as session:
        draft = visits.start_draft(session, child_id, ACTOR, NOW)
    with store.session(ACTOR) as session:
        visits.save_draft(session, draft.id, content(NOW, health="Asthma reviewed"))
    finalise(store, child_id, content(NOW, health="Asthma reviewed"), draft_id=draft.id)
    with store.read() as session:
        rows = session.exec(select(AuditEntry).where(
            AuditEntry.entity.in_(["draft", "visit"]),
            AuditEntry.entity_id.in_([draft.id.hex, *(v.id.hex for v in session.exec(
                select(Visit).where(Visit.child_id == child_id)).all())]))
            .order_by(AuditEntry.seq)).all()
    assert [(r.entity, r.action) for r in rows] == [
        ("draft", "insert"), ("visit", "insert"), ("draft", "delete")]
    assert json.loads(rows[1].changes)["health"] == [None, "Asthma reviewed"]
    assert "Asthma" not in rows[0].changes + rows[2].changes
    with store.read() as session:
        assert all(d.child_id != child_id for d in session.exec(select(Draft)).all())


def test_visit_times_are_kept_as_instants_and_shown_in_english_time(store, child_id):
    """A visit at 00:30 in British Summer Time is 23:30 the day before in UTC; it shows (and
    counts) as the day it happened here."""
    at = datetime(2026, 9, 23, 0, 30)
    visit_id = finalise(store, child_id, content(at))
    with store.read() as session:
        row = session.get(Visit, visit_id)
        assert row.visited_at.replace(tzinfo=UTC) == datetime(2026, 9, 22, 23, 30, tzinfo=UTC)
        assert visits.load_visit(session, visit_id).visited_at == at


def test_an_addendum_is_dated_and_attributed_and_the_visit_unchanged(store, child_id):
    visit_id = finalise(store, child_id, content(datetime(2026, 11, 20, 10, 0)))
    with store.session(ACTOR) as session:
        visits.add_addendum(session, visit_id, "Correction: it was Friday", actor=ACTOR,
                            now=NOW)
    with store.read() as session:
        record = visits.load_visit(session, visit_id)
    assert [(a.written_at, a.author, a.text) for a in record.addenda] == [
        (NOW, ACTOR, "Correction: it was Friday")]
    assert record.content.purpose == "Statutory visit"
    with store.session(ACTOR) as session, pytest.raises(visits.VisitError, match="no such"):
        visits.add_addendum(session, uuid.uuid4(), "x", actor=ACTOR, now=NOW)


# ---------------------------------------------------------------- the list and its gaps


def test_the_list_marks_gaps_longer_than_policy_and_the_open_one(store, child_id):
    """WIR 2.11 (England default 20 working days): plan start 1 Sep → due 29 Sep; a visit on
    5 Oct ended a 4-working-day-late gap; 5 Oct → 2 Nov, seen 30 Oct in time; from 30 Oct the
    next was due 27 Nov, so on 23 Nov nothing is open. A not-seen visit does not count."""
    for at, seen in ((datetime(2026, 10, 5, 10), True), (datetime(2026, 10, 20, 10), False),
                     (datetime(2026, 10, 30, 10), True)):
        c = content(at, child_seen=seen, **({} if seen else {
            "analysis": "No answer: not seen."}))
        finalise(store, child_id, c)
    with store.read() as session:
        listing = visits.list_visits(session, child_id, cases.store_policy(session), TODAY)
    by_day = {v.visited_at.date(): v for v in listing.visits}
    late = by_day[date(2026, 10, 5)].gap
    assert (late.after, late.due, late.days_late) == (date(2026, 9, 1), date(2026, 9, 29), 4)
    assert by_day[date(2026, 10, 30)].gap is None
    assert by_day[date(2026, 10, 20)].gap is None
    assert listing.open_gap is None
    with store.read() as session:
        later = visits.list_visits(session, child_id, cases.store_policy(session),
                                   date(2026, 12, 4))
    assert later.open_gap.after == date(2026, 10, 30) and later.open_gap.days_late == 5


def test_history_keeps_the_period_asked_for(store, child_id):
    for day in (date(2026, 9, 20), date(2026, 10, 5), date(2026, 11, 2)):
        finalise(store, child_id, content(datetime.combine(day, datetime.min.time())
                                          .replace(hour=11)))
    with store.read() as session:
        h = visits.history(session, child_id, date(2026, 10, 1), date(2026, 10, 31),
                           cases.store_policy(session), TODAY)
    assert [r.visited_at.date() for r in h.visits] == [date(2026, 10, 5)]
    assert (h.child_name, h.start, h.end) == ("Leo Marsh", date(2026, 10, 1), date(2026, 10, 31))
    assert "20 working days" in h.rule


def test_waiting_for_the_lock_does_not_lose_a_save(store, child_id):
    """Two writers: the draft saver queues for the write lock (BEGIN IMMEDIATE) rather than
    failing while another transaction holds it."""
    with store.session(ACTOR) as session:
        draft = visits.start_draft(session, child_id, ACTOR, NOW)

    def write(c):
        with store.session(ACTOR) as session:
            visits.save_draft(session, draft.id, c)

    saver = drafts.DraftSaver(write)
    with store.session(ACTOR) as session:
        session.exec(select(Visit)).all()  # this transaction now holds the write lock
        saver.submit(content(NOW, education="In school every day"))
        time.sleep(0.2)
    assert saver.flush(10)
    saver.close()
    with store.read() as session:
        assert visits.load_draft(session, draft.id).content.education == "In school every day"


def test_the_caseload_flags_a_child_with_a_visit_draft_waiting(store, child_id):
    """A visit typed but not finalised is not lost, and not forgotten either."""
    from cintui.casework.caseload import load_caseload

    with store.read() as session:
        row = next(r for r in load_caseload(session, TODAY) if r.id == child_id)
        assert "Draft visit" not in row.flags
    with store.session(ACTOR) as session:
        visits.start_draft(session, child_id, ACTOR, NOW)
    with store.read() as session:
        row = next(r for r in load_caseload(session, TODAY) if r.id == child_id)
    assert row.flags[0] == "Draft visit"


def test_a_visit_after_midnight_in_summer_counts_on_its_english_day(store, child_id):
    """The visit clock (WIR 2.11) counts from the day in England: 00:30 BST on 1 Oct is
    30 Sep 23:30 UTC, and the next visit is due 20 working days after 1 Oct (29 Oct)."""
    from cintui.casework.caseload import load_caseload

    finalise(store, child_id, content(datetime(2026, 10, 1, 0, 30)))
    with store.read() as session:
        row = next(r for r in load_caseload(session, date(2026, 10, 2)) if r.id == child_id)
        child = cases.find_child(session, "Leo Marsh")
        engine = next(d for d in cases.child_deadlines(session, child, date(2026, 10, 2))
                      if d.key == "visit")
    assert row.last_visit == date(2026, 10, 1)
    assert row.next_visit.due == engine.due == date(2026, 10, 29)


def test_the_chronology_shows_each_visit_with_its_author_and_each_addendum(store, child_id):
    """BEX 4 / DOMAIN.md §9: the chronology has every dated event; a correction appears as an
    addendum under its own date, not as a changed visit."""
    from cintui.casework import record

    visit_id = finalise(store, child_id, content(datetime(2026, 11, 20, 10, 0),
                                                 kind="school", bedroom_seen=False))
    with store.session(ACTOR) as session:
        visits.add_addendum(session, visit_id, "GP appointment is on 4 Dec", actor=ACTOR,
                            now=NOW)
    with store.read() as session:
        entries = [e for e in record.chronology(session, child_id, TODAY) if e.kind == "visit"]
    assert [(e.summary, e.who) for e in entries] == [
        ("School visit: child seen alone", ACTOR),
        ("Addendum to the visit of 20 Nov 2026", ACTOR)]
    assert entries[1].detail == "GP appointment is on 4 Dec"


def test_a_bulk_inserted_draft_keeps_its_text_out_of_the_audit_log(store, child_id):
    """The same rule for a draft written in bulk (the demo) as for one a worker starts."""
    from cintui.store import audit
    from cintui.store.models import new_id, utcnow

    row = {"id": new_id(), "created_at": utcnow(), "updated_at": utcnow(), "kind": "visit",
           "child_id": child_id, "owner": ACTOR, "subject_id": None,
           "payload": json.dumps({"purpose": "Secret words"}), "saved_at": utcnow()}
    with store.session(ACTOR) as session:
        audit.insert_rows(session, Draft, [row])
    with store.read() as session:
        entry = session.exec(select(AuditEntry).where(
            AuditEntry.entity_id == row["id"].hex)).one()
    assert "Secret words" not in entry.changes and json.loads(entry.changes)["owner"]
