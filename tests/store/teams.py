"""A team server with real logins for the tests (`team`): an empty PostgreSQL store made a
team server by its owner, with a team manager and two social workers (each a login with a
password), and one child of the first worker's. Roles are cluster-wide and the suite's
processes share one cluster, so every username ends in the test's own suffix, and the roles
are dropped at the end."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy.engine import make_url

PASSWORD = "a long enough password"


@dataclass
class Team:
    owner_url: str  # the database's owner (here the test cluster's superuser)
    suffix: str
    manager: str
    worker: str
    other: str  # a second social worker
    child: str  # reference of a child allocated to `worker`, with an episode and a visit

    def url(self, login: str, password: str = PASSWORD) -> str:
        return make_url(self.owner_url).set(username=login, password=password) \
            .render_as_string(hide_password=False)

    def psql(self, login: str) -> psycopg.Connection:
        """A connection as `login`, as psql would make one (autocommit)."""
        url = make_url(self.owner_url)
        return psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=login,
                               password=PASSWORD, autocommit=True)


def _ok(result) -> None:
    assert result.code == 0, result.err


@pytest.fixture
def team(pg_url, pg_server, cli, monkeypatch, tmp_path):
    """An empty PostgreSQL store made a team server by its owner, with a team manager and two
    social workers (each with a login and a password), and one child of the first worker's."""
    suffix = uuid.uuid4().hex[:8]
    names = [f"tom.{suffix}", f"amira.{suffix}", f"ben.{suffix}"]
    owner = make_url(pg_url).username
    monkeypatch.setenv("CINTUI_DATABASE_URL", pg_url)
    monkeypatch.setenv("CINTUI_USER", owner)
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n")
    _ok(cli("db", "init", "--no-encrypt"))
    _ok(cli("server", "init"))
    _ok(cli("team", "add", "South", "--service", "Safeguarding"))
    for username, name, role in zip(names, ("Tom Hale", "Amira Ashdown", "Ben Cole"),
                                    ("team manager", "social worker", "social worker"),
                                    strict=True):
        _ok(cli("worker", "add", username, "--name", name, "--role", role, "--team", "South",
                "--password-file", password_file))
    made = cli("child", "add", "--first-name", "Nell", "--last-name", "Quill", "--dob",
               "2018-04-01", "--referral-date", "2026-11-02", "--worker", names[1], "--json")
    _ok(made)
    import json

    reference = json.loads(made.out)["reference"]
    yield Team(pg_url, suffix, *names, reference)
    drop_roles(pg_url, names)


def drop_roles(pg_url: str, logins: list[str]) -> None:
    """Roles outlive databases: drop a test's logins and its database's group roles (their
    grants in that database first)."""
    database = make_url(pg_url).database
    groups = [f"{database}_{g}" for g in ("worker", "manager", "admin", "audit")]
    with contextlib.suppress(psycopg.Error), \
            psycopg.connect(make_url(pg_url).set(drivername="postgresql")
                            .render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                     f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")
        roles = ", ".join(f'"{r}"' for r in [*logins, *groups])
        conn.execute(f"DROP OWNED BY {roles}")
        for role in [*logins, *groups]:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')
