"""`cintui export cin-status`: the children subject to a CIN plan, with the minimum partners
need to know their CIN status (STO 4.5: "all agencies are aware of the CIN status", police
NICHE flags; WAR 4.3), as CSV or JSON. Every export is recorded in the audit trail: who
exported which children, for whom and why."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    RequestOption,
    TodayOption,
    _check_folder,
    _check_format,
    _open,
    _today,
    export_app,
)
from cintui.store import access


@export_app.command("cin-status")
def export_cin_status(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write (0600).")],
    recipient: Annotated[str, typer.Option(
        "--for", help="Who it is for: the agency (e.g. 'Cleveland Police, NICHE flags').")]
    = "",
    purpose: Annotated[str, typer.Option(
        "--purpose", help="Why it is shared (STO 4.5).")] = "",
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="csv or json (default: csv, or what -o's name says).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="One team (default: all).")]
    = None,
    db: DbOption = None, request_id: RequestOption = None, today: TodayOption = None,
) -> None:
    """Children subject to a CIN plan: reference, name, date of birth, address where held,
    worker, team and the plan's start date; nothing else. Recorded in the audit trail."""
    from cintui.casework import partners
    from cintui.export.files import write_private

    fmt = _check_format(fmt, partners.FORMATS, output, default="csv")
    output = _check_folder(output)
    now = _today(today)
    with _open(ctx, db) as store, store.session(actor := access.current_actor()) as session:
        children = partners.cin_status(session, team=team)
        try:
            partners.record_disclosure(session, children, recipient=recipient,
                                       purpose=purpose, by=actor, on=now, team=team,
                                       file=output.name)
        except partners.PartnersError as exc:
            raise CliError.of(exc) from None
        # Written inside the transaction: a file that cannot be written records nothing.
        write_private(output, partners.render(children, fmt, produced=now,
                                              recipient=recipient.strip()).encode("utf-8"))
    typer.echo(f"Wrote the CIN status of {len(children)} children for {recipient.strip()} "
               f"to {output} (recorded in the audit trail).")
