"""`cintui demo` on a file makes its rows in a second process while the store is created, and
writes each table as it arrives (issue 21: 5,000 children in under 10 s). The store must be
the very demo one process makes, and a failure on either side must leave nothing behind."""

from __future__ import annotations

import os
import re
import sqlite3
import threading

import pytest

from cintui import demo
from cintui.cli.common import access
from tests.conftest import TODAY, run_subprocess

ARGS = ("--children", "25", "--seed", "3", "--today", TODAY.isoformat())
HEX_ID = re.compile(r"[0-9a-f]{32}")


def _tables(path) -> dict[str, list[tuple]]:
    """Every table's rows in the order written, with each row id (random per store) named
    by where its row is ("child#3"), in every column and in the audit entries' changes."""
    db = sqlite3.connect(path)
    names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")]
    raw = {n: db.execute(f"SELECT * FROM {n} ORDER BY rowid").fetchall() for n in names}
    columns = {n: [c[1] for c in db.execute(f"PRAGMA table_info({n})")] for n in names}
    db.close()
    ids = {}
    for name in names:
        if "id" in columns[name]:
            at = columns[name].index("id")
            ids.update({row[at]: f"{name}#{i}" for i, row in enumerate(raw[name])})

    def label(found) -> str:  # other random keys (a need's key in minutes), as first seen
        return ids.setdefault(found[0], f"key#{len(ids)}")

    def named(value):
        return HEX_ID.sub(label, value) if isinstance(value, str) else value

    out = {}
    for name in names:
        keep = [i for i, c in enumerate(columns[name])
                if (name, c) not in {("audit_log", "at"), ("audit_log", "hash"),
                                     ("audit_log", "prev_hash")}]
        rows = [tuple(named(row[i]) for i in keep) for row in raw[name]]
        if name == "store_meta":  # the store's own id and creation differ by design
            rows = [r for r in rows if r[0] not in ("store_id", "created_at")]
        out[name] = rows
    return out


def test_the_demo_made_in_a_second_process_is_the_demo_made_in_one(tmp_path):
    """The same rows in every table, in the same order, and the same audit trail (entry by
    entry), from `cintui demo` as a person runs it and from one process; the trail of the
    two-process store verifies."""
    two = tmp_path / "two.db"
    made = run_subprocess("demo", *ARGS, "--db", two, "--no-encrypt")
    assert made.returncode == 0, made.stderr
    one = tmp_path / "one.db"
    store = access.create_location(access.locate(one), None, encrypt=False, synthetic=True)
    try:
        demo.generate(store, children=25, seed=3, today=TODAY, feed=None)
    finally:
        store.close()
    a, b = _tables(two), _tables(one)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    assert len(a["audit_log"]) > 1000 and len(a["child"]) == 37
    verified = run_subprocess("audit", "verify", "--db", two)
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout


@pytest.fixture
def forking(monkeypatch):
    """The second process is started only when this one runs no other thread (a fork copies
    one thread): the test process's own threads are not the demo's concern here."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def _broken(*args, **kwargs):
    raise ValueError("no names left to draw")


@pytest.mark.parametrize(("making", "said"), [
    (_broken, "ValueError: no names left to draw"),
    (lambda *a, **k: os._exit(3),  # killed, as by the OOM killer
     "the process making the demo's rows stopped (exit code 3)")])
def test_a_failure_making_the_rows_is_one_line_and_leaves_no_store(cli, tmp_path, monkeypatch,
                                                                  forking, making, said):
    made = demo.build
    monkeypatch.setattr(demo, "build", making)  # inherited by the forked process
    path = tmp_path / "demo.db"
    result = cli("demo", *ARGS, "--db", path, "--no-encrypt")
    assert result.code == 2
    assert result.err.strip() == f"cintui: the demo was not written: {said}"
    assert not list(tmp_path.glob("demo.db*"))
    monkeypatch.setattr(demo, "build", made)
    again = cli("demo", *ARGS, "--db", path, "--no-encrypt")  # and it can be made after
    assert again.code == 0 and path.exists()
