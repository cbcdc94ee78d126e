"""Fixtures shared by the whole suite: every test gets its own private folders and store."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/pgserver.py
import pgserver  # noqa: E402

TODAY = date(2026, 11, 23)  # a fixed Monday: tests never read the real clock
PASSPHRASE = "correct horse battery staple"
# The folders a home directory holds for cintui (platformdirs reads HOME and XDG_*).
HOME_VARIABLES = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


def user_folders() -> list[Path]:
    """cintui's config, data and cache folders as the person running the tests has them."""
    from platformdirs import user_cache_path

    from cintui.reference import config
    from cintui.store import unlocked

    return [config.config_dir(), config.data_dir(), user_cache_path("cintui", appauthor=False),
            unlocked.runtime_dir()]


def listing(folders: list[Path]) -> set[str]:
    """Every file and folder under `folders` (names only: cintui in real use may rewrite the
    files already there while the tests run)."""
    return {str(p) for folder in folders if folder.exists() for p in [folder, *folder.rglob("*")]}


def private_env(root: Path) -> dict[str, str]:
    """HOME and the XDG folders under `root`/home, cintui's own folders `root`/config and
    `root`/data: nothing a process run with these can find leads to the real home folder."""
    home = root / "home"
    env = {"HOME": str(home), "CINTUI_CONFIG_DIR": str(root / "config"),
           "CINTUI_DATA_DIR": str(root / "data"), "CINTUI_RUNTIME_DIR": str(root / "run")}
    return env | {var: str(home / var.lower()) for var in HOME_VARIABLES}


# The run's scratch folder: every test's tmp_path, the session's homes and the demo templates.
# In memory (/dev/shm) where there is room, as the PostgreSQL cluster's files are: a store's
# commit and an audit head's write each wait for fsync, ~3 ms apiece on this machine's disk
# and nothing in memory (the casework tests in one process: ~1,000 commits and ~950 fsyncs,
# 12% of their time). Removed at the end by the run that made it; a killed run's is removed
# by the next one.
SCRATCH_VAR = "CINTUI_TEST_SCRATCH"
SCRATCH_PREFIX = "cintui-pytest-"


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _scratch() -> tuple[Path, bool]:
    """(the folder, whether this process made it): the first process of a run makes it;
    xdist's workers and the processes tests start inherit it in the environment."""
    if os.environ.get(SCRATCH_VAR):
        return Path(os.environ[SCRATCH_VAR]), False
    memory = pgserver.memory_root()
    for left in memory.glob(f"{SCRATCH_PREFIX}*") if memory else ():
        pid = left.name.removeprefix(SCRATCH_PREFIX).split("-")[0]
        if pid.isdigit() and _gone(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    made = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=memory))
    os.environ[SCRATCH_VAR] = str(made)
    return made, True


SCRATCH, _OWN_SCRATCH = _scratch()

# Read the real folders at collection, before anything runs, then point the whole session
# (module-scoped fixtures and subprocesses included) at a scratch home; each test then gets
# its own (`private_dirs`). tests/test_home.py checks the real folders are left as they were.
# The first process to get here names them (pytest-xdist's workers inherit its environment,
# already redirected, so they read the names it left).
os.environ.setdefault("CINTUI_TESTS_REAL_FOLDERS", os.pathsep.join(map(str, user_folders())))
REAL_USER_FOLDERS = [Path(p) for p in os.environ["CINTUI_TESTS_REAL_FOLDERS"].split(os.pathsep)]
REAL_USER_LISTING = listing(REAL_USER_FOLDERS)
if os.environ.get("PYTEST_CURRENT_TEST") and os.environ.get("CINTUI_CONFIG_DIR"):
    # A script a test started (tests/crashing.py's, killed by SIGKILL) that imports the
    # tests' modules: its folders are the test's own, inherited. A root of its own would be
    # left in /tmp by every kill (79 in one session), and it must not remove the test's.
    _SESSION_ROOT, _OWN_ROOT = Path(os.environ["CINTUI_CONFIG_DIR"]).parent, False
else:
    _SESSION_ROOT, _OWN_ROOT = Path(tempfile.mkdtemp(prefix="cintui-tests-", dir=SCRATCH)), True
    atexit.register(shutil.rmtree, _SESSION_ROOT, ignore_errors=True)
    os.environ.update(private_env(_SESSION_ROOT))


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """No test touches the real home folder, the real clock or a real passphrase."""
    for var in ("CINTUI_DB", "CINTUI_DATABASE_URL", "CINTUI_PASSPHRASE", "CINTUI_TODAY",
                "CINTUI_SESSION"):
        monkeypatch.delenv(var, raising=False)
    # Set (empty: unset) rather than deleted, so that what `--passphrase-file` puts in the
    # environment of an in-process run is taken away after the test.
    monkeypatch.setenv("CINTUI_PASSPHRASE_FILE", "")
    for var, value in private_env(tmp_path).items():
        monkeypatch.setenv(var, value)
    # Who acts, when a test does not say: the login (as for a worker whose login is no worker
    # on the store), not CINTUI_USER, which must name a worker on the store (it is refused
    # otherwise). getpass reads LOGNAME first; a subprocess inherits it.
    monkeypatch.delenv("CINTUI_USER", raising=False)
    monkeypatch.setenv("LOGNAME", "test.worker")
    # An open app looks for others' changes every few seconds (screens/live.py): not in a
    # test unless it turns it on (tests/screens/test_live.py), so no snapshot or key
    # sequence meets a refresh it did not ask for.
    monkeypatch.setenv("CINTUI_REFRESH_SECONDS", "0")
    # The team server's login that this process last opened (a process opens one store;
    # a test worker opens many): never carried from one test into the next.
    from cintui.store import access

    monkeypatch.setattr(access, "_server_login", None)
    monkeypatch.setattr(access, "_replica_login", None)
    monkeypatch.setattr(access, "_workers_here", None, raising=False)
    monkeypatch.setattr(access, "_leavers_here", [], raising=False)
    monkeypatch.setattr(access, "_rows_here", None, raising=False)
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


DEMO_ARGS = ("--children", "40", "--seed", "7", "--today", TODAY.isoformat())


@pytest.fixture
def demo_store(make_demo):
    """A small plain demo store (synthetic people) at a fixed today: a file under SQLite, a
    database URL of the test's own under PostgreSQL (`store_kind`)."""
    return make_demo(*DEMO_ARGS)


@pytest.fixture
def sqlite_demo_store(tmp_path):
    """The demo store as a file, for tests of the file itself (bytes, modes, SQLite SQL): a
    copy of the one `cintui demo DEMO_ARGS --no-encrypt` made for the session."""
    return StoreFactory("sqlite", tmp_path, _TEMPLATES["sqlite"]).copy(DEMO_ARGS, "demo.db")


@pytest.fixture
def encrypted_demo_store(tmp_path):
    """`cintui demo --children 25 --seed 3` encrypted with PASSPHRASE (a copy of the session's)."""
    return StoreFactory("sqlite", tmp_path, _TEMPLATES["sqlite"]).copy(
        ("--children", "25", "--seed", "3", "--today", TODAY.isoformat()), "secret.db",
        passphrase=PASSPHRASE)


# ------------------------------------------------------------------ PostgreSQL
# The suite runs on SQLite and on PostgreSQL. `--store` chooses (default both); the
# PostgreSQL half uses $CINTUI_TEST_PG (a superuser URL) or a throwaway cluster started
# here on 127.0.0.1 and stopped when the run ends (tests/pgserver.py). Tests that need a
# server ask for `pg_server` (or `pg_url`, a fresh database of their own); under
# `--store=sqlite` they are deselected, never skipped.

def pytest_addoption(parser):
    parser.addoption("--store", choices=("sqlite", "postgresql", "both"), default="both",
                     help="which stores the suite runs on (default: both)")
    parser.addoption("--screens-on-both", action="store_true",
                     help="every screen test on both stores, not only those marked "
                          "both_stores (scripts/pg_only_lines.py)")


SCREENS = Path(__file__).parent / "screens"


def pytest_generate_tests(metafunc):
    """Every test using a store fixture (`demo_store`, `new_db`, `new_store`, ... all ask for
    `store_kind`) runs once per chosen store; a screen test on SQLite alone unless marked
    `both_stores` (`screen_stores`)."""
    if "store_kind" in metafunc.fixturenames:
        kinds = stores(metafunc.config)
        if not (screen_stores(metafunc.definition)
                or metafunc.config.getoption("--screens-on-both")):
            kinds = ("sqlite",)  # under --store=postgresql, deselected as SQLite's below
        metafunc.parametrize("store_kind", kinds, indirect=True)


def screen_stores(definition) -> bool:
    """Whether a test runs on both stores. A screen test runs on SQLite alone: the screens
    reach a store only through `cintui.casework` and `cintui.store`, whose own tests (and the
    command line's) run on both, and a screen draws the same on either. A screen test that
    runs store code no test below the screens runs on PostgreSQL is marked `both_stores`
    (found with `scripts/pg_only_lines.py`), as is one where the store is the point (a
    killed process's draft, another login's change while a form is open)."""
    if SCREENS not in definition.path.parents:
        return True
    return definition.get_closest_marker("both_stores") is not None


@pytest.fixture
def store_kind(request) -> str:
    """"sqlite" or "postgresql": the store this run of the test uses."""
    return request.param


def stores(config) -> tuple[str, ...]:
    chosen = config.getoption("--store")
    return ("sqlite", "postgresql") if chosen == "both" else (chosen,)


_CLUSTER = None


# The cyclic garbage collector's default schedule (a young pass every 700 new objects, a full
# one every 70,000) spends about a quarter of a screen test's CPU walking the heap: pytest's,
# Textual's and SQLAlchemy's long-lived objects, again and again. Ten thousand a young pass
# does the same work (every cycle is still collected, a little later) for ~25% less CPU.
# Only the test processes: the app keeps Python's schedule (cintui/app.py freezes its start).
GC_THRESHOLD = (10_000, 10, 10)


@pytest.hookimpl(tryfirst=True)  # before pytest's own reads the base folder for tmp_path
def pytest_configure(config):
    global _CLUSTER
    import gc

    gc.set_threshold(*GC_THRESHOLD)
    if _OWN_SCRATCH and config.option.basetemp is None:
        config.option.basetemp = str(SCRATCH / "tmp")  # xdist's workers get a folder in it

    if "postgresql" not in stores(config):
        return
    if hasattr(config, "workerinput"):  # xdist workers inherit the controller's cluster
        return
    if not os.environ.get(pgserver.ENV_VAR):
        try:
            _CLUSTER = pgserver.start()
        except pgserver.NoPostgres as exc:
            raise pytest.UsageError(f"{exc}; or run the SQLite half only: --store=sqlite") \
                from None
        os.environ[pgserver.ENV_VAR] = _CLUSTER.url
    _password_file(os.environ[pgserver.ENV_VAR])
    # Templates built in this run are named for it (a server of your own may keep others').
    os.environ.setdefault("CINTUI_TEST_RUN", os.urandom(4).hex())


def _password_file(server: str) -> None:
    """The tests' store URLs carry no password (`--db` refuses one, as for any user): libpq
    finds it in this pgpass file, as a worker's would in ~/.pgpass."""
    from sqlalchemy.engine import make_url

    url = make_url(server)
    if not url.password:
        return  # your own server, reached through your own ~/.pgpass or service file
    path = _SESSION_ROOT / "pgpass"
    escaped = str(url.password).replace("\\", "\\\\").replace(":", "\\:")
    path.write_text(f"{url.host or '*'}:{url.port or 5432}:*:{url.username}:{escaped}\n")
    path.chmod(0o600)
    os.environ["PGPASSFILE"] = str(path)


def pytest_unconfigure(config):
    # An xdist worker ends without running atexit: its scratch home (and the demo templates
    # built there, 8 MB a worker) would be left in /tmp after every run.
    if _OWN_ROOT:
        shutil.rmtree(_SESSION_ROOT, ignore_errors=True)
    if _CLUSTER is not None:
        _CLUSTER.stop()
    elif "postgresql" in stores(config) and not hasattr(config, "workerinput"):
        _drop_templates()
    if _OWN_SCRATCH:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    if hasattr(config, "workerinput"):
        _end_worker_quickly()


def _end_worker_quickly() -> None:
    """After this hook pytest collects garbage five times over the worker's whole heap (to
    report a finaliser's error from the last tests), while xdist's controller, its results
    in, gives the worker 5 seconds before it sends it a SIGINT: under load the five passes
    over the ~0.5-1 million objects hundreds of screen tests leave took longer, and the
    interrupt surfaced at the end of the run as a `PytestUnraisableExceptionWarning` (a
    KeyboardInterrupt inside hypothesis's gc callback). Two passes here still report such an
    error; freezing what survives them makes pytest's five passes walk nothing."""
    import gc

    gc.collect()
    gc.collect()
    gc.freeze()


PG_FIXTURES = {"pg_server", "pg_url"}


def uses_postgresql(item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("store_kind") == "postgresql":
        return True
    return bool(PG_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """`--store=sqlite` leaves out the tests needing a server; `--store=postgresql` (the
    PostgreSQL half) keeps only the tests running on one. The long tests (marked `slow`) go
    first, so that the workers of `make test` finish together: a minute-long test
    handed out last would keep one worker busy alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable
    chosen = stores(config)
    if len(chosen) == 2:
        return
    keep, drop = [], []
    for item in items:
        (keep if uses_postgresql(item) == (chosen == ("postgresql",)) else drop).append(item)
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


# ------------------------------------------------------------------ stores on both
# `demo_store`, `make_demo`, `new_db` and `new_store` give a file under SQLite and a
# database of the test's own under PostgreSQL. Each kind of store is built once per session
# (a demo takes ~1 s) and copied for each test: SQLite copies the file, PostgreSQL clones a
# template database (CREATE DATABASE ... TEMPLATE, ~50 ms). Each copy gets a store_id of its
# own, and its newest audit entry is noted on this test's computer as if written here.

TEMPLATE_PREFIX = "tpl_"


def _admin_connection(server: str):
    import psycopg

    return psycopg.connect(server, autocommit=True)


def _server_url(server: str, database: str) -> str:
    """A psycopg URL to `database` on the test server, without the password (PGPASSFILE)."""
    from sqlalchemy.engine import make_url

    url = make_url(server).set(drivername="postgresql+psycopg", database=database)
    url = url._replace(password=None)
    return url.render_as_string(hide_password=False)


def _template_name(key: tuple) -> str:
    import hashlib

    digest = hashlib.sha1(repr(key).encode()).hexdigest()[:12]
    return f"{TEMPLATE_PREFIX}{os.environ.get('CINTUI_TEST_RUN', 'x')}_{digest}"


def _drop_templates() -> None:
    import pgserver

    server = os.environ.get(pgserver.ENV_VAR)
    if not server:
        return
    run = os.environ.get("CINTUI_TEST_RUN", "x")
    try:
        with _admin_connection(server) as conn:
            names = [r[0] for r in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (f"{TEMPLATE_PREFIX}{run}_%",))]
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:  # noqa: BLE001 - a server of your own gone away: nothing to tidy
        pass


SCHEMA = ("schema",)  # template key: cintui's tables at head, not yet a store (no store_id)
SCRIPTED = "scripted"  # template key: a store built from another by cintui commands


def scripted_key(base: tuple | None, commands, user: str) -> tuple:
    """The template key of the store `commands` (each one `cintui` command's arguments,
    without `--db`) make from `base` (None: `db init`; else `cintui demo` arguments), run
    as `user` (the login)."""
    return (SCRIPTED, base, tuple(tuple(str(a) for a in c) for c in commands), user)


def _build(args: tuple | None, location, passphrase: str | None = None) -> None:
    """`cintui demo ARGS --db LOCATION --no-encrypt`, or `db init` when ARGS is None;
    encrypted with `passphrase` if one is given."""
    from cintui import cli as cli_mod

    if args == SCHEMA:
        from sqlalchemy import create_engine

        from cintui.store import migrate

        engine = create_engine(location)
        migrate.upgrade(engine)
        engine.dispose()
        return
    import contextlib
    import io

    if args is not None and args[0] == SCRIPTED:
        _build_scripted(args, location, passphrase)
        return
    command = (["db", "init"] if args is None else ["demo", *args])
    said = io.StringIO()  # not into the output of the test that happens to build it
    encrypt = ["--no-encrypt"] if passphrase is None else []
    if passphrase is not None:
        os.environ["CINTUI_PASSPHRASE"] = passphrase
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            cli_mod.run([*command, "--db", str(location), *encrypt])
    except SystemExit as exc:
        assert not exc.code, f"could not build a test store: {command}: {said.getvalue()}"
    finally:
        os.environ.pop("CINTUI_PASSPHRASE", None)


def _newest_entry(rows) -> tuple[int, str] | None:
    row = rows("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return (int(row[0][0]), row[0][1]) if row else None


def _build_scripted(key: tuple, location, passphrase: str | None) -> None:
    """`scripted_key`'s store: its base, then each command as `cintui COMMAND --db LOCATION`,
    in process, as the key's user; a command that fails stops the build, saying why."""
    import contextlib
    import io

    from cintui import cli as cli_mod

    _, base, commands, user = key
    assert passphrase is None, "scripted stores are plain"
    _build(base, location)
    was = os.environ.get("LOGNAME")  # the login: it acts on a store with no workers yet too
    os.environ["LOGNAME"] = user
    try:
        for command in commands:
            said = io.StringIO()
            try:
                with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
                    cli_mod.run([*command, "--db", str(location)])
            except SystemExit as exc:
                assert not exc.code, f"could not build a test store: {command}: {said.getvalue()}"
    finally:
        if was is None:
            os.environ.pop("LOGNAME", None)
        else:
            os.environ["LOGNAME"] = was


class StoreFactory:
    """Copies of session-built stores for one test."""

    def __init__(self, kind: str, tmp_path: Path, templates: dict) -> None:
        self.kind, self.tmp_path, self.templates = kind, tmp_path, templates
        self.made: list[str] = []

    def copy(self, args: tuple | None, name: str, passphrase: str | None = None):
        """A copy of the store `_build(args)` makes (encrypted with `passphrase`: files only)."""
        key = args if passphrase is None else ("encrypted", passphrase, args)
        template = self.templates.get(key) or self._template(args, key, passphrase)
        if self.kind == "sqlite":
            target = self.tmp_path / name
            assert not target.exists(), target
            shutil.copy2(template["path"], target)
            location = target
        else:
            import pgserver

            server = os.environ[pgserver.ENV_VAR]
            database = f"t_{os.urandom(8).hex()}"
            with _admin_connection(server) as conn:
                conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template["name"]}"')
            self.made.append(database)
            location = _server_url(server, database)
        self._own_identity(location, template["head"], passphrase)
        return location

    def _own_identity(self, location, head, passphrase: str | None) -> None:
        """A store_id of the copy's own; its newest audit entry noted here (as `cintui demo`
        in this test would have)."""
        import uuid

        from cintui.store import chain
        from cintui.store.base import STORE_ID_KEY

        store_id = uuid.uuid4().hex
        with connect(location, passphrase) as conn:
            conn.execute("UPDATE store_meta SET value = ? WHERE key = ?", (store_id, STORE_ID_KEY))
        if head is not None:
            chain.record_head(store_id, *head)

    def _template(self, args: tuple | None, key, passphrase: str | None) -> dict:
        if self.kind == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="template-", dir=_SESSION_ROOT))
            path = folder / "template.db"
            _build(args, path, passphrase)
            with connect(path, passphrase) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                head = _newest_entry(conn.all)
            template = {"path": path, "head": head}
        else:
            template = _pg_template(args)
        self.templates[key] = template
        return template

    def drop(self) -> None:
        if not self.made:
            return
        import pgserver

        with _admin_connection(os.environ[pgserver.ENV_VAR]) as conn:
            for database in self.made:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _pg_template(args: tuple | None) -> dict:
    """Built once per run whichever xdist worker first needs it (an advisory lock)."""
    import pgserver

    server = os.environ[pgserver.ENV_VAR]
    name = _template_name(("demo", args) if args is not None else ("empty",))
    if args == SCHEMA:
        name = _template_name(SCHEMA)
    with _admin_connection(server) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (name,))
        try:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone()
            if not exists:
                building = f"{name}_building"
                conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{building}"')
                _build(args, _server_url(server, building))
                conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            with connect(_server_url(server, name)) as db:
                head = _newest_entry(db.all)
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (name,))
    return {"name": name, "head": head}


_TEMPLATES: dict[str, dict] = {"sqlite": {}, "postgresql": {}}


@pytest.fixture
def store_factory(store_kind, tmp_path):
    factory = StoreFactory(store_kind, tmp_path, _TEMPLATES[store_kind])
    yield factory
    factory.drop()


@pytest.fixture
def make_demo(store_factory):
    """`make_demo(*ARGS, name=...)`: the store `cintui demo ARGS --no-encrypt` makes, as a
    path or a URL (`--today` among ARGS keeps it fixed)."""
    def make(*args: str, name: str = "demo.db"):
        return store_factory.copy(tuple(map(str, args)), name)

    return make


@pytest.fixture
def new_location(store_factory, store_kind, tmp_path):
    """`new_location(name)`: where a test creates a store itself (`db init`, `demo`): a path
    not yet there under SQLite; under PostgreSQL a database with cintui's tables but no store
    yet (the migrations are run once per session: PostgreSQL's DDL is slow)."""
    def make(name: str = "store.db"):
        if store_kind == "sqlite":
            return tmp_path / name
        return store_factory.copy(SCHEMA, name)

    return make


@pytest.fixture
def new_db(store_factory):
    """`new_db(name)`: a new empty store at head (`cintui db init --no-encrypt`, England's
    policy), as a path or a URL."""
    def make(name: str = "store.db"):
        return store_factory.copy(None, name)

    return make


@pytest.fixture
def scripted_db(store_factory):
    """`scripted_db(commands, name=..., base=None, user="test.worker")`: a copy of the
    store that `cintui COMMAND --db STORE`, for each of `commands` in turn, makes from an
    empty store (or from the demo `base` gives the arguments of), run as `user`. Built
    once a run a store kind: a fixture that sets up a team by the command line for each of
    many tests pays for it once, and each test still has its own copy."""
    def make(commands, name: str = "store.db", base: tuple | None = None,
             user: str = "test.worker"):
        return store_factory.copy(scripted_key(base, commands, user), name)

    return make


@pytest.fixture
def new_store(new_db):
    """`new_store(name)`: a new empty store, open (closed after the test)."""
    from cintui.store.engine import open_store

    opened = []

    def make(name: str = "store.db"):
        store = open_store(new_db(name), None)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


class Connection:
    """A plain DB-API connection to a test store, file or server: `execute` takes SQLite's
    `?` placeholders on both; committed and closed when the `with` block ends."""

    def __init__(self, location, passphrase: str | None = None) -> None:
        from cintui.store.base import is_url

        self.postgresql = is_url(location)
        if self.postgresql:
            import psycopg
            from sqlalchemy.engine import make_url

            url = make_url(str(location)).set(drivername="postgresql")
            self.raw = psycopg.connect(url.render_as_string(hide_password=False))
        elif passphrase is not None:
            import sqlcipher3

            self.raw = sqlcipher3.connect(str(location))
            self.raw.execute("PRAGMA key = '{}'".format(passphrase.replace("'", "''")))
        else:
            import sqlite3

            self.raw = sqlite3.connect(location)

    def execute(self, sql: str, params=()):
        if self.postgresql:
            sql = sql.replace("%", "%%").replace("?", "%s")
        return self.raw.execute(sql, params)

    def all(self, sql: str, params=()) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def commit(self) -> None:
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, *_):
        try:
            if kind is None:
                self.raw.commit()
            else:
                self.raw.rollback()
        finally:
            self.raw.close()


def connect(location, passphrase: str | None = None) -> Connection:
    """SQL straight to a test store (a path or a URL), outside cintui and its audit trail."""
    return Connection(location, passphrase)


@contextmanager
def reading(location):
    """Plain SQL rows over a test store (a path or a URL), as the casework readers take them
    (`caseload.reading`: the file's own connection, or a read-only session on a server)."""
    from cintui.casework import caseload
    from cintui.store.engine import open_store

    store = open_store(location, None)
    try:
        with caseload.reading(store) as rows:
            yield rows
    finally:
        store.close()


def _one_snapshot_for_both_stores() -> None:
    """A screen looks the same on either store: `test_x[sqlite]` and `test_x[postgresql]`
    compare with the one snapshot `test_x.svg` (pytest-textual-snapshot names it by test)."""
    import re

    try:
        from pytest_textual_snapshot import SVGImageExtension
    except ImportError:  # pragma: no cover - the plugin is a test dependency
        return
    named = SVGImageExtension.get_snapshot_name.__func__
    store = re.compile(r"\[(?:sqlite|postgresql)\]|(?<=\[)(?:sqlite|postgresql)-"
                       r"|-(?:sqlite|postgresql)(?=\])")

    def get_snapshot_name(cls, *, test_location, index=0) -> str:
        return store.sub("", named(cls, test_location=test_location, index=index))

    SVGImageExtension.get_snapshot_name = classmethod(get_snapshot_name)


_one_snapshot_for_both_stores()


def plan_started(session, child_id, on: date | None = None) -> None:
    """The child's CIN plan started as the line manager's authorisation records it (`cintui
    plan start`, TRA; `on`: the day, else the referral's), for a test whose child is past
    the assessment: a first plan is written only after it (`plans.not_started`)."""
    from cintui.casework import cases
    from cintui.store import models

    episode = cases.current_episode(session, child_id)
    episode.cin_plan_start = on or episode.referral_date
    session.add(episode)
    child = session.get(models.Child, child_id)
    child.status = "cin_plan"
    session.add(child)
    session.flush()
