"""`cintui` and `python -m cintui`.

Opening the app is the common case and must paint fast, so a command line that only opens
it (`cintui`, `--db PATH`, `--as USER`, `--no-encrypt`) skips Typer (and Click) entirely;
anything else goes to the full CLI, which also handles errors in these options.
"""

from __future__ import annotations

import gc
import os
import sys

TUI_OPTIONS = ("--db", "--as")


def tui_arguments(argv: list[str]) -> dict | None:
    """The app's options if `argv` only opens the app, else None (the CLI decides)."""
    opts: dict = {"db": None, "as": None, "encrypt": True}
    args = iter(argv)
    for arg in args:
        if arg == "--no-encrypt":
            opts["encrypt"] = False
            continue
        name, eq, value = arg.partition("=")
        if name not in TUI_OPTIONS:
            return None
        if not eq:
            value = next(args, "")
        if not value or value.startswith("-"):
            return None
        opts[name[2:]] = value
    return opts


def main() -> None:
    opts = tui_arguments(sys.argv[1:])
    if opts is None:
        # What the command line loads (Typer, Click, the command modules: ~100,000 objects)
        # lives as long as the process: no collection while it loads, and none goes through
        # it again afterwards (frozen), the exit's included. Each had walked every object
        # made so far: ~10% of a read's CPU (`due --json`, `child list`).
        gc.disable()
        from cintui.cli.ahead import open_ahead

        open_ahead(sys.argv[1:])  # an encrypted store's key derived while Typer loads
        from cintui.cli.main import run

        gc.freeze()
        gc.enable()
        run()
        return
    os.umask(0o077)  # stores, backups and exports are the owner's alone (0600)
    from cintui.store import access

    try:
        location = access.locate(opts["db"])
    except access.AccessError as exc:  # a password in a --db URL: one line, as the CLI
        print(f"cintui: {exc}", file=sys.stderr)
        sys.exit(2)
    today = now = None
    if given := os.environ.get("CINTUI_TODAY", "").strip():  # as `--today` for a command
        from cintui.domain.dates import given_today

        try:
            today, now = given_today(given, "CINTUI_TODAY")
        except ValueError as exc:
            print(f"cintui: {exc}", file=sys.stderr)
            sys.exit(2)
    access.open_ahead(location)  # the unlock screen's reader, keyed while Textual loads
    from cintui.app import run_app

    run_app(location, encrypt=opts["encrypt"], worker=opts["as"], today=today, now=now)


if __name__ == "__main__":
    main()
