"""`cintui authority set|show`, `cintui team add|edit|list`, `cintui worker
add|list|edit|leave|whoami` and `cintui child reallocate`: set-up and the people who use cintui,
so a team can start from an empty store. Bad input: one line, exit 2, nothing written."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    OnOption,
    RequestOption,
    TodayOption,
    _console,
    _echo_json,
    _open,
    _parse_date,
    _reading,
    _today,
    access,
    app,
    child_app,
)
from cintui.domain.dates import day_text, day_words

authority_app = typer.Typer(help="Your local authority: name, DfE LA number, policy profile.",
                            no_args_is_help=True)
team_app = typer.Typer(help="Teams: name, service, manager.", no_args_is_help=True)
worker_app = typer.Typer(help="Workers who use cintui: add, list, edit, leave; whoami.",
                         no_args_is_help=True)
app.add_typer(authority_app, name="authority")
app.add_typer(team_app, name="team")
app.add_typer(worker_app, name="worker")

ROLE_HELP = ("social worker, senior practitioner, team manager, service manager, reviewing "
             "officer (independent reviewing / QA) or business support; TM, SW … will do.")
NameOption = Annotated[str | None, typer.Option("--name", help="Full name.")]
TeamOption = Annotated[str | None, typer.Option("--team", help="Team name (or a word of it).")]
EmailOption = Annotated[str | None, typer.Option("--email", help="Work email address.")]
ServiceOption = Annotated[str | None, typer.Option("--service", help="e.g. Safeguarding and "
                                                   "Support.")]
ManagerOption = Annotated[str | None, typer.Option(
    "--manager", help="The team manager: a team or service manager's username.")]


# ---------------------------------------------------------------- authority


@authority_app.command("set")
def authority_set(
    ctx: typer.Context,
    named: Annotated[str | None, typer.Argument(
        metavar="NAME", show_default=False,
        help="The authority's name, as --name: e.g. \"London Borough of Bexley\".")] = None,
    name: Annotated[str | None, typer.Option("--name", help="e.g. Exampleshire County "
                                             "Council.")] = None,
    la: Annotated[str | None, typer.Option("--la", metavar="NNN",
                                           help="DfE LA number, three digits.")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="Policy profile (cintui "
                                               "policy list).")] = None,
    db: DbOption = None, request_id: RequestOption = None, as_json: JsonOption = False,
) -> None:
    """Set the authority's name, DfE LA number and policy profile (what is not given stays
    as it is). The name goes on letters and packs, the LA number on the census return. The
    first time, an authority cintui knows (one with a policy profile of its own) needs no
    --la: its name gives its LA number and its profile; another --la is kept, with a
    warning."""
    from cintui.casework import admin

    if named is not None and name is not None and named.strip() != name.strip():
        raise CliError(f"the name is given twice ({named!r} and --name {name!r}): give it once")
    name = name if name is not None else named  # NAME and --name: one way in
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        # The first time, a name that names a profile of its own chooses it (as the set-up
        # form does) on a store still on the England default, unless --policy is given.
        before = admin.authority(session)
        by_name = admin.profile_named_in(name) if name and policy is None and \
            not before.name and before.policy == admin.DEFAULT_POLICY else None
        info = admin.set_authority(session, name=name, la=la, policy=policy or by_name)
    warning = admin.la_number_warning(info.name, info.la_number) if \
        name is not None or la is not None else ""
    if warning:  # kept as given: the worker may know better than the profile
        typer.echo(f"Warning: {warning} ({info.la_number} kept).", err=True)
    if as_json:
        _echo_json(info.as_json())
        return
    known = la is None and bool(info.la_number) and not before.la_number  # by its name
    said = ", its LA number and profile" if known and by_name else ", its LA number" if known \
        else "," if by_name else ""
    hint = f" (--policy {admin.DEFAULT_POLICY} for the England default)" if by_name else ""
    typer.echo(f"{info.name or 'The authority'} (LA {info.la_number or '—'}) follows "
               f"{info.policy_title} ({info.policy})"
               + (f"{said} by its name{hint}." if said else "."))


@authority_app.command("show")
def authority_show(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """The authority's name, DfE LA number and policy profile."""
    from cintui.casework import admin

    with _open(ctx, db) as store, store.read() as session:
        info = admin.authority(session)
    if as_json:
        _echo_json(info.as_json())
        return
    typer.echo(f"Authority: {info.name or 'not set up yet (cintui authority set)'}")
    typer.echo(f"DfE LA number: {info.la_number or '—'}")
    typer.echo(f"Policy profile: {info.policy_title} ({info.policy})")


# ---------------------------------------------------------------- teams


@team_app.command("add")
def team_add(ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME")],
             service: ServiceOption = None, manager: ManagerOption = None,
             db: DbOption = None,
             request_id: RequestOption = None,
             as_json: JsonOption = False) -> None:
    """Add a team, with its service and manager."""
    from cintui.casework import admin

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        row = admin.add_team(session, admin.TeamInput(name, service, manager))
    _team_done(row, as_json, "Added")


@team_app.command("edit")
def team_edit(ctx: typer.Context, team: Annotated[str, typer.Argument(metavar="TEAM")],
              name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
              service: ServiceOption = None,
              manager: Annotated[str | None, typer.Option(
                  "--manager", help="The team manager's username ('' for none).")] = None,
              db: DbOption = None,
              request_id: RequestOption = None,
              as_json: JsonOption = False) -> None:
    """Rename a team, change its service or its manager."""
    from cintui.casework import admin

    if name is None and service is None and manager is None:
        raise CliError("nothing to change: give --name, --service or --manager")
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        row = admin.edit_team(session, team, admin.TeamInput(name, service, manager))
    _team_done(row, as_json, "Changed")


def _team_done(row, as_json: bool, verb: str) -> None:
    if as_json:
        _echo_json(row.as_json())
        return
    manager = f", managed by {row.manager} ({row.manager_username})" if row.manager else \
        ", no manager yet (the first team manager added to it manages it)"
    typer.echo(f"{verb} the team {row.name}{f' ({row.service})' if row.service else ''}"
               f"{manager}.")


@team_app.command("list")
def team_list(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every team: service, manager, workers and open children."""
    from cintui.casework import admin

    with _open(ctx, db) as store, store.read() as session:
        rows = admin.list_teams(session)
    if as_json:
        _echo_json([r.as_json() for r in rows])
        return
    if not rows:
        typer.echo("No teams yet: cintui team add NAME --service SERVICE.")
        return
    from cintui.cli.table import Column, print_table

    print_table(_console(), (Column("team"), Column("service"), Column("manager"),
                             Column("workers", right=True), Column("open children", right=True)),
                [(r.name, r.service, r.manager_username or "—", str(r.workers),
                  str(r.open_children)) for r in rows])


@team_app.command("waiting")
def team_waiting(ctx: typer.Context, team: TeamOption = None, db: DbOption = None,
                 as_json: JsonOption = False, today: TodayOption = None) -> None:
    """What waits for a manager's decision, the longest waiting first: assessments sent for
    authorisation and CIN plans to start (TRA), closures, step-downs and transfers
    recommended (TRA, BEX 3, WIR 3, BEX 4), disputes about a closure (BEX 3), casework dated
    after its case closed (a laptop's visit, meeting, supervision, GCP2, Signs of Safety,
    FGC, short break or direct payment; TRA, BEX 3). Every team's unless --team."""
    from cintui.casework import due as due_cases
    from cintui.casework.team import my_role, waiting_for_manager
    from cintui.domain.calendar import england_calendar

    now = _today(today)
    with _reading(ctx, db) as rows:
        if team:
            try:
                _, team = due_cases.resolve_scope(rows, worker=None, team=team)
            except due_cases.UnknownScope as exc:
                raise CliError.of(exc) from None
        found = waiting_for_manager(rows, team)
        role = my_role(rows, access.current_actor())  # BEX 3: a referred dispute is the SM's
    cal = england_calendar()
    if as_json:
        _echo_json({"today": now.isoformat(), "team": team,
                    "waiting": [w.as_json(now, cal) for w in found]})
        return
    scope = f" in {team}" if team else ""
    if not found:
        typer.echo(f"Nothing waits for a manager's decision{scope}.")
        return
    from cintui.cli.table import Column, print_table

    typer.echo(f"{len(found)} waiting for a manager's decision{scope} on {day_text(now)}:")
    every = team is None  # every team's: each with its team
    print_table(_console(), (Column("child", no_wrap=True), Column("name"), Column("worker"),
                             *([Column("team")] if every else []),
                             Column("to decide", ratio=2), Column("since", ratio=2)),
                [(w.reference, w.name, w.worker or "—", *([w.team or "—"] if every else []),
                  w.what_for(role), w.describe_since(now, cal)) for w in found])


# ---------------------------------------------------------------- workers


@worker_app.command("add")
def worker_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME",
                                            help="What they sign in as: amira.ashdown.")],
    name: Annotated[str, typer.Option("--name", help="Full name. Required.")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    team: TeamOption = None, email: EmailOption = None,
    password_file: Annotated[Path | None, typer.Option(
        "--password-file", help="Team server: the login's password, the file's first line.",
        dir_okay=False)] = None,
    ask_password: Annotated[bool, typer.Option(
        "--ask-password", help="Team server: type the login's password (hidden, twice).")] = False,
    db: DbOption = None, request_id: RequestOption = None, as_json: JsonOption = False,
) -> None:
    """Add a worker: username, name, role, team, email. On a team server, their own login
    too (a password from --password-file or --ask-password; neither: the DBA sets it)."""
    from cintui.casework import admin

    password = _password(password_file, ask_password)
    with _open(ctx, db) as store:
        if password is not None and store.server is None:
            raise CliError("this store is not a team server: workers have no logins of their "
                           "own here (cintui server init)")
        with store.session(access.current_actor()) as session:
            row = admin.add_worker(session, username, admin.WorkerInput(name, role, team, email),
                                   password=password)
            manages = admin.managed_teams(session, row.username)
        on_server = store.server is not None
    _worker_done(row, as_json, "Added", manages)
    if on_server and not as_json:
        typer.echo(f"Login {row.username} made on the team server"
                   + ("." if password else ": no password yet; the database's owner sets one "
                      f"(\\password {row.username} in psql)."))


def _password(path: Path | None, ask: bool, prompt: str = "Password for the new login: ",
              done: str = "added") -> str | None:
    """A login's password from a file or a hidden prompt: never from the command line."""
    if path is not None and ask:
        raise CliError("give --password-file or --ask-password, not both")
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CliError(f"--password-file: cannot read {path}: {exc.strerror}") from None
        value = lines[0] if lines else ""
    elif ask:
        import getpass
        import sys

        if not sys.stdin.isatty():
            raise CliError("--ask-password needs a terminal; use --password-file")
        value = getpass.getpass(prompt)
        if value != getpass.getpass("Repeat it: "):
            raise CliError(f"the two passwords differ; nothing was {done}")
    else:
        return None
    if len(value) < access.MIN_PASSPHRASE:
        raise CliError(f"a login's password needs at least {access.MIN_PASSPHRASE} characters")
    return value


@worker_app.command("edit")
def worker_edit(
    ctx: typer.Context, username: Annotated[str, typer.Argument(metavar="USERNAME")],
    name: NameOption = None,
    role: Annotated[str | None, typer.Option("--role", help=ROLE_HELP)] = None,
    team: Annotated[str | None, typer.Option("--team", help="Team name ('' for none).")] = None,
    email: EmailOption = None,
    password_file: Annotated[Path | None, typer.Option(
        "--password-file", help="Team server: the login's new password, the file's first "
        "line.", dir_okay=False)] = None,
    ask_password: Annotated[bool, typer.Option(
        "--ask-password", help="Team server: type the login's new password (hidden, "
        "twice).")] = False,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change a worker's name, role, team or email; on a team server, their login's password
    (a lost laptop: after `cintui sync revoke`)."""
    from cintui.casework import admin

    if (name is None and role is None and team is None and email is None
            and password_file is None and not ask_password):
        raise CliError("nothing to change: give --name, --role, --team, --email, or "
                       "--password-file / --ask-password")
    password = _password(password_file, ask_password, f"New password for {username}: ",
                         "changed")
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        row = admin.edit_worker(session, username, admin.WorkerInput(name, role, team, email),
                                password=password)
    if password is None or as_json or (name, role, team, email) != (None, None, None, None):
        _worker_done(row, as_json, "Changed")  # a password alone changes none of these
    if password is not None and not as_json:
        typer.echo(f"Login {row.username}: new password set on the team server; the old "
                   "one no longer works.")


def _worker_done(row, as_json: bool, verb: str, manages: list[str] | None = None) -> None:
    if as_json:
        _echo_json(row.as_json() | ({"manages": manages} if manages is not None else {}))
        return
    team = f" in {row.team}" if row.team else ", no team"
    managing = ", and its manager (it had none)" if row.team in (manages or ()) else ""
    typer.echo(f"{verb} {row.name} ({row.username}), {row.role_label.lower()}{team}{managing}.")


@worker_app.command("list")
def worker_list(ctx: typer.Context, team: TeamOption = None,
                include_left: Annotated[bool, typer.Option(
                    "--all", help="Those who have left too.")] = False,
                db: DbOption = None, as_json: JsonOption = False) -> None:
    """Workers: username, name, role, team, email, open children."""
    from cintui.casework import admin

    with _open(ctx, db) as store, store.read() as session:
        rows = admin.list_workers(session, team=team, include_left=include_left)
    if as_json:
        _echo_json([r.as_json() for r in rows])
        return
    if not rows:
        typer.echo("No workers yet: cintui worker add USERNAME --name NAME --role ROLE.")
        return
    from cintui.cli.table import Column, print_fitting

    # Who, and their children, first; at 80 columns the email is left out (and named),
    # not folded into strips ("felix.shac / kleton@exa").
    left = [Column("left", no_wrap=True)] if include_left else []
    print_fitting(_console(), (Column("username", no_wrap=True), Column("name"),
                               Column("role"), Column("children", right=True), *left,
                               Column("team"), Column("email")),
                  [(r.username, r.name, r.role_label, str(r.open_children),
                    *([day_words(r.left_on, pad=True)] if include_left else []),
                    r.team, r.email) for r in rows], keep=4 + bool(left))


@worker_app.command("whoami")
def worker_whoami(ctx: typer.Context,
                  username: Annotated[str | None, typer.Argument(
                      metavar="[USERNAME]", show_default=False,
                      help="Say who you are: a worker on this store (as the app's Who am "
                      "I).")] = None,
                  db: DbOption = None, as_json: JsonOption = False) -> None:
    """Who cintui records what you do as, and why; with USERNAME, say who you are once on
    this computer (the app's Ctrl+P → "Who am I" says the same). CINTUI_USER still names
    someone else for one command; on a team server you are who you logged in as."""
    from cintui.reference import config
    from cintui.store import fast

    with _open(ctx, db) as store:
        login = access.acting_login()
        with store.engine.connect() as conn:
            workers = [tuple(r) for r in conn.exec_driver_sql(fast.ACTIVE_WORKERS_SQL)]
            left = fast.leavers(lambda sql: conn.exec_driver_sql(sql).all())
        if username is not None:
            if login is not None:
                raise CliError(f"on the team server you are who you logged in as: {login}"
                               if store.server is not None else
                               f"this laptop syncs with the team server as {login}: what you "
                               "do here is recorded as them")
            from cintui.domain.workforce import not_a_worker

            if not workers:
                raise CliError("no workers on this store yet: add yourself first "
                               "(cintui worker add USERNAME --name NAME --role ROLE)")
            if (said := not_a_worker("whoami", username.strip(), workers, left)) is not None:
                raise CliError(said)
            config.save_setting("worker", username.strip())
        actor = access.current_actor()
    names = dict(workers)
    if login is not None:
        why = "the login you are connected as"
    elif (os.environ.get("CINTUI_USER") or "").strip():
        why = "CINTUI_USER"
    elif actor in names and config.load_settings().get("worker") == actor:
        why = "said with `cintui worker whoami` or the app's Who am I"
    elif actor in names:
        why = "this computer's login, a worker on this store"
    else:
        why = ("this computer's login, no worker on this store: say who you are with "
               "`cintui worker whoami USERNAME` (an import is refused until you do)"
               if workers else "this computer's login (no workers on this store yet)")
    if as_json:
        _echo_json({"username": actor, "name": names.get(actor), "why": why})
        return
    who = f"{names[actor]} ({actor})" if actor in names else actor
    if username is not None and actor != username.strip():  # CINTUI_USER names another
        typer.echo(f"You are {names[username.strip()]} ({username.strip()}) on this computer; "
                   f"CINTUI_USER names {actor} for the commands run with it.")
        return
    said = "You are" if username is not None else "Recorded as"
    typer.echo(f"{said} {who}: {why}.")


@worker_app.command("leave")
def worker_leave(ctx: typer.Context, username: Annotated[str, typer.Argument(metavar="USERNAME")],
                 on: OnOption = None, db: DbOption = None,
                 request_id: RequestOption = None,
                 as_json: JsonOption = False,
                 today: TodayOption = None) -> None:
    """A worker leaves: their history stays theirs; their open children must be
    reallocated first (cintui child reallocate)."""
    from cintui.casework import admin

    now = _today(today)
    when = _parse_date(on, "--on") if on is not None else now
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        left = admin.leave(session, username, on=when, today=now)  # forms: to the team's
        # manager, else to the one recording it (the session's actor)
    if as_json:
        _echo_json({**left.worker.as_json(),
                    "teams_without_manager": list(left.teams_without_manager),
                    "forms_handed_to": left.forms_to or None,
                    "forms_handed": [f.as_json() for f in left.forms]})
        return
    typer.echo(f"{left.worker.name} ({left.worker.username}) left on {day_words(when)}.")
    for name in left.teams_without_manager:
        typer.echo(f"{name} has no manager now: cintui team edit {name!r} --manager USERNAME")
    for line in left.forms_said():
        typer.echo(line)


@worker_app.command("hand-over")
def worker_hand_over(ctx: typer.Context,
                     username: Annotated[str, typer.Argument(metavar="USERNAME")],
                     to: Annotated[str, typer.Option(
                         "--to", help="The worker taking them: username or name.")],
                     db: DbOption = None, request_id: RequestOption = None,
                     as_json: JsonOption = False) -> None:
    """The forms a worker who has left had part typed go to another worker (`worker leave`
    hands them to the team's manager; this is for one who left before it did)."""
    from cintui.casework import admin

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        left = admin.hand_over_forms(session, username, to)
    if as_json:
        _echo_json({"worker": left.worker.username, "forms_handed_to": left.forms_to or None,
                    "forms_handed": [f.as_json() for f in left.forms]})
        return
    for line in left.forms_said() or [f"{left.worker.name} ({left.worker.username}) has no "
                                      "forms part typed left."]:
        typer.echo(line)


# ---------------------------------------------------------------- reallocation


@child_app.command("reallocate")
def child_reallocate(
    ctx: typer.Context,
    children: Annotated[list[str], typer.Argument(metavar="CHILD...",
                                                  help="Case references or names.")],
    to: Annotated[str, typer.Option("--to", help="The worker taking them: username or name.")],
    on: OnOption = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (in the chronology).")] = "",
    by: Annotated[str | None, typer.Option(
        "--by", help="The manager reallocating: username or name (default: you, "
        "CINTUI_USER).")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Reallocate one or several children to another worker (a manager's step): dated,
    audited, in each child's chronology; the child's team follows the new worker's."""
    from cintui.casework import admin

    now = _today(today)
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        new = admin.ReallocationInput(tuple(children), to,
                                      _parse_date(on, "--on") if on is not None else now,
                                      by or access.current_actor(), reason)
        moved = admin.reallocate(session, new, today=now)
    if as_json:
        _echo_json([m.as_json() for m in moved])
        return
    for m in moved:
        was = f" from {m.from_worker}" if m.from_worker else ""
        typer.echo(f"{m.reference} {m.name}: reallocated{was} to {m.to_worker}"
                   + (f" ({m.team})" if m.team else "") + f" on {day_words(new.on)}.")


# ---------------------------------------------------------------- restricted children


@child_app.command("restrict")
def child_restrict(
    ctx: typer.Context,
    child: Annotated[str, typer.Argument(metavar="CHILD", help="Case reference or name.")],
    to: Annotated[list[str] | None, typer.Option(
        "--to", help="A worker who may see the child (repeat for each): username or name.")]
    = None,
    clear: Annotated[bool, typer.Option("--clear", help="Lift the restriction.")] = False,
    by: Annotated[str | None, typer.Option(
        "--by", help="The manager restricting it (default: you).")] = None,
    db: DbOption = None, request_id: RequestOption = None, as_json: JsonOption = False,
) -> None:
    """Restrict a child's record to named workers (a manager's step): on a team server no
    one else sees the child or anything on their record. The manager and the child's worker
    are always named. --clear lifts it."""
    from cintui.casework import admin

    if clear == bool(to):
        raise CliError("name the workers (--to USERNAME, repeated) or lift it (--clear)")
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        done = admin.restrict(session, child, [] if clear else list(to or []),
                              by=by or access.current_actor())
    if as_json:
        _echo_json(done.as_json())
    elif done.workers:
        typer.echo(f"{done.reference} {done.name}: restricted to {', '.join(done.workers)}.")
    else:
        typer.echo(f"{done.reference} {done.name}: not restricted.")
