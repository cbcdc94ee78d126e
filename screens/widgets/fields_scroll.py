"""A scrolling column of boxes to type in that is never a stop for Tab itself."""

from __future__ import annotations

from textual import events
from textual.containers import VerticalScroll


class FieldsScroll(VerticalScroll, can_focus=False):
    """A form's column of boxes, scrolled to whichever box has the focus. Tab and Shift+Tab
    go from box to box: a focusable scroll (Textual's default) was a stop of its own
    between them, and the words typed there went nowhere (the visit's "Someone else" box,
    Tab, "Leo said…": lost). Its keys still scroll it (PgUp, PgDn), from any box inside."""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Textual scrolls to a box only when it is off the screen; one under a block docked
        # inside (a form's title, its foot with Save) counts as on it, and at 80x24 Tab
        # went on under the foot unseen. Scrolled clear of them here (`dock_gutter`).
        self.call_after_refresh(self.keep_in_view, event.widget)

    def keep_in_view(self, box) -> None:
        if box.is_attached and box.has_focus:
            box.scroll_visible(animate=False, immediate=True)
