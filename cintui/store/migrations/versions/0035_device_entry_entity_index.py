"""An index on the laptops' entries by the record they are about (`device_entry.entity_id`),
for the manager's waiting list on a team server (BEX 4): what a decision saw, when a record
arrived and what a laptop held (`cintui_seen`, `cintui_arrived`, `cintui_held`, store/server.py)
each look a child's records up among every laptop's entries. Without it each read every
entry and matched it against thousands of ids (a service's 5,000 records kept after a
closure against 65,000 entries: seconds, not milliseconds).

Revision 0035, after 0034. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_device_entry_entity_id", "device_entry", ["entity_id"])


def downgrade() -> None:
    op.drop_index("ix_device_entry_entity_id", table_name="device_entry")
