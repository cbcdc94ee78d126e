"""A draft of a child not yet on the record (`draft.child_id` empty): the new-child form keeps
what is typed as it is typed, as every form about a child does, so a killed process, a flat
battery or the idle lock loses none of it. It is its owner's alone (on a team server, row
security shows it to no one else: store/server.py).

Revision 0029, after 0028. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.alter_column("child_id", existing_type=sa.Uuid(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM draft WHERE child_id IS NULL")
    with op.batch_alter_table("draft") as batch:
        batch.alter_column("child_id", existing_type=sa.Uuid(), nullable=False)
