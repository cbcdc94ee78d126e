"""`cintui fgc …`: Family Group Conferences (WAR 4.2, 9.3; STO 6.13, 7.5): refer the family,
record the conference held (the family's own plan; its actions join the CIN plan's draft)
or declined, list a child's. Counted in `cintui report performance` (WAR 9.3). Bad input:
one line, exit 2, nothing written."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    CliError,
    DbOption,
    JsonOption,
    OnOption,
    RequestOption,
    TodayOption,
    _echo_json,
    _open,
    _parse_date,
    _today,
    agree_hint,
    app,
)
from cintui.domain.dates import day_words
from cintui.store import access

fgc_app = typer.Typer(help="Family Group Conferences (WAR 4.2, 9.3; STO 6.13, 7.5).",
                      no_args_is_help=True)
app.add_typer(fgc_app, name="fgc")

ActionOption = Annotated[list[str] | None, typer.Option(
    "--action", help="An action of the family's plan: 'what | who | YYYY-MM-DD' (repeat).")]


def _day(d) -> str | None:
    return d.isoformat() if d else None


def fact_json(f) -> dict:
    return {"status": f.status, "referred_on": _day(f.referred_on),
            "referred_by": f.referred_by, "coordinator": f.coordinator,
            "held_on": _day(f.held_on), "declined_on": _day(f.declined_on),
            "family_plan": f.family_plan, "reason": f.reason,
            "plan_version": f.plan_version}


def _run(ctx, db, child: str, do):
    from cintui.casework import cases
    from cintui.casework import fgc as fgc_cases

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        try:
            result = do(session, record.id)
        except fgc_cases.FgcError as exc:
            raise CliError.of(exc) from None
        return record.reference, result, fgc_cases.facts(session, record.id)


@fgc_app.command("refer")
def fgc_refer(
    ctx: typer.Context, child: ChildArg,
    coordinator: Annotated[str, typer.Option(
        "--coordinator", help="The FGC coordinator, if known.")] = "",
    on: OnOption = None, db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Refer the family to the FGC service (WAR 4.2: the wider family's strengths)."""
    from cintui.casework import fgc as fgc_cases

    now = _today(today)
    day = _parse_date(on, "--on") if on is not None else now
    ref, _row, facts = _run(ctx, db, child, lambda s, cid: fgc_cases.refer(
        s, cid, on=day, by=access.current_actor(), coordinator=coordinator, today=now))
    if as_json:
        _echo_json({"reference": ref, "fgc": fact_json(facts[-1])})
    else:
        typer.echo(f"{ref}: Family Group Conference {facts[-1].describe()}.")


@fgc_app.command("edit")
def fgc_edit(
    ctx: typer.Context, child: ChildArg,
    coordinator: Annotated[str | None, typer.Option(
        "--coordinator", help="The FGC coordinator, once the service names one.")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="The date of the referral, put right (YYYY-MM-DD).")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """The referral waiting, changed: its coordinator once known, or its date."""
    from cintui.casework import fgc as fgc_cases

    if coordinator is None and on is None:
        raise CliError("give --coordinator or --on: what to change on the referral")
    now = _today(today)
    day = _parse_date(on, "--on") if on is not None else None
    ref, row, facts = _run(ctx, db, child, lambda s, cid: fgc_cases.edit_referral(
        s, cid, on=day, coordinator=coordinator, today=now))
    fact = next(f for f in facts if f.ref == str(row.id))
    if as_json:
        _echo_json({"reference": ref, "fgc": fact_json(fact)})
    else:
        typer.echo(f"{ref}: Family Group Conference {fact.describe()}.")


@fgc_app.command("held")
def fgc_held(
    ctx: typer.Context, child: ChildArg,
    family_plan: Annotated[str, typer.Option(
        "--family-plan", help="The family's own plan, as they made it (STO 6.13).")] = "",
    action: ActionOption = None,
    on: OnOption = None, db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """The conference held: the family's plan, its actions joined to the CIN plan's draft
    (BEX 2: one coordinated plan; agree the draft with `cintui plan agree CHILD`, or g in
    the plan editor)."""
    from cintui.casework import fgc as fgc_cases
    from cintui.domain.plan import PlanAction

    now = _today(today)
    day = _parse_date(on, "--on") if on is not None else now
    actions = []
    for n, text in enumerate(action or [], start=1):
        parts = [p.strip() for p in text.split("|")]
        if len(parts) != 3:
            raise CliError(f"--action {n}: {text!r}: write 'what | who | YYYY-MM-DD'")
        actions.append(PlanAction(parts[0], parts[1],
                                  _parse_date(parts[2], f"--action {n}") if parts[2] else None))
    ref, (_row, version), facts = _run(ctx, db, child, lambda s, cid: fgc_cases.record_held(
        s, cid, held_on=day, family_plan=family_plan, actions=tuple(actions), today=now,
        by=access.current_actor()))
    if as_json:
        _echo_json({"reference": ref, "fgc": fact_json(facts[-1]), "plan_version": version})
    else:
        from cintui.domain.text import counted

        typer.echo(f"{ref}: Family Group Conference held {day_words(day)}; the family's plan "
                   f"and its {counted(len(actions), 'action')} joined CIN plan v{version} "
                   f"(a draft: agree it with {agree_hint(ref)}).")


@fgc_app.command("declined")
def fgc_declined(
    ctx: typer.Context, child: ChildArg,
    reason: Annotated[str, typer.Option("--reason", help="Why, in the family's words.")] = "",
    on: OnOption = None, db: DbOption = None,
    request_id: RequestOption = None,
    today: TodayOption = None,
) -> None:
    """The family declined the conference."""
    from cintui.casework import fgc as fgc_cases

    now = _today(today)
    day = _parse_date(on, "--on") if on is not None else now
    ref, _row, _facts = _run(ctx, db, child, lambda s, cid: fgc_cases.record_declined(
        s, cid, on=day, reason=reason, today=now))
    typer.echo(f"{ref}: Family Group Conference declined ({day_words(day)}).")


@fgc_app.command("list")
def fgc_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
             as_json: JsonOption = False) -> None:
    """The child's Family Group Conferences, oldest first."""
    from cintui.casework import cases
    from cintui.casework import fgc as fgc_cases

    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        found = fgc_cases.facts(session, record.id)
    if as_json:
        _echo_json({"reference": record.reference, "fgcs": [fact_json(f) for f in found]})
        return
    if not found:
        typer.echo(f"{record.reference}: no Family Group Conference.")
    for f in found:
        typer.echo(f"{record.reference}: {f.describe()}"
                   + (f" — {f.family_plan}" if f.family_plan else "")
                   + (f" — {f.reason}" if f.reason else ""))
