"""Indexes the caseload reads from (issue 21): each replaces a one-column index on the same
leading column with one that also holds the columns the caseload's queries read, so those
queries never open the wide rows (a visit's recorded headings, a plan's texts). On an
encrypted store every page opened is decrypted, and on the 5,000-child demo the everyone view
read 30,000 needs and 20,000 visits of text to count ratings and dates.

The leading column is the old index's, so lookups by it and the links checked at commit
(see 0002) are served as before.

Revision 0026, after 0025. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# table -> (old one-column index's column, new index name, its columns)
INDEXES = {
    # _VISITS: the seen visits per child, and the last one seen alone in person (WIR 2.11)
    "visit": ("child_id", "ix_visit_seen",
              ["child_id", "status", "child_seen", "seen_alone", "kind", "visited_at"]),
    # _MEETINGS: the held meetings and their dates
    "meeting": ("child_id", "ix_meeting_held",
                ["child_id", "held", "kind", "held_on", "next_review", "minutes_circulated",
                 "plan_circulated"]),
    # _PLANS and _EPISODES: the plan in force (newest agreed, else newest draft)
    "plan_version": ("child_id", "ix_plan_version_in_force",
                     ["child_id", "status", "number", "id"]),
    # _PLANS: the R/A/G counts of a version's needs
    "plan_need": ("version_id", "ix_plan_need_rag", ["version_id", "rag", "id"]),
    # _PLANS: whether each Amber or Red need has an action with an owner and a date (WIR 2.3)
    "plan_action": ("need_id", "ix_plan_action_owner", ["need_id", "who", "by_when"]),
}


def upgrade() -> None:
    for table, (column, name, columns) in INDEXES.items():
        op.create_index(name, table, columns)
        op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade() -> None:
    for table, (column, name, _) in INDEXES.items():
        op.create_index(f"ix_{table}_{column}", table, [column])
        op.drop_index(name, table_name=table)
