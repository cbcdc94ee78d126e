"""A team server with real logins (issue 18): who acts is who logged in, and the server
repeats the app's checks, so a worker's own login cannot do with psql what cintui refuses.

Each test has its own database (`pg_url`) and its own logins: roles are cluster-wide and
the suite's processes share one cluster, so every username ends in this test's own suffix,
and the roles are dropped at the end. Workers connect with psycopg, as psql would.
"""

from __future__ import annotations

import contextlib
import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from cintui.store.models import Child
from tests.store.teams import PASSWORD, Team, _ok


def _child_id(team: Team) -> str:
    with team.psql(team.worker) as conn:
        return str(conn.execute("SELECT id FROM child WHERE reference = %s",
                                (team.child,)).fetchone()[0])


# ------------------------------------------------------------------ the server's own checks


def test_a_workers_login_cannot_record_a_managers_decision_with_psql(team):
    """BEX 4, TRA: a decision and an authorisation are a manager's; the server says so too."""
    child_id = _child_id(team)
    with team.psql(team.worker) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO decision (id, created_at, updated_at, child_id, kind, made_on, "
                "made_by, made_by_role, decision, rationale) VALUES (gen_random_uuid(), now(), "
                "now(), %s, 'closure', current_date, 'Tom Hale', 'Team manager', 'Close', "
                "'Needs met')", (child_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="manager"):
            conn.execute("UPDATE episode SET assessment_completed = current_date, "
                         "assessment_authorised_by = 'Tom Hale' WHERE child_id = %s",
                         (child_id,))
        # What a worker may do, they still can.
        conn.execute("UPDATE episode SET assessment_started = current_date WHERE child_id = %s",
                     (child_id,))
    with team.psql(team.manager) as conn:
        conn.execute("UPDATE episode SET assessment_authorised_by = 'Tom Hale' "
                     "WHERE child_id = %s", (child_id,))


def test_a_workers_login_can_only_append_its_own_audit_entries(team):
    with team.psql(team.worker) as conn:
        for statement in ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log",
                          "SELECT count(*) FROM audit_log", "TRUNCATE audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        seq, head = conn.execute("SELECT seq, hash FROM cintui_audit_head()").fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be written by"):
            conn.execute(
                "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, changes, "
                "prev_hash, hash) VALUES (%s, now(), %s, 'update', 'child', 'x', '{}', %s, "
                "repeat('1', 64))", (seq + 1, team.manager, head))
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="extend"):
            conn.execute(
                "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, changes, "
                "prev_hash, hash) VALUES (%s, now(), %s, 'update', 'child', 'x', '{}', %s, "
                "repeat('1', 64))", (seq + 5, team.worker, head))


def test_a_restricted_child_is_seen_only_by_the_workers_named(team, cli, monkeypatch):
    """Restricted to named workers (set by a manager): the others cannot read the child, nor
    anything on their record, even with psql; the CLI finds no such child for them."""
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    _ok(cli("person", "add", team.child, "--name", "Rhian Quill", "--relationship", "mother",
            "--pr"))
    _ok(cli("child", "restrict", team.child, "--to", team.worker))
    child_id = _child_id(team)
    with team.psql(team.other) as conn:
        # Nor the people known only through the child.
        assert conn.execute("SELECT count(*) FROM person WHERE name = 'Rhian Quill'"
                            ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM child WHERE reference = %s",
                            (team.child,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM episode WHERE child_id = %s",
                            (child_id,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM child_access").fetchone()[0] == 0
        assert conn.execute("UPDATE child SET first_name = 'X' WHERE id = %s",
                            (child_id,)).rowcount == 0
    with team.psql(team.worker) as conn:
        assert conn.execute("SELECT first_name FROM child WHERE id = %s",
                            (child_id,)).fetchone()[0] == "Nell"
        assert conn.execute("SELECT count(*) FROM person WHERE name = 'Rhian Quill'"
                            ).fetchone()[0] == 1
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.other))
    shown = cli("child", "show", team.child)
    assert shown.code == 2 and team.child in shown.err and "Nell" not in shown.out
    # A new child gets a reference of its own, though this login cannot see the first.
    added = cli("child", "add", "--first-name", "Ola", "--last-name", "Quill", "--dob",
                "2019-01-01", "--referral-date", "2026-11-02")
    assert added.code == 0 and "CIN000002" in added.out, added
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    refused = cli("child", "restrict", team.child, "--clear")
    assert refused.code == 2 and "needs a team manager" in refused.err
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    _ok(cli("child", "restrict", team.child, "--clear"))
    with team.psql(team.other) as conn:
        assert conn.execute("SELECT count(*) FROM child WHERE id = %s",
                            (child_id,)).fetchone()[0] == 1


# ------------------------------------------------------------------ the app as a login


def test_the_cli_as_a_workers_login_refuses_a_managers_step_in_one_line(team, cli, monkeypatch):
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    import json

    info = json.loads(cli("db", "info", "--json").out)
    assert (info["team_server"], info["login"]) == (make_url(team.owner_url).database,
                                                    team.worker)
    steps = [
        ("child", "reallocate", team.child, "--to", team.other, "--today", "2026-11-23"),
        ("child", "reallocate", team.child, "--to", team.other, "--by", team.manager,
         "--today", "2026-11-23"),
        ("decision", "add", team.child, "--kind", "case_direction", "--decision", "Carry on",
         "--rationale", "Going well", "--today", "2026-11-23"),
    ]
    expected = ["reallocating a child needs a team manager or service manager; "
                f"{team.worker} is a social worker",
                f"on the team server you act as yourself: you are logged in as {team.worker}, "
                f"not {team.manager}",
                "recording a decision needs a team manager or service manager"]
    for args, words in zip(steps, expected, strict=True):
        result = cli(*args)
        assert result.code == 2, result
        assert words in result.err and result.err.count("\n") == 1, result.err
    # The same from a real process, as a worker would type it.
    from tests.conftest import run_subprocess

    done = run_subprocess("decision", "add", team.child, "--kind", "closure", "--decision",
                          "Close", "--rationale", "Needs met", "--by", team.manager)
    assert done.returncode == 2 and done.stderr == (
        f"cintui: --by: on the team server you act as yourself: you are logged in as "
        f"{team.worker}, not {team.manager}\n")
    monkeypatch.setenv("CINTUI_USER", team.manager)
    result = cli("child", "reallocate", team.child, "--to", team.other)
    assert result.code == 2
    assert result.err == (f"cintui: you are logged in to the team server as {team.worker}, "
                          f"not {team.manager}: cintui records what you do as {team.worker} "
                          "(unset CINTUI_USER)\n")
    # The manager's own login takes the step.
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    _ok(cli("child", "reallocate", team.child, "--to", team.other, "--reason", "Leaving",
            "--today", "2026-11-23"))


def test_supervision_overdue_answers_for_the_logins_team_as_a_write_acts_as_it(
        team, cli, monkeypatch):
    """STO 4.5, 8.5: on a team server who acts is the login, for a command that only reads
    too. `supervision overdue` (your team) answered for the worker last chosen in the app,
    else the computer's login: "give --team: root is in no team on this store" to the team's
    manager logged in. Now it is the login's team; CINTUI_USER naming anyone else is refused
    as a write refuses it, where it answered for them."""
    from tests.conftest import run_subprocess

    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    result = cli("supervision", "overdue", "--today", "2026-11-23")
    assert result.code == 0 and result.out.startswith("South: "), result
    done = run_subprocess("supervision", "overdue", "--json", "--today", "2026-11-23")
    assert done.returncode == 0 and '"team": "South"' in done.stdout, done.stderr
    monkeypatch.setenv("CINTUI_USER", team.other)
    result = cli("supervision", "overdue", "--today", "2026-11-23")
    assert (result.code, result.err) == (
        2, f"cintui: you are logged in to the team server as {team.manager}, not "
           f"{team.other}: cintui records what you do as {team.manager} (unset CINTUI_USER)\n")


def test_a_worker_who_leaves_can_no_longer_log_in(team, cli, monkeypatch):
    _ok(cli("worker", "leave", team.other, "--today", "2026-11-23"))
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        team.psql(team.other).close()


# ------------------------------------------------------------------ the audit trail


def test_verify_names_a_change_made_with_psql_and_nothing_the_app_did(team, cli, monkeypatch):
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    _ok(cli("person", "add", team.child, "--name", "Rosa Quill", "--relationship", "Mother"))
    _ok(cli("referral", "record", team.child, "--decision", "assessment", "--decided-on",
            "2026-11-03", "--by", team.worker, "--source", "police", "--today", "2026-11-23"))
    _ok(cli("assessment", "start", team.child, "--on", "2026-11-05", "--today", "2026-11-23"))
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    _ok(cli("decision", "add", team.child, "--kind", "case_direction", "--decision",
            "Assess", "--rationale", "Police concern", "--on", "2026-11-05",
            "--today", "2026-11-23"))
    _ok(cli("child", "reallocate", team.child, "--to", team.other, "--reason", "Caseload",
            "--today", "2026-11-23"))
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    clean = cli("audit", "verify")
    assert clean.code == 0, clean.out
    with team.psql(team.worker) as conn:
        conn.execute("UPDATE child SET first_name = 'Nelly' WHERE reference = %s", (team.child,))
    report = cli("audit", "verify")
    assert report.code == 1
    assert (f"child {team.child} updated outside cintui by {team.worker} at "
            in report.out), report.out
    assert report.out.count("outside cintui by") == 1
    # A worker's login may not read the trail to check it.
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    refused = cli("audit", "verify")
    assert refused.code == 2 and "audit role" in refused.err


def test_a_plain_postgresql_store_stays_a_single_user_store(pg_url, cli, monkeypatch):
    """Without `server init`, CINTUI_USER is who acts, as on a laptop."""
    monkeypatch.setenv("CINTUI_DATABASE_URL", pg_url)
    monkeypatch.setenv("CINTUI_USER", "anyone.at.all")
    _ok(cli("db", "init"))  # a server keeps its own files: no passphrase asked
    _ok(cli("team", "add", "North"))
    with psycopg.connect(make_url(pg_url).set(drivername="postgresql")
                         .render_as_string(hide_password=False)) as conn:
        actors = {r[0] for r in conn.execute("SELECT actor FROM audit_log")}
    assert actors == {"anyone.at.all"}
    assert cli("audit", "verify").code == 0


def test_an_owner_who_is_not_a_superuser_sets_up_a_team_server(pg_url, cli, monkeypatch,
                                                               tmp_path):
    """As the README says: a database owned by a CREATEROLE login, not a superuser."""
    suffix = uuid.uuid4().hex[:8]
    owner, worker = f"owner_{suffix}", f"amira.{suffix}"
    url = make_url(pg_url)
    database = url.database
    admin = dict(host=url.host, port=url.port, dbname=database, user=url.username,
                 password=url.password, autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f"CREATE ROLE \"{owner}\" LOGIN CREATEROLE PASSWORD '{PASSWORD}'")
        conn.execute(f'ALTER DATABASE "{database}" OWNER TO "{owner}"')
    as_owner = url.set(username=owner, password=PASSWORD).render_as_string(hide_password=False)
    as_worker = url.set(username=worker, password=PASSWORD).render_as_string(hide_password=False)
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD)
    try:
        monkeypatch.setenv("CINTUI_DATABASE_URL", as_owner)
        monkeypatch.delenv("CINTUI_USER", raising=False)
        _ok(cli("db", "init"))
        _ok(cli("server", "init"))
        _ok(cli("worker", "add", worker, "--name", "Amira Ashdown", "--role", "social worker",
                "--password-file", password_file))
        monkeypatch.setenv("CINTUI_DATABASE_URL", as_worker)
        _ok(cli("child", "add", "--first-name", "Nell", "--last-name", "Quill", "--dob",
                "2018-04-01", "--referral-date", "2026-11-02", "--worker", worker))
        monkeypatch.setenv("CINTUI_DATABASE_URL", as_owner)
        verified = cli("audit", "verify")
        assert verified.code == 0, verified.out
        with psycopg.connect(**admin) as conn:
            # `db init` records the store's policy before there is a team server: as the
            # person who ran it, like any single-user store; every later entry is a login.
            actors = {r[0] for r in conn.execute(
                "SELECT DISTINCT actor FROM audit_log WHERE entity <> 'store_meta'")}
        assert actors == {owner, worker}
    finally:
        groups = [f"{database}_{g}" for g in ("worker", "manager", "admin", "audit")]
        with contextlib.suppress(psycopg.Error), psycopg.connect(**admin) as conn:
            conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")
            conn.execute(f'ALTER DATABASE "{database}" OWNER TO "{url.username}"')
            roles = [worker, *groups, owner]
            conn.execute("REASSIGN OWNED BY " + ", ".join(f'"{r}"' for r in roles)
                         + f' TO "{url.username}"')
            conn.execute("DROP OWNED BY " + ", ".join(f'"{r}"' for r in roles))
            for role in roles:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_on_a_team_server_the_entry_this_computer_saw_must_still_be_in_the_trail(
        team, cli, monkeypatch):
    """Others write too: the newest entry noted here need not be the trail's newest (no
    "cintui probably stopped" note), but it must still be there, unchanged."""
    from cintui.store import audit, chain
    from cintui.store.engine import open_url

    store = open_url(team.owner_url)
    try:
        with store.engine.connect() as conn:
            seq, digest = conn.exec_driver_sql(
                "SELECT seq, hash FROM audit_log ORDER BY seq LIMIT 1 OFFSET 2").one()
        heads = chain.heads_path()
        heads.unlink()
        chain.record_head(store.store_id, seq, digest)  # what this laptop last saw
        report = audit.verify(store)
        assert report.ok and report.problem == "", report
        heads.unlink()
        chain.record_head(store.store_id, seq, "f" * 64)
        report = audit.verify(store)
        assert not report.ok and "rewritten" in report.problem
    finally:
        store.close()


def test_server_init_is_the_owners_and_a_servers(team, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    refused = cli("server", "init")
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert f"run `cintui server init` as {make_url(team.owner_url).username}" in refused.err
    monkeypatch.delenv("CINTUI_DATABASE_URL")
    assert cli("db", "init", "--db", tmp_path / "laptop.db", "--no-encrypt").code == 0
    refused = cli("server", "init", "--db", tmp_path / "laptop.db")
    assert refused.code == 2 and "a team server is a PostgreSQL store" in refused.err


def test_a_login_given_the_admin_role_adds_workers_and_their_logins(team, cli, monkeypatch,
                                                                    tmp_path):
    newcomer = f"cara.{team.suffix}"
    password_file = tmp_path / "cara.pw"
    password_file.write_text(PASSWORD + "\n")
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    args = ("worker", "add", newcomer, "--name", "Cara Dean", "--role", "social worker",
            "--password-file", password_file)
    refused = cli(*args)
    assert refused.code == 2 and "the team server refused this" in refused.err
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    _ok(cli("server", "grant", team.manager, "admin"))
    assert team.manager in cli("server", "info").out
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    try:
        _ok(cli(*args))
        with team.psql(newcomer) as conn:
            assert conn.execute("SELECT session_user").fetchone()[0] == newcomer
    finally:
        url = make_url(team.owner_url)
        with contextlib.suppress(psycopg.Error), psycopg.connect(
                host=url.host, port=url.port, dbname=url.database, user=url.username,
                password=url.password, autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{newcomer}"')
            conn.execute(f'DROP ROLE IF EXISTS "{newcomer}"')


def test_a_case_from_referral_to_closure_by_each_login_leaves_nothing_unaudited(
        team, cli, monkeypatch, tmp_path):
    """The case journey of tests/cli/test_case_journey.py, each step by the login that takes
    it (the worker's, the manager's): every change the server logged has its audit entry."""
    from tests.cli.test_case_journey import ASSESSMENT

    monkeypatch.delenv("CINTUI_USER", raising=False)
    ref = team.child

    def as_(login: str, day: str, *args) -> None:
        monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(login))
        result = cli(*args, "--today", day)
        assert result.code == 0, (args, result.err)

    w, m = team.worker, team.manager
    as_(m, "2026-11-03", "referral", "record", ref, "--source", "police", "--decision",
        "assessment", "--by", m)
    as_(w, "2026-11-04", "assessment", "start", ref)
    as_(w, "2026-11-05", "support", "home-visit", ref)
    record = tmp_path / "assessment.md"
    record.write_text(ASSESSMENT, encoding="utf-8")
    as_(w, "2026-11-09", "assessment", "record", ref, "--file", record)
    as_(w, "2026-11-09", "assessment", "factors", ref, "--factor", "neglect")
    as_(w, "2026-11-09", "assessment", "outcome", ref, "cin-plan")
    as_(w, "2026-11-10", "assessment", "complete", ref)
    as_(m, "2026-11-11", "assessment", "authorise", ref)
    as_(w, "2026-11-11", "person", "add", ref, "--name", "Layla Quill", "--relationship",
        "Mother", "--pr", "--lives-with")
    as_(w, "2026-11-11", "child", "consent", ref, "--person", "Layla", "--decision", "given")
    as_(w, "2026-11-11", "child", "consent", ref, "--person", "Layla", "--decision", "given",
        "--scope", "meeting")  # WIR 2.1, 2.3: none booked without it
    as_(m, "2026-11-12", "plan", "start", ref, "--authorised-by", m)
    as_(w, "2026-11-13", "support", "start", ref)
    as_(w, "2026-11-16", "visit", "record", ref, "--at", "2026-11-13 16:30", "--purpose",
        "Meet Nell at home", "--analysis", "Seen alone; room fine.")
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(w))
    import json

    booked = json.loads(cli("meeting", "schedule", ref, "--kind", "initial", "--at",
                            "2026-11-18 16:00", "--venue", "Family home", "--chair", "Tom Hale",
                            "--chair-role", "Team manager", "--today", "2026-11-16",
                            "--json").out)
    as_(w, "2026-11-19", "meeting", "hold", booked["id"], "--present", "Layla Quill",
        "--still-in-need", "no", "--recommendation", "close")
    as_(w, "2026-11-19", "close", "recommend", ref, "--summary", "Needs met.")
    as_(m, "2026-11-20", "close", "decide", ref, "--approve", "--rationale", "Change held")
    as_(w, "2026-11-20", "close", "told", ref)  # BEX 3: the family told
    as_(w, "2026-11-23", "close", "complete", ref, "--reason", "RC7", "--unmet-need", "no")
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    report = cli("audit", "verify")
    assert report.code == 0, report.out
    with team.psql(team.worker) as conn:  # the worker's own connection, as psql
        assert conn.execute("SELECT status FROM child WHERE reference = %s",
                            (ref,)).fetchone()[0] == "closed"


def test_a_workers_role_moves_their_login_in_and_out_of_the_managers(team, cli):
    manager_group = f"{make_url(team.owner_url).database}_manager"

    def is_manager(login: str) -> bool:
        with team.psql(login) as conn:
            return conn.execute("SELECT pg_has_role(session_user, %s, 'MEMBER')",
                                (manager_group,)).fetchone()[0]

    assert not is_manager(team.other)
    _ok(cli("worker", "edit", team.other, "--role", "service manager"))
    assert is_manager(team.other)
    _ok(cli("worker", "edit", team.other, "--role", "social worker"))
    assert not is_manager(team.other)


def test_a_leavers_forms_part_typed_go_to_the_manager_recording_it_on_a_team_server(
        team, cli, monkeypatch):
    """Nothing typed is lost when a worker leaves: the new child's details Amira had half
    typed (hers alone by row security) and a need of Nell's become her team manager's when
    set-up's admin (Ben, not a manager) records the leaving, and come back in Tom's
    new-child and need forms. Before, no login but Amira's, now NOLOGIN, could even see the
    first (revision 0030). Ben sees none of them."""
    from cintui.casework import drafts
    from cintui.store.engine import open_store

    values = {"first_name": "Ola", "last_name": "Quill", "dob": "01/01/2019"}
    store = open_store(team.url(team.worker), None)
    try:
        with store.session(store.server.login) as session:
            drafts.keep_form(session, None, team.worker, "ChildFormScreen", values, None)
            child_id = session.exec(select(Child.id).where(Child.reference == team.child)).one()
            drafts.keep_form(session, child_id, team.worker, "NeedFormScreen:new",
                             {"title": "Sleep"}, None)
    finally:
        store.close()
    _ok(cli("server", "grant", team.other, "admin"))  # as the owner
    monkeypatch.delenv("CINTUI_USER", raising=False)
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    _ok(cli("child", "reallocate", team.child, "--to", team.other, "--today", "2026-11-23"))
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.other))
    left = cli("worker", "leave", team.worker, "--today", "2026-11-23")
    _ok(left)
    assert f"2 forms they had part typed now belong to Tom Hale ({team.manager});" in left.out
    assert "new child's details, started" in left.out
    assert f"need for Nell Quill ({team.child}), started" in left.out
    store = open_store(team.url(team.manager), None)
    try:
        with store.read() as session:
            kept = drafts.kept_form(session, None, team.manager, "ChildFormScreen")
            need = drafts.kept_form(session, child_id, team.manager, "NeedFormScreen:new")
        assert kept is not None and kept.payload["values"] == values
        assert need is not None and need.payload["values"] == {"title": "Sleep"}
    finally:
        store.close()
    with team.psql(team.other) as conn:  # Tom's alone now
        assert conn.execute("SELECT count(*) FROM draft WHERE child_id IS NULL"
                            ).fetchone()[0] == 0
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    verified = cli("audit", "verify")  # each change audited: none made "outside cintui"
    assert verified.code == 0 and "intact" in verified.out, verified.out + verified.err


def test_a_new_childs_draft_is_its_owners_alone_on_a_team_server(team):
    """A child half typed in the new-child form is kept as a draft with no child yet
    (revision 0029). On a team server row security shows it to its owner's login only. No
    one else's login can read, change or write one in the owner's name, even with psql."""
    from cintui.casework import drafts
    from cintui.store.engine import open_store

    values = {"first_name": "Ola", "last_name": "Quill", "dob": "01/01/2019"}
    store = open_store(team.url(team.worker), None)
    try:
        with store.session(store.server.login) as session:
            drafts.keep_form(session, None, team.worker, "ChildFormScreen", values, None)
        with store.read() as session:
            kept = drafts.kept_form(session, None, team.worker, "ChildFormScreen")
        assert kept is not None and kept.payload["values"] == values
    finally:
        store.close()
    with team.psql(team.other) as conn:
        assert conn.execute("SELECT count(*) FROM draft").fetchone()[0] == 0
        assert conn.execute("UPDATE draft SET payload = '{}'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO draft (id, created_at, updated_at, kind, owner, payload, "
                         "saved_at) VALUES (gen_random_uuid(), now(), now(), 'form', %s, '{}', "
                         "now())", (team.worker,))
    with team.psql(team.manager) as conn:
        assert conn.execute("SELECT count(*) FROM draft").fetchone()[0] == 0
    with team.psql(team.worker) as conn:
        assert conn.execute("SELECT owner FROM draft WHERE child_id IS NULL").fetchall() == [
            (team.worker,)]


def test_on_a_team_server_you_are_who_you_logged_in_as_and_cannot_say_otherwise(
        team, cli, monkeypatch):
    """`cintui worker whoami` on a team server names the login and why; saying another
    worker is refused in one line (the trail is the login's, always), nothing saved."""
    from cintui.reference import config

    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    said = cli("worker", "whoami")
    _ok(said)
    assert said.out.strip() == (f"Recorded as Amira Ashdown ({team.worker}): the login you "
                                "are connected as.")
    refused = cli("worker", "whoami", team.other)
    assert refused.code == 2 and refused.err.strip() == (
        f"cintui: on the team server you are who you logged in as: {team.worker}")
    assert "worker" not in config.load_settings()
