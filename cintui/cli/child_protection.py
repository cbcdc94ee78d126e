"""`cintui cp …`: child protection facts for a child in need (Working Together 2023; BEX 3):
the strategy discussion and its outcome, the section 47 enquiry, and the initial child
protection conference or that none was needed. They go in the census return's Section47
module, the chronology, and the `s47_start` and `icpc` clocks. Bad input: one line, exit 2."""

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
    app,
)
from cintui.store import access

cp_app = typer.Typer(help="Child protection: strategy discussion, section 47 enquiry, "
                     "initial child protection conference.", no_args_is_help=True)
app.add_typer(cp_app, name="cp")

TargetOption = Annotated[str | None, typer.Option(
    "--target", help="ICPC target date, YYYY-MM-DD (default: the policy's clock, 15 working "
    "days from the strategy discussion).")]


def _as_json(row) -> dict:
    day = lambda d: d.isoformat() if d else None  # noqa: E731
    return {"strategy_on": day(row.strategy_on), "strategy_outcome": row.strategy_outcome,
            "s47_started": day(row.s47_started), "icpc_target": day(row.icpc_target),
            "s47_outcome": row.s47_outcome or None, "s47_concluded": day(row.s47_concluded),
            "icpc_held": day(row.icpc_held), "recorded_by": row.recorded_by or None,
            "notes": row.strategy_notes or None}


def _write(ctx, db, child: str, as_json: bool, do) -> None:
    from cintui.casework import cases, child_protection

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        try:
            row = do(session, record.id)
        except child_protection.InvalidChildProtection as exc:
            raise CliError.of(exc) from None  # by the option typed (`--on:`, not `on:`)
        ref, summary, data = record.reference, child_protection.fact(row).describe(), \
            _as_json(row)
    if as_json:
        _echo_json({"reference": ref, **data})
    else:
        typer.echo(f"{ref}: {summary}.")


@cp_app.command("strategy")
def cp_strategy(
    ctx: typer.Context, child: ChildArg,
    outcome: Annotated[str, typer.Option(
        "--outcome", help="s47 (a section 47 enquiry) or no-s47.")],
    on: OnOption = None,
    notes: Annotated[str, typer.Option("--notes", help="Who took part, what was decided.")] = "",
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """A strategy discussion and its outcome (Working Together 2023; BEX 3: a Red need or a
    deteriorating case)."""
    from cintui.casework import child_protection

    now = _today(today)
    day = _parse_date(on, "--on") if on is not None else now
    _write(ctx, db, child, as_json, lambda s, cid: child_protection.record_strategy(
        s, cid, day, outcome.strip().lower().replace("-", "_"), notes=notes,
        recorded_by=access.current_actor(), today=now))


@cp_app.command("s47")
def cp_s47(
    ctx: typer.Context, child: ChildArg,
    started: Annotated[str | None, typer.Option(
        "--started", help="The date the enquiry started, YYYY-MM-DD (default: today).")] = None,
    target: TargetOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The section 47 enquiry the strategy discussion decided starts; its ICPC target date is
    set (the policy's clock unless --target)."""
    from cintui.casework import child_protection

    now = _today(today)
    day = _parse_date(started, "--started") if started is not None else now
    due = _parse_date(target, "--target") if target is not None else None
    _write(ctx, db, child, as_json, lambda s, cid: child_protection.start_s47(
        s, cid, day, today=now, target=due))


@cp_app.command("icpc")
def cp_icpc(
    ctx: typer.Context, child: ChildArg,
    held: Annotated[str | None, typer.Option(
        "--held", help="The conference was held on this date, YYYY-MM-DD.")] = None,
    not_required: Annotated[str | None, typer.Option(
        "--not-required", help="The enquiry concluded on this date, YYYY-MM-DD, with no "
        "conference needed.")] = None,
    target: TargetOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The enquiry's outcome: the initial child protection conference held (--held), or no
    conference needed (--not-required); or a new target date only (--target)."""
    from cintui.casework import child_protection

    now = _today(today)
    given = [o for o, v in (("--held", held), ("--not-required", not_required)) if v]
    if len(given) > 1:
        raise CliError("give --held or --not-required, not both")
    if not given and not target:
        raise CliError("give --held DATE, --not-required DATE or --target DATE")
    due = _parse_date(target, "--target") if target is not None else None

    def do(s, cid):
        row = child_protection.set_target(s, cid, due) if due else None
        if given:
            outcome, value = ("icpc", held) if held else ("no_icpc", not_required)
            row = child_protection.record_outcome(s, cid, outcome,
                                                  _parse_date(value, given[0]), today=now)
        return row

    _write(ctx, db, child, as_json, do)


@cp_app.command("list")
def cp_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
            as_json: JsonOption = False) -> None:
    """Every strategy discussion on the child's record and what followed, oldest first."""
    from cintui.casework import cases, child_protection

    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        ref = record.reference
        found = [(child_protection.fact(r).describe(), _as_json(r))
                 for r in child_protection.enquiries(session, record.id)]
    if as_json:
        _echo_json([data for _, data in found])
    elif not found:
        typer.echo(f"{ref}: no strategy discussion recorded.")
    else:
        for text, _ in found:
            typer.echo(f"{ref}: {text}")
