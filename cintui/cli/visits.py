"""cintui visit list and export visits (WIR 2.11)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    CliError,
    DbOption,
    JsonOption,
    RequestOption,
    TodayOption,
    _check_folder,
    _check_format,
    _console,
    _echo_json,
    _now,
    _open,
    _parse_date,
    _parse_moment,
    _today,
    access,
    app,
    export_app,
)

# ------------------------------------------------------------------ visits

visit_app = typer.Typer(help="Visits: record one, list a child's visits.", no_args_is_help=True)
app.add_typer(visit_app, name="visit")
VISIT_FORMATS = ("md", "docx", "json")
VisitFormatOption = Annotated[str | None, typer.Option(
    "--format", "-f", help="md, docx or json (default: md, or what -o's name says).")]


def _gap_json(gap) -> dict | None:
    if gap is None:
        return None
    return {"after": gap.after.isoformat(), "until": gap.until.isoformat() if gap.until else None,
            "due": gap.due.isoformat(), "working_days_late": gap.days_late}


@visit_app.command("record")
def visit_record(
    ctx: typer.Context, child: ChildArg,
    at: Annotated[str, typer.Option("--at", help="When, in England: 'YYYY-MM-DD HH:MM'.")],
    purpose: Annotated[str, typer.Option("--purpose", help="1. Purpose of the visit.")],
    analysis: Annotated[str, typer.Option("--analysis", help="6. Analysis of the visit and "
                                          "actions (why the child was not seen, or not "
                                          "alone, or the bedroom not seen).")],
    kind: Annotated[str, typer.Option("--kind", help="home, school, office, virtual or "
                                      "other.")] = "home",
    seen: Annotated[bool, typer.Option("--seen/--not-seen", help="The child was seen.")
                    ] = True,
    alone: Annotated[bool, typer.Option("--alone/--not-alone", help="Seen and spoken to "
                                        "alone (WIR 2.11).")] = True,
    bedroom: Annotated[bool, typer.Option("--bedroom/--no-bedroom", help="The bedroom was "
                                          "seen.")] = True,
    childs_comments: Annotated[str, typer.Option(
        "--childs-comments", help="2. Child's comments: in their own words where you can.")
    ] = "",
    childs_welfare: Annotated[str, typer.Option(
        "--childs-welfare", help="3. Child's welfare: happiness, appearance, mood, "
        "behaviour.")] = "",
    parents_comments: Annotated[str, typer.Option(
        "--parents-comments", help="4. Parent's comments: what parents or carers said.")
    ] = "",
    health: Annotated[str, typer.Option(
        "--health", help="5. Progress of the CIN plan: health.")] = "",
    education: Annotated[str, typer.Option(
        "--education", help="5. Progress of the CIN plan: education.")] = "",
    care_and_support: Annotated[str, typer.Option(
        "--care-and-support", help="5. Progress of the CIN plan: standard of care and "
        "support networks.")] = "",
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record a visit that has happened, under the WIR 2.11 headings, and finalise it (it is
    locked; corrections are addenda). A visit where the child was seen moves the visit
    clock on."""
    from cintui.casework import cases
    from cintui.casework import visits as visit_cases
    from cintui.domain.dates import day_words
    from cintui.domain.visit import VisitContent

    content = VisitContent(
        visited_at=_parse_moment(at, "--at"), kind=kind.strip().lower(), child_seen=seen,
        seen_alone=seen and alone, bedroom_seen=bedroom, purpose=purpose,
        childs_comments=childs_comments, childs_welfare=childs_welfare,
        parents_comments=parents_comments, health=health, education=education,
        care_and_support=care_and_support, analysis=analysis)
    now = _now(today)
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        visit_id = visit_cases.finalise(session, record.id, content,
                                        actor=access.current_actor(), now=now)
        # As the app says it: the visit clock from this visit on (WIR 2.11, BEX 3).
        nxt = visit_cases.next_visit(session, record.id, now.date())
        ref, name = record.reference, record.full_name
    if as_json:
        _echo_json({"id": str(visit_id), "reference": ref,
                    "visited_at": content.visited_at.isoformat(),
                    "next_visit_due": nxt.due.isoformat() if nxt and nxt.due else None,
                    "next_visit_rule": nxt.rule if nxt else None,
                    "next_visit_source": nxt.source if nxt else None})
        return
    when = visit_cases.next_visit_words(nxt)
    typer.echo(f"Visit recorded for {name} ({ref}) on {day_words(content.visited_at)} at "
               f"{content.visited_at:%H:%M}."
               + (f" {when}" if when else ""))


@visit_app.command("list")
def visit_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
               as_json: JsonOption = False, today: TodayOption = None) -> None:
    """A child's finalised visits, newest first, with gaps longer than the policy marked
    (WIR 2.11: seen at least every 20 working days; BEX 3: every 4 weeks)."""
    from cintui.casework import cases
    from cintui.casework import visits as visit_cases

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        name, ref = record.full_name, record.reference
        listing = visit_cases.list_visits(session, record.id, cases.store_policy(session),
                                          now)
    if as_json:
        _echo_json([{"id": str(v.id), "visited_at": v.visited_at.isoformat(), "kind": v.kind,
                     "child_seen": v.child_seen,
                     # an imported visit: not in the file (null), as the table's "—"
                     "seen_alone": None if v.imported else v.seen_alone,
                     "bedroom_seen": None if v.imported else v.bedroom_seen,
                     "imported": v.imported, "author": v.author, "addenda": v.addenda,
                     "gap": _gap_json(v.gap)} for v in listing.visits])
        return
    _print_visits(name, ref, listing, now)


def _print_visits(name: str, ref: str, listing, today: date) -> None:
    from rich.markup import escape

    from cintui.casework.visits import local_time
    from cintui.cli.table import Column, print_table
    from cintui.domain.dates import day_words
    from cintui.domain.visit import KIND_LABELS
    from cintui.export.visits import gap_text, moment

    def yes(value: bool) -> tuple:
        return (("yes", ""),) if value else (("no", "bold red"),)

    def seen(v) -> tuple:  # WIR 2.11: seen, and seen alone, in one column
        if v.imported:  # the old system's: whether alone is not in the file
            return (("seen", ""),)
        return (("alone", ""),) if v.child_seen and v.seen_alone else yes(v.child_seen)

    console = _console()
    rule = f"visits {listing.rule}" if listing.rule.startswith("every") else listing.rule
    console.print(f"[bold]{escape(name)}[/] {escape(ref)} · {escape(rule)}")
    if listing.visits:
        # Seven columns, so that at 80 columns every word stays whole (nine did not fit).
        print_table(console, (
            Column("when", no_wrap=True), Column("type"), Column("child seen"),
            Column("bedroom"), Column("author"), Column("addenda", right=True),
            Column("gap before")), [
            (day_words(v.visited_at.date(), pad=True)
             + ("" if v.imported else f" {v.visited_at:%H:%M}"),
             KIND_LABELS.get(v.kind, v.kind), seen(v),
             (("—", ""),) if v.imported else yes(v.bedroom_seen), v.author, str(v.addenda or ""),
             ((f"{v.gap.days_late} wd late", "bold red"),) if v.gap else "")
            for v in listing.visits])
    else:
        console.print("No visits recorded yet.")
    for draft in listing.drafts:
        console.print(f"Draft in progress: a visit on {moment(draft.content.visited_at)} by "
                      f"{escape(draft.owner_name or draft.owner)}, last saved {moment(local_time(draft.saved_at))}.")
    if listing.open_gap is not None:
        console.print(f"[bold red]{escape(gap_text(listing.open_gap, today))}[/]")


def _check_visit_format(fmt: str | None, output: str | None = None) -> str:
    return _check_format(fmt, VISIT_FORMATS, output, default="md")


@export_app.command("visits")
def export_visits(ctx: typer.Context, child: ChildArg,
                  output: Annotated[str, typer.Option("--output", "-o",
                                                      help="File to write.")],
                  fmt: VisitFormatOption = None,
                  start: Annotated[str | None, typer.Option(
                      "--from", help="First day, YYYY-MM-DD (default: the first visit).")] = None,
                  end: Annotated[str | None, typer.Option(
                      "--to", help="Last day, YYYY-MM-DD (default: the last visit).")] = None,
                  db: DbOption = None, today: TodayOption = None) -> None:
    """A child's record of visits in a period as Markdown, DOCX or JSON: the facts, the
    WIR 2.11 headings, addenda, and gaps longer than the policy allows."""
    from cintui.casework import cases
    from cintui.casework import visits as visit_cases
    from cintui.export import visits as visit_export

    fmt = _check_visit_format(fmt, output)
    now = _today(today)
    first = _parse_date(start, "--from") if start is not None else None
    last = _parse_date(end, "--to") if end is not None else None
    if first and last and first > last:
        raise CliError(f"--from {first.isoformat()} is after --to {last.isoformat()}")
    output = _check_folder(output)
    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        history = visit_cases.history(session, record.id, first, last,
                                      cases.store_policy(session), now)
    visit_export.write(history, output, fmt)
    count = len(history.visits)
    typer.echo(f"Wrote {count} visit{'' if count == 1 else 's'} for {history.child_reference} "
               f"({visit_export.period(history)}) to {output}")
