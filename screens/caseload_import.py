"""Import a caseload (CSV) from the team's old system (Ctrl+P → "Import a caseload").

Two presses of Ctrl+S: the first checks the file and shows what would be created (the dry
run: children, people, per worker) or every problem (line, column, reason); the second,
once the check is clean, imports it all in one transaction. Changing the file or the
mapping asks for a new check. Dismisses with the number of children imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on, work
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from cintui.casework import caseload_import as importing
from cintui.domain.caseload_import import report as problem_lines
from cintui.domain.text import counted
from cintui.screens.forms import FormScreen, importer_refusal
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.typed import let_go
from cintui.store.base import StoreError


class CaseloadImportScreen(FormScreen):
    TITLE_TEXT = "Import a caseload (CSV) from your old system"
    # The footer says what Ctrl+S does here, as the button does (it said "Save").
    BINDINGS = [Binding("ctrl+s", "save", "Check, then import", priority=True)]
    DEFAULT_CSS = """
    CaseloadImportScreen .hint { color: $text-muted; height: auto; }
    CaseloadImportScreen #report { height: auto; margin: 1 0 0 0; }
    CaseloadImportScreen #report.-problems { color: $error; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.checked: tuple | None = None  # what the last clean check read
        self.reading: tuple | None = None  # what the Save press read
        self.options: dict = {}

    def fields(self) -> Iterable[Widget]:
        yield self.row("file", "Caseload file", self.text(
            placeholder="the CSV exported from LCS, Mosaic or your spreadsheet"))
        yield self.row("mapping", "Mapping file", self.text(
            placeholder="blank, or a .toml / .csv naming your columns"))
        yield Static("Ctrl+S checks the file and shows what would be created; Ctrl+S "
                     "again imports it. All or nothing: a bad row and nothing is written. "
                     "`cintui import caseload --columns` lists the columns.", classes="hint")
        yield Static("", id="report")

    def on_mount(self) -> None:
        self._button("Check (ctrl+s)")
        self.query_one("#file").focus()

    def problems(self) -> dict[str, str]:
        return {} if self.text_of("file") else {"file": "give the caseload's CSV file"}

    @on(Input.Changed)
    def _needs_a_new_check(self) -> None:
        self.checked = None
        self._button("Check (ctrl+s)")
        self.query_one("#report", Static).update("")

    def build(self):
        path = Path(self.text_of("file")).expanduser()
        data = importing.read_file(path)
        mapping = self.text_of("mapping")
        columns, ignore = importing.read_mapping(Path(mapping)) if mapping else ({}, ())
        app = self.app
        self.reading = (data, columns, ignore)
        self.options = {"today": app.today, "file": path.name, "mapping": columns,
                        "ignore": ignore}
        return None  # no one write session: `_import` writes in batches

    @work(thread=True, exclusive=True, group="form-save")
    def _import(self) -> None:
        """Imported in batches (`apply_in_batches`), as `cintui import caseload` does: the
        store's write lock is never held for long (a visit autosaved meanwhile waits a
        quarter of a second at most), and an import stopped part-way goes on from where it
        stopped when the same file is imported again."""
        from cintui.store import requests

        app, data, options = self.app, self.reading[0], self.options
        said = requests.fingerprint("import caseload", options, data)
        request = requests.Request(f"app-import-{said[:24]}", "import caseload", said)
        try:
            done = importing.apply_in_batches(app.store, data, request, actor=app.actor,
                                              **options)
        except ValueError as exc:
            app.call_from_thread(self.show_error, exc)
            return
        except StoreError as exc:  # busy, or this very import already done
            app.call_from_thread(self.show_error, ValueError(str(exc)))
            return
        app.call_from_thread(self.dismiss, len(done.plan.rows))

    def _save(self, job) -> None:
        let_go(self)  # it stays open (checks, then imports): keys typed after Ctrl+S act now
        with self.app.store.read() as session:  # before the check: Who am I closes the form
            refused = importer_refusal(self.app, session, "a caseload")
        if refused is not None:
            self.query_one("#form-error", Static).update(f"Not imported: {plain(refused)}")
            return
        if self.checked is not None and self.checked == self.reading:
            self.query_one("#report", Static).update(f"Importing {plain(self.options['file'])}…")
            self._import()
        else:
            report = self.query_one("#report", Static)
            report.set_class(False, "-problems")
            report.update(f"Checking {plain(self.options['file'])}…")
            self._check(self.reading, self.options)

    @work(thread=True, exclusive=True, group="caseload-check")
    def _check(self, reading: tuple, options: dict) -> None:
        app = self.app
        try:
            with app.store.read() as session:
                plan = importing.plan(session, reading[0], **options)
        except ValueError as exc:
            app.call_from_thread(self.show_error, exc)
            return
        app.call_from_thread(self._show_plan, reading, plan)

    def _show_plan(self, reading: tuple, plan: importing.ImportPlan) -> None:
        report = self.query_one("#report", Static)
        if plan.problems:
            self.checked = None
            report.set_class(True, "-problems")
            report.update(f"{plain(plan.file)} cannot be imported: nothing will be written until "
                          "every problem is put right.\n"
                          + "\n".join(f"• {plain(line)}" for line in problem_lines(plan.problems)))
            self.query_one("#form-error", Static).update(
                f"Not imported: {counted(len(plan.problems), 'problem')} (listed above).")
            return
        self.checked = reading
        children = f"{len(plan.rows)} {'child' if len(plan.rows) == 1 else 'children'}"
        lines = [f"{plan.file}: {children} and {plan.people} people would be imported."]
        lines += [f"  {worker}: {count}" for worker, count in plan.workers]
        if plan.ignored:
            lines.append(f"Columns not imported: {', '.join(plan.ignored)}")
        lines += [f"Note: {plain(note)}" for note in plan.notes()]
        report.set_class(False, "-problems")
        report.update("\n".join(lines))
        self.query_one("#form-error", Static).update("")
        self._button(f"Import {children} (ctrl+s)")

    def _button(self, label: str) -> None:
        button = self.query_one("#save", Button)
        button.label = label
        button.refresh(layout=True)  # a label does not resize its button by itself

    def show_error(self, exc: Exception) -> None:
        if isinstance(exc, importing.ImportRefused):  # the store changed since the check
            self._show_plan(None, exc.plan)
            return
        super().show_error(exc)
