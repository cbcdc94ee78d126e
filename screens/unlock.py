"""Unlock an encrypted store (or open a plain one): the first screen on most days."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from cintui.screens.messages import FirstRows, ReaderOpened, StoreOpened
from cintui.screens.widgets.plain import plain
from cintui.store import access

from .widgets.footer import Footer
from .widgets.typed import after_typing, refused


class UnlockScreen(Screen):
    # Enter in the passphrase acts as it is read: the keys typed after it ("2" for the
    # team's children, while the store opens) wait for the caseload, where they once went
    # into the passphrase box; a wrong passphrase drops them (`typed.refused`).
    BINDINGS = [Binding("enter", "unlock", "Open", show=False, priority=True)]
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
        # Nothing to type (a plain store, or CINTUI_PASSPHRASE): this screen shows for a
        # blink before the caseload, as one line, drawn at a third of the cost of the form
        # (~25 ms of the first paint). The form is built only if the store will not open.
        self._lean = plain or bool(passphrase)

    def compose(self) -> ComposeResult:
        if not self._lean:
            yield Header()
        with Vertical():
            yield Static(f"[b]Unlock[/b] {plain(self.app.location.describe())}", id="title")
            if not self._lean:
                yield from self._form()
            yield Static("", id="status")
        if not self._lean:
            yield Footer()

    @staticmethod
    def _form() -> ComposeResult:
        yield Input(placeholder="Passphrase", password=True, id="passphrase")
        yield Static("", id="error")

    def on_mount(self) -> None:
        if self._lean:
            self._start(None if self._plain else self._initial)
        else:
            self.query_one("#passphrase", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unlock":
            return self.focused is not None and self.focused.id == "passphrase"
        return True

    def action_unlock(self) -> None:
        if not after_typing(self, self.action_unlock):
            return  # the passphrase's last letters first
        value = self.query_one("#passphrase", Input).value
        if not value:
            refused(self)
            self.query_one("#error", Static).update("Type the store's passphrase.")
            return
        self._start(value)

    def _start(self, passphrase: str | None) -> None:
        # Said here, not from the thread: `call_from_thread` would hold the opening until
        # this screen had painted (~40 ms of the first paint).
        self._status("Opening…")
        self._open(passphrase)

    @work(thread=True, exclusive=True)
    def _open(self, passphrase: str | None) -> None:
        # Key derivation and any upgrade take time: off the UI thread.
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
                first = self._first_rows(reader)
                self.app.call_from_thread(self.post_message,
                                          ReaderOpened(reader, passphrase, first))
                return
            store = access.open_location(location, passphrase)  # upgrades an older file
        except (StoreError, access.AccessError) as exc:  # one-line, user-facing
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:
            from cintui.store.base import damaged

            said = damaged(exc)  # a page too damaged to read the caseload from
            if said is None:
                raise
            self.app.call_from_thread(self._failed, str(said))
            return
        self.app.call_from_thread(self.post_message, StoreOpened(store))

    def _first_rows(self, reader) -> FirstRows | None:
        """The caseload the app will open on (the worker's own, when the worker is known
        and on this store), read here while the main thread paints this screen."""
        from cintui.store import fast

        app = self.app
        wanted = next((w for w in access.wanted_workers(app.requested_worker, reader)  # as
                       if reader.rows(fast.WORKER_EXISTS_SQL, {"username": w})), None)  # the app
        if wanted is None:
            return None
        from cintui.casework import caseload

        policy = caseload.store_policy(reader)
        return FirstRows(wanted, policy, caseload.load_caseload(
            reader, app.today, view="mine", worker_username=wanted, policy=policy))

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def _failed(self, message: str) -> None:
        refused(self)  # the keys typed after Enter were for the caseload
        self._status("")
        if not self.query("#passphrase"):  # the lean screen: the form, now it is wanted
            self.mount(Header(), before=0)
            self.query_one(Vertical).mount_all(self._form(), before="#status")
            self.mount(Footer())
        self.query_one("#error", Static).update(plain(message))
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.display = not self._plain  # a plain file takes no passphrase: only the reason
        if not self._plain:
            field.focus()
