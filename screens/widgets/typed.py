"""Keys typed in a quick burst, each to the box it was meant for.

Textual hands each key to the focused box, and a box handles its keys in turn, apart from
the others: Tab moves focus only once the box gets to it, so in a burst ("Leo Tab Ward", a
fast typist's, a text expander's or a password manager's) the keys after Tab landed in the
box before; and a Ctrl+S read the boxes before the keys ahead of it had reached them.
A screen's priority Tab moves focus when the key is read (`TAB_BINDINGS`), and a save
waits until no box has a key left (`wait_for_typing`).

The keys after a command that asks a question ("Ctrl+F y": finalise, yes) reached the box
too, and the "y" was typed into the last heading while the question waited for it. A
`HoldingTextArea` holds back the keys read after the command (`keys_after`), and the
question presses them once it is shown (`ConfirmScreen(typed_ahead=…)`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import TextArea

TAB_BINDINGS = [
    Binding("tab", "next_box(1)", "Next box", show=False, priority=True),
    Binding("shift+tab", "next_box(-1)", "Previous box", show=False, priority=True),
]


class TabMovesAtOnce:
    """For a screen with `TAB_BINDINGS`: Tab to the next box (or to `tab_target()`)."""

    def action_next_box(self, step: int) -> None:
        target = self.tab_target() if step > 0 else None
        if target is not None:
            self.set_focus(target)
        elif step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def tab_target(self):
        """Where Tab goes instead of the next box, if a field says (None: the next)."""
        return None


def wait_for_typing(screen: Screen, again: Callable[[], object]) -> bool:
    """Whether `screen` must not act yet: it is no longer in front (closed in the same
    burst), or a box of it still has keys to handle (`again` is then called once it has).
    The caller returns when this is true."""
    if not screen.is_active:
        return True
    waiting = next((w for w in screen.query("Input, TextArea, Select") if w.message_queue_size),
                   None)
    if waiting is None:
        return False
    waiting.call_later(again)
    return True


class HoldKeys(Message, bubble=False):
    """To a text box, behind the keys typed before a command: hold back the keys after it."""


class HoldingTextArea(TextArea):
    """A TextArea that can hold back the keys read after a command (`keys_after`)."""

    held: list[events.Key] | None = None

    def on_hold_keys(self, _message: HoldKeys) -> None:
        self.held = []

    async def _on_key(self, event: events.Key) -> None:
        if self.held is not None:  # TextArea's own handler (typing) is not called then
            self.held.append(event)
            event.stop()
            event.prevent_default()


def keys_after(screen: Screen, again: Callable[[], object]) -> list[events.Key] | None:
    """For a command key that asks a question (Ctrl+F): None while the screen must not act
    yet (`wait_for_typing`: `again` is called once the keys typed before the command are in
    their boxes); then the keys typed after it, held back from the focused box, for the
    question to take (`ConfirmScreen(typed_ahead=…)`)."""
    box = getattr(screen, "_holding_box", None)
    if box is None and screen.is_active and isinstance(screen.focused, HoldingTextArea):
        box = screen._holding_box = screen.focused  # type: ignore[attr-defined]
        box.post_message(HoldKeys())  # queued behind the keys typed before the command
    if wait_for_typing(screen, again):
        return None
    screen._holding_box = None  # type: ignore[attr-defined]
    if box is None:
        return []
    held, box.held = box.held or [], None
    return held


def press(screen: Screen, keys: list[events.Key]) -> None:
    """Press `keys` again, as typed, now that `screen` is in front (they go where a key
    pressed now goes)."""
    app = screen.app
    for key in keys:  # sent by the app, as a key read from the terminal (else it would stop
        # bubbling at its sender, short of the app, which runs the screen's key bindings)
        app.post_message(events.Key(key.key, key.character).set_sender(app))


__all__ = ["TAB_BINDINGS", "HoldKeys", "HoldingTextArea", "TabMovesAtOnce", "keys_after", "press",
           "wait_for_typing"]
