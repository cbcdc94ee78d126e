"""Visits and CIN meetings (the facts timescales run on), and the lookup indexes.

Revision 0002, after 0001. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# table -> columns looked up often enough to index (a caseload of 5,000 children)
# Every foreign key column is indexed: links are checked at commit, and while one is
# pending SQLite looks up the referencing rows of each parent row inserted.
INDEXES = {
    "worker": ["team_id"],
    "child": ["team_id", "worker_id", "family_id", "status"],
    "episode": ["child_id"],
    "child_person": ["child_id", "person_id"],
    "consent": ["child_id", "person_id", "decided_by_id"],
    "audit_log": ["entity_id"],
    "visit": ["child_id", "episode_id", "author_id"],
    "meeting": ["child_id", "episode_id"],
}


def _row() -> list[sa.Column]:
    """Columns every table carries (models.Row)."""
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    """A link checked at commit: one transaction may add a child before its team."""
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "visit", *_row(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("child_seen", sa.Boolean(), nullable=False),
        sa.Column("seen_alone", sa.Boolean(), nullable=False),
        sa.Column("bedroom_seen", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _ref("author_id", "worker"),
    )
    op.create_table(
        "meeting", *_row(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("minutes_circulated", sa.Date(), nullable=True),
        sa.Column("plan_circulated", sa.Date(), nullable=True),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, columns in INDEXES.items():
        if table not in ("visit", "meeting"):
            for column in columns:
                op.drop_index(f"ix_{table}_{column}", table_name=table)
    op.drop_table("meeting")
    op.drop_table("visit")
