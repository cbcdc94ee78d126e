"""Signs of Safety mapping on the child's record (STO 6.3): `M` on the record (or Ctrl+P
"Record: Signs of Safety map"). The child's CIN plan read as three columns (what are we
worried about / what's working well / what needs to happen) with the danger statements and
safety goals beside it, and each person's scaling (0-10) over time. `d` writes a danger
statement, `g` a safety goal, `s` records a round of scaling (at a meeting or not)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Input, Select, Static

from cintui.casework import signs_of_safety as sos_cases
from cintui.domain import signs_of_safety as rules
from cintui.domain.dates import day_words
from cintui.domain.text import first_upper
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable, Share, fitted

from .forms import FormScreen
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

SCORE_ROWS = 4
# Each person's scores: the why wraps in what is left (at 80 columns it ran off the edge,
# "Morn"), the names and roles as wide as the longest needs.
SCALING_COLUMNS = (("Who", Share(24)), ("Role", Share(24)), ("Scores 0-10", Share(24)),
                   ("Latest", 15), ("Why (latest)", Share(0)))
COLUMNS = (("sos-worried", "What are we worried about?"),
           ("sos-well", "What's working well?"),
           ("sos-happen", "What needs to happen?"))


class SignsOfSafetyScreen(KeysAsRead, Screen):
    """The plan as a Signs of Safety map, and the scalings over time."""

    READS_IN_BACKGROUND = True  # `reading_done` once shown (typed.py)

    DEFAULT_CSS = """
    SignsOfSafetyScreen #sos-header { height: auto; padding: 0 1; background: $boost; }
    SignsOfSafetyScreen #sos-columns { height: 1fr; }
    SignsOfSafetyScreen .sos-column { width: 1fr; border: round $primary; padding: 0 1;
                                      overflow-y: auto; }
    SignsOfSafetyScreen #sos-scaling { height: auto; max-height: 10; }
    SignsOfSafetyScreen #sos-replaced { height: auto; max-height: 4; padding: 0 1; }
    """
    # Every key as read, the arrows too (`typed.KeysAsRead`): the words typed after a key
    # that opens a form wait for it, and "↓ e" acts on the row moved to.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("escape", "back", "Back"),
        as_read("d", "statement('danger')", "Danger statement"),
        as_read("g", "statement('goal')", "Safety goal"),
        as_read("s", "scale", "Scaling"),
    ]

    def __init__(self, child_id: uuid.UUID, **kwargs) -> None:
        super().__init__(**kwargs)
        self.child_id = child_id
        self.view: sos_cases.SafetyView | None = None
        self.meetings: list[sos_cases.MeetingChoice] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Signs of Safety (STO 6.3): loading…", id="sos-header")
        with Horizontal(id="sos-columns"):
            for wid, title in COLUMNS:
                # Scrolled by keys (Tab to it, then the arrows): a long map at 80x24. The
                # question heads the column, wrapped: in the border, at 80 columns, it was
                # cut ("What are we worried…").
                yield VerticalScroll(Static(Text(title, style="bold"), id=wid),
                                     classes="sos-column")
        yield PlainTable(id="sos-scaling", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sos-replaced")
        yield Footer()

    def on_mount(self) -> None:
        self._lay_out_scaling()
        self.query_one("#sos-scaling", DataTable).focus()
        self.load()

    def _lay_out_scaling(self) -> None:
        """The scalings' columns for the screen's width and the names and roles shown."""
        history = self.view.history if self.view else []
        longest = {"Who": max((len(who) for who, _r, _s in history), default=0),
                   "Role": max((len(role) for _w, role, _s in history), default=0),
                   "Scores 0-10": max((len(rules.trend(s)) for _w, _r, s in history),
                                        default=0)}
        table = self.query_one("#sos-scaling", DataTable)
        table.clear(columns=True)
        for (label, _w), width in zip(SCALING_COLUMNS,
                                      fitted(SCALING_COLUMNS, self.app.size.width, longest),
                                      strict=True):
            table.add_column(label, width=width)

    def on_resize(self) -> None:
        if self.view is not None:
            self._show(self.view, self.meetings)

    @work(thread=True, exclusive=True, group="sos")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            found = sos_cases.view(session, self.child_id)
            meetings = sos_cases.meeting_choices(session, self.child_id, app.today)
        app.call_from_thread(self._show, found, meetings)
        app.call_from_thread(self.reading_done)

    def _show(self, found: sos_cases.SafetyView, meetings) -> None:
        self.view, self.meetings = found, meetings
        self.query_one("#sos-header", Static).update(
            f"{plain(found.child)} ({plain(found.reference)}) · {found.map.heading} "
            "(STO 6.3) · d danger statement · g safety goal · s scaling · Esc back")
        for (wid, title), lines in zip(COLUMNS, (found.map.worried, found.map.working_well,
                                                found.map.needs_to_happen), strict=True):
            text = Text(f"{title}\n", style="bold")
            for line in lines:
                text.append(f"[{line.source}] ", style="bold")
                text.append(f"{line.text}\n")
            if not lines:
                text.append("Nothing yet.")
            self.query_one(f"#{wid}", Static).update(text)
        self._lay_out_scaling()
        table = self.query_one("#sos-scaling", DataTable)
        for who, role, scores in found.history:
            last = scores[-1]
            table.add_row(who, role, rules.trend(scores), f"{last.score} ({day_words(last.on)})",
                          last.why or "—", height=None)  # wrapped in its column
        replaced = [s for s in found.statements if not s.current]
        self.query_one("#sos-replaced", Static).update(
            "Replaced: " + "; ".join(f"{s.label} ({day_words(s.on)}) by "
                                     f"{rules.PREFIX[s.kind]}{s.replaced_by}"
                                     for s in replaced) if replaced else
            ("" if found.history else "No scaling yet: s records each person's score."))

    def action_statement(self, kind: str) -> None:
        if not self.after_reading(lambda: self.action_statement(kind)) or self.view is None:
            return
        current = [s for s in self.view.statements if s.current]
        if kind == "goal" and not any(s.kind == "danger" for s in current):
            self.notify("A safety goal answers a danger statement: write one first (d), "
                        "or give the goal on its own.", timeout=6)
        self.app.push_screen(StatementFormScreen(self.child_id, kind, current, self.meetings),
                             self._saved)

    def action_scale(self) -> None:
        if not self.after_reading(self.action_scale):
            return  # the meetings to choose from are read with the screen
        self.app.push_screen(ScalingFormScreen(self.child_id, self.meetings), self._saved)

    def _saved(self, result: object) -> None:
        if result:
            self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


class _SosForm(FormScreen):
    """Shared: the date and the meeting (choosing a meeting puts its date in)."""

    def __init__(self, child_id: uuid.UUID, meetings: list[sos_cases.MeetingChoice]) -> None:
        super().__init__()
        self.child_id = child_id
        self.meetings = meetings

    def dated_fields(self) -> Iterable[Widget]:
        yield self.row("on", "Date", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("meeting", "At a meeting", self.choice(
            [(c.label, c.id) for c in self.meetings], blank=True))

    @on(Select.Changed, "#meeting")
    def _meeting_date(self, event: Select.Changed) -> None:
        chosen = next((c for c in self.meetings if c.id == event.value), None)
        if chosen is not None:
            self.query_one("#on").value = f"{chosen.held_on:%d/%m/%Y}"



class StatementFormScreen(_SosForm):
    """STO 6.3: a danger statement, or a safety goal (for a danger statement)."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    def __init__(self, child_id: uuid.UUID, kind: str, current: list[rules.Statement],
                 meetings: list[sos_cases.MeetingChoice]) -> None:
        super().__init__(child_id, meetings)
        self.kind = kind
        self.current = current
        self.CLOSED_FIRST = ("on", "a danger statement" if kind == "danger" else
                             "a safety goal")
        self.TITLE_TEXT = ("A danger statement: what are we worried will happen to the child "
                           "if nothing changes? (STO 6.3)" if kind == "danger" else
                           "A safety goal: what will everyone see when the child is safe "
                           "enough? (STO 6.3)")

    def fields(self) -> Iterable[Widget]:
        yield self.row("text", first_upper(rules.KIND_LABELS[self.kind]),
                       self.text("", "in plain words the family can read"))
        yield from self.dated_fields()
        if self.kind == "goal":
            yield self.row("danger", "For danger statement", self.choice(
                [(f"{s.label}: {s.text[:60]}", s.number) for s in self.current
                 if s.kind == "danger"], blank=True))
        yield self.row("replaces", "Replaces", self.choice(
            [(f"{s.label}: {s.text[:60]}", s.number) for s in self.current
             if s.kind == self.kind], blank=True))

    def on_mount(self) -> None:
        self.query_one("#text").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        if not self.text_of("text") and "text" in self.touched:
            problems["text"] = f"write the {rules.KIND_LABELS[self.kind]}"
        return problems

    def build(self):
        kind, text, when = self.kind, self.text_of("text"), self.date_of("on")
        danger = self.value("danger") if self.kind == "goal" else None
        replaces, meeting = self.value("replaces"), self.value("meeting")
        child_id, actor, today = self.child_id, self.app.actor, self.app.today
        return lambda session: sos_cases.record_statement(
            session, child_id, kind=kind, text=text, on=when, by=actor, today=today,
            danger=danger, replaces=replaces, meeting_id=meeting) and True


class ScalingFormScreen(_SosForm):
    """STO 6.3: a round of scaling: each person's score 0-10, who they are to the child."""

    CLOSED_FIRST = ("on", "a scaling")
    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    def __init__(self, child_id: uuid.UUID, meetings: list[sos_cases.MeetingChoice]) -> None:
        super().__init__(child_id, meetings)
        self.TITLE_TEXT = f"Scaling (STO 6.3): {rules.QUESTION}"

    def fields(self) -> Iterable[Widget]:
        yield from self.dated_fields()
        for i in range(1, SCORE_ROWS + 1):
            yield self.row(f"who{i}", f"Person {i}", self.name_box("", "who gave the score"))
            yield self.row(f"role{i}", "  role", self.text(
                "", "their role or relationship: Mum, class teacher, social worker"))
            yield self.row(f"score{i}", "  score", self.text("", "0 to 10"))
            yield self.row(f"why{i}", "  why", self.text("", "why that number, in their words"))

    def on_mount(self) -> None:
        from cintui.casework import record

        from .widgets.names import NameBox

        # Who gave a score: one of the child's People, suggested as typed (Tab takes it),
        # their relationship or role then filled in (a name typed in full does it too).
        with self.app.store.read() as session:
            people = record.list_people(session, self.child_id)
        self.roles = {p.name.casefold(): p.relationship or p.role for p in people}
        names = sorted(p.name for p in people)
        for i in range(1, SCORE_ROWS + 1):
            self.query_one(f"#who{i}", NameBox).names = names
        self.query_one("#who1").focus()

    @on(Input.Changed)
    def _role_of_who(self, event: Input.Changed) -> None:
        name = event.input.id or ""
        if not name.startswith("who"):
            return
        role = self.roles.get(event.value.strip().casefold())
        box = self.query_one(f"#role{name.removeprefix('who')}", Input)
        if role and not box.value:
            box.value = role

    def _entries(self, problems: dict[str, str] | None = None) -> list[sos_cases.ScoreEntry]:
        out = []
        for i in range(1, SCORE_ROWS + 1):
            who, role = self.text_of(f"who{i}"), self.text_of(f"role{i}")
            raw, why = self.text_of(f"score{i}"), self.text_of(f"why{i}")
            if not (who or role or raw or why):
                continue
            score, problem = rules.parse_score(raw)
            if problem and problems is not None:
                problems[f"score{i}"] = problem
            out.append(sos_cases.ScoreEntry(who, role, score, why))
        return out

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        entries = self._entries(problems)
        if not entries and self.touched - {"on", "meeting"}:
            problems.setdefault("who1", "give at least one person's score")
        return problems

    def build(self):
        entries, when, meeting = tuple(self._entries()), self.date_of("on"), self.value("meeting")
        child_id, actor, today = self.child_id, self.app.actor, self.app.today
        return lambda session: sos_cases.record_scaling(
            session, child_id, on=when, entries=entries, recorded_by=actor, today=today,
            meeting_id=meeting) and True
