"""The case's steps (DOMAIN.md §11; WAR 4.4, TRA, WIR 1.1): on the episode, how the
referral came (route, the early help plan's date) and the decision on it (what, when, by
whom); the assessment record under its headings (JSON), the factors chosen, the level of
need and the outcome, the worker's completion and the line manager's authorisation; who
authorised the CIN plan. Two tables: the child's circumstances as dated facts (WAR 2.2.2),
and direct payment reviews (WAR 7.2.1).

Revision 0010, after 0009. Written by hand: portable across SQLite and PostgreSQL, no imports from
cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TEXT = {  # name: length (None: unbounded), all NOT NULL with a default for existing rows
    "referral_route": 24, "referral_decision": 24, "referral_decided_by": 200,
    "factors_chosen": 300, "assessment_level": 80, "assessment_outcome": 16,
    "assessment_authorised_by": 200, "cin_plan_authorised_by": 200,
}
DATES = ("early_help_plan_on", "referral_decided_on", "assessment_submitted")


def _row() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("child_id", sa.Uuid(),
                  sa.ForeignKey("child.id", deferrable=True, initially="DEFERRED"),
                  nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("episode") as batch:
        for name, length in TEXT.items():
            batch.add_column(sa.Column(name, sa.String(length), nullable=False,
                                       server_default=""))
        batch.add_column(sa.Column("assessment_record", sa.String(), nullable=False,
                                   server_default="{}"))
        for name in DATES:
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))
    op.create_table(
        "circumstance", *_row(),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("value", sa.String(24), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "direct_payment_review", *_row(),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewed_by", sa.String(200), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
    )
    for table in ("circumstance", "direct_payment_review"):
        op.create_index(f"ix_{table}_child_id", table, ["child_id"])


def downgrade() -> None:
    op.drop_table("direct_payment_review")
    op.drop_table("circumstance")
    with op.batch_alter_table("episode") as batch:
        for name in (*TEXT, "assessment_record", *DATES):
            batch.drop_column(name)
