"""What every command group shares: `app`, where the groups register their commands, the
groups several modules add to, the common options, store access, date parsing and output.

The `cintui` command line (Typer); `main` serves `app` lazily: a group's module is imported
only when one of its commands runs. With no subcommand it opens the TUI.

Every error a user can cause is one line on stderr and exit code 2: no traceback, nothing
written. Heavy imports (the store, the ORM, exports) happen inside commands, so a command
loads only what it uses: `--help`, `deadline` and `policy` never load the store.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cintui.domain.text import inert
from cintui.store import access

EXIT_USAGE = 2

# Each module registers its commands here (`@app.command()`, `app.add_typer(...)`); the
# root group in `main` takes a command from here once its module is imported.
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
child_app = typer.Typer(help="Children on the store.", no_args_is_help=True)
export_app = typer.Typer(help="Exports for families, agencies and managers.",
                         no_args_is_help=True)
plan_app = typer.Typer(help="CIN plans: start (with the manager's authorisation), show and "
                       "check.", no_args_is_help=True)
import_app = typer.Typer(help="Imports: another authority's transfer pack, an existing "
                         "caseload.", no_args_is_help=True)
app.add_typer(child_app, name="child")
app.add_typer(export_app, name="export")
app.add_typer(plan_app, name="plan")
app.add_typer(import_app, name="import")


LONGEST = 296  # a message is one line under 300 characters (Trust: plain words)


class CliError(Exception):
    """One line for the user; exit code 2."""

    @classmethod
    def of(cls, exc) -> CliError:
        """A form's error (its `field` and `problem`) as one line, its field named as the
        option typed when it is printed (`as_typed`)."""
        made = cls(f"{exc.field}: {exc.problem}" if exc.field else exc.problem)
        made.field = exc.field
        return made


def as_typed(exc: BaseException) -> str:
    """A user error's words, naming what was typed: an error carrying a form's `field`
    (`not_invited_reason: …`, as a screen shows it beside the box) names the option of the
    command that ran instead (`--not-invited-reason: …`); a field that is an argument keeps
    its name (`child: …`); a field that is neither was never typed (`plan: Leo Walk has no
    plan yet`), so the problem is said alone. The option is read from that command's own
    parameters: the innermost command context in the error's traceback (`cintui each` runs
    others), so no table of fields is kept per command."""
    text = str(exc)
    field = getattr(exc, "field", None)
    if not isinstance(field, str) or not field or not text.startswith(f"{field}: "):
        return text
    problem = text[len(field) + 2:]
    ctx = _context_that_ran(exc)
    if ctx is None or _is_argument(ctx, field):
        return text
    option = _option_for(ctx, field, problem)
    return f"{option}: {problem}" if option else problem


# An output format asked for as a flag: said by name when the command has no such flag.
FORMAT_FLAGS = {"--json": "JSON", "--csv": "CSV", "--md": "Markdown", "--markdown": "Markdown",
                "--pdf": "PDF", "--docx": "DOCX", "--html": "HTML", "--xml": "XML"}


def usage_message(exc: BaseException) -> str:
    """A usage error's words. An option the command does not have is said with the ones
    meant by it, never Click's loose matches: `report compliance --md` offered "--db,
    --from, --team" and `stepdown withdraw --reason` "--json", as if those were what was
    meant. A close match by its name is offered ("did you mean --team?"); a format asked
    for as a flag is answered with the formats the command writes, and how it is asked."""
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    option = getattr(exc, "option_name", None)
    if type(exc).__name__ != "NoSuchOption" or not isinstance(option, str):
        return message
    from difflib import SequenceMatcher

    said = str(getattr(exc, "message", "") or message)
    meant = [p for p in sorted(getattr(exc, "possibilities", None) or ())
             if SequenceMatcher(None, option.lstrip("-"), p.lstrip("-")).ratio() >= 0.7]
    if meant:
        return f"{said} (did you mean {' or '.join(meant)}?)"
    ctx = getattr(exc, "ctx", None)
    params = getattr(getattr(ctx, "command", None), "params", ())
    if option not in FORMAT_FLAGS or not params:
        return said
    command = " ".join(str(ctx.command_path).split()[1:]) or "this command"
    for param in params:
        if "--format" in param.opts and param.help:
            return f"{said} ({command} takes the format as --format: {param.help.split(' (')[0]})"
    flags = [f"{FORMAT_FLAGS[o]} with {o}" for p in params for o in p.opts if o in FORMAT_FLAGS]
    if not flags:
        return f"{said} ({command} writes no {FORMAT_FLAGS[option]})"
    return f"{said} ({command} writes {', '.join(flags)}; no {FORMAT_FLAGS[option]})"


def _is_argument(ctx, field: str) -> bool:
    params = getattr(getattr(ctx, "command", None), "params", ())
    return any(p.param_type_name == "argument" and p.name == field for p in params)


def _context_that_ran(exc: BaseException):
    context = typer.Context.__mro__[1]  # (Typer's Click's) the class of every command's context
    found, tb = None, exc.__traceback__
    while tb is not None:
        ctx = tb.tb_frame.f_locals.get("ctx")
        if isinstance(ctx, context):
            found = ctx
        tb = tb.tb_next
    return found


def _option_for(ctx, field: str, problem: str) -> str | None:
    """The option (its long name) for `field`: by its name (`chair_role` is `--chair-role`;
    `actions` is `--action`, repeated for each), else by the last words of the field (`starts_at` is `--at`, `visited_on` is `--on`),
    else the one option whose value the problem quotes (`--by nobody`: "worker: no worker
    called 'nobody'"). None for a field that is an argument (the child) or none of these."""
    params = getattr(getattr(ctx, "command", None), "params", ())
    if _is_argument(ctx, field):
        return None
    options = [p for p in params if p.param_type_name == "option" and not p.hidden]

    def names(param) -> set[str]:
        return {param.name or "", *(o.lstrip("-").replace("-", "_") for o in param.opts)}

    def quoted(param) -> bool:
        value = ctx.params.get(param.name)
        values = value if isinstance(value, list | tuple) else [value]
        return any(isinstance(v, str) and v.strip() and repr(v) in problem for v in values)

    found = [p for p in options if field in names(p)] or [
        p for p in options if field.endswith("s") and field[:-1] in names(p)] or sorted(
        (p for p in options if any(n and field.endswith(f"_{n}") for n in names(p))),
        key=lambda p: -len(p.name or ""))
    if not found and len(by_value := [p for p in options if quoted(p)]) == 1:
        found = by_value
    if not found:
        return None
    opts = found[0].opts
    return next((o for o in opts if o.startswith("--")), opts[0])


# ------------------------------------------------------------------ option values

# Typer (0.29) turns every option's text into its type through a pydantic TypeAdapter:
# importing pydantic and building the adapters costs about the whole of `import typer`
# again, for each command given an option. The values cintui's options take (str, bool,
# int, Path, list[str]) are converted here instead when the text is plainly valid; anything
# else (a bad number, a number out of range, an unusual type) goes to Typer's own adapter,
# so its result and its error messages are Typer's. tests/cli/test_commands.py checks both
# give the same values.
_SLOW = object()
_INT = frozenset("0123456789")


def _plain_int(value, info) -> object:
    if isinstance(value, str):
        digits = value[1:] if value[:1] in "+-" else value
        if not digits or len(digits) > 18 or not set(digits) <= _INT:
            return _SLOW
        value = int(value)
    elif type(value) is not int:
        return _SLOW
    if (info.min is not None and value < info.min) or (info.max is not None
                                                       and value > info.max):
        return _SLOW
    return value


def light_value(annotation, info, value, param=None, ctx=None) -> object:
    """`value` as Typer would give it for `annotation`, or `_SLOW` when only Typer's own
    adapter can say (bad input, unusual types)."""
    if getattr(info, "parser", None) is not None:
        return _SLOW
    if annotation is str:
        return value if isinstance(value, str) else _SLOW
    if annotation is bool:
        return value if isinstance(value, bool) else _SLOW
    if annotation is int:
        return _plain_int(value, info)
    if isinstance(annotation, type) and issubclass(annotation, Path):
        if isinstance(value, str) and value and "\x00" not in value:
            value = annotation(value)
        if not isinstance(value, Path) or getattr(info, "path_type", None) is not None:
            return _SLOW
        from typer._param_types import coerce_cli_path

        return coerce_cli_path(value, info, path_type=annotation, param=param, ctx=ctx)
    if getattr(annotation, "__origin__", None) is list and annotation.__args__ == (str,):
        if isinstance(value, str):
            return [value]
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return list(value)
    return _SLOW


def _light_coercion() -> None:
    """Put `light_value` before Typer's adapters (where this Typer has them)."""
    import typer.core

    try:
        from typer._coercion import RuntimeParam
    except ImportError:  # another Typer: its own conversion, unchanged
        return
    typers = typer.core.build_runtime_param
    if getattr(typers, "light", False):
        return

    class LightParam(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            done = light_value(self.annotation, self.parameter_info, value, param, ctx)
            if done is _SLOW:
                return typers(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
            return done

    def build(descriptor):
        if descriptor.file_annotation is not None:
            return typers(descriptor)
        light = LightParam(parameter_info=descriptor.parameter_info,
                           annotation=descriptor.annotation)
        object.__setattr__(light, "descriptor", descriptor)
        return light

    build.light = True  # type: ignore[attr-defined]
    build.typers = typers  # type: ignore[attr-defined]
    typer.core.build_runtime_param = build


_light_coercion()


DbOption = Annotated[
    str | None,
    typer.Option("--db", metavar="PATH|URL",
                 help="Store file, or a database URL such as postgresql+psycopg://user@host/db "
                 "(password in ~/.pgpass) (default: CINTUI_DATABASE_URL, CINTUI_DB or the user "
                 "data folder)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Treat this ISO date as today, or 'YYYY-MM-DD HH:MM' as now "
                 "(for reports and tests).",
                 hidden=True),
]

ChildArg = Annotated[str, typer.Argument(metavar="CHILD", help="Case reference or name.")]


def _request_option(ctx: typer.Context, value: str | None) -> str | None:
    if value is not None:
        from cintui.store.requests import check_id

        _state(ctx)["request"] = check_id(value)
    return value


# A retry never duplicates (issue "Trust"): every command that writes takes it.
RequestOption = Annotated[
    str | None,
    typer.Option("--request-id", metavar="ID", callback=_request_option,
                 help="An id for this write (e.g. a UUID): run again with the same id (after "
                 "a crash, a timeout), it is applied once and prints what it printed then."),
]


def agree_hint(ref: str) -> str:
    """The command that agrees the child's draft plan, as the messages asking for it name
    it (`plan exit`, `fgc held`)."""
    return f"cintui plan agree {ref} --at MEETING|--by NAME"


def person_label(p) -> str:
    """One of the child's People as `person list` shows them, "Sam Nurse (Uncle)": what
    tells two of one name apart, and is taken as typed (`pick_person`)."""
    return f"{p.name} ({p.relationship or p.role or p.kind})"


def pick_person(people, text: str, ref: str):
    """The one of the child's People (of `ref`) that `text` names, by name as every
    command takes a person (`domain.people.named`), or, for two of one name, by name and
    relationship as `person list` shows them ("Sam Nurse (Uncle)"); else one line naming
    whom it could be."""
    from cintui.domain.people import named

    def key(words: str) -> str:
        return " ".join(words.lower().split())

    def labels(p) -> set[str]:  # `person list` adds "; PR" for parental responsibility
        return {key(person_label(p)), key(person_label(p)[:-1] + "; PR)")}

    labelled = [p for p in people if key(text) in labels(p)]
    found = labelled or named(people, text)
    if len(found) == 1:
        return found[0]
    if found:
        same = len({key(p.name) for p in found}) < len(found)
        raise CliError(f"{text!r}: which one? " + ", ".join(
            repr(person_label(p)) if same else p.name for p in found))
    known = ", ".join(p.name for p in people) or f"nobody yet: cintui person add {ref}"
    raise CliError(f"{text!r}: not one of the child's People ({known})")


def _state(ctx: typer.Context) -> dict:
    ctx.ensure_object(dict)
    return ctx.obj


def plain_asked(ctx: typer.Context, no_encrypt: bool) -> bool:
    """`--no-encrypt` given to the command, or before it (`cintui --no-encrypt db init`, as
    for the app): a command that makes a store takes either."""
    return no_encrypt or bool(_state(ctx).get("no_encrypt"))


# The years a date on a child's record can fall in: an older or later one is a slip of the
# keys (0001-01-01, 9999-12-31), and would take the calendar past its ends.
YEARS = (1900, 2199)  # as domain.dates.YEARS (not imported: every command starts here)


def _parse_date(value: str, what: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{what}: {value!r} is not a date; use YYYY-MM-DD") from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise CliError(f"{what}: {value!r} is not a date cintui can use: give a year from "
                       f"{YEARS[0]} to {YEARS[1]}")
    return day


def _given_today(value: str | None):
    """`--today` (else CINTUI_TODAY) as (day, moment): a date gives (day, None); a date and
    time, 'YYYY-MM-DD HH:MM', stops the clock there; neither gives the real day."""
    from cintui.domain.dates import given_today

    what = "--today" if value else "CINTUI_TODAY"
    text = (value or os.environ.get("CINTUI_TODAY") or "").strip()
    if not text:
        return date.today(), None
    try:
        return given_today(text, what)  # the app reads CINTUI_TODAY the same way
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _today(value: str | None) -> date:
    return _given_today(value)[0]


def _echo_json(data) -> None:
    from cintui.domain.records import json_text  # as json.dumps(indent=2), ~15x sooner

    typer.echo(json_text(data))


class _InertStream:
    """stdout or stderr, made inert (domain.text): stored text printed by a command cannot
    act on the terminal (Trust: output is inert), whatever was stored before the rule."""

    def __init__(self, stream) -> None:
        self.inner = stream

    def write(self, text: str) -> int:
        return self.inner.write(inert(text))

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


@contextmanager
def inert_output() -> Iterator[None]:
    """While a command runs, what it writes to stdout and stderr is made inert."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _InertStream(sys.stdout), _InertStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _console():
    """The console a command prints through: Rich's (`_rich_console`) in a terminal; where
    Rich would print no colour (a file, a pipe: scripts), the same text without importing
    Rich (`table.PlainConsole`: ~30 ms a command). Strings and `table.print_table` only."""
    out = getattr(sys.stdout, "inner", sys.stdout)
    if _rich_terminal(out):
        return _rich_console()
    from cintui.cli.table import PlainConsole, console_width

    return PlainConsole(out, console_width())


def _rich_console():
    """A Rich console writing to the real stdout (its colours must reach the terminal), that
    makes inert every string it renders (cells, titles, lines) instead."""
    from rich.console import Console

    class InertConsole(Console):
        def render_str(self, text: str, **kwargs):
            return super().render_str(inert(text), **kwargs)

    return InertConsole(file=getattr(sys.stdout, "inner", sys.stdout))


def hanging(lead: str, text: str, width: int | None = None) -> str:
    """`lead` then `text` wrapped at whole words to the terminal's `width`, its later lines
    indented under the text's start, so a list of findings keeps its columns in an
    80-column terminal (the terminal's own wrap broke words: "assess|ment"). When the
    lead leaves the text under 30 columns, later lines are indented 4. To a file or a pipe
    (not a terminal, as Rich tells one: TTY_COMPATIBLE, FORCE_COLOR, isatty) it stays one
    line, for grep and scripts."""
    import textwrap

    from cintui.cli.table import console_width

    if width is None:
        if not _rich_terminal(getattr(sys.stdout, "inner", sys.stdout)):
            return lead + text
        width = console_width()
    indent = len(lead) if width - len(lead) >= 30 else 4
    return textwrap.fill(text, width=width, initial_indent=lead,
                         subsequent_indent=" " * indent, break_long_words=False,
                         break_on_hyphens=False)


def _rich_terminal(file) -> bool:
    """Would Rich treat `file` as a terminal (`Console.is_terminal`: TTY_COMPATIBLE, then
    FORCE_COLOR, then isatty)?"""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return bool(getattr(file, "isatty", lambda: False)())
    except ValueError:  # closed
        return False


# ------------------------------------------------------------------ store access


def _location(ctx: typer.Context, db: str | None) -> access.StoreLocation:
    return access.locate(db or _state(ctx).get("db"))


def _passphrase_for_open(loc: access.StoreLocation, *, session: bool = True) -> str | None:
    """What opens an encrypted file: its unlock session's raw key (`cintui unlock`), else
    the passphrase (a file, the environment, else asked in a terminal)."""
    if not loc.is_encrypted():
        return None
    ended = None
    if session and loc.path is not None:
        key, ended = access.session_key(loc.path)
        if key is not None:
            return key
    value = access.env_passphrase()
    if value is not None:
        return value
    if not sys.stdin.isatty():
        if ended:
            raise CliError(f"{loc.describe()} is encrypted and {ended}: `cintui unlock` it "
                           "again, give --passphrase-file FILE (or CINTUI_PASSPHRASE_FILE), "
                           "or run in a terminal")
        unlock = ", `cintui unlock` it," if session else ""  # not the advice `unlock` gives
        raise CliError(f"{loc.describe()} is encrypted: give --passphrase-file FILE (or "
                       f"CINTUI_PASSPHRASE_FILE){unlock} or run in a terminal")
    if ended:
        typer.echo(f"{loc.describe()}: {ended}.", err=True)
    import getpass

    return getpass.getpass(f"Passphrase for {loc.describe()}: ")


def _passphrase_for_create(loc: access.StoreLocation) -> str:
    value = access.env_passphrase()
    if value is not None:
        return access.check_new_passphrase(value, value)
    if not sys.stdin.isatty():
        raise CliError("a new encrypted store needs a passphrase: give --passphrase-file "
                       "FILE (or CINTUI_PASSPHRASE_FILE), or run in a terminal (or pass "
                       "--no-encrypt)")
    import getpass

    first = getpass.getpass(f"New passphrase for {loc.describe()}: ")
    second = getpass.getpass("Repeat the passphrase: ")
    return access.check_new_passphrase(first, second)


# `cintui each`: the stores and readers its commands open, kept open for all its children
# (one key derivation per process), closed when it ends. None: each command opens its own.
_KEPT: dict[tuple[str, str], object] | None = None


@contextmanager
def keep_open() -> Iterator[None]:
    global _KEPT
    _KEPT = {}
    try:
        yield
    finally:
        kept, _KEPT = _KEPT, None
        for held in kept.values():
            held.close()  # type: ignore[attr-defined]


@contextmanager
def _open(ctx: typer.Context, db: str | None) -> Iterator:
    loc = _location(ctx, db)
    key = ("store", loc.describe())
    if _KEPT is not None and key in _KEPT:
        yield access.opened_again(_KEPT[key])
        return
    store = access.open_location(loc, _passphrase_for_open(loc))
    if _KEPT is not None:
        _KEPT[key] = store
        with _requested(ctx, store):
            yield store
        return
    try:
        if store.upgraded_from:
            typer.echo(
                f"Upgraded the store from revision {store.upgraded_from}; "
                f"backup at {store.backup_path}",
                err=True,
            )
        with _requested(ctx, store) as later:
            yield store
        if later:  # the request's output is recorded once the command has printed it
            return
    except BaseException:
        store.close()
        raise
    store.close()


# ------------------------------------------------------------------ --request-id


def note_request_content(ctx: typer.Context, content: bytes,
                         ignore: tuple[str, ...] = ()) -> None:
    """A command reading a file: its content is part of what the request asked (and the
    options in `ignore` are not: the file's name, the output's format)."""
    _state(ctx)["request_content"] = _state(ctx).get("request_content", b"") + content
    _state(ctx)["request_ignore"] = ignore


class _Tee:
    """stdout, also kept in `seen`: what a command prints, recorded for a retry."""

    def __init__(self, stream) -> None:
        self._under = stream
        self.seen: list[str] = []

    def write(self, text: str) -> int:
        written = self._under.write(text)  # first: Click probes with bytes, refused
        self.seen.append(text)
        return written

    def __getattr__(self, name: str):
        return getattr(self._under, name)


def _request_for(ctx: typer.Context):
    """The command's request (`--request-id`), or None."""
    request_id = _state(ctx).get("request")
    if request_id is None:
        return None
    if (made := _state(ctx).get("request_made")) is not None:
        return made  # a command opening the store twice: one request
    from cintui.store import requests

    command = ctx.command_path.split(" ", 1)[-1]
    ignore = ("request_id", "db", *_state(ctx).get("request_ignore", ()))
    options = {k: v for k, v in ctx.params.items() if k not in ignore}
    content = _state(ctx).get("request_content", b"")
    made = _state(ctx)["request_made"] = requests.Request(
        request_id, command, requests.fingerprint(command, options, content))
    return made


@contextmanager
def _requested(ctx: typer.Context, store) -> Iterator[bool]:
    """With `--request-id`: a request applied before prints what it printed then and stops
    (exit as then); else the first write transaction records it, and what the command
    prints is kept once it ends (`ctx.with_resource`). Yields whether the store is closed
    later, by that."""
    request = _request_for(ctx)
    if request is None or store.request is not None:
        yield False
        return
    from cintui.store import requests

    actor = access.current_actor()
    if not request.claimed:
        with store.engine.connect() as conn:
            found = requests.find(conn, actor, request)
        if found is not None and found.done:
            _print_applied(store, found)
    store.request = request
    tee = _Tee(sys.stdout)
    sys.stdout = tee
    kept = _KEPT is not None

    @contextmanager
    def finish() -> Iterator[None]:
        code = 0
        try:
            yield
        except typer.Exit as exc:
            code = exc.exit_code
            raise
        except BaseException:
            code = 1
            raise
        finally:
            if sys.stdout is tee:
                sys.stdout = tee._under
            store.request = None
            try:
                if request.claimed:
                    requests.record_result(store.engine, actor, request.request_id,
                                           "".join(tee.seen), code)
            finally:
                if not kept:
                    store.close()

    ctx.with_resource(finish())
    try:
        yield not kept
    except requests.AlreadyApplied as done:  # applied meanwhile, by another run
        _print_applied(store, done.applied)


def _print_applied(store, applied) -> None:
    """A retry of an applied request: what it printed then, and a line saying so."""
    from cintui.domain.dates import day_words
    from cintui.store import requests

    when = f"{day_words(applied.applied_at)} {applied.applied_at:%H:%M}"  # "2 Dec 2026 15:29"
    if applied.result is not None:
        typer.echo(applied.result, nl=False)
        typer.echo(f"Already done: request {applied.request_id} was applied at {when} UTC; "
                   "nothing was written again.", err=True)
        raise typer.Exit(applied.exit_code or 0)
    typer.echo(f"Already done: request {applied.request_id} (`{applied.command}`) was "
               f"applied at {when} UTC ({requests.summary(store.engine, applied)}); cintui "
               "stopped before reporting it. Nothing was written again.")
    raise typer.Exit(0)


@contextmanager
def _writing(ctx: typer.Context, db: str | None) -> Iterator:
    """One write transaction for a command that adds a row or two (`decision add`), as a
    writer (`rows`, `insert`, `actor`, `server_login`; `casework.decisions`). On a store
    file or a PostgreSQL server at this cintui's revision, the light writer
    (store/quick.py): no ORM, about a second less to start, the same checks, audit entries
    and errors. Anywhere else (an older file or server, no libpq here, `--request-id`,
    `cintui each`) a `Store.session` behind the same interface."""
    loc = _location(ctx, db)
    if _KEPT is None and _request_for(ctx) is None and (loc.url is not None or loc.exists()):
        from cintui.store import quick

        if loc.url is not None:
            writer = quick.open_server_writer(loc.url)
        else:
            writer = quick.open_writer(loc.path, _passphrase_for_open(loc))
        if writer is not None:
            try:
                access.opened_light(writer.server_login, writer.reader.team_login,
                                    writer.reader.rows)
                with writer.write(access.current_actor()) as tx:
                    yield tx
            finally:
                writer.close()
            return
    from cintui.casework import cases
    from cintui.store.quick import SessionWriter

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        yield SessionWriter(session, cases.server_login(session))


@contextmanager
def _reading(ctx: typer.Context, db: str | None) -> Iterator:
    """Plain SQL rows for a command that only reads (`due`, `child list/show`, `plan show`,
    the reports): the first-paint reader (no ORM, so ~300 ms less to start) when the store
    is a file or a PostgreSQL server at this cintui's revision, else the full store (which
    upgrades an older file after a backup, and refuses an older server). Commands that write
    use `_open`."""
    loc = _location(ctx, db)
    key = ("reader", loc.describe())
    if _KEPT is not None and key in _KEPT:
        yield _KEPT[key].rows  # type: ignore[attr-defined]
        return
    if loc.exists():
        from cintui.store import fast

        if loc.url is None:
            reader = fast.open_reader(loc.path, _passphrase_for_open(loc))
        else:
            reader = fast.open_server_reader(loc.url)
        if reader is not None:
            # Who acts, as a command that writes learns it (`access.opened_light`): a team
            # server's login, a laptop's sync login. `supervision overdue` answered for the
            # worker last chosen in the app, else the computer's login, not the server's.
            if reader.team_login is not None:
                access.opened_light(reader.team_login if loc.url else None,
                                    None if loc.url else reader.team_login)
            if _KEPT is not None:
                _KEPT[key] = reader
                yield reader.rows
                return
            try:
                yield reader.rows
            finally:
                reader.close()
            return
    from cintui.casework import caseload

    with _open(ctx, db) as store, caseload.reading(store) as rows:
        yield rows


# What a file's name says it holds: `-o` named with one of these is written as it says.
DOCUMENT_SUFFIXES = ("md", "docx", "pdf", "json", "html", "csv", "xml")


def _check_format(fmt: str | None, formats: tuple[str, ...], output: str | None = None,
                  default: str = "pdf") -> str:
    """`fmt` (`-f`; None when not given: `default`) as one of `formats`, else one line. With
    `output` (`-o`), a file named for a document format is written in it: `-o closure.md`
    without `-f` is Markdown (it was a PDF named .md); named for one and `-f` another, or
    for one this command cannot write, one line and nothing written."""
    given = fmt is not None
    fmt = (fmt if given else default).lower().lstrip(".")
    if fmt not in formats:
        raise CliError(f"unknown format {fmt!r}: choose one of {', '.join(formats)}")
    if output is None or _names_a_folder(output):
        return fmt
    name = Path(output).name
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix not in DOCUMENT_SUFFIXES or suffix == fmt:
        return fmt
    if suffix not in formats:
        choices = ", ".join(formats[:-1]) + f" or {formats[-1]}"
        raise CliError(f"{name}: this writes {choices}, not {suffix}: name it "
                       f"{Path(name).stem}.{fmt}")
    if given:
        raise CliError(f"{name} is named .{suffix} but the format is {fmt}: name it "
                       f"{Path(name).stem}.{fmt}, or give -f {suffix}")
    return suffix


def _names_a_folder(output: str) -> bool:
    """`-o` names a folder: one that is there, or a path ending in a slash ("out/", which
    pathlib would read as the file "out")."""
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def _check_folder(output: str, *, folder_ok: bool = False) -> Path:
    """`-o` as a path, checked before anything is read: the folder it goes in must exist;
    a folder ("out/", or one that is there) only where the command names the file in it
    (`folder_ok`, `_output_file`), and then one to be made needs its parent. One line,
    else, and nothing written."""
    path = Path(output)
    if _names_a_folder(output):
        if not folder_ok:
            raise CliError(f"{output} is a folder: give the name of the file to write in it")
        if not path.is_dir() and not path.parent.is_dir():
            raise CliError(f"no such folder: {path.parent}")
    elif not path.parent.is_dir():
        raise CliError(f"no such folder: {path.parent}")
    return path


def _output_file(output: str, stem: str, fmt: str) -> Path:
    """`output`, or, when it names a folder, a file in it named `stem.fmt` (`stem-2.fmt` if
    that is taken: a document already sent is never overwritten), as `export plans -o DIR`
    and the app name theirs. A folder given as "out/" is made (its parent is there:
    `_check_folder`)."""
    path = Path(output)
    if not _names_a_folder(output):
        return path
    from cintui.reference.config import unused_stem

    path.mkdir(exist_ok=True)
    return path / f"{unused_stem(path, stem, (fmt,))}.{fmt}"


def _now(today: str | None):
    """Now, as a wall-clock time to the minute: the time `--today` (or CINTUI_TODAY) gives;
    else on the day it gives, as the app's clock does (`dates.wall_clock`)."""
    from datetime import datetime

    from cintui.domain.dates import wall_clock

    day, moment = _given_today(today)
    return moment or wall_clock(day, datetime.now().replace(second=0, microsecond=0))


def _parse_moment(value: str, what: str):
    from datetime import datetime

    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{what}: {value!r} is not a date and time; use "
                       "'YYYY-MM-DD HH:MM'") from None
    if not YEARS[0] <= at.year <= YEARS[1]:
        raise CliError(f"{what}: {value!r} is not a date cintui can use: give a year from "
                       f"{YEARS[0]} to {YEARS[1]}")
    if at.tzinfo is not None:
        raise CliError(f"{what}: give the time in England without a zone, 'YYYY-MM-DD HH:MM'")
    return at.replace(second=0, microsecond=0)


# Options the endings, step-down and transfer commands share (BEX 4, WIR 3).
OnOption = Annotated[str | None, typer.Option("--on", help="The date, YYYY-MM-DD "
                                              "(default: today).")]
ManagerOption = Annotated[str | None, typer.Option(
    "--by", help="The manager deciding: username or name (default: you, CINTUI_USER).")]
RationaleOption = Annotated[str, typer.Option("--rationale", help="Why (BEX 4). Required.")]
UnmetOption = Annotated[str | None, typer.Option(
    "--unmet-need", help="yes or no: stepped down to early help with needs still unmet "
    "(STO 3.3).")]


def _yes_no(value: str | None, what: str) -> bool | None:
    if value is None:
        return None
    answer = value.strip().lower()
    if answer in ("yes", "y", "true"):
        return True
    if answer in ("no", "n", "false"):
        return False
    raise CliError(f"{what}: {value!r}: answer yes or no")
