"""The fuzzing harness (issue "Trust", Done when): every command of the `cintui` command
line, and every option it has, read from the Typer app itself (cli/main.py's COMMANDS and
the modules they load), so a command added tomorrow is fuzzed without anyone listing it;
damaged caseload files and transfer packs; each run in this process against a copy of a
small plain demo store (synthetic people).

What a run must never show (`problems`): a traceback, "internal error", a refused command
(exit code not 0) that changed the store or the audit head kept outside it, a refusal that
is not one line of plain words under 300 characters (no Python type names).

Used by tests/cli/test_fuzz_cli.py (few examples, derandomised, in the suite) and by
bench/fuzz_cli.py (thousands, `CINTUI_FUZZ_EXAMPLES`).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import typer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from cintui.cli.main import COMMANDS, cli, run

TODAY = "2026-11-23"  # a fixed Monday, as tests/conftest.py's TODAY
SAMPLES = Path(__file__).resolve().parent / "samples"


def fuzz_settings(examples: int) -> settings:
    """`examples` per test in the suite, derandomised (the same cases every run, so a
    failure in CI is a failure on your machine); `CINTUI_FUZZ_EXAMPLES=N` for more, with a
    fresh seed each run (bench/fuzz_cli.py)."""
    more = int(os.environ.get("CINTUI_FUZZ_EXAMPLES") or 0)
    return settings(max_examples=more or examples, derandomize=not more, deadline=None,
                    database=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))


# ------------------------------------------------------------------ the commands


@dataclass(frozen=True)
class Leaf:
    """One command a user can run: its words (`child add`) and its parameters."""

    words: tuple[str, ...]
    params: tuple

    @property
    def name(self) -> str:
        return " ".join(self.words)


def leaves() -> list[Leaf]:
    """Every command, from the table in cli/main.py and the modules it names."""
    for entry in COMMANDS.values():
        for module in entry[1:]:
            import_module(f"cintui.cli.{module}")
    root = typer.main.get_command(cli)
    found: list[Leaf] = []

    def walk(command, words: tuple[str, ...]) -> None:
        if hasattr(command, "commands"):
            names = command.list_commands(None) if not words else list(command.commands)
            for name in names:
                sub = command.get_command(None, name) if not words else command.commands[name]
                walk(sub, (*words, name))
        else:
            found.append(Leaf(words, tuple(command.params)))

    walk(root, ())
    return found


def is_option(param) -> bool:
    return type(param).__name__.endswith("Option")


def annotation(param) -> str:
    ann = param.type_descriptor.annotation
    return getattr(ann, "__name__", str(ann))


# ------------------------------------------------------------------ the world


def scratch(fallback: Path) -> Path:
    """A folder in memory (/dev/shm) where there is one: each case copies a store and the
    store syncs every commit to disk; in memory that costs nothing. Else `fallback`."""
    import tempfile

    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="cintui-fuzz-", dir=shm))
    return fallback


@dataclass
class World:
    """A scratch folder: a pristine plain demo store and its audit head, a copy of both for
    each case, and the files options may be given (good, damaged, missing, folders)."""

    folder: Path
    store: Path = field(init=False)
    pristine: Path = field(init=False)
    children: list[str] = field(default_factory=list)
    open_children: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    caseload: bytes = b""
    pack: dict = field(default_factory=dict)
    clean: str = ""
    heads: bytes = b""
    heads_file: Path | None = None

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.pristine = self.folder / "pristine.db"
        self.store = self.folder / "store.db"
        saved = {var: os.environ.get(var) for var in self.env()}
        self.enter()
        try:
            self._build()
        finally:
            for var, value in saved.items():
                if value is None:
                    os.environ.pop(var, None)
                else:
                    os.environ[var] = value

    def env(self) -> dict[str, str]:
        """The world's own config folder (its audit heads), data folder, user and today."""
        return {"CINTUI_CONFIG_DIR": str(self.folder / "config"),
                "CINTUI_DATA_DIR": str(self.folder / "data"), "CINTUI_TODAY": TODAY,
                "LOGNAME": "fuzz.tester", "CINTUI_PASSPHRASE_FILE": "",
                "CINTUI_DB": str(self.folder / "default.db")}

    def enter(self) -> None:
        """Run what follows in this world (its folders, user and today; a file named by a
        relative path lands in its own working folder, never where the tests were started)."""
        global WORKDIR
        WORKDIR = self.folder / "cwd"
        WORKDIR.mkdir(parents=True, exist_ok=True)
        os.environ.update(self.env())
        for var in ("CINTUI_DATABASE_URL", "CINTUI_PASSPHRASE"):
            os.environ.pop(var, None)

    def _build(self) -> None:
        done = call("demo", "--children", "10", "--seed", "7", "--today", TODAY, "--db",
                    str(self.pristine), "--no-encrypt")
        assert done.code == 0, done.err
        db = ("--db", str(self.pristine))
        kids = json.loads(call("child", "list", "--json", *db).out)
        self.children = [c["reference"] for c in kids]
        self.open_children = [c["reference"] for c in kids if c.get("status") != "closed"]
        self.names = [c["name"] for c in kids if c.get("name")]
        self.workers = [w["username"] for w in json.loads(call("worker", "list", "--json",
                                                               *db).out)]
        self.teams = [t["name"] for t in json.loads(call("team", "list", "--json", *db).out)]
        for child in self.children[:4]:
            listed = json.loads(call("meeting", "list", child, "--json", *db).out)
            self.meetings += [m["id"] for m in listed]
        # The caseload samples' worker, so that a good file imports.
        done = call("worker", "add", "wendy.worker", "--name", "Wendy Worker", "--role",
                    "social worker", "--team", self.teams[0], *db)
        assert done.code == 0, done.err
        # A transfer pack of a child being transferred (recorded, decided), then the store
        # as it was: the pack is the one input the import must take back.
        self.heads_file = self.folder / "config" / "audit-heads.json"
        self.heads = self.heads_file.read_bytes()
        self._pack()
        self._files()
        self.heads_file.write_bytes(self.heads)  # the pack's store wrote its own head
        self.clean = fingerprint(self.pristine)

    def _pack(self) -> None:
        scratch = self.folder / "sending.db"
        shutil.copy(self.pristine, scratch)
        db = ("--db", str(scratch))
        child = self.children[0]
        manager = next(w for w in self.workers if "felix" in w or "morgan" in w)
        for args in (("transfer", "record", child, "--to", "Exampleshire County Council",
                      "--contact", "Duty desk", "--move-date", "2026-11-16", "--consent",
                      "given", "--on", "2026-11-16"),
                     ("transfer", "decide", child, "--approve", "--rationale", "Moved",
                      "--by", manager, "--on", "2026-11-17"),
                     ("export", "transfer-pack", child, "-o", str(self.folder / "pack"))):
            done = call(*args, *db)
            assert done.code == 0, (args, done.err)
        self.pack = json.loads((self.folder / "pack" / "transfer-pack.json").read_text())

    def _files(self) -> None:
        f = self.folder
        self.caseload = (SAMPLES / "caseload_mosaic.csv").read_bytes()
        (f / "caseload.csv").write_bytes(self.caseload)
        (f / "empty.csv").write_bytes(b"")
        (f / "binary.bin").write_bytes(bytes(range(256)) * 4)
        (f / "refs.txt").write_text("\n".join(self.children[:3]) + "\n# end\n")
        (f / "assessment.md").write_text("# Developmental needs\nSleeps well.\n")
        (f / "mapping.toml").write_bytes((SAMPLES / "lcs_mapping.toml").read_bytes())
        (f / "bad.toml").write_text("[[[ not toml\n")
        (f / "password").write_text("a long enough password 123\n")
        (f / "password").chmod(0o600)
        (f / "out").mkdir(exist_ok=True)
        self.inputs = [str(f / n) for n in ("caseload.csv", "empty.csv", "binary.bin",
                                            "refs.txt", "assessment.md", "mapping.toml",
                                            "bad.toml", "password", "pack", "nowhere.csv")]
        self.inputs += [str(f), str(f / "pack" / "transfer-pack.json"), "", "/dev/null",
                        str(self.store)]
        self.outputs = [str(f / "out" / n) for n in ("a.pdf", "b.docx", "c.md", "d.json",
                                                     "e.xml", "f.csv", "g", "h.db")]
        self.outputs += [str(f / "missing" / "x.pdf"), "/proc/cintui-nope.pdf", str(f / "out"),
                         "", str(self.pristine)]

    def fresh(self) -> Path:
        """The store as the demo left it, and its audit head: each case starts from it."""
        self.enter()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.store}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.pristine, self.store)
        assert self.heads_file is not None
        self.heads_file.write_bytes(self.heads)
        for extra in ("new.db", "new.db-wal", "new.db-shm", "default.db"):
            (self.folder / extra).unlink(missing_ok=True)
        for made in (self.folder / "out", self.folder / "cwd"):
            shutil.rmtree(made, ignore_errors=True)
            made.mkdir()
        return self.store


def fingerprint(store: Path) -> str:
    """Everything on a plain SQLite store, row by row, and the audit heads kept outside it:
    the same for two stores that hold the same."""
    digest = hashlib.sha256()
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            rows = sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"')))
            digest.update(repr((table, rows)).encode())
    finally:
        conn.close()
    heads = store.parent / "config" / "audit-heads.json"
    digest.update(heads.read_bytes() if heads.exists() else b"-")
    return digest.hexdigest()


# ------------------------------------------------------------------ running a command


@dataclass
class Outcome:
    args: list[str]
    code: int
    out: str
    err: str


WORKDIR: Path | None = None  # where a command runs (World.enter)
LAST = Outcome([], 0, "", "")  # the last command `call` ran, for the tests' messages


def _no_terminal(*args, **kwargs):
    raise EOFError("no terminal")


def call(*args: str) -> Outcome:
    """`cintui ARGS` in this process, with no terminal (nothing typed in answer)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    saved_stdin, saved_getpass = sys.stdin, getpass.getpass
    sys.stdin, getpass.getpass = io.StringIO(""), _no_terminal
    saved_cwd = os.getcwd()
    if WORKDIR is not None:
        os.chdir(WORKDIR)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                run(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(saved_cwd)
        sys.stdin, getpass.getpass = saved_stdin, saved_getpass
    global LAST
    LAST = Outcome(list(args), code, out.getvalue(), err.getvalue())
    return LAST


# Words that show Python, not plain English, leaking into a message.
PYTHON = re.compile(
    r"Traceback|internal error|NoneType|object is not|object has no attribute|"
    r"not supported between|unhashable type|invalid literal for|\bKeyError\b|"
    r"\bTypeError\b|\bValueError\b|\bAttributeError\b|\bIndexError\b|\bOverflowError\b|"
    r"\bRecursionError\b|<class '|\[Errno \d+\]|\bdict\b|\blist index\b|\bstr\b'|"
    r"Expecting value|Expecting property name|codec can't decode|\bsqlite3?\.|"
    r"sqlalchemy|\(Background on this error")
LIMIT = 300


def problems(outcome: Outcome, changed: bool) -> list[str]:
    """What is wrong with how a command ended, in words (nothing: all is well)."""
    found = []
    said = outcome.out + outcome.err
    if "Traceback" in said or "internal error" in said:
        found.append("a traceback or internal error")
    if outcome.code not in (0, 1, 2):
        found.append(f"exit code {outcome.code}")
    if outcome.code != 0:
        if changed and not (outcome.args and _each_in(outcome.args) and outcome.code == 1):
            found.append("refused, yet the store changed")
        message = outcome.err.strip() or outcome.out.strip()
        lines = [line for line in message.splitlines() if line.strip()]
        if not lines:
            found.append("refused without a word")
        if len(lines) > 1 and not _each_in(outcome.args) and not _reports(outcome):
            found.append(f"{len(lines)} lines")
        for line in lines if _each_in(outcome.args) or _reports(outcome) else lines[:1]:
            if len(line) >= LIMIT:
                found.append(f"a line of {len(line)} characters")
            if (python := PYTHON.search(line)) is not None:
                found.append(f"Python in the message ({python.group(0)!r})")
    return found


def _each_in(args: list[str]) -> bool:
    return "each" in args[:3]


def _reports(outcome: Outcome) -> bool:
    """`db check`, `audit verify` and `plan check` that find problems print them, a line
    each, exit 1; a
    caseload file refused lists each problem on a line (its line, its column, why), then
    one line saying nothing was imported."""
    return (outcome.code == 1 and _words_in(outcome.args, ("db", "check"), ("audit", "verify"),
                                            ("plan", "check"))
            ) or _words_in(outcome.args, ("import", "caseload"))


def _words_in(args: list[str], *commands: tuple[str, str]) -> bool:
    return any(tuple(args[i:i + 2]) == words for words in commands for i in range(3))


# ------------------------------------------------------------------ the values


JUNK = ["", " ", "x", "yes", "no", "0", "-1", "9" * 30, "a" * 400, "\x1b]0;owned\x07",
        "\x1b[2J", "line one\nline two", "nul\x00here", "tab\there", "é😀", "None", "null",
        "'; DROP TABLE child;--", "%s%n{0}", "../../etc/passwd", "NaN", "1e9", "true",
        "--help"]
DATES = [TODAY, "2026-11-16", "23/11/2026", "2025-04-01", "0001-01-01", "9999-12-31",
         "2026-02-30", "31/02/2019", "2026-11-23 10:00", "2026-11-23T25:00", "2026-13-01",
         "20261123", "1/1/1", "2026-11-23T10:00+01:00"]
INTS = ["-1", "0", "1", "2", "3", "99999999999999999999", "-99999999999999999999", "abc", "",
        "1.5"]
WORDS = ["closure", "step_down", "transfer", "other", "given", "refused", "cin", "review",
         "initial", "continue", "close", "home", "social worker", "team manager", "pdf",
         "docx", "md", "csv", "json", "england", "wirral", "2025-26", "2026-27", "1999-00",
         "N1", "WBRI", "Female", "M", "family", "mother", "approve", "yes", "no", "NFA",
         "open", "done", "managers", "cin_plan", "statutory", "s47", "strategy"]


def _text() -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def values(param, world: World) -> st.SearchStrategy[str]:
    """Values for one parameter: from what the store holds, what it might mean, and junk."""
    name = (param.name or "").lower()
    kind = annotation(param)
    junk = st.sampled_from(JUNK)
    if kind == "Path":
        pool = world.outputs if name in ("output", "backup_to") else world.inputs
        return st.one_of(st.sampled_from(pool), junk)
    if kind == "int":
        return st.one_of(st.sampled_from(INTS), junk)
    if name in ("child", "children"):
        pool = world.children[:4] + world.names[:2] + ["DEMO99999"]
    elif name == "meeting":
        pool = world.meetings[:4] + ["0" * 32]
    elif name in ("worker", "by", "authorised_by", "chair", "coordinator", "lead", "manager",
                  "username", "to", "present", "invite", "person", "as_worker"):
        pool = world.workers + ["Wendy Worker", "nobody.here"]
    elif name in ("team",):
        pool = world.teams
    elif name in ("policy", "name", "timescale"):
        pool = ["england", "wirral", "stockton", "nope", "assessment", "visit"]
    elif name == "start" or name.startswith(("on", "date", "dob", "expected", "started",
                                             "reviewed", "decided", "held", "not_required",
                                             "target", "move", "next", "at", "today",
                                             "from", "referral_date", "when", "since")):
        pool = DATES
    else:
        pool = WORDS
    return st.one_of(st.sampled_from(pool), st.sampled_from(pool), junk, _text())


@st.composite
def arguments(draw, leaf: Leaf, world: World) -> list[str]:
    """A command line for `leaf`: its words, its arguments, some of its options (a required
    one nearly always), now and then an unknown option or the store given wrongly."""
    args: list[str] = []
    if draw(st.integers(0, 19)) == 19:  # rare branches on the largest draw (the simplest
        # case hypothesis draws is then the command as a user would plainly type it)
        args += draw(st.sampled_from([["--as", "nobody.here"], ["--as", ""], ["--no-encrypt"],
                                      ["--passphrase-file", str(world.folder / "password")],
                                      ["--passphrase-file", "/nowhere"]]))
    args += list(leaf.words)
    options: list[str] = []
    for param in leaf.params:
        if param.name == "db":
            if draw(st.integers(0, 14)) == 14:
                options += ["--db", draw(st.sampled_from(
                    ["", "/nowhere/x.db", str(world.folder), str(world.folder / "binary.bin"),
                     "postgresql+psycopg://u@127.0.0.1:1/x", "sqlite:///" + str(world.store),
                     "mysql://x", str(world.folder / "new.db")]))]
            else:
                options += ["--db", str(world.store)]
            continue
        if not is_option(param):
            count = (draw(st.integers(1, 3)) if param.nargs == -1 else 1)
            if param.required or draw(st.booleans()):
                args += [draw(values(param, world)) for _ in range(count)]
            continue
        flag = param.opts[0] if param.opts[0].startswith("--") or len(param.opts) == 1 \
            else param.opts[-1]
        if param.is_flag:
            if draw(st.integers(0, 2)) == 2:
                options.append(flag)
            continue
        wanted = draw(st.integers(0, 9)) < 9 if param.required else draw(st.booleans())
        if not wanted:
            continue
        for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
            options += [flag, draw(values(param, world))]
    if draw(st.integers(0, 24)) == 24:
        options.append(draw(st.sampled_from(["--bogus", "-z", "--", "--json=3"])))
    if leaf.words == ("each",):  # the command it runs, after --
        inner = draw(st.sampled_from([["plan", "check"], ["decision", "list", "{}"],
                                      ["child", "show"], ["each"], [], ["nope"],
                                      ["close", "told", "{}", "--on", "2026-02-30"]]))
        return args + options + ["--", *inner]
    return args + options


# ------------------------------------------------------------------ one case


@dataclass
class Tally:
    """What a long run saw: cases, how they ended, and every problem with its command."""

    cases: int = 0
    ended: Counter = field(default_factory=Counter)
    commands: Counter = field(default_factory=Counter)
    failures: list[tuple[list[str], list[str], str]] = field(default_factory=list)

    def add(self, name: str, outcome: Outcome, found: list[str]) -> None:
        self.cases += 1
        self.commands[name] += 1
        self.ended[{0: "done", 1: "exit 1", 2: "refused"}.get(outcome.code, "other")] += 1
        if found:
            self.failures.append((outcome.args, found, (outcome.err or outcome.out)[:300]))


def check_case(world: World, args: list[str], tally: Tally | None = None,
               name: str = "") -> list[str]:
    """Run `args` on a fresh copy of the store and say what is wrong (nothing: all is well)."""
    world.fresh()
    outcome = call(*args)
    changed = outcome.code != 0 and fingerprint(world.store) != world.clean
    found = problems(outcome, changed)
    if tally is not None:
        tally.add(name or " ".join(args[:2]), outcome, found)
    return found


def explain(args: list[str], found: list[str], outcome_text: str = "") -> str:
    shown = [a if len(a) < 60 else a[:40] + "…" for a in args]
    return f"cintui {' '.join(map(repr, shown))}: {'; '.join(found)} {outcome_text[:300]!r}"
