"""Opening the store: an encrypted SQLite file (SQLCipher), a plain one, or any SQLAlchemy URL.

The app and the CLI only ever see `Store` and the `StoreError` family, whatever database is
underneath (STORE_NOTES.md has the measurements behind the choices here).

SQLAlchemy is imported inside the functions that need it: the errors and `is_encrypted_file`
are wanted before anyone has typed a passphrase, and the unlock screen should paint first.
"""

from __future__ import annotations

import contextlib
import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cintui.domain.text import inert
from cintui.store.base import (  # re-exported: callers open stores from here
    MAX_ACTOR,
    MEMORY_SECURITY,
    SQLITE_HEADER,
    SQLITE_NOTADB,
    STORE_ID_KEY,
    WRITE,
    PassphraseRequired,
    StoreBusy,  # noqa: F401 (re-exported)
    StoreError,
    StoreExists,
    StoreNotFound,
    UpgradeNeeded,
    WriteConflict,  # noqa: F401 (re-exported)
    WrongPassphrase,
    damaged,
    driver_execute,
    is_url,
    server_refusal,
    write_error,
)

_SIDE_FILES = ("-wal", "-shm", "-journal")

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.orm import sessionmaker
    from sqlmodel import Session

    from cintui.store.requests import Request
    from cintui.store.server import ServerInfo


@dataclass(eq=False)
class Store:
    """An open store. `session(actor)` to write (audited), `read()` to read."""

    engine: Engine
    path: Path | None
    encrypted: bool
    store_id: str
    upgraded_from: str | None = None  # revision before an automatic upgrade
    # A team server (store/server.py): its group roles' prefix and the login, who is the
    # only actor its sessions accept. None for every other store.
    server: ServerInfo | None = None
    backup_path: Path | None = None  # written before that upgrade
    # Write transactions committed through this object: a screen that read before compares
    # it to know whether what it shows may be out of date.
    commits: int = field(default=0, init=False)
    # The audit entries (first, last) those transactions wrote: what changed in the store
    # that was not this process's own doing is the rest (screens/live.py).
    written: list[tuple[int, int]] = field(default_factory=list, init=False, repr=False)
    committing: int = field(default=0, init=False, repr=False)
    commit_starts: int = field(default=0, init=False, repr=False)
    # A CLI write asked for with `--request-id` (store/requests.py): the first write
    # transaction checks it was not applied before and records it as it commits.
    request: Request | None = field(default=None, init=False)
    _closed: bool = field(default=False, init=False, repr=False)
    _writer: sessionmaker = field(init=False, repr=False)
    _reader: sessionmaker = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from sqlalchemy.orm import sessionmaker
        from sqlmodel import Session

        from cintui.store import audit

        info = {"store_id": self.store_id}
        self._writer = sessionmaker(self.engine.execution_options(**{WRITE: True}),
                                    class_=Session, expire_on_commit=False, info=info)
        self._reader = sessionmaker(self.engine, class_=Session, expire_on_commit=False,
                                    info=info)
        audit.install(self._writer)
        audit.install_read_only(self._reader)
        if self.path is not None:
            held_open(self.path, self.encrypted, 1)

    @contextmanager
    def session(self, actor: str, request: Request | None = None) -> Iterator[Session]:
        """A write transaction, commits on success, else rolls back. Writers queue for one
        lock as the transaction begins, so a use case's checks and its writes are never
        interleaved with another writer's (on SQLite BEGIN IMMEDIATE, on PostgreSQL the
        transaction-level advisory lock `WRITE_LOCK`: see `_pg_begin`).

        A deferred BEGIN that reads then writes fails with "database is locked" under WAL
        whatever the busy timeout (STORE_NOTES.md), so writers queue for the lock up front.
        """
        if not actor or len(actor) > MAX_ACTOR:
            raise StoreError(f"who is making the change? (a name of 1-{MAX_ACTOR} characters)")
        if self.server is not None and actor != self.server.login:
            raise StoreError(f"you are logged in to the team server as {self.server.login}: "
                             f"changes are recorded as {self.server.login}, not {actor}")
        session = self._writer()
        session.info["actor"] = actor
        if self.server is not None:
            session.info["login"] = self.server.login
        request = request or self.request  # one of the app's (an import), or the CLI's
        request = request if request is not None and not request.claimed else None
        try:
            if request is not None:
                from cintui.store import requests

                requests.check(session, actor, request)
            yield session
            claimed = request is not None and requests.claim(session, actor, request)
            self.committing += 1  # until its entries are in `written` (changes.look)
            self.commit_starts += 1
            try:
                session.commit()
                self.written.extend(_audit().written(session))
            finally:
                self.committing -= 1
            self.commits += 1
            if claimed:
                request.claimed = True  # type: ignore[union-attr]
        except BaseException as exc:
            # The team server's own refusal (no privilege, row security, a trigger) names
            # the login; a clash with another writer (a duplicate, a deadlock, a lock
            # timeout) is one line for the person saving, never an internal error.
            said = None
            if self.server is not None:
                said = server_refusal(self.server.login, getattr(exc, "orig", None))
            said = said or write_error(exc)
            try:
                session.rollback()
            except Exception:
                if said is None:
                    raise
            if said is not None:
                raise said from exc
            raise
        finally:
            session.close()

    def newest_entry(self) -> int:
        """The audit trail's newest entry number (`audit.newest_seq`), on a pooled
        connection of its own."""
        from cintui.store import audit

        with self.engine.connect() as conn:
            return audit.newest_seq(conn)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A deferred, read-only session: nothing flushed through it is written."""
        session = self._reader()
        try:
            yield session
        finally:
            session.close()  # rolls back

    @contextmanager
    def loading_new_file(self) -> Iterator[None]:
        """Around one large write into a new SQLite file (the demo's 260,000 rows): the
        rollback journal, which writes each page the file did not have once, where WAL
        writes it twice (to the log, then into the file at the checkpoint); about 2.5 s of
        the 5,000-child demo's 18. A write cut short is still rolled back; WAL comes back
        at the end, as on every open (`_use_wal`). Nothing changes on a server.

        And a larger page cache (`LOAD_CACHE_KIB`) on every connection the load checks out
        of the pool, back to `PAGE_CACHE_KIB` when it is returned: with SQLite's 2 MB the
        indexes' pages are spilled and read back again and again, on an encrypted file each
        time encrypted and decrypted (the encrypted 5,000-child demo: 15.6 s with 2 MB,
        9.1-9.3 s with 16-64 MB, no faster with 128-256 MB)."""
        if self.engine.dialect.name != "sqlite":
            yield
            return
        from sqlalchemy import event

        with self.engine.connect() as conn:
            driver_execute(conn, "PRAGMA journal_mode = DELETE")

        def loading(dbapi_connection: Any, *_: Any) -> None:
            set_cache_size(dbapi_connection, LOAD_CACHE_KIB)

        def usual(dbapi_connection: Any, *_: Any) -> None:
            set_cache_size(dbapi_connection, PAGE_CACHE_KIB)

        event.listen(self.engine, "checkout", loading)
        event.listen(self.engine, "checkin", usual)
        try:
            yield
        finally:
            event.remove(self.engine, "checkout", loading)
            event.remove(self.engine, "checkin", usual)
            _use_wal(self.engine)

    def indexes_after_load(self, conn: Connection, tables: list[str]) -> IndexesAfterLoad:
        """`IndexesAfterLoad` for a load into this new file; on an encrypted file none are
        dropped: making an index reads, and decrypts, every page of its table, which cost more
        than keeping the index up to date in the load's page cache (the encrypted 5,000-child
        demo: ~0.5 CPU-seconds more in the writing process, measured the same hour)."""
        return IndexesAfterLoad(conn, [] if self.encrypted else tables)

    def raw_connection(self) -> Any:
        """A pooled DB-API connection for fast bulk reads; `close()` it to give it back."""
        return self.engine.raw_connection()

    def close(self) -> None:
        """Close every pooled connection (the key leaves memory with them)."""
        self.engine.dispose()
        if self.path is not None and not self._closed:
            self._closed = True
            held_open(self.path, self.encrypted, -1)


class IndexesAfterLoad:
    """A new SQLite file's secondary indexes on `tables`, dropped before they are bulk
    loaded and made again, by the very statements that made them, as each table is filled
    (`filled`) and at the end (`finish`), in the load's transaction: an index made from a
    whole table sorts it once, where rows inserted one by one each find their place in every
    index (the plain 5,000-child demo's ~100 indexes: ~0.9 CPU-seconds less in the writing
    process, issue 21). A load cut short rolls the drops back with the rows. Nothing changes
    on a server. `Store.indexes_after_load` says which files."""

    def __init__(self, conn: Connection, tables: list[str]) -> None:
        self.conn = conn
        self.pending: dict[str, list[str]] = {}
        if conn.dialect.name != "sqlite":
            return
        wanted = set(tables)
        for name, table, sql in conn.exec_driver_sql(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                "AND sql IS NOT NULL ORDER BY rowid").all():
            if table in wanted:
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
                self.pending.setdefault(table, []).append(sql)

    def filled(self, table: str) -> None:
        for sql in self.pending.pop(table, ()):
            self.conn.exec_driver_sql(sql)

    def finish(self) -> None:
        for table in list(self.pending):
            self.filled(table)


# ------------------------------------------------------------------ files


# The store files this process has open (device, inode): whether each is encrypted, and by
# how many open stores and readers. See `is_encrypted_file`.
_OPEN_FILES: dict[tuple[int, int], tuple[bool, int]] = {}
# The first bytes of each store file read in this process (`file_head`): SQLite's header,
# or SQLCipher's salt, given from here while the file is held open.
_HEADS: dict[tuple[int, int], bytes] = {}
HEAD_BYTES = 16  # SQLite's header; SQLCipher's salt is as long


def _file_key(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def held_open(path: Path, encrypted: bool, step: int) -> None:
    """A store or reader on `path` opened (`step` 1) or closed (-1) in this process."""
    with contextlib.suppress(OSError):
        key = _file_key(path)
        known, count = _OPEN_FILES.get(key, (encrypted, 0))
        if count + step > 0:
            _OPEN_FILES[key] = (known, count + step)
        else:
            _OPEN_FILES.pop(key, None)
            _HEADS.pop(key, None)  # read anew next time: the file may be replaced


def is_encrypted_file(path: Path) -> bool:
    """True unless the file starts with SQLite's plain header (SQLCipher encrypts page 1 too).

    Never read again while this process has the store open: closing any descriptor of a
    file drops every POSIX lock the process holds on it, SQLite's too. Without its lock,
    another process closing the store last (a `cintui` command while the app is open)
    deletes the WAL under the open connections: they then read the store as it was and
    write where no one else reads, and their next commit is lost (README: "Many people at
    once")."""
    with contextlib.suppress(OSError):
        if (known := _OPEN_FILES.get(_file_key(path))) is not None:
            return known[0]
    return file_head(path)[:len(SQLITE_HEADER)] != SQLITE_HEADER


def file_head(path: Path) -> bytes:
    """The file's first `HEAD_BYTES` (an encrypted store's salt: `unlocked`), read once
    while this process holds the store open, for the reason `is_encrypted_file` gives: an
    unlock session's key is checked against the salt as each command opens the store, and a
    command may open it after its light reader has."""
    key = None
    with contextlib.suppress(OSError):
        key = _file_key(path)
        if key in _OPEN_FILES and key in _HEADS:
            return _HEADS[key]
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if key is not None:
        _HEADS[key] = head
    return head


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in _SIDE_FILES]


def _make_private_folder(folder: Path) -> None:
    """Create missing folders as 0700; folders that already exist are left as they are."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for made in missing:
        with contextlib.suppress(OSError):
            made.chmod(0o700)


def _chmod_private(path: Path) -> None:
    for file in (path, *_side_files(path)):
        with contextlib.suppress(FileNotFoundError):
            file.chmod(0o600)


def _claim(path: Path) -> None:
    """Create an empty 0600 file, failing if it exists (no race with another creator)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise StoreExists(f"{path} already exists") from None


def _remove(path: Path) -> None:
    for file in (path, *_side_files(path)):
        with contextlib.suppress(FileNotFoundError):
            file.unlink()


@contextmanager
def _private_umask() -> Iterator[None]:
    old = os.umask(0o077)  # SQLite creates -wal/-shm (and journals) under the umask
    try:
        yield
    finally:
        os.umask(old)


# ------------------------------------------------------------------ engines


def _sqlite_engine(path: Path, passphrase: str | None, *,
                   memory_security: bool = MEMORY_SECURITY) -> Engine:
    from sqlalchemy import create_engine, pool
    from sqlalchemy.engine import URL

    if passphrase is None:
        url = URL.create("sqlite", database=str(path))
    else:
        url = URL.create("sqlite+pysqlcipher", password=passphrase, database=str(path))
    # pysqlcipher would pick SingletonThreadPool; a queue pool shares the ~70 ms keyed
    # connections between the UI thread and workers.
    # Children's details never reach an error message (and so a log file) as query parameters.
    engine = create_engine(url, poolclass=pool.QueuePool, hide_parameters=True)
    _configure_sqlite(engine, memory_security=memory_security)
    return engine


def _configure_sqlite(engine: Engine, *, memory_security: bool = MEMORY_SECURITY) -> None:
    from functools import partial

    from sqlalchemy import event

    if engine.dialect.driver == "pysqlcipher":
        # Before the dialect's PRAGMA key, so no read can ever log "hmac check failed".
        event.listen(engine, "connect", partial(_quiet_cipher, memory_security=memory_security),
                     insert=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)


def _quiet_cipher(dbapi_connection: Any, _record: Any, *,
                  memory_security: bool = MEMORY_SECURITY) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")  # stderr output garbles the TUI
        cursor.execute(f"PRAGMA cipher_memory_security = {'ON' if memory_security else 'OFF'}")
    finally:
        cursor.close()


def inert_text(raw: bytes) -> str:
    """Every text value read from a SQLite store (its connections' `text_factory`), made
    inert: a control character stored before they were refused never reaches a terminal,
    in the TUI or the CLI (Trust: output is inert). Printable text, nearly every value,
    is taken as it is: `str.isprintable` is false for every character `inert` replaces, and
    checking it costs a third of the replacement (258,000 values for `due` on 5,000 children)."""
    text = raw.decode()
    return text if text.isprintable() else inert(text, c0_only=True)


# How long a write waits for the others before it says the store is busy (a draft is then
# retried by itself, casework.drafts.DraftSaver; a command says so in one line): the same
# on a SQLite file and on a server. A CLI import of thousands of rows is the longest writer;
# eight people saving at once on a busy laptop wait a few seconds, never this long. Tests
# shorten it to run a long lock's many retries in little time.
WRITE_WAIT_SECONDS = 30
BUSY_TIMEOUT_MS = WRITE_WAIT_SECONDS * 1000

# Each SQLite connection's page cache: 16 MB, not SQLite's 2 MB. A query over a large store
# reads some pages again (joins, subqueries); with 2 MB they have been evicted by then, and
# on an encrypted file each read is a decryption. The everyone view of the encrypted 5k store
# loads in 1.05 s against 2.0 s (32 MB: 1.0 s). The cache fills only as pages are read: a
# worker's twenty children use a fraction of it.
PAGE_CACHE_KIB = 16384
LOAD_CACHE_KIB = 65536  # while a new file is loaded (`Store.loading_new_file`)


def set_cache_size(dbapi_connection: Any, kib: int) -> None:
    dbapi_connection.execute(f"PRAGMA cache_size = -{int(kib)}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy's documented recipe: the driver stops issuing BEGIN itself and
    # `_sqlite_begin` does it, so SAVEPOINT and transactional DDL work as written.
    dbapi_connection.isolation_level = None
    dbapi_connection.text_factory = inert_text
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        # A wrong key (or a damaged file) shows only on the first read. Nothing here
        # writes to the file: WAL, which is kept in the file, is set by `_use_wal` once
        # the file is known to be a store.
        cursor.execute("SELECT count(*) FROM sqlite_master").fetchall()
        set_cache_size(dbapi_connection, PAGE_CACHE_KIB)  # once the key is known to be right
        cursor.execute("PRAGMA synchronous = FULL")  # NORMAL may lose a commit on power loss
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _configure_psycopg(engine: Engine) -> None:
    """Text read from PostgreSQL is made inert as SQLite's `text_factory` makes it."""
    from sqlalchemy import event

    event.listen(engine, "connect", _psycopg_inert_text)


@functools.cache
def _inert_loaders() -> tuple[type, ...]:
    from psycopg.types.string import TextBinaryLoader, TextLoader

    class InertText(TextLoader):
        def load(self, data: Any) -> str:
            return inert(super().load(data), c0_only=True)

    class InertTextBinary(TextBinaryLoader):
        def load(self, data: Any) -> str:
            return inert(super().load(data), c0_only=True)

    return InertText, InertTextBinary


def _psycopg_inert_text(dbapi_connection: Any, _record: Any) -> None:
    adapters = dbapi_connection.adapters
    for name in ("text", "varchar", "bpchar", "name"):
        for loader in _inert_loaders():
            adapters.register_loader(name, loader)


def _audit() -> Any:
    from cintui.store import audit

    return audit


def _use_wal(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            driver_execute(conn, "PRAGMA journal_mode = WAL")


def _sqlite_begin(conn: Any) -> None:
    write = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# PostgreSQL: the key of the transaction-level advisory lock every write transaction takes
# first ("cintui" in ASCII; a database holds one store). Advisory locks need no privilege,
# so a worker's login with only SELECT/INSERT/UPDATE takes it as the owner does.
WRITE_LOCK = 0x63696E747569
# How long a writer waits for the others before giving up with `StoreBusy`.
WRITE_LOCK_TIMEOUT = f"{WRITE_WAIT_SECONDS}s"


def _configure_postgresql(engine: Engine) -> None:
    from sqlalchemy import event

    event.listen(engine, "begin", _pg_begin)


def _pg_begin(conn: Any) -> None:
    """A write transaction on PostgreSQL takes the store's write lock as it begins.

    Why a lock and not SERIALIZABLE: every write appends to the one audit hash chain, so two
    writers can never both commit anyway (they would extend the chain from the same entry);
    under SERIALIZABLE the later one would fail at its first flush and redo the whole use case,
    work thrown away, and a use case is Python, not SQL, so repeating it is not free of
    surprises. Queueing at BEGIN costs the same one-writer-at-a-time and never fails.
    READ COMMITTED (the default) is kept on purpose: each statement after the lock sees every
    transaction committed before it (under REPEATABLE READ the snapshot would be taken by the
    lock statement itself, before the wait)."""
    if conn.get_execution_options().get(WRITE, False):
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITE_LOCK_TIMEOUT}'")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def _open_error(exc: Exception, path: Path, encrypted: bool) -> StoreError:
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if code == SQLITE_NOTADB or "file is not a database" in str(orig):
        if encrypted:
            return WrongPassphrase(path)
        return StoreError(f"damaged file or not a database: {path}")
    return damaged(exc, path) or StoreError(f"cannot open {path}: {orig}")


def _connect_check(engine: Engine, path: Path, encrypted: bool) -> None:
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        raise _open_error(exc, path, encrypted) from exc


# ------------------------------------------------------------------ store_meta


def _read_store_id(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _store_id_on(conn)


def _store_id_on(conn: Connection) -> str | None:
    from sqlalchemy import select

    from cintui.store.models import StoreMeta

    return conn.execute(
        select(StoreMeta.value).where(StoreMeta.key == STORE_ID_KEY)  # type: ignore[arg-type]
    ).scalar()


def _write_store_id(engine: Engine) -> str:
    from sqlalchemy import insert

    from cintui.store.models import StoreMeta

    store_id = uuid.uuid4().hex
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        conn.execute(insert(StoreMeta), {"key": STORE_ID_KEY, "value": store_id})
    return store_id


def _store_id(engine: Engine) -> str:
    # Stores made by create_store always have one; older development stores get one now.
    return _read_store_id(engine) or _write_store_id(engine)


def _check_revision(engine: Engine, where: str) -> str | None:
    from cintui.store import migrate

    return _known_revision(migrate.current_revision(engine), where)


def _known_revision(revision: str | None, where: str) -> str | None:
    from cintui.store import migrate

    if revision is not None and revision not in migrate.known_revisions():
        raise StoreError(f"{where} was written by a newer cintui (schema {revision}); "
                         "update cintui to open it")
    return revision


# ------------------------------------------------------------------ public


def create_store(path: Path, passphrase: str | None, *, encrypt: bool = True,
                 memory_security: bool = MEMORY_SECURITY) -> Store:
    """A new store at `path`: folder 0700, files 0600, schema at head, a fresh store_id.

    `memory_security=False` is for stores of synthetic data only (`cintui demo`): SQLCipher's
    wiping of every freed allocation makes bulk writes ~3x slower, and protects nothing there.
    """
    return _create_store_at(Path(path), passphrase, encrypt=encrypt, revision="head",
                            memory_security=memory_security)


def _create_store_at(path: Path, passphrase: str | None, *, encrypt: bool,
                     revision: str, memory_security: bool = MEMORY_SECURITY) -> Store:
    """`create_store`, stopping at an older `revision` (tests of upgrades use this)."""
    from cintui.store import migrate

    if encrypt and not passphrase:
        raise PassphraseRequired("a new encrypted store needs a passphrase")
    if path.exists():
        raise StoreExists(f"{path} already exists")
    _make_private_folder(path.parent)
    engine = None
    with _private_umask():
        _claim(path)
        try:
            # SQLCipher's memory wiping (a setting of the whole process, which once on
            # stays on) is left off while the new, empty store's schema is made: nothing of
            # anyone's is in memory yet, and wiping every allocation of its ~700 schema
            # statements doubled the time of `cintui db init` and `sync setup` (2.0 s
            # against 0.9 s). The store is then opened as asked (a second key derivation,
            # ~0.15 s).
            key = passphrase if encrypt else None
            engine = _sqlite_engine(path, key, memory_security=False)
            _use_wal(engine)
            migrate.create(engine, revision)
            store_id = _write_store_id(engine)
            _chmod_private(path)
            if key is not None and memory_security:
                engine.dispose()
                engine = _sqlite_engine(path, key, memory_security=True)
        except BaseException:
            if engine is not None:
                engine.dispose()
            _remove(path)
            raise
    return Store(engine, path, encrypt, store_id)


def check_store_file(path: Path, passphrase: str | None) -> bool:
    """Refuse a missing or empty file, or an encrypted one without a passphrase, before
    touching it; True when the file is encrypted."""
    if not path.is_file():
        raise StoreNotFound(f"no store at {path}")
    if path.stat().st_size == 0:
        raise StoreError(f"{path} is empty: not a cintui store")
    encrypted = is_encrypted_file(path)
    if encrypted and not passphrase:
        raise PassphraseRequired(f"{path} is encrypted: a passphrase is needed")
    return encrypted


def open_store(path: Path | str, passphrase: str | None) -> Store:
    """Open an existing store file; an older schema is backed up next to it, then upgraded.
    A database URL (`postgresql+psycopg://...`) is opened with `open_url`."""
    from cintui.store import migrate

    if is_url(path):
        return open_url(str(path))
    path = Path(path)
    encrypted = check_store_file(path, passphrase)
    key = passphrase if encrypted else None
    engine = _sqlite_engine(path, key)
    _connect_check(engine, path, encrypted)
    try:
        revision = _check_revision(engine, str(path))
        if revision is None:
            raise StoreError(f"{path} is not a cintui store")
        _use_wal(engine)
        backup = None
        if revision != migrate.head_revision():
            backup = _upgrade_backup_path(path, revision)
            _backup_sqlite(engine, backup, key)
            migrate.upgrade(engine)
        store = Store(engine, path, encrypted, _store_id(engine))
    except BaseException:
        engine.dispose()
        raise
    if backup is not None:
        store.upgraded_from, store.backup_path = revision, backup
    return store


def open_url(url: str, *, upgrade: bool = False) -> Store:
    """Any SQLAlchemy URL (CINTUI_DATABASE_URL), no file checks: an empty database is made a
    store at head. A server's older schema is upgraded only with `upgrade=True` (`cintui db
    upgrade`, once a backup is taken), else refused (UpgradeNeeded); SQLite's as before."""
    from sqlalchemy import create_engine, pool
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from cintui.store import migrate

    try:
        parsed = make_url(url)
        shown = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() != "sqlite":
            options: dict[str, Any] = {"pool_pre_ping": True}  # servers restart
            if parsed.get_driver_name() == "psycopg":
                # No hstore column anywhere: not one round trip a process to look its type up.
                options["use_native_hstore"] = False
        elif parsed.database not in (None, "", ":memory:"):
            options = {"poolclass": pool.QueuePool}  # as for files opened by path
        else:
            options = {}
        engine = create_engine(parsed, hide_parameters=True, **options)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {exc}") from None
    except ImportError as exc:
        raise StoreError(f"no driver installed for {parsed.drivername}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
        if engine.dialect.driver == "psycopg":
            _configure_psycopg(engine)
    try:
        # What opening reads, on one connection: each new checkout of a server's connection
        # is a round trip more (the pool's ping), and a command on a laptop far from its
        # team server pays each one in full.
        with engine.connect() as conn:
            revision = _known_revision(migrate.current_on(conn), shown)
            head = migrate.head_revision()
            if (revision not in (None, head) and engine.dialect.name != "sqlite"
                    and not upgrade):
                raise UpgradeNeeded(shown, revision, head)
            server = _server_info_on(conn) if revision is not None else None
            store_id = _store_id_on(conn) if revision == head else None
        _use_wal(engine)
        if revision != head:
            _upgrade_url(engine, revision, server)
        store = Store(engine, None, engine.dialect.driver == "pysqlcipher",
                      store_id or _store_id(engine), server=server)
    except DBAPIError as exc:
        engine.dispose()
        raise StoreError(f"cannot use {shown}: {str(exc.orig).splitlines()[0]}") from exc
    except BaseException:
        engine.dispose()
        raise
    if revision is not None and revision != migrate.head_revision():
        store.upgraded_from = revision
    return store


def _server_info_on(conn: Connection) -> ServerInfo | None:
    from cintui.store import server

    return server.info(conn) if conn.dialect.name == "postgresql" else None


def _upgrade_url(engine: Engine, revision: str | None, server: ServerInfo | None) -> None:
    """Upgrade a database's schema; a team server only by its owner, who re-applies the
    server's grants, triggers and policies to what the upgrade added."""
    from cintui.store import migrate
    from cintui.store import server as team

    if server is not None:
        with engine.connect() as conn:
            owner = conn.exec_driver_sql(
                "SELECT pg_get_userbyid(datdba) = session_user OR (SELECT rolsuper FROM "
                "pg_roles WHERE rolname = session_user) FROM pg_database "
                "WHERE datname = current_database()").scalar()
        if not owner:
            raise StoreError(f"the team server's store is at revision {revision} and this "
                             f"cintui needs {migrate.head_revision()}: its owner runs "
                             "`cintui db upgrade` first")
    migrate.upgrade(engine)
    if server is not None:
        with engine.begin() as conn:
            team.init(conn)


def backup_store(store: Store, target: Path, passphrase: str | None) -> Path:
    """Copy a store file, safely while it is in use, into a new file under the same encryption.

    An encrypted store's copy is keyed with `passphrase`, or the store's own when None.
    """
    target = Path(target)
    if store.path is None:
        raise StoreError("a database server is backed up on the server (e.g. pg_dump)")
    if target.exists():
        raise StoreExists(f"{target} already exists")
    key = None
    if store.encrypted:
        key = passphrase or store.engine.url.password
        if not key:
            raise PassphraseRequired("the backup of an encrypted store needs a passphrase")
    elif passphrase:
        raise StoreError(f"{store.path} is not encrypted, so neither is its backup")
    _backup_sqlite(store.engine, target, key)
    return target


def _upgrade_backup_path(path: Path, revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d%H%M%S")
    backup = path.with_name(f"{path.name}.before-{revision}-{stamp}.bak")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.before-{revision}-{stamp}-{n}.bak")
    return backup


def _backup_sqlite(engine: Engine, target: Path, key: str | None) -> None:
    if key is None:
        import sqlite3 as driver
    else:
        import sqlcipher3 as driver  # type: ignore[no-redef]
    _make_private_folder(target.parent)
    with _private_umask():
        _claim(target)
        try:
            dest = driver.connect(str(target))
            try:
                if key is not None:
                    dest.execute("PRAGMA cipher_log_level = NONE")
                    dest.execute("PRAGMA key = '{}'".format(key.replace("'", "''")))
                source = engine.raw_connection()
                try:
                    # One step: an incremental copy never finishes under a steady writer.
                    source.driver_connection.backup(dest, pages=-1)
                finally:
                    source.close()
                dest.execute("SELECT count(*) FROM sqlite_master").fetchall()
            finally:
                dest.close()
            _chmod_private(target)
        except BaseException:
            _remove(target)
            raise
