"""A store whose every text reads like Rich or Textual markup: the trust suites' check that
output is inert covers markup too (a name, a plan or a note holding `[/i]` or `[link=…]` is
shown as typed, never read as styling, and never stops the app or a command).

`mark_store(path)` appends `MARK` to every free text of a SQLite demo store (notes, plan
texts, visit records, names of children, people, workers, teams and places, and the names
and texts inside a meeting's minutes), written straight to the file as text stored by any
means would be. Codes, statuses, references, usernames and dates are left alone: the app
reads those as keys. Synthetic people only.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

# A closing tag that closes nothing: read as markup by Rich or Textual, it raises
# MarkupError (the app or the command stops); shown as typed, it is plain to see.
MARK = "[/i]"
# One-line names and places a screen shows (the free texts, stored as TEXT, are all taken).
NAMES = {
    "child": ("first_name", "last_name", "known_as"),
    "person": ("name", "agency", "role", "address", "access_needs"),
    "worker": ("name",),
    "team": ("name", "service"),
    "family": ("name", "address"),
    "child_person": ("relationship",),
    "meeting": ("venue", "chair"),
    "plan_version": ("lead_professional", "agreed_by", "agreed_at"),
    "plan_action": ("who",),
    "plan_service": ("name",),
    "short_break": ("provider",),
    "direct_payment": ("managed_by",),
}
# Kept as the app wrote them: the trail and what it hashes, sync bookkeeping, settings.
SKIP = {"audit_log", "device_entry", "store_meta", "alembic_version", "sync_device",
        "sync_conflict", "applied_request", "erasure", "draft"}


def _marked(value: object) -> object:
    """A JSON document's free texts (those with a space: names and sentences, not codes)."""
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v) for v in value]
    if isinstance(value, str) and " " in value.strip():
        return f"{value} {MARK}"
    return value


def mark_store(path: Path) -> None:
    from sqlmodel import SQLModel

    import cintui.store.models  # noqa: F401  (the tables' metadata)

    conn = sqlite3.connect(path)
    try:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in SKIP:
                continue
            for column in table.columns:
                free = _is_text(column) and getattr(column.type, "length", 0) is None
                if not (free or column.name in NAMES.get(table.name, ())):
                    continue
                for rowid, value in conn.execute(
                        f'SELECT rowid, "{column.name}" FROM "{table.name}" '
                        f'WHERE "{column.name}" <> \'\'').fetchall():
                    if value[:1] in "{[":
                        new = json.dumps(_marked(json.loads(value)))
                    else:
                        new = f"{value} {MARK}"
                    conn.execute(f'UPDATE "{table.name}" SET "{column.name}" = ? '
                                 f'WHERE rowid = ?', (new, rowid))
        conn.commit()
    finally:
        conn.close()


def _is_text(column) -> bool:
    import sqlalchemy as sa
    from sqlmodel.sql.sqltypes import AutoString

    return isinstance(column.type, (AutoString, sa.String)) and not isinstance(column.type,
                                                                               sa.Uuid)
