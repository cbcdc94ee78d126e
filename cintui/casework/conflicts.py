"""Someone else changed this record since you opened it: the optimistic check every form
that edits an existing record makes when it saves.

A form keeps the `stamp` of the rows it loaded (their `updated_at`, which the store moves on
every audited change); the use case compares it with the rows as they are now, inside its
write transaction (which holds the store's write lock, so nothing can change between the
check and the write). A stale stamp raises `EditConflict`: one line naming who changed the
record and when, from the audit trail. Nothing is written, and the form keeps what was typed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from cintui.casework.lookup import CaseworkError
from cintui.domain.dates import day_words
from cintui.store.models import AuditEntry, Worker


class EditConflict(CaseworkError):
    """The record changed after the form read it. `current` is its stamp now: a form that
    offers to save over the other change sends that one next time."""

    def __init__(self, problem: str, current: str) -> None:
        super().__init__("", problem)
        self.current = current


def stamp(*rows: object) -> str:
    """The version of these rows a form saw: their ids and `updated_at`, in order."""
    return "|".join(f"{r.id.hex}@{_iso(r.updated_at)}" for r in rows)  # type: ignore[attr-defined]


def digest(pairs: Iterable[tuple[object, object]]) -> str:
    """The version of a set of rows (a plan draft's needs, actions and services): changes
    when any row is added, removed or changed."""
    text = "|".join(sorted(f"{_hex(i)}@{_iso(at)}" for i, at in pairs))
    return hashlib.sha256(text.encode()).hexdigest()


def values(*parts: object) -> str:
    """The version of a record as a form showed it, by its values (for records a screen
    reads as a summary, without their `updated_at`): changes when any of them does."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def check(session: Session, seen: str | None, current: str, what: str,
          rows: Iterable[tuple[str, object, object]], *, again: str = "",
          error: type[EditConflict] = EditConflict) -> None:
    """Refuse the save when the record's stamp is no longer `seen` (an empty or None `seen`:
    the caller did not read the record first, e.g. the CLI, and nothing is checked).
    `rows`: (table, id, updated_at) of the record's rows, to say who changed them last."""
    if not seen or seen == current:
        return
    who, when = last_change(session, rows)
    tail = again or ("what you typed is still here: save again to keep yours instead, "
                     "or Esc to leave it")
    raise error(f"{who} changed {what} {when}, after you opened it; {tail}", current)


def row(obj: object) -> tuple[str, object, object]:
    """(table, id, updated_at) of an ORM row, for `check` and `last_change`."""
    return (obj.__tablename__, obj.id, obj.updated_at)  # type: ignore[attr-defined]


def last_change(session: Session, rows: Iterable[tuple[str, object, object]]
                ) -> tuple[str, str]:
    """Who made the newest audited change to any of these rows, and when, in words.

    A login that may not read the audit trail (a worker's, on a team server) is told when
    from the rows themselves, and "someone else" for who."""
    rows = list(rows)
    wanted = {(table, _hex(i)) for table, i, _ in rows}
    try:
        with session.begin_nested():  # a refused read must not end the transaction
            found = session.exec(
                select(AuditEntry.actor, AuditEntry.at, AuditEntry.entity,
                       AuditEntry.entity_id)
                .where(col(AuditEntry.entity_id).in_([i for _, i in wanted]))
                .order_by(col(AuditEntry.seq).desc())
            ).all()
    except DBAPIError:
        found = []
    for actor, at, entity, entity_id in found:
        if (entity, entity_id) in wanted:
            return who(session, actor), _when(at)
    stamps = [at for _, _, at in rows if isinstance(at, datetime)]
    return "someone else", _when(max(stamps)) if stamps else "just now"


def who(session: Session, actor: str) -> str:
    """A worker as the trail names them: "Olu Other (olu.other)", or the username."""
    name = session.exec(select(Worker.name).where(Worker.username == actor)).first()
    return f"{name} ({actor})" if name and name != actor else actor


def _when(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite keeps the UTC wall time
        at = at.replace(tzinfo=UTC)
    local = at.astimezone()
    return f"at {local:%H:%M} on {day_words(local)}"


def _iso(at: object) -> str:
    if isinstance(at, datetime):
        return at.replace(tzinfo=None).isoformat() if at.tzinfo is None else \
            at.astimezone(UTC).replace(tzinfo=None).isoformat()
    return str(at)


def _hex(value: object) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value)
