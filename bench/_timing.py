"""Whole-process timing for the bench scripts (start-up included), standard library only.

`report(label, a, b=None, runs)` runs the shell command `a` (and `b`, alternately, so the
machine's drift touches both alike) `runs` times and prints min / median / max seconds, and
with `b` the median of the paired ratios a/b. `median_of(run, runs)` times a call in this
process (after one warming call): for the benches that time a read, not a process.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def _once(command: str) -> float:
    """Seconds from start to exit. No `timeout`: with one, `Popen.wait` polls, sleeping up
    to 50 ms between polls, and every time above ~0.06 s came out up to 50 ms late (the
    `sqlite3` shell's 0.115 s read as 0.165 s, so ratios to it were understated)."""
    start = time.perf_counter()
    subprocess.run(["sh", "-c", command], check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _line(name: str, times: list[float]) -> str:
    return (f"  {name}: median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}, {len(times)} runs)")


def report(label: str, a: str, b: str | None = None, runs: int = 7) -> None:
    first, second, ratios = [], [], []
    for _ in range(runs):
        first.append(_once(a))
        if b is not None:
            second.append(_once(b))
            ratios.append(first[-1] / second[-1])
    print(f"== {label}")
    print(_line("A", first))
    if b is not None:
        print(_line("B (floor)", second))
        print(f"  A/B: median of paired ratios {statistics.median(ratios):.2f}x")


def compiled(python: str | Path) -> None:
    """Byte-compile the cintui that `python` imports (the package and its screens), as pip
    does when it installs a wheel. An editable checkout run with PYTHONDONTWRITEBYTECODE set
    (as on this project's machines) otherwise compiles every module it imports on every
    start (~0.1-0.2 s a command), which no installed cintui does; the floor's Typer is
    compiled. Run before any timing, by every bench that times a whole process."""
    code = ("import compileall, os, cintui, cintui.screens as s\n"
            "for m in (cintui, s):\n"
            "    compileall.compile_dir(os.path.dirname(m.__file__), quiet=1)\n")
    subprocess.run([str(python), "-c", code], check=True, stdout=subprocess.DEVNULL)


def median_of(run: Callable[[], object], runs: int) -> float:
    """The median seconds of `runs` calls of `run`, after one call not counted (warm: the
    plans, the pages)."""
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
