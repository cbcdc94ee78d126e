"""`cintui export census`: the DfE Children in Need census return for a collection year
(DOMAIN.md §10). Registered on the Typer app when `cintui.cli` is imported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    TodayOption,
    _check_folder,
    _echo_json,
    _reading,
    _today,
    export_app,
)

YearOption = Annotated[str | None, typer.Option(
    "--year", metavar="YYYY",
    help="The collection year, named for the 31 March it ends on: 2026 is 1 April 2025 to "
         "31 March 2026 (the 2025-26 collection). 2024 to 2027. Default: the newest year "
         "that has ended (the one the DfE collects from April).")]
LaOption = Annotated[str | None, typer.Option(
    "--la", metavar="NNN", help="Your authority's three-digit DfE LA number, written in the "
    "return's Source header (default: the one set with `cintui authority set --la`).")]
OutputOption = Annotated[str, typer.Option("--output", "-o", help="XML file to write.")]


@export_app.command("census")
def export_census(ctx: typer.Context, output: OutputOption, year: YearOption = None,
                  la: LaOption = None, db: DbOption = None, as_json: JsonOption = False,
                  today: TodayOption = None) -> None:
    """The DfE Children in Need census return (XML, in the year's layout, checked against
    the year's schema) for a collection year: every child with an episode open in the year,
    as it stood on 31 March. A child whose record breaks a DfE error rule is left out and
    listed with the rule (the exit code is then 1); a DfE query is listed as a warning and
    the child stays in the file."""
    from cintui.casework import census
    from cintui.domain.census import last_collection
    from cintui.export.census import SchemaInvalid, write_xml

    now = _today(today)
    year = year if year is not None else str(last_collection(now))
    try:
        census.census_period(year, now)
        la = census.la_number(la) if la is not None else None
    except census.InvalidCensusInput as exc:
        raise CliError(str(exc)) from None
    output = _check_folder(output)
    with _reading(ctx, db) as rows:
        ret = census.build_return(rows, year, today=now)
        la = la or census.store_la_number(rows)
    period = ret.period
    if not ret.children and not ret.excluded:
        raise CliError(f"no child had an episode open in the {period.year} collection year "
                       f"({_span(period)}); nothing written")
    try:
        written = write_xml(ret, output, la=la) if ret.children else None
    except SchemaInvalid as exc:  # a bug of ours, not the user's: still one clear line
        raise CliError(str(exc)) from None
    if as_json:
        _echo_json({
            "year": period.year, "reference_date": period.reference_date.isoformat(),
            "children": len(ret.children), "episodes": ret.episodes,
            "excluded": [_finding(e) for e in ret.excluded],
            "queries": [_finding(q) for q in ret.queries],
            "file": str(written) if written else None,
        })
    else:
        _print_return(ret, written)
    if ret.excluded:
        raise typer.Exit(1)


def _finding(f) -> dict:
    return {"reference": f.reference or None, "rule": f.rule, "message": f.message,
            "worker": f.worker or None}


def _span(period) -> str:
    """"1 April 2025 to 31 March 2026": a collection year as the DfE names it."""
    from cintui.domain.dates import day_long

    return f"{day_long(period.start)} to {day_long(period.end)}"


def _print_return(ret, written: Path | None) -> None:
    from cintui.cli.common import hanging

    period = ret.period
    span = _span(period)
    n, eps = len(ret.children), ret.episodes
    if written:
        typer.echo(hanging("", f"Wrote {written}: the {period.year} CIN census return "
                           f"({period.label}, {span}), {n} child{'ren' if n != 1 else ''}, "
                           f"{eps} episode{'s' if eps != 1 else ''}."))
    else:
        typer.echo(f"No file written: every child in the {period.year} return ({span}) "
                   "breaks a validation rule.")
    if ret.excluded:
        left = ret.excluded_children
        typer.echo(hanging("", f"Left out {len(left)} child{'ren' if len(left) != 1 else ''} "
                           "whose record breaks a DfE validation rule (fix the record and "
                           "export again):"))
        for e in ret.excluded:
            typer.echo(hanging(f"  {e.reference}  {e.rule}  ", e.message))
    if ret.queries:
        typer.echo(hanging("", f"Warning: {len(ret.queries)} DfE "
                           f"quer{'ies' if len(ret.queries) != 1 else 'y'} (in the file: check "
                           "the data, or give the DfE the reason when you submit):"))
        for q in ret.queries:
            typer.echo(hanging(f"  {q.reference or '(return)'}  {q.rule}  ", q.message))
