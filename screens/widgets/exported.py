"""The notice after an export: what was written and, when its PDF prints a character as □
(a name in a script the bundled font lacks), which characters and that the DOCX has them."""

from __future__ import annotations


def say_written(screen, message: str, unshown: str) -> None:
    """`message`, with `unshown` (`plan.unshown`) said as a warning when there is any."""
    from cintui.export.plan import unshown_note

    note = unshown_note(unshown)
    screen.notify(message + (f"\n{note}" if note else ""), timeout=10,
                  severity="warning" if note else "information")


def tell_written(screen, message: str, unshown: str) -> None:
    """`say_written`, from the export's thread."""
    screen.app.call_from_thread(say_written, screen, message, unshown)
