"""Disabled children (WAR 7; TRA CAN team; BEX short breaks): short-break packages
(`short_break`), direct payments (`direct_payment`) and their reviews (`support_review`),
each package with its next review date (WAR 7.2.1: at least annually).

Revision 0021, after 0018. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def _row() -> list[sa.Column]:
    return [sa.Column("id", sa.Uuid(), primary_key=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            _ref("child_id", "child", nullable=False)]


def _package() -> list[sa.Column]:
    return [sa.Column("started_on", sa.Date(), nullable=False),
            sa.Column("review_due", sa.Date(), nullable=False),
            sa.Column("ended_on", sa.Date(), nullable=True),
            sa.Column("end_reason", sa.String(), nullable=False, server_default=""),
            sa.Column("notes", sa.String(), nullable=False, server_default=""),
            sa.Column("recorded_by", sa.String(200), nullable=False, server_default="")]


def upgrade() -> None:
    op.create_table(
        "short_break", *_row(),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("per", sa.String(8), nullable=False),
        *_package(),
    )
    op.create_table(
        "direct_payment", *_row(),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(12), nullable=False),
        sa.Column("managed_by", sa.String(200), nullable=False),
        *_package(),
    )
    op.create_table(
        "support_review", *_row(),
        _ref("short_break_id", "short_break"), _ref("direct_payment_id", "direct_payment"),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewed_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("notes", sa.String(), nullable=False, server_default=""),
        sa.Column("next_due", sa.Date(), nullable=False),
    )
    for table, columns in (("short_break", ("child_id",)), ("direct_payment", ("child_id",)),
                           ("support_review", ("child_id", "short_break_id",
                                               "direct_payment_id"))):
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    op.drop_table("support_review")
    op.drop_table("direct_payment")
    op.drop_table("short_break")
