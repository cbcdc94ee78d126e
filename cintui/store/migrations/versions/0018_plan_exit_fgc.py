"""Plans with an exit (BEX 3, STO 6.3): each plan version's bottom lines, what happens if the
plan is not successful, and what "good enough" looks like for it to end; and, on the
episode, a review brought forward after significant change (BEX 3 "an early review").
Family Group Conferences (WAR 4.2, 9.3; STO 6.13, 7.5): the `family_group_conference` table.
Disclosures to partners (STO 4.5, WAR 4.3): the `disclosure` table, one row per export.

Revision 0018, after 0017. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PLAN = ("bottom_lines", "if_not_met", "good_enough")
EARLY = ("early_review_by", "early_review_asked", "early_review_reason")


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "family_group_conference",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _ref("child_id", "child", nullable=False), _ref("episode_id", "episode"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("referred_by", sa.String(200), nullable=False),
        sa.Column("coordinator", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("declined_on", sa.Date(), nullable=True),
        sa.Column("family_plan", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _ref("plan_version_id", "plan_version"),
    )
    op.create_table(
        "disclosure",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("exported_on", sa.Date(), nullable=False),
        sa.Column("exported_by", sa.String(200), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(), nullable=False),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("refs", sa.String(), nullable=False),
        sa.Column("file", sa.String(400), nullable=False),
    )
    for column in ("child_id", "episode_id", "plan_version_id"):
        op.create_index(f"ix_family_group_conference_{column}", "family_group_conference",
                        [column])
    with op.batch_alter_table("plan_version") as batch:
        for name in PLAN:
            batch.add_column(sa.Column(name, sa.String(), nullable=False, server_default=""))
    with op.batch_alter_table("episode") as batch:
        batch.add_column(sa.Column("early_review_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("early_review_asked", sa.Date(), nullable=True))
        batch.add_column(sa.Column("early_review_reason", sa.String(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    op.drop_table("disclosure")
    op.drop_table("family_group_conference")
    with op.batch_alter_table("episode") as batch:
        for name in EARLY:
            batch.drop_column(name)
    with op.batch_alter_table("plan_version") as batch:
        for name in PLAN:
            batch.drop_column(name)
