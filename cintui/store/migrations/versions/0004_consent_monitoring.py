"""WIR 2.2: how an alternative source of support is monitored gets its own column.

Revision 0004, after 0003. Until now it was kept inside `consent.alternative_support`
after a marker ("<support>\\n\\nMonitoring: <how>"); the upgrade moves it out. Written by
hand, portable, no imports from cintui.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MARKER = "\n\nMonitoring: "


def upgrade() -> None:
    with op.batch_alter_table("consent") as batch:
        batch.add_column(sa.Column("alternative_monitoring", sa.String(), nullable=False,
                                   server_default=""))
    conn = op.get_bind()
    consent = sa.table("consent", sa.column("id", sa.Uuid()),
                       sa.column("alternative_support", sa.String()),
                       sa.column("alternative_monitoring", sa.String()))
    rows = conn.execute(sa.select(consent.c.id, consent.c.alternative_support)
                        .where(consent.c.alternative_support.contains(MARKER))).all()
    for row_id, stored in rows:
        support, _, monitoring = stored.partition(MARKER)
        conn.execute(consent.update().where(consent.c.id == row_id).values(
            alternative_support=support, alternative_monitoring=monitoring))


def downgrade() -> None:
    with op.batch_alter_table("consent") as batch:
        batch.drop_column("alternative_monitoring")
