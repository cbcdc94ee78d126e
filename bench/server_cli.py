"""Benchmark: the same commands on a team server (PostgreSQL) and on a SQLite file holding the
same demo, start to exit, and the app's first paint. Target (issue 18): a server within 1.3x
of the file. Each command is also put against the floor `python -c "import typer"` (as in
bench/cli_start.py) run just before it.

    .venv/bin/python bench/server_cli.py [--children 300] [--runs 7] [--encrypted] [--paint-runs 5]

Uses $CINTUI_TEST_PG (a superuser URL) or starts a throwaway cluster on 127.0.0.1
(tests/pgserver.py), makes a database there and a file in a scratch folder with
`cintui demo --seed 7`, then runs, round after round: the floor, the command on the file,
the command on the server. The file is plain unless --encrypted (a laptop's real store, whose
key derivation costs ~0.1 s a command). The first paint: ../shared/tools/tui_first_paint.py
(launch in tmux, poll until five case references show), the server against the file in
alternation.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# ../shared/tools from the main checkout, ../../shared/tools from a worktree under /work/wt.
TOOLS = next((p / "shared" / "tools" for p in (REPO.parent, REPO.parent.parent)
              if (p / "shared" / "tools").is_dir()), REPO.parent / "shared" / "tools")
TODAY = "2026-11-23"
PASSPHRASE = "benchmark passphrase"
TARGET = 1.3
NO_STORE = {"deadline"}  # the same on both: how a command that needs no store fares
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))
from _timing import compiled  # noqa: E402


def commands(child: str) -> list[tuple[str, list[str]]]:
    return [
        ("deadline", ["deadline", TODAY, "--working-days", "15"]),
        ("child list --json", ["child", "list", "--json"]),
        ("child show", ["child", "show", child]),
        ("due --json", ["due", "--json"]),
        ("due", ["due"]),
        ("plan show", ["plan", "show", child]),
        ("child episodes", ["child", "episodes", child, "--json"]),
        ("decision list", ["decision", "list", child]),
        ("report compliance", ["report", "compliance"]),
        ("transfer status", ["transfer", "status", child]),
        ("decision add *", ["decision", "add", child, "--kind", "other", "--decision",
                            "Carry on", "--rationale", "Benchmark"]),
    ]


def timed(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr.decode().strip()}")
    return elapsed


def server(cluster_holder: list) -> str:
    import pgserver

    url = os.environ.get(pgserver.ENV_VAR)
    if not url:
        cluster = pgserver.start()
        cluster_holder.append(cluster)
        url = cluster.url
    return url


def make_database(superuser: str) -> tuple[str, str]:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(superuser, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = superuser.rpartition("/")
    return name, base.replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"


def drop_database(superuser: str, name: str) -> None:
    import psycopg

    with psycopg.connect(superuser, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def first_paint(cintui: str, db: Path, url: str, env: dict, runs: int) -> str:
    tool = TOOLS / "tui_first_paint.py"
    if not tool.exists():
        return f"(first paint not measured: needs {tool})"
    pass_env = ["--env", f"CINTUI_CONFIG_DIR={env['CINTUI_CONFIG_DIR']}",
                "--env", f"CINTUI_DATA_DIR={env['CINTUI_DATA_DIR']}",
                "--env", f"CINTUI_TODAY={TODAY}", "--env", f"CINTUI_DATABASE_URL={url}"]
    if env.get("CINTUI_PASSPHRASE"):
        pass_env += ["--env", f"CINTUI_PASSPHRASE={env['CINTUI_PASSPHRASE']}"]
    if env.get("PYTHONPATH"):  # another checkout timed
        pass_env += ["--env", f"PYTHONPATH={env['PYTHONPATH']}"]
    done = subprocess.run([
        sys.executable, str(tool), "-n", str(runs), *pass_env,
        "--expect", r"DEMO\d{5}", "--min-matches", "5",
        "--vs", f"{cintui} --db {db}", "--vs-expect", r"DEMO\d{5}",
        "--", cintui,  # no --db: CINTUI_DATABASE_URL, the server
    ], capture_output=True, text=True)
    return (done.stdout.strip() or done.stderr.strip()
            or f"(first paint: the timer printed nothing, exit {done.returncode})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument("--encrypted", action="store_true", help="an encrypted file")
    args = parser.parse_args()
    cintui = str(Path(sys.executable).with_name("cintui"))
    compiled(sys.executable)
    holder: list = []
    superuser = server(holder)
    name, url = make_database(superuser)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "CINTUI_CONFIG_DIR": f"{tmp}/cfg",
                   "CINTUI_DATA_DIR": f"{tmp}/data", "CINTUI_TODAY": TODAY,
                   "LOGNAME": "bench.worker"}  # the login: CINTUI_USER must name a worker
            env.pop("CINTUI_DATABASE_URL", None)
            env.pop("CINTUI_DB", None)
            env.pop("CINTUI_USER", None)
            file_env = dict(env)
            if args.encrypted:
                file_env["CINTUI_PASSPHRASE"] = PASSPHRASE
            server_env = {**env, "CINTUI_DATABASE_URL": url}
            db = Path(tmp) / "bench.db"
            demo = [cintui, "demo", "--children", str(args.children), "--seed", "7"]
            subprocess.run([*demo, "--db", db, *([] if args.encrypted else ["--no-encrypt"])],
                           check=True, env=file_env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            subprocess.run([*demo, "--no-encrypt"], check=True, env=server_env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            listed = subprocess.run([cintui, "child", "list", "--open", "--json", "--db", db],
                                    check=True, env=file_env, capture_output=True,
                                    text=True).stdout
            child = json.loads(listed)[0]["reference"]
            floor = [sys.executable, "-c", "import typer"]
            runs = [(label, [cintui, *argv]) for label, argv in commands(child)]

            def on(label: str, argv: list[str]) -> list[str]:
                return argv if label in NO_STORE else [*argv, "--db", str(db)]

            timed(floor, env)
            for label, argv in runs:  # warm-up: byte-code, the file cache, the server's cache
                timed(on(label, argv), file_env)
                timed(argv, server_env)
            floors: list[float] = []
            on_file: dict[str, list[float]] = {label: [] for label, _ in runs}
            on_server: dict[str, list[float]] = {label: [] for label, _ in runs}
            ratio: dict[str, list[float]] = {label: [] for label, _ in runs}
            for _ in range(args.runs):
                for label, argv in runs:
                    floors.append(timed(floor, env))
                    on_file[label].append(timed(on(label, argv), file_env))
                    on_server[label].append(timed(argv, server_env))
                    ratio[label].append(on_server[label][-1] / on_file[label][-1])
            floor_median = statistics.median(floors)
            kind = "encrypted" if args.encrypted else "plain"
            print(f"{args.children}-child demo (seed 7) on PostgreSQL and on a {kind} SQLite "
                  f"file, {args.runs} rounds; floor `python -c \"import typer\"` median "
                  f"{floor_median:.3f} s; * = a write (the light writer on both)")
            print(f"{'command':<20} {'file s':>7} {'server s':>8} {'file/floor':>10} "
                  f"{'server/floor':>12} {'server/file':>11}")
            for label, _ in runs:
                f, s = statistics.median(on_file[label]), statistics.median(on_server[label])
                r = statistics.median(ratio[label])
                mark = "ok" if r <= TARGET else "over"
                print(f"{label:<20} {f:>7.3f} {s:>8.3f} {f / floor_median:>9.2f}x "
                      f"{s / floor_median:>11.2f}x {r:>10.2f}x {mark}")
            print("first paint, server against the file (median of paired ratios):")
            print(first_paint(cintui, db, url, file_env, args.paint_runs))
    finally:
        drop_database(superuser, name)
        for cluster in holder:
            cluster.stop()


if __name__ == "__main__":
    main()
