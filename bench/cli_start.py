"""Benchmark: `cintui COMMAND` from the shell, start to exit, against `python -c "import typer"`
(the floor: any Typer command line pays it) in the same run. Targets (issue "Instant from the
shell"): commands that need no store <= 1.3x the floor, reads <= 2.0x, a write <= 2.5x.

    .venv/bin/python bench/cli_start.py [--children 300] [--runs 5] [--plain | --unlocked]
                                        [--cintui PATH]

Builds a demo store (encrypted unless --plain) in a scratch folder; with --unlocked the
commands open it through an unlock session (`eval "$(cintui unlock)"`: no key derivation
a command) rather than the passphrase in the environment, then runs each command
right after a run of the floor, round after round, so a machine that slows down slows both.
Prints each command's median wall time and the median of its ratios to the floor run beside
it (on a shared machine, quote the ratios). `--cintui` times another
install (e.g. an older checkout's `.venv/bin/cintui`) against the same floor.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compiled  # noqa: E402

TODAY = "2026-11-23"
PASSPHRASE = "benchmark passphrase"
TARGETS = {"no store": 1.3, "read": 2.0, "write": 2.5}


def commands(db: Path, child: str) -> list[tuple[str, str, list[str]]]:
    """(label, kind, arguments) for each command timed."""
    on_db = ["--db", str(db)]
    return [
        ("--help", "no store", ["--help"]),
        ("deadline", "no store", ["deadline", TODAY, "--working-days", "15"]),
        ("policy show", "no store", ["policy", "show", "england"]),
        ("child list --json", "read", ["child", "list", "--json", *on_db]),
        ("child show", "read", ["child", "show", child, *on_db]),
        ("due --json", "read", ["due", "--json", *on_db]),
        ("plan show", "read", ["plan", "show", child, *on_db]),
        ("child episodes", "read", ["child", "episodes", child, "--json", *on_db]),
        ("decision list", "read", ["decision", "list", child, *on_db]),
        ("transfer status", "read", ["transfer", "status", child, *on_db]),
        ("decision add", "write", ["decision", "add", child, "--kind", "other", "--decision",
                                   "Carry on", "--rationale", "Benchmark", *on_db]),
    ]


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the operating system's account of the
    finished child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr.decode().strip()}")
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plain", action="store_true", help="an unencrypted store")
    parser.add_argument("--unlocked", action="store_true",
                        help="the encrypted store opened through `cintui unlock`")
    parser.add_argument("--cintui", type=Path, default=Path(sys.executable).with_name("cintui"))
    args = parser.parse_args()
    python = args.cintui.with_name("python")  # the floor runs on the install being timed
    compiled(python)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CINTUI_CONFIG_DIR": f"{tmp}/cfg", "CINTUI_DATA_DIR": f"{tmp}/data",
               "CINTUI_TODAY": TODAY, "LOGNAME": "bench.worker",
               "CINTUI_PASSPHRASE": PASSPHRASE}
        env.pop("CINTUI_USER", None)  # the login acts: CINTUI_USER must name a worker
        db = Path(tmp) / "bench.db"
        subprocess.run([args.cintui, "demo", "--children", str(args.children), "--seed", "7",
                        "--db", db, *(["--no-encrypt"] if args.plain else [])],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        listed = subprocess.run([args.cintui, "child", "list", "--open", "--json", "--db", db],
                                check=True, env=env, capture_output=True, text=True).stdout
        child = json.loads(listed)[0]["reference"]
        if args.unlocked and not args.plain:
            env["CINTUI_RUNTIME_DIR"] = f"{tmp}/run"
            said = subprocess.run([args.cintui, "unlock", "--db", db], check=True, env=env,
                                  capture_output=True, text=True).stdout
            env["CINTUI_SESSION"] = said.strip().partition("=")[2]
            del env["CINTUI_PASSPHRASE"]  # the session alone opens it
        floor = [str(python), "-c", "import typer"]
        runs = [(label, kind, [str(args.cintui), *argv])
                for label, kind, argv in commands(db, child)]
        timed(floor, env)
        for _, _, argv in runs:  # warm-up: byte-code and the file cache
            timed(argv, env)
        floors: list[float] = []
        times: dict[str, list[float]] = {label: [] for label, _, _ in runs}
        ratios: dict[str, list[float]] = {label: [] for label, _, _ in runs}
        cpu_ratios: dict[str, list[float]] = {label: [] for label, _, _ in runs}
        for _ in range(args.runs):
            for label, _, argv in runs:  # each run paired with a floor run just before it
                floor_wall, floor_cpu = timed(floor, env)
                wall, cpu = timed(argv, env)
                floors.append(floor_wall)
                times[label].append(wall)
                ratios[label].append(wall / floor_wall)
                cpu_ratios[label].append(cpu / floor_cpu)
    store = "plain" if args.plain else "unlocked encrypted" if args.unlocked else "encrypted"
    print(f"{args.children}-child {store} demo store, {args.runs} runs of each; floor "
          f"`python -c \"import typer\"` median {statistics.median(floors):.3f} s; load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("ratio: median of the paired wall-time ratios (the target's measure); cpu: the same "
          "for user+system seconds (steadier on a busy machine; a thread's work counts there)")
    print(f"{'command':<20} {'kind':<9} {'median s':>9} {'ratio':>7} {'cpu':>7} {'target':>7}")
    for label, kind, _ in runs:
        ratio = statistics.median(ratios[label])
        mark = "ok" if ratio <= TARGETS[kind] else "over"
        print(f"{label:<20} {kind:<9} {statistics.median(times[label]):>9.3f} {ratio:>6.1f}x "
              f"{statistics.median(cpu_ratios[label]):>6.1f}x {TARGETS[kind]:>6.1f}x {mark}")

if __name__ == "__main__":
    main()
