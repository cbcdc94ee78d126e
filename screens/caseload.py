"""The caseload: every child in view. A first version; the caseload issue builds it out."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from cintui import casework

COLUMNS = ("Reference", "Name", "Age", "Worker", "Team", "Status", "Level")


class CaseloadScreen(Screen):
    DEFAULT_CSS = """
    CaseloadScreen #summary { height: auto; padding: 0 1; }
    CaseloadScreen #empty { padding: 1 2; height: auto; }
    CaseloadScreen DataTable { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="summary")
        yield Static("", id="empty")
        yield DataTable(id="children", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.query_one("#empty").display = False
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        app = self.app
        with app.store.read() as session:
            rows = casework.list_children(session, app.today)
            policy = casework.store_policy(session)
        app.call_from_thread(self._show, rows, policy.title)

    def _show(self, rows, policy_title: str) -> None:
        table = self.query_one(DataTable)
        table.add_rows(
            (r.reference, r.name, r.age, r.worker, r.team, r.status, r.level) for r in rows
        )
        open_count = sum(r.status != "closed" for r in rows)
        self.query_one("#summary", Static).update(
            f"{len(rows)} children ({open_count} open) · policy: {policy_title}"
        )
        if not rows:
            table.display = False
            empty = self.query_one("#empty", Static)
            empty.display = True
            empty.update(
                "No children on this store yet.\n\n"
                "Add one from the command line:  cintui child add --first-name … "
                "--last-name … --dob YYYY-MM-DD\n"
                "or try cintui with synthetic data:  cintui demo --db demo.db"
            )
        else:
            table.focus()
