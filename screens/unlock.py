"""Unlock an encrypted store (or open a plain one): the first screen on most days."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from cintui.screens.messages import ReaderOpened, StoreOpened
from cintui.store import access

from .widgets.footer import Footer


class UnlockScreen(Screen):
    DEFAULT_CSS = """
    UnlockScreen { align: center middle; }
    UnlockScreen Vertical { width: 64; height: auto; padding: 1 2; border: round $primary; }
    UnlockScreen #error { color: $error; height: auto; }
    UnlockScreen #status { color: $text-muted; height: auto; }
    """

    def __init__(self, passphrase: str | None = None, plain: bool = False) -> None:
        super().__init__()
        self._initial = passphrase
        self._plain = plain

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(f"[b]Unlock[/b] {self.app.location.describe()}", id="title")
            yield Input(placeholder="Passphrase", password=True, id="passphrase")
            yield Static("", id="error")
            yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self._plain:
            self.query_one("#passphrase").display = False
            self._open(None)
        elif self._initial:
            self._open(self._initial)
        else:
            self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.query_one("#error", Static).update("Type the store's passphrase.")
            return
        self._open(event.value)

    @work(thread=True, exclusive=True)
    def _open(self, passphrase: str | None) -> None:
        # Key derivation and any upgrade take time: off the UI thread.
        self.app.call_from_thread(self._status, "Opening…")
        from cintui.store.engine import StoreError

        location = self.app.location
        try:
            # The light reader first (a file, or a PostgreSQL server at the newest schema):
            # the caseload paints without loading the ORM.
            from cintui.store import fast

            if location.path is not None:
                reader = fast.open_reader(location.path, passphrase)
            else:
                reader = fast.open_server_reader(location.url)
            if reader is not None:
                self.app.call_from_thread(self.post_message, ReaderOpened(reader, passphrase))
                return
            store = access.open_location(location, passphrase)  # upgrades an older file
        except (StoreError, access.AccessError) as exc:  # one-line, user-facing
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self.post_message, StoreOpened(store))

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def _failed(self, message: str) -> None:
        self._status("")
        self.query_one("#error", Static).update(message)
        field = self.query_one("#passphrase", Input)
        field.display = True
        field.value = ""
        field.focus()
