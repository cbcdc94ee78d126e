"""Adult social care's contact for a young person moving to it at 18 (`circumstance.
contact`; WAR 4.2, RC6): the team, worker and phone the referral or the acceptance gave,
so the closure letters tell the family whom to call. Recorded with the adult social care
circumstance and carried on by each later row of it; "" where none was recorded (every
row before this revision).

Revision 0032, after 0031. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("circumstance") as batch:
        batch.add_column(sa.Column("contact", sa.String(300), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("circumstance") as batch:
        batch.drop_column("contact")
