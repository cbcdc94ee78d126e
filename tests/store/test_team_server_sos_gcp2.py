"""Signs of Safety (STO 6.3) and Graded Care Profile 2 (STO 4.3, 7.1) on a team server: a
worker's login records a scaling, a danger statement and a GCP2 through cintui; with psql
the same login can add such a record but never change or delete one; a child restricted to
named workers hides them all from anyone else."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.store.teams import _ok
from tests.store.test_team_server import _child_id

TABLES = ("safety_statement", "safety_scaling", "gcp2_assessment", "gcp2_need")


def test_sto_6_3_records_are_appended_and_hidden_with_a_restricted_child(
        team, cli, monkeypatch):  # noqa: F811
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    day = ("--today", "2026-11-23")
    _ok(cli("sos", "danger", team.child, "If nothing changes Nell may go hungry", *day))
    _ok(cli("sos", "scale", team.child, "--score", "Nell's mum | Mum | 5 | better", *day))
    _ok(cli("sos", "goal", team.child, "Nell eats three meals a day", "--danger", "1", *day))
    _ok(cli("gcp2", "record", team.child, "--assessor", "Amira Ashdown", "--physical", "4",
            "--safety", "2", "--love", "2", "--esteem", "3", "--summary", "Food short", *day))
    child_id = _child_id(team)
    with team.psql(team.worker) as conn:
        for table in TABLES[:3]:
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE child_id = %s",
                                (child_id,)).fetchone()[0] >= 1, table
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE safety_scaling SET score = 10 WHERE child_id = %s",
                         (child_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM gcp2_assessment WHERE child_id = %s", (child_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE safety_statement SET text = 'x' WHERE child_id = %s",
                         (child_id,))

    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    _ok(cli("child", "restrict", team.child, "--to", team.worker))
    with team.psql(team.other) as conn:
        for table in TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    with team.psql(team.worker) as conn:
        assert conn.execute("SELECT score FROM safety_scaling WHERE child_id = %s",
                            (child_id,)).fetchone()[0] == 5
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    shown = cli("sos", "show", team.child, "--json")
    assert shown.code == 0 and "Nell's mum" in shown.out
    # Everything the logins did through cintui is in the trail (the owner checks it).
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    monkeypatch.setenv("CINTUI_USER", make_url(team.owner_url).username)
    verified = cli("audit", "verify")
    assert verified.code == 0, verified.out + verified.err
