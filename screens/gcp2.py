"""Graded Care Profile 2 on the child's record (STO 4.3, 6.11, 7.1; TRA): `G` on the record
(or Ctrl+P "Record: Graded Care Profile 2"). The child's GCP2s, newest first, with each
area's grades over time; `n` records one (the date, the assessor, a grade 1-5 per area, the
summary in the worker's words, the needs of the plan it is attached to). Only area names,
grades and the worker's words: the scale's text is licensed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Static

from cintui.casework import cases
from cintui.casework import gcp2 as gcp2_cases
from cintui.domain import gcp2 as rules
from cintui.domain.dates import day_words
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable

from .forms import FormScreen
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

HEADER = ("Graded Care Profile 2 (STO 4.3, 6.11, 7.1): grades 1 (best care) to 5 (poorest) · "
          "n new · Esc back")


class Gcp2Screen(KeysAsRead, Screen):
    """The child's GCP2s and each area's grades over time."""

    READS_IN_BACKGROUND = True  # `reading_done` once shown (typed.py)

    DEFAULT_CSS = """
    Gcp2Screen #gcp2-header { height: auto; padding: 0 1; background: $boost; }
    Gcp2Screen #gcp2-table { height: 1fr; }
    Gcp2Screen #gcp2-history { height: auto; padding: 0 1; }
    Gcp2Screen #gcp2-detail { height: auto; max-height: 12; padding: 0 1; background: $boost; }
    """
    # Every key as read, the arrows too (`typed.KeysAsRead`): the words typed after a key
    # that opens a form wait for it, and "↓ e" acts on the row moved to.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("escape", "back", "Back"),
        as_read("n", "new", "New GCP2"),
    ]

    def __init__(self, child_id: uuid.UUID, **kwargs) -> None:
        super().__init__(**kwargs)
        self.child_id = child_id
        self.view: gcp2_cases.Gcp2View | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(HEADER, id="gcp2-header")
        table = PlainTable(id="gcp2-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Date", "Assessor", *(rules.AREA_LABELS[a] for a in rules.AREAS),
                          "Needs")
        yield table
        yield Static("", id="gcp2-history")
        yield Static("", id="gcp2-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#gcp2-table", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="gcp2")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            found = gcp2_cases.view(session, self.child_id)
        app.call_from_thread(self._show, found)
        app.call_from_thread(self.reading_done)

    def _show(self, found: gcp2_cases.Gcp2View) -> None:
        self.view = found
        self.query_one("#gcp2-header", Static).update(
            f"{plain(found.child)} ({plain(found.reference)}) · {HEADER}")
        table = self.query_one("#gcp2-table", DataTable)
        table.clear()
        for i, f in enumerate(reversed(found.facts)):
            table.add_row(day_words(f.on, pad=True), f.assessor, *(str(f.grade(a)) for a in rules.AREAS),
                          str(len(f.needs)) if f.needs else "—", key=str(i))
        history = self.query_one("#gcp2-history", Static)
        detail = self.query_one("#gcp2-detail", Static)
        if not found.facts:
            history.update("")
            detail.update("No GCP2 yet: n records one.")
            return
        history.update("Over time: " + " · ".join(
            f"{rules.AREA_LABELS[a]} {rules.trend(points)}" for a, points in found.history))
        self._detail(0)

    @on(DataTable.RowHighlighted, "#gcp2-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int) -> None:
        if self.view is None or index >= len(self.view.facts):
            return
        f = list(reversed(self.view.facts))[index]
        text = Text()
        text.append(f"{day_words(f.on)}, {f.assessor}: ", style="bold")
        text.append(f.summary)
        for need in f.needs:
            text.append(f"\nAttached to: {need}")
        self.query_one("#gcp2-detail", Static).update(text)

    def action_new(self) -> None:
        if not self.after_reading(self.action_new):
            return  # the plan's needs to attach it to are read with the screen
        needs = self.view.needs if self.view else []
        with self.app.store.read() as session:  # the worker at the keyboard, by name
            known, name = cases.author(session, self.app.worker or self.app.actor)
        self.app.push_screen(Gcp2FormScreen(self.child_id, needs, name if known else ""),
                             self._saved)

    def _saved(self, result: object) -> None:
        if result:
            if isinstance(result, list) and result:
                self.notify(" ".join(result), severity="warning", timeout=10)
            self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


class Gcp2FormScreen(FormScreen):
    """STO 7.1: a GCP2 as grades and the worker's words, attached to needs of the plan."""

    CLOSED_FIRST = ("on", "a GCP2 assessment")
    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    def __init__(self, child_id: uuid.UUID, needs: list[str], assessor: str = "") -> None:
        super().__init__()
        self.child_id = child_id
        self.needs = needs
        self.assessor = assessor  # offered: the worker at the keyboard, changed if another
        self.TITLE_TEXT = ("Graded Care Profile 2: a grade for each area, 1 (best care) to 5 "
                           "(poorest), and your summary (STO 4.3, 7.1)")

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Date", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("assessor", "Assessor", self.text(self.assessor, "who completed it"))
        for area in rules.AREAS:
            yield self.row(area, rules.AREA_LABELS[area], self.text("", "1 to 5"))
        yield self.row("summary", "Summary", self.text(
            "", "what the grades mean for this child, in your words"))
        listed = "; ".join(f"{i} {text[:40]}" for i, text in enumerate(self.needs, start=1))
        yield self.row("needs", "Attach to needs", self.text(
            "", f"numbers, e.g. 1, 3 — {listed}" if listed else "the plan has no needs yet"))

    def on_mount(self) -> None:
        self.query_one(f"#{rules.AREAS[0]}" if self.assessor else "#assessor").focus()

    def _grades(self, problems: dict[str, str] | None = None) -> dict[str, int | None]:
        grades = {}
        for area in rules.AREAS:
            value, problem = rules.parse_grade(self.text_of(area))
            if problem and problems is not None and area in self.touched:
                problems[area] = problem
            grades[area] = value
        return grades

    def _needs(self, problems: dict[str, str] | None = None) -> list[int]:
        out = []
        for part in self.text_of("needs").replace(",", " ").split():
            if not part.isdigit():
                if problems is not None:
                    problems["needs"] = f"{part!r} is not a need's number"
                continue
            out.append(int(part))
        return out

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        self._grades(problems)
        self._needs(problems)
        return problems

    def after_check(self, problems: dict[str, str]) -> None:
        """STO 4.4: a poor grade attached to no need is said as it is typed, not only once
        saved: a GCP2 is never changed afterwards, so the need is attached now or never."""
        warnings = rules.unattached_concerns(self._grades(), self._needs())
        self.query_one("#form-info", Static).update(
            "\n".join(f"⚠ {w} (the needs: last box)" for w in warnings))

    def build(self):
        when, assessor, summary = self.date_of("on"), self.text_of("assessor"), \
            self.text_of("summary")
        grades, needs = self._grades(), self._needs()
        child_id, actor, today = self.child_id, self.app.actor, self.app.today

        def job(session):
            _row, warnings = gcp2_cases.record(session, child_id, on=when, assessor=assessor,
                                               grades=grades, summary=summary, needs=needs,
                                               recorded_by=actor, today=today)
            return warnings or True
        return job
