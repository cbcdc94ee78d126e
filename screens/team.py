"""The team view (F4), for a team manager: per worker the caseload, overdue items by kind,
visits and reviews in timescale, plans passing their checks, children with no quality check
(BEX 3); the team's visit timeliness over 12 weeks; Enter on a worker opens their caseload,
and on a child of the quality checks their record; q records a quality-assurance audit or
case-mapping discussion for a child; u opens the supervision of the child under the cursor,
o lists every child of the team overdue supervision, with a plan or not (STO 4.5, 8.5),
where space marks several and Enter records one session for them, each child's own; a
reallocates several of a worker's children (space marks each) to another worker in one go;
p lists the plans failing their checks, Enter opening one, and c those with no change in
six months (WIR 2.3); v shows every team's line and the service's, Enter there showing a
team (a service manager's view, where their F4 opens; w there is every team's decisions
waiting). The CIN census for the collection in progress: per worker, how many children
would be left out of the return or queried; Enter on a worker lists them and what to fix
(as `cintui report census`)."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Select, Static

from cintui.casework import caseload, lookup
from cintui.casework import census as census_cases
from cintui.casework import team as team_cases
from cintui.domain.calendar import add_months, england_calendar
from cintui.domain.census import fix_for
from cintui.domain.dates import day_short, day_text, day_words
from cintui.domain.oversight import KINDS, SHORT_WIDTH
from cintui.domain.text import counted, first_upper
from cintui.domain.waiting import OPENS, oldest_first
from cintui.screens.forms import FormScreen, parse_date
from cintui.screens.widgets.bars import Bars
from cintui.screens.widgets.loading import LoadingAfter
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable

from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

# "No change": plans with no positive change in six months (WIR 2.3, drift).
WORKER_COLUMNS = (("Worker", 18), ("Children", 8), ("Overdue", 7), ("Overdue by kind", 30),
                  ("Visits in time", 14), ("Reviews in time", 15), ("Plans pass", 12),
                  ("No QA", 5), ("No change", 9))


# A laptop terminal (under 100 columns): the measures narrower, and "Overdue by kind" and
# "No QA" left out (the first is in My week's view of the worker; the quality table below
# lists the children with no check). "Children" is headed "Open" (the title says "open
# children") so that every heading is whole in 80 columns.
NARROW_COLUMNS = (("Worker", 14), ("Children", 4), ("Overdue", 7), ("Visits in time", 14),
                  ("Reviews in time", 15), ("Plans pass", 12))
NARROW_LABELS = {"Children": "Open"}
# Between the two (a split screen, a 120-column terminal): every column but "Overdue by kind",
# and the quality table as on a laptop. The wide layout needs 128 columns; at 120 both
# tables ran off the screen's edge.
MEDIUM_COLUMNS = tuple(c for c in WORKER_COLUMNS if c[0] != "Overdue by kind")
MEDIUM_FROM, WIDE_FROM = 106, 128
QA_WIDTH = SHORT_WIDTH  # the last quality check, short: "15 Dec 2025 NOT met" (`QualityStatus.describe`)
SUPERVISION_WIDTH = 20  # "overdue: 19 Nov 2026" (`SupervisionDue.column`, short)
QUALITY_COLUMNS = ("Child", "Worker", "Last quality check", "Supervision")
NARROW_QUALITY_LABELS = {"Last quality check": "Last QA check"}

# A short terminal (under 30 lines) keeps each section's heading to a line, so that the
# quality table, which q and u act on, shows several children (at 80x24 it showed none).
SECTIONS = {
    "quality": ("Quality checks of each plan (BEX 3): an audit or a case-mapping reflective "
                "discussion. Children with none come first; q records one.",
                "Quality checks (BEX 3): children with none first; q records one."),
    "census": ("CIN census{year}: children who would be left out of the return or queried. "
               "Enter lists them and what to fix.",
               "CIN census{year}: left out or queried; Enter lists what to fix."),
}


# The team's choice (on a laptop's 80 columns, and wider); its totals have the rest, three
# lines.
NARROW_CHOICE, WIDE_CHOICE = 34, 48


def _shown(fact: str) -> int:
    return len(re.sub(r"\[/?b\]", "", fact))


def _laid_out(facts: list[str], width: int) -> list[str]:
    """Facts joined by " · ", a line at a time, never one broken over two lines."""
    out: list[list[str]] = []
    for fact in facts:
        if out and sum(map(_shown, out[-1])) + 3 * len(out[-1]) + _shown(fact) <= width:
            out[-1].append(fact)
        else:
            out.append([fact])
    return [" · ".join(line) for line in out]


def fact_lines(variants: list[list[str]], width: int, lines: int = 3) -> str:
    """The team's totals as the first of `variants` whose facts fit `lines` lines of
    `width`, none broken over two ("9 overdue supervision (STO 8.5)"). The title wrapped past
    the three lines beside the team's choice and was cut off: at 80 columns "(STO" and the
    "no change" count gone, at 120 "months (WIR 2.3)"."""
    for facts in variants:
        laid = _laid_out(facts, width)
        if len(laid) <= lines:
            break
    return "\n".join(laid)


def _without_rules(facts: list[str]) -> list[str]:
    """The facts without their rules' keys (each is in ? help and the README)."""
    return [re.sub(r" \((STO|WIR) [\d.]+\)$", "", fact) for fact in facts]


def _short_kinds(overdue: dict[str, int]) -> str:
    return " ".join(f"{kind.split()[0]} {n}" for kind, n in
                    sorted(overdue.items(), key=lambda x: -x[1]))


def _measure(m) -> Text:
    if not m.total:
        return Text("—", style="dim")
    style = "bold red" if m.percent < 70 else "yellow" if m.percent < 90 else ""
    return Text(m.describe(), style=style)


def _team_view(app, rows, team: str):
    """The team's view as the one using the app sees it (their role decides what it holds):
    the team view's load and the waiting list's reading again share it."""
    return team_cases.load_team_view(
        rows, app.today, team, role=team_cases.my_role(rows, app.worker or app.actor))


def _every_team_waiting(today: date, every: list, role: str | None) -> team_cases.TeamView:
    """All teams' decisions waiting (`every`, the longest first), as the waiting list shows
    them over all teams' list (a view of no one team: `team` is "")."""
    return team_cases.TeamView(team="", today=today, workers=[], quality=[], waiting=every,
                               waiting_all=every, role=role)


def _every_team_read(app, rows) -> team_cases.TeamView:
    """All teams' decisions waiting read again (others' changes, screens/live.py): every
    team's, as all teams' list gathers them (a child of no team is in none)."""
    teams = set(team_cases.team_names(rows))
    every = [w for w in team_cases.waiting_for_manager(rows) if w.team in teams]
    return _every_team_waiting(app.today, every,
                               team_cases.my_role(rows, app.worker or app.actor))


class TeamScreen(KeysAsRead, Screen):

    READS_IN_BACKGROUND = True  # `reading_done` once shown (typed.py)
    DEFAULT_CSS = """
    TeamScreen #team-bar { height: 3; padding: 0 1; }
    TeamScreen #team-choice { width: 48; }  /* WIDE_CHOICE */
    TeamScreen #team-title { width: 1fr; padding: 0 1; }  /* three lines beside the choice */
    TeamScreen #workers { height: auto; max-height: 14; }
    TeamScreen #trend-row { height: 3; padding: 0 1; }
    TeamScreen #trend-label { width: 44; }
    TeamScreen #trend { width: 1fr; height: 2; margin-left: 1; }
    TeamScreen .section { text-style: bold; padding: 1 1 0 1; height: auto; }
    TeamScreen #quality { height: 1fr; min-height: 6; }
    TeamScreen #census { height: auto; max-height: 8; }
    TeamScreen.-short #trend-row { height: 2; }
    TeamScreen.-short .section { padding: 0 1; }
    TeamScreen.-short #census { max-height: 4; }
    TeamScreen.-narrow #team-choice { width: 34; }  /* NARROW_CHOICE */
    """
    # Every key as read, the arrows too (`typed.KeysAsRead`), but the letters not while a
    # list is searched: the keys typed after one that opens a form wait for it.
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("escape", "back", "Back"),
        # Short words in the footer (80 columns), the whole in ? help (the tooltip).
        as_read("q", "quality_check", "QA check",
                tooltip="Record a QA check of the highlighted child's record (BEX 3)"),
        as_read("u", "supervision", "Supervision",
                tooltip="Supervision and case direction for the highlighted child (STO 8.5)"),
        as_read("o", "overdue_supervision", "Overdue",
                tooltip="Children overdue supervision, most overdue first (STO 8.5); "
                        "space there marks several for one session"),
        as_read("O", "worker_session", "Worker's session", show=False,  # in ? help
                tooltip="The highlighted worker's children overdue supervision, marked: "
                        "Enter records one session for them (STO 8.5)"),
        as_read("w", "waiting", "To decide",
                tooltip="Decisions waiting for a manager, the longest waiting first: "
                        "assessments and plans to authorise, endings recommended, disputes"),
        as_read("c", "no_change", "No change", show=False,  # in ? help
                tooltip="The plans with no change in six months, longest first; Enter opens "
                        "the child's record (D there: the conference considered, WIR 2.3)"),
        as_read("p", "plans_failing", "Plans failing",
                tooltip="The plans failing their checks (actions without an owner, outcomes "
                        "not measurable…), by worker; Enter opens the plan (BEX 2, WIR 2.3)"),
        # The footer drops keys from the last: at 120 columns v stays, a (rarer) goes.
        as_read("v", "service", "All teams",
                tooltip="Every team's line and the service's (a service manager's view: "
                        "caseloads, visits, reviews and plans in timescale); Enter picks one"),
        as_read("a", "reallocate", "Reallocate",
                tooltip="Reallocate several of the highlighted worker's children"),
        as_read("s", "step_audits", "Step audits (STO 7.13)", show=False),  # in ? help
        as_read("r", "reload", "Refresh", show=False),  # in ? help
    ]

    def __init__(self, team: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.team = team
        self.view: team_cases.TeamView | None = None
        self.census: list | None = None  # each worker's census findings, once loaded
        self.census_year: int | None = None
        self._commits_seen = -1
        # A service manager's F4 opens on all teams (ServiceScreen), Enter there shows one
        # here and Esc here goes back to them; it opened on the team they are in (the
        # demo's first), or with no team of their own on the first by name.
        self.service_first = False
        # v over a team shown: Esc on all teams comes back to it (a service manager's too:
        # it left the team view, as Esc on the list F4 opened does).
        self.service_over_team = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="team-bar"):
            yield Select([], prompt="Team", id="team-choice", allow_blank=True)
            yield Static("Loading…", id="team-title")
        yield PlainTable(id="workers", cursor_type="row")
        with Horizontal(id="trend-row"):
            yield Static("Visits in timescale, last 12 weeks", id="trend-label")
            yield Bars(id="trend")
        yield Static(SECTIONS["quality"][0], id="quality-title", classes="section")
        yield PlainTable(id="quality", cursor_type="row")
        yield Static(SECTIONS["census"][0].format(year=""), id="census-title",
                     classes="section")
        yield PlainTable(id="census", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self._add_columns()
        self._section_titles()
        self.query_one("#workers", DataTable).focus()
        self._start(getattr(self.app, "worker", None), self.team)

    @property
    def _columns(self) -> tuple[tuple[str, int], ...]:
        width = self.app.size.width
        return NARROW_COLUMNS if width < MEDIUM_FROM else \
            MEDIUM_COLUMNS if width < WIDE_FROM else WORKER_COLUMNS

    @property
    def _narrow_quality(self) -> bool:
        """The quality table as on a laptop: names alone, the short words."""
        return self._columns is not WORKER_COLUMNS

    def _column_widths(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """"Overdue by kind" and "Last quality check" take what a wide terminal has spare."""
        width = self.app.size.width - 2  # the scrollbar
        if self._columns is not WORKER_COLUMNS:  # child, worker, quality check, supervision
            # Room for the screen's scrollbar too: a team of six at 80x24 scrolls the screen,
            # and the table, two columns too wide, cut "overdue: 19 Nov 2026" to "…19 Nov 202"
            # and took a line for a scrollbar. The names give up a character or two for the
            # dates whole ("15 Dec 2025 NOT met" is 19).
            width -= 2
            names = width - QA_WIDTH - SUPERVISION_WIDTH - 2 * 4
            worker = 14 if names >= 30 else 13
            child = max(16, min(18, names - worker))
            return (tuple(w for _, w in self._columns),
                    (child, worker, max(QA_WIDTH, width - child - worker - SUPERVISION_WIDTH
                                        - 2 * 4), SUPERVISION_WIDTH))
        fixed = [w for label, w in WORKER_COLUMNS if label != "Overdue by kind"]
        by_kind = max(20, width - sum(fixed) - 2 * len(WORKER_COLUMNS))
        workers = tuple(by_kind if label == "Overdue by kind" else w
                        for label, w in WORKER_COLUMNS)
        # The worker's name as wide as in the table above, for the facilitator's room.
        return workers, (28, 18, max(40, width - 28 - 18 - 26 - 2 * 4), 26)

    def _add_columns(self) -> None:
        self._widths = self._column_widths()
        narrow = self._columns is NARROW_COLUMNS
        workers = self.query_one("#workers", DataTable)
        for (label, _), width in zip(self._columns, self._widths[0], strict=True):
            workers.add_column(NARROW_LABELS.get(label, label) if narrow else label,
                               width=width)
        quality = self.query_one("#quality", DataTable)
        for label, width in zip(QUALITY_COLUMNS, self._widths[1], strict=True):
            quality.add_column(NARROW_QUALITY_LABELS.get(label, label)
                               if self._narrow_quality else label, width=width)
        census = self.query_one("#census", DataTable)
        for label, width in (("Worker", 28), ("Left out", 9), ("Queried", 8)):
            census.add_column(label, width=width)

    @property
    def _short(self) -> bool:
        return self.app.size.height < 30

    def _section_titles(self) -> None:
        self.set_class(self._short, "-short")
        self.set_class(self.app.size.width < 100, "-narrow")
        self.query_one("#quality-title", Static).update(self._heading(*SECTIONS["quality"]))
        year = self.census_year
        collection = f" {year - 1}-{year % 100:02d}" if year else ""
        long, short = SECTIONS["census"]
        self.query_one("#census-title", Static).update(
            f"CIN census{collection}: nothing to fix." if self.census == [] else
            self._heading(long.format(year=collection + (f" (--year {year})" if year else "")),
                          short.format(year=collection)))

    def _heading(self, long: str, short: str) -> str:
        """A section's long heading where it fits on one line (less its padding and the
        screen's scrollbar), else the short one: at 120 columns both took two lines, "q
        records one." and "to fix." alone on the second, two children fewer in sight."""
        return long if not self._short and len(long) <= self.app.size.width - 4 else short

    def _show_title(self) -> None:
        """The team's totals beside the team chosen; on a laptop's 80 columns without the
        team's name (the choice shows it) and the day, which cut off the supervision count
        (STO 8.5) and the plans with no quality check."""
        view = self.view
        if view is None:
            return
        total = view.total
        narrow = self.app.size.width < 100
        # BEX 3: a dispute referred on is the service manager's, not the team manager's
        mine, others = len(view.to_decide), len(view.waiting) - len(view.to_decide)
        waiting = [f"[b]{mine} to decide (w)[/b]"] if mine else [
            f"{others} with the service manager (w)"] if others else []
        # less the bar's and title's padding, and a column Textual wraps short of
        width = self.app.size.width - 5 - (NARROW_CHOICE if narrow else WIDE_CHOICE)
        if narrow:  # beside the team's choice (its name): the counts alone
            facts = [*waiting, f"{total.children} open", f"{total.overdue_total} overdue",
                     f"{total.no_quality_check} no QA",
                     f"{total.supervision_overdue} overdue supervision (STO 8.5)",
                     f"{total.no_change} no change in 6 months (WIR 2.3)"]
            self.query_one("#team-title", Static).update(
                fact_lines([facts, _without_rules(facts)], width))
            return
        day = f"{day_text(view.today)}"
        facts = [f"[b]{plain(view.team)}[/b]", day, *waiting,
                 counted(total.children, "open child", "open children"),
                 counted(total.overdue_total, "overdue item"),
                 f"{counted(total.no_quality_check, 'plan')} with no quality check",
                 f"{total.supervision_overdue} overdue supervision (STO 8.5)",
                 f"{counted(total.no_change, 'plan')} with no change in 6 months (WIR 2.3)"]
        shorter = _without_rules(facts)
        self.query_one("#team-title", Static).update(fact_lines(
            [facts, shorter, [f for f in shorter if f != day]], width))

    def on_resize(self) -> None:
        self._section_titles()
        self._show_title()
        if self._column_widths() == getattr(self, "_widths", None):
            return
        for table in self.query(DataTable):
            table.clear(columns=True)
        self._add_columns()
        if getattr(self, "view", None) is not None:
            self._show(self.view)
        if self.census_year is not None:
            self._show_census(self.team, self.census_year, self.census)  # cleared above

    def refresh_from_store(self) -> None:
        """Others' changes, read again in place (screens/live.py): the title and the rows as
        they are until the new ones replace them (no "loading…"), the cursors kept."""
        if self.team and self.view is not None:
            self._commits_seen = getattr(self.app, "store_commits", 0)
            self._load(self.team)
        elif self.team:
            self.reload()

    def on_screen_resume(self) -> None:
        if getattr(self.app, "store_commits", 0) != self._commits_seen and self.team:
            self.reload()

    # ---------------------------------------------------------------- loading

    @work(thread=True, exclusive=True, group="team")
    def _start(self, worker: str | None, wanted: str | None) -> None:
        app = self.app
        with caseload.reading(app.store) as rows:
            names = team_cases.team_names(rows)
            team = wanted or team_cases.my_team(rows, worker) or (names[0] if names else None)
            service = (wanted is None and len(names) > 1
                       and team_cases.my_role(rows, worker) == "service_manager")
        app.call_from_thread(self._teams_known, names, None if service else team, service)

    def _teams_known(self, names: list[str], team: str | None, service: bool = False) -> None:
        choice = self.query_one("#team-choice", Select)
        with choice.prevent(Select.Changed):
            choice.set_options([(plain(n), n) for n in names])
            if team:
                choice.value = team
        self.team = team
        if service:  # a service manager: all teams first, Enter there picks one
            self.service_first = True
            self.query_one("#team-title", Static).update("All teams: Enter on one shows it.")
            if self.app.screen is self:  # not when the idle lock brought the list back over it
                self._open_service()
            self.reading_done()  # the keys typed meanwhile go to all teams' list
            return
        if team is None:
            self.query_one("#team-title", Static).update("No teams on this store yet.")
            self.reading_done()
            return
        self.reload()

    @on(Select.Changed, "#team-choice")
    def _team_chosen(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self.team:
            self.team = str(event.value)
            self.reload()

    def action_reload(self) -> None:
        if self.team:
            self.reload()

    def reload(self) -> None:
        """Read the team again (another team chosen, `r`, back from a change): the keys
        typed meanwhile wait for its rows (`reading_done`), as they do when the view opens.
        An "a" typed as another team's rows were read once reallocated the children of the
        team shown before."""
        self._commits_seen = getattr(self.app, "store_commits", 0)
        self.reading_again()
        self.query_one("#team-title", Static).update(f"{plain(self.team)}: loading…")
        self._loading_shown().start()
        self._load(self.team)

    def _loading_shown(self) -> LoadingAfter:
        if getattr(self, "_loading", None) is None:
            self._loading = LoadingAfter(self.query_one("#workers", DataTable))
        return self._loading

    @work(thread=True, exclusive=True, group="team-load")
    def _load(self, team: str) -> None:
        app = self.app
        with caseload.reading(app.store) as rows:
            view = _team_view(app, rows, team)
            census = census_cases.team_completeness(rows, app.today,
                                                    {w.name for w in view.workers})
        app.call_from_thread(self._show, view)
        app.call_from_thread(self._show_census, view.team, *census)

    def _show(self, view: team_cases.TeamView) -> None:
        if view.team != self.team:
            return  # an older load, for the team shown before
        self._loading_shown().done()
        self.view = view
        total = view.total
        self._show_title()
        table = self.query_one("#workers", DataTable)
        keep = table.cursor_row
        table.clear()
        for w in [*view.workers, total]:
            # Cut with "…" as a plain cell is (`PlainTable`): "Iris Greenhalg" at 80 columns
            # read as the whole name.
            name = Text(w.name, style="bold" if w is total else "", no_wrap=True, end="",
                        overflow="ellipsis")
            overdue = Text(str(w.overdue_total), style="bold red" if w.overdue_total else "")
            cells = {"Worker": name, "Children": str(w.children), "Overdue": overdue,
                     "Overdue by kind": _short_kinds(w.overdue),
                     "Visits in time": _measure(w.visits),
                     "Reviews in time": _measure(w.reviews), "Plans pass": _measure(w.plans),
                     "No QA": str(w.no_quality_check),
                     "No change": Text(str(w.no_change),
                                       style="bold yellow" if w.no_change else "")}
            table.add_row(*(cells[label] for label, _ in self._columns), key=w.username or "")
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._show_trend(view)
        quality = self.query_one("#quality", DataTable)
        keep = quality.cursor_row
        quality.clear()
        narrow = self._narrow_quality
        for q in view.quality:
            unmet = not q.status.checked or q.status.last.needs_met is False
            state = Text(q.status.column(self._widths[1][2]),  # as much as fits (80: short)
                         style="bold red" if unmet else "")
            supervision = Text(q.supervision.column(short=narrow) if q.supervision else "—",
                               style="bold red" if q.supervision and q.supervision.overdue
                               else "")
            quality.add_row(q.name if narrow else f"{q.name} {q.reference}", q.worker, state,
                            supervision,
                            key=str(q.child_id))
        if quality.row_count:
            quality.move_cursor(row=min(keep, quality.row_count - 1))
        self.reading_done()  # the keys typed as it was read act on it now

    def _show_trend(self, view: team_cases.TeamView) -> None:
        known = [p for p in view.trend if p.measure.percent is not None]
        # Every week in its place, on a 0-100% scale; a week with no visit to judge a dot.
        self.query_one("#trend", Bars).show([p.measure.percent for p in view.trend])
        label = f"Visits in timescale, last {len(view.trend)} weeks (Fridays)"
        if len(known) == 1:  # e.g. a caseload imported this week: judged from that day on
            only = known[0]
            label += f"\n{day_short(only.day)}: {only.measure.percent:.0f}% (the only week known)"
        elif known:
            first, last = known[0], known[-1]
            label += (f"\n{day_short(first.day)}: {first.measure.percent:.0f}% → "
                      f"{day_short(last.day)}: {last.measure.percent:.0f}%")
        self.query_one("#trend-label", Static).update(label)

    def _show_census(self, team: str, year: int, workers: list) -> None:
        if team != self.team:
            return
        self.census, self.census_year = workers, year
        self._section_titles()
        table = self.query_one("#census", DataTable)
        table.clear()
        for w in workers:
            left = {f.reference for f in w.left_out}
            queried = {f.reference for f in w.queried} - left
            table.add_row(w.worker or "(no worker)",
                          Text(str(len(left)), style="bold red" if left else ""),
                          str(len(queried)), key=w.worker)

    # ---------------------------------------------------------------- keys

    @on(DataTable.RowSelected, "#census")
    def _census_chosen(self, event: DataTable.RowSelected) -> None:
        found = next((w for w in self.census or [] if w.worker == event.row_key.value),
                     None)
        if found is not None:
            self.app.push_screen(self.app.make_screen("census_worker", found=found))

    @on(DataTable.RowSelected, "#quality")
    def _child_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a child of the quality checks opens their record, as on a caseload."""
        key = event.row_key.value
        if key:
            self.app.push_screen(self.app.make_screen("child", child_id=uuid.UUID(key)))

    @on(DataTable.RowSelected, "#workers")
    def _worker_chosen(self, event: DataTable.RowSelected) -> None:
        username = event.row_key.value
        line = next((w for w in self.view.workers if w.username == username), None) \
            if self.view else None
        if username:
            self.app.push_screen(self.app.make_screen(
                "caseload", worker=username, worker_name=line.name if line else None))

    def action_supervision(self) -> None:
        """STO 4.5, 8.5: the supervision of the child under the cursor (the plans' list)."""
        if not self.after_reading(self.action_supervision):
            return
        table = self.query_one("#quality", DataTable)
        if not table.row_count:
            self.notify("No child with a CIN plan in this team: o lists every child overdue "
                        "supervision; U on a child's record opens theirs.")
            return
        if self.focused is not table:  # as q: the child is chosen first, not the list's top
            table.focus()
            self.notify("Choose the child, then press u again.")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.push_screen(self.app.make_screen("supervision", child_id=uuid.UUID(key)))

    def action_overdue_supervision(self) -> None:
        """STO 4.5, 8.5: every child of the team overdue supervision, with or without a plan
        (the quality table lists only plans), the longest overdue first; Enter opens one."""
        if not self.after_reading(self.action_overdue_supervision) or self.view is None:
            return
        if not self.view.supervision_overdue:
            self.notify("No child in this team is overdue supervision.")
            return
        # By name, as every list over the team view: the idle lock (PRIV 2) reopens it.
        self.app.push_screen(self.app.make_screen("supervision_overdue", view=self.view))

    def action_worker_session(self) -> None:
        """STO 4.5, 8.5: a worker's monthly supervision: the overdue list with the
        highlighted worker's children marked, so Enter records one session for them."""
        if not self.after_reading(self.action_worker_session) or self.view is None:
            return
        workers = self.query_one("#workers", DataTable)
        username = workers.coordinate_to_cell_key((workers.cursor_row, 0)).row_key.value \
            if workers.row_count else None
        line = next((w for w in self.view.workers if w.username == username), None)
        if not username or line is None:
            self.notify("Choose a worker's line, then O: their children overdue supervision, "
                        "marked for one session.")
            return
        mine = [str(q.child_id) for q in self.view.supervision_overdue if q.worker == line.name]
        if not mine:
            self.notify(f"None of {line.name}'s children is overdue supervision.")
            return
        self.app.push_screen(self.app.make_screen("supervision_overdue", view=self.view,
                                                  marked=mine))
        self.notify(f"{line.name}'s {counted(len(mine), 'child', 'children')} overdue "
                    "supervision marked: Enter records one session for them (space "
                    "unmarks).")

    def action_plans_failing(self) -> None:
        """The children behind "Plans pass": each plan failing its checks and what they
        found; Enter opens the plan to put it right (BEX 2, WIR 2.3)."""
        if not self.after_reading(self.action_plans_failing) or self.view is None:
            return
        if not self.view.quality:
            self.notify("No child with a CIN plan in this team.")
            return
        if not self.view.plans_failing:
            self.notify(f"Every plan in this team passes its checks "
                        f"({self.view.total.plans.describe()}).")
            return
        self.app.push_screen(self.app.make_screen("plans_failing", view=self.view))

    def action_no_change(self) -> None:
        """WIR 2.3: the children behind "no change in 6 months", the longest first."""
        if not self.after_reading(self.action_no_change) or self.view is None:
            return
        if not self.view.no_change:
            self.notify("No plan in this team has gone six months without change.")
            return
        self.app.push_screen(self.app.make_screen("no_change", view=self.view))

    def action_waiting(self) -> None:
        """What waits for a manager's decision (domain.waiting); Enter takes you to it."""
        if not self.after_reading(self.action_waiting) or self.view is None:
            return
        if not self.view.waiting_all:
            self.notify("Nothing waits for a manager's decision, in this team or another.")
            return
        every = not self.view.waiting  # none here: another team's (t goes back)
        self.app.push_screen(self.app.make_screen("waiting", view=self.view, every=every))

    def action_service(self) -> None:
        """Every team at a glance, a line each and the service's (a service manager's view);
        Enter shows the team chosen here."""
        if self.after_reading(self.action_service):
            self.service_over_team = self.view is not None
            self._open_service()

    def action_all_teams(self) -> None:
        """F4 on the team view: a service manager's F4 is all teams, so again it goes back
        to them, as Esc does (it did nothing); a team manager's is this view already."""
        if self.service_first:
            self.action_back()

    def _open_service(self) -> None:
        self.app.push_screen(self.app.make_screen("service", today=self.app.today))

    def on_service_screen_picked(self, message) -> None:
        """Enter on all teams' list: that team here. Esc there: back to the team view, or,
        for a service manager on the list F4 opened (or Esc or F4 on a team came back to),
        back to where F4 was pressed; opened with v over a team, back to that team.
        A message, not the list's result: the idle lock (PRIV 2) makes the list again, with
        no one waiting for its result."""
        team, over_team, self.service_over_team = message.team, self.service_over_team, False
        if team is None and self.service_first and not over_team:
            if self.app.screen is self:
                self.app.pop_screen()
        elif isinstance(team, str) and team != self.team:
            choice = self.query_one("#team-choice", Select)
            with choice.prevent(Select.Changed):
                choice.value = team
            self.team = team
            self.reload()

    def action_step_audits(self) -> None:
        """STO 7.13: this month's cases that stepped down to early help or up from it, to
        audit for learning; [ and ] go a month back and forward."""
        if self.after_reading(self.action_step_audits) and self.view is not None:
            self.app.push_screen(self.app.make_screen("step_audits", team=self.view.team,
                                                      today=self.app.today))

    def action_quality_check(self) -> None:
        if not self.after_reading(self.action_quality_check):
            return
        quality = self.query_one("#quality", DataTable)
        if self.view is None or not quality.row_count:
            self.notify("No child with a CIN plan in this team.")
            return
        if self.focused is not quality:
            quality.focus()
            self.notify("Choose the child, then press q again.")
            return
        key = quality.coordinate_to_cell_key((quality.cursor_row, 0)).row_key.value
        row = next(q for q in self.view.quality if str(q.child_id) == key)
        self.app.push_screen(QualityCheckFormScreen(row.child_id, row.name, self.app.today),
                             self._recorded)

    def action_reallocate(self) -> None:
        if not self.after_reading(self.action_reallocate):
            return
        workers = self.query_one("#workers", DataTable)
        if self.view is None or not workers.row_count:
            return
        username = workers.coordinate_to_cell_key((workers.cursor_row, 0)).row_key.value
        line = next((w for w in self.view.workers if w.username == username), None)
        if not username or line is None:
            self.notify("Choose a worker's line (not the team's, nor unallocated), then a.")
            return
        if not line.children:
            self.notify(f"{line.name} holds no open children.")
            return
        self.app.push_screen(ReallocateScreen(line.username, line.name, self.app.today),
                             self._reallocated)

    def _reallocated(self, moved: object) -> None:
        if isinstance(moved, list):
            self.notify(f"Reallocated {len(moved)} child{'' if len(moved) == 1 else 'ren'} "
                        f"to {moved[0].to_worker}.")
            self.reload()

    def _recorded(self, result: object) -> None:
        if result:
            self.notify("Quality check recorded.")
            self.reload()

    def action_back(self) -> None:
        if self.service_first:  # a service manager's: back to all teams, Esc there leaves
            self.service_over_team = False
            self._open_service()
        else:
            self.app.pop_screen()


class _ListOverTeam(ModalScreen):
    """A list over the team view, in a bordered table; Esc closes."""

    DEFAULT_CSS = """
    _ListOverTeam { align: center middle; }
    _ListOverTeam > DataTable { width: 90%; height: 80%; border: round $accent; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Close")]
    TABLE_ID = ""

    def compose(self) -> ComposeResult:
        yield PlainTable(id=self.TABLE_ID, cursor_type="row")
        yield Footer()

    def table(self, title: str, columns: tuple[tuple[str, int], ...]) -> DataTable:
        table = self.query_one(DataTable)
        table.border_title = plain(title)
        for label, width in columns:
            table.add_column(label, width=width)
        table.focus()
        return table


class CensusWorkerScreen(_ListOverTeam):
    """One worker's children who would be left out of the census return or queried, each
    by name with the DfE rule; what is wrong and what to fix, in full, under the list for
    the one highlighted. Enter opens the child's record, where it is put right; Esc from it
    is the team view. The list gave the reference alone, what was wrong cut at the box's
    edge at 80 columns, what to fix past it, and Enter did nothing."""

    TABLE_ID = "census-items"
    DEFAULT_CSS = """
    CensusWorkerScreen > DataTable { height: 1fr; }
    CensusWorkerScreen #census-items-detail { width: 90%; height: auto; max-height: 7;
        padding: 0 1; background: $boost; }
    """

    def __init__(self, found, **kwargs) -> None:
        super().__init__(**kwargs)
        self.found = found
        self.items = (*found.left_out, *found.queried)
        self.named: dict[str, lookup.ChildRow] = {}  # by reference, once read

    def compose(self) -> ComposeResult:
        yield PlainTable(id=self.TABLE_ID, cursor_type="row")
        yield Static("", id="census-items-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.table(f"{self.found.worker or '(no worker)'}: census items to clear · Enter "
                   "opens the record", ())
        self._read()

    @work(thread=True)
    def _read(self) -> None:
        app, found = self.app, {}
        with app.store.read() as session:
            for f in self.items:
                with contextlib.suppress(ValueError):  # a child since erased
                    found.setdefault(f.reference, lookup.find_child(session, f.reference))
        app.call_from_thread(self._fill, found)

    def _fill(self, named: dict) -> None:
        self.named = named
        narrow = self.app.size.width < 120
        room = int(self.app.size.width * 0.9) - 2 - 2 * 4  # the border, the cells' padding
        child = 16 if narrow else 26
        table = self.query_one(DataTable)
        for label, width in (("Child", child), ("Rule", 5), ("", 8),
                             ("What is wrong", max(20, room - child - 5 - 8))):
            table.add_column(label, width=width)
        for i, f in enumerate(self.items):
            row = named.get(f.reference)
            name = row.full_name if row else f.reference
            table.add_row(name if narrow or not row else f"{name} {f.reference}", f.rule,
                          Text("query", style="yellow") if f.query
                          else Text("left out", style="bold red"), f.message, key=str(i))
        self._detail(0)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int) -> None:
        if index >= len(self.items):
            return
        f = self.items[index]
        row = self.named.get(f.reference)
        text = Text(f"{row.full_name} {f.reference}" if row else f.reference, style="bold")
        text.append(f" · {f.rule}: {f.message}", style="")
        if fix := fix_for(f.rule):
            text.append(f"\nTo fix: {fix}", style="")
        self.query_one("#census-items-detail", Static).update(text)

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        """The child's record, in this list's place (Esc from it: the team view)."""
        row = self.named.get(self.items[int(event.row_key.value)].reference)
        if row is None:
            return
        app = self.app
        app.pop_screen()
        app.push_screen(app.make_screen("child", child_id=row.id))


class MarkTable(PlainTable):
    """Rows marked with space (✓ in the first column); `marked` holds their keys."""

    BINDINGS = [Binding("space", "toggle_mark", "Mark / unmark")]

    class Changed(Message):
        pass

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.marked: set[str] = set()

    def action_toggle_mark(self) -> None:
        if not self.row_count:
            return
        row_key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key
        self.marked ^= {row_key.value}
        self.update_cell(row_key, "mark", "✓" if row_key.value in self.marked else "")
        self.post_message(self.Changed())


class SupervisionOverdueScreen(_ListOverTeam):
    """The team's children overdue supervision (STO 4.5, 8.5), the longest overdue first,
    with a CIN plan or not. Enter opens the child's supervision, to record one; space marks
    several (a worker's, for their monthly session) and Enter then records one session for
    them all, each child's own supervision in one form. Esc goes back to the team view."""

    TABLE_ID = "supervision-overdue"

    def __init__(self, view: team_cases.TeamView, marked: Iterable[str] = (),
                 at: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view
        self.to_mark = list(marked)  # a worker's children (the team view's O)
        self.at = at  # the child the cursor is on, made again after the idle lock

    def made_again_with(self, kwargs: dict) -> dict:
        """After the idle lock (PRIV 2) this list opens again with the children marked as
        they were, and the cursor where it was (it came back with none marked, or with the
        worker's O marked, whatever space had changed since)."""
        table = self.query_one(MarkTable)
        keys = [str(q.child_id) for q in self.view.supervision_overdue]
        at = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value \
            if table.row_count else None
        return {**kwargs, "marked": [k for k in keys if k in table.marked], "at": at}

    def compose(self) -> ComposeResult:
        yield MarkTable(id=self.TABLE_ID)
        yield Footer()

    def on_mount(self) -> None:
        rows = self.view.supervision_overdue
        narrow = self.app.size.width < 120
        table = self.query_one(MarkTable)
        table.add_column("", key="mark", width=1)
        table = self.table(self._title(),
                           # the ✓ column's room from the worker's, at 80 columns
                           (("Child", 24), ("Worker", 12 if narrow else 14),
                            ("Supervision", 25 if narrow else 26)))
        for q in rows:
            table.add_row("", f"{q.name} {q.reference}", q.worker,
                          Text(q.supervision.column(), style="bold red"), key=str(q.child_id))
        for key in self.to_mark:
            table.marked.add(key)
            table.update_cell(key, "mark", "✓")
        if self.to_mark or self.at:
            table.move_cursor(row=table.get_row_index(self.at or self.to_mark[0]))
            table.border_title = plain(self._title())

    def answer_to(self, screen) -> Callable[[object], None] | None:
        """The session form made again above this list after the idle lock answers it as
        before: saved, it says so and the team view is read again (it left the manager on
        this list, the children saved still marked for another session)."""
        if type(screen).__name__ == "SupervisionSessionScreen":
            return lambda result: self._session_saved(result, screen)
        return None

    def _title(self) -> str:
        """What Enter does, as it changes: one child's supervision, or with children marked
        one session for them (it said "Enter opens one" with three marked)."""
        n = len(self.view.supervision_overdue)
        marked = len(self.query_one(MarkTable).marked)
        narrow = self.app.size.width < 120
        if marked:
            which = f"the {marked} marked" if marked > 1 else "the child marked"
            return (f"{n} overdue supervision · Enter: one session for {which}" if narrow
                    else f"{n} overdue supervision (STO 8.5) · Enter: one session for "
                    f"{which} · space marks or unmarks")
        return f"{n} overdue supervision (STO 8.5) · Enter opens one · " + (
            "space marks" if narrow else "space marks several for one session")

    @on(MarkTable.Changed)
    def _marked(self) -> None:
        self.query_one(MarkTable).border_title = plain(self._title())

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        """The child's supervision, in this list's place (Esc from it: the team view); with
        children marked, one session for them."""
        app = self.app
        marked = self.query_one(MarkTable).marked
        if marked:
            self._session([q for q in self.view.supervision_overdue
                           if str(q.child_id) in marked])
            return
        app.pop_screen()
        app.push_screen(app.make_screen("supervision", child_id=uuid.UUID(event.row_key.value)))

    def _session(self, rows: list) -> None:
        from cintui.casework import endings
        from cintui.domain.workforce import MANAGER_ROLES, needs_role

        app = self.app
        with app.store.read() as session:
            me = endings.me(session, app.actor)
        refusal = needs_role(me.username or me.name, me.role, MANAGER_ROLES)
        if refusal is not None:  # as the single form's: said before opening it
            app.notify(f"Recording supervision {refusal} (STO 4.5, 8.5).", severity="warning",
                       timeout=8)
            return
        children = [(q.child_id, q.name, q.reference, q.worker) for q in rows]
        form = app.make_screen("supervision_session", children=children, by=me.name)
        app.push_screen(form, lambda result: self._session_saved(result, form))

    def _session_saved(self, result: object, form=None) -> None:
        if not result:
            return
        n = len(self.query_one(MarkTable).marked)
        nxt = getattr(form, "next_due", None)  # the date the manager set, for them all
        self.app.notify(f"Supervision recorded for {n} children, each on the child's own "
                        "record; each child's next supervision "
                        + (f"by {day_words(nxt)}." if nxt else "runs from it."))
        self.app.pop_screen()  # the team view, read again (each child off the overdue list)


class NoChangeScreen(_ListOverTeam):
    """WIR 2.3: the team's plans with a worry still Red or Amber and no need rated better in
    six months, nor a child protection conference considered since; the longest first.
    Enter opens the child's record, where D records the conference considered; Esc from it
    is the team view."""

    TABLE_ID = "no-change"

    def __init__(self, view: team_cases.TeamView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view

    def on_mount(self) -> None:
        rows = self.view.no_change
        narrow = self.app.size.width < 120
        table = self.table(
            f"{len(rows)} with no change in 6 months (WIR 2.3) · Enter opens the record",
            (("Child", 16 if narrow else 26), ("Worker", 12 if narrow else 16),
             ("No need rated better since", 28)))
        for row, since in rows:
            table.add_row(row.name if narrow else f"{row.name} {row.reference}", row.worker,
                          Text(day_words(since, pad=True), style="bold yellow"),
                          key=str(row.child_id))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        app = self.app
        app.pop_screen()
        app.push_screen(app.make_screen("child", child_id=uuid.UUID(event.row_key.value)))


class PlansFailingScreen(_ListOverTeam):
    """The children behind the team's "Plans pass": each CIN plan in force failing the plan
    checks (BEX 2, WIR 2.3: an action without an owner or a date, an outcome that cannot be
    measured…), by worker, with what the checks found, in full under the list for the child
    highlighted. Enter opens the child's plan, at the version the checks read (the plan in
    force: it opened on a newer draft that passed them); Esc from it is the team view."""

    TABLE_ID = "plans-failing"
    DEFAULT_CSS = """
    PlansFailingScreen > DataTable { height: 1fr; }
    PlansFailingScreen #plans-failing-detail { width: 90%; height: auto; max-height: 7;
        padding: 0 1; background: $boost; }
    """

    def __init__(self, view: team_cases.TeamView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view

    def compose(self) -> ComposeResult:
        yield PlainTable(id=self.TABLE_ID, cursor_type="row")
        yield Static("", id="plans-failing-detail")
        yield Footer()

    def on_mount(self) -> None:
        rows, plans = self.view.plans_failing, self.view.total.plans
        narrow = self.app.size.width < 120
        room = int(self.app.size.width * 0.9) - 2 - 2 * 3  # the border, the cells' padding
        child, worker = (16, 12) if narrow else (26, 16)
        table = self.table(
            f"{len(rows)} of {plans.total} plans fail their checks · Enter opens one",
            (("Child", child), ("Worker", worker), ("To fix", max(20, room - child - worker))))
        for i, p in enumerate(rows):
            table.add_row(p.name if narrow else f"{p.name} {p.reference}", p.worker,
                          Text(p.describe(), style="" if p.problems else "bold red"),
                          key=str(i))
        self._detail(0)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int) -> None:
        rows = self.view.plans_failing
        if index >= len(rows):
            return
        p = rows[index]
        text = Text(f"{p.name} {p.reference} ({p.worker})", style="bold")
        text.append("\nNo plan agreed yet: the plan agreed with the family is what the "
                    "checks read." if not p.problems else
                    "".join(f"\n· {x.message}" for x in p.problems), style="")
        self.query_one("#plans-failing-detail", Static).update(text)

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        """The child's plan, in this list's place (Esc from it: the team view, read again)."""
        p = self.view.plans_failing[int(event.row_key.value)]
        app = self.app
        app.pop_screen()
        app.push_screen(app.make_screen("plan", child_id=p.child_id, version_id=p.version_id))


SERVICE_COLUMNS = (("Team", 22), ("Open", 5), ("Per worker", 10), ("Overdue", 7),
                   ("Visits in time", 14), ("Reviews in time", 15), ("Plans pass", 12),
                   ("No QA", 5), ("No change", 9))
# At 80 columns, as the team view's own: the caseload, overdue and the three measures.
NARROW_SERVICE = (("Team", 14), ("Open", 4), ("Overdue", 7), ("Visits in time", 14),
                  ("Reviews in time", 15), ("Plans pass", 12))


def short_team(name: str, names: list[str], room: int) -> str:
    """A team's name too long for its column as its first word that not every team's name
    has, where no other team's is the same ("North" of "North Strengthening Families",
    "South" of "Safeguarding South"): at 80 columns "North Strength" was cut."""
    if len(name) <= room or name not in names:
        return name
    common = set.intersection(*(set(n.split()) for n in names)) if len(names) > 1 else set()

    def first(n: str) -> str:
        return next((w for w in n.split() if w not in common), n)

    firsts = [first(n) for n in names]
    return firsts[names.index(name)] if firsts.count(first(name)) == 1 else name


class ServiceScreen(_ListOverTeam):
    """A service manager's view: every team's line (open children, per worker (WAR 3.5),
    overdue items, visits, reviews and plans in timescale, no quality check, no change) and
    the service's, which adds them up. The team view showed one team at a time. Enter
    shows the team chosen in the team view; Esc goes back to it."""

    TABLE_ID = "service"
    DEFAULT_CSS = """
    ServiceScreen > DataTable { width: 100%; height: 1fr; }
    """
    # Esc says so to the team view (a service manager's leaves it too). w: what waits for a
    # manager in every team, as the caseload tells a service manager ("F4 w"), F4 opening here.
    BINDINGS = [Binding("escape", "close", "Close"), Binding("w", "waiting", "To decide")]

    class Picked(Message):
        """A team chosen (Enter), or none (Esc), for the team view under the list."""

        def __init__(self, team: str | None) -> None:
            super().__init__()
            self.team = team

    def __init__(self, today: date, **kwargs) -> None:
        super().__init__(**kwargs)
        self.today = today
        self.views: list[team_cases.TeamView] | None = None
        self.role: str | None = None  # the reader's: what waits is theirs, or another's
        self._wanted: list = []  # keys that need the teams, typed before they were read

    def on_mount(self) -> None:
        narrow = self.app.size.width < MEDIUM_FROM
        self.columns = NARROW_SERVICE if narrow else SERVICE_COLUMNS
        self.table("All teams: loading…", self.columns)
        self._load()

    @work(thread=True, exclusive=True, group="service")
    def _load(self) -> None:
        app = self.app
        with caseload.reading(app.store) as rows:
            views = team_cases.load_service(rows, self.today)
            self.role = team_cases.my_role(rows, app.worker or app.actor)
        app.call_from_thread(self._show, views)

    def refresh_from_store(self) -> None:
        """Others' changes (a closure recommended, a decision taken), read again in place
        (screens/live.py): the lines as they are until the new ones replace them."""
        self._load()

    def _show(self, views: list[team_cases.TeamView]) -> None:
        self.views = views
        table = self.query_one(DataTable)
        at, top = table.cursor_row, round(table.scroll_y)
        was = table.coordinate_to_cell_key((at, 0)).row_key.value if table.row_count else None
        table.clear()
        service = team_cases.TeamView(team="Service", today=self.today, workers=[
            w for v in views for w in v.workers], quality=[]).total
        holding = sum(1 for v in views for w in v.workers if w.username and w.children)
        lines = [(v.team, v.total, sum(1 for w in v.workers if w.username and w.children))
                 for v in views]
        names = [v.team for v in views]
        room = self.columns[0][1]
        for name, line, workers in [*lines, ("Service", service, holding)]:
            per = f"{line.children / workers:.1f}" if workers else "—"
            shown = short_team(name, names, room)
            cells = {"Team": Text(shown, style="bold" if name == "Service" else ""),
                     "Open": str(line.children), "Per worker": per,
                     "Overdue": Text(str(line.overdue_total),
                                     style="bold red" if line.overdue_total else ""),
                     "Visits in time": _measure(line.visits),
                     "Reviews in time": _measure(line.reviews),
                     "Plans pass": _measure(line.plans), "No QA": str(line.no_quality_check),
                     "No change": Text(str(line.no_change),
                                       style="bold yellow" if line.no_change else "")}
            table.add_row(*(cells[label] for label, _ in self.columns),
                          key=name if name != "Service" else "")
        if was is not None:  # read again: on the same team's line, where it was on screen
            keys = [r.key.value for r in table.ordered_rows]
            row = keys.index(was) if was in keys else min(at, len(keys) - 1)
            table.move_cursor(row=row, scroll=False)
            self.call_after_refresh(table.scroll_to, y=max(0, row - (at - top)), animate=False)
        waiting = sum(1 for v in views for w in v.waiting if w.theirs(self.role))
        table.border_title = plain(
            f"All teams {day_short(self.today)}: {counted(len(views), 'team')} · "
            f"{service.children} open · {waiting} to decide{' (w)' if waiting else ''} · "
            "Enter: a team")
        wanted, self._wanted = self._wanted, []
        for again in wanted:
            again()

    def action_waiting(self) -> None:
        """Every team's decisions waiting for a manager, the longest first; Enter goes to
        one (the team view's w, over all teams)."""
        if self.views is None:  # "F4 w" typed at once: once the teams are read
            self._wanted.append(self.action_waiting)
            return
        every = oldest_first([w for v in self.views for w in v.waiting])
        if not every:
            self.notify("Nothing waits for a manager's decision in any team.")
            return
        view = _every_team_waiting(self.today, every, self.role)
        self.app.push_screen(self.app.make_screen("waiting", view=view, every=True))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self._answer(event.row_key.value)

    def action_close(self) -> None:
        self._answer(None)

    def _answer(self, team: str | None) -> None:
        stack = self.app.screen_stack
        below = stack[stack.index(self) - 1] if self in stack[1:] else None
        self.app.pop_screen()
        if below is not None:
            below.post_message(self.Picked(team))


class WaitingScreen(_ListOverTeam):
    """Decisions waiting for a manager, the longest waiting first: assessments to
    authorise and plans to start (TRA), closures, step-downs and transfers recommended,
    disputes (BEX 3), casework a laptop brought dated after its case closed (TRA, BEX 3). This team's, or with t all teams' (a service manager's). Enter opens
    the child's record where the decision is taken (the case steps, the closure, the
    step-down, the transfer); Esc from there is the record."""

    TABLE_ID = "waiting"
    BINDINGS = [Binding("t", "every_team", "All teams / this team")]

    def __init__(self, view: team_cases.TeamView, every: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view  # read with the team view, in the background: this team's and all
        self.every = every

    @property
    def rows(self) -> list:
        """The reader's to decide first, then those waiting on someone else (BEX 3: a
        dispute referred to the service manager), each the longest waiting first."""
        found = self.view.waiting_all if self.every else self.view.waiting
        role = self.view.role
        return [w for w in found if w.theirs(role)] + [w for w in found if not w.theirs(role)]

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        rows, today, cal = self.rows, self.view.today, england_calendar()
        narrow = self.app.size.width < 120  # the rule's words fit from 120 columns
        short = narrow or self.every
        table = self.query_one(DataTable)
        table.clear(columns=True)
        # Since: "21 Nov, 11 days" whole (15; it was cut at 14, "21 Nov, 11 da…"); a longer
        # wait ("21 Nov, 1,234 days") takes what it needs from the child's column (it was
        # cut at 80 columns from 100 days, "21 Nov, 100 da…").
        since = [w.describe_since(today, cal, short=True) for w in rows]
        more = max([0, *(len(s) - (15 if narrow else 16) for s in since)])  # none: none
        if narrow:
            columns = (("Child", 16 - more), ("Team" if self.every else "Worker", 11),
                       ("To decide", 20), ("Since", 15 + more))
        elif self.every:
            columns = (("Child", 24 - more), ("Worker", 14), ("Team", 20), ("To decide", 20),
                       ("Since", 16 + more))
        else:  # the rule's words take the room there is (the table is 90% wide)
            columns = (("Child", 24 - more), ("Worker", 14),
                       ("To decide", max(44, self.app.size.width * 9 // 10 - 64)),
                       ("Since", 16 + more))
        room = dict(columns)["To decide"]
        role = self.view.role  # a kind whose words do not all fit says each in its short ones
        cut = {w.kind for w in rows if len(w.what_for(role)) > room}
        back = " · t: this team" if self.view.team else ""  # none over all teams' list
        mine = sum(1 for w in rows if w.theirs(self.view.role))
        count = f"{mine} to decide" + (f", {len(rows) - mine} with the service manager"
                                       if mine < len(rows) else "")
        if narrow and mine < len(rows):  # whole at 80 columns (t is in the footer)
            title = f"{count}{', all teams' if self.every else ''} · Enter opens"
        elif self.every:
            title = f"{count}, all teams (working days) · Enter opens{back}"
        else:
            title = f"{count} (working days) · Enter opens one · t: all teams"
        self.table(title, columns)
        for i, w in enumerate(rows):
            who = ([w.team] if narrow and self.every else
                   [w.worker, w.team] if self.every else [w.worker])
            table.add_row(w.name if narrow else f"{w.name} {w.reference}", *who,
                          first_upper(w.what_for(role, short or w.kind in cut)),
                          since[i], key=str(i))

    def on_resize(self) -> None:
        if self.is_mounted:
            self._fill()

    def refresh_from_store(self) -> None:
        """Others' changes (a decision taken, a closure recommended): the team read again,
        or over all teams' list every team's, the cursor on the same child."""
        self._read_again(self.view.team)

    @work(thread=True, exclusive=True, group="waiting")
    def _read_again(self, team: str) -> None:
        app = self.app
        with caseload.reading(app.store) as rows:
            view = _team_view(app, rows, team) if team else _every_team_read(app, rows)
        app.call_from_thread(self._read, view)

    def _read(self, view: team_cases.TeamView) -> None:
        """The rows read again: the cursor on the same child, on the same line of the list
        as before (the rows above it come and go); if it went, on the row where it was."""
        table = self.query_one(DataTable)
        rows, at, top = self.rows, table.cursor_row, round(table.scroll_y)
        was = rows[at].child_id if 0 <= at < len(rows) else None
        self.view = view
        self._fill()
        ids = [w.child_id for w in self.rows]
        if not ids:
            return
        row = ids.index(was) if was in ids else min(at, len(ids) - 1)
        table.move_cursor(row=row, scroll=False)
        self.call_after_refresh(table.scroll_to, y=max(0, row - (at - top)), animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Over all teams' list (a service manager's) there is no one team to go back to.
        return not (action == "every_team" and not self.view.team)

    def action_every_team(self) -> None:
        self.every = not self.every
        self._fill()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        w = self.rows[int(event.row_key.value)]
        app = self.app
        app.pop_screen()
        app.push_screen(app.make_screen("child", child_id=uuid.UUID(w.child_id),
                                        then=OPENS[w.kind], about=w.about))


STEP_WORDS = {"down": "down to early help", "up": "up from early help"}


def first_per_field(found: list[tuple[str, str]]) -> dict[str, str]:
    """Each field's first problem, the fields in the form's order (the cursor goes to the
    first: a reversed dict once sent it to the last)."""
    out: dict[str, str] = {}
    for field, problem in found:
        out.setdefault(field, problem)
    return out


class StepAuditScreen(_ListOverTeam):
    """STO 7.13: the team's cases that stepped down to early help or up from it in a month,
    not yet audited first. It opens on the newest of this month and the two before with a
    case not yet audited. Enter on one records its audit (what was learned); [ and ] go a
    month back and forward; Esc goes back to the team view."""

    TABLE_ID = "step-audits"
    BINDINGS = [Binding("left_square_bracket", "month(-1)", "Month before"),
                Binding("right_square_bracket", "month(1)", "Month after")]

    def __init__(self, team: str, today: date, **kwargs) -> None:
        super().__init__(**kwargs)
        self.team, self.today = team, today
        self.first = date(today.year, today.month, 1)
        self.cases: dict[str, object] = {}
        self.auditor = ""

    def on_mount(self) -> None:
        from cintui.casework import step_audits

        self.table("", (("Child", 24), ("Worker", 14), ("Step", 18), ("On", 6),
                        ("Audit", 60)))
        with caseload.reading(self.app.store) as rows:  # ~0.1 ms a month for a team
            self.first = step_audits.month_to_audit(rows, self.today, team=self.team)
            self.auditor = step_audits.auditor(rows, self.app.worker or self.app.actor)
        self.load()

    def load(self) -> None:
        from cintui.casework import step_audits
        from cintui.domain.oversight import month_of

        first, last = month_of(f"{self.first:%Y-%m}", self.today)
        with caseload.reading(self.app.store) as rows:
            found = step_audits.month_cases(rows, first, last, team=self.team)
        table = self.query_one(DataTable)
        table.clear()
        self.cases = {}
        for n, c in enumerate(found):
            self.cases[str(n)] = c
            audit = Text(f"{day_short(c.audit.held_on)}, {c.audit.facilitator}: {c.learning}")\
                if c.audit else Text("not yet audited", style="bold yellow")
            table.add_row(f"{c.name} {c.reference}", c.worker, STEP_WORDS[c.direction],
                          day_short(c.stepped_on, pad=True), audit, key=str(n))
        done = sum(1 for c in found if c.audited)
        table.border_title = plain(  # whole at 80 columns; [ ] are in the footer
            f"{first:%b %Y}: {done} of {len(found)} step-downs/ups audited (STO 7.13) · "
            "Enter: audit" if found else
            f"{first:%b %Y}: no step-downs or step-ups to audit (STO 7.13)")

    def action_month(self, step: int) -> None:
        first = add_months(self.first, step)
        if first > self.today:
            self.notify(f"{first:%B %Y} has not begun.")
            return
        self.first = first
        self.load()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        case = self.cases.get(event.row_key.value or "")
        if case is None:
            return
        if case.audited:
            self.notify(f"Audited on {day_words(case.audit.held_on)} by "
                        f"{case.audit.facilitator}: {case.learning}")
            return
        self.app.push_screen(StepAuditFormScreen(case, self.today, self.auditor),
                             self._recorded)

    def _recorded(self, result: object) -> None:
        if result:
            self.notify("Step audit recorded.")
            self.load()


class StepAuditFormScreen(FormScreen):
    """STO 7.13: the audit of one case that stepped down or up: who audited it, whether the
    step was right for the child, and what was learned (for the workforce)."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    def __init__(self, case, today: date, auditor: str = "") -> None:
        super().__init__()
        self.case, self.today, self.auditor = case, today, auditor
        self.child_id = uuid.UUID(case.child_id)
        self.kept_key = f"StepAuditFormScreen:{case.episode_id}"
        way = "stepped down to early help" if case.direction == "down" \
            else "stepped up from early help"
        self.TITLE_TEXT = (f"Audit of {case.name}'s case, {way} on "
                           f"{day_words(case.stepped_on)} (STO 7.13)")

    def fields(self) -> Iterable[Widget]:
        yield self.row("held_on", "Audited on", self.text(f"{self.today:%d/%m/%Y}"))
        yield self.row("facilitator", "Audited by", self.text(self.auditor,
                                                             placeholder="name and role"))
        yield self.row("right", "Was the step right?", self.choice(
            [("Yes", "yes"), ("No", "no"), ("Not decided", "unknown")], "unknown"))
        yield self.row("findings", "What was learned", self.prose(
            "", "What went well or not, to share with the workforce"))

    def on_mount(self) -> None:  # the auditor offered (the user): the answer comes first
        self.query_one("#right" if self.auditor else "#facilitator").focus()

    def problems(self) -> dict[str, str]:
        from cintui.domain.oversight import check_step_audit

        try:
            held_on = self.date_of("held_on")
        except ValueError as exc:
            return {"held_on": str(exc)}
        found = check_step_audit(held_on, self.text_of("facilitator"),
                                 self.value("findings") or "", self.today, self.case.stepped_on)
        return first_per_field(found)

    def build(self):
        from cintui.casework import step_audits

        case, today, actor = self.case, self.today, self.app.actor
        held_on, auditor = self.date_of("held_on"), self.text_of("facilitator")
        learning = self.value("findings") or ""
        right = {"yes": True, "no": False}.get(self.value("right"))
        return lambda session: step_audits.record_step_audit(
            session, case.episode_id, held_on=held_on, auditor=auditor, learning=learning,
            step_was_right=right, today=today, stepped_on=case.stepped_on,
            recorded_by=actor) and True


class QualityCheckFormScreen(FormScreen):
    """A quality-assurance audit or case-mapping reflective discussion of a plan (BEX 3)."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    def __init__(self, child_id: uuid.UUID, name: str, today: date) -> None:
        super().__init__()
        self.child_id = child_id
        self.today = today
        self.TITLE_TEXT = f"Quality check of {name}'s plan (BEX 3)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("kind", "What", self.choice([(v, k) for k, v in KINDS.items()],
                                                   "case_mapping"))
        yield self.row("held_on", "Held on", self.text(f"{self.today:%d/%m/%Y}"))
        yield self.row("facilitator", "Facilitated by", self.text(
            placeholder="the independent professional standards practitioner"))
        yield self.row("needs_met", "Plan meets needs?", self.choice(
            [("Yes", "yes"), ("No", "no"), ("Not decided", "unknown")], "unknown"))
        yield self.row("findings", "What it found", self.prose(
            "", "What the check found, and what is to change"))

    def on_mount(self) -> None:
        # What is typed first: the kind and the day are filled in (a case mapping, today).
        self.query_one("#facilitator").focus()

    def problems(self) -> dict[str, str]:
        from cintui.domain.oversight import check_quality_check

        try:
            held_on = self.date_of("held_on")
        except ValueError as exc:
            return {"held_on": str(exc)}
        found = check_quality_check(self.value("kind") or "", held_on,
                                    self.text_of("facilitator"), self.value("findings") or "",
                                    self.today, None)
        return first_per_field(found)

    def build(self):
        child_id, today = self.child_id, self.today
        kind, held_on = self.value("kind"), parse_date(self.value("held_on") or "")
        facilitator, findings = self.text_of("facilitator"), self.value("findings") or ""
        needs_met = {"yes": True, "no": False}.get(self.value("needs_met"))
        actor = self.app.actor
        return lambda session: team_cases.record_quality_check(
            session, child_id, kind=kind, held_on=held_on, facilitator=facilitator,
            findings=findings, needs_met=needs_met, recorded_by=actor, today=today)


class ReallocateScreen(FormScreen):
    """Several of a worker's open children to another worker in one go (a manager's
    step): dated, with a reason, each in the child's chronology."""

    def __init__(self, username: str, name: str, today: date) -> None:
        super().__init__()
        self.username = username
        self.today = today
        self.TITLE_TEXT = (f"Reallocate {name}'s children: space marks each child, then "
                           "choose who takes them")

    TABLE_ROWS = 10  # the children's list at most (its header and nine), fewer on 80x24
    TABLE_LEAST = 4  # its header and three children, however short the screen

    def fields(self) -> Iterable[Widget]:
        table = MarkTable(id="children")
        table.styles.height = self.TABLE_ROWS
        yield table
        yield Static("", id="children-error", classes="error -empty")
        yield self.row("to", "To", self.choice([], blank=True))
        yield self.row("on", "On", self.text(f"{self.today:%d/%m/%Y}"))
        yield self.row("reason", "Why", self.text(placeholder="e.g. Amira is leaving"))

    def on_mount(self) -> None:
        table = self.query_one("#children", MarkTable)
        table.add_column("", key="mark", width=1)
        for label, width in (("Child", 30), ("Reference", 12), ("Age", 10), ("Status", 12)):
            table.add_column(label, width=width)
        table.focus()
        self.call_after_refresh(self._fit_table)
        self._load()

    def on_resize(self) -> None:
        super().on_resize()
        self.query_one("#children", MarkTable).styles.height = self.TABLE_ROWS
        self.call_after_refresh(self._fit_table)

    def after_check(self, problems: dict[str, str]) -> None:
        self.call_after_refresh(self._fit_table)  # a problem's line takes a row

    def _fit_table(self) -> None:
        """The whole form on the screen, its title too: the list of children gives up the
        rows it needs (at 80x24 it was 10 high and the form, scrolled to it, hid its title
        and the worker's name)."""
        form = self.query_one("#form")
        table = self.query_one("#children", MarkTable)
        over = form.virtual_size.height - form.scrollable_content_region.height
        if over > 0 and table.size.height > self.TABLE_LEAST:
            table.styles.height = max(self.TABLE_LEAST, table.size.height - over)
            form.call_after_refresh(form.scroll_home, animate=False)

    @work(thread=True)
    def _load(self) -> None:
        from cintui.casework import admin, caseload
        from cintui.domain.workforce import HOLDER_ROLES

        app = self.app
        with app.store.read() as session:
            children = caseload.list_children(session, self.today, username=self.username,
                                              open_only=True)
            workers = [w for w in admin.list_workers(session)
                       if w.username != self.username and w.role in HOLDER_ROLES]
        app.call_from_thread(self._fill, children, workers)

    def _fill(self, children, workers) -> None:
        table = self.query_one("#children", MarkTable)
        for c in children:
            table.add_row("", c.name, c.reference, c.age, c.status.replace("_", " "),
                          key=str(c.id))
        self.query_one("#to", Select).set_options(
            (plain(f"{w.name} ({w.team or 'no team'}, {w.open_children} open)"), w.username)
            for w in workers)

    @on(MarkTable.Changed)
    def _marked(self) -> None:
        self.touched.add("children")
        self.refresh_checks(self.touched)

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.query_one("#children", MarkTable).marked:
            problems["children"] = "mark at least one child with space"
        if not self.value("to"):
            problems["to"] = "choose who takes the children"
        # Worded as every form words a day ("3 Dec 2026 is in the future": it said
        # 03/12/2026), by the forms' own check.
        self.date_problem(problems, missing="give the date of the reallocation")
        return problems

    def build(self):
        from cintui.casework import admin

        children = tuple(uuid.UUID(k) for k in self.query_one("#children", MarkTable).marked)
        new = admin.ReallocationInput(children, self.value("to"), self.date_of("on"),
                                      self.app.actor, self.text_of("reason"))
        today = self.today
        return lambda session: admin.reallocate(session, new, today=today)
