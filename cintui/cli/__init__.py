"""The command line (Typer): one module per command group, shared options in `common`.

`main` builds the root app and wires every group; `cintui` with no subcommand starts the
TUI. Modules here may import `cintui.app`, `cintui.casework`, `cintui.export`,
`cintui.store`, `cintui.reference` and `cintui.domain`; nothing below imports them.
"""

from __future__ import annotations


def run(argv: list[str] | None = None) -> None:
    """`cintui ARGS`: the whole command line (imported on demand, so this module is light)."""
    from cintui.cli.main import run as run_main

    run_main(argv)
