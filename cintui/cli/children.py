"""cintui child: list, add and show children on the store."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    RequestOption,
    TodayOption,
    _console,
    _echo_json,
    _open,
    _parse_date,
    _reading,
    _today,
    access,
    child_app,
)
from cintui.domain.dates import day_words

# ------------------------------------------------------------------ child


@child_app.command("list")
def child_list(
    ctx: typer.Context,
    db: DbOption = None,
    worker: Annotated[str | None, typer.Option("--worker", help="Username or name.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="A team's name, or a word only one team's name has (south).")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open cases.")] = False,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """List children: reference, name, DOB, worker, status, level."""
    from cintui.casework import caseload, lookup  # not casework.due: ~5 ms of imports

    with _reading(ctx, db) as read:
        try:
            username, team_name = lookup.resolve_scope(read, worker=worker, team=team)
        except lookup.UnknownScope as exc:
            raise CliError.of(exc) from None
        rows = caseload.list_children(read, _today(today), username=username, team=team_name,
                                      open_only=open_only)
    if as_json:
        _echo_json([r.as_json() for r in rows])
        return
    if not rows:
        typer.echo("No children on this store yet: `cintui child add --help` or `cintui demo`.")
        return
    from cintui.cli.table import Column, print_fitting
    from cintui.domain.child import STATUS_LABELS

    # Who the child is and where the case stands first; at 80 columns what does not fit
    # whole (the worker, the level) is left out and named: each row was three lines.
    print_fitting(_console(), (Column("reference", no_wrap=True), Column("name"),
                               Column("age"), Column("status", no_wrap=True),
                               Column("DOB / due", no_wrap=True), Column("worker"),
                               Column("level")),
                  [(r.reference, r.name, r.age, STATUS_LABELS.get(r.status, r.status),
                    day_words(r.dob, pad=True) if r.dob else
                    (f"due {day_words(r.expected_dob)}" if r.expected_dob else ""), r.worker,
                    r.level)
                   for r in rows], keep=4)


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
    sex: Annotated[str, typer.Option("--sex", help="Census sex: M, F or U (unknown; an "
                                     "unborn child is U).")] = "U",
    gender_identity: Annotated[str, typer.Option(
        "--gender-identity", help="Only if the child or family has said.")] = "",
    ethnicity: Annotated[str, typer.Option("--ethnicity", help="Census code, e.g. WBRI.")] = "NOBT",
    disability: Annotated[
        list[str] | None, typer.Option("--disability", help="Census code or words (AUT, "
                                       "autism); repeat for several.")
    ] = None,
    primary_need: Annotated[str, typer.Option(
        "--primary-need", help="Census code or words: N1, 'abuse or neglect'.")] = "N0",
    referral_date: Annotated[
        str | None, typer.Option("--referral-date", help="Default: today.")
    ] = None,
    referral_source: Annotated[str, typer.Option(
        "--referral-source", help="Census code or words: 1A, 'police'.")] = "10",
    level: Annotated[str, typer.Option("--level", help="Level of need (policy's names).")] = "",
    service: Annotated[str, typer.Option(
        "--service", help="The service supporting the child (e.g. the Children with "
        "Disability Team, WAR 4.4.1).")] = "",
    team: Annotated[str | None, typer.Option("--team", help="A team's name, or a word only one team's name has (south).")] = None,
    worker: Annotated[str | None, typer.Option("--worker", help="Allocated worker.")] = None,
    upn: Annotated[str, typer.Option("--upn", help="Unique pupil number (13 characters).")
                   ] = "",
    upn_unknown: Annotated[str | None, typer.Option(
        "--upn-unknown", help="Census reason the UPN is unknown, UN1-UN7.")] = None,
    db: DbOption = None, request_id: RequestOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Add a child with their first referral. Nothing is written unless everything is valid."""
    from cintui.casework import cases

    now = _today(today)
    for flag, value in (("--first-name", first_name), ("--last-name", last_name),
                        ("--team", team), ("--worker", worker)):
        if value is not None and not value.strip():  # typed, but empty: not "not given"
            raise CliError(f"{flag} is blank: give it, or leave the option out"
                           if flag in ("--team", "--worker") else
                           f"{flag} is blank: give the child's name as the family gives it")
    new = cases.NewChild(
        first_name=first_name, last_name=last_name,
        dob=_parse_date(dob, "--dob") if dob is not None else None,
        expected_dob=_parse_date(expected_dob, "--expected-dob") if expected_dob is not None else None,
        reference=reference, sex=sex.upper(), gender_identity=gender_identity,
        ethnicity=ethnicity.upper(),
        disabilities=" ".join(_disability_codes(disability or ["NONE"])),
        primary_need=_code(primary_need, "primary_need", "primary need", "--primary-need"),
        referral_source=_code(referral_source, "referral_source", "referral source",
                              "--referral-source"),
        referral_date=_parse_date(referral_date, "--referral-date") if referral_date is not None else now,
        level=level, service=service, team=team, worker=worker, upn=upn.upper(),
        upn_unknown=upn_unknown.upper() if upn_unknown else None,
    )
    from cintui.casework import steps as case_steps

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        child = cases.add_child(session, new, now)
        ref, name = child.reference, child.full_name
        prompts = case_steps.prompts(session, child.id)  # WAR 4.4.1, STO 7.13
    if as_json:
        _echo_json({"reference": ref, "name": name, "prompts": [p.text for p in prompts]})
    else:
        typer.echo(f"Added {name} as {ref}.")
        for prompt in prompts:
            typer.echo(prompt.for_shell(ref))


@child_app.command("edit")
def child_edit(
    ctx: typer.Context, child: Annotated[str, typer.Argument(help="Reference or name.")],
    service: Annotated[str | None, typer.Option(
        "--service", help="The service supporting the child (e.g. the Children with "
        "Disability Team, WAR 4.4.1).")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Level of need (policy's "
                                              "names).")] = None,
    known_as: Annotated[str | None, typer.Option(
        "--known-as", help="The name the child goes by, if not their first name.")] = None,
    primary_need: Annotated[str | None, typer.Option(
        "--primary-need", help="Census code or words: N1, 'abuse or neglect'.")] = None,
    ethnicity: Annotated[str | None, typer.Option("--ethnicity", help="Census code.")] = None,
    upn: Annotated[str | None, typer.Option("--upn", help="Unique pupil number.")] = None,
    db: DbOption = None, request_id: RequestOption = None, as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Change a child's details, as `u` on the record does: only what is given changes, and
    nothing unless all of it is valid. The worker changes with `child reallocate`, the
    disabilities with `child circumstances`."""
    from dataclasses import replace

    from cintui.casework import cases, record

    changes = {name: value.strip() for name, value in (
        ("service", service), ("level", level), ("known_as", known_as),
        ("primary_need", primary_need and _code(primary_need, "primary_need",
                                                "primary need", "--primary-need")),
        ("ethnicity", ethnicity and ethnicity.upper()), ("upn", upn and upn.upper()))
        if value is not None}
    if not changes:
        raise CliError("give what to change: --service, --level, --known-as, --primary-need, "
                       "--ethnicity or --upn")
    now = _today(today)
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        found = cases.find_child(session, child)
        before = record.child_input(session, found.id)
        try:
            record.update_child(session, found.id, replace(before, **changes), now)
        except record.RecordError as exc:
            raise CliError.of(exc) from None
        after = record.child_input(session, found.id)  # as stored: "child in need" a code
        same = [k for k in changes if getattr(before, k) == getattr(after, k)]
        ref, name = found.reference, found.full_name
    changed = {k: getattr(after, k) for k in changes if k not in same}
    if as_json:
        _echo_json({"reference": ref, "name": name, "changed": changed, "unchanged": same})
        return
    words = lambda keys: ", ".join(k.replace("_", " ") for k in keys)  # noqa: E731
    if not changed:  # the same value again: no audit entry either (store/audit.py)
        typer.echo(f"Nothing changed for {name} ({ref}): "
                   + "; ".join(f"{k.replace('_', ' ')} is already {getattr(after, k)!r}"
                               for k in same) + ".")
        return
    typer.echo(f"Changed {words(changed)} for {name} ({ref})."
               + (f" Already as given: {words(same)}." if same else ""))


def _disability_codes(given: list[str]) -> list[str]:
    """Each `--disability` as its census code, from the code or from words (as `child
    circumstances --disability` takes them); one line naming the choices otherwise."""
    return list(dict.fromkeys(_code(d, "disability", "disability", "--disability")
                              for d in given))


def _code(given: str, code_list: str, what: str, flag: str) -> str:
    """A census code from the code or from words ("police", "abuse or neglect"), as
    `referral record` and `child circumstances` take them; one line naming the choices
    otherwise (`child add --primary-need neglect` was refused: codes only)."""
    from cintui.domain.steps import NoSuchCode, pick_code
    from cintui.reference import codes

    try:
        return pick_code(given, codes.short_names(code_list), what, code_list)
    except NoSuchCode as exc:
        raise CliError(f"{flag}: {exc.problem}") from None


@child_app.command("show")
def child_show(
    ctx: typer.Context,
    child: Annotated[str, typer.Argument(metavar="CHILD", help="Case reference or name.")],
    db: DbOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """A child's details and every timescale running for them."""
    from cintui.casework import lookup
    from cintui.domain.timescales import compute_deadlines

    now = _today(today)
    with _reading(ctx, db) as read:
        record = lookup.find_child(read, child)
        profile = lookup.store_policy(read)
        events = lookup.child_events(read, record)
        deadlines = sorted([  # WAR 7.2.1: each open package's review, once
            *compute_deadlines(events, profile, now),
            *lookup.package_deadlines(read, record.reference, now, profile)],
            key=lambda d: d.due)
        stalled = None if events.closed else lookup.no_positive_change(  # WIR 2.3
            read, record, events.cin_plan_start, now)
    details = {
        "reference": record.reference, "name": record.full_name,
        "dob": record.dob.isoformat() if record.dob else None,
        "expected_dob": record.expected_dob.isoformat() if record.expected_dob else None,
        "status": record.status, "level": record.level, "service": record.service,
        "policy": profile.name,
        "no_positive_change_since": stalled.isoformat() if stalled else None,  # WIR 2.3
    }
    if as_json:
        _echo_json({**details, "deadlines": [_deadline_json(d) for d in deadlines]})
        return
    _print_deadlines(details, deadlines, now)


def _deadline_json(d) -> dict:
    return {
        "key": d.key,
        "label": d.label,
        "due": d.due.isoformat(),
        "state": str(d.state),
        "working_days_left": d.working_days_left,
        "rule": d.rule,
        "source": d.source,
        "anchor": d.anchor.isoformat(),
        "anchor_label": d.anchor_label,
        "policy": d.policy,
    }


def _print_deadlines(details: dict, deadlines: list, today: date) -> None:
    from cintui.cli.table import Column, escape, fitting, print_table, rule_with_source
    from cintui.domain.child import STATUS_LABELS

    console = _console()
    status = STATUS_LABELS.get(details["status"], details["status"])
    console.print(f"[bold]{escape(details['name'])}[/] {escape(details['reference'])} · "
                  f"{status} · policy {escape(details['policy'])}")
    if details.get("no_positive_change_since"):  # WIR 2.3, as the Summary says it
        from cintui.domain.no_change import no_change_prompt

        since = date.fromisoformat(details["no_positive_change_since"])
        command = f"cintui decision add {details['reference']} --kind cp_conference"
        console.print(f"[bold yellow]⚠ {escape(no_change_prompt(since, command))}[/]")
    if not deadlines:
        console.print("Nothing is due: no timescale is running.")
        return
    colours = {"overdue": "bold red", "due today": "bold yellow", "due soon": "yellow"}

    def state(d) -> tuple:
        return ((str(d.state), colours.get(str(d.state), "")),)

    columns = (Column("due", no_wrap=True), Column("what"), Column("state", no_wrap=True),
               Column("working days", right=True), Column("rule"), Column("source"))
    rows = [(day_words(d.due, pad=True), d.label, state(d), str(d.working_days_left), d.rule, d.source)
            for d in deadlines]
    if fitting(console, columns, rows, keep=4)[1]:
        # Too narrow for six columns (80, a laptop's terminal): the rule and its source go
        # under what is due, in one column as wide as the others leave, rather than in two
        # strips a word wide.
        columns = (columns[0], Column("what · rule (source)"), columns[2],
                   Column("days", right=True))
        rows = [(day_words(d.due, pad=True), ((d.label, "bold"), (rule_with_source(d.rule, d.source), "")),
                 state(d), str(d.working_days_left)) for d in deadlines]
    print_table(console, columns, rows)

