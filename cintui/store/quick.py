"""The light writer: a short audited write to a store file with no SQLAlchemy or SQLModel.

Building the ORM (SQLAlchemy, SQLModel with pydantic, the table classes, their mappers)
costs about a second before a command writes anything: ten times `import typer`. A command
that adds one row (`cintui decision add`) writes it here instead, on the first-paint
reader's connection (`fast.open_reader`, keyed on a thread while the command imports) made
writable, with the same guarantees as `Store.session(actor)`:

- **one writer at a time**: BEGIN IMMEDIATE, waiting `engine.BUSY_TIMEOUT_MS` for the lock,
  so the checks a use case reads and the row it writes are never interleaved with another
  writer's;
- **audited the same way**: each insert is checked as `models.check_row` checks it (plain
  text, every column given) and gets its insert entry in the chain, in the same
  transaction, through `chain` (the same canonical text and hash as the ORM's flush, which
  a test compares); the head is noted in `audit-heads.json` after the commit;
- **the same errors**: a busy store or a clash is the one line `write_error` gives.

Only tables whose rows `models.check_row` checks for plain text alone are written here
(`TABLES`: name -> columns the audit trail leaves out). A file at an older revision, a team
server, a `--request-id` or a batch goes the full way (`Store`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cintui.domain.text import control_problem
from cintui.store import chain, fast
from cintui.store.base import MAX_ACTOR, STORE_ID_KEY, InvalidRow, StoreError, driver_write_error

# Tables the light writer inserts into, with their `__audit_quiet__` columns (none so far).
# `models.check_row` has nothing for them but the plain-text check done here.
TABLES: dict[str, tuple[str, ...]] = {"decision": ()}

_HEAD_SQL = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
_AUDIT_SQL = ("INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, changes, "
              "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


class QuickWrite:
    """One write transaction: `rows` reads (as the light reader does), `insert` writes."""

    server_login = None  # a file is never the team server

    def __init__(self, writer: QuickWriter, actor: str, at: datetime) -> None:
        self._writer = writer
        self.actor = actor
        self.at = at
        self._head: tuple[int, str] | None = None
        self._cut = False

    def rows(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        return self._writer.reader.rows(sql, params)

    def insert(self, table: str, row: dict[str, Any]) -> None:
        """Insert `row` (every column of `table`, Python values as the ORM takes them),
        with its audit entry."""
        quiet = TABLES.get(table)
        if quiet is None:
            raise StoreError(f"the light writer does not write {table} rows")
        columns = self._writer.columns(table)
        keys = tuple(columns)
        if row.keys() != set(keys):
            raise StoreError(f"{table}: a row must give exactly the columns {keys}")
        for name, multiline in columns.items():
            value = row[name]
            if multiline is not None and value and (problem := control_problem(value,
                                                                               multiline)):
                raise InvalidRow(name, problem)
        stored, bodies = chain.sqlite_rows(keys, quiet, [row])
        conn = self._writer.connection
        conn.execute(f"INSERT INTO {table} ({', '.join(keys)}) "
                     f"VALUES ({', '.join('?' * len(keys))})", stored[0])
        self._append(table, row["id"].hex, bodies[0])

    def _append(self, entity: str, entity_id: str, body: str) -> None:
        conn = self._writer.connection
        if self._head is None:
            found = conn.execute(_HEAD_SQL).fetchone()
            self._head = (found[0], found[1]) if found else (0, chain.GENESIS)
            self._cut = chain.cut_short(self._writer.store_id, *self._head,
                                        lambda seq: _one(conn, seq))
        seq, prev = self._head
        seq += 1
        at_db, at_text = chain.sqlite_datetime(self.at)
        digest = chain.link(prev, seq, at_text, self.actor, "insert", entity, entity_id, body)
        conn.execute(_AUDIT_SQL, (seq, at_db, self.actor, "insert", entity, entity_id, body,
                                  prev, digest))
        self._head = (seq, digest)


def _one(conn: Any, seq: int) -> str | None:
    found = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return found[0] if found else None


class QuickWriter:
    """A store file open for light writes (`open_writer`)."""

    def __init__(self, reader: fast.FastReader, store_id: str) -> None:
        self.reader = reader
        self.connection = reader.connection
        self.store_id = store_id
        self._columns: dict[str, dict[str, bool | None]] = {}

    def columns(self, table: str) -> dict[str, bool | None]:
        """Each column of `table`, in order: None for a value that is not text, else whether
        it is prose (may hold line feeds and tabs): a text column without a length, as
        `models._text_columns` has it from the table classes."""
        found = self._columns.get(table)
        if found is None:
            found = self._columns[table] = {
                name: (None if not kind.upper().startswith("VARCHAR") else "(" not in kind)
                for _cid, name, kind, *_ in self.connection.execute(
                    f"PRAGMA table_info({table})").fetchall()}
        return found

    @contextmanager
    def write(self, actor: str) -> Iterator[QuickWrite]:
        """A write transaction, committed when the block ends, else rolled back."""
        if not actor or len(actor) > MAX_ACTOR:
            raise StoreError(f"who is making the change? (a name of 1-{MAX_ACTOR} characters)")
        conn = self.connection
        tx = None
        try:
            conn.execute("BEGIN IMMEDIATE")
            tx = QuickWrite(self, actor, datetime.now(UTC))
            yield tx
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with contextlib.suppress(Exception):
                    conn.execute("ROLLBACK")
            said = driver_write_error(exc, integrity=type(exc).__name__ == "IntegrityError") \
                if type(exc).__module__.startswith(("sqlite3", "sqlcipher3")) else None
            if said is not None:
                raise said from exc
            raise
        if tx._head is not None and not tx._cut:
            # Committed: failing to note the head only weakens `verify`, as in audit.
            with contextlib.suppress(OSError):
                chain.record_head(self.store_id, *tx._head)

    def close(self) -> None:
        self.reader.close()


def open_writer(path: Path, passphrase: str | None) -> QuickWriter | None:
    """`path` open for light writes, checked as the reader checks it (passphrase, revision);
    None when the file is not at this cintui's newest revision (the full `open_store` then
    upgrades it after a backup)."""
    reader = fast.open_reader(path, passphrase)  # the one opened ahead, when there is one
    if reader is None:
        return None
    conn = reader.connection
    try:
        from cintui.store.engine import BUSY_TIMEOUT_MS

        # As the store's engine sets every connection (engine._sqlite_pragmas).
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        conn.execute("PRAGMA query_only = OFF")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        found = conn.execute("SELECT value FROM store_meta WHERE key = ?",
                             (STORE_ID_KEY,)).fetchone()
    except BaseException:
        reader.close()
        raise
    if not found:  # never opened as a store yet: `open_store` gives it its id
        reader.close()
        return None
    return QuickWriter(reader, found[0])


class SessionWriter:
    """A `Store.session` with the light writer's interface, so one use case serves both:
    plain SQL reads in its transaction, inserts audited as its flush audits them
    (`audit.insert_rows`). Any table."""

    def __init__(self, session: Any, server_login: str | None, actor: str = "") -> None:
        session.flush()  # plain SQL sees what the session holds so far
        self.session = session
        self.server_login = server_login
        self.actor = actor or session.info.get("actor", "")

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        from sqlalchemy import text

        return [tuple(r) for r in self.session.execute(text(sql), params or {}).all()]

    def insert(self, table: str, row: dict[str, Any]) -> None:
        from cintui.store import audit

        audit.insert_rows(self.session, _model(table), [row])


@functools.cache
def _model(table: str) -> type:
    from sqlmodel import SQLModel

    from cintui.store import models  # noqa: F401 - every table class registered

    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    raise StoreError(f"no table {table}")
