"""The caseload: the home screen a social worker opens every morning, with what is due
for each child.

Issue 3 §3."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from cintui.casework import caseload
from cintui.domain.dates import day_short, day_text
from cintui.domain.text import counted
from cintui.domain.timescales import DueState
from cintui.screens import laptop, live, lock
from cintui.screens.widgets.case_table import CaseHeader, CaseTable, Column
from cintui.screens.widgets.loading import LoadingAfter
from cintui.screens.widgets.plain import plain

from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, after_typing, as_read, let_go

STATE_STYLE = {DueState.OVERDUE: "bold red", DueState.DUE_TODAY: "bold yellow",
               DueState.DUE_SOON: "yellow", DueState.UPCOMING: ""}
NO_WORKER = "no worker chosen: Ctrl+P → Who am I"  # the view's note: everyone is shown
# Opened by someone who holds no children (a team manager, a worker new to the team): their
# team's children, not an empty list every morning; 1 is theirs.
HOLDS_NONE = "you hold none: 1 for yours; F4 w: what waits for a manager"
# ...and their team none either (a service manager in no team, a new team): everyone's, the
# service a manager oversees, rather than an empty list saying "press 2" to another.
TEAM_HOLDS_NONE = "you and your team hold none: 1 for yours; F4 w: what waits for a manager"


def _day_month(d) -> str:
    return day_short(d, "—", pad=True)  # " 3 Nov" under "13 Nov" in the column


def _due(deadline, pad: bool = False) -> str:
    """Date and working days left, in words as well as colour (never colour alone); `pad`
    in the table's column (" 3 Dec late 4wd" under "13 Dec late 2wd")."""
    if deadline is None:
        return "—"
    left, day = deadline.working_days_left, day_short(deadline.due, pad=pad)
    if deadline.state is DueState.OVERDUE:
        return f"{day} late {-left}wd"
    if deadline.state is DueState.DUE_TODAY:
        return f"{day} TODAY"
    if deadline.state is DueState.DUE_SOON:
        return f"{day} soon {left}wd"
    return f"{day} {left}wd"


def _review(deadline) -> str:
    """Shorter than a visit: the date, and the word when it is late or near (in the
    table's column: its day padded, as `_due`'s)."""
    if deadline is None:
        return "—"
    word = {DueState.OVERDUE: " late", DueState.DUE_TODAY: " TODAY",
            DueState.DUE_SOON: " soon"}.get(deadline.state, "")
    return f"{day_short(deadline.due, pad=True)}{word}"


def _state_style(deadline) -> str:
    return STATE_STYLE.get(deadline.state, "") if deadline else "dim"


def _due_key(deadline):
    return deadline.due.toordinal() if deadline else 10**9


def _initials(words: str) -> str:
    """"Child in need (s17)" -> "CIN", "Section 47" -> "S47", "Strengthening Families" -> "SF"."""
    words = words.split("(")[0].split()
    return "".join(w if w.isdigit() else w[0].upper() for w in words)


def _age(age: str) -> str:
    if age.startswith("unborn"):
        return "unborn"
    return age.replace(" months", "m").replace(" month", "m").replace(" weeks", "w") \
        .replace(" week", "w")


def _rag(r) -> str:
    """Counts with their letters (never colour alone); "no plan" until the child has one."""
    return f"{r.red}R{r.amber}A{r.green}G" if (r.red or r.amber or r.green) else "no plan"


def _flags(r) -> str:
    """The first flag; with more, how many first (all of them are in the detail line)."""
    return f"{len(r.flags)}: {r.flags[0]}" if len(r.flags) > 1 else "".join(r.flags)


# Fits 120 columns with the flags visible; narrower, the columns with a `drop` go, highest
# first, so 80 columns keep name, age, next visit, meeting and flags. The highlighted child's
# full details (level, service, team, every flag, the rule behind each date) are in the
# line under the table.
COLUMNS = [
    Column("Name", 17, lambda r: r.name, sort_key=lambda r: r.name.split()[-1].lower()),
    Column("Age", 6, lambda r: _age(r.age), drop=1),
    Column("Ref", 9, lambda r: r.reference, sort_key=lambda r: r.reference, drop=5),
    Column("Worker", 11, lambda r: r.worker, sort_key=lambda r: r.worker.lower(), drop=6),
    Column("Level", 7, lambda r: f"{_initials(r.level)}/{_initials(r.service)}".strip("/"),
           sort_key=lambda r: (r.level, r.service), drop=4),
    Column("R A G", 7, _rag,
           style=lambda r: "bold red" if r.red else ("yellow" if r.amber else "dim"),
           sort_key=lambda r: (-r.red, -r.amber, -r.green), drop=2),
    Column("Seen", 6, lambda r: _day_month(r.last_visit),
           sort_key=lambda r: r.last_visit.toordinal() if r.last_visit else 0, drop=3),
    Column("Next visit due", 16, lambda r: _due(r.next_visit, pad=True),
           style=lambda r: _state_style(r.next_visit), sort_key=lambda r: _due_key(r.next_visit)),
    Column("Meeting", 12, lambda r: _review(r.next_meeting),
           style=lambda r: _state_style(r.next_meeting),
           sort_key=lambda r: _due_key(r.next_meeting)),
    Column("Flags", 15, _flags, style=lambda r: "red" if r.flags else "",
           sort_key=lambda r: -len(r.flags), fill=True),
]
DEFAULT_SORT = 7  # next visit due: the most pressing first


class CaseloadScreen(KeysAsRead, Screen):
    DEFAULT_CSS = """
    CaseloadScreen #summary { height: auto; padding: 0 1; }
    CaseloadScreen #filter { margin: 0 1; }
    CaseloadScreen #heads { height: 1; padding: 0 0 0 0; text-style: bold; }
    CaseloadScreen #empty { padding: 1 2; height: auto; }
    CaseloadScreen #detail { height: 2; padding: 0 1; background: $boost;
                         text-wrap: nowrap; text-overflow: ellipsis; }
    """
    # Every key as read, in the order typed (`typed.KeysAsRead`), but the letters and digits
    # not while the filter is typed in. The table's arrows are its own (`CaseTable`).
    BINDINGS = [
        as_read("1", "view('mine')", "Mine"),
        as_read("2", "view('team')", "Team"),
        as_read("3", "view('everyone')", "Everyone"),
        as_read("slash", "find", "Filter"),
        as_read("s", "sort", "Sort column", show=False),
        as_read("r", "reverse", "Reverse", show=False),
        as_read("n", "new_child", "New child"),
        as_read("v", "new_visit", "Visit", show=False),
        as_read("p", "open_plan", "Plan", show=False),
        as_read("m", "my_week", "My week", show=False),
        as_read("escape", "escape", "Back", show=False),
        as_read("enter", "rows", "To the children", show=False),  # from the filter
    ]

    class ChildChosen(Message):
        """Enter on a child: the app opens the child's record (`child_id`: uuid.UUID)."""

        def __init__(self, child_id) -> None:
            super().__init__()
            self.child_id = child_id

    def __init__(self, worker: str | None = None, worker_name: str | None = None) -> None:
        super().__init__()
        self.view = "mine"
        self.for_worker = worker  # another worker's caseload (the team view's drill-down)
        self.for_worker_name = worker_name or worker
        self.all_rows: list[caseload.CaseloadRow] = []
        self.set_up = True  # a worker on the store (`caseload.is_set_up`)
        self.sort_column = DEFAULT_SORT
        self.sort_reverse = False
        self.policy_title = ""
        self.note = ""  # why the view is not the one asked for
        self._generation = 0  # which load is the latest: only that one is shown
        self._kept = None  # (child, line on screen) to keep after a refresh in place
        self._commits_seen = 0  # the store's commit count when the shown load began
        self._had_rows = False  # whether the view had any children at the last refresh
        self._landing = True  # the first load: "mine", or the team's if mine is empty
        self.sorted_rows: list[caseload.CaseloadRow] = []  # all rows in the current order
        # Every child on the store, read when a filter first finds none here: a closed child
        # (to re-refer, WAR 3.4) or another's is named, and Enter opens the one found.
        self._elsewhere: list[caseload.ChildSummary] | None = None
        self._reading_elsewhere = False
        self._enter_waiting = False  # Enter pressed before they were read

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="summary")
        yield Input(placeholder="Filter as you type: name, reference or worker  (/)",
                    id="filter")
        table = CaseTable(COLUMNS, id="children")
        yield CaseHeader(table, id="heads")
        yield table
        yield Static("", id="empty")
        yield Static("", id="detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#empty").display = False
        if self.for_worker:
            self.note = "from the team view: Esc goes back"
        elif not getattr(self.app, "worker", None):
            self.view = "everyone"
            self.note = NO_WORKER
        self.set_focus(self.query_one(CaseTable))
        self.reload()
        lock.watch(self.app)  # auto-lock after the policy's idle time (issue 24)
        laptop.watch(self.app)  # a laptop replica: where it stands, in the header (issue 19)
        live.watch(self.app)  # others' changes shown as they are saved (screens/live.py)

    def on_screen_resume(self) -> None:
        # Back from a child's record: the filter that found the child has done its job, so
        # the whole view comes back, with the cursor still on that child.
        box = self.query_one("#filter", Input)
        if box.value:
            table = self.query_one(CaseTable)
            was = table.current.id if table.current is not None else None
            with box.prevent(Input.Changed):
                box.value = ""
            self._refresh_table()
            ids = [r.id for r in table.rows]
            if was in ids:
                table.cursor = ids.index(was)
            self.set_focus(table)
        if self.note == NO_WORKER and getattr(self.app, "worker", None):
            self.note = ""  # chosen meanwhile (set-up added the worker who is the login)
        # Back from a child's record or a form: if anything was saved meanwhile (a child's
        # details, consent, ...), the rows may be out of date.
        if getattr(self.app, "store_commits", 0) != self._commits_seen:
            self.reload()
        elif not self.all_rows:
            # Focus comes back to the filter (the only focusable widget of an empty view):
            # the next key (n, 3) belongs to the screen.
            self.call_after_refresh(self._keys_to_the_screen)

    # ---------------------------------------------------------------- loading

    def land(self) -> None:
        """Your own caseload as the app opens on it: the team's (else everyone's) when you
        hold none, saying why. "Who am I" choosing a manager who holds none landed on an
        empty "My caseload" where starting the app as them showed their team's."""
        self._landing = True
        self.set_view("mine")

    def set_view(self, view: str) -> None:
        if view != "everyone" and not getattr(self.app, "worker", None):
            self.notify("No worker chosen: showing everyone. Ctrl+P → 'Who am I'.")
            view = "everyone"
            self.note = NO_WORKER
        else:
            self.note = ""
        self.view = view
        self.reload()

    def reload(self) -> None:
        self.query_one("#summary", Static).update(f"{caseload.VIEWS[self.view]}: loading…")
        self._loading_shown().start()
        self._generation += 1
        self._elsewhere = None
        self._kept = None
        self._commits_seen = getattr(self.app, "store_commits", 0)
        worker = self.for_worker or getattr(self.app, "worker", None)
        first, self.app.first_rows = getattr(self.app, "first_rows", None), None
        if first is not None and self.view == "mine" and first.worker == worker:
            # Read with the store as the app opened: shown in this screen's first frame.
            self._show(first.rows, f"policy: {first.policy.name}", self._generation)
            return
        self._load(self.view, worker, self._generation)

    def refresh_from_store(self) -> None:
        """Read the view again in place (others' changes, screens/live.py): no "loading…",
        the filter as typed, the cursor on the same child and the rows scrolled as they
        were."""
        table = self.query_one(CaseTable)
        self._generation += 1
        self._elsewhere = None
        self._commits_seen = getattr(self.app, "store_commits", 0)
        self._kept = (table.current.id if table.current is not None else None,
                      table.cursor - table.scroll_offset.y)
        self._load(self.view, self.for_worker or getattr(self.app, "worker", None),
                   self._generation)

    @work(thread=True, exclusive=True, group="caseload")
    def _load(self, view: str, worker: str | None, generation: int) -> None:
        app = self.app

        def read(source):
            policy = caseload.store_policy(source)
            rows = caseload.load_caseload(source, app.today, view=view,
                                          worker_username=worker, policy=policy)
            return policy, rows, bool(rows) or caseload.is_set_up(source)

        if app.reader is not None:  # the first-paint reader: no ORM needed for this screen
            policy, rows, set_up = read(app.reader)
        else:
            with caseload.reading(app.store) as source:
                policy, rows, set_up = read(source)
        app.call_from_thread(self._show, rows, f"policy: {policy.name}", generation, set_up)

    def _loading_shown(self) -> LoadingAfter:
        if getattr(self, "_loading", None) is None:
            self._loading = LoadingAfter(self.query_one(CaseTable))
        return self._loading

    def _show(self, rows, policy_title: str, generation: int, set_up: bool = True) -> None:
        if generation != self._generation:
            return  # a slower, older load (say "everyone") finishing after a newer one
        landing, self._landing = self._landing, False
        if landing and self.view == "mine" and not rows and not self.for_worker:
            self.view, self.note = "team", HOLDS_NONE
            self.reload()
            return
        if self.note == HOLDS_NONE and self.view == "team" and not rows:
            self.view, self.note = "everyone", TEAM_HOLDS_NONE
            self.reload()
            return
        if self.note == TEAM_HOLDS_NONE and self.view == "everyone" and not rows:
            self.view, self.note = "mine", ""  # none on the store: what to do next
        self._loading_shown().done()
        self.all_rows = rows
        self.set_up = set_up  # a worker on the store: what an empty "everyone" says next
        self.policy_title = policy_title
        self._sort()
        if (kept := self._kept) is not None:
            self._kept = None
            self._keep_place(*kept)
        self.set_timer(0.3, self.app.open_store_soon)  # the ORM, once this has painted

    def _sort(self) -> None:
        """Sort once per load or sort change; each keystroke then filters this order."""
        column = COLUMNS[self.sort_column]
        self.sorted_rows = sorted(self.all_rows, key=column.sort_key or column.text,
                                  reverse=self.sort_reverse)
        marks = {self.sort_column: " ↑" if self.sort_reverse else " ↓"}
        table = self.query_one(CaseTable)
        self.query_one(CaseHeader).update(table.header(marks))
        self._refresh_table()

    def _refresh_table(self) -> None:
        table = self.query_one(CaseTable)
        text = self.query_one("#filter", Input).value
        shown = caseload.filter_rows(self.sorted_rows, text)
        first_rows, self._had_rows = not self._had_rows, bool(self.all_rows)
        table.set_rows(shown)
        overdue = sum(1 for r in self.all_rows
                      if r.next_visit and r.next_visit.state is DueState.OVERDUE)
        order = ("↓" if not self.sort_reverse else "↑") + " " + COLUMNS[self.sort_column].title
        note = f" ({self.note})" if self.note else ""
        matching = f" · {len(shown)} match" if text.strip() and shown else ""
        # A manager's drill-down is the worker's, by name: it read "My caseload (of ava…)".
        label = f"{plain(self.for_worker_name)}'s caseload" \
            if self.for_worker and self.view == "mine" else caseload.VIEWS[self.view]
        self.query_one("#summary", Static).update(
            f"[b]{label}[/b]{note} · "
            f"{counted(len(self.all_rows), 'open child', 'open children')}{matching} · "
            f"{counted(overdue, 'visit')} overdue · sorted by {order} · "
            f"{self.policy_title}"
        )
        empty = self.query_one("#empty", Static)
        if not self.all_rows:
            set_up = self.set_up
            start = {
                "everyone": "No open children on this store yet.\n\nThe team is set up. Next, "
                            "bring its caseload: n to add a child, or Ctrl+P → Import a "
                            "caseload (CSV) for the team's children from LCS, Mosaic or a "
                            "spreadsheet. From" if set_up else
                            "No open children on this store yet.\n\nA new team: Ctrl+P → Set up "
                            "(the authority, its teams and workers), then n to add a child, or "
                            "Ctrl+P → Import a caseload (CSV) to bring the team's caseload "
                            "over. From",
                # A manager, or a worker new to the team, holds none: where to look instead,
                # and how a worker joining with a caseload brings it (it named n alone).
                "mine": "You hold no open children.\n\nPress 2 for your team's, 3 for "
                        "everyone's, F4 for the team view (a manager: w there lists what "
                        "waits for your decision), n to add a child, or Ctrl+P → Import a "
                        "caseload (CSV) to bring yours from LCS, Mosaic or a spreadsheet. "
                        "From",
                "team": "No open children in your team.\n\nPress 3 to see everyone, n to add "
                        "a child, or from",
            }[self.view]
            empty.update(
                f"{start} the command line:\n"
                "  cintui child add --first-name … --last-name … --dob YYYY-MM-DD\n"
                + ("  cintui import caseload FILE.csv   (--help: the columns it reads)"
                   if set_up and self.view in ("everyone", "mine") else
                   "  cintui demo --db demo.db      (a store of synthetic children to try)")
            )
        elif not shown:
            empty.update(self._nobody_here(text))
        empty.display = not shown
        if not self.all_rows and not text and self.focused is table:
            self.set_focus(None)  # before hiding it, or focus moves on to the filter
        table.display = bool(shown)
        if not self.all_rows and not text:
            self.call_after_refresh(self._keys_to_the_screen)
        elif shown and (self.focused is None or first_rows):
            # children to show again (another view), or the first child just added (focus
            # had fallen to the filter while the view was empty): keys go to the table
            self.set_focus(table)
        self.query_one(CaseHeader).display = bool(shown)
        self._detail(table.current)

    def _keep_place(self, child_id, line: int) -> None:
        """The cursor back on `child_id`, on the same line of the screen as before."""
        table = self.query_one(CaseTable)
        ids = [r.id for r in table.rows]
        if child_id not in ids:
            return  # gone from this view (closed, reallocated): where the cursor was
        table.cursor = at = ids.index(child_id)
        table.scroll_to(y=max(0, at - line), animate=False, immediate=True)
        self._detail(table.current)

    def _keys_to_the_screen(self) -> None:
        """An empty view hides the table, and focus would fall to the filter, eating the
        first key ("Press 3 to see everyone"): with nothing to filter, keys go to the screen.
        Called after a refresh: the screen may have gone by then (the idle lock shows it
        for a moment as it clears the screens above it, then replaces it)."""
        box = next(iter(self.query("#filter").results(Input)), None)
        if box is not None and self.focused is box and not box.value:
            self.set_focus(None)

    def _detail(self, row) -> None:
        """The highlighted child in full, under the table (the columns are abbreviated)."""
        detail = self.query_one("#detail", Static)
        if row is None:
            detail.update("")
            return
        visit, meeting = row.next_visit, row.next_meeting
        # Which meeting the Meeting column's date is for, after the visit's day and before
        # the visit's rule and source (long), so 80 columns show both.
        said = (f" · {meeting.label} by {day_text(meeting.due).rsplit(' ', 1)[0]} "
                f"({_due(meeting).split(' ', 2)[-1]}; {meeting.source})" if meeting else "")
        # A child seen since the visit the clock runs from (WIR 2.11: not alone, or not in
        # person): why "Seen" is recent and the visit still late.
        uncounted = (f"; the visit of {day_short(row.last_visit)} does not count"
                     if visit and row.last_visit and row.last_visit > visit.anchor else "")
        when = (f"next visit {day_text(visit.due)} ({_due(visit).split(' ', 2)[-1]}"
                f"{uncounted}){said}"
                f" · visits: {visit.source}, {visit.rule}" if visit
                else f"no visit clock running{said}")
        age = row.age if not row.age[:1].isdigit() or " " in row.age else f"age {row.age}"
        flags = f"{'; '.join(row.flags)} · " if row.flags else ""
        parts = [row.name, age, row.reference, row.service or row.level,
                 f"{row.worker or 'unallocated'} ({row.team or 'no team'})"]
        detail.update(f"{' · '.join(filter(None, parts))}\n{flags}{when}")

    # ---------------------------------------------------------------- actions

    @on(Input.Changed, "#filter")
    def filtered(self) -> None:
        self._refresh_table()

    def action_find(self) -> None:
        self.set_focus(self.query_one("#filter", Input))

    def action_view(self, view: str) -> None:
        self.set_view(view)

    def action_sort(self) -> None:
        table = self.query_one(CaseTable)
        step = 1
        while not table.shown((self.sort_column + step) % len(COLUMNS)):
            step += 1  # a column hidden on a narrow screen is skipped
        self.sort_column = (self.sort_column + step) % len(COLUMNS)
        self._sort()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._sort()

    @on(CaseHeader.Clicked)
    def header_clicked(self, event: CaseHeader.Clicked) -> None:
        """Click a title: sort by it; click it again: reverse."""
        if event.column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = event.column, False
        self._sort()

    @on(CaseTable.Laid)
    def table_laid_out(self) -> None:
        self.query_one(CaseHeader).update(self.query_one(CaseTable).header(
            {self.sort_column: " ↑" if self.sort_reverse else " ↓"}))

    @on(CaseTable.Highlighted)
    def highlighted(self, event: CaseTable.Highlighted) -> None:
        self._detail(event.row)

    @property
    def selected_child_id(self):
        row = self.query_one(CaseTable).current
        return row.id if row is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rows":
            return self.focused is self.query_one("#filter", Input)
        return self.keys_as_read(action) is not False

    def action_rows(self) -> None:
        """Enter in the filter: to the children it leaves. Read at once, it waits for the
        letters typed before it to reach the filter, and the keys after it wait for the
        rows (`after_typing`): "/sami Enter v" typed fast is a visit for the first child
        found, never for the child highlighted before the filter. When it leaves none and
        one child elsewhere on the store matches (closed, or another's), their record
        opens: "/leo Enter R" re-refers Leo, closed last month (it was a dead end)."""
        if not after_typing(self, self.action_rows):
            return
        self._refresh_table()  # the filter's words now, not when its Changed comes round
        if not self.query_one(CaseTable).rows and self._open_the_one_elsewhere():
            return
        self.set_focus(self.query_one(CaseTable))
        let_go(self)

    # ---------------------------------------------------------------- found elsewhere

    def _found_elsewhere(self, text: str) -> list[caseload.ChildSummary] | None:
        """The children off this view matching `text`; None until they are read (a read
        is then started, and the message redrawn when it is done)."""
        if self._elsewhere is None:
            if not self._reading_elsewhere:
                self._reading_elsewhere = True
                self._read_elsewhere(self._generation)
            return None
        return caseload.children_matching(self._elsewhere, text,
                                          {r.id for r in self.all_rows})

    @work(thread=True, exclusive=True, group="elsewhere")
    def _read_elsewhere(self, generation: int) -> None:
        app = self.app
        if app.reader is not None:
            children = caseload.list_children(app.reader, app.today)
        else:
            with caseload.reading(app.store) as source:
                children = caseload.list_children(source, app.today)
        app.call_from_thread(self._elsewhere_read, children, generation)

    def _elsewhere_read(self, children, generation: int) -> None:
        self._reading_elsewhere = False
        if generation != self._generation:
            return
        self._elsewhere = children
        if self._enter_waiting:
            self._enter_waiting = False
            if self._open_the_one_elsewhere():
                return
            self.set_focus(self.query_one(CaseTable))
            let_go(self)
        self._refresh_table()

    def _open_the_one_elsewhere(self) -> bool:
        """Enter on a filter that found nobody here: the one child found elsewhere opens
        (True); while they are still being read, Enter waits for them (True)."""
        found = self._found_elsewhere(self.query_one("#filter", Input).value)
        if found is None:
            self._enter_waiting = True
            return True
        if len(found) != 1:
            return False
        self.app.open_child(found[0].id)  # the keys after Enter wait for the record
        return True

    def _nobody_here(self, text: str) -> str:
        said = (f"No children match {plain(repr(text))}. Esc or clear the filter to see all "
                f"{len(self.all_rows)}.")
        found = self._found_elsewhere(text)
        if not found:
            return said
        names = [f"{plain(c.name)} ({c.reference}), "
                 + ("closed" if c.status == "closed" else f"{plain(c.worker) or 'no worker'}'s")
                 for c in found[:3]]
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        how = ("Enter opens their record" + (" (R there re-refers them, WAR 3.4)"
                                             if found[0].status == "closed" else "")
               if len(found) == 1 else "Ctrl+P and the name opens a record")
        return (f"{said}\n\nElsewhere on the store: {'; '.join(names)}{more}. {how}.")

    def action_my_week(self) -> None:
        self.app.action_my_week()

    def action_new_visit(self) -> None:
        """The visit form for the highlighted child (their draft, if one is waiting)."""
        child_id = self.selected_child_id
        if child_id is None:
            self.notify("Choose a child first")
            return
        self.app.open_visit(child_id)  # finalised: the caseload reloads on resume

    def action_open_plan(self) -> None:
        """The highlighted child's plan: the draft in progress, else the plan in force."""
        child_id = self.selected_child_id
        if child_id is None:
            self.notify("Choose a child first")
            return
        self.app.push_screen(self.app.make_screen("plan", child_id=child_id))

    def action_new_child(self) -> None:
        self.app.push_screen(self.app.make_screen("child_form"))  # saved: reload on resume

    @on(CaseTable.Chosen)
    def chosen(self, event: CaseTable.Chosen) -> None:
        self.post_message(self.ChildChosen(event.row.id))

    def action_escape(self) -> None:
        box = self.query_one("#filter", Input)
        if self.focused is box:
            # Esc in the filter: clear it (once the letters typed before Esc have reached
            # it, or they would come back) and go back to the rows.
            if not after_typing(self, self.action_escape):
                return
            box.value = ""
            self.set_focus(self.query_one(CaseTable))
            let_go(self)
        elif self.for_worker:
            self.app.pop_screen()  # a worker's caseload opened from the team view
