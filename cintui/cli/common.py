"""What every command group shares: `app`, where the groups register their commands, the
groups several modules add to, the common options, store access, date parsing and output.

The `cintui` command line (Typer); `main` serves `app` lazily: a group's module is imported
only when one of its commands runs. With no subcommand it opens the TUI.

Every error a user can cause is one line on stderr and exit code 2: no traceback, nothing
written. Heavy imports (the store, the ORM, exports) happen inside commands, so a command
loads only what it uses: `--help`, `deadline` and `policy` never load the store.
"""

from __future__ import annotations

import json
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


class CliError(Exception):
    """One line for the user; exit code 2."""


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
    typer.Option("--today", help="Treat this ISO date as today (for reports and tests).",
                 hidden=True),
]

ChildArg = Annotated[str, typer.Argument(metavar="CHILD", help="Case reference or name.")]


def _state(ctx: typer.Context) -> dict:
    ctx.ensure_object(dict)
    return ctx.obj


# The years a date on a child's record can fall in: an older or later one is a slip of the
# keys (0001-01-01, 9999-12-31), and would take the calendar past its ends.
YEARS = (1900, 2199)


def _parse_date(value: str, what: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{what}: {value!r} is not a date; use YYYY-MM-DD") from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise CliError(f"{what}: {value!r} is not a date cintui can use: give a year from "
                       f"{YEARS[0]} to {YEARS[1]}")
    return day


def _today(value: str | None) -> date:
    if value:
        return _parse_date(value, "--today")
    env = os.environ.get("CINTUI_TODAY")
    return _parse_date(env, "CINTUI_TODAY") if env else date.today()


def _echo_json(data) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


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
    """A Rich console writing to the real stdout (its colours must reach the terminal), that
    makes inert every string it renders (cells, titles, lines) instead."""
    from rich.console import Console

    class InertConsole(Console):
        def render_str(self, text: str, **kwargs):
            return super().render_str(inert(text), **kwargs)

    return InertConsole(file=getattr(sys.stdout, "inner", sys.stdout))


# ------------------------------------------------------------------ store access


def _location(ctx: typer.Context, db: str | None) -> access.StoreLocation:
    return access.locate(db or _state(ctx).get("db"))


def _passphrase_for_open(loc: access.StoreLocation) -> str | None:
    if not loc.is_encrypted():
        return None
    value = access.env_passphrase()
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise CliError(f"{loc.describe()} is encrypted: give --passphrase-file FILE (or "
                       "CINTUI_PASSPHRASE_FILE), or run in a terminal")
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
        yield _KEPT[key]
        return
    store = access.open_location(loc, _passphrase_for_open(loc))
    if _KEPT is not None:
        _KEPT[key] = store
        yield store
        return
    try:
        if store.upgraded_from:
            typer.echo(
                f"Upgraded the store from revision {store.upgraded_from}; "
                f"backup at {store.backup_path}",
                err=True,
            )
        yield store
    finally:
        store.close()


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


def _check_format(fmt: str, formats: tuple[str, ...]) -> str:
    """`fmt` as one of `formats`, else one line."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in formats:
        raise CliError(f"unknown format {fmt!r}: choose one of {', '.join(formats)}")
    return fmt


def _check_folder(output: Path) -> None:
    """The folder an output file goes in must exist (one line, else)."""
    if not output.parent.is_dir():
        raise CliError(f"no such folder: {output.parent}")


def _now(today: str | None):
    """Now, as a wall-clock time to the minute; on `--today` (or CINTUI_TODAY) when that is
    set apart, as the app's clock does."""
    from datetime import datetime

    day = _today(today)
    real = datetime.now().replace(second=0, microsecond=0)
    return real if real.date() == day else datetime.combine(day, real.time())


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
