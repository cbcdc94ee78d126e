"""A box for who (an action's owner, a person giving a score): the names on the child's
record suggested as a name is typed, and what the box shows is what is saved.

Textual's `Input` shows a suggester's completion greyed after the letters typed ("kate"
showing "kate Marsh") and only Right takes it: Tab, Enter or Ctrl+S saved "kate", the name
the worker had seen finished on screen left half typed on the record. Here leaving the box
by Tab, Shift+Tab or Enter, or saving the form, takes the name shown; Delete at the end
drops it, keeping what was typed (an agency or a role that begins like a name); a line
under the box says both while a name is shown. The suggestion is worked out as each letter
is handled, not by a worker later (Textual's `Suggester`), so that what Tab takes in a fast
burst ("kate" Tab) is the name that box would show for those letters.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.events import Blur, Focus
from textual.message import Message
from textual.widgets import Input


def suggested_name(typed: str, names: Iterable[str]) -> str | None:
    """The name suggested for what is typed, case aside: one typed in full is itself (so
    "Mum" is never "Mum's partner"), else the first that begins with it; None for none."""
    folded = typed.casefold()
    if not folded:
        return None
    names = list(names)
    return next((n for n in names if n.casefold() == folded),
                next((n for n in names if n.casefold().startswith(folded)), None))


class NameBox(Input):
    """A one-line box that suggests `names` as typed; Tab takes the name shown."""

    class Suggested(Message):
        """The name the box shows for what is typed changed (`suggestion` None: none)."""

        def __init__(self, box: NameBox, suggestion: str | None, typed: str) -> None:
            super().__init__()
            self.box, self.suggestion, self.typed = box, suggestion, typed

        @property
        def control(self) -> NameBox:
            return self.box

    def __init__(self, value: str = "", *, names: Iterable[str] = (), **kwargs) -> None:
        self.names = list(names)
        self._kept: str | None = None  # the letters Delete kept as typed (no name shown)
        super().__init__(value, **kwargs)

    def watch_value(self, value: str) -> None:
        """After Textual's own watcher (which empties the suggestion): the name for these
        letters, at once."""
        name = suggested_name(value, self.names) if value != self._kept else None
        self._suggestion = name if name and len(name) > len(value) else ""
        self._say()

    def _on_focus(self, event: Focus) -> None:
        super()._on_focus(event)  # Textual shows no suggestion until a letter is typed
        self._say()

    def _on_blur(self, event: Blur) -> None:
        super()._on_blur(event)
        self._say()

    def _say(self) -> None:
        shown = self._suggestion if self.has_focus else ""
        self.post_message(self.Suggested(self, shown or None, self.value))

    @property
    def shown(self) -> str | None:
        """The name the box shows after the letters typed, if any."""
        return self._suggestion or None

    def take_suggestion(self) -> None:
        """The name shown becomes the box's value (leaving the box, saving the form)."""
        if self._suggestion:
            self.value = self._suggestion
            self.cursor_position = len(self.value)

    def action_delete_right(self) -> None:
        """Delete at the end, with a name shown: the name goes and the letters stay (an
        agency or a role that begins like a name); anywhere else Delete deletes."""
        if self.cursor_at_end and self._suggestion:
            self._kept = self.value
            self._suggestion = ""
            self._say()
            return
        super().action_delete_right()


def take_suggestion_on_leaving(box: object) -> None:
    """Tab, Shift+Tab or Enter leaving `box`: a name it shows is taken, once the letters
    typed ahead of the key have reached it (in order with them: `typed.py`)."""
    if isinstance(box, NameBox):
        box.call_later(box.take_suggestion)


__all__ = ["NameBox", "suggested_name", "take_suggestion_on_leaving"]
