"""`cintui sync`: a laptop that works offline and syncs with the team server (issue 19).

    cintui sync setup postgresql+psycopg://amira@server/cintui   # once: an encrypted replica
    cintui sync                                                   # push, then pull
    cintui sync status | conflicts | resolve ID mine|theirs
    cintui sync devices | revoke DEVICE                           # on the server: laptops

The laptop connects to the server with the worker's own login (its password from ~/.pgpass,
a service file, or asked in a terminal; never on the command line). See store/sync.py.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import uuid
from collections.abc import Iterator
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    TodayOption,
    _echo_json,
    _location,
    _open,
    _passphrase_for_create,
    _today,
    app,
)
from cintui.store import access

sync_app = typer.Typer(help="Laptops: work offline, sync with the team server.",
                       invoke_without_command=True)
app.add_typer(sync_app, name="sync")

UrlArg = Annotated[str, typer.Argument(
    metavar="SERVER-URL", help="The team server, with your own login: "
    "postgresql+psycopg://USER@HOST/DATABASE (the password from ~/.pgpass, or asked).")]


def _laptop(ctx: typer.Context, db: str | None) -> access.StoreLocation:
    loc = _location(ctx, db)
    if loc.url is not None:
        raise CliError("cintui sync works on a laptop's own store file: unset "
                       "CINTUI_DATABASE_URL (or give --db PATH to the laptop's store)")
    return loc


@contextlib.contextmanager
def _server(url: str, again: str | None = None) -> Iterator:
    """The team server as the worker's own login; a password is asked for in a terminal
    when libpq finds none (~/.pgpass, PGPASSFILE, a service file), and never kept.
    `again`: a laptop's sync (what it recorded stays on it when the server is out of reach)."""
    from cintui.casework import laptop

    try:
        store = laptop.connect(url, again=again)
    except laptop.PasswordNeeded as exc:
        if not sys.stdin.isatty():
            raise CliError(f"{exc.problem}: put it in ~/.pgpass (or PGPASSFILE, a service "
                           "file), or run in a terminal") from None
        import getpass

        store = laptop.connect(url, getpass.getpass(
            f"Password for {exc.login} on the team server: "), again=again)
    try:
        yield store
    finally:
        store.close()


AGAIN = "run `cintui sync` again"


@sync_app.callback()
def sync_main(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False,
              today: TodayOption = None) -> None:
    """Send what this laptop recorded and bring down what changed on the team server, in
    one pass (a dropped connection leaves nothing half-done: run it again)."""
    if ctx.invoked_subcommand is not None:
        return
    from cintui.casework import laptop

    _laptop(ctx, db)
    with _open(ctx, db) as local:
        try:
            with _server(laptop.server_url(local), AGAIN) as server:
                result = laptop.run(local, server=server, today=_today(today), again=AGAIN,
                                    progress=None if as_json else _progress)
        except laptop.SyncFailed as exc:  # out of reach: `cintui sync status` says so
            laptop.failed(local, exc)
            raise
    _report(result, as_json)


def _progress(text: str) -> None:
    typer.echo(f"{text}…", err=True)


def _report(result, as_json: bool) -> None:
    from cintui.casework import laptop

    if as_json:
        _echo_json({"sent": result.sent, "taken": result.pushed, "conflicts": result.conflicts,
                    "pulled": result.pulled, "deleted": result.deleted, "left": result.left,
                    "after_closure": result.after_closure,
                    "at": result.at.isoformat() if result.at else None})
        return
    typer.echo(laptop.summary(result, "cintui sync conflicts"))


@sync_app.command("setup")
def sync_setup(ctx: typer.Context, url: UrlArg,
               label: Annotated[str | None, typer.Option(
                   "--label", help="This laptop's name, as the team's list shows it "
                   "(default: its host name).")] = None,
               db: DbOption = None, as_json: JsonOption = False,
               today: TodayOption = None) -> None:
    """Make this laptop's encrypted store a replica of your cases on the team server: your
    caseload and your team's open children (a manager: their teams'), the people in them,
    and the teams, workers and policy. Then `cintui sync` keeps it in step."""
    from cintui.casework import laptop
    from cintui.store import sync

    access.check_no_password(url)
    loc = _laptop(ctx, db)
    assert loc.path is not None
    if loc.path.exists():
        raise CliError(f"{loc.path} already exists: a laptop replica starts as a new store "
                       "(give --db NEW-PATH, or move that one away)")
    with _server(url) as server:
        if server.server is None:
            raise CliError("that database is not a team server (its owner runs `cintui "
                           "server init`)")
        login = server.server.login
        local = access.create_location(loc, _passphrase_for_create(loc), encrypt=True)
        try:
            sync.mark_replica(local, url, login)
            sync.register(server, local.store_id, label or socket.gethostname())
        except BaseException:
            local.close()
            for side in (loc.path, *(loc.path.with_name(loc.path.name + s)
                                     for s in ("-wal", "-shm"))):
                side.unlink(missing_ok=True)
            raise
        try:
            result = laptop.run(local, server=server, today=_today(today), again=AGAIN,
                                progress=None if as_json else _progress)
        finally:
            local.close()
    if not as_json:
        typer.echo(f"This laptop now holds {login}'s cases from the team server, encrypted "
                   f"at {loc.path}.")
    _report(result, as_json)


@sync_app.command("status")
def sync_status(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """When this laptop last synced, what waits to be sent, conflicts to resolve."""
    from cintui.store import sync

    _laptop(ctx, db)
    with _open(ctx, db) as local, local.engine.connect() as conn:
        where = sync.standing(conn)
    if not where.replica:
        raise CliError("this store is not a laptop replica (cintui sync setup SERVER-URL)")
    shown = {"server": where.server, "login": where.login,
             "last_sync": where.last_sync.isoformat() if where.last_sync else None,
             "waiting": where.waiting, "conflicts": where.conflicts,
             "failed_at": where.failed_at.isoformat() if where.failed_at else None,
             "failed": where.failed or None}
    if as_json:
        _echo_json(shown)
        return
    last = _england(where.last_sync)
    # A try since the last sync that did not finish, and why: it said only the last sync.
    tried = (f"; the last try, {_england(where.failed_at)}, did not sync: {where.failed}"
             if where.failed_at else "")
    typer.echo(f"Syncs as {where.login} with {where.server}; last sync {last}{tried}; "
               f"{where.waiting} change{'s' if where.waiting != 1 else ''} waiting to be "
               f"sent; {where.conflicts} conflict{'s' if where.conflicts != 1 else ''} to "
               "resolve.")


@sync_app.command("conflicts")
def sync_conflicts(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Changes made here that the server could not take as they were: both versions."""
    import json

    from cintui.casework import laptop

    _laptop(ctx, db)
    with _open(ctx, db) as local:
        found = laptop.conflicts(local)
    if as_json:
        _echo_json([{"id": c.id.hex, "kind": c.kind, "child": c.child, "what": c.what,
                     "record": c.row.entity, "record_id": c.row.entity_id,
                     "field": c.row.field, "base": json.loads(c.row.base),
                     "mine": json.loads(c.row.mine),
                     "theirs": json.loads(c.row.theirs), "reason": c.reason,
                     "recorded": c.recorded,
                     # who made the server's version, when (UTC); null: not known
                     "theirs_by": c.row.theirs_by or None,
                     "theirs_by_name": c.theirs_name or None,
                     "theirs_at": c.row.theirs_at.isoformat() if c.row.theirs_at else None,
                     "theirs_changed": c.theirs_said,
                     "named": c.named or None} for c in found])
        return
    if not found:
        typer.echo("No conflicts to resolve.")
        return
    for c in found:
        typer.echo(f"{c.id.hex[:8]}  {c.child or '-'}  {c.what_named} ({c.why})")
        typer.echo(f"    On this laptop:      {'; '.join(c.mine)}"
                   + (f" · {c.mine_said[:1].lower()}{c.mine_said[1:]}" if c.mine_said else ""))
        typer.echo(f"    On the team server:  {'; '.join(c.theirs)}"
                   + (f" · {c.theirs_said[:1].lower()}{c.theirs_said[1:]}"
                      if c.theirs_said else ""))
    typer.echo("Resolve each: cintui sync resolve ID mine|theirs")


@sync_app.command("resolve")
def sync_resolve(ctx: typer.Context,
                 conflict: Annotated[str, typer.Argument(metavar="ID",
                                                         help="The conflict (its first "
                                                         "characters will do).")],
                 choice: Annotated[str, typer.Argument(metavar="mine|theirs")],
                 db: DbOption = None) -> None:
    """Choose a version: `theirs` takes the server's here now; `mine` keeps yours, and the
    server takes it at the next sync."""
    from cintui.casework import laptop
    from cintui.domain.laptop import SYNC_KEY
    from cintui.store import sync

    if choice not in ("mine", "theirs"):
        raise CliError(f"choose mine or theirs, not {choice!r}")
    _laptop(ctx, db)
    with _open(ctx, db) as local:
        with local.engine.connect() as conn:
            matches = [r.id for r in sync.conflicts(conn) if r.id.hex.startswith(
                conflict.lower().replace("-", ""))]
        if len(matches) != 1:
            raise CliError(f"no open conflict {conflict!r} (cintui sync conflicts lists them)"
                           if not matches else f"{conflict!r} matches {len(matches)} "
                           "conflicts: give more of its id")
        said = laptop.resolve(local, uuid.UUID(str(matches[0])), choice,
                              access.current_actor())
    typer.echo(said.replace(f"({SYNC_KEY})", "(cintui sync)"))


@sync_app.command("devices")
def sync_devices(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """On the team server: the laptops that sync, whose, when they last did, and how many
    of their audit entries arrived (a manager sees every laptop; a worker their own)."""
    from cintui.store import sync

    with _open(ctx, db) as server:
        rows = sync.devices(server)
    shown = [{"device": r.device, "login": r.login, "label": r.label, "entries": r.entries,
              "last_sync": r.last_sync_at.isoformat() if r.last_sync_at else None,
              "revoked": r.revoked_at.isoformat() if r.revoked_at else None} for r in rows]
    if as_json:
        _echo_json(shown)
        return
    if not shown:
        typer.echo("No laptops sync with this server yet.")
    for r in rows:
        typer.echo(f"{r.device[:12]}  {r.login}  {r.label or '-'}  {r.entries} entries  "
                   f"last sync {_england(r.last_sync_at)}"
                   + (f"  REVOKED {_england(r.revoked_at)}" if r.revoked_at else ""))


def _england(at) -> str:
    """An instant as the header reads it: England's wall-clock time (`sync devices`, `status`)."""
    from cintui.domain.calendar import england_time
    from cintui.domain.dates import day_words

    if not at:
        return "never"
    local = england_time(at)
    return f"{day_words(local)} {local:%H:%M}"


@sync_app.command("revoke")
def sync_revoke(ctx: typer.Context,
                device: Annotated[str, typer.Argument(metavar="DEVICE",
                                                      help="The laptop's id (its first "
                                                      "characters will do).")],
                db: DbOption = None) -> None:
    """On the team server, a manager: a lost or replaced laptop can no longer sync. Change
    its worker's password too (the owner or an admin: cintui worker edit USERNAME
    --ask-password), or `cintui worker leave` for one who left: the laptop's store is
    encrypted, so without its passphrase it shows nothing."""
    from cintui.store import sync

    with _open(ctx, db) as server:
        if server.server is None:
            raise CliError("revoke a laptop on the team server (--db URL or "
                           "CINTUI_DATABASE_URL)")
        label, login = sync.revoke(server, device, access.current_actor())
    typer.echo(f"Revoked {label}: it can no longer sync with the team server. Lost? The "
               f"database's owner or an admin changes {login}'s password next: `cintui "
               f"worker edit {login} --ask-password`.")
