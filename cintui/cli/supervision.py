"""`cintui supervision …`: supervision and case direction (STO 4.5, 8.5; WAR 12). A manager
records a supervision of a child's case; its actions join the worker's due list; `overdue`
lists a team's children overdue supervision (the team view's list). Bad input: one line,
exit 2, nothing written."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    CliError,
    DbOption,
    JsonOption,
    ManagerOption,
    OnOption,
    RequestOption,
    TodayOption,
    _echo_json,
    _open,
    _parse_date,
    _reading,
    _today,
    app,
)
from cintui.domain.dates import day_words
from cintui.store import access

supervision_app = typer.Typer(help="Supervision and case direction (STO 4.5, 8.5; WAR 12).",
                              no_args_is_help=True)
app.add_typer(supervision_app, name="supervision")

ActionOption = Annotated[list[str] | None, typer.Option(
    "--action", help="An action agreed: 'what | who | YYYY-MM-DD' (repeat for each); with "
                     "several children, 'CIN000101: what | who | YYYY-MM-DD'.")]


def _day(d) -> str:
    return d.isoformat() if d else None


def parse_action(text: str, n: int):
    """'what | who | YYYY-MM-DD' as a SupervisionAction; one line when it is not."""
    from cintui.domain.supervision import SupervisionAction

    parts = [p.strip() for p in text.split("|")]
    if len(parts) != 3:
        raise CliError(f"--action {n}: {text!r}: write 'what | who | YYYY-MM-DD'")
    what, who, by = parts
    return SupervisionAction(what, who, _parse_date(by, f"--action {n}") if by else None)


def fact_json(f, numbers: dict[str, int] | None = None) -> dict:
    """One supervision; each open action with the `number` `supervision action` takes."""
    numbers = numbers or {}
    return {"held_on": _day(f.held_on), "manager": f.manager, "present": f.present,
            "discussion": f.discussion, "decisions": f.decisions,
            "next_due": _day(f.next_due),
            "actions": [{"what": a.what, "who": a.who, "by": _day(a.by_when),
                         "status": a.status, "number": numbers.get(a.ref)}
                        for a in f.actions]}


def due_json(d) -> dict | None:
    if d is None:
        return None
    return {"due": _day(d.due), "state": d.state.value, "working_days_left": d.working_days_left,
            "rule": d.rule, "source": d.source}


@supervision_app.command("record")
def supervision_record(
    ctx: typer.Context,
    child: Annotated[str | None, typer.Argument(
        metavar="CHILD", help="Case reference or name (or --child, repeated).")] = None,
    children: Annotated[list[str] | None, typer.Option(
        "--child", help="A child this session covered (repeat for each): the date, who was "
                        "there and the manager are shared; give --discussion and --decisions "
                        "once per child, in the same order.")] = None,
    overdue_of: Annotated[str | None, typer.Option(
        "--overdue-of", help="Every child of this worker overdue supervision (as "
                             "`supervision overdue` lists them, the longest first).")] = None,
    present: Annotated[str, typer.Option("--present", help="Who was there.")] = "",
    discussion: Annotated[list[str] | None, typer.Option(
        "--discussion", help="What was discussed: the plan's progress, what is changing "
                             "(once per child).")] = None,
    decisions: Annotated[list[str] | None, typer.Option(
        "--decisions", help="The case direction decided, with the reason (once per "
                            "child).")] = None,
    action: ActionOption = None,
    next_due: Annotated[str | None, typer.Option(
        "--next", help="Next supervision by, YYYY-MM-DD (default: the policy's timescale).")]
    = None,
    on: OnOption = None, by: ManagerOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record a supervision of the child's case (a team or service manager only); with
    several children (--child repeated, or --overdue-of WORKER), one session for them all:
    each child's record keeps its own supervision, all recorded or none."""
    from cintui.casework import cases
    from cintui.casework import supervision as sup

    now = _today(today)
    typed = ([child] if child else []) + list(children or [])
    if overdue_of is not None:
        if typed:
            raise CliError("--overdue-of chooses the children: give no CHILD or --child "
                           "with it")
        typed = _overdue_of(ctx, db, overdue_of, now)
    if not typed:
        raise CliError("give the child (CHILD, or --child for each of several, or "
                       "--overdue-of WORKER)")
    several = len(typed) > 1
    discussions = _per_child("--discussion", discussion, len(typed))
    decided = _per_child("--decisions", decisions, len(typed))
    held_on = _parse_date(on, "--on") if on is not None else now
    nxt = _parse_date(next_due, "--next") if next_due is not None else None
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        records = [cases.find_child(session, t) for t in typed]
        actions = _actions_by_child(action or [], typed, records) if several else \
            {0: [parse_action(a, i) for i, a in enumerate(action or [], start=1)]}
        entries = [(r.id, sup.NewSupervision(
            held_on=held_on, present=present, discussion=discussions[i],
            decisions=decided[i], actions=tuple(actions.get(i, ())), next_due=nxt, by=by))
            for i, r in enumerate(records)]
        try:
            if several:
                sup.record_session(session, entries, actor=access.current_actor(),
                                   today=now)
            else:
                sup.record_supervision(session, records[0].id, entries[0][1],
                                       actor=access.current_actor(), today=now)
        except sup.SupervisionError as exc:
            if not getattr(exc, "reference", ""):
                raise CliError.of(exc) from None  # its field named as the option typed
            raise CliError(f"{exc.reference}: " + (f"{exc.field}: {exc.problem}" if exc.field
                                                   else exc.problem)) from None
        done = [(r.reference, len(new.actions), sup.due(session, r.id, now))
                for r, (_, new) in zip(records, entries, strict=True)]
    if as_json:
        if several:
            _echo_json({"held_on": held_on.isoformat(), "recorded": True, "children": [
                {"reference": ref, "actions": n, "next": due_json(d)} for ref, n, d in done]})
        else:
            _echo_json({"reference": done[0][0], "recorded": True,
                        "next": due_json(done[0][2])})
        return
    if several:
        typer.echo(f"Supervision of {day_words(held_on)} recorded for {len(done)} children:")
    for ref, n, due in done:
        typer.echo((f"  {ref}: recorded" if several
                    else f"{ref}: supervision of {day_words(held_on)} recorded")
                   + (f" with {n} action{'s' if n != 1 else ''}" if n else "")
                   + (f"; next supervision by {day_words(due.due)} ({due.source})" if due
                      else "") + ".")


def _per_child(option: str, given: list[str] | None, n: int) -> list[str]:
    """One text per child, in the children's order ('' for a child given none: refused by
    the rules with its field, so one missing is named)."""
    given = list(given or [])
    if len(given) > n or (n > 1 and len(given) != n):
        raise CliError(f"{option}: give one for each child, in their order ({n} children, "
                       f"{len(given)} given)")
    return given + [""] * (n - len(given))


def _actions_by_child(texts: list[str], typed: list[str], records) -> dict[int, list]:
    """With several children each --action starts with its child: 'CIN000101: what | who |
    YYYY-MM-DD' (the reference, or the child as typed)."""
    names = {}
    for i, (t, r) in enumerate(zip(typed, records, strict=True)):
        names[t.strip().lower()] = i
        names[r.reference.lower()] = i
    out: dict[int, list] = {}
    for n, text in enumerate(texts, start=1):
        head, sep, rest = text.partition(":")
        if not sep or head.strip().lower() not in names:
            raise CliError(f"--action {n}: {text!r}: with several children, start it with "
                           "the child's reference: 'CIN000101: what | who | YYYY-MM-DD'")
        out.setdefault(names[head.strip().lower()], []).append(parse_action(rest, n))
    return out


def _overdue_of(ctx: typer.Context, db: str | None, worker: str, now) -> list[str]:
    """The references of the worker's children overdue supervision, the longest first."""
    from cintui.casework import cases, lookup
    from cintui.casework import team as team_cases

    with _reading(ctx, db) as rows:
        try:
            found = lookup.find_worker(rows, worker)
        except cases.CaseworkError as exc:
            raise CliError(f"--overdue-of: {exc.problem}") from None
        name = team_cases.my_team(rows, found.username)
        view = team_cases.load_team(rows, now, name) if name else None
    refs = [q.reference for q in (view.supervision_overdue if view else [])
            if q.worker == found.name]
    if not refs:
        raise CliError(f"--overdue-of: none of {found.name}'s children is overdue "
                       "supervision: nothing recorded")
    return refs


@supervision_app.command("list")
def supervision_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                     as_json: JsonOption = False, today: TodayOption = None) -> None:
    """The child's supervisions, newest first, and when the next is due."""
    from cintui.casework import cases
    from cintui.casework import supervision as sup

    now = _today(today)
    from cintui.domain.supervision import open_action_numbers

    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        shown = sup.view(session, record.id, now)
    numbers = open_action_numbers(shown.facts)
    if as_json:
        _echo_json({"reference": shown.reference, "child": shown.child,
                    "policy": shown.policy, "next": due_json(shown.due),
                    "supervisions": [fact_json(f, numbers) for f in shown.facts]})
        return
    typer.echo(f"{shown.child} ({shown.reference}): supervision {shown.policy}")
    if shown.due is not None:
        typer.echo(f"Next supervision: {shown.due.describe()} — {shown.due.rule}")
    if not shown.facts:
        typer.echo("No supervision recorded yet.")
    for f in shown.facts:
        typer.echo(f"\n{day_words(f.held_on)}, {f.manager}; present: {f.present}")
        typer.echo(f"  Discussed: {f.discussion}")
        typer.echo(f"  Decided: {f.decisions}")
        for a in f.actions:  # open ones by the number `supervision action` takes
            by = f", by {day_words(a.by_when)}" if a.by_when else ""
            label = f"Action {numbers[a.ref]}" if a.ref in numbers else "Action"
            typer.echo(f"  {label}: {a.what} ({a.who}{by}) — {a.status.replace('_', ' ')}")
    if numbers:
        typer.echo(f"\n`cintui supervision action {shown.reference} N` marks open action N "
                   "done (--status for another).")


@supervision_app.command("action")
def supervision_action(
    ctx: typer.Context, child: ChildArg,
    number: Annotated[int, typer.Argument(help="The open action's number, as `list` numbers "
                                               "them (1 = the oldest open).")],
    status: Annotated[str, typer.Option(
        "--status", help="not_started, in_progress, done or not_done.")] = "done",
    db: DbOption = None, request_id: RequestOption = None,
) -> None:
    """Update an open supervision action (done: it leaves the due list)."""
    from cintui.casework import cases
    from cintui.casework import supervision as sup

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        try:
            row = sup.set_action_status(session, record.id, number,
                                        status.strip().lower().replace("-", "_").replace(" ", "_"))
        except sup.SupervisionError as exc:
            raise CliError.of(exc) from None
        typer.echo(f"{record.reference}: {row.what} — {row.status.replace('_', ' ')}.")


@supervision_app.command("overdue")
def supervision_overdue(
    ctx: typer.Context,
    team: Annotated[str | None, typer.Option(
        "--team", help="A team's name (default: your own team).")] = None,
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """A team's open children overdue supervision (STO 4.5, 8.5), the longest first."""
    from cintui.casework import due as due_cases
    from cintui.casework import team as team_cases

    now = _today(today)
    with _reading(ctx, db) as rows:
        try:
            _, name = due_cases.resolve_scope(rows, team=team) if team else \
                (None, team_cases.my_team(rows, me := access.actor_reading(rows)))
        except due_cases.UnknownScope as exc:
            raise CliError.of(exc) from None
        if name is None:
            raise CliError(f"give --team: {me} is in no team on this store")
        view = team_cases.load_team(rows, now, name)
    if as_json:
        _echo_json({"team": name, "today": now.isoformat(), "children": [
            {"reference": q.reference, "name": q.name, "worker": q.worker,
             "next": due_json(q.supervision)} for q in view.supervision_overdue]})
        return
    if not view.supervision_overdue:
        typer.echo(f"{name}: no child is overdue supervision.")
        return
    typer.echo(f"{name}: {len(view.supervision_overdue)} children overdue supervision "
               f"(STO 4.5, 8.5)")
    for q in view.supervision_overdue:
        typer.echo(f"  {q.reference} {q.name} ({q.worker or 'no worker'}): "
                   f"{q.supervision.describe()}")
