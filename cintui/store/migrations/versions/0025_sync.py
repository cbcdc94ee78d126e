"""Laptops that work offline and sync with the team server (issue 19): `sync_device` (a
laptop with a replica, on the server), `device_entry` (each laptop's audit chain as it
arrived, on the server) and `sync_conflict` (a laptop's change the server could not take as
it was, kept with both versions until the worker chooses; on both).

Revision 0025, after 0024. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [sa.Column("id", sa.Uuid(), primary_key=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "sync_device", *_stamps(),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("received_seq", sa.Integer(), nullable=False),
        sa.Column("received_hash", sa.String(64), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_sync_device_device", "sync_device", ["device"], unique=True)
    op.create_index("ix_sync_device_login", "sync_device", ["login"])
    op.create_table(
        "device_entry",
        sa.Column("device", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("changes", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sync_conflict", *_stamps(),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("child_id", sa.Uuid(),
                  sa.ForeignKey("child.id", deferrable=True, initially="DEFERRED"),
                  nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("base", sa.String(), nullable=False),
        sa.Column("mine", sa.String(), nullable=False),
        sa.Column("theirs", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("chosen", sa.String(10), nullable=False),
        sa.Column("resolved_by", sa.String(64), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_sync_conflict_device", "sync_conflict", ["device"])
    op.create_index("ix_sync_conflict_child_id", "sync_conflict", ["child_id"])
    op.create_index("ix_sync_conflict_entity_id", "sync_conflict", ["entity_id"])


def downgrade() -> None:
    op.drop_table("sync_conflict")
    op.drop_table("device_entry")
    op.drop_table("sync_device")
