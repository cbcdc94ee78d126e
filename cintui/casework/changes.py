"""What others changed in the store since an open app last looked (screens/live.py).

Every write leaves an audit entry in the same transaction, and writers queue for one lock
(SQLite: BEGIN IMMEDIATE; PostgreSQL: the advisory write lock), so the trail's newest entry
number only grows, in the order the writes committed. "Has anything changed?" is then one
read of the primary key's index (`Store.newest_entry`); the entries this process wrote are
known to its `Store` (`Store.written`), and the rest are others'. Only when there are any
is the trail read, to say in one line who changed what.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel, col, select

from cintui.casework.conflicts import who
from cintui.store.models import AuditEntry, Child

ANYTHING = "Updated from the store"
MOST_READ = 200  # entries read to say what changed: more than this, and it is "changes"
# What the first entry of another's save says they did (the others: "changed … record").
DID = {
    ("insert", "visit"): "recorded a visit to {child}",
    ("insert", "visit_addendum"): "added to a visit to {child}",
    ("insert", "meeting"): "recorded a meeting for {child}",
    ("insert", "decision"): "recorded a decision for {child}",
    ("insert", "ending"): "recorded an ending for {child}",
    ("insert", "rag_change"): "re-rated a need for {child}",
    ("insert", "consent"): "recorded consent for {child}",
    ("insert", "supervision"): "recorded supervision of {child}",
    ("insert", "reallocation"): "reallocated {child}",
    ("insert", "child"): "added {child}",
    ("update", "child"): "changed {child}'s details",
    ("insert", "child_person"): "added someone to {child}'s People",
}


@dataclass(frozen=True)
class Seen:
    """What a look at the store found: its newest entry, and how many since the last look
    were written by others (not this process)."""

    newest: int
    others: int


def look(store, after: int) -> Seen | None:
    """The store's newest entry and how many after `after` this process did not write; None
    while one of its own commits is under way (its entries not yet known as its own)."""
    started = store.commit_starts
    if store.committing:
        return None
    newest = store.newest_entry()
    others = others_between(store.written, after, newest)
    if store.committing or store.commit_starts != started:
        return None
    return Seen(newest, others)


def others_between(written: Iterable[tuple[int, int]], after: int, upto: int) -> int:
    """How many entries in (after, upto] are not among `written` (first, last)."""
    mine = sum(max(0, min(last, upto) - max(first, after + 1) + 1) for first, last in written)
    return max(0, upto - after - mine)


def said(store, after: int, upto: int) -> str:
    """One line for what others changed in (after, upto]: "Updated: Olu Other (olu.other)
    recorded a visit to Jude Adams" when one person did it (what their first change was);
    else "Updated from the store", as on a team server, where a worker's login may not read
    the trail."""
    written = list(store.written)
    try:
        with store.read() as session:
            entries = session.exec(
                select(AuditEntry.seq, AuditEntry.actor, AuditEntry.action,
                       AuditEntry.entity, AuditEntry.entity_id)
                .where(AuditEntry.seq > max(after, upto - MOST_READ), AuditEntry.seq <= upto)
                .order_by(col(AuditEntry.seq))).all()
            theirs = [e for e in entries if not any(f <= e.seq <= last for f, last in written)]
            if len({e.actor for e in theirs}) != 1 or upto - after > MOST_READ:
                return ANYTHING  # more than one person: a list of them would not be one line
            described = sorted(theirs[:20], key=lambda e: (e.action, e.entity) not in DID)
            for e in described:  # what they did, the first change that says it best
                if (child := _child_named(session, e.entity, e.entity_id)) is not None:
                    did = DID.get((e.action, e.entity), "changed {child}'s record")
                    return f"Updated: {who(session, e.actor)} {did.format(child=child)}"
            return ANYTHING
    except DBAPIError:  # a team server's worker: no reading the trail
        return ANYTHING


def _child_named(session, entity: str, entity_id: str) -> str | None:
    """The name of the child a row is about (itself, or its `child_id`), if it has one."""
    try:
        row_id = uuid.UUID(entity_id)
    except ValueError:
        return None
    table = SQLModel.metadata.tables.get(entity)
    if entity != "child":
        if table is None or "child_id" not in table.c:
            return None
        row_id = session.exec(select(table.c.child_id).where(table.c.id == row_id)).first()
        if row_id is None:
            return None
    found = session.exec(select(Child.first_name, Child.last_name)
                         .where(Child.id == row_id)).first()
    return f"{found[0]} {found[1]}" if found else None
