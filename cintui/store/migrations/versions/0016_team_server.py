"""A team server with logins (issue 18): a child restricted to named workers (`child_access`:
while a child has any row here, on a team server only the workers named see the child's
record), and the transaction each audit entry was written in (`audit_log.txid`, filled by
the server), so `cintui audit verify` can find changes made around cintui (psql).

Revision 0016. Written by hand: portable across SQLite and PostgreSQL, no imports from
cintui. The server's own objects (roles, grants, triggers, row-level security) are made by
`cintui server init` (store/server.py), not here: a plain store has none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

AUDIT_HEAD = """CREATE OR REPLACE FUNCTION cintui_audit_head() RETURNS TABLE (seq integer,
    hash varchar) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$ SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1 $$"""


def upgrade() -> None:
    op.create_table(
        "child_access",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("child_id", sa.Uuid(), sa.ForeignKey("child.id", deferrable=True,
                                                       initially="DEFERRED"), nullable=False),
        sa.Column("worker_id", sa.Uuid(), sa.ForeignKey("worker.id", deferrable=True,
                                                        initially="DEFERRED"), nullable=False),
    )
    op.create_index("ix_child_access_child_id", "child_access", ["child_id"])
    op.create_index("ix_child_access_worker_id", "child_access", ["worker_id"])
    # Plain ALTER TABLE (no batch copy): the copy would lose audit_log's append-only triggers.
    op.add_column("audit_log", sa.Column("txid", sa.BigInteger(), nullable=True))
    op.create_index("ix_audit_log_txid", "audit_log", ["txid"])
    if op.get_bind().dialect.name == "postgresql":
        # The chain's newest entry, read by every writer (store.audit._read_head): a team
        # server's workers may append to the trail but not read it.
        op.execute(AUDIT_HEAD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS cintui_audit_head()")
    op.drop_index("ix_audit_log_txid", "audit_log")
    op.drop_column("audit_log", "txid")  # SQLite 3.35+: in place, the triggers stay
    op.drop_index("ix_child_access_worker_id", "child_access")
    op.drop_index("ix_child_access_child_id", "child_access")
    op.drop_table("child_access")
