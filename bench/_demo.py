"""Shared by the benchmarks: a plain demo store in a scratch folder (synthetic people)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path


def plain_demo_store(folder: Path, children: int, today: date | None = None,
                     seed: int | None = None) -> Path:
    """`cintui demo` into `folder`/bench.db, unencrypted (benchmarks time cintui, not the
    cipher), with the config folder there too."""
    os.environ["CINTUI_CONFIG_DIR"] = str(Path(folder) / "cfg")
    db = Path(folder) / "bench.db"
    args = [sys.executable, "-m", "cintui", "demo", "--children", str(children), "--db",
            str(db), "--no-encrypt"]
    if seed is not None:
        args += ["--seed", str(seed)]
    if today is not None:
        args += ["--today", today.isoformat()]
    subprocess.run(args, check=True)
    return db
