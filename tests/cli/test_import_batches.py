"""Long imports commit in batches (issue 24, "Trust"), yet stay all or nothing for the user:
the whole file is checked first; the rows go in short write transactions, siblings together;
an import stopped part-way (SIGKILL, real processes) is completed by running it again, each
row written once; and one that finished says so instead of writing again."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select

from cintui.casework import caseload_import as importing
from cintui.store import models as m
from cintui.store import requests
from cintui.store.engine import open_store
from tests.conftest import TODAY, run_subprocess

HEAD = ["reference", "first_name", "last_name", "dob", "sex", "ethnicity", "primary_need",
        "referral_source", "referral_date", "assessment_started", "last_visit", "people",
        "household"]


def caseload(path: Path, rows: int, *, bad_line: int | None = None) -> Path:
    """`rows` children; every third row's family is one household of three siblings spread
    through the file (rows i, i+10, i+20 of each 30), sharing their mother."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEAD)
        for i in range(rows):
            household = f"H{(i // 30) * 10 + i % 10}" if i % 3 == 0 else ""
            mother = (f"Mum{household} Batch" if household else f"Mum{i} Batch")
            dob = "31/02/2018" if bad_line is not None and i + 2 == bad_line else "04/05/2018"
            out.writerow([f"IMP{i:05d}", f"Kid{i}", "Batch", dob, "F", "WBRI", "N1", "2A",
                          "02/03/2026", "04/03/2026", "13/11/2026",
                          f"{mother} (Mother, PR, lives with child)", household])
    return path


def counts(db) -> tuple[int, int]:
    store = open_store(db, None)
    try:
        with store.read() as session:
            return (session.exec(select(func.count()).select_from(m.Child)).one(),
                    session.exec(select(func.count()).select_from(m.Person)).one())
    finally:
        store.close()


def test_an_import_is_written_in_short_batches_siblings_together(new_store, tmp_path):
    store = new_store()
    data = caseload(tmp_path / "c.csv", 45).read_bytes()
    request = requests.Request("batches", "import caseload", "f" * 64)
    store.request = request
    done = importing.apply_in_batches(store, data, request, today=TODAY, actor="test.worker",
                                      file="c.csv", batch_rows=10)
    assert len(done.plan.rows) == 45 and done.resumed == 0
    assert done.batches == store.commits >= 5  # a transaction per batch, not one for all
    with store.read() as session:
        children = session.exec(select(func.count()).select_from(m.Child)).one()
        people = session.exec(select(func.count()).select_from(m.Person)).one()
        links = session.exec(select(func.count()).select_from(m.ChildPerson)).one()
    # Siblings share their mother's record although their rows are far apart in the file.
    households = len({(i // 30) * 10 + i % 10 for i in range(45) if i % 3 == 0})
    assert (children, links) == (45, 45)
    assert people == 45 - len([i for i in range(45) if i % 3 == 0]) + households


def test_a_bad_row_anywhere_writes_nothing(cli, new_db, tmp_path):
    db = new_db()
    path = caseload(tmp_path / "c.csv", 40, bad_line=38)  # in what would be the last batch
    result = cli("import", "caseload", path, "--db", db, "--today", TODAY.isoformat())
    assert result.code == 2
    assert result.err.splitlines()[-1].startswith("cintui: c.csv refused, nothing imported")
    assert counts(db) == (0, 0)


# Run cintui, SIGKILLed just after its Nth write transaction has committed.
KILL_AFTER = """
import contextlib, os, signal, sys
from cintui.store import engine
real = engine.Store.session.__wrapped__
left = [int(os.environ["KILL_AFTER_COMMITS"])]
@contextlib.contextmanager
def session(self, actor, request=None):
    with contextlib.contextmanager(real)(self, actor, request) as s:
        yield s
    left[0] -= 1
    if left[0] == 0:
        os.kill(os.getpid(), signal.SIGKILL)
engine.Store.session = session
from cintui.casework import caseload_import
caseload_import.BATCH_ROWS = 10  # at most: a 35-row file takes four batches or more
from cintui.cli.main import run
run(sys.argv[1:])
"""


def _killed(after: int, *args) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-c", KILL_AFTER, *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL,
                          env={**os.environ, "KILL_AFTER_COMMITS": str(after)})


@pytest.mark.slow
def test_an_import_killed_part_way_is_completed_by_running_it_again(new_db, tmp_path):
    db = new_db()
    path = caseload(tmp_path / "caseload.csv", 35)
    args = ("import", "caseload", path, "--db", db, "--today", TODAY.isoformat())
    killed = _killed(2, *args)  # after two batches
    assert killed.returncode == -signal.SIGKILL and killed.stdout == ""
    written = counts(db)[0]
    assert 2 <= written < 35  # part of it is in: the batches that committed
    again = run_subprocess(*args)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Went on with an import of caseload.csv that had stopped "
                                   f"part-way: {written} of its rows were already in.\n"
                                   "Imported 35 children and ")
    assert counts(db)[0] == 35  # each row once
    check = run_subprocess("db", "check", "--db", db)
    assert check.returncode == 0, check.stdout


@pytest.mark.slow
def test_an_import_killed_after_its_last_batch_says_it_is_done(new_db, tmp_path):
    db = new_db()
    path = caseload(tmp_path / "caseload.csv", 15)
    args = ("import", "caseload", path, "--db", db, "--today", TODAY.isoformat(),
            "--request-id", "monday-import")
    killed = _killed(1, *args)
    while killed.returncode == -signal.SIGKILL and counts(db)[0] < 15:  # each batch, then
        killed = _killed(1, *args)  # the last one, killed just after its commit
    assert killed.returncode == -signal.SIGKILL and counts(db)[0] == 15
    again = run_subprocess(*args)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Already done: request monday-import (`import caseload`)")
    assert counts(db)[0] == 15
    # The same file under another request is refused row by row: nothing is written twice.
    other = run_subprocess(*args[:-1], "another-import", "--json")
    assert other.returncode == 2
    assert json.loads(other.stdout)["problems"][0]["reason"].endswith(
        "is already a child on this store")
    assert counts(db)[0] == 15
