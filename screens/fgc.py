"""Family Group Conferences on the child's record (WAR 4.2, 9.3; STO 6.13, 7.5): `F` on the
record (or Ctrl+P "Record: Family Group Conference"). The screen lists the child's FGCs;
`r` refers the family, `h` records the conference held (the family's own plan and up to
three of its actions, which join the CIN plan's draft as one need: BEX 2 "one coordinated
plan"), `x` records that the family declined."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Static

from cintui.casework import fgc as fgc_cases
from cintui.domain import fgc as rules
from cintui.domain.dates import day_words
from cintui.domain.plan import PlanAction
from cintui.domain.text import first_upper
from cintui.screens.widgets.plain_table import PlainTable

from .forms import FormScreen
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

ACTION_ROWS = 3


class FgcScreen(KeysAsRead, Screen):
    """The child's Family Group Conferences."""

    READS_IN_BACKGROUND = True  # `reading_done` once shown (typed.py)

    DEFAULT_CSS = """
    FgcScreen #fgc-header { height: auto; padding: 0 1; background: $boost; }
    FgcScreen #fgc-table { height: 1fr; }
    FgcScreen #fgc-detail { height: auto; max-height: 12; padding: 0 1; background: $boost; }
    """
    # Every key as read, the arrows too (`typed.KeysAsRead`): the words typed after a key
    # that opens a form wait for it, and "↓ e" acts on the row moved to.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("escape", "back", "Back"),
        as_read("r", "refer", "Refer"),
        as_read("h", "held", "Held: family plan"),
        as_read("x", "declined", "Declined"),
    ]

    def __init__(self, child_id: uuid.UUID, **kwargs) -> None:
        super().__init__(**kwargs)
        self.child_id = child_id
        self.facts: list[rules.FgcFact] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Family Group Conferences (WAR 4.2, 9.3; STO 6.13): the family make "
                     "their own plan; held, its actions join the CIN plan. r refer · h held "
                     "· x declined", id="fgc-header")
        table = PlainTable(id="fgc-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Referred", "Coordinator", "State", "CIN plan")
        yield table
        yield Static("", id="fgc-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#fgc-table", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="fgc")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            found = fgc_cases.facts(session, self.child_id)
        app.call_from_thread(self._show, found)
        app.call_from_thread(self.reading_done)

    def _show(self, found: list[rules.FgcFact]) -> None:
        self.facts = found
        table = self.query_one("#fgc-table", DataTable)
        table.clear()
        for i, f in enumerate(reversed(found)):
            table.add_row(day_words(f.referred_on, pad=True), f.coordinator or "—", f.describe(),
                          f"v{f.plan_version}" if f.plan_version else "—", key=str(i))
        detail = self.query_one("#fgc-detail", Static)
        if not found:
            detail.update("No Family Group Conference yet: r refers the family.")
        else:
            self._detail(0)

    @on(DataTable.RowHighlighted, "#fgc-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int) -> None:
        if index >= len(self.facts):
            return
        f = list(reversed(self.facts))[index]
        text = Text()
        text.append(f"{first_upper(f.describe())}. ", style="bold")
        if f.status == "referred":  # r changes it now, not a new referral
            text.append("r: its coordinator or date · h: held · x: declined. ")
        if f.family_plan:
            text.append(f"The family's plan: {f.family_plan}")
            if f.plan_version:
                text.append(f" (joined CIN plan v{f.plan_version})")
        if f.reason:
            text.append(f"Why declined: {f.reason}")
        self.query_one("#fgc-detail", Static).update(text)

    def _open_referral(self) -> rules.FgcFact | None:
        return next((f for f in reversed(self.facts) if f.status == "referred"), None)

    def action_refer(self) -> None:
        """A referral waiting (not held or declined yet) is opened to change: the
        coordinator, once the FGC service names one; else a new referral."""
        if not self.after_reading(self.action_refer):
            return
        self.app.push_screen(FgcReferFormScreen(self.child_id, self._open_referral()),
                             self._saved)

    def action_held(self) -> None:
        if not self.after_reading(self.action_held):
            return
        if self._open_referral() is None:
            self.notify("Refer the family first (r).", severity="warning")
            return
        self.app.push_screen(FgcHeldFormScreen(self.child_id), self._saved)

    def action_declined(self) -> None:
        if not self.after_reading(self.action_declined):
            return
        if self._open_referral() is None:
            self.notify("Refer the family first (r).", severity="warning")
            return
        self.app.push_screen(FgcDeclinedFormScreen(self.child_id), self._saved)

    def _saved(self, result: object) -> None:
        if result:
            if isinstance(result, int) and not isinstance(result, bool):
                self.notify(f"The family's plan joined CIN plan v{result} (a draft: agree it "
                            "in the plan editor, p on the record).", timeout=8)
            self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


class _Dated(FormScreen):
    KEEP_TYPED = True  # what was typed, back after a crash or the idle lock


class FgcReferFormScreen(_Dated):
    """A new referral; or, with `waiting`, the referral not yet held or declined, changed."""

    CLOSED_FIRST = ("on", "a referral to a Family Group Conference")

    def __init__(self, child_id: uuid.UUID, waiting: rules.FgcFact | None = None) -> None:
        super().__init__()
        self.child_id = child_id
        self.waiting = waiting
        if waiting is not None:  # the referral made while the case was open, changed
            self.CLOSED_FIRST = None
        self.TITLE_TEXT = (
            "Refer the family for a Family Group Conference (WAR 4.2)" if waiting is None
            else f"The FGC referral of {day_words(waiting.referred_on)}, waiting: its coordinator "
                 "once known, or its date")
        if waiting is not None:  # what was typed about it stays with it, not a new one's
            self.kept_key = f"FgcReferFormScreen:{waiting.ref}"

    def fields(self) -> Iterable[Widget]:
        w = self.waiting
        yield self.row("on", "Referred on", self.text(
            f"{(w.referred_on if w else self.app.today):%d/%m/%Y}"))
        yield self.row("coordinator", "Coordinator", self.text(w.coordinator if w else "",
                                                               "if known"))

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        return problems

    def build(self):
        on, coordinator = self.date_of("on"), self.text_of("coordinator")
        child_id, actor, today = self.child_id, self.app.actor, self.app.today
        if self.waiting is not None:
            return lambda session: fgc_cases.edit_referral(
                session, child_id, on=on, coordinator=coordinator, today=today) and True
        return lambda session: fgc_cases.refer(session, child_id, on=on, by=actor,
                                               coordinator=coordinator, today=today) and True


class FgcHeldFormScreen(_Dated):
    """STO 6.13: the family's own plan; its actions join the CIN plan (BEX 2)."""

    CLOSED_FIRST = ("on", "a Family Group Conference held")

    def __init__(self, child_id: uuid.UUID) -> None:
        super().__init__()
        self.child_id = child_id
        self.TITLE_TEXT = "Family Group Conference held: the family's own plan (STO 6.13)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Held on", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("family_plan", "The family's plan", self.text(
            "", "as the family made it, in their words"))
        yield from self.action_rows(ACTION_ROWS, "what")

    def on_mount(self) -> None:
        self.query_one("#family_plan").focus()

    def _actions(self, problems: dict[str, str] | None = None) -> list[PlanAction]:
        return [PlanAction(what, who, by)
                for what, who, by in self.read_action_rows(ACTION_ROWS, problems)]

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        actions = self._actions(problems)
        if not self.text_of("family_plan"):
            problems["family_plan"] = "write the family's plan as they made it (STO 6.13)"
        if not actions and self.touched:
            problems.setdefault("action1", "give at least one action of the family's plan")
        return problems

    def build(self):
        on, plan = self.date_of("on"), self.text_of("family_plan")
        actions = tuple(self._actions())
        child_id, actor, today = self.child_id, self.app.actor, self.app.today

        def job(session):
            _row, number = fgc_cases.record_held(session, child_id, held_on=on,
                                                 family_plan=plan, actions=actions,
                                                 today=today, by=actor)
            return number
        return job


class FgcDeclinedFormScreen(_Dated):
    def __init__(self, child_id: uuid.UUID) -> None:
        super().__init__()
        self.child_id = child_id
        self.TITLE_TEXT = "The family declined the Family Group Conference"

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Declined on", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("reason", "Why", self.text("", "in the family's words"))

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        if not self.text_of("reason"):
            problems["reason"] = "say why, in the family's words if they gave them"
        return problems

    def build(self):
        on, reason = self.date_of("on"), self.text_of("reason")
        child_id, today = self.child_id, self.app.today
        return lambda session: fgc_cases.record_declined(session, child_id, on=on,
                                                         reason=reason, today=today) and True
