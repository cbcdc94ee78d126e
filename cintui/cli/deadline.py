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
    working_days: Annotated[int | None, typer.Option(
        "--working-days", help="N working days after FROM (weekends and bank holidays skipped).")] = None,
    days: Annotated[int | None, typer.Option("--days", help="N calendar days after FROM.")] = None,
    weeks: Annotated[int | None, typer.Option("--weeks", help="N weeks after FROM.")] = None,
    months: Annotated[int | None, typer.Option("--months", help="N calendar months after FROM.")] = None,
    timescale: Annotated[
        str | None, typer.Option("--timescale", help="A policy timescale, e.g. visit, review.")
    ] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="Policy profile name.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Print the date a timescale ends: working days skip weekends and England bank holidays."""
    from cintui.domain import calendar

    begin = _parse_date(start, "FROM")
    chosen = {k: v for k, v in
              {"working_days": working_days, "days": days, "weeks": weeks, "months": months}.items()
              if v is not None}
    if len(chosen) + (timescale is not None) != 1:
        raise CliError("give exactly one of --working-days, --days, --weeks, --months, --timescale")
    if timescale is not None or policy is not None:  # the policy module only when named
        from cintui.reference import policies

        profile = policies.load_policy(policy or policies.DEFAULT_POLICY)  # a wrong name: error
    if timescale is not None:
        ts = profile.timescale(timescale)
        unit, amount, source = ts.unit, ts.amount, ts.source
    else:
        unit, amount = next(iter(chosen.items()))
        source = ""
        if amount < 0:
            raise CliError(f"--{unit.replace('_', '-')}: {amount} is negative; "
                           "a timescale counts forward from FROM")
    due = calendar.due_after(begin, amount, unit, calendar.england_calendar())
    if as_json:
        _echo_json({"from": begin.isoformat(), "amount": amount, "unit": unit,
                    "source": source or None, "due": due.isoformat()})
    else:
        typer.echo(due.isoformat())
