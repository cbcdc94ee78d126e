"""Textual's footer, redrawn only when what it shows changes.

Textual's `Footer` rebuilds all its keys whenever the screen's bindings may have changed,
which is on every move of the focus: about 50 ms of restyling a move on the minuting
screen, so a form felt slower the more fields it had. The keys shown, their words and
whether each is enabled are the same for most moves (the fields of a form have no keys of
their own in the footer); this footer rebuilds only when they differ.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Under 100 columns (a laptop's 80) the keys sit closer (Textual's compact footer) and
    Help is shown as `?` alone (F1 still opens it, and the help lists both), so that a
    screen's main keys, Help and Ctrl+P fit."""

    NARROW = 100
    _shown: tuple | None = None

    def on_resize(self) -> None:
        narrow = self.app.size.width < self.NARROW
        if narrow != self.compact:
            self.compact = narrow
            self.call_after_refresh(self.recompose)

    def compose(self):
        for widget in super().compose():
            if self.compact and getattr(widget, "action", None) == "help":  # a FooterKey
                widget.key_display = "?"
            yield widget

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
