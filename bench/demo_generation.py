"""Benchmark: `cintui demo --children N` end to end (a real process), encrypted and plain.

    .venv/bin/python bench/demo_generation.py [--children 5000] [--runs 3] [--only plain]

Prints each run, the fastest and the median in seconds. Target (foundation issue): 5,000
children < 10 s. The demo writes visit records too (text under every WIR 2.11 heading,
people present, addenda, plan actions, drafts): about 20,000 visits for 5,000 children.
On a shared machine compare the fastest runs, or run two builds in turn (--runs 1, twice).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compiled  # noqa: E402


def one_run(children: int, encrypt: bool, folder: Path) -> float:
    db = folder / f"bench-{time.monotonic_ns()}.db"
    args = [sys.executable, "-m", "cintui", "demo", "--children", str(children), "--db", str(db),
            "--seed", "1"]
    env = {**os.environ, "CINTUI_CONFIG_DIR": str(folder / "cfg")}
    if encrypt:
        env["CINTUI_PASSPHRASE"] = "benchmark passphrase"
    else:
        args.append("--no-encrypt")
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("encrypted", "plain"),
                        help="time one kind of store only")
    args = parser.parse_args()
    kinds = [k for k in (True, False)
             if args.only is None or args.only == ("encrypted" if k else "plain")]
    compiled(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        for encrypt in kinds:
            label = "encrypted" if encrypt else "plain"
            times = []
            for _ in range(args.runs):
                times.append(one_run(args.children, encrypt, Path(tmp)))
                for leftover in Path(tmp).glob("bench-*.db*"):  # 350 MB each: not kept
                    leftover.unlink()
            runs = " ".join(f"{t:.2f}" for t in times)
            print(f"demo --children {args.children} ({label}): runs {runs} s; "
                  f"fastest {min(times):.2f} s; median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
