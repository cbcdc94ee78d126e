"""Supervision and case direction (STO 4.5, 8.5; WAR 12): the `supervision` table (a
manager's supervision of a child's case: who was there, the discussion, the decisions, the
next supervision due) and `supervision_action` (who does what by when).

Revision 0017. Written by hand: portable across SQLite and PostgreSQL, no imports from
cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def _stamps() -> list[sa.Column]:
    return [sa.Column("id", sa.Uuid(), primary_key=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "supervision", *_stamps(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("held_on", sa.Date(), nullable=False),
        _ref("manager_id", "worker"),
        sa.Column("manager", sa.String(200), nullable=False),
        sa.Column("present", sa.String(), nullable=False),
        sa.Column("discussion", sa.String(), nullable=False),
        sa.Column("decisions", sa.String(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
    )
    for column in ("child_id", "episode_id", "manager_id"):
        op.create_index(f"ix_supervision_{column}", "supervision", [column])
    op.create_table(
        "supervision_action", *_stamps(),
        _ref("supervision_id", "supervision", nullable=False),
        _ref("child_id", "child", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("by_when", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
    )
    for column in ("supervision_id", "child_id"):
        op.create_index(f"ix_supervision_action_{column}", "supervision_action", [column])


def downgrade() -> None:
    op.drop_table("supervision_action")
    op.drop_table("supervision")
