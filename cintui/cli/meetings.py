"""cintui meeting list/schedule and export minutes."""

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
    _output_file,
    _parse_date,
    _parse_moment,
    _today,
    _yes_no,
    access,
    app,
    export_app,
)
from cintui.domain.dates import day_words

# ------------------------------------------------------------------ meetings

meeting_app = typer.Typer(help="CIN meetings: list a child's meetings, book one, record one "
                          "held.",
                          no_args_is_help=True)
app.add_typer(meeting_app, name="meeting")
MINUTES_FORMATS = ("md", "docx", "pdf", "json")
MinutesFormatOption = Annotated[str | None, typer.Option(
    "--format", "-f", help="md, docx, pdf or json (default: pdf, or what -o's name says: "
    "-o x.md is Markdown).")]


def _minutes_state(row, today: date) -> str:
    """"out 2 Dec 2026", "due 14 Dec 2026", "due 14 Dec 2026 OVERDUE", "before import" (the
    old system's minutes) or ""."""
    from cintui.export.visits import day

    if row.imported:
        return "before import"
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
            "cancelled_reason": row.cancelled_reason or None,
            "cancel_told": list(row.cancel_told),
            "papers_sent_on": iso(row.papers_sent_on), "papers_flag": row.papers_flag or None,
            "booked_by": row.booked_by or None, "booked_on": iso(row.booked_on)}


@meeting_app.command("list")
def meeting_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                 as_json: JsonOption = False, today: TodayOption = None) -> None:
    """A child's meetings, newest first: when, kind, status, venue, chair, the next review,
    whether the minutes are out or when they are due (overdue marked; BEX 10 working days,
    TRA 5, WIR 14 days), the recommendation; cancelled ones with their reason (WIR 2.9);
    who booked each meeting still booked, and when. The id is what `cintui export minutes`
    takes."""
    from cintui.casework import cases, meetings, safeguards
    from cintui.domain.text import in_sentence

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        name, ref = record.full_name, record.reference
        rows = meetings.list_meetings(session, record.id, cases.store_policy(session))
        owed = [a for a in safeguards.agreements(session, record.id) if not a.done]
    if as_json:
        _echo_json([_meeting_json(r, now) for r in rows])
        return
    _print_meetings(name, ref, rows, now)
    for r in rows:
        if r.status == "scheduled" and r.booked_words:  # who to ask about it
            typer.echo(f"{r.label} of {day_words(r.held_on)}: {in_sentence(r.booked_words)}")
    for r in rows:
        if r.papers_flag:
            typer.echo(f"{r.label} of {day_words(r.held_on)}: {r.papers_flag}; record them with "
                       f"`cintui meeting papers {r.id.hex} --on DATE`")
    for a in owed:
        late = " OVERDUE" if a.due < now else ""
        typer.echo(f"Agreement visit owed (TRA): {a.name}, by {day_words(a.due)}{late}; "
                   f"record it with `cintui meeting agreement {a.meeting_id.hex} --parent "
                   f"'{a.name}' --on DATE --outcome agreed`")


def _print_meetings(name: str, ref: str, rows, today: date) -> None:
    from rich.markup import escape

    from cintui.cli.table import Column, print_fitting
    from cintui.domain.meeting import RECOMMENDATION_LABELS
    from cintui.export.visits import day

    console = _console()
    console.print(f"[bold]{escape(name)}[/] {escape(ref)} · {len(rows)} meeting"
                  f"{'' if len(rows) == 1 else 's'}")
    if not rows:
        console.print("No meetings yet: `cintui meeting schedule --help`.")
        return
    lines = []
    for r in rows:
        status = (f"cancelled: {r.cancelled_reason}" if r.status == "cancelled"
                  else "booked" if r.status == "scheduled" else r.status)
        minutes = _minutes_state(r, today)
        lines.append((day_words(r.held_on, pad=True), f"{r.starts_at:%H:%M}" if r.starts_at else "",
                      r.short_label, status,
                      ((minutes, "bold red" if minutes.endswith("OVERDUE") else ""),),
                      day_words(r.next_review, pad=True),
                      RECOMMENDATION_LABELS.get(r.recommendation, r.recommendation),
                      r.venue, r.chair))
    columns = (Column("date", no_wrap=True), Column("time", no_wrap=True), Column("meeting"),
               Column("status"), Column("minutes"), Column("next review"),
               Column("recommendation"), Column("venue"), Column("chair"))
    # What the rules time first; what does not fit is named, not folded ("meeti ng").
    print_fitting(console, columns, lines, keep=6)
    newest = True  # the newest held meeting with minutes: by the child's reference
    for r in rows:
        if r.has_minutes:
            which = f"{ref} --latest" if newest else r.id.hex
            newest = False
            console.print(f"Minutes of {day(r.held_on)}: cintui export minutes {which} "
                          "-o FILE", soft_wrap=True, highlight=False)


def _pick_invitees(choices, names: list[str]):
    """`--invite NAME`: each one of the child's People, by name (case and spacing do not
    matter; a unique part of a name will do: `domain.people.named`)."""
    from cintui.domain.people import named

    picked = []
    for wanted in names:
        found = named(choices, wanted)
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
    chair: Annotated[str, typer.Option("--chair", help="Who chairs (WIR 2.3, BEX 3): a "
                                       "worker's username or name, or anyone's name.")] = "",
    chair_role: Annotated[str, typer.Option("--chair-role", help="e.g. Team manager.")] = "",
    invite: Annotated[list[str] | None, typer.Option(
        "--invite", help="One of the child's People by name; repeat for several "
        "(default: all of them).")] = None,
    interpreter: Annotated[str, typer.Option("--interpreter", help="Interpreter "
                                             "arranged.")] = "",
    transport: Annotated[str, typer.Option("--transport", help="Transport arranged.")] = "",
    childcare: Annotated[str, typer.Option("--childcare", help="Childcare / crèche.")] = "",
    access_: Annotated[str, typer.Option("--access", help="Disability access.")] = "",
    child_invited: Annotated[bool | None, typer.Option(
        "--child/--no-child", help="Invite the child (default: from age 5; BEX 3).")] = None,
    not_invited_reason: Annotated[str, typer.Option(
        "--not-invited-reason", help="Why the child, a parent or anyone of the network is "
        "not invited (BEX 3, WIR 2.3).")] = "",
    db: DbOption = None, request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Book a CIN meeting (WIR 2.8-2.9): kind, when, venue, chair, invitees (all the child's
    People unless --invite picks some) and practicalities. For a school-age child a time in
    school hours is booked with a warning (WIR 2.8), and so is a review within four weeks of
    the last meeting held (BEX 3: early only after a significant change), and a second of
    a kind already booked (WIR 2.9: cancel and rebook that one to move it).

    Refused (one line naming the rule) without consent to a CIN meeting from a parent with
    parental responsibility and a young person of 16-17, unless the record says why
    (WIR 2.1, 2.3); with a chair whose role may not chair this kind of meeting (the policy:
    BEX 3 initial by a manager, TRA reviews); or with the child (from 5), a parent or anyone
    of the network not invited and no --not-invited-reason (BEX 3)."""
    from cintui.casework import cases, meetings
    from cintui.domain.meeting import KIND_LABELS, Schedule
    from cintui.domain.meeting_safeguards import CHILD_INVITE_AGE
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
        if child_invited is None:
            age = meetings.child_age(session, record.id, starts_at.date())
            child_invited = age is not None and age >= CHILD_INVITE_AGE
        # Before booking: after it, the meeting just booked was "already booked" (WIR 2.9).
        warnings = meetings.booking_warnings(session, record.id, kind, starts_at, invitees)
        meeting_id = meetings.schedule(session, record.id, Schedule(
            kind=kind, starts_at=starts_at, venue=venue, chair=chair,
            chair_role=chair_role, practical=practical, invitees=invitees,
            child_invited=child_invited, not_invited_reason=not_invited_reason), now=now)
        from cintui.casework.safeguards import chair_name

        chair = chair_name(session, chair)  # a worker named by username: their name
    for warning in warnings:
        typer.echo(f"Warning: {warning}", err=True)
    if as_json:
        _echo_json({"id": meeting_id.hex, "reference": ref, "kind": kind,
                    "starts_at": starts_at.isoformat(), "invited": [i.name for i in invitees],
                    "child_invited": child_invited,
                    "warning": "; ".join(warnings) or None, "warnings": warnings})
        return
    who = ", ".join(([name] if child_invited else []) + [i.name for i in invitees]) \
        or "nobody yet"
    typer.echo(f"Booked: {KIND_LABELS[kind]} for {name} ({ref}), "
               f"{moment(starts_at)} at {venue.strip()}, chaired by {chair.strip()}; "
               f"invited: {who}. Meeting id {meeting_id.hex}")


def _meeting_id(text: str):
    import uuid

    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise CliError(f"{text!r} is not a meeting id: copy one from `cintui meeting list "
                       "CHILD --json`") from None


def _booked_meeting(session, meeting: str):
    """MEETING as a meeting id, or a child (reference or name) with one booked meeting: that
    one. `meeting list` shows no ids (only `--json` does), and the reference is what a
    worker has to hand; with several booked, each is named with its id."""
    import uuid

    from cintui.casework import cases, meetings
    from cintui.casework.lookup import UnknownChild

    try:
        return uuid.UUID(meeting.strip())
    except ValueError:
        pass
    try:
        record = cases.find_child(session, meeting)
    except UnknownChild:
        raise CliError(f"{meeting!r} is not a meeting id, nor a child on the store: give "
                       "the child's reference (their one booked meeting is taken)") from None
    rows = [r for r in meetings.list_meetings(session, record.id, cases.store_policy(session))
            if r.status == "scheduled"]
    if not rows:
        raise CliError(f"{record.reference}: no meeting booked (book one with `cintui meeting "
                       f"schedule {record.reference}`)")
    if len(rows) > 1:
        raise CliError(f"{record.reference}: which meeting? " + ", ".join(
            f"{r.short_label} of {day_words(r.held_on)} ({r.id.hex})" for r in rows))
    return rows[0].id


@meeting_app.command("hold")
def meeting_hold(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(metavar="MEETING", help="The booked meeting's id, "
                                           "or the child's reference when they have one "
                                           "booked.")],
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
    significant_events: Annotated[str, typer.Option(
        "--significant-events", help="Significant events since the last meeting.")] = "",
    childs_views: Annotated[str, typer.Option("--childs-views", help="The child's views "
                                              "(WIR 2.3).")] = "",
    parents_views: Annotated[str, typer.Option(
        "--parents-views", help="The parents' views (WIR 2.3).")] = "",
    on: Annotated[str | None, typer.Option("--on", help="The day it was held (default: the "
                                           "day it was booked for).")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record a booked meeting as held, with its minutes in brief: who came, the views of the
    child and parents, significant events and the decisions (still in need, the
    recommendation, the next review). The plan in force is carried to a version agreed at the
    meeting. For the full agenda, minute it live in the app."""
    from dataclasses import replace

    from cintui.casework import cases, meetings, plans
    from cintui.domain.meeting import Decisions, Invitee, minutes_for
    from cintui.domain.plan import ended_at_final, ends_plan_at

    in_need = _yes_no(still_in_need, "--still-in-need")
    now = _now(today)

    def key(text: str) -> str:
        return " ".join(text.lower().split())

    came = {key(n) for n in present or []}
    sorry = {key(n) for n in apologies or []}
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        meeting_id = _booked_meeting(session, meeting)
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
        reference = cases.require_child(session, detail.child_id).reference
    # WIR 3, TRA: a final meeting (before step-down or closure) ends the plan it agrees.
    ended = None
    if version is not None and ends_plan_at(detail.schedule.kind,
                                            minutes.decisions.recommendation):
        ended = ended_at_final(held_on, reference, minutes.decisions.recommendation, this=True)
    if as_json:
        _echo_json({"id": meeting_id.hex, "held_on": held_on.isoformat(),
                    "plan_version_id": version.hex if version else None,
                    "plan_ended": ended is not None, "message": ended})
        return
    typer.echo(f"Held: {detail.schedule.kind} meeting on {day_words(held_on)}"
               + (f"; next review {next_review}" if next_review else "")
               + (f"; {ended}" if ended else ""))


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
                       "CHILD --json`, or give CHILD with --latest") from None


def _check_minutes_format(fmt: str | None, output: str | None = None) -> str:
    return _check_format(fmt, MINUTES_FORMATS, output)


@export_app.command("minutes")
def export_minutes(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(
        metavar="MEETING", help="A meeting id (from `cintui meeting list CHILD`), or with "
        "--latest a child's case reference or name.")],
    output: Annotated[str, typer.Option(
        "--output", "-o", help="File to write, or a folder (the file named after the child "
        "and the day, never overwriting one there; \"out/\" is made if it is not there).")],
    fmt: MinutesFormatOption = None,
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

    fmt = _check_minutes_format(fmt, output)
    now = _today(today)
    _check_folder(output, folder_ok=True)
    with _open(ctx, db) as store, store.read() as session:
        meeting_id = _meeting_to_export(session, meeting, latest)
        doc = meetings.minutes_document(session, meeting_id, now)
    written = _output_file(
        output, f"{doc.child_reference}-minutes-{doc.minutes.held_on.isoformat()}", fmt)
    minutes_export.write(doc, written, fmt)
    typer.echo(f"Wrote the minutes of the {doc.title} for {doc.child_reference} to {written}")
    if fmt == "pdf":
        from cintui.export.plan import unshown_note

        if note := unshown_note(minutes_export.pdf_unshown(doc)):
            typer.echo(note, err=True)


@meeting_app.command("bring-forward")
def meeting_bring_forward(
    ctx: typer.Context, child: ChildArg,
    by: Annotated[str, typer.Option("--by", help="The review brought forward to, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option(
        "--reason", help="The significant change in the family's circumstances.")] = "",
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
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
            raise CliError.of(exc) from None
        due = meetings.review_due(session, record.id, now)
        ref = record.reference
    if as_json:
        _echo_json({"reference": ref, "review_due": due.isoformat() if due else None,
                    "source": "BEX 3"})
        return
    typer.echo(f"{ref}: review brought forward to {day_words(day)} (BEX 3); book it with "
               f"`cintui meeting schedule {ref}`.")


# ------------------------------------------------------------------ safeguards (issue 23)


def _fail(exc) -> CliError:
    return CliError.of(exc)


@meeting_app.command("cancel")
def meeting_cancel(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(metavar="MEETING", help="The booked meeting's id, "
                                           "or the child's reference when they have one "
                                           "booked.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is cancelled.")],
    told: Annotated[list[str] | None, typer.Option(
        "--told", help="Someone invited who was told; repeat for each, or `everyone` for "
        "all of them (WIR 2.9).")] = None,
    rebook_at: Annotated[str | None, typer.Option(
        "--rebook-at", help="Book it again for 'YYYY-MM-DD HH:MM' (WIR 2.9: as soon as "
        "possible).")] = None,
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Cancel a booked meeting (WIR 2.9): why, and who was told (the family and every agency
    invited); with --rebook-at, book it again with the same invitees."""
    from cintui.casework import meetings
    from cintui.domain.calendar import england_calendar
    from cintui.domain.meeting import closed_day_warning

    now = _now(today)
    again = _parse_moment(rebook_at, "--rebook-at") if rebook_at else None
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        meeting_id = _booked_meeting(session, meeting)
        detail = meetings.load_meeting(session, meeting_id)
        names = list(told or [])
        if any(n.strip().lower() == "everyone" for n in names):
            names = [i.name for i in detail.schedule.invitees] or names
        try:
            if again is None:
                meetings.cancel(session, meeting_id, reason, told=names)
                new_id = None
            else:
                new_id = meetings.rebook(session, meeting_id, again, reason, now=now,
                                         told=names)
        except meetings.MeetingError as exc:
            raise _fail(exc) from None
    warning = closed_day_warning(again, england_calendar()) if again else ""
    warnings = [warning] if warning else []
    for warning in warnings:
        typer.echo(f"Warning: {warning}", err=True)
    if as_json:
        _echo_json({"id": meeting_id.hex, "status": "cancelled", "told": names,
                    "rebooked": new_id.hex if new_id else None, "warnings": warnings,
                    "source": "WIR 2.9"})
        return
    typer.echo(f"Cancelled; told: {', '.join(names)} (WIR 2.9)."
               + (f" Rebooked for {day_words(again)} at {again:%H:%M}: meeting id {new_id.hex}"
                  if new_id else " Rebook it as soon as possible (WIR 2.9)."))


@meeting_app.command("papers")
def meeting_papers(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(metavar="MEETING", help="The meeting's id.")],
    on: Annotated[str | None, typer.Option("--on", help="When the papers went out, "
                                           "YYYY-MM-DD (default: today).")] = None,
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record when the papers for a meeting were circulated (WIR 2.3: relevant information
    circulated beforehand). A meeting without them is flagged in `cintui meeting list`."""
    from cintui.casework import safeguards

    meeting_id = _meeting_id(meeting)
    now = _today(today)
    sent_on = _parse_date(on, "--on") if on else now
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        try:
            row = safeguards.record_papers(session, meeting_id, sent_on, now)
        except safeguards.SafeguardError as exc:
            raise _fail(exc) from None
        held_on = row.held_on
    if as_json:
        _echo_json({"id": meeting_id.hex, "papers_sent_on": sent_on.isoformat(),
                    "source": "WIR 2.3"})
        return
    typer.echo(f"Papers for the meeting of {day_words(held_on)} sent on {day_words(sent_on)} "
               "(WIR 2.3).")


def _meeting_to_send(session, meeting: str):
    """MEETING as a meeting id, or a child (reference or name) with one held meeting whose
    minutes are not out yet: that one."""
    import uuid

    from cintui.casework import cases, meetings

    try:
        return uuid.UUID(meeting.strip())
    except ValueError:
        pass
    record = cases.find_child(session, meeting)
    rows = [r for r in meetings.list_meetings(session, record.id, cases.store_policy(session))
            if r.status == "held" and not r.minutes_circulated and not r.imported]
    if not rows:
        raise CliError(f"{record.reference}: no held meeting whose minutes are still to go "
                       f"out; give a meeting id (`cintui meeting list {record.reference} "
                       "--json`)")
    if len(rows) > 1:
        raise CliError(f"{record.reference}: which meeting? " + ", ".join(
            f"{r.short_label} of {day_words(r.held_on)} ({r.id.hex})" for r in rows))
    return rows[0].id


def _pick_recipients(people, names: list[str]) -> list:
    """`--to NAME`: each one of those at the meeting (or invited), by name as `--invite`
    takes them; `--to everyone`: all of them, as the app ticks them all."""
    if any(n.strip().lower() == "everyone" for n in names):
        if not people:
            raise CliError("--to everyone: nobody is recorded at this meeting; name them")
        return list(people)
    picked = []
    from cintui.domain.people import named

    for wanted in names:
        found = named(people, wanted)
        if len(found) != 1:
            known = ", ".join(p.name for p in (found or people)) or "nobody recorded"
            raise CliError(f"--to {wanted!r}: " + ("which one? " if found else
                                                  "not at or invited to this meeting (") +
                           known + ("" if found else ")"))
        if found[0] not in picked:
            picked.append(found[0])
    return picked


@meeting_app.command("sent")
def meeting_sent(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(
        metavar="MEETING", help="The held meeting's id (from `cintui meeting list CHILD`), "
        "or a child's reference or name: their held meeting whose minutes are still to go "
        "out.")],
    to: Annotated[list[str], typer.Option(
        "--to", help="Who they went to: someone at (or invited to) the meeting, by name; "
        "repeat for each, or `everyone`.")],
    on: Annotated[str | None, typer.Option("--on", help="When they were sent, YYYY-MM-DD "
                                           "(default: today).")] = None,
    how: Annotated[str, typer.Option("--how", help="email, post or hand.")] = "email",
    db: DbOption = None, request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record that the minutes and the updated plan were sent (BEX 3, TRA, WIR 2.8), as `s`
    on a held meeting does in the app: to whom, when and how. They are circulated (the
    "Minutes circulated" clock in `cintui due` stops) once everyone present and each parent
    who did not attend has been sent them; until then it says who is still owed them."""
    from cintui.casework import cases, meetings
    from cintui.domain.text import in_sentence
    from cintui.export.visits import day

    now = _today(today)
    sent_on = _parse_date(on, "--on") if on else now
    method = how.strip().lower()
    if method not in meetings.DISTRIBUTION_METHODS:
        raise CliError(f"--how {how!r}: email, post or hand")
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        meeting_id = _meeting_to_send(session, meeting)
        detail = meetings.load_meeting(session, meeting_id)
        if detail.status != "held":
            raise CliError(f"meeting: {'cancelled' if detail.status == 'cancelled' else 'not held yet'}"
                           ": minutes go out after the meeting is held")
        people = list(detail.minutes.attendance if detail.minutes
                      else detail.schedule.invitees)
        chosen = _pick_recipients(people, to)
        try:
            owed = meetings.record_distribution(
                session, meeting_id, [(p.name, p.person_id) for p in chosen], sent_on,
                method, today=now)
        except meetings.MeetingError as exc:
            raise CliError.of(exc) from None
        rows = meetings.list_meetings(session, detail.child_id, cases.store_policy(session))
        row = next(r for r in rows if r.id == meeting_id)
    names = [p.name for p in chosen]
    if as_json:
        _echo_json({"id": meeting_id.hex, "sent_to": names, "sent_on": sent_on.isoformat(),
                    "how": method, "still_to_send": [p.name for p in owed],
                    "minutes_circulated": row.minutes_circulated.isoformat()
                    if row.minutes_circulated else None, "source": "BEX 3, WIR 2.8"})
        return
    said = (f"Minutes and plan of the {in_sentence(row.label)} of {day(row.held_on)} sent to "
            f"{', '.join(names)} on {day(sent_on)} by {method}.")
    if owed:
        said += (" Not circulated yet: still to send to " + ", ".join(p.name for p in owed)
                 + " (everyone present, and parents who did not attend: BEX 3, WIR 2.8).")
    elif row.minutes_circulated:
        said += f" Circulated on {day(row.minutes_circulated)} (BEX 3, WIR 2.8)."
    typer.echo(said)


@meeting_app.command("agreement")
def meeting_agreement(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(metavar="MEETING", help="The review's id.")],
    parent: Annotated[str, typer.Option("--parent", help="The parent visited (absent from "
                                        "the review).")],
    on: Annotated[str, typer.Option("--on", help="The day of the visit, YYYY-MM-DD.")],
    outcome: Annotated[str, typer.Option("--outcome", help="agreed or not-agreed.")],
    notes: Annotated[str, typer.Option("--notes", help="What they said; what they do not "
                                       "agree to, and why.")] = "",
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """TRA: a parent who did not attend a review is visited as soon as possible after it to
    gain their agreement to its decisions. Holding a review puts the visit on the due list
    (`cintui due`); this records it."""
    from cintui.casework import meetings, safeguards

    meeting_id = _meeting_id(meeting)
    now = _today(today)
    visited = _parse_date(on, "--on")
    wanted = " ".join(parent.lower().split())
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        detail = meetings.load_meeting(session, meeting_id)
        owed = [a for a in safeguards.agreements(session, detail.child_id, meeting_id)
                if not a.done]
        found = [a for a in owed if wanted and wanted in " ".join(a.name.lower().split())]
        if not found:
            known = ", ".join(a.name for a in owed) or "nobody: no parent was absent, or all "
            raise CliError(f"--parent {parent!r}: not owed an agreement visit for this "
                           f"meeting (owed: {known}{'' if owed else 'are recorded'})")
        try:
            done = safeguards.record_agreement(
                session, found[0].id, visited_on=visited,
                outcome=outcome.strip().lower().replace("-", "_"), notes=notes,
                by=access.current_actor(), today=now)
        except safeguards.SafeguardError as exc:
            raise _fail(exc) from None
    if as_json:
        _echo_json({"meeting": meeting_id.hex, "parent": done.name,
                    "visited_on": visited.isoformat(), "outcome": done.outcome,
                    "source": "TRA"})
        return
    typer.echo(f"{done.name} visited on {day_words(visited)}: {done.outcome.replace('_', ' ')} "
               "(TRA).")


@meeting_app.command("non-engagement")
def meeting_non_engagement(
    ctx: typer.Context, child: ChildArg,
    why: Annotated[str | None, typer.Option("--why", help="1. Why the family may be "
                                            "uncooperative (trauma, past services).")] = None,
    history: Annotated[str | None, typer.Option("--history", help="2. What is known: "
                                                "EHAT, co-operation with TAF.")] = None,
    culture: Annotated[str | None, typer.Option("--culture", help="3. Cultural factors: "
                                                "advice sought, or why none.")] = None,
    requirements: Annotated[str | None, typer.Option(
        "--requirements", help="4. What the parents were told is required, and the "
        "consequences.")] = None,
    communication: Annotated[str | None, typer.Option(
        "--communication", help="5. Literacy, interpretation, a summary at each "
        "contact.")] = None,
    records: Annotated[str | None, typer.Option(
        "--records", help="6. Told what is recorded and that they can see it.")] = None,
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """WIR 2.10, non-engagement by the family, as a guided path: each step given is
    recorded (the others kept as they were), then the steps still to do are listed. With no
    step given, shows where the path stands."""
    from cintui.casework import cases, safeguards
    from cintui.domain.meeting_safeguards import NON_ENGAGEMENT_STEPS, NonEngagement

    now = _today(today)
    given = {"why": why, "history": history, "culture": culture,
             "requirements": requirements, "communication": communication,
             "records": records}
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        current = safeguards.non_engagement(session, record.id)
        if any(v is not None for v in given.values()):
            base = current.path if current else NonEngagement()
            path = NonEngagement(**{k: (v if v is not None else getattr(base, k))
                                    for k, v in given.items()})
            try:
                current = safeguards.save_non_engagement(session, record.id, path,
                                                         by=access.current_actor(), today=now)
            except safeguards.SafeguardError as exc:
                raise _fail(exc) from None
        ref = record.reference
    if as_json:
        _echo_json(None if current is None else {
            "reference": ref, "started_on": current.started_on.isoformat(),
            "completed_on": current.completed_on.isoformat() if current.completed_on else None,
            "steps": {k: getattr(current.path, k) for k in given},
            "missing": [text for _, text in current.missing], "source": "WIR 2.10"})
        return
    if current is None:
        typer.echo(f"{ref}: no non-engagement path started (WIR 2.10); start it with --why.")
        return
    for key, (label, _) in NON_ENGAGEMENT_STEPS.items():
        typer.echo(f"{label}: {getattr(current.path, key) or '—'}")
    if current.missing:
        typer.echo("Still to do:")
        for _, text in current.missing:
            typer.echo(f"  • {text}")
    else:
        typer.echo(f"Every step recorded (WIR 2.10), {day_words(current.completed_on)}.")
