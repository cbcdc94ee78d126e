"""The first store: people, children, episodes, consent and the audit trail.

Revision 0001, the first. Written by hand: portable across SQLite and PostgreSQL (UUIDs,
timezone-aware datetimes), no imports from cintui (models change; a revision must not).
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = "the audit trail is append-only"


def _row() -> list[sa.Column]:
    """Columns every table carries (models.Row)."""
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _date(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Date(), nullable=nullable)


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column:
    """A link checked at commit: one transaction may add a child before its team."""
    fk = sa.ForeignKey(f"{table}.id", deferrable=True, initially="DEFERRED")
    return sa.Column(name, sa.Uuid(), fk, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        _text("value"),
    )
    op.create_table("team", *_row(), _text("name", 120), _text("service", 120))
    op.create_index("ix_team_name", "team", ["name"], unique=True)
    op.create_table(
        "worker", *_row(),
        _text("username", 64), _text("name", 120), _text("role", 32),
        _ref("team_id", "team"), _text("email", 200), _flag("active"),
    )
    op.create_index("ix_worker_username", "worker", ["username"], unique=True)
    op.create_table("family", *_row(), _text("name", 200), _text("address", 400))
    op.create_table(
        "child", *_row(),
        _text("reference", 32), _text("first_name", 100), _text("last_name", 100),
        _text("known_as", 100), _date("dob"), _date("expected_dob"),
        _text("gender", 1), _text("ethnicity", 4), _text("disabilities", 100),
        _text("upn", 13), _text("upn_unknown", 3, nullable=True), _text("primary_need", 2),
        _text("level", 80), _text("service", 120),
        _ref("team_id", "team"), _ref("worker_id", "worker"), _ref("family_id", "family"),
        _text("status", 16), _date("direct_payments_started"),
        _date("last_direct_payment_review"),
    )
    op.create_index("ix_child_reference", "child", ["reference"], unique=True)
    op.create_table(
        "episode", *_row(),
        _ref("child_id", "child", nullable=False), _date("referral_date", nullable=False),
        _text("referral_source", 2), _flag("referral_nfa"), _text("primary_need", 2),
        _date("assessment_started"), _date("assessment_completed"),
        _text("assessment_factors", 300), _date("initial_home_visit"),
        _date("support_started"), _date("cin_plan_start"), _date("cin_plan_end"),
        _date("closure_decided"), _date("family_told_of_closure"),
        _date("step_down_decided"), _date("step_down_completed"), _date("moved_in"),
        _date("closure_date"), _text("closure_reason", 3, nullable=True),
    )
    op.create_table(
        "person", *_row(),
        _text("name", 200), _text("kind", 16), _text("agency", 200), _text("role", 120),
        _text("phone", 40), _text("email", 200), _text("address", 400),
        _text("interpreter_language", 80), _text("access_needs", 400),
    )
    op.create_table(
        "child_person", *_row(),
        _ref("child_id", "child", nullable=False), _ref("person_id", "person", nullable=False),
        _text("relationship", 80), _flag("parental_responsibility"),
        _flag("lives_with_child"), _text("notes"),
    )
    op.create_table(
        "consent", *_row(),
        _ref("child_id", "child", nullable=False), _ref("person_id", "person"),
        _text("scope", 24), _text("decision", 16), _date("decided_on", nullable=False),
        _text("method", 16), _text("notes"), _flag("override_without_consent"),
        _text("override_rationale"), _text("withheld_reasons"), _text("alternative_support"),
        _date("reflective_discussion_on"), _text("withheld_decision", 40),
        _text("withheld_analysis"), _ref("decided_by_id", "worker"),
    )
    op.create_table(
        "audit_log",
        # Numbered by the store itself (store.audit), never by the database.
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _text("actor", 64), _text("action", 8), _text("entity", 32), _text("entity_id", 64),
        _text("changes"), _text("prev_hash", 64), _text("hash", 64),
    )
    _make_audit_append_only()


def _make_audit_append_only() -> None:
    """Stops a bug from rewriting history; not someone holding the key (STORE_NOTES.md)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TABLE audit_log")  # its triggers go with it
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.drop_table("audit_log")  # its triggers go with it
    for table in ("consent", "child_person", "person", "episode", "child", "family",
                  "worker", "team", "store_meta"):
        op.drop_table(table)
