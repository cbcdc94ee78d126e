"""Benchmark: launch -> caseload rows on screen, in a real terminal (tmux), against a minimal
Textual app started the same way in the same run. Target (issue 21): ratio <= 2.0 on the
5,000-child store (issue 3 had 3.0).

    .venv/bin/python bench/first_paint.py [--children 5000] [--runs 7]

Uses ../shared/tools/tui_first_paint.py (launch in tmux, poll the pane until the pattern
shows) and its hello_textual.py baseline. Builds an encrypted demo store first.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compiled  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
# ../shared/tools from the main checkout, ../../shared/tools from a worktree under /work/wt.
TOOLS = next((p / "shared" / "tools" for p in (REPO.parent, REPO.parent.parent)
              if (p / "shared" / "tools").is_dir()), REPO.parent / "shared" / "tools")
PASSPHRASE = "benchmark passphrase"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not (TOOLS / "tui_first_paint.py").exists():
        sys.exit(f"needs {TOOLS}/tui_first_paint.py")
    compiled(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        db, cfg = Path(tmp) / "bench.db", Path(tmp) / "cfg"
        env = {**os.environ, "CINTUI_PASSPHRASE": PASSPHRASE, "CINTUI_CONFIG_DIR": str(cfg)}
        subprocess.run([sys.executable, "-m", "cintui", "demo", "--children",
                        str(args.children), "--db", str(db)], check=True, env=env)
        cintui = str(Path(sys.executable).parent / "cintui")
        subprocess.run([
            sys.executable, str(TOOLS / "tui_first_paint.py"), "-n", str(args.runs),
            "--env", f"CINTUI_PASSPHRASE={PASSPHRASE}", "--env", f"CINTUI_CONFIG_DIR={cfg}",
            *(["--env", f"PYTHONPATH={os.environ['PYTHONPATH']}"]  # another checkout timed
              if os.environ.get("PYTHONPATH") else []),
            "--expect", r"DEMO\d{5}", "--min-matches", "5",
            "--vs", f"{sys.executable} {TOOLS / 'hello_textual.py'}", "--vs-expect", "HELLO-READY",
            "--", cintui, "--db", str(db),
        ], check=True)


if __name__ == "__main__":
    main()
