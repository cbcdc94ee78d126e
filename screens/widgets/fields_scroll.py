"""A scrolling column of boxes to type in that is never a stop for Tab itself."""

from __future__ import annotations

from textual.containers import VerticalScroll


class FieldsScroll(VerticalScroll, can_focus=False):
    """A form's column of boxes, scrolled to whichever box has the focus. Tab and Shift+Tab
    go from box to box: a focusable scroll (Textual's default) was a stop of its own
    between them, and the words typed there went nowhere (the visit's "Someone else" box,
    Tab, "Leo said…": lost). Its keys still scroll it (PgUp, PgDn), from any box inside."""
