"""CIN meetings (DOMAIN.md §5): scheduling, practicalities, chair, invitees and attendance,
cancellation and rebooking, minutes and decisions, distribution of the record.

Revision 0006, after 0005. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "meeting_invitee": ["meeting_id", "person_id"],
    "meeting_distribution": ["meeting_id", "person_id"],
}
MEETING_INDEXES = ["rebooked_from_id"]


def _row() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def _text(name: str, length: int | None = None, default: str = "") -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False, server_default=default)


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(_text("status", 16, "scheduled"))
        batch.add_column(sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(_text("venue", 200))
        batch.add_column(_text("chair", 200))
        batch.add_column(_text("chair_role", 120))
        batch.add_column(_text("practical", None, "[]"))
        batch.add_column(_text("cancelled_reason"))
        batch.add_column(sa.Column("rebooked_from_id", sa.Uuid(), sa.ForeignKey(
            "meeting.id", name="fk_meeting_rebooked_from", deferrable=True,
            initially="DEFERRED"), nullable=True))
        batch.add_column(_text("minutes"))
        batch.add_column(sa.Column("still_in_need", sa.Boolean(), nullable=True))
        batch.add_column(_text("recommendation", 32))
    meeting = sa.table("meeting", sa.column("held", sa.Boolean()),
                       sa.column("status", sa.String()))
    op.get_bind().execute(meeting.update().where(meeting.c.held == sa.true())
                          .values(status="held"))
    for column in MEETING_INDEXES:
        op.create_index(f"ix_meeting_{column}", "meeting", [column])
    op.create_table(
        "meeting_invitee", *_row(),
        _ref("meeting_id", "meeting", nullable=False), _ref("person_id", "person"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("is_parent", sa.Boolean(), nullable=False),
        sa.Column("attendance", sa.String(20), nullable=False),
        sa.Column("added_on_the_day", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "meeting_distribution", *_row(),
        _ref("meeting_id", "meeting", nullable=False), _ref("person_id", "person"),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in reversed(list(INDEXES)):
        op.drop_table(table)
    for column in MEETING_INDEXES:
        op.drop_index(f"ix_meeting_{column}", "meeting")
    with op.batch_alter_table("meeting") as batch:
        for name in ("status", "starts_at", "venue", "chair", "chair_role", "practical",
                     "cancelled_reason", "rebooked_from_id", "minutes", "still_in_need",
                     "recommendation"):
            batch.drop_column(name)
