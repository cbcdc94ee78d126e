"""cintui policy: the policy profiles (list, show) and the store's choice (use)."""

from __future__ import annotations

import typer

from cintui.cli.common import (
    DbOption,
    JsonOption,
    RequestOption,
    _console,
    _echo_json,
    _open,
    access,
    app,
)

policy_app = typer.Typer(help="Policy profiles: each authority's timescales.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

# ------------------------------------------------------------------ policy


@policy_app.command("list")
def policy_list(as_json: JsonOption = False) -> None:
    """The policy profiles available (shipped and your own)."""
    from cintui.reference import policies

    profiles = policies.list_policies()
    if as_json:
        _echo_json([{"name": p.name, "title": p.title, "authority": p.authority,
                     "origin": str(p.origin)} for p in profiles])
        return
    from cintui.cli.table import Column, print_table
    from cintui.reference.shipped import shipped

    # A shipped profile says so; a path is worth its width only for your own profiles.
    ours = str(shipped("policies"))
    print_table(_console(), (Column("name", no_wrap=True), Column("authority"), Column("title"),
                             Column("from")),
                [(p.name, p.authority, p.title,
                  "shipped" if str(p.origin).startswith(ours) else str(p.origin))
                 for p in profiles])


@policy_app.command("show")
def policy_show(name: str, as_json: JsonOption = False) -> None:
    """Every timescale in one profile, with the rule it comes from."""
    from cintui.reference import policies

    profile = policies.load_policy(name)
    rows = [(key, ts.describe(), ts.anchor or "", ts.source)
            for key, ts in profile.timescales.items()]
    if as_json:
        from cintui.domain.records import asdict

        _echo_json({
            "name": profile.name, "title": profile.title, "authority": profile.authority,
            "levels": list(profile.levels), "due_soon_working_days": profile.due_soon_working_days,
            "timescales": {k: {"amount": ts.amount, "unit": ts.unit, "source": ts.source,
                               "from": ts.anchor} for k, ts in profile.timescales.items()},
            "visits": asdict(profile.visits),
            "privacy": asdict(profile.privacy),
            "meetings": asdict(profile.meetings),
            "sync": asdict(profile.sync),
        })
        return
    from cintui.cli.table import Column, print_table

    print_table(_console(), (Column("timescale", no_wrap=True), Column("limit"), Column("from"),
                             Column("source")), rows,
                title=((f"{profile.title} ({profile.name})", ""),))
    if profile.levels:
        _console().print("Levels of need: " + " → ".join(profile.levels))
    v = profile.visits
    _console().print(
        f"Visits restart the visit clock when the child was {v.describe()} (WIR 2.11); "
        f"unborn children and those under {v.seen_alone_from_age} need only be seen.")
    from cintui.domain import retention

    p = profile.privacy
    _console().print(
        f"The app locks after {p.lock_after_idle_minutes} minutes without use; closed records "
        f"are kept {retention.describe(p)} ({p.retention_source}).", highlight=False)

    from cintui.domain.roles import role_label

    mr = profile.meetings
    _console().print(
        f"Initial meetings chaired by: {', '.join(role_label(r) for r in mr.initial_chairs)} "
        f"({mr.initial_source}); reviews by: "
        f"{', '.join(role_label(r) for r in mr.review_chairs)} ({mr.review_source}). A parent "
        f"absent from a review is visited for agreement within "
        f"{mr.agreement_visit_working_days} working days ({mr.agreement_visit_source}).",
        highlight=False)
    sr = profile.sync
    _console().print(
        f"A laptop not synced with the team server for {sr.overdue_after_working_days} "
        f"working days says so in the app's header ({sr.overdue_source}).", highlight=False)


@policy_app.command("use")
def policy_use(ctx: typer.Context, name: str, db: DbOption = None,
               request_id: RequestOption = None) -> None:
    """Set the policy profile the store works to."""
    from cintui.casework import cases

    with _open(ctx, db) as store, store.session(access.current_actor()) as session:
        profile = cases.set_store_policy(session, name)
    typer.echo(f"The store now follows {profile.title} ({profile.name}).")
