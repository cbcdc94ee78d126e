"""A command loads only what it uses: `cintui --help` lists every command from the table in
cli/main.py, and a command imports its own modules, not the store or the ORM it doesn't use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
import typer

from cintui.cli import common
from cintui.cli.main import COMMANDS
from tests.conftest import PASSPHRASE, TODAY

CLI_FOLDER = Path(common.__file__).parent
# Never needed without a store: the ORM, its migrations, the app, the document writers.
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "sqlcipher3", "textual", "docx", "fpdf",
         "cintui.store.models", "cintui.casework", "cintui.app", "cintui.export")


def loaded_by(*args: str) -> tuple[set[str], str]:
    """The modules `cintui ARGS` (a process of its own, through the console script's entry)
    has imported when it ends, and what it printed."""
    code = ("import json, sys\nsys.argv = ['cintui', *sys.argv[1:]]\n"
            "from cintui.__main__ import main\ntry:\n    main()\n"
            "finally:\n    print('MODULES', json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode in (0, 2), done.stderr
    out, _, modules = done.stdout.rpartition("MODULES ")
    return set(json.loads(modules)), out + done.stderr


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY)}


def test_the_table_lists_every_group_module_and_every_command_they_define():
    """A module in cli/ that the table forgets would never load; a name it lists must be
    there, with the line `--help` shows taken from the command's own help."""
    modules = {p.stem for p in CLI_FOLDER.glob("*.py")} - {"__init__", "common", "main",
                                                           "table", "ahead"}
    assert modules == {m for entry in COMMANDS.values() for m in entry[1:]}
    for module in sorted(modules):
        import_module(f"cintui.cli.{module}")
    group = typer.main.get_group(common.app)
    assert list(group.commands) and set(group.commands) == set(COMMANDS)
    defined_in: dict[str, set[str]] = {}
    for info in common.app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        defined_in.setdefault(name, set()).add(info.callback.__module__)
    for info in common.app.registered_groups:
        for sub in info.typer_instance.registered_commands:
            defined_in.setdefault(info.name, set()).add(sub.callback.__module__)
    for name, (short_help, *where) in COMMANDS.items():
        assert defined_in[name] == {f"cintui.cli.{m}" for m in where}, name
        own_help = " ".join((group.commands[name].help or "").split())
        assert own_help.startswith(short_help.rstrip(".")), name


def _every_command():
    """(words, command) for every command a user can run (hidden ones left out)."""
    from cintui.cli.main import cli

    root = typer.main.get_command(cli)
    stack = [((), root, root.context_class(root, info_name="cintui"))]
    while stack:
        words, command, ctx = stack.pop()
        if not hasattr(command, "list_commands"):
            yield words, command
            continue
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                stack.append(((*words, name), sub, sub.context_class(sub, info_name=name,
                                                                     parent=ctx)))


def test_every_option_that_takes_a_value_says_what_it_takes():
    """`cintui visit record --help` listed `--health <str>` with nothing beside it (which
    heading of the record?), `cintui demo --help` `--seed <int>`, `person add` `--phone
    <str>` (what form of number?): every option given a value says what it is for."""
    bare = [f"cintui {' '.join(words)} {param.opts[0]}"
            for words, command in _every_command() for param in command.params
            if param.param_type_name == "option" and not param.hidden
            and not param.is_flag and not (param.help or "").strip()]
    assert bare == []


def test_help_lists_every_command_without_importing_any():
    modules, out = loaded_by("--help")
    for name, (short_help, *_) in COMMANDS.items():
        assert f"  {name} " in out and short_help in " ".join(out.split())
    assert not {m for m in modules if m.startswith("cintui.cli.")} - {
        "cintui.cli.common", "cintui.cli.main", "cintui.cli.ahead"}
    assert not heavy(modules)


@pytest.mark.parametrize("args", [
    ["deadline", TODAY.isoformat(), "--working-days", "10"],
    ["deadline", TODAY.isoformat(), "--timescale", "visit", "--policy", "wirral"],
    ["policy", "list"],
    ["policy", "show", "england"],
    ["--version"],
])
def test_commands_without_a_store_never_load_the_store(args):
    modules, out = loaded_by(*args)
    assert out.strip()
    assert not heavy(modules)
    groups = {m for m in modules if m.startswith("cintui.cli.")} - {
        "cintui.cli.common", "cintui.cli.main", "cintui.cli.table", "cintui.cli.ahead"}
    assert groups <= {f"cintui.cli.{m}" for m in COMMANDS.get(args[0], ("", ))[1:]}


def test_a_deadline_in_plain_units_needs_no_policy_profile():
    """`deadline FROM --working-days N` counts on the calendar alone (DOMAIN.md §6), without
    building the policy profiles' classes; Christmas and the substitute Boxing Day of 2026
    are skipped."""
    modules, out = loaded_by("deadline", "2026-12-21", "--working-days", "5")
    assert out.strip() == "2026-12-30"
    assert not {"cintui.domain.policy", "cintui.domain.timescales"} & modules


def test_a_mistyped_command_is_one_line_with_a_suggestion(cli):
    result = cli("chidl", "list")
    assert result.code == 2
    assert result.err.strip() == "cintui: No such command 'chidl'. Did you mean 'child'?"


def test_a_command_inside_a_group_typed_alone_names_the_group(cli):
    """`cintui census` (what a census lead types) was "No such command 'census'." and no
    more: the census return and its completeness are `export census` and `report census`."""
    result = cli("census")
    assert result.code == 2
    assert result.err.strip() == ("cintui: No such command 'census'. Did you mean "
                                  "'export census', 'report census'?")
    assert "'close letters'" in cli("letters").err
    assert cli("zzz").err.strip() == "cintui: No such command 'zzz'."
    # Typed with nothing before it, `child consent` was offered as 'close' alone (WAR 4.2:
    # the consent a closure needs recorded first).
    assert cli("consent").err.strip() == ("cintui: No such command 'consent'. Did you mean "
                                          "'child consent', 'close'?")


def orm(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel", "alembic")
            or m in ("cintui.store.models", "cintui.casework.cases")}


@pytest.mark.parametrize("args", [["due", "--json"], ["child", "list", "--json"],
                                  ["child", "show", "DEMO00001", "--json"],
                                  ["plan", "show", "DEMO00001", "--json"],
                                  ["decision", "list", "DEMO00001", "--json"],
                                  ["child", "episodes", "DEMO00001", "--json"],
                                  ["transfer", "status", "DEMO00001", "--json"]])
def test_reads_go_through_the_light_reader_without_the_orm(sqlite_demo_store, args):
    modules, out = loaded_by(*args, "--db", str(sqlite_demo_store), "--today", TODAY.isoformat())
    assert isinstance(json.loads(out), list | dict)
    assert not orm(modules)
    assert not {m for m in modules if m.split(".")[0] in ("textual", "docx", "fpdf")}


def test_due_loads_no_plan_rules(sqlite_demo_store):
    """`due` reads each plan's dates with its queries, not the plan rules (`domain.plan`,
    ~3 ms of its start: a caseload flag's words once loaded them for every `due`)."""
    modules, out = loaded_by("due", "--json", "--db", str(sqlite_demo_store), "--today",
                             TODAY.isoformat())
    assert json.loads(out)["counts"]
    assert "cintui.domain.plan" not in modules


@pytest.mark.parametrize("args", [["due", "--json"], ["plan", "show", "DEMO00001"]])
def test_reading_a_timescale_builds_no_dataclass_for_the_policy(sqlite_demo_store, args):
    """The policy's rules and profile are Records: as frozen dataclasses they compiled their
    generated methods each time `due` or `plan show` started (~3 ms). `Timescale` stays one
    (plan documents write it out by its fields)."""
    code = ("import dataclasses, sys\nsys.argv = ['cintui', *sys.argv[1:]]\nbuilt = []\n"
            "make = dataclasses._process_class\n"
            "def counted(cls, *a, **k):\n    built.append(f'{cls.__module__}.{cls.__name__}')\n"
            "    return make(cls, *a, **k)\n"
            "dataclasses._process_class = counted\n"
            "from cintui.__main__ import main\ntry:\n    main()\n"
            "finally:\n    print('BUILT', ' '.join(built))")
    done = subprocess.run([sys.executable, "-c", code, *args, "--db", str(sqlite_demo_store),
                           "--today", TODAY.isoformat()],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    out, _, built = done.stdout.rpartition("BUILT ")
    assert done.returncode == 0, done.stderr
    assert "Due for" in out or '"counts"' in out or "plan version" in out
    assert "cintui.domain.policy.Timescale" in built.split()  # the hook saw the module load
    assert {b for b in built.split() if b.startswith("cintui.domain.policy.")} == {
        "cintui.domain.policy.Timescale"}


def test_a_command_still_collects_its_own_garbage(sqlite_demo_store):
    """The command line loads with the collector paused (what it loads lives as long as the
    process), and turns it back on before the command runs: an export or import of
    thousands of children makes cycles (the ORM's), which must not pile up to the end."""
    code = ("import gc, sys\nsys.argv = ['cintui', *sys.argv[1:]]\n"
            "from cintui.__main__ import main\ntry:\n    main()\n"
            "finally:\n    print('GC', gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code, "due", "--json", "--db",
                           str(sqlite_demo_store), "--today", TODAY.isoformat()],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    out, _, collecting = done.stdout.rpartition("GC ")
    assert done.returncode == 0 and json.loads(out)["counts"]
    assert collecting.strip() == "True"


def test_reading_a_plan_loads_no_minuting_rules(sqlite_demo_store):
    """`plan show` says whether a final meeting ended the plan (WIR 3) without loading the
    minuting rules (`domain.meeting`: ~6 ms of a 0.1 s command, 1.07x paired)."""
    modules, out = loaded_by("plan", "show", "DEMO00001", "--db", str(sqlite_demo_store),
                             "--today", TODAY.isoformat())
    assert "plan version" in out
    assert "cintui.domain.meeting" not in modules


@pytest.mark.parametrize("args", [["child", "show", "DEMO00001"], ["plan", "show", "DEMO00001"],
                                  ["child", "list"], ["policy", "show", "england"]])
def test_tables_printed_to_a_pipe_need_no_rich(sqlite_demo_store, args):
    """A script reading a table from a pipe gets the same text a terminal shows, without
    the ~30 ms of importing Rich (cli/table.py)."""
    store = [] if args[0] == "policy" else ["--db", str(sqlite_demo_store), "--today",
                                            TODAY.isoformat()]
    modules, out = loaded_by(*args, *store)
    assert "┏" in out and "└" in out and "\x1b" not in out
    # rich.cells (measuring wide characters, ~1 ms) is all of Rich it may load.
    assert not {m for m in modules if m.split(".")[0] == "rich"} - {
        "rich", "rich.cells", "rich._extension"} - {m for m in modules
                                                     if m.startswith("rich._unicode_data")}


def test_errors_of_a_light_read_are_one_line_without_importing_the_orm(sqlite_demo_store):
    for args in (["due", "--worker", "nobody.at.all"], ["child", "show", "Nobody Atall"],
                 ["plan", "show", "DEMO00001", "--version", "99"]):
        modules, out = loaded_by(*args, "--db", str(sqlite_demo_store))
        assert out.strip().startswith("cintui: ") and len(out.strip().splitlines()) == 1
        assert not orm(modules)


def test_an_encrypted_store_is_keyed_once_per_command(cli, encrypted_demo_store, monkeypatch):
    """The passphrase's key derivation (~0.1 s each time) runs once a command: one keyed
    connection, for a read through the light reader, a read through the store, a write."""
    import sqlcipher3
    from sqlcipher3 import dbapi2

    keyed = []

    def connect(*args, **kwargs):
        keyed.append(args)
        return real(*args, **kwargs)

    real = dbapi2.connect
    monkeypatch.setattr(dbapi2, "connect", connect)
    monkeypatch.setattr(sqlcipher3, "connect", connect)
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    listed = cli("child", "list", "--json", "--open", "--db", encrypted_demo_store)
    ref = json.loads(listed.out)[0]["reference"]
    for args in (["transfer", "status", ref], ["decision", "add", ref, "--kind", "other",
                 "--decision", "Carry on", "--rationale", "Going well"]):
        assert cli(*args, "--db", encrypted_demo_store).code == 0
    assert len(keyed) == 3


def test_cintui_starts_keying_an_encrypted_store_before_typer_loads(encrypted_demo_store):
    """`cintui child list` (the console script's own entry) starts the key derivation on a
    thread before it imports Typer and the command line (~30 ms sooner), and still keys the
    store once: the command's own open takes that reader."""
    code = """import json, sys, threading
import sqlcipher3
from sqlcipher3 import dbapi2
keyed, started = [], []
real_connect, real_start = dbapi2.connect, threading.Thread.start
def connect(*args, **kwargs):
    keyed.append(1)
    return real_connect(*args, **kwargs)
def start(thread):
    started.append((thread.name, "typer" in sys.modules))
    return real_start(thread)
dbapi2.connect = sqlcipher3.connect = connect
threading.Thread.start = start
sys.argv = ["cintui", *sys.argv[1:]]
from cintui.__main__ import main
try:
    main()
finally:
    print("SEEN", json.dumps([len(keyed), started]))
"""
    done = subprocess.run([sys.executable, "-c", code, "child", "list", "--json", "--db",
                           str(encrypted_demo_store)], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL,
                          env={**os.environ, "CINTUI_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    out, _, seen = done.stdout.rpartition("SEEN ")
    assert json.loads(out)[0]["reference"].startswith("DEMO")
    keyed, started = json.loads(seen)
    assert keyed == 1
    assert ["open-reader", False] in started  # before Typer was imported


# ------------------------------------------------------------------ option values

LIGHT_SAMPLES = {
    "str": ["abc", "", "DEMO00001", "  spaced  ", "élan", "a\udcffb"],  # undecodable byte
    "bool": [True, False],
    "int": ["12", "-3", "+4", "007", "0", "1", "100000", "100001", "260", "261", "abc", "1.5",
            " 5", "1_000", "", "9" * 30],
    "Path": ["out.csv", "/", ".", "no/such/folder/file.pdf", "a\udcffb.csv"],
    "list[str]": [("a", "b"), ["x"], "one"],
}


def _sample_kind(annotation) -> str:
    return getattr(annotation, "__name__", None) if isinstance(annotation, type) else str(
        annotation)


def _outcome(runtime, value, param, ctx):
    try:
        return ("value", runtime.coerce(value, param=param, ctx=ctx))
    except typer.BadParameter as exc:
        return ("error", exc.format_message())


def test_option_values_are_what_typer_itself_makes_of_them(tmp_path, monkeypatch):
    """Every option and argument of every command, given typical and bad text: the light
    conversion (no pydantic) gives Typer's own value, or Typer's own error message."""
    import typer.core

    monkeypatch.chdir(tmp_path)
    for module in {m for entry in COMMANDS.values() for m in entry[1:]}:
        import_module(f"cintui.cli.{module}")
    light = typer.core.build_runtime_param
    typers = light.typers
    commands: list = []

    def walk(command) -> None:
        commands.append(command)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_group(common.app))
    checked = 0
    for command in commands:
        ctx = typer.Context(command)
        for param in command.params:
            desc = param.type_descriptor
            for value in LIGHT_SAMPLES.get(_sample_kind(desc.annotation), []):
                got = _outcome(light(desc), value, param, ctx)
                want = _outcome(typers(desc), value, param, ctx)
                assert got == want, (command.name, param.name, value)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("args", [["deadline", TODAY.isoformat(), "--working-days", "10"],
                                  ["policy", "show", "england", "--json"]])
def test_plain_option_values_never_load_pydantic(args):
    modules, out = loaded_by(*args)
    assert out.strip()
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")}


def test_a_bad_option_value_is_still_typers_one_line(cli):
    result = cli("deadline", TODAY.isoformat(), "--working-days", "ten")
    assert result.code == 2
    assert result.err.strip() == ("cintui: Invalid value for '--working-days': Input should "
                                  "be a valid integer, unable to parse string as an integer")


def test_a_command_group_builds_only_the_command_that_runs():
    """`cintui child list` reads the options of `child list`, not of the group's other forty
    commands; the group's help still lists them all, in their order."""
    from cintui.cli.main import _built

    for module in COMMANDS["child"][1:]:  # all of the group's modules, whatever ran before
        import_module(f"cintui.cli.{module}")
    group = _built(common.app, "child")
    assert "list" in group.commands and len(group.commands) > 5
    assert group.commands._made == {}  # nothing built yet
    assert group.get_command(typer.Context(group), "list").name == "list"
    assert set(group.commands._made) == {"list"}
    full = typer.main.get_group(common.app).commands["child"]
    assert list(group.commands) == list(full.commands)


def test_an_encrypted_light_read_is_opened_ahead_and_refuses_a_wrong_passphrase(
        encrypted_demo_store, monkeypatch):
    """A light read of an encrypted store, its reader keyed on a thread while the command
    starts (tests/store/test_fast.py checks it is the reader handed out), reads as before; a
    wrong passphrase is still one line."""
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    modules, out = loaded_by("child", "list", "--json", "--db", str(encrypted_demo_store))
    assert json.loads(out)
    monkeypatch.setenv("CINTUI_PASSPHRASE", "not the passphrase")
    modules, out = loaded_by("due", "--json", "--db", str(encrypted_demo_store))
    assert out.strip() == f"cintui: wrong passphrase or damaged file: {encrypted_demo_store}"
