"""Who is using cintui: chosen once (kept in the config folder), changed from the palette."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from cintui.screens.messages import WorkerChosen
from cintui.screens.widgets.plain import plain

from .widgets.footer import Footer
from .widgets.typed import after_typing, refused


class WhoScreen(Screen):
    DEFAULT_CSS = """
    WhoScreen { align: center middle; }
    WhoScreen Vertical { width: 90; max-width: 100%; height: 80%; padding: 1 2; border: round $primary; }
    WhoScreen Static { height: auto; }
    WhoScreen .why { color: $warning; margin: 1 0 0 0; }
    WhoScreen OptionList { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "skip", "Not listed: show everyone"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        # Enter in the name box acts as read: the keys typed after it ("2", "/leo") wait
        # for the caseload it opens (they once went into the box).
        Binding("enter", "take_first", "You", show=False, priority=True),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_first":
            return self.focused is not None and self.focused.id == "find"
        return True

    def __init__(self, workers, switching: bool = False, why: str = "",
                 first: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__()
        self.staff = [w for w in workers if w.username]
        self.switching = switching
        self.why = why  # why it asks: the name given to act as is no worker here
        self.first = list(first)  # the workers that name likely meant: listed first

    def _order(self, staff) -> list:
        """The workers the name given likely meant first (Enter takes the first, as the
        "did you mean" above it says), then the login's (or CINTUI_USER's) worker."""
        me = getattr(self.app, "actor", None)
        rank = {u: i for i, u in enumerate(self.first)}
        return sorted(staff, key=lambda w: (rank.get(w.username, len(rank)), w.username != me))

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("[b]Who are you?[/b] Your caseload opens first, and your changes are "
                         "recorded under your name.")
            if self.why:
                yield Static(plain(self.why), id="why", classes="why")
            if not self.staff:  # a new store: someone sets up the team first
                yield Static("No workers on this store yet. Esc, then Ctrl+P → Set up adds "
                             "the authority, teams and workers (or `cintui worker add`).",
                             id="none")
            yield Input(placeholder="Type to find your name", id="find")
            yield OptionList(id="workers")
        yield Footer()

    def on_mount(self) -> None:
        self._commits = getattr(self.app, "store_commits", 0)
        self.staff = self._order(self.staff)  # their worker first: Enter is you
        self._fill("")
        self.query_one("#find", Input).focus()

    def on_screen_resume(self) -> None:
        """Back from something opened over it (Ctrl+P → Set up, Import a caseload): the
        workers and their children as they are now."""
        if self._commits == getattr(self.app, "store_commits", 0):
            return
        from cintui.casework import cases

        self._commits = self.app.store_commits
        with self.app.store.read() as session:
            self.staff = self._order(w for w in cases.list_workers(session) if w.username)
        for none in self.query("#none"):  # "No workers on this store yet": set up since
            none.display = not self.staff
        self._fill(self.query_one("#find", Input).value)

    def _fill(self, text: str) -> None:
        needle = text.lower()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(plain(f"{w.name}  ·  {w.team or 'no team'}  ·  {w.open_children} open  ·  "
                         f"{w.username}"), id=w.username)
            for w in self.staff
            if needle in f"{w.name} {w.username} {w.team}".lower()
        )
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#find")
    def find(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_take_first(self) -> None:
        """The highlighted worker (the first found), once the letters typed before Enter
        have found them."""
        if not after_typing(self, self.action_take_first):
            return
        self._fill(self.query_one("#find", Input).value)
        options = self.query_one(OptionList)
        if options.highlighted is None:
            refused(self)
            return
        self.post_message(WorkerChosen(options.get_option_at_index(options.highlighted).id))

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.post_message(WorkerChosen(event.option.id))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_skip(self) -> None:
        self.post_message(WorkerChosen(None))
