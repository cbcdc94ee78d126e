"""Live minuting of a CIN meeting along the WIR 2.6 agenda, keeping up with the room.

Steps: attendance, ground rules, **each Amber and Red in turn** (update, impact on the
child, action statuses, re-rating), the three boxes (significant events, new concerns,
agreed actions), the child's and parents' views, decisions. Ctrl+N / Ctrl+B move between
steps; a clock shows the meeting's time and the time on this step; Ctrl+L switches the
projection layout (no side list, high contrast, wide text). One key per choice: u r a g
for the rating, y n for still in need, 1-4 for the recommendation. Box 3 takes
"what ; who ; by when" with by when as councils write it ("by Fri", "18/12"), and says
under the box, as typed, what each line was read as or why not. The minutes are saved as a
draft about a second after each change (`cintui.drafts`): a crash resumes at the same
step. Ctrl+F finishes: checks (every problem listed, the cursor put on the first), then
the minutes are stored and the next plan version is agreed from them (new concerns as new
Ambers, agreed actions in column 3, WIR 2.6). A meeting minuted on another day than booked
opens with the time it is really held (asked first, `held_at`).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Input,
    Select,
    Static,
    TextArea,
)

from cintui.casework import cases, drafts, meetings, plans, record
from cintui.casework import steps as case_steps
from cintui.domain.dates import day_text
from cintui.domain.meeting import (
    AGREED_FORMAT,
    ATTENDANCE,
    ATTENDANCE_LABELS,
    KIND_LABELS,
    RECOMMENDATION_LABELS,
    RECOMMENDATIONS,
    ActionUpdate,
    AgreedAction,
    Decisions,
    Invitee,
    Minutes,
    NeedUpdate,
    NewConcern,
    agreed_action_from_line,
    agreed_action_line,
    agreed_action_problems,
    ends_plan,
    minutes_problems,
    named_need,
    named_need_words,
    problem_place,
)
from cintui.domain.plan import ACTION_STATUS_LABELS, ACTION_STATUSES, RAG_NAMES, ended_at_final
from cintui.domain.text import counted
from cintui.screens.widgets.exported import tell_written
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable

from .forms import ConfirmScreen, parse_date
from .widgets.choices import RATING_KEYS, KeyedSelect
from .widgets.fields_scroll import FieldsScroll
from .widgets.footer import Footer
from .widgets.notices import CompactNotices, notices_css
from .widgets.typed import (
    TAB_BINDINGS,
    EntryBox,
    KeysAsRead,
    TabMovesAtOnce,
    after_typing,
    let_go,
    refused,
)

AUTOSAVE_SECONDS = 1.0
RAG_STYLES = {"R": "bold white on red", "A": "bold black on dark_orange",
              "G": "bold white on green"}


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:d}:{s // 60 % 60:02d}:{s % 60:02d}"


def _steps(m: Minutes) -> list[tuple[str, int]]:
    """(panel, index) per step of the WIR 2.6 agenda."""
    return ([("attendance", 0), ("ground", 0)] + [("item", i) for i in range(len(m.items))]
            + [("boxes", 0), ("views", 0), ("decisions", 0)])


def _step_title(m: Minutes, panel: str, index: int) -> str:
    if panel == "item":
        item = m.items[index]
        return f"{RAG_NAMES.get(item.rag_before, '')} {index + 1}: {item.need[:60]}"
    return {"attendance": "Introductions and attendance", "ground": "Ground rules",
            "boxes": "Events, concerns, actions",
            "views": "Child's and parents' views", "decisions": "Decisions"}[panel]


def _load(area: TextArea, text: str) -> None:
    """A box filled with what was written, the cursor after its last word: going back to an
    Amber, or resuming after a crash, adds to what is there (it typed before its first word)."""
    area.load_text(text)
    area.move_cursor(area.document.end)


class MinutingScreen(CompactNotices, KeysAsRead, TabMovesAtOnce, Screen):
    """Chair and minute a meeting live; the minutes become the updated plan."""

    # A notice goes over the top (the meeting's bar), clear of the box being minuted and of
    # the problems and "saved" lines at the foot; at the foot while the cursor is up there.
    NOTICES_FOLLOW_CURSOR = True

    DEFAULT_CSS = """
    MinutingScreen #bar { height: 2; padding: 0 1; background: $boost;
                      text-wrap: nowrap; text-overflow: ellipsis; }
    MinutingScreen #agenda { width: 34; padding: 0 1; border-right: solid $primary; }
    MinutingScreen #panels { width: 1fr; padding: 0 1; }
    MinutingScreen .label { text-style: bold; margin: 1 0 0 0; height: auto; }
    MinutingScreen .hint { color: $text-muted; height: auto; }
    MinutingScreen #no-change { color: $warning; height: auto; }
    MinutingScreen TextArea { height: auto; min-height: 4; max-height: 12; }
    MinutingScreen DataTable { height: auto; max-height: 12; }
    MinutingScreen #body { height: 1fr; }
    MinutingScreen #rating-row { height: auto; }
    MinutingScreen Input { width: 1fr; }
    MinutingScreen Select { width: 24; }
    MinutingScreen #recommendation { width: 60; max-width: 100%; }
    MinutingScreen #problems { color: $error; height: auto; max-height: 12; padding: 0 1; }
    MinutingScreen #agreed-check { height: auto; padding: 0 1; }
    MinutingScreen Input > .input--placeholder { text-style: italic; }
    MinutingScreen TextArea > .text-area--placeholder { text-style: italic; }
    MinutingScreen #saved { height: 1; padding: 0 1; color: $text-muted; }
    MinutingScreen.-projecting #agenda { display: none; }
    MinutingScreen.-projecting #bar { text-style: bold; background: $primary; }
    MinutingScreen.-projecting .label { text-style: bold reverse; }
    MinutingScreen.-projecting Footer { display: none; }
    """ + notices_css("MinutingScreen", top=".-notices-top")
    BINDINGS = [
        *TAB_BINDINGS,  # focus moves when Tab is read, before the keys after it (typed.py)
        Binding("ctrl+n", "step(1)", "Next item", priority=True),
        Binding("ctrl+b", "step(-1)", "Back", show=False, priority=True),
        Binding("ctrl+f", "finish", "Finish meeting", priority=True),
        Binding("ctrl+l", "project", "Large / projection", show=False, priority=True),
        # Priority, so the keys typed after Esc are read after it has acted (typed.py); not
        # while a list is open (Esc closes the list).
        Binding("escape", "close", "Pause (saved)", priority=True),
        # The tables' keys act as read (priority), in order with a name typed after them
        # (which goes to "someone else here": HoldsKeys._typing_box); on a table only; and
        # so do the tables' arrows, or "↓ Space" changed the person above.
        *KeysAsRead.TABLE_ROWS,
        Binding("space", "next_status", "Next attendance / action status (in the tables)",
                show=False, priority=True),
        Binding("a", "all_present", "All present (attendance)", show=False, priority=True),
    ]

    class Saved(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return not any(select.expanded for select in self.query(Select))
        if action == "row":
            return self.keys_as_read(action)
        if action in ("next_status", "all_present"):
            tables = ("attendance-table", "item-actions")[:2 if action == "next_status" else 1]
            return isinstance(self.focused, DataTable) and self.focused.id in tables
        return True

    def __init__(self, meeting_id: uuid.UUID, held_at: datetime | None = None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.held_at = held_at  # when it is really held, asked when not on the booked day
        self.minutes: Minutes | None = None
        self.draft_id: uuid.UUID | None = None
        self.step = 0
        self.steps: list[tuple[str, int]] = []
        self._step_started: datetime | None = None
        self._dirty = False
        self._pending = False
        self._loading = False
        self._done = False
        self.saver: drafts.DraftSaver | None = None
        self.action_texts: dict[uuid.UUID, tuple[str, str, str, str]] = {}  # what who by status
        self._by_need: dict[uuid.UUID, list[uuid.UUID]] = {}  # need key -> its action keys
        self.child_name = ""
        # The line of its box each new concern and agreed action is on (Ctrl+F goes there).
        self._concern_lines: list[int] = []
        self._action_lines: list[int] = []
        self._checked = False  # Ctrl+F has shown the problems: keep them up to date
        self._settle: str | None = None  # where `n` to "End the meeting?" goes: a check left

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="bar")
        with Horizontal(id="body"):
            yield Static("", id="agenda")
            with ContentSwitcher(id="panels", initial="attendance"):
                with FieldsScroll(id="attendance"):
                    yield Static("Introductions: who is here? a: all present (everyone "
                                 "not yet marked). Space changes the selected person's "
                                 "attendance. Someone who came on the spot: type their name, "
                                 "role and press Enter.", classes="hint")
                    table = PlainTable(id="attendance-table", cursor_type="row")
                    # A name typed here goes into the box below (HoldsKeys._typing_box).
                    table.typing_goes_to = "#add-person"
                    table.add_columns("Attendance", "Name", "Role")
                    yield table
                    yield EntryBox(id="add-person", placeholder="Someone else here: name, role")
                with FieldsScroll(id="ground"):
                    yield Static("Ground rules agreed at the start (WIR 2.6)", classes="label")
                    yield TextArea(id="ground_rules", soft_wrap=True, tab_behavior="focus",
                                   placeholder="e.g. respect, one person at a time, phones off")
                with FieldsScroll(id="item"):
                    yield Static("", id="item-need")
                    yield Static("Update from the family and professionals", classes="label")
                    yield TextArea(id="update", soft_wrap=True, tab_behavior="focus",
                                   placeholder="What has happened on each task since the "
                                   "last meeting")
                    yield Static("Impact on the child of the tasks done or not done "
                                 "(the fourth column)", classes="label")
                    yield TextArea(id="impact", soft_wrap=True, tab_behavior="focus",
                                   placeholder="What is different for the child")
                    yield Static("Actions (Space: next status)", classes="label")
                    actions = PlainTable(id="item-actions", cursor_type="row")
                    # The status first, the column Space changes: at 80 columns the
                    # last column was off the screen.
                    actions.add_columns("Status", "Action", "Who", "By")
                    yield actions
                    yield Static("Rating agreed today", classes="label")
                    with Horizontal(id="rating-row"):
                        yield KeyedSelect([("u", "unchanged", ""), *(
                            (RATING_KEYS[r], RAG_NAMES[r], r) for r in ("R", "A", "G"))],
                            value="", allow_blank=False, id="rag_after")
                        yield Input(id="maintained_for",
                                    placeholder="→ Green: how long has the change held? "
                                    "(WIR 2.4)")
                    yield Input(id="cp_discussion", placeholder="→ Red: the CP conference / "
                                "strategy discussion considered (WIR 2.6, BEX 3)")
                with FieldsScroll(id="boxes"):
                    yield Static("1 Significant events", classes="label")
                    yield TextArea(id="significant_events", soft_wrap=True,
                                   tab_behavior="focus")
                    yield Static("2 New concerns / risks: one per line, 'concern -> outcome'; "
                                 "each becomes a new Amber in the plan", classes="label")
                    yield TextArea(id="new_concerns", soft_wrap=True, tab_behavior="focus")
                    yield Static(f"3 Agreed actions: one per line, '{AGREED_FORMAT}'; added "
                                 "to the plan's column 3, under the first new concern unless "
                                 "'; for' names another need ('; for rent', '; for concern "
                                 "2')", classes="label")
                    yield Static("By when can also be 18/12, 18 Dec, 18-Dec-2026 or by Fri "
                                 "(the next Friday after the meeting)", classes="hint")
                    yield TextArea(id="agreed_actions", soft_wrap=True, tab_behavior="focus",
                                   placeholder="e.g. Citizens Advice appointment ; Dad ; "
                                   "by 14/03/2027")
                    yield Static("", id="agreed-check")
                with FieldsScroll(id="views"):
                    yield Static("The child's views (in their words)", classes="label")
                    yield TextArea(id="childs_views", soft_wrap=True, tab_behavior="focus")
                    yield Static("The parents' views", classes="label")
                    yield TextArea(id="parents_views", soft_wrap=True, tab_behavior="focus")
                with FieldsScroll(id="decisions"):
                    yield Static("", id="no-change")  # WIR 2.3
                    yield Static("Is the child still in need? (BEX 3)", classes="label")
                    yield KeyedSelect([("y", "Yes", "yes"), ("n", "No", "no")],
                                      id="still_in_need")
                    yield Static("Next review (suggested from the policy)", classes="label")
                    yield Input(id="next_review", placeholder="dd/mm/yyyy")
                    yield Static("Recommendation", classes="label")
                    yield KeyedSelect([(str(i), RECOMMENDATION_LABELS[r], r)
                                       for i, r in enumerate(RECOMMENDATIONS, start=1)],
                                      id="recommendation")
                    yield Static("Notes", classes="label")
                    yield TextArea(id="decision_notes", soft_wrap=True, tab_behavior="focus")
        yield Static("", id="problems")
        yield Static("", id="saved")
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        try:
            with app.store.session(app.actor) as session:
                draft = meetings.start_minutes(session, self.meeting_id, app.actor,
                                               app.clock(seconds=True), held_at=self.held_at)
        except meetings.MeetingError as exc:
            app.notify(f"Not minuted: {exc.problem}", severity="warning", timeout=8)
            app.pop_screen()
            return
        with app.store.read() as session:
            detail = meetings.load_meeting(session, self.meeting_id)
            version_id = plans.current_version_id(session, detail.child_id)
            plan = plans.load_version(session, version_id) if version_id else None
            self.child_name = record.get_child(session, detail.child_id).full_name
            policy = cases.store_policy(session)
            no_change = record.no_change_prompt(session, detail.child_id, app.today)
        self.detail = detail
        # WIR 2.3, said where the meeting decides: the plan has brought no positive change
        self.query_one("#no-change", Static).update(f"⚠ {no_change}" if no_change else "")
        self.query_one("#no-change").display = bool(no_change)
        for need in plan.needs if plan else ():
            self._by_need[need.key] = [a.key for a in need.actions]
            for a in need.actions:
                self.action_texts[a.key] = (a.what, a.who, f"{a.by_when:%d/%m/%Y}"
                                            if a.by_when else "no date", a.status)
        self.minutes = draft.minutes
        self.draft_id = draft.id
        if self.minutes.decisions.next_review is None:
            suggested = meetings.suggested_next_review(self.minutes.held_on, policy,
                                                       self.minutes.kind)
            self.minutes = replace(self.minutes, decisions=replace(
                self.minutes.decisions, next_review=suggested))
        self.steps = _steps(self.minutes)
        self.step = min(self.minutes.step, len(self.steps) - 1)
        resumed = self.minutes.step > 0 or any(i.update for i in self.minutes.items)
        self.saver = drafts.DraftSaver(self._write, self._write_failed)
        self.query_one("#still_in_need", KeyedSelect).when_chosen = self._default_recommendation
        self._fill_fixed()
        self._show_step()
        self.set_interval(1.0, self._tick)
        self.query_one("#saved", Static).update(
            "Resumed where the minutes stopped" if resumed else "Minutes saved as you type")

    # ------------------------------------------------------------ filling

    def _fill_fixed(self) -> None:
        m = self.minutes
        self._loading = True
        _load(self.query_one("#ground_rules", TextArea), m.ground_rules)
        _load(self.query_one("#significant_events", TextArea), m.significant_events)
        _load(self.query_one("#new_concerns", TextArea), "\n".join(
            f"{c.text} -> {c.outcome}" if c.outcome else c.text for c in m.new_concerns))
        _load(self.query_one("#agreed_actions", TextArea), "\n".join(
            agreed_action_line(a) for a in m.agreed_actions))
        self._show_agreed_check()
        _load(self.query_one("#childs_views", TextArea), m.childs_views)
        _load(self.query_one("#parents_views", TextArea), m.parents_views)
        d = m.decisions
        if d.still_in_need is not None:
            self.query_one("#still_in_need", Select).value = "yes" if d.still_in_need else "no"
        self.query_one("#next_review", Input).value = (
            f"{d.next_review:%d/%m/%Y}" if d.next_review else "")
        if d.recommendation:
            self.query_one("#recommendation", Select).value = d.recommendation
        _load(self.query_one("#decision_notes", TextArea), d.notes)
        self._fill_attendance()
        self.call_after_refresh(self._loaded)

    def _loaded(self) -> None:
        self._loading = False

    def _fill_attendance(self) -> None:
        table = self.query_one("#attendance-table", DataTable)
        row = table.cursor_row
        table.clear()
        for p in self.minutes.attendance:
            style = "green" if p.attendance == "present" else (
                "yellow" if p.attendance == "invited" else "")
            role = p.role if len(p.role) <= 36 else p.role[:35] + "…"
            # The status first: on a narrow screen a long role must not push it out of sight.
            table.add_row(Text(ATTENDANCE_LABELS[p.attendance], style=style), p.name, role)
        if self.minutes.attendance:
            table.move_cursor(row=min(row, len(self.minutes.attendance) - 1))

    def _fill_item(self, index: int) -> None:
        item = self.minutes.items[index]
        self._loading = True
        need = Text()
        need.append(f" {item.rag_before} {RAG_NAMES[item.rag_before]} ",
                    style=RAG_STYLES[item.rag_before])
        need.append(f"  {item.need}", style="bold")
        self.query_one("#item-need", Static).update(need)
        _load(self.query_one("#update", TextArea), item.update)
        _load(self.query_one("#impact", TextArea), item.impact)
        self.query_one("#rag_after", Select).value = item.rag_after
        self.query_one("#maintained_for", Input).value = item.maintained_for
        self.query_one("#cp_discussion", Input).value = item.cp_discussion
        self._fill_actions(item)
        self.call_after_refresh(self._loaded)

    def _item_actions(self, item: NeedUpdate) -> list[tuple[uuid.UUID, str]]:
        """The need's actions with their status as minuted (else as in the plan)."""
        minuted = {a.key: a.status for a in item.actions}
        keys = [k for k in self._by_need.get(item.need_key, []) if k in self.action_texts]
        return [(k, minuted.get(k, self.action_texts[k][3])) for k in keys]

    def _fill_actions(self, item: NeedUpdate) -> None:
        table = self.query_one("#item-actions", DataTable)
        table.clear()
        for key, status in self._item_actions(item):
            what, who, by, _ = self.action_texts[key]
            table.add_row(ACTION_STATUS_LABELS[status], what[:50], who[:20], by)

    # ------------------------------------------------------------ steps

    def _show_step(self) -> None:
        panel, index = self.steps[self.step]
        self.query_one(ContentSwitcher).current = panel
        if panel == "item":
            self._fill_item(index)
        self._step_started = self.app.clock(seconds=True)
        self._draw_agenda()
        self._tick()
        focus = {"attendance": "#attendance-table", "ground": "#ground_rules",
                 "item": "#update", "boxes": "#significant_events", "views": "#childs_views",
                 "decisions": "#still_in_need"}[panel]
        self.set_focus(self.query_one(focus))  # now: a key read next goes there

    def _draw_agenda(self) -> None:
        text = Text()
        for i, (panel, index) in enumerate(self.steps):
            mark = "▶ " if i == self.step else "  "
            line = _step_title(self.minutes, panel, index)
            style = "bold reverse" if i == self.step else ""
            if panel == "item":
                rag = self.minutes.items[index].rag_before
                text.append(mark)
                text.append(f" {rag} ", style=RAG_STYLES[rag])
                text.append(f" {line.split(': ', 1)[1][:24]}\n", style=style)
            else:
                text.append(f"{mark}{line[:30]}\n", style=style)
            if panel == "boxes":  # each new concern as typed: a new Amber once agreed
                for concern in self._agenda_concerns():
                    text.append("   new", style="italic")
                    text.append(" A ", style=RAG_STYLES["A"])
                    text.append(f" {concern.text[:20]}\n")
        self.query_one("#agenda", Static).update(text)

    def _agenda_concerns(self) -> list[NewConcern]:
        """The new concerns in box 2 as typed (the minutes' own before it is mounted): the
        agenda lists them under the step they are raised in, as they are typed. The list
        named only the plan's Ambers and Reds, so a concern raised in the room was on no
        list the chair could see."""
        try:
            return self._typed_concerns()[0]
        except NoMatches:
            return list(self.minutes.new_concerns)

    def _spent_on_step(self) -> float:
        return (self.app.clock(seconds=True) - self._step_started).total_seconds() \
            if self._step_started else 0.0

    def _tick(self) -> None:
        if self.minutes is None:
            return
        panel, index = self.steps[self.step]
        spent = self._spent_on_step()
        if panel == "item":
            spent += self.minutes.items[index].seconds
        now = self.app.clock(seconds=True)
        started = self.minutes.started_at or now
        meeting = f"meeting {_clock(max((now - started).total_seconds(), 0))}" \
            if started.date() == now.date() else f"held {day_text(started)} {started:%H:%M}"
        label = KIND_LABELS.get(self.minutes.kind, self.minutes.kind)
        self.query_one("#bar", Static).update(Text.assemble(
            (f"{label} · {self.child_name}", "bold"),
            f"   {meeting} · this item {_clock(spent)}\n",
            f"Step {self.step + 1} of {len(self.steps)}: "
            f"{_step_title(self.minutes, panel, index)[:48]}"
            "  ·  Ctrl+N next  Ctrl+B back  Ctrl+F finish  Ctrl+L large"))

    def action_step(self, delta: int) -> None:
        """Ctrl+N / Ctrl+B. The words typed before it are in their boxes first, and the keys
        typed after it wait for the next step's boxes (every Amber is shown in the same
        boxes): in a burst they reached the step before, and were lost when it was filled
        with the next Amber."""
        if not after_typing(self, lambda: self.action_step(delta)):
            return
        self._move(delta)
        self.call_after_refresh(let_go, self)

    def _move(self, delta: int) -> None:
        self._collect()
        panel, index = self.steps[self.step]
        if panel == "item":
            spent = int(self._spent_on_step())
            item = self.minutes.items[index]
            self._set_item(index, replace(item, seconds=item.seconds + spent))
        self.step = max(0, min(len(self.steps) - 1, self.step + delta))
        self.minutes = replace(self.minutes, step=self.step)
        self._submit()
        self._show_step()

    def action_project(self) -> None:
        self.toggle_class("-projecting")

    # ------------------------------------------------------------ reading widgets

    def _set_item(self, index: int, item: NeedUpdate) -> None:
        items = list(self.minutes.items)
        items[index] = item
        self.minutes = replace(self.minutes, items=tuple(items))

    def _collect(self) -> None:
        """The minutes as the widgets now say (the current step's item included)."""
        m = self.minutes
        panel, index = self.steps[self.step]
        if panel == "item":
            item = m.items[index]
            rag = self.query_one("#rag_after", Select).value
            self._set_item(index, replace(
                item, update=self.query_one("#update", TextArea).text,
                impact=self.query_one("#impact", TextArea).text,
                rag_after=rag if isinstance(rag, str) else "",
                maintained_for=self.query_one("#maintained_for", Input).value,
                cp_discussion=self.query_one("#cp_discussion", Input).value))
            m = self.minutes
        concerns, self._concern_lines = self._typed_concerns()
        agreed = self._agreed_lines()
        self._action_lines = [n for n, _ in agreed]
        actions = [a for _, a in agreed]
        still = self.query_one("#still_in_need", Select).value
        rec = self.query_one("#recommendation", Select).value
        try:
            review = parse_date(self.query_one("#next_review", Input).value)
        except ValueError:
            review = m.decisions.next_review
        self.minutes = replace(
            m, ground_rules=self.query_one("#ground_rules", TextArea).text,
            significant_events=self.query_one("#significant_events", TextArea).text,
            new_concerns=tuple(concerns), agreed_actions=tuple(actions),
            childs_views=self.query_one("#childs_views", TextArea).text,
            parents_views=self.query_one("#parents_views", TextArea).text,
            decisions=Decisions(
                still_in_need=None if still not in ("yes", "no") else still == "yes",
                next_review=review,
                recommendation=rec if isinstance(rec, str) else "",
                notes=self.query_one("#decision_notes", TextArea).text))

    def _typed_concerns(self) -> tuple[list[NewConcern], list[int]]:
        """Box 2 as typed: the new concerns, and the line each is on."""
        concerns, lines = [], []
        for n, line in enumerate(self.query_one("#new_concerns", TextArea).text.splitlines()):
            if line.strip():
                text, _, outcome = line.partition("->")
                concerns.append(NewConcern(text.strip(), outcome.strip()))
                lines.append(n)
        return concerns, lines

    def _agreed_lines(self) -> list[tuple[int, AgreedAction]]:
        """Box 3 as (line, agreed action), by when read from the day of the meeting."""
        text = self.query_one("#agreed_actions", TextArea).text
        return [(n, agreed_action_from_line(line, self.minutes.held_on))
                for n, line in enumerate(text.splitlines()) if line.strip()]

    def _show_agreed_check(self) -> None:
        """Under box 3, as it is typed: what each line was read as, or what is wrong."""
        out = Text()
        m = replace(self.minutes, new_concerns=tuple(self._typed_concerns()[0]))
        for n, a in self._agreed_lines():
            problems = agreed_action_problems(a, m.held_on, m)
            if problems:
                out.append(f"⚠ line {n + 1}: " + "; ".join(p for _, p in problems) + "\n",
                           style="bold red")
            else:
                under = named_need(m, a.for_text) if a.for_text else None
                need = f" — for “{named_need_words(m, under)}”" if under else ""
                out.append(f"✓ line {n + 1}: {a.what} — {a.who} — by "
                           f"{day_text(a.by_when)}{need}\n")
        out.rstrip()
        self.query_one("#agreed-check", Static).update(out)

    # ------------------------------------------------------------ attendance and actions

    def action_next_status(self) -> None:
        """Space on the attendance table or an item's actions: the next status."""
        focused = self.focused
        if focused is self.query_one("#attendance-table", DataTable):
            self._cycle_attendance()
        elif focused is self.query_one("#item-actions", DataTable):
            self._cycle_action()

    def action_all_present(self) -> None:
        """a on the attendance table: everyone not yet marked is present (one key for the
        usual case; Space then changes those who sent apologies)."""
        if self.focused is not self.query_one("#attendance-table", DataTable):
            return
        self.minutes = replace(self.minutes, attendance=tuple(
            replace(p, attendance="present") if p.attendance == "invited" else p
            for p in self.minutes.attendance))
        self._fill_attendance()
        self._changed_now()

    def _cycle_attendance(self) -> None:
        table = self.query_one("#attendance-table", DataTable)
        if not self.minutes.attendance:
            return
        i = table.cursor_row
        people = list(self.minutes.attendance)
        order = ATTENDANCE[1:]  # present → apologies with report → apologies → absent
        now = people[i].attendance
        nxt = order[(order.index(now) + 1) % len(order)] if now in order else order[0]
        people[i] = replace(people[i], attendance=nxt)
        self.minutes = replace(self.minutes, attendance=tuple(people))
        self._fill_attendance()
        self._changed_now()

    @on(Input.Submitted, "#add-person")
    def _add_person(self, event: Input.Submitted) -> None:
        name, _, role = event.value.partition(",")
        if not name.strip():
            if event.value.strip():  # ", Dad": kept for the name to be put first
                event.input.value = event.input.value or event.value
                event.input.cursor_position = 0
                self.app.notify("Not added: their name first, then a comma and their role",
                                severity="warning")
            return
        person = Invitee(name.strip(), role.strip(), attendance="present",
                         added_on_the_day=True)
        self.minutes = replace(self.minutes, attendance=(*self.minutes.attendance, person))
        self._fill_attendance()
        self._changed_now()

    def _cycle_action(self) -> None:
        panel, index = self.steps[self.step]
        if panel != "item":
            return
        self._collect()
        item = self.minutes.items[index]
        rows = self._item_actions(item)
        table = self.query_one("#item-actions", DataTable)
        if not rows:
            return
        key, status = rows[table.cursor_row]
        nxt = ACTION_STATUSES[(ACTION_STATUSES.index(status) + 1) % len(ACTION_STATUSES)]
        kept = tuple(a for a in item.actions if a.key != key)
        self._set_item(index, replace(item, actions=(*kept, ActionUpdate(key, nxt))))
        row = table.cursor_row
        self._fill_actions(self.minutes.items[index])
        table.move_cursor(row=row)
        self._changed_now()

    # ------------------------------------------------------------ autosave

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        if self._loading or self._done or self.minutes is None:
            return
        if getattr(event, "input", None) is not None and event.input.id == "add-person":
            return
        if event.control.id in ("agreed_actions", "new_concerns"):  # "; for" names a concern
            self._show_agreed_check()
        if event.control.id == "new_concerns":
            self._draw_agenda()
        if event.control.id == "still_in_need":
            self._default_recommendation(event.value)
        self._dirty = True
        if not self._pending:
            self._pending = True
            self.set_timer(AUTOSAVE_SECONDS, self._autosave)

    def _default_recommendation(self, still: object) -> None:
        """Still in need and nothing chosen yet: continuing the plan is offered (shown,
        and changed by its number); not in need: the worker chooses (BEX 3). Either way
        the cursor moves on to the recommendation, now: "y 2" in a burst is still in
        need, stepping down; "n 3" is no longer in need, closing (the "n" once left the
        cursor on the question, and the "3" was lost)."""
        rec = self.query_one("#recommendation", Select)
        if still not in ("yes", "no"):
            return
        if still == "yes" and rec.value is Select.NULL:
            rec.value = "continue"
        self.set_focus(rec)

    def _changed_now(self) -> None:
        self._dirty = True
        self._submit()

    def save_draft_now(self) -> None:
        """Before the app is suspended for Ctrl+E: what is typed is in the store first."""
        if self._dirty and not self._done:
            self._collect()
            self._submit()

    def _autosave(self) -> None:
        self._pending = False
        if self._dirty and not self._done:
            self._collect()
            self._submit()

    def _submit(self) -> None:
        self._dirty = False
        if self._checked:
            self._show_problems(minutes_problems(self.minutes, self.app.clock().date()))
        if self.saver is not None:
            self.saver.submit(self.minutes)

    def _write(self, minutes: Minutes) -> None:
        app = self.app
        with app.store.session(app.actor) as session:
            meetings.save_minutes(session, self.draft_id, minutes)
        self.post_message(self.Saved(f"Minutes saved {app.clock(seconds=True):%H:%M:%S}"))

    def _write_failed(self, exc: BaseException) -> None:
        self.post_message(self.Saved(f"NOT SAVED: {exc}"))

    def on_minuting_screen_saved(self, message: Saved) -> None:
        if self.is_mounted:
            self.query_one("#saved", Static).update(plain(message.text))

    def _stop_saver(self) -> None:
        if self.saver is not None:
            self.saver.close(timeout=5.0)
            self.saver = None

    def on_unmount(self) -> None:
        self._stop_saver()

    def action_close(self) -> None:
        """Pause: everything is saved; the meeting can be picked up again. While the store
        is busy the minutes are retried in the background and closing offers to wait."""
        if not after_typing(self, self.action_close):
            return  # the keys typed just ahead of Esc first (typed.py)
        self._collect()
        self._submit()
        if self.saver is not None and not self.saver.flush(timeout=drafts.CLOSE_WAIT_SECONDS):
            refused(self)  # a key typed ahead never answers "lose what is not saved?"
            self.app.push_screen(ConfirmScreen(
                "Not saved yet: the store is busy (another cintui may be importing). The "
                "minutes stay here and saving is retried every few seconds.\n"
                "Close anyway and lose what is not saved? (y close, n keep waiting)"),
                self._close_unsaved)
            return
        self._stop_saver()
        self.app.pop_screen()

    def _close_unsaved(self, yes: bool | None) -> None:
        if yes:
            if self.saver is not None:
                self.saver.close(timeout=0)
                self.saver = None
            self.app.pop_screen()

    # ------------------------------------------------------------ finishing

    def action_finish(self) -> None:
        if not after_typing(self, self.action_finish):
            return  # the keys typed just ahead of Ctrl+F first (typed.py)
        self._collect()
        problems = minutes_problems(self.minutes, self.app.clock().date())
        self._checked = True
        self._show_problems(problems)
        if problems:
            refused(self)
            self._go_to(problems[0][0])
            self.notify(f"{len(problems)} thing{'s' if len(problems) > 1 else ''} to settle "
                        "before the meeting ends: the cursor is on the first",
                        severity="warning")
            return
        concerns = len(self.minutes.new_concerns)
        actions = len(self.minutes.agreed_actions)
        with self.app.store.read() as session:
            draft = plans.draft_version_id(session, self.detail.child_id)
            number = plans.load_version(session, draft).number if draft else None
            checks = meetings.plan_checks_after(session, self.meeting_id, self.minutes,
                                                self.app.today)
            no_plan = plans.current_version_id(session, self.detail.child_id) is None
            # TRA: before the manager starts the plan, new concerns begin none.
            child_id = self.detail.child_id
            not_started = (plans.not_started(session, child_id, case_steps.authorisers_for(
                session, self.app.actor, child_id)) if no_plan else None)
        self._settle = next((place for _message, place in checks if place), None)
        # A plan draft in progress is the basis of the new version: say so before agreeing it.
        basis = (f" Your plan draft v{number}, not yet agreed, is the basis of that version "
                 "and is agreed with it." if number else "")
        if no_plan and (not concerns or not_started):  # as `meetings.finish`: no version
            question = ("End the meeting? The minutes are stored. There is no plan on this "
                        "record for the meeting to update.")
            if concerns:  # it said they would be Ambers of the plan's next version
                question += (f" The {counted(concerns, 'new concern')} "
                             f"stay{'s' if concerns == 1 else ''} in the minutes: "
                             f"{not_started}.")
        else:
            question = (f"End the meeting? The minutes are stored and the plan's next "
                        f"version is agreed at this meeting, with "
                        f"{counted(concerns, 'new concern')} as "
                        f"{'an Amber' if concerns == 1 else 'Ambers'} and "
                        f"{counted(actions, 'agreed action')}.{basis}{_ends(self.minutes)}"
                        f"{_checks_left(checks, self._settle)}")
        self.app.push_screen(ConfirmScreen(question, yes="Yes, finish (y)"), self._confirmed)

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Every problem left, with where it is (Ctrl+F moves the cursor to the first)."""
        text = Text()
        if problems:
            text.append(f"Not finished yet: {len(problems)} to settle\n", style="bold")
        for where, problem in problems:
            text.append(f"• {problem_place(where)}: {problem}\n")
        text.rstrip()
        self.query_one("#problems", Static).update(text)

    def _go_to(self, where: str) -> None:
        """The step and the box a problem is in, with the cursor on it: "items.0.maintained_for",
        "agreed_actions.1.by_when", "decisions.recommendation" (`minutes_problems`)."""
        head, _, rest = where.partition(".")
        number, _, field = rest.partition(".")
        index = int(number) if number.isdigit() else 0
        if head == "items":
            step = ("item", index)
            focus = {"maintained_for": "#maintained_for", "cp_discussion": "#cp_discussion",
                     "rating": "#rag_after", "actions": "#item-actions"}.get(field, "#update")
        elif head in ("new_concerns", "agreed_actions"):
            step, focus = ("boxes", 0), f"#{head}"
        elif head == "decisions":
            step, focus = ("decisions", 0), f"#{rest}"
        else:
            step, focus = ("attendance", 0), "#attendance-table"
        if self.steps[self.step] != step:
            self._move(self.steps.index(step) - self.step)
        widget = self.query_one(focus)
        self.set_focus(widget)
        if isinstance(widget, TextArea):
            lines = self._concern_lines if head == "new_concerns" else self._action_lines
            if number.isdigit() and index < len(lines):
                row = lines[index]
                widget.move_cursor((row, len(widget.document.get_line(row))))
            else:  # the box, for a line to add: after what it holds
                widget.move_cursor(widget.document.end)
        elif head == "attendance":
            unsaid = [i for i, p in enumerate(self.minutes.attendance)
                      if p.attendance == "invited"]
            if unsaid:
                widget.move_cursor(row=unsaid[0])

    def _confirmed(self, yes: bool | None) -> None:
        if yes:
            self._done = True
            self._finish(self.minutes)
        elif self._settle is not None:  # "n goes to …": the first check settled here
            self._go_to(self._settle)

    @work(thread=True, exclusive=True, group="minutes-finish")
    def _finish(self, minutes: Minutes) -> None:
        app = self.app
        if self.saver is not None:
            self.saver.flush()
        try:
            with app.store.session(app.actor) as session:
                version = meetings.finish(session, self.meeting_id, minutes, actor=app.actor,
                                          now=app.clock(), draft_id=self.draft_id)
                reference = cases.require_child(session, self.detail.child_id).reference
        except cases.CaseworkError as exc:
            app.call_from_thread(self._refused, exc)
            return
        # WIR 3, TRA: a final meeting ends the plan it agrees; what is next is said with it.
        ended = (ended_at_final(minutes.held_on, reference, minutes.decisions.recommendation,
                                this=True)
                 if version is not None and ends_plan(minutes) else "")
        app.call_from_thread(self._finished, version, ended)

    def _refused(self, exc: cases.CaseworkError) -> None:
        self._done = False
        self.query_one("#problems", Static).update(
            f"Not finished: {problem_place(exc.field)}: {plain(exc.problem)}")

    def _finished(self, version_id, ended: str = "") -> None:
        self._stop_saver()
        if ended:
            self.notify(f"Meeting finished: minutes stored and the plan's last version agreed; "
                        f"{ended}", timeout=12)
        else:
            self.notify("Meeting finished: minutes stored and the updated plan agreed"
                        if version_id else "Meeting finished: minutes stored (no plan to "
                        "update)", timeout=8)
        self.app.pop_screen()


def _ends(minutes: Minutes) -> str:
    """A final meeting ends the plan (`ends_plan`): said before it is agreed."""
    if not ends_plan(minutes):
        return ""
    return (" It is the plan's last version: the plan ends at this final meeting, with no "
            "further review (WIR 3).")


class MinutesViewScreen(Screen):
    """The minutes of a held meeting as they will be sent (the export's Markdown)."""

    BINDINGS = [Binding("x", "export", "Export PDF + DOCX"), Binding("escape", "back", "Back")]
    DEFAULT_CSS = "MinutesViewScreen #minutes-read { padding: 0 1; }"

    def __init__(self, meeting_id: uuid.UUID) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        from textual.widgets import Header, Markdown

        yield Header()
        with VerticalScroll():
            yield Markdown("", id="minutes-read")
        yield Footer()

    def on_mount(self) -> None:
        from textual.widgets import Markdown

        from cintui.export import minutes as minutes_export

        with self.app.store.read() as session:
            doc = meetings.minutes_document(session, self.meeting_id, self.app.today)
        self.markdown = minutes_export.to_markdown(doc)
        self.query_one("#minutes-read", Markdown).update(self.markdown)

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="minutes-export")
    def action_export(self) -> None:
        """The minutes (with the updated plan) as PDF and DOCX in the exports folder, for
        circulation (WIR 2.3, 2.7)."""
        from cintui.export import minutes as minutes_export
        from cintui.reference import config

        app = self.app
        folder = config.exports_dir()
        with app.store.read() as session:
            doc = meetings.minutes_document(session, self.meeting_id, app.today)
        stem = config.unused_stem(
            folder, f"{doc.child_reference}-minutes-{doc.minutes.held_on.isoformat()}")
        written = [minutes_export.write(doc, folder / f"{stem}.{fmt}", fmt)
                   for fmt in ("pdf", "docx")]
        tell_written(self, "Exported:\n" + "\n".join(map(str, written)),
                     minutes_export.pdf_unshown(doc))


__all__ = ["MinutesViewScreen", "MinutingScreen"]


def _checks_left(checks: list[tuple[str, str | None]], settle: str | None) -> str:
    """The plan checks the agreed version would still fail, said while the family is in the
    room: n goes to where the first that can be settled in the minutes is (`settle`: a new
    concern's line, an agreed action's, an item's actions, where Space moves a status on),
    or back to the meeting; y agrees it as it is, and its exports say DRAFT until fixed."""
    if not checks:
        return ""
    shown = 3 if len(checks) <= 3 else 2  # the dialog fits 80x24 with three
    more = len(checks) - shown
    where = "the agreed actions" if settle == "agreed_actions" else \
        problem_place(settle or "")
    go = f"n goes to the first to settle here, {where}," if settle else \
        "n goes back to the meeting"
    return (f"\n\nThe plan would still fail {counted(len(checks), 'check')} (its exports say "
            f"DRAFT until fixed; {go} now):\n"
            + "\n".join(f"• {c}" for c, _place in checks[:shown])
            + (f"\n• and {more} more (k on the plan lists them)" if more > 0 else ""))
