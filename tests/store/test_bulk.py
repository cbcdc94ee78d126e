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
