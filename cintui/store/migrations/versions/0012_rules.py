"""The visit frequency agreed in a CIN plan (BEX 3 "agree the frequency that the social
worker will visit", TRA "seen regularly as agreed in the Child in Need Plan"): on each plan
version, an amount and a unit ("2 weeks"); none means the policy's own.

Revision 0012, after 0009. Written by hand: portable across SQLite
and PostgreSQL, no imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"  # re-chained after 0010 (case steps)
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_version") as batch:
        batch.add_column(sa.Column("visit_every_amount", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("visit_every_unit", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_version") as batch:
        batch.drop_column("visit_every_unit")
        batch.drop_column("visit_every_amount")
