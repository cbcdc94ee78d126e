"""The manager's waiting list on a team server at a service's scale (BEX 4): what it asks
the server about casework kept after a closure, each against a floor measured in the same
run, on a throwaway cluster.

    .venv/bin/python tests/pgserver.py run -- .venv/bin/python bench/waiting_server.py \
        [--children 3000] [--entries 60000] [--runs 5] [--explain]

The server: `cintui demo --children N` (its closed cases, their casework and decisions),
made a team server (`cintui server init`), then laptops' chains as they arrive by sync
(`device_entry`, through the server's own triggers: `entry_arrival`): each record of a kind
kept after a closure brought by one laptop's insert (a meeting's holding by an update too)
and copied into two other laptops' chains by their sync, the rest other changes; a decision
saved on the server (`decision_snapshot`) for each child whose casework waits, one in four
of them made offline on a manager's laptop (its chain's insert, and that laptop's pulls:
`device_pull`). The server's own audit entries carry the transaction that wrote them
(`audit_log.txid`), as on a server running since init: `cintui_seen` reads those about the
records as changes made on the server itself. Read as a manager's login, as the team view and
`cintui team waiting` do.

Prints the median of `--runs` reads of each question the list asks (`kept.judged`, the
children's episodes; `kept.decisions`, their decisions; `kept.seen`, i.e.
`cintui_seen`; `kept.reached`, i.e. `cintui_arrived`; `kept.offline`, i.e. `cintui_held`)
and of the whole list (`waiting_for_manager`), each as a ratio of the floor: the list's own
read of the same records (`kept.waiting_sql`, the plain SELECT the list starts from).
`--explain`: the plans of the functions' queries (auto_explain, as the owner). `--keep`:
the database stays (for psql), with the manager's login.

Needs $CINTUI_TEST_PG (a superuser URL: tests/pgserver.py sets it). Synthetic people only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _timing import median_of  # noqa: E402

PASSWORD = "bench password, long enough"
DEVICES = 60  # laptops
MANAGER_DEVICE = "bench-manager-laptop"
SYNC = "sync"  # store.base.SYNC_ACTOR


def _database(superuser: str, name: str) -> str:
    with psycopg.connect(superuser, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(superuser).set(drivername="postgresql+psycopg", database=name) \
        .render_as_string(hide_password=False)


def build(url: str, children: int, entries: int, folder: Path) -> str:
    """The demo made a team server with laptops' chains and decisions; the manager's login."""
    from cintui.store import server as team
    from cintui.store.base import SYNC_ACTOR
    from cintui.store.engine import open_url
    from cintui.store.kept import SOURCES

    assert SYNC_ACTOR == SYNC
    env = {**os.environ, "CINTUI_DATABASE_URL": url, "CINTUI_CONFIG_DIR": str(folder / "cfg")}
    subprocess.run([sys.executable, "-m", "cintui", "demo", "--children", str(children),
                    "--seed", "7", "--no-encrypt"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    login = f"bench.manager.{uuid.uuid4().hex[:6]}"
    store = open_url(url)
    with store.engine.begin() as conn:
        team.init(conn)
        team.set_login(conn, login, password=PASSWORD, manager=True)
    store.close()
    pg = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(pg) as conn:
        # Casework kept after a closure: three visits to each child whose newest episode is
        # closed, a week apart from two days after that closure, and its newest held meeting
        # moved to five days after it.
        conn.execute("""CREATE TEMP TABLE closed AS SELECT DISTINCT ON (child_id) child_id,
            closure_date FROM episode ORDER BY child_id, referral_date DESC""")
        conn.execute("DELETE FROM closed WHERE closure_date IS NULL")
        conn.execute("""INSERT INTO visit (id, created_at, updated_at, child_id, visited_at, kind,
                child_seen, seen_alone, bedroom_seen, status, author_name)
            SELECT gen_random_uuid(), now(), now(), k.child_id,
                   k.closure_date + (2 + 7 * w) * interval '1 day' + interval '10 hours', 'home',
                   true, true, false, 'final', 'Bench Worker'
            FROM closed k, generate_series(0, 2) AS w""")
        conn.execute("""UPDATE meeting m SET held_on = k.closure_date + 5
            FROM closed k WHERE m.child_id = k.child_id AND m.id = (
                SELECT x.id FROM meeting x WHERE x.child_id = k.child_id AND x.held
                ORDER BY x.held_on DESC LIMIT 1)""")
        records = " UNION ALL ".join(
            f"SELECT '{s.table}' AS entity, id, child_id, created_at FROM {s.table}"
            for s in SOURCES)
        conn.execute(f"CREATE TEMP TABLE rec AS SELECT row_number() OVER (ORDER BY created_at, "
                     f"id) AS n, * FROM ({records}) AS r")
        (made,) = conn.execute("SELECT count(*) FROM rec").fetchone()
        # Half the records came from laptops (the rest were made on the server): each one
        # laptop's insert (a meeting's holding: an update besides) and two other laptops'
        # sync copies; the rest of `entries`: other changes on the laptops.
        conn.execute(f"""CREATE TEMP TABLE chain AS
            SELECT 'bench-laptop-' || ((n + k) % {DEVICES}) AS device, n * 4 + k AS ord,
                   CASE WHEN k = 0 OR k = 3 THEN 'bench.worker' ELSE '{SYNC}' END AS actor,
                   CASE WHEN k = 3 THEN 'update' ELSE 'insert' END AS action, entity,
                   replace(id::text, '-', '') AS entity_id,
                   CASE WHEN k = 3 THEN '{{"held": [false, true]}}'
                        ELSE '{{"id": [null, "x"]}}' END AS changes
            FROM rec, generate_series(0, 3) AS k
            WHERE n % 2 = 0 AND (k < 3 OR entity = 'meeting')""")
        (chained,) = conn.execute("SELECT count(*) FROM chain").fetchone()
        conn.execute(f"""INSERT INTO chain SELECT 'bench-laptop-' || (i % {DEVICES}), i,
            'bench.worker', 'update', 'child', replace(gen_random_uuid()::text, '-', ''),
            '{{"phone": [null, "x"]}}' FROM generate_series({made * 4 + 4},
            {made * 4 + 3 + max(entries - chained, 0)}) AS i""")
        conn.execute("""INSERT INTO device_entry (device, seq, at, actor, action, entity,
                entity_id, changes, prev_hash, hash, arrived_at)
            SELECT device, row_number() OVER (PARTITION BY device ORDER BY ord), now(), actor,
                   action, entity, entity_id, changes, repeat('0', 64), repeat('0', 64), now()
            FROM chain""")
        # The server's own audit entries carry the transaction that wrote them, as on a
        # server running since `cintui server init` (the demo wrote them before it):
        # `cintui_seen` reads those about the records as changes made on the server itself.
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")  # append-only otherwise
        conn.execute("UPDATE audit_log SET txid = txid_current()")
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
        conn.commit()  # long committed when the decisions below are saved
        # A decision saved on the server for each child whose casework waits (its newest
        # episode closed), one in four made offline on the manager's laptop after it pulled.
        conn.execute("CREATE TEMP TABLE waits AS SELECT child_id FROM closed")
        conn.execute("""INSERT INTO decision (id, child_id, episode_id, kind, made_on, made_by,
                made_by_role, decision, rationale, created_at, updated_at)
            SELECT gen_random_uuid(), w.child_id, (SELECT e.id FROM episode e
                WHERE e.child_id = w.child_id ORDER BY e.referral_date DESC LIMIT 1),
                'case_direction', current_date, 'Bench Manager', '', 'The case stays closed',
                'Bench', clock_timestamp(), clock_timestamp() FROM waits w""")
        conn.execute(f"""INSERT INTO device_entry (device, seq, at, actor, action, entity,
                entity_id, changes, prev_hash, hash, arrived_at)
            SELECT '{MANAGER_DEVICE}', row_number() OVER (ORDER BY d.id), now(), 'bench.manager',
                   'insert', 'decision', replace(d.id::text, '-', ''), '{{}}', repeat('0', 64),
                   repeat('0', 64), now()
            FROM decision d WHERE d.made_by = 'Bench Manager'
              AND get_byte(uuid_send(d.id), 0) < 64""")
        conn.execute(f"""INSERT INTO device_pull (device, seq, snapshot)
            SELECT '{MANAGER_DEVICE}', s, pg_current_snapshot() FROM generate_series(0, 40, 10) s""")
        counts = conn.execute("SELECT (SELECT count(*) FROM device_entry), "
                              "(SELECT count(*) FROM entry_arrival), "
                              "(SELECT count(*) FROM decision), "
                              "(SELECT count(*) FROM decision_snapshot), "
                              "(SELECT count(*) FROM child), "
                              "(SELECT count(*) FROM audit_log WHERE txid IS NOT NULL)"
                              ).fetchone()
    print(f"server: {counts[4]} children, {counts[2]} decisions ({counts[3]} saved since init), "
          f"{counts[0]} laptop entries ({counts[1]} with their arrival), {made} records of "
          f"kinds kept after a closure ({counts[5]} server audit entries with their "
          f"transaction)")
    return login


def measure(url: str, login: str, runs: int) -> None:
    from cintui.casework.caseload import reading
    from cintui.casework.team import _KEPT_COLUMNS, _KEPT_JOINS, _OF_TEAM, waiting_for_manager
    from cintui.store import kept
    from cintui.store.engine import open_url

    manager = make_url(url).set(username=login, password=PASSWORD) \
        .render_as_string(hide_password=False)
    store = open_url(manager)
    try:
        with reading(store) as rows:
            sql = kept.waiting_sql(_KEPT_COLUMNS, _KEPT_JOINS, _OF_TEAM[False])
            read = rows(sql, {"team": ""})
            found = kept.judged(rows, read)
            decided = kept.decisions(rows, found)
            answered = [f for f in found if decided.get(str(f.child_id))]
            pairs = sum(len(decided[str(f.child_id)]) for f in answered)
            told = kept.seen(rows, decided, answered)
            assert told is not None, "cintui_seen is not there"
            print(f"the list: {len(found)} records kept after a closure, {len(answered)} of "
                  f"children with a decision ({pairs} pairs; cintui_seen answered {len(told)})")
            floor = median_of(lambda: rows(sql, {"team": ""}), runs)
            print(f"floor, the list's own read of those records: {floor * 1000:.1f} ms "
                  f"(median of {runs})")
            for name, run in (
                    ("kept.judged (the children's episodes)", lambda: kept.judged(rows, read)),
                    ("kept.decisions (the children's decisions)",
                     lambda: kept.decisions(rows, found)),
                    ("kept.seen (cintui_seen)", lambda: kept.seen(rows, decided, answered)),
                    ("kept.reached (cintui_arrived)", lambda: kept.reached(rows, answered)),
                    ("kept.offline (cintui_held)",
                     lambda: kept.offline(rows, decided, answered)),
                    ("the whole list (waiting_for_manager)", lambda: waiting_for_manager(rows))):
                took = median_of(run, runs)
                print(f"  {name}: {took * 1000:.1f} ms ({took / floor:.1f}x the floor)")
    finally:
        store.close()


def explain(url: str, login: str) -> None:
    """The plans inside the three functions (auto_explain, nested statements), as the owner,
    with the manager's arguments."""
    from cintui.casework.caseload import reading
    from cintui.casework.team import _KEPT_COLUMNS, _KEPT_JOINS, _OF_TEAM
    from cintui.store import kept
    from cintui.store.engine import open_url

    store = open_url(url)
    with reading(store) as rows:
        found = kept.judged(rows, rows(kept.waiting_sql(_KEPT_COLUMNS, _KEPT_JOINS,
                                                        _OF_TEAM[False]), {"team": ""}))
        decided = kept.decisions(rows, found)
    store.close()
    answered = [f for f in found if decided.get(str(f.child_id))]
    pairs = sorted({(did, kept.uuid_hex(f.extra[0])) for f in answered
                    for did, *_ in decided[str(f.child_id)]})
    dids, rids = [p[0] for p in pairs], [p[1] for p in pairs]
    pg = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.add_notice_handler(lambda d: print(d.message_primary))
        for setting in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                        "SET auto_explain.log_nested_statements = on",
                        "SET auto_explain.log_analyze = on",
                        "SET auto_explain.log_level = notice"):
            conn.execute(setting)
        for sql, args in (("SELECT count(*) FROM cintui_seen(%s, %s)", (dids, rids)),
                          ("SELECT count(*) FROM cintui_arrived(%s)", (sorted(set(rids)),)),
                          ("SELECT count(*) FROM cintui_held(%s, %s)",
                           (sorted(set(dids)), sorted(set(rids))))):
            print(f"==== {sql}")
            conn.execute(sql, args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--entries", type=int, default=60000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database (and the manager's login) for psql")
    args = parser.parse_args()
    superuser = os.environ.get("CINTUI_TEST_PG")
    if not superuser:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="bench-waiting-server-"))
    os.environ["CINTUI_CONFIG_DIR"] = str(folder / "cfg")
    name = f"bench_waiting_{uuid.uuid4().hex[:8]}"
    login = ""
    try:
        url = _database(superuser, name)
        login = build(url, args.children, args.entries, folder)
        measure(url, login, args.runs)
        if args.explain:
            explain(url, login)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if args.keep:
            print(f"kept: database {name}, manager's login {login}")
        else:
            with psycopg.connect(superuser, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                if login:
                    conn.execute(f'DROP ROLE IF EXISTS "{login}"')
                for group in ("worker", "manager", "admin", "audit"):
                    conn.execute(f'DROP ROLE IF EXISTS "{name}_{group}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
