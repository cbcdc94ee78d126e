"""Case references from a sequence on PostgreSQL: `cin_reference` starts after the highest
CINnnnnnn already on the store, so two workers adding a child at the same moment never get
the same number. SQLite keeps counting under its write lock (one writer at a time).

Revision 0015. Written by hand, no imports from cintui. A worker's login needs USAGE on
the sequence (nextval) besides its table grants.
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SEQUENCE = "cin_reference"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE SEQUENCE {SEQUENCE} AS bigint MINVALUE 1")
    # setval(..., false): the next nextval returns exactly this number.
    op.execute(
        f"SELECT setval('{SEQUENCE}', COALESCE((SELECT max(substring(upper(reference) "
        "FROM '^CIN([0-9]{1,15})$')::bigint) FROM child), 0) + 1, false)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
