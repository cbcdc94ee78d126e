"""A leaver's forms part typed go to the manager recording the leaving (`cintui worker
leave`): no table changes. On a team server, row security showed a new child's form to its
owner's login alone, so the manager could neither see nor take it, and a leaver's login can
no longer sign in: it was lost. `cintui db upgrade` re-applies the server's row security
after the revisions (store/server.py), which now shows a leaver's new-child forms to a
manager's login, to take.

Revision 0030, after 0029. Written by hand: portable across SQLite and PostgreSQL, no
imports from cintui (models change; a revision must not).
"""

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the tables are as they were: only the server's row security (re-applied) changed


def downgrade() -> None:
    pass
