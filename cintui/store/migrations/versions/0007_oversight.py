"""Oversight (the dashboard and reports issue): quality checks of each plan (BEX 3) and the
"stepped down with unmet need" flag on an episode the performance report counts (STO 3.3).

Revision 0007, after 0006. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = ["child_id", "episode_id", "recorded_by_id"]


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("episode") as batch:
        batch.add_column(sa.Column("unmet_need_stepped_down", sa.Boolean(), nullable=False,
                                   server_default="0"))
    op.create_table(
        "quality_check",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("facilitator", sa.String(200), nullable=False),
        sa.Column("needs_met", sa.Boolean(), nullable=True),
        sa.Column("findings", sa.String(), nullable=False),
        _ref("recorded_by_id", "worker"),
    )
    for column in INDEXES:
        op.create_index(f"ix_quality_check_{column}", "quality_check", [column])


def downgrade() -> None:
    op.drop_table("quality_check")
    with op.batch_alter_table("episode") as batch:
        batch.drop_column("unmet_need_stepped_down")
