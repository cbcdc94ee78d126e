"""A throwaway PostgreSQL cluster for the tests: 127.0.0.1 only, a free port, a data folder
in memory (/dev/shm; else under the checkout's temp folder), stopped and removed at the end
(by a watchdog, if the run that started it is killed).

    python tests/pgserver.py run -- CMD ARGS...   # CINTUI_TEST_PG set for CMD
    python tests/pgserver.py bindir               # where initdb and pg_ctl were found

The suite's conftest starts one itself when CINTUI_TEST_PG is not set (and stops it when
the run ends), so `pytest` alone runs the PostgreSQL half too. Standard library only: CI runs
this before anything else is installed. Run as root (CI), the server runs as the `postgres`
system user, as PostgreSQL refuses root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
TEMP_ROOT = CHECKOUT / ".tmp"
SUPERUSER = "cintui_test"
ENV_VAR = "CINTUI_TEST_PG"  # postgresql://cintui_test:PW@127.0.0.1:PORT/postgres
ROOM_NEEDED = 2 * 1024**3  # the templates and four tests' clones need a few hundred MB


class NoPostgres(RuntimeError):
    """PostgreSQL's server programs are not installed here."""


def bindir() -> Path:
    """The folder holding initdb and pg_ctl: $CINTUI_PG_BINDIR, Debian's newest, or PATH."""
    if os.environ.get("CINTUI_PG_BINDIR"):
        return Path(os.environ["CINTUI_PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).resolve().parent
    raise NoPostgres("PostgreSQL is not installed (Debian: apt-get install postgresql)")


def memory_root(room_needed: int = ROOM_NEEDED) -> Path | None:
    """/dev/shm (or $CINTUI_TEST_PG_ROOT) where it is writable and has the room: not a
    container's 64 MB. None elsewhere."""
    shm = Path(os.environ.get("CINTUI_TEST_PG_ROOT", "/dev/shm"))
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        room = os.statvfs(shm)
        if room.f_bavail * room.f_frsize >= room_needed:
            return shm
    return None


def _data_root() -> Path:
    """Where the cluster's files go: memory (/dev/shm) where there is one. Every test's
    database is a clone of a template, a few hundred files: on ext4, creating files where
    many were just deleted costs the kernel ~0.6 s of CPU a clone (its inode allocator
    skips recently deleted inodes), ~50 ms in memory. Else the checkout's temp folder."""
    shm = memory_root()
    if shm is not None:
        return shm
    TEMP_ROOT.mkdir(exist_ok=True)
    TEMP_ROOT.chmod(0o755)  # the server's user must reach its folder
    return TEMP_ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user() -> list[str]:
    """PostgreSQL will not run as root: CI runs as root, so run it as `postgres`."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


@dataclass
class Cluster:
    folder: Path
    port: int
    password: str
    pid: int  # the process that started it: only it stops it (xdist workers inherit the env)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*_as_server_user(), *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)

    def stop(self) -> None:
        if os.getpid() != self.pid or not self.folder.exists():
            return
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run(str(bindir() / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate",
                      "-w")
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """initdb (scram passwords over TCP) and start on a free 127.0.0.1 port."""
    bins = bindir()
    folder = Path(tempfile.mkdtemp(prefix="pg-", dir=_data_root()))
    cluster = Cluster(folder, _free_port(), secrets.token_hex(16), os.getpid())
    pwfile = folder / "pw"
    pwfile.write_text(cluster.password + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    folder.chmod(0o700)
    try:
        cluster._run(str(bins / "initdb"), "-D", str(cluster.data), "-U", SUPERUSER,
                     f"--pwfile={pwfile}", "--auth-host=scram-sha-256", "--auth-local=reject",
                     "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        pwfile.unlink()
        # Throwaway: durability off for speed; TCP on 127.0.0.1 only, no Unix socket.
        options = (f"-c listen_addresses=127.0.0.1 -c port={cluster.port} "
                   "-c unix_socket_directories='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB")
        cluster._run(str(bins / "pg_ctl"), "start", "-D", str(cluster.data), "-w", "-t", "60",
                     "-l", str(folder / "server.log"), "-o", options)
    except subprocess.CalledProcessError as exc:
        log = folder / "server.log"
        detail = (exc.stderr or b"").decode(errors="replace").strip()
        if log.exists():
            detail += "\n" + log.read_text(errors="replace")[-2000:]
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"could not start a test PostgreSQL: {detail}") from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _watch(cluster, bins)
    return cluster


# Waits for the process that started the cluster to end, however it ends (SIGKILL included),
# then stops the cluster and removes its folder (kept in memory: it would stay until reboot).
_WATCHDOG = """
pid=$1; folder=$2; shift 2
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
"$@" >/dev/null 2>&1
rm -rf "$folder"
"""


def _watch(cluster: Cluster, bins: Path) -> None:
    """After a normal end `Cluster.stop` has done it all; the watchdog then finds nothing."""
    subprocess.Popen(
        ["sh", "-c", _WATCHDOG, "cintui-test-pg-watchdog", str(cluster.pid),
         str(cluster.folder), *_as_server_user(), str(bins / "pg_ctl"), "stop", "-D",
         str(cluster.data), "-m", "immediate", "-w"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["bindir"]:
        print(bindir())
        return 0
    if argv[:1] != ["run"] or "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1:]
    cluster = start()
    # Stopped on any ending: success, failure, Ctrl+C or CI's SIGTERM.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        print(f"test PostgreSQL on 127.0.0.1:{cluster.port}", file=sys.stderr)
        return subprocess.run(command, env={**os.environ, ENV_VAR: cluster.url}).returncode
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
