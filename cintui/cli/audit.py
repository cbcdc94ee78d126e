"""cintui audit: check the audit trail."""

from __future__ import annotations

import typer

from cintui.cli.common import (
    DbOption,
    JsonOption,
    _echo_json,
    _open,
    app,
)

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

# ------------------------------------------------------------------ audit


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check the audit trail: its hash chain (the first broken link), then a replay of it
    against every table (each record changed, added or deleted outside cintui)."""
    from cintui.store import audit

    with _open(ctx, db) as store:
        report = audit.verify(store)
    if as_json:
        _echo_json({"ok": report.ok, "entries": report.entries,
                    "first_broken_seq": report.first_broken_seq, "problem": report.problem,
                    "unaudited": list(report.unaudited)})
    elif report.ok:
        typer.echo(f"Audit trail intact: {report.entries} entries."
                   + (f" {report.problem}" if report.problem else ""))
    elif report.unaudited:
        typer.echo(f"Audit trail chain intact ({report.entries} entries), but "
                   f"{report.problem}:")  # a team server's psql edits, or the replay's
        for line in report.unaudited:
            typer.echo(f"  {line}")
    else:
        typer.echo(f"Audit trail BROKEN at entry {report.first_broken_seq}: {report.problem}")
    if not report.ok:
        raise typer.Exit(1)
