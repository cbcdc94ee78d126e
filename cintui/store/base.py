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
# The laptop's actor for what a sync writes there (never pushed back): store.sync writes
# it, store.kept leaves its entries out of when a record arrived.
SYNC_ACTOR = "sync"
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


class InvalidRow(ValueError):
    """A value the store refuses (`models.check_row`), whichever path writes it."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class WriteConflict(StoreError):
    """Another change, saved at the same moment, made this one impossible (a duplicate, a
    serialization failure, a deadlock). Nothing was written; trying again is safe."""


class StoreBusy(StoreError):
    """Another writer held the store's write lock for too long. Nothing was written."""


# PostgreSQL SQLSTATEs a write can end with when others write at the same moment.
_PG_CONFLICTS = {"40001": "it clashed with another change made at the same moment",
                 "40P01": "it clashed with another change made at the same moment (deadlock)"}
_PG_BUSY = {"55P03", "57014"}  # lock_not_available, query_canceled (a timeout)


def write_error(exc: BaseException) -> StoreError | None:
    """What a database error from a write transaction means for the person saving, as a
    one-line `StoreError`; None for errors that are not about writing at the same time."""
    from sqlalchemy import exc as sa_exc  # the store layer's own dependency, loaded by now

    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    return driver_write_error(exc.orig, integrity=isinstance(exc, sa_exc.IntegrityError))


def driver_write_error(orig: BaseException, *, integrity: bool) -> StoreError | None:
    """`write_error` for the driver's own exception (the light writer, store/quick.py, has
    no SQLAlchemy around it); `integrity`: a constraint refused the write."""
    state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None),
                                                       "sqlstate", None)
    if integrity:
        # The driver's first line names the constraint, never the values (PostgreSQL puts
        # those in its DETAIL line).
        said = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        if state == "23505" or "UNIQUE constraint" in said:
            what = "a record like it was saved at the same moment, or is already there"
        elif state == "23503" or "FOREIGN KEY" in said:
            what = "it refers to a record that is not on the store (removed meanwhile?)"
        else:
            what = "the store refused it"
        return WriteConflict(f"not saved: {what} ({said}); nothing was written")
    if state in _PG_CONFLICTS:
        return WriteConflict(f"not saved: {_PG_CONFLICTS[state]}; nothing was written, "
                             "try again")
    if state in _PG_BUSY or "database is locked" in str(orig):
        return StoreBusy("not saved: the store is busy with other people's changes; nothing "
                         "was written, try again in a moment")
    return None


def server_refusal(login: str, orig: BaseException | None) -> StoreError | None:
    """A team server's own refusal of a write (no privilege, a row-level security check, a
    trigger's: the driver's error `orig`), naming the login; None for any other error."""
    if getattr(orig, "sqlstate", None) not in ("42501", "23000"):
        return None
    # libpq's own message begins "ERROR:  " (store/pq.py); psycopg's does not.
    lines = str(orig).strip().splitlines()
    first = (lines[0] if lines else type(orig).__name__).removeprefix("ERROR:").strip()
    return StoreError(f"the team server refused this for {login}: "
                      f"{first.removeprefix('cintui: ')}")


SQLITE_CORRUPT = 11


def damaged(exc: BaseException, path: object = None) -> StoreError | None:
    """A store file found damaged (SQLite's "database disk image is malformed", from
    SQLAlchemy or the light reader's own connection), on opening it (`path`) or part way
    through reading or writing it, as one line saying to restore; None for anything else."""
    orig = getattr(exc, "orig", None) or exc
    if type(orig).__module__.split(".")[0] not in ("sqlite3", "sqlcipher3"):
        return None
    if getattr(orig, "sqlite_errorcode", None) != SQLITE_CORRUPT \
            and "malformed" not in str(orig):
        return None
    what = f"{path} is" if path is not None else "the store is"
    more = "" if path is not None else "; `cintui db check` says more"
    return StoreError(f"{what} damaged ({orig}): restore the latest backup (`cintui db backup` "
                      f"makes them) and keep this file aside{more}")


def said(exc: BaseException) -> str | None:
    """A `StoreError`, or a database error `write_error` knows, or a damaged file, as the one
    line to show (capitalised, for the app); None for anything else."""
    found = exc if isinstance(exc, StoreError) else (write_error(exc) or damaged(exc))
    return None if found is None else f"{found}"[:1].upper() + f"{found}"[1:]


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
