"""The census return per collection year (DOMAIN.md §10): the child's `sex` (M, F, U) as
the DfE collects it from 2024-25, moved from the old GenderCurrent codes (1 male → M,
2 female → F, 0 not recorded or unborn and 9 indeterminate → U; the DfE's own mapping),
and an optional `gender_identity`, recorded only where the worker records it (none is
inferred). The `cp_enquiry` table: a strategy discussion, the section 47 enquiry it led to,
its outcome, and the initial child protection conference's target and date.

Revision 0014. Written by hand: portable across SQLite and PostgreSQL, no imports from
cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"  # re-chained after 0012 (rules)
branch_labels = None
depends_on = None

SEX = {"1": "M", "2": "F", "0": "U", "9": "U"}
GENDER = {"M": "1", "F": "2", "U": "0"}


def _remap(old: str, new: str, mapping: dict[str, str], default: str) -> None:
    child = sa.table("child", sa.column(old, sa.String), sa.column(new, sa.String))
    op.execute(child.update().values({new: sa.case(
        *((child.c[old] == k, v) for k, v in mapping.items()), else_=default)}))


def upgrade() -> None:
    with op.batch_alter_table("child") as batch:
        batch.add_column(sa.Column("sex", sa.String(1), nullable=False, server_default="U"))
        batch.add_column(sa.Column("gender_identity", sa.String(100), nullable=False,
                                   server_default=""))
    _remap("gender", "sex", SEX, "U")
    with op.batch_alter_table("child") as batch:
        batch.drop_column("gender")
    op.create_table(
        "cp_enquiry",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("child_id", sa.Uuid(), sa.ForeignKey("child.id", deferrable=True,
                                                       initially="DEFERRED"), nullable=False),
        sa.Column("episode_id", sa.Uuid(), sa.ForeignKey("episode.id", deferrable=True,
                                                         initially="DEFERRED"), nullable=False),
        sa.Column("strategy_on", sa.Date(), nullable=False),
        sa.Column("strategy_outcome", sa.String(8), nullable=False),
        sa.Column("strategy_notes", sa.String(), nullable=False),
        sa.Column("s47_started", sa.Date(), nullable=True),
        sa.Column("icpc_target", sa.Date(), nullable=True),
        sa.Column("s47_outcome", sa.String(8), nullable=False),
        sa.Column("s47_concluded", sa.Date(), nullable=True),
        sa.Column("icpc_held", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_cp_enquiry_child_id", "cp_enquiry", ["child_id"])
    op.create_index("ix_cp_enquiry_episode_id", "cp_enquiry", ["episode_id"])


def downgrade() -> None:
    op.drop_table("cp_enquiry")
    with op.batch_alter_table("child") as batch:
        batch.add_column(sa.Column("gender", sa.String(1), nullable=False, server_default="0"))
    _remap("sex", "gender", GENDER, "0")
    with op.batch_alter_table("child") as batch:
        batch.drop_column("sex")
        batch.drop_column("gender_identity")
