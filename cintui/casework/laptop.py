"""A laptop that works offline (issue 19), for the app: where it stands, one sync with the
team server, and its conflicts in plain words (store/sync.py does the work; the CLI's
`cintui sync` is the same pass).

The team server is reached with the worker's own login; its password comes from libpq
(~/.pgpass, PGPASSFILE, a service file) or, when libpq finds none, from the worker for this
one sync (`PasswordNeeded`): it is used for the connection and never kept.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cintui.casework import cases
from cintui.casework.lookup import CaseworkError
from cintui.domain import laptop
from cintui.domain.policy import SyncRules
from cintui.store import engine, sync
from cintui.store.base import StoreBusy, StoreError, said
from cintui.store.models import ACTIVE_ENDINGS, Child, Ending, Worker

NOT_A_REPLICA = "this store is not a laptop replica (cintui sync setup)"
BUSY_TRIES = 3  # a sync the team server was too busy to take is tried this many times


class PasswordNeeded(CaseworkError):
    """The team server wants a password and libpq found none (or the one given was wrong)."""

    def __init__(self, login: str, problem: str) -> None:
        super().__init__("", problem)
        self.login = login


class SyncFailed(CaseworkError):
    """The sync did not happen or did not finish; nothing was half-done (store/sync.py).
    `why`: the reason in a line, for `cintui sync status` (the problem also says what to do).
    `brief`: the app's notice, where the problem is too long for one (the header says the
    sync failed, and when, until one finishes)."""

    def __init__(self, field: str, problem: str, why: str = "", brief: str = "") -> None:
        super().__init__(field, problem)
        self.why = why or problem
        self.brief = brief or problem
        self.noted = False  # on the laptop, by `failed`


# F5 offline, in the app: two lines of a notice at 80x24 (the whole sentence, with libpq's
# reason, covered half the record for 12 seconds); `cintui sync status` keeps the reason.
UNREACHABLE = "Not synced: cannot reach the team server. Your work stays here."


@dataclass(frozen=True)
class Where:
    """Where the laptop stands, with the policy's limit: for the header."""

    standing: sync.Standing
    limit: int  # working days without a sync before the header says so (policy)

    def header_lines(self, today: date) -> list[str]:
        s = self.standing
        return laptop.header_lines(laptop.HeaderState(s.last_sync, s.waiting, s.conflicts,
                                                      today, self.limit, s.failed_at))


NOT_A_LAPTOP = Where(sync.Standing(False), 0)


def where(store) -> Where:
    with store.engine.connect() as conn:
        standing = sync.standing(conn)
    limit = SyncRules().overdue_after_working_days
    if standing.replica:
        with store.read() as session:
            limit = cases.store_policy(session).sync.overdue_after_working_days
    return Where(standing, limit)


def server_url(store) -> str:
    with store.engine.connect() as conn:
        values = sync.meta(conn)
    if sync.META_LOGIN not in values:
        raise SyncFailed("", NOT_A_REPLICA)
    return values[sync.META_SERVER]


def connect(url: str, password: str | None = None, *, again: str | None = None):
    """The team server as the worker's own login (a password only if libpq has none).
    `again`: how to sync again, said when the server cannot be reached (offline: what was
    recorded stays on the laptop); None while setting a laptop up (nothing recorded yet)."""
    login = make_url(url).username or "you"
    try:
        if password is None:
            return engine.open_url(url)
        return engine.open_url(make_url(url).set(password=password)
                               .render_as_string(hide_password=False))
    except StoreError as exc:
        if "password" in str(exc).lower():
            raise PasswordNeeded(login, "that password was not accepted" if password
                                 else f"the team server asks for {login}'s password") from None
        cause = exc.__cause__
        why = (str(getattr(cause, "orig", cause)).strip().splitlines() or [""])[0] \
            if cause is not None else ""
        why = why.removeprefix("connection failed: ") or str(exc)
        reach = f"cannot reach the team server ({why})"
        if again is None:
            raise SyncFailed("", reach) from None
        raise SyncFailed("", f"{reach}: nothing was sent or brought down, and what you "
                             f"recorded stays on this laptop: {again} once you are "
                             "connected", reach, UNREACHABLE) from None


def run(local, *, today: date, password: str | None = None,
        progress: Callable[[str], None] | None = None, server=None,
        again: str = f"{laptop.SYNC_KEY} syncs again") -> sync.SyncResult:
    """One sync (store/sync.py): push, then pull. A dropped connection is one line, ending
    with how to try again (`again`). `server`: one already open (kept open). A sync that
    fails is noted on the laptop (`failed`), with why, until one finishes."""
    try:
        return _run(local, today=today, password=password, progress=progress, server=server,
                    again=again)
    except SyncFailed as exc:
        failed(local, exc)
        raise


def failed(local, exc: SyncFailed) -> None:
    """Note on the laptop that a sync did not finish, and why (`cintui sync status`): on a
    replica only, and never in the way of saying why (a store too busy to take the note)."""
    if exc.problem != NOT_A_REPLICA and not exc.noted:
        exc.noted = True
        with contextlib.suppress(StoreError):
            sync.note_failure(local, exc.why)


def _run(local, *, today: date, password: str | None,
         progress: Callable[[str], None] | None, server, again: str) -> sync.SyncResult:
    opened = server is None
    server = connect(server_url(local), password, again=again) if opened else server
    try:
        tries = 1
        while True:
            try:
                return sync.run(local, server, today=today, progress=progress)
            except StoreBusy:  # many laptops at once: nothing was written; queue again
                if tries == BUSY_TRIES:
                    raise
                tries += 1
                if progress is not None:
                    progress("The team server is busy with other laptops: trying again")
                time.sleep(random.uniform(1, 3))
    except sync.SyncError as exc:
        raise SyncFailed("", str(exc)) from None
    except (DBAPIError, OSError) as exc:
        line = (said(exc) if isinstance(exc, DBAPIError) else None) or \
            (str(getattr(exc, "orig", exc)).strip().splitlines() or [type(exc).__name__])[0]
        raise SyncFailed("", f"the sync did not finish ({line}); nothing was half-done: "
                             f"{again}", f"the sync did not finish ({line})") from None
    finally:
        if opened:
            server.close()


def summary(result: sync.SyncResult, conflicts_hint: str = laptop.CONFLICTS_KEY) -> str:
    """What a sync changed, in one paragraph."""
    def n(count: int, word: str) -> str:
        return f"{count} {word}" + ("" if count == 1 else "s")

    # Everything sent became a conflict: "0 changes sent" read as nothing to send.
    refused = result.conflicts and not result.pushed
    sent = (f"{n(result.conflicts, 'change')} not taken: "
            f"{'a conflict' if result.conflicts == 1 else 'conflicts'} to resolve "
            f"({conflicts_hint}); " if refused else f"{n(result.pushed, 'change')} sent, ")
    text = (f"Synced: {sent}{n(result.pulled, 'record')} brought down"
            + (f", {result.deleted} deleted on the server" if result.deleted else "") + ".")
    if result.left:
        text += (" Left this laptop (no longer your case or your team's): "
                 f"{', '.join(result.left)}.")
    if result.conflicts and not refused:
        text += f" {n(result.conflicts, 'new conflict')} to resolve ({conflicts_hint})."
    for line in result.after_closure:  # TRA, BEX 3: kept, and said
        text += f" {line}."
    return text


def present(store, child_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these children are on the laptop still (a case that left is not)."""
    if not child_ids:
        return set()
    c = Child.__table__  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        return set(conn.execute(c.select().with_only_columns(c.c.id).where(
            c.c.id.in_(sorted(child_ids)))).scalars())


# ------------------------------------------------------------------ conflicts


@dataclass(frozen=True)
class Conflict:
    id: uuid.UUID
    kind: str  # both_changed | deleted_on_server | refused
    child: str  # "CIN000101 Nell Quill", or "" for a record of no child
    what: str  # "Child's details: first name"
    mine: list[str]  # "On this laptop", as lines
    theirs: list[str]  # "On the team server", as lines
    reason: str
    recorded: str = ""  # when the laptop's change was made, as read in England
    row: object = None  # the stored conflict (sync.conflicts), for scripts
    mine_said: str = ""  # "Changed here on 20/11/2026 at 10:00"
    # Who made the server's version and when: "Changed by Ben Cole (ben.cole) on 03/12/2026
    # at 10:42", or not known (a conflict recorded before cintui kept it); "" where the
    # server never held the record.
    theirs_said: str = ""
    theirs_name: str = ""  # the worker who made it ("Ben Cole"; a login the server's
    # workers do not name); "" not known
    theirs_short: str = ""  # "changed by Ben Cole on 03/12/2026 at 10:42" ("by you"); ""
    named: str = ""  # the person or household the record is (or names): "Rosa Quill"

    @property
    def what_named(self) -> str:
        """"Person (Rosa Quill)": the record, and whose, where it is a person's."""
        return f"{self.what} ({self.named})" if self.named else self.what

    @property
    def kind_words(self) -> str:
        return laptop.SHORT_KINDS.get(self.kind, self.kind)

    @property
    def why(self) -> str:
        """"changed on both, from Nell": what both sides changed it from, for a field."""
        base = self.row.base if self.row is not None and self.row.field else None
        since = f", from {laptop.version(base, server=False)[0]}" \
            if base not in (None, "null") and self.kind == "both_changed" else ""
        return laptop.KINDS.get(self.kind, self.kind) + since + (
            f": {self.reason}" if self.reason else "")


def conflicts(store) -> list[Conflict]:
    """The laptop's open conflicts, oldest first, in plain words."""
    with store.engine.connect() as conn:
        rows = sync.conflicts(conn)
        held = {r.id: _held(conn, r.entity, r.entity_id) for r in rows}
        ids = sorted({r.child_id or held[r.id].get("child_id") for r in rows} - {None})
        c = Child.__table__  # type: ignore[attr-defined]
        names = {r.id: f"{r.reference} {r.first_name} {r.last_name}".strip()
                 for r in conn.execute(c.select().where(c.c.id.in_(ids)))} if ids else {}
        me = sync.meta(conn).get(sync.META_LOGIN, "")
        logins = sorted({r.theirs_by for r in rows if r.theirs_by})
        w = Worker.__table__  # type: ignore[attr-defined]
        workers = {r.username: r.name for r in conn.execute(
            w.select().with_only_columns(w.c.username, w.c.name)
            .where(w.c.username.in_(logins)))} if logins else {}
        instead = {r.id: _held_instead(conn, r) for r in rows}
    found = []
    for r in rows:
        known = bool(r.theirs_by) and r.theirs_at is not None
        name = (workers.get(r.theirs_by) or r.theirs_by) if known else ""
        whose = held[r.id]
        other = instead[r.id]
        found.append(Conflict(
            r.id, r.kind, names.get(r.child_id or whose.get("child_id"), ""),
            laptop.what(r.entity, r.field),
            laptop.version(r.mine, server=False),
            laptop.version(json.dumps(other) if other else r.theirs, server=True,
                           kind=r.kind,
                           keep=laptop.changed_fields(r.mine) if not (r.field or other)
                           else ()),
            r.reason,
            laptop.show(r.recorded_at.isoformat()) if r.recorded_at else "", r,
            laptop.mine_change(r.recorded_at),
            laptop.held_instead(other["kind"], other.get("recommended_by") or "",
                                other.get("recommended_on")) if other else
            laptop.theirs_change(r.kind, r.theirs, laptop.who(r.theirs_by, name, me)
                                 if known else "", r.theirs_at),
            name, laptop.theirs_short(r.kind, "you" if r.theirs_by == me else name,
                                      r.theirs_at) if known else "",
            whose.get("name") or ""))
    return found


def _held_instead(conn, r) -> dict | None:
    """A new closure (step-down, transfer) the team server refused because it holds another
    for the child (TRA, BEX 3: one at a time): that one, as the same sync brought it down
    to this laptop, to show on the server's side (it said only "not on the team server",
    and the worker had to look for the recommendation to choose between them)."""
    if r.kind != "refused" or r.entity != "ending" or r.child_id is None \
            or json.loads(r.theirs) is not None:
        return None
    mine = json.loads(r.mine)
    kind = (mine.get("values") or {}).get("kind") if isinstance(mine, dict) else None
    if not kind:
        return None
    e = Ending.__table__  # type: ignore[attr-defined]
    row = conn.execute(e.select().where(
        e.c.child_id == r.child_id, e.c.kind == kind, e.c.status.in_(ACTIVE_ENDINGS),
        e.c.id != uuid.UUID(r.entity_id)).order_by(e.c.created_at)).first()
    return {k: sync.norm(v) for k, v in row._mapping.items()} if row is not None else None


def _held(conn, entity: str, entity_id: str) -> dict:
    """What this laptop's own copy of a record in conflict says of whose it is: its child
    (a relationship deleted on the server named none: "No child"), and the person or
    household it is ("Person (Rosa Quill)", not "Person" with only a phone number)."""
    from sqlmodel import SQLModel

    table = SQLModel.metadata.tables.get(entity)
    if table is None or "id" not in table.c or len(entity_id) != 32:
        return {}
    wanted = [table.c[n] for n in ("child_id", "person_id", "name") if n in table.c]
    row = conn.execute(table.select().with_only_columns(*wanted).where(
        table.c.id == uuid.UUID(entity_id))).first() if wanted else None
    if row is None:
        return {}
    held = dict(row._mapping)
    if entity not in ("person", "family"):
        held.pop("name", None)
    if held.get("person_id") is not None:
        p = SQLModel.metadata.tables["person"]
        held["name"] = conn.execute(p.select().with_only_columns(p.c.name).where(
            p.c.id == held["person_id"])).scalar()
    return held


def resolve(store, conflict_id: uuid.UUID, choice: str, actor: str) -> str:
    """Keep mine (the server takes it at the next sync) or take theirs (here, now); the
    words say whose version the worker kept or took, where the server said."""
    before = next((c for c in conflicts(store) if c.id == conflict_id), None)
    try:
        sync.resolve(store, conflict_id, choice, actor)
    except sync.SyncError as exc:
        raise SyncFailed("", str(exc)) from None
    whose = before.theirs_short if before is not None else ""
    if choice == "mine" and before is not None and before.kind == "refused":
        return (f"Kept your version: the team server is asked again at the next sync "
                f"({laptop.SYNC_KEY}); if it still refuses it, the conflict comes back.")
    if choice == "mine" and before is not None and before.kind == "deleted_on_server":
        return (f"Kept your version: the next sync ({laptop.SYNC_KEY}) brings the record back "
                "on the team server" + (f" ({whose})." if whose else "."))
    if choice == "mine":
        over = f" over the team server's ({whose})" if whose else ""
        return (f"Kept your version{over}: the team server takes it at the next sync "
                f"({laptop.SYNC_KEY}).")
    return f"Took the team server's version ({whose})." if whose else \
        "Took the team server's version."
