"""A virtual table for the caseload: renders only the lines on screen.

Filtering 5,000 children must take well under 50 ms a keystroke (issue 3). Measured here
(Textual 8.2, 4,651 open children, 10 filter strings, each step timed to the next idle,
pilot pause included): the stock DataTable's clear() + add_rows() median 211 ms (up to
~900 ms when most rows match); textual-fastdatatable cannot replace its data in place
(`clear()` raises "unmount this table and mount a new one"), and an Arrow filter + remount
is median 85 ms; this table median 39 ms. It holds a plain list of row objects and draws only
the visible lines on demand (Textual's line API), so a filter is a list comprehension, a sort
and a refresh; row styles (due-state colours beside the words) stay plain Python.
bench/caseload_filter.py: ~8 ms handler, ~16 ms key -> frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    text: Callable[[object], str]
    style: Callable[[object], str] = lambda row: ""
    sort_key: Callable[[object], object] | None = None
    fill: bool = False  # takes the width left over (at least `width`)
    drop: int = 0  # when the table is too narrow, hidden highest first (0: always shown)


class CaseTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    CaseTable { height: 1fr; overflow-x: hidden; }
    CaseTable > .case-table--cursor { background: $accent 40%; color: $text; }
    """
    COMPONENT_CLASSES = {"case-table--cursor"}
    # As read, in the order typed, with the screen's keys (`typed.opening`): "↓ v" typed
    # fast is a visit for the child below, and the keys after Enter wait for the record.
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True),
        Binding("home", "jump(0)", "First", show=False, priority=True),
        Binding("end", "jump(-1)", "Last", show=False, priority=True),
        Binding("enter", "choose", "Open", show=False, priority=True),
    ]
    cursor = reactive(0, always_update=True)

    class Chosen(Message):
        """Enter on a row."""

        def __init__(self, row) -> None:
            super().__init__()
            self.row = row

    class Highlighted(Message):
        """The cursor moved to another row (None: no rows)."""

        def __init__(self, row) -> None:
            super().__init__()
            self.row = row

    class Laid(Message):
        """Column widths changed (the table was resized): redraw the header."""

    def __init__(self, columns: Sequence[Column], **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns = list(columns)
        self.rows: list = []
        self._cache: dict[int, Strip] = {}
        self.widths = [c.width for c in self.columns]
        self.total_width = sum(w + 1 for w in self.widths if w)
        self._highlighted = object()

    # ---------------------------------------------------------------- data

    def set_rows(self, rows: list) -> None:
        self.rows = rows
        self._cache.clear()
        self.virtual_size = Size(self.total_width, len(rows))
        self.cursor = min(self.cursor, max(0, len(rows) - 1))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        # Room for the vertical scrollbar is kept even before the rows arrive, so a fill
        # column never pushes the table into scrolling sideways once they do.
        room = self.outer_size.width - self.styles.scrollbar_size_vertical
        shown = list(self.columns)
        for column in sorted((c for c in self.columns if c.drop), key=lambda c: -c.drop):
            if sum(c.width + 1 for c in shown) <= room:
                break
            shown.remove(column)
        spare = room - sum(c.width + 1 for c in shown if not c.fill) - 1
        widths = [0 if c not in shown else max(c.width, spare) if c.fill else c.width
                  for c in self.columns]
        if widths != self.widths:
            self.widths = widths
            self.total_width = sum(w + 1 for w in widths if w)
            self._cache.clear()
            self.virtual_size = Size(self.total_width, len(self.rows))
            self.post_message(self.Laid())

    def shown(self, index: int) -> bool:
        """Whether column `index` is on screen (a narrow table hides the droppable ones)."""
        return self.widths[index] > 0

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def current(self):
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def header(self, marks: dict[int, str] | None = None) -> str:
        """The column titles, aligned with the rows; `marks` adds e.g. a sort arrow."""
        marks = marks or {}
        titles = []
        for i, (column, width) in enumerate(zip(self.columns, self.widths, strict=True)):
            if not width:
                continue
            mark = marks.get(i, "")
            titles.append((column.title[: width - len(mark)] + mark).ljust(width))
        return " ".join(titles)

    def column_at(self, x: int) -> int | None:
        """The column under screen column `x` of the header (scrolled with the table)."""
        x += self.scroll_offset.x
        for i, w in enumerate(self.widths):
            if not w:
                continue
            if x < w + 1:
                return i
            x -= w + 1
        return None

    # ---------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        if index >= len(self.rows):
            return Strip.blank(self.size.width, self.rich_style)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._cache[index] = self._render_row(self.rows[index])
        if index == self.cursor:
            # The highlighted row in one colour over the cursor's (bold kept): red "late" on
            # the dark theme's cursor was 1.8:1, under WCAG AA's 4.5:1. The line under the
            # table says the highlighted child's visit, late or not, in full.
            cursor = self.get_component_rich_style("case-table--cursor")
            strip = Strip(Segment.apply_style(strip, post_style=cursor), strip.cell_length)
        # The theme's colours under every cell, applied as drawn (not cached with the row),
        # so F2 repaints the rows: cells without a style of their own once took the
        # terminal's default background, dark rows in the light theme.
        strip = strip.apply_style(self.rich_style)
        return strip.crop_extend(scroll_x, scroll_x + self.size.width, self.rich_style)

    def _render_row(self, row) -> Strip:
        segments = []
        for column, width in zip(self.columns, self.widths, strict=True):
            if not width:
                continue
            text = column.text(row)
            text = (text[: width - 1] + "…" if len(text) > width else text.ljust(width)) + " "
            style = column.style(row)
            segments.append(Segment(text, Style.parse(style) if style else None))
        return Strip(segments, self.total_width)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh(Region(0, old - self.scroll_offset.y, self.size.width, 1))
        self.refresh(Region(0, new - self.scroll_offset.y, self.size.width, 1))
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)
        if self.current is not self._highlighted:
            self._highlighted = self.current
            self.post_message(self.Highlighted(self.current))

    # ---------------------------------------------------------------- keys

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_choose(self) -> None:
        if self.current is not None:
            if (hold := getattr(self.app, "hold_keys", None)) is not None:
                hold(self.screen)  # for the record it opens (`cintui.held_keys`)
            self.post_message(self.Chosen(self.current))


class CaseHeader(Static):
    """The titles above a `CaseTable`; a click asks to sort by the column under the mouse."""

    class Clicked(Message):
        def __init__(self, column: int) -> None:
            super().__init__()
            self.column = column

    def __init__(self, table: CaseTable, **kwargs) -> None:
        super().__init__(table.header(), markup=False, **kwargs)
        self.table = table

    def on_click(self, event: events.Click) -> None:
        column = self.table.column_at(event.x)
        if column is not None:
            self.post_message(self.Clicked(column))
