"""Bulk inserts (demo, imports) are checked and audited exactly like ORM writes."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cintui.reference.codes import InvalidCode
from cintui.store import audit
from cintui.store.models import AuditEntry, Child


def child_row(n: int, **values) -> dict:
    stamp = datetime(2026, 11, 23, 8, tzinfo=UTC)
    row = {key: None for key in Child.model_fields}
    row.update(id=uuid.uuid4(), created_at=stamp, updated_at=stamp, reference=f"B{n:04d}",
               first_name="Bulk", last_name=f"Child{n}", known_as="", dob=date(2016, 1, 1),
               sex="M", gender_identity="", ethnicity="WBRI", disabilities="NONE", upn="",
               primary_need="N4",
               level="", service="", status="referral")
    row.update(values)
    return row


def counts(store) -> tuple[int, int]:
    with store.read() as session:
        return (session.scalar(select(func.count()).select_from(Child)),
                session.scalar(select(func.count()).select_from(AuditEntry)))


def test_bulk_rows_are_written_with_one_audit_entry_each(plain_store):
    rows = [child_row(n) for n in range(50)]
    with plain_store.session("demo") as session:
        audit.insert_rows(session, Child, rows)
    assert counts(plain_store) == (50, 50)
    with plain_store.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).first()
    assert (entry.actor, entry.action, entry.entity) == ("demo", "insert", "child")
    assert json.loads(entry.changes)["reference"] == [None, "B0000"]
    assert audit.verify(plain_store).ok


def test_a_bad_code_in_any_bulk_row_writes_nothing(plain_store):
    """DOMAIN.md §10: coded fields are validated on write, bulk or not."""
    rows = [child_row(n) for n in range(5)] + [child_row(5, sex="7")]
    with pytest.raises(InvalidCode), plain_store.session("demo") as session:
        audit.insert_rows(session, Child, rows)
    assert counts(plain_store) == (0, 0)


def test_a_bulk_row_missing_a_column_is_refused(plain_store):
    row = child_row(1)
    del row["upn"]
    with pytest.raises(audit.AuditError, match="columns"), \
            plain_store.session("demo") as session:
        audit.insert_rows(session, Child, [row])
    assert counts(plain_store) == (0, 0)


def test_bulk_rows_read_back_and_are_audited_exactly_as_orm_inserts(plain_store):
    """The SQLite fast path stores what SQLAlchemy would and writes the same audit entry an
    ORM insert of the same child writes (only id and reference differ)."""
    bulk = child_row(1, upn_unknown="UN6", dob=None, expected_dob=date(2027, 2, 1), sex="U")
    orm = Child(**{**child_row(2, upn_unknown="UN6", dob=None, expected_dob=date(2027, 2, 1),
                                sex="U")})
    with plain_store.session("demo") as session:
        audit.insert_rows(session, Child, [bulk])
    with plain_store.session("demo") as session:
        session.add(orm)
    with plain_store.read() as session:
        back = session.get(Child, bulk["id"])
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert back.created_at.replace(tzinfo=UTC) == bulk["created_at"]
    assert (back.expected_dob, back.dob, back.reference) == (date(2027, 2, 1), None, "B0001")
    first, second = (json.loads(e.changes) for e in entries)
    for changes in (first, second):
        changes.pop("id"), changes.pop("reference"), changes.pop("last_name")
    assert first == second
    assert audit.verify(plain_store).ok


def test_a_control_character_in_any_bulk_row_is_refused_by_name(plain_store):
    """Trust: an escape sequence never reaches the store, bulk or not; the message names
    the field and the character, as for one child typed in."""
    rows = [child_row(n) for n in range(5)]
    rows[3]["known_as"] = "Sam\x1b[2J"
    with pytest.raises(ValueError, match=r"known_as: contains a control character "
                                         r"\(U\+001B ESC\)"), \
            plain_store.session("demo") as session:
        audit.insert_rows(session, Child, rows)
    assert counts(plain_store) == (0, 0)


# Any text a person might type, quotes, backslashes, accents, emoji and line feeds included.
prose = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t\"\\"),
                max_size=40)


line = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf")) | st.sampled_from("\"\\"),
               max_size=30)


serial = itertools.count()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(known_as=line, last_name=line)
def test_a_bulk_entry_records_each_value_as_an_orm_insert_would(plain_store, known_as,
                                                                 last_name):
    """The SQLite fast path writes the entry's JSON itself: for any text it is the one
    canonical form (`audit.canonical`) an ORM insert records, and the chain verifies."""
    row = child_row(next(serial), known_as=known_as, last_name=last_name or "Child",
                    updated_at=datetime(2026, 11, 24, 9, 30, 15, 7, tzinfo=UTC))
    with plain_store.session("demo") as session:
        audit.insert_rows(session, Child, [row])
    with plain_store.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.changes == audit.canonical({key: [None, value] for key, value in row.items()})
    assert json.loads(entry.changes)["known_as"] == [None, known_as]
    assert audit.verify(plain_store).ok


@given(prev=st.text("0123456789abcdef", min_size=64, max_size=64), seq=st.integers(1, 10**9),
       actor=prose, entity_id=prose, changes=prose)
def test_each_link_of_the_chain_is_the_hash_of_the_canonical_entry(prev, seq, actor,
                                                                     entity_id, changes):
    """`audit verify` on a store written by any earlier cintui: a link is SHA-256 of the
    previous hash and the canonical JSON of [seq, at, actor, action, entity, id, changes]."""
    at = "2026-11-23T08:00:00.000000+00:00"
    body = audit.canonical([seq, at, actor, "insert", "child", entity_id, changes])
    assert audit.entry_hash(prev, seq, datetime(2026, 11, 23, 8, tzinfo=UTC), actor, "insert",
                            "child", entity_id, changes) == \
        hashlib.sha256((prev + body).encode()).hexdigest()


def _stored(value):
    """What SQLite keeps of one value (SQLAlchemy's SQLite types: ids as hex, dates as ISO
    text, instants as the wall time given, booleans as 0 and 1)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return int(value) if isinstance(value, bool) else value


instants = st.datetimes(timezones=st.sampled_from([UTC]))
# Columns of one kind, with or without nulls, and columns of mixed kinds (a value unlike its
# column's others must be written as itself, not as its neighbours).
values = st.one_of(st.none(), prose, st.uuids(), st.dates(), instants, st.booleans(),
                   st.integers(-2**40, 2**40))
columns = st.one_of(
    *(st.lists(kind, min_size=3, max_size=3) for kind in
      (prose, st.uuids(), st.dates(), instants, st.booleans(), st.integers())),
    *(st.lists(st.none() | kind, min_size=3, max_size=3) for kind in (prose, st.uuids())),
    st.lists(values, min_size=3, max_size=3))


@given(table=st.lists(columns, min_size=1, max_size=6), quiet=st.sets(st.integers(0, 5)))
def test_every_kind_of_column_is_stored_and_audited_as_each_value_alone_would_be(table, quiet):
    """`chain.sqlite_rows` converts column by column (issue 21: the demo's speed); each row
    is still what SQLite stores of each of its values, and each entry the canonical JSON of
    the row's columns but the quiet ones, whatever the mix of kinds in a column."""
    from cintui.store import chain

    keys = tuple(f"c{n}%s" if n == 2 else f"c{n}" for n in range(len(table)))  # % is text
    rows = [{key: column[r] for key, column in zip(keys, table, strict=True)} for r in range(3)]
    hidden = {keys[n] for n in quiet if n < len(keys)}
    stored, bodies = chain.sqlite_rows(keys, hidden, rows)
    assert stored == [tuple(_stored(row[key]) for key in keys) for row in rows]
    assert bodies == [audit.canonical({key: [None, value] for key, value in row.items()
                                       if key not in hidden}) for row in rows]


def test_a_bulk_row_is_checked_by_its_models_rules_and_a_row_with_none_for_its_text(
        plain_store):
    """A bulk insert skips the row-by-row checks of a model `check_row` has no rules for
    (issue 21: a third of the demo's rows): every model with a rule is still checked row by
    row (a decision without its rationale, BEX 4), and a model without one for its text."""
    from cintui.store import models as m

    assert m._has_row_rules(m.Decision) and m._has_row_rules(m.Child)
    assert not m._has_row_rules(m.ChildPerson) and not m._has_row_rules(m.Family)
    stamp = datetime(2026, 11, 23, 8, tzinfo=UTC)
    decision = {key: None for key in m.Decision.model_fields} | {
        "id": uuid.uuid4(), "created_at": stamp, "updated_at": stamp, "child_id": uuid.uuid4(),
        "kind": "closure", "decision": "Close the case.", "rationale": " ", "made_by": "A Lead",
        "made_by_role": "", "made_on": date(2026, 11, 23)}
    decision = {key: decision[key] for key in m.Decision.model_fields}
    with pytest.raises(ValueError, match="rationale"), \
            plain_store.session("demo") as session:
        audit.insert_rows(session, m.Decision, [decision])
    family = {key: None for key in m.Family.model_fields} | {
        "id": uuid.uuid4(), "created_at": stamp, "updated_at": stamp, "name": "Ashdown",
        "address": "Flat 2\x1b[31m"}
    with pytest.raises(ValueError, match=r"address: contains a control character"), \
            plain_store.session("demo") as session:
        audit.insert_rows(session, m.Family, [family])
    assert counts(plain_store) == (0, 0)


@given(prev=st.text("0123456789abcdef", min_size=64, max_size=64), seq=st.integers(0, 10**9),
       actor=prose, entries=st.lists(st.tuples(st.sampled_from(["insert", "update", "de\"l"]),
                                               st.sampled_from(["child", "visit"]), prose,
                                               prose), max_size=5))
def test_entries_written_together_are_linked_as_each_alone_would_be(prev, seq, actor, entries):
    """`chain.links` (a bulk write's entries, what they share quoted once: issue 21) makes
    the hashes `link` makes entry by entry, so `audit verify` holds them."""
    from cintui.store import chain

    at = "2026-11-23T08:00:00.000000+00:00"
    expected, head = [], prev
    for n, (action, entity, entity_id, changes) in enumerate(entries, start=seq + 1):
        digest = chain.link(head, n, at, actor, action, entity, entity_id, changes)
        expected.append((n, head, digest))
        head = digest
    assert list(chain.links(prev, seq, at, actor, entries)) == expected
