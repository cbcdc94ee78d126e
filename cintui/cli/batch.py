"""cintui each: one command for many children in one process (issue "Instant from the
shell", item 4): a script never needs a loop of processes, and an encrypted store's key is
derived once, not once a child."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    _reading,
    _state,
    app,
    as_typed,
    keep_open,
    usage_message,
)

EACH_HELP = "Run one command for many children, in one process"


@app.command("each", context_settings={"allow_extra_args": True,
                                       "ignore_unknown_options": True})
def each(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Every open child.")] = False,
    team: Annotated[str | None, typer.Option("--team", help="A team's open children.")] = None,
    worker: Annotated[str | None, typer.Option(
        "--worker", help="A worker's open children (username).")] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="A file of case references, one a line (# comments).",
        dir_okay=False)] = None,
    child: Annotated[list[str] | None, typer.Option(
        "--child", help="A child (reference or name); repeat for more.")] = None,
    db: DbOption = None,
) -> None:
    """Run one command for many children, in one process: after `--` the command, with {}
    where the child goes (else the child follows the command's words):

        cintui each --team south -- plan check
        cintui each --file refs.txt -- export plan {} -f pdf -o out/{}.pdf --final

    Each child's output in turn (a line naming the child goes to stderr first); a child
    whose command fails says why, prefixed by its reference, and the rest go on. Exit 1 if
    any failed."""
    command = list(ctx.args)
    if not command:
        raise CliError("say which command to run after --, e.g. `cintui each --all -- plan "
                       "check`")
    if command[0] == "each":
        raise CliError("`each` runs another command, not itself")
    chosen = sum(bool(x) for x in (all_, team, worker, file, child))
    if chosen != 1:
        raise CliError("choose the children one way: --all, --team, --worker, --file or "
                       "--child")
    db = db or _state(ctx).get("db")
    references = _children(ctx, db, all_, team, worker, file, child or [])
    if not references:
        raise CliError("no children to run it for")
    root = ctx.find_root().command
    failed = 0
    with keep_open():
        for reference in references:
            args = _with_child(command, reference)
            if db is not None and "--db" not in args:
                args += ["--db", str(db)]
            failed += not _run_one(root, args, reference)
    if failed:
        typer.echo(f"cintui each: {failed} of {len(references)} failed", err=True)
        raise typer.Exit(1)


def _children(ctx: typer.Context, db: Path | None, all_: bool, team: str | None,
              worker: str | None, file: Path | None, child: list[str]) -> list[str]:
    if file is not None:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CliError(f"cannot read {file}: {exc.strerror or exc}") from None
        return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]
    if child:
        return child
    from datetime import date

    from cintui.casework import caseload, lookup

    with _reading(ctx, db) as rows:  # a worker or team as `child list` takes them
        username, team_name = (lookup.resolve_scope(rows, worker=worker, team=team)
                               if worker or team else (None, None))
        found = caseload.list_children(rows, date.today(), username=username,
                                       team=team_name, open_only=True)
    return [c.reference for c in found]


def _with_child(command: list[str], reference: str) -> list[str]:
    if any("{}" in part for part in command):
        return [part.replace("{}", reference) for part in command]
    words = 0
    while words < len(command) and not command[words].startswith("-"):
        words += 1
    return [*command[:words], reference, *command[words:]]


def _run_one(root, args: list[str], reference: str) -> bool:
    from cintui.store.base import StoreError

    typer.echo(f"— {reference}", err=True)  # on stderr: stdout stays the commands' own
    try:
        code = root.main(args=args, prog_name="cintui", standalone_mode=False)
    except typer.Exit as exc:
        return not exc.exit_code
    except typer.Abort:
        raise
    except typer.TyperException as exc:
        typer.echo(f"cintui each: {reference}: {usage_message(exc)}", err=True)
        return False
    except (CliError, StoreError, ValueError, LookupError) as exc:
        typer.echo(f"cintui each: {reference}: {as_typed(exc)}", err=True)
        return False
    return not code if isinstance(code, int) else True


__all__ = ["EACH_HELP", "each"]
