"""cintui deadline: a due date from a start date, in working or calendar time (no store)."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    JsonOption,
    _echo_json,
    _parse_date,
    app,
)

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
        from cintui.reference import policies

        ts = policies.load_policy(policy or policies.DEFAULT_POLICY).timescale(timescale)
    else:
        if policy is not None:
            from cintui.reference import policies

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
