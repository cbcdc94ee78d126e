"""The audit chain's own arithmetic, with no SQLAlchemy: the canonical JSON of an entry, the
hash that links it to the one before, each value as SQLite stores it with its canonical text,
and the heads file (`audit-heads.json`) that notes the newest entry outside the store.

`audit` (the ORM's writes and `verify`) and `quick` (the light writer, store/quick.py) both
write through these, so an entry is the same text and the same hash whichever wrote it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from operator import itemgetter
from pathlib import Path
from types import NoneType
from typing import Any

from cintui.reference import config

GENESIS = "0" * 64
# pg_advisory_xact_lock's key for "extending the audit chain" (any constant, the same for all).
CHAIN_LOCK = 0x63696E747569  # "cintui"
HEADS_FILE = "audit-heads.json"
HEADS_LOCK = threading.Lock()


# ------------------------------------------------------------------ canonical form


def iso_instant(value: datetime) -> str:
    if value.utcoffset() is None:  # a database without time zones hands back UTC, naive
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    raise TypeError(f"cannot audit a {type(value).__name__}")


# One encoder, not one per call (json.dumps with options builds a new one each time).
canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                             default=_jsonable).encode
quote = encode_basestring  # how `canonical` writes a string (ensure_ascii=False)


def entry_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str, entity: str,
               entity_id: str, changes: str) -> str:
    return link(prev_hash, seq, iso_instant(at), actor, action, entity, entity_id, changes)


def link(prev_hash: str, seq: int, at: str, actor: str, action: str, entity: str,
          entity_id: str, changes: str) -> str:
    # canonical([seq, at, actor, action, entity, entity_id, changes]), written out: the
    # same text (`quote` is the escaping `canonical` uses), three times faster, which a
    # bulk write of 260,000 entries and `audit verify` both feel.
    body = (f"[{int(seq)},{quote(at)},{quote(actor)},{quote(action)},{quote(entity)},"
            f"{quote(entity_id)},{quote(changes)}]")
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def links(prev_hash: str, seq: int, at: str, actor: str,
          entries: Iterable[tuple[str, str, str, str]]) -> Iterator[tuple[int, str, str]]:
    """`link` for each of many entries written together (one `at`, one actor; each
    (action, entity, entity_id, changes)): (seq, prev_hash, hash) for each, in turn. The same
    text and hashes; what the entries share is quoted once, not once an entry (the demo's
    283,000 entries, issue 21)."""
    shared = f",{quote(at)},{quote(actor)},"
    named: dict[tuple[str, str], str] = {}
    sha256 = hashlib.sha256
    for action, entity, entity_id, changes in entries:
        seq += 1
        if (kind := named.get((action, entity))) is None:
            kind = named[action, entity] = f"{quote(action)},{quote(entity)},"
        digest = sha256(f"{prev_hash}[{int(seq)}{shared}{kind}{quote(entity_id)},"
                        f"{quote(changes)}]".encode()).hexdigest()
        yield seq, prev_hash, digest
        prev_hash = digest


# ------------------------------------------------------------------ SQLite values


def sqlite_rows(keys: tuple[str, ...], quiet: Iterable[str], rows: Iterable[dict[str, Any]]
                ) -> tuple[list[tuple], list[str]]:
    """Each row (its values for `keys`, in that order) as SQLite stores it, and its insert
    entry's changes as `canonical` writes them ({"column": [null, value], ...}, columns
    sorted, the `quiet` ones left out).

    Column by column: a column of text or of ids is converted in one comprehension, and each
    entry is one %-format of its row's texts, where row by row every value went through a
    chain of type tests (0.86x the time for a 5,000-child demo's rows, issue 21)."""
    rows = rows if isinstance(rows, list) else list(rows)
    quiet = frozenset(quiet)
    values = list(map(itemgetter(*keys), rows)) if len(keys) > 1 else \
        [(row[key],) for row in rows for key in keys]
    stored_columns, text_columns = [], {}
    for key, column in zip(keys, zip(*values, strict=True) if rows else [()] * len(keys),
                           strict=True):
        stored, texts = _column(column)
        stored_columns.append(stored)
        text_columns[key] = texts
    shown = [key for key in sorted(keys) if key not in quiet]
    if not shown:
        return list(zip(*stored_columns, strict=True)), ["{}"] * len(rows)
    entry = "{" + ",".join(quote(key).replace("%", "%%") + ":[null,%s]" for key in shown) + "}"
    bodies = [entry % texts for texts in zip(*(text_columns[key] for key in shown),
                                             strict=True)]
    return list(zip(*stored_columns, strict=True)), bodies


def _column(values: Sequence[Any]) -> tuple[Sequence[Any], list[str]]:
    """One column's values as SQLite stores them, and as `canonical` writes them."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return values, list(map(quote, values))
    if kinds == {str, NoneType}:
        return values, ["null" if value is None else quote(value) for value in values]
    if kinds == {uuid.UUID}:  # ids and the ids rows point at: uuid.hex, without its call
        stored = [f"{value.int:032x}" for value in values]
        return stored, [f'"{text}"' for text in stored]
    if kinds == {uuid.UUID, NoneType}:  # an id a row may leave out
        stored = [None if value is None else f"{value.int:032x}" for value in values]
        return stored, ["null" if text is None else f'"{text}"' for text in stored]
    pairs = list(map(_sqlite_value, values))
    return [pair[0] for pair in pairs], [pair[1] for pair in pairs]


def _sqlite_value(value: Any) -> tuple[Any, str]:
    kind = type(value)
    if kind is str:
        return value, quote(value)
    if value is None:
        return None, "null"
    if (to := _SQLITE.get(kind)) is not None:
        return to(value)
    return value, canonical(value)


@functools.lru_cache(maxsize=4096)  # rows share stamps: most conversions repeat
def sqlite_datetime(value: datetime) -> tuple[str, str]:
    # SQLAlchemy's SQLite DATETIME stores the wall time as given, microseconds always.
    return value.strftime("%Y-%m-%d %H:%M:%S.%f"), iso_instant(value)


@functools.lru_cache(maxsize=4096)
def _sqlite_instant(value: datetime) -> tuple[str, str]:
    stored, text = sqlite_datetime(value)
    return stored, quote(text)


@functools.lru_cache(maxsize=4096)
def _sqlite_date(value: date) -> tuple[str, str]:
    text = value.isoformat()
    return text, quote(text)


def _sqlite_uuid(value: uuid.UUID) -> tuple[str, str]:
    text = value.hex
    return text, f'"{text}"'


# type -> (what SQLite stores, the value's canonical JSON text)
_SQLITE = {
    uuid.UUID: _sqlite_uuid,
    date: _sqlite_date,
    datetime: _sqlite_instant,
    bool: lambda v: (int(v), "true" if v else "false"),
    int: lambda v: (v, int.__repr__(v)),
}


# ------------------------------------------------------------------ heads kept outside


def cut_short(store_id: str, seq: int, digest: str,
              hash_at: Callable[[int], str | None]) -> bool:
    """Does the trail a write extends (its newest entry `seq`, `digest`) no longer hold the
    head this computer recorded? True when it ends before it, or holds another entry there
    (`hash_at(seq)` reads the trail): the newest entries were deleted (and maybe others
    written in their place). The head is then not moved on, so `verify` keeps naming the
    entry that went (issue "Trust": truncation followed by new writes)."""
    recorded = recorded_head(store_id)
    if recorded is None or recorded[0] == 0:
        return False
    head_seq, head_hash = recorded
    if seq < head_seq:
        return True
    if seq == head_seq:
        return digest != head_hash
    return hash_at(head_seq) != head_hash


def heads_path() -> Path:
    return config.config_dir() / HEADS_FILE


def _load_heads(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recorded_head(store_id: str) -> tuple[int, str] | None:
    head = _load_heads(heads_path()).get(store_id)
    if not isinstance(head, dict):
        return None
    try:
        return int(head["seq"]), str(head["hash"])
    except (KeyError, TypeError, ValueError):
        return None


def record_head(store_id: str, seq: int, digest: str) -> None:
    """Atomically note the newest entry (never moving backwards), in a 0600 file."""
    folder = config.config_dir(create=True)
    path = folder / HEADS_FILE
    with HEADS_LOCK:
        heads = _load_heads(path)
        old = heads.get(store_id)
        if isinstance(old, dict) and isinstance(old.get("seq"), int) and old["seq"] >= seq:
            return  # another writer has already recorded a later entry
        heads[store_id] = {"seq": seq, "hash": digest}
        write_private_json(folder, path, heads)


def accept_head(store_id: str, seq: int, digest: str) -> None:
    """A restored backup's head becomes the one this computer holds the store to, even though
    it is older (`cintui db restore`, after checking the backup against its own head)."""
    folder = config.config_dir(create=True)
    path = folder / HEADS_FILE
    with HEADS_LOCK:
        heads = _load_heads(path)
        heads[store_id] = {"seq": seq, "hash": digest}
        write_private_json(folder, path, heads)


def write_private_json(folder: Path, path: Path, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, sort_keys=True, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
