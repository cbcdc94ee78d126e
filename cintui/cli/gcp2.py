"""`cintui gcp2 …`: Graded Care Profile 2 (STO 4.3, 6.11, 7.1; TRA): record one (the date,
the assessor, a grade 1-5 per area, the summary in your words, the needs of the plan it is
attached to) and show the child's, with each area's grades over time. Only grades and the
worker's words are kept (the scale's text is licensed). Bad input: one line, exit 2,
nothing written."""

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
from cintui.domain.dates import day_words
from cintui.store import access

gcp2_app = typer.Typer(help="Graded Care Profile 2 (STO 4.3, 6.11, 7.1; TRA).",
                       no_args_is_help=True)
app.add_typer(gcp2_app, name="gcp2")


def _grade(text: str | None, option: str) -> int | None:
    from cintui.domain import gcp2 as rules

    if text is None:
        return None
    value, problem = rules.parse_grade(text)
    if problem:
        raise CliError(f"{option}: {problem}")
    return value


@gcp2_app.command("record")
def gcp2_record(
    ctx: typer.Context, child: ChildArg,
    assessor: Annotated[str, typer.Option("--assessor", help="Who completed it.")] = "",
    physical: Annotated[str | None, typer.Option("--physical", metavar="1-5",
                                                 help="Physical care.")] = None,
    safety: Annotated[str | None, typer.Option("--safety", metavar="1-5",
                                               help="Safety.")] = None,
    love: Annotated[str | None, typer.Option("--love", metavar="1-5",
                                             help="Love and care.")] = None,
    esteem: Annotated[str | None, typer.Option("--esteem", metavar="1-5",
                                               help="Esteem.")] = None,
    summary: Annotated[str, typer.Option("--summary", help="What the grades mean for this "
                                                           "child, in your words.")] = "",
    need: Annotated[list[int] | None, typer.Option(
        "--need", help="Attach it to this need of the plan in force (1 first; repeat).")] = None,
    on: OnOption = None, db: DbOption = None,
    request_id: RequestOption = None, today: TodayOption = None,
) -> None:
    """Record a GCP2: 1 is the best care, 5 the poorest, for each area."""
    from cintui.casework import cases
    from cintui.casework import gcp2 as gcp2_cases

    now = _today(today)
    day = _parse_date(on, "--on") if on else now
    grades = {"physical": _grade(physical, "--physical"), "safety": _grade(safety, "--safety"),
              "love": _grade(love, "--love"), "esteem": _grade(esteem, "--esteem")}
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        try:
            row, warnings = gcp2_cases.record(
                session, record.id, on=day, assessor=assessor, grades=grades,
                summary=summary, needs=need or [], recorded_by=access.current_actor(),
                today=now)
        except gcp2_cases.Gcp2Error as exc:
            raise CliError.of(exc) from None
        # The one just recorded: the newest by date was said, so a GCP2 dated before
        # another was confirmed with the other's grades.
        fact = next(f for f in gcp2_cases.facts(session, record.id) if f.ref == str(row.id))
    typer.echo(f"{record.reference}: GCP2 recorded ({day_words(day)}, {fact.assessor}): "
               f"{fact.describe()}" + (f"; attached to need{'s' if len(need) > 1 else ''} "
                                        f"{', '.join(map(str, need))}"
                                       if need else "") + ".")
    for w in warnings:
        typer.echo(f"Note: {w}")


@gcp2_app.command("show")
def gcp2_show(ctx: typer.Context, child: ChildArg, db: DbOption = None,
              as_json: JsonOption = False) -> None:
    """The child's GCP2s, newest first, and each area's grades over time."""
    from cintui.casework import cases
    from cintui.casework import gcp2 as gcp2_cases
    from cintui.domain import gcp2 as rules

    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        v = gcp2_cases.view(session, record.id)
    if as_json:
        _echo_json({"reference": v.reference, "gcp2s": [
            {"on": f.on.isoformat(), "assessor": f.assessor, "grades": dict(f.grades),
             "summary": f.summary, "needs": list(f.needs)} for f in reversed(v.facts)],
            "history": {a: [{"on": d.isoformat(), "grade": g} for d, g in points]
                        for a, points in v.history}})
        return
    if not v.facts:
        typer.echo(f"{v.reference}: no Graded Care Profile 2 yet.")
        return
    typer.echo(f"{v.reference} {v.child}: Graded Care Profile 2 (1 best care, 5 poorest)")
    for f in reversed(v.facts):
        typer.echo(f"  {day_words(f.on)} · {f.assessor}: {f.describe()}")
        typer.echo(f"    {f.summary}")
        for text in f.needs:
            typer.echo(f"    attached to: {text}")
    typer.echo("Grades over time:")
    for area, points in v.history:
        typer.echo(f"  {rules.AREA_LABELS[area]}: {rules.trend(points)}")
