"""Who booked a meeting (`meeting.booked_by`): the worker, by name, whose login booked it (or
rebooked it), written with the booking; the day is the row's `created_at`. The audit trail's
insert entry says the same, but it cannot be read where the meeting is shown: a worker's
login on a team server may not read the trail (it holds every child's data), and a laptop's
replica holds the meetings, not the server's trail (its own entry for a meeting it pulled
names the sync). A meeting booked before this revision has none: it says nothing of who
booked it (the trail still does, for `cintui audit`).

Revision 0033, after 0032. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("booked_by", sa.String(200), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("booked_by")
