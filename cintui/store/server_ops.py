"""Operating a server store (PostgreSQL): what `cintui db info` tells of it, and the backup
`cintui db upgrade` takes before changing its schema (`server.py` makes it a team server
with logins). Plain psycopg and PostgreSQL's own client
programs (pg_dump, pg_restore): no ORM.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from cintui.store.base import StoreError, StoreExists, shown_url
from cintui.store.fast import connect_server, server_conninfo, server_revision

AT_REST = ("only if the server's disk is encrypted: cintui does not encrypt the database "
           "on the server")
ON_LAPTOPS = "store files on laptops are encrypted with SQLCipher"


def is_server_url(url: str | None) -> bool:
    """A PostgreSQL URL as cintui takes them (not a SQLite URL, not a file)."""
    return bool(url) and server_conninfo(url) is not None  # type: ignore[arg-type]


@dataclass(frozen=True)
class ServerInfo:
    store: str  # the URL, password hidden
    host: str
    port: int
    database: str
    server_version: str
    login: str
    tls: bool
    tls_version: str | None
    sslmode: str
    revision: str | None
    policy: str | None
    team_server: str | None = None  # the group roles' prefix once `cintui server init` ran

    def as_json(self) -> dict:
        return asdict(self)


_ABOUT = """
SELECT session_user, current_setting('server_version'),
       (SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid())
"""


def _option(conn, keyword: bytes) -> str:
    """A libpq connection option as in effect (given, from the environment, or default)."""
    for option in conn.pgconn.info:
        if option.keyword == keyword:
            return (option.val or option.compiled or b"").decode()
    return ""


def server_info(url: str) -> ServerInfo:
    """Where the store is, who is logged in, whether the connection is encrypted (TLS), its
    schema revision and policy. Reads only: works on an older schema too."""
    conn = connect_server(url)
    try:
        login, version, tls_version = conn.execute(_ABOUT).fetchone()
        revision = server_revision(conn)
        policy = team = None
        if revision is not None:
            row = conn.execute("SELECT value FROM store_meta WHERE key = 'policy'").fetchone()
            policy = row[0] if row and row[0] else "england"
            row = conn.execute(
                "SELECT value FROM store_meta WHERE key = 'team_server'").fetchone()
            team = row[0] if row else None
        return ServerInfo(
            store=shown_url(url), host=conn.info.host, port=conn.info.port,
            database=conn.info.dbname, server_version=version, login=login,
            tls=bool(conn.pgconn.ssl_in_use), tls_version=tls_version,
            sslmode=_option(conn, b"sslmode"), revision=revision, policy=policy,
            team_server=team)
    finally:
        conn.close()


# ------------------------------------------------------------------ backup


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(f"{name} not found: install PostgreSQL's client programs (Debian: "
                         "postgresql-client), or take a backup yourself and pass --backup-taken")
    return found


def _client_args(url: str) -> tuple[str, dict[str, str]]:
    """The connection for pg_dump: a libpq conninfo without the password, which goes in the
    child's environment (PGPASSWORD) rather than on a command line `ps` shows."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(server_conninfo(url) or "")
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


def _last_line(text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


@dataclass(frozen=True)
class Backup:
    path: Path
    entries: int  # items pg_restore --list finds in it
    size: int  # bytes


def dump(url: str, target: Path) -> Backup:
    """`pg_dump -Fc` of the database at `url` into the new file `target` (0600, refused if
    it exists), checked by reading its table of contents back (`pg_restore --list`)."""
    target = Path(target)
    if not target.parent.is_dir():
        raise StoreError(f"no such folder: {target.parent}")
    pg_dump = _program("pg_dump")
    pg_restore = _program("pg_restore")
    conninfo, env = _client_args(url)
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise StoreExists(f"{target} already exists; choose a new file") from None
    try:
        with os.fdopen(fd, "wb") as out:
            done = subprocess.run([pg_dump, "--format=custom", "--no-password",
                                   f"--dbname={conninfo}"], stdout=out, stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, env=env)
        if done.returncode:
            raise StoreError(f"pg_dump failed, no backup: {_last_line(done.stderr)}")
        listed = subprocess.run([pg_restore, "--list", str(target)], capture_output=True,
                                text=True, stdin=subprocess.DEVNULL)
        if listed.returncode:
            raise StoreError(f"the backup does not read back (pg_restore --list): "
                             f"{_last_line(listed.stderr)}")
        entries = sum(1 for line in listed.stdout.splitlines()
                      if line.strip() and not line.startswith(";"))
        if entries == 0:
            raise StoreError("the backup is empty (pg_restore --list finds nothing in it)")
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise
    return Backup(target, entries, target.stat().st_size)
