"""The audit trail: who changed what, when, written in the same transaction as the change.

Every insert, update and delete flushed through `Store.session(actor)` is checked
(`models.check_row`) and appended to `audit_log` as a hash-chained entry:
`hash = sha256(prev_hash ‖ canonical(seq, at, actor, action, entity, entity_id, changes))`.
A chain shows an edited or deleted middle entry but not the newest ones going missing, so
after each commit the head (seq, hash) is also kept outside the store, in
`config_dir()/audit-heads.json` keyed by store id (STORE_NOTES.md). On a team server others
write too: there the head a computer recorded must still be in the chain, not be its newest;
the server refuses workers any UPDATE or DELETE of entries, and its own log of changes
(store/server.py) shows those made around cintui.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import event, inspect, select
from sqlmodel import SQLModel

from cintui.store import chain
from cintui.store.base import StoreError
from cintui.store.chain import (  # re-exported: the chain's arithmetic lives in chain.py
    CHAIN_LOCK,
    GENESIS,
    canonical,
    entry_hash,
    record_head,
    recorded_head,
)
from cintui.store.models import AuditEntry, StoreMeta, check_row, check_rows, utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session, sessionmaker


# What an entry's recorded values become when the record they were about is erased (issue 24,
# retention): its hash stays, so the chain still links, and `verify` accepts the entry when a
# later erasure entry (itself hashed into the chain) names its number and hash. The store's
# append-only trigger allows this one change and no other (migration 0023).
ERASED = '{"erased":"personal data erased after its retention: see the erasure record"}'
ERASURE_TABLE = "erasure"
_HEAD = "cintui.audit.head"  # session.info: (seq, hash) of the newest entry in this transaction
_UNRECORDED = "cintui.audit.unrecorded"  # session.info: entries written, head not yet recorded
_CUT = "cintui.audit.cut"  # session.info: the trail no longer holds the recorded head
_MINE = "cintui.audit.mine"  # session.info: [(first, last)] entries this transaction wrote
_TABLE = AuditEntry.__table__


class AuditError(RuntimeError):
    """A write that would get past the audit trail: a programming error, not the user's."""


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    entries: int
    first_broken_seq: int | None = None
    problem: str = ""  # why it is broken; when ok, a note (or "")
    # A team server: changes the server logged that no audit entry accounts for (made
    # around cintui, e.g. with psql), one line each, oldest first.
    unaudited: tuple[str, ...] = ()


# ------------------------------------------------------------------ installing


def install(factory: sessionmaker) -> None:
    """Audit every write made by sessions from `factory` (not every Session in the process)."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_commit", _after_commit)
    event.listen(factory, "after_soft_rollback", _after_soft_rollback)
    event.listen(factory, "do_orm_execute", _refuse_bulk_writes)


def install_read_only(factory: sessionmaker) -> None:
    event.listen(factory, "before_flush", _refuse_flush)
    event.listen(factory, "do_orm_execute", _refuse_bulk_writes)


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise AuditError("store.read() sessions are read-only: write through store.session(actor)")


def _refuse_bulk_writes(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        mapper = state.bind_mapper
        if mapper is None or mapper.class_ is not StoreMeta:
            raise AuditError("bulk INSERT/UPDATE/DELETE statements skip the audit trail: "
                             "add, change or delete objects in the session instead")


# ------------------------------------------------------------------ canonical form


# ------------------------------------------------------------------ writing


_COLUMNS: dict[type, tuple[str, ...]] = {}


def _columns(cls: type) -> tuple[str, ...]:
    keys = _COLUMNS.get(cls)
    if keys is None:
        keys = _COLUMNS[cls] = tuple(a.key for a in inspect(cls).column_attrs)
    return keys


def _quiet(cls: type) -> tuple[str, ...]:
    """Columns whose values never go into the audit log (a draft's autosaved text: the
    record it becomes is audited in full when finalised)."""
    return getattr(cls, "__audit_quiet__", ())


def _insert_changes(obj: SQLModel) -> dict[str, list]:
    values = obj.__dict__  # a new object's values: 2 µs a row against 5.5 µs via getattr
    quiet = _quiet(type(obj))
    return {key: [None, values.get(key)] for key in _columns(type(obj)) if key not in quiet}


def _delete_changes(obj: SQLModel) -> dict[str, list]:
    quiet = _quiet(type(obj))
    return {key: [getattr(obj, key), None] for key in _columns(type(obj)) if key not in quiet}


def _update_changes(session: Session, obj: SQLModel) -> dict[str, list]:
    state = inspect(obj)
    changes: dict[str, list] = {}
    unknown: list[str] = []  # changed without the old value loaded (e.g. after expiry)
    quiet = _quiet(type(obj))
    for key in _columns(type(obj)):
        if key == "updated_at" or key in quiet:
            continue
        history = state.attrs[key].history
        if not history.added:
            continue
        after = history.added[0]
        if history.deleted:
            if history.deleted[0] != after:
                changes[key] = [history.deleted[0], after]
        else:
            unknown.append(key)
    if unknown:
        table = type(obj).__table__  # type: ignore[attr-defined]
        row = session.connection().execute(
            select(*(table.c[k] for k in unknown)).where(table.c.id == obj.id)  # type: ignore[attr-defined]
        ).one()
        for key, before in zip(unknown, row, strict=True):
            after = getattr(obj, key)
            if before != after:
                changes[key] = [before, after]
    return changes


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    actor = session.info.get("actor")
    if not actor:
        raise AuditError("an audited write needs an actor: use store.session(actor)")
    now = utcnow()
    entries: list[tuple[str, SQLModel, dict[str, list]]] = []
    for obj in session.new:
        if _skip(obj):
            continue
        check_row(obj)
        entries.append(("insert", obj, _insert_changes(obj)))
    for obj in session.dirty:
        if _skip(obj) or not session.is_modified(obj, include_collections=False):
            continue
        check_row(obj)
        changes = _update_changes(session, obj)
        if changes:
            if not isinstance(obj, StoreMeta):  # a setting has no updated_at
                obj.updated_at = now  # type: ignore[attr-defined]
            entries.append(("update", obj, changes))
    for obj in session.deleted:
        if not _skip(obj):
            entries.append(("delete", obj, _delete_changes(obj)))
    if entries:
        _append(session, actor, now, entries)


def _skip(obj: object) -> bool:
    if isinstance(obj, AuditEntry):
        raise AuditError("audit entries are written by the store, never by hand")
    return False  # store settings too (the policy in force, …): issue "Trust"


def _append(session: Session, actor: str, at: datetime,
            entries: list[tuple[str, SQLModel, dict[str, list]]]) -> None:
    _append_entries(session, actor, at, (
        (action, obj.__tablename__,  # type: ignore[attr-defined]
         obj.key if isinstance(obj, StoreMeta) else obj.id.hex,  # type: ignore[attr-defined]
         canonical(changes))
        for action, obj, changes in entries
    ))


_AUDIT_KEYS = ("seq", "at", "actor", "action", "entity", "entity_id", "changes", "prev_hash",
               "hash")


def _append_entries(session: Session, actor: str, at: datetime,
                    entries: Iterable[tuple[str, str, str, str]]) -> None:
    """Chain and insert the entries: (action, entity, entity_id, the changes' canonical
    JSON). On SQLite the rows go straight to the driver."""
    conn = session.connection()
    if _HEAD in session.info:
        seq, prev = session.info[_HEAD]
    else:
        seq, prev = _read_head(conn)
        if _CUT not in session.info:
            session.info[_CUT] = _cut_short(conn, session.info.get("store_id"), seq, prev)
    at_text = chain.iso_instant(at)
    sqlite = conn.dialect.name == "sqlite"
    at_db = chain.sqlite_datetime(at)[0] if sqlite else at
    listed = list(entries)
    rows = [(n, at_db, actor, action, entity, entity_id, body, before, digest)
            for (action, entity, entity_id, body), (n, before, digest)
            in zip(listed, chain.links(prev, seq, at_text, actor, listed), strict=True)]
    if rows:
        seq, prev = rows[-1][0], rows[-1][-1]
        session.info.setdefault(_MINE, []).append((rows[0][0], seq))
    if rows and sqlite:
        conn.exec_driver_sql(f"INSERT INTO audit_log ({', '.join(_AUDIT_KEYS)}) "
                             f"VALUES ({', '.join('?' * len(_AUDIT_KEYS))})", rows)
    elif rows:  # one executemany, not one ORM object per entry
        conn.execute(_TABLE.insert(), [dict(zip(_AUDIT_KEYS, row, strict=True))
                                       for row in rows])
    session.info[_HEAD] = (seq, prev)
    session.info[_UNRECORDED] = True


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert many plain rows, audited exactly as an ORM flush would audit them.

    For bulk writers (the demo generator, imports): building tens of thousands of SQLModel
    objects costs more than writing them. Each row must carry every column; it is checked
    as `check_row` checks one (`check_rows`), inserted with one executemany, and gets its
    own insert entry in the chain, in the same transaction.
    """
    actor = _actor(session)
    if not rows:
        return
    keys = _checked(model, rows)
    if session.connection().dialect.name != "sqlite":
        session.flush()  # anything pending goes first, keeping the chain in write order
        conn = session.connection()
        conn.execute(model.__table__.insert(), rows)  # type: ignore[attr-defined]
        quiet = _quiet(model)  # as an ORM insert: a draft's text stays out of the log
        _append_entries(session, actor, utcnow(), (
            ("insert", model.__tablename__, row["id"].hex,  # type: ignore[attr-defined]
             canonical({key: [None, row[key]] for key in keys if key not in quiet}))
            for row in rows
        ))
        return
    insert_converted(session, model, *chain.sqlite_rows(keys, _quiet(model), rows))


def converted(model: type[SQLModel], rows: list[dict[str, Any]]) -> tuple[list[tuple], list[str]]:
    """`insert_rows`'s work that needs no store, for SQLite: the rows checked, as SQLite
    stores them, and their insert entries' changes (`chain.sqlite_rows`). The demo does
    this in another process while the store is written (`insert_converted`)."""
    return chain.sqlite_rows(_checked(model, rows), _quiet(model), rows) if rows else ([], [])


def insert_converted(session: Session, model: type[SQLModel], stored: list[tuple],
                     bodies: list[str]) -> None:
    """Write rows `converted` made, into a SQLite store, each with its insert entry in the
    chain: one executemany each, straight to the driver. The same rows and entries as the
    typed path, many times cheaper for the demo's 260,000 rows."""
    actor = _actor(session)
    if not stored:
        return
    session.flush()  # anything pending goes first, keeping the chain in write order
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        raise AuditError("converted rows are written to SQLite only: use insert_rows")
    keys = _columns(model)
    conn.exec_driver_sql(
        f"INSERT INTO {model.__tablename__} ({', '.join(keys)}) "  # type: ignore[attr-defined]
        f"VALUES ({', '.join('?' * len(keys))})", stored)
    at, entity = keys.index("id"), model.__tablename__  # type: ignore[attr-defined]
    _append_entries(session, actor, utcnow(), (
        ("insert", entity, values[at], body) for values, body in zip(stored, bodies,
                                                                     strict=True)))


def _actor(session: Session) -> str:
    actor = session.info.get("actor")
    if not actor:
        raise AuditError("an audited write needs an actor: use store.session(actor)")
    return actor


def _checked(model: type[SQLModel], rows: list[dict[str, Any]]) -> tuple[str, ...]:
    """The model's columns, once every row gives exactly those and passes `check_rows`."""
    keys = _columns(model)
    wanted = set(keys)
    for row in rows:
        if row.keys() != wanted:
            raise AuditError(f"{model.__tablename__}: a bulk row must give exactly "  # type: ignore[attr-defined]
                             f"the columns {keys}")
    check_rows(rows, model)
    return keys


def _read_head(conn: Connection) -> tuple[int, str]:
    if conn.dialect.name == "postgresql":
        # Every writer already holds the store's write lock, taken as its transaction began
        # (SQLite: BEGIN IMMEDIATE; PostgreSQL: this same advisory lock, engine._pg_begin;
        # taking it again is a no-op), so no other writer can extend the chain from the
        # same entry. A team server's workers read the head through a function, not the
        # table (server.audit_head_sql).
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})")
        row = conn.exec_driver_sql("SELECT seq, hash FROM cintui_audit_head()").first()
    else:
        row = conn.execute(select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc())
                           .limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def upgrade_actor(conn: Connection, revision: str) -> str:
    """Who a revision's audit entries name (0024, 0034). On PostgreSQL, the login running
    the upgrade (`session_user`, as the server knows it): a team server's trigger refuses an
    entry by anyone else (server.py: cintui_audit_append), which refused the whole upgrade.
    On a file, which has no login of its own, the upgrade itself ("cintui upgrade 0024")."""
    if conn.dialect.name == "postgresql":
        return conn.exec_driver_sql("SELECT session_user").scalar()
    return f"cintui upgrade {revision}"


def _after_soft_rollback(session: Session, _previous: Any) -> None:
    # Back to a savepoint: the chain is what the database now holds. Not after the whole
    # transaction is rolled back (`is_active` is True then too, and reading would begin a
    # new transaction, taking the write lock again), nor after a failed flush (inactive).
    if session.is_active and session.in_transaction():
        session.info[_HEAD] = head = _read_head(session.connection())
        session.info[_MINE] = [(first, min(last, head[0]))
                               for first, last in session.info.get(_MINE, ())
                               if first <= head[0]]
    else:
        session.info.pop(_MINE, None)
        session.info.pop(_HEAD, None)
        session.info.pop(_UNRECORDED, None)
        session.info.pop(_CUT, None)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: not committed yet
        return
    head = session.info.pop(_HEAD, None)
    cut = session.info.pop(_CUT, False)
    if session.info.pop(_UNRECORDED, False) and head is not None and not cut:
        # The commit has happened; failing to note the head only weakens `verify`
        # (it reports entries beyond the recorded head), so it must not fail the write.
        with contextlib.suppress(OSError):
            record_head(session.info["store_id"], *head)


def written(session: Session) -> list[tuple[int, int]]:
    """The entries (first, last) the transaction just committed wrote, taken from it."""
    return session.info.pop(_MINE, [])


def newest_seq(conn: Connection) -> int:
    """The newest entry's number (0: none yet): one step down the primary key's index, the
    cheapest "has anything changed?" a store can answer, as every write leaves an entry. On
    PostgreSQL through `cintui_audit_head()`: a worker's login may not read the trail."""
    if conn.dialect.name == "postgresql":
        row = conn.exec_driver_sql("SELECT seq FROM cintui_audit_head()").first()
    else:
        row = conn.exec_driver_sql("SELECT max(seq) FROM audit_log").first()
    return int(row[0] or 0) if row else 0


def _cut_short(conn: Connection, store_id: str | None, seq: int, digest: str) -> bool:
    """`chain.cut_short` on a file (a team server keeps its own trail whole)."""
    if store_id is None or conn.dialect.name != "sqlite":
        return False
    return chain.cut_short(store_id, seq, digest, lambda at: conn.execute(
        select(_TABLE.c.hash).where(_TABLE.c.seq == at)).scalar())


# ------------------------------------------------------------------ checking


def verify(store: Any, *, head: tuple[int, str] | None = None) -> AuditReport:
    """Walk the chain from the first entry; report the first broken link. On a team server,
    also every change the server logged that no audit entry accounts for.

    `head`: a backup's, recorded when it was taken (store/keeping.py): the trail must end
    exactly there (a copy has nothing after its head), instead of at this computer's."""
    from sqlalchemy.exc import DBAPIError

    server = getattr(store, "server", None)
    try:
        report = _verify_chain(store, shared=server is not None, head=head)
        if not report.ok:
            return report
        differences = tuple(replay_differences(store))
        if server is None:
            if not differences:
                return report
            return AuditReport(False, report.entries, None, _differ(len(differences)),
                               differences)
        with store.engine.connect() as conn:
            unaudited = tuple(unaudited_changes(conn)) + differences
    except DBAPIError as exc:
        if server is None or getattr(exc.orig, "sqlstate", None) != "42501":
            raise
        raise StoreError(f"checking the audit trail on the team server needs its audit role "
                         f"({server.group('audit')}) or the database's owner; you are "
                         f"{server.login}") from None
    if not unaudited:
        return report
    return AuditReport(False, report.entries, None,
                       f"{len(unaudited)} change{'s' if len(unaudited) != 1 else ''} made "
                       "outside cintui, with no audit entry", unaudited)


def page_problems(store: Any, limit: int = 20) -> list[str]:
    """SQLite's own check of every page and index of the file (`PRAGMA integrity_check`),
    in its words; [] when sound. A server checks its own pages (pg_amcheck): []."""
    from sqlalchemy.exc import DBAPIError

    if store.engine.dialect.name != "sqlite":
        return []
    found: list[str] = []
    try:
        with store.engine.connect() as conn:
            for row in conn.exec_driver_sql(f"PRAGMA integrity_check({int(limit)})"):
                found.append(row[0])
    except DBAPIError as exc:  # a page so damaged the check itself stops on it
        found.append(f"SQLite stopped checking it: {exc.orig}")
    return [] if found == ["ok"] else found


def _differ(n: int) -> str:
    return ("1 record differs from its audit history" if n == 1 else
            f"{n} records differ from their audit history") + \
        " (changed, added or deleted outside cintui)"


def _norm(value: Any) -> Any:
    """A value as the audit trail holds it (dates ISO, instants UTC, ids hex); an instant in
    SQLite's text form ("2026-11-23 08:00:00.000000", as older entries hold some) as one.

    The same as `json.loads(canonical(value))`, which it was, but a text, a whole number, a
    yes/no, nothing, a date, an instant or an id skips the round trip through JSON: `verify`
    compares every column of every row (440,000 values on a 300-child store)."""
    kind = type(value)
    if kind is str:
        if len(value) >= 19 and value[4] == "-" and value[10] in " T":
            try:
                return chain.iso_instant(datetime.fromisoformat(value))
            except ValueError:
                pass
        return value
    if kind is int or kind is bool or value is None:
        return value
    if kind is datetime:
        return chain.iso_instant(value)
    if kind is date or kind is UUID:
        return value.hex if kind is UUID else value.isoformat()
    return json.loads(canonical(value))


def _same(value: Any, was: Any) -> bool:
    """True when a stored value is plainly what its history says, without `_norm`'s work: the
    same text, number or yes/no, or an id, instant or date in the very form the trail writes
    it (`chain.canonical`). False means "compare them normalised", not "they differ"."""
    if value == was:  # equal as stored: equal once normalised too
        return True
    kind = type(value)
    if kind is UUID:
        return value.hex == was
    if kind is datetime:
        return chain.iso_instant(value) == was
    if kind is date:
        return value.isoformat() == was
    return False


def _audited_tables() -> dict[str, tuple[Any, frozenset[str]]]:
    """Every table whose rows the audit trail records: name -> (table, columns it leaves
    out: `updated_at`, stamped by the store, and a class's `__audit_quiet__`)."""
    from cintui.store import models  # noqa: F401 - every table registered on the metadata

    out = {}
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        cls = mapper.class_
        table = getattr(cls, "__table__", None)
        if table is None or cls in (StoreMeta, AuditEntry) or "id" not in table.c:
            continue
        out[table.name] = (table, frozenset({"updated_at", *_quiet(cls)}))
    return out


def replay_differences(store: Any, limit: int = 500) -> Iterable[str]:
    """Replay the audit trail and compare it with every table: each record that differs from
    its history, one line: changed (the column, what it holds, what its history says),
    added with no audit entry, or deleted with no audit entry (issue "Trust": verify means
    verify). Only columns the history recorded are compared: a column a later schema added
    is not a difference."""
    tables = _audited_tables()
    history: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in tables}
    found = 0
    with store.engine.connect() as conn:
        entries = conn.execution_options(yield_per=5000).execute(
            select(_TABLE.c.entity, _TABLE.c.entity_id, _TABLE.c.action, _TABLE.c.changes)
            .order_by(_TABLE.c.seq))
        for entity, entity_id, action, changes in entries:
            rows = history.get(entity)
            if rows is None:
                continue
            if action == "delete":
                rows.pop(entity_id, None)
                continue
            if changes == ERASED:  # erased: its row went, with an audited delete
                continue
            values = {key: pair[1] for key, pair in json.loads(changes).items()}
            if action == "insert":
                rows[entity_id] = values
            else:
                rows.setdefault(entity_id, {}).update(values)
        child_table = tables["child"][0] if "child" in tables else None
        references = {} if child_table is None else {
            row.id.hex: row.reference for row in conn.execute(
                select(child_table.c.id, child_table.c.reference))}

        def label(name: str, row_id: str, child: Any = None) -> str:
            if name == "child" and row_id in references:
                return f"child {references[row_id]}"
            child = getattr(child, "hex", child)  # a row's id, or the history's hex
            of = f" (child {references.get(child, child[:8])})" if child else ""
            return f"{name.replace('_', ' ')} {row_id[:8]}{of}"

        for name, (table, skipped) in tables.items():
            rows = history[name]
            seen: set[str] = set()
            result = conn.execute(select(table))
            # Columns by position, the left-out ones not at all: a row read as a tuple.
            at = {key: i for i, key in enumerate(result.keys()) if key not in skipped}
            id_at, child_at = at["id"], at.get("child_id")
            for row in result:
                row_id = row[id_at].hex
                seen.add(row_id)
                want = rows.get(row_id)
                if want is None:
                    child = row[child_at] if child_at is not None else None
                    yield f"{label(name, row_id, child)} added outside cintui (no audit entry)"
                    found += 1
                else:
                    for key, was in want.items():
                        i = at.get(key)
                        if i is None or _same(row[i], was):
                            continue
                        now = _norm(row[i])
                        if now != _norm(was):
                            yield (f"{label(name, row_id, want.get('child_id'))} changed "
                                   f"outside cintui: {key} is {_shown(now)}, its history "
                                   f"says {_shown(was)}")
                            found += 1
                            break
                if found >= limit:
                    return
            for row_id in rows.keys() - seen:
                yield (f"{label(name, row_id, rows[row_id].get('child_id'))} deleted outside "
                       "cintui (no audit entry)")
                found += 1
                if found >= limit:
                    return


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


# A change the server logged (server.py: data_change) with no audit entry from the same
# transaction for the same row and operation.
_UNAUDITED = """
SELECT c.tbl, c.row_id, c.op, c.login, c.at, ch.reference
FROM data_change c
LEFT JOIN child ch ON c.tbl = 'child' AND replace(ch.id::text, '-', '') = c.row_id
WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.txid = c.txid AND a.entity = c.tbl
                  AND a.entity_id = c.row_id AND a.action = c.op)
ORDER BY c.id
"""


def unaudited_changes(conn: Connection) -> Iterable[str]:
    """"child CIN000101 updated outside cintui by amira.ashdown at 2026-12-02 10:41:07 UTC"."""
    for table, row_id, op, login, at, reference in conn.exec_driver_sql(_UNAUDITED):
        what = f"{table} {reference or row_id}"
        when = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        yield f"{what} {op}d outside cintui by {login} at {when} UTC"


def _verify_chain(store: Any, *, shared: bool,
                  head: tuple[int, str] | None = None) -> AuditReport:
    exact = head is not None
    head = head or recorded_head(store.store_id)
    count, last_seq, prev, head_hash = 0, 0, GENESIS, None
    blanked: dict[int, str] = {}  # erased entries: their recorded values blanked
    named: dict[int, str] = {}  # the entries erasure decisions name
    if head is not None and head[0] == 0:  # a copy of a store with no entries yet
        head_hash = GENESIS
    columns = [_TABLE.c[k] for k in ("seq", "at", "actor", "action", "entity", "entity_id",
                                     "changes", "prev_hash", "hash")]
    with store.engine.connect() as conn:
        rows = conn.execution_options(yield_per=2000).execute(
            select(*columns).order_by(_TABLE.c.seq))
        for row in rows:
            expected = last_seq + 1
            if row.seq != expected:
                missing = (f"entry {expected} is missing" if row.seq == expected + 1
                           else f"entries {expected}-{row.seq - 1} are missing")
                return AuditReport(False, count, expected, f"{missing} (deleted)")
            if row.prev_hash != prev:
                return AuditReport(False, count, row.seq,
                                   f"entry {row.seq} does not follow entry {row.seq - 1}: "
                                   "one of them was changed or replaced")
            digest = entry_hash(prev, row.seq, row.at, row.actor, row.action, row.entity,
                                row.entity_id, row.changes)
            if digest != row.hash:
                if row.changes != ERASED:
                    return AuditReport(False, count, row.seq,
                                       f"entry {row.seq} was changed after it was written")
                blanked[row.seq] = row.hash
            if row.entity == ERASURE_TABLE and row.action == "insert":
                named.update(erasure_entries(row.changes))
            count, last_seq, prev = count + 1, row.seq, row.hash
            if head is not None and row.seq == head[0]:
                head_hash = row.hash
    for seq, digest in blanked.items():
        if named.get(seq) != digest:
            return AuditReport(False, count, seq,
                               f"entry {seq} was blanked with no erasure decision naming it")
    report = _compare_head(count, last_seq, head, head_hash, shared=shared)
    if report.ok and exact and head is not None and last_seq > head[0]:
        return AuditReport(False, count, head[0] + 1,
                           f"the trail goes on past entry {head[0]}, where it ended when the "
                           "backup was taken: entries were added to the copy since")
    return report


def erasure_entries(changes: str) -> dict[int, str]:
    """The entries (number -> hash) an erasure's audited insert names as blanked."""
    try:
        text = json.loads(changes).get("entries", [None, ""])[1] or ""
    except (ValueError, AttributeError, IndexError, TypeError):
        return {}
    found = {}
    for line in str(text).splitlines():
        seq, _, digest = line.partition(" ")
        if seq.isdigit():
            found[int(seq)] = digest
    return found


# ------------------------------------------------------------------ erasing


def blank_entries(session: Session, entity_ids: Iterable[str]) -> list[tuple[int, str]]:
    """Blank the recorded values of every entry about these records (their ids, hex), for an
    erasure; (number, hash) of each, oldest first. On a team server the store's function
    does it, for a manager's login only (store/server.py: cintui_blank_entries)."""
    ids = sorted(set(entity_ids))
    conn = session.connection()
    found: list[tuple[int, str]] = []
    if session.info.get("login"):  # a team server (Store.session)
        for chunk in _chunks(ids):
            found += [(r[0], r[1]) for r in conn.exec_driver_sql(
                "SELECT seq, hash FROM cintui_blank_entries(%(ids)s, %(m)s)",
                {"ids": chunk, "m": ERASED})]
        return sorted(found)
    for chunk in _chunks(ids):
        where = _TABLE.c.entity_id.in_(chunk) & (_TABLE.c.changes != ERASED)
        found += [(r.seq, r.hash) for r in conn.execute(
            select(_TABLE.c.seq, _TABLE.c.hash).where(where))]
        conn.execute(_TABLE.update().where(where).values(changes=ERASED))
    return sorted(found)


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def record_erased_rows(session: Session, rows: Iterable[tuple[str, str]]) -> None:
    """An audited delete, with no values, for each erased row (table, id hex): replay and a
    team server's log of changes account for each row that went."""
    actor = session.info.get("actor")
    if not actor:
        raise AuditError("an audited write needs an actor: use store.session(actor)")
    session.flush()
    _append_entries(session, actor, utcnow(),
                    (("delete", table, row_id, "{}") for table, row_id in rows))


def record_updates(session: Session, rows: Iterable[tuple[str, str, dict[str, list]]]) -> None:
    """An audited update for each row changed without the ORM (table, id hex, {column:
    [was, now]}): a team server's function that changes rows no login may see
    (`drafts.hand_over_forms`). Replay and the server's log of changes account for each."""
    actor = session.info.get("actor")
    if not actor:
        raise AuditError("an audited write needs an actor: use store.session(actor)")
    session.flush()
    _append_entries(session, actor, utcnow(),
                    (("update", table, row_id, canonical(changes))
                     for table, row_id, changes in rows))


def _compare_head(count: int, last_seq: int, head: tuple[int, str] | None,
                  head_hash: str | None, *, shared: bool = False) -> AuditReport:
    """The trail against the newest entry this computer recorded. On a team server others
    write too: that entry must still be in the trail, not be its newest (the server itself
    keeps workers from deleting any entry)."""
    if head is None and shared:
        return AuditReport(True, count, None, "")
    if head is None:
        note = ("" if count == 0 else
                "No newest entry was recorded for this store on this computer, so deletion "
                "of the newest entries cannot be ruled out.")
        return AuditReport(True, count, None, note)
    head_seq, recorded = head
    if last_seq < head_seq:
        return AuditReport(False, count, last_seq + 1,
                           f"the trail ends at entry {last_seq} but entry {head_seq} was "
                           "written: the newest entries were deleted (or this is an older copy)")
    if head_hash != recorded:
        return AuditReport(False, count, head_seq,
                           f"entry {head_seq} is not the one written: the trail was rewritten")
    if last_seq > head_seq and not shared:
        return AuditReport(True, count, None,
                           f"Note: {last_seq - head_seq} newest entries were written after the "
                           f"last recorded one ({head_seq}); cintui probably stopped before "
                           "noting them.")
    return AuditReport(True, count, None, "")
