"""A virtual table for the caseload: renders only the lines on screen.

Filtering 5,000 children must take well under 50 ms a keystroke (issue 3). A stock
DataTable rebuilds its rows on every change; here the table holds a list of row objects and
draws the visible lines on demand (Textual's line API), so a filter is a list comprehension
and a refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    text: Callable[[object], str]
    style: Callable[[object], str] = lambda row: ""
    sort_key: Callable[[object], object] | None = None


class CaseTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    CaseTable { height: 1fr; }
    CaseTable > .case-table--cursor { background: $accent 40%; }
    """
    COMPONENT_CLASSES = {"case-table--cursor"}
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]
    cursor = reactive(0, always_update=True)

    class Chosen(Message):
        def __init__(self, row) -> None:
            super().__init__()
            self.row = row

    def __init__(self, columns: Sequence[Column], **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns = list(columns)
        self.rows: list = []
        self._cache: dict[int, Strip] = {}
        self.total_width = sum(c.width + 1 for c in self.columns)

    # ---------------------------------------------------------------- data

    def set_rows(self, rows: list) -> None:
        self.rows = rows
        self._cache.clear()
        self.virtual_size = Size(self.total_width, len(rows))
        self.cursor = min(self.cursor, max(0, len(rows) - 1))
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def current(self):
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def header(self) -> str:
        return " ".join(c.title[: c.width].ljust(c.width) for c in self.columns)

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
            cursor = self.get_component_rich_style("case-table--cursor")
            strip = strip.apply_style(cursor)
        return strip.crop_extend(scroll_x, scroll_x + self.size.width, self.rich_style)

    def _render_row(self, row) -> Strip:
        segments = []
        for column in self.columns:
            text = column.text(row)
            text = text[: column.width].ljust(column.width) + " "
            style = column.style(row)
            segments.append(Segment(text, Style.parse(style) if style else None))
        return Strip(segments, self.total_width)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh(Region(0, old - self.scroll_offset.y, self.size.width, 1))
        self.refresh(Region(0, new - self.scroll_offset.y, self.size.width, 1))
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)

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
            self.post_message(self.Chosen(self.current))
