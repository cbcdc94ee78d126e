"""Fixtures shared by the whole suite: every test gets its own private folders and store."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/pgserver.py

TODAY = date(2026, 11, 23)  # a fixed Monday: tests never read the real clock
PASSPHRASE = "correct horse battery staple"
# The folders a home directory holds for cintui (platformdirs reads HOME and XDG_*).
HOME_VARIABLES = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


def user_folders() -> list[Path]:
    """cintui's config, data and cache folders as the person running the tests has them."""
    from platformdirs import user_cache_path

    from cintui.reference import config

    return [config.config_dir(), config.data_dir(), user_cache_path("cintui", appauthor=False)]


def listing(folders: list[Path]) -> set[str]:
    """Every file and folder under `folders` (names only: cintui in real use may rewrite the
    files already there while the tests run)."""
    return {str(p) for folder in folders if folder.exists() for p in [folder, *folder.rglob("*")]}


def private_env(root: Path) -> dict[str, str]:
    """HOME and the XDG folders under `root`/home, cintui's own folders `root`/config and
    `root`/data: nothing a process run with these can find leads to the real home folder."""
    home = root / "home"
    env = {"HOME": str(home), "CINTUI_CONFIG_DIR": str(root / "config"),
           "CINTUI_DATA_DIR": str(root / "data")}
    return env | {var: str(home / var.lower()) for var in HOME_VARIABLES}


# Read the real folders at collection, before anything runs, then point the whole session
# (module-scoped fixtures and subprocesses included) at a scratch home; each test then gets
# its own (`private_dirs`). tests/test_home.py checks the real folders are left as they were.
# The first process to get here names them (pytest-xdist's workers inherit its environment,
# already redirected, so they read the names it left).
os.environ.setdefault("CINTUI_TESTS_REAL_FOLDERS", os.pathsep.join(map(str, user_folders())))
REAL_USER_FOLDERS = [Path(p) for p in os.environ["CINTUI_TESTS_REAL_FOLDERS"].split(os.pathsep)]
REAL_USER_LISTING = listing(REAL_USER_FOLDERS)
_SESSION_ROOT = Path(tempfile.mkdtemp(prefix="cintui-tests-"))
atexit.register(shutil.rmtree, _SESSION_ROOT, ignore_errors=True)
os.environ.update(private_env(_SESSION_ROOT))


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """No test touches the real home folder, the real clock or a real passphrase."""
    for var in ("CINTUI_DB", "CINTUI_DATABASE_URL", "CINTUI_PASSPHRASE", "CINTUI_TODAY"):
        monkeypatch.delenv(var, raising=False)
    # Set (empty: unset) rather than deleted, so that what `--passphrase-file` puts in the
    # environment of an in-process run is taken away after the test.
    monkeypatch.setenv("CINTUI_PASSPHRASE_FILE", "")
    for var, value in private_env(tmp_path).items():
        monkeypatch.setenv(var, value)
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


# ------------------------------------------------------------------ PostgreSQL
# The suite runs on SQLite and on PostgreSQL. `--store` chooses (default both); the
# PostgreSQL half uses $CINTUI_TEST_PG (a superuser URL) or a throwaway cluster started
# here on 127.0.0.1 and stopped when the run ends (tests/pgserver.py). Tests that need a
# server ask for `pg_server` (or `pg_url`, a fresh database of their own); under
# `--store=sqlite` they are deselected, never skipped.

def pytest_addoption(parser):
    parser.addoption("--store", choices=("sqlite", "postgresql", "both"), default="both",
                     help="which stores the suite runs on (default: both)")


def stores(config) -> tuple[str, ...]:
    chosen = config.getoption("--store")
    return ("sqlite", "postgresql") if chosen == "both" else (chosen,)


_CLUSTER = None


def pytest_configure(config):
    global _CLUSTER
    import pgserver

    if "postgresql" not in stores(config) or os.environ.get(pgserver.ENV_VAR):
        return
    if hasattr(config, "workerinput"):  # xdist workers inherit the controller's cluster
        return
    try:
        _CLUSTER = pgserver.start()
    except pgserver.NoPostgres as exc:
        raise pytest.UsageError(f"{exc}; or run the SQLite half only: --store=sqlite") from None
    os.environ[pgserver.ENV_VAR] = _CLUSTER.url


def pytest_unconfigure(config):
    if _CLUSTER is not None:
        _CLUSTER.stop()


PG_FIXTURES = {"pg_server", "pg_url"}


def pytest_collection_modifyitems(config, items):
    if "postgresql" in stores(config):
        return
    keep, drop = [], []
    for item in items:
        (drop if PG_FIXTURES & set(getattr(item, "fixturenames", ())) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The test cluster's superuser URL (database `postgres`)."""
    import pgserver

    return os.environ[pgserver.ENV_VAR]


def _pg_admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database of this test's own on the test cluster (dropped after)."""
    import uuid

    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    _pg_admin(pg_server, f'CREATE DATABASE "{name}"')
    url = make_url(pg_server).set(drivername="postgresql+psycopg", database=name)
    yield url.render_as_string(hide_password=False)
    _pg_admin(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
