"""The long fuzz run (issue "Trust", Done when): thousands of command lines over every
command and option of `cintui`, and damaged caseload files and transfer packs, each on a
fresh copy of a small plain demo store, in this process. Prints how many cases ran, how
they ended, and every problem found (a traceback, "internal error", a refused command that
changed the store, a message not one plain line under 300 characters); exit 1 if any.

    .venv/bin/python bench/fuzz_cli.py                 # 40 cases a command, ~4,000 in all
    CINTUI_FUZZ_EXAMPLES=100 .venv/bin/python bench/fuzz_cli.py
    .venv/bin/python bench/fuzz_cli.py child decision  # only the commands starting so

The suite's short version is tests/cli/test_fuzz_cli.py (the same harness, tests/fuzzing.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH = Path(tempfile.mkdtemp(prefix="cintui-fuzz-"))
for var, sub in (("HOME", "home"), ("CINTUI_CONFIG_DIR", "config"),
                 ("CINTUI_DATA_DIR", "data"), ("XDG_CONFIG_HOME", "home/.config"),
                 ("XDG_DATA_HOME", "home/.local/share"), ("XDG_CACHE_HOME", "home/.cache")):
    os.environ[var] = str(SCRATCH / sub)  # never the real home folder
os.environ.setdefault("CINTUI_FUZZ_EXAMPLES", "40")
os.environ["LOGNAME"] = "fuzz.tester"  # the login: CINTUI_USER must name a worker
for var in ("CINTUI_DB", "CINTUI_DATABASE_URL", "CINTUI_PASSPHRASE", "CINTUI_PASSPHRASE_FILE",
            "CINTUI_USER"):
    os.environ.pop(var, None)

from hypothesis import given  # noqa: E402

from tests import fuzz_files, fuzzing  # noqa: E402


def main(prefixes: list[str]) -> int:
    started = time.monotonic()
    world = fuzzing.World(fuzzing.scratch(SCRATCH) / "world")
    tally = fuzzing.Tally()
    settings = fuzzing.fuzz_settings(40)
    chosen = [leaf for leaf in fuzzing.leaves()
              if not prefixes or any(leaf.name.startswith(p) for p in prefixes)]
    def command_case(leaf):
        @settings
        @given(fuzzing.arguments(leaf, world))
        def case(args):
            fuzzing.check_case(world, args, tally, leaf.name)
        return case

    def file_case(label, strategy):
        @settings
        @given(strategy)
        def case(damaged):
            fuzz_files.check_damaged(world, damaged, tally, label)
        return case

    for leaf in chosen:
        command_case(leaf)()
        print(f"{leaf.name:28} {tally.commands[leaf.name]:5} cases", flush=True)
    if not prefixes or "import" in prefixes:
        for label, strategy in fuzz_files.damaged(world):
            file_case(label, strategy)()
            print(f"{label:28} {tally.commands[label]:5} cases", flush=True)
    print(f"\n{tally.cases} cases over {len(chosen)} commands and the damaged files in "
          f"{time.monotonic() - started:.0f} s: " + ", ".join(
              f"{n} {what}" for what, n in sorted(tally.ended.items())))
    print(f"problems: {len(tally.failures)}")
    seen = set()
    for args, found, said in tally.failures:
        key = (tuple(args[:2]), tuple(found))
        if key in seen:
            continue
        seen.add(key)
        print("  " + fuzzing.explain(args, found, said))
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
