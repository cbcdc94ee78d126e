"""Laptops that work offline and sync with the team server (issue 19).

A laptop's store is an ordinary encrypted file holding a replica of what its worker may
hold: their caseload and their team's open children (a manager: the teams they manage),
with the people and households those records name, and the reference data (the authority,
teams, workers, policy). The server stays the record.

One sync is one pass, each side one transaction:

1. **Push.** The laptop's audit entries the server does not hold yet go up, in order, and
   are kept whole (`device_entry`: the laptop's own chain, verified on the server). The
   changes they record are applied under the worker's own login, so the server's grants,
   triggers and row security judge them as they judge any write. A change is applied field
   by field against the value the laptop changed it from: a field the server changed too is
   not overwritten but becomes a conflict (`sync_conflict`), both versions kept; a record
   deleted on the server, or a change the server refuses, likewise. Records never edited
   (finalised visits, minutes, decisions, rating changes) are inserts: they merge by id.
2. **Pull.** What the laptop may hold is compared with what it holds (ids and the stamp
   each row was last changed at), and the difference comes down: new and changed rows,
   rows deleted on the server, and the cases that left the worker's caseload and team,
   which leave the laptop with their audit history blanked (an erasure record names the
   entries, as for a record erased after its retention). Once the laptop holds it, the
   server is told what the pull saw (its snapshot: `_pulled`), so that a decision made on
   the laptop offline answers only what it held (BEX 4, `store.kept.seen`).

The server commits first. A dropped connection before then leaves both sides as they were;
after it, the laptop's next sync resumes from what the server says it holds (its last
entry's number and hash), and the pull, which compares states, repeats harmlessly.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import SQLModel

from cintui.domain.dates import day_words
from cintui.store import audit
from cintui.store import models as m
from cintui.store.base import STORE_ID_KEY, SYNC_ACTOR, StoreError

META_SERVER = "sync_server"  # the team server's URL, without a password
META_LOGIN = "sync_login"  # the worker's login there: who acts on this laptop
META_PUSHED = "sync_pushed_seq"  # the newest of the laptop's entries the server holds
META_AT = "sync_at"  # when the last sync finished (UTC, ISO)
META_PULLED = "sync_pulled"  # rows the last sync brought down
META_FAILED_AT = "sync_failed_at"  # when a sync last failed, since the last one that finished
META_FAILED = "sync_failed"  # and why, in a line ("" once a sync finishes)
# Settings that are the laptop's own, never taken from the server.
LOCAL_META = {STORE_ID_KEY, "team_server", "passphrase_changed", "restored_from", "demo"}
REFERENCE = ("authority", "team", "worker")  # every row, for every laptop
# Never synced as records: the trail itself, a retry's record, typing drafts (not yet part of
# the record), erasures and disclosures (each side's own), the server's own tables.
NOT_SYNCED = {"audit_log", "applied_request", "draft", "erasure", "disclosure", "store_meta",
              "sync_device", "device_entry", "alembic_version"}
PEOPLE = ("person", "family")
RESOLVE = "sync_conflict"
TOUCHED = "cintui_sync_conflicts"  # session.info: the conflicts a push made or opened again


class SyncError(StoreError):
    """A sync that cannot be done, worded for the worker; nothing was half-done."""


@dataclass
class SyncResult:
    pushed: int = 0  # the laptop's changes the server took
    sent: int = 0  # audit entries sent (the laptop's whole chain arrives)
    conflicts: int = 0  # new conflicts from this sync
    pulled: int = 0  # rows that came down (new or changed)
    deleted: int = 0  # rows deleted on the server, gone here too
    left: list[str] = field(default_factory=list)  # references of cases that left the laptop
    # Casework sent that is dated after a closure the server made meanwhile (TRA, BEX 3): a
    # visit, a meeting, a supervision … (store.kept): kept, and said ("Visit on 1 Dec 2026
    # for DEMO00070 arrived after the case closed on …").
    after_closure: list[str] = field(default_factory=list)
    at: datetime | None = None


Progress = Callable[[str], None]
Fault = Callable[[str], None]


# ------------------------------------------------------------------ tables and values


def _tables() -> dict[str, sa.Table]:
    return dict(SQLModel.metadata.tables)


def synced_tables() -> list[str]:
    """The record's tables a laptop holds rows of (not the reference data), parents first."""
    return [t.name for t in SQLModel.metadata.sorted_tables
            if t.name not in NOT_SYNCED and t.name not in REFERENCE and "id" in t.c]


def _kind(column: sa.Column) -> str:
    t = column.type
    if isinstance(t, sa.types.TypeDecorator):  # SQLModel's UTCDateTime, AutoString
        t = t.impl if isinstance(t.impl, sa.types.TypeEngine) else t.impl()
    if isinstance(t, sa.Uuid):
        return "uuid"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.Boolean):
        return "bool"
    return ""


def from_json(column: sa.Column, value: Any) -> Any:
    """A value as the audit trail records it, back as the column's Python value."""
    if value is None:
        return None
    kind = _kind(column)
    if kind == "uuid":
        return uuid.UUID(str(value))
    if kind == "datetime":
        moment = datetime.fromisoformat(str(value))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if kind == "date":
        return date.fromisoformat(str(value)[:10])
    if kind == "bool":
        return bool(value)
    return value


def norm(value: Any) -> Any:
    """A value as the audit trail holds it: comparable across SQLite and PostgreSQL."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return json.loads(audit.canonical(value))


def _stamp(value: Any) -> str | None:
    return None if value is None else norm(value)


# ------------------------------------------------------------------ what a laptop may hold


def _link(table: sa.Table) -> tuple[str, Any]:
    """How a table's rows belong to a child: ("self"), ("direct", column), ("via", column,
    parent table) or ("people"/"reference"/"none")."""
    if table.name == "child":
        return ("self", table.c.id)
    if table.name in PEOPLE:
        return ("people", None)
    if "child_id" in table.c:
        return ("direct", table.c.child_id)
    tables = _tables()
    for column in table.c:
        for fk in column.foreign_keys:
            parent = tables[fk.column.table.name]
            if "child_id" in parent.c:
                return ("via", (column, parent))
    return ("none", None)


def _owned(table: sa.Table, children: list[uuid.UUID]) -> Any:
    """The WHERE clause: rows of `table` belonging to one of `children`."""
    how, what = _link(table)
    if how == "self":
        return table.c.id.in_(children)
    if how == "direct":
        return what.in_(children)
    if how == "via":
        column, parent = what
        return column.in_(select(parent.c.id).where(parent.c.child_id.in_(children)))
    return sa.false()


def _people_ids(conn: Any, children: list[uuid.UUID]) -> dict[str, set[uuid.UUID]]:
    """The people and households the children's rows name."""
    found: dict[str, set[uuid.UUID]] = {"person": set(), "family": set()}
    if not children:
        return found
    tables = _tables()
    for name in synced_tables():
        table = tables[name]
        if name in PEOPLE:
            continue
        for column in table.c:
            for fk in column.foreign_keys:
                target = fk.column.table.name
                if target in PEOPLE:
                    found[target].update(v for v in conn.execute(
                        select(column).where(_owned(table, children) & column.is_not(None))
                        .distinct()).scalars())
    return found


def scope(conn: Any, login: str) -> tuple[uuid.UUID, set[uuid.UUID]]:
    """The worker's id and the children their laptop may hold: their own open cases and
    their team's (a manager's: every team they manage, and their own)."""
    w, t, c = (_tables()[n] for n in ("worker", "team", "child"))
    me = conn.execute(select(w.c.id, w.c.team_id).where(w.c.username == login)).first()
    if me is None:
        raise SyncError(f"{login} is not a worker on the team server: an administrator adds "
                        "them first (cintui worker add)")
    teams = {me.team_id} - {None}
    teams |= set(conn.execute(select(t.c.id).where(t.c.manager_id == me.id)).scalars())
    mine = c.c.worker_id == me.id
    if teams:
        mine = mine | c.c.team_id.in_(teams)
    children = set(conn.execute(select(c.c.id).where(
        c.c.status.in_(m.OPEN_STATUSES) & mine)).scalars())
    return me.id, children


# ------------------------------------------------------------------ on the laptop


def meta(conn: Any) -> dict[str, str]:
    t = _tables()["store_meta"]
    return {k: v for k, v in conn.execute(select(t.c.key, t.c.value))}


def is_replica(conn: Any) -> bool:
    t = _tables()["store_meta"]
    return conn.execute(select(t.c.value).where(t.c.key == META_LOGIN)).first() is not None


def _set_meta(session: Any, values: dict[str, str]) -> None:
    for key, value in values.items():
        row = session.get(m.StoreMeta, key)
        if row is None:
            session.add(m.StoreMeta(key=key, value=value))
        elif row.value != value:
            row.value = value
            session.add(row)


def mark_replica(local: Any, url: str, login: str) -> None:
    """Make a new, empty laptop store a replica of `login`'s cases on the server at `url`."""
    with local.session(SYNC_ACTOR) as session:
        _set_meta(session, {META_SERVER: url, META_LOGIN: login, META_PUSHED: "0"})


@dataclass(frozen=True)
class Standing:
    """Where a laptop stands: for the app's header and `cintui sync status`."""

    replica: bool
    server: str = ""
    login: str = ""
    last_sync: datetime | None = None
    waiting: int = 0  # changes recorded here since the last sync
    conflicts: int = 0  # open conflicts to resolve
    failed_at: datetime | None = None  # a try since the last sync that did not finish
    failed: str = ""  # why, in a line


def standing(conn: Any) -> Standing:
    values = meta(conn)
    if META_LOGIN not in values:
        return Standing(False)
    a = _tables()["audit_log"]
    # What a sync would take (as `_apply` chooses): not a typing draft, never sent.
    waiting = conn.execute(select(sa.func.count()).select_from(a).where(
        (a.c.seq > int(values.get(META_PUSHED, "0") or 0)) & (a.c.actor != SYNC_ACTOR)
        & a.c.entity.notin_(sorted(NOT_SYNCED)))
    ).scalar_one()
    s = _tables()["sync_conflict"]
    conflicts = conn.execute(select(sa.func.count()).select_from(s).where(
        s.c.status == "open")).scalar_one()
    last, failed_at = values.get(META_AT), values.get(META_FAILED_AT)
    return Standing(True, values.get(META_SERVER, ""), values[META_LOGIN],
                    datetime.fromisoformat(last) if last else None, waiting, conflicts,
                    datetime.fromisoformat(failed_at) if failed_at else None,
                    values.get(META_FAILED, "") if failed_at else "")


def note_failure(local: Any, problem: str) -> None:
    """A sync that did not finish, and why: `cintui sync status` says so until one does."""
    with local.session(SYNC_ACTOR) as session:
        _set_meta(session, {META_FAILED_AT: m.utcnow().isoformat(), META_FAILED: problem})


# ------------------------------------------------------------------ registering


def register(server: Any, device: str, label: str) -> None:
    """The laptop on the team server, for its login (a set-up)."""
    login = _login(server)
    with server.session(login) as session:
        known = session.scalars(select(m.SyncDevice).where(m.SyncDevice.device == device)).first()
        if known is None:
            session.add(m.SyncDevice(device=device, login=login, label=label[:200]))


def _login(server: Any) -> str:
    if getattr(server, "server", None) is None:
        raise SyncError("that database is not a team server (its owner runs `cintui server "
                        "init`): a laptop syncs with a team server only")
    return server.server.login


def revoke(server: Any, device: str, actor: str) -> tuple[str, str]:
    """A lost laptop: it can no longer sync (its login's row is hidden from it). A
    manager's step. Returns the laptop's label and its login."""
    with server.session(actor) as session:
        found = [d for d in session.scalars(select(m.SyncDevice)).all()
                 if d.device == device or d.device.startswith(device)]
        if len(found) != 1:
            raise SyncError(f"no one laptop {device!r} on the team server (cintui sync devices "
                            "lists them)" if not found else
                            f"{device!r} names {len(found)} laptops: give more of its id")
        row = found[0]
        if row.revoked_at is not None:
            raise SyncError(f"{row.label or row.device} was revoked already")
        row.revoked_at, row.revoked_by = m.utcnow(), actor
        session.add(row)
        return row.label or row.device, row.login


@dataclass(frozen=True)
class DeviceRow:
    device: str
    login: str
    label: str
    entries: int
    last_sync_at: datetime | None
    revoked_at: datetime | None


def devices(server: Any) -> list[DeviceRow]:
    d = _tables()["sync_device"]
    with server.engine.connect() as conn:
        rows = conn.execute(select(d).order_by(d.c.login, d.c.label, d.c.device)).all()
    return [DeviceRow(r.device, r.login, r.label, r.received_seq, r.last_sync_at,
                      r.revoked_at) for r in rows]


# ------------------------------------------------------------------ one sync


def run(local: Any, server: Any, *, today: date, progress: Progress | None = None,
        fault: Fault | None = None) -> SyncResult:
    """Push what the laptop recorded, pull what changed; see the module's docstring.
    `fault(phase)`: called at each step (tests drop the connection there)."""
    say = progress or (lambda _text: None)
    hit = fault or (lambda _phase: None)
    login = _login(server)
    device = local.store_id
    result = SyncResult()
    with local.session(SYNC_ACTOR) as lsession:
        lconn = lsession.connection()  # the laptop's write lock, held to the end
        values = meta(lconn)
        if values.get(META_LOGIN) != login:
            raise SyncError(f"this laptop syncs as {values.get(META_LOGIN) or 'nobody'} and "
                            f"the server login is {login}: cintui sync setup made it for "
                            "one worker")
        say("Sending what this laptop recorded")
        with server.session(login) as ssession:  # the server's write lock: the push only
            row = ssession.scalars(select(m.SyncDevice).where(
                m.SyncDevice.device == device)).first()
            if row is None:
                raise SyncError("the team server does not know this laptop, or it was revoked "
                                "(lost or replaced): ask your manager; nothing was sent")
            entries = _entries_after(lconn, row.received_seq, row.received_hash)
            hit("push")
            _keep_entries(ssession.connection(), device, entries)
            pushed, conflicts = _apply(ssession, device, entries)
            _theirs_changed(ssession)
            result.after_closure = _after_closure(ssession, entries)
            result.sent, result.pushed, result.conflicts = len(entries), pushed, conflicts
            if entries:
                row.received_seq, row.received_hash = entries[-1]["seq"], entries[-1]["hash"]
            row.last_sync_at = m.utcnow()
            ssession.add(row)
            ssession.flush()
            hit("pushed")
        hit("server committed")
        say("Fetching what changed on the server")
        # Read-only and outside the write lock (other laptops' pushes go on meanwhile): one
        # snapshot of the server, taken after this laptop's push committed.
        with server.engine.connect().execution_options(
                isolation_level="REPEATABLE READ") as sconn, sconn.begin():
            pull = _gather(sconn, login, device, lconn)
            snapshot = _snapshot(sconn)
        hit("gathered")
        say("Bringing the changes onto this laptop")
        _apply_pull(lsession, pull, result, today=today, login=login)
        result.at = m.utcnow()
        _set_meta(lsession, {META_PUSHED: str(row.received_seq),
                             META_AT: result.at.isoformat(), META_PULLED: str(result.pulled),
                             META_FAILED_AT: "", META_FAILED: ""})
        hit("laptop applied")
    _pulled(server, device, row.received_seq, snapshot)
    return result


def _snapshot(sconn: Any) -> str | None:
    """What had committed on a team server when the pull read it (its snapshot), where the
    server keeps laptops' pulls (store/server.py `cintui_pulled`); else None."""
    if sconn.dialect.name != "postgresql" or not sconn.exec_driver_sql(
            "SELECT to_regprocedure('cintui_pulled(text, bigint, text)') IS NOT NULL").scalar():
        return None
    return sconn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar()


def _pulled(server: Any, device: str, upto: int, snapshot: str | None) -> None:
    """Tell the team server what this laptop now holds, once the laptop has taken it: the
    pull's snapshot, after its chain up to `upto` arrived, so that a decision its manager
    makes offline is judged by what it held (BEX 4: `store.kept.seen`). Not told (the
    connection gone): the server goes by the pull before, and counts no more as seen."""
    if snapshot is None:
        return
    try:
        with server.engine.begin() as conn:
            conn.exec_driver_sql("SELECT cintui_pulled(%(d)s, %(u)s, %(s)s)",
                                 {"d": device, "u": upto, "s": snapshot})
    except sa.exc.DBAPIError:
        pass  # the sync itself is done; nothing on either side is half-done


def _entries_after(conn: Any, seq: int, digest: str) -> list[dict[str, Any]]:
    a = _tables()["audit_log"]
    if seq:
        held = conn.execute(select(a.c.hash).where(a.c.seq == seq)).scalar()
        if held != digest:
            raise SyncError(f"this laptop's audit trail no longer holds entry {seq} as the "
                            "server received it (was the store restored from an older "
                            "backup?): nothing was sent; ask your manager")
    cols = ("seq", "at", "actor", "action", "entity", "entity_id", "changes", "prev_hash",
            "hash")
    rows = conn.execute(select(*(a.c[k] for k in cols)).where(a.c.seq > seq)
                        .order_by(a.c.seq))
    return [dict(zip(cols, r, strict=True)) for r in rows]


def _keep_entries(conn: Any, device: str, entries: list[dict[str, Any]]) -> None:
    if not entries:
        return
    now = m.utcnow()  # a team server stamps its own clock instead (server.py `_arrivals`)
    table = _tables()["device_entry"]
    for start in range(0, len(entries), 1000):
        conn.execute(table.insert(), [
            {**e, "device": device, "arrived_at": now,
             "at": e["at"] if e["at"].tzinfo else e["at"].replace(tzinfo=UTC)}
            for e in entries[start:start + 1000]])


# ------------------------------------------------------------------ push: on the server


def _apply(session: Any, device: str, entries: list[dict[str, Any]]) -> tuple[int, int]:
    """Apply the laptop's own changes under the login; (changes taken, new conflicts).
    All at once first (the usual case: few round trips while the write lock is held); if
    the server refuses one, again one by one, each refusal kept as a conflict. Rules across
    records are checked once the whole push is in (a laptop's own transaction may pass
    through a state they forbid: a new plan version agreed before the old is superseded);
    a record that breaks one is refused, and the push applied again without it."""
    models = m.table_models()
    mine = [e for e in entries if e["actor"] != SYNC_ACTOR and e["entity"] in models
            and e["entity"] not in NOT_SYNCED and e["changes"] != audit.ERASED]
    if not mine:
        return 0, 0
    refused: dict[str, str] = {}  # entity id (hex) -> why the server cannot take it
    one_by_one = False
    while True:
        known = _Known.of(session, models, mine, refused)
        session.info[TOUCHED] = []  # the conflicts this attempt made or opened again
        nested = session.begin_nested()
        try:
            counts = _apply_all(session, device, models, mine, known, refused,
                                one_by_one=one_by_one)
            broken = _broken_rules(session, models, mine, refused)
        except Exception as exc:
            nested.rollback()
            if one_by_one or _refusal(exc) is None:
                raise
            one_by_one = True
            continue
        if broken:
            nested.rollback()
            refused.update(broken)
            continue
        nested.commit()
        return counts


def _after_closure(session: Any, entries: list[dict[str, Any]]) -> list[str]:
    """What this push brought that is dated after the case closed on the server (a closure
    made while the laptop was offline): a visit, a meeting held or booked, a supervision, a
    GCP2, Signs of Safety, an FGC, a short break or direct payment starting (`store.kept`),
    oldest first, each in a sentence. They are kept: what a laptop recorded merges by id and
    is never lost; the manager decides whether the case is open again (a re-referral, WAR
    3.4). Three queries, however many records the push brought."""
    from cintui.domain.endings import kept_arrived
    from cintui.store import kept

    conn = session.connection()

    def rows(sql: str, params: dict) -> list:
        return conn.execute(sa.text(sql), params).all()

    found = kept.pushed(rows, entries, SYNC_ACTOR)
    if not found:
        return []
    c = _tables()["child"]
    references = {str(k): v for k, v in conn.execute(select(c.c.id, c.c.reference).where(
        c.c.id.in_({f.child_id for f in found}))).all()}
    return [kept_arrived(references.get(str(f.child_id)) or "a child", f.record, f.day,
                         f.closed) for f in found]


def _broken_rules(session: Any, models: dict[str, type[SQLModel]],
                  mine: list[dict[str, Any]], refused: dict[str, str]) -> dict[str, str]:
    session.flush()
    found: dict[str, str] = {}
    for entry in mine:
        model = models[entry["entity"]]
        key = entry["entity_id"]
        if model in (m.Ending, m.PlanVersion) and key not in refused and key not in found:
            try:
                _still_holds(session, model, key)
            except RuleBroken as exc:
                found[key] = str(exc)
    return found


@dataclass
class _Known:
    """What the push needs to know of the server before applying it, asked once: which of
    the records it inserts are there already (sent before), and which records they point
    at exist."""

    inserted: set[str]  # ids (hex) the push inserts
    present: set[uuid.UUID]  # ids already on the server, of those and of what they point at

    @classmethod
    def of(cls, session: Any, models: dict[str, type[SQLModel]],
           entries: list[dict[str, Any]], refused: dict[str, str]) -> _Known:
        inserted = {e["entity_id"] for e in entries if e["action"] == "insert"} - set(refused)
        wanted: dict[str, set[uuid.UUID]] = {}
        for entry in entries:
            if entry["action"] != "insert":
                continue
            table = models[entry["entity"]].__table__  # type: ignore[attr-defined]
            wanted.setdefault(table.name, set()).add(uuid.UUID(entry["entity_id"]))
            for name, (_before, after) in json.loads(entry["changes"]).items():
                column = table.c.get(name)
                if after is None or column is None:
                    continue
                for fk in column.foreign_keys:
                    wanted.setdefault(fk.column.table.name, set()).add(uuid.UUID(str(after)))
        conn = session.connection()
        tables = _tables()
        present: set[uuid.UUID] = set()
        for name, ids in wanted.items():
            ordered = sorted(ids)
            for start in range(0, len(ordered), 1000):
                present.update(conn.execute(select(tables[name].c.id).where(
                    tables[name].c.id.in_(ordered[start:start + 1000]))).scalars())
        return cls(inserted, present)


def _apply_all(session: Any, device: str, models: dict[str, type[SQLModel]],
               mine: list[dict[str, Any]], known: _Known, refused: dict[str, str], *,
               one_by_one: bool) -> tuple[int, int]:
    taken = conflicts = 0
    for entry in mine:
        model = models[entry["entity"]]
        changes = json.loads(entry["changes"])
        if entry["entity_id"] in refused:
            made = _conflict(session, device, entry, model, changes, "refused",
                             reason=refused[entry["entity_id"]])
        elif not one_by_one:
            made = _apply_one(session, device, model, entry, changes, known)
        else:
            nested = session.begin_nested()
            try:
                made = _apply_one(session, device, model, entry, changes, known)
                session.flush()
                nested.commit()
            except Exception as exc:  # the server refused it: kept as a conflict
                nested.rollback()
                reason = _refusal(exc)
                if reason is None:
                    raise
                made = _conflict(session, device, entry, model, changes, "refused",
                                 reason=reason)
        taken += made == "taken"
        conflicts += made == "conflict"
    session.flush()
    return taken, conflicts


class RuleBroken(Exception):
    """A laptop's change that would break, on the server, a rule its use case checks (each
    laptop checked it against what it held, offline)."""


def _still_holds(session: Any, model: type[SQLModel], entity_id: str) -> None:
    """The rules across records that two laptops, each right on its own, could break
    together: one closure (or step-down, transfer) in progress for a child at a time (TRA,
    BEX 3); one agreed version of a plan, and one draft (a plan agreed on the server while
    it was being changed offline)."""
    conn = session.connection()
    if model is m.Ending:
        e = m.Ending.__table__  # type: ignore[attr-defined]
        row = conn.execute(select(e.c.child_id, e.c.kind, e.c.status).where(
            e.c.id == uuid.UUID(entity_id))).first()
        if row is None or row.status not in m.ACTIVE_ENDINGS:
            return
        others = conn.execute(select(e.c.status, e.c.recommended_by, e.c.recommended_on).where(
            (e.c.child_id == row.child_id) & (e.c.kind == row.kind)
            & e.c.status.in_(m.ACTIVE_ENDINGS) & (e.c.id != uuid.UUID(entity_id)))).first()
        if others is not None:  # whose it is, from the server's record, not this laptop's
            on = others.recommended_on
            whose = " ".join(filter(None, (
                f"by {others.recommended_by}" if others.recommended_by else "",
                f"on {day_words(on)}" if on else "")))
            raise RuleBroken(f"a {row.kind.replace('_', ' ')} for this child is already "
                             f"{others.status} on the team server"
                             + (f" (recommended {whose})" if whose else ""))
    elif model is m.PlanVersion:
        v = m.PlanVersion.__table__  # type: ignore[attr-defined]
        row = conn.execute(select(v.c.plan_id, v.c.status).where(
            v.c.id == uuid.UUID(entity_id))).first()
        if row is None or row.status not in ("agreed", "draft"):
            return
        others = conn.execute(select(v.c.number).where(
            (v.c.plan_id == row.plan_id) & (v.c.status == row.status)
            & (v.c.id != uuid.UUID(entity_id)))).first()
        if others is not None:
            raise RuleBroken(
                f"version {others.number} of this plan was agreed on the team server meanwhile"
                if row.status == "agreed" else
                f"version {others.number} of this plan is already being changed on the team "
                "server")


def _refusal(exc: BaseException) -> str | None:
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, m.InvalidRow | RuleBroken):
        return str(exc)
    if isinstance(exc, DBAPIError):
        state = getattr(exc.orig, "sqlstate", None) or ""
        if state[:2] in ("23", "42") or state in ("P0001",):
            text = str(exc.orig).strip().splitlines()
            return text[0] if text else type(exc.orig).__name__
    return None


def _apply_one(session: Any, device: str, model: type[SQLModel], entry: dict[str, Any],
               changes: dict[str, list], known: _Known) -> str:
    table = model.__table__  # type: ignore[attr-defined]
    key = entry["entity_id"]
    ident = uuid.UUID(key)
    action = entry["action"]
    if action == "insert":
        if ident in known.present:
            return "same"  # sent before (a resumed sync): merged by id
        values = {k: from_json(table.c[k], v[1]) for k, v in changes.items() if k in table.c}
        missing = _dangling(table, values, known)
        if missing:
            return _conflict(session, device, entry, model, changes, "refused",
                             reason=f"it refers to a {missing} that is not on the server")
        if model is m.Child:
            wanted = values.get("reference", "")
            values["reference"] = _free_reference(session, wanted)
            if values["reference"] != wanted:  # stamped now: the laptop's next pull takes it
                values["updated_at"] = m.utcnow()
        session.add(model(**values))
        return "taken"
    obj = session.get(model, ident)
    if action == "delete":
        if obj is not None:
            session.delete(obj)
        return "taken"
    if obj is None:
        return _conflict(session, device, entry, model, changes, "deleted_on_server",
                         reason="the record was deleted on the server, or is hidden from you")
    made = "same"
    for name, (before, after) in changes.items():
        if name not in table.c:
            continue
        now = norm(getattr(obj, name))
        if now == norm(after):
            continue
        if now == norm(before) or (model is m.SyncConflict and name != "chosen"):
            setattr(obj, name, from_json(table.c[name], after))
            made = "taken" if made != "conflict" else made
            continue
        _field_conflict(session, device, entry, model, name, before, after, now)
        made = "conflict"
    if model is m.SyncConflict:
        session.add(obj)
        session.flush()
        if obj.status == "resolved" and obj.chosen == "mine" and "chosen" in changes:
            return _retry(session, obj) or made
    return made


def _dangling(table: sa.Table, values: dict[str, Any], known: _Known) -> str | None:
    """The kind of record a new row points at that is neither on the server nor arriving."""
    for column in table.c:
        value = values.get(column.name)
        if value is None:
            continue
        for fk in column.foreign_keys:
            if value.hex not in known.inserted and value not in known.present:
                return fk.column.table.name.replace("_", " ")
    return None


def _free_reference(session: Any, wanted: str) -> str:
    """A laptop's new child keeps its reference unless the server has given it already; then
    the next free one from the server's sequence (the pull brings it back)."""
    conn = session.connection()
    taken = lambda ref: conn.exec_driver_sql(  # noqa: E731
        "SELECT cintui_reference_taken(%(r)s)", {"r": ref}).scalar()
    if wanted and not taken(wanted):
        return wanted
    while True:
        ref = f"CIN{conn.exec_driver_sql('SELECT nextval(%(s)s)', {'s': 'cin_reference'}).scalar_one():06d}"
        if not taken(ref):
            return ref


def _child_of(session: Any, model: type[SQLModel], values: dict[str, Any]) -> uuid.UUID | None:
    table = model.__table__  # type: ignore[attr-defined]
    if model is m.Child:
        value = values.get("id")
    elif "child_id" in table.c:
        value = values.get("child_id")
    else:
        how, what = _link(table)
        if how != "via":
            return None
        column, parent = what
        ref = values.get(column.name)
        if ref is None:
            return None
        value = session.connection().execute(select(parent.c.child_id).where(
            parent.c.id == (ref if isinstance(ref, uuid.UUID) else uuid.UUID(str(ref))))).scalar()
    if value is None:
        return None
    child = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    exists = session.connection().execute(select(m.Child.__table__.c.id).where(  # type: ignore[attr-defined]
        m.Child.__table__.c.id == child)).first()  # type: ignore[attr-defined]
    return child if exists else None


def _conflict(session: Any, device: str, entry: dict[str, Any], model: type[SQLModel],
              changes: dict[str, list], kind: str, *, reason: str) -> str:
    """A whole-record conflict: `mine` holds the change (its action and values)."""
    table = model.__table__  # type: ignore[attr-defined]
    ident = uuid.UUID(entry["entity_id"])
    current = session.get(model, ident)
    theirs = None if current is None else {
        c: norm(getattr(current, c)) for c in (col.name for col in table.c)}
    values = {k: v[1] for k, v in changes.items()}
    values.setdefault("id", entry["entity_id"])
    typed = {k: from_json(table.c[k], v) for k, v in values.items() if k in table.c}
    _touched(session, m.SyncConflict(
        device=device, child_id=_child_of(session, model, typed), kind=kind,
        entity=entry["entity"], entity_id=entry["entity_id"],
        base=audit.canonical({k: v[0] for k, v in changes.items()}),
        mine=audit.canonical({"action": entry["action"], "values": values}),
        theirs=audit.canonical(theirs), reason=reason[:2000],
        recorded_at=entry["at"] if entry["at"].tzinfo else entry["at"].replace(tzinfo=UTC)))
    session.flush()
    return "conflict"


def _field_conflict(session: Any, device: str, entry: dict[str, Any], model: type[SQLModel],
                    name: str, before: Any, after: Any, now: Any) -> None:
    """Both sides changed one field: the server keeps its value, the laptop its own, and
    the conflict both (one open conflict a field: a later change on the laptop updates it)."""
    open_ = session.scalars(select(m.SyncConflict).where(
        (m.SyncConflict.device == device) & (m.SyncConflict.entity_id == entry["entity_id"])
        & (m.SyncConflict.field == name) & (m.SyncConflict.status == "open"))).first()
    at = entry["at"] if entry["at"].tzinfo else entry["at"].replace(tzinfo=UTC)
    if open_ is not None:
        open_.mine, open_.theirs, open_.recorded_at = (audit.canonical(after),
                                                       audit.canonical(now), at)
        _touched(session, open_)
        return
    table = model.__table__  # type: ignore[attr-defined]
    obj = session.get(model, uuid.UUID(entry["entity_id"]))
    typed = {c: getattr(obj, c) for c in (col.name for col in table.c)}
    _touched(session, m.SyncConflict(
        device=device, child_id=_child_of(session, model, typed), kind="both_changed",
        entity=entry["entity"], entity_id=entry["entity_id"], field=name,
        base=audit.canonical(before), mine=audit.canonical(after), theirs=audit.canonical(now),
        recorded_at=at))


def _touched(session: Any, conflict: m.SyncConflict) -> None:
    """A conflict this push made, or opened again with the server's version: who changed
    that version, and when, is asked of the server once the push is in (`_theirs_changed`)."""
    session.add(conflict)
    session.info.setdefault(TOUCHED, []).append(conflict)


def _theirs_changed(session: Any) -> None:
    """Who last changed the server's copy of each record this push found in conflict, and
    when: the server's audit trail says, through a function (store/server.py,
    `cintui_conflict_changes`), as the worker's login may not read the trail itself. Kept on
    the conflict, which the laptop pulls; one the server cannot say (a change made outside
    cintui, a record hidden now) stays "not known"."""
    from sqlalchemy.exc import DBAPIError

    touched = [c for c in session.info.pop(TOUCHED, []) if sa.inspect(c).persistent]
    if not touched:
        return
    session.flush()
    by_id = {c.id: c for c in touched}
    nested = session.begin_nested()
    try:
        found = session.connection().exec_driver_sql(
            "SELECT id, login, at FROM cintui_conflict_changes(%(ids)s::uuid[])",
            {"ids": [str(i) for i in sorted(by_id)]}).all()
        nested.commit()
    except DBAPIError as exc:  # a server whose functions its owner has not re-applied yet
        nested.rollback()
        if getattr(exc.orig, "sqlstate", None) != "42883":
            raise
        found = []
    said = {row.id: row for row in found}
    for ident, conflict in by_id.items():
        row = said.get(ident)
        by, at = (row.login[:64], row.at) if row is not None else ("", None)
        if (conflict.theirs_by, conflict.theirs_at) != (by, at):
            conflict.theirs_by, conflict.theirs_at = by, at
            session.add(conflict)
    session.flush()


def _retry(session: Any, conflict: m.SyncConflict) -> str | None:
    """The worker kept their version: apply it over the server's, if the server still holds
    what the worker saw; else the conflict opens again with the server's newer value."""
    model = m.table_models().get(conflict.entity)
    if model is None:
        return None
    table = model.__table__  # type: ignore[attr-defined]
    ident = uuid.UUID(conflict.entity_id)
    obj = session.get(model, ident)
    if conflict.kind == "both_changed":
        if obj is None:
            return None
        now = norm(getattr(obj, conflict.field))
        if now != json.loads(conflict.theirs):
            conflict.status, conflict.chosen, conflict.theirs = "open", "", audit.canonical(now)
            _touched(session, conflict)
            return "conflict"
        setattr(obj, conflict.field, from_json(table.c[conflict.field],
                                               json.loads(conflict.mine)))
        session.add(obj)
        return "taken"
    change = json.loads(conflict.mine)
    values = {k: from_json(table.c[k], v) for k, v in change.get("values", {}).items()
              if k in table.c}
    nested = session.begin_nested()
    try:
        if change.get("action") == "delete":
            if obj is not None:
                session.delete(obj)
        elif obj is None:
            session.add(model(**values))
        else:
            for name, value in values.items():
                if name not in ("id", "created_at"):
                    setattr(obj, name, value)
            session.add(obj)
        session.flush()
        if model in (m.Ending, m.PlanVersion):  # kept over a refusal: the rule still holds
            _still_holds(session, model, conflict.entity_id)
        nested.commit()
    except Exception as exc:
        nested.rollback()
        reason = _refusal(exc)
        if reason is None:
            raise
        conflict.status, conflict.chosen, conflict.reason = "open", "", reason[:2000]
        _touched(session, conflict)
        return "conflict"
    return "taken"


# ------------------------------------------------------------------ pull: gather on the server


@dataclass
class Pull:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # new or changed
    gone: dict[str, set[uuid.UUID]] = field(default_factory=dict)  # not on the server (now)
    children: set[uuid.UUID] = field(default_factory=set)  # in scope on the server
    settings: dict[str, str] = field(default_factory=dict)


def _fingerprints(conn: Any, table: sa.Table, where: Any = None) -> dict[uuid.UUID, Any]:
    query = select(table.c.id, table.c.updated_at)
    if where is not None:
        query = query.where(where)
    return {row.id: _stamp(row.updated_at) for row in conn.execute(query)}


def _fetch(conn: Any, table: sa.Table, ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
    wanted = sorted(ids)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(wanted), 1000):
        rows += [dict(r._mapping) for r in conn.execute(
            select(table).where(table.c.id.in_(wanted[start:start + 1000])))]
    return rows


def _gather(sconn: Any, login: str, device: str, lconn: Any) -> Pull:
    """What the laptop must take to hold exactly what it may: rows new or changed since it
    took them (their stamps differ), and what it holds that it may no longer."""
    _me, children = scope(sconn, login)
    pull = Pull(children=children)
    listed = sorted(children)
    tables = _tables()
    people = _people_ids(sconn, listed)
    for name in [*REFERENCE, *synced_tables()]:
        table = tables[name]
        if name in REFERENCE:
            where = None
        elif name in PEOPLE:
            where = table.c.id.in_(sorted(people[name]))
        elif name == RESOLVE:
            where = table.c.device == device
        else:
            where = _owned(table, listed)
        theirs = _fingerprints(sconn, table, where)
        ours = _fingerprints(lconn, table)
        changed = [i for i, stamp in theirs.items() if ours.get(i, "") != stamp]
        if changed:
            pull.rows[name] = _fetch(sconn, table, changed)
        gone = set(ours) - set(theirs)
        if gone:
            pull.gone[name] = gone
    meta_table = tables["store_meta"]
    pull.settings = {k: v for k, v in sconn.execute(select(meta_table.c.key, meta_table.c.value))
                     if k not in LOCAL_META and not k.startswith("sync_")}
    return pull


# ------------------------------------------------------------------ pull: on the laptop


def _open_conflicts(conn: Any) -> dict[str, set[str]]:
    s = _tables()["sync_conflict"]
    found: dict[str, set[str]] = {}
    for entity_id, name in conn.execute(select(s.c.entity_id, s.c.field).where(
            s.c.status == "open")):
        found.setdefault(entity_id, set()).add(name)
    return found


def _apply_pull(session: Any, pull: Pull, result: SyncResult, *, today: date,
                login: str) -> None:
    conn = session.connection()
    models = m.table_models()
    tables = _tables()
    order = [RESOLVE, *REFERENCE, *(n for n in synced_tables() if n != RESOLVE)]
    # Conflicts first: a field in conflict keeps the laptop's value until the worker chooses.
    result.pulled += _take(session, models[RESOLVE], pull.rows.get(RESOLVE, []), {})
    held = _open_conflicts(conn)
    needed = _pointed_at(conn, held)
    for name in order[1:]:
        result.pulled += _take(session, models[name], pull.rows.get(name, []), held)
    # Cases that left: the whole record, with its history, leaves the laptop (but not while
    # a conflict about it waits for the worker).
    s = tables[RESOLVE]
    waiting = set(conn.execute(select(s.c.child_id).where(
        (s.c.status == "open") & s.c.child_id.is_not(None))).scalars())
    local_children = set(conn.execute(select(tables["child"].c.id)).scalars())
    leaving = sorted(i for i in local_children - pull.children
                     if i.hex not in held and i not in waiting)
    if leaving:
        result.left = _leave(session, leaving, today=today, login=login)
    erased = set(leaving)
    for name in reversed(order):
        gone = pull.gone.get(name, set())
        if not gone:
            continue
        table = tables[name]
        present = set(conn.execute(select(table.c.id).where(
            table.c.id.in_(sorted(gone)))).scalars())
        for ident in sorted(present):
            if ident.hex in held or ident in erased or ident in needed:
                continue
            obj = session.get(models[name], ident)
            if obj is not None:
                session.delete(obj)
                result.deleted += 1
    session.flush()
    if pull.settings:
        _set_meta(session, pull.settings)


def _pointed_at(conn: Any, held: dict[str, set[str]]) -> set[uuid.UUID]:
    """The records the laptop's records in conflict point at (a person a relationship in
    conflict names): kept while the worker chooses, as those are. Deleted meanwhile (the
    person no longer named by any child on the server), the laptop's store refused the
    whole pull (a foreign key), and every sync after it."""
    if not held:
        return set()
    s = _tables()[RESOLVE]
    found: set[uuid.UUID] = set()
    for entity, entity_id in conn.execute(select(s.c.entity, s.c.entity_id).where(
            s.c.status == "open").distinct()):
        table = _tables().get(entity)
        links = [c for c in table.c if c.foreign_keys] if table is not None else []
        if not links or "id" not in table.c or len(entity_id) != 32:
            continue
        row = conn.execute(select(*links).where(table.c.id == uuid.UUID(entity_id))).first()
        if row is not None:
            found.update(v for v in row if isinstance(v, uuid.UUID))
    return found


def _take(session: Any, model: type[SQLModel], rows: list[dict[str, Any]],
          held: dict[str, set[str]]) -> int:
    """New rows inserted as they are; changed rows field by field (but a field in conflict);
    each row then carries the server's stamp, so the next sync sees it unchanged."""
    if not rows:
        return 0
    table = model.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    present = set(conn.execute(select(table.c.id).where(
        table.c.id.in_([r["id"] for r in rows]))).scalars())
    new = [r for r in rows if r["id"] not in present]
    stamps = []  # changed rows first: a new row may take a unique value one of them gives up
    for row in rows:
        if row["id"] not in present:
            continue
        kept = held.get(row["id"].hex, set())
        if "" in kept:
            continue
        obj = session.get(model, row["id"])
        for name, value in row.items():
            if name in ("id", "created_at", "updated_at") or name in kept:
                continue
            if norm(getattr(obj, name)) != norm(value):
                setattr(obj, name, value)
        session.add(obj)
        stamps.append(row)
    session.flush()
    if new:
        audit.insert_rows(session, model, new)
    for row in stamps:
        conn.execute(table.update().where(table.c.id == row["id"]).values(
            updated_at=row["updated_at"]))
    return len(rows)


def _leave(session: Any, children: list[uuid.UUID], *, today: date, login: str) -> list[str]:
    """The cases no longer the worker's or their team's: every row of them goes from the
    laptop, and the recorded values of the audit entries about them are blanked (the erasure
    record names each entry, so the trail still verifies). The server holds them all."""
    conn = session.connection()
    tables = _tables()
    c = tables["child"]
    references = sorted(conn.execute(select(c.c.reference).where(c.c.id.in_(children)))
                        .scalars())
    rows: dict[str, set[uuid.UUID]] = {}
    for name in synced_tables():
        table = tables[name]
        if name in PEOPLE:
            continue
        found = set(conn.execute(select(table.c.id).where(_owned(table, children))).scalars())
        if found:
            rows[name] = found
    staying = set(conn.execute(select(c.c.id).where(c.c.id.not_in(children))).scalars())
    named = _people_ids(conn, children)
    still = _people_ids(conn, sorted(staying))
    for name in PEOPLE:
        going = named[name] - still[name]
        if going:
            rows[name] = going
    session.flush()
    session.expunge_all()
    entity_ids = {i.hex for ids in rows.values() for i in ids}
    blanked = audit.blank_entries(session, entity_ids)
    conn.exec_driver_sql("PRAGMA secure_delete = ON") if conn.dialect.name == "sqlite" else None
    for name in reversed([n for n in synced_tables() if n in rows]):
        ordered = sorted(rows[name])
        for start in range(0, len(ordered), 500):
            conn.execute(tables[name].delete().where(
                tables[name].c.id.in_(ordered[start:start + 500])))
    audit.record_erased_rows(session, ((n, i.hex) for n, ids in rows.items()
                                       for i in sorted(ids)))
    session.add(m.Erasure(
        reference=", ".join(references)[:32], erased_on=today, erased_by=login,
        erased_by_role="", records=sum(len(v) for v in rows.values()),
        reason=f"left this laptop at a sync: no longer in {login}'s caseload or team "
               f"({', '.join(references)}); the team server holds the record",
        entries="\n".join(f"{seq} {digest}" for seq, digest in blanked)))
    session.flush()
    return references


# ------------------------------------------------------------------ conflicts on the laptop


def resolve(local: Any, conflict_id: uuid.UUID, choice: str, actor: str) -> m.SyncConflict:
    """The worker chooses: `theirs` takes the server's version here; `mine` keeps the
    laptop's, and the choice travels to the server at the next sync, which applies it."""
    if choice not in ("mine", "theirs"):
        raise SyncError(f"choose mine or theirs, not {choice!r}")
    with local.session(actor) as session:
        found = session.get(m.SyncConflict, conflict_id)
        if found is None:
            raise SyncError("no such conflict on this laptop (cintui sync conflicts lists them)")
        if found.status != "open":
            raise SyncError(f"that conflict was resolved already ({found.chosen})")
        if choice == "theirs":
            _take_theirs(session, found)
        elif found.kind == "deleted_on_server":
            _to_restore(session, found)
        found.status, found.chosen = "resolved", choice
        found.resolved_by, found.resolved_at = actor, m.utcnow()
        session.add(found)
        return found


def _to_restore(session: Any, conflict: m.SyncConflict) -> None:
    """Keeping yours over a record deleted on the server brings the record back: the whole
    of it, as this laptop holds it (the conflict held only the fields the laptop changed,
    and the server refused a record made of those alone, "null value in column", every
    sync, with no way out but theirs). A person or household is not brought back: their
    links to the children went with them, and one linked to no child is seen by no one."""
    model = m.table_models().get(conflict.entity)
    change = json.loads(conflict.mine)
    if model is None or change.get("action") == "delete":
        return
    obj = session.get(model, uuid.UUID(conflict.entity_id))
    if obj is None:
        return
    if conflict.entity in PEOPLE:
        what = "person" if conflict.entity == "person" else "household"
        raise SyncError(f"this {what} was deleted on the team server with their links to "
                        "the children: kept, they would be linked to no child and seen by "
                        "no one. Take the team server's (theirs), then add them again on "
                        "the child's record if they are still needed")
    table = model.__table__  # type: ignore[attr-defined]
    gone = {c.entity_id: c.entity for c in session.scalars(select(m.SyncConflict).where(
        (m.SyncConflict.status == "open") & (m.SyncConflict.kind == "deleted_on_server")))}
    for column in table.c:
        value = getattr(obj, column.name)
        if column.foreign_keys and isinstance(value, uuid.UUID) and value.hex in gone:
            from cintui.domain.laptop import record_name

            what = record_name(gone[value.hex]).lower()
            raise SyncError(f"it points at a {what} deleted on the team server too (in the "
                            "list of conflicts): take the team server's for both, then add "
                            "them again if they are still needed")
    values = {c.name: norm(getattr(obj, c.name)) for c in table.c}
    conflict.mine = audit.canonical({"action": "insert", "values": values})


def _nothing_points_at(session: Any, table: sa.Table, ident: uuid.UUID) -> None:
    """A record the laptop lets go must not be one its other records point at (a person
    whose relationship to the child waits in a conflict of its own): the store refused it,
    "not saved: it refers to a record that is not on the store", and the worker could not
    tell which to choose first."""
    from cintui.domain.laptop import record_name

    conn = session.connection()
    pointing: dict[str, set[str]] = {}
    for other in SQLModel.metadata.sorted_tables:
        if "id" not in other.c:
            continue
        for column in other.c:
            if any(fk.column.table is table for fk in column.foreign_keys):
                ids = conn.execute(select(other.c.id).where(column == ident)).scalars()
                pointing.setdefault(record_name(other.name), set()).update(i.hex for i in ids)
    pointing = {k: v for k, v in pointing.items() if v}
    if not pointing:
        return
    names = " and ".join(sorted(n[0].lower() + n[1:] if n[1:2].islower() else n
                                for n in pointing))
    waiting = set().union(*pointing.values()) <= set(_open_conflicts(conn))
    raise SyncError(f"choose first for the {names}, which points at this record (it is in "
                    "the list of conflicts too)" if waiting else
                    f"the {names} on this laptop still points at this record, so it cannot "
                    "go yet")


def _take_theirs(session: Any, conflict: m.SyncConflict) -> None:
    model = m.table_models().get(conflict.entity)
    if model is None:
        return
    table = model.__table__  # type: ignore[attr-defined]
    obj = session.get(model, uuid.UUID(conflict.entity_id))
    theirs = json.loads(conflict.theirs)
    if conflict.kind == "both_changed":
        if obj is not None:
            setattr(obj, conflict.field, from_json(table.c[conflict.field], theirs))
            session.add(obj)
        return
    if theirs is None:  # not on the server: the laptop's version goes
        if obj is not None:
            _nothing_points_at(session, table, obj.id)
            session.delete(obj)
        return
    values = {k: from_json(table.c[k], v) for k, v in theirs.items() if k in table.c}
    if obj is None:
        session.add(model(**values))
        return
    for name, value in values.items():
        if name not in ("id", "created_at", "updated_at"):
            setattr(obj, name, value)
    session.add(obj)


def conflicts(conn: Any, *, open_only: bool = True) -> list[Any]:
    s = _tables()["sync_conflict"]
    query = select(s).order_by(s.c.recorded_at, s.c.entity, s.c.field, s.c.id)
    if open_only:
        query = query.where(s.c.status == "open")
    return list(conn.execute(query))


# ------------------------------------------------------------------ the server's check


@dataclass(frozen=True)
class ChainReport:
    device: str
    login: str
    label: str
    entries: int
    ok: bool
    problem: str = ""
    first_at: datetime | None = None
    last_at: datetime | None = None
    arrived_at: datetime | None = None


def verify_devices(conn: Any) -> list[ChainReport]:
    """Each laptop's chain as it arrived: whole, in order, unchanged (an entry the laptop
    blanked when a case left it is accepted where its erasure names it, as on the laptop)."""
    d, e = _tables()["sync_device"], _tables()["device_entry"]
    reports = []
    for dev in conn.execute(select(d).order_by(d.c.login, d.c.device)).all():
        prev, count, problem = audit.GENESIS, 0, ""
        blanked: dict[int, str] = {}
        named: dict[int, str] = {}
        first = last = arrived = None
        for row in conn.execute(select(e).where(e.c.device == dev.device).order_by(e.c.seq)):
            if row.seq != count + 1:
                problem = f"entry {count + 1} is missing"
                break
            if row.prev_hash != prev:
                problem = f"entry {row.seq} does not follow entry {row.seq - 1}"
                break
            digest = audit.entry_hash(prev, row.seq, row.at, row.actor, row.action,
                                      row.entity, row.entity_id, row.changes)
            if digest != row.hash:
                if row.changes != audit.ERASED:
                    problem = f"entry {row.seq} was changed after it was written"
                    break
                blanked[row.seq] = row.hash
            if row.entity == audit.ERASURE_TABLE and row.action == "insert":
                named.update(audit.erasure_entries(row.changes))
            count, prev = row.seq, row.hash
            first = first or row.at
            last, arrived = row.at, row.arrived_at
        if not problem:
            for seq, digest in blanked.items():
                if named.get(seq) != digest:
                    problem = f"entry {seq} was blanked with no erasure naming it"
                    break
        if not problem and count != dev.received_seq:
            problem = (f"the server took entries up to {dev.received_seq} and holds "
                       f"{count}")
        reports.append(ChainReport(dev.device, dev.login, dev.label, count, not problem,
                                   problem, first, last, arrived))
    return reports


def laptop_entries(conn: Any, *, device: str | None = None, limit: int = 50,
                   everything: bool = False) -> list[Any]:
    """The newest laptop entries on the server, with each laptop's label: who recorded
    what, where, when, and when it arrived (the audit role reads them). `everything`: also
    what the laptop's syncs wrote there (what they brought down, their bookkeeping), and
    its typing drafts, kept there every second or so and never sent (they buried the
    records among dozens of "draft" lines)."""
    d, e = _tables()["sync_device"], _tables()["device_entry"]
    query = (select(e.c.device, e.c.seq, e.c.at, e.c.actor, e.c.action, e.c.entity,
                    e.c.entity_id, e.c.arrived_at, d.c.label)
             .join(d, d.c.device == e.c.device)
             .order_by(e.c.arrived_at.desc(), e.c.device, e.c.seq.desc()).limit(limit))
    if device:
        query = query.where(e.c.device.startswith(device) | (d.c.label == device))
    if not everything:  # what a sync itself wrote there, and drafts: with --all
        query = query.where(e.c.actor != SYNC_ACTOR, e.c.entity != "draft")
    return list(conn.execute(query))
