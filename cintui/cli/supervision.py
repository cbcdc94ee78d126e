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
from cintui.store import access

supervision_app = typer.Typer(help="Supervision and case direction (STO 4.5, 8.5; WAR 12).",
                              no_args_is_help=True)
app.add_typer(supervision_app, name="supervision")

ActionOption = Annotated[list[str] | None, typer.Option(
    "--action", help="An action agreed: 'what | who | YYYY-MM-DD' (repeat for each).")]


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
    ctx: typer.Context, child: ChildArg,
    present: Annotated[str, typer.Option("--present", help="Who was there.")] = "",
    discussion: Annotated[str, typer.Option(
        "--discussion", help="What was discussed: the plan's progress, what is changing.")] = "",
    decisions: Annotated[str, typer.Option(
        "--decisions", help="The case direction decided, with the reason.")] = "",
    action: ActionOption = None,
    next_due: Annotated[str | None, typer.Option(
        "--next", help="Next supervision by, YYYY-MM-DD (default: the policy's timescale).")]
    = None,
    on: OnOption = None, by: ManagerOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record a supervision of the child's case (a team or service manager only)."""
    from cintui.casework import cases
    from cintui.casework import supervision as sup

    now = _today(today)
    new = sup.NewSupervision(
        held_on=_parse_date(on, "--on") if on is not None else now, present=present,
        discussion=discussion, decisions=decisions,
        actions=tuple(parse_action(a, i) for i, a in enumerate(action or [], start=1)),
        next_due=_parse_date(next_due, "--next") if next_due is not None else None, by=by)
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        try:
            sup.record_supervision(session, record.id, new, actor=access.current_actor(),
                                   today=now)
        except sup.SupervisionError as exc:
            raise CliError.of(exc) from None
        ref = record.reference
        due = sup.due(session, record.id, now)
    if as_json:
        _echo_json({"reference": ref, "recorded": True, "next": due_json(due)})
        return
    actions = len(new.actions)
    typer.echo(f"{ref}: supervision of {new.held_on:%d %b %Y} recorded"
               + (f" with {actions} action{'s' if actions != 1 else ''}" if actions else "")
               + (f"; next supervision by {due.due:%d %b %Y} ({due.source})" if due else "")
               + ".")


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
        typer.echo(f"\n{f.held_on:%d %b %Y}, {f.manager}; present: {f.present}")
        typer.echo(f"  Discussed: {f.discussion}")
        typer.echo(f"  Decided: {f.decisions}")
        for a in f.actions:  # open ones by the number `supervision action` takes
            by = f", by {a.by_when:%d %b %Y}" if a.by_when else ""
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
                (None, team_cases.my_team(rows, access.current_actor()))
        except due_cases.UnknownScope as exc:
            raise CliError(str(exc)) from None
        if name is None:
            raise CliError("give --team: you are not in a team on this store")
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
