"""Keeping the data safe (issue 24): the `erasure` table, one row per closed record erased
on a manager's decision after its retention (UK GDPR Art. 5(1)(e)): the case reference, when,
by whom, why, and which audit entries were blanked, with no personal data.

Revision 0023, after 0018. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

# An erased entry's recorded values (store/audit.py ERASED): the one UPDATE of the audit
# trail its triggers allow from here on; every other column must stay as written.
ERASED = '{"erased":"personal data erased after its retention: see the erasure record"}'
APPEND_ONLY = "the audit trail is append-only"
KEPT = ("seq", "at", "actor", "action", "entity", "entity_id", "prev_hash", "hash", "txid")

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("erased_on", sa.Date(), nullable=False),
        sa.Column("erased_by", sa.String(200), nullable=False),
        sa.Column("erased_by_role", sa.String(120), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("kept_until", sa.Date(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("entries", sa.String(), nullable=False),
    )
    op.create_index("ix_erasure_reference", "erasure", ["reference"])
    _audit_triggers(allow_erasure=True)


def _audit_triggers(*, allow_erasure: bool) -> None:
    dialect = op.get_bind().dialect.name
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEPT)
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        when = f" WHEN NOT (NEW.changes = '{ERASED}' AND {same})" if allow_erasure else ""
        op.execute(f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log{when} "
                   f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")
    elif dialect == "postgresql":
        same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in KEPT)
        allowed = (f"IF TG_OP = 'UPDATE' AND NEW.changes = '{ERASED}' AND {same} THEN "
                   "RETURN NEW; END IF; " if allow_erasure else "")
        op.execute("CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {allowed}RAISE EXCEPTION '{APPEND_ONLY}'; "
                   "END $$")


def downgrade() -> None:
    _audit_triggers(allow_erasure=False)
    op.drop_table("erasure")
