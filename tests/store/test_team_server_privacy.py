"""PRIV 1 on a team server (issue 24): erasing a closed record is a manager's login's, the
server's functions do what a manager may not do by hand (delete decisions, blank audit
entries), every row deleted has its audited delete, and `audit verify` finds nothing made
outside cintui; a blanked entry no erasure names is caught."""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlmodel import select

from cintui.store import audit
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.store.teams import Team, team  # noqa: F401 - the fixture

LATER = "2044-01-02"  # past Nell's 25th birthday (born 1 April 2018)


def _build_and_close(team: Team, cli, monkeypatch) -> None:  # noqa: F811
    monkeypatch.delenv("CINTUI_USER", raising=False)  # on a team server, who logged in
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    for args in (("person", "add", team.child, "--name", "Layla Quill", "--relationship",
                  "Mother", "--pr", "--lives-with"),
                 ("visit", "record", team.child, "--at", "2026-11-13 16:30", "--purpose",
                  "Meet Nell at home", "--analysis", "Seen alone; room fine.")):
        result = cli(*args, "--today", "2026-11-16")
        assert result.code == 0, result.err
    owner = open_store(team.owner_url, None)
    try:
        with owner.session(owner.server.login) as session:
            child = session.exec(select(m.Child).where(m.Child.reference == team.child)).one()
            child.status = "closed"
            episode = session.exec(select(m.Episode).where(
                m.Episode.child_id == child.id)).one()
            episode.closure_date, episode.closure_reason = child.created_at.date(), "RC7"
            session.add_all([child, episode])
    finally:
        owner.close()


def test_a_manager_erases_on_a_team_server_and_the_trail_verifies_priv_1(
        team, cli, monkeypatch):  # noqa: F811
    _build_and_close(team, cli, monkeypatch)
    refused = cli("retention", "erase", team.child, "--reason", "Retention ended",
                  "--today", LATER)
    assert refused.code == 2 and "is a social worker" in refused.err
    with team.psql(team.worker) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT cintui_erase_rows('visit', ARRAY[]::uuid[])")

    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.manager))
    asked = cli("export", "subject-access", team.child, "--requested-by", "Layla Quill")
    assert asked.code == 2 and "needs the audit role" in asked.err
    done = cli("retention", "erase", team.child, "--reason", "Retention ended", "--today",
               LATER, "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["records"] == 5  # child, episode, person, link, visit

    monkeypatch.setenv("CINTUI_DATABASE_URL", team.owner_url)
    report = cli("audit", "verify")
    assert report.code == 0, report.out
    with team.psql(team.manager) as conn:
        assert conn.execute("SELECT count(*) FROM child WHERE reference = %s",
                            (team.child,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 0
        assert conn.execute("SELECT reference, erased_by FROM erasure").fetchall() == [
            (team.child, "Tom Hale")]
    owner = open_store(team.owner_url, None)
    try:
        with owner.engine.connect() as conn:
            texts = [r[0] for r in conn.exec_driver_sql("SELECT changes FROM audit_log")]
        assert not any("Quill" in t or "Meet Nell" in t for t in texts)
        # A manager's login blanking an entry by hand: caught, as no erasure names it.
        with owner.engine.begin() as conn:
            first_team = conn.exec_driver_sql(
                "SELECT seq FROM audit_log WHERE entity = 'team' ORDER BY seq LIMIT 1").scalar()
        with team.psql(team.manager) as conn:
            entity = conn.execute("SELECT id FROM team LIMIT 1").fetchone()[0].hex
            conn.execute("SELECT * FROM cintui_blank_entries(ARRAY[%s], %s)",
                         (entity, audit.ERASED))
        broken = audit.verify(owner)
        assert not broken.ok and broken.problem == (
            f"entry {first_team} was blanked with no erasure decision naming it")
    finally:
        owner.close()
