"""What every part of the store agrees on, below the engine, the migrations and the audit trail:
the `StoreError` family (worded for the person using cintui), the SQLite constants, and
running a statement outside a transaction. Imports nothing of the project.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_NOTADB = 26
WRITE = "cintui_write"  # execution option: transactions on this engine take the write lock
STORE_ID_KEY = "store_id"
MAX_ACTOR = 64  # audit_log.actor
# SQLCipher wipes (and mlocks) every allocation it frees. Process-wide, and once ON it stays
# ON. Measured here: single edits 2.7 -> 3.3 ms and reads unchanged, but bulk INSERTs ~25x
# slower (a 5,000-child demo, 96,707 audited rows: 12.6 s -> 39 s).
MEMORY_SECURITY = True


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(location: object) -> bool:
    """True for a database URL (`postgresql+psycopg://...`), False for a path to a file."""
    return isinstance(location, str) and _URL.match(location) is not None


class StoreError(Exception):
    """A problem with the store, worded for the person using cintui (one line)."""


class WrongPassphrase(StoreError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"wrong passphrase or damaged file: {path}")


class StoreNotFound(StoreError):
    pass


class StoreExists(StoreError):
    pass


class PassphraseRequired(StoreError):
    pass


def driver_execute(conn: Any, sql: str) -> list:
    """Run `sql` outside any transaction (through SQLAlchemy it would begin one first)."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        return cursor.execute(sql).fetchall()
    finally:
        cursor.close()
