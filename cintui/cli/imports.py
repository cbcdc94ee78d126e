"""`cintui import caseload FILE.csv`: a team's existing caseload (from LCS, Mosaic or a
spreadsheet), all or nothing. A bad file is refused whole: every problem on stderr (line,
column, reason), then one line saying nothing was imported; exit 2.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    RequestOption,
    TodayOption,
    _echo_json,
    _open,
    _state,
    _today,
    import_app,
    note_request_content,
)
from cintui.store import access


@import_app.command("caseload")
def import_caseload(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(
        metavar="FILE.csv", help="The caseload exported from your old system, as CSV.",
        dir_okay=False)] = None,
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="A .toml or .csv file naming your columns: our column = yours.",
        dir_okay=False)] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check the file and say what would be created; write nothing.")]
        = False,
    template: Annotated[bool, typer.Option(
        "--template", help="Print a CSV with our columns and an example row, and stop.")]
        = False,
    columns: Annotated[bool, typer.Option(
        "--columns", help="List the columns, what each means and the other names "
        "accepted for it, and stop.")] = False,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Import an existing caseload: children, their worker, referral, assessment and plan
    dates, meetings held and the next review, the last visit, their people. Dates day first
    (31/12/2026, 2026-12-31, 31-Dec-2026). All or nothing: one bad row and nothing is
    written. Every clock runs from the imported dates. See --columns and --template."""
    from cintui.domain import caseload_import as rules

    if template:
        typer.echo(rules.template(), nl=False)
        return
    if columns:
        _print_columns(rules.COLUMNS)
        return
    if file is None:
        raise CliError("give the caseload file: cintui import caseload FILE.csv "
                       "(--template prints one to fill in)")
    from cintui.casework import caseload_import as importing

    now = _today(today)
    data = importing.read_file(file)
    columns_map, ignore = importing.read_mapping(mapping) if mapping else ({}, ())
    options = {"today": now, "file": file.name, "mapping": columns_map, "ignore": ignore}
    if not dry_run:
        # The same file imported again is the same request (whatever its name), unless
        # --request-id names it: a run stopped part-way goes on, a finished one says so.
        content = data + b"\0" + (importing.read_file(mapping) if mapping else b"")
        note_request_content(ctx, content, ignore=("file", "mapping", "as_json"))
        if request_id is None:
            _state(ctx)["request"] = "import-" + hashlib.sha256(content).hexdigest()[:24]
    resumed = 0
    try:
        with _open(ctx, db) as store:
            if dry_run:
                with store.read() as session:
                    plan = importing.plan(session, data, **options)
                if plan.problems:
                    raise importing.ImportRefused(plan)
            else:
                done = importing.apply_in_batches(
                    store, data, store.request, actor=access.importing_actor("a caseload"),
                    **options)
                plan, resumed = done.plan, done.resumed
    except importing.ImportRefused as refused:
        _refuse(refused, as_json, dry_run)
    if as_json:
        _echo_json({**plan.as_json(), "dry_run": dry_run, "resumed": resumed})
        return
    if resumed:
        typer.echo(f"Went on with an import of {plan.file} that had stopped part-way: "
                   f"{resumed} of its rows {'was' if resumed == 1 else 'were'} already in.")
    _print_plan(plan, dry_run)


def _refuse(refused, as_json: bool, dry_run: bool) -> None:
    """Every problem, then one line: nothing was imported (exit 2)."""
    problems = refused.plan.problems
    if as_json:
        _echo_json({**refused.plan.as_json(), "dry_run": dry_run})
    if len(problems) == 1 and not problems[0].line:  # the file as a whole: one line
        raise CliError(f"{refused.plan.file}: {problems[0].reason}; nothing imported")
    if not as_json:
        from cintui.domain.caseload_import import report

        for line in report(problems):
            typer.echo(line, err=True)
    raise CliError(refused.problem)


def _print_plan(plan, dry_run: bool) -> None:
    people = f"{plan.people} {'person' if plan.people == 1 else 'people'}"
    children = f"{len(plan.rows)} {'child' if len(plan.rows) == 1 else 'children'}"
    if dry_run:
        typer.echo(f"Dry run: {plan.file} would import {children} and {people}. Nothing "
                   "was written.")
    else:
        typer.echo(f"Imported {children} and {people} from {plan.file}.")
    for worker, count in plan.workers:
        typer.echo(f"  {worker}: {count}")
    if plan.ignored:
        typer.echo(f"Columns not imported: {', '.join(plan.ignored)}")
    for note in plan.notes():
        typer.echo(f"Note: {note}")
    if not dry_run:
        typer.echo("Every clock runs from the imported dates: see `cintui due`.")


def _print_columns(columns) -> None:
    typer.echo("Columns of a caseload file, in any order (case, spaces and punctuation do "
               "not matter; other columns are ignored and listed):")
    width = max(len(c.name) for c in columns) + 2
    for c in columns:
        typer.echo(f"  {c.name:<{width}}{c.meaning}")
        if c.aliases:
            typer.echo(f"  {'':<{width}}also: {', '.join(c.aliases)}")
    typer.echo("Dates are day first: 31/12/2026, 2026-12-31, 31-Dec-2026 or 31 Dec 2026. "
               "Other column names: --mapping FILE (.toml: reference = \"Mosaic ID\"; "
               ".csv: reference,Mosaic ID; ignore = [\"Notes\"]).")
