"""Many people at once (issue 18): every use case's checks and writes are serialised together,
on a SQLite file (BEGIN IMMEDIATE) and on PostgreSQL (an advisory lock taken at BEGIN), so a
rule that holds for one worker holds for eight.

Real processes (multiprocessing, forked after the store is set up and closed), released
together by a barrier so their transactions really collide: the CLI's `child add` racing for
case references, closure recommended twice at once (TRA: one closure at a time), the same
child edited from forms opened at the same moment (a conflict is named, never overwritten
silently), a plan agreed while it is being edited (an agreed plan is never changed). After
each: no internal error, the rule holds, `cintui audit verify` passes.

Synthetic people only.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import traceback
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from cintui.casework import cases, conflicts, endings, plans, record
from cintui.domain.plan import Need
from cintui.store import models as m
from cintui.store.engine import create_store, open_store, open_url
from tests.conftest import TODAY, plan_started

ACTOR = "setup.worker"
WORKER = "wendy.race"
FORK = multiprocessing.get_context("fork")  # the set-up (imports, store) is shared as is


# ---------------------------------------------------------------- where the store lives


def _sqlite(tmp_path: Path) -> dict:
    path = tmp_path / "race.db"
    create_store(path, None, encrypt=False).close()
    return {"db": str(path)}


def _postgresql(url: str) -> dict:
    open_url(url).close()
    return {"url": url}


def _open(where: dict):
    return open_url(where["url"]) if "url" in where else open_store(Path(where["db"]), None)


def _cli_args(where: dict) -> tuple[list[str], dict[str, str]]:
    if "url" in where:
        return [], {"CINTUI_DATABASE_URL": where["url"]}
    return ["--db", where["db"]], {}


@pytest.fixture(params=["sqlite"])
def sqlite_where(tmp_path):
    return _sqlite(tmp_path)


@pytest.fixture
def pg_where(pg_url):
    return _postgresql(pg_url)


def _setup_child(where: dict) -> uuid.UUID:
    """A worker and a child with an open episode, on a CIN plan."""
    store = _open(where)
    try:
        with store.session(ACTOR) as session:
            session.add(m.Worker(username=WORKER, name="Wendy Race", role="social_worker",
                                 email="wendy.race@example.org"))
        with store.session(ACTOR) as session:
            child = cases.add_child(session, cases.NewChild(
                first_name="Robin", last_name="Racetest", dob=date(2017, 2, 3),
                referral_date=date(2026, 3, 2), primary_need="N1", referral_source="2A",
                worker=WORKER), TODAY)
            plan_started(session, child.id)
            return child.id
    finally:
        store.close()


# ---------------------------------------------------------------- running them together


def _child_main(where, barrier, results, i, job, args):
    out = io.StringIO()
    try:
        store = None if job == "cli" else _open(where)
        barrier.wait(timeout=60)
        result = (_run_cli(where, args) if job == "cli"
                  else ("ok", JOBS[job](store, i, *args)))
    except Exception as exc:  # reported, not raised: the parent asserts on every outcome
        result = (type(exc).__name__, str(exc), traceback.format_exc(), out.getvalue())
    results.put((i, result))


def _run_cli(where: dict, argv: list[str]):
    from cintui import cli as cli_mod

    extra, env = _cli_args(where)
    os.environ.update(env | {"CINTUI_USER": WORKER, "CINTUI_TODAY": TODAY.isoformat()})
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli_mod.run([*argv, *extra])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return ("exit", code, out.getvalue(), err.getvalue())


def together(where: dict, n: int, job: str, *args) -> list:
    """Run `job` in `n` processes released at the same instant; their results, by index."""
    barrier = FORK.Barrier(n)
    results = FORK.Queue()
    procs = [FORK.Process(target=_child_main, args=(where, barrier, results, i, job, args[i]
                                                   if job == "cli" else args))
             for i in range(n)]
    for p in procs:
        p.start()
    got = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return [got[i] for i in range(n)]


def reference_of(where: dict, child_id: uuid.UUID) -> str:
    store = _open(where)
    try:
        with store.read() as session:
            return session.get(m.Child, child_id).reference
    finally:
        store.close()


def all_done(where: dict, argv: list[list[str]], key: str) -> set:
    """Each command line (`--json`) run in its own process at the same instant: none failed,
    and the set of what each printed under `key`."""
    outcomes = together(where, len(argv), "cli", *argv)
    _no_internal_error(outcomes)
    assert [o[1] for o in outcomes] == [0] * len(argv), outcomes
    return {json.loads(o[2])[key] for o in outcomes}


def _no_internal_error(outcomes: list) -> None:
    for outcome in outcomes:
        assert "internal error" not in repr(outcome)
        assert "Traceback" not in (outcome[3] if outcome[0] == "exit" else "")


def _verify_audit(where: dict) -> None:
    result = _run_cli(where, ["audit", "verify"])
    assert result[1] == 0, result


# ---------------------------------------------------------------- jobs (in the children)


def _recommend(store, i, child_id):
    with store.session(f"worker.{i}") as session:
        endings.recommend_closure(session, child_id, on=date(2026, 11, 20), by=f"Worker {i}",
                                  today=TODAY, summary="Needs met.")


def _edit_child(store, i, child_id, seen):
    with store.session(f"worker.{i}") as session:
        current = record.child_input(session, child_id)
        new = replace(current, known_as=f"Robbie {i}", seen=seen)
        record.update_child(session, child_id, new, TODAY)


def _edit_plan(store, i, version):
    need = Need(now=f"Edited by {i}", outcome="Robin is safe at home", evidence="", rag="A")
    with store.session(f"worker.{i}") as session:
        plans.save_draft(session, version.id, replace(version, needs=(*version.needs, need)),
                         TODAY, by=f"Worker {i}")


def _agree_plan(store, i, version):
    with store.session(f"manager.{i}") as session:
        plans.agree_version(session, version.id, TODAY, agreed_by="Tess Manager")


def _plan_job(store, i, version):
    return (_agree_plan if i == 0 else _edit_plan)(store, i, version)


JOBS = {"recommend": _recommend, "edit_child": _edit_child, "plan": _plan_job}


# ---------------------------------------------------------------- the scenarios


def child_add_race(where: dict, n: int = 6) -> None:
    """`cintui child add` from n processes at once: n children, n different references."""
    argv = [["child", "add", "--first-name", f"Alex{i}", "--last-name", "Racetest",
             "--dob", "2016-04-05", "--json"] for i in range(n)]
    assert len(all_done(where, argv, "reference")) == n
    store = _open(where)
    try:
        with store.read() as session:
            assert session.exec(select(func.count()).select_from(m.Child)).one() == n
    finally:
        store.close()
    _verify_audit(where)


def closure_race(where: dict, n: int = 4) -> None:
    """TRA, BEX 3: one closure at a time. Recommended from n processes at once, exactly one
    is accepted; the others are told, in one line, that a closure is already recommended."""
    child_id = _setup_child(where)
    outcomes = together(where, n, "recommend", child_id)
    _no_internal_error(outcomes)
    accepted = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] != "ok"]
    assert len(accepted) == 1, outcomes
    assert all(o[0] == "EndingError" and "already recommended" in o[1] for o in refused)
    store = _open(where)
    try:
        with store.read() as session:
            active = session.exec(select(m.Ending).where(
                m.Ending.child_id == child_id, m.Ending.kind == "closure")).all()
            assert len(active) == 1
    finally:
        store.close()
    _verify_audit(where)


def same_child_edit(where: dict, n: int = 4) -> None:
    """The child's details edited from n forms opened at the same moment: one is saved; each
    other is refused with one line naming who saved first and when (nothing overwritten)."""
    child_id = _setup_child(where)
    store = _open(where)
    try:
        with store.read() as session:
            seen = record.child_input(session, child_id).seen
    finally:
        store.close()
    outcomes = together(where, n, "edit_child", child_id, seen)
    _no_internal_error(outcomes)
    winners = [i for i, o in enumerate(outcomes) if o[0] == "ok"]
    assert len(winners) == 1, outcomes
    winner = winners[0]
    for i, o in enumerate(outcomes):
        if i != winner:
            assert o[0] in ("EditConflict", "PlanConflict"), o
            assert o[1].startswith(f"worker.{winner} changed this child's details at "), o[1]
            assert "\n" not in o[1]
    store = _open(where)
    try:
        with store.read() as session:
            assert record.child_input(session, child_id).known_as == f"Robbie {winner}"
    finally:
        store.close()
    _verify_audit(where)


def plan_agreed_while_edited(where: dict, n: int = 3) -> None:
    """An agreed plan is never changed (DOMAIN.md §3): one process agrees the draft while
    others save edits to it, all opened from the same draft. Either the edit came first and
    is in the agreed plan, or the agreement came first and the edit is refused in one line."""
    child_id = _setup_child(where)
    store = _open(where)
    try:
        with store.session(ACTOR) as session:
            vid = plans.start_version(session, child_id, TODAY, by="Wendy Race")
            first = Need(now="Robin misses school", outcome="Robin goes to school", evidence="",
                         rag="A")
            plans.save_draft(session, vid, replace(plans.load_version(session, vid),
                                                   needs=(first,)), TODAY)
        with store.read() as session:
            version = plans.load_version(session, vid)
    finally:
        store.close()
    outcomes = together(where, n, "plan", version)
    _no_internal_error(outcomes)
    assert outcomes[0][0] == "ok", outcomes  # the agreement has nothing to clash with
    edits = outcomes[1:]
    saved = [i + 1 for i, o in enumerate(edits) if o[0] == "ok"]
    assert len(saved) <= 1, outcomes  # both opened the same draft: the second is a conflict
    for i, o in enumerate(edits, start=1):
        if i not in saved:
            assert o[0] in ("EditConflict", "PlanConflict"), o
            assert ("marked version 1 agreed" in o[1] or "changed this plan draft" in o[1]), o
    store = _open(where)
    try:
        with store.read() as session:
            agreed = plans.load_version(session, vid)
        assert agreed.status == "agreed"
        assert [n.now for n in agreed.needs] == ["Robin misses school"] + [
            f"Edited by {i}" for i in saved]
        with store.session(ACTOR) as session, pytest.raises(conflicts.EditConflict):
            plans.save_draft(session, vid, replace(version, objectives="late"), TODAY)
    finally:
        store.close()
    _verify_audit(where)


def decisions_at_once(where: dict, n: int = 8) -> None:
    """BEX 4: `cintui decision add` from n processes at once. On a file half go through the
    light writer (store/quick.py) and half through the full store (`--request-id` takes
    that path), so both kinds of writer queue for the same lock: every decision is recorded
    once, each with its own audit entry, and the chain verifies."""
    child_id = _setup_child(where)
    ref = reference_of(where, child_id)
    argv = [["decision", "add", ref, "--kind", "other", "--decision", f"Decision {i}",
             "--rationale", f"Reason {i}", "--json",
             *(["--request-id", f"decide-{i}"] if i % 2 else [])] for i in range(n)]
    ids = all_done(where, argv, "id")
    assert len(ids) == n
    store = _open(where)
    try:
        with store.read() as session:
            made = session.exec(select(m.Decision.decision).where(
                m.Decision.child_id == child_id)).all()
            entries = session.exec(select(m.AuditEntry.entity_id).where(
                m.AuditEntry.entity == "decision")).all()
    finally:
        store.close()
    assert sorted(made) == sorted(f"Decision {i}" for i in range(n))
    assert sorted(entries) == sorted(ids)
    _verify_audit(where)


# ---------------------------------------------------------------- on both stores


def test_child_add_racing_for_references_on_a_sqlite_file(sqlite_where):
    child_add_race(sqlite_where)


def test_child_add_racing_for_references_on_postgresql(pg_where):
    child_add_race(pg_where, n=8)


def test_closure_recommended_twice_at_once_on_a_sqlite_file(sqlite_where):
    closure_race(sqlite_where)


def test_closure_recommended_twice_at_once_on_postgresql(pg_where):
    closure_race(pg_where)


def test_same_child_edited_at_once_on_a_sqlite_file(sqlite_where):
    same_child_edit(sqlite_where)


def test_same_child_edited_at_once_on_postgresql(pg_where):
    same_child_edit(pg_where)


def test_plan_agreed_while_being_edited_on_a_sqlite_file(sqlite_where):
    plan_agreed_while_edited(sqlite_where)


def test_plan_agreed_while_being_edited_on_postgresql(pg_where):
    plan_agreed_while_edited(pg_where)


# ---------------------------------------------------------------- waiting too long


def _hold_the_lock(where, held, release):
    store = _open(where)
    with store.session("slow.worker") as session:
        session.add(m.Worker(username="slow.worker", name="Slow Worker", role="social_worker",
                             email="slow@example.org"))
        session.flush()
        held.set()
        release.wait(timeout=60)
    store.close()


def _told_busy(where, cli, monkeypatch) -> None:
    """Another process holds the write lock past the wait allowed: `child add` says the store
    is busy, in one line, exit 2, nothing written; afterwards the trail verifies."""
    held, release = FORK.Event(), FORK.Event()
    holder = FORK.Process(target=_hold_the_lock, args=(where, held, release))
    holder.start()
    try:
        assert held.wait(timeout=60)
        extra, env = _cli_args(where)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        result = cli("child", "add", "--first-name", "Wren", "--last-name", "Waittest",
                     "--dob", "2015-06-07", *extra)
    finally:
        release.set()
        holder.join(timeout=60)
    assert result.code == 2, result
    assert result.err.strip() == ("cintui: not saved: the store is busy with other people's "
                                  "changes; nothing was written, try again in a moment")
    store = _open(where)
    try:
        with store.read() as session:
            assert session.exec(select(func.count()).select_from(m.Child)).one() == 0
            assert session.exec(select(m.Worker.username)).all() == ["slow.worker"]
    finally:
        store.close()
    _verify_audit(where)


def test_a_writer_kept_waiting_too_long_is_told_in_one_line_on_postgresql(
        pg_where, cli, monkeypatch):
    from cintui.store import engine

    monkeypatch.setattr(engine, "WRITE_LOCK_TIMEOUT", "300ms")
    _told_busy(pg_where, cli, monkeypatch)


def test_a_writer_kept_waiting_too_long_is_told_in_one_line_on_a_sqlite_file(
        sqlite_where, cli, monkeypatch):
    """The same wait on a file as on a server (30 s, shortened here)."""
    from cintui.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    _told_busy(sqlite_where, cli, monkeypatch)


# ---------------------------------------------------------------- a worker's own login


@pytest.fixture
def worker_login(pg_where, pg_server):
    """A login of this test's own with only SELECT, INSERT and UPDATE on the data tables,
    SELECT and INSERT on the audit trail (no UPDATE: LOCK TABLE ... EXCLUSIVE would be
    refused), and nextval on the reference sequence: as a worker's login on a team server."""
    import secrets

    import psycopg
    from sqlalchemy.engine import make_url

    role, password = f"w_{uuid.uuid4().hex[:12]}", secrets.token_hex(12)
    url = make_url(pg_where["url"])
    owner = url.render_as_string(hide_password=False).replace("+psycopg", "")
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        conn.execute(f"GRANT CONNECT ON DATABASE \"{url.database}\" TO {role}")
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        conn.execute(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}")
        conn.execute(f"REVOKE UPDATE ON audit_log FROM {role}")
        conn.execute(f"GRANT USAGE ON SEQUENCE cin_reference TO {role}")
    login = url.set(username=role, password=password).render_as_string(hide_password=False)
    yield {"url": login}, owner, role
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     f"WHERE usename = '{role}'")
        conn.execute(f"DROP OWNED BY {role}")
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"DROP ROLE {role}")


def test_a_worker_login_without_lock_table_rights_queues_and_writes_on_postgresql(
        worker_login):
    """The write lock needs no privilege: logins with only SELECT/INSERT/UPDATE race for
    references and recommend closure at once, and every rule still holds."""
    where, _, _ = worker_login
    child_add_race(where, n=4)
    closure_race(where, n=3)


def test_a_login_that_may_not_read_the_trail_is_still_told_when_on_postgresql(worker_login):
    """Who changed a record comes from the audit trail; a login that may not read it is
    told "someone else", and when, from the record itself, still in one line."""
    where, owner, role = worker_login
    import psycopg

    child_id = _setup_child(where)
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute(f"REVOKE SELECT ON audit_log FROM {role}")
    store = _open(where)
    try:
        with store.read() as session:
            row = session.get(m.Child, child_id)
            who, when = conflicts.last_change(session, [conflicts.row(row)])
    finally:
        store.close()
    assert who == "someone else" and when.startswith("at ")


def test_the_reference_sequence_starts_after_the_highest_reference_on_postgresql(pg_url):
    """Migration 0015 on a server store that already has children: the next reference
    follows the highest CIN number there (not their count), and one typed by hand is
    skipped."""
    from alembic import command
    from sqlalchemy import create_engine

    from cintui.store import migrate
    from cintui.store.engine import Store, _configure_postgresql, _write_store_id

    engine = create_engine(pg_url)
    _configure_postgresql(engine)
    migrate.upgrade(engine)
    store = Store(engine, None, False, _write_store_id(engine))

    def back_to_0014() -> None:
        """As a store written before 0015: its schema back to 0014 (no sequence)."""
        with engine.connect() as conn, conn.begin():
            command.downgrade(migrate.alembic_config(conn), "0014")

    def add(reference=None):
        with store.session(ACTOR) as session:
            return cases.add_child(session, cases.NewChild(
                first_name="Sky", last_name="Seqtest", dob=date(2018, 1, 1),
                referral_date=date(2026, 1, 5), reference=reference), TODAY).reference

    try:
        add("CIN000007")
        add("CIN000003")
        back_to_0014()
        migrate.upgrade(engine)
        assert add() == "CIN000008"
        add("CIN000009")  # taken by hand before the sequence reaches it
        assert add() == "CIN000010"
    finally:
        store.close()


def test_decisions_added_at_once_on_a_sqlite_file(sqlite_where):
    decisions_at_once(sqlite_where)


def test_decisions_added_at_once_on_postgresql(pg_where):
    decisions_at_once(pg_where)
