"""Meeting safeguards (issue 23 item 3): on the meeting, the child invited and why anyone is
not (BEX 3, WIR 2.3), when the papers went out (WIR 2.3) and who was told of a cancellation
(WIR 2.9); the `meeting_agreement` table (TRA: a parent absent from a review visited to
gain their agreement) and the `non_engagement` table (WIR 2.10, a guided path).

Revision 0020, after 0018. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

MEETING = ("child_invited", "not_invited_reason", "papers_sent_on", "cancel_told")
STEPS = ("why", "history", "culture", "requirements", "communication", "records")


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def _stamps() -> list[sa.Column]:
    return [sa.Column("id", sa.Uuid(), primary_key=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "meeting_agreement", *_stamps(),
        _ref("meeting_id", "meeting", nullable=False), _ref("child_id", "child", nullable=False),
        _ref("person_id", "person"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    for column in ("meeting_id", "child_id", "person_id"):
        op.create_index(f"ix_meeting_agreement_{column}", "meeting_agreement", [column])
    op.create_table(
        "non_engagement", *_stamps(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        *(sa.Column(name, sa.String(), nullable=False) for name in STEPS),
        sa.Column("completed_on", sa.Date(), nullable=True),
    )
    for column in ("child_id", "episode_id"):
        op.create_index(f"ix_non_engagement_{column}", "non_engagement", [column])
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("child_invited", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("not_invited_reason", sa.String(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("papers_sent_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("cancel_told", sa.String(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    op.drop_table("non_engagement")
    op.drop_table("meeting_agreement")
    with op.batch_alter_table("meeting") as batch:
        for name in MEETING:
            batch.drop_column(name)
