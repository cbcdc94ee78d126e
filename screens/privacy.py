"""Keeping the data safe in the app (issue 24): a subject access export for the child on
screen (Ctrl+P "Subject access"), and, for managers, the closed records past their retention
(Ctrl+P "Retention") with `e` to erase one, the reason kept with the decision (PRIV 1)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Static

from cintui.casework import privacy
from cintui.domain.dates import day_words
from cintui.screens.widgets.plain_table import PlainTable

from .forms import FormScreen
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read


class SubjectAccessScreen(FormScreen):
    """Everything held about the child and their family members, as a PDF and a JSON; who
    asked and when is recorded in the audit trail (UK GDPR Art. 15, WIR 2.10)."""

    TITLE_TEXT = "Subject access: everything held about the child and their family"

    def __init__(self, child_id) -> None:
        super().__init__()
        self.child_id = child_id

    def fields(self) -> Iterable[Widget]:
        yield self.row("requested_by", "Requested by",
                       self.text("", "the child, a parent, their representative"))
        yield self.row("folder", "Folder", self.text(str(Path.cwd())))

    def on_mount(self) -> None:
        self.query_one("#requested_by").focus()

    def problems(self) -> dict[str, str]:
        problems = {}
        if not self.text_of("requested_by"):
            problems["requested_by"] = "say who asked for the records"
        if not Path(self.text_of("folder")).expanduser().is_dir():
            problems["folder"] = f"no such folder: {self.text_of('folder')}"
        return problems

    def build(self):
        from cintui.export import subject_access

        child_id, by, folder = self.child_id, self.app.actor, Path(
            self.text_of("folder")).expanduser()
        asked, now = self.text_of("requested_by"), self.app.clock()

        def job(session):
            doc = privacy.subject_access(session, child_id, requested_by=asked, by=by,
                                         on=now.date(), now=now)
            return str(subject_access.write(doc, folder)[0])
        return job


class RetentionEraseScreen(FormScreen):
    """A manager's decision to erase one closed record past its retention."""

    def __init__(self, child_id, reference: str) -> None:
        super().__init__()
        self.child_id = child_id
        self.TITLE_TEXT = (f"Erase {reference}: every record of the child, their people "
                           "unless another child's record holds them, and the values in the "
                           "audit entries about them. The decision is kept.")

    def fields(self) -> Iterable[Widget]:
        yield self.row("reason", "Why", self.text("", "e.g. retention ended, reviewed"))

    def on_mount(self) -> None:
        self.query_one("#reason").focus()

    def problems(self) -> dict[str, str]:
        return {} if self.text_of("reason") else {"reason": "give the reason for erasing"}

    def build(self):
        child_id, actor, today, reason = (self.child_id, self.app.actor, self.app.today,
                                          self.text_of("reason"))
        return lambda session: privacy.erase(session, child_id, reason=reason, actor=actor,
                                             today=today)


class RetentionScreen(KeysAsRead, Screen):
    """Closed records past their retention, for a manager's review (PRIV 1)."""

    # Every key as read, the arrows too (`typed.KeysAsRead`): the words typed after a key
    # that opens a form wait for it, and "↓ e" acts on the row moved to.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("e", "erase", "Erase (manager)"),
        as_read("a", "toggle_all", "All closed / due"),
        as_read("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.facts = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="rule")
        table = PlainTable(id="retention", cursor_type="row")
        table.add_columns("Reference", "Child", "Closed", "Kept until", "Worker", "")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        with self.app.store.read() as session:
            self.facts = privacy.retention(session, self.app.today, due_only=not self.show_all)
            rule, source = privacy.retention_rule(session)
        which = "every closed record" if self.show_all else "closed records past it"
        self.query_one("#rule", Static).update(
            f"Closed records are kept {rule} ({source}). Showing {which}: "
            f"{len(self.facts)}. A manager erases one with e (the decision is kept).")
        table = self.query_one(DataTable)
        table.clear()
        for f in self.facts:
            table.add_row(f.reference, f.name,
                          day_words(f.closed_on, pad=True),
                          day_words(f.keep_until, pad=True), f.worker,
                          "due" if f.due(self.app.today) else "")

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_erase(self) -> None:
        table = self.query_one(DataTable)
        if not self.facts:
            self.app.notify("No closed record past its retention.")
            return
        fact = self.facts[table.cursor_row]

        def done(result) -> None:
            if result:
                self.app.notify(f"{result.reference}: erased {result.records} records; the "
                                "decision is kept.")
                self.reload()

        self.app.push_screen(self.app.make_screen("retention_erase", child_id=fact.child_id,
                                                  reference=fact.reference), done)
