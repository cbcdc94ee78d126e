"""cintui db: create, upgrade, back up and describe the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    _echo_json,
    _location,
    _open,
    _passphrase_for_create,
    _passphrase_for_open,
    access,
    app,
)

db_app = typer.Typer(help="The store itself: create, upgrade, back up.", no_args_is_help=True)
app.add_typer(db_app, name="db")

# ------------------------------------------------------------------ db


@db_app.command("init")
def db_init(
    ctx: typer.Context,
    db: DbOption = None,
    no_encrypt: Annotated[bool, typer.Option("--no-encrypt", help="Plain store.")] = False,
    policy: Annotated[str, typer.Option("--policy")] = "england",
) -> None:
    """Create an empty store (encrypted unless --no-encrypt)."""
    from cintui.casework import cases
    from cintui.reference import policies

    policies.load_policy(policy)
    loc = _location(ctx, db)
    # A database server keeps its own files: no passphrase (PostgreSQL: see the README).
    passphrase = None if no_encrypt or loc.url else _passphrase_for_create(loc)
    store = access.create_location(loc, passphrase, encrypt=not no_encrypt)
    try:
        with store.session(access.current_actor()) as session:
            cases.set_store_policy(session, policy)
    finally:
        store.close()
    kind = ("a" if loc.url else "a plain (UNENCRYPTED)" if no_encrypt else "an encrypted")
    typer.echo(f"Created {kind} store at {loc.describe()}.")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, db: DbOption = None) -> None:
    """Bring an older store up to this version (a backup is written first)."""
    from cintui.store import migrate

    with _open(ctx, db) as store:
        if store.upgraded_from is None:
            typer.echo(f"The store is up to date (revision {migrate.head_revision()}).")
        else:
            typer.echo(f"Upgraded to revision {migrate.head_revision()}.")


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="Backup file to write.",
                                         dir_okay=False)],
    db: DbOption = None,
) -> None:
    """Copy the store to a file (same encryption and passphrase), safely while in use."""
    from cintui.store.engine import backup_store

    if output.exists():
        raise CliError(f"{output} already exists; choose a new file")
    loc = _location(ctx, db)
    passphrase = _passphrase_for_open(loc)
    with _open(ctx, db) as store:
        backup_store(store, output, passphrase)
    typer.echo(f"Backed up to {output}.")


@db_app.command("info")
def db_info(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Where the store is, whether it is encrypted, its revision and policy."""
    from cintui.casework import cases
    from cintui.store import migrate

    loc = _location(ctx, db)
    with _open(ctx, db) as store:
        with store.read() as session:
            policy = cases.store_policy_name(session)
        info = {"store": loc.describe(), "encrypted": store.encrypted,
                "revision": migrate.current_revision(store.engine), "policy": policy}
        if store.server is not None:  # issue 18: who you are is who you logged in as
            info["team_server"] = store.server.prefix
            info["login"] = store.server.login
    if as_json:
        _echo_json(info)
    else:
        for key, value in info.items():
            typer.echo(f"{key}: {value}")
        if loc.url is not None:
            typer.echo("On a database server: its disks and backups need encrypting there.")
        elif not info["encrypted"]:
            typer.echo("WARNING: this store is not encrypted.")
