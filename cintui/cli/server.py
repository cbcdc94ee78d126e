"""`cintui server init|info|grant|revoke`: a PostgreSQL store as a team server where each
worker logs in as themselves (store/server.py). Run by the database's owner."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import CliError, DbOption, JsonOption, _echo_json, _open, app

server_app = typer.Typer(help="A team server: each worker logs in as themselves.",
                         no_args_is_help=True)
app.add_typer(server_app, name="server")

GroupArg = Annotated[str, typer.Argument(metavar="ROLE", help="admin (set-up: the authority, "
                                         "teams, workers and their logins) or audit.")]
UserArg = Annotated[str, typer.Argument(metavar="USERNAME", help="A worker's login.")]


@server_app.command("init")
def server_init(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Make this PostgreSQL store a team server (safe to run again): group roles, grants,
    triggers, row-level security and the server's log of changes. Run as the database's
    owner, who needs CREATEROLE."""
    from sqlalchemy.exc import DBAPIError

    from cintui.store import server

    try:
        with _open(ctx, db) as store, store.engine.begin() as conn:
            was = server.info(conn) if conn.dialect.name == "postgresql" else None
            info = server.init(conn)
            shown = server.describe(conn, info)
    except DBAPIError as exc:  # e.g. tables made by another login: nothing was changed
        raise CliError(f"the server refused: {server.first_line(exc)}; nothing was changed "
                       "(run it as the owner of the database and its tables)") from None
    if as_json:
        _echo_json(shown)
        return
    typer.echo(("Team server checked: " if was else "Team server ready: ")
               + ", ".join(shown["groups"]) + ".")
    if not was:
        typer.echo("Next: cintui worker add USERNAME ... --password-file FILE (a login each); "
                   "cintui server grant USERNAME admin (who sets up); each worker sets "
                   "CINTUI_DATABASE_URL to a URL with their own login.")


@server_app.command("info")
def server_info(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """The team server's groups, who is in each, and who you are logged in as."""
    from cintui.store import server

    with _open(ctx, db) as store:
        if store.server is None:
            raise CliError("this store is not a team server (cintui server init)")
        with store.engine.connect() as conn:
            shown = server.describe(conn, store.server)
    if as_json:
        _echo_json(shown)
        return
    typer.echo(f"logged in as: {shown['login']}")
    for group, members in shown["groups"].items():
        typer.echo(f"{group}: {', '.join(members) or '—'}")


def _grant(ctx: typer.Context, username: str, group: str, db, revoke: bool) -> None:
    from cintui.store import server

    with _open(ctx, db) as store:
        if store.server is None:
            raise CliError("this store is not a team server (cintui server init)")
        try:
            with store.engine.begin() as conn:
                server.grant(conn, store.server, username, group.strip().lower(), revoke)
        except server.ServerError:
            raise
        except Exception as exc:  # the server's refusal (not the owner): one line
            raise CliError(f"the server refused: {server.first_line(exc)}") from None
    verb = "no longer has" if revoke else "now has"
    typer.echo(f"{username} {verb} the {group} role.")


@server_app.command("grant")
def server_grant(ctx: typer.Context, username: UserArg, group: GroupArg,
                 db: DbOption = None) -> None:
    """Give a worker's login the admin or audit role (the database's owner does this)."""
    _grant(ctx, username, group, db, revoke=False)


@server_app.command("revoke")
def server_revoke(ctx: typer.Context, username: UserArg, group: GroupArg,
                  db: DbOption = None) -> None:
    """Take the admin or audit role from a worker's login."""
    _grant(ctx, username, group, db, revoke=True)
