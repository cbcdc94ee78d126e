"""Many writers at once: 8 worker processes doing a day's mix of writes (visits recorded,
plan drafts changed, children's details edited, meetings booked), each one use case in one
audited transaction, on PostgreSQL and on a SQLite file holding the same demo data.

Reports writes per second (all workers together) and the median and 95th-percentile time of
one write, per store and per kind of write. Standard library timing (perf_counter).

    .venv/bin/python bench/pg_writes.py [--workers 8] [--seconds 10] [--children 300]

PostgreSQL: $CINTUI_TEST_PG (a superuser URL) if set, else a throwaway cluster on
127.0.0.1 (tests/pgserver.py), stopped at the end. Synthetic people only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # pgserver

TODAY = date(2026, 11, 23)
FORK = multiprocessing.get_context("fork")
KINDS = ("visit", "plan", "child", "meeting")


def _open(where: str):
    from cintui.store.engine import open_store, open_url

    return open_url(where) if "://" in where else open_store(Path(where), None)


def _demo(where: str, children: int, folder: Path) -> None:
    import subprocess

    env = {**os.environ, "CINTUI_CONFIG_DIR": str(folder / "cfg")}
    args = [sys.executable, "-m", "cintui", "demo", "--children", str(children), "--seed", "11",
            "--today", TODAY.isoformat(), "--no-encrypt"]
    if "://" in where:
        env["CINTUI_DATABASE_URL"] = where
    else:
        args += ["--db", where]
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)


def _children(where: str) -> list[uuid.UUID]:
    from sqlmodel import select

    from cintui.casework import plans
    from cintui.store.models import Child

    store = _open(where)
    try:
        with store.read() as session:
            # Not those whose plan ended at a final meeting: an edit does not re-open it (WIR 3).
            return [c for c in session.exec(select(Child.id).where(Child.status != "closed"))
                    if plans.ended(session, c) is None]
    finally:
        store.close()


# ---------------------------------------------------------------- the writes


def _visit(session, child_id, i, rng):
    from cintui.casework import visits
    from cintui.domain.visit import VisitContent

    at = datetime(2026, 11, 23, 9) - timedelta(minutes=rng.randrange(60 * 24 * 20))
    visits.finalise(session, child_id, VisitContent(
        visited_at=at, kind="home", child_seen=True, seen_alone=True, bedroom_seen=True,
        purpose="Statutory visit", analysis=f"Bench visit {i}: things are steadier at home."),
        actor=session.info["actor"], now=datetime(2026, 11, 23, 12))


def _plan(session, child_id, i, rng):
    from cintui.casework import plans

    vid = plans.start_version(session, child_id, TODAY, by="Bench Worker")
    version = plans.load_version(session, vid)
    plans.save_draft(session, vid, replace(version, objectives=f"Objectives, revision {i}"),
                     TODAY, by="Bench Worker")


def _child(session, child_id, i, rng):
    from cintui.casework import record

    current = record.child_input(session, child_id)
    record.update_child(session, child_id, replace(current, known_as=f"K{i % 97}"), TODAY)


def _meeting(session, child_id, i, rng):
    from cintui.casework import meetings, record, safeguards
    from cintui.domain.meeting import Schedule

    starts = datetime(2026, 12, 1, 16) + timedelta(days=rng.randrange(60))
    if safeguards.consent_problem(session, child_id, TODAY):  # WIR 2.1, 2.3: why without
        record.record_consent(session, child_id, record.ConsentInput(
            scope="meeting", decision="given", decided_on=TODAY,
            override_without_consent=True, override_rationale="bench: exceptional"), TODAY)
    meetings.schedule(session, child_id, Schedule(
        kind="review", starts_at=starts, venue="Family home", chair="Tess Manager",
        chair_role="Team manager", practical=(), invitees=(),
        not_invited_reason="bench: a professionals' meeting"), now=datetime(2026, 11, 23, 12))


WRITES = {"visit": _visit, "plan": _plan, "child": _child, "meeting": _meeting}


def _old_locking(store) -> None:
    """Before issue 18, for comparison only (it lets two workers' checks interleave): no lock
    at BEGIN, `LOCK TABLE audit_log IN EXCLUSIVE MODE` at the first flush."""
    from sqlalchemy import event

    from cintui.store import audit, engine

    event.remove(store.engine, "begin", engine._pg_begin)
    read_head = audit._read_head

    def locked(conn):
        conn.exec_driver_sql("LOCK TABLE audit_log IN EXCLUSIVE MODE")
        return read_head(conn)

    audit._read_head = locked


def _worker(where, children, barrier, results, n, seconds, old):
    from cintui.store.base import StoreError

    rng = random.Random(n)
    store = _open(where)
    if old:
        _old_locking(store)
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    failed: dict[str, int] = {}
    try:
        for kind in KINDS:  # imports and first queries, untimed
            with store.session(f"bench.{n}") as session:
                WRITES[kind](session, rng.choice(children), -1, rng)
    except (ValueError, StoreError):
        pass
    barrier.wait(timeout=300)
    end = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < end:
        kind = rng.choice(KINDS)
        child_id = rng.choice(children)
        start = time.perf_counter()
        try:
            with store.session(f"bench.{n}") as session:
                WRITES[kind](session, child_id, i, rng)
        except (ValueError, StoreError) as exc:  # a rule refused it: counted apart
            failed[type(exc).__name__] = failed.get(type(exc).__name__, 0) + 1
            continue
        finally:
            i += 1
        times[kind].append(time.perf_counter() - start)
    store.close()
    results.put((times, failed))


def run(where: str, workers: int, seconds: float, old: bool = False,
        ) -> tuple[float, dict, dict]:
    children = _children(where)
    barrier = FORK.Barrier(workers + 1)
    results = FORK.Queue()
    procs = [FORK.Process(target=_worker, args=(where, children, barrier, results, n, seconds, old))
             for n in range(workers)]
    for p in procs:
        p.start()
    barrier.wait(timeout=300)
    start = time.perf_counter()
    got = [results.get(timeout=seconds + 300) for _ in procs]
    wall = time.perf_counter() - start
    for p in procs:
        p.join()
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    failed: dict[str, int] = {}
    for t, f in got:
        for k in KINDS:
            times[k] += t[k]
        for k, v in f.items():
            failed[k] = failed.get(k, 0) + v
    return wall, times, failed


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def _row(store: str, kind: str, values: list[float], wall: float) -> str:
    if not values:
        return f"  {store:<14} {kind:<8} {'-':>8}"
    return (f"  {store:<14} {kind:<8} {len(values) / wall:8.1f} {len(values):7d} "
            f"{statistics.median(values) * 1000:9.1f} {_p95(values) * 1000:9.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,8",
                        help="writer counts to run, comma-separated (default 1,8: one alone, "
                        "then eight at once)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--old", action="store_true", help="also PostgreSQL as it locked "
                        "before issue 18 (at the first flush: not safe, for comparison)")
    args = parser.parse_args(argv)
    import pgserver
    import psycopg
    from sqlalchemy.engine import make_url

    cluster = None
    server = os.environ.get(pgserver.ENV_VAR)
    if not server:
        cluster = pgserver.start()
        server = cluster.url
    with tempfile.TemporaryDirectory(prefix="cintui-bench-") as tmp:
        folder = Path(tmp)
        os.environ["CINTUI_CONFIG_DIR"] = str(folder / "cfg")
        name = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        pg = make_url(server).set(drivername="postgresql+psycopg", database=name)
        stores = {"postgresql": pg.render_as_string(hide_password=False),
                  "sqlite": str(folder / "bench.db")}
        try:
            counts = [int(c) for c in args.workers.split(",")]
            print(f"== {args.workers} writers for {args.seconds:.0f} s each, "
                  f"{args.children}-child demo (a mix of visits, plan drafts, child edits, "
                  "meetings)")
            print(f"  {'store':<14} {'write':<8} {'writes/s':>8} {'count':>7} "
                  f"{'median ms':>9} {'p95 ms':>9}")
            for label, where in stores.items():
                _demo(where, args.children, folder)
                for count in counts:
                    if args.old and label == "postgresql":  # first: a fresh store's own
                        wall, times, failed = run(where, count, args.seconds, old=True)
                        every = [t for k in KINDS for t in times[k]]  # work is not its
                        print(_row(f"pg-old x{count}", "all", every, wall)
                              + (f"   refused: {failed}" if failed else ""))
                    wall, times, failed = run(where, count, args.seconds)
                    name = f"{label} x{count}"
                    if count == max(counts):
                        for kind in KINDS:
                            print(_row(name, kind, times[kind], wall))
                    every = [t for k in KINDS for t in times[k]]
                    print(_row(name, "all", every, wall)
                          + (f"   refused: {failed}" if failed else ""))
        finally:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
