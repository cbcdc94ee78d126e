"""My week: everything due or overdue for my children, grouped the way a week is planned
(overdue / today / this week / next two weeks). F3 from anywhere; Enter goes to the place the
item is done: the visit form, the child's meetings, the plan at the action's need."""

from __future__ import annotations

import uuid

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from cintui.casework import caseload
from cintui.casework import due as due_cases
from cintui.domain.consent import BEFORE_SUPPORT, NO_VALID_SERVICE
from cintui.domain.dates import day_text
from cintui.domain.due import (
    GROUP_LABELS,
    GROUPS,
    DueGroups,
    DueItem,
    before_support,
    describe_left,
    item_day,
    worker_names,
)
from cintui.domain.family_text import shorten_at_word
from cintui.domain.timescales import DueState
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable

from .widgets.footer import Footer
from .widgets.loading import LoadingAfter
from .widgets.typed import KeysAsRead, as_read

VIEWS = {"mine": "My children", "team": "My team"}
STATE_STYLE = {DueState.OVERDUE: "bold red", DueState.DUE_TODAY: "bold yellow",
               DueState.DUE_SOON: "yellow", DueState.UPCOMING: ""}
WHERE = {"visit": "Enter: the visit form", "meetings": "Enter: the child's meetings",
         "plan": "Enter: the plan, at this need", "consent": "Enter: the child's consent",
         "summary": "Enter: the child's record",
         "closure": "Enter: the child's closure (t: family told)",
         "step_down": "Enter: the child's step-down (x: complete)",
         "supervision": "Enter: the child's supervision (STO 8.5)",
         "short_breaks": "Enter: the child's short breaks and direct payments (WAR 7.2.1)",
         "no_change": "Enter: the child's record (D there: the conference considered)",
         # WAR 4.2: a disabled young person turning 18, no referral recorded yet
         "adult_social_care": "Enter: record the referral to adult social care (WAR 4.2)"}
# An item whose step there is not the one its place is known for: the closure screen's `t`
# is the family told; a young person turning 18 (s17(10)) needs the closure recommended.
WHERE_FOR = {"turns_18": "Enter: the child's closure (r: recommend it, RC6 for adult services)"}


def _heading(group: str, grouped: DueGroups) -> str:
    """A group's line in the list: "Next two weeks (4)"."""
    return f"{GROUP_LABELS[group]} ({len(grouped.groups.get(group) or [])})"


def _what(item: DueItem, width: int = 30) -> str:
    if before_support(item):  # WAR 4.2: at the referral or the assessment
        return "Consent before support" if width >= 22 else "Consent: pre-support"
    if item.key == "consent":  # whole at 80 columns; why, in full: the line underneath
        return "No valid consent (CIN service)" if width >= 30 else \
            "No valid consent (CIN)" if width >= 22 else "No consent (CIN)"
    if item.key == "plan_action" and item.detail:
        return f"Action: {item.detail}"
    if item.key == "supervision_action" and item.detail:
        return f"Supervision action: {item.detail}"
    if item.key in ("short_break_review", "direct_payment_review") and item.detail:
        return f"Review: {item.detail}"  # WAR 7.2.1
    return item.label


class MyWeekScreen(KeysAsRead, Screen):
    DEFAULT_CSS = """
    MyWeekScreen #week-title { height: auto; padding: 0 1; background: $boost; }
    MyWeekScreen #week-table { height: 1fr; }
    MyWeekScreen #week-empty { padding: 1 2; height: auto; }
    MyWeekScreen #week-detail { height: auto; max-height: 5; padding: 0 1; background: $boost; }
    """
    # Keys act as read (`KeysAsRead`): "Enter a" typed at once is the visit form opened
    # with its child seen alone, where the "a" once reached this list and was lost.
    BINDINGS = [
        as_read("escape", "back", "Back"),
        as_read("1", "view('mine')", "Mine"),
        as_read("2", "view('team')", "My team"),
        as_read("r", "reload", "Refresh"),
        *KeysAsRead.TABLE_ROWS,
        as_read("enter", "open_item", "Go to it", show=False),
    ]

    def __init__(self, view: str = "mine", **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view if view in VIEWS else "mine"
        self.grouped: DueGroups | None = None
        self.items: dict[str, DueItem] = {}  # row key -> item
        self._landing = view == "mine"  # the first load: the team's if you hold none
        self._landed_on_team = False  # ...as it did: the title says why
        self._commits_seen = -1
        # The team's week (or everyone's): whose each item is, by first name (`worker_names`);
        # 0 on my own children's week. A manager could not tell whose overdue visit it was.
        self._worker_width = 0
        # The widest group heading shown ("Next two weeks (4)"): Child is never narrower, or
        # at 80 columns the team's week read "Next two weeks (" and hid the count.
        self._heading_width = 0
        self._worker_names: dict[str, str] = {}
        self._name: str | None = None  # the worker's name, for the title

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="week-title")
        table = PlainTable(id="week-table", cursor_type="row", zebra_stripes=False)
        # A group's heading ("Next two weeks (3)") is not a stop: ↑ / ↓ / PgUp / PgDn go
        # on past it, so each key lands on an item and Enter always has one to open (a
        # heading's line under the list was blank and its Enter did nothing).
        table.heading_prefix = "group:"
        yield table
        yield Static("", id="week-empty")
        yield Static("", id="week-detail")
        yield Footer()

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one("#week-empty").display = False
        self.query_one(DataTable).focus()
        self.reload()

    # The widest layout (with Source and the reference) needs this many columns: under it,
    # as on a laptop's 80, the line under the table gives both for the highlighted item.
    # (At 100-117 the table ran off the screen's edge: "TRA (Assess", "England def".)
    WIDE = 120

    @property
    def _narrow(self) -> bool:
        """No Source column and no reference beside the name (under `WIDE` columns, and the
        Worker column's more on the team's week)."""
        worker = self._worker_width + 2 if self._worker_width else 0
        return self.app.size.width < self.WIDE + worker

    def _column_widths(self) -> tuple[int, ...]:
        """Child and What share what the terminal has beyond the fixed columns, so a wide
        terminal shows whole names and actions. The team's week has Worker after Child: at
        80 columns What is 26 wide ("No valid consent (CIN)"; 21 when Due has a year)."""
        due, worker = self._due_width, self._worker_width
        fixed = due + 14 + (0 if self._narrow else 30) + worker
        columns = (4 if self._narrow else 5) + (1 if worker else 0)
        spare = self.app.size.width - fixed - 2 * columns - 2  # cell padding, scrollbar
        child = max((16 if worker else 18) if self._narrow else 24, spare * 2 // 5,
                    self._heading_width)
        what = max(20 if self._narrow else 34, spare - child)
        return (due, child, *([worker] if worker else []), what, 14,
                *([] if self._narrow else [30]))

    @property
    def _labels(self) -> tuple[str, ...]:
        return ("Due", "Child", *(["Worker"] if self._worker_width else []), "What", "Left",
                "Source")

    # " 7 Jan", or "15 Feb 2028" when a date shown is not this year's (`due_day`)
    _due_width = 6

    def _add_columns(self) -> None:
        self._widths = self._column_widths()
        table = self.query_one(DataTable)
        for label, width in zip(self._labels, self._widths, strict=False):
            # "Left" over its days, aligned on the right as they are ("9 wd" under "134 wd")
            table.add_column(Text(label, justify="right") if label == "Left" else label,
                             width=width)

    def on_resize(self) -> None:
        if self._column_widths() == getattr(self, "_widths", None):
            if self.items:
                self._detail()  # its lines fitted to the new width
            return
        table = self.query_one(DataTable)
        was, row = self.current, table.cursor_row  # clearing the columns moves it to the top
        table.clear(columns=True)
        self._add_columns()
        if self.grouped is not None:
            self._show(self.grouped, *self._shown, keep=(was, row))

    def refresh_from_store(self) -> None:
        """Others' changes, read again in place (screens/live.py)."""
        self.reload()

    def on_screen_resume(self) -> None:
        if getattr(self.app, "store_commits", 0) != self._commits_seen:
            self.reload()  # a visit finalised, minutes sent...: the list has changed

    # ---------------------------------------------------------------- loading

    def action_view(self, view: str) -> None:
        self.view = view
        self._landed_on_team = False
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._commits_seen = getattr(self.app, "store_commits", 0)
        self._loading_shown().start()
        self._load(self.view, getattr(self.app, "worker", None))

    def _loading_shown(self) -> LoadingAfter:
        if getattr(self, "_loading", None) is None:
            self._loading = LoadingAfter(self.query_one(DataTable))
        return self._loading

    @work(thread=True, exclusive=True, group="my-week")
    def _load(self, view: str, worker: str | None) -> None:
        app = self.app
        if worker is None:
            view = "everyone"
        landing, self._landing = self._landing, False
        with caseload.reading(app.store) as rows:
            if landing and view == "mine" and not caseload.holds_any(rows, worker):
                view = "team"  # a manager, a worker new to the team: the team's week
                self._landed_on_team = True
            grouped = due_cases.load_due(rows, app.today, view=view, username=worker)
            # named as the app names people: "My team (tom.abbiss)" gave the username
            self._name = caseload.worker_name(rows, worker) or worker
        app.call_from_thread(self._show, grouped, view, worker)

    def _show(self, grouped: DueGroups, view: str, worker: str | None,
              keep: tuple[DueItem | None, int] | None = None) -> None:
        """The items grouped, the cursor on the item it was on (`keep`: the item and row
        before the caller cleared the table), or on the same row if that item went."""
        self._loading_shown().done()
        if view in VIEWS:
            self.view = view  # the team's, where the first load landed there
        self.grouped, self._shown = grouped, (view, worker)
        table = self.query_one(DataTable)
        was, keep_row = keep or (self.current, table.cursor_row)
        wanted = max((len(item_day(i, grouped.today)) for i in grouped.items()), default=6)
        names = worker_names(grouped.items()) if view != "mine" else {}
        longest = max((len(n) for n in names.values()), default=0)
        whose_width = min(max(longest, len("Worker")), 10) if names else 0
        heading = max((len(_heading(g, grouped)) for g in GROUPS if grouped.groups.get(g)),
                      default=0)
        if (max(wanted, 6), whose_width, heading) != (
                self._due_width, self._worker_width, self._heading_width):
            # a year shown, or no longer: Due fits it; the team's: whose each item is
            self._due_width, self._worker_width = max(wanted, 6), whose_width
            self._heading_width = heading
            table.clear(columns=True)
            self._add_columns()
        self._worker_names = names
        table.clear()
        self.items = {}
        for g in GROUPS:
            items = grouped.groups.get(g) or []
            if not items:
                continue
            style = "bold red" if g == "overdue" else "bold"
            columns = len(self._widths)
            table.add_row(Text(""), Text(_heading(g, grouped), style=style),
                          *[""] * (columns - 2), key=f"group:{g}")
            for n, item in enumerate(items):
                key = f"{g}:{n}"
                self.items[key] = item
                state = STATE_STYLE.get(item.state, "")
                child = item.child.name if self._narrow else \
                    f"{item.child.name} {item.child.reference}"
                whose = [names[item.child.worker_username]] if names else []
                table.add_row(
                    Text(item_day(item, grouped.today), style=state),
                    child, *whose, _what(item, self._widths[-2 if self._narrow else -3]),
                    Text(describe_left(item), style=state, justify="right"),  # 9 under 134
                    *([] if self._narrow else [item.source]), key=key)
        who = "everyone (no worker chosen: Ctrl+P → Who am I)" if worker is None \
            else f"{VIEWS[view]} ({plain(self._name or worker)}" + (
                ": you hold no children, 1 for yours)"
                if self._landed_on_team and view == "team" else ")")
        counts = " · ".join(f"{GROUP_LABELS[g]} {grouped.count(g)}" for g in GROUPS
                            if g != "later" or grouped.count(g))
        self.query_one("#week-title", Static).update(
            f"[b]My week[/b] · {who} · {day_text(grouped.today)} · {counts}")
        empty = self.query_one("#week-empty", Static)
        empty.update("Nothing overdue and nothing due in the next two weeks. "
                     "Press 2 for your team's, or Esc to go back.")
        empty.display = not self.items
        table.display = bool(self.items)
        if self.items:
            same = [key for key, item in self.items.items() if was is not None
                    and (item.child.reference, item.label) == (was.child.reference, was.label)]
            table.move_cursor(row=table.get_row_index(same[0]) if same else
                              min(max(keep_row, 1), table.row_count - 1))
        self._detail()

    # ---------------------------------------------------------------- the highlighted item

    @property
    def current(self) -> DueItem | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return self.items.get(key or "")

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._detail()

    def _detail(self) -> None:
        item = self.current
        box = self.query_one("#week-detail", Static)
        if item is None:
            box.update("")
            return
        due = f"{day_text(item.due)}" if item.due else "now"
        when = "before support starts" if before_support(item) else \
            f"due {due} ({describe_left(item)})"  # one line at 80 columns, as "due now (now)"
        head = f"{item.child.name} {item.child.reference} · {item.label} · {when}"
        rule = f"Rule: {item.rule} ({item.source})"
        if item.detail:  # consent: why, not "No valid consent" again under its label
            why = item.detail.removeprefix(f"{NO_VALID_SERVICE}: ")
            rule += f" · {why.removeprefix(f'{item.label} {BEFORE_SUPPORT}: ')}"
        where = WHERE[item.goes_to] if item.goes_to else \
            WHERE_FOR.get(item.key) or WHERE[item.target]
        # The rule and why get the lines the head and the Enter line leave: a young person's
        # refusal, with the parent's name, ran on past the box and hid what Enter does.
        width = max(self.app.size.width - 2, 20)  # the box's padding
        left = self.DETAIL_LINES - len(self._wrapped(where, width))
        head = self._fitted(head, width, max(min(left - 2, 2), 1))  # whose, and what
        left -= len(self._wrapped(head, width))
        text = Text(f"{head}\n")
        text.stylize("bold", 0, len(f"{item.child.name} {item.child.reference}"))
        text.append(self._fitted(rule, width, max(left, 1)))
        text.append(f"\n{where}", style="italic")
        box.update(text)

    DETAIL_LINES = 5  # #week-detail's max-height

    def _wrapped(self, line: str, width: int) -> list[str]:
        return [str(part) for part in Text(line).wrap(self.app.console, width)]

    def _fitted(self, line: str, width: int, lines: int) -> str:
        """`line` in at most `lines` lines of `width`, cut after a word with "…" if longer;
        the consent tab (Enter) says it whole."""
        wrapped = self._wrapped(line, width)
        if len(wrapped) <= lines:
            return line
        rest = " ".join(part.strip() for part in wrapped[lines - 1:])
        return "\n".join([*(part.rstrip() for part in wrapped[:lines - 1]),
                          shorten_at_word(rest, width)])

    def action_open_item(self) -> None:
        self._selected()

    @on(DataTable.RowSelected)  # a click
    def _selected(self) -> None:
        item = self.current
        if item is None:
            return
        app = self.app
        child_id = uuid.UUID(item.child.id)
        if item.target == "visit":
            app.open_visit(child_id)
        elif item.target == "plan":
            app.push_screen(app.make_screen("plan", child_id=child_id, need_key=item.need_key))
        elif item.target == "adult_social_care":  # WAR 4.2: the circumstances, at it
            app.push_screen(app.make_screen("child", child_id=child_id))
            self._record_adult_care(child_id)
        elif item.target in ("closure", "step_down", "supervision", "short_breaks"):
            # the record underneath, so Esc from the ending lands on the child
            app.push_screen(app.make_screen("child", child_id=child_id))
            app.push_screen(app.make_screen(item.target, child_id=child_id))
        else:
            tab = item.target if item.target not in ("summary", "no_change") else None
            app.push_screen(app.make_screen("child", child_id=child_id, tab=tab))

    def _record_adult_care(self, child_id: uuid.UUID) -> None:
        """The child's circumstances form, the cursor in Adult social care (WAR 4.2)."""
        from cintui.casework import steps as case_steps
        from cintui.domain.steps import ADULT_SOCIAL_CARE

        from .steps import CircumstancesFormScreen

        with self.app.store.read() as session:
            current, disabilities = case_steps.circumstances_now(session, child_id)
        self.app.push_screen(CircumstancesFormScreen(
            child_id, current, "" if disabilities == "NONE" else disabilities,
            focus=ADULT_SOCIAL_CARE))

    def action_back(self) -> None:
        self.app.pop_screen()
