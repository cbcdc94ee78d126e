"""The caseload: the home screen a social worker opens every morning (issue 3 §3)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from cintui import caseload
from cintui.domain.timescales import DueState
from cintui.screens.widgets.case_table import CaseTable, Column

STATE_STYLE = {DueState.OVERDUE: "bold red", DueState.DUE_TODAY: "bold yellow",
               DueState.DUE_SOON: "yellow", DueState.UPCOMING: ""}


def _day(d) -> str:
    return f"{d:%d %b %y}" if d else "—"


def _due(deadline) -> str:
    """Date and working days left, in words as well as colour (never colour alone)."""
    if deadline is None:
        return "—"
    left = deadline.working_days_left
    if deadline.state is DueState.OVERDUE:
        return f"{deadline.due:%d %b} late {-left}wd"
    if deadline.state is DueState.DUE_TODAY:
        return f"{deadline.due:%d %b} TODAY"
    if deadline.state is DueState.DUE_SOON:
        return f"{deadline.due:%d %b} soon {left}wd"
    return f"{deadline.due:%d %b} {left}wd"


def _state_style(deadline) -> str:
    return STATE_STYLE.get(deadline.state, "") if deadline else "dim"


def _due_key(deadline):
    return deadline.due.toordinal() if deadline else 10**9


COLUMNS = [
    Column("Name", 17, lambda r: r.name, sort_key=lambda r: r.name.split()[-1].lower()),
    Column("Age", 9, lambda r: "unborn" if r.age.startswith("unborn") else r.age),
    Column("Ref", 9, lambda r: r.reference, sort_key=lambda r: r.reference),
    Column("Worker", 12, lambda r: r.worker, sort_key=lambda r: r.worker.lower()),
    Column("Level", 10, lambda r: r.level or r.service, sort_key=lambda r: r.level),
    Column("R A G", 5, lambda r: f"{r.red} {r.amber} {r.green}",
           style=lambda r: "bold red" if r.red else ("yellow" if r.amber else ""),
           sort_key=lambda r: (-r.red, -r.amber)),
    Column("Last seen", 9, lambda r: _day(r.last_visit),
           sort_key=lambda r: r.last_visit.toordinal() if r.last_visit else 0),
    Column("Next visit due", 16, lambda r: _due(r.next_visit),
           style=lambda r: _state_style(r.next_visit), sort_key=lambda r: _due_key(r.next_visit)),
    Column("Next review", 15, lambda r: _due(r.next_review),
           style=lambda r: _state_style(r.next_review),
           sort_key=lambda r: _due_key(r.next_review)),
    Column("Flags", 24, lambda r: "; ".join(r.flags), style=lambda r: "red" if r.flags else "",
           sort_key=lambda r: -len(r.flags)),
]
DEFAULT_SORT = 7  # next visit due: the most pressing first


class CaseloadScreen(Screen):
    DEFAULT_CSS = """
    CaseloadScreen #summary { height: auto; padding: 0 1; }
    CaseloadScreen #filter { margin: 0 1; }
    CaseloadScreen #heads { height: 1; padding: 0 0 0 0; text-style: bold; }
    CaseloadScreen #empty { padding: 1 2; height: auto; }
    """
    BINDINGS = [
        Binding("1", "view('mine')", "Mine"),
        Binding("2", "view('team')", "Team"),
        Binding("3", "view('everyone')", "Everyone"),
        Binding("slash", "find", "Filter"),
        Binding("s", "sort", "Sort by next column"),
        Binding("r", "reverse", "Reverse"),
        Binding("n", "new_child", "New child"),
    ]

    class ChildChosen(Message):
        def __init__(self, child_id) -> None:
            super().__init__()
            self.child_id = child_id

    def __init__(self) -> None:
        super().__init__()
        self.view = "mine"
        self.all_rows: list[caseload.CaseloadRow] = []
        self.sort_column = DEFAULT_SORT
        self.sort_reverse = False
        self.policy_title = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="summary")
        yield Input(placeholder="Filter as you type: name, reference or worker  (/)",
                    id="filter")
        table = CaseTable(COLUMNS, id="children")
        yield Static(table.header(), id="heads")
        yield table
        yield Static("", id="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#empty").display = False
        if not getattr(self.app, "worker", None):
            self.view = "everyone"
        self.query_one(CaseTable).focus()
        self.reload()

    # ---------------------------------------------------------------- loading

    def set_view(self, view: str) -> None:
        if view != "everyone" and not getattr(self.app, "worker", None):
            self.notify("No worker chosen: showing everyone. Ctrl+P → 'Who am I'.")
            view = "everyone"
        self.view = view
        self.reload()

    def reload(self) -> None:
        self.query_one("#summary", Static).update(f"{caseload.VIEWS[self.view]}: loading…")
        self._load(self.view, getattr(self.app, "worker", None))

    @work(thread=True, exclusive=True, group="caseload")
    def _load(self, view: str, worker: str | None) -> None:
        app = self.app

        def read(source):
            policy = caseload.store_policy(source)
            return policy, caseload.load_caseload(source, app.today, view=view,
                                                  worker_username=worker, policy=policy)

        if app.reader is not None:  # the first-paint reader: no ORM needed for this screen
            policy, rows = read(app.reader)
        else:
            with caseload.reading(app.store) as source:
                policy, rows = read(source)
        app.call_from_thread(self._show, rows, f"policy: {policy.name}")

    def _show(self, rows, policy_title: str) -> None:
        self.all_rows = rows
        self.policy_title = policy_title
        self._refresh_table()

    def _refresh_table(self) -> None:
        table = self.query_one(CaseTable)
        text = self.query_one("#filter", Input).value
        shown = caseload.filter_rows(self.all_rows, text)
        key = COLUMNS[self.sort_column].sort_key or COLUMNS[self.sort_column].text
        shown = sorted(shown, key=key, reverse=self.sort_reverse)
        table.set_rows(shown)
        overdue = sum(1 for r in self.all_rows
                      if r.next_visit and r.next_visit.state is DueState.OVERDUE)
        order = ("↓" if not self.sort_reverse else "↑") + " " + COLUMNS[self.sort_column].title
        self.query_one("#summary", Static).update(
            f"[b]{caseload.VIEWS[self.view]}[/b] · {len(self.all_rows)} open children · "
            f"{overdue} visits overdue · sorted by {order} · {self.policy_title}"
        )
        empty = self.query_one("#empty", Static)
        if not self.all_rows:
            empty.update(
                "No open children in this view.\n\n"
                "Press 3 to see everyone, n to add a child, or from the command line:\n"
                "  cintui child add --first-name … --last-name … --dob YYYY-MM-DD\n"
                "  cintui demo --db demo.db      (a store of synthetic children to try)"
            )
        elif not shown:
            empty.update(f"No children match {text!r}.")
        empty.display = not shown
        table.display = bool(shown)

    # ---------------------------------------------------------------- actions

    @on(Input.Changed, "#filter")
    def filtered(self) -> None:
        self._refresh_table()

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one(CaseTable).focus()

    def action_find(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_view(self, view: str) -> None:
        self.set_view(view)

    def action_sort(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(COLUMNS)
        self._refresh_table()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._refresh_table()

    def action_new_child(self) -> None:
        self.app.push_screen(self.app.make_screen("child_form"), lambda _: self.reload())

    @on(CaseTable.Chosen)
    def chosen(self, event: CaseTable.Chosen) -> None:
        self.post_message(self.ChildChosen(event.row.id))

    def key_escape(self) -> None:
        if self.focused is self.query_one("#filter"):
            self.query_one(CaseTable).focus()

