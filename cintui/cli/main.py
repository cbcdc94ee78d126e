"""The `cintui` command line (Typer). With no subcommand it opens the TUI.

Every error a user can cause is one line on stderr and exit code 2: no traceback, nothing
written. Heavy imports (the store, exports) happen inside commands so `--version`,
`deadline` and `policy` stay quick.
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

from cintui import __version__, access

EXIT_USAGE = 2

app = typer.Typer(
    name="cintui",
    help="Children in Need casework, offline, in the terminal. Run with no command to open the app.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
policy_app = typer.Typer(help="Policy profiles: each authority's timescales.", no_args_is_help=True)
child_app = typer.Typer(help="Children on the store.", no_args_is_help=True)
db_app = typer.Typer(help="The store itself: create, upgrade, back up.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
plan_app = typer.Typer(help="CIN plans: show and check.", no_args_is_help=True)
export_app = typer.Typer(help="Exports for families, agencies and managers.",
                         no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(child_app, name="child")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(plan_app, name="plan")
app.add_typer(export_app, name="export")


class CliError(Exception):
    """One line for the user; exit code 2."""


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: CINTUI_DB or the user data folder).",
                 dir_okay=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Treat this ISO date as today (for reports and tests).",
                 hidden=True),
]


def _state(ctx: typer.Context) -> dict:
    ctx.ensure_object(dict)
    return ctx.obj


def _parse_date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{what}: {value!r} is not a date; use YYYY-MM-DD") from None


def _today(value: str | None) -> date:
    if value:
        return _parse_date(value, "--today")
    env = os.environ.get("CINTUI_TODAY")
    return _parse_date(env, "CINTUI_TODAY") if env else date.today()


def _echo_json(data) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _console():
    from rich.console import Console

    return Console()


# ------------------------------------------------------------------ store access


def _location(ctx: typer.Context, db: Path | None) -> access.StoreLocation:
    return access.locate(db or _state(ctx).get("db"))


def _passphrase_for_open(loc: access.StoreLocation) -> str | None:
    if not loc.is_encrypted():
        return None
    value = access.env_passphrase()
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise CliError(f"{loc.describe()} is encrypted: set CINTUI_PASSPHRASE or run in a terminal")
    import getpass

    return getpass.getpass(f"Passphrase for {loc.describe()}: ")


def _passphrase_for_create(loc: access.StoreLocation) -> str:
    value = access.env_passphrase()
    if value is not None:
        return access.check_new_passphrase(value, value)
    if not sys.stdin.isatty():
        raise CliError("a new encrypted store needs a passphrase: set CINTUI_PASSPHRASE "
                       "or run in a terminal (or pass --no-encrypt)")
    import getpass

    first = getpass.getpass(f"New passphrase for {loc.describe()}: ")
    second = getpass.getpass("Repeat the passphrase: ")
    return access.check_new_passphrase(first, second)


@contextmanager
def _open(ctx: typer.Context, db: Path | None) -> Iterator:
    loc = _location(ctx, db)
    store = access.open_location(loc, _passphrase_for_open(loc))
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
def _reading(ctx: typer.Context, db: Path | None) -> Iterator:
    """Plain SQL rows for a read-only report: the first-paint reader (no ORM, so ~300 ms
    less to start) when the store is a file at this cintui's revision, else the full store
    (which upgrades an older one, after a backup)."""
    loc = _location(ctx, db)
    if loc.url is None and loc.exists():
        from cintui.store import fast

        reader = fast.open_reader(loc.path, _passphrase_for_open(loc))
        if reader is not None:
            try:
                yield reader.rows
            finally:
                reader.close()
            return
    from cintui import caseload

    with _open(ctx, db) as store, caseload.reading(store) as rows:
        yield rows


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
    from cintui import holiday_cache

    holiday_cache.install()  # bank holidays from the cache, as the app: ~100 ms sooner
    if ctx.invoked_subcommand is None:
        from cintui.app import run_app

        run_app(access.locate(db), encrypt=not no_encrypt, worker=as_worker)


# ------------------------------------------------------------------ deadline


@app.command()
def deadline(
    start: Annotated[str, typer.Argument(metavar="FROM", help="Start date, YYYY-MM-DD.")],
    working_days: Annotated[int | None, typer.Option("--working-days")] = None,
    days: Annotated[int | None, typer.Option("--days")] = None,
    weeks: Annotated[int | None, typer.Option("--weeks")] = None,
    months: Annotated[int | None, typer.Option("--months")] = None,
    timescale: Annotated[
        str | None, typer.Option("--timescale", help="A policy timescale, e.g. visit, review.")
    ] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="Policy profile name.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Print the date a timescale ends: working days skip weekends and England bank holidays."""
    from cintui.domain import calendar
    from cintui.domain.policy import Timescale
    from cintui.domain.timescales import due_date

    begin = _parse_date(start, "FROM")
    chosen = {k: v for k, v in
              {"working_days": working_days, "days": days, "weeks": weeks, "months": months}.items()
              if v is not None}
    if len(chosen) + (timescale is not None) != 1:
        raise CliError("give exactly one of --working-days, --days, --weeks, --months, --timescale")
    if timescale is not None:
        from cintui import policies

        ts = policies.load_policy(policy or policies.DEFAULT_POLICY).timescale(timescale)
    else:
        if policy is not None:
            from cintui import policies

            policies.load_policy(policy)  # a wrong name is still an error
        unit, amount = next(iter(chosen.items()))
        if amount < 0:
            raise CliError(f"--{unit.replace('_', '-')}: {amount} is negative; "
                           "a timescale counts forward from FROM")
        ts = Timescale(key="custom", amount=amount, unit=unit, source="")
    due = due_date(begin, ts, calendar.england_calendar())
    if as_json:
        _echo_json({"from": begin.isoformat(), "amount": ts.amount, "unit": ts.unit,
                    "source": ts.source or None, "due": due.isoformat()})
    else:
        typer.echo(due.isoformat())


# ------------------------------------------------------------------ policy


@policy_app.command("list")
def policy_list(as_json: JsonOption = False) -> None:
    """The policy profiles available (shipped and your own)."""
    from cintui import policies

    profiles = policies.list_policies()
    if as_json:
        _echo_json([{"name": p.name, "title": p.title, "authority": p.authority,
                     "origin": str(p.origin)} for p in profiles])
        return
    from rich.table import Table

    table = Table("name", "authority", "title", "from")
    for p in profiles:
        table.add_row(p.name, p.authority, p.title, str(p.origin))
    _console().print(table)


@policy_app.command("show")
def policy_show(name: str, as_json: JsonOption = False) -> None:
    """Every timescale in one profile, with the rule it comes from."""
    from cintui import policies

    profile = policies.load_policy(name)
    rows = [(key, ts.describe(), ts.anchor or "", ts.source)
            for key, ts in profile.timescales.items()]
    if as_json:
        _echo_json({
            "name": profile.name, "title": profile.title, "authority": profile.authority,
            "levels": list(profile.levels), "due_soon_working_days": profile.due_soon_working_days,
            "timescales": {k: {"amount": ts.amount, "unit": ts.unit, "source": ts.source,
                               "from": ts.anchor} for k, ts in profile.timescales.items()},
        })
        return
    from rich.table import Table

    table = Table("timescale", "limit", "from", "source", title=f"{profile.title} ({profile.name})")
    for row in rows:
        table.add_row(*row)
    _console().print(table)
    if profile.levels:
        _console().print("Levels of need: " + " → ".join(profile.levels))


@policy_app.command("use")
def policy_use(ctx: typer.Context, name: str, db: DbOption = None) -> None:
    """Set the policy profile the store works to."""
    from cintui import casework

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        profile = casework.set_store_policy(session, name)
    typer.echo(f"The store now follows {profile.title} ({profile.name}).")


# ------------------------------------------------------------------ child


@child_app.command("list")
def child_list(
    ctx: typer.Context,
    db: DbOption = None,
    worker: Annotated[str | None, typer.Option("--worker", help="Username or name.")] = None,
    team: Annotated[str | None, typer.Option("--team")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open cases.")] = False,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """List children: reference, name, DOB, worker, status, level."""
    from cintui import casework

    with _open(ctx, db) as store, store.read() as session:
        rows = casework.list_children(session, _today(today), worker=worker, team=team,
                                      open_only=open_only)
    if as_json:
        _echo_json([r.as_json() for r in rows])
        return
    if not rows:
        typer.echo("No children on this store yet: `cintui child add --help` or `cintui demo`.")
        return
    from rich.table import Table

    table = Table("reference", "name", "age", "DOB / due", "worker", "status", "level")
    for r in rows:
        born = r.dob.isoformat() if r.dob else (f"due {r.expected_dob}" if r.expected_dob else "")
        table.add_row(r.reference, r.name, r.age, born, r.worker, r.status, r.level)
    _console().print(table)


@child_app.command("add")
def child_add(
    ctx: typer.Context,
    first_name: Annotated[str, typer.Option("--first-name", help="Required.")],
    last_name: Annotated[str, typer.Option("--last-name", help="Required.")],
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.")] = None,
    expected_dob: Annotated[
        str | None, typer.Option("--expected-dob", help="Unborn child: expected date.")
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Case reference (default: next free).")
    ] = None,
    gender: Annotated[str, typer.Option("--gender", help="Census code: 1 male, 2 female, "
                                        "0 not recorded/unborn, 9 indeterminate.")] = "0",
    ethnicity: Annotated[str, typer.Option("--ethnicity", help="Census code, e.g. WBRI.")] = "NOBT",
    disability: Annotated[
        list[str] | None, typer.Option("--disability", help="Census code; repeat for several.")
    ] = None,
    primary_need: Annotated[str, typer.Option("--primary-need", help="N0-N9.")] = "N0",
    referral_date: Annotated[
        str | None, typer.Option("--referral-date", help="Default: today.")
    ] = None,
    referral_source: Annotated[str, typer.Option("--referral-source", help="1A-10.")] = "10",
    level: Annotated[str, typer.Option("--level", help="Level of need (policy's names).")] = "",
    service: Annotated[str, typer.Option("--service")] = "",
    team: Annotated[str | None, typer.Option("--team")] = None,
    worker: Annotated[str | None, typer.Option("--worker", help="Allocated worker.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Add a child with their first referral. Nothing is written unless everything is valid."""
    from cintui import casework

    now = _today(today)
    new = casework.NewChild(
        first_name=first_name, last_name=last_name,
        dob=_parse_date(dob, "--dob") if dob else None,
        expected_dob=_parse_date(expected_dob, "--expected-dob") if expected_dob else None,
        reference=reference, gender=gender, ethnicity=ethnicity.upper(),
        disabilities=" ".join(d.upper() for d in disability or ["NONE"]),
        primary_need=primary_need.upper(), referral_source=referral_source.upper(),
        referral_date=_parse_date(referral_date, "--referral-date") if referral_date else now,
        level=level, service=service, team=team, worker=worker,
    )
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        child = casework.add_child(session, new, now)
        ref, name = child.reference, child.full_name
    if as_json:
        _echo_json({"reference": ref, "name": name})
    else:
        typer.echo(f"Added {name} as {ref}.")


@child_app.command("show")
def child_show(
    ctx: typer.Context,
    child: Annotated[str, typer.Argument(metavar="CHILD", help="Case reference or name.")],
    db: DbOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """A child's details and every timescale running for them."""
    from cintui import casework

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        record = casework.find_child(session, child)
        profile = casework.store_policy(session)
        deadlines = casework.child_deadlines(session, record, now, profile)
        details = {
            "reference": record.reference, "name": record.full_name,
            "dob": record.dob.isoformat() if record.dob else None,
            "expected_dob": record.expected_dob.isoformat() if record.expected_dob else None,
            "status": record.status, "level": record.level, "service": record.service,
            "policy": profile.name,
        }
    if as_json:
        _echo_json({**details, "deadlines": [casework.deadline_json(d) for d in deadlines]})
        return
    _print_deadlines(details, deadlines, now)


def _print_deadlines(details: dict, deadlines: list, today: date) -> None:
    from rich.table import Table

    console = _console()
    console.print(f"[bold]{details['name']}[/] {details['reference']} · {details['status']} · "
                  f"policy {details['policy']}")
    if not deadlines:
        console.print("Nothing is due: no timescale is running.")
        return
    table = Table("due", "what", "state", "working days", "rule", "source")
    colours = {"overdue": "bold red", "due today": "bold yellow", "due soon": "yellow"}
    for d in deadlines:
        style = colours.get(str(d.state), "")
        table.add_row(d.due.isoformat(), d.label, f"[{style}]{d.state}[/]" if style else str(d.state),
                      str(d.working_days_left), d.rule, d.source)
    console.print(table)


# ------------------------------------------------------------------ demo


@app.command()
def demo(
    ctx: typer.Context,
    children: Annotated[int, typer.Option("--children", min=1, max=100_000)] = 120,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    db: DbOption = None,
    no_encrypt: Annotated[bool, typer.Option("--no-encrypt", help="Write a plain store.")] = False,
    policy: Annotated[str, typer.Option("--policy")] = "england",
    today: TodayOption = None,
) -> None:
    """Create a store full of synthetic children, workers and histories."""
    from time import perf_counter

    from cintui import demo as demo_mod
    from cintui import policies

    policies.load_policy(policy)
    loc = _location(ctx, db)
    if loc.path is not None and loc.path.exists():
        raise CliError(f"{loc.path} already exists; demo data is only written to a new store")
    passphrase = None if no_encrypt else _passphrase_for_create(loc)
    started = perf_counter()
    store = access.create_location(loc, passphrase, encrypt=not no_encrypt, synthetic=True)
    try:
        counts = demo_mod.generate(store, children=children, seed=seed, today=_today(today),
                                   policy=policy)
    finally:
        store.close()
    seconds = perf_counter() - started
    typer.echo(f"Demo store at {loc.describe()}: {counts.everyone} children "
               f"({counts.everyone - counts.closed} open cases, {counts.closed} closed), "
               f"{counts.workers} "
               f"workers in {counts.teams} teams ({seconds:.1f} s).", err=True)


# ------------------------------------------------------------------ db


@db_app.command("init")
def db_init(
    ctx: typer.Context,
    db: DbOption = None,
    no_encrypt: Annotated[bool, typer.Option("--no-encrypt", help="Plain store.")] = False,
    policy: Annotated[str, typer.Option("--policy")] = "england",
) -> None:
    """Create an empty store (encrypted unless --no-encrypt)."""
    from cintui import casework, policies

    policies.load_policy(policy)
    loc = _location(ctx, db)
    passphrase = None if no_encrypt else _passphrase_for_create(loc)
    store = access.create_location(loc, passphrase, encrypt=not no_encrypt)
    try:
        with store.session(access.current_actor()) as session:
            casework.set_store_policy(session, policy)
    finally:
        store.close()
    kind = "a plain (UNENCRYPTED)" if no_encrypt else "an encrypted"
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
    from cintui import casework
    from cintui.store import migrate

    loc = _location(ctx, db)
    with _open(ctx, db) as store:
        with store.read() as session:
            policy = casework.store_policy_name(session)
        info = {"store": loc.describe(), "encrypted": store.encrypted,
                "revision": migrate.current_revision(store.engine), "policy": policy}
    if as_json:
        _echo_json(info)
    else:
        for key, value in info.items():
            typer.echo(f"{key}: {value}")
        if not info["encrypted"]:
            typer.echo("WARNING: this store is not encrypted.")


# ------------------------------------------------------------------ audit


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check the audit trail's hash chain; report the first broken link."""
    from cintui.store import audit

    with _open(ctx, db) as store:
        report = audit.verify(store)
    if as_json:
        _echo_json({"ok": report.ok, "entries": report.entries,
                    "first_broken_seq": report.first_broken_seq, "problem": report.problem})
    elif report.ok:
        typer.echo(f"Audit trail intact: {report.entries} entries."
                   + (f" {report.problem}" if report.problem else ""))
    else:
        typer.echo(f"Audit trail BROKEN at entry {report.first_broken_seq}: {report.problem}")
    if not report.ok:
        raise typer.Exit(1)


# ------------------------------------------------------------------ plans

ChildArg = Annotated[str, typer.Argument(metavar="CHILD", help="Case reference or name.")]
VersionOption = Annotated[
    int | None, typer.Option("--version", "-v", help="Plan version number (default: the plan "
                             "in force).", min=1)]
FORMATS = ("docx", "pdf", "md", "html", "json")
FormatOption = Annotated[str, typer.Option("--format", "-f", help="docx, pdf, md, html or json.")]
FinalOption = Annotated[bool, typer.Option(
    "--final", help="No DRAFT mark: only when the plan passes every check.")]


def _version_id(session, child_id, number: int | None):
    from cintui import plans

    if number is None:
        return None
    found = next((v for v in plans.versions(session, child_id) if v.number == number), None)
    if found is None:
        raise CliError(f"no version {number} of this plan")
    return found.id


def _plan_document(session, child: str, now: date, number: int | None, final: bool):
    from cintui import casework, plans

    record = casework.find_child(session, child)
    doc = plans.plan_document(session, record.id, now, final=final,
                              version_id=_version_id(session, record.id, number))
    if final and doc.problems:
        raise CliError(f"{record.reference}: not final, the plan fails {len(doc.problems)} "
                       f"check(s), e.g. {doc.problems[0]} (export without --final for a "
                       "DRAFT)")
    return doc


@plan_app.command("show")
def plan_show(ctx: typer.Context, child: ChildArg, db: DbOption = None,
              version: VersionOption = None, as_json: JsonOption = False,
              today: TodayOption = None) -> None:
    """The child's plan: needs in three columns with ratings, actions and checks."""
    from cintui.export import plan as plan_export

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        doc = _plan_document(session, child, now, version, final=False)
    if as_json:
        typer.echo(plan_export.to_json(doc))
        return
    from rich.table import Table

    v = doc.version
    console = _console()
    console.print(f"[bold]{doc.child_name}[/] {doc.child_reference} · plan version {v.number} "
                  f"({v.status}) · next review "
                  f"{v.next_review.isoformat() if v.next_review else 'not set'}")
    table = Table("What is happening now", "What will be different", "Who does what, by when",
                  "RAG", show_lines=True)
    for n in v.needs:
        actions = "\n".join(f"{a.what} — {a.who or 'NO OWNER'}, "
                             f"{a.by_when.isoformat() if a.by_when else 'NO DATE'} ({a.status})"
                             for a in n.actions)
        table.add_row(n.now, n.outcome, actions, n.rag)
    console.print(table)
    for problem in doc.problems:
        console.print(f"• {problem}")


@plan_app.command("check")
def plan_check(ctx: typer.Context, child: ChildArg, db: DbOption = None,
               version: VersionOption = None, as_json: JsonOption = False,
               today: TodayOption = None) -> None:
    """The plan checks (plain words, SMART, every Amber owned and dated); exit 1 if any fail."""
    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        doc = _plan_document(session, child, now, version, final=False)
    if as_json:
        _echo_json({"reference": doc.child_reference, "version": doc.version.number,
                    "passes": not doc.problems, "problems": list(doc.problems)})
    elif doc.problems:
        for problem in doc.problems:
            typer.echo(f"• {problem}")
    else:
        typer.echo(f"{doc.child_reference} plan v{doc.version.number}: passes every check.")
    if doc.problems:
        raise typer.Exit(1)


def _check_format(fmt: str, formats=None) -> str:
    """`fmt` as a known format of `formats` (the plan's by default), else one line."""
    formats = FORMATS if formats is None else formats
    fmt = fmt.lower().lstrip(".")
    if fmt not in formats:
        raise CliError(f"unknown format {fmt!r}: choose one of {', '.join(formats)}")
    return fmt


def _check_folder(output: Path) -> None:
    """The folder an output file goes in must exist (one line, else)."""
    if not output.parent.is_dir():
        raise CliError(f"no such folder: {output.parent}")


@export_app.command("plan")
def export_plan(ctx: typer.Context, child: ChildArg,
                output: Annotated[Path, typer.Option("--output", "-o", help="File to write.",
                                                     dir_okay=False)],
                fmt: FormatOption = "pdf", db: DbOption = None, version: VersionOption = None,
                final: FinalOption = False, today: TodayOption = None) -> None:
    """One child's plan as DOCX, PDF, Markdown, HTML or JSON (DRAFT-marked unless --final)."""
    from cintui.export import plan as plan_export

    fmt = _check_format(fmt)
    now = _today(today)
    _check_folder(output)
    with _open(ctx, db) as store, store.read() as session:
        doc = _plan_document(session, child, now, version, final)
    plan_export.write(doc, output, fmt)
    mark = "" if not doc.draft else " (DRAFT)"
    typer.echo(f"Wrote {doc.child_reference} plan v{doc.version.number}{mark} to {output}")


@export_app.command("plans")
def export_plans(ctx: typer.Context,
                 output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write "
                                                      "into (created if missing).",
                                                      file_okay=False)],
                 fmt: FormatOption = "pdf",
                 worker: Annotated[str | None, typer.Option(help="One worker's children.")] = None,
                 team: Annotated[str | None, typer.Option(help="One team's children.")] = None,
                 all_: Annotated[bool, typer.Option("--all", help="Every open child.")] = False,
                 db: DbOption = None, today: TodayOption = None) -> None:
    """Every plan in force for a worker, a team or everyone: one file per child, with a
    progress bar. Plans failing checks carry a DRAFT mark."""
    from rich.progress import Progress

    from cintui import plans
    from cintui.export import plan as plan_export

    fmt = _check_format(fmt)
    if sum(bool(x) for x in (worker, team, all_)) != 1:
        raise CliError("say whose plans: --worker W, --team T or --all")
    now = _today(today)
    output.mkdir(parents=True, exist_ok=True)
    from concurrent.futures import ProcessPoolExecutor

    drafts = 0
    with _open(ctx, db) as store:
        with store.read() as session:
            ids = plans.children_with_plans(session, worker=worker, team=team)
        # The store is read here; writing the files (the slow part for DOCX and PDF) runs in
        # one process per core.
        workers = min(os.cpu_count() or 1, 4) if len(ids) > 20 else 1
        pool = ProcessPoolExecutor(workers) if workers > 1 else None
        try:
            with Progress(console=_console(), transient=True) as progress:
                task = progress.add_task(f"Exporting {len(ids)} plans ({fmt})", total=len(ids))
                pending = []
                for child_id in ids:
                    with store.read() as session:
                        doc = plans.plan_document(session, child_id, now)
                    path = output / f"{doc.child_reference}-plan-v{doc.version.number}.{fmt}"
                    drafts += bool(doc.problems)
                    if pool is None:
                        plan_export.write(doc, path, fmt)
                        progress.advance(task)
                    else:
                        job = pool.submit(plan_export.write, doc, path, fmt)
                        job.add_done_callback(lambda _: progress.advance(task))
                        pending.append(job)
                for job in pending:
                    job.result()
        finally:
            if pool is not None:
                pool.shutdown()
    typer.echo(f"Wrote {len(ids)} plans to {output} ({drafts} marked DRAFT: they fail checks)")


# ------------------------------------------------------------------ visits

visit_app = typer.Typer(help="Visits: list a child's visits.", no_args_is_help=True)
app.add_typer(visit_app, name="visit")
VISIT_FORMATS = ("md", "docx", "json")
VisitFormatOption = Annotated[str, typer.Option("--format", "-f", help="md, docx or json.")]


def _gap_json(gap) -> dict | None:
    if gap is None:
        return None
    return {"after": gap.after.isoformat(), "until": gap.until.isoformat() if gap.until else None,
            "due": gap.due.isoformat(), "working_days_late": gap.days_late}


@visit_app.command("list")
def visit_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
               as_json: JsonOption = False, today: TodayOption = None) -> None:
    """A child's finalised visits, newest first, with gaps longer than the policy marked
    (WIR 2.11: seen at least every 20 working days; BEX 3: every 4 weeks)."""
    from cintui import casework
    from cintui import visits as visit_cases

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        record = casework.find_child(session, child)
        name, ref = record.full_name, record.reference
        listing = visit_cases.list_visits(session, record.id, casework.store_policy(session),
                                          now)
    if as_json:
        _echo_json([{"id": str(v.id), "visited_at": v.visited_at.isoformat(), "kind": v.kind,
                     "child_seen": v.child_seen, "seen_alone": v.seen_alone,
                     "bedroom_seen": v.bedroom_seen, "author": v.author, "addenda": v.addenda,
                     "gap": _gap_json(v.gap)} for v in listing.visits])
        return
    _print_visits(name, ref, listing, now)


def _print_visits(name: str, ref: str, listing, today: date) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cintui.domain.visit import KIND_LABELS
    from cintui.export.visits import day, gap_text, moment
    from cintui.visits import local_time

    def yes(value: bool) -> str:
        return "yes" if value else "[bold red]no[/]"

    console = _console()
    rule = f"visits {listing.rule}" if listing.rule.startswith("every") else listing.rule
    console.print(f"[bold]{escape(name)}[/] {escape(ref)} · {escape(rule)}")
    if listing.visits:
        table = Table("date", "time", "type", "seen", "alone", "bedroom", "author", "addenda",
                      "gap before")
        for v in listing.visits:
            gap = f"[bold red]{v.gap.days_late} wd late[/]" if v.gap else ""
            table.add_row(day(v.visited_at.date()), f"{v.visited_at:%H:%M}",
                          KIND_LABELS.get(v.kind, v.kind), yes(v.child_seen),
                          yes(v.child_seen and v.seen_alone), yes(v.bedroom_seen),
                          escape(v.author), str(v.addenda or ""), gap)
        console.print(table)
    else:
        console.print("No visits recorded yet.")
    for draft in listing.drafts:
        console.print(f"Draft in progress: a visit on {moment(draft.content.visited_at)} by "
                      f"{escape(draft.owner)}, last saved {moment(local_time(draft.saved_at))}.")
    if listing.open_gap is not None:
        console.print(f"[bold red]{escape(gap_text(listing.open_gap, today))}[/]")


def _check_visit_format(fmt: str) -> str:
    return _check_format(fmt, VISIT_FORMATS)


@export_app.command("visits")
def export_visits(ctx: typer.Context, child: ChildArg,
                  output: Annotated[Path, typer.Option("--output", "-o", help="File to write.",
                                                       dir_okay=False)],
                  fmt: VisitFormatOption = "md",
                  start: Annotated[str | None, typer.Option(
                      "--from", help="First day, YYYY-MM-DD (default: the first visit).")] = None,
                  end: Annotated[str | None, typer.Option(
                      "--to", help="Last day, YYYY-MM-DD (default: the last visit).")] = None,
                  db: DbOption = None, today: TodayOption = None) -> None:
    """A child's record of visits in a period as Markdown, DOCX or JSON: the facts, the
    WIR 2.11 headings, addenda, and gaps longer than the policy allows."""
    from cintui import casework
    from cintui import visits as visit_cases
    from cintui.export import visits as visit_export

    fmt = _check_visit_format(fmt)
    now = _today(today)
    first = _parse_date(start, "--from") if start else None
    last = _parse_date(end, "--to") if end else None
    if first and last and first > last:
        raise CliError(f"--from {first.isoformat()} is after --to {last.isoformat()}")
    _check_folder(output)
    with _open(ctx, db) as store, store.read() as session:
        record = casework.find_child(session, child)
        history = visit_cases.history(session, record.id, first, last,
                                      casework.store_policy(session), now)
    visit_export.write(history, output, fmt)
    count = len(history.visits)
    typer.echo(f"Wrote {count} visit{'' if count == 1 else 's'} for {history.child_reference} "
               f"({visit_export.period(history)}) to {output}")


# ------------------------------------------------------------------ meetings

meeting_app = typer.Typer(help="CIN meetings: list a child's meetings, book one.",
                          no_args_is_help=True)
app.add_typer(meeting_app, name="meeting")
MINUTES_FORMATS = ("md", "docx", "pdf", "json")
MinutesFormatOption = Annotated[str, typer.Option("--format", "-f",
                                                  help="md, docx, pdf or json.")]


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
    if at.tzinfo is not None:
        raise CliError(f"{what}: give the time in England without a zone, 'YYYY-MM-DD HH:MM'")
    return at.replace(second=0, microsecond=0)


def _minutes_state(row, today: date) -> str:
    """"out 2 Dec 2026", "due 14 Dec 2026", "due 14 Dec 2026 OVERDUE" or ""."""
    from cintui.export.visits import day

    if row.minutes_circulated:
        return f"out {day(row.minutes_circulated)}"
    if row.minutes_due:
        return f"due {day(row.minutes_due)}" + (" OVERDUE" if row.minutes_due < today else "")
    return ""


def _meeting_json(row, today: date) -> dict:
    from cintui.domain.meeting import RECOMMENDATION_LABELS

    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {"id": row.id.hex, "kind": row.kind, "label": row.label, "status": row.status,
            "starts_at": iso(row.starts_at), "held_on": iso(row.held_on), "venue": row.venue,
            "chair": row.chair, "next_review": iso(row.next_review),
            "minutes_circulated": iso(row.minutes_circulated),
            "minutes_due": iso(row.minutes_due),
            "minutes_overdue": bool(row.minutes_due and row.minutes_due < today),
            "has_minutes": row.has_minutes, "recommendation": row.recommendation or None,
            "recommendation_label": RECOMMENDATION_LABELS.get(row.recommendation),
            "cancelled_reason": row.cancelled_reason or None}


@meeting_app.command("list")
def meeting_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                 as_json: JsonOption = False, today: TodayOption = None) -> None:
    """A child's meetings, newest first: when, kind, status, venue, chair, the next review,
    whether the minutes are out or when they are due (overdue marked; BEX 10 working days,
    TRA 5, WIR 14 days), the recommendation; cancelled ones with their reason (WIR 2.9).
    The id is what `cintui export minutes` takes."""
    from cintui import casework, meetings

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        record = casework.find_child(session, child)
        name, ref = record.full_name, record.reference
        rows = meetings.list_meetings(session, record.id, casework.store_policy(session))
    if as_json:
        _echo_json([_meeting_json(r, now) for r in rows])
        return
    _print_meetings(name, ref, rows, now)


def _print_meetings(name: str, ref: str, rows, today: date) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cintui.domain.meeting import RECOMMENDATION_LABELS
    from cintui.export.visits import day

    console = _console()
    console.print(f"[bold]{escape(name)}[/] {escape(ref)} · {len(rows)} meeting"
                  f"{'' if len(rows) == 1 else 's'}")
    if not rows:
        console.print("No meetings yet: `cintui meeting schedule --help`.")
        return
    table = Table("date", "time", "meeting", "status", "venue", "chair", "next review",
                  "minutes", "recommendation")
    for r in rows:
        status = r.status if r.status != "cancelled" else f"cancelled: {r.cancelled_reason}"
        minutes = _minutes_state(r, today)
        if minutes.endswith("OVERDUE"):
            minutes = f"[bold red]{minutes}[/]"
        table.add_row(day(r.held_on), f"{r.starts_at:%H:%M}" if r.starts_at else "",
                      escape(r.label), escape(status), escape(r.venue), escape(r.chair),
                      day(r.next_review, ""), minutes,
                      escape(RECOMMENDATION_LABELS.get(r.recommendation, r.recommendation)))
    console.print(table)
    for r in rows:
        if r.has_minutes:
            console.print(f"Minutes of {day(r.held_on)}: cintui export minutes {r.id.hex} "
                          "-o FILE", soft_wrap=True, highlight=False)


def _pick_invitees(choices, names: list[str]):
    """`--invite NAME`: each one of the child's People, by name (case and spacing do not
    matter; a unique part of a name will do)."""
    def key(text: str) -> str:
        return " ".join(text.lower().split())

    picked = []
    for wanted in names:
        exact = [c for c in choices if key(c.name) == key(wanted)]
        found = exact or [c for c in choices if key(wanted) and key(wanted) in key(c.name)]
        if not found:
            known = ", ".join(c.name for c in choices) or "nobody: add People first"
            raise CliError(f"--invite {wanted!r}: not one of the child's People ({known})")
        if len(found) > 1:
            raise CliError(f"--invite {wanted!r}: which one? "
                           + ", ".join(c.name for c in found))
        if found[0] not in picked:
            picked.append(found[0])
    return tuple(picked)


@meeting_app.command("schedule")
def meeting_schedule(
    ctx: typer.Context, child: ChildArg,
    kind: Annotated[str, typer.Option("--kind", help="initial, review, final or transfer_in.")],
    at: Annotated[str, typer.Option("--at", help="When, in England: 'YYYY-MM-DD HH:MM'.")],
    venue: Annotated[str, typer.Option("--venue", help="Where: a room, the family home, "
                                       "online.")] = "",
    chair: Annotated[str, typer.Option("--chair", help="Who chairs (WIR 2.3, BEX 3).")] = "",
    chair_role: Annotated[str, typer.Option("--chair-role", help="e.g. Team manager.")] = "",
    invite: Annotated[list[str] | None, typer.Option(
        "--invite", help="One of the child's People by name; repeat for several "
        "(default: all of them).")] = None,
    interpreter: Annotated[str, typer.Option("--interpreter", help="Interpreter "
                                             "arranged.")] = "",
    transport: Annotated[str, typer.Option("--transport", help="Transport arranged.")] = "",
    childcare: Annotated[str, typer.Option("--childcare", help="Childcare / crèche.")] = "",
    access_: Annotated[str, typer.Option("--access", help="Disability access.")] = "",
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Book a CIN meeting (WIR 2.8-2.9): kind, when, venue, chair, invitees (all the child's
    People unless --invite picks some) and practicalities. For a school-age child a time in
    school hours is booked with a warning (WIR 2.8)."""
    from cintui import casework, meetings
    from cintui.domain.meeting import KIND_LABELS, Schedule, school_hours_warning
    from cintui.export.visits import moment

    starts_at = _parse_moment(at, "--at")
    kind = kind.strip().lower()
    now = _now(today)
    practical = tuple((key, value.strip()) for key, value in (
        ("transport", transport), ("childcare", childcare), ("interpreter", interpreter),
        ("access", access_)) if value.strip())
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = casework.find_child(session, child)
        name, ref = record.full_name, record.reference
        choices = meetings.invitee_choices(session, record.id)
        invitees = _pick_invitees(choices, invite) if invite else tuple(choices)
        meeting_id = meetings.schedule(session, record.id, Schedule(
            kind=kind, starts_at=starts_at, venue=venue, chair=chair,
            chair_role=chair_role, practical=practical, invitees=invitees), now=now)
        warning = school_hours_warning(starts_at, meetings.child_age(session, record.id,
                                                                     starts_at.date()))
    if warning:
        typer.echo(f"Warning: {warning}", err=True)
    if as_json:
        _echo_json({"id": meeting_id.hex, "reference": ref, "kind": kind,
                    "starts_at": starts_at.isoformat(), "invited": [i.name for i in invitees],
                    "warning": warning or None})
        return
    who = ", ".join(i.name for i in invitees) or "nobody yet"
    typer.echo(f"Booked: {KIND_LABELS[kind]} for {name} ({ref}), "
               f"{moment(starts_at)} at {venue.strip()}, chaired by {chair.strip()}; "
               f"invited: {who}. Meeting id {meeting_id.hex}")


def _meeting_to_export(session, meeting: str, latest: bool):
    """MEETING as a meeting id, or with --latest as a child whose newest held meeting with
    minutes is wanted."""
    import uuid
    from datetime import datetime

    from cintui import casework, meetings

    if latest:
        record = casework.find_child(session, meeting)
        rows = meetings.list_meetings(session, record.id, casework.store_policy(session))
        held = [r for r in rows if r.status == "held" and r.has_minutes]
        if not held:
            raise CliError(f"{record.reference}: no held meeting with minutes yet")
        return max(held, key=lambda r: (r.held_on, r.starts_at or datetime.min)).id
    try:
        return uuid.UUID(meeting.strip())
    except ValueError:
        raise CliError(f"{meeting!r} is not a meeting id: copy one from `cintui meeting list "
                       "CHILD`, or give CHILD with --latest") from None


def _check_minutes_format(fmt: str) -> str:
    return _check_format(fmt, MINUTES_FORMATS)


@export_app.command("minutes")
def export_minutes(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(
        metavar="MEETING", help="A meeting id (from `cintui meeting list CHILD`), or with "
        "--latest a child's case reference or name.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.",
                                         dir_okay=False)],
    fmt: MinutesFormatOption = "pdf",
    latest: Annotated[bool, typer.Option(
        "--latest", help="MEETING is a child: their latest held meeting with minutes.")
    ] = False,
    db: DbOption = None, today: TodayOption = None,
) -> None:
    """The minutes of a held meeting as Markdown, DOCX, PDF or JSON: who came (parents who
    did not, named to receive the record, WIR 2.8), each Amber beside its update and impact
    on the child, the three boxes (WIR 2.6), views, decisions (BEX 3), distribution, and
    the plan agreed at the meeting.

    `cintui export minutes 3f2a…e9 -o m.pdf` for one meeting;
    `cintui export minutes DEMO00002 --latest -o m.pdf` for a child's latest minutes."""
    from cintui import meetings
    from cintui.export import minutes as minutes_export

    fmt = _check_minutes_format(fmt)
    now = _today(today)
    _check_folder(output)
    with _open(ctx, db) as store, store.read() as session:
        meeting_id = _meeting_to_export(session, meeting, latest)
        doc = meetings.minutes_document(session, meeting_id, now)
    minutes_export.write(doc, output, fmt)
    typer.echo(f"Wrote the minutes of the {doc.title} for {doc.child_reference} to {output}")


# ------------------------------------------------------------------ entry point


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that are the user's to fix: shown as one line, exit 2."""
    errors: list[type[BaseException]] = [CliError, access.AccessError]
    from cintui import codes, policies
    from cintui.domain.child import InvalidChildDetails
    from cintui.domain.policy import PolicyError

    errors += [codes.InvalidCode, policies.UnknownPolicy, PolicyError, InvalidChildDetails]
    if "cintui.store.engine" in sys.modules:
        from cintui.store.engine import StoreError
        from cintui.store.models import InvalidRow

        errors += [StoreError, InvalidRow]
    if "cintui.casework" in sys.modules:
        from cintui.casework import CaseworkError

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
        log = _log_crash()
        typer.echo(f"cintui: internal error ({type(exc).__name__}); details in {log}", err=True)
        sys.exit(1)
    if isinstance(result, int) and result:
        sys.exit(result)


def _log_crash() -> Path:
    """A bug is not the user's fault: keep the traceback in a private file, not on screen."""
    import traceback

    from cintui import config

    path = config.data_dir(create=True) / "crash.log"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(traceback.format_exc() + "\n")
    return path


# Commands for the dashboard, the reports and the census live in their own modules (so the
# file stays readable); importing them registers their commands on `app` / `export_app`.
from cintui import cli_census, cli_due, cli_endings, cli_reports, cli_transfer  # noqa: E402,F401
