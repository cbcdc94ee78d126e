"""A modal table of actions whose status Space moves on, one row each: the plan's actions
progressed at a visit (`visit.VisitActionsScreen`), a child's open supervision actions
(`supervision.SupervisionActionsScreen`). Every key acts as read, the arrows too: "↓ Space"
typed at once changes the second row, not the first. Enter (or Ctrl+S) keeps the changes,
Esc leaves them as they were."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from cintui.domain.plan import ACTION_STATUS_LABELS

from .plain_table import PlainTable
from .typed import KeysAsRead


def status_bindings(keep: str) -> list[Binding]:
    """The keys: ↑/↓ as read, Space the next status, Enter or Ctrl+S `keep`, Esc cancel."""
    return [
        *KeysAsRead.TABLE_ROWS,
        Binding("space", "cycle", "Change status", priority=True),
        Binding("enter,ctrl+s", "keep", keep, priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]


def status_cell(status: str | None, empty: str = "—") -> Text | str:
    """A status changed here, in bold; `empty` when none is chosen."""
    return Text(ACTION_STATUS_LABELS[status], style="bold") if status else empty


class StatusesScreen(KeysAsRead, ModalScreen[dict | None]):
    """Subclasses give the heading, the note, the columns and the table's id, and for each
    item its key in `changes`, its cells and its next status (None: as it was)."""

    DEFAULT_CSS = """
    StatusesScreen { align: center middle; }
    StatusesScreen .statuses-box { width: 110; max-width: 100%; height: auto; max-height: 90%;
                                   border: thick $primary; background: $surface;
                                   padding: 0 1; }
    StatusesScreen DataTable { height: auto; max-height: 24; }
    StatusesScreen .note { color: $text-muted; height: auto; }
    """
    BINDINGS = status_bindings("Save")
    HEADING = ""
    NOTE = ""
    COLUMNS: tuple[str, ...] = ()
    TABLE_ID = "statuses"

    def __init__(self, items: Sequence, changes: dict | None = None) -> None:
        super().__init__()
        self.items = list(items)
        self.changes: dict = dict(changes or {})

    def compose(self) -> ComposeResult:
        with Vertical(classes="statuses-box"):
            yield Static(self.HEADING, classes="heading")
            yield Static(self.NOTE, classes="note")
            table = PlainTable(id=self.TABLE_ID, cursor_type="row")
            table.add_columns(*self.COLUMNS)
            yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for item in self.items:
            table.add_row(*self.cells(item), key=str(self.key(item)))
        table.focus()

    def key(self, item) -> Hashable:
        raise NotImplementedError

    def cells(self, item) -> list:
        raise NotImplementedError

    def next_status(self, item, now: str | None) -> str | None:
        raise NotImplementedError

    def action_cycle(self) -> None:
        table = self.query_one(DataTable)
        if not self.items:
            return
        item = self.items[table.cursor_row]
        nxt = self.next_status(item, self.changes.get(self.key(item)))
        if nxt is None:
            self.changes.pop(self.key(item), None)
        else:
            self.changes[self.key(item)] = nxt
        for col, value in enumerate(self.cells(item)):
            table.update_cell_at((table.cursor_row, col), value)

    def action_keep(self) -> None:
        self.dismiss(dict(self.changes))

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["StatusesScreen", "status_bindings", "status_cell"]
