"""cintui audit: check the audit trail."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    _echo_json,
    _open,
    app,
)
from cintui.domain.dates import day_words

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
        laptops = _laptop_chains(store)
    if as_json:
        _echo_json({"ok": report.ok and all(c.ok for c in laptops), "entries": report.entries,
                    "first_broken_seq": report.first_broken_seq, "problem": report.problem,
                    "unaudited": list(report.unaudited),
                    "laptops": [_chain_json(c) for c in laptops]})
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
    if not as_json:
        for chain in laptops:
            typer.echo(_chain_line(chain))
    if not report.ok or not all(c.ok for c in laptops):
        raise typer.Exit(1)


def _laptop_chains(store) -> list:
    """On a team server: each laptop's own chain as it arrived (store/sync.py)."""
    if getattr(store, "server", None) is None:
        return []
    from cintui.store import sync

    with store.engine.connect() as conn:
        return sync.verify_devices(conn)


def _when(moment) -> str:
    if not moment:
        return "-"
    local = moment.astimezone()
    return f"{day_words(local)} {local:%H:%M}"


def _chain_json(chain) -> dict:
    return {"device": chain.device, "login": chain.login, "label": chain.label,
            "entries": chain.entries, "ok": chain.ok, "problem": chain.problem,
            "first_recorded": chain.first_at.isoformat() if chain.first_at else None,
            "last_recorded": chain.last_at.isoformat() if chain.last_at else None,
            "last_arrived": chain.arrived_at.isoformat() if chain.arrived_at else None}


def _chain_line(chain) -> str:
    where = f"Laptop {chain.label or chain.device[:12]} ({chain.login})"
    if not chain.ok:
        return f"{where}: chain BROKEN: {chain.problem}"
    return (f"{where}: chain intact, {chain.entries} entries recorded {_when(chain.first_at)}"
            f" to {_when(chain.last_at)}, the last arrived {_when(chain.arrived_at)}.")


@audit_app.command("laptops")
def audit_laptops(
    ctx: typer.Context,
    device: Annotated[str | None, typer.Option(
        "--device", help="One laptop (its id's first characters, or its label).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="The newest N entries.")] = 50,
    everything: Annotated[bool, typer.Option(
        "--all", help="Also what the laptop's syncs wrote there (what they brought down, "
        "their bookkeeping) and its typing drafts (never sent).")] = False,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """On a team server (its audit role or owner): who recorded what on which laptop, when,
    and when it arrived, newest first."""
    from cintui.store import sync

    with _open(ctx, db) as store:
        if getattr(store, "server", None) is None:
            raise CliError("laptops sync with a team server: run this there (--db URL)")
        with store.engine.connect() as conn:
            rows = sync.laptop_entries(conn, device=device, limit=limit, everything=everything)
    shown = [{"laptop": r.label, "device": r.device, "seq": r.seq, "who": r.actor,
              "action": r.action, "record": r.entity, "record_id": r.entity_id,
              "recorded": r.at.isoformat(), "arrived": r.arrived_at.isoformat()}
             for r in rows]
    if as_json:
        _echo_json(shown)
        return
    if not shown:
        typer.echo("No laptop entries on this server.")
    for r, row in zip(shown, rows, strict=True):
        typer.echo(f"{_when(row.at)}  {r['who']}  {r['action']} {r['record']} "
                   f"{r['record_id'][:8]}  on {r['laptop'] or r['device'][:12]} "
                   f"(#{r['seq']}), arrived {_when(row.arrived_at)}")
