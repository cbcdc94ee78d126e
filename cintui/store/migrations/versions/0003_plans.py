"""CIN plans: versions, services, needs (three columns, RAG), actions and RAG history.

Revision 0003, after 0002. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Every link column is indexed (links are checked at commit: see 0002).
INDEXES = {
    "plan": ["child_id", "episode_id"],
    "plan_version": ["plan_id", "child_id", "meeting_id"],
    "plan_service": ["version_id"],
    "plan_need": ["version_id", "child_id", "key"],
    "plan_action": ["need_id", "version_id", "person_id"],
    "rag_change": ["child_id", "need_key", "version_id"],
}


def _row() -> list[sa.Column]:
    """Columns every table carries (models.Row)."""
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    """A link checked at commit: one transaction may add a need before its version."""
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def _text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "plan", *_row(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
    )
    op.create_table(
        "plan_version", *_row(),
        _ref("plan_id", "plan", nullable=False), _ref("child_id", "child", nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _text("status", 16),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        _text("agreed_at", 200), _text("agreed_by", 200),
        _ref("meeting_id", "meeting"),
        _text("objectives"), _text("lead_professional", 200), _text("review_arrangements"),
        sa.Column("next_review", sa.Date(), nullable=True),
        _text("childs_views"), _text("lived_experience"),
    )
    op.create_table(
        "plan_service", *_row(),
        _ref("version_id", "plan_version", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("name", 200), _text("purpose"),
    )
    op.create_table(
        "plan_need", *_row(),
        _ref("version_id", "plan_version", nullable=False),
        _ref("child_id", "child", nullable=False),
        sa.Column("key", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("kind", 16), _text("now"), _text("outcome"), _text("evidence"), _text("rag", 1),
    )
    op.create_table(
        "plan_action", *_row(),
        _ref("need_id", "plan_need", nullable=False),
        _ref("version_id", "plan_version", nullable=False),
        sa.Column("key", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("what"), _text("who", 200), _ref("person_id", "person"),
        sa.Column("by_when", sa.Date(), nullable=True),
        _text("status", 16), _text("notes"),
    )
    op.create_table(
        "rag_change", *_row(),
        _ref("child_id", "child", nullable=False),
        sa.Column("need_key", sa.Uuid(), nullable=False),
        _ref("version_id", "plan_version"),
        sa.Column("rated_on", sa.Date(), nullable=False),
        _text("rating", 1), _text("previous", 1, nullable=True),
        _text("by", 200), _text("reason"), _text("maintained_for", 120), _text("agreed_at", 200),
        _text("cp_discussion"),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in reversed(list(INDEXES)):
        op.drop_table(table)
