"""Short breaks and direct payments on a team server (WAR 7, 7.2.1): a worker's login adds,
reviews and ends them as cintui does, but cannot with psql delete a package or change a
review (the review history is the record that it was reviewed); a child restricted to named
workers hides its packages and reviews from the others."""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.store.teams import _ok
from tests.store.test_team_server import _child_id

DAY = ("--today", "2026-11-23")


def test_a_workers_login_ends_a_package_but_never_deletes_it_or_edits_a_review(
        team, cli, monkeypatch):  # noqa: F811
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    _ok(cli("child", "circumstances", team.child, "--disability", "AUT", *DAY))
    _ok(cli("short-break", "add", team.child, "--provider", "Rainbow House", "--type",
            "overnight", "--hours", "8", "--per", "month", "--start", "2026-11-02", *DAY))
    _ok(cli("short-break", "review", team.child, "--on", "2026-11-20", "--notes", "Settled",
            *DAY))
    child_id = _child_id(team)
    with team.psql(team.worker) as conn:
        for statement in ("DELETE FROM short_break", "DELETE FROM direct_payment",
                          "UPDATE support_review SET notes = 'changed'",
                          "DELETE FROM support_review"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM support_review WHERE child_id = %s",
                            (child_id,)).fetchone()[0] == 1
    _ok(cli("short-break", "end", team.child, "--on", "2026-11-23", "--reason",
            "No longer needed", *DAY))

    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    _ok(cli("child", "restrict", team.child, "--to", team.worker))
    with team.psql(team.other) as conn:
        for table in ("short_break", "support_review"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    with team.psql(team.worker) as conn:
        assert conn.execute("SELECT count(*) FROM short_break").fetchone()[0] == 1
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    monkeypatch.setenv("CINTUI_USER", make_url(team.owner_url).username)
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.err  # every change made through cintui: accounted for


def test_upgrading_a_team_server_moves_its_direct_payments_under_the_owners_login_war_7_2_1(
        team, cli, monkeypatch):  # noqa: F811
    """WAR 7.2.1: a team server from before revision 0024 kept a child's direct payments on
    the case steps. `cintui db upgrade` by its owner moves them into the one record (0024) as
    audited inserts under the owner's login, which the server's trigger requires (it refused
    the upgrade's own name, "cintui upgrade 0024", and the whole upgrade with it): the
    upgrade succeeds, `audit verify` finds nothing made outside cintui, and the worker reads
    the payment."""
    import uuid
    from datetime import UTC, datetime

    from alembic import command

    from cintui.store import engine, migrate

    owner_login = make_url(team.owner_url).username
    owner = engine.open_url(team.owner_url)
    try:
        with owner.engine.connect() as conn, conn.begin():  # the store as it was at 0023
            command.downgrade(migrate.alembic_config(conn), "0023")
            # The old record as cintui at 0023 wrote it (its own audited writes are not what
            # this test is about: the server's change log is off for these two statements).
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.exec_driver_sql(
                "UPDATE child SET direct_payments_started = '2025-01-06', "
                "last_direct_payment_review = '2025-12-05' WHERE reference = %(ref)s",
                {"ref": team.child})
            conn.exec_driver_sql(
                "INSERT INTO direct_payment_review (id, created_at, updated_at, child_id, "
                "reviewed_on, reviewed_by, notes) SELECT %(id)s, %(now)s, %(now)s, id, "
                "'2025-12-05', 'Amira Ashdown', 'Working well' FROM child "
                "WHERE reference = %(ref)s",
                {"id": uuid.uuid4(), "now": datetime(2025, 12, 5, 9, tzinfo=UTC),
                 "ref": team.child})
            conn.exec_driver_sql("SET LOCAL session_replication_role = origin")
    finally:
        owner.close()

    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    monkeypatch.setenv("CINTUI_USER", owner_login)
    upgraded = cli("db", "upgrade", "--backup-taken")
    assert upgraded.code == 0, upgraded.out + upgraded.err
    assert f"from revision 0023 to {migrate.head_revision()}" in upgraded.out
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.out + verified.err
    owner = engine.open_url(team.owner_url)
    try:
        with owner.engine.connect() as conn:
            actors = [tuple(r) for r in conn.exec_driver_sql(
                "SELECT entity, actor FROM audit_log WHERE entity IN "
                "('direct_payment', 'support_review') ORDER BY seq")]
    finally:
        owner.close()
    assert actors == [("direct_payment", owner_login), ("support_review", owner_login)]

    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    listed = cli("direct-payment", "list", team.child, "--json")
    _ok(listed)
    [payment] = json.loads(listed.out)["direct_payments"]
    assert (payment["started_on"], payment["amount"], payment["open"]) == (
        "2025-01-06", None, True)
    assert [(r["on"], r["by"], r["notes"]) for r in payment["reviews"]] == [
        ("2025-12-05", "Amira Ashdown", "Working well")]
