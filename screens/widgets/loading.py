"""Nothing looks dead: a list that takes longer than 150 ms to load shows Textual's loading
indicator over itself until its rows arrive (a quick load never flickers one)."""

from __future__ import annotations

from textual.timer import Timer
from textual.widget import Widget

AFTER_SECONDS = 0.15


class LoadingAfter:
    """`start()` when a load begins, `done()` when its rows are shown."""

    def __init__(self, widget: Widget, after: float = AFTER_SECONDS) -> None:
        self.widget, self.after = widget, after
        self._timer: Timer | None = None

    def start(self) -> None:
        if self._timer is None and not self.widget.loading:
            self._timer = self.widget.set_timer(self.after, self._show)

    def _show(self) -> None:
        self._timer = None
        self.widget.loading = True

    def done(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.widget.loading = False


__all__ = ["AFTER_SECONDS", "LoadingAfter"]
