"""The test helpers' own promise (tests/pipes.py): a child process that never says the line a
test waits for fails that test, with what the process said on stderr, rather than hanging
the suite until CI's limit kills it with nothing said."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.pipes import line_within

STUCK = """
import sys, time
print("waiting for the write lock held by another import", file=sys.stderr, flush=True)
time.sleep(600)  # never says TYPED
"""


def _start(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)


def test_a_process_that_never_says_its_line_fails_with_its_stderr_and_is_stopped():
    with _start(STUCK) as proc:
        with pytest.raises(AssertionError) as failed:
            line_within(proc, cap=1, waiting_for="TYPED")
        assert proc.poll() is not None  # killed, not left running for 10 minutes
    said = str(failed.value)
    assert "no line on its stdout in 1 s (TYPED)" in said
    assert "waiting for the write lock held by another import" in said


def test_lines_said_are_read_one_at_a_time_then_the_end():
    with _start('print("HELD", flush=True); print("RELEASED", flush=True)') as proc:
        assert line_within(proc) == "HELD\n"
        assert line_within(proc) == "RELEASED\n"
        assert line_within(proc) == ""  # ended: as readline() says it
