"""The first-paint read path: a keyed DB-API connection, no SQLAlchemy or SQLModel.

Importing the ORM stack costs ~290 ms (STORE_NOTES.md: start-up speed), more than a whole
Textual hello-world. The caseload a worker opens every morning only needs a few reads, so
the app reads it through this connection and opens the full `Store` (for everything else,
and every write) in the background. Read-only: `PRAGMA query_only` refuses any write, so
nothing here can get past the audit trail.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from cintui.store.engine import (
    MEMORY_SECURITY,
    StoreError,
    WrongPassphrase,
    check_store_file,
    inert_text,
)


class FastReader:
    """A read-only connection for the first screen; shareable with one worker thread."""

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
        self.connection.close()


# Active workers with their open caseload size. Plain SQL shared with cases.list_workers.
WORKERS_SQL = """
SELECT w.username, w.name, w.role, t.name, count(c.id)
FROM worker AS w
LEFT JOIN team AS t ON t.id = w.team_id
LEFT JOIN child AS c ON c.worker_id = w.id AND c.status IN ('referral', 'assessment', 'cin_plan')
WHERE w.active
GROUP BY w.id, w.username, w.name, w.role, t.name
ORDER BY w.name
"""
DEMO_SQL = "SELECT count(*) FROM store_meta WHERE key = 'demo'"
WORKER_EXISTS_SQL = "SELECT 1 FROM worker WHERE username = :username AND active"


def _quote(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def open_reader(path: Path, passphrase: str | None) -> FastReader | None:
    """Open `path` for reading, checking the passphrase and the schema revision.

    None when the store's schema is not this cintui's newest: the full `open_store` then
    upgrades it (after a backup). Errors are the store's own, worded for the user.
    """
    from cintui.store.migrate import head_revision

    path = Path(path)
    encrypted = check_store_file(path, passphrase)
    if encrypted:
        import sqlcipher3

        module: Any = sqlcipher3
    else:
        module = sqlite3
    # Not `mode=ro`: a WAL store with no -shm file yet cannot be opened read-only.
    conn = module.connect(str(path), check_same_thread=False, isolation_level=None)
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
            raise StoreError(f"{path} is damaged or not a cintui store ({exc})") from None
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except module.DatabaseError:
            raise StoreError(f"{path} is not a cintui store") from None
        if row is None or row[0] != head_revision():
            conn.close()
            return None
        return FastReader(conn, path, encrypted)
    except BaseException:
        conn.close()
        raise
