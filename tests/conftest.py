"""Fixtures shared by the whole suite: every test gets its own private folders and store."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 23)  # a fixed Monday: tests never read the real clock
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """No test touches the real user folders, the real clock or a real passphrase."""
    for var in ("CINTUI_DB", "CINTUI_DATABASE_URL", "CINTUI_PASSPHRASE", "CINTUI_TODAY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CINTUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CINTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CINTUI_USER", "test.worker")
    try:
        from cintui.reference import policies

        policies.clear_cache()
    except ImportError:  # pragma: no cover - before the policies module exists
        pass
    yield


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process, as `cintui ARGS`, and return exit code and output."""
    from cintui import cli as cli_mod

    def run(*args: str) -> Result:
        code = 0
        try:
            cli_mod.run([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_subprocess(*args: str, env: dict | None = None, cwd: Path | None = None,
                   python: str = sys.executable) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([python, "-m", "cintui", *map(str, args)], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def demo_store(tmp_path, cli):
    """A small plain demo store (synthetic people) at a fixed today."""
    path = tmp_path / "demo.db"
    result = cli("demo", "--children", "40", "--seed", "7", "--db", path, "--no-encrypt",
                 "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    return path


@pytest.fixture
def encrypted_demo_store(tmp_path, cli, monkeypatch):
    path = tmp_path / "secret.db"
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    result = cli("demo", "--children", "25", "--seed", "3", "--db", path,
                 "--today", TODAY.isoformat())
    assert result.code == 0, result.err
    monkeypatch.delenv("CINTUI_PASSPHRASE")
    return path
