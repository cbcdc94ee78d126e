"""cintui meeting list/schedule and export minutes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    CliError,
    DbOption,
    JsonOption,
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
    _yes_no,
    access,
    app,
    export_app,
)

# ------------------------------------------------------------------ meetings

meeting_app = typer.Typer(help="CIN meetings: list a child's meetings, book one, record one "
                          "held.",
                          no_args_is_help=True)
app.add_typer(meeting_app, name="meeting")
MINUTES_FORMATS = ("md", "docx", "pdf", "json")
MinutesFormatOption = Annotated[str, typer.Option("--format", "-f",
                                                  help="md, docx, pdf or json.")]


def _minutes_state(row, today: date) -> str:
    """"out 2 Dec 2026", "due 14 Dec 2026", "due 14 Dec 2026 OVERDUE" or ""."""
    from cintui.export.visits import day

    if row.minutes_circulated:
        return f"out {day(row.minutes_circulated)}"
    if row.minutes_due:
        return f"due {day(row.minutes_due)}" + (" OVERDUE" if row.minutes_due < today else "")
    return ""


def _meeting_json(row, today: date) -> dict:
    from cintui.domain.meeting import RECOMMENDATION_LABELS

    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {"id": row.id.hex, "kind": row.kind, "label": row.label, "status": row.status,
            "starts_at": iso(row.starts_at), "held_on": iso(row.held_on), "venue": row.venue,
            "chair": row.chair, "next_review": iso(row.next_review),
            "minutes_circulated": iso(row.minutes_circulated),
            "minutes_due": iso(row.minutes_due),
            "minutes_overdue": bool(row.minutes_due and row.minutes_due < today),
            "has_minutes": row.has_minutes, "recommendation": row.recommendation or None,
            "recommendation_label": RECOMMENDATION_LABELS.get(row.recommendation),
            "cancelled_reason": row.cancelled_reason or None}


@meeting_app.command("list")
def meeting_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                 as_json: JsonOption = False, today: TodayOption = None) -> None:
    """A child's meetings, newest first: when, kind, status, venue, chair, the next review,
    whether the minutes are out or when they are due (overdue marked; BEX 10 working days,
    TRA 5, WIR 14 days), the recommendation; cancelled ones with their reason (WIR 2.9).
    The id is what `cintui export minutes` takes."""
    from cintui.casework import cases, meetings

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        name, ref = record.full_name, record.reference
        rows = meetings.list_meetings(session, record.id, cases.store_policy(session))
    if as_json:
        _echo_json([_meeting_json(r, now) for r in rows])
        return
    _print_meetings(name, ref, rows, now)


def _print_meetings(name: str, ref: str, rows, today: date) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cintui.domain.meeting import RECOMMENDATION_LABELS
    from cintui.export.visits import day

    console = _console()
    console.print(f"[bold]{escape(name)}[/] {escape(ref)} · {len(rows)} meeting"
                  f"{'' if len(rows) == 1 else 's'}")
    if not rows:
        console.print("No meetings yet: `cintui meeting schedule --help`.")
        return
    table = Table("date", "time", "meeting", "status", "venue", "chair", "next review",
                  "minutes", "recommendation")
    for r in rows:
        status = r.status if r.status != "cancelled" else f"cancelled: {r.cancelled_reason}"
        minutes = _minutes_state(r, today)
        if minutes.endswith("OVERDUE"):
            minutes = f"[bold red]{minutes}[/]"
        table.add_row(day(r.held_on), f"{r.starts_at:%H:%M}" if r.starts_at else "",
                      escape(r.label), escape(status), escape(r.venue), escape(r.chair),
                      day(r.next_review, ""), minutes,
                      escape(RECOMMENDATION_LABELS.get(r.recommendation, r.recommendation)))
    console.print(table)
    for r in rows:
        if r.has_minutes:
            console.print(f"Minutes of {day(r.held_on)}: cintui export minutes {r.id.hex} "
                          "-o FILE", soft_wrap=True, highlight=False)


def _pick_invitees(choices, names: list[str]):
    """`--invite NAME`: each one of the child's People, by name (case and spacing do not
    matter; a unique part of a name will do)."""
    def key(text: str) -> str:
        return " ".join(text.lower().split())

    picked = []
    for wanted in names:
        exact = [c for c in choices if key(c.name) == key(wanted)]
        found = exact or [c for c in choices if key(wanted) and key(wanted) in key(c.name)]
        if not found:
            known = ", ".join(c.name for c in choices) or "nobody: add People first"
            raise CliError(f"--invite {wanted!r}: not one of the child's People ({known})")
        if len(found) > 1:
            raise CliError(f"--invite {wanted!r}: which one? "
                           + ", ".join(c.name for c in found))
        if found[0] not in picked:
            picked.append(found[0])
    return tuple(picked)


@meeting_app.command("schedule")
def meeting_schedule(
    ctx: typer.Context, child: ChildArg,
    kind: Annotated[str, typer.Option("--kind", help="initial, review, final or transfer_in.")],
    at: Annotated[str, typer.Option("--at", help="When, in England: 'YYYY-MM-DD HH:MM'.")],
    venue: Annotated[str, typer.Option("--venue", help="Where: a room, the family home, "
                                       "online.")] = "",
    chair: Annotated[str, typer.Option("--chair", help="Who chairs (WIR 2.3, BEX 3).")] = "",
    chair_role: Annotated[str, typer.Option("--chair-role", help="e.g. Team manager.")] = "",
    invite: Annotated[list[str] | None, typer.Option(
        "--invite", help="One of the child's People by name; repeat for several "
        "(default: all of them).")] = None,
    interpreter: Annotated[str, typer.Option("--interpreter", help="Interpreter "
                                             "arranged.")] = "",
    transport: Annotated[str, typer.Option("--transport", help="Transport arranged.")] = "",
    childcare: Annotated[str, typer.Option("--childcare", help="Childcare / crèche.")] = "",
    access_: Annotated[str, typer.Option("--access", help="Disability access.")] = "",
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Book a CIN meeting (WIR 2.8-2.9): kind, when, venue, chair, invitees (all the child's
    People unless --invite picks some) and practicalities. For a school-age child a time in
    school hours is booked with a warning (WIR 2.8), and so is a review within four weeks of
    the last meeting held (BEX 3: early only after a significant change)."""
    from cintui.casework import cases, meetings
    from cintui.domain.meeting import KIND_LABELS, Schedule
    from cintui.export.visits import moment

    starts_at = _parse_moment(at, "--at")
    kind = kind.strip().lower()
    now = _now(today)
    practical = tuple((key, value.strip()) for key, value in (
        ("transport", transport), ("childcare", childcare), ("interpreter", interpreter),
        ("access", access_)) if value.strip())
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        name, ref = record.full_name, record.reference
        choices = meetings.invitee_choices(session, record.id)
        invitees = _pick_invitees(choices, invite) if invite else tuple(choices)
        meeting_id = meetings.schedule(session, record.id, Schedule(
            kind=kind, starts_at=starts_at, venue=venue, chair=chair,
            chair_role=chair_role, practical=practical, invitees=invitees), now=now)
        warnings = meetings.booking_warnings(session, record.id, kind, starts_at)
    for warning in warnings:
        typer.echo(f"Warning: {warning}", err=True)
    if as_json:
        _echo_json({"id": meeting_id.hex, "reference": ref, "kind": kind,
                    "starts_at": starts_at.isoformat(), "invited": [i.name for i in invitees],
                    "warning": "; ".join(warnings) or None, "warnings": warnings})
        return
    who = ", ".join(i.name for i in invitees) or "nobody yet"
    typer.echo(f"Booked: {KIND_LABELS[kind]} for {name} ({ref}), "
               f"{moment(starts_at)} at {venue.strip()}, chaired by {chair.strip()}; "
               f"invited: {who}. Meeting id {meeting_id.hex}")


def _meeting_id(text: str):
    import uuid

    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise CliError(f"{text!r} is not a meeting id: copy one from `cintui meeting list "
                       "CHILD`") from None


@meeting_app.command("hold")
def meeting_hold(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(metavar="MEETING", help="The booked meeting's id "
                                           "(from `cintui meeting list CHILD`).")],
    recommendation: Annotated[str, typer.Option(
        "--recommendation", help="continue, step-down, close or strategy-discussion.")],
    still_in_need: Annotated[str, typer.Option("--still-in-need", help="yes or no (BEX 3).")],
    present: Annotated[list[str] | None, typer.Option(
        "--present", help="Someone who came: an invitee's name, or anyone's (added on the "
        "day); repeat for several.")] = None,
    apologies: Annotated[list[str] | None, typer.Option(
        "--apologies", help="An invitee who sent apologies; the other invitees were "
        "absent.")] = None,
    next_review: Annotated[str | None, typer.Option(
        "--next-review", help="The next review's date (WIR 2.3: set at each meeting).")] = None,
    significant_events: Annotated[str, typer.Option("--significant-events")] = "",
    childs_views: Annotated[str, typer.Option("--childs-views", help="The child's views "
                                              "(WIR 2.3).")] = "",
    parents_views: Annotated[str, typer.Option("--parents-views")] = "",
    on: Annotated[str | None, typer.Option("--on", help="The day it was held (default: the "
                                           "day it was booked for).")] = None,
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record a booked meeting as held, with its minutes in brief: who came, the views of the
    child and parents, significant events and the decisions (still in need, the
    recommendation, the next review). The plan in force is carried to a version agreed at the
    meeting. For the full agenda, minute it live in the app."""
    from dataclasses import replace

    from cintui.casework import meetings, plans
    from cintui.domain.meeting import Decisions, Invitee, minutes_for

    meeting_id = _meeting_id(meeting)
    in_need = _yes_no(still_in_need, "--still-in-need")
    now = _now(today)

    def key(text: str) -> str:
        return " ".join(text.lower().split())

    came = {key(n) for n in present or []}
    sorry = {key(n) for n in apologies or []}
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        detail = meetings.load_meeting(session, meeting_id)
        held_on = _parse_date(on, "--on") if on is not None else detail.held_on
        invited = {key(i.name) for i in detail.schedule.invitees}
        unknown = sorry - invited
        if unknown:
            raise CliError(f"--apologies {sorted(unknown)[0]!r}: not invited to this meeting")
        attendance = tuple(
            replace(i, attendance="present" if key(i.name) in came else
                    "apologies" if key(i.name) in sorry else "absent")
            for i in detail.schedule.invitees)
        attendance += tuple(Invitee(n.strip(), attendance="present", added_on_the_day=True)
                            for n in present or [] if key(n) not in invited)
        minutes = replace(
            minutes_for(plans.current_plan(session, detail.child_id), detail.schedule.kind,
                        held_on, attendance),
            significant_events=significant_events, childs_views=childs_views,
            parents_views=parents_views,
            decisions=Decisions(still_in_need=in_need,
                                next_review=_parse_date(next_review, "--next-review")
                                if next_review else None,
                                recommendation=recommendation.strip().lower().replace("-", "_")))
        version = meetings.finish(session, meeting_id, minutes, actor=access.current_actor(),
                                  now=now)
    if as_json:
        _echo_json({"id": meeting_id.hex, "held_on": held_on.isoformat(),
                    "plan_version_id": version.hex if version else None})
        return
    typer.echo(f"Held: {detail.schedule.kind} meeting on {held_on.isoformat()}"
               + (f"; next review {next_review}" if next_review else ""))


def _meeting_to_export(session, meeting: str, latest: bool):
    """MEETING as a meeting id, or with --latest as a child whose newest held meeting with
    minutes is wanted."""
    import uuid
    from datetime import datetime

    from cintui.casework import cases, meetings

    if latest:
        record = cases.find_child(session, meeting)
        rows = meetings.list_meetings(session, record.id, cases.store_policy(session))
        held = [r for r in rows if r.status == "held" and r.has_minutes]
        if not held:
            raise CliError(f"{record.reference}: no held meeting with minutes yet")
        return max(held, key=lambda r: (r.held_on, r.starts_at or datetime.min)).id
    try:
        return uuid.UUID(meeting.strip())
    except ValueError:
        raise CliError(f"{meeting!r} is not a meeting id: copy one from `cintui meeting list "
                       "CHILD`, or give CHILD with --latest") from None


def _check_minutes_format(fmt: str) -> str:
    return _check_format(fmt, MINUTES_FORMATS)


@export_app.command("minutes")
def export_minutes(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(
        metavar="MEETING", help="A meeting id (from `cintui meeting list CHILD`), or with "
        "--latest a child's case reference or name.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.",
                                         dir_okay=False)],
    fmt: MinutesFormatOption = "pdf",
    latest: Annotated[bool, typer.Option(
        "--latest", help="MEETING is a child: their latest held meeting with minutes.")
    ] = False,
    db: DbOption = None, today: TodayOption = None,
) -> None:
    """The minutes of a held meeting as Markdown, DOCX, PDF or JSON: who came (parents who
    did not, named to receive the record, WIR 2.8), each Amber beside its update and impact
    on the child, the three boxes (WIR 2.6), views, decisions (BEX 3), distribution, and
    the plan agreed at the meeting.

    `cintui export minutes 3f2a…e9 -o m.pdf` for one meeting;
    `cintui export minutes DEMO00002 --latest -o m.pdf` for a child's latest minutes."""
    from cintui.casework import meetings
    from cintui.export import minutes as minutes_export

    fmt = _check_minutes_format(fmt)
    now = _today(today)
    _check_folder(output)
    with _open(ctx, db) as store, store.read() as session:
        meeting_id = _meeting_to_export(session, meeting, latest)
        doc = meetings.minutes_document(session, meeting_id, now)
    minutes_export.write(doc, output, fmt)
    typer.echo(f"Wrote the minutes of the {doc.title} for {doc.child_reference} to {output}")


@meeting_app.command("bring-forward")
def meeting_bring_forward(
    ctx: typer.Context, child: ChildArg,
    by: Annotated[str, typer.Option("--by", help="The review brought forward to, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option(
        "--reason", help="The significant change in the family's circumstances.")] = "",
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """An early review after a significant change in the family's circumstances (BEX 3):
    the review clock is due on --by until a review is held; a need going Red is one."""
    from cintui.casework import cases, meetings
    from cintui.store import access

    now = _today(today)
    day = _parse_date(by, "--by")
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        try:
            meetings.bring_review_forward(session, record.id, by=day, reason=reason,
                                          today=now)
        except meetings.MeetingError as exc:
            raise CliError(f"{exc.field}: {exc.problem}") from None
        due = meetings.review_due(session, record.id, now)
        ref = record.reference
    if as_json:
        _echo_json({"reference": ref, "review_due": due.isoformat() if due else None,
                    "source": "BEX 3"})
        return
    typer.echo(f"{ref}: review brought forward to {day:%d %b %Y} (BEX 3); book it with "
               f"`cintui meeting schedule {ref}`.")
