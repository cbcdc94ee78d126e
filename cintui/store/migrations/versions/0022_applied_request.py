"""A retry never duplicates (issue "Trust"): `applied_request`, one row per CLI write made
with `--request-id`, written in the same transaction as the write (store/requests.py).

Revision 0022, after 0018. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applied_request",
        sa.Column("actor", sa.String(64), primary_key=True),
        sa.Column("request_id", sa.String(100), primary_key=True),
        sa.Column("command", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("applied_request")
