"""`cintui stepdown …`, `cintui transfer …`, `cintui export stepdown-pack|transfer-pack` and
`cintui import transfer-pack`: step-down to early help (WIR 3), transfer to another
authority (BEX 4) and transfer-in, step by step for batch use. Bad input: one line, exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    ChildArg,
    CliError,
    DbOption,
    JsonOption,
    ManagerOption,
    OnOption,
    RationaleOption,
    RequestOption,
    TodayOption,
    UnmetOption,
    _check_folder,
    _check_format,
    _echo_json,
    _open,
    _parse_date,
    _reading,
    _today,
    _yes_no,
    app,
    export_app,
    import_app,
)
from cintui.domain.dates import day_words
from cintui.store import access

stepdown_app = typer.Typer(help="Step-down to early help / TAF (WIR 3): record, decide, "
                           "complete; the step-down pack.", no_args_is_help=True)
transfer_app = typer.Typer(help="Transfer to another authority (BEX 4): record, decide, "
                           "pack sent.", no_args_is_help=True)
app.add_typer(stepdown_app, name="stepdown")
app.add_typer(transfer_app, name="transfer")

ByOption = Annotated[str | None, typer.Option("--by", help="Who records it (default: you, "
                                              "the worker running cintui; else the child's "
                                              "worker).")]
ApproveOption = Annotated[bool | None, typer.Option("--approve/--decline",
                                                    help="The manager's decision.")]


def _iso_day(value: str | None) -> str:
    from datetime import date

    return day_words(date.fromisoformat(value), "—") if value else "—"


def _on(value: str | None, today):
    return _parse_date(value, "--on") if value is not None else today


def _who(session, record, by: str | None) -> str:
    from cintui.casework.endings import recommender

    return by or recommender(session, record.id, access.current_actor())


def _step(ctx, db, child, today, fn, state_fn, hints: dict[str, str] | None = None):
    """Run `fn(session, child_row, today)` in one write session; return the state after.
    With `hints`, a step refused for its checklist (`stepdown complete`, `transfer sent`)
    says each item missing with the command that records it for this child."""
    from cintui.casework import cases

    now = _today(today)
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        try:
            fn(session, record, now)
        except cases.CaseworkError as exc:
            if hints is None or exc.field not in hints:
                raise
            state = state_fn(session, record.id, now)
            raise _blocked(state.checklist, hints, record.reference, state.kind) from None
        return state_fn(session, record.id, now)


# What `stepdown complete` and `transfer sent` wait for, by checklist item: the command that
# records it for the child (it said "conversation: cannot complete yet: …", naming no
# option of the command run, nor the one to run).
STEP_DOWN_HINTS = {
    "approved": "cintui stepdown decide CHILD --approve --rationale TEXT",
    "receiving_service": "cintui stepdown record CHILD --service NAME",
    "lead_professional": "cintui stepdown record CHILD --lead NAME",
    "conversation": "cintui stepdown record CHILD --conversation yes|no --notes TEXT",
    "family_consent": "cintui stepdown record CHILD --family-consent yes",
    "documents": "cintui stepdown record CHILD --documents plan,visits",
    "date": "--on DATE"}
TRANSFER_HINTS = {
    "approved": "cintui transfer decide CHILD --approve --rationale TEXT",
    "receiving": "cintui transfer record CHILD --to AUTHORITY --contact WHO",
    "move_date": "cintui transfer record CHILD --move-date DATE",
    "consent": "cintui transfer record CHILD --consent given|refused|not_sought",
    "trafficking": "cintui transfer record CHILD --trafficking TEXT",
    "impact": "cintui transfer record CHILD --impact TEXT",
    "responsibilities": "cintui transfer record CHILD --told TEXT",
    "gaps": "cintui transfer record CHILD --gaps TEXT",
    "agencies": "cintui transfer record CHILD --agencies TEXT",
    "advice": "cintui transfer record CHILD --advice TEXT",
    "date": "--on DATE"}


def _blocked(items, hints: dict[str, str], ref: str, kind: str) -> CliError:
    """Each checklist item unmet with its rule and how to record it for this child; when
    that is more than one line holds, each item still (as it was said), then the command
    most of them are recorded with."""
    from cintui.cli.common import LONGEST
    from cintui.domain.endings import blockers

    missing = blockers(items)
    said = "; ".join(f"{i.problem} ({i.rule})" + (
        f": {hints[i.key].replace('CHILD', ref)}" if i.key in hints else "")
        for i in missing)
    if len(f"cintui: cannot complete yet: {said}") <= LONGEST:
        return CliError(f"cannot complete yet: {said}")
    group = "stepdown" if kind == "step_down" else "transfer"
    plain = "; ".join(f"{i.problem} ({i.rule})" for i in missing)
    return CliError(f"cannot complete yet: {plain} (cintui {group} record {ref} --help "
                    "says the option for each)")


def _decide(ctx, db, child, today, decide, state_fn, *, approve: bool | None, rationale: str,
            by: str | None, on: str | None):
    """The manager's decision (`decide`: decide_step_down / decide_transfer), in one write
    session; the state after."""
    if approve is None:
        raise CliError("give --approve or --decline")

    def step(session, record, now):
        decide(session, record.id, approve=approve, rationale=rationale, on=_on(on, now),
               today=now, by=by, actor=access.current_actor())

    return _step(ctx, db, child, today, step, state_fn)


def _print_state(state, what: str) -> None:
    e = state.ending
    typer.echo(f"{state.name} {state.reference}: "
               + (f"{what} {e['status_label'].replace('the case is closed', 'done')}"
                  if e else f"no {what} recorded"))
    if not e:
        return
    if state.kind == "step_down":
        typer.echo(f"Receiving service: {e['receiving_service'] or '—'}; lead professional: "
                   f"{e['lead_professional'] or '—'}"
                   + (f" ({e['lead_contact']})" if e["lead_contact"] else ""))
    else:
        typer.echo(f"Receiving authority: {e['receiving_authority'] or '—'}"
                   + (f" ({e['receiving_contact']})" if e["receiving_contact"] else "")
                   + f"; move {_iso_day(e['move_date'])}")
    if e["decided_on"]:
        typer.echo(f"Decided {_iso_day(e['decided_on'])} by {e['decided_by']}: "
                   f"{e['rationale']}")
    if state.due:
        typer.echo(f"Complete by {day_words(state.due, '—')} (WIR 3: 5 working days)")
    if e["status"] in ("recommended", "approved"):
        typer.echo("Before completing:")
        for i in state.checklist:
            mark = "✓" if i.met else "✗"
            typer.echo(f"  {mark} {i.text} [{i.rule}]" + (f": {i.problem}" if i.problem else ""))
    if state.remaining:
        typer.echo(f"The closure that follows still needs (cintui close status "
                   f"{state.reference}):")
        for i in state.remaining:
            typer.echo(f"  ✗ {i.text} [{i.rule}]: {i.problem}")


def _report(state, as_json: bool, message: str) -> None:
    if as_json:
        _echo_json(state.as_json())
    else:
        typer.echo(message)


# ---------------------------------------------------------------- step-down (WIR 3)


@stepdown_app.command("status")
def stepdown_status(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                    as_json: JsonOption = False, today: TodayOption = None) -> None:
    """Where the step-down stands: the form, the decision, the due date, the checklist."""
    from cintui.casework import transfer

    _show_state(ctx, db, child, as_json, today, transfer.step_down_state, "step-down")


def _show_state(ctx, db, child: str, as_json: bool, today, state_of, label: str) -> None:
    from cintui.casework import cases

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        state = state_of(session, cases.find_child(session, child).id, now)
    if as_json:
        _echo_json(state.as_json())
    else:
        _print_state(state, label)


@stepdown_app.command("record")
def stepdown_record(
    ctx: typer.Context, child: ChildArg,
    service: Annotated[str | None, typer.Option("--service", help="The receiving early help "
                                                "service / TAF.")] = None,
    lead: Annotated[str | None, typer.Option("--lead", help="The named lead "
                                             "professional.")] = None,
    lead_contact: Annotated[str | None, typer.Option("--lead-contact", help="How to reach "
                                                     "them.")] = None,
    conversation: Annotated[str | None, typer.Option(
        "--conversation", help="yes or no: a conversation with the receiving team took "
        "place.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="What was said.")] = None,
    family_consent: Annotated[str | None, typer.Option(
        "--family-consent", help="yes or no: the family consents to the Level 3 "
        "service.")] = None,
    documents: Annotated[str | None, typer.Option(
        "--documents", help="Which go, comma-separated: assessment, plan, minutes, "
        "visits (a new form: all four, as in the app).")] = None,
    unmet_need: UnmetOption = None, on: OnOption = None, by: ByOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record (or update) the step-down form (WIR 3). A final meeting recommending the
    step-down pre-fills the unmet-need answer (STO 3.3)."""
    from cintui.casework import transfer

    inp = transfer.StepDownInput(
        receiving_service=service, lead_professional=lead, lead_contact=lead_contact,
        conversation_held=_yes_no(conversation, "--conversation"), conversation_notes=notes,
        family_consent=_yes_no(family_consent, "--family-consent"),
        documents=(documents,) if documents is not None else None,
        unmet_need=_yes_no(unmet_need, "--unmet-need"))

    def step(session, record, now):
        try:
            transfer.record_step_down(session, record.id, inp, on=_on(on, now),
                                      on_given=on is not None, by=_who(session, record, by),
                                      today=now)
        except transfer.EndingError as exc:
            if exc.field != "receiving_service":
                raise
            hint = STEP_DOWN_HINTS[exc.field].replace("CHILD", record.reference)
            raise CliError(f"{exc.problem}: {hint}") from None

    state = _step(ctx, db, child, today, step, transfer.step_down_state)
    _report(state, as_json, f"Step-down recorded for {state.name} ({state.reference}); "
            f"the manager decides next: cintui stepdown decide {state.reference} "
            "--approve|--decline --rationale TEXT")


@stepdown_app.command("decide")
def stepdown_decide(
    ctx: typer.Context, child: ChildArg, rationale: RationaleOption,
    approve: ApproveOption = None, by: ManagerOption = None, on: OnOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The team manager agrees or declines the step-down, with the rationale (WIR 3, BEX 4).
    Agreement starts the 5 working days to complete it."""
    from cintui.casework import transfer
    from cintui.domain.transfer import agreed_before_final_meeting

    state = _decide(ctx, db, child, today, transfer.decide_step_down,
                    transfer.step_down_state, approve=approve, rationale=rationale, by=by, on=on)
    # WIR 3: agreed before any final CIN meeting recommended it: warned (the app's form says
    # the same line), not refused; completing it waits for the meeting.
    early = agreed_before_final_meeting(state.checklist) if approve else None
    if as_json:
        _echo_json({**state.as_json(), "warning": early})
        return
    _report(state, False, f"Step-down agreed for {state.name} ({state.reference}); "
            f"complete it by {day_words(state.due, '—')} (WIR 3)" if approve else
            f"Step-down declined for {state.name} ({state.reference}): the case stays open")
    if early:
        from cintui.cli.common import hanging

        typer.echo(hanging("", early))


@stepdown_app.command("complete")
def stepdown_complete(
    ctx: typer.Context, child: ChildArg, on: OnOption = None,
    family_told: Annotated[str | None, typer.Option(
        "--family-told", help="The date the family was told of the closure (BEX 3).")] = None,
    summary: Annotated[str | None, typer.Option(
        "--summary", help="The closure summary: with --family-told, closes the case "
        "too.")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The step-down done (WIR 3): the clock stops and the closure is approved with the
    step-down decision (RC9 or RC7). With --family-told and --summary the case closes."""
    from cintui.casework import transfer

    told = _parse_date(family_told, "--family-told") if family_told is not None else None

    def step(session, record, now):
        transfer.complete_step_down(session, record.id, on=_on(on, now), today=now,
                                    family_told_on=told, summary=summary)

    state = _step(ctx, db, child, today, step, transfer.step_down_state, STEP_DOWN_HINTS)
    if as_json:
        _echo_json(state.as_json())
        return
    if state.child_status == "closed":
        typer.echo(f"Step-down completed and the case closed for {state.name} "
                   f"({state.reference}).")
        return
    typer.echo(f"Step-down completed for {state.name} ({state.reference}). The closure "
               "still needs:")
    for i in state.remaining:
        typer.echo(f"  ✗ {i.text} [{i.rule}]: {i.problem}")


@stepdown_app.command("withdraw")
def stepdown_withdraw(ctx: typer.Context, child: ChildArg, db: DbOption = None,
request_id: RequestOption = None,
                      as_json: JsonOption = False, today: TodayOption = None) -> None:
    """Stop a step-down not yet completed: the case stays open."""
    from cintui.casework import transfer

    state = _step(ctx, db, child, today,
                  lambda s, r, now: transfer.withdraw(s, r.id, "step_down"),
                  transfer.step_down_state)
    _report(state, as_json, f"Step-down withdrawn for {state.name} ({state.reference})")


def _write_step_down_pack(ctx, db, child, output: str, fmt: str | None, today) -> None:
    from cintui.casework import cases, transfer
    from cintui.export import transfer as pack_export

    fmt = _check_format(fmt, pack_export.STEP_DOWN_FORMATS, output)
    output = _check_folder(output)
    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        doc = transfer.step_down_pack(session, cases.find_child(session, child).id, now)
    pack_export.write_step_down(doc, output, fmt)
    typer.echo(f"Wrote the step-down pack for {doc.child_reference} to {output}")


OutputFile = Annotated[str, typer.Option("--output", "-o", help="File to write.")]
PackFormat = Annotated[str | None, typer.Option(
    "--format", "-f", help="docx, pdf, md or json (default: pdf, or what -o's name says: "
    "-o x.md is Markdown).")]


@stepdown_app.command("pack")
def stepdown_pack(ctx: typer.Context, child: ChildArg, output: OutputFile,
                  fmt: PackFormat = None, db: DbOption = None,
                  today: TodayOption = None) -> None:
    """The step-down pack, from the final plan (TRA): same as `cintui export stepdown-pack`."""
    _write_step_down_pack(ctx, db, child, output, fmt, today)


@export_app.command("stepdown-pack")
def export_stepdown_pack(ctx: typer.Context, child: ChildArg, output: OutputFile,
                         fmt: PackFormat = None, db: DbOption = None,
                         today: TodayOption = None) -> None:
    """The step-down pack (WIR 3, TRA): the child, the receiving service and lead
    professional, why, the needs with their ratings and what is still to do, the latest
    minutes' decisions, the visits and the documents that go."""
    _write_step_down_pack(ctx, db, child, output, fmt, today)


# ---------------------------------------------------------------- transfer (BEX 4)


@transfer_app.command("status")
def transfer_status(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                    as_json: JsonOption = False, today: TodayOption = None) -> None:
    """Where the transfer stands: the form, the decision and the checklist for sending."""
    from cintui.casework import lookup

    with _reading(ctx, db) as read:  # plain SQL: no ORM for a read (issue 21)
        state = lookup.transfer_state(read, lookup.find_child(read, child), _today(today))
    if as_json:
        _echo_json(state.as_json())
    else:
        _print_state(state, "transfer")


@transfer_app.command("record")
def transfer_record(
    ctx: typer.Context, child: ChildArg,
    to: Annotated[str | None, typer.Option("--to", help="The receiving authority.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="A contact there.")] = None,
    move_date: Annotated[str | None, typer.Option("--move-date", help="Date of the move, "
                                                  "YYYY-MM-DD.")] = None,
    consent: Annotated[str | None, typer.Option(
        "--consent", help="Permission to share: given, refused or not_sought.")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why permission was not sought (seeking it would increase the "
        "risk), or why it is shared though refused (BEX 4).")] = None,
    moves: Annotated[int | None, typer.Option("--moves", help="The family's moves known, "
                                              "this one included.")] = None,
    trafficking: Annotated[str | None, typer.Option(
        "--trafficking", help="The consideration of trafficking and modern slavery "
        "(required when the family has moved repeatedly).")] = None,
    impact: Annotated[str | None, typer.Option(
        "--impact", help="The move's impact on the child: the protective factors it changes, "
        "any risk from people known to us.")] = None,
    told: Annotated[str | None, typer.Option(
        "--told", help="When and how the parents were told they must register the child "
        "with a school and a GP (and any specialist service) there.")] = None,
    gaps: Annotated[str | None, typer.Option(
        "--gaps", help="The child's needs the new area's services cannot meet (\"none "
        "known\" if none).")] = None,
    agencies: Annotated[str | None, typer.Option(
        "--agencies", help="The agencies asked to pass their records to their counterparts "
        "there (school, GP ...).")] = None,
    advice: Annotated[str | None, typer.Option(
        "--advice", help="The Caldicott Guardian's or legal services' advice (required "
        "when the parents refused permission to share).")] = None,
    on: OnOption = None, by: ByOption = None, db: DbOption = None, request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Record (or update) the transfer to another authority (BEX 4). Before the pack can be
    marked sent: the move's impact on the child, the parents told to register with a school
    and a GP there, gaps in the new area's services, the agencies asked to pass their
    records on, and (permission refused) the advice taken."""
    from cintui.casework import transfer

    inp = transfer.TransferInput(
        receiving_authority=to, receiving_contact=contact,
        move_date=_parse_date(move_date, "--move-date") if move_date is not None else None,
        consent_to_share=consent, consent_reason=reason, moves_count=moves,
        trafficking_considered=trafficking, move_impact=impact, responsibilities_told=told,
        service_gaps=gaps, agencies_asked=agencies, sharing_advice=advice)

    def step(session, record, now):
        transfer.record_transfer(session, record.id, inp, on=_on(on, now),
                                 on_given=on is not None, by=_who(session, record, by),
                                 today=now)

    state = _step(ctx, db, child, today, step, transfer.transfer_state)
    message = f"Transfer recorded for {state.name} ({state.reference})"
    e = state.ending
    if e["moved_repeatedly"] and not e["trafficking_considered"]:
        message += (f". The family has moved {e['moves_count']} times: consider trafficking "
                    "and modern slavery and record it (--trafficking) before the pack goes "
                    "(BEX 4)")
    _report(state, as_json, message)


@transfer_app.command("decide")
def transfer_decide(
    ctx: typer.Context, child: ChildArg, rationale: RationaleOption,
    approve: ApproveOption = None, by: ManagerOption = None, on: OnOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The team manager agrees or declines the transfer, with the rationale (BEX 4)."""
    from cintui.casework import transfer

    state = _decide(ctx, db, child, today, transfer.decide_transfer, transfer.transfer_state,
                    approve=approve, rationale=rationale, by=by, on=on)
    _report(state, as_json, f"Transfer agreed for {state.name} ({state.reference}): "
            f"cintui export transfer-pack {state.reference} -o pack/, then cintui transfer "
            f"sent {state.reference}" if approve else
            f"Transfer declined for {state.name} ({state.reference})")


@transfer_app.command("sent")
def transfer_sent(ctx: typer.Context, child: ChildArg, on: OnOption = None,
                  db: DbOption = None,
                  request_id: RequestOption = None,
                  as_json: JsonOption = False,
                  today: TodayOption = None) -> None:
    """The pack was sent to the receiving authority (BEX 4): the episode closes (RC5)."""
    from cintui.casework import transfer

    def step(session, record, now):
        transfer.mark_sent(session, record.id, on=_on(on, now), today=now)

    state = _step(ctx, db, child, today, step, transfer.transfer_state, TRANSFER_HINTS)
    _report(state, as_json, f"Transfer pack sent for {state.name} ({state.reference}); the "
            "case is closed here (RC5)")


@transfer_app.command("withdraw")
def transfer_withdraw(ctx: typer.Context, child: ChildArg, db: DbOption = None,
request_id: RequestOption = None,
                      as_json: JsonOption = False, today: TodayOption = None) -> None:
    """Stop a transfer not yet sent: the case stays open."""
    from cintui.casework import transfer

    state = _step(ctx, db, child, today,
                  lambda s, r, now: transfer.withdraw(s, r.id, "transfer_out"),
                  transfer.transfer_state)
    _report(state, as_json, f"Transfer withdrawn for {state.name} ({state.reference})")


@export_app.command("transfer-pack")
def export_transfer_pack(
    ctx: typer.Context, child: ChildArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write (created "
                                         "0700).", file_okay=False)],
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The transfer pack (BEX 4): the assessment summary, the CIN plan, the latest review
    minutes and the case summary with chronology as DOCX and PDF, plus transfer-pack.json
    for the receiving authority's `cintui import transfer-pack`."""
    from cintui.casework import cases, transfer
    from cintui.export.transfer import write_transfer_pack

    if output.exists() and not output.is_dir():
        raise CliError(f"{output} is a file: give a folder")
    if not output.parent.is_dir():
        raise CliError(f"no such folder: {output.parent}")
    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        docs = transfer.transfer_documents(session, cases.find_child(session, child).id,
                                           now)
    written = write_transfer_pack(docs, output)
    if as_json:
        _echo_json({"reference": docs.data["child"]["reference"], "folder": str(output),
                    "files": [p.name for p in written]})
        return
    typer.echo(f"Wrote the transfer pack for {docs.data['child']['reference']} to {output} "
               f"({len(written)} files)")


@import_app.command("transfer-pack")
def import_transfer_pack(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The pack's folder (or its "
                                           "transfer-pack.json).")],
    worker: Annotated[str | None, typer.Option("--worker", help="The receiving worker "
                                               "(username or name).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="The receiving team.")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Transfer-in (BEX 4): create the child from another authority's pack, with their
    people, consents, plan (an agreed v1, received), past visits, meetings and decisions.
    All or nothing. The 20 working days to the transfer-in meeting start from the move."""
    from cintui.casework import transfer
    from cintui.domain.calendar import england_calendar
    from cintui.domain.timescales import due_date

    now = _today(today)
    data = transfer.read_pack(folder)
    with _open(ctx, db) as store, \
            store.session(actor := access.importing_actor("a transfer pack")) as session:
        child = transfer.import_pack(session, data, today=now, worker=worker, team=team,
                                     actor=actor)
        from cintui.casework import cases

        ts = cases.store_policy(session).timescales.get("transfer_in_meeting")
        episode = cases.current_episode(session, child.id)
        meeting_by = due_date(episode.moved_in, ts, england_calendar()) if ts else None
        out = {"reference": child.reference, "name": child.full_name,
               "from_authority": data.get("from_authority"),
               "moved_in": episode.moved_in.isoformat(),
               "transfer_in_meeting_by": meeting_by.isoformat() if meeting_by else None,
               "people": len(data.get("people", [])), "visits": len(data.get("visits", [])),
               "meetings": len(data.get("meetings", [])),
               # a pack made before revision 0033 does not say who booked its meetings
               "meetings_booked_by_carried": transfer.booked_by_carried(data),
               # nor does one made before the minutes travelled carry them (nor invitees)
               "meetings_minutes_carried": transfer.minutes_carried(data),
               "plan_needs": len((data.get("plan") or {}).get("needs", []))}
    if as_json:
        _echo_json(out)
        return
    from cintui.domain.text import counted

    typer.echo(f"Imported {out['name']} ({out['reference']}) from "
               f"{out['from_authority'] or 'another authority'}: {out['people']} people, "
               f"{out['visits']} visits, {out['meetings']} meetings, a plan of "
               f"{counted(out['plan_needs'], 'need')}.")
    if meeting_by:
        typer.echo(f"Hold the transfer-in meeting by {day_words(meeting_by, '—')} (BEX 4: 20 working "
                   "days from the move).")
    for note in transfer.older_pack_notes(data):
        typer.echo(note)
