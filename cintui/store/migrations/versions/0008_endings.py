"""Endings (DOMAIN.md §7): the `ending` table (closure, step-down, transfer out: the
recommendation, the manager's decision, the family told, the closure reason and summary,
the dispute path, and the step-down and transfer details), and the `decision` table (BEX 4:
every decision with its rationale, management decisions included).

Revision 0008, after 0007. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = {
    "ending": ["child_id", "episode_id", "meeting_id"],
    "decision": ["child_id", "episode_id", "made_by_id", "ending_id"],
}


def _row() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def _text(name: str, length: int | None = None) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False)


def _date(name: str) -> sa.Column:
    return sa.Column(name, sa.Date(), nullable=True)


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=True)


def upgrade() -> None:
    op.create_table(
        "ending", *_row(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode", nullable=False),
        _text("kind", 16), _text("status", 16),
        sa.Column("recommended_on", sa.Date(), nullable=False),
        _text("recommended_by", 200), _ref("meeting_id", "meeting"),
        _date("decided_on"), _text("decided_by", 200), _text("rationale"),
        _date("family_told_on"),
        sa.Column("closure_reason", sa.String(3), nullable=True),
        _flag("unmet_need"), _text("closure_summary"),
        _date("dispute_raised_on"), _text("dispute_raised_by", 200), _text("dispute_details"),
        _date("escalated_to_service_manager_on"), _text("dispute_outcome"),
        _text("receiving_service", 200), _text("lead_professional", 200),
        _text("lead_contact", 200), _flag("conversation_held"), _text("conversation_notes"),
        _flag("family_consent"), _text("documents"),
        _text("receiving_authority", 200), _text("receiving_contact", 200), _date("move_date"),
        _text("consent_to_share", 16), _text("consent_not_sought_reason"),
        sa.Column("moves_count", sa.Integer(), nullable=True),
        _text("trafficking_considered"), _date("completed_on"),
    )
    op.create_table(
        "decision", *_row(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        _text("kind", 16), sa.Column("made_on", sa.Date(), nullable=False),
        _text("made_by", 200), _text("made_by_role", 120), _ref("made_by_id", "worker"),
        _text("decision"), _text("rationale"), _ref("ending_id", "ending"),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in reversed(list(INDEXES)):
        op.drop_table(table)
