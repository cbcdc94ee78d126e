"""A DataTable whose string cells are plain text, never markup (see `plain`)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable


def _cell(value: object, height: int | None) -> object:
    """A string cell as plain Text, laid out as DataTable lays a string out (wrapped in a
    taller row), but cut with "…" at a one-line row's column width: cut bare, "DEMO00123"
    read "DEMO0" and "No valid consent to a CIN service" "… a CIN servi"."""
    if isinstance(value, str):
        return Text(value, no_wrap=height == 1, end="",
                    overflow="ellipsis" if height == 1 else None)
    return value


class PlainTable(DataTable):
    """A DataTable whose string cells are plain text, never markup (they hold names and
    texts from the store). Cells read back (`get_row_at`) are `Text`; `str()` gives the
    text. `typing_goes_to`: a selector of the box a letter typed on the table goes to,
    with the letters after it (`cintui.held_keys`), when no key claims it."""

    typing_goes_to: str | None = None
    # Rows whose key starts with this are headings (My week's "Next two weeks (3)"): the
    # cursor never stops on one, it goes on past it the way it was going (at the top, to
    # the row after). Done as the cursor moves, not after it: a key typed ahead (↓ ↓ ↓
    # at once) then counts from the row it will find, and none is lost.
    heading_prefix: str | None = None
    # Enter acts when it is read, as the caseload's does (`CaseTable`): see below.
    BINDINGS = [Binding("enter", "select_cursor", "Select", show=False, priority=True)]

    class Chosen(Message):
        """After a row's `RowSelected`, on the same way up: the screen has acted on Enter
        (`HoldsKeys.on_plain_table_chosen`)."""

        def __init__(self, screen: Screen) -> None:
            super().__init__()
            self.screen = screen

    def action_select_cursor(self) -> None:
        """Enter on a row: the keys typed after it are kept for what it opens (a record, a
        form: `cintui.held_keys`), as on the caseload. As the table's own key, Enter acted
        only once the table got to it, after the keys read behind it had been handed to the
        table too, and a screen acts on it later still (the row's `RowSelected`): "Enter,
        then the decision typed" on the manager's waiting list went to the list, not to the
        decision form it opened, and was lost. Enter that opens nothing lets them go at
        once."""
        hold = getattr(self.app, "hold_keys", None)
        if hold is None or not self.row_count or not self.show_cursor \
                or self.cursor_type == "none":
            super().action_select_cursor()
            return
        hold(self.screen)
        super().action_select_cursor()
        self.post_message(self.Chosen(self.screen))

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        value = super().validate_cursor_coordinate(value)
        if self.heading_prefix is None or not self._is_heading(value.row):
            return value
        step = -1 if value.row < self.cursor_coordinate.row else 1
        for row in (value.row + step, value.row - step):
            if 0 <= row < self.row_count and not self._is_heading(row):
                return Coordinate(row, value.column)
        return value

    def _is_heading(self, row: int) -> bool:
        if not 0 <= row < self.row_count:
            return False
        return str(self.ordered_rows[row].key.value or "").startswith(self.heading_prefix)

    def add_row(self, *cells, height: int | None = 1, key: str | None = None,
                label=None):
        return super().add_row(*(_cell(c, height) for c in cells), height=height, key=key,
                               label=_cell(label, height) if label is not None else None)

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        height = self.rows[row_key].height if row_key in self.rows else 1
        super().update_cell(row_key, column_key, _cell(value, height),
                            update_width=update_width)


class Share(int):
    """A column's width that shares what the screen has spare, at most this (0: the rest)."""


def fitted(columns, width: int, longest: dict[str, int] | None = None) -> list[int]:
    """Each column's width for a screen `width` wide: the fixed ones as they are; the
    others share what is left (the scrollbar and each column's padding aside), each taking
    no more than its longest entry needs (`longest`, by label) and its cap, so the room a
    short column leaves goes to a long one; at least 12 each; the last uncapped one takes
    what is left over. At 120 columns an equal share wrapped every team name and email
    while the names and roles beside them had room to spare."""
    longest = longest or {}
    spare = width - 2 - 2 * len(columns) - sum(
        w for _label, w in columns if not isinstance(w, Share))
    wants = {label: max(12, min(w or spare, longest.get(label, w or spare), spare))
             for label, w in columns if isinstance(w, Share)}
    given: dict[str, int] = {}
    left = spare
    for label in sorted(wants, key=wants.get):  # the smallest wants first: water-filling
        given[label] = max(12, min(wants[label], left // (len(wants) - len(given))))
        left -= given[label]
    rest = next((label for label, w in reversed(columns) if isinstance(w, Share) and not w),
                None)
    if rest is not None and left > 0:
        given[rest] += left
    return [given.get(label, w) for label, w in columns]
