"""An imported case's record in cintui begins on the day it was imported (`episode.
recorded_from`): the old system gave only its last visit and review, so the compliance
measures and the visit trend judge no gap that began before that day.

Revision 0027, after 0026. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episode") as batch:
        batch.add_column(sa.Column("recorded_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("episode") as batch:
        batch.drop_column("recorded_from")
