"""The first-paint read path: a keyed DB-API connection, no SQLAlchemy or SQLModel.

On a team server (CINTUI_DATABASE_URL) the same reads go over libpq itself
(`open_server_reader`, store/pq.py): neither the ORM nor psycopg, whose import alone cost a
server read more than a file's whole start-up; psycopg only when no libpq is found.

Importing the ORM stack costs ~290 ms (STORE_NOTES.md: start-up speed), more than a whole
Textual hello-world. The caseload a worker opens every morning only needs a few reads, so
the app reads it through this connection and opens the full `Store` (for everything else,
and every write) in the background. Read-only: `PRAGMA query_only` refuses any write, so
nothing here can get past the audit trail.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from cintui.store.base import damaged, shown_url
from cintui.store.engine import (
    MEMORY_SECURITY,
    PAGE_CACHE_KIB,
    StoreError,
    WrongPassphrase,
    check_store_file,
    held_open,
    inert_text,
    set_cache_size,
)


class FastReader:
    """A read-only connection for the first screen; shareable with one worker thread."""

    # A laptop replica's login on the team server (store/sync.py), else None: who acts.
    team_login: str | None = None

    def __init__(self, connection: Any, path: Path, encrypted: bool) -> None:
        self.connection = connection
        self.path = path
        self.encrypted = encrypted

    def rows(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        cursor = self.connection.execute(sql, params)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def close(self) -> None:
        if self.path is None:
            self.connection.close()
        elif not getattr(self, "_closed", False):
            self._closed = True
            _disconnect(self.connection, self.path, self.encrypted)


# Active workers with their open caseload size. Plain SQL shared with cases.list_workers.
WORKERS_SQL = """
SELECT w.username, w.name, w.role, t.name, count(c.id)
FROM worker AS w
LEFT JOIN team AS t ON t.id = w.team_id
LEFT JOIN child AS c ON c.worker_id = w.id AND c.status IN ('referral', 'assessment', 'cin_plan')
WHERE w.active
GROUP BY w.id, w.username, w.name, w.role, t.name
ORDER BY w.name, w.username
"""
DEMO_SQL = "SELECT count(*) FROM store_meta WHERE key = 'demo'"
WORKER_EXISTS_SQL = "SELECT 1 FROM worker WHERE username = :username AND active"
WORKER_NAME_SQL = "SELECT name, role FROM worker WHERE username = :username"
ACTIVE_WORKERS_SQL = "SELECT username, name FROM worker WHERE active"
LEFT_WORKERS_SQL = "SELECT username, name, left_on FROM worker WHERE NOT active"


def leavers(rows) -> list[tuple[str, str, date | None]]:
    """The workers who have left (`worker leave`): username, name and the day they left, as
    `domain.workforce.not_a_worker` takes them (`rows`: a reader's, or a connection's
    `exec_driver_sql(...).all`)."""
    return [(u, n, left if isinstance(left, date) or left is None
             else date.fromisoformat(str(left)[:10]))
            for u, n, left in rows(LEFT_WORKERS_SQL)]


def _quote(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


# Readers being opened ahead on a thread (`prefetch_reader`), by (path, passphrase).
_AHEAD: dict[tuple[str, str | None], tuple[Any, dict]] = {}


def prefetch_reader(path: Path, passphrase: str | None) -> None:
    """Start opening `path` on a thread, for `open_reader` to take when the command asks.

    SQLCipher's key derivation (PBKDF2, 256,000 rounds: ~0.13 s, twice `import typer`) runs
    in C without holding the interpreter, so it runs on the second core while the command's
    modules import. Nothing else changes: the same checks, the same errors (an open that
    failed on the thread is simply done again by `open_reader`)."""
    import contextlib
    import threading

    if (str(path), passphrase) in _AHEAD:  # on its way already (`cintui`, then `run`)
        return
    result: dict = {}

    def work() -> None:
        # An error is said again, in the user's words, by open_reader on the main thread.
        with contextlib.suppress(BaseException):
            result["reader"] = _open_reader(Path(path), passphrase)

    thread = threading.Thread(target=work, name="open-reader", daemon=True)
    _AHEAD[(str(path), passphrase)] = (thread, result)
    thread.start()


def reader_ahead(path: Path, passphrase: str | None) -> FastReader | None:
    """The reader opened ahead for `path` (`prefetch_reader`, started now if it was not),
    once it is open, left for `open_reader` to take: a look before the app starts. None if
    it did not open (`open_reader` says why, or opens the full store)."""
    prefetch_reader(path, passphrase)
    thread, result = _AHEAD[(str(path), passphrase)]
    thread.join()
    return result.get("reader")


def drop_ahead() -> None:
    """Close the readers opened ahead that no command took (it failed first, or only showed
    its help), so none outlives its command."""
    while _AHEAD:
        thread, result = _AHEAD.popitem()[1]
        thread.join()
        if result.get("reader") is not None:
            result["reader"].close()


def open_reader(path: Path, passphrase: str | None) -> FastReader | None:
    """Open `path` for reading, checking the passphrase and the schema revision.

    None when the store's schema is not this cintui's newest: the full `open_store` then
    upgrades it (after a backup). Errors are the store's own, worded for the user.
    """
    ahead = _AHEAD.pop((str(path), passphrase), None)
    if ahead is not None:
        thread, result = ahead
        thread.join()
        if "reader" in result:
            return result["reader"]
    return _open_reader(Path(path), passphrase)


def _open_reader(path: Path, passphrase: str | None) -> FastReader | None:
    from cintui.store.migrate import head_revision

    path = Path(path)
    encrypted = check_store_file(path, passphrase)
    if encrypted:
        import sqlcipher3

        module: Any = sqlcipher3
    else:
        module = sqlite3
    conn = _connect(module, path, encrypted)
    conn.text_factory = inert_text
    try:
        if encrypted:
            conn.execute("PRAGMA cipher_log_level = NONE")  # stderr would garble the TUI
            conn.execute(
                f"PRAGMA cipher_memory_security = {'ON' if MEMORY_SECURITY else 'OFF'}")
            conn.execute(f"PRAGMA key = {_quote(passphrase or '')}")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA query_only = ON")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except module.DatabaseError as exc:
            if encrypted:
                raise WrongPassphrase(path) from None
            raise damaged(exc, path) or StoreError(
                f"{path} is damaged or not a cintui store ({exc})") from None
        set_cache_size(conn, PAGE_CACHE_KIB)  # once the key is known to be right
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except module.DatabaseError:
            raise StoreError(f"{path} is not a cintui store") from None
        if row is None or row[0] != head_revision():
            _disconnect(conn, path, encrypted)
            return None
        reader = FastReader(conn, path, encrypted)
        row = conn.execute("SELECT value FROM store_meta WHERE key = 'sync_login'").fetchone()
        reader.team_login = row[0] if row else None
        return reader
    except BaseException:
        _disconnect(conn, path, encrypted)
        raise


def _connect(module: Any, path: Path, encrypted: bool) -> Any:
    """The one place a light connection to a store file is opened (the reader's, and the
    light writer's, which is the reader's made writable: `quick.open_writer`): the file is
    held open (`engine.held_open`) from the moment the connection has its descriptor until
    `_disconnect`, so this process never reads the file's header again meanwhile. Closing a
    descriptor of its own would drop every POSIX lock the process holds on the file,
    SQLite's too (`engine.is_encrypted_file` says what follows: a lost write)."""
    # Not `mode=ro`: a WAL store with no -shm file yet cannot be opened read-only.
    conn = module.connect(str(path), check_same_thread=False, isolation_level=None)
    held_open(path, encrypted, 1)
    return conn


def _disconnect(conn: Any, path: Path, encrypted: bool) -> None:
    """Close a connection `_connect` opened, and no longer hold the file open."""
    try:
        conn.close()
    finally:
        held_open(path, encrypted, -1)


# ------------------------------------------------------------------ a team server

SERVER_SCHEME = "postgresql+psycopg"  # the one driver cintui installs for PostgreSQL
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def server_conninfo(url: str) -> str | None:
    """The libpq URI of a PostgreSQL URL as cintui takes them (`postgresql+psycopg://...`),
    else None. SQLAlchemy hands the same parts (query options: sslmode, sslrootcert,
    service...) to libpq, so both paths reach the same server the same way."""
    from urllib.parse import quote, unquote

    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() != SERVER_SCHEME:
        return None
    # SQLAlchemy leaves a space (and more) in the user or password as typed; libpq's URI
    # wants every such character percent-encoded.
    netloc, slash, tail = rest.partition("/")
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, colon, password = userinfo.partition(":")
        userinfo = quote(unquote(user), safe="") + (
            colon + quote(unquote(password), safe="") if colon else "")
        netloc = f"{userinfo}@{host}"
    return f"postgresql://{netloc}{slash}{tail}"


@lru_cache(maxsize=256)
def _server_sql(sql: str) -> str:
    """`:name` parameters (sqlite3's style, shared by every plain read) as psycopg's."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


class ServerReader(FastReader):
    """The light reader over a PostgreSQL connection: autocommit, every transaction read-only
    (the server refuses any write through it), one statement at a time as on a file."""

    def __init__(self, connection: Any, shown: str, team_login: str | None = None) -> None:
        super().__init__(connection, None, False)  # type: ignore[arg-type]
        self.shown = shown
        self.team_login = team_login  # on a team server, who is logged in (store/server.py)

    def rows(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        if params:
            cursor = self.connection.execute(_server_sql(sql), params)
        else:
            cursor = self.connection.execute(sql)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()


def connect_server(url: str, *, autocommit: bool = True) -> Any:
    """A psycopg connection to the server at `url`; errors as one line (StoreError)."""
    import psycopg

    conninfo = server_conninfo(url)
    if conninfo is None:
        raise StoreError(f"not a PostgreSQL URL cintui uses ({SERVER_SCHEME}://...): "
                         f"{shown_url(url)}")
    try:
        return psycopg.connect(conninfo, autocommit=autocommit)
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreError(f"cannot use {shown_url(url)}: {first}") from None


def server_revision(connection: Any) -> str | None:
    """The schema revision of the database on `connection`; None for one without cintui's
    tables (autocommit: the failed read leaves no transaction behind)."""
    import psycopg

    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return row[0] if row else None


def open_server_reader(url: str) -> ServerReader | None:
    """The light reader on the PostgreSQL database at `url`; None when the URL is not one
    psycopg serves or the schema is not this cintui's newest (the full `open_url` then
    says what to do).

    Over libpq itself (`store/pq.py`: no psycopg import, ~110 ms less) when it can; through
    psycopg when no libpq is found here or the connection failed (psycopg then says why, in
    the words every other path uses)."""
    ahead = _AHEAD.pop((url, None), None)
    if ahead is not None:
        thread, result = ahead
        thread.join()
        if "error" in result:
            raise result["error"]
        if "reader" in result:
            return result["reader"]
    return _open_server_reader(url)


def _open_server_reader(url: str) -> ServerReader | None:
    conninfo = server_conninfo(url)
    if conninfo is None:
        return None
    from cintui.store import pq

    light = pq.connect(conninfo)
    if light is not None:
        try:
            return _light_server_reader(light, url)
        except BaseException:
            light.close()
            raise
    return _psycopg_server_reader(url)


# One round trip: every later transaction read-only, dates in ISO, the schema's revision and
# the team server's login (None on a plain server).
_LIGHT_SETUP = ("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; {datestyle}"
                "SELECT (SELECT version_num FROM alembic_version), "
                "(SELECT session_user FROM store_meta WHERE key = 'team_server')")


def _light_server_reader(conn: Any, url: str) -> ServerReader | None:
    from cintui.store import pq
    from cintui.store.migrate import head_revision

    try:
        revision, team = conn.execute(_LIGHT_SETUP.format(datestyle=iso_dates(conn)))[0]
    except pq.PqError as exc:
        if exc.sqlstate != "42P01":  # undefined_table: not (yet) a cintui store
            raise StoreError(f"cannot use {shown_url(url)}: {exc}") from None
        revision = team = None
    if revision != head_revision():
        conn.close()
        return None
    return LightServerReader(conn, shown_url(url), team)


def iso_dates(conn: Any) -> str:
    """What a libpq connection must be told for dates to come back in ISO ("" if nothing)."""
    return "" if (conn.parameter("DateStyle") or "").startswith("ISO") else \
        "SET DateStyle = 'ISO'; "


class LightServerReader(ServerReader):
    """The light reader over libpq (store/pq.py): the same SQL, parameters and values."""

    def rows(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        if not params:
            return self.connection.execute(sql)
        if isinstance(params, dict):
            text, names = _numbered(sql)
            return self.connection.execute(text, [params[n] for n in names])
        return self.connection.execute(sql, params)


@lru_cache(maxsize=256)
def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """`:name` parameters as libpq's `$1`..., with the names in their order."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _NAMED.sub(number, sql), tuple(names)


def prefetch_server_reader(url: str) -> None:
    """Start opening the light reader of the server at `url` on a thread (libpq connects and
    authenticates without holding the interpreter), for `open_server_reader` to take."""
    import threading

    result: dict = {}

    def work() -> None:
        try:
            result["reader"] = _open_server_reader(url)
        except StoreError as exc:  # said by open_server_reader, on the main thread
            result["error"] = exc
        except BaseException:  # anything else: open_server_reader tries again
            pass

    thread = threading.Thread(target=work, name="open-server-reader", daemon=True)
    _AHEAD[(url, None)] = (thread, result)
    thread.start()


def _psycopg_server_reader(url: str) -> ServerReader | None:
    conn = connect_server(url)
    try:
        from cintui.store.migrate import head_revision

        conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        if server_revision(conn) != head_revision():
            conn.close()
            return None
        team = conn.execute("SELECT session_user FROM store_meta "
                            "WHERE key = 'team_server'").fetchone()
        from cintui.store.engine import _psycopg_inert_text

        _psycopg_inert_text(conn, None)  # text read is made inert, as on every other path
        return ServerReader(conn, shown_url(url), team[0] if team else None)
    except BaseException:
        conn.close()
        raise
