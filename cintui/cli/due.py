"""`cintui due`: what is due or overdue, for a worker, a team or everyone (the "My week"
screen's list, for scripts and for printing)."""

from __future__ import annotations

import gc
import sys
from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    TodayOption,
    _console,
    _reading,
    _today,
    app,
)
from cintui.domain.dates import day_text

WorkerOption = Annotated[str | None, typer.Option(
    "--worker", help="A worker's username or full name.")]
TeamOption = Annotated[str | None, typer.Option(
    "--team", help="A team's name, or a word only one team's name has (south).")]
WithinOption = Annotated[int | None, typer.Option(
    "--within", min=0, max=260,
    help="Show what is due in this many working days (default: to the end of the next two "
         "weeks). Overdue items always show.")]


def item_json(item, group: str, then_command) -> dict:
    c = item.child
    return {
        "group": group, "child": {"id": c.id, "reference": c.reference, "name": c.name,
                                  "worker": c.worker_username, "team": c.team},
        "key": item.key, "label": item.label, "detail": item.detail,
        "due": item.due.isoformat() if item.due else None, "state": item.state.value,
        "working_days_left": item.working_days_left, "rule": item.rule, "source": item.source,
        # Added for a team's tracker: whose it is by name, and the command that records it
        # done where the text names one (null where the work itself clears it).
        "worker_name": c.worker or None, "then": then_command(item) or None,
    }


def _echo_json_lines(head: dict, key: str, items: list[dict]) -> None:
    """One JSON document, an item to a line (`records.json_lines`)."""
    from cintui.domain.records import json_lines

    sys.stdout.write(json_lines(head, key, items))


@app.command()
def due(ctx: typer.Context, worker: WorkerOption = None, team: TeamOption = None,
        within: WithinOption = None, db: DbOption = None, as_json: JsonOption = False,
        today: TodayOption = None) -> None:
    """Everything due or overdue (visits, reviews, meetings, minutes, plan actions, closure
    letters, step-downs, consent, a CP conference to consider, turning 18), grouped overdue /
    today / this week / next two weeks, each with its rule and source; a disabled young
    person's 18th birthday from their 17th, until their referral to adult social care is
    recorded (WAR 4.2). Everyone on the store unless --worker or --team."""
    if worker and team:
        raise CliError("give --worker or --team, not both")
    # What a due list makes (~500,000 rows, strings, facts and items for 5,000 children)
    # holds no cycle and is freed as it goes: a collection would only walk it (~2% of
    # `due --json`'s instructions there). Paused for the command, as `__main__` pauses it
    # while the command line loads.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _due(ctx, worker, team, within, db, as_json, today)
    finally:
        if collecting:
            gc.enable()


def _due(ctx: typer.Context, worker: str | None, team: str | None, within: int | None,
         db: str | None, as_json: bool, today) -> None:
    from cintui.casework import due as due_cases
    from cintui.domain.due import GROUP_LABELS, GROUPS, then_command

    now = _today(today)
    view = "mine" if worker else "team_named" if team else "everyone"
    with _reading(ctx, db) as rows:
        try:
            worker, team = due_cases.resolve_scope(rows, worker=worker, team=team)
        except due_cases.UnknownScope as exc:
            raise CliError.of(exc) from None
        grouped = due_cases.load_due(rows, now, view=view, username=worker, team=team,
                                     within=within)
    shown = [g for g in GROUPS if grouped.groups.get(g)]
    if as_json:
        _echo_json_lines({
            "today": now.isoformat(), "worker": worker, "team": team, "within": within,
            "counts": {g: grouped.count(g) for g in GROUPS},
        }, "items", [item_json(i, g, then_command) for g in GROUPS for i in grouped.groups[g]])
        return
    _print_due(grouped, shown, GROUP_LABELS, worker or team or "everyone")


def _print_due(grouped, shown: list[str], labels: dict, scope: str) -> None:
    from rich.markup import escape

    from cintui.cli.table import Column, print_table, rule_with_source
    from cintui.domain.due import (
        NO_ADULT_CONTACT,
        describe_left,
        item_day,
        then_command,
        worker_names,
    )

    console = _console()
    total = sum(grouped.count(g) for g in shown)
    # A list covering more than one worker (a team's, everyone's) says whose each item is,
    # by name as the app's team week does ("Iris", "Sam O." where two share "Sam"); a
    # team's that is all one worker's says it once, in its first line.
    items = grouped.items()
    names = worker_names(items)
    many = len(names) > 1
    one = items[0].child if len(names) == 1 else None
    whose = f", all {one.worker}'s" if one and one.worker and \
        one.worker_username != scope else ""
    console.print(f"[bold]Due for {escape(scope)}[/] on {day_text(grouped.today)}: "
                  f"{total} item{'s' if total != 1 else ''}, "
                  f"{grouped.count('overdue')} overdue{escape(whose)}")
    if not shown:
        console.print("Nothing due in this window.")
    # Under 110 columns (80, a laptop's terminal) the source goes after the rule, not in a
    # column of its own that left the rule a strip three words wide.
    narrow = console.width < 110
    columns = (Column("due", no_wrap=True), Column("child", ratio=2),
               *((Column("worker"),) if many else ()),
               Column("what · rule (source)" if narrow else "what · rule", ratio=4),
               Column("left", no_wrap=True, right=True),  # "9 wd overdue" under "134 wd …"
               *(() if narrow else (Column("source", ratio=2),)))
    for g in shown:
        rows = []
        for i in grouped.groups[g]:
            what = i.label
            if i.key == "consent":  # what is missing, in full (WAR 4.2; WIR 2.1: the young
                what = i.detail or i.label  # person's own), not the label said twice
            elif i.key in ("plan_action", "supervision_action") and i.detail:
                what += f": {i.detail.split('; ')[0]}"
            rule = i.rule
            if i.key == "no_change":  # WIR 2.3: since when
                what += f": {i.detail}"
            if i.key == "turns_18" and i.detail == NO_ADULT_CONTACT:  # for the letters
                what += f": {i.detail}"
            if then := then_command(i):  # how to record it done
                rule += f"; then: {then}"
            rule = rule_with_source(rule, i.source) if narrow else rule
            left = describe_left(i)  # narrow: "134 wd" over "overdue", the words wider
            rows.append((item_day(i, grouped.today),
                         f"{i.child.name} {i.child.reference}",
                         *((names[i.child.worker_username],) if many else ()),
                         ((what, ""), (rule, "dim")),
                         left.replace(" wd ", " wd\n") if narrow else left,
                         *(() if narrow else (i.source,))))
        style = "bold red" if g == "overdue" else "bold"
        print_table(console, columns, rows, expand=True,
                    title=((labels[g], style), (f" ({grouped.count(g)})", "")))
