"""Laptops that work offline and sync with the team server (issue 19): a replica of what the
worker may hold, one pass that pushes and pulls, conflicts shown and never overwritten, one
audit story, and nothing half-done when the connection drops.

Each test has a team server of its own (tests/store/test_team_server.py's `team`: a manager,
two social workers with logins, one child of the first worker's) and laptops made with
`cintui sync setup`, as a worker would.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from cintui.casework import drafts
from cintui.domain.calendar import england_time
from cintui.store import audit, engine, sync
from cintui.store.models import AuditEntry, Child, Decision, Visit
from tests.store.teams import PASSWORD, Team

TODAY = date(2026, 12, 2)
LAPTOP_PASSPHRASE = "laptop passphrase, long enough"


@pytest.fixture
def laptops(team: Team, tmp_path, monkeypatch, cli):
    """Make a laptop for a login: `cintui sync setup` as that worker would run it."""
    pgpass = tmp_path / "pgpass"
    url = make_url(team.owner_url)
    lines = [f"{url.host}:{url.port}:*:{login}:{PASSWORD}"
             for login in (team.manager, team.worker, team.other)]
    pgpass.write_text("\n".join(lines) + "\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    passphrase = tmp_path / "passphrase"
    passphrase.write_text(LAPTOP_PASSPHRASE + "\n")
    passphrase.chmod(0o600)
    monkeypatch.delenv("CINTUI_DATABASE_URL", raising=False)
    monkeypatch.setenv("CINTUI_PASSPHRASE_FILE", str(passphrase))
    monkeypatch.delenv("CINTUI_USER", raising=False)

    def make(login: str, name: str | None = None) -> Path:
        path = tmp_path / f"{name or login}.db"
        done = cli("sync", "setup", server_url(team, login), "--db", path, "--label",
                   f"{login}'s laptop", "--today", TODAY.isoformat())
        assert done.code == 0, done.err
        return path

    return make


def server_url(team: Team, login: str) -> str:
    url = make_url(team.owner_url).set(username=login)
    return url._replace(password=None).render_as_string(hide_password=False)


def open_laptop(path: Path):
    return engine.open_store(path, LAPTOP_PASSPHRASE)


def open_server(team: Team, login: str):
    return engine.open_url(team.url(login))


def children_on(store) -> set[str]:
    with store.read() as session:
        return {c.reference for c in session.exec(select(Child)).all()}


def sync_now(path: Path, team: Team, login: str, **kwargs) -> sync.SyncResult:
    local, server = open_laptop(path), open_server(team, login)
    try:
        return sync.run(local, server, today=TODAY, **kwargs)
    finally:
        local.close()
        server.close()


def test_setup_fills_the_laptop_with_the_workers_cases_only(team, laptops, cli):
    # A child in another team, allocated to no one here: not on Amira's laptop.
    owner_env = {"CINTUI_DATABASE_URL": team.owner_url}
    import os

    os.environ.update(owner_env)
    try:
        assert cli("team", "add", "North", "--service", "Safeguarding").code == 0
        other = cli("child", "add", "--first-name", "Ola", "--last-name", "Far", "--dob",
                    "2017-01-01", "--referral-date", "2026-11-02", "--team", "North",
                    "--json")
        assert other.code == 0, other.err
    finally:
        os.environ.pop("CINTUI_DATABASE_URL")
    path = laptops(team.worker)
    assert path.exists() and engine.is_encrypted_file(path)
    assert (path.stat().st_mode & 0o777) == 0o600
    laptop = open_laptop(path)
    try:
        assert children_on(laptop) == {team.child}
        with laptop.read() as session:
            from cintui.store.models import Team as TeamRow
            from cintui.store.models import Worker

            assert {t.name for t in session.exec(select(TeamRow)).all()} == {"South", "North"}
            assert team.worker in {w.username for w in session.exec(select(Worker)).all()}
        assert audit.verify(laptop).ok
    finally:
        laptop.close()


def test_a_visit_recorded_offline_arrives_once_and_counts_from_the_day_it_happened(
        team, laptops, cli):
    """WIR 2.11: the visit clock runs from the visit, not from the sync."""
    path = laptops(team.worker)
    recorded = cli("visit", "record", team.child, "--at", "2026-11-20 10:00", "--purpose",
                   "Check on Nell", "--analysis", "Nell is doing well", "--db", path,
                   "--today", TODAY.isoformat(), "--json")
    assert recorded.code == 0, recorded.err
    status = cli("sync", "status", "--db", path, "--json")
    assert json.loads(status.out)["waiting"] > 0
    first = sync_now(path, team, team.worker)
    assert first.pushed > 0 and first.conflicts == 0
    again = sync_now(path, team, team.worker)
    assert again.pushed == 0
    server = engine.open_url(team.owner_url)
    try:
        with server.read() as session:
            visits = session.exec(select(Visit)).all()
    finally:
        server.close()
    assert [v.visited_at.date() for v in visits] == [date(2026, 11, 20)]
    assert visits[0].purpose == "Check on Nell"
    assert json.loads(cli("sync", "status", "--db", path, "--json").out)["waiting"] == 0


def test_a_draft_typed_offline_is_not_counted_as_a_change_waiting_to_send(team, laptops, cli):
    """Amira types half a visit offline: the draft stays on the laptop (it is never sent), so
    the header and `sync status` do not count it; the visit she then records is one change,
    not three (the draft made, the visit, the draft gone)."""
    from cintui.casework import drafts

    path = laptops(team.worker)
    laptop = open_laptop(path)
    try:
        with laptop.read() as session:
            child_id = session.exec(select(Child.id).where(Child.reference == team.child)).one()
        with laptop.session(team.worker) as session:
            draft = drafts.create(session, "visit", child_id, team.worker, {"purpose": "Che"})
        with laptop.session(team.worker) as session:
            drafts.save(session, draft.id, {"purpose": "Check on Nell after school"})
    finally:
        laptop.close()
    status = json.loads(cli("sync", "status", "--db", path, "--json").out)
    assert status["waiting"] == 0
    recorded = cli("visit", "record", team.child, "--at", "2026-11-20 10:00", "--purpose",
                   "Check on Nell", "--analysis", "Nell is doing well", "--db", path,
                   "--today", TODAY.isoformat())
    assert recorded.code == 0, recorded.err
    laptop = open_laptop(path)
    try:
        with laptop.session(team.worker) as session:
            drafts.discard(session, draft.id)
    finally:
        laptop.close()
    assert json.loads(cli("sync", "status", "--db", path, "--json").out)["waiting"] == 1
    assert sync_now(path, team, team.worker).pushed == 1


def test_a_decision_added_offline_without_the_orm_arrives_as_the_laptops_login(
        team, laptops, cli):
    """BEX 4 on a laptop: `decision add` writes through the light writer (store/quick.py) on
    the encrypted replica, as its sync login whatever else is named; the sync takes it to
    the server once, and both trails verify."""
    path = laptops(team.manager)
    added = cli("decision", "add", team.child, "--kind", "case_direction", "--decision",
                "Carry on with the plan", "--rationale", "Going well", "--db", path,
                "--today", TODAY.isoformat(), "--json")
    assert added.code == 0, added.err
    made = json.loads(added.out)
    first = sync_now(path, team, team.manager)
    assert first.pushed > 0 and first.conflicts == 0
    assert sync_now(path, team, team.manager).pushed == 0
    server = engine.open_url(team.owner_url)
    try:
        with server.read() as session:
            [decision] = session.exec(select(Decision)).all()
            [entry] = session.exec(select(AuditEntry).where(
                AuditEntry.entity == "decision")).all()
        assert audit.verify(server).ok
    finally:
        server.close()
    assert (decision.id.hex, decision.decision) == (made["id"], "Carry on with the plan")
    assert entry.actor == team.manager and entry.entity_id == made["id"]
    laptop = open_laptop(path)
    try:
        assert audit.verify(laptop).ok
    finally:
        laptop.close()


def rename_child(store, actor: str, reference: str, first_name: str) -> None:
    with store.session(actor) as session:
        child = session.exec(select(Child).where(Child.reference == reference)).one()
        child.first_name = first_name
        session.add(child)


def clash(team: Team, path: Path) -> None:
    """The child renamed "Nelly" offline on the laptop at `path`, and "Eleanor" on the server
    by a colleague meanwhile."""
    laptop = open_laptop(path)
    rename_child(laptop, team.worker, team.child, "Nelly")
    laptop.close()
    server = open_server(team, team.other)
    rename_child(server, team.other, team.child, "Eleanor")
    server.close()


def test_both_sides_changing_a_field_is_a_conflict_shown_never_overwritten(team, laptops, cli):
    path = laptops(team.worker)
    clash(team, path)
    result = sync_now(path, team, team.worker)
    assert result.conflicts == 1
    laptop = open_laptop(path)
    with laptop.read() as session:  # the laptop keeps its own until the worker chooses
        assert session.exec(select(Child)).one().first_name == "Nelly"
    laptop.close()
    server = open_server(team, team.other)
    with server.read() as session:  # and the server its own
        assert session.exec(select(Child)).one().first_name == "Eleanor"
    server.close()
    shown = cli("sync", "conflicts", "--db", path, "--json")
    [conflict] = json.loads(shown.out)
    assert (conflict["field"], conflict["mine"], conflict["theirs"]) == \
        ("first_name", "Nelly", "Eleanor")
    assert conflict["child"].startswith(team.child)
    kept = cli("sync", "resolve", conflict["id"][:8], "mine", "--db", path)
    assert kept.code == 0, kept.err
    sync_now(path, team, team.worker)
    server = open_server(team, team.other)
    with server.read() as session:
        assert session.exec(select(Child)).one().first_name == "Nelly"
    server.close()
    assert json.loads(cli("sync", "conflicts", "--db", path, "--json").out) == []


def test_taking_the_servers_version_puts_it_on_the_laptop(team, laptops, cli):
    path = laptops(team.worker)
    clash(team, path)
    sync_now(path, team, team.worker)
    [conflict] = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    assert cli("sync", "resolve", conflict["id"], "theirs", "--db", path).code == 0
    sync_now(path, team, team.worker)
    for store in (open_laptop(path), open_server(team, team.other)):
        with store.read() as session:
            assert session.exec(select(Child)).one().first_name == "Eleanor"
        store.close()


PHASES = ("push", "pushed", "gathered", "server committed", "laptop applied")


@pytest.mark.slow
def test_a_connection_dropped_at_any_step_loses_nothing_and_doubles_nothing(
        team, laptops, cli):
    path = laptops(team.worker)
    for day, phase in enumerate(PHASES, start=23):
        assert cli("visit", "record", team.child, "--at", f"2026-11-{day} 15:30", "--purpose",
                   f"After school ({phase})", "--analysis", "Settled", "--db", path,
                   "--today", TODAY.isoformat()).code == 0

        def drop(at: str, phase: str = phase) -> None:
            if at == phase:
                raise ConnectionError(f"dropped at {at}")

        with pytest.raises(ConnectionError):
            sync_now(path, team, team.worker, fault=drop)
        sync_now(path, team, team.worker)
    sync_now(path, team, team.worker)
    wanted = sorted(f"After school ({phase})" for phase in PHASES)
    server = open_server(team, team.worker)
    with server.read() as session:
        assert sorted(v.purpose for v in session.exec(select(Visit)).all()) == wanted
    server.close()
    laptop = open_laptop(path)
    with laptop.read() as session:
        assert sorted(v.purpose for v in session.exec(select(Visit)).all()) == wanted
    assert audit.verify(laptop).ok
    laptop.close()
    owner = engine.open_url(team.owner_url)
    try:
        with owner.engine.connect() as conn:
            [chain] = sync.verify_devices(conn)
    finally:
        owner.close()
    assert chain.ok, chain.problem


def test_a_case_reallocated_away_leaves_the_laptop_with_its_history(team, laptops, cli):
    path = laptops(team.worker)
    import os

    os.environ["CINTUI_DATABASE_URL"] = team.owner_url
    try:
        assert cli("team", "add", "North", "--service", "Safeguarding").code == 0
        assert cli("worker", "add", f"zed.{team.suffix}", "--name", "Zed North", "--role",
                   "social worker", "--team", "North", "--password-file",
                   _pw(path.parent)).code == 0
        os.environ["CINTUI_DATABASE_URL"] = team.url(team.manager)  # a manager's decision
        moved = cli("child", "reallocate", team.child, "--to", f"zed.{team.suffix}",
                    "--reason", "Moved to the north of the borough")
        assert moved.code == 0, moved.err + moved.out
    finally:
        os.environ.pop("CINTUI_DATABASE_URL")
    result = sync_now(path, team, team.worker)
    laptop = open_laptop(path)
    try:
        if team.child in children_on(laptop):
            pytest.fail(f"the case stayed on the laptop: {result}")
        assert result.left == [team.child]
        with laptop.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT count(*) FROM audit_log WHERE changes LIKE '%Nell%'").scalar()
        assert rows == 0  # its recorded values went with it
        assert audit.verify(laptop).ok
    finally:
        laptop.close()


def _pw(folder: Path) -> Path:
    path = folder / "zed-pw"
    path.write_text(PASSWORD + "\n")
    path.chmod(0o600)
    return path


def test_a_revoked_laptop_can_no_longer_sync(team, laptops, cli):
    path = laptops(team.worker)
    import os

    os.environ["CINTUI_DATABASE_URL"] = team.url(team.manager)
    try:
        listed = cli("sync", "devices", "--json")
        [device] = json.loads(listed.out)
        revoked = cli("sync", "revoke", device["device"][:10])
        assert revoked.code == 0, revoked.err
    finally:
        os.environ.pop("CINTUI_DATABASE_URL")
    refused = cli("sync", "--db", path)
    assert refused.code == 2
    assert "revoked" in refused.err and "Traceback" not in refused.err


def test_a_lost_laptop_revoked_then_its_workers_password_changed_with_cintui(
        team, laptops, cli, tmp_path):
    """README "A lost laptop": the manager revokes it and is told what comes next; the owner
    (or an admin) changes the worker's password with cintui, not psql: the old one no longer
    logs in, the new one does."""
    import os

    import psycopg

    laptops(team.worker)
    os.environ["CINTUI_DATABASE_URL"] = team.url(team.manager)
    try:
        [device] = json.loads(cli("sync", "devices", "--json").out)
        revoked = cli("sync", "revoke", device["device"][:10])
        assert revoked.code == 0, revoked.err
        assert revoked.out.strip().endswith(
            f"can no longer sync with the team server. Lost? The database's owner or an admin "
            f"changes {team.worker}'s password next: `cintui worker edit {team.worker} "
            "--ask-password`.")
        fresh = tmp_path / "new.pw"
        fresh.write_text("a new password, long enough\n")
        refused = cli("worker", "edit", team.worker, "--password-file", fresh)
        assert refused.code == 2
        assert refused.err.strip().splitlines() == [
            f"cintui: username: the login {team.worker} is made and its password changed by "
            f"the database's owner or a login with the admin role; {team.manager} has neither "
            "(the owner runs `cintui server grant USERNAME admin`)"]
        os.environ["CINTUI_DATABASE_URL"] = team.owner_url
        changed = cli("worker", "edit", team.worker, "--password-file", fresh)
        assert changed.code == 0, changed.err
        assert changed.out.strip() == (  # a password alone: not "Changed …" details too
            f"Login {team.worker}: new password set on the team server; the old one no "
            "longer works.")
    finally:
        os.environ.pop("CINTUI_DATABASE_URL")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        team.psql(team.worker).close()
    url = make_url(team.owner_url)
    with psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=team.worker,
                         password="a new password, long enough") as conn:
        assert conn.execute("SELECT session_user").fetchone()[0] == team.worker


def test_sync_devices_and_status_give_times_as_england_reads_them(team, laptops, cli):
    """A manager looking for a lost laptop reads when it last synced as the header does
    (England's time, 1 Jul 2026 09:30 in summer), not an ISO instant in UTC."""
    from datetime import UTC, datetime

    from cintui.store.models import SyncDevice

    path = laptops(team.worker)
    summer = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)  # 09:30 in England (BST)
    server = engine.open_url(team.owner_url)
    try:
        with server.session(server.server.login) as session:
            [row] = session.exec(select(SyncDevice)).all()
            row.last_sync_at = summer
            session.add(row)
    finally:
        server.close()
    laptop = open_laptop(path)
    try:
        with laptop.session(sync.SYNC_ACTOR) as session:
            sync._set_meta(session, {sync.META_AT: summer.isoformat()})
    finally:
        laptop.close()
    import os

    os.environ["CINTUI_DATABASE_URL"] = team.url(team.manager)
    try:
        listed = cli("sync", "devices")
        assert listed.code == 0, listed.err
        revoked = cli("sync", "revoke", row.device[:10])
        assert revoked.code == 0, revoked.err
        again = cli("sync", "devices").out
    finally:
        os.environ.pop("CINTUI_DATABASE_URL")
    [line] = listed.out.splitlines()
    assert line.startswith(f"{row.device[:12]}  {team.worker}  {team.worker}'s laptop  ")
    assert line.endswith("last sync 1 Jul 2026 09:30"), line
    assert "  REVOKED " in again and "+00:00" not in again and "T0" not in again
    status = cli("sync", "status", "--db", path)
    assert "; last sync 1 Jul 2026 09:30;" in status.out, status.out


def out_of_reach(path: Path) -> None:
    """The team server stopped (or the laptop offline): the laptop's server is a port on this
    machine that nothing listens on, so connecting is refused at once."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    laptop = open_laptop(path)
    try:
        with laptop.engine.connect() as conn:
            url = make_url(sync.meta(conn)[sync.META_SERVER]).set(host="127.0.0.1", port=port)
        with laptop.session(sync.SYNC_ACTOR) as session:
            sync._set_meta(session, {sync.META_SERVER: url.render_as_string(
                hide_password=False)})
    finally:
        laptop.close()


def test_sync_with_the_server_out_of_reach_says_the_work_stays_on_the_laptop(
        team, laptops, cli):
    path = laptops(team.worker)
    assert cli("visit", "record", team.child, "--at", "2026-11-25 15:30", "--purpose",
               "After school", "--analysis", "Settled", "--db", path,
               "--today", TODAY.isoformat()).code == 0
    out_of_reach(path)
    refused = cli("sync", "--db", path)
    assert refused.code == 2
    [line] = refused.err.strip().splitlines()
    assert line.startswith("cintui: cannot reach the team server (connection to server at "
                           '"127.0.0.1", port ')
    assert line.endswith("Connection refused): nothing was sent or brought down, and what "
                         "you recorded stays on this laptop: run `cintui sync` again once "
                         "you are connected"), line
    assert json.loads(cli("sync", "status", "--db", path, "--json").out)["waiting"] == 1


def test_sync_status_after_a_failed_sync_says_the_last_try_did_not_sync_and_why(
        team, laptops, cli):
    """Monday 11:00, offline: `cintui sync` fails; `cintui sync status` then said only the
    last sync, as if nothing had been tried. Now it says the last try did not sync, when and
    why, until a sync finishes."""
    path = laptops(team.worker)
    assert cli("visit", "record", team.child, "--at", "2026-11-25 15:30", "--purpose",
               "After school", "--analysis", "Settled", "--db", path,
               "--today", TODAY.isoformat()).code == 0
    laptop = open_laptop(path)
    with laptop.engine.connect() as conn:
        reachable = sync.meta(conn)[sync.META_SERVER]
    laptop.close()
    out_of_reach(path)
    assert cli("sync", "--db", path).code == 2
    status = cli("sync", "status", "--db", path)
    assert status.code == 0
    said = " ".join(status.out.split())
    assert "; the last try, " in said and ", did not sync: cannot reach the team server (" \
        "connection to server at \"127.0.0.1\", port " in said, said
    assert "Connection refused); 1 change waiting to be sent; 0 conflicts" in said, said
    shown = json.loads(cli("sync", "status", "--db", path, "--json").out)
    assert shown["failed"].startswith("cannot reach the team server (") and shown["failed_at"]
    assert shown["waiting"] == 1  # and the visit kept
    laptop = open_laptop(path)
    with laptop.session(sync.SYNC_ACTOR) as session:
        sync._set_meta(session, {sync.META_SERVER: reachable})  # connected again
    laptop.close()
    assert cli("sync", "--db", path).code == 0
    assert "last try" not in cli("sync", "status", "--db", path).out
    shown = json.loads(cli("sync", "status", "--db", path, "--json").out)
    assert (shown["failed"], shown["failed_at"], shown["waiting"]) == (None, None, 0)


def test_sync_on_a_store_that_is_not_a_replica_says_so(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("CINTUI_PASSPHRASE", "a passphrase long enough")
    assert cli("db", "init", "--db", tmp_path / "own.db").code == 0
    refused = cli("sync", "--db", tmp_path / "own.db")
    assert refused.code == 2 and "not a laptop replica" in refused.err


_ = uuid  # ids in messages are hex


def _as(url: str):
    import os

    class _Env:
        def __enter__(self):
            os.environ["CINTUI_DATABASE_URL"] = url

        def __exit__(self, *_exc):
            os.environ.pop("CINTUI_DATABASE_URL", None)

    return _Env()


def test_a_child_added_offline_gets_a_free_reference_from_the_server(team, laptops, cli):
    path = laptops(team.worker)
    added = cli("child", "add", "--first-name", "Ivy", "--last-name", "Offline", "--dob",
                "2019-05-05", "--referral-date", "2026-11-30", "--worker", team.worker,
                "--db", path, "--today", TODAY.isoformat(), "--json")
    assert added.code == 0, added.err
    offline = json.loads(added.out)["reference"]
    with _as(team.url(team.other)):  # meanwhile a colleague adds a child on the server
        made = cli("child", "add", "--first-name", "Sol", "--last-name", "Online", "--dob",
                   "2016-02-02", "--referral-date", "2026-11-30", "--worker", team.other,
                   "--json")
        assert made.code == 0, made.err
    assert json.loads(made.out)["reference"] == offline  # the same number, drawn twice
    sync_now(path, team, team.worker)
    server = engine.open_url(team.owner_url)
    with server.read() as session:
        references = {c.first_name: c.reference for c in session.exec(select(Child)).all()}
    server.close()
    assert len(set(references.values())) == 3  # every child's reference its own
    laptop = open_laptop(path)
    with laptop.read() as session:  # and the laptop learns the one the server gave
        ivy = session.exec(select(Child).where(Child.first_name == "Ivy")).one()
    laptop.close()
    assert ivy.reference == references["Ivy"] != references["Sol"]


def test_a_change_the_server_refuses_is_kept_as_a_conflict_and_the_rest_arrives(
        team, laptops, cli):
    """TRA: authorising an assessment is a manager's; a worker's laptop cannot slip it in."""
    from cintui.store.models import Episode

    path = laptops(team.worker)
    laptop = open_laptop(path)
    with laptop.session(team.worker) as session:  # around the app's own check
        episode = session.exec(select(Episode)).one()
        episode.assessment_authorised_by = "Amira Ashdown"
        session.add(episode)
    laptop.close()
    assert cli("visit", "record", team.child, "--at", "2026-12-01 09:00", "--purpose",
               "Home visit", "--analysis", "Fine", "--db", path,
               "--today", TODAY.isoformat()).code == 0
    result = sync_now(path, team, team.worker)
    assert result.conflicts == 1
    [conflict] = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    assert conflict["kind"] == "refused" and "manager" in conflict["reason"]
    server = engine.open_url(team.owner_url)
    with server.read() as session:
        assert session.exec(select(Episode)).one().assessment_authorised_by in ("", None)
        assert [v.purpose for v in session.exec(select(Visit)).all()] == ["Home visit"]
    server.close()
    assert cli("sync", "resolve", conflict["id"], "theirs", "--db", path).code == 0
    sync_now(path, team, team.worker)
    laptop = open_laptop(path)
    with laptop.read() as session:
        assert session.exec(select(Episode)).one().assessment_authorised_by in ("", None)
    laptop.close()


def test_the_server_checks_every_laptops_chain_and_says_who_recorded_what_where(
        team, laptops, cli):
    path = laptops(team.worker)
    laptop = open_laptop(path)
    with laptop.session(team.worker) as session:  # a visit half typed, kept as typed
        child_id = session.exec(select(Child).where(Child.reference == team.child)).one().id
        drafts.create(session, "visit", child_id, team.worker, {"purpose": "Home vis"})
    laptop.close()
    assert cli("visit", "record", team.child, "--at", "2026-12-01 09:00", "--purpose",
               "Home visit", "--analysis", "Fine", "--db", path,
               "--today", TODAY.isoformat()).code == 0
    sync_now(path, team, team.worker)
    with _as(team.owner_url):
        checked = cli("audit", "verify")
        assert checked.code == 0, checked.out + checked.err
        assert f"Laptop {team.worker}'s laptop ({team.worker}): chain intact" in checked.out
        listed = json.loads(cli("audit", "laptops", "--json").out)
        assert {"who": team.worker, "action": "insert", "record": "visit"}.items() <= \
            next(r for r in listed if r["record"] == "visit").items()
        # The typing draft (never sent) only with --all: it buried the records
        assert "draft" not in {r["record"] for r in listed}
        assert "draft" in {r["record"] for r in json.loads(
            cli("audit", "laptops", "--all", "--json").out)}
        import psycopg

        with psycopg.connect(make_url(team.owner_url).set(drivername="postgresql")
                             .render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute("UPDATE device_entry SET changes = replace(changes, 'Home visit', "
                         "'Office visit') WHERE entity = 'visit'")
        broken = cli("audit", "verify")
    assert broken.code == 1 and "chain BROKEN" in broken.out and "was changed" in broken.out


def test_db_info_on_a_laptop_says_whose_replica_it_is(team, laptops, cli):
    path = laptops(team.worker)
    shown = json.loads(cli("db", "info", "--db", path, "--json").out)
    assert shown["encrypted"] is True
    assert shown["syncs_as"] == team.worker and shown["replica_of"] == server_url(team,
                                                                                   team.worker)
    assert shown["last_sync"] and shown["waiting_to_send"] == 0 and shown["conflicts"] == 0


def test_a_managers_laptop_holds_the_team_they_manage(team, laptops, cli):
    with _as(team.url(team.worker)):
        assert cli("child", "add", "--first-name", "Kit", "--last-name", "Team", "--dob",
                   "2015-06-06", "--referral-date", "2026-11-30", "--worker", team.other,
                   "--json").code == 0
    manager = laptops(team.manager)
    laptop = open_laptop(manager)
    with laptop.read() as session:
        names = {c.first_name for c in session.exec(select(Child)).all()}
    laptop.close()
    assert names == {"Nell", "Kit"}


def test_a_record_deleted_on_the_server_while_changed_offline_is_a_conflict(team, laptops,
                                                                           cli):
    from cintui.store.models import Person

    path, _rosa = rosas_phone_changed_on_a_laptop(team, laptops, cli)
    ben_deletes_rosa_on_the_server(team)
    result = sync_now(path, team, team.worker)
    assert result.conflicts == 1
    [conflict] = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    assert conflict["kind"] == "deleted_on_server"
    assert conflict["mine"]["values"]["phone"] == "07700 900123"
    laptop = open_laptop(path)  # kept here until the worker chooses
    with laptop.read() as session:
        assert session.exec(select(Person)).one().phone == "07700 900123"
    laptop.close()


def rosas_phone_changed_on_a_laptop(team: Team, laptops, cli) -> tuple[Path, object]:
    """Rosa, Nell's mother, added on the team server; her phone changed on Amira's laptop."""
    from cintui.store.models import Person

    with _as(team.url(team.worker)):
        assert cli("person", "add", team.child, "--name", "Rosa Quill", "--relationship",
                   "mother").code == 0
    path = laptops(team.worker)
    laptop = open_laptop(path)
    with laptop.session(team.worker) as session:
        rosa = session.exec(select(Person)).one()
        rosa.phone = "07700 900123"
        session.add(rosa)
    laptop.close()
    return path, rosa


def ben_deletes_rosa_on_the_server(team: Team) -> None:
    """Ben deletes Rosa on the team server: her links to the children first, then her."""
    from cintui.store.models import ChildPerson, Person

    server = open_server(team, team.other)
    with server.session(team.other) as session:
        for link in session.exec(select(ChildPerson)).all():
            session.delete(link)
        session.delete(session.exec(select(Person)).one())
    server.close()


def _rosa_on_a_laptop(team: Team, laptops, cli) -> tuple[Path, object]:
    """Rosa, Nell's mother, on Amira's laptop; her link to Nell changed offline ("birth
    mother") and, for the person, her phone."""
    from cintui.store.models import ChildPerson

    path, _rosa = rosas_phone_changed_on_a_laptop(team, laptops, cli)
    laptop = open_laptop(path)
    with laptop.session(team.worker) as session:
        link = session.exec(select(ChildPerson)).one()
        link.relationship = "birth mother"
        session.add(link)
    laptop.close()
    return path, link


def test_keeping_yours_over_a_record_deleted_on_the_server_brings_it_back(
        team, laptops, cli):
    """Ben deletes Rosa's link to Nell on the team server; Amira, offline, had changed it.
    Keeping hers brought back only the field she changed: the server refused it ("null value
    in column") at every sync, and the worker could only take theirs. Now the whole record
    comes back, hers."""
    from cintui.store.models import ChildPerson

    path, link = _rosa_on_a_laptop(team, laptops, cli)
    server = open_server(team, team.other)
    with server.session(team.other) as session:
        session.delete(session.get(ChildPerson, link.id))
    server.close()
    assert sync_now(path, team, team.worker).conflicts == 1
    [conflict] = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    assert conflict["kind"] == "deleted_on_server" and conflict["record"] == "child_person"
    kept = cli("sync", "resolve", conflict["id"], "mine", "--db", path)
    assert kept.code == 0, kept.err
    assert kept.out.startswith("Kept your version: the next sync (cintui sync) brings the "
                               "record back on the team server (deleted by Ben Cole on ")
    assert sync_now(path, team, team.worker).conflicts == 0
    assert json.loads(cli("sync", "conflicts", "--db", path, "--json").out) == []
    server = engine.open_url(team.owner_url)
    with server.read() as session:
        back = session.get(ChildPerson, link.id)
    server.close()
    assert back is not None and back.relationship == "birth mother"
    assert back.person_id == link.person_id and back.child_id == link.child_id


def test_keeping_yours_over_a_person_deleted_on_the_server_is_refused_in_one_line(
        team, laptops, cli):
    """A person deleted on the server went with their links to the children: brought back,
    they would be linked to no child, seen by no one. Keeping yours says so, in one line,
    and changes nothing (so does keeping the relationship that names her); theirs still
    takes the server's. Each conflict says whose record it is."""
    from cintui.store.models import Person

    path, _link = _rosa_on_a_laptop(team, laptops, cli)
    ben_deletes_rosa_on_the_server(team)
    sync_now(path, team, team.worker)
    shown = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    [person] = [c for c in shown if c["record"] == "person"]
    [link] = [c for c in shown if c["record"] == "child_person"]
    # Whose each is: the relationship named no child, the person only her phone number.
    assert link["child"].startswith(team.child) and link["named"] == "Rosa Quill"
    assert person["named"] == "Rosa Quill"
    text = cli("sync", "conflicts", "--db", path).out
    assert f"  {team.child} Nell Quill  Person's relationship to the child (Rosa Quill) (" in text
    assert "  -  Person (Rosa Quill) (deleted on the team server" in text
    refused = cli("sync", "resolve", link["id"], "mine", "--db", path)
    assert refused.code == 2 and "points at a person deleted on the team server too" in \
        refused.err
    kept = cli("sync", "resolve", person["id"], "mine", "--db", path)
    assert kept.code == 2 and kept.out == ""
    assert len(kept.err.strip().splitlines()) == 1
    assert "linked to no child and seen by no one" in kept.err and "theirs" in kept.err
    assert json.loads(cli("sync", "conflicts", "--db", path, "--json").out) == shown
    # Her relationship to Nell, deleted too, waits in the list and points at her: it is
    # chosen first (the store refused to let her go: "not saved: it refers to a record").
    first = cli("sync", "resolve", person["id"], "theirs", "--db", path)
    assert first.code == 2 and first.err.strip() == (
        "cintui: choose first for the person's relationship to the child, which points at "
        "this record (it is in the list of conflicts too)")
    assert cli("sync", "resolve", link["id"], "theirs", "--db", path).code == 0
    assert cli("sync", "resolve", person["id"], "theirs", "--db", path).code == 0
    assert sync_now(path, team, team.worker).conflicts == 0
    laptop = open_laptop(path)
    with laptop.read() as session:
        assert session.exec(select(Person)).all() == []
    laptop.close()


def test_closure_recommended_on_two_laptops_offline_stays_one_recommendation(
        team, laptops, cli):
    """TRA, BEX 3: one closure in progress at a time, however many laptops recommend it."""
    from cintui.store.models import Ending

    first, second = laptops(team.worker), laptops(team.other)  # colleagues: both hold Nell
    for path in (first, second):
        done = cli("close", "recommend", team.child, "--on", "2026-12-01", "--reason", "RC8",
                   "--db", path, "--today", TODAY.isoformat())
        assert done.code == 0, done.err
    assert sync_now(first, team, team.worker).conflicts == 0
    later = sync_now(second, team, team.other)
    assert later.conflicts == 1
    [conflict] = json.loads(cli("sync", "conflicts", "--db", second, "--json").out)
    assert conflict["kind"] == "refused" and "already recommended" in conflict["reason"]
    server = engine.open_url(team.owner_url)
    with server.read() as session:
        active = [e for e in session.exec(select(Ending)).all() if e.status == "recommended"]
    server.close()
    assert len(active) == 1
    assert cli("sync", "resolve", conflict["id"], "theirs", "--db", second).code == 0
    sync_now(second, team, team.other)
    laptop = open_laptop(second)
    with laptop.read() as session:  # the laptop now shows the one on the server
        assert [e.id for e in session.exec(select(Ending)).all()] == [a.id for a in active]
    laptop.close()


def test_a_refused_closure_names_whose_recommendation_the_server_holds(team, laptops, cli):
    """TRA, BEX 3: Ben (a colleague holding Nell on his laptop) recommends closure first;
    Amira, her worker, offline, too. Ben's was recorded in Amira's name (`--by` defaulted to
    the child's worker), so the refusal showed Amira her own name on Ben's recommendation,
    and her sync said "0 changes sent". Now his is his, the refusal says whose it is, and
    the sync says her change was not taken."""
    from cintui.store.models import Ending

    amira, ben = laptops(team.worker), laptops(team.other)
    for path in (ben, amira):  # neither says --by: whoever records it recommends it
        done = cli("close", "recommend", team.child, "--on", "2026-12-01", "--reason", "RC8",
                   "--db", path, "--today", TODAY.isoformat())
        assert done.code == 0, done.err
    assert sync_now(ben, team, team.other).conflicts == 0
    said = cli("sync", "--db", amira, "--today", TODAY.isoformat())
    assert said.code == 0, said.err
    assert said.out.startswith("Synced: 1 change not taken: a conflict to resolve (cintui "
                               "sync conflicts); "), said.out
    assert "0 changes sent" not in said.out
    [conflict] = json.loads(cli("sync", "conflicts", "--db", amira, "--json").out)
    assert conflict["reason"] == ("a closure for this child is already recommended on the "
                                  "team server (recommended by Ben Cole on 1 Dec 2026)")
    assert "(recommended by Ben Cole on 1 Dec 2026)" in \
        cli("sync", "conflicts", "--db", amira).out
    server = engine.open_url(team.owner_url)
    with server.read() as session:
        assert [e.recommended_by for e in session.exec(select(Ending)).all()] == ["Ben Cole"]
    server.close()


def test_a_refused_closure_shows_the_recommendation_the_server_holds_beside_it(
        team, laptops, cli):
    """TRA, BEX 3: Ben recommends closure first (RC8), Amira offline too (RC7). Her side of
    the refused conflict showed her closure, and the team server's side only "(not on the
    team server)": to choose, she had to find Ben's recommendation elsewhere. Now the
    server's side shows the closure it holds for Nell, whose it is and when, from the copy
    the same sync brought down; `sync conflicts` prints it too."""
    from cintui.casework import laptop as offline

    amira, ben = laptops(team.worker), laptops(team.other)
    for path, reason in ((ben, "RC8"), (amira, "RC7")):
        done = cli("close", "recommend", team.child, "--on", "2026-12-01", "--reason", reason,
                   "--db", path, "--today", TODAY.isoformat())
        assert done.code == 0, done.err
    assert sync_now(ben, team, team.other).conflicts == 0
    assert sync_now(amira, team, team.worker).conflicts == 1
    local = open_laptop(amira)
    try:
        [conflict] = offline.conflicts(local)
    finally:
        local.close()
    assert conflict.kind == "refused" and "closure reason: RC7" in conflict.mine
    assert "(not on the team server)" not in conflict.theirs
    for line in ("closure reason: RC8", "recommended by: Ben Cole",
                 "recommended on: 1 Dec 2026", "status: recommended"):
        assert line in conflict.theirs, conflict.theirs
    assert conflict.theirs_said == ("The closure it holds for the child instead: recommended "
                                    "by Ben Cole on 1 Dec 2026")
    said = cli("sync", "conflicts", "--db", amira).out
    assert "On the team server:  closure reason: RC8;" in said, said
    assert "the closure it holds for the child instead: recommended by Ben Cole" in said


def test_keeping_yours_over_a_refused_closure_still_leaves_one_recommendation(
        team, laptops, cli):
    """TRA, BEX 3: the second laptop's worker presses m on the refused closure. The sync
    that carried it made a second recommendation on the server (the rule was checked for
    the laptop's own records, not for one a resolution applied again); the server now asks
    the rule again, refuses it, and the conflict comes back, saying why."""
    from cintui.store.models import Ending

    first, second = laptops(team.worker), laptops(team.other)
    for path in (first, second):
        done = cli("close", "recommend", team.child, "--on", "2026-12-01", "--reason", "RC8",
                   "--db", path, "--today", TODAY.isoformat())
        assert done.code == 0, done.err
    sync_now(first, team, team.worker)
    assert sync_now(second, team, team.other).conflicts == 1
    [conflict] = json.loads(cli("sync", "conflicts", "--db", second, "--json").out)
    kept = cli("sync", "resolve", conflict["id"], "mine", "--db", second)
    assert kept.out.strip() == ("Kept your version: the team server is asked again at the "
                                "next sync (cintui sync); if it still refuses it, the "
                                "conflict comes back.")
    assert sync_now(second, team, team.other).conflicts == 1
    server = engine.open_url(team.owner_url)
    with server.read() as session:
        active = [e for e in session.exec(select(Ending)).all() if e.status == "recommended"]
    server.close()
    assert len(active) == 1
    [again] = json.loads(cli("sync", "conflicts", "--db", second, "--json").out)
    assert again["id"] == conflict["id"] and "already recommended" in again["reason"]


@pytest.mark.slow
def test_three_laptops_syncing_at_once_lose_nothing_and_surface_each_clash(
        team, laptops, cli):
    """Real processes at the same moment: every visit arrives once; the same field changed on
    all three laptops is taken from one and a conflict on each of the others."""
    import os
    import subprocess
    import sys

    logins = (team.manager, team.worker, team.other)
    paths = [laptops(login) for login in logins]
    for n, (login, path) in enumerate(zip(logins, paths, strict=True)):
        assert cli("visit", "record", team.child, "--at", f"2026-11-2{n + 1} 10:00",
                   "--purpose", f"Visit by {login}", "--analysis", "Fine", "--db", path,
                   "--today", TODAY.isoformat()).code == 0
        laptop = open_laptop(path)
        rename_child(laptop, login, team.child, f"Nell-{n}")
        laptop.close()
    runs = [subprocess.Popen([sys.executable, "-m", "cintui", "sync", "--db", str(path),
                              "--json", "--today", TODAY.isoformat()],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ), stdin=subprocess.DEVNULL)
            for path in paths]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        results.append(json.loads(out))
    assert sum(r["conflicts"] for r in results) == 2
    server = engine.open_url(team.owner_url)
    with server.read() as session:
        purposes = sorted(v.purpose for v in session.exec(select(Visit)).all())
        name = session.exec(select(Child)).one().first_name
    server.close()
    assert purposes == sorted(f"Visit by {login}" for login in logins)
    assert name in {"Nell-0", "Nell-1", "Nell-2"}
    owner = engine.open_url(team.owner_url)
    with owner.engine.connect() as conn:
        assert all(chain.ok for chain in sync.verify_devices(conn))
    owner.close()


def test_supervision_overdue_on_a_laptop_answers_for_the_login_it_syncs_as(team, laptops, cli):
    """STO 4.5, 8.5: on a laptop who acts is the login it syncs as, for a command that only
    reads as for one that writes. `supervision overdue` (your team) answered for the
    computer's login ("give --team: … is in no team on this store")."""
    path = laptops(team.manager)
    result = cli("supervision", "overdue", "--db", path, "--today", TODAY.isoformat())
    assert result.code == 0 and result.out.startswith("South: "), result


def visit_nell_offline(cli, team, path) -> None:
    """Amira's laptop (`path`) records a visit to the team's child on 1 Dec, offline."""
    recorded = cli("visit", "record", team.child, "--at", "2026-12-01 10:00", "--purpose",
                   "Check on Nell", "--analysis", "Nell seen alone", "--db", path,
                   "--today", TODAY.isoformat())
    assert recorded.code == 0, recorded.err


def closed_on_the_server(team, on: date = date(2026, 11, 27)) -> None:
    """The team's child's case closed on the team server as of `on` (RC1), meanwhile: what a
    laptop then recorded offline after it is casework kept after the closure (TRA, BEX 3)."""
    from cintui.casework import cases
    from cintui.store.models import Episode

    server = engine.open_url(team.owner_url)
    try:
        with server.session(server.server.login) as session:
            child = cases.find_child(session, team.child)
            episode = session.get(Episode, cases.current_episode(session, child.id).id)
            episode.closure_date, episode.closure_reason = on, "RC1"
            child.status = "closed"
    finally:
        server.close()


def test_tra_bex_3_a_visit_made_offline_after_a_closure_on_the_server_is_kept_and_said(
        team, laptops, cli):
    """Amira visits Nell offline on 1 Dec; meanwhile the case was closed on the team server
    as of 27 Nov (TRA, BEX 3). A finalised visit is never lost (it merges by id): the sync
    keeps it and says so plainly, for her to re-refer if the case is open again (WAR 3.4);
    the visit is not a conflict to choose between."""

    path = laptops(team.worker)
    visit_nell_offline(cli, team, path)
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    done = cli("sync", "--db", path, "--today", TODAY.isoformat())
    assert done.code == 0, done.err
    assert (f"Visit on 1 Dec 2026 for {team.child} arrived after the case closed on 27 Nov "
            "2026: kept; re-refer if the case is open again.") in " ".join(done.out.split())
    assert "conflict" not in done.out
    server = engine.open_url(team.owner_url)
    try:
        with server.read() as session:
            kept = [v.purpose for v in session.exec(select(Visit)).all()]
    finally:
        server.close()
    assert "Check on Nell" in kept
    laptop = open_laptop(path)
    try:
        assert team.child not in children_on(laptop)  # a closed case leaves the laptop
    finally:
        laptop.close()
    # The manager finds it among what waits for them (`cintui team waiting`, F4 w).
    listed = cli("team", "waiting", "--db", server_url(team, team.manager), "--json",
                 "--today", TODAY.isoformat())
    assert listed.code == 0, listed.err
    [item] = [w for w in json.loads(listed.out)["waiting"] if w["child"] == team.child]
    assert (item["waiting_for"], item["on"], item["what"]) == (
        "after_closure", "2026-12-01", "decide on a visit after the closure (BEX 3)")


def test_bex_4_tra_a_decision_saved_before_the_laptops_casework_arrived_does_not_answer_it(
        team, laptops, cli):
    """BEX 4, TRA: Amira visits Nell offline on 1 Dec; meanwhile the case was closed on the
    team server as of 27 Nov, and Tom recorded a decision on Nell there, after Amira's
    laptop recorded the visit by its clock but before the visit reached the server. His
    decision never saw it: once the laptop syncs, the visit waits on his list (it never
    showed: a decision saved after the laptop's `created_at` counted as answering it). A
    decision he saves after it arrived answers it. Real processes: the laptop's sync and
    `cintui team waiting` and `cintui decision add` as Tom's login."""

    path = laptops(team.worker)
    visit_nell_offline(cli, team, path)
    closed_on_the_server(team)  # as of 27 Nov (RC1)

    def decide(words: str) -> None:
        done = cli("decision", "add", team.child, "--kind", "case_direction", "--decision",
                   words, "--rationale", "The family moved away", "--db",
                   server_url(team, team.manager), "--today", TODAY.isoformat())
        assert done.code == 0, done.err

    def waiting() -> list[tuple[str, str]]:
        listed = cli("team", "waiting", "--db", server_url(team, team.manager), "--json",
                     "--today", TODAY.isoformat())
        assert listed.code == 0, listed.err
        return [(w["record"], w["on"]) for w in json.loads(listed.out)["waiting"]
                if w["child"] == team.child and w["waiting_for"] == "after_closure"]

    decide("The case stays closed")  # while the laptop is still offline
    assert waiting() == []  # nothing has arrived yet
    done = cli("sync", "--db", path, "--today", TODAY.isoformat())
    assert done.code == 0, done.err
    assert "arrived after the case closed on 27 Nov 2026" in " ".join(done.out.split())
    assert waiting() == [("visit", "2026-12-01")]
    decide("The case stays closed; the visit is kept on the record")
    assert waiting() == []
    # A server set up before `cintui_arrived` (until `cintui server init` runs again): the
    # list still reads, answering from when the laptop recorded it, as before.
    server = engine.open_url(team.owner_url)
    try:
        with server.engine.begin() as conn:
            conn.exec_driver_sql("DROP FUNCTION cintui_arrived(text[])")
    finally:
        server.close()
    assert waiting() == []


def test_bex_4_when_casework_arrived_is_told_only_to_a_login_that_may_see_it(
        team, laptops, cli):
    """Row security (README "What the server enforces"): `cintui_arrived`, the function a
    decision asks when a laptop's casework reached the server (BEX 4, TRA), runs as the
    owner, who is above row security, and answered for any record's id: Ben, a worker not
    named on a child restricted to Amira and Tom, learned with psql when her visit arrived.
    Now it answers only for a record the login may read itself: Amira and Tom get the time,
    Ben nothing, as for an id of no record at all."""
    path = laptops(team.worker)
    visit_nell_offline(cli, team, path)
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    done = cli("sync", "--db", path, "--today", TODAY.isoformat())
    assert done.code == 0, done.err
    server = engine.open_url(team.owner_url)
    try:
        with server.read() as session:
            [visit] = [v.id.hex for v in session.exec(select(Visit)).all()
                       if v.purpose == "Check on Nell"]
    finally:
        server.close()

    def told(login: str, ids: list[str]) -> list[str]:
        with team.psql(login) as conn:
            return [row[0] for row in conn.execute(
                "SELECT entity_id FROM cintui_arrived(%s)", (ids,)).fetchall()]

    nobody = uuid.uuid4().hex
    assert told(team.other, [visit]) == [visit]  # Nell is not restricted: any worker's
    restricted = cli("child", "restrict", team.child, "--to", team.worker, "--db",
                     server_url(team, team.manager))
    assert restricted.code == 0, restricted.err
    assert told(team.worker, [visit, nobody, "not an id"]) == [visit]
    assert told(team.manager, [visit]) == [visit]
    assert told(team.other, [visit]) == told(team.other, [nobody]) == []


def waiting_after_closure(team: Team, cli) -> list[tuple[str, str]]:
    """What waits on Tom's list for Nell after her case's closure (`cintui team waiting`)."""
    listed = cli("team", "waiting", "--db", server_url(team, team.manager), "--json",
                 "--today", TODAY.isoformat())
    assert listed.code == 0, listed.err
    return [(w["record"], w["on"]) for w in json.loads(listed.out)["waiting"]
            if w["child"] == team.child and w["waiting_for"] == "after_closure"]


def decide_on_the_server(team: Team, cli, words: str) -> None:
    done = cli("decision", "add", team.child, "--kind", "case_direction", "--decision", words,
               "--rationale", "The family moved away", "--db", server_url(team, team.manager),
               "--today", TODAY.isoformat())
    assert done.code == 0, done.err


def entries_of(team: Team, entity_id: str) -> list[tuple]:
    """The server's `device_entry` rows about a record: (laptop's login, actor, at,
    arrived_at), as the owner reads them (the logins may not)."""
    server = engine.open_url(team.owner_url)
    try:
        with server.engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(
                "SELECT d.login, e.actor, e.at, e.arrived_at FROM device_entry e "
                "JOIN sync_device d ON d.device = e.device "
                "WHERE e.entity_id = %(id)s ORDER BY e.arrived_at", {"id": entity_id})]
    finally:
        server.close()


def server_clock(team: Team) -> datetime:
    with team.psql(team.manager) as conn:
        return conn.execute("SELECT clock_timestamp()").fetchone()[0]


def visit_id(team: Team, purpose: str) -> str:
    server = engine.open_url(team.owner_url)
    try:
        with server.read() as session:
            [found] = [v.id.hex for v in session.exec(select(Visit)).all()
                       if v.purpose == purpose]
            return found
    finally:
        server.close()


@pytest.mark.parametrize("days", [-1, 1], ids=["a-day-behind", "a-day-ahead"])
def test_bex_4_tra_casework_arrives_by_the_servers_clock_not_the_laptops(
        team, laptops, cli, monkeypatch, days):
    """BEX 4, TRA: Amira's laptop's clock is a day out. She visits Nell offline on 1 Dec;
    meanwhile the case was closed on the team server as of 27 Nov and Tom decided it stays
    closed. His decision never saw the visit: it waits on his list once it arrives, and a
    decision he saves after that answers it. The arrival was the laptop's clock (the sync
    stamped it): a day behind, the visit seemed to arrive before his decision, which then
    answered it; a day ahead, it outlasted the decision made after it. Now the server's
    clock stamps it, whatever the sync gives, and a worker's login cannot write another
    time; the laptop's own time stays what it is: when it was recorded there."""
    from datetime import timedelta

    import psycopg

    from cintui.store import models

    class LaptopClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(days=days)

    path = laptops(team.worker)
    with monkeypatch.context() as laptop:
        laptop.setattr(models, "datetime", LaptopClock)
        visit_nell_offline(cli, team, path)
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    decide_on_the_server(team, cli, "The case stays closed")  # the laptop still offline
    before = server_clock(team)
    with monkeypatch.context() as laptop:
        laptop.setattr(models, "datetime", LaptopClock)
        done = cli("sync", "--db", path, "--today", TODAY.isoformat())
        assert done.code == 0, done.err
    after = server_clock(team)
    assert waiting_after_closure(team, cli) == [("visit", "2026-12-01")]
    decide_on_the_server(team, cli, "The case stays closed; the visit is kept on the record")
    assert waiting_after_closure(team, cli) == []

    visit = visit_id(team, "Check on Nell")
    [(login, actor, at, arrived)] = entries_of(team, visit)
    assert (login, actor) == (team.worker, team.worker)
    assert before <= arrived <= after  # the server's clock
    assert at < before if days < 0 else at > after  # recorded there, by its own clock
    # A worker's login writes a laptop's chain (INSERT, its only grant): the arrival is
    # the server's whatever it gives, and it cannot change one afterwards.
    with team.psql(team.worker) as conn:
        [device] = conn.execute("SELECT device FROM sync_device").fetchone()
        conn.execute(
            "INSERT INTO device_entry (device, seq, at, actor, action, entity, entity_id, "
            "changes, prev_hash, hash, arrived_at) VALUES (%s, 999999, now(), %s, 'insert', "
            "'visit', %s, '{}', '', '', '2000-01-01')", (device, team.worker, "0" * 32))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE device_entry SET arrived_at = '2000-01-01'")
    [(*_, arrived)] = entries_of(team, "0" * 32)
    assert arrived >= after


def test_bex_4_tra_casework_arrived_with_its_own_laptops_push_not_a_copy_pulled_later(
        team, laptops, cli):
    """BEX 4, TRA: Amira visits Nell on 1 Dec and syncs; Tom's laptop pulls the visit at
    its next sync. The case was then closed on the team server as of 27 Nov, and Tom
    decided it stays closed, having seen the visit: it is answered. Tom's laptop syncs
    again later and sends back its whole chain, with the copy it pulled (the sync's
    entries): the visit's arrival was the newest of all of them, so it then looked as if it
    had arrived after his decision and waited again. Its arrival is Amira's push."""
    amira, tom = laptops(team.worker), laptops(team.manager)
    today = ("--today", TODAY.isoformat())
    recorded = cli("visit", "record", team.child, "--at", "2026-12-01 10:00", "--purpose",
                   "Check on Nell", "--analysis", "Nell seen alone", "--db", amira, *today)
    assert recorded.code == 0, recorded.err
    for path in (amira, tom):
        done = cli("sync", "--db", path, *today)
        assert done.code == 0, done.err
    laptop = open_laptop(tom)
    try:
        with laptop.read() as session:
            assert "Check on Nell" in {v.purpose for v in session.exec(select(Visit)).all()}
    finally:
        laptop.close()
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    decide_on_the_server(team, cli, "The case stays closed; the visit is kept on the record")
    assert waiting_after_closure(team, cli) == []
    done = cli("sync", "--db", tom, *today)  # sends back the copy it pulled
    assert done.code == 0, done.err

    visit = visit_id(team, "Check on Nell")
    entries = entries_of(team, visit)
    assert [(login, actor) for login, actor, *_ in entries] == [
        (team.worker, team.worker), (team.manager, sync.SYNC_ACTOR)]
    assert waiting_after_closure(team, cli) == []
    with team.psql(team.manager) as conn:
        assert conn.execute("SELECT entity_id, arrived_at FROM cintui_arrived(%s)",
                            ([visit],)).fetchall() == [(visit, entries[0][3])]


@pytest.mark.parametrize("first", ["amira", "tom"], ids=["amira-first", "tom-first"])
def test_bex_4_a_decision_made_offline_on_a_managers_laptop_answers_only_what_it_held(
        team, laptops, cli, first):
    """BEX 4, TRA: Amira visits Nell offline on 1 Dec; meanwhile the case was closed on the
    team server as of 27 Nov. Tom, offline on his own laptop (Nell is still on it: it has
    not synced since the closure), records a supervision of Nell on 1 Dec, then a decision:
    the case stays closed. His laptop held his supervision when he decided, never Amira's
    visit. Whichever laptop syncs first, the supervision is answered and the visit waits on
    his list. It was judged by his laptop's clock: with Amira's sync first, the decision,
    recorded later by that clock than her visit arrived, answered a visit he never saw; and
    his supervision, arriving after that clock's time, waited though he had it before him.
    Now the server judges it by the order of his laptop's own chain, which it keeps."""
    amira, tom = laptops(team.worker), laptops(team.manager)
    today = ("--today", TODAY.isoformat())
    recorded = cli("visit", "record", team.child, "--at", "2026-12-01 10:00", "--purpose",
                   "Check on Nell", "--analysis", "Nell seen alone", "--db", amira, *today)
    assert recorded.code == 0, recorded.err
    closed_on_the_server(team)  # as of 27 Nov (RC1)

    def sync_laptop(path: Path) -> None:
        done = cli("sync", "--db", path, *today)
        assert done.code == 0, done.err

    if first == "amira":
        sync_laptop(amira)  # her visit arrives before Tom decides, by any clock
    for args in (("supervision", "record", "--child", team.child, "--present", "Tom, Amira",
                  "--discussion", "Nell's plan", "--decisions", "Carry on", "--by",
                  team.manager, "--on", "2026-12-01"),
                 ("decision", "add", team.child, "--kind", "case_direction", "--decision",
                  "The case stays closed", "--rationale", "The family moved away")):
        done = cli(*args, "--db", tom, *today)
        assert done.code == 0, (args, done.err)
    for path in ((tom,) if first == "amira" else (tom, amira)):
        sync_laptop(path)
    listed = cli("team", "waiting", "--db", server_url(team, team.manager), "--json", *today)
    assert listed.code == 0, listed.err
    assert [(w["record"], w["on"]) for w in json.loads(listed.out)["waiting"]
            if w["child"] == team.child and w["waiting_for"] == "after_closure"] == [
        ("visit", "2026-12-01")]
    # What a laptop held is told as when casework arrived is: only to a login that may see
    # it (row security; Nell restricted to Amira and Tom, Ben not named).
    from cintui.store.models import Supervision

    server = engine.open_url(team.owner_url)
    try:
        with server.read() as session:
            [decision] = [d.id.hex for d in session.exec(select(Decision)).all()]
            [held] = [v.id.hex for v in session.exec(select(Supervision)).all()]
    finally:
        server.close()
    restricted = cli("child", "restrict", team.child, "--to", team.worker, "--db",
                     server_url(team, team.manager))
    assert restricted.code == 0, restricted.err
    for login, told in ((team.manager, [(decision, held)]), (team.other, [])):
        with team.psql(login) as conn:
            assert conn.execute("SELECT * FROM cintui_held(%s, %s)",
                                ([decision], [held])).fetchall() == told


@pytest.mark.parametrize("days", [-1, 1], ids=["a-day-behind", "a-day-ahead"])
def test_bex_4_a_decision_saved_on_the_server_is_judged_by_the_servers_order_not_its_clock(
        team, laptops, cli, monkeypatch, days):
    """BEX 4, TRA: Tom decides on Nell on the team server itself (online), from a computer
    whose clock is a day out. Amira's visit to Nell, made offline on 1 Dec after the case
    closed on 27 Nov, reached the server by the server's clock; the decision took its time
    from Tom's computer, and the two were compared. A day behind, a decision he saved after
    the visit arrived left it waiting; a day ahead, one saved before the visit arrived
    answered a visit he had never seen. Now the server's own order says what it had seen."""
    from datetime import timedelta

    from cintui.casework import decisions
    from cintui.store import models

    class ManagersClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(days=days)

    def decide_by_his_clock() -> None:
        with monkeypatch.context() as computer:
            for module in (models, decisions):  # a decision's time, as each writer takes it
                computer.setattr(module, "datetime", ManagersClock)
            decide_on_the_server(team, cli, "The case stays closed")

    path = laptops(team.worker)
    visit_nell_offline(cli, team, path)
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    if days > 0:
        decide_by_his_clock()  # before the visit arrives: it had not seen it
    done = cli("sync", "--db", path, "--today", TODAY.isoformat())
    assert done.code == 0, done.err
    if days < 0:
        decide_by_his_clock()  # after the visit arrived: it answers it
    assert waiting_after_closure(team, cli) == ([("visit", "2026-12-01")] if days > 0 else [])


def test_bex_4_a_decision_saved_while_a_laptops_push_was_arriving_had_not_seen_it(
        team, laptops, cli):
    """BEX 4, TRA: Amira's laptop syncs her visit to Nell (made offline on 1 Dec, after the
    case closed on 27 Nov). While her push is arriving, before it commits, Tom saves a
    decision on Nell with psql (his login may: a manager's insert), by the server's own
    clock. The visit's arrival was stamped as its entry was inserted, before the decision,
    so the decision, which could not see a visit not yet committed, answered it. Now a
    decision answers what had committed when it was saved; one saved after answers it."""
    path = laptops(team.worker)
    visit_nell_offline(cli, team, path)
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    with team.psql(team.manager) as conn:
        [(child, episode)] = conn.execute(
            "SELECT c.id, e.id FROM child c JOIN episode e ON e.child_id = c.id "
            "WHERE c.reference = %s", (team.child,)).fetchall()

    def decide_meanwhile(phase: str) -> None:
        if phase != "pushed":  # the push is in the server's transaction, not committed
            return
        with team.psql(team.manager) as conn:
            conn.execute(
                "INSERT INTO decision (id, child_id, episode_id, kind, made_on, made_by, "
                "made_by_role, decision, rationale, created_at, updated_at) VALUES (%s, %s, "
                "%s, 'case_direction', %s, %s, '', 'The case stays closed', 'Moved away', "
                "clock_timestamp(), clock_timestamp())",
                (uuid.uuid4(), child, episode, TODAY, team.manager))
            assert conn.execute("SELECT count(*) FROM visit WHERE purpose = %s",
                                ("Check on Nell",)).fetchone() == (0,)  # not there yet

    sync_now(path, team, team.worker, fault=decide_meanwhile)
    assert waiting_after_closure(team, cli) == [("visit", "2026-12-01")]
    decide_on_the_server(team, cli, "The case stays closed; the visit is kept on the record")
    assert waiting_after_closure(team, cli) == []
    # What a decision saw is told as when casework arrived is: only to a login that may see
    # it (row security; Nell restricted to Amira and Tom, Ben not named).
    visit = visit_id(team, "Check on Nell")
    with team.psql(team.manager) as conn:
        decisions = [d for (d,) in conn.execute(
            "SELECT replace(id::text, '-', '') FROM decision ORDER BY created_at")]
    restricted = cli("child", "restrict", team.child, "--to", team.worker, "--db",
                     server_url(team, team.manager))
    assert restricted.code == 0, restricted.err
    for login, told in ((team.manager, dict(zip(decisions, (False, True), strict=True))),
                        (team.other, {})):
        with team.psql(login) as conn:
            assert {d: seen for d, _r, seen in conn.execute(
                "SELECT * FROM cintui_seen(%s, %s)", (decisions, [visit] * 2))} == told


@pytest.mark.parametrize("server", ["set-up-before", "restored"])
def test_bex_4_a_server_set_up_before_the_servers_order_keeps_working_until_init_again(
        team, laptops, cli, monkeypatch, server):
    """A team server set up before it kept what each decision saw (`cintui server init` of
    an earlier release: no transactions kept, no `cintui_seen`), or restored from a dump
    (its transaction ids are another history's: kept in a table made anew, under another
    id): laptops still sync and the manager's list still reads, by the times as before (BEX
    4). `cintui server init` again keeps them afresh from then on; a decision saved before
    it keeps its time."""
    owner = engine.open_url(team.owner_url)
    try:
        with owner.engine.begin() as conn:
            if server == "restored":  # as pg_restore leaves it: the table made anew
                conn.exec_driver_sql("UPDATE seen_order SET relid = 0")
            else:
                for table in ("device_entry", "decision"):
                    conn.exec_driver_sql(f"DROP TRIGGER cintui_order ON {table}")
                    conn.exec_driver_sql(f"DROP FUNCTION cintui_{table}_order()")
                conn.exec_driver_sql("DROP FUNCTION cintui_seen(text[], text[])")
                conn.exec_driver_sql("DROP FUNCTION cintui_pulled(text, bigint, text)")
                conn.exec_driver_sql("DROP TABLE entry_arrival, decision_snapshot, "
                                     "device_pull, seen_order")
    finally:
        owner.close()
    path = laptops(team.worker)
    visit_nell_offline(cli, team, path)
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    decide_on_the_server(team, cli, "The case stays closed")  # before the visit arrives
    done = cli("sync", "--db", path, "--today", TODAY.isoformat())
    assert done.code == 0, done.err
    assert waiting_after_closure(team, cli) == [("visit", "2026-12-01")]
    with monkeypatch.context() as as_owner:
        as_owner.setenv("CINTUI_DATABASE_URL", team.owner_url)
        again = cli("server", "init")
    assert again.code == 0, again.err
    assert waiting_after_closure(team, cli) == [("visit", "2026-12-01")]
    decide_on_the_server(team, cli, "The case stays closed; the visit is kept on the record")
    assert waiting_after_closure(team, cli) == []


def meeting_booked_for_nell(team: Team, cli, path: Path) -> None:
    """On the laptop at `path`: Nell's mother, her consent, and Nell's first CIN meeting
    booked for 1 Dec (Tom to chair), as of 24 Nov."""
    for args in (("person", "add", team.child, "--name", "Rose Quill", "--relationship",
                  "Mother", "--pr", "--lives-with"),
                 ("child", "consent", team.child, "--decision", "given", "--scope", "meeting",
                  "--person", "Rose Quill", "--on", "2026-11-20"),
                 ("meeting", "schedule", team.child, "--kind", "initial", "--at",
                  "2026-12-01 16:00", "--venue", "Family home", "--chair", "Tom Hale")):
        done = cli(*args, "--db", path, "--today", "2026-11-24")
        assert done.code == 0, (args, done.err)


def meeting_held_for_nell(team: Team, cli, path: Path) -> None:
    """On the laptop at `path`: Nell's meeting of 1 Dec recorded held (on 2 Dec)."""
    held = cli("meeting", "hold", team.child, "--recommendation", "continue",
               "--still-in-need", "yes", "--present", "Rose Quill", "--next-review",
               "2027-02-01", "--childs-views", "Happy at home", "--parents-views", "Coping",
               "--db", path, "--today", TODAY.isoformat())
    assert held.code == 0, held.err


@pytest.mark.parametrize("first", ["amira", "tom"], ids=["amira-first", "tom-first"])
def test_bex_4_a_change_another_laptop_made_waits_again_after_an_offline_decision(
        team, laptops, cli, first):
    """BEX 4, TRA: Amira books Nell's CIN meeting for 1 Dec and syncs; Tom's laptop then
    holds the booking. The case is closed on the team server as of 27 Nov. Tom, offline,
    decides the case stays closed: his laptop held the meeting booked, and the decision
    answers that. Amira, offline too, records the meeting held. Whichever laptop syncs
    first, the meeting held waits on his list: his decision answered an older version of
    it. It counted as held by his laptop (its chain had the booking before the decision),
    so nothing waited. Now another laptop's change his laptop had not pulled waits again."""
    amira = laptops(team.worker)
    meeting_booked_for_nell(team, cli, amira)
    sync_now(amira, team, team.worker)
    tom = laptops(team.manager)  # pulls the booking
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    decided = cli("decision", "add", team.child, "--kind", "case_direction", "--decision",
                  "The case stays closed", "--rationale", "The family moved away",
                  "--db", tom, "--today", TODAY.isoformat())
    assert decided.code == 0, decided.err
    if first == "tom":
        sync_now(tom, team, team.manager)
        assert waiting_after_closure(team, cli) == []  # the booking he had: answered
    meeting_held_for_nell(team, cli, amira)
    for path, login in ((amira, team.worker),) + (
            ((tom, team.manager),) if first == "amira" else ()):
        sync_now(path, team, login)
    assert waiting_after_closure(team, cli) == [("meeting_held", "2026-12-01")]


def decide_offline(team: Team, cli, path: Path) -> None:
    """On Tom's laptop at `path`, offline: his decision on Nell, the case closing (BEX 4)."""
    decided = cli("decision", "add", team.child, "--kind", "case_direction", "--decision",
                  "The case closes as of 27 Nov", "--rationale", "The family moved away",
                  "--db", path, "--today", TODAY.isoformat())
    assert decided.code == 0, decided.err


def waiting_words(team: Team, cli) -> list[tuple[str, str, str]]:
    """What waits on Tom's list for Nell after her case's closure, in its words."""
    listed = cli("team", "waiting", "--db", server_url(team, team.manager), "--json",
                 "--today", TODAY.isoformat())
    assert listed.code == 0, listed.err
    return sorted((w["record"], w["on"], w["what"]) for w in json.loads(listed.out)["waiting"]
                  if w["child"] == team.child and w["waiting_for"] == "after_closure")


MEETING_HELD = ("meeting_held", "2026-12-01",
                "decide on a meeting held after the closure (BEX 3)")


@pytest.mark.parametrize("first", ["online", "tom"], ids=["online-first", "tom-first"])
def test_bex_4_a_change_made_on_the_server_waits_again_after_an_offline_decision(
        team, laptops, cli, first):
    """BEX 4, TRA: Amira books Nell's CIN meeting for 1 Dec and syncs; Tom's laptop then
    holds the booking. Offline, Tom decides Nell's case closes as of 27 Nov: his laptop held
    the meeting booked. Amira, at her desk, records the meeting held on the team server
    itself (online, no laptop, the case still open there); the closure is then recorded on
    the server as of 27 Nov. Whether Tom's laptop syncs before her change or after it, the
    meeting held waits on his list, in the words a laptop's change has: his decision
    answered the booking, not the meeting held. Only a laptop's change made a record wait
    again; one made on the server after the version his laptop had counted as seen."""
    amira = laptops(team.worker)
    meeting_booked_for_nell(team, cli, amira)
    sync_now(amira, team, team.worker)
    tom = laptops(team.manager)  # pulls the booking
    decide_offline(team, cli, tom)
    if first == "tom":
        sync_now(tom, team, team.manager)
    meeting_held_for_nell(team, cli, server_url(team, team.worker))  # online, on the server
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    if first == "online":
        sync_now(tom, team, team.manager)
    assert waiting_words(team, cli) == [MEETING_HELD]
    # Amira's laptop, syncing after, brings nothing anew: the holding was the server's.
    sync_now(amira, team, team.worker)
    assert waiting_words(team, cli) == [MEETING_HELD]
    # A decision Tom saves after it (here on the server) answers it.
    decide_on_the_server(team, cli, "The case stays closed; the meeting is kept on record")
    assert waiting_words(team, cli) == []


def test_bex_4_a_change_made_on_the_server_before_the_laptop_pulled_it_is_answered_offline(
        team, laptops, cli):
    """BEX 4, TRA, the converse: Amira records Nell's meeting held on the team server itself
    before Tom's laptop pulls; his laptop then holds the meeting held, and his offline
    decision answers it. The minutes sent, recorded on the server after his pull, do not
    bring the meeting anew (what brings it is the holding, not what follows), so nothing
    waits."""
    amira = laptops(team.worker)
    meeting_booked_for_nell(team, cli, amira)
    sync_now(amira, team, team.worker)
    meeting_held_for_nell(team, cli, server_url(team, team.worker))  # online, on the server
    tom = laptops(team.manager)  # pulls the meeting held
    decide_offline(team, cli, tom)
    sent = cli("meeting", "sent", team.child, "--to", "everyone", "--db",
               server_url(team, team.worker), "--today", TODAY.isoformat())
    assert sent.code == 0, sent.err  # on the server, after his pull
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    sync_now(tom, team, team.manager)
    assert waiting_words(team, cli) == []


def test_bex_4_a_change_made_on_the_server_after_a_decision_saved_there_waits_again(
        team, laptops, cli):
    """BEX 4, TRA: the same for a decision Tom saves on the team server itself. Amira's
    laptop brought the booking; Tom decides online; Amira then records the meeting held,
    online too; the closure is recorded as of 27 Nov. The meeting held waits: it committed
    after his decision (the server's order), which had seen only the booking."""
    amira = laptops(team.worker)
    meeting_booked_for_nell(team, cli, amira)
    sync_now(amira, team, team.worker)
    decide_on_the_server(team, cli, "The case closes as of 27 Nov")
    meeting_held_for_nell(team, cli, server_url(team, team.worker))  # online, after it
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    assert waiting_words(team, cli) == [MEETING_HELD]


def test_bex_4_every_kind_changed_on_the_server_after_an_offline_decision_waits_again(
        team, laptops, cli):
    """BEX 4, TRA, each kind the manager's list keeps after a closure that the app changes:
    Tom records for Nell on the team server (online, 1 Dec) a supervision, a GCP2, a danger
    statement and its safety goal, a scaling, an FGC referral, a short break and a direct
    payment, and books her CIN meeting for 1 Dec; his laptop then pulls them all and,
    offline, he decides her case closes as of 27 Nov, and syncs. Then, on the server, Amira
    records the meeting held and the FGC held, moves the short break's and the direct
    payment's start to 2 Dec, and records a visit on 2 Dec; the closure is recorded there as
    of 27 Nov. What his laptop held as it stands is answered; each record changed (or made)
    on the server after his laptop's pull waits, in its own words, as a laptop's change
    would make it (the meeting held, the FGC held and the two starts counted as seen)."""
    plan_started(team)  # an FGC held joins the CIN plan (BEX 2)
    online = ("--db", server_url(team, team.manager), "--today", TODAY.isoformat())
    for args in (
            ("person", "add", team.child, "--name", "Rose Quill", "--relationship", "Mother",
             "--pr", "--lives-with"),
            ("child", "consent", team.child, "--decision", "given", "--scope", "meeting",
             "--person", "Rose Quill", "--on", "2026-11-20"),
            ("child", "circumstances", team.child, "--disability", "AUT"),
            ("short-break", "add", team.child, "--provider", "Oak House", "--type", "day",
             "--hours", "6", "--start", "2026-12-01"),
            ("direct-payment", "add", team.child, "--amount", "120", "--managed-by",
             "Rose Quill", "--start", "2026-12-01"),
            ("supervision", "record", "--child", team.child, "--present", "Tom, Amira",
             "--discussion", "Nell's plan", "--decisions", "Carry on", "--by", team.manager,
             "--on", "2026-12-01"),
            ("gcp2", "record", team.child, "--assessor", "Amira", "--physical", "2",
             "--safety", "2", "--love", "2", "--esteem", "2", "--summary", "Good enough",
             "--on", "2026-12-01"),
            ("sos", "danger", team.child, "Nell may be left alone at night", "--on",
             "2026-12-01"),
            ("sos", "goal", team.child, "An adult is home with Nell every night",
             "--danger", "1", "--on", "2026-12-01"),
            ("sos", "scale", team.child, "--score", "Mum | mother | 6 | Better nights",
             "--on", "2026-12-01"),
            ("fgc", "refer", team.child, "--coordinator", "Jo Bright", "--on", "2026-12-01")):
        done = cli(*args, *online)
        assert done.code == 0, (args, done.err)
    booked = cli("meeting", "schedule", team.child, "--kind", "initial", "--at",
                 "2026-12-01 16:00", "--venue", "Family home", "--chair", "Tom Hale",
                 *online[:2], "--today", "2026-11-24")  # booked ahead
    assert booked.code == 0, booked.err
    tom = laptops(team.manager)  # pulls them all
    decide_offline(team, cli, tom)
    sync_now(tom, team, team.manager)
    amira, today = ("--db", server_url(team, team.worker)), ("--today", TODAY.isoformat())
    meeting_held_for_nell(team, cli, server_url(team, team.worker))
    for args in (
            ("fgc", "held", team.child, "--family-plan", "Gran has Nell on Fridays",
             "--action", "Gran has Nell on Fridays | Gran | 2026-12-18", "--on", "2026-12-01",
             *today),
            ("short-break", "edit", team.child, "--start", "2026-12-02"),
            ("direct-payment", "edit", team.child, "--start", "2026-12-02"),
            ("visit", "record", team.child, "--at", "2026-12-02 10:00", "--purpose",
             "Check on Nell", "--analysis", "Nell seen alone", *today)):
        done = cli(*args, *amira)
        assert done.code == 0, (args, done.err)
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    assert waiting_words(team, cli) == sorted([
        MEETING_HELD,
        ("fgc_held", "2026-12-01", "decide on an FGC held after the closure (BEX 3)"),
        ("short_break", "2026-12-02", "decide on a short break after the closure (BEX 3)"),
        ("direct_payment", "2026-12-02",
         "decide on a direct payment after the closure (BEX 3)"),
        ("visit", "2026-12-02", "decide on a visit after the closure (BEX 3)")])


def plan_started(team: Team) -> None:
    """On the team server: Nell's referral, her assessment authorised with a CIN plan as its
    outcome, and the plan started by Tom (TRA), as of mid-November."""
    from cintui.casework import cases
    from cintui.casework import steps as cs
    from cintui.domain.steps import Referral
    from tests.casework.test_steps import TEXTS

    server = engine.open_url(make_url(team.owner_url).set(
        username=team.manager, password=PASSWORD).render_as_string(hide_password=False))
    login = team.manager  # on the server, Tom himself (issue 18)
    try:
        with server.session(login) as session:
            child = cases.find_child(session, team.child).id
            cs.record_referral(session, child, Referral(
                source="police", need="abuse or neglect", route="mash", decision="assessment",
                decided_on=date(2026, 11, 2), decided_by=team.manager), today=TODAY,
                actor=login)
            cs.start_assessment(session, child, date(2026, 11, 3), TODAY)
            cs.write_record(session, child, TEXTS)
            cs.set_factors(session, child, ["neglect"])
            cs.set_outcome(session, child, "cin_plan")
            cs.complete_assessment(session, child, date(2026, 11, 10), TODAY)
            cs.authorise_assessment(session, child, date(2026, 11, 11), today=TODAY,
                                    by=team.manager, actor=team.manager)
            cs.start_plan(session, child, date(2026, 11, 12), today=TODAY, by=team.manager,
                          actor=team.manager)
    finally:
        server.close()


def test_tra_bex_3_casework_of_every_kind_made_offline_after_a_closure_is_said_and_waits(
        team, laptops, cli):
    """Tom, offline, records for Nell a supervision, a GCP2, a danger statement and its
    safety goal, a round of scaling, a referral to a Family Group Conference and the
    conference held, a short break and a direct payment, all on 1 Dec, and books her CIN
    meeting for 3 Dec; meanwhile the case was closed on the team server as of 27 Nov (TRA,
    BEX 3). The sync kept each without a word; now it says each in the visit's one-line form
    (the child, what, its day, the closure): the FGC referred and held in the same push as
    both (only "held" was said), and each waits for the manager's decision in its own words
    (`cintui team waiting`), from the day it was recorded, until one is recorded (BEX 4),
    who and when in the audit trail. The safety goal and the FGC held through a real sync
    (they were tested only by rows written straight into the store)."""

    plan_started(team)  # an FGC held joins the CIN plan (BEX 2)
    path = laptops(team.manager)
    recorded = england_time(datetime.now(UTC)).date()  # the laptop's clock as it records
    on = ("--on", "2026-12-01", "--db", path, "--today", TODAY.isoformat())
    for args in (  # first what a booking and new support need (WIR 2.1, 2.3; WAR 7.1)
            ("person", "add", team.child, "--name", "Rose Quill", "--relationship", "Mother",
             "--pr", "--lives-with"),
            ("child", "consent", team.child, "--decision", "given", "--scope", "meeting",
             "--person", "Rose Quill", "--on", "2026-11-20"),
            ("child", "circumstances", team.child, "--disability", "AUT")):
        done = cli(*args, "--db", path, "--today", TODAY.isoformat())
        assert done.code == 0, (args, done.err)
    booked = cli("meeting", "schedule", team.child, "--kind", "initial", "--at",
                 "2026-12-03 16:00", "--venue", "Family home", "--chair", "Tom Hale", "--db",
                 path, "--today", TODAY.isoformat())
    assert booked.code == 0, booked.err
    for args in (("short-break", "add", team.child, "--provider", "Oak House", "--type",
                  "day", "--hours", "6", "--start", "2026-12-01"),
                 ("direct-payment", "add", team.child, "--amount", "120", "--managed-by",
                  "Rose Quill", "--start", "2026-12-01")):
        done = cli(*args, "--db", path, "--today", TODAY.isoformat())
        assert done.code == 0, (args, done.err)
    for args in (
            ("supervision", "record", "--child", team.child, "--present", "Tom, Amira",
             "--discussion", "Nell's plan", "--decisions", "Carry on", "--by", team.manager),
            ("gcp2", "record", team.child, "--assessor", "Amira", "--physical", "2",
             "--safety", "2", "--love", "2", "--esteem", "2", "--summary", "Good enough"),
            ("sos", "danger", team.child, "Nell may be left alone at night"),
            ("sos", "goal", team.child, "An adult is home with Nell every night",
             "--danger", "1"),
            ("sos", "scale", team.child, "--score", "Mum | mother | 6 | Better nights",
             "--score", "Amira | social worker | 5 | Early days"),
            ("fgc", "refer", team.child, "--coordinator", "Jo Bright"),
            ("fgc", "held", team.child, "--family-plan", "Gran has Nell on Fridays",
             "--action", "Gran has Nell on Fridays | Gran | 2026-12-18")):
        done = cli(*args, *on)
        assert done.code == 0, (args, done.err)
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    done = cli("sync", "--db", path, "--today", TODAY.isoformat())
    assert done.code == 0, done.err
    said = " ".join(done.out.split())
    for what in ("Supervision on 1 Dec", "GCP2 assessment on 1 Dec", "Danger statement on 1 Dec",
                 "Safety goal on 1 Dec", "Signs of Safety scaling on 1 Dec",
                 "Referral to a Family Group Conference on 1 Dec",
                 "Family Group Conference held on 1 Dec",
                 "Short break starting on 1 Dec", "Direct payment starting on 1 Dec",
                 "Meeting booked for 3 Dec"):
        assert (f"{what} 2026 for {team.child} arrived after the case closed on 27 Nov "
                "2026: kept; re-refer if the case is open again.") in said, said
    assert said.count("Signs of Safety scaling") == 1  # one round, however many scores
    as_json = cli("sync", "--db", path, "--today", TODAY.isoformat(), "--json")
    assert json.loads(as_json.out)["after_closure"] == []  # said once, at the sync that brought it

    synced = england_time(datetime.now(UTC)).date()

    def waiting() -> list[tuple[str, str, str]]:
        listed = cli("team", "waiting", "--db", server_url(team, team.manager), "--json",
                     "--today", TODAY.isoformat())
        assert listed.code == 0, listed.err
        found = [w for w in json.loads(listed.out)["waiting"]
                 if w["child"] == team.child and w["waiting_for"] == "after_closure"]
        # Each waits from the day it was recorded, not its own (3 Dec for the booking).
        assert all(recorded.isoformat() <= w["since"] <= synced.isoformat() for w in found)
        return [(w["record"], w["on"], w["what"]) for w in found]

    assert sorted(waiting()) == sorted([
        ("supervision", "2026-12-01", "decide on a supervision after the closure (BEX 3)"),
        ("gcp2", "2026-12-01", "decide on a GCP2 assessment after the closure (BEX 3)"),
        ("danger_statement", "2026-12-01",
         "decide on a danger statement after the closure (BEX 3)"),
        ("safety_goal", "2026-12-01", "decide on a safety goal after the closure (BEX 3)"),
        ("scaling", "2026-12-01", "decide on a scaling after the closure (BEX 3)"),
        ("fgc_held", "2026-12-01", "decide on an FGC held after the closure (BEX 3)"),
        ("short_break", "2026-12-01", "decide on a short break after the closure (BEX 3)"),
        ("direct_payment", "2026-12-01",
         "decide on a direct payment after the closure (BEX 3)"),
        ("meeting_booked", "2026-12-03",
         "decide on a meeting booked after the closure (BEX 3)")])
    decided = cli("decision", "add", team.child, "--kind", "case_direction", "--decision",
                  "The case stays closed; what was recorded is kept", "--rationale",
                  "The family moved away", "--db", server_url(team, team.manager),
                  "--today", TODAY.isoformat())
    assert decided.code == 0, decided.err
    assert waiting() == []
    server = engine.open_url(team.owner_url)
    try:
        with server.read() as session:
            [entry] = session.exec(select(AuditEntry).where(
                AuditEntry.entity == "decision")).all()
    finally:
        server.close()
    assert entry.actor == team.manager and entry.action == "insert"


def test_tra_bex_3_a_meeting_booked_before_the_closure_and_held_offline_after_it_is_said(
        team, laptops, cli):
    """Amira books Nell's first CIN meeting for 1 Dec and syncs while the case is open; the
    case is then closed on the team server as of 27 Nov, and she records the meeting held,
    offline (TRA, BEX 3). The next sync says "Meeting held on 1 Dec 2026 …" (a change to a
    record the server already held, not a new one), and it waits for the manager."""

    path = laptops(team.worker)
    meeting_booked_for_nell(team, cli, path)
    first = sync_now(path, team, team.worker)
    assert first.after_closure == []  # the case is open: a booking like any other
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    held = cli("meeting", "hold", team.child, "--recommendation", "continue",
               "--still-in-need", "yes", "--present", "Rose Quill", "--next-review",
               "2027-02-01", "--childs-views", "Happy at home", "--parents-views", "Coping",
               "--db", path, "--today", TODAY.isoformat())
    assert held.code == 0, held.err
    again = sync_now(path, team, team.worker)
    assert again.after_closure == [
        f"Meeting held on 1 Dec 2026 for {team.child} arrived after the case closed on 27 Nov "
        "2026: kept; re-refer if the case is open again"]
    listed = cli("team", "waiting", "--db", server_url(team, team.manager), "--json",
                 "--today", TODAY.isoformat())
    assert [(w["record"], w["on"]) for w in json.loads(listed.out)["waiting"]
            if w["waiting_for"] == "after_closure"] == [("meeting_held", "2026-12-01")]


def test_tra_bex_3_a_meeting_booked_and_held_offline_in_one_push_is_said_as_both(
        team, laptops, cli):
    """Amira books Nell's first CIN meeting for 1 Dec and records it held, both offline; the
    case was closed on the team server as of 27 Nov meanwhile (TRA, BEX 3). The one push
    that brings the record made and changed says both, the booking and the meeting held
    (only "held" was said: a record created and changed in one push said its last state)."""

    path = laptops(team.worker)
    meeting_booked_for_nell(team, cli, path)
    held = cli("meeting", "hold", team.child, "--recommendation", "continue",
               "--still-in-need", "yes", "--present", "Rose Quill", "--next-review",
               "2027-02-01", "--childs-views", "Happy at home", "--parents-views", "Coping",
               "--db", path, "--today", TODAY.isoformat())
    assert held.code == 0, held.err
    closed_on_the_server(team)  # as of 27 Nov (RC1)
    pushed = sync_now(path, team, team.worker)
    assert pushed.after_closure == [  # the same day's: in the list's order of kinds
        f"Meeting held on 1 Dec 2026 for {team.child} arrived after the case closed on 27 Nov "
        "2026: kept; re-refer if the case is open again",
        f"Meeting booked for 1 Dec 2026 for {team.child} arrived after the case closed on 27 "
        "Nov 2026: kept; re-refer if the case is open again"]
