"""A retry never duplicates (issue 24, "Trust"): `--request-id ID` on a CLI write makes the
same request apply once; a retry prints what the first run printed and says it was already
done. Real processes for the kills: a write killed after its commit (SIGKILL), re-run."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import run_subprocess
from tests.store.teams import team  # noqa: F401 - the fixture

CHILD = ("--first-name", "Ada", "--last-name", "Retry", "--dob", "2016-03-04",
         "--referral-date", "2026-11-20")
DAY = ("--today", "2026-11-23")


def children(cli, db) -> list[dict]:
    result = cli("child", "list", "--db", db, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_the_same_request_applies_once_and_says_so(cli, new_db):
    db = new_db()
    first = cli("child", "add", *CHILD, "--db", db, "--request-id", "add-ada-1")
    assert first.code == 0, first.err
    again = cli("child", "add", *CHILD, "--db", db, "--request-id", "add-ada-1")
    assert again.code == 0, again.err
    assert again.out == first.out  # the same result, word for word
    assert again.err.startswith("Already done: request add-ada-1 was applied at ")
    # When, as a person reads it ("2 Dec 2026 15:29 UTC"; it said 2026-12-02 15:29).
    assert re.search(r"applied at \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} UTC;", again.err)
    assert len(children(cli, db)) == 1
    assert cli("audit", "verify", "--db", db).code == 0


@pytest.mark.parametrize("command", [
    ("visit", "record", "{ref}", "--at", "2026-11-21 10:00", "--purpose", "Check in",
     "--analysis", "Seen alone.", *DAY, "--json"),
    ("decision", "add", "{ref}", "--kind", "other", "--decision", "Keep open", "--rationale",
     "Still in need", "--on", "2026-11-22", *DAY, "--json"),
    ("meeting", "schedule", "{ref}", "--kind", "initial", "--at", "2026-11-30 10:00",
     "--venue", "School", "--chair", "Tess Manager", "--chair-role", "Team manager", *DAY,
     "--json"),
    ("person", "add", "{ref}", "--name", "Mo Retry", "--relationship", "Father", "--json"),
    ("sos", "danger", "{ref}", "If no adult is sober at weekends, Ada may be left alone",
     "--on", "2026-11-22", *DAY),
    ("gcp2", "record", "{ref}", "--assessor", "Amira Khan", "--physical", "3", "--safety",
     "3", "--love", "2", "--esteem", "2", "--summary", "Warm home, little food at weekends",
     "--on", "2026-11-22", *DAY),
])
def test_each_kind_of_write_applies_once_on_a_retry(cli, new_db, command):
    db = new_db()
    added = cli("child", "add", *CHILD, "--db", db, "--json")
    assert added.code == 0, added.err
    ref = json.loads(added.out)["reference"]
    # WIR 2.1, 2.3: a meeting is booked with a parent's consent.
    for step in (("person", "add", ref, "--name", "Rae Retry", "--relationship", "Mother",
                  "--pr"),
                 ("child", "consent", ref, "--scope", "meeting", "--decision", "given",
                  "--person", "Rae Retry", *DAY)):
        done = cli(*step, "--db", db)
        assert done.code == 0, done.err
    args = [part.format(ref=ref) for part in command]
    first = cli(*args, "--db", db, "--request-id", "req-1")
    assert first.code == 0, first.err
    entries = cli("audit", "verify", "--db", db, "--json")
    again = cli(*args, "--db", db, "--request-id", "req-1")
    assert (again.code, again.out) == (0, first.out)
    assert "Already done" in again.err
    # Nothing more in the audit trail: the retry wrote nothing at all.
    assert cli("audit", "verify", "--db", db, "--json").out == entries.out


def test_an_id_used_for_another_request_is_refused_and_nothing_written(cli, new_db):
    db = new_db()
    assert cli("child", "add", *CHILD, "--db", db, "--request-id", "r-7").code == 0
    other = cli("child", "add", "--first-name", "Bo", "--last-name", "Other", "--dob",
                "2017-01-01", "--db", db, "--request-id", "r-7")
    assert other.code == 2 and other.out == ""
    assert other.err.startswith("cintui: request id 'r-7' was already used for another "
                                "request (`child add`")
    assert [c["name"] for c in children(cli, db)] == ["Ada Retry"]


def test_a_refused_write_leaves_its_request_unapplied(cli, new_db):
    """Bad input writes nothing, so the request is not taken: the same id, fixed, applies."""
    db = new_db()
    bad = cli("child", "add", "--first-name", "Ada", "--last-name", "Retry", "--db", db,
              "--request-id", "r-8")
    assert bad.code == 2
    good = cli("child", "add", *CHILD, "--db", db, "--request-id", "r-8")
    assert good.code == 0, good.err
    assert "Already done" not in good.err


def test_a_bad_request_id_is_one_line(cli, new_db):
    result = cli("child", "add", *CHILD, "--db", new_db(), "--request-id", "x" * 101)
    assert result.code == 2 and result.err.count("\n") == 1
    assert "--request-id: 1-100 printable characters" in result.err


# ------------------------------------------------------------------ real processes, killed

# Run cintui, killing itself (SIGKILL) the moment a write transaction has committed, before
# it can print anything: what a power cut or `kill -9` does between the two.
KILL_AFTER_COMMIT = """
import os, signal, sys
from cintui.store import engine
real = engine.Store.session.__wrapped__
def session(self, actor):
    gen = real(self, actor)
    session = next(gen)
    try:
        yield session
    except BaseException as exc:
        gen.throw(exc)
        raise
    try:
        next(gen)
    except StopIteration:
        pass
    os.kill(os.getpid(), signal.SIGKILL)
import contextlib
engine.Store.session = contextlib.contextmanager(session)
from cintui.cli.main import run
run(sys.argv[1:])
"""


def _killed_after_commit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILL_AFTER_COMMIT, *map(str, args)],
                          capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


@pytest.mark.slow
def test_a_write_killed_after_its_commit_is_not_applied_again(cli, new_db):
    db = new_db()
    killed = _killed_after_commit("child", "add", *CHILD, "--db", db, "--request-id", "k-1")
    assert killed.returncode == -signal.SIGKILL and killed.stdout == ""
    retry = run_subprocess("child", "add", *CHILD, "--db", db, "--request-id", "k-1")
    assert retry.returncode == 0, retry.stderr
    assert retry.stdout.startswith("Already done: request k-1 (`child add`) was applied at ")
    assert "1 child added" in retry.stdout and "cintui stopped before reporting it" in \
        retry.stdout
    assert len(children(cli, db)) == 1
    # Without the id the same retry would have added her twice: the id is what saves it.
    assert cli("db", "check", "--db", db).code == 0


@pytest.mark.slow
def test_writes_killed_at_any_moment_then_retried_apply_once_each(cli, tmp_path):
    """SIGKILL at a random moment of each of 12 `child add` runs (before, during or after the
    commit), then the same command retried with the same id: exactly 12 children."""
    db = tmp_path / "kills.db"
    assert cli("db", "init", "--db", db, "--no-encrypt").code == 0
    rng = random.Random(24)
    env = {**os.environ}
    for n in range(12):
        args = [sys.executable, "-m", "cintui", "child", "add", "--first-name", f"Kid{n}",
                "--last-name", "Killed", "--dob", "2015-05-05", "--db", str(db),
                "--request-id", f"kill-{n}"]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, stdin=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))  # not a timed assertion: where the kill lands
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        retry = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env,
                               stdin=subprocess.DEVNULL)
        assert retry.returncode == 0, retry.stderr
    names = sorted(c["name"] for c in children(cli, db))
    assert names == sorted(f"Kid{n} Killed" for n in range(12))
    assert cli("db", "check", "--db", db).code == 0


# ------------------------------------------------------------------ a team server


def test_on_a_team_server_each_workers_requests_are_their_own(team, cli, monkeypatch):  # noqa: F811
    """A worker's login applies their request once; another worker cannot read it (row
    security: its record holds what the command printed) and may use the same id."""
    visit = ("visit", "record", team.child, "--at", "2026-11-20 10:00", "--purpose",
             "Check in", "--analysis", "Seen alone.", "--today", "2026-11-23",
             "--request-id", "shared-id", "--json")
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.worker))
    monkeypatch.delenv("CINTUI_USER", raising=False)
    first = cli(*visit)
    assert first.code == 0, first.err
    again = cli(*visit)
    assert (again.code, again.out) == (0, first.out) and "Already done" in again.err
    with team.psql(team.other) as conn:
        assert conn.execute("SELECT count(*) FROM applied_request").fetchone()[0] == 0
    with team.psql(team.worker) as conn:
        assert conn.execute("SELECT count(*) FROM applied_request").fetchone()[0] == 1
    # The same id from the other worker is their own request: it applies.
    monkeypatch.setenv("CINTUI_DATABASE_URL", team.url(team.other))
    other = cli(*visit)
    assert other.code == 0, other.err
    assert "Already done" not in other.err
