"""A sync conflict says who last changed the team server's copy, and when
(`sync_conflict.theirs_by`, `theirs_at`): a worker choosing between their version and the
server's needs to know whose it is. The worker's login cannot read the server's audit
trail, so the server answers through a function (`cintui_conflict_changes`, made by
store/server.py, which `cintui db upgrade` re-applies after the revisions) as a laptop
syncs. A conflict recorded before this revision has neither: "not known".

Revision 0031, after 0030. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_conflict") as batch:
        batch.add_column(sa.Column("theirs_by", sa.String(64), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("theirs_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_conflict") as batch:
        batch.drop_column("theirs_at")
        batch.drop_column("theirs_by")
