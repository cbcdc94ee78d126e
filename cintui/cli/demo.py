"""cintui demo: a store full of synthetic children to try cintui on."""

from __future__ import annotations

from typing import Annotated

import typer

from cintui.cli.common import (
    CliError,
    DbOption,
    TodayOption,
    _location,
    _passphrase_for_create,
    _today,
    access,
    app,
    plain_asked,
)

# ------------------------------------------------------------------ demo


@app.command()
def demo(
    ctx: typer.Context,
    children: Annotated[int, typer.Option(
        "--children", min=1, max=100_000, help="How many synthetic children.")] = 120,
    seed: Annotated[int, typer.Option(
        "--seed", help="A number: the same seed makes the same demo.")] = 1,
    db: DbOption = None,
    no_encrypt: Annotated[bool, typer.Option("--no-encrypt", help="Write a plain store.")] = False,
    policy: Annotated[str, typer.Option(
        "--policy", help="Policy profile (`cintui policy list`).")] = "england",
    today: TodayOption = None,
) -> None:
    """Create a store full of synthetic children, workers and histories."""
    from time import perf_counter

    from cintui import demo as demo_mod
    from cintui.reference import policies

    policies.load_policy(policy)
    loc = _location(ctx, db)
    if loc.path is not None and loc.path.exists():
        raise CliError(f"{loc.path} already exists; demo data is only written to a new store")
    if loc.url is not None and access.url_holds_store(loc.url):
        raise CliError(f"a store already exists at {loc.describe()}; demo data is only written "
                       "to a new store")
    no_encrypt = plain_asked(ctx, no_encrypt)
    passphrase = None if no_encrypt else _passphrase_for_create(loc)
    started = perf_counter()
    day = _today(today)
    # On a file, the rows are made in another process while this one creates the store.
    feed = demo_mod.start_feed(children, seed, day, policy) if loc.path is not None else None
    try:
        store = access.create_location(loc, passphrase, encrypt=not no_encrypt, synthetic=True)
        try:
            counts = demo_mod.generate(store, children=children, seed=seed, today=day,
                                       policy=policy, feed=feed)
        finally:
            store.close()
    except BaseException as exc:
        if feed is not None:
            feed.close()  # the other process is gone before its file is removed
        if loc.path is not None:  # a demo only ever goes into a new file: none is left half made
            for leftover in (loc.path, *(loc.path.with_name(loc.path.name + end)
                                         for end in ("-journal", "-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        if isinstance(exc, demo_mod.DemoFailed):
            raise CliError(f"the demo was not written: {exc}") from None
        raise
    finally:
        if feed is not None:
            feed.close()
    seconds = perf_counter() - started
    typer.echo(f"Demo store at {loc.describe()}: {counts.everyone} children "
               f"({counts.everyone - counts.closed} open cases, {counts.closed} closed), "
               f"{counts.workers} "
               f"workers in {counts.teams} teams ({seconds:.1f} s).", err=True)
