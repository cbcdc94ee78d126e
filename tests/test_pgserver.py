"""The tests' own PostgreSQL cluster never outlives the run that started it: its files are
kept in memory (/dev/shm), so a cluster left behind would hold memory until a reboot."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pgserver

from tests.pipes import line_within

CHECKOUT = Path(__file__).resolve().parent.parent


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _until(check, seconds: float = 120) -> bool:
    """Wait for `check()` (a bound on the wait, not a timing: the assertion is on the state)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_a_run_killed_outright_leaves_no_server_and_no_files(pg_server):
    """SIGKILL gives the run no chance to stop its cluster: the watchdog does it. (`pg_server`:
    a PostgreSQL test, left out of `--store=sqlite` runs; this one starts a cluster of its own.)"""
    root = Path(tempfile.mkdtemp(prefix="watch-", dir=pgserver._data_root()))
    root.chmod(0o755)  # the server's user (`postgres`, under root) must reach its folder
    env = {**os.environ, "CINTUI_TEST_PG_ROOT": str(root)}
    env.pop(pgserver.ENV_VAR, None)
    children: list[int] = []
    with subprocess.Popen([sys.executable, str(CHECKOUT / "tests" / "pgserver.py"), "run",
                           "--", "sleep", "600"], env=env, stderr=subprocess.PIPE,
                          text=True) as run:  # `with`: its pipe closed, the run waited for
        try:
            line = line_within(run, stream="stderr", waiting_for="the cluster's address")
            assert line.startswith("test PostgreSQL on 127.0.0.1:"), line
            port = int(line.rsplit(":", 1)[1])
            assert _listening(port)
            assert [p.name[:3] for p in root.iterdir()] == ["pg-"]
            command = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True,
                                     timeout=30)
            children += [int(pid) for pid in command.stdout.split()]  # the `sleep`, orphaned below

            run.send_signal(signal.SIGKILL)
            run.wait(timeout=30)

            assert _until(lambda: not _listening(port)), "the server outlived the killed run"
            assert _until(lambda: not any(root.iterdir())), "the cluster's files were left"
        finally:
            run.kill()
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            shutil.rmtree(root, ignore_errors=True)
