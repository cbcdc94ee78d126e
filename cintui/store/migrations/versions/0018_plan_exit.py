"""Plans with an exit (BEX 3, STO 6.3): each plan version's bottom lines, what happens if the
plan is not successful, and what "good enough" looks like for it to end; and, on the
episode, a review brought forward after significant change (BEX 3 "an early review").

Revision 0018, after 0017. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PLAN = ("bottom_lines", "if_not_met", "good_enough")
EARLY = ("early_review_by", "early_review_asked", "early_review_reason")


def upgrade() -> None:
    with op.batch_alter_table("plan_version") as batch:
        for name in PLAN:
            batch.add_column(sa.Column(name, sa.String(), nullable=False, server_default=""))
    with op.batch_alter_table("episode") as batch:
        batch.add_column(sa.Column("early_review_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("early_review_asked", sa.Date(), nullable=True))
        batch.add_column(sa.Column("early_review_reason", sa.String(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("episode") as batch:
        for name in EARLY:
            batch.drop_column(name)
    with op.batch_alter_table("plan_version") as batch:
        for name in PLAN:
            batch.drop_column(name)
