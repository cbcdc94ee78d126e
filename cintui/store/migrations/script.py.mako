"""${message}

Revision ${up_revision}, after ${down_revision | comma,n}. Written by hand: portable across
SQLite and PostgreSQL, no imports from cintui (models change; a revision must not).
Name the file ${up_revision}_<what>.py with a four-digit revision id.
"""

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
