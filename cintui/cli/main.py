"""The `cintui` command line: the table of commands, the root callback, and the entry point
that turns user errors into one line and exit 2."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, MutableMapping
from difflib import get_close_matches
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from cintui import __version__
from cintui.cli.ahead import open_ahead
from cintui.cli.common import (
    EXIT_USAGE,
    LONGEST,
    CliError,
    DbOption,
    _state,
    access,
    app,
    as_typed,
    inert_output,
    usage_message,
)
from cintui.domain.text import inert

if TYPE_CHECKING:
    from typer._click import Command, HelpFormatter

# The command line's table of contents: each command `cintui --help` lists, the line it shows
# there, and the modules of cintui/cli that define it. A module is imported only when one of
# its commands runs (or shows its own help), so `cintui deadline` never loads the store.
# A new command group: write cintui/cli/NAME.py (its commands registered on `common.app`, as
# in audit.py), add its line here and its module to the cli layers contract in
# pyproject.toml. tests/cli/test_commands.py checks that this table and the modules agree.
COMMANDS: dict[str, tuple[str, ...]] = {
    # name: (short help, module, more modules adding to the same group ...)
    "deadline": ("Print the date a timescale ends", "deadline"),
    "each": ("Run one command for many children, in one process", "batch"),
    "demo": ("Create a store full of synthetic children", "demo"),
    "due": ("Everything due or overdue", "due"),
    "child": ("Children on the store.", "children", "endings", "admin", "steps"),
    "export": ("Exports for families, agencies and managers.",
               "census", "meetings", "plans", "visits", "transfer", "partners", "privacy"),
    "policy": ("Policy profiles: each authority's timescales.", "policy"),
    "db": ("The store itself: create, upgrade, back up.", "db"),
    "unlock": ("Unlock an encrypted store for this shell's commands, for a while",
               "session"),
    "lock": ("End an unlock session (`cintui unlock`)", "session"),
    "audit": ("The audit trail.", "audit"),
    "server": ("A team server: each worker logs in as themselves.", "server"),
    "plan": ("CIN plans: start (with the manager's authorisation), show and check.",
             "plans", "steps"),
    "visit": ("Visits: record one, list a child's visits.", "visits"),
    "meeting": ("CIN meetings: list a child's meetings, book one.", "meetings"),
    "report": ("Reports for managers and committees", "reports"),
    "decision": ("Decisions on a child's record, with their rationale (BEX 4).", "endings"),
    "close": ("Closing a case (TRA, BEX 3)", "endings"),
    "stepdown": ("Step-down to early help / TAF (WIR 3)", "transfer"),
    "transfer": ("Transfer to another authority (BEX 4)", "transfer"),
    "import": ("Imports: another authority's transfer pack, an existing caseload.",
               "transfer", "imports"),
    "authority": ("Your local authority: name, DfE LA number, policy profile.", "admin"),
    "team": ("Teams: name, service, manager.", "admin"),
    "worker": ("Workers who use cintui: add, list, edit, leave; whoami.", "admin"),
    "cp": ("Child protection: strategy discussion, section 47 enquiry", "child_protection"),
    "referral": ("The referral: when and where from, the primary need", "steps"),
    "assessment": ("The assessment: start, the record under its headings", "steps"),
    "support": ("The initial home visit and the start of CIN support", "steps"),
    "person": ("People around a child: family and professionals", "people"),
    "supervision": ("Supervision and case direction (STO 4.5, 8.5; WAR 12).", "supervision"),
    "step-audit": ("Monthly audits of the cases that stepped down to early help or up from "
                   "it, for learning (STO 7.13).", "reports"),
    "fgc": ("Family Group Conferences (WAR 4.2, 9.3; STO 6.13, 7.5).", "fgc"),
    "sos": ("Signs of Safety mapping of the CIN plan (STO 6.3).", "sos"),
    "gcp2": ("Graded Care Profile 2 (STO 4.3, 6.11, 7.1; TRA).", "gcp2"),
    "short-break": ("A disabled child's short breaks (WAR 7; TRA CAN team; BEX).",
                    "short_breaks"),
    "direct-payment": ("A disabled child's direct payments (WAR 4.2, 7.2.1).",
                       "short_breaks"),
    "sync": ("Laptops: work offline, sync with the team server.", "sync"),
    "retention": ("Retention: closed records due for review, erased by a manager", "privacy"),
}


class Commands(TyperGroup):
    """The root group, served from `COMMANDS`: a command is built from its modules when it
    is looked up; `cintui --help` lists the table without importing any of them."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            for module in COMMANDS[cmd_name][1:]:
                import_module(f"cintui.cli.{module}")
            self.commands[cmd_name] = _built(app, cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            # A command of that very name inside a group first ("consent": 'child consent'),
            # then the names it is close to ('close'): `cintui consent` offered 'close' alone.
            near = ", ".join(repr(m) for m in [*self._inside(ctx, name),
                                                *get_close_matches(name, COMMANDS)])
            ctx.fail(f"No such command {name!r}." + (f" Did you mean {near}?" if near else ""))
        return super().resolve_command(ctx, args)

    def _inside(self, ctx: typer.Context, name: str) -> list[str]:
        """The commands of that name inside a group ("census": 'report census', 'export
        census'): `cintui census` was "No such command" and no more. Built only here, on
        the way to an error, so no other command pays for it."""
        out = []
        for group in COMMANDS:
            command = self.get_command(ctx, group)
            if hasattr(command, "list_commands") and name in command.list_commands(ctx):
                out.append(f"{group} {name}")
        return out

    def format_commands(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry[0]) for name, entry in COMMANDS.items()])


class _LazyCommands(MutableMapping):
    """A group's commands, each built (its options read from its function's signature and
    type hints, ~5 ms a command) the first time it is looked up: `cintui child list` builds
    `list`, not the group's forty other commands. Listing them (help) builds them all."""

    def __init__(self) -> None:
        self._made: dict[str, Command] = {}
        self._make: dict[str, Callable[[], Command]] = {}

    def later(self, name: str, make: Callable[[], Command]) -> None:
        self._made.pop(name, None)
        self._make[name] = make

    def __getitem__(self, name: str) -> Command:
        if name not in self._made:
            self._made[name] = self._make[name]()
        return self._made[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._make[name] = lambda: command
        self._made[name] = command

    def __delitem__(self, name: str) -> None:
        del self._make[name]
        self._made.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._make

    def __iter__(self) -> Iterator[str]:
        return iter(self._make)

    def __len__(self) -> int:
        return len(self._make)


def _built(typer_app: typer.Typer, name: str) -> Command:
    """`typer.main.get_group(typer_app).commands[name]`, building only that command (and, for
    a group, its commands only when each is looked up)."""
    from functools import partial

    from typer.main import (
        TyperInfo,
        get_command_from_info,
        get_command_name,
        get_group_from_info,
        solve_typer_info_defaults,
    )

    options = {"pretty_exceptions_short": typer_app.pretty_exceptions_short,
               "rich_markup_mode": typer_app.rich_markup_mode}
    group_options = {**options, "suggest_commands": typer_app.suggest_commands}

    def group(info: TyperInfo):
        inner = info.typer_instance
        assert inner is not None
        makers = _makers(inner)
        if makers is None:  # a group merged without a name: as Typer builds it
            return get_group_from_info(info, **group_options)
        saved = inner.registered_commands, inner.registered_groups
        inner.registered_commands, inner.registered_groups = [], []
        try:
            built = get_group_from_info(info, **group_options)  # its own options only
        finally:
            inner.registered_commands, inner.registered_groups = saved
        commands = _LazyCommands()
        for each, make in makers:
            commands.later(each, make)
        built.commands = commands
        return built

    def _makers(inner: typer.Typer) -> list[tuple[str, Callable[[], Command]]] | None:
        makers: list[tuple[str, Callable[[], Command]]] = [
            (info.name or get_command_name(info.callback.__name__),  # type: ignore[union-attr]
             partial(get_command_from_info, info, **options))
            for info in inner.registered_commands]
        for info in inner.registered_groups:
            solved = solve_typer_info_defaults(info).name
            if not solved:
                return None
            makers.append((solved, partial(group, info)))
        return makers

    makers = _makers(typer_app)
    if makers is None:
        return typer.main.get_group(typer_app).commands[name]
    return dict(makers)[name]()


cli = typer.Typer(
    cls=Commands,
    name="cintui",
    help="Children in Need casework, offline, in the terminal. Run with no command to open the app.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


# ------------------------------------------------------------------ root


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cintui {__version__}")
        raise typer.Exit()


@cli.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: DbOption = None,
    no_encrypt: Annotated[
        bool, typer.Option("--no-encrypt", help="Create a plain (unencrypted) store on first run.")
    ] = False,
    as_worker: Annotated[
        str | None, typer.Option("--as", help="Open the app as this worker (username).")
    ] = None,
    passphrase_file: Annotated[
        Path | None, typer.Option(
            "--passphrase-file", help="Read the passphrase from this 0600 file's first line "
            "(or /dev/fd/N); also CINTUI_PASSPHRASE_FILE.", dir_okay=False)
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    _state(ctx)["db"] = db
    _state(ctx)["no_encrypt"] = no_encrypt  # `cintui --no-encrypt db init`: as db init's
    if passphrase_file is not None:  # read where a passphrase is wanted (access.env_passphrase)
        os.environ["CINTUI_PASSPHRASE_FILE"] = str(passphrase_file)
    if ctx.invoked_subcommand is not None:  # not the TUI, which owns the terminal
        ctx.with_resource(inert_output())
    from cintui.reference import holiday_cache

    holiday_cache.install()  # bank holidays from the cache, as the app: ~100 ms sooner
    if ctx.invoked_subcommand is None:
        from cintui.app import run_app
        from cintui.cli.common import _given_today

        today, now = _given_today(None) if os.environ.get("CINTUI_TODAY") else (None, None)
        run_app(access.locate(db), encrypt=not no_encrypt, worker=as_worker, today=today,
                now=now)


# ------------------------------------------------------------------ entry point


# Exceptions that are the user's to fix (one line, exit 2), by the module defining them: only a
# module already imported can have raised one, so catching them never imports (the ORM) more.
USER_ERRORS = {
    "cintui.store.access": ("AccessError",),
    "cintui.store.base": ("StoreError", "InvalidRow"),
    "cintui.reference.codes": ("InvalidCode",),
    "cintui.reference.policies": ("UnknownPolicy",),
    "cintui.domain.policy": ("PolicyError",),
    "cintui.domain.child": ("InvalidChildDetails",),
    "cintui.domain.people": ("InvalidContact",),
    "cintui.domain.child_protection": ("InvalidChildProtection",),
    "cintui.casework.lookup": ("CaseworkError",),
}


def _user_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [CliError]
    for module, names in USER_ERRORS.items():
        if (loaded := sys.modules.get(module)) is not None:
            errors += [getattr(loaded, name) for name in names]
    return tuple(errors)


def _main(command, argv: list[str] | None):
    try:
        return command.main(args=argv, prog_name="cintui", standalone_mode=False)
    finally:
        if (fast := sys.modules.get("cintui.store.fast")) is not None:
            fast.drop_ahead()
# What the operating system says about a file, in words (errno names, as `errno` has them).
_FILE_ERRORS = {
    "ENOENT": "there is no such file or folder", "EACCES": "you may not open it (permission "
    "denied)", "EPERM": "you may not open it (not permitted)", "EISDIR": "it is a folder, "
    "not a file", "ENOTDIR": "part of the path is not a folder", "ENAMETOOLONG": "the name "
    "is too long", "EROFS": "the disk is read-only", "ENOSPC": "the disk is full",
    "EEXIST": "it is already there", "ELOOP": "it links to itself", "EINVAL": "the name is "
    "not allowed here", "EXDEV": "it is on another disk", "EFBIG": "the file is too big",
}


def _plain(exc: BaseException) -> str | None:
    """A mistake in what was given (a file that cannot be read or written, text that is not
    text, a number or nesting beyond reason) in plain words; None for anything else."""
    import errno

    if isinstance(exc, OSError) and exc.errno is not None:
        reason = _FILE_ERRORS.get(errno.errorcode.get(exc.errno, ""))
        if reason is None:
            reason = (exc.strerror or "it cannot be used").lower()
        where = exc.filename if exc.filename is not None else "a file"
        return f"{where}: {reason}"
    if isinstance(exc, UnicodeDecodeError):
        return "a file given is not text (not UTF-8): save it as plain text"
    if isinstance(exc, RecursionError):
        return "what was given is nested too deep to read"
    if isinstance(exc, OverflowError):
        return "a number or date given is too large"
    return None


def one_line(message: str) -> str:
    """`message` as one line under 300 characters, safe to print: a long value it quotes is
    cut short (an echoed 1 MB value helps nobody), line breaks become spaces."""
    import re

    text = " ".join(inert(str(message)).split())
    if len(text) > LONGEST:
        text = re.sub(r"('[^']{60,}'|\"[^\"]{60,}\"|\S{80,})",
                      lambda m: m.group(0)[:40] + "…" + (
                          m.group(0)[0] if m.group(0)[0] in "'\"" else ""), text)
    return text if len(text) <= LONGEST else text[:LONGEST - 1] + "…"


def run(argv: list[str] | None = None) -> None:
    """Entry point: usage errors and our own become one line and exit 2."""
    os.umask(0o077)  # stores, backups and exports are the owner's alone (0600)
    open_ahead(sys.argv[1:] if argv is None else argv)  # done already by `cintui`: a no-op
    command = typer.main.get_command(cli)
    try:
        result = _main(command, argv)
    except typer.Abort:
        typer.echo("cintui: cancelled", err=True)
        sys.exit(1)
    except typer.TyperException as exc:  # Typer's own (vendored Click) usage errors
        if type(exc).__name__ == "NoArgsIsHelpError":  # `cintui policy`: show its help
            typer.echo(exc.format_message())
            sys.exit(0)
        typer.echo(one_line(f"cintui: {usage_message(exc)}"), err=True)
        sys.exit(EXIT_USAGE)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if isinstance(exc, _user_errors()):
            typer.echo(one_line(f"cintui: {as_typed(exc)}"), err=True)
            sys.exit(EXIT_USAGE)
        from cintui.store.base import damaged, write_error

        if (said := write_error(exc) or damaged(exc)) is not None:  # a clash; a bad page
            typer.echo(one_line(f"cintui: {said}"), err=True)
            sys.exit(EXIT_USAGE)
        if (said := _plain(exc)) is not None:  # a file or a value the user gave
            typer.echo(one_line(f"cintui: {said}; nothing was written"), err=True)
            sys.exit(EXIT_USAGE)
        from cintui.reference import config

        log = config.log_crash(exc)
        typer.echo(f"cintui: internal error ({type(exc).__name__}); details in {log}", err=True)
        sys.exit(1)
    if isinstance(result, int) and result:
        sys.exit(result)
