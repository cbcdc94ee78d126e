"""Notices (Textual's toasts) on the screens where a worker types: a form, the addendum,
the visit form, live minuting. A notice there is compact (no padding, three quarters of the
screen wide), at most `NOTICE_LINES` lines high, and goes where the box typed in is not.

Textual draws every line of a notice: a long one (a warning that names a clash and what to
do about it, six lines at 80x24) reached from the top of the screen down the form's head
towards its first box, and at the bottom right (the addendum, minuting) it sat over the box
and Save. Here a longer one shows its first lines, the last ending in "…", and keeps its
whole text in its tooltip; it is the same notification (the same identity), so it goes
when the full one would, and the full one shows on a screen with room for it."""

from __future__ import annotations

from dataclasses import replace

from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets._toast import Toast, ToastHolder, ToastRack

NOTICE_LINES = 3  # at 80x24 the form's first box is on the fourth line


def notices_css(screen: str, *, top: str = "") -> str:
    """The CSS for a screen's notices: `top` is the class that puts them over the top of
    the screen ("" for always: a form's Save is at its foot)."""
    return f"""
    {screen} Toast {{ margin: 0; padding: 0 1; max-width: 75%; max-height: {NOTICE_LINES}; }}
    {screen}{top} ToastRack {{ dock: top; align: right top; margin: 0; }}
    """


def cut_to(text: Content, width: int, lines: int) -> Content | None:
    """`text` in at most `lines` lines of `width`, the last ending in "…"; None if it fits."""
    wrapped = text.wrap(width)
    if len(wrapped) <= lines:
        return None
    kept = [line.rstrip() for line in wrapped[:lines]]
    kept[-1] = (kept[-1] + "…").truncate(width, ellipsis=True)
    return Content("\n").join(kept)


class CompactNotices:
    """Mixed into a Screen: its notices kept to `NOTICE_LINES` lines (see the module).

    With `NOTICES_FOLLOW_CURSOR`, notices go over the top of the screen while the cursor is
    low on it (`notices_on_top`) and at the bottom right otherwise: the screen's CSS gives
    `-notices-top` (`notices_css(..., top=".-notices-top")`)."""

    NOTICES_FOLLOW_CURSOR = False

    def on_mount(self) -> None:
        self.screen_layout_refresh_signal.subscribe(self, self._fit_notices)

    def _fit_notices(self, _screen=None) -> None:
        try:  # after each layout of the screen: only the notices' own rack is looked in
            rack = self.get_child_by_type(ToastRack)
        except NoMatches:
            return  # notifications off
        for holder in rack.query_children(ToastHolder):
            if not holder.children:  # its notice cleared (Textual leaves it, a line high)
                holder.remove()
        room = NOTICE_LINES
        for toast in reversed(rack.query(Toast).nodes):  # the newest first
            # One width for all (a waiting one, not drawn, has none of its own).
            self._notice_width = toast.content_region.width or getattr(
                self, "_notice_width", 0)
            if not self._notice_width:
                continue  # not laid out yet
            if not toast.has_class("-fitted"):
                toast = self._fit(toast, self._notice_width)
            lines = len(toast.render().wrap(self._notice_width))
            # Two notices or more up at once are NOTICE_LINES high together: the newest,
            # then the older ones while there is room; the others wait, still up, until
            # they go (two of three lines, one over the other, covered a form's first boxes).
            shown = lines <= room
            holder = toast.parent
            if holder is not None and holder.display != shown:
                holder.display = shown
            room = room - lines if shown else 0

    def _fit(self, toast: Toast, width: int) -> Toast:
        """`toast` cut to NOTICE_LINES (a Toast of the cut text in its place), or as it is."""
        toast.add_class("-fitted")
        shown = toast._notification  # Textual keeps it there; no public way to it
        title = 1 if shown.title else 0
        cut = cut_to(Content(shown.message), width, NOTICE_LINES - title)
        if cut is None:
            return toast
        short = Toast(replace(shown, message=cut.plain, markup=False))
        short.add_class("-fitted")
        short.tooltip = shown.message  # the whole of it, under the mouse
        toast.parent.mount(short, before=toast)
        toast.remove()
        return short

    # ------------------------------------------------------------ following the cursor

    def on_descendant_focus(self, _event) -> None:
        if self.NOTICES_FOLLOW_CURSOR:
            self.call_after_refresh(self._place_notices)  # once scrolled to the box

    def on_text_area_changed(self, _event) -> None:
        if self.NOTICES_FOLLOW_CURSOR:
            self.call_after_refresh(self._place_notices)  # the cursor moves as words wrap

    def notices_on_top(self, cursor_row: int) -> bool:
        """Over the top while the cursor is under the lines a notice there takes."""
        return cursor_row >= NOTICE_LINES

    def _place_notices(self) -> None:
        focused = self.focused
        if focused is None or not self.is_attached:
            return
        where = getattr(focused, "cursor_screen_offset", None) or focused.region.center
        self.set_class(self.notices_on_top(where[1]), "-notices-top")
