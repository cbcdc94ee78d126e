"""Operating a team server (PostgreSQL): an older schema is upgraded only by an administrator,
after a backup; `cintui db info` says where the data is and what protects it."""

from __future__ import annotations

import stat
import subprocess

import psycopg
import pytest

from cintui.store import migrate
from cintui.store.fast import server_conninfo

OLD = "0009"
ADMIN_LINE = "an administrator must run `cintui db upgrade` after a backup"


def revision(url: str) -> str:
    with psycopg.connect(server_conninfo(url)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


@pytest.fixture
def old_server(pg_url, monkeypatch):
    """A server database migrated to an older revision only, as a cintui before this one
    left it (as tests/store make old files with `_create_store_at`)."""
    from sqlalchemy import create_engine

    engine = create_engine(pg_url)
    try:
        migrate.upgrade(engine, OLD)
    finally:
        engine.dispose()
    monkeypatch.setenv("CINTUI_DATABASE_URL", pg_url)
    return pg_url


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize("args", [["due"], ["child", "list", "--json"], ["audit", "verify"],
                                  ["child", "add", "--first-name", "Ada", "--last-name",
                                   "Lovelace", "--dob", "2015-01-01"]])
def test_an_older_server_schema_is_refused_with_one_line_for_the_administrator(
        cli, old_server, args):
    result = cli(*args)
    assert result.code == 2
    line = one_line(result.err)
    assert ADMIN_LINE in line and f"schema {OLD}" in line
    assert revision(old_server) == OLD  # nothing upgraded on the way


def test_db_upgrade_on_a_server_refuses_without_a_backup_and_says_how(cli, old_server):
    result = cli("db", "upgrade")
    assert result.code == 2
    line = one_line(result.err)
    assert "--backup-to FILE" in line and "pg_dump" in line and "--backup-taken" in line
    assert revision(old_server) == OLD


def test_db_upgrade_backs_up_with_pg_dump_into_a_new_private_file_then_upgrades(
        cli, old_server, tmp_path):
    backup = tmp_path / "before-upgrade.dump"
    result = cli("db", "upgrade", "--backup-to", backup)
    assert result.code == 0, result.err
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    listed = subprocess.run(["pg_restore", "--list", str(backup)], capture_output=True,
                            text=True, check=True, timeout=120).stdout
    assert " TABLE public child " in listed and " TABLE DATA public alembic_version " in listed
    assert "pg_restore --list reads" in result.out and str(backup) in result.out
    assert revision(old_server) == migrate.head_revision()
    assert cli("due").code == 0  # ordinary commands open it again


def test_a_backup_file_that_exists_is_never_overwritten_and_nothing_is_upgraded(
        cli, old_server, tmp_path):
    backup = tmp_path / "taken.dump"
    backup.write_bytes(b"an earlier backup")
    result = cli("db", "upgrade", "--backup-to", backup)
    assert result.code == 2 and "already exists" in one_line(result.err)
    assert backup.read_bytes() == b"an earlier backup"
    assert revision(old_server) == OLD


def test_backup_taken_upgrades_on_the_administrators_word(cli, old_server):
    result = cli("db", "upgrade", "--backup-taken")
    assert result.code == 0, result.err
    assert "backup was just taken" in result.out
    assert f"from revision {OLD} to {migrate.head_revision()}" in result.out
    assert revision(old_server) == migrate.head_revision()
    assert "up to date" in cli("db", "upgrade").out


def test_backup_options_are_for_servers_only(cli, sqlite_demo_store, tmp_path):
    result = cli("db", "upgrade", "--backup-taken", "--db", sqlite_demo_store)
    assert result.code == 2 and "store file is backed up" in one_line(result.err)


def test_db_info_on_a_server_names_it_the_login_tls_revision_and_what_is_encrypted(
        cli, pg_url, monkeypatch):
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    monkeypatch.setenv("CINTUI_DATABASE_URL", f"{pg_url}?sslmode=disable")
    assert cli("db", "init", "--no-encrypt").code == 0
    result = cli("db", "info")
    assert result.code == 0, result.err
    info = dict(line.split(": ", 1) for line in result.out.splitlines() if ": " in line)
    assert info["store"] == f"{url.render_as_string(hide_password=True)}?sslmode=disable"
    assert url.password not in result.out
    assert info["server"].startswith(f"{url.host} port {url.port}, database {url.database}, "
                                     "PostgreSQL 1")
    assert info["login"] == url.username
    assert info["connection"] == "NOT encrypted (no TLS), sslmode=disable"
    assert info["revision"] == f"{migrate.head_revision()} (this cintui's newest)"
    assert "SQLCipher" in info["encrypted on laptops"]
    assert "cintui does not encrypt the database" in info["encrypted at rest"]
    assert info["encrypted in transit"].startswith("NO")
    as_json = cli("db", "info", "--json")
    assert '"tls": false' in as_json.out and '"sslmode": "disable"' in as_json.out


def test_db_info_shows_an_older_server_without_upgrading_it(cli, old_server):
    result = cli("db", "info")
    assert result.code == 0, result.err
    assert f"revision: {OLD}; this cintui needs {migrate.head_revision()}: {ADMIN_LINE}" in (
        result.out)
    assert revision(old_server) == OLD
