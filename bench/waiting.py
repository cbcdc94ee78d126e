"""Benchmark: the manager's waiting list (`casework.team.waiting_for_manager`, every team's,
as the team view and `cintui team waiting` read it) on a large demo store: the median of
in-process reads over one open store (issue 7: the team view's `w`; TRA, BEX 3, BEX 4).

    .venv/bin/python bench/waiting.py [--children 5000] [--runs 31] [--db PATH]

`cintui demo --children 5000` makes 7,500 children (its closed cases with their histories);
before visits after a closure were listed the read took ~4 ms there, with them ~29 ms.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import plain_demo_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--db", type=Path, help="an existing plain demo store")
    args = parser.parse_args()
    folder = None
    db = args.db
    if db is None:
        folder = Path(tempfile.mkdtemp(prefix="cintui-bench-"))
        db = plain_demo_store(folder, args.children)
    from cintui.casework.caseload import reading
    from cintui.casework.team import waiting_for_manager
    from cintui.store.engine import open_store

    store = open_store(db, None)
    try:
        with reading(store) as rows:
            found = waiting_for_manager(rows)  # warm: the page cache, the parsed SQL
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                waiting_for_manager(rows)
                times.append(time.perf_counter() - start)
    finally:
        store.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    kinds: dict[str, int] = {}
    for w in found:
        kinds[w.kind] = kinds.get(w.kind, 0) + 1
    print(f"== waiting_for_manager, every team's ({len(found)} waiting: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")")
    print(f"  median {statistics.median(times) * 1000:.1f} ms (min {min(times) * 1000:.1f}, "
          f"max {max(times) * 1000:.1f}, {len(times)} runs)")


if __name__ == "__main__":
    main()
