"""The crash suite, long (issue "Trust", Done when): 400 or more SIGKILLs of real `cintui`
processes writing to an encrypted SQLite store (adding records with `cintui each`,
importing a caseload, saving a visit draft over and over), then the checks: every write a
process said it had done is there, imports whole or absent, no duplicates, `db check`.

    .venv/bin/python bench/crash.py            # 400 kills (slow: about a second each)
    .venv/bin/python bench/crash.py 1000 3     # 1000 kills, seed 3

Prints kills, confirmed writes, lost, duplicates, partial imports and the db check's line.
The suite's short version is tests/store/test_crash.py (the same harness)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="cintui-crash-"))
os.environ["HOME"] = str(SCRATCH / "home")  # never the real home folder

from tests import crashing  # noqa: E402


def progress(t: crashing.Tally) -> None:
    print(f"  {t.kills} kills, {len(t.confirmed)} writes and {len(t.imports_confirmed)} "
          f"imports confirmed, draft at {t.draft_confirmed}", flush=True)


def main() -> int:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    started = time.monotonic()
    t = crashing.run(SCRATCH / "crash", kills, seed, progress)
    code, said = t.checks[-1]
    print(f"kills: {t.kills} (runs: {dict(t.runs)}) in {time.monotonic() - started:.0f} s")
    print(f"confirmed writes: {len(t.confirmed)} records, {len(t.imports_confirmed)} imports "
          f"(of {len(t.imports_tried)} tried), draft saves up to {t.draft_confirmed}")
    print(f"lost: {len(t.lost)} {t.lost[:5]}")
    print(f"duplicates: {t.duplicates}")
    unfinished = [r for r in t.resumed_imports if r[2] != 5]
    print(f"imports stopped part-way: {len(t.resumed_imports)}, not finished by running them "
          f"again: {len(unfinished)} {unfinished[:5]}")
    print(f"db check: exit {code}: {said}")
    bad = t.lost or t.duplicates or unfinished or code != 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
