"""Visit records (WIR 2.11): the headings on `visit`, who else was present, addenda, plan
actions progressed at a visit, and drafts saved as they are typed.

Revision 0005, after 0004. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TEXTS = ("purpose", "childs_comments", "childs_welfare", "parents_comments", "health",
         "education", "care_and_support", "analysis")
# Every link column is indexed (links are checked at commit: see 0002).
INDEXES = {
    "visit_present": ["visit_id", "person_id"],
    "visit_addendum": ["visit_id", "author_id"],
    "visit_action": ["visit_id", "version_id"],
    "draft": ["child_id"],
}


def _row() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("visit") as batch:
        batch.add_column(sa.Column("author_name", sa.String(200), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=True))
        for name in TEXTS:
            batch.add_column(sa.Column(name, sa.String(), nullable=False, server_default=""))
    op.create_table(
        "visit_present", *_row(),
        _ref("visit_id", "visit", nullable=False), _ref("person_id", "person"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "visit_addendum", *_row(),
        _ref("visit_id", "visit", nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        _ref("author_id", "worker"),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
    )
    op.create_table(
        "visit_action", *_row(),
        _ref("visit_id", "visit", nullable=False),
        _ref("version_id", "plan_version", nullable=False),
        sa.Column("action_key", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "draft", *_row(),
        sa.Column("kind", sa.String(16), nullable=False),
        _ref("child_id", "child", nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("payload", sa.String(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in reversed(list(INDEXES)):
        op.drop_table(table)
    with op.batch_alter_table("visit") as batch:
        for name in ("author_name", "finalised_at", *TEXTS):
            batch.drop_column(name)
