"""Management decisions (BEX 4), written through any writer: a store session (`on_session`)
or the light writer (`cintui.store.quick`), which `cintui decision add` uses on a file so it
never builds the ORM. One use case, so both give the same row, the same checks and the same
errors.

A writer (`quick.QuickWrite` or `quick.SessionWriter`) has `rows(sql, params)` (plain SQL,
as `lookup` reads), `insert(table, row)` (an audited insert of every column) and
`server_login` (the team server login it writes as, else None).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from cintui.casework import lookup
from cintui.casework.lookup import CaseworkError, NotYou, check_self
from cintui.domain import endings as rules
from cintui.domain.text import did_you_mean
from cintui.domain.workforce import needs_role


class EndingError(CaseworkError):
    """An ending request that cannot be carried out, in a worker's words (field, problem)."""


class Writer(Protocol):
    server_login: str | None

    def rows(self, sql: str, params: dict) -> list[tuple]: ...

    def insert(self, table: str, row: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Decider:
    id: uuid.UUID | None
    name: str
    role: str  # Worker.role code, or "" for someone not on the store
    username: str = ""

    @property
    def role_label(self) -> str:
        return rules.ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class NewDecision:
    kind: str
    decision: str
    rationale: str
    made_on: date
    by: str | None = None  # a worker's username or name; None: the app's worker
    role: str | None = None  # the role in words, for someone not on the store


_ACTOR = "SELECT id, name, role, username FROM worker WHERE username = :actor"


def decider(source: Any, text: str | None, actor: str, server_login: str | None) -> Decider:
    """A worker by username or name; none given: the app's own worker (`actor`), or the
    actor by name when they are not a worker on the store."""
    if text:
        try:
            who = Decider(*lookup.find_worker(source, text))
        except CaseworkError:
            check_self(server_login, "", text)  # on a team server, no one else at all
            raise
        check_self(server_login, who.username, text)
        return who
    found = lookup.rows_from(source)(_ACTOR, {"actor": actor})
    if not found:
        return Decider(None, actor, "")
    wid, name, role, username = found[0]
    return Decider(lookup.as_uuid(wid), name, role, username)


_CHILD = "SELECT 1 FROM child WHERE id = :child"
_EPISODE = ("SELECT id FROM episode WHERE child_id = :child "
            "ORDER BY referral_date DESC, created_at DESC LIMIT 1")


def record(writer: Writer, child_id: uuid.UUID, new: NewDecision, *, actor: str, today: date,
           ending_id: uuid.UUID | None = None) -> dict[str, Any]:
    """BEX 4: record a decision on the child's record with its rationale, who and when.
    Returns the row written (its columns, as Python values)."""
    key = {"child": child_id.hex}
    if not writer.rows(_CHILD, key):
        raise EndingError("child", "no such child on this store")
    try:
        who = decider(writer, new.by, actor, writer.server_login)
    except NotYou:
        raise
    except CaseworkError as exc:
        if new.role is None:
            raise EndingError("by", f"no worker called {new.by!r}"
                              f"{did_you_mean(getattr(exc, 'meant', None))}: give their role "
                              "too for someone not on this store") from None
        who = Decider(None, (new.by or "").strip(), "")
    role = new.role.strip() if new.role else who.role_label
    # On a team server only a manager's login records a decision (the server's grants say
    # the same): one line here rather than the server's refusal.
    if writer.server_login is not None and \
            (refusal := needs_role(who.username or who.name, who.role)) is not None:
        raise EndingError("by", f"on the team server recording a decision {refusal}")
    problems = rules.check_decision(new.kind, new.decision, new.rationale, who.name,
                                    new.made_on, today)
    if problems:
        raise EndingError(problems[0].field, problems[0].message)
    episode = writer.rows(_EPISODE, key)
    now = datetime.now(UTC)
    row = {"id": uuid.uuid4(), "created_at": now, "updated_at": now, "child_id": child_id,
           "episode_id": lookup.as_uuid(episode[0][0]) if episode else None,
           "kind": new.kind, "made_on": new.made_on, "made_by": who.name[:200],
           "made_by_role": role[:120], "made_by_id": who.id,
           "decision": new.decision.strip(), "rationale": new.rationale.strip(),
           "ending_id": ending_id}
    writer.insert("decision", row)
    return row
