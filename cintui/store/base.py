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


class UpgradeNeeded(StoreError):
    """A server database at an older schema: upgraded only by `cintui db upgrade`, after a
    backup, never on the way to an ordinary command."""

    def __init__(self, shown: str, revision: str, head: str) -> None:
        self.revision = revision
        super().__init__(
            f"{shown} is at schema {revision} and this cintui needs {head}: an administrator "
            "must run `cintui db upgrade` after a backup (nothing was changed)")


def driver_execute(conn: Any, sql: str) -> list:
    """Run `sql` outside any transaction (through SQLAlchemy it would begin one first)."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        return cursor.execute(sql).fetchall()
    finally:
        cursor.close()


_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][\w+.-]*://)(?P<user>[^:@/?#]*):[^@/?#]*@")

_PASSWORD_PARAM = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def shown_url(url: str) -> str:
    """A database URL fit to show: its password as ***, as SQLAlchemy renders it (without
    importing SQLAlchemy, which the light readers keep off their path)."""
    url = _USERINFO.sub(r"\g<scheme>\g<user>:***@", url, count=1)
    return _PASSWORD_PARAM.sub(r"\g<1>***", url)
