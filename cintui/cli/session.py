"""cintui unlock / cintui lock: a script's many commands open an encrypted store without
deriving its key each time (store/unlocked.py)."""

from __future__ import annotations

import shlex
from typing import Annotated

import typer

from cintui.cli.common import CliError, DbOption, _location, _passphrase_for_open, app


def _minutes(value: str) -> int:
    """`--for`: 90 (minutes), 90m, 2h or 1h30m."""
    import re

    text = value.strip().lower().replace(" ", "")
    found = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m?)?", text)
    if not text or found is None or not any(found.groups()):
        raise CliError(f"--for: {value!r} is not a length of time; give minutes (90), or "
                       "hours and minutes (2h, 1h30m)")
    hours, minutes = (int(g) if g else 0 for g in found.groups())
    total = hours * 60 + minutes
    from cintui.store.unlocked import MAX_MINUTES

    if not 1 <= total <= MAX_MINUTES:
        raise CliError(f"--for: {value!r} is not from 1 minute to {MAX_MINUTES // 60} hours; "
                       "a longer session would outlast the working day")
    return total


@app.command()
def unlock(
    ctx: typer.Context,
    for_: Annotated[str, typer.Option(
        "--for", metavar="TIME", help="How long: minutes (90), or 2h, 1h30m. Up to 12h.")
    ] = "60",
    db: DbOption = None,
) -> None:
    """Unlock an encrypted store for this shell's commands, for a while: run it as
    `eval "$(cintui unlock)"`. It asks for the passphrase once (or reads --passphrase-file)
    and prints `export CINTUI_SESSION=...`; each command then opens the store without
    deriving its key again (~0.13 s a command). `cintui lock` ends it sooner."""
    import os
    import time

    from cintui.store import unlocked

    minutes = _minutes(for_)
    loc = _location(ctx, db)
    if loc.url is not None:
        raise CliError("a team server has no passphrase to unlock: its logins are the "
                       "server's")
    assert loc.path is not None
    if not loc.exists():
        raise CliError(f"no store at {loc.describe()}")
    if not loc.is_encrypted():
        raise CliError(f"{loc.describe()} is not encrypted: there is nothing to unlock")
    passphrase = _passphrase_for_open(loc, session=False)
    assert passphrase is not None
    key = unlocked.raw_key(loc.path, passphrase)
    if not unlocked.opens(loc.path, key):
        raise CliError(f"wrong passphrase or damaged file: {loc.describe()}; nothing unlocked")
    try:
        session = unlocked.start(loc.path, key, minutes, token=os.environ.get(unlocked.ENV))
    except (unlocked.UnlockError, OSError) as exc:
        raise CliError(f"cannot keep the unlock session: {exc}") from None
    ends = time.strftime("%H:%M", time.localtime(session.until))
    typer.echo(f"export {unlocked.ENV}={shlex.quote(session.token)}")
    typer.echo(f"Unlocked {session.store} until {ends}, for the shell that runs "
               f"`eval \"$(cintui unlock)\"`; `cintui lock` ends it sooner.", err=True)


@app.command()
def lock(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Every store unlocked on this "
                                                    "computer, not just this one.")] = False,
    db: DbOption = None,
) -> None:
    """End an unlock session (`cintui unlock`): the store asks for its passphrase again."""
    from cintui.store import unlocked

    if all_:
        ended = unlocked.end()
        typer.echo(f"Locked: {ended} unlock session{'s' if ended != 1 else ''} ended.")
        return
    loc = _location(ctx, db)
    if loc.path is None:
        raise CliError("a team server is never unlocked here: nothing to lock")
    if unlocked.end(loc.path):
        typer.echo(f"Locked {loc.describe()}: it asks for its passphrase again.")
    else:
        typer.echo(f"{loc.describe()} was not unlocked: nothing to end.")
