"""Ctrl+E: write the long text box you are in with your own editor ($VISUAL, $EDITOR, vi).

The app suspends, the editor opens on the box's text, and when it closes the text comes
back into the box, which saves it as any change does (a visit's or the minutes' draft a
second later). The screen's draft is saved before the editor opens, so nothing typed in
the app is lost while you are away. The text goes through a 0600 file in a 0700 folder
under cintui's data folder (`editing/`), never /tmp, removed once read back: if the
machine dies mid-edit, what the editor had saved is still there. The app calls this after
the next refresh, so keys already sent to the box (typed fast, then Ctrl+E) are in it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import uuid

from textual.app import App, SuspendNotSupported
from textual.widgets import TextArea

from cintui.export.files import write_private
from cintui.reference import config


def editor_command() -> list[str]:
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def edit_in_editor(app: App) -> None:
    area = app.focused
    if not isinstance(area, TextArea) or area.read_only:
        app.notify("Ctrl+E opens a long text box in your own editor: move into one first")
        return
    save_now = getattr(app.screen, "save_draft_now", None)
    if save_now is not None:
        save_now()
    folder = config.data_dir(create=True) / "editing"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = write_private(folder / f"{uuid.uuid4().hex}.txt", area.text.encode())
    command = [*editor_command(), str(path)]
    try:
        try:
            with app.suspend():
                code = subprocess.run(command).returncode
        except SuspendNotSupported:  # no terminal to hand over (headless, tests)
            code = subprocess.run(command, stdin=subprocess.DEVNULL,
                                  capture_output=True).returncode
    except OSError as exc:
        app.notify(f"Could not start your editor ({shlex.join(command[:-1])}): {exc}. "
                   "Set EDITOR, e.g. EDITOR=nano", severity="error", timeout=10)
        path.unlink(missing_ok=True)
        return
    text = path.read_text()
    if code != 0:
        app.notify(f"Your editor ended with an error ({code}): the box is as it was; what "
                   f"it saved is kept in {path}", severity="warning", timeout=10)
        return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    if text.endswith("\n") and not area.text.endswith("\n"):
        text = text[:-1]  # editors end the file with a newline; the box did not have one
    if text != area.text:
        area.load_text(text)
        area.move_cursor(area.document.end)


__all__ = ["edit_in_editor", "editor_command"]
