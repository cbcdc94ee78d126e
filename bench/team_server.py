"""What a team server's checks cost a write (issue 18): the same audited writes on a plain
PostgreSQL store and on a team server (grants, triggers, row-level security and the server's
log of changes), alternately, on two fresh databases of one throwaway cluster.

    .venv/bin/python tests/pgserver.py run -- .venv/bin/python bench/team_server.py

Prints medians of: one child added per transaction (the app's everyday write) and 2,000
children in one bulk insert (an import), and the ratios team server / plain.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROUNDS = 5
SINGLE = 100  # transactions of one child each, per round
BULK = 2000  # children in one transaction, per round


def _database(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(server).set(drivername="postgresql+psycopg", database=name) \
        .render_as_string(hide_password=False)


def _row(n: int) -> dict:
    from cintui.store.models import utcnow

    now = utcnow()
    return {"id": uuid.uuid4(), "created_at": now, "updated_at": now,
            "reference": f"B{uuid.uuid4().hex[:12]}", "first_name": "Bench", "last_name": f"C{n}",
            "known_as": "", "dob": date(2015, 1, 1), "expected_dob": None, "sex": "U",
            "gender_identity": "", "ethnicity": "NOBT", "disabilities": "NONE", "upn": "",
            "upn_unknown": None, "primary_need": "N0", "level": "", "service": "",
            "team_id": None, "worker_id": None, "family_id": None, "status": "referral"}


def _single(store, actor: str) -> float:
    from cintui.store.models import Child

    start = time.perf_counter()
    for n in range(SINGLE):
        with store.session(actor) as session:
            session.add(Child(**_row(n)))
    return (time.perf_counter() - start) / SINGLE


def _bulk(store, actor: str) -> float:
    from cintui.store import audit
    from cintui.store.models import Child

    start = time.perf_counter()
    with store.session(actor) as session:
        audit.insert_rows(session, Child, [_row(n) for n in range(BULK)])
    return time.perf_counter() - start


def main() -> int:
    server = os.environ.get("CINTUI_TEST_PG")
    if not server:
        print(__doc__, file=sys.stderr)
        return 2
    os.environ["CINTUI_CONFIG_DIR"] = tempfile.mkdtemp(prefix="bench-cfg-")
    from cintui.store import server as team
    from cintui.store.engine import open_url

    tag = uuid.uuid4().hex[:8]
    plain = open_url(_database(server, f"bench_plain_{tag}"))
    guarded = open_url(_database(server, f"bench_team_{tag}"))
    login = f"bench.{tag}"  # a worker's own login: grants, triggers and row security apply
    with guarded.engine.begin() as conn:
        team.init(conn)
        team.set_login(conn, login, password="bench password", manager=False)
    url = guarded.engine.url.set(username=login, password="bench password")
    guarded.close()
    guarded = open_url(url.render_as_string(hide_password=False))
    actor = make_url(server).username
    times: dict[str, list[float]] = {"plain single": [], "team single": [], "plain bulk": [],
                                     "team bulk": []}
    for _ in range(ROUNDS):
        times["plain single"].append(_single(plain, actor))
        times["team single"].append(_single(guarded, login))
        times["plain bulk"].append(_bulk(plain, actor))
        times["team bulk"].append(_bulk(guarded, login))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"one child a transaction: plain {med['plain single'] * 1000:.2f} ms, "
          f"team server {med['team single'] * 1000:.2f} ms "
          f"({med['team single'] / med['plain single']:.2f}x)")
    print(f"{BULK} children in one: plain {med['plain bulk']:.2f} s, "
          f"team server {med['team bulk']:.2f} s ({med['team bulk'] / med['plain bulk']:.2f}x)")
    plain.close()
    guarded.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
