"""cintui db: create, upgrade, back up and describe the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    _check_folder,
    _echo_json,
    _location,
    _open,
    _passphrase_for_create,
    _passphrase_for_open,
    access,
    app,
    plain_asked,
)

db_app = typer.Typer(help="The store itself: create, upgrade, back up.", no_args_is_help=True)
app.add_typer(db_app, name="db")

# ------------------------------------------------------------------ db


@db_app.command("init")
def db_init(
    ctx: typer.Context,
    db: DbOption = None,
    no_encrypt: Annotated[bool, typer.Option("--no-encrypt", help="Plain store.")] = False,
    policy: Annotated[str, typer.Option(
        "--policy", help="Policy profile: the store's timescales (`cintui policy list`).")
    ] = "england",
) -> None:
    """Create an empty store (encrypted unless --no-encrypt)."""
    from cintui.casework import cases
    from cintui.reference import policies

    policies.load_policy(policy)
    no_encrypt = plain_asked(ctx, no_encrypt)
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


SERVER_BACKUPS = ("a team server is backed up with pg_dump and restored with pg_restore, on "
                  "the server: see the README, \"Keeping the data safe\"")


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("-o", "--output", help="Backup file to write.")],
    verify: Annotated[bool, typer.Option(
        "--verify", help="Then open the backup and check it: every page, the audit trail "
        "up to the head it was taken at, every record against its history, the counts.")]
        = False,
    db: DbOption = None,
) -> None:
    """Copy the store to a file (same encryption and passphrase), safely while in use. The
    audit head it was taken at is kept beside it (BACKUP.head) and in your config folder, so
    `db restore` can tell the trail was not cut short since."""
    from cintui.store import keeping

    output = _check_folder(output)
    if output.exists():
        raise CliError(f"{output} already exists; choose a new file")
    loc = _location(ctx, db)
    if loc.url:
        raise CliError(SERVER_BACKUPS)
    with _open(ctx, db) as store:
        key = store.engine.url.password if store.encrypted else None
        anchor = keeping.take_backup(store, output, key)
    typer.echo(f"Backed up to {output} ({anchor.entries:,} audit entries; its head, entry "
               f"{anchor.seq}, recorded in {keeping.side_file(output).name} and your config "
               "folder).")
    if verify:
        report = keeping.check_backup(output, key)
        _say_checked(report)
        if not report.ok:
            raise typer.Exit(1)


def _say_checked(report) -> None:
    if report.ok:
        typer.echo(f"Checked {report.path}: it opens with the passphrase, every page and "
                   f"index is sound, its audit trail is whole ({report.entries:,} entries) and "
                   f"ends at entry {report.head[0]}, the head recorded when it was taken; "
                   f"every record matches its history ({report.children:,} children, "
                   f"{report.records:,} records).")
        return
    typer.echo(f"The backup {report.path} is NOT sound:")
    for line in report.problems:
        typer.echo(f"  {line}")


@db_app.command("restore")
def db_restore(
    ctx: typer.Context,
    backup: Annotated[Path, typer.Argument(metavar="BACKUP", help="A backup file "
                                           "(`cintui db backup` makes them).", dir_okay=False)],
    accept_unanchored: Annotated[bool, typer.Option(
        "--accept-unanchored", help="Restore a backup whose head was not recorded (taken "
        "on another computer, its .head file lost): its chain is checked, but newest "
        "entries cut from it could not be seen.")] = False,
    db: DbOption = None,
) -> None:
    """Put a backup in place of the store: checked first (opens with its passphrase, every
    page sound, its audit trail whole up to the head recorded when it was taken, every
    record against its history); the store that was there is kept aside, renamed, never
    deleted. Close cintui everywhere first."""
    from cintui.casework import admin
    from cintui.store import keeping

    loc = _location(ctx, db)
    if loc.url:
        raise CliError(SERVER_BACKUPS)
    assert loc.path is not None
    passphrase = _passphrase_for_open(access.StoreLocation(path=backup)) \
        if backup.is_file() else None
    done = keeping.restore(backup, loc.path, passphrase, accept_unanchored=accept_unanchored)
    report = done.report
    store = access.open_location(loc, passphrase)
    try:
        taken = report.anchor.taken_at if report.anchor else "unknown"
        with store.session(access.current_actor()) as session:
            admin.note_keeping(session, admin.RESTORED_FROM,
                               f"{backup.name} (taken {taken}, audit entry {report.head[0]})")
    finally:
        store.close()
    anchored = ("the head recorded when it was taken" if report.anchor is not None
                else "its own newest entry (no head was recorded: --accept-unanchored)")
    typer.echo(f"Restored {backup} to {loc.path}: {report.children:,} children, "
               f"{report.records:,} records, the audit trail whole to entry {report.head[0]}, "
               f"{anchored}.")
    if done.kept_aside is not None:
        typer.echo(f"The store that was there is kept at {done.kept_aside} (0600): remove it "
                   "once you are sure, or give it to the IT team.")
    if not store.encrypted:
        typer.echo("WARNING: the restored store is not encrypted (nor was the backup).")


@db_app.command("rekey")
def db_rekey(
    ctx: typer.Context,
    new_passphrase_file: Annotated[Path | None, typer.Option(
        "--new-passphrase-file", help="Read the new passphrase from this 0600 file's first "
        "line (or /dev/fd/N); also CINTUI_NEW_PASSPHRASE_FILE. Else asked twice.",
        dir_okay=False)] = None,
    db: DbOption = None,
) -> None:
    """Change the store's passphrase. The store is re-encrypted into a copy, checked, then
    renamed over it: stopped at any moment, it opens with the old passphrase or the new one.
    Backups taken before keep the old one. Close cintui everywhere first."""
    import os

    from cintui.casework import admin
    from cintui.store import keeping

    loc = _location(ctx, db)
    if loc.url:
        raise CliError("a database server has no passphrase here: its logins' passwords are "
                       "the server's (ALTER ROLE ... PASSWORD)")
    if not loc.exists():
        raise CliError(f"no store at {loc.describe()}")
    if not loc.is_encrypted():
        raise CliError(f"{loc.describe()} is not encrypted: it has no passphrase to change")
    with _open(ctx, db) as store:
        path = new_passphrase_file or os.environ.get("CINTUI_NEW_PASSPHRASE_FILE") or None
        if path:
            value = access.read_passphrase_file(Path(path))
            new = access.check_new_passphrase(value, value)
        elif sys.stdin.isatty():
            import getpass

            first = getpass.getpass(f"New passphrase for {loc.describe()}: ")
            new = access.check_new_passphrase(first, getpass.getpass("Repeat it: "))
        else:
            raise CliError("give the new passphrase with --new-passphrase-file FILE (a 0600 "
                           "file), or run in a terminal to be asked; never on the command line")
        keeping.rekey(store, new)
    from cintui.store import unlocked

    unlocked.end(loc.path)  # its key is the old passphrase's
    from datetime import UTC, datetime

    store = access.open_location(loc, new)
    try:
        with store.session(access.current_actor()) as session:
            admin.note_keeping(session, admin.PASSPHRASE_CHANGED,
                               datetime.now(UTC).isoformat(timespec="seconds"))
    finally:
        store.close()
    typer.echo(f"The passphrase of {loc.describe()} is changed: open it with the new one from "
               "now on. Backups taken before still open with the old one.")


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
        else:  # issue 19: a laptop's replica of the worker's cases
            from cintui.store import sync

            with store.engine.connect() as conn:
                where = sync.standing(conn)
            if where.replica:
                info["replica_of"] = where.server
                info["syncs_as"] = where.login
                info["last_sync"] = where.last_sync.isoformat() if where.last_sync else None
                info["waiting_to_send"] = where.waiting
                info["conflicts"] = where.conflicts
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
