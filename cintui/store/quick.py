"""The light writer: a short audited write with no SQLAlchemy or SQLModel, to a store file
(SQLite or SQLCipher) or a PostgreSQL server (over libpq, store/pq.py).

Building the ORM (SQLAlchemy, SQLModel with pydantic, the table classes, their mappers)
costs about a second before a command writes anything: ten times `import typer`. A command
that adds one row (`cintui decision add`) writes it here instead. On a file it uses the
first-paint reader's connection (`fast.open_reader`, keyed on a thread while the command
imports) made writable; on a server a libpq connection of its own. The guarantees are
`Store.session(actor)`'s:

- **one writer at a time**: the same lock with the same wait (a file: BEGIN IMMEDIATE and
  `engine.BUSY_TIMEOUT_MS`; a server: the advisory `WRITE_LOCK` under
  `WRITE_LOCK_TIMEOUT`), so the checks a use case reads and the row it writes are never
  interleaved with another writer's;
- **audited the same way**: each insert is checked as `models.check_row` checks it (plain
  text, every column given) and gets its insert entry in the chain, in the same
  transaction, through `chain` (the same canonical text and hash as the ORM's flush, which
  a test compares); the head is noted in `audit-heads.json` after the commit (on a file,
  not when the trail no longer holds the head noted before);
- **who acts**: on a team server the login, never anyone else (as `Store.session`);
- **the same errors**: a busy store, a clash or the team server's refusal is the one line
  the full store gives.

Only tables whose row checks need no ORM are written here (`TABLES`: name -> the columns
the audit trail leaves out, and the table's check in store/row_rules.py, which
`models.check_row` runs too). An older file or server, no libpq,
a `--request-id` or a batch goes the full way (`Store`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cintui.domain.text import control_problem
from cintui.store import chain, fast, row_rules
from cintui.store.base import (
    MAX_ACTOR,
    STORE_ID_KEY,
    InvalidRow,
    StoreError,
    driver_write_error,
    server_refusal,
)

# Tables the light writer inserts into: their `__audit_quiet__` columns (none so far) and the
# row check `models.check_row` runs for them besides plain text (store/row_rules.py).
TABLES: dict[str, tuple[tuple[str, ...], Callable[[object], None]]] = {
    "decision": ((), row_rules.check_decision)}

_AUDIT_KEYS = ("seq", "at", "actor", "action", "entity", "entity_id", "changes", "prev_hash",
               "hash")


class QuickWrite:
    """One write transaction: `rows` reads (as the light reader does), `insert` writes."""

    def __init__(self, writer: QuickWriter, actor: str, at: datetime) -> None:
        self._writer = writer
        self.actor = actor
        self.at = at
        self.server_login = writer.server_login
        self._head: tuple[int, str] | None = None
        self._cut = False

    def rows(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        return self._writer.reader.rows(sql, params)

    def insert(self, table: str, row: dict[str, Any]) -> None:
        """Insert `row` (every column of `table`, Python values as the ORM takes them),
        with its audit entry."""
        if table not in TABLES:
            raise StoreError(f"the light writer does not write {table} rows")
        quiet, check = TABLES[table]
        columns = self._writer.columns(table)
        keys = tuple(columns)
        if row.keys() != set(keys):
            raise StoreError(f"{table}: a row must give exactly the columns {keys}")
        for name, multiline in columns.items():
            value = row[name]
            if multiline is not None and value and (problem := control_problem(value,
                                                                               multiline)):
                raise InvalidRow(name, problem)
        check(SimpleNamespace(**row))
        stored, bodies = chain.sqlite_rows(keys, quiet, [row])  # the body is the same text
        self._writer.put(table, keys, stored[0] if self._writer.sqlite else
                         tuple(row[k] for k in keys))
        self._append(table, row["id"].hex, bodies[0])

    def _append(self, entity: str, entity_id: str, body: str) -> None:
        writer = self._writer
        if self._head is None:
            self._head = writer.head()
            self._cut = writer.sqlite and chain.cut_short(writer.store_id, *self._head,
                                                          writer.hash_at)
        seq, prev = self._head
        seq += 1
        at_db, at_text = chain.sqlite_datetime(self.at)
        digest = chain.link(prev, seq, at_text, self.actor, "insert", entity, entity_id, body)
        writer.put("audit_log", _AUDIT_KEYS, (
            seq, at_db if writer.sqlite else self.at, self.actor, "insert", entity, entity_id,
            body, prev, digest))
        self._head = (seq, digest)


class QuickWriter:
    """A store file open for light writes (`open_writer`)."""

    sqlite = True
    server_login: str | None = None  # a file is never the team server

    def __init__(self, reader: Any, store_id: str) -> None:
        self.reader = reader
        self.connection = reader.connection
        self.store_id = store_id
        self._columns: dict[str, dict[str, bool | None]] = {}

    def columns(self, table: str) -> dict[str, bool | None]:
        """Each column of `table`: None for a value that is not text, else whether it is
        prose (may hold line feeds and tabs): a text column without a length, as
        `models._text_columns` has it from the table classes."""
        found = self._columns.get(table)
        if found is None:
            found = self._columns[table] = {
                name: (None if not kind.upper().startswith("VARCHAR") else "(" not in kind)
                for _cid, name, kind, *_ in self.connection.execute(
                    f"PRAGMA table_info({table})").fetchall()}
        return found

    def put(self, table: str, keys: tuple[str, ...], values: tuple) -> None:
        self.connection.execute(f"INSERT INTO {table} ({', '.join(keys)}) "
                                f"VALUES ({', '.join('?' * len(keys))})", values)

    def head(self) -> tuple[int, str]:
        found = self.connection.execute(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        return (found[0], found[1]) if found else (0, chain.GENESIS)

    def hash_at(self, seq: int) -> str | None:
        found = self.connection.execute("SELECT hash FROM audit_log WHERE seq = ?",
                                        (seq,)).fetchone()
        return found[0] if found else None

    def begin(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def end(self, commit: bool) -> None:
        if commit:
            self.connection.execute("COMMIT")
        elif self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    def said(self, exc: BaseException) -> StoreError | None:
        if not type(exc).__module__.startswith(("sqlite3", "sqlcipher3")):
            return None
        return driver_write_error(exc, integrity=type(exc).__name__ == "IntegrityError")

    @contextmanager
    def write(self, actor: str) -> Iterator[QuickWrite]:
        """A write transaction, committed when the block ends, else rolled back."""
        if not actor or len(actor) > MAX_ACTOR:
            raise StoreError(f"who is making the change? (a name of 1-{MAX_ACTOR} characters)")
        if self.server_login is not None and actor != self.server_login:
            raise StoreError(f"you are logged in to the team server as {self.server_login}: "
                             f"changes are recorded as {self.server_login}, not {actor}")
        began = False
        try:
            self.begin()
            began = True
            tx = QuickWrite(self, actor, datetime.now(UTC))
            yield tx
            self.end(commit=True)
        except BaseException as exc:
            if began:
                with contextlib.suppress(Exception):
                    self.end(commit=False)
            said = self.said(exc)
            if said is not None:
                raise said from exc
            raise
        if tx._head is not None and not tx._cut:
            # Committed: failing to note the head only weakens `verify`, as in audit.
            with contextlib.suppress(OSError):
                chain.record_head(self.store_id, *tx._head)

    def close(self) -> None:
        self.reader.close()


class ServerQuickWriter(QuickWriter):
    """A PostgreSQL store (a team server or not) open for light writes over libpq
    (`open_server_writer`): the same write lock, chain lock and audit head function as
    `Store.session` takes there (engine._pg_begin, audit._read_head)."""

    sqlite = False

    def __init__(self, reader: Any, store_id: str, server_login: str | None) -> None:
        super().__init__(reader, store_id)
        self.server_login = server_login

    def columns(self, table: str) -> dict[str, bool | None]:
        found = self._columns.get(table)
        if found is None:
            found = self._columns[table] = {
                name: (None if kind != "character varying" else length is None)
                for name, kind, length in self.reader.rows(
                    "SELECT column_name, data_type, character_maximum_length "
                    "FROM information_schema.columns WHERE table_schema = current_schema() "
                    "AND table_name = :table ORDER BY ordinal_position", {"table": table})}
        return found

    def put(self, table: str, keys: tuple[str, ...], values: tuple) -> None:
        self.connection.execute(
            f"INSERT INTO {table} ({', '.join(keys)}) "
            f"VALUES ({', '.join(f'${n}' for n in range(1, len(keys) + 1))})", values)

    def head(self) -> tuple[int, str]:
        self.connection.execute(f"SELECT pg_advisory_xact_lock({chain.CHAIN_LOCK})")
        found = self.connection.execute("SELECT seq, hash FROM cintui_audit_head()")
        return (found[0][0], found[0][1]) if found else (0, chain.GENESIS)

    def begin(self) -> None:
        from cintui.store.engine import WRITE_LOCK, WRITE_LOCK_TIMEOUT

        self.connection.execute(f"BEGIN; SET LOCAL lock_timeout = '{WRITE_LOCK_TIMEOUT}'; "
                                f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    def end(self, commit: bool) -> None:
        self.connection.execute("COMMIT" if commit else "ROLLBACK")

    def said(self, exc: BaseException) -> StoreError | None:
        from cintui.store.pq import PqError

        if not isinstance(exc, PqError):
            return None
        if self.server_login is not None and (
                refused := server_refusal(self.server_login, exc)) is not None:
            return refused
        # libpq's message begins "ERROR:  "; psycopg's, which the full store words, does not.
        first = (str(exc).strip().splitlines() or [""])[0].removeprefix("ERROR:").strip()
        return driver_write_error(PqError(first, exc.sqlstate),
                                  integrity=(exc.sqlstate or "").startswith("23"))


def open_writer(path: Path, passphrase: str | None) -> QuickWriter | None:
    """`path` open for light writes, checked as the reader checks it (passphrase, revision);
    None when the file is not at this cintui's newest revision (the full `open_store` then
    upgrades it after a backup) or has no store id yet. Its connection is the reader's
    (`fast._connect`, where every light connection to a file is opened and held open), so
    the file's header is never read again while it is open; `close` lets it go."""
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

    def __init__(self, session: Any, server_login: str | None) -> None:
        session.flush()  # plain SQL sees what the session holds so far
        self.session = session
        self.server_login = server_login
        self.actor = session.info.get("actor", "")

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        from sqlalchemy import text

        return [tuple(r) for r in self.session.execute(text(sql), params or {}).all()]

    def insert(self, table: str, row: dict[str, Any]) -> None:
        from cintui.store import audit, models

        audit.insert_rows(self.session, models.table_models()[table], [row])


# One round trip: dates in ISO, the schema's revision, the team server's login (None on a
# plain server) and the store's id.
_SERVER_SETUP = ("{datestyle}SELECT (SELECT version_num FROM alembic_version), "
                 "(SELECT session_user FROM store_meta WHERE key = 'team_server'), "
                 f"(SELECT value FROM store_meta WHERE key = '{STORE_ID_KEY}')")


def open_server_writer(url: str) -> ServerQuickWriter | None:
    """The PostgreSQL store at `url` open for light writes over libpq; None when libpq is not
    here, the connection or the first read fails, or the schema is not this cintui's newest:
    the full `open_url` then connects through psycopg and says why in its words."""
    from cintui.store import pq
    from cintui.store.base import shown_url
    from cintui.store.migrate import head_revision

    conninfo = fast.server_conninfo(url)
    conn = pq.connect(conninfo) if conninfo is not None else None
    if conn is None:
        return None
    try:
        revision, team, store_id = conn.execute(
            _SERVER_SETUP.format(datestyle=fast.iso_dates(conn)))[0]
    except pq.PqError:
        revision = store_id = None
    if revision != head_revision() or store_id is None:
        conn.close()
        return None
    return ServerQuickWriter(fast.LightServerReader(conn, shown_url(url), team), store_id, team)
