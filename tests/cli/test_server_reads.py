"""Reads on a team server go the light way too (plain psycopg, no ORM) and say exactly what
the same reads say on a store file made by the same `cintui demo --seed`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid

import psycopg
import pytest

from cintui.store import fast
from cintui.store.fast import server_conninfo
from tests.cli.test_commands import loaded_by, orm
from tests.conftest import TODAY, private_env

# Row ids are random (uuid4) in every demo, so they are the one thing two demos differ in.
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def twins(pg_server, tmp_path_factory):
    """The same 40-child demo (seed 7) on a file and on a server database of its own."""
    from sqlalchemy.engine import make_url

    folder = tmp_path_factory.mktemp("twins")
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(pg_server).set(drivername="postgresql+psycopg", database=name)
    url = url.render_as_string(hide_password=False)
    db = folder / "demo.db"
    env = {**private_env(folder), "CINTUI_USER": "test.worker"}
    for where in ({"CINTUI_DATABASE_URL": url}, {"CINTUI_DB": str(db)}):
        subprocess.run([sys.executable, "-m", "cintui", "demo", "--children", "40", "--seed",
                        "7", "--no-encrypt", "--today", TODAY.isoformat()],
                       env={**env, **where}, check=True, capture_output=True, timeout=300)
    yield db, url
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def references(cli, db) -> list[str]:
    listed = json.loads(cli("child", "list", "--json", "--db", db).out)
    return [c["reference"] for c in listed]


def on_both(cli, monkeypatch, twins, *args):
    db, url = twins
    on_file = cli(*args, "--db", db, "--today", TODAY.isoformat())
    monkeypatch.setenv("CINTUI_DATABASE_URL", url)
    on_server = cli(*args, "--today", TODAY.isoformat())
    monkeypatch.delenv("CINTUI_DATABASE_URL")
    return on_file, on_server


COMMANDS = [
    ["child", "list"], ["child", "list", "--json"], ["child", "list", "--open"],
    ["due"], ["due", "--json"], ["due", "--within", "40"],
    ["report", "compliance"], ["report", "performance", "--json"],
]
PER_CHILD = [
    ["child", "show", "{ref}"], ["child", "show", "{ref}", "--json"],
    ["plan", "show", "{ref}"], ["plan", "show", "{ref}", "--json"], ["plan", "check", "{ref}"],
    ["child", "episodes", "{ref}", "--json"], ["decision", "list", "{ref}", "--json"],
]


def test_every_light_read_says_the_same_on_a_server_as_on_a_file(cli, monkeypatch, twins):
    refs = references(cli, twins[0])
    assert len(refs) >= 40
    runs = [list(args) for args in COMMANDS]
    for ref in refs[::7]:  # a spread of children: with and without plans, closed, unborn
        runs += [[a.format(ref=ref) for a in args] for args in PER_CHILD]
    compared = 0
    for args in runs:
        on_file, on_server = on_both(cli, monkeypatch, twins, *args)
        assert on_server.code == on_file.code, (args, on_server.err)
        assert UUID.sub("ID", on_server.out) == UUID.sub("ID", on_file.out), args
        assert on_server.err == on_file.err, args
        compared += on_file.code == 0 and bool(on_file.out.strip())
    assert compared > len(runs) // 2  # most of them printed something to compare


@pytest.mark.parametrize("args", [["due", "--json"], ["child", "list", "--json"],
                                  ["plan", "show", "DEMO00001", "--json"],
                                  ["child", "show", "DEMO00001", "--json"],
                                  ["child", "episodes", "DEMO00001", "--json"]])
def test_reads_on_a_server_never_load_the_orm(twins, monkeypatch, args):
    monkeypatch.setenv("CINTUI_DATABASE_URL", twins[1])
    modules, out = loaded_by(*args, "--today", TODAY.isoformat())
    assert isinstance(json.loads(out), list | dict)
    assert not orm(modules)
    assert "psycopg" in modules


def test_the_server_reader_cannot_write(twins):
    reader = fast.open_server_reader(twins[1])
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            reader.rows("INSERT INTO store_meta (key, value) VALUES (:key, 'y')", {"key": "x"})
        assert reader.rows("SELECT count(*) FROM store_meta WHERE key = :key",
                           {"key": "x"}) == [(0,)]
    finally:
        reader.close()


def test_an_empty_or_older_server_database_is_left_to_the_full_open(pg_url):
    from sqlalchemy import create_engine

    from cintui.store import migrate

    assert fast.open_server_reader(pg_url) is None  # empty: open_url makes it a store
    engine = create_engine(pg_url)
    migrate.upgrade(engine, "0009")
    engine.dispose()
    assert fast.open_server_reader(pg_url) is None  # older: open_url refuses it
    with psycopg.connect(server_conninfo(pg_url)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0009",)


def test_a_server_that_cannot_be_reached_is_one_line(cli, monkeypatch):
    monkeypatch.setenv("CINTUI_DATABASE_URL",
                       "postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    result = cli("due")
    assert result.code == 2
    assert result.err.startswith("cintui: cannot use postgresql+psycopg://nobody:***@127.0.0.1")
    assert len(result.err.strip().splitlines()) == 1 and "secret" not in result.err
