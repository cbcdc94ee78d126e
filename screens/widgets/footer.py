"""Textual's footer, redrawn only when what it shows changes.

Textual's `Footer` rebuilds all its keys whenever the screen's bindings may have changed,
which is on every move of the focus: about 50 ms of restyling a move on the minuting
screen, so a form felt slower the more fields it had. The keys shown, their words and
whether each is enabled are the same for most moves (the fields of a form have no keys of
their own in the footer); this footer rebuilds only when they differ.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """Under 100 columns (a laptop's 80) the keys sit closer (Textual's compact footer) and
    Help is shown as `?` alone (F1 still opens it, and the help lists both), so that a
    screen's main keys, Help and Ctrl+P fit."""

    NARROW = 100
    _shown: tuple | None = None
    _width = 0

    def on_resize(self) -> None:
        width = self.app.size.width
        if width != self._width:  # which keys fit changes with the width
            self._width = width
            self.compact = width < self.NARROW
            self.call_after_refresh(self.recompose)

    def compose(self):
        widgets = list(super().compose())
        for widget in widgets:
            if self.compact and getattr(widget, "action", None) == "help":  # a FooterKey
                widget.key_display = "?"
        yield from self._fitting(widgets)

    def _fitting(self, widgets: list) -> list:
        """The keys that fit the terminal's width: those that do not are left out from the
        last one before Help, so Help and Ctrl+P always show (Help lists every key). Keys
        past the edge were cut, or hidden under Ctrl+P, Help with them."""
        if not all(isinstance(w, FooterKey) for w in widgets):
            return widgets  # binding groups: Textual's own layout
        keys = [w for w in widgets if not w.has_class("-command-palette")]
        room = self.app.size.width - sum(self._cells(w) for w in widgets if w not in keys)
        while keys and sum(self._cells(w) for w in keys) > room:
            droppable = [w for w in keys if w.action != "help"]
            if not droppable:
                break
            keys.remove(droppable[-1])
        return [w for w in widgets if w in keys or w.has_class("-command-palette")]

    def _cells(self, key: FooterKey) -> int:
        """A key's width as Textual's FooterKey draws it (its CSS: padding, margin, the
        border left of Ctrl+P)."""
        words = cell_len(key.description)
        if key.has_class("-command-palette"):  # its border; in compact, its margin
            return cell_len(key.key_display) + (words + 1 if words else 0) + 2
        if self.compact:
            return cell_len(key.key_display) + (words + 1 if words else 0) + 1
        return cell_len(key.key_display) + 2 + (words + 1 if words else 0)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            shown = self._keys_shown()
            if shown == self._shown:
                return
            self._shown = shown
            self.call_after_refresh(self.recompose)

    def _keys_shown(self) -> tuple:
        """Everything `compose` draws from: each shown binding's key, its words, its group
        and whether it is enabled, in order."""
        return tuple(
            (binding.key, self.app.get_key_display(binding), binding.description,
             binding.action, enabled, tooltip,
             binding.group.description if binding.group else None)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show)
