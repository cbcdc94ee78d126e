"""A plain (non-editable) install works from outside the repo, with data/ inside the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_from_outside_the_repo(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist,
                    REPO], check=True, cwd=tmp_path, timeout=300)
    wheel = next(dist.glob("cintui-*.whl"))
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
                    "--no-deps", wheel], check=True, timeout=300)
    # Dependencies come from the test environment's site-packages, added as a plain path
    # (a .pth path line does not run the editable install's finder, so it cannot shadow).
    fresh_site = Path(subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True,
        timeout=120).strip())
    (fresh_site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {**os.environ, "CINTUI_CONFIG_DIR": str(tmp_path / "cfg"),
           "CINTUI_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> str:
        done = subprocess.run([python, *args], capture_output=True, text=True, cwd=outside,
                              env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = run("-c", "import cintui, cintui.data, cintui.screens; print(cintui.__file__)")
    assert str(fresh) in where, "the wheel's copy must be the one imported"
    # A new store is made from the schema script (else, slower, from the revisions).
    assert run("-c", "from cintui.store import migrate; "
               "print(migrate.SQLITE_SCHEMA.is_file())").strip() == "True"
    names = {p["name"] for p in json.loads(run("-m", "cintui", "policy", "list", "--json"))}
    assert {"england", "wirral", "bexley", "trafford", "warwickshire", "stockton"} <= names
    # Migrations and census codes are package data too: a demo store needs both.
    db = tmp_path / "w.db"
    run("-m", "cintui", "demo", "--children", "5", "--db", str(db), "--no-encrypt")
    listed = json.loads(run("-m", "cintui", "child", "list", "--db", str(db), "--json",
                            "--open"))
    assert 0 < len(listed) <= 5 and all(c["status"] != "closed" for c in listed)
    script = fresh / "bin" / "cintui"
    assert subprocess.run([script, "--version"], capture_output=True, text=True,
                          cwd=outside, env=env, timeout=120).stdout.startswith("cintui ")
