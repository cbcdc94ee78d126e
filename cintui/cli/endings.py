"""`cintui decision …`, `cintui close …` and `cintui child rerefer|episodes`: management
decisions (BEX 4), the closure path (TRA, BEX 3) step by step for batch use, closure
letters and the closure summary, and re-referral (WAR 3.4). Bad input: one line, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cintui.cli.common import (
    LONGEST,
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
    _writing,
    _yes_no,
    app,
    child_app,
)
from cintui.domain.dates import day_words
from cintui.store import access

decision_app = typer.Typer(help="Decisions on a child's record, with their rationale (BEX 4).",
                           no_args_is_help=True)
close_app = typer.Typer(help="Closing a case (TRA, BEX 3): recommend, decide, tell the "
                        "family, close; letters and the closure summary.",
                        no_args_is_help=True)
app.add_typer(decision_app, name="decision")
app.add_typer(close_app, name="close")

ReasonOption = Annotated[str | None, typer.Option(
    "--reason", help="Census reason for closure, RC1-RC9 or words: RC7 'no longer in need', "
    "RC6 'adult social care'.")]


def _reason(text: str | None) -> str | None:
    """A census reason for closure by its code or its words ("adult": RC6), as the app's
    choice and `referral record --source` take them; one line naming the choices if not."""
    if text is None:
        return None
    from cintui.domain.steps import NoSuchCode, pick_code
    from cintui.reference import codes

    names = codes.short_names("closure_reason")
    if text.strip().upper() in names:
        return text.strip().upper()
    try:
        return pick_code(text, names, "closure reason", "--reason")
    except NoSuchCode as exc:
        raise CliError(f"--reason: {exc.problem}") from None



def _on(value: str | None, today) -> object:
    return _parse_date(value, "--on") if value is not None else today


# ---------------------------------------------------------------- decisions


@decision_app.command("add")
def decision_add(
    ctx: typer.Context, child: ChildArg,
    kind: Annotated[str, typer.Option("--kind", help="closure, step_down, transfer, dispute, "
                                      "case_direction, cp_conference (a child protection "
                                      "conference considered, WIR 2.3) or other.")],
    decision: Annotated[str, typer.Option("--decision", help="What was decided.")],
    rationale: RationaleOption,
    by: Annotated[str | None, typer.Option("--by", help="Who decided: a worker's username or "
                                           "name, or anyone with --role (default: you).")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Their role, in words.")] = None,
    on: OnOption = None, db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Record a decision on the child's record with its rationale, who and when (BEX 4). It
    shows in the chronology and on the Summary."""
    from cintui.casework import decisions, lookup

    now = _today(today)
    new = decisions.NewDecision(kind.strip().lower(), decision, rationale, _on(on, now), by,
                                role)
    with _writing(ctx, db) as writer:
        record = lookup.find_child(writer, child)
        row = decisions.record(writer, record.id, new, actor=writer.actor, today=now)
    out = {"id": row["id"].hex, "reference": record.reference, "kind": row["kind"],
           "made_on": row["made_on"].isoformat(), "made_by": row["made_by"],
           "made_by_role": row["made_by_role"], "decision": row["decision"],
           "rationale": row["rationale"]}
    if as_json:
        _echo_json(out)
        return
    typer.echo(f"Recorded for {out['reference']}: {out['decision']} "
               f"({out['made_by']}, {day_words(row['made_on'], '—')}).")


@decision_app.command("list")
def decision_list(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                  as_json: JsonOption = False, today: TodayOption = None) -> None:
    """The child's decisions, oldest first, each with who, when and the rationale."""
    from cintui.casework import lookup
    from cintui.domain.endings import DECISION_KIND_LABELS

    with _reading(ctx, db) as read:
        record = lookup.find_child(read, child)
        ref, name = record.reference, record.full_name
        rows = lookup.decision_facts(read, ref)
    if as_json:
        _echo_json([{"made_on": d.made_on.isoformat(), "kind": d.kind, "decision": d.decision,
                     "rationale": d.rationale, "made_by": d.made_by,
                     "made_by_role": d.made_by_role} for d in rows])
        return
    typer.echo(f"{name} {ref}: {len(rows)} decision{'' if len(rows) == 1 else 's'}")
    for d in rows:
        typer.echo(f"{day_words(d.made_on, '—')} · {DECISION_KIND_LABELS.get(d.kind, d.kind)}: "
                   f"{d.decision} — {d.who}\n    Rationale: {d.rationale}")


# ---------------------------------------------------------------- closure


def _state_json(state) -> dict:
    from cintui.casework import endings

    return {"reference": state.reference, "name": state.name,
            "child_status": state.child_status, "ending": state.ending,
            "notify_by": state.notify_by.isoformat() if state.notify_by else None,
            "checklist": endings.checklist_json(state.checklist),
            "ready_to_close": all(i.met for i in state.checklist),
            "decisions": [{"made_on": d.made_on.isoformat(), "kind": d.kind,
                           "decision": d.decision, "rationale": d.rationale,
                           "made_by": d.made_by} for d in state.decisions]}


def _day(iso: str) -> str:
    """An ending's ISO day (as `--json` keeps it) as a person reads it: "31 May 2026"."""
    from datetime import date

    return day_words(date.fromisoformat(iso[:10]))


def _print_state(state) -> None:
    e = state.ending
    if state.transferred:  # BEX 4: RC5, no closure record
        typer.echo(f"{state.name}: {state.transferred}")
        return
    typer.echo(f"{state.name} {state.reference}: " + (
        f"closure {e['status_label']}" if e else
        f"no closure to recommend: {state.under_way}" if state.under_way else  # WIR 3, BEX 4
        "no closure recommended"))
    if e and e["decided_on"]:
        typer.echo(f"Decided {_day(e['decided_on'])} by {e['decided_by']}: {e['rationale']}")
    if e and state.notify_by and not e["family_told_on"] and e["status"] != "declined":
        typer.echo(f"Tell the family by {day_words(state.notify_by, '—')} (BEX 3)")
    if e and e["family_told_on"]:
        typer.echo(f"Family told {_day(e['family_told_on'])}")
    if state.child_status != "closed":
        typer.echo("Before closing (TRA: records complete):")
        for i in state.checklist:
            mark = "✓" if i.met else "✗"
            typer.echo(f"  {mark} {i.text} [{i.rule}]" + (f": {i.problem}" if i.problem else ""))


def _closing(ctx, db, child, today, fn):
    """Run `fn(session, child_row, today)` in a write session; return the closure state."""
    from cintui.casework import cases, endings

    now = _today(today)
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        fn(session, record, now)
        return endings.closure_state(session, record.id, now)


def _report(state, as_json: bool, message: str) -> None:
    if as_json:
        _echo_json(_state_json(state))
    else:
        typer.echo(message)


@close_app.command("status")
def close_status(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                 as_json: JsonOption = False, today: TodayOption = None) -> None:
    """Where the closure stands: the recommendation, the decision, the family told, and the
    checklist that must be met before closing, each item with its rule."""
    from cintui.casework import cases, endings

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        state = endings.closure_state(session, cases.find_child(session, child).id, now)
    if as_json:
        _echo_json(_state_json(state))
    else:
        _print_state(state)


@close_app.command("recommend")
def close_recommend(
    ctx: typer.Context, child: ChildArg, on: OnOption = None,
    by: Annotated[str | None, typer.Option("--by", help="Who recommends (default: you, "
                                           "the worker running cintui; else the child's "
                                           "worker).")] = None,
    summary: Annotated[str, typer.Option("--summary", help="A first closure summary.")] = "",
    reason: ReasonOption = None, unmet_need: UnmetOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Recommend closure (TRA, BEX 3). A final meeting recommending closure or step-down
    pre-fills the reason and the unmet-need answer."""
    from cintui.casework import endings

    unmet = _yes_no(unmet_need, "--unmet-need")

    def step(session, record, now):
        who = by or endings.recommender(session, record.id, access.current_actor())
        endings.recommend_closure(session, record.id, on=_on(on, now), by=who, today=now,
                                  summary=summary, reason=_reason(reason),
                                  unmet_need=unmet)

    state = _closing(ctx, db, child, today, step)
    filled = f" (filled in: {state.prefill.words()})" if state.prefill else ""
    _report(state, as_json, f"Closure recommended for {state.name} ({state.reference}){filled}; "
            f"the team manager decides next: cintui close decide {state.reference} "
            "--approve|--decline --rationale TEXT")


@close_app.command("decide")
def close_decide(
    ctx: typer.Context, child: ChildArg, rationale: RationaleOption,
    approve: Annotated[bool | None, typer.Option("--approve/--decline",
                                                 help="The manager's decision.")] = None,
    by: ManagerOption = None, on: OnOption = None, db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The team manager (or service manager) approves or declines the closure, with the
    rationale (TRA, BEX 3-4). Approval starts the 5 working days to tell the family."""
    from cintui.casework import endings

    if approve is None:
        raise CliError("give --approve or --decline")

    def step(session, record, now):
        endings.decide_closure(session, record.id, approve=approve, rationale=rationale,
                               on=_on(on, now), today=now, by=by,
                               actor=access.current_actor())

    state = _closing(ctx, db, child, today, step)
    message = (f"Closure approved for {state.name} ({state.reference}); tell the family by "
               f"{day_words(state.notify_by, '—')} (BEX 3)" if approve else
               f"Closure declined for {state.name} ({state.reference}): the case stays open")
    _report(state, as_json, message)


@close_app.command("told")
def close_told(ctx: typer.Context, child: ChildArg, on: OnOption = None, db: DbOption = None,
request_id: RequestOption = None,
               as_json: JsonOption = False, today: TodayOption = None) -> None:
    """The family was told of the closure decision on this date (BEX 3)."""
    from cintui.casework import endings

    def step(session, record, now):
        endings.family_told(session, record.id, on=_on(on, now), today=now)

    state = _closing(ctx, db, child, today, step)
    _report(state, as_json, f"Family told for {state.name} ({state.reference}) on "
            f"{state.ending['family_told_on']}")


@close_app.command("dispute")
def close_dispute(
    ctx: typer.Context, child: ChildArg,
    by: Annotated[str, typer.Option("--by", help="Who disputes it: a parent, a professional.")],
    details: Annotated[str, typer.Option("--details", help="What is disputed and why.")],
    on: OnOption = None, db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """The family or a professional disputes the closure decision (BEX 3): it goes to the
    team manager, then the service manager. Closing waits until it is settled."""
    from cintui.casework import endings

    def step(session, record, now):
        endings.raise_dispute(session, record.id, by=by, details=details, on=_on(on, now),
                              today=now)

    state = _closing(ctx, db, child, today, step)
    _report(state, as_json, f"Dispute recorded for {state.name} ({state.reference}); the "
            f"team manager decides: cintui close settle {state.reference} --outcome "
            "upheld|overturned|escalated --rationale TEXT")


@close_app.command("settle")
def close_settle(
    ctx: typer.Context, child: ChildArg,
    outcome: Annotated[str, typer.Option("--outcome", help="upheld, overturned, or escalated "
                                         "(team manager: to the service manager).")],
    rationale: RationaleOption, by: ManagerOption = None, on: OnOption = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The manager's decision on a dispute (BEX 3), with the rationale (BEX 4)."""
    from cintui.casework import endings
    from cintui.domain.endings import DISPUTE_OUTCOME_LABELS

    held_by: list[str] = []

    def step(session, record, now):
        endings.settle_dispute(session, record.id, outcome=outcome.strip().lower(),
                               rationale=rationale, on=_on(on, now), today=now, by=by,
                               actor=access.current_actor())
        held_by.append(endings.service_managers(session))

    state = _closing(ctx, db, child, today, step)
    said = DISPUTE_OUTCOME_LABELS[outcome.strip().lower()]
    if outcome.strip().lower() == "escalated":  # BEX 3: whose it is now, and their step
        said += _referred_next(held_by[0] if held_by else "", state.reference)
    _report(state, as_json, f"Dispute for {state.name} ({state.reference}): {said}")


def _referred_next(service_managers: str, reference: str) -> str:
    """BEX 3: a dispute referred on is the service manager's alone: who they are and the
    command that settles it (it said only "referred on to the service manager")."""
    settle = (f"cintui close settle {reference} --outcome upheld|overturned --rationale TEXT")
    if not service_managers:
        return (", and no service manager is on the store yet: add one (cintui worker add "
                "USERNAME --name NAME --role 'service manager'), who then settles it: "
                + settle)
    return f", {service_managers}, who upholds or overturns it: {settle}"


def _closure_blocked(items, child: str) -> CliError:
    """A closure refused: each item missing, with its rule and the command that gives it,
    for this child (as it was named). When they are more than one line holds, the line says
    first how many there are and which command lists each: the items cut off its end are
    never lost."""
    named = f'"{child.strip()}"' if " " in child.strip() else child.strip()
    said = "; ".join(f"{i.problem} ({i.rule})" + (
        f": {CLOSE_HINTS[i.key].replace('CHILD', named)}" if i.key in CLOSE_HINTS else "")
        for i in items)
    if len(f"cintui: cannot close yet: {said}") <= LONGEST:
        return CliError(f"cannot close yet: {said}")
    return CliError(f"cannot close yet, {len(items)} things missing (cintui close status "
                    f"{named} lists each): {said}")


@close_app.command("complete")
def close_complete(
    ctx: typer.Context, child: ChildArg, on: OnOption = None, reason: ReasonOption = None,
    unmet_need: UnmetOption = None,
    summary: Annotated[str | None, typer.Option("--summary", help="The closure summary.")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Close the case. Refused, listing each missing item with its rule, until the record is
    complete: manager's approval, no drafts, plan final, consent, family told, a summary,
    a reason (RC1-RC9) and the unmet-need answer (TRA, BEX 3, STO 3.3)."""
    from cintui.casework import endings

    unmet = _yes_no(unmet_need, "--unmet-need")

    def step(session, record, now):
        try:
            endings.complete_closure(session, record.id, endings.CloseInput(
                closure_date=_on(on, now), reason=_reason(reason),
                unmet_need=unmet, summary=summary), now)
        except endings.ClosureBlocked as exc:  # each item with how to give it here
            raise _closure_blocked(exc.items, child) from None

    state = _closing(ctx, db, child, today, step)
    e = state.ending
    _report(state, as_json, f"Closed: {state.name} ({state.reference}) on "
            f"{e['completed_on']}, {e['closure_reason']} {e['closure_reason_label']}; unmet "
            f"need stepped down: {'yes' if e['unmet_need'] else 'no'}")


# What `close complete` takes, or the command that records it, for a checklist item unmet.
CLOSE_HINTS = {"family_told": "cintui close told CHILD --on DATE",
               "summary": "--summary TEXT", "reason": "--reason RC1-RC9",
               "unmet_need": "--unmet-need yes|no", "date": "--on DATE",
               "approved": "cintui close decide CHILD --approve --rationale TEXT"}


@close_app.command("letters")
def close_letters(
    ctx: typer.Context, child: ChildArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write into.",
                                         file_okay=False)],
    fmt: Annotated[list[str] | None, typer.Option(
        "--format", "-f", help="docx or pdf; repeat for both (default: both).")] = None,
    date_: Annotated[str | None, typer.Option("--date", help="Planned closure date, when "
                                              "the case is not closed yet.")] = None,
    reason: ReasonOption = None, db: DbOption = None, as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Closure letters (TRA): to each parent or carer, to the child where appropriate
    (words for their age: none under 5; simple words 5-11; a young person's letter 12+),
    and to each professional in People. Files are 0600."""
    from cintui.casework import cases, endings
    from cintui.export import endings as letters_export
    from cintui.export.plan import unshown_note

    formats = tuple(f.lower().lstrip(".") for f in fmt or letters_export.LETTER_FORMATS)
    for f in formats:
        if f not in letters_export.LETTER_FORMATS:
            raise CliError(f"unknown format {f!r}: choose docx or pdf")
    if output.exists() and not output.is_dir():
        raise CliError(f"{output} is a file: give a folder")
    now = _today(today)
    planned = _parse_date(date_, "--date") if date_ is not None else None
    try:
        letters_export.check_templates()
    except letters_export.TemplateError as exc:
        raise CliError(str(exc)) from None
    with _open(ctx, db) as store, store.read() as session:
        record = cases.find_child(session, child)
        try:
            letter_ctx = endings.letter_context(session, record.id, now, closure_date=planned,
                                                reason=_reason(reason))
        except endings.EndingError as exc:  # the option that gives it, not the bare field
            option = {"date": "--date YYYY-MM-DD", "reason": "--reason"}.get(exc.field)
            if option is None:
                raise
            raise CliError(f"{exc.field}: {exc.problem} ({option})") from None
    written = letters_export.write_letters(letter_ctx, output, formats)
    if as_json:
        _echo_json({"reference": letter_ctx.child_reference,
                    "recipients": [{"name": r.name, "audience": r.audience, "role": r.role}
                                   for r in letter_ctx.recipients],
                    "files": [str(p) for p in written],
                    "note": letter_ctx.missing})  # WAR 4.2: "" nothing missing
        return
    if "pdf" in formats and (note := unshown_note(letters_export.letters_unshown(letter_ctx))):
        typer.echo(note, err=True)
    typer.echo(f"Wrote {len(written)} file{'' if len(written) == 1 else 's'} for "
               f"{len(letter_ctx.recipients)} recipients to {output}")
    for r in letter_ctx.recipients:
        typer.echo(f"  {r.audience}: {r.name}" + (f" ({r.role})" if r.role else ""))
    if letter_ctx.missing:  # WAR 4.2: whom to call at adult social care (RC6)
        typer.echo(f"Note: {letter_ctx.missing}", err=True)


@close_app.command("summary")
def close_summary(
    ctx: typer.Context, child: ChildArg,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="md, docx, pdf or json (default: pdf, or what -o's name says: -o x.md is Markdown).")] = None,
    db: DbOption = None, today: TodayOption = None,
) -> None:
    """The closure summary document: the closure, its decisions with rationale, the
    checklist, the episodes and the plan at closure."""
    from cintui.casework import cases, endings
    from cintui.export import endings as summary_export

    fmt = _check_format(fmt, summary_export.SUMMARY_FORMATS, output)
    output = _check_folder(output)
    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        doc = endings.summary_document(session, cases.find_child(session, child).id, now)
    summary_export.write_summary(doc, output, fmt)
    typer.echo(f"Wrote the closure summary for {doc.child_reference} to {output}")


# ---------------------------------------------------------------- re-referral


@child_app.command("rerefer")
def child_rerefer(
    ctx: typer.Context, child: ChildArg,
    date_: Annotated[str, typer.Option("--date", help="The new referral's date.")],
    source: Annotated[str, typer.Option("--source", help="Referral source, by words or "
                                        "code: school, police, 'health visitor', 1A.")],
    need: Annotated[str | None, typer.Option("--need", help="Primary need, by words or code: "
                                             "'abuse or neglect', N1 (default: as "
                                             "before).")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Re-open a closed child as a new episode (WAR 3.4); the earlier episodes stay on the
    record. Prints the interval since the last closure."""
    from cintui.casework import cases, endings

    now = _today(today)
    on = _parse_date(date_, "--date")
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        endings.rerefer(session, record.id, on=on, source=source, need=need, today=now)
        rows = endings.episodes(session, record.id)
        ref, name = record.reference, record.full_name
    last = rows[-1]
    if as_json:
        _echo_json({"reference": ref, "episodes": [r.as_json() for r in rows]})
        return
    typer.echo(f"Re-referred: {name} ({ref}), episode {last.number} from {day_words(on, '—')}, "
               f"{last.days_since_last_closure} days after the last closure ({last.band}).")


@child_app.command("episodes")
def child_episodes(ctx: typer.Context, child: ChildArg, db: DbOption = None,
                   as_json: JsonOption = False, today: TodayOption = None) -> None:
    """Every episode of the child, oldest first, with re-referral intervals (WAR 3.4)."""
    from cintui.casework import lookup
    from cintui.reference import codes

    with _reading(ctx, db) as read:
        record = lookup.find_child(read, child)
        ref, name = record.reference, record.full_name
        rows = lookup.episodes(read, ref)
    if as_json:
        _echo_json({"reference": ref, "episodes": [r.as_json() for r in rows]})
        return
    typer.echo(f"{name} {ref}: {len(rows)} episode{'' if len(rows) == 1 else 's'}")
    from cintui.domain.endings import closure_words

    for r in rows:
        closed = (f"closed {day_words(r.closure_date, '—')} " + closure_words(
            r.closure_reason, codes.label("closure_reason", r.closure_reason), r.referral_nfa)
            if r.closure_date else "open")
        again = (f" (re-referral {r.days_since_last_closure} days after closure, {r.band})"
                 if r.days_since_last_closure is not None else "")
        typer.echo(f"{r.number}. referred {day_words(r.referral_date, '—')}{again}; {closed}")
