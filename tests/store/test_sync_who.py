"""A sync conflict says who last changed the team server's copy, and when (revision 0031): a
worker choosing between their laptop's version and the server's needs to know whose the
server's is ("Changed by Ben Cole (ben.cole) on 03/12/2026 at 10:42"). Their login cannot read
the server's audit trail, so the server says, through `cintui_conflict_changes` (a SECURITY
DEFINER function, store/server.py), as the laptop syncs; it answers a login about its own
laptops' conflicts, on records it may see, and nothing else.

A real team server (tests/store/teams.py) and laptops made with `cintui sync setup`; the
syncs that make the conflicts run as real processes, as `cintui sync` on a laptop.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import select

from cintui.domain.calendar import england_time
from cintui.store import audit, engine, migrate, sync
from cintui.store.models import AuditEntry, Child, SyncConflict
from tests.store.teams import (
    PASSWORD,
    Team,
    team,  # noqa: F401 - the fixture
)
from tests.store.test_sync import (
    LAPTOP_PASSPHRASE,
    TODAY,
    _as,
    ben_deletes_rosa_on_the_server,
    clash,
    laptops,  # noqa: F401 - the fixture
    open_laptop,
    open_server,
    rename_child,
    rosas_phone_changed_on_a_laptop,
    sync_now,
)


def sync_process(path: Path) -> dict:
    """`cintui sync` on the laptop at `path`, as its worker runs it: a process of its own."""
    done = subprocess.run([sys.executable, "-m", "cintui", "sync", "--db", str(path), "--json",
                           "--today", TODAY.isoformat()], capture_output=True, text=True,
                          env=dict(os.environ), stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def newest_change(at: Team, entity_id: str, field: str = "") -> AuditEntry:
    """The server's own newest audit entry for a record (its field), read as the owner."""
    owner = engine.open_url(at.owner_url)
    try:
        with owner.read() as session:
            entries = session.exec(select(AuditEntry).where(AuditEntry.entity_id == entity_id)
                                   .order_by(AuditEntry.seq.desc())).all()
    finally:
        owner.close()
    return next(e for e in entries if not field or field in json.loads(e.changes))


def said_at(at) -> str:
    local = england_time(at)
    return f"on {local.day} {local:%b %Y} at {local:%H:%M}"  # "on 7 Dec 2026 at 07:24"


def child_id(store) -> uuid.UUID:
    with store.read() as session:
        return session.exec(select(Child.id)).one()


def test_two_laptops_change_the_same_field_and_the_conflict_names_the_colleague_and_when(
        team, laptops, cli):  # noqa: F811
    """Ben renames Nell "Eleanor" on his laptop and syncs; Amira, offline, renamed her
    "Nelly" on hers. Her sync keeps both and says the server's is Ben's, and when it reached
    the server, in England's time: in `sync conflicts` (text and --json) and when she
    resolves it."""
    amira, ben = laptops(team.worker), laptops(team.other)
    for path, login, name in ((ben, team.other, "Eleanor"), (amira, team.worker, "Nelly")):
        laptop = open_laptop(path)
        rename_child(laptop, login, team.child, name)
        nell = child_id(laptop)
        laptop.close()
    assert sync_process(ben)["conflicts"] == 0
    assert sync_process(amira)["conflicts"] == 1
    bens = newest_change(team, nell.hex, "first_name")
    assert bens.actor == team.other  # the server's trail: Ben's sync applied it as Ben

    [shown] = json.loads(cli("sync", "conflicts", "--db", amira, "--json").out)
    assert (shown["base"], shown["mine"], shown["theirs"]) == ("Nell", "Nelly", "Eleanor")
    assert (shown["theirs_by"], shown["theirs_by_name"]) == (team.other, "Ben Cole")
    assert shown["theirs_at"] == bens.at.isoformat()
    assert shown["theirs_changed"] == f"Changed by Ben Cole ({team.other}) {said_at(bens.at)}"
    text = cli("sync", "conflicts", "--db", amira).out
    assert "Child's details: first name (changed on both, from Nell)" in text  # both from
    assert (f"On the team server:  Eleanor · changed by Ben Cole ({team.other}) "
            f"{said_at(bens.at)}") in text, text
    assert "On this laptop:      Nelly · changed here on " in text
    took = cli("sync", "resolve", shown["id"][:8], "theirs", "--db", amira)
    assert took.code == 0, took.err
    assert took.out.strip() == (f"Took the team server's version (changed by Ben Cole "
                                f"{said_at(bens.at)}).")
    sync_process(amira)
    laptop = open_laptop(amira)
    with laptop.read() as session:
        assert session.exec(select(Child)).one().first_name == "Eleanor"
        [kept] = session.exec(select(SyncConflict)).all()  # kept, resolved, with who
        assert (kept.theirs_by, kept.status) == (team.other, "resolved")
    laptop.close()


def test_an_edit_on_the_server_by_a_colleague_and_one_by_yourself_are_each_named(
        team, laptops, cli):  # noqa: F811
    """Ben changes Nell's name on the team server (in the office) while Amira changes it
    offline: his name and time. Then Amira herself changes her date of birth in the office,
    and her laptop another way: "you". Keeping hers says over whose."""
    path = laptops(team.worker)
    clash(team, path)  # Nelly on the laptop, Eleanor on the server by Ben
    laptop = open_laptop(path)
    nell = child_id(laptop)
    with laptop.session(team.worker) as session:
        child = session.get(Child, nell)
        child.known_as = "Nells"
        session.add(child)
    laptop.close()
    server = open_server(team, team.worker)
    with server.session(team.worker) as session:
        child = session.get(Child, nell)
        child.known_as = "Ellie"
        session.add(child)
    server.close()
    assert sync_process(path)["conflicts"] == 2
    by_field = {c["field"]: c for c in json.loads(
        cli("sync", "conflicts", "--db", path, "--json").out)}
    bens = newest_change(team, nell.hex, "first_name")
    mine = newest_change(team, nell.hex, "known_as")
    assert by_field["first_name"]["theirs_changed"] == (
        f"Changed by Ben Cole ({team.other}) {said_at(bens.at)}")
    assert by_field["known_as"]["theirs_changed"] == f"Changed by you {said_at(mine.at)}"
    assert by_field["known_as"]["theirs_by_name"] == "Amira Ashdown"
    kept = cli("sync", "resolve", by_field["first_name"]["id"], "mine", "--db", path)
    assert kept.out.strip() == (f"Kept your version over the team server's (changed by Ben "
                                f"Cole {said_at(bens.at)}): the team server takes it at the "
                                "next sync (cintui sync).")


def test_a_record_deleted_on_the_server_names_who_deleted_it(team, laptops, cli):  # noqa: F811
    path, rosa = rosas_phone_changed_on_a_laptop(team, laptops, cli)
    ben_deletes_rosa_on_the_server(team)
    assert sync_process(path)["conflicts"] == 1
    [shown] = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    deleted = newest_change(team, rosa.id.hex)
    assert deleted.action == "delete"
    assert shown["kind"] == "deleted_on_server" and shown["theirs_by"] == team.other
    assert shown["theirs_changed"] == (f"Deleted by Ben Cole ({team.other}) "
                                       f"{said_at(deleted.at)}")


def test_a_new_record_the_server_refused_says_nothing_of_who(team, laptops, cli):  # noqa: F811
    """A manager's step slipped in offline, refused: the server holds a version (who made it:
    the set-up, as the owner). A new record it refused was never there: nothing to name."""
    from cintui.store.models import Episode

    path = laptops(team.worker)
    laptop = open_laptop(path)
    with laptop.session(team.worker) as session:
        episode = session.exec(select(Episode)).one()
        episode.assessment_authorised_by = "Amira Ashdown"
        session.add(episode)
    laptop.close()
    assert sync_process(path)["conflicts"] == 1
    [shown] = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    owner = make_url(team.owner_url).username
    assert shown["kind"] == "refused" and shown["theirs_by"] == owner
    assert shown["theirs_changed"].startswith(f"Changed by {owner} on ")
    # and a conflict about a record the server never had names no one
    laptop = open_laptop(path)
    with laptop.session(sync.SYNC_ACTOR) as session:
        session.add(SyncConflict(device=laptop.store_id, kind="refused", entity="visit",
                                 entity_id=uuid.uuid4().hex, mine='{"action":"insert"}',
                                 theirs="null", reason="it refers to a meeting that is not "
                                 "on the server"))
    laptop.close()
    refused = [c for c in json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
               if c["record"] == "visit"]
    assert refused[0]["theirs_changed"] == "" and refused[0]["theirs"] is None
    assert "(not on the team server)" in cli("sync", "conflicts", "--db", path).out


def call(conn: psycopg.Connection, ids: list[uuid.UUID]) -> list[tuple]:
    return conn.execute("SELECT id, login FROM cintui_conflict_changes(%s::uuid[])",
                        ([str(i) for i in ids],)).fetchall()


def test_the_server_names_who_only_to_the_conflicts_own_login_about_what_it_may_see(
        team, laptops, cli):  # noqa: F811
    """With psql: Ben's login learns who changed the server's copy of his own conflict;
    Amira's login learns nothing of his; once a manager restricts the child to Amira (Ben not
    named), his own conflict tells him nothing, nor does one he writes himself naming the
    child's record with no child on it. His login still cannot read the trail."""
    path = laptops(team.other)  # Ben's laptop: Nell is his team's
    laptop = open_laptop(path)
    rename_child(laptop, team.other, team.child, "Nelly")
    nell, device = child_id(laptop), laptop.store_id
    laptop.close()
    server = open_server(team, team.worker)
    rename_child(server, team.worker, team.child, "Eleanor")  # Amira, in the office
    server.close()
    assert sync_now(path, team, team.other).conflicts == 1
    laptop = open_laptop(path)
    with laptop.read() as session:
        [conflict] = session.exec(select(SyncConflict)).all()
    laptop.close()
    assert conflict.theirs_by == team.worker  # the push asked, as Ben, and kept it
    with team.psql(team.other) as ben, team.psql(team.worker) as amira:
        assert call(ben, [conflict.id]) == [(conflict.id, team.worker)]
        assert call(amira, [conflict.id]) == []  # not her laptop's
        try:
            ben.execute("SELECT actor FROM audit_log LIMIT 1")
            raise AssertionError("a worker read the audit trail")
        except psycopg.errors.InsufficientPrivilege:
            pass
        with _as(team.url(team.manager)):
            done = cli("child", "restrict", team.child, "--to", team.worker)
            assert done.code == 0, done.err
        assert call(ben, [conflict.id]) == []  # the child is hidden from him now
        forged = uuid.uuid4()  # his own row naming Nell's record, with no child on it
        ben.execute("INSERT INTO sync_conflict (id, created_at, updated_at, device, kind, "
                    "entity, entity_id, field, base, mine, theirs, reason, recorded_at, "
                    "status, chosen, resolved_by, theirs_by) VALUES (%s, now(), now(), %s, "
                    "'both_changed', 'child', %s, 'first_name', 'null', 'null', 'null', '', "
                    "now(), 'open', '', '', '')", (forged, device, nell.hex))
        assert call(ben, [forged]) == []
        assert call(amira, [conflict.id, forged]) == []


def test_a_conflict_recorded_before_revision_0031_still_shows_who_is_not_known(
        tmp_path, cli, monkeypatch):
    """A laptop store at revision 0030 with an open conflict: this cintui upgrades it on
    opening; the conflict shows, its server's side "not known", and resolves."""
    from cintui.store.engine import _create_store_at

    path = tmp_path / "old-laptop.db"
    old = _create_store_at(path, LAPTOP_PASSPHRASE, encrypt=True, revision="0030")
    cid = uuid.uuid4()
    try:
        with old.session(sync.SYNC_ACTOR) as session:
            session.connection().exec_driver_sql(
                "INSERT INTO store_meta (key, value) VALUES ('sync_login', 'amira.ashdown'), "
                "('sync_server', 'postgresql+psycopg://amira.ashdown@team-server/cintui')")
            session.connection().exec_driver_sql(
                "INSERT INTO sync_conflict (id, created_at, updated_at, device, kind, entity, "
                "entity_id, field, base, mine, theirs, reason, recorded_at, status, chosen, "
                "resolved_by) VALUES (?, '2026-11-20 10:00:00', '2026-11-20 10:00:00', 'd', "
                "'both_changed', 'child', ?, 'first_name', '\"Nell\"', '\"Nelly\"', "
                "'\"Eleanor\"', '', '2026-11-20 10:00:00', 'open', '', '')",
                (cid.hex, uuid.uuid4().hex))
        assert migrate.current_revision(old.engine) == "0030"
    finally:
        old.close()
    monkeypatch.setenv("CINTUI_PASSPHRASE", LAPTOP_PASSPHRASE)
    monkeypatch.setenv("CINTUI_USER", "amira.ashdown")
    text = cli("sync", "conflicts", "--db", path)
    assert text.code == 0, text.err
    assert ("On the team server:  Eleanor · who changed it there, and when: not known"
            in text.out), text.out
    [shown] = json.loads(cli("sync", "conflicts", "--db", path, "--json").out)
    assert (shown["theirs_by"], shown["theirs_by_name"], shown["theirs_at"]) == (None, None,
                                                                                 None)
    took = cli("sync", "resolve", cid.hex[:8], "theirs", "--db", path)
    assert took.code == 0 and took.out.strip() == "Took the team server's version."
    store = engine.open_store(path, LAPTOP_PASSPHRASE)
    try:
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        assert audit.verify(store).ok
    finally:
        store.close()


def test_a_team_server_upgraded_from_0030_names_who_in_conflicts_made_after(
        pg_url, cli, monkeypatch, tmp_path):
    """The owner upgrades a team server at 0030 (`cintui db upgrade`), made by a cintui that
    had no `cintui_conflict_changes`: the upgrade re-applies the server's functions, so a
    worker's login may ask who changed a record in conflict."""
    from sqlalchemy import create_engine

    from cintui.store import server
    from tests.store.teams import drop_roles

    made = create_engine(pg_url)
    try:
        migrate.upgrade(made, "0030")
        with made.begin() as conn:
            server.init(conn)
            conn.exec_driver_sql("DROP FUNCTION cintui_conflict_changes(uuid[])")
    finally:
        made.dispose()
    suffix = uuid.uuid4().hex[:8]
    login = f"amira.{suffix}"
    monkeypatch.setenv("CINTUI_DATABASE_URL", pg_url)
    monkeypatch.setenv("CINTUI_USER", make_url(pg_url).username)
    try:
        upgraded = cli("db", "upgrade", "--backup-taken")
        assert upgraded.code == 0, upgraded.err
        assert f"from revision 0030 to {migrate.head_revision()}" in upgraded.out
        password = tmp_path / "pw"
        password.write_text(PASSWORD + "\n")
        assert cli("worker", "add", login, "--name", "Amira Ashdown", "--role",
                   "social worker", "--password-file", password).code == 0
        url = make_url(pg_url)
        with psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=login,
                             password=PASSWORD, autocommit=True) as conn:
            assert call(conn, [uuid.uuid4()]) == []  # there, and granted to workers
    finally:
        drop_roles(pg_url, [login])
