"""The `cintui` command line: the root callback, every command group wired in, and the
entry point that turns user errors into one line and exit 2."""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import Annotated

import typer

from cintui import __version__
from cintui.cli.common import (
    EXIT_USAGE,
    CliError,
    DbOption,
    _state,
    access,
    app,
)

# ------------------------------------------------------------------ root


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cintui {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: DbOption = None,
    no_encrypt: Annotated[
        bool, typer.Option("--no-encrypt", help="Create a plain (unencrypted) store on first run.")
    ] = False,
    as_worker: Annotated[
        str | None, typer.Option("--as", help="Open the app as this worker (username).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    _state(ctx)["db"] = db
    from cintui.reference import holiday_cache

    holiday_cache.install()  # bank holidays from the cache, as the app: ~100 ms sooner
    if ctx.invoked_subcommand is None:
        from cintui.app import run_app

        run_app(access.locate(db), encrypt=not no_encrypt, worker=as_worker)


# ------------------------------------------------------------------ entry point


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that are the user's to fix: shown as one line, exit 2."""
    errors: list[type[BaseException]] = [CliError, access.AccessError]
    from cintui.domain.child import InvalidChildDetails
    from cintui.domain.people import InvalidContact
    from cintui.domain.policy import PolicyError
    from cintui.reference import codes, policies

    errors += [codes.InvalidCode, policies.UnknownPolicy, PolicyError, InvalidChildDetails,
               InvalidContact]
    if "cintui.store.engine" in sys.modules:
        from cintui.store.engine import StoreError
        from cintui.store.models import InvalidRow

        errors += [StoreError, InvalidRow]
    if "cintui.domain.child_protection" in sys.modules:
        from cintui.domain.child_protection import InvalidChildProtection

        errors.append(InvalidChildProtection)
    if "cintui.casework.cases" in sys.modules:
        from cintui.casework.cases import CaseworkError

        errors.append(CaseworkError)
    return tuple(errors)


def run(argv: list[str] | None = None) -> None:
    """Entry point: usage errors and our own become one line and exit 2."""
    os.umask(0o077)  # stores, backups and exports are the owner's alone (0600)
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="cintui", standalone_mode=False)
    except typer.Abort:
        typer.echo("cintui: cancelled", err=True)
        sys.exit(1)
    except typer.TyperException as exc:  # Typer's own (vendored Click) usage errors
        if type(exc).__name__ == "NoArgsIsHelpError":  # `cintui policy`: show its help
            typer.echo(exc.format_message())
            sys.exit(0)
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        typer.echo(f"cintui: {message}", err=True)
        sys.exit(EXIT_USAGE)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if isinstance(exc, _user_errors()):
            typer.echo(f"cintui: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        from cintui.reference import config

        log = config.log_crash(exc)
        typer.echo(f"cintui: internal error ({type(exc).__name__}); details in {log}", err=True)
        sys.exit(1)
    if isinstance(result, int) and result:
        sys.exit(result)


# Importing each group's module registers its commands on `app` (and on the shared
# `child` and `export` groups).
GROUPS = ("deadline", "policy", "children", "demo", "db", "audit", "plans", "visits",
          "meetings", "due", "reports", "census", "endings", "transfer", "imports", "admin",
          "child_protection", "steps", "people")
for _group in GROUPS:
    import_module(f"cintui.cli.{_group}")
