"""Finding and opening the store, shared by the TUI and the CLI.

Where: `--db PATH` or `--db URL` (a database URL), else `CINTUI_DATABASE_URL` (any
SQLAlchemy URL), else `CINTUI_DB`, else the platformdirs user data folder. Who: the worker
using cintui, for the audit trail.
"""

from __future__ import annotations

import getpass
import os
import threading
from datetime import date
from pathlib import Path

from cintui.domain.records import Record
from cintui.reference import config

MIN_PASSPHRASE = 8


class AccessError(Exception):
    """A one-line problem opening or creating a store."""


class StoreLocation(Record):
    path: Path | None = None
    url: str | None = None

    def describe(self) -> str:
        if self.url:
            return _redact(self.url)
        return str(self.path)

    def exists(self) -> bool:
        return self.url is not None or (self.path is not None and self.path.exists())

    def is_encrypted(self) -> bool:
        if self.path is None or not self.path.exists():
            return False
        from cintui.store.engine import is_encrypted_file

        return is_encrypted_file(self.path)


def _redact(url: str) -> str:
    from cintui.store.base import shown_url

    return shown_url(url)


def check_no_password(url: str) -> None:
    """A password typed in a URL on the command line is seen by anyone listing processes and
    kept in shell history: refuse it (libpq reads ~/.pgpass or a service file instead)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise AccessError(f"not a database URL: {exc}") from None
    if parsed.password:
        raise AccessError("no password in a --db URL (anyone can see a command line): put it "
                          "in ~/.pgpass or a PostgreSQL service file")


def locate(db: str | os.PathLike | None = None) -> StoreLocation:
    """Where the store is: `db` (a path or a database URL, from `--db`), else the
    environment, else the user data folder."""
    from cintui.store.base import is_url

    if db and is_url(db):
        check_no_password(str(db))
        return StoreLocation(url=str(db))
    if db:
        return StoreLocation(path=Path(db).expanduser())
    url = os.environ.get("CINTUI_DATABASE_URL")
    if url:
        return StoreLocation(url=url)
    return StoreLocation(path=config.default_store_path())


def env_passphrase() -> str | None:
    """For batch use: the first line of CINTUI_PASSPHRASE_FILE (`--passphrase-file`; a 0600
    file, or a descriptor as /dev/fd/N), else CINTUI_PASSPHRASE; None to ask."""
    path = os.environ.get("CINTUI_PASSPHRASE_FILE")
    if path:
        return read_passphrase_file(Path(path))
    value = os.environ.get("CINTUI_PASSPHRASE")
    return value if value else None


def session_key(path: Path) -> tuple[str | None, str | None]:
    """The raw key of `path`'s unlock session in this environment (`cintui unlock`), or
    (None, why not: None when CINTUI_SESSION is not set)."""
    if not os.environ.get("CINTUI_SESSION"):
        return None, None
    from cintui.store import unlocked

    return unlocked.key_for(path)


def open_ahead(loc: StoreLocation) -> None:
    """Start opening the light reader of an encrypted file whose passphrase is in the
    environment (`fast.prefetch_reader`), so its key derivation runs beside the imports of
    whatever then asks for it. Not with a passphrase file, which may be a pipe read once.
    A team server's light reader is connected ahead the same way (libpq connects and
    authenticates while the command's modules import)."""
    if loc.url is not None:
        from cintui.store import fast

        if fast.server_conninfo(loc.url) is not None:
            fast.prefetch_server_reader(loc.url)
        return
    passphrase = os.environ.get("CINTUI_PASSPHRASE")
    unlocked = bool(os.environ.get("CINTUI_SESSION"))
    if not unlocked and (os.environ.get("CINTUI_PASSPHRASE_FILE") or not passphrase):
        return
    try:
        if loc.url is not None or loc.path is None or not loc.path.is_file() or \
                not loc.is_encrypted():
            return
    except OSError:  # said by whatever opens it next
        return
    if unlocked:  # its raw key, when it has a session here (`cintui unlock`)
        passphrase = session_key(loc.path)[0] or (
            None if os.environ.get("CINTUI_PASSPHRASE_FILE") else passphrase)
        if not passphrase:
            return
    from cintui.store import fast

    fast.prefetch_reader(loc.path, passphrase)


def read_passphrase_file(path: Path) -> str:
    """The passphrase from a file only its owner can read (it opens children's records)."""
    import stat

    try:
        mode = path.stat().st_mode
        if stat.S_ISREG(mode) and mode & 0o077:
            raise AccessError(f"{path} can be read by others (mode {stat.S_IMODE(mode):o}): "
                              f"`chmod 600 {path}` first; the passphrase opens children's "
                              "records")
        with open(path, encoding="utf-8") as fh:
            line = fh.readline().rstrip("\r\n")
    except FileNotFoundError:
        raise AccessError(f"no passphrase file at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccessError(f"cannot read the passphrase file {path}: {exc}") from None
    if not line:
        raise AccessError(f"the passphrase file {path} is empty: the passphrase is its first "
                          "line")
    return line


def check_new_passphrase(first: str, second: str) -> str:
    if first != second:
        raise AccessError("the two passphrases differ; nothing was created")
    if len(first) < MIN_PASSPHRASE:
        raise AccessError(f"a passphrase needs at least {MIN_PASSPHRASE} characters")
    return first


# The login of the team server this process has open (store/server.py), else None: on a
# team server who acts is who logged in, whatever CINTUI_USER or the app's settings say.
_server_login: str | None = None
# A laptop replica (store/sync.py) acts as the login it syncs as: what it records arrives on
# the server under that login, so it is recorded here under the same name.
_replica_login: str | None = None


# The workers on the store this process has open (username, name), read when CINTUI_USER
# names whom it acts as, so that a name that is no worker here is refused (`current_actor`),
# not recorded as who acted; None: not read (no CINTUI_USER, a team server, a laptop).
_workers_here: list[tuple[str, str]] | None = None
_leavers_here: list[tuple[str, str, date | None]] = []  # read with them: who has left, when
# The open store's reads (`opened_light`): whether the worker chosen in the app last time is a
# worker here is asked of them only when a command records what it does (`current_actor`).
_rows_here = None


def _opened(store):
    replica = None
    if store.server is None and store.path is not None:
        with store.engine.connect() as conn:
            replica = conn.exec_driver_sql(
                "SELECT value FROM store_meta WHERE key = 'sync_login'").scalar()

    def rows(sql: str):
        with store.engine.connect() as conn:
            return conn.exec_driver_sql(sql).all()

    opened_light(store.server.login if store.server is not None else None, replica, rows)
    return store


def opened_again(store):
    """A store kept open for the next command (`cintui each`): who acts is read from it as
    it is now, as a command run on its own reads it. Read once for the whole batch, a worker
    who left in an earlier command acted for the rest of it, and with none on the store at
    its first command anyone went on acting once the team was added."""
    return _opened(store)


def opened_light(server_login: str | None, replica_login: str | None,
                 rows=None) -> None:
    """A store opened without `Store` (the light writer): who acts on it, as `_opened` says
    for a store (a team server's login; a laptop replica's sync login; with `rows`, its
    reader's, the workers on it when CINTUI_USER is set)."""
    global _server_login, _replica_login, _workers_here, _leavers_here, _rows_here
    _server_login = server_login
    _replica_login = None if server_login is not None else replica_login
    _workers_here, _leavers_here, _rows_here = None, [], rows
    if rows is not None and acting_login() is None and os.environ.get("CINTUI_USER", "").strip():
        from cintui.store.fast import ACTIVE_WORKERS_SQL, leavers

        _workers_here = [tuple(r) for r in rows(ACTIVE_WORKERS_SQL)]
        _leavers_here = leavers(rows)


def forget_opened() -> None:
    """No store is open: who acts is decided by none opened before in this process (the app,
    before it opens its own; tests that ran commands on other stores first)."""
    opened_light(None, None)


def open_location(loc: StoreLocation, passphrase: str | None):
    """Open an existing store (upgrading an older one after a backup)."""
    from cintui.store import engine

    if loc.url:
        return _opened(engine.open_url(loc.url))
    assert loc.path is not None
    if not loc.path.exists():
        raise AccessError(
            f"no store at {loc.path}: `cintui db init` makes an empty one (or run `cintui`), "
            "`cintui demo --db PATH` a synthetic one"
        )
    store = engine.open_store(loc.path, passphrase)
    if store.backup_path is not None:
        _anchor(store.backup_path, passphrase if store.encrypted else None)
    return _opened(store)


def _anchor(backup: Path, key: str | None) -> None:
    """The backup an upgrade takes is anchored to its audit head as `cintui db backup`'s are,
    so `db restore` takes it (store/keeping.py). Best effort: the backup is what counts."""
    import contextlib

    from cintui.store import keeping
    from cintui.store.base import StoreError

    with contextlib.suppress(OSError, StoreError):
        keeping.anchor_copy(backup, key)


def url_holds_store(url: str) -> bool:
    """True when the database at `url` is already a store (it has an id: it was opened as
    one); cintui's tables alone (made by running the migrations) are not."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.exc import DBAPIError

    from cintui.store import migrate
    from cintui.store.base import STORE_ID_KEY
    from cintui.store.models import StoreMeta

    engine = create_engine(url, hide_parameters=True)
    try:
        if migrate.current_revision(engine) is None:
            return False
        with engine.connect() as conn:
            return conn.execute(select(StoreMeta.value).where(
                StoreMeta.key == STORE_ID_KEY)).first() is not None  # type: ignore[arg-type]
    except DBAPIError as exc:
        raise AccessError(f"cannot use {_redact(url)}: {str(exc.orig).splitlines()[0]}") from None
    finally:
        engine.dispose()


def create_location(loc: StoreLocation, passphrase: str | None, *, encrypt: bool,
                    synthetic: bool = False):
    """A new store. `synthetic=True` (demo data only) skips SQLCipher's memory wiping."""
    from cintui.store import engine

    if loc.url:
        return _opened(engine.open_url(loc.url))
    assert loc.path is not None
    if loc.path.exists():
        raise AccessError(f"{loc.path} already exists; choose another path or remove it")
    return _opened(engine.create_store(loc.path, passphrase if encrypt else None,
                                       encrypt=encrypt, memory_security=not synthetic))


def acting_login() -> str | None:
    """The team server's login this process acts as: the server's, or the one a laptop
    replica syncs as (store/sync.py); None for a store of one's own."""
    return _server_login or _replica_login


def wanted_workers(requested: str | None, reader: object = None) -> list[str]:
    """Whose caseload the app may open on, first choice first; it opens on the first who is
    a worker on the store, else it asks. On a team server (or a laptop) the login alone;
    else the worker asked for (`--as`) alone; else `CINTUI_USER` (whom the command line
    acts as) alone: one naming no worker here is asked about, not passed over for another;
    else the worker chosen last time."""
    if chosen := getattr(reader, "team_login", None) or requested:  # the app asks for the
        # login on a team server (`CintuiApp.on_store_opened`, `on_reader_opened`)
        return [chosen]
    if named := (os.environ.get("CINTUI_USER") or "").strip():
        return [named]
    last = config.load_settings().get("worker")
    return [last] if isinstance(last, str) and last else []


def _refuse_named(env: str, workers, left) -> None:
    """CINTUI_USER naming no worker here (`workers`; none yet: a new store's team is being
    set up, as anyone) refused in one line, as every worker refusal says it (`left`: one who
    has left says when)."""
    if workers:
        from cintui.domain.workforce import not_a_worker

        if (said := not_a_worker("CINTUI_USER", env.strip(), workers, left)) is not None:
            raise AccessError(said)


def actor_reading(rows) -> str:
    """`current_actor()` for a command that only reads but answers for who acts
    (`supervision overdue`: your team), over its rows (`rows(sql, params)`): CINTUI_USER
    naming no worker here is refused as a command that writes refuses it, not taken as a
    worker in no team."""
    env = (os.environ.get("CINTUI_USER") or "").strip()
    if env and acting_login() is None:
        from cintui.store.fast import ACTIVE_WORKERS_SQL, leavers

        _refuse_named(env, [tuple(r) for r in rows(ACTIVE_WORKERS_SQL, {})],
                      leavers(lambda sql: rows(sql, {})))
        return env
    return current_actor()


def current_actor() -> str:
    """Who is making changes: CINTUI_USER, else the worker chosen in the app, else the login.
    On a team server, the server login, always: CINTUI_USER naming anyone else is refused."""
    env = os.environ.get("CINTUI_USER")
    if _server_login is not None:
        if env and env != _server_login:
            raise AccessError(f"you are logged in to the team server as {_server_login}, not "
                              f"{env}: cintui records what you do as {_server_login} "
                              "(unset CINTUI_USER)")
        return _server_login
    if _replica_login is not None:
        if env and env != _replica_login:
            raise AccessError(f"this laptop syncs with the team server as {_replica_login}, "
                              f"not {env}: cintui records what you do as {_replica_login} "
                              "(unset CINTUI_USER)")
        return _replica_login
    if env:
        _refuse_named(env, _workers_here, _leavers_here)
        return env
    worker = config.load_settings().get("worker")
    if isinstance(worker, str) and worker and _works_here(worker):
        return worker
    return login_name() or "unknown"


def importing_actor(what: str) -> str:
    """`current_actor()` for an import (`what`: "a caseload", "a transfer pack"): every
    record it brings in is recorded as made by whoever ran it, so that is a worker on the
    store. Refused in one line (AccessError, `importer_refusal`) when no one has said who
    they are and this computer's login, which would be recorded instead, is no worker here."""
    actor = current_actor()
    if _rows_here is None:
        return actor
    from cintui.store.fast import ACTIVE_WORKERS_SQL

    workers = {username for username, _name in _rows_here(ACTIVE_WORKERS_SQL)}
    if (said := importer_refusal(actor, workers, what)) is not None:
        raise AccessError(said)
    return actor


def importer_refusal(actor: str, workers: set[str], what: str, *,
                     in_app: bool = False) -> str | None:
    """Why `actor` may not import `what` (None: they may): no one has said who they are (no
    CINTUI_USER, no worker chosen with "Who am I" or `cintui worker whoami`), so `actor` is
    this computer's login, and it is no worker on the store (`workers`, their usernames):
    the trail would name a stranger for every child brought in. A team server or a laptop
    acts as its login, always; a store with no workers yet (set-up, as anyone) and a login
    that is a worker's username act as before."""
    if acting_login() is not None or not workers or actor in workers:
        return None
    if in_app:  # the worker chosen last time may be one on another store: named as such
        return (f"you have not said who you are, and {actor or 'no one'} is no worker on "
                f"this store: Ctrl+P → \"Who am I\" first ({what} is recorded as brought in "
                "by whoever imports it)")
    return (f"who is importing {what}? No one has said who they are, and this computer's "
            f"login ({actor or 'none'}) is no worker on this store: say who you are once "
            "with `cintui worker whoami USERNAME` (the app's Ctrl+P → \"Who am I\"), or "
            "give CINTUI_USER=USERNAME; nothing was imported")


def login_name() -> str:
    """The computer login's name ("" where there is none: some containers)."""
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name (some containers)
        return ""


def _works_here(username: str) -> bool:
    """Whether the worker chosen in the app last time is a worker on the store this command
    has open (True with none open: the app asks who you are itself). Chosen on another store
    (the demo's worker, a colleague's on a shared machine) or since left, they are not who
    acts here: a command recorded `cintui import caseload` as by a demo worker no one on the
    store is. The login acts instead, as with no worker chosen."""
    if _rows_here is None:
        return True
    from cintui.store.fast import ACTIVE_WORKERS_SQL

    try:
        found = _rows_here(ACTIVE_WORKERS_SQL)
    except Exception:  # the store has gone (a process that ran commands before): unknown
        return True
    return any(worker == username for worker, _name in found)


class BackgroundStore:
    """The full store (ORM, writes), opened on a plain thread after the first screen has
    painted from the light reader; `get()` waits for it if something needs it first.

    A plain thread, not a Textual worker: it must start even while the UI thread is the one
    waiting for it."""

    def __init__(self, location: StoreLocation, on_open=None) -> None:
        self.location = location
        self.store = None
        self._on_open = on_open  # called on the opening thread once the store is open
        self._ready = threading.Event()
        self._ready.set()  # nothing to wait for until a background open starts
        self._opening = False
        self._passphrase: str | None = None
        self.error: Exception | None = None  # why the background open failed, if it did

    def expect(self, passphrase: str | None) -> None:
        """The reader is open: the full store will be opened later with this passphrase."""
        self._ready.clear()
        self._passphrase = passphrase

    @property
    def pending(self) -> bool:
        return not self._ready.is_set()

    def open_soon(self) -> None:
        """Start opening, once (its imports would otherwise compete with the first paint)."""
        if self._ready.is_set() or self._opening:
            return
        self._opening = True
        threading.Thread(target=self._open, name="open-store", daemon=True).start()

    def get(self):
        """The open store; waits if it is still being opened in the background."""
        if not self._ready.is_set():
            self.open_soon()
            self._ready.wait(timeout=60)
        if self.store is None and self.error is not None:
            raise self.error  # said where the store was wanted (one line), not a None
        return self.store

    def _open(self) -> None:
        try:
            self.store = open_location(self.location, self._passphrase)
            if self._on_open is not None:
                self._on_open()
        except Exception as exc:  # noqa: BLE001 - a server gone away, a file moved meanwhile
            self.error = exc  # (it once escaped the thread: an unhandled thread exception)
        finally:
            self._passphrase = None
            self._ready.set()
