"""Reading a child process's pipes in tests without a hang: a process that never says the
line a test waits for (stuck, deadlocked, waiting on a lock) fails that test within a cap,
showing what the process wrote on its other pipe, instead of holding the whole suite until
CI's own limit ends it with nothing said."""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Callable

CAP = 60.0  # seconds: as `kill_after_typing`'s poll of the store (tests/crashing.py)


def line_within(proc: subprocess.Popen, cap: float = CAP, stream: str = "stdout",
                waiting_for: str = "") -> str:
    """The next line `proc` writes on `stream` (a text pipe), "" once it has ended, as
    `readline()` gives it. Nothing within `cap` seconds: the process is killed and the test
    fails with what it was waiting for and the tail of the process's other pipe (its
    stderr, when reading stdout)."""
    pipe = getattr(proc, stream)
    ok, line = _within(pipe.readline, cap)
    if ok:
        return line
    proc.kill()  # its pipes close, and a reader blocked on them returns
    _within(proc.wait, 10)
    other = proc.stderr if stream == "stdout" else proc.stdout
    said = "(not captured)"
    if other is not None:  # a child of its own may hold the pipe open: read within a cap too
        done, text = _within(other.read, 10)
        said = text[-2000:] if done else "(still open: not read)"
    what = f" ({waiting_for})" if waiting_for else ""
    raise AssertionError(f"the process (pid {proc.pid}) wrote no line on its {stream} in "
                         f"{cap:.0f} s{what}, and was killed; its "
                         f"{'stderr' if stream == 'stdout' else 'stdout'}: {said}")


def _within(read: Callable[[], object], cap: float) -> tuple[bool, str]:
    """(True, what `read` returned) if it returned within `cap` seconds, else (False, "");
    a pipe closed under it reads as its end ("")."""
    got: queue.Queue = queue.Queue()

    def reader() -> None:
        try:
            got.put(read())
        except (OSError, ValueError):  # closed: as at its end
            got.put("")

    threading.Thread(target=reader, daemon=True).start()
    try:
        return True, got.get(timeout=cap)
    except queue.Empty:
        return False, ""
