"""Laptops syncing with the team server (issue 19).

(a) One laptop holding 20 children, after a week offline (10 visits, 2 meetings booked and
    minuted, 3 plan changes): the time of one `sync.run` (push and pull), median of several
    weeks, against two floors measured in the same run: a process that only imports
    cintui.store.sync (`python -c`), and 100 `SELECT 1` round trips to the server.
(b) 50 laptops syncing at once (50 processes, each a day's work offline: 2 visits and a plan
    change): p50 and p95 of one sync, and syncs per second for all of them together.

    .venv/bin/python tests/pgserver.py run -- .venv/bin/python bench/sync.py [--laptops 50]

Needs $CINTUI_TEST_PG (a superuser URL: tests/pgserver.py sets it). Synthetic people only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

START = date(2026, 11, 2)  # a Monday
PASSWORD = "bench password, long enough"
PASSPHRASE = "bench laptop passphrase"
FORK = multiprocessing.get_context("fork")
WEEKS = 5  # runs of (a)


def _cli(*args: str, env: dict[str, str]) -> None:
    import contextlib
    import io

    from cintui import cli

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            cli.run([str(a) for a in args])
    except SystemExit as exc:
        if exc.code:
            raise RuntimeError(f"cintui {' '.join(map(str, args))} failed") from None
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Server:
    """A fresh database made a team server, with `logins` workers (one team each ten)."""

    def __init__(self, superuser: str, workers: int, children_each: int, folder: Path) -> None:
        self.name = f"bench_sync_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(superuser, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.superuser = superuser
        self.owner_url = make_url(superuser).set(drivername="postgresql+psycopg",
                                                 database=self.name) \
            .render_as_string(hide_password=False)
        self.owner = make_url(superuser).username
        env = {"CINTUI_DATABASE_URL": self.owner_url, "CINTUI_USER": self.owner}
        _cli("db", "init", "--no-encrypt", env=env)
        _cli("server", "init", env=env)
        suffix = uuid.uuid4().hex[:6]
        self.logins = [f"bench{n:02d}.{suffix}" for n in range(workers)]
        teams = [f"Team {n}" for n in range((workers + 9) // 10)]
        for team in teams:
            _cli("team", "add", team, "--service", "Safeguarding", env=env)
        secret = folder / "pw"
        secret.write_text(PASSWORD + "\n")
        for n, login in enumerate(self.logins):
            _cli("worker", "add", login, "--name", f"Bench Worker{n:02d}", "--role",
                 "social worker", "--team", teams[n // 10], "--password-file", secret, env=env)
        from cintui.casework import cases
        from cintui.store import engine
        from tests.meeting_consent import consent_to_meetings

        owner = engine.open_url(self.owner_url)
        with owner.session(self.owner) as session:
            k = 0
            for login in self.logins:
                for _ in range(children_each):
                    k += 1
                    child = cases.add_child(session, cases.NewChild(
                        first_name=f"Bench{k:03d}", last_name="Synthetic",
                        dob=date(2012 + k % 10, 1 + k % 9, 15),
                        referral_date=START - timedelta(days=30), worker=login), START)
                    # TRA: the manager has started the plan, so it can be written.
                    cases.current_episode(session, child.id).cin_plan_start = \
                        START - timedelta(days=30)
                    child.status = "cin_plan"
                    consent_to_meetings(session, child.id, START - timedelta(days=7))
        owner.close()

    def url(self, login: str) -> str:
        return make_url(self.owner_url).set(username=login, password=PASSWORD) \
            .render_as_string(hide_password=False)

    def drop(self) -> None:
        with psycopg.connect(self.superuser, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            for login in self.logins:
                conn.execute(f'DROP ROLE IF EXISTS "{login}"')
            for group in ("worker", "manager", "admin", "audit"):
                conn.execute(f'DROP ROLE IF EXISTS "{self.name}_{group}"')


class Laptops:
    """Laptop stores: the first built by create_store (its schema takes ~2 s under SQLCipher),
    the others copies of it with a store_id of their own; each made a replica, registered and
    filled by a first sync, as `cintui sync setup` does."""

    def __init__(self, folder: Path) -> None:
        from cintui.store import engine

        self.folder = folder
        self.template = folder / "template.db"
        engine.create_store(self.template, PASSPHRASE).close()

    def make(self, server: Server, login: str):
        from sqlalchemy import text

        from cintui.store import engine, sync

        path = self.folder / f"{login}.db"
        shutil.copy2(self.template, path)
        local = engine.open_store(path, PASSPHRASE)
        local.store_id = uuid.uuid4().hex
        with local.engine.begin() as conn:
            conn.execute(text("UPDATE store_meta SET value = :v WHERE key = 'store_id'"),
                         {"v": local.store_id})
        remote = engine.open_url(server.url(login))
        sync.mark_replica(local, server.url(login).replace(PASSWORD, ""), login)
        sync.register(remote, local.store_id, f"{login}'s laptop")
        sync.run(local, remote, today=START)
        remote.close()
        return path, local


def _work(local, login: str, day: date, *, visits: int, meetings: int, plans: int,
          seed: int) -> None:
    """What a worker records offline: visits, meetings booked and minuted, plan changes."""
    import random

    from sqlmodel import select

    from cintui.casework import meetings as meeting_cases
    from cintui.casework import plans as plan_cases
    from cintui.casework import visits as visit_cases
    from cintui.domain.meeting import Decisions, Schedule, minutes_for
    from cintui.domain.plan import Need, PlanAction
    from cintui.domain.visit import VisitContent
    from cintui.store.models import Child, Worker

    rng = random.Random(seed)
    with local.session(login) as session:
        me = session.exec(select(Worker).where(Worker.username == login)).one()
        mine = session.exec(select(Child).where(Child.worker_id == me.id)).all()
        children = [c.id for c in mine]
        for n in range(visits):
            at = datetime.combine(day + timedelta(days=n % 5), datetime.min.time()) \
                + timedelta(hours=9 + n % 7)
            visit_cases.finalise(session, rng.choice(children), VisitContent(
                visited_at=at, kind="home", child_seen=True, seen_alone=True,
                bedroom_seen=True, purpose="Weekly visit", analysis="Seen alone, all well"),
                actor=login, now=at + timedelta(hours=1))
        for n in range(meetings):
            child = children[(seed * meetings + n) % len(children)]  # a first meeting
            at = datetime.combine(day + timedelta(days=1 + n), datetime.min.time()) \
                + timedelta(hours=16)
            invitees = tuple(meeting_cases.invitee_choices(session, child))
            booked = meeting_cases.schedule(session, child, Schedule(
                kind="initial", starts_at=at, venue="Family home", chair="Bench Manager",
                chair_role="Team manager", invitees=invitees, child_invited=True),
                now=at - timedelta(days=1))
            minutes = replace(
                minutes_for(plan_cases.current_plan(session, child), "initial", at.date(),
                            tuple(replace(i, attendance="present") for i in invitees)),
                decisions=Decisions(still_in_need=True, next_review=at.date()
                                    + timedelta(days=84), recommendation="continue"))
            meeting_cases.finish(session, booked, minutes, actor=login,
                                 now=at + timedelta(hours=2))
        for n in range(plans):
            child = children[(n + 3) % len(children)]
            draft = plan_cases.start_version(session, child, day, login)
            version = plan_cases.load_version(session, draft)
            need = Need(now=f"Worry {seed}-{n}", outcome="Settles", actions=(
                PlanAction(what="Check in", who="Mum", by_when=day + timedelta(days=10)),))
            plan_cases.save_draft(session, draft, replace(version, needs=(*version.needs,
                                                                          need)), day, login)
            plan_cases.agree_version(session, draft, day, agreed_by="Bench Manager")


def _median_ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.0f} ms"


def week_offline(superuser: str, folder: Path) -> None:
    from cintui.store import engine, sync

    server = Server(superuser, workers=1, children_each=20, folder=folder)
    try:
        laptops = Laptops(folder)
        login = server.logins[0]
        _path, local = laptops.make(server, login)
        remote = engine.open_url(server.url(login))
        syncs, imports, trips = [], [], []
        for week in range(WEEKS):
            day = START + timedelta(days=7 * (week + 1))
            _work(local, login, day, visits=10, meetings=2, plans=3, seed=week)
            start = time.perf_counter()
            result = sync.run(local, remote, today=day + timedelta(days=5))
            syncs.append(time.perf_counter() - start)
            assert result.conflicts == 0 and result.pushed > 0, result
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import cintui.store.sync"], check=True)
            imports.append(time.perf_counter() - start)
            with remote.engine.connect() as conn:
                start = time.perf_counter()
                for _ in range(100):
                    conn.exec_driver_sql("SELECT 1").scalar()
                trips.append(time.perf_counter() - start)
        print(f"(a) one laptop, 20 children, a week offline (10 visits, 2 meetings with "
              f"minutes, 3 plan changes; {result.sent} audit entries sent, "
              f"{result.pushed} changes taken, {result.pulled} rows brought down):")
        print(f"    sync {_median_ms(syncs)} (median of {WEEKS} weeks; min "
              f"{min(syncs) * 1000:.0f}, max {max(syncs) * 1000:.0f})")
        print(f"    floor: `python -c 'import cintui.store.sync'` {_median_ms(imports)}; "
              f"sync/floor {statistics.median(syncs) / statistics.median(imports):.2f}x")
        print(f"    floor: 100 SELECT 1 round trips {_median_ms(trips)}; sync/floor "
              f"{statistics.median(syncs) / statistics.median(trips):.1f}x")
        remote.close()
        local.close()
    finally:
        server.drop()


def _one(args: tuple) -> tuple[float, float, int, float, int]:
    """In a process of its own: open the laptop and the server, wait, sync once."""
    path, url, login, barrier = args
    from cintui.store import engine, sync

    local = engine.open_store(path, PASSPHRASE)
    remote = engine.open_url(url)
    with remote.engine.connect() as conn:  # the connection made before the clock starts
        conn.exec_driver_sql("SELECT 1")
    with local.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    barrier.wait()
    from cintui.store.base import StoreBusy

    start, cpu, busy = time.perf_counter(), time.process_time(), 0
    while True:
        try:
            result = sync.run(local, remote, today=START + timedelta(days=1))
            break
        except StoreBusy:  # waited 30 s for the server's write lock: the worker syncs again
            busy += 1
    end, cpu = time.perf_counter(), time.process_time() - cpu
    local.close()
    remote.close()
    return start, end, result.pushed, cpu, busy


def _run_one(args: tuple, queue) -> None:
    try:
        queue.put(_one(args))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        queue.put(exc)


def many_at_once(superuser: str, folder: Path, count: int) -> None:
    server = Server(superuser, workers=count, children_each=2, folder=folder)
    try:
        laptops = Laptops(folder)
        paths = []
        for n, login in enumerate(server.logins):
            path, local = laptops.make(server, login)
            _work(local, login, START, visits=2, meetings=0, plans=1, seed=n)
            local.close()
            paths.append(path)
        barrier = FORK.Barrier(count)
        queue = FORK.Queue()
        procs = [FORK.Process(target=_run_one, args=((str(p), server.url(login), login,
                                                       barrier), queue))
                 for p, login in zip(paths, server.logins, strict=True)]
        for proc in procs:
            proc.start()
        done = [queue.get(timeout=600) for _ in procs]
        for proc in procs:
            proc.join()
        failed = [d for d in done if isinstance(d, BaseException)]
        if failed:
            raise RuntimeError(f"{len(failed)} syncs failed: {failed[0]!r}")
        times = sorted(d[1] - d[0] for d in done)
        wall = max(d[1] for d in done) - min(d[0] for d in done)
        cpu = statistics.median(d[3] for d in done)
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
        print(f"(b) {count} laptops syncing at once (each 2 visits and a plan change; "
              f"{sum(d[2] for d in done)} changes taken in all), {os.cpu_count()} cores:")
        busy = sum(d[4] for d in done)
        if busy:
            print(f"    {busy} sync{'s' if busy != 1 else ''} waited 30 s for the server's "
                  "write lock and gave up (StoreBusy, nothing written), then ran again: "
                  "their times below include the wait")
        print(f"    one sync: p50 {statistics.median(times) * 1000:.0f} ms, p95 "
              f"{p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
        print(f"    all {count} in {wall:.2f} s: {count / wall:.1f} syncs a second; the "
              f"laptop's own CPU in one sync: median {cpu * 1000:.0f} ms (here the 50 "
              "laptops and the server share the machine's cores; each sync's server "
              "transaction takes the server's one write lock, so they queue)")
    finally:
        server.drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laptops", type=int, default=50)
    parser.add_argument("--only", choices=("a", "b"), help="run one part only")
    args = parser.parse_args()
    superuser = os.environ.get("CINTUI_TEST_PG")
    if not superuser:
        print(__doc__, file=sys.stderr)
        return 2
    from _timing import compiled

    compiled(sys.executable)  # the floor's import, as an installed cintui's
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    os.environ["CINTUI_CONFIG_DIR"] = str(folder / "config")
    os.environ["CINTUI_DATA_DIR"] = str(folder / "data")
    try:
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        if args.only != "b":
            week_offline(superuser, folder / "a")
        if args.only != "a":
            many_at_once(superuser, folder / "b", args.laptops)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
