"""Short breaks and direct payments on the child's record (WAR 7; TRA CAN team; BEX short
breaks; WAR 7.2.1 reviewed at least annually): `H` on the record (or Ctrl+P "Record: short
breaks and direct payments"). One list of the child's packages, each with its next review
(overdue or due soon as on the due list); `b` adds a short break, `p` a direct payment,
`e` changes the one highlighted, `r` records its review (the next set), `x` ends it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Static

from cintui.casework import short_breaks as sb
from cintui.domain import short_breaks as rules
from cintui.domain.dates import day_words
from cintui.domain.text import first_upper
from cintui.domain.timescales import DueState
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable

from .forms import FormScreen
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read


def _iso(d) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


class ShortBreaksScreen(KeysAsRead, Screen):
    """The child's short breaks and direct payments, and their reviews."""

    READS_IN_BACKGROUND = True  # `reading_done` once shown (typed.py)

    DEFAULT_CSS = """
    ShortBreaksScreen #sb-header { height: auto; padding: 0 1; background: $boost; }
    ShortBreaksScreen #sb-table { height: 1fr; }
    ShortBreaksScreen #sb-detail { height: auto; max-height: 14; padding: 0 1;
                                   background: $boost; }
    """
    # Every key as read, the arrows too (`typed.KeysAsRead`): the words typed after a key
    # that opens a form wait for it, and "↓ e" acts on the row moved to.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("escape", "back", "Back"),
        # Short words in the footer (80 columns), the whole in ? help (the tooltip).
        as_read("b", "add_short_break", "Add break", tooltip="Add a short break"),
        as_read("p", "add_direct_payment", "Add payment", tooltip="Add a direct payment"),
        as_read("e", "edit", "Edit", tooltip="Edit the highlighted short break or payment"),
        as_read("r", "review", "Review",
                tooltip="Record a review of the highlighted one (WAR 7.2.1)"),
        as_read("x", "end", "End", tooltip="End the highlighted short break or payment"),
    ]

    def __init__(self, child_id: uuid.UUID, **kwargs) -> None:
        super().__init__(**kwargs)
        self.child_id = child_id
        self.shown: sb.SupportView | None = None
        self.rows: list[tuple[str, int, object]] = []  # (kind, number, fact) per table row

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="sb-header")
        yield PlainTable(id="sb-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sb-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sb-table", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="short-breaks")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            found = sb.view(session, self.child_id)
        app.call_from_thread(self._show, found)
        app.call_from_thread(self.reading_done)

    def _show(self, found: sb.SupportView) -> None:
        self.shown = found
        today = self.app.today
        self.query_one("#sb-header", Static).update(
            f"Short breaks and direct payments: {plain(found.child)} ({plain(found.reference)}). Reviewed "
            f"at least: short breaks {found.short_break_policy}; direct payments "
            f"{found.direct_payment_policy}. b short break · p direct payment · e edit · "
            "r review · x end")
        table = self.query_one("#sb-table", DataTable)
        keep = table.cursor_row  # the row the worker was on stays highlighted
        self.rows = [("short_break", i, f) for i, f in enumerate(found.short_breaks, 1)] + \
                    [("direct_payment", i, f) for i, f in enumerate(found.direct_payments, 1)]
        lines = []
        for kind, i, f in self.rows:
            label = ("SB" if kind == "short_break" else "DP") + str(i)
            if f.open:
                due = rules.review_state(f.review_due, today)
                state = Text(due.state.value, style="bold red" if due.overdue else
                             "yellow" if due.state is not DueState.UPCOMING else "")
                review = day_words(f.review_due, pad=True)
            else:
                state, review = Text(f"ended {day_words(f.ended_on)}", style="dim"), "—"
            lines.append((label, f.describe(), day_words(f.started_on, pad=True), review, state))
        self._columns(table, lines)
        for n, line in enumerate(lines):
            table.add_row(*line, key=str(n), height=None)  # What wraps when narrow
        detail = self.query_one("#sb-detail", Static)
        if not self.rows:
            detail.update("No short break or direct payment yet: b adds a short break, p a "
                          "direct payment." + ("" if found.disabled else " They are for a "
                          "disabled child (WAR 7.1): record the child's disability first."))
        else:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
            self._detail(table.cursor_row)

    COLUMNS = ("#", "What", "Since", "Next review", "State")

    def _columns(self, table: DataTable, lines: list[tuple]) -> None:
        """Every column whole in the width there is: What takes what the others leave and
        wraps in it. At 80 columns it took the lot and cut off Next review and State."""
        table.clear(columns=True)
        widths = [max([len(title), *(len(str(line[c])) for line in lines)])
                  for c, title in enumerate(self.COLUMNS)]
        # Each column's padding (2), the scrollbar (2).
        room = self.app.size.width - 2 * len(widths) - 2 - sum(widths) + widths[1]
        widths[1] = max(20, min(widths[1], room))
        for title, width in zip(self.COLUMNS, widths, strict=True):
            table.add_column(title, width=width)

    def on_resize(self) -> None:
        if self.shown is not None:
            self._show(self.shown)

    @on(DataTable.RowHighlighted, "#sb-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        _kind, _i, f = self.rows[index]
        text = Text()
        text.append(rules.package_line(f) + ". ", style="bold")
        if f.notes:
            text.append(f"Notes: {f.notes} ")
        for r in f.reviews:
            text.append(f"\nReviewed {day_words(r.on)}" + (f" by {r.by}" if r.by else "")
                        + (f": {r.notes}" if r.notes else ""))
        self.query_one("#sb-detail", Static).update(text)

    def _current(self) -> tuple[str, int, object] | None:
        if not self.rows:
            self.notify("Nothing to choose: add a short break (b) or a direct payment (p).",
                        severity="warning")
            return None
        return self.rows[min(self.query_one("#sb-table", DataTable).cursor_row,
                             len(self.rows) - 1)]

    def _open_one(self) -> tuple[str, int, object] | None:
        current = self._current()
        if current is not None and not current[2].open:
            self.notify(f"It ended on {day_words(current[2].ended_on)}.", severity="warning")
            return None
        return current

    def action_add_short_break(self) -> None:
        self._disabled_first(lambda: self.app.push_screen(ShortBreakFormScreen(self.child_id),
                                                          self._saved))

    def action_add_direct_payment(self) -> None:
        self._disabled_first(lambda: self.app.push_screen(
            DirectPaymentFormScreen(self.child_id), self._saved))

    def _disabled_first(self, then) -> None:
        """WAR 7.1: short breaks and direct payments are for a disabled child. With no
        disability recorded the form was refused on Ctrl+S, naming a command line to run;
        now the child's circumstances open first, the disability box ready, and once it is
        saved the form asked for opens."""
        if not self.after_reading(lambda: self._disabled_first(then)):
            return  # whether the child is disabled is read with the screen
        if self.shown is None or self.shown.disabled:
            then()
            return
        from cintui.casework import steps as cs

        from .steps import CircumstancesFormScreen

        with self.app.store.read() as session:
            current, disabilities = cs.circumstances_now(session, self.child_id)
        form = CircumstancesFormScreen(self.child_id, current,
                                       "" if disabilities == "NONE" else disabilities,
                                       focus="disability")
        self.notify("Short breaks and direct payments are for a disabled child (WAR 7.1): "
                    "record the child's disability first (census codes or words).")

        def saved(result: object) -> None:
            if not result:
                return
            self.reload()
            with self.app.store.read() as session:
                disabled = sb.view(session, self.child_id).disabled
            if disabled:
                then()

        self.app.push_screen(form, saved)

    def action_edit(self) -> None:
        if not self.after_reading(self.action_edit) or (current := self._open_one()) is None:
            return
        kind, number, fact = current
        form = ShortBreakFormScreen if kind == "short_break" else DirectPaymentFormScreen
        self.app.push_screen(form(self.child_id, number, fact), self._saved)

    def action_review(self) -> None:
        if self.after_reading(self.action_review) and (current := self._open_one()) is not None:
            self.app.push_screen(ReviewFormScreen(self.child_id, *current), self._saved)

    def action_end(self) -> None:
        if self.after_reading(self.action_end) and (current := self._open_one()) is not None:
            self.app.push_screen(EndFormScreen(self.child_id, *current), self._saved)

    def _saved(self, result: object) -> None:
        if result:
            self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


class _Form(FormScreen):
    KEEP_TYPED = True  # what was typed, back after a crash or the idle lock

    def kept_as(self) -> str:  # which package or payment (None: a new one)
        return f"{type(self).__name__}:{getattr(self, 'kind', '')}:{self.number}"

    def dated(self, problems: dict[str, str], name: str, required: bool = True):
        try:
            when = self.date_of(name)
        except ValueError as exc:
            problems[name] = str(exc)
            return None
        if when is None and required:
            problems[name] = "give the date"
        return when


class ShortBreakFormScreen(_Form):
    """A short-break package: provider, type, hours a week or a month, start, review."""

    CLOSED_FIRST = ("start", "a short break starting")

    def __init__(self, child_id: uuid.UUID, number: int | None = None,
                 fact: rules.ShortBreakFact | None = None) -> None:
        super().__init__()
        self.child_id, self.number, self.fact = child_id, number, fact
        if number is not None:  # one that began while the case was open, changed
            self.CLOSED_FIRST = None
        self.seen = sb.fact_stamp(fact) if fact else ""  # saved over only knowingly
        self.TITLE_TEXT = ("Change the short break" if fact else "Add a short break") + \
            " (WAR 7; TRA; BEX)"

    def fields(self) -> Iterable[Widget]:
        f = self.fact
        yield self.row("provider", "Provider", self.text(f.provider if f else "",
                                                         "a unit, a carer, a scheme"))
        yield self.row("kind", "Type", self.choice(
            [(first_upper(rules.KIND_LABELS[k]), k) for k in rules.SHORT_BREAK_KINDS],
            f.kind if f else "overnight",
            keys={"overnight": "o", "day": "d", "community": "c", "other": "t"}))
        yield self.row("hours", "Hours", self.text(f"{f.hours:g}" if f else "", "e.g. 8"))
        yield self.row("per", "  per", self.choice([("week", "week"), ("month", "month")],
                                                   f.per if f else "week",
                                                   keys={"week": "w", "month": "m"}))
        yield self.row("start", "Started", self.text(
            _iso(f.started_on) if f else f"{self.app.today:%d/%m/%Y}"))
        yield self.row("review", "Review by", self.text(
            _iso(f.review_due) if f else "", "blank: the interval, or by the 18th birthday"))
        yield self.row("notes", "Notes", self.text(f.notes if f else ""))

    def on_mount(self) -> None:
        self.query_one("#provider").focus()

    def _hours(self, problems: dict[str, str]) -> float | None:
        raw = self.text_of("hours")
        if not raw:
            problems["hours"] = "give the hours of short breaks (more than 0)"
            return None
        try:
            return rules.parse_hours(raw)
        except ValueError as exc:
            problems["hours"] = str(exc)
            return None

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        hours = self._hours(problems)
        start = self.dated(problems, "start")
        review = self.dated(problems, "review", required=False)
        if not self.text_of("provider"):
            problems["provider"] = "name the provider (a unit, a carer, a scheme)"
        per = self.value("per") or ""
        if hours is not None and per in rules.MAX_HOURS and hours > rules.MAX_HOURS[per]:
            problems["hours"] = f"more than there are in a {per} ({rules.MAX_HOURS[per]})"
        elif hours is not None and hours <= 0 and "hours" not in problems:
            problems["hours"] = "give the hours of short breaks (more than 0)"
        if start and review and review <= start:
            problems["review"] = "the review comes after the start"
        return problems

    def build(self):
        new = sb.ShortBreakInput(self.text_of("provider"), self.value("kind") or "",
                                 rules.parse_hours(self.text_of("hours")),
                                 self.value("per") or "", self.date_of("start"),
                                 self.date_of("review"), self.text_of("notes"))
        child_id, actor, number = self.child_id, self.app.actor, self.number
        if self.fact is None:
            return lambda s: sb.add_short_break(s, child_id, new, by=actor) and True
        seen = self.seen
        return lambda s: sb.edit_short_break(s, child_id, number, new, seen=seen) and True


class DirectPaymentFormScreen(_Form):
    """A direct payment: amount and period, who manages it, start, review (WAR 7.2.1)."""

    CLOSED_FIRST = ("start", "a direct payment starting")

    def __init__(self, child_id: uuid.UUID, number: int | None = None,
                 fact: rules.DirectPaymentFact | None = None) -> None:
        super().__init__()
        self.child_id, self.number, self.fact = child_id, number, fact
        if number is not None:  # one that began while the case was open, changed
            self.CLOSED_FIRST = None
        self.seen = sb.fact_stamp(fact) if fact else ""  # saved over only knowingly
        self.TITLE_TEXT = ("Change the direct payment" if fact else "Add a direct payment") \
            + " (WAR 4.2, 7.2.1)"

    def fields(self) -> Iterable[Widget]:
        f = self.fact
        yield self.row("amount", "Amount (£)", self.text(
            f"{f.amount_pence / 100:.2f}" if f and f.amount_pence is not None else "",
            "e.g. 120.50"))
        yield self.row("period", "  paid", self.choice(
            [(rules.PERIOD_WORDS[p], p) for p in rules.PAY_PERIODS],
            (f.period if f else "") or "week",
            keys={"week": "w", "four_weeks": "4", "month": "m", "year": "y"}))
        yield self.row("managed_by", "Managed by", self.text(
            f.managed_by if f else "", "a parent, the young person, a managed account"))
        yield self.row("start", "Started", self.text(
            _iso(f.started_on) if f else f"{self.app.today:%d/%m/%Y}"))
        yield self.row("review", "Review by", self.text(
            _iso(f.review_due) if f else "", "blank: 12 months, or by the 18th birthday"))
        yield self.row("notes", "Notes", self.text(f.notes if f else ""))

    def on_mount(self) -> None:
        self.query_one("#amount").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        raw = self.text_of("amount")
        try:
            if not raw or rules.parse_money(raw) <= 0:
                problems["amount"] = "give the amount paid (more than £0)"
        except ValueError as exc:
            problems["amount"] = str(exc)
        start = self.dated(problems, "start")
        review = self.dated(problems, "review", required=False)
        if not self.text_of("managed_by"):
            problems["managed_by"] = "say who manages the payment"
        if start and review and review <= start:
            problems["review"] = "the review comes after the start"
        return problems

    def build(self):
        new = sb.DirectPaymentInput(rules.parse_money(self.text_of("amount")),
                                    self.value("period") or "", self.text_of("managed_by"),
                                    self.date_of("start"), self.date_of("review"),
                                    self.text_of("notes"))
        child_id, actor, number = self.child_id, self.app.actor, self.number
        if self.fact is None:
            return lambda s: sb.add_direct_payment(s, child_id, new, by=actor) and True
        seen = self.seen
        return lambda s: sb.edit_direct_payment(s, child_id, number, new, seen=seen) and True


class ReviewFormScreen(_Form):
    """WAR 7.2.1: a review held; the next one set (blank: the policy's interval)."""

    def __init__(self, child_id: uuid.UUID, kind: str, number: int, fact) -> None:
        super().__init__()
        self.child_id, self.kind, self.number, self.fact = child_id, kind, number, fact
        self.TITLE_TEXT = f"Review: {fact.describe()} (WAR 7.2.1)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Reviewed on", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("notes", "What was found", self.text(
            "", "is it meeting the child's needs? the family's view"))
        yield self.row("next", "Next review by", self.text(
            "", "blank: the interval, or by the 18th birthday"))

    def on_mount(self) -> None:
        self.query_one("#notes").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        on_ = self.dated(problems, "on")
        nxt = self.dated(problems, "next", required=False)
        if on_ and on_ > self.app.today:
            problems["on"] = f"{day_words(on_)} is in the future"
        if on_ and nxt and nxt <= on_:
            problems["next"] = "the next review comes after this one"
        return problems

    def build(self):
        on_, notes, nxt = self.date_of("on"), self.text_of("notes"), self.date_of("next")
        child_id, kind, number = self.child_id, self.kind, self.number
        actor, today = self.app.actor, self.app.today
        return lambda s: sb.record_review(s, child_id, kind, number, on=on_, by=actor,
                                          notes=notes, next_due=nxt, today=today) and True


class EndFormScreen(_Form):
    """The package ended, and why: its review clock stops."""

    def __init__(self, child_id: uuid.UUID, kind: str, number: int, fact) -> None:
        super().__init__()
        self.child_id, self.kind, self.number = child_id, kind, number
        self.TITLE_TEXT = f"End: {fact.describe()}"

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Ended on", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("reason", "Why", self.text(
            "", "no longer needed, moved to adult services, family's choice"))

    def on_mount(self) -> None:
        self.query_one("#reason").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        on_ = self.dated(problems, "on")
        if on_ and on_ > self.app.today:
            problems["on"] = f"{day_words(on_)} is in the future"
        if not self.text_of("reason"):
            problems["reason"] = "say why it ended"
        return problems

    def build(self):
        on_, reason = self.date_of("on"), self.text_of("reason")
        child_id, kind, number, today = self.child_id, self.kind, self.number, self.app.today
        return lambda s: sb.end(s, child_id, kind, number, on=on_, reason=reason,
                                today=today) and True


__all__ = ["DirectPaymentFormScreen", "EndFormScreen", "ReviewFormScreen",
           "ShortBreakFormScreen", "ShortBreaksScreen"]
