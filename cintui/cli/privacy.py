"""Keeping the data safe (issue 24): `cintui export subject-access` (everything held about a
child and their family members, UK GDPR Art. 15) and `cintui retention due/erase/erased`
(storage limitation, UK GDPR Art. 5(1)(e): closed records past the policy's retention,
erased on a manager's decision with the decision kept). Bad input: one line, exit 2,
nothing written."""

from __future__ import annotations

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
    _echo_json,
    _now,
    _open,
    _today,
    app,
    export_app,
)
from cintui.domain.dates import day_words
from cintui.store import access

retention_app = typer.Typer(help="Retention: closed records due for review, erased by a "
                                 "manager (UK GDPR storage limitation).", no_args_is_help=True)
app.add_typer(retention_app, name="retention")


def _said(exc) -> CliError:
    field = getattr(exc, "field", "")
    problem = getattr(exc, "problem", str(exc))
    return CliError(f"--{field}: {problem}" if field else problem)


@export_app.command("subject-access")
def export_subject_access(
    ctx: typer.Context, child: ChildArg,
    requested_by: Annotated[str, typer.Option(
        "--requested-by", help="Who asked: the child, a parent, their representative.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Folder to write the PDF and JSON into (default: here).",
        file_okay=False)] = Path("."),
    db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Everything held about a child and their family members (records, history, audit
    entries) as a readable PDF and a JSON; who asked and when is recorded and audited."""
    from cintui.casework import cases, privacy
    from cintui.export import subject_access

    if not output.is_dir():
        raise CliError(f"no such folder: {output}")
    now = _now(today)
    with _open(ctx, db) as store, store.session(actor := access.current_actor()) as session:
        try:
            record = cases.find_child(session, child)
            doc = privacy.subject_access(session, record.id, requested_by=requested_by,
                                         by=actor, on=now.date(), now=now,
                                         file=f"subject-access-{record.reference}")
        except cases.CaseworkError as exc:
            raise _said(exc) from None
        try:  # inside the transaction: files that cannot be written record nothing
            written = subject_access.write(doc, output)
        except OSError as exc:
            raise CliError(f"cannot write to {output}: {exc.strerror or exc}") from None
    records = sum(len(rows) for rows in doc.records.values())
    if as_json:
        _echo_json({"reference": doc.reference, "files": [str(p) for p in written],
                    "records": records, "history": len(doc.history),
                    "requested_by": doc.requested_by})
        return
    typer.echo(f"{doc.reference}: {records} records and {len(doc.history)} audit entries "
               f"written to {written[0]} and {written[1].name} (requested by "
               f"{doc.requested_by}; recorded in the audit trail).")


def _fact_json(f) -> dict:
    return {"reference": f.reference, "child": f.name, "worker": f.worker,
            "born": f.born.isoformat() if f.born else None,
            "closed_on": f.closed_on.isoformat() if f.closed_on else None,
            "keep_until": f.keep_until.isoformat() if f.keep_until else None}


@retention_app.command("due")
def retention_due(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Every closed record with the day its retention ends.")] = False,
    db: DbOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Closed records whose retention has ended: for a manager's review (erase or keep)."""
    from cintui.casework import privacy

    now = _today(today)
    with _open(ctx, db) as store, store.read() as session:
        facts = privacy.retention(session, now, due_only=not show_all)
        rule, source = privacy.retention_rule(session)
    if as_json:
        _echo_json({"rule": rule, "source": source, "today": now.isoformat(),
                    "records": [{**_fact_json(f), "due": f.due(now)} for f in facts]})
        return
    typer.echo(f"Closed records are kept {rule} ({source}).")
    if not facts:
        typer.echo("No closed record is past its retention." if not show_all
                   else "No closed records.")
        return
    for f in facts:
        until = f"{day_words(f.keep_until)}" if f.keep_until else "no closure date"
        closed = f"{day_words(f.closed_on)}" if f.closed_on else "?"
        mark = "DUE  " if f.due(now) else "     "
        typer.echo(f"{mark}{f.reference}  {f.name}  closed {closed}, kept until {until}"
                   + (f"  ({f.worker})" if f.worker else ""))


@retention_app.command("erase")
def retention_erase(
    ctx: typer.Context, child: ChildArg,
    reason: Annotated[str, typer.Option(
        "--reason", help="Why: the decision kept with the erasure (name no one).")] = "",
    db: DbOption = None,
    request_id: RequestOption = None, as_json: JsonOption = False, today: TodayOption = None,
) -> None:
    """Erase a closed record past its retention (a team or service manager only): every
    record of the child, their people unless another child's record holds them, and the
    values in the audit entries about them. The decision (case reference, when, who, why)
    is kept."""
    from cintui.casework import cases, privacy

    now = _today(today)
    with _open(ctx, db) as store, store.session(actor := access.current_actor()) as session:
        try:
            record = cases.find_child(session, child)
            done = privacy.erase(session, record.id, reason=reason, actor=actor, today=now)
        except cases.CaseworkError as exc:
            raise _said(exc) from None
    if as_json:
        _echo_json({"reference": done.reference, "erased": True, "records": done.records,
                    "audit_entries_blanked": done.entries, "people_kept": list(done.kept)})
        return
    kept = (f"; kept (on another child's record): {', '.join(done.kept)}" if done.kept
            else "")
    typer.echo(f"{done.reference}: erased {done.records} records and the values of "
               f"{done.entries} audit entries; the decision is kept{kept}.")


@retention_app.command("erased")
def retention_erased(ctx: typer.Context, db: DbOption = None,
                     as_json: JsonOption = False) -> None:
    """The erasure decisions kept: which case reference, when, by whom, why."""
    from cintui.casework import privacy

    with _open(ctx, db) as store, store.read() as session:
        rows = privacy.erasures(session)
        shown = [{"reference": e.reference, "erased_on": e.erased_on.isoformat(),
                  "erased_by": e.erased_by, "role": e.erased_by_role, "reason": e.reason,
                  "records": e.records} for e in rows]
    if as_json:
        _echo_json(shown)
        return
    if not shown:
        typer.echo("No record has been erased.")
    for e in shown:
        typer.echo(f"{e['reference']}  erased {e['erased_on']} by {e['erased_by']}: "
                   f"{e['reason']} ({e['records']} records)")
