"""Which store-side lines would run on PostgreSQL only in a screen test that runs on SQLite
alone? (tests/conftest.py `screen_stores`: a screen test runs on SQLite unless marked
`both_stores`.)

    .venv/bin/python scripts/pg_only_lines.py            # ~7 minutes on 2 cores
    .venv/bin/python scripts/pg_only_lines.py --data F   # a coverage file from a run before

Runs the PostgreSQL half with every screen test on it (`--screens-on-both`) under coverage,
one context per test, then lists each line of `cintui/casework`, `cintui/store`,
`cintui/export` and `cintui/cli` that no test but an unmarked screen test runs there, with
the fewest screen tests that cover them all: mark those `@pytest.mark.both_stores` (or test
the line below the screens, on both stores). Exits 1 if there is any such line.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE_SIDE = tuple(f"/cintui/{part}/" for part in ("casework", "store", "export", "cli"))


def measure(data: Path) -> None:
    rc = data.parent / "pg_only_lines.ini"  # not data's name + ".*": pytest-cov erases those
    rc.write_text(f"[run]\nsource = cintui\ndata_file = {data}\n")
    workers = str(2 * (os.cpu_count() or 1))
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", workers, "--dist", "worksteal",
                    "--store=postgresql", "--screens-on-both", "-p", "no:cacheprovider",
                    "--cov", f"--cov-config={rc}", "--cov-context=test", "--cov-report="],
                   cwd=ROOT, check=True)


def kept_on_postgresql() -> set[str]:
    """The screen tests that run on PostgreSQL as the suite stands (marked, or a server's)."""
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "--store=postgresql", "-p", "no:cacheprovider", "tests/screens"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return {line.strip() for line in out.splitlines() if "::" in line}


def lost_lines(data: Path, kept: set[str]) -> dict[tuple[str, int], set[str]]:
    from coverage import CoverageData

    covered = CoverageData(str(data))
    covered.read()

    def lost(test: str) -> bool:
        return test.startswith("tests/screens/") and test not in kept

    lines = {}
    for path in covered.measured_files():
        if not any(part in path for part in STORE_SIDE):
            continue
        for line, contexts in covered.contexts_by_lineno(path).items():
            tests = {c.split("|")[0] for c in contexts if c}
            if tests and all(lost(t) for t in tests):
                lines[(os.path.relpath(path, ROOT), line)] = tests
    return lines


def fewest_tests(lines: dict[tuple[str, int], set[str]]) -> list[tuple[str, int]]:
    """A greedy set cover: the test covering most of what is left, until nothing is."""
    by_test = collections.defaultdict(set)
    for where, tests in lines.items():
        for test in tests:
            by_test[test].add(where)
    left, chosen = set(lines), []
    while left:
        test = max(sorted(by_test), key=lambda t: len(by_test[t] & left))
        chosen.append((test, len(by_test[test] & left)))
        left -= by_test[test]
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a coverage file from an earlier run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp) / "coverage"
        if args.data is None:
            measure(data)
        lines = lost_lines(data, kept_on_postgresql())
    if not lines:
        print("Every store-side line a screen test runs on PostgreSQL is run there by a test "
              "that still runs on it.")
        return 0
    print(f"{len(lines)} store-side lines run on PostgreSQL only by screen tests on SQLite "
          "alone:")
    for path, count in collections.Counter(p for p, _ in lines).most_common():
        numbers = sorted(n for p, n in lines if p == path)
        print(f"  {path}: {count} ({', '.join(map(str, numbers[:12]))}"
              f"{' …' if count > 12 else ''})")
    print("Mark these @pytest.mark.both_stores (each covers the count of lines left):")
    for test, count in fewest_tests(lines):
        print(f"  {count:4}  {test}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
