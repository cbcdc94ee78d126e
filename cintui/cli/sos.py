"""`cintui sos …`: Signs of Safety mapping (STO 6.3): the child's CIN plan read as "what are
we worried about / what's working well / what needs to happen" (`show`), with danger
statements (`danger`), safety goals (`goal`) and each person's scaling 0-10 (`scale`), at a
meeting or not. Bad input: one line, exit 2, nothing written."""

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

sos_app = typer.Typer(help="Signs of Safety mapping of the CIN plan (STO 6.3).",
                      no_args_is_help=True)
app.add_typer(sos_app, name="sos")

MeetingOption = Annotated[str | None, typer.Option(
    "--meeting", help="Recorded at the child's meeting on this date (YYYY-MM-DD).")]
ReplacesOption = Annotated[int | None, typer.Option(
    "--replaces", help="It replaces this earlier one (its number: 2 for D2 or G2).")]
ScoreOption = Annotated[list[str] | None, typer.Option(
    "--score", help="One person's score: 'who | role or relationship | 0-10 | why' "
                    "(why optional; repeat for each person).")]


def _day(d) -> str | None:
    return d.isoformat() if d else None


def _run(ctx, db, child: str, do, worded=None):
    """`do(session, child_id)` in one audited session; a refusal is one line, naming the
    option typed (`CliError.of`, or `worded`)."""
    from cintui.casework import cases
    from cintui.casework import signs_of_safety as sos_cases

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        try:
            result = do(session, record.id)
        except sos_cases.SafetyError as exc:
            raise (worded or CliError.of)(exc) from None
        return record.reference, result


def _by_score(exc) -> CliError:
    """A refusal of a round of scaling, by the `--score` it is about: the rules name one
    person's score by the app's boxes (`who2`, `role1`: "who2: score 2: who gave it?"); it
    is `--score 2: who gave it?`, and one about the round `--score: …`."""
    import re

    found = re.fullmatch(r"(?:who|role|score|why)(\d+)", exc.field or "")
    if found is None:
        return CliError.of(exc)
    n = found.group(1)
    if exc.problem.startswith(f"score {n}: ") or "once a round" in exc.problem:
        return CliError(f"--score {n}: {exc.problem.removeprefix(f'score {n}: ')}")
    return CliError(f"--score: {exc.problem}")  # the round: none given, too many


def _by_text(what: str):
    """A refusal of the statement typed (the argument after the child) in words, not as its
    field's name ("text: write the danger statement"): "the danger statement is empty: …",
    "the safety goal: at most … characters"; one about an option names it (`CliError.of`)."""
    def worded(exc) -> CliError:
        if exc.field != "text":
            return CliError.of(exc)
        empty = f"write the {what}: "
        if exc.problem.startswith(empty):
            return CliError(f"the {what} is empty: {exc.problem.removeprefix(empty)}")
        return CliError(f"the {what}: {exc.problem}")
    return worded


def _meeting(session, child_id, meeting: str | None, today):
    from cintui.casework import signs_of_safety as sos_cases

    if not meeting:
        return None
    return sos_cases.meeting_on(session, child_id, _parse_date(meeting, "--meeting"), today)


def _statement(ctx, db, child, kind, text, on, meeting, today, danger=None, replaces=None):
    from cintui.casework import signs_of_safety as sos_cases

    now = _today(today)
    day = _parse_date(on, "--on") if on else (_parse_date(meeting, "--meeting") if meeting
                                               else now)

    def do(session, cid):
        return sos_cases.record_statement(
            session, cid, kind=kind, text=text, on=day, by=access.current_actor(), today=now,
            danger=danger, replaces=replaces, meeting_id=_meeting(session, cid, meeting, now))
    what = "danger statement" if kind == "danger" else "safety goal"
    ref, row = _run(ctx, db, child, do, _by_text(what))
    prefix = "D" if kind == "danger" else "G"
    typer.echo(f"{ref}: {what} {prefix}{row.number} recorded ({day_words(day)})"
               + (f", replacing {prefix}{replaces}" if replaces else "") + ".")


@sos_app.command("danger")
def sos_danger(ctx: typer.Context, child: ChildArg,
               text: Annotated[str, typer.Argument(help="What are we worried will happen to "
                                                        "the child if nothing changes?")],
               replaces: ReplacesOption = None, meeting: MeetingOption = None,
               on: OnOption = None, db: DbOption = None,
               request_id: RequestOption = None, today: TodayOption = None) -> None:
    """A danger statement, in plain words the family can read (STO 6.3)."""
    _statement(ctx, db, child, "danger", text, on, meeting, today, replaces=replaces)


@sos_app.command("goal")
def sos_goal(ctx: typer.Context, child: ChildArg,
             text: Annotated[str, typer.Argument(help="What will everyone see when the "
                                                      "child is safe enough?")],
             danger: Annotated[int | None, typer.Option(
                 "--danger", help="The danger statement it answers (1 for D1).")] = None,
             replaces: ReplacesOption = None, meeting: MeetingOption = None,
             on: OnOption = None, db: DbOption = None,
             request_id: RequestOption = None, today: TodayOption = None) -> None:
    """A safety goal, for a danger statement where one is named (STO 6.3)."""
    _statement(ctx, db, child, "goal", text, on, meeting, today, danger=danger,
               replaces=replaces)


@sos_app.command("scale")
def sos_scale(ctx: typer.Context, child: ChildArg, score: ScoreOption = None,
              meeting: MeetingOption = None, on: OnOption = None, db: DbOption = None,
              request_id: RequestOption = None,
              today: TodayOption = None) -> None:
    """A round of scaling: each person's score 0-10 of how safe the child is (0: the child
    cannot stay safely at home as things are; 10: safe and well enough for us to close)."""
    from cintui.casework import signs_of_safety as sos_cases
    from cintui.domain import signs_of_safety as rules

    now = _today(today)
    day = _parse_date(on, "--on") if on else (_parse_date(meeting, "--meeting") if meeting
                                               else now)
    entries = []
    for n, text in enumerate(score or [], start=1):
        parts = [p.strip() for p in text.split("|", 3)]  # the why may hold a "|"
        if len(parts) not in (3, 4):
            raise CliError(f"--score {n}: {text!r}: write 'who | role | 0-10 | why'")
        value, problem = rules.parse_score(parts[2])
        if problem:
            raise CliError(f"--score {n}: {problem}")
        entries.append(sos_cases.ScoreEntry(parts[0], parts[1], value,
                                            parts[3] if len(parts) == 4 else ""))

    def do(session, cid):
        return sos_cases.record_scaling(
            session, cid, on=day, entries=tuple(entries), recorded_by=access.current_actor(),
            today=now, meeting_id=_meeting(session, cid, meeting, now))
    ref, rows = _run(ctx, db, child, do, _by_score)
    typer.echo(f"{ref}: scaling recorded ({day_words(day)}): "
               + "; ".join(f"{r.who} ({r.role}) {r.score}" for r in rows) + ".")


def view_json(v) -> dict:
    from cintui.domain import signs_of_safety as rules

    def lines(found):
        return [{"text": line.text, "from": line.source} for line in found]
    return {
        "reference": v.reference, "plan": v.map.plan,
        "worried": lines(v.map.worried), "working_well": lines(v.map.working_well),
        "needs_to_happen": lines(v.map.needs_to_happen),
        "statements": [{"label": s.label, "kind": s.kind, "on": _day(s.on), "text": s.text,
                        "by": s.by, "danger": s.danger, "replaces": s.replaces,
                        "current": s.current, "meeting": s.meeting} for s in v.statements],
        "scaling": [{"who": who, "role": role, "trend": rules.trend(found),
                     "scores": [{"on": _day(s.on), "score": s.score, "why": s.why,
                                 "meeting": s.meeting} for s in found]}
                    for who, role, found in v.history],
    }


@sos_app.command("show")
def sos_show(ctx: typer.Context, child: ChildArg, db: DbOption = None,
             as_json: JsonOption = False) -> None:
    """The map of the plan in force, the statements and each person's scaling over time."""
    from cintui.casework import cases
    from cintui.casework import signs_of_safety as sos_cases
    from cintui.domain import signs_of_safety as rules

    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        v = sos_cases.view(session, record.id)
    if as_json:
        _echo_json(view_json(v))
        return
    typer.echo(f"{v.reference} {v.child}: {v.map.heading}")
    for title, found in (("What are we worried about", v.map.worried),
                         ("What's working well", v.map.working_well),
                         ("What needs to happen", v.map.needs_to_happen)):
        typer.echo(f"\n{title}:")
        for line in found:
            typer.echo(f"  [{line.source}] {line.text}")
        if not found:
            typer.echo("  nothing recorded yet")
    replaced = [s for s in v.statements if not s.current]
    if replaced:
        typer.echo("\nReplaced statements:")
        for s in replaced:
            typer.echo(f"  [{s.label}, {day_words(s.on)}, replaced by "
                       f"{rules.PREFIX[s.kind]}{s.replaced_by}] {s.text}")
    typer.echo("\nScaling (0-10) over time:")
    for who, role, found in v.history:
        typer.echo(f"  {who} ({role}): {rules.trend(found)} (latest "
                   f"{day_words(found[-1].on)}" + (f", {found[-1].why}" if found[-1].why else "")
                   + ")")
    if not v.history:
        typer.echo(f"  no scores yet: cintui sos scale {v.reference} --score "
                   "'who | role | 0-10 | why'")
