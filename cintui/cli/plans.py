"""cintui plan show/check/exit/agree and export plan(s): CIN plans."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
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
    _open,
    _output_file,
    _parse_date,
    _reading,
    _rich_console,
    _today,
    agree_hint,
    export_app,
    plan_app,
)
from cintui.domain.dates import day_words

# ------------------------------------------------------------------ plans

VersionOption = Annotated[
    int | None, typer.Option("--version", "-v", help="Plan version number (default: the plan "
                             "in force).", min=1)]
FORMATS = ("docx", "pdf", "md", "html", "json")
FormatOption = Annotated[str | None, typer.Option(
    "--format", "-f", help="docx, pdf, md, html or json (default: pdf, or what -o's name "
    "says: -o x.md is Markdown).")]
FinalOption = Annotated[bool, typer.Option(
    "--final", help="No DRAFT mark: only when the plan passes every check.")]


def _plan_document(read, child: str, now: date, number: int | None, final: bool):
    """The child's plan (version `number`, else the one in force) as an export holds it,
    read through the light reader."""
    from cintui.casework import lookup

    record = lookup.find_child(read, child)
    doc = lookup.plan_document(read, record.reference, now, number=number, final=final)
    if final and doc.draft:  # an ended plan is a record, marked as ended, never DRAFT
        from cintui.domain.text import counted

        raise CliError(f"{record.reference}: not final, the plan fails "
                       f"{counted(len(doc.problems), 'check')}, e.g. {doc.problems[0]} (export "
                       "without --final for a DRAFT)")
    return doc


@plan_app.command("show")
def plan_show(ctx: typer.Context, child: ChildArg, db: DbOption = None,
              version: VersionOption = None, as_json: JsonOption = False,
              today: TodayOption = None) -> None:
    """The child's plan: needs in three columns with ratings, actions and checks."""
    from cintui.casework.lookup import PlanNotWritten
    from cintui.export import plan as plan_export

    now = _today(today)
    try:
        with _reading(ctx, db) as read:
            doc = _plan_document(read, child, now, version, final=False)
    except PlanNotWritten as exc:  # a state, not an error: say it and what to do next
        _not_written(exc, as_json, {})
        return
    if as_json:
        typer.echo(plan_export.to_json(doc))
        return
    from cintui.cli.table import Column, escape, print_table
    from cintui.domain.plan import ACTION_STATUS_LABELS

    v = doc.version
    console = _console()
    console.print(f"[bold]{escape(doc.child_name)}[/] {escape(doc.child_reference)} · "
                  f"plan version {v.number} ({v.status}) · "
                  + (escape(v.review_words) if v.ended_on else
                     f"next review {day_words(v.next_review, 'not set')}")
                  + (f" · visits every {v.visit_every.describe()} (agreed in the plan)"
                     if v.visit_every else ""))
    rows = []
    for n in v.needs:
        actions = "\n".join(f"{a.what} — {a.who or 'NO OWNER'}, "
                             f"{day_words(a.by_when, 'NO DATE')} "
                             f"({ACTION_STATUS_LABELS.get(a.status, a.status)})"
                             for a in n.actions)
        rows.append((n.now, n.outcome, actions, n.rag))
    print_table(console, (Column("What is happening now"), Column("What will be different"),
                          Column("Who does what, by when"), Column("RAG", no_wrap=True)),
                rows, lines=True)
    from cintui.domain import gcp2

    for i, n in enumerate(v.needs, 1):  # the GCP2 grades that informed the need (STO 6.11)
        graded = gcp2.for_need(doc.gcp2, n.key)
        if graded:
            console.print(f"Need {i}: {escape(gcp2.need_line(graded[0], graded[1:]))}")
    if doc.problems and v.ended_on:  # WIR 3, TRA: a record, not a to-do
        console.print(plan_export.LACKED)
    for problem in doc.problems:
        console.print(f"• {escape(problem)}")


@plan_app.command("check")
def plan_check(ctx: typer.Context, child: ChildArg, db: DbOption = None,
               version: VersionOption = None, as_json: JsonOption = False,
               today: TodayOption = None) -> None:
    """The plan checks (plain words, SMART, every Amber owned and dated); exit 1 if any fail."""
    from cintui.casework.lookup import PlanNotWritten

    now = _today(today)
    try:
        with _reading(ctx, db) as read:
            doc = _plan_document(read, child, now, version, final=False)
    except PlanNotWritten as exc:  # nothing written passes no check
        _not_written(exc, as_json, {"version": None, "passes": False,
                                    "problems": [exc.problem]})
        raise typer.Exit(1) from None
    if as_json:
        _echo_json({"reference": doc.child_reference, "version": doc.version.number,
                    "passes": not doc.problems, "problems": list(doc.problems)})
    elif doc.problems:
        if doc.ended:  # WIR 3, TRA: not re-opened to be fixed; what it lacked, for QA
            typer.echo(f"{doc.child_reference} plan v{doc.version.number} ended at "
                       f"{doc.version.ended_where}; it is not re-opened. When it ended, it "
                       "lacked:")
        for problem in doc.problems:
            typer.echo(f"• {problem}")
    else:
        typer.echo(f"{doc.child_reference} plan v{doc.version.number}: passes every check.")
    if doc.problems:
        raise typer.Exit(1)


def _not_written(exc, as_json: bool, more: dict) -> None:
    """A plan started but not written, as the app says it (PLAN_NOT_WRITTEN), with the next
    step; --json carries the state."""
    from cintui.domain.plan import PLAN_NOT_WRITTEN

    if as_json:
        _echo_json({"reference": exc.reference, "state": "not_written",
                    "headline": PLAN_NOT_WRITTEN, "plan_started": exc.started.isoformat(),
                    **more, "message": exc.problem, "next": exc.next_step})
    else:
        typer.echo(exc.problem)


@export_app.command("plan")
def export_plan(ctx: typer.Context, child: ChildArg,
                output: Annotated[str, typer.Option(
                    "--output", "-o", help="File to write, or a folder (the file named "
                    "after the child and the version, never overwriting one there; "
                    "\"out/\" is made if it is not there).")],
                fmt: FormatOption = None, db: DbOption = None, version: VersionOption = None,
                final: FinalOption = False, today: TodayOption = None) -> None:
    """One child's plan as DOCX, PDF, Markdown, HTML or JSON (DRAFT-marked unless --final)."""
    from cintui.export import plan as plan_export

    fmt = _check_format(fmt, FORMATS, output)
    now = _today(today)
    _check_folder(output, folder_ok=True)
    with _reading(ctx, db) as read:
        doc = _plan_document(read, child, now, version, final)
    written = _output_file(output, f"{doc.child_reference}-plan-v{doc.version.number}", fmt)
    plan_export.write(doc, written, fmt)
    mark = (" (DRAFT)" if doc.draft else
            f" (ended at {doc.version.ended_where})" if doc.ended else "")
    typer.echo(f"Wrote {doc.child_reference} plan v{doc.version.number}{mark} to {written}")
    if fmt == "pdf" and (note := plan_export.unshown_note(plan_export.pdf_unshown(doc))):
        typer.echo(note, err=True)


def _failing_words(failing: list, refs: str) -> str:
    """How many of the plans written fail a check, in words that agree with the number."""
    if not failing:
        return ""
    return f"; {len(failing)} {'fails' if len(failing) == 1 else 'fail'} checks: {refs}"


@export_app.command("plans")
def export_plans(ctx: typer.Context,
                 output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write "
                                                      "into (created if missing).",
                                                      file_okay=False)],
                 fmt: FormatOption = None,
                 worker: Annotated[str | None, typer.Option(help="One worker's children.")] = None,
                 team: Annotated[str | None, typer.Option(help="One team's children.")] = None,
                 all_: Annotated[bool, typer.Option("--all", help="Every open child.")] = False,
                 final: Annotated[bool, typer.Option(
                     "--final", help="No DRAFT mark: the copies to circulate. A plan that "
                     "fails a check is not written, and is named.")] = False,
                 db: DbOption = None, today: TodayOption = None) -> None:
    """Every plan in force for a worker, a team or everyone: one file per child, with a
    progress bar. Each is marked DRAFT unless --final; with --final, those failing a check
    are left out and named."""
    from rich.progress import Progress

    from cintui.casework import plans
    from cintui.export import plan as plan_export

    fmt = _check_format(fmt, FORMATS)
    if sum(bool(x) for x in (worker, team, all_)) != 1:
        raise CliError("say whose plans: --worker W, --team T or --all")
    now = _today(today)
    from concurrent.futures import ProcessPoolExecutor

    # failing: (reference, name, checks) of the plans failing a check, not written when
    # final; stale: their DRAFTs an earlier run left in the folder; boxes: the children
    # whose PDF shows □ for a character
    failing, stale, boxes, ended = [], [], [], []
    with _open(ctx, db) as store:
        with store.read() as session:
            ids = plans.children_with_plans(session, worker=worker, team=team)
            unwritten = plans.children_without_plans(session, worker=worker, team=team)
        # Made once whose plans is known: a team or worker mistyped made the folder.
        output.mkdir(parents=True, exist_ok=True)
        # The store is read here; writing the files (the slow part for DOCX and PDF) runs in
        # one process per core.
        workers = min(os.cpu_count() or 1, 4) if len(ids) > 20 else 1
        pool = ProcessPoolExecutor(workers) if workers > 1 else None
        try:
            # Not on a terminal (a script, a pipe): no bar, nor the empty line it left.
            console = _rich_console()
            with Progress(console=console, transient=True,
                          disable=not console.is_terminal) as progress:
                task = progress.add_task(f"Exporting {len(ids)} plans ({fmt})", total=len(ids))
                pending = []
                for child_id in ids:
                    with store.read() as session:
                        doc = plans.plan_document(session, child_id, now, final=final)
                    path = output / f"{doc.child_reference}-plan-v{doc.version.number}.{fmt}"
                    if doc.ended:  # WIR 3, TRA: marked as ended, never DRAFT
                        ended.append(doc.child_reference)
                    elif doc.problems:
                        failing.append((doc.child_reference, doc.child_name,
                                        len(doc.problems)))
                        if final:  # never a DRAFT among the copies to circulate
                            if path.exists():
                                stale.append(path.name)
                            progress.advance(task)
                            continue
                    if fmt == "pdf" and plan_export.pdf_unshown(doc):
                        boxes.append(doc.child_reference)
                    if pool is None:
                        plan_export.write(doc, path, fmt)
                        progress.advance(task)
                    else:
                        job = pool.submit(plan_export.write, doc, path, fmt)
                        job.add_done_callback(lambda _: progress.advance(task))
                        pending.append(job)
                for job in pending:
                    job.result()
        finally:
            if pool is not None:
                pool.shutdown()
    from cintui.domain.text import counted, inert

    refs = ", ".join(ref for ref, _name, _n in failing[:10]) + (", …" if len(failing) > 10
                                                                 else "")
    if final:
        typer.echo(f"Wrote {counted(len(ids) - len(failing), 'final plan')} to {output}")
        if failing:
            named = ", ".join(f"{ref} {inert(name)} ({counted(n, 'check')})"
                              for ref, name, n in failing[:10])
            typer.echo(f"{counted(len(failing), 'plan')} not written: "
                       f"{'it fails' if len(failing) == 1 else 'they fail'} checks (cintui "
                       f"plan check CHILD; without --final, a DRAFT): {named}"
                       f"{', …' if len(failing) > 10 else ''}")
        if stale:  # written as DRAFTs by an earlier export into this folder
            typer.echo(f"Not to circulate: {output} still has the earlier DRAFT"
                       f"{'s' if len(stale) > 1 else ''} {', '.join(stale[:10])}"
                       f"{', …' if len(stale) > 10 else ''}")
    elif ids and ended:  # the ended plans are records: marked as ended, not DRAFT
        fails = _failing_words(failing, refs)
        named = ", ".join(ended[:10]) + (", …" if len(ended) > 10 else "")
        typer.echo(f"Wrote {counted(len(ids), 'plan')} to {output}: "
                   f"{len(ids) - len(ended)} marked DRAFT (--final for the copies to "
                   f"circulate{fails}), {len(ended)} marked as ended at their final meeting "
                   f"or closure: {named}")
    elif ids:
        fails = _failing_words(failing, refs)
        one = len(ids) == 1  # "each marked DRAFT (… the copies …; 1 fail checks)" of one
        typer.echo(f"Wrote {counted(len(ids), 'plan')} to {output}, "
                   f"{'marked' if one else 'each marked'} DRAFT (--final for the "
                   f"{'copy' if one else 'copies'} to circulate{fails})")
    else:
        typer.echo(f"Wrote no plans to {output}")
    if unwritten:
        named = ", ".join(f"{ref} {inert(name)}" for ref, name in unwritten[:10])
        typer.echo(f"{counted(len(unwritten), 'child', 'children')} on a CIN plan "
                   f"{'has' if len(unwritten) == 1 else 'have'} no plan written yet, so none "
                   f"exported: {named}{', …' if len(unwritten) > 10 else ''}")
    if boxes:
        typer.echo(f"{len(boxes)} PDF{'s' if len(boxes) > 1 else ''} show □ for characters "
                   f"the font does not have ({', '.join(boxes[:10])}"
                   f"{', …' if len(boxes) > 10 else ''}): their DOCX shows them "
                   "(--format docx).", err=True)


# ------------------------------------------------------------------ a draft to edit


@plan_app.command("draft")
def plan_draft(
    ctx: typer.Context, child: ChildArg,
    from_last: Annotated[bool, typer.Option(
        "--from-last", help="A re-referred child's new plan, started from the plan the last "
        "episode ended with: its needs, ratings and actions to review with the family "
        "(TRA), as L in the plan editor.")] = False,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """A draft of the child's plan to edit, as n in the plan editor (L with --from-last):
    the draft already begun, else a new version from the plan in force, else the episode's
    first plan. Nothing is written for a plan not started (`cintui plan start`, TRA), one
    ended at a final meeting or the closure (WIR 3), or a closed case (BEX 3)."""
    from cintui.casework import cases, plans
    from cintui.store import access

    now = _today(today)
    with _open(ctx, db) as store, store.session(actor := access.current_actor()) as session:
        record = cases.find_child(session, child)
        ref = record.reference
        last = plans.last_earlier_plan(session, record.id)
        if from_last and (refused := plans.from_last_refusal(session, record.id)):
            raise CliError(f"--from-last: {ref}: {refused}")
        begun = plans.draft_version_id(session, record.id)
        draft = plans.start_version(session, record.id, now, by=actor, from_last=from_last)
        version = plans.load_version(session, draft)
    if as_json:
        _echo_json({"reference": ref, "version": version.number, "status": version.status,
                    "begun_before": begun is not None,
                    "from_version": last.number if from_last and last else None,
                    "needs": len(version.needs)})
        return
    if begun is not None:
        what = "the draft already begun"
    elif last is not None:  # DOMAIN.md §7: the new episode's own plan
        what = ("this episode's plan, started from the last plan (v"
                f"{last.number}): its needs, ratings and actions to review with the family"
                if from_last else f"this episode's plan, new (the last plan, v{last.number}, "
                f"is in the history: cintui plan show {ref} --version {last.number})")
    else:
        what = ("the child's first plan" if version.number == 1
                else f"started from version {version.number - 1}")
    typer.echo(f"{ref} plan v{version.number} (draft): {what}; edit it in the plan editor "
               f"(p on the record), then agree it: {agree_hint(ref)}")


# ------------------------------------------------------------------ the plan's exit (BEX 3)


@plan_app.command("exit")
def plan_exit(
    ctx: typer.Context, child: ChildArg,
    bottom_lines: Annotated[str | None, typer.Option(
        "--bottom-lines", help="What is essential, not negotiable, and why (BEX 3).")] = None,
    if_not_met: Annotated[str | None, typer.Option(
        "--if-not-met", help="What will happen if the plan is not successful (BEX 3).")]
    = None,
    good_enough: Annotated[str | None, typer.Option(
        "--good-enough", help="What good enough looks like, so the plan can end (STO 6.3).")]
    = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The plan's exit, on its draft (started from the plan in force if there is none):
    the bottom lines, what happens if it is not successful, what good enough looks like.
    The draft is agreed as any other: `cintui plan agree CHILD` (g in the plan editor).
    Nothing is written for a plan not started (`cintui plan start`, TRA) or ended at a
    final meeting (WIR 3)."""
    from dataclasses import replace

    from cintui.casework import cases, plans
    from cintui.store import access

    given = {k: v for k, v in (("bottom_lines", bottom_lines), ("if_not_met", if_not_met),
                               ("good_enough", good_enough)) if v is not None}
    if not given:
        raise CliError("give --bottom-lines, --if-not-met or --good-enough")
    now = _today(today)
    with _open(ctx, db) as store, store.session(actor := access.current_actor()) as session:
        record = cases.find_child(session, child)
        draft = plans.draft_version_id(session, record.id)
        if draft is None:
            draft = plans.start_version(session, record.id, now, by=actor)
        version = plans.load_version(session, draft)
        saved = plans.save_draft(session, draft, replace(version, **{
            k: v.strip() for k, v in given.items()}), now, by=actor)
        ref = record.reference
    if as_json:
        _echo_json({"reference": ref, "version": saved.number, "status": saved.status,
                    "bottom_lines": saved.bottom_lines, "if_not_met": saved.if_not_met,
                    "good_enough": saved.good_enough})
        return
    typer.echo(f"{ref} plan v{saved.number} (draft): the plan's exit saved; for it to be the "
               f"plan in force, agree the draft: {agree_hint(ref)}")


# ------------------------------------------------------------------ agreeing a draft


@plan_app.command("agree")
def plan_agree(
    ctx: typer.Context, child: ChildArg,
    at: Annotated[str | None, typer.Option(
        "--at", help="The meeting it was agreed at: 'Review CIN meeting 23 Nov 2026' "
        "(default: the newest meeting held and minuted since the last plan agreed).")] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Or who agreed it, by name: 'Tom Reid, TM'.")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="The day it was agreed, YYYY-MM-DD (default: that meeting's, else "
        "today).")] = None,
    db: DbOption = None,
    request_id: RequestOption = None,
    as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """The draft becomes the plan in force, as g in the plan editor: agreed at a meeting
    (--at) or by a named person (--by), on a day; the version it replaces is superseded.
    A draft failing the plan checks can be agreed, and is said to: its exports carry a
    DRAFT mark until they are fixed."""
    from cintui.casework import cases, meetings, plans
    from cintui.store import access

    now = _today(today)
    day = _parse_date(on, "--on") if on is not None else None
    at, by = (at or "").strip(), (by or "").strip()
    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        record = cases.find_child(session, child)
        ref = record.reference
        versions = plans.versions(session, record.id)
        draft, number = next(((v.id, v.number) for v in versions if v.status == "draft"),
                             (None, 0))
        if draft is None:
            raise CliError(plans.ended(session, record.id) or _no_draft(
                versions, ref, cases.current_episode(session, record.id)))
        replaced = [v.number for v in versions if v.status == "agreed"]
        minuted = meetings.meeting_to_agree_at(session, record.id)
        if not (at or by):
            if minuted is None:
                raise CliError("say at which meeting (--at 'Review CIN meeting 23 Nov "
                               "2026') or by whom (--by NAME) the plan was agreed")
            at = minuted.label
        met = minuted if minuted is not None and at == minuted.label else None
        day = day or (met.held_on if met else now)
        plans.agree_version(session, draft, day, agreed_at=at, agreed_by=by,
                            meeting_id=met.id if met else None, today=now)
        problems = plans.plan_document(session, record.id, now, version_id=draft).problems
    if as_json:
        _echo_json({"reference": ref, "version": number, "status": "agreed",
                    "agreed_on": day.isoformat(), "agreed_at": at, "agreed_by": by,
                    "meeting": met.id.hex if met else None, "problems": list(problems)})
        return
    where = " and ".join(x for x in (f"at {at}" if at else "", f"by {by}" if by else "") if x)
    superseded = "".join(f"; v{n} is superseded" for n in replaced)
    typer.echo(f"{ref} plan v{number} agreed on {day_words(day)} {where}: the plan in "
               f"force{superseded}.")
    if problems:
        from cintui.domain.text import counted

        typer.echo(f"Warning: the plan checks found {counted(len(problems), 'problem')} "
                   f"(cintui plan check {ref} lists them): its exports carry a DRAFT mark "
                   "until they are fixed.", err=True)


def _no_draft(versions, ref: str, episode) -> str:
    """Why there is nothing to agree: no plan started, one started but not written, or the
    newest version agreed."""
    if not versions and episode is not None and episode.cin_plan_start:
        started = episode.cin_plan_start
        return (f"{ref}: the CIN plan started {day_words(started)} is not written "
                "yet, so there is no draft to agree: write it in the plan editor (p on the "
                f"record), or start its draft with cintui plan exit {ref} --good-enough TEXT")
    if not versions:
        return (f"{ref} has no plan yet: the manager's authorisation starts it (cintui plan "
                f"start {ref} --authorised-by MANAGER)")
    newest = versions[0]
    when = (f" on {day_words(newest.agreed_on)}" if newest.agreed_on
            else "")
    return (f"{ref}: no draft to agree: plan v{newest.number} was agreed{when}; a change to "
            f"it (cintui plan exit {ref} …, or the plan editor) starts the next version")
