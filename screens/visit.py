"""Recording a statutory visit under the WIR 2.11 headings, and reading one back.

`VisitFormScreen` is where a worker types up a visit. Every change is saved to the store as
a draft about a second later by a background thread (`cintui.drafts.DraftSaver`), so typing
never waits for the disk and a killed process loses at most the last second or two. The
draft is offered again when the child is reopened. Ctrl+F finalises: the WIR 2.11 checks
run, and a finalised visit is locked. `VisitViewScreen` reads one back with its addenda;
`a` adds an addendum (dated, attributed, never an edit).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import date, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from cintui.casework import cases, drafts, record, visits
from cintui.domain.child import spoken_age
from cintui.domain.dates import day_words
from cintui.domain.endings import after_closure, closed_on
from cintui.domain.plan import ACTION_STATUS_LABELS
from cintui.domain.visit import (
    HEADINGS,
    KIND_LABELS,
    TEXT_FIELDS,
    VISIT_KINDS,
    Present,
    VisitContent,
    VisitProblem,
    VisitRecord,
    heading_from,
    visit_problems,
    with_facts,
)
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.statuses import StatusesScreen, status_bindings, status_cell

from .forms import ConfirmScreen, ask_to_discard
from .widgets.choices import TickList, YesNo
from .widgets.fields_scroll import FieldsScroll
from .widgets.footer import Footer
from .widgets.notices import CompactNotices, notices_css
from .widgets.typed import (
    TAB_BINDINGS,
    KeysAsRead,
    TabMovesAtOnce,
    after_typing,
    as_read,
    refused,
)

AUTOSAVE_SECONDS = 1.0  # a change reaches the store within ~1 s (+ one write)
_WHEN = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2})[:.](\d{2}))?\s*$")
_ISO_WHEN = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?\s*$")


def parse_when(text: str) -> datetime:
    """'23/11/2026 14:05' or '2026-11-23 14:05' (a date alone is taken as 09:00)."""
    for pattern, order in ((_WHEN, (2, 1, 0)), (_ISO_WHEN, (0, 1, 2))):
        match = pattern.match(text)
        if match:
            parts = match.groups()
            year, month, day = (int(parts[i]) for i in order)
            hour = int(parts[3]) if parts[3] is not None else 9
            minute = int(parts[4]) if parts[4] is not None else 0
            try:
                return datetime(year, month, day, hour, minute)
            except ValueError:
                break
    raise ValueError(f"{text.strip() or 'blank'} is not a date and time: type it as "
                     "23/11/2026 14:05")


def show_when(at: datetime) -> str:
    return f"{at:%d/%m/%Y %H:%M}"


FACTS = {"child_seen": "Child seen", "seen_alone": "Seen alone", "bedroom_seen": "Bedroom seen"}


class Fact(YesNo):
    """A visit's fact (y yes, n no; a on "Child seen"). Any other letter typed on it is
    writing: it goes to the first heading still empty, with the words after it
    (`HoldsKeys._typing_box`). "Statutory visit after school" typed on "Seen alone" (Tab
    from "Child seen", as in most forms, is the next box, not the purpose) lost its letters
    up to the first y, which answered "Seen alone: yes" unasked, and the space after it
    ticked the next fact."""

    @property
    def typing_goes_to(self) -> str:
        return f"#{self.screen.first_empty_heading().id}"


def _fact_label(name: str, value: bool) -> str:
    # Never colour alone: the box says yes or no in words.
    return f"{FACTS[name]}: {'yes' if value else 'no'}"


def _day_time(at: datetime) -> str:
    return f"{at.day} {at:%b %Y %H:%M}"


# ------------------------------------------------------------------ the form


class VisitFormScreen(CompactNotices, TabMovesAtOnce, Screen):
    """Type up a visit: the facts on top, the WIR 2.11 headings below, saved as you type."""

    # Under 116 columns (a laptop's 80, a split 100) the yes/no fact boxes go under the date
    # and type: beside them they need 115 ("Bedroom seen" was cut off at 100).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (116, "-wide")]
    NOTICES_FOLLOW_CURSOR = True
    DEFAULT_CSS = """
    VisitFormScreen #visit-title { height: auto; padding: 0 1; background: $boost; }
    VisitFormScreen #saved { height: 1; padding: 0 1; color: $text-muted; }
    VisitFormScreen #facts-area, VisitFormScreen #present-row { height: auto; padding: 0 1; }
    VisitFormScreen #facts, VisitFormScreen #fact-boxes { width: auto; height: auto; }
    VisitFormScreen.-narrow #facts-area { layout: vertical; }
    VisitFormScreen.-narrow Checkbox { margin: 0 0 0 2; }
    VisitFormScreen #facts Label, VisitFormScreen #present-row Label { padding: 1 1 0 0; }
    VisitFormScreen #when { width: 22; }
    VisitFormScreen Input > .input--placeholder { text-style: italic; }
    VisitFormScreen TextArea > .text-area--placeholder { text-style: italic; }
    VisitFormScreen #kind { width: 14; }
    VisitFormScreen Checkbox { margin: 1 0 0 2; }
    VisitFormScreen #present { width: 1fr; height: auto; max-height: 5; }
    VisitFormScreen #present-other { width: 36; }
    VisitFormScreen #when-error { color: $error; height: auto; padding: 0 1; }
    VisitFormScreen #when-error.-empty { display: none; }
    VisitFormScreen #sections { height: 1fr; padding: 0 1; }
    VisitFormScreen .heading { text-style: bold; margin: 1 0 0 0; height: auto; }
    VisitFormScreen .group { text-style: bold underline; margin: 1 0 0 0; height: auto; }
    VisitFormScreen TextArea { height: auto; min-height: 4; max-height: 16; }
    VisitFormScreen #status-line { height: auto; padding: 0 1; background: $boost; }
    """ + notices_css("VisitFormScreen", top=".-notices-top")
    BINDINGS = [
        Binding("ctrl+f", "finalise", "Finalise", priority=True),
        Binding("y", "fact(True)", "Yes", show=False, priority=True),
        Binding("n", "fact(False)", "No", show=False, priority=True),
        # WIR 2.11: seen, and seen alone, answered at once on "Child seen" (the usual visit).
        Binding("a", "seen_alone", "Child seen alone", show=False, priority=True),
        Binding("ctrl+t", "plan_actions", "Plan actions", priority=True),
        Binding("ctrl+s", "close", "Save & close", priority=True),
        # Priority, so the keys typed after Esc are read after it has acted (typed.py)
        # and never reach the draft; not while the visit type's list is open (Esc closes it).
        Binding("escape", "close", "Close (draft kept)", priority=True),
        *TAB_BINDINGS,  # focus moves when Tab is read, before the keys after it (typed.py)
        # WIR 2.11's six headings: from any of the three boxes under "Progress of the CIN
        # plan" the next heading is the analysis (one key, where Tab takes three).
        Binding("ctrl+n", "heading(1)", "Next heading", show=False, priority=True),
        Binding("ctrl+b", "heading(-1)", "Previous heading", show=False, priority=True),
    ]

    def __init__(self, child_id: uuid.UUID, draft_id: uuid.UUID | None = None) -> None:
        super().__init__()
        self.child_id = child_id
        self.draft_id = draft_id
        self.content: VisitContent | None = None
        self.people: list[record.PersonRow] = []
        self.dob: date | None = None
        self.reference = ""
        self.episodes: list[tuple[date, date | None]] = []  # when the case was open
        self.saver: drafts.DraftSaver | None = None
        self._pending = False  # an autosave timer is running
        self._dirty = False
        self._done = False  # finalised: nothing more is saved
        self._filling = False  # widgets being set from the content: not the user's change
        self.actions: list[visits.ActionChoice] = []
        self._last_saved: VisitContent | None = None
        self._when_unreadable = False  # the date box holds something that is not a date

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="visit-title")
        with Horizontal(id="facts-area"):
            with Horizontal(id="facts"):
                yield Label("When")
                yield Input(id="when", placeholder="dd/mm/yyyy hh:mm")
                yield Label("Type")
                yield Select([(KIND_LABELS[k], k) for k in VISIT_KINDS], allow_blank=False,
                             id="kind", value="home")
            with Horizontal(id="fact-boxes"):
                for name in FACTS:
                    yield Fact(_fact_label(name, False), False, id=name, compact=True)
        yield Static("", id="when-error", classes="-empty")
        with Horizontal(id="present-row"):
            yield Label("Also there")
            present = TickList(id="present")
            # A name typed on the list goes into the box beside it (HoldsKeys._typing_box):
            # its spaces once ticked and unticked whoever was highlighted.
            present.typing_goes_to = "#present-other"
            yield present
            yield Input(id="present-other", placeholder="Someone else: name, role")
        with FieldsScroll(id="sections"):
            group = ""
            for h in HEADINGS:
                if h.group and h.group != group:
                    yield Static(f"{h.group} (WIR 2.11)", classes="group")
                group = h.group
                # The heading also carries its box's problems (fewer widgets: opens faster).
                yield Static(h.title, id=f"{h.field}-problem", classes="heading")
                yield TextArea(id=h.field, placeholder=h.prompt, soft_wrap=True,
                               show_line_numbers=False, tab_behavior="focus")
        yield Static("", id="status-line")
        yield Static("", id="saved")
        yield Footer()

    def notices_on_top(self, cursor_row: int) -> bool:
        # A notice (a toast) goes where the cursor is not: over the top of the screen while
        # it is in the lower half, as in the sections at 80x24 (a notice sat over the box
        # typed in for 10 seconds), else at the bottom right, as on other screens.
        return cursor_row > self.size.height // 2

    def on_mount(self) -> None:
        app = self.app
        with app.store.read() as session:
            header = record.child_header(session, self.child_id, app.today)
            self.people = record.list_people(session, self.child_id)
            draft = visits.load_draft(session, self.draft_id) if self.draft_id else None
            self.actions = visits.plan_actions(session, self.child_id)
            self.episodes = cases.episode_days(session, self.child_id)
        self.dob, self.reference = header.dob, header.reference
        closed = self.episodes[-1][1] if self.episodes else None
        # TRA, BEX 3: on a closed case, only a visit made by its closure day is recorded.
        self.query_one("#visit-title", Static).update(Text.assemble(
            ("Visit to ", ""), (header.name, "bold"),
            f"  ·  {spoken_age(header.age)}  ·  {header.reference}  ·  ",
            (f"case closed {day_words(closed)}", "bold") if closed else "headings of WIR 2.11"))
        if draft is None:
            self.draft_id = None
            self.content = visits.new_content(app.clock())
            self._saved_text("New visit: saved as a draft as you type")
        else:
            self.content = draft.content
            self._saved_text(f"Draft from {_day_time(visits.local_time(draft.saved_at))}: "
                             "carry on where you stopped")
        self._fill(self.content)
        self._last_saved = self._read()  # opening writes nothing: only a change is saved
        self.saver = drafts.DraftSaver(self._write_draft, self._write_failed)
        # The facts first, in the order they are decided (one key each, y or n); a draft
        # reopens at the first heading still empty, or, every one written, at the end of the
        # analysis (the last heading: where a visit typed in order stopped).
        if draft is None:
            self.query_one("#child_seen", Checkbox).focus()
        else:
            self.first_empty_heading(last=True).focus()
        self._show_status()

    def first_empty_heading(self, *, last: bool = False) -> TextArea:
        """The first heading still empty; with none, the first (`last`: the last)."""
        boxes = [self.query_one(f"#{h.field}", TextArea) for h in HEADINGS]
        return next((box for box in boxes if not box.text.strip()), boxes[-1 if last else 0])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fact":  # y and n only while a fact box has the focus
            return self.focused is not None and self.focused.id in FACTS
        if action == "seen_alone":  # a only on "Child seen": elsewhere it is a letter typed
            return self.focused is not None and self.focused.id == "child_seen"
        if action == "close":
            return not self.query_one("#kind", Select).expanded
        return True

    def action_heading(self, step: int) -> None:
        """The first box of the next (or previous) WIR 2.11 heading, at once (as read). Before
        the first heading are the facts: Ctrl+B from Purpose goes to the first fact still
        "no" (a bedroom seen but not ticked, found when finalising), so y ticks it."""
        focused = self.focused
        at = focused.id if focused is not None and focused.id in TEXT_FIELDS else None
        target = heading_from(at, step) if at else (TEXT_FIELDS[0] if step > 0 else None)
        if target is None and at == TEXT_FIELDS[0] and step < 0:
            boxes = [self.query_one(f"#{name}", Checkbox) for name in FACTS]
            open_ = [box for box in boxes if not box.value and not box.disabled]
            self.set_focus((open_ or boxes)[0])
        elif target is not None:
            self.set_focus(self.query_one(f"#{target}"))

    def action_fact(self, answer: bool) -> None:
        """y or n on a fact: a binding, so it runs before the next key is read (keys typed
        fast, "y y y", each reach the box they are meant for)."""
        box = self.focused
        box.value = answer
        self._next_fact(box)

    def action_seen_alone(self) -> None:
        """a on "Child seen": seen, and seen alone (WIR 2.11), in one key; then the bedroom."""
        seen = self.query_one("#child_seen", Checkbox)
        seen.value = True
        alone = self.query_one("#seen_alone", Checkbox)
        alone.disabled = False
        alone.value = True
        self.set_focus(self.query_one("#bedroom_seen"))

    def _next_fact(self, box: Checkbox) -> None:
        """After a fact, the next (seen alone only when seen); after the last, the writing."""
        if box.id == "child_seen":
            self.query_one("#seen_alone", Checkbox).disabled = not box.value
        following = {"child_seen": "#seen_alone" if box.value else "#bedroom_seen",
                     "seen_alone": "#bedroom_seen"}
        target = following.get(box.id)
        if target is not None:
            self.set_focus(self.query_one(target))  # now, not after the queue
        elif box.id == "bedroom_seen":
            self.set_focus(self.first_empty_heading())

    def _fill(self, c: VisitContent) -> None:
        self._filling = True
        self.query_one("#when", Input).value = show_when(c.visited_at)
        self.query_one("#kind", Select).value = c.kind
        for name in FACTS:
            box = self.query_one(f"#{name}", Checkbox)
            box.value = getattr(c, name)
            box.label = _fact_label(name, box.value)
        self.query_one("#seen_alone", Checkbox).disabled = not c.child_seen
        chosen = {p.person_id for p in c.present if p.person_id}
        options = [(plain(f"{p.name} ({p.relationship or p.role or p.kind})"), str(p.person_id),
                    p.person_id in chosen) for p in self.people]
        box = self.query_one("#present", SelectionList)
        box.add_options(options)
        box.display = bool(options)
        others = [p.name for p in c.present if p.person_id is None]
        self.query_one("#present-other", Input).value = "; ".join(others)
        for name in TEXT_FIELDS:
            area = self.query_one(f"#{name}", TextArea)
            area.load_text(c.text(name))
            # Carrying on adds to what was written, never before it: the cursor after the
            # last word (at the start, the first words typed went before the first heading).
            area.move_cursor(area.document.end)
        self.call_after_refresh(setattr, self, "_filling", False)

    # ------------------------------------------------------------ reading the form

    def _read(self) -> VisitContent:
        """The content as typed (the last good date kept while the date box is wrong)."""
        c = self.content
        try:
            when = parse_when(self.query_one("#when", Input).value)
            if self._when_unreadable:  # only the "not a date" message goes as you type;
                self._when_problem("")  # a finalise check stays until the next finalise
        except ValueError as exc:
            when = c.visited_at
            self._when_problem(str(exc))
            self._when_unreadable = True
        ids = {str(p.person_id): p for p in self.people}
        present = [Present(ids[v].name, ids[v].person_id)
                   for v in self.query_one("#present", SelectionList).selected if v in ids]
        other = self.query_one("#present-other", Input).value
        present += [Present(n.strip()) for n in other.split(";") if n.strip()]
        kind = self.query_one("#kind", Select).value
        return with_facts(
            c, visited_at=when, kind=kind if isinstance(kind, str) else c.kind,
            child_seen=self.query_one("#child_seen", Checkbox).value,
            seen_alone=self.query_one("#seen_alone", Checkbox).value,
            bedroom_seen=self.query_one("#bedroom_seen", Checkbox).value,
            present=tuple(present),
            **{name: self.query_one(f"#{name}", TextArea).text for name in TEXT_FIELDS},
        )

    def _when_problem(self, text: str) -> None:
        self._when_unreadable = False
        box = self.query_one("#when-error", Static)
        box.update(plain(text))
        box.set_class(not text, "-empty")

    # ------------------------------------------------------------ autosave

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self, event) -> None:
        if self._filling or self._done or self.content is None:
            return
        if isinstance(event, Checkbox.Changed):
            event.checkbox.label = _fact_label(event.checkbox.id, event.value)
            if event.checkbox.id == "child_seen":
                alone = self.query_one("#seen_alone", Checkbox)
                alone.disabled = not event.value
                if not event.value:
                    alone.value = False
        self._dirty = True
        if not self._pending:
            self._pending = True
            self.set_timer(AUTOSAVE_SECONDS, self._autosave)

    def save_draft_now(self) -> None:
        """Before the app is suspended for Ctrl+E: what is typed is in the store first."""
        if self._dirty and not self._done:
            self._submit()

    def _autosave(self) -> None:
        self._pending = False
        if self._dirty and not self._done:
            self._submit()

    def _submit(self) -> None:
        self._dirty = False
        content = self._read()
        if content == self._last_saved:
            return  # e.g. a box changed and changed back: nothing new to write
        self.content = self._last_saved = content
        self.saver.submit(content)
        self._show_status()

    def _write_draft(self, content: VisitContent) -> None:
        """On the saver's thread: one committed transaction per save."""
        app = self.app
        with app.store.session(app.actor) as session:
            if self.draft_id is None:
                self.draft_id = visits.start_draft(session, self.child_id, app.actor,
                                                   app.clock(), content).id
            elif not visits.save_draft(session, self.draft_id, content):
                return  # finalised or discarded meanwhile
        stamp = app.clock(seconds=True).strftime("%H:%M:%S")
        # Not call_from_thread: that waits for the UI thread, which may itself be waiting
        # for this write (closing the form flushes the saver). Posting never blocks.
        self.post_message(self.Saved(f"Draft saved {stamp}"))

    def _write_failed(self, exc: BaseException) -> None:
        self.post_message(self.Saved(f"NOT SAVED YET: {exc}. Retrying by itself; keep this "
                                     "screen open"))

    class Saved(Message):
        """The saver's thread wrote (or failed to write) the draft."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def on_visit_form_screen_saved(self, message: Saved) -> None:
        self._saved_text(message.text)

    def _saved_text(self, text: str) -> None:
        if self.is_mounted:
            self.query_one("#saved", Static).update(text)

    def _show_status(self) -> None:
        c = self.content
        progressed = len(c.progress)
        plan = (f"{progressed} plan action{'s' if progressed != 1 else ''} progressed "
                "(ctrl+t)" if self.actions else "No agreed plan: no actions to tick")
        there = ", ".join(p.name for p in c.present) or "no one else recorded"
        self.query_one("#status-line", Static).update(
            f"Also there: {there}  ·  facts: y yes, n no, a seen alone\n"
            f"{plan}  ·  ctrl+f finalise (checks WIR 2.11)  ·  esc close: the draft is kept")

    # ------------------------------------------------------------ closing

    def action_close(self) -> None:
        """Esc or Ctrl+S: the draft written, then the form closes. While the store is busy
        (another cintui's long import) the draft is retried in the background; closing then
        says so and offers to wait: nothing typed is lost without the worker choosing it."""
        if not after_typing(self, self.action_close):
            return  # the keys typed just ahead of it first (typed.py)
        if not self._done:  # what the boxes hold now: their Changed messages may be queued
            self._submit()
        if self.saver is not None and not self.saver.flush(timeout=drafts.CLOSE_WAIT_SECONDS):
            refused(self)  # a key typed ahead never answers "lose what is not saved?"
            self.app.push_screen(ConfirmScreen(
                "Not saved yet: the store is busy (another cintui may be importing). What "
                "you typed stays here and saving is retried every few seconds.\n"
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

    def _stop_saver(self) -> None:
        if self.saver is not None:
            self.saver.close(timeout=5.0)  # at most one write in flight: a few ms
            self.saver = None

    def on_unmount(self) -> None:
        self._stop_saver()

    # ------------------------------------------------------------ finalising

    def _show_problems(self, problems: list[VisitProblem]) -> None:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            name = p.field if p.field in TEXT_FIELDS else "when"
            fact = (f"  {FACTS[p.fact]}: ctrl+b from Purpose, then y" if p.fact else "")
            by_field.setdefault(name, []).append(f"⚠ {p}{fact}")
        for h in HEADINGS:
            heading = Text(h.title, style="bold")
            for line in by_field.get(h.field, []):
                heading.append(f"\n{line}", style="bold red")
            self.query_one(f"#{h.field}-problem", Static).update(heading)
        self._when_problem("\n".join(by_field.get("when", [])))

    def action_finalise(self) -> None:
        if not after_typing(self, self.action_finalise):
            return  # the keys typed just ahead of it first (typed.py)
        self.content = self._read()
        if self._when_unreadable:
            refused(self)
            self.query_one("#when", Input).focus()
            return
        if self._after_closure(self.content.visited_at.date()):  # TRA, BEX 3: said first
            return
        problems = visit_problems(self.content, self.app.clock(), self.dob)
        self._show_problems(problems)
        if problems:
            refused(self)
            first = problems[0].field
            target = f"#{first}" if first in TEXT_FIELDS else (
                f"#{first}" if first in ("kind", "seen_alone") else "#when")
            self.query_one(target).focus()
            self.query_one(f"#{first}-problem" if first in TEXT_FIELDS else "#when-error") \
                .scroll_visible()
            self.notify(f"Not finalised yet: {len(problems)} thing"
                        f"{'s' if len(problems) > 1 else ''} to put right (shown in red)",
                        severity="warning")
            return
        when = _day_time(self.content.visited_at)
        self.app.push_screen(ConfirmScreen(
            f"Finalise the visit of {when}? It is then locked: later corrections are added "
            "as dated addenda.", yes="Yes, finalise (y)"), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if yes:
            self._done = True
            self._finalise(self.content)

    @work(thread=True, exclusive=True, group="visit-finalise")
    def _finalise(self, content: VisitContent) -> None:
        app = self.app
        if self.saver is not None:
            self.saver.flush()
        try:
            with app.store.session(app.actor) as session:
                visits.finalise(session, self.child_id, content, actor=app.actor,
                                now=app.clock(), draft_id=self.draft_id)
            with app.store.read() as session:
                nxt = visits.next_visit(session, self.child_id, app.today)
        except cases.CaseworkError as exc:
            app.call_from_thread(self._refused, exc)
            return
        app.call_from_thread(self._finalised, nxt)

    def _after_closure(self, day: date) -> bool:
        """TRA, BEX 3: a visit dated after the case closed is refused beside the date, before
        and without the form's other checks, the draft kept (a re-referral opens the case again; a visit of a day it was open, typed
        late, is recorded)."""
        closed = closed_on(self.episodes, day)
        if closed is None:
            return False
        self._show_problems([])  # alone: nothing else matters on a closed case
        self._refused_when(after_closure(self.reference, "a visit", day, closed))
        return True

    def _refused_when(self, problem: str) -> None:
        self._when_problem(f"⚠ {problem}")
        refused(self)
        self.query_one("#when", Input).focus()
        self.query_one("#when-error").scroll_visible()
        self.notify("Not finalised: the case was closed on that day (shown under When). "
                    "The draft is kept.", severity="warning", timeout=10)

    def _refused(self, exc: Exception) -> None:
        self._done = False
        if isinstance(exc, cases.CaseworkError) and exc.field == "visited_at":
            self._refused_when(exc.problem)  # closed meanwhile (on a team server)
            return
        self.notify(f"Not finalised: {exc}", severity="error")

    def _finalised(self, next_visit) -> None:
        when = visits.next_visit_words(next_visit)
        self.notify("Visit finalised and locked." + (f" {when}" if when else ""), timeout=8)
        self._stop_saver()
        self.app.pop_screen()

    # ------------------------------------------------------------ plan actions

    def action_plan_actions(self) -> None:
        if not self.actions:
            self.notify("No agreed plan in force: there are no actions to tick yet")
            return
        self.content = self._read()
        self.app.push_screen(VisitActionsScreen(self.actions, dict(self.content.progress)),
                             self._actions_chosen)

    def _actions_chosen(self, progress: dict | None) -> None:
        if progress is None:
            return
        self.content = replace(self.content, progress=tuple(progress.items()))
        self._submit()


# ------------------------------------------------------------------ plan actions at a visit

CYCLE = (None, "in_progress", "done", "not_done", "not_started")


class VisitActionsScreen(StatusesScreen):
    """Tick the plan's actions progressed at this visit (recorded on the plan in force).
    Every key acts as read, the arrows too: "↓ Space" typed at once changed the first
    action (the Space, as read, came before the table had moved)."""

    BINDINGS = status_bindings("Done")
    HEADING = "Plan actions progressed at this visit"
    NOTE = ("Space changes the status for this visit; Enter keeps it. Saved on the plan in "
            "force when the visit is finalised.")
    COLUMNS = ("Need", "Action", "Who", "By", "Status now", "At this visit")
    TABLE_ID = "visit-actions"

    def __init__(self, actions: list[visits.ActionChoice], progress: dict) -> None:
        super().__init__(actions, progress)

    @property
    def actions(self) -> list[visits.ActionChoice]:
        return self.items

    @property
    def progress(self) -> dict:
        """Each action's status at this visit, by its key: what Enter keeps."""
        return self.changes

    def key(self, a: visits.ActionChoice):
        return a.key

    def cells(self, a: visits.ActionChoice) -> list:
        return [a.need[:28], a.what[:40], a.who[:18],
                f"{a.by_when.day} {a.by_when:%b}" if a.by_when else "no date",
                ACTION_STATUS_LABELS.get(a.status, a.status), status_cell(self.changes.get(a.key))]

    def next_status(self, a: visits.ActionChoice, now: str | None) -> str | None:
        return CYCLE[(CYCLE.index(now) + 1) % len(CYCLE)]


# ------------------------------------------------------------------ reading a visit


def visit_text(v: VisitRecord) -> Text:
    """A finalised visit as it reads on screen: facts, the headings, addenda under it."""
    c = v.content
    out = Text()
    seen = ("not seen" if not c.child_seen else
            "seen alone" if c.seen_alone else "seen, not alone")
    out.append(f"{KIND_LABELS.get(c.kind, c.kind)} visit, {_day_time(c.visited_at)}\n",
               style="bold")
    out.append(f"Child {seen} · bedroom {'seen' if c.bedroom_seen else 'not seen'}")
    if c.present:
        out.append(" · also there: " + ", ".join(p.name for p in c.present))
    finalised = f", finalised {_day_time(v.finalised_at)}" if v.finalised_at else ""
    out.append(f"\nRecorded by {v.author or 'unknown'}{finalised} · locked\n")
    group = ""
    for h in HEADINGS:
        if h.group and h.group != group:
            out.append(f"\n{h.group}\n", style="bold underline")
        group = h.group
        out.append(f"\n{h.title}\n", style="bold")
        body = c.text(h.field).strip()
        out.append((body or "Nothing recorded") + "\n", style="" if body else "italic dim")
    if v.progressed:
        out.append("\nPlan actions progressed at this visit\n", style="bold")
        for what, status in v.progressed:
            out.append(f"  • {what}: {status}\n")
    if v.addenda:
        out.append("\nAddenda\n", style="bold")
        for a in v.addenda:
            out.append(f"{_day_time(a.written_at)}, {a.author}: ", style="bold")
            out.append(f"{a.text}\n")
    return out


class VisitViewScreen(KeysAsRead, Screen):
    """A finalised visit, read-only, with its addenda; `a` adds one. Its keys act as read:
    "a" and the words after it typed at once once lost the words (they reached this
    screen before the addendum's box was there)."""

    DEFAULT_CSS = """
    VisitViewScreen #visit-body { padding: 0 1; }
    VisitViewScreen #visit-read { height: auto; }
    """
    BINDINGS = [
        as_read("a", "addendum", "Add addendum"),
        as_read("escape", "back", "Back"),
    ]

    def __init__(self, visit_id: uuid.UUID) -> None:
        super().__init__()
        self.visit_id = visit_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="visit-body"):
            yield Static("", id="visit-read")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one("#visit-body").focus()

    def load(self) -> None:
        with self.app.store.read() as session:
            self.visit = visits.load_visit(session, self.visit_id)
        self.query_one("#visit-read", Static).update(visit_text(self.visit))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_addendum(self) -> None:
        self.app.push_screen(AddendumScreen(self.visit_id, self.visit.visited_at),
                             lambda saved: self.load() if saved else None)


class AddendumScreen(CompactNotices, ModalScreen[bool]):
    """An addendum: what it adds or corrects. Dated and attributed when saved."""

    TITLE_TEXT = "Addendum to the visit"

    DEFAULT_CSS = """
    AddendumScreen { align: center middle; }
    AddendumScreen #addendum-box { width: 90; max-width: 100%; height: auto; border: thick $primary;
                                   background: $surface; padding: 0 1; }
    AddendumScreen TextArea { height: 8; }
    AddendumScreen #addendum-error { color: $error; height: auto; }
    AddendumScreen #addendum-buttons { height: auto; align: right middle; }
    AddendumScreen Button { margin: 0 0 0 2; }
    """ + notices_css("AddendumScreen")  # over the top, as a form's: Save is at its foot
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),  # as read, as a form's
    ]

    def __init__(self, visit_id: uuid.UUID, visited_at: datetime) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.visited_at = visited_at

    def compose(self) -> ComposeResult:
        with Vertical(id="addendum-box"):
            yield Static(f"Addendum to the visit of {_day_time(self.visited_at)}: the visit "
                         "stays as written; this is added under it, with today's date and "
                         "your name.", classes="heading")
            yield TextArea(id="addendum-text", soft_wrap=True,
                           placeholder="What this adds or corrects, and why")
            yield Static("", id="addendum-error")
            with Horizontal(id="addendum-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if not after_typing(self, self.action_save):
            return  # read once the keys typed just ahead of Ctrl+S are in (typed.py)
        self._save(self.query_one(TextArea).text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Esc: an addendum with words in it is discarded only once the worker says so."""
        if not after_typing(self, self.action_cancel):
            return
        if self.query_one(TextArea).text.strip():
            ask_to_discard(self, lambda: self.dismiss(False))
        else:
            self.dismiss(False)

    def _refused(self, problem: str) -> None:
        self.query_one("#addendum-error", Static).update(problem)
        refused(self)

    @work(thread=True, exclusive=True, group="addendum")
    def _save(self, text: str) -> None:
        app = self.app
        try:
            with app.store.session(app.actor) as session:
                visits.add_addendum(session, self.visit_id, text, actor=app.actor,
                                    now=app.clock())
        except cases.CaseworkError as exc:
            app.call_from_thread(self._refused, getattr(exc, "problem", str(exc)))
            return
        app.call_from_thread(self.dismiss, True)


__all__ = ["AddendumScreen", "VisitActionsScreen", "VisitFormScreen", "VisitViewScreen",
           "parse_when", "show_when", "visit_text"]
