"""A retry never duplicates (issue "Trust"): a write made with a request id applies once.

A CLI write killed after its commit but before it said so (45 of 108 such kills in the
issue) is re-run by a script or a person. With `--request-id ID` the write's transaction
also inserts a row in `applied_request` (actor, id, a fingerprint of the command and its
options, the audit entries it made): the row and the write commit together or not at all.
A re-run finds the row and the command prints what the first run printed (kept once it had
printed it) instead of writing again. The check is made under the store's write lock, as
the transaction begins, so two runs of the same request at once apply it once too.

The ids are each actor's own (the primary key is actor + id): on a team server a worker
sees only their own requests (row security, store/server.py).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cintui.store.base import StoreError
from cintui.store.models import AppliedRequest, utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

MAX_ID = 100
TABLE = AppliedRequest.__table__  # type: ignore[attr-defined]


class RequestReused(StoreError):
    """The id was used before for a different command or different options."""


@dataclass
class Applied:
    """A request found already applied."""

    request_id: str
    command: str
    applied_at: datetime
    first_seq: int | None
    last_seq: int | None
    done: bool
    exit_code: int | None
    result: str | None


class AlreadyApplied(Exception):  # noqa: N818 - not an error: the answer to a retry
    """The request was applied before: nothing is written again; `applied` says when."""

    def __init__(self, applied: Applied) -> None:
        super().__init__(applied.request_id)
        self.applied = applied


@dataclass
class Request:
    """A write asked for with a request id; `claimed` once its transaction has committed."""

    request_id: str
    command: str
    fingerprint: str
    claimed: bool = False
    first_seq: int | None = None
    last_seq: int | None = None
    # An import's batches: each batch's transaction is claimed under `request_id#n`.
    extra: dict[str, Any] = field(default_factory=dict)


def check_id(value: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_ID or not value.isprintable():
        raise StoreError(f"--request-id: 1-{MAX_ID} printable characters (e.g. a UUID)")
    return value


def fingerprint(command: str, options: dict[str, Any], content: bytes = b"") -> str:
    """What was asked: the command, its options (not the request id, the store or the
    passphrase file) and any file content it reads."""
    body = json.dumps([command, sorted((k, str(v)) for k, v in options.items())],
                      ensure_ascii=False)
    digest = hashlib.sha256(body.encode())
    digest.update(content)
    return digest.hexdigest()


def _row(conn: Connection, actor: str, request_id: str) -> Any:
    return conn.execute(TABLE.select().where(TABLE.c.actor == actor,
                                             TABLE.c.request_id == request_id)).first()


def _applied(row: Any) -> Applied:
    return Applied(row.request_id, row.command, row.applied_at, row.first_seq, row.last_seq,
                   row.done, row.exit_code, row.result)


def find(conn: Connection, actor: str, request: Request) -> Applied | None:
    """The request as applied before, or None; refused if the id was used for another."""
    row = _row(conn, actor, request.request_id)
    if row is None:
        return None
    if row.fingerprint != request.fingerprint:
        when = row.applied_at.strftime("%Y-%m-%d %H:%M")
        raise RequestReused(f"request id {request.request_id!r} was already used for another "
                            f"request (`{row.command}`, {when} UTC): give each request its "
                            "own id; nothing was written")
    return _applied(row)


def check(session: Session, actor: str, request: Request) -> None:
    """As the write transaction begins (under the write lock): applied before? Then stop."""
    from cintui.store import audit

    conn = session.connection()
    found = find(conn, actor, request)
    if found is not None and found.done:
        raise AlreadyApplied(found)
    request.extra["start"] = audit._read_head(conn)


def claim(session: Session, actor: str, request: Request) -> bool:
    """Just before the commit: if the transaction wrote anything, record the request in it.
    False when it wrote nothing (the request stays unclaimed)."""
    from cintui.store import audit

    if request.extra.get("batching"):  # a batch of an import: `mark_progress` records it
        return False
    session.flush()
    start = request.extra.get("start", (0, ""))[0]
    head = session.info.get(audit._HEAD) if session.info.get(audit._UNRECORDED) else None
    if head is None:
        if not request.extra.get("finishing"):
            return False
        head = (start, "")  # an import's last transaction, its rows all written before
    first = request.first_seq if request.first_seq is not None else start + 1
    values = {"command": request.command, "fingerprint": request.fingerprint,
              "applied_at": utcnow(), "first_seq": first, "last_seq": head[0], "done": True}
    conn = session.connection()
    row = _row(conn, actor, request.request_id)
    if row is None:
        conn.execute(TABLE.insert().values(actor=actor, request_id=request.request_id,
                                           **values))
    else:  # an unfinished batched request (an import) finishing now
        first = values["first_seq"] = row.first_seq or first
        conn.execute(TABLE.update().where(TABLE.c.actor == actor,
                                          TABLE.c.request_id == request.request_id)
                     .values(**values, result=None))
    request.first_seq, request.last_seq = first, head[0]
    return True


def record_result(engine: Any, actor: str, request_id: str, result: str,
                  exit_code: int) -> None:
    """What the command printed, kept for a retry to print again (its own transaction,
    after the output: a kill before it leaves the request applied, its words unknown)."""
    from cintui.store.base import WRITE

    with engine.execution_options(**{WRITE: True}).begin() as conn:
        conn.execute(TABLE.update().where(TABLE.c.actor == actor,
                                          TABLE.c.request_id == request_id)
                     .values(result=result, exit_code=exit_code))


def mark_progress(session: Session, actor: str, request: Request, done_lines: list[int],
                  references: list[str]) -> None:
    """A batched write's progress, in the batch's own transaction: the row exists, not done,
    and `result` lists what is already written (JSON) so a re-run goes on from there."""
    conn = session.connection()
    row = _row(conn, actor, request.request_id)
    progress = json.loads(row.result) if row is not None and row.result else {
        "lines": [], "references": []}
    progress["lines"] += done_lines
    progress["references"] += references
    values = {"command": request.command, "fingerprint": request.fingerprint,
              "applied_at": utcnow(), "done": False, "result": json.dumps(progress)}
    if row is None:
        start = request.extra.get("start", (0, ""))[0]
        conn.execute(TABLE.insert().values(actor=actor, request_id=request.request_id,
                                           first_seq=start + 1, **values))
    else:
        conn.execute(TABLE.update().where(TABLE.c.actor == actor,
                                          TABLE.c.request_id == request.request_id)
                     .values(**values))


def progress(conn: Connection, actor: str, request: Request) -> dict[str, list] | None:
    """An unfinished batched request's progress ({"lines": [...], "references": [...]})."""
    found = find(conn, actor, request)
    if found is None or found.done or not found.result:
        return None
    return json.loads(found.result)


def summary(engine: Any, applied: Applied) -> str:
    """What an applied request wrote, from its audit entries: "1 child, 1 episode, ..."."""
    from sqlalchemy import select
    from sqlalchemy.exc import DBAPIError

    from cintui.store.models import AuditEntry

    if applied.first_seq is None or applied.last_seq is None:
        return "what it wrote is in the audit trail"
    table = AuditEntry.__table__  # type: ignore[attr-defined]
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(table.c.entity, table.c.action).where(
                table.c.seq.between(applied.first_seq, applied.last_seq))).all()
    except DBAPIError:  # a team server's worker may not read the trail
        rows = []
    if not rows:
        return f"audit entries {applied.first_seq}-{applied.last_seq}"
    done = {"insert": "added", "update": "changed", "delete": "deleted"}
    counts = Counter(f"{entity.replace('_', ' ')} {done.get(action, action)}"
                     for entity, action in rows)
    return (f"audit entries {applied.first_seq}-{applied.last_seq}: "
            + ", ".join(f"{n} {what}" for what, n in counts.most_common()))


__all__ = ["AlreadyApplied", "Applied", "Request", "RequestReused", "check", "check_id",
           "claim", "find", "fingerprint", "mark_progress", "progress", "record_result",
           "summary"]
