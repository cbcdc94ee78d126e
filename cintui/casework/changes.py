"""What others changed in the store since an open app last looked (screens/live.py).

Every write leaves an audit entry in the same transaction, and writers queue for one lock
(SQLite: BEGIN IMMEDIATE; PostgreSQL: the advisory write lock), so the trail's newest entry
number only grows, in the order the writes committed. "Has anything changed?" is then one
read of the primary key's index (`Store.newest_entry`); the entries this process wrote are
known to its `Store` (`Store.written`), and the rest are others'. Only when there are any
is the trail read, to say in one line who changed what.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel, col, select

from cintui.casework.conflicts import who
from cintui.casework.privacy import FAMILY
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
    ("update", "person"): "changed someone in {child}'s People",
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


def _theirs(session, written: list[tuple[int, int]], after: int, upto: int) -> list:
    """Others' entries in (after, upto] (not among `written`), the last MOST_READ at most."""
    entries = session.exec(
        select(AuditEntry.seq, AuditEntry.actor, AuditEntry.action, AuditEntry.entity,
               AuditEntry.entity_id, AuditEntry.changes)
        .where(AuditEntry.seq > max(after, upto - MOST_READ), AuditEntry.seq <= upto)
        .order_by(col(AuditEntry.seq))).all()
    return [e for e in entries if not any(f <= e.seq <= last for f, last in written)]


def said(store, after: int, upto: int, child: uuid.UUID | None = None) -> str:
    """One line for what others changed in (after, upto]: "Updated: Olu Other (olu.other)
    recorded a visit to Jude Adams" when one person did it (what their first change was, or
    with `child`, an open form's, their change to that child if they made one, to its own
    rows or through another's, an addendum under its visit or a person held for it: a worker
    typing about Leo once read of the visit to Mia made first); else "Updated from the
    store", as on a team server, where a worker's login may not read the trail."""
    return changed(store, after, upto, child)[0]


def changed(store, after: int, upto: int, child: uuid.UUID | None = None
            ) -> tuple[str, frozenset[uuid.UUID] | None]:
    """What an open app says of others' changes in (after, upto], from one read of the trail:
    the line (`said`) and whose records they were (`children_changed`). The children of every
    entry are read at once, table by table (`_children`), not a few queries an entry (up to
    MOST_READ of them, each time the store changes under an open form). Neither can be told
    from more than MOST_READ entries (nothing is read), nor by a login that may not read the
    trail (a team server's worker): "Updated from the store", None."""
    if upto - after > MOST_READ:
        return ANYTHING, None
    written = list(store.written)
    try:
        with store.read() as session:
            theirs = _theirs(session, written, after, upto)
            children = _children(session, theirs)
            known = None if None in children.values() else frozenset().union(
                *children.values())
            if len({e.actor for e in theirs}) != 1:
                return ANYTHING, known  # more than one person: a list would not be one line

            def line(e, about: tuple[uuid.UUID, str]) -> str:
                did = DID.get((e.action, e.entity), "changed {child}'s record")
                return f"Updated: {who(session, e.actor)} {did.format(child=about[1])}"

            # their change to the form's child, if they made one: to its own rows, or a row
            # of theirs (an addendum under its visit, a person held for it)
            named = _child_about(session, "child", str(child)) if child else None
            for e in sorted(theirs, key=_telling) if named else ():
                if child in (children[e.seq] or ()):
                    return line(e, named), known
            for e in sorted(theirs[:20], key=_telling):  # what they did, said best
                if (about := _child_about(session, e.entity, e.entity_id)) is not None:
                    return line(e, about), known
            return ANYTHING, known
    except DBAPIError:  # a team server's worker: no reading the trail
        return ANYTHING, None


def _telling(e) -> bool:
    """Sorts the entries that say what was done (`DID`) first."""
    return (e.action, e.entity) not in DID


def _child_about(session, entity: str, entity_id: str) -> tuple[uuid.UUID, str] | None:
    """The child a row is about (itself, or its `child_id`) and their name, if it has one."""
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
    if not found:
        return None
    return (row_id if isinstance(row_id, uuid.UUID) else uuid.UUID(str(row_id)),
            f"{found[0]} {found[1]}")


def children_changed(store, after: int, upto: int) -> frozenset[uuid.UUID] | None:
    """The children whose records others changed in (after, upto] (an open form's note says
    so only for its own child); none for changes to no child's record (a worker, a team).
    None when that cannot be told: the trail not readable (a team server's worker, as for
    `said`), more than MOST_READ entries, or an entry whose child cannot be found (its row
    gone, and the entry not saying whose it was)."""
    return changed(store, after, upto)[1]


def _children(session, entries: list) -> dict[int, set[uuid.UUID] | None]:
    """The children each entry's row is about, by its number: itself (a child); its
    `child_id`; the `child_id` of the row it belongs to (a visit's addendum or those present:
    the visit's); for a person or a family, the children they are held for
    (`privacy.FAMILY`); none for a row of no child (a worker, a team). From the row as it is
    and what its entry says it was (a row deleted since: its entry has its values). None
    when neither says. Each table's rows read once for all its entries."""
    out: dict[int, set[uuid.UUID] | None] = {}
    tables: dict[str, list] = {}
    for e in entries:
        table = SQLModel.metadata.tables.get(e.entity)
        try:
            row_id = uuid.UUID(e.entity_id)
        except ValueError:
            out[e.seq] = None
            continue
        if table is None:
            out[e.seq] = None
        elif e.entity == "child":
            out[e.seq] = {row_id}
        else:
            tables.setdefault(e.entity, []).append((e, row_id))
    for entity, found in tables.items():
        table = SQLModel.metadata.tables[entity]
        out.update(_children_in(session, table, found))
    return out


def _children_in(session, table, entries: list[tuple]) -> dict[int, set[uuid.UUID] | None]:
    """`_children` for the (entry, row id) of one table (not the child's): its rows, the
    rows they belong to, and who holds a person or family, a query each."""
    ids = {row_id for _e, row_id in entries}
    said = {e.seq: _values(e.changes) for e, _row_id in entries}
    if "child_id" in table.c:
        rows = _rows(session, table, ("child_id",), ids)
        return {e.seq: _ids(rows.get(row_id), "child_id", said[e.seq]) for e, row_id in entries}
    parents = [(c.name, fk.column.table) for c in table.c for fk in c.foreign_keys
               if "child_id" in fk.column.table.c]
    rows = _rows(session, table, [column for column, _parent in parents], ids)
    owned = {(e.seq, column): _ids(rows.get(row_id), column, said[e.seq])
             for e, row_id in entries for column, _parent in parents}
    wanted: dict[str, tuple] = {}  # each table they belong to, the ids of its rows wanted
    for column, parent in parents:
        wanted.setdefault(parent.name, (parent, set()))[1].update(
            i for e, _row_id in entries for i in owned[(e.seq, column)] or ())
    theirs = {name: _rows(session, parent, ("child_id",), got)
              for name, (parent, got) in wanted.items()}
    held: dict[uuid.UUID, set] = {}
    if table.name in FAMILY:
        for holder in SQLModel.metadata.tables.values():
            key = holder.c.id if holder.name == "child" else holder.c.get("child_id")
            for c in holder.c:
                if key is not None and any(fk.column.table is table for fk in c.foreign_keys):
                    for at, whose in session.exec(select(c, key).where(c.in_(list(ids)))).all():
                        held.setdefault(_uuid(at), set()).add(whose)
    out: dict[int, set[uuid.UUID] | None] = {}
    for e, row_id in entries:
        found: set[uuid.UUID] | None = set()
        for column, parent in parents:
            for parent_id in owned[(e.seq, column)] or ():
                children = _ids(theirs[parent.name].get(parent_id), "child_id", {})
                if children is None:
                    break
                found |= children
            else:
                if owned[(e.seq, column)] is not None:
                    continue
            found = None
            break
        out[e.seq] = None if found is None else found | held.get(row_id, set())
    return out


def _rows(session, table, columns, ids: set[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """`columns` of the rows of `table` among `ids` that are still there, by id: one query."""
    if not ids or not columns:
        return {}
    found = session.exec(select(table.c.id, *(table.c[c] for c in columns))
                         .where(table.c.id.in_(list(ids)))).all()
    return {_uuid(row[0]): dict(zip(columns, row[1:], strict=True)) for row in found}


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _values(changes: str) -> dict[str, set]:
    """What an entry says a row's fields were and became ({field: [before, after]})."""
    try:
        pairs = json.loads(changes)
    except ValueError:
        return {}
    if not isinstance(pairs, dict):
        return {}
    return {k: {v for v in pair if v is not None} for k, pair in pairs.items()
            if isinstance(pair, list)}


def _ids(row: dict | None, column: str, said: dict[str, set]) -> set[uuid.UUID] | None:
    """The ids in `column` of a row (as `_rows` read it; None: gone), as it is and as
    `said`; None when the row is gone and `said` has nothing of it."""
    given = said.get(column, set())
    if row is None and column not in said:
        return None
    values = given | ({row[column]} if row is not None and row[column] is not None else set())
    out = set()
    for v in values:
        try:
            out.add(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)))
        except ValueError:
            continue
    return out
