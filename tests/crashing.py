"""The crash harness (issue "Trust", Done when): real `cintui` processes writing to an
encrypted SQLite store (synthetic people) are killed with SIGKILL at random moments, while
they write records, import a caseload and save a visit draft. A write whose process said it
was done (printed its line) must be on the store afterwards; an import stopped part-way
(its batches are short transactions of their own, README "Written in batches") is finished,
each row once, by the same command run again; the store still opens and `cintui db check`
finds it sound.

Used by tests/store/test_crash.py (~15 kills) and bench/crash.py (400 and more).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.pipes import line_within

TODAY = "2026-11-23"
PASSPHRASE = "correct horse battery staple"
ROOT = Path(__file__).resolve().parent.parent

# A process that saves a visit draft over and over (as the form's autosave does), saying
# each version once its transaction has committed.
DRAFT_SAVER = """
import sys, uuid
from sqlmodel import select
from cintui.casework import drafts
from cintui.store import access, models as m
from cintui.store.engine import open_store
store = open_store(sys.argv[1], access.env_passphrase())
with store.read() as session:
    child = session.exec(select(m.Child).where(m.Child.reference == sys.argv[2])).one()
    known = drafts.for_child(session, child.id, "visit")
    draft_id = known[0].id if known else None
if draft_id is None:
    with store.session("crash.tester") as session:
        draft_id = drafts.create(session, "visit", child.id, "crash.tester", {"n": 0}).id
start = int(sys.argv[3])
for n in range(start, start + 400):
    with store.session("crash.tester") as session:
        drafts.save(session, draft_id, {"n": n, "purpose": "typed " * (n % 50)})
    print(f"SAVED {n}", flush=True)
"""


def kill_after_typing(script_text: str, store, folder: Path, stored, *args,
                      cap: float = 60.0) -> None:
    """Run `script_text` (an app driven by keys that prints TYPED once it has typed, then
    waits, never told to save) on `store`, with `args` after the store on its command line.
    Once the store holds what was typed (`stored(session)` true, read from this process
    every 0.1 s), SIGKILL it: no clean-up runs, so what the store holds afterwards is what
    the app had saved as it was typed, and the caller checks the kill lost or half-wrote
    none of it. Waiting for the store, not a fixed time: a busy machine's autosave (a timer,
    then a write that may wait for a lock) once took longer than the 2.5 s this slept.
    Fails, saying so, if it never does (within `cap` seconds) or the app ends by itself;
    and with the app's stderr if it never says TYPED within `cap` seconds either."""
    from cintui.store.engine import open_store

    script = folder / "crash.py"
    script.write_text(script_text)
    reader = open_store(store, None)  # once, before the app opens it (a poll only reads)
    held = False
    try:
        # `with`: its pipes are closed when it ends (left open, each was an unclosed file
        # that the garbage collector found later, a ResourceWarning in some other test).
        with subprocess.Popen([sys.executable, str(script), str(store), *map(str, args)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}) as proc:
            try:
                line = line_within(proc, cap, waiting_for="TYPED, once the app has typed")
                assert line.strip() == "TYPED", proc.stderr.read()
                held = _until_stored(reader, stored, proc, cap)
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
            finally:
                if proc.poll() is None:
                    proc.kill()
            said = proc.stderr.read()[-2000:]
    finally:
        reader.close()
    ended = "" if proc.returncode == -signal.SIGKILL else f", the app ended ({proc.returncode})"
    assert held, f"what was typed never reached the store (in {cap:.0f} s{ended}): {said}"
    assert proc.returncode == -signal.SIGKILL, said


def _until_stored(reader, stored, proc: subprocess.Popen, cap: float) -> bool:
    """Whether `stored` came to hold on the store, polled while the app still runs."""
    deadline = time.monotonic() + cap
    while True:
        with reader.read() as session:
            if stored(session):
                return True
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.1)


@dataclass
class Tally:
    kills: int = 0
    runs: Counter = field(default_factory=Counter)
    confirmed: set = field(default_factory=set)  # person names said to be added
    imports_confirmed: set = field(default_factory=set)  # import batches said to be done
    imports_tried: set = field(default_factory=set)
    draft_confirmed: int = -1
    lost: list = field(default_factory=list)
    duplicates: int = 0
    # (batch, children in before, after the same command again, what it said): an import
    # killed between its batches, on a busy machine where 5 rows take more than one batch.
    resumed_imports: list = field(default_factory=list)
    checks: list = field(default_factory=list)


class Crasher:
    """An encrypted demo store in `folder` and the processes that write to it."""

    def __init__(self, folder: Path, seed: int = 7) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.random = random.Random(seed)
        self.db = folder / "crash.db"
        secret = folder / "passphrase"
        secret.write_text(PASSPHRASE + "\n")
        secret.chmod(0o600)
        self.env = {**os.environ, "CINTUI_PASSPHRASE_FILE": str(secret),
                    "CINTUI_CONFIG_DIR": str(folder / "config"),
                    "CINTUI_DATA_DIR": str(folder / "data"), "CINTUI_TODAY": TODAY,
                    "LOGNAME": "crash.tester", "PYTHONPATH": str(ROOT),
                    "PYTHONUNBUFFERED": "1"}  # each line said as it is printed
        for var in ("CINTUI_DB", "CINTUI_DATABASE_URL", "CINTUI_PASSPHRASE", "CINTUI_USER"):
            self.env.pop(var, None)
        done = self.cintui("demo", "--children", "6", "--seed", "7", "--today", TODAY)
        assert done.returncode == 0, done.stderr
        refs = json.loads(self.cintui("child", "list", "--json").stdout)
        self.children = [c["reference"] for c in refs if c.get("status") != "closed"][:3] \
            or [c["reference"] for c in refs][:3]
        workers = json.loads(self.cintui("worker", "list", "--json").stdout)
        worker = next(w for w in workers if w["role"] == "social_worker")
        self.worker = worker["name"]
        # The team's social worker does the writes and the imports: an import before anyone
        # has said who they are, as the login (no worker here), is refused.
        self.env["CINTUI_USER"] = worker["username"]
        self.serial = 0
        self.tally = Tally()
        self.import_time = 3.0
        self.one("import", kill=False)  # how long an import takes here, to aim the kills

    def cintui(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cintui", *args, "--db", str(self.db)],
                              capture_output=True, text=True, env=self.env, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    # -------------------------------------------------------------- the writers

    def _writes(self) -> list[str]:
        """Person records added to each child in turn, one write each, by `cintui each`."""
        self.serial += 1
        refs = self.folder / "refs.txt"
        refs.write_text("\n".join(self.children) + "\n")
        return ["each", "--file", str(refs), "--", "person", "add", "{}", "--name",
                f"Crash Person {self.serial}", "--relationship", "Aunt"]

    def _import(self) -> list[str]:
        """A caseload file of 5 new children (their references unique to this run)."""
        self.serial += 1
        batch = f"K{self.serial:05d}"
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["Person ID", "Forename", "Surname", "Date of Birth", "Gender",
                         "Ethnicity", "Primary Need Code", "Allocated Worker",
                         "Referral Date"])
        for i in range(5):
            writer.writerow([f"{batch}{i}", "Crash", f"Child {batch}{i}", "04/05/2018",
                             "Female", "WBRI", "N1", self.worker, "02/11/2026"])
        path = self.folder / f"{batch}.csv"
        path.write_text(out.getvalue())
        self.tally.imports_tried.add(batch)
        return ["import", "caseload", str(path)]

    def _draft(self) -> list[str]:
        return ["-c", DRAFT_SAVER, str(self.db), self.children[0],
                str(self.tally.draft_confirmed + 1)]

    def one(self, kind: str, kill: bool = True) -> None:
        """Start a writer of `kind` (writes, import, draft), kill it at a random moment
        (or let it finish), and note what it said it had done."""
        if kind == "draft":
            argv = [sys.executable, *self._draft()]
        else:
            argv = [sys.executable, "-m", "cintui",
                    *(self._writes() if kind == "writes" else self._import()),
                    "--db", str(self.db)]
        batch = argv[-3].rsplit("/", 1)[-1].removesuffix(".csv") if kind == "import" else ""
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=self.env, text=True)
        said: list[str] = []
        started = time.monotonic()
        if kill:
            # Start-up (the key derivation) is most of a run: a kill is aimed at the writes,
            # a random moment after the first write was said to be done (before, during and
            # after the commits that follow); an import, within the time one takes.
            if kind == "import":
                time.sleep(self.random.uniform(0.4, 1.1) * self.import_time)
            else:
                while line := line_within(proc, 120, waiting_for="the first write said done"):
                    said.append(line)
                    if line.startswith(("Added ", "SAVED ")):
                        break
                time.sleep(self.random.uniform(0.0, 0.4))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                self.tally.kills += 1
        out, err = proc.communicate(timeout=300)
        out = "".join(said) + out
        if kind == "import" and not kill and proc.returncode == 0:
            self.import_time = time.monotonic() - started
        self.tally.runs[kind] += 1
        if kind == "writes":
            name = argv[argv.index("--name") + 1]
            for line in out.splitlines():
                if line.startswith("Added "):
                    child = line.rstrip(".").rsplit(" to ", 1)[-1].split("'")[0]
                    self.tally.confirmed.add((child, name))
        elif kind == "import" and proc.returncode == 0:
            self.tally.imports_confirmed.add(batch)
        elif kind == "draft":
            saved = [int(line.split()[1]) for line in out.splitlines()
                     if line.startswith("SAVED ")]
            if saved:
                self.tally.draft_confirmed = max(self.tally.draft_confirmed, max(saved))

    # -------------------------------------------------------------- the checks

    def check(self) -> Tally:
        """Everything said to be done is there, imports are whole, and the store is sound."""
        t = self.tally
        people = Counter()
        for child in self.children:
            listed = json.loads(self.cintui("person", "list", child, "--json").stdout)
            for person in listed:
                if person["name"].startswith("Crash Person"):
                    people[(child, person["name"])] += 1
        t.lost = [w for w in t.confirmed if people[w] == 0]
        t.duplicates = sum(n - 1 for n in people.values() if n > 1)
        kids = json.loads(self.cintui("child", "list", "--json").stdout)
        refs = Counter(c["reference"][:6] for c in kids if c["reference"].startswith("K"))
        for batch in sorted(t.imports_tried):
            n = refs.get(batch, 0)
            if batch in t.imports_confirmed and n != 5:
                t.lost.append(("import", batch))
            if n not in (0, 5):
                again = self.cintui("import", "caseload", str(self.folder / f"{batch}.csv"))
                after = sum(1 for c in json.loads(self.cintui("child", "list", "--json").stdout)
                            if c["reference"].startswith(batch))
                t.resumed_imports.append((batch, n, after, (again.stdout + again.stderr)
                                          .strip()[:200]))
        if t.draft_confirmed >= 0:
            n = self.draft_version()
            if n is None or n < t.draft_confirmed:
                t.lost.append(("draft", t.draft_confirmed, n))
        done = self.cintui("db", "check")
        t.checks.append((done.returncode, (done.stdout + done.stderr).strip()[:300]))
        return t

    def draft_version(self) -> int | None:
        code = ("import sys, json\nfrom cintui.casework import drafts\nfrom cintui.store import"
                " access, models as m\nfrom cintui.store.engine import open_store\nfrom sqlmodel"
                " import select\nstore = open_store(sys.argv[1], access.env_passphrase())\nwith "
                "store.read() as s:\n    c = s.exec(select(m.Child).where(m.Child.reference == "
                "sys.argv[2])).one()\n    d = drafts.for_child(s, c.id, 'visit')\n    print(d[0]."
                "payload['n'] if d else -1)\n")
        done = subprocess.run([sys.executable, "-c", code, str(self.db), self.children[0]],
                              capture_output=True, text=True, env=self.env, timeout=300)
        try:
            return int(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None


def run(folder: Path, kills: int, seed: int = 7, progress=None) -> Tally:
    """`kills` SIGKILLs spread over the three writers, then the checks."""
    crasher = Crasher(folder, seed)
    kinds = ["writes", "import", "draft"]
    i = 0
    while crasher.tally.kills < kills:
        crasher.one(kinds[i % 3])
        i += 1
        if progress and i % 20 == 0:
            progress(crasher.tally)
    return crasher.check()
