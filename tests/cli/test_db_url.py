"""`--db` takes a database URL as well as a path: a team's PostgreSQL server, with the
password in ~/.pgpass (or a service file), never on the command line."""

from __future__ import annotations

import json

from sqlalchemy.engine import make_url

from tests.cli.test_cli import one_line_error
from tests.conftest import TODAY, run_subprocess

SECRET = "postgresql+psycopg://amira:hunter22@cin-db.example.org/cintui"


def without_password(url: str) -> str:
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


def test_a_password_in_a_db_url_is_refused_in_one_line_and_never_shown(cli):
    for args in (("child", "list"), ("db", "init", "--no-encrypt"), ("demo", "--no-encrypt")):
        result = cli(*args, "--db", SECRET)
        one_line_error(result, "no password in a --db URL", "~/.pgpass")
        assert "hunter22" not in result.err + result.out
    # The app's own fast path (`cintui --db URL`, no Typer) refuses it the same way.
    opened = run_subprocess("--db", SECRET)
    assert opened.returncode == 2
    assert opened.stderr.strip().splitlines() == [
        "cintui: no password in a --db URL (anyone can see a command line): put it in "
        "~/.pgpass or a PostgreSQL service file"]


def test_a_server_database_is_a_store_through_db_url(cli, pg_url, tmp_path):
    url = without_password(pg_url)  # the password is in the suite's PGPASSFILE
    made = cli("demo", "--children", "12", "--seed", "3", "--db", url, "--no-encrypt",
               "--today", TODAY.isoformat())
    assert made.code == 0, made.err
    assert f"Demo store at {url}:" in made.err
    one_line_error(cli("demo", "--db", url, "--no-encrypt"), "already exists")
    info = json.loads(cli("db", "info", "--db", url, "--json").out)
    assert info["store"] == url and info["encrypted"] is False
    listed = json.loads(cli("child", "list", "--db", url, "--json", "--today",
                            TODAY.isoformat()).out)
    assert len(listed) >= 12
    one_line_error(cli("db", "backup", "--db", url, "-o", tmp_path / "copy.db"),
                   "pg_dump")
