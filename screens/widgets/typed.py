"""Keys typed in a quick burst, each to the box it was meant for.

Textual hands each key to the focused box, and a box handles its keys in turn, apart from
the others: Tab moves focus only once the box gets to it, so in a burst ("Leo Tab Ward", a
fast typist's, a text expander's or a password manager's) the keys after Tab landed in the
box before; and a Ctrl+S read the boxes before the keys ahead of it had reached them.
A screen's priority Tab moves focus when the key is read (`TAB_BINDINGS`), and a save
waits until no box has a key left (`wait_for_typing`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.screen import Screen

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


__all__ = ["TAB_BINDINGS", "TabMovesAtOnce", "wait_for_typing"]
