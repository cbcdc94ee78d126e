"""A team server: a PostgreSQL store where each worker logs in as themselves (issue 18).

`init` (`cintui server init`, run by the database's owner; safe to run again, and run again
by every upgrade) makes a plain PostgreSQL store a team server and records it in
`store_meta` (`team_server` = the prefix of its group roles). From then on:

- who acted is the login (`session_user`): the app records changes under it and nothing
  else, and the server's trigger on `audit_log` refuses any other actor;
- the server repeats the app's checks, so `psql` cannot do what the app refuses:
  group roles PREFIX_worker, PREFIX_manager (a worker too), PREFIX_admin (set-up: the
  authority, teams, workers and their logins) and PREFIX_audit (reads the audit trail and
  the server's own log of changes); grants (a decision, a reallocation and a child's
  restriction are a manager's; audit entries are appended, never changed); triggers
  (an authorisation or an ending's decision is a manager's; each audit entry extends the
  chain from its newest entry, under the login); row-level security (a child restricted
  to named workers, and everything linked to it, is seen by those workers only);
- every change to a data table is also logged by the server (`data_change`: transaction,
  login, table, row, operation, time) where only the audit role and the owner can read it;
  `audit.verify` lists the changes no audit entry accounts for (made with psql).

The owner (and a superuser) are above all of this, as PostgreSQL's owners are: the README
says what that means. A plain PostgreSQL store without `init` behaves as a single-user store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cintui.store.base import SYNC_ACTOR, StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

SERVER_KEY = "team_server"  # store_meta: the group roles' prefix
GROUPS = ("worker", "manager", "admin", "audit")
# Not in the server's change log: tables with no `id` or kept by cintui itself, and drafts,
# whose autosaves are deliberately not audited (models.Draft.__audit_quiet__) and are not
# yet part of the record.
UNLOGGED = {"store_meta", "alembic_version", "audit_log", "data_change", "draft",
            "applied_request",  # a retry's record (store/requests.py): the write is logged
            "device_entry"}  # a laptop's own audit chain as it arrived (store/sync.py)
# Written by managers only (INSERT; never changed after, bar a child's restriction).
MANAGER_TABLES = {"decision": "INSERT", "reallocation": "INSERT",
                  "child_access": "INSERT, DELETE",
                  "supervision": "INSERT",  # its actions' progress: anyone (STO 4.5)
                  "erasure": "INSERT"}  # a closed record erased after its retention (0023)
# Never erased with a child's record (cintui_erase_rows refuses them).
KEPT_TABLES = ("authority", "team", "worker", "store_meta", "audit_log", "data_change",
               "erasure", "alembic_version")
# What a worker may do to a child's table, where it is less than everything (row security
# hides all of them with a restricted child):
# - written once, never changed or deleted: a Signs of Safety statement (a rewritten one is
#   a new row that replaces it) or scaling (STO 6.3), a Graded Care Profile 2 and the needs
#   it is attached to (STO 4.3, 7.1), a review of a short break or direct payment (WAR
#   7.2.1: the review history is the record that it was reviewed);
# - ended, never deleted: a short break or a direct payment.
APPEND_ONLY = "SELECT, INSERT"
WORKER_TABLES = {"safety_statement": APPEND_ONLY, "safety_scaling": APPEND_ONLY,
                 "gcp2_assessment": APPEND_ONLY, "gcp2_need": APPEND_ONLY,
                 "support_review": APPEND_ONLY,
                 "short_break": "SELECT, INSERT, UPDATE",
                 "direct_payment": "SELECT, INSERT, UPDATE"}
# Set-up: the admin role writes them; workers read.
ADMIN_TABLES = ("authority", "team", "worker", "store_meta")
# Episode columns only a manager sets (TRA: the line manager authorises the assessment and
# the CIN plan; closure and step-down are decided by a manager).
EPISODE_AUTHORISED = ("assessment_completed", "assessment_authorised_by", "assessment_factors",
                      "cin_plan_start", "cin_plan_authorised_by", "closure_decided",
                      "step_down_decided")
ENDING_DECIDED = ("decided_on", "decided_by", "dispute_outcome",
                  "escalated_to_service_manager_on")
# Linked to a child through another table: (table, the column, the table it points to).
INDIRECT = (("visit_present", "visit_id", "visit"), ("visit_addendum", "visit_id", "visit"),
            ("visit_action", "visit_id", "visit"), ("meeting_invitee", "meeting_id", "meeting"),
            ("meeting_distribution", "meeting_id", "meeting"),
            ("plan_service", "version_id", "plan_version"),
            ("plan_action", "version_id", "plan_version"))
MAX_LOGIN = 63  # PostgreSQL's NAMEDATALEN - 1


@dataclass(frozen=True)
class ServerInfo:
    prefix: str  # the group roles are PREFIX_worker, PREFIX_manager, ...
    login: str  # session_user

    def group(self, name: str) -> str:
        return f"{self.prefix}_{name}"


class ServerError(StoreError):
    """A team-server step that cannot be done, worded for the person doing it."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def info(conn: Connection) -> ServerInfo | None:
    """The team server's prefix and the login, or None for any other store."""
    if conn.dialect.name != "postgresql":
        return None
    row = conn.exec_driver_sql(
        "SELECT value, session_user FROM store_meta WHERE key = %(k)s", {"k": SERVER_KEY}
    ).first()
    return ServerInfo(row[0], row[1]) if row else None


def _runner(conn: Connection):
    """`exec_driver_sql` for statements without parameters (their % signs are literal)."""
    def run(sql: str, params: dict | None = None):
        if params is None:
            return conn.exec_driver_sql(sql.replace("%", "%%"))
        return conn.exec_driver_sql(sql, params)
    return run


def _prefix(database: str) -> str:
    return (re.sub(r"[^a-z0-9_]", "_", database.lower()).strip("_") or "cintui")[:40]


def _data_tables(conn: Connection) -> list[str]:
    from sqlmodel import SQLModel

    import cintui.store.models  # noqa: F401 - the tables

    present = set(conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").scalars())
    return sorted(t for t in SQLModel.metadata.tables if t in present)


def _child_tables(conn: Connection) -> list[str]:
    return list(conn.exec_driver_sql(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND column_name = 'child_id' ORDER BY table_name").scalars())


# ------------------------------------------------------------------ init


def init(conn: Connection) -> ServerInfo:
    """Make this PostgreSQL store a team server (idempotent). Run by the database owner,
    who needs CREATEROLE (or is a superuser), inside the caller's transaction."""
    if conn.dialect.name != "postgresql":
        raise ServerError("a team server is a PostgreSQL store: set CINTUI_DATABASE_URL to a "
                          "postgresql:// URL (a store file is one person's)")
    me, database, owner, can_create = conn.exec_driver_sql(
        "SELECT session_user, current_database(), pg_get_userbyid(d.datdba), "
        "r.rolcreaterole OR r.rolsuper FROM pg_database d, pg_roles r "
        "WHERE d.datname = current_database() AND r.rolname = session_user").one()
    superuser = conn.exec_driver_sql(
        "SELECT rolsuper FROM pg_roles WHERE rolname = session_user").scalar()
    if me != owner and not superuser:
        raise ServerError(f"the database {database} belongs to {owner}: run `cintui server "
                          f"init` as {owner} (you are {me})")
    if not can_create:
        raise ServerError(f"{me} may not create roles: ALTER ROLE {_q(me)} CREATEROLE "
                          "(as a superuser), then run `cintui server init` again")
    existing = conn.exec_driver_sql(
        "SELECT value FROM store_meta WHERE key = %(k)s", {"k": SERVER_KEY}).scalar()
    prefix = existing or _prefix(database)
    server = ServerInfo(prefix, me)
    ex = _runner(conn)
    roles = set(ex("SELECT rolname FROM pg_roles").scalars())
    for group in GROUPS:
        if server.group(group) not in roles:
            ex(f"CREATE ROLE {_q(server.group(group))} NOLOGIN")
    worker, manager, admin, audit = (_q(server.group(g)) for g in GROUPS)
    ex(f"GRANT {worker} TO {manager}")
    ex(f"GRANT {worker} TO {admin}")
    ex(f"REVOKE ALL ON DATABASE {_q(database)} FROM PUBLIC")
    ex(f"GRANT CONNECT, TEMPORARY ON DATABASE {_q(database)} TO {worker}, {audit}")
    ex("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    ex(f"GRANT USAGE ON SCHEMA public TO {worker}, {audit}")
    _change_log(conn, server)
    _grants(conn, server)
    _functions(conn, server)
    _triggers(conn, server)
    _row_security(conn, server)
    if existing is None:
        ex("INSERT INTO store_meta (key, value) VALUES (%(k)s, %(v)s)",
           {"k": SERVER_KEY, "v": prefix})
    return server


def _change_log(conn: Connection, server: ServerInfo) -> None:
    ex = _runner(conn)
    ex("CREATE TABLE IF NOT EXISTS data_change (id bigserial PRIMARY KEY, "
       "txid bigint NOT NULL, login text NOT NULL, tbl text NOT NULL, row_id text NOT NULL, "
       "op text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())")
    ex("CREATE INDEX IF NOT EXISTS ix_data_change_txid ON data_change (txid)")
    ex("REVOKE ALL ON data_change FROM PUBLIC")
    ex("REVOKE ALL ON SEQUENCE data_change_id_seq FROM PUBLIC")
    ex(f"GRANT SELECT ON data_change TO {_q(server.group('audit'))}")
    # One INSERT ... SELECT per statement (transition tables), as the owner: a worker's
    # login cannot write, read or skip it.
    for op, rows in (("insert", "new_rows"), ("update", "new_rows"), ("delete", "old_rows")):
        ex(f"""CREATE OR REPLACE FUNCTION cintui_log_{op}() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          INSERT INTO data_change (txid, login, tbl, row_id, op)
          SELECT txid_current(), session_user, TG_TABLE_NAME, replace(r.id::text, '-', ''),
                 '{op}' FROM {rows} r;
          RETURN NULL;
        END $$""")
        ex(f"REVOKE ALL ON FUNCTION cintui_log_{op}() FROM PUBLIC")
    for table in _data_tables(conn):
        for op, ref in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")):
            ex(f"DROP TRIGGER IF EXISTS cintui_log_{op} ON {_q(table)}")
            if table in UNLOGGED:
                continue
            ex(f"CREATE TRIGGER cintui_log_{op} AFTER {op.upper()} ON {_q(table)} "
               f"REFERENCING {ref} TABLE AS {'new_rows' if ref == 'NEW' else 'old_rows'} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION cintui_log_{op}()")


def _grants(conn: Connection, server: ServerInfo) -> None:
    ex = _runner(conn)
    worker, manager, admin, audit = (_q(server.group(g)) for g in GROUPS)
    for table in _data_tables(conn):
        t = _q(table)
        ex(f"REVOKE ALL ON {t} FROM PUBLIC, {worker}, {manager}, {admin}, {audit}")
        ex(f"GRANT SELECT ON {t} TO {audit}")
        if table in ("audit_log", "device_entry"):
            ex(f"GRANT INSERT ON {t} TO {worker}")  # no SELECT: children's data, all of it
        elif table == "sync_device":  # a laptop's own row (row security: its login's)
            ex(f"GRANT SELECT, INSERT, UPDATE ON {t} TO {worker}")
        elif table in ADMIN_TABLES:
            ex(f"GRANT SELECT ON {t} TO {worker}")
            ex(f"GRANT INSERT, UPDATE, DELETE ON {t} TO {admin}")
        elif table in MANAGER_TABLES:
            ex(f"GRANT SELECT ON {t} TO {worker}")
            ex(f"GRANT {MANAGER_TABLES[table]} ON {t} TO {manager}")
        else:
            ex(f"GRANT {WORKER_TABLES.get(table, 'SELECT, INSERT, UPDATE, DELETE')} ON {t} "
               f"TO {worker}")
    ex("REVOKE ALL ON alembic_version FROM PUBLIC")
    ex(f"GRANT SELECT ON alembic_version TO {worker}, {audit}")  # the revision, on opening
    # Case references are drawn from a sequence (migration 0015): `child add` by a worker.
    if conn.exec_driver_sql("SELECT to_regclass('cin_reference')").scalar() is not None:
        ex("REVOKE ALL ON SEQUENCE cin_reference FROM PUBLIC")
        ex(f"GRANT USAGE ON SEQUENCE cin_reference TO {worker}")


def _functions(conn: Connection, server: ServerInfo) -> None:
    ex = _runner(conn)
    worker, admin = _q(server.group("worker")), _q(server.group("admin"))
    ex(audit_head_sql())
    ex("REVOKE ALL ON FUNCTION cintui_audit_head() FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION cintui_audit_head() TO {worker}")
    # Is session_user a manager here? (a function: the triggers and policies ask it)
    ex(f"""CREATE OR REPLACE FUNCTION cintui_is_manager() RETURNS boolean LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT pg_has_role(session_user, {_lit(server.group('manager'))}, 'MEMBER')
            OR session_user = (SELECT pg_get_userbyid(datdba) FROM pg_database
                               WHERE datname = current_database())
            OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) $$""")
    # The children hidden from session_user: restricted to named workers, not them.
    # PL/pgSQL, not SQL: its plans are cached (an SQL function's are made on every call,
    # and row security calls it once per statement).
    ex("""CREATE OR REPLACE FUNCTION cintui_hidden_children() RETURNS uuid[]
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE hidden uuid[];
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM child_access) THEN RETURN '{}'; END IF;
          SELECT coalesce(array_agg(DISTINCT a.child_id), '{}') INTO hidden FROM child_access a
          WHERE NOT EXISTS (SELECT 1 FROM child_access b JOIN worker w ON w.id = b.worker_id
                            WHERE b.child_id = a.child_id AND w.username = session_user);
          RETURN hidden;
        END $$""")
    ex("""CREATE OR REPLACE FUNCTION cintui_hidden_ids(tbl text) RETURNS uuid[]
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE hidden uuid[] := cintui_hidden_children(); found uuid[];
        BEGIN
          IF cardinality(hidden) = 0 THEN RETURN '{}'; END IF;
          EXECUTE format('SELECT coalesce(array_agg(id), ''{}'') FROM %I '
                         'WHERE child_id = ANY($1)', tbl) INTO found USING hidden;
          RETURN found;
        END $$""")
    # The people and households known only through hidden children: a sibling's mother
    # stays visible while one of her children is (row security asks once per statement).
    ex("""CREATE OR REPLACE FUNCTION cintui_hidden_people() RETURNS uuid[]
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE hidden uuid[] := cintui_hidden_children(); found uuid[];
        BEGIN
          IF cardinality(hidden) = 0 THEN RETURN '{}'; END IF;
          SELECT coalesce(array_agg(DISTINCT a.person_id), '{}') INTO found
          FROM child_person a WHERE a.child_id = ANY(hidden)
            AND NOT EXISTS (SELECT 1 FROM child_person b WHERE b.person_id = a.person_id
                            AND b.child_id <> ALL(hidden));
          RETURN found;
        END $$""")
    ex("""CREATE OR REPLACE FUNCTION cintui_hidden_families() RETURNS uuid[]
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE hidden uuid[] := cintui_hidden_children(); found uuid[];
        BEGIN
          IF cardinality(hidden) = 0 THEN RETURN '{}'; END IF;
          SELECT coalesce(array_agg(DISTINCT a.family_id), '{}') INTO found
          FROM child a WHERE a.id = ANY(hidden) AND a.family_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM child b WHERE b.family_id = a.family_id
                            AND b.id <> ALL(hidden));
          RETURN found;
        END $$""")
    # A new child's reference must not be one a restricted child already has.
    ex("""CREATE OR REPLACE FUNCTION cintui_reference_taken(ref text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT EXISTS (SELECT 1 FROM child WHERE reference = ref) $$""")
    _erasing(conn, server)
    _leavers_forms(conn, server)
    _conflict_changes(conn, server)
    _arrivals(conn, server)
    for fn in ("cintui_is_manager()", "cintui_hidden_children()", "cintui_hidden_ids(text)",
               "cintui_hidden_people()", "cintui_hidden_families()",
               "cintui_reference_taken(text)"):
        ex(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        ex(f"GRANT EXECUTE ON FUNCTION {fn} TO {worker}")
    # Logins: made by the owner, for the admin role (who need no CREATEROLE themselves).
    # The password arrives as a SCRAM verifier, hashed by the client: never in clear here.
    ex(f"""CREATE OR REPLACE FUNCTION cintui_login(username text, verifier text,
            is_manager boolean, can_login boolean) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = username) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', username);
          ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = username) THEN
            RAISE EXCEPTION 'cintui: % is a superuser: not a worker''s login', username;
          END IF;
          EXECUTE format('ALTER ROLE %I %s', username,
                         CASE WHEN can_login THEN 'LOGIN' ELSE 'NOLOGIN' END);
          IF verifier IS NOT NULL THEN
            EXECUTE format('ALTER ROLE %I PASSWORD %L', username, verifier);
          END IF;
          EXECUTE format('GRANT %I TO %I', {_lit(server.group('worker'))}, username);
          IF is_manager THEN
            EXECUTE format('GRANT %I TO %I', {_lit(server.group('manager'))}, username);
          ELSE
            EXECUTE format('REVOKE %I FROM %I', {_lit(server.group('manager'))}, username);
          END IF;
        END $$""")
    ex("REVOKE ALL ON FUNCTION cintui_login(text, text, boolean, boolean) FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION cintui_login(text, text, boolean, boolean) TO {admin}")


def _erasing(conn: Connection, server: ServerInfo) -> None:
    """Erasing a closed record after its retention (issue 24), a manager's decision: its rows
    go (from tables a manager may otherwise only add to) and the recorded values of the audit
    entries about them are blanked, their hashes kept (store/audit.py: ERASED). Each is for a
    manager's login only; `audit.verify` accepts a blanked entry only when an erasure entry
    names it, and the server's log of changes shows every row deleted."""
    ex = _runner(conn)
    manager = _q(server.group("manager"))
    refuse = ("IF NOT cintui_is_manager() THEN RAISE EXCEPTION 'cintui: erasing a record needs "
              "a manager''s login; % is not a manager here', session_user USING ERRCODE = "
              "'insufficient_privilege'; END IF;")
    kept = ", ".join(_lit(t) for t in KEPT_TABLES)
    ex(f"""CREATE OR REPLACE FUNCTION cintui_blank_entries(ids text[], marker text)
        RETURNS TABLE (seq integer, hash varchar) LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, public AS $$
        BEGIN
          {refuse}
          RETURN QUERY UPDATE audit_log a SET changes = marker
            WHERE a.entity_id = ANY(ids) AND a.changes <> marker RETURNING a.seq, a.hash;
        END $$""")
    ex(f"""CREATE OR REPLACE FUNCTION cintui_erase_rows(tbl text, ids uuid[]) RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE n integer;
        BEGIN
          {refuse}
          IF tbl IN ({kept}) THEN
            RAISE EXCEPTION 'cintui: % is not erased with a record', tbl
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          EXECUTE format('DELETE FROM %I WHERE id = ANY($1)', tbl) USING ids;
          GET DIAGNOSTICS n = ROW_COUNT;
          RETURN n;
        END $$""")
    for fn in ("cintui_blank_entries(text[], text)", "cintui_erase_rows(text, uuid[])"):
        ex(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        ex(f"GRANT EXECUTE ON FUNCTION {fn} TO {manager}")


def audit_head_sql() -> str:
    """The chain's newest entry, for logins that may append to the trail but not read it."""
    return """CREATE OR REPLACE FUNCTION cintui_audit_head() RETURNS TABLE (seq integer,
        hash varchar) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$ SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1 $$"""


def _triggers(conn: Connection, server: ServerInfo) -> None:
    ex = _runner(conn)
    # Each entry: under the login, extending the chain from its newest entry, stamped
    # with its transaction (for verify's match against data_change).
    ex("""CREATE OR REPLACE FUNCTION cintui_audit_append() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE last_seq integer; last_hash varchar;
        BEGIN
          IF NEW.actor IS DISTINCT FROM session_user::text THEN
            RAISE EXCEPTION 'cintui: an audit entry by % must be written by % itself (logged in as %)',
              NEW.actor, NEW.actor, session_user USING ERRCODE = 'insufficient_privilege';
          END IF;
          -- The newest entry by the primary key, backwards: one index probe whatever the plan.
          SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
          IF NOT coalesce((last_seq IS NULL AND NEW.seq = 1 AND NEW.prev_hash = repeat('0', 64))
                          OR (NEW.seq = last_seq + 1 AND NEW.prev_hash = last_hash), false) THEN
            RAISE EXCEPTION 'cintui: audit entry % does not extend the trail from its newest entry',
              NEW.seq USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          NEW.txid := txid_current();
          RETURN NEW;
        END $$""")
    ex("DROP TRIGGER IF EXISTS cintui_audit_append ON audit_log")
    ex("CREATE TRIGGER cintui_audit_append BEFORE INSERT ON audit_log FOR EACH ROW "
       "EXECUTE FUNCTION cintui_audit_append()")
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in EPISODE_AUTHORISED)
    given = " OR ".join(f"(NEW.{c} IS NOT NULL AND NEW.{c}::text <> '')"
                        for c in EPISODE_AUTHORISED)
    ex(f"""CREATE OR REPLACE FUNCTION cintui_episode_authorised() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
        BEGIN
          IF ((TG_OP = 'INSERT' AND ({given})) OR (TG_OP = 'UPDATE' AND ({changed})))
             AND NOT cintui_is_manager() THEN
            RAISE EXCEPTION 'cintui: authorising (an assessment, a CIN plan, a closure or a '
              'step-down) needs a manager''s login; % is not a manager here', session_user
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        END $$""")
    ex("DROP TRIGGER IF EXISTS cintui_episode_authorised ON episode")
    ex("CREATE TRIGGER cintui_episode_authorised BEFORE INSERT OR UPDATE ON episode "
       "FOR EACH ROW EXECUTE FUNCTION cintui_episode_authorised()")
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ENDING_DECIDED)
    ex(f"""CREATE OR REPLACE FUNCTION cintui_ending_decided() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
        BEGIN
          IF (NEW.status IN ('approved', 'declined')
                AND (TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status)
              OR (TG_OP = 'INSERT' AND NEW.decided_on IS NOT NULL)
              OR (TG_OP = 'UPDATE' AND ({changed})))
             AND NOT cintui_is_manager() THEN
            RAISE EXCEPTION 'cintui: deciding a closure, step-down or transfer needs a '
              'manager''s login; % is not a manager here', session_user
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        END $$""")
    ex("DROP TRIGGER IF EXISTS cintui_ending_decided ON ending")
    ex("CREATE TRIGGER cintui_ending_decided BEFORE INSERT OR UPDATE ON ending "
       "FOR EACH ROW EXECUTE FUNCTION cintui_ending_decided()")
    _meeting_booker(conn)


# Who booked a meeting (`meeting.booked_by`, revision 0033) is the login that booked it, by
# its worker's name as `cases.author` writes it (else the login itself): a booking in a
# colleague's name, with psql, a doctored client or a laptop's push, is refused, and who
# booked it is never changed after. A meeting a transfer pack carried (held or cancelled at
# the other authority, of no episode here, for a child who moved in) keeps its booker
# there. The owner (and a superuser) are above it, as they are above every check here.
MEETING_BOOKER = """CREATE OR REPLACE FUNCTION cintui_meeting_booked_by() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE mine text;
    BEGIN
      IF session_user = (SELECT pg_get_userbyid(datdba) FROM pg_database
                         WHERE datname = current_database())
         OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' THEN
        IF NEW.booked_by IS DISTINCT FROM OLD.booked_by THEN
          RAISE EXCEPTION 'cintui: who booked a meeting is kept as it was booked (%), not '
            'changed after', coalesce(nullif(OLD.booked_by, ''), 'not recorded')
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END IF;
      mine := left(coalesce((SELECT name FROM worker WHERE username = session_user::text
                             LIMIT 1), session_user::text), 200);
      IF NEW.booked_by = '' OR NEW.booked_by = mine
         OR (NEW.episode_id IS NULL AND NEW.status <> 'scheduled'
             AND EXISTS (SELECT 1 FROM episode e WHERE e.child_id = NEW.child_id
                         AND e.moved_in IS NOT NULL)) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'cintui: a meeting is booked by the login booking it: % is logged in '
        'as %, not as %', mine, session_user, NEW.booked_by
        USING ERRCODE = 'insufficient_privilege';
    END $$"""


def _meeting_booker(conn: Connection) -> None:
    ex = _runner(conn)
    if not conn.exec_driver_sql(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'meeting' "
            "AND column_name = 'booked_by' AND table_schema = current_schema()").first():
        return  # a store before revision 0033: its upgrade runs `init` again
    ex(MEETING_BOOKER)
    ex("REVOKE ALL ON FUNCTION cintui_meeting_booked_by() FROM PUBLIC")
    ex("DROP TRIGGER IF EXISTS cintui_meeting_booked_by ON meeting")
    ex("CREATE TRIGGER cintui_meeting_booked_by BEFORE INSERT OR UPDATE ON meeting "
       "FOR EACH ROW EXECUTE FUNCTION cintui_meeting_booked_by()")


def _row_security(conn: Connection, server: ServerInfo) -> None:
    ex = _runner(conn)
    audit = _q(server.group("audit"))
    # A scalar subquery (an InitPlan): the hidden ids are worked out once per query.
    children = "coalesce((SELECT cintui_hidden_children()), '{}')"
    hidden = {"child": f"id <> ALL ({children})"}
    for table in _child_tables(conn):
        hidden[table] = f"child_id <> ALL ({children})"
    hidden["person"] = "id <> ALL (coalesce((SELECT cintui_hidden_people()), '{}'))"
    hidden["family"] = "id <> ALL (coalesce((SELECT cintui_hidden_families()), '{}'))"
    for table, column, parent in INDIRECT:
        hidden[table] = f"{column} <> ALL (coalesce((SELECT cintui_hidden_ids('{parent}')), '{{}}'))"
    # A request's record (revision 0022) holds what the command printed, children's names
    # among it: each worker sees only their own.
    if conn.exec_driver_sql("SELECT to_regclass('applied_request')").scalar() is not None:
        hidden["applied_request"] = "actor = session_user::text"
    if "sync_conflict" in hidden:  # one about a team or a worker names no child
        hidden["sync_conflict"] = f"child_id IS NULL OR {hidden['sync_conflict']}"
    # A draft of a child not yet on the record (revision 0029) is its owner's alone.
    hidden["draft"] = ("CASE WHEN child_id IS NULL THEN owner = session_user::text "
                       f"ELSE {hidden['draft']} END")
    for table, visible in hidden.items():
        t = _q(table)
        ex(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        ex(f"DROP POLICY IF EXISTS cintui_visible ON {t}")
        ex(f"CREATE POLICY cintui_visible ON {t} USING ({visible}) WITH CHECK ({visible})")
        ex(f"DROP POLICY IF EXISTS cintui_audit_reads ON {t}")
        ex(f"CREATE POLICY cintui_audit_reads ON {t} FOR SELECT TO {audit} USING (true)")
    _device_security(conn, audit)


def _leavers_forms(conn: Connection, server: ServerInfo) -> None:
    """A worker's forms part typed when they leave go to an active worker, their team's
    manager (`worker leave`, revision 0030): row security shows a new child's form to its
    owner's login alone, and a leaver's login no longer signs in, so the login recording
    the leaving (a manager, or set-up's admin role) hands them over through this. It
    returns what each was (never what was typed); the caller audits each change."""
    ex = _runner(conn)
    admin = _lit(server.group("admin"))
    ex(f"""CREATE OR REPLACE FUNCTION cintui_hand_over_forms(leaver text, heir text)
        RETURNS TABLE (id uuid, child_id uuid, form text, started timestamptz)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
          IF NOT (cintui_is_manager() OR pg_has_role(session_user, {admin}, 'MEMBER')) THEN
            RAISE EXCEPTION 'cintui: handing a leaver''s forms over needs a manager''s or '
              'the admin role''s login; % is neither here', session_user
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          IF NOT EXISTS (SELECT 1 FROM worker w WHERE w.username = leaver AND NOT w.active)
             OR NOT EXISTS (SELECT 1 FROM worker w WHERE w.username = heir AND w.active) THEN
            RAISE EXCEPTION 'cintui: forms are handed from a worker who has left to one who '
              'has not' USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN QUERY UPDATE draft d SET owner = heir, updated_at = now()
            WHERE d.owner = leaver AND d.kind = 'form'
            RETURNING d.id, d.child_id, d.payload::json->>'form', d.created_at;
        END $$""")
    ex("REVOKE ALL ON FUNCTION cintui_hand_over_forms(text, text) FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION cintui_hand_over_forms(text, text) TO "
       f"{_q(server.group('worker'))}, {_q(server.group('admin'))}")


def _conflict_changes(conn: Connection, server: ServerInfo) -> None:
    """Who last changed the server's copy of a record in conflict, and when (revision 0031):
    a worker choosing between their laptop's version and the server's needs to know whose
    the server's is, and their login cannot read the audit trail (it holds every child's
    data). The push (store/sync.py) asks this for the conflicts it has just made, under the
    worker's login, and keeps the answer on the conflict, which the laptop pulls.

    It answers only for conflicts of session_user's own laptops (not revoked), about a
    child they may see, and a record they may see where it is still there (its table's row
    security, `cintui_visible`, asked of the row): never about anything else. The answer is
    the record's newest audit entry that touched the conflict's field (for a whole record,
    any entry: a deletion too); a change made outside cintui has no entry and is not
    named here (`cintui audit verify` lists it)."""
    ex = _runner(conn)
    ex("""CREATE OR REPLACE FUNCTION cintui_conflict_changes(ids uuid[])
        RETURNS TABLE (id uuid, login text, at timestamptz)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE c record; rule text; seen boolean; entry record;
                hidden uuid[] := cintui_hidden_children();
        BEGIN
          FOR c IN SELECT s.id, s.entity, s.entity_id, s.field FROM sync_conflict s
                   JOIN sync_device d ON d.device = s.device
                   WHERE s.id = ANY(ids) AND d.login = session_user::text
                     AND d.revoked_at IS NULL
                     AND (s.child_id IS NULL OR s.child_id <> ALL(hidden)) LOOP
            CONTINUE WHEN c.entity_id !~ '^[0-9a-f]{32}$'
              OR to_regclass(format('public.%I', c.entity)) IS NULL;
            seen := NULL;
            SELECT p.qual INTO rule FROM pg_policies p WHERE p.schemaname = 'public'
              AND p.tablename = c.entity AND p.policyname = 'cintui_visible';
            IF rule IS NOT NULL THEN  -- the login's row security, asked of the row
              EXECUTE format('SELECT bool_and(%s) FROM %I WHERE id = $1', rule, c.entity)
                INTO seen USING c.entity_id::uuid;
              CONTINUE WHEN seen IS FALSE;
            END IF;
            SELECT a.actor, a.at, a.changes INTO entry FROM audit_log a
              WHERE a.entity = c.entity AND a.entity_id = c.entity_id
                AND (c.field = '' OR CASE WHEN left(a.changes, 1) = '{'
                                          THEN a.changes::jsonb ? c.field ELSE false END)
              ORDER BY a.seq DESC LIMIT 1;
            CONTINUE WHEN NOT FOUND;
            -- A record no longer there: not one of a child hidden from the login.
            IF seen IS NULL AND rule IS NOT NULL AND left(entry.changes, 1) = '{' THEN
              CONTINUE WHEN (entry.changes::jsonb -> 'child_id' ->> 0) ~ '^[0-9a-f-]{32,36}$'
                AND (entry.changes::jsonb -> 'child_id' ->> 0)::uuid = ANY(hidden);
            END IF;
            id := c.id; login := entry.actor; at := entry.at;
            RETURN NEXT;
          END LOOP;
        END $$""")
    ex("REVOKE ALL ON FUNCTION cintui_conflict_changes(uuid[]) FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION cintui_conflict_changes(uuid[]) TO "
       f"{_q(server.group('worker'))}")


def _arrivals(conn: Connection, server: ServerInfo) -> None:
    """When records reached the server from a laptop (`arrived_at` in `device_entry` of the
    entries that brought it, not another laptop's `sync` copy: `store.kept.arrival`), for
    the manager's waiting list (casework/team.py, store/kept.py): a decision saved before a
    laptop's casework arrived did not see it (BEX 4). The arrival is the server's clock, set
    by a trigger whatever the push gave (a laptop's clock a day behind would put its
    casework before a decision it followed); the laptop's own time stays in `at`. The logins
    may not read `device_entry` (it holds every child's data); this answers only a time,
    for records of a kind kept after a closure, from the entries that brought them as they
    stand (`store.kept.brought`), and only for a record the login may see: one still there
    whose child is not hidden from session_user (its table's row security, `cintui_visible`:
    a child restricted to named workers), as the login's own read of the table would show
    it. Any other id, of a hidden child's record or of none, gets no answer alike. It runs
    as the owner (who is above row security), so it asks the rule itself."""
    from cintui.store.kept import arrival, held_sql

    ex = _runner(conn)
    if conn.exec_driver_sql("SELECT to_regclass('device_entry')").scalar() is not None:
        # The worker's login inserts (its only grant) and cannot skip a trigger (not the
        # owner; session_replication_role needs a superuser).
        ex("""CREATE OR REPLACE FUNCTION cintui_arrival() RETURNS trigger LANGUAGE plpgsql
            SET search_path = pg_catalog, public AS $$
            BEGIN
              NEW.arrived_at := CASE WHEN TG_OP = 'UPDATE' THEN OLD.arrived_at
                                     ELSE clock_timestamp() END;
              RETURN NEW;
            END $$""")
        ex("REVOKE ALL ON FUNCTION cintui_arrival() FROM PUBLIC")
        ex("DROP TRIGGER IF EXISTS cintui_arrival ON device_entry")
        ex("CREATE TRIGGER cintui_arrival BEFORE INSERT OR UPDATE ON device_entry "
           "FOR EACH ROW EXECUTE FUNCTION cintui_arrival()")
    # `jit = off` in each of these (and `cintui_seen`): their queries take thousands of ids,
    # which the planner costs as thousands of index probes, enough to compile them (JIT, ~2
    # s on a service's waiting list) for work of a few milliseconds.
    ex(f"""CREATE OR REPLACE FUNCTION cintui_arrived(ids text[])
        RETURNS TABLE (entity_id text, arrived_at timestamptz)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        SET jit = off AS $$
        DECLARE hidden uuid[] := coalesce(cintui_hidden_children(), '{{}}');
        BEGIN
          RETURN QUERY {arrival("= ANY(ids)", _seen)};
        END $$""")
    # A decision a manager's laptop made offline answers what that laptop held then, in the
    # order of its own chain (`store.kept.offline`, BEX 4): the same entries, the same rule.
    ex(f"""CREATE OR REPLACE FUNCTION cintui_held(decisions text[], records text[])
        RETURNS TABLE (decision_id text, entity_id text)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        SET jit = off AS $$
        DECLARE hidden uuid[] := coalesce(cintui_hidden_children(), '{{}}');
        BEGIN
          RETURN QUERY {held_sql("= ANY(decisions)", "= ANY(records)", _seen)};
        END $$""")
    for fn in ("cintui_arrived(text[])", "cintui_held(text[], text[])"):
        ex(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        ex(f"GRANT EXECUTE ON FUNCTION {fn} TO {_q(server.group('worker'))}")
    _seen_order(conn, server)


def _seen_order(conn: Connection, server: ServerInfo) -> None:
    """Whether a manager's decision had seen a record (BEX 4), by the server's transactions,
    not by anyone's clock (`store.kept.seen`): a record counts as seen by a decision only if
    the transactions that brought it had committed when the decision was saved. Kept beside
    the data, where only the owner and the audit role read them, each written by a trigger
    or a function the logins cannot bypass:

    - `entry_arrival`: the transaction each laptop entry (`device_entry`) arrived in;
    - `decision_snapshot`: what had committed when each decision was saved on the server
      (its `pg_current_snapshot()`): a transaction visible in it had committed by then, one
      still in flight (a laptop's push not yet committed) had not, whatever the clocks say;
    - `device_pull`: what had committed when a laptop last pulled from the server
      (`store.sync.run`), after its chain up to `seq` had arrived: a decision that laptop
      then made offline saw no later change another laptop brought, nor one made on the
      server itself (its audit entry's transaction, `audit_log.txid`);
    - `seen_order`: that these are this database's history, not a dump's (`relid`).

    `cintui_seen` answers, for decisions and records, whether each decision saw each record,
    to a login only for records and decisions it may see (as `cintui_arrived`)."""
    from cintui.store.kept import brought

    ex = _runner(conn)
    audit = _q(server.group("audit"))
    for table, columns in (
            ("entry_arrival", "device text NOT NULL, seq bigint NOT NULL, xact xid8 NOT NULL, "
                              "PRIMARY KEY (device, seq)"),
            ("decision_snapshot", "id uuid PRIMARY KEY, snapshot pg_snapshot NOT NULL"),
            ("device_pull", "device text NOT NULL, seq bigint NOT NULL, "
                            "snapshot pg_snapshot NOT NULL, PRIMARY KEY (device, seq)")):
        ex(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        ex(f"REVOKE ALL ON {table} FROM PUBLIC")
        ex(f"GRANT SELECT ON {table} TO {audit}")
    # Whether a change on the server was a laptop's push (`cintui_seen`: one probe each).
    ex("CREATE INDEX IF NOT EXISTS ix_entry_arrival_xact ON entry_arrival (xact)")
    # Transaction ids are this database's own history: restored from a dump (pg_restore,
    # into this cluster or another, whose counter may be behind), what was kept is not
    # comparable with what comes after. The table's own id, kept in it, tells: a restore
    # makes the table anew under another id. Until `cintui server init` runs again after
    # one, `cintui_seen` goes by the times; init then starts the order afresh.
    ex("CREATE TABLE IF NOT EXISTS seen_order (relid oid NOT NULL)")
    ex("REVOKE ALL ON seen_order FROM PUBLIC")
    ex(f"GRANT SELECT ON seen_order TO {audit}")
    if not ex("SELECT 1 FROM seen_order WHERE relid = 'seen_order'::regclass").first():
        ex("TRUNCATE entry_arrival, decision_snapshot, device_pull, seen_order")
        ex("INSERT INTO seen_order (relid) VALUES ('seen_order'::regclass)")
    # A record made on the server itself: the transaction that inserted it (data_change).
    ex("CREATE INDEX IF NOT EXISTS ix_data_change_row ON data_change (row_id)")
    for table, into, value in (("device_entry", "entry_arrival (device, seq, xact)",
                                "n.device, n.seq, pg_current_xact_id()"),
                               ("decision", "decision_snapshot (id, snapshot)",
                                "n.id, pg_current_snapshot()")):
        if conn.exec_driver_sql(f"SELECT to_regclass('{table}')").scalar() is None:
            continue
        ex(f"""CREATE OR REPLACE FUNCTION cintui_{table}_order() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            BEGIN
              INSERT INTO {into} SELECT {value} FROM new_rows n ON CONFLICT DO NOTHING;
              RETURN NULL;
            END $$""")
        ex(f"REVOKE ALL ON FUNCTION cintui_{table}_order() FROM PUBLIC")
        ex(f"DROP TRIGGER IF EXISTS cintui_order ON {table}")
        ex(f"CREATE TRIGGER cintui_order AFTER INSERT ON {table} REFERENCING NEW TABLE AS "
           f"new_rows FOR EACH STATEMENT EXECUTE FUNCTION cintui_{table}_order()")
    # A laptop's pull, told by its own login after the laptop took it; never a snapshot
    # later than the server's own (what it claims to hold, it can only have had).
    ex("""CREATE OR REPLACE FUNCTION cintui_pulled(dev text, upto bigint, snap text)
        RETURNS void LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, public AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM sync_device d WHERE d.device = dev
                         AND d.login = session_user::text AND d.revoked_at IS NULL)
             OR pg_snapshot_xmax(snap::pg_snapshot) > pg_snapshot_xmax(pg_current_snapshot())
          THEN
            RETURN;
          END IF;
          INSERT INTO device_pull (device, seq, snapshot) VALUES (dev, upto, snap::pg_snapshot)
            ON CONFLICT (device, seq) DO UPDATE SET snapshot = EXCLUDED.snapshot;
        END $$""")
    ex(f"""CREATE OR REPLACE FUNCTION cintui_seen(decisions text[], records text[])
        RETURNS TABLE (decision_id text, entity_id text, seen boolean)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        SET jit = off AS $$
        DECLARE hidden uuid[] := coalesce(cintui_hidden_children(), '{{}}');
          ours boolean := EXISTS (SELECT 1 FROM seen_order
                                  WHERE relid = 'seen_order'::regclass);
        BEGIN
          RETURN QUERY {_seen_sql(brought)};
        END $$""")
    for fn in ("cintui_pulled(text, bigint, text)", "cintui_seen(text[], text[])"):
        ex(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        ex(f"GRANT EXECUTE ON FUNCTION {fn} TO {_q(server.group('worker'))}")


def _seen_sql(brought) -> str:
    """`cintui_seen`'s query: for each pair of a decision and a record (`decisions[i]`,
    `records[i]`: ids as `device_entry` holds them; one child's, so as many pairs as the
    list needs, never every decision against every record) the login may see, whether the
    decision saw the record:

    - one a manager's laptop made offline (its own chain's insert): the laptop held the
      record then (its chain brought it before the decision, as `store.kept.held_sql`),
      and no change brought it since that the laptop had not: one of its own made after
      the decision, another laptop's, or one made on the server itself, that had not
      committed when it last pulled;
    - one saved on the server: every change that brought the record had committed when it
      was saved: each laptop entry (`store.kept.arrival`) and each change made on the
      server itself; a record made on the server itself, its insert too;
    - one saved before `cintui server init` ran again (no snapshot): its own time against
      the record's arrival, as before; no arrival either: no answer (its time stands).

    A change made on the server itself is its audit entry there (`audit_log`, stamped with
    its transaction by the server's trigger) that brought the record as it stands (`brought`:
    a meeting recorded held online, a visit's day moved), unless its transaction was a
    laptop's push (`entry_arrival`: that laptop's own entries judge it). An entry that
    arrived before that init (no transaction kept) had committed before any snapshot kept
    since. Restored from a dump (`ours` false until init runs again): no snapshot is taken
    as kept, so all goes by the times, as before."""
    entries = (f"SELECT e.entity_id AS rid, e.device, e.seq, e.arrived_at, a.xact "
               f"FROM device_entry e LEFT JOIN entry_arrival a "
               f"ON a.device = e.device AND a.seq = e.seq "
               f"WHERE e.entity_id = ANY(records) AND e.actor <> '{SYNC_ACTOR}' "
               f"AND {brought('e')} AND ({_seen('e')})")
    # The server's own changes that a decision had not seen (not committed when it was
    # saved, or when its laptop last pulled): no device, no arrival (`brought` in `f` is a
    # laptop's). One every decision saw answers nothing (most of them, long committed): the
    # pushes and row security are asked of the others only.
    online = ("SELECT DISTINCT o.entity_id AS rid, NULL::text AS device, NULL::bigint AS seq, "
              "NULL::timestamptz AS arrived_at, o.xact FROM o "
              "JOIN p ON p.rid = o.entity_id JOIN d ON d.did = p.did "
              "WHERE NOT coalesce(pg_visible_in_snapshot(o.xact, CASE WHEN d.device IS NULL "
              "THEN d.snap ELSE d.pulled END), true) "
              "AND NOT EXISTS (SELECT 1 FROM entry_arrival x WHERE x.xact = o.xact) "
              f"AND ({_seen('o')})")
    made_here = ("SELECT k.entity_id AS rid, k.txid::text::xid8 AS xact FROM ("
                 "SELECT tbl AS entity, row_id AS entity_id, txid FROM data_change "
                 "WHERE op = 'insert' AND row_id = ANY(records)) AS k "
                 f"WHERE ({_seen('k')})")
    return f"""
        WITH p AS MATERIALIZED (SELECT * FROM unnest(decisions, records) AS q (did, rid)),
        l AS MATERIALIZED (  -- a decision made on a laptop: its own insert in its chain
          SELECT DISTINCT ON (e.entity_id) e.entity_id AS did, e.device, e.seq
          FROM device_entry e WHERE e.entity = 'decision' AND e.action = 'insert'
            AND e.actor <> '{SYNC_ACTOR}' AND e.entity_id = ANY(decisions)
          ORDER BY e.entity_id, e.seq),
        d AS MATERIALIZED (
          SELECT m.did, x.created_at AS at, CASE WHEN ours THEN s.snapshot END AS snap,
                 l.device, l.seq,
                 (SELECT y.snapshot FROM device_pull y WHERE ours AND y.device = l.device
                  AND y.seq < l.seq ORDER BY y.seq DESC LIMIT 1) AS pulled
          FROM (SELECT DISTINCT p.did FROM p) AS m
          JOIN decision x ON x.id = CASE WHEN m.did ~ '^[0-9a-f]{{32}}$' THEN m.did::uuid END
          LEFT JOIN decision_snapshot s ON s.id = x.id
          LEFT JOIN l ON l.did = m.did
          WHERE x.child_id <> ALL (hidden)),
        h AS MATERIALIZED (  -- when each such laptop's chain first brought each record
          SELECT e.device, e.entity_id AS rid, min(e.seq) AS first FROM device_entry e
          WHERE e.entity_id = ANY(records) AND e.device IN (SELECT l.device FROM l)
            AND {brought('e')} GROUP BY e.device, e.entity_id),
        o AS MATERIALIZED (  -- the server's audit entries that brought each record
          SELECT a.entity, a.entity_id, a.txid::text::xid8 AS xact FROM audit_log a
          WHERE a.entity_id = ANY(records) AND a.txid IS NOT NULL AND {brought('a')}),
        -- What brought each record: each laptop's entry, and each change made on the server.
        b AS MATERIALIZED ({entries} UNION ALL {online}),
        c AS MATERIALIZED ({made_here}),
        -- Each pair beside each entry of its record (one join, not a scan per pair).
        f AS (
          SELECT p.did, p.rid, d.device IS NOT NULL AS laptop, d.snap IS NOT NULL AS snapped,
                 d.at, b.device IS NOT NULL AS brought, c.rid IS NOT NULL AS here,
                 b.rid IS NOT NULL AND b.device IS NULL AS online,
                 h.first < d.seq AS held,
                 CASE WHEN b.device = d.device THEN b.seq > d.seq
                      ELSE NOT coalesce(pg_visible_in_snapshot(b.xact, d.pulled), true)
                 END AS after,
                 coalesce(pg_visible_in_snapshot(b.xact, d.snap), true) AS committed,
                 pg_visible_in_snapshot(c.xact, d.snap) AS inserted, b.arrived_at
          FROM p JOIN d ON d.did = p.did
          LEFT JOIN h ON h.device = d.device AND h.rid = p.rid
          LEFT JOIN b ON b.rid = p.rid
          LEFT JOIN c ON c.rid = p.rid)
        SELECT f.did, CAST(f.rid AS text), CASE
          WHEN f.laptop THEN coalesce(bool_or(f.held), false)
                             AND NOT coalesce(bool_or(f.after), false)
          WHEN f.snapped THEN bool_and(f.committed)
                              AND (bool_or(f.brought) OR coalesce(bool_and(f.inserted), true))
          ELSE CASE WHEN bool_or(f.brought) THEN f.at >= max(f.arrived_at) END
        END
        FROM f GROUP BY f.did, f.rid, f.laptop, f.snapped, f.at
        HAVING bool_or(f.brought) OR bool_or(f.here) OR bool_or(f.online)"""


def _seen(e: str) -> str:
    """SQL, inside a function that has `hidden` (cintui_hidden_children()): whether the record
    a `device_entry` (alias `e`) is about is one session_user may see: still there, in its
    table (a decision, or a kind kept after a closure), its child not hidden, as that table's
    row security (`cintui_visible`) has it. The id is 32 hex digits as `device_entry` holds
    it; CASE: never cast before the test."""
    from cintui.store.kept import SOURCES

    return " OR ".join(
        f"({e}.entity = '{t}' AND EXISTS (SELECT 1 FROM {_q(t)} x WHERE x.id = "
        f"CASE WHEN {e}.entity_id ~ '^[0-9a-f]{{32}}$' THEN {e}.entity_id::uuid END "
        f"AND x.child_id <> ALL (hidden)))" for t in ("decision", *(s.table for s in SOURCES)))


def _device_security(conn: Connection, audit: str) -> None:
    """A laptop's row and chain (store/sync.py) are its own login's: a worker registers and
    syncs their own laptops only, and a revoked laptop (lost) can no longer sync: its row is
    hidden from its login, so neither its chain nor its changes are taken. A manager sees
    every laptop and revokes one; the audit role reads them all."""
    if conn.exec_driver_sql("SELECT to_regclass('sync_device')").scalar() is None:
        return
    ex = _runner(conn)
    mine = "login = session_user::text AND revoked_at IS NULL"
    ex("ALTER TABLE sync_device ENABLE ROW LEVEL SECURITY")
    for name, rule in (
            ("cintui_visible", f"FOR ALL USING ({mine}) WITH CHECK ({mine})"),
            ("cintui_manager_reads", "FOR SELECT USING (cintui_is_manager())"),
            ("cintui_manager_revokes", "FOR UPDATE USING (cintui_is_manager()) "
                                       "WITH CHECK (cintui_is_manager())"),
            ("cintui_audit_reads", f"FOR SELECT TO {audit} USING (true)")):
        ex(f"DROP POLICY IF EXISTS {name} ON sync_device")
        ex(f"CREATE POLICY {name} ON sync_device {rule}")
    ex("ALTER TABLE device_entry ENABLE ROW LEVEL SECURITY")
    for name, rule in (
            ("cintui_visible", "FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM sync_device d "
                               "WHERE d.device = device_entry.device "
                               "AND d.login = session_user::text AND d.revoked_at IS NULL))"),
            ("cintui_audit_reads", f"FOR SELECT TO {audit} USING (true)")):
        ex(f"DROP POLICY IF EXISTS {name} ON device_entry")
        ex(f"CREATE POLICY {name} ON device_entry {rule}")


# ------------------------------------------------------------------ logins


def check_login_name(username: str) -> None:
    if len(username.encode()) > MAX_LOGIN:
        raise ServerError(f"{username}: a login on the server is {MAX_LOGIN} characters at most")


def password_verifier(conn: Connection, username: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of `password`, hashed here (libpq's PQencryptPasswordConn):
    the password itself never reaches the server, its logs or its statistics."""
    pgconn = conn.connection.driver_connection.pgconn
    return pgconn.encrypt_password(password.encode(), username.encode(),
                                   b"scram-sha-256").decode()


def set_login(conn: Connection, username: str, *, password: str | None, manager: bool,
              can_login: bool = True) -> None:
    """Create (or update) the worker's login role: a member of PREFIX_worker, and of
    PREFIX_manager when `manager`; a password only when given (else the DBA sets it)."""
    from sqlalchemy.exc import DBAPIError

    check_login_name(username)
    verifier = password_verifier(conn, username, password) if password else None
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(
                "SELECT cintui_login(%(u)s, %(v)s, %(m)s, %(l)s)",
                {"u": username, "v": verifier, "m": manager, "l": can_login})
    except DBAPIError as exc:
        if "permission denied for function cintui_login" in str(exc):
            me = conn.exec_driver_sql("SELECT session_user").scalar_one()
            raise ServerError(f"the login {username} is made and its password changed by the "
                              f"database's owner or a login with the admin role; {me} has "
                              "neither (the owner runs `cintui server grant USERNAME "
                              "admin`)") from None
        raise ServerError(f"the login {username} could not be set up: "
                          f"{first_line(exc)}") from None


def grant(conn: Connection, server: ServerInfo, username: str, group: str,
          revoke: bool = False) -> None:
    """Give (or take) the admin or audit role to a worker's login (the owner does this)."""
    if group not in ("admin", "audit"):
        raise ServerError(f"{group!r}: choose admin or audit")
    if not conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(u)s",
                                {"u": username}).first():
        raise ServerError(f"no login called {username} on this server")
    verb = "REVOKE {g} FROM {u}" if revoke else "GRANT {g} TO {u}"
    conn.exec_driver_sql(verb.format(g=_q(server.group(group)), u=_q(username)))


def first_line(exc: Any) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line.removeprefix("cintui: ")


def describe(conn: Connection, server: ServerInfo) -> dict[str, Any]:
    """The server's groups and who is in each (for `cintui server info`)."""
    members: dict[str, list[str]] = {}
    for group in GROUPS:
        members[group] = sorted(conn.exec_driver_sql(
            "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = %(g)s "
            "AND m.rolname NOT LIKE %(p)s",
            {"g": server.group(group), "p": server.prefix + "\\_%"}).scalars())
    return {"prefix": server.prefix, "login": server.login,
            "groups": {server.group(g): members[g] for g in GROUPS}}
