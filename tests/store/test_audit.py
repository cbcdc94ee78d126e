"""The audit trail: every change recorded with who, when and what; tampering found by verify."""

from __future__ import annotations

import json
import stat
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from cintui.reference.codes import InvalidCode
from cintui.store import audit, chain
from cintui.store.audit import AuditError, AuditReport, verify
from cintui.store.models import AuditEntry, Child, InvalidRow, StoreMeta
from tests.store.conftest import add_child, make_child


def entries(store) -> list[AuditEntry]:
    with store.read() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all())


def children(store) -> list[Child]:
    with store.read() as session:
        return list(session.exec(select(Child)).all())


def tamper(store, sql: str) -> None:
    """Change audit_log as someone holding the key could: drop the triggers that stop a
    buggy program (they cannot stop a person), then edit. The hash chain must catch it."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
        conn.exec_driver_sql(sql)


@pytest.fixture
def store(plain_store):
    return plain_store


# ------------------------------------------------------------------ what is recorded


def test_adding_a_child_records_who_what_and_when(store):
    child = add_child(store, actor="sw.khan", first_name="Poppy", dob=date(2016, 7, 4))
    [entry] = entries(store)
    assert (entry.seq, entry.actor, entry.action) == (1, "sw.khan", "insert")
    assert (entry.entity, entry.entity_id) == ("child", child.id.hex)
    changes = json.loads(entry.changes)
    assert changes["first_name"] == [None, "Poppy"]
    assert changes["dob"] == [None, "2016-07-04"]
    assert changes["id"] == [None, child.id.hex]
    assert entry.at.tzinfo is not None and entry.prev_hash == "0" * 64


def test_changes_are_stored_in_one_canonical_form(store):
    add_child(store)
    raw = entries(store)[0].changes
    assert raw == json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"),
                             ensure_ascii=False)


def test_changing_a_child_records_only_what_changed_before_and_after(store):
    child = add_child(store, first_name="Mila")
    with store.session("sw.lee") as session:
        row = session.get(Child, child.id)
        row.first_name = "Milla"
        row.known_as = "Mills"
        row.last_name = row.last_name  # not a change
    entry = entries(store)[-1]
    assert (entry.action, entry.actor) == ("update", "sw.lee")
    assert json.loads(entry.changes) == {"first_name": ["Mila", "Milla"],
                                         "known_as": ["", "Mills"]}
    assert children(store)[0].updated_at > child.updated_at


def test_a_change_to_a_record_loaded_elsewhere_still_knows_the_old_value(store):
    child = add_child(store, first_name="Rory")
    with store.session("sw.lee") as session:
        row = session.get(Child, child.id)
        session.expire(row)  # old values no longer in memory
        row.first_name = "Roar"
    assert json.loads(entries(store)[-1].changes) == {"first_name": ["Rory", "Roar"]}


def test_deleting_a_child_records_what_was_there(store):
    child = add_child(store, first_name="Kai")
    with store.session("sw.lee") as session:
        row = session.get(Child, child.id)
        session.expire(row)
        session.delete(row)
    entry = entries(store)[-1]
    assert (entry.action, entry.entity_id) == ("delete", child.id.hex)
    assert json.loads(entry.changes)["first_name"] == ["Kai", None]
    assert children(store) == []


def test_saving_without_changes_records_nothing(store):
    child = add_child(store)
    with store.session("sw.lee") as session:
        session.get(Child, child.id)
    assert len(entries(store)) == 1


def test_a_store_setting_changed_is_audited_like_any_record(store):
    """Issue "Trust": `cintui policy use` changes every statutory clock: who changed the
    store's policy, when, and from what, is in the trail."""
    with store.session("sw.lee") as session:
        session.add(StoreMeta(key="policy", value="england"))
    with store.session("tm.khan") as session:
        session.get(StoreMeta, "policy").value = "bexley"
    found = [(e.actor, e.action, e.entity, e.entity_id, json.loads(e.changes))
             for e in entries(store)]
    assert found == [("sw.lee", "insert", "store_meta", "policy",
                      {"key": [None, "policy"], "value": [None, "england"]}),
                     ("tm.khan", "update", "store_meta", "policy",
                      {"value": ["england", "bexley"]})]
    assert verify(store).ok


# ------------------------------------------------------------------ what is refused


def test_a_census_code_that_does_not_exist_is_refused_and_nothing_is_written(store):
    with pytest.raises(InvalidCode, match="sex"), store.session("sw.lee") as session:
        session.add(make_child(1))
        session.add(make_child(2, sex="7"))
    assert children(store) == [] and entries(store) == []
    add_child(store)  # the store is still usable
    assert len(entries(store)) == 1


def test_a_bad_change_to_an_existing_child_is_refused(store):
    child = add_child(store)
    with pytest.raises(InvalidRow, match="status"), store.session("sw.lee") as session:
        session.get(Child, child.id).status = "lost"
    assert children(store)[0].status == "referral"
    assert len(entries(store)) == 1


def test_an_abandoned_transaction_leaves_no_audit_entry(store):
    with pytest.raises(RuntimeError), store.session("sw.lee") as session:
        session.add(make_child())
        session.flush()  # written and audited inside the transaction ...
        raise RuntimeError("... then the worker pressed Escape")
    assert children(store) == [] and entries(store) == []


def test_an_undone_step_inside_a_transaction_keeps_the_chain_whole(store):
    with store.session("sw.lee") as session:
        session.add(make_child(1))
        step = session.begin_nested()
        session.add(make_child(2))
        session.flush()
        step.rollback()
        session.add(make_child(3))
    assert [e.seq for e in entries(store)] == [1, 2]
    assert verify(store).ok


def test_a_kept_step_is_noted_outside_the_store_only_once_committed(store):
    with store.session("sw.lee") as session:
        session.add(make_child(1))
        with session.begin_nested():
            session.add(make_child(2))
        assert chain.recorded_head(store.store_id) is None
    assert chain.recorded_head(store.store_id) == (2, entries(store)[-1].hash)


def test_audit_entries_cannot_be_written_changed_or_deleted_through_the_store(store):
    add_child(store)
    with pytest.raises(AuditError), store.session("sw.lee") as session:
        session.add(AuditEntry(actor="x", action="insert", entity="child", entity_id="x",
                               changes="{}", prev_hash="0", hash="0"))
    with pytest.raises(AuditError), store.session("sw.lee") as session:
        session.exec(update(Child).values(first_name="Everyone"))
    for sql in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.exec_driver_sql(sql)
    assert len(entries(store)) == 1


def test_a_write_without_an_actor_is_refused(store):
    session = store._writer()
    try:
        session.add(make_child())
        with pytest.raises(AuditError):
            session.flush()
    finally:
        session.close()


# ------------------------------------------------------------------ speed


def test_many_rows_in_one_transaction_read_the_chain_once(store):
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement))
    with store.session("demo") as session:
        session.add_all(make_child(n) for n in range(1, 501))
    on_audit = [s.split()[0] for s in statements if "audit_log" in s]
    assert on_audit == ["SELECT", "INSERT"]  # one read of the head, one executemany
    assert len(entries(store)) == 500


# ------------------------------------------------------------------ verify


def fill(store, n: int = 5) -> None:
    for i in range(1, n + 1):
        add_child(store, i)


def test_an_untouched_trail_verifies(store):
    assert verify(store) == AuditReport(True, 0, None, "")
    fill(store)
    assert verify(store) == AuditReport(True, 5, None, "")


def behind_the_apps_back(store, sql: str) -> None:
    """Change a table directly, as someone holding the key could (sqlite3, psql)."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql(sql)


def test_verify_replays_the_trail_and_names_a_record_changed_behind_its_back(store):
    """Issue "Trust": a child's name changed directly in the store passes the hash chain;
    replaying the trail against the table catches it, and says which record and what."""
    fill(store)
    behind_the_apps_back(store, "UPDATE child SET last_name = 'Tampered' "
                                "WHERE reference = 'CIN000002'")
    report = verify(store)
    assert not report.ok and report.first_broken_seq is None
    assert report.problem.startswith("1 record differs from its audit history")
    assert report.unaudited == (
        'child CIN000002 changed outside cintui: last_name is "Tampered", its history says '
        '"Child2"',)


def test_verify_names_records_deleted_or_added_behind_its_back(store):
    fill(store)
    behind_the_apps_back(store, "DELETE FROM child WHERE reference = 'CIN000003'")
    with store.engine.begin() as conn:
        conn.execute(Child.__table__.insert(), [make_child(99).model_dump()])
    lines = verify(store).unaudited
    assert any(line.endswith("deleted outside cintui (no audit entry)")
               and line.startswith("child ") for line in lines)
    assert "child CIN000099 added outside cintui (no audit entry)" in lines
    assert len(lines) == 2


def test_verify_finds_an_edited_entry(store):
    fill(store)
    tamper(store, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 3")
    report = verify(store)
    assert (report.ok, report.first_broken_seq) == (False, 3)
    assert "changed" in report.problem


def test_verify_finds_a_deleted_entry_in_the_middle(store):
    fill(store)
    tamper(store, "DELETE FROM audit_log WHERE seq = 2")
    report = verify(store)
    assert (report.ok, report.first_broken_seq) == (False, 2)
    assert "missing" in report.problem


def test_verify_finds_the_newest_entries_deleted(store):
    fill(store)
    tamper(store, "DELETE FROM audit_log WHERE seq >= 4")  # the chain itself looks fine
    report = verify(store)
    assert (report.ok, report.first_broken_seq, report.entries) == (False, 4, 3)
    assert "newest entries were deleted" in report.problem


def test_verify_finds_a_rewritten_newest_entry(store):
    fill(store, 3)
    last = entries(store)[-1]
    forged = audit.entry_hash(last.prev_hash, 3, last.at, "someone else", last.action,
                              last.entity, last.entity_id, last.changes)
    tamper(store, f"UPDATE audit_log SET actor = 'someone else', hash = '{forged}' "
                  "WHERE seq = 3")
    report = verify(store)
    assert (report.ok, report.first_broken_seq) == (False, 3)


def test_entries_written_after_the_last_recorded_head_are_a_note_not_a_fault(
        store, config_dir):
    fill(store, 3)
    heads = json.loads((config_dir / chain.HEADS_FILE).read_text())
    second = entries(store)[1]
    heads[store.store_id] = {"seq": 2, "hash": second.hash}  # as if we died before noting 3
    (config_dir / chain.HEADS_FILE).write_text(json.dumps(heads))
    report = verify(store)
    assert report.ok and report.entries == 3
    assert "after the last recorded one" in report.problem


def test_without_a_recorded_head_verify_says_what_it_cannot_check(store, config_dir):
    fill(store, 2)
    (config_dir / chain.HEADS_FILE).unlink()
    report = verify(store)
    assert report.ok and "cannot be ruled out" in report.problem


def test_the_head_is_kept_outside_the_store_in_a_private_file(store, config_dir):
    fill(store, 2)
    path = config_dir / chain.HEADS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    head = json.loads(path.read_text())[store.store_id]
    assert head == {"seq": 2, "hash": entries(store)[-1].hash}
    assert not list(config_dir.glob(".audit-heads.*"))  # no temporary files left


def test_an_older_head_never_replaces_a_newer_one(store, config_dir):
    fill(store, 2)
    chain.record_head(store.store_id, 1, "0" * 64)
    assert chain.recorded_head(store.store_id)[0] == 2


def test_the_report_cannot_be_altered():
    with pytest.raises(FrozenInstanceError):
        AuditReport(True, 0).ok = False  # type: ignore[misc]


def test_verify_works_on_an_encrypted_store(encrypted_store):
    fill(encrypted_store, 3)
    assert verify(encrypted_store).ok
    with encrypted_store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 3
    with encrypted_store.read() as session:
        assert session.exec(select(func.count()).select_from(Child)).one() == 3


# `verify` compares each column as the trail holds it (`audit._norm`): its quick way for a
# text, a number, a yes/no or nothing must agree with the JSON round trip it stands for.
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.just(UTC)), st.uuids(),
    st.datetimes().map(lambda at: at.isoformat(sep=st_sep(at))),  # SQLite's text instant
    st.from_regex(r"\A\d{4}-\d\d-\d\d[ T].{0,12}\Z"),  # looks like one, may not be
)


def st_sep(at) -> str:
    return " " if at.microsecond % 2 else "T"


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_a_value_is_compared_as_the_trail_holds_it(value):
    """Issue "Trust": a date, an instant (in either text form), an id, a text, a number all
    compare as their canonical JSON does, so nothing changed reads as a difference and
    nothing different is missed."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        try:
            value_as_trail = datetime.fromisoformat(value)
        except ValueError:
            value_as_trail = value
    else:
        value_as_trail = value
    assert audit._norm(value) == json.loads(chain.canonical(value_as_trail))


# ------------------------------------------------------------------ others' changes


def test_the_newest_entry_and_the_entries_this_store_wrote_are_known(store):
    """screens/live.py: "has anything changed?" is the newest entry; this process's own
    writes are the entries `Store.written` names, a savepoint rolled back not among them."""
    from cintui.casework import changes
    from cintui.store.engine import open_store

    start = store.newest_entry()
    add_child(store, 1)
    mine = store.newest_entry()
    assert mine > start and store.written[-1][1] == mine
    assert changes.look(store, start).others == 0
    with store.session("sw.one") as session:
        nested = session.begin_nested()
        session.add(make_child(2))
        session.flush()
        nested.rollback()
        session.add(make_child(3))
    assert changes.look(store, mine) == changes.Seen(store.newest_entry(), 0)
    other = open_store(store.path, None)  # another process, as far as `store` knows
    try:
        add_child(other, 4, actor="sw.two")
    finally:
        other.close()
    seen = changes.look(store, mine)
    assert seen.others == 1 and seen.newest == store.newest_entry()
    assert changes.said(store, mine, seen.newest) == "Updated: sw.two added Ada Child4"


def test_the_line_for_an_open_form_is_about_its_own_child(store):
    """screens/live.py: one person changed two children's records; the line says their
    first change, but for a form open on the second child, their change to that child."""
    import uuid

    from cintui.casework import changes
    from cintui.store.engine import open_store

    start = store.newest_entry()
    second = uuid.uuid4()
    other = open_store(store.path, None)  # another process, as far as `store` knows
    try:
        add_child(other, 4, actor="sw.two")
        add_child(other, 5, actor="sw.two", id=second)
    finally:
        other.close()
    upto = store.newest_entry()
    assert changes.said(store, start, upto) == "Updated: sw.two added Ada Child4"
    assert changes.said(store, start, upto, second) == "Updated: sw.two added Ada Child5"
    assert changes.said(store, start, upto, uuid.uuid4()) == "Updated: sw.two added Ada Child4"


def test_the_line_for_an_open_form_names_a_change_made_through_its_childs_rows(demo_store):
    """screens/live.py: one person changed another child's details first, then this child's
    record only through a row of no `child_id` of its own: an addendum under the child's
    visit (WIR 2.11), or a person held for the child. The line for a form open on this child
    is that change (it said the first one, to the other child)."""
    from datetime import UTC, datetime

    from cintui.casework import changes, record, visits
    from cintui.store.engine import open_store
    from cintui.store.models import Person, Visit

    mine, other = open_store(demo_store, None), open_store(demo_store, None)  # two processes
    try:
        with mine.read() as session:
            visit, a_id = session.exec(select(Visit.id, Visit.child_id)
                                       .where(Visit.status == "final")).first()
            a = session.get(Child, a_id)
            b = session.exec(select(Child).where(Child.id != a_id)).first()
            person = record.list_people(session, a.id)[0]
        a_name, b_name = f"{a.first_name} {a.last_name}", f"{b.first_name} {b.last_name}"

        def others_changed(to_a) -> tuple[str, str]:
            """B's details changed, then A's record through `to_a`, by sw.two: the line
            for a form on A, and for no form."""
            start = mine.newest_entry()
            with other.session("sw.two") as session:
                session.get(Child, b.id).known_as = f"Bee{start}"
            with other.session("sw.two") as session:
                to_a(session)
            upto = mine.newest_entry()
            return changes.said(mine, start, upto, a.id), changes.said(mine, start, upto)

        first = f"Updated: sw.two changed {b_name}'s details"
        assert others_changed(lambda s: visits.add_addendum(
            s, visit, "Seen with her brother.", actor="sw.two",
            now=datetime(2026, 12, 1, 9, tzinfo=UTC))) == (
            f"Updated: sw.two added to a visit to {a_name}", first)
        assert others_changed(lambda s: setattr(s.get(Person, person.person_id), "name",
                                                "Rosa Quill-Ashe")) == (
            f"Updated: sw.two changed someone in {a_name}'s People", first)
    finally:
        mine.close()
        other.close()


def test_the_children_whose_records_others_changed_are_known(demo_store):
    """screens/live.py: an open form says the store changed under it only for a change to
    its own child. The children are read from the rows changed and their entries: a child's
    own row; a person, for each child they are held for; a row deleted since, from its entry;
    a worker's row is no child's. Too many entries to read: not known."""
    from cintui.casework import cases, changes, record
    from cintui.store.engine import open_store

    mine, other = open_store(demo_store, None), open_store(demo_store, None)  # two processes
    try:
        with mine.read() as session:
            a, b = (cases.find_child(session, r).id for r in ("DEMO00001", "DEMO00002"))
        start = mine.newest_entry()

        def since(write) -> frozenset | None:
            nonlocal start
            with other.session("sw.two") as session:
                write(session)
            before, start = start, mine.newest_entry()
            return changes.children_changed(mine, before, start)

        assert since(lambda s: setattr(cases.find_child(s, "DEMO00002"), "known_as",
                                       "Bee")) == {b}
        added = []
        assert since(lambda s: added.append(record.add_person(
            s, a, record.PersonInput(name="Rosa Quill", relationship="Aunt")))) == {a}
        assert since(lambda s: record.remove_person(s, a, added[0].person_id)) == {a}
        assert since(lambda s: setattr(cases.find_worker(s, "morgan.fielding"), "name",
                                       "Morgan Fielding-Ashe")) == frozenset()
        assert changes.children_changed(mine, start - changes.MOST_READ - 1, start) is None
        add_child(mine, 9)  # this process's own: not others'
        assert changes.children_changed(mine, start, mine.newest_entry()) == frozenset()
    finally:
        mine.close()
        other.close()


@pytest.mark.both_stores
def test_one_look_over_many_changes_knows_every_child_and_says_the_forms_own(demo_store):
    """screens/live.py: one person changed several children's records between two looks, in
    rows of several kinds at once (a child's details, an addendum under a visit, someone
    added to a child's People, a worker's name, someone added and taken off again: the rows
    gone, their entries saying whose). The look knows every child among them, and the line
    for a form open on each names that child's change, as a look after each change would."""
    from datetime import UTC, datetime

    from cintui.casework import cases, changes, record, visits
    from cintui.store.engine import open_store
    from cintui.store.models import Visit

    mine, other = open_store(demo_store, None), open_store(demo_store, None)  # two processes
    try:
        with mine.read() as session:
            visit, a = session.exec(select(Visit.id, Visit.child_id)
                                    .where(Visit.status == "final")).first()
            b, c = (x.id for x in session.exec(select(Child).where(Child.id != a)).all()[:2])
            name = {x: f"{session.get(Child, x).first_name} {session.get(Child, x).last_name}"
                    for x in (a, b, c)}
        start = mine.newest_entry()
        with other.session("sw.two") as session:
            session.get(Child, b).known_as = "Bee"
        with other.session("sw.two") as session:
            visits.add_addendum(session, visit, "Seen with her brother.", actor="sw.two",
                                now=datetime(2026, 12, 1, 9, tzinfo=UTC))
        with other.session("sw.two") as session:
            record.add_person(session, c, record.PersonInput(name="Rosa Quill",
                                                            relationship="Aunt"))
        with other.session("sw.two") as session:
            cases.find_worker(session, "morgan.fielding").name = "Morgan Fielding-Ashe"
        with other.session("sw.two") as session:
            gone = record.add_person(session, b, record.PersonInput(name="Ivo Quill",
                                                                   relationship="Uncle"))
        with other.session("sw.two") as session:
            record.remove_person(session, b, gone.person_id)
        upto = mine.newest_entry()
        assert changes.children_changed(mine, start, upto) == {a, b, c}
        assert changes.changed(mine, start, upto, c) == (
            f"Updated: sw.two added someone to {name[c]}'s People", {a, b, c})
        assert changes.said(mine, start, upto, a) == \
            f"Updated: sw.two added to a visit to {name[a]}"
        assert changes.said(mine, start, upto) == f"Updated: sw.two changed {name[b]}'s details"
    finally:
        mine.close()
        other.close()


def test_others_between_counts_what_is_not_ours():
    from cintui.casework.changes import others_between

    assert others_between([(3, 5), (8, 8)], 2, 10) == 4  # 6, 7, 9, 10
    assert others_between([(3, 5)], 4, 5) == 0
    assert others_between([], 7, 7) == 0


def test_a_look_during_the_stores_own_commit_waits_for_the_next(store):
    """Its own entries are committed a moment before they are known as its own: a look in
    that moment counted them as others' ("Updated from the store" after your own save)."""
    from cintui.casework import changes

    before = store.newest_entry()
    looked = []
    event.listen(store._writer, "after_commit", lambda _s: looked.append(
        changes.look(store, before)))
    add_child(store, 1)
    assert looked == [None]
    assert changes.look(store, before) == changes.Seen(store.newest_entry(), 0)
