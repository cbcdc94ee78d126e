"""Reads on a team server go the light way too (libpq itself, store/pq.py: no ORM, not even
psycopg) and say exactly what the same reads say on a store file made by the same
`cintui demo --seed`."""

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
    ["decision", "list", "{ref}"], ["transfer", "status", "{ref}"],
    ["transfer", "status", "{ref}", "--json"],
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
                                  ["child", "episodes", "DEMO00001", "--json"],
                                  ["decision", "list", "DEMO00001", "--json"],
                                  ["transfer", "status", "DEMO00001", "--json"]])
def test_reads_on_a_server_load_neither_the_orm_nor_psycopg(twins, monkeypatch, args):
    """Issue 18 item 5: `import psycopg` alone cost a server read more than a file's whole
    start; libpq is reached through ctypes, on a thread while the command imports."""
    monkeypatch.setenv("CINTUI_DATABASE_URL", twins[1])
    modules, out = loaded_by(*args, "--today", TODAY.isoformat())
    monkeypatch.setenv("CINTUI_DB", str(twins[0]))
    monkeypatch.delenv("CINTUI_DATABASE_URL")
    _, on_file = loaded_by(*args, "--today", TODAY.isoformat())
    assert UUID.sub("ID", out) == UUID.sub("ID", on_file)
    assert isinstance(json.loads(out), list | dict)
    assert not orm(modules)
    assert not {m for m in modules if m.split(".")[0] in ("psycopg", "psycopg_binary")}
    assert "cintui.store.pq" in modules


def test_the_server_reader_cannot_write(twins):
    from cintui.store import pq

    reader = fast.open_server_reader(twins[1])
    try:
        assert isinstance(reader, fast.LightServerReader)
        with pytest.raises(pq.PqError) as refused:
            reader.rows("INSERT INTO store_meta (key, value) VALUES (:key, 'y')", {"key": "x"})
        assert refused.value.sqlstate == "25006"  # read_only_sql_transaction
        assert reader.rows("SELECT count(*) FROM store_meta WHERE key = :key",
                           {"key": "x"}) == [(0,)]
    finally:
        reader.close()


def test_the_light_server_reader_gives_what_psycopg_gives(twins):
    """Each type the schema holds (and the parameters a read sends) comes back as the psycopg
    reader it replaces gives it: text made inert, dates, instants in the session's zone,
    uuids, booleans, numbers, NULL."""
    light = fast.open_server_reader(twins[1])
    full = fast._psycopg_server_reader(twins[1])
    try:
        assert type(full) is fast.ServerReader and isinstance(light, fast.LightServerReader)
        assert light.team_login == full.team_login
        queries = [
            ("SELECT * FROM child ORDER BY reference", {}),
            ("SELECT * FROM visit ORDER BY id", {}),
            ("SELECT * FROM plan_need ORDER BY id", {}),
            ("SELECT * FROM worker WHERE username <> :u ORDER BY username", {"u": "x"}),
            ("SELECT :a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :a",
             {"a": "t\x1b[31mred", "b": 7, "c": 70000, "d": 2**40, "e": True, "f": 1.25,
              "g": TODAY, "h": uuid.UUID(int=5), "i": None, "j": 10**30}),
            ("SELECT CAST(:d AS date) + 3, 'a''b:c'::text, 2::numeric / 3, chr(7), "
             "CAST('2026-11-23 10:15:00.5+01' AS timestamptz), CAST('2026-11-23' AS timestamp)",
             {"d": TODAY}),
            ("SELECT c.reference FROM child AS c WHERE c.reference = :r OR c.id::text = :r",
             {"r": "DEMO00001"}),
        ]
        for sql, params in queries:
            got, want = light.rows(sql, params), full.rows(sql, params)
            assert got == want, sql
            assert [[type(v) for v in row] for row in got] == \
                [[type(v) for v in row] for row in want], sql
            assert all(str(a) == str(b) for row, other in zip(got, want, strict=True)
                       for a, b in zip(row, other, strict=True)), sql
    finally:
        light.close()
        full.close()


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
