"""BEX 4, a child in need moving to another authority: what the transfer records beside
the pack. The move's impact on the child assessed; the parents told they must register the
child with a school and a GP in the new area; gaps in the new area's services noted; the
agencies asked to pass their records to their counterparts; and, where the parents refused
permission to share, the Caldicott Guardian's or legal advice.

Revision 0028, after 0027. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

COLUMNS = ("move_impact", "responsibilities_told", "service_gaps", "agencies_asked",
           "sharing_advice")


def upgrade() -> None:
    with op.batch_alter_table("ending") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("ending") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
