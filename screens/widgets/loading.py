"""Nothing looks dead: a list that takes longer than 150 ms to load shows Textual's loading
indicator over itself until its rows arrive (a quick load never flickers one)."""

from __future__ import annotations

from textual.timer import Timer
from textual.widget import Widget

AFTER_SECONDS = 0.15


class LoadingAfter:
    """`start()` when a load begins, `done()` when its rows are shown.

    A timer that has already fired when `done()` stops it still has its callback queued: it
    must not cover rows already shown (the indicator would stay, and the list take no keys,
    until the next load). `_waiting` says whether a load is still under way."""

    def __init__(self, widget: Widget, after: float = AFTER_SECONDS) -> None:
        self.widget, self.after = widget, after
        self._timer: Timer | None = None
        self._waiting = False

    def start(self) -> None:
        self._waiting = True
        if self._timer is None and not self.widget.loading:
            self._timer = self.widget.set_timer(self.after, self._show)

    def _show(self) -> None:
        self._timer = None
        if self._waiting:
            self.widget.loading = True

    def done(self) -> None:
        self._waiting = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.widget.loading = False


__all__ = ["AFTER_SECONDS", "LoadingAfter"]
