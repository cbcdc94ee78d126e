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
def _server(url: str) -> Iterator:
    """The team server as the worker's own login; a password is asked for in a terminal
    when libpq finds none (~/.pgpass, PGPASSFILE, a service file)."""
    from sqlalchemy.engine import make_url

    from cintui.store import engine
    from cintui.store.base import StoreError

    try:
        store = engine.open_url(url)
    except StoreError as exc:
        if "password" not in str(exc).lower() or not sys.stdin.isatty():
            raise CliError(f"cannot reach the team server: {exc}") from None
        import getpass

        login = make_url(url).username or "you"
        secret = getpass.getpass(f"Password for {login} on the team server: ")
        try:
            store = engine.open_url(make_url(url).set(password=secret)
                                    .render_as_string(hide_password=False))
        except StoreError as again:
            raise CliError(f"cannot reach the team server: {again}") from None
    try:
        yield store
    finally:
        store.close()


def _dropped(exc: BaseException) -> CliError:
    from cintui.store.base import said

    line = said(exc) or str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return CliError(f"the sync did not finish ({line}); nothing was half-done: run `cintui "
                    "sync` again")


@sync_app.callback()
def sync_main(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False,
              today: TodayOption = None) -> None:
    """Send what this laptop recorded and bring down what changed on the team server, in
    one pass (a dropped connection leaves nothing half-done: run it again)."""
    if ctx.invoked_subcommand is not None:
        return
    from sqlalchemy.exc import DBAPIError

    from cintui.store import sync

    loc = _laptop(ctx, db)
    with _open(ctx, db) as local:
        with local.engine.connect() as conn:
            values = sync.meta(conn)
        if sync.META_LOGIN not in values:
            raise CliError(f"{loc.describe()} is not a laptop replica: `cintui sync setup "
                           "SERVER-URL` makes one (on a new store)")
        try:
            with _server(values[sync.META_SERVER]) as server:
                result = sync.run(local, server, today=_today(today),
                                  progress=None if as_json else _progress)
        except DBAPIError as exc:
            raise _dropped(exc) from None
    _report(result, as_json)


def _progress(text: str) -> None:
    typer.echo(f"{text}…", err=True)


def _report(result, as_json: bool) -> None:
    shown = {"sent": result.sent, "taken": result.pushed, "conflicts": result.conflicts,
             "pulled": result.pulled, "deleted": result.deleted, "left": result.left,
             "at": result.at.isoformat() if result.at else None}
    if as_json:
        _echo_json(shown)
        return
    typer.echo(f"Synced: {result.pushed} change{'s' if result.pushed != 1 else ''} sent, "
               f"{result.pulled} record{'s' if result.pulled != 1 else ''} brought down"
               + (f", {result.deleted} deleted on the server" if result.deleted else "")
               + ".")
    if result.left:
        typer.echo(f"Left this laptop (no longer your case or your team's): "
                   f"{', '.join(result.left)}.")
    if result.conflicts:
        typer.echo(f"{result.conflicts} conflict{'s' if result.conflicts != 1 else ''} to "
                   "resolve: cintui sync conflicts")


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
    from sqlalchemy.exc import DBAPIError

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
            result = sync.run(local, server, today=_today(today),
                              progress=None if as_json else _progress)
        except DBAPIError as exc:
            raise _dropped(exc) from None
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
             "waiting": where.waiting, "conflicts": where.conflicts}
    if as_json:
        _echo_json(shown)
        return
    last = where.last_sync.astimezone().strftime("%d/%m/%Y %H:%M") if where.last_sync \
        else "never"
    typer.echo(f"Syncs as {where.login} with {where.server}; last sync {last}; "
               f"{where.waiting} change{'s' if where.waiting != 1 else ''} waiting to be "
               f"sent; {where.conflicts} conflict{'s' if where.conflicts != 1 else ''} to "
               "resolve.")


def _value(text: str) -> str:
    import json

    value = json.loads(text)
    if value is None:
        return "(not there)"
    if isinstance(value, dict):
        values = value.get("values", value)
        return ", ".join(f"{k}={v}" for k, v in sorted(values.items())
                         if k not in ("id", "created_at", "updated_at"))[:200]
    return str(value)


@sync_app.command("conflicts")
def sync_conflicts(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Changes made here that the server could not take as they were: both versions."""
    from cintui.store import sync

    _laptop(ctx, db)
    with _open(ctx, db) as local, local.engine.connect() as conn:
        rows = sync.conflicts(conn)
        names = _children(conn, {r.child_id for r in rows if r.child_id})
    shown = [{"id": r.id.hex, "kind": r.kind, "child": names.get(r.child_id, ""),
              "record": r.entity, "record_id": r.entity_id, "field": r.field,
              "mine": _value(r.mine), "theirs": _value(r.theirs), "reason": r.reason}
             for r in rows]
    if as_json:
        _echo_json(shown)
        return
    if not shown:
        typer.echo("No conflicts to resolve.")
        return
    for row in shown:
        what = f"{row['record']}.{row['field']}" if row["field"] else row["record"]
        typer.echo(f"{row['id'][:8]}  {row['child'] or '-'}  {what}: mine {row['mine']!r}, "
                   f"the server's {row['theirs']!r}"
                   + (f" ({row['reason']})" if row["reason"] else ""))
    typer.echo("Resolve each: cintui sync resolve ID mine|theirs")


def _children(conn, ids: set) -> dict:
    from sqlalchemy import select

    from cintui.store.models import Child

    if not ids:
        return {}
    c = Child.__table__  # type: ignore[attr-defined]
    return {r.id: f"{r.reference} {r.first_name} {r.last_name}".strip() for r in conn.execute(
        select(c.c.id, c.c.reference, c.c.first_name, c.c.last_name).where(
            c.c.id.in_(sorted(ids))))}


@sync_app.command("resolve")
def sync_resolve(ctx: typer.Context,
                 conflict: Annotated[str, typer.Argument(metavar="ID",
                                                         help="The conflict (its first "
                                                         "characters will do).")],
                 choice: Annotated[str, typer.Argument(metavar="mine|theirs")],
                 db: DbOption = None) -> None:
    """Choose a version: `theirs` takes the server's here now; `mine` keeps yours, and the
    server takes it at the next sync."""
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
        sync.resolve(local, uuid.UUID(str(matches[0])), choice, access.current_actor())
    typer.echo("Kept your version: the server takes it at the next sync." if choice == "mine"
               else "Took the server's version.")


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
    for r in shown:
        typer.echo(f"{r['device'][:12]}  {r['login']}  {r['label'] or '-'}  "
                   f"{r['entries']} entries  last sync {r['last_sync'] or 'never'}"
                   + (f"  REVOKED {r['revoked']}" if r["revoked"] else ""))


@sync_app.command("revoke")
def sync_revoke(ctx: typer.Context,
                device: Annotated[str, typer.Argument(metavar="DEVICE",
                                                      help="The laptop's id (its first "
                                                      "characters will do).")],
                db: DbOption = None) -> None:
    """On the team server, a manager: a lost or replaced laptop can no longer sync. Change
    or disable its worker's login too (cintui worker edit): the laptop's store is encrypted,
    so without its passphrase it shows nothing."""
    from cintui.store import sync

    with _open(ctx, db) as server:
        if server.server is None:
            raise CliError("revoke a laptop on the team server (--db URL or "
                           "CINTUI_DATABASE_URL)")
        label = sync.revoke(server, device, access.current_actor())
    typer.echo(f"Revoked {label}: it can no longer sync with the team server.")
