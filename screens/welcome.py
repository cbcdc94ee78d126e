"""First run: no store yet. Create an encrypted store, or one filled with a demo caseload."""

from __future__ import annotations

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from cintui.screens.messages import StoreOpened
from cintui.screens.widgets.plain import plain
from cintui.store import access

from .widgets.footer import Footer
from .widgets.typed import TAB_BINDINGS, TabMovesAtOnce, after_typing, refused

DEMO_CHILDREN = 120


class WelcomeScreen(TabMovesAtOnce, Screen):
    DEFAULT_CSS = """
    WelcomeScreen { align: center middle; }
    WelcomeScreen Vertical { width: 76; height: auto; padding: 1 2; border: round $primary; }
    WelcomeScreen Static { height: auto; }
    WelcomeScreen #error { color: $error; }
    WelcomeScreen #status { color: $text-muted; }
    WelcomeScreen Horizontal { height: auto; margin-top: 1; }
    WelcomeScreen Button { margin-right: 2; }
    """
    # Priority: these must work while the passphrase fields have focus. A password manager
    # types "passphrase Tab passphrase Enter" faster than a box handles its keys: Tab, and
    # Enter in the first box, move focus before the next key is passed on (typed.py). The
    # last Enter goes to the repeat box, after the keys typed into it.
    BINDINGS = [
        Binding("ctrl+n", "create(False)", "New empty store", priority=True),
        Binding("ctrl+t", "create(True)", "Try a demo store", priority=True),
        *TAB_BINDINGS,
        Binding("enter", "next_field", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        yield Header()
        with Vertical():
            yield Static("[b]Welcome to cintui[/b]")
            yield Static(
                f"There is no store at {plain(app.location.describe())} yet. The store holds "
                "children's personal data, so it is encrypted with a passphrase only you "
                "know: if it is lost, so is the data."
                if app.encrypt
                else "[b $warning]--no-encrypt:[/] the new store will NOT be encrypted. "
                "Use this only for synthetic data."
            )
            yield Input(placeholder=f"Passphrase (at least {access.MIN_PASSPHRASE} characters)",
                        password=True, id="passphrase")
            yield Input(placeholder="Repeat the passphrase", password=True, id="repeat")
            with Horizontal():
                yield Button("Create an empty store", id="empty", variant="primary")
                yield Button(f"Create a demo store ({DEMO_CHILDREN} synthetic children)",
                             id="demo")
            yield Static("", id="error")
            yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        if not self.app.encrypt:
            for field in self.query(Input):
                field.display = False
            self.query_one("#empty", Button).focus()
        else:
            self.query_one("#passphrase", Input).focus()

    def action_next_field(self) -> None:
        """Enter in the passphrase box: on to its repeat (elsewhere Enter is the widget's)."""
        if self.focused is None or self.focused.id != "passphrase":
            raise SkipAction()
        self.set_focus(self.query_one("#repeat", Input))  # at once (Widget.focus waits)

    @on(Input.Submitted, "#repeat")
    def submit_repeat(self) -> None:
        self.action_create(False)

    @on(Button.Pressed, "#empty")
    def pressed_empty(self) -> None:
        self.action_create(False)

    @on(Button.Pressed, "#demo")
    def pressed_demo(self) -> None:
        self.action_create(True)

    def action_create(self, demo: bool) -> None:
        if not after_typing(self, lambda: self.action_create(demo)):
            return  # the passphrase's last keys first (typed.py)
        passphrase = None
        if self.app.encrypt:
            try:
                passphrase = access.check_new_passphrase(
                    self.query_one("#passphrase", Input).value,
                    self.query_one("#repeat", Input).value,
                )
            except access.AccessError as exc:
                refused(self)
                self.query_one("#error", Static).update(plain(exc))
                return
        self.query_one("#error", Static).update("")
        self.query_one("#status", Static).update(
            "Creating the demo caseload…" if demo else "Creating the store…"
        )
        for button in self.query(Button):
            button.disabled = True
        self._create(passphrase, demo)

    @work(thread=True, exclusive=True)
    def _create(self, passphrase: str | None, demo: bool) -> None:
        from cintui import demo as demo_data
        from cintui.casework import cases
        from cintui.store.engine import StoreError

        app = self.app
        try:
            store = access.create_location(app.location, passphrase, encrypt=app.encrypt,
                                           synthetic=demo)
            if demo:
                demo_data.generate(store, children=DEMO_CHILDREN, seed=1, today=app.today)
            else:
                with store.session(app.actor) as session:
                    cases.set_store_policy(session, "england")
        except (StoreError, access.AccessError) as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        app.call_from_thread(self.post_message, StoreOpened(store))

    def _failed(self, message: str) -> None:
        refused(self)
        self.query_one("#status", Static).update("")
        self.query_one("#error", Static).update(plain(message))
        for button in self.query(Button):
            button.disabled = False
