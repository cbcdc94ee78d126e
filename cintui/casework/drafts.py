"""Drafts: work in progress written to the store as it is typed (visits, minutes).

Nothing typed is ever lost: a screen hands each new state of its form to a `DraftSaver`,
which writes the newest one from a background thread (coalescing: a slow disk never queues
up stale states), so a killed process, a closed terminal or a flat battery loses at most
the last second or two. Each write is its own committed transaction (WAL, synchronous=FULL:
STORE_NOTES.md).

Starting and ending a draft are audited; its autosaved text is not (`Draft.__audit_quiet__`),
since it is not yet the record: finalising writes the record, audited in full.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from cintui.store import audit
from cintui.store.models import Draft, utcnow


@dataclass(frozen=True)
class DraftRow:
    id: uuid.UUID
    kind: str
    child_id: uuid.UUID | None  # None: a child not yet on the record (a new child's form)
    owner: str
    subject_id: uuid.UUID | None
    payload: dict[str, Any]
    saved_at: datetime
    started_at: datetime


def _row(d: Draft) -> DraftRow:
    try:
        payload = json.loads(d.payload)
    except ValueError:
        payload = {}
    return DraftRow(d.id, d.kind, d.child_id, d.owner, d.subject_id, payload, d.saved_at,
                    d.created_at)


def _dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def create(session: Session, kind: str, child_id: uuid.UUID | None, owner: str,
           payload: dict[str, Any], subject_id: uuid.UUID | None = None) -> DraftRow:
    row = Draft(kind=kind, child_id=child_id, owner=owner, subject_id=subject_id,
                payload=_dump(payload))
    session.add(row)
    session.flush()
    return _row(row)


def save(session: Session, draft_id: uuid.UUID, payload: dict[str, Any]) -> bool:
    """Write the draft's newest state; False when it is gone (finalised or discarded)."""
    row = session.get(Draft, draft_id)
    if row is None:
        return False
    row.payload = _dump(payload)
    row.saved_at = utcnow()
    session.add(row)
    session.flush()
    return True


def get(session: Session, draft_id: uuid.UUID) -> DraftRow | None:
    row = session.get(Draft, draft_id)
    return _row(row) if row is not None else None


def for_child(session: Session, child_id: uuid.UUID | None,
              kind: str | None = None) -> list[DraftRow]:
    """The child's drafts, newest first (None: those of children not yet on the record)."""
    query = select(Draft).where(col(Draft.child_id).is_(None) if child_id is None
                                else Draft.child_id == child_id)
    if kind:
        query = query.where(Draft.kind == kind)
    return [_row(d) for d in session.exec(query.order_by(col(Draft.saved_at).desc())).all()]


def discard(session: Session, draft_id: uuid.UUID) -> None:
    row = session.get(Draft, draft_id)
    if row is not None:
        session.delete(row)
        session.flush()


# A form about one child, kept as it is typed (a killed process, the idle lock: PRIV 2):
# its fields' values as typed, by form ("form" kind): one draft per form opened, so
# normally one per worker, child and form (two terminals: one each). A form about a child
# not yet on the record (a new child) is kept with no child, its owner's alone. A form
# opening puts back the newest of its kind (`kept_form`); saved or discarded, the next.
FORM = "form"


def kept_form(session: Session, child_id: uuid.UUID | None, owner: str,
              form: str) -> DraftRow | None:
    return next((d for d in for_child(session, child_id, FORM)
                 if d.owner == owner and d.payload.get("form") == form), None)


def keep_form(session: Session, child_id: uuid.UUID | None, owner: str, form: str,
              values: dict[str, Any], draft_id: uuid.UUID | None,
              opened: dict[str, Any] | None = None, *, by: str | None = None,
              adopted: str | None = None) -> uuid.UUID:
    """Write what the form holds into its own draft (`draft_id`: the one it put back, or
    made on its first keep; gone, or None: a new one), and what it opened with (so that
    only what was typed comes back); returns the draft's id. Never into another's: a
    worker adding two children in two terminals at once once had each keep over the
    other's, and a crash lost one of them. The other draft comes back in turn.

    `by`: the form's own mark, kept in the draft; `adopted`: the mark the draft had when
    the form put it back (a form that crashed). A draft another open form has written since
    (two terminals that put back the same one) is left to it: this form's goes to a new
    draft."""
    payload = {"form": form, "values": values,
               **({"opened": opened} if opened is not None else {}),
               **({"by": by} if by is not None else {})}
    if draft_id is not None:
        kept = get(session, draft_id)
        if kept is not None and (by is None or kept.payload.get("by") in (None, by, adopted)) \
                and save(session, draft_id, payload):
            return draft_id
    return create(session, FORM, child_id, owner, payload).id


@dataclass(frozen=True)
class HandedOver:
    """A kept form handed from a worker who left to another (`hand_over_forms`)."""

    form: str  # what the form is for, in words ("new child's details", "need")
    child_id: uuid.UUID | None  # None: a child not yet on the record
    started_at: datetime


def form_words(form: str, child_id: uuid.UUID | None) -> str:
    """A kept form's name in words: "NeedFormScreen:..." -> "need", "ChildFormScreen" ->
    "new child's details" (no child yet) or "child's details"."""
    name = form.split(":", 1)[0].removesuffix("Screen").removesuffix("Form")
    if name == "Child":
        return "child's details" if child_id else "new child's details"
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    return words or "form"


def hand_over_forms(session: Session, from_owner: str, to_owner: str) -> list[HandedOver]:
    """A leaver's kept forms (a new child's details half typed, a need, a person) become
    `to_owner`'s, who puts each back by opening that form (nothing typed is lost when a
    worker leaves: their forms were theirs alone). A visit's or the minutes' drafts are the
    child's already (anyone on the child sees them, with their author) and stay the
    leaver's. Each change audited. On a team server the server hands them over (row
    security shows a new child's form to no login but its owner's)."""
    if from_owner == to_owner:
        return []
    session.flush()
    conn = session.connection()
    if session.info.get("login"):
        rows = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT id, child_id, form, started FROM cintui_hand_over_forms(%(f)s, %(t)s) "
            "ORDER BY started", {"f": from_owner, "t": to_owner})]
    else:
        table = Draft.__table__
        changed = conn.execute(
            update(table).where(table.c.owner == from_owner, table.c.kind == FORM)
            .values(owner=to_owner, updated_at=utcnow())
            .returning(table.c.id, table.c.child_id, table.c.payload, table.c.created_at))
        rows = sorted(((i, c, _form_of(p), at) for i, c, p, at in changed), key=lambda r: r[3])
    for draft in [o for o in session.identity_map.values() if isinstance(o, Draft)]:
        session.expire(draft)
    audit.record_updates(session, [("draft", _hex(draft_id), {"owner": [from_owner, to_owner]})
                                   for draft_id, *_ in rows])
    return [HandedOver(form_words(form or "", child_id), child_id, started)
            for _, child_id, form, started in rows]


def _form_of(payload: str) -> str:
    try:
        return str(json.loads(payload).get("form", ""))
    except (ValueError, AttributeError):
        return ""


def _hex(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


# How long closing a visit or a meeting's minutes waits for the draft's last write before
# saying the store is busy (the screen waits meanwhile): a write held up longer is another
# cintui's lock, or a slow server. A write that fails (the lock outlasting the store's
# busy timeout) ends the wait at once.
CLOSE_WAIT_SECONDS = 1.0


class DraftSaver:
    """Writes the newest submitted state with `write(state)` on a background thread.

    `submit` never blocks (the UI thread calls it); `flush` waits until everything
    submitted so far is written (closing a form). States are coalesced: if three arrive
    while one is being written, only the last is written next. A failed write (the store
    busy with another cintui's long import, say) is kept in `error`, passed to `on_error`,
    and retried on its own, sooner if a newer state arrives, until it is written or the
    saver is closed: nothing typed is dropped because one save failed."""

    RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0)  # then every 4 s

    def __init__(self, write: Callable[[Any], None],
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self._write = write
        self._on_error = on_error
        self._cond = threading.Condition()
        self._pending: Any = None
        self._has_pending = False
        self._submitted = 0
        self._written = 0
        self._closed = False
        self.error: BaseException | None = None
        self.saves = 0
        self._thread = threading.Thread(target=self._run, name="draft-saver", daemon=True)
        self._thread.start()

    def submit(self, state: Any) -> None:
        with self._cond:
            self._pending, self._has_pending = state, True
            self._submitted += 1
            self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait for every submitted state to be written; False on timeout or when a write
        has failed (it is still retried)."""
        with self._cond:
            target = self._submitted
            failed = self.error
            done = self._cond.wait_for(
                lambda: self._written >= target or self._closed
                or (self.error is not None and self.error is not failed), timeout)
            return bool(done) and self._written >= target and self.error is None

    @property
    def unsaved(self) -> bool:
        """Something submitted is not written yet (being written, or waiting to retry)."""
        with self._cond:
            return self._written < self._submitted

    def close(self, timeout: float = 10.0) -> bool:
        ok = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)
        return ok

    def _run(self) -> None:
        failures = 0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._has_pending or self._closed)
                if not self._has_pending:
                    return
                state, seq = self._pending, self._submitted
                self._pending, self._has_pending = None, False
            try:
                self._write(state)
            except BaseException as exc:  # noqa: BLE001 - kept for the screen to show
                with self._cond:
                    self.error = exc
                    self._cond.notify_all()  # a flush waiting on it gives up: not written
                if self._on_error is not None:
                    self._on_error(exc)
                delay = self.RETRY_SECONDS[min(failures, len(self.RETRY_SECONDS) - 1)]
                failures += 1
                with self._cond:
                    # Retry this state, unless a newer one (which replaces it) arrives first.
                    self._cond.wait_for(lambda: self._has_pending or self._closed, delay)
                    if not self._has_pending and not self._closed:
                        self._pending, self._has_pending = state, True
                continue
            failures = 0
            with self._cond:
                self.error = None
                self.saves += 1
                self._written = seq
                self._cond.notify_all()


__all__ = ["FORM", "DraftRow", "DraftSaver", "HandedOver", "create", "discard", "for_child",
           "form_words", "get", "hand_over_forms", "keep_form", "kept_form", "save"]
