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
def db_upgrade(
    ctx: typer.Context,
    db: DbOption = None,
    backup_to: Annotated[Path | None, typer.Option(
        "--backup-to", help="Server: back up first with pg_dump -Fc into this new file.",
        dir_okay=False)] = None,
    backup_taken: Annotated[bool, typer.Option(
        "--backup-taken", help="Server: you have just taken a backup yourself.")] = False,
) -> None:
    """Bring an older store up to this version. A file is backed up next to itself first; a
    server only with --backup-to FILE or --backup-taken."""
    from cintui.store import migrate
    from cintui.store import server_ops as server

    loc = _location(ctx, db)
    if not server.is_server_url(loc.url):
        if backup_to is not None or backup_taken:
            raise CliError("--backup-to and --backup-taken are for a database server: a store "
                           "file is backed up next to itself before it is upgraded")
        with _open(ctx, db) as store:
            if store.upgraded_from is None:
                typer.echo(f"The store is up to date (revision {migrate.head_revision()}).")
            else:
                typer.echo(f"Upgraded to revision {migrate.head_revision()}.")
        return
    _upgrade_server(loc, backup_to, backup_taken)


def _upgrade_server(loc: access.StoreLocation, backup_to: Path | None,
                    backup_taken: bool) -> None:
    """UpgradeNeeded's way out: a backup (taken here, or the administrator's word), then the
    migrations in one transaction."""
    from cintui.store import fast, migrate
    from cintui.store import server_ops as server
    from cintui.store.engine import open_url

    url, shown, head = loc.url or "", loc.describe(), migrate.head_revision()
    conn = fast.connect_server(url)
    try:
        revision = fast.server_revision(conn)
    finally:
        conn.close()
    if revision == head:
        typer.echo(f"The store is up to date (revision {head}).")
        return
    if revision is None:
        raise CliError(f"no cintui store at {shown} yet: `cintui db init` makes one")
    if revision not in migrate.known_revisions():
        raise CliError(f"{shown} was written by a newer cintui (schema {revision}); "
                       "update cintui to open it")
    if backup_to is not None and backup_taken:
        raise CliError("choose one: --backup-to FILE or --backup-taken")
    if backup_to is None and not backup_taken:
        raise CliError(f"{shown} is at schema {revision}; back it up before upgrading to "
                       f"{head}: `cintui db upgrade --backup-to FILE` (runs pg_dump -Fc), or "
                       "`--backup-taken` if you have just taken one yourself")
    if backup_to is not None:
        backup = server.dump(url, backup_to)
        typer.echo(f"Backed up {shown} to {backup.path} (pg_dump -Fc, {backup.size:,} bytes; "
                   f"pg_restore --list reads {backup.entries} entries).")
    else:
        typer.echo(f"Upgrading {shown} on your word that a backup was just taken.")
    store = open_url(url, upgrade=True)
    store.close()
    typer.echo(f"Upgraded {shown} from revision {revision} to {head}.")


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


@db_app.command("check")
def db_check(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Is the store sound? Its pages and indexes (SQLite's integrity check), its audit
    trail's chain, and every record against its history (the trail replayed). Exit 1 and
    what is wrong, in words, when it is not."""
    from cintui.store import audit

    with _open(ctx, db) as store:
        pages = audit.page_problems(store)
        report = audit.verify(store) if not pages else None
    problems = [f"the file is damaged: {p}" for p in pages]
    if report is not None and not report.ok:
        if report.first_broken_seq is not None:
            problems.append(f"the audit trail is broken at entry {report.first_broken_seq}: "
                            f"{report.problem}")
        else:
            problems += [f"{line}" for line in report.unaudited] or [report.problem]
    if as_json:
        _echo_json({"ok": not problems, "pages_ok": not pages,
                    "audit_entries": report.entries if report else None,
                    "problems": problems})
    elif not problems:
        typer.echo(f"The store is sound: every page and index checked, the audit trail "
                   f"intact ({report.entries} entries), every record matches its history.")
    else:
        what = ("The store is DAMAGED: restore the latest backup (`cintui db backup` makes "
                "one; keep this file aside for the IT team)." if pages else
                "The store's records and their audit trail disagree:")
        typer.echo(what)
        for line in problems:
            typer.echo(f"  {line}")
    if problems:
        raise typer.Exit(1)


@db_app.command("info")
def db_info(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Where the store is, whether it is encrypted, its revision and policy; on a server also
    the server, the login and whether the connection is encrypted (TLS)."""
    from cintui.store import server_ops as server

    loc = _location(ctx, db)
    if server.is_server_url(loc.url):
        _server_info(loc, as_json)
        return
    from cintui.casework import cases
    from cintui.store import migrate

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


def _server_info(loc: access.StoreLocation, as_json: bool) -> None:
    """Read with a plain connection, so an administrator sees a server at an older schema
    too (nothing is upgraded)."""
    from cintui.store import migrate
    from cintui.store import server_ops as server

    about = server.server_info(loc.url or "")
    head = migrate.head_revision()
    if about.revision is None:
        revision = "none: no cintui store here yet (`cintui db init` makes one)"
    elif about.revision == head:
        revision = f"{head} (this cintui's newest)"
    else:
        revision = (f"{about.revision}; this cintui needs {head}: an administrator must run "
                    "`cintui db upgrade` after a backup")
    tls = f"TLS ({about.tls_version})" if about.tls else "NOT encrypted (no TLS)"
    in_transit = (f"yes, TLS {about.tls_version}" if about.tls
                  else "NO: this connection is plain text; see the README's TLS section")
    if as_json:
        _echo_json(about.as_json() | {
            "head_revision": head, "encrypted": False,
            "encryption": {"laptops": server.ON_LAPTOPS, "at_rest": server.AT_REST,
                           "in_transit": in_transit}})
        return
    lines = {
        "store": about.store,
        "server": f"{about.host} port {about.port}, database {about.database}, "
                  f"PostgreSQL {about.server_version}",
        "login": about.login,
        "team server": (f"yes: logins are workers (groups {about.team_server}_worker, "
                        "_manager, _admin, _audit)" if about.team_server else
                        "no: one shared login (`cintui server init` gives each worker theirs)"),
        "connection": f"{tls}, sslmode={about.sslmode}",
        "revision": revision,
        "policy": about.policy or "-",
        "encrypted on laptops": server.ON_LAPTOPS,
        "encrypted at rest": server.AT_REST,
        "encrypted in transit": in_transit,
    }
    for key, value in lines.items():
        typer.echo(f"{key}: {value}")
    if not about.tls:
        typer.echo("WARNING: children's records cross the network unencrypted: use "
                   "sslmode=verify-full.")
