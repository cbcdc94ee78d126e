"""The keeper's tools for a store file: backups anchored to their audit head, checking a
backup, restoring one, changing the passphrase (issue "Trust").

**Anchoring.** A backup's audit trail ends at the entry that was newest when it was taken.
That head (seq, hash, entries, the store's id, the file's SHA-256) is written beside the
backup (`BACKUP.head`, 0600) and in the config folder (`backup-heads.json`, keyed by the
file's SHA-256), outside the backup. A restore holds the backup to it: the chain must be
whole and end exactly at that entry. A trail cut short and written on past the cut (the
attack a hash chain alone cannot see) leaves a different entry at that seq, or a different
number of entries; a file changed in any way no longer has the SHA-256 the config folder
knows.

**Never touching the original.** A backup is checked on a private copy beside the store
(an older schema is upgraded in the copy, not in the backup). A restore puts that checked
copy in place with one rename; the store it replaces is renamed aside first, never deleted.
A change of passphrase writes a re-encrypted copy, checks it, and renames it over the store:
killed at any moment, the store opens with the old passphrase or the new one, whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cintui.reference import config
from cintui.store.base import StoreError

BACKUP_HEADS = "backup-heads.json"
SIDE_SUFFIX = ".head"


@dataclass(frozen=True)
class Anchor:
    """The audit head a backup was taken at."""

    store_id: str
    seq: int
    hash: str
    entries: int
    sha256: str
    taken_at: str
    source: str = "config"  # where it was found: "config" (this computer) or "side file"

    def as_json(self) -> dict[str, Any]:
        return {"store_id": self.store_id, "seq": self.seq, "hash": self.hash,
                "entries": self.entries, "sha256": self.sha256, "taken_at": self.taken_at}


@dataclass(frozen=True)
class BackupReport:
    """What checking a backup found; `problems` empty when it is sound."""

    path: Path
    anchor: Anchor | None
    store_id: str
    entries: int
    head: tuple[int, str]
    children: int
    records: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def side_file(backup: Path) -> Path:
    return backup.with_name(backup.name + SIDE_SUFFIX)


# ------------------------------------------------------------------ heads kept


def _heads_path() -> Path:
    return config.config_dir() / BACKUP_HEADS


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _anchor_from(data: Any, source: str) -> Anchor | None:
    try:
        return Anchor(str(data["store_id"]), int(data["seq"]), str(data["hash"]),
                      int(data["entries"]), str(data["sha256"]), str(data["taken_at"]),
                      source)
    except (KeyError, TypeError, ValueError):
        return None


def record_anchor(backup: Path, anchor: Anchor) -> None:
    """Beside the backup and in the config folder (0600 both)."""
    from cintui.store.chain import HEADS_LOCK, write_private_json

    write_private_json(backup.parent, side_file(backup), anchor.as_json())
    folder = config.config_dir(create=True)
    with HEADS_LOCK:
        heads = _load(folder / BACKUP_HEADS)
        heads[anchor.sha256] = anchor.as_json() | {"file": str(backup)}
        write_private_json(folder, folder / BACKUP_HEADS, heads)


def find_anchor(backup: Path, sha256: str | None = None) -> Anchor | None:
    """The head recorded when `backup` was taken: this computer's record of the file (by
    its SHA-256), else the side file's if it names this very file; None when neither."""
    sha256 = sha256 or file_sha256(backup)
    anchor = _anchor_from(_load(_heads_path()).get(sha256), "config")
    if anchor is not None:
        return anchor
    side = _anchor_from(_load(side_file(backup)), "side file")
    if side is not None and side.sha256 == sha256:
        return side
    return None


# ------------------------------------------------------------------ taking


def _head_of(engine: Any) -> tuple[int, str, int]:
    from sqlalchemy import func, select

    from cintui.store.models import AuditEntry

    table = AuditEntry.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        row = conn.execute(select(table.c.seq, table.c.hash).order_by(table.c.seq.desc())
                           .limit(1)).first()
        count = conn.execute(select(func.count()).select_from(table)).scalar() or 0
    return (row.seq, row.hash, count) if row else (0, "0" * 64, 0)


def take_backup(store: Any, target: Path, passphrase: str | None) -> Anchor:
    """`engine.backup_store`, then the head it was taken at, read from the copy itself and
    recorded beside it and in the config folder."""
    from cintui.store.engine import backup_store, is_encrypted_file

    target = backup_store(store, Path(target), passphrase)
    key = (passphrase or store.engine.url.password) if is_encrypted_file(target) else None
    return anchor_copy(target, key)


def anchor_copy(target: Path, key: str | None) -> Anchor:
    """Record the head a just-written copy of a store ends at (also the copy an upgrade
    takes first: `engine.open_store`)."""
    from sqlalchemy import select

    from cintui.store.base import STORE_ID_KEY
    from cintui.store.engine import _sqlite_engine
    from cintui.store.models import StoreMeta

    engine = _sqlite_engine(target, key)
    try:
        seq, digest, entries = _head_of(engine)
        with engine.connect() as conn:
            store_id = conn.execute(select(StoreMeta.value).where(
                StoreMeta.key == STORE_ID_KEY)).scalar() or ""  # type: ignore[arg-type]
    finally:
        engine.dispose()
    for suffix in ("-wal", "-shm"):  # none once closed; never left beside a backup
        with contextlib.suppress(FileNotFoundError):
            target.with_name(target.name + suffix).unlink()
    anchor = Anchor(store_id, seq, digest, entries, file_sha256(target),
                    datetime.now(UTC).isoformat(timespec="seconds"))
    record_anchor(target, anchor)
    return anchor


# ------------------------------------------------------------------ checking


def _private_copy(source: Path, folder: Path, label: str) -> Path:
    from cintui.store.engine import _claim, _private_umask

    copy = folder / f".{source.name}.{label}-{_stamp()}-{os.getpid()}"
    with _private_umask():
        _claim(copy)
        try:
            shutil.copyfile(source, copy)
            os.chmod(copy, 0o600)
        except BaseException:
            _remove_set(copy)
            raise
    return copy


def _remove_set(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm", path.name + "-journal"):
        with contextlib.suppress(FileNotFoundError):
            (path.parent / name).unlink()


def _counts(store: Any) -> tuple[int, int]:
    """Children, and records of every kind (the audit trail's own entries aside)."""
    from sqlalchemy import func, select

    from cintui.store.audit import _audited_tables

    with store.engine.connect() as conn:
        total = children = 0
        for name, (table, _skip) in _audited_tables().items():
            n = conn.execute(select(func.count()).select_from(table)).scalar() or 0
            total += n
            if name == "child":
                children = n
    return children, total


def check_copy(copy: Path, passphrase: str | None, anchor: Anchor | None,
               shown: Path) -> tuple[BackupReport, Any]:
    """Open a private copy of a backup and check it: its pages, its chain against the
    anchor (or its own head when there is none), every record against its history. Returns
    the report and the open store (the caller closes it)."""
    from cintui.store import audit
    from cintui.store.engine import open_store

    try:
        store = open_store(copy, passphrase)
    except StoreError as exc:
        said = str(exc).replace(str(copy), str(shown))
        raise StoreError(f"the backup {shown} cannot be opened: {said}") from None
    if store.backup_path is not None:  # an older schema, upgraded in the copy: its own
        _remove_set(store.backup_path)  # backup is a copy of a copy
        with contextlib.suppress(FileNotFoundError):
            side_file(store.backup_path).unlink()
    try:
        problems = [f"the file is damaged: {p}" for p in audit.page_problems(store)]
        seq, digest, entries = _head_of(store.engine)
        if not problems:
            head = (anchor.seq, anchor.hash) if anchor is not None else (seq, digest)
            report = audit.verify(store, head=head)
            if not report.ok:
                where = (f" at entry {report.first_broken_seq}"
                         if report.first_broken_seq is not None else "")
                problems.append(f"its audit trail is broken{where}: {report.problem}")
                problems += list(report.unaudited[:20])
            if anchor is not None and anchor.store_id != store.store_id:
                problems.append(f"it is a backup of another store ({store.store_id[:8]}), not "
                                f"the one its head was recorded for ({anchor.store_id[:8]})")
        children, records = _counts(store) if not problems else (0, 0)
    except BaseException:
        store.close()
        raise
    return BackupReport(shown, anchor, store.store_id, entries, (seq, digest), children,
                        records, tuple(problems)), store


def check_backup(backup: Path, passphrase: str | None) -> BackupReport:
    """`cintui db backup --verify`: the backup just written (or any), checked on a copy."""
    backup = Path(backup)
    if not backup.is_file():
        raise StoreError(f"no backup at {backup}")
    sha = file_sha256(backup)
    copy = _private_copy(backup, backup.parent, "checking")
    try:
        report, store = check_copy(copy, passphrase, find_anchor(backup, sha), backup)
        store.close()
    finally:
        _remove_set(copy)
    return report


# ------------------------------------------------------------------ restoring


@dataclass(frozen=True)
class Restored:
    report: BackupReport
    kept_aside: Path | None  # the store that was there, renamed


def restore(backup: Path, live: Path, passphrase: str | None, *,
            accept_unanchored: bool = False) -> Restored:
    """Check `backup` (opens with `passphrase`, pages sound, its trail whole and ending at
    the head recorded when it was taken, every record matching its history), then put it in
    place of `live`, which is renamed aside (0600), and accept its head as this computer's.
    Nothing is changed unless every check passes."""
    from cintui.store import chain

    backup, live = Path(backup), Path(live)
    if not backup.is_file():
        raise StoreError(f"no backup at {backup}")
    if backup.resolve() == live.resolve():
        raise StoreError(f"{backup} is the store itself: restore from a backup of it")
    sha = file_sha256(backup)
    anchor = find_anchor(backup, sha)
    if anchor is None and not accept_unanchored:
        raise StoreError(
            f"{backup} has no recorded head: this computer did not take it (or it was "
            f"changed since), and no {SIDE_SUFFIX} file beside it matches it, so entries cut "
            "from its audit trail could not be seen; --accept-unanchored restores it anyway, "
            "checking the chain only")
    from cintui.store.engine import _make_private_folder

    _make_private_folder(live.parent)
    copy = _private_copy(backup, live.parent, "restoring")
    try:
        report, store = check_copy(copy, passphrase, anchor, backup)
        store.close()
        if not report.ok:
            raise StoreError(f"{backup} is not restored: " + "; ".join(report.problems[:3]))
        aside = _set_aside(live) if live.exists() else None
        os.replace(copy, live)
        os.chmod(live, 0o600)
    finally:
        _remove_set(copy)
    chain.accept_head(report.store_id, *report.head)
    return Restored(report, aside)


def _set_aside(live: Path) -> Path:
    """Rename the store (with its -wal, which may hold its newest commits) to
    STORE.replaced-STAMP: kept whole, 0600, never deleted."""
    aside = live.with_name(f"{live.name}.replaced-{_stamp()}")
    n = 1
    while aside.exists():
        n += 1
        aside = live.with_name(f"{live.name}.replaced-{_stamp()}-{n}")
    for suffix in ("-wal", "-shm", "-journal", ""):
        source = live.with_name(live.name + suffix)
        if source.exists():
            target = aside.with_name(aside.name + suffix)
            os.replace(source, target)
            with contextlib.suppress(OSError):
                os.chmod(target, 0o600)
    return aside


# ------------------------------------------------------------------ a new passphrase


def rekey(store: Any, new_passphrase: str) -> None:
    """Re-encrypt the store under `new_passphrase`: a copy keyed with it (SQLite's backup,
    holding the write lock so nothing is written meanwhile), checked, then renamed over the
    store. Killed before the rename, the store is as it was (old passphrase); after, it is
    the copy (new passphrase). Refused while another cintui has the store open."""
    from cintui.store.engine import _backup_sqlite, _sqlite_engine

    live: Path = store.path
    if live is None or not store.encrypted:
        raise StoreError("only an encrypted store file has a passphrase to change")
    old = store.engine.url.password
    if new_passphrase == old:
        raise StoreError("the new passphrase is the one the store has now; nothing changed")
    for stale in live.parent.glob(f".{live.name}.rekey-*"):  # an earlier rekey, killed
        with contextlib.suppress(OSError):
            stale.unlink()
    copy = live.with_name(f".{live.name}.rekey-{_stamp()}-{os.getpid()}")
    holder = store.engine.raw_connection()
    try:
        cursor = holder.cursor()
        busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise StoreError("another cintui has the store open: close it (the app, other "
                             "commands) and try again; nothing changed")
        cursor.execute("BEGIN IMMEDIATE")  # no writer gets in until the copy is made
        try:
            _backup_sqlite(store.engine, copy, new_passphrase)
        finally:
            cursor.execute("ROLLBACK")
    finally:
        holder.close()
    try:
        check = _sqlite_engine(copy, new_passphrase)
        try:
            with check.connect() as conn:
                ok = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check(5)")]
        finally:
            check.dispose()
        if ok != ["ok"]:
            raise StoreError("the re-encrypted copy did not check out; nothing changed")
        before = _head_of(store.engine)
        store.close()  # the last connection closes: SQLite folds in and removes the -wal
        if live.with_name(live.name + "-wal").exists():
            raise StoreError("another cintui has the store open: close it and try again; "
                             "nothing changed")
        copied = _sqlite_engine(copy, new_passphrase)
        try:
            if _head_of(copied) != before:
                raise StoreError("the store changed while it was copied; nothing changed")
        finally:
            copied.dispose()
        os.chmod(copy, 0o600)
        os.replace(copy, live)
    finally:
        _remove_set(copy)


__all__ = ["Anchor", "BackupReport", "Restored", "check_backup", "file_sha256", "find_anchor",
           "anchor_copy", "record_anchor", "rekey", "restore", "side_file", "take_backup"]
