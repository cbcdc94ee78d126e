"""Short breaks and direct payments on a team server (WAR 7, 7.2.1): a worker's login adds,
reviews and ends them as cintui does, but cannot with psql delete a package or change a
review (the review history is the record that it was reviewed); a child restricted to named
workers hides its packages and reviews from the others."""

from __future__ import annotations

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
