"""The light writer (store/quick.py): `cintui decision add` on a store file without building
the ORM (issue 21: a write within 2.5x `import typer`), writing what the full store writes.

BEX 4: a decision is recorded with what was decided, its rationale, who and when. The same
use case (`casework.decisions.record`) runs on both writers; these tests check the light one
writes the same row and the same audit entry, is checked the same way, waits for the same
lock, and notes the audit head as the store does. Synthetic people only.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from cintui.store import audit, chain, quick
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.cli.test_commands import loaded_by, orm
from tests.conftest import TODAY
from tests.store.conftest import PASSPHRASE

DAY = ("--today", TODAY.isoformat())
DECIDED = ("--kind", "case_direction", "--decision", "Ask for a health assessment",
           "--rationale", "Missed the dentist twice", "--on", "2026-11-20")


def _child(db) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT reference FROM child WHERE status = 'cin_plan' "
                            "ORDER BY reference LIMIT 1").fetchone()[0]


def _decisions(db) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM decision ORDER BY created_at")]


def _entries(db, entity: str = "decision") -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(
            "SELECT * FROM audit_log WHERE entity = ? ORDER BY seq", (entity,))]


def _counts(db) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*) FROM decision").fetchone()[0],
                conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def test_a_decision_is_written_without_building_the_orm(sqlite_demo_store):
    """BEX 4, issue 21: `decision add` on a file loads neither SQLAlchemy nor SQLModel, and
    the decision is on the record and in the audit trail."""
    ref = _child(sqlite_demo_store)
    modules, out = loaded_by("decision", "add", ref, *DECIDED, "--json", "--db",
                             str(sqlite_demo_store), *DAY)
    assert not orm(modules), sorted(orm(modules))[:5]
    assert not {m for m in modules if m.split(".")[0] in ("textual", "docx", "fpdf")}
    made = json.loads(out)
    assert (made["reference"], made["decision"], made["made_on"]) == (
        ref, "Ask for a health assessment", "2026-11-20")
    [entry] = [e for e in _entries(sqlite_demo_store) if e["entity_id"] == made["id"]]
    assert entry["action"] == "insert" and entry["actor"] == "test.worker"


def _store_rows(store, sql: str) -> list[dict]:
    with store.engine.connect() as conn:
        result = conn.exec_driver_sql(sql)
        return [dict(r._mapping) for r in result]


def test_the_light_writer_writes_what_the_store_writes(demo_store, cli):
    """The same decision through the light writer and through the full store (which
    `--request-id` takes), on a file and on PostgreSQL: the same columns and values, the
    same audit entry but for the id and the times, and the trail verifies, every record
    matching its history."""
    store = open_store(demo_store, None)
    try:
        ref = _store_rows(store, "SELECT reference FROM child WHERE status = 'cin_plan' "
                                 "ORDER BY reference LIMIT 1")[0]["reference"]
    finally:
        store.close()
    for extra in ((), ("--request-id", "the-full-way")):
        result = cli("decision", "add", ref, *DECIDED, "--by", "Anne Other", "--role",
                     "Independent chair", "--db", demo_store, *DAY, *extra)
        assert result.code == 0, result.err
    store = open_store(demo_store, None)
    try:
        light, full = _store_rows(store, "SELECT * FROM decision ORDER BY created_at")[-2:]
        entries = {e["entity_id"]: e for e in _store_rows(
            store, "SELECT * FROM audit_log WHERE entity = 'decision'")}
        report = audit.verify(store)
        assert report.ok, report
        assert list(audit.replay_differences(store)) == []
    finally:
        store.close()
    stamps = ("id", "created_at", "updated_at")
    assert {k: v for k, v in light.items() if k not in stamps} == \
        {k: v for k, v in full.items() if k not in stamps}
    assert light["made_by"] == "Anne Other" and light["made_by_role"] == "Independent chair"
    assert light["episode_id"] is not None
    changes = [json.loads(entries[lookup_id(row["id"])]["changes"]) for row in (light, full)]
    assert changes[0].keys() == changes[1].keys() == set(light)
    assert {k: v for k, v in changes[0].items() if k not in stamps} == \
        {k: v for k, v in changes[1].items() if k not in stamps}
    assert changes[0]["created_at"][1].endswith("+00:00")


def lookup_id(value) -> str:
    return value.hex if hasattr(value, "hex") and not isinstance(value, str) else value


def test_the_light_writer_checks_text_as_the_store_does(sqlite_demo_store):
    """Trust (output is inert): which columns are text, and which of those may hold line
    feeds, read from the file's schema, is what `models.check_row` reads from the tables,
    for every table."""
    writer = quick.open_writer(sqlite_demo_store, None)
    try:
        for table in m.SQLModel.metadata.sorted_tables:
            model = m.table_models()[table.name]
            found = {name: multiline for name, multiline in writer.columns(table.name).items()
                     if multiline is not None}
            assert found == dict(m._text_columns(model)), table.name
            assert set(writer.columns(table.name)) == {c.name for c in table.columns}
        for table, (quiet, _check) in quick.TABLES.items():
            assert quiet == audit._quiet(m.table_models()[table])
    finally:
        writer.close()


def test_a_row_the_store_refuses_the_light_writer_refuses(sqlite_demo_store):
    """BEX 4 at the store, whichever writer: a decision row without its rationale (or with a
    kind that is not one) is refused by `models.check_row` and by the light writer alike, in
    the same words, and nothing is written."""
    import uuid
    from datetime import UTC, date, datetime
    from types import SimpleNamespace

    now = datetime.now(UTC)
    with sqlite3.connect(sqlite_demo_store) as conn:
        child = conn.execute("SELECT id FROM child LIMIT 1").fetchone()[0]
    good = {"id": uuid.uuid4(), "created_at": now, "updated_at": now,
            "child_id": uuid.UUID(child), "episode_id": None, "kind": "other",
            "made_on": date(2026, 11, 20), "made_by": "Tess Manager", "made_by_role": "",
            "made_by_id": None, "decision": "Carry on", "rationale": "Going well",
            "ending_id": None}
    before = _counts(sqlite_demo_store)
    for bad, field in (({"rationale": "  "}, "rationale"), ({"kind": "whim"}, "kind")):
        row = {**good, **bad}
        with pytest.raises(m.InvalidRow) as by_store:
            m.check_row(SimpleNamespace(**row), m.Decision)
        writer = quick.open_writer(sqlite_demo_store, None)
        try:
            with pytest.raises(m.InvalidRow) as by_light, writer.write("test.worker") as tx:
                tx.insert("decision", row)
        finally:
            writer.close()
        assert str(by_light.value) == str(by_store.value) and by_light.value.field == field
    assert _counts(sqlite_demo_store) == before


@pytest.mark.parametrize("args, words", [
    (("--rationale", "Seen at home\x1b[2J"), "rationale: contains a control character (U+001B ESC)"),
    (("--decision", "Two\nlines", "--rationale", "y"), None),  # prose: a line feed is fine
    (("--rationale", "y", "--on", "2026-11-24"), "in the future"),
    (("--rationale", "y", "--by", "Nobody Known"), "give their role too"),
])
def test_bad_input_through_the_light_writer_is_one_line_and_writes_nothing(
        sqlite_demo_store, cli, args, words):
    ref = _child(sqlite_demo_store)
    before = _counts(sqlite_demo_store)
    base = {"--kind": "other", "--decision": "Carry on"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    result = cli("decision", "add", ref, *[w for pair in base.items() for w in pair],
                 "--db", sqlite_demo_store, *DAY)
    if words is None:
        assert result.code == 0, result.err
        assert _decisions(sqlite_demo_store)[-1]["decision"] == "Two\nlines"
        return
    assert result.code == 2 and words in result.err, result
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert _counts(sqlite_demo_store) == before


def _hold_write_lock(location):
    """Another writer holding the store's write lock (a file's, or the server's advisory
    lock), as a context manager."""
    import contextlib

    from cintui.store.engine import WRITE_LOCK

    @contextlib.contextmanager
    def held():
        if isinstance(location, str) and "://" in location:
            import psycopg

            with psycopg.connect(location.replace("+psycopg", "")) as conn:
                conn.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
                yield
                conn.rollback()
            return
        holder = sqlite3.connect(location, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    return held()


def test_a_busy_store_is_said_in_one_line_and_nothing_is_written(demo_store, cli, monkeypatch):
    """Another writer holds the write lock past the wait (a file's lock, or the server's):
    the same line as the full store's, exit 2, nothing written."""
    from cintui.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(engine, "WRITE_LOCK_TIMEOUT", "200ms")
    store = open_store(demo_store, None)
    try:
        ref = _store_rows(store, "SELECT reference FROM child WHERE status = 'cin_plan' "
                                 "ORDER BY reference LIMIT 1")[0]["reference"]
        before = _store_rows(store, "SELECT count(*) AS n FROM audit_log")
    finally:
        store.close()
    with _hold_write_lock(demo_store):
        result = cli("decision", "add", ref, *DECIDED, "--db", demo_store, *DAY)
    assert result.code == 2, result
    assert result.err.strip() == ("cintui: not saved: the store is busy with other people's "
                                  "changes; nothing was written, try again in a moment")
    store = open_store(demo_store, None)
    try:
        assert _store_rows(store, "SELECT count(*) AS n FROM audit_log") == before
    finally:
        store.close()


def test_the_audit_head_is_noted_after_a_light_write(encrypted_demo_store, cli, monkeypatch):
    """The newest entry is noted outside the store after each commit (audit-heads.json), so
    `audit verify` would see it cut from the trail; on an encrypted file too."""
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    listed = cli("child", "list", "--open", "--json", "--db", encrypted_demo_store)
    ref = json.loads(listed.out)[0]["reference"]
    result = cli("decision", "add", ref, *DECIDED, "--json", "--db", encrypted_demo_store,
                 *DAY)
    assert result.code == 0, result.err
    store = open_store(encrypted_demo_store, PASSPHRASE)
    try:
        with store.engine.connect() as conn:
            seq, digest, entity_id = conn.exec_driver_sql(
                "SELECT seq, hash, entity_id FROM audit_log ORDER BY seq DESC LIMIT 1").one()
        assert entity_id == json.loads(result.out)["id"]
        assert chain.recorded_head(store.store_id) == (seq, digest)
        assert audit.verify(store).ok
    finally:
        store.close()


def test_an_older_file_is_upgraded_first_then_the_decision_written(tmp_path):
    """A file at an older revision is not the light writer's: `decision add` opens it as
    every write does, backing it up and upgrading it, then records the decision."""
    from cintui.store.engine import _create_store_at
    from tests.store.conftest import add_old_child

    path = tmp_path / "old.db"
    old = _create_store_at(path, None, encrypt=False, revision="0001")
    add_old_child(old, first_name="Nell")
    old.close()
    done = subprocess.run(
        [sys.executable, "-m", "cintui", "decision", "add", "Nell", "--kind", "other",
         "--decision", "Carry on", "--rationale", "Going well", "--db", str(path), *DAY],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "Upgraded the store from revision 0001" in done.stderr
    assert [d["decision"] for d in _decisions(path)] == ["Carry on"]
