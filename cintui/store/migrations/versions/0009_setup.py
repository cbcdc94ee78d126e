"""Set-up and the people who use cintui: the `authority` (name, DfE LA number), each team's
manager (`team.manager_id`), the date a worker left (`worker.left_on`), and `reallocation`
(a child moved from one worker to another: dated, by whom, why).

Revision 0009, after 0008. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = {"reallocation": ["child_id", "from_worker_id", "to_worker_id"]}


def _row() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _ref(name: str, table: str, *, nullable: bool = True, fk_name: str | None = None) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", name=fk_name, deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "authority", *_row(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("la_number", sa.String(3), nullable=False),
    )
    with op.batch_alter_table("team") as batch:
        batch.add_column(_ref("manager_id", "worker", fk_name="fk_team_manager"))
    op.create_index("ix_team_manager_id", "team", ["manager_id"])
    with op.batch_alter_table("worker") as batch:
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))
    op.create_table(
        "reallocation", *_row(),
        _ref("child_id", "child", nullable=False), _ref("from_worker_id", "worker"),
        _ref("to_worker_id", "worker", nullable=False),
        sa.Column("reallocated_on", sa.Date(), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    op.drop_table("reallocation")
    with op.batch_alter_table("worker") as batch:
        batch.drop_column("left_on")
    op.drop_index("ix_team_manager_id", "team")
    with op.batch_alter_table("team") as batch:
        batch.drop_column("manager_id")
    op.drop_table("authority")
