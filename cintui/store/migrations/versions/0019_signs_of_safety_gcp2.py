"""Signs of Safety (STO 6.3): `safety_statement` (danger statements and safety goals beside
the CIN plan) and `safety_scaling` (each person's 0-10 score, who and their role, at a
meeting or not). Graded Care Profile 2 (STO 4.3, 6.11, 7.1; TRA): `gcp2_assessment` (the
date, the assessor, a grade per area, the worker's summary: never the scale's licensed text)
and `gcp2_need` (the needs of the plan it is attached to, by the need's key).

Revision 0019, after 0018. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def _stamps() -> list[sa.Column]:
    return [sa.Column("id", sa.Uuid(), primary_key=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "safety_statement", *_stamps(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        _ref("danger_id", "safety_statement"), _ref("replaces_id", "safety_statement"),
        _ref("meeting_id", "meeting"),
    )
    _indexes("safety_statement", "child_id", "episode_id", "danger_id", "replaces_id",
             "meeting_id")
    op.create_table(
        "safety_scaling", *_stamps(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("scaled_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("why", sa.String(), nullable=False),
        sa.Column("question", sa.String(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        _ref("meeting_id", "meeting"),
    )
    _indexes("safety_scaling", "child_id", "episode_id", "meeting_id")
    op.create_table(
        "gcp2_assessment", *_stamps(),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("assessor", sa.String(200), nullable=False),
        *(sa.Column(area, sa.Integer(), nullable=False)
          for area in ("physical", "safety", "love", "esteem")),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    _indexes("gcp2_assessment", "child_id", "episode_id")
    op.create_table(
        "gcp2_need", *_stamps(),
        _ref("gcp2_id", "gcp2_assessment", nullable=False),
        _ref("child_id", "child", nullable=False),
        sa.Column("need_key", sa.Uuid(), nullable=False),
        sa.Column("need_text", sa.String(), nullable=False),
    )
    _indexes("gcp2_need", "gcp2_id", "child_id", "need_key")


def downgrade() -> None:
    op.drop_table("gcp2_need")
    op.drop_table("gcp2_assessment")
    op.drop_table("safety_scaling")
    op.drop_table("safety_statement")
