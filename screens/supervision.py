"""Supervision and case direction on the child's record (STO 4.5, 8.5; WAR 12): `U` on the
record (or Ctrl+P "Record: supervision"). The screen lists the case's supervisions, newest
first, with when the next is due; `n` records one (a team or service manager only): who
was there, the discussion, the decisions, up to three actions with an owner and a date,
and the next supervision (the policy's timescale unless the manager sets it sooner); `a`
lists the open actions, for the worker to mark done (it leaves the due list)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Input, Static

from cintui.casework import cases, drafts, endings
from cintui.casework import supervision as sup
from cintui.domain.dates import day_words
from cintui.domain.plan import ACTION_STATUS_LABELS
from cintui.domain.supervision import OPEN_STATUSES, SupervisionAction, open_action_numbers
from cintui.domain.workforce import MANAGER_ROLES, needs_role
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable
from cintui.screens.widgets.statuses import StatusesScreen, status_cell

from .forms import FormScreen
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

ACTION_ROWS = 3


class SupervisionScreen(KeysAsRead, Screen):
    """The child's supervisions and the next one due."""

    READS_IN_BACKGROUND = True  # `reading_done` once shown (typed.py)

    DEFAULT_CSS = """
    SupervisionScreen #sup-header { height: auto; padding: 0 1; background: $boost; }
    SupervisionScreen #sup-table { height: 1fr; }
    SupervisionScreen #sup-detail { height: auto; max-height: 14; padding: 0 1;
                                    background: $boost; }
    """
    # Every key as read, the arrows too (`typed.KeysAsRead`): the words typed after a key
    # that opens a form wait for it, and "↓ e" acts on the row moved to.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("escape", "back", "Back"),
        as_read("n", "new_supervision", "New supervision"),
        as_read("a", "actions", "Actions: mark done"),
    ]

    def __init__(self, child_id: uuid.UUID, **kwargs) -> None:
        super().__init__(**kwargs)
        self.child_id = child_id
        self.shown: sup.SupervisionView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="sup-header")
        table = PlainTable(id="sup-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Date", "Manager", "Case direction", "Actions")
        yield table
        yield Static("", id="sup-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sup-table", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="supervision")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            shown = sup.view(session, self.child_id, app.today)
        app.call_from_thread(self._show, shown)
        app.call_from_thread(self.reading_done)

    def _show(self, shown: sup.SupervisionView) -> None:
        self.shown = shown
        head = Text()
        head.append(f"Supervision: {shown.child} ({shown.reference})", style="bold")
        head.append(f" · worker {shown.worker or 'none'} · {shown.policy}\n")
        if shown.due is None:
            head.append("No supervision clock: the case is closed.")
        else:
            head.append(f"Next supervision {shown.due.describe()}",
                        style="bold red" if shown.due.overdue else "")
            head.append(f" — {shown.due.rule}")
        self.query_one("#sup-header", Static).update(head)
        table = self.query_one("#sup-table", DataTable)
        table.clear()
        for i, f in enumerate(shown.facts):
            open_ = sum(a.status in ("not_started", "in_progress") for a in f.actions)
            table.add_row(day_words(f.held_on, pad=True), f.manager, f.decisions[:60],
                          f"{len(f.actions)} ({open_} open)" if f.actions else "none",
                          key=str(i))
        if not shown.facts:
            self.query_one("#sup-detail", Static).update(
                "No supervision recorded yet. n records one (a team or service manager).")
        else:
            self._detail(0)

    @on(DataTable.RowHighlighted, "#sup-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int) -> None:
        if self.shown is None or index >= len(self.shown.facts):
            return
        f = self.shown.facts[index]
        text = Text()
        text.append(f"{day_words(f.held_on)}, {f.manager}. ", style="bold")
        text.append(f"Present: {f.present}\n")
        text.append("Discussed: ", style="bold")
        text.append(f"{f.discussion}\n")
        text.append("Decided: ", style="bold")
        text.append(f"{f.decisions}\n")
        numbers = open_action_numbers(self.shown.facts)  # as `a` and the shell number them
        for a in f.actions:
            label = f"Action {numbers[a.ref]}" if a.ref in numbers else "Action"
            text.append(f"{label}: {a.what} ({a.who}, by {day_words(a.by_when)}) — "
                        f"{a.status.replace('_', ' ')}\n")
        if f.next_due:
            text.append(f"Next supervision set for {day_words(f.next_due)}\n")
        if any(a.status in OPEN_STATUSES for a in f.actions):
            text.append("a: mark an action done (or in progress)", style="dim")
        self.query_one("#sup-detail", Static).update(text)

    def action_new_supervision(self) -> None:
        if not self.after_reading(self.action_new_supervision):
            return  # the child's worker, there in the supervision, is read with the screen
        app = self.app
        with app.store.read() as session:
            me = endings.me(session, app.actor)
            referral = _referral(session, self.child_id)
        refusal = needs_role(me.username or me.name, me.role, MANAGER_ROLES)
        if refusal is not None:
            app.notify(f"Recording supervision {refusal} (STO 4.5, 8.5).", severity="warning",
                       timeout=8)
            return
        worker = self.shown.worker if self.shown else ""
        app.push_screen(SupervisionFormScreen(self.child_id, me.name, referral, worker),
                        self._saved)

    def _saved(self, result: object) -> None:
        if result:
            self.app.notify("Supervision recorded: its actions are on the worker's due list.")
            self.reload()

    def action_actions(self) -> None:
        """STO 8.5: the worker acts on the direction: each open action, marked done (or in
        progress, not done) here; done, it leaves the due list. It took the shell."""
        if not self.after_reading(self.action_actions):
            return
        facts = self.shown.facts if self.shown else []
        numbers = open_action_numbers(facts)
        rows = sorted(((numbers[a.ref], f.held_on, a) for f in facts for a in f.actions
                       if a.ref in numbers), key=lambda r: r[0])
        if not rows:
            self.app.notify("No open supervision actions: each one agreed is done or "
                            "closed.")
            return
        self.app.push_screen(SupervisionActionsScreen(rows), self._actions_chosen)

    def _actions_chosen(self, changes: dict[str, str] | None) -> None:
        if changes:
            self._save_statuses(changes)

    @work(thread=True, exclusive=True, group="supervision-actions")
    def _save_statuses(self, changes: dict[str, str]) -> None:
        """The write in a worker thread, as every form's save is: never on the UI thread."""
        app = self.app
        try:
            with app.store.session(app.actor) as session:
                changed = [(r.what, r.status) for r in
                           sup.set_action_statuses(session, self.child_id, changes)]
        except sup.SupervisionError as exc:
            app.call_from_thread(self._statuses_said, f"Not saved: {exc.problem}", True)
            return
        said = "; ".join(f"{what[:40]}: {ACTION_STATUS_LABELS[status].lower()}"
                         for what, status in changed)
        off = any(status not in OPEN_STATUSES for _what, status in changed)
        app.call_from_thread(self._statuses_said,
                             f"{said}." + (" Off the due list." if off else ""), False)

    def _statuses_said(self, said: str, refused: bool) -> None:
        if refused:
            self.app.notify(said, severity="error", timeout=8)
        else:
            self.app.notify(said)
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


ACTION_CYCLE = ("done", "in_progress", "not_done", "not_started")


class SupervisionActionsScreen(StatusesScreen):
    """The child's open supervision actions, numbered as `cintui supervision action` takes
    them: Space changes the highlighted one's status, Enter (or Ctrl+S) saves, Esc leaves
    them as they were."""

    HEADING = "Supervision actions still open (STO 8.5)"
    NOTE = "Space: done, in progress, not done, as it was; Enter saves; Esc leaves them."
    COLUMNS = ("No.", "Action", "Who", "By", "Status")
    TABLE_ID = "sup-actions"

    def __init__(self, rows: list[tuple[int, object, SupervisionAction]]) -> None:
        super().__init__(rows)

    def key(self, row) -> str:
        return row[2].ref

    def cells(self, row) -> list:
        number, _held_on, a = row
        what = a.what if len(a.what) <= 30 else a.what[:29].rstrip() + "…"
        return [str(number), what, a.who[:14],
                f"{a.by_when.day} {a.by_when:%b}" if a.by_when else "no date",
                status_cell(self.changes.get(a.ref), ACTION_STATUS_LABELS.get(a.status, a.status))]

    def next_status(self, row, now: str | None) -> str | None:
        """From as it is, first to done (what acting on it usually means), then on, then
        back to as it was (None)."""
        a = row[2]
        order = [st for st in ACTION_CYCLE if st != a.status] + [a.status]
        nxt = order[(order.index(now or a.status) + 1) % len(order)]
        return None if nxt == a.status else nxt


def _referral(session, child_id: uuid.UUID):
    from cintui.casework import cases

    episode = cases.current_episode(session, child_id)
    return episode.referral_date if episode else None


def _kept(box: Input) -> Input:
    """"Who was there" starts with the worker, a value to add to: the cursor waits after
    them instead of selecting them, so the manager typing ", Tom Hale" adds their name
    (it replaced the worker's, unless End came first)."""
    box.select_on_focus = False
    return box


class SupervisionFormScreen(FormScreen):
    """STO 4.5, 8.5: one supervision of the child's case, by a manager."""

    CLOSED_FIRST = ("on", "a supervision")
    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    def __init__(self, child_id: uuid.UUID, by: str, referral=None, worker: str = "") -> None:
        super().__init__()
        self.child_id, self.by, self.referral = child_id, by, referral
        self.worker = worker  # the child's worker: there, in the case's supervision
        self.TITLE_TEXT = "Record supervision and case direction (STO 4.5, 8.5)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Date", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("by", "Manager", self.text(self.by))
        yield self.row("present", "Who was there", _kept(self.text(
            self.worker, "The worker, and anyone else")))
        yield self.row("discussion", "Discussed", self.prose(
            "", "The plan's progress; what is changing for the child"))
        yield self.row("decisions", "Decided", self.prose(
            "", "The case direction, and why"))
        yield from self.action_rows(ACTION_ROWS, "What (optional)")
        yield self.row("next_due", "Next supervision", self.text(
            "", "blank: the policy's timescale"))

    def on_mount(self) -> None:
        self.query_one("#present").focus()

    def _actions(self, problems: dict[str, str] | None = None) -> list[SupervisionAction]:
        return [SupervisionAction(what, who, by)
                for what, who, by in self.read_action_rows(ACTION_ROWS, problems)]

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems, missing="give the date of the supervision")
        try:
            self.date_of("next_due")
        except ValueError as exc:
            problems["next_due"] = str(exc)
        for name, why in (("by", "name the manager"), ("present", "say who was there"),
                          ("discussion", "say what was discussed (STO 8.5)"),
                          ("decisions", "record the case direction decided (BEX 4)")):
            if not self.text_of(name):
                problems[name] = why
        self._actions(problems)
        return problems

    def build(self):
        new = sup.NewSupervision(
            held_on=self.date_of("on"), present=self.text_of("present"),
            discussion=self.text_of("discussion"), decisions=self.text_of("decisions"),
            actions=tuple(self._actions()), next_due=self.date_of("next_due"),
            by=self.text_of("by") or None)
        child_id, actor, today = self.child_id, self.app.actor, self.app.today
        return lambda session: sup.record_supervision(session, child_id, new, actor=actor,
                                                      today=today) and True


class SupervisionSessionScreen(FormScreen):
    """STO 4.5, 8.5: one supervision session covering several of a worker's children,
    chosen with space on the team view's overdue list (o). The date, the manager and who
    was there are typed once; each child, in turn, has its own discussion, decisions and
    an action, since each child's record keeps its own supervision; the next supervision,
    last, is once for them all (blank: the policy's timescale from this one). Ctrl+S records them
    all or none; what was typed is kept as the manager's draft of this session, each
    child's words by the child: marking one child more, or one fewer, and opening the
    session again brings back what was typed for the children still marked."""

    KEEP_TYPED = True  # through the idle lock and a killed process (PRIV 2)
    KEEPS_WITHOUT_CHILD = True  # several children: the manager's own draft of the session
    DEFAULT_CSS = """
    SupervisionSessionScreen .session-child { text-style: bold; padding: 1 0 0 0; }
    """

    def __init__(self, children: list[tuple[uuid.UUID, str, str, str]], by: str) -> None:
        """`children`: (id, name, reference, worker), in the order the form steps."""
        super().__init__()
        self.chosen, self.by = list(children), by
        self.next_due = None  # set by the manager, for all the children (build)
        # A kept draft's words for children not marked now: kept on in the draft as it is
        # written again, back when they are marked again ("values" and "opened").
        self.aside: dict[str, dict] = {"values": {}, "opened": {}}
        self._kept_shown: dict = {}  # a kept draft's values as put back (`shown_values`)
        self.TITLE_TEXT = (f"Supervision session, {len(self.chosen)} children (STO 4.5, "
                           "8.5): the date and who was there once, then each child's own")

    def fields(self) -> Iterable[Widget]:
        workers = list(dict.fromkeys(c[3] for c in self.chosen if c[3]))
        yield self.row("on", "Date", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("by", "Manager", self.text(self.by))
        yield self.row("present", "Who was there", _kept(self.text(
            ", ".join(workers), "The worker, and anyone else")))
        n = len(self.chosen)
        for i, (_id, name, reference, _worker) in enumerate(self.chosen):
            yield Static(plain(f"{i + 1} of {n}: {name} ({reference})"),
                         classes="session-child", id=f"c{i}-heading")
            yield self.row(f"c{i}_discussion", "Discussed", self.prose(
                "", "The plan's progress; what is changing for the child"))
            yield self.row(f"c{i}_decisions", "Decided", self.prose(
                "", "The case direction, and why"))
            yield self.row(f"c{i}_action", "Action (optional)", self.text("", "What"))
            yield self.row(f"c{i}_action_who", "  who", self.text(""))
            yield self.row(f"c{i}_action_by", "  by", self.text(
                "", "dd/mm/yyyy, or e.g. by Fri"))
        # Shared, as the date is (the shell's --next): each child's next supervision by it.
        yield Static("Both children" if n == 2 else f"All {n} children",
                     classes="session-child", id="all-heading")
        yield self.row("next_due", "Next supervision", self.text(
            "", "blank: the policy's timescale"))

    def on_mount(self) -> None:
        self.query_one("#present").focus()

    # ---------------------------------------------------------- kept as typed (PRIV 2)
    # Kept by the manager (one kind of draft for every session), each child's fields by the
    # child's id, not by their place in the form: the draft of a session for three children
    # once had their ids in its name, and marking a fourth opened an empty form.

    def find_kept(self, session) -> drafts.DraftRow | None:
        """The manager's kept session with the most of these children in it (None: none
        with any of them): two sessions half typed, for two workers, each come back to its
        own children."""
        ours = {c[0].hex for c in self.chosen}
        best, most, before = None, 0, None
        # A draft kept before it was kept by child (cintui of 6 December and earlier): named
        # for the exact set marked, its fields numbered as the form showed them (c0, c1, …,
        # this same set in the list's order), as it put them back; written again the new way.
        old_name = "SupervisionSessionScreen:" + ",".join(sorted(str(c[0]) for c in self.chosen))
        for kept in drafts.for_child(session, None, drafts.FORM):
            if kept.owner != self.app.actor:
                continue
            if kept.payload.get("form") == old_name:
                before = before or kept
            if kept.payload.get("form") != self.kept_as():
                continue
            values = kept.payload.get("values") or {}
            shared = len(ours & {name.split("_", 1)[0] for name in values})
            if shared > most:
                best, most = kept, shared
        return best or before

    def kept_values(self, values: dict, part: str) -> dict:
        out = dict(self.aside[part])
        for name, value in values.items():
            i, _, field = name.removeprefix("c").partition("_")
            if name.startswith("c") and i.isdigit() and int(i) < len(self.chosen):
                name = f"{self.chosen[int(i)][0].hex}_{field}"
            out[name] = value
        if part == "values":  # who each child is, for saying so while they are not marked
            out.update({f"{c[0].hex}_child": f"{c[1]} ({c[2]})" for c in self.chosen})
        return out

    def shown_values(self, values: dict, part: str) -> dict:
        at = {c[0].hex: i for i, c in enumerate(self.chosen)}
        shown: dict = {}
        self.aside[part] = {}
        for name, value in values.items():
            child, _, field = name.partition("_")
            if len(child) != 32 or not field:  # shared: the date, who was there, next
                shown[name] = value
            elif child in at:
                if field != "child":
                    shown[f"c{at[child]}_{field}"] = value
            else:
                self.aside[part][name] = value
        if part == "values":
            self._kept_shown = shown
        else:
            self._present_added_to(self._kept_shown, shown)
        return shown

    def _present_added_to(self, values: dict, was: dict) -> None:
        """"Who was there" starts with the children's workers: a name the manager added
        after them is added after this session's workers (a child marked more brings its
        worker), not said to be a change on the record over them."""
        typed, then = values.get("present"), was.get("present")
        now = (self._opened or {}).get("present")
        if typed and then and now is not None and now != then and typed.startswith(then):
            values["present"], was["present"] = now + typed[len(then):], now

    def values_restored(self) -> None:
        aside = self.aside["values"]
        typed = {name.split("_", 1)[0] for name, value in aside.items()
                 if value and not name.endswith("_child")}
        if typed:
            names = ", ".join(sorted(str(aside.get(f"{c}_child", "a child")) for c in typed))
            self.notify(f"Also kept from before, for {plain(names)}: not marked now, so not "
                        "shown; mark them too to bring it back (saving this session ends it).",
                        timeout=15)

    def _action(self, i: int, problems: dict[str, str] | None = None
                ) -> tuple[SupervisionAction, ...]:
        what, who = self.text_of(f"c{i}_action"), self.text_of(f"c{i}_action_who")
        try:
            by = self.date_by(f"c{i}_action_by")
        except ValueError as exc:
            if problems is not None:
                problems[f"c{i}_action_by"] = str(exc)
            by = None
        if not (what or who or self.text_of(f"c{i}_action_by")):
            return ()
        if problems is not None:
            if not what:
                problems.setdefault(f"c{i}_action", "say what is to be done")
            if not who:
                problems.setdefault(f"c{i}_action_who", "name who will do it (WIR 2.3)")
            if by is None:
                problems.setdefault(f"c{i}_action_by", "give the date it is due by")
        return (SupervisionAction(what, who, by),)

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems, missing="give the date of the supervision")
        try:
            self.date_of("next_due")
        except ValueError as exc:
            problems["next_due"] = str(exc)
        for name, why in (("by", "name the manager"), ("present", "say who was there")):
            if not self.text_of(name):
                problems[name] = why
        for i in range(len(self.chosen)):
            if not self.text_of(f"c{i}_discussion"):
                problems[f"c{i}_discussion"] = "say what was discussed for this child (STO 8.5)"
            if not self.text_of(f"c{i}_decisions"):
                problems[f"c{i}_decisions"] = "record this child's case direction (BEX 4)"
            self._action(i, problems)
        return problems

    CLOSED_SAID = "Not saved: a child's case is closed."

    def closed_first(self) -> dict[str, str]:
        """TRA, BEX 3: each child whose case had closed by the session's date, said first
        beside the date and nothing else, as a single child's supervision says it
        (`FormScreen.closed_first`); it was said only once every child's discussion and
        decisions were typed."""
        try:
            day = self.date_of("on")
        except ValueError:
            return {}  # its own check says what is wrong with the date
        if day is None:
            return {}
        with self.app.store.read() as session:
            said = [problem for c in self.chosen if (problem := cases.closure_refusal(
                session, cases.require_child(session, c[0]), day, "a supervision"))]
        return {"on": "; ".join(said)} if said else {}

    def build(self):
        self.next_due = self.date_of("next_due")  # said once saved (the overdue list)
        shared = {"held_on": self.date_of("on"), "present": self.text_of("present"),
                  "by": self.text_of("by") or None, "next_due": self.next_due}
        entries = [(c[0], sup.NewSupervision(
            discussion=self.text_of(f"c{i}_discussion"),
            decisions=self.text_of(f"c{i}_decisions"), actions=self._action(i), **shared))
            for i, c in enumerate(self.chosen)]
        actor, today = self.app.actor, self.app.today
        return lambda session: bool(sup.record_session(session, entries, actor=actor,
                                                       today=today))

    def show_error(self, exc: Exception) -> None:
        """A child's problem beside that child's field (the store's check, as the shell's)."""
        reference = getattr(exc, "reference", "")
        at = next((i for i, c in enumerate(self.chosen) if c[2] == reference), None)
        if at is not None and self.query(f"#c{at}_{exc.field}-error"):
            exc = sup.SupervisionError(f"c{at}_{exc.field}", exc.problem)
        elif reference:  # a shared field (the date: before this child's referral), or none
            exc = sup.SupervisionError(exc.field if self.query(f"#{exc.field}-error") else "",
                                       f"{reference}: {exc.problem}")
        super().show_error(exc)
