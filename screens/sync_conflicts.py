"""Sync conflicts (issue 19): changes made on this laptop that the team server could not take
as they were, field by field, both versions side by side.

Each open conflict names the child (reference and name), the record and field in plain words
("Child's details: first name") and why (changed on both, deleted on the team server, or
refused by it); each version says when it was made, and the server's who made it ("Changed
by Ben Cole (ben.cole) on 03/12/2026 at 10:42": the server says, as the laptop syncs). m
keeps the laptop's version (the server takes it at the next sync, F5); t takes the team
server's here, now.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from cintui.casework import laptop as offline
from cintui.casework.lookup import CaseworkError
from cintui.screens.widgets.plain_table import PlainTable

from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read


class SyncConflictsScreen(KeysAsRead, Screen):
    """Changes made on this laptop that the team server could not take as they were: for
    each field, the version on this laptop and the one on the team server, each with whose
    it is and when; keep yours (m) or take the server's (t). Tab moves into a side, where
    the arrows scroll a long record."""

    DEFAULT_CSS = """
    SyncConflictsScreen #about { height: auto; padding: 0 1; color: $text-muted; }
    SyncConflictsScreen #conflicts { height: 1fr; min-height: 4; }
    SyncConflictsScreen #sides { height: 2fr; min-height: 6; }
    SyncConflictsScreen .side { width: 1fr; height: 100%; border: round $primary;
                                padding: 0 1; }
    SyncConflictsScreen .side:focus { border: round $accent; }
    SyncConflictsScreen .side Static { height: auto; }
    SyncConflictsScreen #why { height: auto; padding: 0 1; color: $warning; }
    """
    # Every key as read, the arrows too (`typed.KeysAsRead`): the words typed after a key
    # that opens a form wait for it, and "↓ e" acts on the row moved to.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("m", "keep('mine')", "Keep mine"),
        as_read("t", "keep('theirs')", "Take theirs"),
        as_read("escape", "app.pop_screen", "Back"),
        # To each side and back: the arrows then scroll a record longer than its box.
        as_read("tab", "next_box(1)", "Next box"),
        as_read("shift+tab", "next_box(-1)", "Previous box", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[offline.Conflict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="about")
        table = PlainTable(id="conflicts", cursor_type="row")
        table.add_columns("Child", "Record: field", "Why")
        yield table
        yield Static("", id="why")
        # Each side scrolls (Tab to it, then the arrows): a whole record is longer than
        # its box at 80x24, and a Static held the rest out of reach.
        with Horizontal(id="sides"):
            with VerticalScroll(id="mine-side", classes="side"):
                yield Static("", id="mine")
            with VerticalScroll(id="theirs-side", classes="side"):
                yield Static("", id="theirs")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#mine-side").border_title = "On this laptop"
        self.query_one("#theirs-side").border_title = "On the team server"
        self.reload()
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        self.rows = offline.conflicts(self.app.store)
        table = self.query_one(DataTable)
        at = table.cursor_row
        table.clear()
        for row in self.rows:
            table.add_row(row.child or "-", row.what, row.kind_words,
                          key=row.id.hex)
        n = len(self.rows)
        self.query_one("#about", Static).update(
            "No conflicts to resolve." if not n else
            f"{n} conflict{'s' if n != 1 else ''} to resolve. m keeps the version on this "
            "laptop (the team server takes it at the next sync, F5); t takes the team "
            "server's.")
        if n:
            table.move_cursor(row=min(at, n - 1))
        self._show(self.current())

    def current(self) -> offline.Conflict | None:
        table = self.query_one(DataTable)
        if not self.rows or not (0 <= table.cursor_row < len(self.rows)):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show(self.current())

    def _show(self, row: offline.Conflict | None) -> None:
        mine, theirs = self.query_one("#mine", Static), self.query_one("#theirs", Static)
        why = self.query_one("#why", Static)
        if row is None:
            for widget in (mine, theirs, why):
                widget.update("")
            return
        why.update(Text(f"{row.child or 'No child'} · {row.what_named} · {row.why}"))
        mine.update(_side(row.mine_said, row.mine))
        theirs.update(_side(row.theirs_said, row.theirs))
        for side in self.query(".side"):
            side.scroll_home(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "keep":
            return bool(self.rows)
        return self.keys_as_read(action) is not False

    def action_next_box(self, step: int) -> None:
        """The list, this laptop's side, the team server's, and round again."""
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_keep(self, choice: str) -> None:
        row = self.current()
        if row is None:
            return
        try:
            said = offline.resolve(self.app.store, row.id, choice, self.app.actor)
        except CaseworkError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"{row.what_named}: {said}")
        self.reload()
        status = getattr(self.app, "laptop_status", None)
        if status is not None:
            status.check()


def _side(said: str, lines: list[str]) -> Text:
    """One version: whose it is and when (in italics), then the value or the record's fields."""
    text = Text()
    if said:
        text.append(said, style="italic")
        text.append("\n\n")
    text.append("\n".join(lines))
    return text
