"""The caseload query: who is in view, what is due, flags — with a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from cintui.casework import caseload, cases
from cintui.casework.caseload import filter_rows, load_caseload
from cintui.reference import policies
from cintui.store import fast
from cintui.store.engine import open_store
from cintui.store.models import Consent, Meeting, Visit
from tests.conftest import TODAY, connect, reading


@pytest.fixture
def reader(demo_store, store_kind):
    """The first-paint reader on a file; on a server (which it cannot read) the store's."""
    if store_kind == "postgresql":
        with reading(demo_store) as rows:
            yield SimpleNamespace(rows=lambda sql, params=None: rows(sql, params or {}))
        return
    r = fast.open_reader(demo_store, None)
    yield r
    r.close()


def load(reader, **kw):
    return load_caseload(reader, TODAY, **kw)


def workers(path):
    store = open_store(path, None)
    with store.read() as session:
        out = cases.list_workers(session), caseload.list_children(session, TODAY,
                                                                      open_only=True)
    store.close()
    return out


def test_views_hold_the_right_children(reader, demo_store):
    staff, open_children = workers(demo_store)
    everyone = load(reader, view="everyone")
    assert {r.reference for r in everyone} == {c.reference for c in open_children}
    busiest = max(staff, key=lambda w: w.open_children)
    mine = load(reader, view="mine", worker_username=busiest.username)
    assert len(mine) == busiest.open_children
    assert {r.worker_username for r in mine} == {busiest.username}
    team = load(reader, view="team", worker_username=busiest.username)
    assert len(team) == sum(w.open_children for w in staff if w.team == busiest.team)
    assert load(reader, view="mine", worker_username=None) == []


def test_next_visit_and_review_match_the_timescale_engine_on_the_child_record(reader,
                                                                            demo_store):
    """The caseload and the child's record agree on every child's next visit (WIR 2.11: 20
    working days; BEX 3: 4 weeks) and next meeting (WIR 2.3: the initial meeting until it is
    held, then reviews): date, working days left and state."""
    rows = {r.reference: r for r in load(reader, view="everyone")}
    store = open_store(demo_store, None)
    states, kinds = set(), set()
    with store.read() as session:
        for ref, row in rows.items():
            child = cases.find_child(session, ref)
            due = {d.key: d for d in cases.child_deadlines(session, child, TODAY)}
            assert row.next_visit == due.get("visit"), ref
            # The next CIN meeting: the planning meeting until one is held, then reviews.
            meeting = next((due[k] for k in ("initial_meeting", "transfer_in_meeting",
                                             "first_review", "review") if k in due), None)
            assert row.next_meeting == meeting, ref
            kinds.add(meeting.key if meeting else None)
            if row.next_visit:
                states.add(row.next_visit.state)
    store.close()
    assert len(states) >= 2  # the demo store has visits both overdue and in time
    assert {"initial_meeting", "review"} <= kinds  # a planning meeting still to hold, too


def _child_with_visit_clock(reader):
    return next(r for r in load(reader, view="everyone") if r.next_visit is not None)


def test_a_visit_where_the_child_was_not_seen_does_not_reset_the_clock(reader, demo_store):
    """WIR 2.11: the child must be seen; an unseen visit does not restart the 20 wd clock."""
    row = _child_with_visit_clock(reader)
    store = open_store(demo_store, None)
    with store.session("test.worker") as session:
        session.add(Visit(child_id=row.id, visited_at=datetime.combine(TODAY, datetime.min.time(),
                                                                        tzinfo=UTC),
                          child_seen=False, seen_alone=False, status="final"))
    store.close()
    after = next(r for r in load(reader, view="everyone") if r.id == row.id)
    assert after.next_visit.due == row.next_visit.due
    assert after.last_visit == row.last_visit


def test_flags_for_missing_consent_and_overdue_minutes(reader, demo_store):
    """DOMAIN.md §2 (consent to a CIN service) and BEX 3 (minutes within 10 working days)."""
    row = next(r for r in load(reader, view="everyone") if r.next_visit is not None)
    store = open_store(demo_store, None)
    with store.session("test.worker") as session:
        for consent in session.exec(select(Consent).where(Consent.child_id == row.id)).all():
            session.delete(consent)
        session.add(Meeting(child_id=row.id, kind="review", held=True,
                            held_on=TODAY - timedelta(days=40)))
    store.close()
    after = next(r for r in load(reader, view="everyone") if r.id == row.id)
    assert "No valid consent" in after.flags
    # WIR 2.3: the plan goes out with the minutes; both late, one flag says both.
    assert "Minutes and plan overdue" in after.flags


def test_consent_to_the_service_alone_decides_the_flag_as_on_the_record(reader, demo_store):
    """WAR 4.2: the caseload's "No valid consent" is about consent to a CIN service, as the
    child's record says it, for every child (the caseload reads only that scope). Consent
    to share information or to a meeting does not stand in for it."""
    from cintui.casework import record
    from cintui.casework.caseload import CONSENT_BEFORE_SUPPORT, NO_CONSENT

    rows = load(reader, view="everyone")
    row = next(r for r in rows if "No valid consent" not in r.flags
               and CONSENT_BEFORE_SUPPORT not in r.flags)
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            for r in rows:
                valid = record.consent_status(session, r.id, TODAY).valid_for_service
                missing = {NO_CONSENT, CONSENT_BEFORE_SUPPORT} & set(r.flags)
                assert (not missing) == valid, r.reference
        with store.session("test.worker") as session:
            kept = session.exec(select(Consent).where(Consent.child_id == row.id)).all()
            for consent in kept:
                if consent.scope == "service":
                    session.delete(consent)
            left = {c.scope for c in kept if c.scope != "service"}
    finally:
        store.close()
    assert left  # the child still has its other consents
    after = next(r for r in load(reader, view="everyone") if r.id == row.id)
    assert "No valid consent" in after.flags


def test_consent_missing_before_any_service_is_flagged_as_needed_before_support_war_4_2(
        reader, demo_store):
    """WAR 4.2: consent to a CIN service is recorded "before support is given". A child at
    the referral read "No valid consent" on the caseload while the due list said it was
    needed before support starts; the caseload now says so too, and "No valid consent"
    once support has started."""
    from cintui.casework.caseload import CONSENT_BEFORE_SUPPORT, NO_CONSENT

    store = open_store(demo_store, None)
    try:
        with store.session("test.worker") as session:
            child_id = cases.add_child(session, cases.NewChild(
                first_name="Jude", last_name="Smith", dob=date(2015, 5, 10), reference="CS9",
                referral_date=TODAY - timedelta(days=3)), TODAY).id

        def flags() -> list[str]:
            return next(r for r in load(reader, view="everyone") if r.id == child_id).flags

        assert CONSENT_BEFORE_SUPPORT in flags() and NO_CONSENT not in flags()
        with store.session("test.worker") as session:
            episode = cases.current_episode(session, child_id)
            episode.support_started = TODAY
            session.add(episode)
        assert NO_CONSENT in flags() and CONSENT_BEFORE_SUPPORT not in flags()
    finally:
        store.close()


def test_a_fixed_number_of_queries_whatever_the_size(reader):
    calls = []

    def counting(sql, params):
        calls.append(sql)
        return reader.rows(sql, params)

    policy = policies.load_policy("england")
    load_caseload(counting, TODAY, policy=policy, view="everyone")
    everyone = len(calls)
    calls.clear()
    staff = reader.rows("SELECT username FROM worker LIMIT 1")[0][0]
    load_caseload(counting, TODAY, policy=policy, view="mine", worker_username=staff)
    assert everyone == len(calls) == 7


def test_filter_matches_every_word_in_name_reference_or_worker(reader):
    rows = load(reader, view="everyone")
    target = rows[3]
    first, last = target.name.split()[0], target.name.split()[-1]
    assert target in filter_rows(rows, f"{last.upper()} {first.lower()}")
    assert filter_rows(rows, target.reference) == [target]
    assert filter_rows(rows, "zzzz-nobody") == []


def test_the_filter_finds_names_as_typed_on_an_english_keyboard(reader, demo_store):
    """ "zoe lukasiewicz" finds Zoë Łukasiewicz; a name imported decomposed (e + ◌̈) is
    found as typed composed."""
    target = load(reader, view="everyone")[3]
    with connect(demo_store) as conn:
        conn.execute("UPDATE child SET first_name = ?, last_name = ? WHERE reference = ?",
                     ("Zoe\u0308", "Łukasiewicz", target.reference))
    rows = load(reader, view="everyone")
    found = filter_rows(rows, "zoe lukasiewicz")
    assert [r.reference for r in found] == [target.reference]
    assert filter_rows(rows, "Zo\u00eb ŁUKASIEWICZ") == found


def test_a_fixed_number_of_sql_statements_through_sqlalchemy(demo_store):
    """Counted at the driver (before_cursor_execute): the same seven statements
    for 'everyone' and for one worker's caseload — never one per child."""
    from sqlalchemy import event

    store = open_store(demo_store, None)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):  # not the read transaction's BEGIN
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.read() as session:
            everyone = load_caseload(session, TODAY, view="everyone")
            n_everyone = len(statements)
            statements.clear()
            staff = next(r.worker_username for r in everyone if r.worker_username)
            mine = load_caseload(session, TODAY, view="mine", worker_username=staff)
            n_mine = len(statements)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
        store.close()
    assert len(everyone) > len(mine) > 0
    assert n_everyone == n_mine == 7


def test_every_source_gives_the_same_caseload(reader, demo_store):
    """The first-paint reader, a DB-API connection, a SQLAlchemy session: one answer."""
    from cintui.casework.caseload import reading

    by_reader = load(reader, view="everyone")
    store = open_store(demo_store, None)
    try:
        with reading(store) as rows:
            by_dbapi = load_caseload(rows, TODAY, view="everyone")
        with store.read() as session:
            by_session = load_caseload(session, TODAY, view="everyone")
    finally:
        store.close()
    assert by_reader == by_dbapi == by_session


def test_an_unknown_view_is_refused(reader):
    with pytest.raises(ValueError):
        load(reader, view="somebody")


def test_the_caseload_reads_visits_meetings_and_plans_from_their_indexes(sqlite_demo_store):
    """Issue 21: the everyone view of 5,000 children read every visit's recorded headings and
    every need's text, decrypting each page, to count dates and ratings. Revision 0026's
    indexes hold what the caseload reads, so SQLite never opens those rows."""
    reader = fast.open_reader(sqlite_demo_store, None)
    ids = caseload.ids_sql("everyone")
    wide = ("visit", "meeting", "plan_version", "plan_need", "plan_action")
    try:
        for sql in (caseload._VISITS, caseload._MEETINGS, caseload._PLANS):
            steps = [row[-1] for row in reader.rows("EXPLAIN QUERY PLAN " + sql.format(ids=ids),
                                                    {"username": "", "team": ""})]
            opened = [step for step in steps if step.split()[:2] in (["SCAN", t] for t in wide)
                      or (step.startswith("SEARCH") and step.split()[1] in wide
                          and "COVERING INDEX" not in step)]
            assert opened == [], (sql, steps)
    finally:
        reader.close()


def test_rag_counts_come_from_the_plan_in_force(demo_store, reader):
    from cintui.casework import plans

    rows = {r.id: r for r in load(reader, view="everyone")}
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            for row in list(rows.values())[:15]:
                plan = plans.current_plan(session, row.id)
                counts = plan.rag_counts() if plan else {"R": 0, "A": 0, "G": 0}
                assert (row.red, row.amber, row.green) == (counts["R"], counts["A"],
                                                           counts["G"])
    finally:
        store.close()
    assert any(r.red for r in rows.values()) and any(r.green for r in rows.values())


def test_an_amber_action_without_owner_or_date_is_flagged_wir_2_3(demo_store, reader):
    from dataclasses import replace

    from cintui.casework import plans

    clean = next(r for r in load(reader, view="everyone")
                 if r.amber and "Amber without owner or date" not in r.flags)
    store = open_store(demo_store, None)
    try:
        with store.session("test.worker") as session:
            vid = plans.start_version(session, clean.id, TODAY)
            draft = plans.load_version(session, vid)
            i = next(i for i, n in enumerate(draft.needs) if n.rag == "A")
            need = draft.needs[i]
            unowned = replace(need, actions=(replace(need.actions[0], who=""),
                                             *need.actions[1:]))
            needs = (*draft.needs[:i], unowned, *draft.needs[i + 1:])
            plans.save_draft(session, vid, replace(draft, needs=needs), TODAY)
            plans.agree_version(session, vid, TODAY, agreed_by="Test Worker")
    finally:
        store.close()
    after = next(r for r in load(reader, view="everyone") if r.id == clean.id)
    assert "Amber without owner or date" in after.flags


def test_minutes_not_yet_sent_show_their_due_date_until_done(reader, demo_store):
    """BEX 3 / England default: minutes within 10 working days; the caseload shows the due
    date until they are circulated (issue 6), then nothing."""
    row = next(r for r in load(reader, view="everyone")
               if r.next_visit is not None and not any(f.startswith("Minutes") for f in r.flags))
    store = open_store(demo_store, None)
    with store.session("test.worker") as session:
        meeting = Meeting(child_id=row.id, kind="review", held=True, status="held",
                          held_on=date(2026, 11, 20))
        session.add(meeting)
    after = next(r for r in load(reader, view="everyone") if r.id == row.id)
    assert "Minutes due 4 Dec" in after.flags  # Fri 20 Nov + 10 working days
    with store.session("test.worker") as session:
        m = session.get(Meeting, meeting.id)
        m.minutes_circulated = m.plan_circulated = date(2026, 11, 23)
        session.add(m)
    store.close()
    done = next(r for r in load(reader, view="everyone") if r.id == row.id)
    assert not any(f.startswith("Minutes") for f in done.flags)
