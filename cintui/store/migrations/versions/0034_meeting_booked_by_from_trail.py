"""Who booked a meeting booked before revision 0033 (`meeting.booked_by`), from the audit
trail: a meeting made as a booking ("scheduled") has an insert entry whose actor is the
login that booked it, so its booker is known. It is written on the meeting as 0033's
bookings are (the worker's name for that login, else the login), the day being the row's
`created_at` as before.

Not a booking, so left "" (the app says "booker not recorded"): a meeting made held or
cancelled (a caseload import, a transfer pack, a meeting minuted with no booking), one made
by the sync on a laptop (the entry names the sync, not who booked it), by the demo, or by an
earlier upgrade, and one whose entry was erased after its retention.

Each meeting changed is an audited change (actor "cintui upgrade 0034"; on PostgreSQL the
login running the upgrade, which a team server's trigger requires: audit.upgrade_actor, as
0024's), so `cintui audit verify` still finds every record accounted for, on a team server
too (the change and its entry share the upgrade's transaction). Its `updated_at` moves, so laptops pull it.

Revision 0034, after 0033. Written by hand: portable across SQLite and PostgreSQL. It
imports no models; it imports the audit chain's hashing from cintui, as 0024 does.
"""

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

NOT_BOOKERS = {"sync", "demo"}  # the sync's copy of a row, the demo generator

_meeting = sa.table("meeting", sa.column("id", sa.Uuid()),
                    sa.column("updated_at", sa.DateTime(timezone=True)),
                    sa.column("booked_by", sa.String()))
_worker = sa.table("worker", sa.column("username", sa.String()), sa.column("name", sa.String()))
_audit = sa.table("audit_log", sa.column("seq", sa.Integer()),
                  sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String()),
                  sa.column("action", sa.String()), sa.column("entity", sa.String()),
                  sa.column("entity_id", sa.String()), sa.column("changes", sa.String()),
                  sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()))


def _bookers(conn) -> dict[str, str]:
    """Each meeting made as a booking (id hex) -> the login whose insert entry made it."""
    out = {}
    for entity_id, actor, changes in conn.execute(
            sa.select(_audit.c.entity_id, _audit.c.actor, _audit.c.changes)
            .where(_audit.c.entity == "meeting", _audit.c.action == "insert")):
        try:
            status = json.loads(changes).get("status")
        except (ValueError, AttributeError):
            continue  # an erased entry (its values gone) or one not of cintui's making
        if (isinstance(status, list) and status[-1:] == ["scheduled"]
                and actor not in NOT_BOOKERS and not actor.startswith("cintui ")):
            out[entity_id] = actor
    return out


def _audit_updates(conn, changed: list[tuple[str, str]], at: datetime) -> None:
    """Extend the audit chain with an update entry per meeting given its booker."""
    from cintui.store.audit import _read_head, canonical, entry_hash, upgrade_actor

    actor = upgrade_actor(conn, revision)
    seq, prev = _read_head(conn)
    rows = []
    for entity_id, name in changed:
        seq += 1
        body = canonical({"booked_by": ["", name]})
        digest = entry_hash(prev, seq, at, actor, "update", "meeting", entity_id, body)
        rows.append({"seq": seq, "at": at, "actor": actor, "action": "update",
                     "entity": "meeting", "entity_id": entity_id, "changes": body,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    conn.execute(_audit.insert(), rows)


def upgrade() -> None:
    conn = op.get_bind()
    bookers = _bookers(conn)
    if not bookers:
        return
    names = dict(conn.execute(sa.select(_worker.c.username, _worker.c.name)).all())
    unknown = conn.execute(sa.select(_meeting.c.id).where(_meeting.c.booked_by == "")).scalars()
    changed = sorted((row_id.hex, (names.get(bookers[row_id.hex]) or bookers[row_id.hex])[:200])
                     for row_id in unknown if row_id.hex in bookers)
    if not changed:
        return
    at = datetime.now(UTC)
    conn.execute(_meeting.update().where(_meeting.c.id == sa.bindparam("row"))
                 .values(booked_by=sa.bindparam("name"), updated_at=at),
                 [{"row": uuid.UUID(entity_id), "name": name} for entity_id, name in changed])
    _audit_updates(conn, changed, at)


def downgrade() -> None:
    pass  # what it wrote is what the trail says: 0033's downgrade takes the column
